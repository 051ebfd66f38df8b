/*
 * json_out: shared helpers of the JSON writers (see json_out.h).
 */
#include "json_out.h"

#include "util.h"
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *
acd_json_check(json_t *j)
{
    if (!j)
        acd_oom(0); /* jansson does not say how much it asked for */
    return j;
}

void
acd_json_set(json_t *obj, const char *key, json_t *value)
{
    if (json_object_set_new(obj, key, acd_json_check(value)) != 0) {
        /* Only invalid UTF-8 keys fail here; names come from YAML (UTF-8),
         * so this is a bug, not input. */
        fprintf(stderr, "acdsim: cannot add JSON key '%s'\n", key);
        abort();
    }
}

void
acd_json_push(json_t *arr, json_t *value)
{
    if (json_array_append_new(arr, acd_json_check(value)) != 0)
        acd_oom(0); /* only without memory */
}

json_t *
acd_json_real(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}

json_t *
acd_json_str(const char *s)
{
    json_t *j = json_string(s ? s : "");
    return j ? j : json_string("?");
}

json_t *
acd_json_estimate(const struct acd_estimate *e)
{
    json_t *o = acd_json_check(json_object());
    acd_json_set(o, "mean", acd_json_real(e->mean));
    acd_json_set(o, "ci95", acd_json_real(e->ci95));
    return o;
}

char *
acd_json_dump(json_t *root, bool has_seed, uint64_t seed)
{
    char *dump = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    json_decref(root);
    if (!dump)
        acd_oom(0);
    if (!has_seed) {
        char *s = acd_xasprintf("%s\n", dump);
        free(dump);
        return s;
    }
    /* Literal newlines never occur inside JSON strings, so the first
     * "\n  \"seed\": 0" is the top-level key. */
    static const char key[] = "\n  \"seed\": 0";
    char *at = strstr(dump, key);
    ACD_ASSERT(at != NULL);
    size_t head = (size_t)(at - dump) + sizeof(key) - 2; /* up to the space before 0 */
    char *s = acd_xasprintf("%.*s%" PRIu64 "%s\n", (int)head, dump, seed, at + sizeof(key) - 1);
    free(dump);
    return s;
}

int
acd_json_put(FILE *out, char *s)
{
    size_t len = strlen(s);
    size_t w = fwrite(s, 1, len, out);
    free(s);
    return w == len && !ferror(out) ? 0 : -1;
}

/* ------------------------------------------------------------ streaming */

#define JSON_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17))

static void
js_write(struct acd_json_stream *js, const char *s, size_t n)
{
    if (n && fwrite(s, 1, n, js->out) != n)
        js->failed = true;
}

static void
js_indent(struct acd_json_stream *js, unsigned level)
{
    static const char spaces[] = "                                ";
    for (unsigned i = 0; i < level; i++)
        js_write(js, spaces, 2);
}

/* The separator, indentation and key before a member or element. */
static void
js_item(struct acd_json_stream *js, const char *key)
{
    ACD_ASSERT(js->depth > 0);
    unsigned d = js->depth - 1;
    ACD_ASSERT(js->array[d] == (key == NULL));
    js_write(js, js->has_items[d] ? ",\n" : "\n", js->has_items[d] ? 2 : 1);
    js->has_items[d] = true;
    js_indent(js, js->depth);
    if (key) {
        json_t *k = acd_json_str(key);
        char *t = json_dumps(k, JSON_FLAGS | JSON_ENCODE_ANY);
        json_decref(k);
        if (!t)
            acd_oom(0);
        js_write(js, t, strlen(t));
        js_write(js, ": ", 2);
        free(t);
    }
}

void
acd_json_stream_begin(struct acd_json_stream *js, FILE *out)
{
    memset(js, 0, sizeof(*js));
    js->out = out;
    js->depth = 1;
    js_write(js, "{", 1);
}

void
acd_json_stream_open(struct acd_json_stream *js, const char *key, bool array)
{
    ACD_ASSERT(js->depth < ACD_JSON_STREAM_DEPTH);
    js_item(js, key);
    js_write(js, array ? "[" : "{", 1);
    js->has_items[js->depth] = false;
    js->array[js->depth] = array;
    js->depth++;
}

void
acd_json_stream_value(struct acd_json_stream *js, const char *key, json_t *value)
{
    acd_json_check(value);
    js_item(js, key);
    char *t = json_dumps(value, JSON_FLAGS | JSON_ENCODE_ANY);
    json_decref(value);
    if (!t)
        acd_oom(0);
    /* Nested at this depth: every line after the first moves right.
     * Literal newlines never occur inside JSON strings. */
    const char *p = t;
    for (const char *nl; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
        js_write(js, p, (size_t)(nl - p) + 1);
        js_indent(js, js->depth);
    }
    js_write(js, p, strlen(p));
    free(t);
}

void
acd_json_stream_raw(struct acd_json_stream *js, const char *key, const char *text)
{
    js_item(js, key);
    js_write(js, text, strlen(text));
}

void
acd_json_stream_close(struct acd_json_stream *js)
{
    ACD_ASSERT(js->depth > 1);
    js->depth--;
    bool array = js->array[js->depth];
    if (js->has_items[js->depth]) {
        js_write(js, "\n", 1);
        js_indent(js, js->depth);
    }
    js_write(js, array ? "]" : "}", 1);
}

int
acd_json_stream_end(struct acd_json_stream *js)
{
    ACD_ASSERT(js->depth == 1);
    js->depth = 0;
    js_write(js, js->has_items[0] ? "\n}\n" : "}\n", js->has_items[0] ? 3 : 2);
    if (fflush(js->out) != 0 || ferror(js->out))
        js->failed = true;
    return js->failed ? -1 : 0;
}
