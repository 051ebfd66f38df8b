/*
 * cli_staff: `acdsim staff` - the staffing recommendation (staff.h) and
 * the staffing curve, with progress on stderr while the search runs.
 *
 * As for `run`, every option, the scenario and the options that refer to
 * it (--group, --interval) are checked before anything is simulated, all
 * errors at once (exit 2).
 */
#include "acdsim/run.h"
#include "acdsim/scenario.h"
#include "acdsim/staff.h"
#include "cli.h"
#include "expect.h"
#include "outdir.h"
#include "scenario_set.h"
#include "staff_report.h"
#include "tmpfile.h"
#include "units.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ERR_LEN ACD_CLI_ERR_LEN

struct staff_args {
    struct acd_cli_common c; /* first: the common setters write here */
    const struct acd_staff_format *format;
    /* Goals given on the command line (NAN: the scenario's). */
    double target_sl, sl_threshold_s, max_abandon, max_asa_s, max_occupancy, probability;
    int sl_answered; /* -1: not given */
    enum acd_staff_start start;
    unsigned max_evaluations;
    bool curve;
    const char *group, *interval;
    double interval_clock_s; /* --interval, parsed */
    unsigned lo, hi;         /* --agents LO:HI; 0, 0: automatic */
    const char **holds;      /* --hold GROUP, checked against the scenario */
    size_t n_holds, cap_holds;
};

static int
set_format(void *ud, const char *arg, char *err, size_t errlen)
{
    struct staff_args *a = ud;
    const void *f;
    if (acd_cli_parse_choice(arg, (const void *const *)acd_staff_formats, &f, err, errlen) != 0)
        return -1;
    a->format = f;
    return 0;
}

/* "none" drops the scenario's service-level goal (-1 until merged). */
static int
set_target_sl(void *ud, const char *arg, char *err, size_t errlen)
{
    if (strcmp(arg, "none") == 0) {
        ((struct staff_args *)ud)->target_sl = -1;
        return 0;
    }
    return acd_cli_parse_fraction(arg, false, &((struct staff_args *)ud)->target_sl, err, errlen);
}

static int
set_sl_threshold(void *ud, const char *arg, char *err, size_t errlen)
{
    return acd_cli_parse_duration(arg, false, &((struct staff_args *)ud)->sl_threshold_s, err,
                                  errlen);
}

