/*
 * stats: fixed-size wait histogram, the metric and totals tables of
 * interface.md, and Student-t estimates across replications (GSL).
 */
#include "acdsim/stats.h"
#include "acdsim/scenario.h" /* ACD_FEAT_* */
#include "util.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* --- histogram --------------------------------------------------------- */

#define LINEAR_END_S (ACD_HIST_LINEAR_BINS * ACD_HIST_LINEAR_WIDTH_S)
#define LOG_RATIO    1.01

#define INV_LN_RATIO 100.49916945163199 /* 1 / ln(LOG_RATIO) */

static inline size_t
bin_of(double x)
{
    if (x < LINEAR_END_S)
        return (size_t)(x / ACD_HIST_LINEAR_WIDTH_S);
    double k = floor(log(x / LINEAR_END_S) * INV_LN_RATIO);
    if (k >= ACD_HIST_LOG_BINS)
        return ACD_HIST_BINS - 1;
    return ACD_HIST_LINEAR_BINS + (size_t)k;
}

static void
bin_bounds(size_t b, double *lo, double *hi)
{
    if (b < ACD_HIST_LINEAR_BINS) {
        *lo = (double)b * ACD_HIST_LINEAR_WIDTH_S;
        *hi = *lo + ACD_HIST_LINEAR_WIDTH_S;
    } else if (b < ACD_HIST_BINS - 1) {
        *lo = LINEAR_END_S * pow(LOG_RATIO, (double)(b - ACD_HIST_LINEAR_BINS));
        *hi = *lo * LOG_RATIO;
    } else {
        *lo = LINEAR_END_S * pow(LOG_RATIO, (double)ACD_HIST_LOG_BINS);
        *hi = *lo;
    }
}

void
acd_stats_hist_add(struct acd_hist *h, double x)
{
    h->total++;
    if (x <= 0) {
        h->zeros++;
        return;
    }
    h->bins[bin_of(x)]++;
}

void
acd_stats_hist_merge(struct acd_hist *dst, const struct acd_hist *src)
{
    dst->zeros += src->zeros;
    dst->total += src->total;
    for (size_t i = 0; i < ACD_HIST_BINS; i++)
        dst->bins[i] += src->bins[i];
}

/* Values in bin b of all n histograms. */
static double
bin_count(const struct acd_hist *const *hs, size_t n, size_t b)
{
    double c = 0;
    for (size_t i = 0; i < n; i++)
        c += hs[i]->bins[b];
    return c;
}

void
acd_stats_hist_cdf_many(const struct acd_hist *const *hs, size_t n, const double *x, size_t m,
                        double *out)
{
    uint64_t total = 0, below = 0;
    for (size_t i = 0; i < n; i++) {
        total += hs[i]->total;
        below += hs[i]->zeros;
    }
    /* One walk over the bins for all the points: the sums are the same,
     * in the same order, as a walk per point. */
    double cum = (double)below;
    size_t b = 0;
    for (size_t j = 0; j < m; j++) {
        ACD_ASSERT(j == 0 || x[j] >= x[j - 1]);
        if (total == 0) {
            out[j] = ACD_NAN;
            continue;
        }
        if (x[j] < 0) {
            out[j] = 0;
            continue;
        }
        size_t last = bin_of(x[j]);
        for (; b < last && b < ACD_HIST_BINS; b++)
            cum += bin_count(hs, n, b);
        double part = 0;
        if (last < ACD_HIST_BINS) {
            double c = bin_count(hs, n, last), lo, hi;
            bin_bounds(last, &lo, &hi);
            part = hi > lo ? c * (x[j] - lo) / (hi - lo) : c;
        }
        out[j] = (cum + part) / (double)total;
    }
}

double
acd_stats_hist_quantile(const struct acd_hist *h, double q)
{
    return acd_stats_hist_quantile_n(&h, 1, q);
}

