/*
 * roster: the cheapest set of shifts with placed breaks covering a
 * requirement per interval and group, as the integer program of roster.h
 * solved by GLPK (simplex for the LP relaxation, then branch and cut with
 * presolve and Gomory / MIR cuts).
 *
 * Columns, in this order: per template, per group it lists (ascending,
 * each once), per start: x[t,g,s], then its y[t,g,s,b,p] break by break,
 * placement by placement (ascending offsets). Rows: one per interval x
 * group with a requirement, one per x and break (sum_p y = x), one per
 * template with a min or a max. Every variable is integer and >= 0; y has
 * no cost. The GLPK part runs with its terminal output off, a terminal
 * hook that swallows anything it would still print (its fatal-error
 * message turns the output back on) and an error hook that jumps back
 * here: the environment is then freed (glp_free_env, as GLPK requires)
 * and the solve reports ACD_ROSTER_FAILED.
 */
#include "acdsim/roster.h"

#include "util.h"
#include <float.h>
#include <glpk.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Tolerance of the placement grid, of the template checks and of "a
 * requirement" / "covers at all". */
#define EPS 1e-9

/* ------------------------------------------------------------ templates */

/* The number of placements of break b: earliest + k * step <= latest. */
static size_t
n_placements(const struct acd_roster_break *b)
{
    size_t n = 0;
    while (b->earliest_s + (double)n * b->step_s <= b->latest_s + EPS)
        n++;
    return n;
}

static double
placement_s(const struct acd_roster_break *b, size_t k)
{
    return b->earliest_s + (double)k * b->step_s;
}

const char *
acd_roster_template_check(const struct acd_roster_template *t)
{
    /* The reason names the break: formatted into storage of this thread,
     * valid until its next call. */
    static _Thread_local char reason[128];
    if (!(t->length_s > 0) || !isfinite(t->length_s))
        return "the shift's length must be positive";
    if (t->n_starts > 0 && !isfinite(t->starts_s[0]))
        return "starts must be finite";
    for (size_t i = 1; i < t->n_starts; i++)
        if (!(t->starts_s[i] > t->starts_s[i - 1]) || !isfinite(t->starts_s[i]))
            return "starts must be ascending";
    for (size_t b = 0; b < t->n_breaks; b++) {
        const struct acd_roster_break *br = &t->breaks[b];
        const char *what = NULL;
        if (!(br->length_s > 0) || !isfinite(br->length_s))
            what = "length must be positive";
        else if (!(br->earliest_s >= 0))
            what = "earliest start before the shift's start";
        else if (!(br->latest_s >= br->earliest_s))
            what = "latest start before the earliest";
        else if (!(br->step_s > 0))
            what = "step must be positive";
        else if (!(br->latest_s + br->length_s <= t->length_s + EPS))
            what = "ends after the shift at its latest start";
        else if (b + 1 < t->n_breaks &&
                 !(br->latest_s + br->length_s <= t->breaks[b + 1].earliest_s + EPS))
            what = "at its latest ends after the next break's earliest start";
        if (what) {
            snprintf(reason, sizeof reason, "break %zu: %s", b + 1, what);
            return reason;
        }
    }
    if (t->min > t->max)
        return "min count above max";
    return NULL;
}

double
acd_roster_paid_hours(const struct acd_roster_template *t)
{
    double s = t->length_s;
    for (size_t b = 0; b < t->n_breaks; b++)
        if (!t->breaks[b].paid)
            s -= t->breaks[b].length_s;
    return s / 3600.0;
}

/* ------------------------------------------------------------- coverage */

/* The share of interval i that [a, b) spans. */
static double
share(const struct acd_roster_problem *p, size_t i, double a, double b)
{
    double w = p->bin_end_s[i] - p->bin_start_s[i];
    double lo = fmax(a, p->bin_start_s[i]), hi = fmin(b, p->bin_end_s[i]);
    return w > 0 && hi > lo ? (hi - lo) / w : 0.0;
}

