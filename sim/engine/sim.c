/*
 * sim: one replication - the call-center model as event handlers, and the
 * step API of sim.h.
 *
 * A customer with a problem (an issue) makes call attempts: the fresh call,
 * retrials after a busy signal / balk / abandon, repeat calls when the issue
 * was not resolved, and callbacks the center dials for virtual-hold
 * callers. Each attempt is offered once; while it lasts it may move between
 * queues (escalation to the next tier, timeout transfer) as legs of the same
 * call. Queues are per (call type, tier); a group serves the queues of its
 * skills whose tier is at most its own.
 *
 * Statistics: an attempt is counted in the bin of its arrival and followed
 * to its end; an issue in the bin of its fresh call; time integrals (calls
 * waiting, agents by state) go to the bin of the current clock time. A
 * steady-state horizon has one reported bin, [warm-up, end); an operating
 * day one per interval. Everything else lands in a scratch bin that is
 * never reported.
 *
 * The plain Erlang path (no caller behaviour, one tier) runs through the
 * same handlers with every optional branch skipped on a flag, and draws the
 * same random numbers in the same order as the model without the options.
 */
#include "rng.h"
#include "route.h"
#include "sim_int.h"
#include "util.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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
    EV_KINDS
};

/* At equal times: statistics boundaries first (so windows are exact), then
 * agents becoming free (a freed agent can take a call arriving at the same
 * instant), shift plans, then callers giving up, then new attempts; samples
 * last (they only read the state, so they change no other event's order). */
static const int ev_prio[EV_KINDS] = {
    [EV_BOUNDARY] = -4,  [EV_TALK_END] = -3, [EV_WRAP_END] = -3, [EV_PLAN] = -2,
    [EV_BREAK_END] = -2, [EV_ABANDON] = 0,   [EV_TIMEOUT] = 0,   [EV_VISIBLE] = 0,
    [EV_RETRY] = 1,      [EV_REPEAT] = 1,    [EV_ARRIVAL] = 1,   [EV_SAMPLE] = 2,
};

enum step_kind { STEP_LOGON, STEP_BREAK, STEP_LOGOFF };

static void agent_available(struct acd_sim *s, uint32_t a);
static void after_close_check(struct acd_sim *s);

/* --- small helpers ------------------------------------------------------ */

static inline uint32_t
push(struct acd_sim *s, double t, enum ev_kind kind, uint32_t obj)
{
    return acd_evq_push(&s->evq, t, ev_prio[kind], kind, obj);
}

static inline void
cancel(struct acd_sim *s, uint32_t *ev)
{
    if (*ev != ACD_EVQ_NONE) {
        acd_evq_cancel(&s->evq, *ev);
        *ev = ACD_EVQ_NONE;
    }
}

static inline bool
is_offered(const struct acd_call *c)
{
    return c->source != ACD_SRC_ESCALATION && c->source != ACD_SRC_TRANSFER;
}

static inline const struct acd_call_type *
ctype(const struct acd_sim *s, uint32_t k)
{
    return &s->sc->call_types[k];
}

static inline const struct acd_resolution *
resolution_at(const struct acd_call_type *ct, unsigned tier)
{
    for (size_t i = 0; i < ct->n_resolution; i++)
        if (ct->resolution[i].tier == tier)
            return &ct->resolution[i];
    return NULL;
}

static inline uint32_t
queue_index(const struct acd_sim *s, uint32_t k, unsigned tier)
{
    return k * s->n_tiers + (tier - 1);
}

/* Operating-day interval containing t (clamped), 0 for steady state. */
static inline uint32_t
interval_at(const struct acd_sim *s, double t)
{
    if (!s->day)
        return 0;
    double i = floor((t - s->sc->open_s) / s->sc->interval_s);
    if (i < 0)
        return 0;
    if (i >= (double)s->sc->n_intervals)
        return (uint32_t)s->sc->n_intervals - 1;
    return (uint32_t)i;
}

/* --- pools and lists ---------------------------------------------------- */

static uint32_t
call_alloc(struct acd_sim *s)
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
    struct acd_call *x = &s->calls[c];
    x->id = s->next_call_id++;
    x->ev_abandon = x->ev_timeout = x->ev_visible = ACD_EVQ_NONE;
    x->flags = 0;
    x->queue = ACD_NONE;
    return c;
}

static void
call_free(struct acd_sim *s, uint32_t c)
{
    s->calls[c].next = s->call_free;
    s->call_free = c;
}

static uint32_t
issue_alloc(struct acd_sim *s)
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
    return i;
}

static void
queue_push(struct acd_sim *s, struct acd_queue *q, uint32_t c)
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

void
acd_model_queue_remove(struct acd_sim *s, struct acd_queue *q, uint32_t c)
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

static void
idle_push(struct acd_sim *s, struct acd_group_rt *g, uint32_t a)
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
    g->n_idle++;
}

void
acd_model_idle_remove(struct acd_sim *s, struct acd_group_rt *g, uint32_t a)
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
}

bool
acd_model_assist_ok(const struct acd_sim *s, uint32_t g, const struct acd_queue *q, unsigned extra)
{
    const struct acd_agent_group *ag = &s->sc->groups[g];
    if (ag->assist_by_len && q->len + extra > ag->assist_queue_len)
        return true;
    if (ag->assist_by_wait && q->len > 0 && s->now - s->calls[q->head].t_queue > ag->assist_wait_s)
        return true;
    return false;
}

/* --- statistics --------------------------------------------------------- */

static inline struct acd_counts *
type_counts(struct acd_sim *s, uint32_t bin, uint32_t k)
{
    return &s->st.type_counts[(size_t)bin * s->n_types + k];
}

static inline struct acd_counts *
group_counts(struct acd_sim *s, uint32_t bin, uint32_t g)
{
    return &s->st.group_counts[(size_t)bin * s->n_groups + g];
}

static inline struct acd_counts *
issue_counts(struct acd_sim *s, uint32_t i)
{
    return type_counts(s, s->issues[i].bin, s->issues[i].type);
}

/* Time integrals are brought up to now before each counter changes. Each
 * counter keeps its own last-change time so a rarely changing one (staffed
 * agents) adds few, long terms and stays exact for constant staffing. */
static inline void
touch_waiting(struct acd_sim *s, uint32_t k)
{
    struct acd_type_rt *t = &s->types[k];
    type_counts(s, s->time_bin, k)->queue_area_s += t->n_waiting * (s->now - t->q_last_t);
    t->q_last_t = s->now;
}

#define TOUCH(name, counter, field, last)                                                          \
    static inline void name(struct acd_sim *s, uint32_t gi)                                        \
    {                                                                                              \
        struct acd_group_rt *g = &s->groups[gi];                                                   \
        group_counts(s, s->time_bin, gi)->field += g->counter * (s->now - g->last);                \
        g->last = s->now;                                                                          \
    }
TOUCH(touch_busy, n_busy, busy_agent_s, busy_last_t)
TOUCH(touch_talk, n_talk, talk_agent_s, talk_last_t)
TOUCH(touch_staffed, n_staffed, staffed_agent_s, staffed_last_t)
TOUCH(touch_break, n_break, break_agent_s, break_last_t)
#undef TOUCH

/* The roster (every agent of the group) has its own integral: off-shift
 * time is what remains of it after staffed and break time. */
static inline void
touch_roster(struct acd_sim *s, uint32_t gi)
{
    struct acd_group_rt *g = &s->groups[gi];
    s->roster_s[(size_t)s->time_bin * s->n_groups + gi] +=
        g->n_members * (s->now - g->roster_last_t);
    g->roster_last_t = s->now;
}

static void
touch_all(struct acd_sim *s)
{
    for (uint32_t k = 0; k < s->n_types; k++)
        touch_waiting(s, k);
    for (uint32_t g = 0; g < s->n_groups; g++) {
        touch_busy(s, g);
        touch_talk(s, g);
        touch_staffed(s, g);
        touch_break(s, g);
        touch_roster(s, g);
    }
}

static void
emit(struct acd_sim *s, const struct acd_call *c, enum acd_outcome out, enum acd_after after,
     uint32_t group, double t_end)
{
    if (!s->trace)
        return;
    struct acd_trace_rec r = {
        .call_id = c->id,
        .issue_id = s->issues[c->issue].id,
        .type = c->type,
        .tier = c->tier,
        .attempt = c->attempt,
        .source = (enum acd_call_source)c->source,
        .t_arrive_s = c->t_arrive,
        .t_end_s = t_end,
        .t_done_s = s->now,
        .group = group == ACD_NONE ? SIZE_MAX : group,
        .outcome = out,
        .after = after,
        .counted = c->bin < s->st.n_bins,
    };
    s->trace(s->trace_ud, &r);
}

