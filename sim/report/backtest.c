/*
 * backtest: actual (a call log) against simulated (a scenario's run), per
 * interval of the operating day. See backtest.h and docs/backtest.md.
 */
#include "backtest.h"
#include "display.h"
#include "escape.h"
#include "json_out.h"
#include "outdir.h"
#include "plot.h"
#include "report.h"
#include "units.h"
#include "util.h"

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

extern const char acd_plot_backtest_kpi_text[];

const struct acd_backtest_kpi_info acd_backtest_kpis[ACD_BT_KPIS] = {
    [ACD_BT_OFFERED] = {"offered", "offered", ACD_M_OFFERED, false},
    [ACD_BT_SERVICE_LEVEL] = {"service_level", "service level", ACD_M_SERVICE_LEVEL, true},
    [ACD_BT_ABANDON_RATE] = {"abandon_rate", "abandon rate", ACD_M_ABANDON_RATE, true},
    [ACD_BT_ASA] = {"asa_s", "ASA", ACD_M_ASA, false},
    [ACD_BT_OCCUPANCY] = {"occupancy", "occupancy", ACD_M_OCCUPANCY, true},
};

/* ------------------------------------------------------------ the log */

/* Sums per (day, interval). */
enum { A_OFFERED, A_ANSWERED, A_ABANDONED, A_WITHIN, A_WAIT_S, A_TALK_S, A_AGENTS, A_SUMS };

struct day {
    int32_t day;
    double *sum; /* n_intervals * A_SUMS */
};

/* Open addressing, linear probing; grows at half full. */
struct name_set {
    size_t cap, n;
    char **name;
    uint32_t *id;
};

struct key_set {
    size_t cap, n;
    uint64_t *key; /* stored key + 1; 0: empty */
};

struct acd_backtest_actual {
    const struct acd_setup *st;
    size_t n_iv;
    size_t n_days, cap_days, last_day;
    struct day *days;
    unsigned long calls, outside;
    bool has_agents;
    struct name_set agents;
    struct key_set seen; /* (day index, interval, agent id) */
    /* The last call type's threshold (lookups by name are rare). */
    char *last_type;
    double last_threshold_s;
};

static uint64_t
hash_bytes(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static uint64_t
hash_u64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
}

static uint32_t
agent_id(struct name_set *s, const char *name)
{
    if (2 * (s->n + 1) > s->cap) {
        struct name_set t = {.cap = s->cap ? 2 * s->cap : 64};
        t.name = acd_xcalloc(t.cap, sizeof(*t.name));
        t.id = acd_xcalloc(t.cap, sizeof(*t.id));
        for (size_t i = 0; i < s->cap; i++)
            if (s->name[i]) {
                size_t j = hash_bytes(s->name[i]) & (t.cap - 1);
                while (t.name[j])
                    j = (j + 1) & (t.cap - 1);
                t.name[j] = s->name[i];
                t.id[j] = s->id[i];
            }
        t.n = s->n;
        free(s->name);
        free(s->id);
        *s = t;
    }
    size_t j = hash_bytes(name) & (s->cap - 1);
    while (s->name[j]) {
        if (strcmp(s->name[j], name) == 0)
            return s->id[j];
        j = (j + 1) & (s->cap - 1);
    }
    s->name[j] = acd_xstrdup(name);
    s->id[j] = (uint32_t)s->n++;
    return s->id[j];
}

/* Adds key; true if it was not there. */
static bool
key_add(struct key_set *s, uint64_t key)
{
    if (2 * (s->n + 1) > s->cap) {
        struct key_set t = {.cap = s->cap ? 2 * s->cap : 256, .n = s->n};
        t.key = acd_xcalloc(t.cap, sizeof(*t.key));
        for (size_t i = 0; i < s->cap; i++)
            if (s->key[i]) {
                size_t j = hash_u64(s->key[i]) & (t.cap - 1);
                while (t.key[j])
                    j = (j + 1) & (t.cap - 1);
                t.key[j] = s->key[i];
            }
        free(s->key);
        *s = t;
    }
    uint64_t k = key + 1;
    size_t j = hash_u64(k) & (s->cap - 1);
    while (s->key[j]) {
        if (s->key[j] == k)
            return false;
        j = (j + 1) & (s->cap - 1);
    }
    s->key[j] = k;
    s->n++;
    return true;
}

