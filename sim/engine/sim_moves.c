/*
 * sim_moves: agents lent to another group for a time window
 * (agent_groups[].moves). At a move's start, `count` agents of group
 * `from` on duty then become members of group `to`: idle ones at once
 * (most recently idle first), then busy ones after the call in hand (as a
 * break waits for it), then agents on break (their break goes on in
 * `to`). Fewer on duty: those there are move, and the move notes the
 * rest as missing. While away an agent is `to`'s in every respect - its
 * idle list and routing, skills, tier, handle time and wrap-up overrides,
 * the group's time integrals, cost and roster - and neither group's
 * staffing plan logs it on or off: `from`'s count-staffed plan counts it
 * as present (one agent fewer to log on), `to`'s does not see it. A
 * shift-staffed agent keeps its own shift plan (breaks, log-off) wherever
 * it is; a move given in a shift (shifts[].moves) takes agents of that
 * shift only. At the end every moved agent goes back (a busy one after its
 * call in hand); one whose move had not happened yet stays.
 *
 * Without moves nothing here runs or allocates, and no move draws a
 * random number: the other figures of a run stay as they were.
 */
#include "sim_int.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A shift move's shift in s->shifts; ACD_NONE for a group's own move, and
 * for a shift the group no longer has (a staffing plan, acd_staff_plan,
 * replaced its shifts by counts: the move takes any of its agents). */
static uint32_t
shift_of(const struct acd_scenario *sc, uint32_t g, size_t first_shift, const struct acd_move *m)
{
    if (m->shift == SIZE_MAX || m->shift >= sc->groups[g].n_shifts)
        return ACD_NONE;
    return (uint32_t)(first_shift + m->shift);
}

/* A period (`days:`): move k's next occurrence starting after t - its
 * clock times on the first day whose opening hours hold them - into its
 * start_s/end_s, its start event pushed; false if no day is left. */
static bool
move_next_day(struct acd_sim *s, uint32_t k, double t)
{
    const struct acd_scenario *sc = s->sc;
    struct acd_move_rt *mv = &s->moves[k];
    for (size_t d = 0; d < sc->n_days; d++) {
        const struct acd_day *dy = &sc->days[d];
        double base = (double)(dy->date - sc->days[0].date) * 86400.0;
        double a = base + mv->clock_start_s, b = base + mv->clock_end_s;
        if (a <= t || a < dy->open_s || b > dy->close_s)
            continue;
        mv->start_s = a;
        mv->end_s = b;
        mv->phase = ACD_MOVE_WAITING;
        mv->moved = mv->missing = 0;
        mv->ev = acd_sim_push(s, a, EV_MOVE, k);
        return true;
    }
    return false;
}

void
acd_sim_moves_setup(struct acd_sim *s)
{
    const struct acd_scenario *sc = s->sc;
    size_t n = 0;
    for (size_t g = 0; g < s->n_groups; g++)
        n += sc->groups[g].n_moves;
    if (n == 0 || !s->day)
        return;
    s->moves = acd_xcalloc(n, sizeof(*s->moves));
    s->group_out = acd_xcalloc(s->n_groups, sizeof(*s->group_out));
    size_t cap = s->agents_cap ? s->agents_cap : 1;
    s->agent_mv = acd_xmalloc(cap * sizeof(*s->agent_mv));
    for (size_t a = 0; a < cap; a++)
        s->agent_mv[a] = (struct acd_agent_mv){ACD_NONE, ACD_MV_NONE};
    size_t first_shift = 0; /* the group's first shift in s->shifts (setup_staffing) */
    for (uint32_t g = 0; g < s->n_groups; first_shift += sc->groups[g++].n_shifts)
        for (size_t i = 0; i < sc->groups[g].n_moves; i++) {
            const struct acd_move *m = &sc->groups[g].moves[i];
            ACD_ASSERT(m->to < s->n_groups && m->to != g && m->count > 0);
            uint32_t k = (uint32_t)s->n_moves++;
            s->moves[k] = (struct acd_move_rt){
                .from = g,
                .to = (uint32_t)m->to,
                .shift = shift_of(sc, g, first_shift, m),
                .count = m->count,
                .start_s = m->start_s,
                .end_s = m->end_s,
                .phase = ACD_MOVE_WAITING,
                .clock_start_s = m->start_s,
                .clock_end_s = m->end_s,
            };
            if (sc->n_days) { /* a period: on every day whose hours hold it */
                if (!move_next_day(s, k, -(double)INFINITY))
                    s->moves[k].phase = ACD_MOVE_OVER;
                continue;
            }
            s->moves[k].ev = acd_sim_push(s, m->start_s, EV_MOVE, k);
        }
}

