/*
 * Unit tests for units: every accepted form of durations, rates, clock
 * times and strict numbers, a long list of rejected ones (which must leave
 * the output untouched), and clock formatting.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* After the four above, which it needs and does not include. */
#include <cmocka.h>

#include <locale.h>
#include <math.h>
#include <string.h>

#include "approx.h"
#include "units.h"

/* Sentinel: a rejected input must not touch the output. */
#define UNTOUCHED (-12345.0)

struct ok_case {
    const char *in;
    double want;
};

typedef int (*parse_fn)(const char *, double *);

static void
check_ok(parse_fn fn, const char *what, const struct ok_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double v = UNTOUCHED;
        int rc = fn(cases[i].in, &v);
        if (rc != 0 || !approx_eq(v, cases[i].want, 1e-15, 1e-300)) {
            print_error("%s('%s'): rc %d, value %.17g, expected %.17g\n", what, cases[i].in, rc, v,
                        cases[i].want);
            fail();
        }
    }
}

static void
check_bad(parse_fn fn, const char *what, const char *const *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double v = UNTOUCHED;
        int rc = fn(cases[i], &v);
        if (rc != -1 || v != UNTOUCHED) {
            print_error("%s('%s') accepted: rc %d, value %.17g\n", what, cases[i], rc, v);
            fail();
        }
    }
}

#define CHECK_OK(fn, cases)  check_ok(fn, #fn, cases, sizeof cases / sizeof cases[0])
#define CHECK_BAD(fn, cases) check_bad(fn, #fn, cases, sizeof cases / sizeof cases[0])

static void
test_duration_ok(void **state)
{
    (void)state;
    static const struct ok_case cases[] = {
        {"90", 90.0},         {"0", 0.0},           {"0.5", 0.5},
        {".5", 0.5},          {"5.", 5.0},          {"1e3", 1000.0},
        {"2.5E-1", 0.25},     {"-30", -30.0},       {"+30", 30.0},
        {"90s", 90.0},        {"90sec", 90.0},      {"90secs", 90.0},
        {"1second", 1.0},     {"2seconds", 2.0},    {"1.5m", 90.0},
        {"30min", 1800.0},    {"2mins", 120.0},     {"1minute", 60.0},
        {"3minutes", 180.0},  {"2h", 7200.0},       {"2hr", 7200.0},
        {"2hrs", 7200.0},     {"1hour", 3600.0},    {"0.5hours", 1800.0},
        {"1d", 86400.0},      {"2days", 172800.0},  {"250ms", 0.25},
        {"1e2s", 100.0},      {"-5m", -300.0},      {"200000s", 200000.0},
        {"1h30m", 5400.0},    {"1h30m15s", 5415.0}, {"2m30s", 150.0},
        {"1.5h0.5m", 5430.0}, {"-1h30m", -5400.0},  {"00:30", 1800.0},
        {"0:30", 1800.0},     {"01:02:03", 3723.0}, {"1:00:00", 3600.0},
        {"00:00:30.5", 30.5}, {"100:00", 360000.0}, {"-00:30", -1800.0},
        {"00:00", 0.0},
    };
    CHECK_OK(acd_units_parse_duration, cases);
}

static void
test_duration_bad(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "",
        " ",
        "s",
        "m",
        "90 s",
        " 90",
        "90 ",
        "90s ",
        "9 0",
        "90x",
        "90S",
        "90sx",
        "90s5",
        "1h30",
        "h1",
        "1hh",
        "--5",
        "+-5",
        "-",
        "+",
        ".",
        "1.2.3",
        "1e",
        "1e+",
        "1e5e",
        "nan",
        "NaN",
        "inf",
        "-inf",
        "Inf",
        "infinity",
        "0x10",
        "0x1p3",
        "1e999",
        "1e999s",
        "0:3",
        "00:60",
        "00:5",
        "00:30:60",
        "00:30:5",
        "1:2:3",
        "00:30:",
        ":30",
        "00::30",
        "00:30:00:00",
        "1:30m",
        "00:30s",
        "a1",
        "1/s",
        "1,5",
        "1_000",
        "\t1",
        "1\n",
        "--",
        "1h-30m",
        "1h+30m",
        "01:02:03.",
        "1234567890:00",
    };
    CHECK_BAD(acd_units_parse_duration, cases);
    double v = UNTOUCHED;
    assert_int_equal(acd_units_parse_duration(NULL, &v), -1);
    assert_true(v == UNTOUCHED);
}

