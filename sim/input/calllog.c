/*
 * calllog: an ACD's call records read as a stream (contract in calllog.h,
 * the user's view in docs/calibrate.md).
 *
 * One pass over the bytes: a small state machine splits a record (RFC 4180:
 * quoted fields may hold commas, doubled quotes and line ends) into one
 * reused buffer, each field NUL-terminated in place, with its line and byte
 * column. The buffer grows to the longest record and no further than
 * MAX_RECORD: memory does not depend on the number of rows, and no row
 * allocates. Fields are then read only as far as the row's outcome needs
 * them (an abandoned call's answer time is never parsed).
 */
#include "calllog.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_RECORD  (64u * 1024u) /* bytes of one line (record) */
#define IN_BUF      (256u * 1024u)
#define DAY_S       86400.0
#define HALF_DAY_S  43200.0
#define SHOW_FIELD  40 /* bytes of a field quoted in a message */
#define SHOW_HEADER 8  /* header names listed in a message */

const char *const acd_calllog_skip_names[ACD_CALLLOG_SKIP_REASONS] = {
    [ACD_CALLLOG_SKIP_FIELDS] = "fields", [ACD_CALLLOG_SKIP_TIME] = "time",
    [ACD_CALLLOG_SKIP_ORDER] = "order",   [ACD_CALLLOG_SKIP_OUTCOME] = "outcome",
    [ACD_CALLLOG_SKIP_DATE] = "date",
};

static const char *const role_names[ACD_CALLLOG_ROLES] = {
    [ACD_CALLLOG_ARRIVAL] = "arrival", [ACD_CALLLOG_ANSWER] = "answer",
    [ACD_CALLLOG_END] = "end",         [ACD_CALLLOG_EXIT] = "exit",
    [ACD_CALLLOG_WAIT] = "wait",       [ACD_CALLLOG_SERVICE] = "service",
    [ACD_CALLLOG_OUTCOME] = "outcome", [ACD_CALLLOG_TYPE] = "type",
    [ACD_CALLLOG_AGENT] = "agent",     [ACD_CALLLOG_CUSTOMER] = "customer",
    [ACD_CALLLOG_DATE] = "date",
};
/* `source=COLUMN` in --columns: not a role of the record, a filter. */
#define SOURCE_KEY "source"

static const char *const outcome_names[ACD_CALLLOG_OUTCOMES] = {
    [ACD_CALLLOG_ANSWERED] = "answered",
    [ACD_CALLLOG_ABANDONED] = "abandoned",
    [ACD_CALLLOG_BLOCKED] = "blocked",
    [ACD_CALLLOG_IGNORE] = "ignore",
};

/* The SOURCE values of an offered call (acdsim's trace); any other value
 * is a leg continuing a call (escalation, transfer, transferred). */
static const char *const offered_sources[] = {"fresh", "retrial", "repeat", "callback"};

/* Agent values that mean "nobody" (Anonymous Bank's NO_SERVER). */
static const char *const no_agent_values[] = {"NO_SERVER"};

/* ------------------------------------------------------------ presets */

struct preset_value {
    const char *text;
    enum acd_calllog_outcome is;
};

struct preset {
    const char *name;
    const char *column[ACD_CALLLOG_ROLES];
    unsigned optional; /* bits 1u << role */
    const char *source;
    bool zero_arrival_is_none;
    struct preset_value values[ACD_CALLLOG_MAX_VALUES];
};

#define BIT(role) (1u << (role))

static const struct preset presets[] = {
    {
        .name = "anonymous-bank",
        .column =
            {
                [ACD_CALLLOG_ARRIVAL] = "q_start",
                [ACD_CALLLOG_ANSWER] = "ser_start",
                [ACD_CALLLOG_END] = "ser_exit",
                [ACD_CALLLOG_EXIT] = "q_exit",
                [ACD_CALLLOG_WAIT] = "q_time",
                [ACD_CALLLOG_SERVICE] = "ser_time",
                [ACD_CALLLOG_OUTCOME] = "outcome",
                [ACD_CALLLOG_TYPE] = "type",
                [ACD_CALLLOG_AGENT] = "server",
                [ACD_CALLLOG_CUSTOMER] = "customer_id",
                [ACD_CALLLOG_DATE] = "date",
            },
        .optional = BIT(ACD_CALLLOG_CUSTOMER) | BIT(ACD_CALLLOG_DATE),
        .zero_arrival_is_none = true,
        .values = {{"AGENT", ACD_CALLLOG_ANSWERED},
                   {"HANG", ACD_CALLLOG_ABANDONED},
                   {"PHANTOM", ACD_CALLLOG_IGNORE}},
    },
    {
        .name = "acdsim-trace",
        .column =
            {
                [ACD_CALLLOG_ARRIVAL] = "arrival_s",
                [ACD_CALLLOG_END] = "done_s",
                [ACD_CALLLOG_EXIT] = "end_s",
                [ACD_CALLLOG_OUTCOME] = "outcome",
                [ACD_CALLLOG_TYPE] = "type",
                [ACD_CALLLOG_AGENT] = "agent",
                [ACD_CALLLOG_CUSTOMER] = "issue_id",
            },
        .optional = BIT(ACD_CALLLOG_AGENT),
        .source = "source",
        .values = {{"answered", ACD_CALLLOG_ANSWERED},
                   {"abandoned", ACD_CALLLOG_ABANDONED},
                   {"blocked", ACD_CALLLOG_BLOCKED},
                   {"balked", ACD_CALLLOG_IGNORE},
                   {"timeout", ACD_CALLLOG_IGNORE},
                   {"callback", ACD_CALLLOG_IGNORE},
                   {"disconnected", ACD_CALLLOG_IGNORE},
                   {"voicemail", ACD_CALLLOG_IGNORE}},
    },
};

