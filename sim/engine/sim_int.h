/*
 * model: the engine's internal state - issues, call legs, agents, queues per
 * (call type, tier) and per-group idle lists - shared by sim.c (event
 * handlers, step API) and the routing policies (route.c). Not a public
 * header: clients use sim.h.
 *
 * Entities refer to each other by 32-bit index, never by owning pointer;
 * issues, calls and events come from pools that grow to their high-water
 * mark and are then reused, so the event loop does not allocate.
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

/* A customer problem: one fresh call and every retrial, repeat call and
 * callback that follows it. */
struct acd_issue {
    double t_first;    /* arrival of the fresh call */
    uint32_t bin;      /* statistics bin of the fresh call */
    uint32_t type;     /* call type of the fresh call */
    uint32_t contacts; /* call attempts so far (1 = the first call) */
    uint32_t next;     /* free-list link */
    uint64_t id;
};

enum { ACD_CALL_PLACEHOLDER = 1u << 0 }; /* virtual hold: the center calls back */

/* One leg of a call: an attempt reaching the ACD, or the same call moved to
 * another queue (escalation, timeout transfer). */
struct acd_call {
    double t_arrive;     /* the attempt reached the ACD */
    double t_queue;      /* joined its current queue */
    double t_answer;     /* reached an agent */
    uint64_t id;         /* leg id (trace) */
    uint32_t issue;      /* index into issues */
    uint32_t type;       /* call type of the queue it is in */
    uint32_t bin;        /* statistics bin of the attempt's arrival */
    uint32_t iv;         /* operating-day interval of the arrival (handle, patience) */
    uint32_t queue;      /* queue index while waiting */
    uint32_t prev, next; /* queue links; next is the free-list link when free */
    uint32_t ev_abandon; /* pending events, or ACD_EVQ_NONE */
    uint32_t ev_timeout;
    uint32_t ev_visible; /* overflow delay / assist wait threshold passed */
    uint16_t tier;       /* tier of its queue (1 = front line) */
    uint8_t source;      /* enum acd_call_source */
    uint8_t flags;       /* ACD_CALL_* */
    uint32_t attempt;    /* the issue's contact number of this attempt */
    int32_t priority;    /* routing priority (priority_score) */
};

struct acd_agent {
    double idle_since;
    double break_len_s; /* length of the break waiting for the call to end */
    uint32_t group;
    uint32_t prev, next; /* idle-list links */
    uint32_t call;       /* leg in hand (talk), ACD_NONE otherwise */
    uint32_t shift;      /* index into sim->shifts, ACD_NONE: staffed by count */
    uint32_t step;       /* next step of the shift plan */
    uint32_t ev;         /* pending shift-plan event, or ACD_EVQ_NONE */
    uint8_t state;       /* enum acd_agent_state */
    bool leaving;        /* log off after the call in hand */
    bool break_pending;  /* go on break after the call in hand */
};

/* FIFO of waiting legs of one (call type, tier), linked through acd_call. */
struct acd_queue {
    uint32_t head, tail, len;
    uint32_t type;
    uint16_t tier;
    int32_t priority;  /* routing priority of its legs */
    uint32_t n_groups; /* groups that may serve it (skill and tier) */
    uint32_t *groups;
    uint8_t *levels; /* their skill level for the call type */
    bool has_assist; /* some of those groups are assist-only */
};

/* A queue a group can serve, in the group's preference order. */
struct acd_group_queue {
    uint32_t queue;
    uint32_t level;
};

struct acd_type_rt {
    double rate_per_s;
    double plan_rate_per_s;          /* the scenario's rate now, before rate_factor */
    double rate_factor;              /* intervention on top of the plan (1: none) */
    uint32_t arrival_ev;             /* pending arrival, or ACD_EVQ_NONE */
    double q_last_t;                 /* last change of n_waiting (time integral) */
    uint32_t n_waiting;              /* legs waiting in all tiers of this type */
    const struct acd_dist *patience; /* NULL: never abandons */
    gsl_rng *r_arrivals, *r_handle, *r_patience, *r_retrial, *r_resolution, *r_caller, *r_wrap;
    bool plain; /* no caller behaviour, resolution or overflow: the fast path */
};

