/*
 * compare: scenarios side by side (acdsim compare). Every KPI of every
 * scope (center, call types, groups, intervals and their types and
 * groups) of a scenario X against the reference A: both estimates and the
 * difference X - A with its 95% CI and whether the CI excludes 0.
 *
 * Paired (both runs with the same seed and replication count, values per
 * replication from acd_run_values): the difference of a KPI is the mean
 * over replications of x_i - a_i (replications where both are defined),
 * its CI Student t on those differences. As run's estimates are the mean
 * of per-replication values (ratios included), the difference of the
 * means is exactly the mean of the differences when every replication
 * defines both.
 *
 * Unpaired (a baseline read from results.json: no per-replication values):
 * Welch: difference of the means, CI t(df) * sqrt(se_a^2 + se_b^2) with
 * se = ci95 / t(n-1) of each estimate and the Welch-Satterthwaite df.
 *
 * Writers: compare_text.c (text), compare_data.c (json, csv),
 * compare_html.c (the -o DIR page and charts). docs/compare.md.
 */
#ifndef ACDSIM_COMPARE_H
#define ACDSIM_COMPARE_H

#include "acdsim/run.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* What a compared KPI is: a metric of acd_metrics or a cost total, and
 * which way is better (the table of compare.c, the one place directions
 * live: --fail-if-worse and the text's better/worse read it). */
struct acd_cmp_kpi {
    size_t slot; /* in a scope's values: metric m, or ACD_METRIC_COUNT + total t */
    /* +1: higher is better, -1: lower is better, 0: neither (volumes,
     * agent counts): a change is a change. */
    int better;
};
extern const struct acd_cmp_kpi acd_cmp_kpis[];
extern const size_t acd_cmp_n_kpis;
/* "service_level", ..., "labor_cost" */
const char *acd_cmp_kpi_key(const struct acd_cmp_kpi *k);
const char *acd_cmp_kpi_label(const struct acd_cmp_kpi *k);
/* The KPI named key, or NULL. */
const struct acd_cmp_kpi *acd_cmp_kpi_find(const char *key);

enum acd_cmp_kind {
    ACD_CMP_CENTER,
    ACD_CMP_TYPE,
    ACD_CMP_GROUP,
    ACD_CMP_INTERVAL,       /* the whole center in an interval */
    ACD_CMP_INTERVAL_TYPE,  /* a call type in an interval */
    ACD_CMP_INTERVAL_GROUP, /* a group in an interval */
    ACD_CMP_DAY,            /* the whole center on a day of a period (named by its label) */
    /* A channel (named voice, chat, email): results' channels; a center
     * with one channel is its own channel's scope (the figures that apply
     * to call types, from its summary). */
    ACD_CMP_CHANNEL,
};
/* "center", "call_type", "group", "interval", "interval_call_type",
 * "interval_group", "day", "channel" */
extern const char *const acd_cmp_kind_names[8];
/* Whether a scope of this kind is an interval's (it has a start). */
bool acd_cmp_kind_timed(enum acd_cmp_kind k);

struct acd_cmp_value {
    struct acd_estimate a, x, diff;
    bool significant; /* the diff's CI excludes 0 */
};

struct acd_cmp_scope {
    enum acd_cmp_kind kind;
    const char *name; /* "" for center and interval; borrowed from the results */
    double start_s;   /* interval scopes: the interval's start (clock seconds) */
    /* A period (`days:`): the interval's or day's label (borrowed from A's
     * or X's results) and midnight of that day in the period's seconds;
     * NULL and 0 otherwise. */
    const char *day;
    double day_midnight_s;
    bool in_a, in_x;         /* present in each scenario */
    struct acd_cmp_value *v; /* [acd_cmp_n_kpis]; NULL unless in both */
};

/* One scenario X against the reference A. */
struct acd_cmp_pair {
    const struct acd_results *x; /* borrowed */
    bool paired;
    size_t n_scopes;
    struct acd_cmp_scope *scopes; /* A's scopes in output order, then those only in X */
    /* The variance reduction of the center service level's difference:
     * Var(independent) = var_a + var_x (each run's per-replication sample
     * variance), Var(paired) = var(x_i - a_i); factor = their ratio (the
     * CI is sqrt(factor) times narrower). NAN when unpaired; INFINITY when
     * the paired variance is 0 and the other is not. */
    double var_independent, var_paired, vr_factor;
};

struct acd_compare {
    const struct acd_results *a; /* the reference, borrowed */
    size_t n_pairs;
    struct acd_cmp_pair *pairs;
};

/* Pair X (values xv) with A (values av): paired when both value sets are
 * given, unpaired (Welch) when av is NULL. */
void acd_compare_add(struct acd_compare *c, const struct acd_results *x,
                     const struct acd_rep_values *xv, const struct acd_rep_values *av);
void acd_compare_fini(struct acd_compare *c);

/* Whether text shows KPI k for results using `features` (as run's table). */
bool acd_cmp_kpi_shown(const struct acd_cmp_kpi *k, unsigned features);
/* "09:00 billing", "billing", "center", "09:00" ... into buf; in a
 * period, after the day's label ("2026-12-08 09:00 billing"). */
char *acd_cmp_scope_label(const struct acd_cmp_scope *s, char *buf, size_t n);
/* An interval scope's start on its day's clock ("09:00") into buf. */
char *acd_cmp_scope_clock(const struct acd_cmp_scope *s, char *buf, size_t n);
/* The verdict of a significant change: +1 better, -1 worse, 0 neither. */
int acd_cmp_direction(const struct acd_cmp_kpi *k, const struct acd_cmp_value *v);

struct acd_cmp_format {
    const char *name;
    int (*write)(FILE *out, const struct acd_compare *c);
};
extern const struct acd_cmp_format *const acd_cmp_formats[];

int acd_compare_write_text(FILE *out, const struct acd_compare *c);
int acd_compare_write_json(FILE *out, const struct acd_compare *c);
int acd_compare_write_csv(FILE *out, const struct acd_compare *c);
/* -o DIR: compare.json, compare.csv, charts and index.html. Returns 0, or
 * -1 after reporting on err. */
int acd_compare_write_dir(const char *dir, const struct acd_compare *c, FILE *err);

#endif