void
acd_roster_coverage(const struct acd_roster_problem *p, size_t n_lines,
                    const struct acd_roster_line *lines, double *coverage, double *scheduled)
{
    size_t nb = p->n_bins, ng = p->n_groups;
    for (size_t k = 0; k < nb * ng; k++)
        coverage[k] = scheduled[k] = 0.0;
    for (size_t l = 0; l < n_lines; l++) {
        const struct acd_roster_line *ln = &lines[l];
        ACD_ASSERT(ln->tmpl < p->n_templates && ln->group < ng);
        const struct acd_roster_template *t = &p->templates[ln->tmpl];
        double s = ln->start_s;
        for (size_t i = 0; i < nb; i++) {
            double on = share(p, i, s, s + t->length_s);
            double sched = on;
            for (size_t b = 0; b < t->n_breaks; b++) {
                double at = s + ln->break_at_s[b];
                on -= share(p, i, at, at + t->breaks[b].length_s);
            }
            coverage[i * ng + ln->group] += ln->count * on;
            scheduled[i * ng + ln->group] += ln->count * sched;
        }
    }
}

/* ---------------------------------------------------------------- model */

/* One template's part of the model. */
struct acd_roster_tinfo {
    size_t n_groups, *groups; /* listed groups, ascending, each once */
    size_t *place0;           /* [n_breaks + 1]: first y of each break among its y */
    size_t n_y;               /* y per x: the placements of every break */
    double paid_h;
};

/* One x[t,g,s]: column x_col, its y in the n_y columns after it. */
struct acd_roster_xvar {
    size_t tmpl, group, start;
    int x_col;
};

/* The program in GLPK's terms, built before GLPK is called (so a jump out
 * of GLPK leaks none of it). Arrays 1-based like GLPK's. */
struct acd_roster_model {
    int n_cols, n_rows, nnz;
    double *cost, *col_ub; /* [n_cols + 1]; ub < 0: none */
    int *row_type;         /* [n_rows + 1]: GLP_LO, GLP_DB, GLP_FX */
    double *row_lb, *row_ub;
    int *ia, *ja;
    double *ar;
    size_t cap_rows, cap_nnz;
};

static int
cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

static int
add_row(struct acd_roster_model *m, int type, double lb, double ub)
{
    size_t need = (size_t)m->n_rows + 2;
    if (need > m->cap_rows) {
        size_t cap = m->cap_rows;
        m->row_type = acd_xgrow(m->row_type, &cap, need, sizeof *m->row_type);
        cap = m->cap_rows;
        m->row_lb = acd_xgrow(m->row_lb, &cap, need, sizeof *m->row_lb);
        m->row_ub = acd_xgrow(m->row_ub, &m->cap_rows, need, sizeof *m->row_ub);
    }
    ACD_ASSERT(m->n_rows < INT_MAX - 1);
    int r = ++m->n_rows;
    m->row_type[r] = type;
    m->row_lb[r] = lb;
    m->row_ub[r] = ub;
    return r;
}

static void
add_coef(struct acd_roster_model *m, int row, int col, double v)
{
    size_t need = (size_t)m->nnz + 2;
    if (need > m->cap_nnz) {
        size_t cap = m->cap_nnz;
        m->ia = acd_xgrow(m->ia, &cap, need, sizeof *m->ia);
        cap = m->cap_nnz;
        m->ja = acd_xgrow(m->ja, &cap, need, sizeof *m->ja);
        m->ar = acd_xgrow(m->ar, &m->cap_nnz, need, sizeof *m->ar);
    }
    ACD_ASSERT(m->nnz < INT_MAX - 1);
    int k = ++m->nnz;
    m->ia[k] = row;
    m->ja[k] = col;
    m->ar[k] = v;
}

static void
model_free(struct acd_roster_model *m)
{
    free(m->cost);
    free(m->col_ub);
    free(m->row_type);
    free(m->row_lb);
    free(m->row_ub);
    free(m->ia);
    free(m->ja);
    free(m->ar);
}

