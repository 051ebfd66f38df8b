/*
 * scenario_patch: a scenario's text with a new staffing plan (see
 * scenario_patch.h).
 *
 * The text is parsed once into yamltree's tree (with alias nodes), whose
 * nodes keep their byte ranges; the changes become a list of edits
 * (start, end, replacement) that never overlap, applied back to front so
 * earlier offsets stay valid. A block collection's end mark is where the
 * next token starts (after blank lines and comments), so ranges use the
 * end of the last scalar inside (content_end) instead: what follows a
 * value - its comment, the blank lines - stays where it was.
 *
 * Not here: what the numbers mean (scenario*.c parses the result again).
 */
#include "scenario_patch.h"
#include "units.h"
#include "util.h"
#include "yamltree.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* A copied alias (an anchor inside a removed value) is at most this long:
 * nested aliases could otherwise expand without bound. */
#define MAX_COPY (1 << 20)

struct edit {
    size_t start, end;
    char *text; /* owned */
    size_t pre; /* bytes of text the patcher adds before the caller's (a blank, ", ") */
    size_t out; /* after apply: where text starts in the result */
};

struct acd_ypatch {
    const char *text;
    size_t len;
    const char *name;
    struct acd_diags *diags;
    struct acd_ytree tree;
    struct edit *edits;
    size_t n_edits, cap_edits;
    size_t n_primary; /* edits[0..n_primary): staffing and targets */
    char *result;     /* acd_ypatch_apply's text (owned until taken) */
};

static bool
is_collection(const struct acd_ynode *n)
{
    return n->kind == ACD_Y_SEQ || n->kind == ACD_Y_MAP;
}

/* The text as a tree (aliases as nodes of their own). Returns its root,
 * or NULL after a diagnostic (none for an empty document). */
static const struct acd_ynode *
build(struct acd_ypatch *p)
{
    struct acd_yerror e;
    if (acd_ytree_build(&p->tree, p->text, p->len, ACD_YTREE_ALIAS_NODES, &e) != 0) {
        acd_diags_error(p->diags, p->name, e.line, e.col, "cannot patch: %s", e.msg);
        free(e.msg);
        return NULL;
    }
    return p->tree.root;
}

/* ---------------------------------------------------------------- ranges */

static bool
is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Where a node's own text ends: a block collection at its last scalar,
 * any node before trailing blanks and line breaks (block scalars end
 * after theirs). */
static size_t
content_end(const struct acd_ypatch *p, const struct acd_ynode *n)
{
    while (is_collection(n) && !n->flow && n->n > 0)
        n = n->kids[n->n - 1]; /* an alias node ends the walk: no cycle */
    size_t e = n->end;
    while (e > n->start && is_space(p->text[e - 1]))
        e--;
    return e;
}

/* True if only blanks precede pos on its line; *ls = the line's start. */
static bool
starts_line(const struct acd_ypatch *p, size_t pos, size_t *ls)
{
    size_t s = pos;
    while (s > 0 && (p->text[s - 1] == ' ' || p->text[s - 1] == '\t'))
        s--;
    *ls = s;
    /* The first line starts after a byte-order mark. */
    return s == 0 || p->text[s - 1] == '\n' || (s == 3 && memcmp(p->text, "\xEF\xBB\xBF", 3) == 0);
}

/* After a comment that ends pos's line ("- {...}   # evening"): it was
 * about the last item of a block collection that goes; else pos. */
static size_t
past_comment(const struct acd_ypatch *p, size_t pos)
{
    size_t e = pos;
    while (e < p->len && (p->text[e] == ' ' || p->text[e] == '\t'))
        e++;
    if (e == pos || e >= p->len || p->text[e] != '#')
        return pos;
    const char *nl = memchr(p->text + e, '\n', p->len - e);
    size_t end = nl ? (size_t)(nl - p->text) : p->len;
    while (end > e && p->text[end - 1] == '\r')
        end--;
    return end;
}

/* Position of the line break ending the line that holds pos (or len). */
static size_t
line_end(const struct acd_ypatch *p, size_t pos)
{
    const char *nl = memchr(p->text + pos, '\n', p->len - pos);
    return nl ? (size_t)(nl - p->text) : p->len;
}

/* ----------------------------------------------------------------- edits */

static void
add_edit_pre(struct acd_ypatch *p, size_t start, size_t end, char *text, size_t pre)
{
    ACD_ASSERT(start <= end && end <= p->len);
    p->edits = acd_xgrow(p->edits, &p->cap_edits, p->n_edits + 1, sizeof(*p->edits));
    p->edits[p->n_edits++] = (struct edit){start, end, text, pre, 0};
}

