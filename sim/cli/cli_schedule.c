/*
 * cli_schedule: `acdsim schedule` - a shift roster from the scenario's
 * shift_templates, built with GLPK and proven by simulation (schedule.h),
 * with progress on stderr.
 *
 * Everything that can be checked before the search is (all errors at
 * once, exit 2): the options, the scenario, that it has an operating day
 * and shift templates staffing some group not held, and the size of the
 * integer program. A roster that cannot exist is found by the search:
 * an interval no template covers or template counts that leave no roster
 * (exit 2: the scenario's templates), goals no staffing meets or a roster
 * the rounds could not make meet them (exit 1). Nothing is written then,
 * except a roster that still misses goals: it is shown on stdout (and in
 * --out) with the intervals it misses, and the exit status is 1.
 */
#include "acdsim/run.h"
#include "acdsim/scenario.h"
#include "acdsim/schedule.h"
#include "acdsim/staff.h"
#include "cli.h"
#include "expect.h"
#include "outdir.h"
#include "schedule_report.h"
#include "tmpfile.h"
#include "units.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct schedule_args {
    struct acd_cli_common c; /* first: the common setters write here */
    const struct acd_schedule_format *format;
    unsigned max_rounds;
    unsigned long solver_nodes;
    double solver_time_s;
};

static int
set_format(void *ud, const char *arg, char *err, size_t errlen)
{
    struct schedule_args *a = ud;
    const void *f;
    if (acd_cli_parse_choice(arg, (const void *const *)acd_schedule_formats, &f, err, errlen) != 0)
        return -1;
    a->format = f;
    return 0;
}

static int
set_max_rounds(void *ud, const char *arg, char *err, size_t errlen)
{
    unsigned long long v;
    if (acd_cli_parse_positive(arg, 1000, &v, err, errlen) != 0)
        return -1;
    ((struct schedule_args *)ud)->max_rounds = (unsigned)v;
    return 0;
}

static int
set_solver_nodes(void *ud, const char *arg, char *err, size_t errlen)
{
    unsigned long long v;
    if (acd_cli_parse_positive(arg, 100000000, &v, err, errlen) != 0)
        return -1;
    ((struct schedule_args *)ud)->solver_nodes = (unsigned long)v;
    return 0;
}

static int
set_solver_time(void *ud, const char *arg, char *err, size_t errlen)
{
    return acd_cli_parse_duration(arg, true, &((struct schedule_args *)ud)->solver_time_s, err,
                                  errlen);
}

enum { OPT_MAX_ROUNDS = 256, OPT_SOLVER_NODES, OPT_SOLVER_TIME, OPT_ASSERT };

static const struct acd_cli_opt schedule_opts[] = {
    ACD_CLI_GOAL_ENTRIES,
    {"max-rounds", OPT_MAX_ROUNDS, "N",
     "rounds of roster, simulation and raised\nrequirements at most (default 30)", set_max_rounds},
    {"solver-nodes", OPT_SOLVER_NODES, "N",
     "branch-and-bound nodes of each integer program\nat most (default 2000); then the best "
     "roster\nfound is used (its gap to the bound is shown)",
     set_solver_nodes},
    {"solver-time", OPT_SOLVER_TIME, "T",
     "time limit of each integer program (default\n60s): a guard; unlike the node limit, where "
     "it\nstops depends on the machine",
     set_solver_time},
    {"replications", 'r', "N",
     "replications per evaluated plan (overrides the\nscenario); every plan uses the same seeds",
     acd_cli_set_replications},
    {"seed", 's', "S", "master seed, 0..2^64-1 (overrides the scenario)", acd_cli_set_seed},
    {"threads", 'j', "T", "worker threads (default: one per CPU);\nresults do not depend on T",
     acd_cli_set_threads},
    {"format", 'f', "FMT", "output on stdout: text (default), json or csv", set_format},
    {"out", 'o', "DIR",
     "also write the roster's report folder,\nschedule.json/.csv, roster.yaml and the "
     "coverage\nand shift charts into DIR",
     acd_cli_set_out},
    {"assert", OPT_ASSERT, "EXPR",
     "check the roster's results (as `run --assert`),\ne.g. 'occupancy<=0.85'; repeatable; a "
     "failed\ncheck exits 3",
     acd_cli_add_assert},
    ACD_CLI_JUNIT_ENTRY,
    {"quiet", 'q', NULL, "no progress on stderr", acd_cli_set_quiet},
    ACD_CLI_SET_ENTRY,
    ACD_CLI_MAX_MEMORY_ENTRY,
    {"help", 'h', NULL, "show this help", acd_cli_set_help},
};

