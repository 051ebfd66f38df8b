/*
 * live_script: the parser of `acdsim live --script FILE` (see
 * live_script.h). One line, one timed intervention; commands are a table of
 * named parsers. Every error is reported with its line and column, and
 * parsing goes on with the next line.
 */
#include "live_script.h"
#include "units.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOKENS      16
#define MAX_AGENTS      100000ULL /* per intervention: a typo must not log on millions */
#define MAX_FACTOR      100.0
#define DEFAULT_SURGE_S (30 * 60.0)

struct token {
    char *s; /* NUL-terminated copy */
    unsigned col;
};

struct line_ctx {
    const char *file;
    unsigned line;
    const struct acd_scenario *sc;
    struct acd_diags *diags;
    struct acd_live_script *out;
    struct token *tok; /* the command's arguments */
    size_t n;
    unsigned end_col; /* column after the last token (for "missing ...") */
};

static void
push_event(struct acd_live_script *s, const struct acd_live_event *ev)
{
    s->v = acd_xgrow(s->v, &s->cap, s->n + 1, sizeof(*s->v));
    s->v[s->n++] = *ev;
}

/* The name closest to `name` among n names from get(i), or NULL. */
static const char *
closest(const char *name, size_t n, const char *(*get)(const struct acd_scenario *, size_t),
        const struct acd_scenario *sc)
{
    const char *best = NULL;
    size_t best_d = 3;
    for (size_t i = 0; i < n; i++) {
        size_t d = acd_edit_distance(name, get(sc, i));
        if (d < best_d)
            best = get(sc, i), best_d = d;
    }
    return best;
}

static const char *
group_name(const struct acd_scenario *sc, size_t i)
{
    return sc->groups[i].name;
}

static const char *
type_name(const struct acd_scenario *sc, size_t i)
{
    return sc->call_types[i].name;
}

static int
missing(struct line_ctx *c, const char *what)
{
    acd_diags_error(c->diags, c->file, c->line, c->end_col, "expected %s", what);
    return -1;
}

static int
too_many(struct line_ctx *c, size_t i)
{
    acd_diags_error(c->diags, c->file, c->line, c->tok[i].col, "unexpected '%s'", c->tok[i].s);
    return -1;
}

/* `N agent(s) to|from GROUP` after add / remove. */
static int
parse_agents(struct line_ctx *c, struct acd_live_event *ev, int sign, const char *prep)
{
    unsigned long long n;
    if (c->n < 1)
        return missing(c, "a number of agents");
    if (acd_units_parse_uint(c->tok[0].s, &n) != 0 || n < 1 || n > MAX_AGENTS) {
        acd_diags_error(c->diags, c->file, c->line, c->tok[0].col,
                        "expected a number of agents from 1 to %llu, got '%s'", MAX_AGENTS,
                        c->tok[0].s);
        return -1;
    }
    if (c->n < 2)
        return missing(c, "'agents'");
    if (strcmp(c->tok[1].s, "agents") != 0 && strcmp(c->tok[1].s, "agent") != 0) {
        acd_diags_error(c->diags, c->file, c->line, c->tok[1].col, "expected 'agents', got '%s'",
                        c->tok[1].s);
        return -1;
    }
    if (c->n < 3)
        return missing(c, sign > 0 ? "'to'" : "'from'");
    if (strcmp(c->tok[2].s, prep) != 0) {
        acd_diags_error(c->diags, c->file, c->line, c->tok[2].col, "expected '%s', got '%s'", prep,
                        c->tok[2].s);
        return -1;
    }
    if (c->n < 4)
        return missing(c, "an agent group");
    const char *g = c->tok[3].s;
    size_t gi = acd_scenario_find_group(c->sc, g);
    if (gi == SIZE_MAX) {
        const char *best = closest(g, c->sc->n_groups, group_name, c->sc);
        if (best)
            acd_diags_error(c->diags, c->file, c->line, c->tok[3].col,
                            "unknown agent group '%s' (did you mean '%s'?)", g, best);
        else
            acd_diags_error(c->diags, c->file, c->line, c->tok[3].col, "unknown agent group '%s'",
                            g);
        return -1;
    }
    if (c->n > 4)
        return too_many(c, 4);
    ev->action = ACD_LIVE_AGENTS;
    ev->index = gi;
    ev->delta = sign * (int)n;
    push_event(c->out, ev);
    return 0;
}

static int
cmd_add(struct line_ctx *c, struct acd_live_event *ev)
{
    return parse_agents(c, ev, +1, "to");
}

static int
cmd_remove(struct line_ctx *c, struct acd_live_event *ev)
{
    return parse_agents(c, ev, -1, "from");
}

/* A surge factor: `x2`, `X1.5`, `2x` or `1.5X` (a number with an x on
 * either side). */
static int
parse_factor(const char *t, double *f)
{
    size_t n = strlen(t);
    if (n < 2)
        return -1;
    if (t[0] == 'x' || t[0] == 'X')
        return acd_units_parse_real(t + 1, f);
    char buf[64];
    if (n >= sizeof(buf))
        return -1;
    if (t[n - 1] != 'x' && t[n - 1] != 'X')
        return -1;
    memcpy(buf, t, n - 1);
    buf[n - 1] = '\0';
    return acd_units_parse_real(buf, f);
}

