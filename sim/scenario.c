/*
 * scenario: the YAML scenario parser. It turns a file (or a string) into an
 * immutable struct acd_scenario and reports every problem it finds as a
 * located diagnostic, in file order; it returns nothing unless the whole
 * file is valid.
 *
 * It is two passes. yamltree.c builds a small bounded tree of the document.
 * Then a walk driven by one table of key descriptors per mapping checks the
 * schema of docs/scenario.md: most keys are a generic descriptor (a kind of
 * value and the offset of its field), the rest a function. The horizon is
 * read first whatever its place in the file, because per-interval data
 * (volumes, staffing, handle times, CSV files) is checked against its
 * intervals. Cross references (skills, escalation targets, overrides by call
 * type) are resolved once everything is read. The walk follows the schema,
 * never the tree, so its cost is linear in the file.
 *
 * One mistake gives one diagnostic: a value reported as bad is not used by
 * later checks (no "not served" after a misspelled skill, no "missing key"
 * after a misspelled key, no length errors against an invalid horizon).
 *
 * It is not the engine's validator of runtime behaviour, and it knows
 * nothing of distributions beyond their table (dist.c) nor of duration and
 * rate syntax beyond units.c.
 */
#include "acdsim/scenario.h"
#include "acdsim/diag.h"
#include "acdsim/sim.h" /* routing policy names */
#include "acdsim/units.h"
#include "acdsim/util.h"
#include "yamltree.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Limits that keep hostile or mistaken input cheap. Real scenarios are a few
 * kilobytes with a few hundred nodes. */
enum {
    ACD_SCN_MAX_BYTES = 16 * 1024 * 1024, /* the scenario, and each CSV file */
    ACD_SCN_MAX_ERRORS = 50,
    ACD_SCN_MAX_AGENTS = 1000000,
    ACD_SCN_MAX_REPLICATIONS = 1000000,
    ACD_SCN_MAX_QUEUE = 1000000000,
    ACD_SCN_MAX_INTERVALS = 10000,
    ACD_SCN_MAX_TIER = 100,
    ACD_SCN_MAX_LEVEL = 1000,
    ACD_SCN_MAX_PRIORITY = 1000000,
    ACD_SCN_MAX_ATTEMPTS = 1000,
    ACD_SCN_DEFAULT_ATTEMPTS = 3,
    ACD_SCN_CSV_FIELDS = 8, /* fields kept per CSV row (more are only counted) */
    ACD_SCN_MISSING_SHOWN = 6,
    /* Values visited by the walk. An alias is walked at each use, so a
     * small file could otherwise make it visit billions. */
    ACD_SCN_MAX_VISITS = 10000000,
};

/* (close - open) / interval must be this close to a whole number. */
#define ACD_SCN_INTERVAL_TOL 1e-6

/* ------------------------------------------------------------ context */

struct sortkey {
    unsigned line, col;
};

/* What the horizon says, as far as the rest of the file needs it. */
enum mode {
    MODE_UNKNOWN, /* no valid horizon kind: day-only checks are skipped */
    MODE_STEADY,
    MODE_DAY,
};

/* A distribution as written, so per-interval variants can be derived from
 * it (by_interval, the arrivals file's aht column). */
struct dist_spec {
    const struct acd_dist_type *type;
    struct acd_dist_params p; /* p.file is not kept */
};

/* Per call type: what the cross-reference checks and the post-walk steps
 * need beyond struct acd_call_type. */
struct ct_state {
    const struct acd_ynode *map;        /* the entry */
    const struct acd_ynode *timeout_to; /* queue_timeout.to naming a call type */
    struct acd_srcpos *res_pos;         /* resolution entries, in the sorted order */
    bool res_ok;                        /* every resolution entry is valid */
    double *aht;                        /* the arrivals file's aht column, or NULL */
    const struct acd_ynode *aht_file;   /* ...and its `file:` value */
    struct dist_spec handle_spec;       /* handle_time as given */
    bool handle_ok;
    const struct acd_ynode *handle_by; /* handle_time's by_interval key */
};

/* Per agent group, likewise. */
struct grp_state {
    const struct acd_ynode *map;
    size_t n_skill_items;
    const struct acd_ynode **skill_names; /* per item: its call type name, NULL if bad */
    unsigned *skill_levels;
    bool skills_given;                    /* skills was a non-empty list */
    const struct acd_ynode **handle_keys; /* per groups[].handle entry: its key */
    const struct acd_ynode **wrap_keys;   /* per groups[].wrap_by_type entry */
};

struct ctx {
    const char *file;
    const char *base_dir;
    /* Local diagnostics, sorted by position in the scenario and then moved
     * to the caller's list; keys[i] is where diagnostic i sorts (a samples
     * or CSV file's diagnostics sort at the scenario's `file:` value). */
    struct acd_diags d;
    struct sortkey *keys;
    size_t cap_keys;
    size_t n_errors; /* counted even past the limit, to tell a bad value */
    struct acd_scenario *sc;

    enum mode mode;
    size_t n_iv;               /* day: n_intervals once the horizon is valid, else 0 */
    const char *interval_text; /* the horizon's `interval` as written */

    /* What the cross-reference checks may rely on, so that one mistake
     * does not cascade into nonsense errors. */
    bool ct_listed;   /* call_types was a non-empty list */
    bool ct_names_ok; /* ...and every entry has a valid name */
    bool ct_dups;     /* some call type name is given twice */
    bool groups_listed;
    bool tiers_ok; /* every group's tier is valid */
    struct ct_state *cts;
    struct grp_state *gps;
    size_t cur; /* the call type or group being walked */
    size_t visits;
};

static struct acd_yshown
show(const char *s)
{
    return acd_ytree_show(s);
}

static struct acd_yshown
found(const struct acd_ynode *v)
{
    return acd_ytree_found(v);
}

/* Keep keys[] as long as d.v, including diagnostics added by dist.c. */
static void
sync_keys(struct ctx *c)
{
    c->keys = acd_xgrow(c->keys, &c->cap_keys, c->d.n, sizeof(*c->keys));
}

/* The one place diagnostics are added: `file` at line:col, sorted at the
 * scenario's sline:scol. Past the limit, one last note and then silence;
 * errors are still counted. */