static int
set_sl_definition(void *ud, const char *arg, char *err, size_t errlen)
{
    struct staff_args *a = ud;
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

static int
set_max_abandon(void *ud, const char *arg, char *err, size_t errlen)
{
    double *v = &((struct staff_args *)ud)->max_abandon;
    return is_none(arg, v) ? 0 : acd_cli_parse_fraction(arg, true, v, err, errlen);
}

static int
set_max_asa(void *ud, const char *arg, char *err, size_t errlen)
{
    double *v = &((struct staff_args *)ud)->max_asa_s;
    return is_none(arg, v) ? 0 : acd_cli_parse_duration(arg, false, v, err, errlen);
}

static int
set_max_occupancy(void *ud, const char *arg, char *err, size_t errlen)
{
    double *v = &((struct staff_args *)ud)->max_occupancy;
    return is_none(arg, v) ? 0 : acd_cli_parse_fraction(arg, false, v, err, errlen);
}

/* "none": each goal met on average (the default). */
static int
set_probability(void *ud, const char *arg, char *err, size_t errlen)
{
    double *v = &((struct staff_args *)ud)->probability;
    return is_none(arg, v) ? 0 : acd_cli_parse_fraction(arg, false, v, err, errlen);
}

static int
set_start(void *ud, const char *arg, char *err, size_t errlen)
{
    struct staff_args *a = ud;
    if (strcmp(arg, "erlang") == 0)
        a->start = ACD_STAFF_START_ERLANG;
    else if (strcmp(arg, "current") == 0)
        a->start = ACD_STAFF_START_CURRENT;
    else {
        snprintf(err, errlen, "expected 'erlang' or 'current', got '%s'", arg);
        return -1;
    }
    return 0;
}

static int
set_max_evaluations(void *ud, const char *arg, char *err, size_t errlen)
{
    unsigned long long v;
    int rc = acd_cli_parse_uint(arg, 1, 1000000, &v);
    if (rc != 0)
        return acd_cli_bad_positive(rc, arg, 1000000, err, errlen);
    ((struct staff_args *)ud)->max_evaluations = (unsigned)v;
    return 0;
}

static int
set_curve(void *ud, const char *arg, char *err, size_t errlen)
{
    (void)arg, (void)err, (void)errlen;
    ((struct staff_args *)ud)->curve = true;
    return 0;
}

static int
set_group(void *ud, const char *arg, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    ((struct staff_args *)ud)->group = arg; /* checked against the scenario */
    return 0;
}

static int
set_interval(void *ud, const char *arg, char *err, size_t errlen)
{
    double t;
    if (acd_units_parse_clock(arg, &t) != 0) {
        snprintf(err, errlen, "expected a clock time such as 09:30, got '%s'", arg);
        return -1;
    }
    ((struct staff_args *)ud)->interval = arg;
    ((struct staff_args *)ud)->interval_clock_s = t;
    return 0;
}

static int
set_agents(void *ud, const char *arg, char *err, size_t errlen)
{
    struct staff_args *a = ud;
    const char *colon = strchr(arg, ':');
    unsigned long long lo, hi;
    char buf[32];
    if (colon && (size_t)(colon - arg) < sizeof(buf)) {
        memcpy(buf, arg, (size_t)(colon - arg));
        buf[colon - arg] = '\0';
        if (acd_cli_parse_uint(buf, 1, 100000, &lo) == 0 &&
            acd_cli_parse_uint(colon + 1, 1, 100000, &hi) == 0 && lo <= hi && hi - lo <= 200) {
            a->lo = (unsigned)lo;
            a->hi = (unsigned)hi;
            return 0;
        }
    }
    snprintf(err, errlen,
             "expected LO:HI, two agent counts from 1 to 100000, LO <= HI, at most 200 "
             "apart, got '%s'",
             arg);
    return -1;
}

static int
set_hold(void *ud, const char *arg, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    struct staff_args *a = ud;
    a->holds = acd_xgrow(a->holds, &a->cap_holds, a->n_holds + 1, sizeof(*a->holds));
    a->holds[a->n_holds++] = arg;
    return 0;
}

enum {
    OPT_TARGET_SL = 256,
    OPT_SL_THRESHOLD,
    OPT_SL_DEFINITION,
    OPT_MAX_ABANDON,
    OPT_MAX_ASA,
    OPT_MAX_OCCUPANCY,
    OPT_PROBABILITY,
    OPT_START,
    OPT_MAX_EVALUATIONS,
    OPT_CURVE,
    OPT_GROUP,
    OPT_INTERVAL,
    OPT_AGENTS,
    OPT_ASSERT,
    OPT_HOLD,
};

static const struct acd_cli_opt staff_opts[] = {
    {"target-sl", OPT_TARGET_SL, "P",
     "service-level target, e.g. 0.8 or 80%; none: no\nservice-level goal", set_target_sl},
    {"sl-threshold", OPT_SL_THRESHOLD, "T", "service-level threshold, e.g. 20s", set_sl_threshold},
    {"sl-definition", OPT_SL_DEFINITION, "D",
     "offered (default: answered within T / offered\ncalls) or answered (/ answered calls)",
     set_sl_definition},
    {"max-abandon", OPT_MAX_ABANDON, "P",
     "maximum abandon rate, e.g. 0.05 or 5%; none: no\nabandon goal", set_max_abandon},
    {"max-asa", OPT_MAX_ASA, "T", "maximum average speed of answer, e.g. 30s;\nnone: no ASA goal",
     set_max_asa},
    {"max-occupancy", OPT_MAX_OCCUPANCY, "P",
     "maximum agent occupancy, e.g. 0.9; none: no\noccupancy goal", set_max_occupancy},
    {"probability", OPT_PROBABILITY, "P",
     "meet every goal in at least this share of the\nreplications (days) in every interval, "
     "instead\nof on average (none: on average)",
     set_probability},
    {"hold", OPT_HOLD, "GROUP",
     "keep GROUP as the scenario staffs it (not searched;\nrepeatable), e.g. supervisors",
     set_hold},
    {"start", OPT_START, "FROM",
     "erlang (default: the analytic estimate) or\ncurrent (the scenario's plan)", set_start},
    {"max-evaluations", OPT_MAX_EVALUATIONS, "N",
     "stop the search after N evaluations of a plan\n(default 5000)", set_max_evaluations},
    {"curve", OPT_CURVE, NULL,
     "staffing curve instead: the figures of one\ninterval against one group's agents", set_curve},
    {"group", OPT_GROUP, "NAME", "--curve: the group to vary (default: the first)", set_group},
    {"interval", OPT_INTERVAL, "HH:MM",
     "--curve: the interval (operating day; default:\nthe busiest)", set_interval},
    {"agents", OPT_AGENTS, "LO:HI",
     "--curve: the agent counts (default: around the\nanalytic estimate)", set_agents},
    {"replications", 'r', "N",
     "replications per evaluated plan (overrides the\nscenario); every plan uses the same seeds",
     acd_cli_set_replications},
    {"seed", 's', "S", "master seed, 0..2^64-1 (overrides the scenario)", acd_cli_set_seed},
    {"threads", 'j', "T", "worker threads (default: one per CPU);\nresults do not depend on T",
     acd_cli_set_threads},
    {"format", 'f', "FMT", "output on stdout: text (default), json or csv", set_format},
    {"out", 'o', "DIR",
     "also write the report folder of the recommended\nplan, staffing.json/.csv, the staffing "
     "chart and\nrecommended.yaml into DIR",
     acd_cli_set_out},
    {"assert", OPT_ASSERT, "EXPR",
     "check the recommended plan's results (as `run\n--assert`), e.g. 'occupancy<=0.85';\n"
     "repeatable; a failed check exits 3",
     acd_cli_add_assert},
    ACD_CLI_JUNIT_ENTRY,
    {"quiet", 'q', NULL, "no progress on stderr", acd_cli_set_quiet},
    ACD_CLI_SET_ENTRY,
    ACD_CLI_MAX_MEMORY_ENTRY,
    {"help", 'h', NULL, "show this help", acd_cli_set_help},
};

static void
staff_help(FILE *out)
{
    fputs("usage: acdsim staff SCENARIO [options]\n"
          "\n"
          "The fewest agents per interval and group that meet the service goals, by\n"
          "simulation: an Erlang estimate per interval to start from, then agents are\n"
          "added where an interval misses a goal (to the group whose agent helps\n"
          "most per unit of cost) and removed where they are not needed, every plan\n"
          "simulated with the same random numbers; finally one agent fewer in any\n"
          "interval and group is checked to miss a goal. Goals come from the\n"
          "scenario (service_level, targets) unless given here. A plan counts agents\n"
          "on the phones per interval (shifts and breaks are not planned; absenteeism\n"
          "still applies).\n"
          "\n"
          "options:\n",
          out);
    acd_cli_print_options(out, staff_opts, ACD_ARRAY_LEN(staff_opts));
    fputs("\n--out DIR writes (all files or none): results.json, intervals.csv,\n"
          "groups.csv, the charts and index.html of the recommended plan (as\n"
          "`acdsim run --out`), staffing.json and staffing.csv (the -f json/csv\n"
          "documents), staffing.png/.svg (recommended vs current agents per\n"
          "interval, with the service level achieved) and recommended.yaml (the\n"
          "scenario with the recommended staffing, for `acdsim run`). With --curve:\n"
          "staff_curve.json, staff_curve.csv and staff_curve.png/.svg.\n"
          "\nexit status: 0 ok (also when a goal cannot be met: see 'feasible'),\n"
          "             1 runtime failure, 2 bad usage or invalid scenario,\n"
          "             3 an --assert failed\n",
          out);
}

/* ----------------------------------------------------------- progress */

struct progress {
    bool tty;
    const char *last_phase;
    bool line_open;
};

static void
on_progress(void *ud, const char *phase, unsigned evaluations, size_t failing)
{
    struct progress *p = ud;
    if (p->tty) {
        fprintf(stderr, "\racdsim staff: %-6s %5u plans simulated, %zu interval%s missing a goal ",
                phase, evaluations, failing, failing == 1 ? "" : "s");
        p->line_open = true;
    } else if (!p->last_phase || strcmp(p->last_phase, phase) != 0) {
        /* A log, not an animation: one line per phase. */
        fprintf(stderr, "acdsim staff: %s (%u plans simulated)\n", phase, evaluations);
    }
    p->last_phase = phase;
    fflush(stderr);
}

static void
progress_end(struct progress *p)
{
    if (p->line_open)
        fputc('\n', stderr);
    p->line_open = false;
}

/* ----------------------------------------------------------- checks */

static void
merge_targets(const struct staff_args *a, const struct acd_scenario *sc,
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

/* The busiest interval: most expected calls. */
static size_t
busiest_bin(const struct acd_scenario *sc)
{
    size_t best = 0;
    double most = -1;
    for (size_t b = 0; b < sc->n_intervals; b++) {
        double calls = 0;
        for (size_t k = 0; k < sc->n_call_types; k++)
            if (sc->call_types[k].calls_per_interval)
                calls += sc->call_types[k].calls_per_interval[b];
        if (calls > most) {
            most = calls;
            best = b;
        }
    }
    return best;
}

/* --group and --interval against the scenario. Returns the errors. */
static int
check_curve(const struct staff_args *a, const struct acd_scenario *sc, size_t *group, size_t *bin)
{
    int errors = 0;
    *group = 0;
    *bin = 0;
    if (!a->curve) {
        if (a->group || a->interval || a->lo) {
            acd_cli_error("staff", "--group, --interval and --agents go with --curve");
            errors++;
        }
        return errors;
    }
    if (sc->n_groups == 0) {
        acd_cli_error("staff", "--curve: the scenario has no agent group");
        return errors + 1;
    }
    if (a->group) {
        *group = acd_scenario_find_group(sc, a->group);
        if (*group == SIZE_MAX) {
            acd_cli_error("staff", "--group: no agent group '%s' in the scenario", a->group);
            *group = 0;
            errors++;
        }
    }
    if (sc->horizon != ACD_HORIZON_DAY) {
        if (a->interval) {
            acd_cli_error("staff", "--interval: the scenario has no operating day (steady state)");
            errors++;
        }
        return errors;
    }
    *bin = busiest_bin(sc);
    if (a->interval) {
        double t = a->interval_clock_s;
        double k = (t - sc->open_s) / sc->interval_s;
        if (t < sc->open_s || t >= sc->close_s || fabs(k - round(k)) > 1e-9) {
            char o[16], c[16];
            acd_cli_error("staff",
                          "--interval: %s is not the start of an interval (%s to %s, every %g "
                          "min)",
                          a->interval, acd_units_format_clock(sc->open_s, o, sizeof(o)),
                          acd_units_format_clock(sc->close_s, c, sizeof(c)), sc->interval_s / 60);
            errors++;
        } else {
            *bin = (size_t)round(k);
        }
    }
    return errors;
}

/* --hold against the scenario: marks the groups held. Returns the errors. */
static int
check_holds(const struct staff_args *a, struct acd_scenario *sc)
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
            acd_cli_error("staff", "--hold: no agent group '%s' in %s (did you mean '%s'?)",
                          a->holds[i], sc->path, best);
        else
            acd_cli_error("staff", "--hold: no agent group '%s' in %s", a->holds[i], sc->path);
        errors++;
    }
    if (a->n_holds && a->curve) {
        acd_cli_error("staff", "--hold goes with a recommendation, not a --curve");
        errors++;
    }
    size_t n_held = 0;
    for (size_t g = 0; g < sc->n_groups; g++)
        n_held += sc->groups[g].held;
    if (!errors && sc->n_groups && n_held == sc->n_groups) {
        acd_cli_error("staff", "--hold: every agent group is held: nothing to staff");
        errors++;
    }
    return errors;
}

