/*
 * schedule_report: the schedule as text, JSON and CSV, and the report
 * folder of `acdsim schedule --out` (see schedule_report.h).
 *
 * What it shares with the staffing report (the goals, an interval's
 * figures, the costs, the table of figures per interval) comes from
 * staff_report.h, so both commands say them alike. The schedule is an
 * operating day: bins are the scenario's intervals, labelled by the clock
 * time they start. The loop itself is in engine/schedule.c, the command
 * line in cli/cli_schedule.c.
 */
#include "schedule_report.h"
#include "display.h"
#include "escape.h"
#include "html.h"
#include "json_out.h"
#include "outdir.h"
#include "plot.h"
#include "report.h"
#include "scenario_patch.h"
#include "staff_report.h"
#include "units.h"
#include "util.h"
#include "verdict.h"

#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The embedded chart scripts (build/plot_*.c). */
extern const char acd_plot_coverage_text[];
extern const char acd_plot_gantt_text[];

#define NUM_BUF 64
/* A group's or template's name is cut to this many bytes in a table. */
#define NAME_W 24

/* ---------------------------------------------------------------- names */

static const char *const status_names[] = {
    [ACD_SCHEDULE_MET] = "met",
    [ACD_SCHEDULE_UNMET] = "unmet",
    [ACD_SCHEDULE_NO_STAFFING] = "no_staffing",
    [ACD_SCHEDULE_UNCOVERED] = "uncovered",
    [ACD_SCHEDULE_INFEASIBLE] = "infeasible",
    [ACD_SCHEDULE_SOLVER] = "solver",
};

static const char *const solver_names[] = {
    [ACD_ROSTER_OPTIMAL] = "optimal",     [ACD_ROSTER_FEASIBLE] = "feasible",
    [ACD_ROSTER_UNCOVERED] = "uncovered", [ACD_ROSTER_INFEASIBLE] = "infeasible",
    [ACD_ROSTER_FAILED] = "failed",
};

const char *
acd_schedule_status_name(enum acd_schedule_status st)
{
    ACD_ASSERT((size_t)st < ACD_ARRAY_LEN(status_names));
    return status_names[st];
}

static const char *
solver_name(enum acd_roster_status st)
{
    ACD_ASSERT((size_t)st < ACD_ARRAY_LEN(solver_names));
    return solver_names[st];
}

/* ---------------------------------------------------------------- facts */

static const char *
scenario_name(const struct acd_schedule_result *s)
{
    return s->sc->name && *s->sc->name ? s->sc->name : "unnamed scenario";
}

static const char *
group_name(const struct acd_schedule_result *s, size_t g)
{
    return s->sc->groups[g].name;
}

/* "07:00" where bin b starts. Returns buf. */
static char *
bin_label(const struct acd_schedule_result *s, size_t b, char *buf, size_t n)
{
    return acd_units_format_clock(s->sc->open_s + (double)b * s->sc->interval_s, buf, n);
}

static const struct acd_shift_template *
line_template(const struct acd_schedule_result *s, const struct acd_roster_line *l)
{
    ACD_ASSERT(l->tmpl < s->sc->n_templates && l->group < s->n_groups);
    return &s->sc->templates[l->tmpl];
}

static size_t
n_lines(const struct acd_schedule_result *s)
{
    return s->roster ? s->roster->n_lines : 0;
}

static const struct acd_staff_targets *
targets_of(const struct acd_schedule_result *s)
{
    static const struct acd_staff_targets none = {ACD_NAN, ACD_NAN, false,  ACD_NAN,
                                                  ACD_NAN, ACD_NAN, ACD_NAN};
    return s->staff ? &s->staff->targets : &none;
}

/* Line l's break k: "10:00 15m" with " unpaid" (text), the clock time and
 * the length. */
static double
break_start(const struct acd_roster_line *l, size_t k)
{
    return l->start_s + l->break_at_s[k];
}

/* The roster's breaks of line l, each `<start><sep1><length>[<sep1>paid]`
 * joined by sep2: "10:00 15m, 12:30 30m unpaid" (text: paid_word NULL
 * says nothing of paid breaks) or "10:00/15m/paid;12:30/30m/unpaid". New
 * string. */
static char *
breaks_text(const struct acd_schedule_result *s, const struct acd_roster_line *l, char sep1,
            const char *sep2, bool both)
{
    const struct acd_shift_template *t = line_template(s, l);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = acd_xmemstream_open(&buf, &len);
    for (size_t k = 0; k < t->n_breaks; k++) {
        char at[32], d[32];
        fprintf(f, "%s%s%c%s", k ? sep2 : "",
                acd_units_format_clock(break_start(l, k), at, sizeof(at)), sep1,
                acd_units_format_duration(t->breaks[k].length_s, d, sizeof(d)));
        if (t->breaks[k].unpaid)
            fprintf(f, "%cunpaid", sep1);
        else if (both)
            fprintf(f, "%cpaid", sep1);
    }
    acd_xmemstream_close(f);
    return buf;
}

/* Whether the figures per bin are a roster's simulated (the loop fills
 * them once a roster is solved; before, they are zeros). */
static bool
simulated(const struct acd_schedule_result *s)
{
    return s->kpi && s->roster;
}

static size_t
bins_missed(const struct acd_schedule_result *s)
{
    size_t m = 0;
    for (size_t b = 0; simulated(s) && b < s->n_bins; b++)
        m += !s->kpi[b].met;
    return m;
}

/* ------------------------------------------------------------------- json */

static json_t *
jclock(double t_s)
{
    char buf[32];
    return acd_json_str(acd_units_format_clock(t_s, buf, sizeof(buf)));
}

