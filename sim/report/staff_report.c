/*
 * staff_report: the recommendation and the staffing curve as text, JSON
 * and CSV, and the report folder of `acdsim staff --out` (see
 * staff_report.h).
 *
 * The figures an interval reports are one table (`kpis`), so the text
 * columns, the JSON keys and the CSV columns cannot drift apart. Writers
 * only read the results; the search (staff.c) and the command line
 * (cli_staff.c) are elsewhere.
 *
 * What the writers show of the scenario (its name, the horizon that labels
 * the bins, the group names) comes from a struct acd_setup made of it once
 * per writer (acd_setup_from_scenario, run.h), the facts every other report
 * reads. The scenario itself is read only to write recommended.yaml
 * (acd_staff_write_out: its path, and the patch of its staffing).
 */
#include "staff_report.h"
#include "acdsim/diag.h"
#include "display.h"
#include "escape.h"
#include "html.h"
#include "json_out.h"
#include "outdir.h"
#include "plot.h"
#include "report.h"
#include "scenario_patch.h"
#include "units.h"
#include "util.h"
#include "verdict.h"

#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The embedded chart scripts (build/plot_*.c). */
extern const char acd_plot_staffing_text[];
extern const char acd_plot_staff_curve_text[];

/* Text: the recommendation's tables stay within this many columns; more
 * groups than fit go to further blocks of columns. */
#define TEXT_COLS 100
/* A group's name is cut to this many bytes in a column heading. */
#define NAME_W  18
#define NUM_BUF 64

/* ---------------------------------------------------------------- figures */

/* The figures of an interval, in the order every format writes them.
 * `csv` = whether the recommendation's CSV has the column (the interface
 * lists four; offered is in the JSON only). */
static const struct kpi_field {
    const char *key; /* JSON / CSV key; NULL: the service level's, per targets */
    size_t offset;   /* offsetof(struct acd_staff_kpi, ...) */
    enum acd_display_unit unit;
    const char *head; /* text column heading */
    bool csv;
} kpis[] = {
    {NULL, offsetof(struct acd_staff_kpi, sl), ACD_DISPLAY_SHARE, "Service level", true},
    {"abandon_rate", offsetof(struct acd_staff_kpi, abandon_rate), ACD_DISPLAY_SHARE, "Abandoned",
     true},
    {"asa_s", offsetof(struct acd_staff_kpi, asa_s), ACD_DISPLAY_SECONDS, "ASA", true},
    {"occupancy", offsetof(struct acd_staff_kpi, occupancy), ACD_DISPLAY_SHARE, "Occupancy", true},
    {"offered", offsetof(struct acd_staff_kpi, offered), ACD_DISPLAY_COUNT, "Offered calls", false},
};

static const struct acd_estimate *
kpi_at(const struct acd_staff_kpi *k, const struct kpi_field *f)
{
    return (const struct acd_estimate *)(const void *)((const char *)k + f->offset);
}

static const char *
sl_key(const struct acd_staff_targets *t)
{
    return t->sl_answered ? "service_level_answered" : "service_level";
}

static const char *
kpi_key(const struct kpi_field *f, const struct acd_staff_targets *t)
{
    return f->key ? f->key : sl_key(t);
}

/* The setup of a search's scenario (caller finishes it with
 * acd_setup_fini); a curve without a scenario gets an unknown one. */
static void
setup_of(struct acd_setup *st, const struct acd_scenario *sc)
{
    if (sc)
        acd_setup_from_scenario(st, sc);
    else
        *st = (struct acd_setup){.known = false};
}

static bool
steady(const struct acd_setup *st)
{
    return st->horizon == ACD_HORIZON_STEADY;
}

/* A period (`days:`): the day of bin b; NULL for a single day or a
 * steady state. */
static const struct acd_setup_day *
bin_day(const struct acd_setup *st, size_t b)
{
    if (steady(st) || st->n_days == 0)
        return NULL;
    size_t d = acd_display_day_of(st, b);
    ACD_ASSERT(d != SIZE_MAX);
    return &st->days[d];
}

/* Where bin b starts, in the scenario's seconds (a period: on its own
 * day's grid). */
static double
bin_start_s(const struct acd_setup *st, size_t b)
{
    const struct acd_setup_day *dy = bin_day(st, b);
    if (!dy)
        return st->open_s + (double)b * st->interval_s;
    return dy->open_s + (double)(b - dy->first_interval) * st->interval_s;
}

/* "07:00" where bin b starts, on its day's clock in a period; "" for a
 * steady state. Returns buf. */
static char *
bin_clock(const struct acd_setup *st, size_t b, char *buf, size_t n)
{
    if (steady(st)) {
        snprintf(buf, n, "%s", "");
        return buf;
    }
    const struct acd_setup_day *dy = bin_day(st, b);
    double midnight = dy ? acd_display_day_midnight(st, (size_t)(dy - st->days)) : 0;
    return acd_units_format_clock(bin_start_s(st, b) - midnight, buf, n);
}

/* bin_clock, after its day's label in a period ("2026-12-08 09:00").
 * Returns buf. */
static char *
bin_label(const struct acd_setup *st, size_t b, char *buf, size_t n)
{
    const struct acd_setup_day *dy = bin_day(st, b);
    if (!dy)
        return bin_clock(st, b, buf, n);
    char c[16];
    snprintf(buf, n, "%s %s", dy->label, bin_clock(st, b, c, sizeof(c)));
    return buf;
}

/* Width of the interval label column of a text table. */
static int
label_width(const struct acd_setup *st)
{
    return st->n_days && !steady(st) ? 18 : 9;
}

void
acd_staff_text_targets(FILE *out, const struct acd_staff_targets *t, const struct acd_scenario *sc)
{
    const char *sep = "Targets: ";
    /* More than one channel: the center's goals on calls are one
     * channel's (acd_channel_goal). */
    unsigned channels = acd_scenario_channels(sc), goal = acd_channel_goal(channels);
    const char *ch = goal == ACD_N_CHANNELS ? "" : acd_channel_name((enum acd_channel)goal);
    const char *what = goal == ACD_N_CHANNELS      ? "calls"
                       : goal == ACD_CHANNEL_VOICE ? "voice calls"
                                                   : "chats";
    if (isfinite(t->sl_target)) {
        fprintf(out, "%sservice level >= %g%% within %g s (of %s %s)", sep, 100.0 * t->sl_target,
                t->sl_threshold_s, t->sl_answered ? "answered" : "offered", what);
        sep = ", ";
        /* The call types' own goals (staff.c: each is checked too). */
        for (size_t k = 0; k < sc->n_call_types; k++) {
            const struct acd_call_type *ct = &sc->call_types[k];
            if (!acd_channel_type_goal(channels, ct->channel, acd_scenario_type_has_sl(sc, k)))
                continue;
            fputs(sep, out);
            acd_escape_fputs(ct->name, out);
            fprintf(out, " >= %g%% within %g s",
                    100.0 * (ct->has_sl_target ? ct->sl_target : t->sl_target),
                    ct->has_sl_threshold ? ct->sl_threshold_s : t->sl_threshold_s);
        }
    }
    if (isfinite(t->max_abandon)) {
        fprintf(out, "%sabandoned%s%s <= %g%%", sep, *ch ? " " : "", ch, 100.0 * t->max_abandon);
        sep = ", ";
    }
    if (isfinite(t->max_asa_s)) {
        fprintf(out, "%sASA%s%s <= %g s", sep, *ch ? " " : "", ch, t->max_asa_s);
        sep = ", ";
    }
    if (isfinite(t->max_occupancy)) {
        fprintf(out, "%soccupancy <= %g%%", sep, 100.0 * t->max_occupancy);
        sep = ", ";
    }
    if (*sep == 'T')
        fputs("Targets: none", out);
    if (isfinite(t->probability))
        fprintf(out, "; met in at least %g%% of the replications\n", 100.0 * t->probability);
    else
        fputs("; met on average\n", out);
}

/* ------------------------------------------------------------------- json */

/* A count that may be fractional (a shift plan's time average): whole
 * numbers as JSON integers. */
static json_t *
jcount(double x)
{
    if (isfinite(x) && x == floor(x) && fabs(x) < 9007199254740992.0)
        return json_integer((json_int_t)x);
    return acd_json_real(x);
}

static json_t *
jinterval(const struct acd_setup *st, size_t b)
{
    char buf[32];
    return steady(st) ? json_null() : acd_json_str(bin_clock(st, b, buf, sizeof(buf)));
}

/* A period: o[key] = bin b's day label (nothing for a single day). */
static void
jday(json_t *o, const char *key, const struct acd_setup *st, size_t b)
{
    const struct acd_setup_day *dy = bin_day(st, b);
    if (dy)
        acd_json_set(o, key, acd_json_str(dy->label));
}

