/*
 * display: how a number looks to people, in every writer that prints for
 * people (the text table, the HTML page, the staffing tables, `acdsim
 * erlang`): a metric's mean, the half-width of its 95% CI, a difference,
 * in its unit (share as a percentage, seconds, a count, currency), and
 * right or left alignment by display columns ("±" is two bytes, one
 * column). One rule per look, so the writers cannot drift apart.
 *
 * Not here: machine formats (CSV numbers round-trip, report.h; JSON,
 * json_out.h) and which rows or targets a report shows (verdict.h).
 *
 * Every formatter writes into the caller's buffer (cut to n bytes, never
 * overflowing) and returns it; none allocates or fails.
 */
#ifndef ACDSIM_DISPLAY_H
#define ACDSIM_DISPLAY_H

#include "acdsim/run.h"
#include "acdsim/stats.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A display unit: how a value of that kind reads. */
enum acd_display_unit {
    ACD_DISPLAY_SHARE,   /* 0.812 -> "81.2%"; its CI and differences in percentage points */
    ACD_DISPLAY_SECONDS, /* 12.34 -> "12.3s" */
    ACD_DISPLAY_COUNT,   /* whole things: 1520 */
    ACD_DISPLAY_NUMBER,  /* an average of things, two places: 3.27 */
    ACD_DISPLAY_MONEY,   /* currency units, two places: 5312.50 */
    ACD_DISPLAY_RATE,    /* per second (acd_display_exact only) */
};

/* Flags of acd_display_value / acd_display_ci. */
#define ACD_DISPLAY_GROUPED 1u /* counts and numbers with thousands separators (12,345) */

/* The display unit of a metric (acd_metrics[m]). */
enum acd_display_unit acd_display_metric_unit(enum acd_metric m);

/* A mean: "81.2%", "12.3s", "1520", "3.27"; "n/a" when not finite. */
char *acd_display_value(enum acd_display_unit u, double x, unsigned flags, char *buf, size_t n);

/* A mean beside its goal's bound (a verdict line): acd_display_value's
 * text, with more decimals while it reads the same as the bound but is not
 * equal to it, so a missed goal never shows the bound's own figure
 * ("5.04%" beside "<= 5.0%", not "5.0%"). */
char *acd_display_beside(enum acd_display_unit u, double x, double bound, char *buf, size_t n);

/* A goal's bound as the user gave it: acd_display_value's text, with the
 * decimals it needs to be exact (0.0405 reads "4.05%", not "4.0%"; at most
 * four more). */
char *acd_display_bound(enum acd_display_unit u, double bound, char *buf, size_t n);

/* A CI half-width: "± 1.3" (percentage points for shares), "± 0.8s",
 * "± 12"; "" when not finite. */
char *acd_display_ci(enum acd_display_unit u, double ci, unsigned flags, char *buf, size_t n);

/* A signed difference: "+0.4 pts", "-1.2s", "+0.25"; "n/a" when not
 * finite. */
char *acd_display_diff(enum acd_display_unit u, double d, char *buf, size_t n);

/* The compact "mean ±ci" of a staffing table cell: "83.1% ±1.2" (CI in
 * percentage points for shares, in seconds without the unit for times,
 * whole for counts); the mean alone when the CI is not finite. */
char *acd_display_estimate(enum acd_display_unit u, const struct acd_estimate *e, char *buf,
                           size_t n);

/* A half-width set beside its target (--precision) with three significant
 * digits, so one just above the target does not read as equal: "0.486
 * pts" (a share, in percentage points), "2.1s", "0.0312"; "n/a" when not
 * finite. */
char *acd_display_half_width(enum acd_display_unit u, double x, char *buf, size_t n);

/* A service-level threshold: "20s" below an hour (as ever), from an hour
 * up as a duration ("24h", "1.5h", "90m": e-mail goals). */
char *acd_display_threshold(double s, char *buf, size_t n);

/* An agent count that may be fractional (a mean): "10", "10.5"; "n/a". */
char *acd_display_agents(double x, char *buf, size_t n);

/* An exact analytic figure (`acdsim erlang`): four decimals, scientific
 * below 1e-3, with the unit spelt after it (" %", " s", " /s"); "-" for
 * NaN. */
char *acd_display_exact(enum acd_display_unit u, double x, char *buf, size_t n);

/* x with `decimals` places and thousands separators ("12,345.6"); a value
 * that rounds to zero never reads "-0". */
char *acd_display_grouped(double x, int decimals, char *buf, size_t n);

/* Display columns of a UTF-8 string (bytes that start a character), its
 * control characters counted as their escapes (escape.h). */
int acd_display_columns(const char *s);

/* s, control characters escaped (escape.h), padded with spaces on the
 * left (right) to `width` display columns; a wider s is written whole. */
void acd_display_put_right(FILE *out, const char *s, int width);
void acd_display_put_left(FILE *out, const char *s, int width);

/* A period (`days:`, setup.days): the day owning interval i (SIZE_MAX: none,
 * or no period), and midnight of day d's date in the period's seconds. */
size_t acd_display_day_of(const struct acd_setup *st, size_t i);
double acd_display_day_midnight(const struct acd_setup *st, size_t d);
/* Interval i's start (end: its end) as people read it: its clock time; in
 * a period, on its day's clock, after the day's label ("2026-12-08 09:00")
 * when with_day. */
char *acd_display_interval_time(const struct acd_results *r, size_t i, bool end, bool with_day,
                                char *buf, size_t n);

#endif
