/*
 * Unit tests for expect: the `--assert` grammar (good and bad input, with
 * the messages users see), scope checks against a scenario, and evaluation
 * on hand-built results.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "acdsim/run.h"
#include "acdsim/scenario.h"
#include "acdsim/stats.h"
#include "expect.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ----------------------------------------------------------------- parse */

struct good_case {
    const char *text;
    const char *scope; /* NULL: center */
    enum acd_metric metric;
    enum acd_expect_op op;
    double value;
};

static const struct good_case good[] = {
    {"service_level>=0.9", NULL, ACD_M_SERVICE_LEVEL, ACD_OP_GE, 0.9},
    {"  service_level >= 0.9  ", NULL, ACD_M_SERVICE_LEVEL, ACD_OP_GE, 0.9},
    {"abandon_rate<=0.05", NULL, ACD_M_ABANDON_RATE, ACD_OP_LE, 0.05},
    {"asa_s<30", NULL, ACD_M_ASA, ACD_OP_LT, 30.0},
    {"offered > 1.5e3", NULL, ACD_M_OFFERED, ACD_OP_GT, 1500.0},
    {"billing.service_level>=0.8", "billing", ACD_M_SERVICE_LEVEL, ACD_OP_GE, 0.8},
    {"csr . occupancy <= 0.95", "csr", ACD_M_OCCUPANCY, ACD_OP_LE, 0.95},
    {"tier.1.abandon_rate<0.1", "tier.1", ACD_M_ABANDON_RATE, ACD_OP_LT, 0.1},
    {"service_level>=80%", NULL, ACD_M_SERVICE_LEVEL, ACD_OP_GE, 0.8},
    {"mean_wait_s>=-1", NULL, ACD_M_MEAN_WAIT, ACD_OP_GE, -1.0},
    {"09:00.service_level>=0.8", NULL, ACD_M_SERVICE_LEVEL, ACD_OP_GE, 0.8},
    {"every_interval.service_level>=0.8", NULL, ACD_M_SERVICE_LEVEL, ACD_OP_GE, 0.8},
    {"billing@09:00.abandon_rate<=0.05", "billing", ACD_M_ABANDON_RATE, ACD_OP_LE, 0.05},
    {"billing @ every_interval.abandon_rate<=0.05", "billing", ACD_M_ABANDON_RATE, ACD_OP_LE, 0.05},
    {"a@b.abandon_rate<=0.05", "a@b", ACD_M_ABANDON_RATE, ACD_OP_LE, 0.05},
};

static void
test_parse_good(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        struct acd_expect e;
        char err[256] = "";
        if (acd_expect_parse(good[i].text, &e, err, sizeof(err)) != 0)
            fail_msg("'%s' rejected: %s", good[i].text, err);
        assert_string_equal(e.text, good[i].text);
        if (good[i].scope)
            assert_string_equal(e.scope, good[i].scope);
        else
            assert_null(e.scope);
        assert_int_equal(e.metric, good[i].metric);
        assert_int_equal(e.op, good[i].op);
        assert_true(fabs(e.value - good[i].value) < 1e-12);
        acd_expect_fini(&e);
    }
}

struct bad_case {
    const char *text;
    const char *msg; /* a substring of the error message */
};

