/*
 * scenario: the YAML scenario parser. It turns a file (or a string) into an
 * immutable struct acd_scenario and reports every problem it finds as a
 * located diagnostic, in file order; it returns nothing unless the whole
 * file is valid.
 *
 * It is two passes. libyaml's event API builds a small tree of our own
 * (bounded in depth, node count and anchors, so hostile input can neither
 * exhaust memory nor blow up through aliases: an alias is a pointer to the
 * anchored node, never a copy). Then a walk driven by one table of key
 * descriptors per mapping checks the schema of docs/scenario.md. The walk
 * follows the schema, never the tree, so its cost is linear in the file.
 *
 * It is not the engine's validator of runtime behaviour, and it knows
 * nothing of distributions beyond their table (dist.c) nor of duration and
 * rate syntax beyond units.c. Operating days, shifts and per-interval data
 * are recognised only to say they are not supported yet.
 */
#include "acdsim/scenario.h"
#include "acdsim/diag.h"
#include "acdsim/sim.h" /* routing policy names */
#include "acdsim/units.h"
#include "acdsim/util.h"

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
#include <yaml.h>

/* Limits that keep hostile or mistaken input cheap. Real scenarios are a few
 * kilobytes with a few hundred nodes. */
enum {
    ACD_SCN_MAX_BYTES = 16 * 1024 * 1024,
    ACD_SCN_MAX_DEPTH = 64,
    ACD_SCN_MAX_NODES = 1000000, /* nodes plus alias references */
    ACD_SCN_MAX_ANCHORS = 256,
    ACD_SCN_MAX_ERRORS = 50,
    ACD_SCN_MAX_AGENTS = 1000000,
    ACD_SCN_MAX_REPLICATIONS = 1000000,
    ACD_SCN_MAX_QUEUE = 1000000000,
    ACD_SCN_SHOW = 40, /* user text quoted in messages is cut after this many bytes */
};

#define ACD_DAY_UNSUPPORTED "operating-day horizons (open/close/interval) are not supported yet"

/* ------------------------------------------------------------------ tree */

enum node_kind { N_SCALAR, N_SEQ, N_MAP };

struct node {
    enum node_kind kind;
    bool is_null; /* plain `~`, `null` or nothing */
    unsigned line, col;
    char *s; /* scalar text, NUL-terminated (may hold an escaped NUL: see len) */
    size_t len;
    struct node **kids; /* sequence items, or mapping key, value, key, value... */
    size_t n, cap;
};

enum { CHUNK_NODES = 256 };

/* Nodes come from chunks so a large file costs few allocations, and so
 * aliases (shared nodes) are freed exactly once. */
struct chunk {
    struct chunk *next;
    size_t used;
    struct node v[CHUNK_NODES];
};

struct anchor {
    char *name;
    struct node *node;
};

struct tree {
    struct chunk *chunks;
    size_t n_items;
    struct anchor *anchors;
    size_t n_anchors, cap_anchors;
    struct node *root;
};

/* ------------------------------------------------------------ context */

struct sortkey {
    unsigned line, col;
};

struct ctx {
    const char *file;
    const char *base_dir;
    /* Local diagnostics, sorted by position in the scenario and then moved
     * to the caller's list; keys[i] is where diagnostic i sorts (a samples
     * file's diagnostics sort at the scenario's `file:` key). */
    struct acd_diags d;
    struct sortkey *keys;
    size_t cap_keys;
    size_t n_errors;
    struct acd_scenario *sc;
    /* What the cross-reference checks may rely on, so that one mistake
     * does not cascade into nonsense errors. */
    bool ct_listed;             /* call_types was a non-empty list */
    bool ct_names_ok;           /* ...and every entry has a valid name */
    bool ct_dups;               /* some call type name is given twice */
    bool groups_listed;         /* agent_groups was a non-empty list */
    bool groups_ok;             /* ...and every entry has a valid skills list */
    const struct node **skills; /* per group: its skills list, or NULL */
    unsigned meant;             /* keys the last walk_map's unknown keys resemble */
};

/* User text for a message: cut, with control characters replaced, so a
 * diagnostic is always one short line. Returned by value so calls nest in
 * an argument list (C11 temporary lifetime). */
struct shown {
    char s[ACD_SCN_SHOW + 16];
};

static struct shown
show(const char *s)
{
    struct shown r;
    size_t n = strlen(s), i;
    bool cut = n > ACD_SCN_SHOW;
    if (cut) {
        n = ACD_SCN_SHOW;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--; /* don't split a UTF-8 sequence */
    }
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        r.s[i] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
    }
    if (cut) {
        memcpy(r.s + i, "...", 3);
        i += 3;
    }
    r.s[i] = '\0';
    return r;
}

static struct shown
found(const struct node *v)
{
    struct shown r;
    if (v->kind == N_MAP)
        strcpy(r.s, "a mapping");
    else if (v->kind == N_SEQ)
        strcpy(r.s, "a list");
    else if (v->is_null)
        strcpy(r.s, "nothing");
    else {
        struct shown t = show(v->s);
        size_t n = strlen(t.s); /* at most ACD_SCN_SHOW + 3 */
        r.s[0] = '\'';
        memcpy(r.s + 1, t.s, n);
        memcpy(r.s + 1 + n, "'", 2);
    }
    return r;
}

