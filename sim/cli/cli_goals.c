/*
 * cli_goals: what `staff` and `schedule` share on the command line - the
 * goal options (--target-sl ... --probability, `none` for each), --hold,
 * the goals merged with the scenario's, the resource guard before a
 * search and the scenario's text for the plan file each writes.
 */
#include "acdsim/run.h"
#include "acdsim/scenario.h"
#include "acdsim/staff.h"
#include "cli.h"
#include "scenario_set.h"
#include "units.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct acd_scenario *
acd_cli_goals_scenario(const char *cmd, struct acd_cli_common *c, int argc, char **argv, int first,
                       const char **path, int *usage_errors)
{
    *path = first < argc ? argv[first] : NULL;
    if (!*path) {
        acd_cli_error(cmd, "missing SCENARIO");
        c->n_errors++;
    }
    for (int i = first + 1; i < argc; i++) {
        acd_cli_error(cmd, "unexpected argument '%s' (one SCENARIO)", argv[i]);
        c->n_errors++;
    }
    *usage_errors = c->n_errors;
    struct acd_scenario *sc = *path && argc - first == 1 ? acd_cli_load_scenario(c, *path) : NULL;
    if (*path && !sc)
        c->n_errors++;
    /* `staff` plans a period's every interval; `schedule` plans one day. */
    if (strcmp(cmd, "staff") != 0 && acd_cli_refuse_days(cmd, sc, *path) != 0) {
        acd_scenario_free(sc);
        sc = NULL;
        c->n_errors++;
    }
    return sc;
}

void
acd_cli_goals_fini(struct acd_cli_common *c)
{
    free(c->asserts);
    free(c->sets);
    free(c->goals.holds);
}

void
acd_cli_goals_init(struct acd_cli_goals *g)
{
    *g = (struct acd_cli_goals){
        .target_sl = ACD_NAN,
        .sl_threshold_s = ACD_NAN,
        .max_abandon = ACD_NAN,
        .max_asa_s = ACD_NAN,
        .max_occupancy = ACD_NAN,
        .probability = ACD_NAN,
        .sl_answered = -1,
    };
}

/* "none" drops the scenario's service-level goal (-1 until merged). */
int
acd_cli_set_goal_target_sl(void *ud, const char *arg, char *err, size_t errlen)
{
    if (strcmp(arg, "none") == 0) {
        ((struct acd_cli_common *)ud)->goals.target_sl = -1;
        return 0;
    }
    return acd_cli_parse_fraction(arg, false, &((struct acd_cli_common *)ud)->goals.target_sl, err,
                                  errlen);
}

int
acd_cli_set_goal_sl_threshold(void *ud, const char *arg, char *err, size_t errlen)
{
    return acd_cli_parse_duration(arg, false, &((struct acd_cli_common *)ud)->goals.sl_threshold_s,
                                  err, errlen);
}

int
acd_cli_set_goal_sl_definition(void *ud, const char *arg, char *err, size_t errlen)
{
    struct acd_cli_goals *a = &((struct acd_cli_common *)ud)->goals;
    if (strcmp(arg, "offered") == 0 || strcmp(arg, "answered") == 0) {
        a->sl_answered = strcmp(arg, "answered") == 0;
        return 0;
    }
    snprintf(err, errlen, "expected 'offered' or 'answered', got '%s'", arg);
    return -1;
}

/* "none": no such goal (the scenario's dropped); -1 until merged. */
static bool
is_none(const char *arg, double *out)
{
    if (strcmp(arg, "none") != 0)
        return false;
    *out = -1;
    return true;
}

int
acd_cli_set_goal_max_abandon(void *ud, const char *arg, char *err, size_t errlen)
{
    double *v = &((struct acd_cli_common *)ud)->goals.max_abandon;
    return is_none(arg, v) ? 0 : acd_cli_parse_fraction(arg, true, v, err, errlen);
}

int
acd_cli_set_goal_max_asa(void *ud, const char *arg, char *err, size_t errlen)
{
    double *v = &((struct acd_cli_common *)ud)->goals.max_asa_s;
    return is_none(arg, v) ? 0 : acd_cli_parse_duration(arg, false, v, err, errlen);
}