/* The scenario's text, for recommended.yaml. Caller frees; NULL (with a
 * warning) if it cannot be read again. */
static char *
scenario_text(const struct acd_cli_common *c, const char *path, size_t *len)
{
    char *s = acd_read_file(path, SIZE_MAX, len);
    if (!s) {
        fprintf(stderr, "acdsim staff: warning: cannot read %s again (%s): no recommended.yaml\n",
                path, strerror(errno));
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
        fputs("acdsim staff: warning: no recommended.yaml:\n", stderr);
        acd_diags_print(&diags, stderr);
    }
    acd_diags_fini(&diags);
    free(dir);
    free(s);
    return edited;
}

/* ----------------------------------------------------------- guards */

/* The resource guard before the search: the analytic starting plan must be
 * a plan acdsim can simulate (at most ACD_STAFF_MAX_TOTAL agents at once,
 * counted in 64 bits) within the memory limit, and so must the scenario
 * as it is (it is evaluated too). Sets o->max_calls (the overload guard)
 * for the smaller of the two. Returns 0, or -1 after reporting. */
#define ACD_STAFF_MAX_TOTAL 10000000u /* as a scenario's agent groups (docs/scenario.md) */

static int
check_resources(struct staff_args *a, const struct acd_scenario *sc, struct acd_staff_opts *o)
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
        if (sc->horizon == ACD_HORIZON_DAY) {
            char t[32];
            acd_units_format_clock(sc->open_s + (double)peak_bin * sc->interval_s, t, sizeof(t));
            snprintf(when, sizeof(when), " at %s", t);
        }
        acd_cli_error("staff",
                      "%s: the Erlang estimate to start from needs %s%" PRIu64
                      " agents%s, more than the %u a plan may have: the offered load is beyond "
                      "what acdsim can staff by simulation (try `acdsim erlang`)",
                      sc->path, peak >= ACD_STAFF_START_MAX ? "at least " : "", peak, when,
                      ACD_STAFF_MAX_TOTAL);
        rc = -1;
    } else {
        struct acd_memory_estimate est;
        struct acd_scenario *plan = acd_staff_plan(sc, start, &o->targets);
        a->c.run.replications = o->replications;
        a->c.run.threads = o->threads;
        if (acd_cli_check_memory("staff", plan, &a->c, &est) != 0)
            rc = -1;
        size_t max_calls = a->c.run.max_calls;
        acd_staff_plan_free(plan);
        if (rc == 0 && acd_cli_check_memory("staff", sc, &a->c, &est) != 0)
            rc = -1;
        if (a->c.run.max_calls < max_calls)
            max_calls = a->c.run.max_calls;
        o->max_calls = max_calls;
    }
    free(start);
    return rc;
}

