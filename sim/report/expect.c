/*
 * expect: `--assert EXPR` checks, `[SCOPE.]METRIC OP NUMBER`, parsed and
 * checked against the scenario before anything runs (so a typo costs no
 * simulation time), then evaluated on the means of the results.
 *
 * Not here: the results lookup for other clients (run.c owns
 * acd_results_lookup); this module resolves scopes by name itself, in the
 * results' setup (run.h): the scenario is read only to check names before
 * a run, through the same setup the run will make of it.
 */
#include "expect.h"
#include "units.h"
#include "util.h"
#include "verdict.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct op_def {
    const char *text;
    bool (*holds)(double x, double bound);
};

static bool
op_ge(double x, double b)
{
    return x >= b;
}
static bool
op_le(double x, double b)
{
    return x <= b;
}
static bool
op_gt(double x, double b)
{
    return x > b;
}
static bool
op_lt(double x, double b)
{
    return x < b;
}

/* Two-character operators first, so ">=" is not read as ">". */
static const struct op_def ops[] = {
    [ACD_OP_GE] = {.text = ">=", .holds = op_ge},
    [ACD_OP_LE] = {.text = "<=", .holds = op_le},
    [ACD_OP_GT] = {.text = ">", .holds = op_gt},
    [ACD_OP_LT] = {.text = "<", .holds = op_lt},
};

static const char grammar[] =
    "expected [SCOPE.]METRIC OP NUMBER with OP one of >=, <=, >, <, or 'targets'; SCOPE a call "
    "type, agent group or channel (voice, chat, email), an interval (09:00, every_interval) or "
    "both (billing@09:00), or a "
    "period's day (2026-12-08, every_day)";

/* Metrics that may be held to the service-level goal (`>= target`). */
static bool
has_sl_goal(enum acd_metric m)
{
    return m == ACD_M_SERVICE_LEVEL || m == ACD_M_SERVICE_LEVEL_ANSWERED ||
           m == ACD_M_SERVICE_LEVEL_CUSTOMER;
}

/* Copy s[0..n) without surrounding white space into a new string. */
static char *
strip_dup(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s))
        s++, n--;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return acd_xstrndup(s, n);
}

/* The span [off, off + len) of text without surrounding white space. */
static struct acd_expect_span
trim(const char *text, size_t off, size_t len)
{
    while (len && isspace((unsigned char)text[off]))
        off++, len--;
    while (len && isspace((unsigned char)text[off + len - 1]))
        len--;
    return (struct acd_expect_span){off, len};
}

/* A message about part sp of the expression: "column N: MESSAGE", the
 * expression, a caret under the part (columns in characters, so a UTF-8
 * name keeps the caret in place). */
static void __attribute__((format(printf, 5, 6)))
located(char *err, size_t errlen, const char *text, struct acd_expect_span sp, const char *fmt, ...)
{
    size_t col = 0, w = 0;
    for (size_t i = 0; i < sp.off && text[i]; i++)
        col += ((unsigned char)text[i] & 0xc0) != 0x80;
    for (size_t i = sp.off; i < sp.off + sp.len && text[i]; i++)
        w += ((unsigned char)text[i] & 0xc0) != 0x80;
    int n = snprintf(err, errlen, "column %zu: ", col + 1);
    if (n < 0 || (size_t)n >= errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
    if (m < 0 || (size_t)(n + m) >= errlen)
        return;
    size_t len = (size_t)(n + m);
    int k = snprintf(err + len, errlen - len, "\n    %s\n    %*s^", text, (int)col, "");
    if (k < 0 || len + (size_t)k >= errlen)
        return;
    len += (size_t)k;
    for (size_t i = 1; i < w && len + 1 < errlen; i++)
        err[len++] = '~', err[len] = '\0';
}

/* The closest candidate if it is a plausible typo, else NULL. */
static const char *
suggest(const char *word, const char *const *cands, size_t n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        size_t d = acd_edit_distance(word, cands[i]);
        if (d < best_d)
            best = cands[i], best_d = d;
    }
    size_t len = strlen(word);
    return best && best_d <= (len < 6 ? 2 : len / 3) ? best : NULL;
}

