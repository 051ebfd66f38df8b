/*
 * plot: the report's charts (see plot.h). gnuplot does the drawing; this
 * file decides which charts apply, writes each one's data file and
 * variables, composes each one's script, has the gnuplot processes run
 * (gnuplot.c) and checks what they wrote and said.
 *
 * The scripts are plots/NAME.gp, embedded at build time by tools/embed.c
 * (which names every array NAME_text, after its first use). Each chart is
 * one row of `charts` below: name, caption, script, when it applies, and
 * the functions writing its data and its own variables - adding a chart is
 * adding a row and a script, not a case in a switch.
 *
 * Not here: spawning, feeding and reaping gnuplot (gnuplot.c), the report
 * folder's other files and their commit (outdir.c), the HTML page
 * (html.c).
 */
#include "plot.h"
#include "gnuplot.h"
#include "tmpfile.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The embedded scripts (build/plot_*.c). */
extern const char acd_plot_common_text[];
extern const char acd_plot_service_level_text[];
extern const char acd_plot_calls_text[];
extern const char acd_plot_wait_times_text[];
extern const char acd_plot_agents_text[];
extern const char acd_plot_wait_cdf_text[];
extern const char acd_plot_queue_text[];
extern const char acd_plot_resolution_text[];
extern const char acd_plot_erlang_text[];
extern const char acd_plot_days_heatmap_text[];

/* -------------------------------------------------------------- helpers */

/* A number in a data file: NaN is gnuplot's "undefined", which it leaves
 * out of a plot (and breaks a line there). */
void
acd_plot_num(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, " %.10g", x);
    else
        fputs(" NaN", f);
}

/* A gnuplot string literal, quoted by construction: double quotes around
 * nothing but letters, digits, blanks and `-_.,:/()+#`, every other byte
 * as an octal escape (\047), so no quote, backslash, backquote (command
 * substitution, which gnuplot does even inside double quotes), `@`
 * (macros) or `$` reaches gnuplot's command line as itself. Single quotes
 * cannot carry every name: gnuplot reads '''s' as '' then 's'. Control
 * characters (C0, DEL, C1 in UTF-8) become blanks. Titles are plain text
 * (the terminal is `noenhanced`), so `^ _ @ & { }` need nothing more. */
void
acd_plot_string(FILE *f, const char *s)
{
    static const char plain[] = " -_.,:/()+#";
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f) {
            fputc(' ', f);
        } else if (c == 0xc2 && (unsigned char)s[1] >= 0x80 && (unsigned char)s[1] <= 0x9f) {
            fputc(' ', f); /* a C1 control in UTF-8 */
            s++;
        } else if ((c < 0x80 && isalnum(c)) || strchr(plain, c)) {
            fputc(c, f);
        } else {
            fprintf(f, "\\%03o", c);
        }
    }
    fputc('"', f);
}

void
acd_plot_var(FILE *f, const char *name, double x)
{
    if (isfinite(x))
        fprintf(f, "%s = %.17g\n", name, x);
    else
        fprintf(f, "%s = NaN\n", name);
}

/* `n_NAME = N` and `array NAME[N] = [...]` (gnuplot arrays are 1-based and
 * cannot be empty: one blank entry stands in). */
void
acd_plot_array(FILE *f, const char *name, size_t n, const char *(*get)(const void *, size_t),
               const void *ud)
{
    fprintf(f, "n_%s = %zu\narray %s[%zu] = [", name, n, name, n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputs(", ", f);
        acd_plot_string(f, get(ud, i));
    }
    if (!n)
        acd_plot_string(f, "");
    fputs("]\n", f);
}

/* What a tic-label array holds: the caller's strings, each '%' doubled. */
struct tic_src {
    const char *(*get)(const void *, size_t);
    const void *ud;
    char **tics;
};

static const char *
tic_at(const void *ud, size_t i)
{
    return ((const struct tic_src *)ud)->tics[i];
}

void
acd_plot_tic_array(FILE *f, const char *name, size_t n, const char *(*get)(const void *, size_t),
                   const void *ud)
{
    struct tic_src src = {get, ud, acd_xcalloc(n ? n : 1, sizeof(char *))};
    for (size_t i = 0; i < n; i++) {
        const char *s = get(ud, i);
        s = s ? s : "";
        char *t = src.tics[i] = acd_xmalloc(2 * strlen(s) + 1);
        for (; *s; s++)
            if ((*t++ = *s) == '%')
                *t++ = '%';
        *t = '\0';
    }
    acd_plot_array(f, name, n, tic_at, &src);
    for (size_t i = 0; i < n; i++)
        free(src.tics[i]);
    free(src.tics);
}

static const char *
type_name(const void *ud, size_t i)
{
    return ((const struct acd_setup *)ud)->call_types[i].name;
}

static const char *
group_name(const void *ud, size_t i)
{
    return ((const struct acd_setup *)ud)->groups[i].name;
}

static const char *
string_at(const void *ud, size_t i)
{
    return ((const char *const *)ud)[i];
}

static size_t
n_types(const struct acd_results *r)
{
    return r->setup.n_call_types;
}

static size_t
n_groups(const struct acd_results *r)
{
    return r->setup.n_groups;
}

