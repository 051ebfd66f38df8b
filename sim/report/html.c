/*
 * html: the report folder's index.html, one self-contained page for people
 * who would rather look than read: the scenario, the targets verdict, the
 * service level per interval (met / missed), the KPI table with confidence
 * intervals, the charts inlined as SVG and the Erlang comparison.
 *
 * The page has no JavaScript and no external asset: the CSS is inline, the
 * charts are gnuplot's SVG documents copied into the page (made fit for
 * it by svg.c), fonts are the system's. Every name that comes from the scenario or from gnuplot is
 * escaped. Nothing here depends on the time of writing, so the same results
 * give the same bytes.
 *
 * Reads struct acd_results only (the scenario's facts from its setup,
 * run.h); numbers look as in the text report (display.h: shares as
 * percentages with their CI in percentage points, times in seconds) and
 * the targets are judged by the same rule (verdict.h). Which metric rows
 * appear follows the text report too: core metrics always, feature
 * metrics only when the scenario uses the feature (setup.features).
 */
#include "html.h"
#include "display.h"
#include "report.h"
#include "svg.h"
#include "units.h"
#include "util.h"
#include "verdict.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* A buffer for one formatted number ("81.2%", "± 1.3", "12,345"). */
#define NUM_BUF 64

/* ---------------------------------------------------------------- escaping */

/* HTML escapes by byte; NULL: the byte stands for itself. Quotes are
 * escaped everywhere so the same helper serves text and attribute values.
 * A control character other than a blank (tab, newline, carriage return)
 * is not allowed in HTML, nor a C1 control: it shows as its escape, as in
 * the text report (escape.h: ESC is "\x1b"). */
static const char *const escapes[256] = {
    ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;",
};

static void
put_esc_n(FILE *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *e = escapes[c];
        if (e)
            fputs(e, out);
        else if ((c < 0x20 && !strchr("\t\n\r", c)) || c == 0x7f)
            fprintf(out, "\\x%02x", c);
        else if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
                 (unsigned char)s[i + 1] <= 0x9f)
            fprintf(out, "\\u%04x", (unsigned char)s[++i]);
        else
            fputc(s[i], out);
    }
}

static void
put_esc(FILE *out, const char *s)
{
    if (s)
        put_esc_n(out, s, strlen(s));
}

/* ------------------------------------------------------------- formatting */

/* Numbers as in the text report (display.h), counts and plain numbers with
 * thousands separators: counts over a day run into the tens of thousands. */
static char *
format_mean(enum acd_metric m, double x, char *buf, size_t n)
{
    return acd_display_value(acd_display_metric_unit(m), x, ACD_DISPLAY_GROUPED, buf, n);
}

static char *
format_ci(enum acd_metric m, double ci, char *buf, size_t n)
{
    return acd_display_ci(acd_display_metric_unit(m), ci, ACD_DISPLAY_GROUPED, buf, n);
}

static char *
format_diff(enum acd_metric m, double d, char *buf, size_t n)
{
    return acd_display_diff(acd_display_metric_unit(m), d, buf, n);
}

/* ------------------------------------------------------------- verdicts */

static void
put_badge(FILE *out, enum acd_verdict v, const char *word)
{
    fprintf(out, "<span class=\"badge %s\"><span aria-hidden=\"true\">%s</span> %s</span>",
            acd_verdict_looks[v].cls, acd_verdict_looks[v].mark,
            word ? word : acd_verdict_looks[v].word);
}

/* ------------------------------------------------------------------ style */

/* One stylesheet, inline (sim/report/report.css, embedded at build time
 * by tools/embed.c, which names the array NAME_text): system fonts;
 * tabular figures so columns of numbers line up; tables scroll sideways
 * inside their card on a phone rather than widening the page, their first
 * column staying in view. */
extern const char acd_report_css_text[];

/* ------------------------------------------------------------ the parts */

/* Which metric rows the tables show, like the text report: core metrics
 * always, a feature metric only if the scenario uses one of its features.
 * Without a known setup, every row. */
static void
choose_rows(const struct acd_results *r, bool shown[ACD_METRIC_COUNT])
{
    unsigned used = r->setup.known ? r->setup.features : ~0u;
    for (int m = 0; m < ACD_METRIC_COUNT; m++)
        shown[m] = !acd_metrics[m].feature || (acd_metrics[m].feature & used);
}

static bool
is_money(enum acd_metric m)
{
    return m == ACD_M_COST || m == ACD_M_COST_PER_CALL;
}

/* "81.2% <span class=ci>± 1.3</span>" for a table cell or a card. */
static void
put_estimate(FILE *out, enum acd_metric m, const struct acd_estimate *e)
{
    char mean[NUM_BUF], ci[NUM_BUF];
    format_mean(m, e->mean, mean, sizeof(mean));
    format_ci(m, e->ci95, ci, sizeof(ci));
    if (!isfinite(e->mean)) {
        fprintf(out, "<span class=\"nil\">%s</span>", mean);
        return;
    }
    fputs(mean, out);
    if (*ci)
        fprintf(out, "<span class=\"ci\">%s</span>", ci);
}

static void
put_header(FILE *out, const struct acd_results *r, const struct acd_html_lead *lead)
{
    const struct acd_setup *st = &r->setup;
    char a[32], b[32], c[32];
    fputs("<header class=\"top\"><div class=\"wrap\">\n<p class=\"kicker\">", out);
    if (lead)
        put_esc(out, lead->kicker);
    else
        fputs("acdsim &#183; call center simulation report", out);
    fputs("</p>\n<h1>", out);
    if (lead)
        put_esc(out, lead->title);
    else
        put_esc(out, st->known && st->name && *st->name ? st->name : "Unnamed scenario");
    fputs("</h1>\n<p class=\"sub\">", out);
    if (st->known && st->n_days) /* a period (`days:`) */
        fprintf(out, "%zu operating day%s, %s to %s, in %zu intervals of %s", st->n_days,
                st->n_days == 1 ? "" : "s", st->days[0].label, st->days[st->n_days - 1].label,
                st->n_intervals, acd_units_format_duration(st->interval_s, c, sizeof(c)));
    else if (st->known && st->horizon == ACD_HORIZON_DAY)
        fprintf(out, "Operating day %s\u2013%s in %zu intervals of %s", /* en dash */
                acd_units_format_clock(st->open_s, a, sizeof(a)),
                acd_units_format_clock(st->close_s, b, sizeof(b)), st->n_intervals,
                acd_units_format_duration(st->interval_s, c, sizeof(c)));
    else if (st->known)
        fprintf(out, "Steady state, %s per replication (%s warm-up)",
                acd_units_format_duration(st->duration_s, a, sizeof(a)),
                acd_units_format_duration(st->warmup_s, b, sizeof(b)));
    fprintf(out, "%s%u replication%s &#183; seed %" PRIu64 "</p>\n</div></header>\n",
            st->known ? " &#183; " : "", r->replications, r->replications == 1 ? "" : "s", r->seed);
}

