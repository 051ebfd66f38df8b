/*
 * cli_calibrate: `acdsim calibrate LOG.csv [options]` (docs/calibrate.md):
 * reads a call log through its column mapping (calllog.h), estimates the
 * scenario's numbers (calibrate.h) and writes the report (text or JSON on
 * stdout), the scenario (-o FILE.yaml or --scenario FILE) and the report
 * folder (-o DIR: calibrated.yaml, calibration.json, charts).
 *
 * Bad input: every diagnostic of the reader is printed, exit 2, nothing is
 * written. Skipped rows are summed up on stderr, one line per reason.
 */
#include "acdsim/diag.h"
#include "calibrate.h"
#include "calibrate_report.h"
#include "calllog.h"
#include "cli.h"
#include "tmpfile.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct calibrate_args {
    struct acd_cli_common c; /* first: the common setters write here */
    const char *columns;
    const char *scenario_path; /* -o FILE.yaml or --scenario FILE */
    const char *agents_file;
    struct acd_calib_opts o;
    bool strict, json;
    bool as_seen; /* --availability seen: no availability fit */
};

static bool
is_yaml_name(const char *s)
{
    size_t n = strlen(s);
    return (n > 5 && strcmp(s + n - 5, ".yaml") == 0) || (n > 4 && strcmp(s + n - 4, ".yml") == 0);
}

static int
set_scenario(void *ud, const char *arg, char *err, size_t errlen)
{
    struct calibrate_args *a = ud;
    if (!*arg) {
        snprintf(err, errlen, "expected a file name, got ''");
        return -1;
    }
    if (acd_cli_check_parent(arg, err, errlen) != 0)
        return -1;
    a->scenario_path = arg;
    return 0;
}

/* -o: FILE.yaml is the scenario, anything else (an existing folder too)
 * the report folder. */
static int
set_out(void *ud, const char *arg, char *err, size_t errlen)
{
    struct calibrate_args *a = ud;
    struct stat st;
    bool is_dir = stat(arg, &st) == 0 && S_ISDIR(st.st_mode);
    if (is_yaml_name(arg) && !is_dir)
        return set_scenario(ud, arg, err, errlen);
    return acd_cli_set_out(&a->c, arg, err, errlen);
}

static int
set_columns(void *ud, const char *arg, char *err, size_t errlen)
{
    struct calibrate_args *a = ud;
    if (!*arg) {
        snprintf(err, errlen, "expected a preset name or ROLE=HEADER,...");
        return -1;
    }
    a->columns = arg;
    return 0;
}

static int
set_interval(void *ud, const char *arg, char *err, size_t errlen)
{
    struct calibrate_args *a = ud;
    double v;
    if (acd_cli_parse_duration(arg, true, &v, err, errlen) != 0)
        return -1;
    if (v < 60 || fmod(86400.0, v) != 0) {
        snprintf(err, errlen,
                 "expected a whole divisor of a day of at least 1 minute "
                 "(e.g. 15m, 30m, 1h), got '%s'",
                 arg);
        return -1;
    }
    a->o.interval_s = v;
    return 0;
}

static const char *const weekday_names[7] = {"monday", "tuesday",  "wednesday", "thursday",
                                             "friday", "saturday", "sunday"};

static int
set_by(void *ud, const char *arg, char *err, size_t errlen)
{
    struct calibrate_args *a = ud;
    if (strcmp(arg, "all") == 0)
        a->o.by = ACD_CALIB_BY_ALL;
    else if (strcmp(arg, "date") == 0)
        a->o.by = ACD_CALIB_BY_DATE;
    else if (strcmp(arg, "weekday") == 0)
        a->o.by = ACD_CALIB_BY_WEEKDAY;
    else {
        snprintf(err, errlen, "expected one of all, date, weekday, got '%s'", arg);
        return -1;
    }
    return 0;
}

static int
set_weekday(void *ud, const char *arg, char *err, size_t errlen)
{
    struct calibrate_args *a = ud;
    for (int i = 0; i < 7; i++)
        if (strcasecmp(arg, weekday_names[i]) == 0 || strncasecmp(arg, weekday_names[i], 3) == 0) {
            a->o.weekday = i;
            a->o.by = ACD_CALIB_BY_WEEKDAY;
            return 0;
        }
    snprintf(err, errlen, "expected a weekday (monday .. sunday, or mon .. sun), got '%s'", arg);
    return -1;
}