static const struct bad_case bad[] = {
    {"", "expected [SCOPE.]METRIC OP NUMBER"},
    {"service_level", "expected [SCOPE.]METRIC OP NUMBER"},
    {"service_level==0.9", "unsupported operator '=='"},
    {"service_level=0.9", "unsupported operator '='"},
    {"service_level=>0.9", "unsupported operator '=>'"},
    {"service_level!=0.9", "unsupported operator '!='"},
    {"service_level>>0.9", "unsupported operator '>>'"},
    {"servce_level>=0.9", "unknown metric 'servce_level' (did you mean 'service_level'?)"},
    {"wibble>=1", "unknown metric 'wibble'; known metrics: offered, service_level"},
    {"service_level>=", "expected a number after '>='"},
    {"service_level>=abc", "expected a number after the operator, got 'abc'"},
    {"service_level>=0.9x", "got '0.9x'"},
    {"service_level>=nan", "got 'nan'"},
    {"service_level>=inf", "got 'inf'"},
    {">=0.9", "expected [SCOPE.]METRIC OP NUMBER"},
    {".service_level>=0.9", "expected [SCOPE.]METRIC OP NUMBER"},
    {"billing.>=0.9", "expected [SCOPE.]METRIC OP NUMBER"},
    {"asa_s<=30%", "'asa_s' is not a ratio"},
    {"09:75.service_level>=0.8",
     "column 1: expected an interval's start (a clock time, HH:MM) or 'every_interval', got "
     "'09:75'\n    09:75.service_level>=0.8\n    ^~~~~"},
    {"billing@9:7x.service_level>=0.8", "column 9: expected an interval's start"},
    {"@09:00.service_level>=0.8", "column 1: expected a call type or agent group before '@'"},
    {"09:00.service_levl>=0.8", "column 7: unknown metric 'service_levl' (did you mean"},
    {"service_level=>0.9", "column 14: unsupported operator '=>'"},
    {"service_level>=0.9x", "column 16: expected a number after the operator, got '0.9x'\n"
                            "    service_level>=0.9x\n"
                            "                   ^~~~"},
};

static void
test_parse_bad(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct acd_expect e;
        char err[512] = "";
        if (acd_expect_parse(bad[i].text, &e, err, sizeof(err)) == 0)
            fail_msg("'%s' accepted", bad[i].text);
        if (!strstr(err, bad[i].msg))
            fail_msg("'%s': message '%s' lacks '%s'", bad[i].text, err, bad[i].msg);
        /* Nothing owned after a failure; fini is still safe. */
        assert_null(e.text);
        assert_null(e.scope);
        acd_expect_fini(&e);
    }
}

static void
test_parse_short_err_buffer(void **state)
{
    (void)state;
    struct acd_expect e;
    char err[8];
    assert_int_equal(acd_expect_parse("wibble>=1", &e, err, sizeof(err)), -1);
    assert_true(strlen(err) < sizeof(err));
    acd_expect_fini(NULL);
}

/* --------------------------------------------------- check and evaluate */

struct fixture {
    struct acd_scenario sc;
    bool no_scenario; /* results without a setup (known == false) */
    struct acd_call_type types[2];
    struct acd_agent_group groups[2];
    struct acd_results r;
    struct acd_scope_result type_res[2];
    struct acd_scope_result group_res[2];
};

static void
fill(struct acd_scope_result *s, double mean, double ci)
{
    for (int m = 0; m < ACD_METRIC_COUNT; m++)
        s->metric[m] = (struct acd_estimate){.mean = mean, .ci95 = ci, .n = 20};
}

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    f->types[0].name = "billing";
    f->types[1].name = "outages";
    f->groups[0].name = "csr";
    f->groups[1].name = "outages"; /* same name as a call type */
    f->sc.name = "test";
    f->sc.n_call_types = 2;
    f->sc.call_types = f->types;
    f->sc.n_groups = 2;
    f->sc.groups = f->groups;
    f->r.replications = 20;
    fill(&f->r.summary, 0.5, 0.01);
    f->r.summary.metric[ACD_M_SERVICE_LEVEL].mean = 0.8123;
    f->r.summary.metric[ACD_M_SERVICE_LEVEL].ci95 = 0.0041;
    fill(&f->type_res[0], 0.7, 0.02);
    fill(&f->type_res[1], 0.95, 0.01);
    fill(&f->group_res[0], 0.91, 0.003);
    fill(&f->group_res[1], 0.42, 0.003);
    f->r.types = f->type_res;
    f->r.groups = f->group_res;
    *state = f;
    return 0;
}

/* The results with their setup made from the fixture's scenario as it is
 * now (as the run makes it), or none after `no_scenario`. */
static struct acd_results *
results(struct fixture *f)
{
    acd_setup_fini(&f->r.setup);
    if (!f->no_scenario)
        acd_setup_from_scenario(&f->r.setup, &f->sc);
    return &f->r;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    acd_setup_fini(&f->r.setup);
    free(f);
    return 0;
}