double
acd_stats_hist_quantile_n(const struct acd_hist *const *hs, size_t n, double q)
{
    uint64_t total = 0, zeros = 0;
    for (size_t i = 0; i < n; i++) {
        total += hs[i]->total;
        zeros += hs[i]->zeros;
    }
    if (total == 0)
        return ACD_NAN;
    /* The smallest x with F(x) >= q; linear inside a bin. The walk stops at
     * the quantile's bin, so a list of histograms costs no more than one. */
    double target = q * (double)total;
    if ((double)zeros >= target)
        return 0;
    double cum = (double)zeros;
    for (size_t b = 0; b < ACD_HIST_BINS; b++) {
        double c = 0;
        for (size_t i = 0; i < n; i++)
            c += hs[i]->bins[b];
        if (c > 0 && cum + c >= target) {
            if (b == ACD_HIST_BINS - 1)
                return ACD_NAN; /* beyond the top bin: unknown, not clamped */
            double lo, hi;
            bin_bounds(b, &lo, &hi);
            return lo + (hi - lo) * (target - cum) / c;
        }
        cum += c;
    }
    return ACD_NAN; /* q > 1 */
}

/* --- sparse histograms ------------------------------------------------- */

#define HLOG_CODE_BITS 12
#define HLOG_CODE_MASK ((UINT64_C(1) << HLOG_CODE_BITS) - 1)
_Static_assert(ACD_HIST_BINS < (1u << HLOG_CODE_BITS), "a bin + 1 fits the code");

void
acd_stats_hlog_add(struct acd_hist_log *l, uint32_t hist, double x)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 1024;
        l->e = acd_xrealloc(l->e, l->cap * sizeof(*l->e));
    }
    uint64_t code = x <= 0 ? 0 : bin_of(x) + 1;
    uint64_t e = (uint64_t)hist << HLOG_CODE_BITS | code;
    l->sorted = l->sorted && (l->n == 0 || l->e[l->n - 1] <= e);
    l->e[l->n++] = e;
}

void
acd_stats_hlog_clear(struct acd_hist_log *l)
{
    l->n = 0;
    l->n_start = 0;
    l->sorted = true;
}

void
acd_stats_hlog_free(struct acd_hist_log *l)
{
    free(l->e);
    free(l->tmp);
    free(l->start);
    memset(l, 0, sizeof(*l));
}

/* LSD radix sort, 11-bit digits, as many as the largest key needs. */
#define RADIX_BITS 11
#define RADIX      (1u << RADIX_BITS)

/* The index of the sorted entries: where each histogram's run starts. */
static void
hlog_index(struct acd_hist_log *l)
{
    ACD_ASSERT(l->n < UINT32_MAX);
    size_t n_start = l->n ? (size_t)(l->e[l->n - 1] >> HLOG_CODE_BITS) + 2 : 0;
    if (n_start > l->start_cap) {
        l->start_cap = n_start;
        l->start = acd_xrealloc(l->start, n_start * sizeof(*l->start));
    }
    l->n_start = n_start;
    size_t i = 0;
    for (size_t h = 0; h < n_start; h++) {
        while (i < l->n && (l->e[i] >> HLOG_CODE_BITS) < h)
            i++;
        l->start[h] = (uint32_t)i;
    }
}

void
acd_stats_hlog_sort(struct acd_hist_log *l)
{
    if (l->sorted || l->n < 2) {
        l->sorted = true;
        hlog_index(l);
        return;
    }
    uint64_t top = 0;
    for (size_t i = 0; i < l->n; i++)
        top |= l->e[i];
    l->tmp = acd_xrealloc(l->tmp, l->cap * sizeof(*l->tmp));
    size_t count[RADIX];
    for (unsigned shift = 0; shift < 64 && (top >> shift) != 0; shift += RADIX_BITS) {
        memset(count, 0, sizeof(count));
        for (size_t i = 0; i < l->n; i++)
            count[(l->e[i] >> shift) & (RADIX - 1)]++;
        size_t sum = 0;
        for (size_t d = 0; d < RADIX; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < l->n; i++)
            l->tmp[count[(l->e[i] >> shift) & (RADIX - 1)]++] = l->e[i];
        uint64_t *t = l->e;
        l->e = l->tmp;
        l->tmp = t;
    }
    l->sorted = true;
    hlog_index(l);
}

/* First entry of histogram h in the sorted log. */
static size_t
hlog_start(const struct acd_hist_log *l, uint32_t h)
{
    return h < l->n_start ? l->start[h] : l->n;
}