static void
schedule_help(FILE *out)
{
    fputs("usage: acdsim schedule SCENARIO [options]\n"
          "\n"
          "A shift roster for an operating day, from the scenario's shift_templates\n"
          "(start times, length, breaks and lunches with their windows, min/max\n"
          "counts, the groups they staff): the requirement is the fewest agents on\n"
          "the phones per interval and group that meet the goals (as `acdsim staff`,\n"
          "grossed up by shrinkage); an integer program (GLPK) chooses the cheapest\n"
          "shifts, and where each break goes, to cover it; the roster is then\n"
          "simulated as it would run (breaks where placed, absenteeism, shrinkage)\n"
          "and where an interval misses a goal its requirement is raised and the\n"
          "roster solved again, until every interval meets every goal.\n"
          "\n"
          "options:\n",
          out);
    acd_cli_print_options(out, schedule_opts, ACD_ARRAY_LEN(schedule_opts));
    fputs("\n--out DIR writes (all files or none): the roster's report (as `acdsim\n"
          "run --out` on roster.yaml), schedule.json and schedule.csv (the -f\n"
          "json/csv documents), roster.yaml (the scenario with the roster's shifts,\n"
          "for run, staff and live), coverage.png/.svg and gantt.png/.svg.\n"
          "\nexit status: 0 ok, 1 no roster meets the goals (the reason on stderr)\n"
          "             or a runtime failure, 2 bad usage, an invalid scenario or\n"
          "             templates that cannot cover the requirement, 3 an --assert\n"
          "             failed\n",
          out);
}

/* ----------------------------------------------------------- progress */

struct progress {
    bool tty;
    bool line_open;
    const char *last;
};

static void
on_staff_progress(void *ud, const char *phase, unsigned evaluations, size_t failing)
{
    struct progress *p = ud;
    if (p->tty) {
        fprintf(stderr, "\racdsim schedule: requirement %-6s %5u plan%s, %zu missing   ", phase,
                evaluations, acd_plural(evaluations), failing);
        p->line_open = true;
    } else if (!p->last || strcmp(p->last, phase) != 0) {
        fprintf(stderr, "acdsim schedule: requirement: %s (%u plan%s simulated)\n", phase,
                evaluations, acd_plural(evaluations));
    }
    p->last = phase;
    fflush(stderr);
}

