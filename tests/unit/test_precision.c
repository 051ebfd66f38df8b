/* Unit tests for precision runs (precision.h) and run.c's batch API: the
 * round rule against a brute-force search, batches equal to a plain run bit
 * for bit (any split, any thread count), and the stopping rule at the first
 * multiple of the batch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "acdsim/diag.h"
#include "acdsim/precision.h"
#include "acdsim/run.h"
#include "acdsim/scenario_load.h"
#include "report.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char small_yaml[] = "name: small\n"
                                 "seed: 11\n"
                                 "replications: 4\n"
                                 "horizon: {duration: 2000s, warmup: 200s}\n"
                                 "call_types:\n"
                                 "  - name: billing\n"
                                 "    arrivals: {rate: 0.5/s}\n"
                                 "    handle_time: {dist: exponential, mean: 30s}\n"
                                 "    patience: {dist: exponential, mean: 120s}\n"
                                 "agent_groups:\n"
                                 "  - name: csr\n"
                                 "    skills: [billing]\n"
                                 "    agents: 17\n";

static struct acd_scenario *
load_small(void)
{
    struct acd_diags diags;
    struct acd_scenario *sc = NULL;
    acd_diags_init(&diags);
    int rc =
        acd_scenario_load_string("small.yaml", NULL, small_yaml, strlen(small_yaml), &sc, &diags);
    assert_int_equal(rc, 0);
    assert_false(acd_diags_has_errors(&diags));
    acd_diags_fini(&diags);
    return sc;
}

/* The smallest m with t(0.975, m-1) s / sqrt(m) <= hw, by counting up. */
static double
brute_m(double s, double hw)
{
    double m = 2;
    while (gsl_cdf_tdist_Pinv(0.975, m - 1) * s / sqrt(m) > hw)
        m++;
    return m;
}

static struct acd_estimate
estimate_with_sd(double sd, unsigned n)
{
    struct acd_estimate e = {.mean = 0.5, .n = n};
    e.ci95 = gsl_cdf_tdist_Pinv(0.975, n - 1.0) * sd / sqrt((double)n);
    return e;
}

static void
test_next_round(void **state)
{
    (void)state;
    double hw = 0.01;
    /* Far away: at most 4 times the replications run. */
    struct acd_estimate e = estimate_with_sd(0.06, 10);
    assert_int_equal(acd_precision_next_round(10, 10, 10000, &e, &hw, 1), 40);
    /* Within reach: the smallest m that would do, rounded up to the batch. */
    e = estimate_with_sd(0.06, 40);
    double m = brute_m(0.06, hw);
    unsigned want = (unsigned)(ceil(m / 10) * 10);
    assert_true(m > 40 && m <= 160);
    assert_int_equal(acd_precision_next_round(40, 10, 10000, &e, &hw, 1), want);
    /* The metric defined in half the replications: twice as many. */
    e.n = 40;
    unsigned half = acd_precision_next_round(80, 10, 10000, &e, &hw, 1);
    assert_int_equal(half, (unsigned)(ceil(m * 80 / 40 / 10) * 10));
    /* No spread yet: twice as many. */
    struct acd_estimate none = {.mean = 0.5, .ci95 = NAN, .n = 1};
    assert_int_equal(acd_precision_next_round(10, 10, 10000, &none, &hw, 1), 20);
    /* Nearly there: still one batch more. */
    e = estimate_with_sd(0.06, 160);
    e.ci95 = hw * 1.0001;
    assert_int_equal(acd_precision_next_round(160, 10, 10000, &e, &hw, 1), 170);
    /* The maximum caps it, whether a multiple of the batch or not. */
    e = estimate_with_sd(0.06, 10);
    assert_int_equal(acd_precision_next_round(10, 10, 25, &e, &hw, 1), 25);
    /* The most demanding goal decides; a met goal asks for nothing. */
    double hws[2] = {0.01, 0.5};
    struct acd_estimate two[2] = {estimate_with_sd(0.06, 40), estimate_with_sd(0.06, 40)};
    assert_int_equal(acd_precision_next_round(40, 10, 10000, two, hws, 2), want);
}

static char *
json_of(const struct acd_results *r)
{
    struct acd_report_opts o = {.no_timing = true};
    return acd_report_json_string(r, &o);
}

