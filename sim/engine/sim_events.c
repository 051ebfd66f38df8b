/*
 * sim_events: the call-center model as event handlers, one per event kind
 * (acd_sim_handlers[], dispatched by sim.c's event loop).
 *
 * A customer with a problem (an issue) makes call attempts: the fresh call,
 * retrials after a busy signal / balk / abandon, repeat calls when the issue
 * was not resolved, and callbacks the center dials for virtual-hold
 * callers. Each attempt is offered once; while it lasts it may move between
 * queues (escalation to the next tier, timeout transfer) as legs of the same
 * call. Queues are per (call type, tier); a group serves the queues of its
 * skills whose tier is at most its own. After a talk the agent may
 * transfer the call (call_types[].transfer): a new leg of the same attempt
 * in the transfer queues, which only groups that answer transfers serve;
 * warm and conference transfers keep the first agent busy (held) until the
 * second answers, and through the conference.
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
 *
 * The state and its pools, lists and counters are in state.h; the
 * interventions of sim.h that handlers use (boundaries re-apply the plan)
 * in sim.c.
 */
#include "route.h"
#include "sim_int.h"
#include "util.h"

#include <math.h>
#include <stdint.h>

static void agent_available(struct acd_sim *s, uint32_t a);
static void agent_done(struct acd_sim *s, uint32_t a);
static void after_close_settle(struct acd_sim *s);

/* After closing, once the last caller is served: the drain is measured and,
 * in an operating day, everyone leaves (after_close_settle). Called after
 * every change that can empty the center; open, it costs one test. */
static inline void
after_close_check(struct acd_sim *s)
{
    if (s->closed)
        after_close_settle(s);
}
static double hold_answered(struct acd_sim *s, struct acd_call *x);
static void chat_start(struct acd_sim *s, uint32_t a, uint32_t c, double wait_s);
static void blend_count(struct acd_sim *s, uint32_t a);
static bool blend_voice_done(struct acd_sim *s, uint32_t a);
static void blend_talk_end(struct acd_sim *s, uint32_t a);
static void hold_release(struct acd_sim *s, struct acd_call *x);

/* --- the caller's random numbers ----------------------------------------
 *
 * Everything a caller brings is drawn from its own sub-streams (rng.h:
 * acd_crng_*), keyed by its identity (call type, sequence number of the
 * fresh call), the purpose and the occurrence, never by event order. */

/* The base of issue i's next sub-stream of counted purpose p. */
static inline uint64_t
caller_next(struct acd_sim *s, uint32_t i, enum acd_caller_purpose p)
{
    struct acd_issue *is = &s->issues[i];
    return acd_crng_base(is->key, p, is->occ[p]++);
}

/* The caller generator at uniform n of the sub-stream at base. */
static inline gsl_rng *
caller_rng(struct acd_sim *s, uint64_t base, uint64_t n)
{
    return acd_crng_at(s->r_caller, base, n);
}

/* A sample of d from issue i's next sub-stream of purpose p. */
static inline double
caller_sample(struct acd_sim *s, uint32_t i, enum acd_caller_purpose p, const struct acd_dist *d)
{
    return acd_dist_sample(d, caller_rng(s, caller_next(s, i, p), 0));
}

/* The sub-stream of a per-attempt purpose p of leg x's attempt. */
static inline uint64_t
attempt_base(const struct acd_sim *s, const struct acd_call *x, enum acd_caller_purpose p)
{
    return acd_crng_base(s->issues[x->issue].key, p, x->attempt);
}

/* The sub-stream of agent a's wrap-up after its talk with leg x, 0 when
 * its group has none for the leg's call type: taken while the caller is
 * known (the issue may end before the wrap-up starts). */
static inline uint64_t
wrap_base(struct acd_sim *s, uint32_t a, const struct acd_call *x)
{
    const struct acd_group_rt *g = &s->groups[s->agents[a].group];
    return g->wrap && g->wrap[x->type] ? caller_next(s, x->issue, ACD_CALLER_WRAP) : 0;
}

/* --- trace -------------------------------------------------------------- */

static void
emit(struct acd_sim *s, const struct acd_call *c, enum acd_outcome out, enum acd_after after,
     uint32_t agent, double t_end)
{
    if (!s->trace)
        return;
    uint32_t group = agent == ACD_NONE ? ACD_NONE : s->agents[agent].group;
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
        .agent = agent == ACD_NONE ? SIZE_MAX : agent,
        .outcome = out,
        .after = after,
        .counted = c->bin < s->st.n_bins,
        .wait_total_s = s->single_leg ? t_end - c->t_queue : s->issues[c->issue].wait_s,
    };
    s->trace(s->trace_ud, &r);
}

/* --- issues ------------------------------------------------------------- */

static void
issue_end(struct acd_sim *s, uint32_t i, bool resolved)
{
    struct acd_issue *is = &s->issues[i];
    if (resolved) {
        struct acd_counts *ic = acd_state_issue_counts(s, i);
        ic->issues_resolved++;
        ic->issues_fcr += is->contacts == 1;
        ic->resolution_time_sum_s += s->now - is->t_first;
    }
    acd_state_issue_free(s, i);
}

/* The issue of leg x ends resolved as its talk ends. A single-leg
 * scenario's issue is its one call - the same bin, type and first arrival,
 * one contact - so the figures come from the call record at hand rather
 * than the issue's (a cache miss per call with many calls in progress). */
static void
issue_end_resolved(struct acd_sim *s, const struct acd_call *x)
{
    if (!s->single_leg) {
        issue_end(s, x->issue, true);
        return;
    }
    struct acd_counts *ic = acd_state_type_counts(s, x->bin, x->type);
    ic->issues_resolved++;
    ic->issues_fcr++;
    ic->resolution_time_sum_s += s->now - x->t_arrive;
    acd_state_issue_free(s, x->issue);
}

/* Leg x stopped waiting after wait_s (answered or not): the issue's
 * cumulative wait, counted in the bin of its first call as the leg's wait
 * ends (so one-leg issues sum in the order of wait_sum_s, bit for bit). A
 * single-leg scenario keeps none of it: acd_sim_stats copies the call
 * figures. */
static inline void
issue_waited(struct acd_sim *s, const struct acd_call *x, double wait_s, bool answered)
{
    if (s->single_leg)
        return;
    struct acd_issue *is = &s->issues[x->issue];
    struct acd_counts *ic = acd_state_issue_counts(s, x->issue);
    is->wait_s += wait_s;
    ic->issue_wait_sum_s += wait_s;
    if (answered && !is->answered) {
        is->answered = true;
        ic->issues_answered++;
        ic->issues_answered_within_t += is->wait_s <= s->types[is->type].sl_threshold_s;
    }
}

/* The customer's next attempt falls after closing: they reach the closed
 * center, hear the closed message and hang up; the issue ends unresolved.
 * Not an offered call; counted (operating day) as after_close of the
 * issue. A steady state's horizon is no closing: nothing is counted. */
static void
reach_closed(struct acd_sim *s, uint32_t i)
{
    if (s->day)
        acd_state_issue_counts(s, i)->after_close++;
    issue_end(s, i, false);
}

/* A retrial or repeat call later today, or the customer gives up. */
static bool
schedule_again(struct acd_sim *s, uint32_t issue, const struct acd_dist *delay, gsl_rng *r,
               enum ev_kind kind)
{
    double t = s->now + acd_dist_sample(delay, r);
    if ((s->closed && !s->night) || t >= s->horizon_end_s) {
        reach_closed(s, issue);
        return false;
    }
    acd_sim_push(s, t, kind, issue);
    return true;
}

/* After a busy signal, a balk or an abandon: try again? */
static void
maybe_retry(struct acd_sim *s, const struct acd_call *c, const struct acd_retrial *rt)
{
    if (rt->enabled && c->attempt < rt->max_attempts) {
        uint64_t b = attempt_base(s, c, ACD_CALLER_RETRIAL); /* u0: again?, u1..: the delay */
        if (acd_crng_u01(b, 0) < (c->attempt == 1 ? rt->p_first : rt->p_later)) {
            schedule_again(s, c->issue, &rt->delay, caller_rng(s, b, 1), EV_RETRY);
            return;
        }
    }
    issue_end(s, c->issue, false);
}

