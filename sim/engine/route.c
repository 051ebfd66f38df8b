/*
 * route: the routing policy table.
 *
 * Every policy answers the same two questions (route.h). Eligibility is
 * common to all: a group may serve a queue if it has the call type as a
 * skill and its tier is at least the queue's tier; an assist-only group
 * only while its thresholds are exceeded. Policies differ in preference:
 *
 *   longest_idle    agent idle the longest; call waiting the longest
 *   random          a uniformly chosen idle agent; call waiting the longest
 *   skill_priority  agents whose skill level for the call is best, then
 *                   longest idle; agents take their best-level calls first
 *   overflow        primary groups (skill level 1) see a call at once,
 *                   others only once it has waited the type's overflow delay
 *   priority_score  calls by priority + wait_bonus * wait, then waiting time
 *   ordered_fifo    the first group of the call type's list with an idle
 *                   agent (its longest idle); the call waiting the longest
 *                   across the agent's queues, ties to its first listed skill
 *
 * A call type may choose agents its own way (agent_selection: the table at
 * the end); agents still take calls by the center policy.
 * Ties go to the group / queue listed first, so results are deterministic.
 */
#include "route.h"
#include "util.h"

#include <string.h>

/* May group g (skill level `level`) take a leg of q that has waited wait_s? */
static inline bool
eligible(const struct acd_sim *s, uint32_t g, uint32_t level, const struct acd_queue *q,
         double wait_s, unsigned extra, bool overflow)
{
    if (overflow && level > 1 && wait_s < s->sc->call_types[q->type].overflow_delay_s)
        return false;
    return !s->groups[g].assist || acd_state_assist_ok(s, g, q, extra);
}

static inline double
leg_wait(const struct acd_sim *s, uint32_t c)
{
    return s->now - s->calls[c].t_queue;
}

/* --- agents for a leg --------------------------------------------------- */

/* The eligible idle agent with the best (level if by_level, then idle
 * time). */
static uint32_t
best_idle(const struct acd_sim *s, uint32_t c, uint32_t qi, unsigned extra, bool by_level,
          bool overflow)
{
    const struct acd_queue *q = &s->queues[qi];
    bool check = overflow || q->has_assist; /* else every group may take it */
    double wait_s = extra || !check ? 0 : leg_wait(s, c);
    uint32_t best = ACD_NONE, best_level = 0;
    double best_t = 0;
    for (uint32_t i = 0; i < q->n_groups; i++) {
        uint32_t g = q->groups[i];
        if (s->groups[g].n_idle == 0 ||
            (check && !eligible(s, g, q->levels[i], q, wait_s, extra, overflow)))
            continue;
        uint32_t a = s->groups[g].idle_head;
        double t = s->agents[a].idle_since;
        if (best == ACD_NONE || (by_level && q->levels[i] < best_level) ||
            ((!by_level || q->levels[i] == best_level) && t < best_t)) {
            best = a;
            best_t = t;
            best_level = q->levels[i];
        }
    }
    return best;
}

static uint32_t
agent_longest_idle(const struct acd_sim *s, uint32_t c, uint32_t q, unsigned extra)
{
    return best_idle(s, c, q, extra, false, false);
}

static uint32_t
agent_skill_priority(const struct acd_sim *s, uint32_t c, uint32_t q, unsigned extra)
{
    return best_idle(s, c, q, extra, true, false);
}

static uint32_t
agent_overflow(const struct acd_sim *s, uint32_t c, uint32_t q, unsigned extra)
{
    return best_idle(s, c, q, extra, false, true);
}

/* A uniformly chosen eligible idle agent: one draw over the eligible groups'
 * idle counts, then that group's idle array (idle_ix, kept for every group
 * of a queue that selects at random). O(groups of the queue), like
 * best_idle, whatever the number of agents. */
static uint32_t
pick_random(const struct acd_sim *s, uint32_t c, uint32_t qi, unsigned extra, bool overflow)
{
    const struct acd_queue *q = &s->queues[qi];
    double wait_s = extra ? 0 : leg_wait(s, c);
    unsigned long n = 0;
    for (uint32_t i = 0; i < q->n_groups; i++) {
        uint32_t g = q->groups[i];
        if (eligible(s, g, q->levels[i], q, wait_s, extra, overflow))
            n += s->groups[g].n_idle;
    }
    if (n == 0)
        return ACD_NONE;
    unsigned long k = gsl_rng_uniform_int(s->r_routing, n);
    for (uint32_t i = 0; i < q->n_groups; i++) {
        uint32_t g = q->groups[i];
        if (!eligible(s, g, q->levels[i], q, wait_s, extra, overflow))
            continue;
        if (k >= s->groups[g].n_idle) {
            k -= s->groups[g].n_idle;
            continue;
        }
        ACD_ASSERT(s->groups[g].idle_ix != NULL);
        return s->groups[g].idle_ix[k];
    }
    ACD_ASSERT(!"unreachable: idle count changed while choosing");
    return ACD_NONE;
}

