/*
 * erlang: exact steady-state figures for single-queue call centres with
 * Poisson arrivals and exponential handle times (erlang.h), and the exact
 * minimum staffing that meets a set of targets.
 *
 *   Erlang B  closed form from the stable recursion B(k) = aB/(k + aB).
 *   Erlang C  closed form (M/M/c); 1 - C and the service level are computed
 *             directly so nothing cancels.
 *   M/M/c/K and Erlang A (M/M/c+M, optionally with a finite waiting room)
 *             through the birth-death chain of queue states and the exact
 *             waiting-time law of a tagged FCFS arrival (see eval_chain).
 *
 * No factorials and no global state: every call works on its own stack and
 * heap buffers, so the staffing search may run in many threads at once.
 * Formulas follow the oracle (shared/oracle/README.md); the unit tests hold
 * them to 1e-9 relative on its public cases.
 */
#include "acdsim/erlang.h"

#include "util.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

/* Largest staff the staffing search tries (erlang.h promises 1,000,000). */
#define ACD_ERLANG_MAX_AGENTS 1000000u
/* Largest number of queue states held for one evaluation (~130 MB at
 * worst); only heavy overload with very long patience gets near it. */
#define ACD_ERLANG_MAX_STATES 4000000L
/* Internal return code: the chain would exceed ACD_ERLANG_MAX_STATES. */
#define ACD_ERLANG_TOO_BIG (-2)
/* Neglected tails are below this fraction of the mass they are added to.
 * Far below double precision on purpose: tiny figures such as P(W > t) in a
 * well-staffed centre come from deep in the queue tail (the oracle cuts at
 * 1e-50 and agrees with us to 1e-13 there). */
#define ACD_ERLANG_TAIL_TOL 1e-60
/* Safety stop for the tail sums of the waiting-time law. */
#define ACD_ERLANG_MAX_TAIL_TERMS 100000000L

#define ACD_LN2 0.693147180559945309417232121458176568

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Write the message (if there is room) and return -1. */
static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Rounding can put a probability an ulp or two outside [0, 1]; reports
 * should never show 100.0000000001 %. */
static double
prob(double x)
{
    return x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x;
}

/* ---------------------------------------------------------------------------
 * Erlang B and C
 */

/* B(c, a) with its complements 1 - B(c) and 1 - B(c - 1). The complements
 * come from 1 - B(k) = k / (k + a B(k-1)), exact even when B is near 1. */
struct b_terms {
    double b;
    double one_minus_b;
    double one_minus_b_prev;
};

static struct b_terms
erlang_b_terms(unsigned c, double a)
{
    struct b_terms bt = {1.0, 0.0, 0.0};
    for (unsigned k = 1; k <= c; k++) {
        double ab = a * bt.b;
        double d = (double)k + ab;
        bt.one_minus_b_prev = bt.one_minus_b;
        bt.b = ab / d;
        bt.one_minus_b = (double)k / d;
    }
    return bt;
}

double
acd_erlang_b(unsigned c, double a)
{
    return erlang_b_terms(c, a).b;
}

double
acd_erlang_c(unsigned c, double a)
{
    if (a >= (double)c)
        return 1.0; /* unstable: every arrival waits */
    struct b_terms bt = erlang_b_terms(c, a);
    return (double)c * bt.b / ((double)c - a * bt.one_minus_b);
}

static void
eval_b(const struct acd_erlang_params *p, struct acd_erlang_result *r)
{
    double a = p->rate_per_s * p->aht_s;
    double c = (double)p->agents;
    struct b_terms bt = erlang_b_terms(p->agents, a);
    double busy = a * bt.one_minus_b;

    r->offered_load = a;
    r->service_level = bt.one_minus_b; /* answered at once, or never */
    r->service_level_answered = 1.0;
    r->answered_rate = bt.one_minus_b;
    r->abandon_rate = 0.0;
    r->blocked_rate = bt.b;
    r->p_wait = 0.0;
    r->asa_s = 0.0;
    r->mean_wait_s = 0.0;
    r->mean_queue_len = 0.0;
    r->occupancy = busy / c;
    r->busy_agents = busy;
    r->p_abandon_within_t = 0.0;
    r->p_wait_gt_t = 0.0;
    r->mean_wait_given_wait_s = 0.0; /* nobody waits; 0 as in the oracle */
    r->mean_wait_abandoned_s = (double)NAN;
    r->mean_in_system = busy;
    r->throughput_per_s = p->rate_per_s * bt.one_minus_b;
}

