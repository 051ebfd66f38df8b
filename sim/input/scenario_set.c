/*
 * scenario_set: `--set PATH=VALUE` as edits of the scenario's text (see
 * scenario_set.h).
 *
 * The changes are applied one after the other, each to the text the
 * previous one left (scenario_patch.c's edits), so a later --set sees the
 * earlier ones. Each step records where its edits went; a diagnostic of
 * the final parse is walked back through the steps: inside the text a
 * --set wrote, it moves onto that option (the key or the value it came
 * from), elsewhere to its place in the original file.
 *
 * Not here: what the keys mean (the parser checks the edited text).
 */
#include "scenario_set.h"
#include "acdsim/scenario_load.h"
#include "scenario_int.h"
#include "scenario_patch.h"
#include "units.h"
#include "util.h"
#include "yamltree.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_SEGS = 32 };

/* Text a --set wrote: bytes [off, off + len) of its edit's own text came
 * from the option's characters col to col + n - 1. */
struct part {
    size_t off, len;
    unsigned col, n;
};

struct step {
    unsigned k; /* the option, from 1 */
    struct acd_ypatch_placed *placed;
    size_t n_placed; /* 0: the option changed nothing (it was refused) */
    struct part parts[MAX_SEGS + 1];
    size_t n_parts;
};

