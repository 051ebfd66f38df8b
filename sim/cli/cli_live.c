/*
 * cli_live: `acdsim live [SCENARIO] [options]` - option parsing, the
 * scenario and the script, then the live loop (live_ui.c), and the KPI
 * summary of the run on quit (the same writers as `acdsim run`, on one
 * replication). Errors in options, scenario or script are all reported
 * before anything starts (exit 2).
 */
#include "acdsim/diag.h"
#include "acdsim/run.h"
#include "acdsim/scenario.h"
#include "cli.h"
#include "live.h"
#include "live_script.h"
#include "live_ui.h"
#include "report.h"
#include "units.h"
#include "util.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SPEED 3600.0

struct live_args {
    struct acd_cli_common c; /* first: the common setters write here */
    double speed;            /* 0: as fast as possible */
    bool speed_set;
    const char *script;
    bool paused, headless;
    const struct acd_format *format;
    struct acd_report_opts report;
};

static int
set_speed(void *ud, const char *arg, char *err, size_t errlen)
{
    struct live_args *a = ud;
    double v;
    a->speed_set = true;
    if (strcmp(arg, "max") == 0) {
        a->speed = 0;
        return 0;
    }
    size_t n = strlen(arg);
    char *num = acd_xstrndup(arg, n && (arg[n - 1] == 'x' || arg[n - 1] == 'X') ? n - 1 : n);
    int rc = acd_units_parse_real(num, &v);
    free(num);
    if (rc != 0 || !(v >= 1) || v > MAX_SPEED) {
        snprintf(err, errlen, "expected a speed from 1 to %g (or max), got '%s'", MAX_SPEED, arg);
        return -1;
    }
    a->speed = v;
    return 0;
}

static int
set_script(void *ud, const char *arg, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    ((struct live_args *)ud)->script = arg; /* read once the scenario is known */
    return 0;
}

static int
set_format(void *ud, const char *arg, char *err, size_t errlen)
{
    return acd_cli_parse_format(arg, &((struct live_args *)ud)->format, err, errlen);
}

static int
set_paused(void *ud, const char *arg, char *err, size_t errlen)
{
    (void)arg, (void)err, (void)errlen;
    ((struct live_args *)ud)->paused = true;
    return 0;
}

static int
set_headless(void *ud, const char *arg, char *err, size_t errlen)
{
    (void)arg, (void)err, (void)errlen;
    ((struct live_args *)ud)->headless = true;
    return 0;
}

static int
set_no_timing(void *ud, const char *arg, char *err, size_t errlen)
{
    (void)arg, (void)err, (void)errlen;
    ((struct live_args *)ud)->report.no_timing = true;
    return 0;
}

enum { OPT_SPEED = 256, OPT_SCRIPT, OPT_PAUSED, OPT_NO_UI, OPT_NO_TIMING };

static const struct acd_cli_opt opts[] = {
    {"seed", 's', "S", "master seed (overrides the scenario)", acd_cli_set_seed},
    {"speed", OPT_SPEED, "X",
     "simulated seconds per wall second, 1 to 3600,\nor max (default 60; "
     "--no-ui: max)",
     set_speed},
    {"script", OPT_SCRIPT, "FILE", "replay timed interventions from FILE\n(see docs/live.md)",
     set_script},
    {"paused", OPT_PAUSED, NULL, "start paused", set_paused},
    {"no-ui", OPT_NO_UI, NULL,
     "no screen: run the same loop to the end of\nthe day (or the "
     "script's quit), print the KPIs",
     set_headless},
    {"format", 'f', "FMT", "KPI summary on quit: text (default), json, csv", set_format},
    {"no-timing", OPT_NO_TIMING, NULL, "omit wall-clock time from the summary", set_no_timing},
    ACD_CLI_SET_ENTRY,
    ACD_CLI_MAX_MEMORY_ENTRY,
    {"help", 'h', NULL, "show this help", acd_cli_set_help},
};

