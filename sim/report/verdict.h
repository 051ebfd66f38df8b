/*
 * verdict: the scenario's goals judged against the results, one rule for
 * every writer (text report, HTML page, staffing tables): a goal is met
 * when the mean over replications is on the right side of the bound (>=
 * for the service level, <= for the others), not measurable when the mean
 * is NaN (no replication defined it); the confidence interval does not
 * enter the verdict. Beside a formula (the Erlang comparison), a
 * simulated mean agrees when the difference is within its CI half-width.
 *
 * Not here: how a verdict is worded on a page beyond the words below, and
 * `--assert` (expect.h: the user's own comparison, strict or not).
 */
#ifndef ACDSIM_VERDICT_H
#define ACDSIM_VERDICT_H

#include "acdsim/run.h"
#include <stdbool.h>
#include <stddef.h>

enum acd_verdict { ACD_VERDICT_MET, ACD_VERDICT_MISSED, ACD_VERDICT_NA };

/* How a verdict reads: the text table's word ("met", "MISSED", "n/a"), and
 * the page's class, mark and word (colour is never the only signal). */
struct acd_verdict_look {
    const char *text;
    const char *cls, *mark, *word;
};
extern const struct acd_verdict_look acd_verdict_looks[3];

/* One goal: a center metric (or a call type's, acd_verdict_type_target),
 * its bound (NaN: the scenario does not set it) and direction, and its
 * caption. */
struct acd_target {
    enum acd_metric metric;
    double bound;
    bool at_least; /* mean >= bound; else mean <= bound */
    const char *what;
};

#define ACD_N_TARGETS 4
#define ACD_SL_WHAT   64 /* room for the service level's caption */

/* The goals of a setup in report order: service level ("Service level
 * (20s)", written into sl_what, ACD_SL_WHAT bytes, which the targets
 * borrow), abandon rate, ASA, occupancy. Without a known setup every bound
 * is NaN and sl_what is the metric's label. */
void acd_verdict_targets(const struct acd_setup *st, struct acd_target t[ACD_N_TARGETS],
                         char *sl_what);

/* The scope on which the center's figure m is judged (acd_channel_goal):
 * with more than one channel, a figure of calls (one that applies to call
 * types) is the goal channel's: the run's (interval SIZE_MAX) or an
 * interval's; otherwise (or in a document without channel scopes) the
 * center's (summary, the interval's `all`). NULL only for an interval
 * or day the results do not have. acd_verdict_day_scope: the same for
 * day d of a period. */
const struct acd_scope_result *acd_verdict_metric_scope(const struct acd_results *r,
                                                        enum acd_metric m, size_t interval);
const struct acd_scope_result *acd_verdict_day_scope(const struct acd_results *r, enum acd_metric m,
                                                     size_t d);
/* The goal channel's name when the center's goals on calls are judged on
 * one channel (more than one in use), else NULL. */
const char *acd_verdict_goal_channel(const struct acd_setup *st);

/* x against a bound: NA when x is NaN. */
enum acd_verdict acd_verdict_judge(double x, double bound, bool at_least);

/* A target against the center's mean in s. */
enum acd_verdict acd_verdict_target(const struct acd_target *t, const struct acd_scope_result *s);

/* How many of the given targets (NaN bounds skipped) are set, missed and
 * not measurable, against the center's means in s. */
struct acd_verdict_count {
    int n, missed, unknown;
};
struct acd_verdict_count acd_verdict_count(const struct acd_target *t, size_t n,
                                           const struct acd_scope_result *s);

/* Call type k's own service-level goal (acd_channel_type_goal: one it
 * gives, or a chat outside the goal channel): its service level at least
 * its target (own, else the center's), within its threshold (own, else
 * the center's), judged on the type's mean. Fills *t with the caption
 * "Service level NAME (30s)", written into what (ACD_SL_WHAT bytes), and
 * returns true; false (t untouched) when the type has no goal of its own. */
bool acd_verdict_type_target(const struct acd_setup *st, size_t k, struct acd_target *t,
                             char *what);

/* Every goal of the results: the center's targets t[0..n) against the
 * summary, then each call type's own service-level goal against its scope
 * (acd_verdict_type_target). */
struct acd_verdict_count acd_verdict_count_all(const struct acd_target *t, size_t n,
                                               const struct acd_results *r);

/* Whether a simulated estimate agrees with an exact figure: MET when
 * |mean - exact| <= ci95, MISSED when not, NA when either is not finite. */
enum acd_verdict acd_verdict_within_ci(const struct acd_estimate *sim, double exact);

/* ------------------------------------------------- goals per interval */

/* One goal of the results (set in the scenario): a center target or a
 * call type's own service level. t.what points into what, so a goal is
 * not copied by value once made. */
struct acd_goal {
    struct acd_target t;
    size_t type; /* the call type of an own goal; SIZE_MAX: the center's */
    char what[ACD_SL_WHAT];
};

/* The goals of r in report order: the center's set targets
 * (acd_verdict_targets, NaN bounds left out), then each call type's own
 * (acd_verdict_type_target). Returns a new array (caller frees) and its
 * length in *n; NULL and 0 without a known setup or goal. */
struct acd_goal *acd_verdict_goals(const struct acd_results *r, size_t *n);

/* The scope a goal is judged on: the run's (interval SIZE_MAX) or one
 * interval's (the center's, or the goal's call type in it); NULL when the
 * results do not hold it. */
const struct acd_scope_result *acd_verdict_goal_scope(const struct acd_results *r,
                                                      const struct acd_goal *g, size_t interval);

/* A goal across the intervals of an operating day: how many were judged
 * (a NaN mean is not) and how many miss it. */
struct acd_verdict_intervals {
    size_t judged, missed;
};
struct acd_verdict_intervals acd_verdict_goal_intervals(const struct acd_results *r,
                                                        const struct acd_goal *g);

/* The runs of consecutive intervals that miss goal g, as clock ranges
 * "09:00–10:30, 14:00–14:30" (at most 4 runs, then ", ...") into
 * buf; "" when none. Returns buf. */
char *acd_verdict_missed_runs(const struct acd_results *r, const struct acd_goal *g, char *buf,
                              size_t n);

/* The verdict in words, one rule for the text report and the HTML banner:
 * "all 3 targets met", "1 of 3 targets MISSED" (missed_word gives the
 * case), "the target is met", "2 of 3 targets met, 1 not measurable"; for
 * an operating day whose goals are met for the day while intervals miss
 * some: "all 3 targets met for the day; 2 missed in some intervals".
 * Into buf; returns buf. */
char *acd_verdict_headline(const struct acd_results *r, const char *missed_word, char *buf,
                           size_t n);

/* A goal that some intervals miss, in words: "Service level (20s) 86.8%
 * >= 80.0% met for the day; 4 of 24 intervals miss it (09:00–11:00)",
 * the numbers formatted by fmt (the writer's own: text or page; NULL:
 * plain %.4g). Returns
 * false (buf untouched) when no interval misses it. */
typedef char *acd_verdict_fmt(enum acd_metric m, double x, char *buf, size_t n);
bool acd_verdict_goal_line(const struct acd_results *r, const struct acd_goal *g,
                           acd_verdict_fmt *fmt, char *buf, size_t n);

#endif