struct acd_backtest_actual *
acd_backtest_actual_new(const struct acd_setup *st)
{
    ACD_ASSERT(st->horizon == ACD_HORIZON_DAY && st->n_intervals > 0);
    struct acd_backtest_actual *a = acd_xcalloc(1, sizeof(*a));
    a->st = st;
    a->n_iv = st->n_intervals;
    return a;
}

void
acd_backtest_actual_free(struct acd_backtest_actual *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n_days; i++)
        free(a->days[i].sum);
    free(a->days);
    for (size_t i = 0; i < a->agents.cap; i++)
        free(a->agents.name[i]);
    free(a->agents.name);
    free(a->agents.id);
    free(a->seen.key);
    free(a->last_type);
    free(a);
}

static size_t
day_index(struct acd_backtest_actual *a, int32_t day)
{
    if (a->n_days && a->days[a->last_day].day == day)
        return a->last_day;
    for (size_t i = 0; i < a->n_days; i++)
        if (a->days[i].day == day)
            return a->last_day = i;
    a->days = acd_xgrow(a->days, &a->cap_days, a->n_days + 1, sizeof(*a->days));
    a->days[a->n_days] = (struct day){day, acd_xcalloc(a->n_iv * A_SUMS, sizeof(double))};
    return a->last_day = a->n_days++;
}

/* The service-level threshold of a call of type `type`: its own when the
 * scenario gives the type one, else the center's. */
static double
threshold_of(struct acd_backtest_actual *a, const char *type)
{
    if (a->last_type && strcmp(a->last_type, type) == 0)
        return a->last_threshold_s;
    double t = a->st->sl_threshold_s;
    for (size_t k = 0; k < a->st->n_call_types; k++) {
        const struct acd_setup_type *ty = &a->st->call_types[k];
        if (ty->has_sl && strcmp(ty->name, type) == 0)
            t = ty->sl_threshold_s;
    }
    free(a->last_type);
    a->last_type = acd_xstrdup(type);
    a->last_threshold_s = t;
    return t;
}

int
acd_backtest_actual_add(void *ud, const struct acd_calllog_record *r)
{
    struct acd_backtest_actual *a = ud;
    const struct acd_setup *st = a->st;
    if (!(r->arrival_s >= st->open_s && r->arrival_s < st->close_s)) {
        a->outside++;
        return 0;
    }
    size_t iv = (size_t)((r->arrival_s - st->open_s) / st->interval_s);
    if (iv >= a->n_iv)
        iv = a->n_iv - 1;
    size_t d = day_index(a, r->day);
    double *s = a->days[d].sum + iv * A_SUMS;
    a->calls++;
    s[A_OFFERED]++;
    if (r->outcome == ACD_CALLLOG_ABANDONED)
        s[A_ABANDONED]++;
    if (r->outcome != ACD_CALLLOG_ANSWERED)
        return 0;
    double wait = isnan(r->wait_s) ? r->answer_s - r->arrival_s : r->wait_s;
    s[A_ANSWERED]++;
    s[A_WAIT_S] += wait;
    if (wait <= (r->type ? threshold_of(a, r->type) : st->sl_threshold_s))
        s[A_WITHIN]++;
    /* The talk, over every interval of the day it overlaps. */
    if (isnan(r->answer_s) || isnan(r->end_s))
        return 0;
    uint32_t id = 0;
    bool agent = r->agent && *r->agent;
    if (agent) {
        a->has_agents = true;
        id = agent_id(&a->agents, r->agent);
    }
    double j0 = floor((r->answer_s - st->open_s) / st->interval_s);
    for (size_t j = j0 > 0 ? (size_t)j0 : 0; j < a->n_iv; j++) {
        double b = st->open_s + (double)j * st->interval_s, e = b + st->interval_s;
        if (b >= r->end_s && (double)j > j0)
            break; /* a talk of no length still shows its agent where it was */
        double *t = a->days[d].sum + j * A_SUMS;
        t[A_TALK_S] += fmax(0.0, fmin(e, r->end_s) - fmax(b, r->answer_s));
        if (agent && key_add(&a->seen, ((uint64_t)d << 40) | ((uint64_t)j << 24) | id))
            t[A_AGENTS]++;
    }
    return 0;
}

