/*
 * run: independent replications of a scenario on worker threads, and the
 * estimates across them (interface.md "Results").
 *
 * Replication i always uses the streams seeded from (seed, i), and results
 * are combined in replication order, so the output does not depend on the
 * number of threads.
 */
#ifndef ACDSIM_RUN_H
#define ACDSIM_RUN_H

#include "acdsim/erlang.h"
#include "acdsim/scenario.h"
#include "acdsim/sim.h"
#include "acdsim/stats.h"
#include <stddef.h>
#include <stdint.h>

struct acd_rep_stats;

struct acd_run_opts {
    unsigned replications; /* 0: the scenario's */
    uint64_t seed;
    bool seed_set;    /* false: the scenario's seed */
    unsigned threads; /* 0: one per online CPU, capped at replications */
    /* Per-call trace of one replication (see sim.h); NULL: none. Called from
     * the worker running that replication only, so records arrive in order. */
    acd_trace_fn *trace;
    void *trace_ud;
    unsigned trace_replication;
    /* The overload guard of every replication (acd_sim_set_max_calls); 0:
     * the default. A replication that trips it stops the run: no further
     * replication starts, acd_run returns NULL and acd_run_reps false, and
     * *overload (if not NULL) says where (the lowest such replication). */
    size_t max_calls;
    struct acd_overload *overload;
    /* No histograms (acd_run_reps only): the replications keep no wait
     * histograms (ACD_SIM_NO_HISTS), so the stats handed to fn have NULL
     * hists and percentile metrics of these results are not computed;
     * every count is unchanged. For the staffing search, which reads
     * counts only. acd_run and the batches ignore it. */
    bool no_hists;
    /* For acd_run_memory_estimate only: the caller keeps every
     * replication's values (acd_run_values; a precision run's pending
     * rows), so memory grows with replications. acd_run alone does not. */
    bool keep_values;
};

struct acd_scope_result {
    const char *name; /* borrowed from the results' setup ("" for the center) */
    unsigned scope;   /* ACD_SCOPE_* */
    struct acd_estimate metric[ACD_METRIC_COUNT];
    struct acd_estimate total[ACD_TOTAL_COUNT];
};

struct acd_interval_result {
    double start_s, end_s; /* clock times */
    struct acd_scope_result all;
    struct acd_scope_result *types;  /* n_call_types */
    struct acd_scope_result *groups; /* n_groups */
    /* More than one channel: each channel's figures in the interval,
     * [ACD_N_CHANNELS] as results' channels (no percentiles); NULL
     * otherwise. Not in results.json: the goals' verdicts judged on them
     * are (checks). */
    struct acd_scope_result *channels;
};

/* A quantity sampled over time in every replication: its mean and the 10th
 * and 90th percentiles across replications at each point. */
struct acd_band {
    size_t n;
    double t0_s, step_s; /* point i is at t0_s + i * step_s (clock seconds) */
    double *mean, *p10, *p90;
};

/* The waiting-time distribution (center, reported window): the mean over
 * replications of each one's empirical CDF at x_s[i]. */
struct acd_wait_cdf {
    size_t n;
    double *x_s;
    double *answered;  /* share of answered calls that waited <= x */
    double *abandoned; /* share of abandoned calls that hung up by x */
};

/* The exact Erlang figures for a stationary one-call-type scenario (rate,
 * mean handle time, mean patience, agents of every group with the skill,
 * waiting room), to set beside the simulation. `exact` holds when handle
 * times and patience are exponential; otherwise it is the usual Erlang
 * approximation. */
/* Features of a scenario (ACD_FEAT_*) that no Erlang formula models: with
 * any of them the comparison is not made (valid false), and reports say
 * which the formula leaves out. */
#define ACD_ERLANG_LEFT_OUT                                                                        \
    (ACD_FEAT_RESOLUTION | ACD_FEAT_ESCALATION | ACD_FEAT_RETRIAL | ACD_FEAT_CALLBACK |            \
     ACD_FEAT_BALK | ACD_FEAT_TIMEOUT | ACD_FEAT_TRANSFER | ACD_FEAT_SAME_CALLER | ACD_FEAT_RING | \
     ACD_FEAT_CHAT | ACD_FEAT_EMAIL)

struct acd_erlang_cmp {
    bool valid;
    bool exponential;
    /* Mean wrap-up included in params.aht_s (an agent in wrap-up takes no
     * call, so the formula's service time is talk + wrap-up); 0 without. */
    double wrap_up_s;
    struct acd_erlang_params params;
    struct acd_erlang_result value;
};