/* Column (characters, from 1) of byte b of s. */
static unsigned
col_of(const char *s, size_t b)
{
    unsigned col = 1;
    for (size_t i = 0; i < b && s[i]; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            col++;
    return col;
}

/* Characters in s[0..n). */
static unsigned
chars(const char *s, size_t n)
{
    return col_of(s, n) - 1;
}

__attribute__((format(printf, 4, 5))) static void
opt_err(struct acd_diags *d, unsigned k, unsigned col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = NULL;
    size_t len = 0;
    FILE *f = acd_xmemstream_open(&msg, &len);
    vfprintf(f, fmt, ap);
    acd_xmemstream_close(f);
    va_end(ap);
    acd_diags_error(d, ACD_SET_NAME, k, col, "%s", msg);
    free(msg);
}

/* ------------------------------------------------------ agent windows */

/* `+N@FROM-TO`, `-N@...` or `=N@...`: *op, *n and the window; false if
 * the value has another form (then it is YAML like any value). */
static bool
is_window(const char *v, char *op, unsigned long long *n, double *from_s, double *to_s)
{
    if (!strchr("+-=", v[0]) || !v[0])
        return false;
    const char *at = strchr(v, '@');
    if (!at)
        return false;
    char num[32], a[32], b[32];
    size_t ln = (size_t)(at - v - 1);
    const char *dash = strchr(at + 1, '-');
    if (ln == 0 || ln >= sizeof(num) || !dash || (size_t)(dash - at - 1) >= sizeof(a) ||
        strlen(dash + 1) >= sizeof(b))
        return false;
    memcpy(num, v + 1, ln);
    num[ln] = '\0';
    memcpy(a, at + 1, (size_t)(dash - at - 1));
    a[dash - at - 1] = '\0';
    strcpy(b, dash + 1);
    if (acd_units_parse_uint(num, n) != 0 || acd_units_parse_clock(a, from_s) != 0 ||
        acd_units_parse_clock(b, to_s) != 0)
        return false;
    *op = v[0];
    return true;
}

/* The group's per-interval agents with the window change, as a flow list
 * (caller frees); NULL after an error on the option. */
static char *
window_list(const char *name, const char *base_dir, const char *text, size_t len, const char *group,
            const char *value, unsigned k, unsigned vcol, struct acd_diags *diags)
{
    char op;
    unsigned long long n;
    double from_s, to_s;
    if (!is_window(value, &op, &n, &from_s, &to_s)) {
        opt_err(diags, k, vcol,
                "expected a change like +2@09:00-11:00, -1@12:00-13:00 or =12@09:00-10:00, "
                "got '%s'",
                acd_ytree_show(value).s);
        return NULL;
    }
    struct acd_diags tmp;
    acd_diags_init(&tmp);
    struct acd_scenario *sc = NULL;
    acd_scenario_load_string(name, base_dir, text, len, &sc, &tmp);
    bool bad = !sc || acd_diags_has_errors(&tmp);
    acd_diags_fini(&tmp);
    char *out = NULL;
    if (bad) {
        opt_err(diags, k, vcol,
                "'%s' needs a valid scenario to change (its errors are reported without the "
                "change)",
                acd_ytree_show(value).s);
        goto done;
    }
    size_t g = acd_scenario_find_group(sc, group);
    if (g == SIZE_MAX)
        goto done; /* the walk found it by name: cannot happen but for odd names */
    const struct acd_agent_group *ag = &sc->groups[g];
    if (sc->horizon != ACD_HORIZON_DAY) {
        opt_err(diags, k, vcol,
                "a change for a time window needs an operating day (horizon: day); in a steady "
                "state set the agents: agent_groups.%s.agents=N",
                acd_ytree_show(group).s);
        goto done;
    }
    if (ag->n_shifts) {
        opt_err(diags, k, vcol,
                "agent group '%s' is staffed by shifts: a window change needs per-interval agents "
                "(agents: N or a list); add a shift for the window instead",
                acd_ytree_show(group).s);
        goto done;
    }
    double eps = 1e-6;
    char t0[24], t1[24], iv[24];
    if (!(to_s > from_s) || from_s < sc->open_s - eps || to_s > sc->close_s + eps) {
        opt_err(diags, k, vcol + (unsigned)(strchr(value, '@') - value) + 1,
                "the window must be inside the opening hours (%s to %s) and end after it starts",
                acd_units_format_clock(sc->open_s, t0, sizeof(t0)),
                acd_units_format_clock(sc->close_s, t1, sizeof(t1)));
        goto done;
    }
    double a = (from_s - sc->open_s) / sc->interval_s, b = (to_s - sc->open_s) / sc->interval_s;
    size_t ia = (size_t)(a + 0.5), ib = (size_t)(b + 0.5);
    if (a - (double)ia > eps || (double)ia - a > eps || b - (double)ib > eps ||
        (double)ib - b > eps) {
        opt_err(diags, k, vcol + (unsigned)(strchr(value, '@') - value) + 1,
                "the window must start and end on interval boundaries (intervals of %s from %s)",
                acd_units_format_duration(sc->interval_s, iv, sizeof(iv)),
                acd_units_format_clock(sc->open_s, t0, sizeof(t0)));
        goto done;
    }
    FILE *f = acd_xmemstream_open(&out, &(size_t){0});
    fputc('[', f);
    bool neg = false;
    for (size_t i = 0; i < sc->n_intervals; i++) {
        long long x = ag->agents_by_interval ? ag->agents_by_interval[i] : ag->agents;
        if (i >= ia && i < ib)
            x = op == '=' ? (long long)n : op == '+' ? x + (long long)n : x - (long long)n;
        if (x < 0) {
            neg = true;
            x = 0;
        }
        if (x > ACD_SCN_MAX_AGENTS)
            x = ACD_SCN_MAX_AGENTS + 1LL; /* the parser reports it */
        fprintf(f, "%s%lld", i ? ", " : "", x);
    }
    fputc(']', f);
    acd_xmemstream_close(f);
    if (neg) {
        opt_err(diags, k, vcol, "agent group '%s' has fewer than %llu agents in that window",
                acd_ytree_show(group).s, n);
        free(out);
        out = NULL;
    }
done:
    acd_scenario_free(sc);
    return out;
}

/* ----------------------------------------------------------- one --set */

static bool
is_key(const struct acd_ynode *n, const char *s)
{
    return n->kind == ACD_Y_SCALAR && strlen(n->s) == n->len && strcmp(n->s, s) == 0;
}

/* The entry of list l named seg (its `name`), or at index seg. */
static const struct acd_ynode *
find_item(const struct acd_ynode *l, const char *seg, bool *named)
{
    *named = false;
    for (size_t i = 0; i < l->n; i++) {
        const struct acd_ynode *m = l->kids[i];
        if (m->kind == ACD_Y_ALIAS)
            m = m->target;
        if (m->kind != ACD_Y_MAP)
            continue;
        size_t ni = acd_ypatch_find_key(m, "name");
        if (ni == SIZE_MAX)
            continue;
        *named = true;
        if (is_key(m->kids[ni + 1], seg))
            return l->kids[i];
    }
    unsigned long long ix;
    if (acd_units_parse_uint(seg, &ix) == 0 && strspn(seg, "0123456789") == strlen(seg) &&
        ix < l->n)
        return l->kids[ix];
    return NULL;
}

static void
unknown_item(struct acd_diags *d, unsigned k, unsigned col, const struct acd_ynode *l,
             const char *seg, const char *list)
{
    const char *names[256];
    size_t n = 0;
    for (size_t i = 0; i < l->n && n < ACD_ARRAY_LEN(names); i++) {
        const struct acd_ynode *m = l->kids[i];
        if (m->kind == ACD_Y_ALIAS)
            m = m->target;
        size_t ni = m->kind == ACD_Y_MAP ? acd_ypatch_find_key(m, "name") : SIZE_MAX;
        if (ni != SIZE_MAX && m->kids[ni + 1]->kind == ACD_Y_SCALAR)
            names[n++] = m->kids[ni + 1]->s;
    }
    const char *near = acd_scn_suggest(seg, names, n);
    if (near) {
        opt_err(d, k, col, "no entry named '%s' in %s (did you mean '%s'?)", acd_ytree_show(seg).s,
                list, near);
    } else if (n) {
        char *all = acd_scn_join(names, n);
        opt_err(d, k, col, "no entry named '%s' in %s (named: %s)", acd_ytree_show(seg).s, list,
                all);
        free(all);
    } else {
        opt_err(d, k, col, "no entry %s in %s (it has %zu; entries count from 0)",
                acd_ytree_show(seg).s, list, l->n);
    }
}

/* VALUE as inserted: a plain scalar that would mean something else inside
 * a flow collection is quoted. Returns false after an error. */
static bool
value_text(const char *value, unsigned k, unsigned vcol, char **out, size_t *skip,
           struct acd_diags *d)
{
    *out = NULL;
    *skip = 0;
    if (!*value) {
        opt_err(d, k, vcol, "expected a value after '='");
        return false;
    }
    if (strpbrk(value, "\r\n")) {
        opt_err(d, k, vcol, "the value must be one line (a scalar, [a list] or {a: mapping})");
        return false;
    }
    struct acd_ytree t;
    struct acd_yerror e = {0};
    memset(&t, 0, sizeof(t));
    if (acd_ytree_build(&t, value, strlen(value), 0, &e) != 0) {
        opt_err(d, k, vcol + (e.col > 0 ? e.col - 1 : 0), "not a YAML value: %s", e.msg);
        free(e.msg);
        return false;
    }
    const struct acd_ynode *r = t.root;
    bool ok = r && (r->kind == ACD_Y_SCALAR || r->flow);
    bool quote = ok && r->kind == ACD_Y_SCALAR && r->plain && strpbrk(value, ",[]{}");
    acd_ytree_free(&t);
    if (!ok) {
        opt_err(d, k, vcol, "the value must be a scalar, [a list] or {a: mapping}");
        return false;
    }
    if (quote) {
        FILE *f = acd_xmemstream_open(out, &(size_t){0});
        fputc('"', f);
        for (const char *c = value; *c; c++) {
            if (*c == '"' || *c == '\\')
                fputc('\\', f);
            fputc(*c, f);
        }
        fputc('"', f);
        acd_xmemstream_close(f);
        *skip = 1;
    } else {
        *out = acd_xstrdup(value);
    }
    return true;
}

/* Apply set k (from 1) to text: true with the new text in *next and
 * where it went in *st, false after errors (on the option). */
static bool
apply_one(const char *name, const char *base_dir, const char *text, size_t len, const char *set,
          unsigned k, char **next, size_t *next_len, struct step *st, struct acd_diags *diags)
{
    st->k = k;
    const char *eq = strchr(set, '=');
    if (!eq || eq == set) {
        opt_err(diags, k, 1,
                "expected PATH=VALUE (like call_types.billing.arrivals.scale=1.15), got '%s'",
                acd_ytree_show(set).s);
        return false;
    }
    const char *value = eq + 1;
    unsigned vcol = col_of(set, (size_t)(value - set));
    /* The path's keys. */
    char *path = acd_xstrndup(set, (size_t)(eq - set));
    char *seg[MAX_SEGS];
    unsigned scol[MAX_SEGS];
    size_t n = 0;
    bool ok = true;
    for (char *s = path, *dot;; s = dot + 1) {
        dot = strchr(s, '.');
        if (dot)
            *dot = '\0';
        if (!*s || n == MAX_SEGS) {
            opt_err(diags, k, col_of(set, (size_t)(s - path)),
                    n == MAX_SEGS ? "the path has more than %d keys" : "empty key in the path%.0d",
                    MAX_SEGS);
            ok = false;
            break;
        }
        scol[n] = col_of(set, (size_t)(s - path));
        seg[n++] = s;
        if (!dot)
            break;
    }
    char *val = NULL;
    size_t skip = 0;
    bool window = ok && n == 3 && strcmp(seg[0], "agent_groups") == 0 &&
                  strcmp(seg[2], "agents") == 0 && strchr("+-=", value[0]) && value[0] &&
                  strchr(value, '@');
    if (ok && window) {
        val = window_list(name, base_dir, text, len, seg[1], value, k, vcol, diags);
        ok = val != NULL;
    } else if (ok) {
        ok = value_text(value, k, vcol, &val, &skip, diags);
    }
    struct acd_ypatch *p = ok ? acd_ypatch_open(text, len, name, diags) : NULL;
    ok = ok && p;
    const struct acd_ynode *node = p ? acd_ypatch_root(p) : NULL, *parent = NULL;
    size_t pi = SIZE_MAX; /* node is parent's value at pair pi, or an item (SIZE_MAX) */
    size_t vlen = strlen(value);
    for (size_t i = 0; ok && i <= n; i++) {
        const char *shown = i ? seg[i - 1] : "";
        if (node->kind == ACD_Y_ALIAS && i < n) {
            opt_err(diags, k, scol[i - 1],
                    "'%s' is an alias (*%s) of a value used elsewhere too: --set cannot change "
                    "one use of it; edit the file",
                    acd_ytree_show(shown).s, acd_ytree_show(node->s).s);
            ok = false;
            break;
        }
        if (i == n) {
            /* The value to replace. */
            if (pi != SIZE_MAX)
                acd_ypatch_replace_value(p, parent, pi, val);
            else
                acd_ypatch_replace_node(p, node, val);
            st->parts[st->n_parts++] = (struct part){0, strlen(val), vcol, chars(value, vlen)};
            break;
        }
        if (node->kind == ACD_Y_MAP) {
            size_t j = acd_ypatch_find_key(node, seg[i]);
            if (j != SIZE_MAX) {
                parent = node;
                pi = j;
                node = node->kids[j + 1];
                continue;
            }
            /* Add `seg[i]: {seg[i+1]: ... VALUE}`. */
            char *pair = NULL;
            size_t plen = 0;
            FILE *f = acd_xmemstream_open(&pair, &plen);
            for (size_t j2 = i; j2 < n; j2++) {
                fflush(f);
                st->parts[st->n_parts++] =
                    (struct part){plen, strlen(seg[j2]), scol[j2], chars(seg[j2], strlen(seg[j2]))};
                fprintf(f, "%s: %s", seg[j2], j2 + 1 < n ? "{" : "");
            }
            fflush(f);
            st->parts[st->n_parts++] = (struct part){plen, strlen(val), vcol, chars(value, vlen)};
            fputs(val, f);
            for (size_t j2 = i + 1; j2 < n; j2++)
                fputc('}', f);
            acd_xmemstream_close(f);
            acd_ypatch_insert_pair(p, node, pair);
            free(pair);
            break;
        }
        if (node->kind == ACD_Y_SEQ) {
            bool named;
            const struct acd_ynode *item = find_item(node, seg[i], &named);
            if (!item) {
                char *list = acd_xasprintf("'%s'", i ? seg[i - 1] : "the scenario");
                unknown_item(diags, k, scol[i], node, seg[i], list);
                free(list);
                ok = false;
                break;
            }
            parent = node;
            pi = SIZE_MAX;
            node = item;
            continue;
        }
        opt_err(diags, k, scol[i ? i - 1 : 0],
                "'%s' is a value (found %s), not a mapping or list: set '%s' as a whole "
                "(e.g. %s={...})",
                acd_ytree_show(shown).s, acd_ytree_found(node).s, acd_ytree_show(shown).s,
                acd_ytree_show(shown).s);
        ok = false;
    }
    if (ok)
        ok = acd_ypatch_apply(p, next, next_len, &st->placed, &st->n_placed) == 0;
    if (skip)
        for (size_t i = 0; i < st->n_parts; i++)
            if (st->parts[i].col == vcol && st->parts[i].len == strlen(val))
                st->parts[i].off += skip, st->parts[i].len -= 2 * skip;
    acd_ypatch_close(p);
    free(val);
    free(path);
    return ok;
}

/* ------------------------------------------------------ all of them */

struct edited {
    char *text;
    size_t len;
    struct step *steps;
    size_t n_steps;
};

static void
edited_fini(struct edited *e)
{
    free(e->text);
    for (size_t i = 0; i < e->n_steps; i++)
        free(e->steps[i].placed);
    free(e->steps);
}

static int
edit_all(const char *name, const char *base_dir, const char *text, size_t len,
         const char *const *sets, size_t n, struct edited *e, struct acd_diags *diags)
{
    memset(e, 0, sizeof(*e));
    e->text = acd_xstrndup(text, len);
    e->len = len;
    e->steps = acd_xcalloc(n ? n : 1, sizeof(*e->steps));
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        char *next = NULL;
        size_t next_len = 0;
        struct step *st = &e->steps[e->n_steps++];
        if (!apply_one(name, base_dir, e->text, e->len, sets[i], (unsigned)(i + 1), &next,
                       &next_len, st, diags)) {
            ok = false;
            free(st->placed);
            st->placed = NULL;
            st->n_placed = 0;
            continue;
        }
        free(e->text);
        e->text = next;
        e->len = next_len;
    }
    return ok ? 0 : -1;
}