/* ----------------------------------------------------------- execute */

static int
make_out_dir(const struct staff_args *a)
{
    acd_tmpfile_cleanup_install();
    if (a->c.out_dir && a->c.out_dir_missing) {
        if (mkdir(a->c.out_dir, 0777) != 0) { /* EEXIST: made since the check, maybe a link */
            fprintf(stderr, "acdsim staff: error: cannot create directory %s: %s\n", a->c.out_dir,
                    strerror(errno));
            return -1;
        }
        acd_tmpfile_track_dir(a->c.out_dir);
    }
    return 0;
}

static int
execute(const struct staff_args *a, const char *path, const struct acd_scenario *sc,
        const struct acd_staff_opts *o, size_t group, size_t bin, const struct acd_expect *ex)
{
    if (a->c.out_dir && make_out_dir(a) != 0)
        return ACD_EXIT_RUNTIME;
    if (a->c.junit_path)
        acd_tmpfile_cleanup_install();
    int rc = ACD_EXIT_OK;
    if (a->curve) {
        struct acd_staff_curve *c = acd_staff_curve(sc, o, group, bin, a->lo, a->hi);
        if (o->progress_ud)
            progress_end(o->progress_ud);
        errno = 0;
        if (a->format->write_curve(stdout, c) != 0 || acd_cli_check_stdout("staff") != 0)
            rc = ACD_EXIT_RUNTIME;
        if (a->c.out_dir && acd_staff_write_curve_out(a->c.out_dir, c, stderr) != 0)
            rc = ACD_EXIT_RUNTIME;
        acd_staff_curve_free(c);
    } else {
        struct acd_staff_result *s = acd_staff_search(sc, o);
        if (o->progress_ud)
            progress_end(o->progress_ud);
        errno = 0;
        if (a->format->write(stdout, s) != 0 || acd_cli_check_stdout("staff") != 0)
            rc = ACD_EXIT_RUNTIME;
        if (a->c.out_dir || a->c.n_asserts || a->c.junit_path) {
            /* The recommended plan's full results, from the same seeds. */
            struct acd_scenario *plan = acd_staff_plan(sc, s->agents, &s->targets);
            struct acd_run_opts ro = {
                .replications = o->replications,
                .seed = o->seed,
                .seed_set = o->seed_set,
                .threads = o->threads,
            };
            struct acd_results *r = acd_run(plan, &ro);
            if (a->c.out_dir) {
                size_t len = 0;
                char *text = scenario_text(&a->c, path, &len);
                if (acd_staff_write_out(a->c.out_dir, s, r, text, len, stderr) != 0)
                    rc = ACD_EXIT_RUNTIME;
                free(text);
            }
            struct acd_cli_checks checks;
            acd_cli_checks_eval(&a->c, ex, r, &checks);
            int crc = acd_cli_checks_finish("staff", &a->c, &checks, r);
            if (crc == ACD_EXIT_RUNTIME || (crc != ACD_EXIT_OK && rc == ACD_EXIT_OK))
                rc = crc;
            acd_results_free(r);
            acd_staff_plan_free(plan);
        }
        acd_staff_result_free(s);
    }
    if (acd_tmpfile_track_dir(NULL) && rc == ACD_EXIT_RUNTIME)
        rmdir(a->c.out_dir);
    return rc;
}

