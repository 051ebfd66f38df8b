/*
 * state: the engine's model state - issues, call legs, agents, queues per
 * (call type, tier), per-group idle lists - with the pools, lists and
 * counters that change it. The routing policies (route.c) read it; the
 * simulator (sim*.c, see sim_int.h) owns it and runs the events on it.
 * Depends on neither, so the policies see the state without seeing the
 * simulator. Not a public header: clients use sim.h.
 *
 * Entities refer to each other by 32-bit index, never by owning pointer;
 * issues, calls and events come from pools that grow to their high-water
 * mark and are then reused, so the event loop does not allocate.
 *
 * The helpers used on every event (pools, lists, counters, lookups) are
 * static inline here, so the event handlers inline them as they did when
 * everything was one file; the rest is in state.c. None of them checks its
 * arguments beyond ACD_ASSERT on pool growth: callers pass valid indices.
 */
#ifndef ACDSIM_STATE_H
#define ACDSIM_STATE_H

#include "acdsim/scenario.h"
#include "acdsim/sim.h"
#include "acdsim/stats.h"
#include "evq.h"
#include "rng.h"
#include "util.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define ACD_NONE UINT32_MAX

struct acd_route_policy;

/* A customer problem: one fresh call and every retrial, repeat call and
 * callback that follows it. */
struct acd_issue {
    double t_first;    /* arrival of the fresh call */
    double wait_s;     /* cumulative wait: every leg's time in queue so far */
    double patience_s; /* retry.same_caller: the caller's patience, NAN until drawn */
    uint32_t bin;      /* statistics bin of the fresh call */
    uint32_t type;     /* call type of the fresh call */
    uint32_t contacts; /* call attempts so far (1 = the first call) */
    uint32_t next;     /* free-list link */
    uint64_t id;
    uint64_t key; /* the caller's identity (rng.h: acd_crng_caller_key) */
    /* Draws made so far per counted purpose (enum acd_caller_purpose): the
     * occurrence of the next one. */
    uint16_t occ[ACD_CALLER_COUNTED];
    bool answered; /* some leg reached an agent */
};

enum {
    ACD_CALL_PLACEHOLDER = 1u << 0, /* virtual hold: the center calls back */
    ACD_CALL_XFER = 1u << 1,        /* transferred by an agent: not again */
    ACD_CALL_HELD = 1u << 2,        /* warm / conference: agent `held` waits with the caller */
    ACD_CALL_RINGING = 1u << 3,     /* out of its queue, ringing at agent `agent` */
    ACD_CALL_EMAIL = 1u << 4,       /* an e-mail: in its type's n_waiting, not the center's */
};

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
    uint32_t held;       /* ACD_CALL_HELD: the first agent of a warm transfer */
    uint32_t agent;      /* ringing (ACD_CALL_RINGING): the reserved agent */
    uint32_t ev_ring;    /* ringing: the pending ring end (obj: the agent); stale otherwise */
};

struct acd_agent {
    union {
        double idle_since;  /* idle */
        uint64_t held_wrap; /* held: the sub-stream of its wrap-up (agent_wrap_base) */
    };
    double break_len_s; /* length of the break waiting for the call to end */
    uint32_t group;
    union {
        struct {
            uint32_t prev, next; /* idle-list links (idle) */
        };
        struct {
            uint32_t held_type; /* held: the call type it talked (its wrap-up) */
            uint32_t held_xfer; /* ...and the transfer: call_types[held_type].transfers[] */
        };
    };
    uint32_t call;  /* leg in hand (talk), ACD_NONE otherwise */
    uint32_t shift; /* index into sim->shifts, ACD_NONE: staffed by count */
    uint32_t step;  /* next step of the shift plan */
    uint32_t ev;    /* pending shift-plan event, or ACD_EVQ_NONE */
    uint8_t state;  /* enum acd_agent_state */
    /* One byte of flags, so the record is 48 bytes, not 56 (with 56, most
     * records straddle two cache lines; with 48, half). */
    bool leaving : 1;       /* log off after the call in hand */
    bool break_pending : 1; /* go on break after the call in hand */
    bool break_unpaid : 1;  /* the break it is on (or waits for) is unpaid */
    bool held : 1;          /* talking, no call in hand: kept on a warm transfer or conference */
};