__attribute__((format(printf, 1, 0))) static char *
vformat(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    char *s = acd_xmalloc(n > 0 ? (size_t)n + 1 : 1);
    vsnprintf(s, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
    return s;
}

/* Keep keys[] as long as d.v, including diagnostics added by dist.c. */
static void
sync_keys(struct ctx *c)
{
    c->keys = acd_xgrow(c->keys, &c->cap_keys, c->d.n, sizeof(*c->keys));
}

static void
add_error(struct ctx *c, unsigned line, unsigned col, const char *msg)
{
    size_t before = c->d.n;
    if (c->n_errors == ACD_SCN_MAX_ERRORS) {
        acd_diags_error(&c->d, c->file, line, col, "too many errors; stopping after %d",
                        ACD_SCN_MAX_ERRORS);
    } else if (c->n_errors < ACD_SCN_MAX_ERRORS) {
        acd_diags_error(&c->d, c->file, line, col, "%s", msg);
    }
    c->n_errors++;
    if (c->d.n == before)
        return;
    sync_keys(c);
    bool last = c->n_errors > ACD_SCN_MAX_ERRORS;
    c->keys[before].line = last ? UINT_MAX : line;
    c->keys[before].col = last ? UINT_MAX : col;
}

static bool
muted(const struct ctx *c)
{
    return c->n_errors > ACD_SCN_MAX_ERRORS;
}

__attribute__((format(printf, 4, 5))) static void
err_at(struct ctx *c, unsigned line, unsigned col, const char *fmt, ...)
{
    if (muted(c))
        return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = vformat(fmt, ap);
    va_end(ap);
    add_error(c, line, col, msg);
    free(msg);
}

__attribute__((format(printf, 3, 4))) static void
err(struct ctx *c, const struct node *at, const char *fmt, ...)
{
    if (muted(c))
        return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = vformat(fmt, ap);
    va_end(ap);
    add_error(c, at->line, at->col, msg);
    free(msg);
}

static _Noreturn void
oom(void)
{
    fprintf(stderr, "acdsim: out of memory in the YAML parser\n");
    abort();
}

/* ------------------------------------------------------- building the tree */

static unsigned
to_uint(size_t x)
{
    return x >= UINT_MAX ? UINT_MAX : (unsigned)x;
}

static struct node *
new_node(struct tree *t, enum node_kind kind, yaml_mark_t mark)
{
    if (!t->chunks || t->chunks->used == CHUNK_NODES) {
        struct chunk *ch = acd_xmalloc(sizeof(*ch));
        ch->next = t->chunks;
        ch->used = 0;
        t->chunks = ch;
    }
    struct node *n = &t->chunks->v[t->chunks->used++];
    memset(n, 0, sizeof(*n));
    n->kind = kind;
    n->line = to_uint(mark.line + 1);
    n->col = to_uint(mark.column + 1);
    return n;
}

static void
free_tree(struct tree *t)
{
    for (struct chunk *ch = t->chunks, *next; ch; ch = next) {
        next = ch->next;
        for (size_t i = 0; i < ch->used; i++) {
            free(ch->v[i].s);
            free(ch->v[i].kids);
        }
        free(ch);
    }
    for (size_t i = 0; i < t->n_anchors; i++)
        free(t->anchors[i].name);
    free(t->anchors);
    memset(t, 0, sizeof(*t));
}

static bool
is_null_text(const char *s, size_t len)
{
    return len == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
           strcmp(s, "NULL") == 0;
}

/* Line and column (1-based, in characters) of a byte offset: libyaml gives
 * only the offset for encoding errors. */
static void
offset_pos(const char *text, size_t len, size_t off, unsigned *line, unsigned *col)
{
    size_t l = 1, cl = 1;
    if (off > len)
        off = len;
    for (size_t i = 0; i < off; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch == '\n' || (ch == '\r' && (i + 1 >= len || text[i + 1] != '\n'))) {
            l++;
            cl = 1;
        } else if ((ch & 0xC0) != 0x80 && ch != '\r') {
            cl++;
        }
    }
    *line = to_uint(l);
    *col = to_uint(cl);
}

/* The byte at a 1-based line and column (in characters), or -1. */
static int
char_at(const char *text, size_t len, unsigned line, unsigned col)
{
    size_t i = 0;
    for (unsigned l = 1; l < line && i < len; i++)
        if (text[i] == '\n')
            l++;
    for (unsigned cl = 1; i < len && text[i] != '\n'; i++) {
        if (((unsigned char)text[i] & 0xC0) == 0x80)
            continue;
        if (cl++ == col)
            return (unsigned char)text[i];
    }
    return -1;
}

static void
yaml_problem(struct ctx *c, const yaml_parser_t *p, const char *text, size_t len)
{
    const char *problem = p->problem ? p->problem : "invalid YAML";
    switch (p->error) {
    case YAML_READER_ERROR: {
        unsigned line, col;
        size_t off = p->problem_offset < len ? p->problem_offset : len;
        if (strstr(problem, "trailing") && off > 0 && off < len) {
            /* Point at the sequence's leading byte and show it all. */
            size_t lead = off - 1;
            while (lead > 0 && off - lead < 4 && ((unsigned char)text[lead] & 0xC0) == 0x80)
                lead--;
            char bytes[32] = "";
            for (size_t i = lead; i <= off; i++)
                snprintf(bytes + strlen(bytes), sizeof(bytes) - strlen(bytes), "%s0x%02X",
                         i > lead ? " " : "", (unsigned char)text[i]);
            offset_pos(text, len, lead, &line, &col);
            err_at(c, line, col, "%s (bytes %s; is the file UTF-8?)", problem, bytes);
            break;
        }
        offset_pos(text, len, off, &line, &col);
        if (p->problem_value < 0)
            err_at(c, line, col, "%s", problem);
        else if (strstr(problem, "octet"))
            err_at(c, line, col, "%s (byte 0x%02X; is the file UTF-8?)", problem,
                   (unsigned)p->problem_value);
        else
            err_at(c, line, col, "%s (U+%04X)", problem, (unsigned)p->problem_value);
        break;
    }
    case YAML_SCANNER_ERROR:
    case YAML_PARSER_ERROR: {
        unsigned line = to_uint(p->problem_mark.line + 1),
                 col = to_uint(p->problem_mark.column + 1);
        unsigned cline = to_uint(p->context_mark.line + 1),
                 ccol = to_uint(p->context_mark.column + 1);
        const char *hint =
            char_at(text, len, line, col) == '\t' ? " (tabs are not allowed in indentation)" : "";
        if (p->context && (cline != line || ccol != col))
            err_at(c, line, col, "%s (%s that started at line %u, column %u)%s", problem,
                   p->context, cline, ccol, hint);
        else
            err_at(c, line, col, "%s%s", problem, hint);
        break;
    }
    case YAML_MEMORY_ERROR:
        oom();
    default:
        err_at(c, to_uint(p->problem_mark.line + 1), to_uint(p->problem_mark.column + 1), "%s",
               problem);
        break;
    }
}