/* One day's value of each KPI in an interval's sums (NAN when undefined),
 * by KPI. Occupancy: the log's talk time over the scenario's agents in the
 * interval (staffed: the simulation's time-average agents on the phones),
 * the simulated figure's own denominator: a log shows who talked, not who
 * was available. */
static double
actual_offered(const double *s, double interval_s, double staffed)
{
    (void)interval_s, (void)staffed;
    return s[A_OFFERED];
}

static double
actual_service_level(const double *s, double interval_s, double staffed)
{
    (void)interval_s, (void)staffed;
    return s[A_OFFERED] > 0 ? s[A_WITHIN] / s[A_OFFERED] : ACD_NAN;
}

static double
actual_abandon_rate(const double *s, double interval_s, double staffed)
{
    (void)interval_s, (void)staffed;
    return s[A_OFFERED] > 0 ? s[A_ABANDONED] / s[A_OFFERED] : ACD_NAN;
}

static double
actual_asa(const double *s, double interval_s, double staffed)
{
    (void)interval_s, (void)staffed;
    return s[A_ANSWERED] > 0 ? s[A_WAIT_S] / s[A_ANSWERED] : ACD_NAN;
}

static double
actual_occupancy(const double *s, double interval_s, double staffed)
{
    return staffed > 0 ? s[A_TALK_S] / (staffed * interval_s) : ACD_NAN;
}

static double (*const actual_of[ACD_BT_KPIS])(const double *s, double interval_s,
                                              double staffed) = {
    [ACD_BT_OFFERED] = actual_offered,           [ACD_BT_SERVICE_LEVEL] = actual_service_level,
    [ACD_BT_ABANDON_RATE] = actual_abandon_rate, [ACD_BT_ASA] = actual_asa,
    [ACD_BT_OCCUPANCY] = actual_occupancy,
};

/* -------------------------------------------------------- comparison */

/* The band: the simulated mean plus or minus ci95 * sqrt(1 + n / D), n the
 * replications with a value and D the log's days with one. The
 * replications' sd is ci95 * sqrt(n) / t (t = t_{0.975, n-1}); the
 * difference of a mean of D days and the mean of n replications has the
 * sd sd * sqrt(1/D + 1/n), so the half-width t * sd * sqrt(1/D + 1/n) is
 * ci95 * sqrt(n/D + 1): with one day the 95% prediction band of one day
 * (t * sd * sqrt(1 + 1/n)), with many days close to the CI of the mean. */
static void
judge(struct acd_backtest_cell *c, const struct acd_estimate *e, bool has_calls)
{
    c->sim = e->mean;
    c->lo = c->hi = ACD_NAN;
    c->within = -1;
    if (e->n >= 2 && !isnan(e->ci95) && !isnan(e->mean) && c->days > 0) {
        double h = e->ci95 * sqrt(1.0 + (double)e->n / (double)c->days);
        c->lo = e->mean - h;
        c->hi = e->mean + h;
    }
    if (!has_calls || isnan(c->actual) || isnan(c->lo))
        return;
    double eps = 1e-9 * fmax(1.0, fabs(c->sim));
    c->within = c->actual >= c->lo - eps && c->actual <= c->hi + eps;
}

