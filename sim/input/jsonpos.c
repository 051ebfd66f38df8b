/*
 * jsonpos: where a value is in a JSON document's text (line and column),
 * for diagnostics: jansson keeps no positions, so the text is walked
 * again along the value's path (see jsonpos.h).
 *
 * Not a parser: it checks nothing and builds nothing, and it never reads
 * past the text whatever it holds. Not here: what the document means
 * (results_read.c).
 */
#include "jsonpos.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------ paths */

struct acd_jsonpos_path
acd_jsonpos_key(const struct acd_jsonpos_path *up, const char *key)
{
    return (struct acd_jsonpos_path){.up = up, .key = key};
}

struct acd_jsonpos_path
acd_jsonpos_index(const struct acd_jsonpos_path *up, size_t index)
{
    return (struct acd_jsonpos_path){.up = up, .index = index};
}

/* The chain from the root down, in v[0..n). A deeper path is a bug of
 * the caller. */
static size_t
path_steps(const struct acd_jsonpos_path *p, const struct acd_jsonpos_path **v)
{
    size_t n = 0;
    for (const struct acd_jsonpos_path *q = p; q; q = q->up)
        n++;
    ACD_ASSERT(n <= ACD_JSONPOS_MAX_DEPTH);
    size_t i = n;
    for (const struct acd_jsonpos_path *q = p; q; q = q->up)
        v[--i] = q;
    return n;
}

char *
acd_jsonpos_path_text(const struct acd_jsonpos_path *p)
{
    const struct acd_jsonpos_path *v[ACD_JSONPOS_MAX_DEPTH];
    size_t n = path_steps(p, v);
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += v[i]->key ? strlen(v[i]->key) + 1 : 24;
    char *s = acd_xmalloc(len), *w = s;
    *w = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t room = len - (size_t)(w - s);
        int k = v[i]->key ? snprintf(w, room, "%s%s", i ? "." : "", v[i]->key)
                          : snprintf(w, room, "[%zu]", v[i]->index);
        w += k > 0 ? (size_t)k : 0;
    }
    return s;
}

/* ----------------------------------------------------------- text cursor */

/* A position in the text with its 1-based line and column. Columns count
 * characters (UTF-8 sequences), as jansson's do. Every step checks the
 * end, so the walks below are safe on any text. */
struct cursor {
    const char *s;
    size_t n, i;
    unsigned line, col;
};

static bool
at_end(const struct cursor *c)
{
    return c->i >= c->n;
}

static char
peek(const struct cursor *c)
{
    return at_end(c) ? '\0' : c->s[c->i];
}

static void
advance(struct cursor *c)
{
    if (at_end(c))
        return;
    unsigned char b = (unsigned char)c->s[c->i++];
    if (b == '\n') {
        c->line++;
        c->col = 1;
    } else if ((b & 0xC0) != 0x80) {
        c->col++;
    }
}

static void
skip_ws(struct cursor *c)
{
    while (!at_end(c) && strchr(" \t\r\n", c->s[c->i]))
        advance(c);
}

/* At an opening quote: past the closing one (or to the end). */
static void
skip_string(struct cursor *c)
{
    advance(c);
    while (!at_end(c)) {
        char ch = peek(c);
        advance(c);
        if (ch == '\\')
            advance(c);
        else if (ch == '"')
            return;
    }
}

/* Past one value. Containers by counting brackets (strings skipped whole),
 * without recursion, so no nesting can exhaust the stack. */
static void
skip_value(struct cursor *c)
{
    char ch = peek(c);
    if (ch == '"') {
        skip_string(c);
        return;
    }
    if (ch != '{' && ch != '[') {
        while (!at_end(c) && !strchr(",]} \t\r\n", peek(c)))
            advance(c);
        return;
    }
    size_t depth = 0;
    while (!at_end(c)) {
        ch = peek(c);
        if (ch == '"') {
            skip_string(c);
            continue;
        }
        advance(c);
        if (ch == '{' || ch == '[')
            depth++;
        else if ((ch == '}' || ch == ']') && --depth == 0)
            return;
    }
}

