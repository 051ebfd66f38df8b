/* Behavioural tests of the call-center model through the step API and the
 * per-call trace: each mechanism against a checkable expectation. Scenarios
 * are built in memory (the parser has its own tests). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "acdsim/run.h"
#include "acdsim/sim.h"
#include "approx.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TYPES  3
#define MAX_GROUPS 3

struct fixture {
    struct acd_scenario sc;
    struct acd_call_type ct[MAX_TYPES];
    struct acd_agent_group g[MAX_GROUPS];
    size_t skills[MAX_GROUPS][MAX_TYPES];
    struct acd_skill lv[MAX_GROUPS][MAX_TYPES];
    double calls[MAX_TYPES][48];
    struct acd_resolution res[MAX_TYPES][3];
    struct acd_shift shift[MAX_GROUPS];
    struct acd_break brk[MAX_GROUPS];
};

/* One call type, one group; steady state unless day() is called. */
static struct fixture *
fixture_new(double rate, double aht, double patience, unsigned agents, double duration)
{
    struct fixture *f = calloc(1, sizeof(*f));
    f->ct[0].name = "calls";
    f->ct[0].rate_per_s = rate;
    acd_dist_exponential(&f->ct[0].handle, aht);
    if (patience > 0) {
        f->ct[0].has_patience = true;
        acd_dist_exponential(&f->ct[0].patience, patience);
    }
    f->g[0].name = "agents";
    f->g[0].n_skills = 1;
    f->g[0].skills = f->skills[0];
    f->g[0].skill_lv = f->lv[0];
    f->lv[0][0] = (struct acd_skill){0, 1};
    f->g[0].agents = agents;
    f->sc = (struct acd_scenario){
        .name = "model-test",
        .seed = 2385,
        .replications = 4,
        .horizon = ACD_HORIZON_STEADY,
        .duration_s = duration,
        .sl_threshold_s = 20,
        .sl_target = 0.8,
        .max_abandon = NAN,
        .max_asa_s = NAN,
        .max_occupancy = NAN,
        .queue_capacity = ACD_UNLIMITED,
        .queue_lines = ACD_UNLIMITED,
        .routing = "longest_idle",
        .n_call_types = 1,
        .call_types = f->ct,
        .n_groups = 1,
        .groups = f->g,
    };
    return f;
}

/* Add a group serving call type 0 at the given skill level and tier. */
static struct acd_agent_group *
add_group(struct fixture *f, const char *name, unsigned agents, unsigned level, unsigned tier)
{
    size_t i = f->sc.n_groups++;
    struct acd_agent_group *g = &f->g[i];
    g->name = (char *)name;
    g->n_skills = 1;
    g->skills = f->skills[i];
    g->skill_lv = f->lv[i];
    f->lv[i][0] = (struct acd_skill){0, level};
    g->agents = agents;
    g->tier = tier;
    if (tier > f->sc.max_tier)
        f->sc.max_tier = tier;
    return g;
}

/* Turn the fixture into an operating day with constant volume per interval. */
static void
day(struct fixture *f, double open_s, size_t n_intervals, double interval_s, double calls)
{
    f->sc.horizon = ACD_HORIZON_DAY;
    f->sc.open_s = open_s;
    f->sc.interval_s = interval_s;
    f->sc.n_intervals = n_intervals;
    f->sc.close_s = open_s + (double)n_intervals * interval_s;
    for (size_t i = 0; i < n_intervals; i++)
        f->calls[0][i] = calls;
    f->ct[0].calls_per_interval = f->calls[0];
}

/* --- trace capture ------------------------------------------------------ */

struct trace {
    struct acd_trace_rec *v;
    size_t n, cap;
};

static void
on_trace(void *ud, const struct acd_trace_rec *r)
{
    struct trace *t = ud;
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 1024;
        t->v = realloc(t->v, t->cap * sizeof(*t->v));
    }
    t->v[t->n++] = *r;
}

/* Run one replication with a trace; returns its stats (caller frees sim). */
static struct acd_sim *
run_traced(const struct fixture *f, unsigned rep, struct trace *t)
{
    struct acd_sim *s = acd_sim_new(&f->sc, f->sc.seed, rep);
    memset(t, 0, sizeof(*t));
    acd_sim_set_trace(s, on_trace, t);
    acd_sim_run(s);
    return s;
}

/* Sum of a counts field over the reported bins of call type 0. */
static double
sum_field(const struct acd_rep_stats *st, size_t offset)
{
    double s = 0;
    for (size_t b = 0; b < st->n_bins; b++) {
        const char *c = (const char *)&st->type_counts[b * st->n_types];
        double v;
        memcpy(&v, c + offset, sizeof v);
        s += v;
    }
    return s;
}
#define SUM(st, field) sum_field((st), offsetof(struct acd_counts, field))

/* --- reductions to theory ----------------------------------------------- */

