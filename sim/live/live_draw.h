/*
 * live_draw: the wallboard, drawn with ncurses from a session's snapshot
 * (live.h). It reads, never changes, the simulation; live_ui.c decides when
 * to draw (at most once per tick). Part of the acdsim executable (and of
 * bench_live), never of libacdsim.
 */
#ifndef ACDSIM_LIVE_DRAW_H
#define ACDSIM_LIVE_DRAW_H

#include "live.h"
#include <stdbool.h>
#include <stddef.h>

/* What the view shows besides the simulation. */
struct acd_live_ui {
    double speed; /* simulated seconds per wall second; 0: as fast as possible */
    bool paused;
    bool help;        /* the help box is open */
    bool color;       /* terminal has colours (else letters and attributes) */
    bool utf8;        /* block characters for bars and the sparkline */
    size_t selected;  /* agent group `a` / `d` act on */
    char status[160]; /* one-line message ("csr1 has no agent left to remove") */
};

/* Colours and attributes, after the screen is set up (initscr / newterm).
 * Sets ui->color and ui->utf8. */
void acd_live_draw_init(struct acd_live_ui *ui);
/* Draw one frame of l (l->snap must be fresh) onto stdscr and refresh. */
void acd_live_draw(const struct acd_live *l, const struct acd_live_ui *ui);

#endif
