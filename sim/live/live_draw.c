/*
 * live_draw: the wallboard (see live_draw.h).
 *
 *   header   clock, interval, speed, RUNNING / PAUSED, SURGE, events
 *   queues   per call type: waiting (bar), oldest wait, service level in
 *            the interval and the day against the target, ASA, abandons
 *   agents   per group: counts by state, occupancy, and a grid of one cell
 *            per agent (letter + colour), "+N more" when it does not fit
 *   sparkline of the service level per interval, event ticker, key line
 *
 * Every panel shrinks to fit 80x24; bigger terminals get wider bars, more
 * grid rows and more ticker lines. Without colours the grid uses letters
 * and the service level bold / reverse, so the screen reads the same on a
 * monochrome terminal (and in tests that capture the text).
 */
#include "live_draw.h"
#include "units.h"
#include "util.h"

#include <curses.h>
#include <langinfo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PAIR_GOOD = 1, PAIR_WARN, PAIR_BAD, PAIR_IDLE, PAIR_TALK, PAIR_WRAP, PAIR_BREAK, PAIR_OFF };

/* Agent cells: a letter always (readable without colour), a colour when
 * there is one. */
static const struct {
    char letter;
    short pair;
    const char *label;
} cell[ACD_AGENT_STATES] = {
    [ACD_AGENT_OFF] = {'-', PAIR_OFF, "off"},     [ACD_AGENT_IDLE] = {'i', PAIR_IDLE, "idle"},
    [ACD_AGENT_TALK] = {'T', PAIR_TALK, "talk"},  [ACD_AGENT_WRAP] = {'w', PAIR_WRAP, "wrap"},
    [ACD_AGENT_BREAK] = {'b', PAIR_BREAK, "brk"}, [ACD_AGENT_RING] = {'r', PAIR_TALK, "ring"},
};

void
acd_live_draw_init(struct acd_live_ui *ui)
{
    ui->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    ui->color = has_colors();
    if (!ui->color)
        return;
    start_color();
    use_default_colors();
    init_pair(PAIR_GOOD, COLOR_GREEN, -1);
    init_pair(PAIR_WARN, COLOR_YELLOW, -1);
    init_pair(PAIR_BAD, COLOR_RED, -1);
    init_pair(PAIR_IDLE, COLOR_BLACK, COLOR_GREEN);
    init_pair(PAIR_TALK, COLOR_WHITE, COLOR_RED);
    init_pair(PAIR_WRAP, COLOR_BLACK, COLOR_YELLOW);
    init_pair(PAIR_BREAK, COLOR_WHITE, COLOR_BLUE);
    init_pair(PAIR_OFF, -1, -1);
}

/* --- small pieces --------------------------------------------------------- */

/* Print at (y, x) at most `w` columns of text (ASCII or UTF-8 from us). */
static void
put(int y, int x, int w, const char *s)
{
    if (w <= 0 || y < 0 || y >= LINES || x >= COLS)
        return;
    /* Names are data: a control character (C0, DEL, a C1 control in
     * UTF-8) is drawn as one '?', so a name can neither move the cursor
     * (ncurses acts on a newline or tab) nor widen a column (^X). */
    char *t = acd_xstrdup(s);
    char *o = t;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            *o++ = '?';
        } else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
            *o++ = '?';
            p++;
        } else {
            *o++ = (char)*p;
        }
    }
    *o = '\0';
    mvaddnstr(y, x, t, w);
    free(t);
}

/* Columns a name takes: its code points (a name is UTF-8 text). */
static int
text_width(const char *s)
{
    int n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xc0) != 0x80;
    return n;
}

/* s in at most w columns into buf: whole when it fits, else its first w - 1
 * code points and an ellipsis ("~" without UTF-8), so a cut is always
 * marked. */
