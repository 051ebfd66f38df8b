/*
 * route: routing policies as a table of named entries (tmux cmd_entry
 * style). A policy answers two questions: which idle agent takes a call
 * leg, and which waiting leg an agent who becomes free takes. Adding a
 * policy is one new entry in route.c. Policies read the model state
 * (state.h), never the simulator that runs it (sim*.c).
 */
#ifndef ACDSIM_ROUTE_H
#define ACDSIM_ROUTE_H

#include "state.h"

struct acd_route_policy {
    const char *name;
    const char *summary;
    /* An idle agent that may take leg c of queue q now, or ACD_NONE. With
     * extra = 1 the leg is arriving (not yet in q, wait 0). Does not change
     * state: the caller takes the agent off the idle list. */
    uint32_t (*pick_agent)(const struct acd_sim *s, uint32_t c, uint32_t q, unsigned extra);
    /* The waiting leg agent a takes next, or ACD_NONE. Does not change
     * state. */
    uint32_t (*pick_call)(const struct acd_sim *s, uint32_t a);
    /* Legs become visible to more agents as they wait (overflow delays):
     * the engine re-offers them when a delay passes. */
    bool uses_overflow;
    /* pick_agent draws uniformly among idle agents: groups keep idle_ix. */
    bool uses_random;
    /* A group's queues stay in the order its skills are listed (ties of
     * pick_call go to the first listed), not sorted by skill level. */
    bool listed_order;
};

/* A call type's own way of choosing an idle agent for its arriving calls
 * (call_types[].agent_selection), overriding the policy's pick_agent. */
struct acd_route_selection {
    const char *name;
    const char *summary;
    uint32_t (*pick_agent)(const struct acd_sim *s, uint32_t c, uint32_t q, unsigned extra);
    bool uses_random; /* groups keep idle_ix */
};

/* Chat (channel chat; s->chat set). Whatever the policy:
 *  - acd_route_chat_leg: the waiting chat agent a, which holds chats,
 *    takes in a free slot: the longest-waiting eligible leg of its group's
 *    chat queues whose call type allows more chats than a holds
 *    (concurrency), or ACD_NONE;
 *  - acd_route_chat_agent: for chat leg c of queue q when no idle agent
 *    may take it (the policy's pick_agent first: an idle agent holds the
 *    fewest chats, none), the eligible agent holding the fewest chats,
 *    fewer than the call type's concurrency, and open to more
 *    (acd_state_chat_open); ties to the group listed first for the queue,
 *    then the agent created first. `extra` as in pick_agent.
 * Blending (s->blend; groups with blending: true), for voice call types
 * without ring time or transfers:
 *  - acd_route_blend_agent: for voice leg c of queue q when no idle agent
 *    may take it, the eligible agent of a blending group holding the
 *    fewest chats (one at least) and open to more (not on a voice call),
 *    ties as above; ACD_NONE otherwise;
 *  - acd_route_blend_leg: the voice leg agent a (holding chats, of a
 *    blending group) takes before filling a chat slot: the longest-waiting
 *    eligible leg of its group's voice queues (callback placeholders
 *    aside), or ACD_NONE.
 * None of them changes state. */
uint32_t acd_route_chat_leg(const struct acd_sim *s, uint32_t a);
uint32_t acd_route_chat_agent(const struct acd_sim *s, uint32_t c, uint32_t q, unsigned extra);
uint32_t acd_route_blend_agent(const struct acd_sim *s, uint32_t c, uint32_t q, unsigned extra);
uint32_t acd_route_blend_leg(const struct acd_sim *s, uint32_t a);

/* NULL-terminated table. */
extern const struct acd_route_policy *const acd_route_policies[];
/* The policy called `name`, or NULL. */
const struct acd_route_policy *acd_route_find(const char *name);
/* Name of the i-th policy of the table, NULL past the last (the table
 * behind acd_sim_policy_name). */
const char *acd_route_policy_name(size_t i);
/* The agent selection called `name`, or NULL; the i-th one's name, NULL
 * past the last (behind acd_sim_selection_name). */
const struct acd_route_selection *acd_route_find_selection(const char *name);
const char *acd_route_selection_name(size_t i);

#endif
