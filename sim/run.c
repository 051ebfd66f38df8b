/*
 * run: replications on worker threads and estimates across them.
 *
 * Workers take replication indices from a shared counter; each replication
 * is a fresh acd_sim seeded from (seed, index) and its stats are kept by
 * index. Estimates are computed afterwards in index order, so neither the
 * thread count nor the scheduling can change a single bit of the output.
 */
#include "acdsim/run.h"
#include "acdsim/sim.h"
#include "acdsim/util.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A replication's stats, copied out of its sim (which is then freed). */
static struct acd_rep_stats *
rep_stats_copy(const struct acd_rep_stats *src)
{
    struct acd_rep_stats *d = acd_xmalloc(sizeof(*d));
    *d = *src;
    size_t nt = src->n_bins * src->n_types, ng = src->n_bins * src->n_groups;
    d->type_counts = acd_xmalloc((nt ? nt : 1) * sizeof(struct acd_counts));
    d->group_counts = acd_xmalloc((ng ? ng : 1) * sizeof(struct acd_counts));
    d->hists = acd_xmalloc((nt ? nt : 1) * sizeof(struct acd_hist));
    memcpy(d->type_counts, src->type_counts, nt * sizeof(struct acd_counts));
    memcpy(d->group_counts, src->group_counts, ng * sizeof(struct acd_counts));
    memcpy(d->hists, src->hists, nt * sizeof(struct acd_hist));
    return d;
}

static void
rep_stats_free(struct acd_rep_stats *r)
{
    if (!r)
        return;
    free(r->type_counts);
    free(r->group_counts);
    free(r->hists);
    free(r);
}

struct job {
    const struct acd_scenario *sc;
    const struct acd_run_opts *opts;
    uint64_t seed;
    unsigned n;
    atomic_uint next;
    struct acd_rep_stats **out;
};

static void *
worker(void *arg)
{
    struct job *j = arg;
    for (;;) {
        unsigned i = atomic_fetch_add(&j->next, 1);
        if (i >= j->n)
            break;
        struct acd_sim *s = acd_sim_new(j->sc, j->seed, i);
        if (j->opts->trace && i == j->opts->trace_replication)
            acd_sim_set_trace(s, j->opts->trace, j->opts->trace_ud);
        acd_sim_run(s);
        j->out[i] = rep_stats_copy(acd_sim_stats(s));
        acd_sim_free(s);
    }
    return NULL;
}

static double
wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

struct acd_results *
acd_run(const struct acd_scenario *sc, const struct acd_run_opts *opts)
{
    double t0 = wall_now();
    struct job j = {
        .sc = sc,
        .opts = opts,
        .seed = opts->seed_set ? opts->seed : sc->seed,
        .n = opts->replications ? opts->replications : sc->replications,
    };
    atomic_init(&j.next, 0);
    ACD_ASSERT(j.n > 0);
    j.out = acd_xcalloc(j.n, sizeof(*j.out));

    unsigned threads = opts->threads;
    if (threads == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cpus > 0 ? (unsigned)cpus : 1;
    }
    if (threads > j.n)
        threads = j.n;
    if (threads <= 1) {
        worker(&j);
    } else {
        pthread_t *tid = acd_xcalloc(threads, sizeof(*tid));
        unsigned started = 0;
        for (; started < threads; started++)
            if (pthread_create(&tid[started], NULL, worker, &j) != 0)
                break;
        if (started == 0)
            worker(&j); /* no thread could start: run here */
        for (unsigned i = 0; i < started; i++)
            pthread_join(tid[i], NULL);
        free(tid);
    }

    struct acd_results *r =
        acd_results_from_reps(sc, (const struct acd_rep_stats *const *)j.out, j.n);
    r->seed = j.seed;
    r->threads = threads ? threads : 1;
    for (unsigned i = 0; i < j.n; i++)
        rep_stats_free(j.out[i]);
    free(j.out);
    r->wall_s = wall_now() - t0;
    return r;
}

/* One scope's counts (and histogram) in replication i. */
typedef void scope_fn(const struct acd_rep_stats *rs, size_t idx, struct acd_counts *c,
                      struct acd_hist *h);