/* Sort n codes (< 4096) in place: two 6-bit counting passes through tmp. */
static void
sort_codes(uint16_t *v, uint16_t *tmp, size_t n)
{
    if (n <= 32) {
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
                uint16_t t = v[j];
                v[j] = v[j - 1];
                v[j - 1] = t;
            }
        return;
    }
    for (unsigned shift = 0; shift < HLOG_CODE_BITS; shift += 6) {
        size_t count[64] = {0};
        for (size_t i = 0; i < n; i++)
            count[(v[i] >> shift) & 63]++;
        size_t sum = 0;
        for (size_t d = 0; d < 64; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            tmp[count[(v[i] >> shift) & 63]++] = v[i];
        memcpy(v, tmp, n * sizeof(*v));
    }
}

double
acd_stats_hlog_quantile(const struct acd_hist_log *l, uint32_t h0, uint32_t h1, double q)
{
    ACD_ASSERT(l->sorted && h0 <= h1);
    size_t i0 = hlog_start(l, h0), i1 = hlog_start(l, h1);
    size_t total = i1 - i0;
    if (total == 0)
        return ACD_NAN;
    /* The codes in order: one histogram's run is; several are merged. */
    uint16_t small[2 * 256];
    uint16_t *v = total <= 256 ? small : acd_xmalloc(2 * total * sizeof(*v));
    for (size_t i = 0; i < total; i++)
        v[i] = (uint16_t)(l->e[i0 + i] & HLOG_CODE_MASK);
    if (h1 - h0 > 1)
        sort_codes(v, v + total, total);
    /* acd_stats_hist_quantile_n's walk over the non-empty bins: the same
     * integer counts as doubles, the same sums. */
    double result = ACD_NAN; /* q > 1 */
    double target = q * (double)total;
    size_t i = 0;
    while (i < total && v[i] == 0)
        i++;
    double cum = (double)i;
    if (cum >= target) {
        result = 0;
        i = total;
    }
    while (i < total) {
        size_t j = i;
        while (j < total && v[j] == v[i])
            j++;
        double c = (double)(j - i);
        size_t b = (size_t)v[i] - 1;
        if (cum + c >= target) {
            if (b == ACD_HIST_BINS - 1)
                break; /* beyond the top bin: unknown */
            double lo, hi;
            bin_bounds(b, &lo, &hi);
            result = lo + (hi - lo) * (target - cum) / c;
            break;
        }
        cum += c;
        i = j;
    }
    if (v != small)
        free(v);
    return result;
}

/* --- counts ------------------------------------------------------------ */

double
acd_stats_paid_agent_s(const struct acd_counts *c)
{
    return c->staffed_agent_s + c->break_agent_s - c->unpaid_break_agent_s;
}

double
acd_stats_labor_cost(double paid_agent_s, double cost_per_hour)
{
    return paid_agent_s / 3600 * cost_per_hour;
}

double
acd_stats_cost(const struct acd_counts *c)
{
    return c->labor_cost + c->abandon_cost + c->repeat_cost;
}

