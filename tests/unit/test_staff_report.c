/*
 * Unit tests for staff_report: the recommendation and the staffing curve
 * written from hand-built results (no search): the JSON has the
 * interface's keys and its extensions and parses back with the same
 * numbers, the CSV holds the JSON's numbers, the text shows the plan table
 * (wrapped for many groups), the verdicts and the totals; NaN becomes null
 * or an empty cell; a steady state has one row per group. And the report
 * folders: every file there, none left under a temporary name, the
 * recommended scenario loads.
 *
 * Runs with the tests/ source directory as working directory.
 */
/* cmocka needs these first, in this order. */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "acdsim/diag.h"
#include "acdsim/run.h"
#include "acdsim/scenario.h"
#include "acdsim/scenario_load.h"
#include "acdsim/staff.h"
#include "staff_report.h"
#include "util.h"

#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define N_BINS   4
#define N_GROUPS 2

static const char DAY_YAML[] = "name: Test \"day\", with comma\n"
                               "horizon: {open: \"08:00\", close: \"10:00\", interval: 30m}\n"
                               "service_level: {threshold: 20s, target: 0.8}\n"
                               "targets: {max_abandon: 0.05}\n"
                               "call_types:\n"
                               "  - name: calls\n"
                               "    arrivals: {per_interval: [30, 60, 90, 0]}\n"
                               "    handle_time: {dist: exponential, mean: 3m}\n"
                               "    patience: {dist: exponential, mean: 2m}\n"
                               "agent_groups:\n"
                               "  - name: front, line\n"
                               "    skills: [calls]\n"
                               "    agents: [4, 5, 6, 2]\n"
                               "    cost_per_hour: 20\n"
                               "  - name: back\n"
                               "    skills: [calls]\n"
                               "    agents: 2\n"
                               "replications: 4\n";

static const char STEADY_YAML[] = "name: steady\n"
                                  "horizon: {duration: 2h, warmup: 10m}\n"
                                  "call_types:\n"
                                  "  - name: calls\n"
                                  "    arrivals: {rate: 1/min}\n"
                                  "    handle_time: {dist: exponential, mean: 4m}\n"
                                  "agent_groups:\n"
                                  "  - name: solo\n"
                                  "    skills: [calls]\n"
                                  "    agents: 5\n"
                                  "replications: 3\n";

/* ------------------------------------------------------------- fixture */

struct fixture {
    struct acd_scenario *sc;
    struct acd_staff_result r;
    unsigned agents[N_BINS * N_GROUPS], start[N_BINS * N_GROUPS];
    double current[N_BINS * N_GROUPS];
    struct acd_staff_kpi kpi[N_BINS], kpi_current[N_BINS];
    struct acd_staff_check checks[N_BINS * N_GROUPS];
};

static struct acd_scenario *
load(const char *yaml)
{
    struct acd_diags d;
    acd_diags_init(&d);
    struct acd_scenario *sc = NULL;
    int rc = acd_scenario_load_string("test.yaml", ".", yaml, strlen(yaml), &sc, &d);
    if (rc != 0)
        acd_diags_print(&d, stderr);
    acd_diags_fini(&d);
    assert_int_equal(rc, 0);
    return sc;
}

static struct acd_estimate
est(double mean, double ci)
{
    return (struct acd_estimate){mean, ci, 4};
}

/* Distinct, awkward numbers (none exact in binary) so a lost digit shows. */
static struct acd_staff_kpi
kpi_n(size_t i, bool met)
{
    double x = (double)i;
    return (struct acd_staff_kpi){.sl = est(0.81 + x / 1000.0 + 1e-13, 0.0123456789),
                                  .abandon_rate = est(0.031 + x / 3000.0, 0.004),
                                  .asa_s = est(12.3456789 + x, 1.1),
                                  .occupancy = est(0.7777 + x / 999.0, ACD_NAN),
                                  .offered = est(30.0 * (x + 1), 3.3),
                                  .p_met = met ? 0.75 : 0.25,
                                  .met = met};
}

