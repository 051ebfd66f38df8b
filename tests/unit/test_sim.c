/* Unit tests for the engine through the step API: conservation of calls,
 * determinism, stepping equals running, staffing changes, flat memory, and
 * exact small cases (deterministic arrivals/handle times). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "acdsim/diag.h"
#include "acdsim/run.h"
#include "acdsim/scenario_load.h"
#include "acdsim/sim.h"
#include "approx.h"
#include "state.h"
#include "verify_fails.h"
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The invariants build (meson -Dinvariants=true) checks the whole state
 * after every event: the longest run here is shorter there, to stay within
 * the test's time limit. */
#ifdef ACD_INVARIANTS
#define MEMORY_FLAT_S 5000.0
#else
#define MEMORY_FLAT_S 50000.0
#endif

/* A one-queue scenario built in memory (the parser has its own tests). */
struct fixture {
    struct acd_scenario sc;
    struct acd_call_type ct[2];
    struct acd_agent_group g[2];
    size_t skills0[2], skills1[1];
};

static void
fixture_init(struct fixture *f, double rate, double aht, double patience, unsigned agents,
             double duration, double warmup)
{
    memset(f, 0, sizeof(*f));
    f->ct[0].name = "calls";
    f->ct[0].rate_per_s = rate;
    acd_dist_exponential(&f->ct[0].handle, aht);
    if (patience > 0) {
        f->ct[0].has_patience = true;
        acd_dist_exponential(&f->ct[0].patience, patience);
    }
    f->skills0[0] = 0;
    f->g[0] = (struct acd_agent_group){
        .name = "agents", .n_skills = 1, .skills = f->skills0, .agents = agents};
    f->sc = (struct acd_scenario){
        .name = "test",
        .seed = 2385,
        .replications = 4,
        .horizon = ACD_HORIZON_STEADY,
        .duration_s = duration,
        .warmup_s = warmup,
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
}

/* Issue 11 row 3: 1,000 calls/s on 8 agents, nobody hangs up, no queue
 * limit. The overload guard stops the replication once the calls in the
 * system pass the limit, names the queue, and nothing more runs; acd_run
 * returns NULL with the same report. */
static void
test_overload_guard(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, 1000, 240, 0, 8, 86400, 0);
    struct acd_sim *s = acd_sim_new(&f.sc, 1, 0);
    acd_sim_set_max_calls(s, 2000);
    acd_sim_run(s);
    struct acd_overload o;
    assert_true(acd_sim_is_done(s));
    assert_true(acd_sim_overload(s, &o));
    assert_int_equal(o.type, 0);
    assert_int_equal(o.tier, 1);
    assert_int_equal(o.limit, 2000);
    assert_int_equal(o.calls, 2001);
    assert_true(o.waiting >= 2001 - 8 && o.waiting <= 2001);
    assert_true(o.t_s > 1 && o.t_s < 3); /* ~2,000 arrivals at 1,000/s */
    double t = acd_sim_now(s);
    assert_false(acd_sim_step(s));
    assert_false(acd_sim_run_until(s, 1e6));
    assert_true(acd_sim_now(s) == t);
    acd_sim_free(s);

    struct acd_overload ro = {0};
    struct acd_run_opts opts = {.replications = 3, .threads = 2, .max_calls = 500, .overload = &ro};
    assert_null(acd_run(&f.sc, &opts));
    assert_int_equal(ro.limit, 500);
    assert_int_equal(ro.calls, 501);

    /* Under the limit: the same scenario, short, runs to the end. */
    fixture_init(&f, 1000, 240, 0, 8, 1, 0);
    s = acd_sim_new(&f.sc, 1, 0);
    acd_sim_set_max_calls(s, 5000);
    acd_sim_run(s);
    assert_false(acd_sim_overload(s, NULL));
    acd_sim_free(s);
}

static void
test_conservation(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, 0.5, 60, 45, 28, 20000, 1000);
    f.sc.queue_capacity = 5;
    struct acd_sim *s = acd_sim_new(&f.sc, 1, 0);
    acd_sim_run(s);
    assert_true(acd_sim_is_done(s));
    const struct acd_rep_stats *st = acd_sim_stats(s);
    const struct acd_counts *c = &st->type_counts[0];
    assert_true(c->offered > 8000);
    /* Every counted call ended one way: answered, abandoned or blocked. */
    assert_true(c->answered + c->abandoned + c->blocked == c->offered);
    assert_true(c->waited <= c->offered - c->blocked);
    assert_true(c->answered_within_t <= c->answered);
    assert_true(c->abandoned_within_t <= c->abandoned);
    assert_true(c->blocked > 0 && c->abandoned > 0);
    /* The measuring window is [warm-up, horizon). */
    assert_true(c->window_s == 19000);
    const struct acd_counts *g = &st->group_counts[0];
    assert_true(g->answered == c->answered);
    assert_approx(g->staffed_agent_s, 28 * 19000.0, 1e-12, 0);
    assert_true(g->busy_agent_s <= g->staffed_agent_s);
    /* Nothing left in the system. */
    struct acd_snapshot *snap = acd_snapshot_new(&f.sc);
    acd_sim_snapshot(s, snap);
    assert_int_equal(snap->types[0].waiting, 0);
    assert_int_equal(snap->groups[0].busy, 0);
    acd_snapshot_free(snap);
    acd_sim_free(s);
}

static void
test_determinism_and_stepping(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, 0.3, 100, 120, 31, 50000, 2000);
    struct acd_sim *a = acd_sim_new(&f.sc, 77, 3);
    acd_sim_run(a);
    /* Same seed and replication, advanced in uneven steps. */
    struct acd_sim *b = acd_sim_new(&f.sc, 77, 3);
    double t = 0;
    while (acd_sim_run_until(b, t))
        t += 17.3;
    const struct acd_rep_stats *sa = acd_sim_stats(a), *sb = acd_sim_stats(b);
    assert_memory_equal(sa->type_counts, sb->type_counts, sizeof(struct acd_counts));
    assert_memory_equal(sa->group_counts, sb->group_counts, sizeof(struct acd_counts));
    assert_memory_equal(sa->type_hists, sb->type_hists, sizeof(struct acd_hist));
    assert_int_equal(sa->events, sb->events);
    /* Another replication differs. */
    struct acd_sim *c = acd_sim_new(&f.sc, 77, 4);
    acd_sim_run(c);
    assert_true(acd_sim_stats(c)->type_counts[0].offered != sa->type_counts[0].offered);
    acd_sim_free(a);
    acd_sim_free(b);
    acd_sim_free(c);
}

