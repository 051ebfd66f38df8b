/* Unit tests for stats: histogram quantiles, Student-t CIs, Welford tally,
 * metric definitions on hand-made counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "acdsim/stats.h"
#include "approx.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Issue 11 row 15: waits above the top bin made p90 (clamped to ~1.1e7 s)
 * smaller than the mean. */
static void
test_hist_overflow_quantile(void **state)
{
    (void)state;
    struct acd_hist *h = calloc(1, sizeof(*h));
    for (int i = 0; i < 10; i++)
        acd_stats_hist_add(h, 10);
    for (int i = 0; i < 90; i++)
        acd_stats_hist_add(h, 4e7);
    assert_true(fabs(acd_stats_hist_quantile(h, 0.05) - 10) < 0.05);
    assert_true(isnan(acd_stats_hist_quantile(h, 0.5)));
    assert_true(isnan(acd_stats_hist_quantile(h, 0.9)));
    const struct acd_hist *hs[] = {h, h};
    assert_true(isnan(acd_stats_hist_quantile_n(hs, 2, 0.9)));
    /* Just under the top: still a number, within 1%. */
    struct acd_hist *g = calloc(1, sizeof(*g));
    acd_stats_hist_add(g, 0.99 * ACD_HIST_TOP_S);
    double q = acd_stats_hist_quantile(g, 0.9);
    assert_true(isfinite(q) && fabs(q - 0.99 * ACD_HIST_TOP_S) < 0.011 * ACD_HIST_TOP_S);
    free(g);
    free(h);
}

static void
test_hist_quantiles(void **state)
{
    (void)state;
    struct acd_hist *h = calloc(1, sizeof(*h));
    /* 0..999.9 s in 0.1 s steps, plus 500 zeros. */
    for (int i = 0; i < 500; i++)
        acd_stats_hist_add(h, 0);
    for (int i = 0; i < 10000; i++)
        acd_stats_hist_add(h, i * 0.1);
    assert_int_equal(h->total, 10500);
    assert_int_equal(h->zeros, 501);
    /* q such that the zero atom covers it. */
    assert_true(acd_stats_hist_quantile(h, 0.04) == 0);
    /* The exact empirical quantile vs the histogram's: within one bin width
     * (0.05 s below 120 s, 1% above). */
    double qs[] = {0.1, 0.5, 0.9, 0.99};
    for (size_t i = 0; i < 4; i++) {
        double rank = qs[i] * 10500 - 500; /* position among the non-zero part */
        double exact = rank * 0.1;
        double got = acd_stats_hist_quantile(h, qs[i]);
        double tol = exact < 120 ? 0.1 : 0.011 * exact;
        if (fabs(got - exact) > tol) {
            print_error("q=%g: got %g, want %g +- %g\n", qs[i], got, exact, tol);
            fail();
        }
    }
    /* Huge values land in the overflow bin without crashing; a quantile
     * there is unknown (NAN), never clamped to the top bin's edge. */
    acd_stats_hist_add(h, 1e300);
    assert_true(isnan(acd_stats_hist_quantile(h, 1.0)));
    assert_true(isfinite(acd_stats_hist_quantile(h, 0.99)));
    struct acd_hist *e = calloc(1, sizeof(*e));
    assert_true(isnan(acd_stats_hist_quantile(e, 0.9)));
    acd_stats_hist_merge(e, h);
    assert_int_equal(e->total, h->total);
    free(h);
    free(e);
}

static void
test_estimate(void **state)
{
    (void)state;
    /* 1..10: mean 5.5, sd 3.02765, t(0.975, 9) = 2.262157. */
    double x[10];
    for (int i = 0; i < 10; i++)
        x[i] = i + 1;
    struct acd_estimate e = acd_stats_estimate(x, 10);
    assert_int_equal(e.n, 10);
    assert_approx(e.mean, 5.5, 1e-15, 0);
    assert_approx(e.ci95, 2.2621571627982 * 3.0276503540974917 / sqrt(10.0), 1e-12, 0);
    /* NAN values are skipped. */
    double y[4] = {1.0, NAN, 3.0, NAN};
    e = acd_stats_estimate(y, 4);
    assert_int_equal(e.n, 2);
    assert_approx(e.mean, 2.0, 1e-15, 0);
    assert_approx(e.ci95, 12.706204736174698 * sqrt(2.0) / sqrt(2.0), 1e-12, 0);
    double z[1] = {7};
    e = acd_stats_estimate(z, 1);
    assert_true(e.mean == 7 && isnan(e.ci95));
    e = acd_stats_estimate(y + 1, 1);
    assert_true(isnan(e.mean) && e.n == 0);
}

static void
test_tally(void **state)
{
    (void)state;
    struct acd_tally t = {0};
    double x[] = {2.385, 1.5, 9.25, 4.0, 3.75};
    double s = 0;
    for (int i = 0; i < 5; i++) {
        acd_stats_tally_add(&t, x[i]);
        s += x[i];
    }
    double m = s / 5, v = 0;
    for (int i = 0; i < 5; i++)
        v += (x[i] - m) * (x[i] - m);
    assert_approx(t.mean, m, 1e-14, 0);
    assert_approx(acd_stats_tally_var(&t), v / 4, 1e-13, 0);
}

