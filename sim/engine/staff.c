/*
 * staff: minimum-cost staffing per interval and group by simulation (see
 * staff.h for the method). Every evaluation of a plan runs the same
 * replications with the same seeds (common random numbers), so two plans
 * differ only by what their staffing changes, and each replication is
 * reduced at once to the few figures the goals need (no histograms, no
 * per-type tables): a day of the utility scenario costs about a
 * millisecond to simulate and next to nothing to reduce.
 */
#include "acdsim/staff.h"

#include "acdsim/run.h"
#include "acdsim/sim.h"
#include "util.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Figures kept per replication and bin. */
/* V_COST..V_PAID: the plan's cost as `run` reports it (acd_stats_cost). */
enum {
    V_SL,
    V_ABANDON,
    V_ASA,
    V_OCC,
    V_OFFERED,
    V_COST,
    V_LABOR,
    V_ABANDON_COST,
    V_REPEAT_COST,
    V_PAID,
    V_SHORT,
    NV
};

void
acd_staff_targets_from_scenario(const struct acd_scenario *sc, struct acd_staff_targets *t)
{
    *t = (struct acd_staff_targets){
        .sl_target = sc->sl_target,
        .sl_threshold_s = sc->sl_threshold_s,
        .sl_answered = false,
        .max_abandon = sc->max_abandon,
        .max_asa_s = sc->max_asa_s,
        .max_occupancy = sc->max_occupancy,
        .probability = ACD_NAN,
    };
}

bool
acd_staff_targets_any(const struct acd_staff_targets *t)
{
    return !isnan(t->sl_target) || !isnan(t->max_abandon) || !isnan(t->max_asa_s) ||
           !isnan(t->max_occupancy);
}

/* ------------------------------------------------------------- plans */

static size_t
n_bins_of(const struct acd_scenario *sc)
{
    return sc->horizon == ACD_HORIZON_DAY ? sc->n_intervals : 1;
}

struct acd_scenario *
acd_staff_with_goals(const struct acd_scenario *sc, const struct acd_staff_targets *t)
{
    struct acd_scenario *p = acd_xmalloc(sizeof(*p));
    *p = *sc;
    p->sl_threshold_s = t->sl_threshold_s;
    if (!isnan(t->sl_target))
        p->sl_target = t->sl_target;
    p->max_abandon = t->max_abandon;
    p->max_asa_s = t->max_asa_s;
    p->max_occupancy = t->max_occupancy;
    return p;
}

static struct acd_scenario *
plan_new(const struct acd_scenario *sc, const unsigned *agents, const struct acd_staff_targets *t)
{
    struct acd_scenario *p = acd_staff_with_goals(sc, t);
    size_t ng = sc->n_groups, nb = n_bins_of(sc);
    p->groups = acd_xcalloc(ng ? ng : 1, sizeof(*p->groups));
    for (size_t g = 0; g < ng; g++) {
        p->groups[g] = sc->groups[g];
        if (sc->groups[g].held) { /* as the scenario staffs it; its own copy to free */
            const unsigned *v = sc->groups[g].agents_by_interval;
            unsigned *copy = v ? acd_xmalloc(nb * sizeof(*v)) : NULL;
            if (v)
                memcpy(copy, v, nb * sizeof(*v));
            p->groups[g].agents_by_interval = copy;
            continue;
        }
        p->groups[g].n_shifts = 0;
        p->groups[g].shifts = NULL;
        if (sc->horizon == ACD_HORIZON_DAY) {
            unsigned *v = acd_xmalloc(nb * sizeof(*v));
            for (size_t b = 0; b < nb; b++)
                v[b] = agents[b * ng + g];
            p->groups[g].agents_by_interval = v;
            p->groups[g].agents = 0;
        } else {
            p->groups[g].agents_by_interval = NULL;
            p->groups[g].agents = agents[g];
        }
    }
    return p;
}

struct acd_scenario *
acd_staff_plan(const struct acd_scenario *sc, const unsigned *agents,
               const struct acd_staff_targets *t)
{
    return plan_new(sc, agents, t);
}

void
acd_staff_plan_free(struct acd_scenario *plan)
{
    if (!plan)
        return;
    for (size_t g = 0; g < plan->n_groups; g++)
        free(plan->groups[g].agents_by_interval);
    free(plan->groups);
    free(plan);
}

/* Length of bin b in hours (the measured window for a steady state). */
static double
overlap(double a0, double a1, double b0, double b1)
{
    double lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi > lo ? hi - lo : 0;
}

/* The day of a period (`days:`) holding interval b; SIZE_MAX for a
 * single day. */
static size_t
day_of_bin(const struct acd_scenario *sc, size_t b)
{
    for (size_t d = 0; d < sc->n_days; d++)
        if (b >= sc->days[d].first_interval &&
            b < sc->days[d].first_interval + sc->days[d].n_intervals)
            return d;
    return SIZE_MAX;
}

/* Operating day: interval b's start and end in the scenario's seconds (in
 * a period, on its own day: the engine's grid, sim.c). */
static void
bin_span(const struct acd_scenario *sc, size_t b, double *b0, double *b1)
{
    size_t d = day_of_bin(sc, b);
    if (d == SIZE_MAX) {
        *b0 = sc->open_s + (double)b * sc->interval_s;
        *b1 = b + 1 == sc->n_intervals ? sc->close_s : *b0 + sc->interval_s;
        return;
    }
    const struct acd_day *dy = &sc->days[d];
    size_t j = b - dy->first_interval;
    *b0 = dy->open_s + (double)j * sc->interval_s;
    *b1 = j + 1 == dy->n_intervals ? dy->close_s : *b0 + sc->interval_s;
}

/* Seconds of shift sh on duty within [b0, b1), breaks left out; in a
 * period, on day d as the engine runs it (acd_scenario_shift_day). */
static double
shift_on_s(const struct acd_scenario *sc, const struct acd_shift *sh, size_t d, double b0,
           double b1)
{
    double base = 0, lo = sh->start_s, hi = sh->end_s;
    if (d != SIZE_MAX && !acd_scenario_shift_day(sc, sh, d, &base, &lo, &hi))
        return 0;
    double on = overlap(lo, hi, b0, b1);
    for (size_t k = 0; k < sh->n_breaks; k++) {
        double t = base + sh->breaks[k].start_s;
        if (d != SIZE_MAX && !(t >= lo && t < hi))
            continue; /* dropped by the clipping */
        on -= overlap(t, t + sh->breaks[k].length_s, b0, b1);
    }
    return on;
}

/* The scenario's own staffing of group g in bin b: agents on the phones,
 * time average over the bin (shifts counted, breaks left out). */