/* The template infos and the x columns (y follow each x). */
static struct acd_roster_tinfo *
tinfo_new(const struct acd_roster_problem *p)
{
    struct acd_roster_tinfo *ti = acd_xcalloc(p->n_templates, sizeof *ti);
    for (size_t t = 0; t < p->n_templates; t++) {
        const struct acd_roster_template *tp = &p->templates[t];
        struct acd_roster_tinfo *x = &ti[t];
        x->groups = acd_xmalloc(tp->n_groups * sizeof *x->groups);
        for (size_t k = 0; k < tp->n_groups; k++) {
            ACD_ASSERT(tp->groups[k] < p->n_groups);
            x->groups[k] = tp->groups[k];
        }
        if (tp->n_groups > 1)
            qsort(x->groups, tp->n_groups, sizeof *x->groups, cmp_size);
        for (size_t k = 0; k < tp->n_groups; k++)
            if (x->n_groups == 0 || x->groups[x->n_groups - 1] != x->groups[k])
                x->groups[x->n_groups++] = x->groups[k];
        x->place0 = acd_xmalloc((tp->n_breaks + 1) * sizeof *x->place0);
        x->place0[0] = 0;
        for (size_t b = 0; b < tp->n_breaks; b++)
            x->place0[b + 1] = x->place0[b] + n_placements(&tp->breaks[b]);
        x->n_y = x->place0[tp->n_breaks];
        x->paid_h = acd_roster_paid_hours(tp);
    }
    return ti;
}

static void
tinfo_free(struct acd_roster_tinfo *ti, size_t n)
{
    for (size_t t = 0; t < n; t++) {
        free(ti[t].groups);
        free(ti[t].place0);
    }
    free(ti);
}

/* The most on-phones share of interval i one agent of template t starting
 * at s can give: the shift's share less each break's smallest (the breaks
 * never overlap, so each is placed on its own). */
static double
best_share(const struct acd_roster_problem *p, const struct acd_roster_template *t, double s,
           size_t i)
{
    double on = share(p, i, s, s + t->length_s);
    if (on <= 0)
        return 0.0;
    for (size_t b = 0; b < t->n_breaks; b++) {
        const struct acd_roster_break *br = &t->breaks[b];
        size_t np = n_placements(br);
        double least = HUGE_VAL;
        for (size_t k = 0; k < np; k++) {
            double at = s + placement_s(br, k);
            least = fmin(least, share(p, i, at, at + br->length_s));
        }
        on -= least;
    }
    return on;
}

/* The first interval x group (bin-major) with a requirement no template
 * listing the group can put an agent on the phones in at all. */
static bool
find_uncovered(const struct acd_roster_problem *p, const struct acd_roster_tinfo *ti, size_t *bin,
               size_t *group)
{
    for (size_t i = 0; i < p->n_bins; i++)
        for (size_t g = 0; g < p->n_groups; g++) {
            if (!(p->required[i * p->n_groups + g] > EPS))
                continue;
            bool covered = false;
            for (size_t t = 0; t < p->n_templates && !covered; t++) {
                const struct acd_roster_template *tp = &p->templates[t];
                bool lists = false;
                for (size_t k = 0; k < ti[t].n_groups; k++)
                    lists = lists || ti[t].groups[k] == g;
                for (size_t s = 0; lists && s < tp->n_starts && !covered; s++)
                    covered = best_share(p, tp, tp->starts_s[s], i) > EPS;
            }
            if (!covered) {
                *bin = i;
                *group = g;
                return true;
            }
        }
    return false;
}