json_t *
acd_staff_costs_json(const struct acd_staff_kpi *k)
{
    json_t *o = acd_json_check(json_object());
    acd_json_set(o, "cost", acd_json_estimate(&k->cost));
    acd_json_set(o, "labor_cost", acd_json_estimate(&k->labor_cost));
    acd_json_set(o, "abandon_cost", acd_json_estimate(&k->abandon_cost));
    acd_json_set(o, "repeat_cost", acd_json_estimate(&k->repeat_cost));
    acd_json_set(o, "paid_agent_hours", acd_json_estimate(&k->paid_hours));
    return o;
}

json_t *
acd_staff_achieved_json(const struct acd_staff_kpi *k, const struct acd_staff_targets *t)
{
    json_t *o = acd_json_check(json_object());
    for (size_t i = 0; i < ACD_ARRAY_LEN(kpis); i++)
        acd_json_set(o, kpi_key(&kpis[i], t), acd_json_estimate(kpi_at(k, &kpis[i])));
    return o;
}

json_t *
acd_staff_targets_json(const struct acd_staff_targets *t, const struct acd_scenario *sc)
{
    json_t *o = acd_json_check(json_object());
    if (isfinite(t->sl_target))
        acd_json_set(o, "service_level", json_real(t->sl_target));
    /* More than one channel: the channel the center's goals on calls are
     * judged on (acd_channel_goal). */
    unsigned channels = acd_scenario_channels(sc), goal = acd_channel_goal(channels);
    if (goal != ACD_N_CHANNELS)
        acd_json_set(o, "channel", acd_json_str(acd_channel_name((enum acd_channel)goal)));
    json_t *types = NULL; /* the call types' own goals, when some has one */
    for (size_t k = 0; isfinite(t->sl_target) && k < sc->n_call_types; k++) {
        const struct acd_call_type *ct = &sc->call_types[k];
        if (!acd_channel_type_goal(channels, ct->channel, acd_scenario_type_has_sl(sc, k)))
            continue;
        if (!types)
            types = acd_json_check(json_object());
        json_t *g = acd_json_check(json_object());
        acd_json_set(g, "service_level",
                     json_real(ct->has_sl_target ? ct->sl_target : t->sl_target));
        acd_json_set(g, "threshold_s",
                     json_real(ct->has_sl_threshold ? ct->sl_threshold_s : t->sl_threshold_s));
        acd_json_set(types, ct->name, g);
    }
    if (types)
        acd_json_set(o, "call_types", types);
    if (isfinite(t->sl_threshold_s))
        acd_json_set(o, "threshold_s", json_real(t->sl_threshold_s));
    acd_json_set(o, "sl_definition", acd_json_str(t->sl_answered ? "answered" : "offered"));
    if (isfinite(t->max_abandon))
        acd_json_set(o, "abandon_rate", json_real(t->max_abandon));
    if (isfinite(t->max_asa_s))
        acd_json_set(o, "asa_s", json_real(t->max_asa_s));
    if (isfinite(t->max_occupancy))
        acd_json_set(o, "occupancy", json_real(t->max_occupancy));
    if (isfinite(t->probability))
        acd_json_set(o, "probability", json_real(t->probability));
    return o;
}

void
acd_staff_interval_json(json_t *o, const struct acd_staff_kpi *k, const struct acd_staff_targets *t)
{
    acd_json_set(o, "achieved", acd_staff_achieved_json(k, t));
    acd_json_set(o, "p_met", acd_json_real(k->p_met));
    acd_json_set(o, "met", json_boolean(k->met));
}

/* A check holds (the plan is minimal there) when with one agent fewer
 * some interval misses a goal: the check's own, or a later one. */
static bool
check_holds(const struct acd_staff_result *s, const struct acd_staff_check *c)
{
    if (c->missed_bin < s->n_bins)
        return !c->missed.met;
    return !c->kpi.met;
}

static json_t *
result_json(const struct acd_staff_result *s, const struct acd_setup *st)
{
    const struct acd_staff_targets *t = &s->targets;
    ACD_ASSERT(st->known && s->n_groups == st->n_groups);
    json_t *root = acd_json_check(json_object());
    acd_json_set(root, "scenario", acd_json_str(st->name));
    acd_json_set(root, "targets", acd_staff_targets_json(t, s->sc));
    acd_json_set(root, "replications", json_integer(s->replications));
    acd_json_set(root, "seed", json_integer(0)); /* the uint64 goes in as text: see below */
    acd_json_set(root, "feasible", json_boolean(s->feasible));
    acd_json_set(root, "evaluations", json_integer(s->evaluations));

    json_t *rec = acd_json_check(json_array());
    for (size_t b = 0; b < s->n_bins; b++) {
        for (size_t g = 0; g < s->n_groups; g++) {
            size_t i = b * s->n_groups + g;
            json_t *o = acd_json_check(json_object());
            jday(o, "day", st, b);
            acd_json_set(o, "interval", jinterval(st, b));
            acd_json_set(o, "group", acd_json_str(st->groups[g].name));
            acd_json_set(o, "agents", json_integer(s->agents[i]));
            acd_json_set(o, "current", jcount(s->current[i]));
            acd_json_set(o, "start", s->start ? json_integer(s->start[i]) : json_null());
            if (s->sc->groups[g].held) /* `--hold`: the scenario's staffing, not searched */
                acd_json_set(o, "held", json_true());
            if (s->has_shrinkage) {
                acd_json_set(o, "shrinkage", acd_json_real(s->shrinkage[i]));
                acd_json_set(o, "scheduled", json_integer(s->scheduled[i]));
            }
            acd_json_push(rec, o);
        }
    }
    acd_json_set(root, "recommendation", rec);
    acd_json_set(root, "agent_hours", acd_json_real(s->agent_hours));
    acd_json_set(root, "cost", acd_json_real(s->cost));
    if (s->has_shrinkage) {
        acd_json_set(root, "scheduled_hours", acd_json_real(s->scheduled_hours));
        acd_json_set(root, "scheduled_cost", acd_json_real(s->scheduled_cost));
    }
    acd_json_set(root, "costs", acd_staff_costs_json(&s->achieved));
    acd_json_set(root, "achieved", acd_staff_achieved_json(&s->achieved, t));

    json_t *cur = acd_json_check(json_object());
    acd_json_set(cur, "agent_hours", acd_json_real(s->current_agent_hours));
    acd_json_set(cur, "cost", acd_json_real(s->current_cost));
    if (s->has_shrinkage) {
        acd_json_set(cur, "scheduled_hours", acd_json_real(s->current_scheduled_hours));
        acd_json_set(cur, "scheduled_cost", acd_json_real(s->current_scheduled_cost));
    }
    acd_json_set(cur, "costs", acd_staff_costs_json(&s->achieved_current));
    acd_json_set(cur, "achieved", acd_staff_achieved_json(&s->achieved_current, t));
    acd_json_set(root, "current_plan", cur);

    json_t *ivs = acd_json_check(json_array());
    for (size_t b = 0; b < s->n_bins; b++) {
        json_t *o = acd_json_check(json_object());
        jday(o, "day", st, b);
        acd_json_set(o, "interval", jinterval(st, b));
        acd_staff_interval_json(o, &s->kpi[b], t);
        json_t *c = acd_json_check(json_object());
        acd_staff_interval_json(c, &s->kpi_current[b], t);
        acd_json_set(o, "current", c);
        acd_json_push(ivs, o);
    }
    acd_json_set(root, "intervals", ivs);

    json_t *min = acd_json_check(json_array());
    for (size_t i = 0; i < s->n_checks; i++) {
        const struct acd_staff_check *ck = &s->checks[i];
        ACD_ASSERT(ck->bin < s->n_bins && ck->group < s->n_groups);
        unsigned rec_agents = s->agents[ck->bin * s->n_groups + ck->group];
        json_t *o = acd_json_check(json_object());
        jday(o, "day", st, ck->bin);
        acd_json_set(o, "interval", jinterval(st, ck->bin));
        acd_json_set(o, "group", acd_json_str(st->groups[ck->group].name));
        acd_json_set(o, "agents", json_integer(rec_agents > 0 ? rec_agents - 1 : 0));
        acd_json_set(o, "achieved", acd_staff_achieved_json(&ck->kpi, t));
        acd_json_set(o, "p_met", acd_json_real(ck->kpi.p_met));
        acd_json_set(o, "met", json_boolean(ck->kpi.met));
        acd_json_set(o, "minimal", json_boolean(check_holds(s, ck)));
        if (ck->missed_bin < s->n_bins && !ck->missed.met) {
            jday(o, "missed_day", st, ck->missed_bin);
            acd_json_set(o, "missed_interval", jinterval(st, ck->missed_bin));
            if (ck->missed_bin != ck->bin) {
                json_t *m = acd_json_check(json_object());
                acd_staff_interval_json(m, &ck->missed, t);
                acd_json_set(o, "missed", m);
            }
        }
        acd_json_push(min, o);
    }
    acd_json_set(root, "minimality", min);
    return root;
}