/* --- issues ------------------------------------------------------------- */

static void
issue_end(struct acd_sim *s, uint32_t i, bool resolved)
{
    struct acd_issue *is = &s->issues[i];
    if (resolved) {
        struct acd_counts *ic = issue_counts(s, i);
        ic->issues_resolved++;
        ic->issues_fcr += is->contacts == 1;
        ic->resolution_time_sum_s += s->now - is->t_first;
    }
    is->next = s->issue_free;
    s->issue_free = i;
}

/* A retrial or repeat call later today, or the customer gives up. */
static bool
schedule_again(struct acd_sim *s, uint32_t issue, const struct acd_dist *delay, gsl_rng *r,
               enum ev_kind kind)
{
    double t = s->now + acd_dist_sample(delay, r);
    if (s->closed || t >= s->horizon_end_s) {
        issue_end(s, issue, false);
        return false;
    }
    push(s, t, kind, issue);
    return true;
}

/* After a busy signal, a balk or an abandon: try again? */
static void
maybe_retry(struct acd_sim *s, const struct acd_call *c, const struct acd_retrial *rt)
{
    struct acd_type_rt *t = &s->types[c->type];
    if (rt->enabled && c->attempt < rt->max_attempts &&
        gsl_rng_uniform(t->r_retrial) < (c->attempt == 1 ? rt->p_first : rt->p_later)) {
        schedule_again(s, c->issue, &rt->delay, t->r_retrial, EV_RETRY);
        return;
    }
    issue_end(s, c->issue, false);
}

/* --- answering ---------------------------------------------------------- */

static const struct acd_dist *
handle_dist(const struct acd_sim *s, uint32_t g, const struct acd_call *c)
{
    const struct acd_call_type *ct = ctype(s, c->type);
    const struct acd_dist *d = s->groups[g].handle ? s->groups[g].handle[c->type] : NULL;
    if (d)
        return d;
    if (c->source == ACD_SRC_ESCALATION) {
        const struct acd_resolution *r = resolution_at(ct, c->tier);
        if (r && r->has_handle)
            return &r->handle;
    }
    return ct->handle_by_interval ? &ct->handle_by_interval[c->iv] : &ct->handle;
}

/* Agent a (off the idle list) starts talking to leg c (out of any queue). */
static void
answer(struct acd_sim *s, uint32_t a, uint32_t c, double wait_s)
{
    struct acd_call *x = &s->calls[c];
    struct acd_agent *ag = &s->agents[a];
    uint32_t k = x->type, gi = ag->group;
    bool within = wait_s <= s->sl_threshold_s;
    if (is_offered(x)) {
        struct acd_counts *tc = type_counts(s, x->bin, k);
        tc->answered++;
        tc->answered_within_t += within;
        tc->wait_sum_s += wait_s;
        tc->answered_wait_sum_s += wait_s;
        if (x->source == ACD_SRC_FRESH && within)
            tc->customer_within_t++;
        acd_stats_hist_add(&s->st.hists[(size_t)x->bin * s->n_types + k], wait_s);
    }
    struct acd_counts *gc = group_counts(s, x->bin, gi);
    gc->answered++;
    gc->answered_within_t += within;
    gc->answered_wait_sum_s += wait_s;

    struct acd_group_rt *g = &s->groups[gi];
    touch_busy(s, gi);
    if (g->wrap)
        touch_talk(s, gi); /* without wrap-up, talk time is busy time */
    g->n_busy++;
    g->n_talk++;
    s->n_talk++;
    ag->state = ACD_AGENT_TALK;
    ag->call = c;
    x->t_answer = s->now;
    double handle_s = acd_dist_sample(handle_dist(s, gi, x), s->types[k].r_handle);
    push(s, s->now + handle_s, EV_TALK_END, a);
}

/* Take leg c out of its queue (it is answered, abandons, times out...). */
static void
dequeue(struct acd_sim *s, uint32_t c)
{
    struct acd_call *x = &s->calls[c];
    struct acd_queue *q = &s->queues[x->queue];
    if (!(x->flags & ACD_CALL_PLACEHOLDER)) {
        touch_waiting(s, x->type);
        s->types[x->type].n_waiting--;
        s->n_waiting--;
    }
    acd_model_queue_remove(s, q, c);
    x->queue = ACD_NONE;
    cancel(s, &x->ev_abandon);
    cancel(s, &x->ev_timeout);
    cancel(s, &x->ev_visible);
}

/* Agent a takes waiting leg c. A virtual-hold placeholder becomes the
 * callback: a new attempt the center dials, answered at once. */
static void
take(struct acd_sim *s, uint32_t a, uint32_t c)
{
    dequeue(s, c);
    struct acd_call *x = &s->calls[c];
    if (!(x->flags & ACD_CALL_PLACEHOLDER)) {
        answer(s, a, c, s->now - x->t_queue);
        return;
    }
    x->flags = 0;
    x->source = ACD_SRC_CALLBACK;
    x->attempt = ++s->issues[x->issue].contacts;
    x->t_arrive = x->t_queue = s->now;
    x->bin = s->call_bin;
    x->iv = interval_at(s, s->now);
    struct acd_counts *tc = type_counts(s, x->bin, x->type);
    tc->offered++;
    tc->callbacks++;
    issue_counts(s, x->issue)->issue_contacts++;
    answer(s, a, c, 0.0);
}

/* Idle agents of groups that may serve q try again: a leg became visible to
 * more of them (assist threshold, overflow delay). */
static void
poke_queue(struct acd_sim *s, uint32_t qi)
{
    const struct acd_queue *q = &s->queues[qi];
    for (uint32_t i = 0; i < q->n_groups && q->len > 0; i++) {
        struct acd_group_rt *g = &s->groups[q->groups[i]];
        while (g->n_idle > 0 && q->len > 0) {
            uint32_t a = g->idle_head;
            uint32_t c = s->route->pick_call(s, a);
            if (c == ACD_NONE)
                break;
            acd_model_idle_remove(s, g, a);
            take(s, a, c);
        }
    }
}

/* Next time a waiting leg becomes visible to more agents, or INFINITY. */
static double
next_visibility(const struct acd_sim *s, const struct acd_call *x, double after_s)
{
    const struct acd_queue *q = &s->queues[x->queue];
    double best = (double)INFINITY;
    if (s->route->uses_overflow) {
        double d = ctype(s, x->type)->overflow_delay_s;
        if (d > after_s)
            best = d;
    }
    if (q->has_assist) {
        for (uint32_t i = 0; i < q->n_groups; i++) {
            const struct acd_agent_group *ag = &s->sc->groups[q->groups[i]];
            if (ag->assist_by_wait && ag->assist_wait_s >= after_s && ag->assist_wait_s < best)
                best = ag->assist_wait_s;
        }
    }
    return best;
}

/* Leg c waits in queue qi (patience, timeout and visibility timers start). */
static void
enqueue(struct acd_sim *s, uint32_t c, uint32_t qi, bool placeholder)
{
    struct acd_call *x = &s->calls[c];
    struct acd_queue *q = &s->queues[qi];
    struct acd_type_rt *t = &s->types[x->type];
    const struct acd_call_type *ct = ctype(s, x->type);
    x->queue = qi;
    x->tier = q->tier;
    x->priority = q->priority;
    x->t_queue = s->now;
    queue_push(s, q, c);
    if (placeholder) {
        x->flags |= ACD_CALL_PLACEHOLDER;
    } else {
        touch_waiting(s, x->type);
        t->n_waiting++;
        s->n_waiting++;
        if (t->patience) {
            const struct acd_dist *p =
                ct->patience_by_interval ? &ct->patience_by_interval[x->iv] : t->patience;
            x->ev_abandon = push(s, s->now + acd_dist_sample(p, t->r_patience), EV_ABANDON, c);
        }
        if (ct->queue_timeout_s > 0 && x->source != ACD_SRC_TRANSFER)
            x->ev_timeout = push(s, s->now + ct->queue_timeout_s, EV_TIMEOUT, c);
    }
    if (!t->plain) {
        double v = next_visibility(s, x, 0);
        if (v == 0)
            poke_queue(s, qi);
        else if (v < (double)INFINITY)
            x->ev_visible = push(s, s->now + v, EV_VISIBLE, c);
    }
    if (q->has_assist)
        poke_queue(s, qi);
}