static double
current_agents(const struct acd_scenario *sc, size_t g, size_t b)
{
    const struct acd_agent_group *ag = &sc->groups[g];
    if (ag->n_shifts == 0 || sc->horizon != ACD_HORIZON_DAY)
        return ag->agents_by_interval ? ag->agents_by_interval[b] : ag->agents;
    double b0, b1;
    bin_span(sc, b, &b0, &b1);
    size_t d = day_of_bin(sc, b);
    double agent_s = 0;
    for (size_t i = 0; i < ag->n_shifts; i++) {
        double on = shift_on_s(sc, &ag->shifts[i], d, b0, b1);
        agent_s += ag->shifts[i].count * (on > 0 ? on : 0);
    }
    return agent_s / (b1 - b0);
}

/* -------------------------------------------------------- evaluation */

/* The call types held to a service-level goal of their own
 * (call_types[].service_level, or a chat outside the goal channel:
 * acd_channel_type_goal): each must meet it too, in every interval as the
 * center's goal is checked. Their target is their own, else the
 * goals' (--target-sl overrides the center's only); none when the goals
 * set no service level. */
struct type_goals {
    size_t n;
    size_t *type;   /* [n] call type index */
    double *target; /* [n] */
};

static void
type_goals_init(struct type_goals *g, const struct acd_scenario *sc,
                const struct acd_staff_targets *t)
{
    g->n = 0;
    g->type = acd_xcalloc(sc->n_call_types ? sc->n_call_types : 1, sizeof(*g->type));
    g->target = acd_xcalloc(sc->n_call_types ? sc->n_call_types : 1, sizeof(*g->target));
    if (isnan(t->sl_target))
        return;
    unsigned channels = acd_scenario_channels(sc);
    for (size_t k = 0; k < sc->n_call_types; k++) {
        const struct acd_call_type *ct = &sc->call_types[k];
        if (!acd_channel_type_goal(channels, ct->channel, acd_scenario_type_has_sl(sc, k)))
            continue;
        g->type[g->n] = k;
        g->target[g->n++] = ct->has_sl_target ? ct->sl_target : t->sl_target;
    }
}

static void
type_goals_fini(struct type_goals *g)
{
    free(g->type);
    free(g->target);
}

/* How far a service level x is below its target, normalized (0: met or
 * undefined). */
static double
sl_shortfall(double target, double x)
{
    return x < target ? (target - x) / (target > 0.01 ? target : 0.01) : 0;
}

/* One replication's verdict on one bin: the goals' normalized shortfalls
 * (0 when met) summed, which also ranks how far a plan is from meeting.
 * v holds NV center figures, then each type goal's service level. */
static double
shortfall(const struct acd_staff_targets *t, const struct type_goals *g, const double *v)
{
    double s = 0;
    if (!isnan(t->sl_target))
        s += sl_shortfall(t->sl_target, v[V_SL]);
    if (!isnan(t->max_abandon) && v[V_ABANDON] > t->max_abandon)
        s += (v[V_ABANDON] - t->max_abandon) / (t->max_abandon > 0.001 ? t->max_abandon : 0.001);
    if (!isnan(t->max_asa_s) && v[V_ASA] > t->max_asa_s)
        s += (v[V_ASA] - t->max_asa_s) / (t->max_asa_s > 1 ? t->max_asa_s : 1);
    if (!isnan(t->max_occupancy) && v[V_OCC] > t->max_occupancy)
        s += (v[V_OCC] - t->max_occupancy) / t->max_occupancy;
    for (size_t j = 0; j < g->n; j++)
        s += sl_shortfall(g->target[j], v[NV + j]);
    return s; /* NaN figures (no calls) compare false: met */
}

struct eval {
    const struct acd_staff_targets *t;
    const struct type_goals *g;
    const struct acd_scenario *sc; /* the plan evaluated (its channels) */
    size_t n_bins;
    size_t nv; /* figures per slot: NV + g->n */
    double *v; /* [rep][bin + whole][nv] */
};

static enum acd_metric
sl_metric(const struct acd_staff_targets *t)
{
    return t->sl_answered ? ACD_M_SERVICE_LEVEL_ANSWERED : ACD_M_SERVICE_LEVEL;
}

/* c: the center's counts; cg: the center's as its goals on calls judge
 * them (acd_run_goal_counts); tc[j]: type goal j's counts. */
static void
reduce_counts(const struct eval *e, const struct acd_counts *c, const struct acd_counts *cg,
              const struct acd_counts *tc, double *v)
{
    enum acd_metric sl = sl_metric(e->t);
    v[V_SL] = acd_metrics[sl].eval(cg, NULL);
    v[V_ABANDON] = acd_metrics[ACD_M_ABANDON_RATE].eval(cg, NULL);
    v[V_ASA] = acd_metrics[ACD_M_ASA].eval(cg, NULL);
    v[V_OCC] = acd_metrics[ACD_M_OCCUPANCY].eval(c, NULL);
    v[V_OFFERED] = acd_metrics[ACD_M_OFFERED].eval(c, NULL);
    v[V_COST] = acd_stats_cost(c);
    v[V_LABOR] = c->labor_cost;
    v[V_ABANDON_COST] = c->abandon_cost;
    v[V_REPEAT_COST] = c->repeat_cost;
    v[V_PAID] = acd_stats_paid_agent_s(c) / 3600;
    for (size_t j = 0; j < e->g->n; j++)
        v[NV + j] = acd_metrics[sl].eval(&tc[j], NULL);
    v[V_SHORT] = shortfall(e->t, e->g, v);
}

static void
reduce_rep(void *ud, unsigned rep, const struct acd_rep_stats *st, double *v)
{
    struct eval *e = ud;
    (void)rep;
    ACD_ASSERT(st->n_bins == e->n_bins);
    size_t ng = e->g->n;
    /* [0, ng): this bin's counts of each type goal; [ng, 2 ng): the whole */
    struct acd_counts *tc = acd_xcalloc(2 * ng + 1, sizeof(*tc));
    struct acd_counts whole, whole_g, c, cg;
    memset(&whole, 0, sizeof(whole));
    memset(&whole_g, 0, sizeof(whole_g));
    double window = 0;
    for (size_t b = 0; b < e->n_bins; b++, v += e->nv) {
        acd_run_center_counts(st, b, &c);
        acd_run_goal_counts(st, b, e->sc, &cg);
        for (size_t j = 0; j < ng; j++) {
            tc[j] = st->type_counts[b * st->n_types + e->g->type[j]];
            acd_stats_counts_add(&tc[ng + j], &tc[j]);
        }
        reduce_counts(e, &c, &cg, tc, v);
        acd_stats_counts_add(&whole, &c);
        acd_stats_counts_add(&whole_g, &cg);
        window += c.window_s;
    }
    whole.window_s = window;
    whole_g.window_s = window;
    reduce_counts(e, &whole, &whole_g, tc + ng, v);
    free(tc);
}