/* The x variables in line order, and the model's columns and rows. */
static struct acd_roster_xvar *
model_build(const struct acd_roster_problem *p, const struct acd_roster_tinfo *ti,
            struct acd_roster_model *m, size_t *n_xvars)
{
    size_t nx = 0, ncols = 0;
    for (size_t t = 0; t < p->n_templates; t++) {
        nx += ti[t].n_groups * p->templates[t].n_starts;
        ncols += ti[t].n_groups * p->templates[t].n_starts * (1 + ti[t].n_y);
    }
    ACD_ASSERT(ncols < (size_t)INT_MAX);
    struct acd_roster_xvar *xv = acd_xcalloc(nx, sizeof *xv);
    *m = (struct acd_roster_model){.n_cols = (int)ncols};
    m->cost = acd_xcalloc(ncols + 1, sizeof *m->cost);
    m->col_ub = acd_xcalloc(ncols + 1, sizeof *m->col_ub);
    size_t v = 0;
    int col = 0;
    for (size_t t = 0; t < p->n_templates; t++) {
        const struct acd_roster_template *tp = &p->templates[t];
        double ub = tp->max == ACD_ROSTER_NO_MAX ? -1.0 : (double)tp->max;
        for (size_t k = 0; k < ti[t].n_groups; k++)
            for (size_t s = 0; s < tp->n_starts; s++) {
                size_t g = ti[t].groups[k];
                xv[v++] =
                    (struct acd_roster_xvar){.tmpl = t, .group = g, .start = s, .x_col = col + 1};
                m->cost[col + 1] = ti[t].paid_h * p->rate[g];
                for (size_t j = 0; j <= ti[t].n_y; j++)
                    m->col_ub[col + 1 + (int)j] = ub;
                col += 1 + (int)ti[t].n_y;
            }
    }
    /* Coverage: x * shift share - y * break share >= required. */
    for (size_t i = 0; i < p->n_bins; i++)
        for (size_t g = 0; g < p->n_groups; g++) {
            double req = p->required[i * p->n_groups + g];
            if (!(req > EPS))
                continue;
            int r = add_row(m, GLP_LO, req, 0.0);
            for (size_t k = 0; k < nx; k++) {
                if (xv[k].group != g)
                    continue;
                const struct acd_roster_template *tp = &p->templates[xv[k].tmpl];
                double s = tp->starts_s[xv[k].start];
                double sh = share(p, i, s, s + tp->length_s);
                if (sh <= 0)
                    continue;
                add_coef(m, r, xv[k].x_col, sh);
                int y = xv[k].x_col + 1;
                for (size_t b = 0; b < tp->n_breaks; b++) {
                    const struct acd_roster_break *br = &tp->breaks[b];
                    size_t np = ti[xv[k].tmpl].place0[b + 1] - ti[xv[k].tmpl].place0[b];
                    for (size_t q = 0; q < np; q++, y++) {
                        double at = s + placement_s(br, q);
                        double bs = share(p, i, at, at + br->length_s);
                        if (bs > 0)
                            add_coef(m, r, y, -bs);
                    }
                }
            }
        }
    /* Every break taken once: sum_p y - x = 0. */
    for (size_t k = 0; k < nx; k++) {
        const struct acd_roster_tinfo *x = &ti[xv[k].tmpl];
        size_t nbrk = p->templates[xv[k].tmpl].n_breaks;
        for (size_t b = 0; b < nbrk; b++) {
            int r = add_row(m, GLP_FX, 0.0, 0.0);
            add_coef(m, r, xv[k].x_col, -1.0);
            for (size_t q = x->place0[b]; q < x->place0[b + 1]; q++)
                add_coef(m, r, xv[k].x_col + 1 + (int)q, 1.0);
        }
    }
    /* Template counts. */
    for (size_t t = 0; t < p->n_templates; t++) {
        const struct acd_roster_template *tp = &p->templates[t];
        bool has_max = tp->max != ACD_ROSTER_NO_MAX;
        if (tp->min == 0 && !has_max)
            continue;
        int type = !has_max ? GLP_LO : tp->min == tp->max ? GLP_FX : GLP_DB;
        int r = add_row(m, type, (double)tp->min, has_max ? (double)tp->max : 0.0);
        for (size_t k = 0; k < nx; k++)
            if (xv[k].tmpl == t)
                add_coef(m, r, xv[k].x_col, 1.0);
    }
    *n_xvars = nx;
    return xv;
}

/* ----------------------------------------------------------------- GLPK */