/* Predicted wait of a caller joining queue q: the calls ahead times the mean
 * handle time, shared by the agents on duty who may serve it. */
static double
predicted_wait(const struct acd_sim *s, const struct acd_queue *q)
{
    unsigned agents = 0;
    for (uint32_t i = 0; i < q->n_groups; i++)
        agents += s->groups[q->groups[i]].n_staffed;
    return (q->len + 1) * ctype(s, q->type)->handle.mean_s / (agents ? agents : 1);
}

/* A call attempt reaches the ACD. */
static void
offer(struct acd_sim *s, uint32_t c)
{
    struct acd_call *x = &s->calls[c];
    uint32_t k = x->type;
    struct acd_type_rt *t = &s->types[k];
    const struct acd_call_type *ct = ctype(s, k);
    struct acd_counts *tc = type_counts(s, x->bin, k);
    tc->offered++;
    switch (x->source) {
    case ACD_SRC_FRESH:
        tc->fresh++;
        break;
    case ACD_SRC_RETRIAL:
        tc->retrials++;
        break;
    case ACD_SRC_REPEAT:
        tc->repeats++;
        break;
    default:
        break;
    }
    issue_counts(s, x->issue)->issue_contacts++;

    if (s->lines >= 0 && (long)(s->n_waiting + s->n_talk) >= s->lines) {
        tc->blocked++;
        emit(s, x, ACD_OUT_BLOCKED, ACD_AFTER_NONE, ACD_NONE, s->now);
        maybe_retry(s, x, &ct->retry_busy);
        call_free(s, c);
        return;
    }
    uint32_t qi = queue_index(s, k, 1);
    uint32_t a = s->route->pick_agent(s, c, qi, 1);
    if (a != ACD_NONE) {
        acd_model_idle_remove(s, &s->groups[s->agents[a].group], a);
        answer(s, a, c, 0.0);
        return;
    }
    if (s->capacity >= 0 && (long)s->n_waiting >= s->capacity) {
        tc->blocked++;
        emit(s, x, ACD_OUT_BLOCKED, ACD_AFTER_NONE, ACD_NONE, s->now);
        maybe_retry(s, x, &ct->retry_busy);
        call_free(s, c);
        return;
    }
    if (ct->balk_prob > 0 && gsl_rng_uniform(t->r_caller) < ct->balk_prob) {
        tc->balked++;
        emit(s, x, ACD_OUT_BALKED, ACD_AFTER_NONE, ACD_NONE, s->now);
        maybe_retry(s, x, &ct->retry_busy);
        call_free(s, c);
        return;
    }
    if (ct->callback_enabled && predicted_wait(s, &s->queues[qi]) > ct->callback_threshold_s &&
        gsl_rng_uniform(t->r_caller) < ct->callback_accept_prob) {
        tc->callback_requested++;
        emit(s, x, ACD_OUT_CALLBACK, ACD_AFTER_NONE, ACD_NONE, s->now);
        enqueue(s, c, qi, true);
        return;
    }
    tc->waited++;
    enqueue(s, c, qi, false);
}

/* A new attempt of issue i (fresh, retrial or repeat). */
static void
new_attempt(struct acd_sim *s, uint32_t i, enum acd_call_source src)
{
    uint32_t c = call_alloc(s);
    struct acd_call *x = &s->calls[c];
    x->t_arrive = s->now;
    x->t_queue = s->now;
    x->issue = i;
    x->type = s->issues[i].type;
    x->bin = s->call_bin;
    x->iv = interval_at(s, s->now);
    x->source = (uint8_t)src;
    x->attempt = ++s->issues[i].contacts;
    x->tier = 1;
    offer(s, c);
}

/* --- event handlers ----------------------------------------------------- */

static void
schedule_arrival(struct acd_sim *s, uint32_t k)
{
    struct acd_type_rt *t = &s->types[k];
    t->arrival_ev = ACD_EVQ_NONE;
    if (!(t->rate_per_s > 0) || s->closed)
        return;
    /* -log(U)/rate: see dist.c on why not gsl_ran_exponential. */
    double next = s->now - log(gsl_rng_uniform_pos(t->r_arrivals)) / t->rate_per_s;
    if (next < s->horizon_end_s)
        t->arrival_ev = push(s, next, EV_ARRIVAL, k);
}

static void
on_arrival(struct acd_sim *s, uint32_t k)
{
    s->st.calls++;
    schedule_arrival(s, k);
    uint32_t i = issue_alloc(s);
    struct acd_issue *is = &s->issues[i];
    is->t_first = s->now;
    is->bin = s->call_bin;
    is->type = k;
    type_counts(s, s->call_bin, k)->issues++;
    new_attempt(s, i, ACD_SRC_FRESH);
}

static void
on_retry(struct acd_sim *s, uint32_t i)
{
    if (s->closed) {
        issue_end(s, i, false);
        return;
    }
    s->st.calls++;
    new_attempt(s, i, ACD_SRC_RETRIAL);
}

static void
on_repeat(struct acd_sim *s, uint32_t i)
{
    if (s->closed) {
        issue_end(s, i, false);
        return;
    }
    s->st.calls++;
    new_attempt(s, i, ACD_SRC_REPEAT);
}

static void
on_abandon(struct acd_sim *s, uint32_t c)
{
    struct acd_call *x = &s->calls[c];
    x->ev_abandon = ACD_EVQ_NONE;
    dequeue(s, c);
    double wait_s = s->now - x->t_queue;
    if (is_offered(x)) {
        struct acd_counts *tc = type_counts(s, x->bin, x->type);
        tc->abandoned++;
        tc->abandoned_within_t += wait_s <= s->sl_threshold_s;
        tc->wait_sum_s += wait_s;
        if (x->bin < s->st.n_bins)
            acd_stats_hist_add(&s->st.abandon_hists[x->type], wait_s);
    }
    emit(s, x, ACD_OUT_ABANDONED, ACD_AFTER_NONE, ACD_NONE, s->now);
    maybe_retry(s, x, &ctype(s, s->issues[x->issue].type)->retry_abandon);
    call_free(s, c);
    after_close_check(s);
}

static void
on_timeout(struct acd_sim *s, uint32_t c)
{
    struct acd_call *x = &s->calls[c];
    x->ev_timeout = ACD_EVQ_NONE;
    dequeue(s, c);
    const struct acd_call_type *ct = ctype(s, x->type);
    if (is_offered(x)) {
        struct acd_counts *tc = type_counts(s, x->bin, x->type);
        tc->timed_out++;
        tc->wait_sum_s += s->now - x->t_queue;
    }
    emit(s, x, ACD_OUT_TIMEOUT, ACD_AFTER_NONE, ACD_NONE, s->now);
    if (!ct->has_timeout_to) {
        issue_end(s, x->issue, false); /* voicemail */
        call_free(s, c);
        after_close_check(s);
        return;
    }
    /* The same call moves to another call type's queue (a new leg). */
    x->id = s->next_call_id++;
    x->source = ACD_SRC_TRANSFER;
    x->type = (uint32_t)ct->timeout_to;
    x->t_arrive = s->now;
    uint32_t qi = queue_index(s, x->type, 1);
    enqueue(s, c, qi, false);
    poke_queue(s, qi); /* idle agents of the new queue take it at once */
}

static void
on_visible(struct acd_sim *s, uint32_t c)
{
    struct acd_call *x = &s->calls[c];
    x->ev_visible = ACD_EVQ_NONE;
    double waited = s->now - x->t_queue;
    double v = next_visibility(s, x, waited + 1e-9);
    if (v < (double)INFINITY)
        x->ev_visible = push(s, x->t_queue + v, EV_VISIBLE, c);
    poke_queue(s, x->queue);
}

/* What follows a finished talk: resolved, escalated, or a repeat call. */
static enum acd_after
resolve(struct acd_sim *s, uint32_t a, uint32_t c)
{
    struct acd_call *x = &s->calls[c];
    const struct acd_call_type *ct = ctype(s, x->type);
    if (ct->n_resolution == 0) {
        issue_end(s, x->issue, true);
        return ACD_AFTER_RESOLVED;
    }
    struct acd_type_rt *t = &s->types[x->type];
    unsigned tier = s->groups[s->agents[a].group].tier;
    const struct acd_resolution *r = resolution_at(ct, tier);
    if (!r || gsl_rng_uniform(t->r_resolution) < r->p_resolve) {
        issue_end(s, x->issue, true);
        return ACD_AFTER_RESOLVED;
    }
    if (r->p_escalate > 0 && tier < s->n_tiers &&
        s->queues[queue_index(s, x->type, tier + 1)].n_groups > 0 &&
        gsl_rng_uniform(t->r_resolution) < r->p_escalate) {
        type_counts(s, x->bin, x->type)->escalated++;
        group_counts(s, x->bin, s->agents[a].group)->escalated++;
        return ACD_AFTER_ESCALATED;
    }
    if (ct->has_repeat_delay &&
        schedule_again(s, x->issue, &ct->repeat_delay, t->r_retrial, EV_REPEAT))
        return ACD_AFTER_REPEAT;
    if (!ct->has_repeat_delay)
        issue_end(s, x->issue, false);
    return ACD_AFTER_UNRESOLVED;
}

