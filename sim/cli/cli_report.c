/*
 * cli_report: `acdsim report RESULTS.json [--out DIR] [-f FMT]` - a report
 * drawn again from a results document, without simulating.
 *
 * The document is read and checked in full first (results_read.h); any
 * problem is printed as `file:line:col: error: ...` and exits 2 with
 * nothing written, neither on stdout nor in DIR. Then the report goes to
 * stdout in the chosen format (text by default, and only when asked for
 * with --out) and, with --out, to the report folder (outdir.h).
 */
#include "cli.h"

#include "acdsim/diag.h"
#include "outdir.h"
#include "report.h"
#include "results_read.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { OPT_NO_TIMING = 256 };

static const struct option long_options[] = {
    {"format", required_argument, NULL, 'f'},
    {"out", required_argument, NULL, 'o'},
    {"no-timing", no_argument, NULL, OPT_NO_TIMING},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static const char usage_text[] =
    "usage: acdsim report RESULTS.json [--out DIR] [-f text|json|csv]\n"
    "\n"
    "Draw the report of a finished run again from its results document (the\n"
    "results.json of `acdsim run --out DIR`, or the output of `acdsim run -f\n"
    "json`), without simulating. RESULTS.json may be - for standard input.\n"
    "\n"
    "options:\n"
    "  -o, --out DIR          write the report folder into DIR (results.json,\n"
    "                         intervals.csv, groups.csv, charts, index.html);\n"
    "                         DIR is created if missing (its parent must exist)\n"
    "  -f, --format FMT       print the results on stdout as text (a KPI table),\n"
    "                         json or csv; default: text without --out, nothing\n"
    "                         with --out\n"
    "      --no-timing        report run.wall_s and run.threads as null (a\n"
    "                         document without timing is always reported so)\n"
    "  -h, --help             show this help\n"
    "\n"
    "The document is checked in full before anything is written: a malformed,\n"
    "truncated or foreign file is reported as `file:line:col: error: ...` and\n"
    "nothing is written. `acdsim report R.json -f json` prints R.json again,\n"
    "byte for byte.\n"
    "\n"
    "exit status: 0 ok, 1 a write failed, 2 bad usage or an invalid document\n";

struct report_args {
    const struct acd_format *format; /* NULL: the default (see usage) */
    const char *out_dir;
    const char *path;
    bool no_timing, help;
    int n_errors;
};

static void usage_error(struct report_args *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
usage_error(struct report_args *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("acdsim report: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    a->n_errors++;
}

static void
set_format(struct report_args *a, const char *name)
{
    a->format = acd_format_find(name);
    if (a->format)
        return;
    char list[128] = "";
    for (size_t i = 0; acd_formats[i]; i++)
        snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
                 acd_formats[i]->name);
    usage_error(a, "--format: expected one of %s, got '%s'", list, name);
}

/* DIR must be a directory we may write into, or not exist yet with an
 * existing parent: checked before reading, so that a report never fails
 * for want of its folder after the work is done. */
static void
check_out_dir(struct report_args *a, const char *dir)
{
    struct stat st;
    if (!*dir) {
        usage_error(a, "--out: expected a directory, got ''");
        return;
    }
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            usage_error(a, "--out: '%s' exists and is not a directory", dir);
        else if (access(dir, W_OK | X_OK) != 0)
            usage_error(a, "--out: cannot write into '%s': %s", dir, strerror(errno));
        return;
    }
    if (errno != ENOENT) {
        usage_error(a, "--out: cannot use '%s': %s", dir, strerror(errno));
        return;
    }
    /* The parent: everything before the last '/' that is not trailing. */
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    while (n > 0 && dir[n - 1] != '/')
        n--;
    while (n > 1 && dir[n - 1] == '/')
        n--;
    char *parent = n ? acd_xstrndup(dir, n) : acd_xstrdup(".");
    if (stat(parent, &st) != 0 || !S_ISDIR(st.st_mode))
        usage_error(a, "--out: parent directory '%s' of '%s' does not exist", parent, dir);
    else if (access(parent, W_OK | X_OK) != 0)
        usage_error(a, "--out: cannot create '%s': %s", dir, strerror(errno));
    free(parent);
}

/* Every usage error is reported, not just the first. */
static void
parse_args(struct report_args *a, int argc, char **argv)
{
    opterr = 0;
    optind = 0; /* glibc: 0 re-initialises getopt for this argv */
    int c;
    while ((c = getopt_long(argc, argv, ":f:o:h", long_options, NULL)) != -1) {
        switch (c) {
        case 'f':
            set_format(a, optarg);
            break;
        case 'o':
            a->out_dir = optarg;
            break;
        case OPT_NO_TIMING:
            a->no_timing = true;
            break;
        case 'h':
            a->help = true;
            break;
        case ':':
            usage_error(a, "%s: missing argument", argv[optind - 1]);
            break;
        default: /* glibc: optopt is 0 for an unknown long option */
            if (optopt > 0 && optopt < 256)
                usage_error(a, "unknown option '-%c'", optopt);
            else
                usage_error(a, "unknown option '%s'", argv[optind - 1]);
            break;
        }
    }
    if (a->help)
        return; /* --help answers whatever else is on the line */
    if (optind < argc)
        a->path = argv[optind];
    else
        usage_error(a, "missing RESULTS.json");
    for (int i = optind + 1; i < argc; i++)
        usage_error(a, "unexpected argument '%s' (one RESULTS.json only)", argv[i]);
    if (a->out_dir)
        check_out_dir(a, a->out_dir);
}

/* Read the document; print every diagnostic (warnings too). */
static int
read_results(const char *path, struct acd_results **r)
{
    struct acd_diags diags;
    acd_diags_init(&diags);
    int rc = acd_results_read_json(path, r, &diags);
    acd_diags_sort(&diags);
    acd_diags_print(&diags, stderr);
    acd_diags_fini(&diags);
    return rc;
}

static int
write_stdout(const struct acd_format *format, const struct acd_results *r,
             const struct acd_report_opts *opts)
{
    errno = 0;
    int w = format->write(stdout, r, opts);
    if (fflush(stdout) == 0 && !ferror(stdout) && w == 0)
        return 0;
    fprintf(stderr, "acdsim report: error: writing to standard output: %s\n",
            strerror(errno ? errno : EIO));
    return -1;
}

int
acd_cli_report(int argc, char **argv)
{
    struct report_args a = {0};
    parse_args(&a, argc, argv);
    if (a.help) {
        fputs(usage_text, stdout);
        return ACD_EXIT_OK;
    }
    if (a.n_errors) {
        fputs("Try 'acdsim report --help'.\n", stderr);
        return ACD_EXIT_USAGE;
    }
    struct acd_results *r;
    if (read_results(a.path, &r) != 0)
        return ACD_EXIT_USAGE;

    /* A document written without timing stays without it: its wall time
     * reads as NaN and its thread count as 0, which would print as such. */
    struct acd_report_opts opts = {.no_timing = a.no_timing || isnan(r->wall_s)};
    const struct acd_format *format = a.format;
    if (!format && !a.out_dir)
        format = acd_format_find("text");
    int rc = ACD_EXIT_OK;
    if (format && write_stdout(format, r, &opts) != 0)
        rc = ACD_EXIT_RUNTIME;
    if (a.out_dir && acd_outdir_write(a.out_dir, r, &opts, stderr) != 0)
        rc = ACD_EXIT_RUNTIME;
    acd_results_free(r);
    return rc;
}