static void
test_infinite_server_piecewise(void **state)
{
    (void)state;
    /* M_t/M/inf: 400 agents never all busy. Volumes per 30 min change by
     * interval; the time-average number busy in interval i follows from
     * m(t) = m(t0) e^{-mu (t-t0)} + (lambda/mu)(1 - e^{-mu (t-t0)}). */
    const double aht = 600, mu = 1.0 / aht, iv = 1800;
    const double calls[] = {60, 240, 600, 600, 300, 120, 30, 0};
    struct fixture *f = fixture_new(0, aht, 0, 400, 0);
    day(f, 8 * 3600, 8, iv, 0);
    for (size_t i = 0; i < 8; i++)
        f->calls[0][i] = calls[i];
    f->sc.replications = 100;
    struct acd_run_opts o = {.threads = 2};
    struct acd_results *r = acd_run(&f->sc, &o);
    assert_int_equal(r->n_intervals, 8);
    double m0 = 0;
    for (size_t i = 0; i < 8; i++) {
        double lam = calls[i] / iv, ss = lam / mu, decay = exp(-mu * iv);
        double avg = ss + (m0 - ss) * (1 - decay) / (mu * iv);
        m0 = ss + (m0 - ss) * decay;
        struct acd_estimate e = r->intervals[i].all.metric[ACD_M_BUSY_AGENTS];
        if (fabs(e.mean - avg) > 4 * e.ci95 + 1e-9) {
            print_error("interval %zu: busy %.4f +- %.4f, theory %.4f\n", i, e.mean, e.ci95, avg);
            fail();
        }
        /* Power: the test can see a 10% error (or 0.3 agents in the tail). */
        assert_true(e.ci95 < 0.1 * avg + 0.3);
    }
    acd_results_free(r);
    free(f);
}

static void
test_features_off_equal_plain(void **state)
{
    (void)state;
    /* Every mechanism present but switched off (probabilities 0, resolution
     * 1, routing by skill level with one level): identical replication. */
    struct fixture *a = fixture_new(0.4, 80, 90, 33, 30000);
    struct fixture *b = fixture_new(0.4, 80, 90, 33, 30000);
    b->ct[0].balk_prob = 0;
    b->ct[0].callback_enabled = true;
    b->ct[0].callback_threshold_s = 1e9; /* never predicted */
    b->ct[0].callback_accept_prob = 1;
    b->ct[0].retry_busy = (struct acd_retrial){.enabled = true, .max_attempts = 1};
    acd_dist_exponential(&b->ct[0].retry_busy.delay, 60);
    b->ct[0].n_resolution = 1;
    b->ct[0].resolution = b->res[0];
    b->res[0][0] = (struct acd_resolution){.tier = 1, .p_resolve = 1};
    b->sc.routing = "skill_priority";
    struct acd_sim *sa = acd_sim_new(&a->sc, 7, 1), *sb = acd_sim_new(&b->sc, 7, 1);
    acd_sim_run(sa);
    acd_sim_run(sb);
    const struct acd_rep_stats *x = acd_sim_stats(sa), *y = acd_sim_stats(sb);
    assert_memory_equal(x->type_counts, y->type_counts, sizeof(struct acd_counts));
    assert_memory_equal(x->group_counts, y->group_counts, sizeof(struct acd_counts));
    assert_int_equal(x->events, y->events);
    acd_sim_free(sa);
    acd_sim_free(sb);
    free(a);
    free(b);
}

/* --- conservation ------------------------------------------------------- */

