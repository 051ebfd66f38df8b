/*
 * Unit tests for display: every look of a number (mean, CI, difference,
 * the staffing cell, agents, exact figures, thousands separators) in every
 * unit, undefined values, and alignment by display columns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "acdsim/sim.h"
#include "acdsim/stats.h"
#include "display.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUF 64

/* A mean beside its bound never reads as the bound unless it is equal. */
static void
test_beside(void **state)
{
    (void)state;
    char b[64];
    assert_string_equal(acd_display_beside(ACD_DISPLAY_SHARE, 0.05036, 0.05, b, sizeof(b)),
                        "5.04%");
    assert_string_equal(acd_display_beside(ACD_DISPLAY_SHARE, 0.7996, 0.8, b, sizeof(b)), "79.96%");
    assert_string_equal(acd_display_beside(ACD_DISPLAY_SHARE, 0.050001, 0.05, b, sizeof(b)),
                        "5.0001%");
    assert_string_equal(acd_display_beside(ACD_DISPLAY_SHARE, 0.05, 0.05, b, sizeof(b)), "5.0%");
    assert_string_equal(acd_display_beside(ACD_DISPLAY_SHARE, 0.061, 0.05, b, sizeof(b)), "6.1%");
    assert_string_equal(acd_display_beside(ACD_DISPLAY_SECONDS, 30.04, 30, b, sizeof(b)), "30.04s");
    assert_string_equal(acd_display_beside(ACD_DISPLAY_SECONDS, nan(""), 30, b, sizeof(b)), "n/a");
    assert_string_equal(acd_display_beside(ACD_DISPLAY_SHARE, 0.0406, 0.0405, b, sizeof(b)),
                        "4.1%"); /* reads apart from "4.05%" already */
    /* Bounds read as given. */
    assert_string_equal(acd_display_bound(ACD_DISPLAY_SHARE, 0.0405, b, sizeof(b)), "4.05%");
    assert_string_equal(acd_display_bound(ACD_DISPLAY_SHARE, 0.8, b, sizeof(b)), "80.0%");
    assert_string_equal(acd_display_bound(ACD_DISPLAY_SECONDS, 22.5, b, sizeof(b)), "22.5s");
    assert_string_equal(acd_display_bound(ACD_DISPLAY_SECONDS, 22.25, b, sizeof(b)), "22.25s");
}

static void
test_metric_units(void **state)
{
    (void)state;
    assert_int_equal(acd_display_metric_unit(ACD_M_SERVICE_LEVEL), ACD_DISPLAY_SHARE);
    assert_int_equal(acd_display_metric_unit(ACD_M_OCCUPANCY), ACD_DISPLAY_SHARE);
    assert_int_equal(acd_display_metric_unit(ACD_M_ASA), ACD_DISPLAY_SECONDS);
    assert_int_equal(acd_display_metric_unit(ACD_M_RESOLUTION_TIME), ACD_DISPLAY_SECONDS);
    assert_int_equal(acd_display_metric_unit(ACD_M_OFFERED), ACD_DISPLAY_COUNT);
    assert_int_equal(acd_display_metric_unit(ACD_M_MEAN_QUEUE_LEN), ACD_DISPLAY_NUMBER);
    assert_int_equal(acd_display_metric_unit(ACD_M_BUSY_AGENTS), ACD_DISPLAY_NUMBER);
    assert_int_equal(acd_display_metric_unit(ACD_M_COST), ACD_DISPLAY_MONEY);
    assert_int_equal(acd_display_metric_unit(ACD_M_COST_PER_CALL), ACD_DISPLAY_MONEY);
}

static void
test_value(void **state)
{
    (void)state;
    char b[BUF];
    assert_string_equal(acd_display_value(ACD_DISPLAY_SHARE, 0.81234, 0, b, BUF), "81.2%");
    assert_string_equal(acd_display_value(ACD_DISPLAY_SECONDS, 12.345, 0, b, BUF), "12.3s");
    assert_string_equal(acd_display_value(ACD_DISPLAY_COUNT, 12345.6, 0, b, BUF), "12346");
    assert_string_equal(acd_display_value(ACD_DISPLAY_NUMBER, 3.2749, 0, b, BUF), "3.27");
    assert_string_equal(acd_display_value(ACD_DISPLAY_MONEY, 5312.5, 0, b, BUF), "5312.50");
    assert_string_equal(acd_display_value(ACD_DISPLAY_COUNT, 12345.6, ACD_DISPLAY_GROUPED, b, BUF),
                        "12,346");
    assert_string_equal(acd_display_value(ACD_DISPLAY_MONEY, 5312.5, ACD_DISPLAY_GROUPED, b, BUF),
                        "5,312.50");
    /* Grouping is for counts and numbers: shares and times stay as they are. */
    assert_string_equal(acd_display_value(ACD_DISPLAY_SECONDS, 1234.5, ACD_DISPLAY_GROUPED, b, BUF),
                        "1234.5s");
    for (int u = ACD_DISPLAY_SHARE; u <= ACD_DISPLAY_MONEY; u++) {
        assert_string_equal(acd_display_value(u, (double)NAN, 0, b, BUF), "n/a");
        assert_string_equal(acd_display_value(u, (double)INFINITY, 0, b, BUF), "n/a");
    }
}