static void
start_break(struct acd_sim *s, uint32_t a, double len_s)
{
    struct acd_agent *ag = &s->agents[a];
    uint32_t gi = ag->group;
    touch_staffed(s, gi);
    touch_break(s, gi);
    s->groups[gi].n_staffed--;
    s->groups[gi].n_break++;
    ag->state = ACD_AGENT_BREAK;
    ag->break_pending = false;
    push(s, s->now + len_s, EV_BREAK_END, a);
}

static void
log_off(struct acd_sim *s, uint32_t a)
{
    struct acd_agent *ag = &s->agents[a];
    touch_staffed(s, ag->group);
    s->groups[ag->group].n_staffed--;
    ag->state = ACD_AGENT_OFF;
    ag->leaving = false;
    ag->break_pending = false;
}

/* The agent's call (and wrap-up) ended. */
static void
agent_done(struct acd_sim *s, uint32_t a)
{
    struct acd_agent *ag = &s->agents[a];
    touch_busy(s, ag->group);
    s->groups[ag->group].n_busy--;
    if (ag->leaving)
        log_off(s, a);
    else if (ag->break_pending)
        start_break(s, a, ag->break_len_s);
    else
        agent_available(s, a);
}

static void
on_talk_end(struct acd_sim *s, uint32_t a)
{
    struct acd_agent *ag = &s->agents[a];
    uint32_t gi = ag->group, c = ag->call;
    struct acd_group_rt *g = &s->groups[gi];
    struct acd_call *x = &s->calls[c];
    if (g->wrap)
        touch_talk(s, gi);
    g->n_talk--;
    s->n_talk--;
    ag->call = ACD_NONE;
    enum acd_after after = resolve(s, a, c);
    emit(s, x, ACD_OUT_ANSWERED, after, gi, x->t_answer);
    uint32_t k = x->type;
    if (after == ACD_AFTER_ESCALATED) {
        /* Warm transfer: the customer waits again in the next tier's queue. */
        x->id = s->next_call_id++;
        x->source = ACD_SRC_ESCALATION;
        x->t_arrive = s->now;
        uint32_t qi = queue_index(s, k, g->tier + 1);
        enqueue(s, c, qi, false);
        poke_queue(s, qi); /* an idle agent of the next tier takes it at once */
    } else {
        call_free(s, c);
    }
    const struct acd_dist *w = g->wrap ? g->wrap[k] : NULL;
    if (w) {
        ag->state = ACD_AGENT_WRAP;
        push(s, s->now + acd_dist_sample(w, s->types[k].r_wrap), EV_WRAP_END, a);
    } else {
        agent_done(s, a);
    }
    after_close_check(s);
}

static void
on_wrap_end(struct acd_sim *s, uint32_t a)
{
    agent_done(s, a);
    after_close_check(s);
}

static void
on_break_end(struct acd_sim *s, uint32_t a)
{
    struct acd_agent *ag = &s->agents[a];
    if (ag->state != ACD_AGENT_BREAK)
        return;
    uint32_t gi = ag->group;
    touch_break(s, gi);
    touch_staffed(s, gi);
    s->groups[gi].n_break--;
    s->groups[gi].n_staffed++;
    agent_available(s, a);
}

/* An agent became available: take a waiting leg or go idle. */
static void
agent_available(struct acd_sim *s, uint32_t a)
{
    uint32_t c = s->route->pick_call(s, a);
    if (c == ACD_NONE) {
        idle_push(s, &s->groups[s->agents[a].group], a);
        return;
    }
    take(s, a, c);
}

/* Log an agent on (staffed by count or by shift). */
static void
log_on(struct acd_sim *s, uint32_t a)
{
    struct acd_agent *ag = &s->agents[a];
    touch_staffed(s, ag->group);
    s->groups[ag->group].n_staffed++;
    agent_available(s, a);
}

static bool
system_empty(const struct acd_sim *s)
{
    for (size_t q = 0; q < s->n_queues; q++)
        if (s->queues[q].len)
            return false;
    return s->n_talk == 0;
}

/* Shift plan step of agent a. */
static void
on_plan(struct acd_sim *s, uint32_t a)
{
    struct acd_agent *ag = &s->agents[a];
    const struct acd_shift_rt *sh = &s->shifts[ag->shift];
    const struct acd_step *st = &sh->steps[ag->step++];
    ag->ev = ACD_EVQ_NONE;
    if (ag->step < sh->n_steps)
        ag->ev = push(s, sh->steps[ag->step].t_s, EV_PLAN, a);
    switch (st->kind) {
    case STEP_LOGON:
        if (ag->state == ACD_AGENT_OFF && !(s->closed && s->day && system_empty(s)))
            log_on(s, a);
        break;
    case STEP_BREAK:
        if (ag->state == ACD_AGENT_IDLE) {
            acd_model_idle_remove(s, &s->groups[ag->group], a);
            start_break(s, a, st->len_s);
        } else if (ag->state == ACD_AGENT_TALK || ag->state == ACD_AGENT_WRAP) {
            ag->break_pending = true; /* after the call in hand */
            ag->break_len_s = st->len_s;
        }
        break;
    case STEP_LOGOFF:
        if (s->closed && s->sc->close_policy == ACD_CLOSE_UNTIL_EMPTY && !system_empty(s))
            break; /* stays until the queue is empty (after_close_check) */
        if (ag->state == ACD_AGENT_IDLE) {
            acd_model_idle_remove(s, &s->groups[ag->group], a);
            log_off(s, a);
        } else if (ag->state == ACD_AGENT_BREAK) {
            touch_break(s, ag->group);
            s->groups[ag->group].n_break--;
            ag->state = ACD_AGENT_OFF;
        } else if (ag->state != ACD_AGENT_OFF) {
            ag->leaving = true;
            ag->break_pending = false;
        }
        break;
    }
}

/* Every agent leaves (after the call in hand): the day is over. */
static void
everyone_off(struct acd_sim *s)
{
    for (uint32_t a = 0; a < s->n_agents; a++) {
        struct acd_agent *ag = &s->agents[a];
        cancel(s, &ag->ev);
        switch (ag->state) {
        case ACD_AGENT_IDLE:
            acd_model_idle_remove(s, &s->groups[ag->group], a);
            log_off(s, a);
            break;
        case ACD_AGENT_BREAK:
            touch_break(s, ag->group);
            s->groups[ag->group].n_break--;
            ag->state = ACD_AGENT_OFF;
            break;
        case ACD_AGENT_TALK:
        case ACD_AGENT_WRAP:
            ag->leaving = true;
            break;
        default:
            break;
        }
    }
    for (uint32_t g = 0; g < s->n_groups; g++)
        s->groups[g].n_target = 0;
}

/* After closing, once nobody waits or talks, agents go home. */
static void
after_close_check(struct acd_sim *s)
{
    if (s->closed && s->day && s->n_talk == 0 && system_empty(s))
        everyone_off(s);
}

/* Disconnect every waiting leg (close policy, or nobody left to serve). */
static void
disconnect_all(struct acd_sim *s)
{
    for (size_t qi = 0; qi < s->n_queues; qi++) {
        struct acd_queue *q = &s->queues[qi];
        while (q->len) {
            uint32_t c = q->head;
            struct acd_call *x = &s->calls[c];
            bool placeholder = x->flags & ACD_CALL_PLACEHOLDER;
            dequeue(s, c);
            if (is_offered(x) && !placeholder) {
                struct acd_counts *tc = type_counts(s, x->bin, x->type);
                tc->disconnected++;
                tc->wait_sum_s += s->now - x->t_queue;
            }
            emit(s, x, ACD_OUT_DISCONNECTED, ACD_AFTER_NONE, ACD_NONE, s->now);
            issue_end(s, x->issue, false);
            call_free(s, c);
        }
    }
}

/* Staffing of count-staffed group g in interval b, after absenteeism. */
static unsigned planned_agents(const struct acd_sim *s, uint32_t g, size_t b);

