/*
 * Unit tests for scenario_patch: every shipped scenario and a set of
 * in-memory ones (block and flow style, anchors, aliases, shifts, a group
 * with no staffing key, files named relative to the scenario) patched with
 * a plan, loaded again, and compared with the original: the staffing is
 * the plan, the targets are those asked for, everything else is as it
 * was. The patched text is loaded with a base directory that does not
 * exist, so a relative `file:` left behind would fail.
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
#include "acdsim/scenario.h"
#include "acdsim/scenario_load.h"
#include "acdsim/staff.h"
#include "scenario_patch.h"
#include "util.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SCENARIO_DIR "../scenarios"
#define NOWHERE      "/nonexistent-acdsim-dir"

/* ------------------------------------------------------------- helpers */

static char *
read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        buf = acd_xgrow(buf, &cap, n + 4096, 1);
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
    } while (got > 0);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static struct acd_scenario *
load(const char *name, const char *dir, const char *text)
{
    struct acd_diags d;
    acd_diags_init(&d);
    struct acd_scenario *sc = NULL;
    int rc = acd_scenario_load_string(name, dir, text, strlen(text), &sc, &d);
    if (rc != 0) {
        acd_diags_print(&d, stderr);
        fprintf(stderr, "--- text:\n%s\n---\n", text);
    }
    acd_diags_fini(&d);
    assert_int_equal(rc, 0);
    return sc;
}

/* dir as an absolute path; caller frees. */
static char *
absolute(const char *dir)
{
    if (dir[0] == '/')
        return acd_xstrdup(dir);
    char *cwd = getcwd(NULL, 0);
    assert_non_null(cwd);
    char *abs = acd_xasprintf("%s/%s", cwd, dir);
    free(cwd);
    return abs;
}

static size_t
n_bins(const struct acd_scenario *sc)
{
    return sc->horizon == ACD_HORIZON_DAY ? sc->n_intervals : 1;
}

/* A plan unlike any scenario's: 1..9 varying with bin and group. */
static unsigned *
make_plan(const struct acd_scenario *sc)
{
    size_t n = n_bins(sc) * sc->n_groups;
    unsigned *a = acd_xcalloc(n ? n : 1, sizeof(*a));
    for (size_t b = 0; b < n_bins(sc); b++)
        for (size_t g = 0; g < sc->n_groups; g++)
            a[b * sc->n_groups + g] = 1 + (unsigned)((b * 7 + g * 3) % 9);
    return a;
}

static void
assert_same_double(double a, double b)
{
    if (isnan(a) || isnan(b))
        assert_true(isnan(a) && isnan(b));
    else
        assert_true(a == b);
}

static void
assert_same_dist(const struct acd_dist *a, const struct acd_dist *b)
{
    assert_ptr_equal(a->type, b->type);
    assert_same_double(a->mean_s, b->mean_s);
    assert_same_double(a->cv, b->cv);
    assert_int_equal(a->n_samples, b->n_samples);
}

