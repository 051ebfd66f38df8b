/*
 * roster: the cheapest set of shifts, with their breaks placed, that covers
 * a requirement of agents on the phones per interval and group (GLPK's
 * mixed-integer solver). `acdsim schedule` builds the requirement by
 * simulation (staff.h) and proves the roster the same way (schedule.h);
 * this module only solves the covering problem and knows no scenario.
 *
 * The integer program (docs/staffing.md, "The roster's integer program"):
 *   x[t,g,s]      agents of template t in group g starting at start s
 *   y[t,g,s,b,p]  of those, agents taking break b at its placement p
 *   sum_p y[t,g,s,b,p] = x[t,g,s]                      every break taken once
 *   sum x * cover(t,s,i) - sum y * cover(break, i)
 *       >= required[i,g]                              every interval i, group g
 *   min_t <= sum_{g,s} x[t,g,s] <= max_t               template counts
 *   minimize sum x[t,g,s] * paid_hours(t) * rate(g)
 * cover(.., i) is the share of interval i the shift (or the break) spans,
 * so the left side is the time-average number of agents on the phones in
 * the interval. Consecutive breaks' windows of one template may not
 * overlap (the caller checks it: acd_roster_template_check), so any agent
 * can take any placement of each break: an optimal x, y is turned into
 * agents by pairing the k-th earliest placement of every break.
 */
#ifndef ACDSIM_ROSTER_H
#define ACDSIM_ROSTER_H

#include <stdbool.h>
#include <stddef.h>

/* A break of a template: it starts between earliest_s and latest_s after
 * the shift's start (offsets, seconds), on a grid of step_s from
 * earliest_s, and lasts length_s. paid: part of the paid hours (a paid
 * break still leaves the phones). */
struct acd_roster_break {
    double length_s, earliest_s, latest_s, step_s;
    bool paid;
};

/* A shift template: agents start at one of starts_s[] (clock times,
 * ascending), stay length_s (log-on to log-off, every break inside),
 * take each break in order; between min and max of them in all (every
 * group and start together; max ACD_ROSTER_NO_MAX: no upper bound); they
 * may staff the groups listed. Borrowed arrays. */
#define ACD_ROSTER_NO_MAX ((unsigned)-1)
struct acd_roster_template {
    const char *name;
    double length_s;
    size_t n_starts;
    const double *starts_s;
    size_t n_breaks;
    const struct acd_roster_break *breaks;
    unsigned min, max;
    size_t n_groups;
    const size_t *groups;
};

/* Checks one template against itself (nothing about the intervals):
 * length > 0, starts strictly ascending, each break 0 < length,
 * 0 <= earliest <= latest, step > 0, latest + length <= the shift's
 * length, and the latest end of break b <= the earliest start of break
 * b + 1; min <= max.
 * Returns NULL if fine, else an English reason naming the break by its
 * 1-based position ("break 2: ..."): static, but a break's reason is
 * formatted in storage of the calling thread, valid until its next call. */
const char *acd_roster_template_check(const struct acd_roster_template *t);

/* Paid hours of one agent of template t: length less unpaid breaks. */
double acd_roster_paid_hours(const struct acd_roster_template *t);

struct acd_roster_problem {
    size_t n_bins, n_groups;
    const double *bin_start_s, *bin_end_s; /* clock times, n_bins each */
    const double *required;                /* [bin * n_groups + group], >= 0 */
    const double *rate;                    /* per group: cost of a paid hour, > 0 */
    size_t n_templates;
    const struct acd_roster_template *templates;
    /* Where branch and cut stops with the best roster found so far
     * (ACD_ROSTER_FEASIBLE): after node_limit nodes (deterministic: the
     * same roster on any machine; 0: no limit), or after time_limit_s (a
     * guard: where it stops depends on the machine; 0: none). */
    unsigned long node_limit;
    double time_limit_s;
};

/* One line of the roster: count agents of template `tmpl` in `group`
 * starting at start_s, each taking break b at start_s + break_at_s[b]
 * (break_at_s: the template's n_breaks offsets; owned by the solution). */
struct acd_roster_line {
    size_t tmpl, group;
    double start_s;
    unsigned count;
    double *break_at_s;
};

enum acd_roster_status {
    ACD_ROSTER_OPTIMAL,    /* proven optimal */
    ACD_ROSTER_FEASIBLE,   /* the node or time limit stopped the search: best found */
    ACD_ROSTER_UNCOVERED,  /* an interval x group with a requirement no template can staff */
    ACD_ROSTER_INFEASIBLE, /* the templates' min/max counts leave no roster */
    ACD_ROSTER_FAILED,     /* the time limit passed before any roster was found */
};

struct acd_roster_solution {
    enum acd_roster_status status;
    /* ACD_ROSTER_UNCOVERED: the first such interval and group. */
    size_t uncovered_bin, uncovered_group;
    /* OPTIMAL / FEASIBLE: lines ordered by template, group, start, then
     * break offsets; equal lines merged; no line with count 0. */
    size_t n_lines;
    struct acd_roster_line *lines;
    double cost;       /* the objective: sum count * paid_hours * rate */
    double paid_hours; /* sum count * paid_hours */
    double *coverage;  /* [bin * n_groups + group]: time-average agents on the phones */
    double
        *scheduled; /* [bin * n_groups + group]: time-average agents on shift (breaks included) */
    double gap;     /* relative MIP gap of the returned roster (0 when optimal) */
};

/* Solves p (templates already checked: ACD_ASSERT otherwise). GLPK prints
 * nothing: its terminal output is off and its fatal errors are caught and
 * turned into ACD_ROSTER_FAILED. Deterministic for the same problem.
 * Returns a new solution (caller frees with acd_roster_solution_free). */
struct acd_roster_solution *acd_roster_solve(const struct acd_roster_problem *p);
void acd_roster_solution_free(struct acd_roster_solution *s);

/* The time-average agents on the phones (and on shift) in each interval
 * x group for given lines: what acd_roster_solve reports as coverage and
 * scheduled; out arrays [n_bins * n_groups], caller-owned, overwritten. */
void acd_roster_coverage(const struct acd_roster_problem *p, size_t n_lines,
                         const struct acd_roster_line *lines, double *coverage, double *scheduled);

#endif