char *
acd_staff_json_string(const struct acd_staff_result *s)
{
    struct acd_setup st;
    setup_of(&st, s->sc);
    char *json = acd_json_dump(result_json(s, &st), true, s->seed);
    acd_setup_fini(&st);
    return json;
}

static const char *
curve_group(const struct acd_staff_curve *c, const struct acd_setup *st)
{
    return c->group < st->n_groups ? st->groups[c->group].name : "";
}

static json_t *
curve_json(const struct acd_staff_curve *c, const struct acd_setup *st)
{
    ACD_ASSERT(st->known);
    const struct acd_staff_targets *t = &c->targets;
    json_t *root = acd_json_check(json_object());
    acd_json_set(root, "scenario", acd_json_str(st->name));
    acd_json_set(root, "group", acd_json_str(curve_group(c, st)));
    jday(root, "day", st, c->bin);
    acd_json_set(root, "interval", jinterval(st, c->bin));
    acd_json_set(root, "targets", acd_staff_targets_json(t, c->sc));
    acd_json_set(root, "current_agents", acd_json_real(c->current));
    size_t now = acd_staff_curve_current(c);
    json_t *pts = acd_json_check(json_array());
    for (size_t i = 0; i < c->n; i++) {
        const struct acd_staff_curve_point *p = &c->v[i];
        json_t *o = acd_json_check(json_object());
        acd_json_set(o, "agents", json_integer(p->agents));
        acd_json_set(o, "achieved", acd_staff_achieved_json(&p->kpi, t));
        acd_json_set(o, "p_met", acd_json_real(p->kpi.p_met));
        acd_json_set(o, "met", json_boolean(p->kpi.met));
        acd_json_set(o, "current", json_boolean(i == now));
        if (p->has_erlang) {
            const struct acd_erlang_result *e = &p->erlang;
            json_t *x = acd_json_check(json_object());
            acd_json_set(
                x, sl_key(t),
                acd_json_real(t->sl_answered ? e->service_level_answered : e->service_level));
            acd_json_set(x, "abandon_rate", acd_json_real(e->abandon_rate));
            acd_json_set(x, "asa_s", acd_json_real(e->asa_s));
            acd_json_set(x, "occupancy", acd_json_real(e->occupancy));
            acd_json_set(o, "erlang", x);
        }
        acd_json_push(pts, o);
    }
    acd_json_set(root, "points", pts);
    return root;
}

char *
acd_staff_curve_json_string(const struct acd_staff_curve *c)
{
    struct acd_setup st;
    setup_of(&st, c->sc);
    char *json = acd_json_dump(curve_json(c, &st), false, 0);
    acd_setup_fini(&st);
    return json;
}

static int
write_json(FILE *out, const struct acd_staff_result *s)
{
    return acd_json_put(out, acd_staff_json_string(s));
}

static int
write_curve_json(FILE *out, const struct acd_staff_curve *c)
{
    return acd_json_put(out, acd_staff_curve_json_string(c));
}

/* -------------------------------------------------------------------- csv */

static void
csv_head_kpis(FILE *out, const struct acd_staff_targets *t)
{
    for (size_t i = 0; i < ACD_ARRAY_LEN(kpis); i++) {
        if (!kpis[i].csv)
            continue;
        const char *k = kpi_key(&kpis[i], t);
        fprintf(out, ",%s,%s_ci95", k, k);
    }
    fputs(",p_met,met", out);
}

static void
csv_kpis(FILE *out, const struct acd_staff_kpi *k)
{
    for (size_t i = 0; i < ACD_ARRAY_LEN(kpis); i++) {
        if (!kpis[i].csv)
            continue;
        const struct acd_estimate *e = kpi_at(k, &kpis[i]);
        fputc(',', out);
        acd_report_csv_number(out, e->mean);
        fputc(',', out);
        acd_report_csv_number(out, e->ci95);
    }
    fputc(',', out);
    acd_report_csv_number(out, k->p_met);
    fputs(k->met ? ",true" : ",false", out);
}

static int
write_csv(FILE *out, const struct acd_staff_result *s)
{
    struct acd_setup setup;
    setup_of(&setup, s->sc);
    const struct acd_setup *st = &setup;
    ACD_ASSERT(st->known && s->n_groups == st->n_groups);
    if (st->n_days && !steady(st))
        fputs("date,", out); /* a period only: single-day files as before */
    fputs("interval,group,agents,current,start", out);
    csv_head_kpis(out, &s->targets);
    if (s->has_shrinkage)
        fputs(",shrinkage,scheduled", out);
    fputc('\n', out);
    for (size_t b = 0; b < s->n_bins; b++) {
        char label[32];
        bin_clock(st, b, label, sizeof(label));
        const struct acd_setup_day *dy = bin_day(st, b);
        for (size_t g = 0; g < s->n_groups; g++) {
            size_t i = b * s->n_groups + g;
            if (dy)
                fprintf(out, "%s,", dy->label);
            fprintf(out, "%s,", label);
            acd_report_csv_field(out, st->groups[g].name);
            fprintf(out, ",%u,", s->agents[i]);
            acd_report_csv_number(out, s->current[i]);
            fputc(',', out);
            if (s->start)
                fprintf(out, "%u", s->start[i]);
            csv_kpis(out, &s->kpi[b]);
            if (s->has_shrinkage) {
                fputc(',', out);
                acd_report_csv_number(out, s->shrinkage[i]);
                fprintf(out, ",%u", s->scheduled[i]);
            }
            fputc('\n', out);
        }
    }
    acd_setup_fini(&setup);
    return ferror(out) ? -1 : 0;
}

static void
erlang_values(const struct acd_staff_curve_point *p, const struct acd_staff_targets *t, double v[4])
{
    const struct acd_erlang_result *e = &p->erlang;
    v[0] = t->sl_answered ? e->service_level_answered : e->service_level;
    v[1] = e->abandon_rate;
    v[2] = e->asa_s;
    v[3] = e->occupancy;
    if (!p->has_erlang)
        v[0] = v[1] = v[2] = v[3] = ACD_NAN;
}

static int
write_curve_csv(FILE *out, const struct acd_staff_curve *c)
{
    const struct acd_staff_targets *t = &c->targets;
    fputs("agents", out);
    csv_head_kpis(out, t);
    fprintf(out, ",erlang_%s,erlang_abandon_rate,erlang_asa_s,erlang_occupancy,current\n",
            sl_key(t));
    size_t now = acd_staff_curve_current(c);
    for (size_t i = 0; i < c->n; i++) {
        const struct acd_staff_curve_point *p = &c->v[i];
        fprintf(out, "%u", p->agents);
        csv_kpis(out, &p->kpi);
        double v[4];
        erlang_values(p, t, v);
        for (int k = 0; k < 4; k++) {
            fputc(',', out);
            acd_report_csv_number(out, v[k]);
        }
        fprintf(out, ",%s\n", i == now ? "true" : "false");
    }
    return ferror(out) ? -1 : 0;
}

/* ------------------------------------------------------------------- text */

/* Numbers and alignment as in every report for people (display.h). */
static char *
fmt_value(enum acd_display_unit u, double x, char *buf, size_t n)
{
    return acd_display_value(u, x, 0, buf, n);
}

/* "12 (10)": recommended, then the current plan. */
static char *
fmt_cell(unsigned rec, double cur, char *buf, size_t n)
{
    char c[NUM_BUF];
    snprintf(buf, n, "%u (%s)", rec, acd_display_agents(cur, c, sizeof(c)));
    return buf;
}

/* Which goals an interval's means miss ("SL, ASA"), into buf. */
static char *
missed_goals(const struct acd_staff_kpi *k, const struct acd_staff_targets *t, char *buf, size_t n)
{
    const struct {
        double bound;
        double x;
        bool at_least;
        const char *what;
    } g[] = {
        {t->sl_target, k->sl.mean, true, "SL"},
        {t->max_abandon, k->abandon_rate.mean, false, "abandoned"},
        {t->max_asa_s, k->asa_s.mean, false, "ASA"},
        {t->max_occupancy, k->occupancy.mean, false, "occupancy"},
    };
    buf[0] = '\0';
    for (size_t i = 0; i < ACD_ARRAY_LEN(g); i++) {
        if (!isfinite(g[i].bound) || !isfinite(g[i].x))
            continue;
        if (acd_verdict_judge(g[i].x, g[i].bound, g[i].at_least) != ACD_VERDICT_MISSED)
            continue;
        size_t len = strlen(buf);
        snprintf(buf + len, n - len, "%s%s", len ? ", " : "", g[i].what);
    }
    return buf;
}