/* Chat (call types with channel chat): the chats an agent holds, in
 * acd_sim.chat beside the agents (the agent record stays 48 bytes). n
 * counts the chats whose slot is taken (talking or in their wrap-up),
 * talk those still talking. voice: a voice call the agent took while it
 * held chats (group blending), ACD_BLEND_*. An agent with n > 0 or a
 * blended voice call is busy, in state talk while a chat or that call is in
 * talk, else wrap-up; it holds a voice call (ag->call) only as a blended
 * one. */
enum { ACD_BLEND_NONE, ACD_BLEND_TALK, ACD_BLEND_WRAP };
struct acd_agent_chat {
    uint8_t n;
    uint8_t talk;
    uint8_t voice; /* ACD_BLEND_* */
};

/* FIFO of waiting legs of one (call type, tier), linked through acd_call. */
struct acd_queue {
    uint32_t head, tail, len;
    uint32_t type;
    uint16_t tier;
    uint16_t lane;     /* 0: calls, escalations; else transferred legs (acd_state_lane_queue) */
    int32_t priority;  /* routing priority of its legs */
    uint32_t n_groups; /* groups that may serve it (skill and tier) */
    uint32_t *groups;  /* in the call type's group order (call_types[].groups) */
    uint8_t *levels;   /* their skill level for the call type */
    bool has_assist;   /* some of those groups are assist-only */
    /* An e-mail type's queue: an agent takes its legs only when no other
     * leg it may take waits, never after closing (route.c best_leg). */
    bool email;
    /* How an idle agent is chosen for an arriving leg: the call type's
     * agent_selection, or the routing policy's own (route.h). */
    uint32_t (*pick_agent)(const struct acd_sim *s, uint32_t c, uint32_t q, unsigned extra);
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
    const struct acd_dist *ring;     /* ring time, NULL: talk starts at assignment */
    double handle_per_wait;          /* extra handle time per second waited */
    gsl_rng *r_arrivals;
    uint64_t caller_key;   /* key of its callers (rng.h: ACD_STREAM_CALLERS) */
    uint64_t n_fresh;      /* fresh calls so far: the next caller's sequence number */
    bool transfers;        /* the type transfers (call_types[].transfers) */
    bool plain;            /* no caller behaviour, resolution or overflow: the fast path */
    double sl_threshold_s; /* the type's own service-level threshold, else the center's */
    unsigned concurrency;  /* chat: chats an agent may hold while taking one; 0: not a chat */
    /* How an idle agent is chosen for an arriving call: the call type's
     * agent_selection, or the routing policy's own (route.h). */
    uint32_t (*pick_agent)(const struct acd_sim *s, uint32_t c, uint32_t q, unsigned extra);
};

/* Ringing agents of a group (only with a ring time: acd_sim.ring_rt), kept
 * apart so that the group record stays as it was without ring times. */
struct acd_ring_rt {
    uint32_t n_ring; /* agents reserved for a call that is ringing (in n_busy) */
    double ring_last_t;
};

