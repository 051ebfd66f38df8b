/*
 * json_out: what the JSON writers (report.c, staff_report.c) share on top
 * of jansson. Jansson returns NULL only without memory, which aborts here
 * as acd_xmalloc does, so writers never check.
 */
#ifndef ACDSIM_JSON_OUT_H
#define ACDSIM_JSON_OUT_H

#include "acdsim/stats.h"
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* j itself; aborts if NULL (out of memory). */
json_t *acd_json_check(json_t *j);
/* obj[key] = value (steals value). */
void acd_json_set(json_t *obj, const char *key, json_t *value);
/* arr += value (steals value). */
void acd_json_push(json_t *arr, json_t *value);
/* A number for finite x, null otherwise (JSON has no NaN). */
json_t *acd_json_real(double x);
/* A string; invalid UTF-8 (hand-built scenarios only) becomes "?" so the
 * document stays valid. NULL is "". */
json_t *acd_json_str(const char *s);
/* {"mean", "ci95"}. */
json_t *acd_json_estimate(const struct acd_estimate *e);

/* Dump root (consumed) indented, reals with 17 digits (they read back
 * equal), with a final newline. A top-level "seed" must then hold the
 * placeholder 0 when has_seed: it becomes the unsigned 64-bit seed
 * (jansson's integers are signed). Caller frees. */
char *acd_json_dump(json_t *root, bool has_seed, uint64_t seed);

/* Write the dumped text s to out and free it. Returns 0, or -1 on an I/O
 * error. */
int acd_json_put(FILE *out, char *s);

/* A JSON document written as it is built, so a large one (an operating day
 * of 1,440 intervals) is never held whole: byte for byte what
 * acd_json_dump prints for the same tree. Containers are opened and closed
 * in order; any subtree can be given whole (dumped and indented in
 * place). key is the member's name inside an object, NULL inside an
 * array. I/O errors are remembered and reported by end.
 *
 *   struct acd_json_stream js;
 *   acd_json_stream_begin(&js, out);          root object
 *   acd_json_stream_value(&js, "a", json_integer(1));
 *   acd_json_stream_open(&js, "list", true);  an array
 *   acd_json_stream_value(&js, NULL, tree);   an element, consumed
 *   acd_json_stream_close(&js);
 *   rc = acd_json_stream_end(&js);            "}\n"; 0 or -1 */
#define ACD_JSON_STREAM_DEPTH 32
struct acd_json_stream {
    FILE *out;
    unsigned depth; /* open containers, the root included */
    bool has_items[ACD_JSON_STREAM_DEPTH];
    bool array[ACD_JSON_STREAM_DEPTH];
    bool failed;
};
void acd_json_stream_begin(struct acd_json_stream *js, FILE *out);
void acd_json_stream_open(struct acd_json_stream *js, const char *key, bool array);
void acd_json_stream_value(struct acd_json_stream *js, const char *key, json_t *value);
/* A member whose value is the literal text (e.g. a uint64 seed). */
void acd_json_stream_raw(struct acd_json_stream *js, const char *key, const char *text);
void acd_json_stream_close(struct acd_json_stream *js);
int acd_json_stream_end(struct acd_json_stream *js);

#endif