/* Parse and check; returns the check's result and its message. */
static int
check(const struct fixture *f, const char *text, char *err, size_t errlen)
{
    struct acd_expect e;
    assert_int_equal(acd_expect_parse(text, &e, err, errlen), 0);
    int rc = acd_expect_check(&e, &f->sc, err, errlen);
    acd_expect_fini(&e);
    char *nl = strchr(err, '\n'); /* the message; the caret lines follow */
    if (rc != 0 && nl)
        *nl = '\0';
    return rc;
}

static void
test_check_scopes(void **state)
{
    struct fixture *f = *state;
    char err[256];
    assert_int_equal(check(f, "service_level>=0.8", err, sizeof(err)), 0);
    assert_int_equal(check(f, "occupancy<=0.9", err, sizeof(err)), 0);
    assert_int_equal(check(f, "billing.service_level>=0.8", err, sizeof(err)), 0);
    assert_int_equal(check(f, "csr.occupancy<=0.9", err, sizeof(err)), 0);
    /* "outages" names both: the metric decides which is meant. */
    assert_int_equal(check(f, "outages.abandon_rate<=0.1", err, sizeof(err)), 0);
    assert_int_equal(check(f, "outages.occupancy<=0.9", err, sizeof(err)), 0);

    assert_int_equal(check(f, "biling.service_level>=0.8", err, sizeof(err)), -1);
    assert_string_equal(
        err, "column 1: unknown call type or agent group 'biling' (did you mean 'billing'?)");
    assert_int_equal(check(f, "nobody.service_level>=0.8", err, sizeof(err)), -1);
    assert_string_equal(err, "column 1: unknown call type or agent group 'nobody'");
    assert_int_equal(check(f, "billing.occupancy<=0.9", err, sizeof(err)), -1);
    assert_string_equal(err, "column 1: metric 'occupancy' does not apply to call type 'billing'");
    assert_int_equal(check(f, "csr.service_level>=0.8", err, sizeof(err)), -1);
    assert_string_equal(err,
                        "column 1: metric 'service_level' does not apply to agent group 'csr'");
}

/* Evaluate expressions; returns failures and the text written. */
static size_t
eval(struct fixture *f, const char *const *texts, size_t n, char **out)
{
    struct acd_expect *e = calloc(n, sizeof(*e));
    char err[256];
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(acd_expect_parse(texts[i], &e[i], err, sizeof(err)), 0);
        assert_int_equal(acd_expect_check(&e[i], &f->sc, err, sizeof(err)), 0);
    }
    size_t len = 0;
    FILE *fp = open_memstream(out, &len);
    size_t failed = acd_expect_eval(e, n, results(f), fp);
    fclose(fp);
    for (size_t i = 0; i < n; i++)
        acd_expect_fini(&e[i]);
    free(e);
    return failed;
}

static void
test_eval_pass(void **state)
{
    struct fixture *f = *state;
    const char *texts[] = {"service_level>=0.8",         "service_level<0.9",
                           "billing.service_level>0.69", "outages.service_level>=0.95",
                           "csr.occupancy<=0.91",        "outages.occupancy<0.5"};
    char *out;
    assert_int_equal(eval(f, texts, 6, &out), 0);
    assert_string_equal(out, "");
    free(out);
}

static void
test_eval_fail_message(void **state)
{
    struct fixture *f = *state;
    const char *texts[] = {"service_level>=0.9", "service_level>=0.8",
                           "billing.service_level>=0.8"};
    char *out;
    assert_int_equal(eval(f, texts, 3, &out), 2);
    assert_string_equal(out, "acdsim: assertion failed: service_level>=0.9: measured 0.8123 "
                             "± 0.0041 (95% CI over 20 replications)\n"
                             "acdsim: assertion failed: billing.service_level>=0.8: measured 0.7 "
                             "± 0.02 (95% CI over 20 replications)\n");
    free(out);
}

static void
test_eval_digits_show_violation(void **state)
{
    /* 0.99948 printed with 4 digits would read 0.9995, which looks like it
     * meets >= 0.9995: the message must show enough digits. */
    struct fixture *f = *state;
    f->r.summary.metric[ACD_M_SERVICE_LEVEL].mean = 0.99948;
    const char *texts[] = {"service_level>=0.9995"};
    char *out;
    assert_int_equal(eval(f, texts, 1, &out), 1);
    assert_non_null(strstr(out, "measured 0.99948 ±"));
    free(out);
}

