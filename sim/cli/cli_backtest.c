/*
 * cli_backtest: `acdsim backtest LOG.csv SCENARIO.yaml` - a call log's
 * actual figures per interval against the scenario's simulated ones, with
 * a verdict of fit (sim/report/backtest.h, docs/backtest.md).
 *
 * Order: options, the scenario (an operating day), the log (read whole
 * before the run: a bad log exits 2 having written nothing), the run, then
 * stdout and the -o folder.
 */
#include "acdsim/run.h"
#include "acdsim/scenario.h"
#include "backtest.h"
#include "calllog.h"
#include "cli.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct backtest_args {
    struct acd_cli_common c; /* first: the common setters write here */
    const char *format;
    const char *columns;
    bool strict;
};

static int
set_format(void *ud, const char *arg, char *err, size_t errlen)
{
    if (strcmp(arg, "text") && strcmp(arg, "json") && strcmp(arg, "csv")) {
        snprintf(err, errlen, "expected one of text, json, csv, got '%s'", arg);
        return -1;
    }
    ((struct backtest_args *)ud)->format = arg;
    return 0;
}

static int
set_columns(void *ud, const char *arg, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    ((struct backtest_args *)ud)->columns = arg; /* parsed after the options (diagnostics) */
    return 0;
}

static int
set_strict(void *ud, const char *arg, char *err, size_t errlen)
{
    (void)arg, (void)err, (void)errlen;
    ((struct backtest_args *)ud)->strict = true;
    return 0;
}

enum { OPT_COLUMNS = 256, OPT_STRICT };

static const struct acd_cli_opt backtest_opts[] = {
    {"columns", OPT_COLUMNS, "MAP",
     "the log's column mapping: a preset (anonymous-bank,\nacdsim-trace) or ROLE=HEADER,... "
     "(docs/calibrate.md);\ndefault: recognised from the header",
     set_columns},
    {"strict", OPT_STRICT, NULL, "a bad row is an error (default: skipped, counted)", set_strict},
    {"replications", 'r', "N", "replications (default: the scenario's; at least 2)",
     acd_cli_set_replications},
    {"seed", 's', "S", "master seed (overrides the scenario)", acd_cli_set_seed},
    {"threads", 'j', "N", "worker threads (default: one per CPU)", acd_cli_set_threads},
    {"format", 'f', "FMT", "text (default), json or csv", set_format},
    {"out", 'o', "DIR", "also write backtest.json, backtest.csv and a chart\nper KPI into DIR",
     acd_cli_set_out},
    ACD_CLI_SET_ENTRY,
    {"quiet", 'q', NULL, "print nothing on stdout or stderr but errors", acd_cli_set_quiet},
    ACD_CLI_MAX_MEMORY_ENTRY,
    {"help", 'h', NULL, "show this help", acd_cli_set_help},
};

static void
backtest_help(FILE *out)
{
    fputs("usage: acdsim backtest LOG.csv SCENARIO.yaml [options]\n"
          "\n"
          "Set a call log (one row per call, as `acdsim calibrate` reads it) beside\n"
          "the simulation of SCENARIO, an operating day: per interval, the actual and\n"
          "the simulated offered calls, service level (answered within the scenario's\n"
          "threshold / offered), abandon rate, ASA and occupancy, with the simulated\n"
          "95% band (one day in the log: the prediction band of one day; several\n"
          "days: the band of the days' mean). A value outside the band is marked *.\n"
          "The last line is the fit: the share of interval x KPI values within the\n"
          "band, good (>= 85%), fair (>= 60%) or poor. Calls outside the opening\n"
          "hours are counted, not used. See docs/backtest.md.\n"
          "\n"
          "options:\n",
          out);
    acd_cli_print_options(out, backtest_opts, ACD_ARRAY_LEN(backtest_opts));
    fputs("\nexit status: 0 ok, 1 runtime failure, 2 bad usage, an invalid scenario\n"
          "             or log\n",
          out);
}

static int
write_stdout(const struct backtest_args *a, const struct acd_backtest *bt,
             const struct acd_backtest_source *src)
{
    if (a->c.quiet)
        return 0;
    if (strcmp(a->format, "json") == 0)
        return acd_backtest_write_json(stdout, bt, src);
    if (strcmp(a->format, "csv") == 0)
        return acd_backtest_write_csv(stdout, bt);
    return acd_backtest_write_text(stdout, bt, src);
}