void
acd_stats_counts_add(struct acd_counts *dst, const struct acd_counts *src)
{
    dst->offered += src->offered;
    dst->answered += src->answered;
    dst->answered_within_t += src->answered_within_t;
    dst->abandoned += src->abandoned;
    dst->abandoned_within_t += src->abandoned_within_t;
    dst->blocked += src->blocked;
    dst->waited += src->waited;
    dst->wait_sum_s += src->wait_sum_s;
    dst->answered_wait_sum_s += src->answered_wait_sum_s;
    dst->queue_area_s += src->queue_area_s;
    dst->busy_agent_s += src->busy_agent_s;
    dst->staffed_agent_s += src->staffed_agent_s;
    dst->fresh += src->fresh;
    dst->retrials += src->retrials;
    dst->repeats += src->repeats;
    dst->callbacks += src->callbacks;
    dst->balked += src->balked;
    dst->timed_out += src->timed_out;
    dst->callback_requested += src->callback_requested;
    dst->disconnected += src->disconnected;
    dst->escalated += src->escalated;
    dst->issues += src->issues;
    dst->issues_resolved += src->issues_resolved;
    dst->issues_fcr += src->issues_fcr;
    dst->issue_contacts += src->issue_contacts;
    dst->resolution_time_sum_s += src->resolution_time_sum_s;
    dst->customer_within_t += src->customer_within_t;
    dst->idle_agent_s += src->idle_agent_s;
    dst->talk_agent_s += src->talk_agent_s;
    dst->wrap_agent_s += src->wrap_agent_s;
    dst->break_agent_s += src->break_agent_s;
    dst->unpaid_break_agent_s += src->unpaid_break_agent_s;
    dst->backlog_open += src->backlog_open;
    dst->backlog_close += src->backlog_close;
    dst->backlog_undecided += src->backlog_undecided;
    dst->off_agent_s += src->off_agent_s;
    dst->labor_cost += src->labor_cost;
    dst->abandon_cost += src->abandon_cost;
    dst->repeat_cost += src->repeat_cost;
    dst->issue_wait_sum_s += src->issue_wait_sum_s;
    dst->issues_answered += src->issues_answered;
    dst->issues_answered_within_t += src->issues_answered_within_t;
    dst->after_close += src->after_close;
    dst->transferred += src->transferred;
    dst->transfer_abandoned += src->transfer_abandoned;
    dst->transfer_unserved += src->transfer_unserved;
    dst->ring_agent_s += src->ring_agent_s;
}

/* --- metrics ----------------------------------------------------------- */

static inline double
ratio(double num, double den)
{
    return den > 0 ? num / den : ACD_NAN;
}

static double
m_offered(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return c->offered;
}

static double
m_service_level(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    /* E-mails still waiting at closing within their threshold are not
     * decided yet (docs/results-json.md): 0 for calls, so x - 0 = x. */
    return ratio(c->answered_within_t, c->offered - c->backlog_undecided);
}

static double
m_service_level_answered(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->answered_within_t, c->answered);
}

static double
m_answered_rate(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->answered, c->offered);
}

static double
m_abandon_rate(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->abandoned, c->offered);
}

static double
m_blocked_rate(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->blocked, c->offered);
}

static double
m_p_wait(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->waited, c->offered);
}

static double
m_asa(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->answered_wait_sum_s, c->answered);
}

static double
m_mean_wait(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->wait_sum_s, c->offered);
}

static double
m_wait_p90(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)c;
    return h ? acd_stats_hist_quantile(h, 0.9) : ACD_NAN;
}

static double
m_mean_queue_len(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->queue_area_s, c->window_s);
}

static double
m_occupancy(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->busy_agent_s, c->staffed_agent_s);
}

static double
m_busy_agents(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->busy_agent_s, c->window_s);
}

static double
m_staffed_agents(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->staffed_agent_s, c->window_s);
}

static double
m_service_level_customer(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->customer_within_t, c->issues);
}

static double
m_fcr_rate(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->issues_fcr, c->issues);
}

static double
m_escalation_rate(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->escalated, c->answered);
}

static double
m_repeat_share(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->repeats, c->offered);
}

static double
m_retrial_share(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->retrials, c->offered);
}

static double
m_contacts_per_issue(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->issue_contacts, c->issues);
}

static double
m_resolution_time(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->resolution_time_sum_s, c->issues_resolved);
}

static double
m_balk_rate(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->balked, c->offered);
}

static double
m_timeout_rate(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->timed_out, c->offered);
}

static double
m_callback_rate(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->callback_requested, c->offered);
}

/* State shares are of the time agents are logged on or on break. */
static inline double
present_s(const struct acd_counts *c)
{
    return c->idle_agent_s + c->talk_agent_s + c->wrap_agent_s + c->break_agent_s + c->ring_agent_s;
}

static double
m_idle_share(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->idle_agent_s, present_s(c));
}

static double
m_talk_share(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->talk_agent_s, present_s(c));
}

static double
m_wrap_share(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->wrap_agent_s, present_s(c));
}

static double
m_ring_share(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->ring_agent_s, present_s(c));
}

static double
m_break_share(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->break_agent_s, present_s(c));
}

static double
m_cost(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return acd_stats_cost(c);
}

static double
m_cost_per_call(const struct acd_counts *c, const struct acd_hist *h)
{
    return ratio(m_cost(c, h), c->answered);
}