static void
unknown_metric(const char *text, struct acd_expect_span sp, const char *key, char *err,
               size_t errlen)
{
    const char *keys[ACD_METRIC_COUNT];
    for (int m = 0; m < ACD_METRIC_COUNT; m++)
        keys[m] = acd_metrics[m].key;
    const char *s = suggest(key, keys, ACD_METRIC_COUNT);
    if (s) {
        located(err, errlen, text, sp, "unknown metric '%s' (did you mean '%s'?)", key, s);
        return;
    }
    char list[1024];
    int n = 0;
    for (int m = 0; m < ACD_METRIC_COUNT && n >= 0 && (size_t)n < sizeof(list); m++)
        n +=
            snprintf(list + n, sizeof(list) - (size_t)n, "%s %s", m ? "," : "", acd_metrics[m].key);
    located(err, errlen, text, sp, "unknown metric '%s'; known metrics:%s", key, list);
}

/* Parse the bound: a finite number, or a percentage for ratio metrics. */
static int
parse_bound(const char *text, struct acd_expect_span sp, const char *s, enum acd_metric m,
            double *out, char *err, size_t errlen)
{
    char *end;
    double v = strtod(s, &end);
    bool pct = end != s && *end == '%' && end[1] == '\0';
    if (end == s || (*end && !pct) || !isfinite(v)) {
        located(err, errlen, text, sp, "expected a number after the operator, got '%s'", s);
        return -1;
    }
    if (pct && !acd_metrics[m].is_ratio) {
        located(err, errlen, text, sp, "'%s' is not a ratio; give the bound without '%%'",
                acd_metrics[m].key);
        return -1;
    }
    *out = pct ? v / 100.0 : v;
    return 0;
}

static const char every_word[] = "every_interval";

/* Whether a scope word names intervals rather than a call type or group:
 * the word every_interval or a clock time (a digit first, a colon in it). */
static bool
interval_like(const char *w, size_t n)
{
    if (n == strlen(every_word) && strncmp(w, every_word, n) == 0)
        return true;
    return n && isdigit((unsigned char)w[0]) && memchr(w, ':', n);
}

static const char every_day_word[] = "every_day";

/* Whether a scope word names a period's day: every_day or a date. */
static bool
day_like(const char *w, size_t n, long *date)
{
    if (n == strlen(every_day_word) && strncmp(w, every_day_word, n) == 0) {
        *date = -1;
        return true;
    }
    char buf[16];
    if (n != 10)
        return false;
    memcpy(buf, w, n);
    buf[n] = '\0';
    return acd_units_parse_date(buf, date) == 0;
}

/* The interval part of a scope (sp in text) into e; -1 with a message. */
static int
parse_when(const char *text, struct acd_expect_span sp, struct acd_expect *e, char *err,
           size_t errlen)
{
    e->when_span = sp;
    if (sp.len == strlen(every_word) && strncmp(text + sp.off, every_word, sp.len) == 0) {
        e->when = ACD_WHEN_EVERY;
        return 0;
    }
    char *w = acd_xstrndup(text + sp.off, sp.len);
    int rc = acd_units_parse_clock(w, &e->at_s);
    if (rc != 0)
        located(err, errlen, text, sp,
                "expected an interval's start (a clock time, HH:MM) or '%s', got '%s'", every_word,
                w);
    else
        e->when = ACD_WHEN_AT;
    free(w);
    return rc != 0 ? -1 : 0;
}