static void
test_conservation_all_mechanisms(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(0, 240, 120, 9, 0);
    day(f, 7 * 3600, 12, 1800, 150);
    struct acd_call_type *ct = &f->ct[0];
    ct->balk_prob = 0.1;
    ct->queue_timeout_s = 150;
    ct->retry_busy =
        (struct acd_retrial){.enabled = true, .p_first = 0.8, .p_later = 0.5, .max_attempts = 3};
    acd_dist_exponential(&ct->retry_busy.delay, 300);
    ct->retry_abandon = ct->retry_busy;
    ct->callback_enabled = true;
    ct->callback_threshold_s = 120;
    ct->callback_accept_prob = 0.3;
    ct->n_resolution = 2;
    ct->resolution = f->res[0];
    f->res[0][0] = (struct acd_resolution){.tier = 1, .p_resolve = 0.7, .p_escalate = 0.5};
    f->res[0][1] = (struct acd_resolution){.tier = 2, .p_resolve = 0.9};
    ct->has_repeat_delay = true;
    acd_dist_exponential(&ct->repeat_delay, 3600);
    add_group(f, "tier2", 3, 1, 2);
    f->sc.queue_lines = 20;
    struct trace t;
    struct acd_sim *s = run_traced(f, 0, &t);
    const struct acd_rep_stats *st = acd_sim_stats(s);
    double offered = SUM(st, offered);
    double sources = SUM(st, fresh) + SUM(st, retrials) + SUM(st, repeats) + SUM(st, callbacks);
    double outcomes = SUM(st, answered) + SUM(st, abandoned) + SUM(st, blocked) + SUM(st, balked) +
                      SUM(st, timed_out) + SUM(st, callback_requested) + SUM(st, disconnected);
    assert_true(offered > 1000);
    assert_true(offered == sources);
    assert_true(offered == outcomes);
    /* Every mechanism happened. */
    assert_true(SUM(st, retrials) > 0 && SUM(st, repeats) > 0 && SUM(st, callbacks) > 0);
    assert_true(SUM(st, balked) > 0 && SUM(st, timed_out) > 0 && SUM(st, escalated) > 0);
    assert_true(SUM(st, blocked) > 0 && SUM(st, abandoned) > 0);
    /* The trace agrees: offered attempts counted in the day. */
    double traced = 0;
    for (size_t i = 0; i < t.n; i++) {
        const struct acd_trace_rec *r = &t.v[i];
        assert_true(r->t_arrive_s <= r->t_end_s && r->t_end_s <= r->t_done_s);
        if (r->counted && r->source != ACD_SRC_ESCALATION && r->source != ACD_SRC_TRANSFER &&
            r->outcome != ACD_OUT_CALLBACK)
            traced++;
        if (r->counted && r->outcome == ACD_OUT_CALLBACK)
            traced++; /* the attempt ended by choosing a callback */
    }
    assert_true(traced == offered);
    /* Issues: contacts per issue > 1, FCR < 1. */
    double issues = SUM(st, issues);
    assert_true(SUM(st, issue_contacts) > issues);
    assert_true(SUM(st, issues_fcr) < SUM(st, issues_resolved));
    free(t.v);
    acd_sim_free(s);
    free(f);
}

/* --- callers ------------------------------------------------------------ */

static void
test_balking_share(void **state)
{
    (void)state;
    /* Overloaded, patient callers: a delayed caller balks with b = 0.3. */
    struct fixture *f = fixture_new(0.5, 60, 0, 25, 200000);
    f->ct[0].balk_prob = 0.3;
    struct acd_sim *s = acd_sim_new(&f->sc, 3, 0);
    acd_sim_run(s);
    const struct acd_counts *c = &acd_sim_stats(s)->type_counts[0];
    double delayed = c->balked + c->waited, p = c->balked / delayed;
    double se = sqrt(0.3 * 0.7 / delayed);
    assert_true(delayed > 10000);
    if (fabs(p - 0.3) > 4 * se) {
        print_error("balked share %.4f of %.0f delayed callers, expected 0.3 +- %.4f\n", p, delayed,
                    4 * se);
        fail();
    }
    acd_sim_free(s);
    free(f);
}

static void
test_queue_timeout_bound(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(0.3, 60, 0, 17, 50000);
    f->ct[0].queue_timeout_s = 90;
    struct trace t;
    struct acd_sim *s = run_traced(f, 0, &t);
    size_t timeouts = 0;
    for (size_t i = 0; i < t.n; i++) {
        double w = t.v[i].t_end_s - t.v[i].t_arrive_s;
        assert_true(w <= 90 + 1e-9);
        if (t.v[i].outcome == ACD_OUT_TIMEOUT) {
            assert_true(fabs(w - 90) < 1e-9);
            timeouts++;
        }
    }
    assert_true(timeouts > 100);
    assert_true(acd_sim_stats(s)->type_counts[0].timed_out == (double)timeouts);
    free(t.v);
    acd_sim_free(s);
    free(f);
}

static void
test_retrial_limits(void **state)
{
    (void)state;
    /* Busy signals, everyone retries: never more than max_attempts. */
    struct fixture *f = fixture_new(0.2, 60, 0, 10, 20000);
    f->sc.queue_lines = 12;
    f->ct[0].retry_busy =
        (struct acd_retrial){.enabled = true, .p_first = 1, .p_later = 1, .max_attempts = 3};
    acd_dist_exponential(&f->ct[0].retry_busy.delay, 30);
    struct trace t;
    struct acd_sim *s = run_traced(f, 0, &t);
    size_t third = 0;
    for (size_t i = 0; i < t.n; i++) {
        assert_true(t.v[i].attempt <= 3);
        assert_true(t.v[i].attempt == 1 ? t.v[i].source == ACD_SRC_FRESH
                                        : t.v[i].source == ACD_SRC_RETRIAL);
        third += t.v[i].attempt == 3;
    }
    assert_true(third > 0);
    free(t.v);
    acd_sim_free(s);
    free(f);
}