/* M/M/c with an unlimited queue; the caller checked a < c. */
static void
eval_c(const struct acd_erlang_params *p, struct acd_erlang_result *r)
{
    double lam = p->rate_per_s;
    double a = lam * p->aht_s;
    double c = (double)p->agents;
    struct b_terms bt = erlang_b_terms(p->agents, a);
    double den = c - a * bt.one_minus_b;
    double pw = c * bt.b / den;                       /* C(c, a) */
    double p_nowait = (c - a) * bt.one_minus_b / den; /* 1 - C without cancellation */
    double gap = (c - a) / p->aht_s;                  /* c mu - lambda */
    double x = gap * p->sl_threshold_s;
    double sl = prob(p_nowait - pw * expm1(-x)); /* P(W <= t) */
    double wq = pw / gap;
    double lq = lam * wq;

    r->offered_load = a;
    r->service_level = sl;
    r->service_level_answered = sl;
    r->answered_rate = 1.0;
    r->abandon_rate = 0.0;
    r->blocked_rate = 0.0;
    r->p_wait = pw;
    r->asa_s = wq;
    r->mean_wait_s = wq;
    r->mean_queue_len = lq;
    r->occupancy = a / c;
    r->busy_agents = a;
    r->p_abandon_within_t = 0.0;
    r->p_wait_gt_t = pw * exp(-x);
    r->mean_wait_given_wait_s = 1.0 / gap;
    r->mean_wait_abandoned_s = (double)NAN;
    r->mean_in_system = lq + a;
    r->throughput_per_s = lam;
}

/* ---------------------------------------------------------------------------
 * Waiting-time law of a tagged arrival
 *
 * An arrival that finds n callers waiting is answered within t when at
 * least n+1 "line moves" happen by t. Counting them gives a negative
 * binomial NB(b, p) with b = c mu / theta, p = 1 - e^{-theta t} (Erlang A),
 * or Poisson(c mu t) when nobody abandons (M/M/c/K). Both have the pmf
 * recursion q_k = q_{k-1} ratio(k), started from q_0 = exp(log_q0).
 */
struct count_law {
    bool poisson;
    double b, p; /* negative binomial */
    double x;    /* Poisson mean */
    double log_q0;
};

static double
law_ratio(const struct count_law *law, long k)
{
    double dk = (double)k;
    return law->poisson ? law->x / dk : law->p * (dk - 1.0 + law->b) / dk;
}

/* q_k as m * 2^e: q_0 can underflow (e^{-c mu t} for big centres) while
 * the terms that matter are near the mode, so the recursion carries its own
 * exponent and converts to double only at the end. */
struct scaled {
    double m;
    long e;
};

static struct scaled
scaled_from_log(double log_v)
{
    struct scaled s;
    double e = floor(log_v / ACD_LN2);
    s.m = exp(log_v - e * ACD_LN2);
    s.e = (long)e;
    return s;
}

static void
scaled_mul(struct scaled *s, double f)
{
    int ex;
    s->m = frexp(s->m * f, &ex);
    s->e += ex;
}

static double
scaled_value(struct scaled s)
{
    if (s.m == 0.0 || s.e < -1200)
        return 0.0;
    return ldexp(s.m, (int)s.e);
}

/* F[n] = P(X <= n) (unless F is NULL) and G[n] = P(X > n) for n = 0..nmax,
 * each a sum of positive terms (G backwards from the tail beyond nmax), so
 * both keep full relative accuracy however small they are. */