/* A shipped scenario (tests run in tests/), loaded without a diagnostic. */
static struct acd_scenario *
load_shipped(const char *path)
{
    struct acd_diags diags;
    acd_diags_init(&diags);
    struct acd_scenario *sc = NULL;
    assert_int_equal(acd_scenario_load_file(path, &sc, &diags), 0);
    acd_diags_fini(&diags);
    return sc;
}

/* ACD_SIM_NO_HISTS (the staffing search's days): no histograms and no
 * calls-waiting series, and every count as with them. */
static void
assert_no_hists_same(const struct acd_scenario *sc, unsigned rep)
{
    struct acd_sim *a = acd_sim_new(sc, sc->seed, rep);
    struct acd_sim *b = acd_sim_new_flags(sc, sc->seed, rep, ACD_SIM_NO_HISTS);
    acd_sim_run(a);
    acd_sim_run(b);
    const struct acd_rep_stats *sa = acd_sim_stats(a), *sb = acd_sim_stats(b);
    assert_non_null(sa->type_hists);
    assert_null(sb->type_hists);
    assert_null(sb->abandon_hists);
    assert_int_equal(sa->n_bins, sb->n_bins);
    size_t nb = sa->n_bins + 1;
    assert_memory_equal(sa->type_counts, sb->type_counts,
                        nb * sa->n_types * sizeof(struct acd_counts));
    assert_memory_equal(sa->group_counts, sb->group_counts,
                        nb * sa->n_groups * sizeof(struct acd_counts));
    /* No calls-waiting series: samples stay 0 and their events are not
     * dispatched (one per sample point); nothing else moves. */
    assert_int_equal(sa->n_samples, sb->n_samples);
    for (size_t i = 0; i < sb->n_samples; i++)
        assert_true(sb->samples[i] == 0);
    assert_int_equal(sa->events, sb->events + sa->n_samples);
    assert_int_equal(sa->calls, sb->calls);
    assert_memory_equal(&sa->drain_s, &sb->drain_s, sizeof(double));
    acd_sim_free(a);
    acd_sim_free(b);
}

static void
test_no_hists(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, 0.3, 100, 120, 31, 20000, 2000);
    assert_no_hists_same(&f.sc, 0);
    /* The shipped scenarios (tests run in tests/). */
    const char *files[] = {"../scenarios/helpdesk.yaml", "../scenarios/utility_day.yaml",
                           "../scenarios/outage_surge.yaml", "../scenarios/training.yaml"};
    for (size_t i = 0; i < ACD_ARRAY_LEN(files); i++) {
        struct acd_scenario *sc = load_shipped(files[i]);
        assert_no_hists_same(sc, 1);
        acd_scenario_free(sc);
    }
}

static void
test_staffed_time_exact(void **state)
{
    (void)state;
    /* No arrivals, staffing changed between steps: the staffed-time
     * integral over the window [100, 1000) is exact. */
    struct fixture f;
    fixture_init(&f, 0, 10, 0, 3, 1000, 100);
    struct acd_sim *s = acd_sim_new(&f.sc, 1, 0);
    acd_sim_run_until(s, 400);
    acd_sim_set_agents(s, 0, 5);
    acd_sim_run_until(s, 700);
    acd_sim_set_agents(s, 0, 1);
    acd_sim_run(s);
    const struct acd_counts *g = &acd_sim_stats(s)->group_counts[0];
    /* [100,400) 3 agents, [400,700) 5, [700,1000) 1. */
    assert_approx(g->staffed_agent_s, 300 * 3 + 300 * 5 + 300 * 1.0, 1e-12, 0);
    assert_true(g->busy_agent_s == 0);
    acd_sim_free(s);
}

static void
test_staffing_change_mid_run(void **state)
{
    (void)state;
    /* Overloaded with 5 agents, then 40 agents log on: the queue empties. */
    struct fixture f;
    fixture_init(&f, 0.5, 60, 0, 5, 4000, 0);
    struct acd_sim *s = acd_sim_new(&f.sc, 9, 0);
    acd_sim_run_until(s, 1000);
    struct acd_snapshot *snap = acd_snapshot_new(&f.sc);
    acd_sim_snapshot(s, snap);
    assert_true(snap->types[0].waiting > 50);
    assert_true(snap->groups[0].busy == 5 && snap->groups[0].idle == 0);
    assert_true(snap->types[0].oldest_wait_s > 100);
    unsigned before = snap->types[0].waiting;
    acd_sim_set_agents(s, 0, 45);
    acd_sim_snapshot(s, snap);
    assert_int_equal(snap->groups[0].staffed, 45);
    /* The 40 new agents each took a waiting call at once. */
    assert_int_equal(snap->types[0].waiting, before - 40);
    assert_int_equal(snap->groups[0].busy, 45);
    acd_sim_run_until(s, 2000);
    /* Remove agents: busy ones finish their call first. */
    acd_sim_set_agents(s, 0, 2);
    acd_sim_snapshot(s, snap);
    assert_true(snap->groups[0].idle == 0);
    assert_true(snap->groups[0].staffed >= 2);
    acd_sim_run_until(s, 3000);
    acd_sim_snapshot(s, snap);
    assert_int_equal(snap->groups[0].staffed, 2);
    /* Rate change: stop arrivals; the run drains. */
    acd_sim_set_rate(s, 0, 0);
    acd_sim_run(s);
    const struct acd_counts *c = &acd_sim_stats(s)->type_counts[0];
    assert_true(c->answered == c->offered);
    acd_snapshot_free(snap);
    acd_sim_free(s);
}

static void
test_memory_flat(void **state)
{
    (void)state;
    /* Pools reach their high-water mark and stay there: 10x the horizon
     * does not grow them. */
    struct fixture f;
    fixture_init(&f, 2, 50, 120, 105, MEMORY_FLAT_S, 0);
    struct acd_sim *s = acd_sim_new(&f.sc, 1, 0);
    acd_sim_run(s);
    size_t calls_cap = s->calls_cap, ev_cap = s->evq.cap;
    acd_sim_free(s);
    f.sc.duration_s = 10 * MEMORY_FLAT_S;
    s = acd_sim_new(&f.sc, 1, 0);
    acd_sim_run(s);
    assert_true(s->calls_cap <= 2 * calls_cap);
    assert_true(s->evq.cap <= 2 * ev_cap);
    assert_true(s->calls_cap <= 4096);
    acd_sim_free(s);
}