static int
hex_digit(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Four hex digits after "\u"; -1 if malformed. */
static long
read_u4(struct cursor *c)
{
    long v = 0;
    for (int k = 0; k < 4; k++) {
        int d = hex_digit(peek(c));
        if (d < 0)
            return -1;
        v = v * 16 + d;
        advance(c);
    }
    return v;
}

/* One character of a string token, escapes decoded to UTF-8 in buf;
 * returns its length (0 at the closing quote or a malformed escape). */
static size_t
string_char(struct cursor *c, char buf[4])
{
    char ch = peek(c);
    if (at_end(c) || ch == '"')
        return 0;
    advance(c);
    if (ch != '\\') {
        buf[0] = ch;
        return 1;
    }
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    ch = peek(c);
    advance(c);
    const char *e = ch ? strchr(from, ch) : NULL;
    if (e) {
        buf[0] = to[e - from];
        return 1;
    }
    if (ch != 'u')
        return 0;
    long u = read_u4(c);
    if (u >= 0xD800 && u < 0xDC00 && peek(c) == '\\') { /* a surrogate pair */
        advance(c);
        advance(c);
        long lo = read_u4(c);
        if (lo < 0xDC00 || lo > 0xDFFF)
            return 0;
        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
    }
    if (u < 0)
        return 0;
    if (u < 0x80) {
        buf[0] = (char)u;
        return 1;
    }
    if (u < 0x800) {
        buf[0] = (char)(0xC0 | (u >> 6));
        buf[1] = (char)(0x80 | (u & 0x3F));
        return 2;
    }
    if (u < 0x10000) {
        buf[0] = (char)(0xE0 | (u >> 12));
        buf[1] = (char)(0x80 | ((u >> 6) & 0x3F));
        buf[2] = (char)(0x80 | (u & 0x3F));
        return 3;
    }
    buf[0] = (char)(0xF0 | (u >> 18));
    buf[1] = (char)(0x80 | ((u >> 12) & 0x3F));
    buf[2] = (char)(0x80 | ((u >> 6) & 0x3F));
    buf[3] = (char)(0x80 | (u & 0x3F));
    return 4;
}

/* At a string token: whether it spells `key` (escapes decoded); always
 * moves past the token. */
static bool
key_equals(struct cursor *c, const char *key)
{
    if (peek(c) != '"')
        return false;
    advance(c);
    size_t k = 0, klen = strlen(key);
    bool eq = true;
    char buf[4];
    size_t m;
    while ((m = string_char(c, buf)) > 0) {
        eq = eq && k + m <= klen && memcmp(key + k, buf, m) == 0;
        k += m;
    }
    if (peek(c) != '"') { /* a malformed escape: not a key we know */
        eq = false;
        while (!at_end(c) && peek(c) != '"') {
            if (peek(c) == '\\')
                advance(c);
            advance(c);
        }
    }
    advance(c);
    return eq && k == klen;
}

/* Walks the text along the path, skipping every value off it whole. */
void
acd_jsonpos_locate(const char *text, size_t len, const struct acd_jsonpos_path *p, bool at_name,
                   unsigned *line, unsigned *col)
{
    const struct acd_jsonpos_path *v[ACD_JSONPOS_MAX_DEPTH];
    size_t n = path_steps(p, v);
    struct cursor c = {.s = text, .n = len, .line = 1, .col = 1};
    skip_ws(&c);
    for (size_t d = 0; d < n; d++) {
        struct cursor container = c;
        bool found = false;
        if (v[d]->key && peek(&c) == '{') {
            advance(&c);
            for (;;) {
                skip_ws(&c);
                if (peek(&c) != '"')
                    break;
                struct cursor name = c;
                bool eq = key_equals(&c, v[d]->key);
                skip_ws(&c);
                if (peek(&c) == ':')
                    advance(&c);
                skip_ws(&c);
                if (eq) {
                    found = true;
                    if (at_name && d + 1 == n)
                        c = name;
                    break;
                }
                skip_value(&c);
                skip_ws(&c);
                if (peek(&c) != ',')
                    break;
                advance(&c);
            }
        } else if (!v[d]->key && peek(&c) == '[') {
            advance(&c);
            for (size_t k = 0;; k++) {
                skip_ws(&c);
                if (at_end(&c) || peek(&c) == ']')
                    break;
                if (k == v[d]->index) {
                    found = true;
                    break;
                }
                skip_value(&c);
                skip_ws(&c);
                if (peek(&c) != ',')
                    break;
                advance(&c);
            }
        }
        if (!found) {
            c = container;
            break;
        }
    }
    *line = c.line;
    *col = c.col;
}

bool
acd_jsonpos_member(const char *text, size_t len, const char *key, size_t *at)
{
    struct cursor c = {.s = text, .n = len, .line = 1, .col = 1};
    skip_ws(&c);
    if (peek(&c) != '{')
        return false;
    advance(&c);
    for (;;) {
        skip_ws(&c);
        if (peek(&c) != '"')
            return false;
        bool eq = key_equals(&c, key);
        skip_ws(&c);
        if (peek(&c) != ':')
            return false;
        advance(&c);
        skip_ws(&c);
        if (eq)
            break;
        skip_value(&c);
        skip_ws(&c);
        if (peek(&c) != ',')
            return false;
        advance(&c);
    }
    *at = c.i;
    return true;
}