struct page {
    const struct acd_results *r;
    const struct acd_charts *charts;
    const struct acd_html_lead *lead; /* NULL: the run's own page */
    bool shown[ACD_METRIC_COUNT];
    struct acd_target targets[ACD_N_TARGETS];
    char sl_what[ACD_SL_WHAT];
};

static void
put_nav(FILE *out, const struct page *p)
{
    /* Anchors only: a table of contents that needs no script. */
    static const struct {
        const char *id, *label;
        bool erlang_only, days_only;
    } links[] = {
        {"overview", "Overview", false, false}, {"intervals", "Intervals", false, false},
        {"days", "Days", false, true},          {"kpis", "Key figures", false, false},
        {"charts", "Charts", false, false},     {"erlang", "Erlang check", true, false},
    };
    fputs("<nav class=\"toc\" aria-label=\"Sections\"><div class=\"wrap\">", out);
    if (p->lead) {
        fputs("<a href=\"#lead\">", out);
        put_esc(out, p->lead->nav_label);
        fputs("</a>", out);
    }
    for (size_t i = 0; i < ACD_ARRAY_LEN(links); i++)
        if ((!links[i].erlang_only || p->r->erlang.valid) && (!links[i].days_only || p->r->days))
            fprintf(out, "<a href=\"#%s\">%s</a>", links[i].id, links[i].label);
    fputs("</div></nav>\n", out);
}

/* Interval i's service level as the center's goal judges it (the goal
 * channel's with more than one channel: acd_verdict_metric_scope). */
static double
interval_sl(const struct acd_results *r, size_t i)
{
    const struct acd_scope_result *s = acd_verdict_metric_scope(r, ACD_M_SERVICE_LEVEL, i);
    return s ? s->metric[ACD_M_SERVICE_LEVEL].mean : ACD_NAN;
}

/* Most runs of missed intervals named in the overview; more read "...". */
#define MAX_MISSED_RUNS 4

/* "Service level goal met in 9 of 16 intervals; missed 09:15-11:00." The
 * runs of consecutive missed intervals tell a manager when the day goes
 * wrong without reading the table. */
static void
put_interval_summary(FILE *out, const struct acd_results *r)
{
    const struct acd_setup *st = &r->setup;
    if (!st->known || r->n_intervals == 0) {
        fputs("Averages over the measuring window, across replications.", out);
        return;
    }
    size_t met = 0, judged = 0, runs = 0;
    for (size_t i = 0; i < r->n_intervals; i++) {
        enum acd_verdict v = acd_verdict_judge(interval_sl(r, i), st->sl_target, true);
        met += v == ACD_VERDICT_MET;
        judged += v != ACD_VERDICT_NA;
    }
    const char *ch = acd_verdict_goal_channel(st);
    fprintf(out, "Service level goal%s%s%s met in %zu of %zu interval%s", ch ? " (" : "",
            ch ? ch : "", ch ? ")" : "", met, judged, judged == 1 ? "" : "s");
    for (size_t i = 0; i < r->n_intervals;) {
        if (acd_verdict_judge(interval_sl(r, i), st->sl_target, true) != ACD_VERDICT_MISSED) {
            i++;
            continue;
        }
        size_t j = i;
        while (j + 1 < r->n_intervals &&
               acd_verdict_judge(interval_sl(r, j + 1), st->sl_target, true) == ACD_VERDICT_MISSED)
            j++;
        char a[48], b[48];
        if (runs == MAX_MISSED_RUNS) {
            fputs(", \u2026", out);
            break;
        }
        bool other = acd_display_day_of(&r->setup, i) != acd_display_day_of(&r->setup, j);
        fprintf(out, "%s%s\u2013%s", runs ? ", " : "; missed ",
                acd_display_interval_time(r, i, false, true, a, sizeof(a)),
                acd_display_interval_time(r, j, true, other, b, sizeof(b)));
        runs++;
        i = j + 1;
    }
    fputs(".", out);
}

/* The overall verdict: how many of the scenario's goals are met. */
static void
put_banner(FILE *out, const struct page *p)
{
    struct acd_verdict_count c = acd_verdict_count_all(p->targets, ACD_N_TARGETS, p->r);
    int n = c.n, missed = c.missed, unknown = c.unknown;
    enum acd_verdict v = missed              ? ACD_VERDICT_MISSED
                         : unknown || n == 0 ? ACD_VERDICT_NA
                                             : ACD_VERDICT_MET;
    fprintf(out,
            "<div id=\"verdict\" class=\"banner %s\"><span class=\"mark\" "
            "aria-hidden=\"true\">%s</span><div><strong>",
            acd_verdict_looks[v].cls, acd_verdict_looks[v].mark);
    char line[512];
    acd_verdict_headline(p->r, acd_verdict_looks[ACD_VERDICT_MISSED].word, line, sizeof(line));
    line[0] = (char)toupper((unsigned char)line[0]);
    put_esc(out, line);
    fputs("</strong><span class=\"note\">", out);
    put_interval_summary(out, p->r);
    fputs("</span>", out);
    /* Each goal that some intervals miss, also when met for the day. */
    size_t n_goals, shown = 0;
    struct acd_goal *goals = acd_verdict_goals(p->r, &n_goals);
    for (size_t i = 0; i < n_goals; i++) {
        if (!acd_verdict_goal_line(p->r, &goals[i], format_mean, line, sizeof(line)))
            continue;
        fputs(shown++ ? "<li>" : "<ul class=\"note\"><li>", out);
        put_esc(out, line);
        fputs("</li>", out);
    }
    if (shown)
        fputs("</ul>", out);
    free(goals);
    fputs("</div></div>\n", out);
}

/* Headline cards: a few center figures a manager looks for first, each
 * with its goal when the scenario sets one. */