/* Bit-for-bit equality of two estimates (NAN equals NAN). */
static bool
same_est(struct acd_estimate x, struct acd_estimate y)
{
    return memcmp(&x.mean, &y.mean, sizeof(double)) == 0 &&
           memcmp(&x.ci95, &y.ci95, sizeof(double)) == 0 && x.n == y.n;
}

static bool
same_scope(const struct acd_scope_result *a, const struct acd_scope_result *b)
{
    for (size_t m = 0; m < ACD_METRIC_COUNT; m++)
        if (!same_est(a->metric[m], b->metric[m]))
            return false;
    for (size_t t = 0; t < ACD_TOTAL_COUNT; t++)
        if (!same_est(a->total[t], b->total[t]))
            return false;
    return true;
}

static void
test_run_threads_identical(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, 0.4, 80, 90, 33, 20000, 1000);
    struct acd_run_opts o1 = {.replications = 6, .threads = 1};
    struct acd_run_opts o3 = {.replications = 6, .threads = 3};
    struct acd_results *a = acd_run(&f.sc, &o1), *b = acd_run(&f.sc, &o3);
    assert_true(same_scope(&a->summary, &b->summary));
    assert_true(same_scope(&a->types[0], &b->types[0]));
    assert_true(same_scope(&a->groups[0], &b->groups[0]));
    assert_int_equal(a->summary.metric[ACD_M_SERVICE_LEVEL].n, 6);
    assert_true(a->summary.metric[ACD_M_SERVICE_LEVEL].ci95 > 0);
    /* Group scope has agent metrics only. */
    assert_true(isnan(a->groups[0].metric[ACD_M_SERVICE_LEVEL].mean));
    assert_true(a->groups[0].metric[ACD_M_OCCUPANCY].mean > 0.5);
    acd_results_free(a);
    acd_results_free(b);
}

static void
test_loss_system(void **state)
{
    (void)state;
    /* capacity 0: nobody waits; a busy signal instead (Erlang B). */
    struct fixture f;
    fixture_init(&f, 0.02, 100, 0, 5, 2e6, 1e4);
    f.sc.queue_capacity = 0;
    struct acd_sim *s = acd_sim_new(&f.sc, 5, 0);
    acd_sim_run(s);
    const struct acd_counts *c = &acd_sim_stats(s)->type_counts[0];
    assert_true(c->waited == 0 && c->wait_sum_s == 0);
    /* B(5, 2) = 0.0367; about 40,000 calls: SE ~ 0.001. */
    assert_true(fabs(c->blocked / c->offered - 0.036697) < 5 * 0.00094);
    acd_sim_free(s);
}

/* The live view's contract: snapshots change nothing (same stats bit for
 * bit with a snapshot after every step), they agree with the engine, and
 * interventions hold (offset on top of the plan, factor on the rate). */
static void
test_snapshot_read_only_and_interventions(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, 0.3, 100, 120, 31, 20000, 2000);
    struct acd_sim *a = acd_sim_new(&f.sc, 5, 0);
    acd_sim_run(a);
    struct acd_sim *b = acd_sim_new(&f.sc, 5, 0);
    struct acd_snapshot *snap = acd_snapshot_new(&f.sc);
    double t = 0;
    while (acd_sim_run_until(b, t)) {
        acd_sim_snapshot(b, snap);
        unsigned by_state = 0;
        for (int st = 0; st < ACD_AGENT_STATES; st++)
            by_state += snap->groups[0].by_state[st];
        assert_int_equal(by_state, snap->groups[0].members);
        assert_int_equal(snap->n_agents, snap->groups[0].members);
        assert_true(snap->groups[0].busy_s <= snap->groups[0].staffed_s + 1e-9);
        t += 61.7;
    }
    const struct acd_rep_stats *sa = acd_sim_stats(a), *sb = acd_sim_stats(b);
    assert_memory_equal(sa->type_counts, sb->type_counts, sizeof(struct acd_counts));
    assert_memory_equal(sa->group_counts, sb->group_counts, sizeof(struct acd_counts));
    assert_int_equal(sa->events, sb->events);

    /* Interventions: -5 agents then a factor of 2 on the rate. */
    struct acd_sim *c = acd_sim_new(&f.sc, 5, 0);
    acd_sim_run_before(c, 5000);
    assert_true(acd_sim_now(c) == 5000);
    assert_int_equal(acd_sim_adjust_agents(c, 0, -5), 0);
    assert_int_equal(acd_sim_adjust_agents(c, 1, -5), -1);
    assert_int_equal(acd_sim_set_rate_factor(c, 0, 2), 0);
    assert_int_equal(acd_sim_set_rate_factor(c, 0, -1), -1);
    acd_sim_snapshot(c, snap);
    assert_int_equal(snap->groups[0].target, 26);
    assert_int_equal(snap->groups[0].offset, -5);
    assert_true(snap->types[0].rate_per_s == 0.6);
    acd_sim_run_until(c, 8000);
    acd_sim_snapshot(c, snap);
    assert_int_equal(snap->groups[0].members - snap->groups[0].by_state[ACD_AGENT_OFF], 26);
    assert_true(acd_sim_next_event_s(c) > 8000);
    acd_snapshot_free(snap);
    acd_sim_free(a);
    acd_sim_free(b);
    acd_sim_free(c);
}

/* --- acd_sim_verify ------------------------------------------------------ */

/* Every option of the model at once: tiers with escalation, shifts with
 * breaks and absenteeism, interval staffing, supervisors (assist), wrap-up,
 * retrials, repeat calls, callbacks, balking, queue timeouts (transfer and
 * voicemail), overflow routing, capacity and lines. CLOSE_POLICY is
 * replaced per run. */
