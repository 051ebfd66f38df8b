/*
 * sim: the step API of sim.h - one replication's lifecycle (new / free),
 * stepping (run, run_until, run_before, step), interventions (set_agents,
 * set_rate, adjust_agents, set_rate_factor), its statistics, the snapshot
 * and the name tables.
 *
 * The model itself is elsewhere in the module (sim_int.h): the event
 * handlers in sim_events.c, the state with its pools and lists in state.h.
 * The event loop here pops an event and calls its handler; with the meson
 * option `invariants` (ACD_INVARIANTS) it also runs acd_sim_verify after
 * every event, and the loop is otherwise the same.
 */
#include "rng.h"
#include "route.h"
#include "sim_int.h"
#include "util.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* --- interventions ------------------------------------------------------ */

int
acd_sim_set_agents(struct acd_sim *s, size_t gi, unsigned n)
{
    if (gi >= s->n_groups)
        return -1;
    struct acd_group_rt *g = &s->groups[gi];
    g->n_target = n;
    /* Agents moved out (or about to go) count for the plan; agents moved
     * in, and those about to go, are not its to log on or off
     * (acd_state_managed). */
    uint32_t out = s->group_out ? s->group_out[gi] : 0;
    n = n > out ? n - out : 0;
    /* Agents logged on (or on break) and not leaving. */
    uint32_t active = 0;
    for (uint32_t i = 0; i < g->n_members; i++) {
        uint32_t a = g->members[i];
        struct acd_agent *ag = &s->agents[a];
        if (ag->state != ACD_AGENT_OFF && !ag->leaving && acd_state_managed(s, a))
            active++;
    }
    /* Too many: idle agents leave at once (most recently idle first), busy
     * ones after their call. */
    for (uint32_t a = g->idle_tail; active > n && a != ACD_NONE;) {
        uint32_t prev = s->agents[a].prev;
        if (acd_state_managed(s, a)) {
            acd_state_idle_remove(s, g, a);
            acd_sim_log_off(s, a);
            active--;
        }
        a = prev;
    }
    for (uint32_t i = g->n_members; active > n && i-- > 0;) {
        struct acd_agent *ag = &s->agents[g->members[i]];
        if ((ag->state == ACD_AGENT_TALK || ag->state == ACD_AGENT_WRAP ||
             ag->state == ACD_AGENT_RING) &&
            !ag->leaving && acd_state_managed(s, g->members[i])) {
            ag->leaving = true;
            active--;
        }
    }
    /* Too few: first keep agents who were about to leave, then log on. */
    for (uint32_t i = 0; active < n && i < g->n_members; i++) {
        struct acd_agent *ag = &s->agents[g->members[i]];
        if (ag->state != ACD_AGENT_OFF && ag->leaving && acd_state_managed(s, g->members[i])) {
            ag->leaving = false;
            active++;
        }
    }
    for (uint32_t i = 0; active < n; i++) {
        uint32_t a = ACD_NONE;
        for (; i < g->n_members; i++)
            if (s->agents[g->members[i]].state == ACD_AGENT_OFF &&
                s->agents[g->members[i]].shift == ACD_NONE && acd_state_managed(s, g->members[i])) {
                a = g->members[i];
                break;
            }
        if (a == ACD_NONE)
            a = acd_state_agent_new(s, (uint32_t)gi, ACD_NONE);
        active++;
        acd_sim_log_on(s, a);
    }
    return 0;
}

int
acd_sim_set_rate(struct acd_sim *s, size_t k, double rate_per_s)
{
    if (k >= s->n_types || !(rate_per_s >= 0) || !isfinite(rate_per_s))
        return -1;
    struct acd_type_rt *t = &s->types[k];
    acd_sim_cancel(s, &t->arrival_ev);
    t->rate_per_s = rate_per_s;
    acd_sim_schedule_arrival(s, (uint32_t)k);
    return 0;
}

/* Is the plan in force now, and not about to be re-applied by a boundary
 * at this very instant? Then an intervention applies at once; otherwise
 * the next boundary applies it. */
bool
acd_sim_plan_active(const struct acd_sim *s)
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

/* --- offsets on shift-staffed groups ------------------------------------- */

static bool
is_pulled(const struct acd_sim *s, uint32_t a)
{
    return a < s->n_pulled && s->pulled[a];
}

/* Does agent a's shift plan have it on the phones (or on break) now? */
static bool
shift_on(const struct acd_sim *s, uint32_t a)
{
    const struct acd_agent *ag = &s->agents[a];
    if (ag->shift == ACD_NONE || ag->step == 0)
        return false;
    return s->shifts[ag->shift].steps[ag->step - 1].kind != STEP_LOGOFF;
}

/* Extra agents (staffed by count) of shift-staffed group gi: `want` of
 * them on the phones; as set_agents: idle ones leave first, busy ones
 * after their call. */
static void
roster_extras(struct acd_sim *s, uint32_t gi, unsigned want)
{
    struct acd_group_rt *g = &s->groups[gi];
    unsigned active = 0;
    for (uint32_t i = 0; i < g->n_members; i++) {
        uint32_t a = g->members[i];
        const struct acd_agent *ag = &s->agents[a];
        if (ag->shift == ACD_NONE && ag->state != ACD_AGENT_OFF && !ag->leaving &&
            acd_state_managed(s, a))
            active++;
    }
    for (uint32_t a = g->idle_tail; active > want && a != ACD_NONE;) {
        uint32_t prev = s->agents[a].prev;
        if (s->agents[a].shift == ACD_NONE && acd_state_managed(s, a)) {
            acd_state_idle_remove(s, g, a);
            acd_sim_log_off(s, a);
            active--;
        }
        a = prev;
    }
    for (uint32_t i = g->n_members; active > want && i-- > 0;) {
        struct acd_agent *ag = &s->agents[g->members[i]];
        if (ag->shift == ACD_NONE && ag->state != ACD_AGENT_OFF && ag->state != ACD_AGENT_IDLE &&
            !ag->leaving && acd_state_managed(s, g->members[i])) {
            ag->leaving = true;
            active--;
        }
    }
    for (uint32_t i = 0; active < want && i < g->n_members; i++) {
        struct acd_agent *ag = &s->agents[g->members[i]];
        if (ag->shift == ACD_NONE && ag->state != ACD_AGENT_OFF && ag->leaving &&
            acd_state_managed(s, g->members[i])) {
            ag->leaving = false;
            active++;
        }
    }
    for (uint32_t i = 0; active < want; i++) {
        uint32_t a = ACD_NONE;
        for (; i < g->n_members; i++)
            if (s->agents[g->members[i]].state == ACD_AGENT_OFF &&
                s->agents[g->members[i]].shift == ACD_NONE && acd_state_managed(s, g->members[i])) {
                a = g->members[i];
                break;
            }
        if (a == ACD_NONE)
            a = acd_state_agent_new(s, gi, ACD_NONE);
        active++;
        acd_sim_log_on(s, a);
    }
}

