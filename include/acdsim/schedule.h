/*
 * schedule: a shift roster proven by simulation (`acdsim schedule`).
 *
 *   1. The requirement: the fewest agents on the phones per interval and
 *      group that meet the goals (acd_staff_search), grossed up by the
 *      shrinkage to agents scheduled.
 *   2. The roster: the cheapest shifts of the scenario's templates, with
 *      their breaks placed, that cover it (acd_roster_solve, GLPK).
 *   3. The proof: the roster simulated as it would run - its shifts, its
 *      breaks where placed, absenteeism, and shrinkage as agents missing
 *      at random - with the search's seeds and replications. Where an
 *      interval misses a goal, that interval's requirement is raised above
 *      what the roster gives it (for the group with the most work there)
 *      and the roster is solved again; until every interval meets its
 *      goals, or a round limit.
 * Groups held (acd_agent_group.held) and groups no template staffs keep
 * the scenario's staffing throughout.
 */
#ifndef ACDSIM_SCHEDULE_H
#define ACDSIM_SCHEDULE_H

#include "acdsim/roster.h"
#include "acdsim/scenario.h"
#include "acdsim/staff.h"
#include <stdbool.h>
#include <stddef.h>

struct acd_schedule_opts {
    struct acd_staff_opts staff; /* goals, replications, seed, threads, guard */
    unsigned max_rounds;         /* closed-loop rounds; 0: 30 */
    unsigned long solver_nodes;  /* branch-and-bound nodes per integer program; 0: 2000 */
    double solver_time_s;        /* per integer program, a guard; 0: 60 s */
    /* Progress: phase ("requirement", "roster", "simulate"), the round
     * (1-based; 0 while the requirement is searched), intervals missing a
     * goal after the last simulation (SIZE_MAX: not simulated yet). */
    void (*progress)(void *ud, const char *phase, unsigned round, size_t missed);
    void *progress_ud;
};

enum acd_schedule_status {
    ACD_SCHEDULE_MET,         /* the roster meets every goal in every interval */
    ACD_SCHEDULE_UNMET,       /* rounds ran out with intervals still missing */
    ACD_SCHEDULE_NO_STAFFING, /* the requirement search found intervals no staffing meets */
    ACD_SCHEDULE_UNCOVERED,   /* an interval x group needs agents no template can staff */
    ACD_SCHEDULE_INFEASIBLE,  /* the templates' min/max counts leave no roster */
    ACD_SCHEDULE_SOLVER,      /* the integer program found no roster in its time */
};

/* One round of the closed loop. */
struct acd_schedule_round {
    double cost;        /* the roster's simulated cost (acd_stats_cost, mean) */
    double roster_cost; /* the integer program's objective */
    size_t missed;      /* intervals missing a goal */
    size_t raised;      /* requirements raised after it */
    enum acd_roster_status solver;
};

struct acd_schedule_result {
    const struct acd_scenario *sc; /* borrowed */
    enum acd_schedule_status status;
    struct acd_staff_result *staff; /* the requirement's search (owned) */
    size_t n_bins, n_groups;
    bool *scheduled_group; /* [n_groups]: some template staffs it, not held */
    /* [bin * n_groups + group]: the requirement the last roster covers
     * (agents scheduled: on the phones / (1 - shrinkage), raised where
     * the proof asked), and the requirement of agents on the phones from
     * the search (raised likewise). */
    double *required, *required_phones;
    /* The last roster (owned; NULL when no roster was solved), its
     * problem's templates in the scenario's order. */
    struct acd_roster_solution *roster;
    /* The scenario running the roster (shifts of the scheduled groups
     * replaced by the roster's lines; owned, acd_schedule_plan_free). */
    struct acd_scenario *plan;
    /* The roster's simulated figures per bin, and the whole horizon. */
    struct acd_staff_kpi *kpi, whole;
    size_t n_rounds;
    struct acd_schedule_round *rounds;
    /* Costs as `run` reports them: the roster's, the requirement's (the
     * search's recommended per-interval plan), and their difference (the
     * cost of rostering). Paid agent-hours likewise. */
    double cost, requirement_cost, cost_of_rostering;
    double agent_hours, requirement_agent_hours;
    /* UNCOVERED: where; NO_STAFFING: the first interval missed. */
    size_t bad_bin, bad_group;
    double wall_s;
};

/* Runs the whole loop on sc (an operating day with shift_templates; the
 * groups' `held` marks respected). Returns a new result (caller frees
 * with acd_schedule_result_free); its status says how it ended. */
struct acd_schedule_result *acd_schedule_run(const struct acd_scenario *sc,
                                             const struct acd_schedule_opts *o);
void acd_schedule_result_free(struct acd_schedule_result *r);

/* A copy of sc in which each scheduled group's staffing is the roster's
 * lines for that group (shifts with their breaks; other groups as in
 * sc), with the targets' goals. Shares everything else with sc (must
 * outlive it); free with acd_schedule_plan_free. */
struct acd_scenario *acd_schedule_plan(const struct acd_scenario *sc,
                                       const struct acd_roster_solution *roster,
                                       const bool *scheduled_group,
                                       const struct acd_staff_targets *t);
void acd_schedule_plan_free(struct acd_scenario *plan);

#endif