static double
mid(const struct acd_interval_result *iv)
{
    return (iv->start_s + iv->end_s) / 2;
}

/* ------------------------------------------------- when a chart applies */

static bool
has_intervals(const struct acd_results *r)
{
    return r->n_intervals > 0;
}

static bool
has_interval_groups(const struct acd_results *r)
{
    return r->n_intervals > 0 && r->intervals[0].groups && n_groups(r) > 0;
}

/* A period (`days:`): the day heat maps. */
static bool
has_days(const struct acd_results *r)
{
    return r->days && r->setup.n_days > 0 && r->n_intervals > 0;
}

static bool
has_days_groups(const struct acd_results *r)
{
    return has_days(r) && has_interval_groups(r);
}

static bool
has_wait_cdf(const struct acd_results *r)
{
    return r->wait_cdf.n > 0;
}

static bool
has_queue_series(const struct acd_results *r)
{
    return r->queue_len.n > 0;
}

/* Escalations or repeat calls happened: the model has tiers that do not
 * resolve every call. Judged from the results, so that `acdsim report`
 * draws the same charts as the run did. */
static bool
has_resolution(const struct acd_results *r)
{
    return r->summary.metric[ACD_M_ESCALATION_RATE].mean > 0 ||
           r->summary.metric[ACD_M_REPEAT_SHARE].mean > 0;
}

static bool
has_erlang(const struct acd_results *r)
{
    return r->erlang.valid;
}

/* ------------------------------------------------------- per-chart data */

/* Service level per interval: block 0 the center, block k call type k. */
static void
data_service_level(FILE *f, const struct acd_results *r)
{
    for (size_t s = 0; s <= n_types(r); s++) {
        for (size_t i = 0; i < r->n_intervals; i++) {
            const struct acd_interval_result *iv = &r->intervals[i];
            const struct acd_estimate *e =
                &(s ? &iv->types[s - 1] : &iv->all)->metric[ACD_M_SERVICE_LEVEL];
            acd_plot_num(f, mid(iv));
            acd_plot_num(f, e->mean);
            acd_plot_num(f, e->ci95);
            fputc('\n', f);
        }
        fputs("\n\n", f);
    }
}

/* Calls per interval by outcome (center). "Other" is whatever ended
 * neither answered, abandoned nor blocked: balked, timed out, callback
 * requested, disconnected at close. */
static void
data_calls(FILE *f, const struct acd_results *r)
{
    fputs("# midpoint answered abandoned blocked other offered\n", f);
    for (size_t i = 0; i < r->n_intervals; i++) {
        const struct acd_estimate *t = r->intervals[i].all.total;
        double offered = t[ACD_T_OFFERED].mean, answered = t[ACD_T_ANSWERED].mean;
        double abandoned = t[ACD_T_ABANDONED].mean, blocked = t[ACD_T_BLOCKED].mean;
        double other = offered - answered - abandoned - blocked;
        acd_plot_num(f, mid(&r->intervals[i]));
        acd_plot_num(f, answered);
        acd_plot_num(f, abandoned);
        acd_plot_num(f, blocked);
        acd_plot_num(f, other > 1e-9 * offered ? other : 0); /* rounding, not calls */
        acd_plot_num(f, offered);
        fputc('\n', f);
    }
}

/* Legend entries only for outcomes that occur. */
static void
vars_calls(FILE *f, const struct acd_results *r)
{
    bool blocked = false, other = false;
    for (size_t i = 0; i < r->n_intervals; i++) {
        const struct acd_estimate *t = r->intervals[i].all.total;
        blocked = blocked || t[ACD_T_BLOCKED].mean > 0;
        for (enum acd_total k = ACD_T_BALKED; k <= ACD_T_DISCONNECTED; k++)
            other = other || t[k].mean > 0;
    }
    fprintf(f, "has_blocked = %d\nhas_other = %d\n", blocked, other);
}

/* ASA and 90th-percentile wait: block 0 the center, block k call type k. */
static void
data_wait_times(FILE *f, const struct acd_results *r)
{
    for (size_t s = 0; s <= n_types(r); s++) {
        for (size_t i = 0; i < r->n_intervals; i++) {
            const struct acd_interval_result *iv = &r->intervals[i];
            const struct acd_scope_result *sc = s ? &iv->types[s - 1] : &iv->all;
            acd_plot_num(f, mid(iv));
            acd_plot_num(f, sc->metric[ACD_M_ASA].mean);
            acd_plot_num(f, sc->metric[ACD_M_ASA].ci95);
            acd_plot_num(f, sc->metric[ACD_M_WAIT_P90].mean);
            acd_plot_num(f, sc->metric[ACD_M_WAIT_P90].ci95);
            fputc('\n', f);
        }
        fputs("\n\n", f);
    }
}