/* The plan's staffing of group g now, with the interventions on top. */
static unsigned
with_offset(const struct acd_sim *s, uint32_t g)
{
    long n = (long)s->groups[g].n_plan + s->groups[g].agent_offset;
    return n > 0 ? (unsigned)n : 0;
}

static void
on_boundary(struct acd_sim *s, uint32_t b)
{
    touch_all(s);
    s->next_boundary = b + 1;
    uint32_t nb = (uint32_t)s->st.n_bins;
    uint32_t bin = b < nb ? b : nb;
    s->time_bin = bin;
    s->call_bin = bin;
    if (!s->day) {
        if (b >= nb)
            s->closed = true;
        return;
    }
    if (b < nb) {
        for (uint32_t k = 0; k < s->n_types; k++) {
            const struct acd_call_type *ct = ctype(s, k);
            double plan = ct->calls_per_interval
                              ? ct->calls_per_interval[b] / s->sc->interval_s * s->busyness
                              : 0;
            s->types[k].plan_rate_per_s = plan;
            double r = plan * s->types[k].rate_factor; /* factor 1: plan, exactly */
            if (r != s->types[k].rate_per_s || s->types[k].arrival_ev == ACD_EVQ_NONE)
                acd_sim_set_rate(s, k, r);
        }
        for (uint32_t g = 0; g < s->n_groups; g++)
            if (s->sc->groups[g].n_shifts == 0) {
                s->groups[g].n_plan = planned_agents(s, g, b);
                acd_sim_set_agents(s, g, with_offset(s, g));
            }
        return;
    }
    /* Closing time: no new calls. */
    s->closed = true;
    for (uint32_t k = 0; k < s->n_types; k++)
        cancel(s, &s->types[k].arrival_ev);
    if (s->sc->close_policy == ACD_CLOSE_DISCONNECT) {
        disconnect_all(s);
        everyone_off(s);
    }
    after_close_check(s);
}

/* Sample k of the calls-waiting series. */
static void
on_sample(struct acd_sim *s, uint32_t k)
{
    s->st.samples[k] = s->n_waiting;
    if (k + 1 < s->st.n_samples)
        push(s, s->st.sample_t0_s + (k + 1) * s->st.sample_step_s, EV_SAMPLE, k + 1);
}

typedef void handler_fn(struct acd_sim *s, uint32_t obj);
static handler_fn *const handlers[EV_KINDS] = {
    [EV_BOUNDARY] = on_boundary, [EV_TALK_END] = on_talk_end,   [EV_WRAP_END] = on_wrap_end,
    [EV_PLAN] = on_plan,         [EV_BREAK_END] = on_break_end, [EV_ABANDON] = on_abandon,
    [EV_TIMEOUT] = on_timeout,   [EV_VISIBLE] = on_visible,     [EV_RETRY] = on_retry,
    [EV_REPEAT] = on_repeat,     [EV_ARRIVAL] = on_arrival,     [EV_SAMPLE] = on_sample,
};

/* --- agents and staffing ------------------------------------------------ */

static uint32_t
agent_new(struct acd_sim *s, uint32_t gi, uint32_t shift)
{
    s->agents = acd_xgrow(s->agents, &s->agents_cap, s->n_agents + 1, sizeof(*s->agents));
    uint32_t a = (uint32_t)s->n_agents++;
    memset(&s->agents[a], 0, sizeof(s->agents[a]));
    s->agents[a].group = gi;
    s->agents[a].state = ACD_AGENT_OFF;
    s->agents[a].call = ACD_NONE;
    s->agents[a].shift = shift;
    s->agents[a].ev = ACD_EVQ_NONE;
    struct acd_group_rt *g = &s->groups[gi];
    touch_roster(s, gi);
    g->members = acd_xgrow(g->members, &g->members_cap, g->n_members + 1, sizeof(*g->members));
    g->members[g->n_members++] = a;
    return a;
}

int
acd_sim_set_agents(struct acd_sim *s, size_t gi, unsigned n)
{
    if (gi >= s->n_groups)
        return -1;
    struct acd_group_rt *g = &s->groups[gi];
    g->n_target = n;
    /* Agents logged on (or on break) and not leaving. */
    uint32_t active = 0;
    for (uint32_t i = 0; i < g->n_members; i++) {
        struct acd_agent *ag = &s->agents[g->members[i]];
        if (ag->state != ACD_AGENT_OFF && !ag->leaving)
            active++;
    }
    /* Too many: idle agents leave at once (most recently idle first), busy
     * ones after their call. */
    while (active > n && g->n_idle > 0) {
        uint32_t a = g->idle_tail;
        acd_model_idle_remove(s, g, a);
        log_off(s, a);
        active--;
    }
    for (uint32_t i = g->n_members; active > n && i-- > 0;) {
        struct acd_agent *ag = &s->agents[g->members[i]];
        if ((ag->state == ACD_AGENT_TALK || ag->state == ACD_AGENT_WRAP) && !ag->leaving) {
            ag->leaving = true;
            active--;
        }
    }
    /* Too few: first keep agents who were about to leave, then log on. */
    for (uint32_t i = 0; active < n && i < g->n_members; i++) {
        struct acd_agent *ag = &s->agents[g->members[i]];
        if (ag->state != ACD_AGENT_OFF && ag->leaving) {
            ag->leaving = false;
            active++;
        }
    }
    for (uint32_t i = 0; active < n; i++) {
        uint32_t a = ACD_NONE;
        for (; i < g->n_members; i++)
            if (s->agents[g->members[i]].state == ACD_AGENT_OFF &&
                s->agents[g->members[i]].shift == ACD_NONE) {
                a = g->members[i];
                break;
            }
        if (a == ACD_NONE)
            a = agent_new(s, (uint32_t)gi, ACD_NONE);
        active++;
        log_on(s, a);
    }
    return 0;
}

int
acd_sim_set_rate(struct acd_sim *s, size_t k, double rate_per_s)
{
    if (k >= s->n_types || !(rate_per_s >= 0) || !isfinite(rate_per_s))
        return -1;
    struct acd_type_rt *t = &s->types[k];
    cancel(s, &t->arrival_ev);
    t->rate_per_s = rate_per_s;
    schedule_arrival(s, (uint32_t)k);
    return 0;
}

/* Is the plan in force now, and not about to be re-applied by a boundary
 * at this very instant? Then an intervention applies at once; otherwise
 * the next boundary applies it. */
static bool
plan_active(const struct acd_sim *s)
{
    if (s->closed || s->done)
        return false;
    if (!s->day)
        return true;
    if (s->next_boundary == 0)
        return false; /* not open yet */
    uint32_t b = s->next_boundary;
    return !(b < s->st.n_bins && s->bin_start_s[b] == s->now);
}

int
acd_sim_adjust_agents(struct acd_sim *s, size_t gi, int delta)
{
    if (gi >= s->n_groups || s->sc->groups[gi].n_shifts > 0)
        return -1;
    s->groups[gi].agent_offset += delta;
    if (plan_active(s))
        acd_sim_set_agents(s, gi, with_offset(s, (uint32_t)gi));
    return 0;
}

int
acd_sim_set_rate_factor(struct acd_sim *s, size_t k, double factor)
{
    if (k >= s->n_types || !(factor >= 0) || !isfinite(factor))
        return -1;
    struct acd_type_rt *t = &s->types[k];
    t->rate_factor = factor;
    if (plan_active(s))
        acd_sim_set_rate(s, k, t->plan_rate_per_s * factor);
    return 0;
}

void
acd_sim_set_trace(struct acd_sim *s, acd_trace_fn *fn, void *ud)
{
    s->trace = fn;
    s->trace_ud = ud;
}

/* Count-staffed groups: the roster's first n agents are scheduled; each is
 * absent for the day with the group's absenteeism (drawn once per
 * replication), so interval staffing counts the present ones. */
static unsigned
planned_agents(const struct acd_sim *s, uint32_t g, size_t b)
{
    const struct acd_agent_group *ag = &s->sc->groups[g];
    const struct acd_group_rt *gr = &s->groups[g];
    unsigned n = ag->agents_by_interval ? ag->agents_by_interval[b] : ag->agents;
    if (!gr->present_upto)
        return n;
    return gr->present_upto[n < gr->roster ? n : gr->roster];
}

/* --- lifecycle ---------------------------------------------------------- */

static int
cmp_group_queue(const void *a, const void *b)
{
    const struct acd_group_queue *x = a, *y = b;
    if (x->level != y->level)
        return x->level < y->level ? -1 : 1;
    return (x->queue > y->queue) - (x->queue < y->queue);
}