/* Estimates of slot `slot` (a bin, or n_bins for the whole) over n reps. */
static void
kpi_of(const struct eval *e, size_t n, size_t slot, double *x, struct acd_staff_kpi *k,
       double *score)
{
    const struct acd_staff_targets *t = e->t;
    size_t n_slots = e->n_bins + 1, nv = e->nv;
    const double *v = e->v;
    struct acd_estimate *est[] = {[V_SL] = &k->sl,
                                  [V_ABANDON] = &k->abandon_rate,
                                  [V_ASA] = &k->asa_s,
                                  [V_OCC] = &k->occupancy,
                                  [V_OFFERED] = &k->offered,
                                  [V_COST] = &k->cost,
                                  [V_LABOR] = &k->labor_cost,
                                  [V_ABANDON_COST] = &k->abandon_cost,
                                  [V_REPEAT_COST] = &k->repeat_cost,
                                  [V_PAID] = &k->paid_hours};
    for (size_t f = 0; f < V_SHORT; f++) {
        for (size_t i = 0; i < n; i++)
            x[i] = v[(i * n_slots + slot) * nv + f];
        *est[f] = acd_stats_estimate(x, n);
    }
    size_t met = 0;
    double soft = 0;
    for (size_t i = 0; i < n; i++) {
        double s = v[(i * n_slots + slot) * nv + V_SHORT];
        met += s == 0;
        soft += s;
    }
    k->p_met = (double)met / (double)n;
    double *mean_v = acd_xcalloc(nv, sizeof(double));
    mean_v[V_SL] = k->sl.mean;
    mean_v[V_ABANDON] = k->abandon_rate.mean;
    mean_v[V_ASA] = k->asa_s.mean;
    mean_v[V_OCC] = k->occupancy.mean;
    for (size_t j = 0; j < e->g->n; j++) { /* each type goal's mean service level */
        for (size_t i = 0; i < n; i++)
            x[i] = v[(i * n_slots + slot) * nv + NV + j];
        mean_v[NV + j] = acd_stats_estimate(x, n).mean;
    }
    double mean_short = shortfall(t, e->g, mean_v);
    free(mean_v);
    if (isnan(t->probability)) {
        k->met = mean_short == 0;
        *score = mean_short;
    } else {
        /* p_met moves in steps of 1/n; the mean shortfall per replication
         * ranks plans between the steps. */
        k->met = k->p_met >= t->probability - 1e-12;
        *score = k->met ? 0 : t->probability - k->p_met + soft / (double)n;
    }
    /* A missing bin can be so overloaded that one more agent changes no
     * goal's figure (service level 0 either way); the waits still shrink,
     * which keeps the search moving. */
    if (*score > 0 && k->asa_s.mean > 0) {
        double scale = t->sl_threshold_s > 1 ? t->sl_threshold_s : 1;
        *score += 1e-3 * k->asa_s.mean / (k->asa_s.mean + scale);
    }
}

static size_t
evaluate(const struct acd_scenario *plan, const struct acd_staff_opts *o, struct acd_staff_kpi *kpi,
         struct acd_staff_kpi *whole, double *score)
{
    struct acd_run_opts ro = {
        .replications = o->replications,
        .seed = o->seed,
        .seed_set = o->seed_set,
        .threads = o->threads,
        .max_calls = o->max_calls,
        .overload = o->overload,
        .no_hists = true, /* reduce_rep reads counts only */
    };
    size_t nb = n_bins_of(plan);
    size_t n = o->replications ? o->replications : plan->replications;
    struct type_goals g;
    type_goals_init(&g, plan, &o->targets);
    /* Zeros: a replication the overload guard stopped serves no call. */
    struct eval e = {&o->targets, &g, plan, nb, NV + g.n, NULL};
    e.v = acd_xcalloc(n * (nb + 1) * e.nv, sizeof(double));
    if (!acd_run_reps(plan, &ro, reduce_rep, &e, e.v, (nb + 1) * e.nv) && o->overloaded)
        *o->overloaded = true;
    double *x = acd_xmalloc(n * sizeof(double));
    size_t met = 0;
    double unused;
    for (size_t b = 0; b < nb; b++) {
        kpi_of(&e, n, b, x, &kpi[b], score ? &score[b] : &unused);
        met += kpi[b].met;
    }
    if (whole)
        kpi_of(&e, n, nb, x, whole, &unused);
    free(x);
    free(e.v);
    type_goals_fini(&g);
    return met;
}

size_t
acd_staff_evaluate(const struct acd_scenario *plan, const struct acd_staff_opts *o,
                   struct acd_staff_kpi *kpi, struct acd_staff_kpi *whole)
{
    return evaluate(plan, o, kpi, whole, NULL);
}

/* ------------------------------------------------------ analytic start */

/* Preference of group g for (type k, tier): its skill level, 0 if it
 * cannot take such a call. Tier-t legs go to groups of tier t. */
static unsigned
takes(const struct acd_agent_group *ag, size_t k, unsigned tier)
{
    unsigned gt = ag->tier ? ag->tier : 1;
    if (gt != tier)
        return 0;
    for (size_t i = 0; i < ag->n_skills; i++)
        if (ag->skill_lv[i].type == k)
            return ag->skill_lv[i].level ? ag->skill_lv[i].level : 1;
    return 0;
}

static bool
is_assist(const struct acd_agent_group *ag)
{
    return ag->assist_by_len || ag->assist_by_wait;
}

/* SIPP-style: each interval on its own as a stationary queue per group.
 * Each call type's load at each tier (tier t+1 gets the share escalated
 * by tier t, with that tier's handle time) goes to the groups of that
 * tier with the skill at the best level, shared evenly (supervisors who
 * only assist get none); a group's calls pooled with their mean handle
 * time and mean patience give Erlang A (every type patient) or Erlang C
 * minimum agents. Retrials and repeat calls are left to the simulation. */
