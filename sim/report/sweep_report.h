/*
 * sweep_report: the outputs of `acdsim sweep` - a grid over one or two
 * scenario keys (--set PATH=a..b, PATH=x,y,z), one run per point with the
 * same seed: a text table, JSON, CSV, and with --out a folder with the
 * data, two charts (a KPI against the first parameter with its 95% CI
 * band, one line per value of the second; cost against service level with
 * the Pareto front marked) and index.html (the table and the charts). See
 * docs/sweep.md.
 */
#ifndef ACDSIM_SWEEP_REPORT_H
#define ACDSIM_SWEEP_REPORT_H

#include "acdsim/run.h"
#include "acdsim/stats.h"
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct acd_sweep_axis {
    const char *path; /* the scenario key, e.g. agent_groups.csr.agents (borrowed) */
    size_t n;
    char **values; /* as set (owned) */
    double *x;     /* as numbers: the value, or its index when not all are numbers (owned) */
    bool numeric;
};

struct acd_sweep_point {
    size_t at[2];                    /* index into each axis */
    struct acd_scope_result summary; /* the center (name NULL) */
    struct acd_estimate agent_hours; /* staffed agent-hours per replication */
    bool pareto;                     /* on the cost / service-level front */
};

struct acd_sweep {
    const char *scenario; /* its name (borrowed) */
    uint64_t seed;
    unsigned replications;
    double sl_target, sl_threshold_s; /* the first point's (NAN: none) */
    enum acd_metric kpi;              /* the KPI of the first chart */
    size_t n_axes;                    /* 1 or 2 */
    struct acd_sweep_axis axis[2];
    size_t n_points; /* axis[0].n x axis[1].n, the first axis outermost */
    struct acd_sweep_point *points;
    bool has_cost; /* some point has a cost: the front is cost, else agent-hours */
};

/* The cost of a point on the front's axis: cost when s->has_cost, else
 * agent-hours. */
struct acd_estimate acd_sweep_cost(const struct acd_sweep *s, const struct acd_sweep_point *p);
/* Set has_cost and every point's pareto: no other point has a service
 * level at least as high at a cost at most as high, one of them strictly
 * (points without a service level are never on the front). */
void acd_sweep_mark_pareto(struct acd_sweep *s);

int acd_sweep_write_text(FILE *out, const struct acd_sweep *s);
int acd_sweep_write_json(FILE *out, const struct acd_sweep *s);
int acd_sweep_write_csv(FILE *out, const struct acd_sweep *s);
/* The folder: sweep.json, sweep.csv, sweep_kpi and sweep_pareto charts,
 * index.html (outdir.c). Returns 0, or -1 after reporting to err. */
int acd_sweep_write_out(const char *dir, const struct acd_sweep *s, FILE *err);

/* Free what the sweep owns (axes' values, points). */
void acd_sweep_fini(struct acd_sweep *s);

#endif