struct acd_group_rt {
    uint32_t idle_head, idle_tail, n_idle; /* idle agents, longest idle first */
    uint32_t n_busy;                       /* talk + wrap */
    uint32_t n_talk;
    uint32_t n_staffed; /* logged on, not on break: idle + talk + wrap */
    uint32_t n_break;
    uint32_t n_target; /* staffing asked for (count-staffed groups) */
    uint32_t n_plan;   /* the plan's staffing now, before agent_offset */
    int agent_offset;  /* intervention on top of the plan (count-staffed) */
    double busy_last_t, talk_last_t, staffed_last_t, break_last_t, roster_last_t;
    uint32_t tier;
    bool assist;
    uint32_t n_queues; /* queues it may serve, by preference */
    struct acd_group_queue *queues;
    uint32_t n_members;
    size_t members_cap;
    uint32_t *members;      /* every agent of this group ever created */
    unsigned roster;        /* count-staffed: most agents ever scheduled */
    unsigned *present_upto; /* [n]: present among the first n scheduled (absenteeism) */
    /* Handle time / wrap-up by call type (NULL: the type's own / none). */
    const struct acd_dist **handle;
    const struct acd_dist **wrap;
};

/* A shift plan step. */
struct acd_step {
    double t_s;
    uint8_t kind; /* enum step_kind in sim.c */
    double len_s; /* break length */
};

struct acd_shift_rt {
    uint32_t n_steps;
    struct acd_step *steps;
};

struct acd_sim {
    const struct acd_scenario *sc;
    const struct acd_route_policy *route;
    uint64_t seed;
    unsigned rep;

    struct acd_evq evq;
    double now;
    double start_s;       /* when arrivals start (steady: 0, day: open) */
    double warmup_s;      /* steady: end of warm-up */
    double horizon_end_s; /* arrivals stop (steady: duration, day: close) */
    bool day;
    bool closed;            /* arrivals have stopped */
    uint32_t next_boundary; /* boundaries executed so far (day: the next one's index) */
    bool done;

    struct acd_issue *issues;
    size_t issues_cap;
    uint32_t issue_free, n_issues_used;
    uint64_t next_issue_id;

    struct acd_call *calls;
    size_t calls_cap;
    uint32_t call_free, n_calls_used;
    uint64_t next_call_id;

    struct acd_agent *agents;
    size_t agents_cap, n_agents;

    size_t n_types, n_groups, n_queues;
    unsigned n_tiers;
    struct acd_type_rt *types;
    struct acd_group_rt *groups;
    struct acd_queue *queues; /* index type * n_tiers + (tier - 1) */
    uint32_t n_waiting;       /* all queues (placeholders included) */
    uint32_t n_talk;          /* all groups: calls holding a line */
    gsl_rng *r_routing, *r_day;
    double busyness; /* this day's volume multiplier */

    size_t n_shifts;
    struct acd_shift_rt *shifts;

    double sl_threshold_s;
    long capacity, lines;

    acd_trace_fn *trace;
    void *trace_ud;

    /* Statistics: bins 0..n_bins-1 are reported; bin n_bins is scratch
     * (warm-up, before opening, after closing). */
    struct acd_rep_stats st;
    uint32_t call_bin;   /* bin of arriving calls */
    uint32_t time_bin;   /* bin receiving time integrals */
    double *roster_s;    /* per bin x group: integral of the roster (all agents) */
    double *bin_start_s; /* n_bins */
    double *bin_end_s;
};

/* Primitives used by the routing policies. */
void acd_model_queue_remove(struct acd_sim *s, struct acd_queue *q, uint32_t c);
void acd_model_idle_remove(struct acd_sim *s, struct acd_group_rt *g, uint32_t a);
/* May group g take legs of queue q now (supervisor assist thresholds)?
 * `extra` counts a leg about to join q (an arriving call) at wait 0. */
bool acd_model_assist_ok(const struct acd_sim *s, uint32_t g, const struct acd_queue *q,
                         unsigned extra);

#endif