/* Take shift agent a off the phones (idle: now; busy: after its call; on
 * break: at the break's end) or give it back to its shift plan. */
static void
pull(struct acd_sim *s, uint32_t a, bool off)
{
    struct acd_agent *ag = &s->agents[a];
    s->pulled[a] = off;
    if (off) {
        if (ag->state == ACD_AGENT_IDLE) {
            acd_state_idle_remove(s, &s->groups[ag->group], a);
            acd_sim_log_off(s, a);
        } else if (ag->state != ACD_AGENT_OFF && ag->state != ACD_AGENT_BREAK) {
            ag->leaving = true;
            ag->break_pending = false;
        }
        return;
    }
    if (!shift_on(s, a))
        return;
    if (ag->state == ACD_AGENT_OFF)
        acd_sim_log_on(s, a);
    else if (ag->state != ACD_AGENT_BREAK)
        ag->leaving = false;
}

/* Shift agents of group gi taken off: `want` of them, as many as the
 * shifts have on now (idle first, most recently idle first, then busy,
 * then on break). Returns how many are off. */
static unsigned
roster_pulled(struct acd_sim *s, uint32_t gi, unsigned want)
{
    struct acd_group_rt *g = &s->groups[gi];
    if (want > 0 && s->n_pulled < s->n_agents) {
        s->pulled = acd_xrealloc(s->pulled, s->n_agents);
        memset(s->pulled + s->n_pulled, 0, s->n_agents - s->n_pulled);
        s->n_pulled = s->n_agents;
    }
    unsigned have = 0;
    for (uint32_t i = 0; i < g->n_members; i++)
        have += is_pulled(s, g->members[i]);
    for (uint32_t i = g->n_members; have > want && i-- > 0;)
        if (is_pulled(s, g->members[i])) {
            pull(s, g->members[i], false);
            have--;
        }
    for (uint32_t a = g->idle_tail; have < want && a != ACD_NONE;) {
        uint32_t prev = s->agents[a].prev;
        if (s->agents[a].shift != ACD_NONE && acd_state_managed(s, a)) {
            pull(s, a, true);
            have++;
        }
        a = prev;
    }
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t i = 0; have < want && i < g->n_members; i++) {
            uint32_t a = g->members[i];
            const struct acd_agent *ag = &s->agents[a];
            bool busy = ag->state == ACD_AGENT_TALK || ag->state == ACD_AGENT_WRAP ||
                        ag->state == ACD_AGENT_RING;
            if (ag->shift != ACD_NONE && !is_pulled(s, a) && !ag->leaving &&
                acd_state_managed(s, a) &&
                (pass == 0 ? busy : ag->state == ACD_AGENT_BREAK && shift_on(s, a))) {
                pull(s, a, true);
                have++;
            }
        }
    return have;
}

/* Apply the offset of shift-staffed group gi: extra agents on top of the
 * shifts (offset > 0) or shift agents taken off (offset < 0); an offset
 * below what the shifts have on is cut to it (staffing never below 0). */
void
acd_sim_roster_offset(struct acd_sim *s, uint32_t gi)
{
    int off = s->groups[gi].agent_offset;
    roster_extras(s, gi, off > 0 ? (unsigned)off : 0);
    unsigned got = roster_pulled(s, gi, off < 0 ? (unsigned)-off : 0);
    if (off < 0)
        s->groups[gi].agent_offset = -(int)got;
}

bool
acd_sim_is_pulled(const struct acd_sim *s, uint32_t a)
{
    return is_pulled(s, a);
}

int
acd_sim_adjust_agents(struct acd_sim *s, size_t gi, int delta)
{
    if (gi >= s->n_groups)
        return -1;
    s->groups[gi].agent_offset += delta;
    if (s->sc->groups[gi].n_shifts > 0) {
        s->roster_adjusted = true;
        if (acd_sim_plan_active(s))
            acd_sim_roster_offset(s, (uint32_t)gi);
        return 0;
    }
    if (acd_sim_plan_active(s))
        acd_sim_set_agents(s, gi, acd_state_with_offset(s, (uint32_t)gi));
    return 0;
}

int
acd_sim_set_rate_factor(struct acd_sim *s, size_t k, double factor)
{
    if (k >= s->n_types || !(factor >= 0) || !isfinite(factor))
        return -1;
    struct acd_type_rt *t = &s->types[k];
    t->rate_factor = factor;
    if (acd_sim_plan_active(s))
        acd_sim_set_rate(s, k, t->plan_rate_per_s * factor);
    return 0;
}

