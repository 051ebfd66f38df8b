/*
 * live_session: the live view's session (live.h) - interventions from the
 * script and the keyboard applied through the public engine API, and the
 * ticker fed by the per-call trace.
 */
#include "live.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static struct acd_live_note *
note(struct acd_live *l, enum acd_live_note_kind kind, size_t index, long a, long b, double x)
{
    struct acd_live_note *n = &l->notes[l->n_notes++ % ACD_LIVE_NOTES];
    *n = (struct acd_live_note){
        .t_s = acd_sim_now(l->sim), .kind = kind, .index = index, .a = a, .b = b, .x = x};
    return n;
}

/* acd_trace_fn: abandons, busy signals and escalations go to the ticker.
 * Runs inside the engine: it only records. */
static void
on_trace(void *ud, const struct acd_trace_rec *r)
{
    struct acd_live *l = ud;
    struct acd_live_note *n = NULL;
    if (r->group != SIZE_MAX)
        l->step_group = r->group;
    if (r->outcome == ACD_OUT_ABANDONED)
        n = note(l, ACD_NOTE_ABANDON, r->type, 0, 0, 0);
    else if (r->outcome == ACD_OUT_BLOCKED)
        n = note(l, ACD_NOTE_BLOCKED, r->type, 0, 0, 0);
    else if (r->after == ACD_AFTER_ESCALATED)
        n = note(l, ACD_NOTE_ESCALATED, r->type, (long)r->tier + 1, 0, 0);
    if (n)
        n->warmup = !r->counted;
}

static void
start(struct acd_live *l)
{
    l->sim = acd_sim_new(l->sc, l->seed, 0);
    acd_sim_set_max_calls(l->sim, l->max_calls);
    acd_sim_set_trace(l->sim, on_trace, l);
    l->next_script = 0;
    l->surge_end_s = (double)INFINITY;
    l->surge_on = false;
    l->quit = l->pause = l->closed_noted = false;
    for (size_t g = 0; g < l->sc->n_groups; g++)
        l->on_shift[g] = 0;
    acd_live_advance(l, l->start_s);
}

struct acd_live *
acd_live_new(const struct acd_scenario *sc, uint64_t seed, const struct acd_live_script *script)
{
    struct acd_live *l = acd_xcalloc(1, sizeof(*l));
    l->sc = sc;
    l->seed = seed;
    l->script = script;
    l->snap = acd_snapshot_new(sc);
    l->before = acd_snapshot_new(sc);
    l->on_shift = acd_xcalloc(sc->n_groups ? sc->n_groups : 1, sizeof(*l->on_shift));
    l->start_s = sc->horizon == ACD_HORIZON_DAY ? sc->open_s : 0;
    start(l);
    return l;
}

void
acd_live_set_max_calls(struct acd_live *l, size_t max_calls)
{
    l->max_calls = max_calls;
    acd_sim_set_max_calls(l->sim, max_calls);
}

void
acd_live_free(struct acd_live *l)
{
    if (!l)
        return;
    acd_sim_free(l->sim);
    acd_snapshot_free(l->snap);
    acd_snapshot_free(l->before);
    free(l->on_shift);
    free(l);
}

static void
set_factor(struct acd_live *l, size_t k, double f)
{
    for (size_t i = 0; i < l->sc->n_call_types; i++)
        if (k == ACD_LIVE_ALL || k == i)
            acd_sim_set_rate_factor(l->sim, i, f);
}

/* A script event, at its time (the engine is at ev->t_s, or later if the
 * script asked for a time before the start). */
static void
apply(struct acd_live *l, const struct acd_live_event *ev)
{
    switch (ev->action) {
    case ACD_LIVE_AGENTS:
        if (acd_sim_adjust_agents(l->sim, ev->index, ev->delta) == 0)
            note(l, ACD_NOTE_AGENTS, ev->index, ev->delta, 1, 0);
        break;
    case ACD_LIVE_RATE:
        set_factor(l, ev->index, ev->factor);
        note(l, ACD_NOTE_SURGE, ev->index, 0, 1, ev->factor);
        break;
    case ACD_LIVE_PAUSE:
        l->pause = true;
        break;
    case ACD_LIVE_QUIT:
        l->quit = true;
        break;
    }
}

/* Time of the next intervention due (script or keyboard surge end). */
static double
next_due(const struct acd_live *l)
{
    double t = l->surge_on ? l->surge_end_s : (double)INFINITY;
    if (l->script && l->next_script < l->script->n && l->script->v[l->next_script].t_s < t)
        t = l->script->v[l->next_script].t_s;
    return t;
}

