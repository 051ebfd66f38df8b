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
 * What is read back: every estimate (mean, ci95; null is NaN; a metric or
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
#include "acdsim/scenario.h"
#include <stddef.h>

/*
 * Ownership follows acd_run: the results borrow a scenario, here one
 * synthesized from the document, and the caller owns both:
 *
 *   struct acd_results *r; struct acd_scenario *sc;
 *   if (acd_results_read_json(path, &r, &sc, &diags) == 0) {
 *       ... r->sc == sc ...
 *       acd_results_free(r);     (first: r borrows sc)
 *       acd_scenario_free(sc);
 *   }
 *
 * The synthesized scenario holds what results.json records and report
 * writers read from r->sc: name, path (the document's), seed,
 * replications, the horizon (kind; open, close, interval and n_intervals,
 * or duration and warm-up), the service-level threshold and target, the
 * targets, the call types by name (scenario order = document order) with,
 * for an operating day, calls_per_interval = the mean fresh calls of each
 * interval, the agent groups by name with their tier, max_tier, and, from
 * the Erlang comparison when there is one, the queue capacity. So that
 * acd_scenario_features() (which decides the text table's rows) answers as for
 * the run, the features the results show in use are marked on the fields it
 * reads, with the observed value where that is the parameter (costs) and a
 * neutral positive marker otherwise (see mark_features in results_read.c).
 * Everything else keeps its zero value: distributions are empty, staffing is
 * 0, so the scenario describes a report, not a model - never simulate it.
 *
 * Returns 0 with *r_out and *sc_out set, or -1 with every error appended to
 * diags (as `path:line:col`) and both set to NULL. Warnings may be added on
 * success. path "-" reads standard input (named "<stdin>" in diagnostics).
 */
int acd_results_read_json(const char *path, struct acd_results **r_out,
                          struct acd_scenario **sc_out, struct acd_diags *diags);

/* The same from memory (text[0..len), need not be NUL-terminated); `name`
 * is the file name used in diagnostics and stored as sc->path. Borrows
 * text. */
int acd_results_read_json_string(const char *name, const char *text, size_t len,
                                 struct acd_results **r_out, struct acd_scenario **sc_out,
                                 struct acd_diags *diags);

#endif
