/*
 * Unit tests for roster: the template checks, the integer program's
 * optimum against an exhaustive search of small random instances (every
 * count of every agent type: template, group, start and break placements,
 * with pruning that never drops a cheaper roster), an independent checker
 * of every roster returned, GLPK's silence and determinism.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* After the four above, which it needs and does not include. */
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acdsim/roster.h"
#include "approx.h"

/* INFINITY as a double (plain INFINITY is a float). */
#define INF ((double)INFINITY)

/* ------------------------------------------------------------ helpers */

static uint64_t
splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in 0..n-1. */
static unsigned
rnd(uint64_t *s, unsigned n)
{
    return (unsigned)(splitmix64(s) % n);
}

/* The share of [b0, b1) that [a0, a1) spans. */
static double
span(double a0, double a1, double b0, double b1)
{
    double lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi > lo ? (hi - lo) / (b1 - b0) : 0.0;
}

static size_t
grid_count(const struct acd_roster_break *b)
{
    size_t n = 0;
    for (double at = b->earliest_s; at <= b->latest_s + 1e-9;
         at = b->earliest_s + (double)n * b->step_s)
        n++;
    return n;
}

static double
paid_h(const struct acd_roster_template *t)
{
    double h = t->length_s;
    for (size_t b = 0; b < t->n_breaks; b++)
        h -= t->breaks[b].paid ? 0.0 : t->breaks[b].length_s;
    return h / 3600.0;
}

static bool
lists(const struct acd_roster_template *t, size_t g)
{
    for (size_t k = 0; k < t->n_groups; k++)
        if (t->groups[k] == g)
            return true;
    return false;
}

/* ------------------------------------------------------------ instances */

#define MAX_T    3
#define MAX_BINS 12
#define MAX_G    2

struct inst {
    double bin_start[MAX_BINS], bin_end[MAX_BINS];
    double req[MAX_BINS * MAX_G], rate[MAX_G];
    struct acd_roster_template t[MAX_T];
    double starts[MAX_T][4];
    struct acd_roster_break br[MAX_T][2];
    size_t groups[MAX_T][2];
    struct acd_roster_problem p;
};

/* An agent type: a template, group, start and one placement per break. */
struct type {
    size_t tmpl, group, start;
    double at[2];
    double cost;
    double cov[MAX_BINS]; /* on the phones, in its group */
};

#define MAX_TYPES 256

struct brute {
    const struct inst *in;
    size_t n;
    struct type ty[MAX_TYPES];
    /* ratio[k][bin * ng + g]: least cost per unit of coverage of (bin, g)
     * among types k.. (INF: none covers it); tcost[k][t]: the least
     * cost of a type of template t among types k.. */
    double ratio[MAX_TYPES + 1][MAX_BINS * MAX_G];
    double tcost[MAX_TYPES + 1][MAX_T];
    unsigned count_tgs[MAX_T][MAX_G][4], count_t[MAX_T];
    double cov[MAX_BINS * MAX_G];
    double best;
    unsigned cap; /* most agents per (template, group, start) */
};

static void
types_of(struct brute *bf)
{
    const struct inst *in = bf->in;
    const struct acd_roster_problem *p = &in->p;
    bf->n = 0;
    for (size_t t = 0; t < p->n_templates; t++) {
        const struct acd_roster_template *tp = &p->templates[t];
        size_t np[2] = {1, 1};
        for (size_t b = 0; b < tp->n_breaks; b++)
            np[b] = grid_count(&tp->breaks[b]);
        for (size_t g = 0; g < p->n_groups; g++) {
            if (!lists(tp, g))
                continue;
            for (size_t s = 0; s < tp->n_starts; s++)
                for (size_t q0 = 0; q0 < np[0]; q0++)
                    for (size_t q1 = 0; q1 < np[1]; q1++) {
                        assert_true(bf->n < MAX_TYPES);
                        struct type *ty = &bf->ty[bf->n++];
                        memset(ty, 0, sizeof *ty);
                        ty->tmpl = t;
                        ty->group = g;
                        ty->start = s;
                        size_t q[2] = {q0, q1};
                        for (size_t b = 0; b < tp->n_breaks; b++)
                            ty->at[b] =
                                tp->breaks[b].earliest_s + (double)q[b] * tp->breaks[b].step_s;
                        ty->cost = paid_h(tp) * p->rate[g];
                        double st = tp->starts_s[s];
                        for (size_t i = 0; i < p->n_bins; i++) {
                            double c =
                                span(st, st + tp->length_s, p->bin_start_s[i], p->bin_end_s[i]);
                            for (size_t b = 0; b < tp->n_breaks; b++)
                                c -= span(st + ty->at[b], st + ty->at[b] + tp->breaks[b].length_s,
                                          p->bin_start_s[i], p->bin_end_s[i]);
                            ty->cov[i] = c;
                        }
                    }
        }
    }
    size_t ng = p->n_groups, nb = p->n_bins;
    for (size_t k = bf->n + 1; k-- > 0;) {
        for (size_t j = 0; j < nb * ng; j++)
            bf->ratio[k][j] = k == bf->n ? INF : bf->ratio[k + 1][j];
        for (size_t t = 0; t < MAX_T; t++)
            bf->tcost[k][t] = k == bf->n ? INF : bf->tcost[k + 1][t];
        if (k == bf->n)
            continue;
        const struct type *ty = &bf->ty[k];
        for (size_t i = 0; i < nb; i++)
            if (ty->cov[i] > 1e-12) {
                double r = ty->cost / ty->cov[i];
                double *d = &bf->ratio[k][i * ng + ty->group];
                *d = r < *d ? r : *d;
            }
        if (ty->cost < bf->tcost[k][ty->tmpl])
            bf->tcost[k][ty->tmpl] = ty->cost;
    }
}

