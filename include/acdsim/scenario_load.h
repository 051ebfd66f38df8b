/*
 * scenario_load: a scenario from YAML (the input layer's public entry). The
 * types it fills in are in scenario.h; every error is located and collected
 * in an acd_diags (diag.h), never printed here.
 */
#ifndef ACDSIM_SCENARIO_LOAD_H
#define ACDSIM_SCENARIO_LOAD_H

#include "acdsim/diag.h"
#include "acdsim/scenario.h"
#include <stddef.h>

/* Parse a file. Returns 0 and a new scenario in *out (caller frees with
 * acd_scenario_free), or -1 with every error appended to diags and *out set
 * to NULL. Relative paths inside the file (empirical samples, arrivals and
 * staffing CSV files) resolve against the file's directory. */
int acd_scenario_load_file(const char *path, struct acd_scenario **out, struct acd_diags *diags);
/* Same from memory; `name` is used as the file name in diagnostics and
 * `base_dir` (may be NULL = ".") for relative paths. */
int acd_scenario_load_string(const char *name, const char *base_dir, const char *text, size_t len,
                             struct acd_scenario **out, struct acd_diags *diags);
/* Warnings on a valid scenario, appended to diags at the call type's
 * position in sc->path: a call type whose queue grows without bound -
 * offered load (rate x mean handle time, erlangs) at or above the agents
 * of the groups that serve it (steady state, or an operating day's worst
 * interval), callers who never abandon (no patience, queue timeout or
 * certain balk) and no queue capacity or lines. A run of such a scenario
 * ends when the overload guard trips (sim.h, acd_sim_set_max_calls). The
 * agents count moves (agent_groups[].moves) where they are. Also a move
 * asking for more agents than its group schedules at its start (those
 * there are move), at the move's position. */
void acd_scenario_warn_overload(const struct acd_scenario *sc, struct acd_diags *diags);

/* The built-in default scenario (scenarios/utility.yaml, embedded at build
 * time). Static storage. */
extern const char acd_default_scenario_text[];
extern const size_t acd_default_scenario_len;
#define ACD_DEFAULT_SCENARIO_NAME "<default:utility.yaml>"

#endif
