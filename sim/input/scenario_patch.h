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
#include <stdbool.h>
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
 *     a YAML comment, in place of the file's opening comment lines (and
 *     the blank line after them), which describe the original;
 *   - new_name (may be NULL: unchanged) becomes the top-level `name`
 *     (double-quoted; added first when the file has none).
 * Everything else is copied byte for byte. name is the file name used in
 * diagnostics. Returns 0 and a new NUL-terminated text in *out (caller
 * frees), or -1 with the problem in diags (text that yamltree refuses,
 * no agent_groups list, a group count other than sc's) and *out NULL.
 * Borrows everything. */
int acd_scenario_patch_staffing(const char *text, size_t len, const char *name,
                                const char *base_dir, const struct acd_scenario *sc,
                                const unsigned *agents, const struct acd_staff_targets *t,
                                const char *comment, const char *new_name, char **out,
                                struct acd_diags *diags);

/* The same for a shift roster (`acdsim schedule`, roster.yaml): plan is
 * the scenario running the roster (acd_schedule_plan: the file's groups,
 * in its order, with their `held` marks), an operating day.
 *   - each group with scheduled_group[g] gets `shifts:` - plan's shifts
 *     in flow style, one a line: {start: "07:00", end: "15:30", count: 3,
 *     breaks: [{start: "09:00", length: 15m}, {start: "11:30", length:
 *     30m, paid: false}]} - in place of its `agents` or `shifts` (a
 *     scheduled group without a shift gets `agents: 0`);
 *   - a group neither scheduled nor held that plan staffs per interval
 *     (agents_by_interval) gets `agents: [...]`; held groups, and others
 *     plan leaves as the scenario staffs them, are untouched;
 *   - when t is not NULL, every goal it sets is written (service_level,
 *     targets), whatever the file said;
 *   - base_dir, aliases, the comment and new_name as for
 *     acd_scenario_patch_staffing.
 * Returns 0 and a new text in *out (caller frees), or -1 with the problem
 * in diags and *out NULL. Borrows everything. */
int acd_scenario_patch_roster(const char *text, size_t len, const char *name, const char *base_dir,
                              const struct acd_scenario *plan, const bool *scheduled_group,
                              const struct acd_staff_targets *t, const char *comment,
                              const char *new_name, char **out, struct acd_diags *diags);

/* ------------------------------------------------ edits one by one
 *
 * The same machinery for other changes (scenario_set.c's --set): open a
 * text, add edits against its tree (each returns the edit's number), and
 * apply them all at once. Aliases elsewhere to anchors inside a replaced
 * value are copied as for the staffing plan. */
struct acd_ynode;
struct acd_ypatch;

/* Where an edit went: the text [in_start, in_end) of the input became
 * [out_start, out_end) of the result, the first `pre` bytes of which the
 * patcher added (a blank, ", ", a line break and indentation). id: the
 * number the edit got, SIZE_MAX for a copied alias. */
struct acd_ypatch_placed {
    size_t in_start, in_end, out_start, out_end, pre, id;
};

/* NULL after a diagnostic (text yamltree refuses, not a mapping). Borrows
 * text and name until acd_ypatch_close. */
struct acd_ypatch *acd_ypatch_open(const char *text, size_t len, const char *name,
                                   struct acd_diags *diags);
const struct acd_ynode *acd_ypatch_root(const struct acd_ypatch *p);
/* Index of key `name` in mapping m (pairs: key at i, value at i + 1), or SIZE_MAX. */
size_t acd_ypatch_find_key(const struct acd_ynode *m, const char *name);
/* Replace the value of pair i of mapping m by text (flow style). */
size_t acd_ypatch_replace_value(struct acd_ypatch *p, const struct acd_ynode *m, size_t i,
                                const char *text);
/* Replace node n (a sequence item, an alias) by text. */
size_t acd_ypatch_replace_node(struct acd_ypatch *p, const struct acd_ynode *n, const char *text);
/* Add `pair` ("key: value") to mapping m. */
size_t acd_ypatch_insert_pair(struct acd_ypatch *p, const struct acd_ynode *m, const char *pair);
/* Apply every edit: 0 with the new text in *out (NUL-terminated, caller
 * frees) and where each edit went in *placed (sorted by position; caller
 * frees), or -1 after a diagnostic (two edits overlap). */
int acd_ypatch_apply(struct acd_ypatch *p, char **out, size_t *out_len,
                     struct acd_ypatch_placed **placed, size_t *n_placed);
void acd_ypatch_close(struct acd_ypatch *p);

#endif