void
acd_sim_set_trace(struct acd_sim *s, acd_trace_fn *fn, void *ud)
{
    s->trace = fn;
    s->trace_ud = ud;
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

/* Queue q's groups in its call type's order: those listed in `groups`
 * first, as listed, then the rest as they were (agent_groups order). */
static void
order_groups(struct acd_queue *q, const struct acd_call_type *ct)
{
    uint32_t m = 0;
    for (size_t j = 0; j < ct->n_route_groups; j++)
        for (uint32_t i = m; i < q->n_groups; i++) {
            if (q->groups[i] != ct->route_groups[j])
                continue;
            /* Move entry i to position m, shifting m..i-1 up by one. */
            uint32_t g = q->groups[i];
            uint8_t lv = q->levels[i];
            memmove(&q->groups[m + 1], &q->groups[m], (i - m) * sizeof(*q->groups));
            memmove(&q->levels[m + 1], &q->levels[m], (i - m) * sizeof(*q->levels));
            q->groups[m] = g;
            q->levels[m++] = lv;
            break;
        }
}

static void
setup_queues(struct acd_sim *s)
{
    const struct acd_scenario *sc = s->sc;
    /* Legs transferred by an agent wait in queues of their own (lanes, see
     * state.h), so which legs a group answers (`answers`) is which queues
     * it serves, and a transfer to a group reaches that group only. */
    s->group_lane = acd_xcalloc(s->n_groups ? s->n_groups : 1, sizeof(*s->group_lane));
    s->n_lanes = 1;
    for (size_t k = 0; k < s->n_types; k++) {
        const struct acd_call_type *ct = &sc->call_types[k];
        for (size_t i = 0; i < ct->n_transfers; i++) {
            s->n_lanes = s->n_lanes < 2 ? 2 : s->n_lanes;
            size_t g = ct->transfers[i].to;
            if (ct->transfers[i].to_group && !s->group_lane[g])
                s->group_lane[g] = (uint16_t)s->n_lanes++;
        }
    }
    s->n_queues = s->n_types * s->n_tiers * s->n_lanes;
    s->queues = acd_xcalloc(s->n_queues, sizeof(*s->queues));
    for (unsigned lane = 0; lane < s->n_lanes; lane++)
        for (uint32_t k = 0; k < s->n_types; k++) {
            const struct acd_call_type *ct = &sc->call_types[k];
            for (unsigned t = 1; t <= s->n_tiers; t++) {
                struct acd_queue *q = &s->queues[acd_state_lane_queue(s, lane, k, t)];
                q->head = q->tail = ACD_NONE;
                q->type = k;
                q->tier = (uint16_t)t;
                q->lane = (uint16_t)lane;
                const struct acd_resolution *r = t > 1 ? acd_state_resolution_at(ct, t) : NULL;
                q->priority = r ? r->priority : ct->priority;
                q->email = ct->channel == ACD_CHANNEL_EMAIL;
                s->email |= q->email;
                q->groups = acd_xcalloc(s->n_groups, sizeof(*q->groups));
                q->levels = acd_xcalloc(s->n_groups, sizeof(*q->levels));
            }
        }
    for (uint32_t gi = 0; gi < s->n_groups; gi++) {
        const struct acd_agent_group *ag = &sc->groups[gi];
        struct acd_group_rt *g = &s->groups[gi];
        unsigned answers = ag->answers ? ag->answers : ~0u;
        unsigned own = s->group_lane[gi];
        g->n_queues = 0;
        g->queues = acd_xcalloc(ag->n_skills * s->n_tiers * 3, sizeof(*g->queues));
        for (size_t i = 0; i < ag->n_skills; i++) {
            uint32_t k = (uint32_t)ag->skills[i];
            unsigned level = ag->skill_lv ? ag->skill_lv[i].level : 1;
            for (unsigned lane = 0; lane < s->n_lanes; lane++) {
                unsigned kind = lane ? ACD_ANSWERS_TRANSFERS : ACD_ANSWERS_CALLS;
                if (lane > 1 && lane != own)
                    continue; /* transfers to another group */
                for (unsigned t = 1; t <= g->tier; t++) {
                    if (!(answers & (lane == 0 && t > 1 ? ACD_ANSWERS_ESCALATIONS : kind)))
                        continue;
                    uint32_t qi = acd_state_lane_queue(s, lane, k, t);
                    struct acd_queue *q = &s->queues[qi];
                    q->groups[q->n_groups] = gi;
                    q->levels[q->n_groups++] = (uint8_t)(level < 255 ? level : 255);
                    q->has_assist |= g->assist;
                    g->queues[g->n_queues++] = (struct acd_group_queue){qi, level};
                }
            }
        }
        if (!s->route->listed_order)
            qsort(g->queues, g->n_queues, sizeof(*g->queues), cmp_group_queue);
    }
    for (uint32_t k = 0; k < s->n_types; k++) {
        const struct acd_call_type *ct = &sc->call_types[k];
        const struct acd_route_selection *sel =
            ct->agent_selection ? acd_route_find_selection(ct->agent_selection) : NULL;
        ACD_ASSERT(!ct->agent_selection || sel); /* the parser validated the name */
        bool random = sel ? sel->uses_random : s->route->uses_random;
        s->types[k].pick_agent = sel ? sel->pick_agent : s->route->pick_agent;
        for (unsigned t = 1; t <= s->n_tiers; t++) {
            struct acd_queue *q = &s->queues[acd_state_queue_index(s, k, t)];
            if (ct->n_route_groups)
                order_groups(q, ct);
        }
        /* Every lane: a transferred leg is offered with the type's pick too. */
        for (unsigned lane = 0; random && lane < s->n_lanes; lane++)
            for (unsigned t = 1; t <= s->n_tiers; t++) {
                struct acd_queue *q = &s->queues[acd_state_lane_queue(s, lane, k, t)];
                for (uint32_t i = 0; i < q->n_groups; i++) {
                    struct acd_group_rt *g = &s->groups[q->groups[i]];
                    if (!g->idle_ix) { /* before any agent exists: setup_staffing follows */
                        ACD_ASSERT(g->n_members == 0);
                        g->members = acd_xgrow(g->members, &g->members_cap, 8, sizeof(*g->members));
                        g->idle_ix = acd_xmalloc(g->members_cap * sizeof(*g->idle_ix));
                    }
                    if (!s->idle_pos) { /* no agent yet either */
                        ACD_ASSERT(s->n_agents == 0);
                        s->agents = acd_xgrow(s->agents, &s->agents_cap, 8, sizeof(*s->agents));
                        s->idle_pos = acd_xmalloc(s->agents_cap * sizeof(*s->idle_pos));
                    }
                }
            }
    }
}

static void
setup_groups(struct acd_sim *s)
{
    const struct acd_scenario *sc = s->sc;
    bool ring = false;
    for (size_t k = 0; k < sc->n_call_types; k++)
        ring |= sc->call_types[k].has_ring_time;
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
        if (ag->has_wrap_up || ag->n_wrap_by_type || ring) {
            g->wrap = acd_xcalloc(s->n_types, sizeof(*g->wrap));
            for (size_t k = 0; k < s->n_types; k++)
                g->wrap[k] = ag->has_wrap_up ? &ag->wrap_up : NULL;
            for (size_t i = 0; i < ag->n_wrap_by_type; i++)
                g->wrap[ag->wrap_by_type[i].type] = &ag->wrap_by_type[i].dist;
        }
    }
}