struct acd_group_rt {
    uint32_t idle_head, idle_tail, n_idle; /* idle agents, longest idle first */
    /* The same idle agents in an array (any order; s->idle_pos[a] is a's
     * index), for picking one uniformly in O(1): kept only when some call
     * type this group serves selects agents at random, else NULL. Sized
     * like members. */
    uint32_t *idle_ix;
    uint32_t n_busy; /* talk + wrap (+ ringing: acd_ring_rt) */
    uint32_t n_talk;
    uint32_t n_staffed; /* logged on, not on break: idle + talk + wrap */
    uint32_t n_break;
    uint32_t n_unpaid; /* of n_break, on an unpaid break */
    uint32_t n_target; /* staffing asked for (count-staffed groups) */
    uint32_t n_plan;   /* the plan's staffing now, before agent_offset */
    int agent_offset;  /* intervention on top of the plan (count-staffed) */
    double busy_last_t, talk_last_t, staffed_last_t, break_last_t, roster_last_t;
    double unpaid_last_t;
    uint32_t tier;
    bool assist;
    uint32_t n_queues; /* queues it may serve, by preference */
    struct acd_group_queue *queues;
    uint32_t n_members;
    size_t members_cap;
    uint32_t *members;      /* every agent of this group ever created */
    unsigned roster;        /* count-staffed: most agents ever scheduled */
    unsigned *present_upto; /* [n]: present among the first n scheduled (absenteeism) */
    /* Handle time / wrap-up by call type (NULL: the type's own / none).
     * wrap is also set (all NULL) when some call type has a ring time: a
     * non-NULL wrap means talk time is integrated apart from busy time. */
    const struct acd_dist **handle;
    const struct acd_dist **wrap;
};

/* A shift plan step. */
struct acd_step {
    double t_s;
    uint8_t kind; /* enum step_kind in sim_int.h */
    bool unpaid;  /* an unpaid break */
    double len_s; /* break length */
};

struct acd_shift_rt {
    uint32_t n_steps;
    struct acd_step *steps;
};

/* A move of agents between groups (agent_groups[].moves, sim_moves.c). */
enum acd_move_phase { ACD_MOVE_WAITING, ACD_MOVE_ON, ACD_MOVE_OVER };
struct acd_move_rt {
    uint32_t from, to;
    uint32_t shift; /* shifts[].moves: agents of this shift (acd_sim.shifts) only, else ACD_NONE */
    unsigned count;
    double start_s, end_s;
    uint32_t ev;                       /* its pending start or end (EV_MOVE), or ACD_EVQ_NONE */
    uint8_t phase;                     /* enum acd_move_phase */
    unsigned moved;                    /* agents it took at its start */
    unsigned missing;                  /* count - moved: not on duty in `from` at its start */
    double clock_start_s, clock_end_s; /* a period (`days:`): its times on each day's clock */
};

/* Where a moved agent is in its move (acd_sim.agent_mv). */
enum acd_agent_mv_state {
    ACD_MV_NONE,     /* not moved: managed by its own group's plan */
    ACD_MV_OUT_SOON, /* in `from`, goes to `to` after the call in hand */
    ACD_MV_AWAY,     /* a member of `to` */
    ACD_MV_BACK_SOON /* in `to`, goes back after the call in hand */
};
struct acd_agent_mv {
    uint32_t move; /* index into acd_sim.moves, ACD_NONE: not moved */
    uint8_t state; /* enum acd_agent_mv_state */
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
    bool closed; /* arrivals have stopped */
    /* Multi-day period (sc->n_days > 0): the day in force (the last one
     * opened), and whether the center is closed between that day and the
     * next (closed is then set too: no arrivals; retrials and repeat calls
     * due meanwhile wait for the next opening). */
    uint32_t cur_day;
    bool night;
    double *day_busyness; /* per day: the busyness factor (day 0: busyness) */
    /* No call type has retrials, repeat calls, escalation, callbacks or
     * timeout transfers: every issue is one leg, its cumulative figures
     * are its call's, and the engine does not track them per issue
     * (acd_sim_stats copies them; the hot path stays as it was). */
    bool single_leg;
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
    /* The overload guard (acd_sim_set_max_calls): legs alive now, and the
     * most allowed before the replication stops as overloaded. */
    size_t n_calls_live, max_calls;
    bool overloaded;
    struct acd_overload overload;

    struct acd_agent *agents;
    size_t agents_cap, n_agents;
    /* Per agent (agents_cap): index in its group's idle_ix while idle;
     * NULL unless some group keeps idle_ix. Beside the agents, not in
     * them, so the agent record stays 48 bytes. */
    uint32_t *idle_pos;

