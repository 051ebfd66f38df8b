/*
 * sim: one replication - event handlers (arrival, service end, abandonment,
 * statistics boundary) and the step API of sim.h.
 *
 * Statistics: a call is counted in the bin of its arrival and followed to
 * the end (answered, abandoned or blocked); time integrals (calls waiting,
 * busy and staffed agents) go to the bin of the current clock time. For a
 * steady-state horizon, bin 0 is [warm-up, end) and everything else lands in
 * a scratch bin that is never reported.
 */
#include "acdsim/rng.h"
#include "acdsim/util.h"
#include "model.h"
#include "route.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum ev_kind { EV_BOUNDARY, EV_DEPART, EV_ABANDON, EV_ARRIVAL, EV_KINDS };

/* At equal times: statistics boundaries first (so the window is exact), then
 * service ends (a freed agent can take a call arriving at the same instant),
 * abandonments, arrivals. */
static const int ev_prio[EV_KINDS] = {
    [EV_BOUNDARY] = -2, [EV_DEPART] = -1, [EV_ABANDON] = 0, [EV_ARRIVAL] = 1};

/* --- pools and lists --------------------------------------------------- */

static uint32_t
call_alloc(struct acd_sim *s)
{
    uint32_t c = s->call_free;
    if (c != ACD_NONE) {
        s->call_free = s->calls[c].next;
        return c;
    }
    if (s->n_calls_used == s->calls_cap) {
        ACD_ASSERT(s->calls_cap < ACD_NONE / 2);
        s->calls_cap *= 2;
        s->calls = acd_xrealloc(s->calls, s->calls_cap * sizeof(*s->calls));
    }
    return s->n_calls_used++;
}