static uint32_t
agent_random(const struct acd_sim *s, uint32_t c, uint32_t qi, unsigned extra)
{
    return pick_random(s, c, qi, extra, false);
}

/* The longest-idle agent of the first group, in the queue's group order
 * (the call type's `groups`), that has an eligible idle agent. */
static uint32_t
pick_ordered(const struct acd_sim *s, uint32_t c, uint32_t qi, unsigned extra, bool overflow)
{
    const struct acd_queue *q = &s->queues[qi];
    bool check = overflow || q->has_assist;
    double wait_s = extra || !check ? 0 : leg_wait(s, c);
    for (uint32_t i = 0; i < q->n_groups; i++) {
        uint32_t g = q->groups[i];
        if (s->groups[g].n_idle == 0 ||
            (check && !eligible(s, g, q->levels[i], q, wait_s, extra, overflow)))
            continue;
        return s->groups[g].idle_head;
    }
    return ACD_NONE;
}

static uint32_t
agent_ordered(const struct acd_sim *s, uint32_t c, uint32_t q, unsigned extra)
{
    return pick_ordered(s, c, q, extra, false);
}

/* Per-call-type agent selection (call_types[].agent_selection): the same
 * choices, keeping the center policy's overflow visibility. */
static uint32_t
sel_longest_idle(const struct acd_sim *s, uint32_t c, uint32_t q, unsigned extra)
{
    return best_idle(s, c, q, extra, false, s->route->uses_overflow);
}

static uint32_t
sel_skill_priority(const struct acd_sim *s, uint32_t c, uint32_t q, unsigned extra)
{
    return best_idle(s, c, q, extra, true, s->route->uses_overflow);
}

static uint32_t
sel_random(const struct acd_sim *s, uint32_t c, uint32_t q, unsigned extra)
{
    return pick_random(s, c, q, extra, s->route->uses_overflow);
}

static uint32_t
sel_ordered(const struct acd_sim *s, uint32_t c, uint32_t q, unsigned extra)
{
    return pick_ordered(s, c, q, extra, s->route->uses_overflow);
}

/* --- legs for an agent -------------------------------------------------- */

enum call_order { BY_WAIT, BY_LEVEL, BY_SCORE };

/* E-mail (queue q->email): the head of q if group gi may take it and it
 * waited longer than `mail` (the oldest so far, or ACD_NONE); whatever the
 * policy, an agent takes the oldest e-mail it may, and only when no call
 * or chat it may take waits (best_leg). After closing (steady state: the
 * end of the horizon) e-mails are the backlog: nobody takes them. */
static uint32_t
oldest_email(const struct acd_sim *s, uint32_t gi, uint32_t level, const struct acd_queue *q,
             uint32_t mail, bool check, bool overflow)
{
    uint32_t c = q->head;
    double t = s->calls[c].t_queue;
    if (s->closed || (check && !eligible(s, gi, level, q, s->now - t, 0, overflow)))
        return mail;
    return mail == ACD_NONE || t < s->calls[mail].t_queue ? c : mail;
}

static uint32_t
best_leg(const struct acd_sim *s, uint32_t a, enum call_order order, bool overflow)
{
    uint32_t gi = s->agents[a].group;
    const struct acd_group_rt *g = &s->groups[gi];
    bool check = overflow || g->assist; /* else every queue of the group is open to it */
    uint32_t best = ACD_NONE, best_level = 0, mail = ACD_NONE;
    double best_t = 0, best_score = 0;
    for (uint32_t i = 0; i < g->n_queues; i++) {
        const struct acd_queue *q = &s->queues[g->queues[i].queue];
        if (q->len == 0)
            continue;
        uint32_t level = g->queues[i].level;
        if (q->email) { /* below every call or chat: kept aside */
            mail = oldest_email(s, gi, level, q, mail, check, overflow);
            continue;
        }
        if (order == BY_LEVEL && best != ACD_NONE && level > best_level)
            break;            /* queues are sorted by level: a better one was found */
        uint32_t c = q->head; /* the longest-waiting leg of its queue */
        double t = s->calls[c].t_queue;
        if (check && !eligible(s, gi, level, q, s->now - t, 0, overflow))
            continue;
        double score = 0;
        if (order == BY_SCORE)
            score = q->priority + s->sc->call_types[q->type].wait_bonus_per_s * (s->now - t);
        bool better;
        if (best == ACD_NONE)
            better = true;
        else if (order == BY_SCORE && score != best_score)
            better = score > best_score;
        else
            better = t < best_t;
        if (better) {
            best = c;
            best_t = t;
            best_level = level;
            best_score = score;
        }
    }
    return best != ACD_NONE ? best : mail;
}

