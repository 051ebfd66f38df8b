/* Unit tests of routing that need the engine's state (state.h): the idle
 * array that makes `random` O(1) (issue 12) keeps its invariant through
 * every event and intervention, acd_sim_verify catches a broken one, and
 * `random` picks each idle agent with equal probability (chi-square over
 * the agents' ranks in the idle list); ordered_fifo breaks ties between
 * equally old legs by the group's listed skills. The behaviour visible in a trace
 * (ordered_fifo, per-call-type selection) is tested in
 * tests/cli/test_routing.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "acdsim/diag.h"
#include "acdsim/scenario_load.h"
#include "acdsim/sim.h"
#include "route.h"
#include "state.h"
#include "verify_fails.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static struct acd_scenario *
load(const char *text)
{
    struct acd_diags diags;
    acd_diags_init(&diags);
    struct acd_scenario *sc = NULL;
    int rc = acd_scenario_load_string("route.yaml", NULL, text, strlen(text), &sc, &diags);
    if (rc != 0)
        acd_diags_print(&diags, stderr);
    acd_diags_fini(&diags);
    assert_int_equal(rc, 0);
    return sc;
}

/* Random routing over three groups (one of them shared by two types), an
 * operating day with shifts, breaks and per-interval staffing, so agents
 * log on, go on break and leave while idle; a second type chooses
 * agents its own way. POLICY and SELECTION are replaced per run. */
static const char day_yaml[] =
    "name: random day\n"
    "seed: 11\n"
    "replications: 1\n"
    "horizon: {open: \"08:00\", close: \"11:00\", interval: 30m}\n"
    "routing: POLICY\n"
    "call_types:\n"
    "  - name: a\n"
    "    arrivals: {per_interval: [60, 90, 120, 90, 60, 30]}\n"
    "    handle_time: {dist: exponential, mean: 3m}\n"
    "    patience: {dist: exponential, mean: 2m}\n"
    "    overflow_delay: 15s\n"
    "    groups: [small, big]\n"
    "  - name: b\n"
    "    arrivals: {per_interval: [20, 30, 40, 30, 20, 10]}\n"
    "    handle_time: {dist: exponential, mean: 4m}\n"
    "    agent_selection: SELECTION\n"
    "agent_groups:\n"
    "  - name: big\n"
    "    skills: [a, b]\n"
    "    shifts:\n"
    "      - {start: \"08:00\", end: \"11:00\", count: 5, breaks: [{start: \"09:00\", length: "
    "15m}]}\n"
    "      - {start: \"08:30\", end: \"10:30\", count: 4}\n"
    "  - name: small\n"
    "    skills: [a]\n"
    "    agents: [2, 3, 4, 4, 3, 2]\n"
    "  - name: only_b\n"
    "    skills: [b, {type: a, level: 2}]\n"
    "    agents: 2\n";

static struct acd_scenario *
load_day(const char *policy, const char *selection)
{
    const char *p = strstr(day_yaml, "POLICY"), *q = strstr(day_yaml, "SELECTION");
    char *text = acd_xasprintf("%.*s%s%.*s%s%s", (int)(p - day_yaml), day_yaml, policy,
                               (int)(q - (p + 6)), p + 6, selection, q + 9);
    struct acd_scenario *sc = load(text);
    free(text);
    return sc;
}

/* Step one replication, verifying the state after every event and after
 * staffing interventions that grow a group well past its first room (the
 * idle array grows with the members). Returns the events executed. */
static uint64_t
step_verified(const struct acd_scenario *sc)
{
    struct acd_sim *s = acd_sim_new(sc, sc->seed, 0);
    assert_int_equal(acd_sim_verify(s), 0);
    uint64_t n = 0;
    while (acd_sim_step(s)) {
        assert_int_equal(acd_sim_verify(s), 0);
        if (++n % 400 == 0) {
            for (size_t g = 0; g < sc->n_groups; g++)
                acd_sim_adjust_agents(s, g, n % 800 == 0 ? -9 : 12);
            assert_int_equal(acd_sim_verify(s), 0);
        }
    }
    assert_true(acd_sim_is_done(s));
    assert_int_equal(acd_sim_verify(s), 0);
    acd_sim_free(s);
    return n;
}