static void
dfs(struct brute *bf, size_t k, double cost)
{
    const struct acd_roster_problem *p = &bf->in->p;
    size_t ng = p->n_groups, nb = p->n_bins;
    if (cost >= bf->best - 1e-9)
        return;
    /* A lower bound on the cost still to add, and infeasibility. */
    double lb_cov = 0.0, lb_min = 0.0;
    for (size_t j = 0; j < nb * ng; j++) {
        double d = p->required[j] - bf->cov[j];
        if (d > 1e-9) {
            if (bf->ratio[k][j] == INF)
                return;
            double lb = d * bf->ratio[k][j];
            lb_cov = lb > lb_cov ? lb : lb_cov;
        }
    }
    for (size_t t = 0; t < p->n_templates; t++)
        if (bf->count_t[t] < p->templates[t].min) {
            if (bf->tcost[k][t] == INF)
                return;
            lb_min += (p->templates[t].min - bf->count_t[t]) * bf->tcost[k][t];
        }
    double lb = lb_cov > lb_min ? lb_cov : lb_min;
    if (cost + lb >= bf->best - 1e-9)
        return;
    if (k == bf->n) {
        bf->best = cost; /* feasible: no deficit, every min met */
        return;
    }
    const struct type *ty = &bf->ty[k];
    const struct acd_roster_template *tp = &p->templates[ty->tmpl];
    /* More agents of this type than the largest deficit it covers (or
     * its template's missing minimum) needs never pay: one fewer would
     * do as well for less. */
    unsigned useful = tp->min > bf->count_t[ty->tmpl] ? tp->min - bf->count_t[ty->tmpl] : 0;
    for (size_t i = 0; i < nb; i++) {
        double d = p->required[i * ng + ty->group] - bf->cov[i * ng + ty->group];
        if (ty->cov[i] > 1e-12 && d > 1e-9) {
            unsigned need = (unsigned)ceil(d / ty->cov[i] - 1e-9);
            useful = need > useful ? need : useful;
        }
    }
    unsigned *tgs = &bf->count_tgs[ty->tmpl][ty->group][ty->start];
    unsigned hi = useful;
    if (*tgs + hi > bf->cap)
        hi = bf->cap - *tgs;
    if (tp->max != ACD_ROSTER_NO_MAX && bf->count_t[ty->tmpl] + hi > tp->max)
        hi = tp->max - bf->count_t[ty->tmpl];
    for (unsigned c = hi + 1; c-- > 0;) {
        for (size_t i = 0; i < nb; i++)
            bf->cov[i * ng + ty->group] += c * ty->cov[i];
        *tgs += c;
        bf->count_t[ty->tmpl] += c;
        dfs(bf, k + 1, cost + c * ty->cost);
        *tgs -= c;
        bf->count_t[ty->tmpl] -= c;
        for (size_t i = 0; i < nb; i++)
            bf->cov[i * ng + ty->group] -= c * ty->cov[i];
    }
}