/* Byte offset of line:col (col in characters) in text. */
static size_t
offset_of(const char *t, size_t len, unsigned line, unsigned col)
{
    size_t o = 0;
    for (unsigned l = 1; l < line && o < len; o++)
        if (t[o] == '\n')
            l++;
    if (line <= 1 && len >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0)
        o = 3;
    for (unsigned c = 1; c < col && o < len && t[o] != '\n'; c++) {
        o++;
        while (o < len && ((unsigned char)t[o] & 0xC0) == 0x80)
            o++;
    }
    return o;
}

static void
line_col(const char *t, size_t len, size_t off, unsigned *line, unsigned *col)
{
    unsigned l = 1;
    size_t ls = 0;
    for (size_t i = 0; i < off && i < len; i++)
        if (t[i] == '\n') {
            l++;
            ls = i + 1;
        }
    if (l == 1 && len >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0 && off >= 3)
        ls = 3;
    *line = l;
    *col = col_of(t + ls, off - ls);
}

/* Move a diagnostic of the edited text to where it came from: an option
 * (true, *k and *col) or the original text's offset *off. */
static bool
trace_back(const struct edited *e, size_t *off, unsigned *k, unsigned *col)
{
    for (size_t s = e->n_steps; s-- > 0;) {
        const struct step *st = &e->steps[s];
        size_t o = *off, in = o;
        for (size_t i = 0; i < st->n_placed; i++) {
            const struct acd_ypatch_placed *pl = &st->placed[i];
            if (o < pl->out_start)
                break;
            if (o < pl->out_end || (pl->out_start == pl->out_end && o == pl->out_start)) {
                size_t rel = o - pl->out_start;
                if (pl->id == 0 && rel >= pl->pre) {
                    rel -= pl->pre;
                    for (size_t j = 0; j < st->n_parts; j++) {
                        const struct part *pt = &st->parts[j];
                        if (rel >= pt->off && rel < pt->off + pt->len) {
                            size_t r = rel - pt->off;
                            *k = st->k;
                            *col = pt->col + (unsigned)(r < pt->n ? r : pt->n ? pt->n - 1 : 0);
                            return true;
                        }
                    }
                    /* Between parts (the brace of an added mapping): the
                     * key before it. */
                    *k = st->k;
                    *col = 1;
                    for (size_t j = 0; j < st->n_parts; j++)
                        if (st->parts[j].off <= rel)
                            *col = st->parts[j].col;
                    return true;
                }
                in = pl->in_start;
                goto next;
            }
            in = o - pl->out_end + pl->in_end;
        }
    next:
        *off = in;
    }
    return false;
}