static void
test_callbacks_keep_place(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(0.3, 60, 0, 17, 40000);
    f->ct[0].callback_enabled = true;
    f->ct[0].callback_threshold_s = 30;
    f->ct[0].callback_accept_prob = 1;
    struct trace t;
    struct acd_sim *s = run_traced(f, 0, &t);
    const struct acd_counts *c = &acd_sim_stats(s)->type_counts[0];
    assert_true(c->callback_requested > 100);
    /* Every request is dialled back (nobody on hold gives up) and answered
     * at once; requests near the end of the horizon are dialled after it,
     * so count them in the trace rather than in the window. */
    size_t requested = 0, dialled = 0;
    for (size_t i = 0; i < t.n; i++) {
        requested += t.v[i].outcome == ACD_OUT_CALLBACK;
        if (t.v[i].source == ACD_SRC_CALLBACK) {
            dialled++;
            assert_true(t.v[i].t_end_s == t.v[i].t_arrive_s && t.v[i].attempt == 2);
        }
    }
    assert_int_equal(requested, dialled);
    assert_true(c->callbacks <= c->callback_requested);
    free(t.v);
    acd_sim_free(s);
    free(f);
}

/* --- resolution --------------------------------------------------------- */

static void
test_full_resolution_no_repeats(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(0.3, 60, 120, 18, 40000);
    f->ct[0].n_resolution = 1;
    f->ct[0].resolution = f->res[0];
    f->res[0][0] = (struct acd_resolution){.tier = 1, .p_resolve = 1};
    f->ct[0].has_repeat_delay = true;
    acd_dist_exponential(&f->ct[0].repeat_delay, 600);
    struct acd_sim *s = acd_sim_new(&f->sc, 1, 0);
    acd_sim_run(s);
    const struct acd_counts *c = &acd_sim_stats(s)->type_counts[0];
    assert_true(c->repeats == 0);
    assert_true(c->issues_fcr == c->answered && c->issues_resolved == c->answered);
    acd_sim_free(s);
    free(f);
}

static void
test_escalation_rate(void **state)
{
    (void)state;
    /* Tier 1 never resolves, escalates with p = 0.35; tier 2 resolves. */
    const double p = 0.35;
    struct fixture *f = fixture_new(0.2, 60, 0, 16, 100000);
    f->ct[0].n_resolution = 2;
    f->ct[0].resolution = f->res[0];
    f->res[0][0] = (struct acd_resolution){.tier = 1, .p_resolve = 0, .p_escalate = p};
    f->res[0][1] = (struct acd_resolution){.tier = 2, .p_resolve = 1};
    f->ct[0].has_repeat_delay = true;
    acd_dist_exponential(&f->ct[0].repeat_delay, 1e9); /* after the horizon: no repeats */
    add_group(f, "tier2", 8, 1, 2);
    /* Tier-2 agents also take front-line calls: keep them for escalations
     * by making the front line big enough; the rate is per answered call
     * at tier 1 either way. */
    f->g[1].tier = 2;
    struct trace t;
    struct acd_sim *s = run_traced(f, 0, &t);
    const struct acd_counts *c = &acd_sim_stats(s)->type_counts[0];
    /* Escalations out of tier 1 over calls answered by tier 1. */
    double tier1 = 0, esc = 0;
    for (size_t i = 0; i < t.n; i++) {
        const struct acd_trace_rec *r = &t.v[i];
        if (r->outcome == ACD_OUT_ANSWERED && r->group == 0 && r->counted) {
            tier1++;
            esc += r->after == ACD_AFTER_ESCALATED;
        }
    }
    double se = sqrt(p * (1 - p) / tier1);
    assert_true(fabs(esc / tier1 - p) <= 4 * se);
    assert_true(c->escalated >= esc);
    /* Escalated legs wait in the tier-2 queue and only tier 2 answers them;
     * an idle tier-2 agent takes one at once (warm transfer, no wait). */
    size_t at_once = 0, escalated_legs = 0;
    for (size_t i = 0; i < t.n; i++)
        if (t.v[i].source == ACD_SRC_ESCALATION && t.v[i].outcome == ACD_OUT_ANSWERED) {
            assert_int_equal(t.v[i].group, 1);
            escalated_legs++;
            at_once += t.v[i].t_end_s == t.v[i].t_arrive_s;
        }
    assert_true(at_once > escalated_legs / 2);
    free(t.v);
    acd_sim_free(s);
    free(f);
}

/* --- agents ------------------------------------------------------------- */

