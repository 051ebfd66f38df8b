/*
 * verdict: goals against results, one rule (contract in verdict.h).
 */
#include "verdict.h"
#include "display.h"
#include "units.h"
#include "util.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct acd_verdict_look acd_verdict_looks[3] = {
    [ACD_VERDICT_MET] = {"met", "met", "\u2713", "met"},
    [ACD_VERDICT_MISSED] = {"MISSED", "missed", "\u2717", "missed"},
    [ACD_VERDICT_NA] = {"n/a", "na", "\u2013", "n/a"},
};

const char *
acd_verdict_goal_channel(const struct acd_setup *st)
{
    unsigned goal = st->known ? acd_channel_goal(acd_setup_channels(st)) : ACD_N_CHANNELS;
    return goal == ACD_N_CHANNELS ? NULL : acd_channel_name((enum acd_channel)goal);
}

/* The goal channel (acd_channel_goal), or ACD_N_CHANNELS when the
 * center's figure m is judged on the center. */
static unsigned
goal_channel_of(const struct acd_results *r, enum acd_metric m)
{
    if (!r->setup.known || !(acd_metrics[m].scopes & ACD_SCOPE_TYPE))
        return ACD_N_CHANNELS;
    return acd_channel_goal(acd_setup_channels(&r->setup));
}

const struct acd_scope_result *
acd_verdict_metric_scope(const struct acd_results *r, enum acd_metric m, size_t interval)
{
    /* A document without channel scopes (written before they were) is
     * judged on the center's. */
    unsigned ch = r->channels ? goal_channel_of(r, m) : ACD_N_CHANNELS;
    if (interval == SIZE_MAX)
        return ch == ACD_N_CHANNELS ? &r->summary : &r->channels[ch];
    if (interval >= r->n_intervals)
        return NULL;
    const struct acd_interval_result *iv = &r->intervals[interval];
    return ch == ACD_N_CHANNELS || !iv->channels ? &iv->all : &iv->channels[ch];
}

const struct acd_scope_result *
acd_verdict_day_scope(const struct acd_results *r, enum acd_metric m, size_t d)
{
    if (!r->days || d >= r->setup.n_days)
        return NULL;
    unsigned ch = r->day_channels ? goal_channel_of(r, m) : ACD_N_CHANNELS;
    return ch == ACD_N_CHANNELS ? &r->days[d] : &r->day_channels[d * ACD_N_CHANNELS + ch];
}

void
acd_verdict_targets(const struct acd_setup *st, struct acd_target t[ACD_N_TARGETS], char *sl_what)
{
    if (!st->known) {
        snprintf(sl_what, ACD_SL_WHAT, "%s", acd_metrics[ACD_M_SERVICE_LEVEL].label);
        for (int i = 0; i < ACD_N_TARGETS; i++)
            t[i] = (struct acd_target){.metric = ACD_M_SERVICE_LEVEL, .bound = ACD_NAN};
        return;
    }
    /* With more than one channel the center's goals on calls are one
     * channel's (acd_channel_goal), named in their captions. With call
     * types on thresholds of their own, the figure counts each call
     * against its type's threshold. */
    unsigned goal = acd_channel_goal(acd_setup_channels(st));
    const char *ch = goal == ACD_N_CHANNELS ? NULL : acd_channel_name((enum acd_channel)goal);
    bool own_t = false;
    for (size_t k = 0; k < st->n_call_types; k++)
        own_t |= (goal == ACD_N_CHANNELS || st->call_types[k].channel == (enum acd_channel)goal) &&
                 st->call_types[k].has_sl && st->call_types[k].sl_threshold_s != st->sl_threshold_s;
    char th[40];
    if (own_t)
        snprintf(th, sizeof(th), "own T");
    else
        acd_display_threshold(st->sl_threshold_s, th, sizeof(th));
    snprintf(sl_what, ACD_SL_WHAT, "Service level%s%s (%s)", ch ? " " : "", ch ? ch : "", th);
    t[0] = (struct acd_target){ACD_M_SERVICE_LEVEL, st->sl_target, true, sl_what};
    t[1] = (struct acd_target){ACD_M_ABANDON_RATE, st->max_abandon, false,
                               !ch                         ? "Abandon rate"
                               : goal == ACD_CHANNEL_VOICE ? "Abandon rate voice"
                                                           : "Abandon rate chat"};
    t[2] = (struct acd_target){ACD_M_ASA, st->max_asa_s, false,
                               !ch                         ? "Average speed of answer"
                               : goal == ACD_CHANNEL_VOICE ? "ASA voice"
                                                           : "ASA chat"};
    t[3] = (struct acd_target){ACD_M_OCCUPANCY, st->max_occupancy, false, "Occupancy"};
}

enum acd_verdict
acd_verdict_judge(double x, double bound, bool at_least)
{
    if (isnan(x))
        return ACD_VERDICT_NA;
    return (at_least ? x >= bound : x <= bound) ? ACD_VERDICT_MET : ACD_VERDICT_MISSED;
}