__attribute__((format(printf, 7, 0))) static void
add_diag(struct ctx *c, const char *file, unsigned line, unsigned col, unsigned sline,
         unsigned scol, const char *fmt, va_list ap)
{
    size_t before = c->d.n;
    if (c->n_errors == ACD_SCN_MAX_ERRORS) {
        /* Where the scenario was when it stopped (not in some CSV file). */
        acd_diags_error(&c->d, c->file, sline, scol, "too many errors; stopping after %d",
                        ACD_SCN_MAX_ERRORS);
    } else if (c->n_errors < ACD_SCN_MAX_ERRORS) {
        char *msg = NULL;
        va_list ap2;
        va_copy(ap2, ap);
        int n = vsnprintf(NULL, 0, fmt, ap2);
        va_end(ap2);
        msg = acd_xmalloc(n > 0 ? (size_t)n + 1 : 1);
        vsnprintf(msg, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
        acd_diags_error(&c->d, file, line, col, "%s", msg);
        free(msg);
    }
    c->n_errors++;
    if (c->d.n == before)
        return;
    sync_keys(c);
    bool last = c->n_errors > ACD_SCN_MAX_ERRORS;
    c->keys[before].line = last ? UINT_MAX : sline;
    c->keys[before].col = last ? UINT_MAX : scol;
}

__attribute__((format(printf, 4, 5))) static void
err_at(struct ctx *c, unsigned line, unsigned col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_diag(c, c->file, line, col, line, col, fmt, ap);
    va_end(ap);
}

__attribute__((format(printf, 3, 4))) static void
err(struct ctx *c, const struct acd_ynode *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_diag(c, c->file, at->line, at->col, at->line, at->col, fmt, ap);
    va_end(ap);
}

/* Count n values about to be walked; false (reported once, at `at`) past
 * the limit, and then the walk stops. */
static bool
visit(struct ctx *c, const struct acd_ynode *at, size_t n)
{
    if (c->visits > ACD_SCN_MAX_VISITS)
        return false;
    c->visits += n;
    if (c->visits <= ACD_SCN_MAX_VISITS)
        return true;
    err(c, at, "scenario is too large once its aliases are expanded (more than %d values)",
        ACD_SCN_MAX_VISITS);
    return false;
}

/* ------------------------------------------------------- value helpers */

static const char EXP_DURATION[] = "a duration like 90s, 4m or 2h";
static const char EXP_RATE[] = "a rate like 2/s, 120/min or 7200/h";
static const char EXP_UINT[] = "a non-negative integer";
static const char EXP_INT[] = "an integer";
static const char EXP_NUMBER[] = "a number";
static const char EXP_FRACTION[] = "a number between 0 and 1";
static const char EXP_CLOCK[] = "a clock time like \"07:30\" (from 00:00 to 48:00)";

/* A missing value has no useful position of its own: point at its key. */
static const struct acd_ynode *
where(const struct acd_ynode *k, const struct acd_ynode *v)
{
    return v->kind == ACD_Y_SCALAR && v->is_null ? k : v;
}

/* The text of scalar `v`, or NULL after reporting that `k` must be `expect`. */
static const char *
scalar(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v, const char *expect)
{
    if (v->kind != ACD_Y_SCALAR || v->is_null) {
        err(c, where(k, v), "'%s' must be %s (found %s)", k->s, expect, found(v).s);
        return NULL;
    }
    if (strlen(v->s) != v->len) {
        err(c, v, "'%s' contains a NUL character", k->s);
        return NULL;
    }
    return v->s;
}

static bool
expect_map(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v, const char *expect)
{
    if (v->kind == ACD_Y_MAP)
        return true;
    err(c, where(k, v), "'%s' must be %s (found %s)", k->s, expect, found(v).s);
    return false;
}

static bool
get_duration(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v, double *out_s)
{
    const char *s = scalar(c, k, v, EXP_DURATION);
    if (!s)
        return false;
    if (acd_units_parse_duration(s, out_s) != 0 || !isfinite(*out_s)) {
        err(c, v, "'%s' must be %s (found '%s')", k->s, EXP_DURATION, show(s).s);
        return false;
    }
    return true;
}

static bool
get_rate(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v, double *out)
{
    const char *s = scalar(c, k, v, EXP_RATE);
    if (!s)
        return false;
    if (acd_units_parse_rate(s, out) != 0 || !isfinite(*out)) {
        err(c, v, "'%s' must be %s (found '%s')", k->s, EXP_RATE, show(s).s);
        return false;
    }
    return true;
}

static bool
get_clock(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v, double *out_s)
{
    const char *s = scalar(c, k, v, EXP_CLOCK);
    if (!s)
        return false;
    if (acd_units_parse_clock(s, out_s) != 0) {
        err(c, v, "'%s' must be %s (found '%s')", k->s, EXP_CLOCK, show(s).s);
        return false;
    }
    return true;
}

static bool
get_real(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v, const char *expect,
         double *out)
{
    const char *s = scalar(c, k, v, expect);
    if (!s)
        return false;
    if (acd_units_parse_real(s, out) != 0 || !isfinite(*out)) {
        err(c, v, "'%s' must be %s (found '%s')", k->s, expect, show(s).s);
        return false;
    }
    return true;
}

static bool
all_digits(const char *s)
{
    return *s != '\0' && strspn(s, "0123456789") == strlen(s);
}

static bool
get_uint(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v,
         unsigned long long max, unsigned long long *out)
{
    const char *s = scalar(c, k, v, EXP_UINT);
    if (!s)
        return false;
    unsigned long long u;
    if (acd_units_parse_uint(s, &u) != 0) {
        /* All digits but unparseable: it overflowed. */
        if (all_digits(s))
            err(c, v, "'%s' must be at most %llu (found '%s')", k->s, max, show(s).s);
        else
            err(c, v, "'%s' must be %s (found '%s')", k->s, EXP_UINT, show(s).s);
        return false;
    }
    if (u > max) {
        err(c, v, "'%s' must be at most %llu (found '%s')", k->s, max, show(s).s);
        return false;
    }
    *out = u;
    return true;
}

/* A signed integer from -max to max. */
static bool
get_int(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v, unsigned long long max,
        int *out)
{
    const char *s = scalar(c, k, v, EXP_INT);
    if (!s)
        return false;
    bool neg = *s == '-';
    const char *digits = s + (*s == '-' || *s == '+');
    unsigned long long u;
    if (!all_digits(digits)) {
        err(c, v, "'%s' must be %s (found '%s')", k->s, EXP_INT, show(s).s);
        return false;
    }
    if (acd_units_parse_uint(digits, &u) != 0 || u > max) {
        err(c, v, "'%s' must be from -%llu to %llu (found '%s')", k->s, max, max, show(s).s);
        return false;
    }
    *out = neg ? -(int)u : (int)u;
    return true;
}

static bool
check_positive(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v, double x)
{
    if (x > 0)
        return true;
    err(c, v, "'%s' must be greater than 0 (found '%s')", k->s, show(v->s).s);
    return false;
}

static bool
check_nonneg(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v, double x)
{
    if (x >= 0)
        return true;
    err(c, v, "'%s' must not be negative (found '%s')", k->s, show(v->s).s);
    return false;
}

static bool
get_fraction(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v, double *out)
{
    double x;
    if (!get_real(c, k, v, EXP_FRACTION, &x))
        return false;
    if (x < 0 || x > 1) {
        err(c, v, "'%s' must be between 0 and 1 (found '%s')", k->s, show(v->s).s);
        return false;
    }
    *out = x;
    return true;
}

/* A non-empty name, or NULL after reporting. */
static const char *
get_name(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v)
{
    const char *s = scalar(c, k, v, "a name");
    if (s && !*s) {
        err(c, v, "'%s' must not be empty", k->s);
        return NULL;
    }
    return s;
}

/* Whether node a comes after node b in the file. */
static bool
after(const struct acd_ynode *a, const struct acd_ynode *b)
{
    return a->line > b->line || (a->line == b->line && a->col > b->col);
}

/* ----------------------------------------------------- did you mean */

static void
lower(char *dst, const char *src, size_t n)
{
    size_t i = 0;
    for (; i + 1 < n && src[i]; i++)
        dst[i] = src[i] >= 'A' && src[i] <= 'Z' ? (char)(src[i] - 'A' + 'a') : src[i];
    dst[i] = '\0';
}

/* The candidate `word` was most likely meant to be: edit distance <= 2 (and
 * less than the candidate's length, so `x` is not taken for `k`), or one is
 * a prefix of the other. NULL if none is close. */
static const char *
suggest(const char *word, const char *const *cands, size_t n)
{
    char w[72], cand[72];
    if (strlen(word) > 64)
        return NULL;
    lower(w, word, sizeof(w));
    const char *best = NULL;
    size_t best_d = SIZE_MAX, lw = strlen(w);
    for (size_t i = 0; i < n; i++) {
        if (strlen(cands[i]) > 64)
            continue;
        lower(cand, cands[i], sizeof(cand));
        size_t lc = strlen(cand), d = acd_edit_distance(w, cand);
        bool close = d <= 2 && d < lc;
        bool prefix = (lw >= 3 && lw < lc && strncmp(cand, w, lw) == 0) ||
                      (lc >= 3 && lc < lw && strncmp(w, cand, lc) == 0);
        if (prefix && d > 2)
            d = 3; /* rank prefixes after close misspellings */
        if ((close || prefix) && d < best_d) {
            best = cands[i];
            best_d = d;
        }
    }
    return best;
}

/* "a, b, c" (at most 12 names), for messages; caller frees. */
static char *
join(const char *const *names, size_t n)
{
    size_t cap = 1;
    size_t shown_n = n > 12 ? 12 : n;
    for (size_t i = 0; i < shown_n; i++)
        cap += strlen(show(names[i]).s) + 2;
    cap += 8;
    char *s = acd_xmalloc(cap);
    s[0] = '\0';
    for (size_t i = 0; i < shown_n; i++) {
        if (i)
            strcat(s, ", ");
        strcat(s, show(names[i]).s);
    }
    if (shown_n < n)
        strcat(s, ", ...");
    return s;
}

/* "unknown WHAT 'x' (did you mean 'y'?)" or "(LISTED: a, b, c)". */
static void
unknown_name(struct ctx *c, const struct acd_ynode *at, const char *what, const char *listed,
             const char *const *names, size_t n)
{
    const char *near = suggest(at->s, names, n);
    if (near) {
        err(c, at, "unknown %s '%s' (did you mean '%s'?)", what, show(at->s).s, near);
    } else {
        char *list = join(names, n);
        err(c, at, "unknown %s '%s' (%s: %s)", what, show(at->s).s, listed, list);
        free(list);
    }
}

/* ------------------------------------------------- mappings by table */

enum {
    KEY_REQUIRED = 1u << 0,
    KEY_DAY = 1u << 1, /* needs an operating-day horizon */
};

/* How a key's value is read and where it goes. Generic kinds store into
 * the walked object at `off`; V_FN hands the value to `parse`. */
enum vkind {
    V_FN,
    V_DURATION,     /* double, >= 0 */
    V_DURATION_POS, /* double, > 0 */
    V_CLOCK,        /* double, seconds after midnight */
    V_NUMBER,       /* double, >= 0 */
    V_RATE,         /* double, >= 0, per second (bare numbers too) */
    V_FRACTION,     /* double, 0 to 1 */
    V_INT,          /* int, -max to max */
    V_UINT,         /* unsigned, 0 to max */
    V_UINT1,        /* unsigned, 1 to max */
    V_DIST,         /* struct acd_dist, set up */
};

struct key_desc {
    const char *name;
    unsigned flags;
    enum vkind kind;
    size_t off;             /* of the field in the walked object */
    size_t has;             /* 1 + offset of a bool set when the value is valid; 0: none */
    unsigned long long max; /* V_INT, V_UINT, V_UINT1 */
    void (*parse)(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v);
};

#define KEY_FN(name, fn, flags)                                                                    \
    {                                                                                              \
        name, flags, V_FN, 0, 0, 0, fn                                                             \
    }
#define KEY_V(name, kind, type, field, flags)                                                      \
    {                                                                                              \
        name, flags, kind, offsetof(type, field), 0, 0, NULL                                       \
    }
#define KEY_N(name, kind, type, field, max, flags)                                                 \
    {                                                                                              \
        name, flags, kind, offsetof(type, field), 0, max, NULL                                     \
    }
#define KEY_VH(name, kind, type, field, has, flags)                                                \
    {                                                                                              \
        name, flags, kind, offsetof(type, field), offsetof(type, has) + 1, 0, NULL                 \
    }
#define KEY_NH(name, kind, type, field, has, max, flags)                                           \
    {                                                                                              \
        name, flags, kind, offsetof(type, field), offsetof(type, has) + 1, max, NULL               \
    }

enum { MAX_KEYS = 32 };

/* What walk_map saw, by index into the key table. */
struct seen {
    unsigned keys;  /* given */
    unsigned meant; /* an unknown key looks like this one */
    unsigned bad;   /* given, and its value was reported */
    const struct acd_ynode *key[MAX_KEYS], *val[MAX_KEYS];
};

static bool
is_ok(const struct seen *s, unsigned j)
{
    return (s->keys & ~s->bad) & (1u << j);
}

static bool parse_dist(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v,
                       struct acd_dist *out);

/* One generic value into obj; returns false after reporting. */
static bool
parse_value(struct ctx *c, const struct key_desc *kd, void *obj, const struct acd_ynode *k,
            const struct acd_ynode *v)
{
    char *at = (char *)obj + kd->off;
    double x = 0;
    unsigned long long u = 0;
    bool ok = false;
    switch (kd->kind) {
    case V_FN:
        ACD_ASSERT(!"V_FN is not a generic kind");
        break;
    case V_DURATION:
        ok = get_duration(c, k, v, &x) && check_nonneg(c, k, v, x);
        break;
    case V_DURATION_POS:
        ok = get_duration(c, k, v, &x) && check_positive(c, k, v, x);
        break;
    case V_CLOCK:
        ok = get_clock(c, k, v, &x);
        break;
    case V_NUMBER:
        ok = get_real(c, k, v, EXP_NUMBER, &x) && check_nonneg(c, k, v, x);
        break;
    case V_RATE:
        ok = get_rate(c, k, v, &x) && check_nonneg(c, k, v, x);
        break;
    case V_FRACTION:
        ok = get_fraction(c, k, v, &x);
        break;
    case V_INT: {
        int i;
        ok = get_int(c, k, v, kd->max, &i);
        if (ok)
            *(int *)(void *)at = i;
        break;
    }
    case V_UINT:
    case V_UINT1:
        ok = get_uint(c, k, v, kd->max, &u);
        if (ok && kd->kind == V_UINT1 && u < 1) {
            err(c, v, "'%s' must be at least 1 (found '%s')", k->s, show(v->s).s);
            ok = false;
        }
        if (ok)
            *(unsigned *)(void *)at = (unsigned)u;
        break;
    case V_DIST:
        ok = parse_dist(c, k, v, (struct acd_dist *)(void *)at);
        break;
    }
    if (ok && (kd->kind == V_DURATION || kd->kind == V_DURATION_POS || kd->kind == V_CLOCK ||
               kd->kind == V_NUMBER || kd->kind == V_RATE || kd->kind == V_FRACTION))
        *(double *)(void *)at = x;
    if (ok && kd->has)
        *(bool *)((char *)obj + kd->has - 1) = true;
    return ok;
}

/* Report an unknown key; returns the index of the key it was probably
 * meant to be, or n_keys. */
static size_t
unknown_key(struct ctx *c, const struct acd_ynode *k, const char *what, const struct key_desc *keys,
            size_t n_keys)
{
    const char *names[MAX_KEYS];
    size_t n = 0;
    for (size_t i = 0; i < n_keys && n < ACD_ARRAY_LEN(names); i++)
        names[n++] = keys[i].name;
    const char *near = suggest(k->s, names, n);
    if (near) {
        err(c, k, "unknown key '%s' in %s (did you mean '%s'?)", show(k->s).s, what, near);
    } else {
        char *list = join(names, n);
        err(c, k, "unknown key '%s' in %s (expected one of: %s)", show(k->s).s, what, list);
        free(list);
    }
    size_t j = 0;
    while (j < n_keys && keys[j].name != near)
        j++;
    return j;
}

/* Check each key of `map` against `keys` and hand its value to the key's
 * parser. Unknown, duplicate and missing required keys are reported here,
 * and keys that need an operating day in a steady-state scenario; the
 * required check is skipped for a key that an unknown one was probably
 * meant to be (`handel_time` says enough about `handle_time`). What was
 * seen goes to *out if not NULL. */
static void
walk_map(struct ctx *c, const struct acd_ynode *map, const char *what, const struct key_desc *keys,
         size_t n_keys, void *obj, struct seen *out)
{
    ACD_ASSERT(map->kind == ACD_Y_MAP && n_keys <= MAX_KEYS);
    struct seen s;
    memset(&s, 0, sizeof(s));
    if (!visit(c, map, map->n / 2 + 1)) {
        s.meant = ~0u; /* nothing is "missing" */
        if (out)
            *out = s;
        return;
    }
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const struct acd_ynode *k = map->kids[i], *v = map->kids[i + 1];
        if (k->kind != ACD_Y_SCALAR) {
            err(c, k, "keys in %s must be plain names (found %s)", what, found(k).s);
            continue;
        }
        if (k->is_null) {
            err(c, k, "empty key in %s", what);
            continue;
        }
        size_t j = 0;
        while (j < n_keys && strcmp(keys[j].name, k->s) != 0)
            j++;
        if (j == n_keys) {
            size_t near = unknown_key(c, k, what, keys, n_keys);
            if (near < n_keys)
                s.meant |= 1u << near;
            continue;
        }
        if (s.key[j]) {
            err(c, k, "duplicate key '%s' in %s (first given at line %u)", keys[j].name, what,
                s.key[j]->line);
            continue;
        }
        s.key[j] = k;
        s.val[j] = v;
        s.keys |= 1u << j;
        size_t before = c->n_errors;
        if ((keys[j].flags & KEY_DAY) && c->mode == MODE_STEADY)
            err(c, k,
                "'%s' needs an operating-day horizon (horizon: {open, close, interval}, not "
                "duration)",
                keys[j].name);
        else if (keys[j].kind == V_FN)
            keys[j].parse(c, obj, k, v);
        else
            parse_value(c, &keys[j], obj, k, v);
        if (c->n_errors != before)
            s.bad |= 1u << j;
    }
    for (size_t j = 0; j < n_keys; j++)
        if ((keys[j].flags & KEY_REQUIRED) && !((s.keys | s.meant) & (1u << j)))
            err(c, map, "%s is missing '%s'", what, keys[j].name);
    if (out)
        *out = s;
}

/* Parsed after the walk, once the keys it depends on are known. */
static void
parse_later(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    (void)c, (void)obj, (void)k, (void)v;
}

/* ------------------------------------------------------------- horizon */

struct horizon_parse {
    double duration_s, warmup_s, open_s, close_s, interval_s;
    enum acd_close_policy policy;
};

static const char *const close_policies[] = {"drain", "disconnect", "until_empty"};

static void
horizon_policy(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct horizon_parse *h = obj;
    const char *s = get_name(c, k, v);
    if (!s)
        return;
    for (size_t i = 0; i < ACD_ARRAY_LEN(close_policies); i++)
        if (strcmp(s, close_policies[i]) == 0) {
            h->policy = (enum acd_close_policy)i;
            return;
        }
    unknown_name(c, v, "close_policy", "expected one of", close_policies,
                 ACD_ARRAY_LEN(close_policies));
}

enum { H_DURATION, H_WARMUP, H_OPEN, H_CLOSE, H_INTERVAL, H_POLICY };

static const struct key_desc horizon_keys[] = {
    [H_DURATION] = KEY_V("duration", V_DURATION_POS, struct horizon_parse, duration_s, 0),
    [H_WARMUP] = KEY_V("warmup", V_DURATION, struct horizon_parse, warmup_s, 0),
    [H_OPEN] = KEY_V("open", V_CLOCK, struct horizon_parse, open_s, 0),
    [H_CLOSE] = KEY_V("close", V_CLOCK, struct horizon_parse, close_s, 0),
    [H_INTERVAL] = KEY_V("interval", V_DURATION_POS, struct horizon_parse, interval_s, 0),
    [H_POLICY] = KEY_FN("close_policy", horizon_policy, 0),
};

#define BIT(j)      (1u << (j))
#define STEADY_KEYS (BIT(H_DURATION) | BIT(H_WARMUP))
#define DAY_KEYS    (BIT(H_OPEN) | BIT(H_CLOSE) | BIT(H_INTERVAL))

/* The first key given among `bits` (in file order). */
static const struct acd_ynode *
first_key(const struct seen *s, unsigned bits)
{
    const struct acd_ynode *best = NULL;
    for (unsigned j = 0; j < MAX_KEYS; j++)
        if ((s->keys & bits & BIT(j)) && (!best || after(best, s->key[j])))
            best = s->key[j];
    return best;
}

