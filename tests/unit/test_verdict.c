/*
 * Unit tests for verdict: the goals of a setup, the met / missed / not
 * measurable rule (bounds included, NaN means), the count behind the
 * reports' verdict lines, and the within-CI rule of the Erlang table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "acdsim/run.h"
#include "acdsim/sim.h"
#include "verdict.h"

#include <math.h>
#include <string.h>

static void
test_judge(void **state)
{
    (void)state;
    assert_int_equal(acd_verdict_judge(0.80, 0.80, true), ACD_VERDICT_MET); /* bound included */
    assert_int_equal(acd_verdict_judge(0.7999, 0.80, true), ACD_VERDICT_MISSED);
    assert_int_equal(acd_verdict_judge(0.05, 0.05, false), ACD_VERDICT_MET);
    assert_int_equal(acd_verdict_judge(0.0501, 0.05, false), ACD_VERDICT_MISSED);
    assert_int_equal(acd_verdict_judge((double)NAN, 0.05, false), ACD_VERDICT_NA);
    assert_string_equal(acd_verdict_looks[ACD_VERDICT_MET].text, "met");
    assert_string_equal(acd_verdict_looks[ACD_VERDICT_MISSED].text, "MISSED");
    assert_string_equal(acd_verdict_looks[ACD_VERDICT_NA].text, "n/a");
    assert_string_equal(acd_verdict_looks[ACD_VERDICT_MISSED].word, "missed");
    assert_string_equal(acd_verdict_looks[ACD_VERDICT_NA].cls, "na");
}

static void
test_targets(void **state)
{
    (void)state;
    struct acd_setup st = {.known = true,
                           .sl_threshold_s = 20,
                           .sl_target = 0.8,
                           .max_abandon = 0.05,
                           .max_asa_s = (double)NAN,
                           .max_occupancy = 0.9};
    struct acd_target t[ACD_N_TARGETS];
    char sl_what[ACD_SL_WHAT];
    acd_verdict_targets(&st, t, sl_what);
    assert_string_equal(sl_what, "Service level (20s)");
    assert_ptr_equal(t[0].what, sl_what);
    assert_int_equal(t[0].metric, ACD_M_SERVICE_LEVEL);
    assert_true(t[0].at_least && t[0].bound == 0.8);
    assert_int_equal(t[1].metric, ACD_M_ABANDON_RATE);
    assert_true(!t[1].at_least && t[1].bound == 0.05);
    assert_string_equal(t[1].what, "Abandon rate");
    assert_int_equal(t[2].metric, ACD_M_ASA);
    assert_true(isnan(t[2].bound));
    assert_string_equal(t[2].what, "Average speed of answer");
    assert_int_equal(t[3].metric, ACD_M_OCCUPANCY);
    assert_true(t[3].bound == 0.9);

    /* Without a setup: no goal at all. */
    struct acd_setup none = {.known = false};
    acd_verdict_targets(&none, t, sl_what);
    assert_string_equal(sl_what, acd_metrics[ACD_M_SERVICE_LEVEL].label);
    for (int i = 0; i < ACD_N_TARGETS; i++)
        assert_true(isnan(t[i].bound));
}

static void
test_count(void **state)
{
    (void)state;
    struct acd_setup st = {.known = true,
                           .sl_threshold_s = 20,
                           .sl_target = 0.8,
                           .max_abandon = 0.05,
                           .max_asa_s = 30,
                           .max_occupancy = (double)NAN};
    struct acd_target t[ACD_N_TARGETS];
    char sl_what[ACD_SL_WHAT];
    acd_verdict_targets(&st, t, sl_what);
    struct acd_scope_result s;
    memset(&s, 0, sizeof(s));
    s.metric[ACD_M_SERVICE_LEVEL].mean = 0.81;
    s.metric[ACD_M_ABANDON_RATE].mean = 0.061;
    s.metric[ACD_M_ASA].mean = (double)NAN;
    s.metric[ACD_M_OCCUPANCY].mean = 0.99; /* no goal: not counted */
    struct acd_verdict_count c = acd_verdict_count(t, ACD_N_TARGETS, &s);
    assert_int_equal(c.n, 3);
    assert_int_equal(c.missed, 1);
    assert_int_equal(c.unknown, 1);
    assert_int_equal(acd_verdict_target(&t[0], &s), ACD_VERDICT_MET);
    assert_int_equal(acd_verdict_target(&t[1], &s), ACD_VERDICT_MISSED);
    assert_int_equal(acd_verdict_target(&t[2], &s), ACD_VERDICT_NA);
}

static void
test_within_ci(void **state)
{
    (void)state;
    struct acd_estimate e = {.mean = 0.80, .ci95 = 0.01, .n = 10};
    assert_int_equal(acd_verdict_within_ci(&e, 0.805), ACD_VERDICT_MET);
    assert_int_equal(acd_verdict_within_ci(&e, 0.78), ACD_VERDICT_MISSED);
    assert_int_equal(acd_verdict_within_ci(&e, (double)NAN), ACD_VERDICT_NA);
    e.ci95 = (double)NAN; /* one replication: no CI, no judgement */
    assert_int_equal(acd_verdict_within_ci(&e, 0.80), ACD_VERDICT_NA);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_judge),
        cmocka_unit_test(test_targets),
        cmocka_unit_test(test_count),
        cmocka_unit_test(test_within_ci),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