static json_t *
jinterval(const struct acd_schedule_result *s, size_t b)
{
    char buf[32];
    return acd_json_str(bin_label(s, b, buf, sizeof(buf)));
}

static json_t *
roster_json(const struct acd_schedule_result *s)
{
    json_t *arr = acd_json_check(json_array());
    for (size_t i = 0; i < n_lines(s); i++) {
        const struct acd_roster_line *l = &s->roster->lines[i];
        const struct acd_shift_template *t = line_template(s, l);
        json_t *o = acd_json_check(json_object());
        acd_json_set(o, "template", acd_json_str(t->name));
        acd_json_set(o, "group", acd_json_str(group_name(s, l->group)));
        acd_json_set(o, "start", jclock(l->start_s));
        acd_json_set(o, "end", jclock(l->start_s + t->length_s));
        acd_json_set(o, "count", json_integer(l->count));
        json_t *br = acd_json_check(json_array());
        for (size_t k = 0; k < t->n_breaks; k++) {
            json_t *b = acd_json_check(json_object());
            acd_json_set(b, "start", jclock(break_start(l, k)));
            acd_json_set(b, "length_s", acd_json_real(t->breaks[k].length_s));
            acd_json_set(b, "paid", json_boolean(!t->breaks[k].unpaid));
            acd_json_push(br, b);
        }
        acd_json_set(o, "breaks", br);
        acd_json_push(arr, o);
    }
    return arr;
}

static json_t *
coverage_json(const struct acd_schedule_result *s)
{
    json_t *arr = acd_json_check(json_array());
    for (size_t b = 0; b < s->n_bins; b++) {
        for (size_t g = 0; g < s->n_groups; g++) {
            size_t i = b * s->n_groups + g;
            json_t *o = acd_json_check(json_object());
            acd_json_set(o, "interval", jinterval(s, b));
            acd_json_set(o, "group", acd_json_str(group_name(s, g)));
            acd_json_set(o, "rostered", json_boolean(s->scheduled_group[g]));
            bool in = s->scheduled_group[g], has = in && s->roster;
            acd_json_set(o, "required", in ? acd_json_real(s->required_phones[i]) : json_null());
            acd_json_set(o, "required_scheduled", in ? acd_json_real(s->required[i]) : json_null());
            acd_json_set(o, "scheduled",
                         has ? acd_json_real(s->roster->scheduled[i]) : json_null());
            acd_json_set(o, "on_phones", has ? acd_json_real(s->roster->coverage[i]) : json_null());
            acd_json_push(arr, o);
        }
    }
    return arr;
}

static json_t *
rounds_json(const struct acd_schedule_result *s)
{
    json_t *arr = acd_json_check(json_array());
    for (size_t r = 0; r < s->n_rounds; r++) {
        const struct acd_schedule_round *rd = &s->rounds[r];
        json_t *o = acd_json_check(json_object());
        acd_json_set(o, "solver", acd_json_str(solver_name(rd->solver)));
        acd_json_set(o, "roster_cost", acd_json_real(rd->roster_cost));
        acd_json_set(o, "cost", acd_json_real(rd->cost));
        acd_json_set(o, "missed", json_integer((json_int_t)rd->missed));
        acd_json_set(o, "raised", json_integer((json_int_t)rd->raised));
        acd_json_push(arr, o);
    }
    return arr;
}

/* Where the status points: an interval (and a group for UNCOVERED). */
static json_t *
where_json(const struct acd_schedule_result *s)
{
    bool uncovered = s->status == ACD_SCHEDULE_UNCOVERED;
    if ((!uncovered && s->status != ACD_SCHEDULE_NO_STAFFING) || s->bad_bin >= s->n_bins)
        return NULL;
    json_t *o = acd_json_check(json_object());
    acd_json_set(o, "interval", jinterval(s, s->bad_bin));
    if (uncovered && s->bad_group < s->n_groups)
        acd_json_set(o, "group", acd_json_str(group_name(s, s->bad_group)));
    return o;
}

static json_t *
result_json(const struct acd_schedule_result *s)
{
    const struct acd_staff_targets *t = targets_of(s);
    json_t *root = acd_json_check(json_object());
    acd_json_set(root, "scenario", acd_json_str(s->sc->name));
    acd_json_set(root, "seed", json_integer(0)); /* the uint64 goes in as text: acd_json_dump */
    acd_json_set(root, "replications", json_integer(s->staff ? s->staff->replications : 0));
    acd_json_set(root, "status", acd_json_str(acd_schedule_status_name(s->status)));
    json_t *where = where_json(s);
    if (where)
        acd_json_set(root, "where", where);
    acd_json_set(root, "targets", acd_staff_targets_json(t, s->sc));
    acd_json_set(root, "roster", roster_json(s));
    acd_json_set(root, "coverage", coverage_json(s));
    json_t *ivs = acd_json_check(json_array());
    for (size_t b = 0; simulated(s) && b < s->n_bins; b++) {
        json_t *o = acd_json_check(json_object());
        acd_json_set(o, "interval", jinterval(s, b));
        acd_staff_interval_json(o, &s->kpi[b], t);
        acd_json_push(ivs, o);
    }
    acd_json_set(root, "intervals", ivs);
    acd_json_set(root, "achieved",
                 simulated(s) ? acd_staff_achieved_json(&s->whole, t) : json_null());
    acd_json_set(root, "costs", simulated(s) ? acd_staff_costs_json(&s->whole) : json_null());
    acd_json_set(root, "cost", acd_json_real(s->cost));
    acd_json_set(root, "agent_hours", acd_json_real(s->agent_hours));
    acd_json_set(root, "requirement_cost", acd_json_real(s->requirement_cost));
    acd_json_set(root, "requirement_agent_hours", acd_json_real(s->requirement_agent_hours));
    acd_json_set(root, "cost_of_rostering", acd_json_real(s->cost_of_rostering));
    acd_json_set(root, "rounds", rounds_json(s));
    acd_json_set(root, "solver_gap", s->roster ? acd_json_real(s->roster->gap) : json_null());
    acd_json_set(root, "wall_s", acd_json_real(s->wall_s));
    return root;
}