static void
fill_day(struct fixture *f, struct acd_scenario *sc)
{
    *f = (struct fixture){.sc = sc};
    for (size_t b = 0; b < N_BINS; b++) {
        for (size_t g = 0; g < N_GROUPS; g++) {
            size_t i = b * N_GROUPS + g;
            f->agents[i] = (unsigned)(10 + b + g);
            f->start[i] = (unsigned)(9 + b);
            f->current[i] = g == 0 ? 10.0 : 2.5; /* a shift plan's time average */
            f->checks[i] = (struct acd_staff_check){b, g, kpi_n(i, false), b, kpi_n(i, false)};
        }
        f->kpi[b] = kpi_n(b, b != 2);
        f->kpi_current[b] = kpi_n(b + 10, b == 0);
    }
    /* The last interval has no calls: no service level. */
    f->kpi[3].sl = est(ACD_NAN, ACD_NAN);
    /* One check that does not hold (no interval misses), one whose
     * missing agent breaks the next interval only. */
    f->checks[1].kpi.met = true;
    f->checks[1].missed_bin = SIZE_MAX;
    f->checks[2].kpi.met = true;
    f->checks[2].missed_bin = 2;
    f->r = (struct acd_staff_result){
        .sc = sc,
        .targets = {.sl_target = 0.8,
                    .sl_threshold_s = 20,
                    .max_abandon = 0.05,
                    .max_asa_s = ACD_NAN,
                    .max_occupancy = ACD_NAN,
                    .probability = ACD_NAN},
        .replications = 4,
        .seed = UINT64_MAX,
        .n_bins = N_BINS,
        .n_groups = N_GROUPS,
        .agents = f->agents,
        .start = f->start,
        .current = f->current,
        .kpi = f->kpi,
        .kpi_current = f->kpi_current,
        .achieved = kpi_n(100, true),
        .achieved_current = kpi_n(200, false),
        .n_checks = N_BINS * N_GROUPS,
        .checks = f->checks,
        .agent_hours = 44.5,
        .cost = 890.1234567,
        .current_agent_hours = 50,
        .current_cost = 1000,
        .feasible = false,
        .evaluations = 77,
    };
}

static char *
capture(int (*write)(FILE *, const void *), const void *x)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(write(f, x), 0);
    fclose(f);
    return buf;
}

static const struct acd_staff_format *fmt_now;

static int
write_result(FILE *f, const void *x)
{
    return fmt_now->write(f, x);
}

static int
write_curve(FILE *f, const void *x)
{
    return fmt_now->write_curve(f, x);
}

static char *
render(const char *format, const struct acd_staff_result *r)
{
    fmt_now = acd_staff_format_find(format);
    assert_non_null(fmt_now);
    return capture(write_result, r);
}

static char *
render_curve(const char *format, const struct acd_staff_curve *c)
{
    fmt_now = acd_staff_format_find(format);
    assert_non_null(fmt_now);
    return capture(write_curve, c);
}

static json_t *
parse(const char *s)
{
    json_error_t e;
    json_t *j = json_loads(s, 0, &e);
    if (!j)
        fprintf(stderr, "JSON error line %d: %s\n%s\n", e.line, e.text, s);
    assert_non_null(j);
    return j;
}

static double
jnum(const json_t *o, const char *path)
{
    /* "a.b.c" */
    char *p = acd_xstrdup(path), *save = NULL;
    const json_t *j = o;
    for (char *k = strtok_r(p, ".", &save); k; k = strtok_r(NULL, ".", &save)) {
        j = json_object_get(j, k);
        if (!j)
            fprintf(stderr, "no key %s in %s\n", k, path);
        assert_non_null(j);
    }
    free(p);
    if (json_is_null(j))
        return ACD_NAN;
    assert_true(json_is_number(j));
    return json_number_value(j);
}

static const json_t *
jget(const json_t *o, const char *key)
{
    const json_t *j = json_object_get(o, key);
    if (!j)
        fprintf(stderr, "no key %s\n", key);
    assert_non_null(j);
    return j;
}

/* ---------------------------------------------------------------- JSON */