int
acd_expect_parse(const char *text, struct acd_expect *e, char *err, size_t errlen)
{
    memset(e, 0, sizeof(*e));
    char *whole = strip_dup(text, strlen(text));
    bool all = strcmp(whole, "targets") == 0;
    free(whole);
    if (all) { /* every goal of the verdict */
        e->text = acd_xstrdup(text);
        e->targets = true;
        e->metric = ACD_M_SERVICE_LEVEL;
        e->op = ACD_OP_GE;
        return 0;
    }
    const char *at = strpbrk(text, "<>=!");
    if (!at) {
        snprintf(err, errlen, "%s", grammar);
        return -1;
    }
    int op = -1;
    for (size_t i = 0; i < ACD_ARRAY_LEN(ops); i++)
        if (strncmp(at, ops[i].text, strlen(ops[i].text)) == 0) {
            op = (int)i;
            break;
        }
    size_t op_len = op >= 0 ? strlen(ops[op].text) : 0;
    size_t at_off = (size_t)(at - text);
    if (op < 0 || (at[op_len] && strchr("<>=!", at[op_len]))) {
        size_t n = strspn(at, "<>=!");
        located(err, errlen, text, (struct acd_expect_span){at_off, n},
                "unsupported operator '%.*s'; use one of >=, <=, >, <", (int)n, at);
        return -1;
    }

    struct acd_expect_span lhs = trim(text, 0, at_off);
    struct acd_expect_span rhs_sp = trim(text, at_off + op_len, strlen(at + op_len));
    char *rhs = acd_xstrndup(text + rhs_sp.off, rhs_sp.len);
    char *scope = NULL, *key = NULL;
    struct acd_expect_span key_sp = lhs, scope_sp = {0, 0};
    /* Metric keys hold no dots, so the last dot splits scope and metric and
     * a scope name may itself contain dots. */
    const char *dot = NULL;
    for (size_t i = lhs.off; i < lhs.off + lhs.len; i++)
        if (text[i] == '.')
            dot = text + i;
    bool scoped = dot != NULL;
    if (dot) {
        size_t d = (size_t)(dot - text);
        scope_sp = trim(text, lhs.off, d - lhs.off);
        key_sp = trim(text, d + 1, lhs.off + lhs.len - d - 1);
    }
    key = acd_xstrndup(text + key_sp.off, key_sp.len);
    enum acd_metric m = ACD_METRIC_COUNT;
    if (!*key || (scoped && scope_sp.len == 0)) {
        snprintf(err, errlen, "%s", grammar);
        goto fail;
    }
    m = acd_stats_metric_find(key);
    if (m == ACD_METRIC_COUNT) {
        unknown_metric(text, key_sp, key, err, errlen);
        goto fail;
    }
    if (scoped) {
        /* "09:00", "every_interval", "NAME@09:00", "NAME@every_interval";
         * a name whose part after '@' is no interval stays a name. */
        const char *w = text + scope_sp.off;
        const char *amp = NULL;
        for (size_t i = 0; i < scope_sp.len; i++)
            if (w[i] == '@')
                amp = w + i;
        long date;
        if (day_like(w, scope_sp.len, &date)) { /* the center on a day of a period */
            e->when = date < 0 ? ACD_WHEN_EVERY_DAY : ACD_WHEN_DAY;
            e->day = date;
            e->when_span = scope_sp;
            scoped = false;
        } else if (interval_like(w, scope_sp.len)) {
            if (parse_when(text, scope_sp, e, err, errlen) != 0)
                goto fail;
            scoped = false;
        } else if (amp) {
            size_t a = (size_t)(amp - text);
            struct acd_expect_span when_sp = trim(text, a + 1, scope_sp.off + scope_sp.len - a - 1);
            if (interval_like(text + when_sp.off, when_sp.len)) {
                struct acd_expect_span name_sp = trim(text, scope_sp.off, a - scope_sp.off);
                if (name_sp.len == 0) {
                    located(err, errlen, text, scope_sp,
                            "expected a call type or agent group before '@'");
                    goto fail;
                }
                if (parse_when(text, when_sp, e, err, errlen) != 0)
                    goto fail;
                scope_sp = name_sp;
            }
        }
    }
    if (scoped) {
        scope = acd_xstrndup(text + scope_sp.off, scope_sp.len);
        e->scope_span = scope_sp;
    }
    if (!*rhs) {
        located(err, errlen, text, (struct acd_expect_span){at_off, op_len},
                "expected a number after '%s'", ops[op].text);
        goto fail;
    }
    if (strcmp(rhs, "target") == 0) {
        if (!has_sl_goal(m)) {
            located(err, errlen, text, rhs_sp,
                    "'target' is the service level's goal; give a number for '%s'",
                    acd_metrics[m].key);
            goto fail;
        }
        e->to_target = true;
        e->value = ACD_NAN;
    } else if (parse_bound(text, rhs_sp, rhs, m, &e->value, err, errlen) != 0)
        goto fail;

    e->text = acd_xstrdup(text);
    e->scope = scope;
    e->metric = m;
    e->op = (enum acd_expect_op)op;
    free(key);
    free(rhs);
    return 0;
fail:
    free(scope);
    free(key);
    free(rhs);
    memset(e, 0, sizeof(*e));
    return -1;
}

void
acd_expect_fini(struct acd_expect *e)
{
    if (!e)
        return;
    free(e->text);
    free(e->scope);
    memset(e, 0, sizeof(*e));
}

