/*
 * report: the results of `acdsim run` written as a KPI table for people
 * (text), the interface.md document (json) or one row per number (csv),
 * and the wide CSV files of a report folder (intervals.csv, groups.csv).
 *
 * Writers only read struct acd_results; they never run anything, so tests
 * feed them hand-built results. Which metrics and totals appear in a scope
 * comes from the acd_metrics / acd_totals tables (their `scopes` bits), never
 * from lists kept here.
 */
#include "report.h"
#include "display.h"
#include "escape.h"
#include "expect.h"
#include "json_out.h"
#include "units.h"
#include "util.h"
#include "verdict.h"

#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Text table geometry: 2 + 36 + 12 + 12 = 62 columns, well inside 80. */
#define LABEL_W 36
#define MEAN_W  12
#define CI_W    12

/* A fixed-width buffer for one formatted number ("81.2%", "12.3s"). */
#define NUM_BUF 48

/* ---------------------------------------------------------------- helpers */

/* A scope and the ACD_SCOPE_* bit that decides which metrics it shows. The
 * engine fills acd_scope_result.scope too, but the writer's context is the
 * authority: a call type inside an interval is still a call type. */
static bool
metric_applies(enum acd_metric m, unsigned scope)
{
    return (acd_metrics[m].scopes & scope) != 0;
}

static bool
total_applies(enum acd_total t, unsigned scope)
{
    return (acd_totals[t].scopes & scope) != 0;
}

/* A figure added after the first results files (acd_metric_def.only_with)
 * is shown in CSV and text only for a scenario that uses its feature, so the
 * columns and rows of a scenario without it stay as they were; JSON carries
 * every figure. Without a known setup, every figure. */
static unsigned
used_features(const struct acd_results *r)
{
    return r->setup.known ? r->setup.features : ~0u;
}

static bool
metric_in(enum acd_metric m, unsigned scope, unsigned used)
{
    return metric_applies(m, scope) && acd_stats_metric_shown(m, used);
}

static bool
total_in(enum acd_total t, unsigned scope, unsigned used)
{
    return total_applies(t, scope) && acd_stats_total_shown(t, used);
}

/* ------------------------------------------------------------------- json */

/* Add one scope's applicable metrics in table order, then "totals": JSON
 * is the whole document, every figure (only_with gates CSV and text), but
 * json_gated ones only for a scenario using their feature (`used`). */
static void
fill_scope_json(json_t *o, const struct acd_scope_result *s, unsigned scope, unsigned used)
{
    for (int m = 0; m < ACD_METRIC_COUNT; m++)
        if (metric_applies(m, scope) &&
            (!acd_metrics[m].json_gated || acd_stats_metric_shown(m, used)))
            acd_json_set(o, acd_metrics[m].key, acd_json_estimate(&s->metric[m]));
    json_t *t = acd_json_check(json_object());
    for (int k = 0; k < ACD_TOTAL_COUNT; k++)
        if (total_applies(k, scope))
            acd_json_set(t, acd_totals[k].key, acd_json_estimate(&s->total[k]));
    acd_json_set(o, "totals", t);
}

static json_t *
scope_json(const struct acd_scope_result *s, unsigned scope, unsigned used)
{
    json_t *o = acd_json_check(json_object());
    fill_scope_json(o, s, scope, used);
    return o;
}

/* The drain after closing (docs/results-json.md "drain"). */
static json_t *
drain_json(const struct acd_drain_result *d)
{
    json_t *o = acd_json_check(json_object());
    acd_json_set(o, "duration_s", acd_json_estimate(&d->duration_s));
    acd_json_set(o, "busy_agent_s", acd_json_estimate(&d->busy_agent_s));
    acd_json_set(o, "staffed_agent_s", acd_json_estimate(&d->staffed_agent_s));
    acd_json_set(o, "occupancy", acd_json_estimate(&d->occupancy));
    return o;
}

/* Each channel the call types use (more than one): its scope in s[ch]. */
static json_t *
channels_json(const struct acd_results *r, const struct acd_scope_result *s)
{
    json_t *chs = acd_json_check(json_object());
    unsigned used = acd_setup_channels(&r->setup);
    for (unsigned ch = 0; ch < ACD_N_CHANNELS; ch++)
        if (used & (1u << ch))
            acd_json_set(chs, acd_channel_name((enum acd_channel)ch),
                         scope_json(&s[ch], ACD_SCOPE_TYPE, used_features(r)));
    return chs;
}

/* intervals[i]: its clock times, its figures, its call types and groups;
 * in a period also its day (index into days), the times that day's clock. */
static json_t *
interval_json(const struct acd_results *r, size_t i)
{
    const struct acd_interval_result *iv = &r->intervals[i];
    char buf[32];
    json_t *o = acd_json_check(json_object());
    size_t d = acd_display_day_of(&r->setup, i);
    double base = d == SIZE_MAX ? 0 : acd_display_day_midnight(&r->setup, d);
    acd_json_set(o, "start",
                 acd_json_str(acd_units_format_clock(iv->start_s - base, buf, sizeof(buf))));
    acd_json_set(o, "end",
                 acd_json_str(acd_units_format_clock(iv->end_s - base, buf, sizeof(buf))));
    if (d != SIZE_MAX)
        acd_json_set(o, "day", json_integer((json_int_t)d));
    fill_scope_json(o, &iv->all, ACD_SCOPE_INTERVAL, used_features(r));
    if (iv->types && r->setup.known) {
        json_t *ct = acd_json_check(json_object());
        for (size_t k = 0; k < r->setup.n_call_types; k++)
            acd_json_set(ct, r->setup.call_types[k].name,
                         scope_json(&iv->types[k], ACD_SCOPE_TYPE, used_features(r)));
        acd_json_set(o, "call_types", ct);
    }
    if (iv->groups && r->setup.known) {
        json_t *gs = acd_json_check(json_object());
        for (size_t g = 0; g < r->setup.n_groups; g++)
            acd_json_set(gs, r->setup.groups[g].name,
                         scope_json(&iv->groups[g], ACD_SCOPE_GROUP, used_features(r)));
        acd_json_set(o, "agent_groups", gs);
    }
    if (iv->channels) /* more than one channel */
        acd_json_set(o, "channels", channels_json(r, iv->channels));
    return o;
}

/* days[d]: the day, its hours (its own clock) and intervals, the center's
 * figures over them. */
static json_t *
day_json(const struct acd_results *r, size_t d)
{
    const struct acd_setup_day *dy = &r->setup.days[d];
    double base = acd_display_day_midnight(&r->setup, d);
    char buf[32];
    json_t *o = acd_json_check(json_object());
    acd_json_set(o, "label", acd_json_str(dy->label));
    acd_json_set(o, "date", dy->date >= 0 ? acd_json_str(dy->label) : json_null());
    acd_json_set(o, "weekday",
                 dy->weekday >= 0 && dy->weekday < 7
                     ? acd_json_str(acd_units_weekday_names[dy->weekday])
                     : json_null());
    acd_json_set(o, "open",
                 acd_json_str(acd_units_format_clock(dy->open_s - base, buf, sizeof(buf))));
    acd_json_set(o, "close",
                 acd_json_str(acd_units_format_clock(dy->close_s - base, buf, sizeof(buf))));
    acd_json_set(o, "first_interval", json_integer((json_int_t)dy->first_interval));
    acd_json_set(o, "n_intervals", json_integer((json_int_t)dy->n_intervals));
    fill_scope_json(o, &r->days[d], ACD_SCOPE_INTERVAL, used_features(r));
    if (r->day_channels) /* more than one channel: each one's figures that day */
        acd_json_set(o, "channels", channels_json(r, &r->day_channels[d * ACD_N_CHANNELS]));
    return o;
}

static json_t *
reals_json(const double *x, size_t n)
{
    json_t *a = acd_json_check(json_array());
    for (size_t i = 0; i < n; i++)
        acd_json_push(a, acd_json_real(x[i]));
    return a;
}

/* What a report needs to draw the results without the scenario file: the
 * horizon, the goals, the groups (tier, staffing), the routing policy, the
 * model features in use
 * (docs/results-json.md "setup"). */