char *
acd_schedule_json_string(const struct acd_schedule_result *s)
{
    ACD_ASSERT(s->sc && s->n_groups == s->sc->n_groups);
    return acd_json_dump(result_json(s), true, s->staff ? s->staff->seed : 0);
}

static int
write_json(FILE *out, const struct acd_schedule_result *s)
{
    return acd_json_put(out, acd_schedule_json_string(s));
}

/* -------------------------------------------------------------------- csv */

static int
write_csv(FILE *out, const struct acd_schedule_result *s)
{
    fputs("template,group,start,end,count,breaks\n", out);
    for (size_t i = 0; i < n_lines(s); i++) {
        const struct acd_roster_line *l = &s->roster->lines[i];
        const struct acd_shift_template *t = line_template(s, l);
        char a[32], b[32];
        acd_report_csv_field(out, t->name);
        fputc(',', out);
        acd_report_csv_field(out, group_name(s, l->group));
        fprintf(out, ",%s,%s,%u,", acd_units_format_clock(l->start_s, a, sizeof(a)),
                acd_units_format_clock(l->start_s + t->length_s, b, sizeof(b)), l->count);
        char *br = breaks_text(s, l, '/', ";", true);
        acd_report_csv_field(out, br);
        free(br);
        fputc('\n', out);
    }
    return ferror(out) ? -1 : 0;
}

/* ------------------------------------------------------------------- text */

/* A name cut to NAME_W bytes for a table cell (whole UTF-8 characters). */
static char *
cut(const char *name, char *buf, size_t n)
{
    size_t max = n - 1 < NAME_W ? n - 1 : NAME_W, len = strlen(name);
    if (len > max) {
        len = max;
        while (len > 0 && ((unsigned char)name[len] & 0xC0) == 0x80)
            len--;
    }
    memcpy(buf, name, len);
    buf[len] = '\0';
    return buf;
}

static void
text_status(FILE *out, const struct acd_schedule_result *s)
{
    char at[32];
    fprintf(out, "\nStatus: %s - ", acd_schedule_status_name(s->status));
    switch (s->status) {
    case ACD_SCHEDULE_MET:
        fprintf(out, "the roster, simulated, meets every goal in every interval (%zu round%s).\n",
                s->n_rounds, s->n_rounds == 1 ? "" : "s");
        return;
    case ACD_SCHEDULE_UNMET: {
        size_t m = bins_missed(s);
        fprintf(out, "after %zu round%s %zu interval%s still miss%s a goal", s->n_rounds,
                s->n_rounds == 1 ? "" : "s", m, m == 1 ? "" : "s", m == 1 ? "es" : "");
        const char *sep = ": ";
        for (size_t b = 0; simulated(s) && b < s->n_bins; b++) {
            if (s->kpi[b].met)
                continue;
            fprintf(out, "%s%s", sep, bin_label(s, b, at, sizeof(at)));
            sep = ", ";
        }
        fputs(".\n", out);
        return;
    }
    case ACD_SCHEDULE_NO_STAFFING:
        fputs("no number of agents meets the goals", out);
        if (s->bad_bin < s->n_bins)
            fprintf(out, " at %s", bin_label(s, s->bad_bin, at, sizeof(at)));
        fputs(" (the requirement search); no roster can.\n", out);
        return;
    case ACD_SCHEDULE_UNCOVERED:
        if (s->bad_group < s->n_groups && s->bad_bin < s->n_bins) {
            acd_escape_fputs(group_name(s, s->bad_group), out);
            fprintf(out, " needs agents at %s that no shift template can staff.\n",
                    bin_label(s, s->bad_bin, at, sizeof(at)));
        } else {
            fputs("an interval needs agents that no shift template can staff.\n", out);
        }
        return;
    case ACD_SCHEDULE_INFEASIBLE:
        fputs("the templates' min and max counts leave no roster.\n", out);
        return;
    case ACD_SCHEDULE_SOLVER:
        fputs("the integer program found no roster within its time limit.\n", out);
        return;
    }
}

/* The roster: one row per line, totals last. */
static void
text_roster(FILE *out, const struct acd_schedule_result *s)
{
    enum { SHIFT = 13, AGENTS = 7, GAP = 2 };
    if (!s->roster) {
        fputs("\nNo roster.\n", out);
        return;
    }
    int wt = 8, wg = 5; /* "Template", "Group" */
    for (size_t i = 0; i < n_lines(s); i++) {
        const struct acd_roster_line *l = &s->roster->lines[i];
        char name[NAME_W + 1];
        int n = acd_display_columns(cut(line_template(s, l)->name, name, sizeof(name)));
        wt = n > wt ? n : wt;
        n = acd_display_columns(cut(group_name(s, l->group), name, sizeof(name)));
        wg = n > wg ? n : wg;
    }
    fprintf(out, "\nRoster (%zu line%s)\n\n", n_lines(s), n_lines(s) == 1 ? "" : "s");
    acd_display_put_left(out, "Template", wt + GAP);
    acd_display_put_left(out, "Group", wg + GAP);
    acd_display_put_left(out, "Shift", SHIFT);
    acd_display_put_right(out, "Agents", AGENTS);
    fputs("  Breaks\n", out);
    unsigned total = 0;
    for (size_t i = 0; i < n_lines(s); i++) {
        const struct acd_roster_line *l = &s->roster->lines[i];
        const struct acd_shift_template *t = line_template(s, l);
        char name[NAME_W + 1], a[32], b[32], span[80], n[NUM_BUF];
        acd_display_put_left(out, cut(t->name, name, sizeof(name)), wt + GAP);
        acd_display_put_left(out, cut(group_name(s, l->group), name, sizeof(name)), wg + GAP);
        snprintf(span, sizeof(span), "%s\u2013%s", acd_units_format_clock(l->start_s, a, sizeof(a)),
                 acd_units_format_clock(l->start_s + t->length_s, b, sizeof(b)));
        acd_display_put_left(out, span, SHIFT);
        snprintf(n, sizeof(n), "%u", l->count);
        acd_display_put_right(out, n, AGENTS);
        char *br = breaks_text(s, l, ' ', ", ", false);
        fprintf(out, "  %s\n", *br ? br : "-");
        free(br);
        total += l->count;
    }
    char n[NUM_BUF];
    acd_display_put_left(out, "Total", wt + GAP + wg + GAP + SHIFT);
    snprintf(n, sizeof(n), "%u", total);
    acd_display_put_right(out, n, AGENTS);
    fprintf(out, "  %.1f paid agent-hours\n", s->roster->paid_hours);
}