/* Agents: block 0 the center, block g agent group g. */
static void
data_agents(FILE *f, const struct acd_results *r)
{
    for (size_t s = 0; s <= n_groups(r); s++) {
        for (size_t i = 0; i < r->n_intervals; i++) {
            const struct acd_interval_result *iv = &r->intervals[i];
            const struct acd_scope_result *sc = s ? &iv->groups[s - 1] : &iv->all;
            acd_plot_num(f, mid(iv));
            acd_plot_num(f, sc->metric[ACD_M_STAFFED_AGENTS].mean);
            acd_plot_num(f, sc->metric[ACD_M_BUSY_AGENTS].mean);
            acd_plot_num(f, sc->metric[ACD_M_OCCUPANCY].mean);
            acd_plot_num(f, sc->metric[ACD_M_OCCUPANCY].ci95);
            fputc('\n', f);
        }
        fputs("\n\n", f);
    }
}

/* A period's heat map of metric m of the center: each interval's midpoint
 * on its day's clock, its day, the figure. */
static void
data_days_heat(FILE *f, const struct acd_results *r, enum acd_metric m)
{
    const struct acd_setup *st = &r->setup;
    fputs("# midpoint_on_its_day day value\n", f);
    for (size_t d = 0; d < st->n_days; d++) {
        const struct acd_setup_day *dy = &st->days[d];
        double base = dy->date >= 0 && st->days[0].date >= 0
                          ? (double)(dy->date - st->days[0].date) * 86400.0
                          : 0;
        for (size_t j = 0; j < dy->n_intervals && dy->first_interval + j < r->n_intervals; j++) {
            const struct acd_interval_result *iv = &r->intervals[dy->first_interval + j];
            acd_plot_num(f, mid(iv) - base);
            acd_plot_num(f, (double)d);
            acd_plot_num(f, iv->all.metric[m].mean);
            fputc('\n', f);
        }
    }
}

static void
data_days_sl(FILE *f, const struct acd_results *r)
{
    data_days_heat(f, r, ACD_M_SERVICE_LEVEL);
}

static void
data_days_occupancy(FILE *f, const struct acd_results *r)
{
    data_days_heat(f, r, ACD_M_OCCUPANCY);
}

static const char *
day_label(const void *ud, size_t i)
{
    return ((const struct acd_setup *)ud)->days[i].label;
}

static void
vars_days(FILE *f, const struct acd_results *r, const char *title, bool good_high)
{
    fputs("heat_title = ", f);
    acd_plot_string(f, title);
    fprintf(f, "\nheat_good_high = %d\n", good_high);
    acd_plot_array(f, "days", r->setup.n_days, day_label, &r->setup);
}

static void
vars_days_sl(FILE *f, const struct acd_results *r)
{
    vars_days(f, r, "Service level", true);
}

static void
vars_days_occupancy(FILE *f, const struct acd_results *r)
{
    vars_days(f, r, "Occupancy", false);
}

static void
data_wait_cdf(FILE *f, const struct acd_results *r)
{
    const struct acd_wait_cdf *w = &r->wait_cdf;
    fputs("# wait_s answered abandoned\n", f);
    for (size_t i = 0; i < w->n; i++) {
        acd_plot_num(f, w->x_s[i]);
        acd_plot_num(f, w->answered[i]);
        acd_plot_num(f, w->abandoned[i]);
        fputc('\n', f);
    }
}

static void
vars_wait_cdf(FILE *f, const struct acd_results *r)
{
    /* No abandoned call in any replication: the column is all NaN, and a
     * curve with no point is a gnuplot warning, not a line. */
    bool abandoned = false;
    for (size_t i = 0; i < r->wait_cdf.n; i++)
        abandoned = abandoned || isfinite(r->wait_cdf.abandoned[i]);
    fprintf(f, "has_abandoned = %d\n", abandoned);
}

static void
data_queue(FILE *f, const struct acd_results *r)
{
    const struct acd_band *b = &r->queue_len;
    fputs("# t_s mean p10 p90\n", f);
    for (size_t i = 0; i < b->n; i++) {
        acd_plot_num(f, b->t0_s + (double)i * b->step_s);
        acd_plot_num(f, b->mean[i]);
        acd_plot_num(f, b->p10[i]);
        acd_plot_num(f, b->p90[i]);
        fputc('\n', f);
    }
}

/* Tiers present among the agent groups, ascending, into tiers[] (at most
 * n_groups entries). Returns how many. */
static size_t
group_tiers(const struct acd_setup *st, unsigned *tiers)
{
    size_t n = 0;
    for (size_t g = 0; g < st->n_groups; g++) {
        unsigned t = st->groups[g].tier ? st->groups[g].tier : 1;
        size_t i = n;
        while (i > 0 && tiers[i - 1] > t)
            i--;
        if (i > 0 && tiers[i - 1] == t)
            continue;
        memmove(&tiers[i + 1], &tiers[i], (n - i) * sizeof(*tiers));
        tiers[i] = t;
        n++;
    }
    return n;
}

static unsigned
group_tier(const struct acd_setup *st, size_t g)
{
    return st->groups[g].tier ? st->groups[g].tier : 1;
}

/* Block 0: the center, then each call type: FCR, escalation and repeat
 * shares with CIs. Block 1: per tier, the escalated share of the calls its
 * groups answered (pooled over the groups: sums of the mean counts). */