static json_t *
setup_json(const struct acd_setup *st)
{
    json_t *o = acd_json_check(json_object());
    json_t *h = acd_json_check(json_object());
    char buf[32];
    if (st->horizon == ACD_HORIZON_DAY) {
        acd_json_set(h, "open", acd_json_str(acd_units_format_clock(st->open_s, buf, sizeof(buf))));
        acd_json_set(h, "close",
                     acd_json_str(acd_units_format_clock(st->close_s, buf, sizeof(buf))));
        acd_json_set(h, "interval_s", acd_json_real(st->interval_s));
    } else {
        acd_json_set(h, "duration_s", acd_json_real(st->duration_s));
        acd_json_set(h, "warmup_s", acd_json_real(st->warmup_s));
    }
    acd_json_set(o, "horizon", h);
    json_t *sl = acd_json_check(json_object());
    acd_json_set(sl, "threshold_s", acd_json_real(st->sl_threshold_s));
    acd_json_set(sl, "target", acd_json_real(st->sl_target));
    /* The call types with their own service level, only when some has one
     * (documents of other scenarios are unchanged). */
    json_t *ts = NULL;
    for (size_t k = 0; k < st->n_call_types; k++) {
        const struct acd_setup_type *t = &st->call_types[k];
        if (!t->has_sl)
            continue;
        if (!ts)
            ts = acd_json_check(json_object());
        json_t *ti = acd_json_check(json_object());
        acd_json_set(ti, "threshold_s", acd_json_real(t->sl_threshold_s));
        acd_json_set(ti, "target", acd_json_real(t->sl_target));
        acd_json_set(ts, t->name, ti);
    }
    if (ts)
        acd_json_set(sl, "call_types", ts);
    acd_json_set(o, "service_level", sl);
    json_t *t = acd_json_check(json_object());
    acd_json_set(t, "max_abandon", acd_json_real(st->max_abandon));
    acd_json_set(t, "max_asa_s", acd_json_real(st->max_asa_s));
    acd_json_set(t, "max_occupancy", acd_json_real(st->max_occupancy));
    acd_json_set(o, "targets", t);
    json_t *gs = acd_json_check(json_object());
    for (size_t g = 0; g < st->n_groups; g++) {
        const struct acd_setup_group *sg = &st->groups[g];
        json_t *gi = acd_json_check(json_object());
        acd_json_set(gi, "tier", json_integer(sg->tier ? sg->tier : 1));
        acd_json_set(gi, "staffing", acd_json_str(acd_staffing_names[sg->staffing]));
        if (sg->staffing != ACD_STAFFING_PLAN)
            acd_json_set(gi, "count", json_integer(sg->staffing_count));
        acd_json_set(gs, sg->name, gi);
    }
    acd_json_set(o, "agent_groups", gs);
    acd_json_set(o, "routing", st->routing ? acd_json_str(st->routing) : json_null());
    json_t *f = acd_json_check(json_array());
    for (unsigned i = 0; acd_feature_names[i]; i++)
        if (st->features & (1u << i))
            acd_json_push(f, acd_json_str(acd_feature_names[i]));
    acd_json_set(o, "features", f);
    return o;
}

static json_t *
series_json(const struct acd_results *r)
{
    json_t *o = acd_json_check(json_object());
    const struct acd_band *q = &r->queue_len;
    json_t *ql = acd_json_check(json_object());
    acd_json_set(ql, "t0_s", acd_json_real(q->t0_s));
    acd_json_set(ql, "step_s", acd_json_real(q->step_s));
    acd_json_set(ql, "mean", reals_json(q->mean, q->n));
    acd_json_set(ql, "p10", reals_json(q->p10, q->n));
    acd_json_set(ql, "p90", reals_json(q->p90, q->n));
    acd_json_set(o, "queue_len", ql);
    return o;
}

static json_t *
wait_cdf_json(const struct acd_results *r)
{
    const struct acd_wait_cdf *w = &r->wait_cdf;
    json_t *o = acd_json_check(json_object());
    acd_json_set(o, "x_s", reals_json(w->x_s, w->n));
    acd_json_set(o, "answered", reals_json(w->answered, w->n));
    acd_json_set(o, "abandoned", reals_json(w->abandoned, w->n));
    return o;
}

unsigned
acd_report_erlang_left_out(const struct acd_results *r)
{
    const struct acd_setup *st = &r->setup;
    if (r->erlang.valid || !st->known || st->horizon != ACD_HORIZON_STEADY || st->n_call_types != 1)
        return 0;
    return st->features & ACD_ERLANG_LEFT_OUT;
}

char *
acd_report_feature_list(unsigned features, char *buf, size_t n)
{
    static const struct {
        unsigned bit;
        const char *words;
    } words[] = {
        {ACD_FEAT_RESOLUTION, "unresolved issues and repeat calls"},
        {ACD_FEAT_ESCALATION, "escalations"},
        {ACD_FEAT_RETRIAL, "retrials"},
        {ACD_FEAT_CALLBACK, "callbacks"},
        {ACD_FEAT_BALK, "balking"},
        {ACD_FEAT_TIMEOUT, "queue timeouts"},
        {ACD_FEAT_WRAP, "wrap-up"},
        {ACD_FEAT_BREAK, "breaks"},
        {ACD_FEAT_COST, "costs"},
        {ACD_FEAT_SAME_CALLER, "same-caller patience"},
        {ACD_FEAT_TRANSFER, "transfers"},
        {ACD_FEAT_RING, "ring time"},
        {ACD_FEAT_UNPAID, "unpaid breaks"},
        {ACD_FEAT_CHAT, "chat"},
        {ACD_FEAT_EMAIL, "e-mail"},
    };
    size_t total = 0, k = 0, used = 0;
    for (size_t i = 0; i < ACD_ARRAY_LEN(words); i++)
        total += (features & words[i].bit) != 0;
    if (n)
        buf[0] = '\0';
    for (size_t i = 0; i < ACD_ARRAY_LEN(words) && n; i++) {
        if (!(features & words[i].bit))
            continue;
        const char *sep = k == 0 ? "" : k + 1 == total ? " and " : ", ";
        int w = snprintf(buf + used, n - used, "%s%s", sep, words[i].words);
        if (w < 0 || (size_t)w >= n - used)
            break;
        used += (size_t)w;
        k++;
    }
    return buf;
}

static json_t *
erlang_json(const struct acd_results *r)
{
    const struct acd_erlang_cmp *e = &r->erlang;
    if (!e->valid)
        return json_null();
    static const char *const model[] = {
        [ACD_ERLANG_B] = "b", [ACD_ERLANG_C] = "c", [ACD_ERLANG_A] = "a"};
    json_t *o = acd_json_check(json_object());
    acd_json_set(o, "model", acd_json_str(model[e->params.model]));
    acd_json_set(o, "exact", json_boolean(e->exponential));
    acd_json_set(o, "rate_per_s", acd_json_real(e->params.rate_per_s));
    acd_json_set(o, "aht_s", acd_json_real(e->params.aht_s));
    acd_json_set(o, "wrap_up_s", acd_json_real(e->wrap_up_s));
    acd_json_set(o, "patience_s",
                 e->params.model == ACD_ERLANG_A ? acd_json_real(e->params.patience_s)
                                                 : json_null());
    acd_json_set(o, "agents", json_integer(e->params.agents));
    acd_json_set(o, "queue_capacity",
                 e->params.queue_capacity >= 0 ? json_integer(e->params.queue_capacity)
                                               : json_null());
    json_t *m = acd_json_check(json_object());
    for (size_t i = 0; i < acd_erlang_n_fields; i++)
        acd_json_set(m, acd_erlang_fields[i].key,
                     acd_json_real(
                         *(const double *)((const char *)&e->value + acd_erlang_fields[i].offset)));
    acd_json_set(o, "metrics", m);
    return o;
}

/* How a --precision run ended (docs/results-json.md "precision"). */
static json_t *
precision_json(const struct acd_precision *p)
{
    json_t *o = acd_json_check(json_object());
    json_t *ts = acd_json_check(json_array());
    for (size_t i = 0; i < p->n_targets; i++) {
        const struct acd_precision_target *t = &p->targets[i];
        json_t *j = acd_json_check(json_object());
        acd_json_set(j, "scope", t->scope ? acd_json_str(t->scope) : json_null());
        acd_json_set(j, "metric", acd_json_str(acd_metrics[t->metric].key));
        acd_json_set(j, "half_width", acd_json_real(t->half_width));
        acd_json_set(j, "achieved", acd_json_real(t->achieved));
        acd_json_push(ts, j);
    }
    acd_json_set(o, "targets", ts);
    acd_json_set(o, "batch", json_integer(p->batch));
    json_t *rounds = acd_json_check(json_array());
    for (size_t i = 0; i < p->n_rounds; i++)
        acd_json_push(rounds, json_integer(p->rounds[i]));
    acd_json_set(o, "rounds", rounds);
    acd_json_set(o, "max_replications", json_integer(p->max_replications));
    acd_json_set(o, "stopped_by", acd_json_str(p->stopped_by_max ? "max" : "target"));
    return o;
}

