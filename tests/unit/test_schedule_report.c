/*
 * Unit tests for schedule_report: a schedule written from a hand-built
 * result (no solver, no loop): two groups, four intervals, two roster
 * lines with breaks (one unpaid). The JSON parses with every key and the
 * right values, the CSV escapes names (a group called "=SUM(A1)"), the
 * text shows the roster and the costs, every status can be written (with
 * no roster too), and the report folder has every file - or, where it
 * cannot be made, none.
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
#include "acdsim/schedule.h"
#include "schedule_report.h"
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
#define N_LINES  2

static const char DAY_YAML[] = "name: Rostered \"day\", with comma\n"
                               "horizon: {open: \"08:00\", close: \"12:00\", interval: 1h}\n"
                               "service_level: {threshold: 20s, target: 0.8}\n"
                               "call_types:\n"
                               "  - name: calls\n"
                               "    arrivals: {per_interval: [30, 60, 90, 40]}\n"
                               "    handle_time: {dist: exponential, mean: 3m}\n"
                               "    patience: {dist: exponential, mean: 2m}\n"
                               "agent_groups:\n"
                               "  - name: \"=SUM(A1)\"\n"
                               "    skills: [calls]\n"
                               "    agents: [4, 5, 6, 2]  # the current plan\n"
                               "    cost_per_hour: 20\n"
                               "  - name: back, line\n"
                               "    skills: [calls]\n"
                               "    agents: 2\n"
                               "    cost_per_hour: 25\n"
                               "shift_templates:\n"
                               "  - name: Early\n"
                               "    start: {earliest: \"07:00\", latest: \"09:00\", step: 1h}\n"
                               "    length: 4h\n"
                               "    breaks:\n"
                               "      - {length: 15m, earliest: 1h, latest: 2h}\n"
                               "      - {length: 30m, earliest: 2h30m, latest: 3h, paid: false}\n"
                               "  - name: Late 50%\n"
                               "    start: \"09:00\"\n"
                               "    length: 3h\n"
                               "    breaks: [{length: 10m, earliest: 1h, latest: 1h}]\n"
                               "replications: 2\n";

/* ------------------------------------------------------------- fixture */

struct fixture {
    struct acd_scenario *sc;
    struct acd_schedule_result r;
    struct acd_staff_result staff;
    struct acd_roster_solution roster;
    struct acd_roster_line lines[N_LINES];
    double breaks0[2], breaks1[1];
    bool scheduled[N_GROUPS];
    double required[N_BINS * N_GROUPS], required_phones[N_BINS * N_GROUPS];
    double coverage[N_BINS * N_GROUPS], on_shift[N_BINS * N_GROUPS];
    struct acd_staff_kpi kpi[N_BINS], kpi_current[N_BINS];
    double current[N_BINS * N_GROUPS], agents[N_BINS * N_GROUPS];
    unsigned staff_agents[N_BINS * N_GROUPS];
    struct acd_schedule_round rounds[2];
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
                                  .cost = est(100.5 + x, 2),
                                  .labor_cost = est(90.25 + x, 1),
                                  .paid_hours = est(4.5 + x, 0.1),
                                  .p_met = met ? 0.75 : 0.25,
                                  .met = met};
}