static void
horizon_steady(struct ctx *c, const struct acd_ynode *v, const struct horizon_parse *h,
               const struct seen *s)
{
    struct acd_scenario *sc = c->sc;
    c->mode = MODE_STEADY;
    sc->horizon = ACD_HORIZON_STEADY;
    if (s->keys & BIT(H_POLICY))
        err(c, s->key[H_POLICY],
            "'close_policy' needs an operating-day horizon (horizon: {open, "
            "close, interval}, not duration)");
    if (!((s->keys | s->meant) & BIT(H_DURATION)))
        err(c, v, "horizon is missing 'duration'");
    bool dur = is_ok(s, H_DURATION);
    if (dur)
        sc->duration_s = h->duration_s;
    if (is_ok(s, H_WARMUP)) {
        if (dur && h->warmup_s >= h->duration_s)
            err(c, s->val[H_WARMUP], "'warmup' (%s) must be shorter than 'duration' (%s)",
                show(s->val[H_WARMUP]->s).s, show(s->val[H_DURATION]->s).s);
        else
            sc->warmup_s = h->warmup_s;
    }
}

static void
horizon_day(struct ctx *c, const struct acd_ynode *v, const struct horizon_parse *h,
            const struct seen *s)
{
    struct acd_scenario *sc = c->sc;
    c->mode = MODE_DAY;
    sc->horizon = ACD_HORIZON_DAY;
    for (unsigned j = H_OPEN; j <= H_INTERVAL; j++)
        if (!((s->keys | s->meant) & BIT(j)))
            err(c, v, "horizon is missing '%s'", horizon_keys[j].name);
    if (is_ok(s, H_POLICY))
        sc->close_policy = h->policy;
    if (!is_ok(s, H_OPEN) || !is_ok(s, H_CLOSE) || !is_ok(s, H_INTERVAL))
        return;
    const char *open = show(s->val[H_OPEN]->s).s, *close = show(s->val[H_CLOSE]->s).s;
    if (h->close_s <= h->open_s) {
        err(c, s->val[H_CLOSE], "'close' (%s) must be later than 'open' (%s)", close, open);
        return;
    }
    double q = (h->close_s - h->open_s) / h->interval_s, n = round(q);
    const char *iv = show(s->val[H_INTERVAL]->s).s;
    if (n < 1 || fabs(q - n) > ACD_SCN_INTERVAL_TOL) {
        err(c, s->val[H_INTERVAL],
            "'interval' (%s) must divide the opening hours (%s to %s) into whole intervals", iv,
            open, close);
        return;
    }
    if (n > ACD_SCN_MAX_INTERVALS) {
        err(c, s->val[H_INTERVAL], "'interval' (%s) makes %.0f intervals (at most %d are allowed)",
            iv, n, ACD_SCN_MAX_INTERVALS);
        return;
    }
    sc->open_s = h->open_s;
    sc->close_s = h->close_s;
    sc->interval_s = h->interval_s;
    sc->n_intervals = c->n_iv = (size_t)n;
    c->interval_text = s->val[H_INTERVAL]->s;
}

/* The horizon decides the mode of the rest of the file: read first. */
static void
parse_horizon(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v)
{
    if (!expect_map(c, k, v,
                    "a mapping like {duration: 8h, warmup: 30m} or {open: \"07:00\", close: "
                    "\"19:00\", interval: 30m}"))
        return;
    struct horizon_parse h;
    memset(&h, 0, sizeof(h));
    struct seen s;
    walk_map(c, v, "horizon", horizon_keys, ACD_ARRAY_LEN(horizon_keys), &h, &s);
    unsigned any = s.keys | s.meant;
    if ((any & STEADY_KEYS) && (any & DAY_KEYS)) {
        /* Only given keys count as a mix: a misspelled one is reported. */
        const struct acd_ynode *a = first_key(&s, STEADY_KEYS), *b = first_key(&s, DAY_KEYS);
        if (a && b) {
            const struct acd_ynode *later = after(a, b) ? a : b, *first = later == a ? b : a;
            err(c, later,
                "'%s' cannot be combined with '%s' in horizon: use {duration, warmup} for a "
                "steady state or {open, close, interval} for an operating day",
                later->s, first->s);
        }
        return;
    }
    if (any & STEADY_KEYS)
        horizon_steady(c, v, &h, &s);
    else if (any & (DAY_KEYS | BIT(H_POLICY)))
        horizon_day(c, v, &h, &s);
    else
        err(c, v,
            "horizon is missing 'duration' (or 'open', 'close' and 'interval' for an operating "
            "day)");
}

/* In the table only to be known, required and not repeated: parse() reads
 * the (first) horizon before the walk. */
static void
top_horizon(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    (void)c, (void)obj, (void)k, (void)v;
}

static void
top_busyness(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    static const struct key_desc keys[] = {
        KEY_V("cv", V_NUMBER, struct acd_scenario, busyness_cv, KEY_REQUIRED),
    };
    if (expect_map(c, k, v, "a mapping like {cv: 0.1}"))
        walk_map(c, v, "busyness", keys, ACD_ARRAY_LEN(keys), obj, NULL);
}

/* ------------------------------------------- service level, targets, queue */

static void
top_service_level(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    static const struct key_desc keys[] = {
        KEY_V("threshold", V_DURATION, struct acd_scenario, sl_threshold_s, 0),
        KEY_V("target", V_FRACTION, struct acd_scenario, sl_target, 0),
    };
    if (expect_map(c, k, v, "a mapping like {threshold: 20s, target: 0.80}"))
        walk_map(c, v, "service_level", keys, ACD_ARRAY_LEN(keys), obj, NULL);
}

static void
top_targets(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    static const struct key_desc keys[] = {
        KEY_V("max_abandon", V_FRACTION, struct acd_scenario, max_abandon, 0),
        KEY_V("max_asa", V_DURATION, struct acd_scenario, max_asa_s, 0),
        KEY_V("max_occupancy", V_FRACTION, struct acd_scenario, max_occupancy, 0),
    };
    if (expect_map(c, k, v, "a mapping like {max_abandon: 0.05, max_asa: 30s}"))
        walk_map(c, v, "targets", keys, ACD_ARRAY_LEN(keys), obj, NULL);
}

static void
queue_capacity(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_scenario *sc = obj;
    unsigned long long u;
    if (get_uint(c, k, v, ACD_SCN_MAX_QUEUE, &u))
        sc->queue_capacity = (long)u;
}

static void
queue_lines(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_scenario *sc = obj;
    unsigned long long u;
    if (!get_uint(c, k, v, ACD_SCN_MAX_QUEUE, &u))
        return;
    if (u < 1)
        err(c, v, "'%s' must be at least 1 (found '%s')", k->s, show(v->s).s);
    else
        sc->queue_lines = (long)u;
}

static void
top_queue(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    static const struct key_desc keys[] = {
        KEY_FN("capacity", queue_capacity, 0),
        KEY_FN("lines", queue_lines, 0),
    };
    if (expect_map(c, k, v, "a mapping like {capacity: 200} or {lines: 40}"))
        walk_map(c, v, "queue", keys, ACD_ARRAY_LEN(keys), obj, NULL);
}

/* ------------------------------------------------------------- routing */

static void
routing_policy(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_scenario *sc = obj;
    const char *s = get_name(c, k, v);
    if (!s)
        return;
    const char *names[32];
    size_t n = 0;
    for (; n < ACD_ARRAY_LEN(names) && (names[n] = acd_sim_policy_name(n)); n++)
        if (strcmp(names[n], s) == 0) {
            free(sc->routing);
            sc->routing = acd_xstrdup(s);
            return;
        }
    unknown_name(c, v, "routing policy", "known policies", names, n);
}

static void
top_routing(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    static const struct key_desc keys[] = {
        KEY_FN("policy", routing_policy, KEY_REQUIRED),
    };
    /* `routing: longest_idle` is short for `routing: {policy: longest_idle}`. */
    if (v->kind == ACD_Y_MAP)
        walk_map(c, v, "routing", keys, ACD_ARRAY_LEN(keys), obj, NULL);
    else if (v->kind == ACD_Y_SCALAR)
        routing_policy(c, obj, k, v);
    else
        err(c, v, "'%s' must be a policy name or a mapping like {policy: longest_idle} (found %s)",
            k->s, found(v).s);
}

/* ------------------------------------------------ per-interval values */

enum elem {
    E_CALLS,    /* expected calls: a number >= 0 */
    E_DURATION, /* a duration > 0 */
    E_AGENTS,   /* an integer, 0 to ACD_SCN_MAX_AGENTS */
};

/* What values of this kind must be, for messages ("must be ..."). */
static const char *
elem_what(enum elem kind)
{
    static const char *const what[] = {
        [E_CALLS] = "numbers >= 0",
        [E_DURATION] = "durations > 0 like 4m or 240",
        [E_AGENTS] = "integers from 0 to 1000000",
    };
    return what[kind];
}

/* One value of a per-interval list or CSV column. */
static bool
elem_value(enum elem kind, const char *s, double *out)
{
    unsigned long long u;
    switch (kind) {
    case E_CALLS:
        return acd_units_parse_real(s, out) == 0 && isfinite(*out) && *out >= 0;
    case E_DURATION:
        return acd_units_parse_duration(s, out) == 0 && isfinite(*out) && *out > 0;
    case E_AGENTS:
        if (acd_units_parse_uint(s, &u) != 0 || u > ACD_SCN_MAX_AGENTS)
            return false;
        *out = (double)u;
        return true;
    }
    return false;
}

/* A list with one value per interval. Every item is checked; the values are
 * returned (new array of n_intervals) only when all are valid and the
 * horizon's intervals are known. */
static double *
interval_list(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v, enum elem kind)
{
    if (v->kind != ACD_Y_SEQ) {
        err(c, where(k, v), "'%s' must be a list with one value per interval (found %s)", k->s,
            found(v).s);
        return NULL;
    }
    if (!visit(c, v, v->n))
        return NULL;
    bool ok = true;
    if (c->n_iv && v->n != c->n_iv) {
        err(c, v, "'%s' must have %zu values, one per interval (found %zu)", k->s, c->n_iv, v->n);
        ok = false;
    }
    double *out = acd_xcalloc(v->n ? v->n : 1, sizeof(*out));
    for (size_t i = 0; i < v->n; i++) {
        const struct acd_ynode *item = v->kids[i];
        bool good = item->kind == ACD_Y_SCALAR && !item->is_null && strlen(item->s) == item->len &&
                    elem_value(kind, item->s, &out[i]);
        if (!good) {
            err(c, item, "values in '%s' must be %s (found %s)", k->s, elem_what(kind),
                found(item).s);
            ok = false;
        }
    }
    if (!ok || !c->n_iv) {
        free(out);
        return NULL;
    }
    return out;
}

/* -------------------------------------------------------- CSV files */

/* `file` relative to the scenario's directory; caller frees. */
static char *
resolve_path(const struct ctx *c, const char *file)
{
    if (file[0] == '/' || !c->base_dir || !*c->base_dir || strcmp(c->base_dir, ".") == 0)
        return acd_xstrdup(file);
    size_t n = strlen(c->base_dir);
    return acd_xasprintf("%s%s%s", c->base_dir, c->base_dir[n - 1] == '/' ? "" : "/", file);
}

/* The whole file, NUL-terminated, or NULL with errno set (EFBIG: over the
 * size limit). Caller frees. */
static char *
read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = acd_xmalloc(cap);
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > ACD_SCN_MAX_BYTES) {
                free(buf);
                fclose(f);
                errno = EFBIG;
                return NULL;
            }
            cap *= 2;
            buf = acd_xrealloc(buf, cap);
        }
        size_t r = fread(buf + n, 1, cap - 1 - n, f);
        n += r;
        if (r == 0) {
            int e = ferror(f) ? EIO : 0;
            fclose(f);
            if (e) {
                free(buf);
                errno = e;
                return NULL;
            }
            break;
        }
    }
    if (n > ACD_SCN_MAX_BYTES) {
        free(buf);
        errno = EFBIG;
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

struct csv_field {
    const char *s; /* trimmed, unquoted, NUL-terminated in the line buffer */
    unsigned col;
};

/* Split a NUL-terminated line at commas (no quoted commas: the values are
 * numbers and times). Returns the number of fields; at most `max` kept. */
static size_t
csv_split(char *line, struct csv_field *f, size_t max)
{
    size_t n = 0;
    unsigned col = 1; /* column of p, in characters */
    char *p = line;
    for (;;) {
        char *start = p;
        unsigned scol = col;
        while (*p && *p != ',') {
            col += ((unsigned char)*p & 0xC0) != 0x80;
            p++;
        }
        bool more = *p == ',';
        char *end = p;
        *p = '\0';
        while (*start == ' ' || *start == '\t') {
            start++;
            scol++;
        }
        while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
            *--end = '\0';
        if (end - start >= 2 && start[0] == '"' && end[-1] == '"') {
            start++;
            scol++;
            *--end = '\0';
        }
        if (n < max)
            f[n] = (struct csv_field){start, scol};
        n++;
        if (!more)
            return n;
        p++;
        col++;
    }
}

static bool
same_word(const char *a, const char *b)
{
    char la[32];
    if (strlen(a) >= sizeof(la))
        return false;
    lower(la, a, sizeof(la));
    return strcmp(la, b) == 0;
}

static char *
clock_text(const struct ctx *c, size_t iv, char *buf, size_t n)
{
    return acd_units_format_clock(c->sc->open_s + (double)iv * c->sc->interval_s, buf, n);
}

enum csv_kind { CSV_ARRIVALS, CSV_STAFFING };

/* Reading state of one CSV file. */
struct csv_read {
    struct ctx *c;
    const struct acd_ynode *fv; /* the scenario's `file:` value: where errors sort */
    const char *path;
    bool ok;
};

__attribute__((format(printf, 4, 5))) static void
csv_err(struct csv_read *r, unsigned line, unsigned col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_diag(r->c, r->path, line, col, r->fv->line, r->fv->col, fmt, ap);
    va_end(ap);
    r->ok = false;
}

/* The interval a row's first field names: its start clock time, or its
 * 1-based number. */
static bool
csv_interval(struct csv_read *r, unsigned line, const struct csv_field *f, size_t *out)
{
    struct ctx *c = r->c;
    char first[24], last[24];
    clock_text(c, 0, first, sizeof(first));
    clock_text(c, c->n_iv - 1, last, sizeof(last));
    double t;
    unsigned long long u;
    if (strchr(f->s, ':') && acd_units_parse_clock(f->s, &t) == 0) {
        double k = (t - c->sc->open_s) / c->sc->interval_s, n = round(k);
        if (fabs(k - n) <= ACD_SCN_INTERVAL_TOL && n >= 0 && n < (double)c->n_iv) {
            *out = (size_t)n;
            return true;
        }
        csv_err(r, line, f->col,
                "'%s' is not the start of an interval (they start every %s from %s to %s)",
                show(f->s).s, show(c->interval_text).s, first, last);
        return false;
    }
    if (acd_units_parse_uint(f->s, &u) == 0) {
        if (u >= 1 && u <= c->n_iv) {
            *out = (size_t)(u - 1);
            return true;
        }
        csv_err(r, line, f->col, "interval %s does not exist (intervals are numbered 1 to %zu)",
                show(f->s).s, c->n_iv);
        return false;
    }
    csv_err(r, line, f->col,
            "expected an interval start like %s or an interval number from 1 to %zu (found "
            "'%s')",
            first, c->n_iv, show(f->s).s);
    return false;
}

static void
csv_missing(struct csv_read *r, unsigned header_line, const unsigned *row_of)
{
    struct ctx *c = r->c;
    size_t n_missing = 0;
    char list[ACD_SCN_MISSING_SHOWN * 24 + 8] = "";
    for (size_t i = 0; i < c->n_iv; i++) {
        if (row_of[i])
            continue;
        if (n_missing < ACD_SCN_MISSING_SHOWN) {
            char t[24];
            snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
                     n_missing ? ", " : "", clock_text(c, i, t, sizeof(t)));
        } else if (n_missing == ACD_SCN_MISSING_SHOWN) {
            strcat(list, ", ...");
        }
        n_missing++;
    }
    if (n_missing == 0)
        return;
    char first[24], last[24];
    clock_text(c, 0, first, sizeof(first));
    clock_text(c, c->n_iv - 1, last, sizeof(last));
    csv_err(r, header_line, 1,
            "%zu interval%s missing (%s): every interval from %s to %s must be given once",
            n_missing, n_missing == 1 ? " is" : "s are", list, first, last);
}

