/*
 * units: parsing and formatting of the interface's durations, rates and
 * clock times (units.h). Pure functions without allocation or global state,
 * so scenario parsing and the command line can share them from any thread.
 *
 * Numbers are scanned by hand before conversion: strtod alone would accept
 * hex, "inf", "nan", leading blanks and a locale-dependent decimal point.
 * Not here: range checks (the caller says "must be positive", not "bad
 * syntax") and the scenario's own diagnostics.
 */
#include "units.h"

#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest numeric token we convert; longer ones are rejected as junk. */
#define ACD_UNITS_NUM_MAX 64

/* Clock times may run past midnight into a second day (until 48:00). */
#define ACD_UNITS_CLOCK_MAX_S (48.0 * 3600.0)

struct unit_scale {
    const char *name;
    double seconds; /* length of the unit in seconds */
};

/* Duration suffixes; also the denominators of rates ("/min"). */
static const struct unit_scale time_units[] = {
    {"ms", 1e-3},      {"s", 1.0},     {"sec", 1.0},     {"secs", 1.0},     {"second", 1.0},
    {"seconds", 1.0},  {"m", 60.0},    {"min", 60.0},    {"mins", 60.0},    {"minute", 60.0},
    {"minutes", 60.0}, {"h", 3600.0},  {"hr", 3600.0},   {"hrs", 3600.0},   {"hour", 3600.0},
    {"hours", 3600.0}, {"d", 86400.0}, {"day", 86400.0}, {"days", 86400.0},
};

static bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool
is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Length of the decimal number at s ([+-]digits[.digits][e[+-]digits], at
 * least one mantissa digit), or 0 if there is none. The sign is allowed
 * only when `sign` is true. */
static size_t
scan_number(const char *s, bool sign)
{
    size_t i = 0, digits = 0;
    if (sign && (s[i] == '+' || s[i] == '-'))
        i++;
    while (is_digit(s[i])) {
        i++;
        digits++;
    }
    if (s[i] == '.') {
        i++;
        while (is_digit(s[i])) {
            i++;
            digits++;
        }
    }
    if (digits == 0)
        return 0;
    if (s[i] == 'e' || s[i] == 'E') {
        size_t j = i + 1;
        if (s[j] == '+' || s[j] == '-')
            j++;
        if (is_digit(s[j])) {
            while (is_digit(s[j]))
                j++;
            i = j;
        }
        /* "2e" or "2min"-like suffixes: leave the 'e' to the caller, who
         * rejects it as an unknown unit. */
    }
    return i;
}

/* Convert the validated number s[0..len) to a finite double. The span is
 * copied so strtod sees it alone, with '.' swapped for the locale's decimal
 * point in case a front end called setlocale(). */
static int
convert_number(const char *s, size_t len, double *out)
{
    char buf[ACD_UNITS_NUM_MAX];
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    const char *dp = localeconv()->decimal_point;
    if (dp && dp[0] && dp[0] != '.' && !dp[1]) {
        char *dot = strchr(buf, '.');
        if (dot)
            *dot = dp[0];
    }
    char *end;
    double v = strtod(buf, &end);
    if (*end != '\0' || !isfinite(v))
        return -1;
    /* Underflow to zero or a subnormal is harmless; overflow was caught. */
    *out = v;
    return 0;
}

/* Seconds per unit for the name s[0..len), or 0 if unknown. */
static double
unit_seconds(const char *s, size_t len)
{
    for (size_t i = 0; i < sizeof time_units / sizeof time_units[0]; i++) {
        if (strlen(time_units[i].name) == len && strncmp(time_units[i].name, s, len) == 0)
            return time_units[i].seconds;
    }
    return 0.0;
}

int
acd_units_parse_real(const char *s, double *out)
{
    if (!s)
        return -1;
    size_t n = scan_number(s, true);
    if (n == 0 || s[n] != '\0')
        return -1;
    return convert_number(s, n, out);
}

