/* Unit tests of chat (call types with `channel: chat`, issue 17) that need
 * the engine's state (state.h):
 *  - the parser fills concurrency and stretch (a number s: 1 + s(n - 1);
 *    a list as given; none: no stretch) and leaves voice types alone;
 *  - through a mixed day (voice and chat types of two concurrencies on
 *    shared groups, shifts, a break, a move, wrap-up, patience, repeat
 *    calls) under every routing policy, with staffing interventions, the
 *    whole state verifies after every event (acd_sim_verify knows chats:
 *    the slots, the talk / wrap-up states, the chat events) and, checked
 *    here directly too, no agent ever has a voice call in hand while it
 *    holds a chat, nor more chats than the concurrency allows;
 *  - acd_sim_verify catches an agent holding chats and a voice call.
 * The behaviour visible in results and traces (reduction to voice, M/M/ck
 * theory, stretch, wrap-up) is tested in tests/cli/test_chat.py. */
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct acd_scenario *
load(const char *text)
{
    struct acd_diags diags;
    acd_diags_init(&diags);
    struct acd_scenario *sc = NULL;
    int rc = acd_scenario_load_string("chat.yaml", NULL, text, strlen(text), &sc, &diags);
    if (rc != 0)
        acd_diags_print(&diags, stderr);
    acd_diags_fini(&diags);
    assert_int_equal(rc, 0);
    return sc;
}

static const char day_yaml[] =
    "name: chat day\n"
    "seed: 21\n"
    "replications: 1\n"
    "horizon: {open: \"08:00\", close: \"12:00\", interval: 30m}\n"
    "routing: POLICY\n"
    "call_types:\n"
    "  - name: phone\n"
    "    arrivals: {per_interval: [40, 50, 60, 60, 50, 40, 40, 30]}\n"
    "    handle_time: {dist: exponential, mean: 4m}\n"
    "    patience: {dist: exponential, mean: 3m}\n"
    "    overflow_delay: 20s\n"
    "  - name: web\n"
    "    channel: chat\n"
    "    concurrency: 3\n"
    "    stretch: 0.25\n"
    "    arrivals: {per_interval: [60, 80, 90, 90, 80, 60, 50, 40]}\n"
    "    handle_time: {dist: exponential, mean: 6m}\n"
    "    patience: {dist: exponential, mean: 5m}\n"
    "    resolution: [{tier: 1, resolve: 0.8}]\n"
    "    repeat_delay: {dist: exponential, mean: 30m}\n"
    "  - name: app\n"
    "    channel: chat\n"
    "    concurrency: 2\n"
    "    stretch: [1, 1.4]\n"
    "    arrivals: {per_interval: [20, 20, 20, 20, 20, 20, 20, 20]}\n"
    "    handle_time: {dist: exponential, mean: 5m}\n"
    "    overflow_delay: 30s\n"
    "agent_groups:\n"
    "  - name: all\n"
    "    skills: [phone, web, {type: app, level: 2}]\n"
    "    wrap_up: {dist: exponential, mean: 30s}\n"
    "    blending: BLEND\n"
    "    shifts:\n"
    "      - {start: \"08:00\", end: \"12:00\", count: 8, breaks: [{start: \"10:00\", length: "
    "15m}]}\n"
    "      - {start: \"09:00\", end: \"12:00\", count: 3}\n"
    "  - name: chat_only\n"
    "    skills: [web, app]\n"
    "    agents: [3, 3, 4, 4, 4, 4, 3, 3]\n"
    "    moves: [{to: all, count: 1, start: \"09:30\", end: \"10:30\"}]\n";

static struct acd_scenario *
load_day(const char *policy, bool blend)
{
    const char *p = strstr(day_yaml, "POLICY"), *q = strstr(day_yaml, "BLEND");
    char *text = acd_xasprintf("%.*s%s%.*s%s%s", (int)(p - day_yaml), day_yaml, policy,
                               (int)(q - (p + 6)), p + 6, blend ? "true" : "false", q + 5);
    struct acd_scenario *sc = load(text);
    free(text);
    return sc;
}