/* The least cost over every roster (INF: none). */
static double
brute_force(const struct inst *in)
{
    static struct brute bf;
    memset(&bf, 0, sizeof bf);
    bf.in = in;
    bf.cap = 8;
    bf.best = INF;
    types_of(&bf);
    dfs(&bf, 0, 0.0);
    return bf.best;
}

/* Whether some agent of a template listing g can be on the phones in
 * interval i at all (over every type). */
static bool
coverable(const struct inst *in, size_t i, size_t g)
{
    static struct brute bf;
    memset(&bf, 0, sizeof bf);
    bf.in = in;
    types_of(&bf);
    for (size_t k = 0; k < bf.n; k++)
        if (bf.ty[k].group == g && bf.ty[k].cov[i] > 1e-9)
            return true;
    return false;
}

static void
inst_link(struct inst *in, size_t nb, size_t ng, size_t nt)
{
    in->p = (struct acd_roster_problem){
        .n_bins = nb,
        .n_groups = ng,
        .bin_start_s = in->bin_start,
        .bin_end_s = in->bin_end,
        .required = in->req,
        .rate = in->rate,
        .n_templates = nt,
        .templates = in->t,
    };
}

/* A small random instance; requirements no template can staff are
 * dropped unless keep_uncovered. */
static void
inst_random(struct inst *in, uint64_t seed, bool keep_uncovered)
{
    uint64_t s = seed;
    memset(in, 0, sizeof *in);
    size_t nb = 8 + rnd(&s, 5), ng = 1 + rnd(&s, 2), nt = 2 + rnd(&s, 2);
    double day0 = 8 * 3600.0;
    for (size_t i = 0; i < nb; i++) {
        in->bin_start[i] = day0 + 1800.0 * (double)i;
        in->bin_end[i] = in->bin_start[i] + 1800.0;
    }
    for (size_t g = 0; g < ng; g++)
        in->rate[g] = 10.0 + rnd(&s, 21);
    for (size_t t = 0; t < nt; t++) {
        struct acd_roster_template *tp = &in->t[t];
        tp->name = "t";
        tp->length_s = 1800.0 * (4 + rnd(&s, 3));
        /* starts on a 15-minute grid, from half an hour before the day
         * to half an hour past its end (shift parts outside count nowhere) */
        unsigned slots = (unsigned)(nb * 2 + 4), ns = 1 + rnd(&s, 3), got = 0;
        unsigned pick[4];
        while (got < ns) {
            unsigned v = rnd(&s, slots);
            bool dup = false;
            for (unsigned k = 0; k < got; k++)
                dup = dup || pick[k] == v;
            if (!dup)
                pick[got++] = v;
        }
        for (unsigned a = 0; a < got; a++)
            for (unsigned b = a + 1; b < got; b++)
                if (pick[b] < pick[a]) {
                    unsigned x = pick[a];
                    pick[a] = pick[b];
                    pick[b] = x;
                }
        for (unsigned k = 0; k < ns; k++)
            in->starts[t][k] = day0 - 1800.0 + 900.0 * pick[k];
        tp->n_starts = ns;
        tp->starts_s = in->starts[t];
        size_t nbrk = rnd(&s, 3);
        double pos = 1800.0;
        tp->n_breaks = 0;
        for (size_t b = 0; b < nbrk; b++) {
            double len = 900.0 * (1 + rnd(&s, 2));
            unsigned np = 1 + rnd(&s, 3);
            while (np > 0 && pos + 900.0 * (np - 1) + len > tp->length_s)
                np--;
            if (np == 0)
                break;
            in->br[t][b] = (struct acd_roster_break){.length_s = len,
                                                     .earliest_s = pos,
                                                     .latest_s = pos + 900.0 * (np - 1),
                                                     .step_s = 900.0,
                                                     .paid = rnd(&s, 2) == 0};
            pos = in->br[t][b].latest_s + len;
            tp->n_breaks++;
        }
        tp->breaks = in->br[t];
        tp->min = rnd(&s, 3) == 0 ? 1 + rnd(&s, 2) : 0;
        tp->max = rnd(&s, 3) == 0 ? tp->min + rnd(&s, 3) : ACD_ROSTER_NO_MAX;
        if (ng == 1) {
            in->groups[t][0] = 0;
            tp->n_groups = 1;
        } else {
            unsigned w = rnd(&s, 3);
            tp->n_groups = w == 2 ? 2 : 1;
            in->groups[t][0] = w == 2 ? 1 : w; /* {1, 0}: listed out of order */
            in->groups[t][1] = 0;
        }
        tp->groups = in->groups[t];
        assert_null(acd_roster_template_check(tp));
    }
    for (size_t j = 0; j < nb * ng; j++)
        in->req[j] = rnd(&s, 4) == 0 ? 0.0 : (double)rnd(&s, 5);
    inst_link(in, nb, ng, nt);
    if (!keep_uncovered)
        for (size_t i = 0; i < nb; i++)
            for (size_t g = 0; g < ng; g++)
                if (!coverable(in, i, g))
                    in->req[i * ng + g] = 0.0;
}