static void
put_cards(FILE *out, const struct page *p)
{
    static const enum acd_metric headline[] = {ACD_M_SERVICE_LEVEL, ACD_M_ABANDON_RATE, ACD_M_ASA,
                                               ACD_M_OCCUPANCY, ACD_M_OFFERED};
    const char *ch = acd_verdict_goal_channel(&p->r->setup);
    fputs("<div class=\"cards\">\n", out);
    for (size_t i = 0; i < ACD_ARRAY_LEN(headline); i++) {
        enum acd_metric m = headline[i];
        /* The center's, or its goal channel's (more than one channel). */
        const struct acd_scope_result *s = acd_verdict_metric_scope(p->r, m, SIZE_MAX);
        if (!s)
            s = &p->r->summary;
        bool on_channel = ch && s != &p->r->summary;
        const struct acd_target *t = NULL;
        for (int k = 0; k < ACD_N_TARGETS; k++)
            if (p->targets[k].metric == m && !isnan(p->targets[k].bound))
                t = &p->targets[k];
        enum acd_verdict v = t ? acd_verdict_target(t, s) : ACD_VERDICT_NA;
        fprintf(out, "<div class=\"kpi%s%s\"><div class=\"label\">", t ? " " : "",
                t ? acd_verdict_looks[v].cls : "");
        put_esc(out, m == ACD_M_SERVICE_LEVEL ? p->sl_what : acd_metrics[m].label);
        if (on_channel && m != ACD_M_SERVICE_LEVEL)
            fprintf(out, " (%s)", ch);
        fputs("</div><div class=\"value\">", out);
        put_estimate(out, m, &s->metric[m]);
        fputs("</div><div class=\"goal\">", out);
        if (t) {
            char bound[NUM_BUF];
            put_badge(out, v, NULL);
            fprintf(out, "<span class=\"target\">target %s %s</span>",
                    t->at_least ? "&#8805;" : "&#8804;",
                    format_mean(m, t->bound, bound, sizeof(bound)));
        } else {
            fputs("no target", out);
        }
        fputs("</div></div>\n", out);
    }
    fputs("</div>\n", out);
}

static void
put_overview(FILE *out, const struct page *p)
{
    fputs("<section id=\"overview\" aria-labelledby=\"h-overview\">\n"
          "<h2 id=\"h-overview\">",
          out);
    put_esc(out, p->lead ? p->lead->overview_title : "Overview");
    fputs("</h2>\n<p class=\"lead\">", out);
    if (p->r->setup.known && p->r->setup.horizon == ACD_HORIZON_DAY)
        fputs("The whole operating day", out);
    else
        fputs("The measuring window (warm-up excluded)", out);
    fprintf(out,
            ": mean of %u replication%s, with the half-width of the 95%% confidence "
            "interval.</p>\n",
            p->r->replications, p->r->replications == 1 ? "" : "s");
    put_banner(out, p);
    put_cards(out, p);
    fputs("</section>\n", out);
}

/* What staffs a group, in a few words: "8 agents", "staffing plan". */
static void
put_staffing(FILE *out, const struct acd_setup_group *g)
{
    unsigned n = g->staffing_count;
    if (g->staffing == ACD_STAFFING_SHIFTS)
        fprintf(out, "%u shift%s", n, n == 1 ? "" : "s");
    else if (g->staffing == ACD_STAFFING_PLAN)
        fputs("staffing plan", out);
    else
        fprintf(out, "%u agent%s", n, n == 1 ? "" : "s");
}

static void
put_scenario(FILE *out, const struct page *p)
{
    const struct acd_results *r = p->r;
    const struct acd_setup *st = &r->setup;
    char a[32], b[32], c[32];
    fputs("<section id=\"scenario\" aria-labelledby=\"h-scenario\">\n"
          "<h2 id=\"h-scenario\">Scenario</h2>\n<dl class=\"facts\">\n",
          out);
    fputs("<dt>Name</dt><dd>", out);
    put_esc(out, st->known && st->name ? st->name : "");
    fputs("</dd>\n", out);
    if (st->known && st->path) {
        fputs("<dt>File</dt><dd><code>", out);
        put_esc(out, st->path);
        fputs("</code></dd>\n", out);
    }
    if (st->known) {
        fputs("<dt>Horizon</dt><dd>", out);
        if (st->n_days)
            fprintf(out, "%zu operating day%s, %s to %s, %zu intervals of %s", st->n_days,
                    st->n_days == 1 ? "" : "s", st->days[0].label, st->days[st->n_days - 1].label,
                    st->n_intervals, acd_units_format_duration(st->interval_s, c, sizeof(c)));
        else if (st->horizon == ACD_HORIZON_DAY)
            fprintf(out, "operating day %s\u2013%s, %zu intervals of %s",
                    acd_units_format_clock(st->open_s, a, sizeof(a)),
                    acd_units_format_clock(st->close_s, b, sizeof(b)), st->n_intervals,
                    acd_units_format_duration(st->interval_s, c, sizeof(c)));
        else
            fprintf(out, "steady state, %s per replication (%s warm-up)",
                    acd_units_format_duration(st->duration_s, a, sizeof(a)),
                    acd_units_format_duration(st->warmup_s, b, sizeof(b)));
        fputs("</dd>\n", out);
    }
    fprintf(out, "<dt>Replications</dt><dd>%u</dd>\n", r->replications);
    fprintf(out, "<dt>Seed</dt><dd>%" PRIu64 "</dd>\n", r->seed);
    if (st->known) {
        char t[NUM_BUF];
        fprintf(out, "<dt>Service level goal</dt><dd>%s of calls answered within %gs",
                format_mean(ACD_M_SERVICE_LEVEL, st->sl_target, t, sizeof(t)), st->sl_threshold_s);
        for (size_t k = 0; k < st->n_call_types; k++) { /* the types' own goals */
            const struct acd_setup_type *ct = &st->call_types[k];
            if (!ct->has_sl)
                continue;
            fputs("; ", out);
            put_esc(out, ct->name);
            char tb[32];
            fprintf(out, ": %s within %s",
                    format_mean(ACD_M_SERVICE_LEVEL, ct->sl_target, t, sizeof(t)),
                    acd_display_threshold(ct->sl_threshold_s, tb, sizeof(tb)));
        }
        fputs("</dd>\n", out);
        fprintf(out, "<dt>Call types</dt><dd>");
        for (size_t k = 0; k < st->n_call_types; k++) {
            fputs("<span class=\"chip\">", out);
            put_esc(out, st->call_types[k].name);
            fputs("</span>", out);
        }
        fputs("</dd>\n<dt>Agent groups</dt><dd>", out);
        for (size_t g = 0; g < st->n_groups; g++) {
            const struct acd_setup_group *ag = &st->groups[g];
            fputs("<span class=\"chip\">", out);
            put_esc(out, ag->name);
            fputs(" <small>", out);
            put_staffing(out, ag);
            if (st->max_tier > 1)
                fprintf(out, ", tier %u", ag->tier ? ag->tier : 1);
            fputs("</small></span>", out);
        }
        fputs("</dd>\n", out);
        if (st->routing) { /* "" when not recorded: the line stays, empty */
            fputs("<dt>Routing</dt><dd>", out);
            put_esc(out, st->routing);
            fputs("</dd>\n", out);
        }
    }
    fputs("</dl>\n</section>\n", out);
}