static void
map_from_preset(struct acd_calllog_map *m, const struct preset *p)
{
    memset(m, 0, sizeof(*m));
    for (int r = 0; r < ACD_CALLLOG_ROLES; r++)
        if (p->column[r])
            m->column[r] = acd_xstrdup(p->column[r]);
    m->optional = p->optional;
    m->source = p->source ? acd_xstrdup(p->source) : NULL;
    m->zero_arrival_is_none = p->zero_arrival_is_none;
    for (size_t i = 0; i < ACD_CALLLOG_MAX_VALUES && p->values[i].text; i++) {
        m->value[i] = acd_xstrdup(p->values[i].text);
        m->value_is[i] = p->values[i].is;
        m->n_values = i + 1;
    }
}

void
acd_calllog_map_fini(struct acd_calllog_map *m)
{
    for (int r = 0; r < ACD_CALLLOG_ROLES; r++)
        free(m->column[r]);
    for (size_t i = 0; i < m->n_values; i++)
        free(m->value[i]);
    free(m->source);
    memset(m, 0, sizeof(*m));
}

/* The closest of cands[n] to word (a misspelling: edit distance at most 2
 * and less than half the word), or NULL. */
static const char *
suggest(const char *word, const char *const *cands, size_t n)
{
    if (strlen(word) > 64)
        return NULL;
    const char *best = NULL;
    size_t best_d = 3;
    for (size_t i = 0; i < n; i++) {
        if (strlen(cands[i]) > 64)
            continue;
        size_t d = acd_edit_distance(word, cands[i]);
        if (d < best_d && 2 * d < strlen(cands[i]) + 1) {
            best = cands[i];
            best_d = d;
        }
    }
    return best;
}

/* ------------------------------------------------------------ the map's completeness */

static bool
has_kind(const struct acd_calllog_map *m, enum acd_calllog_outcome k)
{
    for (size_t i = 0; i < m->n_values; i++)
        if (m->value_is[i] == k)
            return true;
    return false;
}

/* Every role the outcomes in m need is mapped; errors at file:line:col. */
static int
map_check(const struct acd_calllog_map *m, struct acd_diags *d, const char *file, unsigned line,
          unsigned col)
{
    size_t before = d->n_errors;
    const char *const *c = (const char *const *)m->column;
    if (!c[ACD_CALLLOG_ARRIVAL])
        acd_diags_error(d, file, line, col,
                        "no arrival column: the mapping needs arrival=COLUMN (when the call "
                        "reached the queue)");
    if (!c[ACD_CALLLOG_OUTCOME])
        acd_diags_error(d, file, line, col, "no outcome column: the mapping needs outcome=COLUMN");
    else if (m->n_values == 0)
        acd_diags_error(d, file, line, col,
                        "no outcome values: add outcome.VALUE=answered|abandoned|blocked|ignore "
                        "for each value of the outcome column");
    if (has_kind(m, ACD_CALLLOG_ANSWERED)) {
        if (!c[ACD_CALLLOG_ANSWER] && !c[ACD_CALLLOG_EXIT] && !c[ACD_CALLLOG_WAIT])
            acd_diags_error(d, file, line, col,
                            "answered calls need their answer time: map answer=, exit= or wait=");
        if (!c[ACD_CALLLOG_END] && !c[ACD_CALLLOG_SERVICE])
            acd_diags_error(d, file, line, col,
                            "answered calls need their handle time: map end= or service=");
    }
    if (has_kind(m, ACD_CALLLOG_ABANDONED) && !c[ACD_CALLLOG_WAIT] && !c[ACD_CALLLOG_EXIT])
        acd_diags_error(d, file, line, col, "abandoned calls need their wait: map wait= or exit=");
    return d->n_errors > before ? -1 : 0;
}

/* ------------------------------------------------------------ --columns */

static int
find_role(const char *key, size_t len)
{
    for (int r = 0; r < ACD_CALLLOG_ROLES; r++)
        if (strlen(role_names[r]) == len && memcmp(role_names[r], key, len) == 0)
            return r;
    return -1;
}

static int
find_kind(const char *s)
{
    for (int k = 0; k < ACD_CALLLOG_OUTCOMES; k++)
        if (strcmp(outcome_names[k], s) == 0)
            return k;
    return -1;
}

#define COLS "--columns"