static void
test_rate_ok(void **state)
{
    (void)state;
    static const struct ok_case cases[] = {
        {"2", 2.0},         {"0.25", 0.25},   {"2/s", 2.0},       {"2/sec", 2.0},
        {"2/second", 2.0},  {"120/min", 2.0}, {"120/m", 2.0},     {"120/minute", 2.0},
        {"7200/h", 2.0},    {"7200/hr", 2.0}, {"7200/hour", 2.0}, {"86400/d", 1.0},
        {"86400/day", 1.0}, {"0/s", 0.0},     {"-1/s", -1.0},     {"1e3/h", 1000.0 / 3600.0},
        {"3.6e3/h", 1.0},   {".5/s", 0.5},    {"1/ms", 1000.0},
    };
    CHECK_OK(acd_units_parse_rate, cases);
}

static void
test_rate_bad(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "",      "/s",    "2/",      "2/x",    "2/S",    "2 /s",     "2/ s",    "2/s ",  " 2/s",
        "2//s",  "2/s/s", "2s",      "2/min2", "2/2min", "nan",      "inf",     "inf/s", "nan/h",
        "0x2/s", "1e999", "1e999/s", "2per s", "2/ h",   "2/hours ", "2.3.4/s", "/",     "2/1",
    };
    CHECK_BAD(acd_units_parse_rate, cases);
    /* Tiny but finite rates are syntax-valid; range checks are the caller's. */
    double v = UNTOUCHED;
    assert_int_equal(acd_units_parse_rate("1e-300/h", &v), 0);
    assert_true(v > 0.0 && v < 1e-300);
}

static void
test_clock_ok(void **state)
{
    (void)state;
    static const struct ok_case cases[] = {
        {"00:00", 0.0},
        {"07:00", 25200.0},
        {"7:00", 25200.0},
        {"07:30", 27000.0},
        {"07:00:30", 25230.0},
        {"19:59:59", 71999.0},
        {"23:59", 86340.0},
        {"24:00", 86400.0},
        {"25:30", 91800.0},
        {"47:59:59", 172799.0},
        {"48:00", 172800.0},
        {"48:00:00", 172800.0},
        {"07:00:30.25", 25230.25},
    };
    CHECK_OK(acd_units_parse_clock, cases);
}

static void
test_clock_bad(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "",         "7",       "07",     "0700",        "07:0",      "07:000",   "07:60",
        "07:00:60", "07:00:5", "07:00:", ":00",         "007:00",    "48:00:01", "48:01",
        "49:00",    "99:00",   "-07:00", "+07:00",      " 07:00",    "07:00 ",   "07:00am",
        "07h00",    "07.00",   "nan",    "07:00:00:00", "07:00:30.", "7:5",      "a7:00",
        "1h",       "90",      "07:-1",
    };
    CHECK_BAD(acd_units_parse_clock, cases);
}

static void
test_real(void **state)
{
    (void)state;
    static const struct ok_case ok[] = {
        {"0", 0.0},           {"1", 1.0},    {"0.8", 0.8},       {"-0.5", -0.5},
        {"+2", 2.0},          {".25", 0.25}, {"3.", 3.0},        {"1e-3", 1e-3},
        {"6.02E23", 6.02e23}, {"007", 7.0},  {"1e-320", 1e-320},
    };
    CHECK_OK(acd_units_parse_real, ok);
    static const char *const bad[] = {
        "",    " 1", "1 ", "1x", "1s", "80%",  "nan", "(double)NAN", "inf", "-inf",
        "0x1", "1e", "e5", ".",  "-",  "1..2", "1,5", "1e999",       "--1", "1/s",
    };
    CHECK_BAD(acd_units_parse_real, bad);
}

static void
test_uint(void **state)
{
    (void)state;
    unsigned long long v = 0;
    assert_int_equal(acd_units_parse_uint("0", &v), 0);
    assert_true(v == 0);
    assert_int_equal(acd_units_parse_uint("105", &v), 0);
    assert_true(v == 105);
    assert_int_equal(acd_units_parse_uint("007", &v), 0);
    assert_true(v == 7);
    assert_int_equal(acd_units_parse_uint("18446744073709551615", &v), 0);
    assert_true(v == 18446744073709551615ULL);
    static const char *const bad[] = {
        "",
        "-1",
        "+1",
        " 1",
        "1 ",
        "1.0",
        "1e3",
        "0x10",
        "12a",
        "a",
        "18446744073709551616",
        "99999999999999999999999",
        "nan",
        "1_000",
        "1,000",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = 42;
        if (acd_units_parse_uint(bad[i], &v) != -1 || v != 42) {
            print_error("parse_uint('%s') accepted\n", bad[i]);
            fail();
        }
    }
    assert_int_equal(acd_units_parse_uint(NULL, &v), -1);
}