/* What staffs an agent group, as reports describe it ("8 agents", "staffing
 * plan", "3 shifts"). */
enum acd_staffing {
    ACD_STAFFING_AGENTS, /* a constant number of agents (count) */
    ACD_STAFFING_PLAN,   /* agents per interval */
    ACD_STAFFING_SHIFTS, /* count shifts */
};

struct acd_setup_type {
    char *name;
    /* Its service level: own threshold and target (has_sl: the type gives
     * either, and is judged on its own goal), else the center's. */
    bool has_sl;
    double sl_threshold_s, sl_target;
    enum acd_channel channel; /* voice, chat, email (results.json: "channel", else voice) */
};

struct acd_setup_group {
    char *name;
    unsigned tier; /* 1 = front line (never 0) */
    enum acd_staffing staffing;
    unsigned staffing_count; /* agents (ACD_STAFFING_AGENTS) or shifts (ACD_STAFFING_SHIFTS) */
};

/*
 * What the results are about: the facts of the scenario that reports show
 * (names, horizon, goals, the model features in use), copied when the
 * results are made (acd_setup_from_scenario, by the run) or read back from
 * results.json (results_read.h), so that no writer needs the scenario. The
 * results own it and its strings.
 *
 * known == false (results built by hand, without a scenario): nothing is
 * known, and writers show every metric row, no targets and no names.
 */
/* One day of a multi-day period (scenario `days:`), as results carry it:
 * times from midnight of the period's first day; its intervals are
 * [first_interval, first_interval + n_intervals) of the results'. */
struct acd_setup_day {
    char *label; /* "2026-12-07" */
    long date;   /* days since 1970-01-01, or -1 */
    int weekday; /* 0 = Monday ... 6 = Sunday, or -1 */
    double open_s, close_s;
    size_t first_interval, n_intervals;
};

struct acd_setup {
    bool known;
    char *name; /* scenario name (NULL: none) */
    char *path; /* the scenario file (NULL: none); for results read back, the document */
    enum acd_horizon_kind horizon;
    double duration_s, warmup_s; /* steady: replication length (warm-up included), warm-up */
    double open_s, close_s;      /* day: clock times of opening and closing */
    double interval_s;           /* day: interval length */
    size_t n_intervals;          /* day: (close - open) / interval; 0 for steady */
    double sl_threshold_s;       /* service level: answered within this wait... */
    double sl_target;            /* ...for at least this share of offered calls */
    double max_abandon;          /* targets; NAN when not given */
    double max_asa_s;
    double max_occupancy;
    char *routing;     /* routing policy name; NULL: none, "" when not recorded */
    unsigned features; /* ACD_FEAT_* in use (acd_scenario_features, computed once) */
    unsigned max_tier; /* highest group tier (1 without tiers) */
    size_t n_call_types;
    struct acd_setup_type *call_types; /* scenario order */
    size_t n_groups;
    struct acd_setup_group *groups; /* scenario order */
    size_t n_days;                  /* `days:` given: the period's days; else 0 */
    struct acd_setup_day *days;
};

/* The names of the staffing kinds as results.json writes them
 * ("agents", "plan", "shifts"), indexed by enum acd_staffing. */
extern const char *const acd_staffing_names[3];

/* The names of the ACD_FEAT_* bits, bit i at index i (NULL-terminated), as
 * results.json writes them in setup.features. */
extern const char *const acd_feature_names[];

/* The channels of st's call types, as acd_scenario_channels. */
unsigned acd_setup_channels(const struct acd_setup *st);

/* Fill *st from sc (copies; sc is not kept). Cannot fail. */
void acd_setup_from_scenario(struct acd_setup *st, const struct acd_scenario *sc);
/* Free what *st owns and zero it. */
void acd_setup_fini(struct acd_setup *st);

/* The drain after closing (steady state: after the horizon) until the
 * last call and its wrap-up ended, outside the measuring window: its
 * length, the agents' busy and staffed time in it (agent-seconds) and
 * their ratio, each estimated over the replications. */
struct acd_drain_result {
    struct acd_estimate duration_s, busy_agent_s, staffed_agent_s, occupancy;
};

/* How --precision ended (acd_run_precision, precision.h): each target (a
 * metric of a scope and the 95 % CI half-width asked for) and the
 * half-width over the replications reported; the batch (checks are at its
 * multiples) and the replications run after each round (the last may pass
 * the count reported: those beyond it are dropped). */