/* ------------------------------------------------------------ checker */

static int
line_cmp(const struct acd_roster_problem *p, const struct acd_roster_line *a,
         const struct acd_roster_line *b)
{
    if (a->tmpl != b->tmpl)
        return a->tmpl < b->tmpl ? -1 : 1;
    if (a->group != b->group)
        return a->group < b->group ? -1 : 1;
    if (a->start_s != b->start_s)
        return a->start_s < b->start_s ? -1 : 1;
    for (size_t k = 0; k < p->templates[a->tmpl].n_breaks; k++)
        if (a->break_at_s[k] != b->break_at_s[k])
            return a->break_at_s[k] < b->break_at_s[k] ? -1 : 1;
    return 0;
}

/* Everything a returned roster promises, recomputed from its lines. */
static void
check_solution(const struct acd_roster_problem *p, const struct acd_roster_solution *sol)
{
    size_t nb = p->n_bins, ng = p->n_groups;
    assert_true(sol->status == ACD_ROSTER_OPTIMAL || sol->status == ACD_ROSTER_FEASIBLE);
    if (sol->status == ACD_ROSTER_OPTIMAL)
        assert_true(sol->gap == 0.0);
    unsigned per_t[MAX_T + 8] = {0};
    double cov[64], sched[64], cost = 0.0, hours = 0.0;
    assert_true(nb * ng <= 64 && p->n_templates <= MAX_T + 8);
    memset(cov, 0, sizeof cov);
    memset(sched, 0, sizeof sched);
    for (size_t l = 0; l < sol->n_lines; l++) {
        const struct acd_roster_line *ln = &sol->lines[l];
        assert_true(ln->tmpl < p->n_templates);
        const struct acd_roster_template *tp = &p->templates[ln->tmpl];
        assert_true(ln->count > 0);
        assert_true(lists(tp, ln->group));
        bool start_ok = false;
        for (size_t s = 0; s < tp->n_starts; s++)
            start_ok = start_ok || tp->starts_s[s] == ln->start_s;
        assert_true(start_ok);
        for (size_t b = 0; b < tp->n_breaks; b++) {
            const struct acd_roster_break *br = &tp->breaks[b];
            double at = ln->break_at_s[b];
            assert_true(at >= br->earliest_s - 1e-9 && at <= br->latest_s + 1e-9);
            double k = (at - br->earliest_s) / br->step_s;
            assert_true(fabs(k - round(k)) < 1e-9);
            assert_true(at >= 0.0 && at + br->length_s <= tp->length_s + 1e-9);
            if (b + 1 < tp->n_breaks)
                assert_true(at + br->length_s <= ln->break_at_s[b + 1] + 1e-9);
        }
        if (l > 0)
            assert_true(line_cmp(p, &sol->lines[l - 1], ln) < 0); /* ordered, merged */
        per_t[ln->tmpl] += ln->count;
        double h = paid_h(tp) * ln->count;
        hours += h;
        cost += h * p->rate[ln->group];
        for (size_t i = 0; i < nb; i++) {
            double a = p->bin_start_s[i], z = p->bin_end_s[i];
            double sh = span(ln->start_s, ln->start_s + tp->length_s, a, z), on = sh;
            for (size_t b = 0; b < tp->n_breaks; b++) {
                double at = ln->start_s + ln->break_at_s[b];
                on -= span(at, at + tp->breaks[b].length_s, a, z);
            }
            cov[i * ng + ln->group] += ln->count * on;
            sched[i * ng + ln->group] += ln->count * sh;
        }
    }
    for (size_t t = 0; t < p->n_templates; t++) {
        assert_true(per_t[t] >= p->templates[t].min);
        assert_true(p->templates[t].max == ACD_ROSTER_NO_MAX || per_t[t] <= p->templates[t].max);
    }
    double *cov2 = calloc(nb * ng + 1, sizeof *cov2), *sched2 = calloc(nb * ng + 1, sizeof *sched2);
    acd_roster_coverage(p, sol->n_lines, sol->lines, cov2, sched2);
    for (size_t j = 0; j < nb * ng; j++) {
        assert_true(cov[j] >= p->required[j] - 1e-9);
        assert_approx(sol->coverage[j], cov[j], 1e-12, 1e-9);
        assert_approx(sol->scheduled[j], sched[j], 1e-12, 1e-9);
        assert_true(cov2[j] == sol->coverage[j] && sched2[j] == sol->scheduled[j]);
    }
    free(cov2);
    free(sched2);
    assert_approx(sol->cost, cost, 1e-12, 1e-9);
    assert_approx(sol->paid_hours, hours, 1e-12, 1e-9);
}