static void
erlang_start(const struct acd_scenario *sc, const struct acd_staff_targets *t, size_t b,
             unsigned *out)
{
    size_t ng = sc->n_groups;
    double *lam = acd_xcalloc(ng, sizeof(double));
    double *work = acd_xcalloc(ng, sizeof(double));     /* lambda * handle */
    double *patience = acd_xcalloc(ng, sizeof(double)); /* lambda * patience */
    bool *impatient_all = acd_xcalloc(ng, sizeof(bool));
    for (size_t g = 0; g < ng; g++)
        impatient_all[g] = true;
    unsigned max_tier = sc->max_tier ? sc->max_tier : 1;
    for (size_t k = 0; k < sc->n_call_types; k++) {
        const struct acd_call_type *ct = &sc->call_types[k];
        double rate = ct->rate_per_s;
        if (sc->horizon == ACD_HORIZON_DAY && ct->calls_per_interval)
            rate = ct->calls_per_interval[b] / sc->interval_s;
        double aht = (ct->handle_by_interval ? ct->handle_by_interval[b] : ct->handle).mean_s;
        if (ct->has_ring_time) /* ringing is agent time too (handle_time_per_wait: ignored) */
            aht += ct->ring_time.mean_s;
        double pat =
            ct->has_patience
                ? (ct->patience_by_interval ? ct->patience_by_interval[b] : ct->patience).mean_s
                : 0;
        for (unsigned tier = 1; tier <= max_tier && rate > 0; tier++) {
            const struct acd_resolution *res = NULL;
            for (size_t i = 0; i < ct->n_resolution; i++)
                if (ct->resolution[i].tier == tier)
                    res = &ct->resolution[i];
            double h = aht;
            if (tier > 1 && res && res->has_handle)
                h = res->handle.mean_s;
            /* The groups of this tier with the skill at the best level;
             * supervisors who only assist when none other has it. */
            unsigned best = 0;
            size_t n_best = 0;
            bool assist_too = false;
            for (int pass = 0; pass < 2 && n_best == 0; pass++) {
                assist_too = pass == 1;
                for (size_t g = 0; g < ng; g++) {
                    unsigned lv = takes(&sc->groups[g], k, tier);
                    if (!lv || (!assist_too && is_assist(&sc->groups[g])))
                        continue;
                    if (best == 0 || lv < best) {
                        best = lv;
                        n_best = 0;
                    }
                    n_best += lv == best;
                }
            }
            for (size_t g = 0; g < ng && n_best; g++) {
                if (takes(&sc->groups[g], k, tier) != best ||
                    (!assist_too && is_assist(&sc->groups[g])))
                    continue;
                double share = rate / (double)n_best;
                lam[g] += share;
                work[g] += share * h;
                patience[g] += share * pat;
                if (!ct->has_patience)
                    impatient_all[g] = false;
            }
            if (!res)
                break;
            rate *= (1 - res->p_resolve) * res->p_escalate;
        }
    }
    struct acd_erlang_targets et = {
        .service_level = t->sl_target,
        .sl_over_answered = t->sl_answered,
        .max_abandon = t->max_abandon,
        .max_asa_s = t->max_asa_s,
        .max_occupancy = t->max_occupancy,
        .max_blocked = ACD_NAN,
    };
    for (size_t g = 0; g < ng; g++) {
        out[g] = 0;
        if (lam[g] <= 0)
            continue;
        struct acd_erlang_params p = {
            .model = impatient_all[g] ? ACD_ERLANG_A : ACD_ERLANG_C,
            .rate_per_s = lam[g],
            .aht_s = work[g] / lam[g],
            .patience_s = impatient_all[g] ? patience[g] / lam[g] : 0,
            .agents = 1,
            .queue_capacity = -1,
            .sl_threshold_s = t->sl_threshold_s,
        };
        char err[160];
        unsigned c;
        if (!(work[g] < ACD_STAFF_START_MAX))
            out[g] = ACD_STAFF_START_MAX; /* beyond any plan: the caller refuses */
        else if (p.aht_s > 0 && acd_erlang_min_agents(&p, &et, &c, err, sizeof(err)) == 0)
            out[g] = c < ACD_STAFF_START_MAX ? c : ACD_STAFF_START_MAX;
        else
            out[g] = (unsigned)ceil(work[g]) + 1;
    }
    free(lam);
    free(work);
    free(patience);
    free(impatient_all);
}

/* ------------------------------------------------------------ search */

struct search {
    const struct acd_scenario *sc;
    const struct acd_staff_opts *o;
    size_t nb, ng;
    unsigned evals, max_evals;
    unsigned reps;      /* replications of a full evaluation */
    uint64_t days;      /* whole days simulated */
    uint64_t days_win;  /* shortened days simulated (checks' windows) */
    uint64_t bins_win;  /* their intervals */
    const char *phase;  /* for progress */
    size_t failing;     /* bins missing in the last evaluation of the plan itself */
    double *cost;       /* per group: weight of an agent-hour */
    unsigned *cap;      /* per group: no plan goes above this in any bin */
    bool *frozen;       /* per bin: misses and no extra agent helps */
    double *frozen_ref; /* per frozen bin: its shortfall when it froze */
    unsigned *trial;
    struct acd_staff_kpi *kpi, *kpi_trial;
    double *score, *score_trial;
};

static void
progress(const struct search *s, const char *phase, size_t failing)
{
    if (s->o->progress)
        s->o->progress(s->o->progress_ud, phase, s->evals, failing);
}

/* Evaluate plan into kpi/score; returns the bins that miss. */
static size_t
eval_plan(struct search *s, const unsigned *plan, struct acd_staff_kpi *kpi, double *score)
{
    struct acd_scenario *p = plan_new(s->sc, plan, &s->o->targets);
    size_t met = evaluate(p, s->o, kpi, NULL, score);
    acd_staff_plan_free(p);
    s->evals++;
    s->days += s->reps;
    progress(s, s->phase, s->failing);
    return s->nb - met;
}

static bool
budget_left(const struct search *s)
{
    return s->evals < s->max_evals;
}

/* Add agents where bins miss: for every missing bin, the group whose extra
 * agent lowers its shortfall most per unit cost (all missing bins tried
 * at once, one evaluation per group). */
static void
phase_add(struct search *s, unsigned *plan)
{
    size_t nb = s->nb, ng = s->ng;
    double *gain = acd_xcalloc(nb, sizeof(double));
    size_t *best = acd_xcalloc(nb, sizeof(size_t));
    s->phase = "add";
    for (;;) {
        s->failing = eval_plan(s, plan, s->kpi, s->score);
        size_t open = 0;
        for (size_t b = 0; b < nb; b++)
            open += !s->kpi[b].met && !s->frozen[b];
        if (open == 0 || !budget_left(s))
            break;
        for (size_t b = 0; b < nb; b++) {
            gain[b] = 0;
            best[b] = SIZE_MAX;
        }
        for (size_t g = 0; g < ng && budget_left(s); g++) {
            if (s->sc->groups[g].n_skills == 0 || s->sc->groups[g].held)
                continue;
            memcpy(s->trial, plan, nb * ng * sizeof(*plan));
            bool any = false;
            for (size_t b = 0; b < nb; b++)
                if (!s->kpi[b].met && !s->frozen[b] && plan[b * ng + g] < s->cap[g]) {
                    s->trial[b * ng + g]++;
                    any = true;
                }
            if (!any)
                continue;
            eval_plan(s, s->trial, s->kpi_trial, s->score_trial);
            for (size_t b = 0; b < nb; b++) {
                if (s->trial[b * ng + g] == plan[b * ng + g])
                    continue;
                double d = (s->score[b] - s->score_trial[b]) / s->cost[g];
                if (d > gain[b] + 1e-12) {
                    gain[b] = d;
                    best[b] = g;
                }
            }
        }
        bool added = false;
        for (size_t b = 0; b < nb; b++) {
            if (s->kpi[b].met || s->frozen[b])
                continue;
            if (best[b] == SIZE_MAX) {
                s->frozen[b] = true; /* nothing helps: lines, or no skill */
                continue;
            }
            /* Far from the goal, take several agents at once: half the
             * linear extrapolation of the shortfall (the removal phases
             * give back any excess). */
            size_t g = best[b];
            unsigned *a = &plan[b * ng + g];
            double per_agent = gain[b] * s->cost[g];
            double step = floor(0.5 * s->score[b] / per_agent);
            double most = 1 + *a / 4;
            unsigned k = step < 1 ? 1 : step > most ? (unsigned)most : (unsigned)step;
            *a = *a + k > s->cap[g] ? s->cap[g] : *a + k;
            added = true;
        }
        if (!added)
            break;
    }
    free(gain);
    free(best);
}

