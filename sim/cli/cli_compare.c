/*
 * cli_compare: `acdsim compare A.yaml B.yaml [C.yaml ...]` and `acdsim
 * compare --baseline OLD/results.json NEW.yaml`.
 *
 * Paired: every scenario runs with the same seed and replication count
 * (A's, or -s / -r), so replication i of each faces the same random
 * streams, and the differences are taken replication by replication
 * (compare.h). Only A's per-replication values and those of the scenario
 * being compared are held at a time.
 *
 * Baseline: A is a saved results.json (no per-replication values): the
 * new scenario runs with the baseline's seed and replications (or -s /
 * -r) and the differences are Welch's. --fail-if-worse KPI,... exits 3
 * when one of those center KPIs got significantly worse, in either mode.
 *
 * With a single scenario and --set options, B is A with the sets applied
 * (scenario_for_b below: the one place that knows).
 */
#include "acdsim/diag.h"
#include "acdsim/run.h"
#include "acdsim/scenario.h"
#include "cli.h"
#include "compare.h"
#include "display.h"
#include "results_read.h"
#include "tmpfile.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_SCENARIOS 25 /* A, then B to Z */

struct compare_args {
    struct acd_cli_common c; /* first: the common setters write here */
    const struct acd_cmp_format *format;
    const char *baseline;
    const struct acd_cmp_kpi *fail_if_worse[ACD_METRIC_COUNT + 8];
    size_t n_fail;
};

static int
set_format(void *ud, const char *arg, char *err, size_t errlen)
{
    struct compare_args *a = ud;
    const void *f;
    if (acd_cli_parse_choice(arg, (const void *const *)acd_cmp_formats, &f, err, errlen) != 0)
        return -1;
    a->format = f;
    return 0;
}

static int
set_baseline(void *ud, const char *arg, char *err, size_t errlen)
{
    struct compare_args *a = ud;
    if (!*arg) {
        snprintf(err, errlen, "expected a results.json file");
        return -1;
    }
    a->baseline = arg;
    return 0;
}

/* KPI,KPI,...: each a KPI with a better direction. */
static int
set_fail_if_worse(void *ud, const char *arg, char *err, size_t errlen)
{
    struct compare_args *a = ud;
    a->n_fail = 0;
    const char *p = arg;
    for (;;) {
        size_t len = strcspn(p, ",");
        char key[64];
        if (len == 0 || len >= sizeof(key)) {
            snprintf(err, errlen,
                     "expected KPI,KPI,... (e.g. service_level,abandon_rate), got '%s'", arg);
            return -1;
        }
        memcpy(key, p, len);
        key[len] = '\0';
        const struct acd_cmp_kpi *k = acd_cmp_kpi_find(key);
        if (!k) {
            const char *best = NULL;
            size_t best_d = 3;
            for (size_t i = 0; i < acd_cmp_n_kpis; i++) {
                size_t d = acd_edit_distance(key, acd_cmp_kpi_key(&acd_cmp_kpis[i]));
                if (d < best_d)
                    best = acd_cmp_kpi_key(&acd_cmp_kpis[i]), best_d = d;
            }
            if (best)
                snprintf(err, errlen, "unknown KPI '%s' (did you mean '%s'?)", key, best);
            else
                snprintf(err, errlen, "unknown KPI '%s'", key);
            return -1;
        }
        if (k->better == 0) {
            snprintf(err, errlen, "'%s' is neither better higher nor lower", key);
            return -1;
        }
        if (a->n_fail < ACD_ARRAY_LEN(a->fail_if_worse))
            a->fail_if_worse[a->n_fail++] = k;
        if (p[len] == '\0')
            return 0;
        p += len + 1;
    }
}

enum { OPT_BASELINE = 256, OPT_FAIL_IF_WORSE };

