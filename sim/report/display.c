/*
 * display: numbers for people, one rule per look (contract in display.h).
 */
#include "display.h"
#include "escape.h"
#include "units.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RAW_BUF 64

enum acd_display_unit
acd_display_metric_unit(enum acd_metric m)
{
    const struct acd_metric_def *d = &acd_metrics[m];
    if (d->is_ratio)
        return ACD_DISPLAY_SHARE;
    if (d->unit && strcmp(d->unit, "s") == 0)
        return ACD_DISPLAY_SECONDS;
    if (m == ACD_M_OFFERED)
        return ACD_DISPLAY_COUNT;
    if (m == ACD_M_COST || m == ACD_M_COST_PER_CALL)
        return ACD_DISPLAY_MONEY;
    return ACD_DISPLAY_NUMBER;
}

char *
acd_display_half_width(enum acd_display_unit u, double x, char *buf, size_t n)
{
    if (!isfinite(x))
        snprintf(buf, n, "n/a");
    else if (u == ACD_DISPLAY_SHARE)
        snprintf(buf, n, "%.3g pts", 100 * x);
    else
        snprintf(buf, n, "%.3g%s", x, u == ACD_DISPLAY_SECONDS ? "s" : "");
    return buf;
}

/* Decimals of a plain (neither share nor time) value. */
static int
plain_decimals(enum acd_display_unit u)
{
    return u == ACD_DISPLAY_COUNT ? 0 : 2;
}

