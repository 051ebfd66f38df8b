/*
 * schedule: the requirement (staff.c), the roster (roster.c) and the
 * closed loop that proves the roster by simulation (schedule.h has the
 * method; docs/staffing.md "acdsim schedule" the user's view).
 */
#include "acdsim/schedule.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double
wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void
progress(const struct acd_schedule_opts *o, const char *phase, unsigned round, size_t missed)
{
    if (o->progress)
        o->progress(o->progress_ud, phase, round, missed);
}

/* ------------------------------------------------------------ the plan */

/* Shifts of group g from the roster's lines. */
static void
roster_shifts(const struct acd_scenario *sc, const struct acd_roster_solution *roster, size_t g,
              struct acd_agent_group *out)
{
    size_t n = 0;
    for (size_t i = 0; i < roster->n_lines; i++)
        n += roster->lines[i].group == g;
    out->n_shifts = n;
    out->shifts = acd_xcalloc(n ? n : 1, sizeof(*out->shifts));
    out->agents = 0;
    out->agents_by_interval = NULL;
    out->n_moves = 0; /* a move is a shift's or the group's: neither is in a roster */
    out->moves = NULL;
    size_t j = 0;
    for (size_t i = 0; i < roster->n_lines; i++) {
        const struct acd_roster_line *l = &roster->lines[i];
        if (l->group != g)
            continue;
        const struct acd_shift_template *t = &sc->templates[l->tmpl];
        struct acd_shift *sh = &out->shifts[j++];
        sh->start_s = l->start_s;
        sh->end_s = l->start_s + t->length_s;
        sh->count = l->count;
        sh->n_breaks = t->n_breaks;
        sh->breaks = acd_xcalloc(t->n_breaks ? t->n_breaks : 1, sizeof(*sh->breaks));
        for (size_t b = 0; b < t->n_breaks; b++)
            sh->breaks[b] = (struct acd_break){l->start_s + l->break_at_s[b], t->breaks[b].length_s,
                                               t->breaks[b].unpaid};
    }
}

/* A plan and what it owns: per group, the roster's shifts (OWN_SHIFTS) or
 * a per-interval count (OWN_COUNTS); the rest is the scenario's. */
enum { OWN_NONE, OWN_SHIFTS, OWN_COUNTS };
struct plan {
    struct acd_scenario sc; /* first: the plan is handed out as &plan->sc */
    unsigned char *own;
};

/* The plan, with `counts` (may be NULL) staffing the groups neither
 * scheduled nor held per interval, and each scheduled group's agents
 * absent for the day with its absenteeism and, when `shrink` is set, its
 * mean shrinkage on top (paid time off the phones, as agents missing at
 * random). */
static struct acd_scenario *
plan_new(const struct acd_scenario *sc, const struct acd_roster_solution *roster,
         const bool *scheduled_group, const struct acd_staff_targets *t, const unsigned *counts,
         bool shrink)
{
    struct acd_scenario *goals = acd_staff_with_goals(sc, t);
    struct plan *p = acd_xcalloc(1, sizeof(*p));
    p->sc = *goals;
    free(goals);
    size_t ng = sc->n_groups, nb = sc->n_intervals;
    p->own = acd_xcalloc(ng ? ng : 1, 1);
    p->sc.groups = acd_xcalloc(ng ? ng : 1, sizeof(*p->sc.groups));
    for (size_t g = 0; g < ng; g++) {
        struct acd_agent_group *pg = &p->sc.groups[g];
        *pg = sc->groups[g];
        if (scheduled_group[g]) {
            roster_shifts(sc, roster, g, pg);
            p->own[g] = OWN_SHIFTS;
            if (shrink) {
                double m = 0;
                for (size_t b = 0; b < nb; b++)
                    m += acd_scenario_shrinkage(sc, g, b);
                m = nb ? m / (double)nb : 0;
                pg->absenteeism = 1 - (1 - pg->absenteeism) * (1 - m);
            }
        } else if (!sc->groups[g].held && counts) {
            unsigned *v = acd_xmalloc((nb ? nb : 1) * sizeof(*v));
            for (size_t b = 0; b < nb; b++)
                v[b] = counts[b * ng + g];
            pg->n_shifts = 0;
            pg->shifts = NULL;
            pg->n_moves = 0;
            pg->moves = NULL;
            pg->agents = 0;
            pg->agents_by_interval = v;
            p->own[g] = OWN_COUNTS;
        }
    }
    return &p->sc;
}