static void
test_json_keys(void **state)
{
    (void)state;
    struct fixture f;
    fill_day(&f, load(DAY_YAML));
    char *s = acd_staff_json_string(&f.r);
    /* The unsigned seed, not a wrapped signed one (which jansson cannot
     * read back: the rest is checked with a smaller seed). */
    assert_non_null(strstr(s, "\n  \"seed\": 18446744073709551615,\n"));
    free(s);
    f.r.seed = 20261123;
    s = acd_staff_json_string(&f.r);
    json_t *j = parse(s);
    assert_true(jnum(j, "seed") == 20261123);
    assert_string_equal(json_string_value(jget(j, "scenario")), "Test \"day\", with comma");
    const json_t *t = jget(j, "targets");
    assert_true(jnum(t, "service_level") == 0.8);
    assert_true(jnum(t, "threshold_s") == 20);
    assert_true(jnum(t, "abandon_rate") == 0.05);
    assert_string_equal(json_string_value(jget(t, "sl_definition")), "offered");
    assert_null(json_object_get(t, "asa_s")); /* goals not set are absent */
    assert_null(json_object_get(t, "occupancy"));
    assert_null(json_object_get(t, "probability"));
    assert_true(jnum(j, "replications") == 4);
    assert_true(json_is_false(jget(j, "feasible")));
    assert_true(jnum(j, "evaluations") == 77);

    const json_t *rec = jget(j, "recommendation");
    assert_int_equal(json_array_size(rec), N_BINS * N_GROUPS);
    for (size_t i = 0; i < N_BINS * N_GROUPS; i++) {
        const json_t *row = json_array_get(rec, i);
        static const char *const at[] = {"08:00", "08:30", "09:00", "09:30"};
        assert_string_equal(json_string_value(jget(row, "interval")), at[i / N_GROUPS]);
        assert_string_equal(json_string_value(jget(row, "group")),
                            i % N_GROUPS ? "back" : "front, line");
        assert_true(json_is_integer(jget(row, "agents")));
        assert_int_equal(json_integer_value(jget(row, "agents")), f.agents[i]);
        assert_int_equal(json_integer_value(jget(row, "start")), f.start[i]);
        const json_t *cur = jget(row, "current");
        /* Whole counts as integers, time averages as reals. */
        assert_true(i % N_GROUPS ? json_is_real(cur) : json_is_integer(cur));
        assert_true(json_number_value(cur) == f.current[i]);
    }
    assert_true(jnum(j, "agent_hours") == 44.5);
    assert_true(jnum(j, "cost") == 890.1234567);
    assert_true(jnum(j, "achieved.service_level.mean") == f.r.achieved.sl.mean);
    assert_true(jnum(j, "achieved.service_level.ci95") == f.r.achieved.sl.ci95);
    assert_true(jnum(j, "achieved.asa_s.mean") == f.r.achieved.asa_s.mean);
    assert_true(isnan(jnum(j, "achieved.occupancy.ci95"))); /* NaN -> null */
    assert_true(jnum(j, "achieved.offered.mean") == f.r.achieved.offered.mean);
    assert_true(jnum(j, "current_plan.agent_hours") == 50);
    assert_true(jnum(j, "current_plan.cost") == 1000);
    assert_true(jnum(j, "current_plan.achieved.abandon_rate.mean") ==
                f.r.achieved_current.abandon_rate.mean);

    const json_t *ivs = jget(j, "intervals");
    assert_int_equal(json_array_size(ivs), N_BINS);
    for (size_t b = 0; b < N_BINS; b++) {
        const json_t *iv = json_array_get(ivs, b);
        assert_true(jnum(iv, "achieved.abandon_rate.mean") == f.kpi[b].abandon_rate.mean);
        assert_true(jnum(iv, "p_met") == f.kpi[b].p_met);
        assert_int_equal(json_is_true(jget(iv, "met")), f.kpi[b].met);
        assert_true(jnum(iv, "current.achieved.asa_s.mean") == f.kpi_current[b].asa_s.mean);
        assert_int_equal(json_is_true(jget(jget(iv, "current"), "met")), f.kpi_current[b].met);
    }
    assert_true(json_is_null(
        jget(jget(jget(json_array_get(ivs, 3), "achieved"), "service_level"), "mean")));

    const json_t *min = jget(j, "minimality");
    assert_int_equal(json_array_size(min), N_BINS * N_GROUPS);
    const json_t *c1 = json_array_get(min, 1);
    assert_string_equal(json_string_value(jget(c1, "interval")), "08:00");
    assert_string_equal(json_string_value(jget(c1, "group")), "back");
    assert_int_equal(json_integer_value(jget(c1, "agents")), f.agents[1] - 1);
    assert_true(json_is_true(jget(c1, "met")));
    assert_true(jnum(c1, "achieved.service_level.mean") == f.checks[1].kpi.sl.mean);
    assert_true(json_is_false(jget(c1, "minimal")));
    assert_null(json_object_get(c1, "missed"));
    const json_t *c0 = json_array_get(min, 0);
    assert_true(json_is_true(jget(c0, "minimal")));
    assert_string_equal(json_string_value(jget(c0, "missed_interval")), "08:00");
    assert_null(json_object_get(c0, "missed")); /* the same interval */
    const json_t *c2 = json_array_get(min, 2);
    assert_true(json_is_true(jget(c2, "minimal")));
    assert_string_equal(json_string_value(jget(c2, "missed_interval")), "09:00");
    assert_true(jnum(c2, "missed.achieved.asa_s.mean") == f.checks[2].missed.asa_s.mean);
    assert_true(json_is_false(jget(jget(c2, "missed"), "met")));
    json_decref(j);

    /* The json format writes the same document. */
    char *w = render("json", &f.r);
    assert_string_equal(w, s);
    free(w);
    free(s);

    /* Service level over answered calls: its own key. */
    f.r.targets.sl_answered = true;
    f.r.targets.probability = 0.9;
    f.r.targets.max_asa_s = 30;
    s = acd_staff_json_string(&f.r);
    j = parse(s);
    assert_string_equal(json_string_value(jget(jget(j, "targets"), "sl_definition")), "answered");
    assert_true(jnum(j, "targets.probability") == 0.9);
    assert_true(jnum(j, "targets.asa_s") == 30);
    assert_true(jnum(j, "achieved.service_level_answered.mean") == f.r.achieved.sl.mean);
    assert_null(json_object_get(jget(j, "achieved"), "service_level"));
    json_decref(j);
    free(s);
    acd_scenario_free(f.sc);
}