static void
setup_queues(struct acd_sim *s)
{
    const struct acd_scenario *sc = s->sc;
    s->n_queues = s->n_types * s->n_tiers;
    s->queues = acd_xcalloc(s->n_queues, sizeof(*s->queues));
    for (uint32_t k = 0; k < s->n_types; k++) {
        const struct acd_call_type *ct = &sc->call_types[k];
        for (unsigned t = 1; t <= s->n_tiers; t++) {
            struct acd_queue *q = &s->queues[queue_index(s, k, t)];
            q->head = q->tail = ACD_NONE;
            q->type = k;
            q->tier = (uint16_t)t;
            const struct acd_resolution *r = t > 1 ? resolution_at(ct, t) : NULL;
            q->priority = r ? r->priority : ct->priority;
            q->groups = acd_xcalloc(s->n_groups, sizeof(*q->groups));
            q->levels = acd_xcalloc(s->n_groups, sizeof(*q->levels));
        }
    }
    for (uint32_t gi = 0; gi < s->n_groups; gi++) {
        const struct acd_agent_group *ag = &sc->groups[gi];
        struct acd_group_rt *g = &s->groups[gi];
        g->n_queues = 0;
        g->queues = acd_xcalloc(ag->n_skills * s->n_tiers, sizeof(*g->queues));
        for (size_t i = 0; i < ag->n_skills; i++) {
            uint32_t k = (uint32_t)ag->skills[i];
            unsigned level = ag->skill_lv ? ag->skill_lv[i].level : 1;
            for (unsigned t = 1; t <= g->tier; t++) {
                uint32_t qi = queue_index(s, k, t);
                struct acd_queue *q = &s->queues[qi];
                q->groups[q->n_groups] = gi;
                q->levels[q->n_groups++] = (uint8_t)(level < 255 ? level : 255);
                q->has_assist |= g->assist;
                g->queues[g->n_queues++] = (struct acd_group_queue){qi, level};
            }
        }
        qsort(g->queues, g->n_queues, sizeof(*g->queues), cmp_group_queue);
    }
}

static void
setup_groups(struct acd_sim *s)
{
    const struct acd_scenario *sc = s->sc;
    for (uint32_t gi = 0; gi < s->n_groups; gi++) {
        const struct acd_agent_group *ag = &sc->groups[gi];
        struct acd_group_rt *g = &s->groups[gi];
        g->idle_head = g->idle_tail = ACD_NONE;
        g->tier = ag->tier ? ag->tier : 1;
        g->assist = ag->assist_by_len || ag->assist_by_wait;
        if (ag->n_handle) {
            g->handle = acd_xcalloc(s->n_types, sizeof(*g->handle));
            for (size_t i = 0; i < ag->n_handle; i++)
                g->handle[ag->handle[i].type] = &ag->handle[i].dist;
        }
        if (ag->has_wrap_up || ag->n_wrap_by_type) {
            g->wrap = acd_xcalloc(s->n_types, sizeof(*g->wrap));
            for (size_t k = 0; k < s->n_types; k++)
                g->wrap[k] = ag->has_wrap_up ? &ag->wrap_up : NULL;
            for (size_t i = 0; i < ag->n_wrap_by_type; i++)
                g->wrap[ag->wrap_by_type[i].type] = &ag->wrap_by_type[i].dist;
        }
    }
}

/* Absenteeism and shifts: drawn once per replication (the day stream). */
static void
setup_staffing(struct acd_sim *s)
{
    const struct acd_scenario *sc = s->sc;
    size_t n_shifts = 0;
    for (size_t g = 0; g < s->n_groups; g++)
        n_shifts += sc->groups[g].n_shifts;
    s->shifts = acd_xcalloc(n_shifts ? n_shifts : 1, sizeof(*s->shifts));
    for (uint32_t gi = 0; gi < s->n_groups; gi++) {
        const struct acd_agent_group *ag = &sc->groups[gi];
        struct acd_group_rt *g = &s->groups[gi];
        if (ag->n_shifts == 0) {
            unsigned roster = ag->agents;
            for (size_t b = 0; ag->agents_by_interval && b < sc->n_intervals; b++)
                if (ag->agents_by_interval[b] > roster)
                    roster = ag->agents_by_interval[b];
            if (ag->absenteeism > 0) {
                g->roster = roster;
                g->present_upto = acd_xcalloc(roster + 1, sizeof(*g->present_upto));
                for (unsigned i = 0; i < roster; i++)
                    g->present_upto[i + 1] =
                        g->present_upto[i] + (gsl_rng_uniform(s->r_day) >= ag->absenteeism);
            }
            continue;
        }
        for (size_t j = 0; j < ag->n_shifts; j++) {
            const struct acd_shift *sh = &ag->shifts[j];
            uint32_t si = (uint32_t)s->n_shifts++;
            struct acd_shift_rt *rt = &s->shifts[si];
            rt->steps = acd_xcalloc(sh->n_breaks + 2, sizeof(*rt->steps));
            rt->steps[rt->n_steps++] = (struct acd_step){sh->start_s, STEP_LOGON, 0};
            for (size_t b = 0; b < sh->n_breaks; b++)
                rt->steps[rt->n_steps++] =
                    (struct acd_step){sh->breaks[b].start_s, STEP_BREAK, sh->breaks[b].length_s};
            rt->steps[rt->n_steps++] = (struct acd_step){sh->end_s, STEP_LOGOFF, 0};
            for (unsigned i = 0; i < sh->count; i++) {
                if (ag->absenteeism > 0 && gsl_rng_uniform(s->r_day) < ag->absenteeism)
                    continue;
                uint32_t a = agent_new(s, gi, si);
                s->agents[a].ev = push(s, rt->steps[0].t_s, EV_PLAN, a);
            }
        }
    }
}

