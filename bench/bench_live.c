/*
 * bench_live: the live view's costs (built only with ncurses; no libev).
 *
 *   bench_live SCENARIO [FRAMES] [COLSxROWS]   default 200 frames, 200x60
 *
 * 1. Redraw: the session is run to mid-day, then FRAMES frames are drawn,
 *    3 simulated seconds apart (60x speed at 20 frames/s), into an ncurses
 *    screen of COLSxROWS on /dev/null. A frame is what live_ui.c does per
 *    tick: snapshot + draw + doupdate. Prints the median and max.
 * 2. Max speed: the whole day through the live path as live_ui.c runs it
 *    at "max" (advance in adaptive chunks, a frame every 50 ms of wall
 *    time), against acd_run on the same scenario (1 replication, 1 thread).
 *    Both simulate the same calls (same seed), so calls/s compare directly.
 */
#include "acdsim/diag.h"
#include "acdsim/run.h"
#include "acdsim/scenario.h"
#include "bench.h"
#include "live.h"
#include "live_draw.h"
#include "util.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_live SCENARIO [FRAMES] [COLSxROWS]\n");
        return 2;
    }
    struct acd_scenario *sc = bench_load_scenario(argv[1]);
    int frames = argc > 2 ? atoi(argv[2]) : 200;
    int cols = 200, rows = 60;
    if (argc > 3 && sscanf(argv[3], "%dx%d", &cols, &rows) != 2) {
        fprintf(stderr, "bench_live: expected COLSxROWS, got '%s'\n", argv[3]);
        return 2;
    }
    if (frames < 1)
        frames = 1;

    /* An ncurses screen of the asked size writing to /dev/null. */
    char buf[32];
    snprintf(buf, sizeof(buf), "%d", cols);
    setenv("COLUMNS", buf, 1);
    snprintf(buf, sizeof(buf), "%d", rows);
    setenv("LINES", buf, 1);
    if (!getenv("TERM"))
        setenv("TERM", "xterm-256color", 1);
    FILE *null_out = fopen("/dev/null", "w");
    FILE *null_in = fopen("/dev/null", "r");
    SCREEN *scr = newterm(NULL, null_out, null_in);
    if (!scr) {
        fprintf(stderr, "bench_live: cannot open terminal type %s\n", getenv("TERM"));
        return 1;
    }
    struct acd_live_ui ui = {.speed = 60};
    acd_live_draw_init(&ui);

    /* 1. Redraw cost at mid-day. */
    struct acd_live *l = acd_live_new(sc, sc->seed, NULL);
    double mid =
        sc->horizon == ACD_HORIZON_DAY ? (sc->open_s + sc->close_s) / 2 : sc->duration_s / 2;
    acd_live_advance(l, mid);
    double *ms = acd_xmalloc((size_t)frames * sizeof(*ms));
    for (int i = 0; i < frames; i++) {
        acd_live_advance(l, acd_sim_now(l->sim) + 3);
        double t0 = bench_wall_now();
        acd_live_snapshot(l);
        acd_live_draw(l, &ui);
        ms[i] = 1e3 * (bench_wall_now() - t0);
    }
    qsort(ms, (size_t)frames, sizeof(*ms), cmp_double);
    size_t agents = l->snap->n_agents;
    acd_live_free(l);

    /* 2. The whole day at max speed through the live path. */
    l = acd_live_new(sc, sc->seed, NULL);
    double chunk = 60, t0 = bench_wall_now(), next_frame = t0;
    unsigned n_frames = 0;
    while (!acd_live_is_done(l)) {
        double c0 = bench_wall_now();
        acd_live_advance(l, acd_sim_now(l->sim) + chunk);
        double c1 = bench_wall_now();
        if (c1 - c0 < 0.002)
            chunk *= 2;
        else if (c1 - c0 > 0.008 && chunk > 1)
            chunk /= 2;
        if (c1 >= next_frame) {
            acd_live_snapshot(l);
            acd_live_draw(l, &ui);
            n_frames++;
            next_frame = c1 + 0.05;
        }
    }
    double live_s = bench_wall_now() - t0;
    acd_live_snapshot(l);
    uint64_t live_calls = l->snap->calls;
    acd_live_free(l);
    endwin();
    delscreen(scr);
    fclose(null_out);
    fclose(null_in);

    struct acd_run_opts o = {.threads = 1, .replications = 1};
    struct acd_results *r = acd_run(sc, &o);

    printf("scenario        %s (%zu agents)\n", sc->name, agents);
    printf("screen          %dx%d, %d frames\n", cols, rows, frames);
    printf("frame_ms        median %.2f  p90 %.2f  max %.2f\n", ms[frames / 2], ms[frames * 9 / 10],
           ms[frames - 1]);
    printf("live_max_speed  %llu calls in %.3f s = %.0f calls/s (%u frames drawn)\n",
           (unsigned long long)live_calls, live_s, (double)live_calls / live_s, n_frames);
    printf("acd_run         %llu calls in %.3f s = %.0f calls/s\n", (unsigned long long)r->calls,
           r->wall_s, (double)r->calls / r->wall_s);
    printf("ratio           %.2f\n",
           ((double)live_calls / live_s) / ((double)r->calls / r->wall_s));
    free(ms);
    acd_results_free(r);
    acd_scenario_free(sc);
    return 0;
}
