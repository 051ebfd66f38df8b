/*
 * calibrate: records -> estimates -> the scenario YAML (calibrate.h).
 */
#include "calibrate.h"
#include "acdsim/run.h"
#include "acdsim/scenario_load.h"
#include "display.h"
#include "util.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One customer's last call, for the retrial tracker. */
struct acd_calib_customer {
    uint64_t key; /* hash of the id; 0: empty */
    double t_s;   /* day * 86400 + the time the last call left the queue */
    uint16_t attempt;
    uint8_t outcome;
};

#define MAX_PROBES 64

static uint64_t
hash64(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h ? h : 1;
}

static uint64_t
mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x ? x : 1;
}

struct acd_calib *
acd_calib_new(const struct acd_calib_opts *o)
{
    ACD_ASSERT(o->interval_s > 0);
    struct acd_calib *c = acd_xcalloc(1, sizeof *c);
    c->o = *o;
    c->n_slots = (size_t)ceil(172800.0 / o->interval_s);
    c->availability = 1;
    c->actual_abandon = c->fitted_abandon = c->seen_abandon = ACD_NAN;
    return c;
}

static size_t
find_type(struct acd_calib *c, const char *name)
{
    for (size_t i = 0; i < c->n_types; i++)
        if (strcmp(c->types[i].name, name) == 0)
            return i;
    if (c->n_types == c->cap_types) {
        c->cap_types = c->cap_types ? 2 * c->cap_types : 8;
        c->types = acd_xrealloc(c->types, c->cap_types * sizeof *c->types);
    }
    struct acd_calib_type *t = &c->types[c->n_types];
    memset(t, 0, sizeof *t);
    t->name = acd_xstrdup(name);
    acd_fit_sample_init(&t->handle);
    acd_fit_sample_init(&t->retry_delay);
    acd_fit_censored_init(&t->patience);
    t->fresh_by_day = acd_xcalloc(c->cap_days ? c->cap_days : 1, sizeof(double *));
    t->aband1_by_day = acd_xcalloc(c->cap_days ? c->cap_days : 1, sizeof(double *));
    return c->n_types++;
}

static size_t
find_day(struct acd_calib *c, int32_t day, int weekday)
{
    for (size_t i = c->n_days; i-- > 0;)
        if (c->day[i] == day)
            return i;
    if (c->n_days == c->cap_days) {
        size_t cap = c->cap_days ? 2 * c->cap_days : 8;
        c->day = acd_xrealloc(c->day, cap * sizeof *c->day);
        c->weekday = acd_xrealloc(c->weekday, cap * sizeof *c->weekday);
        c->day_last = acd_xrealloc(c->day_last, cap * sizeof *c->day_last);
        c->busy = acd_xrealloc(c->busy, cap * sizeof *c->busy);
        c->seen = acd_xrealloc(c->seen, cap * sizeof *c->seen);
        for (size_t t = 0; t < c->n_types; t++) {
            struct acd_calib_type *ty = &c->types[t];
            ty->fresh_by_day = acd_xrealloc(ty->fresh_by_day, cap * sizeof(double *));
            ty->aband1_by_day = acd_xrealloc(ty->aband1_by_day, cap * sizeof(double *));
            for (size_t d = c->cap_days; d < cap; d++)
                ty->fresh_by_day[d] = ty->aband1_by_day[d] = NULL;
        }
        c->cap_days = cap;
    }
    size_t i = c->n_days++;
    c->day[i] = day;
    c->weekday[i] = weekday;
    c->day_last[i] = -(double)INFINITY;
    c->busy[i] = acd_xcalloc(c->n_slots, sizeof(double));
    c->seen[i] = acd_xcalloc(c->n_slots, sizeof(uint32_t));
    return i;
}

static size_t
slot_of(const struct acd_calib *c, double t_s)
{
    if (!(t_s > 0))
        return 0;
    double s = floor(t_s / c->o.interval_s);
    return s >= (double)c->n_slots ? c->n_slots - 1 : (size_t)s;
}

static void
day_slot_add(double ***by_day, size_t d, size_t n_slots, size_t slot, double x)
{
    if (!(*by_day)[d])
        (*by_day)[d] = acd_xcalloc(n_slots, sizeof(double));
    (*by_day)[d][slot] += x;
}

/* Adds key to the set of agents seen; true if it was not there. */
static bool
agent_key_add(struct acd_calib *c, uint64_t key)
{
    if (2 * (c->n_agent_keys + 1) > c->cap_agent_keys) {
        size_t cap = c->cap_agent_keys ? 2 * c->cap_agent_keys : 1024;
        uint64_t *k = acd_xcalloc(cap, sizeof *k);
        for (size_t i = 0; i < c->cap_agent_keys; i++)
            if (c->agent_keys[i]) {
                size_t j = c->agent_keys[i] & (cap - 1);
                while (k[j])
                    j = (j + 1) & (cap - 1);
                k[j] = c->agent_keys[i];
            }
        free(c->agent_keys);
        c->agent_keys = k;
        c->cap_agent_keys = cap;
    }
    size_t j = key & (c->cap_agent_keys - 1);
    while (c->agent_keys[j]) {
        if (c->agent_keys[j] == key)
            return false;
        j = (j + 1) & (c->cap_agent_keys - 1);
    }
    c->agent_keys[j] = key;
    c->n_agent_keys++;
    return true;
}

/* The tracker entry of a customer (key), or where to put it; NULL when
 * the probes met only live entries of others (the table is full). */