static void
text_verdict(FILE *out, const struct acd_staff_kpi *k, const struct acd_staff_targets *t)
{
    if (k->met) {
        fputs(acd_verdict_looks[ACD_VERDICT_MET].text, out);
        return;
    }
    char why[128];
    missed_goals(k, t, why, sizeof(why));
    fprintf(out, "%s%s%s", acd_verdict_looks[ACD_VERDICT_MISSED].text, *why ? ": " : "", why);
}

/* Heading width of group g's column: its (cut) name or its widest cell. */
static int
group_width(const struct acd_staff_result *s, const struct acd_setup *st, size_t g)
{
    char name[NAME_W + 1];
    snprintf(name, sizeof(name), "%s", st->groups[g].name);
    int w = acd_display_columns(name);
    for (size_t b = 0; b < s->n_bins; b++) {
        char cell[2 * NUM_BUF];
        size_t i = b * s->n_groups + g;
        int cw = acd_display_columns(fmt_cell(s->agents[i], s->current[i], cell, sizeof(cell)));
        w = cw > w ? cw : w;
    }
    return w;
}

static void
total_cell(const struct acd_staff_result *s, size_t b, char *buf, size_t n)
{
    unsigned rec = 0;
    double cur = 0;
    for (size_t g = 0; g < s->n_groups; g++) {
        rec += s->agents[b * s->n_groups + g];
        cur += s->current[b * s->n_groups + g];
    }
    fmt_cell(rec, cur, buf, n);
}

/* An operating day: intervals as rows, groups as columns "12 (10)", in
 * blocks of as many groups as fit in TEXT_COLS, the total last. */
static void
text_plan_day(FILE *out, const struct acd_staff_result *s, const struct acd_setup *st)
{
    enum { GAP = 2 };
    const int label_w = label_width(st);
    size_t ng = s->n_groups;
    int *w = acd_xcalloc(ng + 1, sizeof(*w));
    for (size_t g = 0; g < ng; g++)
        w[g] = group_width(s, st, g);
    w[ng] = 5; /* "Total" */
    for (size_t b = 0; b < s->n_bins; b++) {
        char cell[2 * NUM_BUF];
        total_cell(s, b, cell, sizeof(cell));
        w[ng] = acd_display_columns(cell) > w[ng] ? acd_display_columns(cell) : w[ng];
    }
    fputs("\nRecommended agents per interval and group (current plan in parentheses)\n", out);
    for (size_t first = 0; first <= ng;) {
        size_t last = first; /* one past the block's last column; column ng is the total */
        int used = label_w;
        while (last <= ng && (last == first || used + GAP + w[last] <= TEXT_COLS))
            used += GAP + w[last++];
        fputc('\n', out);
        acd_display_put_left(out, "Interval", label_w);
        for (size_t g = first; g < last; g++) {
            char name[NAME_W + 1];
            snprintf(name, sizeof(name), "%s", g < ng ? st->groups[g].name : "Total");
            acd_display_put_right(out, name, GAP + w[g]);
        }
        fputc('\n', out);
        for (size_t b = 0; b < s->n_bins; b++) {
            char label[32], cell[2 * NUM_BUF];
            acd_display_put_left(out, bin_label(st, b, label, sizeof(label)), label_w);
            for (size_t g = first; g < last; g++) {
                if (g < ng)
                    fmt_cell(s->agents[b * ng + g], s->current[b * ng + g], cell, sizeof(cell));
                else
                    total_cell(s, b, cell, sizeof(cell));
                acd_display_put_right(out, cell, GAP + w[g]);
            }
            fputc('\n', out);
        }
        first = last;
    }
    free(w);
}

/* A steady state: one row per group. */
static void
text_plan_steady(FILE *out, const struct acd_staff_result *s, const struct acd_setup *st)
{
    int w = 5;
    for (size_t g = 0; g < s->n_groups; g++) {
        char name[NAME_W + 1];
        snprintf(name, sizeof(name), "%s", st->groups[g].name);
        int n = acd_display_columns(name);
        w = n > w ? n : w;
    }
    fputs("\nRecommended agents per group\n\n", out);
    acd_display_put_left(out, "Group", w);
    acd_display_put_right(out, "Recommended", 14);
    acd_display_put_right(out, "Current", 10);
    acd_display_put_right(out, "Start", 8);
    fputc('\n', out);
    unsigned rec = 0;
    double cur = 0;
    for (size_t g = 0; g < s->n_groups; g++) {
        char name[NAME_W + 1], c[NUM_BUF], v[NUM_BUF];
        snprintf(name, sizeof(name), "%s", st->groups[g].name);
        acd_display_put_left(out, name, w);
        snprintf(v, sizeof(v), "%u", s->agents[g]);
        acd_display_put_right(out, v, 14);
        acd_display_put_right(out, acd_display_agents(s->current[g], c, sizeof(c)), 10);
        if (s->start)
            snprintf(v, sizeof(v), "%u", s->start[g]);
        else
            snprintf(v, sizeof(v), "-");
        acd_display_put_right(out, v, 8);
        fputc('\n', out);
        rec += s->agents[g];
        cur += s->current[g];
    }
    if (s->n_groups > 1) {
        char c[NUM_BUF], v[NUM_BUF];
        acd_display_put_left(out, "Total", w);
        snprintf(v, sizeof(v), "%u", rec);
        acd_display_put_right(out, v, 14);
        acd_display_put_right(out, acd_display_agents(cur, c, sizeof(c)), 10);
        fputc('\n', out);
    }
}

void
acd_staff_text_achieved(FILE *out, const char *heading, const struct acd_staff_kpi *kpi,
                        size_t n_bins, const struct acd_staff_kpi *whole,
                        const struct acd_staff_targets *t, const struct acd_setup *st)
{
    enum { COL = 16 };
    const int label_w = label_width(st);
    bool prob = isfinite(t->probability);
    fprintf(out, "\n%s (mean ±95%% CI)\n\n", heading);
    acd_display_put_left(out, "Interval", label_w);
    for (size_t i = 0; i < ACD_ARRAY_LEN(kpis); i++)
        if (kpis[i].csv)
            acd_display_put_right(out, kpis[i].head, COL);
    if (prob)
        acd_display_put_right(out, "P(met)", 8);
    fputs("  Verdict\n", out);
    for (size_t b = 0; b < n_bins + (whole != NULL); b++) {
        const struct acd_staff_kpi *k = b < n_bins ? &kpi[b] : whole;
        char label[32], v[NUM_BUF];
        acd_display_put_left(out,
                             b < n_bins        ? bin_label(st, b, label, sizeof(label))
                             : st->n_days == 0 ? "Day"
                                               : "Period",
                             label_w);
        for (size_t i = 0; i < ACD_ARRAY_LEN(kpis); i++)
            if (kpis[i].csv)
                acd_display_put_right(
                    out, acd_display_estimate(kpis[i].unit, kpi_at(k, &kpis[i]), v, sizeof(v)),
                    COL);
        if (prob) {
            if (isfinite(k->p_met))
                snprintf(v, sizeof(v), "%.2f", k->p_met);
            else
                snprintf(v, sizeof(v), "n/a");
            acd_display_put_right(out, v, 8);
        }
        fputs("  ", out);
        text_verdict(out, k, t);
        fputc('\n', out);
    }
}