static void
fill(struct fixture *f, struct acd_scenario *sc)
{
    memset(f, 0, sizeof(*f));
    f->sc = sc;
    assert_int_equal(sc->n_groups, N_GROUPS);
    assert_int_equal(sc->n_templates, 2);
    /* Early "=SUM(A1)" 08:00-12:00 x3, breaks 09:00 15m (paid), 10:30 30m
     * (unpaid); Late "back, line" 09:00-12:00 x2, break 10:00 10m (paid). */
    f->breaks0[0] = 3600;
    f->breaks0[1] = 9000;
    f->breaks1[0] = 3600;
    f->lines[0] = (struct acd_roster_line){0, 0, 8 * 3600.0, 3, f->breaks0};
    f->lines[1] = (struct acd_roster_line){1, 1, 9 * 3600.0, 2, f->breaks1};
    for (size_t b = 0; b < N_BINS; b++) {
        for (size_t g = 0; g < N_GROUPS; g++) {
            size_t i = b * N_GROUPS + g;
            f->required_phones[i] = (double)(1 + b + g);
            f->required[i] = f->required_phones[i] / 0.9;
            f->on_shift[i] = g == 0 ? 3 : (b == 0 ? 0 : 2);
            f->coverage[i] = f->on_shift[i] - 0.25 * (double)(b == 1 || b == 2);
        }
        f->kpi[b] = kpi_n(b, b != 2);
    }
    f->roster = (struct acd_roster_solution){
        .status = ACD_ROSTER_FEASIBLE,
        .n_lines = N_LINES,
        .lines = f->lines,
        .cost = 387.5,
        .paid_hours = 17.5,
        .coverage = f->coverage,
        .scheduled = f->on_shift,
        .gap = 0.0125,
    };
    f->staff = (struct acd_staff_result){
        .sc = sc,
        .targets = {.sl_target = 0.8,
                    .sl_threshold_s = 20,
                    .max_abandon = 0.05,
                    .max_asa_s = ACD_NAN,
                    .max_occupancy = ACD_NAN,
                    .probability = ACD_NAN},
        .replications = 4,
        .seed = 20261202,
        .n_bins = N_BINS,
        .n_groups = N_GROUPS,
        .agents = f->staff_agents,
        .current = f->current,
        .kpi_current = f->kpi_current,
        .achieved_current = kpi_n(90, false),
        .current_agent_hours = 16,
        .current_cost = 410.5,
    };
    for (size_t i = 0; i < N_BINS * N_GROUPS; i++) {
        f->current[i] = 2.5;
        f->staff_agents[i] = 2;
    }
    for (size_t b = 0; b < N_BINS; b++)
        f->kpi_current[b] = kpi_n(20 + b, b != 1);
    f->rounds[0] = (struct acd_schedule_round){.cost = 420.125,
                                               .roster_cost = 350,
                                               .missed = 2,
                                               .raised = 3,
                                               .solver = ACD_ROSTER_OPTIMAL};
    f->rounds[1] = (struct acd_schedule_round){.cost = 440.375,
                                               .roster_cost = 387.5,
                                               .missed = 1,
                                               .raised = 0,
                                               .solver = ACD_ROSTER_FEASIBLE};
    f->scheduled[0] = f->scheduled[1] = true;
    f->r = (struct acd_schedule_result){
        .sc = sc,
        .status = ACD_SCHEDULE_UNMET,
        .staff = &f->staff,
        .n_bins = N_BINS,
        .n_groups = N_GROUPS,
        .scheduled_group = f->scheduled,
        .required = f->required,
        .required_phones = f->required_phones,
        .roster = &f->roster,
        .kpi = f->kpi,
        .whole = kpi_n(100, false),
        .n_rounds = 2,
        .rounds = f->rounds,
        .cost = 440.375,
        .requirement_cost = 400.0625,
        .cost_of_rostering = 440.375 - 400.0625,
        .agent_hours = 17.5,
        .requirement_agent_hours = 15.25,
        .bad_bin = SIZE_MAX,
        .bad_group = SIZE_MAX,
        .wall_s = 1.5,
    };
}