static void
test_ci(void **state)
{
    (void)state;
    char b[BUF];
    /* Percentage points for shares: no "%". */
    assert_string_equal(acd_display_ci(ACD_DISPLAY_SHARE, 0.0134, 0, b, BUF), "± 1.3");
    assert_string_equal(acd_display_ci(ACD_DISPLAY_SECONDS, 0.84, 0, b, BUF), "± 0.8s");
    assert_string_equal(acd_display_ci(ACD_DISPLAY_COUNT, 12.4, 0, b, BUF), "± 12");
    assert_string_equal(acd_display_ci(ACD_DISPLAY_NUMBER, 0.125, 0, b, BUF), "± 0.12");
    assert_string_equal(acd_display_ci(ACD_DISPLAY_COUNT, 1234.4, ACD_DISPLAY_GROUPED, b, BUF),
                        "± 1,234");
    assert_string_equal(acd_display_ci(ACD_DISPLAY_SHARE, (double)NAN, 0, b, BUF), "");
}

static void
test_diff(void **state)
{
    (void)state;
    char b[BUF];
    assert_string_equal(acd_display_diff(ACD_DISPLAY_SHARE, 0.004, b, BUF), "+0.4 pts");
    assert_string_equal(acd_display_diff(ACD_DISPLAY_SHARE, -0.0123, b, BUF), "-1.2 pts");
    assert_string_equal(acd_display_diff(ACD_DISPLAY_SECONDS, -1.23, b, BUF), "-1.2s");
    assert_string_equal(acd_display_diff(ACD_DISPLAY_NUMBER, 0.25, b, BUF), "+0.25");
    assert_string_equal(acd_display_diff(ACD_DISPLAY_SECONDS, (double)NAN, b, BUF), "n/a");
}

static void
test_estimate_and_agents(void **state)
{
    (void)state;
    char b[BUF];
    struct acd_estimate e = {.mean = 0.8312, .ci95 = 0.0121, .n = 5};
    assert_string_equal(acd_display_estimate(ACD_DISPLAY_SHARE, &e, b, BUF), "83.1% ±1.2");
    e = (struct acd_estimate){.mean = 12.34, .ci95 = 0.56, .n = 5};
    assert_string_equal(acd_display_estimate(ACD_DISPLAY_SECONDS, &e, b, BUF), "12.3s ±0.6");
    e = (struct acd_estimate){.mean = 1520.4, .ci95 = 11.6, .n = 5};
    assert_string_equal(acd_display_estimate(ACD_DISPLAY_COUNT, &e, b, BUF), "1520 ±12");
    e.ci95 = (double)NAN;
    assert_string_equal(acd_display_estimate(ACD_DISPLAY_COUNT, &e, b, BUF), "1520");
    e.mean = (double)NAN;
    assert_string_equal(acd_display_estimate(ACD_DISPLAY_COUNT, &e, b, BUF), "n/a");

    assert_string_equal(acd_display_agents(10, b, BUF), "10");
    assert_string_equal(acd_display_agents(10.5, b, BUF), "10.5");
    assert_string_equal(acd_display_agents((double)NAN, b, BUF), "n/a");
}

static void
test_exact(void **state)
{
    (void)state;
    char b[BUF];
    assert_string_equal(acd_display_exact(ACD_DISPLAY_SHARE, 0.812345, b, BUF), "81.2345 %");
    assert_string_equal(acd_display_exact(ACD_DISPLAY_SECONDS, 12.5, b, BUF), "12.5000 s");
    assert_string_equal(acd_display_exact(ACD_DISPLAY_RATE, 0.5, b, BUF), "0.5000 /s");
    assert_string_equal(acd_display_exact(ACD_DISPLAY_NUMBER, 1e-5, b, BUF), "1.000e-05");
    assert_string_equal(acd_display_exact(ACD_DISPLAY_NUMBER, 0, b, BUF), "0.0000");
    assert_string_equal(acd_display_exact(ACD_DISPLAY_SHARE, (double)NAN, b, BUF), "-");
}

static void
test_grouped(void **state)
{
    (void)state;
    char b[BUF];
    assert_string_equal(acd_display_grouped(0, 0, b, BUF), "0");
    assert_string_equal(acd_display_grouped(999, 0, b, BUF), "999");
    assert_string_equal(acd_display_grouped(1000, 0, b, BUF), "1,000");
    assert_string_equal(acd_display_grouped(1234567.891, 2, b, BUF), "1,234,567.89");
    assert_string_equal(acd_display_grouped(-12345.6, 1, b, BUF), "-12,345.6");
    /* A negative that rounds to zero never reads "-0". */
    assert_string_equal(acd_display_grouped(-0.004, 2, b, BUF), "0.00");
    /* A short buffer cuts, never overflows. */
    char small[4];
    acd_display_grouped(1234567, 0, small, sizeof(small));
    assert_true(strlen(small) < sizeof(small));
}

static char *
aligned(void (*put)(FILE *, const char *, int), const char *s, int width)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    put(f, s, width);
    fclose(f);
    return buf;
}

static void
test_alignment(void **state)
{
    (void)state;
    assert_int_equal(acd_display_columns("± 1.3"), 5); /* "±" is two bytes, one column */
    assert_int_equal(acd_display_columns("r\xc3\xa9sum\xc3\xa9"), 6);
    assert_int_equal(acd_display_columns(""), 0);
    char *s = aligned(acd_display_put_right, "± 1.3", 8);
    assert_string_equal(s, "   ± 1.3");
    free(s);
    s = aligned(acd_display_put_left, "± 1.3", 8);
    assert_string_equal(s, "± 1.3   ");
    free(s);
    s = aligned(acd_display_put_right, "too wide", 3); /* written whole */
    assert_string_equal(s, "too wide");
    free(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metric_units), cmocka_unit_test(test_beside),
        cmocka_unit_test(test_value),        cmocka_unit_test(test_ci),
        cmocka_unit_test(test_diff),         cmocka_unit_test(test_estimate_and_agents),
        cmocka_unit_test(test_exact),        cmocka_unit_test(test_grouped),
        cmocka_unit_test(test_alignment),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
