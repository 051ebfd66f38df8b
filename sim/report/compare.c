/*
 * compare: the differences of every KPI of every scope between scenarios
 * (compare.h), and the KPI table with the direction of each.
 */
#include "compare.h"
#include "acdsim/stats.h"
#include "display.h"
#include "units.h"
#include "util.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define T(x) (ACD_METRIC_COUNT + (x))

/* Every KPI compare reports, in output order, with its direction. */
const struct acd_cmp_kpi acd_cmp_kpis[] = {
    {ACD_M_SERVICE_LEVEL, +1},
    {ACD_M_ABANDON_RATE, -1},
    {ACD_M_ASA, -1},
    {ACD_M_MEAN_WAIT, -1},
    {ACD_M_WAIT_P90, -1},
    {ACD_M_OFFERED, 0},
    {ACD_M_SERVICE_LEVEL_ANSWERED, +1},
    {ACD_M_ANSWERED_RATE, +1},
    {ACD_M_BLOCKED_RATE, -1},
    {ACD_M_P_WAIT, -1},
    {ACD_M_MEAN_QUEUE_LEN, -1},
    {ACD_M_OCCUPANCY, 0},
    {ACD_M_BUSY_AGENTS, 0},
    {ACD_M_STAFFED_AGENTS, 0},
    {ACD_M_SERVICE_LEVEL_CUSTOMER, +1},
    {ACD_M_FCR_RATE, +1},
    {ACD_M_ESCALATION_RATE, 0},
    {ACD_M_REPEAT_SHARE, -1},
    {ACD_M_RETRIAL_SHARE, -1},
    {ACD_M_CONTACTS_PER_ISSUE, -1},
    {ACD_M_RESOLUTION_TIME, -1},
    {ACD_M_BALK_RATE, -1},
    {ACD_M_TIMEOUT_RATE, -1},
    {ACD_M_CALLBACK_RATE, 0},
    {ACD_M_IDLE_SHARE, 0},
    {ACD_M_TALK_SHARE, 0},
    {ACD_M_WRAP_SHARE, 0},
    {ACD_M_BREAK_SHARE, 0},
    {ACD_M_COST, -1},
    {ACD_M_COST_PER_CALL, -1},
    {ACD_M_SERVICE_LEVEL_CUMULATIVE, +1},
    {ACD_M_MEAN_WAIT_CUMULATIVE, -1},
    {ACD_M_AFTER_CLOSE_RATE, -1},
    {ACD_M_TRANSFER_RATE, 0},
    {ACD_M_RING_SHARE, 0},
    {ACD_M_BACKLOG_AT_OPEN, 0},
    {ACD_M_BACKLOG_AT_CLOSE, -1},
    {T(ACD_T_LABOR_COST), -1},
    {T(ACD_T_ABANDON_COST), -1},
    {T(ACD_T_REPEAT_COST), -1},
};
const size_t acd_cmp_n_kpis = ACD_ARRAY_LEN(acd_cmp_kpis);
/* Every metric once, and the three costs. */
_Static_assert(ACD_ARRAY_LEN(acd_cmp_kpis) == ACD_METRIC_COUNT + 3, "a metric without direction");

static const char *const cost_labels[] = {"Labor cost", "Abandon cost", "Repeat-call cost"};

const char *
acd_cmp_kpi_key(const struct acd_cmp_kpi *k)
{
    return k->slot < ACD_METRIC_COUNT ? acd_metrics[k->slot].key
                                      : acd_totals[k->slot - ACD_METRIC_COUNT].key;
}

const char *
acd_cmp_kpi_label(const struct acd_cmp_kpi *k)
{
    if (k->slot < ACD_METRIC_COUNT)
        return acd_metrics[k->slot].label;
    return cost_labels[k->slot - T(ACD_T_LABOR_COST)];
}

const struct acd_cmp_kpi *
acd_cmp_kpi_find(const char *key)
{
    for (size_t i = 0; i < acd_cmp_n_kpis; i++)
        if (strcmp(acd_cmp_kpi_key(&acd_cmp_kpis[i]), key) == 0)
            return &acd_cmp_kpis[i];
    return NULL;
}

bool
acd_cmp_kpi_shown(const struct acd_cmp_kpi *k, unsigned features)
{
    if (k->slot >= ACD_METRIC_COUNT)
        return (features & ACD_FEAT_COST) != 0;
    enum acd_metric m = (enum acd_metric)k->slot;
    return (!acd_metrics[m].feature || (acd_metrics[m].feature & features)) &&
           acd_stats_metric_shown(m, features);
}