static void
call_free(struct acd_sim *s, uint32_t c)
{
    s->calls[c].next = s->call_free;
    s->call_free = c;
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

/* --- statistics helpers ------------------------------------------------ */

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

/* Bring call type k's queue-length integral up to now. */
static inline void
touch_queue(struct acd_sim *s, uint32_t k)
{
    struct acd_type_rt *t = &s->types[k];
    type_counts(s, s->time_bin, k)->queue_area_s += t->q.len * (s->now - t->q_last_t);
    t->q_last_t = s->now;
}

/* Bring group g's busy-agent integral up to now. */
static inline void
touch_busy(struct acd_sim *s, uint32_t gi)
{
    struct acd_group_rt *g = &s->groups[gi];
    group_counts(s, s->time_bin, gi)->busy_agent_s += g->n_busy * (s->now - g->busy_last_t);
    g->busy_last_t = s->now;
}

/* Bring group g's busy and staffed integrals up to now. */
static void
touch_group(struct acd_sim *s, uint32_t gi)
{
    struct acd_group_rt *g = &s->groups[gi];
    touch_busy(s, gi);
    group_counts(s, s->time_bin, gi)->staffed_agent_s +=
        g->n_staffed * (s->now - g->staffed_last_t);
    g->staffed_last_t = s->now;
}

static void
touch_all(struct acd_sim *s)
{
    for (uint32_t k = 0; k < s->n_types; k++)
        touch_queue(s, k);
    for (uint32_t g = 0; g < s->n_groups; g++)
        touch_group(s, g);
}

/* --- the model --------------------------------------------------------- */

static void
schedule_arrival(struct acd_sim *s, uint32_t k)
{
    struct acd_type_rt *t = &s->types[k];
    t->arrival_ev = ACD_EVQ_NONE;
    if (!(t->rate_per_s > 0))
        return;
    double next = s->now - log(gsl_rng_uniform_pos(t->r_arrivals)) / t->rate_per_s;
    if (next < s->horizon_end_s)
        t->arrival_ev = acd_evq_push(&s->evq, next, ev_prio[EV_ARRIVAL], EV_ARRIVAL, k);
}

/* Agent a (already off the idle list) starts serving call c. */
static void
answer(struct acd_sim *s, uint32_t a, uint32_t c, double wait_s)
{
    struct acd_call *x = &s->calls[c];
    struct acd_agent *ag = &s->agents[a];
    uint32_t k = x->type;
    struct acd_counts *tc = type_counts(s, x->bin, k);
    struct acd_counts *gc = group_counts(s, x->bin, ag->group);
    bool within = wait_s <= s->sl_threshold_s;
    tc->answered++;
    tc->answered_within_t += within;
    tc->wait_sum_s += wait_s;
    tc->answered_wait_sum_s += wait_s;
    gc->answered++;
    gc->answered_within_t += within;
    gc->answered_wait_sum_s += wait_s;
    acd_stats_hist_add(&s->st.hists[(size_t)x->bin * s->n_types + k], wait_s);

    touch_busy(s, ag->group);
    s->groups[ag->group].n_busy++;
    s->n_busy++;
    ag->state = ACD_AGENT_BUSY;
    double handle_s = acd_dist_sample(s->types[k].handle, s->types[k].r_handle);
    acd_evq_push(&s->evq, s->now + handle_s, ev_prio[EV_DEPART], EV_DEPART, a);
    call_free(s, c);
}

/* An agent became available: take a waiting call or go idle. */
static void
agent_available(struct acd_sim *s, uint32_t a)
{
    uint32_t c = s->route->pick_call(s, a);
    if (c == ACD_NONE) {
        idle_push(s, &s->groups[s->agents[a].group], a);
        return;
    }
    struct acd_call *x = &s->calls[c];
    touch_queue(s, x->type);
    acd_model_queue_remove(s, &s->types[x->type].q, c);
    s->n_waiting--;
    if (x->abandon_ev != ACD_EVQ_NONE)
        acd_evq_cancel(&s->evq, x->abandon_ev);
    answer(s, a, c, s->now - x->t_queue);
}

static void
on_arrival(struct acd_sim *s, uint32_t k)
{
    s->st.calls++;
    schedule_arrival(s, k);

    struct acd_counts *tc = type_counts(s, s->call_bin, k);
    tc->offered++;
    if (s->lines >= 0 && (long)(s->n_waiting + s->n_busy) >= s->lines) {
        tc->blocked++;
        return;
    }
    uint32_t a = s->route->pick_agent(s, k);
    uint32_t c = call_alloc(s);
    struct acd_call *x = &s->calls[c];
    x->t_arrive = s->now;
    x->t_queue = s->now;
    x->type = k;
    x->bin = s->call_bin;
    x->abandon_ev = ACD_EVQ_NONE;
    if (a != ACD_NONE) {
        acd_model_idle_remove(s, &s->groups[s->agents[a].group], a);
        answer(s, a, c, 0.0);
        return;
    }
    if (s->capacity >= 0 && (long)s->n_waiting >= s->capacity) {
        tc->blocked++;
        call_free(s, c);
        return;
    }
    struct acd_type_rt *t = &s->types[k];
    tc->waited++;
    touch_queue(s, k);
    queue_push(s, &t->q, c);
    s->n_waiting++;
    if (t->patience) {
        double p = acd_dist_sample(t->patience, t->r_patience);
        x->abandon_ev = acd_evq_push(&s->evq, s->now + p, ev_prio[EV_ABANDON], EV_ABANDON, c);
    }
}

static void
on_abandon(struct acd_sim *s, uint32_t c)
{
    struct acd_call *x = &s->calls[c];
    uint32_t k = x->type;
    touch_queue(s, k);
    acd_model_queue_remove(s, &s->types[k].q, c);
    s->n_waiting--;
    double wait_s = s->now - x->t_queue;
    struct acd_counts *tc = type_counts(s, x->bin, k);
    tc->abandoned++;
    tc->abandoned_within_t += wait_s <= s->sl_threshold_s;
    tc->wait_sum_s += wait_s;
    call_free(s, c);
}

static void
log_off(struct acd_sim *s, uint32_t a)
{
    struct acd_agent *ag = &s->agents[a];
    touch_group(s, ag->group);
    s->groups[ag->group].n_staffed--;
    ag->state = ACD_AGENT_OFF;
    ag->leaving = false;
}

static void
on_depart(struct acd_sim *s, uint32_t a)
{
    struct acd_agent *ag = &s->agents[a];
    touch_busy(s, ag->group);
    s->groups[ag->group].n_busy--;
    s->n_busy--;
    if (ag->leaving) {
        log_off(s, a);
        return;
    }
    agent_available(s, a);
}

/* Statistics boundary `b`: close the current bin, open the next one. */
static void
on_boundary(struct acd_sim *s, uint32_t b)
{
    touch_all(s);
    /* Boundary b starts bin b; boundary n_bins closes the last one. */
    uint32_t nb = (uint32_t)s->st.n_bins;
    uint32_t bin = b < nb ? b : nb;
    s->time_bin = bin;
    s->call_bin = bin;
}

typedef void handler_fn(struct acd_sim *s, uint32_t obj);
static handler_fn *const handlers[EV_KINDS] = {
    [EV_BOUNDARY] = on_boundary,
    [EV_DEPART] = on_depart,
    [EV_ABANDON] = on_abandon,
    [EV_ARRIVAL] = on_arrival,
};

/* --- agents ------------------------------------------------------------ */

static uint32_t
agent_new(struct acd_sim *s, uint32_t gi)
{
    s->agents = acd_xgrow(s->agents, &s->agents_cap, s->n_agents + 1, sizeof(*s->agents));
    uint32_t a = (uint32_t)s->n_agents++;
    memset(&s->agents[a], 0, sizeof(s->agents[a]));
    s->agents[a].group = gi;
    s->agents[a].state = ACD_AGENT_OFF;
    struct acd_group_rt *g = &s->groups[gi];
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
    touch_group(s, (uint32_t)gi);
    g->n_target = n;
    /* Agents already logged on and not leaving. */
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
        if (ag->state == ACD_AGENT_BUSY && !ag->leaving) {
            ag->leaving = true;
            active--;
        }
    }
    /* Too few: first keep agents who were about to leave, then log on. */
    for (uint32_t i = 0; active < n && i < g->n_members; i++) {
        struct acd_agent *ag = &s->agents[g->members[i]];
        if (ag->state == ACD_AGENT_BUSY && ag->leaving) {
            ag->leaving = false;
            active++;
        }
    }
    for (uint32_t i = 0; active < n; i++) {
        uint32_t a = ACD_NONE;
        for (; i < g->n_members; i++)
            if (s->agents[g->members[i]].state == ACD_AGENT_OFF) {
                a = g->members[i];
                break;
            }
        if (a == ACD_NONE)
            a = agent_new(s, (uint32_t)gi);
        g = &s->groups[gi];
        g->n_staffed++;
        active++;
        agent_available(s, a);
    }
    return 0;
}