/* -------------------------------------------------------------- tests */

static void
test_template_check(void **state)
{
    (void)state;
    double starts[] = {8 * 3600.0, 9 * 3600.0};
    size_t groups[] = {0};
    struct acd_roster_break br[2] = {
        {.length_s = 900, .earliest_s = 3600, .latest_s = 5400, .step_s = 900, .paid = true},
        {.length_s = 1800, .earliest_s = 12600, .latest_s = 16200, .step_s = 900},
    };
    struct acd_roster_template good = {.name = "day",
                                       .length_s = 8 * 3600.0,
                                       .n_starts = 2,
                                       .starts_s = starts,
                                       .n_breaks = 2,
                                       .breaks = br,
                                       .min = 0,
                                       .max = ACD_ROSTER_NO_MAX,
                                       .n_groups = 1,
                                       .groups = groups};
    assert_null(acd_roster_template_check(&good));
    assert_approx(acd_roster_paid_hours(&good), 7.5, 0, 1e-12);

    struct acd_roster_break bad[2];
    struct acd_roster_template t = good;
    t.breaks = bad;
    const char *r;

    memcpy(bad, br, sizeof bad); /* latest < earliest */
    bad[1].latest_s = bad[1].earliest_s - 900;
    r = acd_roster_template_check(&t);
    assert_non_null(r);
    assert_non_null(strstr(r, "break 2"));

    memcpy(bad, br, sizeof bad); /* past the end */
    bad[1].latest_s = 8 * 3600.0 - 900;
    bad[1].earliest_s = bad[1].latest_s;
    r = acd_roster_template_check(&t);
    assert_non_null(r);
    assert_non_null(strstr(r, "break 2"));

    memcpy(bad, br, sizeof bad); /* overlapping consecutive windows */
    bad[0].latest_s = 12600;
    r = acd_roster_template_check(&t);
    assert_non_null(r);
    assert_non_null(strstr(r, "break 1"));

    memcpy(bad, br, sizeof bad); /* step <= 0 */
    bad[0].step_s = 0;
    r = acd_roster_template_check(&t);
    assert_non_null(r);
    assert_non_null(strstr(r, "break 1"));
    bad[0].step_s = -900;
    assert_non_null(acd_roster_template_check(&t));

    memcpy(bad, br, sizeof bad); /* length <= 0 */
    bad[0].length_s = 0;
    assert_non_null(acd_roster_template_check(&t));

    t = good; /* min > max */
    t.min = 3;
    t.max = 2;
    assert_non_null(acd_roster_template_check(&t));
    t.max = 3;
    assert_null(acd_roster_template_check(&t));

    t = good; /* starts not ascending; no length */
    double down[] = {9 * 3600.0, 8 * 3600.0};
    t.starts_s = down;
    assert_non_null(acd_roster_template_check(&t));
    t = good;
    t.length_s = 0;
    assert_non_null(acd_roster_template_check(&t));
}

static void
solve_and_compare(struct inst *in, const char *what, uint64_t seed, unsigned *seen)
{
    double want = brute_force(in);
    struct acd_roster_solution *sol = acd_roster_solve(&in->p);
    if (want == INF) {
        if (sol->status != ACD_ROSTER_INFEASIBLE)
            print_error("%s %llu: status %d, brute force: infeasible\n", what,
                        (unsigned long long)seed, (int)sol->status);
        assert_int_equal(sol->status, ACD_ROSTER_INFEASIBLE);
        assert_int_equal(sol->n_lines, 0);
        seen[1]++;
    } else {
        if (sol->status != ACD_ROSTER_OPTIMAL || fabs(sol->cost - want) > 1e-6)
            print_error("%s %llu: status %d cost %.9g, brute force %.9g\n", what,
                        (unsigned long long)seed, (int)sol->status, sol->cost, want);
        assert_int_equal(sol->status, ACD_ROSTER_OPTIMAL);
        assert_true(fabs(sol->cost - want) <= 1e-6);
        check_solution(&in->p, sol);
        seen[0]++;
    }
    acd_roster_solution_free(sol);
}