void
acd_sim_moves_free(struct acd_sim *s)
{
    free(s->moves);
    free(s->group_out);
    free(s->agent_mv);
}

/* Group gi's members stay in creation (index) order. */
static void
members_remove(struct acd_sim *s, uint32_t gi, uint32_t a)
{
    struct acd_group_rt *g = &s->groups[gi];
    uint32_t i = 0;
    while (i < g->n_members && g->members[i] != a)
        i++;
    ACD_ASSERT(i < g->n_members);
    memmove(&g->members[i], &g->members[i + 1], (g->n_members - i - 1) * sizeof(*g->members));
    g->n_members--;
}

static void
members_insert(struct acd_sim *s, uint32_t gi, uint32_t a)
{
    struct acd_group_rt *g = &s->groups[gi];
    size_t cap = g->members_cap;
    g->members = acd_xgrow(g->members, &g->members_cap, g->n_members + 1, sizeof(*g->members));
    if (g->idle_ix && g->members_cap != cap) /* idle agents are members: room for all */
        g->idle_ix = acd_xrealloc(g->idle_ix, g->members_cap * sizeof(*g->idle_ix));
    uint32_t i = g->n_members;
    while (i > 0 && g->members[i - 1] > a)
        i--;
    memmove(&g->members[i + 1], &g->members[i], (g->n_members - i) * sizeof(*g->members));
    g->members[i] = a;
    g->n_members++;
}

/* Agent a (in no idle list, not counted busy) becomes a member of group
 * `to`, with its staffed or break time. */
static void
regroup(struct acd_sim *s, uint32_t a, uint32_t to)
{
    struct acd_agent *ag = &s->agents[a];
    uint32_t from = ag->group;
    acd_state_touch_roster(s, from);
    acd_state_touch_roster(s, to);
    members_remove(s, from, a);
    members_insert(s, to, a);
    if (ag->state == ACD_AGENT_BREAK) {
        acd_state_break_count(s, from, a, false);
        acd_state_break_count(s, to, a, true);
    } else if (ag->state != ACD_AGENT_OFF) {
        acd_state_touch_staffed(s, from);
        acd_state_touch_staffed(s, to);
        s->groups[from].n_staffed--;
        s->groups[to].n_staffed++;
    }
    ag->group = to;
}

static bool
is_busy(const struct acd_agent *ag)
{
    return ag->state == ACD_AGENT_TALK || ag->state == ACD_AGENT_WRAP ||
           ag->state == ACD_AGENT_RING;
}

/* Agent a of move m goes to `to` now. */
static void
go_now(struct acd_sim *s, uint32_t a, uint32_t m)
{
    struct acd_move_rt *mv = &s->moves[m];
    bool idle = s->agents[a].state == ACD_AGENT_IDLE;
    if (idle)
        acd_state_idle_remove(s, &s->groups[mv->from], a);
    s->agent_mv[a] = (struct acd_agent_mv){m, ACD_MV_AWAY};
    regroup(s, a, mv->to);
    if (idle)
        acd_sim_agent_available(s, a);
}

/* Agent a, back home, no longer moved; the count-staffed plan of its
 * group applies to it again. */
static void
home_again(struct acd_sim *s, uint32_t a, uint32_t from)
{
    s->agent_mv[a] = (struct acd_agent_mv){ACD_NONE, ACD_MV_NONE};
    s->group_out[from]--;
}

/* May move mv take agent a (of its group)? */
static bool
takes(const struct acd_sim *s, const struct acd_move_rt *mv, uint32_t a)
{
    return acd_state_managed(s, a) && (mv->shift == ACD_NONE || s->agents[a].shift == mv->shift);
}