static const char *
fit(const char *s, int w, bool utf8, char *buf, size_t n)
{
    ACD_ASSERT(n > 4);
    if (w < 1) {
        buf[0] = '\0';
        return buf;
    }
    bool cut = text_width(s) > w;
    int keep = cut ? w - 1 : w, cols = 0;
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        bool lead = (*p & 0xc0) != 0x80;
        if (lead && cols == keep)
            break;
        if (o + 4 >= n)
            break;
        cols += lead;
        buf[o++] = (char)*p;
    }
    if (cut) {
        const char *e = utf8 ? "\u2026" : "~";
        size_t el = strlen(e);
        if (o + el < n) {
            memcpy(buf + o, e, el);
            o += el;
        }
    }
    buf[o] = '\0';
    return buf;
}

/* put() of s cut to fit w columns with a mark (see fit). */
static void
put_fit(int y, int x, int w, const char *s, bool utf8)
{
    char buf[512];
    if (x + w > COLS)
        w = COLS - x;
    fit(s, w, utf8, buf, sizeof(buf));
    put(y, x, (int)strlen(buf), buf);
}

/* Width of the name column of call types or groups: the longest name, at
 * least 10, at most 10 plus half the columns past 80 (longer names are cut
 * with a mark). */
static int
name_width(const struct acd_live *l, bool types)
{
    size_t n = types ? l->sc->n_call_types : l->sc->n_groups;
    int w = 10, cap = 10 + (COLS > 80 ? (COLS - 80) / 2 : 0);
    for (size_t i = 0; i < n; i++) {
        int t = text_width(types ? l->sc->call_types[i].name : l->sc->groups[i].name);
        w = t > w ? t : w;
    }
    return w < cap ? w : cap;
}

/* A steady-state run in its warm-up: nothing it shows is counted yet. */
static bool
in_warmup(const struct acd_live *l)
{
    const struct acd_snapshot *sn = l->snap;
    return l->sc->horizon != ACD_HORIZON_DAY && sn->bin >= sn->n_bins && !sn->closed && !sn->done;
}

