/*
 * sim_verify: acd_sim_verify, the simulator's invariant checker (libev's
 * verify_heap, evq's acd_evq_verify, for the whole model state). It walks
 * every list and pool once and recounts what the counters claim, so it is
 * O(agents + calls + issues + pending events): for tests and the
 * `invariants` build (sim.c runs it after every event), never on the
 * release path. It only reads the state.
 *
 * Invariants, as they hold between events (handlers break them while they
 * run):
 *   - each group's idle list is a well-linked list of n_idle agents of the
 *     group, all idle, in order of becoming idle; its idle array, if kept,
 *     holds n_idle idle agents of the group, each at its idle_pos, so
 *     distinct (with the by-state count below: the same set); the group's
 *     members are the agents whose group it is, each once; the state counts (idle,
 *     talk, wrap, break) match the agents' records, busy = talk + wrap,
 *     staffed = idle + busy, and busy + idle + break <= members;
 *   - an agent holds a call exactly when talking, unless held: kept on a
 *     warm transfer or conference, talking with no call in hand, while its
 *     leg waits flagged ACD_CALL_HELD or its EV_HOLD_END is pending (one of
 *     the two); leaving / break_pending only while busy; its shift-plan
 *     event is pending and its own;
 *   - chat: an agent holding chats holds no voice call but, in a
 *     blending group, one it took while holding chats (a chat never
 *     reaches an agent on a voice call), at most ACD_MAX_CONCURRENCY
 *     chats, talks while one of them (or its call) talks and wraps up
 *     otherwise; the chats talking are n_chats (in n_talk, one pending
 *     chat end each), each chat in wrap-up has its wrap-up end pending;
 *   - each queue's list has `len` legs of its call type and tier, linked
 *     both ways, in joining order; the legs waiting (placeholders excluded)
 *     add up to each type's n_waiting and to the total;
 *   - every live leg is either in a queue or in an agent's hands: the call
 *     pool's free list holds the rest; every live issue has one live leg or
 *     one pending retrial / repeat call: the issue pool's free list holds
 *     the rest;
 *   - the event heap is ordered (acd_evq_verify), nothing is scheduled
 *     before now, and every pending event points at an object that points
 *     back at it (talk end -> talking agent, abandon -> the leg's
 *     ev_abandon, arrival -> the type's arrival_ev...);
 *   - e-mail (verify_email): e-mails wait only in e-mail queues, flagged,
 *     with no timer, counted in n_email_waiting and not in n_waiting;
 *     per e-mail type, counted over the bins so far: offered = answered +
 *     waiting now (no other outcome), and once closed the e-mails waiting
 *     are the backlog at close; at every answer of an e-mail, no call or
 *     chat its agent's group may take waits (acd_sim_verify_email_answer);
 *   - moves (verify_moves): a moved agent is a member of the group its
 *     move's phase says, busy while about to move; the counts of agents
 *     out and about to move match the records.
 */
#include "route.h"
#include "sim_int.h"
#include "util.h"

#include <stddef.h>