static void
put_targets(FILE *out, const struct page *p)
{
    fputs("<section id=\"targets\" aria-labelledby=\"h-targets\">\n"
          "<h2 id=\"h-targets\">Targets</h2>\n"
          "<p class=\"lead\">The scenario&#39;s goals against the simulated mean.</p>\n",
          out);
    size_t n_types = p->r->types ? p->r->setup.n_call_types : 0;
    struct acd_target *tt = acd_xcalloc(n_types ? n_types : 1, sizeof(*tt));
    char(*what)[ACD_SL_WHAT] = acd_xcalloc(n_types ? n_types : 1, sizeof(*what));
    int n = 0;
    for (int i = 0; i < ACD_N_TARGETS; i++)
        n += !isnan(p->targets[i].bound);
    for (size_t k = 0; k < n_types; k++)
        n += acd_verdict_type_target(&p->r->setup, k, &tt[k], what[k]) && !isnan(tt[k].bound);
    if (n == 0) {
        free(tt);
        free(what);
        fputs("<p>The scenario sets no targets.</p>\n</section>\n", out);
        return;
    }
    fputs("<div class=\"scroll\"><table id=\"targets-table\">\n<thead><tr><th scope=\"col\">"
          "Target</th><th scope=\"col\">Result</th>"
          "<th scope=\"col\">Verdict</th></tr></thead>\n<tbody>\n",
          out);
    for (size_t i = 0; i < ACD_N_TARGETS + n_types; i++) {
        const struct acd_target *t = i < ACD_N_TARGETS ? &p->targets[i] : &tt[i - ACD_N_TARGETS];
        if (!t->what || isnan(t->bound))
            continue;
        const struct acd_scope_result *sr =
            i < ACD_N_TARGETS ? &p->r->summary : &p->r->types[i - ACD_N_TARGETS];
        const struct acd_estimate *e = &sr->metric[t->metric];
        enum acd_verdict v = acd_verdict_judge(e->mean, t->bound, t->at_least);
        char bound[NUM_BUF];
        fprintf(out, "<tr class=\"%s\"><td>", acd_verdict_looks[v].cls);
        put_esc(out, t->what);
        /* The goal under its name keeps the table narrow enough for a
         * phone without scrolling. */
        fprintf(out, "<span class=\"sub\">goal %s %s</span></td><td>",
                t->at_least ? "&#8805;" : "&#8804;",
                format_mean(t->metric, t->bound, bound, sizeof(bound)));
        put_estimate(out, t->metric, e);
        fputs("</td><td>", out);
        put_badge(out, v, NULL);
        fputs("</td></tr>\n", out);
    }
    fputs("</tbody></table></div>\n</section>\n", out);
    free(tt);
    free(what);
}

static void
put_legend(FILE *out, const struct acd_setup *st)
{
    char t[NUM_BUF];
    format_mean(ACD_M_SERVICE_LEVEL, st->sl_target, t, sizeof(t));
    fputs("<div class=\"legend\" id=\"legend\"><span class=\"item\">", out);
    put_badge(out, ACD_VERDICT_MET, NULL);
    fprintf(out, " service level &#8805; %s</span><span class=\"item\">", t);
    put_badge(out, ACD_VERDICT_MISSED, NULL);
    fprintf(out, " below %s</span><span class=\"item\">", t);
    put_badge(out, ACD_VERDICT_NA, NULL);
    fputs(" no calls offered</span></div>\n", out);
}

/* The head of an interval or day table: the first column's name, the
 * verdict, then the figures of put_interval_row, those of calls named by
 * the goal channel when there is one. */
static void
put_rows_head(FILE *out, const char *id, const char *first, const struct acd_setup *st)
{
    const char *ch = acd_verdict_goal_channel(st);
    char sfx[32] = "";
    if (ch)
        snprintf(sfx, sizeof(sfx), " (%s)", ch);
    fprintf(out,
            "<div class=\"scroll\"><table id=\"%s\">\n<thead><tr><th scope=\"col\">%s</th>"
            "<th scope=\"col\" class=\"v\">Verdict</th><th scope=\"col\">Service level%s</th>"
            "<th scope=\"col\">Offered</th><th scope=\"col\">Abandoned%s</th>"
            "<th scope=\"col\">ASA%s</th><th scope=\"col\">Occupancy</th></tr></thead>\n"
            "<tbody>\n",
            id, first, sfx, sfx, sfx);
}

/* One line of the interval table: the center's figures over [a, b) (center),
 * the figures of calls as the goals judge them (calls: the center's, or its
 * goal channel's; NULL: not held). */
static void
put_interval_row(FILE *out, const char *when, const struct acd_scope_result *center,
                 const struct acd_scope_result *calls, const struct acd_setup *st)
{
    static const enum acd_metric cols[] = {ACD_M_SERVICE_LEVEL, ACD_M_OFFERED, ACD_M_ABANDON_RATE,
                                           ACD_M_ASA, ACD_M_OCCUPANCY};
    static const struct acd_estimate none = {ACD_NAN, ACD_NAN, 0};
    enum acd_verdict v = acd_verdict_judge(
        calls ? calls->metric[ACD_M_SERVICE_LEVEL].mean : ACD_NAN, st->sl_target, true);
    /* The verdict comes right after the time, so a phone shows both
     * before the table scrolls. */
    fprintf(out, "<tr class=\"%s\"><td>", acd_verdict_looks[v].cls);
    put_esc(out, when); /* a day's label read back from a document is data */
    fputs("</td><td class=\"v\">", out);
    put_badge(out, v, NULL);
    fputs("</td>", out);
    for (size_t c = 0; c < ACD_ARRAY_LEN(cols); c++) {
        /* offered and occupancy: the center's; the rest: as judged */
        bool whole = cols[c] == ACD_M_OFFERED || cols[c] == ACD_M_OCCUPANCY;
        const struct acd_scope_result *s = whole ? center : calls;
        const struct acd_estimate *e = s ? &s->metric[cols[c]] : &none;
        fputs("<td>", out);
        if (cols[c] == ACD_M_SERVICE_LEVEL) {
            put_estimate(out, cols[c], e);
        } else {
            char v_buf[NUM_BUF];
            double x = e->mean;
            format_mean(cols[c], x, v_buf, sizeof(v_buf));
            fprintf(out, isfinite(x) ? "%s" : "<span class=\"nil\">%s</span>", v_buf);
        }
        fputs("</td>", out);
    }
    fputs("</tr>\n", out);
}

/* Tiles per row for n tiles, at most max per row, rows as even as can be:
 * 18 tiles at 16 a row would leave 2 on the second; 9 and 9 look better. */