static void
test_steady(void **state)
{
    (void)state;
    struct acd_scenario *sc = load(STEADY_YAML);
    unsigned agents[1] = {6}, start[1] = {5};
    double current[1] = {5};
    struct acd_staff_kpi k[1] = {kpi_n(0, true)}, kc[1] = {kpi_n(1, false)};
    struct acd_staff_check ck = {0, 0, kpi_n(2, false), 0, kpi_n(2, false)};
    struct acd_staff_result r = {.sc = sc,
                                 .targets = {.sl_target = 0.8,
                                             .sl_threshold_s = 20,
                                             .max_abandon = ACD_NAN,
                                             .max_asa_s = ACD_NAN,
                                             .max_occupancy = ACD_NAN,
                                             .probability = ACD_NAN},
                                 .replications = 3,
                                 .seed = 42,
                                 .n_bins = 1,
                                 .n_groups = 1,
                                 .agents = agents,
                                 .start = start,
                                 .current = current,
                                 .kpi = k,
                                 .kpi_current = kc,
                                 .achieved = k[0],
                                 .achieved_current = kc[0],
                                 .n_checks = 1,
                                 .checks = &ck,
                                 .agent_hours = 11,
                                 .cost = 0,
                                 .current_agent_hours = 9.1666666666666661,
                                 .feasible = true,
                                 .evaluations = 3};
    char *s = acd_staff_json_string(&r);
    json_t *j = parse(s);
    const json_t *row = json_array_get(jget(j, "recommendation"), 0);
    assert_true(json_is_null(jget(row, "interval")));
    assert_int_equal(json_integer_value(jget(row, "agents")), 6);
    assert_int_equal(json_array_size(jget(j, "recommendation")), 1);
    assert_true(jnum(j, "current_plan.agent_hours") == 9.1666666666666661);
    json_decref(j);
    free(s);

    char *t = render("text", &r);
    assert_non_null(strstr(t, "Recommended agents per group"));
    assert_non_null(strstr(t, "solo"));
    assert_non_null(strstr(t, "Feasible"));
    assert_null(strstr(t, "Interval")); /* no interval table */
    free(t);

    char *c = render("csv", &r);
    /* One row, interval empty. */
    assert_non_null(strstr(c, "\n,solo,6,5,5,"));
    free(c);
    acd_scenario_free(sc);
}

