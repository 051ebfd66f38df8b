/*
 * yamltree: libyaml's event stream into a small tree with positions (see
 * yamltree.h). Only the first problem is reported: after a syntax error
 * libyaml cannot go on, and a tree limit hit means the input is hostile or
 * broken beyond use.
 */
#include "yamltree.h"
#include "util.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

enum { CHUNK_NODES = 256 };

/* Nodes come from chunks so a large file costs few allocations, and so
 * aliases (shared nodes) are freed exactly once. */
struct acd_ytree_chunk {
    struct acd_ytree_chunk *next;
    size_t used;
    struct acd_ynode v[CHUNK_NODES];
};

struct acd_ytree_anchor {
    char *name;
    struct acd_ynode *node;
};

struct acd_yshown
acd_ytree_show(const char *s)
{
    struct acd_yshown r;
    size_t n = strlen(s), i;
    bool cut = n > ACD_YTREE_SHOW;
    if (cut) {
        n = ACD_YTREE_SHOW;
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

struct acd_yshown
acd_ytree_found(const struct acd_ynode *v)
{
    struct acd_yshown r;
    if (v->kind == ACD_Y_MAP)
        strcpy(r.s, "a mapping");
    else if (v->kind == ACD_Y_SEQ)
        strcpy(r.s, "a list");
    else if (v->is_null)
        strcpy(r.s, "nothing");
    else {
        struct acd_yshown t = acd_ytree_show(v->s);
        size_t n = strlen(t.s); /* at most ACD_YTREE_SHOW + 3 */
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

/* Record the problem (only one is ever reported). */
__attribute__((format(printf, 4, 5))) static void
fail(struct acd_yerror *e, unsigned line, unsigned col, const char *fmt, ...)
{
    if (e->msg)
        return;
    va_list ap;
    va_start(ap, fmt);
    e->msg = vformat(fmt, ap);
    va_end(ap);
    e->line = line;
    e->col = col;
}

/* ------------------------------------------------------- building the tree */

static unsigned
to_uint(size_t x)
{
    return x >= UINT_MAX ? UINT_MAX : (unsigned)x;
}

/* libyaml's mark.index counts characters, and not a UTF-8 byte-order mark:
 * this turns it into a byte offset of the text, walking from the last one
 * (marks come nearly in order, so the walks are short). */
struct offsets {
    const char *text;
    size_t len;
    size_t chr, byte; /* the last conversion */
    size_t bom;       /* the byte-order mark's length */
    bool utf8;
};

static void
offsets_init(struct offsets *o, const char *text, size_t len)
{
    const unsigned char *u = (const unsigned char *)text;
    bool utf16 = len >= 2 && ((u[0] == 0xFE && u[1] == 0xFF) || (u[0] == 0xFF && u[1] == 0xFE));
    *o = (struct offsets){.text = text, .len = len, .utf8 = !utf16};
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        o->bom = o->byte = 3;
}

static bool
is_continuation(char ch)
{
    return ((unsigned char)ch & 0xC0) == 0x80;
}

static size_t
byte_offset(struct offsets *o, size_t index)
{
    if (!o->utf8)
        return index; /* UTF-16: documented as characters */
    while (o->chr < index && o->byte < o->len) {
        o->byte++;
        while (o->byte < o->len && is_continuation(o->text[o->byte]))
            o->byte++;
        o->chr++;
    }
    while (o->chr > index && o->byte > o->bom) {
        o->byte--;
        while (o->byte > o->bom && is_continuation(o->text[o->byte]))
            o->byte--;
        o->chr--;
    }
    return o->byte;
}

static struct acd_ynode *
new_node(struct acd_ytree *t, enum acd_ynode_kind kind, yaml_mark_t mark)
{
    if (!t->chunks || t->chunks->used == CHUNK_NODES) {
        struct acd_ytree_chunk *ch = acd_xmalloc(sizeof(*ch));
        ch->next = t->chunks;
        ch->used = 0;
        t->chunks = ch;
    }
    struct acd_ynode *n = &t->chunks->v[t->chunks->used++];
    memset(n, 0, sizeof(*n));
    n->kind = kind;
    n->line = to_uint(mark.line + 1);
    n->col = to_uint(mark.column + 1);
    return n;
}

void
acd_ytree_free(struct acd_ytree *t)
{
    for (struct acd_ytree_chunk *ch = t->chunks, *next; ch; ch = next) {
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
yaml_problem(struct acd_yerror *e, const yaml_parser_t *p, const char *text, size_t len)
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
            fail(e, line, col, "%s (bytes %s; is the file UTF-8?)", problem, bytes);
            break;
        }
        offset_pos(text, len, off, &line, &col);
        if (p->problem_value < 0)
            fail(e, line, col, "%s", problem);
        else if (strstr(problem, "octet"))
            fail(e, line, col, "%s (byte 0x%02X; is the file UTF-8?)", problem,
                 (unsigned)p->problem_value);
        else
            fail(e, line, col, "%s (U+%04X)", problem, (unsigned)p->problem_value);
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
            fail(e, line, col, "%s (%s that started at line %u, column %u)%s", problem, p->context,
                 cline, ccol, hint);
        else
            fail(e, line, col, "%s%s", problem, hint);
        break;
    }
    case YAML_MEMORY_ERROR:
        acd_oom(0); /* libyaml does not say how much it asked for */
    default:
        fail(e, to_uint(p->problem_mark.line + 1), to_uint(p->problem_mark.column + 1), "%s",
             problem);
        break;
    }
}

static void
add_anchor(struct acd_ytree *t, const yaml_char_t *name, struct acd_ynode *n)
{
    t->anchors = acd_xgrow(t->anchors, &t->cap_anchors, t->n_anchors + 1, sizeof(*t->anchors));
    t->anchors[t->n_anchors].name = acd_xstrdup((const char *)name);
    t->anchors[t->n_anchors].node = n;
    t->n_anchors++;
}

static struct acd_ynode *
find_anchor(const struct acd_ytree *t, const yaml_char_t *name)
{
    /* Latest definition wins, as in YAML. */
    for (size_t i = t->n_anchors; i-- > 0;)
        if (strcmp(t->anchors[i].name, (const char *)name) == 0)
            return t->anchors[i].node;
    return NULL;
}

struct open_coll {
    struct acd_ynode *node;
    char *anchor; /* registered when the collection ends: no cycles */
};

/* What one acd_ytree_build call works with. */
struct builder {
    struct acd_ytree *t;
    struct acd_yerror *e;
    unsigned flags;
    struct offsets off;
    struct open_coll stack[ACD_YTREE_MAX_DEPTH];
    size_t depth;
    int docs;
};

static void
attach(struct builder *b, struct acd_ynode *n)
{
    if (b->depth == 0) {
        b->t->root = n;
        return;
    }
    struct acd_ynode *parent = b->stack[b->depth - 1].node;
    parent->kids = acd_xgrow(parent->kids, &parent->cap, parent->n + 1, sizeof(*parent->kids));
    parent->kids[parent->n++] = n;
}

/* A node for the event, with its position. */
static struct acd_ynode *
event_node(struct builder *b, enum acd_ynode_kind kind, const yaml_event_t *ev)
{
    struct acd_ynode *n = new_node(b->t, kind, ev->start_mark);
    n->start = byte_offset(&b->off, ev->start_mark.index);
    n->end = byte_offset(&b->off, ev->end_mark.index);
    return n;
}

/* One event into the tree. Returns 1 at the end of the stream, 0 to go on,
 * -1 after reporting an error. */
static int
take_event(struct builder *b, const yaml_event_t *ev)
{
    struct acd_ytree *t = b->t;
    struct acd_yerror *e = b->e;
    unsigned line = to_uint(ev->start_mark.line + 1), col = to_uint(ev->start_mark.column + 1);
    const yaml_char_t *anchor = NULL;
    struct acd_ynode *n;

    switch (ev->type) {
    case YAML_STREAM_END_EVENT:
        return 1;
    case YAML_DOCUMENT_START_EVENT:
        if (b->docs++ > 0) {
            fail(e, line, col,
                 "multiple YAML documents in one scenario file (only one is allowed)");
            return -1;
        }
        return 0;
    case YAML_SCALAR_EVENT:
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
    case YAML_ALIAS_EVENT:
        if (++t->n_items > ACD_YTREE_MAX_NODES) {
            fail(e, line, col, "scenario is too large (more than %d YAML nodes)",
                 ACD_YTREE_MAX_NODES);
            return -1;
        }
        break;
    default:
        break;
    }

    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        n = event_node(b, ACD_Y_SCALAR, ev);
        n->len = ev->data.scalar.length;
        n->s = acd_xstrndup((const char *)ev->data.scalar.value, n->len);
        n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        n->is_null = n->plain && is_null_text(n->s, n->len) && !ev->data.scalar.tag;
        anchor = ev->data.scalar.anchor;
        attach(b, n);
        break;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        if (b->depth == ACD_YTREE_MAX_DEPTH) {
            fail(e, line, col, "nesting is too deep (more than %d levels)", ACD_YTREE_MAX_DEPTH);
            return -1;
        }
        bool seq = ev->type == YAML_SEQUENCE_START_EVENT;
        n = event_node(b, seq ? ACD_Y_SEQ : ACD_Y_MAP, ev);
        n->flow = seq ? ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
                      : ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
        attach(b, n);
        anchor = seq ? ev->data.sequence_start.anchor : ev->data.mapping_start.anchor;
        b->stack[b->depth].node = n;
        b->stack[b->depth].anchor = anchor ? acd_xstrdup((const char *)anchor) : NULL;
        b->depth++;
        return 0;
    }
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: {
        ACD_ASSERT(b->depth > 0);
        struct open_coll *c = &b->stack[--b->depth];
        c->node->end = byte_offset(&b->off, ev->end_mark.index);
        if (c->anchor) {
            if (t->n_anchors == ACD_YTREE_MAX_ANCHORS) {
                fail(e, line, col, "too many anchors (more than %d)", ACD_YTREE_MAX_ANCHORS);
                return -1;
            }
            add_anchor(t, (const yaml_char_t *)c->anchor, c->node);
            free(c->anchor);
            c->anchor = NULL;
        }
        return 0;
    }
    case YAML_ALIAS_EVENT: {
        struct acd_ynode *target = find_anchor(t, ev->data.alias.anchor);
        if (!target) {
            fail(e, line, col, "undefined alias '%s' (an alias must follow its anchor)",
                 acd_ytree_show((const char *)ev->data.alias.anchor).s);
            return -1;
        }
        if (b->flags & ACD_YTREE_ALIAS_NODES) {
            n = event_node(b, ACD_Y_ALIAS, ev);
            n->s = acd_xstrdup((const char *)ev->data.alias.anchor);
            n->len = strlen(n->s);
            n->target = target;
            target = n;
        }
        attach(b, target);
        return 0;
    }
    default:
        return 0;
    }

    if (anchor) {
        if (t->n_anchors == ACD_YTREE_MAX_ANCHORS) {
            fail(e, line, col, "too many anchors (more than %d)", ACD_YTREE_MAX_ANCHORS);
            return -1;
        }
        add_anchor(t, anchor, n);
    }
    return 0;
}

int
acd_ytree_build(struct acd_ytree *t, const char *text, size_t len, unsigned flags,
                struct acd_yerror *e)
{
    e->line = e->col = 1;
    e->msg = NULL;
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        acd_oom(0); /* libyaml does not say how much it asked for */
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);

    struct builder b = {.t = t, .e = e, .flags = flags};
    offsets_init(&b.off, text, len);
    int rc;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            yaml_problem(e, &p, text, len);
            rc = -1;
            break;
        }
        rc = take_event(&b, &ev);
        yaml_event_delete(&ev);
        if (rc != 0)
            break;
    }
    for (size_t i = 0; i < b.depth; i++)
        free(b.stack[i].anchor);
    yaml_parser_delete(&p);
    if (rc < 0) {
        acd_ytree_free(t);
        if (!e->msg)
            fail(e, 1, 1, "invalid YAML");
        return -1;
    }
    return 0;
}
