/*
 * live_script: timed interventions for `acdsim live --script FILE`, so a
 * classroom demo can be replayed exactly (docs/live.md has the format).
 *
 *   # comment
 *   at 09:30 remove 3 agents from csr1
 *   at 10:00 add 2 agents to csr1
 *   at 10:15 surge orders x2 for 30m
 *   at 11:00 pause
 *   at 12:00 quit
 *
 * Parsing reports every error located `file:line:col: error: ...` and
 * never aborts on any input (user input class). Part of the acdsim
 * executable only, not of libacdsim.
 */
#ifndef ACDSIM_LIVE_SCRIPT_H
#define ACDSIM_LIVE_SCRIPT_H

#include "acdsim/diag.h"
#include "acdsim/scenario.h"
#include <stddef.h>

enum acd_live_action {
    ACD_LIVE_AGENTS, /* adjust a group's staffing by delta */
    ACD_LIVE_RATE,   /* set a call type's (or all types') rate factor */
    ACD_LIVE_PAUSE,  /* the view pauses (no effect without a view) */
    ACD_LIVE_QUIT,   /* stop and print the KPIs so far */
};

#define ACD_LIVE_ALL SIZE_MAX /* index: every call type */

struct acd_live_event {
    double t_s; /* clock seconds (seconds after midnight) */
    enum acd_live_action action;
    size_t index; /* group (AGENTS) or call type / ACD_LIVE_ALL (RATE) */
    int delta;
    double factor;
    unsigned line; /* in the script, for messages */
};

/* Events in time order (file order for equal times). */
struct acd_live_script {
    struct acd_live_event *v;
    size_t n, cap;
};

/* Parse `text` (len bytes, any content) named `file` in diagnostics, with
 * group and type names from sc (borrowed). Appends every error to diags
 * and returns 0 if there was none, -1 otherwise; out is filled either way
 * (caller frees with acd_live_script_fini). */
int acd_live_script_parse(const char *file, const char *text, size_t len,
                          const struct acd_scenario *sc, struct acd_live_script *out,
                          struct acd_diags *diags);
/* Largest script file read (bytes): a script is a few lines, and a
 * bigger or endless input (/dev/zero) is refused before it fills memory. */
#define ACD_LIVE_SCRIPT_MAX_BYTES (1024 * 1024)

/* Read and parse a file; an unreadable or too large file is one
 * diagnostic. */
int acd_live_script_load(const char *path, const struct acd_scenario *sc,
                         struct acd_live_script *out, struct acd_diags *diags);
void acd_live_script_fini(struct acd_live_script *s);

#endif