/* Per interval x group: the requirement and what the roster gives. */
static void
text_coverage(FILE *out, const struct acd_schedule_result *s)
{
    enum { LABEL = 9, COL = 12, GAP = 2 };
    if (!s->roster)
        return;
    int wg = 5;
    for (size_t g = 0; g < s->n_groups; g++) {
        char name[NAME_W + 1];
        int n = acd_display_columns(cut(group_name(s, g), name, sizeof(name)));
        wg = n > wg ? n : wg;
    }
    fputs("\nCoverage per interval and rostered group: agents required on the phones and\n"
          "scheduled (on the phones / (1 - shrinkage)), the roster's agents on shift and on\n"
          "the phones (time averages; breaks are off the phones)\n\n",
          out);
    acd_display_put_left(out, "Interval", LABEL);
    acd_display_put_left(out, "Group", wg + GAP);
    acd_display_put_right(out, "Req. phones", COL);
    acd_display_put_right(out, "Req. sched.", COL);
    acd_display_put_right(out, "On shift", COL);
    acd_display_put_right(out, "On phones", COL);
    fputc('\n', out);
    for (size_t b = 0; b < s->n_bins; b++) {
        bool first = true;
        for (size_t g = 0; g < s->n_groups; g++) {
            if (!s->scheduled_group[g])
                continue; /* listed as not rostered */
            size_t i = b * s->n_groups + g;
            char label[32], name[NAME_W + 1], v[NUM_BUF];
            acd_display_put_left(out, first ? bin_label(s, b, label, sizeof(label)) : "", LABEL);
            first = false;
            acd_display_put_left(out, cut(group_name(s, g), name, sizeof(name)), wg + GAP);
            acd_display_put_right(out, acd_display_agents(s->required_phones[i], v, sizeof(v)),
                                  COL);
            acd_display_put_right(out, acd_display_agents(s->required[i], v, sizeof(v)), COL);
            double on = s->roster->coverage[i];
            acd_display_put_right(out, acd_display_agents(s->roster->scheduled[i], v, sizeof(v)),
                                  COL);
            acd_display_put_right(out, acd_display_agents(on, v, sizeof(v)), COL);
            /* Short of the requirement on the phones: say so. */
            fputs(on + 1e-9 < s->required_phones[i] ? "  short\n" : "\n", out);
        }
    }
}

static void
text_costs(FILE *out, const struct acd_schedule_result *s)
{
    enum { LABEL = 34, COL = 14 };
    fputc('\n', out);
    const struct {
        const char *what;
        double x;
        int decimals;
        bool roster; /* a figure of the roster's */
    } rows[] = {
        {"Roster cost", s->cost, 2, true},
        {"Paid agent-hours", s->agent_hours, 1, true},
        {"Requirement cost (per interval)", s->requirement_cost, 2, false},
        {"Requirement paid agent-hours", s->requirement_agent_hours, 1, false},
        {"Cost of rostering", s->cost_of_rostering, 2, true},
    };
    if (s->status == ACD_SCHEDULE_NO_STAFFING)
        return; /* no requirement, no roster */
    for (size_t i = 0; i < ACD_ARRAY_LEN(rows); i++) {
        if (rows[i].roster && !simulated(s))
            continue;
        char v[NUM_BUF];
        acd_display_put_left(out, rows[i].what, LABEL);
        acd_display_put_right(out, acd_display_grouped(rows[i].x, rows[i].decimals, v, sizeof(v)),
                              COL);
        fputc('\n', out);
    }
    if (s->requirement_cost > 0 && simulated(s)) {
        char v[NUM_BUF];
        fprintf(out, "(the roster costs %s more than staffing each interval exactly)\n",
                acd_display_value(ACD_DISPLAY_SHARE, s->cost_of_rostering / s->requirement_cost, 0,
                                  v, sizeof(v)));
    }
}

