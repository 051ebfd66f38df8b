/*
 * report: results written as text (a KPI table), JSON (interface.md) or
 * CSV, chosen by name from a table of writers. Reads results only.
 */
#ifndef ACDSIM_REPORT_H
#define ACDSIM_REPORT_H

#include "acdsim/run.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct acd_expect_result;

struct acd_report_opts {
    bool no_timing; /* omit wall-clock time (run.wall_s = null): byte-identical output */
    /* The --assert checks evaluated on these results (expect.h), written
     * into the JSON's checks.assertions; NULL, 0: none. */
    const struct acd_expect_result *asserts;
    size_t n_asserts;
};

struct acd_format {
    const char *name; /* "text", "json", "csv" */
    /* Write to out; returns 0 or -1 on an I/O error (errno set). */
    int (*write)(FILE *out, const struct acd_results *r, const struct acd_report_opts *o);
};

/* NULL-terminated table of output formats. */
extern const struct acd_format *const acd_formats[];
const struct acd_format *acd_format_find(const char *name);

/* CSV building blocks shared by every CSV writer (results, report
 * folder, staffing, per-call trace), the one place a text cell is written:
 * a text field (a name) quoted per RFC 4180 when it holds a comma, quote or
 * line break (quotes doubled); a text field that a spreadsheet would read
 * as a formula (starting with = + - @, tab or carriage return) gets a
 * leading ' and quotes, per OWASP ("=1+1" is written "'=1+1"); a number in
 * the shortest form that reads back exactly (nothing for NaN), never
 * prefixed, so negative numbers stay numbers. docs/security.md. */
/* The features of a stationary one-call-type scenario that kept it from
 * its Erlang comparison (ACD_ERLANG_LEFT_OUT bits of setup.features), 0
 * when the comparison was made or was never possible (several call types,
 * an operating day, results without a known setup). */
unsigned acd_report_erlang_left_out(const struct acd_results *r);

/* Features (ACD_FEAT_* bits) as words for people, "retrials, callbacks and
 * transfers", into buf. */
char *acd_report_feature_list(unsigned features, char *buf, size_t n);

void acd_report_csv_field(FILE *out, const char *s);
void acd_report_csv_number(FILE *out, double x);

/* Results as a JSON document (jansson), as written by the json format.
 * Returns a new string; caller frees. */
char *acd_report_json_string(const struct acd_results *r, const struct acd_report_opts *o);

/* The data files of a report folder, for spreadsheets and chart scripts.
 * Both write RFC 4180 CSV with a header line; numbers as by
 * acd_report_csv_number, so a value reads back equal to the JSON one; an
 * empty cell is a NaN estimate or a figure that does not apply to the row.
 * Both borrow r and return 0, or -1 when the stream reports an error.
 *
 * intervals.csv: `start,end,call_type,` then `<metric>,<metric>_ci95` for
 * every metric that applies to an interval or a call type, then
 * `totals.<key>,totals.<key>_ci95` likewise (acd_metrics / acd_totals
 * order). An operating day has, per interval in time order, one row for
 * the whole center (call_type `*`, ACD_REPORT_ALL_TYPES: an empty key
 * would read as missing in pandas or R and drop out of a group-by) and
 * then one per call type in scenario order; start and end are clock times ("07:30") as
 * in the JSON. A steady-state run has no intervals: it gets the same rows
 * once for its whole measuring window (the center from the summary, each
 * type from call_types) with start and end empty, so the file always has
 * one shape. */
#define ACD_REPORT_ALL_TYPES "*"
int acd_report_write_intervals_csv(FILE *out, const struct acd_results *r);

/* groups.csv: `group,` then `<metric>,<metric>_ci95` for every metric that
 * applies to an agent group, then their `totals.` pairs (answered,
 * busy_agent_s, staffed_agent_s, agent seconds by state, labor_cost...);
 * one row per agent group in scenario order, over the whole run. */
int acd_report_write_groups_csv(FILE *out, const struct acd_results *r);

/* The data files of a report folder (`run --out DIR`, later `acdsim
 * report`), in the order they are written; ends with a NULL name. Writers
 * have the acd_format signature; the CSV ones ignore the options. */
struct acd_report_file {
    const char *name; /* "results.json", "intervals.csv", "groups.csv" */
    int (*write)(FILE *out, const struct acd_results *r, const struct acd_report_opts *o);
};
extern const struct acd_report_file acd_report_files[];

#endif
