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
#include "acdsim/expect.h"
#include "acdsim/outdir.h"
#include "acdsim/report.h"
#include "acdsim/run.h"
#include "acdsim/scenario.h"
#include "acdsim/sim.h"
#include "acdsim/util.h"
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Sanity bounds: far beyond any useful value, small enough that a typo does
 * not allocate gigabytes. */
#define MAX_REPLICATIONS 1000000ULL
#define MAX_THREADS      1024ULL

#define ERR_LEN 512

struct run_args {
    struct acd_run_opts run;
    const struct acd_format *format;
    const char *out_dir;
    bool out_dir_missing;   /* --out DIR does not exist yet: create it */
    const char *trace_path; /* --trace FILE, once its name passed the checks */
    char *trace_in_out;     /* FILE put into --out DIR (see check_trace); owned */
    bool trace_given;       /* --trace seen, valid or not */
    bool trace_rep_set;     /* --trace-replication given */
    char **asserts;         /* the --assert texts, borrowed from argv */
    size_t n_asserts, cap_asserts;
    struct acd_report_opts report;
    bool quiet, help;
    int n_errors;
};

static void cmd_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
cmd_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "acdsim %s: error: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* A plain decimal integer in [lo, hi]: no sign, no spaces, no suffix
 * (strtoull alone would take "-1" and " 5"). Returns 0, -1 if not an
 * integer (or below lo), -2 if above hi. */
static int
parse_uint(const char *s, unsigned long long lo, unsigned long long hi, unsigned long long *out)
{
    if (!*s || strspn(s, "0123456789") != strlen(s))
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, NULL, 10);
    if (errno == ERANGE || v > hi)
        return -2;
    if (v < lo)
        return -1;
    *out = v;
    return 0;
}

/* The message for a positive-integer option that parse_uint rejected. */
static int
bad_positive(int rc, const char *arg, unsigned long long hi, char *err, size_t errlen)
{
    if (rc == -2)
        snprintf(err, errlen, "at most %llu, got '%s'", hi, arg);
    else
        snprintf(err, errlen, "expected a positive integer, got '%s'", arg);
    return -1;
}

/* Option setters: return 0, or -1 after writing the problem to err. */
typedef int opt_setter(struct run_args *a, const char *arg, char *err, size_t errlen);

static int
set_replications(struct run_args *a, const char *arg, char *err, size_t errlen)
{
    unsigned long long v;
    int rc = parse_uint(arg, 1, MAX_REPLICATIONS, &v);
    if (rc != 0)
        return bad_positive(rc, arg, MAX_REPLICATIONS, err, errlen);
    a->run.replications = (unsigned)v;
    return 0;
}

static int
set_seed(struct run_args *a, const char *arg, char *err, size_t errlen)
{
    unsigned long long v;
    if (parse_uint(arg, 0, UINT64_MAX, &v) != 0) {
        snprintf(err, errlen, "expected an integer from 0 to 2^64-1, got '%s'", arg);
        return -1;
    }
    a->run.seed = (uint64_t)v;
    a->run.seed_set = true;
    return 0;
}

static int
set_threads(struct run_args *a, const char *arg, char *err, size_t errlen)
{
    unsigned long long v;
    int rc = parse_uint(arg, 1, MAX_THREADS, &v);
    if (rc != 0)
        return bad_positive(rc, arg, MAX_THREADS, err, errlen);
    a->run.threads = (unsigned)v;
    return 0;
}

static int
set_format(struct run_args *a, const char *arg, char *err, size_t errlen)
{
    a->format = acd_format_find(arg);
    if (a->format)
        return 0;
    int n = snprintf(err, errlen, "expected one of");
    for (size_t i = 0; acd_formats[i] && n >= 0 && (size_t)n < errlen; i++)
        n += snprintf(err + n, errlen - (size_t)n, "%s %s", i ? "," : "", acd_formats[i]->name);
    if (n >= 0 && (size_t)n < errlen)
        snprintf(err + n, errlen - (size_t)n, ", got '%s'", arg);
    return -1;
}

