/*
 * scenario_int: what the files of the scenario parser share - limits, the
 * parse context, the key descriptor tables and the functions one file
 * calls in another, grouped by the file that defines them (see the list in
 * scenario.c). Internal to the parser: nothing else includes it, and
 * clients use acdsim/scenario.h.
 *
 * Every function here that takes a struct ctx reports through it and
 * returns false (or NULL) after reporting; none aborts on user input.
 */
#ifndef ACDSIM_SCENARIO_INT_H
#define ACDSIM_SCENARIO_INT_H

#include "acdsim/diag.h"
#include "acdsim/dist.h"
#include "acdsim/scenario.h"
#include "yamltree.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Limits that keep hostile or mistaken input cheap. Real scenarios are a few
 * kilobytes with a few hundred nodes. */
enum {
    ACD_SCN_MAX_BYTES = 16 * 1024 * 1024, /* the scenario, and each CSV file */
    ACD_SCN_MAX_ERRORS = 50,
    ACD_SCN_MAX_AGENTS = 1000000,        /* per group, interval or shift */
    ACD_SCN_MAX_TOTAL_AGENTS = 10000000, /* all groups together, counted in 64 bits */
    ACD_SCN_MAX_REPLICATIONS = 1000000,
    ACD_SCN_MAX_QUEUE = 1000000000,
    ACD_SCN_MAX_INTERVALS = 10000,
    ACD_SCN_MAX_TIER = 100,
    ACD_SCN_MAX_LEVEL = 1000,
    ACD_SCN_MAX_PRIORITY = 1000000,
    ACD_SCN_MAX_ATTEMPTS = 1000,
    ACD_SCN_MAX_BACKLOG = 1000000,      /* e-mails waiting at opening, per call type */
    ACD_SCN_MAX_TEMPLATES = 100,        /* shift_templates */
    ACD_SCN_MAX_TEMPLATE_BREAKS = 8,    /* break rules per template */
    ACD_SCN_MAX_TEMPLATE_STARTS = 1000, /* start times, or one break's placements */
    ACD_SCN_MAX_CLOCK_S = 48 * 3600,    /* the latest clock time */
    ACD_SCN_DEFAULT_ATTEMPTS = 3,
    ACD_SCN_CSV_FIELDS = 8, /* fields kept per CSV row (more are only counted) */
    ACD_SCN_MISSING_SHOWN = 6,
    /* Values visited by the walk. An alias is walked at each use, so a
     * small file could otherwise make it visit billions. */
    ACD_SCN_MAX_VISITS = 10000000,
};

/* Longest steady-state horizon `duration` (and so `warmup`): 3650 days
 * (ten years; the validation suite's longest runs are two). A longer one
 * is a mistake, not a study, and 1e300 s would never end. */
#define ACD_SCN_MAX_DURATION_S (3650.0 * 86400)

/* (close - open) / interval must be this close to a whole number. */
#define ACD_SCN_INTERVAL_TOL 1e-6

/* ------------------------------------------------------------ context */

struct sortkey {
    unsigned line, col;
};

/* What the horizon says, as far as the rest of the file needs it. */
enum mode {
    MODE_UNKNOWN, /* no valid horizon kind: day-only checks are skipped */
    MODE_STEADY,
    MODE_DAY,
};

/* A distribution as written, so per-interval variants can be derived from
 * it (by_interval, the arrivals file's aht column). */
struct dist_spec {
    const struct acd_dist_type *type;
    struct acd_dist_params p; /* p.file is not kept; durations scaled already */
    double scale;             /* `scale` (0 or 1: none); derived variants' means times this */
};

/* Per call type: what the cross-reference checks and the post-walk steps
 * need beyond struct acd_call_type. */