enum acd_verdict
acd_verdict_target(const struct acd_target *t, const struct acd_scope_result *s)
{
    return acd_verdict_judge(s->metric[t->metric].mean, t->bound, t->at_least);
}

struct acd_verdict_count
acd_verdict_count(const struct acd_target *t, size_t n, const struct acd_scope_result *s)
{
    struct acd_verdict_count c = {0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        if (isnan(t[i].bound))
            continue; /* goal not given */
        enum acd_verdict v = acd_verdict_target(&t[i], s);
        c.n++;
        c.missed += v == ACD_VERDICT_MISSED;
        c.unknown += v == ACD_VERDICT_NA;
    }
    return c;
}

bool
acd_verdict_type_target(const struct acd_setup *st, size_t k, struct acd_target *t, char *what)
{
    if (!st->known || k >= st->n_call_types ||
        !acd_channel_type_goal(acd_setup_channels(st), st->call_types[k].channel,
                               st->call_types[k].has_sl))
        return false;
    const struct acd_setup_type *ct = &st->call_types[k];
    char tb[32];
    snprintf(what, ACD_SL_WHAT, "Service level %s (%s)", ct->name,
             acd_display_threshold(ct->sl_threshold_s, tb, sizeof(tb)));
    *t = (struct acd_target){ACD_M_SERVICE_LEVEL, ct->sl_target, true, what};
    return true;
}

struct acd_verdict_count
acd_verdict_count_all(const struct acd_target *t, size_t n, const struct acd_results *r)
{
    struct acd_verdict_count c = {0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        const struct acd_scope_result *s = acd_verdict_metric_scope(r, t[i].metric, SIZE_MAX);
        struct acd_verdict_count ci =
            s ? acd_verdict_count(&t[i], 1, s)
              : (struct acd_verdict_count){!isnan(t[i].bound), 0, !isnan(t[i].bound)};
        c.n += ci.n;
        c.missed += ci.missed;
        c.unknown += ci.unknown;
    }
    char what[ACD_SL_WHAT];
    struct acd_target tt;
    for (size_t k = 0; r->types && k < r->setup.n_call_types; k++) {
        if (!acd_verdict_type_target(&r->setup, k, &tt, what))
            continue;
        struct acd_verdict_count ck = acd_verdict_count(&tt, 1, &r->types[k]);
        c.n += ck.n;
        c.missed += ck.missed;
        c.unknown += ck.unknown;
    }
    return c;
}

enum acd_verdict
acd_verdict_within_ci(const struct acd_estimate *sim, double exact)
{
    double d = sim->mean - exact;
    if (!isfinite(d) || !isfinite(sim->ci95))
        return ACD_VERDICT_NA;
    return fabs(d) <= sim->ci95 ? ACD_VERDICT_MET : ACD_VERDICT_MISSED;
}

/* ------------------------------------------------- goals per interval */

struct acd_goal *
acd_verdict_goals(const struct acd_results *r, size_t *n)
{
    *n = 0;
    if (!r->setup.known)
        return NULL;
    struct acd_goal *g = acd_xcalloc(ACD_N_TARGETS + r->setup.n_call_types, sizeof(*g));
    struct acd_target t[ACD_N_TARGETS];
    char sl_what[ACD_SL_WHAT];
    acd_verdict_targets(&r->setup, t, sl_what);
    for (size_t i = 0; i < ACD_N_TARGETS; i++) {
        if (isnan(t[i].bound))
            continue; /* goal not given */
        struct acd_goal *x = &g[(*n)++];
        x->t = t[i];
        x->type = SIZE_MAX;
        snprintf(x->what, sizeof(x->what), "%s", t[i].what);
        x->t.what = x->what;
    }
    for (size_t k = 0; r->types && k < r->setup.n_call_types; k++) {
        struct acd_goal *x = &g[*n];
        if (!acd_verdict_type_target(&r->setup, k, &x->t, x->what) || isnan(x->t.bound))
            continue;
        x->type = k;
        ++*n;
    }
    if (*n == 0) {
        free(g);
        return NULL;
    }
    return g;
}

const struct acd_scope_result *
acd_verdict_goal_scope(const struct acd_results *r, const struct acd_goal *g, size_t interval)
{
    if (g->type == SIZE_MAX)
        return acd_verdict_metric_scope(r, g->t.metric, interval);
    if (interval == SIZE_MAX)
        return r->types ? &r->types[g->type] : NULL;
    if (interval >= r->n_intervals)
        return NULL;
    const struct acd_interval_result *iv = &r->intervals[interval];
    return iv->types ? &iv->types[g->type] : NULL;
}

static enum acd_verdict
goal_in(const struct acd_results *r, const struct acd_goal *g, size_t i)
{
    const struct acd_scope_result *s = acd_verdict_goal_scope(r, g, i);
    return s ? acd_verdict_target(&g->t, s) : ACD_VERDICT_NA;
}

struct acd_verdict_intervals
acd_verdict_goal_intervals(const struct acd_results *r, const struct acd_goal *g)
{
    struct acd_verdict_intervals c = {0, 0};
    for (size_t i = 0; i < r->n_intervals; i++) {
        enum acd_verdict v = goal_in(r, g, i);
        c.judged += v != ACD_VERDICT_NA;
        c.missed += v == ACD_VERDICT_MISSED;
    }
    return c;
}

