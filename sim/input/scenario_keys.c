/*
 * scenario_keys: the generic half of the scenario parser's walk. A mapping
 * is checked against a table of key descriptors (acd_scn_walk_map): unknown,
 * duplicate, missing and day-only keys are reported here, and generic
 * values (durations, clock times, rates, numbers, fractions, integers;
 * distributions through scenario_dist.c) are read into the walked object.
 * Also the value getters that per-key functions use, and "did you mean"
 * for unknown names.
 *
 * It is not where any part of the schema lives (the key tables are with
 * their sections in the other scenario_*.c files), and it reads no files
 * itself.
 */
#include "scenario_int.h"
#include "units.h"
#include "util.h"
#include "yamltree.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------- value helpers */

static const char EXP_DURATION[] = "a duration like 90s, 4m or 2h";
static const char EXP_RATE[] = "a rate like 2/s, 120/min or 7200/h";
static const char EXP_UINT[] = "a non-negative integer";
static const char EXP_INT[] = "an integer";
const char acd_scn_exp_number[] = "a number"; /* a distribution's `k` too */
static const char EXP_CLOCK[] = "a clock time like \"07:30\" (from 00:00 to 48:00)";

/* A missing value has no useful position of its own: point at its key. */
const struct acd_ynode *
acd_scn_where(const struct acd_ynode *k, const struct acd_ynode *v)
{
    return v->kind == ACD_Y_SCALAR && v->is_null ? k : v;
}

/* The text of scalar `v`, or NULL after reporting that `k` must be `expect`. */
static const char *
scalar(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v, const char *expect)
{
    if (v->kind != ACD_Y_SCALAR || v->is_null) {
        acd_scn_err(c, acd_scn_where(k, v), "'%s' must be %s (found %s)", k->s, expect,
                    acd_ytree_found(v).s);
        return NULL;
    }
    if (strlen(v->s) != v->len) {
        acd_scn_err(c, v, "'%s' contains a NUL character", k->s);
        return NULL;
    }
    return v->s;
}

bool
acd_scn_expect_map(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v,
                   const char *expect)
{
    if (v->kind == ACD_Y_MAP)
        return true;
    acd_scn_err(c, acd_scn_where(k, v), "'%s' must be %s (found %s)", k->s, expect,
                acd_ytree_found(v).s);
    return false;
}

static bool
get_duration(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v, double *out_s)
{
    const char *s = scalar(c, k, v, EXP_DURATION);
    if (!s)
        return false;
    if (acd_units_parse_duration(s, out_s) != 0 || !isfinite(*out_s)) {
        acd_scn_err(c, v, "'%s' must be %s (found '%s')", k->s, EXP_DURATION, acd_ytree_show(s).s);
        return false;
    }
    return true;
}

bool
acd_scn_get_rate(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v, double *out)
{
    const char *s = scalar(c, k, v, EXP_RATE);
    if (!s)
        return false;
    if (acd_units_parse_rate(s, out) != 0 || !isfinite(*out)) {
        acd_scn_err(c, v, "'%s' must be %s (found '%s')", k->s, EXP_RATE, acd_ytree_show(s).s);
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
        acd_scn_err(c, v, "'%s' must be %s (found '%s')", k->s, EXP_CLOCK, acd_ytree_show(s).s);
        return false;
    }
    return true;
}

bool
acd_scn_get_real(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v,
                 const char *expect, double *out)
{
    const char *s = scalar(c, k, v, expect);
    if (!s)
        return false;
    if (acd_units_parse_real(s, out) != 0 || !isfinite(*out)) {
        acd_scn_err(c, v, "'%s' must be %s (found '%s')", k->s, expect, acd_ytree_show(s).s);
        return false;
    }
    return true;
}

static bool
all_digits(const char *s)
{
    return *s != '\0' && strspn(s, "0123456789") == strlen(s);
}

bool
acd_scn_get_uint(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v,
                 unsigned long long max, unsigned long long *out)
{
    const char *s = scalar(c, k, v, EXP_UINT);
    if (!s)
        return false;
    unsigned long long u;
    if (acd_units_parse_uint(s, &u) != 0) {
        /* All digits but unparseable: it overflowed. */
        if (all_digits(s))
            acd_scn_err(c, v, "'%s' must be at most %llu (found '%s')", k->s, max,
                        acd_ytree_show(s).s);
        else
            acd_scn_err(c, v, "'%s' must be %s (found '%s')", k->s, EXP_UINT, acd_ytree_show(s).s);
        return false;
    }
    if (u > max) {
        acd_scn_err(c, v, "'%s' must be at most %llu (found '%s')", k->s, max, acd_ytree_show(s).s);
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
        acd_scn_err(c, v, "'%s' must be %s (found '%s')", k->s, EXP_INT, acd_ytree_show(s).s);
        return false;
    }
    if (acd_units_parse_uint(digits, &u) != 0 || u > max) {
        acd_scn_err(c, v, "'%s' must be from -%llu to %llu (found '%s')", k->s, max, max,
                    acd_ytree_show(s).s);
        return false;
    }
    *out = neg ? -(int)u : (int)u;
    return true;
}

