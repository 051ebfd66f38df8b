/*
 * results_read: results.json back into struct acd_results, its setup (the
 * facts reports show) included (contract in results_read.h).
 *
 * jansson parses; this file checks the tree against the layout report.c
 * writes, walking it with a path (summary.asa_s.mean) so that every problem
 * names the value it is about. jansson keeps no positions, so the line and
 * column of a problem are found afterwards by walking the text along the
 * same path (jsonpos.c): problems are rare, the walk is cheap, and the tree
 * stays jansson's own.
 *
 * The seed is a uint64, wider than jansson's integers (json_int_t is
 * int64): report.c splices its digits into the text after dumping, and this
 * reader takes them out before parsing (take_seed).
 *
 * Which metrics and totals a scope holds comes from the acd_metrics /
 * acd_totals tables (their `scopes` bits), as in the writer; never from
 * lists kept here.
 */
#include "results_read.h"
#include "jsonpos.h"
#include "units.h"
#include "util.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Limits that keep hostile or mistaken input cheap; real documents are a
 * few megabytes at most. The others match what the scenario parser and
 * `acdsim run` accept. */
#define MAX_BYTES        (512u * 1024u * 1024u)
#define MAX_MESSAGES     50 /* errors, and separately warnings */
#define MAX_REPLICATIONS 1000000ULL
#define MAX_INTERVALS    10000
#define MAX_TIER         100ULL
/* (close - open) / interval must be this close to a whole number (as in
 * the scenario parser). */
#define INTERVAL_TOL 1e-6
/* A clock time in the document is whole seconds (report.c rounds). */
#define CLOCK_TOL_S 0.5

/* ------------------------------------------------------------------- seed */

/* The top-level "seed": its digits, if they are a plain integer that fits
 * a uint64 (anything else is left to jansson and the checks, which report
 * it). On success, *at and *ndigits say where the digits are. */
static bool
take_seed(const char *text, size_t len, uint64_t *seed, size_t *at, size_t *ndigits)
{
    size_t i;
    if (!acd_jsonpos_member(text, len, "seed", &i))
        return false;
    size_t j = i;
    uint64_t v = 0;
    while (j < len && text[j] >= '0' && text[j] <= '9') {
        unsigned d = (unsigned)(text[j] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false; /* jansson says "too big integer", located */
        v = v * 10 + d;
        j++;
    }
    /* Not a JSON integer: leading zeros, a fraction or an exponent. */
    if (j == i || (j - i > 1 && text[i] == '0') || (j < len && strchr(".eE", text[j])))
        return false;
    *seed = v;
    *at = i;
    *ndigits = j - i;
    return true;
}

/* ----------------------------------------------------------------- reader */

struct reader {
    const char *file; /* name in diagnostics */
    const char *text; /* the document as parsed (seed digits blanked) */
    size_t len;
    struct acd_diags *diags;
    size_t n_errors, n_warnings;
    unsigned replications; /* for acd_estimate.n; 0 until known */
};

static void report(struct reader *rd, enum acd_diag_level level, const struct acd_jsonpos_path *p,
                   bool at_name, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* One located diagnostic, prefixed with the path of the value; located at
 * the value, or at its member name with at_name (for what is wrong with
 * the name itself: unknown, empty). After MAX_MESSAGES of a kind, one note
 * (where the next one would have been) says the rest is not shown: a
 * mangled file must not bury the first, most telling error. */
static void
report(struct reader *rd, enum acd_diag_level level, const struct acd_jsonpos_path *p, bool at_name,
       const char *fmt, ...)
{
    size_t *count = level == ACD_DIAG_ERROR ? &rd->n_errors : &rd->n_warnings;
    if ((*count)++ > MAX_MESSAGES)
        return;
    unsigned line, col;
    acd_jsonpos_locate(rd->text, rd->len, p, at_name, &line, &col);
    if (*count > MAX_MESSAGES) {
        acd_diags_add(rd->diags, ACD_DIAG_NOTE, rd->file, line, col, "more %ss not shown",
                      level == ACD_DIAG_ERROR ? "error" : "warning");
        return;
    }
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    char *where = acd_jsonpos_path_text(p);
    acd_diags_add(rd->diags, level, rd->file, line, col, "%s%s%s", where, *where ? ": " : "", msg);
    free(where);
}

#define ERROR(rd, p, ...)      report((rd), ACD_DIAG_ERROR, (p), false, __VA_ARGS__)
#define ERROR_NAME(rd, p, ...) report((rd), ACD_DIAG_ERROR, (p), true, __VA_ARGS__)
#define WARN_NAME(rd, p, ...)  report((rd), ACD_DIAG_WARNING, (p), true, __VA_ARGS__)

static const char *
kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
        return "true";
    case JSON_FALSE:
        return "false";
    case JSON_NULL:
        return "null";
    }
    return "something else";
}

static bool
want_object(struct reader *rd, const json_t *v, const struct acd_jsonpos_path *p)
{
    if (json_is_object(v))
        return true;
    ERROR(rd, p, "expected an object, got %s", kind(v));
    return false;
}

static bool
want_array(struct reader *rd, const json_t *v, const struct acd_jsonpos_path *p)
{
    if (json_is_array(v))
        return true;
    ERROR(rd, p, "expected an array, got %s", kind(v));
    return false;
}

/* Member `key` of the object at p (its own path in *kp), or NULL after
 * reporting it missing. */
static json_t *
need(struct reader *rd, json_t *obj, const struct acd_jsonpos_path *p, const char *key,
     struct acd_jsonpos_path *kp)
{
    *kp = acd_jsonpos_key(p, key);
    json_t *v = json_object_get(obj, key);
    if (!v)
        ERROR(rd, p, "missing key '%s'", key);
    return v;
}

/* need(), or for a figure added later (only_with) the key if present:
 * files written before it stay readable (the figure stays NaN). */
static json_t *
need_unless(struct reader *rd, json_t *obj, const struct acd_jsonpos_path *p, const char *key,
            struct acd_jsonpos_path *kp, bool optional)
{
    if (!optional)
        return need(rd, obj, p, key, kp);
    *kp = acd_jsonpos_key(p, key);
    return json_object_get(obj, key);
}

/* A number, or null (NaN) when null_ok. */
static bool
get_real(struct reader *rd, const json_t *v, const struct acd_jsonpos_path *p, bool null_ok,
         double *out)
{
    if (json_is_number(v)) {
        *out = json_number_value(v);
        return true;
    }
    if (null_ok && json_is_null(v)) {
        *out = ACD_NAN;
        return true;
    }
    ERROR(rd, p, "expected a number%s, got %s", null_ok ? " or null" : "", kind(v));
    return false;
}

/* A finite number > 0 (or >= 0 when zero_ok). */
static bool
get_positive(struct reader *rd, const json_t *v, const struct acd_jsonpos_path *p, bool zero_ok,
             double *out)
{
    double x;
    if (!get_real(rd, v, p, false, &x))
        return false;
    if (!isfinite(x) || x < 0 || (x == 0 && !zero_ok)) {
        ERROR(rd, p, "expected a %s number, got %.17g", zero_ok ? "non-negative" : "positive", x);
        return false;
    }
    *out = x;
    return true;
}

/* An integer in [lo, hi]. */
static bool
get_uint(struct reader *rd, const json_t *v, const struct acd_jsonpos_path *p,
         unsigned long long lo, unsigned long long hi, unsigned long long *out)
{
    if (!json_is_integer(v)) {
        ERROR(rd, p, "expected an integer, got %s", kind(v));
        return false;
    }
    json_int_t x = json_integer_value(v);
    if (x < 0 || (unsigned long long)x < lo || (unsigned long long)x > hi) {
        ERROR(rd, p, "expected an integer from %llu to %llu, got %lld", lo, hi, (long long)x);
        return false;
    }
    *out = (unsigned long long)x;
    return true;
}

static const char *
get_string(struct reader *rd, const json_t *v, const struct acd_jsonpos_path *p)
{
    if (json_is_string(v))
        return json_string_value(v);
    ERROR(rd, p, "expected a string, got %s", kind(v));
    return NULL;
}

static bool
in_list(const char *key, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(key, list[i]) == 0)
            return true;
    return false;
}

/* A warning for each member of the object at p that is not in known[]. */
static void
warn_unknown(struct reader *rd, json_t *obj, const struct acd_jsonpos_path *p,
             const char *const *known, size_t n_known)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        if (!in_list(key, known, n_known)) {
            struct acd_jsonpos_path kp = acd_jsonpos_key(p, key);
            WARN_NAME(rd, &kp, "unknown key (ignored)");
        }
    }
}

/* ----------------------------------------------------------------- scopes */

