/*
 * Unit tests for erlang: every metric of every public oracle case
 * (data/public_cases.json) that maps to a field of struct acd_erlang_result,
 * to 1e-9 relative; the exact staffing cases (data/staffing_cases.json);
 * internal identities at sizes the oracle does not cover; error cases.
 * Tests run with the tests/ source directory as working directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* After the four above, which it needs and does not include. */
#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acdsim/erlang.h"
#include "approx.h"

#define REL_TOL 1e-9
/* Only for expected values that are exactly 0. */
#define ABS_FLOOR 1e-15

static json_t *public_doc;
static json_t *staffing_doc;

static json_t *
load_json(const char *path)
{
    json_error_t e;
    json_t *doc = json_load_file(path, 0, &e);
    if (!doc) {
        fprintf(stderr, "%s:%d:%d: %s\n", path, e.line, e.column, e.text);
        exit(1);
    }
    return doc;
}

static double
num(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_number(v) ? json_number_value(v) : (double)NAN;
}

static struct acd_erlang_params
case_params(const json_t *c)
{
    const char *model = json_string_value(json_object_get(c, "model"));
    struct acd_erlang_params p = {
        .model = ACD_ERLANG_C,
        .rate_per_s = num(c, "lambda_per_s"),
        .aht_s = num(c, "mean_service_s"),
        .patience_s = (double)NAN,
        .agents = (unsigned)num(c, "agents"),
        .queue_capacity = -1,
        .sl_threshold_s = 20.0,
    };
    if (!isnan(num(c, "sl_threshold_s")))
        p.sl_threshold_s = num(c, "sl_threshold_s");
    if (strcmp(model, "erlang_b") == 0) {
        p.model = ACD_ERLANG_B;
    } else if (strcmp(model, "erlang_a") == 0) {
        p.model = ACD_ERLANG_A;
        p.patience_s = num(c, "mean_patience_s");
    } else if (strcmp(model, "mmck") == 0) {
        /* The oracle's K counts agents + waiting places. */
        p.queue_capacity = (long)num(c, "capacity") - (long)p.agents;
    } else {
        assert_string_equal(model, "erlang_c");
    }
    return p;
}

/* Our value for the oracle key `key` of `model`; false if it has no
 * counterpart. Derived keys are checked through the fields they come from. */
static bool
our_value(const char *model, const char *key, const struct acd_erlang_params *p,
          const struct acd_erlang_result *r, double *out)
{
    bool b = strcmp(model, "erlang_b") == 0, c = strcmp(model, "erlang_c") == 0;
    bool a = strcmp(model, "erlang_a") == 0, k = strcmp(model, "mmck") == 0;
    struct {
        bool when;
        const char *key;
        double value;
    } map[] = {
        {true, "offered_load_erlangs", r->offered_load},
        {true, "occupancy", r->occupancy},
        {true, "throughput_per_s", r->throughput_per_s},
        {b || k, "p_block", r->blocked_rate},
        {b, "carried_load_erlangs", r->busy_agents},
        {c || a || k, "mean_wait_given_wait_s", r->mean_wait_given_wait_s},
        {c || a || k, "mean_queue_length", r->mean_queue_len},
        {c || k, "mean_in_system", r->mean_in_system},
        {c || a, "p_wait_gt_t", r->p_wait_gt_t},
        {c || a, "p_wait", r->p_wait},
        {c, "mean_wait_s", r->mean_wait_s},
        {c, "service_level", r->service_level},
        {c, "mean_response_s", r->asa_s + p->aht_s},
        {a, "offered_utilization", r->offered_load / p->agents},
        {a, "p_abandon", r->abandon_rate},
        {a, "p_served", r->answered_rate},
        {a, "p_abandon_given_wait", r->abandon_rate / r->p_wait},
        {a, "mean_wait_all_s", r->mean_wait_s},
        {a, "mean_wait_served_s", r->asa_s},
        {a, "mean_wait_abandoned_s", r->mean_wait_abandoned_s},
        {a || k, "mean_busy_agents", r->busy_agents},
        {a || k, "sl_answered_over_offered", r->service_level},
        {a, "sl_answered_over_answered", r->service_level_answered},
        {a, "sl_answered_over_offered_excl_short_abandons",
         r->service_level / (1.0 - r->p_abandon_within_t)},
        {a, "p_abandon_within_t", r->p_abandon_within_t},
        {a, "abandon_rate_per_s", p->rate_per_s * r->abandon_rate},
        {k, "p_admitted", r->answered_rate},
        {k, "p_wait_given_admitted", r->p_wait / r->answered_rate},
        {k, "p_wait_offered", r->p_wait},
        {k, "mean_wait_admitted_s", r->asa_s},
        {k, "sl_admitted", r->service_level_answered},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (map[i].when && strcmp(map[i].key, key) == 0) {
            *out = map[i].value;
            return true;
        }
    }
    return false;
}