void
acd_backtest_make(const struct acd_backtest_actual *a, const struct acd_results *r,
                  struct acd_backtest *bt)
{
    ACD_ASSERT(r->n_intervals == a->n_iv);
    *bt = (struct acd_backtest){
        .setup = &r->setup,
        .seed = r->seed,
        .replications = r->replications,
        .n_days = a->n_days ? a->n_days : 1,
        .calls = a->calls,
        .outside_hours = a->outside,
        .has_agents = a->has_agents,
        .n_intervals = a->n_iv,
    };
    bt->iv = acd_xcalloc(a->n_iv, sizeof(*bt->iv));
    for (size_t i = 0; i < a->n_iv; i++) {
        struct acd_backtest_interval *v = &bt->iv[i];
        v->start_s = r->intervals[i].start_s;
        v->end_s = r->intervals[i].end_s;
        for (size_t d = 0; d < a->n_days; d++)
            v->has_calls |= a->days[d].sum[i * A_SUMS + A_OFFERED] > 0;
        for (int k = 0; k < ACD_BT_KPIS; k++) {
            struct acd_backtest_cell *c = &v->kpi[k];
            double sum = 0, sum2 = 0;
            unsigned n = 0;
            for (size_t d = 0; d < a->n_days; d++) {
                double x = actual_of[k](a->days[d].sum + i * A_SUMS, r->setup.interval_s,
                                        r->intervals[i].all.metric[ACD_M_STAFFED_AGENTS].mean);
                if (isnan(x))
                    continue;
                n++;
                sum += x;
                sum2 += x * x;
            }
            c->days = n;
            c->actual = n ? sum / n : ACD_NAN;
            c->actual_sd =
                n >= 2 ? sqrt(fmax(0.0, (sum2 - sum * sum / n) / (double)(n - 1))) : ACD_NAN;
            judge(c, &r->intervals[i].all.metric[acd_backtest_kpis[k].metric], v->has_calls);
            if (c->within >= 0) {
                bt->fit_kpi[k].judged++;
                bt->fit_kpi[k].within += (unsigned long)c->within;
            }
        }
    }
    for (int k = 0; k < ACD_BT_KPIS; k++) {
        struct acd_backtest_fit *f = &bt->fit_kpi[k];
        f->share = f->judged ? (double)f->within / (double)f->judged : ACD_NAN;
        bt->fit.judged += f->judged;
        bt->fit.within += f->within;
    }
    bt->fit.share = bt->fit.judged ? (double)bt->fit.within / (double)bt->fit.judged : ACD_NAN;
    bt->verdict = isnan(bt->fit.share)           ? "none"
                  : bt->fit.share >= ACD_BT_GOOD ? "good"
                  : bt->fit.share >= ACD_BT_FAIR ? "fair"
                                                 : "poor";
}

void
acd_backtest_fini(struct acd_backtest *bt)
{
    free(bt->iv);
    memset(bt, 0, sizeof(*bt));
}

/* ------------------------------------------------------------- text */

static const char *
pct_or_dash(char *buf, size_t n, double x)
{
    if (isnan(x))
        return "-";
    return acd_display_value(ACD_DISPLAY_SHARE, x, 0, buf, n);
}

char *
acd_backtest_fit_line(const struct acd_backtest *bt)
{
    char buf[32];
    char *s = acd_xasprintf("Fit: %s of interval x KPI values within the simulated 95%% band (",
                            pct_or_dash(buf, sizeof(buf), bt->fit.share));
    for (int k = 0; k < ACD_BT_KPIS; k++) {
        char *t = acd_xasprintf("%s%s%s %s", s, k ? ", " : "", acd_backtest_kpis[k].label,
                                pct_or_dash(buf, sizeof(buf), bt->fit_kpi[k].share));
        free(s);
        s = t;
    }
    char *t = acd_xasprintf("%s): %s", s, bt->verdict);
    free(s);
    return t;
}

/* A value as the table shows it: a share in %, a count or seconds. */
static void
fmt_value(char *buf, size_t n, double x, const struct acd_backtest_kpi_info *k, bool integral)
{
    if (isnan(x))
        snprintf(buf, n, "-");
    else if (k->share)
        snprintf(buf, n, "%.1f", 100.0 * x);
    else if (integral)
        snprintf(buf, n, "%.0f", x);
    else
        snprintf(buf, n, "%.1f", x);
}