/* Read a per-interval CSV named by `fv` (a `file:` value): values per
 * interval into *v (n_intervals) and, for arrivals with an aht column,
 * handle time means into *aht (else NULL). Returns false after reporting,
 * with nothing allocated. Without known intervals (the horizon's own error
 * says enough) the file is not read. */
static bool
read_interval_csv(struct ctx *c, const struct acd_ynode *fv, enum csv_kind kind, double **v,
                  double **aht)
{
    *v = NULL;
    if (aht)
        *aht = NULL;
    if (!c->n_iv)
        return false;
    const char *what = kind == CSV_ARRIVALS ? "arrivals file" : "staffing file";
    const char *forms =
        kind == CSV_ARRIVALS ? "'interval,calls' or 'start,calls,aht'" : "'interval,agents'";
    char *path = resolve_path(c, fv->s);
    struct csv_read r = {c, fv, path, true};
    size_t len = 0;
    char *text = read_text(path, &len);
    if (!text) {
        if (errno == EFBIG)
            csv_err(&r, 1, 1, "%s is too large (more than %d MB)", what,
                    ACD_SCN_MAX_BYTES / (1024 * 1024));
        else
            csv_err(&r, 1, 1, "cannot open %s: %s", what, strerror(errno));
        free(path);
        return false;
    }
    double *vals = acd_xcalloc(c->n_iv, sizeof(*vals));
    double *ahts = NULL;
    unsigned *row_of = acd_xcalloc(c->n_iv, sizeof(*row_of)); /* line giving each interval */
    size_t n_cols = 0;
    unsigned header_line = 0, line = 0;
    bool iv_bad = false;
    char *p = text, *end = text + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3; /* a spreadsheet's byte order mark */
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        unsigned nl = 1;
        for (const char *q = text; q < nul; q++)
            nl += *q == '\n';
        csv_err(&r, nl, 1, "%s contains a NUL byte (is it a text file?)", what);
        p = end;
    }
    while (p < end) {
        char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        char *ln = p;
        size_t n = (size_t)(eol - p);
        p = eol < end ? eol + 1 : end;
        line++;
        if (n > 0 && ln[n - 1] == '\r')
            n--;
        ln[n] = '\0';
        const char *t = ln + strspn(ln, " \t");
        if (*t == '\0' || *t == '#')
            continue;
        struct csv_field f[ACD_SCN_CSV_FIELDS];
        size_t nf = csv_split(ln, f, ACD_SCN_CSV_FIELDS);
        if (!header_line) {
            header_line = line;
            bool first = nf >= 1 && (same_word(f[0].s, "interval") || same_word(f[0].s, "start"));
            bool good = kind == CSV_ARRIVALS
                            ? first && (nf == 2 || nf == 3) && same_word(f[1].s, "calls") &&
                                  (nf == 2 || same_word(f[2].s, "aht"))
                            : first && nf == 2 && same_word(f[1].s, "agents");
            if (!good) {
                /* Without its header the file's columns are unknown. */
                csv_err(&r, line, 1, "expected the header row %s", forms);
                break;
            }
            n_cols = nf;
            if (nf == 3)
                ahts = acd_xcalloc(c->n_iv, sizeof(*ahts));
            continue;
        }
        if (nf != n_cols) {
            csv_err(&r, line, nf > n_cols ? f[n_cols].col : 1,
                    "expected %zu fields as in the header (found %zu)", n_cols, nf);
            iv_bad = true;
            continue;
        }
        size_t iv;
        if (!csv_interval(&r, line, &f[0], &iv)) {
            iv_bad = true;
            continue;
        }
        if (row_of[iv]) {
            char at[24];
            csv_err(&r, line, f[0].col, "interval %s is given twice (first on line %u)",
                    clock_text(c, iv, at, sizeof(at)), row_of[iv]);
            continue;
        }
        row_of[iv] = line;
        enum elem ek = kind == CSV_ARRIVALS ? E_CALLS : E_AGENTS;
        if (!elem_value(ek, f[1].s, &vals[iv]))
            csv_err(&r, line, f[1].col, "'%s' values must be %s (found '%s')",
                    kind == CSV_ARRIVALS ? "calls" : "agents", elem_what(ek), show(f[1].s).s);
        if (ahts && !elem_value(E_DURATION, f[2].s, &ahts[iv]))
            csv_err(&r, line, f[2].col, "'aht' values must be %s (found '%s')",
                    elem_what(E_DURATION), show(f[2].s).s);
    }
    if (r.ok && !header_line)
        csv_err(&r, 1, 1, "%s is empty (expected the header row %s)", what, forms);
    else if (header_line && n_cols && !iv_bad)
        csv_missing(&r, header_line, row_of);
    free(row_of);
    free(text);
    free(path);
    if (!r.ok) {
        free(vals);
        free(ahts);
        return false;
    }
    *v = vals;
    if (aht)
        *aht = ahts;
    else
        free(ahts);
    return true;
}

/* ------------------------------------------------------- distributions */

static const char *const param_names[] = {"mean", "cv", "k", "min", "max", "file"};

struct dist_parse {
    struct acd_dist_params p;
    const struct acd_dist_type *type; /* NULL until `dist:` names a known one */
    double *by;                       /* by_interval means, when valid */
};

static void
dist_name(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct dist_parse *dp = obj;
    const char *s = get_name(c, k, v);
    if (!s)
        return;
    dp->type = acd_dist_find(s);
    if (dp->type)
        return;
    const char *names[64];
    size_t n = 0;
    for (; acd_dist_types[n] && n < ACD_ARRAY_LEN(names); n++)
        names[n] = acd_dist_types[n]->name;
    unknown_name(c, v, "distribution", "known", names, n);
}

static void
dist_k(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct dist_parse *dp = obj;
    double x;
    if (get_real(c, k, v, EXP_NUMBER, &x) && check_positive(c, k, v, x))
        dp->p.k = x;
}

static void
dist_file(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    (void)obj;
    get_name(c, k, v); /* read once the distribution is known */
}

static void
dist_by_interval(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct dist_parse *dp = obj;
    dp->by = interval_list(c, k, v, E_DURATION);
}

/* Keys 1 to 6 are the parameters, in ACD_DP_* bit order. */
enum { D_DIST, D_MEAN, D_CV, D_K, D_MIN, D_MAX, D_FILE, D_BY };

static const struct key_desc dist_keys[] = {
    [D_DIST] = KEY_FN("dist", dist_name, KEY_REQUIRED),
    [D_MEAN] = KEY_V("mean", V_DURATION_POS, struct dist_parse, p.mean_s, 0),
    [D_CV] = KEY_V("cv", V_NUMBER, struct dist_parse, p.cv, 0),
    [D_K] = KEY_FN("k", dist_k, 0),
    [D_MIN] = KEY_V("min", V_DURATION, struct dist_parse, p.min_s, 0),
    [D_MAX] = KEY_V("max", V_DURATION, struct dist_parse, p.max_s, 0),
    [D_FILE] = KEY_FN("file", dist_file, 0),
    [D_BY] = KEY_FN("by_interval", dist_by_interval, KEY_DAY), /* only where allowed */
};

/* Load an empirical sample file into d (dist.c's setup expects them there),
 * with its errors located in that file but sorted at the `file:` key. */
static bool
load_samples(struct ctx *c, const struct acd_ynode *file_node, const char *path, struct acd_dist *d)
{
    size_t before = c->d.n;
    double *samples = NULL;
    long n = acd_dist_load_samples(path, &samples, &c->d);
    sync_keys(c);
    for (size_t i = before; i < c->d.n; i++) {
        c->keys[i].line = file_node->line;
        c->keys[i].col = file_node->col;
    }
    c->n_errors += c->d.n - before;
    if (n < 0)
        return false;
    d->samples = samples;
    d->n_samples = (size_t)n;
    return true;
}

/* Per-interval variants of `base` (the same family and shape, scaled to
 * each interval's mean) into *out (n_intervals, owned by the scenario even
 * on failure). */
static bool
derive_dists(struct ctx *c, const char *what, const struct dist_spec *spec,
             const struct acd_dist *base, const double *means, const struct acd_ynode *at,
             struct acd_dist **out)
{
    struct acd_dist *v = acd_xcalloc(c->n_iv, sizeof(*v));
    *out = v;
    for (size_t i = 0; i < c->n_iv; i++) {
        double r = means[i] / base->mean_s;
        struct acd_dist_params p = spec->p;
        if (p.have & ACD_DP_MEAN)
            p.mean_s = means[i];
        p.min_s *= r;
        p.max_s *= r;
        if (base->n_samples) {
            v[i].samples = acd_xcalloc(base->n_samples, sizeof(double));
            v[i].n_samples = base->n_samples;
            for (size_t j = 0; j < base->n_samples; j++)
                v[i].samples[j] = base->samples[j] * r;
        }
        char msg[256] = "";
        if (acd_dist_setup(&v[i], spec->type, &p, msg, sizeof(msg)) != 0) {
            char t[24];
            err(c, at, "invalid %s for the interval at %s: %s", what,
                acd_units_format_clock(c->sc->open_s + (double)i * c->sc->interval_s, t, sizeof(t)),
                msg[0] ? msg : "bad parameters");
            return false;
        }
    }
    return true;
}

/* `what: {dist: NAME, ...}` into *out. Returns true when *out is set up (and
 * then owns its data). With by_out, `by_interval` is allowed and its
 * variants go to *by_out; *spec and *by_key (if not NULL) get the
 * distribution as written and the by_interval key. */
static bool
parse_dist_by(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v,
              struct acd_dist *out, struct dist_spec *spec, struct acd_dist **by_out,
              const struct acd_ynode **by_key)
{
    if (!expect_map(c, k, v, "a mapping like {dist: exponential, mean: 3m}"))
        return false;
    struct dist_parse dp;
    memset(&dp, 0, sizeof(dp));
    struct seen s;
    walk_map(c, v, k->s, dist_keys, by_out ? ACD_ARRAY_LEN(dist_keys) : D_BY, &dp, &s);
    if (by_key)
        *by_key = s.key[D_BY];
    if (!is_ok(&s, D_DIST) || !dp.type) {
        free(dp.by);
        return false;
    }
    /* A misspelled parameter (`men:`) was reported already: don't also say
     * it is missing. */
    unsigned given = (s.keys >> 1) & 0x3fu, meant = (s.meant >> 1) & 0x3fu;
    const struct acd_dist_type *t = dp.type;
    const char *usage = t->usage ? t->usage : "";
    bool ok = !s.bad && !s.meant;
    for (unsigned i = 0; i < ACD_ARRAY_LEN(param_names); i++) {
        unsigned bit = 1u << i;
        if ((given & bit) && !(t->allowed & bit)) {
            err(c, s.key[i + 1], "'%s' does not apply to the %s distribution (usage: %s)",
                param_names[i], t->name, usage);
            ok = false;
        }
        if ((t->required & bit) && !((given | meant) & bit)) {
            err(c, v, "the %s distribution needs '%s' (usage: %s)", t->name, param_names[i], usage);
            ok = false;
        }
    }
    if (!ok) {
        free(dp.by);
        return false;
    }
    dp.p.have = given;

    struct acd_dist d;
    memset(&d, 0, sizeof(d));
    char *path = NULL;
    if (dp.p.have & ACD_DP_FILE) {
        path = resolve_path(c, s.val[D_FILE]->s);
        dp.p.file = path;
        if (!load_samples(c, s.val[D_FILE], path, &d)) {
            free(path);
            free(dp.by);
            return false;
        }
    }
    char msg[256] = "";
    int rc = acd_dist_setup(&d, t, &dp.p, msg, sizeof(msg));
    free(path);
    dp.p.file = NULL;
    if (rc != 0) {
        err(c, v, "invalid %s: %s", k->s, msg[0] ? msg : "bad parameters");
        acd_dist_fini(&d); /* frees samples loaded above */
        free(dp.by);
        return false;
    }
    *out = d;
    struct dist_spec sp = {t, dp.p};
    if (spec)
        *spec = sp;
    if (dp.by)
        derive_dists(c, k->s, &sp, out, dp.by, s.key[D_BY], by_out);
    free(dp.by);
    return true;
}