/* --- answering ---------------------------------------------------------- */

static const struct acd_dist *
handle_dist(const struct acd_sim *s, uint32_t g, const struct acd_call *c)
{
    const struct acd_call_type *ct = acd_state_ctype(s, c->type);
    const struct acd_dist *d = s->groups[g].handle ? s->groups[g].handle[c->type] : NULL;
    if (d)
        return d;
    if (c->source == ACD_SRC_ESCALATION) {
        const struct acd_resolution *r = acd_state_resolution_at(ct, c->tier);
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
    bool within = wait_s <= s->types[k].sl_threshold_s; /* the type's own T */
#ifdef ACD_INVARIANTS
    if (x->flags & ACD_CALL_EMAIL || acd_state_ctype(s, k)->channel == ACD_CHANNEL_EMAIL)
        acd_sim_verify_email_answer(s, a);
#endif
    issue_waited(s, x, wait_s, true);
    if (acd_state_is_offered(x)) {
        struct acd_counts *tc = acd_state_type_counts(s, x->bin, k);
        tc->answered++;
        tc->answered_within_t += within;
        tc->wait_sum_s += wait_s;
        tc->answered_wait_sum_s += wait_s;
        if (x->source == ACD_SRC_FRESH && within)
            tc->customer_within_t++;
        if (s->st.type_hists && x->bin < s->st.n_bins) {
            acd_stats_hist_add(&s->st.type_hists[k], wait_s);
            if (s->day)
                acd_stats_hlog_add(&s->st.bin_waits, x->bin * (uint32_t)s->n_types + k, wait_s);
        }
    }
    struct acd_counts *gc = acd_state_group_counts(s, x->bin, gi);
    gc->answered++;
    gc->answered_within_t += within;
    gc->answered_wait_sum_s += wait_s;
    if (s->chat && s->types[k].concurrency) {
        chat_start(s, a, c, wait_s);
        return;
    }

    struct acd_group_rt *g = &s->groups[gi];
    if (s->chat && s->chat[a].n) {
        blend_count(s, a); /* a voice call for an agent holding chats (blending) */
    } else {
        acd_state_touch_busy(s, gi);
        if (g->wrap)
            acd_state_touch_talk(s, gi); /* without wrap-up (or ringing), talk time is busy time */
        g->n_busy++;
        g->n_talk++;
    }
    s->n_talk++;
    ag->state = ACD_AGENT_TALK;
    ag->call = c;
    x->t_answer = s->now;
    /* The caller's handle-time sub-stream, through the answering group's
     * distribution: the same draw whoever answers. */
    double handle_s = caller_sample(s, x->issue, ACD_CALLER_HANDLE, handle_dist(s, gi, x));
    if (x->flags & ACD_CALL_HELD)
        handle_s += hold_answered(s, x); /* a conference comes first */
    if (s->wait_handle)                  /* handle_time_per_wait: + K x this leg's wait, no draw */
        handle_s += s->types[k].handle_per_wait * wait_s;
    acd_sim_push(s, s->now + handle_s, EV_TALK_END, a);
}

/* How long the caller of leg x waits before hanging up, from p: with
 * same-caller retrials (retry.same_caller) an offered leg reuses the
 * patience of the issue's first wait. */
static inline double
patience_of(struct acd_sim *s, const struct acd_call *x, const struct acd_call_type *ct,
            const struct acd_dist *p)
{
    if (!ct->same_caller || !acd_state_is_offered(x))
        return caller_sample(s, x->issue, ACD_CALLER_PATIENCE, p);
    struct acd_issue *is = &s->issues[x->issue];
    if (isnan(is->patience_s))
        is->patience_s = caller_sample(s, x->issue, ACD_CALLER_PATIENCE, p);
    return is->patience_s;
}

/* The caller of leg c starts its patience (it waits and may hang up), as
 * in enqueue. */
static void
arm_patience(struct acd_sim *s, uint32_t c)
{
    struct acd_call *x = &s->calls[c];
    struct acd_type_rt *t = &s->types[x->type];
    if (!t->patience)
        return;
    const struct acd_call_type *ct = acd_state_ctype(s, x->type);
    const struct acd_dist *p =
        ct->patience_by_interval ? &ct->patience_by_interval[x->iv] : t->patience;
    x->ev_abandon = acd_sim_push(s, s->now + patience_of(s, x, ct, p), EV_ABANDON, c);
}

/* Ring time: agent a (off the idle list) is assigned leg c, which rings for
 * the call type's ring time before the talk starts (on_ring_end, answer).
 * The agent is reserved (busy, state ring, not talk); the caller still
 * waits - it stays in n_waiting, out of its queue, with its patience timer
 * - and may hang up, which frees the agent (on_abandon). A leg assigned on
 * arrival starts waiting (and its patience) now. Kept out of line: the
 * paths without ring time stay as short as before. */
static void __attribute__((noinline)) ring(struct acd_sim *s, uint32_t a, uint32_t c)
{
    struct acd_call *x = &s->calls[c];
    struct acd_type_rt *t = &s->types[x->type];
    if (x->queue != ACD_NONE) {
        acd_state_queue_remove(s, &s->queues[x->queue], c);
        x->queue = ACD_NONE;
        acd_sim_cancel(s, &x->ev_timeout);
        acd_sim_cancel(s, &x->ev_visible);
    } else {
        acd_state_touch_waiting(s, x->type);
        t->n_waiting++;
        s->n_waiting++;
        arm_patience(s, c);
    }
    x->flags |= ACD_CALL_RINGING;
    x->agent = a;
    s->n_ringing++;
    struct acd_agent *ag = &s->agents[a];
    uint32_t gi = ag->group;
    struct acd_group_rt *g = &s->groups[gi];
    acd_state_touch_busy(s, gi);
    acd_state_touch_ring(s, gi);
    g->n_busy++;
    s->ring_rt[gi].n_ring++;
    ag->state = ACD_AGENT_RING;
    ag->call = c;
    double ring_s = caller_sample(s, x->issue, ACD_CALLER_RING, t->ring);
    x->ev_ring = acd_sim_push(s, s->now + ring_s, EV_RING_END, a);
}

/* Ringing leg c stops ringing (talk starts or the caller hangs up): it no
 * longer waits, its agent is no longer ringing (but still busy). Returns
 * the agent. */
static uint32_t
ring_stop(struct acd_sim *s, uint32_t c)
{
    struct acd_call *x = &s->calls[c];
    uint32_t a = x->agent, gi = s->agents[a].group;
    x->flags &= (uint8_t)~ACD_CALL_RINGING;
    s->n_ringing--;
    acd_state_touch_waiting(s, x->type);
    s->types[x->type].n_waiting--;
    s->n_waiting--;
    acd_sim_cancel(s, &x->ev_abandon);
    acd_state_touch_ring(s, gi);
    s->ring_rt[gi].n_ring--;
    s->agents[a].call = ACD_NONE;
    return a;
}

/* Take leg c out of its queue (it is answered, abandons, times out...). */
static void
dequeue(struct acd_sim *s, uint32_t c)
{
    struct acd_call *x = &s->calls[c];
    struct acd_queue *q = &s->queues[x->queue];
    if (!(x->flags & ACD_CALL_PLACEHOLDER)) {
        acd_state_touch_waiting(s, x->type);
        s->types[x->type].n_waiting--;
        if (x->flags & ACD_CALL_EMAIL)
            s->n_email_waiting--;
        else
            s->n_waiting--;
    }
    acd_state_queue_remove(s, q, c);
    x->queue = ACD_NONE;
    acd_sim_cancel(s, &x->ev_abandon);
    acd_sim_cancel(s, &x->ev_timeout);
    acd_sim_cancel(s, &x->ev_visible);
}

/* Agent a takes waiting leg c. A virtual-hold placeholder becomes the
 * callback: a new attempt the center dials, answered at once. */
static void
take(struct acd_sim *s, uint32_t a, uint32_t c)
{
    struct acd_call *x = &s->calls[c];
    if (s->rings && s->types[x->type].ring && !(x->flags & ACD_CALL_PLACEHOLDER)) {
        ring(s, a, c);
        return;
    }
    dequeue(s, c);
    if (!(x->flags & ACD_CALL_PLACEHOLDER)) {
        answer(s, a, c, s->now - x->t_queue);
        return;
    }
    x->flags = 0;
    x->source = ACD_SRC_CALLBACK;
    x->attempt = ++s->issues[x->issue].contacts;
    x->t_arrive = x->t_queue = s->now;
    x->bin = s->call_bin;
    x->iv = acd_state_interval_at(s, s->now);
    struct acd_counts *tc = acd_state_type_counts(s, x->bin, x->type);
    tc->offered++;
    tc->callbacks++;
    acd_state_issue_counts(s, x->issue)->issue_contacts++;
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
            acd_state_idle_remove(s, g, a);
            take(s, a, c);
        }
    }
    if (s->chat) /* then agents holding chats: a free slot, or blending */
        while (q->len > 0) {
            uint32_t c = q->head, a = ACD_NONE;
            if (s->types[q->type].concurrency)
                a = acd_route_chat_agent(s, c, qi, 0);
            else if (s->blend && !(s->calls[c].flags & ACD_CALL_PLACEHOLDER))
                a = acd_route_blend_agent(s, c, qi, 0);
            if (a == ACD_NONE)
                break;
            dequeue(s, c);
            answer(s, a, c, s->now - s->calls[c].t_queue);
        }
}