static size_t
balanced_cols(size_t n, size_t max)
{
    size_t rows = (n + max - 1) / max;
    return rows ? (n + rows - 1) / rows : 1;
}

static void
put_intervals(FILE *out, const struct page *p)
{
    const struct acd_results *r = p->r;
    const struct acd_setup *st = &r->setup;
    char t[NUM_BUF], a[32];
    fputs("<section id=\"intervals\" aria-labelledby=\"h-intervals\">\n"
          "<h2 id=\"h-intervals\">Service level by interval</h2>\n<p class=\"lead\">",
          out);
    if (!st->known) {
        fputs("No scenario: no service level goal to judge against.</p>\n</section>\n", out);
        return;
    }
    format_mean(ACD_M_SERVICE_LEVEL, st->sl_target, t, sizeof(t));
    const char *ch = acd_verdict_goal_channel(st);
    fprintf(out, "Share of offered %s%s answered within %gs, against the %s goal%s. ",
            ch ? ch : "calls", ch ? " contacts" : "", st->sl_threshold_s, t,
            ch ? " (the center's goals are judged on this channel)" : "");
    if (r->n_intervals)
        fputs("Each interval is judged on its own mean.</p>\n", out);
    else
        fputs("A steady-state run has one measuring window.</p>\n", out);
    put_legend(out, st);

    /* At a glance: one tile per interval, in time order. */
    if (r->n_intervals) {
        /* Rows of equal length at every width: as many tiles per row as
         * fit (16, 8 or 4), spread evenly over the rows needed. */
        fprintf(out,
                "<ol class=\"strip\" aria-label=\"Verdict per interval\" "
                "style=\"--cols:%zu;--cols-mid:%zu;--cols-narrow:%zu\">\n",
                balanced_cols(r->n_intervals, 16), balanced_cols(r->n_intervals, 8),
                balanced_cols(r->n_intervals, 4));
        for (size_t i = 0; i < r->n_intervals; i++) {
            double sl = interval_sl(r, i);
            enum acd_verdict v = acd_verdict_judge(sl, st->sl_target, true);
            char x[NUM_BUF];
            char ts[48], us[48];
            fprintf(out, "<li class=\"%s\" title=\"%s\u2013%s: %s\"><b>%s</b>%s %s</li>\n",
                    acd_verdict_looks[v].cls,
                    acd_display_interval_time(r, i, false, true, ts, sizeof(ts)),
                    acd_display_interval_time(r, i, true, false, us, sizeof(us)),
                    acd_verdict_looks[v].word,
                    acd_display_interval_time(r, i, false, false, a, sizeof(a)),
                    acd_verdict_looks[v].mark, format_mean(ACD_M_SERVICE_LEVEL, sl, x, sizeof(x)));
        }
        fputs("</ol>\n", out);
    }

    put_rows_head(out, "sla", "Interval", st);
    if (r->n_intervals == 0)
        put_interval_row(out, "Measuring window", &r->summary,
                         acd_verdict_metric_scope(r, ACD_M_SERVICE_LEVEL, SIZE_MAX), st);
    for (size_t i = 0; i < r->n_intervals; i++) {
        const struct acd_interval_result *iv = &r->intervals[i];
        char when[120], ts[48], us[48];
        snprintf(when, sizeof(when), "%s\u2013%s",
                 acd_display_interval_time(r, i, false, true, ts, sizeof(ts)),
                 acd_display_interval_time(r, i, true, false, us, sizeof(us)));
        put_interval_row(out, when, &iv->all, acd_verdict_metric_scope(r, ACD_M_SERVICE_LEVEL, i),
                         st);
    }
    fputs("</tbody></table></div>\n</section>\n", out);
}

/* A period (`days:`): each day's figures, judged as an interval is; with
 * more than one channel, each channel's service level per day too (the
 * center's mixes a call's seconds with an e-mail's hours). */
static void
put_days(FILE *out, const struct page *p)
{
    const struct acd_results *r = p->r;
    const struct acd_setup *st = &r->setup;
    if (!r->days || !st->known)
        return;
    fputs("<section id=\"days\" aria-labelledby=\"h-days\">\n"
          "<h2 id=\"h-days\">Days</h2>\n<p class=\"lead\">The center over each day of the "
          "period: calls count on the day they arrived.",
          out);
    if (r->day_channels)
        fputs(" Service level, abandoned and ASA are the goal channel's (the center's goals "
              "are judged on it); each channel's service level is below.",
              out);
    fputs("</p>\n", out);
    put_rows_head(out, "days-table", "Day", st);
    for (size_t d = 0; d < st->n_days; d++) {
        const struct acd_setup_day *dy = &st->days[d];
        char when[64];
        snprintf(when, sizeof(when), "%.32s %s", dy->label,
                 dy->weekday >= 0 && dy->weekday < 7 ? acd_units_weekday_names[dy->weekday] : "");
        put_interval_row(out, when, &r->days[d], acd_verdict_day_scope(r, ACD_M_SERVICE_LEVEL, d),
                         st);
    }
    fputs("</tbody></table></div>\n", out);
    if (r->day_channels) {
        unsigned used = acd_setup_channels(st);
        fputs("<h3>Service level by channel</h3>\n<p class=\"lead\">Each channel's call "
              "types answered within their own thresholds, &#177; the 95% CI.</p>\n"
              "<div class=\"scroll\"><table class=\"kpi-table narrow\" id=\"days-channels\">\n"
              "<thead><tr><th scope=\"col\">Day</th>",
              out);
        for (unsigned ch = 0; ch < ACD_N_CHANNELS; ch++)
            if (used & (1u << ch))
                fprintf(out, "<th scope=\"col\">%s</th>", acd_channel_name((enum acd_channel)ch));
        fputs("</tr></thead>\n<tbody>\n", out);
        for (size_t d = 0; d < st->n_days; d++) {
            fputs("<tr><th scope=\"row\">", out);
            put_esc(out, st->days[d].label);
            fputs("</th>", out);
            for (unsigned ch = 0; ch < ACD_N_CHANNELS; ch++)
                if (used & (1u << ch)) {
                    fputs("<td>", out);
                    put_estimate(
                        out, ACD_M_SERVICE_LEVEL,
                        &r->day_channels[d * ACD_N_CHANNELS + ch].metric[ACD_M_SERVICE_LEVEL]);
                    fputs("</td>", out);
                }
            fputs("</tr>\n", out);
        }
        fputs("</tbody></table></div>\n", out);
    }
    fputs("</section>\n", out);
}

/* A table of metric rows by scope columns. `first` is the center (NULL:
 * none), then cols[0..n) with their names. Rows: metrics that apply to
 * `scope` or to the center and that the scenario uses. */