/* The patched scenario p against the original o and the plan. */
static void
check_patched(const struct acd_scenario *o, const struct acd_scenario *p, const unsigned *plan,
              const struct acd_staff_targets *t)
{
    assert_string_equal(o->name, p->name);
    assert_int_equal(o->horizon, p->horizon);
    assert_true(o->seed == p->seed);
    assert_int_equal(o->replications, p->replications);
    assert_same_double(o->duration_s, p->duration_s);
    assert_same_double(o->open_s, p->open_s);
    assert_same_double(o->close_s, p->close_s);
    assert_int_equal(o->n_intervals, p->n_intervals);
    assert_same_double(o->busyness_cv, p->busyness_cv);
    assert_int_equal(o->queue_capacity, p->queue_capacity);
    assert_int_equal(o->queue_lines, p->queue_lines);
    assert_string_equal(o->routing, p->routing);
    assert_same_double(t->sl_target, p->sl_target);
    assert_same_double(t->sl_threshold_s, p->sl_threshold_s);
    assert_same_double(t->max_abandon, p->max_abandon);
    assert_same_double(t->max_asa_s, p->max_asa_s);
    assert_same_double(t->max_occupancy, p->max_occupancy);

    assert_int_equal(o->n_call_types, p->n_call_types);
    for (size_t k = 0; k < o->n_call_types; k++) {
        const struct acd_call_type *a = &o->call_types[k], *b = &p->call_types[k];
        assert_string_equal(a->name, b->name);
        assert_same_double(a->rate_per_s, b->rate_per_s);
        assert_int_equal(a->calls_per_interval != NULL, b->calls_per_interval != NULL);
        for (size_t i = 0; a->calls_per_interval && i < o->n_intervals; i++)
            assert_same_double(a->calls_per_interval[i], b->calls_per_interval[i]);
        assert_same_dist(&a->handle, &b->handle);
        assert_int_equal(a->handle_by_interval != NULL, b->handle_by_interval != NULL);
        for (size_t i = 0; a->handle_by_interval && i < o->n_intervals; i++)
            assert_same_dist(&a->handle_by_interval[i], &b->handle_by_interval[i]);
        assert_int_equal(a->has_patience, b->has_patience);
        if (a->has_patience)
            assert_same_dist(&a->patience, &b->patience);
        assert_int_equal(a->priority, b->priority);
        assert_int_equal(a->n_resolution, b->n_resolution);
    }

    assert_int_equal(o->n_groups, p->n_groups);
    for (size_t g = 0; g < o->n_groups; g++) {
        const struct acd_agent_group *a = &o->groups[g], *b = &p->groups[g];
        assert_string_equal(a->name, b->name);
        assert_int_equal(a->tier, b->tier);
        assert_int_equal(a->n_skills, b->n_skills);
        for (size_t i = 0; i < a->n_skills; i++)
            assert_int_equal(a->skills[i], b->skills[i]);
        assert_same_double(a->absenteeism, b->absenteeism);
        assert_same_double(a->cost_per_hour, b->cost_per_hour);
        assert_int_equal(a->n_handle, b->n_handle);
        assert_int_equal(a->has_wrap_up, b->has_wrap_up);
        assert_int_equal(b->n_shifts, 0);
        if (o->horizon == ACD_HORIZON_DAY) {
            assert_non_null(b->agents_by_interval);
            for (size_t i = 0; i < o->n_intervals; i++)
                assert_int_equal(b->agents_by_interval[i], plan[i * o->n_groups + g]);
        } else {
            assert_int_equal(b->agents, plan[g]);
        }
    }
}

/* Patch text (loaded from dir) with a plan and targets t (NULL: the
 * scenario's), load the result away from dir and compare. Returns the
 * patched text; caller frees. */
static char *
patch_and_check(const char *name, const char *dir, const char *text,
                const struct acd_staff_targets *t)
{
    struct acd_scenario *o = load(name, dir, text);
    unsigned *plan = make_plan(o);
    struct acd_staff_targets same;
    acd_staff_targets_from_scenario(o, &same);
    if (!t)
        t = &same;
    char *abs = absolute(dir);
    struct acd_diags d;
    acd_diags_init(&d);
    char *out = NULL;
    int rc =
        acd_scenario_patch_staffing(text, strlen(text), name, abs, o, plan, t,
                                    "Staffing recommended by a test\nsecond line", NULL, &out, &d);
    if (rc != 0)
        acd_diags_print(&d, stderr);
    assert_int_equal(rc, 0);
    assert_non_null(out);
    acd_diags_fini(&d);
    assert_true(strncmp(out, "# Staffing recommended by a test\n# second line\n", 47) == 0);

    struct acd_scenario *p = load(name, NOWHERE, out);
    check_patched(o, p, plan, t);

    /* Patching the patched text with the same plan changes nothing more. */
    char *again = NULL;
    acd_diags_init(&d);
    rc = acd_scenario_patch_staffing(out, strlen(out), name, abs, p, plan, t, NULL, NULL, &again,
                                     &d);
    assert_int_equal(rc, 0);
    acd_diags_fini(&d);
    assert_string_equal(again, out);
    free(again);

    acd_scenario_free(p);
    acd_scenario_free(o);
    free(abs);
    free(plan);
    return out;
}

static struct acd_staff_targets
other_targets(void)
{
    return (struct acd_staff_targets){.sl_target = 0.9,
                                      .sl_threshold_s = 30,
                                      .max_abandon = 0.03,
                                      .max_asa_s = ACD_NAN,
                                      .max_occupancy = 0.88,
                                      .probability = ACD_NAN};
}