const char *const acd_cmp_kind_names[8] = {
    "center",         "call_type", "group",   "interval", "interval_call_type",
    "interval_group", "day",       "channel",
};

bool
acd_cmp_kind_timed(enum acd_cmp_kind k)
{
    return k == ACD_CMP_INTERVAL || k == ACD_CMP_INTERVAL_TYPE || k == ACD_CMP_INTERVAL_GROUP;
}

char *
acd_cmp_scope_clock(const struct acd_cmp_scope *s, char *buf, size_t n)
{
    return acd_units_format_clock(s->start_s - s->day_midnight_s, buf, n);
}

char *
acd_cmp_scope_label(const struct acd_cmp_scope *s, char *buf, size_t n)
{
    char clock[48];
    if (s->day && acd_cmp_kind_timed(s->kind)) { /* a period: the day, then its clock */
        char c[16];
        snprintf(clock, sizeof(clock), "%s %s", s->day, acd_cmp_scope_clock(s, c, sizeof(c)));
    } else {
        acd_cmp_scope_clock(s, clock, sizeof(clock));
    }
    switch (s->kind) {
    case ACD_CMP_CENTER:
        snprintf(buf, n, "center");
        break;
    case ACD_CMP_TYPE:
    case ACD_CMP_GROUP:
        snprintf(buf, n, "%s", s->name);
        break;
    case ACD_CMP_INTERVAL:
        snprintf(buf, n, "%s", clock);
        break;
    case ACD_CMP_DAY:
        snprintf(buf, n, "%s", s->name);
        break;
    case ACD_CMP_CHANNEL:
        snprintf(buf, n, "channel %s", s->name);
        break;
    default:
        snprintf(buf, n, "%s %s", clock, s->name);
        break;
    }
    return buf;
}

int
acd_cmp_direction(const struct acd_cmp_kpi *k, const struct acd_cmp_value *v)
{
    if (!v->significant || k->better == 0)
        return 0;
    return (v->diff.mean > 0) == (k->better > 0) ? +1 : -1;
}

/* ------------------------------------------------------------ the scopes */

struct scope_ref {
    enum acd_cmp_kind kind;
    const char *name;
    double start_s;
    const struct acd_scope_result *res;
    const char *day; /* a period: the interval's day label; NULL */
    double day_midnight_s;
};

/* Every scope of r in output order: center, types, groups, channels
 * (when either side has more than one: `channels`), a period's days, then
 * per interval the center, its types and its groups. Caller frees. */
static size_t
list_scopes(const struct acd_results *r, bool channels_wanted, struct scope_ref **out)
{
    size_t nt = r->setup.n_call_types, ng = r->setup.n_groups;
    unsigned channels = r->setup.known ? acd_setup_channels(&r->setup) : 0;
    /* One channel: its scope is the summary (its own call types' figures). */
    size_t nch = channels_wanted && (r->channels || acd_channel_count(channels) == 1)
                     ? acd_channel_count(channels)
                     : 0;
    size_t nd = r->days ? r->setup.n_days : 0;
    size_t n = 1 + nt + ng + nch + nd + r->n_intervals * (1 + nt + ng), i = 0;
    struct scope_ref *s = acd_xcalloc(n, sizeof(*s));
    s[i++] = (struct scope_ref){ACD_CMP_CENTER, "", 0, &r->summary, NULL, 0};
    for (size_t k = 0; k < nt; k++)
        s[i++] =
            (struct scope_ref){ACD_CMP_TYPE, r->setup.call_types[k].name, 0, &r->types[k], NULL, 0};
    for (size_t g = 0; g < ng; g++)
        s[i++] =
            (struct scope_ref){ACD_CMP_GROUP, r->setup.groups[g].name, 0, &r->groups[g], NULL, 0};
    for (unsigned ch = 0; nch && ch < ACD_N_CHANNELS; ch++)
        if (channels & (1u << ch))
            s[i++] = (struct scope_ref){ACD_CMP_CHANNEL,
                                        acd_channel_name((enum acd_channel)ch),
                                        0,
                                        r->channels ? &r->channels[ch] : &r->summary,
                                        NULL,
                                        0};
    for (size_t d = 0; d < nd; d++)
        s[i++] = (struct scope_ref){
            ACD_CMP_DAY, r->setup.days[d].label, 0,
            &r->days[d], r->setup.days[d].label, acd_display_day_midnight(&r->setup, d)};
    for (size_t b = 0; b < r->n_intervals; b++) {
        const struct acd_interval_result *iv = &r->intervals[b];
        size_t first = i;
        s[i++] = (struct scope_ref){ACD_CMP_INTERVAL, "", iv->start_s, &iv->all, NULL, 0};
        for (size_t k = 0; k < nt; k++)
            s[i++] = (struct scope_ref){ACD_CMP_INTERVAL_TYPE,
                                        r->setup.call_types[k].name,
                                        iv->start_s,
                                        &iv->types[k],
                                        NULL,
                                        0};
        for (size_t g = 0; g < ng; g++)
            s[i++] = (struct scope_ref){ACD_CMP_INTERVAL_GROUP,
                                        r->setup.groups[g].name,
                                        iv->start_s,
                                        &iv->groups[g],
                                        NULL,
                                        0};
        size_t d = r->setup.n_days ? acd_display_day_of(&r->setup, b) : SIZE_MAX;
        for (size_t j = first; d != SIZE_MAX && j < i; j++) {
            s[j].day = r->setup.days[d].label;
            s[j].day_midnight_s = acd_display_day_midnight(&r->setup, d);
        }
    }
    ACD_ASSERT(i == n);
    *out = s;
    return n;
}