static void
test_breaks_and_shift_end(void **state)
{
    (void)state;
    /* Everyone works 08:00-12:00 with a break at 10:00 for 15 minutes. */
    struct fixture *f = fixture_new(0, 300, 0, 0, 0);
    day(f, 8 * 3600, 8, 1800, 80);
    f->brk[0] = (struct acd_break){10 * 3600, 900, false};
    f->shift[0] = (struct acd_shift){8 * 3600, 12 * 3600, 12, 1, &f->brk[0], 0};
    f->g[0].n_shifts = 1;
    f->g[0].shifts = &f->shift[0];
    f->sc.close_s = 12 * 3600;
    f->sc.n_intervals = 8;
    struct trace t;
    struct acd_sim *s = run_traced(f, 0, &t);
    size_t finished_late = 0;
    for (size_t i = 0; i < t.n; i++) {
        const struct acd_trace_rec *r = &t.v[i];
        if (r->outcome != ACD_OUT_ANSWERED)
            continue;
        /* Nobody takes a call during the break... */
        assert_false(r->t_end_s > 10 * 3600 + 1e-9 && r->t_end_s < 10 * 3600 + 900 - 1e-9);
        /* ...or after the shift; calls in hand at 12:00 are finished. */
        assert_true(r->t_end_s <= 12 * 3600);
        finished_late += r->t_done_s > 12 * 3600;
    }
    assert_true(finished_late > 0);
    /* Break time was recorded. */
    const struct acd_rep_stats *st = acd_sim_stats(s);
    double brk = 0;
    for (size_t b = 0; b < st->n_bins; b++)
        brk += st->group_counts[b].break_agent_s;
    assert_true(brk >= 12 * 900 * 0.99);
    free(t.v);
    acd_sim_free(s);
    free(f);
}

static void
test_assist_threshold(void **state)
{
    (void)state;
    /* Supervisors take calls only while more than 5 wait. */
    struct fixture *f = fixture_new(0.25, 60, 200, 14, 60000);
    struct acd_agent_group *sup = add_group(f, "supervisors", 3, 1, 1);
    sup->assist_by_len = true;
    sup->assist_queue_len = 5;
    struct trace t;
    struct acd_sim *s = run_traced(f, 0, &t);
    size_t by_sup = 0;
    for (size_t i = 0; i < t.n; i++) {
        const struct acd_trace_rec *r = &t.v[i];
        if (r->outcome != ACD_OUT_ANSWERED || r->group != 1)
            continue;
        by_sup++;
        /* Legs waiting just before this answer, plus this one. */
        size_t waiting = 1;
        for (size_t j = 0; j < t.n; j++) {
            const struct acd_trace_rec *q = &t.v[j];
            if (j != i && q->t_arrive_s < r->t_end_s && q->t_end_s >= r->t_end_s &&
                q->t_end_s > q->t_arrive_s)
                waiting++;
        }
        if (waiting <= 5) {
            print_error("supervisor answered leg %llu arr %.3f at %.3f with %zu waiting\n",
                        (unsigned long long)r->call_id, r->t_arrive_s, r->t_end_s, waiting);
            fail();
        }
    }
    assert_true(by_sup > 0);
    free(t.v);
    acd_sim_free(s);
    free(f);
}

static void
test_overflow_delay(void **state)
{
    (void)state;
    /* Secondary group sees a call only after it waited 30 s. */
    struct fixture *f = fixture_new(0.25, 60, 0, 14, 60000);
    add_group(f, "overflow", 4, 2, 1);
    f->ct[0].overflow_delay_s = 30;
    f->sc.routing = "overflow";
    struct trace t;
    struct acd_sim *s = run_traced(f, 0, &t);
    size_t secondary = 0;
    for (size_t i = 0; i < t.n; i++) {
        const struct acd_trace_rec *r = &t.v[i];
        if (r->outcome == ACD_OUT_ANSWERED && r->group == 1) {
            secondary++;
            assert_true(r->t_end_s - r->t_arrive_s >= 30 - 1e-9);
        }
    }
    assert_true(secondary > 100);
    free(t.v);
    acd_sim_free(s);
    free(f);
}

static void
test_wrap_up_in_occupancy_not_wait(void **state)
{
    (void)state;
    /* Wrap-up 30 s deterministic: busy = talk + wrap; answered waits are
     * unaffected by wrap-up bookkeeping beyond capacity. */
    struct fixture *f = fixture_new(0.1, 120, 0, 30, 100000);
    f->g[0].has_wrap_up = true;
    struct acd_dist_params p = {.have = ACD_DP_MEAN, .mean_s = 30};
    char err[64];
    assert_int_equal(
        acd_dist_setup(&f->g[0].wrap_up, acd_dist_find("deterministic"), &p, err, sizeof(err)), 0);
    struct acd_sim *s = acd_sim_new(&f->sc, 1, 0);
    acd_sim_run(s);
    const struct acd_counts *g = &acd_sim_stats(s)->group_counts[0];
    /* Wrap time = 30 s per answered call in the window (edges aside). */
    double per_call = g->wrap_agent_s / g->answered;
    assert_true(fabs(per_call - 30) < 0.5);
    assert_approx(g->busy_agent_s, g->talk_agent_s + g->wrap_agent_s, 1e-9, 1e-6);
    assert_approx(g->staffed_agent_s, g->idle_agent_s + g->busy_agent_s, 1e-9, 1e-6);
    acd_sim_free(s);
    free(f);
}

