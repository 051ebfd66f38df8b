/*
 * expect: `--assert EXPR` checks on results, e.g. `service_level>=0.8`,
 * `abandon_rate<=0.05`, `billing.service_level>=0.8` (call type or agent
 * group scope). Comparisons are on the mean over replications. A service
 * level may be held to its goal, `p1.service_level>=target` (the call
 * type's own target, else the center's), and `targets` checks every goal of
 * the verdict (verdict.h: the center's and each call type's own).
 *
 * On an operating day the scope may name intervals: `09:00.METRIC` (the
 * center in the interval starting at 09:00), `every_interval.METRIC` (each
 * interval must hold), `billing@09:00.METRIC`, `billing@every_interval.
 * METRIC`. A failed check names every failing interval with its value
 * and CI.
 */
#ifndef ACDSIM_EXPECT_H
#define ACDSIM_EXPECT_H

#include "acdsim/run.h"
#include "verdict.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum acd_expect_op { ACD_OP_GE, ACD_OP_LE, ACD_OP_GT, ACD_OP_LT };

/* Which part of the horizon an assertion looks at. */
enum acd_expect_when {
    ACD_WHEN_RUN,       /* the whole measuring window (the day) */
    ACD_WHEN_AT,        /* the interval starting at at_s */
    ACD_WHEN_EVERY,     /* each interval */
    ACD_WHEN_DAY,       /* a period (`days:`): the day of date `day` (DATE.METRIC) */
    ACD_WHEN_EVERY_DAY, /* ...each day (every_day.METRIC) */
};

/* A part of the expression (byte offset and length in text), for the
 * caret under a located error. */
struct acd_expect_span {
    size_t off, len;
};

struct acd_expect {
    char *text;  /* the expression as given (owned) */
    char *scope; /* call type / group name, NULL for the center (owned) */
    enum acd_metric metric;
    enum acd_expect_op op;
    double value;   /* NAN when to_target */
    bool to_target; /* the bound is the word `target`: the scope's service-level goal */
    bool targets;   /* the expression `targets`: every goal of the verdict is met */
    enum acd_expect_when when;
    double at_s; /* ACD_WHEN_AT: the interval's start, clock seconds */
    long day;    /* ACD_WHEN_DAY: the date, days since 1970-01-01 */
    struct acd_expect_span scope_span, when_span;
};

/* Parse one expression; on error write a message and return -1. The scope
 * is checked later against the scenario (acd_expect_check). A message
 * about one part of the expression says where: "column 1: MESSAGE", then
 * a second line with the expression and a third with a caret under the
 * part ("^~~~~"), each indented by four spaces. */
int acd_expect_parse(const char *text, struct acd_expect *e, char *err, size_t errlen);
/* Check the scope names a call type or group of sc; -1 with message if not. */
int acd_expect_check(const struct acd_expect *e, const struct acd_scenario *sc, char *err,
                     size_t errlen);
void acd_expect_fini(struct acd_expect *e);

/* One figure an assertion judged: over the run or in one interval. */
struct acd_expect_item {
    size_t interval;   /* index in the results' intervals; SIZE_MAX: the run */
    size_t day;        /* a period's day (index in the results' days), else SIZE_MAX */
    const char *scope; /* call type / group name, NULL: the center (borrowed) */
    const char *what;  /* `targets`: the goal's caption (the result's), else NULL */
    enum acd_metric metric;
    const char *op; /* ">=", "<=", ">", "<" */
    double bound;   /* NaN: no target known */
    struct acd_estimate est;
    enum acd_verdict verdict; /* NA: not measured or no bound; counts as failed */
};

/* An assertion evaluated. */
struct acd_expect_result {
    const struct acd_expect *e; /* borrowed */
    bool failed;
    size_t n_items;
    struct acd_expect_item *items; /* every figure judged (owned) */
    struct acd_goal *goals;        /* `targets`: the goals the items name (owned) */
    char *message;                 /* failed: the lines acd_expect_eval prints, else NULL (owned) */
};

/* Evaluate e[0..n) against results into res[0..n) (acd_expect_results_fini
 * frees what they own). Returns the number that failed. */
size_t acd_expect_evaluate(const struct acd_expect *e, size_t n, const struct acd_results *r,
                           struct acd_expect_result *res);
void acd_expect_results_fini(struct acd_expect_result *res, size_t n);
/* The failed ones' messages, in order, to out. */
void acd_expect_print(const struct acd_expect_result *res, size_t n, FILE *out);

/* Evaluate against results; prints the failures to `out` (metric,
 * measured mean, CI, bound; every failing interval). Returns the number
 * that failed. */
size_t acd_expect_eval(const struct acd_expect *e, size_t n, const struct acd_results *r,
                       FILE *out);

/* Where a scope name points, for metric m: a call type or an agent group.
 * A name used by both resolves to whichever the metric applies to (call
 * type first). Else, in a center whose call types use more than one
 * channel, a channel's name (voice, chat, email): ACD_SCOPE_CHANNEL, the
 * enum acd_channel in *idx. Returns the ACD_SCOPE_* kind with the index
 * in *idx, or 0 when nothing has that name. The rule of --assert and of
 * --precision. */
unsigned acd_expect_resolve_scope(const struct acd_setup *st, const char *scope, enum acd_metric m,
                                  size_t *idx);

#endif