/* The directory that holds `path` (everything before the last '/' that is
 * not trailing) must exist and be writable: checked now so a long run never
 * ends in "cannot create". */
static int
check_parent(const char *path, char *err, size_t errlen)
{
    struct stat st;
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    while (n > 0 && path[n - 1] != '/')
        n--;
    while (n > 1 && path[n - 1] == '/')
        n--;
    char *parent = n ? acd_xstrndup(path, n) : acd_xstrdup(".");
    int rc = 0;
    if (stat(parent, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "parent directory '%s' of '%s' does not exist", parent, path);
        rc = -1;
    } else if (access(parent, W_OK | X_OK) != 0) {
        snprintf(err, errlen, "cannot create '%s': %s", path, strerror(errno));
        rc = -1;
    }
    free(parent);
    return rc;
}

/* DIR must be a directory we can write, or missing with an existing parent
 * (as recorded in out_dir_missing). */
static int
set_out(struct run_args *a, const char *arg, char *err, size_t errlen)
{
    struct stat st;
    a->out_dir = arg;
    a->out_dir_missing = false;
    if (!*arg) {
        snprintf(err, errlen, "expected a directory, got ''");
        return -1;
    }
    if (stat(arg, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "'%s' exists and is not a directory", arg);
            return -1;
        }
        if (access(arg, W_OK | X_OK) != 0) {
            snprintf(err, errlen, "cannot write into '%s': %s", arg, strerror(errno));
            return -1;
        }
        return 0;
    }
    if (errno != ENOENT) {
        snprintf(err, errlen, "cannot use '%s': %s", arg, strerror(errno));
        return -1;
    }
    int rc = check_parent(arg, err, errlen);
    a->out_dir_missing = rc == 0;
    return rc;
}

/* Only the form of FILE here: where it goes depends on --out, which may
 * come later on the command line (see check_trace). */
