/*
 * expect: `--assert EXPR` checks on results, e.g. `service_level>=0.8`,
 * `abandon_rate<=0.05`, `billing.service_level>=0.8` (call type or agent
 * group scope). Comparisons are on the mean over replications. A service
 * level may be held to its goal, `p1.service_level>=target` (the call
 * type's own target, else the center's), and `targets` checks every goal of
 * the verdict (verdict.h: the center's and each call type's own).
 */
#ifndef ACDSIM_EXPECT_H
#define ACDSIM_EXPECT_H

#include "acdsim/run.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum acd_expect_op { ACD_OP_GE, ACD_OP_LE, ACD_OP_GT, ACD_OP_LT };

struct acd_expect {
    char *text;  /* the expression as given (owned) */
    char *scope; /* call type / group name, NULL for the center (owned) */
    enum acd_metric metric;
    enum acd_expect_op op;
    double value;   /* NAN when to_target */
    bool to_target; /* the bound is the word `target`: the scope's service-level goal */
    bool targets;   /* the expression `targets`: every goal of the verdict is met */
};

/* Parse one expression; on error write a message and return -1. The scope
 * is checked later against the scenario (acd_expect_check). */
int acd_expect_parse(const char *text, struct acd_expect *e, char *err, size_t errlen);
/* Check the scope names a call type or group of sc; -1 with message if not. */
int acd_expect_check(const struct acd_expect *e, const struct acd_scenario *sc, char *err,
                     size_t errlen);
void acd_expect_fini(struct acd_expect *e);
/* Evaluate against results; prints one line per failed assertion to `out`
 * (metric, measured mean, CI, bound). Returns the number that failed. */
size_t acd_expect_eval(const struct acd_expect *e, size_t n, const struct acd_results *r,
                       FILE *out);

#endif