/* How much worse a frozen bin may get from a removal: agents beyond what
 * helps (say, more than the lines can feed) change its figures only by
 * the noise of the shifted random draws. */
#define FROZEN_SLACK 0.02

/* Bin b of a trial is acceptable: it meets, or it is frozen and no worse
 * (within the slack) than when it froze. */
static bool
bin_ok(const struct search *s, const struct acd_staff_kpi *kpi, const double *score, size_t b)
{
    if (s->frozen[b])
        return score[b] <= s->frozen_ref[b] * (1 + FROZEN_SLACK);
    return kpi[b].met;
}

static bool
all_ok(const struct search *s, const struct acd_staff_kpi *kpi, const double *score)
{
    for (size_t b = 0; b < s->nb; b++)
        if (!bin_ok(s, kpi, score, b))
            return false;
    return true;
}

/* Remove agents where bins meet without them: one group and every other
 * bin at a time (a bin's neighbours keep their staffing, so the effects
 * of removals on later calls do not pile up), keeping each removal after
 * which the bin and its neighbours still meet. */
static void
phase_remove(struct search *s, unsigned *plan)
{
    size_t nb = s->nb, ng = s->ng;
    bool *take = acd_xcalloc(nb, sizeof(bool));
    s->phase = "remove";
    s->failing = 0;
    for (bool changed = true; changed && budget_left(s);) {
        changed = false;
        for (size_t parity = 0; parity < 2 && budget_left(s); parity++)
            for (size_t g = 0; g < ng && budget_left(s); g++) {
                if (s->sc->groups[g].held)
                    continue;
                memcpy(s->trial, plan, nb * ng * sizeof(*plan));
                size_t n_try = 0;
                for (size_t b = parity; b < nb; b += 2)
                    if (plan[b * ng + g] > 0) {
                        s->trial[b * ng + g]--;
                        n_try++;
                    }
                if (n_try == 0)
                    continue;
                eval_plan(s, s->trial, s->kpi_trial, s->score_trial);
                size_t n_take = 0;
                memcpy(s->trial, plan, nb * ng * sizeof(*plan));
                for (size_t b = parity; b < nb; b += 2) {
                    const struct acd_staff_kpi *k = s->kpi_trial;
                    const double *sc = s->score_trial;
                    take[b] = plan[b * ng + g] > 0 && bin_ok(s, k, sc, b) &&
                              (b == 0 || bin_ok(s, k, sc, b - 1)) &&
                              (b + 1 == nb || bin_ok(s, k, sc, b + 1));
                    if (take[b]) {
                        s->trial[b * ng + g]--;
                        n_take++;
                    }
                }
                if (n_take == 0)
                    continue;
                if (n_take < n_try) {
                    /* Fewer removals than tried: confirm them together. */
                    eval_plan(s, s->trial, s->kpi_trial, s->score_trial);
                    if (!all_ok(s, s->kpi_trial, s->score_trial))
                        continue;
                }
                memcpy(plan, s->trial, nb * ng * sizeof(*plan));
                changed = true;
            }
    }
    free(take);
}

/* -------------------------------------------------- checks in a window
 *
 * Nearly every check of a minimal plan misses (that is the evidence), and
 * most miss in the interval of the missing agent or next to it. Such a
 * miss is found without simulating the rest of the day: the check's plan
 * is first simulated up to window_margin() intervals past b + WINDOW_AFTER
 * (a day that closes there), with the same replications and seeds. Up to
 * the new closing, that day is the full day's draw for draw: the same
 * calls arrive at the same times with the same handle times and patience
 * (every random stream is the same until the day differs), and a call
 * already waiting is served before later arrivals unless these have a
 * higher priority; the margin leaves them half an hour (and two intervals)
 * and more to clear.
 * So the figures of every interval before b + WINDOW_AFTER + 1 are the
 * full day's, and where one (not frozen) misses, the check misses there:
 * the first such interval is the evidence, as the full day would give
 * it. Otherwise the check is simulated over the whole day and judged as
 * before (a removal is never made on a shortened day).
 * A period (`days:`) is shortened the same way: its days up to the one
 * holding the window's last interval, that day closing there. The days
 * before close as in the whole period (each day's busyness, shifts and
 * moves are its own), and what the night after the new closing would
 * carry over lands after the window. */
#define WINDOW_AFTER    1
#define WINDOW_MARGIN   2      /* intervals, and at least: */
#define WINDOW_MARGIN_S 1800.0 /* seconds */

static size_t
window_margin(const struct acd_scenario *sc)
{
    double m = ceil(WINDOW_MARGIN_S / sc->interval_s);
    return m > WINDOW_MARGIN ? (size_t)m : WINDOW_MARGIN;
}

/* The plan's day shortened to its first n_bins intervals (n_bins <= the
 * plan's); plan_new's copy, freed with acd_staff_plan_free. A period
 * (`days:`) keeps its days up to the one holding interval n_bins - 1, that
 * day closing after it: *cut gets the days (the caller frees it; NULL for
 * a single day) and p->days points to it. */
static void
shorten(struct acd_scenario *p, size_t n_bins, struct acd_day **cut)
{
    ACD_ASSERT(p->horizon == ACD_HORIZON_DAY && n_bins <= p->n_intervals && n_bins > 0);
    *cut = NULL;
    if (n_bins == p->n_intervals)
        return;
    p->n_intervals = n_bins;
    if (p->n_days == 0) {
        p->close_s = p->open_s + (double)n_bins * p->interval_s;
        return;
    }
    size_t d = day_of_bin(p, n_bins - 1);
    ACD_ASSERT(d != SIZE_MAX);
    *cut = acd_xmalloc((d + 1) * sizeof(**cut));
    memcpy(*cut, p->days, (d + 1) * sizeof(**cut));
    struct acd_day *last = &(*cut)[d];
    last->n_intervals = n_bins - last->first_interval;
    last->close_s = last->open_s + (double)last->n_intervals * p->interval_s;
    p->n_days = d + 1;
    p->days = *cut;
    p->close_s = last->close_s;
}