static struct acd_calib_customer *
customer_slot(struct acd_calib *c, uint64_t key, double now_s, bool *found)
{
    if (!c->cust)
        c->cust = acd_xcalloc(ACD_CALIB_CUSTOMER_SLOTS, sizeof *c->cust);
    struct acd_calib_customer *free_slot = NULL;
    size_t j = key & (ACD_CALIB_CUSTOMER_SLOTS - 1);
    for (int p = 0; p < MAX_PROBES; p++, j = (j + 1) & (ACD_CALIB_CUSTOMER_SLOTS - 1)) {
        struct acd_calib_customer *e = &c->cust[j];
        if (e->key == key) {
            *found = true;
            return e;
        }
        bool stale = e->key && now_s - e->t_s > ACD_CALIB_RETRIAL_WINDOW_S;
        if (!free_slot && (!e->key || stale))
            free_slot = e;
        if (!e->key)
            break;
    }
    *found = false;
    return free_slot;
}

int
acd_calib_add(void *ud, const struct acd_calllog_record *r)
{
    struct acd_calib *c = ud;
    c->records++;
    size_t t = find_type(c, r->type && r->type[0] ? r->type : "(no type)");
    size_t d = find_day(c, r->day, r->weekday);
    struct acd_calib_type *ty = &c->types[t];
    size_t slot = slot_of(c, r->arrival_s);
    ty->offered++;
    if (r->arrival_s > c->day_last[d])
        c->day_last[d] = r->arrival_s;

    /* Retrial after abandon? */
    bool retrial = false;
    unsigned attempt = 1;
    if (r->customer && r->customer[0]) {
        c->has_customer = true;
        double now = (double)r->day * 86400.0 + r->arrival_s;
        bool found;
        struct acd_calib_customer *e = customer_slot(c, hash64(r->customer), now, &found);
        if (found && e->outcome == ACD_CALLLOG_ABANDONED && now >= e->t_s &&
            now - e->t_s < ACD_CALIB_RETRIAL_WINDOW_S) {
            retrial = true;
            attempt = e->attempt + 1u;
            acd_fit_sample_add(&ty->retry_delay, now - e->t_s);
            if (e->attempt == 1)
                ty->retried1++;
            else
                ty->retried2++;
        }
        if (e) {
            e->key = hash64(r->customer);
            e->attempt = (uint16_t)(attempt > 60000 ? 60000 : attempt);
            e->outcome = (uint8_t)r->outcome;
            double leave = r->arrival_s + (isfinite(r->wait_s) ? r->wait_s : 0);
            e->t_s = (double)r->day * 86400.0 + leave;
        } else {
            c->untracked++;
        }
        if (attempt > ty->max_chain)
            ty->max_chain = attempt;
    }
    if (retrial) {
        ty->retrials++;
    } else {
        ty->fresh++;
        day_slot_add(&ty->fresh_by_day, d, c->n_slots, slot, 1);
    }

    switch (r->outcome) {
    case ACD_CALLLOG_ANSWERED:
        ty->answered++;
        acd_fit_sample_add(&ty->handle, r->handle_s);
        if (r->wait_s >= ACD_CALIB_INSTANT_S)
            ty->waited++;
        acd_fit_censored_add(&ty->patience, r->wait_s, false);
        /* busy time, spread over the slots the talk overlaps */
        if (isfinite(r->answer_s) && isfinite(r->end_s)) {
            double a = r->answer_s, e = r->end_s;
            for (size_t s = slot_of(c, a); s < c->n_slots; s++) {
                double s0 = (double)s * c->o.interval_s, s1 = s0 + c->o.interval_s;
                double lo = a > s0 ? a : s0, hi = e < s1 ? e : s1;
                if (hi > lo)
                    c->busy[d][s] += hi - lo;
                if (e <= s1)
                    break;
            }
        }
        if (r->agent && r->agent[0]) {
            /* seen working in every interval the talk overlaps (a long
             * call keeps its agent on duty in the next interval too) */
            c->has_agent = true;
            double a = isfinite(r->answer_s) ? r->answer_s : r->arrival_s;
            double e = isfinite(r->end_s) && r->end_s > a ? r->end_s : a;
            uint64_t h = hash64(r->agent);
            size_t first = slot_of(c, a), last = slot_of(c, e);
            if (last > first && e <= (double)last * c->o.interval_s)
                last--; /* ended on the boundary */
            for (size_t s = first; s <= last; s++) {
                uint64_t key = mix64(h ^ mix64(((uint64_t)d << 20) ^ s));
                if (agent_key_add(c, key))
                    c->seen[d][s]++;
            }
        }
        break;
    case ACD_CALLLOG_ABANDONED:
        ty->abandoned++;
        if (!(r->wait_s >= ACD_CALIB_INSTANT_S))
            ty->instant++;
        else
            ty->waited++;
        /* instant hang-ups stay in the patience data: left out, the fits
         * would see no abandon in the first second and bend away from a
         * constant hazard; the balk written is what patience does not
         * explain (finish) */
        acd_fit_censored_add(&ty->patience, r->wait_s > 0 ? r->wait_s : 0, true);
        if (r->customer && r->customer[0]) {
            if (attempt == 1) {
                ty->abandons1++;
                day_slot_add(&ty->aband1_by_day, d, c->n_slots,
                             slot_of(c, r->arrival_s + (isfinite(r->wait_s) ? r->wait_s : 0)), 1);
            } else {
                ty->abandons2++;
            }
        }
        break;
    case ACD_CALLLOG_BLOCKED:
        ty->blocked++;
        break;
    default:
        break;
    }
    return 0;
}

/* ---------------------------------------------------- distributions */