int
acd_sim_set_rate(struct acd_sim *s, size_t k, double rate_per_s)
{
    if (k >= s->n_types || !(rate_per_s >= 0) || !isfinite(rate_per_s))
        return -1;
    struct acd_type_rt *t = &s->types[k];
    if (t->arrival_ev != ACD_EVQ_NONE)
        acd_evq_cancel(&s->evq, t->arrival_ev);
    t->rate_per_s = rate_per_s;
    schedule_arrival(s, (uint32_t)k);
    return 0;
}

/* --- lifecycle --------------------------------------------------------- */

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
    s->sl_threshold_s = sc->sl_threshold_s;
    s->capacity = sc->queue_capacity;
    s->lines = sc->queue_lines;
    s->warmup_s = sc->warmup_s;
    s->horizon_end_s = sc->duration_s;

    unsigned total_agents = 0;
    for (size_t g = 0; g < s->n_groups; g++)
        total_agents += sc->groups[g].agents;
    acd_evq_init(&s->evq, 64 + 2 * (size_t)total_agents);
    s->calls_cap = 256 + 2 * (size_t)total_agents;
    s->calls = acd_xmalloc(s->calls_cap * sizeof(*s->calls));
    s->call_free = ACD_NONE;

    s->types = acd_xcalloc(s->n_types, sizeof(*s->types));
    s->groups = acd_xcalloc(s->n_groups, sizeof(*s->groups));
    for (uint32_t k = 0; k < s->n_types; k++) {
        const struct acd_call_type *ct = &sc->call_types[k];
        struct acd_type_rt *t = &s->types[k];
        t->q.head = t->q.tail = ACD_NONE;
        t->arrival_ev = ACD_EVQ_NONE;
        t->rate_per_s = ct->rate_per_s;
        t->handle = &ct->handle;
        t->patience = ct->has_patience ? &ct->patience : NULL;
        t->r_arrivals = acd_rng_new(seed, rep, ACD_STREAM_ARRIVALS, k);
        t->r_handle = acd_rng_new(seed, rep, ACD_STREAM_HANDLE, k);
        t->r_patience = acd_rng_new(seed, rep, ACD_STREAM_PATIENCE, k);
        t->groups = acd_xcalloc(s->n_groups, sizeof(*t->groups));
    }
    for (uint32_t gi = 0; gi < s->n_groups; gi++) {
        const struct acd_agent_group *ag = &sc->groups[gi];
        struct acd_group_rt *g = &s->groups[gi];
        g->idle_head = g->idle_tail = ACD_NONE;
        g->n_skills = (uint32_t)ag->n_skills;
        g->skills = acd_xcalloc(ag->n_skills, sizeof(*g->skills));
        for (size_t i = 0; i < ag->n_skills; i++) {
            uint32_t k = (uint32_t)ag->skills[i];
            g->skills[i] = k;
            s->types[k].groups[s->types[k].n_groups++] = gi;
        }
    }
    s->r_routing = acd_rng_new(seed, rep, ACD_STREAM_ROUTING, 0);

    /* One reported bin for a steady-state horizon, plus the scratch bin. */
    size_t n_bins = 1;
    s->st.n_bins = n_bins;
    s->st.n_types = s->n_types;
    s->st.n_groups = s->n_groups;
    s->st.type_counts = acd_xcalloc((n_bins + 1) * s->n_types, sizeof(struct acd_counts));
    s->st.group_counts = acd_xcalloc((n_bins + 1) * s->n_groups, sizeof(struct acd_counts));
    s->st.hists = acd_xcalloc((n_bins + 1) * s->n_types, sizeof(struct acd_hist));
    s->bin_start_s = acd_xcalloc(n_bins + 1, sizeof(double));
    s->bin_end_s = acd_xcalloc(n_bins + 1, sizeof(double));
    s->bin_start_s[0] = s->warmup_s;
    s->bin_end_s[0] = s->horizon_end_s;

    /* Start in the scratch bin until the warm-up ends. */
    s->time_bin = s->call_bin = (uint32_t)n_bins;
    if (s->warmup_s > 0)
        acd_evq_push(&s->evq, s->warmup_s, ev_prio[EV_BOUNDARY], EV_BOUNDARY, 0);
    else
        s->time_bin = s->call_bin = 0;
    acd_evq_push(&s->evq, s->horizon_end_s, ev_prio[EV_BOUNDARY], EV_BOUNDARY, (uint32_t)n_bins);

    for (uint32_t gi = 0; gi < s->n_groups; gi++)
        acd_sim_set_agents(s, gi, sc->groups[gi].agents);
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
        gsl_rng_free(s->types[k].r_arrivals);
        gsl_rng_free(s->types[k].r_handle);
        gsl_rng_free(s->types[k].r_patience);
        free(s->types[k].groups);
    }
    for (size_t g = 0; g < s->n_groups; g++) {
        free(s->groups[g].skills);
        free(s->groups[g].members);
    }
    gsl_rng_free(s->r_routing);
    free(s->types);
    free(s->groups);
    free(s->calls);
    free(s->agents);
    free(s->st.type_counts);
    free(s->st.group_counts);
    free(s->st.hists);
    free(s->bin_start_s);
    free(s->bin_end_s);
    acd_evq_fini(&s->evq);
    free(s);
}