static int
set_trace(struct run_args *a, const char *arg, char *err, size_t errlen)
{
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
set_trace_replication(struct run_args *a, const char *arg, char *err, size_t errlen)
{
    unsigned long long v;
    int rc = parse_uint(arg, 0, MAX_REPLICATIONS - 1, &v);
    if (rc == -2) {
        snprintf(err, errlen, "at most %llu, got '%s'", MAX_REPLICATIONS - 1, arg);
        return -1;
    }
    if (rc != 0) {
        snprintf(err, errlen, "expected a replication number (0, 1, ...), got '%s'", arg);
        return -1;
    }
    a->run.trace_replication = (unsigned)v;
    a->trace_rep_set = true;
    return 0;
}

static int
add_assert(struct run_args *a, const char *arg, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    a->asserts = acd_xgrow(a->asserts, &a->cap_asserts, a->n_asserts + 1, sizeof(*a->asserts));
    a->asserts[a->n_asserts++] = (char *)arg;
    return 0; /* parsed once the scenario is known */
}

static int
set_no_timing(struct run_args *a, const char *arg, char *err, size_t errlen)
{
    (void)arg, (void)err, (void)errlen;
    a->report.no_timing = true;
    return 0;
}

static int
set_quiet(struct run_args *a, const char *arg, char *err, size_t errlen)
{
    (void)arg, (void)err, (void)errlen;
    a->quiet = true;
    return 0;
}

static int
set_help(struct run_args *a, const char *arg, char *err, size_t errlen)
{
    (void)arg, (void)err, (void)errlen;
    a->help = true;
    return 0;
}

/* getopt_long values for options without a short form. */
enum { OPT_ASSERT = 256, OPT_NO_TIMING, OPT_TRACE, OPT_TRACE_REPLICATION };

struct opt_def {
    const char *name;
    int val;             /* short option character, or OPT_* */
    const char *metavar; /* NULL: takes no argument */
    const char *help;
    opt_setter *set;
};

static const struct opt_def run_opts[] = {
    {.name = "replications",
     .val = 'r',
     .metavar = "N",
     .set = set_replications,
     .help = "independent replications (overrides the scenario)"},
    {.name = "seed",
     .val = 's',
     .metavar = "S",
     .set = set_seed,
     .help = "master seed, 0..2^64-1 (overrides the scenario);\n"
             "same seed, same output, bit for bit"},
    {.name = "threads",
     .val = 'j',
     .metavar = "T",
     .set = set_threads,
     .help = "worker threads (default: one per CPU);\nresults do not depend on T"},
    {.name = "format",
     .val = 'f',
     .metavar = "FMT",
     .set = set_format,
     .help = "output on stdout: text (default, a KPI table),\njson or csv"},
    {.name = "out",
     .val = 'o',
     .metavar = "DIR",
     .set = set_out,
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
     .set = add_assert,
     .help = "check a result after the run, e.g.\n'service_level>=0.8', "
             "'billing.abandon_rate<=0.05';\nrepeatable; a failed check exits 3"},
    {.name = "no-timing",
     .val = OPT_NO_TIMING,
     .set = set_no_timing,
     .help = "report run.wall_s and run.threads as null (and\nno timing in text), so the "
             "output is byte-\nidentical between runs and thread counts"},
    {.name = "quiet",
     .val = 'q',
     .set = set_quiet,
     .help = "print nothing on stdout (with --out or --assert)"},
    {.name = "help", .val = 'h', .set = set_help, .help = "show this help"},
};

static const struct opt_def validate_opts[] = {
    {.name = "help", .val = 'h', .set = set_help, .help = "show this help"},
};

/* Print an option table as aligned help text; continuation lines of a help
 * string (after '\n') are indented under the first. */
static void
print_options(FILE *out, const struct opt_def *defs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char head[64];
        if (defs[i].val < 256)
            snprintf(head, sizeof(head), "-%c, --%s%s%s", defs[i].val, defs[i].name,
                     defs[i].metavar ? " " : "", defs[i].metavar ? defs[i].metavar : "");
        else
            snprintf(head, sizeof(head), "    --%s%s%s", defs[i].name, defs[i].metavar ? " " : "",
                     defs[i].metavar ? defs[i].metavar : "");
        /* A long head gets its own line rather than a ragged help column. */
        if (strlen(head) > 22)
            fprintf(out, "  %s\n%25s", head, "");
        else
            fprintf(out, "  %-22s ", head);
        for (const char *h = defs[i].help; *h; h++) {
            fputc(*h, out);
            if (*h == '\n')
                fprintf(out, "%25s", "");
        }
        fputc('\n', out);
    }
}

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
    print_options(out, run_opts, ACD_ARRAY_LEN(run_opts));
    fputs("\n--assert EXPR is [SCOPE.]METRIC OP NUMBER: OP is >=, <=, > or <; SCOPE a\n"
          "call type or agent group; ratios also take percentages (80%). Metrics:\n ",
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
    fputs("\n\n--trace FILE writes one CSV row per call leg, in the order legs end:\n"
          "  call_id,issue_id,type,tier,attempt,source,arrival_s,end_s,done_s,group,\n"
          "  outcome,after,counted\n"
          "arrival_s, end_s (end of waiting) and done_s (end of talk) are clock\n"
          "seconds; group is empty if no agent took the leg; counted is 0 for legs\n"
          "outside the measured window (warm-up). FILE appears only when complete.\n"
          "\n--out DIR writes a report folder, each file only once all are complete\n"
          "(a failed or interrupted run leaves none of them, nor any temporary file):\n"
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
          "`SCENARIO: ok (N call types, M agent groups)` for each valid file and\n"
          "`file:line:col: error: ...` for every problem found.\n"
          "\n"
          "options:\n",
          out);
    print_options(out, validate_opts, ACD_ARRAY_LEN(validate_opts));
    fputs("\nexit status: 0 all valid, 2 bad usage or an invalid scenario\n", out);
}

/* Name of the option getopt_long reported by value (for error messages). */
static const char *
opt_name(const struct opt_def *defs, size_t n, int val, char *buf, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (defs[i].val == val) {
            snprintf(buf, len, "--%s", defs[i].name);
            return buf;
        }
    snprintf(buf, len, "-%c", val);
    return buf;
}