static bool
parse_dist(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v,
           struct acd_dist *out)
{
    return parse_dist_by(c, k, v, out, NULL, NULL, NULL);
}

/* ---------------------------------------------------------- call types */

static struct ct_state *
cur_ct(struct ctx *c)
{
    return &c->cts[c->cur];
}

static void
ct_name(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_call_type *ct = obj;
    const char *s = get_name(c, k, v);
    if (!s)
        return;
    ct->name = acd_xstrdup(s);
    ct->pos.line = v->line;
    ct->pos.col = v->col;
}

/* Arrivals are read here and committed once it is clear that exactly one
 * form was given. */
struct arr_parse {
    double rate_per_s;
    double *calls; /* per_interval or file */
    double *aht;   /* the file's aht column */
};

static void
arr_rate(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct arr_parse *ap = obj;
    double x;
    if (get_rate(c, k, v, &x) && check_nonneg(c, k, v, x))
        ap->rate_per_s = x;
}

static void
arr_per_interval(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct arr_parse *ap = obj;
    free(ap->calls);
    ap->calls = interval_list(c, k, v, E_CALLS);
}

static void
arr_file(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct arr_parse *ap = obj;
    if (!get_name(c, k, v))
        return;
    free(ap->calls);
    free(ap->aht);
    read_interval_csv(c, v, CSV_ARRIVALS, &ap->calls, &ap->aht);
}

enum { A_RATE, A_PER_INTERVAL, A_FILE };

static const struct key_desc arrivals_keys[] = {
    [A_RATE] = KEY_FN("rate", arr_rate, 0),
    [A_PER_INTERVAL] = KEY_FN("per_interval", arr_per_interval, KEY_DAY),
    [A_FILE] = KEY_FN("file", arr_file, KEY_DAY),
};

static void
ct_arrivals(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_call_type *ct = obj;
    struct ct_state *st = cur_ct(c);
    if (!expect_map(c, k, v,
                    c->mode == MODE_DAY
                        ? "a mapping like {per_interval: [40, 65, 90]}, {file: PATH} or "
                          "{rate: 120/h}"
                        : "a mapping like {rate: 120/h}"))
        return;
    struct arr_parse ap;
    memset(&ap, 0, sizeof(ap));
    struct seen s;
    walk_map(c, v, "arrivals", arrivals_keys, ACD_ARRAY_LEN(arrivals_keys), &ap, &s);
    const struct acd_ynode *first = first_key(&s, s.keys);
    unsigned n_given = 0;
    for (unsigned j = 0; j < ACD_ARRAY_LEN(arrivals_keys); j++) {
        if (!(s.keys & BIT(j)))
            continue;
        n_given++;
        if (s.key[j] != first)
            err(c, s.key[j],
                "'%s' cannot be combined with '%s' in arrivals (give one of 'rate', "
                "'per_interval' or 'file')",
                s.key[j]->s, first->s);
    }
    if (n_given == 0 && !s.meant) {
        if (c->mode == MODE_STEADY)
            err(c, v, "arrivals is missing 'rate'");
        else
            err(c, v, "arrivals needs 'rate', 'per_interval' or 'file'");
    }
    if (n_given == 1 && !s.bad) {
        if (s.keys & BIT(A_RATE)) {
            ct->rate_per_s = ap.rate_per_s;
            if (c->mode == MODE_DAY && c->n_iv) {
                /* A constant rate all day. */
                ct->calls_per_interval = acd_xcalloc(c->n_iv, sizeof(double));
                for (size_t i = 0; i < c->n_iv; i++)
                    ct->calls_per_interval[i] = ap.rate_per_s * c->sc->interval_s;
            }
        } else if (ap.calls) {
            ct->calls_per_interval = ap.calls;
            ap.calls = NULL;
            st->aht = ap.aht;
            st->aht_file = s.val[A_FILE];
            ap.aht = NULL;
        }
    }
    free(ap.calls);
    free(ap.aht);
}

static void
ct_handle_time(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_call_type *ct = obj;
    struct ct_state *st = cur_ct(c);
    st->handle_ok = parse_dist_by(c, k, v, &ct->handle, &st->handle_spec, &ct->handle_by_interval,
                                  &st->handle_by);
}

static void
ct_patience(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_call_type *ct = obj;
    ct->has_patience = parse_dist_by(c, k, v, &ct->patience, NULL, &ct->patience_by_interval, NULL);
}

static void
qt_to(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    (void)obj;
    const char *s = get_name(c, k, v);
    if (s && strcmp(s, "voicemail") != 0)
        cur_ct(c)->timeout_to = v; /* a call type: resolved once all are known */
}

static void
ct_queue_timeout(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    static const struct key_desc keys[] = {
        KEY_V("after", V_DURATION_POS, struct acd_call_type, queue_timeout_s, KEY_REQUIRED),
        KEY_FN("to", qt_to, 0),
    };
    if (expect_map(c, k, v, "a mapping like {after: 5m, to: voicemail}"))
        walk_map(c, v, "queue_timeout", keys, ACD_ARRAY_LEN(keys), obj, NULL);
}

enum { R_P_FIRST, R_P_LATER, R_DELAY, R_MAX_ATTEMPTS };

static const struct key_desc retrial_keys[] = {
    [R_P_FIRST] = KEY_V("p_first", V_FRACTION, struct acd_retrial, p_first, KEY_REQUIRED),
    [R_P_LATER] = KEY_V("p_later", V_FRACTION, struct acd_retrial, p_later, 0),
    [R_DELAY] = KEY_V("delay", V_DIST, struct acd_retrial, delay, KEY_REQUIRED),
    [R_MAX_ATTEMPTS] =
        KEY_N("max_attempts", V_UINT1, struct acd_retrial, max_attempts, ACD_SCN_MAX_ATTEMPTS, 0),
};

static void
parse_retrial(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v,
              struct acd_retrial *r)
{
    if (!expect_map(c, k, v,
                    "a mapping like {p_first: 0.6, delay: {dist: exponential, mean: 10m}}"))
        return;
    struct seen s;
    walk_map(c, v, k->s, retrial_keys, ACD_ARRAY_LEN(retrial_keys), r, &s);
    if (!(s.keys & BIT(R_P_LATER)))
        r->p_later = r->p_first;
    if (!(s.keys & BIT(R_MAX_ATTEMPTS)))
        r->max_attempts = ACD_SCN_DEFAULT_ATTEMPTS;
    r->enabled = is_ok(&s, R_P_FIRST) && is_ok(&s, R_DELAY) && !s.bad && !s.meant;
}

static void
retry_busy(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_call_type *ct = obj;
    parse_retrial(c, k, v, &ct->retry_busy);
}

static void
retry_abandon(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_call_type *ct = obj;
    parse_retrial(c, k, v, &ct->retry_abandon);
}

static void
ct_retry(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    static const struct key_desc keys[] = {
        KEY_FN("busy", retry_busy, 0),
        KEY_FN("abandon", retry_abandon, 0),
    };
    if (expect_map(c, k, v, "a mapping like {busy: {...}, abandon: {...}}"))
        walk_map(c, v, "retry", keys, ACD_ARRAY_LEN(keys), obj, NULL);
}

static void
ct_callback(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    static const struct key_desc keys[] = {
        KEY_VH("threshold", V_DURATION, struct acd_call_type, callback_threshold_s,
               callback_enabled, KEY_REQUIRED),
        KEY_V("accept", V_FRACTION, struct acd_call_type, callback_accept_prob, KEY_REQUIRED),
    };
    if (expect_map(c, k, v, "a mapping like {threshold: 2m, accept: 0.6}"))
        walk_map(c, v, "callback", keys, ACD_ARRAY_LEN(keys), obj, NULL);
}

enum { RS_TIER, RS_RESOLVE, RS_ESCALATE, RS_HANDLE, RS_PRIORITY };

static const struct key_desc resolution_keys[] = {
    [RS_TIER] = KEY_N("tier", V_UINT1, struct acd_resolution, tier, ACD_SCN_MAX_TIER, KEY_REQUIRED),
    [RS_RESOLVE] = KEY_V("resolve", V_FRACTION, struct acd_resolution, p_resolve, KEY_REQUIRED),
    [RS_ESCALATE] = KEY_V("escalate", V_FRACTION, struct acd_resolution, p_escalate, 0),
    [RS_HANDLE] = KEY_VH("handle_time", V_DIST, struct acd_resolution, handle, has_handle, 0),
    [RS_PRIORITY] =
        KEY_N("priority", V_INT, struct acd_resolution, priority, ACD_SCN_MAX_PRIORITY, 0),
};

struct res_entry {
    struct acd_resolution r;
    const struct acd_ynode *at;
};

static int
cmp_res_entry(const void *a, const void *b)
{
    const struct res_entry *x = a, *y = b;
    if (x->r.tier != y->r.tier)
        return x->r.tier < y->r.tier ? -1 : 1;
    return after(x->at, y->at) ? 1 : after(y->at, x->at) ? -1 : 0;
}

static void
ct_resolution(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_call_type *ct = obj;
    struct ct_state *st = cur_ct(c);
    if (v->kind != ACD_Y_SEQ) {
        err(c, where(k, v),
            "'%s' must be a list like [{tier: 1, resolve: 0.8, escalate: 0.5}] (found %s)", k->s,
            found(v).s);
        return;
    }
    if (v->n == 0) {
        err(c, v, "'%s' must list at least one tier", k->s);
        return;
    }
    struct res_entry *e = acd_xcalloc(v->n, sizeof(*e));
    bool ok = true;
    for (size_t i = 0; i < v->n; i++) {
        const struct acd_ynode *item = v->kids[i];
        e[i].at = item;
        if (item->kind != ACD_Y_MAP) {
            err(c, item,
                "a resolution entry must be a mapping like {tier: 1, resolve: 0.8} (found %s)",
                found(item).s);
            ok = false;
            continue;
        }
        struct seen s;
        walk_map(c, item, "resolution entry", resolution_keys, ACD_ARRAY_LEN(resolution_keys),
                 &e[i].r, &s);
        if (!is_ok(&s, RS_TIER) || !is_ok(&s, RS_RESOLVE) || s.bad || s.meant)
            ok = false;
        if (!is_ok(&s, RS_TIER))
            e[i].r.tier = 0; /* sorts first; never compared as a duplicate */
    }
    qsort(e, v->n, sizeof(*e), cmp_res_entry);
    for (size_t i = 1; i < v->n; i++)
        if (e[i].r.tier && e[i].r.tier == e[i - 1].r.tier) {
            err(c, e[i].at, "tier %u is given twice in resolution (first at line %u)", e[i].r.tier,
                e[i - 1].at->line);
            ok = false;
        }
    ct->resolution = acd_xcalloc(v->n, sizeof(*ct->resolution));
    st->res_pos = acd_xcalloc(v->n, sizeof(*st->res_pos));
    ct->n_resolution = v->n;
    for (size_t i = 0; i < v->n; i++) {
        ct->resolution[i] = e[i].r;
        st->res_pos[i] = (struct acd_srcpos){e[i].at->line, e[i].at->col};
    }
    st->res_ok = ok;
    free(e);
}

static void
ct_costs(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    static const struct key_desc keys[] = {
        KEY_V("abandon", V_NUMBER, struct acd_call_type, cost_per_abandon, 0),
        KEY_V("repeat", V_NUMBER, struct acd_call_type, cost_per_repeat, 0),
    };
    if (expect_map(c, k, v, "a mapping like {abandon: 4.5, repeat: 6}"))
        walk_map(c, v, "costs", keys, ACD_ARRAY_LEN(keys), obj, NULL);
}

enum { CT_REPEAT_DELAY = 12 };

static const struct key_desc call_type_keys[] = {
    KEY_FN("name", ct_name, KEY_REQUIRED),
    KEY_FN("arrivals", ct_arrivals, KEY_REQUIRED),
    KEY_FN("handle_time", ct_handle_time, KEY_REQUIRED),
    KEY_FN("patience", ct_patience, 0),
    KEY_N("priority", V_INT, struct acd_call_type, priority, ACD_SCN_MAX_PRIORITY, 0),
    KEY_V("wait_bonus", V_RATE, struct acd_call_type, wait_bonus_per_s, 0),
    KEY_V("overflow_delay", V_DURATION, struct acd_call_type, overflow_delay_s, 0),
    KEY_V("balk", V_FRACTION, struct acd_call_type, balk_prob, 0),
    KEY_FN("queue_timeout", ct_queue_timeout, 0),
    KEY_FN("retry", ct_retry, 0),
    KEY_FN("callback", ct_callback, 0),
    KEY_FN("resolution", ct_resolution, 0),
    [CT_REPEAT_DELAY] =
        KEY_VH("repeat_delay", V_DIST, struct acd_call_type, repeat_delay, has_repeat_delay, 0),
    KEY_FN("costs", ct_costs, 0),
};