static const char *
scope_what(unsigned scope)
{
    switch (scope) {
    case ACD_SCOPE_CENTER:
        return "the whole center";
    case ACD_SCOPE_TYPE:
        return "a call type";
    case ACD_SCOPE_GROUP:
        return "an agent group";
    default:
        return "an interval";
    }
}

static const struct acd_estimate nan_estimate = {.mean = ACD_NAN, .ci95 = ACD_NAN, .n = 0};

/* {"mean": x, "ci95": y}, each a number or null (NaN). The document does
 * not say how many replications had a defined value; a defined mean
 * counts them all. */
static void
read_estimate(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p,
              struct acd_estimate *e)
{
    static const char *const keys[] = {"mean", "ci95"};
    *e = nan_estimate;
    if (!want_object(rd, v, p))
        return;
    struct acd_jsonpos_path kp;
    json_t *x;
    if ((x = need(rd, v, p, "mean", &kp)))
        get_real(rd, x, &kp, true, &e->mean);
    if ((x = need(rd, v, p, "ci95", &kp)))
        get_real(rd, x, &kp, true, &e->ci95);
    warn_unknown(rd, v, p, keys, ACD_ARRAY_LEN(keys));
    e->n = isfinite(e->mean) ? rd->replications : 0;
}

static int
total_find(const char *key)
{
    for (int k = 0; k < ACD_TOTAL_COUNT; k++)
        if (strcmp(acd_totals[k].key, key) == 0)
            return k;
    return ACD_TOTAL_COUNT;
}

/* The "totals" object of a scope. */
static void
read_totals(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p, unsigned scope,
            struct acd_scope_result *out)
{
    if (!want_object(rd, v, p))
        return;
    for (int k = 0; k < ACD_TOTAL_COUNT; k++) {
        struct acd_jsonpos_path kp;
        json_t *x;
        if ((acd_totals[k].scopes & scope) &&
            (x = need_unless(rd, v, p, acd_totals[k].key, &kp, acd_totals[k].only_with != 0)))
            read_estimate(rd, x, &kp, &out->total[k]);
    }
    const char *key;
    json_t *x;
    json_object_foreach(v, key, x)
    {
        struct acd_jsonpos_path kp = acd_jsonpos_key(p, key);
        int k = total_find(key);
        if (k == ACD_TOTAL_COUNT)
            WARN_NAME(rd, &kp, "unknown total (ignored)");
        else if (!(acd_totals[k].scopes & scope))
            WARN_NAME(rd, &kp, "does not apply to %s (ignored)", scope_what(scope));
    }
}

/* One scope: every metric that applies to it, then "totals"; `extra` are
 * the other keys its object may hold (an interval's start, end...). A
 * metric or total that does not apply stays NaN, as the engine leaves it. */
static void
read_scope(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p, unsigned scope,
           const char *name, struct acd_scope_result *out, const char *const *extra, size_t n_extra)
{
    out->name = name;
    out->scope = scope;
    for (int m = 0; m < ACD_METRIC_COUNT; m++)
        out->metric[m] = nan_estimate;
    for (int k = 0; k < ACD_TOTAL_COUNT; k++)
        out->total[k] = nan_estimate;
    if (!want_object(rd, v, p))
        return;
    struct acd_jsonpos_path kp;
    json_t *x;
    for (int m = 0; m < ACD_METRIC_COUNT; m++)
        if ((acd_metrics[m].scopes & scope) &&
            (x = need_unless(rd, v, p, acd_metrics[m].key, &kp, acd_metrics[m].only_with != 0)))
            read_estimate(rd, x, &kp, &out->metric[m]);
    if ((x = need(rd, v, p, "totals", &kp)))
        read_totals(rd, x, &kp, scope, out);
    const char *key;
    json_object_foreach(v, key, x)
    {
        if (strcmp(key, "totals") == 0 || in_list(key, extra, n_extra))
            continue;
        kp = acd_jsonpos_key(p, key);
        enum acd_metric m = acd_stats_metric_find(key);
        if (m == ACD_METRIC_COUNT)
            WARN_NAME(rd, &kp, "unknown metric (ignored)");
        else if (!(acd_metrics[m].scopes & scope))
            WARN_NAME(rd, &kp, "does not apply to %s (ignored)", scope_what(scope));
    }
}

/* The names of "call_types" or "agent_groups" (object keys, in document
 * order, which is the scenario's). Returns how many; *names is a new array
 * of borrowed strings (from the tree). */
static size_t
read_names(struct reader *rd, json_t *obj, const struct acd_jsonpos_path *p, const char *what,
           const char ***names)
{
    size_t n = json_object_size(obj), i = 0;
    *names = acd_xcalloc(n ? n : 1, sizeof(**names));
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        if (!*key) {
            struct acd_jsonpos_path kp = acd_jsonpos_key(p, key);
            ERROR_NAME(rd, &kp, "%s needs a name", what);
        }
        (*names)[i++] = key;
    }
    return i;
}

/* An object keyed by the names of the top level's call types or agent
 * groups (an interval's "call_types", setup's "agent_groups"): each name
 * must be there, and no other. Calls fn for each, in `names` order. */
static void
read_named(struct reader *rd, json_t *obj, const struct acd_jsonpos_path *p, const char *what,
           const char *const *names, size_t n, const char *where,
           void (*fn)(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p, size_t i,
                      void *ud),
           void *ud)
{
    if (!want_object(rd, obj, p))
        return;
    for (size_t i = 0; i < n; i++) {
        struct acd_jsonpos_path kp = acd_jsonpos_key(p, names[i]);
        json_t *v = json_object_get(obj, names[i]);
        if (v)
            fn(rd, v, &kp, i, ud);
        else
            ERROR(rd, p, "missing %s '%s'", what, names[i]);
    }
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        if (!in_list(key, names, n)) {
            struct acd_jsonpos_path kp = acd_jsonpos_key(p, key);
            ERROR_NAME(rd, &kp, "unknown %s (not in %s)", what, where);
        }
    }
}

/* --------------------------------------------------------------- document */

/* What the checks know so far; later parts are checked against earlier
 * ones only when those were valid, so one mistake is reported once. */
struct doc {
    struct acd_results *r;
    struct acd_setup *st;                   /* &r->setup */
    const char **type_names, **group_names; /* borrowed from the tree */
    bool types_ok, groups_ok;
    bool horizon_ok;   /* st's horizon fields are valid */
    bool days_ok;      /* a period's days (st->days) were read without error */
    bool has_features; /* setup.features was in the document */
    bool has_staffing; /* setup.agent_groups.NAME.staffing was (added after 0.1) */
    bool has_routing;  /* setup.routing was (added after 0.1) */
};

static void
init_scope(struct acd_scope_result *s, const char *name, unsigned scope)
{
    s->name = name;
    s->scope = scope;
    for (int m = 0; m < ACD_METRIC_COUNT; m++)
        s->metric[m] = nan_estimate;
    for (int k = 0; k < ACD_TOTAL_COUNT; k++)
        s->total[k] = nan_estimate;
}

/* Scopes for n names, every estimate NaN until read; never NULL (as the
 * engine allocates them). */
static struct acd_scope_result *
new_scopes(size_t n, unsigned scope)
{
    struct acd_scope_result *v = acd_xcalloc(n ? n : 1, sizeof(*v));
    for (size_t i = 0; i < n; i++)
        init_scope(&v[i], "", scope);
    return v;
}

/* read_named callback: the scope of the i-th call type or agent group. */
struct named_scopes {
    struct acd_scope_result *v;
    const struct acd_setup *st;
    unsigned scope; /* ACD_SCOPE_TYPE or ACD_SCOPE_GROUP */
};

static void
named_scope(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p, size_t i, void *ud)
{
    const struct named_scopes *ns = ud;
    const char *name =
        ns->scope == ACD_SCOPE_TYPE ? ns->st->call_types[i].name : ns->st->groups[i].name;
    static const char *const type_extra[] = {"channel"}; /* read by read_channel */
    if (ns->scope == ACD_SCOPE_TYPE)
        read_scope(rd, v, p, ns->scope, name, &ns->v[i], type_extra, ACD_ARRAY_LEN(type_extra));
    else
        read_scope(rd, v, p, ns->scope, name, &ns->v[i], NULL, 0);
}

/* A top-level call type's "channel" (written when some type is not
 * voice): voice when absent. */