static void
test_random_routing_spreads(void **state)
{
    (void)state;
    /* Two equal groups under random routing share the calls about evenly. */
    struct fixture *f = fixture_new(0.1, 60, 0, 5, 100000);
    add_group(f, "second", 5, 1, 1);
    f->sc.routing = "random";
    struct acd_sim *s = acd_sim_new(&f->sc, 1, 0);
    acd_sim_run(s);
    const struct acd_rep_stats *st = acd_sim_stats(s);
    double a = st->group_counts[0].answered, b = st->group_counts[1].answered;
    double se = sqrt((a + b) * 0.25);
    assert_true(fabs(a - b) / 2 < 4 * se);
    acd_sim_free(s);
    free(f);
}

static void
test_busyness_and_absenteeism(void **state)
{
    (void)state;
    /* Day-to-day volume: a gamma multiplier with cv 0.3 makes the number of
     * calls vary far more than Poisson (variance mean + cv^2 mean^2). */
    struct fixture *f = fixture_new(0, 120, 0, 20, 0);
    day(f, 8 * 3600, 10, 1800, 100);
    f->sc.busyness_cv = 0.3;
    f->g[0].absenteeism = 0.5;
    const unsigned n = 200;
    double sum = 0, sum2 = 0, staffed = 0;
    for (unsigned rep = 0; rep < n; rep++) {
        struct acd_sim *s = acd_sim_new(&f->sc, 11, rep);
        acd_sim_run(s);
        const struct acd_rep_stats *st = acd_sim_stats(s);
        double x = SUM(st, offered);
        sum += x;
        sum2 += x * x;
        for (size_t b = 0; b < st->n_bins; b++)
            staffed += st->group_counts[b].staffed_agent_s / (10 * 1800.0);
        acd_sim_free(s);
    }
    double mean = sum / n, var = (sum2 - n * mean * mean) / (n - 1);
    double want = mean + 0.09 * mean * mean; /* about 91,000 vs Poisson 1,000 */
    assert_true(fabs(mean - 1000) < 4 * sqrt(want / n));
    assert_true(var > 0.5 * want && var < 1.5 * want);
    /* Absenteeism 0.5 of 20 scheduled: 10 present on average (sd 2.2). */
    assert_true(fabs(staffed / n - 10) < 4 * sqrt(20 * 0.25 / n));
    free(f);
}

static void
test_close_policies(void **state)
{
    (void)state;
    /* Overloaded at close: disconnect cuts the queue at close; drain serves
     * it; nobody is answered after close when disconnecting. */
    struct fixture *f = fixture_new(0, 300, 0, 4, 0);
    day(f, 8 * 3600, 4, 1800, 40);
    double close = f->sc.close_s;
    struct trace t;
    f->sc.close_policy = ACD_CLOSE_DISCONNECT;
    struct acd_sim *s = run_traced(f, 0, &t);
    size_t cut = 0;
    for (size_t i = 0; i < t.n; i++) {
        if (t.v[i].outcome == ACD_OUT_ANSWERED)
            assert_true(t.v[i].t_end_s <= close);
        if (t.v[i].outcome == ACD_OUT_DISCONNECTED) {
            assert_true(t.v[i].t_end_s == close);
            cut++;
        }
    }
    assert_true(cut > 0 && SUM(acd_sim_stats(s), disconnected) > 0);
    free(t.v);
    acd_sim_free(s);

    f->sc.close_policy = ACD_CLOSE_DRAIN;
    s = run_traced(f, 0, &t);
    size_t after = 0;
    for (size_t i = 0; i < t.n; i++) {
        assert_true(t.v[i].outcome != ACD_OUT_DISCONNECTED);
        after += t.v[i].outcome == ACD_OUT_ANSWERED && t.v[i].t_end_s > close;
    }
    assert_true(after > 0); /* the queue drained after close */
    free(t.v);
    acd_sim_free(s);

    /* Shift agents leaving at close stay until the queue is empty. */
    f->g[0].agents = 0;
    f->shift[0] = (struct acd_shift){8 * 3600, close, 4, 0, NULL, 0};
    f->g[0].n_shifts = 1;
    f->g[0].shifts = &f->shift[0];
    f->sc.close_policy = ACD_CLOSE_UNTIL_EMPTY;
    s = run_traced(f, 0, &t);
    after = 0;
    for (size_t i = 0; i < t.n; i++) {
        assert_true(t.v[i].outcome != ACD_OUT_DISCONNECTED);
        after += t.v[i].outcome == ACD_OUT_ANSWERED && t.v[i].t_end_s > close;
    }
    assert_true(after > 0);
    free(t.v);
    acd_sim_free(s);
    free(f);
}

/* E-mail (channel email) beside calls on the same agents, under every
 * close policy: e-mails are never disconnected nor worked after closing
 * (the backlog stays, counted at close in the e-mail's arrival bin), the
 * run ends, and conservation holds: offered = answered + backlog. An agent
 * never takes an e-mail while a call waits (the trace). */