/* One ROLE=COLUMN or outcome.VALUE=KIND item (item[0..len), at col). */
static void
parse_item(struct acd_calllog_map *m, const char *item, size_t len, unsigned col,
           unsigned role_col[ACD_CALLLOG_ROLES + 1], unsigned value_col[ACD_CALLLOG_MAX_VALUES],
           struct acd_diags *d)
{
    char *it = acd_xstrndup(item, len);
    char *eq = strchr(it, '=');
    if (!eq) {
        const char *names[ACD_ARRAY_LEN(presets)];
        for (size_t i = 0; i < ACD_ARRAY_LEN(presets); i++)
            names[i] = presets[i].name;
        const char *s = suggest(it, names, ACD_ARRAY_LEN(presets));
        if (s)
            acd_diags_error(d, COLS, 1, col, "'%s' has no '=' (did you mean the preset '%s'?)", it,
                            s);
        else
            acd_diags_error(d, COLS, 1, col,
                            "'%s' has no '=': write ROLE=COLUMN or outcome.VALUE=KIND, or a "
                            "preset (anonymous-bank, acdsim-trace)",
                            it);
        free(it);
        return;
    }
    /* Blanks around the '=' are not part of the key or the column. */
    char *ke = eq;
    while (ke > it && (ke[-1] == ' ' || ke[-1] == '\t'))
        ke--;
    *ke = '\0';
    const char *key = it, *val = eq + 1;
    while (*val == ' ' || *val == '\t')
        val++;
    if (strncmp(key, "outcome.", 8) == 0) {
        const char *text = key + 8;
        int k = find_kind(val);
        if (!*text)
            acd_diags_error(d, COLS, 1, col, "'outcome.' names no value: write outcome.VALUE=KIND");
        else if (k < 0) {
            const char *s = suggest(val, outcome_names, ACD_CALLLOG_OUTCOMES);
            if (s)
                acd_diags_error(d, COLS, 1, col,
                                "unknown outcome kind '%s' for '%s' (did you mean '%s'?)", val,
                                text, s);
            else
                acd_diags_error(d, COLS, 1, col,
                                "unknown outcome kind '%s' for '%s': answered, abandoned, "
                                "blocked or ignore",
                                val, text);
        } else {
            size_t i = 0;
            while (i < m->n_values && strcmp(m->value[i], text) != 0)
                i++;
            if (i < m->n_values)
                acd_diags_error(d, COLS, 1, col, "outcome value '%s' given twice (first at %u)",
                                text, value_col[i]);
            else if (m->n_values == ACD_CALLLOG_MAX_VALUES)
                acd_diags_error(d, COLS, 1, col, "more than %d outcome values",
                                ACD_CALLLOG_MAX_VALUES);
            else {
                m->value[m->n_values] = acd_xstrdup(text);
                m->value_is[m->n_values] = (enum acd_calllog_outcome)k;
                value_col[m->n_values++] = col;
            }
        }
        free(it);
        return;
    }
    int r = find_role(key, strlen(key));
    bool is_source = strcmp(key, SOURCE_KEY) == 0;
    if (r < 0 && !is_source) {
        const char *cands[ACD_CALLLOG_ROLES + 1];
        for (int i = 0; i < ACD_CALLLOG_ROLES; i++)
            cands[i] = role_names[i];
        cands[ACD_CALLLOG_ROLES] = SOURCE_KEY;
        const char *s = suggest(key, cands, ACD_CALLLOG_ROLES + 1);
        if (s)
            acd_diags_error(d, COLS, 1, col, "unknown role '%s' (did you mean '%s'?)", key, s);
        else
            acd_diags_error(d, COLS, 1, col,
                            "unknown role '%s': arrival, answer, end, exit, wait, service, "
                            "outcome, type, agent, customer, date, source",
                            key);
    } else if (!*val) {
        acd_diags_error(d, COLS, 1, col, "'%s=' names no column", key);
    } else {
        int slot = is_source ? ACD_CALLLOG_ROLES : r;
        char **dst = is_source ? &m->source : &m->column[r];
        if (*dst)
            acd_diags_error(d, COLS, 1, col, "role '%s' given twice (first at %u)", key,
                            role_col[slot]);
        else {
            *dst = acd_xstrdup(val);
            role_col[slot] = col;
        }
    }
    free(it);
}