static void
count_law_tails(const struct count_law *law, long nmax, double *F, double *G)
{
    struct scaled s = scaled_from_log(law->log_q0);
    double cum = 0.0;
    for (long k = 0; k <= nmax + 1; k++) {
        if (k > 0)
            scaled_mul(&s, law_ratio(law, k));
        double q = scaled_value(s);
        if (k <= nmax) {
            cum += q;
            if (F)
                F[k] = cum;
        }
        if (k >= 1)
            G[k - 1] = q; /* q_k parked here until the backward pass */
    }

    /* P(X > nmax): from the complement while it is not small, else by
     * summing the decaying pmf forward. Beyond the mode the ratios move
     * monotonically towards p (or 0), so max(ratio(k+1), p) bounds all that
     * follow and the rest is under a geometric series. */
    double tail;
    if (cum <= 0.5) {
        tail = 1.0 - cum;
    } else {
        tail = G[nmax]; /* q_{nmax+1} */
        for (long k = nmax + 2; k < nmax + ACD_ERLANG_MAX_TAIL_TERMS; k++) {
            scaled_mul(&s, law_ratio(law, k));
            double q = scaled_value(s);
            tail += q;
            double rb = law_ratio(law, k + 1);
            if (!law->poisson && law->p > rb)
                rb = law->p;
            if (rb < 1.0 && q * rb <= ACD_ERLANG_TAIL_TOL * tail * (1.0 - rb))
                break;
        }
    }
    G[nmax] = tail;
    for (long n = nmax - 1; n >= 0; n--)
        G[n] += G[n + 1];
}

/* ---------------------------------------------------------------------------
 * Birth-death chain: M/M/c/K and Erlang A
 *
 * States below c are the Erlang-B block: scaled so that state c has weight
 * B, they hold 1 - B in total and sum_{k<c} k w_k = a (1 - B(c-1)) (1 - B),
 * with no need to visit them. Queue states c+n have weight B u_n,
 * u_n = prod_{j<=n} lambda / (c mu + j theta). u_n is formed relative to its
 * largest term u_m (v_n = u_n / u_m <= 1) and log(B u_m) is kept apart, so
 * neither part overflows for any c.
 */
struct chain {
    double *v;     /* v[0..n_top]: queue weights relative to the mode */
    long n_top;    /* last queue state held */
    bool blocking; /* n_top is the full waiting room: arrivals there are lost */
    double v_sum;  /* sum of v */
    double log_um; /* log u_m */
};

/* Mode m of u: the last n with lambda >= c mu + n theta (0 if none),
 * capped at the waiting room. */
static long
chain_mode(double lam, double cmu, double theta, long qcap)
{
    long m;
    if (theta == 0.0) {
        m = lam > cmu ? qcap : 0;
    } else {
        double x = (lam - cmu) / theta;
        if (x < 1.0)
            m = 0;
        else if (x > (double)ACD_ERLANG_MAX_STATES)
            m = ACD_ERLANG_MAX_STATES + 1;
        else
            m = (long)x;
        while (m > 0 && lam < cmu + (double)m * theta)
            m--;
        while (m < ACD_ERLANG_MAX_STATES && lam >= cmu + (double)(m + 1) * theta)
            m++;
        if (qcap >= 0 && m > qcap)
            m = qcap;
    }
    return m;
}

static int
too_big(char *err, size_t errlen)
{
    fail(err, errlen,
         "the queue would need more than %ld states to evaluate exactly; add agents, give "
         "--queue-capacity or a shorter --patience",
         ACD_ERLANG_MAX_STATES);
    return ACD_ERLANG_TOO_BIG;
}

static int
chain_build(struct chain *ch, double lam, double cmu, double theta, long qcap, char *err,
            size_t errlen)
{
    ACD_ASSERT(theta > 0.0 || qcap >= 0); /* M/M/c without a room is closed form */
    long m = chain_mode(lam, cmu, theta, qcap);
    if (m > ACD_ERLANG_MAX_STATES)
        return too_big(err, errlen);
    size_t cap = 0;
    double *v = acd_xgrow(NULL, &cap, (size_t)m + 1, sizeof *v);

    double log_um = 0.0;
    for (long j = 1; j <= m; j++)
        log_um += log(lam / (cmu + (double)j * theta));
    v[m] = 1.0;
    double sum = 1.0;
    for (long n = m; n > 0; n--) {
        v[n - 1] = v[n] * (cmu + (double)n * theta) / lam;
        sum += v[n - 1];
    }

    /* Upwards until the waiting room is full or the rest is negligible
     * (the ratios decrease, so the tail is under a geometric series). */
    long n = m;
    bool blocking = false;
    for (;;) {
        if (qcap >= 0 && n == qcap) {
            blocking = true;
            break;
        }
        double r = lam / (cmu + (double)(n + 1) * theta);
        if (r < 1.0 && v[n] * r <= ACD_ERLANG_TAIL_TOL * sum * (1.0 - r))
            break;
        if (n >= ACD_ERLANG_MAX_STATES) {
            free(v);
            return too_big(err, errlen);
        }
        v = acd_xgrow(v, &cap, (size_t)n + 2, sizeof *v);
        v[n + 1] = v[n] * r;
        sum += v[n + 1];
        n++;
    }
    ch->v = v;
    ch->n_top = n;
    ch->blocking = blocking;
    ch->v_sum = sum;
    ch->log_um = log_um;
    return 0;
}