static void
test_metrics(void **state)
{
    (void)state;
    struct acd_counts c = {
        .offered = 1000,
        .answered = 900,
        .answered_within_t = 800,
        .abandoned = 80,
        .abandoned_within_t = 30,
        .blocked = 20,
        .waited = 400,
        .wait_sum_s = 9000,
        .answered_wait_sum_s = 7200,
        .queue_area_s = 18000,
        .busy_agent_s = 27000,
        .staffed_agent_s = 36000,
        .window_s = 3600,
    };
    struct {
        enum acd_metric m;
        double want;
    } cases[] = {
        {ACD_M_OFFERED, 1000},
        {ACD_M_SERVICE_LEVEL, 0.8},
        {ACD_M_SERVICE_LEVEL_ANSWERED, 800.0 / 900},
        {ACD_M_ANSWERED_RATE, 0.9},
        {ACD_M_ABANDON_RATE, 0.08},
        {ACD_M_BLOCKED_RATE, 0.02},
        {ACD_M_P_WAIT, 0.4},
        {ACD_M_ASA, 8},
        {ACD_M_MEAN_WAIT, 9},
        {ACD_M_MEAN_QUEUE_LEN, 5},
        {ACD_M_OCCUPANCY, 0.75},
        {ACD_M_BUSY_AGENTS, 7.5},
        {ACD_M_STAFFED_AGENTS, 10},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_approx(acd_metrics[cases[i].m].eval(&c, NULL), cases[i].want, 1e-15, 0);
    /* Undefined ratios are NAN, not 0 or a crash. */
    struct acd_counts z = {0};
    assert_true(isnan(acd_metrics[ACD_M_ASA].eval(&z, NULL)));
    assert_true(isnan(acd_metrics[ACD_M_SERVICE_LEVEL].eval(&z, NULL)));
    /* Table lookup and uniqueness. */
    for (size_t m = 0; m < ACD_METRIC_COUNT; m++) {
        assert_non_null(acd_metrics[m].key);
        assert_int_equal(acd_stats_metric_find(acd_metrics[m].key), m);
    }
    assert_int_equal(acd_stats_metric_find("service_levle"), ACD_METRIC_COUNT);
    /* counts_add sums every field but the window. */
    struct acd_counts sum = {.window_s = 3600};
    acd_stats_counts_add(&sum, &c);
    acd_stats_counts_add(&sum, &c);
    assert_true(sum.offered == 2000 && sum.busy_agent_s == 54000 && sum.window_s == 3600);
}

/* The sparse histograms: every quantile of every run of histograms as the
 * dense histograms holding the same values give it, bit for bit (zeros,
 * the linear and log bins, the overflow bin, empty runs, big runs). */
static void
test_hist_log(void **state)
{
    (void)state;
    enum { NH = 40 };
    struct acd_hist *dense = calloc(NH, sizeof(*dense));
    struct acd_hist_log log = {0};
    srand(7);
    for (int round = 0; round < 2; round++) {
        for (size_t h = 0; h < NH; h++)
            memset(&dense[h], 0, sizeof(dense[h]));
        acd_stats_hlog_clear(&log);
        for (int i = 0; i < 6000; i++) {
            uint32_t h = (uint32_t)(rand() % NH);
            if (h % 7 == 3)
                continue; /* some histograms stay empty */
            if (h == 5 && i % 2)
                h = 6; /* a big one */
            double u = (double)rand() / RAND_MAX, x;
            switch (rand() % 5) {
            case 0:
                x = 0;
                break;
            case 1:
                x = u * 120;
                break;
            case 2:
                x = 120 + u * 3000;
                break;
            case 3:
                x = round == 0 ? u * 20 : 2e7;
                break; /* the overflow bin */
            default:
                x = floor(u * 40) * 0.05;
                break; /* on bin edges */
            }
            acd_stats_hist_add(&dense[h], x);
            acd_stats_hlog_add(&log, h, x);
        }
        acd_stats_hlog_sort(&log);
        const double qs[] = {0, 0.1, 0.5, 0.9, 0.99, 1};
        for (uint32_t h0 = 0; h0 < NH; h0++)
            for (uint32_t h1 = h0; h1 <= NH + 2; h1 += 1 + h1 % 3) {
                const struct acd_hist *hs[NH];
                size_t n = 0;
                for (uint32_t h = h0; h < h1 && h < NH; h++)
                    hs[n++] = &dense[h];
                for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
                    double a = acd_stats_hist_quantile_n(hs, n, qs[i]);
                    double b = acd_stats_hlog_quantile(&log, h0, h1, qs[i]);
                    if (isnan(a))
                        assert_true(isnan(b));
                    else
                        assert_memory_equal(&a, &b, sizeof(a));
                }
            }
    }
    acd_stats_hlog_free(&log);
    free(dense);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hist_quantiles), cmocka_unit_test(test_hist_overflow_quantile),
        cmocka_unit_test(test_estimate),       cmocka_unit_test(test_tally),
        cmocka_unit_test(test_metrics),        cmocka_unit_test(test_hist_log),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
