/*
 * live_ui: the libev loop of `acdsim live` (see live_ui.h).
 *
 * Terminal safety: the screen is given back (endwin) on q, on SIGINT and
 * SIGTERM (ev_signal: they end the loop like q), at exit (atexit), and on
 * the crash signals (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT - ACD_ASSERT
 * aborts), whose handler writes the terminal's saved reset strings and
 * termios with async-signal-safe calls only, then re-raises the signal.
 */
#include "live_ui.h"
#include "live_draw.h"
#include "util.h"

#include <curses.h>
#include <ev.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <term.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define TICK_S            0.05  /* 20 ticks (and at most 20 frames) a second */
#define FAST_BUDGET_S     0.035 /* max speed: simulate this long per tick, then draw */
#define HEADLESS_BUDGET_S 0.2
#define STATUS_S          3.0 /* how long a status message stays */

/* Speeds `+` and `-` step through; 0 is "as fast as possible". */
static const double speeds[] = {1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 0};

struct ui {
    struct acd_live *l;
    struct ev_loop *loop;
    ev_timer tick;
    ev_io keys;
    ev_signal sig_int, sig_term, sig_winch;
    struct acd_live_ui view;
    bool headless, dirty;
    double last_wall;
    double chunk_s; /* max speed: simulated time per advance, adapted */
    double status_until;
};

/* --- terminal safety --------------------------------------------------------- */

static struct termios saved_tio;
static SCREEN *screen;
static volatile sig_atomic_t screen_on;
static char reset_seq[256];
static size_t reset_len;

static void
add_reset(const char *cap)
{
    char *s = tigetstr(cap);
    if (!s || s == (char *)-1)
        return;
    size_t n = strlen(s);
    if (reset_len + n < sizeof(reset_seq)) {
        memcpy(reset_seq + reset_len, s, n);
        reset_len += n;
    }
}

static void
on_crash(int sig)
{
    if (screen_on) {
        ssize_t w = write(STDOUT_FILENO, reset_seq, reset_len);
        (void)w;
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
        screen_on = 0;
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void
screen_off(void)
{
    if (screen_on && !isendwin())
        endwin();
    screen_on = 0;
}

static int
screen_setup(struct ui *u)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fputs("acdsim live: error: needs a terminal on stdin and stdout (or use --no-ui)\n",
              stderr);
        return -1;
    }
    tcgetattr(STDIN_FILENO, &saved_tio);
    screen = newterm(NULL, stdout, stdin);
    if (!screen) {
        fprintf(stderr, "acdsim live: error: cannot use terminal type '%s'\n",
                getenv("TERM") ? getenv("TERM") : "(unset)");
        return -1;
    }
    reset_len = 0;
    add_reset("sgr0");
    add_reset("cnorm");
    add_reset("rmcup");
    screen_on = 1;
    static bool installed;
    if (!installed) {
        installed = true;
        atexit(screen_off);
        struct sigaction sa = {.sa_handler = on_crash};
        sigemptyset(&sa.sa_mask);
        int crash[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
        for (size_t i = 0; i < ACD_ARRAY_LEN(crash); i++)
            sigaction(crash[i], &sa, NULL);
    }
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25);
    acd_live_draw_init(&u->view);
    return 0;
}

/* --- pacing ----------------------------------------------------------------- */

static double
wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static bool
stopped(const struct ui *u)
{
    return u->l->quit || u->l->pause || acd_live_is_done(u->l);
}

/* As fast as possible: advance in chunks of simulated time sized so that
 * one takes a few milliseconds, until the tick's budget is spent. */
static void
run_fast(struct ui *u)
{
    double t0 = wall_now(), budget = u->headless ? HEADLESS_BUDGET_S : FAST_BUDGET_S;
    while (!stopped(u)) {
        double c0 = wall_now();
        acd_live_advance(u->l, acd_sim_now(u->l->sim) + u->chunk_s);
        double c1 = wall_now();
        if (c1 - c0 < 0.002)
            u->chunk_s *= 2;
        else if (c1 - c0 > 0.008 && u->chunk_s > 1)
            u->chunk_s /= 2;
        if (c1 - t0 > budget)
            break;
    }
}

