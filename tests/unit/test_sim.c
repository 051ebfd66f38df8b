/* Unit tests for the engine through the step API: conservation of calls,
 * determinism, stepping equals running, staffing changes, flat memory, and
 * exact small cases (deterministic arrivals/handle times). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "acdsim/run.h"
#include "acdsim/sim.h"
#include "approx.h"
#include "sim_int.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

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
    assert_memory_equal(sa->hists, sb->hists, sizeof(struct acd_hist));
    assert_int_equal(sa->events, sb->events);
    /* Another replication differs. */
    struct acd_sim *c = acd_sim_new(&f.sc, 77, 4);
    acd_sim_run(c);
    assert_true(acd_sim_stats(c)->type_counts[0].offered != sa->type_counts[0].offered);
    acd_sim_free(a);
    acd_sim_free(b);
    acd_sim_free(c);
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
    fixture_init(&f, 2, 50, 120, 105, 50000, 0);
    struct acd_sim *s = acd_sim_new(&f.sc, 1, 0);
    acd_sim_run(s);
    size_t calls_cap = s->calls_cap, ev_cap = s->evq.cap;
    acd_sim_free(s);
    f.sc.duration_s = 500000;
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

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conservation),
        cmocka_unit_test(test_determinism_and_stepping),
        cmocka_unit_test(test_staffed_time_exact),
        cmocka_unit_test(test_staffing_change_mid_run),
        cmocka_unit_test(test_memory_flat),
        cmocka_unit_test(test_run_threads_identical),
        cmocka_unit_test(test_loss_system),
        cmocka_unit_test(test_snapshot_read_only_and_interventions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
