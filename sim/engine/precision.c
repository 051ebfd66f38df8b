/*
 * precision: `--precision` runs, replications in rounds of batches until
 * every goal's 95 % CI half-width is at most its target (precision.h has
 * the rule). Built on run.c's batch API: the rows of every replication run
 * are kept, so a check at N replications is the estimate of a plain run
 * with N, and nothing is run twice.
 *
 * Not here: parsing the goals (the command line's), writing the report
 * (report.c writes results->precision).
 */
#include "acdsim/precision.h"
#include "util.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The rounds grow by at most this factor: the first batch's estimate of
 * the spread is rough, and overshooting runs replications nobody uses. */
#define MAX_GROWTH 4

static bool
goal_met(const struct acd_estimate *e, double half_width)
{
    return !isnan(e->ci95) && e->ci95 <= half_width;
}

/* t(0.975, m-1) * s / sqrt(m) <= hw: m replications would do. */
static bool
enough(double m, double s, double hw)
{
    return gsl_cdf_tdist_Pinv(0.975, m - 1) * s / sqrt(m) <= hw;
}

/* Replications one goal needs, from its estimate over `done`: the smallest
 * m of defined values with t(m-1) s / sqrt(m) <= hw, scaled by the share
 * of replications that define the metric. Without a spread yet (fewer than
 * two defined values): twice as many. */
static double
needed(const struct acd_estimate *e, unsigned done, double hw)
{
    if (goal_met(e, hw))
        return done;
    if (e->n < 2 || isnan(e->ci95))
        return 2.0 * done;
    double m = e->n;
    double s = e->ci95 * sqrt(m) / gsl_cdf_tdist_Pinv(0.975, m - 1);
    /* t > z for every m: below (z s / hw)^2 none will do. */
    double z = 1.959963984540054, lo = floor(pow(z * s / hw, 2));
    if (!(lo < 1e12))
        return 1e12; /* only the maximum bounds it */
    if (lo < m)
        lo = m; /* m itself does not do */
    double hi = lo + 1;
    while (!enough(hi, s, hw))
        hi = 2 * hi;
    while (hi - lo > 1) { /* enough(hi), not enough(lo) */
        double mid = floor((lo + hi) / 2);
        if (enough(mid, s, hw))
            hi = mid;
        else
            lo = mid;
    }
    return hi * done / m;
}

unsigned
acd_precision_next_round(unsigned done, unsigned batch, unsigned max,
                         const struct acd_estimate *est, const double *half_width, size_t n_goals)
{
    ACD_ASSERT(batch > 0 && done >= batch && done < max);
    double want = done;
    for (size_t i = 0; i < n_goals; i++) {
        double need = needed(&est[i], done, half_width[i]);
        if (need > want)
            want = need;
    }
    double cap = (double)MAX_GROWTH * done;
    if (want > cap)
        want = cap;
    double next = ceil(want / batch) * batch;
    if (next < (double)done + batch)
        next = (double)done + batch;
    return next >= max ? max : (unsigned)next;
}

static double
wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Every goal's estimate over replications [0, n); whether all are met. */
static bool
check(struct acd_run_batch *b, unsigned n, const struct acd_precision_goal *goals, size_t n_goals,
      struct acd_estimate *est)
{
    bool all = true;
    for (size_t i = 0; i < n_goals; i++) {
        est[i] = acd_run_batch_estimate(b, n, goals[i].scope, goals[i].index, goals[i].metric);
        all = all && goal_met(&est[i], goals[i].half_width);
    }
    return all;
}

static char *
scope_name(const struct acd_scenario *sc, const struct acd_precision_goal *g)
{
    if (g->scope == ACD_SCOPE_TYPE)
        return acd_xstrdup(sc->call_types[g->index].name);
    if (g->scope == ACD_SCOPE_GROUP)
        return acd_xstrdup(sc->groups[g->index].name);
    return NULL;
}

struct acd_results *
acd_run_precision(const struct acd_scenario *sc, const struct acd_run_opts *opts,
                  const struct acd_precision_goal *goals, size_t n_goals, unsigned max_replications,
                  acd_precision_progress_fn *progress, void *ud)
{
    double t0 = wall_now();
    unsigned batch = opts->replications ? opts->replications : sc->replications;
    unsigned max = max_replications;
    ACD_ASSERT(batch > 0 && max >= batch && n_goals > 0);
    for (size_t i = 0; i < n_goals; i++) {
        ACD_ASSERT(goals[i].metric < ACD_METRIC_COUNT && goals[i].half_width > 0);
        ACD_ASSERT(goals[i].scope == ACD_SCOPE_CENTER ||
                   (goals[i].scope == ACD_SCOPE_TYPE && goals[i].index < sc->n_call_types) ||
                   (goals[i].scope == ACD_SCOPE_GROUP && goals[i].index < sc->n_groups));
    }
    struct acd_estimate *est = acd_xcalloc(n_goals, sizeof(*est));
    double *hw = acd_xcalloc(n_goals, sizeof(*hw));
    for (size_t i = 0; i < n_goals; i++)
        hw[i] = goals[i].half_width;
    unsigned *rounds = NULL;
    size_t n_rounds = 0, cap_rounds = 0;

    struct acd_run_batch *b = acd_run_batch_new(sc, opts);
    unsigned checked = 0, stop = 0, run_to = batch;
    bool by_max = false;
    for (;;) {
        if (!acd_run_batch_more(b, run_to)) {
            acd_run_batch_free(b);
            free(rounds);
            free(hw);
            free(est);
            return NULL;
        }
        rounds = acd_xgrow(rounds, &cap_rounds, n_rounds + 1, sizeof(*rounds));
        rounds[n_rounds++] = run_to;
        /* Every multiple of the batch this round reached, in order (and
         * the maximum, which need not be one). */
        while (checked < run_to && !stop) {
            checked = checked + batch <= run_to ? checked + batch : run_to;
            if (check(b, checked, goals, n_goals, est))
                stop = checked;
        }
        if (stop)
            break;
        if (checked >= max) {
            stop = max;
            by_max = true;
            break;
        }
        run_to = acd_precision_next_round(checked, batch, max, est, hw, n_goals);
        if (progress)
            progress(ud, checked, run_to, goals, est, n_goals);
    }

    struct acd_results *r = acd_run_batch_results(b, stop);
    acd_run_batch_free(b);
    struct acd_precision *p = acd_xcalloc(1, sizeof(*p));
    p->n_targets = n_goals;
    p->targets = acd_xcalloc(n_goals, sizeof(*p->targets));
    for (size_t i = 0; i < n_goals; i++) {
        struct acd_precision_target *t = &p->targets[i];
        t->scope = scope_name(sc, &goals[i]);
        t->metric = goals[i].metric;
        t->half_width = goals[i].half_width;
        t->achieved = est[i].ci95; /* over [0, stop): the results' own ci95 */
        t->met = goal_met(&est[i], goals[i].half_width);
    }
    p->batch = batch;
    p->n_rounds = n_rounds;
    p->rounds = rounds;
    p->max_replications = max;
    p->stopped_by_max = by_max;
    r->precision = p;
    r->wall_s = wall_now() - t0;
    free(hw);
    free(est);
    return r;
}
