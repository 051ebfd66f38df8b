/*
 * run: replications on worker threads and estimates across them.
 *
 * Replication i is a fresh acd_sim seeded from (seed, i), run on a worker
 * thread (of one of the ranks, ranks.h) and reduced at once to a row of
 * values; rows are folded into running estimates in replication order
 * (run_rounds), so neither the thread or rank count nor the scheduling can
 * change a single bit of the output, and memory does not grow with the
 * number of replications.
 */
#include "acdsim/run.h"
#include "acdsim/ranks.h"
#include "acdsim/sim.h"
#include "util.h"

#include <limits.h>
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

/* A row: the values of every scope, then the calls-waiting samples, then
 * the answered and abandoned wait CDFs at n_cdf points, then the drain
 * (DRAIN values for the center, then for each group). A scope keeps only
 * the metrics and totals that apply to its kind (value_applies), in
 * metric-then-total order, from off[si]: a group has no call figures, a
 * call type no agent figures. */
struct row_layout {
    const struct scope_def *scopes;
    size_t n_scopes;
    size_t *off;     /* [n_scopes + 1], owned */
    size_t n_values; /* off[n_scopes] */
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
static bool value_applies(unsigned scope, size_t v);
static unsigned scope_kind(const struct row_layout *l, size_t si);
static void layout_init(struct row_layout *l, const struct acd_scenario *sc,
                        const struct scope_def *scopes, size_t n_scopes);
static void observe(const struct row_layout *l, const struct acd_rep_stats *rs, double *row);

/* ---------------------------------------------------------------- rounds
 *
 * Replications [r0, r1) run in rounds. In a round, each rank (ranks.h; one
 * without MPI) runs a block of `per_rank` consecutive replications on its
 * worker threads; each replication is reduced to a row (a header, then the
 * caller's values) as soon as it ends. The blocks are exchanged, and every
 * rank folds the round's rows in replication order. So the fold sees the
 * same rows in the same order for any thread or rank count, and memory is
 * one round's rows, whatever the number of replications. */

/* A row's header. */
enum {
    H_STATUS,
    H_CALLS,
    H_EVENTS,
    H_OV_TYPE,
    H_OV_TIER,
    H_OV_WAITING,
    H_OV_CALLS,
    H_OV_LIMIT,
    H_OV_T,
    HEAD
};
enum { ST_DONE = 1, ST_OVERLOAD, ST_SKIPPED };

struct reducer {
    size_t len; /* values after the header */
    /* Worker thread: replication i's stats into row (len values, zeroed). */
    void (*observe)(void *ud, unsigned i, const struct acd_rep_stats *st, double *row);
    /* Main thread, in replication order, every rank: the row of i. */
    void (*fold)(void *ud, unsigned i, const double *head, const double *row);
    void *ud;
};

/* One rank's block of a round, on its worker threads. */
struct block {
    const struct acd_scenario *sc;
    const struct acd_run_opts *opts;
    const struct reducer *rd;
    uint64_t seed;
    unsigned b0, b1;       /* replications */
    double *buf;           /* (b1 - b0) rows of HEAD + rd->len */
    atomic_uint next;      /* next replication to hand out */
    atomic_uint stop_at;   /* lowest overloaded replication: later ones skip */
    atomic_uint slot;      /* next worker's slot in sims */
    struct acd_sim **sims; /* [threads]: kept from round to round, reset */
};

static void
block_one(struct block *k, struct acd_sim **sp, unsigned i)
{
    size_t stride = HEAD + k->rd->len;
    double *h = k->buf + (size_t)(i - k->b0) * stride;
    memset(h, 0, HEAD * sizeof(double)); /* observe writes every value */
    if (i > atomic_load(&k->stop_at)) {
        h[H_STATUS] = ST_SKIPPED;
        return;
    }
    /* One sim per worker slot, reset per replication (and round). */
    if (*sp)
        acd_sim_reset(*sp, k->seed, i);
    else
        *sp = acd_sim_new_flags(k->sc, k->seed, i, k->opts->no_hists ? ACD_SIM_NO_HISTS : 0);
    struct acd_sim *s = *sp;
    acd_sim_set_max_calls(s, k->opts->max_calls);
    if (k->opts->trace && i == k->opts->trace_replication)
        acd_sim_set_trace(s, k->opts->trace, k->opts->trace_ud);
    acd_sim_run(s);
    struct acd_overload ov;
    if (acd_sim_overload(s, &ov)) {
        h[H_STATUS] = ST_OVERLOAD;
        h[H_OV_TYPE] = (double)ov.type;
        h[H_OV_TIER] = ov.tier;
        h[H_OV_WAITING] = (double)ov.waiting;
        h[H_OV_CALLS] = (double)ov.calls;
        h[H_OV_LIMIT] = (double)ov.limit;
        h[H_OV_T] = ov.t_s;
        unsigned cur = atomic_load(&k->stop_at);
        while (i < cur && !atomic_compare_exchange_weak(&k->stop_at, &cur, i))
            ;
    } else {
        const struct acd_rep_stats *st = acd_sim_stats(s);
        h[H_STATUS] = ST_DONE;
        h[H_CALLS] = (double)st->calls;
        h[H_EVENTS] = (double)st->events;
        k->rd->observe(k->rd->ud, i, st, h + HEAD);
    }
}

static void *
block_worker(void *arg)
{
    struct block *k = arg;
    struct acd_sim **sp = &k->sims[atomic_fetch_add(&k->slot, 1)];
    for (;;) {
        unsigned i = atomic_fetch_add(&k->next, 1);
        if (i >= k->b1)
            break;
        block_one(k, sp, i);
    }
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

static void
block_run(struct block *k, unsigned threads)
{
    if (threads <= 1) {
        block_worker(k);
        return;
    }
    pthread_t *tid = acd_xcalloc(threads, sizeof(*tid));
    unsigned started = 0;
    for (; started < threads; started++)
        if (pthread_create(&tid[started], NULL, block_worker, k) != 0)
            break;
    if (started == 0)
        block_worker(k); /* no thread could start: run here */
    for (unsigned i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    free(tid);
}

/* Replications a rank runs per round: 8 MB of rows, at least 2 (rows of
 * a day of 1,440 intervals and 10 call types are ~7 MB), at most 256;
 * from the row size only, so every rank agrees. */
#define ROUND_BYTES ((size_t)8 << 20)
static unsigned
round_reps(size_t stride)
{
    size_t k = ROUND_BYTES / (stride * sizeof(double));
    return k < 2 ? 2 : k > 256 ? 256 : (unsigned)k;
}

/* Replications [r0, r1) folded in order; false (and *overload, if not
 * NULL, set) when the guard stopped a replication: rows are folded up to
 * the lowest such replication, the rest dropped. */
static bool
run_rounds(const struct acd_scenario *sc, const struct acd_run_opts *opts, unsigned r0, unsigned r1,
           const struct reducer *rd)
{
    ACD_ASSERT(r1 > r0);
    size_t stride = HEAD + rd->len;
    unsigned ranks = acd_ranks_size(), rank = acd_ranks_rank();
    /* A round's share per rank, the replications spread evenly when they
     * are fewer than a full round. */
    unsigned per = round_reps(stride), even = (r1 - r0 + ranks - 1) / ranks;
    if (per > even)
        per = even;
    double *mine = acd_xmalloc((size_t)per * stride * sizeof(double));
    double *all = ranks > 1 ? acd_xmalloc((size_t)ranks * per * stride * sizeof(double)) : mine;
    unsigned threads = run_threads(opts, per);
    struct block k = {
        .sc = sc, .opts = opts, .rd = rd, .seed = opts->seed_set ? opts->seed : sc->seed};
    k.sims = acd_xcalloc(threads ? threads : 1, sizeof(*k.sims));
    bool ok = true;
    for (unsigned c0 = r0; c0 < r1 && ok; c0 += ranks * per) {
        /* This rank's block; the part past r1 (or the whole) is padding. */
        unsigned b0 = c0 + rank * per;
        k.b0 = b0 < r1 ? b0 : r1;
        k.b1 = b0 + per < r1 ? b0 + per : r1;
        if (k.b1 < k.b0)
            k.b1 = k.b0;
        k.buf = mine;
        atomic_init(&k.next, k.b0);
        atomic_init(&k.stop_at, UINT_MAX);
        atomic_init(&k.slot, 0);
        if (k.b1 > k.b0)
            block_run(&k, threads);
        for (unsigned j = k.b1 - k.b0; j < per; j++)
            memset(mine + (size_t)j * stride, 0, stride * sizeof(double));
        if (ranks > 1)
            acd_ranks_allgather(mine, all, (size_t)per * stride);
        for (unsigned q = 0; q < ranks && ok; q++)
            for (unsigned j = 0; j < per; j++) {
                unsigned i = c0 + q * per + j;
                if (i >= r1)
                    break;
                const double *h = all + ((size_t)q * per + j) * stride;
                ACD_ASSERT(h[H_STATUS] == ST_DONE || h[H_STATUS] == ST_OVERLOAD);
                if (h[H_STATUS] == ST_OVERLOAD) {
                    if (opts->overload)
                        *opts->overload = (struct acd_overload){
                            .type = (size_t)h[H_OV_TYPE],
                            .tier = (unsigned)h[H_OV_TIER],
                            .waiting = (size_t)h[H_OV_WAITING],
                            .calls = (size_t)h[H_OV_CALLS],
                            .limit = (size_t)h[H_OV_LIMIT],
                            .t_s = h[H_OV_T],
                        };
                    ok = false;
                    break;
                }
                rd->fold(rd->ud, i, h, h + HEAD);
            }
    }
    if (all != mine)
        free(all);
    for (unsigned t = 0; t < (threads ? threads : 1); t++)
        acd_sim_free(k.sims[t]);
    free(k.sims);
    free(mine);
    return ok;
}

/* ------------------------------------------------------- acd_run_reps */

struct reps_rows {
    acd_run_rep_fn *fn;
    void *ud;
    double *rows;
    size_t row_len;
};

static void
reps_observe(void *ud, unsigned i, const struct acd_rep_stats *st, double *row)
{
    struct reps_rows *rr = ud;
    memset(row, 0, rr->row_len * sizeof(double));
    rr->fn(rr->ud, i, st, row);
}

static void
reps_fold(void *ud, unsigned i, const double *head, const double *row)
{
    struct reps_rows *rr = ud;
    (void)head;
    memcpy(rr->rows + (size_t)i * rr->row_len, row, rr->row_len * sizeof(double));
}

bool
acd_run_reps(const struct acd_scenario *sc, const struct acd_run_opts *opts, acd_run_rep_fn *fn,
             void *ud, double *rows, size_t row_len)
{
    unsigned n = opts->replications ? opts->replications : sc->replications;
    memset(rows, 0, (size_t)n * row_len * sizeof(double));
    struct reps_rows rr = {fn, ud, rows, row_len};
    struct reducer rd = {row_len, reps_observe, reps_fold, &rr};
    return run_rounds(sc, opts, 0, n, &rd);
}

/* ------------------------------------------------------------ accumulators
 *
 * acd_run's fold: every row value into its running estimate, the
 * calls-waiting samples into exact per-point counts (integers: the band's
 * percentiles are those of the sorted values, as GSL's quantile), and with
 * vals the scope part of each row kept for paired comparisons. */

/* Counts of the integer values seen at one sample point: count[v - lo]. */
struct ivals {
    long lo;
    size_t n, cap;   /* values, slots */
    uint64_t *count; /* [cap] */
    uint64_t total;
    long double mean;
};

struct acc {
    const struct row_layout *l;
    size_t n; /* rows folded */
    /* The scope values' estimates, then the drain's, in blocks of
     * EST_BLOCK (est_at): results_from_acc frees each block once its
     * scopes are turned into results, so the two are not held whole at
     * once (1.4 M values on a day of 1,440 intervals and 10 call types). */
    struct acd_stats_est **est;
    size_t n_est;
    struct acd_stats_est *cdf; /* 2 n_cdf: answered, abandoned */
    struct ivals *q;           /* n_samples */
    uint64_t calls, events;
    struct acd_rep_values *vals; /* NULL: none kept */
    size_t vals_cap;
};

static void
ivals_add(struct ivals *v, double x)
{
    if (isnan(x))
        return;
    ACD_ASSERT(x >= 0 && x == floor(x) && x < 9e15);
    long k = (long)x;
    if (v->cap == 0) {
        v->cap = 16;
        v->lo = k;
        v->count = acd_xcalloc(v->cap, sizeof(*v->count));
    } else if (k < v->lo || k >= v->lo + (long)v->cap) {
        long lo = k < v->lo ? k : v->lo;
        long hi = k >= v->lo + (long)v->cap ? k + 1 : v->lo + (long)v->cap;
        size_t cap = v->cap;
        while ((long)cap < hi - lo)
            cap *= 2;
        uint64_t *c = acd_xcalloc(cap, sizeof(*c));
        memcpy(c + (v->lo - lo), v->count, v->cap * sizeof(*c));
        free(v->count);
        v->count = c;
        v->cap = cap;
        v->lo = lo;
    }
    v->count[k - v->lo]++;
    v->total++;
    v->mean += (x - v->mean) / v->total;
}

/* The r-th smallest value (from 0). */
static double
ivals_at(const struct ivals *v, uint64_t r)
{
    uint64_t seen = 0;
    for (size_t i = 0; i < v->cap; i++) {
        seen += v->count[i];
        if (seen > r)
            return (double)(v->lo + (long)i);
    }
    ACD_ASSERT(!"rank beyond the values");
    return ACD_NAN;
}

/* gsl_stats_quantile_from_sorted_data on the sorted values, exactly. */
static double
ivals_quantile(const struct ivals *v, double f)
{
    const double index = f * (double)(v->total - 1);
    const size_t lhs = (size_t)index;
    const double delta = index - (double)lhs;
    if (lhs == v->total - 1)
        return ivals_at(v, lhs);
    return (1 - delta) * ivals_at(v, lhs) + delta * ivals_at(v, lhs + 1);
}

#define EST_BLOCK ((size_t)1 << 14)

static inline struct acd_stats_est *
est_at(const struct acc *a, size_t j)
{
    ACD_DEBUG_ASSERT(j < a->n_est && a->est[j / EST_BLOCK] != NULL);
    return &a->est[j / EST_BLOCK][j % EST_BLOCK];
}

static void
acc_init(struct acc *a, const struct row_layout *l, struct acd_rep_values *vals)
{
    memset(a, 0, sizeof(*a));
    a->l = l;
    a->n_est = l->n_values + (1 + l->n_groups) * DRAIN;
    size_t nb = (a->n_est + EST_BLOCK - 1) / EST_BLOCK;
    a->est = acd_xcalloc(nb, sizeof(*a->est));
    for (size_t b = 0; b < nb; b++) {
        size_t k = a->n_est - b * EST_BLOCK < EST_BLOCK ? a->n_est - b * EST_BLOCK : EST_BLOCK;
        a->est[b] = acd_xcalloc(k, sizeof(**a->est));
    }
    a->cdf = acd_xcalloc(2 * l->n_cdf, sizeof(*a->cdf));
    a->q = acd_xcalloc(l->n_samples ? l->n_samples : 1, sizeof(*a->q));
    a->vals = vals;
}

static void
acc_fini(struct acc *a)
{
    for (size_t i = 0; i < a->l->n_samples; i++)
        free(a->q[i].count);
    free(a->q);
    free(a->cdf);
    for (size_t b = 0; b * EST_BLOCK < a->n_est; b++)
        free(a->est[b]);
    free(a->est);
    memset(a, 0, sizeof(*a));
}

static void
acc_fold(void *ud, unsigned i, const double *head, const double *row)
{
    struct acc *a = ud;
    const struct row_layout *l = a->l;
    ACD_ASSERT(i == a->n);
    a->n++;
    a->calls += (uint64_t)head[H_CALLS];
    a->events += (uint64_t)head[H_EVENTS];
    size_t ns = l->n_values;
    for (size_t b = 0; b * EST_BLOCK < ns; b++) {
        size_t k = ns - b * EST_BLOCK < EST_BLOCK ? ns - b * EST_BLOCK : EST_BLOCK;
        struct acd_stats_est *cell = a->est[b];
        const double *x = row + b * EST_BLOCK;
        for (size_t j = 0; j < k; j++)
            acd_stats_est_add(&cell[j], x[j]);
    }
    if (a->vals) {
        /* Every metric and total of every scope, NAN where it does not apply. */
        struct acd_rep_values *vals = a->vals;
        vals->rows = acd_xgrow(vals->rows, &a->vals_cap, vals->n + 1, sizeof(*vals->rows));
        double *full = acd_xmalloc(l->n_scopes * ROW * sizeof(double));
        for (size_t si = 0, j = 0; si < l->n_scopes; si++)
            for (size_t v = 0; v < ROW; v++)
                full[si * ROW + v] = value_applies(scope_kind(l, si), v) ? row[j++] : ACD_NAN;
        vals->rows[vals->n++] = full;
    }
    row += ns;
    for (size_t p = 0; p < l->n_samples; p++)
        ivals_add(&a->q[p], row[p]);
    row += l->n_samples;
    for (size_t p = 0; p < 2 * l->n_cdf; p++)
        acd_stats_est_add(&a->cdf[p], row[p]);
    row += 2 * l->n_cdf;
    for (size_t v = 0; v < (1 + l->n_groups) * DRAIN; v++)
        acd_stats_est_add(est_at(a, ns + v), row[v]);
}

static double
wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Replications in batches. Rows of replications run but not yet asked
 * for wait in `pend` (replications [folded, done)); an estimate or the
 * results over [0, n) fold them up to n first. A plain run folds each row
 * as it comes. */
struct acd_run_batch {
    const struct acd_scenario *sc;
    struct acd_run_opts opts;
    struct scope_def *scopes;
    struct row_layout layout;
    struct acc acc;
    unsigned done;   /* replications run */
    double *pend;    /* rows of [acc.n, done), HEAD + layout.len each */
    size_t pend_cap; /* rows */
    bool direct;     /* fold as they come (acd_run): no pending rows */
    double wall_s;   /* spent in more and results */
};

static struct acd_run_batch *
batch_new(const struct acd_scenario *sc, const struct acd_run_opts *opts,
          struct acd_rep_values *vals)
{
    struct acd_run_batch *b = acd_xcalloc(1, sizeof(*b));
    b->sc = sc;
    b->opts = *opts;
    b->opts.no_hists = false; /* the rows need the histograms */
    size_t n_scopes = list_scopes(sc, &b->scopes);
    layout_init(&b->layout, sc, b->scopes, n_scopes);
    acc_init(&b->acc, &b->layout, vals);
    return b;
}

struct acd_run_batch *
acd_run_batch_new(const struct acd_scenario *sc, const struct acd_run_opts *opts)
{
    return batch_new(sc, opts, NULL);
}

/* Worker thread: acd_run's row (reads the layout only). */
static void
batch_observe(void *ud, unsigned i, const struct acd_rep_stats *st, double *row)
{
    const struct acd_run_batch *b = ud;
    (void)i;
    observe(&b->layout, st, row);
}

static void
pend_fold(void *ud, unsigned i, const double *head, const double *row)
{
    struct acd_run_batch *b = ud;
    size_t stride = HEAD + b->layout.len;
    if (b->direct) {
        acc_fold(&b->acc, i, head, row);
        return;
    }
    size_t at = i - b->acc.n;
    b->pend = acd_xgrow(b->pend, &b->pend_cap, at + 1, stride * sizeof(double));
    memcpy(b->pend + at * stride, head, stride * sizeof(double));
}

/* Fold the pending rows of [acc.n, n). */
static void
batch_fold_to(struct acd_run_batch *b, unsigned n)
{
    ACD_ASSERT(n >= b->acc.n && n <= b->done);
    size_t stride = HEAD + b->layout.len, k = n - b->acc.n;
    if (k == 0)
        return; /* (a direct run has no pending rows at all) */
    for (size_t j = 0; j < k; j++)
        acc_fold(&b->acc, (unsigned)b->acc.n, b->pend + j * stride, b->pend + j * stride + HEAD);
    memmove(b->pend, b->pend + k * stride, (b->done - n) * stride * sizeof(double));
}

bool
acd_run_batch_more(struct acd_run_batch *b, unsigned n)
{
    ACD_ASSERT(b->scopes != NULL); /* not yet turned into results */
    if (n <= b->done)
        return true;
    double t0 = wall_now();
    struct reducer rd = {b->layout.len, batch_observe, pend_fold, b};
    bool ok = run_rounds(b->sc, &b->opts, b->done, n, &rd);
    if (ok)
        b->done = n;
    b->wall_s += wall_now() - t0;
    return ok;
}

unsigned
acd_run_batch_done(const struct acd_run_batch *b)
{
    return b->done;
}

struct acd_estimate
acd_run_batch_estimate(struct acd_run_batch *b, unsigned n, unsigned scope, size_t idx,
                       enum acd_metric m)
{
    /* list_scopes' order: the center, the call types, the groups. */
    size_t si = scope == ACD_SCOPE_CENTER ? 0
                : scope == ACD_SCOPE_TYPE ? 1 + idx
                                          : 1 + b->sc->n_call_types + idx;
    ACD_ASSERT(scope == ACD_SCOPE_CENTER || scope == ACD_SCOPE_TYPE || scope == ACD_SCOPE_GROUP);
    ACD_ASSERT(si < b->layout.n_scopes);
    ACD_ASSERT(m < ACD_METRIC_COUNT && n <= b->done);
    batch_fold_to(b, n);
    unsigned kind = scope_kind(&b->layout, si);
    if (!value_applies(kind, m))
        return (struct acd_estimate){.mean = ACD_NAN, .ci95 = ACD_NAN, .n = 0};
    size_t j = b->layout.off[si];
    for (size_t v = 0; v < m; v++)
        j += value_applies(kind, v);
    return acd_stats_est_get(est_at(&b->acc, j));
}

static struct acd_results *results_from_acc(const struct acd_scenario *sc, struct acc *a);
static struct acd_scope_result *scope_place(struct acd_results *r, const struct scope_def *d,
                                            size_t si);

/* acd_run_batch_results; with vals (given to batch_new), the scope values
 * of every replication too. */
static struct acd_results *
batch_results(struct acd_run_batch *b, unsigned n)
{
    ACD_ASSERT(b->scopes != NULL && n > 0 && n <= b->done);
    double t0 = wall_now();
    batch_fold_to(b, n);
    struct acd_results *r = results_from_acc(b->sc, &b->acc);
    struct acd_rep_values *vals = b->acc.vals;
    if (vals) {
        size_t ns = b->layout.n_scopes;
        vals->n_scopes = ns;
        vals->scope = acd_xcalloc(ns, sizeof(*vals->scope));
        for (size_t si = 0; si < ns; si++)
            vals->scope[si] = scope_place(r, b->scopes, si);
    }
    r->seed = b->opts.seed_set ? b->opts.seed : b->sc->seed;
    unsigned threads = run_threads(&b->opts, n);
    r->threads = threads ? threads : 1;
    b->wall_s += wall_now() - t0;
    r->wall_s = b->wall_s;
    acc_fini(&b->acc);
    free(b->scopes);
    free(b->layout.off);
    b->scopes = NULL;
    return r;
}

struct acd_results *
acd_run_batch_results(struct acd_run_batch *b, unsigned n)
{
    return batch_results(b, n);
}

void
acd_run_batch_free(struct acd_run_batch *b)
{
    if (!b)
        return;
    if (b->scopes) {
        acc_fini(&b->acc);
        free(b->scopes);
        free(b->layout.off);
    }
    free(b->pend);
    free(b);
}

/* acd_run; with vals, the scope part of every row is kept in it. */
static struct acd_results *
run_values(const struct acd_scenario *sc, const struct acd_run_opts *opts,
           struct acd_rep_values *vals)
{
    unsigned n = opts->replications ? opts->replications : sc->replications;
    ACD_ASSERT(n > 0);
    struct acd_run_batch *b = batch_new(sc, opts, vals);
    b->direct = true;
    struct acd_results *r = acd_run_batch_more(b, n) ? batch_results(b, n) : NULL;
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
struct scope_def;
/* A scope's counts and histograms in one replication (d: its entry). */
typedef void scope_fn(const struct acd_rep_stats *rs, const struct scope_def *d,
                      struct acd_counts *c, struct hist_list *hl);

struct scope_def {
    unsigned scope; /* ACD_SCOPE_* for applicability */
    const char *name;
    scope_fn *get;
    size_t idx;
    bool has_hist;
    struct acd_scope_result *(*place)(struct acd_results *r, size_t idx); /* where it goes */
    size_t place_idx;
    const struct acd_scenario *sc; /* whose scope (borrowed): a channel's call types */
};

/* The center's counts in one bin over the call types of channel ch
 * (ACD_N_CHANNELS: every type), with the groups' agent time. */
static void
center_counts(const struct acd_rep_stats *rs, size_t bin, const struct acd_scenario *sc,
              unsigned ch, struct acd_counts *c)
{
    memset(c, 0, sizeof(*c));
    for (size_t k = 0; k < rs->n_types; k++) {
        if (ch == ACD_N_CHANNELS || sc->call_types[k].channel == (enum acd_channel)ch)
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

void
acd_run_center_counts(const struct acd_rep_stats *rs, size_t bin, struct acd_counts *c)
{
    center_counts(rs, bin, NULL, ACD_N_CHANNELS, c);
}

void
acd_run_goal_counts(const struct acd_rep_stats *rs, size_t bin, const struct acd_scenario *sc,
                    struct acd_counts *c)
{
    center_counts(rs, bin, sc, acd_channel_goal(acd_scenario_channels(sc)), c);
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
scope_type(const struct acd_rep_stats *rs, const struct scope_def *d, struct acd_counts *c,
           struct hist_list *hl)
{
    size_t k = d->idx;
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
scope_group(const struct acd_rep_stats *rs, const struct scope_def *d, struct acd_counts *c,
            struct hist_list *hl)
{
    (void)hl;
    size_t g = d->idx;
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
scope_center_all(const struct acd_rep_stats *rs, const struct scope_def *d, struct acd_counts *c,
                 struct hist_list *hl)
{
    (void)d;
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
scope_interval(const struct acd_rep_stats *rs, const struct scope_def *d, struct acd_counts *c,
               struct hist_list *hl)
{
    size_t idx = d->idx;
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
scope_interval_group(const struct acd_rep_stats *rs, const struct scope_def *d,
                     struct acd_counts *c, struct hist_list *hl)
{
    (void)hl;
    *c = rs->group_counts[d->idx];
}

/* A day of a period: the center over its bins, idx = first * DAY_IDX + n
 * (at most ACD_SCN_MAX_INTERVALS bins each, well below DAY_IDX). */
#define DAY_IDX ((size_t)1 << 20)
static void
scope_day(const struct acd_rep_stats *rs, const struct scope_def *d, struct acd_counts *c,
          struct hist_list *hl)
{
    size_t idx = d->idx;
    size_t first = idx / DAY_IDX, n = idx % DAY_IDX;
    struct acd_counts part;
    memset(c, 0, sizeof(*c));
    double window = 0;
    for (size_t b = first; b < first + n; b++) {
        scope_center(rs, b, &part, hl);
        acd_stats_counts_add(c, &part);
        window += part.window_s;
    }
    c->window_s = window;
    hl->log = true;
    hl->h0 = (uint32_t)(first * rs->n_types);
    hl->h1 = (uint32_t)((first + n) * rs->n_types);
}

/* A channel in one interval (idx = bin * ACD_N_CHANNELS + channel): its
 * call types' counts; no percentiles (as a channel's day). */
static void
scope_interval_channel(const struct acd_rep_stats *rs, const struct scope_def *d,
                       struct acd_counts *c, struct hist_list *hl)
{
    (void)hl;
    size_t b = d->idx / ACD_N_CHANNELS;
    enum acd_channel ch = (enum acd_channel)(d->idx % ACD_N_CHANNELS);
    memset(c, 0, sizeof(*c));
    for (size_t k = 0; k < rs->n_types; k++)
        if (d->sc->call_types[k].channel == ch)
            acd_stats_counts_add(c, &rs->type_counts[b * rs->n_types + k]);
    c->window_s = rs->type_counts[b * rs->n_types].window_s;
}

/* A channel on a day of a period: idx as scope_day's, place_idx = day *
 * ACD_N_CHANNELS + channel; its call types over the day's bins. No wait
 * histograms (the day's bins of several types are no one range of the
 * sparse log): no percentiles. */
static void
scope_day_channel(const struct acd_rep_stats *rs, const struct scope_def *d, struct acd_counts *c,
                  struct hist_list *hl)
{
    (void)hl;
    size_t first = d->idx / DAY_IDX, n = d->idx % DAY_IDX;
    enum acd_channel ch = (enum acd_channel)(d->place_idx % ACD_N_CHANNELS);
    memset(c, 0, sizeof(*c));
    double window = 0;
    for (size_t b = first; b < first + n; b++) {
        for (size_t k = 0; k < rs->n_types; k++)
            if (d->sc->call_types[k].channel == ch)
                acd_stats_counts_add(c, &rs->type_counts[b * rs->n_types + k]);
        window += rs->type_counts[b * rs->n_types].window_s;
    }
    c->window_s = window;
}

/* A channel (idx = enum acd_channel) over every reported bin: the sum
 * of its call types, a type-like scope (agents' time is the groups'). */
static void
scope_channel(const struct acd_rep_stats *rs, const struct scope_def *d, struct acd_counts *c,
              struct hist_list *hl)
{
    struct acd_counts part;
    memset(c, 0, sizeof(*c));
    for (size_t k = 0; k < rs->n_types; k++) {
        if (d->sc->call_types[k].channel != (enum acd_channel)d->idx)
            continue;
        struct scope_def type = {.idx = k};
        scope_type(rs, &type, &part, hl);
        acd_stats_counts_add(c, &part);
        c->window_s = part.window_s;
    }
}

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
    struct acd_interval_result *iv = &r->intervals[i / ng];
    if (!iv->groups)
        iv->groups = acd_xcalloc(ng, sizeof(*iv->groups));
    return &iv->groups[i % ng];
}

static struct acd_scope_result *
place_interval(struct acd_results *r, size_t i)
{
    size_t nt = r->setup.n_call_types, b = i / (nt + 1), k = i % (nt + 1);
    struct acd_interval_result *iv = &r->intervals[b];
    if (k == 0)
        return &iv->all;
    if (!iv->types)
        iv->types = acd_xcalloc(nt, sizeof(*iv->types));
    return &iv->types[k - 1];
}

static struct acd_scope_result *
place_day(struct acd_results *r, size_t d)
{
    if (!r->days)
        r->days = acd_xcalloc(r->setup.n_days, sizeof(*r->days));
    return &r->days[d];
}

static struct acd_scope_result *
place_channel(struct acd_results *r, size_t ch)
{
    if (!r->channels)
        r->channels = acd_xcalloc(ACD_N_CHANNELS, sizeof(*r->channels));
    return &r->channels[ch];
}

static struct acd_scope_result *
place_interval_channel(struct acd_results *r, size_t i)
{
    struct acd_interval_result *iv = &r->intervals[i / ACD_N_CHANNELS];
    if (!iv->channels)
        iv->channels = acd_xcalloc(ACD_N_CHANNELS, sizeof(*iv->channels));
    return &iv->channels[i % ACD_N_CHANNELS];
}

static struct acd_scope_result *
place_day_channel(struct acd_results *r, size_t i)
{
    if (!r->day_channels)
        r->day_channels = acd_xcalloc(r->setup.n_days * ACD_N_CHANNELS, sizeof(*r->day_channels));
    return &r->day_channels[i];
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
    unsigned channels = acd_scenario_channels(sc);
    size_t n_ch = acd_channel_count(channels) > 1 ? acd_channel_count(channels) : 0;
    size_t n_days = ni ? sc->n_days : 0;
    size_t n = 1 + nt + ng + ni * (nt + 1 + ng + n_ch) + n_days * (1 + n_ch) + n_ch, i = 0;
    struct scope_def *d = acd_xcalloc(n, sizeof(*d));
    d[i++] =
        (struct scope_def){ACD_SCOPE_CENTER, "", scope_center_all, 0, true, place_summary, 0, sc};
    for (size_t k = 0; k < nt; k++)
        d[i++] = (struct scope_def){
            ACD_SCOPE_TYPE, sc->call_types[k].name, scope_type, k, true, place_type, k, sc};
    for (size_t g = 0; g < ng; g++)
        d[i++] = (struct scope_def){ACD_SCOPE_GROUP, sc->groups[g].name, scope_group, g,
                                    false,           place_group,        g,           sc};
    for (size_t b = 0; b < ni; b++)
        for (size_t k = 0; k <= nt; k++) {
            size_t idx = b * (nt + 1) + k;
            d[i++] = (struct scope_def){k ? ACD_SCOPE_TYPE : ACD_SCOPE_INTERVAL,
                                        k ? sc->call_types[k - 1].name : "",
                                        scope_interval,
                                        idx,
                                        true,
                                        place_interval,
                                        idx,
                                        sc};
        }
    for (size_t b = 0; b < ni; b++)
        for (size_t g = 0; g < ng; g++)
            d[i++] = (struct scope_def){
                ACD_SCOPE_GROUP, sc->groups[g].name,   scope_interval_group, b * ng + g,
                false,           place_interval_group, b * ng + g,           sc};
    for (size_t dd = 0; ni && dd < sc->n_days; dd++) {
        const struct acd_day *dy = &sc->days[dd];
        d[i++] = (struct scope_def){
            ACD_SCOPE_INTERVAL, "", scope_day, dy->first_interval * DAY_IDX + dy->n_intervals, true,
            place_day,          dd, sc};
    }
    /* More than one channel: each channel's figures (the center's mix a
     * call's seconds with an e-mail's hours). */
    for (unsigned ch = 0; n_ch && ch < ACD_N_CHANNELS; ch++)
        if (channels & (1u << ch))
            d[i++] = (struct scope_def){ACD_SCOPE_TYPE,
                                        acd_channel_name((enum acd_channel)ch),
                                        scope_channel,
                                        ch,
                                        true,
                                        place_channel,
                                        ch,
                                        sc};
    /* ...and on each day of a period. */
    for (size_t dd = 0; n_ch && dd < n_days; dd++)
        for (unsigned ch = 0; ch < ACD_N_CHANNELS; ch++)
            if (channels & (1u << ch))
                d[i++] = (struct scope_def){ACD_SCOPE_TYPE,
                                            acd_channel_name((enum acd_channel)ch),
                                            scope_day_channel,
                                            sc->days[dd].first_interval * DAY_IDX +
                                                sc->days[dd].n_intervals,
                                            false,
                                            place_day_channel,
                                            dd * ACD_N_CHANNELS + ch,
                                            sc};
    /* ...and in each interval (the center's goals are judged on one
     * channel there too: acd_channel_goal). */
    for (size_t b = 0; n_ch && b < ni; b++)
        for (unsigned ch = 0; ch < ACD_N_CHANNELS; ch++)
            if (channels & (1u << ch))
                d[i++] = (struct scope_def){ACD_SCOPE_TYPE,
                                            acd_channel_name((enum acd_channel)ch),
                                            scope_interval_channel,
                                            b * ACD_N_CHANNELS + ch,
                                            false,
                                            place_interval_channel,
                                            b * ACD_N_CHANNELS + ch,
                                            sc};
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
    l->off = acd_xcalloc(n_scopes + 1, sizeof(*l->off));
    for (size_t si = 0; si < n_scopes; si++) {
        size_t k = 0;
        for (size_t v = 0; v < ROW; v++)
            k += value_applies(scopes[si].scope, v);
        l->off[si + 1] = l->off[si] + k;
    }
    l->n_values = l->off[n_scopes];
    l->len = l->n_values + l->n_samples + 2 * l->n_cdf + (1 + l->n_groups) * DRAIN;
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

/* Whether metric/total v (a row index below ROW) applies to a scope. */
static bool
value_applies(unsigned scope, size_t v)
{
    return v < ACD_METRIC_COUNT ? (acd_metrics[v].scopes & scope) != 0
                                : (acd_totals[v - ACD_METRIC_COUNT].scopes & scope) != 0;
}

static unsigned
scope_kind(const struct row_layout *l, size_t si)
{
    return l->scopes[si].scope;
}

/* One replication's row: the metrics (NAN where undefined) and totals
 * that apply to each scope, then the series and the CDFs. */
static void
observe(const struct row_layout *l, const struct acd_rep_stats *rs, double *row)
{
    const struct scope_def *d = l->scopes;
    size_t nh = rs->n_types + 1;
    struct hist_list hl = {acd_xmalloc(nh * sizeof(*hl.v)), 0, false, 0, 0};
    for (size_t si = 0; si < l->n_scopes; si++) {
        struct acd_counts c;
        hl.n = 0;
        hl.log = false;
        d[si].get(rs, &d[si], &c, &hl);
        for (size_t m = 0; m < ACD_METRIC_COUNT; m++) {
            if (!(acd_metrics[m].scopes & d[si].scope))
                continue;
            if (m == ACD_M_WAIT_P90)
                *row++ = !d[si].has_hist ? ACD_NAN
                         : hl.log ? acd_stats_hlog_quantile(&rs->bin_waits, hl.h0, hl.h1, 0.9)
                                  : acd_stats_hist_quantile_n(hl.v, hl.n, 0.9);
            else
                *row++ = acd_metrics[m].eval(&c, NULL);
        }
        for (size_t t = 0; t < ACD_TOTAL_COUNT; t++)
            if (acd_totals[t].scopes & d[si].scope)
                *row++ = *(const double *)((const char *)&c + acd_totals[t].offset);
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

/* The estimates of one drain entry, from value j on. */
static void
drain_estimate(const struct acc *a, size_t j, struct acd_drain_result *d)
{
    struct acd_estimate *e[DRAIN] = {&d->duration_s, &d->busy_agent_s, &d->staffed_agent_s,
                                     &d->occupancy};
    for (size_t v = 0; v < DRAIN; v++)
        *e[v] = acd_stats_est_get(est_at(a, j + v));
}

/* Erlang figures for a stationary scenario with one call type. */
static void
erlang_compare(const struct acd_scenario *sc, struct acd_erlang_cmp *e)
{
    memset(e, 0, sizeof(*e));
    if (sc->horizon != ACD_HORIZON_STEADY || sc->n_call_types != 1)
        return;
    const struct acd_call_type *ct = &sc->call_types[0];
    /* A wait-dependent handle time is not an Erlang model (the service
     * depends on the wait), nor any feature the formulas leave out
     * (retrials, callbacks...: reports name them), nor agents who come
     * and go at random (absenteeism) or answer only part of the time
     * (assist, answers, overflow_delay). */
    if (ct->handle_time_per_wait > 0 || ct->overflow_delay_s > 0 ||
        (acd_scenario_features(sc) & ACD_ERLANG_LEFT_OUT))
        return;
    /* Nor is chat: an agent holds several chats (M/M/ck for the waits
     * without stretch, but occupancy counts agents, not Erlang's servers). */
    if (ct->channel == ACD_CHANNEL_CHAT)
        return;
    uint64_t agents = 0;
    double talk_s = 0, wrap_s = 0;
    bool same = true, exp_talk = true;
    for (size_t g = 0; g < sc->n_groups; g++) {
        const struct acd_agent_group *ag = &sc->groups[g];
        if (ag->absenteeism > 0 || ag->assist_by_len || ag->assist_by_wait ||
            (ag->answers && !(ag->answers & ACD_ANSWERS_CALLS)))
            return;
        /* The group's handle time and wrap-up for the type (overrides). */
        const struct acd_dist *h = &ct->handle, *w = ag->has_wrap_up ? &ag->wrap_up : NULL;
        for (size_t i = 0; i < ag->n_handle; i++)
            if (ag->handle[i].type == 0)
                h = &ag->handle[i].dist;
        for (size_t i = 0; i < ag->n_wrap_by_type; i++)
            if (ag->wrap_by_type[i].type == 0)
                w = &ag->wrap_by_type[i].dist;
        double t = h->mean_s, u = w ? w->mean_s : 0;
        if (agents > 0 && (t != talk_s / (double)agents || u != wrap_s / (double)agents))
            same = false;
        exp_talk = exp_talk && strcmp(h->type->name, "exponential") == 0;
        agents += ag->agents;
        talk_s += (double)ag->agents * t;
        wrap_s += (double)ag->agents * u;
    }
    struct acd_erlang_params *p = &e->params;
    p->rate_per_s = ct->rate_per_s;
    /* Agents' mean service time: talk + wrap-up, weighted by agents. */
    e->wrap_up_s = agents ? wrap_s / (double)agents : 0;
    p->aht_s = agents ? (talk_s + wrap_s) / (double)agents : ct->handle.mean_s;
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
    /* Exact for M/M/c(+M): exponential talk, no wrap-up, every group alike. */
    e->exponential = exp_talk && same && e->wrap_up_s == 0 &&
                     (!ct->has_patience || strcmp(ct->patience.type->name, "exponential") == 0);
}

static struct acd_results *
results_from_acc(const struct acd_scenario *sc, struct acc *a)
{
    const struct row_layout *l = a->l;
    const struct scope_def *d = l->scopes;
    size_t n_scopes = l->n_scopes, n = a->n;
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
            for (size_t dd = 0; dd < sc->n_days; dd++) { /* a period: each day's hours */
                const struct acd_day *dy = &sc->days[dd];
                if (b >= dy->first_interval && b < dy->first_interval + dy->n_intervals) {
                    size_t j = b - dy->first_interval;
                    iv->start_s = dy->open_s + (double)j * sc->interval_s;
                    iv->end_s =
                        j + 1 == dy->n_intervals ? dy->close_s : iv->start_s + sc->interval_s;
                }
            }
            /* types and groups: allocated as their scopes are placed,
             * while the estimates behind them are freed (place_interval*). */
        }
    }
    r->calls = a->calls;
    r->events = a->events;
    size_t j = 0; /* the next packed value */
    for (size_t si = 0; si < n_scopes; si++) {
        struct acd_scope_result *out = d[si].place(r, d[si].place_idx);
        out->name = d[si].name;
        out->scope = d[si].scope;
        for (size_t v = 0; v < ROW; v++) {
            struct acd_estimate e = {.mean = ACD_NAN, .ci95 = ACD_NAN, .n = 0};
            if (value_applies(d[si].scope, v))
                e = acd_stats_est_get(est_at(a, j++));
            if (v < ACD_METRIC_COUNT)
                out->metric[v] = e;
            else
                out->total[v - ACD_METRIC_COUNT] = e;
        }
        /* Blocks wholly behind j are done with. */
        for (size_t b = l->off[si] / EST_BLOCK; b < j / EST_BLOCK; b++) {
            free(a->est[b]);
            a->est[b] = NULL;
        }
    }
    for (size_t b = 0; b < r->n_intervals; b++) {
        struct acd_interval_result *iv = &r->intervals[b];
        if (!iv->types) /* no call types: an empty placeholder, as before */
            iv->types = acd_xcalloc(1, sizeof(*iv->types));
        if (!iv->groups)
            iv->groups = acd_xcalloc(1, sizeof(*iv->groups));
    }
    struct acd_band *q = &r->queue_len;
    q->n = l->n_samples;
    q->t0_s = l->sample_t0_s;
    q->step_s = l->sample_step_s;
    q->mean = acd_xcalloc(q->n ? q->n : 1, sizeof(double));
    q->p10 = acd_xcalloc(q->n ? q->n : 1, sizeof(double));
    q->p90 = acd_xcalloc(q->n ? q->n : 1, sizeof(double));
    for (size_t p = 0; p < q->n; p++) {
        const struct ivals *v = &a->q[p];
        q->mean[p] = v->total ? (double)v->mean : ACD_NAN;
        q->p10[p] = v->total ? ivals_quantile(v, 0.1) : ACD_NAN;
        q->p90[p] = v->total ? ivals_quantile(v, 0.9) : ACD_NAN;
    }
    struct acd_wait_cdf *w = &r->wait_cdf;
    w->n = l->n_cdf;
    w->x_s = acd_xcalloc(w->n, sizeof(double));
    w->answered = acd_xcalloc(w->n, sizeof(double));
    w->abandoned = acd_xcalloc(w->n, sizeof(double));
    for (size_t i = 0; i < w->n; i++)
        w->x_s[i] = (double)i * l->cdf_dx_s;
    for (size_t p = 0; p < w->n; p++) {
        w->answered[p] = acd_stats_est_get(&a->cdf[p]).mean;
        w->abandoned[p] = acd_stats_est_get(&a->cdf[w->n + p]).mean;
    }
    r->has_drain = true;
    r->group_drain = acd_xcalloc(sc->n_groups ? sc->n_groups : 1, sizeof(*r->group_drain));
    drain_estimate(a, l->n_values, &r->drain);
    for (size_t g = 0; g < sc->n_groups; g++)
        drain_estimate(a, l->n_values + (1 + g) * DRAIN, &r->group_drain[g]);
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
    struct acd_run_batch *b = batch_new(sc, &(struct acd_run_opts){0}, NULL);
    size_t stride = HEAD + b->layout.len;
    double *row = acd_xmalloc(stride * sizeof(double));
    for (size_t i = 0; i < n; i++) {
        memset(row, 0, stride * sizeof(double));
        row[H_STATUS] = ST_DONE;
        row[H_CALLS] = (double)reps[i]->calls;
        row[H_EVENTS] = (double)reps[i]->events;
        observe(&b->layout, reps[i], row + HEAD);
        acc_fold(&b->acc, (unsigned)i, row, row + HEAD);
    }
    free(row);
    b->done = (unsigned)n;
    struct acd_results *r = batch_results(b, (unsigned)n);
    acd_run_batch_free(b);
    r->seed = 0; /* not a run: no seed, threads or time */
    r->threads = 0;
    r->wall_s = 0;
    return r;
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
        free(r->intervals[i].channels);
    }
    free(r->intervals);
    free(r->days);
    free(r->channels);
    free(r->day_channels);
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
    "resolution",    "escalation", "retrial", "callback",    "balk",     "timeout",
    "wrap_up",       "breaks",     "cost",    "same_caller", "transfer", "ring",
    "unpaid_breaks", "chat",       "email",   NULL,
};
_Static_assert(ACD_FEAT_EMAIL == 1u << 14, "one name per ACD_FEAT_* bit, in bit order");

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
    st->n_days = sc->n_days;
    st->days = sc->n_days ? acd_xcalloc(sc->n_days, sizeof(*st->days)) : NULL;
    for (size_t d = 0; d < sc->n_days; d++) {
        const struct acd_day *dy = &sc->days[d];
        st->days[d] = (struct acd_setup_day){
            acd_xstrdup(dy->label), dy->date,       dy->weekday, dy->open_s, dy->close_s,
            dy->first_interval,     dy->n_intervals};
    }
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
        t->channel = sc->call_types[k].channel;
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

unsigned
acd_setup_channels(const struct acd_setup *st)
{
    unsigned mask = 0;
    for (size_t k = 0; k < st->n_call_types; k++)
        mask |= 1u << st->call_types[k].channel;
    return mask;
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
    for (size_t d = 0; d < st->n_days; d++)
        free(st->days[d].label);
    free(st->days);
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
    /* A dense wait histogram per call type (answered, abandoned), the
     * per-interval waits as a log (within the per-call bytes below) and
     * its index. */
    size_t s = sat_add(sat_mul(2 * nt, sizeof(struct acd_hist)), sat_mul(nb * nt, 4));
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
    free(l.off);
    size_t stride = HEAD + l.len;
    *row = l.len * sizeof(double) + 32; /* + malloc overhead */
    /* The running estimates, the results' estimates, one round's rows
     * (twice across ranks), and the rows a caller keeps (keep_values). */
    size_t est = sat_mul(l.n_values + (1 + ng) * DRAIN + 2 * l.n_cdf,
                         sizeof(struct acd_stats_est) + sizeof(struct acd_estimate));
    est = sat_add(est, sat_mul(n_samples, sizeof(struct ivals) + 64 * sizeof(uint64_t)));
    unsigned ranks = acd_ranks_size();
    size_t round =
        sat_mul(sat_mul(round_reps(stride), ranks > 1 ? 2 * ranks : 1), stride * sizeof(double));
    *fixed = sat_add(MEM_BASE, sat_add(est, round));
    if (opts->keep_values)
        *fixed = sat_add(*fixed, sat_mul(*row, *reps));
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
    out->per_replication = opts->keep_values ? row : 0;
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