    size_t n_types, n_groups, n_queues;
    unsigned n_tiers;
    /* Queue lanes: 0 holds calls and escalations; with transfers, lane 1
     * legs transferred to a call type and lane group_lane[g] (>= 2) legs
     * transferred to group g, which only g serves. */
    unsigned n_lanes;
    uint16_t *group_lane; /* per group: its lane, 0 if no transfer names it */
    struct acd_type_rt *types;
    struct acd_group_rt *groups;
    struct acd_queue *queues;    /* index type * n_tiers + (tier - 1) */
    uint32_t n_waiting;          /* all queues (placeholders excluded) and ringing calls */
    uint32_t n_talk;             /* all groups: calls holding a line */
    uint32_t n_ringing;          /* calls ringing at an agent (also in n_waiting) */
    bool rings;                  /* some call type has a ring time */
    struct acd_ring_rt *ring_rt; /* n_groups when rings, else NULL */
    bool wait_handle;            /* some call type has handle_time_per_wait */
    /* Chat: per agent (agents_cap), NULL when no call type is a chat;
     * chats talking now (also counted in n_talk: they hold a line). */
    struct acd_agent_chat *chat;
    uint32_t n_chats;
    bool blend; /* chat, and some group has blending: true */
    gsl_rng *r_routing, *r_day;
    gsl_rng *r_caller; /* acd_crng_type: positioned on a caller's sub-stream per draw */
    double busyness;   /* this day's volume multiplier */

    /* E-mail (channel email): some call type is e-mail; e-mails waiting,
     * kept out of n_waiting (they hold no line nor waiting place). The
     * e-mails waiting are the legs of the e-mail types' queues (flagged
     * ACD_CALL_EMAIL): at closing they are the backlog and stay there,
     * neither worked nor disconnected, for a later day to start from. */
    bool email;
    uint32_t n_email_waiting;

    size_t n_shifts;
    struct acd_shift_rt *shifts;

    /* Moves (sim_moves.c): none, and all NULL / 0, without them. */
    size_t n_moves;
    struct acd_move_rt *moves;
    struct acd_agent_mv *agent_mv; /* per agent (agents_cap) */
    uint32_t *group_out;           /* per group: own agents moved out or about to go */
    uint32_t n_mv_soon;            /* agents in ACD_MV_OUT_SOON or ACD_MV_BACK_SOON */

    /* Shift agents taken off the phones by a negative agent_offset on a
     * shift-staffed group (acd_sim_adjust_agents): per agent, NULL until
     * the first such removal; n_pulled agents covered. */
    uint8_t *pulled;
    size_t n_pulled;
    bool roster_adjusted; /* some shift-staffed group had an offset: boundaries apply them */

    long capacity, lines;

    acd_trace_fn *trace;
    void *trace_ud;

    /* Statistics: bins 0..n_bins-1 are reported; bin n_bins is scratch
     * (warm-up, before opening, after closing). */
    struct acd_rep_stats st;
    uint32_t call_bin; /* bin of arriving calls */
    /* The drain after closing: the scratch bin's agent integrals at closing
     * (per group: busy, staffed), subtracted when the last call ends. */
    double *drain_base;
    bool drain_done;
    uint32_t time_bin;   /* bin receiving time integrals */
    double *roster_s;    /* per bin x group: integral of the roster (all agents) */
    double *bin_start_s; /* n_bins */
    double *bin_end_s;
};

/* --- lookups ------------------------------------------------------------ */

/* Is the leg an offered attempt (not a moved leg of one: escalation,
 * timeout transfer, agent transfer)? */
static inline bool
acd_state_is_offered(const struct acd_call *c)
{
    return c->source < ACD_SRC_ESCALATION;
}

static inline const struct acd_call_type *
acd_state_ctype(const struct acd_sim *s, uint32_t k)
{
    return &s->sc->call_types[k];
}