static void
add_edit(struct acd_ypatch *p, size_t start, size_t end, char *text)
{
    add_edit_pre(p, start, end, text, 0);
}

/* True if [start, end) lies inside a primary edit that removes or
 * replaces text. */
static bool
inside_primary(const struct acd_ypatch *p, size_t start, size_t end)
{
    for (size_t i = 0; i < p->n_primary; i++) {
        const struct edit *e = &p->edits[i];
        if (e->start < e->end && e->start <= start && end <= e->end)
            return true;
    }
    return false;
}

/* True if [start, end) touches a primary edit's range (an insertion point
 * counts when strictly inside). */
static bool
in_primary(const struct acd_ypatch *p, size_t start, size_t end)
{
    for (size_t i = 0; i < p->n_primary; i++) {
        const struct edit *e = &p->edits[i];
        if (start < e->end && end > e->start)
            return true;
        if (e->start == e->end && e->start > start && e->start < end)
            return true;
    }
    return false;
}

static bool
is_key(const struct acd_ynode *k, const char *name)
{
    return k->kind == ACD_Y_SCALAR && strlen(k->s) == k->len && strcmp(k->s, name) == 0;
}

/* Index of the pair whose key is name in map m, or SIZE_MAX. */
static size_t
find_key(const struct acd_ynode *m, const char *name)
{
    for (size_t i = 0; i + 1 < m->n; i += 2)
        if (is_key(m->kids[i], name))
            return i;
    return SIZE_MAX;
}

/* Replace map m's value at pair i with `text`: a block collection from
 * just after the key's colon (so the new flow value sits on the key's
 * line), anything else over its own range. */
static void
replace_value(struct acd_ypatch *p, const struct acd_ynode *m, size_t i, const char *text)
{
    const struct acd_ynode *k = m->kids[i], *v = m->kids[i + 1];
    size_t start = v->start, end = content_end(p, v);
    if ((v->kind == ACD_Y_SEQ || v->kind == ACD_Y_MAP) && !v->flow) {
        const char *colon = memchr(p->text + k->end, ':', v->start - k->end);
        start = colon ? (size_t)(colon - p->text) + 1 : v->start;
        end = past_comment(p, end);
    }
    /* "key:" right before: the value needs its blank. */
    bool blank = start > 0 && p->text[start - 1] == ':';
    if (end < start) /* an empty value (null) */
        end = start;
    add_edit_pre(p, start, end, acd_xasprintf("%s%s", blank ? " " : "", text), blank);
}

/* Replace pair i of m (key and value) with `text` ("agents: [...]"). */
static void
replace_pair(struct acd_ypatch *p, const struct acd_ynode *m, size_t i, const char *text)
{
    const struct acd_ynode *v = m->kids[i + 1];
    size_t end = content_end(p, v);
    if ((v->kind == ACD_Y_SEQ || v->kind == ACD_Y_MAP) && !v->flow)
        end = past_comment(p, end);
    add_edit(p, m->kids[i]->start, end, acd_xstrdup(text));
}

/* Remove pair i of m (never its first pair in block style: the first key
 * may share its line with "- "). */
static void
remove_pair(struct acd_ypatch *p, const struct acd_ynode *m, size_t i)
{
    const struct acd_ynode *k = m->kids[i], *v = m->kids[i + 1];
    size_t start = k->start, end = content_end(p, v);
    if (m->flow) {
        /* With its separating comma: the one before, or after if first. */
        size_t s = start;
        while (s > m->start && is_space(p->text[s - 1]))
            s--;
        if (i > 0 && s > m->start && p->text[s - 1] == ',') {
            start = s - 1;
        } else {
            size_t e = end;
            while (e < m->end && is_space(p->text[e]))
                e++;
            if (e < m->end && p->text[e] == ',')
                end = e + 1;
        }
    } else {
        /* The whole lines, comments on them included. (After "- " the
         * key alone goes: "-" then the item's other keys below is the
         * same item.) */
        size_t ls;
        if (starts_line(p, start, &ls)) {
            start = ls;
            end = line_end(p, end);
            if (end < p->len)
                end++; /* its line break */
        }
    }
    add_edit(p, start, end, acd_xstrdup(""));
}

/* Add `key: value` to map m: in a flow mapping before its closing brace,
 * in a block mapping on a new line after its last line, indented as its
 * keys - or, at_top, before its first key when that starts a line (the
 * top level: its end may be a group's end, which gets its own insertion
 * there). */