static void
text_totals(FILE *out, const struct acd_staff_result *s)
{
    enum { LABEL = 20, COL = 14 };
    fputc('\n', out);
    acd_display_put_left(out, "", LABEL);
    acd_display_put_right(out, "Recommended", COL);
    acd_display_put_right(out, "Current", COL);
    acd_display_put_right(out, "Difference", COL);
    fputc('\n', out);
    const struct {
        const char *what;
        double rec, cur;
        int decimals;
        bool cost, scheduled; /* a money row; a row of agents scheduled (shrinkage) */
    } rows[] = {
        {"Paid agent-hours", s->agent_hours, s->current_agent_hours, 1, false, false},
        {"Cost", s->cost, s->current_cost, 2, true, false},
        {"  labor", s->achieved.labor_cost.mean, s->achieved_current.labor_cost.mean, 2, true,
         false},
        {"  abandoned calls", s->achieved.abandon_cost.mean, s->achieved_current.abandon_cost.mean,
         2, true, false},
        {"  repeat calls", s->achieved.repeat_cost.mean, s->achieved_current.repeat_cost.mean, 2,
         true, false},
        {"Sched. hours", s->scheduled_hours, s->current_scheduled_hours, 1, false, true},
        {"Sched. cost", s->scheduled_cost, s->current_scheduled_cost, 2, true, true},
    };
    for (size_t i = 0; i < ACD_ARRAY_LEN(rows); i++) {
        /* No cost anywhere: a zero cost says nothing. */
        if (rows[i].cost && !(s->cost > 0) && !(s->current_cost > 0))
            continue;
        if (rows[i].scheduled && !s->has_shrinkage) /* scheduled = on the phones */
            continue;
        char v[NUM_BUF];
        int d = rows[i].decimals;
        acd_display_put_left(out, rows[i].what, LABEL);
        snprintf(v, sizeof(v), "%.*f", d, rows[i].rec);
        acd_display_put_right(out, v, COL);
        snprintf(v, sizeof(v), "%.*f", d, rows[i].cur);
        acd_display_put_right(out, v, COL);
        snprintf(v, sizeof(v), "%+.*f", d, rows[i].rec - rows[i].cur);
        acd_display_put_right(out, v, COL);
        fputc('\n', out);
    }
}

/* The whole horizon, both plans side by side. */
static void
text_whole(FILE *out, const struct acd_staff_result *s, const struct acd_setup *st)
{
    enum { LABEL = 16, COL = 20 };
    fputc('\n', out);
    acd_display_put_left(out,
                         steady(st)        ? "Whole run"
                         : st->n_days == 0 ? "Whole day"
                                           : "Whole period",
                         LABEL);
    acd_display_put_right(out, "Recommended", COL);
    acd_display_put_right(out, "Current", COL);
    fputc('\n', out);
    for (size_t i = 0; i < ACD_ARRAY_LEN(kpis); i++) {
        char a[NUM_BUF], b[NUM_BUF];
        acd_display_put_left(out, kpis[i].head, LABEL);
        acd_display_put_right(
            out, acd_display_estimate(kpis[i].unit, kpi_at(&s->achieved, &kpis[i]), a, sizeof(a)),
            COL);
        acd_display_put_right(out,
                              acd_display_estimate(kpis[i].unit,
                                                   kpi_at(&s->achieved_current, &kpis[i]), b,
                                                   sizeof(b)),
                              COL);
        fputc('\n', out);
    }
}

static void
text_feasible(FILE *out, const struct acd_staff_result *s, const struct acd_setup *st)
{
    size_t missing = 0;
    for (size_t b = 0; b < s->n_bins; b++)
        missing += !s->kpi[b].met;
    if (s->feasible && missing == 0) {
        fputs("\nFeasible: every interval meets the targets.\n", out);
    } else {
        fprintf(out, "\nNOT feasible: %zu interval%s miss%s a target even with more agents",
                missing, missing == 1 ? "" : "s", missing == 1 ? "es" : "");
        const char *sep = ": ";
        for (size_t b = 0; b < s->n_bins && !steady(st); b++) {
            if (s->kpi[b].met)
                continue;
            char label[32];
            fprintf(out, "%s%s", sep, bin_label(st, b, label, sizeof(label)));
            sep = ", ";
        }
        fputs(".\n", out);
    }
    size_t loose = 0;
    for (size_t i = 0; i < s->n_checks; i++)
        loose += !check_holds(s, &s->checks[i]);
    if (s->n_checks == 0)
        return;
    if (loose == 0) {
        fprintf(out,
                "Minimal: with one agent fewer in any interval and group (%zu checks) a "
                "target is missed.\n",
                s->n_checks);
        return;
    }
    fprintf(out,
            "Not minimal: %zu of %zu checks still meet the targets with one agent fewer:", loose,
            s->n_checks);
    const char *sep = " ";
    for (size_t i = 0; i < s->n_checks; i++) {
        const struct acd_staff_check *c = &s->checks[i];
        if (check_holds(s, c))
            continue;
        char label[32];
        bin_label(st, c->bin, label, sizeof(label));
        fprintf(out, "%s%s%s", sep, label, *label ? " " : "");
        acd_escape_fputs(st->groups[c->group].name, out);
        sep = ", ";
    }
    fputs("\n", out);
}

/* With shrinkage: the agents to schedule per interval and group. */
static void
text_scheduled(FILE *out, const struct acd_staff_result *s, const struct acd_setup *st)
{
    enum { GAP = 2 };
    const int label_w = label_width(st);
    if (!s->has_shrinkage)
        return;
    fputs("\nAgents scheduled (recommended on the phones / (1 - shrinkage), rounded up;\n"
          "shrinkage in parentheses)\n\n",
          out);
    size_t ng = s->n_groups;
    int *w = acd_xcalloc(ng ? ng : 1, sizeof(*w));
    for (size_t g = 0; g < ng; g++) {
        char name[NAME_W + 1];
        snprintf(name, sizeof(name), "%s", st->groups[g].name);
        w[g] = acd_display_columns(name) > 12 ? acd_display_columns(name) : 12;
    }
    acd_display_put_left(out, steady(st) ? "" : "Interval", label_w);
    for (size_t g = 0; g < ng; g++) {
        char name[NAME_W + 1];
        snprintf(name, sizeof(name), "%s", st->groups[g].name);
        acd_display_put_right(out, name, GAP + w[g]);
    }
    fputc('\n', out);
    for (size_t b = 0; b < s->n_bins; b++) {
        char label[32], cell[2 * NUM_BUF];
        acd_display_put_left(out, steady(st) ? "" : bin_label(st, b, label, sizeof(label)),
                             label_w);
        for (size_t g = 0; g < ng; g++) {
            size_t i = b * ng + g;
            snprintf(cell, sizeof(cell), "%u (%g%%)", s->scheduled[i],
                     round(s->shrinkage[i] * 1000) / 10);
            acd_display_put_right(out, cell, GAP + w[g]);
        }
        fputc('\n', out);
    }
    free(w);
}

/* The groups `--hold` kept as the scenario staffs them. */
static void
text_held(FILE *out, const struct acd_staff_result *s, const struct acd_setup *st)
{
    const char *sep = "\nHeld as the scenario staffs them (not searched): ";
    for (size_t g = 0; g < s->n_groups; g++)
        if (s->sc->groups[g].held) {
            fputs(sep, out);
            acd_escape_fputs(st->groups[g].name, out);
            sep = ", ";
        }
    if (sep[0] == ',')
        fputc('\n', out);
}

static int
write_text(FILE *out, const struct acd_staff_result *s)
{
    struct acd_setup setup;
    setup_of(&setup, s->sc);
    const struct acd_setup *st = &setup;
    ACD_ASSERT(st->known && s->n_groups == st->n_groups);
    fputs("Staffing: ", out);
    acd_escape_fputs(st->name, out);
    fputc('\n', out);
    acd_staff_text_targets(out, &s->targets, s->sc);
    fprintf(out, "%u replication%s, seed %" PRIu64 ", %u evaluation%s\n", s->replications,
            acd_plural(s->replications), s->seed, s->evaluations, acd_plural(s->evaluations));
    if (steady(st))
        text_plan_steady(out, s, st);
    else
        text_plan_day(out, s, st);
    text_held(out, s, st);
    text_scheduled(out, s, st);
    if (!steady(st) || s->n_bins > 1)
        acd_staff_text_achieved(out, "Achieved per interval by the recommended plan", s->kpi,
                                s->n_bins, NULL, &s->targets, st);
    text_totals(out, s);
    text_whole(out, s, st);
    text_feasible(out, s, st);
    acd_setup_fini(&setup);
    return ferror(out) ? -1 : 0;
}

