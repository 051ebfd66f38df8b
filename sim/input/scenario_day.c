/*
 * scenario_day: the scenario's horizon and what depends on its intervals.
 * The horizon is read before the walk and sets the mode (steady state or
 * operating day) and the intervals; then per-interval lists, per-interval
 * CSV files (arrivals and staffing) and agent groups' shifts with breaks.
 *
 * It is not where call types or agent groups are walked (scenario_calls.c,
 * scenario_groups.c call in here for their per-interval values), nor where
 * distributions are derived per interval (scenario_dist.c).
 */
#include "scenario_int.h"
#include "units.h"
#include "util.h"
#include "yamltree.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    const char *s = acd_scn_get_name(c, k, v);
    if (!s)
        return;
    for (size_t i = 0; i < ACD_ARRAY_LEN(close_policies); i++)
        if (strcmp(s, close_policies[i]) == 0) {
            h->policy = (enum acd_close_policy)i;
            return;
        }
    acd_scn_unknown_name(c, v, "close_policy", "expected one of", close_policies,
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

#define STEADY_KEYS (BIT(H_DURATION) | BIT(H_WARMUP))
#define DAY_KEYS    (BIT(H_OPEN) | BIT(H_CLOSE) | BIT(H_INTERVAL))

static void
horizon_steady(struct ctx *c, const struct acd_ynode *v, const struct horizon_parse *h,
               const struct seen *s)
{
    struct acd_scenario *sc = c->sc;
    c->mode = MODE_STEADY;
    sc->horizon = ACD_HORIZON_STEADY;
    if (s->keys & BIT(H_POLICY))
        acd_scn_err(c, s->key[H_POLICY],
                    "'close_policy' needs an operating-day horizon (horizon: {open, "
                    "close, interval}, not duration)");
    if (!((s->keys | s->meant) & BIT(H_DURATION)))
        acd_scn_err(c, v, "horizon is missing 'duration'");
    bool dur = acd_scn_is_ok(s, H_DURATION);
    if (dur && h->duration_s > ACD_SCN_MAX_DURATION_S) {
        acd_scn_err(c, s->val[H_DURATION], "'duration' (%s) is longer than 3650 days (the limit)",
                    acd_ytree_show(s->val[H_DURATION]->s).s);
        dur = false;
    }
    if (dur)
        sc->duration_s = h->duration_s;
    if (acd_scn_is_ok(s, H_WARMUP)) {
        if (dur && h->warmup_s >= h->duration_s)
            acd_scn_err(c, s->val[H_WARMUP], "'warmup' (%s) must be shorter than 'duration' (%s)",
                        acd_ytree_show(s->val[H_WARMUP]->s).s,
                        acd_ytree_show(s->val[H_DURATION]->s).s);
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
            acd_scn_err(c, v, "horizon is missing '%s'", horizon_keys[j].name);
    if (acd_scn_is_ok(s, H_POLICY))
        sc->close_policy = h->policy;
    if (!acd_scn_is_ok(s, H_OPEN) || !acd_scn_is_ok(s, H_CLOSE) || !acd_scn_is_ok(s, H_INTERVAL))
        return;
    const char *open = acd_ytree_show(s->val[H_OPEN]->s).s,
               *close = acd_ytree_show(s->val[H_CLOSE]->s).s;
    if (h->close_s <= h->open_s) {
        acd_scn_err(c, s->val[H_CLOSE], "'close' (%s) must be later than 'open' (%s)", close, open);
        return;
    }
    double q = (h->close_s - h->open_s) / h->interval_s, n = round(q);
    const char *iv = acd_ytree_show(s->val[H_INTERVAL]->s).s;
    if (n < 1 || fabs(q - n) > ACD_SCN_INTERVAL_TOL) {
        acd_scn_err(c, s->val[H_INTERVAL],
                    "'interval' (%s) must divide the opening hours (%s to %s) into whole intervals",
                    iv, open, close);
        return;
    }
    if (n > ACD_SCN_MAX_INTERVALS) {
        acd_scn_err(c, s->val[H_INTERVAL],
                    "'interval' (%s) makes %.0f intervals (at most %d are allowed)", iv, n,
                    ACD_SCN_MAX_INTERVALS);
        return;
    }
    sc->open_s = h->open_s;
    sc->close_s = h->close_s;
    sc->interval_s = h->interval_s;
    sc->n_intervals = c->n_iv = (size_t)n;
    c->interval_text = s->val[H_INTERVAL]->s;
}

/* The horizon decides the mode of the rest of the file: read first. */
void
acd_scn_parse_horizon(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v)
{
    if (!acd_scn_expect_map(
            c, k, v,
            "a mapping like {duration: 8h, warmup: 30m} or {open: \"07:00\", close: "
            "\"19:00\", interval: 30m}"))
        return;
    struct horizon_parse h;
    memset(&h, 0, sizeof(h));
    struct seen s;
    acd_scn_walk_map(c, v, "horizon", horizon_keys, ACD_ARRAY_LEN(horizon_keys), &h, &s);
    unsigned any = s.keys | s.meant;
    if ((any & STEADY_KEYS) && (any & DAY_KEYS)) {
        /* Only given keys count as a mix: a misspelled one is reported. */
        const struct acd_ynode *a = acd_scn_first_key(&s, STEADY_KEYS),
                               *b = acd_scn_first_key(&s, DAY_KEYS);
        if (a && b) {
            const struct acd_ynode *later = acd_scn_is_after(a, b) ? a : b,
                                   *first = later == a ? b : a;
            acd_scn_err(
                c, later,
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
        acd_scn_err(
            c, v,
            "horizon is missing 'duration' (or 'open', 'close' and 'interval' for an operating "
            "day)");
}

/* ------------------------------------------------ per-interval values */

/* What values of this kind must be, for messages ("must be ..."). */
static const char *
elem_what(enum elem kind)
{
    static const char *const what[] = {
        [E_CALLS] = "numbers >= 0",
        [E_DURATION] = "durations > 0 like 4m or 240",
        [E_AGENTS] = "integers from 0 to 1000000",
        [E_SHARE] = "fractions from 0 to less than 1, like 0.3 or 30%",
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
    case E_SHARE:
        return acd_units_parse_fraction(s, out) == 0 && isfinite(*out) && *out >= 0 && *out < 1;
    }
    return false;
}

void
acd_scn_parse_shrinkage(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v,
                        bool *has, double *x, double **per)
{
    if (v->kind == ACD_Y_SEQ) {
        if (c->mode == MODE_STEADY) {
            acd_scn_err(c, v, "a list of '%s' per interval needs an operating-day horizon", k->s);
            return;
        }
        double *p = acd_scn_interval_list(c, k, v, E_SHARE);
        if (!p)
            return;
        free(*per);
        *per = p;
        *x = p[0];
        *has = true;
        return;
    }
    double y;
    if (!acd_scn_get_fraction(c, k, v, true, &y))
        return;
    *x = y;
    *has = true;
}

/* A list with one value per interval. Every item is checked; the values are
 * returned (new array of n_intervals) only when all are valid and the
 * horizon's intervals are known. */
double *
acd_scn_interval_list(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v,
                      enum elem kind)
{
    if (v->kind != ACD_Y_SEQ) {
        acd_scn_err(c, acd_scn_where(k, v),
                    "'%s' must be a list with one value per interval (found %s)", k->s,
                    acd_ytree_found(v).s);
        return NULL;
    }
    if (!acd_scn_visit(c, v, v->n))
        return NULL;
    bool ok = true;
    if (c->n_iv && v->n != c->n_iv) {
        acd_scn_err(c, v, "'%s' must have %zu values, one per interval (found %zu)", k->s, c->n_iv,
                    v->n);
        ok = false;
    }
    double *out = acd_xcalloc(v->n ? v->n : 1, sizeof(*out));
    for (size_t i = 0; i < v->n; i++) {
        const struct acd_ynode *item = v->kids[i];
        bool good = item->kind == ACD_Y_SCALAR && !item->is_null && strlen(item->s) == item->len &&
                    elem_value(kind, item->s, &out[i]);
        if (!good) {
            acd_scn_err(c, item, "values in '%s' must be %s (found %s)", k->s, elem_what(kind),
                        acd_ytree_found(item).s);
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
char *
acd_scn_resolve_path(const struct ctx *c, const char *file)
{
    if (file[0] == '/' || !c->base_dir || !*c->base_dir || strcmp(c->base_dir, ".") == 0)
        return acd_xstrdup(file);
    size_t n = strlen(c->base_dir);
    return acd_xasprintf("%s%s%s", c->base_dir, c->base_dir[n - 1] == '/' ? "" : "/", file);
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
    acd_scn_lower(la, a, sizeof(la));
    return strcmp(la, b) == 0;
}

static char *
clock_text(const struct ctx *c, size_t iv, char *buf, size_t n)
{
    return acd_units_format_clock(c->sc->open_s + (double)iv * c->sc->interval_s, buf, n);
}

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
    acd_scn_add_diag(r->c, r->path, line, col, r->fv->line, r->fv->col, fmt, ap);
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
                acd_ytree_show(f->s).s, acd_ytree_show(c->interval_text).s, first, last);
        return false;
    }
    if (acd_units_parse_uint(f->s, &u) == 0) {
        if (u >= 1 && u <= c->n_iv) {
            *out = (size_t)(u - 1);
            return true;
        }
        csv_err(r, line, f->col, "interval %s does not exist (intervals are numbered 1 to %zu)",
                acd_ytree_show(f->s).s, c->n_iv);
        return false;
    }
    csv_err(r, line, f->col,
            "expected an interval start like %s or an interval number from 1 to %zu (found "
            "'%s')",
            first, c->n_iv, acd_ytree_show(f->s).s);
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

/* ---- a period's file (`days:`): a date or weekday column first ---- */

/* Interval i of the period as "2026-12-08 09:00" (its day's clock). */
static char *
period_iv_text(const struct ctx *c, size_t i, char *buf, size_t n)
{
    const struct acd_scenario *sc = c->sc;
    for (size_t d = 0; d < sc->n_days; d++) {
        const struct acd_day *dy = &sc->days[d];
        if (i < dy->first_interval || i >= dy->first_interval + dy->n_intervals)
            continue;
        char t[24];
        double base = (double)(dy->date - sc->days[0].date) * 86400.0;
        acd_units_format_clock(
            dy->open_s - base + (double)(i - dy->first_interval) * sc->interval_s, t, sizeof(t));
        snprintf(buf, n, "%s %s", dy->label, t);
        return buf;
    }
    snprintf(buf, n, "?");
    return buf;
}

/* The days a row's first field names: a date of the period (by_weekday
 * false) or a weekday (every day of the period on it). Sets days[] (at most
 * n_days) and returns how many; 0 after reporting. */
static size_t
csv_days(struct csv_read *r, unsigned line, const struct csv_field *f, bool by_weekday,
         size_t *days)
{
    const struct acd_scenario *sc = r->c->sc;
    size_t n = 0;
    if (by_weekday) {
        int w = -1;
        for (int i = 0; i < 7; i++)
            if (same_word(f->s, acd_units_weekday_names[i]))
                w = i;
        if (w < 0) {
            const char *near = acd_scn_suggest(f->s, acd_units_weekday_names, 7);
            if (near)
                csv_err(r, line, f->col, "unknown weekday '%s' (did you mean '%s'?)",
                        acd_ytree_show(f->s).s, near);
            else
                csv_err(r, line, f->col, "unknown weekday '%s' (expected mon, tue, ... sun)",
                        acd_ytree_show(f->s).s);
            return 0;
        }
        for (size_t d = 0; d < sc->n_days; d++)
            if (sc->days[d].weekday == w)
                days[n++] = d;
        if (n == 0)
            csv_err(r, line, f->col, "no day of the period is a '%s'", acd_ytree_show(f->s).s);
        return n;
    }
    for (size_t d = 0; d < sc->n_days; d++)
        if (strcmp(sc->days[d].label, f->s) == 0)
            days[n++] = d;
    if (n == 0)
        csv_err(r, line, f->col, "'%s' is not a day of the period (%s to %s, as YYYY-MM-DD)",
                acd_ytree_show(f->s).s, sc->days[0].label, sc->days[sc->n_days - 1].label);
    return n;
}

/* The interval of day d a row's interval field names: its start on the
 * day's clock, or its 1-based number within the day. */
static bool
csv_day_interval(struct csv_read *r, unsigned line, const struct csv_field *f, size_t d,
                 size_t *out)
{
    const struct acd_scenario *sc = r->c->sc;
    const struct acd_day *dy = &sc->days[d];
    double base = (double)(dy->date - sc->days[0].date) * 86400.0, open = dy->open_s - base;
    double t;
    unsigned long long u;
    if (strchr(f->s, ':') && acd_units_parse_clock(f->s, &t) == 0) {
        double k = (t - open) / sc->interval_s, n = round(k);
        if (fabs(k - n) <= ACD_SCN_INTERVAL_TOL && n >= 0 && n < (double)dy->n_intervals) {
            *out = dy->first_interval + (size_t)n;
            return true;
        }
        char a[24], b[24];
        csv_err(r, line, f->col,
                "'%s' is not the start of an interval of %s (they start every %s from %s to %s)",
                acd_ytree_show(f->s).s, dy->label, acd_ytree_show(r->c->interval_text).s,
                acd_units_format_clock(open, a, sizeof(a)),
                acd_units_format_clock(open + (double)(dy->n_intervals - 1) * sc->interval_s, b,
                                       sizeof(b)));
        return false;
    }
    if (acd_units_parse_uint(f->s, &u) == 0 && u >= 1 && u <= dy->n_intervals) {
        *out = dy->first_interval + (size_t)(u - 1);
        return true;
    }
    csv_err(r, line, f->col,
            "expected an interval start or an interval number from 1 to %zu of %s (found '%s')",
            dy->n_intervals, dy->label, acd_ytree_show(f->s).s);
    return false;
}

/* A period's missing intervals (every day's, each once). */
static void
csv_missing_period(struct csv_read *r, unsigned header_line, const unsigned *row_of)
{
    struct ctx *c = r->c;
    size_t n_missing = 0;
    char list[ACD_SCN_MISSING_SHOWN * 40 + 8] = "";
    for (size_t i = 0; i < c->n_iv; i++) {
        if (row_of[i])
            continue;
        if (n_missing < ACD_SCN_MISSING_SHOWN) {
            char t[40];
            snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
                     n_missing ? ", " : "", period_iv_text(c, i, t, sizeof(t)));
        } else if (n_missing == ACD_SCN_MISSING_SHOWN) {
            strcat(list, ", ...");
        }
        n_missing++;
    }
    if (n_missing)
        csv_err(r, header_line, 1,
                "%zu interval%s missing (%s): every interval of every day of the period must "
                "be given once",
                n_missing, n_missing == 1 ? " is" : "s are", list);
}

/* A single day's header: 'interval' or 'start', then 'calls' (and
 * optionally 'aht') or 'agents', any case. Names the first offending
 * column and lists what is accepted. */
static bool
csv_day_header(struct csv_read *r, unsigned line, const struct csv_field *f, size_t nf,
               enum csv_kind kind)
{
    const char *accepted = kind == CSV_ARRIVALS
                               ? "accepted: interval,calls / start,calls / interval,calls,aht / "
                                 "start,calls,aht, in any case"
                               : "accepted: interval,agents / start,agents, in any case";
    const char *want[3] = {"'interval' or 'start'", kind == CSV_ARRIVALS ? "'calls'" : "'agents'",
                           "'aht'"};
    size_t max = kind == CSV_ARRIVALS ? 3 : 2;
    for (size_t j = 0; j < nf; j++) {
        bool ok = j == 0   ? same_word(f[j].s, "interval") || same_word(f[j].s, "start")
                  : j == 1 ? same_word(f[j].s, kind == CSV_ARRIVALS ? "calls" : "agents")
                  : j == 2 ? kind == CSV_ARRIVALS && same_word(f[j].s, "aht")
                           : false;
        if (ok)
            continue;
        if (same_word(f[j].s, "date") || same_word(f[j].s, "weekday"))
            csv_err(r, line, f[j].col,
                    "column %zu '%s' needs a period of days (`days:` in the scenario); a "
                    "single day's file has no such column (%s)",
                    j + 1, acd_ytree_show(f[j].s).s, accepted);
        else if (j < max)
            csv_err(r, line, f[j].col, "column %zu of the header must be %s, found '%s' (%s)",
                    j + 1, want[j], acd_ytree_show(f[j].s).s, accepted);
        else
            csv_err(r, line, f[j].col, "unexpected column %zu '%s' (%s)", j + 1,
                    acd_ytree_show(f[j].s).s, accepted);
        return false;
    }
    if (nf < 2) {
        csv_err(r, line, 1, "the header has %zu column%s (%s)", nf, nf == 1 ? "" : "s", accepted);
        return false;
    }
    return true;
}

/* A period's header: 'date' or 'weekday', then the single day's columns.
 * Names the first offending column. */
static bool
csv_period_header(struct csv_read *r, unsigned line, const struct csv_field *f, size_t nf,
                  enum csv_kind kind, bool *by_weekday)
{
    static const char *const first[] = {"date", "weekday"};
    const char *forms = kind == CSV_ARRIVALS ? "'date,interval,calls' or 'weekday,start,calls,aht'"
                                             : "'date,interval,agents' or 'weekday,start,agents'";
    if (nf < 1 || !(same_word(f[0].s, "date") || same_word(f[0].s, "weekday"))) {
        const char *near = nf >= 1 ? acd_scn_suggest(f[0].s, first, 2) : NULL;
        csv_err(r, line, nf >= 1 ? f[0].col : 1,
                "column 1 of the header must be 'date' or 'weekday' in a period (found '%s'%s%s%s; "
                "expected the header row %s)",
                nf >= 1 ? acd_ytree_show(f[0].s).s : "", near ? ", did you mean '" : "",
                near ? near : "", near ? "'?" : "", forms);
        return false;
    }
    *by_weekday = same_word(f[0].s, "weekday");
    const char *want[3] = {"interval or start", kind == CSV_ARRIVALS ? "calls" : "agents", "aht"};
    size_t max = kind == CSV_ARRIVALS ? 4 : 3;
    for (size_t j = 1; j < nf && j < max; j++) {
        bool ok = j == 1 ? same_word(f[j].s, "interval") || same_word(f[j].s, "start")
                         : same_word(f[j].s, want[j - 1]);
        if (!ok) {
            csv_err(r, line, f[j].col,
                    "column %zu of the header must be '%s' (found '%s'; expected the header row "
                    "%s)",
                    j + 1, want[j - 1], acd_ytree_show(f[j].s).s, forms);
            return false;
        }
    }
    if (nf < 3 || nf > max) {
        csv_err(r, line, nf > max ? f[max].col : 1,
                "the header has %zu columns (expected the header row %s)", nf, forms);
        return false;
    }
    return true;
}

/* One row of a period's file: its day(s), its interval, its values. */
static bool
csv_period_row(struct csv_read *r, unsigned line, const struct csv_field *f, bool by_weekday,
               enum csv_kind kind, double *vals, double *ahts, unsigned *row_of, size_t *days)
{
    struct ctx *c = r->c;
    size_t nd = csv_days(r, line, &f[0], by_weekday, days);
    if (nd == 0)
        return false;
    enum elem ek = kind == CSV_ARRIVALS ? E_CALLS : E_AGENTS;
    double x, a = 0;
    bool good = elem_value(ek, f[2].s, &x);
    if (!good)
        csv_err(r, line, f[2].col, "'%s' values must be %s (found '%s')",
                kind == CSV_ARRIVALS ? "calls" : "agents", elem_what(ek), acd_ytree_show(f[2].s).s);
    if (ahts && !elem_value(E_DURATION, f[3].s, &a)) {
        csv_err(r, line, f[3].col, "'aht' values must be %s (found '%s')", elem_what(E_DURATION),
                acd_ytree_show(f[3].s).s);
        good = false;
    }
    for (size_t i = 0; i < nd; i++) {
        size_t iv;
        if (!csv_day_interval(r, line, &f[1], days[i], &iv))
            return false;
        if (row_of[iv]) {
            char at[40];
            csv_err(r, line, f[1].col, "interval %s is given twice (first on line %u)",
                    period_iv_text(c, iv, at, sizeof(at)), row_of[iv]);
            return true;
        }
        row_of[iv] = line;
        if (good) {
            vals[iv] = x;
            if (ahts)
                ahts[iv] = a;
        }
    }
    return true;
}

/* Read a per-interval CSV named by `fv` (a `file:` value): values per
 * interval into *v (n_intervals) and, for arrivals with an aht column,
 * handle time means into *aht (else NULL). Returns false after reporting,
 * with nothing allocated. Without known intervals (the horizon's own error
 * says enough) the file is not read. */
bool
acd_scn_read_interval_csv(struct ctx *c, const struct acd_ynode *fv, enum csv_kind kind, double **v,
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
    char *path = acd_scn_resolve_path(c, fv->s);
    struct csv_read r = {c, fv, path, true};
    size_t len = 0;
    char *text = acd_read_file(path, ACD_SCN_MAX_BYTES, &len);
    if (!text) {
        if (errno == EFBIG)
            csv_err(&r, 1, 1, "%s is too large (more than %d MB)", what,
                    ACD_SCN_MAX_BYTES / (1024 * 1024));
        else
            csv_err(&r, 1, 1, "cannot open %s: %s", what, strerror(errno));
        free(path);
        return false;
    }
    bool period = c->sc->n_days > 0, by_weekday = false;
    size_t *day_buf = period ? acd_xcalloc(c->sc->n_days, sizeof(*day_buf)) : NULL;
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
        if (!header_line && period) {
            header_line = line;
            if (!csv_period_header(&r, line, f, nf, kind, &by_weekday))
                break;
            n_cols = nf;
            if (nf == 4)
                ahts = acd_xcalloc(c->n_iv, sizeof(*ahts));
            continue;
        }
        if (!header_line) {
            header_line = line;
            /* Without its header the file's columns are unknown: name the
             * first column that is wrong, and what is accepted. */
            if (!csv_day_header(&r, line, f, nf, kind))
                break;
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
        if (period) {
            if (!csv_period_row(&r, line, f, by_weekday, kind, vals, ahts, row_of, day_buf))
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
                    kind == CSV_ARRIVALS ? "calls" : "agents", elem_what(ek),
                    acd_ytree_show(f[1].s).s);
        if (ahts && !elem_value(E_DURATION, f[2].s, &ahts[iv]))
            csv_err(&r, line, f[2].col, "'aht' values must be %s (found '%s')",
                    elem_what(E_DURATION), acd_ytree_show(f[2].s).s);
    }
    if (r.ok && !header_line)
        csv_err(&r, 1, 1, "%s is empty (expected the header row %s)", what, forms);
    else if (header_line && n_cols && !iv_bad && period)
        csv_missing_period(&r, header_line, row_of);
    else if (header_line && n_cols && !iv_bad)
        csv_missing(&r, header_line, row_of);
    free(day_buf);
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

/* ---------------------------------------------------------------- shifts */

/* Parsed after the walk, once the keys it depends on are known. */
static void
parse_later(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    (void)c, (void)obj, (void)k, (void)v;
}

/* `weekdays: [mon, tue, ...]`: a period's weekdays the shift works. */
static void
shift_weekdays(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_shift *sh = obj;
    if (c->sc->n_days == 0) {
        acd_scn_err(c, k, "'%s' needs a period of days ('days:' in the scenario)", k->s);
        return;
    }
    if (v->kind != ACD_Y_SEQ || v->n == 0) {
        acd_scn_err(c, acd_scn_where(k, v),
                    "'%s' must be a non-empty list of weekdays like [mon, tue, wed] (found %s)",
                    k->s, acd_ytree_found(v).s);
        return;
    }
    unsigned bits = 0;
    bool ok = true;
    for (size_t i = 0; i < v->n; i++) {
        const struct acd_ynode *w = v->kids[i];
        size_t d = 7;
        if (w->kind == ACD_Y_SCALAR && !w->is_null)
            for (d = 0; d < 7 && strcmp(w->s, acd_units_weekday_names[d]) != 0; d++)
                ;
        if (d == 7) {
            if (w->kind == ACD_Y_SCALAR && !w->is_null)
                acd_scn_unknown_name(c, w, "weekday", "expected one of", acd_units_weekday_names,
                                     7);
            else
                acd_scn_err(c, w, "a weekday must be one of mon ... sun (found %s)",
                            acd_ytree_found(w).s);
            ok = false;
        } else if (bits & (1u << d)) {
            acd_scn_err(c, w, "'%s' is listed twice", w->s);
            ok = false;
        }
        bits |= d < 7 ? 1u << d : 0;
    }
    if (ok)
        sh->weekdays = bits;
}

enum { SH_START, SH_END, SH_COUNT, SH_BREAKS, SH_MOVES, SH_WEEKDAYS };

static const struct key_desc shift_keys[] = {
    [SH_START] = KEY_V("start", V_CLOCK, struct acd_shift, start_s, KEY_REQUIRED),
    [SH_END] = KEY_V("end", V_CLOCK, struct acd_shift, end_s, KEY_REQUIRED),
    [SH_COUNT] = KEY_N("count", V_UINT1, struct acd_shift, count, ACD_SCN_MAX_AGENTS, KEY_REQUIRED),
    [SH_BREAKS] = KEY_FN("breaks", parse_later, 0),
    [SH_MOVES] = KEY_FN("moves", parse_later, 0),
    [SH_WEEKDAYS] = KEY_FN("weekdays", shift_weekdays, 0),
};

/* A break as written (paid unless `paid: false`). */
struct break_parse {
    struct acd_break b;
    bool paid, has_paid;
};

static const struct key_desc break_keys[] = {
    KEY_V("start", V_CLOCK, struct break_parse, b.start_s, KEY_REQUIRED),
    KEY_V("length", V_DURATION_POS, struct break_parse, b.length_s, KEY_REQUIRED),
    KEY_VH("paid", V_BOOL, struct break_parse, paid, has_paid, 0),
};

/* A shift's breaks: each inside the shift (when its times are valid), in
 * time order, not overlapping. */
static void
parse_breaks(struct ctx *c, struct acd_shift *sh, bool times_ok, const struct acd_ynode *k,
             const struct acd_ynode *v, const struct acd_ynode *start, const struct acd_ynode *end)
{
    if (v->kind != ACD_Y_SEQ) {
        acd_scn_err(c, acd_scn_where(k, v),
                    "'%s' must be a list like [{start: \"10:00\", length: 15m}] (found %s)", k->s,
                    acd_ytree_found(v).s);
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
            acd_scn_err(c, item,
                        "a break must be a mapping like {start: \"10:00\", length: 15m} (found %s)",
                        acd_ytree_found(item).s);
            continue;
        }
        struct seen s;
        struct break_parse bp = {0};
        acd_scn_walk_map(c, item, "break", break_keys, ACD_ARRAY_LEN(break_keys), &bp, &s);
        *b = bp.b;
        b->unpaid = bp.has_paid && !bp.paid;
        if (!acd_scn_is_ok(&s, 0) || !acd_scn_is_ok(&s, 1) || s.meant)
            continue;
        const char *bs = acd_ytree_show(s.val[0]->s).s;
        if (times_ok && (b->start_s < sh->start_s || b->start_s + b->length_s > sh->end_s)) {
            acd_scn_err(c, item, "the break at %s (%s) is not inside its shift (%s to %s)", bs,
                        acd_ytree_show(s.val[1]->s).s, acd_ytree_show(start->s).s,
                        acd_ytree_show(end->s).s);
        } else if (pb && b->start_s < pb->start_s) {
            acd_scn_err(c, item,
                        "breaks must be listed in time order (%s comes before %s, line %u)", bs,
                        acd_ytree_show(prev->s).s, prev->line);
        } else if (pb && b->start_s < pb->start_s + pb->length_s) {
            acd_scn_err(c, item, "the break at %s overlaps the break at %s (line %u)", bs,
                        acd_ytree_show(prev->s).s, prev->line);
        }
        prev = s.val[0];
        pb = b;
    }
}

void
acd_scn_grp_shifts(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_agent_group *g = obj;
    if (v->kind != ACD_Y_SEQ) {
        acd_scn_err(
            c, acd_scn_where(k, v),
            "'%s' must be a list like [{start: \"08:00\", end: \"16:00\", count: 5}] (found %s)",
            k->s, acd_ytree_found(v).s);
        return;
    }
    if (v->n == 0) {
        acd_scn_err(c, v, "'%s' must list at least one shift", k->s);
        return;
    }
    g->shifts = acd_xcalloc(v->n, sizeof(*g->shifts));
    g->n_shifts = v->n;
    for (size_t i = 0; i < v->n; i++) {
        const struct acd_ynode *item = v->kids[i];
        struct acd_shift *sh = &g->shifts[i];
        if (item->kind != ACD_Y_MAP) {
            acd_scn_err(
                c, item,
                "a shift must be a mapping like {start: \"08:00\", end: \"16:00\", count: 5} "
                "(found %s)",
                acd_ytree_found(item).s);
            continue;
        }
        struct seen s;
        acd_scn_walk_map(c, item, "shift", shift_keys, ACD_ARRAY_LEN(shift_keys), sh, &s);
        bool times_ok = acd_scn_is_ok(&s, SH_START) && acd_scn_is_ok(&s, SH_END);
        if (times_ok && sh->end_s <= sh->start_s) {
            acd_scn_err(c, s.val[SH_END], "'end' (%s) must be later than 'start' (%s)",
                        acd_ytree_show(s.val[SH_END]->s).s, acd_ytree_show(s.val[SH_START]->s).s);
            times_ok = false;
        }
        if (s.keys & BIT(SH_BREAKS))
            parse_breaks(c, sh, times_ok, s.key[SH_BREAKS], s.val[SH_BREAKS], s.val[SH_START],
                         s.val[SH_END]);
        if (s.keys & BIT(SH_MOVES))
            acd_scn_parse_moves(c, s.key[SH_MOVES], s.val[SH_MOVES], g, sh, i, times_ok);
    }
}
