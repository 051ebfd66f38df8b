/*
 * cli: the acdsim command line. main() in cli.c dispatches to one function
 * per command; each takes the command's argv (argv[0] is the command name)
 * and returns the process exit code.
 */
#ifndef ACDSIM_CLI_H
#define ACDSIM_CLI_H

#include "acdsim/run.h"
#include "acdsim/scenario.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit codes (interface.md). */
enum {
    ACD_EXIT_OK = 0,
    ACD_EXIT_RUNTIME = 1, /* I/O failure and the like */
    ACD_EXIT_USAGE = 2,   /* bad usage or invalid scenario */
    ACD_EXIT_ASSERT = 3,  /* an --assert failed */
};

/* cli_live.c, built when libev and ncurses are found (ACD_HAVE_LIVE) */
int acd_cli_live(int argc, char **argv);

int acd_cli_run(int argc, char **argv);       /* cli_run.c */
int acd_cli_validate(int argc, char **argv);  /* cli_run.c */
int acd_cli_erlang(int argc, char **argv);    /* cli_erlang.c */
int acd_cli_report(int argc, char **argv);    /* cli_report.c */
int acd_cli_staff(int argc, char **argv);     /* cli_staff.c */
int acd_cli_compare(int argc, char **argv);   /* cli_compare.c */
int acd_cli_sweep(int argc, char **argv);     /* cli_sweep.c */
int acd_cli_schedule(int argc, char **argv);  /* cli_schedule.c */
int acd_cli_backtest(int argc, char **argv);  /* cli_backtest.c */
int acd_cli_calibrate(int argc, char **argv); /* cli_calibrate.c */

/* ------------------------------- shared by the commands' option parsing (cli_opts.c) */

#define ACD_CLI_MAX_REPLICATIONS 1000000ULL
#define ACD_CLI_ERR_LEN          512
#define ACD_CLI_MAX_VAL          512 /* option values (struct acd_cli_opt.val) are below this */

/* The goals of a staffing search given on the command line (cli_goals.c;
 * NAN: the scenario's, -1: `none`) and the groups held. */
struct acd_cli_goals {
    double target_sl, sl_threshold_s, max_abandon, max_asa_s, max_occupancy, probability;
    int sl_answered;    /* -1: not given */
    const char **holds; /* --hold GROUP, checked against the scenario */
    size_t n_holds, cap_holds;
};

/* What the arguments of every command parsed by acd_cli_parse_options
 * start with: the parser counts errors here, and the common setters below
 * receive the command's struct as void * and write here. A command that
 * has no use for the simulation fields (erlang, report) still starts with
 * the whole struct. */
struct acd_cli_common {
    struct acd_run_opts run;
    const char *out_dir;
    bool out_dir_missing; /* --out DIR does not exist yet: create it (never on
                           * a process that writes no file: acd_tmpfile_discards) */
    bool quiet, help;
    int n_errors;
    char **asserts; /* the --assert texts, borrowed from argv */
    size_t n_asserts, cap_asserts;
    /* Bit v: option value v was on the command line, whether its argument
     * was valid, invalid or missing (acd_cli_given). */
    unsigned char given[ACD_CLI_MAX_VAL / 8];
    size_t max_memory; /* --max-memory in bytes; 0: acd_cli_default_memory() */
    char **precision;  /* the --precision texts, borrowed from argv (cli_precision.c) */
    size_t n_precision, cap_precision;
    unsigned max_replications; /* --max-replications; 0: not given */
    const char **sets; /* the --set PATH=VALUE texts, borrowed from argv (acd_cli_add_set) */
    size_t n_sets, cap_sets;
    const char *junit_path;     /* --junit FILE (checked), borrowed from argv; NULL: none */
    struct acd_cli_goals goals; /* staff, schedule (acd_cli_goals_init first) */
};

/* Option setter: returns 0, or -1 after writing the problem to err. */
typedef int acd_cli_setter(void *a, const char *arg, char *err, size_t errlen);