static void
text_rounds(FILE *out, const struct acd_schedule_result *s)
{
    enum { COL = 14 };
    if (s->n_rounds == 0)
        return;
    fputs("\nRounds of the closed loop (solve the roster, simulate it, raise the intervals\n"
          "missing a goal)\n\n",
          out);
    acd_display_put_right(out, "Round", 5);
    acd_display_put_right(out, "Solver", 12);
    acd_display_put_right(out, "Roster obj.", COL);
    acd_display_put_right(out, "Sim. cost", COL);
    acd_display_put_right(out, "Missed", 8);
    acd_display_put_right(out, "Raised", 8);
    fputc('\n', out);
    for (size_t r = 0; r < s->n_rounds; r++) {
        const struct acd_schedule_round *rd = &s->rounds[r];
        char v[NUM_BUF];
        snprintf(v, sizeof(v), "%zu", r + 1);
        acd_display_put_right(out, v, 5);
        acd_display_put_right(out, solver_name(rd->solver), 12);
        acd_display_put_right(out, acd_display_grouped(rd->roster_cost, 2, v, sizeof(v)), COL);
        acd_display_put_right(out, acd_display_grouped(rd->cost, 2, v, sizeof(v)), COL);
        snprintf(v, sizeof(v), "%zu", rd->missed);
        acd_display_put_right(out, v, 8);
        snprintf(v, sizeof(v), "%zu", rd->raised);
        acd_display_put_right(out, v, 8);
        fputc('\n', out);
    }
}

static int
write_text(FILE *out, const struct acd_schedule_result *s)
{
    ACD_ASSERT(s->sc && s->n_groups == s->sc->n_groups);
    fputs("Schedule: ", out);
    acd_escape_fputs(scenario_name(s), out);
    fputc('\n', out);
    acd_staff_text_targets(out, targets_of(s), s->sc);
    if (s->staff)
        fprintf(out, "%u replication%s, seed %" PRIu64 "\n", s->staff->replications,
                acd_plural(s->staff->replications), s->staff->seed);
    text_status(out, s);
    text_roster(out, s);
    const char *sep = "\nNot rostered (held, or no template staffs them): ";
    for (size_t g = 0; g < s->n_groups; g++)
        if (!s->scheduled_group[g]) {
            fputs(sep, out);
            acd_escape_fputs(group_name(s, g), out);
            sep = ", ";
        }
    if (sep[0] == ',')
        fputc('\n', out);
    text_coverage(out, s);
    if (simulated(s)) {
        struct acd_setup st;
        acd_setup_from_scenario(&st, s->sc);
        acd_staff_text_achieved(out, "Achieved per interval by the roster", s->kpi, s->n_bins,
                                &s->whole, targets_of(s), &st);
        acd_setup_fini(&st);
    }
    text_costs(out, s);
    text_rounds(out, s);
    if (s->roster && s->roster->gap > 0) {
        char v[NUM_BUF];
        fprintf(out, "The last roster is within %s of the optimum (the solver's time limit).\n",
                acd_display_value(ACD_DISPLAY_SHARE, s->roster->gap, 0, v, sizeof(v)));
    }
    fprintf(out, "Wall time %.1f s\n", s->wall_s);
    return ferror(out) ? -1 : 0;
}

/* ---------------------------------------------------------------- formats */

static const struct acd_schedule_format format_text = {"text", write_text};
static const struct acd_schedule_format format_json = {"json", write_json};
static const struct acd_schedule_format format_csv = {"csv", write_csv};

const struct acd_schedule_format *const acd_schedule_formats[] = {&format_text, &format_json,
                                                                  &format_csv, NULL};

const struct acd_schedule_format *
acd_schedule_format_find(const char *name)
{
    for (size_t i = 0; acd_schedule_formats[i]; i++)
        if (strcmp(acd_schedule_formats[i]->name, name) == 0)
            return acd_schedule_formats[i];
    return NULL;
}

/* ----------------------------------------------------------------- charts */

/* The groups a roster staffs: the coverage chart's panels. */
static size_t
rostered(const struct acd_schedule_result *s, size_t *which)
{
    size_t n = 0;
    for (size_t g = 0; g < s->n_groups; g++)
        if (s->scheduled_group[g])
            which[n++] = g;
    return n;
}

/* The strings of a variable array (acd_plot_array's get). */
struct names {
    const struct acd_schedule_result *s;
    const size_t *idx;
    char **own; /* when not NULL: the strings themselves */
};

static const char *
name_at(const void *ud, size_t i)
{
    const struct names *n = ud;
    return n->own ? n->own[i] : group_name(n->s, n->idx[i]);
}

/* The variables every schedule chart sets (without the run's). */
static void
day_vars(FILE *f, const struct acd_schedule_result *s)
{
    fputs("scenario = ", f);
    acd_plot_string(f, scenario_name(s));
    fputc('\n', f);
    fputs("day = 1\n", f);
    acd_plot_var(f, "open_s", s->sc->open_s);
    acd_plot_var(f, "close_s", s->sc->open_s + (double)s->n_bins * s->sc->interval_s);
    acd_plot_var(f, "interval_s", s->sc->interval_s);
    fprintf(f, "n_bins = %zu\n", s->n_bins);
}

/* coverage.gp's data: one line per bin, its start, then per rostered
 * group (panel) p: required on the phones, the roster's agents on the
 * phones, on shift, and required scheduled; a last line at closing time
 * repeats the last bin (the steps' end). */
static char *
coverage_data(const struct acd_schedule_result *s, const size_t *which, size_t n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = acd_xmemstream_open(&buf, &len);
    for (size_t b = 0; b <= s->n_bins && s->n_bins > 0; b++) {
        acd_plot_num(f, s->sc->open_s + (double)b * s->sc->interval_s);
        size_t bin = b < s->n_bins ? b : s->n_bins - 1;
        for (size_t p = 0; p < n; p++) {
            size_t i = bin * s->n_groups + which[p];
            acd_plot_num(f, s->required_phones[i]);
            acd_plot_num(f, s->roster->coverage[i]);
            acd_plot_num(f, s->roster->scheduled[i]);
            acd_plot_num(f, s->required[i]);
        }
        fputc('\n', f);
    }
    acd_xmemstream_close(f);
    return buf;
}