int
acd_calllog_map_parse(const char *text, struct acd_calllog_map *m, struct acd_diags *diags)
{
    memset(m, 0, sizeof(*m));
    for (size_t i = 0; i < ACD_ARRAY_LEN(presets); i++)
        if (strcmp(text, presets[i].name) == 0) {
            map_from_preset(m, &presets[i]);
            return 0;
        }
    size_t before = diags->n_errors;
    unsigned role_col[ACD_CALLLOG_ROLES + 1] = {0};
    unsigned value_col[ACD_CALLLOG_MAX_VALUES] = {0};
    const char *p = text;
    if (!*text) {
        acd_diags_error(diags, COLS, 1, 1, "empty: give a preset or ROLE=COLUMN items");
        return -1;
    }
    for (;;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        /* Spaces around an item are not part of it. */
        const char *s = p;
        while (s < p + len && (*s == ' ' || *s == '\t'))
            s++;
        size_t n = len - (size_t)(s - p);
        while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        unsigned col = (unsigned)(s - text) + 1;
        if (n == 0)
            acd_diags_error(diags, COLS, 1, col, "empty item (two commas in a row?)");
        else
            parse_item(m, s, n, col, role_col, value_col, diags);
        if (!e)
            break;
        p = e + 1;
    }
    if (diags->n_errors == before)
        map_check(m, diags, COLS, 1, 1);
    if (diags->n_errors > before) {
        acd_calllog_map_fini(m);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------ CSV records */

struct field {
    size_t off; /* in buf */
    unsigned long line;
    unsigned col;
};

struct csv {
    FILE *f; /* NULL: reading the string in[0..in_len) */
    const char *path;
    unsigned char *in;
    size_t in_pos, in_len;
    char *buf; /* the record's fields, each NUL-terminated */
    size_t len, cap;
    struct field *fld;
    size_t n, fcap;
    unsigned long line; /* of the next byte */
    unsigned col;       /* of the next byte */
    unsigned long rec_line;
    int read_errno; /* a read error (ferror) */
};

static bool
refill(struct csv *c)
{
    if (!c->f)
        return false;
    c->in_len = fread(c->in, 1, IN_BUF, c->f);
    c->in_pos = 0;
    if (c->in_len == 0 && ferror(c->f))
        c->read_errno = errno ? errno : EIO;
    return c->in_len > 0;
}

static inline int
next_byte(struct csv *c)
{
    if (c->in_pos == c->in_len && !refill(c))
        return EOF;
    return c->in[c->in_pos++];
}

static inline void
put(struct csv *c, char ch)
{
    if (c->len == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 1024;
        c->buf = acd_xrealloc(c->buf, c->cap);
    }
    c->buf[c->len++] = ch;
}

static void
field_open(struct csv *c)
{
    c->fld = acd_xgrow(c->fld, &c->fcap, c->n + 1, sizeof(*c->fld));
    c->fld[c->n++] = (struct field){.off = c->len, .line = c->line, .col = c->col};
}

/* Ends the open field: trailing blanks of an unquoted field dropped. */
static void
field_close(struct csv *c, bool quoted)
{
    size_t off = c->fld[c->n - 1].off;
    if (!quoted)
        while (c->len > off && (c->buf[c->len - 1] == ' ' || c->buf[c->len - 1] == '\t'))
            c->len--;
    /* A quoted '=, '+, '-, '@: a spreadsheet's formula guard (what acdsim's
     * CSV writers put before such a name), not part of the text. */
    if (quoted && c->len >= off + 2 && c->buf[off] == '\'' && strchr("=+-@\t", c->buf[off + 1])) {
        memmove(c->buf + off, c->buf + off + 1, c->len - off - 1);
        c->len--;
    }
    put(c, '\0');
}

enum { ST_START, ST_PLAIN, ST_QUOTED, ST_QUOTE };

/* The next record into c->buf / c->fld. Returns 1, 0 at the end of the
 * input, -1 after an error in d. A blank line is a record of one empty
 * field (the caller skips it). */
static int
csv_record(struct csv *c, struct acd_diags *d)
{
    c->len = 0;
    c->n = 0;
    c->rec_line = c->line;
    size_t raw = 0;
    int st = ST_START;
    bool quoted = false;
    unsigned long qline = 0;
    unsigned qcol = 0;
    field_open(c);
    for (;;) {
        int ch = next_byte(c);
        if (ch == EOF) {
            if (c->read_errno) {
                acd_diags_error(d, c->path, (unsigned)c->line, c->col, "cannot read: %s",
                                strerror(c->read_errno));
                return -1;
            }
            if (st == ST_QUOTED) {
                acd_diags_error(d, c->path, (unsigned)qline, qcol,
                                "unterminated quoted field: no closing '\"' before the end of "
                                "the file");
                return -1;
            }
            if (raw == 0)
                return 0;
            field_close(c, quoted);
            return 1;
        }
        if (++raw > MAX_RECORD) {
            if (st == ST_QUOTED && qline != c->line)
                acd_diags_error(d, c->path, (unsigned)qline, qcol,
                                "unterminated quoted field: no closing '\"' within %u bytes",
                                MAX_RECORD);
            else
                acd_diags_error(d, c->path, (unsigned)c->rec_line, 1,
                                "line longer than %u bytes (64 KiB): not a call log?", MAX_RECORD);
            return -1;
        }
        if (ch == '\0') {
            acd_diags_error(d, c->path, (unsigned)c->line, c->col,
                            "NUL byte: a binary file, not a CSV text");
            return -1;
        }
        c->col++;
        if (ch == '\r') /* CRLF (and a stray CR) */
            continue;
        switch (st) {
        case ST_START:
            if (ch == ' ' || ch == '\t') {
                c->fld[c->n - 1].col = c->col;
                break;
            }
            if (ch == '"') {
                st = ST_QUOTED;
                quoted = true;
                qline = c->line;
                qcol = c->col - 1;
                break;
            }
            st = ST_PLAIN;
            /* fallthrough */
        case ST_PLAIN:
            if (ch == ',') {
                field_close(c, quoted);
                field_open(c);
                st = ST_START;
                quoted = false;
            } else if (ch == '\n') {
                c->line++;
                c->col = 1;
                field_close(c, quoted);
                return 1;
            } else {
                put(c, (char)ch);
            }
            break;
        case ST_QUOTED:
            if (ch == '"')
                st = ST_QUOTE;
            else {
                if (ch == '\n') {
                    c->line++;
                    c->col = 1;
                }
                put(c, (char)ch);
            }
            break;
        case ST_QUOTE: /* after a '"' in a quoted field */
            if (ch == '"') {
                put(c, '"');
                st = ST_QUOTED;
            } else if (ch == ',' || ch == '\n') {
                if (ch == ',') {
                    field_close(c, quoted);
                    field_open(c);
                    st = ST_START;
                    quoted = false;
                } else {
                    c->line++;
                    c->col = 1;
                    field_close(c, quoted);
                    return 1;
                }
            } else if (ch != ' ' && ch != '\t') {
                put(c, (char)ch); /* "ab"c: lenient, as spreadsheets read it */
                st = ST_PLAIN;
            }
            break;
        }
    }
}

static const char *
fld_text(const struct csv *c, size_t i)
{
    return c->buf + c->fld[i].off;
}

/* Starts reading: a UTF-8 byte-order mark is skipped, UTF-16 refused. */
static int
csv_start(struct csv *c, struct acd_diags *d)
{
    c->line = 1;
    c->col = 1;
    if (c->in_pos == c->in_len && !refill(c))
        return 0;
    /* Make sure four bytes are there when the file has them. */
    if (c->f && c->in_len < 4 && !feof(c->f)) {
        size_t more = fread(c->in + c->in_len, 1, 4 - c->in_len, c->f);
        c->in_len += more;
    }
    const unsigned char *b = c->in;
    size_t n = c->in_len;
    bool utf16 = n >= 2 && ((b[0] == 0xff && b[1] == 0xfe) || (b[0] == 0xfe && b[1] == 0xff));
    utf16 = utf16 || (n >= 4 && b[0] && !b[1] && b[2] && !b[3]) ||
            (n >= 4 && !b[0] && b[1] && !b[2] && b[3]);
    if (utf16) {
        acd_diags_error(d, c->path, 1, 1, "UTF-16 is not supported, save as UTF-8");
        return -1;
    }
    if (n >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf)
        c->in_pos = 3;
    return 0;
}

static void
csv_fini(struct csv *c)
{
    free(c->buf);
    free(c->fld);
}

/* ------------------------------------------------------------ detection */

static size_t
header_find(const struct csv *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(fld_text(c, i), name) == 0)
            return i;
    for (size_t i = 0; i < c->n; i++)
        if (strcasecmp(fld_text(c, i), name) == 0)
            return i;
    return SIZE_MAX;
}

static const struct preset *
detect(const struct csv *c)
{
    for (size_t p = 0; p < ACD_ARRAY_LEN(presets); p++) {
        bool ok = true;
        for (int r = 0; r < ACD_CALLLOG_ROLES && ok; r++)
            if (presets[p].column[r] && !(presets[p].optional & BIT(r)))
                ok = header_find(c, presets[p].column[r]) != SIZE_MAX;
        if (ok && presets[p].source)
            ok = header_find(c, presets[p].source) != SIZE_MAX;
        if (ok)
            return &presets[p];
    }
    return NULL;
}

int
acd_calllog_map_detect(const char *header_line, struct acd_calllog_map *m)
{
    size_t n = strlen(header_line);
    struct csv c = {.path = "<header>", .in = (unsigned char *)(uintptr_t)header_line, .in_len = n};
    struct acd_diags d;
    acd_diags_init(&d);
    const struct preset *p = NULL;
    if (csv_start(&c, &d) == 0 && csv_record(&c, &d) == 1)
        p = detect(&c);
    csv_fini(&c);
    acd_diags_fini(&d);
    if (!p)
        return -1;
    map_from_preset(m, p);
    return 0;
}

/* ------------------------------------------------------------ numbers */

/* A non-negative decimal number: digits, an optional fraction (and
 * exponent). */
static bool
parse_number(const char *s, double *out)
{
    if (!(*s >= '0' && *s <= '9') && !(*s == '.' && s[1] >= '0' && s[1] <= '9'))
        return false;
    uint64_t v = 0;
    const char *p = s;
    while (*p >= '0' && *p <= '9' && p - s < 15)
        v = 10 * v + (uint64_t)(*p++ - '0');
    if (!*p) {
        *out = (double)v;
        return true;
    }
    for (const char *q = p; *q; q++)
        if (!strchr("0123456789.eE+-", *q))
            return false;
    char *end;
    double x = strtod(s, &end);
    if (*end || !isfinite(x))
        return false;
    *out = x;
    return true;
}

static inline int
two_digits(const char *p)
{
    if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
        return -1;
    return 10 * (p[0] - '0') + (p[1] - '0');
}

/* H:MM:SS, HH:MM:SS (hours may pass 23), H:MM, seconds may have a
 * fraction; or plain seconds (a decimal number). */
static bool
parse_time(const char *s, double *out)
{
    if (!strchr(s, ':'))
        return parse_number(s, out);
    const char *p = s;
    int h = 0, nd = 0;
    while (*p >= '0' && *p <= '9' && nd < 4) {
        h = 10 * h + (*p++ - '0');
        nd++;
    }
    if (nd == 0 || *p != ':')
        return false;
    int mm = two_digits(p + 1);
    if (mm < 0 || mm > 59)
        return false;
    p += 3;
    double sec = 0;
    if (*p == ':') {
        int ss = two_digits(p + 1);
        if (ss < 0 || ss > 59)
            return false;
        p += 3;
        sec = ss;
        if (*p == '.') {
            double scale = 0.1;
            p++;
            if (*p < '0' || *p > '9')
                return false;
            while (*p >= '0' && *p <= '9') {
                sec += scale * (*p++ - '0');
                scale /= 10;
            }
        }
    }
    if (*p)
        return false;
    *out = 3600.0 * h + 60.0 * mm + sec;
    return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil). */
static int32_t
days_from_civil(int y, int m, int dd)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static bool
digits(const char *p, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        *v = 10 * *v + (p[i] - '0');
    }
    return true;
}