/* Next time a waiting leg becomes visible to more agents, or INFINITY. */
static double
next_visibility(const struct acd_sim *s, const struct acd_call *x, double after_s)
{
    const struct acd_queue *q = &s->queues[x->queue];
    double best = (double)INFINITY;
    if (s->route->uses_overflow) {
        double d = acd_state_ctype(s, x->type)->overflow_delay_s;
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

/* Leg c waits in queue qi (patience p, or never abandons if NULL; timeout
 * and visibility timers start). */
static inline __attribute__((always_inline)) void
enqueue_with(struct acd_sim *s, uint32_t c, uint32_t qi, bool placeholder, const struct acd_dist *p)
{
    struct acd_call *x = &s->calls[c];
    struct acd_queue *q = &s->queues[qi];
    struct acd_type_rt *t = &s->types[x->type];
    const struct acd_call_type *ct = acd_state_ctype(s, x->type);
    x->queue = qi;
    x->tier = q->tier;
    x->priority = q->priority;
    x->t_queue = s->now;
    acd_state_queue_push(s, q, c);
    if (placeholder) {
        x->flags |= ACD_CALL_PLACEHOLDER;
    } else {
        acd_state_touch_waiting(s, x->type);
        t->n_waiting++;
        s->n_waiting++;
        if (p)
            x->ev_abandon = acd_sim_push(s, s->now + patience_of(s, x, ct, p), EV_ABANDON, c);
        if (ct->queue_timeout_s > 0 && x->source != ACD_SRC_TRANSFER &&
            x->source != ACD_SRC_AGENT_TRANSFER)
            x->ev_timeout = acd_sim_push(s, s->now + ct->queue_timeout_s, EV_TIMEOUT, c);
    }
    if (!t->plain) {
        double v = next_visibility(s, x, 0);
        if (v == 0)
            poke_queue(s, qi);
        else if (v < (double)INFINITY)
            x->ev_visible = acd_sim_push(s, s->now + v, EV_VISIBLE, c);
    }
    if (q->has_assist)
        poke_queue(s, qi);
}

/* Leg c waits in queue qi with its call type's patience. */
static void
enqueue(struct acd_sim *s, uint32_t c, uint32_t qi, bool placeholder)
{
    const struct acd_call *x = &s->calls[c];
    const struct acd_dist *p = s->types[x->type].patience;
    const struct acd_call_type *ct = acd_state_ctype(s, x->type);
    if (p && ct->patience_by_interval)
        p = &ct->patience_by_interval[x->iv];
    enqueue_with(s, c, qi, placeholder, p);
}

/* Predicted wait of a caller joining queue q: the calls ahead times the mean
 * handle time, shared by the agents on duty who may serve it. */
static double
predicted_wait(const struct acd_sim *s, const struct acd_queue *q)
{
    unsigned agents = 0;
    for (uint32_t i = 0; i < q->n_groups; i++)
        agents += s->groups[q->groups[i]].n_staffed;
    return (q->len + 1) * acd_state_ctype(s, q->type)->handle.mean_s / (agents ? agents : 1);
}

/* An e-mail (leg c, counted offered) reaches the center: an idle agent
 * who may take it takes it (no call or chat waits for an idle agent);
 * otherwise it waits, with no line, waiting place, patience or timer, in
 * its type's queue, among the e-mails waiting (acd_sim.n_email_waiting). */
static void __attribute__((noinline)) email_offer(struct acd_sim *s, uint32_t c)
{
    struct acd_call *x = &s->calls[c];
    uint32_t k = x->type, qi = acd_state_queue_index(s, k, 1);
    double t_queue = x->t_queue; /* a backlog e-mail arrived before now */
    struct acd_type_rt *t = &s->types[k];
    uint32_t a = s->closed ? ACD_NONE : t->pick_agent(s, c, qi, 1);
    if (a != ACD_NONE) {
        acd_state_idle_remove(s, &s->groups[s->agents[a].group], a);
        if (s->now > t_queue)
            acd_state_type_counts(s, x->bin, k)->waited++;
        answer(s, a, c, s->now - t_queue);
        return;
    }
    acd_state_type_counts(s, x->bin, k)->waited++;
    struct acd_queue *q = &s->queues[qi];
    x->queue = qi;
    x->tier = q->tier;
    x->priority = q->priority;
    x->flags |= ACD_CALL_EMAIL;
    acd_state_queue_push(s, q, c);
    acd_state_touch_waiting(s, k);
    t->n_waiting++;
    s->n_email_waiting++;
}

/* A call attempt reaches the ACD. */
static void
offer(struct acd_sim *s, uint32_t c)
{
    struct acd_call *x = &s->calls[c];
    uint32_t k = x->type;
    struct acd_type_rt *t = &s->types[k];
    const struct acd_call_type *ct = acd_state_ctype(s, k);
    struct acd_counts *tc = acd_state_type_counts(s, x->bin, k);
    tc->offered++;
    if (s->email && ct->channel == ACD_CHANNEL_EMAIL) {
        tc->fresh++;
        acd_state_issue_counts(s, x->issue)->issue_contacts++;
        email_offer(s, c);
        return;
    }
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
    acd_state_issue_counts(s, x->issue)->issue_contacts++;

    if (s->lines >= 0 && (long)(s->n_waiting + s->n_talk) >= s->lines) {
        tc->blocked++;
        emit(s, x, ACD_OUT_BLOCKED, ACD_AFTER_NONE, ACD_NONE, s->now);
        maybe_retry(s, x, &ct->retry_busy);
        acd_state_call_free(s, c);
        return;
    }
    uint32_t qi = acd_state_queue_index(s, k, 1);
    uint32_t a = t->pick_agent(s, c, qi, 1); /* the policy's or the call type's own */
    if (a != ACD_NONE) {
        acd_state_idle_remove(s, &s->groups[s->agents[a].group], a);
        if (t->ring)
            ring(s, a, c);
        else
            answer(s, a, c, 0.0);
        return;
    }
    if (t->concurrency && (a = acd_route_chat_agent(s, c, qi, 1)) != ACD_NONE) {
        answer(s, a, c, 0.0); /* one more chat for an agent holding some */
        return;
    }
    if (s->blend && (a = acd_route_blend_agent(s, c, qi, 1)) != ACD_NONE) {
        answer(s, a, c, 0.0); /* a voice call for an agent holding chats */
        return;
    }
    /* Ringing calls hold a line but not a place in the queue. */
    if (s->capacity >= 0 && (long)(s->n_waiting - s->n_ringing) >= s->capacity) {
        tc->blocked++;
        emit(s, x, ACD_OUT_BLOCKED, ACD_AFTER_NONE, ACD_NONE, s->now);
        maybe_retry(s, x, &ct->retry_busy);
        acd_state_call_free(s, c);
        return;
    }
    /* The attempt's offer sub-stream: u0 balks?, u1 accepts a callback? */
    if (ct->balk_prob > 0 &&
        acd_crng_u01(attempt_base(s, x, ACD_CALLER_OFFER), 0) < ct->balk_prob) {
        tc->balked++;
        emit(s, x, ACD_OUT_BALKED, ACD_AFTER_NONE, ACD_NONE, s->now);
        maybe_retry(s, x, &ct->retry_busy);
        acd_state_call_free(s, c);
        return;
    }
    if (ct->callback_enabled && predicted_wait(s, &s->queues[qi]) > ct->callback_threshold_s &&
        acd_crng_u01(attempt_base(s, x, ACD_CALLER_OFFER), 1) < ct->callback_accept_prob) {
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
    uint32_t c = acd_state_call_alloc(s);
    struct acd_call *x = &s->calls[c];
    x->t_arrive = s->now;
    x->t_queue = s->now;
    x->issue = i;
    x->type = s->issues[i].type;
    x->bin = s->call_bin;
    x->iv = acd_state_interval_at(s, s->now);
    x->source = (uint8_t)src;
    x->attempt = ++s->issues[i].contacts;
    x->tier = 1;
    offer(s, c);
}

/* --- event handlers ----------------------------------------------------- */

void
acd_sim_schedule_arrival(struct acd_sim *s, uint32_t k)
{
    struct acd_type_rt *t = &s->types[k];
    t->arrival_ev = ACD_EVQ_NONE;
    if (!(t->rate_per_s > 0) || s->closed)
        return;
    /* -log(U)/rate: see dist.c on why not gsl_ran_exponential. */
    double next = s->now - log(gsl_rng_uniform_pos(t->r_arrivals)) / t->rate_per_s;
    if (next < s->horizon_end_s)
        t->arrival_ev = acd_sim_push(s, next, EV_ARRIVAL, k);
}

static void
on_arrival(struct acd_sim *s, uint32_t k)
{
    s->st.calls++;
    acd_sim_schedule_arrival(s, k);
    uint32_t i = acd_state_issue_alloc(s);
    struct acd_issue *is = &s->issues[i];
    struct acd_type_rt *t = &s->types[k];
    is->key = acd_crng_caller_key(t->caller_key, t->n_fresh++); /* the caller's identity */
    is->t_first = s->now;
    is->bin = s->call_bin;
    is->type = k;
    acd_state_type_counts(s, s->call_bin, k)->issues++;
    new_attempt(s, i, ACD_SRC_FRESH);
}

/* The customer of issue i calls again (a retrial or a repeat call): a new
 * attempt, or the closed center. */
static void
call_again(struct acd_sim *s, uint32_t i, enum acd_call_source src)
{
    if (s->night) { /* between two days: at the next opening, in the order due */
        acd_sim_push(s, s->sc->days[s->cur_day + 1].open_s,
                     src == ACD_SRC_RETRIAL ? EV_RETRY : EV_REPEAT, i);
        return;
    }
    if (s->closed) {
        reach_closed(s, i);
        return;
    }
    s->st.calls++;
    new_attempt(s, i, src);
}

static void
on_retry(struct acd_sim *s, uint32_t i)
{
    call_again(s, i, ACD_SRC_RETRIAL);
}

static void
on_repeat(struct acd_sim *s, uint32_t i)
{
    call_again(s, i, ACD_SRC_REPEAT);
}

static void
on_abandon(struct acd_sim *s, uint32_t c)
{
    struct acd_call *x = &s->calls[c];
    x->ev_abandon = ACD_EVQ_NONE;
    uint32_t ringing = ACD_NONE; /* hung up while ringing: this agent is free again */
    if (x->flags & ACD_CALL_RINGING) {
        acd_sim_cancel(s, &x->ev_ring);
        ringing = ring_stop(s, c);
    } else {
        dequeue(s, c);
    }
    double wait_s = s->now - x->t_queue;
    issue_waited(s, x, wait_s, false);
    if (acd_state_is_offered(x)) {
        struct acd_counts *tc = acd_state_type_counts(s, x->bin, x->type);
        tc->abandoned++;
        tc->abandoned_within_t += wait_s <= s->types[x->type].sl_threshold_s;
        tc->wait_sum_s += wait_s;
        if (x->bin < s->st.n_bins && s->st.abandon_hists)
            acd_stats_hist_add(&s->st.abandon_hists[x->type], wait_s);
    } else if (x->source == ACD_SRC_AGENT_TRANSFER) {
        acd_state_type_counts(s, x->bin, x->type)->transfer_abandoned++;
    }
    if (x->flags & ACD_CALL_HELD)
        hold_release(s, x);
    emit(s, x, ACD_OUT_ABANDONED, ACD_AFTER_NONE, ACD_NONE, s->now);
    maybe_retry(s, x, &acd_state_ctype(s, s->issues[x->issue].type)->retry_abandon);
    acd_state_call_free(s, c);
    if (ringing != ACD_NONE)
        agent_done(s, ringing);
    after_close_check(s);
}

/* The ringing ends: the talk starts; the wait (for service level and ASA)
 * ends now. */
static void
on_ring_end(struct acd_sim *s, uint32_t a)
{
    struct acd_agent *ag = &s->agents[a];
    uint32_t c = ag->call;
    s->calls[c].ev_ring = ACD_EVQ_NONE;
    ring_stop(s, c);
    acd_state_touch_busy(s, ag->group);
    s->groups[ag->group].n_busy--; /* answer counts it again */
    answer(s, a, c, s->now - s->calls[c].t_queue);
}

static void
on_timeout(struct acd_sim *s, uint32_t c)
{
    struct acd_call *x = &s->calls[c];
    x->ev_timeout = ACD_EVQ_NONE;
    dequeue(s, c);
    const struct acd_call_type *ct = acd_state_ctype(s, x->type);
    issue_waited(s, x, s->now - x->t_queue, false);
    if (acd_state_is_offered(x)) {
        struct acd_counts *tc = acd_state_type_counts(s, x->bin, x->type);
        tc->timed_out++;
        tc->wait_sum_s += s->now - x->t_queue;
    }
    emit(s, x, ACD_OUT_TIMEOUT, ACD_AFTER_NONE, ACD_NONE, s->now);
    if (!ct->has_timeout_to) {
        issue_end(s, x->issue, false); /* voicemail */
        acd_state_call_free(s, c);
        after_close_check(s);
        return;
    }
    /* The same call moves to another call type's queue (a new leg). */
    x->id = s->next_call_id++;
    x->source = ACD_SRC_TRANSFER;
    x->type = (uint32_t)ct->timeout_to;
    x->t_arrive = s->now;
    uint32_t qi = acd_state_queue_index(s, x->type, 1);
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
        x->ev_visible = acd_sim_push(s, x->t_queue + v, EV_VISIBLE, c);
    poke_queue(s, x->queue);
}

/* What follows a finished talk: resolved, escalated, or a repeat call. */
static enum acd_after
resolve(struct acd_sim *s, uint32_t a, uint32_t c)
{
    struct acd_call *x = &s->calls[c];
    const struct acd_call_type *ct = acd_state_ctype(s, x->type);
    if (ct->n_resolution == 0) {
        issue_end_resolved(s, x);
        return ACD_AFTER_RESOLVED;
    }
    unsigned tier = s->groups[s->agents[a].group].tier;
    const struct acd_resolution *r = acd_state_resolution_at(ct, tier);
    if (!r) {
        issue_end(s, x->issue, true);
        return ACD_AFTER_RESOLVED;
    }
    uint64_t b = caller_next(s, x->issue, ACD_CALLER_RESOLVE); /* u0: resolved?, u1: escalated? */
    if (acd_crng_u01(b, 0) < r->p_resolve) {
        issue_end(s, x->issue, true);
        return ACD_AFTER_RESOLVED;
    }
    if (r->p_escalate > 0 && tier < s->n_tiers &&
        s->queues[acd_state_queue_index(s, x->type, tier + 1)].n_groups > 0 &&
        acd_crng_u01(b, 1) < r->p_escalate) {
        acd_state_type_counts(s, x->bin, x->type)->escalated++;
        acd_state_group_counts(s, x->bin, s->agents[a].group)->escalated++;
        return ACD_AFTER_ESCALATED;
    }
    if (ct->has_repeat_delay &&
        schedule_again(s, x->issue, &ct->repeat_delay,
                       caller_rng(s, caller_next(s, x->issue, ACD_CALLER_REPEAT), 0), EV_REPEAT))
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
    acd_state_touch_staffed(s, gi);
    s->groups[gi].n_staffed--;
    acd_state_break_count(s, gi, a, true);
    ag->state = ACD_AGENT_BREAK;
    ag->break_pending = false;
    acd_sim_push(s, s->now + len_s, EV_BREAK_END, a);
}

void
acd_sim_log_off(struct acd_sim *s, uint32_t a)
{
    struct acd_agent *ag = &s->agents[a];
    acd_state_touch_staffed(s, ag->group);
    s->groups[ag->group].n_staffed--;
    ag->state = ACD_AGENT_OFF;
    ag->leaving = false;
    ag->break_pending = false;
}

static void agent_done_moving(struct acd_sim *s, uint32_t a);

/* The agent's call (and wrap-up) ended. */
static void
agent_done(struct acd_sim *s, uint32_t a)
{
    struct acd_agent *ag = &s->agents[a];
    if (s->chat && s->chat[a].voice && blend_voice_done(s, a))
        return; /* back to the chats it holds */
    acd_state_touch_busy(s, ag->group);
    s->groups[ag->group].n_busy--;
    if (s->n_mv_soon) { /* some agent moves after its call (sim_moves.c) */
        agent_done_moving(s, a);
        return;
    }
    if (ag->leaving)
        acd_sim_log_off(s, a);
    else if (ag->break_pending)
        start_break(s, a, ag->break_len_s);
    else
        agent_available(s, a);
}

/* agent_done while some agent is to move after its call: a first goes to
 * its other group if it is one of them (which may add agents), then as
 * agent_done. Apart, so that agent_done's usual path stays as it was. */
static void __attribute__((noinline)) agent_done_moving(struct acd_sim *s, uint32_t a)
{
    uint8_t mv = s->agent_mv[a].state;
    if (mv == ACD_MV_OUT_SOON || mv == ACD_MV_BACK_SOON)
        acd_sim_move_settle(s, a);
    struct acd_agent *ag = &s->agents[a];
    if (ag->leaving)
        acd_sim_log_off(s, a);
    else if (ag->break_pending)
        start_break(s, a, ag->break_len_s);
    else
        agent_available(s, a);
}

/* --- chat ---------------------------------------------------------------
 *
 * A chat leg is answered like a call (the same statistics, the caller's
 * same handle-time draw) but the agent keeps taking chats while it holds
 * fewer than the call type's concurrency: acd_sim.chat counts them. The
 * agent is busy from its first chat to the end of its last chat's wrap-up
 * (a chat's slot stays taken through its wrap-up); it takes no voice call
 * meanwhile (agent_available runs only once it holds none). Each chat's
 * drawn handle time is stretched by stretch[n - 1], n the chats the agent
 * holds once this one is answered. The parser keeps chats away from what
 * this path does not do: ring time, transfers, escalation, callbacks. */

static void chat_fill(struct acd_sim *s, uint32_t a);

/* Agent a (idle and off the idle list, or holding chats) starts chat leg
 * c; answer() has counted it. */
static void
chat_start(struct acd_sim *s, uint32_t a, uint32_t c, double wait_s)
{
    struct acd_call *x = &s->calls[c];
    struct acd_agent *ag = &s->agents[a];
    struct acd_agent_chat *ch = &s->chat[a];
    uint32_t gi = ag->group, k = x->type;
    struct acd_group_rt *g = &s->groups[gi];
    const struct acd_call_type *ct = acd_state_ctype(s, k);
    ACD_ASSERT(ag->call == ACD_NONE && !ag->held && ch->voice == ACD_BLEND_NONE &&
               ch->n < s->types[k].concurrency);
    if (ch->n == 0) {
        acd_state_touch_busy(s, gi);
        g->n_busy++;
    }
    if (ch->talk == 0) {
        if (g->wrap)
            acd_state_touch_talk(s, gi);
        g->n_talk++;
    }
    ch->n++;
    ch->talk++;
    s->n_talk++;
    s->n_chats++;
    ag->state = ACD_AGENT_TALK;
    x->t_answer = s->now;
    x->agent = a;
    double handle_s = caller_sample(s, x->issue, ACD_CALLER_HANDLE, handle_dist(s, gi, x));
    if (ct->n_stretch) {
        ACD_ASSERT(ch->n <= ct->n_stretch);
        handle_s *= ct->stretch[ch->n - 1];
    }
    if (s->wait_handle)
        handle_s += s->types[k].handle_per_wait * wait_s;
    acd_sim_push(s, s->now + handle_s, EV_CHAT_END, c);
    chat_fill(s, a);
}

/* Agent a, holding chats, takes waiting chats while it has room; of a
 * blending group, a waiting voice call first. */
static void
chat_fill(struct acd_sim *s, uint32_t a)
{
    if (!acd_state_chat_open(s, a))
        return;
    uint32_t c = s->blend ? acd_route_blend_leg(s, a) : ACD_NONE;
    if (c == ACD_NONE)
        c = acd_route_chat_leg(s, a);
    if (c == ACD_NONE)
        return;
    dequeue(s, c);
    answer(s, a, c, s->now - s->calls[c].t_queue); /* chat_start fills on */
}

/* One of agent a's chat slots is free (talk and wrap-up over). */
static void
chat_slot_free(struct acd_sim *s, uint32_t a)
{
    struct acd_agent_chat *ch = &s->chat[a];
    ACD_ASSERT(ch->n > ch->talk);
    if (--ch->n == 0 && ch->voice == ACD_BLEND_NONE)
        agent_done(s, a); /* free for anything, voice included */
    else
        chat_fill(s, a); /* nothing while on a blended voice call */
}

/* Blending: agent a, holding chats, answers a voice call: busy already,
 * talking from now. */
static void
blend_count(struct acd_sim *s, uint32_t a)
{
    struct acd_agent_chat *ch = &s->chat[a];
    uint32_t gi = s->agents[a].group;
    ACD_ASSERT(ch->voice == ACD_BLEND_NONE && s->sc->groups[gi].blending);
    ch->voice = ACD_BLEND_TALK;
    if (ch->talk == 0) {
        if (s->groups[gi].wrap)
            acd_state_touch_talk(s, gi);
        s->groups[gi].n_talk++;
    }
}

/* The blended voice call's talk ends: still talking if a chat is. */
static void
blend_talk_end(struct acd_sim *s, uint32_t a)
{
    struct acd_agent_chat *ch = &s->chat[a];
    uint32_t gi = s->agents[a].group;
    ch->voice = ACD_BLEND_WRAP;
    if (ch->talk == 0) {
        if (s->groups[gi].wrap)
            acd_state_touch_talk(s, gi);
        s->groups[gi].n_talk--;
    }
}

/* The blended voice call is over (talk and wrap-up): back to the chats the
 * agent still holds (true), or free as after any call (false). */
static bool
blend_voice_done(struct acd_sim *s, uint32_t a)
{
    struct acd_agent_chat *ch = &s->chat[a];
    ch->voice = ACD_BLEND_NONE;
    if (ch->n == 0)
        return false;
    s->agents[a].state = ch->talk ? ACD_AGENT_TALK : ACD_AGENT_WRAP;
    chat_fill(s, a);
    return true;
}

static void
on_chat_end(struct acd_sim *s, uint32_t c)
{
    struct acd_call *x = &s->calls[c];
    uint32_t a = x->agent, gi = s->agents[a].group, k = x->type;
    struct acd_group_rt *g = &s->groups[gi];
    struct acd_agent_chat *ch = &s->chat[a];
    s->n_talk--;
    s->n_chats--;
    if (--ch->talk == 0 && ch->voice != ACD_BLEND_TALK) { /* a blended call talks on */
        if (g->wrap)
            acd_state_touch_talk(s, gi);
        g->n_talk--;
        s->agents[a].state = ACD_AGENT_WRAP;
    }
    const struct acd_dist *w = g->wrap ? g->wrap[k] : NULL;
    uint64_t wb = w ? caller_next(s, x->issue, ACD_CALLER_WRAP) : 0; /* before resolve ends it */
    enum acd_after after = resolve(s, a, c);
    ACD_ASSERT(after != ACD_AFTER_ESCALATED); /* the parser refuses escalating chats */
    emit(s, x, ACD_OUT_ANSWERED, after, a, x->t_answer);
    acd_state_call_free(s, c);
    if (w)
        acd_sim_push(s, s->now + acd_dist_sample(w, caller_rng(s, wb, 0)), EV_CHAT_WRAP, a);
    else
        chat_slot_free(s, a);
    after_close_check(s);
}

static void
on_chat_wrap(struct acd_sim *s, uint32_t a)
{
    chat_slot_free(s, a);
    after_close_check(s);
}

/* --- transfers ---------------------------------------------------------- */

/* Does the agent transfer leg x after its talk? Draws once from the
 * caller's transfer sub-stream: the target, or NULL. */
static const struct acd_transfer *
transfer_draw(struct acd_sim *s, const struct acd_call *x)
{
    const struct acd_call_type *ct = acd_state_ctype(s, x->type);
    double u = acd_crng_u01(caller_next(s, x->issue, ACD_CALLER_TRANSFER), 0), cum = 0;
    for (size_t i = 0; i < ct->n_transfers; i++) {
        cum += ct->transfers[i].prob;
        if (u < cum)
            return &ct->transfers[i];
    }
    return NULL;
}

/* Agent a (whose talk just ended, counted out of n_talk) transfers leg c:
 * the same attempt waits again as a new leg in the target's transfer
 * queue, or is answered at once by an idle agent. With if_idle and no idle
 * agent the call ends there (disconnected / voicemail). Returns true when
 * agent a stays on the call (warm, conference): it is released by
 * EV_HOLD_END once the second agent has answered (hold_answered) or the
 * caller has gone. */
static bool
transfer(struct acd_sim *s, uint32_t a, uint32_t c, const struct acd_transfer *tr)
{
    struct acd_call *x = &s->calls[c];
    uint32_t gi = s->agents[a].group, k = x->type;
    acd_state_type_counts(s, x->bin, k)->transferred++;
    acd_state_group_counts(s, x->bin, gi)->transferred++;
    uint32_t kt = tr->to_group ? k : (uint32_t)tr->to;
    unsigned tier = tr->to_group ? s->groups[tr->to].tier : 1;
    unsigned lane = tr->to_group ? s->group_lane[tr->to] : 1;
    x->id = s->next_call_id++;
    x->source = ACD_SRC_AGENT_TRANSFER;
    x->type = kt;
    x->tier = (uint16_t)tier;
    x->t_arrive = x->t_queue = s->now;
    x->flags |= ACD_CALL_XFER;
    uint32_t qi = acd_state_lane_queue(s, lane, kt, tier);
    uint32_t b = s->route->pick_agent(s, c, qi, 1);
    if (b == ACD_NONE && tr->if_idle != ACD_TRANSFER_WAIT) {
        acd_state_type_counts(s, x->bin, k)->transfer_unserved++;
        emit(s, x, tr->if_idle == ACD_TRANSFER_VOICEMAIL ? ACD_OUT_VOICEMAIL : ACD_OUT_DISCONNECTED,
             ACD_AFTER_NONE, ACD_NONE, s->now);
        issue_end(s, x->issue, false);
        acd_state_call_free(s, c);
        return false;
    }
    bool held = tr->mode != ACD_TRANSFER_COLD;
    if (held) {
        struct acd_agent *ag = &s->agents[a];
        s->groups[gi].n_talk++; /* still talking (the integral was brought to now) */
        ag->held = true;
        ag->held_type = k;
        ag->held_xfer = (uint32_t)(tr - acd_state_ctype(s, k)->transfers);
        x->flags |= ACD_CALL_HELD;
        x->held = a;
    }
    if (b != ACD_NONE) {
        acd_state_idle_remove(s, &s->groups[s->agents[b].group], b);
        answer(s, b, c, 0.0);
    } else {
        const struct acd_dist *p = s->types[kt].patience;
        const struct acd_call_type *ctt = acd_state_ctype(s, kt);
        if (tr->has_patience)
            p = &tr->patience; /* the transfer's own */
        else if (p && ctt->patience_by_interval)
            p = &ctt->patience_by_interval[x->iv];
        enqueue_with(s, c, qi, false, p);
    }
    return held;
}

/* Agent a left a call of type k (transfers: the other talk ends keep
 * their own copy on the hot path): wrap-up, from the caller's sub-stream
 * wb (wrap_base), or done. */
static void
wrap_or_done(struct acd_sim *s, uint32_t a, uint32_t k, uint64_t wb)
{
    struct acd_group_rt *g = &s->groups[s->agents[a].group];
    const struct acd_dist *w = g->wrap ? g->wrap[k] : NULL;
    if (w) {
        s->agents[a].state = ACD_AGENT_WRAP;
        acd_sim_push(s, s->now + acd_dist_sample(w, caller_rng(s, wb, 0)), EV_WRAP_END, a);
    } else {
        agent_done(s, a);
    }
}

/* The held agent of leg x leaves the call at time t (EV_HOLD_END). */
static void
hold_release_at(struct acd_sim *s, struct acd_call *x, double t)
{
    x->flags &= (uint8_t)~ACD_CALL_HELD;
    acd_sim_push(s, t, EV_HOLD_END, x->held);
}

/* The caller of a held leg is gone (abandoned, disconnected). */
static void
hold_release(struct acd_sim *s, struct acd_call *x)
{
    hold_release_at(s, x, s->now);
}

/* A second agent answers held leg x: the first leaves now (warm) or after
 * the conference, which the second agent's talk also includes; returns
 * its length. */
static double
hold_answered(struct acd_sim *s, struct acd_call *x)
{
    const struct acd_agent *ag = &s->agents[x->held];
    const struct acd_transfer *tr = &acd_state_ctype(s, ag->held_type)->transfers[ag->held_xfer];
    double conf_s = 0;
    if (tr->mode == ACD_TRANSFER_CONFERENCE)
        conf_s = caller_sample(s, x->issue, ACD_CALLER_CONFERENCE, &tr->conference);
    hold_release_at(s, x, s->now + conf_s);
    return conf_s;
}

static void
on_hold_end(struct acd_sim *s, uint32_t a)
{
    struct acd_agent *ag = &s->agents[a];
    uint32_t gi = ag->group;
    if (s->groups[gi].wrap)
        acd_state_touch_talk(s, gi);
    s->groups[gi].n_talk--;
    ag->held = false;
    wrap_or_done(s, a, ag->held_type, ag->held_wrap);
    after_close_check(s);
}

/* on_talk_end of a talk the agent ends with transfer tr. */
static void
talk_end_transfer(struct acd_sim *s, uint32_t a, uint32_t c, const struct acd_transfer *tr)
{
    struct acd_call *x = &s->calls[c];
    uint32_t k = x->type;
    uint64_t wb = wrap_base(s, a, x); /* the issue may end in transfer() */
    emit(s, x, ACD_OUT_ANSWERED, ACD_AFTER_TRANSFERRED, a, x->t_answer);
    if (transfer(s, a, c, tr))
        s->agents[a].held_wrap = wb; /* wraps up when the hold ends (on_hold_end) */
    else
        wrap_or_done(s, a, k, wb);
    after_close_check(s);
}

static void
on_talk_end(struct acd_sim *s, uint32_t a)
{
    struct acd_agent *ag = &s->agents[a];
    uint32_t gi = ag->group, c = ag->call;
    struct acd_group_rt *g = &s->groups[gi];
    struct acd_call *x = &s->calls[c];
    if (s->chat && s->chat[a].voice) {
        blend_talk_end(s, a);
    } else {
        if (g->wrap)
            acd_state_touch_talk(s, gi);
        g->n_talk--;
    }
    s->n_talk--;
    ag->call = ACD_NONE;
    const struct acd_transfer *tr;
    if (s->n_lanes > 1 && !(x->flags & ACD_CALL_XFER) && s->types[x->type].transfers &&
        (tr = transfer_draw(s, x)) != NULL) {
        talk_end_transfer(s, a, c, tr);
        return;
    }
    uint32_t k = x->type;
    const struct acd_dist *w = g->wrap ? g->wrap[k] : NULL;
    uint64_t wb = w ? caller_next(s, x->issue, ACD_CALLER_WRAP) : 0; /* before resolve ends it */
    enum acd_after after = resolve(s, a, c);
    emit(s, x, ACD_OUT_ANSWERED, after, a, x->t_answer);
    if (after == ACD_AFTER_ESCALATED) {
        /* Warm transfer: the customer waits again in the next tier's queue. */
        x->id = s->next_call_id++;
        x->source = ACD_SRC_ESCALATION;
        x->t_arrive = s->now;
        uint32_t qi = acd_state_queue_index(s, k, g->tier + 1);
        enqueue(s, c, qi, false);
        poke_queue(s, qi); /* an idle agent of the next tier takes it at once */
    } else {
        acd_state_call_free(s, c);
    }
    if (w) {
        ag->state = ACD_AGENT_WRAP;
        if (s->chat && s->chat[a].talk)
            ag->state = ACD_AGENT_TALK; /* blended: its chats talk on */
        acd_sim_push(s, s->now + acd_dist_sample(w, caller_rng(s, wb, 0)), EV_WRAP_END, a);
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
    acd_state_touch_staffed(s, gi);
    acd_state_break_count(s, gi, a, false);
    if (s->pulled && acd_sim_is_pulled(s, a)) { /* taken off during its break */
        ag->state = ACD_AGENT_OFF;
        return;
    }
    s->groups[gi].n_staffed++;
    agent_available(s, a);
}

/* An agent became available: take a waiting leg or go idle. */
static void
agent_available(struct acd_sim *s, uint32_t a)
{
    uint32_t c = s->route->pick_call(s, a);
    if (c == ACD_NONE) {
        acd_state_idle_push(s, &s->groups[s->agents[a].group], a);
        return;
    }
    take(s, a, c);
}

void
acd_sim_agent_available(struct acd_sim *s, uint32_t a)
{
    agent_available(s, a);
}

/* Log an agent on (staffed by count or by shift). */
void
acd_sim_log_on(struct acd_sim *s, uint32_t a)
{
    struct acd_agent *ag = &s->agents[a];
    acd_state_touch_staffed(s, ag->group);
    s->groups[ag->group].n_staffed++;
    agent_available(s, a);
}

/* Nobody waits (e-mails aside: the backlog) or talks. */
static bool
system_empty(const struct acd_sim *s)
{
    for (size_t q = 0; q < s->n_queues; q++)
        if (s->queues[q].len && !s->queues[q].email)
            return false;
    return s->n_talk == 0 && s->n_ringing == 0;
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
        ag->ev = acd_sim_push(s, sh->steps[ag->step].t_s, EV_PLAN, a);
    switch (st->kind) {
    case STEP_LOGON:
        if (ag->state == ACD_AGENT_OFF && !(s->closed && s->day && system_empty(s)) &&
            !(s->pulled && acd_sim_is_pulled(s, a)))
            acd_sim_log_on(s, a);
        break;
    case STEP_BREAK:
        if (ag->state == ACD_AGENT_IDLE) {
            acd_state_idle_remove(s, &s->groups[ag->group], a);
            ag->break_unpaid = st->unpaid;
            start_break(s, a, st->len_s);
        } else if (ag->state == ACD_AGENT_TALK || ag->state == ACD_AGENT_WRAP ||
                   ag->state == ACD_AGENT_RING) {
            ag->break_pending = true; /* after the call in hand */
            ag->break_len_s = st->len_s;
            ag->break_unpaid = st->unpaid;
        }
        break;
    case STEP_LOGOFF:
        if (s->closed && s->sc->close_policy == ACD_CLOSE_UNTIL_EMPTY && !system_empty(s))
            break; /* stays until the queue is empty (after_close_check) */
        if (ag->state == ACD_AGENT_IDLE) {
            acd_state_idle_remove(s, &s->groups[ag->group], a);
            acd_sim_log_off(s, a);
        } else if (ag->state == ACD_AGENT_BREAK) {
            acd_state_break_count(s, ag->group, a, false);
            ag->state = ACD_AGENT_OFF;
        } else if (ag->state != ACD_AGENT_OFF) {
            ag->leaving = true;
            ag->break_pending = false;
        }
        break;
    }
}

/* Between two days of a period: agent a's shift plan resumes at its next
 * logon (a later day's), the rest of today's plan dropped. */
static void
plan_next_day(struct acd_sim *s, uint32_t a)
{
    struct acd_agent *ag = &s->agents[a];
    if (ag->shift == ACD_NONE)
        return;
    const struct acd_shift_rt *sh = &s->shifts[ag->shift];
    while (ag->step < sh->n_steps &&
           !(sh->steps[ag->step].kind == STEP_LOGON && sh->steps[ag->step].t_s > s->now))
        ag->step++;
    if (ag->step < sh->n_steps)
        ag->ev = acd_sim_push(s, sh->steps[ag->step].t_s, EV_PLAN, a);
}

/* Every agent leaves (after the call in hand): the day is over (between
 * two days of a period: until its shift's next logon). */
static void
everyone_off(struct acd_sim *s)
{
    for (uint32_t a = 0; a < s->n_agents; a++) {
        struct acd_agent *ag = &s->agents[a];
        acd_sim_cancel(s, &ag->ev);
        if (s->night)
            plan_next_day(s, a);
        switch (ag->state) {
        case ACD_AGENT_IDLE:
            acd_state_idle_remove(s, &s->groups[ag->group], a);
            acd_sim_log_off(s, a);
            break;
        case ACD_AGENT_BREAK:
            acd_state_break_count(s, ag->group, a, false);
            ag->state = ACD_AGENT_OFF;
            break;
        case ACD_AGENT_TALK:
        case ACD_AGENT_WRAP:
        case ACD_AGENT_RING:
            ag->leaving = true;
            break;
        default:
            break;
        }
    }
    for (uint32_t g = 0; g < s->n_groups; g++)
        s->groups[g].n_target = 0;
}

/* The drain's agent-seconds so far: the scratch bin's integrals (brought
 * up to now by the caller) less what they held at closing. */
void
acd_sim_drain_measure(struct acd_sim *s)
{
    s->st.drain_s = s->now - s->horizon_end_s;
    for (uint32_t g = 0; g < s->n_groups; g++) {
        const struct acd_counts *c = acd_state_group_counts(s, (uint32_t)s->st.n_bins, g);
        s->st.drain_busy_s[g] = c->busy_agent_s - s->drain_base[2 * g];
        s->st.drain_staffed_s[g] = c->staffed_agent_s - s->drain_base[2 * g + 1];
    }
}

/* Closing (steady state: the end of the horizon): time integrals go to the
 * scratch bin from now on; remember what it held before (opening, warm-up). */
static void
drain_start(struct acd_sim *s)
{
    for (uint32_t g = 0; g < s->n_groups; g++) {
        const struct acd_counts *c = acd_state_group_counts(s, (uint32_t)s->st.n_bins, g);
        s->drain_base[2 * g] = c->busy_agent_s;
        s->drain_base[2 * g + 1] = c->staffed_agent_s;
    }
}

/* After closing, once nobody waits or talks, agents go home; once nobody
 * is busy either (wrap-up), the drain is over. */
static void
after_close_settle(struct acd_sim *s)
{
    if (s->n_talk != 0 || !system_empty(s))
        return;
    if (!s->drain_done && !s->night) { /* the drain measured is the last day's */
        bool busy = false;
        for (uint32_t g = 0; g < s->n_groups && !busy; g++)
            busy = s->groups[g].n_busy > 0;
        if (!busy) {
            acd_state_touch_all(s);
            acd_sim_drain_measure(s);
            s->drain_done = true;
        }
    }
    if (s->day)
        everyone_off(s);
}

void
acd_sim_disconnect_all(struct acd_sim *s)
{
    for (size_t qi = 0; qi < s->n_queues; qi++) {
        struct acd_queue *q = &s->queues[qi];
        if (q->email)
            continue; /* e-mails stay: the backlog */
        for (uint32_t c = q->head, next; c != ACD_NONE; c = next) {
            struct acd_call *x = &s->calls[c];
            next = x->next;
            bool placeholder = x->flags & ACD_CALL_PLACEHOLDER;
            if (placeholder && s->night)
                continue; /* a callback promised: made at the next opening */
            dequeue(s, c);
            if (!placeholder)
                issue_waited(s, x, s->now - x->t_queue, false);
            if (acd_state_is_offered(x) && !placeholder) {
                struct acd_counts *tc = acd_state_type_counts(s, x->bin, x->type);
                tc->disconnected++;
                tc->wait_sum_s += s->now - x->t_queue;
            }
            if (x->flags & ACD_CALL_HELD)
                hold_release(s, x);
            emit(s, x, ACD_OUT_DISCONNECTED, ACD_AFTER_NONE, ACD_NONE, s->now);
            issue_end(s, x->issue, false);
            acd_state_call_free(s, c);
        }
    }
}

/* E-mails waiting at closing (steady state: at the end of the horizon)
 * are the backlog at close, counted in the bin of their arrival; those
 * that have waited no longer than their type's threshold are not decided
 * yet (acd_counts.backlog_undecided). They stay in their queues. */
void
acd_sim_email_close(struct acd_sim *s)
{
    for (uint32_t k = 0; k < s->n_types; k++) {
        const struct acd_queue *q = &s->queues[acd_state_queue_index(s, k, 1)];
        if (!q->email)
            continue;
        for (uint32_t c = q->head; c != ACD_NONE; c = s->calls[c].next) {
            const struct acd_call *x = &s->calls[c];
            struct acd_counts *tc = acd_state_type_counts(s, x->bin, k);
            double age = s->now - x->t_queue;
            tc->backlog_close++;
            tc->backlog_undecided += age <= s->types[k].sl_threshold_s;
            tc->wait_sum_s += age;
        }
    }
}

/* Opening: e-mail type k's `backlog` joins its queue (their arrivals spread
 * over [since, open), each a fresh issue in the first interval's bin), and
 * the e-mails then waiting are counted as the backlog at open. Before
 * agents log on for the interval: those already idle take e-mails (oldest
 * first). */
void
acd_sim_email_open(struct acd_sim *s, bool inject)
{
    for (uint32_t k = 0; k < s->n_types; k++) {
        const struct acd_call_type *ct = acd_state_ctype(s, k);
        const struct acd_queue *q = &s->queues[acd_state_queue_index(s, k, 1)];
        if (!q->email)
            continue;
        unsigned n = inject ? ct->backlog_count : 0;
        acd_state_type_counts(s, s->call_bin, k)->backlog_open += q->len + n;
        double span = s->now - ct->backlog_since_s;
        for (unsigned j = 0; j < n; j++) {
            struct acd_type_rt *t = &s->types[k];
            uint32_t i = acd_state_issue_alloc(s);
            struct acd_issue *is = &s->issues[i];
            is->key = acd_crng_caller_key(t->caller_key, t->n_fresh++);
            is->t_first = ct->backlog_since_s + span * j / n;
            is->bin = s->call_bin;
            is->type = k;
            acd_state_type_counts(s, s->call_bin, k)->issues++;
            uint32_t c = acd_state_call_alloc(s);
            struct acd_call *x = &s->calls[c];
            x->t_arrive = x->t_queue = is->t_first;
            x->issue = i;
            x->type = k;
            x->bin = s->call_bin;
            x->iv = 0;
            x->source = ACD_SRC_FRESH;
            x->attempt = ++is->contacts;
            x->tier = 1;
            s->st.calls++;
            offer(s, c);
        }
    }
}

/* A period's day closes (not the last: that is the closing boundary): no
 * new calls; the close policy applies to the day as to a single day; the
 * center stays closed until the next day's opening (day_open). Retrials
 * and repeat calls due meanwhile come at the opening (call_again). With
 * `disconnect`, callbacks still queued are kept for the next opening. */
static void
day_close(struct acd_sim *s)
{
    s->time_bin = s->call_bin = (uint32_t)s->st.n_bins;
    s->closed = true;
    s->night = true;
    for (uint32_t k = 0; k < s->n_types; k++) {
        acd_sim_cancel(s, &s->types[k].arrival_ev);
        s->types[k].rate_per_s = 0; /* the opening draws afresh */
    }
    if (s->sc->close_policy == ACD_CLOSE_DISCONNECT) {
        acd_sim_disconnect_all(s);
        everyone_off(s);
    }
    after_close_check(s);
}

/* The next day opens (before its first interval's boundary applies the
 * plan): the center takes calls again. */
static void
day_open(struct acd_sim *s)
{
    s->cur_day++;
    s->night = false;
    s->closed = false;
    s->drain_done = false;
    s->busyness = s->day_busyness[s->cur_day];
}

static void
on_boundary(struct acd_sim *s, uint32_t b)
{
    acd_state_touch_all(s);
    uint32_t nb = (uint32_t)s->st.n_bins;
    if (b > nb) {
        day_close(s);
        return;
    }
    bool opening = b == 0;
    if (s->night && b == s->sc->days[s->cur_day + 1].first_interval) {
        day_open(s);
        opening = true;
    }
    s->next_boundary = b + 1;
    uint32_t bin = b < nb ? b : nb;
    s->time_bin = bin;
    s->call_bin = bin;
    if (bin < nb)
        acd_sim_bin_start(s, bin);
    if (!s->day) {
        if (b >= nb) {
            s->closed = true;
            drain_start(s);
            if (s->email)
                acd_sim_email_close(s);
            after_close_check(s);
        }
        return;
    }
    if (b < nb) {
        /* Each opening counts the e-mails waiting; the first also brings
         * the scenario's backlog (later days start from the last close's). */
        if (opening && s->email)
            acd_sim_email_open(s, b == 0);
        for (uint32_t k = 0; k < s->n_types; k++) {
            const struct acd_call_type *ct = acd_state_ctype(s, k);
            double plan = ct->calls_per_interval
                              ? ct->calls_per_interval[b] / s->sc->interval_s * s->busyness
                              : 0;
            s->types[k].plan_rate_per_s = plan;
            /* A Poisson process is memoryless: at an unchanged rate the
             * pending draw stands, including a draw at or after closing
             * (none pending). Redrawing only when none is pending would pick
             * which draws to keep by their value (too many calls late in the
             * day); a changed rate redraws from now. Factor 1: plan, exactly. */
            double r = plan * s->types[k].rate_factor;
            if (r != s->types[k].rate_per_s)
                acd_sim_set_rate(s, k, r);
        }
        for (uint32_t g = 0; g < s->n_groups; g++)
            if (s->sc->groups[g].n_shifts == 0) {
                s->groups[g].n_plan = acd_state_planned_agents(s, g, b);
                acd_sim_set_agents(s, g, acd_state_with_offset(s, g));
            } else if (s->roster_adjusted) {
                acd_sim_roster_offset(s, g);
            }
        return;
    }
    /* Closing time: no new calls. */
    s->closed = true;
    drain_start(s);
    if (s->email)
        acd_sim_email_close(s);
    for (uint32_t k = 0; k < s->n_types; k++)
        acd_sim_cancel(s, &s->types[k].arrival_ev);
    if (s->sc->close_policy == ACD_CLOSE_DISCONNECT) {
        acd_sim_disconnect_all(s);
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
        acd_sim_push(s, s->st.sample_t0_s + (k + 1) * s->st.sample_step_s, EV_SAMPLE, k + 1);
}

typedef void acd_sim_handler_fn(struct acd_sim *s, uint32_t obj);
acd_sim_handler_fn *const acd_sim_handlers[EV_KINDS] = {
    [EV_BOUNDARY] = on_boundary, [EV_TALK_END] = on_talk_end,   [EV_WRAP_END] = on_wrap_end,
    [EV_PLAN] = on_plan,         [EV_BREAK_END] = on_break_end, [EV_ABANDON] = on_abandon,
    [EV_TIMEOUT] = on_timeout,   [EV_VISIBLE] = on_visible,     [EV_RETRY] = on_retry,
    [EV_REPEAT] = on_repeat,     [EV_ARRIVAL] = on_arrival,     [EV_SAMPLE] = on_sample,
    [EV_HOLD_END] = on_hold_end, [EV_RING_END] = on_ring_end,   [EV_MOVE] = acd_sim_on_move,
    [EV_CHAT_END] = on_chat_end, [EV_CHAT_WRAP] = on_chat_wrap,
};