static void
test_eval_undefined(void **state)
{
    /* A NaN mean (e.g. ASA with no answered call) never passes; a NaN CI
     * (one replication) is said so. */
    struct fixture *f = *state;
    f->r.summary.metric[ACD_M_ASA].mean = (double)NAN;
    f->r.summary.metric[ACD_M_OCCUPANCY] =
        (struct acd_estimate){.mean = 0.97, .ci95 = (double)NAN, .n = 1};
    const char *texts[] = {"asa_s<=30", "occupancy<=0.9"};
    char *out;
    assert_int_equal(eval(f, texts, 2, &out), 2);
    assert_non_null(strstr(out, "asa_s<=30: not measured"));
    assert_non_null(strstr(out, "occupancy<=0.9: measured 0.97 (no CI: 1 replication)"));
    free(out);
}

static void
test_eval_targets(void **state)
{
    /* `>= target`: the call type's own target, else the center's;
     * `targets`: every goal of the verdict, each type's own included. */
    struct fixture *f = *state;
    f->sc.sl_threshold_s = 20;
    f->sc.sl_target = 0.8;
    f->sc.max_abandon = f->sc.max_asa_s = f->sc.max_occupancy = (double)NAN;
    f->types[0].has_sl_threshold = f->types[0].has_sl_target = true;
    f->types[0].sl_threshold_s = 30;
    f->types[0].sl_target = 0.75; /* billing: 0.7, misses */
    const char *texts[] = {"service_level>=target", "outages.service_level>=target",
                           "billing.service_level>=target", "targets"};
    char *out;
    assert_int_equal(eval(f, texts, 4, &out), 2);
    assert_string_equal(out, "acdsim: assertion failed: billing.service_level>=target (target "
                             "0.75): measured 0.7 ± 0.02 (95% CI over 20 replications)\n"
                             "acdsim: assertion failed: targets: Service level billing (30s) >= "
                             "0.75: measured 0.7 ± 0.02\n");
    free(out);

    struct acd_expect e;
    char err[256];
    assert_int_equal(acd_expect_parse(" targets ", &e, err, sizeof(err)), 0);
    assert_true(e.targets);
    acd_expect_fini(&e);
    assert_int_equal(acd_expect_parse("asa_s<=target", &e, err, sizeof(err)), -1);
    assert_string_equal(err, "column 8: 'target' is the service level's goal; give a number for "
                             "'asa_s'\n"
                             "    asa_s<=target\n"
                             "           ^~~~~~");
}

/* ------------------------------------------------------------ intervals */

/* The fixture as an operating day 08:00-10:00 in four 30-minute intervals,
 * with results per interval (center, types and groups). */
static struct acd_interval_result ivs[4];
static struct acd_scope_result iv_types[4][2], iv_groups[4][2];

static void
make_day(struct fixture *f)
{
    f->sc.horizon = ACD_HORIZON_DAY;
    f->sc.open_s = 8 * 3600;
    f->sc.close_s = 10 * 3600;
    f->sc.interval_s = 1800;
    f->sc.n_intervals = 4;
    f->sc.sl_target = 0.8;
    f->sc.max_abandon = f->sc.max_asa_s = f->sc.max_occupancy = (double)NAN;
    static const double sl[4] = {0.9, 0.6, 0.85, 0.7};
    for (size_t i = 0; i < 4; i++) {
        ivs[i].start_s = f->sc.open_s + 1800.0 * (double)i;
        ivs[i].end_s = ivs[i].start_s + 1800;
        fill(&ivs[i].all, 0.5, 0.01);
        ivs[i].all.metric[ACD_M_SERVICE_LEVEL].mean = sl[i];
        ivs[i].all.metric[ACD_M_SERVICE_LEVEL].ci95 = 0.03;
        for (size_t k = 0; k < 2; k++) {
            fill(&iv_types[i][k], 0.04 + 0.01 * (double)i, 0.005);
            fill(&iv_groups[i][k], 0.9, 0.01);
        }
        ivs[i].types = iv_types[i];
        ivs[i].groups = iv_groups[i];
    }
    f->r.n_intervals = 4;
    f->r.intervals = ivs;
}

