/*
 * live: the live view's session - one replication driven through the step
 * API of sim.h, with the interventions of a script and of the keyboard, and
 * a ticker of notable events. It knows nothing of the terminal or of the
 * event loop: live_ui.c paces it to the wall clock and draws it
 * (live_draw.c), the headless path (--no-ui) and bench_live run it alone.
 *
 * Determinism: the session's results depend only on the scenario, the seed
 * and the interventions with their simulated times - not on how time was
 * cut into ticks, on pauses, or on snapshots (which change nothing).
 * Scripted interventions at time t apply before the events at t
 * (acd_sim_run_before), keyboard ones at the current simulated time.
 *
 * Part of the acdsim executable only, not of libacdsim.
 */
#ifndef ACDSIM_LIVE_H
#define ACDSIM_LIVE_H

#include "acdsim/run.h"
#include "acdsim/scenario.h"
#include "acdsim/sim.h"
#include "live_script.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Ticker entries (formatted when drawn, not when they happen). */
enum acd_live_note_kind {
    ACD_NOTE_ABANDON,   /* index: call type */
    ACD_NOTE_BLOCKED,   /* busy signal; index: call type */
    ACD_NOTE_ESCALATED, /* index: call type, a: tier it goes to */
    ACD_NOTE_SHIFT,     /* agents on shift changed; index: group, a -> b */
    ACD_NOTE_AGENTS,    /* intervention; index: group, a: delta, b: 1 if scripted */
    ACD_NOTE_SURGE,     /* index: call type or ACD_LIVE_ALL, x: factor, b: 1 if scripted */
    ACD_NOTE_RESTART,   /* a: new seed (low 32 bits) */
    ACD_NOTE_CLOSED,
    ACD_NOTE_STEP, /* what one `n` step did: a: enum acd_live_step, index: call
                      type or group, b: group (or -1) or count, x: wait (NaN: none) */
};

/* What one engine event did, as `n` (acd_live_step) sees it in the
 * snapshots before and after (the engine does not name its events). */
enum acd_live_step {
    ACD_STEP_ARRIVE,          /* index: type; b: callers waiting after it */
    ACD_STEP_ARRIVE_ANSWERED, /* index: type; b: answering group */
    ACD_STEP_ANSWER,          /* index: type; b: answering group; x: its wait */
    ACD_STEP_TALK_END,        /* index: group; b: 1 into wrap-up, 0 idle */
    ACD_STEP_WRAP_END,        /* index: group */
    ACD_STEP_BREAK,           /* index: group; b: 1 starts, 0 ends */
    ACD_STEP_OTHER,           /* nothing the wallboard shows changed */
};

struct acd_live_note {
    double t_s;
    enum acd_live_note_kind kind;
    size_t index;
    long a, b;
    double x;
    bool step;   /* made by an `n` step (drawn with "step") */
    bool warmup; /* the call arrived in the warm-up: not counted */
};

#define ACD_LIVE_NOTES 64 /* ring size: more than any screen shows */

struct acd_live {
    const struct acd_scenario *sc;        /* borrowed */
    const struct acd_live_script *script; /* borrowed; NULL: none */
    size_t next_script;                   /* first script event not applied */
    uint64_t seed;
    struct acd_sim *sim;
    struct acd_snapshot *snap;   /* refreshed by acd_live_snapshot */
    struct acd_snapshot *before; /* acd_live_step: the state before its event */
    size_t step_group;           /* acd_live_step: group of the last call that ended in it */
    double start_s;              /* where the view starts (day: opening) */
    double surge_end_s;          /* keyboard surge: when it ends (INFINITY: none) */
    bool surge_on;
    bool quit, pause; /* a script asked (the caller clears pause) */
    bool closed_noted;
    unsigned *on_shift; /* per group: agents on shift at the last look */
    struct acd_live_note notes[ACD_LIVE_NOTES];
    uint64_t n_notes; /* ever added; the last min(n, ACD_LIVE_NOTES) are kept */
    size_t max_calls; /* the overload guard of every sim (0: default) */
};

/* Start a session of sc with seed; script may be NULL. Borrows both. The
 * clock is advanced to the start of the horizon (opening of a day). */
struct acd_live *acd_live_new(const struct acd_scenario *sc, uint64_t seed,
                              const struct acd_live_script *script);
void acd_live_free(struct acd_live *l); /* NULL: no-op */
/* The overload guard (sim.h acd_sim_set_max_calls) of this session's
 * replication and of every restart. Once it trips the session is done
 * (acd_live_is_done) and acd_sim_overload tells where. */
void acd_live_set_max_calls(struct acd_live *l, size_t max_calls);

/* Run to simulated time t_s (clamped to now), applying the interventions
 * due on the way. Stops early at a scripted `quit` (l->quit) or `pause`
 * (l->pause). Returns false once the replication is finished. */
bool acd_live_advance(struct acd_live *l, double t_s);
/* Exactly one engine event (the interventions due before it first). The
 * ticker says what it did: the notes it caused (an abandon...) are marked
 * `step`, else one ACD_NOTE_STEP note describes it. */
bool acd_live_step(struct acd_live *l);
/* Keyboard interventions at the current time: one agent more or fewer in
 * group g (on a shift-staffed group an offset on top of the roster;
 * returns -1 for g out of range or when no agent is left to remove); all
 * arrivals x2 for 30 simulated minutes. */
int acd_live_adjust(struct acd_live *l, size_t g, int delta);
void acd_live_surge(struct acd_live *l);
/* Start over with seed + 1; the script is replayed from its start. */
void acd_live_restart(struct acd_live *l);
/* Refresh l->snap (read only for the sim). */
void acd_live_snapshot(struct acd_live *l);
bool acd_live_is_done(const struct acd_live *l);
/* The run so far as results of one replication (acd_results_free). */
struct acd_results *acd_live_results(struct acd_live *l);
/* The i-th latest note (0 = newest), NULL past the kept ones. */
const struct acd_live_note *acd_live_note(const struct acd_live *l, size_t i);

#define ACD_LIVE_SURGE_FACTOR 2.0
#define ACD_LIVE_SURGE_S      (30 * 60.0)
/* A service level over fewer offered calls is not shown as a percentage
 * (it jumps on every call): the wallboard shows the count, "n=4", instead. */
#define ACD_LIVE_SL_MIN_CALLS 10

#endif