struct acd_cli_opt {
    const char *name;
    int val;             /* short option character, or a value >= 256 (< ACD_CLI_MAX_VAL) */
    const char *metavar; /* NULL: takes no argument */
    const char *help;    /* NULL in a command that writes its usage by hand (erlang, report) */
    acd_cli_setter *set;
};

void acd_cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A plain decimal integer in [lo, hi]: no sign, no spaces, no suffix.
 * Returns 0, -1 if not an integer (or below lo), -2 if above hi. */
int acd_cli_parse_uint(const char *s, unsigned long long lo, unsigned long long hi,
                       unsigned long long *out);
/* The message for a positive-integer option that acd_cli_parse_uint
 * rejected with rc; returns -1. */
int acd_cli_bad_positive(int rc, const char *arg, unsigned long long hi, char *err, size_t errlen);
/* A positive integer option's value, 1 to hi, into *out: 0, or -1 with
 * acd_cli_bad_positive's message in err. */
int acd_cli_parse_positive(const char *arg, unsigned long long hi, unsigned long long *out,
                           char *err, size_t errlen);
/* The entry of a NULL-terminated table of pointers to structs whose first
 * member is `const char *name` (output formats) named arg, into *out.
 * Returns 0, or -1 with "expected one of a, b, c, got 'arg'" in err. */
int acd_cli_parse_choice(const char *arg, const void *const *table, const void **out, char *err,
                         size_t errlen);
/* An output format of the results (report.h's acd_formats) named arg, into
 * *out; the message of acd_cli_parse_choice otherwise. */
struct acd_format;
int acd_cli_parse_format(const char *arg, const struct acd_format **out, char *err, size_t errlen);
/* A fraction (0.8 or 80%) in (0, 1], or [0, 1] when lo_closed, into *out.
 * Returns 0, or -1 with the message in err (*out unchanged). */
int acd_cli_parse_fraction(const char *arg, bool lo_closed, double *out, char *err, size_t errlen);
/* A duration (20, 20s, 1.5m, 00:01:30) above 0 when positive, else at
 * least 0, into *out. Returns 0, or -1 with the message in err. */
int acd_cli_parse_duration(const char *arg, bool positive, double *out, char *err, size_t errlen);
/* The directory that would hold `path` exists and is writable. */
int acd_cli_check_parent(const char *path, char *err, size_t errlen);

/* Common setters (a: a struct starting with struct acd_cli_common). */
acd_cli_setter acd_cli_set_replications, acd_cli_set_seed, acd_cli_set_threads, acd_cli_set_out,
    acd_cli_set_quiet, acd_cli_set_help, acd_cli_add_assert, acd_cli_set_max_memory,
    acd_cli_add_set;

/* --max-memory SIZE, the same entry in run, staff, live and validate. */
#define ACD_CLI_OPT_MAX_MEMORY 500
#define ACD_CLI_MAX_MEMORY_ENTRY                                                                   \
    {                                                                                              \
        .name = "max-memory", .val = ACD_CLI_OPT_MAX_MEMORY, .metavar = "SIZE",                    \
        .set = acd_cli_set_max_memory,                                                             \
        .help = "memory the run may use, e.g. 8G or 500M\n(default: 4G, or half the RAM if less)"  \
    }

/* --precision METRIC=HW and --max-replications N, the same entries in every
 * command that runs replications with acd_run_precision (cli_precision.c). */