int
acd_cli_staff(int argc, char **argv)
{
    struct staff_args a = {
        .format = acd_staff_format_find("text"),
        .target_sl = ACD_NAN,
        .sl_threshold_s = ACD_NAN,
        .max_abandon = ACD_NAN,
        .max_asa_s = ACD_NAN,
        .max_occupancy = ACD_NAN,
        .probability = ACD_NAN,
        .sl_answered = -1,
    };
    ACD_ASSERT(a.format != NULL);
    int first =
        acd_cli_parse_options("staff", staff_opts, ACD_ARRAY_LEN(staff_opts), &a, argc, argv);
    if (a.c.help) {
        staff_help(stdout);
        free(a.c.asserts);
        free(a.c.sets);
        free(a.holds);
        return ACD_EXIT_OK;
    }
    const char *path = first < argc ? argv[first] : NULL;
    if (!path) {
        acd_cli_error("staff", "missing SCENARIO");
        a.c.n_errors++;
    }
    for (int i = first + 1; i < argc; i++) {
        acd_cli_error("staff", "unexpected argument '%s' (one SCENARIO)", argv[i]);
        a.c.n_errors++;
    }
    int usage_errors = a.c.n_errors;
    struct acd_scenario *sc = path && argc - first == 1 ? acd_cli_load_scenario(&a.c, path) : NULL;
    if (path && !sc)
        a.c.n_errors++;

    struct acd_staff_opts o = {
        .replications = a.c.run.replications,
        .seed = a.c.run.seed,
        .seed_set = a.c.run.seed_set,
        .threads = a.c.run.threads,
        .start = a.start,
        .max_evaluations = a.max_evaluations,
    };
    size_t group = 0, bin = 0;
    if (sc) {
        merge_targets(&a, sc, &o.targets);
        if (!acd_staff_targets_any(&o.targets)) {
            acd_cli_error("staff", "no goal to staff for: give --target-sl, --max-abandon, "
                                   "--max-asa or --max-occupancy");
            a.c.n_errors++;
        }
        if (sc->n_groups == 0) {
            acd_cli_error("staff", "the scenario has no agent group to staff");
            a.c.n_errors++;
        }
        a.c.n_errors += check_curve(&a, sc, &group, &bin);
        a.c.n_errors += check_holds(&a, sc);
        if (a.curve && a.c.n_asserts) {
            acd_cli_error("staff", "--assert checks a recommendation, not a --curve");
            a.c.n_errors++;
        }
        if (a.curve && a.c.junit_path) {
            acd_cli_error("staff", "--junit reports a recommendation's checks, not a --curve");
            a.c.n_errors++;
        }
    }
    struct acd_expect *ex = acd_cli_prepare_asserts("staff", &a.c, sc);
    /* Resources last, on a valid command only (no --help hint for them). */
    bool too_big = sc && !a.c.n_errors && check_resources(&a, sc, &o) != 0;
    struct acd_overload ov;
    bool overloaded = false;
    o.overload = &ov;
    o.overloaded = &overloaded;
    int rc;
    if (a.c.n_errors) {
        if (usage_errors || sc)
            acd_cli_try_help("staff");
        rc = ACD_EXIT_USAGE;
    } else if (too_big) {
        rc = ACD_EXIT_USAGE;
    } else {
        struct progress p = {.tty = isatty(STDERR_FILENO) == 1};
        if (!a.c.quiet) {
            o.progress = on_progress;
            o.progress_ud = &p;
        }
        rc = execute(&a, path, sc, &o, group, bin, ex);
        progress_end(&p);
        if (overloaded) {
            acd_cli_report_overload("staff", sc, &ov, &a.c);
            if (rc == ACD_EXIT_OK || rc == ACD_EXIT_ASSERT)
                rc = ACD_EXIT_RUNTIME;
        }
    }
    for (size_t i = 0; ex && i < a.c.n_asserts; i++)
        acd_expect_fini(&ex[i]);
    free(ex);
    free(a.c.asserts);
    free(a.c.sets);
    free(a.holds);
    acd_scenario_free(sc);
    return rc;
}