/* Relations between our fields that the oracle keys do not pin down. */
static void
check_own_identities(const struct acd_erlang_params *p, const struct acd_erlang_result *r)
{
    double lam = p->rate_per_s;
    assert_approx(r->answered_rate + r->abandon_rate + r->blocked_rate, 1.0, 1e-12, 0.0);
    assert_approx(r->busy_agents, lam * r->answered_rate * p->aht_s, 1e-12, 0.0);
    assert_approx(r->occupancy, r->busy_agents / p->agents, 1e-12, 0.0);
    assert_approx(r->throughput_per_s, lam * r->answered_rate, 1e-12, 0.0);
    assert_approx(r->mean_queue_len, lam * r->mean_wait_s, 1e-12, 1e-300);
    assert_approx(r->mean_in_system, r->mean_queue_len + r->busy_agents, 1e-12, 0.0);
    if (p->model != ACD_ERLANG_B) {
        /* Answered within t, abandoned within t, still waiting at t,
         * blocked: every offered call is exactly one of them. */
        assert_approx(r->service_level + r->p_abandon_within_t + r->p_wait_gt_t + r->blocked_rate,
                      1.0, 1e-12, 0.0);
        /* Mean wait of all offered calls = answered part + abandoned part. */
        double ab_part = r->abandon_rate > 0 ? r->abandon_rate * r->mean_wait_abandoned_s : 0;
        assert_approx(r->mean_wait_s, r->answered_rate * r->asa_s + ab_part, 1e-12, 1e-300);
        assert_approx(r->mean_wait_s, r->p_wait * r->mean_wait_given_wait_s, 1e-12, 1e-300);
    }
    if (p->model == ACD_ERLANG_A)
        assert_approx(r->abandon_rate, r->mean_wait_s / p->patience_s, 1e-12, 1e-300);
    else
        assert_true(isnan(r->mean_wait_abandoned_s));
}

static void
test_public_case(void **state)
{
    const json_t *c = *state;
    const char *model = json_string_value(json_object_get(c, "model"));
    struct acd_erlang_params p = case_params(c);
    struct acd_erlang_result r;
    char err[256] = "";
    int rc = acd_erlang_eval(&p, &r, err, sizeof err);
    if (rc != 0)
        print_error("%s\n", err);
    assert_int_equal(rc, 0);

    const char *key;
    json_t *want;
    int checked = 0;
    json_object_foreach(json_object_get(c, "expected"), key, want)
    {
        double got = 0.0;
        if (!our_value(model, key, &p, &r, &got)) {
            print_error("%s: expected key '%s' has no counterpart\n", model, key);
            fail();
        }
        double w = json_number_value(want);
        if (!approx_eq(got, w, REL_TOL, w == 0.0 ? ABS_FLOOR : 0.0)) {
            print_error("%s %s = %.17g, expected %.17g (rel diff %.2e)\n",
                        json_string_value(json_object_get(c, "id")), key, got, w,
                        fabs(got - w) / fabs(w));
            fail();
        }
        checked++;
    }
    assert_true(checked >= 5);
    check_own_identities(&p, &r);
}

static struct acd_erlang_targets
no_targets(void)
{
    struct acd_erlang_targets t = {(double)NAN, false,       (double)NAN,
                                   (double)NAN, (double)NAN, (double)NAN};
    return t;
}