/* --- stepping ---------------------------------------------------------- */

static inline void
dispatch(struct acd_sim *s, const struct acd_evq_item *ev)
{
    s->now = ev->t;
    s->st.events++;
    handlers[ev->kind](s, ev->obj);
}

bool
acd_sim_run_until(struct acd_sim *s, double t_s)
{
    struct acd_evq_item ev;
    while (acd_evq_peek_time(&s->evq) <= t_s) {
        acd_evq_pop(&s->evq, &ev);
        dispatch(s, &ev);
    }
    if (acd_evq_len(&s->evq) == 0) {
        s->done = true;
        return false;
    }
    if (t_s > s->now)
        s->now = t_s;
    return true;
}

void
acd_sim_run(struct acd_sim *s)
{
    struct acd_evq_item ev;
    while (acd_evq_pop(&s->evq, &ev))
        dispatch(s, &ev);
    s->done = true;
}

bool
acd_sim_step(struct acd_sim *s)
{
    struct acd_evq_item ev;
    if (!acd_evq_pop(&s->evq, &ev)) {
        s->done = true;
        return false;
    }
    dispatch(s, &ev);
    if (acd_evq_len(&s->evq) == 0)
        s->done = true;
    return true;
}

bool
acd_sim_is_done(const struct acd_sim *s)
{
    return s->done;
}

double
acd_sim_now(const struct acd_sim *s)
{
    return s->now;
}

double
acd_sim_horizon_end(const struct acd_sim *s)
{
    return s->horizon_end_s;
}

const struct acd_rep_stats *
acd_sim_stats(struct acd_sim *s)
{
    touch_all(s);
    for (size_t b = 0; b < s->st.n_bins; b++) {
        double lo = s->bin_start_s[b];
        double hi = s->bin_end_s[b] < s->now ? s->bin_end_s[b] : s->now;
        double w = hi > lo ? hi - lo : 0;
        for (size_t k = 0; k < s->n_types; k++)
            s->st.type_counts[b * s->n_types + k].window_s = w;
        for (size_t g = 0; g < s->n_groups; g++)
            s->st.group_counts[b * s->n_groups + g].window_s = w;
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
    return snap;
}

void
acd_snapshot_free(struct acd_snapshot *snap)
{
    if (!snap)
        return;
    free(snap->types);
    free(snap->groups);
    free(snap);
}

void
acd_sim_snapshot(const struct acd_sim *s, struct acd_snapshot *out)
{
    ACD_ASSERT(out->n_types == s->n_types && out->n_groups == s->n_groups);
    out->now_s = s->now;
    out->events = s->st.events;
    for (size_t k = 0; k < s->n_types; k++) {
        const struct acd_queue *q = &s->types[k].q;
        out->types[k].waiting = q->len;
        out->types[k].oldest_wait_s = q->len ? s->now - s->calls[q->head].t_queue : 0;
    }
    for (size_t g = 0; g < s->n_groups; g++) {
        out->groups[g].staffed = s->groups[g].n_staffed;
        out->groups[g].busy = s->groups[g].n_busy;
        out->groups[g].idle = s->groups[g].n_idle;
    }
}