/* --------------------------------------------------- shipped scenarios */

static void
test_shipped(void **state)
{
    (void)state;
    static const char *const files[] = {"utility.yaml", "utility_day.yaml", "helpdesk.yaml",
                                        "outage_surge.yaml", "training.yaml"};
    for (size_t i = 0; i < ACD_ARRAY_LEN(files); i++) {
        char *path = acd_xasprintf("%s/%s", SCENARIO_DIR, files[i]);
        size_t len;
        char *text = read_text(path, &len);
        assert_int_equal(strlen(text), len);
        char *out = patch_and_check(path, SCENARIO_DIR, text, NULL);
        /* Comments survive. */
        const char *c = strstr(text, "\n#");
        if (c) {
            size_t n = strcspn(c + 1, "\n");
            char *line = acd_xstrndup(c + 1, n);
            assert_non_null(strstr(out, line));
            free(line);
        }
        free(out);
        struct acd_staff_targets t = other_targets();
        out = patch_and_check(path, SCENARIO_DIR, text, &t);
        free(out);
        free(text);
        free(path);
    }
}

/* --------------------------------------------------------- in memory */

#define TYPES                                                                                      \
    "call_types:\n"                                                                                \
    "  - name: calls\n"                                                                            \
    "    arrivals: {per_interval: [10, 20, 30, 40]}\n"                                             \
    "    handle_time: {dist: exponential, mean: 3m}\n"                                             \
    "    patience: {dist: exponential, mean: 2m}\n"

#define DAY "horizon: {open: \"08:00\", close: \"10:00\", interval: 30m}\n"

static void
test_block_day(void **state)
{
    (void)state;
    static const char text[] = "# leading comment\n"
                               "name: block day   # trailing comment\n" DAY TYPES "agent_groups:\n"
                               "  - name: a\n"
                               "    skills: [calls]\n"
                               "    agents:\n"
                               "      - 3\n"
                               "      - 4   # more at nine\n"
                               "      - 5\n"
                               "      - 6\n"
                               "\n"
                               "    # a comment between keys\n"
                               "    cost_per_hour: 20\n"
                               "  - shifts:\n"
                               "      - {start: \"08:00\", end: \"10:00\", count: 2}\n"
                               "    name: b\n"
                               "    skills: [calls]\n"
                               "  - name: c\n"
                               "    skills: [calls]\n"
                               "    shifts:\n"
                               "      - start: \"08:00\"\n"
                               "        end: \"10:00\"\n"
                               "        count: 3\n"
                               "        breaks:\n"
                               "          - {start: \"09:00\", length: 15m}\n"
                               "    tier: 1\n"
                               "  - name: d\n"
                               "    skills: [calls]\n"
                               "    tier: 1\n";
    char *out = patch_and_check("block", ".", text, NULL);
    assert_non_null(strstr(out, "# a comment between keys\n    cost_per_hour: 20\n"));
    assert_non_null(strstr(out, "name: block day   # trailing comment\n"));
    assert_null(strstr(out, "shifts"));
    free(out);
}

static void
test_flow(void **state)
{
    (void)state;
    static const char text[] = "{name: flow, horizon: {open: \"08:00\", close: \"10:00\", "
                               "interval: 30m}, call_types: [{name: calls, arrivals: "
                               "{per_interval: [10, 20, 30, 40]}, handle_time: {dist: "
                               "exponential, mean: 3m}}], agent_groups: [{name: a, skills: "
                               "[calls], agents: 5}, {name: b, skills: [calls], shifts: [{start: "
                               "\"08:00\", end: \"10:00\", count: 2}], tier: 1}, {name: c, "
                               "skills: [calls]}, {name: d, skills: [calls], agents: [1, 2, 3, "
                               "4], cost_per_hour: 3}]}\n";
    free(patch_and_check("flow", ".", text, NULL));
    struct acd_staff_targets t = other_targets();
    free(patch_and_check("flow", ".", text, &t));
}

