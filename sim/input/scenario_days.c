/*
 * scenario_days: `days:`, the operating days of a multi-day period. Read
 * right after the horizon (whose open/close are every day's default hours
 * and whose interval is every day's grid) and before the walk, since the
 * period's intervals are what every per-interval list counts.
 *
 * Two forms: a list of days, `- {date: 2026-12-07}` or
 * `- {date: 2026-12-08, open: "09:00", close: "13:00"}`, dates strictly
 * increasing; or a range, `{from: 2026-12-07, to: 2026-12-13, weekdays:
 * {sat: {open: "09:00", close: "13:00"}, sun: closed}}`, one profile per
 * weekday (days of a `closed` weekday are left out). Times of the period
 * are seconds from midnight of the first day (struct acd_day).
 */
#include "scenario_int.h"
#include "units.h"
#include "util.h"
#include "yamltree.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_S 86400.0
/* A date value; reports and returns false if it is not one. */
static bool
get_date(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v, long *out)
{
    if (v->kind != ACD_Y_SCALAR || v->is_null || strlen(v->s) != v->len ||
        acd_units_parse_date(v->s, out) != 0) {
        acd_scn_err(c, acd_scn_where(k, v), "'%s' must be a date like 2026-12-07 (found %s)", k->s,
                    acd_ytree_found(v).s);
        return false;
    }
    return true;
}

/* One day's profile as written: a date (list form), its hours. */
struct day_parse {
    long date;
    bool has_date;
    double open_s, close_s;
    bool closed; /* range form: `closed` */
    const struct acd_ynode *at;
};

static void
day_date(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct day_parse *d = obj;
    d->has_date = get_date(c, k, v, &d->date);
}

enum { D_DATE, D_OPEN, D_CLOSE };

static const struct key_desc day_keys[] = {
    [D_DATE] = KEY_FN("date", day_date, KEY_REQUIRED),
    [D_OPEN] = KEY_V("open", V_CLOCK, struct day_parse, open_s, 0),
    [D_CLOSE] = KEY_V("close", V_CLOCK, struct day_parse, close_s, 0),
};

/* What the whole parse collects before the days are laid out. */
struct days_parse {
    struct day_parse *v;
    size_t n, cap;
    bool ok;
};

static struct day_parse *
days_add(struct days_parse *p)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 16;
        p->v = acd_xrealloc(p->v, p->cap * sizeof(*p->v));
    }
    struct day_parse *d = &p->v[p->n++];
    memset(d, 0, sizeof(*d));
    return d;
}

/* The hours of a day whose open/close were given (or not): the horizon's
 * by default; checked against the interval grid. */
static bool
day_hours(struct ctx *c, struct day_parse *d, const struct seen *s, const struct acd_ynode *at)
{
    const struct acd_scenario *sc = c->sc;
    if (!(s->keys & BIT(D_OPEN)))
        d->open_s = sc->open_s;
    if (!(s->keys & BIT(D_CLOSE)))
        d->close_s = sc->close_s;
    if ((s->bad & (BIT(D_OPEN) | BIT(D_CLOSE))) || !c->n_iv)
        return false;
    if (d->close_s <= d->open_s) {
        acd_scn_err(c, at, "a day's 'close' must be later than its 'open'");
        return false;
    }
    double q = (d->close_s - d->open_s) / sc->interval_s, n = round(q);
    if (n < 1 || fabs(q - n) > ACD_SCN_INTERVAL_TOL) {
        acd_scn_err(
            c, at, "a day's opening hours must be whole intervals of the horizon's 'interval' (%s)",
            c->interval_text ? acd_ytree_show(c->interval_text).s : "?");
        return false;
    }
    return true;
}

static void
list_day(struct ctx *c, struct days_parse *p, const struct acd_ynode *k,
         const struct acd_ynode *item)
{
    if (!acd_scn_expect_map(c, k, item,
                            "a list of days like - {date: 2026-12-07} or - {date: 2026-12-08, "
                            "open: \"09:00\", close: \"13:00\"}")) {
        p->ok = false;
        return;
    }
    struct day_parse *d = days_add(p);
    d->at = item;
    struct seen s;
    size_t before = c->n_errors;
    acd_scn_walk_map(c, item, "a day", day_keys, ACD_ARRAY_LEN(day_keys), d, &s);
    if (c->n_errors != before || !d->has_date || !day_hours(c, d, &s, item))
        p->ok = false;
}

/* ------------------------------------------------------------- range */

struct range_parse {
    long from, to;
    bool has_from, has_to;
    struct day_parse wd[7];
    struct seen wd_seen[7];
    bool wd_given[7];
};