/* Checks within one call type once all its keys are read. */
static void
finish_call_type(struct ctx *c, struct acd_call_type *ct, const struct seen *s)
{
    struct ct_state *st = cur_ct(c);
    if (st->aht) {
        if (st->handle_by)
            err(c, st->handle_by,
                "'by_interval' cannot be combined with the 'aht' column of the arrivals file "
                "(give per-interval handle times once)");
        else if (st->handle_ok)
            derive_dists(c, "handle_time", &st->handle_spec, &ct->handle, st->aht, st->aht_file,
                         &ct->handle_by_interval);
        free(st->aht);
        st->aht = NULL;
    }
    /* Unresolved, unescalated customers call again: after how long? */
    if (st->res_ok && !((s->keys | s->meant) & BIT(CT_REPEAT_DELAY)))
        for (size_t i = 0; i < ct->n_resolution; i++) {
            const struct acd_resolution *r = &ct->resolution[i];
            if (r->p_resolve < 1 && r->p_escalate < 1) {
                err(c, st->map,
                    "call type%s%s%s needs 'repeat_delay': at tier %u some issues stay "
                    "unresolved without escalation, and those customers call again",
                    ct->name ? " '" : "", ct->name ? show(ct->name).s : "", ct->name ? "'" : "",
                    r->tier);
                break;
            }
        }
}

static void
top_call_types(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_scenario *sc = obj;
    if (v->kind != ACD_Y_SEQ) {
        err(c, where(k, v), "'%s' must be a list of call types (found %s)", k->s, found(v).s);
        return;
    }
    if (v->n == 0) {
        err(c, v, "'%s' must list at least one call type", k->s);
        return;
    }
    sc->call_types = acd_xcalloc(v->n, sizeof(*sc->call_types));
    sc->n_call_types = v->n;
    c->cts = acd_xcalloc(v->n, sizeof(*c->cts));
    c->ct_listed = true;
    c->ct_names_ok = true;
    for (size_t i = 0; i < v->n; i++) {
        const struct acd_ynode *item = v->kids[i];
        struct acd_call_type *ct = &sc->call_types[i];
        ct->pos.line = item->line;
        ct->pos.col = item->col;
        c->cts[i].map = item;
        if (item->kind != ACD_Y_MAP) {
            err(c, item,
                "a call type must be a mapping with name, arrivals and handle_time (found %s)",
                found(item).s);
            c->ct_names_ok = false;
            continue;
        }
        c->cur = i;
        struct seen s;
        walk_map(c, item, "call type", call_type_keys, ACD_ARRAY_LEN(call_type_keys), ct, &s);
        finish_call_type(c, ct, &s);
        if (!ct->name)
            c->ct_names_ok = false;
    }
}

/* -------------------------------------------------------- agent groups */

static struct grp_state *
cur_grp(struct ctx *c)
{
    return &c->gps[c->cur];
}

static void
grp_name(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_agent_group *g = obj;
    const char *s = get_name(c, k, v);
    if (!s)
        return;
    g->name = acd_xstrdup(s);
    g->pos.line = v->line;
    g->pos.col = v->col;
}

struct skill_parse {
    const struct acd_ynode *type;
    unsigned level;
};

static void
skill_type(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct skill_parse *sp = obj;
    if (get_name(c, k, v))
        sp->type = v;
}

static const struct key_desc skill_keys[] = {
    KEY_FN("type", skill_type, KEY_REQUIRED),
    KEY_N("level", V_UINT1, struct skill_parse, level, ACD_SCN_MAX_LEVEL, 0),
};

/* Skills are names (level = position) or {type, level}; the names are
 * resolved once every call type is known. */
static void
grp_skills(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    (void)obj;
    struct grp_state *gs = cur_grp(c);
    if (v->kind != ACD_Y_SEQ) {
        err(c, where(k, v),
            "'%s' must be a list of call type names like [billing, payments] (found %s)", k->s,
            found(v).s);
        return;
    }
    if (v->n == 0) {
        err(c, v, "'%s' must list at least one call type", k->s);
        return;
    }
    if (!visit(c, v, v->n))
        return;
    gs->skills_given = true;
    gs->n_skill_items = v->n;
    gs->skill_names = acd_xcalloc(v->n, sizeof(*gs->skill_names));
    gs->skill_levels = acd_xcalloc(v->n, sizeof(*gs->skill_levels));
    for (size_t i = 0; i < v->n; i++) {
        const struct acd_ynode *item = v->kids[i];
        struct skill_parse sp = {NULL, i < UINT_MAX ? (unsigned)i + 1 : UINT_MAX};
        if (item->kind == ACD_Y_SCALAR && !item->is_null && strlen(item->s) == item->len) {
            sp.type = item;
        } else if (item->kind == ACD_Y_MAP) {
            struct seen s;
            walk_map(c, item, "skill", skill_keys, ACD_ARRAY_LEN(skill_keys), &sp, &s);
            if (s.bad || s.meant)
                sp.type = NULL;
        } else {
            err(c, item,
                "a skill must be a call type name or a mapping like {type: billing, level: 2} "
                "(found %s)",
                found(item).s);
        }
        gs->skill_names[i] = sp.type;
        gs->skill_levels[i] = sp.level;
    }
}

struct agents_file {
    double *v;
};

static void
agents_file(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct agents_file *af = obj;
    if (get_name(c, k, v))
        read_interval_csv(c, v, CSV_STAFFING, &af->v, NULL);
}

static void
grp_agents(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    static const struct key_desc file_keys[] = {
        KEY_FN("file", agents_file, KEY_REQUIRED),
    };
    struct acd_agent_group *g = obj;
    double *per = NULL;
    if (v->kind == ACD_Y_SEQ || (v->kind == ACD_Y_MAP && c->mode != MODE_STEADY)) {
        if (c->mode == MODE_STEADY) {
            err(c, v, "a list of 'agents' per interval needs an operating-day horizon");
            return;
        }
        if (v->kind == ACD_Y_SEQ) {
            per = interval_list(c, k, v, E_AGENTS);
        } else {
            struct agents_file af = {NULL};
            walk_map(c, v, "agents", file_keys, ACD_ARRAY_LEN(file_keys), &af, NULL);
            per = af.v;
        }
        if (!per)
            return;
        g->agents_by_interval = acd_xcalloc(c->n_iv, sizeof(*g->agents_by_interval));
        for (size_t i = 0; i < c->n_iv; i++)
            g->agents_by_interval[i] = (unsigned)per[i];
        g->agents = g->agents_by_interval[0];
        free(per);
        return;
    }
    unsigned long long u;
    if (get_uint(c, k, v, ACD_SCN_MAX_AGENTS, &u))
        g->agents = (unsigned)u;
}

enum { SH_START, SH_END, SH_COUNT, SH_BREAKS };

static const struct key_desc shift_keys[] = {
    [SH_START] = KEY_V("start", V_CLOCK, struct acd_shift, start_s, KEY_REQUIRED),
    [SH_END] = KEY_V("end", V_CLOCK, struct acd_shift, end_s, KEY_REQUIRED),
    [SH_COUNT] = KEY_N("count", V_UINT1, struct acd_shift, count, ACD_SCN_MAX_AGENTS, KEY_REQUIRED),
    [SH_BREAKS] = KEY_FN("breaks", parse_later, 0),
};

static const struct key_desc break_keys[] = {
    KEY_V("start", V_CLOCK, struct acd_break, start_s, KEY_REQUIRED),
    KEY_V("length", V_DURATION_POS, struct acd_break, length_s, KEY_REQUIRED),
};

/* A shift's breaks: each inside the shift (when its times are valid), in
 * time order, not overlapping. */
static void
parse_breaks(struct ctx *c, struct acd_shift *sh, bool times_ok, const struct acd_ynode *k,
             const struct acd_ynode *v, const struct acd_ynode *start, const struct acd_ynode *end)
{
    if (v->kind != ACD_Y_SEQ) {
        err(c, where(k, v), "'%s' must be a list like [{start: \"10:00\", length: 15m}] (found %s)",
            k->s, found(v).s);
        return;
    }
    sh->breaks = acd_xcalloc(v->n ? v->n : 1, sizeof(*sh->breaks));
    sh->n_breaks = v->n;
    const struct acd_ynode *prev = NULL; /* the last valid break */
    const struct acd_break *pb = NULL;
    for (size_t i = 0; i < v->n; i++) {
        const struct acd_ynode *item = v->kids[i];
        struct acd_break *b = &sh->breaks[i];
        if (item->kind != ACD_Y_MAP) {
            err(c, item,
                "a break must be a mapping like {start: \"10:00\", length: 15m} (found %s)",
                found(item).s);
            continue;
        }
        struct seen s;
        walk_map(c, item, "break", break_keys, ACD_ARRAY_LEN(break_keys), b, &s);
        if (!is_ok(&s, 0) || !is_ok(&s, 1) || s.meant)
            continue;
        const char *bs = show(s.val[0]->s).s;
        if (times_ok && (b->start_s < sh->start_s || b->start_s + b->length_s > sh->end_s)) {
            err(c, item, "the break at %s (%s) is not inside its shift (%s to %s)", bs,
                show(s.val[1]->s).s, show(start->s).s, show(end->s).s);
        } else if (pb && b->start_s < pb->start_s) {
            err(c, item, "breaks must be listed in time order (%s comes before %s, line %u)", bs,
                show(prev->s).s, prev->line);
        } else if (pb && b->start_s < pb->start_s + pb->length_s) {
            err(c, item, "the break at %s overlaps the break at %s (line %u)", bs, show(prev->s).s,
                prev->line);
        }
        prev = s.val[0];
        pb = b;
    }
}

static void
grp_shifts(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_agent_group *g = obj;
    if (v->kind != ACD_Y_SEQ) {
        err(c, where(k, v),
            "'%s' must be a list like [{start: \"08:00\", end: \"16:00\", count: 5}] (found %s)",
            k->s, found(v).s);
        return;
    }
    if (v->n == 0) {
        err(c, v, "'%s' must list at least one shift", k->s);
        return;
    }
    g->shifts = acd_xcalloc(v->n, sizeof(*g->shifts));
    g->n_shifts = v->n;
    for (size_t i = 0; i < v->n; i++) {
        const struct acd_ynode *item = v->kids[i];
        struct acd_shift *sh = &g->shifts[i];
        if (item->kind != ACD_Y_MAP) {
            err(c, item,
                "a shift must be a mapping like {start: \"08:00\", end: \"16:00\", count: 5} "
                "(found %s)",
                found(item).s);
            continue;
        }
        struct seen s;
        walk_map(c, item, "shift", shift_keys, ACD_ARRAY_LEN(shift_keys), sh, &s);
        bool times_ok = is_ok(&s, SH_START) && is_ok(&s, SH_END);
        if (times_ok && sh->end_s <= sh->start_s) {
            err(c, s.val[SH_END], "'end' (%s) must be later than 'start' (%s)",
                show(s.val[SH_END]->s).s, show(s.val[SH_START]->s).s);
            times_ok = false;
        }
        if (s.keys & BIT(SH_BREAKS))
            parse_breaks(c, sh, times_ok, s.key[SH_BREAKS], s.val[SH_BREAKS], s.val[SH_START],
                         s.val[SH_END]);
    }
}

/* `{CALL_TYPE: DIST, ...}`: the distributions now, the names once every
 * call type is known. */
static void
parse_type_dists(struct ctx *c, const struct acd_ynode *v, struct acd_type_dist **out,
                 size_t *n_out, const struct acd_ynode ***keys_out, const char *what)
{
    size_t n = v->n / 2;
    struct acd_type_dist *td = acd_xcalloc(n ? n : 1, sizeof(*td));
    const struct acd_ynode **keys = acd_xcalloc(n ? n : 1, sizeof(*keys));
    for (size_t i = 0; i < n; i++) {
        const struct acd_ynode *k = v->kids[2 * i], *d = v->kids[2 * i + 1];
        td[i].type = SIZE_MAX;
        if (k->kind != ACD_Y_SCALAR || k->is_null || strlen(k->s) != k->len) {
            err(c, k, "keys in %s must be call type names (found %s)", what, found(k).s);
            continue;
        }
        keys[i] = k;
        parse_dist(c, k, d, &td[i].dist);
    }
    *out = td;
    *n_out = n;
    *keys_out = keys;
}

static void
grp_handle_time(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_agent_group *g = obj;
    static const char expect[] =
        "a mapping from call type to distribution, like {billing: {dist: exponential, mean: 5m}}";
    if (!expect_map(c, k, v, expect))
        return;
    /* One distribution for every call type is the call types' own
     * handle_time: say so once, not once per key. */
    for (size_t i = 0; i + 1 < v->n; i += 2) {
        const struct acd_ynode *key = v->kids[i];
        if (key->kind == ACD_Y_SCALAR && !key->is_null && strcmp(key->s, "dist") == 0) {
            err(c, v, "'%s' in an agent group must be %s (found a distribution)", k->s, expect);
            return;
        }
    }
    parse_type_dists(c, v, &g->handle, &g->n_handle, &cur_grp(c)->handle_keys, k->s);
}

/* `wrap_up: DIST` (a mapping with `dist`, or whose values are not all
 * mappings: a mistyped distribution rather than call types), or
 * `wrap_up: {CALL_TYPE: DIST, ...}`. */
static void
grp_wrap_up(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_agent_group *g = obj;
    bool by_type = v->kind == ACD_Y_MAP && v->n > 0;
    for (size_t i = 0; by_type && i + 1 < v->n; i += 2) {
        const struct acd_ynode *key = v->kids[i];
        if (v->kids[i + 1]->kind != ACD_Y_MAP ||
            (key->kind == ACD_Y_SCALAR && key->s && strcmp(key->s, "dist") == 0))
            by_type = false;
    }
    if (by_type)
        parse_type_dists(c, v, &g->wrap_by_type, &g->n_wrap_by_type, &cur_grp(c)->wrap_keys, k->s);
    else
        g->has_wrap_up = parse_dist(c, k, v, &g->wrap_up);
}