static void
test_steady_aliases(void **state)
{
    (void)state;
    /* An anchored count used by another group and by the queue: the
     * anchor goes with the replaced value, so the alias outside gets a
     * copy. */
    static const char text[] = "horizon: {duration: 1h}\n"
                               "call_types:\n"
                               "  - name: calls\n"
                               "    arrivals: {rate: 2/s}\n"
                               "    handle_time: &ht {dist: exponential, mean: 50s}\n"
                               "agent_groups:\n"
                               "  - {name: a, skills: [calls], agents: &n 5}\n"
                               "  - name: b\n"
                               "    skills: [calls]\n"
                               "    agents: *n\n"
                               "    handle_time: {calls: *ht}\n"
                               "queue: {lines: *n}\n";
    char *out = patch_and_check("aliases", ".", text, NULL);
    assert_non_null(strstr(out, "queue: {lines: 5}"));
    assert_non_null(strstr(out, "handle_time: {calls: *ht}"));
    struct acd_scenario *p = load("out", ".", out);
    assert_int_equal(p->queue_lines, 5);
    acd_scenario_free(p);
    free(out);
}

static void
test_no_targets_key(void **state)
{
    (void)state;
    static const char text[] = "horizon: {duration: 1h}\n"
                               "targets: {max_abandon: 0.1}\n"
                               "call_types:\n"
                               "  - name: calls\n"
                               "    arrivals: {rate: 2/s}\n"
                               "    handle_time: {dist: exponential, mean: 50s}\n"
                               "agent_groups:\n"
                               "  - name: a\n"
                               "    skills: [calls]\n"
                               "    agents: 3\n";
    /* Goals removed (targets key dropped), SL changed (key added). */
    struct acd_staff_targets t = {.sl_target = 0.7,
                                  .sl_threshold_s = 15,
                                  .max_abandon = ACD_NAN,
                                  .max_asa_s = ACD_NAN,
                                  .max_occupancy = ACD_NAN,
                                  .probability = ACD_NAN};
    char *out = patch_and_check("targets", ".", text, &t);
    assert_null(strstr(out, "targets:"));
    assert_non_null(strstr(out, "service_level: {threshold: 15s, target: 0.7}"));
    free(out);
    /* And the other way: goals added where there were none. */
    static const char none[] = "horizon: {duration: 1h}\n"
                               "call_types:\n"
                               "  - name: calls\n"
                               "    arrivals: {rate: 2/s}\n"
                               "    handle_time: {dist: exponential, mean: 50s}\n"
                               "agent_groups:\n"
                               "  - name: a\n"
                               "    skills: [calls]\n"
                               "    agents: 3\n";
    t = other_targets();
    free(patch_and_check("targets2", ".", none, &t));
}

static void
test_relative_files(void **state)
{
    (void)state;
    /* A scenario in a temporary directory naming its CSV files relatively. */
    char dir[] = "/tmp/acdsim-patch-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *csv = acd_xasprintf("%s/arrivals.csv", dir);
    FILE *f = fopen(csv, "w");
    assert_non_null(f);
    fputs("interval,calls\n08:00,10\n08:30,20\n09:00,30\n09:30,40\n", f);
    fclose(f);
    char *staff = acd_xasprintf("%s/staff.csv", dir);
    f = fopen(staff, "w");
    assert_non_null(f);
    fputs("interval,agents\n08:00,2\n08:30,3\n09:00,4\n09:30,5\n", f);
    fclose(f);
    static const char text[] = DAY "call_types:\n"
                                   "  - name: calls\n"
                                   "    arrivals: {file: arrivals.csv}\n"
                                   "    handle_time: {dist: exponential, mean: 3m}\n"
                                   "agent_groups:\n"
                                   "  - name: a\n"
                                   "    skills: [calls]\n"
                                   "    agents: {file: staff.csv}\n";
    struct acd_scenario *o = NULL;
    struct acd_diags d;
    acd_diags_init(&d);
    int rc = acd_scenario_load_string("rel", dir, text, strlen(text), &o, &d);
    if (rc != 0) {
        /* The CSV layouts are the parser's business: if this one is not
         * accepted, the test says so rather than guessing. */
        acd_diags_print(&d, stderr);
    }
    acd_diags_fini(&d);
    if (rc == 0) {
        acd_scenario_free(o);
        char *out = patch_and_check("rel", dir, text, NULL);
        char *abs = acd_xasprintf("\"%s/arrivals.csv\"", dir);
        assert_non_null(strstr(out, abs));
        free(abs);
        free(out);
    }
    assert_int_equal(rc, 0);
    unlink(csv);
    unlink(staff);
    rmdir(dir);
    free(csv);
    free(staff);
}