unsigned
acd_expect_resolve_scope(const struct acd_setup *st, const char *scope, enum acd_metric m,
                         size_t *idx)
{
    size_t type = SIZE_MAX, group = SIZE_MAX;
    for (size_t k = 0; k < st->n_call_types && type == SIZE_MAX; k++)
        if (strcmp(st->call_types[k].name, scope) == 0)
            type = k;
    for (size_t g = 0; g < st->n_groups && group == SIZE_MAX; g++)
        if (strcmp(st->groups[g].name, scope) == 0)
            group = g;
    unsigned applies = acd_metrics[m].scopes;
    if (type != SIZE_MAX && (applies & ACD_SCOPE_TYPE || group == SIZE_MAX)) {
        *idx = type;
        return ACD_SCOPE_TYPE;
    }
    if (group != SIZE_MAX) {
        *idx = group;
        return ACD_SCOPE_GROUP;
    }
    /* A channel of a center with more than one (no type or group named so). */
    unsigned used = acd_setup_channels(st);
    for (unsigned ch = 0; acd_channel_count(used) > 1 && ch < ACD_N_CHANNELS; ch++)
        if ((used & (1u << ch)) && strcmp(acd_channel_name((enum acd_channel)ch), scope) == 0) {
            *idx = ch;
            return ACD_SCOPE_CHANNEL;
        }
    return 0;
}

static const char *
scope_kind_name(unsigned kind)
{
    return kind == ACD_SCOPE_TYPE      ? "call type"
           : kind == ACD_SCOPE_GROUP   ? "agent group"
           : kind == ACD_SCOPE_CHANNEL ? "channel"
                                       : "center";
}

static void
unknown_scope(const struct acd_expect *e, const struct acd_setup *st, char *err, size_t errlen)
{
    /* The names, and the word for every interval of a day. */
    size_t n = st->n_call_types + st->n_groups;
    const char **names = acd_xcalloc(n + 1, sizeof(*names));
    for (size_t k = 0; k < st->n_call_types; k++)
        names[k] = st->call_types[k].name;
    for (size_t g = 0; g < st->n_groups; g++)
        names[st->n_call_types + g] = st->groups[g].name;
    if (st->horizon == ACD_HORIZON_DAY)
        names[n++] = every_word;
    const char *s = suggest(e->scope, names, n);
    if (s)
        located(err, errlen, e->text, e->scope_span,
                "unknown call type or agent group '%s' (did you mean '%s'?)", e->scope, s);
    else if (strchr(e->scope, '@'))
        located(err, errlen, e->text, e->scope_span,
                "unknown call type or agent group '%s'; after '@' give an interval's start "
                "(HH:MM) or '%s'",
                e->scope, every_word);
    else
        located(err, errlen, e->text, e->scope_span, "unknown call type or agent group '%s'",
                e->scope);
    free(names);
}

/* The interval of results or setup starting at at_s: its index, or
 * SIZE_MAX. Starts are whole seconds of the day. */
static size_t
interval_at(double open_s, double interval_s, size_t n, double at_s)
{
    if (!(interval_s > 0) || at_s < open_s)
        return SIZE_MAX;
    double i = (at_s - open_s) / interval_s;
    double r = floor(i + 0.5);
    if (fabs(open_s + r * interval_s - at_s) > 1e-6 || r >= (double)n)
        return SIZE_MAX;
    return (size_t)r;
}

