/*
 * cli_sweep: `acdsim sweep [SCENARIO] --set PATH=RANGE [--set PATH=LIST]`.
 *
 * A --set whose value is a range (10..20, 0.8..1.2/0.1) or a comma list
 * (0.9,1.0,1.1) is a parameter of the grid (one or two); the other --set
 * options apply at every point. Every point is the scenario with its
 * values set (scenario_set.c), all loaded and checked before the first
 * run, then run one after the other with the same seed: common random
 * numbers, so neighbouring points differ by the parameter, not by noise.
 * Output: sweep_report.c. See docs/sweep.md.
 */
#include "acdsim/diag.h"
#include "acdsim/run.h"
#include "acdsim/scenario.h"
#include "cli.h"
#include "display.h"
#include "escape.h"
#include "scenario_set.h"
#include "sweep_report.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_POINTS 1000

enum { OPT_PROGRESS = 256, OPT_KPI };

struct sweep_args {
    struct acd_cli_common c; /* first: the common setters write here */
    const char *format;
    bool progress;
    enum acd_metric kpi;
};

static int
set_format(void *ud, const char *arg, char *err, size_t errlen)
{
    struct sweep_args *a = ud;
    if (strcmp(arg, "text") && strcmp(arg, "json") && strcmp(arg, "csv")) {
        snprintf(err, errlen, "expected one of text, json, csv, got '%s'", arg);
        return -1;
    }
    a->format = arg;
    return 0;
}

static int
set_progress(void *ud, const char *arg, char *err, size_t errlen)
{
    (void)arg, (void)err, (void)errlen;
    ((struct sweep_args *)ud)->progress = true;
    return 0;
}

static int
set_kpi(void *ud, const char *arg, char *err, size_t errlen)
{
    enum acd_metric m = acd_stats_metric_find(arg);
    if (m == ACD_METRIC_COUNT || !(acd_metrics[m].scopes & ACD_SCOPE_CENTER)) {
        snprintf(err, errlen, "unknown KPI '%s' (e.g. service_level, abandon_rate, asa_s)", arg);
        return -1;
    }
    ((struct sweep_args *)ud)->kpi = m;
    return 0;
}

static const struct acd_cli_opt sweep_opts[] = {
    {"set", ACD_CLI_OPT_SET, "PATH=VALUE",
     "a scenario key at every point, or a parameter of\nthe grid: PATH=A..B, A..B/STEP or "
     "X,Y,Z\n(one or two parameters; repeatable)",
     acd_cli_add_set},
    {"replications", 'r', "N", "replications per point (overrides the scenario)",
     acd_cli_set_replications},
    {"seed", 's', "S", "master seed, the same at every point\n(overrides the scenario)",
     acd_cli_set_seed},
    {"threads", 'j', "N", "worker threads (default: one per CPU)", acd_cli_set_threads},
    {"format", 'f', "FMT", "text (default), json or csv", set_format},
    {"kpi", OPT_KPI, "KEY", "the KPI of the chart (default service_level)", set_kpi},
    {"out", 'o', "DIR", "also write sweep.json, sweep.csv, charts and\nindex.html into DIR",
     acd_cli_set_out},
    {"progress", OPT_PROGRESS, NULL,
     "a line per point on stderr (default: when\nstderr is a terminal)", set_progress},
    {"quiet", 'q', NULL, "print nothing on stdout or stderr but errors", acd_cli_set_quiet},
    ACD_CLI_MAX_MEMORY_ENTRY,
    {"help", 'h', NULL, "show this help", acd_cli_set_help},
};

static void
sweep_help(FILE *out)
{
    fputs("usage: acdsim sweep [SCENARIO] --set PATH=A..B [--set PATH=X,Y,Z] [options]\n"
          "\n"
          "Run the scenario (default: the built-in one) at every point of a grid over one\n"
          "or two scenario keys, with the same seed at every point (common random\n"
          "numbers), and tabulate the center's KPIs; the Pareto front of cost (or\n"
          "agent-hours) against service level is marked. Example:\n"
          "  acdsim sweep --set 'agent_groups.csr.agents=12..18' -r 20\n"
          "\n"
          "options:\n",
          out);
    acd_cli_print_options(out, sweep_opts, ACD_ARRAY_LEN(sweep_opts));
}

/* ----------------------------------------------------------- the grid */