/* Undo shorten: the scenario's whole day or period. */
static void
unshorten(struct acd_scenario *p, const struct acd_scenario *sc)
{
    p->n_intervals = sc->n_intervals;
    p->close_s = sc->close_s;
    p->n_days = sc->n_days;
    p->days = sc->days;
}

/* Evaluate a check's trial plan (s->trial, one agent fewer at bin b) into
 * kpi_trial/score_trial, first on the window: intervals up to b +
 * WINDOW_AFTER, or up to `last` when that is later (where this check
 * missed before). Returns the first interval that misses within the window
 * (then kpi_trial holds the window's bins only), or SIZE_MAX when the
 * check was simulated in full. */
static size_t
eval_check(struct search *s, size_t b, size_t last)
{
    struct acd_scenario *p = plan_new(s->sc, s->trial, &s->o->targets);
    size_t settled = SIZE_MAX, nb = s->nb;
    size_t judged = b + WINDOW_AFTER + 1;
    if (last != SIZE_MAX && last + 1 > judged)
        judged = last + 1;
    bool windowed = s->sc->horizon == ACD_HORIZON_DAY;
    size_t n_win = windowed ? judged + window_margin(s->sc) : nb;
    struct acd_day *cut = NULL;
    s->evals++;
    if (windowed && n_win < nb) {
        shorten(p, n_win, &cut);
        evaluate(p, s->o, s->kpi_trial, NULL, s->score_trial);
        s->days_win += s->reps;
        s->bins_win += (uint64_t)s->reps * n_win;
        if (!s->kpi_trial[b].met && !s->frozen[b])
            settled = b;
        for (size_t m = 0; m < judged && settled == SIZE_MAX; m++)
            if (!s->kpi_trial[m].met && !s->frozen[m])
                settled = m;
        if (settled == SIZE_MAX) /* the whole day again */
            unshorten(p, s->sc);
    }
    if (settled == SIZE_MAX) {
        evaluate(p, s->o, s->kpi_trial, NULL, s->score_trial);
        s->days += s->reps;
    }
    acd_staff_plan_free(p);
    free(cut);
    progress(s, s->phase, s->failing);
    return settled;
}

/* A check's verdict (a miss, with its evidence) kept from an earlier
 * evaluation still holds, bit for bit, when the check's plan would give
 * the same figures: no agent removed since (kept_at == version), or, for a
 * verdict that depends on the first win intervals only (verdict_window),
 * no agent removed since in those: a day shortened to them reads no
 * staffing beyond. removed[v] is the interval of the removal that made
 * version v + 1. */
static bool
verdict_holds(unsigned kept_at, size_t win, unsigned version, const size_t *removed)
{
    if (kept_at == 0)
        return false;
    for (unsigned v = kept_at; v < version; v++)
        if (win == 0 || removed[v] < win)
            return false;
    return true;
}

/* The intervals a check's verdict depends on: where an interval m (not
 * frozen) misses, the first one, a day closing window_margin() after m and
 * after the check's own bin gives the same figures up to them (see
 * "checks in a window"), so the same verdict and evidence, whatever the
 * plan beyond; 0: the whole day (a frozen bin's verdict). */
static size_t
verdict_window(const struct search *s, const struct acd_staff_check *c)
{
    size_t m = c->missed_bin;
    if (s->sc->horizon != ACD_HORIZON_DAY || c->missed.met || s->frozen[m])
        return 0;
    size_t w = (m > c->bin ? m : c->bin) + 1 + window_margin(s->sc);
    return w < s->nb ? w : 0;
}

/* Local minimality: one agent fewer at any (bin, group) must make some bin
 * miss. Where none misses, the agent goes and the pass goes on (a removal
 * only makes other removals harder, so earlier checks stay valid); passes
 * repeat until one removes nothing, and its checks are the evidence. A
 * check whose verdict still holds (verdict_holds) is not simulated again:
 * the same simulation would give the same verdict and evidence. */
static void
phase_check(struct search *s, unsigned *plan, struct acd_staff_result *r)
{
    size_t nb = s->nb, ng = s->ng, n = nb * ng;
    r->checks = acd_xcalloc(n > 0 ? n : 1, sizeof(*r->checks));
    struct acd_staff_check *kept = acd_xcalloc(n > 0 ? n : 1, sizeof(*kept));
    unsigned *kept_at = acd_xcalloc(n > 0 ? n : 1, sizeof(*kept_at)); /* 0: none */
    size_t *kept_win = acd_xcalloc(n > 0 ? n : 1, sizeof(*kept_win));
    size_t n_removed = 0, cap_removed = 64;
    size_t *removed = acd_xmalloc(cap_removed * sizeof(*removed));
    unsigned version = 1; /* of the plan: one more per removal */
    s->phase = "check";
    for (bool again = true; again && budget_left(s);) {
        again = false;
        r->n_checks = 0;
        for (size_t b = 0; b < nb && budget_left(s); b++)
            for (size_t g = 0; g < ng && budget_left(s); g++) {
                size_t i = b * ng + g;
                if (plan[i] == 0 || s->sc->groups[g].held)
                    continue;
                if (verdict_holds(kept_at[i], kept_win[i], version, removed)) {
                    if (!s->frozen[b])
                        r->checks[r->n_checks++] = kept[i];
                    continue;
                }
                memcpy(s->trial, plan, nb * ng * sizeof(*plan));
                s->trial[i]--;
                size_t settled = eval_check(s, b, kept_at[i] ? kept[i].missed_bin : SIZE_MAX);
                if (settled == SIZE_MAX && all_ok(s, s->kpi_trial, s->score_trial)) {
                    memcpy(plan, s->trial, nb * ng * sizeof(*plan));
                    if (n_removed + 1 >= cap_removed) {
                        cap_removed *= 2;
                        removed = acd_xrealloc(removed, cap_removed * sizeof(*removed));
                    }
                    removed[version] = b; /* version - 1 == n_removed */
                    n_removed++;
                    version++;
                    again = true;
                    continue;
                }
                struct acd_staff_check *c = &kept[i];
                kept_at[i] = version;
                c->bin = b;
                c->group = g;
                c->kpi = s->kpi_trial[b];
                c->missed_bin = b;
                if (settled != SIZE_MAX)
                    c->missed_bin = settled;
                else
                    for (size_t m = 0; m < nb && s->kpi_trial[c->missed_bin].met; m++)
                        if (!s->kpi_trial[m].met && !s->frozen[m])
                            c->missed_bin = m;
                c->missed = s->kpi_trial[c->missed_bin];
                kept_win[i] = verdict_window(s, c);
                if (!s->frozen[b]) /* a bin that misses anyway proves nothing */
                    r->checks[r->n_checks++] = *c;
            }
    }
    free(kept);
    free(kept_at);
    free(kept_win);
    free(removed);
}

