/*
 * outdir: the report folder - results.json, intervals.csv, groups.csv,
 * charts (PNG + SVG) and index.html - written all or nothing: every file
 * goes to a temporary name and is renamed only when all are complete.
 * Shared by `acdsim run --out DIR` and `acdsim report RESULTS.json --out DIR`.
 *
 * Also the temporary-file service under it, which `run --trace` uses too:
 * a file is written to PATH.tmp.PID next to PATH and renamed when
 * complete, and a fatal signal (SIGINT, SIGTERM, SIGHUP) removes every
 * temporary file that exists, kills the gnuplot processes drawing charts
 * and removes a DIR this process created (if still empty) before the
 * process dies.
 */
#ifndef ACDSIM_OUTDIR_H
#define ACDSIM_OUTDIR_H

#include "acdsim/plot.h"
#include "acdsim/report.h"
#include "acdsim/run.h"
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

/* Write the folder (DIR is created if missing; its parent must exist).
 * Problems go to err as one line each ("acdsim: error: ..."); a missing
 * gnuplot is said once ("acdsim: gnuplot not found; charts skipped") and
 * is not an error: the data files and index.html are still written.
 * Returns 0, or -1 on an I/O or gnuplot error (nothing half-written is
 * left; a DIR created here is removed again). Installs the signal cleanup
 * (acd_outdir_cleanup_install). Borrows everything. */
int acd_outdir_write(const char *dir, const struct acd_results *r, const struct acd_report_opts *o,
                     FILE *err);

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
};

/* acd_outdir_write with extra files and charts, all committed together
 * (data files, extra files, charts, index.html last). extra may be NULL;
 * r may be NULL, and then the folder holds only the extra files and
 * charts (no data files of a run, no index.html). */
int acd_outdir_write_ex(const char *dir, const struct acd_results *r,
                        const struct acd_report_opts *o, const struct acd_outdir_extra *extra,
                        FILE *err);

/* True if NAME (a file name without directory) is one of the files
 * acd_outdir_write may write: a data file, index.html or a chart; also
 * those of `acdsim staff --out` (staffing.json, staffing.csv,
 * recommended.yaml, staff_curve.json, staff_curve.csv and their charts). */
bool acd_outdir_is_report_file(const char *name);

/* ----------------------------------------------- temporary-then-rename */

struct acd_outdir_file {
    char *path; /* final name (owned) */
    char *tmp;  /* the temporary name while it exists (owned), else NULL */
    FILE *f;    /* open while being written */
};

/* Create PATH's temporary file for writing. Returns 0, or -1 after
 * writing "acdsim: error: cannot write PATH: ..." to err (nothing is left
 * behind). */
int acd_outdir_file_open(struct acd_outdir_file *o, const char *path, FILE *err);
/* Flush, sync and close; the file keeps its temporary name. write_err is
 * the errno of an earlier write failure the caller saw (it beats whatever
 * the flush says), else 0. Returns 0, or -1 after reporting and
 * discarding the file. */
int acd_outdir_file_close(struct acd_outdir_file *o, int write_err, FILE *err);
/* Rename a closed file into place. Returns 0, or -1 after reporting and
 * discarding it. */
int acd_outdir_file_commit(struct acd_outdir_file *o, FILE *err);
/* Close (if open), remove the temporary file and free. Keeps errno. A
 * zeroed struct is a no-op. */
void acd_outdir_file_discard(struct acd_outdir_file *o);

/* -------------------------------------------------- signal-time cleanup */

/* Install the handler for SIGINT, SIGTERM and SIGHUP (a signal the caller
 * ignores stays ignored). Idempotent. */
void acd_outdir_cleanup_install(void);
/* Track a temporary path: old NULL adds tmp, tmp NULL forgets old (the
 * string must stay valid while tracked; free it only after forgetting).
 * Only the main thread calls these, never while worker threads run. */
void acd_outdir_track_tmp(const char *old, const char *tmp);
/* Track a child process to kill (and reap) at a fatal signal; on false
 * forgets it. */
void acd_outdir_track_child(pid_t pid, bool on);
/* The directory this process created (removed at a fatal signal if
 * empty), NULL to forget it. Returns the previous one. */
const char *acd_outdir_track_dir(const char *dir);

#endif
