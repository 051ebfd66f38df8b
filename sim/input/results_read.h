/*
 * results_read: a results document (results.json, `acdsim run -f json`)
 * read back into struct acd_results, so that a report can be drawn again
 * without simulating (`acdsim report RESULTS.json`).
 *
 * The document is checked as thoroughly as a scenario: every key the
 * writer (report.c) puts in it is required with its type, arrays must have
 * the lengths the horizon implies, the names of call types and agent groups
 * must agree wherever they appear. Every problem is a located diagnostic
 * (`file:line:col: error: summary.asa_s.mean: expected a number or null,
 * got a string`); nothing aborts on any input. Unknown keys are warnings
 * (a newer writer may add some); they are not read.
 *
 * What is read back: the setup (below), every estimate (mean, ci95; null is NaN; a metric or
 * total that does not apply to a scope is not in the document and reads as
 * NaN, as the engine leaves it), the interval scopes, the calls-waiting band,
 * the wait CDFs, the Erlang comparison, run.calls/events/wall_s/threads.
 * Written again with the json or csv format, the result is byte for byte
 * the document it came from (`--no-timing` documents: with --no-timing).
 *
 * Not here: writing reports (report.h, outdir.h).
 */
#ifndef ACDSIM_RESULTS_READ_H
#define ACDSIM_RESULTS_READ_H

#include "acdsim/diag.h"
#include "acdsim/run.h"
#include <stddef.h>

/*
 * The results own everything, their setup (struct acd_setup, run.h: the
 * facts reports show) included; no scenario is involved:
 *
 *   struct acd_results *r;
 *   if (acd_results_read_json(path, &r, &diags) == 0) {
 *       ... r->setup.name, r->summary ...
 *       acd_results_free(r);
 *   }
 *
 * The setup holds what results.json records (docs/results-json.md): the
 * scenario name, the horizon (kind; open, close, interval and n_intervals,
 * or duration and warm-up), the service-level threshold and target, the
 * targets, the call types and agent groups by name (document order is the
 * scenario's) with the groups' tiers, and the model features in use
 * (setup.features). setup.path is the document's name. A document written
 * before setup.features existed gets the features its results show
 * happening (see observed_features in results_read.c). What results.json
 * does not record is marked so: routing is "", and each group's staffing
 * is what reports drawn from results.json have always shown (see
 * unrecorded_staffing).
 *
 * Returns 0 with *r_out set, or -1 with every error appended to diags (as
 * `path:line:col`) and *r_out set to NULL. Warnings may be added on
 * success. path "-" reads standard input (named "<stdin>" in diagnostics).
 */
int acd_results_read_json(const char *path, struct acd_results **r_out, struct acd_diags *diags);

/* The same from memory (text[0..len), need not be NUL-terminated); `name`
 * is the file name used in diagnostics and stored as setup.path. Borrows
 * text. */
int acd_results_read_json_string(const char *name, const char *text, size_t len,
                                 struct acd_results **r_out, struct acd_diags *diags);

#endif