/* ----------------------------------------------------------------- checks */

/* A judged figure's common keys: the interval (start, or null for the
 * run), the metric, the comparison, the estimate and the verdict. */
static void
check_item_json(json_t *o, const struct acd_results *r, size_t interval, enum acd_metric m,
                const char *op, double bound, const struct acd_estimate *est, enum acd_verdict v)
{
    char buf[32];
    acd_json_set(o, "interval",
                 interval == SIZE_MAX ? json_null()
                                      : acd_json_str(acd_units_format_clock(
                                            r->intervals[interval].start_s, buf, sizeof(buf))));
    acd_json_set(o, "metric", acd_json_str(acd_metrics[m].key));
    acd_json_set(o, "op", acd_json_str(op));
    acd_json_set(o, "bound", acd_json_real(bound));
    acd_json_set(o, "mean", acd_json_real(est->mean));
    acd_json_set(o, "ci95", acd_json_real(est->ci95));
    acd_json_set(o, "verdict", acd_json_str(acd_verdict_looks[v].word));
    acd_json_set(o, "passed", json_boolean(v == ACD_VERDICT_MET));
}

/* checks.assertions: each --assert with every figure it judged. */
static json_t *
assertions_json(const struct acd_results *r, const struct acd_report_opts *o)
{
    json_t *a = acd_json_check(json_array());
    for (size_t i = 0; o && i < o->n_asserts; i++) {
        const struct acd_expect_result *x = &o->asserts[i];
        json_t *j = acd_json_check(json_object());
        acd_json_set(j, "assertion", acd_json_str(x->e->text));
        acd_json_set(j, "passed", json_boolean(!x->failed));
        json_t *items = acd_json_check(json_array());
        for (size_t k = 0; k < x->n_items; k++) {
            const struct acd_expect_item *it = &x->items[k];
            json_t *io = acd_json_check(json_object());
            acd_json_set(io, "scope", it->scope ? acd_json_str(it->scope) : json_null());
            if (it->what)
                acd_json_set(io, "target", acd_json_str(it->what));
            check_item_json(io, r, it->interval, it->metric, it->op, it->bound, &it->est,
                            it->verdict);
            if (it->day != SIZE_MAX) /* a period's day (--assert DATE.METRIC, every_day) */
                acd_json_set(io, "day", acd_json_str(r->setup.days[it->day].label));
            acd_json_push(items, io);
        }
        acd_json_set(j, "results", items);
        acd_json_set(j, "message", x->message ? acd_json_str(x->message) : json_null());
        acd_json_push(a, j);
    }
    return a;
}

/* checks.targets: each goal (center, each call type's own) judged on the
 * run and on each interval of an operating day. */
static json_t *
targets_json(const struct acd_results *r)
{
    json_t *a = acd_json_check(json_array());
    size_t n;
    struct acd_goal *goals = acd_verdict_goals(r, &n);
    for (size_t i = 0; i < n; i++) {
        const struct acd_goal *g = &goals[i];
        const struct acd_scope_result *s = acd_verdict_goal_scope(r, g, SIZE_MAX);
        json_t *j = acd_json_check(json_object());
        acd_json_set(j, "target", acd_json_str(g->what));
        acd_json_set(j, "call_type",
                     g->type == SIZE_MAX ? json_null()
                                         : acd_json_str(r->setup.call_types[g->type].name));
        check_item_json(j, r, SIZE_MAX, g->t.metric, g->t.at_least ? ">=" : "<=", g->t.bound,
                        &s->metric[g->t.metric], acd_verdict_target(&g->t, s));
        json_t *ivs = acd_json_check(json_array());
        for (size_t k = 0; k < r->n_intervals; k++) {
            const struct acd_scope_result *si = acd_verdict_goal_scope(r, g, k);
            if (!si)
                continue;
            json_t *io = acd_json_check(json_object());
            check_item_json(io, r, k, g->t.metric, g->t.at_least ? ">=" : "<=", g->t.bound,
                            &si->metric[g->t.metric], acd_verdict_target(&g->t, si));
            acd_json_push(ivs, io);
        }
        struct acd_verdict_intervals c = acd_verdict_goal_intervals(r, g);
        acd_json_set(j, "intervals_missed", json_integer((json_int_t)c.missed));
        acd_json_set(j, "intervals_judged", json_integer((json_int_t)c.judged));
        acd_json_set(j, "intervals", ivs);
        acd_json_push(a, j);
    }
    free(goals);
    return a;
}

/* The results document, written as it is built (acd_json_stream): one
 * interval's tree at a time, so memory does not grow with the intervals. */
static int
write_json(FILE *out, const struct acd_results *r, const struct acd_report_opts *o)
{
    const struct acd_setup *st = &r->setup;
    struct acd_json_stream js;
    acd_json_stream_begin(&js, out);
    acd_json_stream_value(&js, "acdsim", acd_json_str(ACD_VERSION));
    acd_json_stream_value(&js, "scenario", acd_json_str(st->name ? st->name : ""));
    char seed[32];
    snprintf(seed, sizeof(seed), "%" PRIu64, r->seed); /* wider than json_int_t */
    acd_json_stream_raw(&js, "seed", seed);
    acd_json_stream_value(&js, "replications", json_integer(r->replications));
    if (r->precision)
        acd_json_stream_value(&js, "precision", precision_json(r->precision));
    acd_json_stream_value(&js, "summary",
                          scope_json(&r->summary, ACD_SCOPE_CENTER, used_features(r)));

    json_t *types = acd_json_check(json_object());
    json_t *groups = acd_json_check(json_object());
    /* Each type's channel, only when some type is not a call (single-channel
     * results stay as they were). */
    bool channels = st->features & (ACD_FEAT_CHAT | ACD_FEAT_EMAIL);
    for (size_t k = 0; k < st->n_call_types; k++) {
        json_t *t = scope_json(&r->types[k], ACD_SCOPE_TYPE, used_features(r));
        if (channels)
            acd_json_set(t, "channel", acd_json_str(acd_channel_name(st->call_types[k].channel)));
        acd_json_set(types, st->call_types[k].name, t);
    }
    for (size_t g = 0; g < st->n_groups; g++)
        acd_json_set(groups, st->groups[g].name,
                     scope_json(&r->groups[g], ACD_SCOPE_GROUP, used_features(r)));
    acd_json_stream_value(&js, "call_types", types);
    acd_json_stream_value(&js, "agent_groups", groups);
    if (r->channels) /* more than one channel: each one's figures */
        acd_json_stream_value(&js, "channels", channels_json(r, r->channels));
    acd_json_stream_open(&js, "intervals", true);
    for (size_t i = 0; i < r->n_intervals; i++)
        acd_json_stream_value(&js, NULL, interval_json(r, i));
    acd_json_stream_close(&js);
    if (r->days) {
        acd_json_stream_open(&js, "days", true);
        for (size_t d = 0; d < st->n_days; d++)
            acd_json_stream_value(&js, NULL, day_json(r, d));
        acd_json_stream_close(&js);
    }
    /* Extensions (interface.md allows them): enough to draw the report
     * again from results.json alone. */
    if (st->known)
        acd_json_stream_value(&js, "setup", setup_json(st));
    acd_json_stream_value(&js, "series", series_json(r));
    acd_json_stream_value(&js, "wait_cdf", wait_cdf_json(r));
    acd_json_stream_value(&js, "erlang", erlang_json(r));
    json_t *checks = acd_json_check(json_object());
    acd_json_set(checks, "assertions", assertions_json(r, o));
    acd_json_set(checks, "targets", targets_json(r));
    acd_json_stream_value(&js, "checks", checks);
    if (r->has_drain) {
        json_t *d = drain_json(&r->drain);
        json_t *gs = acd_json_check(json_object());
        for (size_t g = 0; g < st->n_groups; g++)
            acd_json_set(gs, st->groups[g].name, drain_json(&r->group_drain[g]));
        acd_json_set(d, "agent_groups", gs);
        acd_json_stream_value(&js, "drain", d);
    }

    json_t *run = acd_json_check(json_object());
    bool timing = !(o && o->no_timing);
    /* Wall time and thread count are the only things that vary between runs
     * with the same seed; --no-timing nulls both. */
    acd_json_set(run, "wall_s", timing ? acd_json_real(r->wall_s) : json_null());
    acd_json_set(run, "threads", timing ? json_integer(r->threads) : json_null());
    acd_json_set(run, "calls", json_integer((json_int_t)r->calls));
    acd_json_set(run, "events", json_integer((json_int_t)r->events));
    acd_json_stream_value(&js, "run", run);
    return acd_json_stream_end(&js);
}