int
acd_cli_set_goal_max_occupancy(void *ud, const char *arg, char *err, size_t errlen)
{
    double *v = &((struct acd_cli_common *)ud)->goals.max_occupancy;
    return is_none(arg, v) ? 0 : acd_cli_parse_fraction(arg, false, v, err, errlen);
}

/* "none": each goal met on average (the default). */
int
acd_cli_set_goal_probability(void *ud, const char *arg, char *err, size_t errlen)
{
    double *v = &((struct acd_cli_common *)ud)->goals.probability;
    return is_none(arg, v) ? 0 : acd_cli_parse_fraction(arg, false, v, err, errlen);
}

int
acd_cli_add_hold(void *ud, const char *arg, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    struct acd_cli_goals *a = &((struct acd_cli_common *)ud)->goals;
    a->holds = acd_xgrow(a->holds, &a->cap_holds, a->n_holds + 1, sizeof(*a->holds));
    a->holds[a->n_holds++] = arg;
    return 0;
}

void
acd_cli_goals_merge(const struct acd_cli_goals *a, const struct acd_scenario *sc,
                    struct acd_staff_targets *t)
{
    acd_staff_targets_from_scenario(sc, t);
    if (!isnan(a->target_sl))
        t->sl_target = a->target_sl < 0 ? ACD_NAN : a->target_sl;
    if (!isnan(a->sl_threshold_s))
        t->sl_threshold_s = a->sl_threshold_s;
    if (a->sl_answered >= 0)
        t->sl_answered = a->sl_answered;
    if (!isnan(a->max_abandon))
        t->max_abandon = a->max_abandon < 0 ? ACD_NAN : a->max_abandon;
    if (!isnan(a->max_asa_s))
        t->max_asa_s = a->max_asa_s < 0 ? ACD_NAN : a->max_asa_s;
    if (!isnan(a->max_occupancy))
        t->max_occupancy = a->max_occupancy < 0 ? ACD_NAN : a->max_occupancy;
    t->probability = a->probability < 0 ? ACD_NAN : a->probability;
}

/* --hold against the scenario: marks the groups held. Returns the errors. */
int
acd_cli_goals_check_holds(const char *cmd, const struct acd_cli_goals *a, bool curve,
                          struct acd_scenario *sc)
{
    int errors = 0;
    for (size_t i = 0; i < a->n_holds; i++) {
        size_t g = acd_scenario_find_group(sc, a->holds[i]);
        if (g != SIZE_MAX) {
            sc->groups[g].held = true;
            continue;
        }
        const char *best = NULL;
        size_t best_d = SIZE_MAX;
        for (size_t k = 0; k < sc->n_groups; k++) {
            size_t d = acd_edit_distance(a->holds[i], sc->groups[k].name);
            if (d < best_d) {
                best_d = d;
                best = sc->groups[k].name;
            }
        }
        if (best && best_d <= 2 + strlen(a->holds[i]) / 4)
            acd_cli_error(cmd, "--hold: no agent group '%s' in %s (did you mean '%s'?)",
                          a->holds[i], sc->path, best);
        else
            acd_cli_error(cmd, "--hold: no agent group '%s' in %s", a->holds[i], sc->path);
        errors++;
    }
    if (a->n_holds && curve) {
        acd_cli_error(cmd, "--hold goes with a recommendation, not a --curve");
        errors++;
    }
    size_t n_held = 0;
    for (size_t g = 0; g < sc->n_groups; g++)
        n_held += sc->groups[g].held;
    if (!errors && sc->n_groups && n_held == sc->n_groups) {
        acd_cli_error(cmd, "--hold: every agent group is held: nothing to staff");
        errors++;
    }
    return errors;
}

/* The scenario's text, for recommended.yaml. Caller frees; NULL (with a
 * warning) if it cannot be read again. */