static void
scope_center(const struct acd_rep_stats *rs, size_t bin, struct acd_counts *c, struct acd_hist *h)
{
    memset(c, 0, sizeof(*c));
    acd_stats_hist_reset(h);
    c->window_s = 0;
    for (size_t k = 0; k < rs->n_types; k++) {
        acd_stats_counts_add(c, &rs->type_counts[bin * rs->n_types + k]);
        acd_stats_hist_merge(h, &rs->hists[bin * rs->n_types + k]);
        c->window_s = rs->type_counts[bin * rs->n_types + k].window_s;
    }
    /* Agent time and labor cost come from the groups; the types carry
     * none. Calls come from the types (the groups' answered counts include
     * escalated legs, a different thing). */
    for (size_t g = 0; g < rs->n_groups; g++) {
        const struct acd_counts *gc = &rs->group_counts[bin * rs->n_groups + g];
        c->busy_agent_s += gc->busy_agent_s;
        c->staffed_agent_s += gc->staffed_agent_s;
        c->idle_agent_s += gc->idle_agent_s;
        c->talk_agent_s += gc->talk_agent_s;
        c->wrap_agent_s += gc->wrap_agent_s;
        c->break_agent_s += gc->break_agent_s;
        c->off_agent_s += gc->off_agent_s;
        c->labor_cost += gc->labor_cost;
    }
}

/* A call type over every reported bin (idx = type). */
static void
scope_type(const struct acd_rep_stats *rs, size_t k, struct acd_counts *c, struct acd_hist *h)
{
    memset(c, 0, sizeof(*c));
    acd_stats_hist_reset(h);
    double window = 0;
    for (size_t b = 0; b < rs->n_bins; b++) {
        acd_stats_counts_add(c, &rs->type_counts[b * rs->n_types + k]);
        acd_stats_hist_merge(h, &rs->hists[b * rs->n_types + k]);
        window += rs->type_counts[b * rs->n_types + k].window_s;
    }
    c->window_s = window;
}

/* An agent group over every reported bin (idx = group). */
static void
scope_group(const struct acd_rep_stats *rs, size_t g, struct acd_counts *c, struct acd_hist *h)
{
    memset(c, 0, sizeof(*c));
    (void)h;
    double window = 0;
    for (size_t b = 0; b < rs->n_bins; b++) {
        acd_stats_counts_add(c, &rs->group_counts[b * rs->n_groups + g]);
        window += rs->group_counts[b * rs->n_groups + g].window_s;
    }
    c->window_s = window;
}

/* The whole center over every reported bin. */
static void
scope_center_all(const struct acd_rep_stats *rs, size_t unused, struct acd_counts *c,
                 struct acd_hist *h)
{
    (void)unused;
    struct acd_counts part;
    struct acd_hist *ph = acd_xmalloc(sizeof(*ph));
    memset(c, 0, sizeof(*c));
    acd_stats_hist_reset(h);
    double window = 0;
    for (size_t b = 0; b < rs->n_bins; b++) {
        scope_center(rs, b, &part, ph);
        acd_stats_counts_add(c, &part);
        acd_stats_hist_merge(h, ph);
        window += part.window_s;
    }
    c->window_s = window;
    free(ph);
}

/* Interval scopes: idx = bin * (n_types + 1) + (type + 1), type -1 = all. */
static void
scope_interval(const struct acd_rep_stats *rs, size_t idx, struct acd_counts *c, struct acd_hist *h)
{
    size_t b = idx / (rs->n_types + 1), k = idx % (rs->n_types + 1);
    if (k == 0) {
        scope_center(rs, b, c, h);
        return;
    }
    *c = rs->type_counts[b * rs->n_types + k - 1];
    *h = rs->hists[b * rs->n_types + k - 1];
}