static bool
is_factor(const char *t)
{
    double f;
    return parse_factor(t, &f) == 0;
}

/* The duration after `for` at token i: `30m`, or a number and a unit as
 * two words (`30 min`, `1 hour`). Returns the tokens used (1 or 2), or 0
 * after reporting the error. */
static size_t
parse_for(struct line_ctx *c, size_t i, double *len_s)
{
    const char *t = c->tok[i].s;
    double x;
    if (i + 1 < c->n && acd_units_parse_real(t, &x) == 0) {
        char buf[128];
        int k = snprintf(buf, sizeof(buf), "%s%s", t, c->tok[i + 1].s);
        if (k > 0 && (size_t)k < sizeof(buf) && acd_units_parse_duration(buf, len_s) == 0 &&
            *len_s > 0)
            return 2;
    }
    if (acd_units_parse_duration(t, len_s) == 0 && *len_s > 0)
        return 1;
    acd_diags_error(c->diags, c->file, c->line, c->tok[i].col,
                    "expected a duration like 30m, 90s or 1h30m, got '%s'", t);
    return 0;
}

/* `surge [TYPE|all] [xF] [for DURATION]`: defaults all types, x2, 30m. */
static int
cmd_surge(struct line_ctx *c, struct acd_live_event *ev)
{
    size_t i = 0;
    ev->action = ACD_LIVE_RATE;
    ev->index = ACD_LIVE_ALL;
    ev->factor = 2;
    double len_s = DEFAULT_SURGE_S;
    if (i < c->n && strcmp(c->tok[i].s, "for") != 0 &&
        (!is_factor(c->tok[i].s) || acd_scenario_find_call_type(c->sc, c->tok[i].s) != SIZE_MAX)) {
        const char *k = c->tok[i].s;
        if (strcmp(k, "all") != 0) {
            ev->index = acd_scenario_find_call_type(c->sc, k);
            if (ev->index == SIZE_MAX) {
                const char *best = closest(k, c->sc->n_call_types, type_name, c->sc);
                if (best)
                    acd_diags_error(c->diags, c->file, c->line, c->tok[i].col,
                                    "unknown call type '%s' (did you mean '%s'?)", k, best);
                else
                    acd_diags_error(c->diags, c->file, c->line, c->tok[i].col,
                                    "unknown call type '%s'", k);
                return -1;
            }
        }
        i++;
    }
    if (i < c->n && is_factor(c->tok[i].s)) {
        double f;
        if (parse_factor(c->tok[i].s, &f) != 0 || !(f > 0) || f > MAX_FACTOR) {
            acd_diags_error(c->diags, c->file, c->line, c->tok[i].col,
                            "expected a factor like x2 or 2x (above 0, at most x%g), got '%s'",
                            MAX_FACTOR, c->tok[i].s);
            return -1;
        }
        ev->factor = f;
        i++;
    }
    if (i < c->n && strcmp(c->tok[i].s, "for") == 0) {
        if (++i >= c->n)
            return missing(c, "a duration after 'for'");
        size_t used = parse_for(c, i, &len_s);
        if (!used)
            return -1;
        i += used;
    }
    if (i < c->n)
        return too_many(c, i);
    push_event(c->out, ev);
    struct acd_live_event end = *ev;
    end.t_s = ev->t_s + len_s;
    end.factor = 1;
    push_event(c->out, &end);
    return 0;
}

static int
cmd_pause(struct line_ctx *c, struct acd_live_event *ev)
{
    if (c->n > 0)
        return too_many(c, 0);
    ev->action = ACD_LIVE_PAUSE;
    push_event(c->out, ev);
    return 0;
}

static int
cmd_quit(struct line_ctx *c, struct acd_live_event *ev)
{
    if (c->n > 0)
        return too_many(c, 0);
    ev->action = ACD_LIVE_QUIT;
    push_event(c->out, ev);
    return 0;
}

struct command {
    const char *name;
    int (*parse)(struct line_ctx *c, struct acd_live_event *ev);
};

static const struct command commands[] = {
    {.name = "add", .parse = cmd_add},     {.name = "remove", .parse = cmd_remove},
    {.name = "surge", .parse = cmd_surge}, {.name = "pause", .parse = cmd_pause},
    {.name = "quit", .parse = cmd_quit},
};

/* Split a line (NUL-free, without its newline) into tokens; '#' starts a
 * comment. Returns the number of tokens, at most max (the rest is counted
 * but not kept). */
static size_t
split(const char *p, size_t len, struct token *tok, size_t max, unsigned *end_col)
{
    size_t n = 0, i = 0;
    *end_col = 1;
    while (i < len) {
        while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
            i++;
        if (i >= len || p[i] == '#')
            break;
        size_t j = i;
        while (j < len && p[j] != ' ' && p[j] != '\t' && p[j] != '\r' && p[j] != '#')
            j++;
        if (n < max)
            tok[n] = (struct token){.s = acd_xstrndup(p + i, j - i), .col = (unsigned)i + 1};
        n++;
        *end_col = (unsigned)j + 2; /* after a space */
        i = j;
    }
    return n;
}