static char *
render(const char *format, const struct acd_schedule_result *r)
{
    const struct acd_schedule_format *fmt = acd_schedule_format_find(format);
    assert_non_null(fmt);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(fmt->write(f, r), 0);
    fclose(f);
    return buf;
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

static const json_t *
jget(const json_t *o, const char *key)
{
    const json_t *j = json_object_get(o, key);
    if (!j)
        fprintf(stderr, "no key %s\n", key);
    assert_non_null(j);
    return j;
}

static double
jnum(const json_t *o, const char *key)
{
    const json_t *j = jget(o, key);
    assert_true(json_is_number(j));
    return json_number_value(j);
}

static const char *
jstr(const json_t *o, const char *key)
{
    const json_t *j = jget(o, key);
    assert_true(json_is_string(j));
    return json_string_value(j);
}

/* ---------------------------------------------------------------- JSON */

static void
test_json(void **state)
{
    (void)state;
    struct fixture f;
    fill(&f, load(DAY_YAML));
    char *s = acd_schedule_json_string(&f.r);
    json_t *j = parse(s);
    assert_string_equal(jstr(j, "scenario"), "Rostered \"day\", with comma");
    assert_int_equal(json_integer_value(jget(j, "seed")), 20261202);
    assert_int_equal(json_integer_value(jget(j, "replications")), 4);
    assert_string_equal(jstr(j, "status"), "unmet");
    assert_null(json_object_get(j, "where"));
    assert_true(jnum(jget(j, "targets"), "service_level") == 0.8);
    assert_true(jnum(jget(j, "targets"), "abandon_rate") == 0.05);
    assert_null(json_object_get(jget(j, "targets"), "asa_s"));

    const json_t *roster = jget(j, "roster");
    assert_int_equal(json_array_size(roster), N_LINES);
    const json_t *l0 = json_array_get(roster, 0), *l1 = json_array_get(roster, 1);
    assert_string_equal(jstr(l0, "template"), "Early");
    assert_string_equal(jstr(l0, "group"), "=SUM(A1)");
    assert_string_equal(jstr(l0, "start"), "08:00");
    assert_string_equal(jstr(l0, "end"), "12:00");
    assert_int_equal(json_integer_value(jget(l0, "count")), 3);
    const json_t *br = jget(l0, "breaks");
    assert_int_equal(json_array_size(br), 2);
    assert_string_equal(jstr(json_array_get(br, 0), "start"), "09:00");
    assert_true(jnum(json_array_get(br, 0), "length_s") == 900);
    assert_true(json_is_true(jget(json_array_get(br, 0), "paid")));
    assert_string_equal(jstr(json_array_get(br, 1), "start"), "10:30");
    assert_true(jnum(json_array_get(br, 1), "length_s") == 1800);
    assert_true(json_is_false(jget(json_array_get(br, 1), "paid")));
    assert_string_equal(jstr(l1, "template"), "Late 50%");
    assert_string_equal(jstr(l1, "group"), "back, line");
    assert_string_equal(jstr(l1, "end"), "12:00");
    assert_string_equal(jstr(json_array_get(jget(l1, "breaks"), 0), "start"), "10:00");

    const json_t *cov = jget(j, "coverage");
    assert_int_equal(json_array_size(cov), N_BINS * N_GROUPS);
    const json_t *c = json_array_get(cov, 1 * N_GROUPS + 1); /* 09:00, back */
    assert_string_equal(jstr(c, "interval"), "09:00");
    assert_string_equal(jstr(c, "group"), "back, line");
    assert_true(jnum(c, "required") == f.required_phones[3]);
    assert_true(jnum(c, "required_scheduled") == f.required[3]);
    assert_true(jnum(c, "scheduled") == f.on_shift[3]);
    assert_true(jnum(c, "on_phones") == f.coverage[3]);
    assert_true(json_is_true(jget(c, "rostered")));

    const json_t *ivs = jget(j, "intervals");
    assert_int_equal(json_array_size(ivs), N_BINS);
    const json_t *iv2 = json_array_get(ivs, 2);
    assert_string_equal(jstr(iv2, "interval"), "10:00");
    assert_true(json_is_false(jget(iv2, "met")));
    assert_true(json_is_true(jget(json_array_get(ivs, 1), "met")));
    assert_true(jnum(jget(jget(iv2, "achieved"), "service_level"), "mean") == f.kpi[2].sl.mean);
    assert_true(jnum(jget(jget(j, "achieved"), "asa_s"), "mean") == f.r.whole.asa_s.mean);
    assert_true(jnum(jget(jget(j, "costs"), "cost"), "mean") == f.r.whole.cost.mean);

    assert_true(jnum(j, "cost") == 440.375);
    assert_true(jnum(j, "agent_hours") == 17.5);
    assert_true(jnum(j, "requirement_cost") == 400.0625);
    assert_true(jnum(j, "requirement_agent_hours") == 15.25);
    assert_true(jnum(j, "cost_of_rostering") == 440.375 - 400.0625);
    assert_true(jnum(j, "solver_gap") == 0.0125);
    assert_true(jnum(j, "wall_s") == 1.5);

    const json_t *rounds = jget(j, "rounds");
    assert_int_equal(json_array_size(rounds), 2);
    assert_string_equal(jstr(json_array_get(rounds, 0), "solver"), "optimal");
    assert_string_equal(jstr(json_array_get(rounds, 1), "solver"), "feasible");
    assert_true(jnum(json_array_get(rounds, 0), "roster_cost") == 350);
    assert_true(jnum(json_array_get(rounds, 1), "cost") == 440.375);
    assert_int_equal(json_integer_value(jget(json_array_get(rounds, 0), "missed")), 2);
    assert_int_equal(json_integer_value(jget(json_array_get(rounds, 0), "raised")), 3);
    json_decref(j);
    free(s);

    /* Uncovered: where. */
    f.r.status = ACD_SCHEDULE_UNCOVERED;
    f.r.bad_bin = 3;
    f.r.bad_group = 1;
    s = acd_schedule_json_string(&f.r);
    j = parse(s);
    assert_string_equal(jstr(j, "status"), "uncovered");
    assert_string_equal(jstr(jget(j, "where"), "interval"), "11:00");
    assert_string_equal(jstr(jget(j, "where"), "group"), "back, line");
    json_decref(j);
    free(s);
    acd_scenario_free(f.sc);
}

/* ----------------------------------------------------------------- CSV */

static void
test_csv(void **state)
{
    (void)state;
    struct fixture f;
    fill(&f, load(DAY_YAML));
    char *s = render("csv", &f.r);
    assert_string_equal(s, "template,group,start,end,count,breaks\n"
                           "Early,\"'=SUM(A1)\",08:00,12:00,3,09:00/15m/paid;10:30/30m/unpaid\n"
                           "Late 50%,\"back, line\",09:00,12:00,2,10:00/10m/paid\n");
    free(s);
    /* No roster: the header alone. */
    f.r.roster = NULL;
    s = render("csv", &f.r);
    assert_string_equal(s, "template,group,start,end,count,breaks\n");
    free(s);
    acd_scenario_free(f.sc);
}

/* ---------------------------------------------------------------- text */

static void
test_text(void **state)
{
    (void)state;
    struct fixture f;
    fill(&f, load(DAY_YAML));
    char *s = render("text", &f.r);
    assert_non_null(strstr(s, "Schedule: Rostered \"day\", with comma\n"));
    assert_non_null(strstr(s, "Targets: service level >= 80% within 20 s"));
    assert_non_null(strstr(s, "Status: unmet - after 2 rounds 1 interval still misses a goal: "
                              "10:00.\n"));
    assert_non_null(strstr(s, "08:00\u201312:00"));
    assert_non_null(strstr(s, "09:00 15m, 10:30 30m unpaid\n"));
    assert_non_null(strstr(s, "10:00 10m\n"));
    assert_non_null(strstr(s, "17.5 paid agent-hours"));
    assert_non_null(strstr(s, "Cost of rostering"));
    assert_non_null(strstr(s, "40.31")); /* 440.375 - 400.0625 */
    assert_non_null(strstr(s, "Achieved per interval by the roster"));
    assert_non_null(strstr(s, "  short\n")); /* 10:00: 2.75 on the phones for 3 required */
    assert_non_null(strstr(s, "Rounds of the closed loop"));
    assert_non_null(strstr(s, "feasible"));
    assert_non_null(strstr(s, "Wall time 1.5 s\n"));
    assert_null(strstr(s, "Not rostered"));
    free(s);

    /* A group no template staffs: listed, out of the coverage table, null
     * figures in the JSON. */
    f.scheduled[1] = false;
    s = render("text", &f.r);
    assert_non_null(strstr(s, "Not rostered (held, or no template staffs them): back, line\n"));
    const char *cov = strstr(s, "Coverage per interval");
    assert_non_null(cov);
    assert_null(strstr(cov, "back, line"));
    free(s);
    s = render("json", &f.r);
    json_t *j = parse(s);
    const json_t *c = json_array_get(jget(j, "coverage"), 1);
    assert_string_equal(jstr(c, "group"), "back, line");
    assert_true(json_is_false(jget(c, "rostered")));
    assert_true(json_is_null(jget(c, "required")));
    assert_true(json_is_null(jget(c, "on_phones")));
    json_decref(j);
    free(s);
    acd_scenario_free(f.sc);
}

/* Every status, with and without a roster and a simulation. */
static void
test_statuses(void **state)
{
    (void)state;
    struct fixture f;
    fill(&f, load(DAY_YAML));
    static const struct {
        enum acd_schedule_status st;
        const char *name, *text;
    } cases[] = {
        {ACD_SCHEDULE_MET, "met", "Status: met - the roster, simulated, meets every goal"},
        {ACD_SCHEDULE_UNMET, "unmet", "Status: unmet - after "},
        {ACD_SCHEDULE_NO_STAFFING, "no_staffing",
         "Status: no_staffing - no number of agents meets the goals at 09:00"},
        {ACD_SCHEDULE_UNCOVERED, "uncovered",
         "Status: uncovered - back, line needs agents at 09:00 that no shift template"},
        {ACD_SCHEDULE_INFEASIBLE, "infeasible", "Status: infeasible - the templates' min and max"},
        {ACD_SCHEDULE_SOLVER, "solver", "Status: solver - the integer program found no roster"},
    };
    for (size_t i = 0; i < ACD_ARRAY_LEN(cases); i++) {
        for (int bare = 0; bare < 2; bare++) {
            f.r.status = cases[i].st;
            f.r.bad_bin = 1;
            f.r.bad_group = 1;
            f.r.roster = bare ? NULL : &f.roster;
            f.r.kpi = bare ? NULL : f.kpi;
            f.r.n_rounds = bare ? 0 : 2;
            assert_string_equal(acd_schedule_status_name(cases[i].st), cases[i].name);
            char *s = render("text", &f.r);
            assert_non_null(strstr(s, cases[i].text));
            if (bare)
                assert_non_null(strstr(s, "No roster.\n"));
            free(s);
            s = render("json", &f.r);
            json_t *j = parse(s);
            assert_string_equal(jstr(j, "status"), cases[i].name);
            if (bare) {
                assert_int_equal(json_array_size(jget(j, "roster")), 0);
                assert_true(json_is_null(jget(j, "solver_gap")));
                assert_true(
                    json_is_null(jget(json_array_get(jget(j, "coverage"), 0), "scheduled")));
                assert_true(json_is_null(jget(j, "achieved")));
            }
            json_decref(j);
            free(s);
        }
    }
    acd_scenario_free(f.sc);
}

static void
test_formats_table(void **state)
{
    (void)state;
    static const char *const names[] = {"text", "json", "csv"};
    size_t n = 0;
    for (; acd_schedule_formats[n]; n++) {
        assert_string_equal(acd_schedule_formats[n]->name, names[n]);
        assert_non_null(acd_schedule_formats[n]->write);
    }
    assert_int_equal(n, 3);
    assert_null(acd_schedule_format_find("xml"));
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

/* Entries of dir (but . and ..). */
static size_t
n_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
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

static char *
slurp(const char *dir, const char *name)
{
    char *p = acd_xasprintf("%s/%s", dir, name);
    FILE *f = fopen(p, "rb");
    assert_non_null(f);
    char *buf = acd_xcalloc(1 << 20, 1);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    buf[n] = '\0';
    fclose(f);
    free(p);
    return buf;
}

static void
test_write_out(void **state)
{
    (void)state;
    char tmp[] = "/tmp/acdsim-schedule-XXXXXX";
    assert_non_null(mkdtemp(tmp));
    char *out = acd_xasprintf("%s/out", tmp);
    struct fixture f;
    fill(&f, load(DAY_YAML));

    /* The roster's scenario, as the command writes it (roster.yaml) and
     * runs it (its results: a short real run). */
    struct acd_scenario *plan = acd_schedule_plan(f.sc, &f.roster, f.scheduled, &f.staff.targets);
    struct acd_diags d;
    acd_diags_init(&d);
    assert_null(acd_schedule_roster_yaml(&f.r, DAY_YAML, strlen(DAY_YAML), &d)); /* no plan */
    f.r.plan = plan;
    char *yaml = acd_schedule_roster_yaml(&f.r, DAY_YAML, strlen(DAY_YAML), &d);
    if (!yaml)
        acd_diags_print(&d, stderr);
    acd_diags_fini(&d);
    assert_non_null(yaml);
    assert_non_null(strstr(yaml, "# Shift roster by acdsim schedule for Rostered \"day\", with "
                                 "comma\n# from test.yaml (seed 20261202, 4 replications; status "
                                 "unmet).\n"));
    /* The scenario's name says it is the roster (quoted: the name has a
     * quote and a comma). */
    assert_non_null(strstr(yaml, "name: \"Rostered \\\"day\\\", with comma (roster)\"\n"));
    assert_null(strstr(yaml, "agents: [4, 5, 6, 2]")); /* the current plan: replaced */
    int rc;
    struct acd_run_opts o = {.replications = 2, .threads = 1};
    struct acd_results *res = acd_run(plan, &o);
    FILE *err = tmpfile();
    assert_non_null(err);
    rc = acd_schedule_write_out(out, &f.r, res, yaml, err);
    if (rc != 0) {
        rewind(err);
        char line[512];
        while (fgets(line, sizeof(line), err))
            fputs(line, stderr);
    }
    assert_int_equal(rc, 0);
    static const char *const always[] = {"schedule.json", "schedule.csv",  "roster.yaml",
                                         "results.json",  "intervals.csv", "groups.csv",
                                         "index.html"};
    for (size_t i = 0; i < ACD_ARRAY_LEN(always); i++)
        assert_true(exists(out, always[i]));
    if (gnuplot_on_path()) {
        static const char *const charts[] = {"coverage.png", "coverage.svg", "gantt.png",
                                             "gantt.svg", "service_level.png"};
        for (size_t i = 0; i < ACD_ARRAY_LEN(charts); i++)
            assert_true(exists(out, charts[i]));
    }
    char *html = slurp(out, "index.html");
    assert_non_null(strstr(html, "Schedule recommendation: Rostered &quot;day&quot;, with comma"));
    assert_non_null(strstr(html, "id=\"roster\""));
    assert_non_null(strstr(html, "id=\"coverage\""));
    assert_non_null(strstr(html, "Cost of rostering"));
    free(html);
    /* roster.yaml loads, with the roster's shifts. */
    char *path = acd_xasprintf("%s/roster.yaml", out);
    struct acd_scenario *back = NULL;
    acd_diags_init(&d);
    rc = acd_scenario_load_file(path, &back, &d);
    if (rc != 0)
        acd_diags_print(&d, stderr);
    acd_diags_fini(&d);
    assert_int_equal(rc, 0);
    assert_int_equal(back->groups[0].n_shifts, 1);
    assert_int_equal(back->groups[0].shifts[0].count, 3);
    assert_int_equal(back->groups[0].shifts[0].n_breaks, 2);
    assert_true(back->groups[0].shifts[0].breaks[1].unpaid);
    assert_false(back->groups[0].shifts[0].breaks[0].unpaid);
    assert_true(back->groups[1].shifts[0].start_s == 9 * 3600.0);
    acd_scenario_free(back);
    free(path);
    acd_results_free(res);
    clean(out);

    /* Without results nor roster YAML: the schedule's files and charts. */
    rc = acd_schedule_write_out(out, &f.r, NULL, NULL, err);
    assert_int_equal(rc, 0);
    assert_true(exists(out, "schedule.json"));
    assert_true(exists(out, "schedule.csv"));
    assert_false(exists(out, "roster.yaml"));
    assert_false(exists(out, "index.html"));
    clean(out);

    /* Folders that cannot be made: an error, nothing left. */
    char *bad = acd_xasprintf("%s/no/such/dir", tmp);
    rc = acd_schedule_write_out(bad, &f.r, NULL, yaml, err);
    assert_int_equal(rc, -1);
    free(bad);
    char *file = acd_xasprintf("%s/file", tmp);
    FILE *ff = fopen(file, "w");
    assert_non_null(ff);
    fclose(ff);
    bad = acd_xasprintf("%s/out", file);
    rc = acd_schedule_write_out(bad, &f.r, NULL, yaml, err);
    assert_int_equal(rc, -1);
    free(bad);
    unlink(file);
    free(file);
    if (geteuid() != 0) { /* root writes into a read-only folder */
        char *ro = acd_xasprintf("%s/ro", tmp);
        assert_int_equal(mkdir(ro, 0500), 0);
        bad = acd_xasprintf("%s/out", ro);
        rc = acd_schedule_write_out(bad, &f.r, NULL, yaml, err);
        assert_int_equal(rc, -1);
        assert_int_equal(n_entries(ro), 0);
        free(bad);
        rmdir(ro);
        free(ro);
    }
    assert_int_equal(n_entries(tmp), 0);

    fclose(err);
    rmdir(tmp);
    free(out);
    free(yaml);
    acd_schedule_plan_free(plan);
    acd_scenario_free(f.sc);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json),          cmocka_unit_test(test_csv),
        cmocka_unit_test(test_text),          cmocka_unit_test(test_statuses),
        cmocka_unit_test(test_formats_table), cmocka_unit_test(test_write_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
