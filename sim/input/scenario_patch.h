/*
 * scenario_patch: a scenario file with another staffing plan - the text of
 * the original YAML with only what must change rewritten, so comments,
 * anchors, key order and layout survive (`acdsim staff` writes it as
 * recommended.yaml, which `acdsim run` takes as it is).
 *
 * Works on yamltree's tree and its byte ranges: every change is an edit
 * (start, end, replacement) of the original text, applied back to front.
 * Block and flow style both work, and any UTF-8 text (a byte-order mark
 * included) that yamltree reads; UTF-16 is refused.
 */
#ifndef ACDSIM_SCENARIO_PATCH_H
#define ACDSIM_SCENARIO_PATCH_H

#include "acdsim/diag.h"
#include "acdsim/scenario.h"
#include "acdsim/staff.h"
#include <stddef.h>

/* Rewrite the scenario text (len bytes; the file sc was loaded from) with
 * the plan agents[bin * sc->n_groups + group] (bins: sc->n_intervals for
 * an operating day, 1 for a steady state):
 *   - each agent group (agent_groups[i] is sc->groups[i], matched by name
 *     when the names differ in order) gets `agents: [n0, n1, ...]` (day)
 *     or `agents: N` (steady): its `agents` value is replaced, its
 *     `shifts` key and value removed (or replaced by the `agents` key when
 *     it came first); a group with neither gets the key added;
 *   - when t is not NULL and its goals differ from sc's, the top-level
 *     `service_level` ({threshold, target}) and `targets` ({max_abandon,
 *     max_asa, max_occupancy}: the goals t sets; the key is removed when
 *     it sets none) are replaced or added (sl_answered and probability
 *     have no scenario key);
 *   - when base_dir is not NULL, every relative `file:` value (arrivals,
 *     empirical samples, staffing CSV) becomes base_dir/value, since the
 *     new file is written elsewhere;
 *   - an alias elsewhere to an anchor inside a removed value is replaced
 *     by a copy of the anchored value (in flow style);
 *   - comment (may be NULL; one or more lines, without "# ") goes first as
 *     a YAML comment.
 * Everything else is copied byte for byte. name is the file name used in
 * diagnostics. Returns 0 and a new NUL-terminated text in *out (caller
 * frees), or -1 with the problem in diags (text that yamltree refuses,
 * no agent_groups list, a group count other than sc's) and *out NULL.
 * Borrows everything. */
int acd_scenario_patch_staffing(const char *text, size_t len, const char *name,
                                const char *base_dir, const struct acd_scenario *sc,
                                const unsigned *agents, const struct acd_staff_targets *t,
                                const char *comment, char **out, struct acd_diags *diags);

#endif