static void
read_channel(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p,
             struct acd_setup_type *t)
{
    struct acd_jsonpos_path kp = acd_jsonpos_key(p, "channel");
    json_t *x = json_is_object(v) ? json_object_get(v, "channel") : NULL;
    const char *s = x ? get_string(rd, x, &kp) : NULL;
    if (!s)
        return;
    for (int ch = 0; ch < ACD_N_CHANNELS; ch++)
        if (strcmp(s, acd_channel_name((enum acd_channel)ch)) == 0) {
            t->channel = (enum acd_channel)ch;
            return;
        }
    ERROR(rd, &kp, "unknown channel '%s' (expected voice, chat or email)", s);
}

static bool
member_real(struct reader *rd, json_t *obj, const struct acd_jsonpos_path *p, const char *key,
            bool null_ok, double *out)
{
    struct acd_jsonpos_path kp;
    json_t *x = need(rd, obj, p, key, &kp);
    return x && get_real(rd, x, &kp, null_ok, out);
}

static bool
member_positive(struct reader *rd, json_t *obj, const struct acd_jsonpos_path *p, const char *key,
                bool zero_ok, double *out)
{
    struct acd_jsonpos_path kp;
    json_t *x = need(rd, obj, p, key, &kp);
    return x && get_positive(rd, x, &kp, zero_ok, out);
}

static bool
member_uint(struct reader *rd, json_t *obj, const struct acd_jsonpos_path *p, const char *key,
            unsigned long long lo, unsigned long long hi, unsigned long long *out)
{
    struct acd_jsonpos_path kp;
    json_t *x = need(rd, obj, p, key, &kp);
    return x && get_uint(rd, x, &kp, lo, hi, out);
}

/* A clock time ("07:30") member. */
static bool
member_clock(struct reader *rd, json_t *obj, const struct acd_jsonpos_path *p, const char *key,
             double *out)
{
    struct acd_jsonpos_path kp;
    json_t *x = need(rd, obj, p, key, &kp);
    const char *s = x ? get_string(rd, x, &kp) : NULL;
    if (!s)
        return false;
    if (acd_units_parse_clock(s, out) == 0)
        return true;
    ERROR(rd, &kp, "expected a clock time such as \"07:30\", got \"%s\"", s);
    return false;
}

/* ----------------------------------------------------------------- header */

static void
read_header(struct reader *rd, json_t *root, const uint64_t *seed, struct doc *d)
{
    struct acd_jsonpos_path kp;
    json_t *x;
    /* Any version is read (the layout is what is checked), but a document
     * of another version is said to be one: keys it lacks read as older
     * documents do (docs/results-json.md), keys it adds are warned of. */
    const char *version = (x = need(rd, root, NULL, "acdsim", &kp)) ? get_string(rd, x, &kp) : NULL;
    if (version && strcmp(version, ACD_VERSION) != 0)
        report(rd, ACD_DIAG_WARNING, &kp, false,
               "written by acdsim %s, read by acdsim %s: read as far as the keys allow", version,
               ACD_VERSION);
    if ((x = need(rd, root, NULL, "scenario", &kp))) {
        const char *s = get_string(rd, x, &kp);
        d->st->name = acd_xstrdup(s ? s : "");
    }
    /* take_seed has the digits when they are a plain integer; otherwise the
     * tree has the value, which is then wrong in some way to report. */
    unsigned long long v;
    if ((x = need(rd, root, NULL, "seed", &kp))) {
        if (seed)
            d->r->seed = *seed;
        else if (get_uint(rd, x, &kp, 0, UINT64_MAX, &v))
            d->r->seed = v;
    }
    if (member_uint(rd, root, NULL, "replications", 1, MAX_REPLICATIONS, &v))
        d->r->replications = rd->replications = (unsigned)v;
}

/* "call_types" or "agent_groups" at the top: the names, which every other
 * part is checked against. */
static size_t
read_catalog(struct reader *rd, json_t *obj, const struct acd_jsonpos_path *p, const char *what,
             const char ***names, bool *ok)
{
    *names = NULL;
    if (!obj || !want_object(rd, obj, p))
        return 0;
    *ok = true;
    return read_names(rd, obj, p, what, names);
}

static void
read_scopes(struct reader *rd, json_t *root, struct doc *d)
{
    struct acd_setup *st = d->st;
    struct acd_results *r = d->r;
    struct acd_jsonpos_path tp, gp, sp;
    json_t *types = need(rd, root, NULL, "call_types", &tp);
    json_t *groups = need(rd, root, NULL, "agent_groups", &gp);
    size_t nt = read_catalog(rd, types, &tp, "a call type", &d->type_names, &d->types_ok);
    size_t ng = read_catalog(rd, groups, &gp, "an agent group", &d->group_names, &d->groups_ok);
    st->call_types = acd_xcalloc(nt ? nt : 1, sizeof(*st->call_types));
    st->n_call_types = nt;
    for (size_t k = 0; k < nt; k++)
        st->call_types[k].name = acd_xstrdup(d->type_names[k]);
    st->groups = acd_xcalloc(ng ? ng : 1, sizeof(*st->groups));
    st->n_groups = ng;
    for (size_t g = 0; g < ng; g++) {
        st->groups[g].name = acd_xstrdup(d->group_names[g]);
        st->groups[g].tier = 1;
    }

    init_scope(&r->summary, "", ACD_SCOPE_CENTER);
    r->types = new_scopes(nt, ACD_SCOPE_TYPE);
    r->groups = new_scopes(ng, ACD_SCOPE_GROUP);
    r->group_drain = acd_xcalloc(ng ? ng : 1, sizeof(*r->group_drain));
    json_t *x;
    if ((x = need(rd, root, NULL, "summary", &sp)))
        read_scope(rd, x, &sp, ACD_SCOPE_CENTER, "", &r->summary, NULL, 0);
    struct named_scopes ts = {r->types, st, ACD_SCOPE_TYPE}, gs = {r->groups, st, ACD_SCOPE_GROUP};
    for (size_t k = 0; k < nt; k++) {
        struct acd_jsonpos_path kp = acd_jsonpos_key(&tp, d->type_names[k]);
        named_scope(rd, json_object_get(types, d->type_names[k]), &kp, k, &ts);
        read_channel(rd, json_object_get(types, d->type_names[k]), &kp, &st->call_types[k]);
    }
    for (size_t g = 0; g < ng; g++) {
        struct acd_jsonpos_path kp = acd_jsonpos_key(&gp, d->group_names[g]);
        named_scope(rd, json_object_get(groups, d->group_names[g]), &kp, g, &gs);
    }
}

/* "channels" (top level, or a day's): each channel's figures into
 * out[ACD_N_CHANNELS], written when the call types use more than one
 * channel (their channels read, read_scopes); absent from older
 * documents. */
static void
read_channels(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p,
              const struct acd_setup *st, struct acd_scope_result *out)
{
    if (!want_object(rd, v, p))
        return;
    unsigned used = acd_setup_channels(st);
    const char *names[ACD_N_CHANNELS];
    for (unsigned ch = 0; ch < ACD_N_CHANNELS; ch++) {
        names[ch] = acd_channel_name((enum acd_channel)ch);
        struct acd_jsonpos_path kp = acd_jsonpos_key(p, names[ch]);
        json_t *x = json_object_get(v, names[ch]);
        if (x && !(used & (1u << ch)))
            ERROR(rd, &kp, "no call type is of channel %s", names[ch]);
        else if (used & (1u << ch)) {
            if (!x)
                ERROR(rd, p, "missing key '%s' (a channel of the call types)", names[ch]);
            else
                read_scope(rd, x, &kp, ACD_SCOPE_TYPE, names[ch], &out[ch], NULL, 0);
        }
    }
    warn_unknown(rd, v, p, names, ACD_N_CHANNELS);
}

/* ------------------------------------------------------------------- days */

static const char *const day_extra[] = {"label", "date",           "weekday",     "open",
                                        "close", "first_interval", "n_intervals", "channels"};

/* Day i of a period: its figures, then what it is (times from midnight of
 * the first day, as the engine's). */
