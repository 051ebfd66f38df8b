/*
 * scenario_set: a scenario with `--set PATH=VALUE` changes. Each change is
 * an edit of the scenario's YAML text (scenario_patch.c's machinery), and
 * the edited text is parsed by the normal parser, so a --set gives exactly
 * what the same edit made in the file gives.
 *
 * PATH is dot-separated keys; in a list (call_types, agent_groups, shifts,
 * ...) an entry is named by its `name`, or by its index from 0. A missing
 * last key is added (the parser then checks it like any key); a missing
 * key on the way adds a nested mapping. VALUE is YAML text on one line (a
 * scalar, or a flow list or mapping). `agent_groups.G.agents=+2@09:00-11:00`
 * (also -N and =N) changes the group's agents for the intervals of that
 * window and writes the group's whole per-interval list (docs/scenario.md).
 *
 * Diagnostics about a change, its path or its value (unknown key, bad
 * duration) are located on the option: file "--set", line K (the K-th
 * --set, from 1), column C (the character of PATH=VALUE, from 1). The
 * others keep their place in the scenario file.
 */
#ifndef ACDSIM_SCENARIO_SET_H
#define ACDSIM_SCENARIO_SET_H

#include "acdsim/diag.h"
#include "acdsim/scenario.h"
#include <stddef.h>

/* The name of the diagnostics' "file" for --set options. */
#define ACD_SET_NAME "--set"

/* Load a scenario file (or, when path is NULL, the embedded default) with
 * the changes sets[0..n) applied in order (a later one sees the earlier
 * ones). Returns 0 and the scenario in *out (caller frees), or -1 with
 * every error in diags and *out NULL. */
int acd_scenario_load_set(const char *path, const char *const *sets, size_t n,
                          struct acd_scenario **out, struct acd_diags *diags);

/* Only the edit: the text (len bytes, the file `name`, relative paths from
 * base_dir; NULL: ".") with the changes applied, into *out (NUL-terminated,
 * caller frees; *out_len its length). Returns 0, or -1 with the problems in
 * diags. */
int acd_scenario_set_text(const char *name, const char *base_dir, const char *text, size_t len,
                          const char *const *sets, size_t n, char **out, size_t *out_len,
                          struct acd_diags *diags);

#endif