static const char every_yaml[] =
    "name: every feature\n"
    "seed: 2385\n"
    "replications: 2\n"
    "horizon: {open: \"08:00\", close: \"12:00\", interval: 30m, close_policy: CLOSE_POLICY}\n"
    "busyness: {cv: 0.1}\n"
    "service_level: {threshold: 20s, target: 0.8}\n"
    "routing: {policy: overflow}\n"
    "queue: {capacity: 25, lines: 40}\n"
    "call_types:\n"
    "  - name: a\n"
    "    arrivals: {per_interval: [40, 60, 80, 90, 70, 60, 50, 40]}\n"
    "    handle_time: {dist: lognormal, mean: 4m, cv: 0.7}\n"
    "    patience: {dist: exponential, mean: 2m}\n"
    "    overflow_delay: 20s\n"
    "    balk: 0.05\n"
    "    queue_timeout: {after: 4m, to: b}\n"
    "    retry:\n"
    "      abandon: {p_first: 0.6, p_later: 0.4, delay: {dist: exponential, mean: 5m}, "
    "max_attempts: 3}\n"
    "      busy: {p_first: 0.8, p_later: 0.5, delay: {dist: exponential, mean: 2m}, "
    "max_attempts: 3}\n"
    "    resolution:\n"
    "      - {tier: 1, resolve: 0.7, escalate: 0.6}\n"
    "      - {tier: 2, resolve: 0.9, handle_time: {dist: exponential, mean: 6m}, priority: 5}\n"
    "    repeat_delay: {dist: exponential, mean: 30m}\n"
    "    callback: {threshold: 1m, accept: 0.4}\n"
    "  - name: b\n"
    "    arrivals: {per_interval: [10, 10, 20, 20, 20, 10, 10, 10]}\n"
    "    handle_time: {dist: exponential, mean: 3m}\n"
    "    patience: {dist: exponential, mean: 3m}\n"
    "    queue_timeout: {after: 3m, to: voicemail}\n"
    "agent_groups:\n"
    "  - name: front\n"
    "    tier: 1\n"
    "    skills: [a, {type: b, level: 2}]\n"
    "    shifts:\n"
    "      - {start: \"08:00\", end: \"12:00\", count: 6, breaks: [{start: \"09:00\", length: "
    "15m}, {start: \"10:30\", length: 15m}]}\n"
    "      - {start: \"08:30\", end: \"11:30\", count: 4, breaks: [{start: \"09:30\", length: "
    "10m}]}\n"
    "    absenteeism: 0.1\n"
    "    wrap_up: {dist: exponential, mean: 30s}\n"
    "  - name: back\n"
    "    tier: 2\n"
    "    skills: [a, b]\n"
    "    agents: [3, 4, 5, 5, 5, 4, 3, 3]\n"
    "    absenteeism: 0.05\n"
    "  - name: supervisors\n"
    "    skills: [a, b]\n"
    "    agents: 2\n"
    "    assist: {queue_len: 5, oldest_wait: 60s}\n";

static struct acd_scenario *
load_every(const char *close_policy)
{
    const char *mark = strstr(every_yaml, "CLOSE_POLICY");
    char *text = acd_xasprintf("%.*s%s%s", (int)(mark - every_yaml), every_yaml, close_policy,
                               mark + strlen("CLOSE_POLICY"));
    struct acd_diags diags;
    acd_diags_init(&diags);
    struct acd_scenario *sc = NULL;
    int rc = acd_scenario_load_string("every.yaml", NULL, text, strlen(text), &sc, &diags);
    free(text);
    if (rc != 0)
        acd_diags_print(&diags, stderr);
    acd_diags_fini(&diags);
    assert_int_equal(rc, 0);
    return sc;
}

/* Step through replication `rep` one event at a time, checking the
 * invariants before the first event, after every event and after each
 * intervention; returns the events executed. The interventions (staffing
 * offsets, a surge) run the intervention paths too. */
static uint64_t
step_verified(const struct acd_scenario *sc, unsigned rep)
{
    struct acd_sim *s = acd_sim_new(sc, sc->seed, rep);
    assert_int_equal(acd_sim_verify(s), 0);
    uint64_t n = 0;
    while (acd_sim_step(s)) {
        assert_int_equal(acd_sim_verify(s), 0);
        if (++n % 1500 == 0) {
            for (size_t g = 0; g < sc->n_groups; g++)
                acd_sim_adjust_agents(s, g, n % 3000 == 0 ? 2 : -1);
            acd_sim_set_rate_factor(s, n / 1500 % sc->n_call_types, n % 3000 == 0 ? 1 : 1.5);
            assert_int_equal(acd_sim_verify(s), 0);
        }
    }
    assert_true(acd_sim_is_done(s));
    assert_int_equal(acd_sim_verify(s), 0);
    assert_int_equal(acd_sim_stats(s)->events, n);
    acd_sim_free(s);
    return n;
}

/* Moves (agent_groups[].moves) on the scenario with every feature: a
 * shift-staffed tier-1 group lends agents to a tier-2 count-staffed one
 * with absenteeism and back, both overlapping, one ending at closing, a
 * move asking for more agents than are on duty; the invariants hold at
 * every step (with the interventions of step_verified), and the snapshot's
 * groups follow the agents. */
static struct acd_scenario *
load_moves(const char *close_policy)
{
    const char *mark = strstr(every_yaml, "CLOSE_POLICY");
    char *text = acd_xasprintf("%.*s%s%s", (int)(mark - every_yaml), every_yaml, close_policy,
                               mark + strlen("CLOSE_POLICY"));
    const char *front = "    absenteeism: 0.1\n", *back = "    absenteeism: 0.05\n";
    char *a = strstr(text, front), *b = strstr(text, back);
    assert_non_null(a);
    assert_non_null(b);
    char *with = acd_xasprintf(
        "%.*s%s    moves:\n      - {to: back, count: 3, start: \"09:00\", end: \"10:00\"}\n"
        "      - {to: supervisors, count: 40, start: \"09:30\", end: \"12:00\"}\n"
        "%.*s%s    moves: [{to: front, count: 2, start: \"08:00\", end: \"11:00\"}]\n%s",
        (int)(a - text), text, front, (int)(b - (a + strlen(front))), a + strlen(front), back,
        b + strlen(back));
    free(text);
    /* The 08:30 shift lends its agents for an hour (shifts[].moves). */
    const char *brk = "length: 10m}]}\n";
    char *at = strstr(with, brk);
    assert_non_null(at);
    text = with;
    with = acd_xasprintf("%.*slength: 10m}], moves: [{to: supervisors, start: \"10:00\", end: "
                         "\"11:00\"}]}\n%s",
                         (int)(at - text), text, at + strlen(brk));
    free(text);
    struct acd_diags diags;
    acd_diags_init(&diags);
    struct acd_scenario *sc = NULL;
    int rc = acd_scenario_load_string("moves.yaml", NULL, with, strlen(with), &sc, &diags);
    free(with);
    if (rc != 0)
        acd_diags_print(&diags, stderr);
    acd_diags_fini(&diags);
    assert_int_equal(rc, 0);
    return sc;
}