static void
insert_pair(struct acd_ypatch *p, const struct acd_ynode *m, const char *pair, bool at_top)
{
    if (m->flow) {
        size_t close = m->end;
        while (close > m->start && p->text[close - 1] != '}')
            close--;
        ACD_ASSERT(close > m->start); /* a flow mapping ends with its brace */
        size_t at = close - 1;
        while (at > m->start + 1 && is_space(p->text[at - 1]))
            at--;
        add_edit_pre(p, at, at, acd_xasprintf("%s%s", m->n ? ", " : "", pair), m->n ? 2 : 0);
        return;
    }
    /* Indented as the first key (yamltree's columns are 1-based). */
    size_t col = (m->n ? m->kids[0]->col : m->col) - 1, ls;
    if (at_top && m->n && starts_line(p, m->kids[0]->start, &ls)) {
        add_edit_pre(p, ls, ls, acd_xasprintf("%*s%s\n", (int)col, "", pair), col);
        return;
    }
    size_t at = m->n ? line_end(p, content_end(p, m)) : content_end(p, m);
    add_edit_pre(p, at, at, acd_xasprintf("\n%*s%s", (int)col, "", pair), col + 1);
}

/* Set key in map m (the top level) to value: replace its value, or add
 * the pair. */
static void
set_key(struct acd_ypatch *p, const struct acd_ynode *m, const char *key, const char *value)
{
    size_t i = find_key(m, key);
    if (i != SIZE_MAX) {
        replace_value(p, m, i, value);
    } else {
        char *pair = acd_xasprintf("%s: %s", key, value);
        insert_pair(p, m, pair, true);
        free(pair);
    }
}

/* ----------------------------------------------------------- formatting */