static void
test_brute_force(void **state)
{
    (void)state;
    static struct inst in;
    unsigned seen[2] = {0, 0}; /* optimal, infeasible */
    for (uint64_t seed = 1; seed <= 40; seed++) {
        inst_random(&in, seed, false);
        solve_and_compare(&in, "seed", seed, seen);
    }
    /* Tight max counts: infeasible ones among them. */
    for (uint64_t seed = 100; seed < 110; seed++) {
        inst_random(&in, seed, false);
        for (size_t t = 0; t < in.p.n_templates; t++)
            in.t[t].max = in.t[t].min + 2 + (unsigned)(seed % 4);
        solve_and_compare(&in, "tight", seed, seen);
    }
    print_message("# %u optimal, %u infeasible\n", seen[0], seen[1]);
    assert_true(seen[0] >= 20 && seen[1] >= 2);
}

static void
test_uncovered(void **state)
{
    (void)state;
    static struct inst in;
    /* A random instance that keeps its uncoverable requirements: the
     * first one, bin-major, is the one reported. */
    unsigned found = 0;
    for (uint64_t seed = 1; seed <= 40 && found < 3; seed++) {
        inst_random(&in, seed, true);
        size_t want_i = 0, want_g = 0;
        bool any = false;
        for (size_t i = 0; i < in.p.n_bins && !any; i++)
            for (size_t g = 0; g < in.p.n_groups && !any; g++)
                if (in.req[i * in.p.n_groups + g] > 0 && !coverable(&in, i, g)) {
                    any = true;
                    want_i = i;
                    want_g = g;
                }
        if (!any)
            continue;
        found++;
        assert_true(brute_force(&in) == INF);
        struct acd_roster_solution *sol = acd_roster_solve(&in.p);
        assert_int_equal(sol->status, ACD_ROSTER_UNCOVERED);
        assert_int_equal(sol->uncovered_bin, want_i);
        assert_int_equal(sol->uncovered_group, want_g);
        assert_int_equal(sol->n_lines, 0);
        acd_roster_solution_free(sol);
    }
    assert_true(found > 0);

    /* Covered by the shift, but always on break there: uncovered too. */
    double starts[] = {0.0};
    size_t groups[] = {0};
    struct acd_roster_break br = {
        .length_s = 1800, .earliest_s = 1800, .latest_s = 1800, .step_s = 900};
    struct acd_roster_template t = {.name = "x",
                                    .length_s = 5400,
                                    .n_starts = 1,
                                    .starts_s = starts,
                                    .n_breaks = 1,
                                    .breaks = &br,
                                    .max = ACD_ROSTER_NO_MAX,
                                    .n_groups = 1,
                                    .groups = groups};
    double b0[] = {0, 1800, 3600}, b1[] = {1800, 3600, 5400}, req[] = {1, 1, 1}, rate[] = {20};
    struct acd_roster_problem p = {.n_bins = 3,
                                   .n_groups = 1,
                                   .bin_start_s = b0,
                                   .bin_end_s = b1,
                                   .required = req,
                                   .rate = rate,
                                   .n_templates = 1,
                                   .templates = &t};
    struct acd_roster_solution *sol = acd_roster_solve(&p);
    assert_int_equal(sol->status, ACD_ROSTER_UNCOVERED);
    assert_int_equal(sol->uncovered_bin, 1);
    acd_roster_solution_free(sol);
    /* One more placement: two agents, one break each way. */
    br.earliest_s = 900;
    req[1] = 0.5;
    sol = acd_roster_solve(&p);
    assert_int_equal(sol->status, ACD_ROSTER_OPTIMAL);
    check_solution(&p, sol);
    assert_approx(sol->cost, 2 * 1.0 * 20, 0, 1e-9);
    acd_roster_solution_free(sol);
}