static double
weibull_shape(double cv)
{
    double target = log1p(cv * cv), lo = 0.02, hi = 200;
    for (int i = 0; i < 200; i++) {
        double k = sqrt(lo * hi);
        double v = gsl_sf_lngamma(1 + 2 / k) - 2 * gsl_sf_lngamma(1 + 1 / k);
        if (v > target)
            lo = k;
        else
            hi = k;
    }
    return sqrt(lo * hi);
}

/* shape and scale of the families that have them */
static void
params(const struct acd_fit *f, double *a, double *b)
{
    switch (f->family) {
    case ACD_FIT_GAMMA:
        *a = 1 / (f->cv * f->cv);
        *b = f->mean / *a;
        break;
    case ACD_FIT_ERLANG:
        *a = f->k;
        *b = f->mean / *a;
        break;
    case ACD_FIT_LOGNORMAL: {
        double s2 = log1p(f->cv * f->cv);
        *a = log(f->mean) - s2 / 2;
        *b = sqrt(s2);
        break;
    }
    case ACD_FIT_WEIBULL:
        *b = weibull_shape(f->cv);
        *a = f->mean / exp(gsl_sf_lngamma(1 + 1 / *b));
        break;
    default:
        *a = f->mean;
        *b = 1;
        break;
    }
}

double
acd_calib_pdf(const struct acd_fit *f, double x)
{
    double a, b;
    params(f, &a, &b);
    switch (f->family) {
    case ACD_FIT_GAMMA:
    case ACD_FIT_ERLANG:
        return gsl_ran_gamma_pdf(x, a, b);
    case ACD_FIT_LOGNORMAL:
        return gsl_ran_lognormal_pdf(x, a, b);
    case ACD_FIT_WEIBULL:
        return gsl_ran_weibull_pdf(x, a, b);
    default:
        return gsl_ran_exponential_pdf(x, a);
    }
}

double
acd_calib_sf(const struct acd_fit *f, double x)
{
    double a, b;
    params(f, &a, &b);
    switch (f->family) {
    case ACD_FIT_GAMMA:
    case ACD_FIT_ERLANG:
        return gsl_cdf_gamma_Q(x, a, b);
    case ACD_FIT_LOGNORMAL:
        return gsl_cdf_lognormal_Q(x, a, b);
    case ACD_FIT_WEIBULL:
        return gsl_cdf_weibull_Q(x, a, b);
    default:
        return gsl_cdf_exponential_Q(x, a);
    }
}

/* By bisection on the survival function: GSL's inverses abort (through
 * acdsim's GSL error handler) when they do not converge, as gamma's may
 * far in a tail. */