static void
range_from(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct range_parse *r = obj;
    r->has_from = get_date(c, k, v, &r->from);
}

static void
range_to(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct range_parse *r = obj;
    r->has_to = get_date(c, k, v, &r->to);
}

static const struct key_desc hours_keys[] = {
    [D_DATE] = KEY_FN("date", day_date, 0), /* not in a weekday: refused below */
    [D_OPEN] = KEY_V("open", V_CLOCK, struct day_parse, open_s, 0),
    [D_CLOSE] = KEY_V("close", V_CLOCK, struct day_parse, close_s, 0),
};

static void
weekday_profile(struct ctx *c, struct range_parse *r, int w, const struct acd_ynode *k,
                const struct acd_ynode *v)
{
    struct day_parse *d = &r->wd[w];
    r->wd_given[w] = true;
    d->at = v;
    if (v->kind == ACD_Y_SCALAR && !v->is_null && strcmp(v->s, "closed") == 0) {
        d->closed = true;
        return;
    }
    if (!acd_scn_expect_map(c, k, v,
                            "'closed' or a mapping like {open: \"09:00\", close: \"13:00\"}"))
        return;
    acd_scn_walk_map(c, v, k->s, hours_keys, ACD_ARRAY_LEN(hours_keys), d, &r->wd_seen[w]);
    if (r->wd_seen[w].keys & BIT(D_DATE))
        acd_scn_err(c, r->wd_seen[w].key[D_DATE],
                    "'date' is not a key of a weekday's hours (only 'open' and 'close')");
}

#define WEEKDAY_FN(w, name)                                                                        \
    static void wd_##name(struct ctx *c, void *obj, const struct acd_ynode *k,                     \
                          const struct acd_ynode *v)                                               \
    {                                                                                              \
        weekday_profile(c, obj, w, k, v);                                                          \
    }
WEEKDAY_FN(0, mon)
WEEKDAY_FN(1, tue)
WEEKDAY_FN(2, wed)
WEEKDAY_FN(3, thu)
WEEKDAY_FN(4, fri)
WEEKDAY_FN(5, sat)
WEEKDAY_FN(6, sun)

static const struct key_desc weekday_keys[7] = {
    KEY_FN("mon", wd_mon, 0), KEY_FN("tue", wd_tue, 0), KEY_FN("wed", wd_wed, 0),
    KEY_FN("thu", wd_thu, 0), KEY_FN("fri", wd_fri, 0), KEY_FN("sat", wd_sat, 0),
    KEY_FN("sun", wd_sun, 0),
};

static void
range_weekdays(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    if (acd_scn_expect_map(c, k, v,
                           "a mapping of weekdays like {sat: {open: \"09:00\", close: "
                           "\"13:00\"}, sun: closed}"))
        acd_scn_walk_map(c, v, "weekdays", weekday_keys, ACD_ARRAY_LEN(weekday_keys), obj, NULL);
}

enum { R_FROM, R_TO, R_WEEKDAYS };

static const struct key_desc range_keys[] = {
    [R_FROM] = KEY_FN("from", range_from, KEY_REQUIRED),
    [R_TO] = KEY_FN("to", range_to, KEY_REQUIRED),
    [R_WEEKDAYS] = KEY_FN("weekdays", range_weekdays, 0),
};

static void
range_days(struct ctx *c, struct days_parse *p, const struct acd_ynode *k,
           const struct acd_ynode *v)
{
    struct range_parse r;
    memset(&r, 0, sizeof(r));
    struct seen s;
    size_t before = c->n_errors;
    acd_scn_walk_map(c, v, "days", range_keys, ACD_ARRAY_LEN(range_keys), &r, &s);
    if (c->n_errors != before || !r.has_from || !r.has_to)
        p->ok = false;
    if (!r.has_from || !r.has_to)
        return;
    if (r.to < r.from) {
        acd_scn_err(c, s.val[R_TO], "'to' (%s) must not be before 'from' (%s)",
                    acd_ytree_show(s.val[R_TO]->s).s, acd_ytree_show(s.val[R_FROM]->s).s);
        p->ok = false;
        return;
    }
    if (r.to - r.from >= 366) {
        acd_scn_err(c, s.val[R_TO], "the range from %s to %s has %ld days (at most 366)",
                    acd_ytree_show(s.val[R_FROM]->s).s, acd_ytree_show(s.val[R_TO]->s).s,
                    r.to - r.from + 1);
        p->ok = false;
        return;
    }
    for (int w = 0; p->ok && w < 7; w++) {
        struct day_parse *d = &r.wd[w];
        if (d->closed)
            continue;
        if (!day_hours(c, d, &r.wd_seen[w], r.wd_given[w] ? d->at : k))
            p->ok = false;
    }
    if (!p->ok)
        return;
    for (long day = r.from; day <= r.to; day++) {
        int w = acd_units_weekday(day);
        if (r.wd[w].closed)
            continue;
        struct day_parse *d = days_add(p);
        *d = r.wd[w];
        d->date = day;
        d->has_date = true;
        d->at = v;
    }
    if (p->n == 0) {
        acd_scn_err(c, v, "every day from %s to %s is closed: the period has no day",
                    acd_ytree_show(s.val[R_FROM]->s).s, acd_ytree_show(s.val[R_TO]->s).s);
        p->ok = false;
    }
}