/* Is roster slot `slot` of group gi absent today? Drawn from a stream of
 * the slot itself (the group, its shift j or -1 for a count-staffed
 * group, the agent's place in it), not in order from one stream, so adding
 * a shift or an agent does not change who else is absent (common random
 * numbers across staffing what-ifs, like the callers'). */
static bool
absent(const struct acd_sim *s, uint32_t gi, size_t shift, unsigned slot, double p)
{
    uint64_t key = acd_rng_seed(s->seed, s->rep, ACD_STREAM_ROSTER, gi);
    unsigned part = shift == SIZE_MAX ? 0 : (unsigned)shift + 1;
    return acd_crng_u01(acd_crng_base(key, part, 0), slot) < p;
}

/* A shift over a period (`days:`): its steps on every day it works
 * (acd_scenario_shift_day: the one rule, which staff.c counts too). Its
 * end is kept otherwise (an agent may stay into the drain, as in a single
 * day); breaks starting outside the shift so clipped are dropped. */
static void
period_steps(const struct acd_scenario *sc, const struct acd_shift *sh, struct acd_shift_rt *rt)
{
    rt->steps = acd_xcalloc(sc->n_days * (sh->n_breaks + 2), sizeof(*rt->steps));
    rt->n_steps = 0;
    for (size_t d = 0; d < sc->n_days; d++) {
        double base, lo, hi;
        if (!acd_scenario_shift_day(sc, sh, d, &base, &lo, &hi))
            continue;
        rt->steps[rt->n_steps++] = (struct acd_step){lo, STEP_LOGON, false, 0};
        for (size_t b = 0; b < sh->n_breaks; b++) {
            double t = base + sh->breaks[b].start_s;
            if (t >= lo && t < hi)
                rt->steps[rt->n_steps++] =
                    (struct acd_step){t, STEP_BREAK, sh->breaks[b].unpaid, sh->breaks[b].length_s};
        }
        rt->steps[rt->n_steps++] = (struct acd_step){hi, STEP_LOGOFF, false, 0};
    }
}

/* Absenteeism and shifts: drawn once per replication (absent). */
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
                        g->present_upto[i] + !absent(s, gi, SIZE_MAX, i, ag->absenteeism);
            }
            continue;
        }
        for (size_t j = 0; j < ag->n_shifts; j++) {
            const struct acd_shift *sh = &ag->shifts[j];
            uint32_t si = (uint32_t)s->n_shifts++;
            struct acd_shift_rt *rt = &s->shifts[si];
            if (sc->n_days) {
                period_steps(sc, sh, rt);
                for (unsigned i = 0; i < sh->count; i++) {
                    if (ag->absenteeism > 0 && absent(s, gi, j, i, ag->absenteeism))
                        continue;
                    uint32_t a = acd_state_agent_new(s, gi, si);
                    if (rt->n_steps)
                        s->agents[a].ev = acd_sim_push(s, rt->steps[0].t_s, EV_PLAN, a);
                }
                continue;
            }
            rt->steps = acd_xcalloc(sh->n_breaks + 2, sizeof(*rt->steps));
            rt->steps[rt->n_steps++] = (struct acd_step){sh->start_s, STEP_LOGON, false, 0};
            for (size_t b = 0; b < sh->n_breaks; b++)
                rt->steps[rt->n_steps++] =
                    (struct acd_step){sh->breaks[b].start_s, STEP_BREAK, sh->breaks[b].unpaid,
                                      sh->breaks[b].length_s};
            rt->steps[rt->n_steps++] = (struct acd_step){sh->end_s, STEP_LOGOFF, false, 0};
            for (unsigned i = 0; i < sh->count; i++) {
                if (ag->absenteeism > 0 && absent(s, gi, j, i, ag->absenteeism))
                    continue;
                uint32_t a = acd_state_agent_new(s, gi, si);
                s->agents[a].ev = acd_sim_push(s, rt->steps[0].t_s, EV_PLAN, a);
            }
        }
    }
}

struct acd_sim *
acd_sim_new(const struct acd_scenario *sc, uint64_t seed, unsigned rep)
{
    return acd_sim_new_flags(sc, seed, rep, 0);
}

/* p (n elements of `size`) zeroed, or a new zeroed array if NULL: what a
 * reset keeps, a new sim allocates. */
static void *
zeroed(void *p, size_t n, size_t size)
{
    if (!p)
        return acd_xcalloc(n, size);
    memset(p, 0, n * size);
    return p;
}

/* Statistics of bin b (a reported bin or the scratch one) back to zero. */
static void
bin_clear(struct acd_sim *s, size_t b)
{
    memset(&s->st.type_counts[b * s->n_types], 0, s->n_types * sizeof(struct acd_counts));
    memset(&s->st.group_counts[b * s->n_groups], 0, s->n_groups * sizeof(struct acd_counts));
    memset(&s->roster_s[b * s->n_groups], 0, s->n_groups * sizeof(double));
}

