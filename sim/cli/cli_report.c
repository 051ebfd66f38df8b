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
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

enum { OPT_NO_TIMING = 256, OPT_DETAIL };

static const char usage_text[] =
    "usage: acdsim report RESULTS.json [--out DIR] [-f text|json|csv] [--detail]\n"
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
    "      --detail           text: the 90th-percentile wait per interval, and\n"
    "                         each call type's figures per interval\n"
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
    bool no_timing, detail, help;
    int n_errors;
};

/* The shared option parser's state (cli_opts.c): it counts errors in c,
 * --out and --help write there, and the other setters reach a. */
struct report_parse {
    struct acd_cli_common c; /* first, as acd_cli_parse_options requires */
    struct report_args *a;
};

static int
set_format(void *p, const char *arg, char *err, size_t errlen)
{
    return acd_cli_parse_format(arg, &((struct report_parse *)p)->a->format, err, errlen);
}

static int
set_no_timing(void *p, const char *arg, char *err, size_t errlen)
{
    (void)arg, (void)err, (void)errlen;
    ((struct report_parse *)p)->a->no_timing = true;
    return 0;
}

static int
set_detail(void *p, const char *arg, char *err, size_t errlen)
{
    (void)arg, (void)err, (void)errlen;
    ((struct report_parse *)p)->a->detail = true;
    return 0;
}

/* The help is usage_text, written by hand. --out DIR must be a directory
 * we may write into, or not exist yet with an existing parent: checked
 * before reading, so that a report never fails for want of its folder
 * after the work is done. */
static const struct acd_cli_opt report_opts[] = {
    {.name = "format", .val = 'f', .metavar = "FMT", .set = set_format},
    {.name = "out", .val = 'o', .metavar = "DIR", .set = acd_cli_set_out},
    {.name = "no-timing", .val = OPT_NO_TIMING, .set = set_no_timing},
    {.name = "detail", .val = OPT_DETAIL, .set = set_detail},
    {.name = "help", .val = 'h', .set = acd_cli_set_help},
};

/* Every usage error is reported, not just the first. */
static void
parse_args(struct report_args *a, int argc, char **argv)
{
    struct report_parse p = {.a = a};
    int first =
        acd_cli_parse_options("report", report_opts, ACD_ARRAY_LEN(report_opts), &p, argc, argv);
    a->out_dir = p.c.out_dir;
    a->help = p.c.help;
    a->n_errors = p.c.n_errors;
    if (a->help)
        return; /* --help answers whatever else is on the line */
    if (first < argc) {
        a->path = argv[first];
    } else {
        acd_cli_error("report", "missing RESULTS.json");
        a->n_errors++;
    }
    for (int i = first + 1; i < argc; i++) {
        acd_cli_error("report", "unexpected argument '%s' (one RESULTS.json only)", argv[i]);
        a->n_errors++;
    }
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
        acd_cli_try_help("report");
        return ACD_EXIT_USAGE;
    }
    struct acd_results *r;
    if (read_results(a.path, &r) != 0)
        return ACD_EXIT_USAGE;

    /* A document written without timing stays without it: its wall time
     * reads as NaN and its thread count as 0, which would print as such. */
    struct acd_report_opts opts = {.no_timing = a.no_timing || isnan(r->wall_s),
                                   .detail = a.detail};
    const struct acd_format *format = a.format;
    if (!format && !a.out_dir)
        format = acd_format_find("text");
    int rc = ACD_EXIT_OK;
    if (format && write_stdout(format, r, &opts) != 0)
        rc = ACD_EXIT_RUNTIME;
    if (a.out_dir && acd_outdir_write(a.out_dir, r, &opts, NULL, stderr) != 0)
        rc = ACD_EXIT_RUNTIME;
    acd_results_free(r);
    return rc;
}