/* A number as the shortest text that reads back equal ("0.8", "20"). */
static void
put_number(FILE *f, double x)
{
    char buf[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof(buf), "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    fputs(buf, f);
}

static char *
plan_text(const struct acd_scenario *sc, const unsigned *agents, size_t g)
{
    if (sc->horizon == ACD_HORIZON_STEADY)
        return acd_xasprintf("%u", agents[g]);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = acd_xmemstream_open(&buf, &len);
    fputc('[', f);
    for (size_t b = 0; b < sc->n_intervals; b++)
        fprintf(f, "%s%u", b ? ", " : "", agents[b * sc->n_groups + g]);
    fputc(']', f);
    acd_xmemstream_close(f);
    return buf;
}

/* A YAML double-quoted string. */
static void
put_quoted(FILE *f, const char *s, size_t n)
{
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20 || ch == 0x7f)
            fprintf(f, "\\x%02x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

/* A plain scalar that means the same inside a flow collection. */
static bool
flow_safe(const struct acd_ynode *n)
{
    if (!n->plain || n->len == 0 || strlen(n->s) != n->len)
        return false;
    for (size_t i = 0; i < n->len; i++) {
        char ch = n->s[i];
        if (!(ch == '_' || ch == '.' || ch == '+' || ch == '-' || ch == '/' || ch == ' ' ||
              ch == ':' || (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
              (ch >= 'A' && ch <= 'Z')))
            return false;
    }
    return !strstr(n->s, ": ") && n->s[n->len - 1] != ':' && n->s[0] != '-' &&
           n->s[n->len - 1] != ' ';
}

/* Node n in flow style (aliases expanded), written inside `depth`
 * collections. Returns false if too long, or nested deeper than the
 * scenario parser allows (the copy could not be read again). */
static bool
put_flow(FILE *f, const struct acd_ynode *n, size_t depth, size_t *budget)
{
    if (*budget == 0)
        return false;
    (*budget)--;
    switch (n->kind) {
    case ACD_Y_ALIAS:
        return put_flow(f, n->target, depth, budget); /* never an alias: no loop */
    case ACD_Y_SCALAR:
        if (n->plain && n->len == 0)
            fputs("null", f);
        else if (flow_safe(n))
            fputs(n->s, f);
        else
            put_quoted(f, n->s, n->len);
        *budget = *budget > n->len ? *budget - n->len : 0;
        return *budget > 0;
    case ACD_Y_SEQ:
    case ACD_Y_MAP:
        if (depth >= ACD_YTREE_MAX_DEPTH)
            return false;
        fputc(n->kind == ACD_Y_SEQ ? '[' : '{', f);
        for (size_t i = 0; i < n->n; i++) {
            if (i)
                fputs(n->kind == ACD_Y_MAP && i % 2 ? ": " : ", ", f);
            if (!put_flow(f, n->kids[i], depth + 1, budget))
                return false;
        }
        fputc(n->kind == ACD_Y_SEQ ? ']' : '}', f);
        return true;
    }
    return false;
}

/* ------------------------------------------------------------ the edits */

/* What replaces a group's staffing: the value of `key` ("agents" or
 * "shifts") as flow text (owned by the caller), or NULL to leave the group
 * as it is. indent: the column of the group's keys (0-based), for a value
 * that spans lines. */
typedef char *staffing_text_fn(const void *ud, size_t g, size_t indent, const char **key);

/* Set pair `key` of group mapping m to text; the other staffing key
 * (agents / shifts) goes: the value replaced in place when the key is
 * there first, else the other key's pair becomes this one, else the pair
 * is added. */
static void
set_staffing(struct acd_ypatch *p, const struct acd_ynode *m, const char *key, const char *text)
{
    const char *other = strcmp(key, "agents") == 0 ? "shifts" : "agents";
    size_t ik = find_key(m, key), io = find_key(m, other);
    if (ik != SIZE_MAX && (io == SIZE_MAX || ik < io)) {
        replace_value(p, m, ik, text);
        if (io != SIZE_MAX)
            remove_pair(p, m, io);
        return;
    }
    char *pair = acd_xasprintf("%s: %s", key, text);
    if (io != SIZE_MAX) {
        replace_pair(p, m, io, pair);
        if (ik != SIZE_MAX)
            remove_pair(p, m, ik);
    } else {
        insert_pair(p, m, pair, false);
    }
    free(pair);
}

/* Each group's staffing, as text_of gives it. Returns false after a
 * diagnostic. */
static bool
patch_groups(struct acd_ypatch *p, const struct acd_ynode *groups, const struct acd_scenario *sc,
             staffing_text_fn *text_of, const void *ud)
{
    if (groups->kind != ACD_Y_SEQ || groups->n != sc->n_groups) {
        acd_diags_error(p->diags, p->name, groups->line, groups->col,
                        "cannot patch: 'agent_groups' must be a list of the scenario's %zu groups",
                        sc->n_groups);
        return false;
    }
    bool *done = acd_xcalloc(sc->n_groups, sizeof(*done));
    bool ok = true;
    for (size_t i = 0; i < groups->n && ok; i++) {
        const struct acd_ynode *m = groups->kids[i];
        /* A group given as an alias is patched where it is defined. */
        if (m->kind == ACD_Y_ALIAS)
            m = m->target;
        if (m->kind != ACD_Y_MAP) {
            acd_diags_error(p->diags, p->name, m->line, m->col,
                            "cannot patch: agent group %zu is not a mapping", i + 1);
            ok = false;
            break;
        }
        size_t g = i, ni = find_key(m, "name");
        if (ni != SIZE_MAX && m->kids[ni + 1]->kind == ACD_Y_SCALAR) {
            size_t by_name = acd_scenario_find_group(sc, m->kids[ni + 1]->s);
            if (by_name != SIZE_MAX)
                g = by_name;
        }
        if (done[g])
            continue; /* the same node twice (an alias): patched once */
        done[g] = true;
        if (sc->groups[g].held)
            continue; /* `--hold`: staffed as the scenario says */
        const char *key = "agents";
        /* yamltree's columns are 1-based. */
        size_t indent = (m->n ? m->kids[0]->col : m->col) - 1;
        char *text = text_of(ud, g, indent, &key);
        if (!text)
            continue;
        set_staffing(p, m, key, text);
        free(text);
    }
    free(done);
    return ok;
}

static bool
same(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

/* The goals of t where they differ from sc's (all of them when `all`:
 * sc already holds t's goals, the file may not). */
static void
patch_targets(struct acd_ypatch *p, const struct acd_ynode *root, const struct acd_scenario *sc,
              const struct acd_staff_targets *t, bool all)
{
    char *buf = NULL;
    size_t len = 0;
    if (all || !same(t->sl_target, sc->sl_target) || !same(t->sl_threshold_s, sc->sl_threshold_s)) {
        FILE *f = acd_xmemstream_open(&buf, &len);
        const char *sep = "{";
        if (isfinite(t->sl_threshold_s)) {
            fputs("{threshold: ", f);
            put_number(f, t->sl_threshold_s);
            fputc('s', f);
            sep = ", ";
        }
        if (isfinite(t->sl_target)) {
            fprintf(f, "%starget: ", sep);
            put_number(f, t->sl_target);
            sep = ", ";
        }
        fputs(*sep == '{' ? "{}" : "}", f);
        acd_xmemstream_close(f);
        set_key(p, root, "service_level", buf);
        free(buf);
        buf = NULL;
    }
    if (!all && same(t->max_abandon, sc->max_abandon) && same(t->max_asa_s, sc->max_asa_s) &&
        same(t->max_occupancy, sc->max_occupancy))
        return;
    const struct {
        const char *key;
        double x;
        const char *unit;
    } goals[] = {
        {"max_abandon", t->max_abandon, ""},
        {"max_asa", t->max_asa_s, "s"},
        {"max_occupancy", t->max_occupancy, ""},
    };
    FILE *f = acd_xmemstream_open(&buf, &len);
    const char *sep = "{";
    for (size_t i = 0; i < ACD_ARRAY_LEN(goals); i++) {
        if (!isfinite(goals[i].x))
            continue;
        fprintf(f, "%s%s: ", sep, goals[i].key);
        put_number(f, goals[i].x);
        fputs(goals[i].unit, f);
        sep = ", ";
    }
    if (*sep != '{')
        fputc('}', f);
    acd_xmemstream_close(f);
    size_t i = find_key(root, "targets");
    if (*buf)
        set_key(p, root, "targets", buf);
    else if (i != SIZE_MAX)
        remove_pair(p, root, i);
    free(buf);
}

/* Walk for relative `file:` values and for aliases to anchors inside a
 * primary edit; both become secondary edits outside the primary ones. */
static bool
patch_refs(struct acd_ypatch *p, const struct acd_ynode *n, const char *base_dir, size_t depth)
{
    ACD_ASSERT(depth <= ACD_YTREE_MAX_DEPTH); /* aliases are not followed */
    if (n->kind == ACD_Y_ALIAS && !in_primary(p, n->start, n->end) &&
        inside_primary(p, n->target->start, n->target->end)) {
        char *buf = NULL;
        size_t len = 0, budget = MAX_COPY;
        FILE *f = acd_xmemstream_open(&buf, &len);
        bool ok = put_flow(f, n->target, depth, &budget);
        acd_xmemstream_close(f);
        if (!ok) {
            free(buf);
            acd_diags_error(p->diags, p->name, n->line, n->col,
                            "cannot patch: alias *%s refers to a value that is removed and "
                            "cannot be copied",
                            n->s);
            return false;
        }
        add_edit(p, n->start, n->end, buf);
        return true;
    }
    if (n->kind == ACD_Y_MAP && base_dir) {
        for (size_t i = 0; i + 1 < n->n; i += 2) {
            const struct acd_ynode *k = n->kids[i], *v = n->kids[i + 1];
            if (!is_key(k, "file") || v->kind != ACD_Y_SCALAR || v->len == 0 ||
                strlen(v->s) != v->len || v->s[0] == '/' || in_primary(p, v->start, v->end))
                continue;
            char *path = acd_xasprintf("%s%s%s", base_dir,
                                       base_dir[strlen(base_dir) - 1] == '/' ? "" : "/", v->s);
            char *buf = NULL;
            size_t len = 0;
            FILE *f = acd_xmemstream_open(&buf, &len);
            put_quoted(f, path, strlen(path));
            acd_xmemstream_close(f);
            free(path);
            add_edit(p, v->start, content_end(p, v), buf);
        }
    }
    if (is_collection(n))
        for (size_t i = 0; i < n->n; i++)
            if (!patch_refs(p, n->kids[i], base_dir, depth + 1))
                return false;
    return true;
}

static int
by_start(const void *a, const void *b)
{
    const struct edit *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

/* Sort the edits; false if two overlap (a file that reaches one value
 * twice, e.g. a group anchored inside another group's shifts). */
static bool
sort_edits(struct acd_ypatch *p)
{
    if (p->n_edits) /* qsort wants a non-null array, even of 0 */
        qsort(p->edits, p->n_edits, sizeof(*p->edits), by_start);
    for (size_t i = 1; i < p->n_edits; i++)
        if (p->edits[i].start < p->edits[i - 1].end)
            return false;
    return true;
}

/* The end of the comment lines starting at pos (the file's opening
 * comments): pos itself if the text does not start with a comment. A
 * blank line right after them goes too. */
static size_t
past_header(const struct acd_ypatch *p, size_t pos)
{
    size_t at = pos;
    while (at < p->len && p->text[at] == '#') {
        const char *nl = memchr(p->text + at, '\n', p->len - at);
        at = nl ? (size_t)(nl - p->text) + 1 : p->len;
    }
    if (at > pos && at < p->len && p->text[at] == '\n')
        at++;
    return at;
}

/* The text with every (sorted) edit applied, the comment first. */
static char *
apply(struct acd_ypatch *p, const char *comment)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = acd_xmemstream_open(&buf, &len);
    size_t pos = 0;
    /* A byte-order mark must stay first. */
    if (p->len >= 3 && memcmp(p->text, "\xEF\xBB\xBF", 3) == 0) {
        fwrite(p->text, 1, 3, f);
        pos = 3;
    }
    for (const char *c = comment; c && *c;) {
        size_t n = strcspn(c, "\n");
        fprintf(f, "# %.*s\n", (int)n, c);
        c += n + (c[n] == '\n');
    }
    /* The new comment replaces the file's opening comments (they describe
     * the original, not this plan), up to its first blank line. */
    if (comment && *comment)
        pos = past_header(p, pos);
    for (size_t i = 0; i < p->n_edits; i++) {
        struct edit *e = &p->edits[i];
        ACD_ASSERT(e->start >= pos); /* never overlapping */
        fwrite(p->text + pos, 1, e->start - pos, f);
        fflush(f);
        e->out = len;
        fputs(e->text, f);
        pos = e->end;
    }
    fwrite(p->text + pos, 1, p->len - pos, f);
    acd_xmemstream_close(f);
    return buf;
}

/* The top-level `name` becomes new_name (added first when absent). */
static void
patch_name(struct acd_ypatch *p, const struct acd_ynode *root, const char *new_name)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = acd_xmemstream_open(&buf, &len);
    size_t i = find_key(root, "name");
    if (i == SIZE_MAX)
        fputs("name: ", f);
    put_quoted(f, new_name, strlen(new_name));
    if (i == SIZE_MAX)
        fputs(root->flow ? ", " : "\n", f);
    acd_xmemstream_close(f);
    if (i != SIZE_MAX) {
        replace_value(p, root, i, buf);
        free(buf);
    } else {
        add_edit(p, root->kids[0]->start, root->kids[0]->start, buf);
    }
}

/* What both patches share: each group's staffing by text_of, the goals
 * (all of them when all_goals), relative files, copied aliases, the
 * comment. */
struct patch_job {
    const char *base_dir;
    const struct acd_scenario *sc;
    staffing_text_fn *text_of;
    const void *ud;
    const struct acd_staff_targets *t;
    bool all_goals;
    const char *comment;
    const char *new_name; /* the scenario's new `name`, or NULL */
};

static int
patch_file(const char *text, size_t len, const char *name, const struct patch_job *job, char **out,
           struct acd_diags *diags)
{
    const struct acd_scenario *sc = job->sc;
    const char *base_dir = job->base_dir;
    *out = NULL;
    struct acd_ypatch p = {
        .text = text, .len = len, .name = name ? name : "<scenario>", .diags = diags};
    const unsigned char *u = (const unsigned char *)text;
    const struct acd_ynode *root = NULL;
    if (len >= 2 && ((u[0] == 0xFE && u[1] == 0xFF) || (u[0] == 0xFF && u[1] == 0xFE)))
        /* Edits are spliced in as UTF-8 bytes. */
        acd_diags_error(diags, p.name, 1, 1, "cannot patch: the scenario is UTF-16, not UTF-8");
    else
        root = build(&p);
    bool ok = root != NULL;
    if (!ok && !acd_diags_has_errors(diags))
        acd_diags_error(diags, p.name, 1, 1, "cannot patch: the scenario is empty");
    if (ok && root->kind != ACD_Y_MAP) {
        acd_diags_error(diags, p.name, 1, 1, "cannot patch: the scenario is not a mapping");
        ok = false;
    }
    size_t gi = ok ? find_key(root, "agent_groups") : SIZE_MAX;
    if (ok && gi == SIZE_MAX) {
        acd_diags_error(diags, p.name, 1, 1, "cannot patch: no 'agent_groups'");
        ok = false;
    }
    if (ok) {
        const struct acd_ynode *groups = root->kids[gi + 1];
        if (groups->kind == ACD_Y_ALIAS)
            groups = groups->target;
        ok = patch_groups(&p, groups, sc, job->text_of, job->ud);
    }
    if (ok && job->t)
        patch_targets(&p, root, sc, job->t, job->all_goals);
    if (ok && job->new_name)
        patch_name(&p, root, job->new_name);
    p.n_primary = p.n_edits;
    if (ok)
        ok = patch_refs(&p, root, base_dir, 0);
    if (ok) {
        /* patch_refs keeps its edits outside the primary ones. */
        for (size_t i = p.n_primary; i < p.n_edits; i++)
            ACD_ASSERT(!in_primary(&p, p.edits[i].start, p.edits[i].end));
        ok = sort_edits(&p);
        if (!ok)
            acd_diags_error(diags, p.name, 1, 1,
                            "cannot patch: the file reaches one value in two ways");
    }
    if (ok) {
        *out = apply(&p, job->comment);
    }
    for (size_t i = 0; i < p.n_edits; i++)
        free(p.edits[i].text);
    free(p.edits);
    acd_ytree_free(&p.tree);
    return ok ? 0 : -1;
}

/* The staffing patch: agents per interval (or a count), held groups
 * untouched. */
struct agents_plan {
    const struct acd_scenario *sc;
    const unsigned *agents;
};

static char *
agents_text(const void *ud, size_t g, size_t indent, const char **key)
{
    const struct agents_plan *a = ud;
    (void)indent;
    *key = "agents";
    return plan_text(a->sc, a->agents, g);
}

int
acd_scenario_patch_staffing(const char *text, size_t len, const char *name, const char *base_dir,
                            const struct acd_scenario *sc, const unsigned *agents,
                            const struct acd_staff_targets *t, const char *comment,
                            const char *new_name, char **out, struct acd_diags *diags)
{
    const struct agents_plan a = {sc, agents};
    const struct patch_job job = {
        .base_dir = base_dir,
        .sc = sc,
        .text_of = agents_text,
        .ud = &a,
        .t = t,
        .comment = comment,
        .new_name = new_name,
    };
    return patch_file(text, len, name, &job, out, diags);
}

/* The roster patch: the plan's shifts for the scheduled groups, its
 * per-interval counts for the others it staffs so. */
struct roster_plan {
    const struct acd_scenario *plan;
    const bool *scheduled_group;
};

static void
put_clock(FILE *f, double t_s)
{
    char buf[32];
    fprintf(f, "\"%s\"", acd_units_format_clock(t_s, buf, sizeof(buf)));
}

/* `[{start: "07:00", end: "15:30", count: 3, breaks: [...]}, ...]`, one
 * shift a line, indented past the group's keys. */
static char *
shifts_text(const struct acd_agent_group *pg, size_t indent)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = acd_xmemstream_open(&buf, &len);
    fputc('[', f);
    for (size_t i = 0; i < pg->n_shifts; i++) {
        const struct acd_shift *sh = &pg->shifts[i];
        fprintf(f, "%s\n%*s{start: ", i ? "," : "", (int)indent + 2, "");
        put_clock(f, sh->start_s);
        fputs(", end: ", f);
        put_clock(f, sh->end_s);
        fprintf(f, ", count: %u", sh->count);
        if (sh->n_breaks) {
            fputs(", breaks: [", f);
            for (size_t b = 0; b < sh->n_breaks; b++) {
                const struct acd_break *br = &sh->breaks[b];
                char d[32];
                fputs(b ? ", {start: " : "{start: ", f);
                put_clock(f, br->start_s);
                fprintf(f, ", length: %s%s}", acd_units_format_duration(br->length_s, d, sizeof(d)),
                        br->unpaid ? ", paid: false" : "");
            }
            fputc(']', f);
        }
        fputc('}', f);
    }
    fputc(']', f);
    acd_xmemstream_close(f);
    return buf;
}

static char *
roster_text(const void *ud, size_t g, size_t indent, const char **key)
{
    const struct roster_plan *r = ud;
    const struct acd_agent_group *pg = &r->plan->groups[g];
    if (r->scheduled_group[g] && pg->n_shifts > 0) {
        *key = "shifts";
        return shifts_text(pg, indent);
    }
    if (r->scheduled_group[g]) { /* no shift of the roster: nobody */
        *key = "agents";
        return acd_xstrdup("0");
    }
    if (!pg->agents_by_interval)
        return NULL; /* as the scenario staffs it */
    *key = "agents";
    char *buf = NULL;
    size_t len = 0;
    FILE *f = acd_xmemstream_open(&buf, &len);
    fputc('[', f);
    for (size_t b = 0; b < r->plan->n_intervals; b++)
        fprintf(f, "%s%u", b ? ", " : "", pg->agents_by_interval[b]);
    fputc(']', f);
    acd_xmemstream_close(f);
    return buf;
}

int
acd_scenario_patch_roster(const char *text, size_t len, const char *name, const char *base_dir,
                          const struct acd_scenario *plan, const bool *scheduled_group,
                          const struct acd_staff_targets *t, const char *comment,
                          const char *new_name, char **out, struct acd_diags *diags)
{
    const struct roster_plan r = {plan, scheduled_group};
    const struct patch_job job = {
        .base_dir = base_dir,
        .sc = plan,
        .text_of = roster_text,
        .ud = &r,
        .t = t,
        .all_goals = true,
        .comment = comment,
        .new_name = new_name,
    };
    return patch_file(text, len, name, &job, out, diags);
}

/* ------------------------------------------------ edits one by one */

struct acd_ypatch *
acd_ypatch_open(const char *text, size_t len, const char *name, struct acd_diags *diags)
{
    struct acd_ypatch *p = acd_xcalloc(1, sizeof(*p));
    *p = (struct acd_ypatch){
        .text = text, .len = len, .name = name ? name : "<scenario>", .diags = diags};
    const unsigned char *u = (const unsigned char *)text;
    const struct acd_ynode *root = NULL;
    if (len >= 2 && ((u[0] == 0xFE && u[1] == 0xFF) || (u[0] == 0xFF && u[1] == 0xFE)))
        acd_diags_error(diags, p->name, 1, 1, "cannot patch: the scenario is UTF-16, not UTF-8");
    else
        root = build(p);
    if (!root && !acd_diags_has_errors(diags))
        acd_diags_error(diags, p->name, 1, 1, "cannot patch: the scenario is empty");
    if (root && root->kind != ACD_Y_MAP) {
        acd_diags_error(diags, p->name, 1, 1, "cannot patch: the scenario is not a mapping");
        root = NULL;
    }
    if (!root) {
        acd_ypatch_close(p);
        return NULL;
    }
    return p;
}

const struct acd_ynode *
acd_ypatch_root(const struct acd_ypatch *p)
{
    return p->tree.root;
}

size_t
acd_ypatch_find_key(const struct acd_ynode *m, const char *name)
{
    return find_key(m, name);
}

size_t
acd_ypatch_replace_value(struct acd_ypatch *p, const struct acd_ynode *m, size_t i,
                         const char *text)
{
    replace_value(p, m, i, text);
    return p->n_edits - 1;
}

size_t
acd_ypatch_replace_node(struct acd_ypatch *p, const struct acd_ynode *n, const char *text)
{
    size_t end = content_end(p, n);
    if (end < n->start)
        end = n->start;
    if (is_collection(n) && !n->flow)
        end = past_comment(p, end);
    add_edit(p, n->start, end, acd_xstrdup(text));
    return p->n_edits - 1;
}

size_t
acd_ypatch_insert_pair(struct acd_ypatch *p, const struct acd_ynode *m, const char *pair)
{
    insert_pair(p, m, pair, m == p->tree.root);
    return p->n_edits - 1;
}

int
acd_ypatch_apply(struct acd_ypatch *p, char **out, size_t *out_len,
                 struct acd_ypatch_placed **placed, size_t *n_placed)
{
    *out = NULL;
    p->n_primary = p->n_edits;
    bool ok = patch_refs(p, p->tree.root, NULL, 0);
    size_t n_own = p->n_primary;
    /* Keep the caller's numbering across the sort. */
    size_t *id = acd_xcalloc(p->n_edits ? p->n_edits : 1, sizeof(*id));
    for (size_t i = 0; i < p->n_edits; i++)
        p->edits[i].out = i;
    if (ok) {
        ok = sort_edits(p);
        if (!ok)
            acd_diags_error(p->diags, p->name, 1, 1, "cannot patch: two changes reach one value");
    }
    if (ok) {
        for (size_t i = 0; i < p->n_edits; i++)
            id[i] = p->edits[i].out;
        char *text = apply(p, NULL);
        size_t len = strlen(text);
        *placed = acd_xcalloc(p->n_edits ? p->n_edits : 1, sizeof(**placed));
        *n_placed = p->n_edits;
        for (size_t i = 0; i < p->n_edits; i++) {
            const struct edit *e = &p->edits[i];
            (*placed)[i] = (struct acd_ypatch_placed){
                .in_start = e->start,
                .in_end = e->end,
                .out_start = e->out,
                .out_end = e->out + strlen(e->text),
                .pre = e->pre,
                .id = id[i] < n_own ? id[i] : SIZE_MAX,
            };
        }
        *out = text;
        *out_len = len;
    }
    free(id);
    return ok ? 0 : -1;
}

void
acd_ypatch_close(struct acd_ypatch *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_edits; i++)
        free(p->edits[i].text);
    free(p->edits);
    acd_ytree_free(&p->tree);
    free(p);
}