static void
test_check_intervals(void **state)
{
    struct fixture *f = *state;
    char err[512];
    /* Steady state: no interval to name. */
    assert_int_equal(check(f, "09:00.service_level>=0.8", err, sizeof(err)), -1);
    assert_string_equal(err, "column 1: the scenario has no intervals (a steady-state horizon); "
                             "interval checks need an operating day");
    make_day(f);
    assert_int_equal(check(f, "09:00.service_level>=0.8", err, sizeof(err)), 0);
    assert_int_equal(check(f, "every_interval.service_level>=target", err, sizeof(err)), 0);
    assert_int_equal(check(f, "billing@08:30.abandon_rate<=0.05", err, sizeof(err)), 0);
    assert_int_equal(check(f, "csr@every_interval.occupancy<=0.95", err, sizeof(err)), 0);
    assert_int_equal(check(f, "09:10.service_level>=0.8", err, sizeof(err)), -1);
    assert_string_equal(err, "column 1: no interval starts at 09:10 (intervals of 30m from 08:00 "
                             "to 10:00; did you mean '09:00'?)");
    assert_int_equal(check(f, "billing@10:00.service_level>=0.8", err, sizeof(err)), -1);
    assert_string_equal(err, "column 9: no interval starts at 10:00: the day runs 08:00 to 10:00 "
                             "(intervals of 30m)");
    assert_int_equal(check(f, "biling@09:00.service_level>=0.8", err, sizeof(err)), -1);
    assert_string_equal(err, "column 1: unknown call type or agent group 'biling' (did you mean "
                             "'billing'?)");
    assert_int_equal(check(f, "every_intervl.service_level>=0.8", err, sizeof(err)), -1);
    assert_string_equal(err, "column 1: unknown call type or agent group 'every_intervl' (did you "
                             "mean 'every_interval'?)");
    assert_int_equal(check(f, "billing@0900.service_level>=0.8", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "after '@' give an interval's start (HH:MM) or 'every_interval'"));
}

static void
test_eval_intervals(void **state)
{
    struct fixture *f = *state;
    make_day(f);
    const char *texts[] = {"08:00.service_level>=0.8",
                           "08:30.service_level>=0.8",
                           "every_interval.service_level>=target",
                           "billing@09:30.abandon_rate<=0.05",
                           "billing@09:00.abandon_rate<=0.07",
                           "csr@every_interval.occupancy<=0.95"};
    char *out;
    assert_int_equal(eval(f, texts, 6, &out), 3);
    assert_string_equal(out,
                        "acdsim: assertion failed: 08:30.service_level>=0.8: 08:30-09:00 measured "
                        "0.6 ± 0.03 (95% CI over 20 replications)\n"
                        "acdsim: assertion failed: every_interval.service_level>=target (target "
                        "0.8): 2 of 4 intervals fail (95% CIs over 20 replications):\n"
                        "  08:30-09:00: measured 0.6 ± 0.03\n"
                        "  09:30-10:00: measured 0.7 ± 0.03\n"
                        "acdsim: assertion failed: billing@09:30.abandon_rate<=0.05: 09:30-10:00 "
                        "measured 0.07 ± 0.005 (95% CI over 20 replications)\n");
    free(out);

    /* The results say what was judged: an item per interval. */
    struct acd_expect e;
    char err[256];
    assert_int_equal(acd_expect_parse("every_interval.service_level>=0.8", &e, err, sizeof(err)),
                     0);
    struct acd_expect_result res;
    assert_int_equal(acd_expect_evaluate(&e, 1, results(f), &res), 1);
    assert_true(res.failed);
    assert_int_equal(res.n_items, 4);
    assert_int_equal(res.items[1].interval, 1);
    assert_int_equal(res.items[1].verdict, ACD_VERDICT_MISSED);
    assert_int_equal(res.items[2].verdict, ACD_VERDICT_MET);
    assert_true(fabs(res.items[3].est.mean - 0.7) < 1e-12);
    acd_expect_results_fini(&res, 1);
    acd_expect_fini(&e);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_good),
        cmocka_unit_test(test_parse_bad),
        cmocka_unit_test(test_parse_short_err_buffer),
        cmocka_unit_test_setup_teardown(test_check_scopes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eval_pass, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eval_fail_message, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eval_digits_show_violation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eval_undefined, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eval_targets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_intervals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eval_intervals, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