#define ACD_CLI_OPT_PRECISION        510
#define ACD_CLI_OPT_MAX_REPLICATIONS 511
#define ACD_CLI_PRECISION_ENTRIES                                                                  \
    {.name = "precision",                                                                          \
     .val = ACD_CLI_OPT_PRECISION,                                                                 \
     .metavar = "[SCOPE.]METRIC=HW",                                                               \
     .set = acd_cli_add_precision,                                                                 \
     .help = "add replications, in batches of -r, until the\n95% CI half-width of METRIC is at "   \
             "most HW,\ne.g. service_level=0.01, billing.asa_s=2s;\nrepeatable: all must be met"}, \
    {                                                                                              \
        .name = "max-replications", .val = ACD_CLI_OPT_MAX_REPLICATIONS, .metavar = "N",           \
        .set = acd_cli_set_max_replications,                                                       \
        .help = "with --precision: stop at N replications even\nif a target is not met "           \
                "(default 10000)"                                                                  \
    }

/* --set PATH=VALUE, the same entry in every command that loads scenarios
 * through acd_cli_load_scenario. */
#define ACD_CLI_OPT_SET 501
#define ACD_CLI_SET_ENTRY                                                                          \
    {                                                                                              \
        .name = "set", .val = ACD_CLI_OPT_SET, .metavar = "PATH=VALUE", .set = acd_cli_add_set,    \
        .help = "change a scenario key, e.g.\n"                                                    \
                "call_types.billing.arrivals.scale=1.15;\nrepeatable (docs/scenario.md)"           \
    }

/* The default memory limit: 4 GiB, or half the physical memory if less. */
size_t acd_cli_default_memory(void);
/* "1.5 GiB", "320 MiB", "12 KiB" into buf. */
char *acd_cli_format_bytes(size_t bytes, char *buf, size_t n);
/* The resource guard before a run of sc with c->run (replications,
 * threads): sets c->run.max_calls from the memory limit (the overload
 * guard) and fills *est with the estimate. Returns 0, or -1 after
 * reporting (`acdsim CMD: error: ...`) that the estimate passes the limit. */
int acd_cli_check_memory(const char *cmd, const struct acd_scenario *sc, struct acd_cli_common *c,
                         struct acd_memory_estimate *est);
/* The message of a run stopped by the overload guard, on stderr. */
void acd_cli_report_overload(const char *cmd, const struct acd_scenario *sc,
                             const struct acd_overload *o, const struct acd_cli_common *c);

struct acd_expect;
/* Parse and check every --assert against the scenario (NULL: the scenario
 * was invalid; the assertions are still parsed). Returns the parsed array
 * (c->n_asserts entries; caller finalizes each and frees), or NULL after
 * reporting errors (counted in c->n_errors). */
struct acd_expect *acd_cli_prepare_asserts(const char *cmd, struct acd_cli_common *c,
                                           const struct acd_scenario *sc);

/* --precision (cli_precision.c). */
#define ACD_CLI_DEFAULT_MAX_REPLICATIONS 10000U
acd_cli_setter acd_cli_add_precision, acd_cli_set_max_replications;
struct acd_precision_goal;
/* Parse every --precision against the scenario (NULL: the scenario was
 * invalid; the texts are still parsed) and check --max-replications
 * against the first batch (c->run.replications, else the scenario's).
 * Returns the goals (c->n_precision; caller frees), or NULL when none was
 * given or after reporting errors (counted in c->n_errors). */
struct acd_precision_goal *acd_cli_prepare_precision(const char *cmd, struct acd_cli_common *c,
                                                     const struct acd_scenario *sc);
/* The memory guard of a --precision run: as acd_cli_check_memory with the
 * maximum replications; an unstated maximum is first lowered to what fits
 * the limit. Sets c->max_replications to the maximum used. */
int acd_cli_check_precision_memory(const char *cmd, const struct acd_scenario *sc,
                                   struct acd_cli_common *c, struct acd_memory_estimate *est);
/* Run with --precision: acd_run_precision with a progress line per round
 * and, when the maximum stopped it, a warning, on stderr. */
struct acd_results *acd_cli_run_precision(const char *cmd, const struct acd_scenario *sc,
                                          const struct acd_run_opts *opts,
                                          const struct acd_cli_common *c,
                                          const struct acd_precision_goal *goals);

/* ------------------------------------------ after the run (cli_checks.c) */

