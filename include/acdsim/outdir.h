/*
 * outdir: the report folder - results.json, intervals.csv, groups.csv,
 * charts (PNG + SVG) and index.html - written all or nothing: every file
 * goes to a temporary name and is renamed only when all are complete.
 * Shared by `acdsim run --out DIR` and `acdsim report RESULTS.json --out DIR`.
 */
#ifndef ACDSIM_OUTDIR_H
#define ACDSIM_OUTDIR_H

#include "acdsim/report.h"
#include "acdsim/run.h"
#include <stdio.h>

/* Write the folder (DIR is created if missing; its parent must exist).
 * Problems go to err as one line each ("acdsim: ..."); a missing gnuplot is
 * said once and is not an error. Returns 0, or -1 on an I/O or gnuplot
 * error (nothing half-written is left). Borrows everything. */
int acd_outdir_write(const char *dir, const struct acd_results *r,
                     const struct acd_report_opts *o, FILE *err);

#endif