static void
test_verify_moves(void **state)
{
    (void)state;
    const char *policies[] = {"drain", "disconnect", "until_empty"};
    for (size_t i = 0; i < ACD_ARRAY_LEN(policies); i++) {
        struct acd_scenario *sc = load_moves(policies[i]);
        assert_int_equal(sc->groups[0].n_moves, 3);
        /* In the order given: its shifts (given first), then its own. */
        assert_int_equal(sc->groups[0].moves[0].shift, 1);
        assert_int_equal(sc->groups[0].moves[0].count, 4);
        assert_true(sc->groups[0].moves[1].shift == SIZE_MAX);
        for (unsigned rep = 0; rep < 3; rep++)
            assert_true(step_verified(sc, rep) > 1000);
        acd_scenario_free(sc);
    }
    /* The snapshot at 09:45: front has lent 3 agents to back and all the
     * others on duty to the supervisors (40 asked for: fewer on duty, the
     * rest missing); back has 2 of its own away in front and front's 3. */
    struct acd_scenario *sc = load_moves("drain");
    struct acd_sim *s = acd_sim_new(sc, sc->seed, 0);
    acd_sim_run_until(s, 9.75 * 3600);
    struct acd_snapshot *snap = acd_snapshot_new(sc);
    acd_sim_snapshot(s, snap);
    const struct acd_snapshot_group *front = &snap->groups[0], *back = &snap->groups[1],
                                    *sup = &snap->groups[2];
    assert_int_equal(front->moved_in, 2);
    assert_int_equal(back->moved_in, 3);
    assert_int_equal(back->moved_out, 2);
    assert_true(sup->moved_in > 3);
    assert_int_equal(front->moved_out, 3 + sup->moved_in);
    /* Every agent of front on duty not moved went: those on duty in it
     * now are back's, or its own finishing the call in hand first. */
    for (uint32_t a = 0; a < s->n_agents; a++)
        if (s->agents[a].group == 0 && s->agents[a].state != ACD_AGENT_OFF)
            assert_true(s->agent_mv[a].state == ACD_MV_AWAY ||
                        s->agent_mv[a].state == ACD_MV_OUT_SOON);
    assert_true(s->moves[2].missing > 0);
    assert_true(acd_sim_stats(s)->moves_missing >= s->moves[2].missing);
    acd_snapshot_free(snap);
    acd_sim_free(s);
    acd_scenario_free(sc);
}

static void
test_verify_every_step(void **state)
{
    (void)state;
    const char *policies[] = {"drain", "disconnect", "until_empty"};
    for (size_t i = 0; i < ACD_ARRAY_LEN(policies); i++) {
        struct acd_scenario *sc = load_every(policies[i]);
        for (unsigned rep = 0; rep < 2; rep++)
            assert_true(step_verified(sc, rep) > 1000);
        acd_scenario_free(sc);
    }
    /* The shipped scenarios (tests run in tests/). */
    const char *files[] = {"../scenarios/helpdesk.yaml", "../scenarios/utility_day.yaml",
                           "../scenarios/outage_surge.yaml", "../scenarios/training.yaml"};
    for (size_t i = 0; i < ACD_ARRAY_LEN(files); i++) {
        struct acd_scenario *sc = load_shipped(files[i]);
        assert_true(step_verified(sc, 0) > 100);
        acd_scenario_free(sc);
    }
    /* The count-staffed steady-state fixture, overloaded. */
    struct fixture f;
    fixture_init(&f, 0.5, 60, 45, 28, 20000, 1000);
    f.sc.queue_capacity = 5;
    assert_true(step_verified(&f.sc, 0) > 10000);
}

/* A multi-day period (`days:`, issue 17): three days with their own
 * hours, retrials, repeat calls landing in the night, callbacks and
 * busyness, under each close policy. The invariants hold after every
 * event (closed between two days included); per day, every offered call
 * ended one way; no call arrives while the center is closed between two
 * days. A one-day period is the single day, count for count. */
static const char days_yaml[] =
    "name: days\n"
    "seed: 21\n"
    "replications: 2\n"
    "horizon: {open: \"08:00\", close: \"11:00\", interval: 30m, close_policy: CLOSE_POLICY}\n"
    "DAYS\n"
    "busyness: {cv: 0.2}\n"
    "call_types:\n"
    "  - name: a\n"
    "    arrivals: {rate: 70/h}\n"
    "    handle_time: {dist: exponential, mean: 4m}\n"
    "    patience: {dist: exponential, mean: 2m}\n"
    "    retry:\n"
    "      abandon: {p_first: 0.6, p_later: 0.4, delay: {dist: exponential, mean: 2h}, "
    "max_attempts: 3}\n"
    "    resolution:\n"
    "      - {tier: 1, resolve: 0.6}\n"
    "    repeat_delay: {dist: exponential, mean: 8h}\n"
    "    callback: {threshold: 1m, accept: 0.5}\n"
    "agent_groups:\n"
    "  - name: g\n"
    "    skills: [a]\n"
    "    agents: 3\n"
    "    moves: [{to: h, count: 1, start: \"09:00\", end: \"10:30\"}]\n"
    "  - name: h\n"
    "    skills: [a]\n"
    "    absenteeism: 0.2\n"
    "    shifts:\n"
    "      - {start: \"08:00\", end: \"11:00\", count: 2, breaks: [{start: \"09:30\", length: "
    "15m}]}\n"
    "      - {start: \"10:00\", end: \"12:00\", count: 1}\n"
    "    moves: [{to: g, count: 1, start: \"10:00\", end: \"10:30\"}]\n";

static struct acd_scenario *
load_days(const char *policy, const char *days)
{
    const char *m1 = strstr(days_yaml, "CLOSE_POLICY"), *m2 = strstr(days_yaml, "DAYS");
    char *text = acd_xasprintf("%.*s%s%.*s%s%s", (int)(m1 - days_yaml), days_yaml, policy,
                               (int)(m2 - (m1 + strlen("CLOSE_POLICY"))),
                               m1 + strlen("CLOSE_POLICY"), days, m2 + strlen("DAYS"));
    struct acd_diags diags;
    acd_diags_init(&diags);
    struct acd_scenario *sc = NULL;
    int rc = acd_scenario_load_string("days.yaml", NULL, text, strlen(text), &sc, &diags);
    free(text);
    if (rc != 0)
        acd_diags_print(&diags, stderr);
    acd_diags_fini(&diags);
    assert_int_equal(rc, 0);
    return sc;
}