/* --junit FILE, the same entry in every command with --assert. */
acd_cli_setter acd_cli_set_junit;
#define ACD_CLI_OPT_JUNIT 502
#define ACD_CLI_JUNIT_ENTRY                                                                        \
    {                                                                                              \
        .name = "junit", .val = ACD_CLI_OPT_JUNIT, .metavar = "FILE", .set = acd_cli_set_junit,    \
        .help = "write the checks as JUnit XML into FILE: one\ntest case per --assert and per "    \
                "target"                                                                           \
    }

/* The assertions judged on a run's results (before its outputs are
 * written, which carry them: struct acd_report_opts.asserts). */
struct acd_expect_result;
struct acd_cli_checks {
    struct acd_expect_result *res;
    size_t n, failed;
};
/* Judge ex[0..c->n_asserts) (ex NULL: none) on r into *k. */
void acd_cli_checks_eval(const struct acd_cli_common *c, const struct acd_expect *ex,
                         const struct acd_results *r, struct acd_cli_checks *k);
/* Print the failed assertions on stderr, write --junit FILE, free *k.
 * Returns ACD_EXIT_RUNTIME if FILE could not be written (reported),
 * ACD_EXIT_ASSERT if an assertion failed, else ACD_EXIT_OK. */
int acd_cli_checks_finish(const char *cmd, const struct acd_cli_common *c, struct acd_cli_checks *k,
                          const struct acd_results *r);

/* Aligned help text for an option table. */
void acd_cli_print_options(FILE *out, const struct acd_cli_opt *defs, size_t n);
/* getopt_long over an option table, reporting every error as `acdsim CMD:
 * error: ...` (counted in the struct acd_cli_common that a starts with):
 * "unknown option 'X'" (with "did you mean" for a close long option),
 * "--name: missing argument", "--name: takes no argument", and
 * "--name: MESSAGE" for a setter's refusal. Returns the first operand's
 * index. */
int acd_cli_parse_options(const char *cmd, const struct acd_cli_opt *defs, size_t n, void *a,
                          int argc, char **argv);
/* The option of value val was on the command line (valid or not). */
bool acd_cli_given(const struct acd_cli_common *c, int val);
/* "Try 'acdsim CMD --help'." on stderr, after usage errors. */
void acd_cli_try_help(const char *cmd);
/* A scenario file, or the embedded default when path is NULL, with c's
 * --set changes (c may be NULL: none); prints every diagnostic; NULL if
 * invalid. Caller frees. */
struct acd_scenario *acd_cli_load_scenario(const struct acd_cli_common *c, const char *path);
/* Commands that do not handle a multi-day period (`days:`) yet: prints
 * the limitation and returns -1 when sc has days, else 0. */
int acd_cli_refuse_days(const char *cmd, const struct acd_scenario *sc, const char *path);
/* Flush stdout; on an error report it for `cmd` and return -1. */
int acd_cli_check_stdout(const char *cmd);

/* ------------------------------------ staff and schedule (cli_goals.c) */

/* The goal options and --hold: the setters write c->goals. */
enum {
    ACD_CLI_OPT_TARGET_SL = 470,
    ACD_CLI_OPT_SL_THRESHOLD,
    ACD_CLI_OPT_SL_DEFINITION,
    ACD_CLI_OPT_MAX_ABANDON,
    ACD_CLI_OPT_MAX_ASA,
    ACD_CLI_OPT_MAX_OCCUPANCY,
    ACD_CLI_OPT_PROBABILITY,
    ACD_CLI_OPT_HOLD,
};
acd_cli_setter acd_cli_set_goal_target_sl, acd_cli_set_goal_sl_threshold,
    acd_cli_set_goal_sl_definition, acd_cli_set_goal_max_abandon, acd_cli_set_goal_max_asa,
    acd_cli_set_goal_max_occupancy, acd_cli_set_goal_probability, acd_cli_add_hold;