static void
expect_min_agents(const struct acd_erlang_params *p, const struct acd_erlang_targets *t,
                  unsigned want)
{
    unsigned got = 0;
    char err[256] = "";
    int rc = acd_erlang_min_agents(p, t, &got, err, sizeof err);
    if (rc != 0)
        print_error("%s\n", err);
    assert_int_equal(rc, 0);
    assert_int_equal(got, want);
}

static void
test_staffing_erlang_c(void **state)
{
    const json_t *c = *state;
    struct acd_erlang_params p = {
        ACD_ERLANG_C, num(c, "lambda_per_s"),  num(c, "mean_service_s"), (double)NAN, 0,
        -1,           num(c, "sl_threshold_s")};
    struct acd_erlang_targets t = no_targets();
    t.service_level = num(c, "target_service_level");
    unsigned want = (unsigned)num(c, "min_agents");
    expect_min_agents(&p, &t, want);

    struct acd_erlang_result r;
    p.agents = want;
    assert_int_equal(acd_erlang_eval(&p, &r, NULL, 0), 0);
    assert_approx(r.service_level, num(c, "service_level_at_min"), REL_TOL, 0.0);
    p.agents = want - 1;
    assert_int_equal(acd_erlang_eval(&p, &r, NULL, 0), 0);
    assert_approx(r.service_level, num(c, "service_level_at_min_minus_1"), REL_TOL, 0.0);
}

static void
test_staffing_erlang_a(void **state)
{
    const json_t *c = *state;
    struct acd_erlang_params p = {ACD_ERLANG_A,
                                  num(c, "lambda_per_s"),
                                  num(c, "mean_service_s"),
                                  num(c, "mean_patience_s"),
                                  0,
                                  -1,
                                  num(c, "sl_threshold_s")};
    const char *def = json_string_value(json_object_get(c, "sl_definition"));
    struct acd_erlang_targets t = no_targets();
    t.service_level = num(c, "target_service_level");
    t.max_abandon = num(c, "max_abandon");
    if (strcmp(def, "sl_answered_over_answered") == 0)
        t.sl_over_answered = true;
    else
        assert_string_equal(def, "sl_answered_over_offered");
    unsigned want = (unsigned)num(c, "min_agents");
    expect_min_agents(&p, &t, want);

    struct acd_erlang_result r;
    p.agents = want;
    assert_int_equal(acd_erlang_eval(&p, &r, NULL, 0), 0);
    double sl = t.sl_over_answered ? r.service_level_answered : r.service_level;
    assert_approx(sl, num(c, "sl_at_min"), REL_TOL, 0.0);
    assert_approx(r.abandon_rate, num(c, "p_abandon_at_min"), REL_TOL, 0.0);
}

static void
test_staffing_erlang_b(void **state)
{
    const json_t *c = *state;
    struct acd_erlang_params p = {
        ACD_ERLANG_B, num(c, "lambda_per_s"), num(c, "mean_service_s"), (double)NAN, 0, 0, 20.0};
    struct acd_erlang_targets t = no_targets();
    t.max_blocked = num(c, "max_block");
    expect_min_agents(&p, &t, (unsigned)num(c, "min_agents"));
}

/* The optional sqrt-staffing column: smallest c with P(W > 0) <= target. */
static void
test_staffing_p_wait(void **state)
{
    const json_t *c = *state;
    double a = num(c, "offered_load_erlangs");
    double target = num(c, "target_p_wait");
    unsigned want = (unsigned)num(c, "exact_min_agents_p_wait");
    assert_true(acd_erlang_c(want, a) <= target);
    assert_true(acd_erlang_c(want - 1, a) > target);
    unsigned sqrt_c = (unsigned)num(c, "sqrt_staffing_agents");
    assert_approx(acd_erlang_c(sqrt_c, a), num(c, "exact_p_wait_at_sqrt_staffing"), REL_TOL, 0.0);
}