struct kpi_table {
    const char *id, *caption;
    unsigned scope; /* ACD_SCOPE_TYPE or ACD_SCOPE_GROUP */
    const struct acd_scope_result *center;
    const struct acd_scope_result *cols;
    size_t n;
    const char *(*name)(const struct acd_setup *st, size_t i);
    bool type_goals; /* cols are the call types: each one's own SL goal beside it */
};

static const char *
type_name(const struct acd_setup *st, size_t i)
{
    return st->call_types[i].name;
}

/* The i-th channel st's call types use. */
static const char *
channel_name(const struct acd_setup *st, size_t i)
{
    unsigned used = acd_setup_channels(st);
    for (unsigned ch = 0; ch < ACD_N_CHANNELS; ch++)
        if ((used & (1u << ch)) && i-- == 0)
            return acd_channel_name((enum acd_channel)ch);
    ACD_ASSERT(!"a channel the call types use");
    return "";
}

static const char *
group_name(const struct acd_setup *st, size_t i)
{
    return st->groups[i].name;
}

static void
put_kpi_cell(FILE *out, enum acd_metric m, const struct acd_scope_result *s, bool applies)
{
    fputs("<td>", out);
    /* A money cell is noise where this scope has no cost (only agents are
     * paid): report.c leaves those rows out of the type sections. */
    double cost = s ? s->metric[ACD_M_COST].mean : ACD_NAN;
    if (!applies || !s || (is_money(m) && !(isfinite(cost) && cost != 0)))
        fputs("<span class=\"nil\">\u2014</span>", out);
    else
        put_estimate(out, m, &s->metric[m]);
    fputs("</td>", out);
}