static char *
coverage_vars(const struct acd_schedule_result *s, const size_t *which, size_t n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = acd_xmemstream_open(&buf, &len);
    day_vars(f, s);
    const struct names nm = {s, which, NULL};
    acd_plot_array(f, "panels", n, name_at, &nm);
    acd_xmemstream_close(f);
    return buf;
}

/* gantt.gp's data. Block 0, one line per roster line (top first): its
 * row y, shift start and end (s after midnight), the group's line type.
 * Block 1, one line per break: row y, start, end, 1 if paid else 0. */
static char *
gantt_data(const struct acd_schedule_result *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = acd_xmemstream_open(&buf, &len);
    size_t n = n_lines(s);
    for (size_t i = 0; i < n; i++) {
        const struct acd_roster_line *l = &s->roster->lines[i];
        acd_plot_num(f, (double)(n - i));
        acd_plot_num(f, l->start_s);
        acd_plot_num(f, l->start_s + line_template(s, l)->length_s);
        acd_plot_num(f, (double)(l->group + 1));
        fputc('\n', f);
    }
    if (n == 0)
        fputs(" NaN NaN NaN NaN\n", f);
    fputs("\n\n", f);
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        const struct acd_roster_line *l = &s->roster->lines[i];
        const struct acd_shift_template *t = line_template(s, l);
        for (size_t k = 0; k < t->n_breaks; k++) {
            acd_plot_num(f, (double)(n - i));
            acd_plot_num(f, break_start(l, k));
            acd_plot_num(f, break_start(l, k) + t->breaks[k].length_s);
            acd_plot_num(f, t->breaks[k].unpaid ? 0 : 1);
            fputc('\n', f);
            any = true;
        }
    }
    if (!any) /* an empty block is a gnuplot error */
        fputs(" NaN NaN NaN NaN\n", f);
    acd_xmemstream_close(f);
    return buf;
}

static char *
gantt_vars(const struct acd_schedule_result *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = acd_xmemstream_open(&buf, &len);
    day_vars(f, s);
    size_t n = n_lines(s);
    double lo = s->sc->open_s, hi = s->sc->open_s + (double)s->n_bins * s->sc->interval_s;
    bool paid = false, unpaid = false;
    char **labels = acd_xcalloc(n ? n : 1, sizeof(*labels));
    for (size_t i = 0; i < n; i++) {
        const struct acd_roster_line *l = &s->roster->lines[i];
        const struct acd_shift_template *t = line_template(s, l);
        lo = l->start_s < lo ? l->start_s : lo;
        hi = l->start_s + t->length_s > hi ? l->start_s + t->length_s : hi;
        for (size_t k = 0; k < t->n_breaks; k++) {
            paid = paid || !t->breaks[k].unpaid;
            unpaid = unpaid || t->breaks[k].unpaid;
        }
        labels[i] = acd_xasprintf("%s %s \u00d7%u", t->name, group_name(s, l->group), l->count);
    }
    acd_plot_var(f, "x_lo", lo);
    acd_plot_var(f, "x_hi", hi);
    fprintf(f, "has_paid = %d\nhas_unpaid = %d\n", paid, unpaid);
    const struct names nm = {s, NULL, labels};
    acd_plot_tic_array(f, "line_tics", n, name_at, &nm);
    for (size_t i = 0; i < n; i++)
        free(labels[i]);
    free(labels);
    /* The groups' names for the key, with the line types of the run. */
    size_t *all = acd_xcalloc(s->n_groups ? s->n_groups : 1, sizeof(*all));
    size_t ng = 0;
    for (size_t g = 0; g < s->n_groups; g++) {
        bool used = false;
        for (size_t i = 0; i < n && !used; i++)
            used = s->roster->lines[i].group == g;
        if (used)
            all[ng++] = g;
    }
    const struct names gn = {s, all, NULL};
    acd_plot_array(f, "key_groups", ng, name_at, &gn);
    fprintf(f, "array key_lt[%zu] = [", ng ? ng : 1);
    for (size_t i = 0; i < ng; i++)
        fprintf(f, "%s%zu", i ? ", " : "", all[i] + 1);
    fputs(ng ? "]\n" : "1]\n", f);
    free(all);
    acd_xmemstream_close(f);
    return buf;
}

/* ------------------------------------------------------------------- page */

/* index.html of `schedule --out`: titled as the recommendation, opening
 * with the schedule's summary, roster and coverage; then the roster's
 * full report (the run's page). */
struct schedule_page {
    const struct acd_schedule_result *s;
    const struct acd_results *plan;
    char *title;
};

static void
page_row(FILE *out, const char *what, const char *value)
{
    fputs("<tr><th scope=\"row\">", out);
    acd_html_put_escaped(out, what);
    fputs("</th>", out);
    acd_staff_html_cell(out, value, NULL);
    fputs("</tr>\n", out);
}

static void
page_status(FILE *out, const struct acd_schedule_result *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = acd_xmemstream_open(&buf, &len);
    text_status(f, s);
    acd_xmemstream_close(f);
    enum acd_verdict v = s->status == ACD_SCHEDULE_MET ? ACD_VERDICT_MET : ACD_VERDICT_MISSED;
    fprintf(out, "<p class=\"lead %s\">%s ", acd_verdict_looks[v].cls, acd_verdict_looks[v].mark);
    acd_html_put_escaped(out, buf + (buf[0] == '\n'));
    fputs("</p>\n", out);
    free(buf);
}

