/*
 * plot: the report's charts, drawn by gnuplot (an external program) from
 * the scripts plots/NAME.gp, which are embedded in the binary at build time.
 * The engine never depends on this module.
 *
 * Each chart that applies to the results (a table in plot.c: per-interval
 * charts need an operating day, the Erlang comparison a stationary one-type
 * scenario...) gets a data file and one gnuplot process, which writes a PNG
 * and an SVG. The processes run side by side. Every file is written into
 * the caller's private staging directory (tmpfile.h: mode 0700, so gnuplot,
 * which cannot open its outputs with O_EXCL, writes where no one else can
 * plant a link), tracked by the signal cleanup, and renamed into DIR only
 * by acd_plot_commit, so the caller can make the whole report folder
 * appear at once.
 */
#ifndef ACDSIM_PLOT_H
#define ACDSIM_PLOT_H

#include "acdsim/run.h"
#include <stdbool.h>
#include <stdio.h>

/* Pixel size of every PNG (and of every SVG's width/height). */
#define ACD_PLOT_WIDTH  960
#define ACD_PLOT_HEIGHT 540

struct acd_chart {
    const char *name;  /* file stem: "service_level" -> service_level.png/.svg */
    const char *title; /* caption for the HTML report */
    char *svg;         /* the SVG document (owned), NULL if not drawn */
    char *png_path;    /* DIR/NAME.png (owned), NULL if not drawn */
    char *svg_path;    /* DIR/NAME.svg (owned), NULL if not drawn */
    /* Temporary names while the files are not committed (owned); NULL
     * once renamed or removed. */
    char *png_tmp, *svg_tmp;
};

struct acd_charts {
    size_t n;
    struct acd_chart *v;  /* owned; only the charts that were drawn */
    bool gnuplot_missing; /* no gnuplot on PATH: no chart drawn */
    char *error;          /* first gnuplot error (owned), NULL if none */
    char *warnings;       /* what gnuplot printed on success (owned), NULL if nothing */
};

/* A chart whose data and variables the caller composed (`acdsim staff`'s
 * charts): drawn like the others, from the embedded script, after the
 * common variables (those of r, or empty/NaN ones without r) and then
 * `vars`, which may override them. */
struct acd_plot_extra {
    const char *name;   /* file stem, as acd_chart.name */
    const char *title;  /* caption for the HTML report */
    const char *script; /* the chart's script (an embedded plots/NAME.gp) */
    const char *data;   /* the data file's text (layout: the script's comments) */
    const char *vars;   /* gnuplot assignments, or NULL */
};

/* Draw every chart that applies to r (none when r is NULL), then the
 * n_extra extra charts (extra may be NULL when n_extra is 0): files in stage (a directory of
 * acd_tmpfile_stage_make inside dir), named for dir. Borrows r. Returns 0 (charts drawn, or gnuplot
 * missing: see out->gnuplot_missing, n == 0), or -1 on an error: out->error says which chart and
 * what gnuplot (or the system) said, and no file is left. Caller finalizes out with
 * acd_plot_charts_fini in every case. */
int acd_plot_render(const char *dir, const char *stage, const struct acd_results *r,
                    const struct acd_plot_extra *extra, size_t n_extra, struct acd_charts *out);

/* Rename every drawn chart to its final name. Returns 0, or -1 after
 * writing "acdsim: error: ..." to err (the rest stay temporary, and
 * acd_plot_charts_fini removes them). */
int acd_plot_commit(struct acd_charts *c, FILE *err);

/* Remove any temporary file still there and free everything. Keeps errno. */
void acd_plot_charts_fini(struct acd_charts *c);

/* Writing gnuplot input (data files and variables), for every chart's
 * data: a data-file number (" 1.5", NaN as gnuplot's undefined " NaN");
 * `NAME = x` (17 digits, NaN); a string literal (double quotes, every byte
 * but letters, digits and ` -_.,:/()+#` as an octal escape, control
 * characters blanked; NULL is ""); `n_NAME = n` and `array NAME[n] =
 * [...]` of get(ud, i) (an empty array gets one blank entry: gnuplot
 * arrays cannot be empty). */
void acd_plot_num(FILE *f, double x);
void acd_plot_var(FILE *f, const char *name, double x);
void acd_plot_string(FILE *f, const char *s);
void acd_plot_array(FILE *f, const char *name, size_t n, const char *(*get)(const void *, size_t),
                    const void *ud);

/* acd_plot_array of strings meant as tic labels (`set xtics (NAME[i] i)`),
 * which gnuplot reads as formats: each '%' doubled. */
void acd_plot_tic_array(FILE *f, const char *name, size_t n,
                        const char *(*get)(const void *, size_t), const void *ud);
/* The i-th chart's file stem in drawing order ("service_level"), NULL
 * past the last: lets callers recognise the report's own files. */
const char *acd_plot_chart_name(size_t i);

#endif
