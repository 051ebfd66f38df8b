/*
 * cli: main() of acdsim. Routes `acdsim COMMAND ...` to the command's
 * function through a table, answers --version and --help, and turns a
 * failed write to stdout into exit status 1. Under mpirun (-Dmpi=enabled)
 * every rank runs main: the ranks start and end here, and only rank 0
 * writes files (base's discard switch on the others).
 *
 * Not here: option parsing of the commands themselves (cli_run.c,
 * cli_erlang.c, ...), which receive argv starting at the command name.
 */
#include "cli.h"
#include "acdsim/ranks.h"
#include "tmpfile.h"
#include "util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#ifdef ACD_HAVE_LIVE
#define ACD_CLI_LIVE acd_cli_live
#else
#define ACD_CLI_LIVE NULL /* built without libev or ncurses */
#endif

struct command {
    const char *name;
    const char *summary;
    int (*fn)(int argc, char **argv); /* NULL: announced but not available yet */
    bool one_rank;                    /* refused under mpirun with more than one rank */
};

static const struct command commands[] = {
    {.name = "run", .summary = "simulate a scenario and print its KPIs", .fn = acd_cli_run},
    {.name = "validate",
     .summary = "check a scenario file without running it",
     .fn = acd_cli_validate},
    {.name = "erlang", .summary = "analytic Erlang B / C / A figures", .fn = acd_cli_erlang},
    {.name = "report",
     .summary = "draw the report again from a results.json",
     .fn = acd_cli_report},
    {.name = "staff",
     .summary = "staffing recommendation per interval and group",
     .fn = acd_cli_staff},
    {.name = "live",
     .summary = "live view of a running simulation",
     .fn = ACD_CLI_LIVE,
     .one_rank = true},
    {.name = "compare",
     .summary = "paired comparison of scenarios (B - A with CIs)",
     .fn = acd_cli_compare},
    {.name = "sweep",
     .summary = "KPIs over a grid of one or two scenario keys",
     .fn = acd_cli_sweep},
    {.name = "schedule",
     .summary = "shift roster (GLPK) proven by simulation",
     .fn = acd_cli_schedule},
    {.name = "calibrate",
     .summary = "build a scenario from an ACD's call log",
     .fn = acd_cli_calibrate},
    {.name = "backtest",
     .summary = "a call log against the scenario's simulation, per interval",
     .fn = acd_cli_backtest},
};

static void
usage(FILE *out)
{
    fputs("usage: acdsim COMMAND [ARGS...]\n"
          "       acdsim --version | --help | COMMAND --help\n"
          "\n"
          "A call-center ACD and queue simulator.\n"
          "\n"
          "commands:\n",
          out);
    for (size_t i = 0; i < ACD_ARRAY_LEN(commands); i++)
        fprintf(out, "  %-10s %s%s\n", commands[i].name, commands[i].summary,
                commands[i].fn ? "" : " (not available yet)");
    fputs("\n"
          "exit status: 0 ok, 1 runtime failure, 2 bad usage or invalid scenario,\n"
          "             3 an --assert failed (compare: a KPI got worse)\n"
          "\n"
          "Run `acdsim COMMAND --help` for a command's options.\n",
          out);
}

static int
print_version(void)
{
    puts("acdsim " ACD_VERSION);
    return ACD_EXIT_OK;
}

static int
print_help(void)
{
    usage(stdout);
    return ACD_EXIT_OK;
}

struct global_flag {
    const char *name;
    int (*fn)(void);
};

static const struct global_flag global_flags[] = {
    {.name = "--version", .fn = print_version},
    {.name = "-V", .fn = print_version},
    {.name = "--help", .fn = print_help},
    {.name = "-h", .fn = print_help},
};

static const struct command *
find_command(const char *name)
{
    for (size_t i = 0; i < ACD_ARRAY_LEN(commands); i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static void
unknown_command(const char *name)
{
    const char *best = NULL;
    size_t best_d = 3; /* suggest only close typos */
    for (size_t i = 0; i < ACD_ARRAY_LEN(commands); i++) {
        size_t d = acd_edit_distance(name, commands[i].name);
        if (d < best_d)
            best = commands[i].name, best_d = d;
    }
    if (best)
        fprintf(stderr, "acdsim: error: unknown command '%s' (did you mean '%s'?)\n\n", name, best);
    else
        fprintf(stderr, "acdsim: error: unknown command '%s'\n\n", name);
    usage(stderr);
}

static int
dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return ACD_EXIT_USAGE;
    }
    const char *arg = argv[1];
    if (arg[0] == '-') {
        for (size_t i = 0; i < ACD_ARRAY_LEN(global_flags); i++)
            if (strcmp(global_flags[i].name, arg) == 0)
                return global_flags[i].fn();
        fprintf(stderr, "acdsim: error: unknown option '%s'\n\n", arg);
        usage(stderr);
        return ACD_EXIT_USAGE;
    }
    const struct command *cmd = find_command(arg);
    if (!cmd) {
        unknown_command(arg);
        return ACD_EXIT_USAGE;
    }
    if (!cmd->fn) {
        fprintf(stderr, "acdsim: '%s' is not available yet in this version\n", cmd->name);
        return ACD_EXIT_USAGE;
    }
    if (cmd->one_rank && acd_ranks_size() > 1) {
        fprintf(stderr, "acdsim %s: error: runs in one process only (started as %u MPI ranks)\n",
                cmd->name, acd_ranks_size());
        return ACD_EXIT_USAGE;
    }
    return cmd->fn(argc - 1, argv + 1);
}

int
main(int argc, char **argv)
{
    /* First: MPI_Init_thread may take its own arguments out of argv. */
    acd_ranks_init(&argc, &argv);
    acd_tmpfile_set_discard(!acd_ranks_writes());
    acd_util_install_gsl_handler();
    /* A closed pipe must be a write error (exit 1 with a message), not a
     * silent death by SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);

    int rc = dispatch(argc, argv);

    /* Output is buffered: a full disk or closed pipe may only show here.
     * Commands that already reported an I/O failure returned 1. */
    if ((fflush(stdout) != 0 || ferror(stdout)) && rc != ACD_EXIT_RUNTIME) {
        fprintf(stderr, "acdsim: error writing to standard output: %s\n",
                strerror(errno ? errno : EIO));
        rc = ACD_EXIT_RUNTIME;
    }
    acd_ranks_fini();
    return rc;
}
