/*
 * html: the report's index.html - one self-contained page (charts inlined
 * as SVG, no external assets, no JavaScript) with the scenario summary, the
 * KPI table with CIs, the SLA verdict per interval, the charts and the
 * Erlang comparison.
 */
#ifndef ACDSIM_HTML_H
#define ACDSIM_HTML_H

#include "acdsim/run.h"
#include "plot.h"
#include <stdio.h>

/* Write the page. charts may be NULL or have no SVGs (then a notice says
 * why: gnuplot missing, or its error). Borrows both. Returns 0 or -1 on an
 * I/O error. */
int acd_html_write(FILE *out, const struct acd_results *r, const struct acd_charts *charts);

/* The run's page led by a command's own section (`acdsim staff --out`):
 * title replaces the scenario's name (heading and <title>), kicker the
 * line above it; put writes the section's content (placed first, id
 * "lead", named nav_label in the contents), and the run's overview is
 * headed overview_title. Borrowed. */
struct acd_html_lead {
    const char *title, *kicker, *nav_label, *overview_title;
    void (*put)(FILE *out, const void *ud);
    const void *ud;
};
int acd_html_write_led(FILE *out, const struct acd_results *r, const struct acd_charts *charts,
                       const struct acd_html_lead *lead);

/* For other pages in the same style (compare_html.c): s escaped for HTML
 * text and attributes (NULL: nothing); the charts section (figures
 * with inline SVG, or the notice why they are missing). */
void acd_html_put_escaped(FILE *out, const char *s);
void acd_html_put_charts(FILE *out, const struct acd_charts *charts);
/* The page's stylesheet (report.css, inlined). */
extern const char acd_report_css_text[];
/* A page without a run's results (`acdsim sweep --out`): the title, text
 * (preformatted, e.g. the command's table; NULL: none) and the charts, in
 * the report's style. Returns 0 or -1 on an I/O error. */
int acd_html_write_page(FILE *out, const char *title, const char *text,
                        const struct acd_charts *charts);

#endif