static double
m_service_level_cumulative(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->issues_answered_within_t, c->issues);
}

static double
m_mean_wait_cumulative(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->issue_wait_sum_s, c->issues);
}

static double
m_after_close_rate(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->after_close, c->issues);
}

static double
m_backlog_at_open(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return c->backlog_open;
}

static double
m_backlog_at_close(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return c->backlog_close;
}

static double
m_transfer_rate(const struct acd_counts *c, const struct acd_hist *h)
{
    (void)h;
    return ratio(c->transferred, c->answered);
}

/* Customer-level metrics differ from call-level ones only when a customer
 * can call more than once or stay unresolved. */
#define CUSTOMER (ACD_FEAT_RESOLUTION | ACD_FEAT_RETRIAL | ACD_FEAT_CALLBACK)
/* Time shares say more than occupancy only with wrap-up or breaks. */
#define STATES (ACD_FEAT_WRAP | ACD_FEAT_BREAK)
#define CALLS  (ACD_SCOPE_CENTER | ACD_SCOPE_TYPE | ACD_SCOPE_INTERVAL)
#define AGENTS (ACD_SCOPE_CENTER | ACD_SCOPE_GROUP | ACD_SCOPE_INTERVAL)
#define ALL    (ACD_SCOPE_CENTER | ACD_SCOPE_TYPE | ACD_SCOPE_GROUP | ACD_SCOPE_INTERVAL)
/* The figures of issue 12's caller view (cumulative wait, calls after
 * closing) are written for scenarios with same-caller retrials, so that the
 * outputs of every other scenario keep their bytes. Showing them for every
 * multi-attempt scenario is a change of this one line (and a re-recording
 * of the golden outputs). */
#define CALLER_VIEW ACD_FEAT_SAME_CALLER