struct acd_roster_jump {
    jmp_buf env;
};

static void
on_glpk_error(void *info)
{
    longjmp(((struct acd_roster_jump *)info)->env, 1);
}

static int
swallow_output(void *info, const char *s)
{
    (void)info;
    (void)s;
    return 1;
}

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* What the branch-and-cut callback keeps: the best bound of the search
 * so far (bounds only rise), for the gap of a roster the search stops
 * early, and the nodes selected against the node limit. */
struct ios_state {
    double bound;
    unsigned long nodes, node_limit; /* node_limit 0: none */
    bool stopped;                    /* by the node limit */
};

static void
on_ios(glp_tree *tree, void *info)
{
    struct ios_state *st = info;
    int best = glp_ios_best_node(tree);
    if (best != 0) {
        double bound = glp_ios_node_bound(tree, best);
        if (bound > st->bound)
            st->bound = bound;
    }
    /* The node limit: deterministic, unlike the time limit, so the same
     * problem gives the same roster on any machine. It stops only once a
     * roster is known (the gap is finite then). */
    if (glp_ios_reason(tree) == GLP_ISELECT && st->node_limit && ++st->nodes > st->node_limit &&
        glp_ios_mip_gap(tree) < DBL_MAX) {
        st->stopped = true;
        glp_ios_terminate(tree);
    }
}

/* GLPK's time limit (ms) for what is left of limit_s since t0_s. */
static int
tm_lim(double limit_s, double t0_s)
{
    if (!(limit_s > 0))
        return INT_MAX;
    double ms = ceil((limit_s - (now_s() - t0_s)) * 1000.0);
    return ms < 1 ? 1 : ms > (double)INT_MAX ? INT_MAX : (int)ms;
}

/* The GLPK calls only (any of them may jump out through the error hook):
 * the LP relaxation, then branch and cut; vals[1..n_cols] get the MIP
 * solution, *gap its relative gap to the best bound (the LP relaxation's
 * or a better one the search proved). */
static enum acd_roster_status
glpk_solve(const struct acd_roster_model *m, double limit_s, unsigned long node_limit, double *vals,
           double *gap)
{
    double t0 = now_s();
    glp_prob *lp = glp_create_prob();
    glp_set_obj_dir(lp, GLP_MIN);
    if (m->n_cols > 0)
        glp_add_cols(lp, m->n_cols);
    for (int j = 1; j <= m->n_cols; j++) {
        if (m->col_ub[j] < 0)
            glp_set_col_bnds(lp, j, GLP_LO, 0.0, 0.0);
        else if (m->col_ub[j] == 0)
            glp_set_col_bnds(lp, j, GLP_FX, 0.0, 0.0);
        else
            glp_set_col_bnds(lp, j, GLP_DB, 0.0, m->col_ub[j]);
        glp_set_col_kind(lp, j, GLP_IV);
        glp_set_obj_coef(lp, j, m->cost[j]);
    }
    if (m->n_rows > 0)
        glp_add_rows(lp, m->n_rows);
    for (int r = 1; r <= m->n_rows; r++)
        glp_set_row_bnds(lp, r, m->row_type[r], m->row_lb[r], m->row_ub[r]);
    glp_load_matrix(lp, m->nnz, m->ia, m->ja, m->ar);

    enum acd_roster_status st = ACD_ROSTER_FAILED;
    glp_smcp smcp;
    glp_init_smcp(&smcp);
    smcp.msg_lev = GLP_MSG_OFF;
    smcp.tm_lim = tm_lim(limit_s, t0);
    int rc = glp_simplex(lp, &smcp);
    if (rc != 0) {
        st = rc == GLP_ENOPFS ? ACD_ROSTER_INFEASIBLE : ACD_ROSTER_FAILED;
        goto done;
    }
    int lps = glp_get_status(lp);
    if (lps == GLP_NOFEAS) {
        st = ACD_ROSTER_INFEASIBLE;
        goto done;
    }
    if (lps != GLP_OPT)
        goto done;
    double lp_bound = glp_get_obj_val(lp);

    glp_iocp iocp;
    glp_init_iocp(&iocp);
    iocp.msg_lev = GLP_MSG_OFF;
    iocp.presolve = GLP_ON;
    iocp.gmi_cuts = GLP_ON;
    iocp.mir_cuts = GLP_ON;
    iocp.tm_lim = tm_lim(limit_s, t0);
    struct ios_state ios = {.bound = lp_bound, .node_limit = node_limit};
    iocp.cb_func = on_ios;
    iocp.cb_info = &ios;
    rc = glp_intopt(lp, &iocp);
    if (rc == GLP_ENOPFS || rc == GLP_ENODFS) {
        st = ACD_ROSTER_INFEASIBLE;
        goto done;
    }
    int ms = glp_mip_status(lp);
    if (ms == GLP_NOFEAS) {
        st = ACD_ROSTER_INFEASIBLE;
        goto done;
    }
    if (ms != GLP_OPT && ms != GLP_FEAS)
        goto done; /* the time limit, or a failure, before any roster */
    for (int j = 1; j <= m->n_cols; j++)
        vals[j] = glp_mip_col_val(lp, j);
    if (rc == 0 && ms == GLP_OPT) {
        st = ACD_ROSTER_OPTIMAL;
        *gap = 0.0;
    } else {
        st = ACD_ROSTER_FEASIBLE;
        double obj = glp_mip_obj_val(lp);
        *gap = fmax(0.0, (obj - fmin(ios.bound, obj)) / fmax(1.0, fabs(obj)));
    }
done:
    glp_delete_prob(lp);
    return st;
}