/* Text before the edits that is not ASCII, or a byte-order mark: the
 * edits land where they belong (libyaml counts characters, the patcher
 * splices bytes), and the patched file is exactly what is expected. */
static void
test_utf8(void **state)
{
    (void)state;
    static const char body[] = "name: Caf\xC3\xA9 \xC3\x89lys\xC3\xA9"
                               "e \xE2\x80\x94 day\n"
                               "horizon: {duration: 1h}\n"
                               "call_types:\n"
                               "  - name: appels\n"
                               "    arrivals: {rate: 2/s}   # \xE2\x82\xAC\n"
                               "    handle_time: {dist: exponential, mean: 50s}\n"
                               "agent_groups:\n"
                               "  - name: \xC3\xA9quipe\n"
                               "    skills: [appels]\n"
                               "    agents: 3\n";
    static const char want[] = "# c\n"
                               "service_level: {threshold: 30s, target: 0.9}\n"
                               "targets: {max_abandon: 0.03, max_occupancy: 0.88}\n"
                               "name: Caf\xC3\xA9 \xC3\x89lys\xC3\xA9"
                               "e \xE2\x80\x94 day\n"
                               "horizon: {duration: 1h}\n"
                               "call_types:\n"
                               "  - name: appels\n"
                               "    arrivals: {rate: 2/s}   # \xE2\x82\xAC\n"
                               "    handle_time: {dist: exponential, mean: 50s}\n"
                               "agent_groups:\n"
                               "  - name: \xC3\xA9quipe\n"
                               "    skills: [appels]\n"
                               "    agents: 7\n";
    struct acd_staff_targets t = other_targets();
    unsigned plan[1] = {7};
    for (int bom = 0; bom <= 1; bom++) {
        char *text = acd_xasprintf("%s%s", bom ? "\xEF\xBB\xBF" : "", body);
        char *expect = acd_xasprintf("%s%s", bom ? "\xEF\xBB\xBF" : "", want);
        struct acd_scenario *sc = load("utf8", ".", text);
        struct acd_diags d;
        acd_diags_init(&d);
        char *out = NULL;
        int rc = acd_scenario_patch_staffing(text, strlen(text), "utf8", NULL, sc, plan, &t, "c",
                                             NULL, &out, &d);
        assert_int_equal(rc, 0);
        assert_string_equal(out, expect);
        acd_diags_fini(&d);
        free(out);
        acd_scenario_free(sc);
        free(expect);
        free(text);
    }
}

static void
test_bad_input(void **state)
{
    (void)state;
    struct acd_scenario *sc = load("m", ".",
                                   "horizon: {duration: 1h}\n"
                                   "call_types: [{name: c, arrivals: {rate: 1/s}, handle_time: "
                                   "{dist: exponential, mean: 1s}}]\n"
                                   "agent_groups: [{name: a, skills: [c], agents: 1}]\n");
    unsigned plan[1] = {4};
    static const char *const bad[] = {
        "",
        "- just a list\n",
        "agent_groups: 5\n",
        "agent_groups: [{name: a}, {name: b}]\n",
        "agent_groups: [[1, 2]]\n",
        "agent_groups: *nowhere\n",
        "a: [unclosed\n",
        "{a: 1\n",
        "agent_groups: [{name: a, agents: *x}]\n",
    };
    for (size_t i = 0; i < ACD_ARRAY_LEN(bad); i++) {
        struct acd_diags d;
        acd_diags_init(&d);
        char *out = NULL;
        int rc = acd_scenario_patch_staffing(bad[i], strlen(bad[i]), "bad", ".", sc, plan, NULL,
                                             NULL, NULL, &out, &d);
        /* Either a clean refusal or some text; never a crash. */
        if (rc != 0) {
            assert_null(out);
            assert_true(acd_diags_has_errors(&d));
        }
        free(out);
        acd_diags_fini(&d);
    }
    acd_scenario_free(sc);
}

/* Truncations and byte flips of a shipped scenario, patched with the
 * original's plan: a clean refusal or some text, never a crash (run under
 * ASan+UBSan in CI). */