static void
page_summary(FILE *out, const struct acd_schedule_result *s)
{
    char v[NUM_BUF];
    fputs("<h2>Schedule</h2>\n", out);
    page_status(out, s);
    fputs("<p class=\"lead\">The roster: the cheapest shifts of the scenario's templates, breaks "
          "placed, that cover the requirement (the fewest agents on the phones per interval and "
          "group meeting the goals, grossed up by the shrinkage), proven by simulation. The "
          "requirement's cost is what staffing every interval exactly would cost; the cost of "
          "rostering is the difference.</p>\n",
          out);
    fputs("<div class=\"scroll\"><table id=\"schedule-costs\">\n<tbody>\n", out);
    page_row(out, "Roster cost", acd_display_grouped(s->cost, 2, v, sizeof(v)));
    page_row(out, "Requirement cost", acd_display_grouped(s->requirement_cost, 2, v, sizeof(v)));
    page_row(out, "Cost of rostering", acd_display_grouped(s->cost_of_rostering, 2, v, sizeof(v)));
    page_row(out, "Paid agent-hours (roster)",
             acd_display_grouped(s->agent_hours, 1, v, sizeof(v)));
    page_row(out, "Paid agent-hours (requirement)",
             acd_display_grouped(s->requirement_agent_hours, 1, v, sizeof(v)));
    snprintf(v, sizeof(v), "%zu", s->n_rounds);
    page_row(out, "Rounds of the closed loop", v);
    fputs("</tbody></table></div>\n", out);
}

static void
page_roster(FILE *out, const struct acd_schedule_result *s)
{
    if (!s->roster)
        return;
    fputs("<h3>Roster</h3>\n<div class=\"scroll\"><table id=\"roster\">\n<thead><tr>"
          "<th scope=\"col\">Template</th><th scope=\"col\">Group</th><th scope=\"col\">Start</th>"
          "<th scope=\"col\">End</th><th scope=\"col\">Agents</th><th scope=\"col\">Breaks</th>"
          "</tr></thead>\n<tbody>\n",
          out);
    unsigned total = 0;
    for (size_t i = 0; i < n_lines(s); i++) {
        const struct acd_roster_line *l = &s->roster->lines[i];
        const struct acd_shift_template *t = line_template(s, l);
        char a[32], n[NUM_BUF];
        fputs("<tr>", out);
        acd_staff_html_cell(out, t->name, NULL);
        acd_staff_html_cell(out, group_name(s, l->group), NULL);
        acd_staff_html_cell(out, acd_units_format_clock(l->start_s, a, sizeof(a)), NULL);
        acd_staff_html_cell(out, acd_units_format_clock(l->start_s + t->length_s, a, sizeof(a)),
                            NULL);
        snprintf(n, sizeof(n), "%u", l->count);
        acd_staff_html_cell(out, n, NULL);
        char *br = breaks_text(s, l, ' ', ", ", false);
        acd_staff_html_cell(out, *br ? br : "-", NULL);
        free(br);
        fputs("</tr>\n", out);
        total += l->count;
    }
    fprintf(out, "<tr><th scope=\"row\" colspan=\"4\">Total</th><td>%u</td><td></td></tr>\n",
            total);
    fputs("</tbody></table></div>\n", out);
}

static void
page_coverage(FILE *out, const struct acd_schedule_result *s)
{
    if (!s->roster)
        return;
    fputs("<h3>Coverage</h3>\n<div class=\"scroll\"><table id=\"coverage\">\n<thead><tr>"
          "<th scope=\"col\">Interval</th><th scope=\"col\">Group</th>"
          "<th scope=\"col\">Required on the phones</th><th scope=\"col\">Required scheduled</th>"
          "<th scope=\"col\">Roster on shift</th><th scope=\"col\">Roster on the phones</th>"
          "</tr></thead>\n<tbody>\n",
          out);
    for (size_t b = 0; b < s->n_bins; b++) {
        for (size_t g = 0; g < s->n_groups; g++) {
            if (!s->scheduled_group[g])
                continue;
            size_t i = b * s->n_groups + g;
            char label[32], v[NUM_BUF];
            double on = s->roster->coverage[i];
            enum acd_verdict vd =
                on + 1e-9 < s->required_phones[i] ? ACD_VERDICT_MISSED : ACD_VERDICT_MET;
            fputs("<tr>", out);
            acd_staff_html_cell(out, bin_label(s, b, label, sizeof(label)), NULL);
            acd_staff_html_cell(out, group_name(s, g), NULL);
            acd_staff_html_cell(out, acd_display_agents(s->required_phones[i], v, sizeof(v)), NULL);
            acd_staff_html_cell(out, acd_display_agents(s->required[i], v, sizeof(v)), NULL);
            acd_staff_html_cell(out, acd_display_agents(s->roster->scheduled[i], v, sizeof(v)),
                                NULL);
            acd_staff_html_cell(out, acd_display_agents(on, v, sizeof(v)),
                                acd_verdict_looks[vd].cls);
            fputs("</tr>\n", out);
        }
    }
    fputs("</tbody></table></div>\n<p class=\"note\">The roster per line: schedule.csv, "
          "roster.yaml (the scenario with these shifts, for <code>acdsim run</code>); the "
          "roster's full report follows.</p>\n",
          out);
}

/* The roster beside the scenario's current plan (as the staffing page
 * shows recommended and current). */
