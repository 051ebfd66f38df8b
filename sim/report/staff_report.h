/*
 * staff_report: what `acdsim staff` writes - the recommendation (plan,
 * targets, achieved figures, the minimality evidence) and the staffing
 * curve, as text for people, JSON (interface.md "Staffing") or CSV, chosen
 * by name from a table of writers; and the report folder of a
 * recommendation (`acdsim staff --out DIR`). Reads results only: tests
 * feed the writers hand-built results.
 *
 * JSON (`--format json`), beyond the interface's keys (scenario, targets,
 * recommendation, agent_hours, cost, achieved):
 *   targets      only the goals that are set: service_level (+ threshold_s,
 *                sl_definition "offered" | "answered"), abandon_rate,
 *                asa_s, occupancy, probability; a goal that is not set is
 *                absent (never null)
 *   replications, seed, feasible, evaluations
 *   recommendation[]  also `start` (the search's starting point); `current`
 *                is an integer when whole, else a real (shift plans)
 *   current_plan {agent_hours, cost, achieved}
 *   intervals[]  per bin {interval, achieved, p_met, met, current}, current
 *                being {achieved, p_met, met} of the scenario's own plan
 *   minimality[] {interval, group, agents (recommended - 1), achieved, p_met,
 *                met (of that interval), minimal (with that agent fewer some
 *                interval misses a goal), missed_interval (the first such
 *                interval, when minimal), missed {achieved, p_met, met}
 *                (its figures, when it is a later interval)}
 * `interval` is the clock time where the bin starts ("07:00"), null for a
 * steady state. An `achieved` object holds service_level (or
 * service_level_answered when the targets count answered calls),
 * abandon_rate, asa_s, occupancy and offered, each {mean, ci95}; a NaN is
 * null. Reals are written with 17 significant digits: they read back
 * equal.
 */
#ifndef ACDSIM_STAFF_REPORT_H
#define ACDSIM_STAFF_REPORT_H

#include "acdsim/run.h"
#include "acdsim/staff.h"
#include <jansson.h>
#include <stdio.h>

struct acd_staff_format {
    const char *name; /* "text", "json", "csv" */
    /* Write to out; return 0 or -1 on an I/O error (errno set). Borrow. */
    int (*write)(FILE *out, const struct acd_staff_result *s);
    int (*write_curve)(FILE *out, const struct acd_staff_curve *c);
};

/* NULL-terminated table of formats. */
extern const struct acd_staff_format *const acd_staff_formats[];
/* The format called name, or NULL. */
const struct acd_staff_format *acd_staff_format_find(const char *name);

/* The recommendation / the curve as the json format writes it. Return a
 * new string; caller frees. */
char *acd_staff_json_string(const struct acd_staff_result *s);
char *acd_staff_curve_json_string(const struct acd_staff_curve *c);

/* The report folder of a recommendation, all files or none (outdir.h):
 * the usual folder of plan_results (what `acdsim run` on the recommended
 * scenario gives: results.json, intervals.csv, groups.csv, charts,
 * index.html) plus staffing.json, staffing.csv, the chart staffing.png/.svg
 * (recommended vs current agents per interval, achieved service level) and
 * recommended.yaml (scenario_patch.h: the original scenario, yaml_len
 * bytes, with the plan; skipped when scenario_yaml is NULL). plan_results
 * may be NULL: then only the staffing files and chart. Problems go to err
 * as for acd_outdir_write; a missing gnuplot skips the charts and is not
 * an error. Returns 0 or -1. Borrows everything. */
int acd_staff_write_out(const char *dir, const struct acd_staff_result *s,
                        const struct acd_results *plan_results, const char *scenario_yaml,
                        size_t yaml_len, FILE *err);

/* staff_curve.json, staff_curve.csv and the chart staff_curve.png/.svg
 * (service level, abandon rate and ASA against agents, with the targets
 * and the exact Erlang figures where known), all or nothing. Returns 0 or
 * -1 (reported on err). */
int acd_staff_write_curve_out(const char *dir, const struct acd_staff_curve *c, FILE *err);

/* ------------------------------------------------ shared with schedule
 *
 * What `acdsim schedule`'s report (schedule_report.c) writes the same way
 * as the staffing report: the goals, an interval's figures, the costs. */

/* The goals set in t (the call types' own from sc), as the json format's
 * `targets`; a goal that is not set is absent. New object. */
json_t *acd_staff_targets_json(const struct acd_staff_targets *t, const struct acd_scenario *sc);
/* The `achieved` object of k: each figure {mean, ci95}, the service
 * level keyed per t. New object. */
json_t *acd_staff_achieved_json(const struct acd_staff_kpi *k, const struct acd_staff_targets *t);
/* The cost's items as `run` reports them: cost, labor_cost, abandon_cost,
 * repeat_cost, paid_agent_hours, each {mean, ci95}. New object. */
json_t *acd_staff_costs_json(const struct acd_staff_kpi *k);
/* achieved, p_met and met of k, set in o. */
void acd_staff_interval_json(json_t *o, const struct acd_staff_kpi *k,
                             const struct acd_staff_targets *t);

/* "Targets: service level >= 80% within 20 s ..." and how they are met,
 * one line. */
void acd_staff_text_targets(FILE *out, const struct acd_staff_targets *t,
                            const struct acd_scenario *sc);
/* The table of figures per bin (kpi[n_bins]: mean ±95% CI, P(met) when
 * the goals have a probability, the verdict and the goals missed) under
 * heading, and a last row "Day" of whole when not NULL. st: the setup of
 * the scenario the bins belong to. */
void acd_staff_text_achieved(FILE *out, const char *heading, const struct acd_staff_kpi *kpi,
                             size_t n_bins, const struct acd_staff_kpi *whole,
                             const struct acd_staff_targets *t, const struct acd_setup *st);

/* The scenario's directory as an absolute path (relative `file:` values
 * of a patched scenario written elsewhere keep pointing at the same
 * files). New string; caller frees. */
char *acd_staff_scenario_dir(const struct acd_scenario *sc);

/* One HTML table cell <td class="cls"> of text (escaped; cls may be NULL). */
void acd_staff_html_cell(FILE *out, const char *text, const char *cls);

/* One plan in a side-by-side page table (acd_staff_page_plans): its
 * column label, agents on the phones per bin (all groups), the figures
 * per bin and for the whole horizon, its paid agent-hours and cost.
 * Borrowed. */
struct acd_staff_plan_view {
    const char *label;
    const double *agents;
    const struct acd_staff_kpi *kpi;
    const struct acd_staff_kpi *whole;
    double agent_hours, cost;
};

/* Two plans side by side on a report page (HTML, into out): intervals
 * meeting every goal, paid agent-hours, cost and its items, the whole
 * horizon's figures, then per interval the agents and each goal's figure
 * of both plans and whether the goals are met; a note below (text,
 * escaped). The staffing recommendation's page (recommended vs current)
 * and the schedule's (roster vs current) both open with it. */
void acd_staff_page_plans(FILE *out, const struct acd_scenario *sc,
                          const struct acd_staff_targets *t, size_t n_bins,
                          const struct acd_staff_plan_view *p, const struct acd_staff_plan_view *q,
                          const char *note);

#endif