static void
relocate(const char *name, const char *orig, size_t orig_len, const struct edited *e,
         struct acd_diags *from, struct acd_diags *to)
{
    for (size_t i = 0; i < from->n; i++) {
        const struct acd_diag *x = &from->v[i];
        if (strcmp(x->file, name) != 0) {
            acd_diags_add(to, x->level, x->file, x->line, x->col, "%s", x->msg);
            continue;
        }
        size_t off = offset_of(e->text, e->len, x->line, x->col);
        unsigned k, col, line;
        if (trace_back(e, &off, &k, &col)) {
            acd_diags_add(to, x->level, ACD_SET_NAME, k, col, "%s", x->msg);
        } else {
            line_col(orig, orig_len, off, &line, &col);
            acd_diags_add(to, x->level, x->file, line, col, "%s", x->msg);
        }
    }
}

int
acd_scenario_set_text(const char *name, const char *base_dir, const char *text, size_t len,
                      const char *const *sets, size_t n, char **out, size_t *out_len,
                      struct acd_diags *diags)
{
    struct edited e;
    int rc = edit_all(name, base_dir, text, len, sets, n, &e, diags);
    *out = NULL;
    if (rc == 0) {
        *out = e.text;
        *out_len = e.len;
        e.text = NULL;
    }
    edited_fini(&e);
    return rc;
}

