/*
 * schedule_report: what `acdsim schedule` writes - the roster, how it
 * covers the requirement, what it achieves when simulated, its cost
 * against the requirement's and the rounds of the closed loop - as text
 * for people, JSON or CSV, chosen by name from a table of writers; and
 * the report folder of a schedule (`acdsim schedule --out DIR`). Reads
 * results only: tests feed the writers hand-built results.
 *
 * JSON (`--format json`):
 *   scenario, seed, replications (the requirement search's)
 *   status       "met", "unmet", "no_staffing", "uncovered", "infeasible",
 *                "solver" (enum acd_schedule_status); where {interval,
 *                group} says where for "uncovered" (group set) and
 *                "no_staffing" (the first interval missed)
 *   targets      as staff's JSON (staff_report.h)
 *   roster[]     {template, group, start "07:00", end, count, breaks[]
 *                {start, length_s, paid}}, the roster's lines
 *   coverage[]   per interval x group {interval, group, rostered (false:
 *                held, or no template staffs it), required (agents on the
 *                phones), required_scheduled, scheduled (the roster's
 *                agents on shift, time average), on_phones (its agents on
 *                the phones: breaks out)}; the figures are null for a group
 *                not rostered, scheduled and on_phones without a roster
 *   intervals[], achieved, costs: empty / null until a roster is simulated
 *   intervals[]  per interval {interval, achieved, p_met, met} of the
 *                roster simulated
 *   achieved     the whole day's figures; costs: its cost items
 *   cost, agent_hours, requirement_cost, requirement_agent_hours,
 *   cost_of_rostering (cost - requirement_cost)
 *   rounds[]     {solver ("optimal", "feasible", "uncovered", "infeasible",
 *                "failed"), roster_cost, cost, missed, raised}
 *   solver_gap   the last roster's relative MIP gap (null: no roster)
 *   wall_s
 * Reals with 17 significant digits; a NaN is null.
 *
 * CSV: one row per roster line, `template,group,start,end,count,breaks`,
 * breaks as "09:00/15m/paid;11:30/30m/unpaid".
 */
#ifndef ACDSIM_SCHEDULE_REPORT_H
#define ACDSIM_SCHEDULE_REPORT_H

#include "acdsim/diag.h"
#include "acdsim/run.h"
#include "acdsim/schedule.h"
#include <stdio.h>

struct acd_schedule_format {
    const char *name; /* "text", "json", "csv" */
    /* Write to out; return 0 or -1 on an I/O error (errno set). Borrow. */
    int (*write)(FILE *out, const struct acd_schedule_result *s);
};

/* NULL-terminated table of formats. */
extern const struct acd_schedule_format *const acd_schedule_formats[];
/* The format called name, or NULL. */
const struct acd_schedule_format *acd_schedule_format_find(const char *name);

/* The schedule as the json format writes it. New string; caller frees. */
char *acd_schedule_json_string(const struct acd_schedule_result *s);

/* The name of a status as the JSON writes it ("met", ...). */
const char *acd_schedule_status_name(enum acd_schedule_status st);

/* roster.yaml: the scenario's text (len bytes; the file s->sc was loaded
 * from) with the roster (acd_scenario_patch_roster on s->plan: the
 * roster's shifts for the rostered groups, the requirement per interval
 * for the others not held), the goals, relative `file:` values made
 * absolute, and a first comment naming the command, the seed and the
 * status. NULL when there is no roster (s->plan or s->roster NULL), or
 * when the text cannot be patched (the reason in diags). New string;
 * caller frees. */
char *acd_schedule_roster_yaml(const struct acd_schedule_result *s, const char *scenario_yaml,
                               size_t len, struct acd_diags *diags);

/* The report folder of a schedule, all files or none (outdir.h): the
 * usual folder of plan_results (what `acdsim run` on the roster gives:
 * results.json, intervals.csv, groups.csv, charts, index.html titled
 * "Schedule recommendation: NAME" and opening with the schedule's summary,
 * roster and coverage) plus schedule.json, schedule.csv, roster.yaml
 * (roster_yaml as is: acd_schedule_roster_yaml;
 * skipped when NULL) and the charts coverage.png/.svg (per rostered group:
 * the requirement on the phones, the roster's agents on shift and on the
 * phones, per interval) and gantt.png/.svg (the roster's lines as bars
 * with their breaks). plan_results may be NULL: then no run files and no
 * index.html. The charts need a roster; a missing gnuplot skips them and
 * is not an error. Problems go to err as for acd_outdir_write. Returns 0
 * or -1. Borrows everything. */
int acd_schedule_write_out(const char *dir, const struct acd_schedule_result *s,
                           const struct acd_results *plan_results, const char *roster_yaml,
                           FILE *err);

#endif