static inline const struct acd_resolution *
acd_state_resolution_at(const struct acd_call_type *ct, unsigned tier)
{
    for (size_t i = 0; i < ct->n_resolution; i++)
        if (ct->resolution[i].tier == tier)
            return &ct->resolution[i];
    return NULL;
}

static inline uint32_t
acd_state_queue_index(const struct acd_sim *s, uint32_t k, unsigned tier)
{
    return k * s->n_tiers + (tier - 1);
}

/* The queue of call type k at a tier in a lane (lane 0:
 * acd_state_queue_index). */
static inline uint32_t
acd_state_lane_queue(const struct acd_sim *s, unsigned lane, uint32_t k, unsigned tier)
{
    return (uint32_t)(lane * s->n_types * s->n_tiers) + k * s->n_tiers + (tier - 1);
}

/* Operating-day interval containing t (clamped), 0 for steady state. */
static inline uint32_t
acd_state_interval_at(const struct acd_sim *s, double t)
{
    if (!s->day)
        return 0;
    if (s->sc->n_days) { /* the current day's interval (t is now) */
        const struct acd_day *d = &s->sc->days[s->cur_day];
        double j = floor((t - d->open_s) / s->sc->interval_s);
        if (j < 0)
            return (uint32_t)d->first_interval;
        if (j >= (double)d->n_intervals)
            return (uint32_t)(d->first_interval + d->n_intervals - 1);
        return (uint32_t)(d->first_interval + (size_t)j);
    }
    double i = floor((t - s->sc->open_s) / s->sc->interval_s);
    if (i < 0)
        return 0;
    if (i >= (double)s->sc->n_intervals)
        return (uint32_t)s->sc->n_intervals - 1;
    return (uint32_t)i;
}

/* --- pools and lists ----------------------------------------------------
 *
 * Calls and issues: free lists threaded through `next`. A waiting leg is a
 * node of its queue's doubly linked FIFO; an idle agent of its group's idle
 * list (longest idle at the head) and, if the group keeps one, of its idle
 * array (idle_ix, swap-remove). */

static inline uint32_t
acd_state_call_alloc(struct acd_sim *s)
{
    uint32_t c = s->call_free;
    if (c != ACD_NONE) {
        s->call_free = s->calls[c].next;
    } else {
        if (s->n_calls_used == s->calls_cap) {
            ACD_ASSERT(s->calls_cap < ACD_NONE / 2);
            s->calls_cap *= 2;
            s->calls = acd_xrealloc(s->calls, s->calls_cap * sizeof(*s->calls));
        }
        c = s->n_calls_used++;
    }
    s->n_calls_live++;
    struct acd_call *x = &s->calls[c];
    x->id = s->next_call_id++;
    x->ev_abandon = x->ev_timeout = x->ev_visible = ACD_EVQ_NONE;
    x->flags = 0;
    x->queue = ACD_NONE;
    return c;
}

static inline void
acd_state_call_free(struct acd_sim *s, uint32_t c)
{
    s->calls[c].next = s->call_free;
    s->call_free = c;
    s->n_calls_live--;
}

static inline uint32_t
acd_state_issue_alloc(struct acd_sim *s)
{
    uint32_t i = s->issue_free;
    if (i != ACD_NONE) {
        s->issue_free = s->issues[i].next;
    } else {
        if (s->n_issues_used == s->issues_cap) {
            ACD_ASSERT(s->issues_cap < ACD_NONE / 2);
            s->issues_cap *= 2;
            s->issues = acd_xrealloc(s->issues, s->issues_cap * sizeof(*s->issues));
        }
        i = s->n_issues_used++;
    }
    s->issues[i].id = s->next_issue_id++;
    s->issues[i].contacts = 0;
    memset(s->issues[i].occ, 0, sizeof(s->issues[i].occ));
    if (!s->single_leg) { /* the cumulative figures (acd_sim.single_leg) */
        s->issues[i].wait_s = 0;
        s->issues[i].patience_s = ACD_NAN;
        s->issues[i].answered = false;
    }
    return i;
}