static bool
parse_num(const char *s, const char *end, double *x)
{
    if (s == end)
        return false;
    char *e;
    char buf[64];
    if ((size_t)(end - s) >= sizeof(buf))
        return false;
    memcpy(buf, s, (size_t)(end - s));
    buf[end - s] = '\0';
    errno = 0;
    *x = strtod(buf, &e);
    return *e == '\0' && errno == 0 && isfinite(*x) && strspn(buf, "+-0123456789.") == strlen(buf);
}

static char *
format_value(double x, bool integral)
{
    if (integral)
        return acd_xasprintf("%.0f", x);
    char buf[64];
    snprintf(buf, sizeof(buf), "%.10g", x);
    return acd_xstrdup(buf);
}

/* A --set value that is a range or a list: 1 with the values in *ax, 0 if
 * it is a plain value, -1 with the problem in err. */
static int
parse_axis(const char *value, struct acd_sweep_axis *ax, char *err, size_t errlen)
{
    const char *dots = strstr(value, "..");
    if (dots) {
        const char *slash = strchr(dots + 2, '/');
        const char *bend = slash ? slash : dots + 2 + strlen(dots + 2);
        double a, b, step = 1;
        if (!parse_num(value, dots, &a) || !parse_num(dots + 2, bend, &b) ||
            (slash && !parse_num(slash + 1, slash + 1 + strlen(slash + 1), &step))) {
            snprintf(err, errlen, "expected a range like 10..20 or 0.8..1.2/0.1, got '%s'", value);
            return -1;
        }
        if (!(step > 0) || b < a) {
            snprintf(err, errlen, "a range goes up from A to B by a positive STEP, got '%s'",
                     value);
            return -1;
        }
        double n = floor((b - a) / step + 1e-9) + 1;
        if (n > MAX_POINTS) {
            snprintf(err, errlen, "'%s' has more than %d values", value, MAX_POINTS);
            return -1;
        }
        bool integral = a == floor(a) && step == floor(step);
        ax->n = (size_t)n;
        ax->values = acd_xcalloc(ax->n, sizeof(*ax->values));
        for (size_t i = 0; i < ax->n; i++) {
            double x = a + (double)i * step;
            if (!integral)
                x = round(x * 1e9) / 1e9; /* 0.1 steps print as 0.9, not 0.90000000001 */
            ax->values[i] = format_value(x, integral);
        }
        return 1;
    }
    if (!strchr(value, ',') || strchr("[{\"'", value[0]))
        return 0;
    size_t n = 1;
    for (const char *c = value; *c; c++)
        n += *c == ',';
    if (n > MAX_POINTS) {
        snprintf(err, errlen, "'%s' has more than %d values", value, MAX_POINTS);
        return -1;
    }
    ax->values = acd_xcalloc(n, sizeof(*ax->values));
    const char *s = value;
    for (size_t i = 0; i < n; i++) {
        size_t len = strcspn(s, ",");
        const char *b = s, *e = s + len;
        while (b < e && *b == ' ')
            b++;
        while (e > b && e[-1] == ' ')
            e--;
        ax->values[ax->n++] = acd_xstrndup(b, (size_t)(e - b));
        if (b == e) {
            snprintf(err, errlen, "an empty value in the list '%s'", value);
            return -1;
        }
        s += len + 1;
    }
    return 1;
}

static void
axis_numbers(struct acd_sweep_axis *ax)
{
    ax->x = acd_xcalloc(ax->n, sizeof(*ax->x));
    ax->numeric = true;
    for (size_t i = 0; i < ax->n; i++) {
        const char *v = ax->values[i];
        if (!parse_num(v, v + strlen(v), &ax->x[i]))
            ax->numeric = false;
    }
    if (!ax->numeric)
        for (size_t i = 0; i < ax->n; i++)
            ax->x[i] = (double)i;
}

/* "path=value" for every --set at point p. */
static const char **
point_sets(const struct acd_cli_common *c, const struct acd_sweep *s, const size_t *axis_of,
           const struct acd_sweep_point *p, char **owned)
{
    const char **v = acd_xcalloc(c->n_sets + 1, sizeof(*v));
    for (size_t i = 0; i < c->n_sets; i++) {
        owned[i] = NULL;
        if (axis_of[i] == SIZE_MAX) {
            v[i] = c->sets[i];
            continue;
        }
        const struct acd_sweep_axis *ax = &s->axis[axis_of[i]];
        owned[i] = acd_xasprintf("%s=%s", ax->path, ax->values[p->at[axis_of[i]]]);
        v[i] = owned[i];
    }
    return v;
}

