/*
 * staff: the fewest agents per interval and group that meet the service
 * targets, found by simulation (`acdsim staff`), with the evidence.
 *
 * The search starts from an analytic estimate (Erlang A or C per interval,
 * SIPP-style, with the load of each call type and tier spread over the
 * groups that take it), then simulates the whole center - tiers,
 * escalations, repeat calls, retrials, multi-skill groups - with common
 * random numbers (every evaluation uses the same seeds) and:
 *   1. adds agents where an interval misses a target, each time to the
 *      group whose extra agent helps that interval most per unit cost;
 *   2. removes agents where an interval meets its targets without them;
 *   3. checks every interval x group: with one agent fewer the interval
 *      must miss a target (local minimality); where it does not, the agent
 *      goes and the check starts again.
 * A plan is the number of agents on the phones per interval and group (no
 * shifts, no breaks: the scenario's shifts are replaced by per-interval
 * counts; absenteeism still applies). An interval's figures are those of
 * the whole center for the calls that arrived in it (interface.md).
 * A group marked held (acd_agent_group.held, `--hold`) is not searched:
 * every plan keeps the scenario's staffing for it (acd_staff_plan too).
 */
#ifndef ACDSIM_STAFF_H
#define ACDSIM_STAFF_H

#include "acdsim/erlang.h"
#include "acdsim/scenario.h"
#include "acdsim/stats.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Goals an interval must meet; NAN = no such goal. */
struct acd_staff_targets {
    double sl_target;      /* minimum service level */
    double sl_threshold_s; /* T of the service level */
    bool sl_answered;      /* SL = answered within T / answered (else / offered) */
    double max_abandon;    /* maximum abandon_rate */
    double max_asa_s;      /* maximum asa_s */
    double max_occupancy;  /* maximum occupancy (whole center) */
    /* NAN: each goal is met on average over the replications (the mean of
     * the replications' own figures). Otherwise the share of replications
     * (days) in which the interval meets every goal must be at least this. */
    double probability;
};

/* The scenario's goals: service_level {threshold, target} and targets
 * {max_abandon, max_asa, max_occupancy}; met on average. */
void acd_staff_targets_from_scenario(const struct acd_scenario *sc, struct acd_staff_targets *t);
/* True if t has at least one goal. */
bool acd_staff_targets_any(const struct acd_staff_targets *t);

enum acd_staff_start {
    ACD_STAFF_START_ERLANG,  /* analytic estimate (default) */
    ACD_STAFF_START_CURRENT, /* the scenario's own plan (rounded up) */
};

/* Progress while searching: phase ("erlang", "add", "remove", "check",
 * "final"), evaluations so far (each one = replications simulated days or
 * runs), intervals missing a target in the last evaluation. Called on the
 * calling thread. */
typedef void acd_staff_progress_fn(void *ud, const char *phase, unsigned evaluations,
                                   size_t failing);

struct acd_staff_opts {
    struct acd_staff_targets targets;
    unsigned replications; /* 0: the scenario's */
    uint64_t seed;
    bool seed_set; /* false: the scenario's seed */
    unsigned threads;
    enum acd_staff_start start;
    unsigned max_evaluations;        /* 0: 5000 */
    acd_staff_progress_fn *progress; /* NULL: silent */
    void *progress_ud;
    /* The overload guard of every simulated plan (acd_run_opts.max_calls;
     * 0: the default). A plan that trips it counts as missing its goals.
     * After acd_staff_search, *overloaded (if not NULL) says whether the
     * recommended plan tripped it (its figures are then not to be
     * trusted), with the details in *overload (if not NULL); candidates
     * and the current plan tripping it are part of the search. After
     * acd_staff_evaluate, whether that plan tripped it. */
    size_t max_calls;
    struct acd_overload *overload;
    bool *overloaded;
};

/* The analytic starting point (Erlang per interval and group, as the
 * search starts from it): a new array [bin * n_groups + group] (caller
 * frees). A group's figure saturates at ACD_STAFF_START_MAX. */
#define ACD_STAFF_START_MAX 1000000000u
unsigned *acd_staff_start_plan(const struct acd_scenario *sc, const struct acd_staff_opts *o);

/* One interval (or the whole horizon) of a plan: the center's figures as
 * estimates over the replications. */
struct acd_staff_kpi {
    struct acd_estimate sl; /* per targets.sl_answered */
    struct acd_estimate abandon_rate, asa_s, occupancy, offered;
    /* The plan's cost as `acdsim run` reports it (acd_stats_cost: labor
     * of the paid agent time, abandoned and repeat calls) and its paid
     * agent-hours (on the phones plus breaks), within opening hours. */
    struct acd_estimate cost, labor_cost, abandon_cost, repeat_cost, paid_hours;
    double p_met; /* share of replications meeting every goal (no calls: met) */
    bool met;     /* the goals hold (on average, or with the probability) */
};

/* Local-minimality evidence: the plan with one agent fewer at (bin, group),
 * and what interval `bin` then achieves (kpi.met is false when the missing
 * agent breaks a goal in that very interval). A call counts in the
 * interval it arrived in but may wait into the next, so an agent fewer
 * can also break a later interval only: missed_bin is the first interval
 * that misses a goal (normally bin itself), missed its figures. */
