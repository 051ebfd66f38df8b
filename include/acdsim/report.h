/*
 * report: results written as text (a KPI table), JSON (interface.md) or
 * CSV, chosen by name from a table of writers. Reads results only.
 */
#ifndef ACDSIM_REPORT_H
#define ACDSIM_REPORT_H

#include "acdsim/run.h"
#include <stdbool.h>
#include <stdio.h>

struct acd_report_opts {
    bool no_timing; /* omit wall-clock time (run.wall_s = null): byte-identical output */
};

struct acd_format {
    const char *name; /* "text", "json", "csv" */
    /* Write to out; returns 0 or -1 on an I/O error (errno set). */
    int (*write)(FILE *out, const struct acd_results *r, const struct acd_report_opts *o);
};

/* NULL-terminated table of output formats. */
extern const struct acd_format *const acd_formats[];
const struct acd_format *acd_format_find(const char *name);

/* CSV building blocks shared by the writers (results, per-call trace):
 * a field quoted per RFC 4180 when it holds a comma, quote or line break;
 * a number in the shortest form that reads back exactly (nothing for NaN). */
void acd_report_csv_field(FILE *out, const char *s);
void acd_report_csv_number(FILE *out, double x);

/* Results as a JSON document (jansson), as written by the json format.
 * Returns a new string; caller frees. */
char *acd_report_json_string(const struct acd_results *r, const struct acd_report_opts *o);

#endif