int
acd_scenario_load_set(const char *path, const char *const *sets, size_t n,
                      struct acd_scenario **out, struct acd_diags *diags)
{
    *out = NULL;
    if (n == 0)
        return path ? acd_scenario_load_file(path, out, diags)
                    : acd_scenario_load_string(ACD_DEFAULT_SCENARIO_NAME, NULL,
                                               acd_default_scenario_text, acd_default_scenario_len,
                                               out, diags);
    char *text = NULL, *dir = NULL;
    size_t len = 0;
    const char *name = path ? path : ACD_DEFAULT_SCENARIO_NAME;
    if (path) {
        if (acd_scn_read_file(path, &text, &len, &dir, diags) != 0)
            return -1;
    } else {
        text = acd_xstrndup(acd_default_scenario_text, acd_default_scenario_len);
        len = acd_default_scenario_len;
    }
    struct edited e;
    int rc = edit_all(name, dir, text, len, sets, n, &e, diags);
    if (rc == 0) {
        struct acd_diags tmp;
        acd_diags_init(&tmp);
        rc = acd_scenario_load_string(name, dir, e.text, e.len, out, &tmp);
        relocate(name, text, len, &e, &tmp, diags);
        acd_diags_fini(&tmp);
    }
    edited_fini(&e);
    free(text);
    free(dir);
    return rc;
}