static void
estimate_scope(struct acd_scope_result *out, unsigned scope, const char *name,
               const struct acd_rep_stats *const *reps, size_t n, scope_fn *get, size_t idx,
               bool has_hist)
{
    out->name = name;
    out->scope = scope;
    struct acd_counts *c = acd_xcalloc(n, sizeof(*c));
    struct acd_hist *h = acd_xmalloc(sizeof(*h));
    double *x = acd_xcalloc(n, sizeof(double));
    /* p90 needs each replication's histogram: evaluate it while we have it. */
    double *p90 = acd_xcalloc(n, sizeof(double));
    for (size_t i = 0; i < n; i++) {
        acd_stats_hist_reset(h);
        get(reps[i], idx, &c[i], h);
        p90[i] = has_hist ? acd_metrics[ACD_M_WAIT_P90].eval(&c[i], h) : ACD_NAN;
    }
    for (size_t m = 0; m < ACD_METRIC_COUNT; m++) {
        if (!(acd_metrics[m].scopes & scope)) {
            out->metric[m] = (struct acd_estimate){ACD_NAN, ACD_NAN, 0};
            continue;
        }
        for (size_t i = 0; i < n; i++)
            x[i] = m == ACD_M_WAIT_P90 ? p90[i] : acd_metrics[m].eval(&c[i], NULL);
        out->metric[m] = acd_stats_estimate(x, n);
    }
    for (size_t t = 0; t < ACD_TOTAL_COUNT; t++) {
        if (!(acd_totals[t].scopes & scope)) {
            out->total[t] = (struct acd_estimate){ACD_NAN, ACD_NAN, 0};
            continue;
        }
        for (size_t i = 0; i < n; i++)
            x[i] = *(const double *)((const char *)&c[i] + acd_totals[t].offset);
        out->total[t] = acd_stats_estimate(x, n);
    }
    free(c);
    free(h);
    free(x);
    free(p90);
}

struct acd_results *
acd_results_from_reps(const struct acd_scenario *sc, const struct acd_rep_stats *const *reps,
                      size_t n)
{
    ACD_ASSERT(n > 0);
    struct acd_results *r = acd_xcalloc(1, sizeof(*r));
    r->sc = sc;
    r->replications = (unsigned)n;
    for (size_t i = 0; i < n; i++) {
        r->calls += reps[i]->calls;
        r->events += reps[i]->events;
    }
    /* Summary scopes cover every reported bin (the steady-state window, or
     * the operating day); an operating day adds one result per interval. */
    estimate_scope(&r->summary, ACD_SCOPE_CENTER, "", reps, n, scope_center_all, 0, true);
    r->types = acd_xcalloc(sc->n_call_types, sizeof(*r->types));
    for (size_t k = 0; k < sc->n_call_types; k++)
        estimate_scope(&r->types[k], ACD_SCOPE_TYPE, sc->call_types[k].name, reps, n, scope_type, k,
                       true);
    r->groups = acd_xcalloc(sc->n_groups, sizeof(*r->groups));
    for (size_t g = 0; g < sc->n_groups; g++)
        estimate_scope(&r->groups[g], ACD_SCOPE_GROUP, sc->groups[g].name, reps, n, scope_group, g,
                       false);
    if (sc->horizon == ACD_HORIZON_DAY) {
        size_t nt = sc->n_call_types;
        r->n_intervals = sc->n_intervals;
        r->intervals = acd_xcalloc(r->n_intervals, sizeof(*r->intervals));
        for (size_t b = 0; b < r->n_intervals; b++) {
            struct acd_interval_result *iv = &r->intervals[b];
            iv->start_s = sc->open_s + (double)b * sc->interval_s;
            iv->end_s = b + 1 == r->n_intervals ? sc->close_s : iv->start_s + sc->interval_s;
            estimate_scope(&iv->all, ACD_SCOPE_INTERVAL, "", reps, n, scope_interval, b * (nt + 1),
                           true);
            iv->types = acd_xcalloc(nt, sizeof(*iv->types));
            for (size_t k = 0; k < nt; k++)
                estimate_scope(&iv->types[k], ACD_SCOPE_TYPE, sc->call_types[k].name, reps, n,
                               scope_interval, b * (nt + 1) + k + 1, true);
        }
    }
    return r;
}

void
acd_results_free(struct acd_results *r)
{
    if (!r)
        return;
    free(r->types);
    free(r->groups);
    for (size_t i = 0; i < r->n_intervals; i++)
        free(r->intervals[i].types);
    free(r->intervals);
    free(r);
}

const struct acd_scope_result *
acd_results_lookup(const struct acd_results *r, const char *scope, enum acd_metric *m)
{
    (void)m;
    if (!scope || !*scope)
        return &r->summary;
    for (size_t k = 0; k < r->sc->n_call_types; k++)
        if (strcmp(r->sc->call_types[k].name, scope) == 0)
            return &r->types[k];
    for (size_t g = 0; g < r->sc->n_groups; g++)
        if (strcmp(r->sc->groups[g].name, scope) == 0)
            return &r->groups[g];
    return NULL;
}