static int
set_sl_threshold(void *ud, const char *arg, char *err, size_t errlen)
{
    struct calibrate_args *a = ud;
    return acd_cli_parse_duration(arg, false, &a->o.sl_threshold_s, err, errlen);
}

static int
set_agents(void *ud, const char *arg, char *err, size_t errlen)
{
    struct calibrate_args *a = ud;
    unsigned long long v;
    a->agents_file = NULL;
    a->o.agents = 0;
    if (arg[0] >= '0' && arg[0] <= '9' && acd_cli_parse_uint(arg, 1, 1000000, &v) == 0) {
        a->o.agents = (unsigned)v;
        return 0;
    }
    struct stat st;
    if (stat(arg, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "expected a number of agents (1 to 1000000) or a CSV file, got '%s'",
                 arg);
        return -1;
    }
    a->agents_file = arg;
    return 0;
}

static int
set_strict(void *ud, const char *arg, char *err, size_t errlen)
{
    (void)arg, (void)err, (void)errlen;
    ((struct calibrate_args *)ud)->strict = true;
    return 0;
}

static int
set_format(void *ud, const char *arg, char *err, size_t errlen)
{
    struct calibrate_args *a = ud;
    if (strcmp(arg, "text") == 0)
        a->json = false;
    else if (strcmp(arg, "json") == 0)
        a->json = true;
    else {
        snprintf(err, errlen, "expected one of text, json, got '%s'", arg);
        return -1;
    }
    return 0;
}

enum {
    OPT_COLUMNS = 256,
    OPT_INTERVAL,
    OPT_BY,
    OPT_WEEKDAY,
    OPT_SL,
    OPT_AGENTS,
    OPT_STRICT,
    OPT_SCENARIO,
    OPT_AVAILABILITY
};

static int
set_availability(void *ud, const char *arg, char *err, size_t errlen)
{
    struct calibrate_args *a = ud;
    if (strcmp(arg, "fit") == 0 || strcmp(arg, "seen") == 0) {
        a->as_seen = strcmp(arg, "seen") == 0;
        return 0;
    }
    snprintf(err, errlen, "expected 'fit' or 'seen', got '%s'", arg);
    return -1;
}

static const struct acd_cli_opt calibrate_opts[] = {
    {.name = "columns",
     .val = OPT_COLUMNS,
     .metavar = "MAP",
     .set = set_columns,
     .help = "the log's column mapping: a preset (anonymous-bank,\nacdsim-trace) or "
             "ROLE=HEADER,...,outcome.VALUE=KIND\n(default: detected from the header)"},
    {.name = "interval",
     .val = OPT_INTERVAL,
     .metavar = "T",
     .set = set_interval,
     .help = "interval length, a divisor of a day (default 30m)"},
    {.name = "by",
     .val = OPT_BY,
     .metavar = "BY",
     .set = set_by,
     .help = "arrival profile of all days pooled (default), one\nweekday (the most frequent, "
             "or --weekday) or\nthe last date"},
    {.name = "weekday",
     .val = OPT_WEEKDAY,
     .metavar = "DAY",
     .set = set_weekday,
     .help = "with --by weekday: which (monday .. sunday)"},
    {.name = "sl-threshold",
     .val = OPT_SL,
     .metavar = "T",
     .set = set_sl_threshold,
     .help = "the scenario's service-level threshold (default 20s)"},
    {.name = "agents",
     .val = OPT_AGENTS,
     .metavar = "N|FILE",
     .set = set_agents,
     .help = "agents in every interval, or a CSV of interval\nstart,agents (default: those seen "
             "working)"},
    {.name = "availability",
     .val = OPT_AVAILABILITY,
     .metavar = "HOW",
     .set = set_availability,
     .help = "fit (default): the share of the agents seen\nthat reproduces the log's abandon "
             "rate in\nsimulation; seen: every agent seen, all interval"},
    {.name = "threads",
     .val = 'j',
     .metavar = "T",
     .set = acd_cli_set_threads,
     .help = "worker threads of the availability fit\n(results do not depend on T)"},
    {.name = "strict",
     .val = OPT_STRICT,
     .set = set_strict,
     .help = "a row that would be skipped is an error"},
    {.name = "format",
     .val = 'f',
     .metavar = "FMT",
     .set = set_format,
     .help = "report on stdout: text (default) or json"},
    {.name = "out",
     .val = 'o',
     .metavar = "FILE.yaml|DIR",
     .set = set_out,
     .help = "write the scenario (a name ending in .yaml or .yml)\nor the report folder "
             "(calibrated.yaml,\ncalibration.json, charts)"},
    {.name = "scenario",
     .val = OPT_SCENARIO,
     .metavar = "FILE",
     .set = set_scenario,
     .help = "also write the scenario to FILE"},
    {.name = "quiet", .val = 'q', .set = acd_cli_set_quiet, .help = "print no report on stdout"},
    {.name = "help", .val = 'h', .set = acd_cli_set_help, .help = "show this help"},
};

