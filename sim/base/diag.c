/*
 * diag: a growable list of located diagnostics, printed GCC-style, one
 * line each (control characters escaped, escape.h).
 */
#include "acdsim/diag.h"
#include "escape.h"
#include "util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void
acd_diags_init(struct acd_diags *d)
{
    memset(d, 0, sizeof(*d));
}

void
acd_diags_fini(struct acd_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].file);
        free(d->v[i].msg);
    }
    free(d->v);
    memset(d, 0, sizeof(*d));
}

void
acd_diags_add(struct acd_diags *d, enum acd_diag_level level, const char *file, unsigned line,
              unsigned col, const char *fmt, ...)
{
    d->v = acd_xgrow(d->v, &d->cap, d->n + 1, sizeof(*d->v));
    struct acd_diag *x = &d->v[d->n++];
    x->level = level;
    x->file = acd_escape_xstrdup(file ? file : "<input>");
    x->line = line;
    x->col = col;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    x->msg = acd_xmalloc(n > 0 ? (size_t)n + 1 : 1);
    va_start(ap, fmt);
    vsnprintf(x->msg, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
    va_end(ap);
    if (acd_escape_needed(x->msg)) { /* names quoted in it, a parser's text */
        char *e = acd_escape_xstrdup(x->msg);
        free(x->msg);
        x->msg = e;
    }
    if (level == ACD_DIAG_ERROR)
        d->n_errors++;
}

static const char *const level_names[] = {
    [ACD_DIAG_ERROR] = "error",
    [ACD_DIAG_WARNING] = "warning",
    [ACD_DIAG_NOTE] = "note",
};

void
acd_diags_print(const struct acd_diags *d, FILE *out)
{
    for (size_t i = 0; i < d->n; i++) {
        const struct acd_diag *x = &d->v[i];
        /* One line each, whatever a name in the file or message holds. */
        acd_escape_fputs(x->file, out);
        fprintf(out, ":%u:%u: %s: ", x->line ? x->line : 1, x->col ? x->col : 1,
                level_names[x->level]);
        acd_escape_fputs(x->msg, out);
        fputc('\n', out);
    }
}

static int
cmp_pos(const struct acd_diag *a, const struct acd_diag *b)
{
    int c = strcmp(a->file, b->file);
    if (c)
        return c;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->col != b->col)
        return a->col < b->col ? -1 : 1;
    return 0;
}

void
acd_diags_sort(struct acd_diags *d)
{
    /* Insertion sort: stable, and lists are short. */
    for (size_t i = 1; i < d->n; i++) {
        struct acd_diag x = d->v[i];
        size_t j = i;
        while (j > 0 && cmp_pos(&d->v[j - 1], &x) > 0) {
            d->v[j] = d->v[j - 1];
            j--;
        }
        d->v[j] = x;
    }
}