/* ----------------------------------------------------------------- CSV */

/* Split one CSV line (RFC 4180 quotes) into fields; returns how many. */
static size_t
csv_split(const char *line, char fields[][128], size_t max)
{
    size_t n = 0, k = 0;
    bool quoted = false;
    fields[0][0] = '\0';
    for (const char *p = line; *p && *p != '\n'; p++) {
        if (quoted) {
            if (*p == '"' && p[1] == '"')
                fields[n][k++] = *p++;
            else if (*p == '"')
                quoted = false;
            else
                fields[n][k++] = *p;
        } else if (*p == '"') {
            quoted = true;
        } else if (*p == ',') {
            fields[n][k] = '\0';
            assert_true(++n < max);
            k = 0;
        } else {
            fields[n][k++] = *p;
        }
        assert_true(k < 127);
    }
    fields[n][k] = '\0';
    return n + 1;
}

static void
test_csv(void **state)
{
    (void)state;
    struct fixture f;
    fill_day(&f, load(DAY_YAML));
    char *s = render("csv", &f.r);
    const char *line = s;
    char fields[32][128];
    size_t n = csv_split(line, fields, 32);
    static const char *const head[] = {"interval",
                                       "group",
                                       "agents",
                                       "current",
                                       "start",
                                       "service_level",
                                       "service_level_ci95",
                                       "abandon_rate",
                                       "abandon_rate_ci95",
                                       "asa_s",
                                       "asa_s_ci95",
                                       "occupancy",
                                       "occupancy_ci95",
                                       "p_met",
                                       "met"};
    assert_int_equal(n, ACD_ARRAY_LEN(head));
    for (size_t i = 0; i < n; i++)
        assert_string_equal(fields[i], head[i]);
    size_t rows = 0;
    for (line = strchr(line, '\n') + 1; *line; line = strchr(line, '\n') + 1, rows++) {
        assert_int_equal(csv_split(line, fields, 32), ACD_ARRAY_LEN(head));
        size_t b = rows / N_GROUPS, g = rows % N_GROUPS;
        assert_string_equal(fields[1], g ? "back" : "front, line");
        assert_int_equal(strtoul(fields[2], NULL, 10), f.agents[rows]);
        assert_true(strtod(fields[3], NULL) == f.current[rows]);
        assert_int_equal(strtoul(fields[4], NULL, 10), f.start[rows]);
        /* The JSON's numbers, to the last bit; NaN empty. */
        if (b == 3)
            assert_string_equal(fields[5], "");
        else
            assert_true(strtod(fields[5], NULL) == f.kpi[b].sl.mean);
        assert_true(strtod(fields[8], NULL) == f.kpi[b].abandon_rate.ci95);
        assert_true(strtod(fields[9], NULL) == f.kpi[b].asa_s.mean);
        assert_string_equal(fields[12], "");
        assert_true(strtod(fields[13], NULL) == f.kpi[b].p_met);
        assert_string_equal(fields[14], f.kpi[b].met ? "true" : "false");
    }
    assert_int_equal(rows, N_BINS * N_GROUPS);
    assert_non_null(strstr(s, "\n08:00,\"front, line\",10,10,9,"));
    assert_non_null(strstr(s, "\n08:00,back,11,2.5,9,"));
    free(s);
    acd_scenario_free(f.sc);
}

/* ---------------------------------------------------------------- text */

