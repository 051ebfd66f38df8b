/*
 * sim_int: what the files of the simulator share, as SQLite's vdbe*.c share
 * vdbeInt.h. The module is one replication, split by concern:
 *
 *   sim.c         lifecycle, stepping, interventions, statistics, the
 *                 snapshot and the name tables (the public API of sim.h)
 *   sim_events.c  the event handlers: the call-center model
 *   sim_verify.c  acd_sim_verify, the invariant checker
 *
 * The state and its helpers are in state.h (the routing policies see it,
 * not this header). Not a public header: clients use sim.h.
 */
#ifndef ACDSIM_SIM_INT_H
#define ACDSIM_SIM_INT_H

#include "state.h"

/* Event kinds: the `kind` of every event in s->evq, indexing
 * acd_sim_handlers[]. */
enum ev_kind {
    EV_BOUNDARY,
    EV_TALK_END,
    EV_WRAP_END,
    EV_PLAN,
    EV_BREAK_END,
    EV_ABANDON,
    EV_TIMEOUT,
    EV_VISIBLE,
    EV_RETRY,
    EV_REPEAT,
    EV_ARRIVAL,
    EV_SAMPLE,
    EV_HOLD_END, /* a warm transfer's first agent leaves the call */
    EV_RING_END, /* ring time over: the talk starts */
    EV_MOVE,     /* a move's start or end (obj: the move) */
    EV_CHAT_END, /* a chat's talk ends (obj: the leg) */
    /* A chat's wrap-up ends: its slot is free (obj: the agent). */
    EV_CHAT_WRAP,
    EV_KINDS
};

/* At equal times: statistics boundaries first (so windows are exact), then
 * agents becoming free (a freed agent can take a call arriving at the same
 * instant; a ring ending as the caller's patience does connects the call),
 * shift plans, then moves (agents whose shift starts then can be moved),
 * then callers giving up, then new attempts; samples
 * last (they only read the state, so they change no other event's order). */
static const int ev_prio[EV_KINDS] = {
    [EV_BOUNDARY] = -4,  [EV_TALK_END] = -3, [EV_WRAP_END] = -3, [EV_PLAN] = -2,
    [EV_BREAK_END] = -2, [EV_ABANDON] = 0,   [EV_TIMEOUT] = 0,   [EV_VISIBLE] = 0,
    [EV_RETRY] = 1,      [EV_REPEAT] = 1,    [EV_ARRIVAL] = 1,   [EV_SAMPLE] = 2,
    [EV_HOLD_END] = -3,  [EV_RING_END] = -3, [EV_MOVE] = -1,     [EV_CHAT_END] = -3,
    [EV_CHAT_WRAP] = -3,
};

/* Steps of a shift plan (struct acd_step). */
enum step_kind { STEP_LOGON, STEP_BREAK, STEP_LOGOFF };

/* Schedule event `kind` of object obj at time t (with the kind's same-time
 * priority); returns its handle. */
static inline uint32_t
acd_sim_push(struct acd_sim *s, double t, enum ev_kind kind, uint32_t obj)
{
    return acd_evq_push(&s->evq, t, ev_prio[kind], kind, obj);
}

/* Cancel *ev if pending and clear it. */
static inline void
acd_sim_cancel(struct acd_sim *s, uint32_t *ev)
{
    if (*ev != ACD_EVQ_NONE) {
        acd_evq_cancel(&s->evq, *ev);
        *ev = ACD_EVQ_NONE;
    }
}

/* --- sim_events.c ------------------------------------------------------- */

/* Event kind -> handler; obj is the event's object (agent, call, issue,
 * call type, bin or sample index, by kind). */
typedef void acd_sim_handler_fn(struct acd_sim *s, uint32_t obj);
extern acd_sim_handler_fn *const acd_sim_handlers[EV_KINDS];

/* Draw the next arrival of call type k at its current rate (none once
 * closed or past the horizon); sets types[k].arrival_ev. */
void acd_sim_schedule_arrival(struct acd_sim *s, uint32_t k);
/* Log agent a on (it takes a waiting leg or goes idle) / off (a must be
 * off every list: not idle, not busy). */
void acd_sim_log_on(struct acd_sim *s, uint32_t a);
void acd_sim_log_off(struct acd_sim *s, uint32_t a);
/* Disconnect every waiting leg (close policy, or nobody left to serve). */
void acd_sim_disconnect_all(struct acd_sim *s);
/* Agent a became available: it takes a waiting leg or goes idle. */
void acd_sim_agent_available(struct acd_sim *s, uint32_t a);
/* The center opens (a day's first boundary, before its staffing):
 * with `inject`, each e-mail type's scenario `backlog` joins its queue;
 * then the e-mails waiting are counted as backlog_open in the current bin
 * (call_bin). A later day of a period calls it with inject false: the
 * e-mails left at the last closing are still in their queues. */
void acd_sim_email_open(struct acd_sim *s, bool inject);
/* Closing (steady state: the end of the horizon), s->closed just set: the
 * e-mails waiting are counted as backlog_close (and backlog_undecided,
 * their wait so far in wait_sum_s) in the bin of their arrival; they stay
 * in their queues, and nobody takes them while s->closed (route.c). */
void acd_sim_email_close(struct acd_sim *s);
/* Fill the drain figures of s->st from the scratch bin's integrals, which
 * the caller has brought up to now (the drain so far). */
void acd_sim_drain_measure(struct acd_sim *s);

/* --- sim_verify.c ------------------------------------------------------- */

/* Agent a is about to answer an e-mail: no call or chat that its group
 * may take waits (the invariants build checks it at every answer). */
void acd_sim_verify_email_answer(const struct acd_sim *s, uint32_t a);

/* --- sim.c -------------------------------------------------------------- */

/* Is the plan in force now (interventions and returning agents apply at
 * once), not about to be re-applied by a boundary at this instant? */
bool acd_sim_plan_active(const struct acd_sim *s);
/* Apply agent_offset of shift-staffed group g (sim.c); is shift agent a
 * taken off the phones by it? */
void acd_sim_roster_offset(struct acd_sim *s, uint32_t g);
bool acd_sim_is_pulled(const struct acd_sim *s, uint32_t a);
/* Reported bin b starts (its boundary): its statistics are cleared (a reset
 * sim reuses them without clearing them first). */
void acd_sim_bin_start(struct acd_sim *s, uint32_t b);

/* --- sim_moves.c -------------------------------------------------------- */

/* Set up the scenario's moves (none: nothing allocated, nothing drawn). */
void acd_sim_moves_setup(struct acd_sim *s);
void acd_sim_moves_free(struct acd_sim *s);
/* EV_MOVE: move m starts or ends. */
void acd_sim_on_move(struct acd_sim *s, uint32_t m);
/* Agent a, moving after its call in hand, has finished it (agent_done:
 * no longer counted busy, not yet available). */
void acd_sim_move_settle(struct acd_sim *s, uint32_t a);

#endif
