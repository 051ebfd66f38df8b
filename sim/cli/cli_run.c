/*
 * cli_run: `acdsim run` and `acdsim validate`.
 *
 * Everything the user gave is checked before the first replication starts:
 * every option, the scenario and every --assert, with all errors reported at
 * once (exit 2). Only then does the run start; its output goes to stdout
 * and, with --out, to a report folder (outdir.c: data files, charts,
 * index.html); with --trace, one replication's per-call trace goes to a CSV
 * file. Files appear only once complete, also when the run is interrupted
 * by a signal (outdir.c's cleanup).
 *
 * The options are one table (name, argument, help, setter) from which the
 * getopt_long arrays and the --help text are both built, so they cannot
 * drift apart.
 */
#include "acdsim/diag.h"
#include "acdsim/precision.h"
#include "acdsim/ranks.h"
#include "acdsim/run.h"
#include "acdsim/scenario.h"
#include "acdsim/sim.h"
#include "cli.h"
#include "escape.h"
#include "expect.h"
#include "outdir.h"
#include "report.h"
#include "tmpfile.h"
#include "units.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_REPLICATIONS ACD_CLI_MAX_REPLICATIONS
#define ERR_LEN          ACD_CLI_ERR_LEN

struct run_args {
    struct acd_cli_common c; /* first: the common setters write here */
    const struct acd_format *format;
    const char *trace_path; /* --trace FILE, once its name passed the checks */
    char *trace_in_out;     /* FILE put into --out DIR (see check_trace); owned */
    bool trace_given;       /* --trace seen, valid or not */
    bool trace_rep_set;     /* --trace-replication given */
    struct acd_report_opts report;
};

static int
set_format(void *ud, const char *arg, char *err, size_t errlen)
{
    return acd_cli_parse_format(arg, &((struct run_args *)ud)->format, err, errlen);
}

/* Only the form of FILE here: where it goes depends on --out, which may
 * come later on the command line (see check_trace). */
static int
set_trace(void *ud, const char *arg, char *err, size_t errlen)
{
    struct run_args *a = ud;
    a->trace_given = true;
    a->trace_path = NULL; /* a later valid --trace wins, as for other options */
    size_t n = strlen(arg);
    if (n == 0 || arg[n - 1] == '/') {
        snprintf(err, errlen, "expected a file name, got '%s'", arg);
        return -1;
    }
    a->trace_path = arg;
    return 0;
}

/* The trace is written through a temporary file in its directory and
 * renamed at the end, so it must name a regular file (or nothing yet):
 * renaming over /dev/null or a directory would be a disaster or a late
 * failure. */