static void
point_name(char *buf, size_t n, const struct acd_sweep *s, const struct acd_sweep_point *p)
{
    int w = snprintf(buf, n, "%s=%s", s->axis[0].path, s->axis[0].values[p->at[0]]);
    if (s->n_axes > 1 && w >= 0 && (size_t)w < n)
        snprintf(buf + w, n - (size_t)w, " %s=%s", s->axis[1].path, s->axis[1].values[p->at[1]]);
}

static double
now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int
acd_cli_sweep(int argc, char **argv)
{
    struct sweep_args a = {.format = "text", .kpi = ACD_M_SERVICE_LEVEL};
    int first =
        acd_cli_parse_options("sweep", sweep_opts, ACD_ARRAY_LEN(sweep_opts), &a, argc, argv);
    if (a.c.help) {
        sweep_help(stdout);
        free(a.c.sets);
        return ACD_EXIT_OK;
    }
    const char *path = first < argc ? argv[first] : NULL;
    for (int i = first + 1; i < argc; i++) {
        acd_cli_error("sweep", "unexpected argument '%s' (one SCENARIO at most)", argv[i]);
        a.c.n_errors++;
    }
    /* The parameters. */
    struct acd_sweep s = {.kpi = a.kpi, .sl_target = NAN, .sl_threshold_s = NAN};
    size_t *axis_of = acd_xcalloc(a.c.n_sets + 1, sizeof(*axis_of));
    char err[ACD_CLI_ERR_LEN];
    char **paths = acd_xcalloc(a.c.n_sets + 1, sizeof(*paths));
    for (size_t i = 0; i < a.c.n_sets; i++) {
        axis_of[i] = SIZE_MAX;
        const char *eq = strchr(a.c.sets[i], '=');
        struct acd_sweep_axis ax = {0};
        int rc = parse_axis(eq + 1, &ax, err, sizeof(err));
        if (rc < 0) {
            acd_cli_error("sweep", "--set '%s': %s", a.c.sets[i], err);
            a.c.n_errors++;
        } else if (rc > 0 && s.n_axes == 2) {
            acd_cli_error("sweep", "--set '%s': a sweep has at most two parameters", a.c.sets[i]);
            a.c.n_errors++;
        } else if (rc > 0) {
            paths[i] = acd_xstrndup(a.c.sets[i], (size_t)(eq - a.c.sets[i]));
            ax.path = paths[i];
            axis_of[i] = s.n_axes;
            s.axis[s.n_axes++] = ax;
            continue;
        }
        for (size_t j = 0; j < ax.n; j++)
            free(ax.values[j]);
        free(ax.values);
    }
    if (!a.c.n_errors && s.n_axes == 0) {
        acd_cli_error("sweep", "no parameter to sweep: give --set PATH=A..B or PATH=X,Y,Z");
        a.c.n_errors++;
    }
    int rc = ACD_EXIT_OK;
    struct acd_scenario **scs = NULL;
    if (a.c.n_errors) {
        acd_cli_try_help("sweep");
        rc = ACD_EXIT_USAGE;
        goto done;
    }
    for (size_t i = 0; i < s.n_axes; i++)
        axis_numbers(&s.axis[i]);
    s.n_points = s.axis[0].n * (s.n_axes > 1 ? s.axis[1].n : 1);
    if (s.n_points > MAX_POINTS) {
        acd_cli_error("sweep", "the grid has %zu points, more than %d", s.n_points, MAX_POINTS);
        rc = ACD_EXIT_USAGE;
        goto done;
    }
    s.points = acd_xcalloc(s.n_points, sizeof(*s.points));
    for (size_t i = 0; i < s.n_points; i++) {
        size_t n1 = s.n_axes > 1 ? s.axis[1].n : 1;
        s.points[i].at[0] = i / n1;
        s.points[i].at[1] = i % n1;
    }

    /* Every point's scenario, checked before the first run. */
    scs = acd_xcalloc(s.n_points, sizeof(*scs));
    char **owned = acd_xcalloc(a.c.n_sets + 1, sizeof(*owned));
    for (size_t i = 0; i < s.n_points && rc == ACD_EXIT_OK; i++) {
        const char **sets = point_sets(&a.c, &s, axis_of, &s.points[i], owned);
        struct acd_diags diags;
        acd_diags_init(&diags);
        int lrc = acd_scenario_load_set(path, sets, a.c.n_sets, &scs[i], &diags);
        if (lrc != 0 || acd_diags_has_errors(&diags)) {
            char name[512];
            point_name(name, sizeof(name), &s, &s.points[i]);
            acd_diags_sort(&diags);
            acd_diags_print(&diags, stderr);
            acd_cli_error("sweep", "the scenario is invalid at the point %s", name);
            rc = ACD_EXIT_USAGE;
        }
        struct acd_memory_estimate est;
        if (rc == ACD_EXIT_OK && acd_cli_check_memory("sweep", scs[i], &a.c, &est) != 0)
            rc = ACD_EXIT_USAGE;
        acd_diags_fini(&diags);
        for (size_t j = 0; j < a.c.n_sets; j++)
            free(owned[j]);
        free(sets);
    }
    free(owned);
    if (rc != ACD_EXIT_OK)
        goto done;

    /* The runs: one seed for all. */
    const struct acd_scenario *sc0 = scs[0];
    s.scenario = sc0->name;
    s.seed = a.c.run.seed_set ? a.c.run.seed : sc0->seed;
    s.sl_target = sc0->sl_target;
    s.sl_threshold_s = sc0->sl_threshold_s;
    bool progress = !a.c.quiet && (a.progress || isatty(STDERR_FILENO));
    for (size_t i = 0; i < s.n_points; i++) {
        struct acd_run_opts opts = a.c.run;
        struct acd_memory_estimate est;
        acd_cli_check_memory("sweep", scs[i], &a.c, &est); /* max_calls for this point */
        opts = a.c.run;
        /* The same seed everywhere, unless the seed itself is swept. */
        opts.seed = a.c.run.seed_set ? a.c.run.seed : scs[i]->seed;
        opts.seed_set = true;
        struct acd_overload ov;
        opts.overload = &ov;
        double t0 = now_s();
        struct acd_results *r = acd_run(scs[i], &opts);
        if (!r) {
            acd_cli_report_overload("sweep", scs[i], &ov, &a.c);
            rc = ACD_EXIT_RUNTIME;
            goto done;
        }
        struct acd_sweep_point *p = &s.points[i];
        p->summary = r->summary;
        p->summary.name = NULL;
        struct acd_estimate h = r->summary.total[ACD_T_STAFFED_AGENT_S];
        p->agent_hours = (struct acd_estimate){h.mean / 3600, h.ci95 / 3600, h.n};
        s.replications = r->replications;
        if (progress) {
            char name[512], sl[64];
            point_name(name, sizeof(name), &s, p);
            acd_display_estimate(ACD_DISPLAY_SHARE, &p->summary.metric[ACD_M_SERVICE_LEVEL], sl,
                                 sizeof(sl));
            fprintf(stderr, "sweep: %zu/%zu ", i + 1, s.n_points);
            acd_escape_fputs(name, stderr);
            fprintf(stderr, ": service level %s (%.1f s)\n", sl, now_s() - t0);
        }
        acd_results_free(r);
    }
    acd_sweep_mark_pareto(&s);

    if (!a.c.quiet) {
        int w = strcmp(a.format, "json") == 0  ? acd_sweep_write_json(stdout, &s)
                : strcmp(a.format, "csv") == 0 ? acd_sweep_write_csv(stdout, &s)
                                               : acd_sweep_write_text(stdout, &s);
        if (acd_cli_check_stdout("sweep") != 0 || w != 0)
            rc = ACD_EXIT_RUNTIME;
    }
    if (a.c.out_dir && acd_sweep_write_out(a.c.out_dir, &s, stderr) != 0)
        rc = ACD_EXIT_RUNTIME;
done:
    for (size_t i = 0; scs && i < s.n_points; i++)
        acd_scenario_free(scs[i]);
    free(scs);
    acd_sweep_fini(&s);
    for (size_t i = 0; i < a.c.n_sets; i++)
        free(paths[i]);
    free(paths);
    free(axis_of);
    free(a.c.sets);
    return rc;
}