void
acd_sim_bin_start(struct acd_sim *s, uint32_t b)
{
    bin_clear(s, b);
}

/* Reported bins that have started (an operating day's intervals so far);
 * the others are zero, though a reset sim has not cleared them yet. */
static size_t
bins_started(const struct acd_sim *s)
{
    if (!s->day)
        return s->st.n_bins;
    return s->next_boundary < s->st.n_bins ? s->next_boundary : s->st.n_bins;
}

/* Generator r reseeded for (seed, rep, stream, index), or a new one. */
static gsl_rng *
rng_at(gsl_rng *r, uint64_t seed, unsigned rep, unsigned stream, uint64_t index)
{
    if (!r)
        return acd_rng_new(seed, rep, stream, index);
    acd_rng_reseed(r, seed, rep, stream, index);
    return r;
}

/* Build replication `rep` in s: zero but for the buffers a reset keeps
 * (acd_sim_reset), which are reused as they are (pools, event heap) or
 * zeroed (statistics); NULL ones are allocated. */
static void
sim_init(struct acd_sim *s, const struct acd_scenario *sc, uint64_t seed, unsigned rep,
         unsigned flags)
{
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

    size_t total_agents = 0; /* at most ACD_SCN_MAX_TOTAL_AGENTS: no wrap */
    for (size_t g = 0; g < s->n_groups; g++)
        total_agents += sc->groups[g].agents;
    if (s->evq.heap)
        acd_evq_clear(&s->evq);
    else
        acd_evq_init(&s->evq, 64 + 2 * (size_t)total_agents);
    /* The pools: a reset keeps them at the size they grew to. Legs and
     * issues are handed out in the same order whatever the size. */
    if (!s->calls) {
        s->calls_cap = 256 + 2 * (size_t)total_agents;
        s->calls = acd_xmalloc(s->calls_cap * sizeof(*s->calls));
        s->issues_cap = s->calls_cap;
        s->issues = acd_xmalloc(s->issues_cap * sizeof(*s->issues));
    }
    s->call_free = ACD_NONE;
    s->issue_free = ACD_NONE;
    s->max_calls = ACD_SIM_DEFAULT_MAX_CALLS;

    if (!s->types) {
        s->types = acd_xcalloc(s->n_types, sizeof(*s->types));
    } else {
        for (size_t k = 0; k < s->n_types; k++) { /* the generators are reseeded below */
            gsl_rng *r = s->types[k].r_arrivals;
            memset(&s->types[k], 0, sizeof(s->types[k]));
            s->types[k].r_arrivals = r;
        }
    }
    s->single_leg = true; /* until a call type says otherwise */
    s->groups = zeroed(s->groups, s->n_groups, sizeof(*s->groups));
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
        t->r_arrivals = rng_at(t->r_arrivals, seed, rep, ACD_STREAM_ARRIVALS, k);
        t->caller_key = acd_rng_seed(seed, rep, ACD_STREAM_CALLERS, k);
        t->transfers = ct->n_transfers > 0;
        if (ct->has_ring_time)
            t->ring = &ct->ring_time;
        t->handle_per_wait = ct->handle_time_per_wait;
        s->rings |= t->ring != NULL;
        s->wait_handle |= t->handle_per_wait > 0;
        bool assist = false;
        for (unsigned tier = 1; tier <= s->n_tiers; tier++)
            assist |= s->queues[acd_state_queue_index(s, k, tier)].has_assist;
        t->plain = !assist && !s->route->uses_overflow;
        t->sl_threshold_s = acd_scenario_type_sl_threshold(sc, k);
        if (ct->channel == ACD_CHANNEL_CHAT)
            t->concurrency = ct->concurrency ? ct->concurrency : 1;
        if (ct->retry_busy.enabled || ct->retry_abandon.enabled || ct->n_resolution ||
            ct->callback_enabled || ct->has_timeout_to || ct->same_caller || ct->n_transfers)
            s->single_leg = false;
    }
    if (s->rings)
        s->ring_rt = zeroed(s->ring_rt, s->n_groups, sizeof(*s->ring_rt));
    s->r_routing = rng_at(s->r_routing, seed, rep, ACD_STREAM_ROUTING, 0);
    s->r_day = rng_at(s->r_day, seed, rep, ACD_STREAM_DAY, 0);
    if (s->r_caller)
        gsl_rng_set(s->r_caller, gsl_rng_default_seed); /* as gsl_rng_alloc leaves it */
    else
        s->r_caller = acd_crng_new();
    s->busyness = 1;
    if (s->day && sc->busyness_cv > 0) {
        double cv2 = sc->busyness_cv * sc->busyness_cv;
        s->busyness = gsl_ran_gamma(s->r_day, 1 / cv2, cv2);
    }
    /* A period: one factor per day, day d > 0 from its own stream (index
     * d of the day stream), so day 0 keeps the one-day draw. */
    if (sc->n_days) {
        s->day_busyness = acd_xrealloc(s->day_busyness, sc->n_days * sizeof(double));
        s->day_busyness[0] = s->busyness;
        for (size_t d = 1; d < sc->n_days; d++) {
            s->day_busyness[d] = 1;
            if (sc->busyness_cv > 0) {
                double cv2 = sc->busyness_cv * sc->busyness_cv;
                acd_rng_reseed(s->r_day, seed, rep, ACD_STREAM_DAY, d);
                s->day_busyness[d] = gsl_ran_gamma(s->r_day, 1 / cv2, cv2);
            }
        }
    }

    /* Bins: one per interval (day) or one for [warm-up, end) (steady), plus
     * the scratch bin. */
    size_t n_bins = s->day ? sc->n_intervals : 1;
    s->st.n_bins = n_bins;
    s->st.n_types = s->n_types;
    s->st.n_groups = s->n_groups;
    /* A reset sim clears a day's intervals as they start (acd_sim_bin_start,
     * acd_sim_stats): zeroing (intervals + 1) x (types + groups) counts
     * here would cost as much as a short replication. */
    bool reused = s->st.type_counts != NULL;
    if (!reused) {
        s->st.type_counts = acd_xcalloc((n_bins + 1) * s->n_types, sizeof(struct acd_counts));
        s->st.group_counts = acd_xcalloc((n_bins + 1) * s->n_groups, sizeof(struct acd_counts));
        s->roster_s = acd_xcalloc((n_bins + 1) * s->n_groups, sizeof(double));
    }
    if (!(flags & ACD_SIM_NO_HISTS)) {
        /* Per bin x type the waits are sparse (a few calls each): dense
         * histograms would cost (intervals + 1) x types x 14 kB to zero. */
        s->st.type_hists = zeroed(s->st.type_hists, s->n_types, sizeof(struct acd_hist));
        s->st.abandon_hists = zeroed(s->st.abandon_hists, s->n_types, sizeof(struct acd_hist));
        acd_stats_hlog_clear(&s->st.bin_waits);
    }
    double w0, step;
    size_t n_samples = acd_sim_samples(sc, &w0, &step);
    s->st.n_samples = n_samples;
    s->st.sample_t0_s = w0;
    s->st.sample_step_s = step;
    s->st.samples = zeroed(s->st.samples, n_samples ? n_samples : 1, sizeof(double));
    /* Without histograms (the staffing search) nobody reads the series
     * either: no sampling events (~12% of a small center's events). */
    if (n_samples && !(flags & ACD_SIM_NO_HISTS))
        acd_sim_push(s, w0, EV_SAMPLE, 0);
    for (size_t b = s->day ? n_bins : 0; reused && b <= n_bins; b++)
        bin_clear(s, b);
    size_t ng = s->n_groups ? s->n_groups : 1;
    s->drain_base = zeroed(s->drain_base, 2 * ng, sizeof(double));
    s->st.drain_busy_s = zeroed(s->st.drain_busy_s, ng, sizeof(double));
    s->st.drain_staffed_s = zeroed(s->st.drain_staffed_s, ng, sizeof(double));
    s->bin_start_s = zeroed(s->bin_start_s, n_bins + 1, sizeof(double));
    s->bin_end_s = zeroed(s->bin_end_s, n_bins + 1, sizeof(double));
    s->time_bin = s->call_bin = (uint32_t)n_bins;
    if (s->day && sc->n_days) {
        ACD_ASSERT(sc->days[sc->n_days - 1].first_interval + sc->days[sc->n_days - 1].n_intervals ==
                   n_bins); /* a period's days cover its intervals (a shortened plan must not) */
        /* A period: each day's intervals from its opening; its closing (but
         * the last day's, boundary n_bins) is boundary n_bins + 1 + d. */
        for (size_t d = 0; d < sc->n_days; d++) {
            const struct acd_day *dy = &sc->days[d];
            for (size_t j = 0; j < dy->n_intervals; j++) {
                size_t b = dy->first_interval + j;
                s->bin_start_s[b] = dy->open_s + (double)j * sc->interval_s;
                s->bin_end_s[b] =
                    j + 1 == dy->n_intervals ? dy->close_s : s->bin_start_s[b] + sc->interval_s;
            }
        }
        for (size_t d = 0; d < sc->n_days; d++) {
            const struct acd_day *dy = &sc->days[d];
            for (size_t j = 0; j < dy->n_intervals; j++)
                acd_sim_push(s, s->bin_start_s[dy->first_interval + j], EV_BOUNDARY,
                             (uint32_t)(dy->first_interval + j));
            acd_sim_push(s, dy->close_s, EV_BOUNDARY,
                         (uint32_t)(d + 1 == sc->n_days ? n_bins : n_bins + 1 + d));
        }
    } else if (s->day) {
        for (size_t b = 0; b < n_bins; b++) {
            s->bin_start_s[b] = sc->open_s + (double)b * sc->interval_s;
            s->bin_end_s[b] = b + 1 == n_bins ? sc->close_s : s->bin_start_s[b] + sc->interval_s;
        }
        for (size_t b = 0; b <= n_bins; b++)
            acd_sim_push(s, b < n_bins ? s->bin_start_s[b] : sc->close_s, EV_BOUNDARY, (uint32_t)b);
    } else {
        s->bin_start_s[0] = s->warmup_s;
        s->bin_end_s[0] = s->horizon_end_s;
        if (s->warmup_s > 0)
            acd_sim_push(s, s->warmup_s, EV_BOUNDARY, 0);
        else
            s->time_bin = s->call_bin = 0;
        acd_sim_push(s, s->horizon_end_s, EV_BOUNDARY, (uint32_t)n_bins);
    }

    for (uint32_t k = 0; k < s->n_types && !s->chat; k++)
        if (s->types[k].concurrency) /* before the first agent: agent_new sizes it */
            s->chat = acd_xcalloc(s->agents_cap ? s->agents_cap : 1, sizeof(*s->chat));
    for (uint32_t g = 0; g < s->n_groups && s->chat; g++)
        s->blend |= sc->groups[g].blending;
    setup_staffing(s);
    acd_sim_moves_setup(s);
    if (!s->day)
        for (uint32_t gi = 0; gi < s->n_groups; gi++) {
            s->groups[gi].n_plan = acd_state_planned_agents(s, gi, 0);
            acd_sim_set_agents(s, gi, s->groups[gi].n_plan);
        }
    for (uint32_t k = 0; k < s->n_types; k++)
        acd_sim_schedule_arrival(s, k);
}

