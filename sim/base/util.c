/*
 * util: allocation wrappers that abort on exhaustion (acd_oom, the one
 * out-of-memory path), the located assertion reporter, the GSL error hook and small string helpers.
 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <gsl/gsl_errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void
acd_oom(size_t size)
{
    /* No allocation here: stderr is unbuffered. */
    if (size)
        fprintf(stderr, "acdsim: out of memory allocating %zu bytes\n", size);
    else
        fputs("acdsim: out of memory\n", stderr);
    abort();
}

void *
acd_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        acd_oom(size ? size : 1);
    return p;
}

void *
acd_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        size_t total = n && size > SIZE_MAX / n ? SIZE_MAX : n * size;
        acd_oom(total ? total : 1);
    }
    return p;
}

void *
acd_xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q)
        acd_oom(size ? size : 1);
    return q;
}

void *
acd_xgrow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    size_t n = *cap ? *cap : 8;
    while (n < need) {
        if (n > SIZE_MAX / 2 / size)
            acd_oom(SIZE_MAX);
        n *= 2;
    }
    p = acd_xrealloc(p, n * size);
    *cap = n;
    return p;
}

char *
acd_xstrdup(const char *s)
{
    return acd_xstrndup(s, strlen(s));
}

char *
acd_xstrndup(const char *s, size_t n)
{
    char *p = acd_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *
acd_xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        acd_oom(0); /* vsnprintf fails only on an impossible length */
    char *s = acd_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

FILE *
acd_xmemstream_open(char **buf, size_t *len)
{
    FILE *f = open_memstream(buf, len);
    if (!f)
        acd_oom(0);
    return f;
}

void
acd_xmemstream_close(FILE *f)
{
    /* Flushing into the buffer is the only thing that can fail. */
    if (fclose(f) != 0)
        acd_oom(0);
}

void
acd_assert_fail(const char *file, int line, const char *func, const char *expr)
{
    fprintf(stderr, "%s:%d: %s: assertion '%s' failed\n", file, line, func, expr);
    fflush(stderr);
    abort();
}

static void
gsl_handler(const char *reason, const char *file, int line, int gsl_errno)
{
    fprintf(stderr, "%s:%d: GSL error %d: %s\n", file, line, gsl_errno, reason);
    fflush(stderr);
    abort();
}

void
acd_util_install_gsl_handler(void)
{
    gsl_set_error_handler(gsl_handler);
}

size_t
acd_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return la > lb ? la : lb;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = diag + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

char *
acd_read_stream(FILE *f, size_t max_bytes, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = acd_xmalloc(cap);
    for (;;) {
        if (n + 1 == cap)
            buf = acd_xgrow(buf, &cap, cap + 1, 1);
        errno = 0;
        size_t got = fread(buf + n, 1, cap - 1 - n, f);
        n += got;
        if (n > max_bytes) {
            free(buf);
            errno = EFBIG;
            return NULL;
        }
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        int e = errno ? errno : EIO;
        free(buf);
        errno = e;
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

char *
acd_read_file(const char *path, size_t max_bytes, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = acd_read_stream(f, max_bytes, len);
    int e = errno;
    fclose(f);
    errno = e;
    return buf;
}
