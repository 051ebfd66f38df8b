/*
 * live_ui: the event loop of `acdsim live` (libev). An ev_timer paces the
 * session (live.h) to the wall clock, an ev_io reads keys, ev_signal
 * handles SIGWINCH, SIGINT and SIGTERM; the screen (live_draw.h) is drawn
 * at most once per tick. The headless mode runs the same loop, timer and
 * interventions without a terminal (tests, benchmarks). Executable only.
 */
#ifndef ACDSIM_LIVE_UI_H
#define ACDSIM_LIVE_UI_H

#include "live.h"
#include <stdbool.h>

struct acd_live_ui_opts {
    double speed; /* simulated seconds per wall second; 0: as fast as possible */
    bool paused;  /* start paused */
    bool headless;
};

/* Run until the user quits (q, Ctrl-C, SIGTERM) or a script's `quit`; the
 * headless mode also ends when the replication is finished. Restores the
 * terminal before returning. Returns 0, or -1 after printing why the
 * terminal could not be used. */
int acd_live_ui_run(struct acd_live *l, const struct acd_live_ui_opts *o);

#endif