static void
test_sipp_intervals(void **state)
{
    (void)state;
    const json_t *sipp = json_object_get(staffing_doc, "sipp");
    double interval_s = num(sipp, "interval_s");
    size_t i;
    const json_t *row;
    json_array_foreach(json_object_get(sipp, "intervals"), i, row)
    {
        double calls = num(row, "calls");
        if (calls == 0)
            continue;
        struct acd_erlang_params p = {
            ACD_ERLANG_C, calls / interval_s,         num(sipp, "mean_service_s"), (double)NAN, 0,
            -1,           num(sipp, "sl_threshold_s")};
        struct acd_erlang_targets t = no_targets();
        t.service_level = num(sipp, "target_service_level");
        expect_min_agents(&p, &t, (unsigned)num(row, "agents"));
        struct acd_erlang_result r;
        p.agents = (unsigned)num(row, "agents");
        assert_int_equal(acd_erlang_eval(&p, &r, NULL, 0), 0);
        assert_approx(r.service_level, num(row, "service_level"), REL_TOL, 0.0);
        assert_approx(r.mean_wait_s, num(row, "mean_wait_s"), REL_TOL, 0.0);
    }
}

/* ---------------------------------------------------------------------------
 * Fixed cases
 */

static void
test_erlang_b_table(void **state)
{
    (void)state;
    /* Classic table values and the recursion's edge cases. */
    assert_approx(acd_erlang_b(5, 2.0), 0.03669724770642202, 1e-14, 0.0);
    assert_approx(acd_erlang_b(1, 1.0), 0.5, 1e-15, 0.0);
    assert_approx(acd_erlang_b(0, 3.0), 1.0, 0.0, 0.0);
    assert_approx(acd_erlang_b(2, 1.0), 0.2, 1e-15, 0.0);
    /* M/M/1: C(1, a) = a. */
    assert_approx(acd_erlang_c(1, 0.3), 0.3, 1e-15, 0.0);
    assert_approx(acd_erlang_c(3, 3.5), 1.0, 0.0, 0.0);
}

/* Erlang A with a tiny abandonment rate tends to Erlang C; with a waiting
 * room of 0 it is Erlang B; M/M/c/K with a huge room is Erlang C. */
static void
test_limits(void **state)
{
    (void)state;
    struct acd_erlang_params pc = {ACD_ERLANG_C, 0.2, 240.0, (double)NAN, 55, -1, 20.0};
    struct acd_erlang_result rc, rx;
    assert_int_equal(acd_erlang_eval(&pc, &rc, NULL, 0), 0);

    struct acd_erlang_params pa = pc;
    pa.model = ACD_ERLANG_A;
    pa.patience_s = 1e12;
    assert_int_equal(acd_erlang_eval(&pa, &rx, NULL, 0), 0);
    assert_approx(rx.service_level, rc.service_level, 1e-7, 0.0);
    assert_approx(rx.p_wait, rc.p_wait, 1e-7, 0.0);
    assert_approx(rx.asa_s, rc.asa_s, 1e-7, 0.0);

    struct acd_erlang_params pk = pc;
    pk.queue_capacity = 100000;
    assert_int_equal(acd_erlang_eval(&pk, &rx, NULL, 0), 0);
    assert_approx(rx.service_level, rc.service_level, 1e-12, 0.0);
    assert_approx(rx.p_wait, rc.p_wait, 1e-12, 0.0);
    assert_approx(rx.asa_s, rc.asa_s, 1e-12, 0.0);
    assert_approx(rx.mean_queue_len, rc.mean_queue_len, 1e-12, 0.0);
    assert_approx(rx.p_wait_gt_t, rc.p_wait_gt_t, 1e-11, 0.0);

    struct acd_erlang_params pb = {ACD_ERLANG_B, 1.0, 180.0, (double)NAN, 200, 0, 20.0};
    struct acd_erlang_result rb;
    assert_int_equal(acd_erlang_eval(&pb, &rb, NULL, 0), 0);
    pa = pb;
    pa.model = ACD_ERLANG_A;
    pa.patience_s = 60.0;
    pa.queue_capacity = 0;
    assert_int_equal(acd_erlang_eval(&pa, &rx, NULL, 0), 0);
    assert_approx(rx.blocked_rate, rb.blocked_rate, 1e-13, 0.0);
    assert_approx(rx.busy_agents, rb.busy_agents, 1e-13, 0.0);
    assert_approx(rx.service_level, rb.service_level, 1e-13, 0.0);
    assert_true(rx.p_wait == 0.0 && rx.abandon_rate == 0.0);
    pa.model = ACD_ERLANG_C;
    assert_int_equal(acd_erlang_eval(&pa, &rx, NULL, 0), 0);
    assert_approx(rx.blocked_rate, rb.blocked_rate, 1e-13, 0.0);
}