static bool
is_known(const struct opt_def *defs, size_t n, int val)
{
    for (size_t i = 0; i < n; i++)
        if (defs[i].val == val)
            return true;
    return false;
}

/* Parse argv with getopt_long from an option table, reporting every error.
 * Returns the index of the first operand. */
static int
parse_options(const char *cmd, const struct opt_def *defs, size_t n, struct run_args *a, int argc,
              char **argv)
{
    struct option *longs = acd_xcalloc(n + 1, sizeof(*longs));
    char shorts[2 * ACD_ARRAY_LEN(run_opts) + 2] = ":"; /* ':' reports missing arguments */
    size_t ns = 1;
    for (size_t i = 0; i < n; i++) {
        longs[i] = (struct option){.name = defs[i].name,
                                   .has_arg = defs[i].metavar ? required_argument : no_argument,
                                   .val = defs[i].val};
        if (defs[i].val < 256) {
            shorts[ns++] = (char)defs[i].val;
            if (defs[i].metavar)
                shorts[ns++] = ':';
        }
    }
    shorts[ns] = '\0';

    char err[ERR_LEN], name[64];
    opterr = 0;
    optind = 0; /* glibc: 0 re-initialises getopt for this argv */
    int c;
    while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
        if (c == '?') {
            /* glibc: optopt is 0 for an unknown long option, the option's
             * value for `--flag=x` on a flag, else the unknown character. */
            if (!optopt)
                cmd_error(cmd, "unknown option '%s'", argv[optind - 1]);
            else if (is_known(defs, n, optopt))
                cmd_error(cmd, "%s: takes no argument",
                          opt_name(defs, n, optopt, name, sizeof(name)));
            else
                cmd_error(cmd, "unknown option '-%c'", optopt);
            a->n_errors++;
            continue;
        }
        if (c == ':') {
            cmd_error(cmd, "%s: missing argument", opt_name(defs, n, optopt, name, sizeof(name)));
            a->n_errors++;
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            if (defs[i].val != c)
                continue;
            if (defs[i].set(a, optarg, err, sizeof(err)) != 0) {
                cmd_error(cmd, "--%s: %s", defs[i].name, err);
                a->n_errors++;
            }
            break;
        }
    }
    free(longs);
    return optind;
}

/* Load a scenario file, or the embedded default when path is NULL. Prints
 * every diagnostic; returns NULL if the scenario is invalid. */
static struct acd_scenario *
load_scenario(const char *path)
{
    struct acd_diags diags;
    struct acd_scenario *sc = NULL;
    acd_diags_init(&diags);
    int rc =
        path ? acd_scenario_load_file(path, &sc, &diags)
             : acd_scenario_load_string(ACD_DEFAULT_SCENARIO_NAME, NULL, acd_default_scenario_yaml,
                                        acd_default_scenario_len, &sc, &diags);
    acd_diags_sort(&diags);
    acd_diags_print(&diags, stderr); /* warnings too, on success */
    if (rc != 0 || acd_diags_has_errors(&diags)) {
        acd_scenario_free(sc);
        sc = NULL;
    }
    acd_diags_fini(&diags);
    return sc;
}

/* Parse and check every --assert against the scenario. Returns the parsed
 * array (n_asserts entries) or NULL after reporting errors. */
static struct acd_expect *
prepare_asserts(struct run_args *a, const struct acd_scenario *sc)
{
    struct acd_expect *ex = acd_xcalloc(a->n_asserts ? a->n_asserts : 1, sizeof(*ex));
    char err[ERR_LEN];
    int bad = 0;
    for (size_t i = 0; i < a->n_asserts; i++) {
        if (acd_expect_parse(a->asserts[i], &ex[i], err, sizeof(err)) != 0 ||
            (sc && acd_expect_check(&ex[i], sc, err, sizeof(err)) != 0)) {
            cmd_error("run", "--assert '%s': %s", a->asserts[i], err);
            bad++;
        }
    }
    if (bad || !sc) {
        for (size_t i = 0; i < a->n_asserts; i++)
            acd_expect_fini(&ex[i]);
        free(ex);
        a->n_errors += bad;
        return NULL;
    }
    return ex;
}