static void
calibrate_help(FILE *out)
{
    fputs("usage: acdsim calibrate LOG.csv [options]\n"
          "\n"
          "Estimate a scenario from an ACD's call records (one row per call): arrivals\n"
          "per interval and call type, busyness, handle time and patience fits (by\n"
          "AIC, with KS and 95% CIs), instant hang-ups, retrials from repeated customer\n"
          "ids, and agents per interval. The scenario is commented with where every\n"
          "number came from. See docs/calibrate.md.\n"
          "\n"
          "options:\n",
          out);
    acd_cli_print_options(out, calibrate_opts, ACD_ARRAY_LEN(calibrate_opts));
    fputs("\nexit status: 0 ok, 1 runtime failure, 2 bad usage or bad log\n", out);
}

/* --agents FILE: "start,agents" rows (a header and # comments allowed),
 * start a clock time on the interval grid. Returns the array (n_slots
 * entries, NAN: not given) or NULL after the errors in diags. */
static double *
read_agents_file(const char *path, double interval_s, size_t n_slots, struct acd_diags *diags)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        acd_diags_error(diags, path, 0, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    double *v = acd_xmalloc(n_slots * sizeof *v);
    for (size_t i = 0; i < n_slots; i++)
        v[i] = ACD_NAN;
    char line[512];
    unsigned ln = 0;
    int bad = 0;
    while (fgets(line, sizeof line, f)) {
        ln++;
        char *p = line;
        p[strcspn(p, "\r\n")] = 0;
        if (!*p || *p == '#')
            continue;
        int h, m, s = 0, used = 0;
        double n;
        char *comma = strchr(p, ',');
        if (!comma) {
            acd_diags_error(diags, path, ln, 1, "expected start,agents");
            bad++;
            continue;
        }
        if (ln == 1 && !(p[0] >= '0' && p[0] <= '9'))
            continue; /* header */
        if ((sscanf(p, "%d:%d:%d%n", &h, &m, &s, &used) != 3 &&
             sscanf(p, "%d:%d%n", &h, &m, &used) != 2) ||
            p + used != comma || h < 0 || h > 48 || m < 0 || m > 59 || s < 0 || s > 59) {
            acd_diags_error(diags, path, ln, 1, "expected a start time such as 09:30");
            bad++;
            continue;
        }
        double t = h * 3600.0 + m * 60 + s;
        char *end;
        n = strtod(comma + 1, &end);
        if (end == comma + 1 || *end || n < 0 || n > 1000000 || n != floor(n)) {
            acd_diags_error(diags, path, ln, (unsigned)(comma - p) + 2,
                            "expected a whole number of agents");
            bad++;
            continue;
        }
        double k = t / interval_s;
        if (k != floor(k) || k >= (double)n_slots) {
            acd_diags_error(diags, path, ln, 1, "%02d:%02d is not an interval start", h, m);
            bad++;
            continue;
        }
        v[(size_t)k] = n;
    }
    fclose(f);
    if (bad) {
        free(v);
        return NULL;
    }
    return v;
}

static void
report_skips(const char *log, const struct acd_calllog_stats *st)
{
    for (int i = 0; i < ACD_CALLLOG_SKIP_REASONS; i++)
        if (st->skipped[i])
            fprintf(stderr, "acdsim calibrate: %s: skipped %lu row(s): %s (first at line %lu)\n",
                    log, st->skipped[i], acd_calllog_skip_names[i], st->first_skip_line[i]);
}

static int
write_scenario_file(const struct acd_calib *c, const char *log_name, const char *path)
{
    struct acd_tmpfile t = {0};
    if (acd_tmpfile_open(&t, path, stderr) != 0)
        return -1;
    int werr = acd_calib_write_scenario(c, log_name, t.f) != 0 ? errno : 0;
    if (acd_tmpfile_close(&t, werr, stderr) != 0 || acd_tmpfile_commit(&t, stderr) != 0) {
        acd_tmpfile_discard(&t);
        return -1;
    }
    acd_tmpfile_discard(&t);
    return 0;
}