/*
 * Queue-capacity or abandonment models. An arrival that finds n callers
 * waiting (FCFS, K = c mu / theta, p = 1 - e^{-theta t}) has, while j are
 * ahead, the line moving at rate c mu + j theta and its own patience
 * running at theta:
 *   P(served | n)          = c mu / (c mu + (n+1) theta)
 *   P(served, W<=t | n)    = P(served | n) I_p(n+1, K+1)
 *   P(aband., W<=t | n)    = p (1 - I_p(n+1, K)) + (n+1)/(n+1+K) I_p(n+2, K)
 *   P(W > t | n)           = e^{-theta t} (1 - I_p(n+1, K))
 *   E[W; served | n]       = P(served | n) sum_{i=1}^{n+1} 1/(c mu + i theta)
 *   E[W; abandoned | n]    = theta/(c mu + (n+1) theta) sum_{i=1}^{n+1} i/(c mu + i theta)
 * (it abandons in each of the n+1 stages with the same probability), with
 * I_p(m, b) = P(NB(b, p) >= m). With theta = 0 the counts are Poisson(c mu t)
 * and nobody abandons. Queue sums are taken in the v scale and converted
 * once, so conditional figures survive even when B underflows.
 */
static int
eval_chain(const struct acd_erlang_params *p, double theta, struct acd_erlang_result *r, char *err,
           size_t errlen)
{
    double lam = p->rate_per_s;
    double a = lam * p->aht_s;
    double c = (double)p->agents;
    double cmu = c / p->aht_s;
    double t = p->sl_threshold_s;
    struct b_terms bt = erlang_b_terms(p->agents, a);

    struct chain ch = {0};
    int rc = chain_build(&ch, lam, cmu, theta, p->queue_capacity, err, errlen);
    if (rc < 0)
        return rc;
    const double *v = ch.v;
    long m_wait = ch.blocking ? ch.n_top - 1 : ch.n_top; /* last state an arrival joins */

    /* Weights: lower block (1 - B) sig_lo, queue state n sig_q v_n. */
    double log_s = (bt.b > 0.0 ? log(bt.b) : -HUGE_VAL) + ch.log_um;
    double sig_lo = 1.0, sig_q = 1.0;
    if (log_s > 0.0)
        sig_lo = exp(-log_s);
    else
        sig_q = exp(log_s);
    double z = sig_lo * bt.one_minus_b + sig_q * ch.v_sum;
    double p_lo = sig_lo * bt.one_minus_b / z;
    double busy_lo = sig_lo * a * bt.one_minus_b_prev * bt.one_minus_b / z;
    double f = sig_q / z;

    double s_wait = 0.0, s_sl = 0.0, s_abt = 0.0, s_gt = 0.0, s_ews = 0.0;
    double s_ewab = 0.0, s_ab = 0.0, s_ew = 0.0, s_lq = 0.0;
    for (long n = 1; n <= ch.n_top; n++)
        s_lq += (double)n * v[n];

    if (m_wait >= 0) {
        size_t len = (size_t)m_wait + 2;
        double *g1 = acd_xmalloc(len * sizeof *g1);
        double *g0 = acd_xmalloc(len * sizeof *g0);
        double *f0 = acd_xmalloc(len * sizeof *f0);
        double pp = 0.0, emt = 1.0, kk = 0.0;
        if (theta > 0.0) {
            kk = cmu / theta;
            pp = -expm1(-theta * t);
            emt = exp(-theta * t);
            struct count_law l1 = {false, kk + 1.0, pp, 0.0, -(cmu + theta) * t};
            struct count_law l0 = {false, kk, pp, 0.0, -cmu * t};
            count_law_tails(&l1, m_wait, NULL, g1);
            count_law_tails(&l0, m_wait + 1, f0, g0);
        } else {
            struct count_law lp = {true, 0.0, 0.0, cmu * t, -cmu * t};
            count_law_tails(&lp, m_wait, f0, g1);
        }
        double h = 0.0, j = 0.0;
        for (long n = 0; n <= m_wait; n++) {
            double n1 = (double)(n + 1);
            double rate = cmu + n1 * theta;
            double ps = cmu / rate;
            h += 1.0 / rate;
            j += n1 / rate;
            double vn = v[n];
            s_wait += vn;
            s_sl += vn * ps * g1[n];
            if (theta > 0.0)
                s_abt += vn * (pp * f0[n] + n1 / (n1 + kk) * g0[n + 1]);
            s_gt += vn * emt * f0[n];
            s_ews += vn * ps * h;
            s_ewab += vn * theta * j / rate;
            s_ab += vn * n1 * theta / rate;
            s_ew += vn * n1 / rate;
        }
        free(g1);
        free(g0);
        free(f0);
    }

    double lq = f * s_lq;
    double busy = busy_lo + c * f * ch.v_sum;
    double p_served = busy / a; /* throughput / lambda, no cancellation */
    double p_block = ch.blocking ? f * v[ch.n_top] : 0.0;
    double p_ab = theta * lq / lam; /* rate balance: lambda P(Ab) = theta Lq */
    double sl = prob(p_lo + f * s_sl);
    ACD_DEBUG_ASSERT(fabs(p_served + p_ab + p_block - 1.0) < 1e-9);

    r->offered_load = a;
    r->service_level = sl;
    r->service_level_answered = p_served > 0.0 ? prob(sl / p_served) : 0.0;
    r->answered_rate = prob(p_served);
    r->abandon_rate = prob(p_ab);
    r->blocked_rate = p_block;
    r->p_wait = prob(f * s_wait);
    r->asa_s = p_served > 0.0 ? f * s_ews / p_served : 0.0;
    r->mean_wait_s = lq / lam; /* Little: blocked calls count as 0 */
    r->mean_queue_len = lq;
    r->occupancy = prob(busy / c);
    r->busy_agents = busy;
    r->p_abandon_within_t = f * s_abt;
    r->p_wait_gt_t = f * s_gt;
    r->mean_wait_given_wait_s = s_wait > 0.0 ? s_ew / s_wait : 0.0;
    r->mean_wait_abandoned_s = theta > 0.0 && s_ab > 0.0 ? s_ewab / s_ab : (double)NAN;
    r->mean_in_system = lq + busy;
    r->throughput_per_s = lam * p_served;
    free(ch.v);
    return 0;
}