/* YYYY-MM-DD, YYYYMMDD or YYMMDD (YY >= 70: 19YY, else 20YY). */
static bool
parse_date(const char *s, int32_t *day, int *weekday)
{
    size_t n = strlen(s);
    int y, m, dd;
    if (n == 10 && s[4] == '-' && s[7] == '-') {
        if (!digits(s, 4, &y) || !digits(s + 5, 2, &m) || !digits(s + 8, 2, &dd))
            return false;
    } else if (n == 8) {
        if (!digits(s, 4, &y) || !digits(s + 4, 2, &m) || !digits(s + 6, 2, &dd))
            return false;
    } else if (n == 6) {
        if (!digits(s, 2, &y) || !digits(s + 2, 2, &m) || !digits(s + 4, 2, &dd))
            return false;
        y += y >= 70 ? 1900 : 2000;
    } else
        return false;
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || dd < 1 || dd > mdays[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && dd == 29 && !leap)
        return false;
    *day = days_from_civil(y, m, dd);
    *weekday = (int)(((*day + 3) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
    return true;
}

/* A clock time `t` read after `ref` in the same row: past midnight when
 * it is more than 12 h earlier. */
static double
after(double t, double ref)
{
    return t < ref - HALF_DAY_S ? t + DAY_S : t;
}

/* ------------------------------------------------------------ reading */

struct reader {
    struct csv c;
    const struct acd_calllog_map *m;
    bool strict;
    struct acd_diags *d;
    struct acd_calllog_stats *st;
    size_t n_header;
    size_t idx[ACD_CALLLOG_ROLES]; /* SIZE_MAX: not mapped */
    size_t source_idx;
    char first_msg[ACD_CALLLOG_SKIP_REASONS][256];
    unsigned first_col[ACD_CALLLOG_SKIP_REASONS];
};

/* A field shortened for a message. */
static void
shown(char out[SHOW_FIELD + 4], const char *s)
{
    size_t n = strlen(s);
    if (n <= SHOW_FIELD) {
        memcpy(out, s, n + 1);
        return;
    }
    memcpy(out, s, SHOW_FIELD);
    memcpy(out + SHOW_FIELD, "...", 4);
}

/* A skipped row: an error with strict (returns -1), else counted (0). */
static int skip(struct reader *rd, enum acd_calllog_skip why, unsigned long line, unsigned col,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int
skip(struct reader *rd, enum acd_calllog_skip why, unsigned long line, unsigned col,
     const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (rd->strict) {
        acd_diags_error(rd->d, rd->c.path, (unsigned)line, col, "%s", msg);
        return -1;
    }
    if (rd->st->skipped[why]++ == 0) {
        rd->st->first_skip_line[why] = line;
        rd->first_col[why] = col;
        memcpy(rd->first_msg[why], msg, sizeof(msg));
    }
    return 0;
}

static bool
mapped(const struct reader *rd, enum acd_calllog_role r)
{
    return rd->idx[r] != SIZE_MAX;
}

static const char *
text_of(const struct reader *rd, enum acd_calllog_role r)
{
    return fld_text(&rd->c, rd->idx[r]);
}

static unsigned
col_of(const struct reader *rd, enum acd_calllog_role r)
{
    return rd->c.fld[rd->idx[r]].col;
}

static unsigned long
line_of(const struct reader *rd, enum acd_calllog_role r)
{
    return rd->c.fld[rd->idx[r]].line;
}

/* Reads role r (a time or duration) into *out: 1, or what skip returns
 * when it does not parse (0: skipped, -1: strict error). */
static int
get_time(struct reader *rd, enum acd_calllog_role r, double *out)
{
    const char *s = text_of(rd, r);
    bool clock = r == ACD_CALLLOG_ARRIVAL || r == ACD_CALLLOG_ANSWER || r == ACD_CALLLOG_END ||
                 r == ACD_CALLLOG_EXIT;
    char v[SHOW_FIELD + 4];
    shown(v, s);
    if (parse_time(s, out)) {
        if (!(clock && r != ACD_CALLLOG_ARRIVAL && *out == 0 && rd->m->zero_arrival_is_none))
            return 1;
        return skip(rd, ACD_CALLLOG_SKIP_TIME, line_of(rd, r), col_of(rd, r),
                    "%s (%s) '%s' is no time (the log's mark of a missing time)", role_names[r],
                    rd->m->column[r], v);
    }
    if (!*s)
        return skip(rd, ACD_CALLLOG_SKIP_TIME, line_of(rd, r), col_of(rd, r), "%s (%s) is empty",
                    role_names[r], rd->m->column[r]);
    return skip(rd, ACD_CALLLOG_SKIP_TIME, line_of(rd, r), col_of(rd, r), "%s (%s) '%s' is not %s",
                role_names[r], rd->m->column[r], v,
                clock ? "a time of day (H:MM:SS or seconds)" : "a duration (seconds or H:MM:SS)");
}

static int
order(struct reader *rd, enum acd_calllog_role late, enum acd_calllog_role early)
{
    char a[SHOW_FIELD + 4], b[SHOW_FIELD + 4];
    shown(a, text_of(rd, late));
    shown(b, text_of(rd, early));
    return skip(rd, ACD_CALLLOG_SKIP_ORDER, line_of(rd, late), col_of(rd, late),
                "%s (%s) '%s' is before %s (%s) '%s'", role_names[late], rd->m->column[late], a,
                role_names[early], rd->m->column[early], b);
}

static bool
in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

/* One data row: 1 used (or counted apart), 0 skipped, -1 error, 2 the
 * callback asked to stop. */
static int
row(struct reader *rd, acd_calllog_fn *fn, void *ud)
{
    const struct csv *c = &rd->c;
    const struct acd_calllog_map *m = rd->m;
    struct acd_calllog_stats *st = rd->st;
    st->rows++;
    if (c->n < rd->n_header) {
        const struct field *last = &c->fld[c->n - 1];
        unsigned col = last->col + (unsigned)strlen(fld_text(c, c->n - 1));
        return skip(rd, ACD_CALLLOG_SKIP_FIELDS, last->line, col,
                    "%zu field%s where the header has %zu", c->n, c->n == 1 ? "" : "s",
                    rd->n_header);
    }
    if (rd->source_idx != SIZE_MAX &&
        !in_list(fld_text(c, rd->source_idx), offered_sources, ACD_ARRAY_LEN(offered_sources))) {
        st->ignored++; /* a leg continuing a call */
        return 1;
    }
    const char *out_text = text_of(rd, ACD_CALLLOG_OUTCOME);
    size_t vi = 0;
    while (vi < m->n_values && strcmp(m->value[vi], out_text) != 0)
        vi++;
    if (vi == m->n_values) {
        char v[SHOW_FIELD + 4], known[160] = "";
        shown(v, out_text);
        size_t k = 0;
        for (size_t i = 0; i < m->n_values && k + 40 < sizeof(known); i++)
            k += (size_t)snprintf(known + k, sizeof(known) - k, "%s%.32s", i ? ", " : "",
                                  m->value[i]);
        return skip(rd, ACD_CALLLOG_SKIP_OUTCOME, line_of(rd, ACD_CALLLOG_OUTCOME),
                    col_of(rd, ACD_CALLLOG_OUTCOME),
                    "outcome '%s' is not in the mapping (%s): add outcome.%s=KIND", v, known, v);
    }
    enum acd_calllog_outcome kind = m->value_is[vi];
    if (kind == ACD_CALLLOG_IGNORE) {
        st->ignored++;
        return 1;
    }
    struct acd_calllog_record r = {
        .line = c->rec_line,
        .weekday = -1,
        .answer_s = ACD_NAN,
        .end_s = ACD_NAN,
        .wait_s = ACD_NAN,
        .handle_s = ACD_NAN,
        .outcome = kind,
        .type = "calls",
    };
    int rc = get_time(rd, ACD_CALLLOG_ARRIVAL, &r.arrival_s);
    if (rc < 1)
        return rc;
    if (m->zero_arrival_is_none && r.arrival_s == 0) {
        st->not_queued++;
        return 1;
    }
    if (mapped(rd, ACD_CALLLOG_DATE) &&
        !parse_date(text_of(rd, ACD_CALLLOG_DATE), &r.day, &r.weekday)) {
        char v[SHOW_FIELD + 4];
        shown(v, text_of(rd, ACD_CALLLOG_DATE));
        return skip(rd, ACD_CALLLOG_SKIP_DATE, line_of(rd, ACD_CALLLOG_DATE),
                    col_of(rd, ACD_CALLLOG_DATE), "date '%s' is not a date (YYYY-MM-DD or YYMMDD)",
                    v);
    }
    if (kind == ACD_CALLLOG_ANSWERED) {
        /* Answer time: ANSWER, else when the call left the queue (EXIT),
         * else arrival + WAIT. */
        enum acd_calllog_role ar = mapped(rd, ACD_CALLLOG_ANSWER) ? ACD_CALLLOG_ANSWER
                                   : mapped(rd, ACD_CALLLOG_EXIT) ? ACD_CALLLOG_EXIT
                                                                  : ACD_CALLLOG_WAIT;
        double t;
        if ((rc = get_time(rd, ar, &t)) < 1)
            return rc;
        if (ar == ACD_CALLLOG_WAIT)
            r.answer_s = r.arrival_s + t;
        else {
            r.answer_s = after(t, r.arrival_s);
            if (r.answer_s < r.arrival_s)
                return order(rd, ar, ACD_CALLLOG_ARRIVAL);
        }
        r.wait_s = r.answer_s - r.arrival_s;
        if (mapped(rd, ACD_CALLLOG_END)) {
            if ((rc = get_time(rd, ACD_CALLLOG_END, &t)) < 1)
                return rc;
            r.end_s = after(t, r.answer_s);
            if (r.end_s < r.answer_s)
                return order(rd, ACD_CALLLOG_END, ar);
            r.handle_s = r.end_s - r.answer_s;
        } else {
            if ((rc = get_time(rd, ACD_CALLLOG_SERVICE, &t)) < 1)
                return rc;
            r.handle_s = t;
            r.end_s = r.answer_s + t;
        }
        if (mapped(rd, ACD_CALLLOG_AGENT)) {
            const char *a = text_of(rd, ACD_CALLLOG_AGENT);
            if (*a && !in_list(a, no_agent_values, ACD_ARRAY_LEN(no_agent_values)))
                r.agent = a;
        }
    } else if (kind == ACD_CALLLOG_ABANDONED) {
        double t;
        if (mapped(rd, ACD_CALLLOG_WAIT)) {
            if ((rc = get_time(rd, ACD_CALLLOG_WAIT, &t)) < 1)
                return rc;
            r.wait_s = t;
        } else {
            if ((rc = get_time(rd, ACD_CALLLOG_EXIT, &t)) < 1)
                return rc;
            t = after(t, r.arrival_s);
            if (t < r.arrival_s)
                return order(rd, ACD_CALLLOG_EXIT, ACD_CALLLOG_ARRIVAL);
            r.wait_s = t - r.arrival_s;
        }
    } else {
        r.wait_s = 0; /* blocked */
    }
    if (mapped(rd, ACD_CALLLOG_TYPE) && *text_of(rd, ACD_CALLLOG_TYPE))
        r.type = text_of(rd, ACD_CALLLOG_TYPE);
    if (mapped(rd, ACD_CALLLOG_CUSTOMER) && *text_of(rd, ACD_CALLLOG_CUSTOMER))
        r.customer = text_of(rd, ACD_CALLLOG_CUSTOMER);
    st->used++;
    return fn(ud, &r) ? 2 : 1;
}

/* "a, b, c, ... (N columns)" of the header, for messages. */
static void
header_list(const struct csv *c, char *out, size_t cap)
{
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < c->n && i < SHOW_HEADER; i++) {
        char v[SHOW_FIELD + 4];
        shown(v, fld_text(c, i));
        k += (size_t)snprintf(out + k, cap - k, "%s%s", i ? ", " : "", v);
        if (k >= cap)
            return;
    }
    if (c->n > SHOW_HEADER)
        snprintf(out + k, cap - k, ", ... (%zu columns)", c->n);
}

/* The header's index of every mapped column; errors for missing ones. */
static int
resolve(struct reader *rd)
{
    const struct csv *c = &rd->c;
    const struct acd_calllog_map *m = rd->m;
    size_t before = rd->d->n_errors;
    char list[512];
    header_list(c, list, sizeof(list));
    const char *names[SHOW_HEADER * 8];
    size_t nn = 0;
    for (size_t i = 0; i < c->n && nn < ACD_ARRAY_LEN(names); i++)
        names[nn++] = fld_text(c, i);
    for (int r = 0; r <= ACD_CALLLOG_ROLES; r++) {
        const char *col = r < ACD_CALLLOG_ROLES ? m->column[r] : m->source;
        size_t *dst = r < ACD_CALLLOG_ROLES ? &rd->idx[r] : &rd->source_idx;
        *dst = SIZE_MAX;
        if (!col)
            continue;
        *dst = header_find(c, col);
        if (*dst != SIZE_MAX || (r < ACD_CALLLOG_ROLES && (m->optional & BIT(r))))
            continue;
        const char *role = r < ACD_CALLLOG_ROLES ? role_names[r] : SOURCE_KEY;
        const char *s = suggest(col, names, nn);
        if (s)
            acd_diags_error(rd->d, c->path, 1, 1,
                            "no column '%s' (%s) in the header (did you mean '%s'?); the "
                            "header has: %s",
                            col, role, s, list);
        else
            acd_diags_error(rd->d, c->path, 1, 1,
                            "no column '%s' (%s) in the header; the header has: %s", col, role,
                            list);
    }
    return rd->d->n_errors > before ? -1 : 0;
}

static int
read_rows(struct reader *rd, acd_calllog_fn *fn, void *ud)
{
    struct csv *c = &rd->c;
    struct acd_diags *d = rd->d;
    if (csv_start(c, d) != 0)
        return -1;
    int rc;
    do /* the header, after any blank lines */
        rc = csv_record(c, d);
    while (rc == 1 && c->n == 1 && c->buf[0] == '\0');
    if (rc < 0)
        return -1;
    if (rc == 0) {
        acd_diags_error(d, c->path, 1, 1, "empty file: no header line");
        return -1;
    }
    struct acd_calllog_map detected;
    memset(&detected, 0, sizeof(detected));
    if (!rd->m) {
        const struct preset *p = detect(c);
        if (!p) {
            char list[512];
            header_list(c, list, sizeof(list));
            acd_diags_error(d, c->path, (unsigned)c->rec_line, 1,
                            "the header is not a known layout (anonymous-bank, acdsim-trace): "
                            "give --columns ROLE=COLUMN,...; the header has: %s",
                            list);
            return -1;
        }
        map_from_preset(&detected, p);
        rd->m = &detected;
    }
    rd->n_header = c->n;
    rc = map_check(rd->m, d, c->path, (unsigned)c->rec_line, 1) == 0 && resolve(rd) == 0 ? 0 : -1;
    while (rc == 0) {
        int r = csv_record(c, d);
        if (r <= 0) {
            rc = r;
            break;
        }
        if (c->n == 1 && c->buf[0] == '\0')
            continue; /* a blank line */
        r = row(rd, fn, ud);
        if (r < 0)
            rc = -1;
        else if (r == 2)
            break;
    }
    acd_calllog_map_fini(&detected);
    return rc;
}

int
acd_calllog_read(const char *path, const struct acd_calllog_map *map, bool strict,
                 acd_calllog_fn *fn, void *ud, struct acd_calllog_stats *stats,
                 struct acd_diags *diags)
{
    struct acd_calllog_stats local;
    struct reader *rd = acd_xcalloc(1, sizeof(*rd));
    rd->m = map;
    rd->strict = strict;
    rd->d = diags;
    rd->st = stats ? stats : &local;
    memset(rd->st, 0, sizeof(*rd->st));
    rd->c.path = path;
    FILE *f = fopen(path, "rb");
    if (!f) {
        acd_diags_error(diags, path, 0, 0, "cannot open: %s", strerror(errno));
        free(rd);
        return -1;
    }
    rd->c.f = f;
    rd->c.in = acd_xmalloc(IN_BUF + 4);
    size_t before = diags->n_errors;
    int rc = read_rows(rd, fn, ud);
    const struct acd_calllog_stats *st = rd->st;
    if (rc == 0 && st->rows == 0)
        acd_diags_error(diags, path, 2, 1, "no calls: the log has a header and no rows");
    else if (rc == 0 && st->used == 0) {
        unsigned long sk = 0;
        for (int i = 0; i < ACD_CALLLOG_SKIP_REASONS; i++)
            sk += st->skipped[i];
        acd_diags_error(diags, path, 2, 1,
                        "no usable calls in %lu rows (%lu ignored, %lu never queued, %lu "
                        "skipped)",
                        st->rows, st->ignored, st->not_queued, sk);
    }
    if (rc == 0 && diags->n_errors == before)
        for (int i = 0; i < ACD_CALLLOG_SKIP_REASONS; i++)
            if (st->skipped[i])
                acd_diags_add(diags, ACD_DIAG_WARNING, path, (unsigned)st->first_skip_line[i],
                              rd->first_col[i],
                              "%s: row skipped (%lu row%s skipped for '%s', the first here)",
                              rd->first_msg[i], st->skipped[i], st->skipped[i] == 1 ? "" : "s",
                              acd_calllog_skip_names[i]);
    fclose(f);
    free(rd->c.in);
    csv_fini(&rd->c);
    free(rd);
    return diags->n_errors > before ? -1 : 0;
}