/* Apply what is due at te: run the engine to just before te first. */
static void
apply_due(struct acd_live *l, double te)
{
    acd_sim_run_before(l->sim, te);
    if (l->surge_on && l->surge_end_s == te) {
        l->surge_on = false;
        set_factor(l, ACD_LIVE_ALL, 1);
        note(l, ACD_NOTE_SURGE, ACD_LIVE_ALL, 0, 0, 1);
    }
    while (l->script && l->next_script < l->script->n && l->script->v[l->next_script].t_s == te &&
           !l->quit)
        apply(l, &l->script->v[l->next_script++]);
    /* Script times before the start apply at the start. */
    while (l->script && l->next_script < l->script->n &&
           l->script->v[l->next_script].t_s < acd_sim_now(l->sim) && !l->quit)
        apply(l, &l->script->v[l->next_script++]);
}

static void
watch_shifts(struct acd_live *l)
{
    acd_live_snapshot(l);
    if (l->snap->closed && !l->closed_noted) {
        l->closed_noted = true;
        /* At the closing time, not when the view looked (a fast run
         * looks once per tick). */
        struct acd_live_note *n = note(l, ACD_NOTE_CLOSED, 0, 0, 0, 0);
        double close_s = l->sc->horizon == ACD_HORIZON_DAY ? l->sc->close_s : l->sc->duration_s;
        if (n->t_s > close_s)
            n->t_s = close_s;
    }
    for (size_t g = 0; g < l->sc->n_groups; g++) {
        const struct acd_snapshot_group *sg = &l->snap->groups[g];
        unsigned on = sg->members - sg->by_state[ACD_AGENT_OFF];
        if (on != l->on_shift[g])
            note(l, ACD_NOTE_SHIFT, g, (long)l->on_shift[g], (long)on, 0);
        l->on_shift[g] = on;
    }
}

bool
acd_live_advance(struct acd_live *l, double t_s)
{
    for (;;) {
        if (l->quit || l->pause || acd_sim_is_done(l->sim))
            break;
        double te = next_due(l);
        if (te > t_s) {
            acd_sim_run_until(l->sim, t_s);
            break;
        }
        apply_due(l, te);
    }
    watch_shifts(l);
    return !acd_sim_is_done(l->sim);
}

/* Agents of group g talking to a caller (ringing counts: the call is
 * theirs). */
static unsigned
talking(const struct acd_snapshot *sn, size_t g)
{
    return sn->groups[g].by_state[ACD_AGENT_TALK] + sn->groups[g].by_state[ACD_AGENT_RING];
}

/* The note of one step that caused no other: what changed between
 * l->before and l->snap, the first that applies of: an arrival, an answer,
 * the end of a talk, of a wrap-up, a break. */
static void
describe_step(struct acd_live *l)
{
    const struct acd_snapshot *a = l->before, *z = l->snap;
    /* The answering group: one with more agents talking, else the one whose
     * agent just ended a call (and took the next at once). */
    long answering = -1;
    for (size_t g = 0; g < z->n_groups && answering < 0; g++)
        if (talking(z, g) > talking(a, g))
            answering = (long)g;
    if (answering < 0 && l->step_group != SIZE_MAX)
        answering = (long)l->step_group;
    size_t grew = SIZE_MAX, shrank = SIZE_MAX, offered = SIZE_MAX;
    for (size_t k = 0; k < z->n_types; k++) {
        if (z->types[k].waiting > a->types[k].waiting && grew == SIZE_MAX)
            grew = k;
        if (z->types[k].waiting < a->types[k].waiting && shrank == SIZE_MAX)
            shrank = k;
        if (z->types[k].day.offered > a->types[k].day.offered && offered == SIZE_MAX)
            offered = k;
    }
    struct acd_live_note *n;
    if (z->calls > a->calls && grew != SIZE_MAX) {
        n = note(l, ACD_NOTE_STEP, grew, ACD_STEP_ARRIVE, (long)z->types[grew].waiting, 0);
    } else if (z->calls > a->calls) {
        n = note(l, ACD_NOTE_STEP, offered, ACD_STEP_ARRIVE_ANSWERED, answering, 0);
    } else if (shrank != SIZE_MAX) {
        const struct acd_snapshot_calls *c0 = &a->types[shrank].day, *c1 = &z->types[shrank].day;
        double wait = c1->answered > c0->answered
                          ? c1->answered_wait_sum_s - c0->answered_wait_sum_s
                          : ACD_NAN;
        n = note(l, ACD_NOTE_STEP, shrank, ACD_STEP_ANSWER, answering, wait);
    } else {
        n = NULL;
        for (size_t g = 0; g < z->n_groups && !n; g++) {
            const unsigned *s0 = a->groups[g].by_state, *s1 = z->groups[g].by_state;
            if (talking(z, g) < talking(a, g))
                n = note(l, ACD_NOTE_STEP, g, ACD_STEP_TALK_END,
                         s1[ACD_AGENT_WRAP] > s0[ACD_AGENT_WRAP], 0);
            else if (s1[ACD_AGENT_WRAP] < s0[ACD_AGENT_WRAP])
                n = note(l, ACD_NOTE_STEP, g, ACD_STEP_WRAP_END, 0, 0);
            else if (s1[ACD_AGENT_BREAK] != s0[ACD_AGENT_BREAK])
                n = note(l, ACD_NOTE_STEP, g, ACD_STEP_BREAK,
                         s1[ACD_AGENT_BREAK] > s0[ACD_AGENT_BREAK], 0);
        }
        if (!n)
            n = note(l, ACD_NOTE_STEP, 0, ACD_STEP_OTHER, 0, 0);
    }
    n->step = true;
}