struct acd_precision_target {
    char *scope; /* call type or agent group name; NULL: the center (owned) */
    enum acd_metric metric;
    double half_width; /* the target */
    double achieved;   /* the half-width at the end; NAN: not measurable */
    bool met;          /* achieved <= half_width */
};

struct acd_precision {
    size_t n_targets;
    struct acd_precision_target *targets;
    unsigned batch;
    size_t n_rounds;
    unsigned *rounds; /* replications run after each round (cumulative) */
    unsigned max_replications;
    bool stopped_by_max; /* the maximum came first: some target is not met */
};

struct acd_results {
    struct acd_setup setup; /* owned */
    uint64_t seed;
    unsigned replications, threads;
    struct acd_scope_result summary;
    struct acd_scope_result *types;  /* setup.n_call_types */
    struct acd_scope_result *groups; /* setup.n_groups */
    size_t n_intervals;              /* 0 for a steady-state horizon */
    struct acd_interval_result *intervals;
    /* A multi-day period: the center over each day's intervals
     * (setup.n_days; NULL without `days:`). The summary is the period's. */
    struct acd_scope_result *days;
    /* A center whose call types use more than one channel: each channel's
     * figures over the reported window, the sum of its call types (a
     * type's metrics; the center's mix a call's seconds with an e-mail's
     * hours). Indexed by enum acd_channel, [ACD_N_CHANNELS]; a channel
     * no type uses has no estimates (n == 0; acd_setup_channels). NULL
     * with one channel. */
    struct acd_scope_result *channels;
    /* Both (a period, more than one channel): each channel on each day,
     * [day * ACD_N_CHANNELS + channel], as channels (no percentiles);
     * NULL otherwise. */
    struct acd_scope_result *day_channels;
    struct acd_band queue_len;    /* calls waiting over the horizon */
    struct acd_erlang_cmp erlang; /* valid only for a stationary one-call-type scenario */
    struct acd_wait_cdf wait_cdf;
    /* The drain, for the center and per group (setup.n_groups); has_drain
     * is false for results read back from a document without it. */
    bool has_drain;
    struct acd_drain_result drain;
    struct acd_drain_result *group_drain;
    double wall_s;
    uint64_t calls, events;          /* summed over replications */
    struct acd_precision *precision; /* owned; NULL unless run with --precision */
};

/* Run and estimate. Borrows sc for the call only: the results carry what
 * reports need (r->setup). Returns new results; caller frees with
 * acd_results_free. NULL if the overload guard stopped a replication (see
 * acd_run_opts.overload); otherwise cannot fail on a valid scenario. */
struct acd_results *acd_run(const struct acd_scenario *sc, const struct acd_run_opts *opts);
void acd_results_free(struct acd_results *r);

/* The per-replication values behind acd_run's estimates, for paired
 * comparisons (acdsim compare): each estimate of a scope (metric m, total
 * t) is acd_stats_estimate over rows[i][s * ACD_REP_VALUES_ROW + m] (and
 * + ACD_METRIC_COUNT + t) for i in [0, n): the value of replication i,
 * NAN where undefined or not applicable. scope[s] is the scope result
 * those values estimate (borrowed from the results returned with them).
 * Only these values are kept: a few kB per replication and scope set, as
 * acd_run keeps anyway until its estimates are made. */
#define ACD_REP_VALUES_ROW (ACD_METRIC_COUNT + ACD_TOTAL_COUNT)
struct acd_rep_values {
    size_t n, n_scopes;
    const struct acd_scope_result **scope; /* [n_scopes] */
    double **rows;                         /* [n] -> n_scopes * ACD_REP_VALUES_ROW values */
};
/* acd_run, also filling *vals (caller frees it with acd_rep_values_fini,
 * and the results with acd_results_free). NULL as acd_run (vals empty). */
struct acd_results *acd_run_values(const struct acd_scenario *sc, const struct acd_run_opts *opts,
                                   struct acd_rep_values *vals);
void acd_rep_values_fini(struct acd_rep_values *vals);

/* Run replications [0, n) of sc (n, seed and threads as in opts; trace
 * ignored) and reduce each one to a row of row_len doubles: fn gets the
 * replication's stats (borrowed for the call) and its row (zeroed), on
 * the worker thread that ran it, in no particular order, and must only
 * write that row. On return rows[i * row_len ..] holds replication i's
 * row, on every rank of a distributed run (ranks.h): the replications are
 * spread over the ranks and their rows exchanged. acd_run is this plus
 * the full reduction; the staffing search uses it with a light one. */