struct acd_sim *
acd_sim_new_flags(const struct acd_scenario *sc, uint64_t seed, unsigned rep, unsigned flags)
{
    struct acd_sim *s = acd_xcalloc(1, sizeof(*s));
    sim_init(s, sc, seed, rep, flags);
    return s;
}

/* Free what a reset rebuilds (the scenario's structure: small, made per
 * replication) and leave every pointer to it NULL. */
static void
release_parts(struct acd_sim *s)
{
    for (size_t g = 0; g < s->n_groups; g++) {
        struct acd_group_rt *gr = &s->groups[g];
        free(gr->queues);
        free(gr->members);
        free(gr->handle);
        free(gr->wrap);
        free(gr->present_upto);
        free(gr->idle_ix);
    }
    for (size_t q = 0; q < s->n_queues; q++) {
        free(s->queues[q].groups);
        free(s->queues[q].levels);
    }
    for (size_t i = 0; i < s->n_shifts; i++)
        free(s->shifts[i].steps);
    acd_sim_moves_free(s);
    free(s->pulled);
    free(s->shifts);
    free(s->queues);
    free(s->group_lane);
    free(s->idle_pos);
    free(s->chat);
    s->chat = NULL;
    s->pulled = NULL;
    s->shifts = NULL;
    s->queues = NULL;
    s->group_lane = NULL;
    s->idle_pos = NULL;
}