/* stdout after the report: flush so a full disk or a closed pipe shows now. */
static int
check_stdout(void)
{
    if (fflush(stdout) == 0 && !ferror(stdout))
        return 0;
    fprintf(stderr, "acdsim run: error: writing to standard output: %s\n",
            strerror(errno ? errno : EIO));
    return -1;
}

/* ------------------------------------------------------------------ trace */

/* --trace FILE: rows go to FILE's temporary file while the replication
 * runs (see struct acd_outdir_file). */
struct trace_file {
    struct acd_outdir_file file;
    const struct acd_scenario *sc;
};

static const char trace_header[] = "call_id,issue_id,type,tier,attempt,source,arrival_s,end_s,"
                                   "done_s,group,outcome,after,counted\n";

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
    fprintf(f, ",%s,%s,%d\n", acd_sim_outcome_name(rec->outcome), acd_sim_after_name(rec->after),
            rec->counted ? 1 : 0);
}

/* Create the temporary file and write the header. Returns 0, or -1 after
 * reporting (and removing whatever was created). */
static int
trace_open(struct trace_file *t, const char *path, const struct acd_scenario *sc)
{
    t->sc = sc;
    if (acd_outdir_file_open(&t->file, path, stderr) != 0)
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
    if (acd_outdir_file_close(&t->file, 0, stderr) != 0)
        return -1;
    return acd_outdir_file_commit(&t->file, stderr);
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
 * replication of this run (-r or the scenario's count). Returns the number
 * of errors reported. */
static int
check_trace(struct run_args *a, const struct acd_scenario *sc)
{
    int errors = 0;
    char err[ERR_LEN];
    if (a->trace_path) {
        const char *slash = strrchr(a->trace_path, '/');
        if (!slash && a->out_dir) {
            size_t n = strlen(a->out_dir);
            while (n > 1 && a->out_dir[n - 1] == '/')
                n--;
            a->trace_in_out = acd_xasprintf("%.*s/%s", (int)n, a->out_dir, a->trace_path);
            a->trace_path = a->trace_in_out;
            slash = a->trace_path + n;
        }
        bool in_out = slash && a->out_dir &&
                      same_dir(a->trace_path, (size_t)(slash - a->trace_path), a->out_dir);
        const char *base = slash ? slash + 1 : a->trace_path;
        if (in_out && acd_outdir_is_report_file(base)) {
            cmd_error("run", "--trace: '%s' is one of the files --out writes", a->trace_path);
            errors++;
        }
        if (!(in_out && a->out_dir_missing) &&
            (check_parent(a->trace_path, err, sizeof(err)) != 0 ||
             check_trace_file(a->trace_path, err, sizeof(err)) != 0)) {
            cmd_error("run", "--trace: %s", err);
            errors++;
        }
    }
    if (a->trace_rep_set && !a->trace_given) {
        cmd_error("run", "--trace-replication: needs --trace FILE");
        errors++;
    }
    unsigned reps = a->run.replications ? a->run.replications : sc ? sc->replications : 0;
    if (a->trace_given && reps && a->run.trace_replication >= reps) {
        cmd_error("run", "--trace-replication: %u is not a replication of this run (0 to %u)",
                  a->run.trace_replication, reps - 1);
        errors++;
    }
    return errors;
}

/* ------------------------------------------------------------------- run */

/* Run, print and check, once everything is valid. */
static int
execute(const struct run_args *a, const struct acd_scenario *sc, const struct acd_expect *ex)
{
    if (a->out_dir || a->trace_path)
        acd_outdir_cleanup_install();
    if (a->out_dir && a->out_dir_missing) {
        if (mkdir(a->out_dir, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "acdsim run: error: cannot create directory %s: %s\n", a->out_dir,
                    strerror(errno));
            return ACD_EXIT_RUNTIME;
        }
        acd_outdir_track_dir(a->out_dir);
    }
    struct trace_file trace = {0};
    struct acd_run_opts opts = a->run;
    int rc = ACD_EXIT_OK;
    if (a->trace_path) {
        if (trace_open(&trace, a->trace_path, sc) != 0) {
            rc = ACD_EXIT_RUNTIME;
            goto done;
        }
        opts.trace = trace_row;
        opts.trace_ud = &trace;
    }
    struct acd_results *r = acd_run(sc, &opts);
    if (a->trace_path && trace_finish(&trace) != 0)
        rc = ACD_EXIT_RUNTIME;
    if (!a->quiet) {
        errno = 0;
        int w = a->format->write(stdout, r, &a->report);
        /* A failed write sets stdout's error flag; check_stdout reports it. */
        if (check_stdout() != 0 || w != 0)
            rc = ACD_EXIT_RUNTIME;
    }
    if (a->out_dir && acd_outdir_write(a->out_dir, r, &a->report, stderr) != 0)
        rc = ACD_EXIT_RUNTIME;
    if (acd_expect_eval(ex, a->n_asserts, r, stderr) > 0 && rc == ACD_EXIT_OK)
        rc = ACD_EXIT_ASSERT;
    acd_results_free(r);
done:
    /* A DIR this run made and then could not fill goes again (rmdir only
     * removes it empty: a trace written into it stays). */
    if (acd_outdir_track_dir(NULL) && rc == ACD_EXIT_RUNTIME)
        rmdir(a->out_dir);
    return rc;
}

int
acd_cli_run(int argc, char **argv)
{
    struct run_args a = {.format = acd_format_find("text")};
    ACD_ASSERT(a.format != NULL);
    int first = parse_options("run", run_opts, ACD_ARRAY_LEN(run_opts), &a, argc, argv);
    if (a.help) {
        run_help(stdout);
        free(a.asserts);
        return ACD_EXIT_OK;
    }
    const char *path = NULL;
    if (first < argc)
        path = argv[first];
    for (int i = first + 1; i < argc; i++) {
        cmd_error("run", "unexpected argument '%s' (one SCENARIO at most)", argv[i]);
        a.n_errors++;
    }

    /* Check the scenario even after option errors: report everything at
     * once. A stray argument makes the scenario path doubtful, so not then. */
    struct acd_scenario *sc = argc - first <= 1 ? load_scenario(path) : NULL;
    a.n_errors += check_trace(&a, sc);
    int usage_errors = a.n_errors;
    if (!sc && argc - first <= 1)
        a.n_errors++;
    struct acd_expect *ex = prepare_asserts(&a, sc);

    int rc;
    if (a.n_errors) {
        /* The hint helps with options, not with a scenario's own errors. */
        if (usage_errors)
            fputs("Try 'acdsim run --help'.\n", stderr);
        rc = ACD_EXIT_USAGE;
    } else {
        rc = execute(&a, sc, ex);
    }
    for (size_t i = 0; ex && i < a.n_asserts; i++)
        acd_expect_fini(&ex[i]);
    free(ex);
    acd_scenario_free(sc);
    free(a.asserts);
    free(a.trace_in_out);
    return rc;
}

int
acd_cli_validate(int argc, char **argv)
{
    struct run_args a = {0};
    int first =
        parse_options("validate", validate_opts, ACD_ARRAY_LEN(validate_opts), &a, argc, argv);
    if (a.help) {
        validate_help(stdout);
        return ACD_EXIT_OK;
    }
    if (first >= argc) {
        cmd_error("validate", "missing SCENARIO");
        a.n_errors++;
    }
    if (a.n_errors) {
        fputs("Try 'acdsim validate --help'.\n", stderr);
        return ACD_EXIT_USAGE;
    }
    int rc = ACD_EXIT_OK;
    for (int i = first; i < argc; i++) {
        struct acd_scenario *sc = load_scenario(argv[i]);
        if (!sc) {
            rc = ACD_EXIT_USAGE;
            continue;
        }
        printf("%s: ok (%zu call types, %zu agent groups)\n", argv[i], sc->n_call_types,
               sc->n_groups);
        acd_scenario_free(sc);
    }
    return rc;
}