static void
help(FILE *out)
{
    fputs("usage: acdsim live [SCENARIO] [options]\n"
          "\n"
          "Run SCENARIO (default: the built-in scenario) paced to the wall clock and\n"
          "draw it as a call-center wallboard. On quit, print the KPIs of the run so\n"
          "far (one replication, as `acdsim run -r 1` would).\n"
          "\n"
          "options:\n",
          out);
    acd_cli_print_options(out, opts, ACD_ARRAY_LEN(opts));
    fputs("\nkeys: space pause/resume, + - speed, n one event, a d add/remove an agent\n"
          "in the selected group, [ ] select a group, s surge (arrivals x2 for 30\n"
          "simulated minutes), r restart with a new seed, ? help, q quit\n"
          "\nscript lines: at 09:30 remove 3 agents from csr1 | at 10:00 add 2 agents\n"
          "to csr1 | at 10:15 surge [TYPE] [x2] [for 30m] | at 11:00 pause | at 12:00 quit\n"
          "\nexit status: 0 ok, 1 runtime failure, 2 bad usage (also: no usable\n"
          "             terminal without --no-ui), invalid scenario or script\n",
          out);
}

static int
summary(struct acd_live *l, const struct live_args *a)
{
    struct acd_overload ov;
    if (acd_sim_overload(l->sim, &ov)) {
        acd_cli_report_overload("live", l->sc, &ov, &a->c);
        return ACD_EXIT_RUNTIME;
    }
    struct acd_results *r = acd_live_results(l);
    if (!acd_live_is_done(l) && a->format == acd_format_find("text")) {
        char t[32];
        acd_units_format_clock(acd_sim_now(l->sim), t, sizeof(t));
        printf("acdsim live: stopped at %s, before the end: the KPIs so far\n\n", t);
    }
    errno = 0;
    int w = a->format->write(stdout, r, &a->report);
    acd_results_free(r);
    return acd_cli_check_stdout("live") != 0 || w != 0 ? ACD_EXIT_RUNTIME : ACD_EXIT_OK;
}

int
acd_cli_live(int argc, char **argv)
{
    struct live_args a = {.speed = 60, .format = acd_format_find("text")};
    ACD_ASSERT(a.format != NULL);
    int first = acd_cli_parse_options("live", opts, ACD_ARRAY_LEN(opts), &a, argc, argv);
    if (a.c.help) {
        help(stdout);
        return ACD_EXIT_OK;
    }
    if (a.headless && !a.speed_set)
        a.speed = 0;
    for (int i = first + 1; i < argc; i++) {
        acd_cli_error("live", "unexpected argument '%s' (one SCENARIO at most)", argv[i]);
        a.c.n_errors++;
    }
    int usage_errors = a.c.n_errors;
    struct acd_scenario *sc =
        argc - first <= 1 ? acd_cli_load_scenario(&a.c, first < argc ? argv[first] : NULL) : NULL;
    if (!sc && argc - first <= 1)
        a.c.n_errors++;
    if (acd_cli_refuse_days("live", sc, first < argc ? argv[first] : NULL) != 0) {
        acd_scenario_free(sc);
        sc = NULL;
        a.c.n_errors++;
    }
    struct acd_live_script script = {0};
    if (sc && a.script) {
        struct acd_diags diags;
        acd_diags_init(&diags);
        if (acd_live_script_load(a.script, sc, &script, &diags) != 0)
            a.c.n_errors++;
        acd_diags_print(&diags, stderr);
        acd_diags_fini(&diags);
    }
    struct acd_memory_estimate est;
    a.c.run.replications = a.c.run.threads = 1; /* one replication, here */
    if (sc && !a.c.n_errors && acd_cli_check_memory("live", sc, &a.c, &est) != 0)
        a.c.n_errors++;
    if (a.c.n_errors) {
        if (usage_errors)
            acd_cli_try_help("live");
        acd_live_script_fini(&script);
        acd_scenario_free(sc);
        free(a.c.sets);
        return ACD_EXIT_USAGE;
    }
    setlocale(LC_ALL, ""); /* UTF-8 block characters when the terminal has them */
    setlocale(LC_NUMERIC, "C");
    struct acd_live *l =
        acd_live_new(sc, a.c.run.seed_set ? a.c.run.seed : sc->seed, a.script ? &script : NULL);
    acd_live_set_max_calls(l, a.c.run.max_calls);
    struct acd_live_ui_opts o = {.speed = a.speed, .paused = a.paused, .headless = a.headless};
    int rc = acd_live_ui_run(l, &o) == 0 ? summary(l, &a) : ACD_EXIT_USAGE;
    acd_live_free(l);
    acd_live_script_fini(&script);
    acd_scenario_free(sc);
    free(a.c.sets);
    return rc;
}