struct acd_scenario *
acd_schedule_plan(const struct acd_scenario *sc, const struct acd_roster_solution *roster,
                  const bool *scheduled_group, const struct acd_staff_targets *t)
{
    return plan_new(sc, roster, scheduled_group, t, NULL, false);
}

void
acd_schedule_plan_free(struct acd_scenario *plan)
{
    if (!plan)
        return;
    struct plan *p = (struct plan *)(void *)plan;
    for (size_t g = 0; g < plan->n_groups; g++) {
        struct acd_agent_group *pg = &plan->groups[g];
        if (p->own[g] == OWN_SHIFTS) {
            for (size_t i = 0; i < pg->n_shifts; i++)
                free(pg->shifts[i].breaks);
            free(pg->shifts);
        } else if (p->own[g] == OWN_COUNTS) {
            free(pg->agents_by_interval);
        }
    }
    free(p->own);
    free(plan->groups);
    free(p);
}

/* ---------------------------------------------------------- the problem */

/* The roster problem's templates, from the scenario's: start times on
 * their grid, break rules, the scheduled groups among those listed. */
struct problem {
    struct acd_roster_problem p;
    struct acd_roster_template *t;
    double *starts, *bin_start, *bin_end, *rate;
    struct acd_roster_break *breaks;
    size_t *groups;
};

static void
problem_init(struct problem *pr, const struct acd_scenario *sc, const bool *scheduled_group,
             const double *required)
{
    size_t nt = sc->n_templates, ng = sc->n_groups, nb = sc->n_intervals;
    size_t n_starts = 0, n_breaks = 0, n_groups = 0;
    for (size_t i = 0; i < nt; i++) {
        const struct acd_shift_template *t = &sc->templates[i];
        n_starts += (size_t)floor((t->latest_s - t->earliest_s) / t->step_s + 1e-9) + 1;
        n_breaks += t->n_breaks;
        n_groups += t->n_groups;
    }
    memset(pr, 0, sizeof(*pr));
    pr->t = acd_xcalloc(nt ? nt : 1, sizeof(*pr->t));
    pr->starts = acd_xcalloc(n_starts ? n_starts : 1, sizeof(double));
    pr->breaks = acd_xcalloc(n_breaks ? n_breaks : 1, sizeof(*pr->breaks));
    pr->groups = acd_xcalloc(n_groups ? n_groups : 1, sizeof(size_t));
    pr->bin_start = acd_xcalloc(nb ? nb : 1, sizeof(double));
    pr->bin_end = acd_xcalloc(nb ? nb : 1, sizeof(double));
    pr->rate = acd_xcalloc(ng ? ng : 1, sizeof(double));
    double *st = pr->starts;
    struct acd_roster_break *br = pr->breaks;
    size_t *gr = pr->groups;
    for (size_t i = 0; i < nt; i++) {
        const struct acd_shift_template *t = &sc->templates[i];
        struct acd_roster_template *rt = &pr->t[i];
        rt->name = t->name;
        rt->length_s = t->length_s;
        rt->starts_s = st;
        size_t k = (size_t)floor((t->latest_s - t->earliest_s) / t->step_s + 1e-9) + 1;
        for (size_t j = 0; j < k; j++)
            st[j] = t->earliest_s + (double)j * t->step_s;
        rt->n_starts = k;
        st += k;
        rt->breaks = br;
        rt->n_breaks = t->n_breaks;
        for (size_t b = 0; b < t->n_breaks; b++) {
            const struct acd_break_rule *r = &t->breaks[b];
            *br++ = (struct acd_roster_break){r->length_s, r->earliest_s, r->latest_s, r->step_s,
                                              !r->unpaid};
        }
        rt->min = t->min;
        rt->max = t->has_max ? t->max : ACD_ROSTER_NO_MAX;
        rt->groups = gr;
        for (size_t j = 0; j < t->n_groups; j++)
            if (scheduled_group[t->groups[j]])
                *gr++ = t->groups[j];
        rt->n_groups = (size_t)(gr - rt->groups);
    }
    for (size_t b = 0; b < nb; b++) {
        pr->bin_start[b] = sc->open_s + (double)b * sc->interval_s;
        pr->bin_end[b] = b + 1 == nb ? sc->close_s : pr->bin_start[b] + sc->interval_s;
    }
    /* The objective is each group's cost_per_hour; a group without one
     * counts at a token rate (a thousandth of the cheapest given), so the
     * roster has no needless shifts; with no cost at all, paid hours. */
    double min_rate = 0;
    for (size_t g = 0; g < ng; g++)
        if (sc->groups[g].cost_per_hour > 0 &&
            (min_rate == 0 || sc->groups[g].cost_per_hour < min_rate))
            min_rate = sc->groups[g].cost_per_hour;
    for (size_t g = 0; g < ng; g++)
        pr->rate[g] = sc->groups[g].cost_per_hour > 0 ? sc->groups[g].cost_per_hour
                      : min_rate > 0                  ? min_rate / 1000
                                                      : 1;
    pr->p = (struct acd_roster_problem){
        .n_bins = nb,
        .n_groups = ng,
        .bin_start_s = pr->bin_start,
        .bin_end_s = pr->bin_end,
        .required = required,
        .rate = pr->rate,
        .n_templates = nt,
        .templates = pr->t,
    };
}