/* ---------------------------------------------------------------------------
 * Public entry points
 */

static int
check_params(const struct acd_erlang_params *p, bool need_agents, char *err, size_t errlen)
{
    if (p->model != ACD_ERLANG_B && p->model != ACD_ERLANG_C && p->model != ACD_ERLANG_A)
        return fail(err, errlen, "model: expected Erlang B, C or A");
    if (!(isfinite(p->rate_per_s) && p->rate_per_s > 0.0))
        return fail(err, errlen, "--rate: must be a positive number of calls per second (got %g)",
                    p->rate_per_s);
    if (!(isfinite(p->aht_s) && p->aht_s > 0.0))
        return fail(err, errlen, "--aht: must be a positive duration (got %g s)", p->aht_s);
    if (p->model == ACD_ERLANG_A && !(isfinite(p->patience_s) && p->patience_s > 0.0))
        return fail(err, errlen, "--patience: must be a positive duration (got %g s)",
                    p->patience_s);
    if (need_agents && p->agents < 1)
        return fail(err, errlen, "--agents: must be at least 1");
    if (need_agents && p->agents > ACD_ERLANG_MAX_AGENTS)
        return fail(err, errlen, "--agents: at most %u (got %u)", ACD_ERLANG_MAX_AGENTS, p->agents);
    if (p->model != ACD_ERLANG_B && p->queue_capacity < -1)
        return fail(err, errlen, "--queue-capacity: must be -1 (unlimited) or >= 0 (got %ld)",
                    p->queue_capacity);
    if (!(isfinite(p->sl_threshold_s) && p->sl_threshold_s >= 0.0))
        return fail(err, errlen, "--sl-threshold: must be a duration >= 0 (got %g s)",
                    p->sl_threshold_s);
    if (!isfinite(p->rate_per_s * p->aht_s))
        return fail(err, errlen, "--rate, --aht: the offered load is not a finite number");
    return 0;
}