static bool
same_scope(const struct scope_ref *a, const struct scope_ref *b)
{
    return a->kind == b->kind && strcmp(a->name, b->name) == 0 &&
           fabs(a->start_s - b->start_s) < 1e-6;
}

/* The index of res among v's scopes, or SIZE_MAX. */
static size_t
value_index(const struct acd_rep_values *v, const struct acd_scope_result *res)
{
    for (size_t s = 0; s < v->n_scopes; s++)
        if (v->scope[s] == res)
            return s;
    return SIZE_MAX;
}

static bool
slot_applies_to_type(size_t slot)
{
    unsigned scopes = slot < ACD_METRIC_COUNT ? acd_metrics[slot].scopes
                                              : acd_totals[slot - ACD_METRIC_COUNT].scopes;
    return (scopes & ACD_SCOPE_TYPE) != 0;
}

static const struct acd_estimate *
estimate_of(const struct acd_scope_result *s, size_t slot)
{
    return slot < ACD_METRIC_COUNT ? &s->metric[slot] : &s->total[slot - ACD_METRIC_COUNT];
}

/* Paired: Student t on the per-replication differences. */
static struct acd_estimate
paired_diff(const struct acd_rep_values *av, size_t sa, const struct acd_rep_values *xv, size_t sx,
            size_t slot, double *d)
{
    size_t n = av->n < xv->n ? av->n : xv->n;
    for (size_t i = 0; i < n; i++)
        d[i] = xv->rows[i][sx * ACD_REP_VALUES_ROW + slot] -
               av->rows[i][sa * ACD_REP_VALUES_ROW + slot]; /* NAN if either is */
    return acd_stats_estimate(d, n);
}

/* Unpaired: Welch's difference of two estimates. */
static struct acd_estimate
welch_diff(const struct acd_estimate *a, const struct acd_estimate *x)
{
    struct acd_estimate e = {.mean = x->mean - a->mean, .ci95 = ACD_NAN, .n = 0};
    e.n = a->n < x->n ? a->n : x->n;
    if (isnan(e.mean) || a->n < 2 || x->n < 2 || !isfinite(a->ci95) || !isfinite(x->ci95))
        return e;
    double sa = a->ci95 / gsl_cdf_tdist_Pinv(0.975, (double)(a->n - 1));
    double sx = x->ci95 / gsl_cdf_tdist_Pinv(0.975, (double)(x->n - 1));
    double va = sa * sa, vx = sx * sx;
    if (va + vx == 0) {
        e.ci95 = 0;
        return e;
    }
    double df =
        (va + vx) * (va + vx) / (va * va / (double)(a->n - 1) + vx * vx / (double)(x->n - 1));
    e.ci95 = gsl_cdf_tdist_Pinv(0.975, df) * sqrt(va + vx);
    return e;
}

/* The sample variance of one value over the replications (NAN skipped). */
static double
rep_variance(const struct acd_rep_values *v, size_t s, size_t slot, double *x)
{
    size_t m = 0;
    for (size_t i = 0; i < v->n; i++) {
        double y = v->rows[i][s * ACD_REP_VALUES_ROW + slot];
        if (!isnan(y))
            x[m++] = y;
    }
    return m > 1 ? gsl_stats_variance(x, 1, m) : ACD_NAN;
}

