/*
 * model: the engine's internal state - calls, agents, per-call-type queues
 * and per-group idle lists - shared by sim.c (event handlers, step API) and
 * the routing policies (route*.c). Not a public header: clients use sim.h.
 *
 * Entities refer to each other by 32-bit index, never by owning pointer;
 * calls and events come from pools that grow to their high-water mark and
 * are then reused, so the event loop does not allocate.
 */
#ifndef ACDSIM_MODEL_H
#define ACDSIM_MODEL_H

#include "acdsim/scenario.h"
#include "acdsim/sim.h"
#include "acdsim/stats.h"
#include "evq.h"

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stdint.h>

#define ACD_NONE UINT32_MAX

struct acd_route_policy;

struct acd_call {
    double t_arrive;     /* reached the ACD */
    double t_queue;      /* joined the queue */
    uint32_t type;       /* call type index */
    uint32_t bin;        /* statistics bin of its arrival */
    uint32_t prev, next; /* queue links; next is the free-list link when free */
    uint32_t abandon_ev; /* pending abandonment, or ACD_EVQ_NONE */
};

enum acd_agent_state { ACD_AGENT_OFF, ACD_AGENT_IDLE, ACD_AGENT_BUSY };

struct acd_agent {
    double idle_since;
    uint32_t group;
    uint32_t prev, next; /* idle-list links */
    uint8_t state;       /* enum acd_agent_state */
    bool leaving;        /* log off after the call in hand */
};

/* FIFO of waiting calls, doubly linked through struct acd_call. */
struct acd_queue {
    uint32_t head, tail, len;
};

struct acd_type_rt {
    struct acd_queue q;
    double rate_per_s;
    uint32_t arrival_ev; /* pending arrival, or ACD_EVQ_NONE */
    double q_last_t;     /* last change of q.len (time integral) */
    const struct acd_dist *handle;
    const struct acd_dist *patience; /* NULL: never abandons */
    gsl_rng *r_arrivals, *r_handle, *r_patience;
    uint32_t n_groups;
    uint32_t *groups; /* groups with this skill, scenario order */
};

struct acd_group_rt {
    uint32_t idle_head, idle_tail, n_idle; /* idle agents, longest idle first */
    uint32_t n_busy;
    uint32_t n_staffed;    /* logged on: idle + busy (leaving ones included) */
    uint32_t n_target;     /* staffing asked for */
    double busy_last_t;    /* last change of n_busy (time integral) */
    double staffed_last_t; /* last change of n_staffed; kept apart so the
                              staffed integral adds few, long terms: exact
                              for constant staffing */
    uint32_t n_skills;
    uint32_t *skills;
    uint32_t n_members;
    size_t members_cap;
    uint32_t *members; /* every agent of this group ever created */
};

struct acd_sim {
    const struct acd_scenario *sc;
    const struct acd_route_policy *route;
    uint64_t seed;
    unsigned rep;

    struct acd_evq evq;
    double now;
    double warmup_s, horizon_end_s;
    bool done;

    struct acd_call *calls;
    size_t calls_cap;
    uint32_t call_free, n_calls_used;

    struct acd_agent *agents;
    size_t agents_cap, n_agents;

    size_t n_types, n_groups;
    struct acd_type_rt *types;
    struct acd_group_rt *groups;
    uint32_t n_waiting; /* all queues */
    uint32_t n_busy;    /* all groups */
    gsl_rng *r_routing;

    double sl_threshold_s;
    long capacity, lines;

    /* Statistics: bins 0..n_bins-1 are reported; bin n_bins is scratch
     * (warm-up, after the horizon). */
    struct acd_rep_stats st;
    uint32_t call_bin;   /* bin of arriving calls */
    uint32_t time_bin;   /* bin receiving time integrals */
    double *bin_start_s; /* n_bins + 1 */
    double *bin_end_s;
};

/* Queue and idle-list primitives used by policies. */
void acd_model_queue_remove(struct acd_sim *s, struct acd_queue *q, uint32_t c);
void acd_model_idle_remove(struct acd_sim *s, struct acd_group_rt *g, uint32_t a);

#endif