int
acd_erlang_check(const struct acd_erlang_params *p, char *err, size_t errlen)
{
    return check_params(p, true, err, errlen);
}

/* acd_erlang_eval, but telling ACD_ERLANG_TOO_BIG apart from -1. */
static int
eval_any(const struct acd_erlang_params *p, struct acd_erlang_result *r, char *err, size_t errlen)
{
    if (check_params(p, true, err, errlen) < 0)
        return -1;
    switch (p->model) {
    case ACD_ERLANG_B:
        eval_b(p, r);
        return 0;
    case ACD_ERLANG_C:
        if (p->queue_capacity >= 0)
            return eval_chain(p, 0.0, r, err, errlen);
        if (p->rate_per_s * p->aht_s >= (double)p->agents)
            return fail(err, errlen,
                        "Erlang C is unstable: the offered load of %.6g Erlangs needs more "
                        "than %u agents; add agents, give --queue-capacity, or use Erlang A "
                        "with --patience",
                        p->rate_per_s * p->aht_s, p->agents);
        eval_c(p, r);
        return 0;
    case ACD_ERLANG_A:
        return eval_chain(p, 1.0 / p->patience_s, r, err, errlen);
    }
    return fail(err, errlen, "model: expected Erlang B, C or A");
}

int
acd_erlang_eval(const struct acd_erlang_params *p, struct acd_erlang_result *r, char *err,
                size_t errlen)
{
    return eval_any(p, r, err, errlen) < 0 ? -1 : 0;
}

bool
acd_erlang_meets_targets(const struct acd_erlang_result *r, const struct acd_erlang_targets *t)
{
    if (!isnan(t->service_level)) {
        double sl = t->sl_over_answered ? r->service_level_answered : r->service_level;
        if (!(sl >= t->service_level))
            return false;
    }
    if (!isnan(t->max_abandon) && r->abandon_rate > t->max_abandon)
        return false;
    if (!isnan(t->max_asa_s) && r->asa_s > t->max_asa_s)
        return false;
    if (!isnan(t->max_occupancy) && r->occupancy > t->max_occupancy)
        return false;
    if (!isnan(t->max_blocked) && r->blocked_rate > t->max_blocked)
        return false;
    return true;
}

/* A staff lo that surely fails every target set (0 at least: nobody answers
 * without agents). Answered calls are at most c/a of those offered (busy
 * agents <= c), so c <= a * target service level fails, and without
 * blocking c <= a (1 - max abandon) fails too; Erlang C needs c > a. This
 * keeps the search away from small c, where overload makes the queue
 * enormous, and saves probes. */
static int
lower_bound(const struct acd_erlang_params *p, const struct acd_erlang_targets *t, unsigned *lo,
            char *err, size_t errlen)
{
    double a = p->rate_per_s * p->aht_s;
    double frac = 0.0;
    if (!isnan(t->service_level) && !t->sl_over_answered)
        frac = t->service_level * (1.0 - 1e-9); /* margin for rounding in the figures */
    if (p->model == ACD_ERLANG_A && p->queue_capacity < 0 && !isnan(t->max_abandon))
        frac = fmax(frac, (1.0 - t->max_abandon) * (1.0 - 1e-9));
    double bound = floor(a * frac);
    if (p->model == ACD_ERLANG_C && p->queue_capacity < 0)
        bound = fmax(bound, floor(a));
    if (bound >= (double)ACD_ERLANG_MAX_AGENTS)
        return fail(err, errlen,
                    "no number of agents up to %u meets the targets (offered load %.6g Erlangs)",
                    ACD_ERLANG_MAX_AGENTS, a);
    *lo = (unsigned)bound;
    return 0;
}