static void
test_fuzz(void **state)
{
    (void)state;
    size_t len;
    char *text = read_text(SCENARIO_DIR "/utility_day.yaml", &len);
    struct acd_scenario *sc = load("f", SCENARIO_DIR, text);
    unsigned *plan = make_plan(sc);
    struct acd_staff_targets t = other_targets();
    char *buf = acd_xmalloc(len + 1);
    uint64_t x = 88172645463325252u;
    for (size_t i = 0; i < 600; i++) {
        memcpy(buf, text, len + 1);
        size_t n = len;
        if (i < 200) {
            n = (len * i) / 200; /* truncated */
        } else {
            static const char junk[] = "-:{}[],&*!|>'\"#\n ";
            for (int k = 0; k < 4; k++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                buf[x % len] = junk[(x >> 32) % (sizeof(junk) - 1)];
            }
        }
        struct acd_diags d;
        acd_diags_init(&d);
        char *out = NULL;
        int rc =
            acd_scenario_patch_staffing(buf, n, "f", "/abs", sc, plan, &t, "c", NULL, &out, &d);
        if (rc == 0)
            assert_non_null(out);
        else
            assert_null(out);
        free(out);
        acd_diags_fini(&d);
    }
    free(buf);
    free(plan);
    acd_scenario_free(sc);
    free(text);
}

/* ------------------------------------------------------------- roster */

static const char ROSTER_YAML[] = "# the center's day\n"
                                  "name: roster\n"
                                  "horizon: {open: \"08:00\", close: \"12:00\", interval: 1h}\n"
                                  "service_level: {threshold: 30s, target: 0.7}\n"
                                  "call_types:\n"
                                  "  - name: calls\n"
                                  "    arrivals: {per_interval: [30, 60, 90, 10]}\n"
                                  "    handle_time: {dist: exponential, mean: 3m}\n"
                                  "agent_groups:\n"
                                  "  - name: front\n"
                                  "    skills: [calls]  # the first line\n"
                                  "    agents: [4, 5, 6, 2]   # as planned last year\n"
                                  "    cost_per_hour: 20\n"
                                  "  - {name: flow, skills: [calls], agents: 2}\n"
                                  "  - name: back\n"
                                  "    skills: [calls]\n"
                                  "    shifts:\n"
                                  "      - {start: \"08:00\", end: \"12:00\", count: 2}\n"
                                  "    # keep me\n"
                                  "  - name: held\n"
                                  "    skills: [calls]\n"
                                  "    agents: 1 # supervisors\n";

static void
assert_same_shifts(const struct acd_agent_group *a, const struct acd_agent_group *b)
{
    assert_int_equal(a->n_shifts, b->n_shifts);
    assert_null(a->agents_by_interval);
    for (size_t i = 0; i < a->n_shifts; i++) {
        const struct acd_shift *x = &a->shifts[i], *y = &b->shifts[i];
        assert_true(x->start_s == y->start_s && x->end_s == y->end_s);
        assert_int_equal(x->count, y->count);
        assert_int_equal(x->n_breaks, y->n_breaks);
        for (size_t k = 0; k < x->n_breaks; k++) {
            assert_true(x->breaks[k].start_s == y->breaks[k].start_s);
            assert_true(x->breaks[k].length_s == y->breaks[k].length_s);
            assert_int_equal(x->breaks[k].unpaid, y->breaks[k].unpaid);
        }
    }
}