static void
test_verify_days(void **state)
{
    (void)state;
    const char *policies[] = {"drain", "disconnect", "until_empty"};
    for (size_t i = 0; i < ACD_ARRAY_LEN(policies); i++) {
        struct acd_scenario *sc =
            load_days(policies[i], "days:\n  - {date: 2026-12-07}\n  - {date: 2026-12-08, open: "
                                   "\"09:00\", close: \"12:00\"}\n  - {date: 2026-12-10}");
        assert_int_equal(sc->n_days, 3);
        assert_int_equal(sc->n_intervals, 18);
        assert_true(sc->days[1].open_s == 86400 + 9 * 3600.0);
        assert_true(sc->days[2].open_s == 3 * 86400 + 8 * 3600.0);
        for (unsigned rep = 0; rep < 2; rep++)
            assert_true(step_verified(sc, rep) > 1000);
        struct acd_sim *s = acd_sim_new(sc, sc->seed, 0);
        /* busyness: one factor per day, each day its own */
        assert_true(s->day_busyness[0] == s->busyness);
        assert_true(s->day_busyness[1] != s->day_busyness[0] &&
                    s->day_busyness[2] != s->day_busyness[1]);
        acd_sim_run(s);
        const struct acd_rep_stats *st = acd_sim_stats(s);
        for (size_t d = 0; d < sc->n_days; d++) {
            struct acd_counts c;
            memset(&c, 0, sizeof(c));
            for (size_t j = 0; j < sc->days[d].n_intervals; j++)
                acd_stats_counts_add(&c, &st->type_counts[sc->days[d].first_interval + j]);
            assert_true(c.offered > 50);
            assert_true(c.answered + c.abandoned + c.blocked + c.balked + c.timed_out +
                            c.callback_requested + c.disconnected ==
                        c.offered);
            if (d > 0)
                assert_true(c.retrials > 0 && c.repeats > 0); /* carried over */
        }
        acd_sim_free(s);
        acd_scenario_free(sc);
    }
    /* One day: the single day's counts, bin for bin. */
    struct acd_scenario *one = load_days("drain", ""),
                        *period = load_days("drain", "days: [{date: 2026-12-07}]");
    struct acd_sim *a = acd_sim_new(one, one->seed, 1), *b = acd_sim_new(period, period->seed, 1);
    assert_true(a->busyness == b->busyness && b->day_busyness[0] == a->busyness);
    acd_sim_run(a);
    acd_sim_run(b);
    const struct acd_rep_stats *sa = acd_sim_stats(a), *sb = acd_sim_stats(b);
    assert_int_equal(sa->n_bins, sb->n_bins);
    assert_int_equal(sa->events, sb->events);
    assert_memory_equal(sa->type_counts, sb->type_counts,
                        (sa->n_bins + 1) * sa->n_types * sizeof(struct acd_counts));
    assert_memory_equal(sa->group_counts, sb->group_counts,
                        (sa->n_bins + 1) * sa->n_groups * sizeof(struct acd_counts));
    acd_sim_free(a);
    acd_sim_free(b);
    acd_scenario_free(one);
    acd_scenario_free(period);
}

/* Transfers (issue 12 §2.4) in every mode, to a call type and to groups,
 * with if_idle, their own patience, wrap-up after a held talk, breaks and
 * log-offs of held agents, escalation of transferred legs, and each close
 * policy (a held agent whose caller is disconnected): the invariants hold
 * after every event. */
static const char transfers_yaml[] =
    "name: transfers\n"
    "seed: 99\n"
    "replications: 2\n"
    "horizon: {open: \"08:00\", close: \"11:00\", interval: 30m, close_policy: CLOSE_POLICY}\n"
    "routing: {policy: ROUTING}\n"
    "call_types:\n"
    "  - name: a\n"
    "    arrivals: {per_interval: [60, 80, 90, 80, 70, 60]}\n"
    "    handle_time: {dist: exponential, mean: 3m}\n"
    "    patience: {dist: exponential, mean: 3m}\n"
    "    transfer:\n"
    "      - {to: mgr, prob: 0.1, mode: warm, patience: {dist: exponential, mean: 5m}}\n"
    "      - {to: b, prob: 0.2, mode: conference, conference: {dist: exponential, mean: 40s}}\n"
    "      - {to: b, prob: 0.1, mode: cold, if_idle: voicemail}\n"
    "      - {to: senior, prob: 0.1, mode: warm, if_idle: disconnect}\n"
    "    resolution:\n"
    "      - {tier: 1, resolve: 0.8, escalate: 0.5}\n"
    "      - {tier: 2, resolve: 1}\n"
    "    repeat_delay: {dist: exponential, mean: 20m}\n"
    "  - name: b\n"
    "    arrivals: {per_interval: [10, 10, 20, 20, 10, 10]}\n"
    "    handle_time: {dist: exponential, mean: 4m}\n"
    "    transfer: {to: a, prob: 0.2, mode: warm}\n"
    "agent_groups:\n"
    "  - name: front\n"
    "    skills: [a]\n"
    "    shifts:\n"
    "      - {start: \"08:00\", end: \"11:00\", count: 7, breaks: [{start: \"09:00\", length: "
    "15m}]}\n"
    "      - {start: \"08:30\", end: \"10:00\", count: 3}\n"
    "    wrap_up: {dist: exponential, mean: 20s}\n"
    "  - name: techs\n"
    "    skills: [b, a]\n"
    "    agents: [3, 3, 4, 4, 3, 3]\n"
    "    answers: [calls, transfers]\n"
    "  - name: mgr\n"
    "    skills: [a]\n"
    "    agents: 1\n"
    "    answers: [transfers]\n"
    "    wrap_up: {dist: exponential, mean: 30s}\n"
    "  - name: senior\n"
    "    tier: 2\n"
    "    skills: [a]\n"
    "    agents: 2\n"
    "    answers: [escalations, transfers]\n";

static struct acd_scenario *
load_transfers(const char *close_policy, const char *routing)
{
    const char *m1 = strstr(transfers_yaml, "CLOSE_POLICY");
    const char *m2 = strstr(transfers_yaml, "ROUTING");
    char *text = acd_xasprintf("%.*s%s%.*s%s%s", (int)(m1 - transfers_yaml), transfers_yaml,
                               close_policy, (int)(m2 - m1 - strlen("CLOSE_POLICY")),
                               m1 + strlen("CLOSE_POLICY"), routing, m2 + strlen("ROUTING"));
    struct acd_diags diags;
    acd_diags_init(&diags);
    struct acd_scenario *sc = NULL;
    int rc = acd_scenario_load_string("transfers.yaml", NULL, text, strlen(text), &sc, &diags);
    free(text);
    if (rc != 0)
        acd_diags_print(&diags, stderr);
    acd_diags_fini(&diags);
    assert_int_equal(rc, 0);
    return sc;
}