/* A located failure naming the invariant, then the expression. */
#define VERIFY(x, what)                                                                            \
    ((x) ? (void)0 : acd_assert_fail(__FILE__, __LINE__, __func__, what ": " #x))

/* Pending events by kind, and a check that each points back at its
 * object. */
static void
verify_events(const struct acd_sim *s, size_t by_kind[EV_KINDS])
{
    const struct acd_evq *q = &s->evq;
    VERIFY(acd_evq_verify(q), "event heap order and back-indices");
    VERIFY(q->n <= q->n_used && q->n_used <= q->cap, "event pool sizes");
    VERIFY(q->n == 0 || q->heap[0].t >= s->now, "no event before now");
    /* Every pending event, in the heap or the calendar (evq.c): by slot. */
    size_t pending = 0;
    for (uint32_t id = 0; id < q->n_used; id++) {
        if (!acd_evq_is_pending(q, id))
            continue;
        pending++;
        const struct acd_evq_slot *e = &q->slot[id];
        VERIFY(e->kind < EV_KINDS, "event kind");
        by_kind[e->kind]++;
        switch (e->kind) {
        case EV_TALK_END:
            VERIFY(e->obj < s->n_agents && s->agents[e->obj].state == ACD_AGENT_TALK,
                   "talk end of a talking agent");
            break;
        case EV_WRAP_END:
            VERIFY(e->obj < s->n_agents && (s->agents[e->obj].state == ACD_AGENT_WRAP ||
                                            (s->chat && s->chat[e->obj].voice == ACD_BLEND_WRAP)),
                   "wrap-up end of an agent in wrap-up");
            break;
        case EV_PLAN:
            VERIFY(e->obj < s->n_agents && s->agents[e->obj].ev == id,
                   "shift-plan event is its agent's");
            break;
        case EV_BREAK_END:
            VERIFY(e->obj < s->n_agents, "break end of an agent");
            break;
        case EV_ABANDON:
            VERIFY(e->obj < s->n_calls_used && s->calls[e->obj].ev_abandon == id &&
                       (s->calls[e->obj].queue != ACD_NONE ||
                        (s->calls[e->obj].flags & ACD_CALL_RINGING)),
                   "abandon event is its waiting leg's");
            break;
        case EV_RING_END:
            VERIFY(e->obj < s->n_agents && s->agents[e->obj].state == ACD_AGENT_RING &&
                       s->agents[e->obj].call < s->n_calls_used &&
                       s->calls[s->agents[e->obj].call].ev_ring == id,
                   "ring end of a ringing agent");
            break;
        case EV_TIMEOUT:
            VERIFY(e->obj < s->n_calls_used && s->calls[e->obj].ev_timeout == id &&
                       s->calls[e->obj].queue != ACD_NONE,
                   "timeout event is its waiting leg's");
            break;
        case EV_VISIBLE:
            VERIFY(e->obj < s->n_calls_used && s->calls[e->obj].ev_visible == id &&
                       s->calls[e->obj].queue != ACD_NONE,
                   "visibility event is its waiting leg's");
            break;
        case EV_RETRY:
        case EV_REPEAT:
            VERIFY(e->obj < s->n_issues_used, "retrial / repeat of an issue");
            break;
        case EV_ARRIVAL:
            VERIFY(e->obj < s->n_types && s->types[e->obj].arrival_ev == id,
                   "arrival event is its call type's");
            break;
        case EV_BOUNDARY:
            VERIFY(e->obj <= s->st.n_bins ||
                       (s->sc->n_days && e->obj < s->st.n_bins + s->sc->n_days),
                   "boundary of a bin (or a period's day closing)");
            break;
        case EV_SAMPLE:
            VERIFY(e->obj < s->st.n_samples, "sample index");
            break;
        case EV_HOLD_END:
            VERIFY(e->obj < s->n_agents && s->agents[e->obj].held &&
                       s->agents[e->obj].state == ACD_AGENT_TALK,
                   "hold end of a held agent");
            break;
        case EV_CHAT_END:
            VERIFY(e->obj < s->n_calls_used && s->chat && s->calls[e->obj].agent < s->n_agents &&
                       s->calls[e->obj].queue == ACD_NONE &&
                       s->chat[s->calls[e->obj].agent].talk > 0,
                   "chat end of a chat in talk at an agent holding chats");
            break;
        case EV_CHAT_WRAP:
            VERIFY(e->obj < s->n_agents && s->chat && s->chat[e->obj].n > s->chat[e->obj].talk,
                   "chat wrap-up end of an agent with a chat in wrap-up");
            break;
        case EV_MOVE:
            VERIFY(e->obj < s->n_moves && s->moves[e->obj].ev == id &&
                       s->moves[e->obj].phase != ACD_MOVE_OVER,
                   "move event is its move's start or end");
            break;
        }
    }
    VERIFY(pending == q->n, "pending events = queue length");
}

/* Handles held by the state, to match against the pending events by kind
 * (each pending event points back at its holder: verify_events). */
struct handles {
    size_t plan, abandon, timeout, visible, ring;
    size_t held_agents, held_legs;
    /* Chat: agents holding chats talking / all in wrap-up; chats talking;
     * chats in wrap-up. */
    size_t chat_talk_agents, chat_wrap_agents, chats_talk, chats_wrap;
    size_t blend_wrap; /* blended voice calls in wrap-up (their wrap-up end pending) */
};

static void
verify_group(const struct acd_sim *s, uint32_t gi, size_t *n_members, struct handles *h)
{
    const struct acd_group_rt *g = &s->groups[gi];
    /* The idle list, both ways, in order of becoming idle. */
    uint32_t n = 0, prev = ACD_NONE;
    for (uint32_t a = g->idle_head; a != ACD_NONE; a = s->agents[a].next) {
        VERIFY(a < s->n_agents && n < g->n_idle, "idle list length = n_idle");
        const struct acd_agent *ag = &s->agents[a];
        VERIFY(ag->group == gi && ag->state == ACD_AGENT_IDLE,
               "idle list holds idle agents of its group");
        VERIFY(ag->prev == prev, "idle list back links");
        VERIFY(prev == ACD_NONE || s->agents[prev].idle_since <= ag->idle_since,
               "idle list in order of becoming idle");
        prev = a;
        n++;
    }
    VERIFY(n == g->n_idle, "idle list length = n_idle");
    VERIFY(g->idle_tail == prev, "idle list tail");
    /* The idle array (random selection), if kept: the same agents, each
     * at the index its idle_pos says, within the members' room. */
    if (g->idle_ix) {
        VERIFY(g->n_idle <= g->members_cap, "idle array within its room");
        for (uint32_t i = 0; i < g->n_idle; i++) {
            uint32_t a = g->idle_ix[i];
            VERIFY(a < s->n_agents, "idle array entry is an agent");
            VERIFY(s->agents[a].group == gi && s->agents[a].state == ACD_AGENT_IDLE,
                   "idle array holds idle agents of its group");
            VERIFY(s->idle_pos[a] == i, "idle array back-pointer");
        }
    }

    /* Members: the group's agents, each once (agents are created in index
     * order, so the list is increasing), and the counts by state. */
    uint32_t by_state[ACD_AGENT_STATES] = {0}, unpaid = 0;
    for (uint32_t i = 0; i < g->n_members; i++) {
        uint32_t a = g->members[i];
        VERIFY(a < s->n_agents && (i == 0 || g->members[i - 1] < a),
               "members listed once, in creation order");
        const struct acd_agent *ag = &s->agents[a];
        VERIFY(ag->group == gi && ag->state < ACD_AGENT_STATES, "members are agents of the group");
        by_state[ag->state]++;
        unpaid += ag->state == ACD_AGENT_BREAK && ag->break_unpaid;
        h->plan += ag->ev != ACD_EVQ_NONE;
        VERIFY(!ag->held || ag->state == ACD_AGENT_TALK, "a held agent is talking");
        const struct acd_agent_chat *ch = s->chat ? &s->chat[a] : NULL;
        if (ch && (ch->n > 0 || ch->voice != ACD_BLEND_NONE)) {
            /* A voice call reaches an agent holding chats only in a
             * blending group, and a chat never an agent on a voice call. */
            VERIFY(!ag->held && ch->talk <= ch->n && ch->n <= ACD_MAX_CONCURRENCY,
                   "an agent holding chats holds at most the concurrency");
            VERIFY((ag->call != ACD_NONE) == (ch->voice == ACD_BLEND_TALK),
                   "an agent holding chats holds no voice call, but a blended one in talk");
            VERIFY(ch->voice == ACD_BLEND_NONE || s->sc->groups[gi].blending,
                   "a voice call reaches an agent holding chats only in a blending group");
            bool talking = ch->talk > 0 || ch->voice == ACD_BLEND_TALK;
            VERIFY(ag->state == (talking ? ACD_AGENT_TALK : ACD_AGENT_WRAP),
                   "an agent holding chats talks while one of them (or its call) talks, else "
                   "wraps up");
            h->chat_talk_agents += talking && ch->voice != ACD_BLEND_TALK;
            h->chat_wrap_agents += !talking;
            h->blend_wrap += ch->voice == ACD_BLEND_WRAP;
            h->chats_talk += ch->talk;
            h->chats_wrap += (size_t)(ch->n - ch->talk);
        } else if (ag->held) {
            VERIFY(ag->call == ACD_NONE && ag->held_type < s->n_types &&
                       ag->held_xfer < s->sc->call_types[ag->held_type].n_transfers,
                   "a held agent has no call in hand, and its transfer");
            h->held_agents++;
        } else if (ag->state == ACD_AGENT_TALK) {
            VERIFY(ag->call < s->n_calls_used, "an agent holds a call exactly while talking");
            const struct acd_call *x = &s->calls[ag->call];
            VERIFY(x->queue == ACD_NONE && x->ev_abandon == ACD_EVQ_NONE &&
                       x->ev_timeout == ACD_EVQ_NONE && x->ev_visible == ACD_EVQ_NONE &&
                       !(x->flags & ACD_CALL_RINGING),
                   "a call in hand is in no queue and has no waiting timers");
        } else if (ag->state == ACD_AGENT_RING) {
            VERIFY(ag->call < s->n_calls_used, "a ringing agent holds its call");
            const struct acd_call *x = &s->calls[ag->call];
            VERIFY((x->flags & ACD_CALL_RINGING) && x->agent == a && x->queue == ACD_NONE &&
                       x->ev_timeout == ACD_EVQ_NONE && x->ev_visible == ACD_EVQ_NONE,
                   "a ringing call is in no queue, rings at its agent, keeps only its patience");
            VERIFY(x->ev_ring != ACD_EVQ_NONE, "a ringing agent has its ring end pending");
            VERIFY(x->t_queue <= s->now && x->issue < s->n_issues_used, "a ringing leg's times");
            h->abandon += x->ev_abandon != ACD_EVQ_NONE;
            h->ring++;
        } else {
            VERIFY(ag->call == ACD_NONE, "an agent holds a call exactly while talking or ringing");
            VERIFY(ag->state == ACD_AGENT_WRAP || (!ag->leaving && !ag->break_pending),
                   "leaving / break pending only while busy");
        }
        VERIFY(ag->shift == ACD_NONE ||
                   (ag->shift < s->n_shifts && ag->step <= s->shifts[ag->shift].n_steps),
               "an agent's shift and plan step");
    }
    *n_members += g->n_members;
    VERIFY(by_state[ACD_AGENT_IDLE] == g->n_idle, "idle agents = n_idle");
    VERIFY(by_state[ACD_AGENT_TALK] == g->n_talk, "talking agents = n_talk");
    uint32_t n_ring = s->ring_rt ? s->ring_rt[gi].n_ring : 0;
    VERIFY(by_state[ACD_AGENT_RING] == n_ring, "ringing agents = n_ring");
    VERIFY(!s->ring_rt || s->ring_rt[gi].ring_last_t <= s->now, "time integrals not ahead of now");
    VERIFY(by_state[ACD_AGENT_TALK] + by_state[ACD_AGENT_WRAP] + by_state[ACD_AGENT_RING] ==
               g->n_busy,
           "ringing + talk + wrap-up agents = n_busy");
    VERIFY(g->n_idle + g->n_busy == g->n_staffed, "idle + busy = n_staffed");
    VERIFY(by_state[ACD_AGENT_BREAK] == g->n_break, "agents on break = n_break");
    VERIFY(unpaid == g->n_unpaid, "agents on an unpaid break = n_unpaid");
    VERIFY(g->n_busy + g->n_idle + g->n_break <= g->n_members, "busy + idle + break <= members");
    VERIFY(g->busy_last_t <= s->now && g->talk_last_t <= s->now && g->staffed_last_t <= s->now &&
               g->break_last_t <= s->now && g->roster_last_t <= s->now &&
               g->unpaid_last_t <= s->now,
           "time integrals not ahead of now");
}

/* One queue's list, both ways, in joining order; returns the legs waiting
 * in it (placeholders excluded). */
static uint32_t
verify_queue(const struct acd_sim *s, uint32_t qi, struct handles *h)
{
    const struct acd_queue *q = &s->queues[qi];
    VERIFY(q->type < s->n_types && q->lane < s->n_lanes &&
               qi == acd_state_lane_queue(s, q->lane, q->type, q->tier),
           "queue index = (lane, type, tier)");
    uint32_t n = 0, waiting = 0, prev = ACD_NONE;
    for (uint32_t c = q->head; c != ACD_NONE; c = s->calls[c].next) {
        VERIFY(c < s->n_calls_used && n < q->len, "queue list length = len");
        const struct acd_call *x = &s->calls[c];
        VERIFY(x->queue == qi && x->type == q->type && x->tier == q->tier,
               "a waiting leg is of its queue's type and tier");
        VERIFY(x->prev == prev, "queue back links");
        VERIFY(prev == ACD_NONE || s->calls[prev].t_queue <= x->t_queue, "queue in joining order");
        VERIFY(x->t_queue <= s->now && x->issue < s->n_issues_used, "a waiting leg's times, issue");
        bool placeholder = x->flags & ACD_CALL_PLACEHOLDER;
        VERIFY(!placeholder || (x->ev_abandon == ACD_EVQ_NONE && x->ev_timeout == ACD_EVQ_NONE),
               "a callback placeholder neither abandons nor times out");
        h->abandon += x->ev_abandon != ACD_EVQ_NONE;
        h->timeout += x->ev_timeout != ACD_EVQ_NONE;
        h->visible += x->ev_visible != ACD_EVQ_NONE;
        VERIFY((x->source == ACD_SRC_AGENT_TRANSFER) == (q->lane > 0),
               "transferred legs wait in transfer queues, only they");
        if (x->flags & ACD_CALL_HELD) {
            VERIFY(x->held < s->n_agents && s->agents[x->held].held,
                   "a held leg's first agent is held");
            h->held_legs++;
        }
        waiting += !placeholder;
        prev = c;
        n++;
    }
    VERIFY(n == q->len, "queue list length = len");
    VERIFY(q->tail == prev, "queue tail");
    return waiting;
}

/* E-mail: where e-mails wait, and conservation per e-mail type over the
 * bins started so far and the scratch bin. */
static void
verify_email(const struct acd_sim *s)
{
    uint32_t waiting = 0;
    size_t nb = s->st.n_bins;
    size_t started = !s->day ? nb : s->next_boundary < nb ? s->next_boundary : nb;
    for (uint32_t qi = 0; qi < s->n_queues; qi++) {
        const struct acd_queue *q = &s->queues[qi];
        VERIFY(q->email == (s->sc->call_types[q->type].channel == ACD_CHANNEL_EMAIL),
               "e-mail queues are the e-mail types'");
        for (uint32_t c = q->head; c != ACD_NONE; c = s->calls[c].next) {
            const struct acd_call *x = &s->calls[c];
            VERIFY(((x->flags & ACD_CALL_EMAIL) != 0) == q->email,
                   "e-mails, only they, wait in e-mail queues");
            VERIFY(!q->email || (x->ev_abandon == ACD_EVQ_NONE && x->ev_timeout == ACD_EVQ_NONE &&
                                 x->tier == 1 && q->lane == 0),
                   "an e-mail waits in its type's first queue, with no timer");
            waiting += q->email;
        }
    }
    VERIFY(waiting == s->n_email_waiting, "e-mails in e-mail queues = n_email_waiting");
    if (!s->email)
        return;
    for (uint32_t k = 0; k < s->n_types; k++) {
        if (s->sc->call_types[k].channel != ACD_CHANNEL_EMAIL)
            continue;
        struct acd_counts sum = {0};
        for (size_t b = 0; b <= nb; b++)
            if (b < started || b == nb)
                acd_stats_counts_add(&sum, &s->st.type_counts[b * s->n_types + k]);
        double now_waiting = s->types[k].n_waiting;
        VERIFY(sum.abandoned == 0 && sum.blocked == 0 && sum.balked == 0 && sum.timed_out == 0 &&
                   sum.callback_requested == 0 && sum.disconnected == 0,
               "an e-mail is never abandoned, blocked, balked, timed out or disconnected");
        VERIFY(sum.offered == sum.answered + now_waiting,
               "e-mails: offered = answered + waiting (conservation)");
        /* The backlog at close is counted at the last closing (a period's
         * nights carry e-mails to the next opening uncounted). */
        VERIFY(!s->closed || s->night || sum.backlog_close == now_waiting,
               "e-mails waiting after closing = the backlog at close");
    }
}

/* Moves: each pending move has its event; a moved agent is where its
 * move's phase says - about to go (busy, in `from`), away (in `to`) or
 * about to come back (busy, in `to`); the groups' counts of agents out
 * and the count of agents about to move match the agents' records. */
static void
verify_moves(const struct acd_sim *s, const size_t by_kind[EV_KINDS])
{
    size_t pending = 0;
    for (size_t m = 0; m < s->n_moves; m++) {
        const struct acd_move_rt *mv = &s->moves[m];
        VERIFY(mv->from < s->n_groups && mv->to < s->n_groups && mv->from != mv->to,
               "a move's groups");
        VERIFY((mv->phase == ACD_MOVE_OVER) == (mv->ev == ACD_EVQ_NONE),
               "a move's start or end pending until it is over");
        VERIFY(mv->moved + mv->missing == (mv->phase == ACD_MOVE_WAITING ? 0 : mv->count),
               "a move took its count, less the agents missing");
        pending += mv->ev != ACD_EVQ_NONE;
    }
    VERIFY(by_kind[EV_MOVE] == pending, "pending move events = moves not over");
    if (!s->agent_mv) {
        VERIFY(s->n_mv_soon == 0 && !s->group_out, "no moved agents without moves");
        return;
    }
    uint32_t soon = 0;
    for (uint32_t g = 0; g < s->n_groups; g++) {
        uint32_t out = 0;
        for (uint32_t a = 0; a < s->n_agents; a++)
            out += s->agent_mv[a].move != ACD_NONE && s->moves[s->agent_mv[a].move].from == g;
        VERIFY(out == s->group_out[g], "a group's agents out = its agents moved or about to go");
    }
    for (uint32_t a = 0; a < s->n_agents; a++) {
        const struct acd_agent_mv *am = &s->agent_mv[a];
        const struct acd_agent *ag = &s->agents[a];
        VERIFY((am->move == ACD_NONE) == (am->state == ACD_MV_NONE), "a moved agent's move");
        if (am->move == ACD_NONE)
            continue;
        VERIFY(am->move < s->n_moves, "a moved agent's move");
        const struct acd_move_rt *mv = &s->moves[am->move];
        bool busy = ag->state == ACD_AGENT_TALK || ag->state == ACD_AGENT_WRAP ||
                    ag->state == ACD_AGENT_RING;
        switch (am->state) {
        case ACD_MV_OUT_SOON:
            VERIFY(mv->phase == ACD_MOVE_ON && ag->group == mv->from && busy,
                   "an agent about to move is busy in its group, its move on");
            soon++;
            break;
        case ACD_MV_AWAY:
            VERIFY(mv->phase == ACD_MOVE_ON && ag->group == mv->to,
                   "a moved agent is a member of the group it moved to");
            break;
        case ACD_MV_BACK_SOON:
            /* (a period's move may be waiting for its next day's occurrence) */
            VERIFY((mv->phase == ACD_MOVE_OVER || s->sc->n_days > 0) && ag->group == mv->to && busy,
                   "an agent about to come back is busy where it moved, its move over");
            soon++;
            break;
        default:
            VERIFY(false, "a moved agent's state");
        }
    }
    VERIFY(soon == s->n_mv_soon, "agents about to move = n_mv_soon");
}

/* Length of a free list threaded through `next` (stride bytes apart),
 * checking that it stays inside the pool and ends. */
static uint32_t
free_list_len(const void *base, size_t stride, size_t next_offset, uint32_t head, uint32_t used)
{
    uint32_t n = 0;
    for (uint32_t i = head; i != ACD_NONE; n++) {
        VERIFY(i < used && n < used, "a free list stays in its pool and ends");
        const char *rec = (const char *)base + (size_t)i * stride;
        i = *(const uint32_t *)(const void *)(rec + next_offset);
    }
    return n;
}

int
acd_sim_verify(const struct acd_sim *s)
{
    size_t by_kind[EV_KINDS] = {0};
    verify_events(s, by_kind);

    struct handles h = {0};
    size_t n_members = 0;
    uint32_t n_talk = 0, n_wrap = 0, n_break = 0;
    for (uint32_t gi = 0; gi < s->n_groups; gi++) {
        verify_group(s, gi, &n_members, &h);
        n_talk += s->groups[gi].n_talk;
        n_wrap +=
            s->groups[gi].n_busy - s->groups[gi].n_talk - (s->ring_rt ? s->ring_rt[gi].n_ring : 0);
        n_break += s->groups[gi].n_break;
    }
    VERIFY(n_members == s->n_agents, "every agent is a member of one group");
    size_t n_held = h.held_agents;
    VERIFY(h.chats_talk == s->n_chats && by_kind[EV_CHAT_END] == s->n_chats &&
               by_kind[EV_CHAT_WRAP] == h.chats_wrap,
           "chats talking = n_chats = pending chat ends; one wrap-up end per chat in wrap-up");
    VERIFY(n_talk - h.chat_talk_agents == s->n_talk - s->n_chats + n_held,
           "sum of groups' n_talk = n_talk + held agents (agents holding chats: once)");
    n_talk = s->n_talk; /* legs in hand: voice calls and chats */
    VERIFY(by_kind[EV_TALK_END] == n_talk - s->n_chats, "one talk end pending per talking agent");
    VERIFY(by_kind[EV_WRAP_END] == n_wrap - h.chat_wrap_agents + h.blend_wrap,
           "one wrap-up end pending per agent in wrap-up");
    VERIFY(by_kind[EV_BREAK_END] >= n_break, "a break end pending per agent on break");
    VERIFY(h.ring == s->n_ringing && by_kind[EV_RING_END] == h.ring,
           "ringing agents = n_ringing = pending ring ends");

    uint32_t total = 0, legs = 0, arrivals = 0;
    for (uint32_t k = 0; k < s->n_types; k++) {
        const struct acd_type_rt *t = &s->types[k];
        uint32_t waiting = 0;
        for (unsigned tier = 1; tier <= s->n_tiers; tier++)
            for (unsigned lane = 0; lane < s->n_lanes; lane++) {
                uint32_t qi = acd_state_lane_queue(s, lane, k, tier);
                waiting += verify_queue(s, qi, &h);
                legs += s->queues[qi].len;
            }
        if (s->n_ringing) /* ringing legs wait too (a warm transfer's still holds its agent) */
            for (uint32_t a = 0; a < s->n_agents; a++) {
                const struct acd_agent *ag = &s->agents[a];
                if (ag->state != ACD_AGENT_RING || s->calls[ag->call].type != k)
                    continue;
                waiting++;
                h.held_legs += (s->calls[ag->call].flags & ACD_CALL_HELD) != 0;
            }
        VERIFY(waiting == t->n_waiting,
               "legs waiting in a type's queues or ringing = its n_waiting");
        VERIFY(t->q_last_t <= s->now, "time integrals not ahead of now");
        VERIFY(t->rate_per_s >= 0, "arrival rate >= 0");
        arrivals += t->arrival_ev != ACD_EVQ_NONE;
        total += waiting;
    }
    VERIFY(total == s->n_waiting + s->n_email_waiting,
           "sum of types' n_waiting = n_waiting + n_email_waiting");
    VERIFY(by_kind[EV_PLAN] == h.plan, "agents' shift-plan handles = pending plan events");
    verify_moves(s, by_kind);
    verify_email(s);
    VERIFY(by_kind[EV_ABANDON] == h.abandon && by_kind[EV_TIMEOUT] == h.timeout &&
               by_kind[EV_VISIBLE] == h.visible,
           "waiting legs' timer handles = pending timers");
    VERIFY(by_kind[EV_ARRIVAL] == arrivals, "one arrival pending per type with an arrival_ev");
    VERIFY(h.held_legs + by_kind[EV_HOLD_END] == n_held,
           "each held agent: its leg waits, or its hold end is pending");
    VERIFY(!s->closed || arrivals == 0, "no arrival after closing");
    VERIFY(!s->night || (s->closed && s->cur_day + 1 < s->sc->n_days),
           "closed between two days of a period");

    uint32_t calls_free =
        free_list_len(s->calls, sizeof(*s->calls), offsetof(struct acd_call, next), s->call_free,
                      s->n_calls_used);
    VERIFY(calls_free + legs + n_talk + s->n_ringing == s->n_calls_used,
           "call pool: free + waiting + in hand = used");
    VERIFY(s->n_calls_used <= s->calls_cap, "call pool size");
    uint32_t issues_free =
        free_list_len(s->issues, sizeof(*s->issues), offsetof(struct acd_issue, next),
                      s->issue_free, s->n_issues_used);
    VERIFY(issues_free + legs + n_talk + s->n_ringing + by_kind[EV_RETRY] + by_kind[EV_REPEAT] ==
               s->n_issues_used,
           "issue pool: free + with a live leg + awaiting a call = used");
    VERIFY(s->n_issues_used <= s->issues_cap, "issue pool size");
    VERIFY(s->n_agents <= s->agents_cap, "agent pool size");
    VERIFY(!s->done || s->overloaded || acd_evq_len(&s->evq) == 0, "nothing pending once done");
    VERIFY(s->call_bin <= s->st.n_bins && s->time_bin <= s->st.n_bins, "current bins");
    return 0;
}

void
acd_sim_verify_email_answer(const struct acd_sim *s, uint32_t a)
{
    const struct acd_group_rt *g = &s->groups[s->agents[a].group];
    if (g->assist || s->route->uses_overflow)
        return; /* a waiting call may not be visible to it yet */
    for (uint32_t i = 0; i < g->n_queues; i++) {
        const struct acd_queue *q = &s->queues[g->queues[i].queue];
        VERIFY(q->email || q->len == 0, "an agent takes an e-mail only when no call it may take "
                                        "waits (e-mail is below calls and chats)");
    }
}