void
acd_sim_reset(struct acd_sim *s, uint64_t seed, unsigned rep)
{
    unsigned flags = s->st.abandon_hists ? 0 : ACD_SIM_NO_HISTS;
    const struct acd_scenario *sc = s->sc;
    release_parts(s);
    /* Everything else starts from zero, as in a new sim, but the buffers
     * kept. */
    struct acd_sim k = *s;
    memset(s, 0, sizeof(*s));
    s->evq = k.evq;
    s->calls = k.calls;
    s->calls_cap = k.calls_cap;
    s->issues = k.issues;
    s->issues_cap = k.issues_cap;
    s->agents = k.agents;
    s->agents_cap = k.agents_cap;
    s->types = k.types;
    s->groups = k.groups;
    s->ring_rt = k.ring_rt;
    s->r_routing = k.r_routing;
    s->r_day = k.r_day;
    s->r_caller = k.r_caller;
    s->st.type_counts = k.st.type_counts;
    s->st.group_counts = k.st.group_counts;
    s->st.type_hists = k.st.type_hists;
    s->st.bin_waits = k.st.bin_waits;
    s->st.abandon_hists = k.st.abandon_hists;
    s->st.samples = k.st.samples;
    s->st.drain_busy_s = k.st.drain_busy_s;
    s->st.drain_staffed_s = k.st.drain_staffed_s;
    s->roster_s = k.roster_s;
    s->drain_base = k.drain_base;
    s->bin_start_s = k.bin_start_s;
    s->bin_end_s = k.bin_end_s;
    s->day_busyness = k.day_busyness;
    sim_init(s, sc, seed, rep, flags);
}

void
acd_sim_free(struct acd_sim *s)
{
    if (!s)
        return;
    release_parts(s);
    for (size_t k = 0; k < s->n_types; k++)
        gsl_rng_free(s->types[k].r_arrivals);
    gsl_rng_free(s->r_routing);
    gsl_rng_free(s->r_day);
    gsl_rng_free(s->r_caller);
    free(s->types);
    free(s->groups);
    free(s->ring_rt);
    free(s->calls);
    free(s->issues);
    free(s->agents);
    free(s->st.type_counts);
    free(s->st.group_counts);
    free(s->st.type_hists);
    acd_stats_hlog_free(&s->st.bin_waits);
    free(s->st.abandon_hists);
    free(s->st.samples);
    free(s->roster_s);
    free(s->drain_base);
    free(s->st.drain_busy_s);
    free(s->st.drain_staffed_s);
    free(s->bin_start_s);
    free(s->bin_end_s);
    free(s->day_busyness);
    acd_evq_fini(&s->evq);
    free(s);
}

/* --- stepping ----------------------------------------------------------- */

void
acd_sim_set_max_calls(struct acd_sim *s, size_t max_calls)
{
    /* The pools index legs in 32 bits (ACD_NONE excluded, room to double). */
    size_t top = (size_t)1 << 30;
    s->max_calls = max_calls == 0 ? ACD_SIM_DEFAULT_MAX_CALLS : max_calls > top ? top : max_calls;
}

bool
acd_sim_overload(const struct acd_sim *s, struct acd_overload *o)
{
    if (s->overloaded && o)
        *o = s->overload;
    return s->overloaded;
}

/* The guard tripped: note the longest queue and stop. Pending events are
 * dropped with the sim; nothing more runs. */
static void
stop_overloaded(struct acd_sim *s)
{
    const struct acd_queue *top = &s->queues[0];
    for (size_t q = 1; q < s->n_queues; q++)
        if (s->queues[q].len > top->len)
            top = &s->queues[q];
    s->overload = (struct acd_overload){
        .type = top->type,
        .tier = top->tier,
        .waiting = top->len,
        .calls = s->n_calls_live,
        .limit = s->max_calls,
        .t_s = s->now,
    };
    s->overloaded = true;
    s->done = true;
}

static inline void
dispatch(struct acd_sim *s, const struct acd_evq_item *ev)
{
    s->now = ev->t;
    s->st.events++;
    acd_sim_handlers[ev->kind](s, ev->obj);
#ifdef ACD_INVARIANTS
    acd_sim_verify(s);
#endif
    if (s->n_calls_live > s->max_calls)
        stop_overloaded(s);
}

/* Nothing left to happen: callers still waiting have nobody to serve them.
 * Done, unless disconnecting them released agents held on transfers: those
 * leave the call first (EV_HOLD_END, now), and the run goes on. */
static void
finish(struct acd_sim *s)
{
    acd_sim_disconnect_all(s);
    s->done = acd_evq_len(&s->evq) == 0;
}