static void
data_resolution(FILE *f, const struct acd_results *r)
{
    static const enum acd_metric cols[] = {ACD_M_FCR_RATE, ACD_M_ESCALATION_RATE,
                                           ACD_M_REPEAT_SHARE};
    for (size_t s = 0; s <= n_types(r); s++) {
        const struct acd_scope_result *sc = s ? &r->types[s - 1] : &r->summary;
        for (size_t c = 0; c < ACD_ARRAY_LEN(cols); c++) {
            acd_plot_num(f, sc->metric[cols[c]].mean);
            acd_plot_num(f, sc->metric[cols[c]].ci95);
        }
        fputc('\n', f);
    }
    fputs("\n\n", f);
    if (!r->setup.known)
        return;
    const struct acd_setup *st = &r->setup;
    unsigned *tiers = acd_xcalloc(st->n_groups + 1, sizeof(*tiers));
    size_t nt = group_tiers(st, tiers);
    for (size_t t = 0; t < nt; t++) {
        double esc = 0, ans = 0;
        for (size_t g = 0; g < st->n_groups; g++) {
            if (group_tier(st, g) == tiers[t]) {
                esc += r->groups[g].total[ACD_T_ESCALATED].mean;
                ans += r->groups[g].total[ACD_T_ANSWERED].mean;
            }
        }
        acd_plot_num(f, ans > 0 ? esc / ans : ACD_NAN);
        fputc('\n', f);
    }
    free(tiers);
}

/* Row labels: "All calls" and the call types; per tier, "Tier 2" and its
 * groups ("csr3, supervisors"). */
static void
vars_resolution(FILE *f, const struct acd_results *r)
{
    size_t nt = n_types(r);
    const char **rows = acd_xcalloc(nt + 1, sizeof(*rows));
    rows[0] = "All calls";
    for (size_t k = 0; k < nt; k++)
        rows[k + 1] = r->setup.call_types[k].name;
    acd_plot_array(f, "rows", nt + 1, string_at, rows);
    free(rows);

    size_t ng = n_groups(r);
    unsigned *tiers = acd_xcalloc(ng + 1, sizeof(*tiers));
    size_t ntier = ng ? group_tiers(&r->setup, tiers) : 0;
    char **labels = acd_xcalloc(2 * ntier + 1, sizeof(*labels));
    char **members = labels + ntier;
    for (size_t t = 0; t < ntier; t++) {
        labels[t] = acd_xasprintf("Tier %u", tiers[t]);
        members[t] = acd_xstrdup("");
        for (size_t g = 0; g < ng; g++) {
            if (group_tier(&r->setup, g) != tiers[t])
                continue;
            char *more = acd_xasprintf("%s%s%s", members[t], *members[t] ? ", " : "",
                                       r->setup.groups[g].name);
            free(members[t]);
            members[t] = more;
        }
    }
    acd_plot_array(f, "tiers", ntier, string_at, labels);
    acd_plot_array(f, "tier_groups", ntier, string_at, members);
    for (size_t t = 0; t < 2 * ntier; t++)
        free(labels[t]);
    free(labels);
    free(tiers);
}

/* The Erlang comparison's rows: shares in block 0, times in block 1. */
enum erlang_when { ALWAYS, IF_ABANDON, IF_BLOCKING, IF_QUEUE };

static const struct erlang_row {
    enum acd_metric metric;
    size_t exact; /* offsetof(struct acd_erlang_result, ...) */
    const char *label;
    bool seconds;
    enum erlang_when when;
} erlang_rows[] = {
    {ACD_M_SERVICE_LEVEL, offsetof(struct acd_erlang_result, service_level), "Service level", false,
     ALWAYS},
    {ACD_M_P_WAIT, offsetof(struct acd_erlang_result, p_wait), "Had to wait", false, IF_QUEUE},
    {ACD_M_ABANDON_RATE, offsetof(struct acd_erlang_result, abandon_rate), "Abandoned", false,
     IF_ABANDON},
    {ACD_M_BLOCKED_RATE, offsetof(struct acd_erlang_result, blocked_rate), "Busy signals", false,
     IF_BLOCKING},
    {ACD_M_OCCUPANCY, offsetof(struct acd_erlang_result, occupancy), "Occupancy", false, ALWAYS},
    {ACD_M_ASA, offsetof(struct acd_erlang_result, asa_s), "ASA", true, IF_QUEUE},
    {ACD_M_MEAN_WAIT, offsetof(struct acd_erlang_result, mean_wait_s), "Mean wait (all calls)",
     true, IF_QUEUE},
};

static bool
erlang_row_applies(const struct acd_erlang_cmp *e, const struct erlang_row *row)
{
    switch (row->when) {
    case ALWAYS:
        return true;
    case IF_ABANDON:
        return e->params.model == ACD_ERLANG_A;
    case IF_BLOCKING:
        return e->params.model == ACD_ERLANG_B || e->params.queue_capacity >= 0;
    case IF_QUEUE:
        return e->params.model != ACD_ERLANG_B;
    }
    return false;
}

static double
erlang_exact(const struct acd_erlang_cmp *e, const struct erlang_row *row)
{
    double v;
    memcpy(&v, (const char *)&e->value + row->exact, sizeof(v));
    return v;
}

