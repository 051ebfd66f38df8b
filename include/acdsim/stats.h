/*
 * stats: what one replication accumulates (counts, sums, time integrals and
 * a fixed-size wait histogram), the metric definitions of interface.md as a
 * table, and estimates across replications (mean and Student-t 95% CI).
 *
 * Memory is fixed per scope: nothing here grows with the horizon.
 */
#ifndef ACDSIM_STATS_H
#define ACDSIM_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Wait histogram: an exact count of zero waits, 0.05 s bins up to 120 s,
 * then bins growing by 1% up to ACD_HIST_TOP_S (~1.1e7 s, 129 days), then
 * one overflow bin. Quantiles interpolate linearly inside a bin (error <
 * half a bin width); a quantile that falls in the overflow bin is not known
 * and is NAN (never the top bin's edge: that would be below the truth). */
#define ACD_HIST_LINEAR_BINS    2400
#define ACD_HIST_LINEAR_WIDTH_S 0.05
#define ACD_HIST_LOG_BINS       1150
#define ACD_HIST_BINS           (ACD_HIST_LINEAR_BINS + ACD_HIST_LOG_BINS + 1)

struct acd_hist {
    uint64_t zeros;
    uint64_t total;
    uint32_t bins[ACD_HIST_BINS];
};

void acd_stats_hist_add(struct acd_hist *h, double x);
/* dst += src */
void acd_stats_hist_merge(struct acd_hist *dst, const struct acd_hist *src);
/* Waits above this land in the overflow bin. */
#define ACD_HIST_TOP_S 11188222.538485026

/* q in [0,1]; NAN if empty or if the quantile is above ACD_HIST_TOP_S. */
double acd_stats_hist_quantile(const struct acd_hist *h, double q);
/* Share of the n histograms' values <= x[j] (linear inside a bin), at m
 * ascending points x[0..m) into out[0..m), in one walk; NAN if empty. */
void acd_stats_hist_cdf_many(const struct acd_hist *const *hs, size_t n, const double *x, size_t m,
                             double *out);
/* The quantile of n histograms taken together (as if merged); NAN as
 * acd_stats_hist_quantile. */
double acd_stats_hist_quantile_n(const struct acd_hist *const *hs, size_t n, double q);

/* Many small wait histograms kept sparsely (the intervals x call types of
 * an operating day, a few values each): one entry per value, its
 * histogram's index and its bin, so memory and time follow the values, not
 * the histograms (a dense acd_hist is 14 kB). After acd_stats_hlog_sort,
 * the quantile of a run of histograms is exactly acd_stats_hist_quantile_n
 * over the dense histograms holding the same values. Owner: whoever made
 * it (zero-initialised is empty; acd_stats_hlog_free releases it). */
struct acd_hist_log {
    uint64_t *e;   /* hist << 12 | code; code 0: a zero wait, else bin + 1 */
    uint64_t *tmp; /* the sort's scratch (cap) */
    size_t n, cap;
    bool sorted;
    /* Once sorted: start[h] is the first entry of histogram h, for h <
     * n_start (the entries of h >= n_start - 1 start at n). */
    uint32_t *start;
    size_t n_start, start_cap;
};
void acd_stats_hlog_add(struct acd_hist_log *l, uint32_t hist, double x);
/* Empty it, keeping its memory. */
void acd_stats_hlog_clear(struct acd_hist_log *l);
void acd_stats_hlog_free(struct acd_hist_log *l);
/* Order the entries by histogram, then bin (no-op if already sorted). */
void acd_stats_hlog_sort(struct acd_hist_log *l);
/* The quantile of histograms h0..h1-1 taken together (the log sorted, no
 * value added since); NAN as acd_stats_hist_quantile. */
double acd_stats_hlog_quantile(const struct acd_hist_log *l, uint32_t h0, uint32_t h1, double q);

/* Raw per-replication counts and sums of one scope. The names are the
 * `totals` keys of interface.md (plus a few more). Calls count in the scope
 * of their arrival; time integrals cover the measuring window only. */
struct acd_counts {
    double offered;
    double answered;
    double answered_within_t;
    double abandoned;
    double abandoned_within_t;
    double blocked;
    double waited;              /* offered calls that did not reach an agent at once */
    double wait_sum_s;          /* time in queue of all offered calls */
    double answered_wait_sum_s; /* time in queue of answered calls */
    double queue_area_s;        /* integral of the number waiting, call-seconds */
    double busy_agent_s;        /* integral of busy agents (talk + wrap-up) */
    double staffed_agent_s;     /* integral of staffed agents (logged on, not on break) */
    double window_s;            /* clock time of the measuring window */

    /* Offered calls by source: fresh + retrials + repeats + callbacks = offered
     * (a warm transfer or a timeout transfer is a leg of the same call, not a
     * new offered call). */
    double fresh, retrials, repeats, callbacks;
    /* Further outcomes: answered + abandoned + blocked + balked + timed_out +
     * callback_requested + disconnected = offered. */
    double balked, timed_out, callback_requested, disconnected;
    double escalated; /* answered calls transferred to a higher tier */
    /* Issue level (customer problems), counted in the bin of the first call. */
    double issues;                /* fresh calls: issues raised */
    double issues_resolved;       /* resolved the same day */
    double issues_fcr;            /* resolved on the first call (warm transfers included) */
    double issue_contacts;        /* calls (attempts) made by all issues */
    double resolution_time_sum_s; /* first call to resolution, resolved issues */
    double customer_within_t;     /* issues whose first call was answered within T */
    /* Agent time by state (agent-seconds); staffed = idle + talk + wrap. */
    double idle_agent_s, talk_agent_s, wrap_agent_s, break_agent_s, off_agent_s;
    /* Costs (currency units): paid agent time, abandoned calls, repeat calls. */
    double labor_cost, abandon_cost, repeat_cost;
    /* Issue level, cumulative (every leg's time in queue, all attempts and
     * queues of the issue), counted in the bin of the first call. */
    double issue_wait_sum_s;         /* cumulative wait summed over issues */
    double issues_answered;          /* issues some leg of which reached an agent */
    double issues_answered_within_t; /* ...the first time with cumulative wait <= T */
    /* Attempts (retrials, repeat calls) due after closing: the caller hears
     * the closed message; the issue ends. In the issue's bin. */
    double after_close;
    /* Transfers by agents after a talk (a call type's transfer): talks that
     * ended in one (call type and group of that talk), transferred legs that
     * abandoned while waiting, and transfers with if_idle that found no idle
     * agent (the call type that transferred). */
    double transferred, transfer_abandoned, transfer_unserved;
    /* Integral of agents reserved for a ringing call (ring_time): part of
     * busy time, not of talk or wrap-up time. */
    double ring_agent_s;
    /* Integral of agents on an unpaid break (`paid: false`): part of
     * break_agent_s, not of the paid agent time. */
    double unpaid_break_agent_s;
    /* E-mail (channel email), in the bin of the e-mail's arrival: e-mails
     * waiting when the center opens (the `backlog` of the scenario, and
     * e-mails left from an earlier day), and e-mails still waiting at
     * closing (steady state: at the end of the horizon), of which
     * backlog_undecided had waited no longer than the type's threshold
     * (their service level is not decided yet: left out of its
     * denominator). */
    double backlog_open, backlog_close, backlog_undecided;
};

/* dst += src, field by field (window_s is not summed: scopes share it). */
void acd_stats_counts_add(struct acd_counts *dst, const struct acd_counts *src);

/* The one cost accounting (docs/staffing.md "Costs"), used by run, staff
 * and the `cost` metric. Paid agent time: on the phones (staffed) plus
 * paid breaks (unpaid ones left out), in agent-seconds; labor_cost is it at the group's
 * cost_per_hour. The cost: labor + abandoned calls x cost_per_abandon +
 * repeat calls x cost_per_repeat. */
double acd_stats_paid_agent_s(const struct acd_counts *c);
double acd_stats_labor_cost(double paid_agent_s, double cost_per_hour);
double acd_stats_cost(const struct acd_counts *c);

/* Where a metric applies. */
enum {
    ACD_SCOPE_CENTER = 1u << 0,
    ACD_SCOPE_TYPE = 1u << 1,
    ACD_SCOPE_GROUP = 1u << 2,
    ACD_SCOPE_INTERVAL = 1u << 3,
    /* A channel of a multi-channel center (results' channels): the sum of
     * its call types, so a call type's metrics apply; never in a metric's
     * or total's scopes (acd_stats_scope_applies maps it). */
    ACD_SCOPE_CHANNEL = 1u << 4,
};
/* Whether ACD_SCOPE_* bits `applies` (a metric's or total's scopes) cover
 * a scope of kind `kind`. */
bool acd_stats_scope_applies(unsigned applies, unsigned kind);

enum acd_metric {
    ACD_M_OFFERED,
    ACD_M_SERVICE_LEVEL,
    ACD_M_SERVICE_LEVEL_ANSWERED,
    ACD_M_ANSWERED_RATE,
    ACD_M_ABANDON_RATE,
    ACD_M_BLOCKED_RATE,
    ACD_M_P_WAIT,
    ACD_M_ASA,
    ACD_M_MEAN_WAIT,
    ACD_M_WAIT_P90,
    ACD_M_MEAN_QUEUE_LEN,
    ACD_M_OCCUPANCY,
    ACD_M_BUSY_AGENTS,
    ACD_M_STAFFED_AGENTS,
    ACD_M_SERVICE_LEVEL_CUSTOMER,
    ACD_M_FCR_RATE,
    ACD_M_ESCALATION_RATE,
    ACD_M_REPEAT_SHARE,
    ACD_M_RETRIAL_SHARE,
    ACD_M_CONTACTS_PER_ISSUE,
    ACD_M_RESOLUTION_TIME,
    ACD_M_BALK_RATE,
    ACD_M_TIMEOUT_RATE,
    ACD_M_CALLBACK_RATE,
    ACD_M_IDLE_SHARE,
    ACD_M_TALK_SHARE,
    ACD_M_WRAP_SHARE,
    ACD_M_BREAK_SHARE,
    ACD_M_COST,
    ACD_M_COST_PER_CALL,
    ACD_M_SERVICE_LEVEL_CUMULATIVE,
    ACD_M_MEAN_WAIT_CUMULATIVE,
    ACD_M_AFTER_CLOSE_RATE,
    ACD_M_TRANSFER_RATE,
    ACD_M_RING_SHARE,
    ACD_M_BACKLOG_AT_OPEN,
    ACD_M_BACKLOG_AT_CLOSE,
    ACD_METRIC_COUNT
};

struct acd_metric_def {
    const char *key;   /* interface.md key, e.g. "service_level" */
    const char *label; /* human label for the text table */
    const char *unit;  /* "", "s", "calls", "agents" */
    bool is_ratio;     /* printed as a percentage in text output */
    unsigned scopes;   /* ACD_SCOPE_* where it applies */
    /* One replication's value; NAN when undefined (e.g. ASA with no answered
     * call). NAN values are left out of the estimate. */
    double (*eval)(const struct acd_counts *c, const struct acd_hist *h);
    /* Feature metrics: the ACD_FEAT_* bits (sim.h) of the model features
     * that make the metric say something; the text table shows the row only
     * when the scenario uses one of them. 0: a core metric, always shown.
     * JSON carries every metric; CSV every one but unused only_with ones. */
    unsigned feature;
    /* ACD_FEAT_* bits: a metric added after results files were first
     * written. CSV and the text table show it only when the scenario uses
     * one of these features (acd_stats_metric_shown), so the outputs of
     * every other scenario keep their columns and rows; JSON always has it;
     * a reader does not require it (older documents). 0: always. */
    unsigned only_with;
    /* JSON too carries it only for a scenario using one of its only_with
     * features (figures added with a channel: the results of every other
     * scenario keep their bytes). */
    bool json_gated;
};

extern const struct acd_metric_def acd_metrics[ACD_METRIC_COUNT];
/* ACD_METRIC_COUNT if unknown. */
enum acd_metric acd_stats_metric_find(const char *key);

enum acd_total {
    ACD_T_OFFERED,
    ACD_T_ANSWERED,
    ACD_T_ANSWERED_WITHIN_T,
    ACD_T_ABANDONED,
    ACD_T_ABANDONED_WITHIN_T,
    ACD_T_BLOCKED,
    ACD_T_WAITED,
    ACD_T_WAIT_SUM,
    ACD_T_ANSWERED_WAIT_SUM,
    ACD_T_QUEUE_AREA,
    ACD_T_BUSY_AGENT_S,
    ACD_T_STAFFED_AGENT_S,
    ACD_T_FRESH,
    ACD_T_RETRIALS,
    ACD_T_REPEATS,
    ACD_T_CALLBACKS,
    ACD_T_BALKED,
    ACD_T_TIMED_OUT,
    ACD_T_CALLBACK_REQUESTED,
    ACD_T_DISCONNECTED,
    ACD_T_ESCALATED,
    ACD_T_ISSUES,
    ACD_T_ISSUES_RESOLVED,
    ACD_T_ISSUES_FCR,
    ACD_T_ISSUE_CONTACTS,
    ACD_T_RESOLUTION_TIME_SUM,
    ACD_T_CUSTOMER_WITHIN_T,
    ACD_T_IDLE_AGENT_S,
    ACD_T_TALK_AGENT_S,
    ACD_T_WRAP_AGENT_S,
    ACD_T_BREAK_AGENT_S,
    ACD_T_OFF_AGENT_S,
    ACD_T_LABOR_COST,
    ACD_T_ABANDON_COST,
    ACD_T_REPEAT_COST,
    ACD_T_ISSUE_WAIT_SUM,
    ACD_T_ISSUES_ANSWERED,
    ACD_T_ISSUES_ANSWERED_WITHIN_T,
    ACD_T_AFTER_CLOSE,
    ACD_T_TRANSFERRED,
    ACD_T_TRANSFER_ABANDONED,
    ACD_T_TRANSFER_UNSERVED,
    ACD_T_UNPAID_BREAK_AGENT_S,
    ACD_TOTAL_COUNT
};

struct acd_total_def {
    const char *key; /* "offered", "wait_sum_s", ... */
    unsigned scopes;
    size_t offset; /* offsetof(struct acd_counts, field) */
    /* ACD_FEAT_* bits: a total added after results files were first
     * written, in CSV only when the scenario uses one of these features
     * (acd_stats_total_shown); a reader does not require it. 0: always. */
    unsigned only_with;
};
extern const struct acd_total_def acd_totals[ACD_TOTAL_COUNT];

/* Whether the CSV and text outputs of a scenario using `features`
 * (ACD_FEAT_* bits) carry metric m / total t (their only_with). */
bool acd_stats_metric_shown(enum acd_metric m, unsigned features);
bool acd_stats_total_shown(enum acd_total t, unsigned features);

/* Mean and 95% CI half-width across replications. */
struct acd_estimate {
    double mean; /* NAN if n == 0 */
    double ci95; /* NAN if n < 2 */
    unsigned n;  /* replications with a defined value */
};

/* Estimate from x[0..n) skipping NAN values (Student t, n-1 d.o.f.):
 * acd_stats_est_add of each value in order, then acd_stats_est_get. */
struct acd_estimate acd_stats_estimate(const double *x, size_t n);

/* The same estimate built one value at a time, in fixed memory: the mean
 * as GSL's running mean (long double, so bit for bit gsl_stats_mean), the
 * sum of squared deviations by Welford's update (kept as a double: 32
 * bytes a value). Values are added in replication order, so the result
 * never depends on threads or ranks. */
struct acd_stats_est {
    long double mean;
    double m2;
    unsigned n; /* values added that were not NAN */
};
/* NAN: skipped. Inline: a day of 1,440 intervals folds ~1 M values a
 * replication. */
static inline void
acd_stats_est_add(struct acd_stats_est *a, double x)
{
    if (x != x) /* NAN */
        return;
    a->n++;
    long double d = (long double)x - a->mean;
    a->mean += d / a->n;
    a->m2 = (double)(a->m2 + d * ((long double)x - a->mean));
}
struct acd_estimate acd_stats_est_get(const struct acd_stats_est *a);

/* Streaming mean/variance (Welford), for benchmarks and internal checks. */
struct acd_tally {
    uint64_t n;
    double mean, m2;
};
static inline void
acd_stats_tally_add(struct acd_tally *t, double x)
{
    t->n++;
    double d = x - t->mean;
    t->mean += d / (double)t->n;
    t->m2 += d * (x - t->mean);
}
double acd_stats_tally_var(const struct acd_tally *t);

#endif