double
acd_calib_quantile(const struct acd_fit *f, double p)
{
    if (!(p > 0))
        return 0;
    if (!(p < 1))
        return (double)INFINITY;
    double lo = 0, hi = f->mean > 0 ? f->mean : 1;
    for (int i = 0; i < 200 && 1 - acd_calib_sf(f, hi) < p; i++)
        lo = hi, hi *= 2;
    for (int i = 0; i < 100; i++) {
        double mid = 0.5 * (lo + hi);
        if (1 - acd_calib_sf(f, mid) < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* ----------------------------------------------------------- finish */

static void
choose_days(struct acd_calib *c)
{
    c->use_day = acd_xcalloc(c->n_days ? c->n_days : 1, sizeof *c->use_day);
    c->weekday_used = -1;
    if (c->o.by == ACD_CALIB_BY_WEEKDAY) {
        int w = c->o.weekday;
        if (w < 0) {
            size_t count[7] = {0};
            for (size_t d = 0; d < c->n_days; d++)
                if (c->weekday[d] >= 0 && c->weekday[d] < 7)
                    count[c->weekday[d]]++;
            for (int i = 0; i < 7; i++)
                if (count[i] && (w < 0 || count[i] > count[w]))
                    w = i;
        }
        bool dated = false;
        for (size_t d = 0; d < c->n_days; d++)
            dated |= c->weekday[d] >= 0;
        c->weekday_used = dated ? w : -1; /* without dates: every day */
        for (size_t d = 0; d < c->n_days; d++)
            c->use_day[d] = !dated || c->weekday[d] == w;
    } else if (c->o.by == ACD_CALIB_BY_DATE) {
        size_t last = 0;
        for (size_t d = 1; d < c->n_days; d++)
            if (c->day[d] > c->day[last])
                last = d;
        if (c->n_days)
            c->use_day[last] = true;
    } else {
        for (size_t d = 0; d < c->n_days; d++)
            c->use_day[d] = true;
    }
    c->n_used_days = 0;
    for (size_t d = 0; d < c->n_days; d++)
        c->n_used_days += c->use_day[d];
}

static void
finish_arrivals(struct acd_calib *c)
{
    /* the slots with calls on the days used */
    c->first = c->n_slots, c->last = 0;
    for (size_t t = 0; t < c->n_types; t++)
        for (size_t d = 0; d < c->n_days; d++)
            if (c->use_day[d] && c->types[t].fresh_by_day[d])
                for (size_t s = 0; s < c->n_slots; s++)
                    if (c->types[t].fresh_by_day[d][s] > 0) {
                        if (s < c->first)
                            c->first = s;
                        if (s > c->last)
                            c->last = s;
                    }
    if (c->first > c->last)
        c->first = c->last = 0;
    double days = c->n_used_days ? (double)c->n_used_days : 1;
    for (size_t t = 0; t < c->n_types; t++) {
        struct acd_calib_type *ty = &c->types[t];
        ty->rate = acd_xcalloc(c->n_slots, sizeof(double));
        ty->rate_lo = acd_xcalloc(c->n_slots, sizeof(double));
        ty->rate_hi = acd_xcalloc(c->n_slots, sizeof(double));
        ty->day_lo = acd_xcalloc(c->n_slots, sizeof(double));
        ty->day_hi = acd_xcalloc(c->n_slots, sizeof(double));
        for (size_t s = c->first; s <= c->last; s++) {
            double sum = 0, mn = (double)INFINITY, mx = -(double)INFINITY;
            for (size_t d = 0; d < c->n_days; d++) {
                if (!c->use_day[d])
                    continue;
                double x = ty->fresh_by_day[d] ? ty->fresh_by_day[d][s] : 0;
                sum += x;
                mn = x < mn ? x : mn;
                mx = x > mx ? x : mx;
            }
            double lo, hi;
            acd_fit_poisson_ci(sum, &lo, &hi);
            ty->rate[s] = sum / days;
            ty->rate_lo[s] = lo / days;
            ty->rate_hi[s] = hi / days;
            if (c->n_used_days > 1) {
                ty->day_lo[s] = mn;
                ty->day_hi[s] = mx;
            } else {
                ty->day_lo[s] = ty->rate_lo[s];
                ty->day_hi[s] = ty->rate_hi[s];
            }
        }
    }
    /* busyness: the daily totals' variance beyond Poisson */
    c->busyness_cv = ACD_NAN;
    if (c->n_used_days >= 3) {
        double s1 = 0, s2 = 0, n = (double)c->n_used_days;
        for (size_t d = 0; d < c->n_days; d++) {
            if (!c->use_day[d])
                continue;
            double tot = 0;
            for (size_t t = 0; t < c->n_types; t++)
                if (c->types[t].fresh_by_day[d])
                    for (size_t s = 0; s < c->n_slots; s++)
                        tot += c->types[t].fresh_by_day[d][s];
            s1 += tot;
            s2 += tot * tot;
        }
        double mean = s1 / n, var = (s2 - n * mean * mean) / (n - 1);
        double v = mean > 0 ? var / (mean * mean) - 1 / mean : 0;
        c->busyness_cv = v > 0 ? sqrt(v) : 0;
    }
}

static void
finish_retrials(struct acd_calib *c, struct acd_calib_type *ty)
{
    ty->has_retry = c->has_customer && ty->retrials > 0 && ty->abandons1 > 0;
    if (!ty->has_retry)
        return;
    struct acd_fit fits[ACD_FIT_FAMILIES];
    acd_fit_all(&ty->retry_delay, fits);
    ty->delay = fits[ACD_FIT_EXPONENTIAL];
    if (!ty->delay.ok) {
        /* one retrial: its delay */
        double m = ty->retry_delay.n ? ty->retry_delay.sum / (double)ty->retry_delay.n : 60;
        ty->delay.family = ACD_FIT_EXPONENTIAL;
        ty->delay.mean = m > 0 ? m : 60;
        ty->delay.mean_lo = ty->delay.mean_hi = ty->delay.mean;
        ty->delay.cv = 1;
    }
    /* An abandon late in the day could not be seen retried: weigh each by
     * the chance (fitted delay) that its retrial came before the day's
     * last call. */
    double exposure = 0;
    for (size_t d = 0; d < c->n_days; d++) {
        if (!ty->aband1_by_day[d])
            continue;
        for (size_t s = 0; s < c->n_slots; s++) {
            double k = ty->aband1_by_day[d][s];
            if (k == 0)
                continue;
            double mid = ((double)s + 0.5) * c->o.interval_s;
            double left = c->day_last[d] - mid;
            exposure += k * (left > 0 ? -expm1(-left / ty->delay.mean) : 0);
        }
    }
    if (exposure < (double)ty->retried1)
        exposure = (double)ty->retried1;
    ty->exposure1 = exposure;
    acd_fit_share_ci((double)ty->retried1, exposure, &ty->p_first, &ty->p_first_lo,
                     &ty->p_first_hi);
    if (ty->abandons2 > 0)
        acd_fit_share_ci((double)ty->retried2, (double)ty->abandons2, &ty->p_later, &ty->p_later_lo,
                         &ty->p_later_hi);
    else
        ty->p_later = ACD_NAN;
}

static void
finish_agents(struct acd_calib *c)
{
    if (!c->agents) {
        c->agents = acd_xcalloc(c->n_slots, sizeof(double));
        c->agents_seen = acd_xcalloc(c->n_slots, sizeof(double));
        c->busy_mean = acd_xcalloc(c->n_slots, sizeof(double));
        c->occupancy = acd_xcalloc(c->n_slots, sizeof(double));
    }
    double days = c->n_used_days ? (double)c->n_used_days : 1;
    for (size_t s = c->first; s <= c->last; s++) {
        double seen = 0, busy = 0;
        for (size_t d = 0; d < c->n_days; d++)
            if (c->use_day[d]) {
                seen += c->seen[d][s];
                busy += c->busy[d][s];
            }
        c->agents_seen[s] = seen / days;
        c->busy_mean[s] = busy / days;
        double a;
        if (c->o.agents > 0) {
            a = c->o.agents;
            c->agents_from = "constant";
        } else if (c->o.agents_by_slot && s < c->o.n_agents_by_slot &&
                   !isnan(c->o.agents_by_slot[s])) {
            a = c->o.agents_by_slot[s];
            c->agents_from = "file";
        } else if (c->has_agent) {
            /* the agents seen, times the share of them available (1 until
             * acd_calib_fit_availability), at least one where some were */
            double x = c->availability * c->agents_seen[s];
            a = c->agents_seen[s] > 0 ? fmax(1, round(x)) : 0;
            c->agents_from = "log";
        } else {
            a = ceil(c->busy_mean[s] / c->o.interval_s / 0.85 - 1e-9);
            a = a > 0 ? a : 0;
            c->agents_from = "busy time";
        }
        c->agents[s] = a;
        c->occupancy[s] = a > 0 ? c->busy_mean[s] / (a * c->o.interval_s) : ACD_NAN;
    }
    if (!c->agents_from)
        c->agents_from = c->o.agents > 0 ? "constant" : c->has_agent ? "log" : "busy time";
}

void
acd_calib_finish(struct acd_calib *c, const struct acd_calllog_map *map)
{
    c->has_date = map && map->column[ACD_CALLLOG_DATE];
    choose_days(c);
    finish_arrivals(c);
    for (size_t t = 0; t < c->n_types; t++) {
        struct acd_calib_type *ty = &c->types[t];
        ty->handle_best = acd_fit_all(&ty->handle, ty->handle_fit);
        ty->handle_mean = ty->handle_mean_lo = ty->handle_mean_hi = ACD_NAN;
        if (ty->handle.n >= 2)
            acd_fit_sample_mean(&ty->handle, &ty->handle_mean, &ty->handle_mean_lo,
                                &ty->handle_mean_hi);
        ty->patience_best = acd_fit_censored_all(&ty->patience, ty->patience_fit);
        ty->km_median_s = ACD_NAN;
        if (ty->patience.n_event > 0) {
            ty->km = acd_fit_km(&ty->patience);
            for (size_t i = 0; i < ty->km->n; i++)
                if (ty->km->surv[i] <= 0.5) {
                    ty->km_median_s = ty->km->t_s[i];
                    break;
                }
        }
        ty->patience_empirical = c->o.empirical_patience && ty->patience_best < ACD_FIT_FAMILIES &&
                                 ty->km &&
                                 ty->patience_fit[ty->patience_best].ks > ACD_CALIB_MAX_KS;
        double need = (double)ty->waited + (double)ty->instant;
        acd_fit_share_ci((double)ty->instant, need, &ty->balk, &ty->balk_lo, &ty->balk_hi);
        /* the share of instant hang-ups patience itself gives */
        ty->instant_expected = 0;
        if (ty->patience_best < ACD_FIT_FAMILIES)
            ty->instant_expected =
                1 - acd_calib_sf(&ty->patience_fit[ty->patience_best], ACD_CALIB_INSTANT_S);
        ty->balk_excess = 0;
        if (ty->instant > 0 && ty->balk_lo > ty->instant_expected)
            ty->balk_excess = (ty->balk - ty->instant_expected) / (1 - ty->instant_expected);
        finish_retrials(c, ty);
    }
    finish_agents(c);
}

void
acd_calib_free(struct acd_calib *c)
{
    if (!c)
        return;
    for (size_t t = 0; t < c->n_types; t++) {
        struct acd_calib_type *ty = &c->types[t];
        free(ty->name);
        acd_fit_sample_fini(&ty->handle);
        acd_fit_sample_fini(&ty->retry_delay);
        acd_fit_censored_fini(&ty->patience);
        for (size_t d = 0; d < c->n_days; d++) {
            free(ty->fresh_by_day[d]);
            free(ty->aband1_by_day[d]);
        }
        free(ty->fresh_by_day);
        free(ty->aband1_by_day);
        acd_fit_km_free(ty->km);
        free(ty->rate);
        free(ty->rate_lo);
        free(ty->rate_hi);
        free(ty->day_lo);
        free(ty->day_hi);
    }
    free(c->types);
    for (size_t d = 0; d < c->n_days; d++) {
        free(c->busy[d]);
        free(c->seen[d]);
    }
    free(c->day);
    free(c->weekday);
    free(c->day_last);
    free(c->busy);
    free(c->seen);
    free(c->agent_keys);
    free(c->cust);
    free(c->use_day);
    free(c->agents);
    free(c->agents_seen);
    free(c->busy_mean);
    free(c->occupancy);
    free(c);
}

/* ------------------------------------------------------------ write */

const char *
acd_calib_clock(const struct acd_calib *c, size_t slot, char *buf)
{
    int s = (int)lround((double)slot * c->o.interval_s); /* at most 48 h */
    ACD_ASSERT(s >= 0 && s <= 172800);
    if (s % 60)
        snprintf(buf, 16, "%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, 16, "%02d:%02d", s / 3600, s / 60 % 60);
    return buf;
}

static char *
patience_name(const struct acd_calib *c, size_t t)
{
    const char *n = c->types[t].name;
    size_t len = strlen(n);
    char *out = acd_xmalloc(len + 40);
    strcpy(out, "patience_");
    char *p = out + 9;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)n[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
        *p++ = ok ? (char)ch : '_';
    }
    *p = 0;
    return out;
}

char *
acd_calib_patience_file(const struct acd_calib *c, size_t t)
{
    char *mine = patience_name(c, t);
    bool taken = false;
    for (size_t u = 0; u < t && !taken; u++) {
        char *other = patience_name(c, u);
        taken = strcmp(other, mine) == 0;
        free(other);
    }
    size_t len = strlen(mine);
    if (taken)
        snprintf(mine + len, 30, "_%zu", t + 1);
    strcat(mine, ".csv");
    return mine;
}

int
acd_calib_write_patience(const struct acd_calib *c, size_t t, FILE *f)
{
    const struct acd_calib_type *ty = &c->types[t];
    const struct acd_fit_km *km = ty->km;
    ACD_ASSERT(km && ty->patience_best < ACD_FIT_FAMILIES);
    const struct acd_fit *fit = &ty->patience_fit[ty->patience_best];
    double s_last = km->n ? km->surv[km->n - 1] : 1;
    fprintf(f,
            "# patience of %zu: %d quantiles of the Kaplan-Meier curve; beyond its last "
            "event, of the fitted %s\n",
            t + 1, ACD_CALIB_PATIENCE_SAMPLES, acd_fit_family_names[fit->family]);
    size_t i = 0;
    for (int k = 0; k < ACD_CALIB_PATIENCE_SAMPLES; k++) {
        double p = (k + 0.5) / ACD_CALIB_PATIENCE_SAMPLES; /* F(x) = p: S(x) = 1 - p */
        double x;
        if (1 - p >= s_last) {
            while (i < km->n && km->surv[i] > 1 - p)
                i++;
            x = km->t_s[i < km->n ? i : km->n - 1];
        } else {
            /* the fitted tail, conditional on lasting past the last event */
            double tl = km->t_s[km->n - 1], sf = acd_calib_sf(fit, tl);
            double q = 1 - sf * (1 - p) / s_last;
            x = acd_calib_quantile(fit, q);
            if (!(x > tl))
                x = tl;
        }
        fprintf(f, "%.3f\n", x);
    }
    return ferror(f) ? -1 : 0;
}

/* A YAML double-quoted scalar. */
static void
yaml_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(f, "\\x%02x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* A name in a comment: control characters as '?'. */
static void
comment_str(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, f);
}

static void
write_dist(FILE *f, const struct acd_fit *fit)
{
    fprintf(f, "{dist: %s, mean: %.3f", acd_fit_family_names[fit->family], fit->mean);
    if (fit->family == ACD_FIT_ERLANG)
        fprintf(f, ", k: %u", fit->k);
    else if (fit->family != ACD_FIT_EXPONENTIAL)
        fprintf(f, ", cv: %.4f", fit->cv);
    fputc('}', f);
}

static void
fit_comment(FILE *f, const char *indent, const struct acd_fit *fits, size_t best)
{
    const struct acd_fit *b = &fits[best];
    fprintf(f, "%s# %s by least AIC (%.1f): mean %.1f s (95%% CI %.1f-%.1f)", indent,
            acd_fit_family_names[b->family], b->aic, b->mean, b->mean_lo, b->mean_hi);
    if (b->family != ACD_FIT_EXPONENTIAL)
        fprintf(f, ", cv %.3f (%.3f-%.3f)", b->cv, b->cv_lo, b->cv_hi);
    fprintf(f, ", KS %.3f\n", b->ks);
    size_t second = ACD_FIT_FAMILIES;
    for (size_t i = 0; i < ACD_FIT_FAMILIES; i++)
        if (i != best && fits[i].ok &&
            (second == ACD_FIT_FAMILIES || fits[i].aic < fits[second].aic))
            second = i;
    if (second < ACD_FIT_FAMILIES)
        fprintf(f, "%s# runner-up: %s (AIC %.1f, mean %.1f s, KS %.3f)\n", indent,
                acd_fit_family_names[fits[second].family], fits[second].aic, fits[second].mean,
                fits[second].ks);
}

static void
write_type(const struct acd_calib *c, size_t t, FILE *f)
{
    const struct acd_calib_type *ty = &c->types[t];
    char b1[16];
    fputs("  - name: ", f);
    yaml_str(f, ty->name);
    fprintf(f,
            "\n    # %" PRIu64 " calls offered (%" PRIu64 " fresh, %" PRIu64 " retrials): %" PRIu64
            " answered, %" PRIu64 " abandoned (%" PRIu64 " instant), %" PRIu64 " blocked\n",
            ty->offered, ty->fresh, ty->retrials, ty->answered, ty->abandoned, ty->instant,
            ty->blocked);
    fprintf(f,
            "    arrivals:\n      # fresh calls per interval, per day over %zu day(s), "
            "95%% Poisson CI\n      per_interval:\n",
            c->n_used_days);
    for (size_t s = c->first; s <= c->last; s++) {
        fprintf(f, "        - %.3f   # (95%% CI %.3f-%.3f), ", ty->rate[s], ty->rate_lo[s],
                ty->rate_hi[s]);
        comment_str(f, ty->name);
        fprintf(f, ", %s\n", acd_calib_clock(c, s, b1));
    }
    if (ty->handle_best < ACD_FIT_FAMILIES) {
        fprintf(f,
                "    # handle time from %" PRIu64 " answered calls: sample mean %.1f s (95%% "
                "CI %.1f-%.1f)\n",
                ty->answered, ty->handle_mean, ty->handle_mean_lo, ty->handle_mean_hi);
        fit_comment(f, "    ", ty->handle_fit, ty->handle_best);
        fputs("    handle_time: ", f);
        write_dist(f, &ty->handle_fit[ty->handle_best]);
        fputc('\n', f);
    } else {
        fputs("    # handle time: fewer than 2 answered calls; 3 minutes assumed\n"
              "    handle_time: {dist: exponential, mean: 180}\n",
              f);
    }
    if (ty->patience_best < ACD_FIT_FAMILIES) {
        fprintf(f,
                "    # patience from %" PRIu64 " abandons (events) and %" PRIu64
                " answered waits (censored)",
                ty->patience.n_event, ty->patience.n_censored);
        if (!isnan(ty->km_median_s))
            fprintf(f, "; Kaplan-Meier median %.0f s", ty->km_median_s);
        fputc('\n', f);
        fit_comment(f, "    ", ty->patience_fit, ty->patience_best);
        const struct acd_fit *pf = &ty->patience_fit[ty->patience_best];
        if (ty->patience_empirical) {
            char *name = acd_calib_patience_file(c, t);
            fprintf(f, "    # KS %.3f > %.2f: the Kaplan-Meier curve itself (%d quantiles)\n",
                    pf->ks, ACD_CALIB_MAX_KS, ACD_CALIB_PATIENCE_SAMPLES);
            fputs("    patience: {dist: empirical, file: ", f);
            yaml_str(f, name);
            fputs("}\n", f);
            free(name);
        } else {
            if (pf->ks > ACD_CALIB_MAX_KS)
                fprintf(f,
                        "    # KS %.3f > %.2f: a poor fit, but an empirical patience needs "
                        "-o DIR (its sample file)\n",
                        pf->ks, ACD_CALIB_MAX_KS);
            fputs("    patience: ", f);
            write_dist(f, pf);
            fputc('\n', f);
        }
    } else {
        fprintf(f,
                "    # patience: %" PRIu64 " abandons after waiting, too few to fit: callers "
                "never hang up\n",
                ty->patience.n_event);
    }
    if (ty->instant > 0) {
        fprintf(f,
                "    # %" PRIu64 " instant hang-ups (wait < %.0f s) of %" PRIu64
                " calls that waited or hung up: %.4f (95%% CI %.4f-%.4f);\n"
                "    # the patience above gives %.4f of them",
                ty->instant, ACD_CALIB_INSTANT_S, ty->waited + ty->instant, ty->balk, ty->balk_lo,
                ty->balk_hi, ty->instant_expected);
        if (ty->balk_excess > 0)
            fprintf(f, ": the excess balks\n    balk: %.4f\n", ty->balk_excess);
        else
            fputs(", no more: no balk\n", f);
    }
    if (ty->has_retry) {
        unsigned max =
            ty->max_chain > ACD_CALIB_MAX_ATTEMPTS ? ACD_CALIB_MAX_ATTEMPTS : ty->max_chain;
        if (max < 2)
            max = 2;
        fprintf(f,
                "    # retrials after abandon, from repeated customer ids: %" PRIu64 " of %" PRIu64
                " first-attempt abandons called again (%.1f expected to be "
                "seen before the day's last call)\n",
                ty->retried1, ty->abandons1, ty->exposure1);
        fprintf(f,
                "    #   p_first %.4f (95%% CI %.4f-%.4f); delay mean %.1f s (%.1f-%.1f); "
                "longest chain %u attempts\n",
                ty->p_first, ty->p_first_lo, ty->p_first_hi, ty->delay.mean, ty->delay.mean_lo,
                ty->delay.mean_hi, ty->max_chain);
        fprintf(f, "    retry:\n      abandon: {p_first: %.4f", ty->p_first);
        if (!isnan(ty->p_later)) {
            fprintf(f, ", p_later: %.4f", ty->p_later);
        }
        fprintf(f, ", delay: {dist: exponential, mean: %.3f}, max_attempts: %u}\n", ty->delay.mean,
                max);
        if (!isnan(ty->p_later))
            fprintf(f,
                    "      # p_later from %" PRIu64 " of %" PRIu64
                    " later-attempt abandons (95%% CI %.4f-%.4f)\n",
                    ty->retried2, ty->abandons2, ty->p_later_lo, ty->p_later_hi);
    }
}

int
acd_calib_write_scenario(const struct acd_calib *c, const char *log_name, FILE *f)
{
    char b1[16], b2[16];
    fputs("# Calibrated by `acdsim calibrate` from ", f);
    comment_str(f, log_name);
    fprintf(f, " (%" PRIu64 " calls used).\n", c->records);
    fputs("# Every number says where it came from; 95% confidence intervals in parentheses.\n"
          "# Not in a call log, so not here: wrap-up (none written), breaks and other work\n"
          "# (the agents below are those seen working, which is not those available), and\n"
          "# skills (one group answers every call type). Check with `acdsim backtest`.\n",
          f);
    fputs("name: ", f);
    char title[600];
    snprintf(title, sizeof title, "calibrated from %s", log_name);
    yaml_str(f, title);
    fputs("\nseed: 1\nreplications: 10\n", f);
    fprintf(f, "horizon: {open: \"%s\", close: \"%s\", interval: %.0fs, close_policy: drain}\n",
            acd_calib_clock(c, c->first, b1), acd_calib_clock(c, c->last + 1, b2), c->o.interval_s);
    const char *by = c->o.by == ACD_CALIB_BY_ALL    ? "all days pooled"
                     : c->o.by == ACD_CALIB_BY_DATE ? "the last date"
                                                    : "one weekday";
    fprintf(f, "# the profile: %s, %zu of %zu day(s)", by, c->n_used_days, c->n_days);
    if (c->weekday_used >= 0) {
        static const char *const wd[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                          "Friday", "Saturday", "Sunday"};
        fprintf(f, " (%s)", wd[c->weekday_used]);
    }
    fputc('\n', f);
    if (!isnan(c->busyness_cv))
        fprintf(f,
                "# day-to-day variation of the daily totals beyond Poisson (method of "
                "moments, %zu days)\nbusyness: {cv: %.4f}\n",
                c->n_used_days, c->busyness_cv);
    else
        fputs("# busyness: fewer than 3 days, not estimated\n", f);
    fprintf(f, "service_level: {threshold: %.0fs, target: 0.8}\n", c->o.sl_threshold_s);
    fputs("call_types:\n", f);
    for (size_t t = 0; t < c->n_types; t++)
        write_type(c, t, f);
    fputs("agent_groups:\n  - name: agents\n"
          "    # a log does not show skills: one group answers every call type\n"
          "    skills: [",
          f);
    for (size_t t = 0; t < c->n_types; t++) {
        if (t)
            fputs(", ", f);
        yaml_str(f, c->types[t].name);
    }
    fputs("]\n", f);
    if (strcmp(c->agents_from, "log") == 0 && c->availability_fitted) {
        char p1[32], p2[32], p3[32], p4[32];
        fprintf(f,
                "    # agents seen working per interval (mean over the days) x %.3f, rounded:\n"
                "    # a log shows who served, not who was available (wrap-up, breaks and other\n"
                "    # work are not in it). With every agent seen there all interval the\n"
                "    # simulated day abandons %s of the calls, the log %s; %s of\n"
                "    # them reproduce it (%s, %d replications). Check with acdsim backtest.\n",
                c->availability, acd_display_value(ACD_DISPLAY_SHARE, c->seen_abandon, 0, p1, 32),
                acd_display_value(ACD_DISPLAY_SHARE, c->actual_abandon, 0, p2, 32),
                acd_display_value(ACD_DISPLAY_SHARE, c->availability, 0, p3, 32),
                acd_display_value(ACD_DISPLAY_SHARE, c->fitted_abandon, 0, p4, 32),
                ACD_CALIB_FIT_REPS);
    } else if (strcmp(c->agents_from, "log") == 0)
        fputs("    # agents seen working per interval (mean over the days, rounded): who\n"
              "    # served, not who was available (breaks, wrap-up and other work are not in\n"
              "    # the log) - a bound the back-test must check\n",
              f);
    else if (strcmp(c->agents_from, "busy time") == 0)
        fputs("    # no agent column: agents = busy time / interval / 0.85, a guess to check\n", f);
    else
        fprintf(f, "    # agents given (--agents, %s)\n", c->agents_from);
    fputs("    agents:\n", f);
    for (size_t s = c->first; s <= c->last; s++) {
        fprintf(f, "      - %.0f   # %s: ", c->agents[s], acd_calib_clock(c, s, b1));
        if (c->has_agent)
            fprintf(f, "%.2f seen, ", c->agents_seen[s]);
        fprintf(f, "%.2f busy", c->busy_mean[s] / c->o.interval_s);
        if (!isnan(c->occupancy[s]))
            fprintf(f, ", occupancy %.3f", c->occupancy[s]);
        fputc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}

/* --------------------------------------------------------- availability */

/* The simulated day's abandon rate of the scenario as written now
 * (patience files in dir), or NAN if it does not load or run. */
static double
simulated_abandon(const struct acd_calib *c, const char *log_name, const char *dir,
                  unsigned threads)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = acd_xmemstream_open(&text, &len);
    acd_calib_write_scenario(c, log_name, f);
    acd_xmemstream_close(f);
    struct acd_diags d;
    acd_diags_init(&d);
    struct acd_scenario *sc = NULL;
    double x = ACD_NAN;
    if (acd_scenario_load_string(log_name, dir, text, len, &sc, &d) == 0) {
        struct acd_run_opts ro = {
            .replications = ACD_CALIB_FIT_REPS, .seed = 1, .seed_set = true, .threads = threads};
        struct acd_results *r = acd_run(sc, &ro);
        if (r) {
            enum acd_metric m;
            const struct acd_scope_result *all = acd_results_lookup(r, "", &m); /* the center */
            x = all->metric[ACD_M_ABANDON_RATE].mean;
        }
        acd_results_free(r);
    }
    acd_scenario_free(sc);
    acd_diags_fini(&d);
    free(text);
    return x;
}

int
acd_calib_fit_availability(struct acd_calib *c, const char *log_name, unsigned threads)
{
    uint64_t offered = 0, abandoned = 0;
    for (size_t t = 0; t < c->n_types; t++) {
        offered += c->types[t].offered;
        abandoned += c->types[t].abandoned;
    }
    if (!c->agents_from || strcmp(c->agents_from, "log") != 0 || offered == 0 || abandoned == 0)
        return 0; /* agents given, or nothing to match: as seen */
    c->actual_abandon = (double)abandoned / (double)offered;
    char dir[] = "/tmp/acdsim-calibrate.XXXXXX";
    if (!mkdtemp(dir))
        return -1;
    char **files = acd_xcalloc(c->n_types ? c->n_types : 1, sizeof(*files));
    int rc = 0;
    for (size_t t = 0; t < c->n_types && rc == 0; t++) {
        if (!c->types[t].patience_empirical)
            continue;
        char *name = acd_calib_patience_file(c, t);
        files[t] = acd_xasprintf("%s/%s", dir, name);
        free(name);
        FILE *f = fopen(files[t], "w");
        if (!f || acd_calib_write_patience(c, t, f) != 0)
            rc = -1;
        if (f && fclose(f) != 0)
            rc = -1;
    }
    if (rc == 0) {
        /* The abandon rate falls as more of the agents seen are there:
         * bisection on the share, the same seeds at every step. */
        c->availability = 1;
        finish_agents(c);
        c->seen_abandon = simulated_abandon(c, log_name, dir, threads);
        double lo = ACD_CALIB_MIN_AVAILABILITY, hi = 1, best = 1, best_x = c->seen_abandon;
        if (!isnan(c->seen_abandon) && c->seen_abandon < c->actual_abandon) {
            for (int i = 0; i < ACD_CALIB_FIT_STEPS; i++) {
                double mid = 0.5 * (lo + hi);
                c->availability = mid;
                finish_agents(c);
                double x = simulated_abandon(c, log_name, dir, threads);
                if (isnan(x))
                    break;
                if (x > c->actual_abandon) {
                    lo = mid;
                } else {
                    hi = mid;
                    best = mid;
                    best_x = x;
                }
            }
            c->availability_fitted = true;
        }
        c->availability = best;
        c->fitted_abandon = best_x;
        finish_agents(c);
    }
    for (size_t t = 0; t < c->n_types; t++)
        if (files[t]) {
            unlink(files[t]);
            free(files[t]);
        }
    free(files);
    rmdir(dir);
    return rc;
}