static void
test_verify_transfers(void **state)
{
    (void)state;
    const char *policies[] = {"drain", "disconnect", "until_empty"};
    const char *routings[] = {"longest_idle", "random", "overflow"};
    for (size_t i = 0; i < ACD_ARRAY_LEN(policies); i++) {
        struct acd_scenario *sc = load_transfers(policies[i], routings[i]);
        for (unsigned rep = 0; rep < 2; rep++)
            assert_true(step_verified(sc, rep) > 1000);
        acd_scenario_free(sc);
    }
}

static unsigned
agents_on(struct acd_sim *s, struct acd_snapshot *snap, size_t g)
{
    acd_sim_snapshot(s, snap);
    return snap->groups[g].members - snap->groups[g].by_state[ACD_AGENT_OFF];
}

/* Offsets on a shift-staffed group (front: 7 agents from 08:00, 3 more
 * 08:30-10:00): extra agents on top of the shifts, shift agents taken off
 * (never more than are on: the offset is cut), given back; the invariants
 * hold after each. */
static void
test_roster_offset(void **state)
{
    (void)state;
    struct acd_scenario *sc = load_transfers("drain", "longest_idle");
    struct acd_sim *s = acd_sim_new(sc, sc->seed, 0);
    struct acd_snapshot *snap = acd_snapshot_new(sc);
    acd_sim_run_until(s, 8 * 3600 + 600);
    assert_int_equal(agents_on(s, snap, 0), 7);
    assert_int_equal(acd_sim_adjust_agents(s, 0, +2), 0);
    assert_int_equal(agents_on(s, snap, 0), 9);
    assert_int_equal(snap->groups[0].offset, 2);
    assert_int_equal(acd_sim_verify(s), 0);
    /* Both extra agents go, and two of the shift's. */
    assert_int_equal(acd_sim_adjust_agents(s, 0, -4), 0);
    assert_int_equal(acd_sim_verify(s), 0);
    acd_sim_run_until(s, 8 * 3600 + 40 * 60);
    assert_int_equal(agents_on(s, snap, 0), 7 + 3 - 2);
    assert_int_equal(snap->groups[0].offset, -2);
    assert_int_equal(acd_sim_verify(s), 0);
    /* Everybody off: the offset is cut to the 10 the shifts have. */
    assert_int_equal(acd_sim_adjust_agents(s, 0, -100), 0);
    acd_sim_snapshot(s, snap);
    assert_int_equal(snap->groups[0].offset, -10);
    assert_int_equal(acd_sim_verify(s), 0);
    acd_sim_run_until(s, 8 * 3600 + 50 * 60);
    /* Off, or finishing the call in hand (a warm transfer may hold one). */
    for (uint32_t i = 0; i < s->groups[0].n_members; i++) {
        const struct acd_agent *ag = &s->agents[s->groups[0].members[i]];
        assert_true(ag->state == ACD_AGENT_OFF || ag->leaving);
    }
    /* Given back to their shifts: all on again at once. */
    assert_int_equal(acd_sim_adjust_agents(s, 0, +10), 0);
    assert_int_equal(agents_on(s, snap, 0), 10);
    assert_int_equal(acd_sim_verify(s), 0);
    acd_sim_run(s);
    assert_true(acd_sim_is_done(s));
    assert_int_equal(acd_sim_verify(s), 0);
    acd_snapshot_free(snap);
    acd_sim_free(s);
    acd_scenario_free(sc);
}

static void
corrupt_idle_count(struct acd_sim *s)
{
    s->groups[0].n_idle++;
}

static void
corrupt_busy_count(struct acd_sim *s)
{
    s->groups[0].n_busy++;
}

static void
corrupt_waiting_total(struct acd_sim *s)
{
    s->n_waiting++;
}

static void
corrupt_call_free_list(struct acd_sim *s)
{
    s->call_free = ACD_NONE; /* the free legs leak */
}

static void
corrupt_queue_link(struct acd_sim *s)
{
    struct acd_queue *q = &s->queues[0];
    s->calls[q->tail].prev = ACD_NONE;
}

static void
corrupt_abandon_handle(struct acd_sim *s)
{
    s->calls[s->queues[0].head].ev_abandon = ACD_EVQ_NONE;
}

static void
corrupt_event_heap(struct acd_sim *s)
{
    struct acd_evq *q = &s->evq;
    q->heap[0].t = q->heap[q->n - 1].t + 1;
}

static void
test_verify_detects_corruption(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, 0.5, 60, 45, 28, 20000, 1000);
    struct acd_sim *s = acd_sim_new(&f.sc, 1, 0);
    /* A moment with two or more callers waiting, after some have left (so
     * the call pool has free legs). */
    while (acd_sim_step(s) && !(s->queues[0].len >= 2 && s->call_free != ACD_NONE))
        ;
    assert_true(s->queues[0].len >= 2 && s->call_free != ACD_NONE);
    assert_int_equal(acd_sim_verify(s), 0);
    expect_verify_fails(s, corrupt_idle_count, "idle list length = n_idle");
    expect_verify_fails(s, corrupt_busy_count, "talk + wrap-up agents = n_busy");
    expect_verify_fails(s, corrupt_waiting_total, "sum of types' n_waiting = n_waiting");
    expect_verify_fails(s, corrupt_call_free_list, "call pool: free + waiting + in hand = used");
    expect_verify_fails(s, corrupt_queue_link, "queue back links");
    expect_verify_fails(s, corrupt_abandon_handle, "abandon event is its waiting leg's");
    expect_verify_fails(s, corrupt_event_heap, "event heap order");
    /* The parent's copy is untouched. */
    assert_int_equal(acd_sim_verify(s), 0);
    acd_sim_free(s);
}

/* acd_sim_reset: every figure of a replication, bit for bit. */
static void
assert_stats_same(const struct acd_rep_stats *a, const struct acd_rep_stats *b)
{
    assert_int_equal(a->n_bins, b->n_bins);
    assert_int_equal(a->n_types, b->n_types);
    assert_int_equal(a->n_groups, b->n_groups);
    size_t nb = a->n_bins + 1;
    assert_memory_equal(a->type_counts, b->type_counts,
                        nb * a->n_types * sizeof(struct acd_counts));
    assert_memory_equal(a->group_counts, b->group_counts,
                        nb * a->n_groups * sizeof(struct acd_counts));
    assert_true((a->type_hists == NULL) == (b->type_hists == NULL));
    if (a->type_hists) {
        assert_memory_equal(a->type_hists, b->type_hists, a->n_types * sizeof(struct acd_hist));
        assert_memory_equal(a->abandon_hists, b->abandon_hists,
                            a->n_types * sizeof(struct acd_hist));
    }
    assert_int_equal(a->bin_waits.n, b->bin_waits.n);
    if (a->bin_waits.n)
        assert_memory_equal(a->bin_waits.e, b->bin_waits.e, a->bin_waits.n * sizeof(uint64_t));
    assert_int_equal(a->n_samples, b->n_samples);
    if (a->n_samples)
        assert_memory_equal(a->samples, b->samples, a->n_samples * sizeof(double));
    assert_int_equal(a->calls, b->calls);
    assert_int_equal(a->events, b->events);
    assert_memory_equal(&a->drain_s, &b->drain_s, sizeof(double));
    size_t ng = a->n_groups ? a->n_groups : 1;
    assert_memory_equal(a->drain_busy_s, b->drain_busy_s, ng * sizeof(double));
    assert_memory_equal(a->drain_staffed_s, b->drain_staffed_s, ng * sizeof(double));
    assert_memory_equal(&a->moves_missing, &b->moves_missing, sizeof(double));
}