#define CELL_W 25

static void
text_cell(FILE *out, const struct acd_backtest_cell *c, const struct acd_backtest_kpi_info *k,
          bool one_day)
{
    char a[32], m[32], lo[32], hi[32], cell[4 * 32 + 8];
    fmt_value(a, sizeof(a), c->actual, k, one_day && k == &acd_backtest_kpis[ACD_BT_OFFERED]);
    fmt_value(m, sizeof(m), c->sim, k, false);
    if (isnan(c->lo)) {
        snprintf(cell, sizeof(cell), "%s %s", a, m);
    } else {
        double l = c->lo, h = c->hi;
        l = fmax(l, 0); /* the band as drawn: no share beyond [0, 1], no count below 0 */
        if (k->share)
            h = fmin(h, 1);
        fmt_value(lo, sizeof(lo), l, k, false);
        fmt_value(hi, sizeof(hi), h, k, false);
        snprintf(cell, sizeof(cell), "%s %s[%s-%s]", a, m, lo, hi);
    }
    fprintf(out, "  %*s%c", CELL_W - 1, cell, c->within == 0 ? '*' : ' ');
}

int
acd_backtest_write_text(FILE *out, const struct acd_backtest *bt,
                        const struct acd_backtest_source *src)
{
    const struct acd_setup *st = bt->setup;
    char c1[16], c2[16];
    fputs("Back-test: ", out); /* names and paths are data: escaped for the terminal */
    acd_escape_fputs(src && src->log_path ? src->log_path : "the log", out);
    fputs(" against ", out);
    acd_escape_fputs(st->name && *st->name ? st->name : "the scenario", out);
    fputc('\n', out);
    if (src && src->stats) {
        const struct acd_calllog_stats *s = src->stats;
        unsigned long skipped = 0;
        for (int i = 0; i < ACD_CALLLOG_SKIP_REASONS; i++)
            skipped += s->skipped[i];
        fprintf(out,
                "log: %lu rows: %lu calls used, %lu outside opening hours (not used), "
                "%lu ignored, %lu never queued, %lu skipped",
                s->rows, bt->calls, bt->outside_hours, s->ignored, s->not_queued, skipped);
        const char *sep = " (";
        for (int i = 0; i < ACD_CALLLOG_SKIP_REASONS; i++)
            if (s->skipped[i]) {
                fprintf(out, "%s%s %lu, first at line %lu", sep, acd_calllog_skip_names[i],
                        s->skipped[i], s->first_skip_line[i]);
                sep = "; ";
            }
        fprintf(out, "%s\n", skipped ? ")" : "");
    }
    fprintf(out, "day: %s to %s in %g-minute intervals; %zu day%s in the log\n",
            acd_units_format_clock(st->open_s, c1, sizeof(c1)),
            acd_units_format_clock(st->close_s, c2, sizeof(c2)), st->interval_s / 60.0, bt->n_days,
            bt->n_days == 1 ? "" : "s");
    fprintf(out, "simulated: %u replications, seed %" PRIu64 "; band: %s\n", bt->replications,
            bt->seed,
            bt->n_days == 1 ? "95% prediction band of one day"
                            : "95% band of the days' mean (the simulated mean's CI, widened "
                              "for the days' count)");
    fprintf(out, "cells: actual simulated[band]; * actual outside the band; shares in %%, ASA "
                 "in s; occupancy: the log's talk over the scenario's agents\n\n");
    fprintf(out, "%-5s", "start");
    for (int k = 0; k < ACD_BT_KPIS; k++)
        fprintf(out, "  %*s ", CELL_W - 1, acd_backtest_kpis[k].label);
    fputc('\n', out);
    for (size_t i = 0; i < bt->n_intervals; i++) {
        const struct acd_backtest_interval *v = &bt->iv[i];
        fprintf(out, "%-5s", acd_units_format_clock(v->start_s, c1, sizeof(c1)));
        for (int k = 0; k < ACD_BT_KPIS; k++)
            text_cell(out, &v->kpi[k], &acd_backtest_kpis[k], bt->n_days == 1);
        fputc('\n', out);
    }
    char *line = acd_backtest_fit_line(bt);
    fprintf(out, "\n%s\n", line);
    free(line);
    return ferror(out) ? -1 : 0;
}