/* Block 0 shares, block 1 times: simulation mean, its CI, Erlang value. */
static void
data_erlang(FILE *f, const struct acd_results *r)
{
    for (int seconds = 0; seconds <= 1; seconds++) {
        for (size_t i = 0; i < ACD_ARRAY_LEN(erlang_rows); i++) {
            const struct erlang_row *row = &erlang_rows[i];
            if (row->seconds != seconds || !erlang_row_applies(&r->erlang, row))
                continue;
            acd_plot_num(f, r->summary.metric[row->metric].mean);
            acd_plot_num(f, r->summary.metric[row->metric].ci95);
            acd_plot_num(f, erlang_exact(&r->erlang, row));
            fputc('\n', f);
        }
        fputs("\n\n", f);
    }
}

static void
vars_erlang(FILE *f, const struct acd_results *r)
{
    static const char *const model[] = {
        [ACD_ERLANG_B] = "Erlang B", [ACD_ERLANG_C] = "Erlang C", [ACD_ERLANG_A] = "Erlang A"};
    fputs("model = ", f);
    acd_plot_string(f, model[r->erlang.params.model]);
    fprintf(f, "\nexact = %d\n", r->erlang.exponential);
    const char *labels[2][ACD_ARRAY_LEN(erlang_rows)];
    size_t n[2] = {0, 0};
    for (size_t i = 0; i < ACD_ARRAY_LEN(erlang_rows); i++) {
        const struct erlang_row *row = &erlang_rows[i];
        if (erlang_row_applies(&r->erlang, row))
            labels[row->seconds][n[row->seconds]++] = row->label;
    }
    acd_plot_array(f, "shares", n[0], string_at, labels[0]);
    acd_plot_array(f, "times", n[1], string_at, labels[1]);
}

/* ---------------------------------------------------------- the charts */

struct chart_def {
    const char *name;
    const char *title;
    const char *script;
    bool (*applies)(const struct acd_results *r);
    void (*data)(FILE *f, const struct acd_results *r);
    void (*vars)(FILE *f, const struct acd_results *r); /* NULL: common ones only */
};

/* Drawing order is the report's reading order: the verdict first. */
static const struct chart_def charts[] = {
    {"service_level", "Service level per interval", acd_plot_service_level_text, has_intervals,
     data_service_level, NULL},
    {"calls", "Calls per interval by outcome", acd_plot_calls_text, has_intervals, data_calls,
     vars_calls},
    {"wait_times", "Speed of answer per interval", acd_plot_wait_times_text, has_intervals,
     data_wait_times, NULL},
    {"agents", "Agents and occupancy per interval", acd_plot_agents_text, has_interval_groups,
     data_agents, NULL},
    {"wait_cdf", "Waiting-time distribution", acd_plot_wait_cdf_text, has_wait_cdf, data_wait_cdf,
     vars_wait_cdf},
    {"queue", "Calls waiting over time", acd_plot_queue_text, has_queue_series, data_queue, NULL},
    {"resolution", "Resolution, escalation and repeat calls", acd_plot_resolution_text,
     has_resolution, data_resolution, vars_resolution},
    {"erlang", "Simulation against Erlang", acd_plot_erlang_text, has_erlang, data_erlang,
     vars_erlang},
    {"days_service_level", "Service level per interval and day", acd_plot_days_heatmap_text,
     has_days, data_days_sl, vars_days_sl},
    {"days_occupancy", "Occupancy per interval and day", acd_plot_days_heatmap_text,
     has_days_groups, data_days_occupancy, vars_days_occupancy},
};

#define N_CHARTS ACD_ARRAY_LEN(charts)

const char *
acd_plot_chart_name(size_t i)
{
    return i < N_CHARTS ? charts[i].name : NULL;
}

/* The variables every script may use (documented in plots/common.gp). */
static void
common_vars(FILE *f, const struct acd_results *r, const char *datafile)
{
    /* Without results (an extra chart alone): empty names, NaN figures. */
    static const struct acd_results none = {0};
    if (!r)
        r = &none;
    const struct acd_setup *st = &r->setup;
    bool known = st->known;
    fputs("datafile = ", f);
    acd_plot_string(f, datafile);
    fputs("\nscenario = ", f);
    acd_plot_string(f, known && st->name ? st->name : "");
    fprintf(f, "\nday = %d\n", r->n_intervals > 0);
    if (r->n_intervals > 0) {
        const struct acd_interval_result *first = &r->intervals[0];
        acd_plot_var(f, "open_s", first->start_s);
        acd_plot_var(f, "close_s", r->intervals[r->n_intervals - 1].end_s);
        acd_plot_var(f, "interval_s", first->end_s - first->start_s);
    } else {
        fputs("open_s = NaN\nclose_s = NaN\ninterval_s = NaN\n", f);
    }
    acd_plot_var(f, "threshold_s", known ? st->sl_threshold_s : ACD_NAN);
    acd_plot_var(f, "sl_target", known ? st->sl_target : ACD_NAN);
    acd_plot_var(f, "max_asa_s", known ? st->max_asa_s : ACD_NAN);
    acd_plot_var(f, "max_abandon", known ? st->max_abandon : ACD_NAN);
    acd_plot_var(f, "max_occupancy", known ? st->max_occupancy : ACD_NAN);
    acd_plot_array(f, "types", n_types(r), type_name, st);
    acd_plot_array(f, "groups", n_groups(r), group_name, st);
}