#define ACD_CLI_GOAL_ENTRIES                                                                       \
    {"target-sl", ACD_CLI_OPT_TARGET_SL, "P",                                                      \
     "service-level target, e.g. 0.8 or 80%; none: no\nservice-level goal",                        \
     acd_cli_set_goal_target_sl},                                                                  \
        {"sl-threshold", ACD_CLI_OPT_SL_THRESHOLD, "T", "service-level threshold, e.g. 20s",       \
         acd_cli_set_goal_sl_threshold},                                                           \
        {"sl-definition", ACD_CLI_OPT_SL_DEFINITION, "D",                                          \
         "offered (default: answered within T / offered\ncalls) or answered (/ answered calls)",   \
         acd_cli_set_goal_sl_definition},                                                          \
        {"max-abandon", ACD_CLI_OPT_MAX_ABANDON, "P",                                              \
         "maximum abandon rate, e.g. 0.05 or 5%; none: no\nabandon goal",                          \
         acd_cli_set_goal_max_abandon},                                                            \
        {"max-asa", ACD_CLI_OPT_MAX_ASA, "T",                                                      \
         "maximum average speed of answer, e.g. 30s;\nnone: no ASA goal",                          \
         acd_cli_set_goal_max_asa},                                                                \
        {"max-occupancy", ACD_CLI_OPT_MAX_OCCUPANCY, "P",                                          \
         "maximum agent occupancy, e.g. 0.9; none: no\noccupancy goal",                            \
         acd_cli_set_goal_max_occupancy},                                                          \
        {"probability", ACD_CLI_OPT_PROBABILITY, "P",                                              \
         "meet every goal in at least this share of the\nreplications (days) in every interval, "  \
         "instead\nof on average (none: on average)",                                              \
         acd_cli_set_goal_probability},                                                            \
    {                                                                                              \
        "hold", ACD_CLI_OPT_HOLD, "GROUP",                                                         \
            "keep GROUP as the scenario staffs it (not searched;\nrepeatable), e.g. supervisors",  \
            acd_cli_add_hold                                                                       \
    }

void acd_cli_goals_init(struct acd_cli_goals *g);
/* The command line's one SCENARIO (staff, schedule): *path (NULL when
 * missing), the scenario loaded when exactly one is named (else NULL),
 * every problem reported and counted in c->n_errors; *usage_errors: those
 * of the command line itself (before loading). */
struct acd_scenario *acd_cli_goals_scenario(const char *cmd, struct acd_cli_common *c, int argc,
                                            char **argv, int first, const char **path,
                                            int *usage_errors);
/* Frees what the options of staff and schedule allocated in c. */
void acd_cli_goals_fini(struct acd_cli_common *c);
/* The scenario's goals with the command line's on top, into *t. */
struct acd_staff_targets;
void acd_cli_goals_merge(const struct acd_cli_goals *g, const struct acd_scenario *sc,
                         struct acd_staff_targets *t);
/* --hold against the scenario: marks the groups held (sc->groups[].held).
 * curve: the command is `staff --curve` (no --hold there). Returns the
 * errors reported. */
int acd_cli_goals_check_holds(const char *cmd, const struct acd_cli_goals *g, bool curve,
                              struct acd_scenario *sc);
/* The scenario file's text again, with the --set changes, for the plan
 * file the command writes (`what`, named in the warning when it cannot be
 * read). Caller frees; NULL after a warning on stderr. */
char *acd_cli_scenario_text(const char *cmd, const char *what, const struct acd_cli_common *c,
                            const char *path, size_t *len);
/* The resource guard before a staffing search: the analytic starting plan
 * and the scenario as it is must be simulable within the limits; sets
 * o->max_calls. Returns 0, or -1 after reporting. */
struct acd_staff_opts;
int acd_cli_staff_check_resources(const char *cmd, struct acd_cli_common *c,
                                  const struct acd_scenario *sc, struct acd_staff_opts *o);

#endif