static const struct acd_cli_opt compare_opts[] = {
    {.name = "replications",
     .val = 'r',
     .metavar = "N",
     .set = acd_cli_set_replications,
     .help = "replications of every scenario (default: A's)"},
    {.name = "seed",
     .val = 's',
     .metavar = "S",
     .set = acd_cli_set_seed,
     .help = "master seed of every scenario (default: A's)"},
    {.name = "threads",
     .val = 'j',
     .metavar = "T",
     .set = acd_cli_set_threads,
     .help = "worker threads (default: one per CPU);\nresults do not depend on T"},
    {.name = "format",
     .val = 'f',
     .metavar = "FMT",
     .set = set_format,
     .help = "output on stdout: text (default), json or csv"},
    {.name = "out",
     .val = 'o',
     .metavar = "DIR",
     .set = acd_cli_set_out,
     .help = "also write compare.json, compare.csv, charts\nand index.html into DIR"},
    {.name = "baseline",
     .val = OPT_BASELINE,
     .metavar = "FILE",
     .set = set_baseline,
     .help = "compare the one SCENARIO with a saved\nresults.json (unpaired, Welch)"},
    {.name = "fail-if-worse",
     .val = OPT_FAIL_IF_WORSE,
     .metavar = "KPI,...",
     .set = set_fail_if_worse,
     .help = "exit 3 when one of these center KPIs got\nsignificantly worse, e.g. "
             "service_level,abandon_rate"},
    {.name = "quiet",
     .val = 'q',
     .set = acd_cli_set_quiet,
     .help = "print nothing on stdout (with --out or\n--fail-if-worse)"},
    ACD_CLI_SET_ENTRY,
    ACD_CLI_MAX_MEMORY_ENTRY,
    {.name = "help", .val = 'h', .set = acd_cli_set_help, .help = "show this help"},
};

static void
compare_help(FILE *out)
{
    fputs("usage: acdsim compare A.yaml B.yaml [C.yaml ...] [options]\n"
          "       acdsim compare --baseline OLD/results.json NEW.yaml [options]\n"
          "\n"
          "Run every scenario with the same seed and replications (common random\n"
          "numbers) and show, for every KPI of the center, each call type, group,\n"
          "channel, day and interval, the difference B - A: the mean of the\n"
          "per-replication differences and its 95% CI (Student t on them). A\n"
          "difference whose CI excludes 0 is significant (*). Text lists the\n"
          "center's KPIs, then the significant changes elsewhere, worse first.\n"
          "With --baseline, A is a saved results.json and the difference is\n"
          "Welch's (unpaired).\n"
          "\n"
          "options:\n",
          out);
    acd_cli_print_options(out, compare_opts, ACD_ARRAY_LEN(compare_opts));
    fputs("\nKPIs with a direction (higher or lower is better):\n ", out);
    int col = 1;
    for (size_t i = 0; i < acd_cmp_n_kpis; i++) {
        if (!acd_cmp_kpis[i].better)
            continue;
        const char *key = acd_cmp_kpi_key(&acd_cmp_kpis[i]);
        int w = (int)strlen(key) + 3;
        if (col + w > 78) {
            fputs("\n ", out);
            col = 1;
        }
        fprintf(out, " %s%s", key, acd_cmp_kpis[i].better > 0 ? "+" : "-");
        col += w;
    }
    fputs("\n(+ higher is better, - lower is better). See docs/compare.md.\n"
          "\nexit status: 0 ok, 1 runtime failure, 2 bad usage or invalid scenario,\n"
          "             3 a --fail-if-worse KPI got significantly worse\n",
          out);
}

/* --set: with a single scenario (and no --baseline), B is A with the --set
 * options and A is the file as it is; otherwise every scenario gets them (a
 * what-if applied to all). */
static bool
sets_given(const struct compare_args *a)
{
    return a->c.n_sets > 0;
}

/* --fail-if-worse: the listed center KPIs that got significantly worse,
 * reported on stderr. Returns how many. */
static int
check_worse(const struct compare_args *a, const struct acd_compare *cmp)
{
    int worse = 0;
    for (size_t i = 0; i < cmp->n_pairs; i++) {
        const struct acd_cmp_scope *center = &cmp->pairs[i].scopes[0];
        for (size_t f = 0; f < a->n_fail; f++) {
            size_t k = (size_t)(a->fail_if_worse[f] - acd_cmp_kpis);
            const struct acd_cmp_value *v = &center->v[k];
            if (acd_cmp_direction(a->fail_if_worse[f], v) >= 0)
                continue;
            enum acd_display_unit u =
                a->fail_if_worse[f]->slot < ACD_METRIC_COUNT
                    ? acd_display_metric_unit((enum acd_metric)a->fail_if_worse[f]->slot)
                    : ACD_DISPLAY_MONEY;
            char va[32], vx[32], d[32], ci[32];
            fprintf(stderr,
                    "acdsim compare: %s got significantly worse%s: %s -> %s (%s %s, 95%% CI)\n",
                    acd_cmp_kpi_key(a->fail_if_worse[f]), cmp->n_pairs > 1 ? " in a scenario" : "",
                    acd_display_value(u, v->a.mean, 0, va, sizeof(va)),
                    acd_display_value(u, v->x.mean, 0, vx, sizeof(vx)),
                    acd_display_diff(u, v->diff.mean, d, sizeof(d)),
                    acd_display_ci(u, v->diff.ci95, 0, ci, sizeof(ci)));
            worse++;
        }
    }
    return worse;
}