static void
read_one_day(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p, size_t i, size_t *next,
             struct doc *d)
{
    struct acd_setup_day *dy = &d->st->days[i];
    dy->date = -1;
    dy->weekday = -1;
    read_scope(rd, v, p, ACD_SCOPE_INTERVAL, "", &d->r->days[i], day_extra,
               ACD_ARRAY_LEN(day_extra));
    if (!json_is_object(v))
        return; /* reported */
    struct acd_jsonpos_path kp;
    json_t *x;
    if ((x = json_object_get(v, "channels"))) { /* more than one channel */
        kp = acd_jsonpos_key(p, "channels");
        if (!d->r->day_channels)
            d->r->day_channels = new_scopes(d->st->n_days * ACD_N_CHANNELS, ACD_SCOPE_TYPE);
        read_channels(rd, x, &kp, d->st, &d->r->day_channels[i * ACD_N_CHANNELS]);
    }
    const char *label = (x = need(rd, v, p, "label", &kp)) ? get_string(rd, x, &kp) : NULL;
    dy->label = acd_xstrdup(label ? label : "");
    if ((x = need(rd, v, p, "date", &kp)) && !json_is_null(x)) {
        const char *s = get_string(rd, x, &kp);
        if (s && acd_units_parse_date(s, &dy->date) != 0)
            ERROR(rd, &kp, "expected a date such as \"2026-12-07\", got \"%s\"", s);
    }
    if ((x = need(rd, v, p, "weekday", &kp)) && !json_is_null(x)) {
        const char *s = get_string(rd, x, &kp);
        for (int w = 0; s && w < 7; w++)
            if (strcmp(s, acd_units_weekday_names[w]) == 0)
                dy->weekday = w;
        if (s && dy->weekday < 0)
            ERROR(rd, &kp, "expected mon, tue, wed, thu, fri, sat or sun, got \"%s\"", s);
    }
    double open = 0, close = 0;
    bool ok = member_clock(rd, v, p, "open", &open);
    ok = member_clock(rd, v, p, "close", &close) && ok;
    unsigned long long first = 0, n = 0;
    ok = member_uint(rd, v, p, "first_interval", 0, MAX_INTERVALS, &first) && ok;
    ok = member_uint(rd, v, p, "n_intervals", 1, MAX_INTERVALS, &n) && ok;
    if (!ok)
        return;
    if (first != *next) {
        kp = acd_jsonpos_key(p, "first_interval");
        ERROR(rd, &kp, "expected %zu (the day before's intervals end there)", *next);
    }
    double base = dy->date >= 0 && d->st->days[0].date >= 0
                      ? (double)(dy->date - d->st->days[0].date) * 86400.0
                      : 0;
    dy->open_s = base + open;
    dy->close_s = base + close;
    dy->first_interval = (size_t)first;
    dy->n_intervals = (size_t)n;
    *next = (size_t)(first + n);
}

/* "days": a multi-day period's days (setup.days) and their figures. */
static void
read_days(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p, struct doc *d)
{
    if (!want_array(rd, v, p))
        return;
    size_t n = json_array_size(v);
    if (n == 0 || n > 366) {
        ERROR(rd, p, "expected 1 to 366 days, found %zu", n);
        return;
    }
    d->st->n_days = n;
    d->st->days = acd_xcalloc(n, sizeof(*d->st->days));
    d->r->days = new_scopes(n, ACD_SCOPE_INTERVAL);
    size_t next = 0, before = rd->n_errors;
    for (size_t i = 0; i < n; i++) {
        struct acd_jsonpos_path ip = acd_jsonpos_index(p, i);
        read_one_day(rd, json_array_get(v, i), &ip, i, &next, d);
    }
    d->days_ok = rd->n_errors == before;
}

/* ------------------------------------------------------------------ setup */

static const char *const day_keys[] = {"open", "close", "interval_s"};
static const char *const steady_keys[] = {"duration_s", "warmup_s"};

static bool
has_any(json_t *obj, const char *const *keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (json_object_get(obj, keys[i]))
            return true;
    return false;
}

static void
read_day(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p, struct doc *d)
{
    double open, close, iv;
    bool ok = member_clock(rd, v, p, "open", &open);
    ok = member_clock(rd, v, p, "close", &close) && ok;
    ok = member_positive(rd, v, p, "interval_s", false, &iv) && ok;
    warn_unknown(rd, v, p, day_keys, ACD_ARRAY_LEN(day_keys));
    if (!ok)
        return;
    struct acd_jsonpos_path cp = acd_jsonpos_key(p, "close"), ip = acd_jsonpos_key(p, "interval_s");
    if (close <= open) {
        ERROR(rd, &cp, "must be later than 'open'");
        return;
    }
    double q = (close - open) / iv, n = round(q);
    if (n < 1 || fabs(q - n) > INTERVAL_TOL) {
        ERROR(rd, &ip, "%.17g s does not divide the opening hours into whole intervals", iv);
        return;
    }
    if (n > MAX_INTERVALS) {
        ERROR(rd, &ip, "makes %.0f intervals (at most %d are allowed)", n, MAX_INTERVALS);
        return;
    }
    d->st->horizon = ACD_HORIZON_DAY;
    d->st->open_s = open;
    d->st->close_s = close;
    d->st->interval_s = iv;
    d->st->n_intervals = (size_t)n;
    d->horizon_ok = true;
}

static void
read_steady(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p, struct doc *d)
{
    double duration, warmup;
    bool ok = member_positive(rd, v, p, "duration_s", false, &duration);
    ok = member_positive(rd, v, p, "warmup_s", true, &warmup) && ok;
    warn_unknown(rd, v, p, steady_keys, ACD_ARRAY_LEN(steady_keys));
    if (!ok)
        return;
    if (warmup >= duration) {
        struct acd_jsonpos_path wp = acd_jsonpos_key(p, "warmup_s");
        ERROR(rd, &wp, "must be shorter than duration_s");
        return;
    }
    d->st->horizon = ACD_HORIZON_STEADY;
    d->st->duration_s = duration;
    d->st->warmup_s = warmup;
    d->horizon_ok = true;
}

static void
read_horizon(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p, struct doc *d)
{
    if (!want_object(rd, v, p))
        return;
    if (d->st->n_days) { /* a period: its days make the horizon */
        double iv;
        warn_unknown(rd, v, p, day_keys, ACD_ARRAY_LEN(day_keys));
        if (!member_positive(rd, v, p, "interval_s", false, &iv) || !d->days_ok)
            return;
        const struct acd_setup_day *last = &d->st->days[d->st->n_days - 1];
        d->st->horizon = ACD_HORIZON_DAY;
        d->st->open_s = d->st->days[0].open_s;
        d->st->close_s = last->close_s;
        d->st->interval_s = iv;
        d->st->n_intervals = last->first_interval + last->n_intervals;
        d->horizon_ok = true;
        return;
    }
    bool day = has_any(v, day_keys, ACD_ARRAY_LEN(day_keys));
    bool steady = has_any(v, steady_keys, ACD_ARRAY_LEN(steady_keys));
    if (day && steady)
        ERROR(rd, p,
              "has keys of an operating day (open, close, interval_s) and of a steady state "
              "(duration_s, warmup_s)");
    else if (day)
        read_day(rd, v, p, d);
    else if (steady)
        read_steady(rd, v, p, d);
    else
        ERROR(rd, p,
              "expected open, close and interval_s (an operating day) or duration_s and "
              "warmup_s (a steady state)");
}

/* A share from 0 to 1 at key `key` of v. */
static bool
member_share(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p, const char *key,
             double *out)
{
    double x;
    if (!member_real(rd, v, p, key, false, &x))
        return false;
    struct acd_jsonpos_path tp = acd_jsonpos_key(p, key);
    if (x < 0 || x > 1) {
        ERROR(rd, &tp, "expected a share from 0 to 1, got %.17g", x);
        return false;
    }
    *out = x;
    return true;
}

/* setup.service_level.call_types (added in this version: optional): the
 * call types with their own service level, each {threshold_s, target}. */
static void
read_type_service_levels(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p,
                         struct doc *d)
{
    static const char *const keys[] = {"threshold_s", "target"};
    if (!want_object(rd, v, p))
        return;
    const char *name;
    json_t *x;
    json_object_foreach(v, name, x)
    {
        struct acd_jsonpos_path kp = acd_jsonpos_key(p, name);
        size_t k = 0;
        while (k < d->st->n_call_types && strcmp(d->type_names[k], name) != 0)
            k++;
        if (k == d->st->n_call_types) {
            ERROR(rd, &kp, "unknown call type '%s'", name);
            continue;
        }
        struct acd_setup_type *t = &d->st->call_types[k];
        if (!want_object(rd, x, &kp))
            continue;
        t->has_sl = true;
        member_positive(rd, x, &kp, "threshold_s", true, &t->sl_threshold_s);
        member_share(rd, x, &kp, "target", &t->sl_target);
        warn_unknown(rd, x, &kp, keys, ACD_ARRAY_LEN(keys));
    }
}

static void
read_service_level(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p, struct doc *d)
{
    static const char *const keys[] = {"threshold_s", "target", "call_types"};
    struct acd_setup *st = d->st;
    if (!want_object(rd, v, p))
        return;
    member_positive(rd, v, p, "threshold_s", true, &st->sl_threshold_s);
    member_share(rd, v, p, "target", &st->sl_target);
    for (size_t k = 0; k < st->n_call_types; k++) {
        st->call_types[k].sl_threshold_s = st->sl_threshold_s;
        st->call_types[k].sl_target = st->sl_target;
    }
    json_t *x = json_object_get(v, "call_types");
    if (x && d->types_ok) {
        struct acd_jsonpos_path kp = acd_jsonpos_key(p, "call_types");
        read_type_service_levels(rd, x, &kp, d);
    }
    warn_unknown(rd, v, p, keys, ACD_ARRAY_LEN(keys));
}