/* Most runs of missed intervals named; more read ", ...". */
#define MAX_MISSED_RUNS 4

char *
acd_verdict_missed_runs(const struct acd_results *r, const struct acd_goal *g, char *buf, size_t n)
{
    size_t len = 0, runs = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < r->n_intervals && len < n;) {
        if (goal_in(r, g, i) != ACD_VERDICT_MISSED) {
            i++;
            continue;
        }
        size_t j = i;
        while (j + 1 < r->n_intervals && goal_in(r, g, j + 1) == ACD_VERDICT_MISSED)
            j++;
        int w;
        if (runs == MAX_MISSED_RUNS) {
            w = snprintf(buf + len, n - len, ", ...");
        } else {
            char a[48], b[48]; /* a period: the day, and the end's if another */
            bool other = acd_display_day_of(&r->setup, i) != acd_display_day_of(&r->setup, j);
            w = snprintf(buf + len, n - len, "%s%s\u2013%s", runs ? ", " : "",
                         acd_display_interval_time(r, i, false, true, a, sizeof(a)),
                         acd_display_interval_time(r, j, true, other, b, sizeof(b)));
        }
        if (w < 0)
            break;
        len += (size_t)w;
        if (runs++ == MAX_MISSED_RUNS)
            break;
        i = j + 1;
    }
    return buf;
}

char *
acd_verdict_headline(const struct acd_results *r, const char *missed_word, char *buf, size_t n)
{
    struct acd_target t[ACD_N_TARGETS];
    char sl_what[ACD_SL_WHAT];
    acd_verdict_targets(&r->setup, t, sl_what);
    struct acd_verdict_count c = acd_verdict_count_all(t, ACD_N_TARGETS, r);
    size_t n_goals, in_intervals = 0;
    struct acd_goal *g = acd_verdict_goals(r, &n_goals);
    for (size_t i = 0; i < n_goals; i++)
        in_intervals += acd_verdict_goal_intervals(r, &g[i]).missed > 0;
    free(g);
    if (c.n == 0)
        snprintf(buf, n, "no targets set");
    else if (c.missed)
        snprintf(buf, n, "%d of %d targets %s", c.missed, c.n, missed_word);
    else if (c.unknown)
        snprintf(buf, n, "%d of %d targets met, %d not measurable", c.n - c.unknown, c.n,
                 c.unknown);
    else if (in_intervals && c.n == 1)
        snprintf(buf, n, "the target is met for the day; some intervals miss it");
    else if (in_intervals)
        snprintf(buf, n, "all %d targets met for the day; some intervals miss %zu of them", c.n,
                 in_intervals);
    else if (c.n == 1)
        snprintf(buf, n, "the target is met");
    else
        snprintf(buf, n, "all %d targets met", c.n);
    return buf;
}

bool
acd_verdict_goal_line(const struct acd_results *r, const struct acd_goal *g, acd_verdict_fmt *fmt,
                      char *buf, size_t n)
{
    struct acd_verdict_intervals c = acd_verdict_goal_intervals(r, g);
    if (c.missed == 0)
        return false;
    const struct acd_scope_result *s = acd_verdict_goal_scope(r, g, SIZE_MAX);
    enum acd_verdict v = s ? acd_verdict_target(&g->t, s) : ACD_VERDICT_NA;
    char mean[48], bound[48], runs[160];
    double x = s ? s->metric[g->t.metric].mean : ACD_NAN;
    if (fmt) {
        /* The bound as given; never its figure beside a mean that is not
         * equal to it. */
        enum acd_display_unit u = acd_display_metric_unit(g->t.metric);
        fmt(g->t.metric, x, mean, sizeof(mean));
        acd_display_bound(u, g->t.bound, bound, sizeof(bound));
        if (x != g->t.bound && strcmp(mean, bound) == 0)
            acd_display_beside(u, x, g->t.bound, mean, sizeof(mean));
    } else {
        snprintf(mean, sizeof(mean), "%.4g", x);
        snprintf(bound, sizeof(bound), "%.4g", g->t.bound);
    }
    static const char *const day[] = {[ACD_VERDICT_MET] = "met for the day",
                                      [ACD_VERDICT_MISSED] = "MISSED for the day",
                                      [ACD_VERDICT_NA] = "not measurable for the day"};
    static const char *const period[] = {[ACD_VERDICT_MET] = "met for the period",
                                         [ACD_VERDICT_MISSED] = "MISSED for the period",
                                         [ACD_VERDICT_NA] = "not measurable for the period"};
    snprintf(buf, n, "%s %s %s %s %s; %zu of %zu intervals miss it (%s)", g->t.what, mean,
             g->t.at_least ? ">=" : "<=", bound, r->setup.n_days > 1 ? period[v] : day[v], c.missed,
             c.judged, acd_verdict_missed_runs(r, g, runs, sizeof(runs)));
    return true;
}