/* glpk_solve with GLPK silent and its fatal errors caught. */
static enum acd_roster_status
glpk_guarded(const struct acd_roster_model *m, double limit_s, unsigned long node_limit,
             double *vals, double *gap)
{
    struct acd_roster_jump jump;
    int prev_out = glp_term_out(GLP_OFF);
    glp_term_hook(swallow_output, NULL);
    glp_error_hook(on_glpk_error, &jump);
    if (setjmp(jump.env)) {
        /* After a jump out of the error hook GLPK's environment is
         * unusable: free it all (this problem object included). */
        glp_free_env();
        if (prev_out == GLP_OFF)
            glp_term_out(GLP_OFF);
        return ACD_ROSTER_FAILED;
    }
    enum acd_roster_status st = glpk_solve(m, limit_s, node_limit, vals, gap);
    glp_error_hook(NULL, NULL);
    glp_term_hook(NULL, NULL);
    glp_term_out(prev_out);
    return st;
}

/* ---------------------------------------------------------------- lines */

/* The lines of the MIP solution vals: agent k of x[t,g,s] takes the k-th
 * earliest placement of every break, equal agents merged. */
static void
make_lines(const struct acd_roster_problem *p, const struct acd_roster_tinfo *ti,
           const struct acd_roster_xvar *xv, size_t nx, const double *vals,
           struct acd_roster_solution *sol)
{
    size_t cap = 0;
    for (size_t k = 0; k < nx; k++) {
        long long n = llround(vals[xv[k].x_col]);
        if (n <= 0)
            continue;
        ACD_ASSERT(n <= (long long)UINT_MAX);
        const struct acd_roster_template *tp = &p->templates[xv[k].tmpl];
        size_t nbrk = tp->n_breaks, na = (size_t)n;
        /* offs[b * na + a]: agent a's break b, ascending in a. */
        double *offs = acd_xmalloc((nbrk * na + 1) * sizeof *offs);
        for (size_t b = 0; b < nbrk; b++) {
            size_t a = 0;
            for (size_t q = ti[xv[k].tmpl].place0[b]; q < ti[xv[k].tmpl].place0[b + 1]; q++) {
                long long c = llround(vals[xv[k].x_col + 1 + (int)q]);
                double at = placement_s(&tp->breaks[b], q - ti[xv[k].tmpl].place0[b]);
                for (long long r = 0; r < c; r++) {
                    ACD_ASSERT(a < na);
                    offs[b * na + a++] = at;
                }
            }
            ACD_ASSERT(a == na);
        }
        for (size_t a = 0; a < na; a++) {
            bool same = a > 0;
            for (size_t b = 0; b < nbrk && same; b++)
                same = offs[b * na + a] == offs[b * na + a - 1];
            if (same) {
                sol->lines[sol->n_lines - 1].count++;
                continue;
            }
            sol->lines = acd_xgrow(sol->lines, &cap, sol->n_lines + 1, sizeof *sol->lines);
            struct acd_roster_line *ln = &sol->lines[sol->n_lines++];
            *ln = (struct acd_roster_line){.tmpl = xv[k].tmpl,
                                           .group = xv[k].group,
                                           .start_s = tp->starts_s[xv[k].start],
                                           .count = 1,
                                           .break_at_s = NULL};
            if (nbrk > 0) {
                ln->break_at_s = acd_xmalloc(nbrk * sizeof *ln->break_at_s);
                for (size_t b = 0; b < nbrk; b++)
                    ln->break_at_s[b] = offs[b * na + a];
            }
        }
        free(offs);
    }
}