/* Give issue i back to the pool. */
static inline void
acd_state_issue_free(struct acd_sim *s, uint32_t i)
{
    s->issues[i].next = s->issue_free;
    s->issue_free = i;
}

static inline void
acd_state_queue_push(struct acd_sim *s, struct acd_queue *q, uint32_t c)
{
    s->calls[c].next = ACD_NONE;
    s->calls[c].prev = q->tail;
    if (q->tail != ACD_NONE)
        s->calls[q->tail].next = c;
    else
        q->head = c;
    q->tail = c;
    q->len++;
}

static inline void
acd_state_queue_remove(struct acd_sim *s, struct acd_queue *q, uint32_t c)
{
    struct acd_call *x = &s->calls[c];
    if (x->prev != ACD_NONE)
        s->calls[x->prev].next = x->next;
    else
        q->head = x->next;
    if (x->next != ACD_NONE)
        s->calls[x->next].prev = x->prev;
    else
        q->tail = x->prev;
    q->len--;
}

static inline void
acd_state_idle_push(struct acd_sim *s, struct acd_group_rt *g, uint32_t a)
{
    struct acd_agent *x = &s->agents[a];
    x->state = ACD_AGENT_IDLE;
    x->idle_since = s->now;
    x->next = ACD_NONE;
    x->prev = g->idle_tail;
    if (g->idle_tail != ACD_NONE)
        s->agents[g->idle_tail].next = a;
    else
        g->idle_head = a;
    g->idle_tail = a;
    if (g->idle_ix) {
        s->idle_pos[a] = g->n_idle;
        g->idle_ix[g->n_idle] = a;
    }
    g->n_idle++;
}

static inline void
acd_state_idle_remove(struct acd_sim *s, struct acd_group_rt *g, uint32_t a)
{
    struct acd_agent *x = &s->agents[a];
    if (x->prev != ACD_NONE)
        s->agents[x->prev].next = x->next;
    else
        g->idle_head = x->next;
    if (x->next != ACD_NONE)
        s->agents[x->next].prev = x->prev;
    else
        g->idle_tail = x->prev;
    g->n_idle--;
    if (g->idle_ix) { /* swap-remove: the last one takes a's place */
        uint32_t last = g->idle_ix[g->n_idle];
        g->idle_ix[s->idle_pos[a]] = last;
        s->idle_pos[last] = s->idle_pos[a];
    }
}

/* --- counters ----------------------------------------------------------- */

static inline struct acd_counts *
acd_state_type_counts(struct acd_sim *s, uint32_t bin, uint32_t k)
{
    return &s->st.type_counts[(size_t)bin * s->n_types + k];
}

static inline struct acd_counts *
acd_state_group_counts(struct acd_sim *s, uint32_t bin, uint32_t g)
{
    return &s->st.group_counts[(size_t)bin * s->n_groups + g];
}

static inline struct acd_counts *
acd_state_issue_counts(struct acd_sim *s, uint32_t i)
{
    return acd_state_type_counts(s, s->issues[i].bin, s->issues[i].type);
}

/* Time integrals are brought up to now before each counter changes. Each
 * counter keeps its own last-change time so a rarely changing one (staffed
 * agents) adds few, long terms and stays exact for constant staffing. */
static inline void
acd_state_touch_waiting(struct acd_sim *s, uint32_t k)
{
    struct acd_type_rt *t = &s->types[k];
    acd_state_type_counts(s, s->time_bin, k)->queue_area_s += t->n_waiting * (s->now - t->q_last_t);
    t->q_last_t = s->now;
}

#define ACD_STATE_TOUCH(name, counter, field, last)                                                \
    static inline void name(struct acd_sim *s, uint32_t gi)                                        \
    {                                                                                              \
        struct acd_group_rt *g = &s->groups[gi];                                                   \
        acd_state_group_counts(s, s->time_bin, gi)->field += g->counter * (s->now - g->last);      \
        g->last = s->now;                                                                          \
    }