/* Replications reps[0..n) on one sim reset each time, against new sims. */
static void
assert_reset_same(const struct acd_scenario *sc, unsigned flags, const unsigned *reps, size_t n)
{
    struct acd_sim *r = acd_sim_new_flags(sc, sc->seed, 99, flags);
    acd_sim_run(r);
    for (size_t i = 0; i < n; i++) {
        acd_sim_reset(r, sc->seed, reps[i]);
        struct acd_sim *f = acd_sim_new_flags(sc, sc->seed, reps[i], flags);
        /* Midway too: the intervals not started yet are zero (a reset sim
         * clears them as they start), in the stats and the snapshot. */
        double mid =
            sc->horizon == ACD_HORIZON_DAY ? (sc->open_s + sc->close_s) / 2 : sc->duration_s / 2;
        acd_sim_run_until(r, mid);
        acd_sim_run_until(f, mid);
        struct acd_snapshot *a = acd_snapshot_new(sc), *b = acd_snapshot_new(sc);
        acd_sim_snapshot(r, a);
        acd_sim_snapshot(f, b);
        for (size_t k = 0; k < sc->n_call_types; k++)
            assert_memory_equal(&a->types[k].day, &b->types[k].day, sizeof(a->types[k].day));
        if (a->n_bins)
            assert_memory_equal(a->bin_offered, b->bin_offered, a->n_bins * sizeof(double));
        for (size_t g = 0; g < sc->n_groups; g++)
            assert_memory_equal(&a->groups[g].busy_s, &b->groups[g].busy_s, sizeof(double));
        acd_snapshot_free(a);
        acd_snapshot_free(b);
        assert_stats_same(acd_sim_stats(r), acd_sim_stats(f));
        acd_sim_run(r);
        acd_sim_run(f);
        assert_stats_same(acd_sim_stats(r), acd_sim_stats(f));
        acd_sim_free(f);
    }
    acd_sim_free(r);
}

static void
test_reset(void **state)
{
    (void)state;
    static const unsigned reps[] = {3, 0, 3, 1};
    struct fixture f;
    fixture_init(&f, 0.3, 100, 120, 31, 20000, 2000);
    assert_reset_same(&f.sc, 0, reps, ACD_ARRAY_LEN(reps));
    assert_reset_same(&f.sc, ACD_SIM_NO_HISTS, reps, 2);
    /* A replication that grew the pools (a surge: 20x the calls, 60 more
     * agents), then ordinary ones on the same sim. */
    struct acd_sim *r = acd_sim_new(&f.sc, 5, 0);
    size_t calls_cap = r->calls_cap, agents_cap = r->agents_cap, evq_cap = r->evq.cap;
    acd_sim_run_until(r, 5000);
    acd_sim_adjust_agents(r, 0, 60);
    acd_sim_set_rate_factor(r, 0, 20);
    acd_sim_run_until(r, 8000);
    acd_sim_adjust_agents(r, 0, -60);
    acd_sim_run(r);
    assert_true(r->calls_cap > calls_cap);
    assert_true(r->agents_cap > agents_cap);
    assert_true(r->evq.cap > evq_cap);
    for (unsigned rep = 0; rep < 3; rep++) {
        acd_sim_reset(r, 5, rep);
        acd_sim_run(r);
        struct acd_sim *n = acd_sim_new(&f.sc, 5, rep);
        acd_sim_run(n);
        assert_stats_same(acd_sim_stats(r), acd_sim_stats(n));
        acd_sim_free(n);
    }
    acd_sim_free(r);
    /* Every feature (tiers, shifts, breaks, absenteeism, retrials, moves,
     * transfers...) and the shipped scenarios (tests run in tests/). */
    const char *policies[] = {"drain", "disconnect"};
    for (size_t i = 0; i < ACD_ARRAY_LEN(policies); i++) {
        struct acd_scenario *sc = load_every(policies[i]);
        assert_reset_same(sc, 0, reps, 2);
        acd_scenario_free(sc);
        sc = load_moves(policies[i]);
        assert_reset_same(sc, 0, reps, 2);
        acd_scenario_free(sc);
        sc = load_transfers(policies[i], i ? "random" : "longest_idle");
        assert_reset_same(sc, 0, reps, 2);
        acd_scenario_free(sc);
    }
    const char *files[] = {"../scenarios/helpdesk.yaml", "../scenarios/utility_day.yaml",
                           "../scenarios/outage_surge.yaml", "../scenarios/training.yaml",
                           "../scenarios/utility.yaml"};
    for (size_t i = 0; i < ACD_ARRAY_LEN(files); i++) {
        struct acd_scenario *sc = load_shipped(files[i]);
        assert_reset_same(sc, 0, reps, ACD_ARRAY_LEN(reps));
        assert_reset_same(sc, ACD_SIM_NO_HISTS, reps, 2);
        acd_scenario_free(sc);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conservation),
        cmocka_unit_test(test_overload_guard),
        cmocka_unit_test(test_determinism_and_stepping),
        cmocka_unit_test(test_no_hists),
        cmocka_unit_test(test_reset),
        cmocka_unit_test(test_staffed_time_exact),
        cmocka_unit_test(test_staffing_change_mid_run),
        cmocka_unit_test(test_memory_flat),
        cmocka_unit_test(test_run_threads_identical),
        cmocka_unit_test(test_loss_system),
        cmocka_unit_test(test_snapshot_read_only_and_interventions),
        cmocka_unit_test(test_verify_every_step),
        cmocka_unit_test(test_verify_moves),
        cmocka_unit_test(test_verify_transfers),
        cmocka_unit_test(test_verify_days),
        cmocka_unit_test(test_roster_offset),
        cmocka_unit_test(test_verify_detects_corruption),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