/* Read every field of `fields` from object v into base (null = NAN); other
 * keys are warnings. */
static void
read_real_fields(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p,
                 const struct acd_field *fields, size_t n, void *base)
{
    const char *keys[16];
    ACD_ASSERT(n <= ACD_ARRAY_LEN(keys));
    if (!want_object(rd, v, p))
        return;
    for (size_t i = 0; i < n; i++) {
        keys[i] = fields[i].key;
        member_real(rd, v, p, keys[i], true, (double *)((char *)base + fields[i].offset));
    }
    warn_unknown(rd, v, p, keys, n);
}

/* setup.targets: each a number, or null for "no such goal". */
static const struct acd_field target_keys[] = {
    {"max_abandon", offsetof(struct acd_setup, max_abandon)},
    {"max_asa_s", offsetof(struct acd_setup, max_asa_s)},
    {"max_occupancy", offsetof(struct acd_setup, max_occupancy)},
};

static void
read_targets(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p, struct acd_setup *st)
{
    read_real_fields(rd, v, p, target_keys, ACD_ARRAY_LEN(target_keys), st);
}

/* read_named callback: setup.agent_groups.NAME = {"tier": N, "staffing":
 * "agents" | "plan" | "shifts", "count": N}; staffing and count were added
 * after 0.1 and are optional. */
static void
group_setup(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p, size_t g, void *ud)
{
    static const char *const keys[] = {"tier", "staffing", "count"};
    struct doc *d = ud;
    struct acd_setup_group *sg = &d->st->groups[g];
    unsigned long long n;
    if (!want_object(rd, v, p))
        return;
    if (member_uint(rd, v, p, "tier", 1, MAX_TIER, &n))
        sg->tier = (unsigned)n;
    json_t *x = json_object_get(v, "staffing");
    if (x) {
        struct acd_jsonpos_path kp = acd_jsonpos_key(p, "staffing");
        const char *s = get_string(rd, x, &kp);
        size_t i = 0;
        while (s && i < ACD_ARRAY_LEN(acd_staffing_names) && strcmp(acd_staffing_names[i], s) != 0)
            i++;
        if (s && i == ACD_ARRAY_LEN(acd_staffing_names))
            ERROR(rd, &kp, "expected \"agents\", \"plan\" or \"shifts\", got \"%s\"", s);
        else if (s) {
            sg->staffing = (enum acd_staffing)i;
            d->has_staffing = true;
            if (sg->staffing != ACD_STAFFING_PLAN &&
                member_uint(rd, v, p, "count", 0, UINT_MAX, &n))
                sg->staffing_count = (unsigned)n;
        }
    }
    warn_unknown(rd, v, p, keys, ACD_ARRAY_LEN(keys));
}

/* setup.features (added after 0.1: optional): the names of the model
 * features the scenario uses (acd_feature_names). */
static void
read_features(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p, struct doc *d)
{
    if (!want_array(rd, v, p))
        return;
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x)
    {
        struct acd_jsonpos_path ip = acd_jsonpos_index(p, i);
        const char *s = get_string(rd, x, &ip);
        if (!s)
            continue;
        size_t f = 0;
        while (acd_feature_names[f] && strcmp(acd_feature_names[f], s) != 0)
            f++;
        if (acd_feature_names[f])
            d->st->features |= 1u << f;
        else
            report(rd, ACD_DIAG_WARNING, &ip, false, "unknown model feature \"%s\" (ignored)", s);
    }
    d->has_features = true;
}

static void
read_setup(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p, struct doc *d)
{
    static const char *const keys[] = {"horizon",      "service_level", "targets",
                                       "agent_groups", "features",      "routing"};
    if (!want_object(rd, v, p))
        return;
    struct acd_jsonpos_path kp;
    json_t *x;
    if ((x = need(rd, v, p, "horizon", &kp)))
        read_horizon(rd, x, &kp, d);
    if ((x = need(rd, v, p, "service_level", &kp)))
        read_service_level(rd, x, &kp, d);
    if ((x = need(rd, v, p, "targets", &kp)))
        read_targets(rd, x, &kp, d->st);
    if ((x = need(rd, v, p, "agent_groups", &kp)) && d->groups_ok)
        read_named(rd, x, &kp, "agent group", d->group_names, d->st->n_groups, "agent_groups",
                   group_setup, d);
    /* setup.routing (added after 0.1: optional): the policy, null if the
     * scenario named none. */
    if ((x = json_object_get(v, "routing"))) {
        kp = acd_jsonpos_key(p, "routing");
        const char *s = json_is_null(x) ? NULL : get_string(rd, x, &kp);
        if (s)
            d->st->routing = acd_xstrdup(s);
        d->has_routing = json_is_null(x) || s;
    }
    if ((x = json_object_get(v, "features"))) {
        kp = acd_jsonpos_key(p, "features");
        read_features(rd, x, &kp, d);
    }
    warn_unknown(rd, v, p, keys, ACD_ARRAY_LEN(keys));
}

/* -------------------------------------------------------------- intervals */

static const char *const interval_extra[] = {"start",        "end", "call_types",
                                             "agent_groups", "day", "channels"};

/* An interval's "start" or "end". With `known`, *t is what the horizon
 * says and the text must agree; otherwise the text sets *t. */
static void
interval_clock(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p, const char *key,
               bool known, double base, double *t)
{
    double x;
    if (!member_clock(rd, v, p, key, &x))
        return;
    x += base; /* a period: the text is its day's clock */
    if (!known) {
        *t = x;
        return;
    }
    if (fabs(x - *t) > CLOCK_TOL_S) {
        char want[32];
        struct acd_jsonpos_path kp = acd_jsonpos_key(p, key);
        ERROR(rd, &kp, "expected \"%s\" (from the horizon: open + interval number x interval_s)",
              acd_units_format_clock(*t, want, sizeof(want)));
    }
}

static void
read_interval(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p, size_t i,
              bool times_known, struct doc *d)
{
    const struct acd_setup *st = d->st;
    struct acd_interval_result *iv = &d->r->intervals[i];
    iv->types = new_scopes(st->n_call_types, ACD_SCOPE_TYPE);
    iv->groups = new_scopes(st->n_groups, ACD_SCOPE_GROUP);
    if (times_known) { /* as the engine places them (run.c) */
        iv->start_s = st->open_s + (double)i * st->interval_s;
        iv->end_s = i + 1 == st->n_intervals ? st->close_s : iv->start_s + st->interval_s;
    }
    double base = 0; /* a period: the interval's day */
    for (size_t k = 0; k < st->n_days; k++) {
        const struct acd_setup_day *dy = &st->days[k];
        if (i < dy->first_interval || i >= dy->first_interval + dy->n_intervals)
            continue;
        if (dy->date >= 0 && st->days[0].date >= 0)
            base = (double)(dy->date - st->days[0].date) * 86400.0;
        size_t j = i - dy->first_interval;
        if (times_known) {
            iv->start_s = dy->open_s + (double)j * st->interval_s;
            iv->end_s = j + 1 == dy->n_intervals ? dy->close_s : iv->start_s + st->interval_s;
        }
        struct acd_jsonpos_path kp;
        json_t *x = json_is_object(v) ? need(rd, v, p, "day", &kp) : NULL;
        if (x && (!json_is_integer(x) || (size_t)json_integer_value(x) != k))
            ERROR(rd, &kp, "expected %zu (the day the interval belongs to)", k);
    }
    read_scope(rd, v, p, ACD_SCOPE_INTERVAL, "", &iv->all, interval_extra,
               ACD_ARRAY_LEN(interval_extra));
    if (!json_is_object(v))
        return; /* reported */
    interval_clock(rd, v, p, "start", times_known, base, &iv->start_s);
    interval_clock(rd, v, p, "end", times_known, base, &iv->end_s);
    struct acd_jsonpos_path kp;
    json_t *x;
    if ((x = json_object_get(v, "channels"))) { /* more than one channel */
        kp = acd_jsonpos_key(p, "channels");
        iv->channels = new_scopes(ACD_N_CHANNELS, ACD_SCOPE_TYPE);
        read_channels(rd, x, &kp, st, iv->channels);
    }
    if ((x = need(rd, v, p, "call_types", &kp)) && d->types_ok) {
        struct named_scopes ns = {iv->types, st, ACD_SCOPE_TYPE};
        read_named(rd, x, &kp, "call type", d->type_names, st->n_call_types, "call_types",
                   named_scope, &ns);
    }
    if ((x = need(rd, v, p, "agent_groups", &kp)) && d->groups_ok) {
        struct named_scopes ns = {iv->groups, st, ACD_SCOPE_GROUP};
        read_named(rd, x, &kp, "agent group", d->group_names, st->n_groups, "agent_groups",
                   named_scope, &ns);
    }
}