static int
write_curve_text(FILE *out, const struct acd_staff_curve *c)
{
    enum { COL = 16 };
    const struct acd_staff_targets *t = &c->targets;
    struct acd_setup st;
    setup_of(&st, c->sc);
    ACD_ASSERT(st.known);
    char label[32];
    bin_label(&st, c->bin, label, sizeof(label));
    fputs("Staffing curve: ", out);
    acd_escape_fputs(st.name, out);
    fputs(", group ", out);
    acd_escape_fputs(curve_group(c, &st), out);
    fprintf(out, "%s%s\n", *label ? ", interval " : "", label);
    acd_setup_fini(&st);
    acd_staff_text_targets(out, t, c->sc);
    bool erlang = false, prob = isfinite(t->probability);
    for (size_t i = 0; i < c->n; i++)
        erlang = erlang || c->v[i].has_erlang;
    fputc('\n', out);
    acd_display_put_right(out, "Agents", 6);
    for (size_t i = 0; i < ACD_ARRAY_LEN(kpis); i++)
        if (kpis[i].csv)
            acd_display_put_right(out, kpis[i].head, COL);
    if (prob)
        acd_display_put_right(out, "P(met)", 8);
    acd_display_put_right(out, "Met", 5);
    if (erlang) {
        acd_display_put_right(out, "Erlang SL", 11);
        acd_display_put_right(out, "Erl. aband.", 12);
        acd_display_put_right(out, "Erlang ASA", 11);
    }
    fputc('\n', out);
    size_t now = acd_staff_curve_current(c);
    for (size_t i = 0; i < c->n; i++) {
        const struct acd_staff_curve_point *p = &c->v[i];
        char v[NUM_BUF];
        snprintf(v, sizeof(v), "%u", p->agents);
        acd_display_put_right(out, v, 6);
        for (size_t k = 0; k < ACD_ARRAY_LEN(kpis); k++)
            if (kpis[k].csv)
                acd_display_put_right(
                    out,
                    acd_display_estimate(kpis[k].unit, kpi_at(&p->kpi, &kpis[k]), v, sizeof(v)),
                    COL);
        if (prob) {
            if (isfinite(p->kpi.p_met))
                snprintf(v, sizeof(v), "%.2f", p->kpi.p_met);
            else
                snprintf(v, sizeof(v), "n/a");
            acd_display_put_right(out, v, 8);
        }
        acd_display_put_right(out, p->kpi.met ? "yes" : "no", 5);
        if (erlang) {
            double e[4];
            erlang_values(p, t, e);
            acd_display_put_right(out, fmt_value(ACD_DISPLAY_SHARE, e[0], v, sizeof(v)), 11);
            acd_display_put_right(out, fmt_value(ACD_DISPLAY_SHARE, e[1], v, sizeof(v)), 12);
            acd_display_put_right(out, fmt_value(ACD_DISPLAY_SECONDS, e[2], v, sizeof(v)), 11);
        }
        if (i == now)
            fputs("  <- current", out);
        fputc('\n', out);
    }
    /* Where the scenario's own staffing stands. */
    char cur[NUM_BUF];
    snprintf(cur, sizeof(cur), "%.4g", c->current);
    if (now == SIZE_MAX)
        fprintf(out, "\nCurrent staffing: %s agent%s, outside the curve (--agents LO:HI).\n", cur,
                c->current == 1 ? "" : "s");
    else if (c->current != floor(c->current))
        fprintf(out,
                "\nCurrent staffing: %s agents on the phones on average (shifts and "
                "breaks), marked at %u.\n",
                cur, c->v[now].agents);
    return ferror(out) ? -1 : 0;
}

/* ---------------------------------------------------------------- formats */

static const struct acd_staff_format format_text = {"text", write_text, write_curve_text};
static const struct acd_staff_format format_json = {"json", write_json, write_curve_json};
static const struct acd_staff_format format_csv = {"csv", write_csv, write_curve_csv};

const struct acd_staff_format *const acd_staff_formats[] = {&format_text, &format_json, &format_csv,
                                                            NULL};

const struct acd_staff_format *
acd_staff_format_find(const char *name)
{
    for (size_t i = 0; acd_staff_formats[i]; i++)
        if (strcmp(acd_staff_formats[i]->name, name) == 0)
            return acd_staff_formats[i];
    return NULL;
}

/* ----------------------------------------------------------------- charts */

/* The variables of the staffing charts (plots/staffing.gp,
 * plots/staff_curve.gp): the search's targets override the scenario's. */
static void
gp_targets(FILE *f, const struct acd_setup *st, const struct acd_staff_targets *t)
{
    fputs("scenario = ", f);
    acd_plot_string(f, st->name);
    fputc('\n', f);
    acd_plot_var(f, "threshold_s", t->sl_threshold_s);
    acd_plot_var(f, "sl_target", t->sl_target);
    acd_plot_var(f, "max_abandon", t->max_abandon);
    acd_plot_var(f, "max_asa_s", t->max_asa_s);
    acd_plot_var(f, "max_occupancy", t->max_occupancy);
    fprintf(f, "sl_answered = %d\n", t->sl_answered);
}

static const char *
group_name(const void *st, size_t g)
{
    return ((const struct acd_setup *)st)->groups[g].name;
}

/* What the staffing chart's callbacks are given. */
struct staffing_chart {
    const struct acd_staff_result *s;
    const struct acd_setup *st;
};

/* What the curve chart's vars callback is given. */
struct curve_chart {
    const struct acd_staff_curve *c;
    const struct acd_setup *st;
};

/* Block 0, one line per bin: start (s after midnight; NaN for a steady
 * state), total recommended, total current, the achieved SL mean and CI
 * of the recommended plan, the same for the current plan, then per group
 * its recommended and current agents. */
static int
staffing_data(FILE *f, const void *x)
{
    const struct staffing_chart *ch = x;
    const struct acd_staff_result *s = ch->s;
    const struct acd_setup *st = ch->st;
    size_t ng = s->n_groups;
    for (size_t b = 0; b < s->n_bins; b++) {
        unsigned rec = 0;
        double cur = 0;
        for (size_t g = 0; g < ng; g++) {
            rec += s->agents[b * ng + g];
            cur += s->current[b * ng + g];
        }
        acd_plot_num(f, steady(st) ? ACD_NAN : bin_start_s(st, b));
        acd_plot_num(f, rec);
        acd_plot_num(f, cur);
        acd_plot_num(f, s->kpi[b].sl.mean);
        acd_plot_num(f, s->kpi[b].sl.ci95);
        acd_plot_num(f, s->kpi_current[b].sl.mean);
        acd_plot_num(f, s->kpi_current[b].sl.ci95);
        for (size_t g = 0; g < ng; g++) {
            acd_plot_num(f, s->agents[b * ng + g]);
            acd_plot_num(f, s->current[b * ng + g]);
        }
        fputc('\n', f);
    }
    return 0;
}

static int
staffing_vars(FILE *f, const void *x)
{
    const struct staffing_chart *ch = x;
    const struct acd_staff_result *s = ch->s;
    const struct acd_setup *st = ch->st;
    gp_targets(f, st, &s->targets);
    fprintf(f, "day = %d\n", !steady(st));
    acd_plot_var(f, "open_s", steady(st) ? ACD_NAN : st->open_s);
    acd_plot_var(f, "interval_s", steady(st) ? ACD_NAN : st->interval_s);
    /* A period: its whole span, as run's charts (the clock axis wraps at
     * midnight). */
    acd_plot_var(f, "close_s",
                 steady(st)   ? ACD_NAN
                 : st->n_days ? st->days[st->n_days - 1].close_s
                              : st->open_s + (double)s->n_bins * st->interval_s);
    fprintf(f, "n_bins = %zu\n", s->n_bins);
    acd_plot_array(f, "groups", s->n_groups, group_name, st);
    acd_plot_tic_array(f, "group_tics", s->n_groups, group_name, st);
    acd_plot_var(f, "whole_sl", s->achieved.sl.mean);
    acd_plot_var(f, "whole_sl_current", s->achieved_current.sl.mean);
    return 0;
}

/* One line per point: agents, SL mean and CI, abandon rate mean and CI,
 * ASA mean and CI, the Erlang SL, abandon rate and ASA (NaN if none),
 * met (1/0). */
static int
curve_data(FILE *f, const void *x)
{
    const struct acd_staff_curve *c = x;
    for (size_t i = 0; i < c->n; i++) {
        const struct acd_staff_curve_point *p = &c->v[i];
        double e[4];
        erlang_values(p, &c->targets, e);
        acd_plot_num(f, p->agents);
        acd_plot_num(f, p->kpi.sl.mean);
        acd_plot_num(f, p->kpi.sl.ci95);
        acd_plot_num(f, p->kpi.abandon_rate.mean);
        acd_plot_num(f, p->kpi.abandon_rate.ci95);
        acd_plot_num(f, p->kpi.asa_s.mean);
        acd_plot_num(f, p->kpi.asa_s.ci95);
        acd_plot_num(f, e[0]);
        acd_plot_num(f, e[1]);
        acd_plot_num(f, e[2]);
        fprintf(f, " %d\n", p->kpi.met);
    }
    return 0;
}