/* The interval the assertion names must be one of the day's. */
static int
check_when(const struct acd_expect *e, const struct acd_setup *st, char *err, size_t errlen)
{
    if (e->when == ACD_WHEN_RUN)
        return 0;
    if (e->when == ACD_WHEN_DAY || e->when == ACD_WHEN_EVERY_DAY) {
        if (st->n_days == 0) {
            located(err, errlen, e->text, e->when_span,
                    "the scenario has no days; day checks need a period ('days:')");
            return -1;
        }
        for (size_t k = 0; k < st->n_days; k++)
            if (e->when == ACD_WHEN_EVERY_DAY || st->days[k].date == e->day)
                return 0;
        located(err, errlen, e->text, e->when_span, "%.*s is not a day of the period (%s to %s)",
                (int)e->when_span.len, e->text + e->when_span.off, st->days[0].label,
                st->days[st->n_days - 1].label);
        return -1;
    }
    char a[32], b[32], c[32], d[32];
    if (st->horizon != ACD_HORIZON_DAY || st->n_intervals == 0) {
        located(err, errlen, e->text, e->when_span,
                "the scenario has no intervals (a steady-state horizon); interval checks need "
                "an operating day");
        return -1;
    }
    if (e->when == ACD_WHEN_EVERY ||
        interval_at(st->open_s, st->interval_s, st->n_intervals, e->at_s) != SIZE_MAX)
        return 0;
    acd_units_format_clock(st->open_s, a, sizeof(a));
    acd_units_format_clock(st->close_s, b, sizeof(b));
    acd_units_format_duration(st->interval_s, c, sizeof(c));
    if (e->at_s >= st->open_s && e->at_s < st->close_s) {
        size_t i = (size_t)((e->at_s - st->open_s) / st->interval_s);
        if (i >= st->n_intervals)
            i = st->n_intervals - 1;
        acd_units_format_clock(st->open_s + (double)i * st->interval_s, d, sizeof(d));
        located(err, errlen, e->text, e->when_span,
                "no interval starts at %.*s (intervals of %s from %s to %s; did you mean '%s'?)",
                (int)e->when_span.len, e->text + e->when_span.off, c, a, b, d);
    } else {
        located(err, errlen, e->text, e->when_span,
                "no interval starts at %.*s: the day runs %s to %s (intervals of %s)",
                (int)e->when_span.len, e->text + e->when_span.off, a, b, c);
    }
    return -1;
}

int
acd_expect_check(const struct acd_expect *e, const struct acd_scenario *sc, char *err,
                 size_t errlen)
{
    const struct acd_metric_def *d = &acd_metrics[e->metric];
    if (e->targets)
        return 0;
    /* The names as the results will carry them (run.h). */
    struct acd_setup st;
    acd_setup_from_scenario(&st, sc);
    int rc = check_when(e, &st, err, errlen);
    if (rc == 0 && !e->scope) {
        unsigned need = e->when == ACD_WHEN_RUN ? ACD_SCOPE_CENTER : ACD_SCOPE_INTERVAL;
        if (!(d->scopes & need)) {
            if (e->when == ACD_WHEN_RUN)
                snprintf(err, errlen, "metric '%s' needs a scope: a call type or agent group",
                         d->key);
            else
                located(err, errlen, e->text, e->when_span,
                        "metric '%s' is not measured per interval for the center; give a call "
                        "type or agent group (NAME@HH:MM)",
                        d->key);
            rc = -1;
        }
    } else if (rc == 0) {
        size_t idx;
        unsigned kind = acd_expect_resolve_scope(&st, e->scope, e->metric, &idx);
        if (!kind) {
            unknown_scope(e, &st, err, errlen);
            rc = -1;
        } else if (kind == ACD_SCOPE_CHANNEL && e->when != ACD_WHEN_RUN) {
            located(err, errlen, e->text, e->when_span,
                    "a channel's figures are for the whole run; give a call type for an "
                    "interval (NAME@HH:MM)");
            rc = -1;
        } else if (!acd_stats_scope_applies(d->scopes, kind)) {
            located(err, errlen, e->text, e->scope_span, "metric '%s' does not apply to %s '%s'",
                    d->key, scope_kind_name(kind), e->scope);
            rc = -1;
        }
    }
    acd_setup_fini(&st);
    return rc;
}

/* The estimate an assertion is about in one interval (SIZE_MAX: the run),
 * or NULL if its scope is unknown. */
static const struct acd_estimate *
lookup(const struct acd_expect *e, const struct acd_results *r, size_t interval)
{
    const struct acd_scope_result *all = &r->summary, *types = r->types, *groups = r->groups;
    if (interval != SIZE_MAX) {
        const struct acd_interval_result *iv = &r->intervals[interval];
        all = &iv->all, types = iv->types, groups = iv->groups;
    }
    if (!e->scope)
        return &all->metric[e->metric];
    size_t idx;
    unsigned kind = acd_expect_resolve_scope(&r->setup, e->scope, e->metric, &idx);
    if (kind == ACD_SCOPE_TYPE && types)
        return &types[idx].metric[e->metric];
    if (kind == ACD_SCOPE_GROUP && groups)
        return &groups[idx].metric[e->metric];
    if (kind == ACD_SCOPE_CHANNEL && r->channels && interval == SIZE_MAX)
        return &r->channels[idx].metric[e->metric];
    return NULL;
}

/* The measured mean with just enough digits that the printed number itself
 * visibly violates the bound (0.9995 for 0.99948 against >= 0.9995 would
 * mislead). */