static void
read_intervals(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p, struct doc *d)
{
    const struct acd_setup *st = d->st;
    if (!want_array(rd, v, p))
        return;
    size_t n = json_array_size(v);
    bool times_known = false;
    if (d->horizon_ok && st->horizon == ACD_HORIZON_STEADY && n) {
        ERROR(rd, p, "a steady-state horizon has no intervals, found %zu", n);
    } else if (d->horizon_ok && st->horizon == ACD_HORIZON_DAY && n != st->n_intervals) {
        char a[32], b[32];
        ERROR(rd, p, "expected %zu intervals (%s to %s, %.17g s each), found %zu", st->n_intervals,
              acd_units_format_clock(st->open_s, a, sizeof(a)),
              acd_units_format_clock(st->close_s, b, sizeof(b)), st->interval_s, n);
    } else {
        times_known = d->horizon_ok && st->horizon == ACD_HORIZON_DAY;
    }
    if (n > MAX_INTERVALS) {
        ERROR(rd, p, "%zu intervals (at most %d are allowed)", n, MAX_INTERVALS);
        return;
    }
    d->r->intervals = acd_xcalloc(n ? n : 1, sizeof(*d->r->intervals));
    d->r->n_intervals = n;
    for (size_t i = 0; i < n; i++) {
        struct acd_jsonpos_path ip = acd_jsonpos_index(p, i);
        read_interval(rd, json_array_get(v, i), &ip, i, times_known, d);
    }
}

/* ------------------------------------------------- series, CDFs, Erlang */

/* Parallel arrays must have one length: the first one read sets it. */
struct length {
    size_t n;
    const char *by; /* key of the array that set n; NULL: not set yet */
};

/* obj[key]: an array of numbers or nulls (NaN). Returns a new array (at
 * least one element), or NULL after reporting. */
static double *
read_reals(struct reader *rd, json_t *obj, const struct acd_jsonpos_path *p, const char *key,
           struct length *len)
{
    struct acd_jsonpos_path kp;
    json_t *x = need(rd, obj, p, key, &kp);
    if (!x || !want_array(rd, x, &kp))
        return NULL;
    size_t n = json_array_size(x);
    if (!len->by) {
        len->n = n;
        len->by = key;
    } else if (n != len->n) {
        ERROR(rd, &kp, "expected %zu values (as many as %s), found %zu", len->n, len->by, n);
        return NULL;
    }
    double *v = acd_xcalloc(n ? n : 1, sizeof(double));
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        struct acd_jsonpos_path ip = acd_jsonpos_index(&kp, i);
        ok = get_real(rd, json_array_get(x, i), &ip, true, &v[i]) && ok;
    }
    if (!ok) {
        free(v);
        return NULL;
    }
    return v;
}

static void
read_series(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p, struct acd_results *r)
{
    static const char *const keys[] = {"queue_len"};
    static const char *const band_keys[] = {"t0_s", "step_s", "mean", "p10", "p90"};
    if (!want_object(rd, v, p))
        return;
    warn_unknown(rd, v, p, keys, ACD_ARRAY_LEN(keys));
    struct acd_jsonpos_path qp;
    json_t *q = need(rd, v, p, "queue_len", &qp);
    if (!q || !want_object(rd, q, &qp))
        return;
    struct acd_band *b = &r->queue_len;
    member_real(rd, q, &qp, "t0_s", false, &b->t0_s);
    member_real(rd, q, &qp, "step_s", false, &b->step_s);
    struct length len = {0};
    b->mean = read_reals(rd, q, &qp, "mean", &len);
    b->p10 = read_reals(rd, q, &qp, "p10", &len);
    b->p90 = read_reals(rd, q, &qp, "p90", &len);
    b->n = len.n;
    warn_unknown(rd, q, &qp, band_keys, ACD_ARRAY_LEN(band_keys));
}

static void
read_wait_cdf(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p, struct acd_results *r)
{
    static const char *const keys[] = {"x_s", "answered", "abandoned"};
    if (!want_object(rd, v, p))
        return;
    struct acd_wait_cdf *w = &r->wait_cdf;
    struct length len = {0};
    w->x_s = read_reals(rd, v, p, "x_s", &len);
    w->answered = read_reals(rd, v, p, "answered", &len);
    w->abandoned = read_reals(rd, v, p, "abandoned", &len);
    w->n = len.n;
    warn_unknown(rd, v, p, keys, ACD_ARRAY_LEN(keys));
}

/* erlang.metrics: the figures report.c writes (acd_erlang_fields). */
static void
read_erlang_metrics(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p,
                    struct acd_erlang_result *e)
{
    read_real_fields(rd, v, p, acd_erlang_fields, acd_erlang_n_fields, e);
}

static void
read_erlang(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p, struct acd_results *r)
{
    static const char *const keys[] = {"model",  "exact",          "rate_per_s",
                                       "aht_s",  "wrap_up_s",      "patience_s",
                                       "agents", "queue_capacity", "metrics"};
    static const char *const models[] = {
        [ACD_ERLANG_B] = "b", [ACD_ERLANG_C] = "c", [ACD_ERLANG_A] = "a"};
    struct acd_erlang_cmp *e = &r->erlang;
    if (json_is_null(v))
        return; /* no comparison: not a stationary one-call-type run */
    if (!want_object(rd, v, p))
        return;
    struct acd_erlang_params *ep = &e->params;
    struct acd_jsonpos_path kp;
    json_t *x;
    if ((x = need(rd, v, p, "model", &kp))) {
        const char *s = get_string(rd, x, &kp);
        size_t m = 0;
        while (s && m < ACD_ARRAY_LEN(models) && strcmp(s, models[m]) != 0)
            m++;
        if (s && m == ACD_ARRAY_LEN(models))
            ERROR(rd, &kp, "expected \"b\", \"c\" or \"a\", got \"%s\"", s);
        else if (s)
            ep->model = (enum acd_erlang_model)m;
    }
    if ((x = need(rd, v, p, "exact", &kp))) {
        if (json_is_boolean(x))
            e->exponential = json_is_true(x);
        else
            ERROR(rd, &kp, "expected true or false, got %s", kind(x));
    }
    member_positive(rd, v, p, "rate_per_s", false, &ep->rate_per_s);
    member_positive(rd, v, p, "aht_s", false, &ep->aht_s);
    /* Added in this version: older documents have no wrap-up in aht_s. */
    if ((x = json_object_get(v, "wrap_up_s"))) {
        kp = acd_jsonpos_key(p, "wrap_up_s");
        if (get_real(rd, x, &kp, false, &e->wrap_up_s) &&
            !(e->wrap_up_s >= 0 && e->wrap_up_s < ep->aht_s))
            ERROR(rd, &kp, "expected a wrap-up from 0 to less than aht_s");
    }
    if (member_real(rd, v, p, "patience_s", true, &ep->patience_s) && ep->model == ACD_ERLANG_A &&
        !(ep->patience_s > 0)) {
        kp = acd_jsonpos_key(p, "patience_s");
        ERROR(rd, &kp, "Erlang A needs a positive mean patience");
    }
    unsigned long long n;
    if (member_uint(rd, v, p, "agents", 1, UINT32_MAX, &n))
        ep->agents = (unsigned)n;
    ep->queue_capacity = -1;
    if ((x = need(rd, v, p, "queue_capacity", &kp)) && !json_is_null(x) &&
        get_uint(rd, x, &kp, 0, INT32_MAX, &n))
        ep->queue_capacity = (long)n;
    /* The document has the figures set beside the simulation; the rest of
     * struct acd_erlang_result is not in it. */
    struct acd_erlang_result *ev = &e->value;
    ev->offered_load = ep->rate_per_s * ep->aht_s;
    ev->p_abandon_within_t = ev->p_wait_gt_t = ev->mean_wait_given_wait_s = ACD_NAN;
    ev->mean_wait_abandoned_s = ev->mean_in_system = ev->throughput_per_s = ACD_NAN;
    if ((x = need(rd, v, p, "metrics", &kp)))
        read_erlang_metrics(rd, x, &kp, ev);
    warn_unknown(rd, v, p, keys, ACD_ARRAY_LEN(keys));
    e->valid = true;
}