static uint32_t
call_oldest(const struct acd_sim *s, uint32_t a)
{
    return best_leg(s, a, BY_WAIT, false);
}

static uint32_t
call_by_level(const struct acd_sim *s, uint32_t a)
{
    return best_leg(s, a, BY_LEVEL, false);
}

static uint32_t
call_overflow(const struct acd_sim *s, uint32_t a)
{
    return best_leg(s, a, BY_WAIT, true);
}

static uint32_t
call_by_score(const struct acd_sim *s, uint32_t a)
{
    return best_leg(s, a, BY_SCORE, false);
}

/* --- chat --------------------------------------------------------------- */

uint32_t
acd_route_chat_leg(const struct acd_sim *s, uint32_t a)
{
    uint32_t gi = s->agents[a].group;
    const struct acd_group_rt *g = &s->groups[gi];
    bool overflow = s->route->uses_overflow, check = overflow || g->assist;
    unsigned held = s->chat[a].n;
    uint32_t best = ACD_NONE;
    double best_t = 0;
    for (uint32_t i = 0; i < g->n_queues; i++) {
        const struct acd_queue *q = &s->queues[g->queues[i].queue];
        if (q->len == 0 || held >= s->types[q->type].concurrency) /* 0: not a chat */
            continue;
        uint32_t c = q->head;
        double t = s->calls[c].t_queue;
        if (check && !eligible(s, gi, g->queues[i].level, q, s->now - t, 0, overflow))
            continue;
        if (best == ACD_NONE || t < best_t) {
            best = c;
            best_t = t;
        }
    }
    return best;
}

/* Among the agents of q's eligible groups (only groups with `blending`
 * when blending_only) who hold chats and may take more, the one holding
 * the fewest, fewer than best_n; ties: the first group listed, then the
 * first member. ACD_NONE if none. */
static uint32_t
fewest_chats(const struct acd_sim *s, uint32_t c, const struct acd_queue *q, unsigned extra,
             bool blending_only, unsigned best_n)
{
    bool overflow = s->route->uses_overflow, check = overflow || q->has_assist;
    double wait_s = extra || !check ? 0 : leg_wait(s, c);
    uint32_t best = ACD_NONE;
    for (uint32_t i = 0; i < q->n_groups && best_n > 1; i++) {
        uint32_t gi = q->groups[i];
        const struct acd_group_rt *g = &s->groups[gi];
        if ((blending_only && !s->sc->groups[gi].blending) || g->n_busy == 0 ||
            (check && !eligible(s, gi, q->levels[i], q, wait_s, extra, overflow)))
            continue;
        for (uint32_t m = 0; m < g->n_members && best_n > 1; m++) {
            uint32_t a = g->members[m];
            unsigned n = s->chat[a].n;
            if (n == 0 || n >= best_n || s->agents[a].group != gi || !acd_state_chat_open(s, a))
                continue;
            best = a;
            best_n = n;
        }
    }
    return best;
}

uint32_t
acd_route_chat_agent(const struct acd_sim *s, uint32_t c, uint32_t qi, unsigned extra)
{
    const struct acd_queue *q = &s->queues[qi];
    /* Take fewer chats than the type's concurrency. */
    return fewest_chats(s, c, q, extra, false, s->types[q->type].concurrency);
}

/* May a voice call of type k go to an agent holding chats (blending)? Not
 * with a ring time or transfers (the blended path does neither). */
static inline bool
blendable(const struct acd_sim *s, uint32_t k)
{
    const struct acd_type_rt *t = &s->types[k];
    return s->sc->call_types[k].channel == ACD_CHANNEL_VOICE && !t->ring && !t->transfers;
}