struct acd_staff_check {
    size_t bin, group;
    struct acd_staff_kpi kpi;
    size_t missed_bin;
    struct acd_staff_kpi missed;
};

struct acd_staff_result {
    const struct acd_scenario *sc; /* borrowed: the scenario searched */
    struct acd_staff_targets targets;
    unsigned replications;
    uint64_t seed;
    size_t n_bins;   /* intervals of an operating day; 1 for a steady state */
    size_t n_groups; /* sc->n_groups */
    /* Arrays [bin * n_groups + group]. */
    unsigned *agents; /* recommended */
    unsigned *start;  /* the analytic (or current) starting point */
    double *current;  /* the scenario's plan: agents on the phones, time
                         average over the interval (breaks excluded, shifts
                         counted; absenteeism not deducted) */
    /* Per bin: the recommended and the current plan's figures. */
    struct acd_staff_kpi *kpi, *kpi_current;
    /* Whole horizon. */
    struct acd_staff_kpi achieved, achieved_current;
    /* One per interval x group with at least one recommended agent. */
    size_t n_checks;
    struct acd_staff_check *checks;
    /* Paid agent-hours (on the phones plus breaks) within opening hours
     * (steady state: over the measured window) and the cost, both as
     * `acdsim run` reports them (achieved.paid_hours.mean, .cost.mean). */
    double agent_hours, cost, current_agent_hours, current_cost;
    /* Shrinkage (the scenario's `shrinkage`; only when it gives one):
     * per [bin * n_groups + group] the shrinkage and the agents scheduled
     * to have the plan's agents on the phones, ceil(agents / (1 -
     * shrinkage)); their hours and cost at cost_per_hour; the current
     * plan's likewise (current / (1 - shrinkage), not rounded). The
     * simulation does not use it (paid time off the phones). */
    bool has_shrinkage;
    double *shrinkage;
    unsigned *scheduled;
    double scheduled_hours, scheduled_cost, current_scheduled_hours, current_scheduled_cost;
    bool feasible;        /* false: some interval misses a target and no extra agent helps it */
    unsigned evaluations; /* plans simulated */
    /* Work done: whole days simulated (an evaluation simulates one per
     * replication), and the days a check simulated only up to its window
     * (staff.c "checks in a window") with their intervals in all. */
    uint64_t days, window_days, window_bins;
    double wall_s;
};

/* Search. Borrows sc (must outlive the result). Returns a new result;
 * caller frees with acd_staff_result_free. Cannot fail on a valid
 * scenario with at least one goal (ACD_ASSERT). */
struct acd_staff_result *acd_staff_search(const struct acd_scenario *sc,
                                          const struct acd_staff_opts *o);
void acd_staff_result_free(struct acd_staff_result *r);

/* A scenario with plan agents[bin * n_groups + group] and the targets'
 * service-level threshold/target: a copy of sc that shares everything
 * with it except the groups and their per-interval staffing. Borrows sc
 * (must outlive the copy); free with acd_staff_plan_free (never with
 * acd_scenario_free). */
struct acd_scenario *acd_staff_plan(const struct acd_scenario *sc, const unsigned *agents,
                                    const struct acd_staff_targets *t);
void acd_staff_plan_free(struct acd_scenario *plan);

/* A shallow copy of sc (shares every array) with the targets' goals: the
 * service-level threshold changes what the engine counts. Free with
 * free(). */
struct acd_scenario *acd_staff_with_goals(const struct acd_scenario *sc,
                                          const struct acd_staff_targets *t);

/* The figures of a plan per bin and over the whole horizon (kpi: n_bins
 * entries, caller-owned), by simulation with opts' seed and replications.
 * Returns the number of bins meeting the goals. */
size_t acd_staff_evaluate(const struct acd_scenario *plan, const struct acd_staff_opts *o,
                          struct acd_staff_kpi *kpi, struct acd_staff_kpi *whole);

/* Staffing curve: one group's agents from lo to hi in one interval (bin;
 * 0 for a steady state), every other interval and group as in the
 * scenario's plan, and what the interval achieves at each count. For a
 * stationary one-call-type, one-group scenario the exact Erlang figures
 * are set beside (has_erlang). */
struct acd_staff_curve_point {
    unsigned agents;
    struct acd_staff_kpi kpi;
    bool has_erlang;
    struct acd_erlang_result erlang;
};

struct acd_staff_curve {
    const struct acd_scenario *sc; /* borrowed */
    struct acd_staff_targets targets;
    size_t group, bin;
    /* The scenario's own staffing of the group in the interval (agents on
     * the phones, time average: fractional with shifts and breaks); the
     * curve's other intervals keep it rounded. */
    double current;
    size_t n;
    struct acd_staff_curve_point *v;
};

/* The curve point of the scenario's own staffing (its count rounded), or
 * SIZE_MAX when the curve does not reach it. */
size_t acd_staff_curve_current(const struct acd_staff_curve *c);

/* Returns a new curve (caller frees with acd_staff_curve_free); lo <= hi. */
struct acd_staff_curve *acd_staff_curve(const struct acd_scenario *sc,
                                        const struct acd_staff_opts *o, size_t group, size_t bin,
                                        unsigned lo, unsigned hi);
void acd_staff_curve_free(struct acd_staff_curve *c);

#endif
