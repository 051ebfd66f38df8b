/*
 * route: the routing policy table.
 *
 * longest_idle (the default): an arriving call goes to the agent idle the
 * longest among the groups with its skill; a freed agent takes the call
 * waiting the longest among its skills (FIFO within each call type). Ties
 * go to the group / skill listed first, so results are deterministic.
 */
#include "route.h"

#include <string.h>

static uint32_t
longest_idle_agent(const struct acd_sim *s, uint32_t k)
{
    const struct acd_type_rt *t = &s->types[k];
    uint32_t best = ACD_NONE;
    double best_t = 0;
    for (uint32_t i = 0; i < t->n_groups; i++) {
        const struct acd_group_rt *g = &s->groups[t->groups[i]];
        if (g->n_idle == 0)
            continue;
        uint32_t a = g->idle_head;
        if (best == ACD_NONE || s->agents[a].idle_since < best_t) {
            best = a;
            best_t = s->agents[a].idle_since;
        }
    }
    return best;
}

static uint32_t
oldest_call(const struct acd_sim *s, uint32_t a)
{
    const struct acd_group_rt *g = &s->groups[s->agents[a].group];
    uint32_t best = ACD_NONE;
    double best_t = 0;
    for (uint32_t i = 0; i < g->n_skills; i++) {
        const struct acd_queue *q = &s->types[g->skills[i]].q;
        if (q->len == 0)
            continue;
        uint32_t c = q->head;
        if (best == ACD_NONE || s->calls[c].t_queue < best_t) {
            best = c;
            best_t = s->calls[c].t_queue;
        }
    }
    return best;
}

static const struct acd_route_policy longest_idle = {
    .name = "longest_idle",
    .summary = "calls go to the longest-idle skilled agent; agents take the longest-waiting call",
    .pick_agent = longest_idle_agent,
    .pick_call = oldest_call,
};

const struct acd_route_policy *const acd_route_policies[] = {&longest_idle, NULL};

const struct acd_route_policy *
acd_route_find(const char *name)
{
    for (size_t i = 0; acd_route_policies[i]; i++)
        if (strcmp(acd_route_policies[i]->name, name) == 0)
            return acd_route_policies[i];
    return NULL;
}

const char *
acd_sim_policy_name(size_t i)
{
    for (size_t n = 0; acd_route_policies[n]; n++)
        if (n == i)
            return acd_route_policies[n]->name;
    return NULL;
}