/* ------------------------------------------------------------- JSON */

static json_t *
fit_json(const struct acd_backtest_fit *f)
{
    json_t *o = acd_json_check(json_object());
    acd_json_set(o, "share", acd_json_real(f->share));
    acd_json_set(o, "judged", acd_json_check(json_integer((json_int_t)f->judged)));
    acd_json_set(o, "within", acd_json_check(json_integer((json_int_t)f->within)));
    return o;
}

static char *
json_text(const struct acd_backtest *bt, const struct acd_backtest_source *src)
{
    const struct acd_setup *st = bt->setup;
    json_t *root = acd_json_check(json_object());
    acd_json_set(root, "seed", acd_json_check(json_integer(0)));
    json_t *log = acd_json_check(json_object());
    acd_json_set(log, "path", acd_json_str(src ? src->log_path : NULL));
    if (src && src->stats) {
        const struct acd_calllog_stats *s = src->stats;
        acd_json_set(log, "rows", acd_json_check(json_integer((json_int_t)s->rows)));
        acd_json_set(log, "ignored", acd_json_check(json_integer((json_int_t)s->ignored)));
        acd_json_set(log, "not_queued", acd_json_check(json_integer((json_int_t)s->not_queued)));
        json_t *sk = acd_json_check(json_object());
        for (int i = 0; i < ACD_CALLLOG_SKIP_REASONS; i++)
            acd_json_set(sk, acd_calllog_skip_names[i],
                         acd_json_check(json_integer((json_int_t)s->skipped[i])));
        acd_json_set(log, "skipped", sk);
    }
    acd_json_set(log, "calls", acd_json_check(json_integer((json_int_t)bt->calls)));
    acd_json_set(log, "outside_hours", acd_json_check(json_integer((json_int_t)bt->outside_hours)));
    acd_json_set(log, "days", acd_json_check(json_integer((json_int_t)bt->n_days)));
    acd_json_set(log, "has_agents", acd_json_check(json_boolean(bt->has_agents)));
    acd_json_set(root, "log", log);

    json_t *sc = acd_json_check(json_object());
    acd_json_set(sc, "name", acd_json_str(st->name));
    acd_json_set(sc, "path", acd_json_str(src ? src->scenario_path : NULL));
    acd_json_set(sc, "open_s", acd_json_real(st->open_s));
    acd_json_set(sc, "close_s", acd_json_real(st->close_s));
    acd_json_set(sc, "interval_s", acd_json_real(st->interval_s));
    acd_json_set(sc, "threshold_s", acd_json_real(st->sl_threshold_s));
    acd_json_set(root, "scenario", sc);

    json_t *sim = acd_json_check(json_object());
    acd_json_set(sim, "replications", acd_json_check(json_integer((json_int_t)bt->replications)));
    acd_json_set(sim, "band", acd_json_str(bt->n_days == 1 ? "prediction" : "mean"));
    acd_json_set(root, "simulation", sim);

    json_t *kpis = acd_json_check(json_array());
    for (int k = 0; k < ACD_BT_KPIS; k++)
        acd_json_push(kpis, acd_json_str(acd_backtest_kpis[k].key));
    acd_json_set(root, "kpis", kpis);

    json_t *ivs = acd_json_check(json_array());
    for (size_t i = 0; i < bt->n_intervals; i++) {
        const struct acd_backtest_interval *v = &bt->iv[i];
        json_t *o = acd_json_check(json_object());
        char c[16];
        acd_json_set(o, "start", acd_json_str(acd_units_format_clock(v->start_s, c, sizeof(c))));
        acd_json_set(o, "start_s", acd_json_real(v->start_s));
        acd_json_set(o, "end_s", acd_json_real(v->end_s));
        acd_json_set(o, "has_calls", acd_json_check(json_boolean(v->has_calls)));
        for (int k = 0; k < ACD_BT_KPIS; k++) {
            const struct acd_backtest_cell *x = &v->kpi[k];
            json_t *e = acd_json_check(json_object());
            acd_json_set(e, "actual", acd_json_real(x->actual));
            acd_json_set(e, "actual_sd", acd_json_real(x->actual_sd));
            acd_json_set(e, "days", acd_json_check(json_integer((json_int_t)x->days)));
            acd_json_set(e, "simulated", acd_json_real(x->sim));
            acd_json_set(e, "lo", acd_json_real(x->lo));
            acd_json_set(e, "hi", acd_json_real(x->hi));
            acd_json_set(e, "within",
                         x->within < 0 ? acd_json_check(json_null())
                                       : acd_json_check(json_boolean(x->within)));
            acd_json_set(o, acd_backtest_kpis[k].key, e);
        }
        acd_json_push(ivs, o);
    }
    acd_json_set(root, "intervals", ivs);

    json_t *fit = fit_json(&bt->fit);
    acd_json_set(fit, "verdict", acd_json_str(bt->verdict));
    json_t *fk = acd_json_check(json_object());
    for (int k = 0; k < ACD_BT_KPIS; k++)
        acd_json_set(fk, acd_backtest_kpis[k].key, fit_json(&bt->fit_kpi[k]));
    acd_json_set(fit, "kpis", fk);
    char *line = acd_backtest_fit_line(bt);
    acd_json_set(fit, "line", acd_json_str(line));
    free(line);
    acd_json_set(root, "fit", fit);
    return acd_json_dump(root, true, bt->seed);
}