/* Write the outputs and apply --fail-if-worse. */
static int
finish(const struct compare_args *a, const struct acd_compare *cmp)
{
    int rc = ACD_EXIT_OK;
    if (!a->c.quiet) {
        int w = a->format->write(stdout, cmp);
        if (acd_cli_check_stdout("compare") != 0 || w != 0)
            rc = ACD_EXIT_RUNTIME;
    }
    if (a->c.out_dir) {
        acd_tmpfile_cleanup_install();
        if (a->c.out_dir_missing && mkdir(a->c.out_dir, 0777) != 0) {
            fprintf(stderr, "acdsim compare: error: cannot create directory %s: %s\n", a->c.out_dir,
                    strerror(errno));
            return ACD_EXIT_RUNTIME;
        }
        if (acd_compare_write_dir(a->c.out_dir, cmp, stderr) != 0)
            rc = ACD_EXIT_RUNTIME;
    }
    if (check_worse(a, cmp) > 0 && rc == ACD_EXIT_OK)
        rc = ACD_EXIT_ASSERT;
    return rc;
}

/* The common options with the seed and replications of the reference. */
static struct acd_run_opts
shared_opts(const struct compare_args *a, uint64_t seed, unsigned replications)
{
    struct acd_run_opts o = a->c.run;
    if (!o.seed_set)
        o.seed = seed;
    o.seed_set = true;
    if (!o.replications)
        o.replications = replications;
    return o;
}

/* The memory guard of every scenario with opts, before the first run:
 * max_calls[i] for scenario i. Returns the number of scenarios refused
 * (reported). */
static int
check_memory(const struct compare_args *a, struct acd_scenario *const *sc, size_t n,
             struct acd_run_opts opts, size_t *max_calls)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        struct acd_cli_common cc = a->c;
        cc.run = opts;
        cc.run.keep_values = true; /* paired: every replication's values */
        struct acd_memory_estimate est;
        bad += acd_cli_check_memory("compare", sc[i], &cc, &est) != 0;
        max_calls[i] = cc.run.max_calls;
    }
    return bad;
}

/* Run sc; NULL after reporting the overload guard's stop. */
static struct acd_results *
run_one(const struct compare_args *a, const struct acd_scenario *sc, struct acd_run_opts opts,
        size_t max_calls, struct acd_rep_values *vals)
{
    struct acd_cli_common cc = a->c;
    cc.run = opts;
    cc.run.max_calls = max_calls;
    struct acd_overload ov;
    cc.run.overload = &ov;
    struct acd_results *r = vals ? acd_run_values(sc, &cc.run, vals) : acd_run(sc, &cc.run);
    if (!r)
        acd_cli_report_overload("compare", sc, &ov, &cc);
    return r;
}

static int
compare_baseline(const struct compare_args *a, const struct acd_scenario *sc,
                 const struct acd_results *base, struct acd_run_opts opts, size_t max_calls)
{
    struct acd_results *x = run_one(a, sc, opts, max_calls, NULL);
    if (!x)
        return ACD_EXIT_RUNTIME;
    struct acd_compare cmp = {.a = base};
    acd_compare_add(&cmp, x, NULL, NULL);
    int rc = finish(a, &cmp);
    acd_compare_fini(&cmp);
    acd_results_free(x);
    return rc;
}

/* A after B, C...: only A's per-replication values and the current
 * scenario's are held. */
