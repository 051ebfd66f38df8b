/*
 * diag: collected, located diagnostics for user input (scenario files, CLI).
 *
 * Parsers append every error they find and keep going; the caller prints the
 * list once as `file:line:col: error: message` (GCC style, parsed by editors
 * and CI) and exits 2. Lines and columns are 1-based; 0 means "unknown" and
 * is printed as 1 so the format stays machine-readable.
 */
#ifndef ACDSIM_DIAG_H
#define ACDSIM_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum acd_diag_level { ACD_DIAG_ERROR, ACD_DIAG_WARNING, ACD_DIAG_NOTE };

struct acd_diag {
    enum acd_diag_level level;
    char *file; /* owned */
    unsigned line, col;
    char *msg; /* owned */
};

struct acd_diags {
    struct acd_diag *v;
    size_t n, cap;
    size_t n_errors;
};

void acd_diags_init(struct acd_diags *d);
/* Frees every message; the struct may be reused after acd_diags_init. */
void acd_diags_fini(struct acd_diags *d);
/* Append a diagnostic; `file` and the formatted text are copied, their
 * control characters escaped (escape.h), so each prints as one line. */
void acd_diags_add(struct acd_diags *d, enum acd_diag_level level, const char *file, unsigned line,
                   unsigned col, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
#define acd_diags_error(d, file, line, col, ...)                                                   \
    acd_diags_add((d), ACD_DIAG_ERROR, (file), (line), (col), __VA_ARGS__)
static inline bool
acd_diags_has_errors(const struct acd_diags *d)
{
    return d->n_errors > 0;
}
/* Print all diagnostics in the order they were added (stable sort by file
 * position is the caller's choice: see acd_diags_sort). */
void acd_diags_print(const struct acd_diags *d, FILE *out);
/* Sort by (file, line, col), keeping insertion order for ties. */
void acd_diags_sort(struct acd_diags *d);

#endif