typedef void acd_run_rep_fn(void *ud, unsigned replication, const struct acd_rep_stats *st,
                            double *row);
/* Returns false if the overload guard stopped a replication: its row and
 * the rows of every later replication are zeros (whatever ran), and
 * opts->overload reports the lowest such replication. */
bool acd_run_reps(const struct acd_scenario *sc, const struct acd_run_opts *opts,
                  acd_run_rep_fn *fn, void *ud, double *rows, size_t row_len);

/* Replications in batches, for a run that grows until a precision is
 * reached (precision.h): replication i uses the streams of (seed, i)
 * whatever the batches, and the results of replications [0, n) are those
 * of acd_run with n replications, bit for bit. Rows are kept for every
 * replication run, and none is run twice.
 *
 *   b = acd_run_batch_new(sc, opts);      (opts->replications is ignored)
 *   acd_run_batch_more(b, 10);            replications [0, 10)
 *   acd_run_batch_estimate(b, 10, ...);   one metric's estimate over [0, 10)
 *   acd_run_batch_more(b, 40);            [10, 40)
 *   r = acd_run_batch_results(b, 30);     the results of [0, 30); b is done
 *   acd_run_batch_free(b);
 *
 * Borrows sc and copies opts. more returns false when the overload guard
 * stopped a replication (as acd_run_reps); b then only gets freed. */
struct acd_run_batch;
struct acd_run_batch *acd_run_batch_new(const struct acd_scenario *sc,
                                        const struct acd_run_opts *opts);
bool acd_run_batch_more(struct acd_run_batch *b, unsigned n);
/* Replications run so far. */
unsigned acd_run_batch_done(const struct acd_run_batch *b);
/* Metric m of a scope (ACD_SCOPE_CENTER, or ACD_SCOPE_TYPE / ACD_SCOPE_GROUP
 * with the call type's or group's index) over replications [0, n), n at
 * most those run: what the results of n replications say. */
struct acd_estimate acd_run_batch_estimate(struct acd_run_batch *b, unsigned n, unsigned scope,
                                           size_t idx, enum acd_metric m);
/* The results of replications [0, n), 0 < n <= those run (the rest are
 * dropped); the rows are freed and b accepts nothing but
 * acd_run_batch_free. */
struct acd_results *acd_run_batch_results(struct acd_run_batch *b, unsigned n);
void acd_run_batch_free(struct acd_run_batch *b);

/* Estimated peak memory of acd_run on sc with opts (replications and
 * threads as acd_run would use them), in bytes, and its parts. The call
 * pools count at the overload guard's limit (opts->max_calls or the
 * default) unless the offered load keeps far fewer calls in the system. */
struct acd_memory_estimate {
    size_t total;
    size_t per_thread;      /* one running replication: stats, agents, pools */
    size_t calls;           /* ...of which the call pools: legs x bytes */
    size_t max_calls;       /* legs in the system the pools are sized for */
    size_t per_replication; /* kept for each replication (keep_values), else 0 */
    unsigned threads, replications;
};
void acd_run_memory_estimate(const struct acd_scenario *sc, const struct acd_run_opts *opts,
                             struct acd_memory_estimate *out);
/* The most legs in the system that fit a memory limit once everything
 * else the run keeps is counted (at least 1024): the max_calls for a run
 * under limit_bytes. */
size_t acd_run_max_calls_for(const struct acd_scenario *sc, const struct acd_run_opts *opts,
                             size_t limit_bytes);

/* The whole center's counts in bin `bin` of a replication: the call types'
 * calls and the groups' agent time (what an interval's `*` row reports). */
void acd_run_center_counts(const struct acd_rep_stats *rs, size_t bin, struct acd_counts *c);
/* The center's counts in bin `bin` as its goals on calls judge them
 * (acd_channel_goal): with more than one channel, the goal channel's
 * call types' calls; the groups' agent time. */
void acd_run_goal_counts(const struct acd_rep_stats *rs, size_t bin, const struct acd_scenario *sc,
                         struct acd_counts *c);

/* Combine replications' stats into estimates. Exposed for the staffing
 * search and tests: reps[0..n) all from the same scenario. */
struct acd_results *acd_results_from_reps(const struct acd_scenario *sc,
                                          const struct acd_rep_stats *const *reps, size_t n);

/* Look up a scope by "metric" (center) or "type.metric" / "group.metric".
 * Returns NULL if the scope or metric is unknown; *m receives the metric. */
const struct acd_scope_result *acd_results_lookup(const struct acd_results *r, const char *scope,
                                                  enum acd_metric *m);

#endif