static void
test_parse(void **state)
{
    (void)state;
    struct acd_scenario *sc = load_day("longest_idle", false);
    const struct acd_call_type *ph = &sc->call_types[0], *web = &sc->call_types[1],
                               *app = &sc->call_types[2];
    assert_int_equal(ph->channel, ACD_CHANNEL_VOICE);
    assert_int_equal(ph->n_stretch, 0);
    assert_int_equal(web->channel, ACD_CHANNEL_CHAT);
    assert_int_equal(web->concurrency, 3);
    assert_int_equal(web->n_stretch, 3);
    assert_true(web->stretch[0] == 1 && web->stretch[1] == 1.25 && web->stretch[2] == 1.5);
    assert_int_equal(app->concurrency, 2);
    assert_int_equal(app->n_stretch, 2);
    assert_true(app->stretch[0] == 1 && app->stretch[1] == 1.4);
    assert_false(sc->groups[0].blending);
    acd_scenario_free(sc);
    sc = load_day("longest_idle", true);
    assert_true(sc->groups[0].blending);
    assert_false(sc->groups[1].blending);
    assert_true(acd_scenario_features(sc) & ACD_FEAT_CHAT);
    acd_scenario_free(sc);
}

/* No voice call in hand while holding chats, but a blended one (blending
 * groups only); chats within the most any chat type allows; an agent
 * holding chats is busy. Counts the instants an agent holds a blended
 * voice call and chats. */
static void
check_agents(const struct acd_sim *s, size_t *held_max, uint64_t *blended)
{
    for (uint32_t a = 0; a < s->n_agents; a++) {
        const struct acd_agent *ag = &s->agents[a];
        const struct acd_agent_chat *ch = &s->chat[a];
        if (ch->n > *held_max)
            *held_max = ch->n;
        if (ch->n == 0)
            continue;
        if (ch->voice == ACD_BLEND_TALK) {
            assert_true(s->sc->groups[ag->group].blending);
            assert_true(ag->call != ACD_NONE);
            assert_int_equal(s->sc->call_types[s->calls[ag->call].type].channel, ACD_CHANNEL_VOICE);
            ++*blended;
        } else {
            assert_int_equal(ag->call, ACD_NONE);
        }
        if (ch->voice != ACD_BLEND_NONE)
            assert_true(s->sc->groups[ag->group].blending);
        assert_false(ag->held);
        assert_true(ch->n <= 3);
        assert_true(ag->state == ACD_AGENT_TALK || ag->state == ACD_AGENT_WRAP);
    }
}

static void
test_mixed_day_verified(void **state)
{
    (void)state;
    const char *policies[] = {"longest_idle", "random",       "skill_priority",
                              "overflow",     "ordered_fifo", "priority_score"};
    for (int blend = 0; blend < 2; blend++)
        for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
            struct acd_scenario *sc = load_day(policies[i], blend);
            struct acd_sim *s = acd_sim_new(sc, sc->seed, 0);
            assert_non_null(s->chat);
            assert_int_equal(acd_sim_verify(s), 0);
            uint64_t n = 0, blended = 0;
            size_t held_max = 0;
            while (acd_sim_step(s)) {
                assert_int_equal(acd_sim_verify(s), 0);
                check_agents(s, &held_max, &blended);
                if (++n % 500 == 0) {
                    for (size_t g = 0; g < sc->n_groups; g++)
                        acd_sim_adjust_agents(s, g, n % 1000 == 0 ? -2 : 2);
                    assert_int_equal(acd_sim_verify(s), 0);
                }
            }
            assert_true(acd_sim_is_done(s));
            assert_int_equal(acd_sim_verify(s), 0);
            assert_true(n > 1000);
            assert_int_equal(held_max, 3); /* agents did hold several chats */
            if (blend)
                assert_true(blended > 50); /* voice calls did reach agents holding chats */
            else
                assert_int_equal(blended, 0);
            acd_sim_free(s);
            acd_scenario_free(sc);
        }
}

static void
corrupt_voice_on_chat_agent(struct acd_sim *s)
{
    for (uint32_t a = 0; a < s->n_agents; a++)
        if (s->chat[a].n > 0) {
            s->agents[a].call = 0;
            return;
        }
}

static void
test_verify_detects_voice_on_chat_agent(void **state)
{
    (void)state;
    struct acd_scenario *sc = load_day("longest_idle", false);
    struct acd_sim *s = acd_sim_new(sc, sc->seed, 0);
    bool holding = false;
    while (!holding && acd_sim_step(s))
        for (uint32_t a = 0; a < s->n_agents && !holding; a++)
            holding = s->chat[a].n >= 2;
    assert_true(holding);
    assert_int_equal(acd_sim_verify(s), 0);
    expect_verify_fails(s, corrupt_voice_on_chat_agent, "holds no voice call");
    assert_int_equal(acd_sim_verify(s), 0);
    acd_sim_free(s);
    acd_scenario_free(sc);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_mixed_day_verified),
        cmocka_unit_test(test_verify_detects_voice_on_chat_agent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