int
acd_backtest_write_json(FILE *out, const struct acd_backtest *bt,
                        const struct acd_backtest_source *src)
{
    return acd_json_put(out, json_text(bt, src));
}

/* -------------------------------------------------------------- CSV */

int
acd_backtest_write_csv(FILE *out, const struct acd_backtest *bt)
{
    fputs("start,end", out);
    for (int k = 0; k < ACD_BT_KPIS; k++) {
        const char *n = acd_backtest_kpis[k].key;
        fprintf(out, ",%s,%s_sd,%s_sim,%s_lo,%s_hi,%s_within", n, n, n, n, n, n);
    }
    fputc('\n', out);
    for (size_t i = 0; i < bt->n_intervals; i++) {
        const struct acd_backtest_interval *v = &bt->iv[i];
        char c1[16], c2[16];
        fprintf(out, "%s,%s", acd_units_format_clock(v->start_s, c1, sizeof(c1)),
                acd_units_format_clock(v->end_s, c2, sizeof(c2)));
        for (int k = 0; k < ACD_BT_KPIS; k++) {
            const struct acd_backtest_cell *x = &v->kpi[k];
            const double vals[] = {x->actual, x->actual_sd, x->sim, x->lo, x->hi};
            for (size_t j = 0; j < ACD_ARRAY_LEN(vals); j++) {
                fputc(',', out);
                acd_report_csv_number(out, vals[j]);
            }
            fputc(',', out);
            if (x->within >= 0)
                fputc(x->within ? '1' : '0', out);
        }
        fputc('\n', out);
    }
    return ferror(out) ? -1 : 0;
}

/* ----------------------------------------------------------- folder */

static char *
to_string(int (*write)(FILE *, const struct acd_backtest *), const struct acd_backtest *bt,
          size_t *len)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    ACD_ASSERT(f != NULL);
    int rc = write(f, bt);
    ACD_ASSERT(rc == 0); /* a memory stream fails only without memory */
    rc = fclose(f);
    ACD_ASSERT(rc == 0);
    *len = n;
    return buf;
}