ACD_STATE_TOUCH(acd_state_touch_busy, n_busy, busy_agent_s, busy_last_t)
ACD_STATE_TOUCH(acd_state_touch_talk, n_talk, talk_agent_s, talk_last_t)
ACD_STATE_TOUCH(acd_state_touch_staffed, n_staffed, staffed_agent_s, staffed_last_t)
ACD_STATE_TOUCH(acd_state_touch_break, n_break, break_agent_s, break_last_t)
ACD_STATE_TOUCH(acd_state_touch_unpaid, n_unpaid, unpaid_break_agent_s, unpaid_last_t)
#undef ACD_STATE_TOUCH

/* Agent a of group gi goes on (enter) or leaves (!enter) a break: the
 * break counters and their integrals, unpaid breaks apart. Not on the
 * per-call path. */
static inline void
acd_state_break_count(struct acd_sim *s, uint32_t gi, uint32_t a, bool enter)
{
    acd_state_touch_break(s, gi);
    s->groups[gi].n_break += enter ? 1u : (uint32_t)-1;
    if (s->agents[a].break_unpaid) {
        acd_state_touch_unpaid(s, gi);
        s->groups[gi].n_unpaid += enter ? 1u : (uint32_t)-1;
    }
}

static inline void
acd_state_touch_ring(struct acd_sim *s, uint32_t gi)
{
    struct acd_ring_rt *r = &s->ring_rt[gi];
    acd_state_group_counts(s, s->time_bin, gi)->ring_agent_s +=
        r->n_ring * (s->now - r->ring_last_t);
    r->ring_last_t = s->now;
}

/* The roster (every agent of the group) has its own integral: off-shift
 * time is what remains of it after staffed and break time. */
static inline void
acd_state_touch_roster(struct acd_sim *s, uint32_t gi)
{
    struct acd_group_rt *g = &s->groups[gi];
    s->roster_s[(size_t)s->time_bin * s->n_groups + gi] +=
        g->n_members * (s->now - g->roster_last_t);
    g->roster_last_t = s->now;
}

/* May agent a (holding chats) take one more chat (or, blending, a voice
 * call): not on a voice call, not leaving, not going on a break or to
 * another group after what it holds? */
static inline bool
acd_state_chat_open(const struct acd_sim *s, uint32_t a)
{
    const struct acd_agent *ag = &s->agents[a];
    if (ag->leaving || ag->break_pending || s->chat[a].voice != ACD_BLEND_NONE)
        return false;
    return !s->agent_mv ||
           (s->agent_mv[a].state != ACD_MV_OUT_SOON && s->agent_mv[a].state != ACD_MV_BACK_SOON);
}

/* --- state.c ------------------------------------------------------------ */

/* Bring every time integral (waiting calls, agents by state, roster) up to
 * now. */
void acd_state_touch_all(struct acd_sim *s);
/* May group g take legs of queue q now (supervisor assist thresholds)?
 * `extra` counts a leg about to join q (an arriving call) at wait 0. */
bool acd_state_assist_ok(const struct acd_sim *s, uint32_t g, const struct acd_queue *q,
                         unsigned extra);
/* A new agent of group gi, off shift, staffed by count (shift ACD_NONE) or
 * by shift plan `shift`; appended to the group's members. Returns its
 * index. */
uint32_t acd_state_agent_new(struct acd_sim *s, uint32_t gi, uint32_t shift);
/* Is agent a its own group's to staff (not moved, nor about to be)? */
static inline bool
acd_state_managed(const struct acd_sim *s, uint32_t a)
{
    return !s->agent_mv || s->agent_mv[a].move == ACD_NONE;
}
/* Staffing of count-staffed group g in interval b, after absenteeism. */
unsigned acd_state_planned_agents(const struct acd_sim *s, uint32_t g, size_t b);
/* The plan's staffing of group g now, with the interventions on top. */
unsigned acd_state_with_offset(const struct acd_sim *s, uint32_t g);

#endif