bool
acd_scn_check_positive(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v,
                       double x)
{
    if (x > 0)
        return true;
    acd_scn_err(c, v, "'%s' must be greater than 0 (found '%s')", k->s, acd_ytree_show(v->s).s);
    return false;
}

bool
acd_scn_check_nonneg(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v, double x)
{
    if (x >= 0)
        return true;
    acd_scn_err(c, v, "'%s' must not be negative (found '%s')", k->s, acd_ytree_show(v->s).s);
    return false;
}

/* A fraction, as a number or a percentage ("80%" is 0.8), from 0 to 1
 * (below_one: less than 1). A number that reads as a percentage written
 * without its sign (2 to 100: `target: 80`) gets the suggestion. */
bool
acd_scn_get_fraction(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v,
                     bool below_one, double *out)
{
    const char *expect = below_one ? "a fraction from 0 to less than 1, like 0.3 or 30%"
                                   : "a number between 0 and 1, like 0.8 or 80%";
    const char *s = scalar(c, k, v, expect);
    if (!s)
        return false;
    double x;
    if (acd_units_parse_fraction(s, &x) != 0 || !isfinite(x)) {
        acd_scn_err(c, v, "'%s' must be %s (found '%s')", k->s, expect, acd_ytree_show(s).s);
        return false;
    }
    if (x >= 0 && (below_one ? x < 1 : x <= 1)) {
        *out = x;
        return true;
    }
    const char *range = below_one ? "at least 0 and less than 1" : "between 0 and 1";
    bool pct = strchr(s, '%') != NULL;
    if (!pct && x >= 2 && x <= 100)
        acd_scn_err(c, v, "'%s' must be %s (found '%s'; did you mean %.10g or %s%%?)", k->s, range,
                    acd_ytree_show(s).s, x / 100, acd_ytree_show(s).s);
    else
        acd_scn_err(c, v, "'%s' must be %s (found '%s')", k->s, range, acd_ytree_show(s).s);
    return false;
}

static bool
get_fraction(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v, double *out)
{
    return acd_scn_get_fraction(c, k, v, false, out);
}

/* true or false (YAML 1.2 core schema spellings), or false after
 * reporting. */