static double
wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Length of bin b in hours (the measured window for a steady state). */
static double
bin_hours(const struct acd_scenario *sc, size_t b)
{
    if (sc->horizon != ACD_HORIZON_DAY)
        return (sc->duration_s - sc->warmup_s) / 3600.0;
    double start, end;
    bin_span(sc, b, &start, &end);
    return (end - start) / 3600.0;
}

/* Hours and wage cost of agents scheduled per interval and group (shrinkage:
 * the people scheduled, paid whether on the phones or not), at each group's
 * cost_per_hour. Not the simulated cost of a plan (acd_stats_cost): a
 * planning figure for the grossed-up roster. */
static void
scheduled_hours_and_cost(const struct acd_scenario *sc, size_t nb, const double *agents,
                         double *hours, double *cost)
{
    *hours = *cost = 0;
    size_t ng = sc->n_groups;
    for (size_t b = 0; b < nb; b++)
        for (size_t g = 0; g < ng; g++) {
            double h = agents[b * ng + g] * bin_hours(sc, b);
            *hours += h;
            *cost += h * sc->groups[g].cost_per_hour;
        }
}

/* Agents scheduled for the plan's agents on the phones (held groups: the
 * scenario's), grossed up by each group's shrinkage per interval. */
static void
shrinkage_gross_up(struct acd_staff_result *r, const double *plan_d)
{
    const struct acd_scenario *sc = r->sc;
    size_t nb = r->n_bins, ng = r->n_groups, n = nb * ng;
    r->has_shrinkage = true;
    r->shrinkage = acd_xcalloc(n ? n : 1, sizeof(double));
    r->scheduled = acd_xcalloc(n ? n : 1, sizeof(unsigned));
    double *sched = acd_xcalloc(n ? n : 1, sizeof(double));
    double *cur = acd_xcalloc(n ? n : 1, sizeof(double));
    for (size_t b = 0; b < nb; b++)
        for (size_t g = 0; g < ng; g++) {
            size_t i = b * ng + g;
            double s = acd_scenario_shrinkage(sc, g, b);
            ACD_ASSERT(s >= 0 && s < 1);
            r->shrinkage[i] = s;
            /* 7 / (1 - 0.3) is 10.000000000000002 in doubles: 10, not 11. */
            double x = ceil(plan_d[i] / (1 - s) - 1e-9);
            r->scheduled[i] = x > 0 ? (unsigned)x : 0;
            sched[i] = r->scheduled[i];
            cur[i] = r->current[i] / (1 - s);
        }
    scheduled_hours_and_cost(sc, nb, sched, &r->scheduled_hours, &r->scheduled_cost);
    scheduled_hours_and_cost(sc, nb, cur, &r->current_scheduled_hours, &r->current_scheduled_cost);
    free(sched);
    free(cur);
}

unsigned *
acd_staff_start_plan(const struct acd_scenario *sc, const struct acd_staff_opts *o)
{
    size_t nb = n_bins_of(sc), ng = sc->n_groups, n = nb * ng;
    unsigned *v = acd_xcalloc(n ? n : 1, sizeof(*v));
    for (size_t b = 0; b < nb; b++)
        erlang_start(sc, &o->targets, b, &v[b * ng]);
    return v;
}

struct acd_staff_result *
acd_staff_search(const struct acd_scenario *sc, const struct acd_staff_opts *o)
{
    ACD_ASSERT(acd_staff_targets_any(&o->targets));
    double t0 = wall_now();
    size_t nb = n_bins_of(sc), ng = sc->n_groups, n = nb * ng;
    struct acd_staff_result *r = acd_xcalloc(1, sizeof(*r));
    r->sc = sc;
    r->targets = o->targets;
    r->replications = o->replications ? o->replications : sc->replications;
    r->seed = o->seed_set ? o->seed : sc->seed;
    r->n_bins = nb;
    r->n_groups = ng;
    r->agents = acd_xcalloc(n ? n : 1, sizeof(unsigned));
    r->start = acd_xcalloc(n ? n : 1, sizeof(unsigned));
    r->current = acd_xcalloc(n ? n : 1, sizeof(double));
    r->kpi = acd_xcalloc(nb, sizeof(*r->kpi));
    r->kpi_current = acd_xcalloc(nb, sizeof(*r->kpi_current));

    struct search s = {
        .sc = sc,
        .o = o,
        .nb = nb,
        .ng = ng,
        .max_evals = o->max_evaluations ? o->max_evaluations : 5000,
        .reps = r->replications,
        .cost = acd_xcalloc(ng ? ng : 1, sizeof(double)),
        .cap = acd_xcalloc(ng ? ng : 1, sizeof(unsigned)),
        .frozen = acd_xcalloc(nb, sizeof(bool)),
        .frozen_ref = acd_xcalloc(nb, sizeof(double)),
        .trial = acd_xcalloc(n ? n : 1, sizeof(unsigned)),
        .kpi = acd_xcalloc(nb, sizeof(struct acd_staff_kpi)),
        .kpi_trial = acd_xcalloc(nb, sizeof(struct acd_staff_kpi)),
        .score = acd_xcalloc(nb, sizeof(double)),
        .score_trial = acd_xcalloc(nb, sizeof(double)),
    };

    /* Costs: each group's hourly cost; groups without one count as the
     * average of those with one (1 when no cost is given at all). */
    double cost_sum = 0;
    size_t n_cost = 0;
    for (size_t g = 0; g < ng; g++)
        if (sc->groups[g].cost_per_hour > 0) {
            cost_sum += sc->groups[g].cost_per_hour;
            n_cost++;
        }
    for (size_t g = 0; g < ng; g++)
        s.cost[g] = sc->groups[g].cost_per_hour > 0 ? sc->groups[g].cost_per_hour
                    : n_cost                        ? cost_sum / (double)n_cost
                                                    : 1;

    /* The current plan and the starting point. */
    for (size_t b = 0; b < nb; b++)
        for (size_t g = 0; g < ng; g++)
            r->current[b * ng + g] = current_agents(sc, g, b);
    if (o->start == ACD_STAFF_START_CURRENT)
        for (size_t i = 0; i < n; i++)
            r->start[i] = (unsigned)ceil(r->current[i]);
    else
        for (size_t b = 0; b < nb; b++)
            erlang_start(sc, &o->targets, b, &r->start[b * ng]);
    /* A held group is not a variable: its plan is the scenario's (shown
     * rounded; the simulation runs its own staffing). */
    for (size_t b = 0; b < nb; b++)
        for (size_t g = 0; g < ng; g++)
            if (sc->groups[g].held)
                r->start[b * ng + g] = (unsigned)lround(r->current[b * ng + g]);
    progress(&s, "erlang", 0);
    /* A cap far above any sensible plan keeps a hopeless bin finite. */
    for (size_t g = 0; g < ng; g++) {
        unsigned m = 0;
        for (size_t b = 0; b < nb; b++) {
            if (r->start[b * ng + g] > m)
                m = r->start[b * ng + g];
            if (r->current[b * ng + g] > m)
                m = (unsigned)ceil(r->current[b * ng + g]);
        }
        s.cap[g] = 4 * m + 50;
    }

    unsigned *plan = r->agents;
    memcpy(plan, r->start, n * sizeof(*plan));
    phase_add(&s, plan);
    for (size_t b = 0; b < nb; b++)
        s.frozen_ref[b] = s.score[b];
    phase_remove(&s, plan);
    phase_check(&s, plan, r);

    /* Final figures of both plans (the same replications). A candidate
     * the overload guard stopped only missed its goals; what the caller is
     * told is whether the recommended plan's figures were cut short. The
     * current plan may well be the overloaded one: its figures then show
     * the goals missed. */
    if (o->overloaded)
        *o->overloaded = false;
    struct acd_scenario *p = plan_new(sc, plan, &o->targets);
    size_t met = acd_staff_evaluate(p, o, r->kpi, &r->achieved);
    acd_staff_plan_free(p);
    bool final_overloaded = o->overloaded && *o->overloaded;
    struct acd_overload final_overload = {0};
    if (final_overloaded && o->overload)
        final_overload = *o->overload;
    /* The scenario as it is (its own shifts and breaks). */
    struct acd_scenario *cur = acd_staff_with_goals(sc, &o->targets);
    acd_staff_evaluate(cur, o, r->kpi_current, &r->achieved_current);
    free(cur);
    if (o->overloaded)
        *o->overloaded = final_overloaded;
    if (final_overloaded && o->overload)
        *o->overload = final_overload;
    s.evals += 2;
    s.days += 2 * (uint64_t)r->replications;
    r->feasible = met == nb;
    progress(&s, "final", nb - met);

    /* Both plans' cost and paid hours as `run` reports them (one
     * accounting: acd_stats_cost), from the final evaluations. */
    r->agent_hours = r->achieved.paid_hours.mean;
    r->cost = r->achieved.cost.mean;
    r->current_agent_hours = r->achieved_current.paid_hours.mean;
    r->current_cost = r->achieved_current.cost.mean;
    if (acd_scenario_has_shrinkage(sc)) {
        double *plan_d = acd_xcalloc(n ? n : 1, sizeof(double));
        for (size_t i = 0; i < n; i++)
            plan_d[i] = sc->groups[i % (ng ? ng : 1)].held ? r->current[i] : plan[i];
        shrinkage_gross_up(r, plan_d);
        free(plan_d);
    }

    r->evaluations = s.evals;
    r->days = s.days;
    r->window_days = s.days_win;
    r->window_bins = s.bins_win;
    free(s.cost);
    free(s.cap);
    free(s.frozen);
    free(s.frozen_ref);
    free(s.trial);
    free(s.kpi);
    free(s.kpi_trial);
    free(s.score);
    free(s.score_trial);
    r->wall_s = wall_now() - t0;
    return r;
}