struct ct_state {
    const struct acd_ynode *map;        /* the entry */
    const struct acd_ynode *timeout_to; /* queue_timeout.to naming a call type */
    struct acd_srcpos *res_pos;         /* resolution entries, in the sorted order */
    bool res_ok;                        /* every resolution entry is valid */
    double *aht;                        /* the arrivals file's aht column, or NULL */
    const struct acd_ynode *aht_file;   /* ...and its `file:` value */
    struct dist_spec handle_spec;       /* handle_time as given */
    bool handle_ok;
    const struct acd_ynode *handle_by; /* handle_time's by_interval key */
    const struct acd_ynode *groups;    /* `groups` (a list of names): resolved once all are known */
    const struct acd_ynode **xfer_to;  /* per transfer entry: its `to` value, NULL if bad */
    bool xfer_ok;                      /* every transfer entry is valid */
    const struct acd_ynode *backlog;   /* `backlog` (e-mail), its `since` value if given */
    const struct acd_ynode *backlog_since;
};

/* A move as written (agent_groups[].moves or shifts[].moves), for the
 * checks once every group and the horizon are known. */
struct move_ref {
    size_t move;                       /* index into the group's moves */
    const struct acd_shift *shift;     /* shifts[].moves: its shift, else NULL */
    const struct acd_ynode *item, *to; /* its mapping; its `to` name, NULL if bad */
    bool times_ok;                     /* start and end valid, end later */
};

/* Per agent group, likewise. */
struct grp_state {
    const struct acd_ynode *map;
    size_t n_skill_items;
    const struct acd_ynode **skill_names; /* per item: its call type name, NULL if bad */
    unsigned *skill_levels;
    bool skills_given;                    /* skills was a non-empty list */
    const struct acd_ynode **handle_keys; /* per groups[].handle entry: its key */
    const struct acd_ynode **wrap_keys;   /* per groups[].wrap_by_type entry */
    struct move_ref *moves;               /* the group's and its shifts' moves */
    size_t n_moves, cap_moves;
};

struct ctx {
    const char *file;
    const char *base_dir;
    /* Local diagnostics, sorted by position in the scenario and then moved
     * to the caller's list; keys[i] is where diagnostic i sorts (a samples
     * or CSV file's diagnostics sort at the scenario's `file:` value). */
    struct acd_diags d;
    struct sortkey *keys;
    size_t cap_keys;
    size_t n_errors; /* counted even past the limit, to tell a bad value */
    struct acd_scenario *sc;

    enum mode mode;
    size_t n_iv;               /* day: n_intervals once the horizon is valid, else 0 */
    const char *interval_text; /* the horizon's `interval` as written */
    bool days_given;           /* `days:` was given (valid or not) */

    /* What the cross-reference checks may rely on, so that one mistake
     * does not cascade into nonsense errors. */
    bool ct_listed;   /* call_types was a non-empty list */
    bool ct_names_ok; /* ...and every entry has a valid name */
    bool ct_dups;     /* some call type name is given twice */
    bool groups_listed;
    bool tiers_ok; /* every group's tier is valid */
    struct ct_state *cts;
    struct grp_state *gps;
    /* Per shift template: its `groups` list, resolved once all are known. */
    const struct acd_ynode **tmpl_groups;
    const bool *group_ok; /* while call types' groups resolve: groups with valid skills */
    size_t cur;           /* the call type or group being walked */
    size_t visits;
};

/* ------------------------------------------------- mappings by table */

enum {
    KEY_REQUIRED = 1u << 0,
    KEY_DAY = 1u << 1, /* needs an operating-day horizon */
};

/* How a key's value is read and where it goes. Generic kinds store into
 * the walked object at `off`; V_FN hands the value to `parse`. */
enum vkind {
    V_FN,
    V_DURATION,     /* double, >= 0 */
    V_DURATION_POS, /* double, > 0 */
    V_CLOCK,        /* double, seconds after midnight */
    V_NUMBER,       /* double, >= 0 */
    V_RATE,         /* double, >= 0, per second (bare numbers too) */
    V_FRACTION,     /* double, 0 to 1 */
    V_INT,          /* int, -max to max */
    V_UINT,         /* unsigned, 0 to max */
    V_UINT1,        /* unsigned, 1 to max */
    V_DIST,         /* struct acd_dist, set up */
    V_BOOL,         /* bool: true or false */
};

struct key_desc {
    const char *name;
    unsigned flags;
    enum vkind kind;
    size_t off;             /* of the field in the walked object */
    size_t has;             /* 1 + offset of a bool set when the value is valid; 0: none */
    unsigned long long max; /* V_INT, V_UINT, V_UINT1 */
    void (*parse)(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v);
};