static void
test_email_backlog_close_policies(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(0, 300, 240, 4, 0);
    day(f, 8 * 3600, 4, 1800, 40); /* calls: overloaded */
    double close = f->sc.close_s;
    f->ct[1] = (struct acd_call_type){.name = "mail", .channel = ACD_CHANNEL_EMAIL};
    acd_dist_exponential(&f->ct[1].handle, 600);
    for (size_t i = 0; i < 4; i++)
        f->calls[1][i] = 10;
    f->ct[1].calls_per_interval = f->calls[1];
    f->ct[1].backlog_count = 20;
    f->ct[1].backlog_since_s = 0;
    f->sc.n_call_types = 2;
    f->g[0].n_skills = 2;
    f->skills[0][1] = 1;
    f->lv[0][1] = (struct acd_skill){1, 1};
    static const enum acd_close_policy policies[] = {ACD_CLOSE_DRAIN, ACD_CLOSE_DISCONNECT,
                                                     ACD_CLOSE_UNTIL_EMPTY};
    for (size_t p = 0; p < 3; p++) {
        f->sc.close_policy = policies[p];
        struct trace t;
        struct acd_sim *s = run_traced(f, 0, &t);
        assert_true(acd_sim_is_done(s));
        assert_int_equal(acd_sim_verify(s), 0);
        const struct acd_rep_stats *st = acd_sim_stats(s);
        struct acd_counts m = {0};
        for (size_t b = 0; b < st->n_bins; b++)
            acd_stats_counts_add(&m, &st->type_counts[b * 2 + 1]);
        assert_true(m.backlog_close > 0);
        assert_true(m.backlog_open == 20);
        assert_true(m.offered == m.answered + m.backlog_close);
        assert_true(m.disconnected == 0 && m.abandoned == 0);
        for (size_t i = 0; i < t.n; i++) {
            const struct acd_trace_rec *r = &t.v[i];
            if (r->type != 1)
                continue;
            assert_true(r->outcome == ACD_OUT_ANSWERED && r->t_end_s <= close);
            for (size_t j = 0; j < t.n; j++) /* no call waited as it was taken */
                assert_false(t.v[j].type == 0 && t.v[j].t_arrive_s < r->t_end_s &&
                             r->t_end_s < t.v[j].t_end_s);
        }
        free(t.v);
        acd_sim_free(s);
    }
    free(f);
}

/* Mean wait of answered fresh legs of call type k in a trace. */
static double
mean_wait(const struct trace *t, size_t k)
{
    double sum = 0, n = 0;
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].type == k && t->v[i].outcome == ACD_OUT_ANSWERED &&
            t->v[i].source == ACD_SRC_FRESH) {
            sum += t->v[i].t_end_s - t->v[i].t_arrive_s;
            n++;
        }
    return sum / n;
}

static void
test_priorities(void **state)
{
    (void)state;
    /* Two call types share one group near saturation. With priority_score
     * the urgent type (priority 10) waits far less than the other; with
     * skill_priority the agents' primary skill does. */
    for (int policy = 0; policy < 2; policy++) {
        struct fixture *f = fixture_new(0.2, 60, 0, 25, 50000);
        f->ct[1] = f->ct[0];
        f->ct[1].name = "other";
        f->sc.n_call_types = 2;
        f->g[0].n_skills = 2;
        f->skills[0][1] = 1;
        f->lv[0][1] = (struct acd_skill){1, 2};
        if (policy == 0) {
            f->sc.routing = "priority_score";
            f->ct[0].priority = 10;
        } else {
            f->sc.routing = "skill_priority";
        }
        struct trace t;
        struct acd_sim *s = run_traced(f, 0, &t);
        double urgent = mean_wait(&t, 0), other = mean_wait(&t, 1);
        if (!(urgent < 0.5 * other)) {
            print_error("policy %d: waits %.2f s (preferred) vs %.2f s\n", policy, urgent, other);
            fail();
        }
        free(t.v);
        acd_sim_free(s);
        free(f);
    }
}