/* One gnuplot process drawing one chart: a row of `charts`, or a
 * caller's extra chart. */
struct job {
    const struct chart_def *def;        /* NULL for an extra chart */
    const struct acd_plot_extra *extra; /* NULL for a row of `charts` */
    const char *name, *gp;              /* file stem and script, from either */
    struct acd_chart *chart;
    char *data_tmp;                /* its data file (tracked), removed when done */
    char *script;                  /* what goes to gnuplot's stdin */
    size_t len;                    /* bytes of script */
    struct acd_gnuplot_proc *proc; /* its process, once run */
    size_t body_line[2]; /* line of the script where each pass of the chart's script starts */
    size_t body_lines;   /* lines in the chart's script */
};

static size_t
count_lines(const char *s, size_t n)
{
    size_t lines = 0;
    for (size_t i = 0; i < n; i++)
        lines += s[i] == '\n';
    return lines;
}

/* One output format, into j's script (an open_memstream stream): the
 * terminal, then the chart's script, whose first line is recorded in
 * *first so that gnuplot's "line N" can be told as a line of NAME.gp. */
static void
script_pass(FILE *f, struct job *j, const char *terminal, const char *out, size_t *first)
{
    fprintf(f, "set terminal %s size %d,%d noenhanced font 'sans-serif,10' background '#ffffff'\n",
            terminal, ACD_PLOT_WIDTH, ACD_PLOT_HEIGHT);
    fputs("set output ", f);
    acd_plot_string(f, out);
    fputc('\n', f);
    fflush(f); /* updates j->script and j->len */
    *first = count_lines(j->script, j->len) + 1;
    fprintf(f, "%s\nunset output\n", j->gp);
}

/* ------------------------------------------------------------- files */

/* A file of the chart in the private staging directory. */
static char *
tmp_name(const char *stage, const char *name, const char *ext)
{
    return acd_xasprintf("%s/%s.%s", stage, name, ext);
}

/* gnuplot cannot open its outputs with O_EXCL | O_NOFOLLOW: acdsim creates
 * them so (empty), in the 0700 staging directory, and gnuplot truncates
 * them. Returns 0, or -1 with errno. */
static int
create_empty(const char *path)
{
    FILE *f = acd_tmpfile_create(path);
    if (!f)
        return -1;
    return fclose(f);
}

static void
remove_tmp(char **tmp)
{
    if (!*tmp)
        return;
    int saved = errno;
    unlink(*tmp);
    acd_tmpfile_track_tmp(*tmp, NULL);
    free(*tmp);
    *tmp = NULL;
    errno = saved;
}

/* Write the job's data file and compose its script. Returns 0, or -1 with
 * *error set. */
static int
prepare(struct job *j, const char *dir, const char *stage, const struct acd_results *r,
        char **error)
{
    const struct chart_def *d = j->def;
    const char *name = j->name;
    j->data_tmp = tmp_name(stage, name, "dat");
    acd_tmpfile_track_tmp(NULL, j->data_tmp);
    FILE *f = acd_tmpfile_create(j->data_tmp);
    if (f) {
        fprintf(f, "# acdsim chart data: %s (layout: plots/%s.gp)\n", name, name);
        if (d)
            d->data(f, r);
        else
            fputs(j->extra->data, f);
        bool ok = !ferror(f);
        if (fclose(f) != 0 || !ok)
            f = NULL;
    }
    if (!f) {
        *error = acd_xasprintf("chart %s: cannot write %s: %s", name, j->data_tmp,
                               strerror(errno ? errno : EIO));
        return -1;
    }

    struct acd_chart *c = j->chart;
    c->png_path = acd_xasprintf("%s/%s.png", dir, name);
    c->svg_path = acd_xasprintf("%s/%s.svg", dir, name);
    c->png_tmp = tmp_name(stage, name, "png");
    c->svg_tmp = tmp_name(stage, name, "svg");
    acd_tmpfile_track_tmp(NULL, c->png_tmp);
    acd_tmpfile_track_tmp(NULL, c->svg_tmp);
    const char *failed = create_empty(c->png_tmp) != 0   ? c->png_path
                         : create_empty(c->svg_tmp) != 0 ? c->svg_path
                                                         : NULL;
    if (failed) {
        *error = acd_xasprintf("chart %s: cannot write %s: %s", name, failed,
                               strerror(errno ? errno : EIO));
        return -1;
    }

    FILE *s = open_memstream(&j->script, &j->len);
    ACD_ASSERT(s != NULL); /* only fails without memory */
    fputs("set encoding utf8\n", s);
    fputs(acd_plot_common_text, s);
    fprintf(s, "\n# Variables of this run (chart %s)\n", name);
    common_vars(s, r, j->data_tmp);
    if (d && d->vars)
        d->vars(s, r);
    if (!d && j->extra->vars)
        fprintf(s, "%s\n", j->extra->vars);
    fprintf(s, "\n# plots/%s.gp as PNG, then as SVG\n", name);
    script_pass(s, j, "pngcairo", c->png_tmp, &j->body_line[0]);
    fputs("reset\n", s);
    script_pass(s, j, "svg", c->svg_tmp, &j->body_line[1]);
    j->body_lines = count_lines(j->gp, strlen(j->gp));
    int closed = fclose(s);
    ACD_ASSERT(closed == 0);
    return 0;
}