static void
put_kpi_table(FILE *out, const struct page *p, const struct kpi_table *k)
{
    const struct acd_setup *st = &p->r->setup;
    /* One or two value columns spread over the full width would put the
     * numbers far from their labels. */
    size_t n_cols = k->n + (k->center != NULL);
    fprintf(out, "<div class=\"scroll\"><table class=\"kpi-table%s\" id=\"%s\">\n",
            n_cols <= 2 ? " narrow" : "", k->id);
    fputs("<thead><tr><th scope=\"col\">", out);
    put_esc(out, k->caption);
    fputs("</th>", out);
    if (k->center)
        fputs("<th scope=\"col\">Call center</th>", out);
    for (size_t i = 0; i < k->n; i++) {
        fputs("<th scope=\"col\">", out);
        put_esc(out, k->name(st, i));
        fputs("</th>", out);
    }
    fputs("</tr></thead>\n<tbody>\n", out);
    for (int m = 0; m < ACD_METRIC_COUNT; m++) {
        bool in_cols = (acd_metrics[m].scopes & k->scope) != 0;
        bool in_center = k->center && (acd_metrics[m].scopes & ACD_SCOPE_CENTER);
        /* The center column carries agent metrics too; a group table
         * lists only what applies to groups. */
        if (!p->shown[m] || !(in_cols || (in_center && k->scope == ACD_SCOPE_TYPE)))
            continue;
        fputs("<tr><th scope=\"row\">", out);
        put_esc(out, acd_metrics[m].label);
        fputs("</th>", out);
        if (k->center)
            put_kpi_cell(out, m, k->center, in_center);
        for (size_t i = 0; i < k->n; i++) {
            const struct acd_setup_type *ct =
                k->type_goals && m == ACD_M_SERVICE_LEVEL ? &st->call_types[i] : NULL;
            if (ct && ct->has_sl) { /* the type's own goal beside its figure */
                char t[NUM_BUF], tb[32];
                fputs("<td>", out);
                put_estimate(out, m, &k->cols[i].metric[m]);
                fprintf(out, "<span class=\"sub\">goal &#8805; %s in %s</span></td>",
                        format_mean(m, ct->sl_target, t, sizeof(t)),
                        acd_display_threshold(ct->sl_threshold_s, tb, sizeof(tb)));
                continue;
            }
            put_kpi_cell(out, m, &k->cols[i], in_cols);
        }
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table></div>\n", out);
}

static void
put_kpis(FILE *out, const struct page *p)
{
    const struct acd_results *r = p->r;
    const struct acd_setup *st = &r->setup;
    fputs("<section id=\"kpis\" aria-labelledby=\"h-kpis\">\n"
          "<h2 id=\"h-kpis\">Key figures</h2>\n<p class=\"lead\">Mean over ",
          out);
    fputs(st->known && st->n_days > 1                   ? "the period"
          : st->known && st->horizon == ACD_HORIZON_DAY ? "the day"
                                                        : "the measuring window",
          out);
    fputs(", &#177; the half-width of its 95% confidence interval across replications "
          "(percentage points for shares).</p>\n",
          out);
    /* Only one call type: its column would repeat the center's. */
    bool per_type = st->known && r->types && st->n_call_types > 1;
    struct kpi_table calls = {
        .id = "kpi",
        .caption = "Metric",
        .scope = ACD_SCOPE_TYPE,
        .center = &r->summary,
        .cols = per_type ? r->types : NULL,
        .n = per_type ? st->n_call_types : 0,
        .name = type_name,
        .type_goals = true,
    };
    put_kpi_table(out, p, &calls);
    if (st->known && r->channels) { /* more than one channel */
        struct acd_scope_result chans[ACD_N_CHANNELS];
        unsigned used = acd_setup_channels(st);
        size_t n = 0;
        for (unsigned ch = 0; ch < ACD_N_CHANNELS; ch++)
            if (used & (1u << ch))
                chans[n++] = r->channels[ch];
        fputs("<h3>Channels</h3>\n<p class=\"lead\">The call center's figures above mix "
              "channels (a call's wait in seconds, an e-mail's in hours); each channel's own "
              "are its call types' together, each answered within its own threshold.</p>\n",
              out);
        struct kpi_table channels = {
            .id = "channels",
            .caption = "Metric",
            .scope = ACD_SCOPE_TYPE,
            .cols = chans,
            .n = n,
            .name = channel_name,
        };
        put_kpi_table(out, p, &channels);
    }
    if (st->known && r->groups && st->n_groups) {
        fputs("<h3>Agent groups</h3>\n", out);
        struct kpi_table groups = {
            .id = "groups",
            .caption = "Metric",
            .scope = ACD_SCOPE_GROUP,
            .cols = r->groups,
            .n = st->n_groups,
            .name = group_name,
        };
        put_kpi_table(out, p, &groups);
    }
    fputs("</section>\n", out);
}

/* ------------------------------------------------------------------ charts */

void
acd_html_put_escaped(FILE *out, const char *s)
{
    put_esc(out, s);
}

static void
put_charts(FILE *out, const struct page *p)
{
    acd_html_put_charts(out, p->charts);
}

void
acd_html_put_charts(FILE *out, const struct acd_charts *c)
{
    fputs("<section id=\"charts\" aria-labelledby=\"h-charts\">\n"
          "<h2 id=\"h-charts\">Charts</h2>\n",
          out);
    size_t drawn = 0;
    for (size_t i = 0; c && i < c->n; i++)
        drawn += acd_svg_is_embeddable(c->v[i].svg);
    if (!c) {
        fputs("<div class=\"notice\" id=\"charts-missing\"><strong>No charts in this "
              "report.</strong> They were not drawn when it was written.</div>\n",
              out);
    } else if (c->gnuplot_missing) {
        fputs("<div class=\"notice\" id=\"charts-missing\"><strong>Charts are missing: "
              "gnuplot was not found.</strong> The report was written without them. Install "
              "gnuplot (Debian: <code>apt-get install gnuplot-nox</code>) and draw the report "
              "again from its data, without simulating: <code>acdsim report results.json --out "
              "DIR</code>.</div>\n",
              out);
    } else if (c->error) {
        fputs("<div class=\"notice\" id=\"charts-error\"><strong>gnuplot failed", out);
        fputs(drawn ? "; some charts are missing." : "; no chart was drawn.", out);
        fputs("</strong><pre>", out);
        put_esc(out, c->error);
        fputs("</pre></div>\n", out);
    } else if (c->n == 0) {
        fputs("<div class=\"notice\" id=\"charts-missing\">No chart applies to these "
              "results.</div>\n",
              out);
    }
    if (drawn)
        fputs("<div class=\"charts\">\n", out);
    size_t fig = 0;
    for (size_t i = 0; c && i < c->n; i++) {
        const struct acd_chart *ch = &c->v[i];
        if (!acd_svg_is_embeddable(ch->svg))
            continue;
        fputs("<figure id=\"chart-", out);
        put_esc(out, ch->name);
        fputs("\">\n", out);
        acd_svg_put_inline(out, ch->svg, ++fig);
        fprintf(out, "<figcaption><strong>Figure %zu.</strong> ", fig);
        put_esc(out, ch->title ? ch->title : ch->name);
        if (ch->png_path && ch->name) {
            /* The files sit beside index.html in the report folder. */
            fputs(" <span class=\"files\">(<a href=\"", out);
            put_esc(out, ch->name);
            fputs(".png\">PNG</a>, <a href=\"", out);
            put_esc(out, ch->name);
            fputs(".svg\">SVG</a>)</span>", out);
        }
        fputs("</figcaption>\n</figure>\n", out);
    }
    if (drawn)
        fputs("</div>\n", out);
    fputs("</section>\n", out);
}

/* ----------------------------------------------------------------- erlang */

/* When an Erlang figure means something for the model. */
enum erlang_when { E_ALWAYS, E_WAITING, E_ABANDON, E_BLOCKING };

static const struct {
    enum acd_metric metric;
    size_t offset; /* double in struct acd_erlang_result */
    enum erlang_when when;
} erlang_rows[] = {
    {ACD_M_SERVICE_LEVEL, offsetof(struct acd_erlang_result, service_level), E_ALWAYS},
    {ACD_M_SERVICE_LEVEL_ANSWERED, offsetof(struct acd_erlang_result, service_level_answered),
     E_WAITING},
    {ACD_M_ANSWERED_RATE, offsetof(struct acd_erlang_result, answered_rate), E_ALWAYS},
    {ACD_M_ABANDON_RATE, offsetof(struct acd_erlang_result, abandon_rate), E_ABANDON},
    {ACD_M_BLOCKED_RATE, offsetof(struct acd_erlang_result, blocked_rate), E_BLOCKING},
    {ACD_M_P_WAIT, offsetof(struct acd_erlang_result, p_wait), E_WAITING},
    {ACD_M_ASA, offsetof(struct acd_erlang_result, asa_s), E_WAITING},
    {ACD_M_MEAN_WAIT, offsetof(struct acd_erlang_result, mean_wait_s), E_WAITING},
    {ACD_M_MEAN_QUEUE_LEN, offsetof(struct acd_erlang_result, mean_queue_len), E_WAITING},
    {ACD_M_OCCUPANCY, offsetof(struct acd_erlang_result, occupancy), E_ALWAYS},
    {ACD_M_BUSY_AGENTS, offsetof(struct acd_erlang_result, busy_agents), E_ALWAYS},
};

static bool
erlang_row_applies(enum erlang_when w, const struct acd_erlang_params *pr)
{
    bool loss = pr->model == ACD_ERLANG_B;
    bool blocking = loss || pr->queue_capacity >= 0;
    const bool applies[] = {
        [E_ALWAYS] = true,
        [E_WAITING] = !loss,
        [E_ABANDON] = pr->model == ACD_ERLANG_A,
        [E_BLOCKING] = blocking,
    };
    return applies[w];
}

static const char *
erlang_model_name(const struct acd_erlang_params *pr)
{
    if (pr->model == ACD_ERLANG_B)
        return "Erlang B (M/M/c/c)";
    if (pr->model == ACD_ERLANG_A)
        return pr->queue_capacity >= 0 ? "Erlang A (M/M/c/K+M)" : "Erlang A (M/M/c+M)";
    return pr->queue_capacity >= 0 ? "Erlang C (M/M/c/K)" : "Erlang C (M/M/c)";
}

/* Why a one-queue steady center has no Erlang comparison. */
static void
put_erlang_left_out(FILE *out, const struct acd_results *r)
{
    char names[256];
    fputs("<section id=\"erlang\" aria-labelledby=\"h-erlang\">\n"
          "<h2 id=\"h-erlang\">Erlang comparison</h2>\n<p class=\"lead\" id=\"erlang-left-out\">"
          "Not shown: the queueing formula leaves out this scenario's ",
          out);
    put_esc(out, acd_report_feature_list(acd_report_erlang_left_out(r), names, sizeof(names)));
    fputs(", so it would describe another center.</p>\n</section>\n", out);
}

static void
put_erlang(FILE *out, const struct page *p)
{
    const struct acd_erlang_cmp *e = &p->r->erlang;
    const struct acd_erlang_params *pr = &e->params;
    char a[NUM_BUF], b[NUM_BUF];
    fputs("<section id=\"erlang\" aria-labelledby=\"h-erlang\">\n"
          "<h2 id=\"h-erlang\">Erlang comparison</h2>\n<p class=\"lead\">",
          out);
    fputs("The simulation beside the queueing formula for the same center: ", out);
    put_esc(out, erlang_model_name(pr));
    /* 120/h reads back as 120.00000000000001 calls per hour. */
    double per_h = pr->rate_per_s * 3600;
    int dec = fabs(per_h - round(per_h)) < 1e-9 * fmax(1, per_h) ? 0 : 1;
    fprintf(out, ", %s calls/h, mean handle time %s", acd_display_grouped(per_h, dec, a, sizeof(a)),
            acd_units_format_duration(pr->aht_s, b, sizeof(b)));
    if (e->wrap_up_s > 0)
        fprintf(out, " (wrap-up of %s included: an agent in wrap-up takes no call)",
                acd_units_format_duration(e->wrap_up_s, a, sizeof(a)));
    if (pr->model == ACD_ERLANG_A)
        fprintf(out, ", mean patience %s", acd_units_format_duration(pr->patience_s, a, sizeof(a)));
    fprintf(out, ", %u agent%s", pr->agents, pr->agents == 1 ? "" : "s");
    if (pr->model != ACD_ERLANG_B && pr->queue_capacity >= 0)
        fprintf(out, ", %ld waiting place%s", pr->queue_capacity,
                pr->queue_capacity == 1 ? "" : "s");
    fputs(".</p>\n", out);
    fprintf(out, "<div class=\"info\" id=\"erlang-kind\">%s</div>\n",
            e->exponential
                ? "<strong>Exact.</strong> Handle times and patience are exponential, so the "
                  "formula is exact for this model: the simulation should agree within its "
                  "confidence intervals."
                : "<strong>Approximation.</strong> Handle times (talk and wrap-up) or patience "
                  "are not exponential, or the groups differ, so the formula is the usual "
                  "approximation: differences are expected and show how much the "
                  "distributions matter.");
    fputs("<div class=\"scroll\"><table id=\"erlang-table\">\n<thead><tr>"
          "<th scope=\"col\">Metric</th><th scope=\"col\">Simulation</th>"
          "<th scope=\"col\">Formula</th><th scope=\"col\">Difference</th>"
          "<th scope=\"col\">Within CI</th></tr></thead>\n<tbody>\n",
          out);
    for (size_t i = 0; i < ACD_ARRAY_LEN(erlang_rows); i++) {
        if (!erlang_row_applies(erlang_rows[i].when, pr))
            continue;
        enum acd_metric m = erlang_rows[i].metric;
        const struct acd_estimate *sim = &p->r->summary.metric[m];
        double exact;
        memcpy(&exact, (const char *)&e->value + erlang_rows[i].offset, sizeof(exact));
        double d = sim->mean - exact;
        enum acd_verdict v = acd_verdict_within_ci(sim, exact);
        static const char *const within[] = {
            [ACD_VERDICT_MET] = "yes", [ACD_VERDICT_MISSED] = "no", [ACD_VERDICT_NA] = "n/a"};
        fputs("<tr><th scope=\"row\">", out);
        put_esc(out, acd_metrics[m].label);
        fputs("</th><td>", out);
        put_estimate(out, m, sim);
        fprintf(out, "</td><td>%s</td><td>%s</td><td>%s %s</td></tr>\n",
                format_mean(m, exact, a, sizeof(a)), format_diff(m, d, b, sizeof(b)),
                acd_verdict_looks[v].mark, within[v]);
    }
    fputs("</tbody></table></div>\n</section>\n", out);
}

/* ------------------------------------------------------------------- page */

static void
put_footer(FILE *out, const struct acd_results *r)
{
    char a[NUM_BUF], b[NUM_BUF];
    /* No wall time or date: the same results give the same page. */
    fprintf(out,
            "<footer class=\"wrap\"><p>Written by acdsim %s. %s calls and %s events "
            "simulated in %u replication%s.</p></footer>\n",
            ACD_VERSION, acd_display_grouped((double)r->calls, 0, a, sizeof(a)),
            acd_display_grouped((double)r->events, 0, b, sizeof(b)), r->replications,
            r->replications == 1 ? "" : "s");
}

int
acd_html_write(FILE *out, const struct acd_results *r, const struct acd_charts *charts)
{
    return acd_html_write_led(out, r, charts, NULL);
}

int
acd_html_write_led(FILE *out, const struct acd_results *r, const struct acd_charts *charts,
                   const struct acd_html_lead *lead)
{
    struct page p = {.r = r, .charts = charts, .lead = lead};
    choose_rows(r, p.shown);
    /* Without a known setup, no goals: every target "not given". */
    acd_verdict_targets(&r->setup, p.targets, p.sl_what);

    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
          out);
    fprintf(out, "<meta name=\"generator\" content=\"acdsim %s\">\n<title>", ACD_VERSION);
    if (lead)
        put_esc(out, lead->title);
    else
        put_esc(out, r->setup.known && r->setup.name ? r->setup.name : "Unnamed scenario");
    fputs(" &#183; acdsim report</title>\n<style>\n", out);
    fputs(acd_report_css_text, out);
    fputs("</style>\n</head>\n<body>\n", out);
    put_header(out, r, lead);
    put_nav(out, &p);
    fputs("<main class=\"wrap\">\n", out);
    if (lead) {
        fputs("<section id=\"lead\">\n", out);
        lead->put(out, lead->ud);
        fputs("</section>\n", out);
    }
    put_overview(out, &p);
    fputs("<div class=\"row\">\n", out);
    put_targets(out, &p);
    put_scenario(out, &p);
    fputs("</div>\n", out);
    put_intervals(out, &p);
    put_days(out, &p);
    put_kpis(out, &p);
    put_charts(out, &p);
    if (r->erlang.valid)
        put_erlang(out, &p);
    else if (acd_report_erlang_left_out(r))
        put_erlang_left_out(out, r);
    fputs("</main>\n", out);
    put_footer(out, r);
    fputs("</body>\n</html>\n", out);
    /* Flush so an error on the last buffer (a full disk) shows here. */
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

int
acd_html_write_page(FILE *out, const char *title, const char *text, const struct acd_charts *charts)
{
    struct page p = {.charts = charts};
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
          out);
    fprintf(out, "<meta name=\"generator\" content=\"acdsim %s\">\n<title>", ACD_VERSION);
    put_esc(out, title);
    fputs(" &#183; acdsim</title>\n<style>\n", out);
    fputs(acd_report_css_text, out);
    fputs("</style>\n</head>\n<body>\n<header class=\"wrap\"><h1>", out);
    put_esc(out, title);
    fputs("</h1></header>\n<main class=\"wrap\">\n", out);
    if (text) {
        fputs("<section id=\"table\"><pre>", out);
        put_esc(out, text);
        fputs("</pre></section>\n", out);
    }
    put_charts(out, &p);
    fputs("</main>\n</body>\n</html>\n", out);
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