struct acd_sim *
acd_sim_new(const struct acd_scenario *sc, uint64_t seed, unsigned rep)
{
    struct acd_sim *s = acd_xcalloc(1, sizeof(*s));
    s->sc = sc;
    s->seed = seed;
    s->rep = rep;
    s->route = acd_route_find(sc->routing ? sc->routing : "longest_idle");
    ACD_ASSERT(s->route != NULL); /* the parser validated the name */
    s->n_types = sc->n_call_types;
    s->n_groups = sc->n_groups;
    s->n_tiers = sc->max_tier ? sc->max_tier : 1;
    for (size_t g = 0; g < s->n_groups; g++)
        if (sc->groups[g].tier > s->n_tiers)
            s->n_tiers = sc->groups[g].tier;
    s->sl_threshold_s = sc->sl_threshold_s;
    s->capacity = sc->queue_capacity;
    s->lines = sc->queue_lines;
    s->day = sc->horizon == ACD_HORIZON_DAY;
    if (s->day) {
        s->start_s = s->warmup_s = sc->open_s;
        s->horizon_end_s = sc->close_s;
    } else {
        s->warmup_s = sc->warmup_s;
        s->horizon_end_s = sc->duration_s;
    }

    unsigned total_agents = 0;
    for (size_t g = 0; g < s->n_groups; g++)
        total_agents += sc->groups[g].agents;
    acd_evq_init(&s->evq, 64 + 2 * (size_t)total_agents);
    s->calls_cap = 256 + 2 * (size_t)total_agents;
    s->calls = acd_xmalloc(s->calls_cap * sizeof(*s->calls));
    s->call_free = ACD_NONE;
    s->issues_cap = s->calls_cap;
    s->issues = acd_xmalloc(s->issues_cap * sizeof(*s->issues));
    s->issue_free = ACD_NONE;

    s->types = acd_xcalloc(s->n_types, sizeof(*s->types));
    s->groups = acd_xcalloc(s->n_groups, sizeof(*s->groups));
    setup_groups(s);
    setup_queues(s);
    for (uint32_t k = 0; k < s->n_types; k++) {
        const struct acd_call_type *ct = &sc->call_types[k];
        struct acd_type_rt *t = &s->types[k];
        t->arrival_ev = ACD_EVQ_NONE;
        t->rate_per_s = s->day ? 0 : ct->rate_per_s;
        t->plan_rate_per_s = t->rate_per_s;
        t->rate_factor = 1;
        t->patience = ct->has_patience ? &ct->patience : NULL;
        t->r_arrivals = acd_rng_new(seed, rep, ACD_STREAM_ARRIVALS, k);
        t->r_handle = acd_rng_new(seed, rep, ACD_STREAM_HANDLE, k);
        t->r_patience = acd_rng_new(seed, rep, ACD_STREAM_PATIENCE, k);
        t->r_retrial = acd_rng_new(seed, rep, ACD_STREAM_RETRIAL, k);
        t->r_resolution = acd_rng_new(seed, rep, ACD_STREAM_RESOLUTION, k);
        t->r_caller = acd_rng_new(seed, rep, ACD_STREAM_CALLER, k);
        t->r_wrap = acd_rng_new(seed, rep, ACD_STREAM_WRAP, k);
        bool assist = false;
        for (unsigned tier = 1; tier <= s->n_tiers; tier++)
            assist |= s->queues[queue_index(s, k, tier)].has_assist;
        t->plain = !assist && !s->route->uses_overflow;
    }
    s->r_routing = acd_rng_new(seed, rep, ACD_STREAM_ROUTING, 0);
    s->r_day = acd_rng_new(seed, rep, ACD_STREAM_DAY, 0);
    s->busyness = 1;
    if (s->day && sc->busyness_cv > 0) {
        double cv2 = sc->busyness_cv * sc->busyness_cv;
        s->busyness = gsl_ran_gamma(s->r_day, 1 / cv2, cv2);
    }

    /* Bins: one per interval (day) or one for [warm-up, end) (steady), plus
     * the scratch bin. */
    size_t n_bins = s->day ? sc->n_intervals : 1;
    s->st.n_bins = n_bins;
    s->st.n_types = s->n_types;
    s->st.n_groups = s->n_groups;
    s->st.type_counts = acd_xcalloc((n_bins + 1) * s->n_types, sizeof(struct acd_counts));
    s->st.group_counts = acd_xcalloc((n_bins + 1) * s->n_groups, sizeof(struct acd_counts));
    s->st.hists = acd_xcalloc((n_bins + 1) * s->n_types, sizeof(struct acd_hist));
    s->st.abandon_hists = acd_xcalloc(s->n_types, sizeof(struct acd_hist));
    double w0, step;
    size_t n_samples = acd_sim_samples(sc, &w0, &step);
    s->st.n_samples = n_samples;
    s->st.sample_t0_s = w0;
    s->st.sample_step_s = step;
    s->st.samples = acd_xcalloc(n_samples ? n_samples : 1, sizeof(double));
    if (n_samples)
        push(s, w0, EV_SAMPLE, 0);
    s->roster_s = acd_xcalloc((n_bins + 1) * s->n_groups, sizeof(double));
    s->bin_start_s = acd_xcalloc(n_bins + 1, sizeof(double));
    s->bin_end_s = acd_xcalloc(n_bins + 1, sizeof(double));
    s->time_bin = s->call_bin = (uint32_t)n_bins;
    if (s->day) {
        for (size_t b = 0; b < n_bins; b++) {
            s->bin_start_s[b] = sc->open_s + (double)b * sc->interval_s;
            s->bin_end_s[b] = b + 1 == n_bins ? sc->close_s : s->bin_start_s[b] + sc->interval_s;
        }
        for (size_t b = 0; b <= n_bins; b++)
            push(s, b < n_bins ? s->bin_start_s[b] : sc->close_s, EV_BOUNDARY, (uint32_t)b);
    } else {
        s->bin_start_s[0] = s->warmup_s;
        s->bin_end_s[0] = s->horizon_end_s;
        if (s->warmup_s > 0)
            push(s, s->warmup_s, EV_BOUNDARY, 0);
        else
            s->time_bin = s->call_bin = 0;
        push(s, s->horizon_end_s, EV_BOUNDARY, (uint32_t)n_bins);
    }

    setup_staffing(s);
    if (!s->day)
        for (uint32_t gi = 0; gi < s->n_groups; gi++) {
            s->groups[gi].n_plan = planned_agents(s, gi, 0);
            acd_sim_set_agents(s, gi, s->groups[gi].n_plan);
        }
    for (uint32_t k = 0; k < s->n_types; k++)
        schedule_arrival(s, k);
    return s;
}

void
acd_sim_free(struct acd_sim *s)
{
    if (!s)
        return;
    for (size_t k = 0; k < s->n_types; k++) {
        struct acd_type_rt *t = &s->types[k];
        gsl_rng *r[] = {t->r_arrivals,   t->r_handle, t->r_patience, t->r_retrial,
                        t->r_resolution, t->r_caller, t->r_wrap};
        for (size_t i = 0; i < ACD_ARRAY_LEN(r); i++)
            gsl_rng_free(r[i]);
    }
    for (size_t g = 0; g < s->n_groups; g++) {
        free(s->groups[g].queues);
        free(s->groups[g].members);
        free(s->groups[g].handle);
        free(s->groups[g].wrap);
        free(s->groups[g].present_upto);
    }
    for (size_t q = 0; q < s->n_queues; q++) {
        free(s->queues[q].groups);
        free(s->queues[q].levels);
    }
    for (size_t i = 0; i < s->n_shifts; i++)
        free(s->shifts[i].steps);
    gsl_rng_free(s->r_routing);
    gsl_rng_free(s->r_day);
    free(s->shifts);
    free(s->queues);
    free(s->types);
    free(s->groups);
    free(s->calls);
    free(s->issues);
    free(s->agents);
    free(s->st.type_counts);
    free(s->st.group_counts);
    free(s->st.hists);
    free(s->st.abandon_hists);
    free(s->st.samples);
    free(s->roster_s);
    free(s->bin_start_s);
    free(s->bin_end_s);
    acd_evq_fini(&s->evq);
    free(s);
}

/* --- stepping ----------------------------------------------------------- */

static inline void
dispatch(struct acd_sim *s, const struct acd_evq_item *ev)
{
    s->now = ev->t;
    s->st.events++;
    handlers[ev->kind](s, ev->obj);
}

/* Nothing left to happen: callers still waiting have nobody to serve them. */
static void
finish(struct acd_sim *s)
{
    disconnect_all(s);
    s->done = true;
}

/* Events up to t_s (inclusive, or strictly before), then the clock to t_s. */
static bool
run_to(struct acd_sim *s, double t_s, bool inclusive)
{
    struct acd_evq_item ev;
    for (;;) {
        double t = acd_evq_peek_time(&s->evq);
        if (inclusive ? !(t <= t_s) : !(t < t_s))
            break;
        acd_evq_pop(&s->evq, &ev);
        dispatch(s, &ev);
    }
    if (acd_evq_len(&s->evq) == 0) {
        finish(s);
        return false;
    }
    if (t_s > s->now)
        s->now = t_s;
    return true;
}

bool
acd_sim_run_until(struct acd_sim *s, double t_s)
{
    return run_to(s, t_s, true);
}

bool
acd_sim_run_before(struct acd_sim *s, double t_s)
{
    return run_to(s, t_s, false);
}

void
acd_sim_run(struct acd_sim *s)
{
    struct acd_evq_item ev;
    while (acd_evq_pop(&s->evq, &ev))
        dispatch(s, &ev);
    finish(s);
}

bool
acd_sim_step(struct acd_sim *s)
{
    struct acd_evq_item ev;
    if (!acd_evq_pop(&s->evq, &ev)) {
        finish(s);
        return false;
    }
    dispatch(s, &ev);
    if (acd_evq_len(&s->evq) == 0)
        finish(s);
    return true;
}

bool
acd_sim_is_done(const struct acd_sim *s)
{
    return s->done;
}

double
acd_sim_next_event_s(const struct acd_sim *s)
{
    return acd_evq_len(&s->evq) ? acd_evq_peek_time(&s->evq) : (double)INFINITY;
}

double
acd_sim_now(const struct acd_sim *s)
{
    return s->now;
}

const struct acd_rep_stats *
acd_sim_stats(struct acd_sim *s)
{
    touch_all(s);
    const struct acd_scenario *sc = s->sc;
    for (size_t b = 0; b <= s->st.n_bins; b++) {
        double w = 0;
        if (b < s->st.n_bins) {
            double lo = s->bin_start_s[b];
            double hi = s->bin_end_s[b] < s->now ? s->bin_end_s[b] : s->now;
            w = hi > lo ? hi - lo : 0;
        }
        for (size_t k = 0; k < s->n_types; k++) {
            struct acd_counts *c = &s->st.type_counts[b * s->n_types + k];
            c->window_s = w;
            c->abandon_cost = c->abandoned * sc->call_types[k].cost_per_abandon;
            c->repeat_cost = c->repeats * sc->call_types[k].cost_per_repeat;
        }
        for (size_t g = 0; g < s->n_groups; g++) {
            struct acd_counts *c = &s->st.group_counts[b * s->n_groups + g];
            c->window_s = w;
            /* Derived states: staffed = idle + talk + wrap; roster = staffed
             * + break + off. */
            if (!s->groups[g].wrap)
                c->talk_agent_s = c->busy_agent_s; /* not integrated separately */
            c->idle_agent_s = c->staffed_agent_s - c->busy_agent_s;
            c->wrap_agent_s = c->busy_agent_s - c->talk_agent_s;
            c->off_agent_s =
                s->roster_s[b * s->n_groups + g] - c->staffed_agent_s - c->break_agent_s;
            c->labor_cost =
                (c->staffed_agent_s + c->break_agent_s) / 3600 * sc->groups[g].cost_per_hour;
        }
    }
    return &s->st;
}