char *
acd_report_json_string(const struct acd_results *r, const struct acd_report_opts *o)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        acd_oom(0);
    int rc = write_json(m, r, o);
    if (fclose(m) != 0 || rc != 0 || !buf)
        acd_oom(len); /* a memory stream fails only without memory */
    return buf;
}

/* -------------------------------------------------------------------- csv */

void
acd_report_csv_field(FILE *out, const char *s)
{
    bool formula = *s && strchr("=+-@\t\r", *s);
    if (!formula && !strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    if (formula)
        fputc('\'', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

void
acd_report_csv_number(FILE *out, double x)
{
    if (!isfinite(x))
        return;
    char buf[40];
    for (int p = 15; p <= 17; p++) {
        snprintf(buf, sizeof(buf), "%.*g", p, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    fputs(buf, out);
}

static void
csv_row(FILE *out, const char *scope, const char *name, const char *prefix, const char *metric,
        const struct acd_estimate *e)
{
    fprintf(out, "%s,", scope);
    acd_report_csv_field(out, name);
    fprintf(out, ",%s%s,", prefix, metric);
    acd_report_csv_number(out, e->mean);
    fputc(',', out);
    acd_report_csv_number(out, e->ci95);
    fputc('\n', out);
}

static void
csv_scope(FILE *out, const char *scope_name, const char *name, const struct acd_scope_result *s,
          unsigned scope, unsigned used)
{
    for (int m = 0; m < ACD_METRIC_COUNT; m++)
        if (metric_in(m, scope, used))
            csv_row(out, scope_name, name, "", acd_metrics[m].key, &s->metric[m]);
    for (int k = 0; k < ACD_TOTAL_COUNT; k++)
        if (total_in(k, scope, used))
            csv_row(out, scope_name, name, "totals.", acd_totals[k].key, &s->total[k]);
}

/* Are the drain's rows shown in text and CSV? With the caller view's
 * figures (stats.c), so other scenarios keep their rows; JSON always has
 * the drain object. */
static bool
drain_shown(const struct acd_results *r)
{
    return r->has_drain && acd_stats_metric_shown(ACD_M_MEAN_WAIT_CUMULATIVE, used_features(r));
}

/* The drain after closing as rows `drain.KEY` of the center and of each
 * group (drain_shown). */
static void
csv_drain(FILE *out, const char *scope_name, const char *name, const struct acd_drain_result *d)
{
    csv_row(out, scope_name, name, "drain.", "duration_s", &d->duration_s);
    csv_row(out, scope_name, name, "drain.", "busy_agent_s", &d->busy_agent_s);
    csv_row(out, scope_name, name, "drain.", "staffed_agent_s", &d->staffed_agent_s);
    csv_row(out, scope_name, name, "drain.", "occupancy", &d->occupancy);
}

static int
write_csv(FILE *out, const struct acd_results *r, const struct acd_report_opts *o)
{
    (void)o;
    const struct acd_setup *st = &r->setup;
    unsigned used = used_features(r);
    fputs("scope,name,metric,mean,ci95\n", out);
    bool drain = drain_shown(r);
    csv_scope(out, "summary", "", &r->summary, ACD_SCOPE_CENTER, used);
    if (drain)
        csv_drain(out, "summary", "", &r->drain);
    for (size_t k = 0; k < st->n_call_types; k++)
        csv_scope(out, "call_type", st->call_types[k].name, &r->types[k], ACD_SCOPE_TYPE, used);
    for (size_t g = 0; g < st->n_groups; g++) {
        csv_scope(out, "agent_group", st->groups[g].name, &r->groups[g], ACD_SCOPE_GROUP, used);
        if (drain)
            csv_drain(out, "agent_group", st->groups[g].name, &r->group_drain[g]);
    }
    /* Operating days: the center's figures per interval, named by start,
     * then each call type's as "07:00/billing" (start first, so the name
     * sorts by time and a '/' in a type name cannot be misread). */
    for (size_t i = 0; i < r->n_intervals; i++) {
        const struct acd_interval_result *iv = &r->intervals[i];
        char start[32];
        acd_units_format_clock(iv->start_s, start, sizeof(start));
        csv_scope(out, "interval", start, &iv->all, ACD_SCOPE_INTERVAL, used);
        for (size_t k = 0; iv->types && k < st->n_call_types; k++) {
            char *name = acd_xasprintf("%s/%s", start, st->call_types[k].name);
            csv_scope(out, "interval_call_type", name, &iv->types[k], ACD_SCOPE_TYPE, used);
            free(name);
        }
    }
    /* A period's days (named by label), then each channel of a center
     * with more than one. */
    for (size_t d = 0; r->days && d < st->n_days; d++)
        csv_scope(out, "day", st->days[d].label, &r->days[d], ACD_SCOPE_INTERVAL, used);
    unsigned channels = r->channels ? acd_setup_channels(st) : 0;
    for (unsigned ch = 0; ch < ACD_N_CHANNELS; ch++)
        if (channels & (1u << ch))
            csv_scope(out, "channel", acd_channel_name((enum acd_channel)ch), &r->channels[ch],
                      ACD_SCOPE_TYPE, used);
    return ferror(out) ? -1 : 0;
}

/* ------------------------------------------------------- report folder */

/* The wide CSV files have one column pair per figure. Which figures get a
 * column comes from the table scopes (`columns`); which cells of a row hold
 * a number comes from the row's own scope, so a call type's row leaves the
 * agent columns of intervals.csv empty rather than writing zeros. */
static void
wide_header(FILE *out, unsigned columns, unsigned used)
{
    for (int m = 0; m < ACD_METRIC_COUNT; m++)
        if (metric_in(m, columns, used))
            fprintf(out, ",%s,%s_ci95", acd_metrics[m].key, acd_metrics[m].key);
    for (int k = 0; k < ACD_TOTAL_COUNT; k++)
        if (total_in(k, columns, used))
            fprintf(out, ",totals.%s,totals.%s_ci95", acd_totals[k].key, acd_totals[k].key);
    fputc('\n', out);
}

static void
wide_pair(FILE *out, const struct acd_estimate *e, bool applies)
{
    fputc(',', out);
    if (applies)
        acd_report_csv_number(out, e->mean);
    fputc(',', out);
    if (applies)
        acd_report_csv_number(out, e->ci95);
}

static void
wide_values(FILE *out, const struct acd_scope_result *s, unsigned columns, unsigned scope,
            unsigned used)
{
    for (int m = 0; m < ACD_METRIC_COUNT; m++)
        if (metric_in(m, columns, used))
            wide_pair(out, &s->metric[m], metric_applies(m, scope));
    for (int k = 0; k < ACD_TOTAL_COUNT; k++)
        if (total_in(k, columns, used))
            wide_pair(out, &s->total[k], total_applies(k, scope));
    fputc('\n', out);
}

#define INTERVAL_COLUMNS (ACD_SCOPE_INTERVAL | ACD_SCOPE_TYPE)

/* One row of intervals.csv; start and end may be empty (steady state). */
static void
interval_row(FILE *out, const char *start, const char *end, const char *type,
             const struct acd_scope_result *s, unsigned scope, unsigned used)
{
    fprintf(out, "%s,%s,", start, end);
    acd_report_csv_field(out, type);
    wide_values(out, s, INTERVAL_COLUMNS, scope, used);
}

int
acd_report_write_intervals_csv(FILE *out, const struct acd_results *r)
{
    const struct acd_setup *st = &r->setup;
    fputs(st->n_days ? "date,start,end,call_type" : "start,end,call_type", out);
    unsigned used = used_features(r);
    wide_header(out, INTERVAL_COLUMNS, used);
    if (r->n_intervals == 0) {
        /* Steady state: the measuring window is the only "interval". */
        interval_row(out, "", "", ACD_REPORT_ALL_TYPES, &r->summary, ACD_SCOPE_CENTER, used);
        for (size_t k = 0; r->types && k < st->n_call_types; k++)
            interval_row(out, "", "", st->call_types[k].name, &r->types[k], ACD_SCOPE_TYPE, used);
    }
    for (size_t i = 0; i < r->n_intervals; i++) {
        const struct acd_interval_result *iv = &r->intervals[i];
        char start[64], end[32];
        size_t d = acd_display_day_of(st, i); /* a period: its date, its day's clock */
        double base = d == SIZE_MAX ? 0 : acd_display_day_midnight(st, d);
        int n = d == SIZE_MAX ? 0 : snprintf(start, sizeof(start), "%.32s,", st->days[d].label);
        acd_units_format_clock(iv->start_s - base, start + n, sizeof(start) - (size_t)n);
        acd_units_format_clock(iv->end_s - base, end, sizeof(end));
        interval_row(out, start, end, ACD_REPORT_ALL_TYPES, &iv->all, ACD_SCOPE_INTERVAL, used);
        for (size_t k = 0; iv->types && k < st->n_call_types; k++)
            interval_row(out, start, end, st->call_types[k].name, &iv->types[k], ACD_SCOPE_TYPE,
                         used);
    }
    return ferror(out) ? -1 : 0;
}

int
acd_report_write_groups_csv(FILE *out, const struct acd_results *r)
{
    const struct acd_setup *st = &r->setup;
    fputs("group", out);
    unsigned used = used_features(r);
    wide_header(out, ACD_SCOPE_GROUP, used);
    for (size_t g = 0; r->groups && g < st->n_groups; g++) {
        acd_report_csv_field(out, st->groups[g].name);
        wide_values(out, &r->groups[g], ACD_SCOPE_GROUP, ACD_SCOPE_GROUP, used);
    }
    return ferror(out) ? -1 : 0;
}

static int
write_intervals_file(FILE *out, const struct acd_results *r, const struct acd_report_opts *o)
{
    (void)o;
    return acd_report_write_intervals_csv(out, r);
}

static int
write_groups_file(FILE *out, const struct acd_results *r, const struct acd_report_opts *o)
{
    (void)o;
    return acd_report_write_groups_csv(out, r);
}

/* ------------------------------------------------------------------- text */

/* A mean (ci = false) or a CI half-width (ci = true) in the metric's
 * display unit (display.h). */
static char *
format_value(enum acd_metric m, double x, bool ci, char *buf, size_t n)
{
    enum acd_display_unit u = acd_display_metric_unit(m);
    return ci ? acd_display_ci(u, x, 0, buf, n) : acd_display_value(u, x, 0, buf, n);
}

/* Which metric rows the text tables show, decided once for the whole report
 * so that every section lists the same ones. */
struct text_rows {
    bool shown[ACD_METRIC_COUNT];
};

/* Core metrics always; a feature metric only if the scenario uses one of
 * its features (a plain scenario keeps its short table; setup.features).
 * JSON and CSV carry every metric regardless. Without a known setup, every
 * row is shown. */
static void
choose_rows(const struct acd_results *r, struct text_rows *rows)
{
    unsigned used = r->setup.known ? r->setup.features : ~0u;
    for (int m = 0; m < ACD_METRIC_COUNT; m++)
        rows->shown[m] = !acd_metrics[m].feature || (acd_metrics[m].feature & used);
}

/* Money rows follow their own section: when only agents are paid, a zero
 * cost under every call type is noise. The center shows its costs on one
 * line instead (text_costs). */
static bool
is_money(enum acd_metric m)
{
    return m == ACD_M_COST || m == ACD_M_COST_PER_CALL;
}

static void
text_scope(FILE *out, const struct text_rows *rows, const char *title,
           const struct acd_scope_result *s, unsigned scope)
{
    /* A title wider than the label column gets a line of its own, so the
     * column heads stay over their columns. */
    if (acd_display_columns(title) > 2 + LABEL_W)
        fprintf(out, "\n%s\n%-*s", title, 2 + LABEL_W, "");
    else
        fprintf(out, "\n%-*s", 2 + LABEL_W, title);
    acd_display_put_right(out, "mean", MEAN_W);
    acd_display_put_right(out, "±95% CI", CI_W);
    fputc('\n', out);
    for (int m = 0; m < ACD_METRIC_COUNT; m++) {
        if (!metric_applies(m, scope) || !rows->shown[m])
            continue;
        /* Money rows only where this scope has a cost (when only agents
         * are paid, a zero under every call type is noise); the center has
         * its own line (text_costs). */
        double cost = s->metric[ACD_M_COST].mean;
        if (is_money(m) && (scope == ACD_SCOPE_CENTER || !(isfinite(cost) && cost != 0)))
            continue;
        char mean[NUM_BUF], ci[NUM_BUF];
        fprintf(out, "  %-*.*s", LABEL_W, LABEL_W, acd_metrics[m].label);
        acd_display_put_right(out, format_value(m, s->metric[m].mean, false, mean, sizeof(mean)),
                              MEAN_W);
        acd_display_put_right(out, format_value(m, s->metric[m].ci95, true, ci, sizeof(ci)), CI_W);
        fputc('\n', out);
    }
}

/* The center's costs when there are any: "Costs: 5312.50 per day, 4.21 per
 * answered call", and the parts when more than one kind of cost occurs. */
static void
text_costs(FILE *out, const struct acd_results *r)
{
    static const struct {
        enum acd_total total;
        const char *what;
    } parts[] = {
        {ACD_T_LABOR_COST, "agents"},
        {ACD_T_ABANDON_COST, "abandoned calls"},
        {ACD_T_REPEAT_COST, "repeat calls"},
    };
    const struct acd_scope_result *s = &r->summary;
    if (!(s->metric[ACD_M_COST].mean > 0)) /* NaN too */
        return;
    bool day = r->setup.known && r->setup.horizon == ACD_HORIZON_DAY;
    char cost[NUM_BUF], per_call[NUM_BUF];
    format_value(ACD_M_COST, s->metric[ACD_M_COST].mean, false, cost, sizeof(cost));
    format_value(ACD_M_COST_PER_CALL, s->metric[ACD_M_COST_PER_CALL].mean, false, per_call,
                 sizeof(per_call));
    fprintf(out, "  Costs: %s per %s, %s per answered call\n", cost, day ? "day" : "replication",
            per_call);
    int n = 0;
    for (size_t i = 0; i < ACD_ARRAY_LEN(parts); i++)
        n += s->total[parts[i].total].mean > 0;
    if (n < 2)
        return;
    const char *sep = "    (";
    for (size_t i = 0; i < ACD_ARRAY_LEN(parts); i++) {
        double x = s->total[parts[i].total].mean;
        if (!(x > 0))
            continue;
        char money[NUM_BUF];
        fprintf(out, "%s%s %s", sep, parts[i].what,
                acd_display_value(ACD_DISPLAY_MONEY, x, 0, money, sizeof(money)));
        sep = ", ";
    }
    fputs(")\n", out);
}

/* The drain after closing, beside the open-hours figures: how long it
 * lasted and the agents' occupancy in it, for the center and each group.
 * Shown with the caller view's rows (drain_shown). */
static void
text_drain(FILE *out, const struct acd_results *r)
{
    if (!drain_shown(r))
        return;
    const struct acd_setup *st = &r->setup;
    bool day = !st->known || st->horizon == ACD_HORIZON_DAY;
    fprintf(out, "\n%-*s", 2 + LABEL_W,
            day ? "After closing (drain)" : "After the horizon (drain)");
    acd_display_put_right(out, "mean", MEAN_W);
    acd_display_put_right(out, "±95% CI", CI_W);
    fputc('\n', out);
    char mean[NUM_BUF], ci[NUM_BUF];
    fprintf(out, "  %-*.*s", LABEL_W, LABEL_W, "Length of the drain");
    acd_display_put_right(
        out,
        acd_display_value(ACD_DISPLAY_SECONDS, r->drain.duration_s.mean, 0, mean, sizeof(mean)),
        MEAN_W);
    acd_display_put_right(
        out, acd_display_ci(ACD_DISPLAY_SECONDS, r->drain.duration_s.ci95, 0, ci, sizeof(ci)),
        CI_W);
    fputc('\n', out);
    for (size_t g = 0; g <= st->n_groups; g++) {
        const struct acd_drain_result *d = g == 0 ? &r->drain : &r->group_drain[g - 1];
        char label[LABEL_W + 1];
        if (g == 0) {
            snprintf(label, sizeof(label), "Occupancy (center)");
        } else {
            char *name = acd_escape_xstrdup(st->groups[g - 1].name);
            snprintf(label, sizeof(label), "Occupancy: %s", name);
            free(name);
        }
        fprintf(out, "  %-*.*s", LABEL_W, LABEL_W, label);
        acd_display_put_right(
            out, format_value(ACD_M_OCCUPANCY, d->occupancy.mean, false, mean, sizeof(mean)),
            MEAN_W);
        acd_display_put_right(
            out, format_value(ACD_M_OCCUPANCY, d->occupancy.ci95, true, ci, sizeof(ci)), CI_W);
        fputc('\n', out);
    }
}

/* One target's line: caption with its bound, the mean, the verdict. */
static enum acd_verdict
text_target(FILE *out, const struct acd_scope_result *s, const struct acd_target *t)
{
    double x = s->metric[t->metric].mean;
    char mean[NUM_BUF], bound[NUM_BUF], line[2 * NUM_BUF + 64];
    acd_display_bound(acd_display_metric_unit(t->metric), t->bound, bound, sizeof(bound));
    acd_display_beside(acd_display_metric_unit(t->metric), x, t->bound, mean, sizeof(mean));
    snprintf(line, sizeof(line), "%s %s %s", t->what, t->at_least ? ">=" : "<=", bound);
    enum acd_verdict v = acd_verdict_target(t, s);
    fprintf(out, "  %-*.*s", LABEL_W, LABEL_W, line);
    acd_display_put_right(out, mean, MEAN_W);
    acd_display_put_right(out, acd_verdict_looks[v].text, CI_W);
    fputc('\n', out);
    return v;
}

/* A goal's numbers in its verdict line (acd_verdict_fmt). */
static char *
format_plain(enum acd_metric m, double x, char *buf, size_t n)
{
    return format_value(m, x, false, buf, n);
}

static void
text_verdict(FILE *out, const struct acd_results *r)
{
    struct acd_target targets[ACD_N_TARGETS];
    char sl_what[ACD_SL_WHAT];
    acd_verdict_targets(&r->setup, targets, sl_what);
    fprintf(out, "\n%-*s", 2 + LABEL_W, "Targets");
    acd_display_put_right(out, "mean", MEAN_W);
    acd_display_put_right(out, "verdict", CI_W);
    fputc('\n', out);
    for (size_t i = 0; i < ACD_N_TARGETS; i++) {
        /* the center's, or its goal channel's (acd_verdict_metric_scope) */
        const struct acd_scope_result *s = acd_verdict_metric_scope(r, targets[i].metric, SIZE_MAX);
        if (!isnan(targets[i].bound) && s) /* goal given in the scenario */
            text_target(out, s, &targets[i]);
    }
    for (size_t k = 0; r->types && k < r->setup.n_call_types; k++) {
        struct acd_target tt;
        char what[ACD_SL_WHAT];
        if (acd_verdict_type_target(&r->setup, k, &tt, what))
            text_target(out, &r->types[k], &tt);
    }
    char line[512];
    fprintf(
        out, "\nVerdict: %s\n",
        acd_verdict_headline(r, acd_verdict_looks[ACD_VERDICT_MISSED].text, line, sizeof(line)));
    /* An operating day: how many intervals miss each goal. */
    size_t n_goals;
    struct acd_goal *goals = acd_verdict_goals(r, &n_goals);
    for (size_t i = 0; i < n_goals; i++)
        if (acd_verdict_goal_line(r, &goals[i], format_plain, line, sizeof(line))) {
            char *rest = strstr(line, "; "); /* two lines, inside 80 columns */
            if (rest)
                *rest = '\0', rest += 2;
            fprintf(out, "  %s%s\n", line, rest ? ";" : "");
            if (rest)
                fprintf(out, "    %s\n", rest);
        }
    free(goals);
}

/* The heading of the center's service level in a table: "SL 20s", or
 * "SL (own T)" when some call type has a threshold of its own (the
 * center's counts each call answered within its own type's). */
static void
center_sl_head(const struct acd_setup *st, char *buf, size_t n)
{
    char tb[24];
    double threshold = st->known ? st->sl_threshold_s : 0.0;
    for (size_t k = 0; st->known && k < st->n_call_types; k++)
        if (st->call_types[k].has_sl && st->call_types[k].sl_threshold_s != threshold) {
            snprintf(buf, n, "SL (own T)");
            return;
        }
    snprintf(buf, n, "SL %s", acd_display_threshold(threshold, tb, sizeof(tb)));
}

/* Per-interval tables of an operating day, one line per interval with a
 * few means of one scope (the center, or a call type): 13 + 5 * 11 = 68
 * columns; with detail, the 90th-percentile wait too (79). */
static void
text_interval_table(FILE *out, const struct acd_results *r, size_t type, bool detail)
{
    static const enum acd_metric cols[] = {ACD_M_OFFERED, ACD_M_SERVICE_LEVEL, ACD_M_ABANDON_RATE,
                                           ACD_M_ASA,     ACD_M_OCCUPANCY,     ACD_M_WAIT_P90};
    char sl_head[32], tb[24];
    if (type != SIZE_MAX && r->setup.known && r->setup.call_types[type].has_sl)
        snprintf(sl_head, sizeof(sl_head), "SL %s",
                 acd_display_threshold(r->setup.call_types[type].sl_threshold_s, tb, sizeof(tb)));
    else if (type != SIZE_MAX)
        snprintf(
            sl_head, sizeof(sl_head), "SL %s",
            acd_display_threshold(r->setup.known ? r->setup.sl_threshold_s : 0.0, tb, sizeof(tb)));
    else
        center_sl_head(&r->setup, sl_head, sizeof(sl_head));
    /* More than one channel: the center's row shows the figures of calls
     * as its goals judge them, the goal channel's (acd_verdict_metric_scope). */
    const char *ch = type == SIZE_MAX ? acd_verdict_goal_channel(&r->setup) : NULL;
    char ab_head[32] = "abandoned", asa_head[32] = "ASA";
    if (ch) {
        snprintf(sl_head, sizeof(sl_head), "SL %s", ch);
        snprintf(ab_head, sizeof(ab_head), "ab. %s", ch);
        snprintf(asa_head, sizeof(asa_head), "ASA %s", ch);
    }
    const char *heads[] = {"offered", sl_head, ab_head, asa_head, "occupancy", "p90 wait"};
    _Static_assert(ACD_ARRAY_LEN(cols) == ACD_ARRAY_LEN(heads), "one heading per column");
    /* A call type has no occupancy (agents are the groups'). */
    size_t n_cols = detail ? ACD_ARRAY_LEN(cols) : ACD_ARRAY_LEN(cols) - 1;
    if (type != SIZE_MAX) {
        char *name = acd_escape_xstrdup(r->setup.call_types[type].name);
        fprintf(out, "\nCall type %s per interval\n%-13s", name, "Interval");
        free(name);
    } else {
        fprintf(out, "\n%-13s", "Interval");
    }
    for (size_t c = 0; c < n_cols; c++)
        if (type == SIZE_MAX || cols[c] != ACD_M_OCCUPANCY)
            acd_display_put_right(out, heads[c], 11);
    fputc('\n', out);
    for (size_t i = 0; i < r->n_intervals; i++) {
        const struct acd_interval_result *iv = &r->intervals[i];
        const struct acd_scope_result *s = type == SIZE_MAX ? &iv->all : &iv->types[type];
        char a[32], b[32], v[NUM_BUF];
        size_t d = acd_display_day_of(&r->setup, i);
        double base = d == SIZE_MAX ? 0 : acd_display_day_midnight(&r->setup, d);
        if (d != SIZE_MAX && i == r->setup.days[d].first_interval) {
            fputs(" ", out);
            acd_escape_fputs(r->setup.days[d].label, out);
            fputc('\n', out);
        }
        fprintf(out, "  %s-%-5s", acd_units_format_clock(iv->start_s - base, a, sizeof(a)),
                acd_units_format_clock(iv->end_s - base, b, sizeof(b)));
        for (size_t c = 0; c < n_cols; c++) {
            if (type != SIZE_MAX && cols[c] == ACD_M_OCCUPANCY)
                continue;
            const struct acd_scope_result *sc = s;
            bool calls = cols[c] == ACD_M_SERVICE_LEVEL || cols[c] == ACD_M_ABANDON_RATE ||
                         cols[c] == ACD_M_ASA;
            if (ch && calls)
                sc = acd_verdict_metric_scope(r, cols[c], i);
            double x = sc ? sc->metric[cols[c]].mean : ACD_NAN;
            acd_display_put_right(out, format_value(cols[c], x, false, v, sizeof(v)), 11);
        }
        fputc('\n', out);
    }
}

static void
text_intervals(FILE *out, const struct acd_results *r, bool detail)
{
    text_interval_table(out, r, SIZE_MAX, detail);
    if (!detail)
        return;
    for (size_t k = 0; r->setup.known && k < r->setup.n_call_types; k++) {
        if (!r->intervals[0].types)
            break;
        text_interval_table(out, r, k, true);
    }
}

/* A center with more than one channel: the center's figures mix a
 * call's seconds with an e-mail's hours, so each channel gets a line of
 * its own (results' channels: the sum of its call types, each answered
 * within its own threshold), mean and 95% CI. */
static void
text_channels(FILE *out, const struct acd_results *r)
{
    static const enum acd_metric cols[] = {ACD_M_OFFERED, ACD_M_SERVICE_LEVEL, ACD_M_ABANDON_RATE,
                                           ACD_M_ASA};
    static const char *const heads[] = {"offered", "SL (own T)", "abandoned", "ASA"};
    _Static_assert(ACD_ARRAY_LEN(cols) == ACD_ARRAY_LEN(heads), "one heading per column");
    enum { CELL_W = 17, CI_CELL_W = 8 };
    if (!r->channels)
        return; /* one channel: the center's figures are its own */
    unsigned used = acd_setup_channels(&r->setup);
    fprintf(out, "\n%-17s", "Channel");
    for (size_t c = 0; c < ACD_ARRAY_LEN(heads); c++)
        acd_display_put_right(out, heads[c], CELL_W);
    fputc('\n', out);
    for (unsigned ch = 0; ch < ACD_N_CHANNELS; ch++) {
        if (!(used & (1u << ch)))
            continue;
        const struct acd_scope_result *s = &r->channels[ch];
        fprintf(out, "  %-15s", acd_channel_name((enum acd_channel)ch));
        for (size_t c = 0; c < ACD_ARRAY_LEN(cols); c++) {
            char mean[NUM_BUF], ci[NUM_BUF];
            acd_display_put_right(
                out, format_value(cols[c], s->metric[cols[c]].mean, false, mean, sizeof(mean)),
                CELL_W - CI_CELL_W);
            acd_display_put_right(
                out, format_value(cols[c], s->metric[cols[c]].ci95, true, ci, sizeof(ci)),
                CI_CELL_W);
        }
        fputc('\n', out);
    }
}

/* A period: one line per day with a few center means. */
static void
text_days(FILE *out, const struct acd_results *r)
{
    /* One column: a metric of the center's day, or (ch >= 0) of a
     * channel's day. More than one channel: the service level per channel
     * instead of the center's, and no ASA (a call's seconds and an
     * e-mail's hours do not mean together). */
    struct col {
        char head[32];
        enum acd_metric m;
        int ch;
    } cols[4 + ACD_N_CHANNELS];
    size_t n = 0;
    cols[n++] = (struct col){"offered", ACD_M_OFFERED, -1};
    if (r->day_channels) {
        unsigned used = acd_setup_channels(&r->setup);
        for (unsigned ch = 0; ch < ACD_N_CHANNELS; ch++)
            if (used & (1u << ch)) {
                cols[n] = (struct col){"", ACD_M_SERVICE_LEVEL, (int)ch};
                snprintf(cols[n++].head, sizeof(cols[0].head), "SL %s",
                         acd_channel_name((enum acd_channel)ch));
            }
    } else {
        cols[n] = (struct col){"", ACD_M_SERVICE_LEVEL, -1};
        center_sl_head(&r->setup, cols[n++].head, sizeof(cols[0].head));
    }
    if (r->day_channels) { /* the goal channel's, as the center's goals judge it */
        unsigned goal = acd_channel_goal(acd_setup_channels(&r->setup));
        cols[n] = (struct col){"", ACD_M_ABANDON_RATE, (int)goal};
        snprintf(cols[n].head, sizeof(cols[n].head), "ab. %s",
                 acd_channel_name((enum acd_channel)goal));
        n++;
    } else {
        cols[n++] = (struct col){"abandoned", ACD_M_ABANDON_RATE, -1};
    }
    if (!r->day_channels)
        cols[n++] = (struct col){"ASA", ACD_M_ASA, -1};
    cols[n++] = (struct col){"occupancy", ACD_M_OCCUPANCY, -1};
    fprintf(out, "\n%-17s", "Day");
    for (size_t c = 0; c < n; c++)
        acd_display_put_right(out, cols[c].head, 11);
    fputc('\n', out);
    for (size_t d = 0; d < r->setup.n_days; d++) {
        const struct acd_setup_day *dy = &r->setup.days[d];
        char v[NUM_BUF];
        fprintf(out, "  %-10.10s %-3s ", dy->label,
                dy->weekday >= 0 && dy->weekday < 7 ? acd_units_weekday_names[dy->weekday] : "");
        for (size_t c = 0; c < n; c++) {
            const struct acd_scope_result *s =
                cols[c].ch < 0 ? &r->days[d]
                               : &r->day_channels[d * ACD_N_CHANNELS + (size_t)cols[c].ch];
            acd_display_put_right(
                out, format_value(cols[c].m, s->metric[cols[c].m].mean, false, v, sizeof(v)), 11);
        }
        fputc('\n', out);
    }
    if (!(r->setup.features & ACD_FEAT_EMAIL))
        return;
    /* The e-mail backlog at each opening and closing: a day closes with
     * what the next one opens with (nothing is taken overnight); the last
     * closes with what is left at the end of the period. */
    fprintf(out, "\n%-17s", "E-mail backlog");
    acd_display_put_right(out, "at opening", 11);
    acd_display_put_right(out, "at closing", 11);
    fputc('\n', out);
    for (size_t d = 0; d < r->setup.n_days; d++) {
        const struct acd_setup_day *dy = &r->setup.days[d];
        char v[NUM_BUF];
        double close = d + 1 < r->setup.n_days ? r->days[d + 1].metric[ACD_M_BACKLOG_AT_OPEN].mean
                                               : r->summary.metric[ACD_M_BACKLOG_AT_CLOSE].mean;
        fprintf(out, "  %-10.10s %-3s ", dy->label,
                dy->weekday >= 0 && dy->weekday < 7 ? acd_units_weekday_names[dy->weekday] : "");
        acd_display_put_right(out,
                              format_value(ACD_M_BACKLOG_AT_OPEN,
                                           r->days[d].metric[ACD_M_BACKLOG_AT_OPEN].mean, false, v,
                                           sizeof(v)),
                              11);
        acd_display_put_right(out, format_value(ACD_M_BACKLOG_AT_CLOSE, close, false, v, sizeof(v)),
                              11);
        fputc('\n', out);
    }
}

/* "N replications, seed S" and the horizon, on one line if it fits. */
static void
text_header(FILE *out, const struct acd_results *r)
{
    const struct acd_setup *st = &r->setup;
    char runs[96], horizon[128] = "";
    acd_escape_fputs(st->known && st->name ? st->name : "(unnamed scenario)", out);
    fputc('\n', out);
    snprintf(runs, sizeof(runs), "%u replication%s, seed %" PRIu64, r->replications,
             r->replications == 1 ? "" : "s", r->seed);
    char a[32], b[32], c[32];
    if (st->known && st->horizon == ACD_HORIZON_STEADY)
        snprintf(horizon, sizeof(horizon), "steady state, %s each (%s warm-up)",
                 acd_units_format_duration(st->duration_s, a, sizeof(a)),
                 acd_units_format_duration(st->warmup_s, b, sizeof(b)));
    else if (st->known && st->n_days)
        snprintf(horizon, sizeof(horizon), "%zu operating day%s %s to %s, %zu intervals of %s",
                 st->n_days, st->n_days == 1 ? "" : "s", st->days[0].label,
                 st->days[st->n_days - 1].label, st->n_intervals,
                 acd_units_format_duration(st->interval_s, c, sizeof(c)));
    else if (st->known && st->horizon == ACD_HORIZON_DAY)
        snprintf(horizon, sizeof(horizon), "operating day %s-%s, %zu intervals of %s",
                 acd_units_format_clock(st->open_s, a, sizeof(a)),
                 acd_units_format_clock(st->close_s, b, sizeof(b)), st->n_intervals,
                 acd_units_format_duration(st->interval_s, c, sizeof(c)));
    if (!*horizon)
        fprintf(out, "%s\n", runs);
    else if (strlen(runs) + 2 + strlen(horizon) <= 80)
        fprintf(out, "%s; %s\n", runs, horizon);
    else
        fprintf(out, "%s\n%s\n", runs, horizon);
}

/* --precision: how the run ended and each target's half-width. */
static void
text_precision(FILE *out, const struct acd_results *r)
{
    const struct acd_precision *p = r->precision;
    unsigned run = p->n_rounds ? p->rounds[p->n_rounds - 1] : r->replications;
    if (p->stopped_by_max)
        fprintf(out, "\nPrecision: stopped at the maximum of %u replications, targets not met",
                p->max_replications);
    else
        fprintf(out, "\nPrecision: every target met at %u replications", r->replications);
    fprintf(out, "\n  (checked every %u; %u run in %zu round%s)\n", p->batch, run, p->n_rounds,
            p->n_rounds == 1 ? "" : "s");
    for (size_t i = 0; i < p->n_targets; i++) {
        const struct acd_precision_target *t = &p->targets[i];
        char name[LABEL_W + 1], a[32], b[32];
        enum acd_display_unit u = acd_display_metric_unit(t->metric);
        char *scope = t->scope ? acd_escape_xstrdup(t->scope) : NULL;
        snprintf(name, sizeof(name), "%s%s%s", scope ? scope : "", scope ? "." : "",
                 acd_metrics[t->metric].key);
        free(scope);
        fprintf(out, "  %-*s \xc2\xb1%s (target \xc2\xb1%s)%s\n", LABEL_W, name,
                acd_display_half_width(u, t->achieved, a, sizeof(a)),
                acd_display_half_width(u, t->half_width, b, sizeof(b)), t->met ? "" : " not met");
    }
}

/* A stationary one-type scenario beside exact Erlang: simulated mean and
 * CI against the formula, so a trainer can show both agree (or, with
 * non-exponential times, how far the Erlang approximation is off). */
static void
text_erlang(FILE *out, const struct acd_results *r)
{
    static const struct {
        enum acd_metric m;
        size_t off;
    } rows[] = {
        {ACD_M_SERVICE_LEVEL, offsetof(struct acd_erlang_result, service_level)},
        {ACD_M_ABANDON_RATE, offsetof(struct acd_erlang_result, abandon_rate)},
        {ACD_M_BLOCKED_RATE, offsetof(struct acd_erlang_result, blocked_rate)},
        {ACD_M_P_WAIT, offsetof(struct acd_erlang_result, p_wait)},
        {ACD_M_ASA, offsetof(struct acd_erlang_result, asa_s)},
        {ACD_M_MEAN_QUEUE_LEN, offsetof(struct acd_erlang_result, mean_queue_len)},
        {ACD_M_OCCUPANCY, offsetof(struct acd_erlang_result, occupancy)},
    };
    static const char *const model[] = {
        [ACD_ERLANG_B] = "Erlang B", [ACD_ERLANG_C] = "Erlang C", [ACD_ERLANG_A] = "Erlang A"};
    const struct acd_erlang_cmp *e = &r->erlang;
    unsigned left = acd_report_erlang_left_out(r);
    if (left) {
        char names[256];
        fprintf(out,
                "\nErlang comparison not shown: the formula leaves out this scenario's %s, so it\n"
                "would describe another center.\n",
                acd_report_feature_list(left, names, sizeof(names)));
        return;
    }
    if (!e->valid)
        return;
    char title[LABEL_W + 32];
    snprintf(title, sizeof(title), "%s %s", model[e->params.model],
             e->exponential ? "(exact)" : "(approximation)");
    fprintf(out, "\n%-*s", 2 + LABEL_W, title);
    acd_display_put_right(out, "simulated", MEAN_W);
    acd_display_put_right(out, "formula", CI_W);
    fputc('\n', out);
    for (size_t i = 0; i < ACD_ARRAY_LEN(rows); i++) {
        double exact = *(const double *)((const char *)&e->value + rows[i].off);
        char sim[NUM_BUF], ex[NUM_BUF];
        fprintf(out, "  %-*.*s", LABEL_W, LABEL_W, acd_metrics[rows[i].m].label);
        acd_display_put_right(
            out,
            format_value(rows[i].m, r->summary.metric[rows[i].m].mean, false, sim, sizeof(sim)),
            MEAN_W);
        acd_display_put_right(out, format_value(rows[i].m, exact, false, ex, sizeof(ex)), CI_W);
        fputc('\n', out);
    }
    if (e->wrap_up_s > 0)
        fprintf(out,
                "  The formula's handle time (%.4gs) includes %.4gs of wrap-up: an agent in\n"
                "  wrap-up takes no call.\n",
                e->params.aht_s, e->wrap_up_s);
}

static int
write_text(FILE *out, const struct acd_results *r, const struct acd_report_opts *o)
{
    const struct acd_setup *st = &r->setup;
    struct text_rows rows;
    choose_rows(r, &rows);
    text_header(out, r);
    if (r->precision)
        text_precision(out, r);

    char title[LABEL_W + 64];
    /* More than one channel: the center's figures mix them (text_channels). */
    text_scope(out, &rows, r->channels ? "Call center (all channels)" : "Call center", &r->summary,
               ACD_SCOPE_CENTER);
    text_costs(out, r);
    text_drain(out, r);
    text_channels(out, r);
    if (r->days)
        text_days(out, r);
    if (r->n_intervals)
        text_intervals(out, r, o && o->detail);
    for (size_t k = 0; k < st->n_call_types; k++) {
        char *name = acd_escape_xstrdup(st->call_types[k].name);
        snprintf(title, sizeof(title), "Call type: %.*s", LABEL_W - 11, name);
        free(name);
        const struct acd_setup_type *ct = &st->call_types[k];
        /* Beside the name: the channel when not voice ("chat"), then the
         * type's own goal: "(chat, SL 80% in 30s)". */
        bool chan = ct->channel != ACD_CHANNEL_VOICE;
        if (chan) {
            size_t len = strlen(title);
            snprintf(title + len, sizeof(title) - len, " (%s%s", acd_channel_name(ct->channel),
                     ct->has_sl ? "" : ")");
        }
        if (ct->has_sl) { /* its own goal beside its figures */
            size_t len = strlen(title);
            char tb[24];
            snprintf(title + len, sizeof(title) - len, "%sSL %g%% %s %s)", chan ? ", " : " (",
                     100 * ct->sl_target, ct->sl_threshold_s >= 3600 ? "within" : "in",
                     acd_display_threshold(ct->sl_threshold_s, tb, sizeof(tb)));
        }
        text_scope(out, &rows, title, &r->types[k], ACD_SCOPE_TYPE);
    }
    for (size_t g = 0; g < st->n_groups; g++) {
        char *name = acd_escape_xstrdup(st->groups[g].name);
        snprintf(title, sizeof(title), "Agent group: %.*s", LABEL_W - 13, name);
        free(name);
        text_scope(out, &rows, title, &r->groups[g], ACD_SCOPE_GROUP);
    }
    text_erlang(out, r);
    if (st->known)
        text_verdict(out, r);

    fprintf(out, "\n%" PRIu64 " calls and %" PRIu64 " events simulated", r->calls, r->events);
    if (!(o && o->no_timing))
        fprintf(out, " in %.2fs on %u thread%s", r->wall_s, r->threads, r->threads == 1 ? "" : "s");
    fputs(".\n", out);
    return ferror(out) ? -1 : 0;
}

/* ------------------------------------------------------------------ table */

static const struct acd_format format_text = {.name = "text", .write = write_text};
static const struct acd_format format_json = {.name = "json", .write = write_json};
static const struct acd_format format_csv = {.name = "csv", .write = write_csv};

const struct acd_format *const acd_formats[] = {&format_text, &format_json, &format_csv, NULL};

/* results.json is the json format's output, byte for byte. */
const struct acd_report_file acd_report_files[] = {
    {.name = "results.json", .write = write_json},
    {.name = "intervals.csv", .write = write_intervals_file},
    {.name = "groups.csv", .write = write_groups_file},
    {.name = NULL},
};

const struct acd_format *
acd_format_find(const char *name)
{
    for (size_t i = 0; acd_formats[i]; i++)
        if (strcmp(acd_formats[i]->name, name) == 0)
            return acd_formats[i];
    return NULL;
}