char *
acd_cli_scenario_text(const char *cmd, const char *what, const struct acd_cli_common *c,
                      const char *path, size_t *len)
{
    char *s = acd_read_file(path, SIZE_MAX, len);
    if (!s) {
        fprintf(stderr, "acdsim %s: warning: cannot read %s again (%s): no %s\n", cmd, path,
                strerror(errno), what);
        return NULL;
    }
    if (!c->n_sets)
        return s;
    /* With the --set changes, as the search saw the scenario. */
    const char *slash = strrchr(path, '/');
    char *dir = !slash ? acd_xstrdup(".") : acd_xstrndup(path, (size_t)(slash - path + 1));
    struct acd_diags diags;
    acd_diags_init(&diags);
    char *edited = NULL;
    if (acd_scenario_set_text(path, dir, s, *len, c->sets, c->n_sets, &edited, len, &diags) != 0) {
        fprintf(stderr, "acdsim %s: warning: no %s:\n", cmd, what);
        acd_diags_print(&diags, stderr);
    }
    acd_diags_fini(&diags);
    free(dir);
    free(s);
    return edited;
}

/* The resource guard before the search: the analytic starting plan must be
 * a plan acdsim can simulate (at most ACD_STAFF_MAX_TOTAL agents at once,
 * counted in 64 bits) within the memory limit, and so must the scenario
 * as it is (it is evaluated too). Sets o->max_calls (the overload guard)
 * for the smaller of the two. Returns 0, or -1 after reporting. */
#define ACD_STAFF_MAX_TOTAL 10000000u /* as a scenario's agent groups (docs/scenario.md) */

int
acd_cli_staff_check_resources(const char *cmd, struct acd_cli_common *c,
                              const struct acd_scenario *sc, struct acd_staff_opts *o)
{
    unsigned *start = acd_staff_start_plan(sc, o);
    size_t nb = sc->horizon == ACD_HORIZON_DAY ? sc->n_intervals : 1, ng = sc->n_groups;
    uint64_t peak = 0;
    size_t peak_bin = 0;
    for (size_t b = 0; b < nb; b++) {
        uint64_t total = 0;
        for (size_t g = 0; g < ng; g++)
            total += start[b * ng + g];
        if (total > peak) {
            peak = total;
            peak_bin = b;
        }
    }
    int rc = 0;
    if (peak > ACD_STAFF_MAX_TOTAL) {
        char when[48] = "";
        if (sc->horizon == ACD_HORIZON_DAY && sc->n_days == 0) {
            char t[32];
            acd_units_format_clock(sc->open_s + (double)peak_bin * sc->interval_s, t, sizeof(t));
            snprintf(when, sizeof(when), " at %s", t);
        }
        for (size_t d = 0; d < sc->n_days; d++) { /* a period: on its day's clock */
            const struct acd_day *dy = &sc->days[d];
            if (peak_bin < dy->first_interval || peak_bin >= dy->first_interval + dy->n_intervals)
                continue;
            char t[32];
            double t0 = dy->open_s + (double)(peak_bin - dy->first_interval) * sc->interval_s;
            acd_units_format_clock(t0 - (double)(dy->date - sc->days[0].date) * 86400.0, t,
                                   sizeof(t));
            snprintf(when, sizeof(when), " on %s at %s", dy->label, t);
        }
        acd_cli_error(cmd,
                      "%s: the Erlang estimate to start from needs %s%" PRIu64
                      " agents%s, more than the %u a plan may have: the offered load is beyond "
                      "what acdsim can staff by simulation (try `acdsim erlang`)",
                      sc->path, peak >= ACD_STAFF_START_MAX ? "at least " : "", peak, when,
                      ACD_STAFF_MAX_TOTAL);
        rc = -1;
    } else {
        struct acd_memory_estimate est;
        struct acd_scenario *plan = acd_staff_plan(sc, start, &o->targets);
        c->run.replications = o->replications;
        c->run.threads = o->threads;
        if (acd_cli_check_memory(cmd, plan, c, &est) != 0)
            rc = -1;
        size_t max_calls = c->run.max_calls;
        acd_staff_plan_free(plan);
        if (rc == 0 && acd_cli_check_memory(cmd, sc, c, &est) != 0)
            rc = -1;
        if (c->run.max_calls < max_calls)
            max_calls = c->run.max_calls;
        o->max_calls = max_calls;
    }
    free(start);
    return rc;
}