static void
problem_fini(struct problem *pr)
{
    free(pr->t);
    free(pr->starts);
    free(pr->breaks);
    free(pr->groups);
    free(pr->bin_start);
    free(pr->bin_end);
    free(pr->rate);
}

/* ------------------------------------------------------------- the loop */

/* After a round that missed bin b: raise the requirement of the scheduled
 * group with the most work there (relative to the raises it already had)
 * above what the roster gives it. Returns false if no group can take it. */
static bool
raise_bin(struct acd_schedule_result *r, size_t b, unsigned *raises)
{
    size_t ng = r->n_groups, best = SIZE_MAX;
    double best_w = -1;
    for (size_t g = 0; g < ng; g++) {
        if (!r->scheduled_group[g])
            continue;
        size_t i = b * ng + g;
        double w = (r->required_phones[i] + 1) / (1.0 + raises[i]);
        if (w > best_w) {
            best_w = w;
            best = g;
        }
    }
    if (best == SIZE_MAX)
        return false;
    size_t i = b * ng + best;
    double cov = r->roster->coverage[i];
    double floor_cov = floor(cov + 1e-9);
    double was = r->required[i];
    r->required[i] = (was > floor_cov ? ceil(was - 1e-9) : floor_cov) + 1;
    double s = acd_scenario_shrinkage(r->sc, best, b);
    r->required_phones[i] = r->required[i] * (1 - s);
    raises[i]++;
    return true;
}