static void
test_idle_array_verified(void **state)
{
    (void)state;
    const char *cases[][2] = {
        {"random", "random"},         {"random", "ordered"},
        {"ordered_fifo", "random"},   {"overflow", "random"},
        {"longest_idle", "random"},   {"ordered_fifo", "ordered"},
        {"skill_priority", "random"}, {"priority_score", "longest_idle"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct acd_scenario *sc = load_day(cases[i][0], cases[i][1]);
        /* `groups: [small, big]` parsed to indices; the queue of a tries
         * small, big, then the unlisted only_b (agent_groups order). */
        assert_int_equal(sc->call_types[0].n_route_groups, 2);
        assert_int_equal(sc->call_types[0].route_groups[0], 1);
        assert_int_equal(sc->call_types[0].route_groups[1], 0);
        assert_null(sc->call_types[0].agent_selection);
        assert_string_equal(sc->call_types[1].agent_selection, cases[i][1]);
        struct acd_sim *s = acd_sim_new(sc, sc->seed, 0);
        const struct acd_queue *qa = &s->queues[acd_state_queue_index(s, 0, 1)];
        assert_int_equal(qa->n_groups, 3);
        assert_int_equal(qa->groups[0], 1);
        assert_int_equal(qa->groups[1], 0);
        assert_int_equal(qa->groups[2], 2);
        assert_int_equal(qa->levels[2], 2);
        /* Groups keep the array exactly when some type drawing at random
         * may reach them: a reaches all three groups, b all but small. */
        bool by_policy = strcmp(cases[i][0], "random") == 0;
        bool random = by_policy || strcmp(cases[i][1], "random") == 0;
        for (size_t g = 0; g < sc->n_groups; g++)
            assert_true((s->groups[g].idle_ix != NULL) ==
                        (strcmp(sc->groups[g].name, "small") == 0 ? by_policy : random));
        acd_sim_free(s);
        assert_true(step_verified(sc) > 1000);
        acd_scenario_free(sc);
    }
}

/* --- acd_sim_verify catches a broken idle array ----------------------- */

static void
corrupt_back_pointer(struct acd_sim *s)
{
    const struct acd_group_rt *g = &s->groups[0];
    s->idle_pos[g->idle_ix[0]] = 1;
}

static void
corrupt_swap_two(struct acd_sim *s)
{
    /* Same set, but entry 0 no longer where its back-pointer says. */
    struct acd_group_rt *g = &s->groups[0];
    uint32_t a = g->idle_ix[0];
    g->idle_ix[0] = g->idle_ix[1];
    g->idle_ix[1] = a;
}

static void
corrupt_stale_entry(struct acd_sim *s)
{
    /* A busy agent of the group in place of an idle one. */
    struct acd_group_rt *g = &s->groups[0];
    for (uint32_t i = 0; i < g->n_members; i++)
        if (s->agents[g->members[i]].state == ACD_AGENT_TALK) {
            uint32_t a = g->members[i];
            g->idle_ix[0] = a;
            s->idle_pos[a] = 0;
            return;
        }
}

static const char busy_yaml[] = "name: random steady\n"
                                "seed: 5\n"
                                "replications: 1\n"
                                "horizon: {duration: 2h, warmup: 0s}\n"
                                "routing: random\n"
                                "call_types:\n"
                                "  - name: calls\n"
                                "    arrivals: {rate: 3/min}\n"
                                "    handle_time: {dist: exponential, mean: 2m}\n"
                                "agent_groups:\n"
                                "  - name: agents\n"
                                "    skills: [calls]\n"
                                "    agents: 12\n";

static void
test_verify_detects_broken_idle_array(void **state)
{
    (void)state;
    struct acd_scenario *sc = load(busy_yaml);
    struct acd_sim *s = acd_sim_new(sc, sc->seed, 0);
    /* Some agents idle (two at least), some talking. */
    while (acd_sim_step(s) && !(s->groups[0].n_idle >= 2 && s->groups[0].n_talk >= 1))
        ;
    assert_true(s->groups[0].n_idle >= 2 && s->groups[0].n_talk >= 1);
    assert_int_equal(acd_sim_verify(s), 0);
    expect_verify_fails(s, corrupt_back_pointer, "idle array back-pointer");
    expect_verify_fails(s, corrupt_swap_two, "idle array back-pointer");
    expect_verify_fails(s, corrupt_stale_entry, "idle array holds idle agents of its group");
    assert_int_equal(acd_sim_verify(s), 0);
    acd_sim_free(s);
    acd_scenario_free(sc);
}

/* --- uniform choice ---------------------------------------------------- */

enum { N_AGENTS = 5 };

/* Arrivals that find all N_AGENTS agents idle: which rank in the idle list
 * (0 = idle longest) and which agent takes the call, counted over a long
 * lightly loaded run. */
static void
count_picks(const char *policy, unsigned long by_rank[N_AGENTS], unsigned long by_agent[N_AGENTS])
{
    char *text = acd_xasprintf("name: uniform\n"
                               "seed: 7\n"
                               "replications: 1\n"
                               "horizon: {duration: 600000s, warmup: 0s}\n"
                               "routing: %s\n"
                               "call_types:\n"
                               "  - name: calls\n"
                               "    arrivals: {rate: 1/min}\n"
                               "    handle_time: {dist: exponential, mean: 30s}\n"
                               "agent_groups:\n"
                               "  - name: agents\n"
                               "    skills: [calls]\n"
                               "    agents: %d\n",
                               policy, N_AGENTS);
    struct acd_scenario *sc = load(text);
    free(text);
    struct acd_sim *s = acd_sim_new(sc, sc->seed, 0);
    memset(by_rank, 0, N_AGENTS * sizeof(*by_rank));
    memset(by_agent, 0, N_AGENTS * sizeof(*by_agent));
    uint32_t order[N_AGENTS];
    for (;;) {
        const struct acd_group_rt *g = &s->groups[0];
        bool all_idle = g->n_idle == N_AGENTS;
        if (all_idle) {
            uint32_t i = 0;
            for (uint32_t a = g->idle_head; a != ACD_NONE; a = s->agents[a].next)
                order[i++] = a;
        }
        if (!acd_sim_step(s))
            break;
        if (all_idle && g->n_idle == N_AGENTS - 1) /* an arrival took one */
            for (uint32_t i = 0; i < N_AGENTS; i++)
                if (s->agents[order[i]].state != ACD_AGENT_IDLE) {
                    by_rank[i]++;
                    by_agent[order[i]]++;
                }
    }
    acd_sim_free(s);
    acd_scenario_free(sc);
}

static double
chi_square(const unsigned long *n, size_t k)
{
    unsigned long total = 0;
    for (size_t i = 0; i < k; i++)
        total += n[i];
    double e = (double)total / (double)k, x = 0;
    for (size_t i = 0; i < k; i++)
        x += ((double)n[i] - e) * ((double)n[i] - e) / e;
    return x;
}

static void
test_random_uniform(void **state)
{
    (void)state;
    unsigned long by_rank[N_AGENTS], by_agent[N_AGENTS];
    count_picks("random", by_rank, by_agent);
    unsigned long total = 0;
    for (size_t i = 0; i < N_AGENTS; i++)
        total += by_rank[i];
    /* ~10,000 calls at 0.5 Erlang: most find everyone idle. */
    assert_true(total > 5000);
    /* 4 degrees of freedom: the 99.9% quantile of chi-square is 18.47. */
    double xr = chi_square(by_rank, N_AGENTS), xa = chi_square(by_agent, N_AGENTS);
    print_message("# random: %lu picks with all idle; chi-square by rank %.2f, by agent %.2f\n",
                  total, xr, xa);
    assert_true(xr < 18.47);
    assert_true(xa < 18.47);

    /* The same count tells longest_idle apart: always rank 0. */
    count_picks("longest_idle", by_rank, by_agent);
    assert_true(by_rank[0] > 5000);
    for (size_t i = 1; i < N_AGENTS; i++)
        assert_int_equal(by_rank[i], 0);
}

/* --- ordered_fifo: ties go to the group's first listed skill ---------- */

/* Under `policy`, the leg the one agent of a group with skills [b, a] (both
 * level 1) takes when a leg of a and one of b have waited since t_a and
 * t_b: 0 for a's, 1 for b's. The legs are put in the queues by hand, as
 * Poisson arrivals never tie. */
static int
taken(const char *policy, double t_a, double t_b)
{
    char *text = acd_xasprintf("name: ties\n"
                               "replications: 1\n"
                               "horizon: {duration: 1h}\n"
                               "routing: %s\n"
                               "call_types:\n"
                               "  - {name: a, arrivals: {rate: 0/h}, handle_time: {dist: "
                               "exponential, mean: 1m}}\n"
                               "  - {name: b, arrivals: {rate: 0/h}, handle_time: {dist: "
                               "exponential, mean: 1m}}\n"
                               "agent_groups:\n"
                               "  - name: g\n"
                               "    skills: [{type: b, level: 1}, {type: a, level: 1}]\n"
                               "    agents: 1\n",
                               policy);
    struct acd_scenario *sc = load(text);
    free(text);
    struct acd_sim *s = acd_sim_new(sc, 1, 0);
    assert_int_equal(s->groups[0].n_idle, 1);
    uint32_t legs[2];
    double t[2] = {t_a, t_b};
    for (uint32_t k = 0; k < 2; k++) {
        uint32_t c = legs[k] = acd_state_call_alloc(s);
        uint32_t qi = acd_state_queue_index(s, k, 1);
        s->calls[c].type = k;
        s->calls[c].queue = qi;
        s->calls[c].t_arrive = s->calls[c].t_queue = t[k];
        acd_state_queue_push(s, &s->queues[qi], c);
    }
    s->now = 10;
    uint32_t c = s->route->pick_call(s, s->groups[0].idle_head);
    int which = c == legs[0] ? 0 : c == legs[1] ? 1 : -1;
    for (uint32_t k = 0; k < 2; k++) { /* back out, so the sim frees cleanly */
        acd_state_queue_remove(s, &s->queues[acd_state_queue_index(s, k, 1)], legs[k]);
        acd_state_call_free(s, legs[k]);
    }
    acd_sim_free(s);
    acd_scenario_free(sc);
    return which;
}

static void
test_ordered_fifo_ties(void **state)
{
    (void)state;
    /* Equal waits: ordered_fifo takes b, listed first; longest_idle sorts
     * a group's queues by level and then call type order, so takes a. */
    assert_int_equal(taken("ordered_fifo", 3, 3), 1);
    assert_int_equal(taken("longest_idle", 3, 3), 0);
    /* Otherwise the longest-waiting leg, whichever queue it is in. */
    assert_int_equal(taken("ordered_fifo", 2, 3), 0);
    assert_int_equal(taken("ordered_fifo", 3, 2), 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idle_array_verified),
        cmocka_unit_test(test_verify_detects_broken_idle_array),
        cmocka_unit_test(test_random_uniform),
        cmocka_unit_test(test_ordered_fifo_ties),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