char *
acd_display_grouped(double x, int decimals, char *buf, size_t n)
{
    char raw[RAW_BUF];
    snprintf(raw, sizeof(raw), "%.*f", decimals, fabs(x));
    const char *dot = strchr(raw, '.');
    size_t int_len = dot ? (size_t)(dot - raw) : strlen(raw);
    size_t o = 0;
    if (n == 0)
        return buf;
    /* "-0" reads as a bug; a rounded-away negative prints as 0. */
    if (x < 0 && strspn(raw, "0.") != strlen(raw) && o + 1 < n)
        buf[o++] = '-';
    for (size_t i = 0; i < int_len && o + 2 < n; i++) {
        if (i > 0 && (int_len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = raw[i];
    }
    for (const char *p = dot; p && *p && o + 1 < n; p++)
        buf[o++] = *p;
    buf[o] = '\0';
    return buf;
}

/* A plain value with its decimals, grouped if asked. */
static char *
plain(enum acd_display_unit u, double x, unsigned flags, char *buf, size_t n)
{
    if (flags & ACD_DISPLAY_GROUPED)
        return acd_display_grouped(x, plain_decimals(u), buf, n);
    snprintf(buf, n, "%.*f", plain_decimals(u), x);
    return buf;
}

/* Seconds for people: "12.3s" under a minute, else whole seconds as
 * "15m20s" or "2h05m00s"; sign as given ("+"); the sign of a value that
 * rounds to 0 is dropped. */
static void
duration(double x, const char *sign, char *buf, size_t n)
{
    if (fabs(x) < 59.95) {
        snprintf(buf, n, sign[0] ? "%+.1fs" : "%.1fs", x);
        return;
    }
    double r = round(fabs(x));
    long long t = (long long)r, h = t / 3600, m = t / 60 % 60, s = t % 60;
    const char *sg = x < 0 ? "-" : sign;
    if (h > 0)
        snprintf(buf, n, "%s%lldh%02lldm%02llds", sg, h, m, s);
    else
        snprintf(buf, n, "%s%lldm%02llds", sg, m, s);
}

char *
acd_display_value(enum acd_display_unit u, double x, unsigned flags, char *buf, size_t n)
{
    if (!isfinite(x))
        snprintf(buf, n, "n/a");
    else if (u == ACD_DISPLAY_SHARE)
        snprintf(buf, n, "%.1f%%", 100.0 * x);
    else if (u == ACD_DISPLAY_SECONDS)
        duration(x, "", buf, n);
    else
        plain(u, x, flags, buf, n);
    return buf;
}

/* x with `decimals` places in unit u ("5.04%", "19.96s", "3.275"). */
static void
with_decimals(enum acd_display_unit u, double x, int decimals, char *buf, size_t n)
{
    if (u == ACD_DISPLAY_SHARE)
        snprintf(buf, n, "%.*f%%", decimals, 100.0 * x);
    else if (u == ACD_DISPLAY_SECONDS)
        snprintf(buf, n, "%.*fs", decimals, x);
    else
        snprintf(buf, n, "%.*f", decimals, x);
}

/* Decimals acd_display_value uses for u. */
static int
value_decimals(enum acd_display_unit u)
{
    return u == ACD_DISPLAY_SHARE || u == ACD_DISPLAY_SECONDS ? 1 : plain_decimals(u);
}

char *
acd_display_bound(enum acd_display_unit u, double bound, char *buf, size_t n)
{
    acd_display_value(u, bound, 0, buf, n);
    if (!isfinite(bound) || u == ACD_DISPLAY_COUNT ||
        (u == ACD_DISPLAY_SECONDS && fabs(bound) >= 59.95 && bound == round(bound)))
        return buf;
    double scaled = u == ACD_DISPLAY_SHARE ? 100.0 * bound : bound;
    for (int d = value_decimals(u); d <= value_decimals(u) + 4; d++) {
        char t[RAW_BUF];
        snprintf(t, sizeof(t), "%.*f", d, scaled);
        if (fabs(strtod(t, NULL) - scaled) <= 1e-9 * fmax(1, fabs(scaled))) {
            with_decimals(u, bound, d, buf, n);
            break;
        }
    }
    return buf;
}

char *
acd_display_beside(enum acd_display_unit u, double x, double bound, char *buf, size_t n)
{
    char b[RAW_BUF];
    acd_display_value(u, x, 0, buf, n);
    acd_display_bound(u, bound, b, sizeof(b));
    if (!isfinite(x) || !isfinite(bound) || x == bound || strcmp(buf, b) != 0)
        return buf;
    int d0 = value_decimals(u);
    for (int d = d0 + 1; d <= d0 + 8; d++) {
        with_decimals(u, x, d, buf, n);
        with_decimals(u, bound, d, b, sizeof(b));
        if (strcmp(buf, b) != 0)
            break;
    }
    return buf;
}

char *
acd_display_ci(enum acd_display_unit u, double ci, unsigned flags, char *buf, size_t n)
{
    char v[RAW_BUF];
    if (!isfinite(ci))
        v[0] = '\0';
    else if (u == ACD_DISPLAY_SHARE)
        snprintf(v, sizeof(v), "%.1f", 100.0 * ci);
    else if (u == ACD_DISPLAY_SECONDS)
        duration(ci, "", v, sizeof(v));
    else
        plain(u, ci, flags, v, sizeof(v));
    snprintf(buf, n, "%s%s", *v ? "± " : "", v);
    return buf;
}

char *
acd_display_diff(enum acd_display_unit u, double d, char *buf, size_t n)
{
    if (!isfinite(d))
        snprintf(buf, n, "n/a");
    else if (u == ACD_DISPLAY_SHARE)
        snprintf(buf, n, "%+.1f pts", 100.0 * d);
    else if (u == ACD_DISPLAY_SECONDS)
        duration(d, "+", buf, n);
    else
        snprintf(buf, n, "%+.2f", d);
    return buf;
}

char *
acd_display_estimate(enum acd_display_unit u, const struct acd_estimate *e, char *buf, size_t n)
{
    char v[24]; /* "-123456.7%": plenty; a longer one is cut, never overflows */
    acd_display_value(u, e->mean, 0, v, sizeof(v));
    if (!isfinite(e->mean) || !isfinite(e->ci95)) {
        snprintf(buf, n, "%s", v);
    } else if (u == ACD_DISPLAY_SECONDS && e->ci95 >= 59.95) {
        char c[24]; /* a CI of minutes in the same form as its mean */
        duration(e->ci95, "", c, sizeof(c));
        snprintf(buf, n, "%s ±%s", v, c);
    } else {
        snprintf(buf, n, "%s ±%.*f", v, u == ACD_DISPLAY_COUNT ? 0 : 1,
                 u == ACD_DISPLAY_SHARE ? 100.0 * e->ci95 : e->ci95);
    }
    return buf;
}

char *
acd_display_threshold(double s, char *buf, size_t n)
{
    if (s >= 3600)
        return acd_units_format_duration(s, buf, n);
    snprintf(buf, n, "%gs", s);
    return buf;
}

char *
acd_display_agents(double x, char *buf, size_t n)
{
    if (!isfinite(x))
        snprintf(buf, n, "n/a");
    else if (x == floor(x))
        snprintf(buf, n, "%.0f", x);
    else
        snprintf(buf, n, "%.1f", x);
    return buf;
}

char *
acd_display_exact(enum acd_display_unit u, double x, char *buf, size_t n)
{
    const char *unit = u == ACD_DISPLAY_SHARE     ? " %"
                       : u == ACD_DISPLAY_SECONDS ? " s"
                       : u == ACD_DISPLAY_RATE    ? " /s"
                                                  : "";
    double v = u == ACD_DISPLAY_SHARE ? 100.0 * x : x;
    if (isnan(v))
        snprintf(buf, n, "-");
    else if (v != 0.0 && fabs(v) < 1e-3)
        snprintf(buf, n, "%.3e%s", v, unit);
    else
        snprintf(buf, n, "%.4f%s", v, unit);
    return buf;
}

int
acd_display_columns(const char *s)
{
    if (acd_escape_needed(s)) {
        char *e = acd_escape_xstrdup(s);
        int cols = acd_display_columns(e);
        free(e);
        return cols;
    }
    int cols = 0;
    for (; *s; s++)
        cols += ((unsigned char)*s & 0xC0) != 0x80;
    return cols;
}

void
acd_display_put_right(FILE *out, const char *s, int width)
{
    for (int c = acd_display_columns(s); c < width; c++)
        fputc(' ', out);
    acd_escape_fputs(s, out);
}

void
acd_display_put_left(FILE *out, const char *s, int width)
{
    acd_escape_fputs(s, out);
    for (int c = acd_display_columns(s); c < width; c++)
        fputc(' ', out);
}

/* ---------------------------------------------------- a period's days */

size_t
acd_display_day_of(const struct acd_setup *st, size_t i)
{
    for (size_t d = 0; d < st->n_days; d++)
        if (i >= st->days[d].first_interval &&
            i < st->days[d].first_interval + st->days[d].n_intervals)
            return d;
    return SIZE_MAX;
}

double
acd_display_day_midnight(const struct acd_setup *st, size_t d)
{
    if (st->days[d].date < 0 || st->days[0].date < 0)
        return 0;
    return (double)(st->days[d].date - st->days[0].date) * 86400.0;
}

char *
acd_display_interval_time(const struct acd_results *r, size_t i, bool end, bool with_day, char *buf,
                          size_t n)
{
    const struct acd_interval_result *iv = &r->intervals[i];
    double t = end ? iv->end_s : iv->start_s;
    size_t d = acd_display_day_of(&r->setup, i);
    if (d == SIZE_MAX)
        return acd_units_format_clock(t, buf, n);
    char c[32];
    acd_units_format_clock(t - acd_display_day_midnight(&r->setup, d), c, sizeof(c));
    if (with_day)
        snprintf(buf, n, "%s %s", r->setup.days[d].label, c);
    else
        snprintf(buf, n, "%s", c);
    return buf;
}