static void
format_measured(enum acd_expect_op op, double bound, double x, char *buf, size_t n)
{
    for (int p = 4; p <= 17; p++) {
        snprintf(buf, n, "%.*g", p, x);
        if (ops[op].holds(strtod(buf, NULL), bound) == ops[op].holds(x, bound))
            return;
    }
}

/* The bound of `>= target`: the scope's call type's own service-level
 * target, else the center's; NaN without a known setup. */
static double
target_of(const struct acd_expect *e, const struct acd_results *r)
{
    const struct acd_setup *st = &r->setup;
    if (!st->known)
        return ACD_NAN;
    size_t idx;
    if (e->scope && acd_expect_resolve_scope(st, e->scope, e->metric, &idx) == ACD_SCOPE_TYPE)
        return st->call_types[idx].sl_target;
    return st->sl_target;
}

static struct acd_expect_item *
add_item(struct acd_expect_result *res, size_t *cap)
{
    res->items = acd_xgrow(res->items, cap, res->n_items + 1, sizeof(*res->items));
    struct acd_expect_item *it = &res->items[res->n_items++];
    memset(it, 0, sizeof(*it));
    it->interval = SIZE_MAX;
    it->day = SIZE_MAX;
    it->est = (struct acd_estimate){.mean = ACD_NAN, .ci95 = ACD_NAN};
    return it;
}

/* `targets`: every goal of the verdict (the center's and each call type's
 * own service level), one item each; a line for each one missed or not
 * measurable. */
static void
eval_targets(const struct acd_expect *e, const struct acd_results *r, struct acd_expect_result *res,
             FILE *out)
{
    if (!r->setup.known) {
        fprintf(out, "acdsim: assertion failed: %s: no scenario, no targets\n", e->text);
        res->failed = true;
        return;
    }
    size_t n, cap = 0;
    res->goals = acd_verdict_goals(r, &n);
    for (size_t i = 0; i < n; i++) {
        const struct acd_goal *g = &res->goals[i];
        const struct acd_scope_result *s = acd_verdict_goal_scope(r, g, SIZE_MAX);
        struct acd_expect_item *it = add_item(res, &cap);
        it->scope = g->type == SIZE_MAX ? NULL : r->setup.call_types[g->type].name;
        it->what = g->what;
        it->metric = g->t.metric;
        it->op = g->t.at_least ? ">=" : "<=";
        it->bound = g->t.bound;
        it->est = s->metric[g->t.metric];
        it->verdict = acd_verdict_target(&g->t, s);
        if (it->verdict == ACD_VERDICT_MET)
            continue;
        res->failed = true;
        if (it->verdict == ACD_VERDICT_NA)
            fprintf(out, "acdsim: assertion failed: %s: %s %s %.4g: not measured\n", e->text,
                    g->what, it->op, it->bound);
        else
            fprintf(out, "acdsim: assertion failed: %s: %s %s %.4g: measured %.4g ± %.2g\n",
                    e->text, g->what, it->op, it->bound, it->est.mean, it->est.ci95);
    }
}

/* "09:00-09:30" */
static char *
interval_name(const struct acd_results *r, size_t i, char *buf, size_t n)
{
    char a[32], b[32];
    snprintf(buf, n, "%s-%s", acd_units_format_clock(r->intervals[i].start_s, a, sizeof(a)),
             acd_units_format_clock(r->intervals[i].end_s, b, sizeof(b)));
    return buf;
}

/* One failed figure's words: "measured 0.585 ± 0.031", "not measured". */
static void
put_measured(FILE *out, const struct acd_expect *e, const struct acd_expect_item *it)
{
    if (isnan(it->est.mean)) {
        fputs("not measured", out);
        return;
    }
    char mean[40];
    format_measured(e->op, it->bound, it->est.mean, mean, sizeof(mean));
    if (isnan(it->est.ci95))
        fprintf(out, "measured %s (no CI)", mean);
    else
        fprintf(out, "measured %s ± %.2g", mean, it->est.ci95);
}

/* An assertion over one interval or every one: an item per interval; the
 * message names each failing interval with its value and CI. */