static void
read_run(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p, struct acd_results *r)
{
    static const char *const keys[] = {"wall_s", "threads", "calls", "events"};
    if (!want_object(rd, v, p))
        return;
    struct acd_jsonpos_path kp;
    json_t *x;
    unsigned long long n;
    /* --no-timing writes null for both: NaN and 0 threads. */
    r->wall_s = ACD_NAN;
    member_real(rd, v, p, "wall_s", true, &r->wall_s);
    if ((x = need(rd, v, p, "threads", &kp)) && !json_is_null(x) &&
        get_uint(rd, x, &kp, 0, UINT32_MAX, &n))
        r->threads = (unsigned)n;
    if (member_uint(rd, v, p, "calls", 0, INT64_MAX, &n))
        r->calls = n;
    if (member_uint(rd, v, p, "events", 0, INT64_MAX, &n))
        r->events = n;
    warn_unknown(rd, v, p, keys, ACD_ARRAY_LEN(keys));
}

/* ---------------------------------------------------- what is not recorded */

/*
 * The model features in use (which feature metric rows the text and HTML
 * tables show), for a document written before setup.features existed: a
 * feature counts as used when the results show it happening (escalations,
 * repeat calls, retrials, callbacks, balks, timeouts, wrap-up, breaks,
 * costs). A feature configured but never exercised in any replication
 * reads as unused: its rows would have been all zeros. `> 0` is false for
 * NaN, so undefined totals say nothing.
 */
static unsigned
observed_features(const struct acd_results *r)
{
    unsigned f = 0;
    for (size_t k = 0; k < r->setup.n_call_types; k++) {
        const struct acd_estimate *t = r->types[k].total;
#define T(name) (t[ACD_T_##name].mean > 0)
        /* Unresolved issues alone say nothing: abandoned callers leave
         * theirs unresolved in any scenario. An issue a tier does not
         * resolve is escalated or called about again. */
        if (T(ESCALATED) || T(REPEATS))
            f |= ACD_FEAT_RESOLUTION;
        if (T(ESCALATED))
            f |= ACD_FEAT_ESCALATION;
        if (T(RETRIALS))
            f |= ACD_FEAT_RETRIAL;
        if (T(CALLBACK_REQUESTED) || T(CALLBACKS))
            f |= ACD_FEAT_CALLBACK;
        if (T(BALKED))
            f |= ACD_FEAT_BALK;
        if (T(TIMED_OUT))
            f |= ACD_FEAT_TIMEOUT;
        if (T(ABANDON_COST) || T(REPEAT_COST))
            f |= ACD_FEAT_COST;
    }
    for (size_t g = 0; g < r->setup.n_groups; g++) {
        const struct acd_estimate *t = r->groups[g].total;
        if (T(WRAP_AGENT_S))
            f |= ACD_FEAT_WRAP;
        if (T(BREAK_AGENT_S))
            f |= ACD_FEAT_BREAK;
        if (T(LABOR_COST))
            f |= ACD_FEAT_COST;
#undef T
    }
    return f;
}

/*
 * Documents written before setup recorded how groups are staffed and the
 * routing policy: reports drawn from them have always described a group
 * that took breaks as "1 shift" and any other as "0 agents", with an empty
 * routing line, and still do.
 */
static void
unrecorded_staffing(struct acd_results *r)
{
    for (size_t g = 0; g < r->setup.n_groups; g++) {
        struct acd_setup_group *sg = &r->setup.groups[g];
        bool breaks = r->groups[g].total[ACD_T_BREAK_AGENT_S].mean > 0;
        sg->staffing = breaks ? ACD_STAFFING_SHIFTS : ACD_STAFFING_AGENTS;
        sg->staffing_count = breaks ? 1 : 0;
    }
}

/* What the checks did not fill, once the document is valid. */
static void
finish(struct doc *d)
{
    struct acd_setup *st = d->st;
    struct acd_results *r = d->r;
    st->known = true;
    if (!d->has_routing)
        st->routing = acd_xstrdup(""); /* not recorded */
    if (r->erlang.valid)               /* one call type: its own threshold, else the center's */
        r->erlang.params.sl_threshold_s =
            st->n_call_types == 1 ? st->call_types[0].sl_threshold_s : st->sl_threshold_s;
    st->max_tier = 1;
    for (size_t g = 0; g < st->n_groups; g++)
        if (st->groups[g].tier > st->max_tier)
            st->max_tier = st->groups[g].tier;
    if (!d->has_features)
        st->features = observed_features(r);
    if (!d->has_staffing)
        unrecorded_staffing(r);
}

/* "checks" (assertions and target verdicts) is derived: a writer judges
 * the results again, so a reader takes it as known and reads nothing. */
static const char *const top_keys[] = {
    "acdsim",       "scenario",  "seed",  "replications", "summary",  "call_types",
    "agent_groups", "intervals", "setup", "series",       "wait_cdf", "erlang",
    "drain",        "checks",    "run",   "precision",    "days",     "channels",
};

/* Other documents acdsim writes, known by two keys of theirs. */
static const struct other_doc {
    const char *key1, *key2;
    const char *what, *hint;
} other_docs[] = {
    {"recommendation", "evaluations", "a staffing file (acdsim staff's staffing.json)",
     "acdsim staff -o DIR writes the recommended plan's results beside it: acdsim report "
     "DIR/results.json"},
    {"roster", "coverage", "a schedule file (acdsim schedule's schedule.json)",
     "acdsim schedule -o DIR writes the roster's results beside it: acdsim report "
     "DIR/results.json"},
    {"comparisons", "kpis", "a comparison file (acdsim compare's compare.json)",
     "its report is index.html in the same folder; acdsim report reads one run's results.json"},
    {"points", "parameters", "a sweep file (acdsim sweep's sweep.json)",
     "its report is index.html in the same folder; acdsim report reads one run's results.json"},
};

/* The four estimates of a drain object; `extra` keys are allowed besides. */
static void
read_drain_fields(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p,
                  struct acd_drain_result *d, bool groups)
{
    static const char *const keys[] = {"duration_s", "busy_agent_s", "staffed_agent_s", "occupancy",
                                       "agent_groups"};
    struct acd_estimate *e[] = {&d->duration_s, &d->busy_agent_s, &d->staffed_agent_s,
                                &d->occupancy};
    for (size_t i = 0; i < ACD_ARRAY_LEN(e); i++)
        *e[i] = nan_estimate;
    if (!want_object(rd, v, p))
        return;
    struct acd_jsonpos_path kp;
    json_t *x;
    for (size_t i = 0; i < ACD_ARRAY_LEN(e); i++)
        if ((x = need(rd, v, p, keys[i], &kp)))
            read_estimate(rd, x, &kp, e[i]);
    warn_unknown(rd, v, p, keys, ACD_ARRAY_LEN(e) + groups);
}

/* "drain" (added after 0.1.0; older documents have none): the center's
 * figures, then agent_groups.NAME for every group of the setup. */
static void
read_drain(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p, struct acd_results *r)
{
    r->has_drain = true;
    read_drain_fields(rd, v, p, &r->drain, true);
    if (!json_is_object(v))
        return;
    struct acd_jsonpos_path gp;
    json_t *gs = need(rd, v, p, "agent_groups", &gp);
    if (!gs || !want_object(rd, gs, &gp))
        return;
    for (size_t g = 0; g < r->setup.n_groups; g++) {
        struct acd_jsonpos_path kp;
        json_t *x = need(rd, gs, &gp, r->setup.groups[g].name, &kp);
        if (x)
            read_drain_fields(rd, x, &kp, &r->group_drain[g], false);
    }
}

/* One of precision.targets: {scope, metric, half_width, achieved}. */
static void
read_precision_target(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p,
                      struct acd_precision_target *t)
{
    static const char *const keys[] = {"scope", "metric", "half_width", "achieved"};
    t->achieved = t->half_width = ACD_NAN;
    if (!want_object(rd, v, p))
        return;
    struct acd_jsonpos_path kp;
    json_t *x;
    if ((x = need(rd, v, p, "scope", &kp)) && !json_is_null(x)) {
        const char *s = get_string(rd, x, &kp);
        if (s)
            t->scope = acd_xstrdup(s);
    }
    if ((x = need(rd, v, p, "metric", &kp))) {
        const char *s = get_string(rd, x, &kp);
        t->metric = s ? acd_stats_metric_find(s) : ACD_M_SERVICE_LEVEL;
        if (t->metric == ACD_METRIC_COUNT) {
            ERROR(rd, &kp, "unknown metric \"%s\"", s);
            t->metric = ACD_M_SERVICE_LEVEL;
        }
    }
    member_positive(rd, v, p, "half_width", false, &t->half_width);
    member_real(rd, v, p, "achieved", true, &t->achieved);
    t->met = t->achieved <= t->half_width; /* false for NaN, as the run decides */
    warn_unknown(rd, v, p, keys, ACD_ARRAY_LEN(keys));
}

