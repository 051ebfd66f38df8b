/*
 * precision: replications added in batches until the 95 % confidence
 * interval of every named metric is narrow enough (`acdsim run --precision
 * service_level=0.01`), or a maximum is reached.
 *
 * The stopping rule looks at multiples of the first batch only: the run
 * ends with the smallest N = k * batch (k = 1, 2, ...) at which the
 * half-width of every goal, computed over replications [0, N), is at most
 * its target; or with the maximum, when no such N is below it. N depends
 * on the replications' values alone (replication i has the streams of
 * (seed, i)), never on the thread count or on how many replications were
 * started at once, and the results are those of a plain run with N
 * replications, bit for bit.
 *
 * How many to start at once (a round) is a guess that only saves time:
 * from the standard deviation s seen so far, the smallest m with
 * t(0.975, m-1) * s / sqrt(m) <= target (scaled by the share of
 * replications where the metric is defined), rounded up to a multiple of
 * the batch, at least one batch more, at most 4 times the replications run
 * so far, and at most the maximum. A round that overshoots leaves
 * replications beyond N run but unused (dropped, not reported); one that
 * falls short is followed by another.
 */
#ifndef ACDSIM_PRECISION_H
#define ACDSIM_PRECISION_H

#include "acdsim/run.h"
#include "acdsim/scenario.h"
#include "acdsim/stats.h"
#include <stddef.h>

/* One goal: the 95 % CI half-width of a metric of one scope. */
struct acd_precision_goal {
    unsigned scope;         /* ACD_SCOPE_CENTER, ACD_SCOPE_TYPE or ACD_SCOPE_GROUP */
    size_t index;           /* the call type's or group's index (not for the center) */
    enum acd_metric metric; /* applies to the scope (acd_metrics[].scopes) */
    double half_width;      /* > 0, in the metric's unit (a ratio as a fraction) */
};

/* Called after each round that does not end the run: replications checked
 * so far (`checked`, a multiple of the batch), the goals' estimates over
 * them, and the replications the next round runs to. */
typedef void acd_precision_progress_fn(void *ud, unsigned checked, unsigned next,
                                       const struct acd_precision_goal *goals,
                                       const struct acd_estimate *est, size_t n_goals);

/* Run sc in batches of opts->replications (0: the scenario's count) until
 * every goal is met or max_replications (>= the batch) were checked.
 * Returns the results of the N replications the rule stops at, with
 * r->precision filled in (goals, half-widths achieved, rounds, how it
 * stopped), or NULL when the overload guard stopped a replication (as
 * acd_run). progress may be NULL. */
struct acd_results *acd_run_precision(const struct acd_scenario *sc,
                                      const struct acd_run_opts *opts,
                                      const struct acd_precision_goal *goals, size_t n_goals,
                                      unsigned max_replications,
                                      acd_precision_progress_fn *progress, void *ud);

/* The round rule above: with `done` replications checked (a multiple of
 * batch) and the goals' estimates over them, the replications the next
 * round runs to (> done, <= max). Exposed for tests. */
unsigned acd_precision_next_round(unsigned done, unsigned batch, unsigned max,
                                  const struct acd_estimate *est, const double *half_width,
                                  size_t n_goals);

#endif