const struct acd_metric_def acd_metrics[ACD_METRIC_COUNT] = {
    [ACD_M_OFFERED] = {"offered", "Offered calls", "calls", false, CALLS, m_offered},
    [ACD_M_SERVICE_LEVEL] = {"service_level", "Service level (of offered)", "", true, CALLS,
                             m_service_level},
    [ACD_M_SERVICE_LEVEL_ANSWERED] = {"service_level_answered", "Service level (of answered)", "",
                                      true, CALLS, m_service_level_answered},
    [ACD_M_ANSWERED_RATE] = {"answered_rate", "Answered", "", true, CALLS, m_answered_rate},
    [ACD_M_ABANDON_RATE] = {"abandon_rate", "Abandoned", "", true, CALLS, m_abandon_rate},
    [ACD_M_BLOCKED_RATE] = {"blocked_rate", "Busy signals", "", true, CALLS, m_blocked_rate},
    [ACD_M_P_WAIT] = {"p_wait", "Had to wait", "", true, CALLS, m_p_wait},
    [ACD_M_ASA] = {"asa_s", "ASA (answered calls)", "s", false, CALLS, m_asa},
    [ACD_M_MEAN_WAIT] = {"mean_wait_s", "Mean wait (all calls)", "s", false, CALLS, m_mean_wait},
    [ACD_M_WAIT_P90] = {"wait_p90_s", "90th percentile wait", "s", false, CALLS, m_wait_p90},
    [ACD_M_MEAN_QUEUE_LEN] = {"mean_queue_len", "Mean calls waiting", "calls", false, CALLS,
                              m_mean_queue_len},
    [ACD_M_OCCUPANCY] = {"occupancy", "Occupancy", "", true, AGENTS, m_occupancy},
    [ACD_M_BUSY_AGENTS] = {"busy_agents", "Busy agents", "agents", false, AGENTS, m_busy_agents},
    [ACD_M_STAFFED_AGENTS] = {"staffed_agents", "Staffed agents", "agents", false, AGENTS,
                              m_staffed_agents},
    [ACD_M_SERVICE_LEVEL_CUSTOMER] = {"service_level_customer", "Service level (of customers)", "",
                                      true, CALLS, m_service_level_customer, CUSTOMER},
    [ACD_M_FCR_RATE] = {"fcr_rate", "First-call resolution", "", true, CALLS, m_fcr_rate, CUSTOMER},
    [ACD_M_ESCALATION_RATE] = {"escalation_rate", "Escalated (of answered)", "", true, ALL,
                               m_escalation_rate, ACD_FEAT_ESCALATION},
    [ACD_M_REPEAT_SHARE] = {"repeat_share", "Repeat calls (of offered)", "", true, CALLS,
                            m_repeat_share, ACD_FEAT_RESOLUTION},
    [ACD_M_RETRIAL_SHARE] = {"retrial_share", "Retrials (of offered)", "", true, CALLS,
                             m_retrial_share, ACD_FEAT_RETRIAL},
    [ACD_M_CONTACTS_PER_ISSUE] = {"contacts_per_issue", "Contacts per issue", "calls", false, CALLS,
                                  m_contacts_per_issue, CUSTOMER},
    [ACD_M_RESOLUTION_TIME] = {"resolution_time_s", "Time to resolution", "s", false, CALLS,
                               m_resolution_time, CUSTOMER},
    [ACD_M_BALK_RATE] = {"balk_rate", "Balked", "", true, CALLS, m_balk_rate, ACD_FEAT_BALK},
    [ACD_M_TIMEOUT_RATE] = {"timeout_rate", "Queue timeouts", "", true, CALLS, m_timeout_rate,
                            ACD_FEAT_TIMEOUT},
    [ACD_M_CALLBACK_RATE] = {"callback_rate", "Chose a callback", "", true, CALLS, m_callback_rate,
                             ACD_FEAT_CALLBACK},
    [ACD_M_IDLE_SHARE] = {"idle_share", "Time idle", "", true, AGENTS, m_idle_share, STATES},
    [ACD_M_TALK_SHARE] = {"talk_share", "Time talking", "", true, AGENTS, m_talk_share, STATES},
    [ACD_M_WRAP_SHARE] = {"wrap_share", "Time in wrap-up", "", true, AGENTS, m_wrap_share,
                          ACD_FEAT_WRAP},
    [ACD_M_BREAK_SHARE] = {"break_share", "Time on break", "", true, AGENTS, m_break_share,
                           ACD_FEAT_BREAK},
    [ACD_M_COST] = {"cost", "Cost", "", false, ALL, m_cost, ACD_FEAT_COST},
    [ACD_M_COST_PER_CALL] = {"cost_per_call", "Cost per answered call", "", false, ALL,
                             m_cost_per_call, ACD_FEAT_COST},
    /* Added by issue 12: written only when their feature is used (only_with). */
    [ACD_M_SERVICE_LEVEL_CUMULATIVE] = {"service_level_cumulative", "Service level (total wait)",
                                        "", true, CALLS, m_service_level_cumulative, CALLER_VIEW,
                                        CALLER_VIEW},
    [ACD_M_MEAN_WAIT_CUMULATIVE] = {"mean_wait_cumulative_s", "Total wait per customer", "s", false,
                                    CALLS, m_mean_wait_cumulative, CALLER_VIEW, CALLER_VIEW},
    [ACD_M_AFTER_CLOSE_RATE] = {"after_close_rate", "Called after closing (per issue)", "", true,
                                CALLS, m_after_close_rate, CALLER_VIEW, CALLER_VIEW},
    [ACD_M_TRANSFER_RATE] = {"transfer_rate", "Transferred (of answered)", "", true, ALL,
                             m_transfer_rate, ACD_FEAT_TRANSFER, ACD_FEAT_TRANSFER},
    [ACD_M_RING_SHARE] = {"ring_share", "Time ringing", "", true, AGENTS, m_ring_share,
                          ACD_FEAT_RING, ACD_FEAT_RING},
    /* Issue 17: e-mail; in JSON too only with an e-mail type (json_gated). */
    [ACD_M_BACKLOG_AT_OPEN] = {"backlog_at_open", "E-mails waiting at opening", "calls", false,
                               CALLS, m_backlog_at_open, ACD_FEAT_EMAIL, ACD_FEAT_EMAIL, true},
    [ACD_M_BACKLOG_AT_CLOSE] = {"backlog_at_close", "E-mails waiting at closing", "calls", false,
                                CALLS, m_backlog_at_close, ACD_FEAT_EMAIL, ACD_FEAT_EMAIL, true},
};