static void
test_roster(void **state)
{
    (void)state;
    struct acd_scenario *sc = load("roster.yaml", ".", ROSTER_YAML);
    assert_int_equal(sc->n_groups, 4);
    /* The plan a schedule would run: front and flow rostered, back per
     * interval, held kept. */
    struct acd_break front_breaks[] = {{9 * 3600.0, 900, false}, {10.5 * 3600, 1800, true}};
    struct acd_break flow_breaks[] = {{10 * 3600.0, 600, true}};
    struct acd_shift front[] = {
        {.start_s = 8 * 3600.0,
         .end_s = 12 * 3600.0,
         .count = 3,
         .n_breaks = 2,
         .breaks = front_breaks},
        {.start_s = 9 * 3600.0, .end_s = 12 * 3600.0 + 1800, .count = 1},
    };
    struct acd_shift flow[] = {
        {.start_s = 8.25 * 3600,
         .end_s = 11 * 3600.0,
         .count = 2,
         .n_breaks = 1,
         .breaks = flow_breaks},
    };
    unsigned back[] = {3, 1, 4, 1};
    struct acd_agent_group groups[4];
    memcpy(groups, sc->groups, sizeof(groups));
    struct acd_scenario plan = *sc;
    plan.groups = groups;
    for (size_t g = 0; g < 2; g++) {
        groups[g].agents = 0;
        groups[g].agents_by_interval = NULL;
        groups[g].n_shifts = g == 0 ? 2 : 1;
        groups[g].shifts = g == 0 ? front : flow;
    }
    groups[2].n_shifts = 0;
    groups[2].shifts = NULL;
    groups[2].agents_by_interval = back;
    groups[3].held = true;
    const bool scheduled[] = {true, true, false, false};
    struct acd_staff_targets t = {.sl_target = 0.8,
                                  .sl_threshold_s = 20,
                                  .max_abandon = 0.05,
                                  .max_asa_s = ACD_NAN,
                                  .max_occupancy = ACD_NAN,
                                  .probability = ACD_NAN};

    struct acd_diags d;
    acd_diags_init(&d);
    char *out = NULL;
    int rc = acd_scenario_patch_roster(ROSTER_YAML, strlen(ROSTER_YAML), "roster.yaml", NULL, &plan,
                                       scheduled, &t, "Roster by acdsim schedule", NULL, &out, &d);
    if (rc != 0)
        acd_diags_print(&d, stderr);
    acd_diags_fini(&d);
    assert_int_equal(rc, 0);
    /* The opening comment replaced (it described the original), comments
     * elsewhere kept; one shift a line. */
    assert_true(strncmp(out, "# Roster by acdsim schedule\ntargets: ", 37) == 0);
    assert_null(strstr(out, "# the center's day"));
    assert_non_null(strstr(out, "skills: [calls]  # the first line\n"));
    assert_non_null(strstr(out, "    # keep me\n"));
    assert_non_null(strstr(out, "agents: 1 # supervisors\n"));
    assert_non_null(strstr(out, "{start: \"08:00\", end: \"12:00\", count: 3, breaks: [{start: "
                                "\"09:00\", length: 15m}, {start: \"10:30\", length: 30m, paid: "
                                "false}]},\n"));

    struct acd_scenario *back_sc = load("roster.yaml", NOWHERE, out);
    assert_same_shifts(&back_sc->groups[0], &groups[0]);
    assert_same_shifts(&back_sc->groups[1], &groups[1]);
    assert_int_equal(back_sc->groups[2].n_shifts, 0);
    assert_non_null(back_sc->groups[2].agents_by_interval);
    for (size_t b = 0; b < 4; b++)
        assert_int_equal(back_sc->groups[2].agents_by_interval[b], back[b]);
    assert_int_equal(back_sc->groups[3].agents, 1);
    assert_int_equal(back_sc->groups[3].n_shifts, 0);
    /* Every goal written, though the plan holds them already. */
    assert_true(back_sc->sl_target == 0.8 && back_sc->sl_threshold_s == 20);
    assert_true(back_sc->max_abandon == 0.05);
    assert_true(back_sc->groups[0].cost_per_hour == 20);
    acd_scenario_free(back_sc);
    free(out);

    /* A scheduled group the roster gives no shift: nobody. */
    groups[1].n_shifts = 0;
    groups[1].shifts = NULL;
    acd_diags_init(&d);
    rc = acd_scenario_patch_roster(ROSTER_YAML, strlen(ROSTER_YAML), "roster.yaml", NULL, &plan,
                                   scheduled, NULL, NULL, NULL, &out, &d);
    acd_diags_fini(&d);
    assert_int_equal(rc, 0);
    back_sc = load("roster.yaml", NOWHERE, out);
    assert_int_equal(back_sc->groups[1].agents, 0);
    assert_int_equal(back_sc->groups[1].n_shifts, 0);
    assert_true(back_sc->sl_target == 0.7); /* no targets: the file's */
    acd_scenario_free(back_sc);
    free(out);
    acd_scenario_free(sc);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped),        cmocka_unit_test(test_block_day),
        cmocka_unit_test(test_flow),           cmocka_unit_test(test_steady_aliases),
        cmocka_unit_test(test_no_targets_key), cmocka_unit_test(test_relative_files),
        cmocka_unit_test(test_utf8),           cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_fuzz),           cmocka_unit_test(test_roster),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