static void
parse_line(struct line_ctx *c, const char *p, size_t len)
{
    struct token tok[MAX_TOKENS];
    size_t n = split(p, len, tok, MAX_TOKENS, &c->end_col);
    size_t kept = n < MAX_TOKENS ? n : MAX_TOKENS;
    if (n == 0)
        return;
    if (memchr(p, '\0', len)) {
        acd_diags_error(c->diags, c->file, c->line, 1, "NUL byte in the line");
        goto done;
    }
    if (n > MAX_TOKENS) {
        acd_diags_error(c->diags, c->file, c->line, tok[MAX_TOKENS - 1].col,
                        "too many words (at most %d)", MAX_TOKENS);
        goto done;
    }
    if (strcmp(tok[0].s, "at") != 0) {
        acd_diags_error(c->diags, c->file, c->line, tok[0].col,
                        "expected 'at TIME COMMAND', got '%s'", tok[0].s);
        goto done;
    }
    struct acd_live_event ev = {.line = c->line, .factor = 1};
    if (n < 2) {
        missing(c, "a clock time (e.g. 09:30)");
        goto done;
    }
    if (acd_units_parse_clock(tok[1].s, &ev.t_s) != 0) {
        acd_diags_error(c->diags, c->file, c->line, tok[1].col,
                        "expected a clock time like 09:30, got '%s'", tok[1].s);
        goto done;
    }
    if (n < 3) {
        missing(c, "a command (add, remove, surge, pause, quit)");
        goto done;
    }
    const struct command *cmd = NULL;
    for (size_t i = 0; i < ACD_ARRAY_LEN(commands); i++)
        if (strcmp(commands[i].name, tok[2].s) == 0)
            cmd = &commands[i];
    if (!cmd) {
        const char *best = NULL;
        size_t best_d = 3;
        for (size_t i = 0; i < ACD_ARRAY_LEN(commands); i++) {
            size_t d = acd_edit_distance(tok[2].s, commands[i].name);
            if (d < best_d)
                best = commands[i].name, best_d = d;
        }
        if (best)
            acd_diags_error(c->diags, c->file, c->line, tok[2].col,
                            "unknown command '%s' (did you mean '%s'?)", tok[2].s, best);
        else
            acd_diags_error(c->diags, c->file, c->line, tok[2].col,
                            "unknown command '%s' (expected add, remove, surge, pause or quit)",
                            tok[2].s);
        goto done;
    }
    c->tok = tok + 3;
    c->n = n - 3;
    cmd->parse(c, &ev);
done:
    for (size_t i = 0; i < kept; i++)
        free(tok[i].s);
}

static int
cmp_event(const void *a, const void *b)
{
    const struct acd_live_event *x = a, *y = b;
    if (x->t_s != y->t_s)
        return x->t_s < y->t_s ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line; /* file order: stable */
}

int
acd_live_script_parse(const char *file, const char *text, size_t len, const struct acd_scenario *sc,
                      struct acd_live_script *out, struct acd_diags *diags)
{
    size_t errors = diags->n_errors;
    memset(out, 0, sizeof(*out));
    struct line_ctx c = {.file = file, .sc = sc, .diags = diags, .out = out};
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && text[j] != '\n')
            j++;
        c.line++;
        parse_line(&c, text + i, j - i);
        i = j + 1;
    }
    /* Surge ends carry their start's line: equal (time, line) pairs keep
     * the order they were pushed in, which qsort does not promise, so the
     * events are sorted by insertion sort (scripts are short). */
    for (size_t a = 1; a < out->n; a++) {
        struct acd_live_event x = out->v[a];
        size_t b = a;
        while (b > 0 && cmp_event(&out->v[b - 1], &x) > 0) {
            out->v[b] = out->v[b - 1];
            b--;
        }
        out->v[b] = x;
    }
    return diags->n_errors > errors ? -1 : 0;
}

int
acd_live_script_load(const char *path, const struct acd_scenario *sc, struct acd_live_script *out,
                     struct acd_diags *diags)
{
    memset(out, 0, sizeof(*out));
    size_t len;
    char *buf = acd_read_file(path, ACD_LIVE_SCRIPT_MAX_BYTES, &len);
    if (!buf && errno == EFBIG) {
        acd_diags_error(diags, path, 1, 1, "script file is too large (more than %d MB)",
                        ACD_LIVE_SCRIPT_MAX_BYTES / (1024 * 1024));
        return -1;
    }
    if (!buf) {
        acd_diags_error(diags, path, 0, 0, "cannot read script: %s", strerror(errno));
        return -1;
    }
    int rc = acd_live_script_parse(path, buf, len, sc, out, diags);
    free(buf);
    return rc;
}

void
acd_live_script_fini(struct acd_live_script *s)
{
    free(s->v);
    memset(s, 0, sizeof(*s));
}
