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

/* Layout of the calls-waiting series every replication samples: returns
 * the number of points; *t0_s and *step_s place them in clock time. */
size_t acd_sim_samples(const struct acd_scenario *sc, double *t0_s, double *step_s);

/* Name of the i-th routing policy the engine knows, NULL past the last (for
 * checking a scenario's `routing.policy` and listing the choices). */
const char *acd_sim_policy_name(size_t i);
/* Name of the i-th per-call-type agent selection (call_types[].
 * agent_selection), NULL past the last. */
const char *acd_sim_selection_name(size_t i);

/* Everything one replication measured. Bins are measuring windows: one bin
 * for a steady-state horizon (warm-up excluded), one per interval for an
 * operating day. Arrays are indexed [bin * n_types + type] and
 * [bin * n_groups + group]. */
struct acd_rep_stats {
    size_t n_bins, n_types, n_groups;
    struct acd_counts *type_counts;
    struct acd_counts *group_counts;
    /* Answered calls' waits per type over the reported bins (dense), and
     * per reported bin x type sparsely (histogram bin * n_types + type;
     * an operating day only, else empty); sorted by acd_sim_stats. */
    struct acd_hist *type_hists;
    struct acd_hist_log bin_waits;
    struct acd_hist *abandon_hists; /* abandoned calls' waits, per type (reported bins) */
    /* (NULL and empty for a sim made with ACD_SIM_NO_HISTS) */
    /* Calls waiting (all queues, on hold) sampled every sample_step_s from
     * sample_t0_s: n_samples points covering the reported window. */
    size_t n_samples;
    double sample_t0_s, sample_step_s;
    double *samples;
    uint64_t calls;  /* calls generated (warm-up included) */
    uint64_t events; /* events executed */
    /* The drain: from closing (steady state: the end of the horizon) until
     * the last call and its wrap-up ended, outside every bin. drain_s is
     * its length; per group, the agent-seconds busy and staffed in it
     * (n_groups each). So far, while the drain lasts. */
    double drain_s;
    double *drain_busy_s, *drain_staffed_s;
    /* Moves (agent_groups[].moves): agents a move asked for that were not
     * on duty in its group at its start (those there were moved), summed
     * over the moves. 0 without moves. */
    double moves_missing;
};

/* Per-call trace: one record per call leg when the leg ends (answered legs
 * at the end of their talk time, once the resolution is known). Offered
 * attempts come first: a leg is offered iff its source is before
 * ACD_SRC_ESCALATION (acd_state_is_offered). */
enum acd_call_source {
    ACD_SRC_FRESH,          /* a customer's first call about an issue */
    ACD_SRC_RETRIAL,        /* after a busy signal, a balk or an abandon */
    ACD_SRC_REPEAT,         /* the issue was not resolved: the customer calls again */
    ACD_SRC_CALLBACK,       /* the center dials back a virtual-hold caller */
    ACD_SRC_ESCALATION,     /* warm transfer to the next tier (same call) */
    ACD_SRC_TRANSFER,       /* queue timeout routed to another call type (same call) */
    ACD_SRC_AGENT_TRANSFER, /* transferred by the agent after a talk (same call) */
};

enum acd_outcome {
    ACD_OUT_ANSWERED,
    ACD_OUT_ABANDONED,
    ACD_OUT_BLOCKED,
    ACD_OUT_BALKED,
    ACD_OUT_TIMEOUT,  /* queue timeout (voicemail, or transferred: see next leg) */
    ACD_OUT_CALLBACK, /* accepted a callback: left the line, keeps its place */
    ACD_OUT_DISCONNECTED,
    ACD_OUT_VOICEMAIL, /* a transfer with if_idle: voicemail found no idle agent */
};

/* What followed an answered leg. */
enum acd_after {
    ACD_AFTER_NONE,       /* not answered */
    ACD_AFTER_RESOLVED,   /* issue resolved */
    ACD_AFTER_ESCALATED,  /* warm transfer to the next tier */
    ACD_AFTER_REPEAT,     /* unresolved: the customer will call again */
    ACD_AFTER_UNRESOLVED, /* unresolved, no further contact today */
    ACD_AFTER_TRANSFERRED /* transferred by the agent: see the next leg */
};

struct acd_trace_rec {
    uint64_t call_id;  /* leg id, unique within the replication */
    uint64_t issue_id; /* the customer problem the leg belongs to */
    size_t type;       /* call type index */
    unsigned tier;     /* tier of the queue the leg waited in (1 = front line) */
    unsigned attempt;  /* call attempt number of the issue (1 = first call) */
    enum acd_call_source source;
    double t_arrive_s; /* reached the ACD (clock seconds) */
    double t_end_s;    /* answered, abandoned, blocked... (end of waiting) */
    double t_done_s;   /* end of talk for answered legs, else t_end_s */
    size_t group;      /* answering group, SIZE_MAX if none */
    size_t agent;      /* answering agent: its index in the replication (0-based,
                          stable for the replication), SIZE_MAX if none */
    enum acd_outcome outcome;
    enum acd_after after;
    bool counted; /* arrived inside a reported bin (not in warm-up) */
    /* The issue's cumulative wait when the leg ended: every leg's time in
     * queue so far, this one's included (virtual hold is not waiting). */
    double wait_total_s;
};