static void
test_timeout_transfer_and_costs(void **state)
{
    (void)state;
    /* Calls waiting 60 s move to a second call type's queue, served by its
     * own group: the same call continues there as a transfer leg. */
    struct fixture *f = fixture_new(0.3, 60, 0, 17, 40000);
    f->ct[1] = f->ct[0];
    f->ct[1].name = "overflow_desk";
    f->ct[1].rate_per_s = 0;
    f->sc.n_call_types = 2;
    f->ct[0].queue_timeout_s = 60;
    f->ct[0].has_timeout_to = true;
    f->ct[0].timeout_to = 1;
    struct acd_agent_group *g = add_group(f, "desk", 3, 1, 1);
    f->skills[1][0] = 1;
    f->lv[1][0] = (struct acd_skill){1, 1};
    g->cost_per_hour = 36;
    f->ct[0].cost_per_abandon = 5;
    struct trace t;
    struct acd_sim *s = run_traced(f, 0, &t);
    size_t timeouts = 0, transfers = 0;
    for (size_t i = 0; i < t.n; i++) {
        const struct acd_trace_rec *r = &t.v[i];
        timeouts += r->outcome == ACD_OUT_TIMEOUT;
        if (r->source == ACD_SRC_TRANSFER) {
            transfers++;
            assert_int_equal(r->type, 1);
            if (r->outcome == ACD_OUT_ANSWERED)
                assert_int_equal(r->group, 1);
        }
    }
    assert_true(timeouts > 50 && transfers == timeouts);
    /* Labor cost: paid hours (staffed + break) at 36 an hour; nobody on
     * the first type's patience-free queue abandons, so no abandon cost. */
    const struct acd_rep_stats *st = acd_sim_stats(s);
    const struct acd_counts *dc = &st->group_counts[1];
    assert_approx(dc->labor_cost, (dc->staffed_agent_s + dc->break_agent_s) / 3600 * 36, 1e-12, 0);
    assert_approx(dc->labor_cost, 3 * 40000 / 3600.0 * 36, 1e-9, 0);
    assert_true(st->type_counts[0].abandon_cost == 0);
    free(t.v);
    acd_sim_free(s);
    free(f);
}

static void
test_series_and_wait_cdf(void **state)
{
    (void)state;
    /* Erlang A: the sampled calls-waiting series averages to the
     * time-average queue length; the answered-wait CDF starts at the share
     * answered at once, rises monotonically and passes the service level at
     * the threshold. */
    struct fixture *f = fixture_new(2, 50, 120, 105, 105000);
    f->sc.warmup_s = 5000;
    f->sc.replications = 10;
    struct acd_run_opts o = {.threads = 2};
    struct acd_results *r = acd_run(&f->sc, &o);
    const struct acd_band *q = &r->queue_len;
    assert_int_equal(q->n, 201);
    assert_true(q->t0_s == 5000 && q->step_s == 500);
    double sum = 0;
    for (size_t i = 0; i < q->n; i++) {
        assert_true(q->p10[i] <= q->mean[i] + 1e-9 && q->mean[i] <= q->p90[i] + 1e-9);
        sum += q->mean[i];
    }
    /* 201 snapshots x 10 replications vs the exact Lq = 3.326 (Erlang A):
     * snapshots are correlated over ~100 s, 500 s apart: nearly independent,
     * sd of one snapshot ~ 5, so the mean of 2,010 has sd ~ 0.12. */
    assert_true(fabs(sum / (double)q->n - 3.326) < 0.6);
    const struct acd_wait_cdf *w = &r->wait_cdf;
    assert_int_equal(w->n, 121);
    for (size_t i = 1; i < w->n; i++) {
        assert_true(w->answered[i] >= w->answered[i - 1] - 1e-12);
        assert_true(w->abandoned[i] >= w->abandoned[i - 1] - 1e-12);
    }
    /* At 20 s: answered within 20 s / answered = service_level_answered. */
    size_t at_t = (size_t)(20 / w->x_s[1] + 0.5);
    assert_approx(w->x_s[at_t], 20, 1e-12, 0);
    struct acd_estimate sla = r->summary.metric[ACD_M_SERVICE_LEVEL_ANSWERED];
    assert_true(fabs(w->answered[at_t] - sla.mean) < 0.002);
    assert_true(w->answered[0] > 0.5 && w->answered[w->n - 1] > 0.999);
    acd_results_free(r);
    free(f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_infinite_server_piecewise),
        cmocka_unit_test(test_features_off_equal_plain),
        cmocka_unit_test(test_conservation_all_mechanisms),
        cmocka_unit_test(test_balking_share),
        cmocka_unit_test(test_queue_timeout_bound),
        cmocka_unit_test(test_retrial_limits),
        cmocka_unit_test(test_callbacks_keep_place),
        cmocka_unit_test(test_full_resolution_no_repeats),
        cmocka_unit_test(test_escalation_rate),
        cmocka_unit_test(test_breaks_and_shift_end),
        cmocka_unit_test(test_assist_threshold),
        cmocka_unit_test(test_overflow_delay),
        cmocka_unit_test(test_wrap_up_in_occupancy_not_wait),
        cmocka_unit_test(test_random_routing_spreads),
        cmocka_unit_test(test_busyness_and_absenteeism),
        cmocka_unit_test(test_close_policies),
        cmocka_unit_test(test_email_backlog_close_policies),
        cmocka_unit_test(test_priorities),
        cmocka_unit_test(test_timeout_transfer_and_costs),
        cmocka_unit_test(test_series_and_wait_cdf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