static int
curve_vars(FILE *f, const void *x)
{
    const struct curve_chart *ch = x;
    const struct acd_staff_curve *c = ch->c;
    gp_targets(f, ch->st, &c->targets);
    bool erlang = false, abandon = false, asa = false;
    for (size_t i = 0; i < c->n; i++) {
        erlang = erlang || c->v[i].has_erlang;
        abandon = abandon || isfinite(c->v[i].kpi.abandon_rate.mean);
        asa = asa || isfinite(c->v[i].kpi.asa_s.mean);
    }
    /* A series without a single point is a gnuplot warning: say which
     * ones exist. */
    fprintf(f, "has_erlang = %d\nhas_abandon = %d\nhas_asa = %d\n", erlang, abandon, asa);
    fputs("group = ", f);
    acd_plot_string(f, curve_group(c, ch->st));
    char label[32];
    fputs("\ninterval = ", f);
    acd_plot_string(f, bin_label(ch->st, c->bin, label, sizeof(label)));
    unsigned lo = c->n ? c->v[0].agents : 0, hi = c->n ? c->v[c->n - 1].agents : 0;
    fprintf(f, "\nagents_lo = %u\nagents_hi = %u\n", lo, hi);
    acd_plot_var(f, "current_agents", c->current);
    return 0;
}

/* ----------------------------------------------------------------- folder */

/* What write puts on a stream, as a new string (caller frees). */
static char *
to_string(int (*write)(FILE *, const void *), const void *x, size_t *len)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    ACD_ASSERT(f != NULL);
    int rc = write(f, x);
    ACD_ASSERT(rc == 0); /* a memory stream fails only without memory */
    int closed = fclose(f);
    ACD_ASSERT(closed == 0);
    if (len)
        *len = n;
    return buf;
}

static int
csv_result(FILE *f, const void *x)
{
    return write_csv(f, x);
}

static int
csv_curve(FILE *f, const void *x)
{
    return write_curve_csv(f, x);
}

char *
acd_staff_scenario_dir(const struct acd_scenario *sc)
{
    const char *path = sc->path;
    const char *slash = path && path[0] != '<' ? strrchr(path, '/') : NULL;
    char *dir = slash ? acd_xstrndup(path, (size_t)(slash - path)) : acd_xstrdup(".");
    if (!*dir) { /* "/x.yaml" */
        free(dir);
        return acd_xstrdup("/");
    }
    if (dir[0] == '/')
        return dir;
    char *cwd = getcwd(NULL, 0);
    if (!cwd)
        return dir; /* relative paths stay relative: still valid from here */
    char *abs = strcmp(dir, ".") == 0 ? acd_xstrdup(cwd) : acd_xasprintf("%s/%s", cwd, dir);
    free(cwd);
    free(dir);
    return abs;
}

/* ------------------------------------------------------------------- page */

/* index.html of `staff --out`: titled as the recommendation, the current
 * and recommended plans side by side first, then the recommended plan's
 * full report (the run's page). */
struct staff_page {
    const struct acd_staff_result *s;
    const struct acd_results *plan;
    char *title;
};

/* The goal each kpis[] figure is held to (NaN: none). */
static double
goal_of(const struct acd_staff_targets *t, size_t i, bool *at_least)
{
    const double bound[] = {t->sl_target, t->max_abandon, t->max_asa_s, t->max_occupancy, ACD_NAN};
    *at_least = i == 0;
    ACD_ASSERT(i < ACD_ARRAY_LEN(bound));
    return bound[i];
}

