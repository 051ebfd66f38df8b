/*
 * svg: a gnuplot SVG document made fit to be inlined in an HTML page (one
 * figure among several). Knows nothing of charts or of the page around it
 * (html.c).
 */
#ifndef ACDSIM_SVG_H
#define ACDSIM_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Whether svg (NUL-terminated, may be NULL) can be inlined: it has an
 * <svg> element and nothing that could run a script. */
bool acd_svg_is_embeddable(const char *svg);

/* Write svg, which must be embeddable, to out as the page's figure k:
 * from "<svg" to the last "</svg>" and a newline, without the namespace
 * declarations, every id and local reference prefixed "c<k>-" (k unique in
 * the page). Borrows svg. Write errors show in ferror(out). */
void acd_svg_put_inline(FILE *out, const char *svg, size_t k);

#endif