static void
grp_assist(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    static const struct key_desc keys[] = {
        KEY_NH("queue_len", V_UINT, struct acd_agent_group, assist_queue_len, assist_by_len,
               ACD_SCN_MAX_QUEUE, 0),
        KEY_VH("oldest_wait", V_DURATION, struct acd_agent_group, assist_wait_s, assist_by_wait, 0),
    };
    if (!expect_map(c, k, v, "a mapping like {queue_len: 10, oldest_wait: 2m}"))
        return;
    struct seen s;
    walk_map(c, v, "assist", keys, ACD_ARRAY_LEN(keys), obj, &s);
    if (!s.keys && !s.meant)
        err(c, v, "assist needs 'queue_len' or 'oldest_wait' (or both)");
}

enum { G_NAME, G_SKILLS, G_AGENTS, G_SHIFTS, G_TIER };

static const struct key_desc group_keys[] = {
    [G_NAME] = KEY_FN("name", grp_name, KEY_REQUIRED),
    [G_SKILLS] = KEY_FN("skills", grp_skills, KEY_REQUIRED),
    [G_AGENTS] = KEY_FN("agents", grp_agents, 0),
    [G_SHIFTS] = KEY_FN("shifts", grp_shifts, KEY_DAY),
    [G_TIER] = KEY_N("tier", V_UINT1, struct acd_agent_group, tier, ACD_SCN_MAX_TIER, 0),
    KEY_V("absenteeism", V_FRACTION, struct acd_agent_group, absenteeism, 0),
    KEY_FN("handle_time", grp_handle_time, 0),
    KEY_FN("wrap_up", grp_wrap_up, 0),
    KEY_FN("assist", grp_assist, 0),
    KEY_V("cost_per_hour", V_NUMBER, struct acd_agent_group, cost_per_hour, 0),
};

static void
finish_group(struct ctx *c, struct acd_agent_group *g, const struct acd_ynode *map,
             const struct seen *s)
{
    if (!(s->keys & BIT(G_TIER)))
        g->tier = 1;
    if ((s->bad | s->meant) & BIT(G_TIER))
        c->tiers_ok = false;
    unsigned staffing = s->keys & (BIT(G_AGENTS) | BIT(G_SHIFTS));
    if (staffing == (BIT(G_AGENTS) | BIT(G_SHIFTS))) {
        const struct acd_ynode *later =
            after(s->key[G_AGENTS], s->key[G_SHIFTS]) ? s->key[G_AGENTS] : s->key[G_SHIFTS];
        err(c, later,
            "'%s' cannot be combined with '%s' in agent group (give per-interval 'agents' or "
            "'shifts')",
            later->s, later == s->key[G_AGENTS] ? "shifts" : "agents");
    } else if (!staffing && c->mode == MODE_STEADY && !(s->meant & BIT(G_AGENTS))) {
        err(c, map, "agent group is missing 'agents'");
    }
}

static void
top_agent_groups(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_scenario *sc = obj;
    if (v->kind != ACD_Y_SEQ) {
        err(c, where(k, v), "'%s' must be a list of agent groups (found %s)", k->s, found(v).s);
        return;
    }
    if (v->n == 0) {
        err(c, v, "'%s' must list at least one agent group", k->s);
        return;
    }
    sc->groups = acd_xcalloc(v->n, sizeof(*sc->groups));
    sc->n_groups = v->n;
    c->gps = acd_xcalloc(v->n, sizeof(*c->gps));
    c->groups_listed = true;
    c->tiers_ok = true;
    for (size_t i = 0; i < v->n; i++) {
        const struct acd_ynode *item = v->kids[i];
        struct acd_agent_group *g = &sc->groups[i];
        g->pos.line = item->line;
        g->pos.col = item->col;
        g->tier = 1;
        c->gps[i].map = item;
        if (item->kind != ACD_Y_MAP) {
            err(c, item, "an agent group must be a mapping with name, skills and agents (found %s)",
                found(item).s);
            continue;
        }
        c->cur = i;
        struct seen s;
        walk_map(c, item, "agent group", group_keys, ACD_ARRAY_LEN(group_keys), g, &s);
        finish_group(c, g, item, &s);
    }
}

/* ------------------------------------------------------------ top level */

static void
top_name(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_scenario *sc = obj;
    const char *s = get_name(c, k, v);
    if (s) {
        free(sc->name);
        sc->name = acd_xstrdup(s);
    }
}

static void
top_seed(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_scenario *sc = obj;
    unsigned long long u;
    if (get_uint(c, k, v, UINT64_MAX, &u))
        sc->seed = (uint64_t)u;
}

static const struct key_desc top_keys[] = {
    KEY_FN("name", top_name, 0),
    KEY_FN("seed", top_seed, 0),
    KEY_N("replications", V_UINT1, struct acd_scenario, replications, ACD_SCN_MAX_REPLICATIONS, 0),
    KEY_FN("horizon", top_horizon, KEY_REQUIRED),
    KEY_FN("busyness", top_busyness, KEY_DAY),
    KEY_FN("service_level", top_service_level, 0),
    KEY_FN("targets", top_targets, 0),
    KEY_FN("call_types", top_call_types, KEY_REQUIRED),
    KEY_FN("agent_groups", top_agent_groups, KEY_REQUIRED),
    KEY_FN("queue", top_queue, 0),
    KEY_FN("routing", top_routing, 0),
};

/* ------------------------------------------------- cross references */

struct name_ix {
    const char *name;
    size_t ix;
};

static int
cmp_name_ix(const void *a, const void *b)
{
    const struct name_ix *x = a, *y = b;
    int r = strcmp(x->name, y->name);
    return r ? r : (x->ix > y->ix) - (x->ix < y->ix);
}

/* Sorted (name, index) pairs of the named entries, for duplicate checks and
 * O(log n) lookups; caller frees. */
static struct name_ix *
name_index(const void *base, size_t n, size_t stride, size_t name_off, size_t *n_out)
{
    struct name_ix *v = acd_xcalloc(n ? n : 1, sizeof(*v));
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = *(char *const *)((const char *)base + i * stride + name_off);
        if (name)
            v[m++] = (struct name_ix){name, i};
    }
    qsort(v, m, sizeof(*v), cmp_name_ix);
    *n_out = m;
    return v;
}

/* The index of the first entry named `name`, or SIZE_MAX. */
static size_t
lookup(const struct name_ix *ix, size_t n, const char *name)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(ix[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && strcmp(ix[lo].name, name) == 0 ? ix[lo].ix : SIZE_MAX;
}

/* Report every repeated name; returns true if there was one. */
static bool
check_duplicates(struct ctx *c, const struct name_ix *v, size_t n, const char *what,
                 const struct acd_srcpos *(*pos)(const struct acd_scenario *, size_t))
{
    bool dup = false;
    size_t first = 0; /* start of the run of equal names */
    for (size_t i = 1; i < n; i++) {
        if (strcmp(v[i].name, v[i - 1].name) != 0) {
            first = i;
            continue;
        }
        const struct acd_srcpos *p = pos(c->sc, v[i].ix);
        dup = true;
        err_at(c, p->line, p->col, "duplicate %s name '%s' (first defined at line %u)", what,
               show(v[i].name).s, pos(c->sc, v[first].ix)->line);
    }
    return dup;
}

static const struct acd_srcpos *
ct_pos(const struct acd_scenario *sc, size_t i)
{
    return &sc->call_types[i].pos;
}

static const struct acd_srcpos *
group_pos(const struct acd_scenario *sc, size_t i)
{
    return &sc->groups[i].pos;
}

static const char **
ct_names(const struct acd_scenario *sc, size_t extra)
{
    const char **names = acd_xcalloc(sc->n_call_types + extra, sizeof(*names));
    for (size_t i = 0; i < sc->n_call_types; i++)
        names[i] = sc->call_types[i].name;
    return names;
}

static void
unknown_ct(struct ctx *c, const struct acd_ynode *at, const char *in)
{
    const struct acd_scenario *sc = c->sc;
    const char **names = ct_names(sc, 0);
    const char *near = suggest(at->s, names, sc->n_call_types);
    if (near) {
        err(c, at, "unknown call type '%s' in %s (did you mean '%s'?)", show(at->s).s, in, near);
    } else {
        char *list = join(names, sc->n_call_types);
        err(c, at, "unknown call type '%s' in %s (call types: %s)", show(at->s).s, in, list);
        free(list);
    }
    free(names);
}

static bool
has_skill(const struct acd_agent_group *g, size_t type)
{
    for (size_t i = 0; i < g->n_skills; i++)
        if (g->skills[i] == type)
            return true;
    return false;
}

/* Resolve every group's skills to call type indices, then check that each
 * call type is served by some group. Returns true when every skill of
 * every group resolved. */
static bool
resolve_skills(struct ctx *c, const struct name_ix *ix, size_t n_ix, bool *group_ok)
{
    struct acd_scenario *sc = c->sc;
    size_t *mark = acd_xcalloc(sc->n_call_types, sizeof(*mark));
    /* With a name given twice, "not served" could be about the wrong one. */
    bool all_ok = c->ct_names_ok && !c->ct_dups;

    for (size_t g = 0; g < sc->n_groups; g++) {
        const struct grp_state *gs = &c->gps[g];
        struct acd_agent_group *grp = &sc->groups[g];
        if (!gs->skills_given) {
            all_ok = false;
            continue;
        }
        group_ok[g] = true;
        grp->skills = acd_xcalloc(gs->n_skill_items, sizeof(*grp->skills));
        grp->skill_lv = acd_xcalloc(gs->n_skill_items, sizeof(*grp->skill_lv));
        for (size_t i = 0; i < gs->n_skill_items; i++) {
            const struct acd_ynode *name = gs->skill_names[i];
            size_t t = name ? lookup(ix, n_ix, name->s) : SIZE_MAX;
            if (t == SIZE_MAX) {
                /* Unknown names are only reliable when every call type
                 * has a name; otherwise the first error says enough. */
                if (name && c->ct_names_ok)
                    unknown_ct(c, name, "skills");
                group_ok[g] = false;
                continue;
            }
            if (mark[t] == g + 1) {
                err(c, name, "call type '%s' is listed twice in skills", show(name->s).s);
                group_ok[g] = false;
                continue;
            }
            mark[t] = g + 1;
            grp->skills[grp->n_skills] = t;
            grp->skill_lv[grp->n_skills] = (struct acd_skill){t, gs->skill_levels[i]};
            grp->n_skills++;
        }
        all_ok = all_ok && group_ok[g];
    }

    if (all_ok) {
        bool *served = acd_xcalloc(sc->n_call_types, sizeof(*served));
        for (size_t g = 0; g < sc->n_groups; g++)
            for (size_t i = 0; i < sc->groups[g].n_skills; i++)
                served[sc->groups[g].skills[i]] = true;
        for (size_t i = 0; i < sc->n_call_types; i++)
            if (!served[i])
                err_at(c, sc->call_types[i].pos.line, sc->call_types[i].pos.col,
                       "call type '%s' is not served by any agent group (add it to a group's "
                       "skills)",
                       show(sc->call_types[i].name).s);
        free(served);
    }
    free(mark);
    return all_ok;
}

/* Names of per-type overrides (a group's handle_time, wrap_up): known call
 * types, each once, among the group's skills. `mark` and `first` are
 * scratch arrays of n_call_types; `stamp` is unique to this mapping. */
static void
resolve_type_dists(struct ctx *c, const struct name_ix *ix, size_t n_ix, size_t g, bool skills_ok,
                   struct acd_type_dist *td, size_t n, const struct acd_ynode **keys,
                   const char *what, size_t *mark, size_t *first, size_t stamp)
{
    const struct acd_agent_group *grp = &c->sc->groups[g];
    for (size_t i = 0; i < n; i++) {
        const struct acd_ynode *k = keys[i];
        if (!k)
            continue;
        size_t t = lookup(ix, n_ix, k->s);
        if (t == SIZE_MAX) {
            if (c->ct_names_ok)
                unknown_ct(c, k, what);
            continue;
        }
        if (mark[t] == stamp) {
            err(c, k, "duplicate key '%s' in %s (first given at line %u)", show(k->s).s, what,
                keys[first[t]]->line);
            continue;
        }
        mark[t] = stamp;
        first[t] = i;
        if (skills_ok && !has_skill(grp, t))
            err(c, k,
                "call type '%s' in %s is not one of the skills of agent group '%s' (an override "
                "applies to the group's own call types)",
                show(k->s).s, what, grp->name ? show(grp->name).s : "?");
        td[i].type = t;
    }
}

static void
resolve_overrides(struct ctx *c, const struct name_ix *ix, size_t n_ix, const bool *group_ok)
{
    struct acd_scenario *sc = c->sc;
    size_t *mark = acd_xcalloc(sc->n_call_types, sizeof(*mark));
    size_t *first = acd_xcalloc(sc->n_call_types, sizeof(*first));
    size_t stamp = 0;
    for (size_t g = 0; g < sc->n_groups; g++) {
        struct acd_agent_group *grp = &sc->groups[g];
        const struct grp_state *gs = &c->gps[g];
        if (grp->n_handle)
            resolve_type_dists(c, ix, n_ix, g, group_ok[g], grp->handle, grp->n_handle,
                               gs->handle_keys, "handle_time", mark, first, ++stamp);
        if (grp->n_wrap_by_type)
            resolve_type_dists(c, ix, n_ix, g, group_ok[g], grp->wrap_by_type, grp->n_wrap_by_type,
                               gs->wrap_keys, "wrap_up", mark, first, ++stamp);
    }
    free(mark);
    free(first);
}

static void
resolve_timeouts(struct ctx *c, const struct name_ix *ix, size_t n_ix)
{
    struct acd_scenario *sc = c->sc;
    for (size_t i = 0; i < sc->n_call_types; i++) {
        const struct acd_ynode *to = c->cts[i].timeout_to;
        if (!to)
            continue;
        size_t t = lookup(ix, n_ix, to->s);
        if (t == SIZE_MAX) {
            if (!c->ct_names_ok)
                continue;
            const char **names = ct_names(sc, 1);
            names[sc->n_call_types] = "voicemail";
            const char *near = suggest(to->s, names, sc->n_call_types + 1);
            if (near) {
                err(c, to, "unknown queue_timeout target '%s' (did you mean '%s'?)", show(to->s).s,
                    near);
            } else {
                char *list = join(names, sc->n_call_types);
                err(c, to,
                    "unknown queue_timeout target '%s' (expected voicemail or a call type: %s)",
                    show(to->s).s, list);
                free(list);
            }
            free(names);
        } else if (t == i) {
            err(c, to,
                "queue_timeout cannot send call type '%s' back to its own queue (name another "
                "call type, or voicemail)",
                show(to->s).s);
        } else {
            sc->call_types[i].has_timeout_to = true;
            sc->call_types[i].timeout_to = t;
        }
    }
}

/* Escalation from tier t is a transfer into the queue of tier t + 1: some
 * group of tier t + 1 or above must take the call type. */
static void
check_escalation(struct ctx *c)
{
    struct acd_scenario *sc = c->sc;
    unsigned *top = acd_xcalloc(sc->n_call_types, sizeof(*top)); /* highest tier serving it */
    for (size_t g = 0; g < sc->n_groups; g++)
        for (size_t i = 0; i < sc->groups[g].n_skills; i++) {
            size_t t = sc->groups[g].skills[i];
            if (sc->groups[g].tier > top[t])
                top[t] = sc->groups[g].tier;
        }
    for (size_t i = 0; i < sc->n_call_types; i++) {
        const struct acd_call_type *ct = &sc->call_types[i];
        if (!c->cts[i].res_ok)
            continue;
        for (size_t j = 0; j < ct->n_resolution; j++) {
            const struct acd_resolution *r = &ct->resolution[j];
            if (r->p_escalate > 0 && top[i] < r->tier + 1)
                err_at(c, c->cts[i].res_pos[j].line, c->cts[i].res_pos[j].col,
                       "escalation from tier %u needs a group of tier %u or above with skill "
                       "'%s'",
                       r->tier, r->tier + 1, show(ct->name).s);
        }
    }
    free(top);
}

static void
cross_check(struct ctx *c)
{
    struct acd_scenario *sc = c->sc;
    size_t n;
    if (c->groups_listed) {
        struct name_ix *v = name_index(sc->groups, sc->n_groups, sizeof(*sc->groups),
                                       offsetof(struct acd_agent_group, name), &n);
        check_duplicates(c, v, n, "agent group", group_pos);
        free(v);
        for (size_t g = 0; g < sc->n_groups; g++)
            if (sc->groups[g].tier > sc->max_tier)
                sc->max_tier = sc->groups[g].tier;
    }
    if (!c->ct_listed)
        return;
    struct name_ix *ix = name_index(sc->call_types, sc->n_call_types, sizeof(*sc->call_types),
                                    offsetof(struct acd_call_type, name), &n);
    c->ct_dups = check_duplicates(c, ix, n, "call type", ct_pos);
    resolve_timeouts(c, ix, n);
    if (c->groups_listed) {
        bool *group_ok = acd_xcalloc(sc->n_groups, sizeof(*group_ok));
        bool skills_ok = resolve_skills(c, ix, n, group_ok);
        resolve_overrides(c, ix, n, group_ok);
        if (skills_ok && c->tiers_ok)
            check_escalation(c);
        free(group_ok);
    }
    free(ix);
}

/* ------------------------------------------------------------- driver */

/* The file name without directory and extension, as the default name. */
static char *
default_name(const char *file)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t n = strlen(base);
    const char *dot = strrchr(base, '.');
    if (dot && dot != base)
        n = (size_t)(dot - base);
    return acd_xstrndup(base, n);
}