static void
draw(struct ui *u)
{
    if (u->headless)
        return;
    if (u->view.status[0] && wall_now() > u->status_until)
        u->view.status[0] = '\0';
    acd_live_snapshot(u->l);
    acd_live_draw(u->l, &u->view);
    u->dirty = false;
}

static void
status(struct ui *u, const char *msg)
{
    snprintf(u->view.status, sizeof(u->view.status), " %s", msg);
    u->status_until = wall_now() + STATUS_S;
}

static void
on_tick(EV_P_ ev_timer *w, int revents)
{
    (void)revents;
    struct ui *u = w->data;
    double now = ev_now(EV_A);
    double dt = now - u->last_wall;
    u->last_wall = now;
    if (!u->view.paused && !acd_live_is_done(u->l)) {
        if (u->view.speed > 0)
            acd_live_advance(u->l, acd_sim_now(u->l->sim) + u->view.speed * dt);
        else
            run_fast(u);
        u->dirty = true;
    }
    if (u->l->pause) {
        /* Without a screen nobody could resume: a scripted pause is
         * ignored (docs/live.md), the loop goes on. */
        u->l->pause = false;
        if (!u->headless) {
            u->view.paused = true;
            status(u, "paused by the script (space resumes)");
            u->dirty = true;
        }
    }
    if (u->l->quit || (u->headless && acd_live_is_done(u->l))) {
        ev_break(EV_A_ EVBREAK_ALL);
        return;
    }
    if (u->view.status[0] && now > u->status_until)
        u->dirty = true;
    if (u->dirty)
        draw(u);
}

/* --- keys ----------------------------------------------------------------- */

static size_t
speed_index(double speed)
{
    for (size_t i = 0; i < ACD_ARRAY_LEN(speeds); i++)
        if (speeds[i] == speed)
            return i;
    for (size_t i = 0; i + 1 < ACD_ARRAY_LEN(speeds); i++)
        if (speeds[i] > speed)
            return i;
    return ACD_ARRAY_LEN(speeds) - 2;
}

static void
do_pause(struct ui *u)
{
    u->view.paused = !u->view.paused;
    u->last_wall = ev_now(u->loop); /* a pause is not simulated time */
}

static void
do_faster(struct ui *u)
{
    if (u->view.speed == 0)
        return;
    size_t i = speed_index(u->view.speed);
    if (speeds[i] == u->view.speed)
        i++;
    u->view.speed = speeds[i];
}

static void
do_slower(struct ui *u)
{
    if (u->view.speed == 0) {
        u->view.speed = speeds[ACD_ARRAY_LEN(speeds) - 2];
        return;
    }
    size_t i = speed_index(u->view.speed);
    if (i > 0)
        u->view.speed = speeds[i - 1];
}

static void
do_step(struct ui *u)
{
    u->view.paused = true;
    if (!acd_live_step(u->l))
        status(u, "nothing left to simulate");
    u->l->pause = false;
}

static void
adjust(struct ui *u, int delta)
{
    size_t g = u->view.selected;
    if (acd_live_adjust(u->l, g, delta) == 0)
        return;
    char msg[120];
    snprintf(msg, sizeof(msg), "%s has no agent left to remove", u->l->sc->groups[g].name);
    status(u, msg);
}

static void
do_add(struct ui *u)
{
    adjust(u, +1);
}

static void
do_remove(struct ui *u)
{
    adjust(u, -1);
}

static void
do_prev_group(struct ui *u)
{
    size_t n = u->l->sc->n_groups;
    u->view.selected = (u->view.selected + n - 1) % n;
}

static void
do_next_group(struct ui *u)
{
    u->view.selected = (u->view.selected + 1) % u->l->sc->n_groups;
}

