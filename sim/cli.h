/*
 * cli: the acdsim command line. main() in cli.c dispatches to one function
 * per command; each takes the command's argv (argv[0] is the command name)
 * and returns the process exit code.
 */
#ifndef ACDSIM_CLI_H
#define ACDSIM_CLI_H

/* Exit codes (interface.md). */
enum {
    ACD_EXIT_OK = 0,
    ACD_EXIT_RUNTIME = 1, /* I/O failure and the like */
    ACD_EXIT_USAGE = 2,   /* bad usage or invalid scenario */
    ACD_EXIT_ASSERT = 3,  /* an --assert failed */
};

/* cli_live.c, built when libev and ncurses are found (ACD_HAVE_LIVE) */
int acd_cli_live(int argc, char **argv);

int acd_cli_run(int argc, char **argv);      /* cli_run.c */
int acd_cli_validate(int argc, char **argv); /* cli_run.c */
int acd_cli_erlang(int argc, char **argv);   /* cli_erlang.c */
int acd_cli_report(int argc, char **argv);   /* cli_report.c */

#endif