/* A front end may switch to a locale with a decimal comma; parsing must not
 * follow it. */
static void
test_locale_independent(void **state)
{
    (void)state;
    const char *locales[] = {"de_DE.UTF-8", "fr_FR.UTF-8", "de_DE", "C.UTF-8"};
    for (size_t i = 0; i < sizeof locales / sizeof locales[0]; i++) {
        if (!setlocale(LC_NUMERIC, locales[i]))
            continue;
        double v = 0.0;
        assert_int_equal(acd_units_parse_duration("1.5m", &v), 0);
        assert_true(v == 90.0);
        assert_int_equal(acd_units_parse_real("0.8", &v), 0);
        assert_true(v == 0.8);
        assert_int_equal(acd_units_parse_real("0,8", &v), -1);
    }
    setlocale(LC_NUMERIC, "C");
}

static void
test_format_clock(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(acd_units_format_clock(0.0, buf, sizeof buf), "00:00");
    assert_string_equal(acd_units_format_clock(25200.0, buf, sizeof buf), "07:00");
    assert_string_equal(acd_units_format_clock(27000.0, buf, sizeof buf), "07:30");
    assert_string_equal(acd_units_format_clock(27015.0, buf, sizeof buf), "07:30:15");
    assert_string_equal(acd_units_format_clock(27015.5, buf, sizeof buf), "07:30:15.5");
    assert_string_equal(acd_units_format_clock(27015.125, buf, sizeof buf), "07:30:15.125");
    assert_string_equal(acd_units_format_clock(86400.0, buf, sizeof buf), "24:00");
    assert_string_equal(acd_units_format_clock(91800.0, buf, sizeof buf), "25:30");
    /* Rounding noise from interval arithmetic does not show. */
    assert_string_equal(acd_units_format_clock(27000.0 - 1e-7, buf, sizeof buf), "07:30");
    assert_string_equal(acd_units_format_clock(1799.9999999, buf, sizeof buf), "00:30");
    assert_string_equal(acd_units_format_clock(-1800.0, buf, sizeof buf), "-00:30");
    assert_string_equal(acd_units_format_clock((double)NAN, buf, sizeof buf), "--:--");
    /* Truncated to the buffer, always terminated. */
    char small[4];
    assert_ptr_equal(acd_units_format_clock(25200.0, small, sizeof small), small);
    assert_string_equal(small, "07:");
    /* Round trip with the parser over a day and a half, every 7.5 s. */
    for (double t = 0.0; t <= 48.0 * 3600.0; t += 7.5) {
        double back = -1.0;
        acd_units_format_clock(t, buf, sizeof buf);
        assert_int_equal(acd_units_parse_clock(buf, &back), 0);
        assert_true(back == t);
    }
}

/* Calendar dates of `days:`: real dates only, weekdays, round trips. */
static void
test_dates(void **state)
{
    (void)state;
    long d;
    assert_int_equal(acd_units_parse_date("1970-01-01", &d), 0);
    assert_int_equal(d, 0);
    assert_int_equal(acd_units_weekday(d), 3); /* a Thursday */
    assert_int_equal(acd_units_parse_date("2026-12-07", &d), 0);
    assert_int_equal(acd_units_weekday(d), 0); /* a Monday */
    char buf[32];
    assert_string_equal(acd_units_format_date(d + 25, buf, sizeof(buf)), "2027-01-01");
    assert_int_equal(acd_units_parse_date("2024-02-29", &d), 0);
    assert_string_equal(acd_units_format_date(d, buf, sizeof(buf)), "2024-02-29");
    assert_int_equal(acd_units_parse_date("1900-03-01", &d), 0);
    assert_string_equal(acd_units_format_date(d - 1, buf, sizeof(buf)), "1900-02-28");
    const char *bad[] = {"2026-02-29", "2100-02-29", "2026-13-01", "2026-00-10",
                         "2026-04-31", "2026-4-01",  "26-04-01",   "2026/04/01",
                         "1899-12-31", "",           "2026-04-01x"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(acd_units_parse_date(bad[i], &d), -1);
    assert_int_equal(acd_units_parse_date(NULL, &d), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duration_ok),
        cmocka_unit_test(test_duration_bad),
        cmocka_unit_test(test_rate_ok),
        cmocka_unit_test(test_rate_bad),
        cmocka_unit_test(test_clock_ok),
        cmocka_unit_test(test_clock_bad),
        cmocka_unit_test(test_real),
        cmocka_unit_test(test_uint),
        cmocka_unit_test(test_locale_independent),
        cmocka_unit_test(test_format_clock),
        cmocka_unit_test(test_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
