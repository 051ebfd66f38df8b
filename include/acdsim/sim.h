/*
 * sim: the step API - one replication of a scenario as an object that a
 * client advances in simulated time (GSL's INITIALIZE / ITERATE / TEST).
 *
 *   struct acd_sim *s = acd_sim_new(sc, seed, rep);
 *   while (!acd_sim_is_done(s)) { acd_sim_run_until(s, t += dt); ...snapshot... }
 *   acd_sim_free(s);
 *
 * `acdsim run` (through acd_run), the live view and the staffing search are
 * all clients of this API. Between steps a client may change staffing or
 * arrival rates; the change takes effect at the current simulated time.
 */
#ifndef ACDSIM_SIM_H
#define ACDSIM_SIM_H

#include "acdsim/scenario.h"
#include "acdsim/stats.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct acd_sim;

/* Name of the i-th routing policy the engine knows, NULL past the last (for
 * checking a scenario's `routing.policy` and listing the choices). */
const char *acd_sim_policy_name(size_t i);

/* Everything one replication measured. Bins are measuring windows: one bin
 * for a steady-state horizon (warm-up excluded), one per interval for an
 * operating day. Arrays are indexed [bin * n_types + type] and
 * [bin * n_groups + group]. */
struct acd_rep_stats {
    size_t n_bins, n_types, n_groups;
    struct acd_counts *type_counts;
    struct acd_counts *group_counts;
    struct acd_hist *hists; /* answered calls' waits, per bin x type */
    uint64_t calls;         /* calls generated (warm-up included) */
    uint64_t events;        /* events executed */
};

/* Create replication `replication` of `sc` with master seed `seed`. Borrows
 * sc, which must outlive the sim. Allocates all pools up front. */
struct acd_sim *acd_sim_new(const struct acd_scenario *sc, uint64_t seed, unsigned replication);
/* NULL is a no-op. */
void acd_sim_free(struct acd_sim *s);

/* Execute every event with time <= t_s and set the clock to t_s (or to the
 * last event time if the run finishes earlier). Returns true while the run
 * is not finished. */
bool acd_sim_run_until(struct acd_sim *s, double t_s);
/* Run to the end: arrivals stop at the horizon, calls in the system are
 * finished. */
void acd_sim_run(struct acd_sim *s);
/* Execute exactly one event (for "step to next event"); false if none. */
bool acd_sim_step(struct acd_sim *s);
bool acd_sim_is_done(const struct acd_sim *s);
double acd_sim_now(const struct acd_sim *s);
/* Time arrivals stop (end of the horizon). */
double acd_sim_horizon_end(const struct acd_sim *s);

/* Staffing change: group `g` gets `n` agents from now on. Extra agents log
 * on idle and take waiting calls at once; removed agents leave idle first,
 * busy ones after finishing the call in hand. Returns 0, -1 if g is out of
 * range. */
int acd_sim_set_agents(struct acd_sim *s, size_t g, unsigned n);
/* Arrival-rate change for call type `k` from now on (Poisson, memoryless,
 * so the pending arrival is redrawn). rate 0 stops arrivals. */
int acd_sim_set_rate(struct acd_sim *s, size_t k, double rate_per_s);

/* The replication's accumulators so far (time integrals are brought up to
 * the current time first). Borrowed; valid until the next call on s. */
const struct acd_rep_stats *acd_sim_stats(struct acd_sim *s);

/* A cheap view of the current state, for the live view. Caller-owned arrays
 * sized by acd_snapshot_new. */
struct acd_snapshot_type {
    unsigned waiting;
    double oldest_wait_s; /* 0 if none waiting */
};
struct acd_snapshot_group {
    unsigned staffed, busy, idle;
};
struct acd_snapshot {
    double now_s;
    size_t n_types, n_groups;
    struct acd_snapshot_type *types;
    struct acd_snapshot_group *groups;
    uint64_t events;
};
struct acd_snapshot *acd_snapshot_new(const struct acd_scenario *sc);
void acd_snapshot_free(struct acd_snapshot *snap);
void acd_sim_snapshot(const struct acd_sim *s, struct acd_snapshot *out);

#endif
