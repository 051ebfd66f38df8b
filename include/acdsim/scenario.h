/*
 * scenario: a call center described in a YAML file, parsed into an
 * immutable struct that the engine, the analytic module and every client
 * borrow. Parsing never aborts on bad input: every problem found is added
 * to the caller's diagnostics with its file:line:col, and nothing is
 * returned unless the whole file is valid.
 *
 * The schema (interface.md, docs/scenario.md) is designed for the whole
 * product; fields for features that later issues bring (operating days,
 * shifts, tiers...) are added here, never by a second parser.
 */
#ifndef ACDSIM_SCENARIO_H
#define ACDSIM_SCENARIO_H

#include "acdsim/dist.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct acd_diags;

/* Where something was defined, for diagnostics raised after parsing. */
struct acd_srcpos {
    unsigned line, col; /* 1-based */
};

enum acd_horizon_kind {
    ACD_HORIZON_STEADY, /* horizon: {duration, warmup}: one long run per replication */
    ACD_HORIZON_DAY     /* horizon: {open, close, interval}: one day per replication */
};

struct acd_call_type {
    char *name;
    double rate_per_s; /* Poisson arrival rate (steady state) */
    struct acd_dist handle;
    bool has_patience; /* false: callers never abandon */
    struct acd_dist patience;
    struct acd_srcpos pos;
};

struct acd_agent_group {
    char *name;
    size_t n_skills;
    size_t *skills; /* indices into acd_scenario.call_types, in the order given */
    unsigned agents;
    struct acd_srcpos pos;
};

#define ACD_UNLIMITED (-1L)

struct acd_scenario {
    char *name;
    char *path; /* file it came from ("<default>" for the embedded one) */
    uint64_t seed;
    unsigned replications;

    enum acd_horizon_kind horizon;
    double duration_s; /* steady: length of each replication, warm-up included */
    double warmup_s;   /* steady: calls arriving before this are not counted */

    double sl_threshold_s; /* default 20 s */
    double sl_target;      /* default 0.80 */
    double max_abandon;    /* targets.max_abandon, NAN if not given */
    double max_asa_s;      /* targets.max_asa, NAN if not given */
    double max_occupancy;  /* targets.max_occupancy, NAN if not given */

    long queue_capacity; /* waiting places, ACD_UNLIMITED if not given; 0 = loss system */
    long queue_lines;    /* lines/trunks incl. calls in service, ACD_UNLIMITED if not given */

    char *routing; /* routing policy name; "longest_idle" by default */

    size_t n_call_types;
    struct acd_call_type *call_types;
    size_t n_groups;
    struct acd_agent_group *groups;
};

/* Parse a file. Returns 0 and a new scenario in *out (caller frees with
 * acd_scenario_free), or -1 with every error appended to diags and *out set
 * to NULL. Relative paths inside the file (empirical samples) resolve
 * against the file's directory. */
int acd_scenario_load_file(const char *path, struct acd_scenario **out, struct acd_diags *diags);
/* Same from memory; `name` is used as the file name in diagnostics and
 * `base_dir` (may be NULL = ".") for relative paths. */
int acd_scenario_load_string(const char *name, const char *base_dir, const char *text, size_t len,
                             struct acd_scenario **out, struct acd_diags *diags);
/* NULL is a no-op. */
void acd_scenario_free(struct acd_scenario *sc);

/* Index of a call type / group by name, or SIZE_MAX. */
size_t acd_scenario_find_call_type(const struct acd_scenario *sc, const char *name);
size_t acd_scenario_find_group(const struct acd_scenario *sc, const char *name);

/* The built-in default scenario (scenarios/utility.yaml, embedded at build
 * time). Static storage. */
extern const char acd_default_scenario_yaml[];
extern const size_t acd_default_scenario_len;
#define ACD_DEFAULT_SCENARIO_NAME "<default:utility.yaml>"

#endif