static const char *
clock_text(const struct acd_live *l, double t_s, char *buf, size_t n)
{
    if (l->sc->horizon == ACD_HORIZON_DAY)
        return acd_units_format_clock(t_s, buf, n);
    long s = (long)floor(t_s);
    snprintf(buf, n, "t+%02ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    return buf;
}

/* Whole-second clock for the header and ticker: "09:31:05". */
static const char *
hms(const struct acd_live *l, double t_s, char *buf, size_t n)
{
    if (l->sc->horizon != ACD_HORIZON_DAY)
        return clock_text(l, t_s, buf, n);
    long s = (long)floor(t_s);
    snprintf(buf, n, "%02ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    return buf;
}

/* Service level status against the target: the colour pair, or for a
 * monochrome screen an attribute (bad: reverse, warning: bold). */
static attr_t
sl_attr(const struct acd_live *l, const struct acd_live_ui *ui, double sl)
{
    double target = l->sc->sl_target;
    if (isnan(sl))
        return A_NORMAL;
    short pair = sl >= target ? PAIR_GOOD : sl >= target - 0.1 ? PAIR_WARN : PAIR_BAD;
    if (ui->color)
        return COLOR_PAIR(pair) | (pair == PAIR_GOOD ? A_NORMAL : A_BOLD);
    return pair == PAIR_BAD ? A_REVERSE : pair == PAIR_WARN ? A_BOLD : A_NORMAL;
}

static double
ratio(double num, double den)
{
    return den > 0 ? num / den : ACD_NAN;
}

static void
put_pct(int y, int x, int w, double v, attr_t attr)
{
    char buf[16];
    if (isnan(v))
        snprintf(buf, sizeof(buf), "%*s", w, "--");
    else
        snprintf(buf, sizeof(buf), "%*.0f%%", w - 1, 100 * v);
    attron(attr);
    put(y, x, w, buf);
    attroff(attr);
}

/* A service level over `offered` calls: "--" for none, "n=4" (the calls
 * so far) below ACD_LIVE_SL_MIN_CALLS, too few to be a percentage that
 * does not jump on every call; else the percentage, coloured. */
static void
put_sl(const struct acd_live *l, const struct acd_live_ui *ui, int y, int x, int w, double within,
       double offered)
{
    if (offered > 0 && offered < ACD_LIVE_SL_MIN_CALLS) {
        char n[16], buf[24];
        snprintf(n, sizeof(n), "n=%.0f", offered);
        snprintf(buf, sizeof(buf), "%*s", w, n);
        put(y, x, w, buf);
        return;
    }
    double sl = ratio(within, offered);
    put_pct(y, x, w, sl, sl_attr(l, ui, sl));
}

/* --- panels ----------------------------------------------------------------- */

static void
draw_header(const struct acd_live *l, const struct acd_live_ui *ui)
{
    const struct acd_snapshot *sn = l->snap;
    const struct acd_scenario *sc = l->sc;
    char now[32], iv[64], speed[24], line[512];
    /* Below 100 columns the header drops its spacing and labels so the
     * seed still fits in 80. */
    bool wide = COLS >= 100;
    const char *sep = wide ? "  " : " ";
    hms(l, sn->now_s, now, sizeof(now));
    if (sc->horizon == ACD_HORIZON_DAY && sn->bin < sn->n_bins) {
        char a[16], b[16];
        double t0 = sc->open_s + (double)sn->bin * sc->interval_s;
        snprintf(iv, sizeof(iv), "%s%s-%s (%zu/%zu)", wide ? "interval " : "",
                 acd_units_format_clock(t0, a, sizeof(a)),
                 acd_units_format_clock(t0 + sc->interval_s, b, sizeof(b)), sn->bin + 1,
                 sn->n_bins);
    } else if (sc->horizon == ACD_HORIZON_DAY) {
        snprintf(iv, sizeof(iv), "%s", sn->closed ? "closed" : "before opening");
    } else {
        snprintf(iv, sizeof(iv), "%s",
                 sn->bin < sn->n_bins ? "steady state"
                 : in_warmup(l)       ? (wide ? "WARM-UP (not counted)" : "WARM-UP")
                                      : "over");
    }
    if (ui->speed > 0)
        snprintf(speed, sizeof(speed), "speed %gx", ui->speed);
    else
        snprintf(speed, sizeof(speed), "speed max");
    const char *state = sn->done ? "DAY OVER" : ui->paused ? "PAUSED" : "RUNNING";
    int n = snprintf(line, sizeof(line), " %s%s%s%s%s%s%s%s%s", wide ? "ACDSIM LIVE" : "LIVE", sep,
                     now, sep, iv, sep, speed, sep, state);
    attron(A_REVERSE);
    mvhline(0, 0, ' ', COLS);
    put(0, 0, COLS, line);
    int x = n > 0 ? n : 0;
    bool surge = l->surge_on;
    for (size_t k = 0; k < sn->n_types; k++)
        surge |= sn->types[k].rate_factor != 1;
    if (surge) {
        attron(A_BOLD);
        char tag[16];
        snprintf(tag, sizeof(tag), "%sSURGE", sep);
        put(0, x, COLS - x, tag);
        attroff(A_BOLD);
        x += (int)strlen(tag);
    }
    char ev[64];
    snprintf(ev, sizeof(ev), "%sev %llu%sseed %llu  ", sep, (unsigned long long)sn->events, sep,
             (unsigned long long)l->seed);
    put(0, x, COLS - x, ev);
    x += (int)strlen(ev);
    if (COLS - x > 8)
        put_fit(0, x, COLS - x - 1, sc->name ? sc->name : "", ui->utf8);
    attroff(A_REVERSE);
}

/* Queues: returns the next free row. */
static int
draw_queues(const struct acd_live *l, const struct acd_live_ui *ui, int y, int max_rows)
{
    const struct acd_snapshot *sn = l->snap;
    /* name, waiting count, bar, then 49 columns of figures and 8 for the
     * channel and a surge factor */
    int nw = name_width(l, true);
    int bar_w = COLS - 65 - nw;
    if (bar_w < 4)
        bar_w = 4;
    int x_bar = nw + 7, x_old = x_bar + bar_w + 1;
    attron(A_BOLD);
    put(y, 0, COLS, " QUEUES");
    char h[256];
    /* "int": this interval; "day": the day so far (the whole run so far
     * in steady state). */
    snprintf(h, sizeof(h), "%-*s %6s %7s %7s %8s %9s %7s", bar_w + 5, "WAITING", "OLDEST", "SL int",
             "SL day", "ASA day", "ABAND day", "CALLS/H");
    put(y, nw + 2, COLS - nw - 2, h);
    attroff(A_BOLD);
    y++;
    int shown = 0;
    for (size_t k = 0; k < sn->n_types && shown < max_rows; k++, shown++, y++) {
        const struct acd_snapshot_type *t = &sn->types[k];
        char buf[128];
        if (shown == max_rows - 1 && k + 1 < sn->n_types) {
            snprintf(buf, sizeof(buf), "  +%zu more call types", sn->n_types - k);
            put(y, 0, COLS, buf);
            y++;
            break;
        }
        put_fit(y, 1, nw, l->sc->call_types[k].name, ui->utf8);
        snprintf(buf, sizeof(buf), "%4u", t->waiting);
        put(y, nw + 2, 4, buf);
        /* Bar: one cell per caller up to the width; a full bar means more. */
        int cells = (int)t->waiting < bar_w ? (int)t->waiting : bar_w;
        attron(ui->color ? COLOR_PAIR(t->waiting ? PAIR_WARN : PAIR_GOOD) : A_BOLD);
        for (int i = 0; i < cells; i++)
            put(y, x_bar + i, 3, ui->utf8 ? "\u2588" : "#");
        attroff(ui->color ? COLOR_PAIR(t->waiting ? PAIR_WARN : PAIR_GOOD) : A_BOLD);
        char old[16];
        if (t->waiting) {
            /* m:ss, as wallboards show it; 99:59 at most */
            int w = t->oldest_wait_s < 5999 ? (int)floor(t->oldest_wait_s) : 5999;
            snprintf(old, sizeof(old), "%d:%02d", w / 60, w % 60);
        } else
            snprintf(old, sizeof(old), "-");
        snprintf(buf, sizeof(buf), "%6s", old);
        put(y, x_old, 6, buf);
        put_sl(l, ui, y, x_old + 7, 7, t->interval.answered_within_t, t->interval.offered);
        put_sl(l, ui, y, x_old + 15, 7, t->day.answered_within_t, t->day.offered);
        double asa = ratio(t->day.answered_wait_sum_s, t->day.answered);
        if (isnan(asa))
            snprintf(buf, sizeof(buf), "%8s", "--");
        else
            snprintf(buf, sizeof(buf), "%7.0fs", asa);
        put(y, x_old + 23, 8, buf);
        snprintf(buf, sizeof(buf), "%9.0f", t->day.abandoned + t->day.blocked);
        put(y, x_old + 32, 9, buf);
        /* No arrivals once closed (the plan's rate would still show). */
        double rate = sn->closed || sn->done ? 0 : t->rate_per_s * 3600;
        snprintf(buf, sizeof(buf), "%7.0f", rate);
        put(y, x_old + 42, 7, buf);
        int x_end = x_old + 49; /* the channel, when not voice, then an intervention */
        enum acd_channel ch = l->sc->call_types[k].channel;
        if (ch != ACD_CHANNEL_VOICE) {
            snprintf(buf, sizeof(buf), " %s", acd_channel_name(ch));
            put(y, x_end, COLS - x_end, buf);
            x_end += (int)strlen(buf);
        }
        if (t->rate_factor != 1) {
            snprintf(buf, sizeof(buf), " x%g", t->rate_factor);
            attron(A_BOLD);
            put(y, x_end, COLS - x_end, buf);
            attroff(A_BOLD);
        }
    }
    return y;
}

/* Rows a group's grid needs at `w` cells a row. */
static int
grid_rows(unsigned members, int w)
{
    return members ? (int)((members + (unsigned)w - 1) / (unsigned)w) : 0;
}

static int
draw_agents(const struct acd_live *l, const struct acd_live_ui *ui, int y, int rows)
{
    const struct acd_snapshot *sn = l->snap;
    int w = COLS - 3;
    if (w < 10)
        w = 10;
    int nw = name_width(l, false);
    attron(A_BOLD);
    put(y, 0, COLS, " AGENTS   (i idle, T talk, w wrap-up, b break, - off shift)");
    attroff(A_BOLD);
    y++;
    rows--;
    size_t ng = sn->n_groups;
    /* One title row per group shown; the rest shared out as grid rows,
     * smallest needs first so small groups show whole. */
    size_t shown = ng;
    if ((int)shown > rows)
        shown = rows > 1 ? (size_t)rows - 1 : 0;
    int left = rows - (int)shown - (shown < ng ? 1 : 0);
    int share[64] = {0};
    size_t nshare = shown < 64 ? shown : 64;
    for (int pass = 0; pass < 64 && left > 0; pass++) {
        bool gave = false;
        for (size_t g = 0; g < nshare && left > 0; g++) {
            if (share[g] < grid_rows(sn->groups[g].members, w)) {
                share[g]++;
                left--;
                gave = true;
            }
        }
        if (!gave)
            break;
    }
    for (size_t g = 0; g < shown; g++) {
        const struct acd_snapshot_group *sg = &sn->groups[g];
        char buf[256];
        double occ = ratio(sg->busy_s, sg->staffed_s);
        char occ_s[8];
        if (isnan(occ))
            snprintf(occ_s, sizeof(occ_s), "--");
        else
            snprintf(occ_s, sizeof(occ_s), "%.0f%%", 100 * occ);
        char plan[32] = "";
        if (sg->by_shifts)
            snprintf(plan, sizeof(plan), "shifts");
        else
            snprintf(plan, sizeof(plan), "target %u", sg->target);
        if (sg->offset)
            snprintf(plan + strlen(plan), sizeof(plan) - strlen(plan), " (%+d)", sg->offset);
        /* Ringing agents (reserved for a call that has not connected yet)
         * are shown only when some call type has a ring time. */
        char ring[24] = "";
        if (acd_scenario_features(l->sc) & ACD_FEAT_RING)
            snprintf(ring, sizeof(ring), " ring %u", sg->by_state[ACD_AGENT_RING]);
        char name[128];
        fit(l->sc->groups[g].name, nw, ui->utf8, name, sizeof(name));
        /* occupancy: over the day so far (the run so far in steady state) */
        snprintf(buf, sizeof(buf),
                 "%c%s%*s %3u on %s talk %u wrap %u idle %u brk %u off %u  occ day %s  %s",
                 g == ui->selected ? '>' : ' ', name, nw - text_width(name), "",
                 sg->members - sg->by_state[ACD_AGENT_OFF], ring, sg->by_state[ACD_AGENT_TALK],
                 sg->by_state[ACD_AGENT_WRAP], sg->by_state[ACD_AGENT_IDLE],
                 sg->by_state[ACD_AGENT_BREAK], sg->by_state[ACD_AGENT_OFF], occ_s, plan);
        if (g == ui->selected)
            attron(A_BOLD);
        put_fit(y, 0, COLS, buf, ui->utf8);
        if (g == ui->selected)
            attroff(A_BOLD);
        y++;
        int r = g < nshare ? share[g] : 0;
        unsigned cap = (unsigned)(r * w), n = sg->members;
        unsigned draw_n = n <= cap ? n : (cap > 10 ? cap - 10 : 0);
        for (unsigned i = 0; i < draw_n; i++) {
            uint8_t st = sn->agent_state[sg->first + i];
            int cy = y + (int)(i / (unsigned)w), cx = 2 + (int)(i % (unsigned)w);
            if (ui->color)
                attron(COLOR_PAIR(cell[st].pair));
            mvaddch(cy, cx, (chtype)cell[st].letter);
            if (ui->color)
                attroff(COLOR_PAIR(cell[st].pair));
        }
        if (draw_n < n) {
            snprintf(buf, sizeof(buf), " +%u more", n - draw_n);
            put(y + r - 1, 2 + (int)(draw_n % (unsigned)w), COLS, buf);
        }
        y += r;
    }
    if (shown < ng) {
        char buf[64];
        snprintf(buf, sizeof(buf), "  +%zu more groups", ng - shown);
        put(y++, 0, COLS, buf);
    }
    return y;
}

static void
draw_sparkline(const struct acd_live *l, const struct acd_live_ui *ui, int y)
{
    static const char *const blocks[] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                         "\u2585", "\u2586", "\u2587", "\u2588"};
    static const char ascii[] = "_.,-=+*#";
    const struct acd_snapshot *sn = l->snap;
    attron(A_BOLD);
    put(y, 0, COLS, " SL/interval");
    attroff(A_BOLD);
    if (in_warmup(l)) {
        char t[24], buf[96];
        snprintf(buf, sizeof(buf), " WARM-UP until %s: calls arriving now are not counted",
                 clock_text(l, l->sc->warmup_s, t, sizeof(t)));
        attron(A_BOLD);
        put_fit(y, 12, COLS - 12, buf, ui->utf8);
        attroff(A_BOLD);
        return;
    }
    size_t upto = sn->bin < sn->n_bins ? sn->bin + 1 : (sn->done || sn->closed ? sn->n_bins : 0);
    int x = 13;
    size_t first = 0;
    int room = COLS - x - 16;
    if (room < 1)
        room = 1;
    if ((int)upto > room)
        first = upto - (size_t)room;
    for (size_t b = first; b < upto; b++, x++) {
        double sl = ratio(sn->bin_within_t[b], sn->bin_offered[b]);
        if (isnan(sl)) {
            put(y, x, 1, " ");
            continue;
        }
        int lv = (int)(sl * 7.999);
        lv = lv < 0 ? 0 : lv > 7 ? 7 : lv;
        attr_t a = sl_attr(l, ui, sl);
        attron(a);
        if (ui->utf8)
            put(y, x, 3, blocks[lv]);
        else
            mvaddch(y, x, (chtype)ascii[lv]);
        attroff(a);
    }
    double off = 0, in = 0;
    for (size_t b = 0; b < sn->n_bins; b++)
        off += sn->bin_offered[b], in += sn->bin_within_t[b];
    char buf[64];
    snprintf(buf, sizeof(buf), "  day ");
    put(y, x, COLS - x, buf);
    put_pct(y, x + 6, 4, ratio(in, off), sl_attr(l, ui, ratio(in, off)));
    snprintf(buf, sizeof(buf), " / %.0f%%", 100 * l->sc->sl_target);
    put(y, x + 10, COLS - x - 10, buf);
}

/* The text of an `n` step's own note (live.h enum acd_live_step). */
static void
step_text(const struct acd_live *l, const struct acd_live_note *n, char *buf, size_t len)
{
    const struct acd_scenario *sc = l->sc;
    const char *type = n->index < sc->n_call_types ? sc->call_types[n->index].name : "a call type";
    const char *group = n->index < sc->n_groups ? sc->groups[n->index].name : "?";
    const char *by = n->b >= 0 && (size_t)n->b < sc->n_groups ? sc->groups[n->b].name : NULL;
    char w[24] = "";
    switch ((enum acd_live_step)n->a) {
    case ACD_STEP_ARRIVE:
        snprintf(buf, len, "%s: call arrived, %ld waiting", type, n->b);
        break;
    case ACD_STEP_ARRIVE_ANSWERED:
        snprintf(buf, len, "%s: call arrived, answered at once%s%s", type, by ? " by " : "",
                 by ? by : "");
        break;
    case ACD_STEP_ANSWER:
        if (!isnan(n->x)) {
            int s = n->x < 5999 ? (int)floor(n->x) : 5999;
            snprintf(w, sizeof(w), " after %d:%02d", s / 60, s % 60);
        }
        if (by)
            snprintf(buf, len, "%s: call answered by %s%s", type, by, w);
        else
            snprintf(buf, len, "%s: a caller left the queue", type);
        break;
    case ACD_STEP_TALK_END:
        snprintf(buf, len, "%s: call ended, agent %s", group, n->b ? "in wrap-up" : "idle");
        break;
    case ACD_STEP_WRAP_END:
        snprintf(buf, len, "%s: wrap-up over, agent idle", group);
        break;
    case ACD_STEP_BREAK:
        snprintf(buf, len, "%s: agent %s", group, n->b ? "went on break" : "back from break");
        break;
    case ACD_STEP_OTHER:
        snprintf(buf, len, "an engine event that changes nothing shown (timer, boundary)");
        break;
    }
}

static void
note_text(const struct acd_live *l, const struct acd_live_note *n, char *buf, size_t len)
{
    const struct acd_scenario *sc = l->sc;
    char t[24], body[256];
    hms(l, n->t_s, t, sizeof(t));
    const char *type = n->index < sc->n_call_types ? sc->call_types[n->index].name : "all";
    const char *group = n->index < sc->n_groups ? sc->groups[n->index].name : "?";
    switch (n->kind) {
    case ACD_NOTE_ABANDON:
        snprintf(body, sizeof(body), "%s: caller abandoned", type);
        break;
    case ACD_NOTE_BLOCKED:
        snprintf(body, sizeof(body), "%s: busy signal", type);
        break;
    case ACD_NOTE_ESCALATED:
        snprintf(body, sizeof(body), "%s: escalated to tier %ld", type, n->a);
        break;
    case ACD_NOTE_SHIFT:
        snprintf(body, sizeof(body), "%s: agents on shift %ld -> %ld", group, n->a, n->b);
        break;
    case ACD_NOTE_AGENTS:
        snprintf(body, sizeof(body), "%s: %+ld agent%s (%s)", group, n->a,
                 n->a == 1 || n->a == -1 ? "" : "s", n->b ? "script" : "key");
        break;
    case ACD_NOTE_SURGE:
        if (n->x == 1)
            snprintf(body, sizeof(body), "%s: surge over, arrivals as planned", type);
        else
            snprintf(body, sizeof(body), "%s: SURGE, arrivals x%g (%s)", type, n->x,
                     n->b ? "script" : "key");
        break;
    case ACD_NOTE_RESTART:
        snprintf(body, sizeof(body), "restarted with seed %llu", (unsigned long long)l->seed);
        break;
    case ACD_NOTE_CLOSED:
        snprintf(body, sizeof(body), "closed: no new calls");
        break;
    case ACD_NOTE_STEP:
        step_text(l, n, body, sizeof(body));
        break;
    }
    snprintf(buf, len, "%s  %s%s%s", t, n->step ? "step: " : "", body,
             n->warmup ? " (warm-up: not counted)" : "");
}

static void
draw_ticker(const struct acd_live *l, const struct acd_live_ui *ui, int y, int rows)
{
    attron(A_BOLD);
    put(y, 0, COLS, " EVENTS");
    attroff(A_BOLD);
    /* Two columns on wide screens. */
    int cols = COLS >= 150 ? 2 : 1, cw = COLS / cols;
    for (int i = 0; i < rows * cols; i++) {
        const struct acd_live_note *n = acd_live_note(l, (size_t)i);
        if (!n)
            break;
        char buf[320];
        note_text(l, n, buf, sizeof(buf));
        put_fit(y + i % rows, 8 + (i / rows) * cw, cw - 9, buf, ui->utf8);
    }
}

static void
draw_help(void)
{
    static const char *const lines[] = {
        "Keys",
        "",
        "space  pause / resume",
        "+ -    speed: 1x ... 3600x, max",
        "n      pause, then one event",
        "a d    add / remove an agent",
        "[ ]    select the agent group",
        "s      surge: arrivals x2, 30 min",
        "r      restart with a new seed",
        "?      this help",
        "q      quit and print the KPIs",
        "",
        "any key closes this box",
    };
    int h = (int)ACD_ARRAY_LEN(lines) + 2, w = 38;
    int y0 = (LINES - h) / 2, x0 = (COLS - w) / 2;
    if (y0 < 0)
        y0 = 0;
    if (x0 < 0)
        x0 = 0;
    for (int i = 0; i < h; i++)
        mvhline(y0 + i, x0, ' ', w);
    attron(A_REVERSE);
    mvhline(y0, x0, ' ', w);
    put(y0, x0 + 2, w - 4, "HELP");
    mvhline(y0 + h - 1, x0, ' ', w);
    attroff(A_REVERSE);
    for (size_t i = 0; i < ACD_ARRAY_LEN(lines); i++)
        put(y0 + 1 + (int)i, x0 + 3, w - 4, lines[i]);
}

void
acd_live_draw(const struct acd_live *l, const struct acd_live_ui *ui)
{
    erase();
    const struct acd_snapshot *sn = l->snap;
    int rows = LINES;
    draw_header(l, ui);
    /* Bottom: sparkline, ticker, key line; the queues take up to a third of
     * the middle, the agents what their grids need, and the ticker the
     * rest (at least 2 rows, 3 from 30 lines): no blank rows while there
     * are events to show. */
    int ticker_min = rows >= 30 ? 3 : 2;
    int middle = rows - 1 - (1 + ticker_min + 1);
    int q_rows = (int)sn->n_types;
    int q_max = middle / 3;
    if (q_rows > q_max)
        q_rows = q_max > 1 ? q_max : 1;
    int y = draw_queues(l, ui, 1, q_rows);
    int w = COLS - 3 < 10 ? 10 : COLS - 3;
    int need = 1;
    for (size_t g = 0; g < sn->n_groups; g++)
        need += 1 + grid_rows(sn->groups[g].members, w);
    int avail = rows - 2 - y; /* agents + ticker */
    int a_rows = need < avail - ticker_min ? need : avail - ticker_min;
    draw_agents(l, ui, y, a_rows);
    int yb = y + (a_rows > 0 ? a_rows : 0);
    draw_sparkline(l, ui, yb);
    draw_ticker(l, ui, yb + 1, rows - 2 - yb);
    char keys[160];
    snprintf(keys, sizeof(keys),
             " SPC pause  +/- speed  n step  a/d agent  [/] group  s surge  r restart  ? help  "
             "q quit");
    if (COLS < (int)strlen(keys))
        snprintf(keys, sizeof(keys),
                 " SPC pause +/- speed n step a/d agent [/] group s surge r restart ? help q quit");
    attron(A_REVERSE);
    mvhline(rows - 1, 0, ' ', COLS);
    put(rows - 1, 0, COLS, ui->status[0] ? ui->status : keys);
    attroff(A_REVERSE);
    if (ui->help)
        draw_help();
    wnoutrefresh(stdscr);
    doupdate();
}