/* Called from the thread running the replication; must not call back into
 * the sim. NULL fn: no trace (the default). */
typedef void acd_trace_fn(void *ud, const struct acd_trace_rec *rec);
void acd_sim_set_trace(struct acd_sim *s, acd_trace_fn *fn, void *ud);

/* Names for trace and report output ("fresh", "answered", "resolved"...). */
const char *acd_sim_source_name(enum acd_call_source src);
const char *acd_sim_outcome_name(enum acd_outcome out);
const char *acd_sim_after_name(enum acd_after after);

/* Create replication `replication` of `sc` with master seed `seed`. Borrows
 * sc, which must outlive the sim. Allocates all pools up front. */
struct acd_sim *acd_sim_new(const struct acd_scenario *sc, uint64_t seed, unsigned replication);
/* acd_sim_new with options: a bitwise or of ACD_SIM_* flags, 0 for none
 * (then it is acd_sim_new). */
enum {
    /* No wait histograms: the stats' hists and abandon_hists are NULL, and
     * nothing is allocated, zeroed or added for them; and no calls-waiting
     * series (samples stay 0, no sampling events, so `events` is lower).
     * Every other count is as without the flag; percentile metrics of these
     * stats cannot be computed (for clients that read the counts only: the
     * staffing search). */
    ACD_SIM_NO_HISTS = 1u << 0,
};
struct acd_sim *acd_sim_new_flags(const struct acd_scenario *sc, uint64_t seed,
                                  unsigned replication, unsigned flags);
/* NULL is a no-op. */
void acd_sim_free(struct acd_sim *s);
/* Make s replication `replication` of its scenario with master seed `seed`,
 * exactly as acd_sim_new_flags(sc, seed, replication, flags) would with its
 * scenario and flags (the same results, bit for bit), reusing its memory:
 * pools, event heap and statistics keep their size (those grown by an
 * earlier replication stay grown), generators are reseeded. The overload
 * limit goes back to the default and the trace to none. For a client
 * running many replications on one thread. */
void acd_sim_reset(struct acd_sim *s, uint64_t seed, unsigned replication);

/* Execute every event with time <= t_s and set the clock to t_s (or to the
 * last event time if the run finishes earlier). Returns true while the run
 * is not finished. */
bool acd_sim_run_until(struct acd_sim *s, double t_s);
/* Run to the end: arrivals stop at the horizon, calls in the system are
 * finished. */
void acd_sim_run(struct acd_sim *s);
/* Execute every event with time < t_s (strictly) and set the clock to t_s:
 * the state at t_s before anything scheduled for t_s. Interventions timed
 * at t_s are applied here, so that an interval boundary at t_s sees them
 * exactly as it would see the same change written in the scenario. Returns
 * true while the run is not finished. */
bool acd_sim_run_before(struct acd_sim *s, double t_s);
/* Execute exactly one event (for "step to next event"); false if none. */
bool acd_sim_step(struct acd_sim *s);
bool acd_sim_is_done(const struct acd_sim *s);
/* Time of the next pending event, INFINITY if none. */
double acd_sim_next_event_s(const struct acd_sim *s);
double acd_sim_now(const struct acd_sim *s);

/* Staffing change: group `g` gets `n` agents from now on. Extra agents log
 * on idle and take waiting calls at once; removed agents leave idle first,
 * busy ones after finishing the call in hand. Returns 0, -1 if g is out of
 * range. */
int acd_sim_set_agents(struct acd_sim *s, size_t g, unsigned n);
/* Arrival-rate change for call type `k` from now on (Poisson, memoryless,
 * so the pending arrival is redrawn). rate 0 stops arrivals. */
int acd_sim_set_rate(struct acd_sim *s, size_t k, double rate_per_s);

/* Interventions that hold across interval boundaries (the live view and
 * its scripts). An operating day re-applies the plan at every boundary, so
 * these are kept as offsets on top of it: the group's staffing is
 * max(0, planned + offset) and the type's arrival rate planned x factor
 * from now on. A change made at the instant of a pending interval boundary
 * (see acd_sim_run_before) is left to that boundary, so "from 09:30 on,
 * three agents fewer" gives the same replication, bit for bit, as the
 * scenario with its per-interval staffing reduced by three from 09:30
 * (without absenteeism, which draws per planned agent). Before opening and
 * after closing the offset is only recorded. On a shift-staffed group the
 * offset is on top of the roster: a positive one logs extra agents (staffed
 * by count) on, a negative one takes shift agents off the phones (idle at
 * once, busy after the call, on break at the break's end), never more than
 * the shifts have on (the offset is cut to that); docs/live.md. Returns -1
 * for an index out of range, else 0. */
