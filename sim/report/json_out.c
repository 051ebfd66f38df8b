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