static void
do_surge(struct ui *u)
{
    acd_live_surge(u->l);
}

static void
do_restart(struct ui *u)
{
    acd_live_restart(u->l);
}

static void
do_help(struct ui *u)
{
    u->view.help = true;
}

static void
do_quit(struct ui *u)
{
    ev_break(u->loop, EVBREAK_ALL);
}

static const struct key {
    int ch;
    void (*fn)(struct ui *u);
} keys[] = {
    {' ', do_pause},      {'p', do_pause},      {'+', do_faster}, {'=', do_faster},
    {'-', do_slower},     {'n', do_step},       {'a', do_add},    {'d', do_remove},
    {'[', do_prev_group}, {']', do_next_group}, {'s', do_surge},  {'r', do_restart},
    {'?', do_help},       {'h', do_help},       {'q', do_quit},   {'Q', do_quit},
};

static void
on_key(EV_P_ ev_io *w, int revents)
{
    (void)revents;
    struct ui *u = w->data;
    int ch;
    while ((ch = getch()) != ERR) {
        if (ch == KEY_RESIZE)
            continue; /* handled by the SIGWINCH watcher */
        u->dirty = true;
        if (u->view.help && ch != 'q' && ch != 'Q') {
            u->view.help = false; /* any key closes the help box */
            continue;
        }
        for (size_t i = 0; i < ACD_ARRAY_LEN(keys); i++)
            if (keys[i].ch == ch) {
                keys[i].fn(u);
                break;
            }
    }
    (void)EV_A;
    if (u->dirty)
        draw(u); /* keys answer at once, not at the next tick */
}

/* --- signals -------------------------------------------------------------- */

static void
on_stop(EV_P_ ev_signal *w, int revents)
{
    (void)w, (void)revents;
    ev_break(EV_A_ EVBREAK_ALL);
}

static void
on_winch(EV_P_ ev_signal *w, int revents)
{
    (void)revents, (void)EV_A;
    struct ui *u = w->data;
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
        resizeterm(ws.ws_row, ws.ws_col);
    clearok(curscr, TRUE);
    draw(u);
}

int
acd_live_ui_run(struct acd_live *l, const struct acd_live_ui_opts *o)
{
    struct ui u = {.l = l, .headless = o->headless, .chunk_s = 60};
    u.view.speed = o->speed;
    u.view.paused = o->paused && !o->headless; /* nobody could resume */
    if (!u.headless && screen_setup(&u) != 0)
        return -1;
    u.loop = EV_DEFAULT;
    ev_timer_init(&u.tick, on_tick, 0, u.headless && o->speed == 0 ? 0.0001 : TICK_S);
    u.tick.data = &u;
    ev_timer_start(u.loop, &u.tick);
    ev_signal_init(&u.sig_int, on_stop, SIGINT);
    ev_signal_init(&u.sig_term, on_stop, SIGTERM);
    ev_signal_start(u.loop, &u.sig_int);
    ev_signal_start(u.loop, &u.sig_term);
    if (!u.headless) {
        ev_io_init(&u.keys, on_key, STDIN_FILENO, EV_READ);
        u.keys.data = &u;
        ev_io_start(u.loop, &u.keys);
        ev_signal_init(&u.sig_winch, on_winch, SIGWINCH);
        u.sig_winch.data = &u;
        ev_signal_start(u.loop, &u.sig_winch);
        draw(&u);
    }
    ev_now_update(u.loop);
    u.last_wall = ev_now(u.loop);
    ev_run(u.loop, 0);
    ev_timer_stop(u.loop, &u.tick);
    ev_signal_stop(u.loop, &u.sig_int);
    ev_signal_stop(u.loop, &u.sig_term);
    if (!u.headless) {
        ev_io_stop(u.loop, &u.keys);
        ev_signal_stop(u.loop, &u.sig_winch);
        screen_off();
        delscreen(screen);
        screen = NULL;
    }
    return 0;
}