static void
add_anchor(struct tree *t, const yaml_char_t *name, struct node *n)
{
    t->anchors = acd_xgrow(t->anchors, &t->cap_anchors, t->n_anchors + 1, sizeof(*t->anchors));
    t->anchors[t->n_anchors].name = acd_xstrdup((const char *)name);
    t->anchors[t->n_anchors].node = n;
    t->n_anchors++;
}

static struct node *
find_anchor(const struct tree *t, const yaml_char_t *name)
{
    /* Latest definition wins, as in YAML. */
    for (size_t i = t->n_anchors; i-- > 0;)
        if (strcmp(t->anchors[i].name, (const char *)name) == 0)
            return t->anchors[i].node;
    return NULL;
}

struct open_coll {
    struct node *node;
    char *anchor; /* registered when the collection ends: no cycles */
};

static void
attach(struct tree *t, struct open_coll *stack, size_t depth, struct node *n)
{
    if (depth == 0) {
        t->root = n;
        return;
    }
    struct node *parent = stack[depth - 1].node;
    parent->kids = acd_xgrow(parent->kids, &parent->cap, parent->n + 1, sizeof(*parent->kids));
    parent->kids[parent->n++] = n;
}

/* One event into the tree. Returns 1 at the end of the stream, 0 to go on,
 * -1 after reporting an error. */
static int
take_event(struct ctx *c, struct tree *t, const yaml_event_t *ev, struct open_coll *stack,
           size_t *depth, int *docs)
{
    unsigned line = to_uint(ev->start_mark.line + 1), col = to_uint(ev->start_mark.column + 1);
    const yaml_char_t *anchor = NULL;
    struct node *n;

    switch (ev->type) {
    case YAML_STREAM_END_EVENT:
        return 1;
    case YAML_DOCUMENT_START_EVENT:
        if ((*docs)++ > 0) {
            err_at(c, line, col,
                   "multiple YAML documents in one scenario file (only one is allowed)");
            return -1;
        }
        return 0;
    case YAML_SCALAR_EVENT:
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
    case YAML_ALIAS_EVENT:
        if (++t->n_items > ACD_SCN_MAX_NODES) {
            err_at(c, line, col, "scenario is too large (more than %d YAML nodes)",
                   ACD_SCN_MAX_NODES);
            return -1;
        }
        break;
    default:
        break;
    }

    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        n = new_node(t, N_SCALAR, ev->start_mark);
        n->len = ev->data.scalar.length;
        n->s = acd_xstrndup((const char *)ev->data.scalar.value, n->len);
        n->is_null = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
                     is_null_text(n->s, n->len) && !ev->data.scalar.tag;
        anchor = ev->data.scalar.anchor;
        attach(t, stack, *depth, n);
        break;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        if (*depth == ACD_SCN_MAX_DEPTH) {
            err_at(c, line, col, "nesting is too deep (more than %d levels)", ACD_SCN_MAX_DEPTH);
            return -1;
        }
        n = new_node(t, ev->type == YAML_SEQUENCE_START_EVENT ? N_SEQ : N_MAP, ev->start_mark);
        attach(t, stack, *depth, n);
        anchor = ev->type == YAML_SEQUENCE_START_EVENT ? ev->data.sequence_start.anchor
                                                       : ev->data.mapping_start.anchor;
        stack[*depth].node = n;
        stack[*depth].anchor = anchor ? acd_xstrdup((const char *)anchor) : NULL;
        ++*depth;
        return 0;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        ACD_ASSERT(*depth > 0);
        --*depth;
        if (stack[*depth].anchor) {
            if (t->n_anchors == ACD_SCN_MAX_ANCHORS) {
                err_at(c, line, col, "too many anchors (more than %d)", ACD_SCN_MAX_ANCHORS);
                return -1;
            }
            add_anchor(t, (const yaml_char_t *)stack[*depth].anchor, stack[*depth].node);
            free(stack[*depth].anchor);
            stack[*depth].anchor = NULL;
        }
        return 0;
    case YAML_ALIAS_EVENT:
        n = find_anchor(t, ev->data.alias.anchor);
        if (!n) {
            err_at(c, line, col, "undefined alias '%s' (an alias must follow its anchor)",
                   show((const char *)ev->data.alias.anchor).s);
            return -1;
        }
        attach(t, stack, *depth, n);
        return 0;
    default:
        return 0;
    }

    if (anchor) {
        if (t->n_anchors == ACD_SCN_MAX_ANCHORS) {
            err_at(c, line, col, "too many anchors (more than %d)", ACD_SCN_MAX_ANCHORS);
            return -1;
        }
        add_anchor(t, anchor, n);
    }
    return 0;
}

/* Parse `text` into t. Returns 0 (t->root is NULL for an empty stream) or -1
 * after reporting the problem. */
static int
build_tree(struct ctx *c, struct tree *t, const char *text, size_t len)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        oom();
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);

    struct open_coll stack[ACD_SCN_MAX_DEPTH];
    size_t depth = 0;
    int docs = 0, rc;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            yaml_problem(c, &p, text, len);
            rc = -1;
            break;
        }
        rc = take_event(c, t, &ev, stack, &depth, &docs);
        yaml_event_delete(&ev);
        if (rc != 0)
            break;
    }
    for (size_t i = 0; i < depth; i++)
        free(stack[i].anchor);
    yaml_parser_delete(&p);
    return rc < 0 ? -1 : 0;
}

/* ------------------------------------------------------- value helpers */

static const char EXP_DURATION[] = "a duration like 90s, 4m or 2h";
static const char EXP_RATE[] = "a rate like 2/s, 120/min or 7200/h";
static const char EXP_UINT[] = "a non-negative integer";
static const char EXP_NUMBER[] = "a number";
static const char EXP_FRACTION[] = "a number between 0 and 1";

/* A missing value has no useful position of its own: point at its key. */
static const struct node *
where(const struct node *k, const struct node *v)
{
    return v->kind == N_SCALAR && v->is_null ? k : v;
}