static void
eval_intervals(const struct acd_expect *e, const char *text, double bound,
               const struct acd_results *r, struct acd_expect_result *res, FILE *out)
{
    size_t cap = 0, failed = 0, judged = 0;
    size_t at =
        e->when == ACD_WHEN_AT && r->n_intervals
            ? interval_at(r->intervals[0].start_s, r->intervals[0].end_s - r->intervals[0].start_s,
                          r->n_intervals, e->at_s)
            : SIZE_MAX;
    for (size_t i = 0; i < r->n_intervals; i++) {
        if (e->when == ACD_WHEN_AT && i != at)
            continue;
        const struct acd_estimate *est = lookup(e, r, i);
        struct acd_expect_item *it = add_item(res, &cap);
        it->interval = i;
        it->scope = e->scope;
        it->metric = e->metric;
        it->op = ops[e->op].text;
        it->bound = bound;
        if (est)
            it->est = *est;
        bool ok = est && !isnan(est->mean) && !isnan(bound) && ops[e->op].holds(est->mean, bound);
        it->verdict = ok                                          ? ACD_VERDICT_MET
                      : est && !isnan(est->mean) && !isnan(bound) ? ACD_VERDICT_MISSED
                                                                  : ACD_VERDICT_NA;
        judged++;
        failed += !ok;
    }
    char name[80];
    if (judged == 0) {
        res->failed = true;
        fprintf(out, "acdsim: assertion failed: %s: the results have no such interval\n", text);
        return;
    }
    if (!failed)
        return;
    res->failed = true;
    if (isnan(bound)) {
        fprintf(out, "acdsim: assertion failed: %s: no service-level target known\n", text);
        return;
    }
    if (e->when == ACD_WHEN_AT) {
        const struct acd_expect_item *it = &res->items[0];
        fprintf(out, "acdsim: assertion failed: %s: %s ", text,
                interval_name(r, it->interval, name, sizeof(name)));
        put_measured(out, e, it);
        unsigned n = it->est.n ? it->est.n : r->replications;
        fprintf(out, " (95%% CI over %u replication%s)\n", n, acd_plural(n));
        return;
    }
    fprintf(out,
            "acdsim: assertion failed: %s: %zu of %zu intervals fail (95%% CIs over %u "
            "replications):\n",
            text, failed, judged, r->replications);
    for (size_t i = 0; i < res->n_items; i++) {
        const struct acd_expect_item *it = &res->items[i];
        if (it->verdict == ACD_VERDICT_MET)
            continue;
        fprintf(out, "  %s: ", interval_name(r, it->interval, name, sizeof(name)));
        put_measured(out, e, it);
        fputc('\n', out);
    }
}

/* An assertion over one day of a period or every one: the center's
 * figure over each day, an item per day; the message names each failing
 * day with its value and CI. */
static void
eval_days(const struct acd_expect *e, const char *text, double bound, const struct acd_results *r,
          struct acd_expect_result *res, FILE *out)
{
    size_t cap = 0, failed = 0, judged = 0;
    const struct acd_setup *st = &r->setup;
    for (size_t d = 0; r->days && d < st->n_days; d++) {
        if (e->when == ACD_WHEN_DAY && st->days[d].date != e->day)
            continue;
        const struct acd_estimate *est = &r->days[d].metric[e->metric];
        struct acd_expect_item *it = add_item(res, &cap);
        it->day = d;
        it->metric = e->metric;
        it->op = ops[e->op].text;
        it->bound = bound;
        it->est = *est;
        bool ok = !isnan(est->mean) && !isnan(bound) && ops[e->op].holds(est->mean, bound);
        it->verdict = ok                                   ? ACD_VERDICT_MET
                      : !isnan(est->mean) && !isnan(bound) ? ACD_VERDICT_MISSED
                                                           : ACD_VERDICT_NA;
        judged++;
        failed += !ok;
    }
    if (judged == 0) {
        res->failed = true;
        fprintf(out, "acdsim: assertion failed: %s: the results have no such day\n", text);
        return;
    }
    if (!failed)
        return;
    res->failed = true;
    if (isnan(bound)) {
        fprintf(out, "acdsim: assertion failed: %s: no service-level target known\n", text);
        return;
    }
    fprintf(out,
            "acdsim: assertion failed: %s: %zu of %zu day%s fail%s (95%% CIs over %u "
            "replications):\n",
            text, failed, judged, judged == 1 ? "" : "s", failed == 1 ? "s" : "", r->replications);
    for (size_t i = 0; i < res->n_items; i++) {
        const struct acd_expect_item *it = &res->items[i];
        if (it->verdict == ACD_VERDICT_MET)
            continue;
        fprintf(out, "  %s: ", st->days[it->day].label);
        put_measured(out, e, it);
        fputc('\n', out);
    }
}

