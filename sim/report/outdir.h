/*
 * outdir: the report folder - results.json, intervals.csv, groups.csv,
 * charts (PNG + SVG) and index.html - written all or nothing: every file
 * goes to a temporary name and is renamed only when all are complete.
 * Shared by `acdsim run --out DIR` and `acdsim report RESULTS.json --out DIR`.
 * Each file goes through tmpfile.h: written into a private staging
 * directory DIR/.acdsim.tmp.PID.RANDOM (mode 0700; gnuplot writes there
 * too), then renamed into DIR. After a successful commit the report files
 * (acd_outdir_is_report_file) an earlier run left and this one did not
 * write are removed, so DIR never mixes two runs; before writing, the
 * temporary files of dead acdsim processes in DIR are swept.
 */
#ifndef ACDSIM_OUTDIR_H
#define ACDSIM_OUTDIR_H

#include "acdsim/run.h"
#include "plot.h"
#include "report.h"
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

/* What a command adds to the folder (`acdsim staff --out`): files whose
 * text it composed, and charts (plot.h). Borrowed. */
struct acd_outdir_text {
    const char *name; /* file name in DIR, e.g. "staffing.json" */
    const char *text;
    size_t len;
};

struct acd_outdir_extra {
    size_t n_files;
    const struct acd_outdir_text *files;
    size_t n_charts;
    const struct acd_plot_extra *charts;
    /* index.html of a command's own (compare), written last like the
     * run's page, with the charts drawn; NULL: the run's page (if r). */
    int (*page)(FILE *out, const void *page_ud, const struct acd_charts *charts);
    const void *page_ud;
};

/* Write the folder (DIR is created if missing; its parent must exist).
 * Problems go to err as one line each ("acdsim: error: ..."); a missing
 * gnuplot is said once ("acdsim: gnuplot not found; charts skipped") and
 * is not an error: the data files and index.html are still written.
 * Returns 0, or -1 on an I/O or gnuplot error (nothing half-written is
 * left; a DIR created here is removed again). Installs the signal cleanup
 * (acd_tmpfile_cleanup_install). Borrows everything.
 *
 * extra (may be NULL): what a command adds, committed together with the
 * rest (data files, extra files, charts, index.html last). r may be NULL,
 * and then the folder holds only the extra files and charts (no data
 * files of a run, and index.html only with extra->page).
 *
 * With base's discard switch on (acd_tmpfile_discards: an MPI rank other
 * than 0), writes nothing at all, runs no gnuplot and returns 0. */
int acd_outdir_write(const char *dir, const struct acd_results *r, const struct acd_report_opts *o,
                     const struct acd_outdir_extra *extra, FILE *err);

/* True if NAME (a file name without directory) is one of the files
 * acd_outdir_write may write: a data file, index.html or a chart; also
 * those of `acdsim staff --out` (staffing.json, staffing.csv,
 * recommended.yaml, staff_curve.json, staff_curve.csv and their charts) and
 * of `acdsim schedule --out` (schedule.json, schedule.csv, roster.yaml, the
 * charts coverage and gantt) and of `acdsim backtest -o` (backtest.json,
 * backtest.csv, the charts backtest_KPI). */
bool acd_outdir_is_report_file(const char *name);

#endif
