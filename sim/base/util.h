/*
 * util: memory allocation that never returns NULL, located assertions and
 * small helpers shared by every module.
 *
 * Error classes (DEVELOPERS.md): a bug trips ACD_ASSERT (prints file, line,
 * function and aborts); running out of memory aborts in acd_oom, the one
 * out-of-memory path, with the size asked for; user input errors never
 * reach this module.
 */
#ifndef ACDSIM_UTIL_H
#define ACDSIM_UTIL_H

#include "acdsim/field.h"
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Report running out of memory and abort: prints "acdsim: out of memory
 * allocating N bytes" (N = size), or "acdsim: out of memory" when size is
 * 0, meaning unknown. Every allocation failure ends here: the x*
 * allocators below, and callers of libraries that report a failure
 * without a size (libyaml, jansson, open_memstream), which pass the best
 * size they know, else 0. Never returns. */
_Noreturn void acd_oom(size_t size);

/* Allocate or abort (acd_oom). Caller frees with free(). */
void *acd_xmalloc(size_t size);
void *acd_xcalloc(size_t n, size_t size);
void *acd_xrealloc(void *p, size_t size);
/* Grow an array of n elements of `size` bytes to at least `need`; returns the
 * (possibly moved) array and updates *cap. Aborts on overflow. */
void *acd_xgrow(void *p, size_t *cap, size_t need, size_t size);
char *acd_xstrdup(const char *s);
char *acd_xstrndup(const char *s, size_t n);
/* printf into a new string; caller frees. */
char *acd_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* open_memstream(buf, len), or acd_oom: the stream can only fail for want
 * of memory. Close it with acd_xmemstream_close, then *buf (NUL-terminated,
 * *len bytes) is the caller's to free. */
FILE *acd_xmemstream_open(char **buf, size_t *len);
void acd_xmemstream_close(FILE *f);

/* Report a failed assertion and abort. Used by ACD_ASSERT; never returns. */
_Noreturn void acd_assert_fail(const char *file, int line, const char *func, const char *expr);

/* Cheap invariant checks stay in release builds (cimba assert_release). */
#define ACD_ASSERT(x) ((x) ? (void)0 : acd_assert_fail(__FILE__, __LINE__, __func__, #x))
#ifdef ACD_DEBUG_CHECKS
#define ACD_DEBUG_ASSERT(x) ACD_ASSERT(x)
#else
#define ACD_DEBUG_ASSERT(x) ((void)0)
#endif

#define ACD_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
/* NAN as a double (plain NAN is a float and trips -Wdouble-promotion). */
#define ACD_NAN ((double)NAN)

/* All of stream f (left open) as a new NUL-terminated string of *len
 * bytes; caller frees. NULL with errno set on a read error (the read's
 * errno, else EIO) or when the stream holds more than max_bytes (EFBIG). */
char *acd_read_stream(FILE *f, size_t max_bytes, size_t *len);
/* The same for the file at path (NULL with fopen's errno too). */
char *acd_read_file(const char *path, size_t max_bytes, size_t *len);

/* Route GSL's error handler to acd_assert_fail: a GSL error is a bug here,
 * because every parameter is validated before GSL sees it. Idempotent. */
void acd_util_install_gsl_handler(void);

/* "s" unless n is 1: "%zu call type%s", n, acd_plural(n). */
static inline const char *
acd_plural(unsigned long long n)
{
    return n == 1 ? "" : "s";
}

/* MurmurHash3 finalizer: a bijective 64-bit mixer used to derive seeds. */
static inline uint64_t
acd_fmix64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}

/* Levenshtein distance, for "did you mean" suggestions. */
size_t acd_edit_distance(const char *a, const char *b);

#endif