/* Big centres and extreme loads: no overflow, identities still hold. */
static void
test_large_and_extreme(void **state)
{
    (void)state;
    const struct acd_erlang_params cases[] = {
        /* 10,000 agents, loaded */
        {ACD_ERLANG_A, 40.0, 240.0, 180.0, 10000, -1, 20.0},
        {ACD_ERLANG_C, 40.0, 240.0, (double)NAN, 10000, -1, 20.0},
        /* far more agents than load: B underflows */
        {ACD_ERLANG_A, 0.01, 100.0, 60.0, 10000, -1, 20.0},
        {ACD_ERLANG_C, 0.01, 100.0, (double)NAN, 10000, -1, 20.0},
        /* heavy overload with abandonment, long queue */
        {ACD_ERLANG_A, 10.0, 300.0, 600.0, 500, -1, 30.0},
        /* overload into a finite room (M/M/c/K with a > c) */
        {ACD_ERLANG_C, 1.0, 300.0, (double)NAN, 200, 5000, 20.0},
        {ACD_ERLANG_A, 1.0, 300.0, 600.0, 200, 50, 20.0},
        /* short patience, long threshold: q_0 of the law underflows */
        {ACD_ERLANG_A, 50.0, 60.0, 5.0, 3000, -1, 120.0},
        /* zero threshold */
        {ACD_ERLANG_A, 2.0, 50.0, 120.0, 105, -1, 0.0},
        {ACD_ERLANG_C, 2.0, 50.0, (double)NAN, 105, 20, 0.0},
        /* b = c mu / theta < 1 */
        {ACD_ERLANG_A, 0.01, 600.0, 30.0, 1, -1, 20.0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct acd_erlang_result r;
        char err[256] = "";
        int rc = acd_erlang_eval(&cases[i], &r, err, sizeof err);
        if (rc != 0)
            print_error("case %zu: %s\n", i, err);
        assert_int_equal(rc, 0);
        const double f[] = {r.offered_load,
                            r.service_level,
                            r.service_level_answered,
                            r.answered_rate,
                            r.abandon_rate,
                            r.blocked_rate,
                            r.p_wait,
                            r.asa_s,
                            r.mean_wait_s,
                            r.mean_queue_len,
                            r.occupancy,
                            r.busy_agents,
                            r.p_abandon_within_t,
                            r.p_wait_gt_t,
                            r.mean_wait_given_wait_s,
                            r.mean_in_system,
                            r.throughput_per_s};
        for (size_t k = 0; k < sizeof f / sizeof f[0]; k++) {
            if (!isfinite(f[k]) || f[k] < 0) {
                print_error("case %zu field %zu = %g\n", i, k, f[k]);
                fail();
            }
        }
        if (!(r.service_level <= 1.0 && r.p_wait <= 1.0 + 1e-15 && r.occupancy <= 1.0 + 1e-15)) {
            print_error("case %zu: service_level %.17g p_wait %.17g occupancy %.17g\n", i,
                        r.service_level, r.p_wait, r.occupancy);
            fail();
        }
        check_own_identities(&cases[i], &r);
    }
    /* The B-underflow case: waiting is absent in double precision, but the
     * conditional wait is still exact: sum over the queue states n (weights
     * v_n, v_0 = 1) of (n+1)/(c mu + (n+1) theta). */
    struct acd_erlang_result r;
    assert_int_equal(acd_erlang_eval(&cases[2], &r, NULL, 0), 0);
    double cmu = 10000.0 / 100.0, theta = 1.0 / 60.0, vn = 1.0, num_ = 0.0, den = 0.0;
    for (int n = 0; n < 20; n++) {
        num_ += vn * (n + 1) / (cmu + (n + 1) * theta);
        den += vn;
        vn *= 0.01 / (cmu + (n + 1) * theta);
    }
    assert_approx(r.mean_wait_given_wait_s, num_ / den, 1e-14, 0.0);
    assert_approx(r.answered_rate, 1.0, 1e-15, 0.0);
}

/* Erlang A staffing with three targets against a plain scan from c = 1. */
static void
test_min_agents_matches_scan(void **state)
{
    (void)state;
    const double loads[] = {0.3, 4.7, 31.0, 250.5};
    for (size_t i = 0; i < sizeof loads / sizeof loads[0]; i++) {
        struct acd_erlang_params p = {ACD_ERLANG_A, loads[i] / 100.0, 100.0, 90.0, 0, -1, 15.0};
        struct acd_erlang_targets t = no_targets();
        t.service_level = 0.85;
        t.max_abandon = 0.03;
        t.max_occupancy = 0.9;
        unsigned got;
        assert_int_equal(acd_erlang_min_agents(&p, &t, &got, NULL, 0), 0);
        unsigned scan = 1;
        for (;; scan++) {
            struct acd_erlang_result r;
            p.agents = scan;
            assert_int_equal(acd_erlang_eval(&p, &r, NULL, 0), 0);
            if (r.service_level >= 0.85 && r.abandon_rate <= 0.03 && r.occupancy <= 0.9)
                break;
        }
        assert_int_equal(got, scan);
    }
    /* Probes at small c under heavy overload with very long patience would
     * need a queue of millions of states: they count as failing, so the
     * search still finds the answer. */
    struct acd_erlang_params big = {ACD_ERLANG_A, 100.0, 300.0, 1e6, 1, -1, 20.0};
    struct acd_erlang_result rb;
    char msg[256] = "";
    assert_int_equal(acd_erlang_eval(&big, &rb, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "states"));
    struct acd_erlang_targets tb = no_targets();
    tb.max_occupancy = 0.99;
    unsigned got_big = 0;
    assert_int_equal(acd_erlang_min_agents(&big, &tb, &got_big, msg, sizeof msg), 0);
    big.agents = got_big;
    assert_int_equal(acd_erlang_eval(&big, &rb, NULL, 0), 0);
    assert_true(rb.occupancy <= 0.99);
    big.agents = got_big - 1;
    assert_int_equal(acd_erlang_eval(&big, &rb, NULL, 0), 0);
    assert_true(rb.occupancy > 0.99);

    /* Abandonment lets the answer fall below the offered load. */
    struct acd_erlang_params p = {ACD_ERLANG_A, 0.5, 200.0, 60.0, 0, -1, 20.0};
    struct acd_erlang_targets t = no_targets();
    t.service_level = 0.8;
    unsigned got;
    assert_int_equal(acd_erlang_min_agents(&p, &t, &got, NULL, 0), 0);
    assert_true(got < 100);
    /* max_asa and max_occupancy on Erlang C */
    struct acd_erlang_params pc = {ACD_ERLANG_C, 0.2, 240.0, (double)NAN, 0, -1, 20.0};
    t = no_targets();
    t.max_occupancy = 0.85;
    assert_int_equal(acd_erlang_min_agents(&pc, &t, &got, NULL, 0), 0);
    assert_int_equal(got, 57); /* 48 / 0.85 = 56.47 */
    t = no_targets();
    t.max_asa_s = 10.0;
    assert_int_equal(acd_erlang_min_agents(&pc, &t, &got, NULL, 0), 0);
    struct acd_erlang_result r;
    pc.agents = got;
    assert_int_equal(acd_erlang_eval(&pc, &r, NULL, 0), 0);
    assert_true(r.asa_s <= 10.0);
    pc.agents = got - 1;
    assert_int_equal(acd_erlang_eval(&pc, &r, NULL, 0), 0);
    assert_true(r.asa_s > 10.0);
}

/* The staffing search runs in worker threads: same answers in parallel. */
struct staff_job {
    struct acd_erlang_params p;
    struct acd_erlang_targets t;
    unsigned got;
    int rc;
};

static void *
staff_worker(void *arg)
{
    struct staff_job *job = arg;
    job->rc = acd_erlang_min_agents(&job->p, &job->t, &job->got, NULL, 0);
    return NULL;
}

static void
test_min_agents_threads(void **state)
{
    (void)state;
    const json_t *cases = json_object_get(staffing_doc, "erlang_a_min_agents");
    size_t n = json_array_size(cases);
    struct staff_job jobs[16];
    pthread_t tid[16];
    assert_true(n > 0 && n <= 8);
    for (size_t i = 0; i < 2 * n; i++) {
        const json_t *c = json_array_get(cases, i % n);
        struct acd_erlang_params p = {ACD_ERLANG_A,
                                      num(c, "lambda_per_s"),
                                      num(c, "mean_service_s"),
                                      num(c, "mean_patience_s"),
                                      0,
                                      -1,
                                      num(c, "sl_threshold_s")};
        jobs[i].p = p;
        jobs[i].t = no_targets();
        jobs[i].t.service_level = num(c, "target_service_level");
        jobs[i].t.max_abandon = num(c, "max_abandon");
        jobs[i].t.sl_over_answered = strcmp(json_string_value(json_object_get(c, "sl_definition")),
                                            "sl_answered_over_answered") == 0;
        assert_int_equal(pthread_create(&tid[i], NULL, staff_worker, &jobs[i]), 0);
    }
    for (size_t i = 0; i < 2 * n; i++) {
        assert_int_equal(pthread_join(tid[i], NULL), 0);
        assert_int_equal(jobs[i].rc, 0);
        assert_int_equal(jobs[i].got, (unsigned)num(json_array_get(cases, i % n), "min_agents"));
    }
}

static void
expect_error(const struct acd_erlang_params *p, const char *needle)
{
    struct acd_erlang_result r;
    char err[256] = "";
    assert_int_equal(acd_erlang_eval(p, &r, err, sizeof err), -1);
    if (!strstr(err, needle)) {
        print_error("message '%s' lacks '%s'\n", err, needle);
        fail();
    }
}

static void
test_errors(void **state)
{
    (void)state;
    const struct acd_erlang_params ok = {ACD_ERLANG_A, 2.0, 50.0, 120.0, 105, -1, 20.0};
    struct acd_erlang_params p = ok;
    char err[256];
    assert_int_equal(acd_erlang_check(&p, err, sizeof err), 0);

    p = ok;
    p.model = ACD_ERLANG_C;
    p.agents = 100; /* a = 100 = c */
    expect_error(&p, "unstable");
    p.agents = 90;
    expect_error(&p, "unstable");
    p.queue_capacity = 10; /* a finite room makes it stable */
    struct acd_erlang_result r;
    assert_int_equal(acd_erlang_eval(&p, &r, NULL, 0), 0);

    p = ok;
    p.agents = 0;
    expect_error(&p, "--agents");
    assert_int_equal(acd_erlang_check(&p, err, sizeof err), -1);
    p = ok;
    p.rate_per_s = -1.0;
    expect_error(&p, "--rate");
    p.rate_per_s = 0.0;
    expect_error(&p, "--rate");
    p.rate_per_s = (double)NAN;
    expect_error(&p, "--rate");
    p = ok;
    p.aht_s = 0.0;
    expect_error(&p, "--aht");
    p = ok;
    p.patience_s = -5.0;
    expect_error(&p, "--patience");
    p.patience_s = (double)INFINITY;
    expect_error(&p, "--patience");
    p = ok;
    p.sl_threshold_s = -1.0;
    expect_error(&p, "--sl-threshold");
    p = ok;
    p.queue_capacity = -2;
    expect_error(&p, "--queue-capacity");
    p = ok;
    p.model = (enum acd_erlang_model)7;
    expect_error(&p, "model");
    /* The messages may be dropped. */
    p = ok;
    p.agents = 0;
    assert_int_equal(acd_erlang_eval(&p, &r, NULL, 0), -1);

    /* Staffing: no target, bad targets, unreachable targets. */
    struct acd_erlang_targets t = no_targets();
    unsigned agents = 12345;
    p = ok;
    assert_int_equal(acd_erlang_min_agents(&p, &t, &agents, err, sizeof err), -1);
    assert_non_null(strstr(err, "target"));
    t.service_level = 1.5;
    assert_int_equal(acd_erlang_min_agents(&p, &t, &agents, err, sizeof err), -1);
    assert_non_null(strstr(err, "--target-sl"));
    t = no_targets();
    t.max_abandon = -0.1;
    assert_int_equal(acd_erlang_min_agents(&p, &t, &agents, err, sizeof err), -1);
    assert_non_null(strstr(err, "--max-abandon"));
    t = no_targets();
    t.service_level = 0.8;
    p.model = ACD_ERLANG_C;
    p.rate_per_s = 1e5; /* a = 5,000,000 Erlangs */
    assert_int_equal(acd_erlang_min_agents(&p, &t, &agents, err, sizeof err), -1);
    assert_non_null(strstr(err, "1000000"));
    assert_int_equal(agents, 12345);
    t = no_targets();
    t.service_level = 0.8;
    p = ok;
    p.rate_per_s = -2.0;
    assert_int_equal(acd_erlang_min_agents(&p, &t, &agents, err, sizeof err), -1);
    assert_non_null(strstr(err, "--rate"));
}

/* ---------------------------------------------------------------------------
 * Runner: one TAP line per data case, named after it.
 */

struct test_list {
    struct CMUnitTest *v;
    size_t n, cap;
};

static void
add_test(struct test_list *l, const char *name, CMUnitTestFunction fn, void *state)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        if (!l->v)
            abort();
    }
    struct CMUnitTest t = {name, fn, NULL, NULL, state};
    l->v[l->n++] = t;
}