static int
check_trace_file(const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "'%s' is a directory", path);
            return -1;
        }
        if (!S_ISREG(st.st_mode)) {
            snprintf(err, errlen, "'%s' exists and is not a regular file", path);
            return -1;
        }
    } else if (errno != ENOENT) {
        snprintf(err, errlen, "cannot use '%s': %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int
set_trace_replication(void *ud, const char *arg, char *err, size_t errlen)
{
    struct run_args *a = ud;
    unsigned long long v;
    int rc = acd_cli_parse_uint(arg, 0, MAX_REPLICATIONS - 1, &v);
    if (rc == -2) {
        snprintf(err, errlen, "at most %llu, got '%s'", MAX_REPLICATIONS - 1, arg);
        return -1;
    }
    if (rc != 0) {
        snprintf(err, errlen, "expected a replication number (0, 1, ...), got '%s'", arg);
        return -1;
    }
    a->c.run.trace_replication = (unsigned)v;
    a->trace_rep_set = true;
    return 0;
}

static int
set_no_timing(void *ud, const char *arg, char *err, size_t errlen)
{
    struct run_args *a = ud;
    (void)arg, (void)err, (void)errlen;
    a->report.no_timing = true;
    return 0;
}

static int
set_detail(void *ud, const char *arg, char *err, size_t errlen)
{
    struct run_args *a = ud;
    (void)arg, (void)err, (void)errlen;
    a->report.detail = true;
    return 0;
}

/* getopt_long values for options without a short form. */
enum { OPT_ASSERT = 256, OPT_NO_TIMING, OPT_TRACE, OPT_TRACE_REPLICATION, OPT_DETAIL };

static const struct acd_cli_opt run_opts[] = {
    {.name = "replications",
     .val = 'r',
     .metavar = "N",
     .set = acd_cli_set_replications,
     .help = "independent replications (overrides the scenario)"},
    {.name = "seed",
     .val = 's',
     .metavar = "S",
     .set = acd_cli_set_seed,
     .help = "master seed, 0..2^64-1 (overrides the scenario);\n"
             "same seed, same output, bit for bit"},
    {.name = "threads",
     .val = 'j',
     .metavar = "T",
     .set = acd_cli_set_threads,
     .help = "worker threads (default: one per CPU);\nresults do not depend on T"},
    {.name = "format",
     .val = 'f',
     .metavar = "FMT",
     .set = set_format,
     .help = "output on stdout: text (default, a KPI table),\njson or csv"},
    {.name = "out",
     .val = 'o',
     .metavar = "DIR",
     .set = acd_cli_set_out,
     .help = "also write results.json, intervals.csv and\ngroups.csv into DIR (see below); DIR is\n"
             "created if missing (its parent must exist)"},
    {.name = "trace",
     .val = OPT_TRACE,
     .metavar = "FILE",
     .set = set_trace,
     .help = "write the per-call trace of one replication to\nFILE (CSV, see below); with --out, "
             "a FILE\nwithout a directory part goes into DIR"},
    {.name = "trace-replication",
     .val = OPT_TRACE_REPLICATION,
     .metavar = "N",
     .set = set_trace_replication,
     .help = "the replication --trace writes, 0 to R-1\n(default 0)"},
    {.name = "assert",
     .val = OPT_ASSERT,
     .metavar = "EXPR",
     .set = acd_cli_add_assert,
     .help = "check a result after the run, e.g.\n'service_level>=0.8', "
             "'billing.abandon_rate<=0.05',\n'every_interval.service_level>=target';\n"
             "repeatable; a failed check exits 3"},
    ACD_CLI_JUNIT_ENTRY,
    ACD_CLI_PRECISION_ENTRIES,
    {.name = "no-timing",
     .val = OPT_NO_TIMING,
     .set = set_no_timing,
     .help = "report run.wall_s and run.threads as null (and\nno timing in text), so the "
             "output is byte-\nidentical between runs and thread counts"},
    {.name = "detail",
     .val = OPT_DETAIL,
     .set = set_detail,
     .help = "text: the 90th-percentile wait per interval, and\neach call type's figures per "
             "interval"},
    {.name = "quiet",
     .val = 'q',
     .set = acd_cli_set_quiet,
     .help = "print nothing on stdout (with --out or --assert)"},
    ACD_CLI_SET_ENTRY,
    ACD_CLI_MAX_MEMORY_ENTRY,
    {.name = "help", .val = 'h', .set = acd_cli_set_help, .help = "show this help"},
};

static const struct acd_cli_opt validate_opts[] = {
    ACD_CLI_SET_ENTRY,
    ACD_CLI_MAX_MEMORY_ENTRY,
    {.name = "help", .val = 'h', .set = acd_cli_set_help, .help = "show this help"},
};

static void
run_help(FILE *out)
{
    fputs("usage: acdsim run [SCENARIO] [options]\n"
          "\n"
          "Simulate SCENARIO (a YAML file; default: the built-in scenario, a small\n"
          "utility's customer-service line) and print its KPIs: the mean over the\n"
          "replications and the half width of the 95% confidence interval.\n"
          "\n"
          "options:\n",
          out);
    acd_cli_print_options(out, run_opts, ACD_ARRAY_LEN(run_opts));
    fputs("\n--assert EXPR is [SCOPE.]METRIC OP NUMBER: OP is >=, <=, > or <; SCOPE a\n"
          "call type or agent group; ratios also take percentages (80%); a service\n"
          "level may be held to its goal (>=target), and 'targets' checks every goal.\n"
          "On an operating day SCOPE may name intervals: 09:00 (the interval that\n"
          "starts then), every_interval, or both: billing@09:00, csr1@every_interval.\n"
          "Quote EXPR in a shell ('service_level>=0.8'). Metrics:\n ",
          out);
    int col = 1;
    for (int m = 0; m < ACD_METRIC_COUNT; m++) {
        int w = (int)strlen(acd_metrics[m].key) + 2;
        if (col + w > 78) {
            fputs("\n ", out);
            col = 1;
        }
        fprintf(out, " %s%s", acd_metrics[m].key, m + 1 < ACD_METRIC_COUNT ? "," : "");
        col += w;
    }
    fputs("\n\n--precision [SCOPE.]METRIC=HW runs replications in batches of -r (or\n"
          "the scenario's count) until the 95% CI half-width of every METRIC named\n"
          "is at most its HW: a ratio as 0.01 or 1% (percentage points), a time as\n"
          "2s or 0.5m. It stops at the first multiple of the batch where all are\n"
          "met, so the output is that of -r N for that N (any -j), or at\n"
          "--max-replications (a warning; exit 0). A line per round on stderr.\n"
          "\n--trace FILE writes one CSV row per call leg, in the order legs end:\n"
          "  call_id,issue_id,type,tier,attempt,source,arrival_s,end_s,done_s,group,\n"
          "  outcome,after,counted,wait_total_s,agent\n"
          "arrival_s, end_s (end of waiting) and done_s (end of talk) are clock\n"
          "seconds; group is empty if no agent took the leg; counted is 0 for legs\n"
          "outside the measured window (warm-up); wait_total_s is the issue's\n"
          "cumulative wait (every leg's time in queue so far, this one's included);\n"
          "agent is the answering agent's index in the replication (0-based, the\n"
          "same agent throughout), empty if no agent took the leg.\n"
          "FILE appears only when complete.\n"
          "\n--out DIR writes a report folder, each file only once all are complete\n"
          "(a failed or interrupted run leaves none of them, nor any temporary file;\n"
          "report files of an earlier run that this one does not write are removed):\n"
          "  results.json   the same document as -f json\n"
          "  intervals.csv  start,end,call_type, then METRIC,METRIC_ci95 pairs and\n"
          "                 totals.KEY,totals.KEY_ci95 pairs: per interval, a row\n"
          "                 for the center (call_type *) and one per call type;\n"
          "                 steady state: the same rows once, start and end empty\n"
          "  groups.csv     group, then the agent-group metrics and totals pairs\n"
          "  NAME.png, NAME.svg  charts drawn by gnuplot, those that apply:\n"
          "                 service_level, calls, wait_times, agents (per interval),\n"
          "                 wait_cdf, queue, resolution (tiers), erlang (one\n"
          "                 stationary call type)\n"
          "  index.html     one page with the KPIs, the SLA verdict and the charts\n"
          "An empty cell is an undefined value or one that does not apply. Without\n"
          "gnuplot on PATH the charts are skipped (one notice, exit 0). A DIR that\n"
          "cannot be created or written exits 2 before the run; a failed write or\n"
          "a gnuplot error exits 1.\n"
          "\n--junit FILE writes the --assert checks and the scenario's targets as\n"
          "JUnit XML (one test case each; a target fails when the run's mean misses\n"
          "it), for CI servers; FILE appears only when complete.\n"
          "\nexit status: 0 ok, 1 runtime failure, 2 bad usage or invalid scenario,\n"
          "             3 an --assert failed\n",
          out);
}

static void
validate_help(FILE *out)
{
    fputs("usage: acdsim validate SCENARIO...\n"
          "\n"
          "Parse and check scenario files without running them. Prints\n"
          "`SCENARIO: ok (N call types, M agent groups)` for each valid file, then\n"
          "the estimated peak memory of `acdsim run` on it, and\n"
          "`file:line:col: error: ...` for every problem found (a run whose\n"
          "estimate passes the memory limit is an error too).\n"
          "\n"
          "options:\n",
          out);
    acd_cli_print_options(out, validate_opts, ACD_ARRAY_LEN(validate_opts));
    fputs("\nexit status: 0 all valid, 2 bad usage or an invalid scenario\n", out);
}

/* ------------------------------------------------------------------ trace */

/* --trace FILE: rows go to FILE's temporary file while the replication
 * runs (see struct acd_tmpfile). */
struct trace_file {
    struct acd_tmpfile file;
    const struct acd_scenario *sc;
};

static const char trace_header[] =
    "call_id,issue_id,type,tier,attempt,source,arrival_s,end_s,done_s,group,outcome,after,"
    "counted,wait_total_s,agent,arrival_clock,end_clock,done_clock\n";

/* A trace time for people, beside its seconds: "09:30:15" (hours past 24
 * as the scenario writes them: "25:10:00"); in a period (`days:`) the
 * date first, "2026-12-08 09:30:15". Whole seconds, rounded down. */
static void
trace_clock(FILE *f, const struct acd_scenario *sc, double t_s)
{
    if (!isfinite(t_s))
        return;
    double whole = floor(t_s);
    if (sc->n_days && sc->days[0].date >= 0) {
        double day = floor(whole / 86400);
        char d[16];
        fprintf(f, "%s ", acd_units_format_date(sc->days[0].date + (long)day, d, sizeof(d)));
        whole -= day * 86400;
    }
    long long s = (long long)whole;
    fprintf(f, "%02lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
}

/* acd_trace_fn: runs on the worker thread of the traced replication only,
 * while the main thread waits in acd_run, so the stream needs no lock.
 * Write errors stick in the stream and are reported by trace_finish. */
static void
trace_row(void *ud, const struct acd_trace_rec *rec)
{
    struct trace_file *t = ud;
    const struct acd_scenario *sc = t->sc;
    FILE *f = t->file.f;
    if (ferror(f))
        return; /* already failed: do not spend the run on a dead file */
    ACD_ASSERT(rec->type < sc->n_call_types);
    ACD_ASSERT(rec->group == SIZE_MAX || rec->group < sc->n_groups);
    fprintf(f, "%" PRIu64 ",%" PRIu64 ",", rec->call_id, rec->issue_id);
    acd_report_csv_field(f, sc->call_types[rec->type].name);
    fprintf(f, ",%u,%u,%s,", rec->tier, rec->attempt, acd_sim_source_name(rec->source));
    acd_report_csv_number(f, rec->t_arrive_s);
    fputc(',', f);
    acd_report_csv_number(f, rec->t_end_s);
    fputc(',', f);
    acd_report_csv_number(f, rec->t_done_s);
    fputc(',', f);
    if (rec->group != SIZE_MAX)
        acd_report_csv_field(f, sc->groups[rec->group].name);
    fprintf(f, ",%s,%s,%d,", acd_sim_outcome_name(rec->outcome), acd_sim_after_name(rec->after),
            rec->counted ? 1 : 0);
    acd_report_csv_number(f, rec->wait_total_s);
    fputc(',', f);
    if (rec->agent != SIZE_MAX)
        fprintf(f, "%zu", rec->agent);
    fputc(',', f);
    trace_clock(f, sc, rec->t_arrive_s);
    fputc(',', f);
    trace_clock(f, sc, rec->t_end_s);
    fputc(',', f);
    trace_clock(f, sc, rec->t_done_s);
    fputc('\n', f);
}

/* Create the temporary file and write the header. Returns 0, or -1 after
 * reporting (and removing whatever was created). */
static int
trace_open(struct trace_file *t, const char *path, const struct acd_scenario *sc)
{
    t->sc = sc;
    if (acd_tmpfile_open(&t->file, path, stderr) != 0)
        return -1;
    fputs(trace_header, t->file.f); /* an error shows in trace_finish */
    return 0;
}

/* Flush, sync and rename into place. Returns 0, or -1 after reporting and
 * removing the temporary file. */
static int
trace_finish(struct trace_file *t)
{
    /* The rows' errno was the worker thread's; the flush tells again. */
    if (acd_tmpfile_close(&t->file, 0, stderr) != 0)
        return -1;
    return acd_tmpfile_commit(&t->file, stderr);
}

/* Same path once trailing slashes are dropped ("out/" is "out"). */
static bool
same_dir(const char *a, size_t na, const char *b)
{
    size_t nb = strlen(b);
    while (na > 1 && a[na - 1] == '/')
        na--;
    while (nb > 1 && b[nb - 1] == '/')
        nb--;
    return na == nb && strncmp(a, b, na) == 0;
}

/* What the option setters cannot check alone. With --out DIR, a FILE
 * without a directory part goes into DIR (`-o out --trace calls.csv` is
 * out/calls.csv; ./calls.csv keeps it here), and must not be one of the
 * report's own files. FILE's directory must exist, unless it is the --out
 * DIR this run creates. --trace-replication needs --trace and must name a
 * replication of this run (-r or the scenario's count); no --trace with
 * more than one MPI rank. Returns the number of errors reported. */
static int
check_trace(struct run_args *a, const struct acd_scenario *sc)
{
    int errors = 0;
    char err[ERR_LEN];
    /* One trace file of one replication: the ranks of an MPI run each
     * simulate a share of the replications, so it is not supported there. */
    if (a->trace_given && acd_ranks_size() > 1) {
        acd_cli_error("run", "--trace: not supported with more than one MPI rank (started as %u)",
                      acd_ranks_size());
        errors++;
    }
    if (a->trace_path) {
        const char *slash = strrchr(a->trace_path, '/');
        if (!slash && a->c.out_dir) {
            size_t n = strlen(a->c.out_dir);
            while (n > 1 && a->c.out_dir[n - 1] == '/')
                n--;
            a->trace_in_out = acd_xasprintf("%.*s/%s", (int)n, a->c.out_dir, a->trace_path);
            a->trace_path = a->trace_in_out;
            slash = a->trace_path + n;
        }
        bool in_out = slash && a->c.out_dir &&
                      same_dir(a->trace_path, (size_t)(slash - a->trace_path), a->c.out_dir);
        const char *base = slash ? slash + 1 : a->trace_path;
        if (in_out && acd_outdir_is_report_file(base)) {
            acd_cli_error("run", "--trace: '%s' is one of the files --out writes", a->trace_path);
            errors++;
        }
        if (!(in_out && a->c.out_dir_missing) &&
            (acd_cli_check_parent(a->trace_path, err, sizeof(err)) != 0 ||
             check_trace_file(a->trace_path, err, sizeof(err)) != 0)) {
            acd_cli_error("run", "--trace: %s", err);
            errors++;
        }
    }
    if (a->trace_rep_set && !a->trace_given) {
        acd_cli_error("run", "--trace-replication: needs --trace FILE");
        errors++;
    }
    unsigned reps = a->c.run.replications ? a->c.run.replications : sc ? sc->replications : 0;
    if (a->trace_given && reps && a->c.run.trace_replication >= reps) {
        acd_cli_error("run", "--trace-replication: %u is not a replication of this run (0 to %u)",
                      a->c.run.trace_replication, reps - 1);
        errors++;
    }
    return errors;
}

/* ------------------------------------------------------------------- run */

/* Run, print and check, once everything is valid. */
static int
execute(const struct run_args *a, const struct acd_scenario *sc, const struct acd_expect *ex,
        const struct acd_precision_goal *goals)
{
    if (a->c.out_dir || a->trace_path || a->c.junit_path)
        acd_tmpfile_cleanup_install();
    if (a->c.out_dir && a->c.out_dir_missing) {
        if (mkdir(a->c.out_dir, 0777) != 0) { /* EEXIST: made since the check, maybe a link */
            fprintf(stderr, "acdsim run: error: cannot create directory %s: %s\n", a->c.out_dir,
                    strerror(errno));
            return ACD_EXIT_RUNTIME;
        }
        acd_tmpfile_track_dir(a->c.out_dir);
    }
    struct trace_file trace = {0};
    struct acd_run_opts opts = a->c.run;
    int rc = ACD_EXIT_OK;
    if (a->trace_path) {
        if (trace_open(&trace, a->trace_path, sc) != 0) {
            rc = ACD_EXIT_RUNTIME;
            goto done;
        }
        opts.trace = trace_row;
        opts.trace_ud = &trace;
    }
    struct acd_overload ov;
    opts.overload = &ov;
    struct acd_results *r =
        goals ? acd_cli_run_precision("run", sc, &opts, &a->c, goals) : acd_run(sc, &opts);
    if (!r) {
        /* The overload guard stopped it: nothing is written. */
        if (a->trace_path)
            acd_tmpfile_discard(&trace.file);
        acd_cli_report_overload("run", sc, &ov, &a->c);
        rc = ACD_EXIT_RUNTIME;
        goto done;
    }
    if (a->trace_path && trace_finish(&trace) != 0)
        rc = ACD_EXIT_RUNTIME;
    /* The checks first: the JSON outputs carry their results. */
    struct acd_cli_checks checks;
    acd_cli_checks_eval(&a->c, ex, r, &checks);
    struct acd_report_opts ro = a->report;
    ro.asserts = checks.res;
    ro.n_asserts = checks.n;
    if (!a->c.quiet) {
        errno = 0;
        int w = a->format->write(stdout, r, &ro);
        /* A failed write sets stdout's error flag; check_stdout reports it. */
        if (acd_cli_check_stdout("run") != 0 || w != 0)
            rc = ACD_EXIT_RUNTIME;
    }
    if (a->c.out_dir && acd_outdir_write(a->c.out_dir, r, &ro, NULL, stderr) != 0)
        rc = ACD_EXIT_RUNTIME;
    int crc = acd_cli_checks_finish("run", &a->c, &checks, r);
    if (crc == ACD_EXIT_RUNTIME || (crc != ACD_EXIT_OK && rc == ACD_EXIT_OK))
        rc = crc;
    acd_results_free(r);
done:
    /* A DIR this run made and then could not fill goes again (rmdir only
     * removes it empty: a trace written into it stays). */
    if (acd_tmpfile_track_dir(NULL) && rc == ACD_EXIT_RUNTIME)
        rmdir(a->c.out_dir);
    return rc;
}

int
acd_cli_run(int argc, char **argv)
{
    struct run_args a = {.format = acd_format_find("text")};
    ACD_ASSERT(a.format != NULL);
    int first = acd_cli_parse_options("run", run_opts, ACD_ARRAY_LEN(run_opts), &a, argc, argv);
    if (a.c.help) {
        run_help(stdout);
        free(a.c.asserts);
        free(a.c.precision);
        free(a.c.sets);
        return ACD_EXIT_OK;
    }
    const char *path = NULL;
    if (first < argc)
        path = argv[first];
    for (int i = first + 1; i < argc; i++) {
        acd_cli_error("run", "unexpected argument '%s' (one SCENARIO at most)", argv[i]);
        a.c.n_errors++;
    }

    /* Check the scenario even after option errors: report everything at
     * once. A stray argument makes the scenario path doubtful, so not then. */
    struct acd_scenario *sc = argc - first <= 1 ? acd_cli_load_scenario(&a.c, path) : NULL;
    a.c.n_errors += check_trace(&a, sc);
    int usage_errors = a.c.n_errors;
    if (!sc && argc - first <= 1)
        a.c.n_errors++;
    struct acd_expect *ex = acd_cli_prepare_asserts("run", &a.c, sc);
    struct acd_precision_goal *goals = acd_cli_prepare_precision("run", &a.c, sc);
    struct acd_memory_estimate est;
    if (sc && (a.c.n_precision ? acd_cli_check_precision_memory("run", sc, &a.c, &est)
                               : acd_cli_check_memory("run", sc, &a.c, &est)) != 0)
        a.c.n_errors++;

    int rc;
    if (a.c.n_errors) {
        /* The hint helps with options, not with a scenario's own errors. */
        if (usage_errors)
            acd_cli_try_help("run");
        rc = ACD_EXIT_USAGE;
    } else {
        /* Allowed (a timing, a smoke test), but never silently. */
        if (a.c.quiet && !a.c.out_dir && !a.trace_path && !a.c.junit_path && !a.c.n_asserts)
            fputs("acdsim run: warning: --quiet without --out, --trace, --junit or --assert: "
                  "the results are not written anywhere\n",
                  stderr);
        rc = execute(&a, sc, ex, goals);
    }
    for (size_t i = 0; ex && i < a.c.n_asserts; i++)
        acd_expect_fini(&ex[i]);
    free(ex);
    free(goals);
    acd_scenario_free(sc);
    free(a.c.asserts);
    free(a.c.precision);
    free(a.c.sets);
    free(a.trace_in_out);
    return rc;
}

int
acd_cli_validate(int argc, char **argv)
{
    struct run_args a = {0};
    int first = acd_cli_parse_options("validate", validate_opts, ACD_ARRAY_LEN(validate_opts), &a,
                                      argc, argv);
    if (a.c.help) {
        validate_help(stdout);
        return ACD_EXIT_OK;
    }
    if (first >= argc) {
        acd_cli_error("validate", "missing SCENARIO");
        a.c.n_errors++;
    }
    if (a.c.n_errors) {
        acd_cli_try_help("validate");
        free(a.c.sets);
        return ACD_EXIT_USAGE;
    }
    int rc = ACD_EXIT_OK;
    for (int i = first; i < argc; i++) {
        struct acd_scenario *sc = acd_cli_load_scenario(&a.c, argv[i]);
        if (!sc) {
            rc = ACD_EXIT_USAGE;
            continue;
        }
        struct acd_memory_estimate est;
        if (acd_cli_check_memory("validate", sc, &a.c, &est) != 0) {
            rc = ACD_EXIT_USAGE;
            acd_scenario_free(sc);
            continue;
        }
        char t[32], lim[32];
        acd_escape_fputs(argv[i], stdout);
        printf(": ok (%zu call type%s, %zu agent group%s)\n", sc->n_call_types,
               acd_plural(sc->n_call_types), sc->n_groups, acd_plural(sc->n_groups));
        printf("  memory: at most about %s for run (%u replications, %u threads; limit %s)\n",
               acd_cli_format_bytes(est.total, t, sizeof(t)), est.replications, est.threads,
               acd_cli_format_bytes(a.c.max_memory ? a.c.max_memory : acd_cli_default_memory(), lim,
                                    sizeof(lim)));
        acd_scenario_free(sc);
    }
    free(a.c.sets);
    return rc;
}
