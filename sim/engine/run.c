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
#include "util.h"

#include <gsl/gsl_sort_double.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Each replication is reduced, as soon as it ends, to one row of values:
 * every metric and total of every scope (center, call types, groups,
 * intervals). Rows are kept by replication index and estimated at the end;
 * memory is the rows (a few kB a replication), never the raw histograms. */
#define ROW (ACD_METRIC_COUNT + ACD_TOTAL_COUNT)

struct scope_def;

/* A row: n_scopes * ROW scope values, then the calls-waiting samples, then
 * the answered and abandoned wait CDFs at n_cdf points, then the drain
 * (DRAIN values for the center, then for each group). */
struct row_layout {
    const struct scope_def *scopes;
    size_t n_scopes;
    size_t n_samples;
    double sample_t0_s, sample_step_s;
    size_t n_cdf;
    double cdf_dx_s;
    size_t n_groups;
    size_t len;
};

/* The drain's values in a row, in struct acd_drain_result's order. */
enum { DRAIN_DURATION, DRAIN_BUSY, DRAIN_STAFFED, DRAIN_OCCUPANCY, DRAIN };

static size_t list_scopes(const struct acd_scenario *sc, struct scope_def **out);
static void layout_init(struct row_layout *l, const struct acd_scenario *sc,
                        const struct scope_def *scopes, size_t n_scopes);
static void observe(const struct row_layout *l, const struct acd_rep_stats *rs, double *row);

/* Replications handed out to workers one at a time (replication i always
 * gets the streams of (seed, i)). */
struct job {
    const struct acd_scenario *sc;
    const struct acd_run_opts *opts;
    uint64_t seed;
    unsigned n; /* replications [next's start, n) */
    atomic_uint next;
    void (*fn)(void *ud, unsigned i, const struct acd_rep_stats *st);
    void *ud;
    pthread_mutex_t lock; /* guards the overload report */
    bool overloaded;
    unsigned overload_rep;
    struct acd_overload overload;
};

static void *
worker(void *arg)
{
    struct job *j = arg;
    struct acd_sim *s = NULL; /* one per thread, reset per replication */
    for (;;) {
        unsigned i = atomic_fetch_add(&j->next, 1);
        if (i >= j->n)
            break;
        if (s)
            acd_sim_reset(s, j->seed, i);
        else
            s = acd_sim_new_flags(j->sc, j->seed, i, j->opts->no_hists ? ACD_SIM_NO_HISTS : 0);
        acd_sim_set_max_calls(s, j->opts->max_calls);
        if (j->opts->trace && i == j->opts->trace_replication)
            acd_sim_set_trace(s, j->opts->trace, j->opts->trace_ud);
        acd_sim_run(s);
        struct acd_overload ov;
        if (acd_sim_overload(s, &ov)) {
            /* Stop handing out replications; keep the lowest one's report. */
            atomic_store(&j->next, j->n);
            pthread_mutex_lock(&j->lock);
            if (!j->overloaded || i < j->overload_rep) {
                j->overloaded = true;
                j->overload_rep = i;
                j->overload = ov;
            }
            pthread_mutex_unlock(&j->lock);
        } else {
            j->fn(j->ud, i, acd_sim_stats(s));
        }
    }
    acd_sim_free(s);
    return NULL;
}

static unsigned
run_threads(const struct acd_run_opts *opts, unsigned n)
{
    unsigned threads = opts->threads;
    if (threads == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cpus > 0 ? (unsigned)cpus : 1;
    }
    return threads > n ? n : threads;
}

static void run_job(struct job *j, unsigned threads);

/* Replications [r0, r1) of sc, each handed to fn (acd_run_reps). */
static bool
run_range(const struct acd_scenario *sc, const struct acd_run_opts *opts, unsigned r0, unsigned r1,
          void (*fn)(void *ud, unsigned i, const struct acd_rep_stats *st), void *ud)
{
    struct job j = {
        .sc = sc,
        .opts = opts,
        .seed = opts->seed_set ? opts->seed : sc->seed,
        .n = r1,
        .fn = fn,
        .ud = ud,
    };
    atomic_init(&j.next, r0);
    ACD_ASSERT(r1 > r0);
    pthread_mutex_init(&j.lock, NULL);
    run_job(&j, run_threads(opts, r1 - r0));
    pthread_mutex_destroy(&j.lock);
    if (j.overloaded && opts->overload)
        *opts->overload = j.overload;
    return !j.overloaded;
}

/* Interim: rows filled in place (the reduction in order comes next). */
struct reps_rows {
    acd_run_rep_fn *fn;
    void *ud;
    double *rows;
    size_t row_len;
};

static void
reps_row(void *ud, unsigned i, const struct acd_rep_stats *st)
{
    struct reps_rows *rr = ud;
    rr->fn(rr->ud, i, st, rr->rows + (size_t)i * rr->row_len);
}

bool
acd_run_reps(const struct acd_scenario *sc, const struct acd_run_opts *opts, acd_run_rep_fn *fn,
             void *ud, double *rows, size_t row_len)
{
    unsigned n = opts->replications ? opts->replications : sc->replications;
    memset(rows, 0, (size_t)n * row_len * sizeof(double));
    struct reps_rows rr = {fn, ud, rows, row_len};
    return run_range(sc, opts, 0, n, reps_row, &rr);
}