#define KEY_FN(name, fn, flags)                                                                    \
    {                                                                                              \
        name, flags, V_FN, 0, 0, 0, fn                                                             \
    }
#define KEY_V(name, kind, type, field, flags)                                                      \
    {                                                                                              \
        name, flags, kind, offsetof(type, field), 0, 0, NULL                                       \
    }
#define KEY_N(name, kind, type, field, max, flags)                                                 \
    {                                                                                              \
        name, flags, kind, offsetof(type, field), 0, max, NULL                                     \
    }
#define KEY_VH(name, kind, type, field, has, flags)                                                \
    {                                                                                              \
        name, flags, kind, offsetof(type, field), offsetof(type, has) + 1, 0, NULL                 \
    }
#define KEY_NH(name, kind, type, field, has, max, flags)                                           \
    {                                                                                              \
        name, flags, kind, offsetof(type, field), offsetof(type, has) + 1, max, NULL               \
    }

enum { MAX_KEYS = 32 };

/* What acd_scn_walk_map saw, by index into the key table. */
struct seen {
    unsigned keys;  /* given */
    unsigned meant; /* an unknown key looks like this one */
    unsigned bad;   /* given, and its value was reported */
    const struct acd_ynode *key[MAX_KEYS], *val[MAX_KEYS];
};

#define BIT(j) (1u << (j))

/* Kinds of per-interval values (lists and CSV columns). */
enum elem {
    E_CALLS,    /* expected calls: a number >= 0 */
    E_DURATION, /* a duration > 0 */
    E_AGENTS,   /* an integer, 0 to ACD_SCN_MAX_AGENTS */
    E_SHARE,    /* a fraction, 0 <= x < 1 (shrinkage) */
};

enum csv_kind { CSV_ARRIVALS, CSV_STAFFING };

/* ------------------------------------------------------- scenario.c */

/* Keep c->keys as long as c->d.v (after diagnostics added by dist.c). */
void acd_scn_sync_keys(struct ctx *c);
/* Add a diagnostic located in `file` at line:col, sorted at the scenario's
 * sline:scol; counts the error even past the limit. */
__attribute__((format(printf, 7, 0))) void acd_scn_add_diag(struct ctx *c, const char *file,
                                                            unsigned line, unsigned col,
                                                            unsigned sline, unsigned scol,
                                                            const char *fmt, va_list ap);
/* An error in the scenario at line:col, or at node `at`. */
__attribute__((format(printf, 4, 5))) void acd_scn_err_at(struct ctx *c, unsigned line,
                                                          unsigned col, const char *fmt, ...);
__attribute__((format(printf, 3, 4))) void acd_scn_err(struct ctx *c, const struct acd_ynode *at,
                                                       const char *fmt, ...);
/* Count n values about to be walked; false past the limit (reported once). */
bool acd_scn_visit(struct ctx *c, const struct acd_ynode *at, size_t n);

/* Call-type routing keys (the routing section of scenario.c): `groups`,
 * the order in which the type's calls try agent groups, and
 * `agent_selection`. */
void acd_scn_ct_groups(struct ctx *c, void *obj, const struct acd_ynode *k,
                       const struct acd_ynode *v);
void acd_scn_ct_agent_selection(struct ctx *c, void *obj, const struct acd_ynode *k,
                                const struct acd_ynode *v);

/* A scenario file's text (at most ACD_SCN_MAX_BYTES; caller frees) and
 * the directory its relative paths resolve against (caller frees).
 * Returns 0, or -1 after a diagnostic located at path:1:1. */
int acd_scn_read_file(const char *path, char **text, size_t *len, char **dir,
                      struct acd_diags *diags);

/* `shrinkage`: a fraction in [0, 1) or (operating day) a list of them
 * per interval, into *x / *per (new array, or NULL); *has when valid. */
void acd_scn_parse_shrinkage(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v,
                             bool *has, double *x, double **per);

/* -------------------------------------------------- scenario_keys.c */

/* "a number", what V_NUMBER values (and a distribution's k) must be. */
extern const char acd_scn_exp_number[];

const struct acd_ynode *acd_scn_where(const struct acd_ynode *k, const struct acd_ynode *v);
bool acd_scn_expect_map(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v,
                        const char *expect);