void
acd_compare_add(struct acd_compare *c, const struct acd_results *x, const struct acd_rep_values *xv,
                const struct acd_rep_values *av)
{
    c->pairs = acd_xrealloc(c->pairs, (c->n_pairs + 1) * sizeof(*c->pairs));
    struct acd_cmp_pair *p = &c->pairs[c->n_pairs++];
    memset(p, 0, sizeof(*p));
    p->x = x;
    p->paired = av && xv;
    p->var_independent = p->var_paired = p->vr_factor = ACD_NAN;
    struct scope_ref *sa, *sx;
    bool channels = c->a->channels || x->channels; /* some side has more than one */
    size_t na = list_scopes(c->a, channels, &sa), nx = list_scopes(x, channels, &sx);
    bool *matched = acd_xcalloc(nx ? nx : 1, sizeof(bool));
    p->scopes = acd_xcalloc(na + nx, sizeof(*p->scopes));
    size_t reps = p->paired ? (av->n > xv->n ? av->n : xv->n) : 1;
    double *d = acd_xcalloc(reps, sizeof(double));
    for (size_t i = 0; i < na; i++) {
        struct acd_cmp_scope *o = &p->scopes[p->n_scopes++];
        o->kind = sa[i].kind;
        o->name = sa[i].name;
        o->start_s = sa[i].start_s;
        o->day = sa[i].day;
        o->day_midnight_s = sa[i].day_midnight_s;
        o->in_a = true;
        size_t j = 0;
        while (j < nx && (matched[j] || !same_scope(&sa[i], &sx[j])))
            j++;
        if (j == nx)
            continue;
        matched[j] = true;
        o->in_x = true;
        o->v = acd_xcalloc(acd_cmp_n_kpis, sizeof(*o->v));
        size_t ia = p->paired ? value_index(av, sa[i].res) : SIZE_MAX;
        size_t ix = p->paired ? value_index(xv, sx[j].res) : SIZE_MAX;
        if (p->paired)
            ACD_ASSERT(ia != SIZE_MAX && ix != SIZE_MAX);
        for (size_t k = 0; k < acd_cmp_n_kpis; k++) {
            size_t slot = acd_cmp_kpis[k].slot;
            struct acd_cmp_value *v = &o->v[k];
            /* A channel: a call type's figures (a one-channel center's
             * summary has the agents' too). */
            if (o->kind == ACD_CMP_CHANNEL && !slot_applies_to_type(slot))
                continue;
            v->a = *estimate_of(sa[i].res, slot);
            v->x = *estimate_of(sx[j].res, slot);
            v->diff = p->paired ? paired_diff(av, ia, xv, ix, slot, d) : welch_diff(&v->a, &v->x);
            v->significant =
                v->diff.n >= 2 && isfinite(v->diff.ci95) && fabs(v->diff.mean) > v->diff.ci95;
        }
        if (p->paired && o->kind == ACD_CMP_CENTER) {
            double va = rep_variance(av, ia, ACD_M_SERVICE_LEVEL, d);
            double vx = rep_variance(xv, ix, ACD_M_SERVICE_LEVEL, d);
            paired_diff(av, ia, xv, ix, ACD_M_SERVICE_LEVEL, d);
            size_t m = 0;
            for (size_t r = 0; r < reps; r++)
                if (!isnan(d[r]))
                    d[m++] = d[r];
            p->var_independent = va + vx;
            p->var_paired = m > 1 ? gsl_stats_variance(d, 1, m) : ACD_NAN;
            p->vr_factor = p->var_paired > 0        ? p->var_independent / p->var_paired
                           : p->var_independent > 0 ? (double)INFINITY
                                                    : ACD_NAN;
        }
    }
    for (size_t j = 0; j < nx; j++) {
        if (matched[j])
            continue;
        struct acd_cmp_scope *o = &p->scopes[p->n_scopes++];
        o->kind = sx[j].kind;
        o->name = sx[j].name;
        o->start_s = sx[j].start_s;
        o->day = sx[j].day;
        o->day_midnight_s = sx[j].day_midnight_s;
        o->in_x = true;
    }
    free(d);
    free(matched);
    free(sa);
    free(sx);
}

void
acd_compare_fini(struct acd_compare *c)
{
    for (size_t i = 0; i < c->n_pairs; i++) {
        for (size_t s = 0; s < c->pairs[i].n_scopes; s++)
            free(c->pairs[i].scopes[s].v);
        free(c->pairs[i].scopes);
    }
    free(c->pairs);
    memset(c, 0, sizeof(*c));
}