/* gnuplot's message on one line: its lines trimmed, blank ones and the
 * caret under the echoed command dropped, joined by " | ". Its
 * "/dev/stdin" line N is told as a line of NAME.gp when N falls in the
 * chart's script ("wait_cdf.gp line 12: undefined variable: x"). */
static char *
tell_message(const struct job *j)
{
    static const char at[] = "\"/dev/stdin\" line ";
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    ACD_ASSERT(f != NULL); /* only fails without memory */
    bool first = true;
    for (const char *msg = j->proc->msg; *msg;) {
        size_t n = strcspn(msg, "\n");
        const char *a = msg, *b = msg + n;
        msg += n + (msg[n] == '\n');
        while (a < b && (*a == ' ' || *a == '\t' || *a == '\r'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\r'))
            b--;
        if (b == a || (b - a == 1 && *a == '^'))
            continue;
        if (!first)
            fputs(" | ", f);
        first = false;
        if ((size_t)(b - a) > sizeof(at) - 1 && strncmp(a, at, sizeof(at) - 1) == 0) {
            char *end;
            unsigned long line = strtoul(a + sizeof(at) - 1, &end, 10);
            size_t k = line >= j->body_line[1] ? 1 : 0;
            if (line >= j->body_line[k] && line < j->body_line[k] + j->body_lines)
                fprintf(f, "%s.gp line %lu", j->name, line - j->body_line[k] + 1);
            else
                fprintf(f, "line %lu of the script acdsim composed", line);
            a = end;
        }
        fwrite(a, 1, (size_t)(b - a), f);
    }
    int closed = fclose(f);
    ACD_ASSERT(closed == 0);
    return out;
}

/* Make an output durable before its rename, like the other files of the
 * folder (gnuplot does not sync). */
static int
sync_file(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

/* A PNG ends with its IEND chunk: a file cut short (a full disk, which
 * gnuplot does not report) does not. */
static bool
png_complete(const char *path)
{
    static const unsigned char iend[8] = {'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82};
    unsigned char tail[8];
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = lseek(fd, -8, SEEK_END) >= 0 && read(fd, tail, 8) == 8 && memcmp(tail, iend, 8) == 0;
    close(fd);
    return ok;
}

/* Why gnuplot's output is missing or cut short, as the file system tells
 * it (gnuplot ignores its write errors): a probe of 64 KiB written and
 * synced next to the output. Returns that errno, or 0 if the probe
 * succeeds. */
static int
write_probe(const char *tmp)
{
    const char *slash = strrchr(tmp, '/');
    char *probe = acd_xasprintf("%.*s/.probe", slash ? (int)(slash - tmp) : 1, slash ? tmp : ".");
    int e = 0;
    acd_tmpfile_track_tmp(NULL, probe); /* a signal now removes it too */
    FILE *f = acd_tmpfile_create(probe);
    if (!f) {
        e = errno;
    } else {
        static const char zeros[4096];
        errno = 0;
        for (int i = 0; i < 16 && e == 0; i++)
            if (fwrite(zeros, 1, sizeof(zeros), f) != sizeof(zeros))
                e = errno ? errno : EIO;
        if (e == 0 && (fflush(f) != 0 || fsync(fileno(f)) != 0))
            e = errno ? errno : EIO;
        fclose(f);
        unlink(probe);
    }
    acd_tmpfile_track_tmp(probe, NULL);
    free(probe);
    return e;
}

/* After the process ended: its verdict. Returns 0, or -1 with *error set;
 * appends what a successful gnuplot printed to *warnings. */
static int
finish(struct job *j, char **error, char **warnings)
{
    const char *name = j->name;
    const struct acd_gnuplot_proc *g = j->proc;
    char *msg = tell_message(j);
    int rc = -1;
    if (WIFSIGNALED(g->status)) {
        *error = acd_xasprintf("chart %s: gnuplot killed by signal %d%s%s", name,
                               WTERMSIG(g->status), *msg ? ": " : "", msg);
    } else if (WEXITSTATUS(g->status) != 0) {
        if (*msg)
            *error = acd_xasprintf("chart %s: gnuplot: %s", name, msg);
        else
            *error = acd_xasprintf("chart %s: gnuplot exited with status %d", name,
                                   WEXITSTATUS(g->status));
    } else if (g->written != g->len) {
        *error = acd_xasprintf("chart %s: gnuplot did not read its script%s%s", name,
                               *msg ? ": " : "", msg);
    } else {
        struct acd_chart *c = j->chart;
        size_t len = 0;
        struct stat st;
        bool png = stat(c->png_tmp, &st) == 0 && st.st_size > 0 && png_complete(c->png_tmp);
        bool svg = png && (c->svg = acd_read_file(c->svg_tmp, SIZE_MAX, &len)) && len > 0 &&
                   strstr(c->svg, "</svg>");
        int e = 0;
        if (png && svg && (sync_file(c->png_tmp) != 0 || sync_file(c->svg_tmp) != 0))
            e = errno ? errno : EIO;
        else if (!png || !svg)
            e = write_probe(c->png_tmp);
        if (e != 0) {
            *error = acd_xasprintf("chart %s: cannot write %s: %s", name,
                                   png ? c->svg_path : c->png_path, strerror(e));
        } else if (!png || !svg) {
            *error = acd_xasprintf("chart %s: gnuplot wrote no %s%s%s", name, png ? "SVG" : "PNG",
                                   *msg ? ": " : "", msg);
        } else {
            rc = 0;
            if (*msg) {
                char *w = acd_xasprintf("%sacdsim: chart %s: gnuplot: %s\n",
                                        *warnings ? *warnings : "", name, msg);
                free(*warnings);
                *warnings = w;
            }
        }
    }
    free(msg);
    return rc;
}

/* ------------------------------------------------------------------ API */

int
acd_plot_render(const char *dir, const char *stage, const struct acd_results *r,
                const struct acd_plot_extra *extra, size_t n_extra, struct acd_charts *out)
{
    *out = (struct acd_charts){0};
    char *gnuplot = acd_gnuplot_find();
    if (!gnuplot) {
        out->gnuplot_missing = true;
        return 0;
    }
    size_t max = N_CHARTS + n_extra;
    out->v = acd_xcalloc(max, sizeof(*out->v));
    struct job *jobs = acd_xcalloc(max, sizeof(*jobs));
    size_t n = 0;
    int rc = 0;
    for (size_t i = 0; i < max && rc == 0; i++) {
        const struct chart_def *d = i < N_CHARTS ? &charts[i] : NULL;
        const struct acd_plot_extra *x = d ? NULL : &extra[i - N_CHARTS];
        if (d && (!r || !d->applies(r)))
            continue;
        jobs[n] = (struct job){.def = d,
                               .extra = x,
                               .name = d ? d->name : x->name,
                               .gp = d ? d->script : x->script,
                               .chart = &out->v[n]};
        out->v[n] = (struct acd_chart){.name = jobs[n].name, .title = d ? d->title : x->title};
        out->n = ++n;
        if (prepare(&jobs[n - 1], dir, stage, r, &out->error) != 0)
            rc = -1;
    }

    /* The processes, side by side; then each one's verdict. */
    struct acd_gnuplot_proc *procs = acd_xcalloc(n + 1, sizeof(*procs));
    for (size_t i = 0; i < n; i++) {
        procs[i] = (struct acd_gnuplot_proc){.script = jobs[i].script, .len = jobs[i].len};
        jobs[i].proc = &procs[i];
    }
    if (rc == 0 && acd_gnuplot_run(gnuplot, procs, n) != 0) {
        for (size_t i = 0; i < n; i++) {
            if (procs[i].start_errno != 0) {
                out->error = acd_xasprintf("chart %s: cannot run %s: %s", jobs[i].name, gnuplot,
                                           strerror(procs[i].start_errno));
                break;
            }
        }
        rc = -1;
    }

    for (size_t i = 0; i < n; i++) {
        struct job *j = &jobs[i];
        if (j->proc->ran) {
            char *error = NULL;
            if (finish(j, &error, &out->warnings) != 0) {
                if (!out->error && rc == 0)
                    out->error = error;
                else
                    free(error);
                rc = -1;
            }
        }
        remove_tmp(&j->data_tmp);
        free(j->script);
    }
    free(procs);
    free(gnuplot);
    free(jobs);
    if (rc != 0) {
        /* Nothing half-done stays: the caller sees n == 0. */
        struct acd_charts keep = {.error = out->error, .warnings = out->warnings};
        out->error = out->warnings = NULL;
        acd_plot_charts_fini(out);
        *out = keep;
    }
    return rc;
}

int
acd_plot_commit(struct acd_charts *c, FILE *err)
{
    for (size_t i = 0; i < c->n; i++) {
        struct acd_chart *ch = &c->v[i];
        const char *tmp[2] = {ch->png_tmp, ch->svg_tmp};
        const char *path[2] = {ch->png_path, ch->svg_path};
        char **slot[2] = {&ch->png_tmp, &ch->svg_tmp};
        for (int k = 0; k < 2; k++) {
            if (!tmp[k])
                continue;
            if (rename(tmp[k], path[k]) != 0) {
                fprintf(err, "acdsim: error: cannot write %s: %s\n", path[k], strerror(errno));
                return -1;
            }
            acd_tmpfile_track_tmp(tmp[k], NULL);
            free(*slot[k]);
            *slot[k] = NULL;
        }
    }
    return 0;
}

void
acd_plot_charts_fini(struct acd_charts *c)
{
    int saved = errno;
    for (size_t i = 0; i < c->n; i++) {
        struct acd_chart *ch = &c->v[i];
        remove_tmp(&ch->png_tmp);
        remove_tmp(&ch->svg_tmp);
        free(ch->svg);
        free(ch->png_path);
        free(ch->svg_path);
    }
    free(c->v);
    free(c->error);
    free(c->warnings);
    *c = (struct acd_charts){0};
    errno = saved;
}