int acd_sim_adjust_agents(struct acd_sim *s, size_t g, int delta);
/* Factor > 0 on the planned arrival rate of type k (1 ends a surge).
 * Returns 0, -1 if k is out of range or the factor is not finite and >= 0. */
int acd_sim_set_rate_factor(struct acd_sim *s, size_t k, double factor);

/* The overload guard. A center whose queue grows without bound (offered
 * load above its capacity, no abandonment, no queue limit) would swallow
 * memory: once more than max_calls legs are in the system (waiting, on
 * hold, talking), the replication stops at once - acd_sim_is_done turns
 * true, nothing more runs, and acd_sim_overload tells where. 0 sets the
 * default, ACD_SIM_DEFAULT_MAX_CALLS (acd_sim_new's). The memory a leg
 * costs, pools and pending events included, is at most
 * ACD_SIM_BYTES_PER_CALL. */
#define ACD_SIM_DEFAULT_MAX_CALLS ((size_t)4 * 1000 * 1000)
#define ACD_SIM_BYTES_PER_CALL    ((size_t)512)
void acd_sim_set_max_calls(struct acd_sim *s, size_t max_calls);

struct acd_overload {
    size_t type;    /* call type of the longest queue */
    unsigned tier;  /* its tier (1 = front line) */
    size_t waiting; /* calls waiting in it */
    size_t calls;   /* legs in the system (> limit) */
    size_t limit;   /* the max_calls passed */
    double t_s;     /* clock time when the guard stopped the replication */
};
/* True if the guard stopped the replication; then *o (if not NULL) says
 * where. */
bool acd_sim_overload(const struct acd_sim *s, struct acd_overload *o);

/* Check the replication's internal invariants (debug aid, O(agents + calls
 * + pending events)): idle lists, queues and pools against their counts,
 * agent states against the group counters, the event heap and what each
 * pending event points at. Returns 0; on a violation it never returns but
 * aborts with a located assertion naming the invariant. Reads s only; call
 * it between steps. Built with the meson option `invariants`, the engine
 * runs it after every event. */
int acd_sim_verify(const struct acd_sim *s);

/* The replication's accumulators so far (time integrals are brought up to
 * the current time first). Borrowed; valid until the next call on s. */
const struct acd_rep_stats *acd_sim_stats(struct acd_sim *s);

/* Agent states, as the snapshot reports them. */
enum acd_agent_state {
    ACD_AGENT_OFF, /* off shift (or removed) */
    ACD_AGENT_IDLE,
    ACD_AGENT_TALK,
    ACD_AGENT_WRAP,
    ACD_AGENT_BREAK,
    ACD_AGENT_RING, /* reserved for a call that is ringing (ring_time) */
    ACD_AGENT_STATES
};

/* Call counts of one call type over some bins (offered calls only). */
struct acd_snapshot_calls {
    double offered, answered, answered_within_t, abandoned, blocked;
    double answered_wait_sum_s;
};

/* A view of the current state, for the live view: read only, it changes
 * nothing in the sim (time integrals are extrapolated to now, not brought
 * up to date), so taking snapshots cannot change a replication's results.
 * Caller-owned (acd_snapshot_new / acd_snapshot_free); acd_sim_snapshot
 * grows the agent array as groups gain agents. */
struct acd_snapshot_type {
    unsigned waiting;
    double oldest_wait_s; /* 0 if none waiting */
    double rate_per_s;    /* arrival rate now, factor included */
    double rate_factor;
    struct acd_snapshot_calls interval; /* the current interval (bin) */
    struct acd_snapshot_calls day;      /* every reported bin so far */
};
struct acd_snapshot_group {
    unsigned staffed, busy, idle;
    unsigned by_state[ACD_AGENT_STATES]; /* every member of the group */
    unsigned members;                    /* agents ever created (the grid) */
    size_t first;                        /* members' states at agent_state[first...] */
    unsigned target;                     /* count-staffed: staffing asked for now */
    int offset;                          /* acd_sim_adjust_agents so far */
    bool by_shifts;
    double busy_s, staffed_s; /* agent-seconds over the reported bins so far */
    /* Moves: agents of other groups here now (in members), and the group's
     * own agents moved out or about to go (not in members). */
    unsigned moved_in, moved_out;
};
struct acd_snapshot {
    double now_s;
    size_t n_types, n_groups;
    struct acd_snapshot_type *types;
    struct acd_snapshot_group *groups;
    uint64_t events;
    uint64_t calls;
    bool done, closed;
    size_t n_bins; /* reported bins (intervals of a day; 1 for steady state) */
    size_t bin;    /* the bin calls arriving now count in; n_bins outside (warm-up...) */
    /* Center counts per reported bin (the service level sparkline). */
    double *bin_offered, *bin_within_t;
    size_t n_agents, agents_cap;
    uint8_t *agent_state; /* enum acd_agent_state, grouped by group in member order */
};
struct acd_snapshot *acd_snapshot_new(const struct acd_scenario *sc);
void acd_snapshot_free(struct acd_snapshot *snap);
void acd_sim_snapshot(const struct acd_sim *s, struct acd_snapshot *out);

#endif