static void
test_edges(void **state)
{
    (void)state;
    double starts[] = {0.0};
    size_t groups[] = {0};
    struct acd_roster_template t = {.name = "x",
                                    .length_s = 3600,
                                    .n_starts = 1,
                                    .starts_s = starts,
                                    .max = ACD_ROSTER_NO_MAX,
                                    .n_groups = 1,
                                    .groups = groups};
    double b0[] = {0, 1800}, b1[] = {1800, 3600}, req[] = {0, 0}, rate[] = {20};
    struct acd_roster_problem p = {.n_bins = 2,
                                   .n_groups = 1,
                                   .bin_start_s = b0,
                                   .bin_end_s = b1,
                                   .required = req,
                                   .rate = rate,
                                   .n_templates = 1,
                                   .templates = &t};
    /* Nothing required: nobody. */
    struct acd_roster_solution *sol = acd_roster_solve(&p);
    assert_int_equal(sol->status, ACD_ROSTER_OPTIMAL);
    assert_int_equal(sol->n_lines, 0);
    assert_true(sol->cost == 0.0);
    acd_roster_solution_free(sol);
    /* A minimum alone. */
    t.min = 2;
    sol = acd_roster_solve(&p);
    assert_int_equal(sol->status, ACD_ROSTER_OPTIMAL);
    assert_int_equal(sol->n_lines, 1);
    assert_int_equal(sol->lines[0].count, 2);
    assert_null(sol->lines[0].break_at_s);
    check_solution(&p, sol);
    acd_roster_solution_free(sol);
    /* A minimum with no start to meet it. */
    t.n_starts = 0;
    sol = acd_roster_solve(&p);
    assert_int_equal(sol->status, ACD_ROSTER_INFEASIBLE);
    acd_roster_solution_free(sol);
    /* A time limit that is not reached. */
    t.n_starts = 1;
    t.min = 0;
    req[0] = 2.5;
    p.time_limit_s = 30;
    sol = acd_roster_solve(&p);
    assert_int_equal(sol->status, ACD_ROSTER_OPTIMAL);
    assert_int_equal(sol->lines[0].count, 3);
    check_solution(&p, sol);
    acd_roster_solution_free(sol);
    /* No template, no requirement. */
    p.n_templates = 0;
    req[0] = 0;
    sol = acd_roster_solve(&p);
    assert_int_equal(sol->status, ACD_ROSTER_OPTIMAL);
    assert_int_equal(sol->n_lines, 0);
    acd_roster_solution_free(sol);
}

/* A larger instance (eight hours of 30-minute intervals, six-hour shifts
 * with two breaks) for the silence and determinism tests. */
struct day {
    double b0[16], b1[16], req[32], rate[2], starts[8];
    struct acd_roster_break br[2];
    size_t groups_a[2], groups_b[2];
    struct acd_roster_template t[2];
    struct acd_roster_problem p;
};

static void
day_make(struct day *d)
{
    memset(d, 0, sizeof *d);
    for (size_t i = 0; i < 16; i++) {
        d->b0[i] = 7 * 3600.0 + 1800.0 * (double)i;
        d->b1[i] = d->b0[i] + 1800.0;
        double peak = sin(3.14159 * (double)i / 16.0);
        d->req[i * 2] = floor(2.0 + 3.0 * peak);
        d->req[i * 2 + 1] = floor(1.0 + 2.0 * peak);
    }
    d->rate[0] = 20;
    d->rate[1] = 26;
    for (size_t k = 0; k < 8; k++)
        d->starts[k] = 6.5 * 3600.0 + 1800.0 * (double)k;
    d->br[0] = (struct acd_roster_break){900, 5400, 7200, 900, true};
    d->br[1] = (struct acd_roster_break){1800, 10800, 12600, 900, false};
    d->groups_a[0] = 0;
    d->groups_a[1] = 1;
    d->groups_b[0] = 1;
    d->groups_b[1] = 0;
    d->t[0] = (struct acd_roster_template){.name = "full",
                                           .length_s = 6 * 3600,
                                           .n_starts = 8,
                                           .starts_s = d->starts,
                                           .n_breaks = 2,
                                           .breaks = d->br,
                                           .max = ACD_ROSTER_NO_MAX,
                                           .n_groups = 2,
                                           .groups = d->groups_a};
    d->t[1] = (struct acd_roster_template){.name = "part",
                                           .length_s = 4 * 3600,
                                           .n_starts = 8,
                                           .starts_s = d->starts,
                                           .min = 2,
                                           .max = 6,
                                           .n_groups = 2,
                                           .groups = d->groups_b};
    d->p = (struct acd_roster_problem){.n_bins = 16,
                                       .n_groups = 2,
                                       .bin_start_s = d->b0,
                                       .bin_end_s = d->b1,
                                       .required = d->req,
                                       .rate = d->rate,
                                       .n_templates = 2,
                                       .templates = d->t};
}