static bool
get_bool(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v, bool *out)
{
    static const char *const yes[] = {"true", "True", "TRUE"}, *const no[] = {"false", "False",
                                                                              "FALSE"};
    const char *s = scalar(c, k, v, "true or false");
    if (!s)
        return false;
    for (size_t i = 0; i < ACD_ARRAY_LEN(yes); i++) {
        if (strcmp(s, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcmp(s, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    acd_scn_err(c, v, "'%s' must be true or false (found '%s')", k->s, acd_ytree_show(s).s);
    return false;
}

/* A non-empty name, or NULL after reporting. */
const char *
acd_scn_get_name(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v)
{
    const char *s = scalar(c, k, v, "a name");
    if (s && !*s) {
        acd_scn_err(c, v, "'%s' must not be empty", k->s);
        return NULL;
    }
    return s;
}

/* Whether node a comes after node b in the file. */
bool
acd_scn_is_after(const struct acd_ynode *a, const struct acd_ynode *b)
{
    return a->line > b->line || (a->line == b->line && a->col > b->col);
}

/* ----------------------------------------------------- did you mean */

void
acd_scn_lower(char *dst, const char *src, size_t n)
{
    size_t i = 0;
    for (; i + 1 < n && src[i]; i++)
        dst[i] = src[i] >= 'A' && src[i] <= 'Z' ? (char)(src[i] - 'A' + 'a') : src[i];
    dst[i] = '\0';
}

/* The candidate `word` was most likely meant to be: edit distance <= 2 (and
 * less than the candidate's length, so `x` is not taken for `k`), or one is
 * a prefix of the other. NULL if none is close. */
const char *
acd_scn_suggest(const char *word, const char *const *cands, size_t n)
{
    char w[72], cand[72];
    if (strlen(word) > 64)
        return NULL;
    acd_scn_lower(w, word, sizeof(w));
    const char *best = NULL;
    size_t best_d = SIZE_MAX, lw = strlen(w);
    for (size_t i = 0; i < n; i++) {
        if (strlen(cands[i]) > 64)
            continue;
        acd_scn_lower(cand, cands[i], sizeof(cand));
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
char *
acd_scn_join(const char *const *names, size_t n)
{
    size_t cap = 1;
    size_t shown_n = n > 16 ? 16 : n;
    for (size_t i = 0; i < shown_n; i++)
        cap += strlen(acd_ytree_show(names[i]).s) + 2;
    cap += 8;
    char *s = acd_xmalloc(cap);
    s[0] = '\0';
    for (size_t i = 0; i < shown_n; i++) {
        if (i)
            strcat(s, ", ");
        strcat(s, acd_ytree_show(names[i]).s);
    }
    if (shown_n < n)
        strcat(s, ", ...");
    return s;
}

/* "unknown WHAT 'x' (did you mean 'y'?)" or "(LISTED: a, b, c)". */
void
acd_scn_unknown_name(struct ctx *c, const struct acd_ynode *at, const char *what,
                     const char *listed, const char *const *names, size_t n)
{
    const char *near = acd_scn_suggest(at->s, names, n);
    if (near) {
        acd_scn_err(c, at, "unknown %s '%s' (did you mean '%s'?)", what, acd_ytree_show(at->s).s,
                    near);
    } else {
        char *list = acd_scn_join(names, n);
        acd_scn_err(c, at, "unknown %s '%s' (%s: %s)", what, acd_ytree_show(at->s).s, listed, list);
        free(list);
    }
}

/* ------------------------------------------------- mappings by table */

/* Whether key j was given with a valid value. */
bool
acd_scn_is_ok(const struct seen *s, unsigned j)
{
    return (s->keys & ~s->bad) & (1u << j);
}

bool
acd_scn_get_clock(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v, double *out)
{
    return get_clock(c, k, v, out);
}

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
        ok = get_duration(c, k, v, &x) && acd_scn_check_nonneg(c, k, v, x);
        break;
    case V_DURATION_POS:
        ok = get_duration(c, k, v, &x) && acd_scn_check_positive(c, k, v, x);
        break;
    case V_CLOCK:
        ok = get_clock(c, k, v, &x);
        break;
    case V_NUMBER:
        ok = acd_scn_get_real(c, k, v, acd_scn_exp_number, &x) && acd_scn_check_nonneg(c, k, v, x);
        break;
    case V_RATE:
        ok = acd_scn_get_rate(c, k, v, &x) && acd_scn_check_nonneg(c, k, v, x);
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
        ok = acd_scn_get_uint(c, k, v, kd->max, &u);
        if (ok && kd->kind == V_UINT1 && u < 1) {
            acd_scn_err(c, v, "'%s' must be at least 1 (found '%s')", k->s, acd_ytree_show(v->s).s);
            ok = false;
        }
        if (ok)
            *(unsigned *)(void *)at = (unsigned)u;
        break;
    case V_DIST:
        ok = acd_scn_parse_dist(c, k, v, (struct acd_dist *)(void *)at);
        break;
    case V_BOOL:
        ok = get_bool(c, k, v, (bool *)(void *)at);
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
    const char *near = acd_scn_suggest(k->s, names, n);
    if (near) {
        acd_scn_err(c, k, "unknown key '%s' in %s (did you mean '%s'?)", acd_ytree_show(k->s).s,
                    what, near);
    } else {
        char *list = acd_scn_join(names, n);
        acd_scn_err(c, k, "unknown key '%s' in %s (expected one of: %s)", acd_ytree_show(k->s).s,
                    what, list);
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
void
acd_scn_walk_map(struct ctx *c, const struct acd_ynode *map, const char *what,
                 const struct key_desc *keys, size_t n_keys, void *obj, struct seen *out)
{
    ACD_ASSERT(map->kind == ACD_Y_MAP && n_keys <= MAX_KEYS);
    struct seen s;
    memset(&s, 0, sizeof(s));
    if (!acd_scn_visit(c, map, map->n / 2 + 1)) {
        s.meant = ~0u; /* nothing is "missing" */
        if (out)
            *out = s;
        return;
    }
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const struct acd_ynode *k = map->kids[i], *v = map->kids[i + 1];
        if (k->kind != ACD_Y_SCALAR) {
            acd_scn_err(c, k, "keys in %s must be plain names (found %s)", what,
                        acd_ytree_found(k).s);
            continue;
        }
        if (k->is_null) {
            acd_scn_err(c, k, "empty key in %s", what);
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
            acd_scn_err(c, k, "duplicate key '%s' in %s (first given at line %u)", keys[j].name,
                        what, s.key[j]->line);
            continue;
        }
        s.key[j] = k;
        s.val[j] = v;
        s.keys |= 1u << j;
        size_t before = c->n_errors;
        if ((keys[j].flags & KEY_DAY) && c->mode == MODE_STEADY)
            acd_scn_err(
                c, k,
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
            acd_scn_err(c, map, "%s is missing '%s'", what, keys[j].name);
    if (out)
        *out = s;
}

/* The first key given among `bits` (in file order). */
const struct acd_ynode *
acd_scn_first_key(const struct seen *s, unsigned bits)
{
    const struct acd_ynode *best = NULL;
    for (unsigned j = 0; j < MAX_KEYS; j++)
        if ((s->keys & bits & BIT(j)) && (!best || acd_scn_is_after(best, s->key[j])))
            best = s->key[j];
    return best;
}