static void
run_job(struct job *j, unsigned threads)
{
    if (threads <= 1) {
        worker(j);
        return;
    }
    pthread_t *tid = acd_xcalloc(threads, sizeof(*tid));
    unsigned started = 0;
    for (; started < threads; started++)
        if (pthread_create(&tid[started], NULL, worker, j) != 0)
            break;
    if (started == 0)
        worker(j); /* no thread could start: run here */
    for (unsigned i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    free(tid);
}

/* acd_run's reduction: each replication becomes its row. */
struct rows {
    struct scope_def *scopes;
    struct row_layout layout;
    size_t n, cap; /* rows kept, room for */
    double **rows; /* [replication] -> layout.len values */
    uint64_t *calls, *events;
};

static void
rows_init(struct rows *rw, const struct acd_scenario *sc, size_t n)
{
    size_t n_scopes = list_scopes(sc, &rw->scopes);
    layout_init(&rw->layout, sc, rw->scopes, n_scopes);
    rw->n = n;
    rw->cap = n;
    rw->rows = acd_xcalloc(n ? n : 1, sizeof(*rw->rows));
    rw->calls = acd_xcalloc(n ? n : 1, sizeof(*rw->calls));
    rw->events = acd_xcalloc(n ? n : 1, sizeof(*rw->events));
}

/* Room for rows [0, n), the new ones empty (NULL, 0). */
static void
rows_reserve(struct rows *rw, size_t n)
{
    if (n <= rw->cap)
        return;
    rw->rows = acd_xrealloc(rw->rows, n * sizeof(*rw->rows));
    rw->calls = acd_xrealloc(rw->calls, n * sizeof(*rw->calls));
    rw->events = acd_xrealloc(rw->events, n * sizeof(*rw->events));
    for (size_t i = rw->cap; i < n; i++) {
        rw->rows[i] = NULL;
        rw->calls[i] = rw->events[i] = 0;
    }
    rw->cap = n;
}

static void
rows_free(struct rows *rw)
{
    for (size_t i = 0; i < rw->cap; i++)
        free(rw->rows[i]);
    free(rw->rows);
    free(rw->calls);
    free(rw->events);
    free(rw->scopes);
    memset(rw, 0, sizeof(*rw));
}

static void
keep_row(void *ud, unsigned i, const struct acd_rep_stats *st)
{
    struct rows *rw = ud;
    rw->rows[i] = acd_xmalloc(rw->layout.len * sizeof(double));
    observe(&rw->layout, st, rw->rows[i]);
    rw->calls[i] = st->calls;
    rw->events[i] = st->events;
}

static struct acd_results *results_from_rows(const struct acd_scenario *sc,
                                             const struct row_layout *l, const double *const *rows,
                                             size_t n);

static struct acd_scope_result *scope_place(struct acd_results *r, const struct scope_def *d,
                                            size_t si);

/* The estimates from every kept row [0, n); frees the rows, or with vals
 * hands their scope part over to it (shrunk to n_scopes * ROW). Rows
 * beyond n (a batch run that overshot) are freed either way. */
static struct acd_results *
rows_finish(struct rows *rw, const struct acd_scenario *sc, struct acd_rep_values *vals)
{
    struct acd_results *r =
        results_from_rows(sc, &rw->layout, (const double *const *)rw->rows, rw->n);
    for (size_t i = 0; i < rw->n; i++) {
        r->calls += rw->calls[i];
        r->events += rw->events[i];
    }
    if (vals) {
        size_t ns = rw->layout.n_scopes;
        vals->n = rw->n;
        vals->n_scopes = ns;
        vals->scope = acd_xcalloc(ns, sizeof(*vals->scope));
        for (size_t si = 0; si < ns; si++)
            vals->scope[si] = scope_place(r, rw->scopes, si);
        vals->rows = acd_xcalloc(rw->n ? rw->n : 1, sizeof(*vals->rows));
        for (size_t i = 0; i < rw->n; i++) {
            double *shrunk = realloc(rw->rows[i], ns * ROW * sizeof(double));
            vals->rows[i] = shrunk ? shrunk : rw->rows[i]; /* else keep the longer row */
            rw->rows[i] = NULL;
        }
    }
    rows_free(rw);
    return r;
}

static double
wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Replications in batches: the rows of [0, n) kept, more appended by
 * acd_run_batch_more; acd_run is one batch. */
struct acd_run_batch {
    const struct acd_scenario *sc;
    struct acd_run_opts opts;
    struct rows rw;
    double wall_s; /* spent in more and results */
};

struct acd_run_batch *
acd_run_batch_new(const struct acd_scenario *sc, const struct acd_run_opts *opts)
{
    struct acd_run_batch *b = acd_xcalloc(1, sizeof(*b));
    b->sc = sc;
    b->opts = *opts;
    b->opts.no_hists = false; /* the rows need the histograms */
    rows_init(&b->rw, sc, 0);
    return b;
}

bool
acd_run_batch_more(struct acd_run_batch *b, unsigned n)
{
    ACD_ASSERT(b->rw.scopes != NULL); /* not yet turned into results */
    if (n <= b->rw.n)
        return true;
    double t0 = wall_now();
    rows_reserve(&b->rw, n);
    bool ok = run_range(b->sc, &b->opts, (unsigned)b->rw.n, n, keep_row, &b->rw);
    if (ok)
        b->rw.n = n;
    b->wall_s += wall_now() - t0;
    return ok;
}

unsigned
acd_run_batch_done(const struct acd_run_batch *b)
{
    return (unsigned)b->rw.n;
}

struct acd_estimate
acd_run_batch_estimate(const struct acd_run_batch *b, unsigned n, unsigned scope, size_t idx,
                       enum acd_metric m)
{
    /* list_scopes' order: the center, the call types, the groups. */
    size_t si = scope == ACD_SCOPE_CENTER ? 0
                : scope == ACD_SCOPE_TYPE ? 1 + idx
                                          : 1 + b->sc->n_call_types + idx;
    ACD_ASSERT(scope == ACD_SCOPE_CENTER || scope == ACD_SCOPE_TYPE || scope == ACD_SCOPE_GROUP);
    ACD_ASSERT(si < b->rw.layout.n_scopes);
    ACD_ASSERT(m < ACD_METRIC_COUNT && n <= b->rw.n);
    double *x = acd_xcalloc(n ? n : 1, sizeof(double));
    for (size_t i = 0; i < n; i++)
        x[i] = b->rw.rows[i][si * ROW + m];
    struct acd_estimate e = acd_stats_estimate(x, n);
    free(x);
    return e;
}

/* acd_run_batch_results; with vals, the per-replication values too. */
static struct acd_results *
batch_results(struct acd_run_batch *b, unsigned n, struct acd_rep_values *vals)
{
    ACD_ASSERT(b->rw.scopes != NULL && n > 0 && n <= b->rw.n);
    double t0 = wall_now();
    b->rw.n = n; /* rows_free frees the dropped ones too */
    struct acd_results *r = rows_finish(&b->rw, b->sc, vals);
    r->seed = b->opts.seed_set ? b->opts.seed : b->sc->seed;
    unsigned threads = run_threads(&b->opts, n);
    r->threads = threads ? threads : 1;
    b->wall_s += wall_now() - t0;
    r->wall_s = b->wall_s;
    return r;
}

struct acd_results *
acd_run_batch_results(struct acd_run_batch *b, unsigned n)
{
    return batch_results(b, n, NULL);
}

void
acd_run_batch_free(struct acd_run_batch *b)
{
    if (!b)
        return;
    if (b->rw.scopes)
        rows_free(&b->rw);
    free(b);
}

/* acd_run; with vals, the scope part of every row is handed over to it. */
static struct acd_results *
run_values(const struct acd_scenario *sc, const struct acd_run_opts *opts,
           struct acd_rep_values *vals)
{
    unsigned n = opts->replications ? opts->replications : sc->replications;
    ACD_ASSERT(n > 0);
    struct acd_run_batch *b = acd_run_batch_new(sc, opts);
    struct acd_results *r = acd_run_batch_more(b, n) ? batch_results(b, n, vals) : NULL;
    acd_run_batch_free(b);
    return r;
}

struct acd_results *
acd_run(const struct acd_scenario *sc, const struct acd_run_opts *opts)
{
    return run_values(sc, opts, NULL);
}

struct acd_results *
acd_run_values(const struct acd_scenario *sc, const struct acd_run_opts *opts,
               struct acd_rep_values *vals)
{
    ACD_ASSERT(vals != NULL);
    memset(vals, 0, sizeof(*vals));
    return run_values(sc, opts, vals);
}

void
acd_rep_values_fini(struct acd_rep_values *v)
{
    for (size_t i = 0; i < v->n; i++)
        free(v->rows[i]);
    free(v->rows);
    free(v->scope);
    memset(v, 0, sizeof(*v));
}

/* One scope's counts in a replication, and the wait histograms that make
 * up its distribution (appended to hs[*nh]; quantiles read them together,
 * so nothing is merged or copied). */
struct hist_list {
    const struct acd_hist **v;
    size_t n;
    /* Or (log) the sparse histograms [h0, h1) of bin_waits. */
    bool log;
    uint32_t h0, h1;
};
typedef void scope_fn(const struct acd_rep_stats *rs, size_t idx, struct acd_counts *c,
                      struct hist_list *hl);

void
acd_run_center_counts(const struct acd_rep_stats *rs, size_t bin, struct acd_counts *c)
{
    memset(c, 0, sizeof(*c));
    for (size_t k = 0; k < rs->n_types; k++) {
        acd_stats_counts_add(c, &rs->type_counts[bin * rs->n_types + k]);
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
        c->unpaid_break_agent_s += gc->unpaid_break_agent_s;
        c->off_agent_s += gc->off_agent_s;
        c->ring_agent_s += gc->ring_agent_s;
        c->labor_cost += gc->labor_cost;
    }
}

static void
scope_center(const struct acd_rep_stats *rs, size_t bin, struct acd_counts *c, struct hist_list *hl)
{
    acd_run_center_counts(rs, bin, c);
    hl->log = true;
    hl->h0 = (uint32_t)(bin * rs->n_types);
    hl->h1 = (uint32_t)((bin + 1) * rs->n_types);
}

/* A call type over every reported bin (idx = type). */
static void
scope_type(const struct acd_rep_stats *rs, size_t k, struct acd_counts *c, struct hist_list *hl)
{
    memset(c, 0, sizeof(*c));
    double window = 0;
    for (size_t b = 0; b < rs->n_bins; b++) {
        acd_stats_counts_add(c, &rs->type_counts[b * rs->n_types + k]);
        window += rs->type_counts[b * rs->n_types + k].window_s;
    }
    c->window_s = window;
    if (rs->type_hists)
        hl->v[hl->n++] = &rs->type_hists[k];
}

/* An agent group over every reported bin (idx = group). */
static void
scope_group(const struct acd_rep_stats *rs, size_t g, struct acd_counts *c, struct hist_list *hl)
{
    (void)hl;
    memset(c, 0, sizeof(*c));
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
                 struct hist_list *hl)
{
    (void)unused;
    struct acd_counts part;
    memset(c, 0, sizeof(*c));
    double window = 0;
    for (size_t b = 0; b < rs->n_bins; b++) {
        scope_center(rs, b, &part, hl);
        acd_stats_counts_add(c, &part);
        window += part.window_s;
    }
    c->window_s = window;
    hl->log = false;
    for (size_t k = 0; rs->type_hists && k < rs->n_types; k++)
        hl->v[hl->n++] = &rs->type_hists[k];
}

/* Interval scopes: idx = bin * (n_types + 1) + (type + 1), type -1 = all. */
static void
scope_interval(const struct acd_rep_stats *rs, size_t idx, struct acd_counts *c,
               struct hist_list *hl)
{
    size_t b = idx / (rs->n_types + 1), k = idx % (rs->n_types + 1);
    if (k == 0) {
        scope_center(rs, b, c, hl);
        return;
    }
    *c = rs->type_counts[b * rs->n_types + k - 1];
    hl->log = true;
    hl->h0 = (uint32_t)(b * rs->n_types + k - 1);
    hl->h1 = hl->h0 + 1;
}

/* Interval x group scopes: idx = bin * n_groups + group. */
static void
scope_interval_group(const struct acd_rep_stats *rs, size_t idx, struct acd_counts *c,
                     struct hist_list *hl)
{
    (void)hl;
    *c = rs->group_counts[idx];
}

struct scope_def {
    unsigned scope; /* ACD_SCOPE_* for applicability */
    const char *name;
    scope_fn *get;
    size_t idx;
    bool has_hist;
    struct acd_scope_result *(*place)(struct acd_results *r, size_t idx); /* where it goes */
    size_t place_idx;
};

static struct acd_scope_result *
place_summary(struct acd_results *r, size_t i)
{
    (void)i;
    return &r->summary;
}

static struct acd_scope_result *
place_type(struct acd_results *r, size_t i)
{
    return &r->types[i];
}

static struct acd_scope_result *
place_group(struct acd_results *r, size_t i)
{
    return &r->groups[i];
}

static struct acd_scope_result *
place_interval_group(struct acd_results *r, size_t i)
{
    size_t ng = r->setup.n_groups;
    return &r->intervals[i / ng].groups[i % ng];
}

static struct acd_scope_result *
place_interval(struct acd_results *r, size_t i)
{
    size_t nt = r->setup.n_call_types, b = i / (nt + 1), k = i % (nt + 1);
    return k == 0 ? &r->intervals[b].all : &r->intervals[b].types[k - 1];
}

static struct acd_scope_result *
scope_place(struct acd_results *r, const struct scope_def *d, size_t si)
{
    return d[si].place(r, d[si].place_idx);
}

/* Every scope of sc's results, in output order. Caller frees *out. */
static size_t
list_scopes(const struct acd_scenario *sc, struct scope_def **out)
{
    size_t nt = sc->n_call_types, ng = sc->n_groups;
    size_t ni = sc->horizon == ACD_HORIZON_DAY ? sc->n_intervals : 0;
    size_t n = 1 + nt + ng + ni * (nt + 1 + ng), i = 0;
    struct scope_def *d = acd_xcalloc(n, sizeof(*d));
    d[i++] = (struct scope_def){ACD_SCOPE_CENTER, "", scope_center_all, 0, true, place_summary, 0};
    for (size_t k = 0; k < nt; k++)
        d[i++] = (struct scope_def){
            ACD_SCOPE_TYPE, sc->call_types[k].name, scope_type, k, true, place_type, k};
    for (size_t g = 0; g < ng; g++)
        d[i++] = (struct scope_def){
            ACD_SCOPE_GROUP, sc->groups[g].name, scope_group, g, false, place_group, g};
    for (size_t b = 0; b < ni; b++)
        for (size_t k = 0; k <= nt; k++) {
            size_t idx = b * (nt + 1) + k;
            d[i++] = (struct scope_def){k ? ACD_SCOPE_TYPE : ACD_SCOPE_INTERVAL,
                                        k ? sc->call_types[k - 1].name : "",
                                        scope_interval,
                                        idx,
                                        true,
                                        place_interval,
                                        idx};
        }
    for (size_t b = 0; b < ni; b++)
        for (size_t g = 0; g < ng; g++)
            d[i++] = (struct scope_def){
                ACD_SCOPE_GROUP,      sc->groups[g].name, scope_interval_group, b * ng + g, false,
                place_interval_group, b * ng + g};
    ACD_ASSERT(i == n);
    *out = d;
    return n;
}

/* One replication's row: every metric (NAN where it does not apply or is
 * undefined) and total of every scope. */
static void
layout_init(struct row_layout *l, const struct acd_scenario *sc, const struct scope_def *scopes,
            size_t n_scopes)
{
    l->scopes = scopes;
    l->n_scopes = n_scopes;
    l->n_samples = acd_sim_samples(sc, &l->sample_t0_s, &l->sample_step_s);
    /* CDF points from 0 to 8 thresholds (the largest of the center's and the
     * call types' own; at least 4 minutes), every 1/120. */
    double t_max = sc->sl_threshold_s;
    for (size_t k = 0; k < sc->n_call_types; k++)
        if (acd_scenario_type_sl_threshold(sc, k) > t_max)
            t_max = acd_scenario_type_sl_threshold(sc, k);
    double x_max = 8 * t_max > 240 ? 8 * t_max : 240;
    l->n_cdf = 121;
    l->cdf_dx_s = x_max / 120;
    l->n_groups = sc->n_groups;
    l->len = n_scopes * ROW + l->n_samples + 2 * l->n_cdf + (1 + l->n_groups) * DRAIN;
}

/* One drain entry of a row: length, busy and staffed agent-seconds, their
 * ratio (NAN without staffed time). */
static void
drain_values(double *v, double drain_s, double busy_s, double staffed_s)
{
    v[DRAIN_DURATION] = drain_s;
    v[DRAIN_BUSY] = busy_s;
    v[DRAIN_STAFFED] = staffed_s;
    v[DRAIN_OCCUPANCY] = staffed_s > 0 ? busy_s / staffed_s : ACD_NAN;
}

/* One replication's row: every metric (NAN where it does not apply or is
 * undefined) and total of every scope, then the series and the CDFs. */
static void
observe(const struct row_layout *l, const struct acd_rep_stats *rs, double *row)
{
    const struct scope_def *d = l->scopes;
    size_t nh = rs->n_types + 1;
    struct hist_list hl = {acd_xmalloc(nh * sizeof(*hl.v)), 0, false, 0, 0};
    for (size_t si = 0; si < l->n_scopes; si++, row += ROW) {
        struct acd_counts c;
        hl.n = 0;
        hl.log = false;
        d[si].get(rs, d[si].idx, &c, &hl);
        for (size_t m = 0; m < ACD_METRIC_COUNT; m++) {
            if (!(acd_metrics[m].scopes & d[si].scope))
                row[m] = ACD_NAN;
            else if (m == ACD_M_WAIT_P90)
                row[m] = !d[si].has_hist ? ACD_NAN
                         : hl.log ? acd_stats_hlog_quantile(&rs->bin_waits, hl.h0, hl.h1, 0.9)
                                  : acd_stats_hist_quantile_n(hl.v, hl.n, 0.9);
            else
                row[m] = acd_metrics[m].eval(&c, NULL);
        }
        for (size_t t = 0; t < ACD_TOTAL_COUNT; t++)
            row[ACD_METRIC_COUNT + t] =
                acd_totals[t].scopes & d[si].scope
                    ? *(const double *)((const char *)&c + acd_totals[t].offset)
                    : ACD_NAN;
    }
    ACD_ASSERT(rs->n_samples == l->n_samples);
    memcpy(row, rs->samples, l->n_samples * sizeof(double));
    row += l->n_samples;
    /* Answered waits of every reported bin; abandoned waits by type. */
    hl.n = 0;
    for (size_t k = 0; k < rs->n_types; k++)
        hl.v[hl.n++] = &rs->type_hists[k];
    double *xs = acd_xmalloc(l->n_cdf * sizeof(double));
    for (size_t i = 0; i < l->n_cdf; i++)
        xs[i] = (double)i * l->cdf_dx_s;
    acd_stats_hist_cdf_many(hl.v, hl.n, xs, l->n_cdf, row);
    row += l->n_cdf;
    hl.n = 0;
    for (size_t k = 0; k < rs->n_types; k++)
        hl.v[hl.n++] = &rs->abandon_hists[k];
    acd_stats_hist_cdf_many(hl.v, hl.n, xs, l->n_cdf, row);
    row += l->n_cdf;
    free(xs);
    free(hl.v);
    double busy = 0, staffed = 0;
    for (size_t g = 0; g < l->n_groups; g++) {
        busy += rs->drain_busy_s[g];
        staffed += rs->drain_staffed_s[g];
        drain_values(row + (1 + g) * DRAIN, rs->drain_s, rs->drain_busy_s[g],
                     rs->drain_staffed_s[g]);
    }
    drain_values(row, rs->drain_s, busy, staffed);
}

/* The estimates of one drain entry over the rows. */
static void
drain_estimate(const double *const *rows, size_t n, size_t off, struct acd_drain_result *d,
               double *x)
{
    struct acd_estimate *e[DRAIN] = {&d->duration_s, &d->busy_agent_s, &d->staffed_agent_s,
                                     &d->occupancy};
    for (size_t v = 0; v < DRAIN; v++) {
        for (size_t i = 0; i < n; i++)
            x[i] = rows[i][off + v];
        *e[v] = acd_stats_estimate(x, n);
    }
}

/* Mean and 10th/90th percentiles across replications of rows[.][off+i]. */
static void
band(const double *const *rows, size_t n, size_t off, size_t points, double *mean, double *p10,
     double *p90, double *x)
{
    for (size_t i = 0; i < points; i++) {
        size_t m = 0;
        for (size_t r = 0; r < n; r++)
            if (!isnan(rows[r][off + i]))
                x[m++] = rows[r][off + i];
        if (m == 0) {
            mean[i] = ACD_NAN;
            if (p10)
                p10[i] = p90[i] = ACD_NAN;
            continue;
        }
        mean[i] = gsl_stats_mean(x, 1, m);
        if (p10) {
            gsl_sort(x, 1, m);
            p10[i] = gsl_stats_quantile_from_sorted_data(x, 1, m, 0.1);
            p90[i] = gsl_stats_quantile_from_sorted_data(x, 1, m, 0.9);
        }
    }
}

/* Erlang figures for a stationary scenario with one call type. */
static void
erlang_compare(const struct acd_scenario *sc, struct acd_erlang_cmp *e)
{
    memset(e, 0, sizeof(*e));
    if (sc->horizon != ACD_HORIZON_STEADY || sc->n_call_types != 1)
        return;
    const struct acd_call_type *ct = &sc->call_types[0];
    /* A ring time or a wait-dependent handle time is not an Erlang model
     * (the service does not start at assignment, or depends on the wait). */
    if (ct->has_ring_time || ct->handle_time_per_wait > 0)
        return;
    uint64_t agents = 0;
    for (size_t g = 0; g < sc->n_groups; g++)
        agents += sc->groups[g].agents;
    struct acd_erlang_params *p = &e->params;
    p->rate_per_s = ct->rate_per_s;
    p->aht_s = ct->handle.mean_s;
    p->agents = (unsigned)agents; /* at most ACD_SCN_MAX_TOTAL_AGENTS */
    p->sl_threshold_s = acd_scenario_type_sl_threshold(sc, 0);
    p->queue_capacity = sc->queue_capacity;
    if (sc->queue_lines >= 0) {
        long room = sc->queue_lines - (long)agents;
        if (room < 0)
            return; /* fewer lines than agents: not an Erlang system */
        if (p->queue_capacity < 0 || room < p->queue_capacity)
            p->queue_capacity = room;
    }
    if (ct->has_patience) {
        p->model = ACD_ERLANG_A;
        p->patience_s = ct->patience.mean_s;
    } else {
        p->model = p->queue_capacity == 0 ? ACD_ERLANG_B : ACD_ERLANG_C;
    }
    char err[128];
    if (agents == 0 || acd_erlang_eval(p, &e->value, err, sizeof(err)) != 0)
        return; /* e.g. unstable Erlang C: nothing to compare */
    e->valid = true;
    e->exponential = strcmp(ct->handle.type->name, "exponential") == 0 &&
                     (!ct->has_patience || strcmp(ct->patience.type->name, "exponential") == 0);
}

static struct acd_results *
results_from_rows(const struct acd_scenario *sc, const struct row_layout *l,
                  const double *const *rows, size_t n)
{
    const struct scope_def *d = l->scopes;
    size_t n_scopes = l->n_scopes;
    ACD_ASSERT(n > 0);
    struct acd_results *r = acd_xcalloc(1, sizeof(*r));
    acd_setup_from_scenario(&r->setup, sc);
    r->replications = (unsigned)n;
    r->types = acd_xcalloc(sc->n_call_types ? sc->n_call_types : 1, sizeof(*r->types));
    r->groups = acd_xcalloc(sc->n_groups ? sc->n_groups : 1, sizeof(*r->groups));
    if (sc->horizon == ACD_HORIZON_DAY) {
        r->n_intervals = sc->n_intervals;
        r->intervals = acd_xcalloc(r->n_intervals, sizeof(*r->intervals));
        for (size_t b = 0; b < r->n_intervals; b++) {
            struct acd_interval_result *iv = &r->intervals[b];
            iv->start_s = sc->open_s + (double)b * sc->interval_s;
            iv->end_s = b + 1 == r->n_intervals ? sc->close_s : iv->start_s + sc->interval_s;
            iv->types = acd_xcalloc(sc->n_call_types ? sc->n_call_types : 1, sizeof(*iv->types));
            iv->groups = acd_xcalloc(sc->n_groups ? sc->n_groups : 1, sizeof(*iv->groups));
        }
    }
    double *x = acd_xcalloc(n, sizeof(double));
    for (size_t si = 0; si < n_scopes; si++) {
        struct acd_scope_result *out = d[si].place(r, d[si].place_idx);
        out->name = d[si].name;
        out->scope = d[si].scope;
        for (size_t v = 0; v < ROW; v++) {
            for (size_t i = 0; i < n; i++)
                x[i] = rows[i][si * ROW + v];
            struct acd_estimate e = acd_stats_estimate(x, n);
            if (v < ACD_METRIC_COUNT)
                out->metric[v] = e;
            else
                out->total[v - ACD_METRIC_COUNT] = e;
        }
    }
    size_t off = n_scopes * ROW;
    struct acd_band *q = &r->queue_len;
    q->n = l->n_samples;
    q->t0_s = l->sample_t0_s;
    q->step_s = l->sample_step_s;
    q->mean = acd_xcalloc(q->n ? q->n : 1, sizeof(double));
    q->p10 = acd_xcalloc(q->n ? q->n : 1, sizeof(double));
    q->p90 = acd_xcalloc(q->n ? q->n : 1, sizeof(double));
    band(rows, n, off, q->n, q->mean, q->p10, q->p90, x);
    off += q->n;
    struct acd_wait_cdf *w = &r->wait_cdf;
    w->n = l->n_cdf;
    w->x_s = acd_xcalloc(w->n, sizeof(double));
    w->answered = acd_xcalloc(w->n, sizeof(double));
    w->abandoned = acd_xcalloc(w->n, sizeof(double));
    for (size_t i = 0; i < w->n; i++)
        w->x_s[i] = (double)i * l->cdf_dx_s;
    band(rows, n, off, w->n, w->answered, NULL, NULL, x);
    band(rows, n, off + w->n, w->n, w->abandoned, NULL, NULL, x);
    off += 2 * w->n;
    r->has_drain = true;
    r->group_drain = acd_xcalloc(sc->n_groups ? sc->n_groups : 1, sizeof(*r->group_drain));
    drain_estimate(rows, n, off, &r->drain, x);
    for (size_t g = 0; g < sc->n_groups; g++)
        drain_estimate(rows, n, off + (1 + g) * DRAIN, &r->group_drain[g], x);
    free(x);
    /* Scope names point into the results' own copy, not the scenario. */
    for (size_t k = 0; k < r->setup.n_call_types; k++) {
        r->types[k].name = r->setup.call_types[k].name;
        for (size_t b = 0; b < r->n_intervals; b++)
            r->intervals[b].types[k].name = r->setup.call_types[k].name;
    }
    for (size_t g = 0; g < r->setup.n_groups; g++) {
        r->groups[g].name = r->setup.groups[g].name;
        for (size_t b = 0; b < r->n_intervals; b++)
            r->intervals[b].groups[g].name = r->setup.groups[g].name;
    }
    erlang_compare(sc, &r->erlang);
    return r;
}

struct acd_results *
acd_results_from_reps(const struct acd_scenario *sc, const struct acd_rep_stats *const *reps,
                      size_t n)
{
    struct rows rw;
    rows_init(&rw, sc, n);
    for (size_t i = 0; i < n; i++)
        keep_row(&rw, (unsigned)i, reps[i]);
    return rows_finish(&rw, sc, NULL);
}

void
acd_results_free(struct acd_results *r)
{
    if (!r)
        return;
    acd_setup_fini(&r->setup);
    free(r->types);
    free(r->groups);
    for (size_t i = 0; i < r->n_intervals; i++) {
        free(r->intervals[i].types);
        free(r->intervals[i].groups);
    }
    free(r->intervals);
    free(r->queue_len.mean);
    free(r->queue_len.p10);
    free(r->queue_len.p90);
    free(r->wait_cdf.x_s);
    free(r->wait_cdf.answered);
    free(r->wait_cdf.abandoned);
    free(r->group_drain);
    if (r->precision) {
        for (size_t i = 0; i < r->precision->n_targets; i++)
            free(r->precision->targets[i].scope);
        free(r->precision->targets);
        free(r->precision->rounds);
        free(r->precision);
    }
    free(r);
}

const struct acd_scope_result *
acd_results_lookup(const struct acd_results *r, const char *scope, enum acd_metric *m)
{
    (void)m;
    if (!scope || !*scope)
        return &r->summary;
    for (size_t k = 0; k < r->setup.n_call_types; k++)
        if (strcmp(r->setup.call_types[k].name, scope) == 0)
            return &r->types[k];
    for (size_t g = 0; g < r->setup.n_groups; g++)
        if (strcmp(r->setup.groups[g].name, scope) == 0)
            return &r->groups[g];
    return NULL;
}

/* ------------------------------------------------------------------ setup */

const char *const acd_staffing_names[3] = {
    [ACD_STAFFING_AGENTS] = "agents",
    [ACD_STAFFING_PLAN] = "plan",
    [ACD_STAFFING_SHIFTS] = "shifts",
};

const char *const acd_feature_names[] = {
    "resolution", "escalation", "retrial",     "callback", "balk", "timeout",       "wrap_up",
    "breaks",     "cost",       "same_caller", "transfer", "ring", "unpaid_breaks", NULL,
};
_Static_assert(ACD_FEAT_UNPAID == 1u << 12, "one name per ACD_FEAT_* bit, in bit order");

static char *
dup_or_null(const char *s)
{
    return s ? acd_xstrdup(s) : NULL;
}

static void
setup_group(struct acd_setup_group *o, const struct acd_agent_group *ag)
{
    o->name = acd_xstrdup(ag->name);
    o->tier = ag->tier ? ag->tier : 1;
    if (ag->n_shifts) {
        o->staffing = ACD_STAFFING_SHIFTS;
        o->staffing_count = (unsigned)ag->n_shifts;
    } else if (ag->agents_by_interval) {
        o->staffing = ACD_STAFFING_PLAN;
    } else {
        o->staffing = ACD_STAFFING_AGENTS;
        o->staffing_count = ag->agents;
    }
}

void
acd_setup_from_scenario(struct acd_setup *st, const struct acd_scenario *sc)
{
    memset(st, 0, sizeof(*st));
    st->known = true;
    st->name = dup_or_null(sc->name);
    st->path = dup_or_null(sc->path);
    st->horizon = sc->horizon;
    st->duration_s = sc->duration_s;
    st->warmup_s = sc->warmup_s;
    st->open_s = sc->open_s;
    st->close_s = sc->close_s;
    st->interval_s = sc->interval_s;
    st->n_intervals = sc->horizon == ACD_HORIZON_DAY ? sc->n_intervals : 0;
    st->sl_threshold_s = sc->sl_threshold_s;
    st->sl_target = sc->sl_target;
    st->max_abandon = sc->max_abandon;
    st->max_asa_s = sc->max_asa_s;
    st->max_occupancy = sc->max_occupancy;
    st->routing = dup_or_null(sc->routing);
    st->features = acd_scenario_features(sc);
    st->n_call_types = sc->n_call_types;
    st->call_types = acd_xcalloc(sc->n_call_types ? sc->n_call_types : 1, sizeof(*st->call_types));
    for (size_t k = 0; k < sc->n_call_types; k++) {
        struct acd_setup_type *t = &st->call_types[k];
        t->name = acd_xstrdup(sc->call_types[k].name);
        t->has_sl = acd_scenario_type_has_sl(sc, k);
        t->sl_threshold_s = acd_scenario_type_sl_threshold(sc, k);
        t->sl_target = acd_scenario_type_sl_target(sc, k);
    }
    st->n_groups = sc->n_groups;
    st->groups = acd_xcalloc(sc->n_groups ? sc->n_groups : 1, sizeof(*st->groups));
    st->max_tier = 1;
    for (size_t g = 0; g < sc->n_groups; g++) {
        setup_group(&st->groups[g], &sc->groups[g]);
        if (st->groups[g].tier > st->max_tier)
            st->max_tier = st->groups[g].tier;
    }
}

void
acd_setup_fini(struct acd_setup *st)
{
    if (!st)
        return;
    free(st->name);
    free(st->path);
    free(st->routing);
    for (size_t k = 0; k < st->n_call_types; k++)
        free(st->call_types[k].name);
    free(st->call_types);
    for (size_t g = 0; g < st->n_groups; g++)
        free(st->groups[g].name);
    free(st->groups);
    memset(st, 0, sizeof(*st));
}

/* --- memory estimate ---------------------------------------------------- */

/* Bytes that do not grow with the scenario: the program, its libraries,
 * the scenario and the results' own tables. */
#define MEM_BASE          ((size_t)16 << 20)
#define MEM_PER_AGENT     ((size_t)256)  /* agent record, lists, events, snapshot */
#define MEM_PER_RNG       ((size_t)5120) /* a gsl mt19937 state */
#define MEM_RNGS_PER_TYPE 7

/* Saturating arithmetic: an estimate of 1e300 bytes is SIZE_MAX, not a wrap. */
static size_t
sat_add(size_t a, size_t b)
{
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

static size_t
sat_mul(size_t a, size_t b)
{
    return b && a > SIZE_MAX / b ? SIZE_MAX : a * b;
}

static size_t
sat_of(double x)
{
    return !(x < 1.8e19) ? SIZE_MAX : x > 0 ? (size_t)x : 0;
}

/* Legs that can be in the system at once, at most: every call the horizon
 * brings (fresh arrivals, doubled for retrials and transfers, and for the
 * busiest days when volumes vary), plus room for the agents. */
static size_t
calls_bound(const struct acd_scenario *sc, uint64_t agents)
{
    double calls = 0;
    for (size_t k = 0; k < sc->n_call_types; k++) {
        const struct acd_call_type *ct = &sc->call_types[k];
        if (sc->horizon == ACD_HORIZON_DAY && ct->calls_per_interval)
            for (size_t i = 0; i < sc->n_intervals; i++)
                calls += ct->calls_per_interval[i];
        else
            calls += ct->rate_per_s *
                     (sc->horizon == ACD_HORIZON_DAY ? sc->close_s - sc->open_s : sc->duration_s);
    }
    calls *= 2 * (1 + 4 * sc->busyness_cv);
    return sat_add(sat_of(calls), sat_add(sat_mul(2, (size_t)agents), 4096));
}

static uint64_t
peak_agents(const struct acd_scenario *sc)
{
    uint64_t total = 0;
    for (size_t g = 0; g < sc->n_groups; g++) {
        const struct acd_agent_group *ag = &sc->groups[g];
        uint64_t peak = ag->agents, shifts = 0;
        for (size_t i = 0; ag->agents_by_interval && i < sc->n_intervals; i++)
            if (ag->agents_by_interval[i] > peak)
                peak = ag->agents_by_interval[i];
        for (size_t i = 0; i < ag->n_shifts; i++)
            shifts += ag->shifts[i].count;
        total += shifts > peak ? shifts : peak;
    }
    return total;
}

/* Everything but the call pools: per thread (*sim) and in all (*fixed). */
static void
fixed_parts(const struct acd_scenario *sc, const struct acd_run_opts *opts, size_t *sim,
            size_t *row, size_t *fixed, unsigned *threads, unsigned *reps)
{
    *reps = opts->replications ? opts->replications : sc->replications;
    *threads = run_threads(opts, *reps);
    if (*threads == 0)
        *threads = 1;
    size_t nb = sc->horizon == ACD_HORIZON_DAY ? sc->n_intervals : 1;
    size_t nt = sc->n_call_types, ng = sc->n_groups;
    double w0, step;
    size_t n_samples = acd_sim_samples(sc, &w0, &step);
    size_t s = sat_mul((nb + 1) * nt + nt, sizeof(struct acd_hist));
    s = sat_add(s, sat_mul((nb + 1) * (nt + ng), sizeof(struct acd_counts) + 3 * sizeof(double)));
    s = sat_add(s, n_samples * sizeof(double));
    s = sat_add(s, sat_mul(nt * MEM_RNGS_PER_TYPE + 2, MEM_PER_RNG));
    s = sat_add(s, sat_mul(sat_of((double)peak_agents(sc)), MEM_PER_AGENT));
    *sim = s;
    struct scope_def *scopes;
    size_t n_scopes = list_scopes(sc, &scopes);
    struct row_layout l;
    layout_init(&l, sc, scopes, n_scopes);
    free(scopes);
    *row = l.len * sizeof(double) + 3 * sizeof(uint64_t) + 32; /* + malloc overhead */
    /* The results: a few rows' worth of estimates, and the sort buffers. */
    *fixed = sat_add(MEM_BASE, sat_add(sat_mul(*row, *reps), sat_mul(*row, 8)));
}

void
acd_run_memory_estimate(const struct acd_scenario *sc, const struct acd_run_opts *opts,
                        struct acd_memory_estimate *out)
{
    size_t sim, row, fixed;
    unsigned threads, reps;
    fixed_parts(sc, opts, &sim, &row, &fixed, &threads, &reps);
    size_t guard = opts->max_calls ? opts->max_calls : ACD_SIM_DEFAULT_MAX_CALLS;
    size_t bound = calls_bound(sc, peak_agents(sc));
    out->max_calls = bound < guard ? bound : guard;
    out->calls = sat_mul(out->max_calls, ACD_SIM_BYTES_PER_CALL);
    out->per_thread = sat_add(sim, out->calls);
    out->per_replication = row;
    out->threads = threads;
    out->replications = reps;
    out->total = sat_add(fixed, sat_mul(out->per_thread, threads));
}

size_t
acd_run_max_calls_for(const struct acd_scenario *sc, const struct acd_run_opts *opts,
                      size_t limit_bytes)
{
    size_t sim, row, fixed;
    unsigned threads, reps;
    fixed_parts(sc, opts, &sim, &row, &fixed, &threads, &reps);
    size_t other = sat_add(fixed, sat_mul(sim, threads));
    size_t room = limit_bytes > other ? (limit_bytes - other) / threads : 0;
    size_t n = room / ACD_SIM_BYTES_PER_CALL;
    return n < 1024 ? 1024 : n;
}