void
acd_staff_result_free(struct acd_staff_result *r)
{
    if (!r)
        return;
    free(r->agents);
    free(r->start);
    free(r->current);
    free(r->kpi);
    free(r->kpi_current);
    free(r->checks);
    free(r->shrinkage);
    free(r->scheduled);
    free(r);
}

/* ------------------------------------------------------------- curve */

/* Exact figures for a stationary one-type, one-group scenario. */
static bool
curve_erlang(const struct acd_scenario *sc, const struct acd_staff_targets *t, unsigned agents,
             struct acd_erlang_result *out)
{
    if (sc->horizon != ACD_HORIZON_STEADY || sc->n_call_types != 1 || sc->n_groups != 1 ||
        agents == 0)
        return false;
    const struct acd_call_type *ct = &sc->call_types[0];
    const struct acd_agent_group *ag = &sc->groups[0];
    double aht = ct->handle.mean_s + (ag->has_wrap_up ? ag->wrap_up.mean_s : 0);
    struct acd_erlang_params p = {
        .model = ct->has_patience ? ACD_ERLANG_A : ACD_ERLANG_C,
        .rate_per_s = ct->rate_per_s,
        .aht_s = aht,
        .patience_s = ct->has_patience ? ct->patience.mean_s : 0,
        .agents = agents,
        .queue_capacity = sc->queue_capacity,
        .sl_threshold_s = t->sl_threshold_s,
    };
    char err[160];
    return acd_erlang_eval(&p, out, err, sizeof(err)) == 0;
}

struct acd_staff_curve *
acd_staff_curve(const struct acd_scenario *sc, const struct acd_staff_opts *o, size_t group,
                size_t bin, unsigned lo, unsigned hi)
{
    size_t nb = n_bins_of(sc), ng = sc->n_groups;
    ACD_ASSERT(group < ng && bin < nb);
    unsigned *plan = acd_xcalloc(nb * ng, sizeof(unsigned));
    for (size_t b = 0; b < nb; b++)
        for (size_t g = 0; g < ng; g++)
            plan[b * ng + g] = (unsigned)lround(current_agents(sc, g, b));
    if (lo == 0 && hi == 0) {
        unsigned *start = acd_xcalloc(ng, sizeof(unsigned));
        erlang_start(sc, &o->targets, bin, start);
        unsigned s = start[group] ? start[group] : plan[bin * ng + group];
        free(start);
        lo = s > 5 ? s - 5 : 1;
        hi = s + 6;
    }
    ACD_ASSERT(lo <= hi);
    struct acd_staff_curve *c = acd_xcalloc(1, sizeof(*c));
    c->sc = sc;
    c->targets = o->targets;
    c->group = group;
    c->bin = bin;
    c->current = current_agents(sc, group, bin);
    c->n = hi - lo + 1;
    c->v = acd_xcalloc(c->n, sizeof(*c->v));
    struct acd_staff_kpi *kpi = acd_xcalloc(nb, sizeof(*kpi));
    for (size_t i = 0; i < c->n; i++) {
        struct acd_staff_curve_point *pt = &c->v[i];
        pt->agents = lo + (unsigned)i;
        plan[bin * ng + group] = pt->agents;
        struct acd_scenario *p = plan_new(sc, plan, &o->targets);
        acd_staff_evaluate(p, o, kpi, NULL);
        acd_staff_plan_free(p);
        pt->kpi = kpi[bin];
        pt->has_erlang = curve_erlang(sc, &o->targets, pt->agents, &pt->erlang);
        if (o->progress)
            o->progress(o->progress_ud, "curve", (unsigned)i + 1, 0);
    }
    free(kpi);
    free(plan);
    return c;
}

size_t
acd_staff_curve_current(const struct acd_staff_curve *c)
{
    long cur = lround(c->current);
    for (size_t i = 0; i < c->n; i++)
        if ((long)c->v[i].agents == cur)
            return i;
    return SIZE_MAX;
}

void
acd_staff_curve_free(struct acd_staff_curve *c)
{
    if (!c)
        return;
    free(c->v);
    free(c);
}