struct acd_schedule_result *
acd_schedule_run(const struct acd_scenario *sc, const struct acd_schedule_opts *o)
{
    ACD_ASSERT(sc->horizon == ACD_HORIZON_DAY && sc->n_templates > 0);
    double t0 = wall_now();
    size_t nb = sc->n_intervals, ng = sc->n_groups, n = nb * ng;
    struct acd_schedule_result *r = acd_xcalloc(1, sizeof(*r));
    r->sc = sc;
    r->n_bins = nb;
    r->n_groups = ng;
    r->scheduled_group = acd_xcalloc(ng ? ng : 1, sizeof(bool));
    r->required = acd_xcalloc(n ? n : 1, sizeof(double));
    r->required_phones = acd_xcalloc(n ? n : 1, sizeof(double));
    r->kpi = acd_xcalloc(nb ? nb : 1, sizeof(*r->kpi));
    r->bad_bin = r->bad_group = SIZE_MAX;
    for (size_t i = 0; i < sc->n_templates; i++)
        for (size_t j = 0; j < sc->templates[i].n_groups; j++) {
            size_t g = sc->templates[i].groups[j];
            r->scheduled_group[g] = !sc->groups[g].held;
        }

    /* 1. The requirement. */
    progress(o, "requirement", 0, SIZE_MAX);
    r->staff = acd_staff_search(sc, &o->staff);
    if (!r->staff->feasible) {
        r->status = ACD_SCHEDULE_NO_STAFFING;
        for (size_t b = 0; b < nb && r->bad_bin == SIZE_MAX; b++)
            if (!r->staff->kpi[b].met)
                r->bad_bin = b;
        r->wall_s = wall_now() - t0;
        return r;
    }
    for (size_t b = 0; b < nb; b++)
        for (size_t g = 0; g < ng; g++) {
            size_t i = b * ng + g;
            if (!r->scheduled_group[g])
                continue;
            double s = acd_scenario_shrinkage(sc, g, b);
            r->required_phones[i] = r->staff->agents[i];
            r->required[i] = r->staff->agents[i] / (1 - s);
        }
    bool shrink = acd_scenario_has_shrinkage(sc);
    r->requirement_cost = r->staff->cost;
    r->requirement_agent_hours = r->staff->agent_hours;
    if (r->staff->has_shrinkage) { /* the people scheduled are paid */
        r->requirement_cost += r->staff->scheduled_cost - r->staff->achieved.labor_cost.mean;
        r->requirement_agent_hours = r->staff->scheduled_hours;
    }

    /* 2-3. Roster, proof, raise; again. */
    struct problem pr;
    problem_init(&pr, sc, r->scheduled_group, r->required);
    pr.p.node_limit = o->solver_nodes ? o->solver_nodes : 2000;
    pr.p.time_limit_s = o->solver_time_s > 0 ? o->solver_time_s : 60;
    unsigned max_rounds = o->max_rounds ? o->max_rounds : 30;
    unsigned *raises = acd_xcalloc(n ? n : 1, sizeof(unsigned));
    r->rounds = acd_xcalloc(max_rounds, sizeof(*r->rounds));
    r->status = ACD_SCHEDULE_UNMET;
    for (unsigned round = 1; round <= max_rounds; round++) {
        progress(o, "roster", round, r->n_rounds ? r->rounds[r->n_rounds - 1].missed : SIZE_MAX);
        struct acd_roster_solution *sol = acd_roster_solve(&pr.p);
        struct acd_schedule_round *rd = &r->rounds[r->n_rounds++];
        rd->solver = sol->status;
        if (sol->status == ACD_ROSTER_UNCOVERED || sol->status == ACD_ROSTER_INFEASIBLE ||
            sol->status == ACD_ROSTER_FAILED) {
            r->status = sol->status == ACD_ROSTER_UNCOVERED    ? ACD_SCHEDULE_UNCOVERED
                        : sol->status == ACD_ROSTER_INFEASIBLE ? ACD_SCHEDULE_INFEASIBLE
                                                               : ACD_SCHEDULE_SOLVER;
            r->bad_bin = sol->uncovered_bin;
            r->bad_group = sol->uncovered_group;
            acd_roster_solution_free(sol);
            break;
        }
        acd_roster_solution_free(r->roster);
        r->roster = sol;
        rd->roster_cost = sol->cost;
        acd_schedule_plan_free(r->plan);
        r->plan =
            plan_new(sc, sol, r->scheduled_group, &o->staff.targets, r->staff->agents, shrink);
        progress(o, "simulate", round, SIZE_MAX);
        size_t met = acd_staff_evaluate(r->plan, &o->staff, r->kpi, &r->whole);
        rd->missed = nb - met;
        rd->cost = r->whole.cost.mean;
        if (met == nb) {
            r->status = ACD_SCHEDULE_MET;
            break;
        }
        for (size_t b = 0; b < nb; b++)
            if (!r->kpi[b].met && raise_bin(r, b, raises))
                rd->raised++;
        if (rd->raised == 0)
            break; /* nothing left to raise: UNMET */
    }
    free(raises);
    problem_fini(&pr);

    /* The roster's cost as `acdsim run` reports it for the roster file:
     * every scheduled agent on shift (shrinkage is paid time). */
    if (r->plan) {
        if (shrink) {
            acd_schedule_plan_free(r->plan);
            r->plan = plan_new(sc, r->roster, r->scheduled_group, &o->staff.targets,
                               r->staff->agents, false);
            struct acd_staff_kpi *kpi = acd_xcalloc(nb ? nb : 1, sizeof(*kpi));
            struct acd_staff_kpi whole;
            acd_staff_evaluate(r->plan, &o->staff, kpi, &whole);
            r->cost = whole.cost.mean;
            r->agent_hours = whole.paid_hours.mean;
            free(kpi);
        } else {
            r->cost = r->whole.cost.mean;
            r->agent_hours = r->whole.paid_hours.mean;
        }
        r->cost_of_rostering = r->cost - r->requirement_cost;
    }
    r->wall_s = wall_now() - t0;
    return r;
}

void
acd_schedule_result_free(struct acd_schedule_result *r)
{
    if (!r)
        return;
    acd_staff_result_free(r->staff);
    acd_roster_solution_free(r->roster);
    acd_schedule_plan_free(r->plan);
    free(r->scheduled_group);
    free(r->required);
    free(r->required_phones);
    free(r->kpi);
    free(r->rounds);
    free(r);
}
