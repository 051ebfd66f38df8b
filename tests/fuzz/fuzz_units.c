/*
 * Fuzz the unit parsers (units.h): durations, rates, clock times,
 * integers, reals, fractions. Any text parses or is rejected; what parses
 * is finite, and formatted again (acd_units_format_duration / _clock) it
 * parses back to the same value within the format's rounding.
 */
#include "fuzz_common.h"
#include "units.h"
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Equal within `rel` of the larger magnitude plus `abs_tol`. */
static int
near(double a, double b, double rel, double abs_tol)
{
    double m = fmax(fabs(a), fabs(b));
    return fabs(a - b) <= rel * m + abs_tol;
}

static void
check_duration_back(double v, const char *from)
{
    char buf[64], clock[64];
    double back;
    acd_units_format_duration(v, buf, sizeof buf);
    FUZZ_CHECK(acd_units_parse_duration(buf, &back) == 0, "'%s' (from '%s') does not parse", buf,
               from);
    /* %.10g: ten significant digits. */
    FUZZ_CHECK(near(back, v, 1e-9, 0), "'%s' -> %.17g -> '%s' -> %.17g", from, v, buf, back);
    if (v >= 0 && v < 1e11) { /* format_clock: hh:mm below 1e12 s */
        acd_units_format_clock(v, clock, sizeof clock);
        /* Clock text is a duration too (hh:mm[:ss[.fff]]), to the millisecond. */
        FUZZ_CHECK(acd_units_parse_duration(clock, &back) == 0, "clock '%s' (from '%s') rejected",
                   clock, from);
        FUZZ_CHECK(near(back, v, 1e-14, 0.0005 + 1e-9), "'%s' -> %.17g -> '%s' -> %.17g", from, v,
                   clock, back);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256)
        return 0;
    char *s = fuzz_cstr(data, size);
    double v;
    unsigned long long u;

    if (acd_units_parse_duration(s, &v) == 0) {
        FUZZ_CHECK(isfinite(v), "duration '%s' = %g", s, v);
        check_duration_back(v, s);
    }
    if (acd_units_parse_rate(s, &v) == 0) {
        FUZZ_CHECK(isfinite(v), "rate '%s' = %g", s, v);
        char buf[64];
        double back;
        snprintf(buf, sizeof buf, "%.17g/s", v);
        FUZZ_CHECK(acd_units_parse_rate(buf, &back) == 0 && back == v, "rate '%s' -> '%s'", s, buf);
    }
    if (acd_units_parse_clock(s, &v) == 0) {
        FUZZ_CHECK(v >= 0 && v <= 48 * 3600.0, "clock '%s' = %g", s, v);
        char buf[64];
        double back;
        acd_units_format_clock(v, buf, sizeof buf);
        FUZZ_CHECK(acd_units_parse_clock(buf, &back) == 0, "clock '%s' -> '%s' rejected", s, buf);
        FUZZ_CHECK(fabs(back - v) <= 0.0005 + 1e-9, "clock '%s' -> %.17g -> '%s' -> %.17g", s, v,
                   buf, back);
        check_duration_back(v, s);
    }
    if (acd_units_parse_uint(s, &u) == 0) {
        char buf[32];
        unsigned long long back;
        snprintf(buf, sizeof buf, "%llu", u);
        FUZZ_CHECK(acd_units_parse_uint(buf, &back) == 0 && back == u, "uint '%s'", s);
    }
    if (acd_units_parse_real(s, &v) == 0) {
        FUZZ_CHECK(isfinite(v), "real '%s' = %g", s, v);
        char buf[64];
        double back;
        snprintf(buf, sizeof buf, "%.17g", v);
        FUZZ_CHECK(acd_units_parse_real(buf, &back) == 0 && back == v, "real '%s' -> '%s'", s, buf);
    }
    if (acd_units_parse_fraction(s, &v) == 0)
        FUZZ_CHECK(isfinite(v), "fraction '%s' = %g", s, v);
    free(s);
    return 0;
}