/* The text of scalar `v`, or NULL after reporting that `k` must be `expect`. */
static const char *
scalar(struct ctx *c, const struct node *k, const struct node *v, const char *expect)
{
    if (v->kind != N_SCALAR || v->is_null) {
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
expect_map(struct ctx *c, const struct node *k, const struct node *v, const char *expect)
{
    if (v->kind == N_MAP)
        return true;
    err(c, where(k, v), "'%s' must be %s (found %s)", k->s, expect, found(v).s);
    return false;
}

static bool
get_duration(struct ctx *c, const struct node *k, const struct node *v, double *out_s)
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
get_real(struct ctx *c, const struct node *k, const struct node *v, const char *expect, double *out)
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
get_uint(struct ctx *c, const struct node *k, const struct node *v, unsigned long long max,
         unsigned long long *out)
{
    const char *s = scalar(c, k, v, EXP_UINT);
    if (!s)
        return false;
    unsigned long long u;
    if (acd_units_parse_uint(s, &u) != 0) {
        /* All digits but unparseable: it overflowed. */
        bool digits = *s != '\0' && strspn(s, "0123456789") == strlen(s);
        if (digits)
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

static bool
check_positive(struct ctx *c, const struct node *k, const struct node *v, double x)
{
    if (x > 0)
        return true;
    err(c, v, "'%s' must be greater than 0 (found '%s')", k->s, show(v->s).s);
    return false;
}

static bool
check_nonneg(struct ctx *c, const struct node *k, const struct node *v, double x)
{
    if (x >= 0)
        return true;
    err(c, v, "'%s' must not be negative (found '%s')", k->s, show(v->s).s);
    return false;
}

static bool
get_fraction(struct ctx *c, const struct node *k, const struct node *v, double *out)
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
get_name(struct ctx *c, const struct node *k, const struct node *v)
{
    const char *s = scalar(c, k, v, "a name");
    if (s && !*s) {
        err(c, v, "'%s' must not be empty", k->s);
        return NULL;
    }
    return s;
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

/* ------------------------------------------------- mappings by table */

enum {
    KEY_REQUIRED = 1u << 0,
    KEY_DAY = 1u << 1,         /* operating-day feature, not supported yet */
    KEY_DAY_HORIZON = 1u << 2, /* ...that makes the horizon an operating day */
};

struct key_desc {
    const char *name;
    void (*parse)(struct ctx *c, void *obj, const struct node *k, const struct node *v);
    unsigned flags;
};

/* Report an unknown key; returns the index of the key it was probably
 * meant to be, or n_keys. */
static size_t
unknown_key(struct ctx *c, const struct node *k, const char *what, const struct key_desc *keys,
            size_t n_keys)
{
    const char *names[32];
    size_t n = 0;
    for (size_t i = 0; i < n_keys && n < ACD_ARRAY_LEN(names); i++)
        if (!(keys[i].flags & (KEY_DAY | KEY_DAY_HORIZON)))
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
 * parser. Unknown, duplicate and missing required keys are reported here;
 * the required check is skipped in a mapping that uses an operating-day
 * key (its error says enough), and for a key that an unknown one was
 * probably meant to be (`handel_time` says enough about `handle_time`).
 * Returns the bit set of keys seen. */
static unsigned
walk_map(struct ctx *c, const struct node *map, const char *what, const struct key_desc *keys,
         size_t n_keys, void *obj)
{
    ACD_ASSERT(map->kind == N_MAP && n_keys <= 32);
    const struct node *first[32] = {0};
    unsigned seen = 0, meant = 0;
    bool day = false;
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const struct node *k = map->kids[i], *v = map->kids[i + 1];
        if (k->kind != N_SCALAR) {
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
                meant |= 1u << near;
            continue;
        }
        if (first[j]) {
            err(c, k, "duplicate key '%s' in %s (first given at line %u)", keys[j].name, what,
                first[j]->line);
            continue;
        }
        first[j] = k;
        seen |= 1u << j;
        if (keys[j].flags & KEY_DAY_HORIZON) {
            if (!day)
                err(c, k, ACD_DAY_UNSUPPORTED);
            day = true;
        } else if (keys[j].flags & KEY_DAY) {
            err(c, k, "'%s' needs an operating-day horizon; " ACD_DAY_UNSUPPORTED, keys[j].name);
            day = true;
        } else {
            keys[j].parse(c, obj, k, v);
        }
    }
    c->meant = meant;
    for (size_t j = 0; j < n_keys && !day; j++)
        if ((keys[j].flags & KEY_REQUIRED) && !((seen | meant) & (1u << j)))
            err(c, map, "%s is missing '%s'", what, keys[j].name);
    return seen;
}

/* ------------------------------------------------------------- horizon */

struct horizon_parse {
    double duration_s, warmup_s;
    const struct node *duration, *warmup; /* set when valid */
};

static void
horizon_duration(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    struct horizon_parse *h = obj;
    if (get_duration(c, k, v, &h->duration_s) && check_positive(c, k, v, h->duration_s))
        h->duration = v;
}

static void
horizon_warmup(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    struct horizon_parse *h = obj;
    if (get_duration(c, k, v, &h->warmup_s) && check_nonneg(c, k, v, h->warmup_s))
        h->warmup = v;
}

static const struct key_desc horizon_keys[] = {
    {"duration", horizon_duration, KEY_REQUIRED},
    {"warmup", horizon_warmup, 0},
    {"open", NULL, KEY_DAY_HORIZON},
    {"close", NULL, KEY_DAY_HORIZON},
    {"interval", NULL, KEY_DAY_HORIZON},
};

static void
top_horizon(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    struct acd_scenario *sc = obj;
    if (!expect_map(c, k, v, "a mapping like {duration: 8h, warmup: 30m}"))
        return;
    struct horizon_parse h = {0};
    walk_map(c, v, "horizon", horizon_keys, ACD_ARRAY_LEN(horizon_keys), &h);
    if (h.duration)
        sc->duration_s = h.duration_s;
    if (h.warmup) {
        if (h.duration && h.warmup_s >= h.duration_s)
            err(c, h.warmup, "'warmup' (%s) must be shorter than 'duration' (%s)",
                show(h.warmup->s).s, show(h.duration->s).s);
        else
            sc->warmup_s = h.warmup_s;
    }
}

/* ------------------------------------------- service level, targets, queue */

static void
sl_threshold(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    struct acd_scenario *sc = obj;
    double x;
    if (get_duration(c, k, v, &x) && check_nonneg(c, k, v, x))
        sc->sl_threshold_s = x;
}

static void
sl_target(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    struct acd_scenario *sc = obj;
    get_fraction(c, k, v, &sc->sl_target);
}

static const struct key_desc sl_keys[] = {
    {"threshold", sl_threshold, 0},
    {"target", sl_target, 0},
};

static void
top_service_level(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    if (expect_map(c, k, v, "a mapping like {threshold: 20s, target: 0.80}"))
        walk_map(c, v, "service_level", sl_keys, ACD_ARRAY_LEN(sl_keys), obj);
}

static void
tg_max_abandon(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    struct acd_scenario *sc = obj;
    get_fraction(c, k, v, &sc->max_abandon);
}

static void
tg_max_asa(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    struct acd_scenario *sc = obj;
    double x;
    if (get_duration(c, k, v, &x) && check_nonneg(c, k, v, x))
        sc->max_asa_s = x;
}

static void
tg_max_occupancy(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    struct acd_scenario *sc = obj;
    get_fraction(c, k, v, &sc->max_occupancy);
}

static const struct key_desc targets_keys[] = {
    {"max_abandon", tg_max_abandon, 0},
    {"max_asa", tg_max_asa, 0},
    {"max_occupancy", tg_max_occupancy, 0},
};

static void
top_targets(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    if (expect_map(c, k, v, "a mapping like {max_abandon: 0.05, max_asa: 30s}"))
        walk_map(c, v, "targets", targets_keys, ACD_ARRAY_LEN(targets_keys), obj);
}

static void
queue_capacity(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    struct acd_scenario *sc = obj;
    unsigned long long u;
    if (get_uint(c, k, v, ACD_SCN_MAX_QUEUE, &u))
        sc->queue_capacity = (long)u;
}

static void
queue_lines(struct ctx *c, void *obj, const struct node *k, const struct node *v)
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

static const struct key_desc queue_keys[] = {
    {"capacity", queue_capacity, 0},
    {"lines", queue_lines, 0},
};

static void
top_queue(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    if (expect_map(c, k, v, "a mapping like {capacity: 200} or {lines: 40}"))
        walk_map(c, v, "queue", queue_keys, ACD_ARRAY_LEN(queue_keys), obj);
}

/* ------------------------------------------------------------- routing */

static void
routing_policy(struct ctx *c, void *obj, const struct node *k, const struct node *v)
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
    const char *near = suggest(s, names, n);
    if (near) {
        err(c, v, "unknown routing policy '%s' (did you mean '%s'?)", show(s).s, near);
    } else {
        char *list = join(names, n);
        err(c, v, "unknown routing policy '%s' (known policies: %s)", show(s).s, list);
        free(list);
    }
}

static const struct key_desc routing_keys[] = {
    {"policy", routing_policy, KEY_REQUIRED},
};

static void
top_routing(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    /* `routing: longest_idle` is short for `routing: {policy: longest_idle}`. */
    if (v->kind == N_MAP)
        walk_map(c, v, "routing", routing_keys, ACD_ARRAY_LEN(routing_keys), obj);
    else if (v->kind == N_SCALAR)
        routing_policy(c, obj, k, v);
    else
        err(c, v, "'%s' must be a policy name or a mapping like {policy: longest_idle} (found %s)",
            k->s, found(v).s);
}

/* ------------------------------------------------------- distributions */

static const char *const param_names[] = {"mean", "cv", "k", "min", "max", "file"};

struct dist_parse {
    struct acd_dist_params p;
    unsigned given;                   /* ACD_DP_* keys present, valid or not */
    const struct node *key[6];        /* their key nodes, by bit index */
    const struct node *file;          /* value of `file:` */
    const struct acd_dist_type *type; /* NULL until `dist:` names a known one */
    bool bad;                         /* an error was reported inside */
};

static void
dist_name(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    struct dist_parse *dp = obj;
    const char *s = get_name(c, k, v);
    if (!s) {
        dp->bad = true;
        return;
    }
    dp->type = acd_dist_find(s);
    if (dp->type)
        return;
    dp->bad = true;
    const char *names[64];
    size_t n = 0;
    for (; acd_dist_types[n] && n < ACD_ARRAY_LEN(names); n++)
        names[n] = acd_dist_types[n]->name;
    const char *near = suggest(s, names, n);
    if (near) {
        err(c, v, "unknown distribution '%s' (did you mean '%s'?)", show(s).s, near);
    } else {
        char *list = join(names, n);
        err(c, v, "unknown distribution '%s' (known: %s)", show(s).s, list);
        free(list);
    }
}

/* Common part of the parameter keys: note the key, return its bit index. */
static unsigned
dist_param(struct dist_parse *dp, unsigned bit, const struct node *k)
{
    unsigned i = 0;
    while ((1u << i) != bit)
        i++;
    dp->given |= bit;
    dp->key[i] = k;
    return i;
}

static void
dist_duration(struct ctx *c, struct dist_parse *dp, unsigned bit, const struct node *k,
              const struct node *v, double *out_s, bool positive)
{
    dist_param(dp, bit, k);
    double x;
    if (!get_duration(c, k, v, &x) ||
        !(positive ? check_positive(c, k, v, x) : check_nonneg(c, k, v, x))) {
        dp->bad = true;
        return;
    }
    *out_s = x;
    dp->p.have |= bit;
}

static void
dist_mean(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    struct dist_parse *dp = obj;
    dist_duration(c, dp, ACD_DP_MEAN, k, v, &dp->p.mean_s, true);
}

static void
dist_min(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    struct dist_parse *dp = obj;
    dist_duration(c, dp, ACD_DP_MIN, k, v, &dp->p.min_s, false);
}

static void
dist_max(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    struct dist_parse *dp = obj;
    dist_duration(c, dp, ACD_DP_MAX, k, v, &dp->p.max_s, false);
}

static void
dist_cv(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    struct dist_parse *dp = obj;
    dist_param(dp, ACD_DP_CV, k);
    double x;
    if (!get_real(c, k, v, EXP_NUMBER, &x) || !check_nonneg(c, k, v, x)) {
        dp->bad = true;
        return;
    }
    dp->p.cv = x;
    dp->p.have |= ACD_DP_CV;
}

static void
dist_k(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    struct dist_parse *dp = obj;
    dist_param(dp, ACD_DP_K, k);
    double x;
    if (!get_real(c, k, v, EXP_NUMBER, &x) || !check_positive(c, k, v, x)) {
        dp->bad = true;
        return;
    }
    dp->p.k = x;
    dp->p.have |= ACD_DP_K;
}

static void
dist_file(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    struct dist_parse *dp = obj;
    dist_param(dp, ACD_DP_FILE, k);
    if (!get_name(c, k, v)) {
        dp->bad = true;
        return;
    }
    dp->file = v;
    dp->p.have |= ACD_DP_FILE;
}

static const struct key_desc dist_keys[] = {
    {"dist", dist_name, KEY_REQUIRED},
    {"mean", dist_mean, 0},
    {"cv", dist_cv, 0},
    {"k", dist_k, 0},
    {"min", dist_min, 0},
    {"max", dist_max, 0},
    {"file", dist_file, 0},
};

/* `file` relative to the scenario's directory; caller frees. */
static char *
resolve_path(const struct ctx *c, const char *file)
{
    if (file[0] == '/' || !c->base_dir || !*c->base_dir || strcmp(c->base_dir, ".") == 0)
        return acd_xstrdup(file);
    size_t n = strlen(c->base_dir);
    return acd_xasprintf("%s%s%s", c->base_dir, c->base_dir[n - 1] == '/' ? "" : "/", file);
}

/* Load an empirical sample file into d (dist.c's setup expects them there),
 * with its errors located in that file but sorted at the `file:` key. */
static bool
load_samples(struct ctx *c, const struct node *file_node, const char *path, struct acd_dist *d)
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

/* `what: {dist: NAME, ...}` into *out. Returns true when *out is set up (and
 * then owns its data). */
static bool
parse_dist(struct ctx *c, const struct node *k, const struct node *v, struct acd_dist *out)
{
    if (!expect_map(c, k, v, "a mapping like {dist: exponential, mean: 3m}"))
        return false;
    struct dist_parse dp = {0};
    unsigned seen = walk_map(c, v, k->s, dist_keys, ACD_ARRAY_LEN(dist_keys), &dp);
    if (!(seen & 1u) || !dp.type)
        return false;
    /* dist_keys[1..] are the parameters in ACD_DP_* order; a misspelled
     * one (`men:`) was reported already: don't also say it is missing. */
    unsigned meant = c->meant >> 1;

    const struct acd_dist_type *t = dp.type;
    const char *usage = t->usage ? t->usage : "";
    bool ok = !dp.bad && !meant && !(c->meant & 1u);
    for (unsigned i = 0; i < ACD_ARRAY_LEN(param_names); i++) {
        unsigned bit = 1u << i;
        if ((dp.given & bit) && !(t->allowed & bit)) {
            err(c, dp.key[i], "'%s' does not apply to the %s distribution (usage: %s)",
                param_names[i], t->name, usage);
            ok = false;
        }
        if ((t->required & bit) && !((dp.given | meant) & bit)) {
            err(c, v, "the %s distribution needs '%s' (usage: %s)", t->name, param_names[i], usage);
            ok = false;
        }
    }
    if (!ok)
        return false;

    struct acd_dist d;
    memset(&d, 0, sizeof(d));
    char *path = NULL;
    if (dp.p.have & ACD_DP_FILE) {
        path = resolve_path(c, dp.file->s);
        dp.p.file = path;
        if (!load_samples(c, dp.file, path, &d)) {
            free(path);
            return false;
        }
    }
    char msg[256] = "";
    int rc = acd_dist_setup(&d, t, &dp.p, msg, sizeof(msg));
    free(path);
    if (rc != 0) {
        err(c, v, "invalid %s: %s", k->s, msg[0] ? msg : "bad parameters");
        acd_dist_fini(&d); /* frees samples loaded above */
        return false;
    }
    *out = d;
    return true;
}

/* ---------------------------------------------------------- call types */

static void
ct_name(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    struct acd_call_type *ct = obj;
    const char *s = get_name(c, k, v);
    if (!s)
        return;
    ct->name = acd_xstrdup(s);
    ct->pos.line = v->line;
    ct->pos.col = v->col;
}

static void
arr_rate(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    struct acd_call_type *ct = obj;
    const char *s = scalar(c, k, v, EXP_RATE);
    double x;
    if (!s)
        return;
    if (acd_units_parse_rate(s, &x) != 0 || !isfinite(x)) {
        err(c, v, "'%s' must be %s (found '%s')", k->s, EXP_RATE, show(s).s);
        return;
    }
    if (check_nonneg(c, k, v, x))
        ct->rate_per_s = x;
}

static const struct key_desc arrivals_keys[] = {
    {"rate", arr_rate, KEY_REQUIRED},
    {"per_interval", NULL, KEY_DAY},
    {"file", NULL, KEY_DAY},
};

static void
ct_arrivals(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    if (expect_map(c, k, v, "a mapping like {rate: 120/h}"))
        walk_map(c, v, "arrivals", arrivals_keys, ACD_ARRAY_LEN(arrivals_keys), obj);
}

static void
ct_handle_time(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    struct acd_call_type *ct = obj;
    parse_dist(c, k, v, &ct->handle);
}

static void
ct_patience(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    struct acd_call_type *ct = obj;
    ct->has_patience = parse_dist(c, k, v, &ct->patience);
}

static const struct key_desc call_type_keys[] = {
    {"name", ct_name, KEY_REQUIRED},
    {"arrivals", ct_arrivals, KEY_REQUIRED},
    {"handle_time", ct_handle_time, KEY_REQUIRED},
    {"patience", ct_patience, 0},
};

static void
top_call_types(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    struct acd_scenario *sc = obj;
    if (v->kind != N_SEQ) {
        err(c, where(k, v), "'%s' must be a list of call types (found %s)", k->s, found(v).s);
        return;
    }
    if (v->n == 0) {
        err(c, v, "'%s' must list at least one call type", k->s);
        return;
    }
    sc->call_types = acd_xcalloc(v->n, sizeof(*sc->call_types));
    sc->n_call_types = v->n;
    c->ct_listed = true;
    c->ct_names_ok = true;
    for (size_t i = 0; i < v->n; i++) {
        const struct node *item = v->kids[i];
        struct acd_call_type *ct = &sc->call_types[i];
        ct->pos.line = item->line;
        ct->pos.col = item->col;
        if (item->kind != N_MAP) {
            err(c, item,
                "a call type must be a mapping with name, arrivals and handle_time (found %s)",
                found(item).s);
            c->ct_names_ok = false;
            continue;
        }
        walk_map(c, item, "call type", call_type_keys, ACD_ARRAY_LEN(call_type_keys), ct);
        if (!ct->name)
            c->ct_names_ok = false;
    }
}

/* -------------------------------------------------------- agent groups */

struct group_parse {
    struct acd_agent_group *g;
    const struct node **skills;
};

static void
grp_name(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    struct group_parse *gp = obj;
    const char *s = get_name(c, k, v);
    if (!s)
        return;
    gp->g->name = acd_xstrdup(s);
    gp->g->pos.line = v->line;
    gp->g->pos.col = v->col;
}

static void
grp_skills(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    struct group_parse *gp = obj;
    if (v->kind != N_SEQ)
        err(c, where(k, v),
            "'%s' must be a list of call type names like [billing, payments] "
            "(found %s)",
            k->s, found(v).s);
    else if (v->n == 0)
        err(c, v, "'%s' must list at least one call type", k->s);
    else
        *gp->skills = v; /* resolved once every call type is known */
}

static void
grp_agents(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    struct group_parse *gp = obj;
    unsigned long long u;
    if (v->kind == N_SEQ) {
        err(c, v,
            "a list of 'agents' per interval needs an operating-day horizon; " ACD_DAY_UNSUPPORTED);
        return;
    }
    if (get_uint(c, k, v, ACD_SCN_MAX_AGENTS, &u))
        gp->g->agents = (unsigned)u;
}

static const struct key_desc group_keys[] = {
    {"name", grp_name, KEY_REQUIRED},
    {"skills", grp_skills, KEY_REQUIRED},
    {"agents", grp_agents, KEY_REQUIRED},
    {"shifts", NULL, KEY_DAY},
};

static void
top_agent_groups(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    struct acd_scenario *sc = obj;
    if (v->kind != N_SEQ) {
        err(c, where(k, v), "'%s' must be a list of agent groups (found %s)", k->s, found(v).s);
        return;
    }
    if (v->n == 0) {
        err(c, v, "'%s' must list at least one agent group", k->s);
        return;
    }
    sc->groups = acd_xcalloc(v->n, sizeof(*sc->groups));
    sc->n_groups = v->n;
    c->skills = acd_xcalloc(v->n, sizeof(*c->skills));
    c->groups_listed = true;
    c->groups_ok = true;
    for (size_t i = 0; i < v->n; i++) {
        const struct node *item = v->kids[i];
        struct group_parse gp = {&sc->groups[i], &c->skills[i]};
        sc->groups[i].pos.line = item->line;
        sc->groups[i].pos.col = item->col;
        if (item->kind != N_MAP) {
            err(c, item, "an agent group must be a mapping with name, skills and agents (found %s)",
                found(item).s);
            c->groups_ok = false;
            continue;
        }
        walk_map(c, item, "agent group", group_keys, ACD_ARRAY_LEN(group_keys), &gp);
        if (!c->skills[i])
            c->groups_ok = false;
    }
}

/* ------------------------------------------------------------ top level */

static void
top_name(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    struct acd_scenario *sc = obj;
    const char *s = get_name(c, k, v);
    if (s) {
        free(sc->name);
        sc->name = acd_xstrdup(s);
    }
}

static void
top_seed(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    struct acd_scenario *sc = obj;
    unsigned long long u;
    if (get_uint(c, k, v, UINT64_MAX, &u))
        sc->seed = (uint64_t)u;
}

static void
top_replications(struct ctx *c, void *obj, const struct node *k, const struct node *v)
{
    struct acd_scenario *sc = obj;
    unsigned long long u;
    if (!get_uint(c, k, v, ACD_SCN_MAX_REPLICATIONS, &u))
        return;
    if (u < 1)
        err(c, v, "'%s' must be at least 1 (found '%s')", k->s, show(v->s).s);
    else
        sc->replications = (unsigned)u;
}

static const struct key_desc top_keys[] = {
    {"name", top_name, 0},
    {"seed", top_seed, 0},
    {"replications", top_replications, 0},
    {"horizon", top_horizon, KEY_REQUIRED},
    {"service_level", top_service_level, 0},
    {"targets", top_targets, 0},
    {"call_types", top_call_types, KEY_REQUIRED},
    {"agent_groups", top_agent_groups, KEY_REQUIRED},
    {"queue", top_queue, 0},
    {"routing", top_routing, 0},
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

/* Report every repeated name; returns true if there was one. */
static bool
check_duplicates(struct ctx *c, const struct name_ix *v, size_t n, const char *what,
                 const struct acd_srcpos *(*pos)(const struct acd_scenario *, size_t))
{
    bool dup = false;
    for (size_t i = 1; i < n; i++) {
        if (strcmp(v[i].name, v[i - 1].name) != 0)
            continue;
        size_t first = i - 1;
        while (first > 0 && strcmp(v[first - 1].name, v[i].name) == 0)
            first--;
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

static void
unknown_skill(struct ctx *c, const struct node *item)
{
    const struct acd_scenario *sc = c->sc;
    const char **names = acd_xcalloc(sc->n_call_types, sizeof(*names));
    for (size_t i = 0; i < sc->n_call_types; i++)
        names[i] = sc->call_types[i].name;
    const char *near = suggest(item->s, names, sc->n_call_types);
    if (near) {
        err(c, item, "unknown call type '%s' in skills (did you mean '%s'?)", show(item->s).s,
            near);
    } else {
        char *list = join(names, sc->n_call_types);
        err(c, item, "unknown call type '%s' in skills (call types: %s)", show(item->s).s, list);
        free(list);
    }
    free(names);
}

/* Resolve every group's skills to call type indices, then check that each
 * call type is served by some group. */
static void
resolve_skills(struct ctx *c)
{
    struct acd_scenario *sc = c->sc;
    size_t n_ix = 0;
    struct name_ix *ix = name_index(sc->call_types, sc->n_call_types, sizeof(*sc->call_types),
                                    offsetof(struct acd_call_type, name), &n_ix);
    size_t *mark = acd_xcalloc(sc->n_call_types ? sc->n_call_types : 1, sizeof(*mark));
    /* With a name given twice, "not served" could be about the wrong one. */
    bool all_ok = c->ct_names_ok && c->groups_ok && !c->ct_dups;

    for (size_t g = 0; g < sc->n_groups; g++) {
        const struct node *list = c->skills[g];
        struct acd_agent_group *grp = &sc->groups[g];
        if (!list)
            continue;
        grp->skills = acd_xcalloc(list->n, sizeof(*grp->skills));
        for (size_t i = 0; i < list->n; i++) {
            const struct node *item = list->kids[i];
            if (item->kind != N_SCALAR || item->is_null) {
                err(c, item, "a skill must be a call type name (found %s)", found(item).s);
                all_ok = false;
                continue;
            }
            struct name_ix key = {item->s, 0}, *hit = NULL;
            if (n_ix) {
                /* Find the first entry with this name (ix 0 sorts first). */
                size_t lo = 0, hi = n_ix;
                while (lo < hi) {
                    size_t mid = lo + (hi - lo) / 2;
                    if (strcmp(ix[mid].name, key.name) < 0)
                        lo = mid + 1;
                    else
                        hi = mid;
                }
                if (lo < n_ix && strcmp(ix[lo].name, key.name) == 0)
                    hit = &ix[lo];
            }
            if (!hit) {
                /* Unknown names are only reliable when every call type
                 * has a name; otherwise the first error says enough. */
                if (c->ct_names_ok)
                    unknown_skill(c, item);
                all_ok = false;
                continue;
            }
            if (mark[hit->ix] == g + 1) {
                err(c, item, "call type '%s' is listed twice in skills", show(item->s).s);
                all_ok = false;
                continue;
            }
            mark[hit->ix] = g + 1;
            grp->skills[grp->n_skills++] = hit->ix;
        }
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
    free(ix);
}

static void
cross_check(struct ctx *c)
{
    struct acd_scenario *sc = c->sc;
    size_t n;
    if (c->ct_listed) {
        struct name_ix *v = name_index(sc->call_types, sc->n_call_types, sizeof(*sc->call_types),
                                       offsetof(struct acd_call_type, name), &n);
        /* With a name given twice, "not served" would be about the wrong one. */
        c->ct_dups = check_duplicates(c, v, n, "call type", ct_pos);
        free(v);
    }
    if (c->groups_listed) {
        struct name_ix *v = name_index(sc->groups, sc->n_groups, sizeof(*sc->groups),
                                       offsetof(struct acd_agent_group, name), &n);
        check_duplicates(c, v, n, "agent group", group_pos);
        free(v);
        if (c->ct_listed)
            resolve_skills(c);
    }
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
    sc->max_abandon = (double)NAN;
    sc->max_asa_s = (double)NAN;
    sc->max_occupancy = (double)NAN;
    sc->queue_capacity = ACD_UNLIMITED;
    sc->queue_lines = ACD_UNLIMITED;
    sc->routing = acd_xstrdup("longest_idle");
    return sc;
}

static struct acd_scenario *
parse(struct ctx *c, const char *text, size_t len)
{
    if (len > ACD_SCN_MAX_BYTES) {
        err_at(c, 1, 1, "scenario file is too large (more than %d MB)",
               ACD_SCN_MAX_BYTES / (1024 * 1024));
        return NULL;
    }
    struct tree t = {0};
    struct acd_scenario *sc = NULL;
    if (build_tree(c, &t, text, len) != 0)
        goto done;
    const struct node *root = t.root;
    if (!root || (root->kind == N_SCALAR && root->is_null)) {
        err_at(c, 1, 1, "empty scenario (expected a mapping with call_types and agent_groups)");
        goto done;
    }
    if (root->kind != N_MAP) {
        err(c, root, "a scenario must be a mapping with call_types and agent_groups (found %s)",
            found(root).s);
        goto done;
    }
    sc = c->sc = new_scenario(c->file);
    walk_map(c, root, "scenario", top_keys, ACD_ARRAY_LEN(top_keys), sc);
    cross_check(c);
    if (!sc->name)
        sc->name = default_name(c->file);
done:
    free_tree(&t);
    if (sc && c->d.n_errors > 0) {
        acd_scenario_free(sc);
        sc = NULL;
    }
    c->sc = NULL;
    return sc;
}

/* Move the local diagnostics to the caller's list in scenario order. */
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
    free(c.skills);
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

void
acd_scenario_free(struct acd_scenario *sc)
{
    if (!sc)
        return;
    for (size_t i = 0; i < sc->n_call_types; i++) {
        struct acd_call_type *ct = &sc->call_types[i];
        free(ct->name);
        if (ct->handle.type)
            acd_dist_fini(&ct->handle);
        if (ct->patience.type)
            acd_dist_fini(&ct->patience);
    }
    for (size_t i = 0; i < sc->n_groups; i++) {
        free(sc->groups[i].name);
        free(sc->groups[i].skills);
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