struct acd_snapshot *
acd_snapshot_new(const struct acd_scenario *sc)
{
    struct acd_snapshot *snap = acd_xcalloc(1, sizeof(*snap));
    snap->n_types = sc->n_call_types;
    snap->n_groups = sc->n_groups;
    snap->types = acd_xcalloc(snap->n_types, sizeof(*snap->types));
    snap->groups = acd_xcalloc(snap->n_groups, sizeof(*snap->groups));
    snap->n_bins = sc->horizon == ACD_HORIZON_DAY ? sc->n_intervals : 1;
    snap->bin_offered = acd_xcalloc(snap->n_bins, sizeof(double));
    snap->bin_within_t = acd_xcalloc(snap->n_bins, sizeof(double));
    return snap;
}

void
acd_snapshot_free(struct acd_snapshot *snap)
{
    if (!snap)
        return;
    free(snap->types);
    free(snap->groups);
    free(snap->bin_offered);
    free(snap->bin_within_t);
    free(snap->agent_state);
    free(snap);
}

static void
calls_add(struct acd_snapshot_calls *d, const struct acd_counts *c)
{
    d->offered += c->offered;
    d->answered += c->answered;
    d->answered_within_t += c->answered_within_t;
    d->abandoned += c->abandoned;
    d->blocked += c->blocked;
    d->answered_wait_sum_s += c->answered_wait_sum_s;
}

void
acd_sim_snapshot(const struct acd_sim *s, struct acd_snapshot *out)
{
    ACD_ASSERT(out->n_types == s->n_types && out->n_groups == s->n_groups);
    ACD_ASSERT(out->n_bins == s->st.n_bins);
    out->now_s = s->now;
    out->events = s->st.events;
    out->calls = s->st.calls;
    out->done = s->done;
    out->closed = s->closed;
    out->bin = s->call_bin;
    size_t nb = s->st.n_bins;
    for (size_t b = 0; b < nb; b++) {
        out->bin_offered[b] = out->bin_within_t[b] = 0;
        for (size_t k = 0; k < s->n_types; k++) {
            const struct acd_counts *c = &s->st.type_counts[b * s->n_types + k];
            out->bin_offered[b] += c->offered;
            out->bin_within_t[b] += c->answered_within_t;
        }
    }
    for (uint32_t k = 0; k < s->n_types; k++) {
        double oldest = 0;
        for (unsigned t = 1; t <= s->n_tiers; t++) {
            const struct acd_queue *q = &s->queues[queue_index(s, k, t)];
            for (uint32_t c = q->head; c != ACD_NONE; c = s->calls[c].next)
                if (!(s->calls[c].flags & ACD_CALL_PLACEHOLDER)) {
                    if (s->now - s->calls[c].t_queue > oldest)
                        oldest = s->now - s->calls[c].t_queue;
                    break;
                }
        }
        struct acd_snapshot_type *st = &out->types[k];
        st->waiting = s->types[k].n_waiting;
        st->oldest_wait_s = oldest;
        st->rate_per_s = s->types[k].rate_per_s;
        st->rate_factor = s->types[k].rate_factor;
        memset(&st->interval, 0, sizeof(st->interval));
        memset(&st->day, 0, sizeof(st->day));
        if (s->call_bin < nb)
            calls_add(&st->interval, &s->st.type_counts[(size_t)s->call_bin * s->n_types + k]);
        for (size_t b = 0; b < nb; b++)
            calls_add(&st->day, &s->st.type_counts[b * s->n_types + k]);
    }
    size_t n_agents = 0;
    for (size_t g = 0; g < s->n_groups; g++)
        n_agents += s->groups[g].n_members;
    out->agent_state = acd_xgrow(out->agent_state, &out->agents_cap, n_agents ? n_agents : 1,
                                 sizeof(*out->agent_state));
    out->n_agents = 0;
    for (size_t g = 0; g < s->n_groups; g++) {
        const struct acd_group_rt *gr = &s->groups[g];
        struct acd_snapshot_group *sg = &out->groups[g];
        sg->staffed = gr->n_staffed;
        sg->busy = gr->n_busy;
        sg->idle = gr->n_idle;
        sg->members = gr->n_members;
        sg->first = out->n_agents;
        sg->target = gr->n_target;
        sg->offset = gr->agent_offset;
        sg->by_shifts = s->sc->groups[g].n_shifts > 0;
        memset(sg->by_state, 0, sizeof(sg->by_state));
        for (uint32_t i = 0; i < gr->n_members; i++) {
            uint8_t st = s->agents[gr->members[i]].state;
            out->agent_state[out->n_agents++] = st;
            sg->by_state[st]++;
        }
        /* Extrapolated to now, nothing written: the sim's integrals stay
         * as they are (see struct acd_snapshot). */
        sg->busy_s = sg->staffed_s = 0;
        for (size_t b = 0; b < nb; b++) {
            sg->busy_s += s->st.group_counts[b * s->n_groups + g].busy_agent_s;
            sg->staffed_s += s->st.group_counts[b * s->n_groups + g].staffed_agent_s;
        }
        if (s->time_bin < nb) {
            sg->busy_s += gr->n_busy * (s->now - gr->busy_last_t);
            sg->staffed_s += gr->n_staffed * (s->now - gr->staffed_last_t);
        }
    }
}

static const char *const source_names[] = {
    [ACD_SRC_FRESH] = "fresh",           [ACD_SRC_RETRIAL] = "retrial",
    [ACD_SRC_REPEAT] = "repeat",         [ACD_SRC_CALLBACK] = "callback",
    [ACD_SRC_ESCALATION] = "escalation", [ACD_SRC_TRANSFER] = "transfer",
};
static const char *const outcome_names[] = {
    [ACD_OUT_ANSWERED] = "answered",         [ACD_OUT_ABANDONED] = "abandoned",
    [ACD_OUT_BLOCKED] = "blocked",           [ACD_OUT_BALKED] = "balked",
    [ACD_OUT_TIMEOUT] = "timeout",           [ACD_OUT_CALLBACK] = "callback",
    [ACD_OUT_DISCONNECTED] = "disconnected",
};
static const char *const after_names[] = {
    [ACD_AFTER_NONE] = "",
    [ACD_AFTER_RESOLVED] = "resolved",
    [ACD_AFTER_ESCALATED] = "escalated",
    [ACD_AFTER_REPEAT] = "repeat",
    [ACD_AFTER_UNRESOLVED] = "unresolved",
};

const char *
acd_sim_source_name(enum acd_call_source src)
{
    return (size_t)src < ACD_ARRAY_LEN(source_names) ? source_names[src] : "?";
}

const char *
acd_sim_outcome_name(enum acd_outcome out)
{
    return (size_t)out < ACD_ARRAY_LEN(outcome_names) ? outcome_names[out] : "?";
}

const char *
acd_sim_after_name(enum acd_after after)
{
    return (size_t)after < ACD_ARRAY_LEN(after_names) ? after_names[after] : "?";
}

size_t
acd_sim_samples(const struct acd_scenario *sc, double *t0_s, double *step_s)
{
    /* Points at a fixed step over the reported window, both ends included:
     * every 5 minutes of a day of half-hour intervals, 200 steps of a
     * steady-state window; at most 2,000 steps. */
    bool day = sc->horizon == ACD_HORIZON_DAY;
    double w0 = day ? sc->open_s : sc->warmup_s, w1 = day ? sc->close_s : sc->duration_s;
    double step = day ? sc->interval_s / 6 : (w1 - w0) / 200;
    if (!(step > 0) || !(w1 > w0)) {
        *t0_s = w0;
        *step_s = 0;
        return 0;
    }
    size_t n = (size_t)floor((w1 - w0) / step + 1e-9) + 1;
    if (n > 2001) {
        step = (w1 - w0) / 2000;
        n = 2001;
    }
    *t0_s = w0;
    *step_s = step;
    return n;
}