int
acd_units_parse_fraction(const char *s, double *out)
{
    size_t n = s ? strlen(s) : 0;
    if (n > 1 && s[n - 1] == '%') {
        char buf[64];
        if (n >= sizeof buf)
            return -1;
        memcpy(buf, s, n - 1);
        buf[n - 1] = '\0';
        double v;
        if (acd_units_parse_real(buf, &v) < 0)
            return -1;
        *out = v / 100.0;
        return 0;
    }
    return acd_units_parse_real(s, out);
}

int
acd_units_parse_uint(const char *s, unsigned long long *out)
{
    if (!s || !is_digit(s[0]))
        return -1;
    unsigned long long v = 0;
    for (const char *p = s; *p; p++) {
        if (!is_digit(*p))
            return -1;
        unsigned d = (unsigned)(*p - '0');
        if (v > (ULLONG_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

/* Parse "h:mm" or "h:mm:ss[.fff]" (hours: `hmin`..`hmax` digits; minutes
 * and seconds exactly two digits below 60) into seconds. */
static int
parse_colon_time(const char *s, size_t hmin, size_t hmax, double *out_s)
{
    size_t i = 0;
    double h = 0.0;
    while (is_digit(s[i])) {
        if (i >= hmax)
            return -1;
        h = h * 10.0 + (s[i] - '0');
        i++;
    }
    if (i < hmin || s[i] != ':')
        return -1;
    i++;
    if (!is_digit(s[i]) || !is_digit(s[i + 1]))
        return -1;
    int m = (s[i] - '0') * 10 + (s[i + 1] - '0');
    i += 2;
    if (m > 59)
        return -1;
    double sec = 0.0;
    if (s[i] == ':') {
        i++;
        if (!is_digit(s[i]) || !is_digit(s[i + 1]))
            return -1;
        size_t start = i;
        i += 2;
        if (s[i] == '.') {
            i++;
            if (!is_digit(s[i]))
                return -1;
            while (is_digit(s[i]))
                i++;
        }
        if (convert_number(s + start, i - start, &sec) < 0 || sec >= 60.0)
            return -1;
    }
    if (s[i] != '\0')
        return -1;
    *out_s = h * 3600.0 + m * 60.0 + sec;
    return 0;
}

int
acd_units_parse_duration(const char *s, double *out_s)
{
    if (!s)
        return -1;
    const char *p = s;
    double sign = 1.0;
    if (*p == '+' || *p == '-') {
        sign = *p == '-' ? -1.0 : 1.0;
        p++;
    }
    /* hh:mm and hh:mm:ss, read like clock times ("00:30" is 30 minutes). */
    if (strchr(p, ':')) {
        double v;
        /* Durations may exceed a day ("100:00"); 9 digits is ample. */
        if (parse_colon_time(p, 1, 9, &v) < 0)
            return -1;
        *out_s = sign * v;
        return 0;
    }
    size_t n = scan_number(p, false);
    if (n == 0)
        return -1;
    double total = 0.0;
    if (p[n] == '\0') { /* bare number: seconds */
        if (convert_number(p, n, &total) < 0)
            return -1;
        *out_s = sign * total;
        return 0;
    }
    /* One or more number+unit pairs: "90s", "1.5m", "1h30m". Each pair needs
     * its unit, so "1h30" is rejected rather than guessed. */
    while (*p) {
        n = scan_number(p, false);
        if (n == 0)
            return -1;
        double v;
        if (convert_number(p, n, &v) < 0)
            return -1;
        p += n;
        size_t u = 0;
        while (is_alpha(p[u]))
            u++;
        double scale = unit_seconds(p, u);
        if (scale == 0.0)
            return -1;
        p += u;
        total += v * scale;
    }
    if (!isfinite(total))
        return -1;
    *out_s = sign * total;
    return 0;
}

int
acd_units_parse_rate(const char *s, double *out_per_s)
{
    if (!s)
        return -1;
    size_t n = scan_number(s, true);
    if (n == 0)
        return -1;
    double v;
    if (convert_number(s, n, &v) < 0)
        return -1;
    const char *p = s + n;
    if (*p == '\0') { /* bare number: per second */
        *out_per_s = v;
        return 0;
    }
    if (*p != '/')
        return -1;
    p++;
    size_t u = strlen(p);
    double scale = unit_seconds(p, u);
    if (scale == 0.0)
        return -1;
    double r = v / scale;
    if (!isfinite(r))
        return -1;
    *out_per_s = r;
    return 0;
}

int
acd_units_parse_clock(const char *s, double *out_s)
{
    if (!s)
        return -1;
    double v;
    if (parse_colon_time(s, 1, 2, &v) < 0 || v > ACD_UNITS_CLOCK_MAX_S)
        return -1;
    *out_s = v;
    return 0;
}

char *
acd_units_format_clock(double t_s, char *buf, size_t n)
{
    if (n == 0)
        return buf;
    if (!isfinite(t_s)) {
        snprintf(buf, n, "--:--");
        return buf;
    }
    const char *sign = t_s < 0 ? "-" : "";
    /* Work in whole milliseconds so 27000.0004 prints as 07:30. */
    double ms = round(fabs(t_s) * 1000.0);
    if (ms > 1e15) { /* beyond any clock; avoid integer overflow below */
        snprintf(buf, n, "%s%.0fs", sign, fabs(t_s));
        return buf;
    }
    long long total_ms = (long long)ms;
    long long h = total_ms / 3600000;
    int m = (int)(total_ms / 60000 % 60);
    int sec = (int)(total_ms / 1000 % 60);
    int frac = (int)(total_ms % 1000);
    if (sec == 0 && frac == 0)
        snprintf(buf, n, "%s%02lld:%02d", sign, h, m);
    else if (frac == 0)
        snprintf(buf, n, "%s%02lld:%02d:%02d", sign, h, m, sec);
    else {
        char f[8];
        snprintf(f, sizeof f, "%03d", frac);
        for (int i = 2; i > 0 && f[i] == '0'; i--) /* trim trailing zeros */
            f[i] = '\0';
        snprintf(buf, n, "%s%02lld:%02d:%02d.%s", sign, h, m, sec, f);
    }
    return buf;
}

char *
acd_units_format_duration(double s, char *buf, size_t n)
{
    /* In the scenario's own style: whole tenths of an hour as hours, whole
     * tenths of a minute as minutes, else seconds. */
    if (s >= 3600 && fmod(s, 360) == 0)
        snprintf(buf, n, "%.10gh", s / 3600);
    else if (s >= 60 && fmod(s, 6) == 0)
        snprintf(buf, n, "%.10gm", s / 60);
    else
        snprintf(buf, n, "%.10gs", s);
    return buf;
}

/* --------------------------------------------------------------- dates */

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static long
days_from_civil(long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

const char *const acd_units_weekday_names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

int
acd_units_weekday(long days)
{
    long w = (days + 3) % 7; /* 1970-01-01 was a Thursday */
    return (int)(w < 0 ? w + 7 : w);
}

static bool
leap(long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
acd_units_parse_date(const char *s, long *out)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return -1;
    long y = strtol(s, NULL, 10);
    unsigned m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
    unsigned d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
    static const unsigned mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || m < 1 || m > 12 || d < 1)
        return -1;
    if (d > mdays[m - 1] + (m == 2 && leap(y)))
        return -1;
    *out = days_from_civil(y, m, d);
    return 0;
}

char *
acd_units_format_date(long days, char *buf, size_t n)
{
    /* civil_from_days */
    long z = days + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = (long)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    if (n)
        snprintf(buf, n, "%04ld-%02u-%02u", y, m, d);
    return buf;
}