/* ---------------------------------------------------------------- solve */

struct acd_roster_solution *
acd_roster_solve(const struct acd_roster_problem *p)
{
    size_t nb = p->n_bins, ng = p->n_groups;
    for (size_t t = 0; t < p->n_templates; t++)
        ACD_ASSERT(acd_roster_template_check(&p->templates[t]) == NULL);
    for (size_t g = 0; g < ng; g++)
        ACD_ASSERT(p->rate[g] > 0 && isfinite(p->rate[g]));
    for (size_t k = 0; k < nb * ng; k++)
        ACD_ASSERT(p->required[k] >= 0 && isfinite(p->required[k]));
    ACD_ASSERT(p->time_limit_s >= 0);

    struct acd_roster_solution *sol = acd_xcalloc(1, sizeof *sol);
    sol->coverage = acd_xcalloc(nb * ng, sizeof *sol->coverage);
    sol->scheduled = acd_xcalloc(nb * ng, sizeof *sol->scheduled);
    struct acd_roster_tinfo *ti = tinfo_new(p);
    if (find_uncovered(p, ti, &sol->uncovered_bin, &sol->uncovered_group)) {
        sol->status = ACD_ROSTER_UNCOVERED;
        tinfo_free(ti, p->n_templates);
        return sol;
    }
    struct acd_roster_model m;
    size_t nx;
    struct acd_roster_xvar *xv = model_build(p, ti, &m, &nx);
    double *vals = acd_xcalloc((size_t)m.n_cols + 1, sizeof *vals);
    double gap = 0.0;
    if (m.n_rows == 0) /* nothing required, no count bound: nobody */
        sol->status = ACD_ROSTER_OPTIMAL;
    else
        sol->status = glpk_guarded(&m, p->time_limit_s, p->node_limit, vals, &gap);
    if (sol->status == ACD_ROSTER_OPTIMAL || sol->status == ACD_ROSTER_FEASIBLE) {
        make_lines(p, ti, xv, nx, vals, sol);
        sol->gap = gap;
        for (size_t l = 0; l < sol->n_lines; l++) {
            const struct acd_roster_line *ln = &sol->lines[l];
            double h = ln->count * ti[ln->tmpl].paid_h;
            sol->paid_hours += h;
            sol->cost += h * p->rate[ln->group];
        }
        acd_roster_coverage(p, sol->n_lines, sol->lines, sol->coverage, sol->scheduled);
    }
    free(vals);
    free(xv);
    model_free(&m);
    tinfo_free(ti, p->n_templates);
    return sol;
}

void
acd_roster_solution_free(struct acd_roster_solution *s)
{
    if (!s)
        return;
    for (size_t l = 0; l < s->n_lines; l++)
        free(s->lines[l].break_at_s);
    free(s->lines);
    free(s->coverage);
    free(s->scheduled);
    free(s);
}