/* Events up to t_s (inclusive, or strictly before), then the clock to t_s. */
static bool
run_to(struct acd_sim *s, double t_s, bool inclusive)
{
    struct acd_evq_item ev;
    for (;;) {
        if (s->done)
            return false;
        if (acd_evq_len(&s->evq) == 0) {
            finish(s);
            continue;
        }
        double t = acd_evq_peek_time(&s->evq);
        if (inclusive ? !(t <= t_s) : !(t < t_s))
            break;
        acd_evq_pop(&s->evq, &ev);
        dispatch(s, &ev);
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
    while (!s->done) {
        if (acd_evq_pop(&s->evq, &ev))
            dispatch(s, &ev);
        else
            finish(s);
    }
}

bool
acd_sim_step(struct acd_sim *s)
{
    struct acd_evq_item ev;
    if (s->done)
        return false;
    if (!acd_evq_pop(&s->evq, &ev)) {
        finish(s);
        if (s->done || !acd_evq_pop(&s->evq, &ev))
            return false;
    }
    dispatch(s, &ev);
    if (!s->done && acd_evq_len(&s->evq) == 0)
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

/* --- statistics and snapshot ------------------------------------------- */

const struct acd_rep_stats *
acd_sim_stats(struct acd_sim *s)
{
    acd_state_touch_all(s);
    for (size_t b = bins_started(s); b < s->st.n_bins; b++)
        bin_clear(s, b); /* not started: zero */
    acd_stats_hlog_sort(&s->st.bin_waits);
    if (s->closed && !s->drain_done)
        acd_sim_drain_measure(s); /* still draining: so far */
    if (s->single_leg)            /* issues are their one call: the same figures */
        for (size_t i = 0; i < (s->st.n_bins + 1) * s->n_types; i++) {
            struct acd_counts *c = &s->st.type_counts[i];
            c->issue_wait_sum_s = c->wait_sum_s;
            c->issues_answered = c->answered;
            c->issues_answered_within_t = c->answered_within_t;
        }
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
            /* busy = ring + talk + wrap (ring 0 without ring_time) */
            c->wrap_agent_s = c->busy_agent_s - c->talk_agent_s - c->ring_agent_s;
            c->off_agent_s =
                s->roster_s[b * s->n_groups + g] - c->staffed_agent_s - c->break_agent_s;
            c->labor_cost =
                acd_stats_labor_cost(acd_stats_paid_agent_s(c), sc->groups[g].cost_per_hour);
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
    size_t nb = s->st.n_bins, started = bins_started(s);
    for (size_t b = 0; b < nb; b++) {
        out->bin_offered[b] = out->bin_within_t[b] = 0;
        for (size_t k = 0; b < started && k < s->n_types; k++) {
            const struct acd_counts *c = &s->st.type_counts[b * s->n_types + k];
            out->bin_offered[b] += c->offered;
            out->bin_within_t[b] += c->answered_within_t;
        }
    }
    for (uint32_t k = 0; k < s->n_types; k++) {
        double oldest = 0;
        for (unsigned t = 1; t <= s->n_tiers; t++) {
            const struct acd_queue *q = &s->queues[acd_state_queue_index(s, k, t)];
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
        for (size_t b = 0; b < started; b++)
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
        sg->moved_out = s->group_out ? s->group_out[g] : 0;
        sg->moved_in = 0;
        for (uint32_t i = 0; s->agent_mv && i < gr->n_members; i++) {
            const struct acd_agent_mv *am = &s->agent_mv[gr->members[i]];
            sg->moved_in += am->state == ACD_MV_AWAY || am->state == ACD_MV_BACK_SOON;
        }
        memset(sg->by_state, 0, sizeof(sg->by_state));
        for (uint32_t i = 0; i < gr->n_members; i++) {
            uint8_t st = s->agents[gr->members[i]].state;
            out->agent_state[out->n_agents++] = st;
            sg->by_state[st]++;
        }
        /* Extrapolated to now, nothing written: the sim's integrals stay
         * as they are (see struct acd_snapshot). */
        sg->busy_s = sg->staffed_s = 0;
        for (size_t b = 0; b < started; b++) {
            sg->busy_s += s->st.group_counts[b * s->n_groups + g].busy_agent_s;
            sg->staffed_s += s->st.group_counts[b * s->n_groups + g].staffed_agent_s;
        }
        if (s->time_bin < nb) {
            sg->busy_s += gr->n_busy * (s->now - gr->busy_last_t);
            sg->staffed_s += gr->n_staffed * (s->now - gr->staffed_last_t);
        }
    }
}

/* --- names ------------------------------------------------------------- */

const char *
acd_sim_policy_name(size_t i)
{
    return acd_route_policy_name(i);
}

const char *
acd_sim_selection_name(size_t i)
{
    return acd_route_selection_name(i);
}

static const char *const source_names[] = {
    [ACD_SRC_FRESH] = "fresh",
    [ACD_SRC_RETRIAL] = "retrial",
    [ACD_SRC_REPEAT] = "repeat",
    [ACD_SRC_CALLBACK] = "callback",
    [ACD_SRC_ESCALATION] = "escalation",
    [ACD_SRC_TRANSFER] = "transfer",
    [ACD_SRC_AGENT_TRANSFER] = "transferred",
};
static const char *const outcome_names[] = {
    [ACD_OUT_ANSWERED] = "answered",         [ACD_OUT_ABANDONED] = "abandoned",
    [ACD_OUT_BLOCKED] = "blocked",           [ACD_OUT_BALKED] = "balked",
    [ACD_OUT_TIMEOUT] = "timeout",           [ACD_OUT_CALLBACK] = "callback",
    [ACD_OUT_DISCONNECTED] = "disconnected", [ACD_OUT_VOICEMAIL] = "voicemail",
};
static const char *const after_names[] = {
    [ACD_AFTER_NONE] = "",
    [ACD_AFTER_RESOLVED] = "resolved",
    [ACD_AFTER_ESCALATED] = "escalated",
    [ACD_AFTER_REPEAT] = "repeat",
    [ACD_AFTER_UNRESOLVED] = "unresolved",
    [ACD_AFTER_TRANSFERRED] = "transferred",
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