int
acd_cli_calibrate(int argc, char **argv)
{
    struct calibrate_args a = {
        .o = {.interval_s = 1800, .by = ACD_CALIB_BY_ALL, .weekday = -1, .sl_threshold_s = 20}};
    int first = acd_cli_parse_options("calibrate", calibrate_opts, ACD_ARRAY_LEN(calibrate_opts),
                                      &a, argc, argv);
    if (a.c.help) {
        calibrate_help(stdout);
        return ACD_EXIT_OK;
    }
    if (a.c.n_errors == 0 && argc - first != 1) {
        acd_cli_error("calibrate", argc - first == 0 ? "missing LOG.csv" : "expected one LOG.csv");
        a.c.n_errors++;
    }
    if (a.c.n_errors) {
        acd_cli_try_help("calibrate");
        return ACD_EXIT_USAGE;
    }
    const char *log = argv[first];
    const char *log_name = strrchr(log, '/') ? strrchr(log, '/') + 1 : log;

    struct acd_diags diags;
    acd_diags_init(&diags);
    struct acd_calllog_map map = {0};
    bool have_map = false;
    double *agents = NULL;
    int rc = ACD_EXIT_USAGE;
    if (a.columns) {
        if (acd_calllog_map_parse(a.columns, &map, &diags) != 0)
            goto fail;
        have_map = true;
    }
    struct acd_calib *c = NULL;
    if (a.agents_file) {
        agents = read_agents_file(a.agents_file, a.o.interval_s,
                                  (size_t)ceil(172800.0 / a.o.interval_s), &diags);
        if (!agents)
            goto fail;
        a.o.agents_by_slot = agents;
        a.o.n_agents_by_slot = (size_t)ceil(172800.0 / a.o.interval_s);
    }
    a.o.empirical_patience = a.c.out_dir != NULL;
    c = acd_calib_new(&a.o);
    struct acd_calllog_stats st;
    if (acd_calllog_read(log, have_map ? &map : NULL, a.strict, acd_calib_add, c, &st, &diags) !=
        0) {
        acd_calib_free(c);
        goto fail;
    }
    if (st.used == 0) {
        acd_diags_error(&diags, log, 0, 0, "no usable call in the log");
        acd_calib_free(c);
        goto fail;
    }
    report_skips(log, &st);
    if (!have_map) {
        /* the mapping the reader detected, for which roles there were */
        FILE *f = fopen(log, "r");
        char hdr[8192];
        if (f && fgets(hdr, sizeof hdr, f) && acd_calllog_map_detect(hdr, &map) == 0)
            have_map = true;
        if (f)
            fclose(f);
    }
    acd_calib_finish(c, have_map ? &map : NULL);
    if (c->n_used_days == 0) {
        acd_diags_error(&diags, log, 0, 0, "no %s in the log (--weekday)",
                        weekday_names[a.o.weekday >= 0 && a.o.weekday < 7 ? a.o.weekday : 0]);
        acd_calib_free(c);
        goto fail;
    }
    if (!a.as_seen && acd_calib_fit_availability(c, log_name, a.c.run.threads) != 0)
        fprintf(stderr, "acdsim calibrate: warning: no availability fit (cannot write a "
                        "temporary folder): the agents seen are written as available\n");

    rc = ACD_EXIT_OK;
    acd_tmpfile_cleanup_install();
    if (a.scenario_path && write_scenario_file(c, log_name, a.scenario_path) != 0)
        rc = ACD_EXIT_RUNTIME;
    if (rc == ACD_EXIT_OK && a.c.out_dir) {
        if (a.c.out_dir_missing && mkdir(a.c.out_dir, 0777) != 0) {
            fprintf(stderr, "acdsim calibrate: error: cannot create directory %s: %s\n",
                    a.c.out_dir, strerror(errno));
            rc = ACD_EXIT_RUNTIME;
        } else if (acd_calib_write_dir(a.c.out_dir, c, &st, log_name, stderr) != 0) {
            rc = ACD_EXIT_RUNTIME;
        }
    }
    if (!a.c.quiet) {
        int w = a.json ? acd_calib_write_json(stdout, c, &st, log_name)
                       : acd_calib_write_text(stdout, c, &st, log_name);
        if (acd_cli_check_stdout("calibrate") != 0 || w != 0)
            rc = ACD_EXIT_RUNTIME;
    }
    acd_calib_free(c);
    goto done;
fail:
    acd_diags_print(&diags, stderr);
done:
    acd_diags_fini(&diags);
    if (have_map)
        acd_calllog_map_fini(&map);
    free(agents);
    return rc;
}