static void
test_silent(void **state)
{
    (void)state;
    static struct day d;
    day_make(&d);
    fflush(stdout);
    fflush(stderr);
    FILE *cap = tmpfile();
    assert_non_null(cap);
    int out = dup(1), err = dup(2);
    assert_true(out >= 0 && err >= 0);
    dup2(fileno(cap), 1);
    dup2(fileno(cap), 2);
    struct acd_roster_solution *sol = acd_roster_solve(&d.p);
    /* an infeasible one too */
    d.t[0].max = 0;
    d.t[1].min = 0;
    d.t[1].max = 1;
    struct acd_roster_solution *inf = acd_roster_solve(&d.p);
    fflush(stdout);
    fflush(stderr);
    dup2(out, 1);
    dup2(err, 2);
    close(out);
    close(err);
    fseek(cap, 0, SEEK_END);
    long size = ftell(cap);
    fclose(cap);
    assert_int_equal(size, 0);
    day_make(&d);
    assert_int_equal(sol->status, ACD_ROSTER_OPTIMAL);
    check_solution(&d.p, sol);
    assert_int_equal(inf->status, ACD_ROSTER_INFEASIBLE);
    acd_roster_solution_free(sol);
    acd_roster_solution_free(inf);
}

/* A day (12 hours, eight-and-a-half-hour shifts with three breaks) GLPK
 * does not prove optimal in minutes: a second's limit stops it with the
 * best roster found (or, on a slow machine, none yet). */
static void
test_time_limit(void **state)
{
    (void)state;
    static double b0[24], b1[24], req[48], starts[12];
    static struct day d;
    day_make(&d);
    for (size_t i = 0; i < 24; i++) {
        b0[i] = 7 * 3600.0 + 1800.0 * (double)i;
        b1[i] = b0[i] + 1800.0;
        double peak = 6.0 + 5.0 * sin(3.14159 * (double)i / 24.0);
        req[i * 2] = floor(peak);
        req[i * 2 + 1] = floor(peak / 2 + 0.5);
    }
    for (size_t k = 0; k < 12; k++)
        starts[k] = 6 * 3600.0 + 1800.0 * (double)k;
    struct acd_roster_break br[3] = {{900, 5400, 9000, 900, true},
                                     {1800, 12600, 18000, 900, false},
                                     {900, 21600, 25200, 900, true}};
    d.t[0].length_s = 8.5 * 3600;
    d.t[0].n_breaks = 3;
    d.t[0].breaks = br;
    for (size_t t = 0; t < 2; t++) {
        d.t[t].n_starts = 12;
        d.t[t].starts_s = starts;
    }
    d.p.n_bins = 24;
    d.p.bin_start_s = b0;
    d.p.bin_end_s = b1;
    d.p.required = req;
    d.p.time_limit_s = 1.0;
    struct acd_roster_solution *sol = acd_roster_solve(&d.p);
    print_message("# status %d, gap %g\n", (int)sol->status, sol->gap);
    if (sol->status == ACD_ROSTER_FEASIBLE) {
        check_solution(&d.p, sol);
        assert_true(sol->gap >= 0 && sol->gap < 1);
    } else {
        assert_int_equal(sol->status, ACD_ROSTER_FAILED);
        assert_int_equal(sol->n_lines, 0);
    }
    acd_roster_solution_free(sol);
}

static void
test_deterministic(void **state)
{
    (void)state;
    static struct day d;
    day_make(&d);
    struct acd_roster_solution *a = acd_roster_solve(&d.p), *b = acd_roster_solve(&d.p);
    assert_int_equal(a->status, ACD_ROSTER_OPTIMAL);
    assert_int_equal(b->status, ACD_ROSTER_OPTIMAL);
    check_solution(&d.p, a);
    assert_int_equal(a->n_lines, b->n_lines);
    for (size_t l = 0; l < a->n_lines; l++) {
        assert_int_equal(a->lines[l].count, b->lines[l].count);
        assert_int_equal(line_cmp(&d.p, &a->lines[l], &b->lines[l]), 0);
    }
    assert_true(a->cost == b->cost);
    acd_roster_solution_free(a);
    acd_roster_solution_free(b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_template_check), cmocka_unit_test(test_brute_force),
        cmocka_unit_test(test_uncovered),      cmocka_unit_test(test_edges),
        cmocka_unit_test(test_silent),         cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_time_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