/* "precision" (a --precision run only): the targets, the batch, the
 * rounds, the maximum and how it stopped. */
static void
read_precision(struct reader *rd, json_t *v, const struct acd_jsonpos_path *p,
               struct acd_results *r)
{
    static const char *const keys[] = {"targets", "batch", "rounds", "max_replications",
                                       "stopped_by"};
    if (!want_object(rd, v, p))
        return;
    struct acd_precision *pr = acd_xcalloc(1, sizeof(*pr));
    r->precision = pr;
    struct acd_jsonpos_path kp;
    json_t *x;
    if ((x = need(rd, v, p, "targets", &kp)) && want_array(rd, x, &kp)) {
        pr->n_targets = json_array_size(x);
        pr->targets = acd_xcalloc(pr->n_targets ? pr->n_targets : 1, sizeof(*pr->targets));
        for (size_t i = 0; i < pr->n_targets; i++) {
            struct acd_jsonpos_path ip = acd_jsonpos_index(&kp, i);
            read_precision_target(rd, json_array_get(x, i), &ip, &pr->targets[i]);
        }
    }
    unsigned long long u;
    if (member_uint(rd, v, p, "batch", 1, UINT_MAX, &u))
        pr->batch = (unsigned)u;
    if ((x = need(rd, v, p, "rounds", &kp)) && want_array(rd, x, &kp)) {
        pr->n_rounds = json_array_size(x);
        pr->rounds = acd_xcalloc(pr->n_rounds ? pr->n_rounds : 1, sizeof(*pr->rounds));
        for (size_t i = 0; i < pr->n_rounds; i++) {
            struct acd_jsonpos_path ip = acd_jsonpos_index(&kp, i);
            if (get_uint(rd, json_array_get(x, i), &ip, 1, UINT_MAX, &u))
                pr->rounds[i] = (unsigned)u;
        }
    }
    if (member_uint(rd, v, p, "max_replications", 1, UINT_MAX, &u))
        pr->max_replications = (unsigned)u;
    if ((x = need(rd, v, p, "stopped_by", &kp))) {
        const char *s = get_string(rd, x, &kp);
        if (s && strcmp(s, "max") == 0)
            pr->stopped_by_max = true;
        else if (s && strcmp(s, "target") != 0)
            ERROR(rd, &kp, "expected \"target\" or \"max\", got \"%s\"", s);
    }
    warn_unknown(rd, v, p, keys, ACD_ARRAY_LEN(keys));
}

static void
read_document(struct reader *rd, json_t *root, const uint64_t *seed, struct doc *d)
{
    if (!want_object(rd, root, NULL))
        return;
    /* Another acdsim document (staffing, schedule, comparison, sweep): say
     * which, and where the results are. */
    for (size_t i = 0; i < ACD_ARRAY_LEN(other_docs); i++) {
        const struct other_doc *o = &other_docs[i];
        if (!json_object_get(root, "summary") && json_object_get(root, o->key1) &&
            json_object_get(root, o->key2)) {
            ERROR(rd, NULL, "this is %s, not a run's results; %s", o->what, o->hint);
            return;
        }
    }
    /* Some other JSON document: one error, not one per missing key. */
    if (!has_any(root, top_keys, ACD_ARRAY_LEN(top_keys))) {
        ERROR(rd, NULL,
              "not an acdsim results document (expected the keys of `acdsim run -f "
              "json`: acdsim, scenario, seed, summary...)");
        return;
    }
    struct acd_jsonpos_path kp;
    json_t *x;
    read_header(rd, root, seed, d);
    read_scopes(rd, root, d);
    if ((x = json_object_get(root, "channels"))) {
        kp = acd_jsonpos_key(NULL, "channels");
        d->r->channels = new_scopes(ACD_N_CHANNELS, ACD_SCOPE_TYPE);
        read_channels(rd, x, &kp, d->st, d->r->channels);
    }
    /* A period's days (issue 17) before the setup: they make its horizon. */
    if ((x = json_object_get(root, "days"))) {
        kp = acd_jsonpos_key(NULL, "days");
        read_days(rd, x, &kp, d);
    }
    /* Setup first: the intervals are checked against its horizon. */
    if ((x = need(rd, root, NULL, "setup", &kp)))
        read_setup(rd, x, &kp, d);
    if ((x = need(rd, root, NULL, "intervals", &kp)))
        read_intervals(rd, x, &kp, d);
    if ((x = need(rd, root, NULL, "series", &kp)))
        read_series(rd, x, &kp, d->r);
    if ((x = need(rd, root, NULL, "wait_cdf", &kp)))
        read_wait_cdf(rd, x, &kp, d->r);
    if ((x = need(rd, root, NULL, "erlang", &kp)))
        read_erlang(rd, x, &kp, d->r);
    if ((x = json_object_get(root, "drain"))) {
        kp = acd_jsonpos_key(NULL, "drain");
        read_drain(rd, x, &kp, d->r);
    }
    if ((x = need(rd, root, NULL, "run", &kp)))
        read_run(rd, x, &kp, d->r);
    if ((x = json_object_get(root, "precision"))) {
        kp = acd_jsonpos_key(NULL, "precision");
        read_precision(rd, x, &kp, d->r);
    }
    warn_unknown(rd, root, NULL, top_keys, ACD_ARRAY_LEN(top_keys));
}

/* ------------------------------------------------------------------- API */

int
acd_results_read_json_string(const char *name, const char *text, size_t len,
                             struct acd_results **r_out, struct acd_diags *diags)
{
    *r_out = NULL;
    struct reader rd = {.file = name, .text = text, .len = len, .diags = diags};

    /* A seed beyond INT64_MAX would make jansson fail ("too big integer"):
     * its digits are read here and blanked to "0   " (same length, so
     * every line and column stays put). */
    uint64_t seed;
    size_t at, ndigits;
    bool have_seed = take_seed(text, len, &seed, &at, &ndigits);
    char *copy = NULL;
    if (have_seed) {
        copy = acd_xmalloc(len);
        memcpy(copy, text, len);
        memset(copy + at, ' ', ndigits);
        copy[at] = '0';
        rd.text = copy;
    }

    json_error_t jerr;
    json_t *root = json_loadb(rd.text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        /* jansson's text quotes the document near the error, raw: a bad
         * escape of a newline or an ESC would split the line or reach the
         * terminal; acd_diags_add escapes control characters (escape.h). */
        bool at_eof = jerr.position >= 0 && (size_t)jerr.position >= len;
        acd_diags_error(diags, name, jerr.line > 0 ? (unsigned)jerr.line : 0,
                        jerr.column > 0 ? (unsigned)jerr.column : 0, "not valid JSON%s: %s",
                        at_eof ? " (the document ends too early: truncated?)" : "", jerr.text);
        free(copy);
        return -1;
    }

    struct acd_results *r = acd_xcalloc(1, sizeof(*r));
    r->setup.path = acd_xstrdup(name);
    struct doc d = {.r = r, .st = &r->setup};
    read_document(&rd, root, have_seed ? &seed : NULL, &d);
    if (rd.n_errors == 0)
        finish(&d);
    free(d.type_names);
    free(d.group_names);
    json_decref(root);
    free(copy);
    if (rd.n_errors) {
        acd_results_free(r);
        return -1;
    }
    *r_out = r;
    return 0;
}

int
acd_results_read_json(const char *path, struct acd_results **r_out, struct acd_diags *diags)
{
    *r_out = NULL;
    bool from_stdin = strcmp(path, "-") == 0;
    const char *name = from_stdin ? "<stdin>" : path;
    FILE *f = from_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        acd_diags_error(diags, name, 0, 0, "cannot open: %s", strerror(errno));
        return -1;
    }
    size_t len = 0;
    char *buf = acd_read_stream(f, MAX_BYTES, &len);
    int read_errno = buf ? 0 : errno;
    if (!from_stdin)
        fclose(f);
    int rc = -1;
    if (read_errno == EFBIG)
        acd_diags_error(diags, name, 0, 0, "larger than %u MiB: not a results document",
                        MAX_BYTES >> 20);
    else if (read_errno)
        acd_diags_error(diags, name, 0, 0, "cannot read: %s", strerror(read_errno));
    else
        rc = acd_results_read_json_string(name, buf, len, r_out, diags);
    free(buf);
    return rc;
}