static void
page_plans(FILE *out, const struct acd_schedule_result *s)
{
    if (!simulated(s))
        return;
    const struct acd_staff_result *st = s->staff;
    size_t nb = s->n_bins, ng = s->n_groups;
    double *ros = acd_xcalloc(nb ? nb : 1, sizeof(double));
    double *cur = acd_xcalloc(nb ? nb : 1, sizeof(double));
    for (size_t b = 0; b < nb; b++)
        for (size_t g = 0; g < ng; g++) {
            size_t i = b * ng + g;
            ros[b] += s->scheduled_group[g]   ? s->roster->coverage[i]
                      : s->sc->groups[g].held ? st->current[i]
                                              : st->agents[i];
            cur[b] += st->current[i];
        }
    const struct acd_staff_plan_view views[2] = {
        {"Roster", ros, s->kpi, &s->whole, s->agent_hours, s->cost},
        {"Current", cur, st->kpi_current, &st->achieved_current, st->current_agent_hours,
         st->current_cost},
    };
    fputs("<h3>The roster and the current plan</h3>\n<p class=\"lead\">The current plan: the "
          "scenario's own staffing, simulated with the same replications and seeds. Agents on "
          "the phones are time averages over the interval (breaks excluded).</p>\n",
          out);
    acd_staff_page_plans(out, s->sc, targets_of(s), nb, &views[0], &views[1],
                         "Shifts: the roster below, schedule.csv, roster.yaml; the roster's full "
                         "report follows.");
    free(ros);
    free(cur);
}

static void
page_lead(FILE *out, const void *ud)
{
    const struct schedule_page *pg = ud;
    page_summary(out, pg->s);
    page_plans(out, pg->s);
    page_roster(out, pg->s);
    page_coverage(out, pg->s);
}

static int
schedule_page_write(FILE *out, const void *ud, const struct acd_charts *charts)
{
    const struct schedule_page *pg = ud;
    const struct acd_html_lead lead = {
        .title = pg->title,
        .kicker = "acdsim \u00b7 schedule recommendation",
        .nav_label = "Schedule",
        .overview_title = "The roster simulated",
        .put = page_lead,
        .ud = pg,
    };
    return acd_html_write_led(out, pg->plan, charts, &lead);
}

/* ----------------------------------------------------------------- folder */

char *
acd_schedule_roster_yaml(const struct acd_schedule_result *s, const char *scenario_yaml, size_t len,
                         struct acd_diags *diags)
{
    if (!s->plan || !s->roster)
        return NULL;
    /* No date: the same schedule writes the same file. */
    const struct acd_staff_targets *t = targets_of(s);
    unsigned reps = s->staff ? s->staff->replications : 0;
    char *comment = acd_xasprintf(
        "Shift roster by acdsim schedule for %s\nfrom %s (seed %" PRIu64
        ", %u replication%s; status %s).\nOnly the shifts and agents of the scheduled groups "
        "differ from the original file; its\nopening comments, which described the original "
        "staffing, are left out.",
        s->sc->name && *s->sc->name ? s->sc->name : "the scenario",
        s->sc->path ? s->sc->path : "the scenario", s->staff ? s->staff->seed : 0, reps,
        acd_plural(reps), acd_schedule_status_name(s->status));
    char *name =
        acd_xasprintf("%s (roster)", s->sc->name && *s->sc->name ? s->sc->name : "scenario");
    char *base = acd_staff_scenario_dir(s->sc);
    char *yaml = NULL;
    acd_scenario_patch_roster(scenario_yaml, len, s->sc->path, base, s->plan, s->scheduled_group,
                              s->staff ? t : NULL, comment, name, &yaml, diags);
    free(name);
    free(base);
    free(comment);
    return yaml;
}

int
acd_schedule_write_out(const char *dir, const struct acd_schedule_result *s,
                       const struct acd_results *plan_results, const char *roster_yaml, FILE *err)
{
    ACD_ASSERT(s->sc && s->n_groups == s->sc->n_groups);
    struct acd_outdir_text files[3];
    size_t nf = 0;
    char *json = acd_schedule_json_string(s);
    files[nf++] = (struct acd_outdir_text){"schedule.json", json, strlen(json)};
    char *csv = NULL;
    size_t csv_len = 0;
    FILE *f = acd_xmemstream_open(&csv, &csv_len);
    write_csv(f, s);
    acd_xmemstream_close(f);
    files[nf++] = (struct acd_outdir_text){"schedule.csv", csv, csv_len};
    if (roster_yaml)
        files[nf++] = (struct acd_outdir_text){"roster.yaml", roster_yaml, strlen(roster_yaml)};

    /* The charts, when there is a roster to draw. */
    size_t *which = acd_xcalloc(s->n_groups ? s->n_groups : 1, sizeof(*which));
    size_t np = rostered(s, which);
    struct acd_plot_extra charts[2];
    size_t nc = 0;
    char *cov_data = NULL, *cov_vars = NULL, *gantt_d = NULL, *gantt_v = NULL;
    if (s->roster && np > 0) {
        cov_data = coverage_data(s, which, np);
        cov_vars = coverage_vars(s, which, np);
        charts[nc++] = (struct acd_plot_extra){
            .name = "coverage",
            .title = "Requirement and the roster's coverage per interval and group",
            .script = acd_plot_coverage_text,
            .data = cov_data,
            .vars = cov_vars,
        };
    }
    if (n_lines(s) > 0) {
        gantt_d = gantt_data(s);
        gantt_v = gantt_vars(s);
        charts[nc++] = (struct acd_plot_extra){
            .name = "gantt",
            .title = "The roster's shifts and breaks",
            .script = acd_plot_gantt_text,
            .data = gantt_d,
            .vars = gantt_v,
        };
    }
    struct schedule_page page = {
        .s = s,
        .plan = plan_results,
        .title = acd_xasprintf("Schedule recommendation: %s", scenario_name(s)),
    };
    const struct acd_outdir_extra extra = {.n_files = nf,
                                           .files = files,
                                           .n_charts = nc,
                                           .charts = charts,
                                           .page = plan_results ? schedule_page_write : NULL,
                                           .page_ud = &page};
    struct acd_report_opts o = {0};
    int rc = acd_outdir_write(dir, plan_results, &o, &extra, err);
    free(page.title);
    free(cov_data);
    free(cov_vars);
    free(gantt_d);
    free(gantt_v);
    free(which);
    free(csv);
    free(json);
    return rc;
}