/* Batches [0,3), [3,7), [7,12), the results of [0,9): those of a plain run
 * of 9, bit for bit, on one thread or three. */
static void
test_batches_equal_plain_run(void **state)
{
    (void)state;
    struct acd_scenario *sc = load_small();
    struct acd_run_opts plain = {.replications = 9, .threads = 1};
    struct acd_results *ref = acd_run(sc, &plain);
    char *want = json_of(ref);
    for (unsigned threads = 1; threads <= 3; threads += 2) {
        struct acd_run_opts o = {.threads = threads};
        struct acd_run_batch *b = acd_run_batch_new(sc, &o);
        assert_true(acd_run_batch_more(b, 3));
        assert_true(acd_run_batch_more(b, 7));
        assert_true(acd_run_batch_more(b, 12));
        assert_int_equal(acd_run_batch_done(b), 12);
        struct acd_estimate e =
            acd_run_batch_estimate(b, 9, ACD_SCOPE_CENTER, 0, ACD_M_SERVICE_LEVEL);
        assert_true(e.mean == ref->summary.metric[ACD_M_SERVICE_LEVEL].mean);
        assert_true(e.ci95 == ref->summary.metric[ACD_M_SERVICE_LEVEL].ci95);
        e = acd_run_batch_estimate(b, 9, ACD_SCOPE_GROUP, 0, ACD_M_OCCUPANCY);
        assert_true(e.ci95 == ref->groups[0].metric[ACD_M_OCCUPANCY].ci95);
        e = acd_run_batch_estimate(b, 9, ACD_SCOPE_TYPE, 0, ACD_M_ASA);
        assert_true(e.ci95 == ref->types[0].metric[ACD_M_ASA].ci95);
        struct acd_results *r = acd_run_batch_results(b, 9);
        acd_run_batch_free(b);
        char *got = json_of(r);
        assert_string_equal(got, want);
        assert_true(r->calls == ref->calls && r->events == ref->events);
        free(got);
        acd_results_free(r);
    }
    free(want);
    acd_results_free(ref);
    acd_scenario_free(sc);
}

/* The run stops at the first multiple of the batch that meets the goal. */
static void
test_stops_at_first_multiple(void **state)
{
    (void)state;
    struct acd_scenario *sc = load_small();
    struct acd_run_opts o = {.threads = 2};
    struct acd_precision_goal g = {
        .scope = ACD_SCOPE_CENTER, .metric = ACD_M_SERVICE_LEVEL, .half_width = 0.02};
    struct acd_results *r = acd_run_precision(sc, &o, &g, 1, 10000, NULL, NULL);
    assert_non_null(r);
    assert_non_null(r->precision);
    unsigned n = r->replications;
    assert_int_equal(n % 4, 0);
    assert_true(n > 4);
    assert_false(r->precision->stopped_by_max);
    assert_true(r->precision->targets[0].met);
    assert_true(r->precision->targets[0].achieved == r->summary.metric[ACD_M_SERVICE_LEVEL].ci95);
    assert_true(r->summary.metric[ACD_M_SERVICE_LEVEL].ci95 <= 0.02);
    assert_true(r->precision->rounds[r->precision->n_rounds - 1] >= n);
    assert_null(r->precision->targets[0].scope);
    /* Every earlier multiple misses it. */
    struct acd_run_batch *b = acd_run_batch_new(sc, &o);
    assert_true(acd_run_batch_more(b, n));
    for (unsigned k = 4; k < n; k += 4)
        assert_true(acd_run_batch_estimate(b, k, ACD_SCOPE_CENTER, 0, ACD_M_SERVICE_LEVEL).ci95 >
                    0.02);
    acd_run_batch_free(b);
    acd_results_free(r);

    /* Too strict: the maximum (not a multiple of the batch) ends it. */
    g.half_width = 1e-5;
    r = acd_run_precision(sc, &o, &g, 1, 10, NULL, NULL);
    assert_int_equal(r->replications, 10);
    assert_true(r->precision->stopped_by_max);
    assert_false(r->precision->targets[0].met);
    assert_int_equal(r->precision->max_replications, 10);
    acd_results_free(r);
    acd_scenario_free(sc);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_next_round),
        cmocka_unit_test(test_batches_equal_plain_run),
        cmocka_unit_test(test_stops_at_first_multiple),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