#define TOTAL(k, field, scopes)                                                                    \
    {                                                                                              \
        k, scopes, offsetof(struct acd_counts, field), 0                                           \
    }
#define TOTAL_WITH(k, field, scopes, feature)                                                      \
    {                                                                                              \
        k, scopes, offsetof(struct acd_counts, field), feature                                     \
    }

const struct acd_total_def acd_totals[ACD_TOTAL_COUNT] = {
    [ACD_T_OFFERED] = TOTAL("offered", offered, CALLS),
    [ACD_T_ANSWERED] = TOTAL("answered", answered, ALL),
    [ACD_T_ANSWERED_WITHIN_T] = TOTAL("answered_within_t", answered_within_t, ALL),
    [ACD_T_ABANDONED] = TOTAL("abandoned", abandoned, CALLS),
    [ACD_T_ABANDONED_WITHIN_T] = TOTAL("abandoned_within_t", abandoned_within_t, CALLS),
    [ACD_T_BLOCKED] = TOTAL("blocked", blocked, CALLS),
    [ACD_T_WAITED] = TOTAL("waited", waited, CALLS),
    [ACD_T_WAIT_SUM] = TOTAL("wait_sum_s", wait_sum_s, CALLS),
    [ACD_T_ANSWERED_WAIT_SUM] = TOTAL("answered_wait_sum_s", answered_wait_sum_s, ALL),
    [ACD_T_QUEUE_AREA] = TOTAL("queue_len_s", queue_area_s, CALLS),
    [ACD_T_BUSY_AGENT_S] = TOTAL("busy_agent_s", busy_agent_s, AGENTS),
    [ACD_T_STAFFED_AGENT_S] = TOTAL("staffed_agent_s", staffed_agent_s, AGENTS),
    [ACD_T_FRESH] = TOTAL("fresh", fresh, CALLS),
    [ACD_T_RETRIALS] = TOTAL("retrials", retrials, CALLS),
    [ACD_T_REPEATS] = TOTAL("repeat_calls", repeats, CALLS),
    [ACD_T_CALLBACKS] = TOTAL("callbacks", callbacks, CALLS),
    [ACD_T_BALKED] = TOTAL("balked", balked, CALLS),
    [ACD_T_TIMED_OUT] = TOTAL("timed_out", timed_out, CALLS),
    [ACD_T_CALLBACK_REQUESTED] = TOTAL("callback_requested", callback_requested, CALLS),
    [ACD_T_DISCONNECTED] = TOTAL("disconnected", disconnected, CALLS),
    [ACD_T_ESCALATED] = TOTAL("escalated", escalated, ALL),
    [ACD_T_ISSUES] = TOTAL("issues", issues, CALLS),
    [ACD_T_ISSUES_RESOLVED] = TOTAL("issues_resolved", issues_resolved, CALLS),
    [ACD_T_ISSUES_FCR] = TOTAL("issues_fcr", issues_fcr, CALLS),
    [ACD_T_ISSUE_CONTACTS] = TOTAL("issue_contacts", issue_contacts, CALLS),
    [ACD_T_RESOLUTION_TIME_SUM] = TOTAL("resolution_time_sum_s", resolution_time_sum_s, CALLS),
    [ACD_T_CUSTOMER_WITHIN_T] = TOTAL("customer_within_t", customer_within_t, CALLS),
    [ACD_T_IDLE_AGENT_S] = TOTAL("idle_agent_s", idle_agent_s, AGENTS),
    [ACD_T_TALK_AGENT_S] = TOTAL("talk_agent_s", talk_agent_s, AGENTS),
    [ACD_T_WRAP_AGENT_S] = TOTAL("wrap_agent_s", wrap_agent_s, AGENTS),
    [ACD_T_BREAK_AGENT_S] = TOTAL("break_agent_s", break_agent_s, AGENTS),
    [ACD_T_OFF_AGENT_S] = TOTAL("off_agent_s", off_agent_s, AGENTS),
    [ACD_T_LABOR_COST] = TOTAL("labor_cost", labor_cost, AGENTS),
    [ACD_T_ABANDON_COST] = TOTAL("abandon_cost", abandon_cost, CALLS),
    [ACD_T_REPEAT_COST] = TOTAL("repeat_cost", repeat_cost, CALLS),
    [ACD_T_ISSUE_WAIT_SUM] = TOTAL_WITH("issue_wait_sum_s", issue_wait_sum_s, CALLS, CALLER_VIEW),
    [ACD_T_ISSUES_ANSWERED] = TOTAL_WITH("issues_answered", issues_answered, CALLS, CALLER_VIEW),
    [ACD_T_ISSUES_ANSWERED_WITHIN_T] =
        TOTAL_WITH("issues_answered_within_t", issues_answered_within_t, CALLS, CALLER_VIEW),
    [ACD_T_AFTER_CLOSE] = TOTAL_WITH("after_close", after_close, CALLS, CALLER_VIEW),
    [ACD_T_TRANSFERRED] = TOTAL_WITH("transferred", transferred, ALL, ACD_FEAT_TRANSFER),
    [ACD_T_TRANSFER_ABANDONED] =
        TOTAL_WITH("transfer_abandoned", transfer_abandoned, CALLS, ACD_FEAT_TRANSFER),
    [ACD_T_TRANSFER_UNSERVED] =
        TOTAL_WITH("transfer_unserved", transfer_unserved, CALLS, ACD_FEAT_TRANSFER),
    [ACD_T_UNPAID_BREAK_AGENT_S] =
        TOTAL_WITH("unpaid_break_agent_s", unpaid_break_agent_s, AGENTS, ACD_FEAT_UNPAID),
};