void
acd_staff_html_cell(FILE *out, const char *text, const char *cls)
{
    fprintf(out, "<td%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
    acd_html_put_escaped(out, text);
    fputs("</td>", out);
}

static void
page_row(FILE *out, const char *what, const char *rec, const char *cur, const char *diff)
{
    fputs("<tr><th scope=\"row\">", out);
    acd_html_put_escaped(out, what);
    fputs("</th>", out);
    acd_staff_html_cell(out, rec, NULL);
    acd_staff_html_cell(out, cur, NULL);
    acd_staff_html_cell(out, diff, NULL);
    fputs("</tr>\n", out);
}

static void
page_money_row(FILE *out, const char *what, double rec, double cur, int decimals)
{
    char a[NUM_BUF], b[NUM_BUF], c[NUM_BUF];
    snprintf(a, sizeof(a), "%.*f", decimals, rec);
    snprintf(b, sizeof(b), "%.*f", decimals, cur);
    snprintf(c, sizeof(c), "%+.*f", decimals, rec - cur);
    page_row(out, what, a, b, c);
}

static size_t
bins_met(const struct acd_staff_kpi *k, size_t n)
{
    size_t m = 0;
    for (size_t b = 0; b < n; b++)
        m += k[b].met;
    return m;
}

static void
page_verdict(FILE *out, const struct acd_staff_kpi *k)
{
    enum acd_verdict v = k->met ? ACD_VERDICT_MET : ACD_VERDICT_MISSED;
    fprintf(out, "<td class=\"%s\">%s %s</td>", acd_verdict_looks[v].cls, acd_verdict_looks[v].mark,
            acd_verdict_looks[v].word);
}

void
acd_staff_page_plans(FILE *out, const struct acd_scenario *sc, const struct acd_staff_targets *t,
                     size_t n_bins, const struct acd_staff_plan_view *p,
                     const struct acd_staff_plan_view *q, const char *note)
{
    struct acd_setup st;
    setup_of(&st, sc);
    char a[NUM_BUF], b[NUM_BUF];
    fputs("<div class=\"scroll\"><table id=\"plans\">\n<thead><tr><th scope=\"col\"></th><th "
          "scope=\"col\">",
          out);
    acd_html_put_escaped(out, p->label);
    fputs("</th><th scope=\"col\">", out);
    acd_html_put_escaped(out, q->label);
    fputs("</th><th scope=\"col\">Difference</th></tr></thead>\n<tbody>\n", out);
    snprintf(a, sizeof(a), "%zu of %zu", bins_met(p->kpi, n_bins), n_bins);
    snprintf(b, sizeof(b), "%zu of %zu", bins_met(q->kpi, n_bins), n_bins);
    page_row(out, steady(&st) ? "Goals met" : "Intervals meeting every goal", a, b, "");
    page_money_row(out, "Paid agent-hours", p->agent_hours, q->agent_hours, 1);
    if (p->cost > 0 || q->cost > 0) { /* no cost anywhere: a zero says nothing */
        page_money_row(out, "Cost", p->cost, q->cost, 2);
        page_money_row(out, "\u2003labor", p->whole->labor_cost.mean, q->whole->labor_cost.mean, 2);
        page_money_row(out, "\u2003abandoned calls", p->whole->abandon_cost.mean,
                       q->whole->abandon_cost.mean, 2);
        page_money_row(out, "\u2003repeat calls", p->whole->repeat_cost.mean,
                       q->whole->repeat_cost.mean, 2);
    }
    for (size_t i = 0; i < ACD_ARRAY_LEN(kpis); i++) {
        const struct acd_estimate *r = kpi_at(p->whole, &kpis[i]);
        const struct acd_estimate *cu = kpi_at(q->whole, &kpis[i]);
        page_row(out, kpis[i].head, fmt_value(kpis[i].unit, r->mean, a, sizeof(a)),
                 fmt_value(kpis[i].unit, cu->mean, b, sizeof(b)), "");
    }
    fputs("</tbody></table></div>\n", out);

    /* Per interval: agents and each goal's figure, both plans. */
    fputs("<h3>Per interval</h3>\n<div class=\"scroll\"><table id=\"plans-intervals\">\n"
          "<thead><tr><th scope=\"col\" rowspan=\"2\">Interval</th>"
          "<th scope=\"colgroup\" colspan=\"2\">Agents on the phones</th>",
          out);
    size_t n_goals = 0;
    for (size_t i = 0; i < ACD_ARRAY_LEN(kpis); i++) {
        bool at_least;
        double g = goal_of(t, i, &at_least);
        if (!isfinite(g))
            continue;
        n_goals++;
        fputs("<th scope=\"colgroup\" colspan=\"2\">", out);
        acd_html_put_escaped(out, kpis[i].head);
        fprintf(out, " (%s %s)</th>", at_least ? "&#8805;" : "&#8804;",
                fmt_value(kpis[i].unit, g, a, sizeof(a)));
    }
    fputs("<th scope=\"colgroup\" colspan=\"2\">Goals</th></tr>\n<tr>", out);
    for (size_t i = 0; i < n_goals + 2; i++) {
        fputs("<th scope=\"col\">", out);
        acd_html_put_escaped(out, p->label);
        fputs("</th><th scope=\"col\">", out);
        acd_html_put_escaped(out, q->label);
        fputs("</th>", out);
    }
    fputs("</tr></thead>\n<tbody>\n", out);
    for (size_t bn = 0; bn < n_bins; bn++) {
        fputs("<tr><th scope=\"row\">", out);
        acd_html_put_escaped(out, bin_label(&st, bn, a, sizeof(a)));
        fputs("</th>", out);
        acd_staff_html_cell(out, acd_display_agents(p->agents[bn], a, sizeof(a)), NULL);
        acd_staff_html_cell(out, acd_display_agents(q->agents[bn], b, sizeof(b)), NULL);
        for (size_t i = 0; i < ACD_ARRAY_LEN(kpis); i++) {
            bool at_least;
            double g = goal_of(t, i, &at_least);
            if (!isfinite(g))
                continue;
            const struct acd_staff_kpi *ks[] = {&p->kpi[bn], &q->kpi[bn]};
            for (size_t j = 0; j < 2; j++) {
                double x = kpi_at(ks[j], &kpis[i])->mean;
                enum acd_verdict v = acd_verdict_judge(x, g, at_least);
                acd_staff_html_cell(out, fmt_value(kpis[i].unit, x, a, sizeof(a)),
                                    acd_verdict_looks[v].cls);
            }
        }
        page_verdict(out, &p->kpi[bn]);
        page_verdict(out, &q->kpi[bn]);
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table></div>\n<p class=\"note\">", out);
    acd_html_put_escaped(out, note);
    fputs("</p>\n", out);
    acd_setup_fini(&st);
}

static void
page_lead(FILE *out, const void *ud)
{
    const struct staff_page *pg = ud;
    const struct acd_staff_result *s = pg->s;
    const struct acd_staff_targets *t = &s->targets;
    fputs("<h2>Recommended and current plan</h2>\n<p class=\"lead\">The recommended plan: the "
          "fewest agents on the phones per interval and group that meet the goals; the current "
          "plan: the scenario's own. Both simulated with the same replications and seeds; "
          "costs as <code>acdsim run</code> reports them (labor of the paid agent time, "
          "abandoned and repeat calls).</p>\n",
          out);
    double *rec = acd_xcalloc(s->n_bins ? s->n_bins : 1, sizeof(double));
    double *cur = acd_xcalloc(s->n_bins ? s->n_bins : 1, sizeof(double));
    for (size_t bn = 0; bn < s->n_bins; bn++)
        for (size_t g = 0; g < s->n_groups; g++) {
            rec[bn] += s->agents[bn * s->n_groups + g];
            cur[bn] += s->current[bn * s->n_groups + g];
        }
    const struct acd_staff_plan_view views[2] = {
        {"Recommended", rec, s->kpi, &s->achieved, s->agent_hours, s->cost},
        {"Current", cur, s->kpi_current, &s->achieved_current, s->current_agent_hours,
         s->current_cost},
    };
    acd_staff_page_plans(out, s->sc, t, s->n_bins, &views[0], &views[1],
                         "Agents per group: staffing.csv, recommended.yaml; the recommended "
                         "plan's full report follows.");
    free(rec);
    free(cur);
}

static int
staff_page_write(FILE *out, const void *ud, const struct acd_charts *charts)
{
    const struct staff_page *pg = ud;
    const struct acd_html_lead lead = {
        .title = pg->title,
        .kicker = "acdsim \u00b7 staffing recommendation",
        .nav_label = "Recommendation",
        .overview_title = "The recommended plan",
        .put = page_lead,
        .ud = pg,
    };
    return acd_html_write_led(out, pg->plan, charts, &lead);
}

/* recommended.yaml's opening comment: where the plan came from, the goals
 * and whether it meets them (it replaces the original's opening comments,
 * which describe the original staffing). */
static char *
recommended_comment(const struct acd_staff_result *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = acd_xmemstream_open(&buf, &len);
    fputs("Recommended staffing for ", f);
    acd_escape_fputs(s->sc->name && *s->sc->name ? s->sc->name : "the scenario", f);
    fprintf(f,
            ", found by acdsim staff\nfrom %s (seed %" PRIu64 ", %u replication%s per plan, %u "
            "plan%s simulated).\n",
            s->sc->path ? s->sc->path : "the scenario", s->seed, s->replications,
            acd_plural(s->replications), s->evaluations, acd_plural(s->evaluations));
    acd_staff_text_targets(f, &s->targets, s->sc);
    if (s->feasible)
        fprintf(f,
                "In the simulation this plan meets every goal with %.1f paid agent-hours "
                "(the original: %.1f).\n",
                s->agent_hours, s->current_agent_hours);
    else
        fputs("Some intervals miss a goal even with more agents (see staffing.json): this is the "
              "closest plan found.\n",
              f);
    fputs("Only each group's agents differ from the original file; its opening comments, which\n"
          "described the original staffing, are left out.",
          f);
    acd_xmemstream_close(f);
    return buf;
}

int
acd_staff_write_out(const char *dir, const struct acd_staff_result *s,
                    const struct acd_results *plan_results, const char *scenario_yaml,
                    size_t yaml_len, FILE *err)
{
    ACD_ASSERT(s->sc);
    struct acd_outdir_text files[3];
    size_t nf = 0;
    char *json = acd_staff_json_string(s);
    files[nf++] = (struct acd_outdir_text){"staffing.json", json, strlen(json)};
    size_t csv_len = 0;
    char *csv = to_string(csv_result, s, &csv_len);
    files[nf++] = (struct acd_outdir_text){"staffing.csv", csv, csv_len};

    char *yaml = NULL;
    int rc = 0;
    if (scenario_yaml) {
        /* No date: the same search writes the same file. */
        /* The recommended YAML patches the scenario itself: its file, its
         * directory and its staffing (the one use of the scenario here). */
        char *comment = recommended_comment(s);
        char *name = acd_xasprintf("%s (recommended staffing)",
                                   s->sc->name && *s->sc->name ? s->sc->name : "scenario");
        char *base = acd_staff_scenario_dir(s->sc);
        struct acd_diags diags;
        acd_diags_init(&diags);
        rc = acd_scenario_patch_staffing(scenario_yaml, yaml_len, s->sc->path, base, s->sc,
                                         s->agents, &s->targets, comment, name, &yaml, &diags);
        free(name);
        if (rc != 0) {
            /* The search's results are worth the folder without it. */
            fputs("acdsim: warning: recommended.yaml not written:\n", err);
            acd_diags_print(&diags, err);
            rc = 0;
        }
        acd_diags_fini(&diags);
        free(base);
        free(comment);
        if (yaml)
            files[nf++] = (struct acd_outdir_text){"recommended.yaml", yaml, strlen(yaml)};
    }

    struct acd_setup st;
    setup_of(&st, s->sc);
    const struct staffing_chart sch = {s, &st};
    char *data = to_string(staffing_data, &sch, NULL), *vars = to_string(staffing_vars, &sch, NULL);
    acd_setup_fini(&st);
    const struct acd_plot_extra chart = {
        .name = "staffing",
        .title = "Recommended and current agents per interval",
        .script = acd_plot_staffing_text,
        .data = data,
        .vars = vars,
    };
    struct staff_page page = {
        .s = s,
        .plan = plan_results,
        .title = acd_xasprintf("Staffing recommendation: %s",
                               s->sc->name && *s->sc->name ? s->sc->name : "unnamed scenario"),
    };
    const struct acd_outdir_extra extra = {.n_files = nf,
                                           .files = files,
                                           .n_charts = 1,
                                           .charts = &chart,
                                           .page = plan_results ? staff_page_write : NULL,
                                           .page_ud = &page};
    if (rc == 0) {
        struct acd_report_opts o = {0};
        rc = acd_outdir_write(dir, plan_results, &o, &extra, err);
    }
    free(page.title);
    free(data);
    free(vars);
    free(yaml);
    free(csv);
    free(json);
    return rc;
}

int
acd_staff_write_curve_out(const char *dir, const struct acd_staff_curve *c, FILE *err)
{
    char *json = acd_staff_curve_json_string(c);
    size_t csv_len = 0;
    char *csv = to_string(csv_curve, c, &csv_len);
    const struct acd_outdir_text files[] = {
        {"staff_curve.json", json, strlen(json)},
        {"staff_curve.csv", csv, csv_len},
    };
    struct acd_setup st;
    setup_of(&st, c->sc);
    const struct curve_chart cch = {c, &st};
    char *data = to_string(curve_data, c, NULL), *vars = to_string(curve_vars, &cch, NULL);
    acd_setup_fini(&st);
    const struct acd_plot_extra chart = {
        .name = "staff_curve",
        .title = "Service level, abandon rate and ASA against agents",
        .script = acd_plot_staff_curve_text,
        .data = data,
        .vars = vars,
    };
    const struct acd_outdir_extra extra = {
        .n_files = ACD_ARRAY_LEN(files), .files = files, .n_charts = 1, .charts = &chart};
    int rc = acd_outdir_write(dir, NULL, NULL, &extra, err);
    free(data);
    free(vars);
    free(csv);
    free(json);
    return rc;
}