/* One assertion: its items and, when it failed, its message to out. */
static void
eval_one(const struct acd_expect *e, const struct acd_results *r, struct acd_expect_result *res,
         FILE *out)
{
    if (e->targets) {
        eval_targets(e, r, res, out);
        return;
    }
    double bound = e->to_target ? target_of(e, r) : e->value;
    char with_target[512];
    const char *text = e->text;
    if (e->to_target) { /* name the bound the word stood for */
        snprintf(with_target, sizeof(with_target), "%s (target %.4g)", e->text, bound);
        text = with_target;
    }
    if (e->when == ACD_WHEN_DAY || e->when == ACD_WHEN_EVERY_DAY) {
        eval_days(e, text, bound, r, res, out);
        return;
    }
    if (e->when != ACD_WHEN_RUN) {
        eval_intervals(e, text, bound, r, res, out);
        return;
    }
    size_t cap = 0;
    const struct acd_estimate *est = lookup(e, r, SIZE_MAX);
    struct acd_expect_item *it = add_item(res, &cap);
    it->scope = e->scope;
    it->metric = e->metric;
    it->op = ops[e->op].text;
    it->bound = bound;
    if (est)
        it->est = *est;
    if (est && !isnan(est->mean) && !isnan(bound) && ops[e->op].holds(est->mean, bound)) {
        it->verdict = ACD_VERDICT_MET;
        return;
    }
    it->verdict = est && !isnan(est->mean) && !isnan(bound) ? ACD_VERDICT_MISSED : ACD_VERDICT_NA;
    res->failed = true;
    if (!est) {
        fprintf(out, "acdsim: assertion failed: %s: unknown scope '%s'\n", e->text, e->scope);
        return;
    }
    if (isnan(bound)) {
        fprintf(out, "acdsim: assertion failed: %s: no service-level target known\n", e->text);
        return;
    }
    if (isnan(est->mean)) {
        fprintf(out,
                "acdsim: assertion failed: %s: not measured (undefined in all %u "
                "replications)\n",
                text, r->replications);
        return;
    }
    char mean[40];
    format_measured(e->op, bound, est->mean, mean, sizeof(mean));
    unsigned reps = est->n ? est->n : r->replications;
    if (isnan(est->ci95))
        fprintf(out, "acdsim: assertion failed: %s: measured %s (no CI: %u replication%s)\n", text,
                mean, reps, reps == 1 ? "" : "s");
    else
        fprintf(out,
                "acdsim: assertion failed: %s: measured %s ± %.2g (95%% CI over %u "
                "replications)\n",
                text, mean, est->ci95, reps);
}

size_t
acd_expect_evaluate(const struct acd_expect *e, size_t n, const struct acd_results *r,
                    struct acd_expect_result *res)
{
    size_t failed = 0;
    for (size_t i = 0; i < n; i++) {
        memset(&res[i], 0, sizeof(res[i]));
        res[i].e = &e[i];
        char *msg = NULL;
        size_t len = 0;
        FILE *out = acd_xmemstream_open(&msg, &len);
        eval_one(&e[i], r, &res[i], out);
        acd_xmemstream_close(out);
        if (res[i].failed) {
            res[i].message = msg;
            failed++;
        } else {
            free(msg);
        }
    }
    return failed;
}

void
acd_expect_results_fini(struct acd_expect_result *res, size_t n)
{
    for (size_t i = 0; res && i < n; i++) {
        free(res[i].items);
        free(res[i].goals);
        free(res[i].message);
        memset(&res[i], 0, sizeof(res[i]));
    }
}

void
acd_expect_print(const struct acd_expect_result *res, size_t n, FILE *out)
{
    for (size_t i = 0; i < n; i++)
        if (res[i].message)
            fputs(res[i].message, out);
}

size_t
acd_expect_eval(const struct acd_expect *e, size_t n, const struct acd_results *r, FILE *out)
{
    struct acd_expect_result *res = acd_xcalloc(n ? n : 1, sizeof(*res));
    size_t failed = acd_expect_evaluate(e, n, r, res);
    acd_expect_print(res, n, out);
    acd_expect_results_fini(res, n);
    free(res);
    return failed;
}