int
acd_cli_backtest(int argc, char **argv)
{
    struct backtest_args a = {.format = "text"};
    int first = acd_cli_parse_options("backtest", backtest_opts, ACD_ARRAY_LEN(backtest_opts), &a,
                                      argc, argv);
    if (a.c.help) {
        backtest_help(stdout);
        free(a.c.sets);
        return ACD_EXIT_OK;
    }
    const char *log_path = first < argc ? argv[first] : NULL;
    const char *sc_path = first + 1 < argc ? argv[first + 1] : NULL;
    if (!log_path || !sc_path) {
        acd_cli_error("backtest", "expected LOG.csv and SCENARIO.yaml");
        a.c.n_errors++;
    }
    for (int i = first + 2; i < argc; i++) {
        acd_cli_error("backtest", "unexpected argument '%s'", argv[i]);
        a.c.n_errors++;
    }
    int rc = ACD_EXIT_OK;
    struct acd_scenario *sc = NULL;
    struct acd_calllog_map map = {0};
    bool have_map = false;
    struct acd_diags diags;
    acd_diags_init(&diags);
    struct acd_setup setup = {0};
    struct acd_backtest_actual *acc = NULL;
    struct acd_results *r = NULL;
    if (a.c.n_errors) {
        acd_cli_try_help("backtest");
        rc = ACD_EXIT_USAGE;
        goto done;
    }
    if (a.columns) {
        if (acd_calllog_map_parse(a.columns, &map, &diags) != 0) {
            acd_diags_print(&diags, stderr);
            rc = ACD_EXIT_USAGE;
            goto done;
        }
        have_map = true;
    }
    sc = acd_cli_load_scenario(&a.c, sc_path);
    if (!sc || acd_cli_refuse_days("backtest", sc, sc_path) != 0) {
        rc = ACD_EXIT_USAGE;
        goto done;
    }
    if (sc->horizon != ACD_HORIZON_DAY) {
        acd_cli_error("backtest",
                      "%s: a back-test needs an operating day (horizon: {open, close, "
                      "interval}), not a steady state",
                      sc_path);
        rc = ACD_EXIT_USAGE;
        goto done;
    }
    unsigned reps = a.c.run.replications ? a.c.run.replications : sc->replications;
    if (reps < 2) {
        acd_cli_error("backtest", "%u replication: the band needs at least 2 (-r N)", reps);
        rc = ACD_EXIT_USAGE;
        goto done;
    }
    /* The log, whole, before the run. */
    acd_setup_from_scenario(&setup, sc);
    acc = acd_backtest_actual_new(&setup);
    struct acd_calllog_stats stats;
    int lrc = acd_calllog_read(log_path, have_map ? &map : NULL, a.strict, acd_backtest_actual_add,
                               acc, &stats, &diags);
    acd_diags_print(&diags, stderr);
    if (lrc != 0 || acd_diags_has_errors(&diags)) {
        rc = ACD_EXIT_USAGE;
        goto done;
    }
    struct acd_memory_estimate est;
    if (acd_cli_check_memory("backtest", sc, &a.c, &est) != 0) {
        rc = ACD_EXIT_USAGE;
        goto done;
    }
    struct acd_overload overload;
    a.c.run.overload = &overload;
    r = acd_run(sc, &a.c.run);
    if (!r) {
        acd_cli_report_overload("backtest", sc, &overload, &a.c);
        rc = ACD_EXIT_RUNTIME;
        goto done;
    }
    struct acd_backtest bt;
    acd_backtest_make(acc, r, &bt);
    if (bt.calls == 0) {
        acd_cli_error("backtest", "%s: no call of the log in the scenario's opening hours",
                      log_path);
        acd_backtest_fini(&bt);
        rc = ACD_EXIT_USAGE;
        goto done;
    }
    const struct acd_backtest_source src = {log_path, sc_path, &stats};
    if (a.c.out_dir && acd_backtest_write_out(a.c.out_dir, &bt, &src, stderr) != 0)
        rc = ACD_EXIT_RUNTIME;
    if (rc == ACD_EXIT_OK &&
        (write_stdout(&a, &bt, &src) != 0 || acd_cli_check_stdout("backtest") != 0))
        rc = ACD_EXIT_RUNTIME;
    acd_backtest_fini(&bt);
done:
    acd_results_free(r);
    acd_backtest_actual_free(acc);
    acd_setup_fini(&setup);
    if (have_map)
        acd_calllog_map_fini(&map);
    acd_diags_fini(&diags);
    acd_scenario_free(sc);
    free(a.c.sets);
    return rc;
}