static void
move_start(struct acd_sim *s, uint32_t m)
{
    struct acd_move_rt *mv = &s->moves[m];
    struct acd_group_rt *g = &s->groups[mv->from];
    unsigned need = mv->count;
    /* Idle agents first, most recently idle first (as set_agents logs
     * them off): the longest idle stay to take the next call. */
    for (uint32_t a = g->idle_tail; need > 0 && a != ACD_NONE;) {
        uint32_t prev = s->agents[a].prev;
        if (takes(s, mv, a)) {
            s->group_out[mv->from]++;
            go_now(s, a, m);
            need--;
        }
        a = prev;
    }
    /* Then busy agents, after the call in hand (latest created first). */
    for (uint32_t i = g->n_members; need > 0 && i-- > 0;) {
        uint32_t a = g->members[i];
        struct acd_agent *ag = &s->agents[a];
        if (takes(s, mv, a) && (is_busy(ag) || ag->held) && !ag->leaving) {
            s->agent_mv[a] = (struct acd_agent_mv){m, ACD_MV_OUT_SOON};
            s->group_out[mv->from]++;
            s->n_mv_soon++;
            need--;
        }
    }
    /* Then agents on break (backwards: removing member i moves none
     * before it). */
    for (uint32_t i = g->n_members; need > 0 && i-- > 0;) {
        uint32_t a = g->members[i];
        if (takes(s, mv, a) && s->agents[a].state == ACD_AGENT_BREAK) {
            s->group_out[mv->from]++;
            go_now(s, a, m);
            need--;
        }
    }
    mv->moved = mv->count - need;
    mv->missing = need;
    s->st.moves_missing += need;
    mv->phase = ACD_MOVE_ON;
    mv->ev = acd_sim_push(s, mv->end_s, EV_MOVE, m);
}

static void
move_end(struct acd_sim *s, uint32_t m)
{
    struct acd_move_rt *mv = &s->moves[m];
    for (uint32_t a = 0; a < s->n_agents; a++) {
        struct acd_agent_mv *am = &s->agent_mv[a];
        if (am->move != m)
            continue;
        struct acd_agent *ag = &s->agents[a];
        if (am->state == ACD_MV_OUT_SOON) { /* still on its first call: it stays */
            s->n_mv_soon--;
            home_again(s, a, mv->from);
        } else if (is_busy(ag) || ag->held) {
            am->state = ACD_MV_BACK_SOON;
            s->n_mv_soon++;
        } else {
            bool idle = ag->state == ACD_AGENT_IDLE;
            if (idle)
                acd_state_idle_remove(s, &s->groups[mv->to], a);
            regroup(s, a, mv->from);
            home_again(s, a, mv->from);
            if (idle)
                acd_sim_agent_available(s, a);
        }
    }
    mv->phase = ACD_MOVE_OVER;
    if (s->sc->groups[mv->from].n_shifts == 0 && acd_sim_plan_active(s))
        acd_sim_set_agents(s, mv->from, acd_state_with_offset(s, mv->from));
    if (s->sc->n_days)
        move_next_day(s, m, s->now); /* a period: the next day's */
}

void
acd_sim_on_move(struct acd_sim *s, uint32_t m)
{
    struct acd_move_rt *mv = &s->moves[m];
    mv->ev = ACD_EVQ_NONE;
    if (mv->phase == ACD_MOVE_WAITING)
        move_start(s, m);
    else
        move_end(s, m);
}

void
acd_sim_move_settle(struct acd_sim *s, uint32_t a)
{
    struct acd_agent_mv *am = &s->agent_mv[a];
    const struct acd_move_rt *mv = &s->moves[am->move];
    s->n_mv_soon--;
    if (am->state == ACD_MV_OUT_SOON) {
        if (s->agents[a].leaving) { /* its shift is over: it goes home, not over */
            home_again(s, a, mv->from);
            return;
        }
        am->state = ACD_MV_AWAY;
        regroup(s, a, mv->to);
        return;
    }
    ACD_ASSERT(am->state == ACD_MV_BACK_SOON);
    uint32_t from = mv->from;
    regroup(s, a, from);
    home_again(s, a, from);
    /* Back in a count-staffed group: its plan again (this agent may be one
     * too many: then it leaves now, agent_done logs it off). */
    if (s->sc->groups[from].n_shifts == 0 && acd_sim_plan_active(s))
        acd_sim_set_agents(s, from, acd_state_with_offset(s, from));
}