static void
test_text(void **state)
{
    (void)state;
    struct fixture f;
    fill_day(&f, load(DAY_YAML));
    char *s = render("text", &f.r);
    assert_non_null(strstr(s, "Staffing: Test \"day\", with comma\n"));
    assert_non_null(strstr(s, "service level >= 80% within 20 s"));
    assert_non_null(strstr(s, "abandoned <= 5%"));
    assert_non_null(strstr(s, "front, line"));
    assert_non_null(strstr(s, "10 (10)"));
    assert_non_null(strstr(s, "11 (2.5)"));
    assert_non_null(strstr(s, "21 (12.5)")); /* the total */
    assert_non_null(strstr(s, "MISSED"));
    assert_non_null(strstr(s, "NOT feasible: 1 interval misses a target"));
    assert_non_null(strstr(s, "09:00"));
    assert_non_null(strstr(s, "Paid agent-hours"));
    assert_non_null(strstr(s, "-5.5"));
    assert_non_null(strstr(s, "-109.88")); /* cost difference */
    assert_non_null(strstr(s, "Not minimal: 1 of 8 checks"));
    assert_non_null(strstr(s, "n/a")); /* the NaN service level */
    assert_non_null(strstr(s, "81.0% ±1.2"));
    assert_null(strstr(s, "P(met)"));
    free(s);

    f.r.targets.probability = 0.8;
    s = render("text", &f.r);
    assert_non_null(strstr(s, "P(met)"));
    assert_non_null(strstr(s, "in at least 80% of the replications"));
    free(s);
    acd_scenario_free(f.sc);
}

/* Eight groups with long names: the plan table wraps, no line is wider
 * than 100 columns. */
static void
test_text_wraps(void **state)
{
    (void)state;
    char *yaml = acd_xstrdup("horizon: {open: \"08:00\", close: \"09:00\", interval: 30m}\n"
                             "call_types:\n"
                             "  - name: calls\n"
                             "    arrivals: {per_interval: [30, 60]}\n"
                             "    handle_time: {dist: exponential, mean: 3m}\n"
                             "agent_groups:\n");
    enum { NG = 8 };
    for (int g = 0; g < NG; g++) {
        char *more = acd_xasprintf("%s  - {name: group_with_a_long_name_%d, skills: [calls], "
                                   "agents: 3}\n",
                                   yaml, g);
        free(yaml);
        yaml = more;
    }
    struct acd_scenario *sc = load(yaml);
    unsigned agents[2 * NG], start[2 * NG];
    double current[2 * NG];
    for (int i = 0; i < 2 * NG; i++) {
        agents[i] = 100 + (unsigned)i;
        start[i] = 99;
        current[i] = 100.5;
    }
    struct acd_staff_kpi k[2] = {kpi_n(0, true), kpi_n(1, true)};
    struct acd_staff_result r = {.sc = sc,
                                 .targets = {.sl_target = 0.8,
                                             .sl_threshold_s = 20,
                                             .max_abandon = ACD_NAN,
                                             .max_asa_s = ACD_NAN,
                                             .max_occupancy = ACD_NAN,
                                             .probability = ACD_NAN},
                                 .n_bins = 2,
                                 .n_groups = NG,
                                 .agents = agents,
                                 .start = start,
                                 .current = current,
                                 .kpi = k,
                                 .kpi_current = k,
                                 .achieved = k[0],
                                 .achieved_current = k[1],
                                 .feasible = true};
    char *s = render("text", &r);
    int blocks = 0;
    for (const char *line = s; *line;) {
        size_t n = strcspn(line, "\n");
        int cols = 0;
        for (size_t i = 0; i < n; i++)
            cols += ((unsigned char)line[i] & 0xC0) != 0x80;
        assert_true(cols <= 100);
        blocks += strncmp(line, "Interval ", 9) == 0 && strstr(line, "group_with") != NULL;
        line += n + (line[n] == '\n');
    }
    assert_true(blocks >= 2);
    assert_non_null(strstr(s, "group_with_a_long_"));
    assert_non_null(strstr(s, "Feasible: every interval meets the targets."));
    free(s);
    acd_scenario_free(sc);
    free(yaml);
}

/* --------------------------------------------------------------- curve */

