/*
 * state: the parts of the model state's helpers that are not on every
 * event's path (state.h has the inline ones): all time integrals at once,
 * the assist thresholds the routing policies ask about, the agent pool and
 * the staffing plan of count-staffed groups.
 */
#include "state.h"
#include "util.h"

#include <string.h>

void
acd_state_touch_all(struct acd_sim *s)
{
    for (uint32_t k = 0; k < s->n_types; k++)
        acd_state_touch_waiting(s, k);
    for (uint32_t g = 0; g < s->n_groups; g++) {
        acd_state_touch_busy(s, g);
        acd_state_touch_talk(s, g);
        if (s->ring_rt)
            acd_state_touch_ring(s, g);
        acd_state_touch_staffed(s, g);
        acd_state_touch_break(s, g);
        acd_state_touch_unpaid(s, g);
        acd_state_touch_roster(s, g);
    }
}

bool
acd_state_assist_ok(const struct acd_sim *s, uint32_t g, const struct acd_queue *q, unsigned extra)
{
    const struct acd_agent_group *ag = &s->sc->groups[g];
    if (ag->assist_by_len && q->len + extra > ag->assist_queue_len)
        return true;
    if (ag->assist_by_wait && q->len > 0 && s->now - s->calls[q->head].t_queue > ag->assist_wait_s)
        return true;
    return false;
}

uint32_t
acd_state_agent_new(struct acd_sim *s, uint32_t gi, uint32_t shift)
{
    size_t acap = s->agents_cap;
    s->agents = acd_xgrow(s->agents, &s->agents_cap, s->n_agents + 1, sizeof(*s->agents));
    if (s->idle_pos && s->agents_cap != acap)
        s->idle_pos = acd_xrealloc(s->idle_pos, s->agents_cap * sizeof(*s->idle_pos));
    if (s->agent_mv && s->agents_cap != acap)
        s->agent_mv = acd_xrealloc(s->agent_mv, s->agents_cap * sizeof(*s->agent_mv));
    if (s->chat && s->agents_cap != acap)
        s->chat = acd_xrealloc(s->chat, s->agents_cap * sizeof(*s->chat));
    uint32_t a = (uint32_t)s->n_agents++;
    memset(&s->agents[a], 0, sizeof(s->agents[a]));
    s->agents[a].group = gi;
    s->agents[a].state = ACD_AGENT_OFF;
    s->agents[a].call = ACD_NONE;
    s->agents[a].shift = shift;
    s->agents[a].ev = ACD_EVQ_NONE;
    if (s->agent_mv)
        s->agent_mv[a] = (struct acd_agent_mv){ACD_NONE, ACD_MV_NONE};
    if (s->chat)
        s->chat[a] = (struct acd_agent_chat){0, 0, ACD_BLEND_NONE};
    struct acd_group_rt *g = &s->groups[gi];
    acd_state_touch_roster(s, gi);
    size_t cap = g->members_cap;
    g->members = acd_xgrow(g->members, &g->members_cap, g->n_members + 1, sizeof(*g->members));
    if (g->idle_ix && g->members_cap != cap) /* idle agents are members: room for all */
        g->idle_ix = acd_xrealloc(g->idle_ix, g->members_cap * sizeof(*g->idle_ix));
    g->members[g->n_members++] = a;
    return a;
}

/* Count-staffed groups: the roster's first n agents are scheduled; each is
 * absent for the day with the group's absenteeism (drawn once per
 * replication), so interval staffing counts the present ones. */
unsigned
acd_state_planned_agents(const struct acd_sim *s, uint32_t g, size_t b)
{
    const struct acd_agent_group *ag = &s->sc->groups[g];
    const struct acd_group_rt *gr = &s->groups[g];
    unsigned n = ag->agents_by_interval ? ag->agents_by_interval[b] : ag->agents;
    if (!gr->present_upto)
        return n;
    return gr->present_upto[n < gr->roster ? n : gr->roster];
}

/* The plan's staffing of group g now, with the interventions on top. */
unsigned
acd_state_with_offset(const struct acd_sim *s, uint32_t g)
{
    long n = (long)s->groups[g].n_plan + s->groups[g].agent_offset;
    return n > 0 ? (unsigned)n : 0;
}
