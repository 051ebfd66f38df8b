/*
 * units: parsing and formatting of the interface's durations, rates and
 * clock times. Pure functions; no allocation.
 *
 * Durations: `90`, `90s`, `1.5m`, `2h`, `00:30` (hh:mm, like clock times),
 * `01:02:03` (hh:mm:ss); bare numbers are seconds. Rates: `2/s`, `120/min`,
 * `7200/h`, bare numbers are per second. Clock times: `07:00`, `07:00:30`.
 */
#ifndef ACDSIM_UNITS_H
#define ACDSIM_UNITS_H

#include <stddef.h>

/* Each returns 0 and stores the value, or -1 (value untouched) if `s` is
 * not of the form. They accept negative and zero values; range checks are
 * the caller's (so it can say "must be positive" rather than "bad syntax"). */
int acd_units_parse_duration(const char *s, double *out_s);
int acd_units_parse_rate(const char *s, double *out_per_s);
int acd_units_parse_clock(const char *s, double *out_s); /* seconds after midnight, <= 48:00 */
/* Strict integer (non-negative) / real (signed, finite); the whole string
 * must be consumed. */
int acd_units_parse_uint(const char *s, unsigned long long *out);
int acd_units_parse_real(const char *s, double *out);
/* A fraction given as 0.8 or 80% (no range check). */
int acd_units_parse_fraction(const char *s, double *out);

/* "07:30" (or "07:30:15" when seconds are not whole minutes). Returns buf. */
char *acd_units_format_clock(double t_s, char *buf, size_t n);

/* "8h", "30m", "90s", "1.5h": a duration as a scenario would write it.
 * Returns buf. */
char *acd_units_format_duration(double s, char *buf, size_t n);

/* Calendar dates (`days:`): "YYYY-MM-DD", a real date of years 1900 to
 * 9999, as days since 1970-01-01 (proleptic Gregorian); -1 if not one. */
int acd_units_parse_date(const char *s, long *out_days);
/* "2026-12-07". Returns buf. */
char *acd_units_format_date(long days, char *buf, size_t n);
/* Its weekday: 0 = Monday ... 6 = Sunday. */
int acd_units_weekday(long days);
/* Weekdays as scenarios and results write them: "mon" ... "sun". */
extern const char *const acd_units_weekday_names[7];

#endif