/* ------------------------------------------------------------ layout */

/* The days in order into sc: times from midnight of the first day, the
 * period's intervals. */
static void
lay_out(struct ctx *c, const struct days_parse *p, const struct acd_ynode *v)
{
    struct acd_scenario *sc = c->sc;
    size_t total = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (i > 0 && p->v[i].date <= p->v[i - 1].date) {
            char a[32], b[32];
            acd_units_format_date(p->v[i].date, a, sizeof(a));
            acd_units_format_date(p->v[i - 1].date, b, sizeof(b));
            acd_scn_err(c, p->v[i].at, "days must be in date order, each date once (%s after %s)",
                        a, b);
            return;
        }
        if (i > 0) {
            double prev_close =
                       (double)(p->v[i - 1].date - p->v[0].date) * DAY_S + p->v[i - 1].close_s,
                   open = (double)(p->v[i].date - p->v[0].date) * DAY_S + p->v[i].open_s;
            if (open < prev_close) {
                acd_scn_err(c, p->v[i].at, "this day opens before the day before it closes");
                return;
            }
        }
        total += (size_t)round((p->v[i].close_s - p->v[i].open_s) / sc->interval_s);
    }
    if (total > ACD_SCN_MAX_INTERVALS) {
        acd_scn_err(c, v, "the period has %zu intervals (at most %d are allowed)", total,
                    ACD_SCN_MAX_INTERVALS);
        return;
    }
    sc->n_days = p->n;
    sc->days = acd_xcalloc(p->n, sizeof(*sc->days));
    size_t first = 0;
    for (size_t i = 0; i < p->n; i++) {
        struct acd_day *d = &sc->days[i];
        double base = (double)(p->v[i].date - p->v[0].date) * DAY_S;
        char buf[32];
        acd_units_format_date(p->v[i].date, buf, sizeof(buf));
        d->label = acd_xstrdup(buf);
        d->date = p->v[i].date;
        d->weekday = acd_units_weekday(p->v[i].date);
        d->open_s = base + p->v[i].open_s;
        d->close_s = base + p->v[i].close_s;
        d->first_interval = first;
        d->n_intervals = (size_t)round((p->v[i].close_s - p->v[i].open_s) / sc->interval_s);
        d->pos = (struct acd_srcpos){p->v[i].at->line, p->v[i].at->col};
        first += d->n_intervals;
    }
    sc->open_s = sc->days[0].open_s;
    sc->close_s = sc->days[p->n - 1].close_s;
    sc->n_intervals = c->n_iv = total;
}

void
acd_scn_parse_days(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v)
{
    if (c->mode != MODE_DAY)
        return; /* the walk reports 'days' without an operating day */
    struct days_parse p = {NULL, 0, 0, true};
    if (v->kind == ACD_Y_SEQ) {
        if (v->n == 0) {
            acd_scn_err(c, v, "'days' must list at least one day");
            p.ok = false;
        }
        if (v->n > 366) {
            acd_scn_err(c, v, "'days' lists %zu days (at most 366)", v->n);
            p.ok = false;
        }
        for (size_t i = 0; v->n <= 366 && i < v->n; i++)
            list_day(c, &p, k, v->kids[i]);
    } else if (v->kind == ACD_Y_MAP) {
        range_days(c, &p, k, v);
    } else {
        acd_scn_err(c, acd_scn_where(k, v),
                    "'days' must be a list of days like [{date: 2026-12-07}] or a range like "
                    "{from: 2026-12-07, to: 2026-12-13} (found %s)",
                    acd_ytree_found(v).s);
        p.ok = false;
    }
    if (p.ok && c->n_iv)
        lay_out(c, &p, v);
    c->days_given = true;
    if (!c->sc->n_days)
        c->n_iv = 0; /* per-interval lists cannot be counted: skip their length checks */
    free(p.v);
}

bool
acd_scn_days_refuse(struct ctx *c, const struct acd_ynode *k, const char *what)
{
    if (!c->days_given)
        return false;
    acd_scn_err(c, k, "'%s' cannot be combined with 'days' yet", what);
    return true;
}
