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
    enum acd_staff_start start;
    unsigned max_evaluations;
    bool curve;
    const char *group, *interval, *day;
    double interval_clock_s; /* --interval, parsed */
    unsigned lo, hi;         /* --agents LO:HI; 0, 0: automatic */
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
    if (acd_cli_parse_positive(arg, 1000000, &v, err, errlen) != 0)
        return -1;
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
set_day(void *ud, const char *arg, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    ((struct staff_args *)ud)->day = arg; /* checked against the scenario's days */
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

enum {
    OPT_START = 256,
    OPT_MAX_EVALUATIONS,
    OPT_CURVE,
    OPT_GROUP,
    OPT_INTERVAL,
    OPT_DAY,
    OPT_AGENTS,
    OPT_ASSERT,
};

static const struct acd_cli_opt staff_opts[] = {
    ACD_CLI_GOAL_ENTRIES,
    {"start", OPT_START, "FROM",
     "erlang (default: the analytic estimate) or\ncurrent (the scenario's plan)", set_start},
    {"max-evaluations", OPT_MAX_EVALUATIONS, "N",
     "stop the search after N evaluations of a plan\n(default 5000)", set_max_evaluations},
    {"curve", OPT_CURVE, NULL,
     "staffing curve instead: the figures of one\ninterval against one group's agents", set_curve},
    {"group", OPT_GROUP, "NAME", "--curve: the group to vary (default: the first)", set_group},
    {"interval", OPT_INTERVAL, "HH:MM",
     "--curve: the interval (operating day; default:\nthe busiest)", set_interval},
    {"day", OPT_DAY, "DAY",
     "--curve on a period (`days:`): the day of\n--interval, a date YYYY-MM-DD or its number\n"
     "(1: the first); default: the busiest interval's",
     set_day},
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
          "still applies). On a multi-day period (`days:`) the plan covers every\n"
          "interval of every day, each replication running the whole period.\n"
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
        fprintf(stderr, "\racdsim staff: %-6s %5u plan%s simulated, %zu interval%s missing a goal ",
                phase, evaluations, acd_plural(evaluations), failing, acd_plural(failing));
        p->line_open = true;
    } else if (!p->last_phase || strcmp(p->last_phase, phase) != 0) {
        /* A log, not an animation: one line per phase. */
        fprintf(stderr, "acdsim staff: %s (%u plan%s simulated)\n", phase, evaluations,
                acd_plural(evaluations));
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

/* The busiest interval of [first, first + n): most expected calls. */
static size_t
busiest_in(const struct acd_scenario *sc, size_t first, size_t n)
{
    size_t best = first;
    double most = -1;
    for (size_t b = first; b < first + n; b++) {
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

/* The busiest interval of the day (a period: of all its days). */
static size_t
busiest_bin(const struct acd_scenario *sc)
{
    return busiest_in(sc, 0, sc->n_intervals);
}

/* The busiest interval of day d of a period. */
static size_t
busiest_bin_of_day(const struct acd_scenario *sc, size_t d)
{
    return busiest_in(sc, sc->days[d].first_interval, sc->days[d].n_intervals);
}

/* --day against a period: its index, or SIZE_MAX (an error, reported). */
static size_t
find_day(const struct acd_scenario *sc, const char *arg)
{
    long date;
    unsigned long long k;
    if (acd_units_parse_date(arg, &date) == 0) {
        for (size_t d = 0; d < sc->n_days; d++)
            if (sc->days[d].date == date)
                return d;
    } else if (acd_cli_parse_uint(arg, 1, sc->n_days, &k) == 0) {
        return (size_t)k - 1;
    }
    acd_cli_error("staff", "--day: '%s' is not a day of the period (%s to %s, or 1 to %zu)", arg,
                  sc->days[0].label, sc->days[sc->n_days - 1].label, sc->n_days);
    return SIZE_MAX;
}

/* --interval on a period (`days:`): on day d (SIZE_MAX: --day not given;
 * the only day, or an error). Returns the errors. */
static int
check_period_curve(const struct staff_args *a, const struct acd_scenario *sc, size_t *bin)
{
    size_t d = SIZE_MAX;
    if (a->day && (d = find_day(sc, a->day)) == SIZE_MAX)
        return 1;
    if (!a->interval) {
        *bin = d == SIZE_MAX ? busiest_bin(sc) : busiest_bin_of_day(sc, d);
        return 0;
    }
    if (d == SIZE_MAX && sc->n_days > 1) {
        acd_cli_error("staff",
                      "--interval: the scenario is a period of %zu days (%s to %s): name the "
                      "day with --day DATE",
                      sc->n_days, sc->days[0].label, sc->days[sc->n_days - 1].label);
        return 1;
    }
    if (d == SIZE_MAX)
        d = 0;
    const struct acd_day *dy = &sc->days[d];
    double midnight = (double)(dy->date - sc->days[0].date) * 86400.0;
    double t = midnight + a->interval_clock_s;
    double k = (t - dy->open_s) / sc->interval_s;
    if (t < dy->open_s || t >= dy->close_s || fabs(k - round(k)) > 1e-9) {
        char o[16], c[16];
        acd_cli_error(
            "staff",
            "--interval: %s is not the start of an interval on %s (%s to %s, every %g "
            "min)",
            a->interval, dy->label, acd_units_format_clock(dy->open_s - midnight, o, sizeof(o)),
            acd_units_format_clock(dy->close_s - midnight, c, sizeof(c)), sc->interval_s / 60);
        return 1;
    }
    *bin = dy->first_interval + (size_t)round(k);
    return 0;
}

/* --group and --interval against the scenario. Returns the errors. */
static int
check_curve(const struct staff_args *a, const struct acd_scenario *sc, size_t *group, size_t *bin)
{
    int errors = 0;
    *group = 0;
    *bin = 0;
    if (!a->curve) {
        if (a->group || a->interval || a->lo || a->day) {
            acd_cli_error("staff", "--group, --interval, --day and --agents go with --curve");
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
        if (a->day) {
            acd_cli_error("staff", "--day: the scenario has no operating day (steady state)");
            errors++;
        }
        return errors;
    }
    if (sc->n_days)
        return errors + check_period_curve(a, sc, bin);
    if (a->day) {
        acd_cli_error("staff", "--day: the scenario has one operating day (no 'days:')");
        errors++;
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
                char *text = acd_cli_scenario_text("staff", "recommended.yaml", &a->c, path, &len);
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
    struct staff_args a = {.format = acd_staff_format_find("text")};
    acd_cli_goals_init(&a.c.goals);
    ACD_ASSERT(a.format != NULL);
    int first =
        acd_cli_parse_options("staff", staff_opts, ACD_ARRAY_LEN(staff_opts), &a, argc, argv);
    if (a.c.help) {
        staff_help(stdout);
        acd_cli_goals_fini(&a.c);
        return ACD_EXIT_OK;
    }
    const char *path;
    int usage_errors;
    struct acd_scenario *sc =
        acd_cli_goals_scenario("staff", &a.c, argc, argv, first, &path, &usage_errors);

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
        acd_cli_goals_merge(&a.c.goals, sc, &o.targets);
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
        a.c.n_errors += acd_cli_goals_check_holds("staff", &a.c.goals, a.curve, sc);
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
    bool too_big = sc && !a.c.n_errors && acd_cli_staff_check_resources("staff", &a.c, sc, &o) != 0;
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
    acd_cli_goals_fini(&a.c);
    acd_scenario_free(sc);
    return rc;
}