/* plots/backtest_kpi.gp's data: one line per interval. */
static char *
chart_data(const struct acd_backtest *bt, int k)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    ACD_ASSERT(f != NULL);
    for (size_t i = 0; i < bt->n_intervals; i++) {
        const struct acd_backtest_interval *v = &bt->iv[i];
        const struct acd_backtest_cell *x = &v->kpi[k];
        acd_plot_num(f, 0.5 * (v->start_s + v->end_s));
        acd_plot_num(f, v->has_calls ? x->actual : ACD_NAN);
        acd_plot_num(f, x->sim);
        acd_plot_num(f, x->lo);
        acd_plot_num(f, x->hi);
        acd_plot_num(f, x->within == 0 ? 1 : 0);
        fputc('\n', f);
    }
    int rc = fclose(f);
    ACD_ASSERT(rc == 0);
    return buf;
}

static char *
chart_vars(const struct acd_backtest *bt, int k)
{
    const struct acd_setup *st = bt->setup;
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    ACD_ASSERT(f != NULL);
    fputs("scenario = ", f);
    acd_plot_string(f, st->name);
    fputs("\nkpi_label = ", f);
    acd_plot_string(f, acd_backtest_kpis[k].label);
    fputs("\nband_label = ", f);
    acd_plot_string(f, bt->n_days == 1 ? "simulated 95% prediction band (one day)"
                                       : "simulated 95% band of the days' mean");
    fputs("\nactual_label = ", f);
    acd_plot_string(f, bt->n_days == 1 ? "actual" : "actual (mean of the days)");
    fputc('\n', f);
    acd_plot_var(f, "open_s", st->open_s);
    acd_plot_var(f, "close_s", st->close_s);
    acd_plot_var(f, "interval_s", st->interval_s);
    acd_plot_var(f, "threshold_s", st->sl_threshold_s);
    acd_plot_var(f, "is_share", acd_backtest_kpis[k].share ? 1 : 0);
    acd_plot_var(f, "is_seconds", k == ACD_BT_ASA ? 1 : 0);
    acd_plot_var(f, "fit", bt->fit_kpi[k].share);
    int rc = fclose(f);
    ACD_ASSERT(rc == 0);
    return buf;
}

static const char *const chart_titles[ACD_BT_KPIS] = {
    "Offered calls per interval: actual and simulated",
    "Service level per interval: actual and simulated",
    "Abandon rate per interval: actual and simulated",
    "ASA per interval: actual and simulated",
    "Occupancy per interval: actual and simulated",
};

int
acd_backtest_write_out(const char *dir, const struct acd_backtest *bt,
                       const struct acd_backtest_source *src, FILE *err)
{
    char *json = json_text(bt, src);
    size_t csv_len = 0;
    char *csv = to_string(acd_backtest_write_csv, bt, &csv_len);
    const struct acd_outdir_text files[] = {
        {"backtest.json", json, strlen(json)},
        {"backtest.csv", csv, csv_len},
    };
    struct acd_plot_extra charts[ACD_BT_KPIS];
    char *names[ACD_BT_KPIS], *data[ACD_BT_KPIS], *vars[ACD_BT_KPIS];
    for (int k = 0; k < ACD_BT_KPIS; k++) {
        names[k] = acd_xasprintf("backtest_%s", acd_backtest_kpis[k].key);
        data[k] = chart_data(bt, k);
        vars[k] = chart_vars(bt, k);
        charts[k] = (struct acd_plot_extra){
            .name = names[k],
            .title = chart_titles[k],
            .script = acd_plot_backtest_kpi_text,
            .data = data[k],
            .vars = vars[k],
        };
    }
    const struct acd_outdir_extra extra = {
        .n_files = ACD_ARRAY_LEN(files),
        .files = files,
        .n_charts = ACD_BT_KPIS,
        .charts = charts,
    };
    int rc = acd_outdir_write(dir, NULL, NULL, &extra, err);
    for (int k = 0; k < ACD_BT_KPIS; k++) {
        free(names[k]);
        free(data[k]);
        free(vars[k]);
    }
    free(csv);
    free(json);
    return rc;
}