bool
acd_live_step(struct acd_live *l)
{
    if (acd_sim_is_done(l->sim))
        return false;
    double te = next_due(l);
    if (te <= acd_sim_next_event_s(l->sim))
        apply_due(l, te);
    watch_shifts(l); /* what the interventions did is theirs, not the step's */
    acd_sim_snapshot(l->sim, l->before);
    uint64_t n0 = l->n_notes;
    l->step_group = SIZE_MAX;
    bool more = acd_sim_step(l->sim);
    watch_shifts(l);
    if (l->n_notes == n0)
        describe_step(l);
    for (uint64_t i = n0; i < l->n_notes; i++)
        l->notes[i % ACD_LIVE_NOTES].step = true;
    return more;
}

int
acd_live_adjust(struct acd_live *l, size_t g, int delta)
{
    if (g >= l->sc->n_groups)
        return -1;
    acd_live_snapshot(l);
    const struct acd_snapshot_group *sg = &l->snap->groups[g];
    /* Nobody left to remove: a count-staffed group at 0; a shift-staffed
     * group with no extra agent and nobody on the phones (on break counts:
     * they are taken off at the break's end). */
    bool none_left = l->sc->groups[g].n_shifts > 0
                         ? sg->offset <= 0 && sg->members - sg->by_state[ACD_AGENT_OFF] == 0
                         : sg->target == 0;
    if (delta < 0 && none_left && !l->snap->closed)
        return -1;
    if (acd_sim_adjust_agents(l->sim, g, delta) != 0)
        return -1;
    note(l, ACD_NOTE_AGENTS, g, delta, 0, 0);
    return 0;
}

void
acd_live_surge(struct acd_live *l)
{
    set_factor(l, ACD_LIVE_ALL, ACD_LIVE_SURGE_FACTOR);
    l->surge_on = true;
    l->surge_end_s = acd_sim_now(l->sim) + ACD_LIVE_SURGE_S;
    note(l, ACD_NOTE_SURGE, ACD_LIVE_ALL, 0, 0, ACD_LIVE_SURGE_FACTOR);
}

void
acd_live_restart(struct acd_live *l)
{
    acd_sim_free(l->sim);
    l->seed++;
    l->n_notes = 0;
    start(l);
    note(l, ACD_NOTE_RESTART, 0, (long)(l->seed & 0x7fffffff), 0, 0);
}

void
acd_live_snapshot(struct acd_live *l)
{
    acd_sim_snapshot(l->sim, l->snap);
}

bool
acd_live_is_done(const struct acd_live *l)
{
    return acd_sim_is_done(l->sim);
}

struct acd_results *
acd_live_results(struct acd_live *l)
{
    const struct acd_rep_stats *st = acd_sim_stats(l->sim);
    struct acd_results *r = acd_results_from_reps(l->sc, &st, 1);
    r->seed = l->seed;
    r->threads = 1;
    return r;
}

const struct acd_live_note *
acd_live_note(const struct acd_live *l, size_t i)
{
    if (i >= l->n_notes || i >= ACD_LIVE_NOTES)
        return NULL;
    return &l->notes[(l->n_notes - 1 - i) % ACD_LIVE_NOTES];
}