static int
compare_paired(const struct compare_args *a, struct acd_scenario *const *sc, size_t n,
               struct acd_run_opts opts, const size_t *max_calls)
{
    struct acd_rep_values av, xv;
    struct acd_results **r = acd_xcalloc(n, sizeof(*r));
    struct acd_compare cmp = {0};
    int rc = ACD_EXIT_OK;
    r[0] = run_one(a, sc[0], opts, max_calls[0], &av);
    if (!r[0]) {
        free(r);
        return ACD_EXIT_RUNTIME;
    }
    cmp.a = r[0];
    for (size_t i = 1; i < n && rc == ACD_EXIT_OK; i++) {
        r[i] = run_one(a, sc[i], opts, max_calls[i], &xv);
        if (!r[i]) {
            rc = ACD_EXIT_RUNTIME;
            break;
        }
        acd_compare_add(&cmp, r[i], &xv, &av);
        acd_rep_values_fini(&xv); /* the differences are made */
    }
    acd_rep_values_fini(&av);
    if (rc == ACD_EXIT_OK)
        rc = finish(a, &cmp);
    acd_compare_fini(&cmp);
    for (size_t i = 0; i < n; i++)
        acd_results_free(r[i]);
    free(r);
    return rc;
}

/* The saved results of --baseline; NULL after printing the errors. */
static struct acd_results *
read_baseline(const char *path)
{
    struct acd_diags diags;
    acd_diags_init(&diags);
    struct acd_results *base = NULL;
    if (acd_results_read_json(path, &base, &diags) != 0)
        base = NULL;
    acd_diags_sort(&diags);
    acd_diags_print(&diags, stderr);
    acd_diags_fini(&diags);
    return base;
}

int
acd_cli_compare(int argc, char **argv)
{
    struct compare_args a = {.format = acd_cmp_formats[0]};
    int first =
        acd_cli_parse_options("compare", compare_opts, ACD_ARRAY_LEN(compare_opts), &a, argc, argv);
    if (a.c.help) {
        compare_help(stdout);
        free(a.c.asserts);
        free(a.c.sets);
        return ACD_EXIT_OK;
    }
    size_t n = (size_t)(argc - first);
    int usage_errors = a.c.n_errors;
    if (a.baseline && n != 1) {
        acd_cli_error("compare", "--baseline: expected one SCENARIO to compare with it, got %zu",
                      n);
        usage_errors++;
    } else if (!a.baseline && n < 2 && !(n == 1 && sets_given(&a))) {
        acd_cli_error("compare", "expected at least two scenarios (A.yaml B.yaml), got %zu", n);
        usage_errors++;
    } else if (n > MAX_SCENARIOS) {
        acd_cli_error("compare", "at most %d scenarios, got %zu", MAX_SCENARIOS, n);
        usage_errors++;
    }
    if (a.c.n_asserts) {
        acd_cli_error("compare", "--assert: not an option of compare (use --fail-if-worse)");
        usage_errors++;
    }
    if (usage_errors) {
        acd_cli_try_help("compare");
        free(a.c.asserts);
        free(a.c.sets);
        return ACD_EXIT_USAGE;
    }
    /* Every scenario is checked before the first run. With one scenario
     * and --set, B is A with the sets. */
    size_t n_sc = n == 1 && !a.baseline ? 2 : n;
    struct acd_scenario **sc = acd_xcalloc(n_sc, sizeof(*sc));
    int bad = 0;
    for (size_t i = 0; i < n; i++)
        bad +=
            (sc[i] = acd_cli_load_scenario(n_sc > n ? NULL : &a.c, argv[first + (int)i])) == NULL;
    if (n_sc > n)
        bad += (sc[1] = acd_cli_load_scenario(&a.c, argv[first])) == NULL;
    struct acd_results *base = a.baseline ? read_baseline(a.baseline) : NULL;
    bad += a.baseline && !base;
    size_t *max_calls = acd_xcalloc(n_sc, sizeof(*max_calls));
    struct acd_run_opts opts = {0};
    if (!bad) {
        /* One seed and replication count for all: the reference's. */
        opts = base ? shared_opts(&a, base->seed, base->replications)
                    : shared_opts(&a, sc[0]->seed, sc[0]->replications);
        bad += check_memory(&a, sc, n_sc, opts, max_calls);
    }
    int rc;
    if (bad)
        rc = ACD_EXIT_USAGE;
    else if (base)
        rc = compare_baseline(&a, sc[0], base, opts, max_calls[0]);
    else
        rc = compare_paired(&a, sc, n_sc, opts, max_calls);
    acd_results_free(base);
    free(max_calls);
    for (size_t i = 0; i < n_sc; i++)
        acd_scenario_free(sc[i]);
    free(sc);
    free(a.c.asserts);
    free(a.c.sets);
    return rc;
}