/* Evaluate at c agents; *ok says whether every target is met. */
static int
try_agents(struct acd_erlang_params *q, unsigned c, const struct acd_erlang_targets *t, bool *ok,
           char *err, size_t errlen)
{
    struct acd_erlang_result r;
    q->agents = c;
    int rc = eval_any(q, &r, err, errlen);
    if (rc == ACD_ERLANG_TOO_BIG && (double)c < q->rate_per_s * q->aht_s) {
        /* Millions waiting under overload: every target fails there, and
         * the search must not stop at such a probe. */
        *ok = false;
        return 0;
    }
    if (rc < 0)
        return -1;
    *ok = acd_erlang_meets_targets(&r, t);
    return 0;
}

int
acd_erlang_min_agents(const struct acd_erlang_params *p, const struct acd_erlang_targets *t,
                      unsigned *agents, char *err, size_t errlen)
{
    if (check_params(p, false, err, errlen) < 0)
        return -1;
    if (isnan(t->service_level) && isnan(t->max_abandon) && isnan(t->max_asa_s) &&
        isnan(t->max_occupancy) && isnan(t->max_blocked))
        return fail(err, errlen,
                    "no staffing target given (--target-sl, --max-abandon, --max-asa, "
                    "--max-occupancy or --max-blocked)");
    if (!isnan(t->service_level) && !(t->service_level >= 0.0 && t->service_level <= 1.0))
        return fail(err, errlen, "--target-sl: must be between 0 and 1 (got %g)", t->service_level);
    if (!isnan(t->max_abandon) && !(t->max_abandon >= 0.0 && t->max_abandon <= 1.0))
        return fail(err, errlen, "--max-abandon: must be between 0 and 1 (got %g)", t->max_abandon);
    if (!isnan(t->max_asa_s) && !(t->max_asa_s >= 0.0 && isfinite(t->max_asa_s)))
        return fail(err, errlen, "--max-asa: must be a duration >= 0 (got %g s)", t->max_asa_s);
    if (!isnan(t->max_occupancy) && !(t->max_occupancy > 0.0 && t->max_occupancy <= 1.0))
        return fail(err, errlen, "--max-occupancy: must be above 0 and at most 1 (got %g)",
                    t->max_occupancy);
    if (!isnan(t->max_blocked) && !(t->max_blocked >= 0.0 && t->max_blocked <= 1.0))
        return fail(err, errlen, "--max-blocked: must be between 0 and 1 (got %g)", t->max_blocked);

    struct acd_erlang_params q = *p;
    unsigned lo = 0;
    if (lower_bound(p, t, &lo, err, errlen) < 0)
        return -1;

    /* Galloping search for a staff that meets every target, then bisection;
     * all measures are monotone in c, and bisection ends with hi - 1 = lo
     * known to fail, so hi is minimal. */
    unsigned step = 1, hi;
    bool ok;
    for (;;) {
        hi = ACD_ERLANG_MAX_AGENTS - lo < step ? ACD_ERLANG_MAX_AGENTS : lo + step;
        if (try_agents(&q, hi, t, &ok, err, errlen) < 0)
            return -1;
        if (ok)
            break;
        if (hi == ACD_ERLANG_MAX_AGENTS)
            return fail(err, errlen, "no number of agents up to %u meets the targets",
                        ACD_ERLANG_MAX_AGENTS);
        lo = hi;
        step *= 2;
    }
    while (hi - lo > 1) {
        unsigned mid = lo + (hi - lo) / 2;
        if (try_agents(&q, mid, t, &ok, err, errlen) < 0)
            return -1;
        if (ok)
            hi = mid;
        else
            lo = mid;
    }
    *agents = hi;
    return 0;
}

#define FIELD(k)                                                                                   \
    {                                                                                              \
#k, offsetof(struct acd_erlang_result, k)                                                  \
    }
const struct acd_field acd_erlang_fields[] = {
    FIELD(service_level),  FIELD(service_level_answered),
    FIELD(answered_rate),  FIELD(abandon_rate),
    FIELD(blocked_rate),   FIELD(p_wait),
    FIELD(asa_s),          FIELD(mean_wait_s),
    FIELD(mean_queue_len), FIELD(occupancy),
    FIELD(busy_agents),
};
#undef FIELD
const size_t acd_erlang_n_fields = ACD_ARRAY_LEN(acd_erlang_fields);
