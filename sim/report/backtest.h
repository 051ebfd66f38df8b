/*
 * backtest: a call log's actual figures per interval of a scenario's
 * operating day set beside the scenario's simulated ones (`acdsim
 * backtest`, docs/backtest.md).
 *
 *   acc = acd_backtest_actual_new(&setup);        the scenario's day
 *   acd_calllog_read(..., acd_backtest_actual_add, acc, ...);
 *   acd_backtest_make(acc, results, &bt);          results: acd_run's
 *   acd_backtest_write_text / _json / _csv / _out
 *   acd_backtest_fini(&bt); acd_backtest_actual_free(acc);
 *
 * The accumulator keeps a few numbers per (day of the log, interval) and
 * the set of agents seen per (day, interval): its memory grows with the
 * days, intervals and agents of the log, never with its rows.
 */
#ifndef ACDSIM_BACKTEST_H
#define ACDSIM_BACKTEST_H

#include "acdsim/run.h"
#include "calllog.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The KPIs compared, in report order. */
enum acd_backtest_kpi {
    ACD_BT_OFFERED,
    ACD_BT_SERVICE_LEVEL,
    ACD_BT_ABANDON_RATE,
    ACD_BT_ASA,
    ACD_BT_OCCUPANCY,
    ACD_BT_KPIS
};

struct acd_backtest_kpi_info {
    const char *key;   /* JSON/CSV key and chart stem suffix: "service_level" */
    const char *label; /* "service level" */
    enum acd_metric metric;
    bool share; /* a fraction, shown as a percentage */
};
extern const struct acd_backtest_kpi_info acd_backtest_kpis[ACD_BT_KPIS];

/* Fit verdict thresholds: good at >= 85 % of the values within the band,
 * fair at >= 60 %, else poor. */
#define ACD_BT_GOOD 0.85
#define ACD_BT_FAIR 0.60

struct acd_backtest_actual;

/* An accumulator for the day of st (st->horizon must be ACD_HORIZON_DAY);
 * borrows st, which must outlive it. */
struct acd_backtest_actual *acd_backtest_actual_new(const struct acd_setup *st);
void acd_backtest_actual_free(struct acd_backtest_actual *a);
/* acd_calllog_fn: counts one call (ud: the accumulator). Never stops. */
int acd_backtest_actual_add(void *ud, const struct acd_calllog_record *r);

/* One KPI of one interval. */
struct acd_backtest_cell {
    double actual;    /* mean over the log's days with a value; NAN: none */
    double actual_sd; /* the days' standard deviation; NAN with fewer than 2 */
    unsigned days;    /* days with a value */
    double sim;       /* simulated mean; NAN: undefined */
    double lo, hi;    /* the band (NAN: none: fewer than 2 replications with a value) */
    int within;       /* 1 inside the band, 0 outside, -1 not judged */
};

struct acd_backtest_interval {
    double start_s, end_s;
    bool has_calls; /* the log offered calls in it (some day) */
    struct acd_backtest_cell kpi[ACD_BT_KPIS];
};

struct acd_backtest_fit {
    unsigned long judged, within;
    double share; /* within / judged; NAN with nothing judged */
};

struct acd_backtest {
    const struct acd_setup *setup; /* borrowed from the results */
    uint64_t seed;
    unsigned replications;
    size_t n_days;               /* days in the log (1 without a date column) */
    unsigned long calls;         /* calls of the log used (inside opening hours) */
    unsigned long outside_hours; /* calls that arrived outside them: counted, not used */
    bool has_agents;             /* the log names the answering agents (occupancy) */
    size_t n_intervals;
    struct acd_backtest_interval *iv;
    struct acd_backtest_fit fit, fit_kpi[ACD_BT_KPIS];
    const char *verdict; /* "good", "fair", "poor"; "none" with nothing judged */
};

/* Compare the accumulated log with r (the scenario's run, the accumulator's
 * setup's day). Borrows r (bt->setup points into it). */
void acd_backtest_make(const struct acd_backtest_actual *a, const struct acd_results *r,
                       struct acd_backtest *bt);
void acd_backtest_fini(struct acd_backtest *bt);

/* What the log reader said, for the reports (borrowed; may be NULL). */
struct acd_backtest_source {
    const char *log_path;
    const char *scenario_path;
    const struct acd_calllog_stats *stats;
};

/* The writers: 0, or -1 on an I/O error. */
int acd_backtest_write_text(FILE *out, const struct acd_backtest *bt,
                            const struct acd_backtest_source *src);
int acd_backtest_write_json(FILE *out, const struct acd_backtest *bt,
                            const struct acd_backtest_source *src);
int acd_backtest_write_csv(FILE *out, const struct acd_backtest *bt);
/* The one-line verdict ("Fit: 83% of ... : good"), without a newline
 * (caller frees). */
char *acd_backtest_fit_line(const struct acd_backtest *bt);
/* The folder DIR: backtest.json, backtest.csv and a chart per KPI
 * (backtest_KEY.png/.svg), all or none (outdir.h). 0, or -1 after
 * reporting on err. */
int acd_backtest_write_out(const char *dir, const struct acd_backtest *bt,
                           const struct acd_backtest_source *src, FILE *err);

#endif