bool
acd_stats_scope_applies(unsigned applies, unsigned kind)
{
    return (applies & (kind == ACD_SCOPE_CHANNEL ? ACD_SCOPE_TYPE : kind)) != 0;
}

bool
acd_stats_metric_shown(enum acd_metric m, unsigned features)
{
    return !acd_metrics[m].only_with || (acd_metrics[m].only_with & features);
}

bool
acd_stats_total_shown(enum acd_total t, unsigned features)
{
    return !acd_totals[t].only_with || (acd_totals[t].only_with & features);
}

enum acd_metric
acd_stats_metric_find(const char *key)
{
    for (size_t i = 0; i < ACD_METRIC_COUNT; i++)
        if (strcmp(acd_metrics[i].key, key) == 0)
            return (enum acd_metric)i;
    return ACD_METRIC_COUNT;
}

/* --- estimates --------------------------------------------------------- */

/* The 97.5% quantile of Student's t with df degrees of freedom. The
 * inversion costs ~30,000 instructions and estimates come by the thousand
 * with a few df (every scope and metric of a run; fewer values where some
 * replications have none): each df below T975_TABLE is computed once per
 * thread, when first asked, and kept in a table; beyond it, the last one
 * is kept. The same call computes every value, so none changes. */
#define T975_TABLE 1024
static double
t975(size_t df)
{
    static _Thread_local double table[T975_TABLE]; /* 0: not computed yet */
    if (df < T975_TABLE) {
        if (table[df] == 0)
            table[df] = gsl_cdf_tdist_Pinv(0.975, (double)df);
        return table[df];
    }
    static _Thread_local size_t last_df;
    static _Thread_local double last_q;
    if (df != last_df) {
        last_q = gsl_cdf_tdist_Pinv(0.975, (double)df);
        last_df = df;
    }
    return last_q;
}

struct acd_estimate
acd_stats_est_get(const struct acd_stats_est *a)
{
    struct acd_estimate e = {.mean = ACD_NAN, .ci95 = ACD_NAN, .n = a->n};
    if (a->n > 0)
        e.mean = (double)a->mean;
    if (a->n > 1) {
        double sd = sqrt(a->m2 / (a->n - 1));
        e.ci95 = t975(a->n - 1) * sd / sqrt((double)a->n);
    }
    return e;
}

struct acd_estimate
acd_stats_estimate(const double *x, size_t n)
{
    struct acd_stats_est a = {0};
    for (size_t i = 0; i < n; i++)
        acd_stats_est_add(&a, x[i]);
    return acd_stats_est_get(&a);
}

double
acd_stats_tally_var(const struct acd_tally *t)
{
    return t->n > 1 ? t->m2 / (double)(t->n - 1) : ACD_NAN;
}