static char *
label(const char *prefix, size_t i, const json_t *c, const char *key)
{
    char buf[160];
    if (key)
        snprintf(buf, sizeof buf, "%s %zu: lambda %g/s aht %gs -> %g", prefix, i,
                 num(c, "lambda_per_s"), num(c, "mean_service_s"), num(c, key));
    else
        snprintf(buf, sizeof buf, "%s %zu", prefix, i);
    char *s = malloc(strlen(buf) + 1);
    if (!s)
        abort();
    strcpy(s, buf);
    return s;
}

int
main(void)
{
    public_doc = load_json("data/public_cases.json");
    staffing_doc = load_json("data/staffing_cases.json");
    struct test_list l = {NULL, 0, 0};
    char *names[256];
    size_t n_names = 0;

    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(public_doc, "cases"), i, c)
    {
        add_test(&l, json_string_value(json_object_get(c, "id")), test_public_case, c);
    }
    static const struct {
        const char *key;
        CMUnitTestFunction fn;
        const char *label;
    } groups[] = {
        {"erlang_c_min_agents", test_staffing_erlang_c, "staffing erlang_c"},
        {"erlang_a_min_agents", test_staffing_erlang_a, "staffing erlang_a"},
        {"erlang_b_min_trunks", test_staffing_erlang_b, "staffing erlang_b"},
        {"sqrt_staffing", test_staffing_p_wait, "staffing p_wait"},
    };
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        json_array_foreach(json_object_get(staffing_doc, groups[g].key), i, c)
        {
            const char *key = groups[g].fn == test_staffing_p_wait ? NULL : "min_agents";
            if (n_names < sizeof names / sizeof names[0]) {
                names[n_names] = label(groups[g].label, i, c, key);
                add_test(&l, names[n_names++], groups[g].fn, c);
            }
        }
    }
    add_test(&l, "sipp intervals", test_sipp_intervals, NULL);
    add_test(&l, "erlang_b_table", test_erlang_b_table, NULL);
    add_test(&l, "limits", test_limits, NULL);
    add_test(&l, "large_and_extreme", test_large_and_extreme, NULL);
    add_test(&l, "min_agents_matches_scan", test_min_agents_matches_scan, NULL);
    add_test(&l, "min_agents_threads", test_min_agents_threads, NULL);
    add_test(&l, "errors", test_errors, NULL);

    int rc = _cmocka_run_group_tests("erlang", l.v, l.n, NULL, NULL);
    for (size_t k = 0; k < n_names; k++)
        free(names[k]);
    free(l.v);
    json_decref(public_doc);
    json_decref(staffing_doc);
    return rc;
}