static struct acd_scenario *
new_scenario(const char *file)
{
    struct acd_scenario *sc = acd_xcalloc(1, sizeof(*sc));
    sc->path = acd_xstrdup(file);
    sc->seed = 1;
    sc->replications = 10;
    sc->horizon = ACD_HORIZON_STEADY;
    sc->sl_threshold_s = 20;
    sc->sl_target = 0.80;
    sc->max_abandon = ACD_NAN;
    sc->max_asa_s = ACD_NAN;
    sc->max_occupancy = ACD_NAN;
    sc->queue_capacity = ACD_UNLIMITED;
    sc->queue_lines = ACD_UNLIMITED;
    sc->routing = acd_xstrdup("longest_idle");
    return sc;
}

static void
free_states(struct ctx *c, size_t n_cts, size_t n_gps)
{
    for (size_t i = 0; c->cts && i < n_cts; i++) {
        free(c->cts[i].res_pos);
        free(c->cts[i].aht);
    }
    for (size_t i = 0; c->gps && i < n_gps; i++) {
        free(c->gps[i].skill_names);
        free(c->gps[i].skill_levels);
        free(c->gps[i].handle_keys);
        free(c->gps[i].wrap_keys);
    }
    free(c->cts);
    free(c->gps);
    c->cts = NULL;
    c->gps = NULL;
}

static struct acd_scenario *
parse(struct ctx *c, const char *text, size_t len)
{
    if (len > ACD_SCN_MAX_BYTES) {
        err_at(c, 1, 1, "scenario file is too large (more than %d MB)",
               ACD_SCN_MAX_BYTES / (1024 * 1024));
        return NULL;
    }
    struct acd_ytree t;
    memset(&t, 0, sizeof(t));
    struct acd_yerror ye;
    if (acd_ytree_build(&t, text, len, &ye) != 0) {
        err_at(c, ye.line, ye.col, "%s", ye.msg);
        free(ye.msg);
        return NULL;
    }
    struct acd_scenario *sc = NULL;
    const struct acd_ynode *root = t.root;
    if (!root || (root->kind == ACD_Y_SCALAR && root->is_null)) {
        err_at(c, 1, 1, "empty scenario (expected a mapping with call_types and agent_groups)");
        goto done;
    }
    if (root->kind != ACD_Y_MAP) {
        err(c, root, "a scenario must be a mapping with call_types and agent_groups (found %s)",
            found(root).s);
        goto done;
    }
    sc = c->sc = new_scenario(c->file);
    for (size_t i = 0; i + 1 < root->n; i += 2) {
        const struct acd_ynode *k = root->kids[i];
        if (k->kind == ACD_Y_SCALAR && !k->is_null && strcmp(k->s, "horizon") == 0) {
            parse_horizon(c, k, root->kids[i + 1]);
            break;
        }
    }
    walk_map(c, root, "scenario", top_keys, ACD_ARRAY_LEN(top_keys), sc, NULL);
    cross_check(c);
    if (!sc->name)
        sc->name = default_name(c->file);
    free_states(c, sc->n_call_types, sc->n_groups);
done:
    acd_ytree_free(&t);
    if (sc && c->d.n_errors > 0) {
        acd_scenario_free(sc);
        sc = NULL;
    }
    c->sc = NULL;
    return sc;
}

static bool
same_diag(const struct acd_diag *a, const struct acd_diag *b)
{
    return a->line == b->line && a->col == b->col && strcmp(a->file, b->file) == 0 &&
           strcmp(a->msg, b->msg) == 0;
}

/* Move the local diagnostics to the caller's list in scenario order. A
 * value shared through an alias is checked once per use: its diagnostics
 * are given once. */
static void
flush_diags(struct ctx *c, struct acd_diags *out)
{
    size_t n = c->d.n;
    size_t *order = acd_xcalloc(n ? n : 1, sizeof(*order));
    for (size_t i = 0; i < n; i++) {
        /* Insertion sort: stable, and the list is at most ~50 long. */
        size_t j = i;
        struct sortkey k = c->keys[i];
        while (j > 0) {
            struct sortkey p = c->keys[order[j - 1]];
            if (p.line < k.line || (p.line == k.line && p.col <= k.col))
                break;
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    for (size_t i = 0; i < n; i++) {
        const struct acd_diag *x = &c->d.v[order[i]];
        bool dup = false;
        for (size_t j = i; j-- > 0 && !dup;) {
            struct sortkey a = c->keys[order[j]], b = c->keys[order[i]];
            if (a.line != b.line || a.col != b.col)
                break;
            dup = same_diag(&c->d.v[order[j]], x);
        }
        if (!dup)
            acd_diags_add(out, x->level, x->file, x->line, x->col, "%s", x->msg);
    }
    free(order);
}

static int
load(const char *name, const char *base_dir, const char *text, size_t len,
     struct acd_scenario **out, struct acd_diags *diags)
{
    ACD_ASSERT(out && diags);
    struct ctx c;
    memset(&c, 0, sizeof(c));
    c.file = name;
    c.base_dir = base_dir;
    acd_diags_init(&c.d);
    *out = parse(&c, text, len);
    flush_diags(&c, diags);
    acd_diags_fini(&c.d);
    free(c.keys);
    return *out ? 0 : -1;
}

int
acd_scenario_load_string(const char *name, const char *base_dir, const char *text, size_t len,
                         struct acd_scenario **out, struct acd_diags *diags)
{
    return load(name ? name : "<string>", base_dir, text ? text : "", text ? len : 0, out, diags);
}

static void
open_error(const char *path, const char *what, int e, struct acd_diags *diags)
{
    acd_diags_error(diags, path, 1, 1, "cannot %s scenario: %s", what, strerror(e));
}

int
acd_scenario_load_file(const char *path, struct acd_scenario **out, struct acd_diags *diags)
{
    ACD_ASSERT(path && out && diags);
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        open_error(path, "open", errno, diags);
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        open_error(path, "open", errno, diags);
        close(fd);
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        open_error(path, "open", EISDIR, diags);
        close(fd);
        return -1;
    }
    /* Read at most one byte past the limit, whatever st_size says (pipes
     * and /proc files report 0), so a huge file is refused, not read. */
    size_t cap = S_ISREG(st.st_mode) && st.st_size > 0 && st.st_size <= ACD_SCN_MAX_BYTES
                     ? (size_t)st.st_size + 1
                     : 4096;
    size_t len = 0;
    char *buf = acd_xmalloc(cap);
    for (;;) {
        if (len == cap) {
            if (cap > ACD_SCN_MAX_BYTES)
                break;
            cap = cap * 2 > (size_t)ACD_SCN_MAX_BYTES + 1 ? (size_t)ACD_SCN_MAX_BYTES + 1 : cap * 2;
            buf = acd_xrealloc(buf, cap);
        }
        ssize_t r = read(fd, buf + len, cap - len);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            open_error(path, "read", errno, diags);
            free(buf);
            close(fd);
            return -1;
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    close(fd);

    const char *slash = strrchr(path, '/');
    char *dir = !slash          ? acd_xstrdup(".")
                : slash == path ? acd_xstrdup("/")
                                : acd_xstrndup(path, (size_t)(slash - path));
    int rc = load(path, dir, buf, len, out, diags);
    free(dir);
    free(buf);
    return rc;
}

static void
free_dists(struct acd_dist *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        acd_dist_fini(&v[i]);
    free(v);
}

static void
free_type_dists(struct acd_type_dist *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        acd_dist_fini(&v[i].dist);
    free(v);
}

void
acd_scenario_free(struct acd_scenario *sc)
{
    if (!sc)
        return;
    for (size_t i = 0; i < sc->n_call_types; i++) {
        struct acd_call_type *ct = &sc->call_types[i];
        free(ct->name);
        free(ct->calls_per_interval);
        acd_dist_fini(&ct->handle);
        free_dists(ct->handle_by_interval, sc->n_intervals);
        acd_dist_fini(&ct->patience);
        free_dists(ct->patience_by_interval, sc->n_intervals);
        acd_dist_fini(&ct->retry_busy.delay);
        acd_dist_fini(&ct->retry_abandon.delay);
        for (size_t j = 0; j < ct->n_resolution; j++)
            acd_dist_fini(&ct->resolution[j].handle);
        free(ct->resolution);
        acd_dist_fini(&ct->repeat_delay);
    }
    for (size_t i = 0; i < sc->n_groups; i++) {
        struct acd_agent_group *g = &sc->groups[i];
        free(g->name);
        free(g->skills);
        free(g->skill_lv);
        free(g->agents_by_interval);
        for (size_t j = 0; j < g->n_shifts; j++)
            free(g->shifts[j].breaks);
        free(g->shifts);
        free_type_dists(g->handle, g->n_handle);
        acd_dist_fini(&g->wrap_up);
        free_type_dists(g->wrap_by_type, g->n_wrap_by_type);
    }
    free(sc->call_types);
    free(sc->groups);
    free(sc->name);
    free(sc->path);
    free(sc->routing);
    free(sc);
}

size_t
acd_scenario_find_call_type(const struct acd_scenario *sc, const char *name)
{
    for (size_t i = 0; i < sc->n_call_types; i++)
        if (strcmp(sc->call_types[i].name, name) == 0)
            return i;
    return SIZE_MAX;
}

size_t
acd_scenario_find_group(const struct acd_scenario *sc, const char *name)
{
    for (size_t i = 0; i < sc->n_groups; i++)
        if (strcmp(sc->groups[i].name, name) == 0)
            return i;
    return SIZE_MAX;
}