static void
fill_curve(struct acd_staff_curve *c, struct acd_staff_curve_point *v, size_t n,
           const struct acd_scenario *sc, bool erlang)
{
    for (size_t i = 0; i < n; i++) {
        v[i] = (struct acd_staff_curve_point){
            .agents = (unsigned)(5 + i), .kpi = kpi_n(i, i >= 2), .has_erlang = erlang};
        v[i].erlang.service_level = 0.5 + 0.1 * (double)i;
        v[i].erlang.service_level_answered = 0.6 + 0.1 * (double)i;
        v[i].erlang.abandon_rate = 0.1 / (double)(i + 1);
        v[i].erlang.asa_s = 40.0 / (double)(i + 1);
        v[i].erlang.occupancy = 0.9 - 0.05 * (double)i;
    }
    *c = (struct acd_staff_curve){.sc = sc,
                                  .targets = {.sl_target = 0.8,
                                              .sl_threshold_s = 20,
                                              .max_abandon = 0.05,
                                              .max_asa_s = 30,
                                              .max_occupancy = ACD_NAN,
                                              .probability = ACD_NAN},
                                  .group = 0,
                                  .bin = 0,
                                  .n = n,
                                  .v = v};
}

static void
test_curve(void **state)
{
    (void)state;
    struct acd_scenario *sc = load(STEADY_YAML);
    struct acd_staff_curve_point v[4];
    struct acd_staff_curve c;
    fill_curve(&c, v, 4, sc, true);

    char *s = render_curve("json", &c);
    json_t *j = parse(s);
    assert_string_equal(json_string_value(jget(j, "group")), "solo");
    assert_true(json_is_null(jget(j, "interval")));
    assert_true(jnum(j, "targets.asa_s") == 30);
    const json_t *pts = jget(j, "points");
    assert_int_equal(json_array_size(pts), 4);
    const json_t *p2 = json_array_get(pts, 2);
    assert_int_equal(json_integer_value(jget(p2, "agents")), 7);
    assert_true(jnum(p2, "achieved.service_level.mean") == v[2].kpi.sl.mean);
    assert_true(jnum(p2, "erlang.service_level") == v[2].erlang.service_level);
    assert_true(jnum(p2, "erlang.asa_s") == v[2].erlang.asa_s);
    assert_true(json_is_true(jget(p2, "met")));
    json_decref(j);
    free(s);

    s = render_curve("csv", &c);
    assert_non_null(strstr(s, "agents,service_level,service_level_ci95,"));
    assert_non_null(strstr(s, ",erlang_service_level,erlang_abandon_rate,erlang_asa_s,"
                              "erlang_occupancy,current\n"));
    size_t lines = 0;
    for (const char *p = s; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 5);
    assert_non_null(strstr(s, "\n7,"));
    free(s);

    s = render_curve("text", &c);
    assert_non_null(strstr(s, "Staffing curve: steady, group solo\n"));
    assert_non_null(strstr(s, "Erlang SL"));
    assert_non_null(strstr(s, "70.0%")); /* Erlang SL at 7 agents */
    free(s);

    /* Without Erlang figures: no such columns or keys. */
    fill_curve(&c, v, 4, sc, false);
    s = render_curve("json", &c);
    assert_null(strstr(s, "\"erlang\""));
    free(s);
    s = render_curve("text", &c);
    assert_null(strstr(s, "Erlang"));
    free(s);
    s = render_curve("csv", &c);
    assert_non_null(strstr(s, "\n5,"));
    free(s);
    acd_scenario_free(sc);
}

static void
test_formats_table(void **state)
{
    (void)state;
    static const char *const names[] = {"text", "json", "csv"};
    size_t n = 0;
    for (; acd_staff_formats[n]; n++) {
        assert_string_equal(acd_staff_formats[n]->name, names[n]);
        assert_non_null(acd_staff_formats[n]->write);
        assert_non_null(acd_staff_formats[n]->write_curve);
    }
    assert_int_equal(n, 3);
    assert_null(acd_staff_format_find("xml"));
}

/* ------------------------------------------------------------- folders */

static bool
exists(const char *dir, const char *name)
{
    char *p = acd_xasprintf("%s/%s", dir, name);
    struct stat st;
    bool ok = stat(p, &st) == 0 && st.st_size > 0;
    free(p);
    return ok;
}