bool acd_scn_get_rate(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v,
                      double *out);
bool acd_scn_get_real(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v,
                      const char *expect, double *out);
/* A fraction: a number or a percentage ("80%" = 0.8) from 0 to 1, or
 * below 1 when below_one; false after reporting (with a suggestion when a
 * percentage was written without its sign). */
bool acd_scn_get_fraction(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v,
                          bool below_one, double *out);
bool acd_scn_get_uint(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v,
                      unsigned long long max, unsigned long long *out);
/* A clock time (V_CLOCK) on its own. */
bool acd_scn_get_clock(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v,
                       double *out);
bool acd_scn_check_positive(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v,
                            double x);
bool acd_scn_check_nonneg(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v,
                          double x);
const char *acd_scn_get_name(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v);
bool acd_scn_is_after(const struct acd_ynode *a, const struct acd_ynode *b);

void acd_scn_lower(char *dst, const char *src, size_t n);
const char *acd_scn_suggest(const char *word, const char *const *cands, size_t n);
char *acd_scn_join(const char *const *names, size_t n);
void acd_scn_unknown_name(struct ctx *c, const struct acd_ynode *at, const char *what,
                          const char *listed, const char *const *names, size_t n);

/* Whether key j was given with a valid value. */
bool acd_scn_is_ok(const struct seen *s, unsigned j);
void acd_scn_walk_map(struct ctx *c, const struct acd_ynode *map, const char *what,
                      const struct key_desc *keys, size_t n_keys, void *obj, struct seen *out);
const struct acd_ynode *acd_scn_first_key(const struct seen *s, unsigned bits);

/* --------------------------------------------------- scenario_day.c */

void acd_scn_parse_horizon(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v);
double *acd_scn_interval_list(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v,
                              enum elem kind);
char *acd_scn_resolve_path(const struct ctx *c, const char *file);
bool acd_scn_read_interval_csv(struct ctx *c, const struct acd_ynode *fv, enum csv_kind kind,
                               double **v, double **aht);
void acd_scn_grp_shifts(struct ctx *c, void *obj, const struct acd_ynode *k,
                        const struct acd_ynode *v);

/* -------------------------------------------------- scenario_days.c */

/* `days:` (read after the horizon, before the walk): sc->n_days/days and
 * the period's intervals (c->n_iv; 0 when the days are invalid). */
void acd_scn_parse_days(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v);
/* With `days:` given, reports "'what' cannot be combined with 'days'
 * yet" at k and returns true (a feature the period does not support). */
bool acd_scn_days_refuse(struct ctx *c, const struct acd_ynode *k, const char *what);

/* -------------------------------------------------- scenario_dist.c */

bool acd_scn_derive_dists(struct ctx *c, const char *what, const struct dist_spec *spec,
                          const struct acd_dist *base, const double *means,
                          const struct acd_ynode *at, struct acd_dist **out);
bool acd_scn_parse_dist_by(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v,
                           struct acd_dist *out, struct dist_spec *spec, struct acd_dist **by_out,
                           const struct acd_ynode **by_key);
bool acd_scn_parse_dist(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v,
                        struct acd_dist *out);

/* ------------------------------------- scenario_calls.c, _groups.c */

void acd_scn_top_call_types(struct ctx *c, void *obj, const struct acd_ynode *k,
                            const struct acd_ynode *v);
void acd_scn_top_agent_groups(struct ctx *c, void *obj, const struct acd_ynode *k,
                              const struct acd_ynode *v);
/* A list of moves (k: v) of group g (the current one), or of its shift
 * `shift` (index si; shift_times_ok: the shift's times are valid),
 * appended to g's moves. */
void acd_scn_parse_moves(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v,
                         struct acd_agent_group *g, const struct acd_shift *shift, size_t si,
                         bool shift_times_ok);

/* ---------------------------------------------- scenario_templates.c */

void acd_scn_top_templates(struct ctx *c, void *obj, const struct acd_ynode *k,
                           const struct acd_ynode *v);

/* ------------------------------------------------- scenario_check.c */

/* Resolve and check cross references once the walk is done. */
void acd_scn_cross_check(struct ctx *c);

#endif
