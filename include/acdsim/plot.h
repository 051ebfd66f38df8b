/*
 * plot: the report's charts, drawn by gnuplot (an external program) from
 * the scripts in plots/*.gp, which are embedded in the binary at build time.
 * The engine never depends on this module.
 */
#ifndef ACDSIM_PLOT_H
#define ACDSIM_PLOT_H

#include "acdsim/run.h"
#include <stdbool.h>
#include <stdio.h>

struct acd_chart {
    const char *name;  /* file stem: "service_level" -> service_level.png/.svg */
    const char *title; /* caption for the HTML report */
    char *svg;         /* the SVG document (owned), NULL if not drawn */
    char *png_path;    /* written PNG (owned), NULL if not drawn */
    char *svg_path;    /* written SVG (owned), NULL if not drawn */
};

struct acd_charts {
    size_t n;
    struct acd_chart *v;  /* owned */
    bool gnuplot_missing; /* no gnuplot on PATH: no chart drawn */
    char *error;          /* first gnuplot error (owned), NULL if none */
};

/* Draw every chart that applies to r as PNG and SVG files in dir, each
 * written under a temporary name that the caller renames (see outdir.h) -
 * or directly final names: the contract is in plot.c's header comment.
 * Borrows r. Returns 0 (charts drawn, or gnuplot missing: see
 * out->gnuplot_missing), -1 on a gnuplot error (out->error says which
 * chart and what gnuplot printed). Caller finalizes out. */
int acd_plot_render(const char *dir, const struct acd_results *r, struct acd_charts *out);
void acd_plot_charts_fini(struct acd_charts *c);

#endif