static bool
gnuplot_on_path(void)
{
    return system("command -v gnuplot >/dev/null 2>&1") == 0;
}

/* Remove dir and its files; assert none is a temporary file. */
static void
clean(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        assert_null(strstr(e->d_name, ".tmp."));
        char *p = acd_xasprintf("%s/%s", dir, e->d_name);
        unlink(p);
        free(p);
    }
    closedir(d);
    rmdir(dir);
}

static void
test_write_out(void **state)
{
    (void)state;
    char tmp[] = "/tmp/acdsim-staff-XXXXXX";
    assert_non_null(mkdtemp(tmp));
    char *out = acd_xasprintf("%s/out", tmp);
    struct fixture f;
    fill_day(&f, load(DAY_YAML));

    /* With the plan's own results (a short real run of the scenario). */
    struct acd_run_opts o = {.replications = 2, .threads = 1};
    struct acd_results *res = acd_run(f.sc, &o);
    FILE *err = tmpfile();
    assert_non_null(err);
    int rc = acd_staff_write_out(out, &f.r, res, DAY_YAML, strlen(DAY_YAML), err);
    if (rc != 0) {
        rewind(err);
        char line[512];
        while (fgets(line, sizeof(line), err))
            fputs(line, stderr);
    }
    assert_int_equal(rc, 0);
    static const char *const always[] = {"staffing.json", "staffing.csv",  "recommended.yaml",
                                         "results.json",  "intervals.csv", "groups.csv",
                                         "index.html"};
    for (size_t i = 0; i < ACD_ARRAY_LEN(always); i++)
        assert_true(exists(out, always[i]));
    if (gnuplot_on_path()) {
        assert_true(exists(out, "staffing.png"));
        assert_true(exists(out, "staffing.svg"));
        assert_true(exists(out, "service_level.png"));
    }
    /* The recommended scenario loads, with the plan. */
    char *path = acd_xasprintf("%s/recommended.yaml", out);
    struct acd_scenario *rec = NULL;
    struct acd_diags d;
    acd_diags_init(&d);
    rc = acd_scenario_load_file(path, &rec, &d);
    if (rc != 0)
        acd_diags_print(&d, stderr);
    assert_int_equal(rc, 0);
    acd_diags_fini(&d);
    assert_int_equal(rec->groups[1].agents_by_interval[2], f.agents[2 * N_GROUPS + 1]);
    acd_scenario_free(rec);
    free(path);
    acd_results_free(res);
    clean(out);

    /* Without results nor scenario text: the staffing files alone. */
    rc = acd_staff_write_out(out, &f.r, NULL, NULL, 0, err);
    assert_int_equal(rc, 0);
    assert_true(exists(out, "staffing.json"));
    assert_false(exists(out, "recommended.yaml"));
    assert_false(exists(out, "index.html"));
    clean(out);

    /* The curve's folder. */
    struct acd_staff_curve_point v[4];
    struct acd_staff_curve c;
    fill_curve(&c, v, 4, f.sc, true);
    rc = acd_staff_write_curve_out(out, &c, err);
    assert_int_equal(rc, 0);
    assert_true(exists(out, "staff_curve.json"));
    assert_true(exists(out, "staff_curve.csv"));
    if (gnuplot_on_path()) {
        assert_true(exists(out, "staff_curve.png"));
        assert_true(exists(out, "staff_curve.svg"));
    }
    clean(out);

    /* A folder that cannot be made: an error, nothing left. */
    char *bad = acd_xasprintf("%s/no/such/dir", tmp);
    rc = acd_staff_write_out(bad, &f.r, NULL, NULL, 0, err);
    assert_int_equal(rc, -1);
    free(bad);

    fclose(err);
    rmdir(tmp);
    free(out);
    acd_scenario_free(f.sc);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_keys),     cmocka_unit_test(test_steady),
        cmocka_unit_test(test_csv),           cmocka_unit_test(test_text),
        cmocka_unit_test(test_text_wraps),    cmocka_unit_test(test_curve),
        cmocka_unit_test(test_formats_table), cmocka_unit_test(test_write_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