static void
on_progress(void *ud, const char *phase, unsigned round, size_t missed)
{
    struct progress *p = ud;
    if (round == 0)
        return; /* the requirement: on_staff_progress */
    char m[48] = "";
    if (missed != SIZE_MAX)
        snprintf(m, sizeof(m), ", %zu interval%s missing a goal", missed, missed == 1 ? "" : "s");
    if (p->tty) {
        fprintf(stderr, "\racdsim schedule: round %u: %-8s%s                    ", round, phase, m);
        p->line_open = true;
    } else if (strcmp(phase, "roster") == 0) {
        fprintf(stderr, "acdsim schedule: round %u%s\n", round, m);
    }
    p->last = phase;
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

/* The integer program's size: one variable per template x group x start,
 * and one per break placement of each. */
#define ACD_SCHEDULE_MAX_VARIABLES 200000.0

static int
check_templates(const struct acd_scenario *sc)
{
    if (sc->horizon != ACD_HORIZON_DAY) {
        acd_cli_error("schedule",
                      "%s: a roster needs an operating day (horizon: {open, close, "
                      "interval}), not a steady state",
                      sc->path);
        return 1;
    }
    if (sc->n_templates == 0) {
        acd_cli_error("schedule",
                      "%s: no shift_templates: give the shifts acdsim may roster (start "
                      "times, length, breaks; docs/scenario.md \"shift_templates\")",
                      sc->path);
        return 1;
    }
    double vars = 0;
    bool any = false;
    for (size_t i = 0; i < sc->n_templates; i++) {
        const struct acd_shift_template *t = &sc->templates[i];
        double per = 1;
        for (size_t b = 0; b < t->n_breaks; b++)
            per += floor((t->breaks[b].latest_s - t->breaks[b].earliest_s) / t->breaks[b].step_s +
                         1e-9) +
                   1;
        size_t ng = 0;
        for (size_t j = 0; j < t->n_groups; j++)
            ng += !sc->groups[t->groups[j]].held;
        any = any || ng > 0;
        vars += (double)ng * (floor((t->latest_s - t->earliest_s) / t->step_s + 1e-9) + 1) * per;
    }
    if (!any) {
        acd_cli_error("schedule",
                      "%s: every group the shift templates staff is held: nothing "
                      "to roster",
                      sc->path);
        return 1;
    }
    if (vars > ACD_SCHEDULE_MAX_VARIABLES) {
        acd_cli_error("schedule",
                      "%s: the roster's integer program would have %.0f variables (at most "
                      "%.0f): use fewer start times, groups per template or break placements "
                      "(a coarser step)",
                      sc->path, vars, ACD_SCHEDULE_MAX_VARIABLES);
        return 1;
    }
    return 0;
}

/* ----------------------------------------------------------- execute */

static void
clock_of(const struct acd_scenario *sc, size_t bin, char *buf, size_t n)
{
    acd_units_format_clock(sc->open_s + (double)bin * sc->interval_s, buf, n);
}

/* Why no roster came out, on stderr. Returns the exit status. */
static int
report_failure(const struct acd_schedule_result *s, const struct acd_schedule_opts *o)
{
    const struct acd_scenario *sc = s->sc;
    char at[16] = "";
    if (s->bad_bin != SIZE_MAX)
        clock_of(sc, s->bad_bin, at, sizeof(at));
    switch (s->status) {
    case ACD_SCHEDULE_NO_STAFFING:
        acd_cli_error("schedule",
                      "no staffing meets the goals at %s (the requirement search stops there "
                      "without meeting them; see `acdsim staff %s`): no roster can",
                      at, sc->path);
        return ACD_EXIT_RUNTIME;
    case ACD_SCHEDULE_UNCOVERED: {
        double need = s->required[s->bad_bin * s->n_groups + s->bad_group];
        acd_cli_error("schedule",
                      "%s: no shift template can staff group '%s' at %s, where %.3g agent%s "
                      "needed: add a template for the group or widen a template's start "
                      "window",
                      sc->path, sc->groups[s->bad_group].name, at, need,
                      need == 1 ? " is" : "s are");
        return ACD_EXIT_USAGE;
    }
    case ACD_SCHEDULE_INFEASIBLE:
        acd_cli_error("schedule",
                      "%s: the shift templates' min and max counts leave no roster that "
                      "covers the requirement (raise a template's max or lower a min)",
                      sc->path);
        return ACD_EXIT_USAGE;
    case ACD_SCHEDULE_SOLVER:
        acd_cli_error("schedule",
                      "the integer program found no roster within %g s (--solver-time); "
                      "fewer start times or break placements make it smaller",
                      o->solver_time_s > 0 ? o->solver_time_s : 60);
        return ACD_EXIT_RUNTIME;
    case ACD_SCHEDULE_UNMET:
    case ACD_SCHEDULE_MET:
        break;
    }
    return ACD_EXIT_OK;
}

/* The roster file: the scenario's text (with the --set changes) and the
 * roster's shifts. NULL after a warning. */
static char *
roster_yaml(const struct schedule_args *a, const char *path, const struct acd_schedule_result *s)
{
    size_t len = 0;
    char *text = acd_cli_scenario_text("schedule", "roster.yaml", &a->c, path, &len);
    if (!text)
        return NULL;
    struct acd_diags diags;
    acd_diags_init(&diags);
    char *out = acd_schedule_roster_yaml(s, text, len, &diags);
    if (!out) {
        fputs("acdsim schedule: warning: no roster.yaml:\n", stderr);
        acd_diags_print(&diags, stderr);
    }
    acd_diags_fini(&diags);
    free(text);
    return out;
}

static int
execute(const struct schedule_args *a, const char *path, const struct acd_scenario *sc,
        const struct acd_schedule_opts *o, const struct acd_expect *ex, struct progress *p)
{
    acd_tmpfile_cleanup_install();
    struct acd_schedule_result *s = acd_schedule_run(sc, o);
    progress_end(p);
    int rc = report_failure(s, o);
    if (s->status != ACD_SCHEDULE_MET && s->status != ACD_SCHEDULE_UNMET) {
        acd_schedule_result_free(s);
        return rc;
    }
    errno = 0;
    if (a->format->write(stdout, s) != 0 || acd_cli_check_stdout("schedule") != 0) {
        acd_schedule_result_free(s);
        return ACD_EXIT_RUNTIME;
    }
    if (a->c.out_dir && a->c.out_dir_missing) {
        if (mkdir(a->c.out_dir, 0777) != 0) {
            fprintf(stderr, "acdsim schedule: error: cannot create directory %s: %s\n",
                    a->c.out_dir, strerror(errno));
            acd_schedule_result_free(s);
            return ACD_EXIT_RUNTIME;
        }
        acd_tmpfile_track_dir(a->c.out_dir);
    }
    if (a->c.out_dir || a->c.n_asserts || a->c.junit_path) {
        /* The roster's full results as `run` gives them for roster.yaml. */
        struct acd_run_opts ro = {
            .replications = o->staff.replications,
            .seed = o->staff.seed,
            .seed_set = o->staff.seed_set,
            .threads = o->staff.threads,
        };
        struct acd_results *r = acd_run(s->plan, &ro);
        if (a->c.out_dir) {
            char *yaml = roster_yaml(a, path, s);
            if (acd_schedule_write_out(a->c.out_dir, s, r, yaml, stderr) != 0)
                rc = ACD_EXIT_RUNTIME;
            free(yaml);
        }
        struct acd_cli_checks checks;
        acd_cli_checks_eval(&a->c, ex, r, &checks);
        int crc = acd_cli_checks_finish("schedule", &a->c, &checks, r);
        if (crc == ACD_EXIT_RUNTIME || (crc != ACD_EXIT_OK && rc == ACD_EXIT_OK))
            rc = crc;
        acd_results_free(r);
    }
    if (s->status == ACD_SCHEDULE_UNMET) {
        size_t missed = s->n_rounds ? s->rounds[s->n_rounds - 1].missed : 0;
        char at[16] = "";
        for (size_t b = 0; b < s->n_bins && !at[0]; b++)
            if (!s->kpi[b].met)
                clock_of(sc, b, at, sizeof(at));
        acd_cli_error("schedule",
                      "after %zu round%s the roster still misses a goal in %zu interval%s "
                      "(first at %s): more rounds (--max-rounds), or templates that fit the "
                      "day better",
                      s->n_rounds, s->n_rounds == 1 ? "" : "s", missed, missed == 1 ? "" : "s", at);
        if (rc == ACD_EXIT_OK || rc == ACD_EXIT_ASSERT)
            rc = ACD_EXIT_RUNTIME;
    }
    acd_schedule_result_free(s);
    if (acd_tmpfile_track_dir(NULL) && rc == ACD_EXIT_RUNTIME)
        rmdir(a->c.out_dir);
    return rc;
}

int
acd_cli_schedule(int argc, char **argv)
{
    struct schedule_args a = {.format = acd_schedule_format_find("text")};
    acd_cli_goals_init(&a.c.goals);
    ACD_ASSERT(a.format != NULL);
    int first = acd_cli_parse_options("schedule", schedule_opts, ACD_ARRAY_LEN(schedule_opts), &a,
                                      argc, argv);
    if (a.c.help) {
        schedule_help(stdout);
        acd_cli_goals_fini(&a.c);
        return ACD_EXIT_OK;
    }
    const char *path;
    int usage_errors;
    struct acd_scenario *sc =
        acd_cli_goals_scenario("schedule", &a.c, argc, argv, first, &path, &usage_errors);

    struct acd_schedule_opts o = {
        .staff =
            {
                .replications = a.c.run.replications,
                .seed = a.c.run.seed,
                .seed_set = a.c.run.seed_set,
                .threads = a.c.run.threads,
            },
        .max_rounds = a.max_rounds,
        .solver_nodes = a.solver_nodes,
        .solver_time_s = a.solver_time_s,
    };
    if (sc) {
        acd_cli_goals_merge(&a.c.goals, sc, &o.staff.targets);
        if (!acd_staff_targets_any(&o.staff.targets)) {
            acd_cli_error("schedule", "no goal to roster for: give --target-sl, --max-abandon, "
                                      "--max-asa or --max-occupancy");
            a.c.n_errors++;
        }
        a.c.n_errors += acd_cli_goals_check_holds("schedule", &a.c.goals, false, sc);
        if (!a.c.n_errors)
            a.c.n_errors += check_templates(sc);
    }
    struct acd_expect *ex = acd_cli_prepare_asserts("schedule", &a.c, sc);
    bool too_big =
        sc && !a.c.n_errors && acd_cli_staff_check_resources("schedule", &a.c, sc, &o.staff) != 0;
    struct acd_overload ov;
    bool overloaded = false;
    o.staff.overload = &ov;
    o.staff.overloaded = &overloaded;
    int rc;
    if (a.c.n_errors) {
        if (usage_errors)
            acd_cli_try_help("schedule");
        rc = ACD_EXIT_USAGE;
    } else if (too_big) {
        rc = ACD_EXIT_USAGE;
    } else {
        struct progress p = {.tty = isatty(STDERR_FILENO) == 1};
        if (!a.c.quiet) {
            o.staff.progress = on_staff_progress;
            o.staff.progress_ud = &p;
            o.progress = on_progress;
            o.progress_ud = &p;
        }
        rc = execute(&a, path, sc, &o, ex, &p);
        progress_end(&p);
        if (overloaded) {
            acd_cli_report_overload("schedule", sc, &ov, &a.c);
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