uint32_t
acd_route_blend_agent(const struct acd_sim *s, uint32_t c, uint32_t qi, unsigned extra)
{
    const struct acd_queue *q = &s->queues[qi];
    if (q->lane != 0 || !blendable(s, q->type))
        return ACD_NONE;
    return fewest_chats(s, c, q, extra, true, ACD_MAX_CONCURRENCY + 1);
}

uint32_t
acd_route_blend_leg(const struct acd_sim *s, uint32_t a)
{
    uint32_t gi = s->agents[a].group;
    const struct acd_group_rt *g = &s->groups[gi];
    if (!s->sc->groups[gi].blending)
        return ACD_NONE;
    bool overflow = s->route->uses_overflow, check = overflow || g->assist;
    uint32_t best = ACD_NONE;
    double best_t = 0;
    for (uint32_t i = 0; i < g->n_queues; i++) {
        const struct acd_queue *q = &s->queues[g->queues[i].queue];
        if (q->len == 0 || q->lane != 0 || !blendable(s, q->type))
            continue;
        uint32_t c = q->head;
        if (s->calls[c].flags & ACD_CALL_PLACEHOLDER)
            continue; /* a callback to dial: left to agents free of chats */
        double t = s->calls[c].t_queue;
        if (check && !eligible(s, gi, g->queues[i].level, q, s->now - t, 0, overflow))
            continue;
        if (best == ACD_NONE || t < best_t) {
            best = c;
            best_t = t;
        }
    }
    return best;
}

static const struct acd_route_policy longest_idle = {
    .name = "longest_idle",
    .summary = "calls go to the longest-idle skilled agent; agents take the longest-waiting call",
    .pick_agent = agent_longest_idle,
    .pick_call = call_oldest,
};
static const struct acd_route_policy random_ = {
    .name = "random",
    .summary = "calls go to a uniformly chosen idle skilled agent",
    .pick_agent = agent_random,
    .pick_call = call_oldest,
    .uses_random = true,
};
static const struct acd_route_policy skill_priority = {
    .name = "skill_priority",
    .summary = "agents prefer their primary skill; calls prefer agents for whom it is primary",
    .pick_agent = agent_skill_priority,
    .pick_call = call_by_level,
};
static const struct acd_route_policy overflow = {
    .name = "overflow",
    .summary = "secondary groups see a call only after the call type's overflow delay",
    .pick_agent = agent_overflow,
    .pick_call = call_overflow,
    .uses_overflow = true,
};
static const struct acd_route_policy ordered_fifo = {
    .name = "ordered_fifo",
    .summary = "calls go to the first group of the call type's list with an idle agent; agents "
               "take the longest-waiting call of all their queues",
    .pick_agent = agent_ordered,
    .pick_call = call_oldest,
    .listed_order = true,
};
static const struct acd_route_policy priority_score = {
    .name = "priority_score",
    .summary = "agents take the call with the highest priority + wait bonus x wait",
    .pick_agent = agent_longest_idle,
    .pick_call = call_by_score,
};

const struct acd_route_policy *const acd_route_policies[] = {
    &longest_idle, &random_, &skill_priority, &overflow, &priority_score, &ordered_fifo, NULL,
};

const struct acd_route_policy *
acd_route_find(const char *name)
{
    for (size_t i = 0; acd_route_policies[i]; i++)
        if (strcmp(acd_route_policies[i]->name, name) == 0)
            return acd_route_policies[i];
    return NULL;
}

const char *
acd_route_policy_name(size_t i)
{
    for (size_t n = 0; acd_route_policies[n]; n++)
        if (n == i)
            return acd_route_policies[n]->name;
    return NULL;
}

/* --- per-call-type agent selection -------------------------------------- */

static const struct acd_route_selection selections[] = {
    {"longest_idle", "the agent idle longest among the call type's groups", sel_longest_idle,
     false},
    {"random", "an idle agent chosen uniformly at random", sel_random, true},
    {"ordered", "the longest-idle agent of the first group in the call type's list with one",
     sel_ordered, false},
    {"skill_priority", "agents with the best skill level, then longest idle", sel_skill_priority,
     false},
};

const struct acd_route_selection *
acd_route_find_selection(const char *name)
{
    for (size_t i = 0; i < ACD_ARRAY_LEN(selections); i++)
        if (strcmp(selections[i].name, name) == 0)
            return &selections[i];
    return NULL;
}

const char *
acd_route_selection_name(size_t i)
{
    return i < ACD_ARRAY_LEN(selections) ? selections[i].name : NULL;
}
