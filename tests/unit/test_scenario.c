/*
 * Unit tests for the scenario parser: the default scenario, every field and
 * default, each kind of error with its exact message and position, several
 * errors in one file, file-level failures (missing, directory, too large)
 * and robustness against random bytes and truncations (also run under
 * ASan+UBSan in CI).
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
#include "acdsim/sim.h"
#include "approx.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_SCENARIO_PATH "../scenarios/utility.yaml"

/* A valid minimal scenario; tests append to it or start from scratch. */
static const char MINIMAL[] = "horizon: {duration: 1h}\n"
                              "call_types:\n"
                              "  - name: calls\n"
                              "    arrivals: {rate: 2/s}\n"
                              "    handle_time: {dist: exponential, mean: 50s}\n"
                              "agent_groups:\n"
                              "  - name: agents\n"
                              "    skills: [calls]\n"
                              "    agents: 105\n";

static void
print_diags(const struct acd_diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        print_message("  %s:%u:%u: %s\n", d->v[i].file, d->v[i].line, d->v[i].col, d->v[i].msg);
}

static struct acd_scenario *
load_ok_named(const char *name, const char *yaml)
{
    struct acd_diags d;
    acd_diags_init(&d);
    struct acd_scenario *sc = NULL;
    int rc = acd_scenario_load_string(name, NULL, yaml, strlen(yaml), &sc, &d);
    if (rc != 0 || d.n != 0) {
        print_error("expected a valid scenario, got:\n");
        print_diags(&d);
    }
    assert_int_equal(rc, 0);
    assert_int_equal(d.n, 0);
    assert_non_null(sc);
    acd_diags_fini(&d);
    return sc;
}

static struct acd_scenario *
load_ok(const char *yaml)
{
    return load_ok_named("test.yaml", yaml);
}

/* Load `yaml` (len bytes) and check that it fails with exactly the
 * diagnostics `want`, each "line:col: message", in order. */
static void
expect_errors_len(const char *yaml, size_t len, const char *const *want, size_t n_want)
{
    struct acd_diags d;
    acd_diags_init(&d);
    struct acd_scenario *sc = (struct acd_scenario *)&d; /* must be reset to NULL */
    int rc = acd_scenario_load_string("t.yaml", NULL, yaml, len, &sc, &d);
    bool same = d.n == n_want;
    for (size_t i = 0; same && i < n_want; i++) {
        char got[1024];
        snprintf(got, sizeof(got), "%u:%u: %s", d.v[i].line, d.v[i].col, d.v[i].msg);
        same = strcmp(got, want[i]) == 0 && strcmp(d.v[i].file, "t.yaml") == 0 &&
               d.v[i].level == ACD_DIAG_ERROR;
    }
    if (!same) {
        print_error("expected:\n");
        for (size_t i = 0; i < n_want; i++)
            print_message("  %s\n", want[i]);
        print_error("got:\n");
        print_diags(&d);
    }
    assert_int_equal(rc, -1);
    assert_null(sc);
    assert_true(same);
    acd_diags_fini(&d);
}

#define EXPECT_ERRORS(yaml, ...)                                                                   \
    do {                                                                                           \
        const char *const want_[] = {__VA_ARGS__};                                                 \
        expect_errors_len((yaml), strlen(yaml), want_, ACD_ARRAY_LEN(want_));                      \
    } while (0)

/* A scenario whose one call type has the given handle_time value. */
static char *
with_handle_time(const char *dist)
{
    return acd_xasprintf("horizon: {duration: 1h}\n"
                         "call_types:\n"
                         "  - name: calls\n"
                         "    arrivals: {rate: 2/s}\n"
                         "    handle_time: %s\n"
                         "agent_groups:\n"
                         "  - {name: agents, skills: [calls], agents: 5}\n",
                         dist);
}

/* ------------------------------------------------------- valid input */

/* The line of the default scenario that starts with `prefix` (the file is
 * edited now and then, so its line numbers are not hard-coded). */
static unsigned
line_of(const char *prefix)
{
    unsigned line = 1;
    for (const char *p = acd_default_scenario_text; *p; p++) {
        if ((p == acd_default_scenario_text || p[-1] == '\n') &&
            strncmp(p, prefix, strlen(prefix)) == 0)
            return line;
        if (*p == '\n')
            line++;
    }
    fail_msg("no line starts with '%s'", prefix);
    return 0;
}

/* What scenarios/utility.yaml says (the values it is about, not every
 * staffing tweak). */
static void
check_utility(const struct acd_scenario *sc)
{
    assert_string_equal(sc->name, "Riverside Utilities - mid-morning");
    assert_true(sc->seed == 20261122u);
    assert_int_equal(sc->replications, 20);
    assert_int_equal(sc->horizon, ACD_HORIZON_STEADY);
    assert_approx(sc->duration_s, 8 * 3600.0, 1e-12, 0);
    assert_approx(sc->warmup_s, 30 * 60.0, 1e-12, 0);
    assert_approx(sc->sl_threshold_s, 20, 1e-12, 0);
    assert_approx(sc->sl_target, 0.80, 1e-12, 0);
    assert_approx(sc->max_abandon, 0.05, 1e-12, 0);
    assert_approx(sc->max_asa_s, 30, 1e-12, 0);
    assert_true(isnan(sc->max_occupancy));
    assert_int_equal(sc->queue_capacity, ACD_UNLIMITED);
    assert_int_equal(sc->queue_lines, 40);
    assert_string_equal(sc->routing, "longest_idle");

    assert_int_equal(sc->n_call_types, 3);
    const struct acd_call_type *b = &sc->call_types[0], *p = &sc->call_types[1],
                               *o = &sc->call_types[2];
    assert_string_equal(b->name, "billing");
    assert_string_equal(p->name, "payments");
    assert_string_equal(o->name, "outages");
    assert_approx(b->rate_per_s, 150 / 3600.0, 1e-12, 0);
    assert_approx(p->rate_per_s, 40 / 3600.0, 1e-12, 0);
    assert_approx(o->rate_per_s, 60 / 3600.0, 1e-12, 0);
    assert_string_equal(b->handle.type->name, "lognormal");
    assert_string_equal(p->handle.type->name, "gamma");
    assert_string_equal(o->handle.type->name, "erlang");
    assert_approx(b->handle.mean_s, 240, 1e-9, 0);
    assert_approx(p->handle.mean_s, 360, 1e-9, 0);
    assert_approx(o->handle.mean_s, 120, 1e-9, 0);
    assert_non_null(b->handle.sample);
    for (size_t i = 0; i < 3; i++) {
        assert_true(sc->call_types[i].has_patience);
        assert_string_equal(sc->call_types[i].patience.type->name, "exponential");
    }
    assert_approx(b->patience.mean_s, 180, 1e-9, 0);
    assert_approx(o->patience.mean_s, 90, 1e-9, 0);
    /* Positions are those of the `name` values. */
    assert_int_equal(b->pos.line, line_of("  - name: billing"));
    assert_int_equal(b->pos.col, 11);
    assert_int_equal(o->pos.line, line_of("  - name: outages"));

    assert_int_equal(sc->n_groups, 2);
    const struct acd_agent_group *csr = &sc->groups[0], *desk = &sc->groups[1];
    assert_string_equal(csr->name, "csr");
    assert_int_equal(csr->agents, 14);
    assert_int_equal(csr->n_skills, 2);
    assert_int_equal(csr->skills[0], 0);
    assert_int_equal(csr->skills[1], 1);
    assert_string_equal(desk->name, "outage_desk");
    assert_true(desk->agents >= 1);
    assert_int_equal(desk->n_skills, 2);
    assert_int_equal(desk->skills[0], 2); /* in the order given */
    assert_int_equal(desk->skills[1], 0);
    assert_int_equal(csr->pos.line, line_of("  - name: csr"));
    assert_int_equal(csr->pos.col, 11);

    assert_int_equal(acd_scenario_find_call_type(sc, "outages"), 2);
    assert_int_equal(acd_scenario_find_call_type(sc, "billing"), 0);
    assert_true(acd_scenario_find_call_type(sc, "nope") == SIZE_MAX);
    assert_int_equal(acd_scenario_find_group(sc, "outage_desk"), 1);
    assert_true(acd_scenario_find_group(sc, "billing") == SIZE_MAX);
}

static void
test_default_file(void **state)
{
    (void)state;
    struct acd_diags d;
    acd_diags_init(&d);
    struct acd_scenario *sc = NULL;
    int rc = acd_scenario_load_file(DEFAULT_SCENARIO_PATH, &sc, &d);
    print_diags(&d);
    assert_int_equal(rc, 0);
    assert_int_equal(d.n, 0);
    assert_string_equal(sc->path, DEFAULT_SCENARIO_PATH);
    check_utility(sc);
    acd_scenario_free(sc);
    acd_diags_fini(&d);
}

static void
test_default_embedded(void **state)
{
    (void)state;
    struct acd_diags d;
    acd_diags_init(&d);
    struct acd_scenario *sc = NULL;
    int rc = acd_scenario_load_string(ACD_DEFAULT_SCENARIO_NAME, NULL, acd_default_scenario_text,
                                      acd_default_scenario_len, &sc, &d);
    print_diags(&d);
    assert_int_equal(rc, 0);
    assert_string_equal(sc->path, ACD_DEFAULT_SCENARIO_NAME);
    check_utility(sc);
    acd_scenario_free(sc);
    acd_diags_fini(&d);
}

/* The example of interface.md, verbatim. */
static void
test_interface_example(void **state)
{
    (void)state;
    struct acd_scenario *sc =
        load_ok("name: Erlang-A check\n"
                "seed: 1\n"
                "replications: 10\n"
                "horizon:\n"
                "  duration: 200000s      # steady state: one long run per replication\n"
                "  warmup: 5000s          # calls arriving before this are not counted\n"
                "service_level: {threshold: 20s, target: 0.80}    # the 80/20 goal\n"
                "targets: {max_abandon: 0.05, max_asa: 30s}       # optional further goals\n"
                "call_types:\n"
                "  - name: calls\n"
                "    arrivals: {rate: 2/s}                       # Poisson\n"
                "    handle_time: {dist: exponential, mean: 50s}\n"
                "    patience: {dist: exponential, mean: 120s}   # omit: callers never abandon\n"
                "agent_groups:\n"
                "  - name: agents\n"
                "    skills: [calls]\n"
                "    agents: 105\n"
                "queue: {capacity: 200}\n");
    assert_string_equal(sc->name, "Erlang-A check");
    assert_true(sc->seed == 1);
    assert_int_equal(sc->replications, 10);
    assert_approx(sc->duration_s, 200000, 1e-12, 0);
    assert_approx(sc->warmup_s, 5000, 1e-12, 0);
    assert_approx(sc->call_types[0].rate_per_s, 2, 1e-12, 0);
    assert_approx(sc->call_types[0].handle.mean_s, 50, 1e-9, 0);
    assert_approx(sc->call_types[0].patience.mean_s, 120, 1e-9, 0);
    assert_int_equal(sc->groups[0].agents, 105);
    assert_int_equal(sc->queue_capacity, 200);
    assert_int_equal(sc->queue_lines, ACD_UNLIMITED);
    acd_scenario_free(sc);
}

static void
test_defaults(void **state)
{
    (void)state;
    struct acd_scenario *sc = load_ok_named("some/dir/peak.hour.yaml", MINIMAL);
    assert_string_equal(sc->name, "peak.hour"); /* from the file name */
    assert_string_equal(sc->path, "some/dir/peak.hour.yaml");
    assert_true(sc->seed == 1);
    assert_int_equal(sc->replications, 10);
    assert_approx(sc->duration_s, 3600, 1e-12, 0);
    assert_approx(sc->warmup_s, 0, 0, 0);
    assert_approx(sc->sl_threshold_s, 20, 1e-12, 0);
    assert_approx(sc->sl_target, 0.80, 1e-12, 0);
    assert_true(isnan(sc->max_abandon));
    assert_true(isnan(sc->max_asa_s));
    assert_true(isnan(sc->max_occupancy));
    assert_int_equal(sc->queue_capacity, ACD_UNLIMITED);
    assert_int_equal(sc->queue_lines, ACD_UNLIMITED);
    assert_string_equal(sc->routing, "longest_idle");
    assert_false(sc->call_types[0].has_patience);
    assert_null(sc->call_types[0].patience.type);
    acd_scenario_free(sc);
}

static void
test_every_field(void **state)
{
    (void)state;
    struct acd_scenario *sc =
        load_ok("name: \"Every field: quoted\"\n"
                "seed: 18446744073709551615\n"
                "replications: 3\n"
                "horizon: {duration: 01:30, warmup: 90}\n"
                "service_level:\n"
                "  threshold: 0\n"
                "  target: 1\n"
                "targets: {max_abandon: 0, max_asa: 1.5m, max_occupancy: 0.9}\n"
                "queue: {capacity: 0, lines: 7}\n"
                "routing: {policy: longest_idle}\n"
                "call_types:\n"
                "  - name: a\n"
                "    arrivals: {rate: 120/min}\n"
                "    handle_time: {dist: deterministic, mean: 2m}\n"
                "    patience: {dist: uniform, min: 0, max: 1h}\n"
                "  - name: b\n"
                "    arrivals: {rate: 0}\n"
                "    handle_time: {dist: gamma, mean: 30, cv: 0.5}\n"
                "    patience: {dist: lognormal, mean: 1m, cv: 2}\n"
                "  - name: c\n"
                "    arrivals:\n"
                "      rate: 7200/h\n"
                "    handle_time:\n"
                "      dist: erlang\n"
                "      mean: 3m\n"
                "      k: 4\n"
                "agent_groups:\n"
                "  - name: g1\n"
                "    skills: [c, a]\n"
                "    agents: 0\n"
                "  - {name: g2, skills: [b], agents: 1000000}\n");
    assert_string_equal(sc->name, "Every field: quoted");
    assert_true(sc->seed == UINT64_MAX);
    assert_int_equal(sc->replications, 3);
    assert_approx(sc->duration_s, 5400, 1e-12, 0);
    assert_approx(sc->warmup_s, 90, 1e-12, 0);
    assert_approx(sc->sl_threshold_s, 0, 0, 0);
    assert_approx(sc->sl_target, 1, 0, 0);
    assert_approx(sc->max_abandon, 0, 0, 0);
    assert_approx(sc->max_asa_s, 90, 1e-12, 0);
    assert_approx(sc->max_occupancy, 0.9, 1e-12, 0);
    assert_int_equal(sc->queue_capacity, 0);
    assert_int_equal(sc->queue_lines, 7);
    assert_string_equal(sc->routing, "longest_idle");
    assert_int_equal(sc->n_call_types, 3);
    assert_approx(sc->call_types[0].rate_per_s, 2, 1e-12, 0);
    assert_approx(sc->call_types[1].rate_per_s, 0, 0, 0);
    assert_approx(sc->call_types[2].rate_per_s, 2, 1e-12, 0);
    assert_string_equal(sc->call_types[0].handle.type->name, "deterministic");
    assert_approx(sc->call_types[0].handle.mean_s, 120, 1e-9, 0);
    assert_string_equal(sc->call_types[0].patience.type->name, "uniform");
    assert_approx(sc->call_types[0].patience.mean_s, 1800, 1e-9, 0);
    assert_string_equal(sc->call_types[1].handle.type->name, "gamma");
    assert_approx(sc->call_types[1].handle.cv, 0.5, 1e-9, 0);
    assert_string_equal(sc->call_types[1].patience.type->name, "lognormal");
    assert_approx(sc->call_types[1].patience.cv, 2, 1e-9, 0);
    assert_false(sc->call_types[2].has_patience);
    assert_string_equal(sc->call_types[2].handle.type->name, "erlang");
    assert_approx(sc->call_types[2].handle.mean_s, 180, 1e-9, 0);
    assert_approx(sc->call_types[2].handle.cv, 0.5, 1e-9, 0); /* 1/sqrt(k) */
    assert_int_equal(sc->call_types[2].pos.line, 20);
    assert_int_equal(sc->call_types[2].pos.col, 11);
    assert_int_equal(sc->n_groups, 2);
    assert_int_equal(sc->groups[0].agents, 0);
    assert_int_equal(sc->groups[0].n_skills, 2);
    assert_int_equal(sc->groups[0].skills[0], 2);
    assert_int_equal(sc->groups[0].skills[1], 0);
    assert_int_equal(sc->groups[1].agents, 1000000);
    assert_int_equal(sc->groups[1].skills[0], 1);
    assert_int_equal(sc->groups[1].pos.line, 31);
    assert_int_equal(sc->groups[1].pos.col, 12);
    acd_scenario_free(sc);

    /* Routing as a plain string; keys in any order; YAML comments. */
    sc = load_ok("agent_groups: [{agents: 1, skills: [x], name: g}]\n"
                 "routing: longest_idle # the only one so far\n"
                 "call_types: [{handle_time: {mean: 1, dist: exponential}, arrivals: {rate: 1},"
                 " name: x}]\n"
                 "horizon: {warmup: 0, duration: 10}\n");
    assert_string_equal(sc->routing, "longest_idle");
    assert_string_equal(sc->call_types[0].name, "x");
    acd_scenario_free(sc);
}

static void
test_aliases(void **state)
{
    (void)state;
    struct acd_scenario *sc = load_ok("horizon: {duration: 1h}\n"
                                      "call_types:\n"
                                      "  - name: a\n"
                                      "    arrivals: &arr {rate: 1/s}\n"
                                      "    handle_time: &ht {dist: exponential, mean: 1m}\n"
                                      "  - name: b\n"
                                      "    arrivals: *arr\n"
                                      "    handle_time: *ht\n"
                                      "    patience: *ht\n"
                                      "agent_groups:\n"
                                      "  - {name: g, skills: &all [a, b], agents: 2}\n"
                                      "  - {name: h, skills: *all, agents: 3}\n");
    assert_approx(sc->call_types[1].rate_per_s, 1, 0, 0);
    assert_approx(sc->call_types[1].handle.mean_s, 60, 1e-9, 0);
    assert_approx(sc->call_types[1].patience.mean_s, 60, 1e-9, 0);
    assert_int_equal(sc->groups[1].n_skills, 2);
    acd_scenario_free(sc);
}

/* An empirical distribution reads its samples relative to the scenario. */
static void
test_empirical(void **state)
{
    (void)state;
    char dir[] = "/tmp/acdsim-scn-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *samples = acd_xasprintf("%s/ht.txt", dir);
    char *scn = acd_xasprintf("%s/s.yaml", dir);
    FILE *f = fopen(samples, "w");
    assert_non_null(f);
    fputs("# handle times\n60\n120\n\n180\n", f);
    fclose(f);
    char *yaml = with_handle_time("{dist: empirical, file: ht.txt}");
    f = fopen(scn, "w");
    assert_non_null(f);
    fputs(yaml, f);
    fclose(f);

    struct acd_diags d;
    acd_diags_init(&d);
    struct acd_scenario *sc = NULL;
    int rc = acd_scenario_load_file(scn, &sc, &d);
    print_diags(&d);
    assert_int_equal(rc, 0);
    assert_string_equal(sc->call_types[0].handle.type->name, "empirical");
    assert_int_equal(sc->call_types[0].handle.n_samples, 3);
    assert_approx(sc->call_types[0].handle.mean_s, 120, 1e-9, 0);
    acd_scenario_free(sc);

    /* Loaded from a string, the base directory is the caller's. */
    rc = acd_scenario_load_string("mem.yaml", dir, yaml, strlen(yaml), &sc, &d);
    assert_int_equal(rc, 0);
    acd_scenario_free(sc);

    /* A missing sample file fails, located in the samples' own path. */
    rc = acd_scenario_load_string("mem.yaml", "/nonexistent-dir", yaml, strlen(yaml), &sc, &d);
    assert_int_equal(rc, -1);
    assert_null(sc);
    assert_true(d.n >= 1);
    assert_non_null(strstr(d.v[0].file, "/nonexistent-dir/ht.txt"));

    acd_diags_fini(&d);
    unlink(samples);
    unlink(scn);
    rmdir(dir);
    free(yaml);
    free(samples);
    free(scn);
}

/* ------------------------------------------------------------ errors */

static void
test_empty_and_not_a_mapping(void **state)
{
    (void)state;
    const char *empty = "1:1: empty scenario (expected a mapping with call_types and agent_groups)";
    EXPECT_ERRORS("", empty);
    EXPECT_ERRORS("# only a comment\n\n", empty);
    EXPECT_ERRORS("---\n", empty);
    EXPECT_ERRORS("~\n", empty);
    EXPECT_ERRORS("\n- a\n- b\n",
                  "2:1: a scenario must be a mapping with call_types and agent_groups (found a "
                  "list)");
    EXPECT_ERRORS("hello\n", "1:1: a scenario must be a mapping with call_types and agent_groups "
                             "(found 'hello')");
    EXPECT_ERRORS("a: 1\n---\nb: 2\n",
                  "2:1: multiple YAML documents in one scenario file (only one is allowed)");
    EXPECT_ERRORS("seed: 3\n", "1:1: scenario is missing 'horizon'",
                  "1:1: scenario is missing 'call_types'",
                  "1:1: scenario is missing 'agent_groups'");
}

static void
test_yaml_syntax(void **state)
{
    (void)state;
    EXPECT_ERRORS("a: [1, 2\n",
                  "2:1: did not find expected ',' or ']' (while parsing a flow sequence that "
                  "started at line 1, column 4)");
    EXPECT_ERRORS("a:\n\tb: 1\n",
                  "2:1: found character that cannot start any token (tabs are not allowed in "
                  "indentation)");
    EXPECT_ERRORS("a: 1\n b: 2\n", "2:3: mapping values are not allowed in this context");
    EXPECT_ERRORS("a: \"x\n", "2:1: found unexpected end of stream (while scanning a quoted "
                              "scalar that started at line 1, column 4)");
    static const char nul[] = "name: x\nseed: \0\n";
    static const char *const want_nul[] = {"2:7: control characters are not allowed (U+0000)"};
    expect_errors_len(nul, sizeof(nul) - 1, want_nul, 1);
    EXPECT_ERRORS("name: \xff\n",
                  "1:7: invalid leading UTF-8 octet (byte 0xFF; is the file UTF-8?)");
    EXPECT_ERRORS("name: Caf\xe9 au lait\n",
                  "1:10: invalid trailing UTF-8 octet (bytes 0xE9 0x20; is the file UTF-8?)");
    EXPECT_ERRORS("a: *nope\n", "1:4: undefined alias 'nope' (an alias must follow its anchor)");
    /* An alias inside its own anchor would make a cycle: refused. */
    EXPECT_ERRORS("a: &x [*x]\n", "1:8: undefined alias 'x' (an alias must follow its anchor)");
}

static void
test_unknown_keys(void **state)
{
    (void)state;
    EXPECT_ERRORS("horizon: {duration: 1h}\n"
                  "call_types:\n"
                  "  - name: calls\n"
                  "    arrivals: {rate: 2/s}\n"
                  "    handel_time: {dist: exponential, mean: 50s}\n"
                  "agent_groups: [{name: g, skills: [calls], agents: 1}]\n",
                  "5:5: unknown key 'handel_time' in call type (did you mean 'handle_time'?)");
    char *y = acd_xasprintf("%sseeds: 4\nrep: 3\nfoo: 1\n", MINIMAL);
    EXPECT_ERRORS(y, "10:1: unknown key 'seeds' in scenario (did you mean 'seed'?)",
                  "11:1: unknown key 'rep' in scenario (did you mean 'replications'?)",
                  "12:1: unknown key 'foo' in scenario (expected one of: name, seed, replications, "
                  "horizon, days, busyness, service_level, targets, shrinkage, call_types, "
                  "agent_groups, queue, routing, shift_templates)");
    free(y);
    y = acd_xasprintf("%sservice_level: {treshold: 20s, Target: 0.8}\n"
                      "targets: {max_abandon_rate: 0.1}\nqueue: {size: 3}\n",
                      MINIMAL);
    EXPECT_ERRORS(y, "10:17: unknown key 'treshold' in service_level (did you mean 'threshold'?)",
                  "10:32: unknown key 'Target' in service_level (did you mean 'target'?)",
                  "11:11: unknown key 'max_abandon_rate' in targets (did you mean 'max_abandon'?)",
                  "12:9: unknown key 'size' in queue (expected one of: capacity, lines)");
    free(y);
    y = with_handle_time("{dist: gamma, men: 3m, cv: 1}");
    /* ...and no "gamma needs 'mean'" on top of it. */
    EXPECT_ERRORS(y, "5:32: unknown key 'men' in handle_time (did you mean 'mean'?)");
    free(y);
    EXPECT_ERRORS("horizon: {duration: 1h, warmpu: 1m}\n"
                  "call_types:\n"
                  "  - name: calls\n"
                  "    arivals: {rate: 2/s}\n"
                  "    handle_time: {dist: exponential, mean: 50s}\n"
                  "agent_groups: [{name: g, skill: [calls], agents: 1}]\n",
                  "1:25: unknown key 'warmpu' in horizon (did you mean 'warmup'?)",
                  "4:5: unknown key 'arivals' in call type (did you mean 'arrivals'?)",
                  "6:26: unknown key 'skill' in agent group (did you mean 'skills'?)");
    EXPECT_ERRORS("? [a, b]\n: 1\n", "1:1: scenario is missing 'horizon'",
                  "1:1: scenario is missing 'call_types'",
                  "1:1: scenario is missing 'agent_groups'",
                  "1:3: keys in scenario must be plain names (found a list)");
}

static void
test_duplicates(void **state)
{
    (void)state;
    char *y = acd_xasprintf("%sseed: 1\nseed: 2\n", MINIMAL);
    EXPECT_ERRORS(y, "11:1: duplicate key 'seed' in scenario (first given at line 10)");
    free(y);
    EXPECT_ERRORS("horizon: {duration: 1h}\n"
                  "call_types:\n"
                  "  - {name: a, arrivals: {rate: 1}, handle_time: {dist: exponential, mean: 1}}\n"
                  "  - {name: b, arrivals: {rate: 1}, handle_time: {dist: exponential, mean: 1}}\n"
                  "  - {name: a, arrivals: {rate: 1}, handle_time: {dist: exponential, mean: 1}}\n"
                  "agent_groups:\n"
                  "  - {name: g, skills: [a, b, a], agents: 1}\n"
                  "  - {name: g, skills: [b], agents: 1}\n",
                  "5:12: duplicate call type name 'a' (first defined at line 3)",
                  "7:30: call type 'a' is listed twice in skills",
                  "8:12: duplicate agent group name 'g' (first defined at line 7)");
}

static void
test_types(void **state)
{
    (void)state;
    EXPECT_ERRORS("name: [a]\nseed: {x: 1}\nreplications: 2.5\nhorizon: 8h\n"
                  "service_level: [20s]\ntargets: 3\nqueue: [1]\nrouting: [a]\n"
                  "call_types: {name: x}\nagent_groups: x\n",
                  "1:7: 'name' must be a name (found a list)",
                  "2:7: 'seed' must be a non-negative integer (found a mapping)",
                  "3:15: 'replications' must be a non-negative integer (found '2.5')",
                  "4:10: 'horizon' must be a mapping like {duration: 8h, warmup: 30m} or {open: "
                  "\"07:00\", close: \"19:00\", interval: 30m} (found '8h')",
                  "5:16: 'service_level' must be a mapping like {threshold: 20s, target: 0.80} "
                  "(found a list)",
                  "6:10: 'targets' must be a mapping like {max_abandon: 0.05, max_asa: 30s} (found "
                  "'3')",
                  "7:8: 'queue' must be a mapping like {capacity: 200} or {lines: 40} (found a "
                  "list)",
                  "8:10: 'routing' must be a policy name or a mapping like {policy: longest_idle} "
                  "(found a list)",
                  "9:13: 'call_types' must be a list of call types (found a mapping)",
                  "10:15: 'agent_groups' must be a list of agent groups (found 'x')");
    EXPECT_ERRORS("horizon: {duration: 1h}\n"
                  "call_types:\n"
                  "  - calls\n"
                  "  - name:\n"
                  "    arrivals: 2/s\n"
                  "    handle_time: [exponential]\n"
                  "    patience: 3m\n"
                  "agent_groups:\n"
                  "  - [g]\n"
                  "  - name: ''\n"
                  "    skills: calls\n"
                  "    agents: [1, 2]\n",
                  "3:5: a call type must be a mapping with name, arrivals and handle_time (found "
                  "'calls')",
                  "4:5: 'name' must be a name (found nothing)",
                  "5:15: 'arrivals' must be a mapping like {rate: 120/h} (found '2/s')",
                  "6:18: 'handle_time' must be a mapping like {dist: exponential, mean: 3m} (found "
                  "a list)",
                  "7:15: 'patience' must be a mapping like {dist: exponential, mean: 3m} (found "
                  "'3m')",
                  "9:5: an agent group must be a mapping with name, skills and agents (found a "
                  "list)",
                  "10:11: 'name' must not be empty",
                  "11:13: 'skills' must be a list of call type names like [billing, payments] "
                  "(found 'calls')",
                  "12:13: a list of 'agents' per interval needs an operating-day horizon");
    EXPECT_ERRORS("horizon: {duration: 1h}\ncall_types: []\nagent_groups: []\n",
                  "2:13: 'call_types' must list at least one call type",
                  "3:15: 'agent_groups' must list at least one agent group");
    EXPECT_ERRORS("horizon: {duration: 1h}\n"
                  "call_types: [{name: a, arrivals: {rate: 1}, handle_time: {dist: exponential, "
                  "mean: 1}}]\n"
                  "agent_groups: [{name: g, skills: [], agents: 1}, {name: h, skills: [[a]], "
                  "agents: 1}]\n",
                  "3:34: 'skills' must list at least one call type",
                  "3:69: a skill must be a call type name or a mapping like {type: billing, "
                  "level: 2} (found a list)");
}

/* Fractions take percentages ("80%"), in scenarios as on the command
 * line; a percentage written without its sign gets a suggestion. */
static void
test_percentages(void **state)
{
    (void)state;
    char *y = acd_xasprintf("%sservice_level: {target: 80%%}\n"
                            "targets: {max_abandon: 5%%, max_occupancy: 0.9}\n"
                            "shrinkage: 30%%\n",
                            MINIMAL);
    struct acd_scenario *sc = load_ok(y);
    assert_float_equal(sc->sl_target, 0.8, 1e-15);
    assert_float_equal(sc->max_abandon, 0.05, 1e-15);
    assert_float_equal(sc->max_occupancy, 0.9, 0);
    assert_float_equal(sc->shrinkage, 0.3, 1e-15);
    acd_scenario_free(sc);
    free(y);
    y = acd_xasprintf("%sservice_level: {target: 80}\ntargets: {max_abandon: 101%%}\n"
                      "shrinkage: 30\n",
                      MINIMAL);
    EXPECT_ERRORS(y,
                  "10:25: 'target' must be between 0 and 1 (found '80'; did you mean 0.8 or 80%?)",
                  "11:24: 'max_abandon' must be between 0 and 1 (found '101%')",
                  "12:12: 'shrinkage' must be at least 0 and less than 1 (found '30'; did you mean "
                  "0.3 or 30%?)");
    free(y);
}

static void
test_values(void **state)
{
    (void)state;
    EXPECT_ERRORS("seed: -1\nreplications: 0\nhorizon: {duration: 0, warmup: -1s}\n"
                  "service_level: {threshold: -5s, target: 1.5}\n"
                  "targets: {max_abandon: -0.1, max_asa: soon, max_occupancy: 180%}\n"
                  "queue: {capacity: -1, lines: 0}\n"
                  "call_types:\n"
                  "  - name: calls\n"
                  "    arrivals: {rate: 2 per second}\n"
                  "    handle_time: {dist: exponential, mean: fifty}\n"
                  "agent_groups:\n"
                  "  - {name: g, skills: [calls], agents: 1000001}\n",
                  "1:7: 'seed' must be a non-negative integer (found '-1')",
                  "2:15: 'replications' must be at least 1 (found '0')",
                  "3:21: 'duration' must be greater than 0 (found '0')",
                  "3:32: 'warmup' must not be negative (found '-1s')",
                  "4:28: 'threshold' must not be negative (found '-5s')",
                  "4:41: 'target' must be between 0 and 1 (found '1.5')",
                  "5:24: 'max_abandon' must be between 0 and 1 (found '-0.1')",
                  "5:39: 'max_asa' must be a duration like 90s, 4m or 2h (found 'soon')",
                  "5:60: 'max_occupancy' must be between 0 and 1 (found '180%')",
                  "6:19: 'capacity' must be a non-negative integer (found '-1')",
                  "6:30: 'lines' must be at least 1 (found '0')",
                  "9:22: 'rate' must be a rate like 2/s, 120/min or 7200/h (found '2 per second')",
                  "10:44: 'mean' must be a duration like 90s, 4m or 2h (found 'fifty')",
                  "12:40: 'agents' must be at most 1000000 (found '1000001')");
    char *y = acd_xasprintf("%sseed: 18446744073709551616\nreplications: 99999999999999999999\n",
                            MINIMAL);
    EXPECT_ERRORS(y,
                  "10:7: 'seed' must be at most 18446744073709551615 (found "
                  "'18446744073709551616')",
                  "11:15: 'replications' must be at most 1000000 (found '99999999999999999999')");
    free(y);
    EXPECT_ERRORS("horizon: {duration: 8h, warmup: 8h}\n"
                  "call_types: [{name: a, arrivals: {rate: -1/s}, handle_time: {dist: "
                  "exponential, mean: 1}}]\n"
                  "agent_groups: [{name: g, skills: [a], agents: 1}]\n",
                  "1:33: 'warmup' (8h) must be shorter than 'duration' (8h)",
                  "2:41: 'rate' must not be negative (found '-1/s')");
}

static void
test_distributions(void **state)
{
    (void)state;
    static const struct {
        const char *dist, *want;
    } cases[] = {
        {"{dist: exponental, mean: 1m}",
         "5:25: unknown distribution 'exponental' (did you mean 'exponential'?)"},
        {"{dist: Gamma, mean: 1m, cv: 1}",
         "5:25: unknown distribution 'Gamma' (did you mean 'gamma'?)"},
        {"{dist: pareto, mean: 1m}",
         "5:25: unknown distribution 'pareto' (known: exponential, deterministic, erlang, "
         "gamma, lognormal, uniform, triangular, weibull, hyperexponential, empirical)"},
        {"{dist: weibull, mean: 1m}",
         "5:18: the weibull distribution needs 'cv' (usage: {dist: weibull, mean: DURATION, cv: "
         "NUMBER})"},
        {"{mean: 1m}", "5:18: handle_time is missing 'dist'"},
        {"{dist: [gamma], mean: 1m}", "5:25: 'dist' must be a name (found a list)"},
        {"{dist: lognormal, mean: 4m, cv: -0.8}", "5:50: 'cv' must not be negative (found '-0.8')"},
        {"{dist: lognormal, mean: 4m, cv: high}", "5:50: 'cv' must be a number (found 'high')"},
        {"{dist: exponential, mean: 0s}", "5:44: 'mean' must be greater than 0 (found '0s')"},
        {"{dist: exponential, mean: -3m}", "5:44: 'mean' must be greater than 0 (found '-3m')"},
        {"{dist: erlang, mean: 2m, k: 0}", "5:46: 'k' must be greater than 0 (found '0')"},
        {"{dist: uniform, min: -1, max: 3}", "5:39: 'min' must not be negative (found '-1')"},
        {"{dist: exponential, mean: 3m, cv: 0.5}",
         "5:48: 'cv' does not apply to the exponential distribution (usage: {dist: exponential, "
         "mean: DURATION})"},
        {"{dist: gamma, mean: 3m}",
         "5:18: the gamma distribution needs 'cv' (usage: {dist: gamma, mean: DURATION, cv: "
         "NUMBER})"},
        {"{dist: exponential, mean: 1m, mean: 2m}",
         "5:48: duplicate key 'mean' in handle_time (first given at line 5)"},
        {"{dist: empirical, file: ''}", "5:42: 'file' must not be empty"},
    };
    for (size_t i = 0; i < ACD_ARRAY_LEN(cases); i++) {
        char *y = with_handle_time(cases[i].dist);
        const char *want[] = {cases[i].want};
        print_message("# case %zu: %s\n", i, cases[i].dist);
        expect_errors_len(y, strlen(y), want, 1);
        free(y);
    }

    /* dist.c's own checks become one diagnostic at the distribution. */
    char *y = with_handle_time("{dist: uniform, min: 5m, max: 1m}");
    struct acd_diags d;
    acd_diags_init(&d);
    struct acd_scenario *sc = NULL;
    assert_int_equal(acd_scenario_load_string("t.yaml", NULL, y, strlen(y), &sc, &d), -1);
    assert_null(sc);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.v[0].line, 5);
    assert_int_equal(d.v[0].col, 18);
    assert_true(strncmp(d.v[0].msg, "invalid handle_time: ", 21) == 0);
    acd_diags_fini(&d);
    free(y);
}

static void
test_cross_references(void **state)
{
    (void)state;
    EXPECT_ERRORS("horizon: {duration: 1h}\n"
                  "call_types:\n"
                  "  - {name: billing, arrivals: {rate: 1}, handle_time: {dist: exponential, "
                  "mean: 1}}\n"
                  "  - {name: outages, arrivals: {rate: 1}, handle_time: {dist: exponential, "
                  "mean: 1}}\n"
                  "agent_groups:\n"
                  "  - {name: g, skills: [billing], agents: 1}\n",
                  "4:12: call type 'outages' is not served by any agent group (add it to a "
                  "group's skills)");
    EXPECT_ERRORS("horizon: {duration: 1h}\n"
                  "call_types:\n"
                  "  - {name: billing, arrivals: {rate: 1}, handle_time: {dist: exponential, "
                  "mean: 1}}\n"
                  "  - {name: outages, arrivals: {rate: 1}, handle_time: {dist: exponential, "
                  "mean: 1}}\n"
                  "agent_groups:\n"
                  "  - {name: g, skills: [biling, outage, refunds], agents: 1}\n",
                  "6:24: unknown call type 'biling' in skills (did you mean 'billing'?)",
                  "6:32: unknown call type 'outage' in skills (did you mean 'outages'?)",
                  "6:40: unknown call type 'refunds' in skills (call types: billing, outages)");
    /* A call type without a name: its group's skill is not "unknown", and
     * nothing is reported as unserved. */
    EXPECT_ERRORS("horizon: {duration: 1h}\n"
                  "call_types:\n"
                  "  - {nam: billing, arrivals: {rate: 1}, handle_time: {dist: exponential, "
                  "mean: 1}}\n"
                  "  - {name: other, arrivals: {rate: 1}, handle_time: {dist: exponential, "
                  "mean: 1}}\n"
                  "agent_groups:\n"
                  "  - {name: g, skills: [billing], agents: 1}\n",
                  "3:6: unknown key 'nam' in call type (did you mean 'name'?)");
    /* A group without skills: no "not served" cascade. */
    EXPECT_ERRORS("horizon: {duration: 1h}\n"
                  "call_types:\n"
                  "  - {name: a, arrivals: {rate: 1}, handle_time: {dist: exponential, mean: 1}}\n"
                  "agent_groups:\n"
                  "  - {name: g, agents: 1}\n",
                  "5:5: agent group is missing 'skills'");
}

static void
test_missing_keys(void **state)
{
    (void)state;
    EXPECT_ERRORS("horizon: {warmup: 1m}\n"
                  "call_types:\n"
                  "  - name: calls\n"
                  "    patience: {dist: exponential, mean: 3m}\n"
                  "  - arrivals: {}\n"
                  "    handle_time: {dist: exponential, mean: 1m}\n"
                  "agent_groups:\n"
                  "  - name: g\n"
                  "routing: {}\n",
                  "1:10: horizon is missing 'duration'", "3:5: call type is missing 'arrivals'",
                  "3:5: call type is missing 'handle_time'", "5:5: call type is missing 'name'",
                  "5:15: arrivals is missing 'rate'", "8:5: agent group is missing 'skills'",
                  "8:5: agent group is missing 'agents'", "9:10: routing is missing 'policy'");
}

/* ------------------------------------------------------ operating days */

/* Four intervals: 08:00, 08:30, 09:00, 09:30. */
#define DAY_HORIZON "horizon: {open: \"08:00\", close: \"10:00\", interval: 30m}\n"

/* A valid day scenario around one call type's and one group's extra keys
 * (each a block of lines indented like the entry's keys). Lines: 1 horizon,
 * 2 call_types:, 3 - name: a, 4 arrivals, 5 handle_time, then ct_extra;
 * then agent_groups:, - name: g, skills: [a], then grp_extra. */
static char *
day_scenario(const char *ct_extra, const char *grp_extra)
{
    return acd_xasprintf(DAY_HORIZON "call_types:\n"
                                     "  - name: a\n"
                                     "    arrivals: {per_interval: [10, 20, 30, 40]}\n"
                                     "    handle_time: {dist: gamma, mean: 4m, cv: 0.5}\n"
                                     "%s"
                                     "agent_groups:\n"
                                     "  - name: g\n"
                                     "    skills: [a]\n"
                                     "%s",
                         ct_extra, grp_extra);
}

static void
test_operating_day(void **state)
{
    (void)state;
    /* The example of interface.md: per-interval volumes and staffing. */
    struct acd_scenario *sc =
        load_ok("horizon: {open: \"08:00\", close: \"12:00\", interval: 30m}\n"
                "call_types:\n"
                "  - name: billing\n"
                "    arrivals: {per_interval: [40, 65, 90, 80, 70, 60, 55, 50]}\n"
                "    handle_time: {dist: lognormal, mean: 4m, cv: 0.8}\n"
                "agent_groups:\n"
                "  - name: csr1\n"
                "    skills: [billing]\n"
                "    agents: [8, 10, 12, 12, 11, 10, 9, 9]\n");
    assert_int_equal(sc->horizon, ACD_HORIZON_DAY);
    assert_approx(sc->open_s, 8 * 3600.0, 0, 0);
    assert_approx(sc->close_s, 12 * 3600.0, 0, 0);
    assert_approx(sc->interval_s, 1800, 0, 0);
    assert_int_equal(sc->n_intervals, 8);
    assert_int_equal(sc->close_policy, ACD_CLOSE_DRAIN);
    assert_approx(sc->busyness_cv, 0, 0, 0);
    assert_approx(sc->duration_s, 0, 0, 0); /* steady fields stay zero */
    assert_approx(sc->warmup_s, 0, 0, 0);
    const struct acd_call_type *ct = &sc->call_types[0];
    assert_non_null(ct->calls_per_interval);
    assert_approx(ct->calls_per_interval[0], 40, 0, 0);
    assert_approx(ct->calls_per_interval[7], 50, 0, 0);
    assert_null(ct->handle_by_interval);
    assert_null(ct->patience_by_interval);
    const struct acd_agent_group *g = &sc->groups[0];
    assert_non_null(g->agents_by_interval);
    assert_int_equal(g->agents, 8); /* the first interval's */
    assert_int_equal(g->agents_by_interval[2], 12);
    assert_int_equal(g->agents_by_interval[7], 9);
    assert_int_equal(g->n_shifts, 0);
    acd_scenario_free(sc);

    /* Past midnight, a close policy, busyness, a constant rate all day,
     * constant staffing, unquoted clock times. */
    sc = load_ok("horizon:\n"
                 "  open: 22:00\n"
                 "  close: \"26:00\"\n"
                 "  interval: 1h\n"
                 "  close_policy: until_empty\n"
                 "busyness: {cv: 0.1}\n"
                 "call_types:\n"
                 "  - {name: a, arrivals: {rate: 120/h}, handle_time: {dist: exponential, mean: "
                 "1m}}\n"
                 "agent_groups:\n"
                 "  - {name: g, skills: [a], agents: 3}\n");
    assert_approx(sc->open_s, 22 * 3600.0, 0, 0);
    assert_approx(sc->close_s, 26 * 3600.0, 0, 0);
    assert_int_equal(sc->n_intervals, 4);
    assert_int_equal(sc->close_policy, ACD_CLOSE_UNTIL_EMPTY);
    assert_approx(sc->busyness_cv, 0.1, 1e-12, 0);
    assert_approx(sc->call_types[0].rate_per_s, 120 / 3600.0, 1e-12, 0);
    for (size_t i = 0; i < 4; i++)
        assert_approx(sc->call_types[0].calls_per_interval[i], 120, 1e-9, 0);
    assert_int_equal(sc->groups[0].agents, 3);
    assert_null(sc->groups[0].agents_by_interval);
    acd_scenario_free(sc);

    sc = load_ok("horizon: {open: \"00:00\", close: \"48:00\", interval: 16h, close_policy: "
                 "disconnect}\n"
                 "call_types: [{name: a, arrivals: {per_interval: [0, 0.5, 1e3]}, handle_time: "
                 "{dist: exponential, mean: 1m}}]\n"
                 "agent_groups: [{name: g, skills: [a]}]\n"); /* no staffing: 0 agents */
    assert_int_equal(sc->n_intervals, 3);
    assert_int_equal(sc->close_policy, ACD_CLOSE_DISCONNECT);
    assert_approx(sc->call_types[0].calls_per_interval[2], 1000, 0, 0);
    assert_int_equal(sc->groups[0].agents, 0);
    acd_scenario_free(sc);
}

#define DAY_HORIZON_POLICY(policy)                                                                 \
    "horizon: {open: \"08:00\", close: \"10:00\", interval: 30m, close_policy: " policy "}\n"      \
    "call_types: [{name: a, arrivals: {rate: 1}, handle_time: {dist: exponential, mean: "          \
    "1m}}]\n"                                                                                      \
    "agent_groups: [{name: g, skills: [a], agents: 1}]\n"

static void
test_day_horizon_errors(void **state)
{
    (void)state;
    static const struct {
        const char *horizon, *want;
    } cases[] = {
        {"{open: \"08:00\", close: \"10:00\", duration: 8h}",
         "1:42: 'duration' cannot be combined with 'open' in horizon: use {duration, warmup} for "
         "a steady state or {open, close, interval} for an operating day"},
        {"{warmup: 1m, interval: 30m}",
         "1:23: 'interval' cannot be combined with 'warmup' in horizon: use {duration, warmup} "
         "for a steady state or {open, close, interval} for an operating day"},
        {"{open: \"10:00\", close: \"08:00\", interval: 30m}",
         "1:33: 'close' (08:00) must be later than 'open' (10:00)"},
        {"{open: \"08:00\", close: \"08:00\", interval: 30m}",
         "1:33: 'close' (08:00) must be later than 'open' (08:00)"},
        {"{open: \"08:00\", close: \"10:00\", interval: 45m}",
         "1:52: 'interval' (45m) must divide the opening hours (08:00 to 10:00) into whole "
         "intervals"},
        {"{open: \"08:00\", close: \"10:00\", interval: 3h}",
         "1:52: 'interval' (3h) must divide the opening hours (08:00 to 10:00) into whole "
         "intervals"},
        {"{open: \"08:00\", close: \"10:00\", interval: 0}",
         "1:52: 'interval' must be greater than 0 (found '0')"},
        {"{open: \"00:00\", close: \"48:00\", interval: 10s}",
         "1:52: 'interval' (10s) makes 17280 intervals (at most 10000 are allowed)"},
        {"{open: 8am, close: \"10:00\", interval: 30m}",
         "1:17: 'open' must be a clock time like \"07:30\" (from 00:00 to 48:00) (found '8am')"},
        {"{open: \"08:00\", close: \"49:00\", interval: 30m}",
         "1:33: 'close' must be a clock time like \"07:30\" (from 00:00 to 48:00) (found "
         "'49:00')"},
        {"{open: \"08:00\", interval: 30m}", "1:10: horizon is missing 'close'"},
        {"{}", "1:10: horizon is missing 'duration' (or 'open', 'close' and 'interval' for an "
               "operating day)"},
        {"{opne: \"08:00\", close: \"10:00\", interval: 30m}",
         "1:11: unknown key 'opne' in horizon (did you mean 'open'?)"},
    };
    for (size_t i = 0; i < ACD_ARRAY_LEN(cases); i++) {
        /* Per-interval data needs valid intervals: never a cascade. */
        char *y = acd_xasprintf("horizon: %s\n"
                                "call_types: [{name: a, arrivals: {per_interval: [1, 2]}, "
                                "handle_time: {dist: exponential, mean: 1m}}]\n"
                                "agent_groups: [{name: g, skills: [a], agents: [1, 2, 3]}]\n",
                                cases[i].horizon);
        const char *want[] = {cases[i].want};
        print_message("# case %zu: %s\n", i, cases[i].horizon);
        expect_errors_len(y, strlen(y), want, 1);
        free(y);
    }
    /* The close policy: its own error only (the intervals are valid). */
    EXPECT_ERRORS(DAY_HORIZON_POLICY("drian"),
                  "1:71: unknown close_policy 'drian' (did you mean 'drain'?)");
    EXPECT_ERRORS(DAY_HORIZON_POLICY("wait"),
                  "1:71: unknown close_policy 'wait' (expected one of: drain, disconnect, "
                  "until_empty)");
    EXPECT_ERRORS("horizon: {duration: 8h, close_policy: drain}\n"
                  "call_types: [{name: a, arrivals: {rate: 1}, handle_time: {dist: exponential, "
                  "mean: 1m}}]\n"
                  "agent_groups: [{name: g, skills: [a], agents: 1}]\n",
                  "1:25: 'close_policy' needs an operating-day horizon (horizon: {open, close, "
                  "interval}, not duration)");
    /* Missing parts are listed together. */
    EXPECT_ERRORS("horizon: {close_policy: drain}\n"
                  "call_types: [{name: a, arrivals: {rate: 1}, handle_time: {dist: exponential, "
                  "mean: 1m}}]\n"
                  "agent_groups: [{name: g, skills: [a]}]\n",
                  "1:10: horizon is missing 'open'", "1:10: horizon is missing 'close'",
                  "1:10: horizon is missing 'interval'");
}

/* Day-only keys in a steady-state scenario, and the reverse. */
static void
test_day_keys_in_steady(void **state)
{
    (void)state;
    EXPECT_ERRORS("horizon: {duration: 8h}\n"
                  "busyness: {cv: 0.1}\n"
                  "call_types:\n"
                  "  - name: a\n"
                  "    arrivals: {per_interval: [1, 2]}\n"
                  "    handle_time: {dist: gamma, mean: 4m, cv: 1, by_interval: [4m, 5m]}\n"
                  "    patience: {dist: exponential, mean: 1m, by_interval: [1m, 1m]}\n"
                  "  - name: b\n"
                  "    arrivals: {file: b.csv}\n"
                  "    handle_time: {dist: exponential, mean: 1m}\n"
                  "agent_groups:\n"
                  "  - {name: g, skills: [a], agents: [1, 2]}\n"
                  "  - {name: h, skills: [b], shifts: [{start: \"08:00\", end: \"09:00\", "
                  "count: 1}]}\n",
                  "2:1: 'busyness' needs an operating-day horizon (horizon: {open, close, "
                  "interval}, not duration)",
                  "5:16: 'per_interval' needs an operating-day horizon (horizon: {open, close, "
                  "interval}, not duration)",
                  "6:49: 'by_interval' needs an operating-day horizon (horizon: {open, close, "
                  "interval}, not duration)",
                  "7:45: 'by_interval' needs an operating-day horizon (horizon: {open, close, "
                  "interval}, not duration)",
                  "9:16: 'file' needs an operating-day horizon (horizon: {open, close, "
                  "interval}, not duration)",
                  "12:36: a list of 'agents' per interval needs an operating-day horizon",
                  "13:28: 'shifts' needs an operating-day horizon (horizon: {open, close, "
                  "interval}, not duration)");
    /* by_interval is only for a call type's handle_time and patience. */
    char *y = day_scenario("    retry: {busy: {p_first: 1, delay: {dist: exponential, mean: 1m, "
                           "by_interval: [1, 2, 3, 4]}}}\n",
                           "    agents: 1\n");
    EXPECT_ERRORS(y, "6:69: unknown key 'by_interval' in delay (expected one of: dist, mean, cv, "
                     "k, min, max, file, mode)");
    free(y);
}

static void
test_day_lists(void **state)
{
    (void)state;
    char *y = acd_xasprintf(DAY_HORIZON "busyness: {cv: -1}\n"
                                        "call_types:\n"
                                        "  - name: a\n"
                                        "    arrivals: {per_interval: [1, -2, x, [3]]}\n"
                                        "    handle_time: {dist: exponential, mean: 1m}\n"
                                        "  - name: b\n"
                                        "    arrivals: {per_interval: [1, 2, 3]}\n"
                                        "    handle_time: {dist: exponential, mean: 1m}\n"
                                        "  - name: c\n"
                                        "    arrivals: {per_interval: 12, rate: 1}\n"
                                        "    handle_time: {dist: exponential, mean: 1m}\n"
                                        "  - name: d\n"
                                        "    arrivals: {}\n"
                                        "    handle_time: {dist: exponential, mean: 1m}\n"
                                        "agent_groups:\n"
                                        "  - {name: g, skills: [a, b, c, d], agents: [1, 2, "
                                        "2.5, 1000001, 3]}\n");
    EXPECT_ERRORS(y, "2:16: 'cv' must not be negative (found '-1')",
                  "5:34: values in 'per_interval' must be numbers >= 0 (found '-2')",
                  "5:38: values in 'per_interval' must be numbers >= 0 (found 'x')",
                  "5:41: values in 'per_interval' must be numbers >= 0 (found a list)",
                  "8:30: 'per_interval' must have 4 values, one per interval (found 3)",
                  "11:30: 'per_interval' must be a list with one value per interval (found '12')",
                  "11:34: 'rate' cannot be combined with 'per_interval' in arrivals (give one of "
                  "'rate', 'per_interval' or 'file')",
                  "14:15: arrivals needs 'rate', 'per_interval' or 'file'",
                  "17:45: 'agents' must have 4 values, one per interval (found 5)",
                  "17:52: values in 'agents' must be integers from 0 to 1000000 (found '2.5')",
                  "17:57: values in 'agents' must be integers from 0 to 1000000 (found "
                  "'1000001')");
    free(y);
}

/* Temporary files for CSV tests; `dir` is removed with its files. */
struct tmpdir {
    char dir[64];
    char *files[8];
    size_t n;
};

static void
tmp_init(struct tmpdir *t)
{
    strcpy(t->dir, "/tmp/acdsim-csv-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    t->n = 0;
}

static void
tmp_write(struct tmpdir *t, const char *name, const char *text)
{
    char *path = acd_xasprintf("%s/%s", t->dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_true(t->n < ACD_ARRAY_LEN(t->files));
    t->files[t->n++] = path;
}

static void
tmp_fini(struct tmpdir *t)
{
    for (size_t i = 0; i < t->n; i++) {
        unlink(t->files[i]);
        free(t->files[i]);
    }
    rmdir(t->dir);
}

static struct acd_scenario *
load_ok_in(const char *dir, const char *yaml)
{
    struct acd_diags d;
    acd_diags_init(&d);
    struct acd_scenario *sc = NULL;
    int rc = acd_scenario_load_string("t.yaml", dir, yaml, strlen(yaml), &sc, &d);
    if (rc != 0)
        print_diags(&d);
    assert_int_equal(rc, 0);
    acd_diags_fini(&d);
    return sc;
}

/* Like expect_errors_len, with files: each wanted line is "FILE:line:col:
 * message", where FILE is t.yaml or @/NAME for a file of `dir`. */
static void
expect_errors_in(const char *dir, const char *yaml, const char *const *want, size_t n_want)
{
    struct acd_diags d;
    acd_diags_init(&d);
    struct acd_scenario *sc = NULL;
    int rc = acd_scenario_load_string("t.yaml", dir, yaml, strlen(yaml), &sc, &d);
    bool same = d.n == n_want;
    size_t dl = strlen(dir);
    for (size_t i = 0; same && i < n_want; i++) {
        const char *file = d.v[i].file;
        char got[1024];
        if (strncmp(file, dir, dl) == 0 && file[dl] == '/')
            snprintf(got, sizeof(got), "@%s:%u:%u: %s", file + dl, d.v[i].line, d.v[i].col,
                     d.v[i].msg);
        else
            snprintf(got, sizeof(got), "%s:%u:%u: %s", file, d.v[i].line, d.v[i].col, d.v[i].msg);
        same = strcmp(got, want[i]) == 0;
    }
    if (!same) {
        print_error("expected:\n");
        for (size_t i = 0; i < n_want; i++)
            print_message("  %s\n", want[i]);
        print_error("got:\n");
        print_diags(&d);
    }
    assert_int_equal(rc, -1);
    assert_null(sc);
    assert_true(same);
    acd_diags_fini(&d);
}

#define EXPECT_ERRORS_IN(dir, yaml, ...)                                                           \
    do {                                                                                           \
        const char *const want_[] = {__VA_ARGS__};                                                 \
        expect_errors_in((dir), (yaml), want_, ACD_ARRAY_LEN(want_));                              \
    } while (0)

static void
test_csv_files(void **state)
{
    (void)state;
    struct tmpdir t;
    tmp_init(&t);
    /* Interval start times, in any order, with spaces, quotes, CRLF,
     * comments and blank lines. */
    tmp_write(&t, "a.csv",
              "\xEF\xBB\xBFInterval, Calls\r\n"
              "# the forecast\r\n"
              "\"09:30\",40\r\n"
              "08:00 , 10\r\n"
              "\r\n"
              "08:30,20.5\r\n"
              "9:00,30\r\n");
    /* Interval numbers and an aht column. */
    tmp_write(&t, "b.csv", "start,calls,aht\n1,5,4m\n2,6,300\n3,7,5m\n4,8,1:00:00\n");
    /* Staffing. */
    tmp_write(&t, "s.csv", "interval,agents\n08:00,3\n08:30,4\n09:00,5\n09:30,6\n");
    char *y = acd_xasprintf(DAY_HORIZON "call_types:\n"
                                        "  - name: a\n"
                                        "    arrivals: {file: a.csv}\n"
                                        "    handle_time: {dist: gamma, mean: 4m, cv: 0.5}\n"
                                        "  - name: b\n"
                                        "    arrivals: {file: b.csv}\n"
                                        "    handle_time: {dist: gamma, mean: 2m, cv: 0.5}\n"
                                        "    patience: {dist: exponential, mean: 1m}\n"
                                        "agent_groups:\n"
                                        "  - {name: g, skills: [a, b], agents: {file: s.csv}}\n");
    struct acd_scenario *sc = load_ok_in(t.dir, y);
    const struct acd_call_type *a = &sc->call_types[0], *b = &sc->call_types[1];
    assert_approx(a->calls_per_interval[0], 10, 0, 0);
    assert_approx(a->calls_per_interval[1], 20.5, 0, 0);
    assert_approx(a->calls_per_interval[2], 30, 0, 0);
    assert_approx(a->calls_per_interval[3], 40, 0, 0);
    assert_null(a->handle_by_interval);
    assert_approx(b->calls_per_interval[3], 8, 0, 0);
    /* aht sets per-interval handle means: same family and cv. */
    assert_non_null(b->handle_by_interval);
    static const double aht[] = {240, 300, 300, 3600};
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(b->handle_by_interval[i].type->name, "gamma");
        assert_approx(b->handle_by_interval[i].mean_s, aht[i], 1e-12, 0);
        assert_approx(b->handle_by_interval[i].cv, 0.5, 1e-12, 0);
    }
    assert_approx(b->handle.mean_s, 120, 1e-12, 0); /* the all-day one is kept */
    assert_null(b->patience_by_interval);
    assert_int_equal(sc->groups[0].agents, 3);
    assert_int_equal(sc->groups[0].agents_by_interval[3], 6);
    acd_scenario_free(sc);
    free(y);

    /* Relative to the scenario file's directory when loaded from a file. */
    tmp_write(&t, "day.yaml",
              DAY_HORIZON "call_types: [{name: a, arrivals: {file: a.csv}, handle_time: {dist: "
                          "exponential, mean: 1m}}]\n"
                          "agent_groups: [{name: g, skills: [a], agents: {file: s.csv}}]\n");
    struct acd_diags d;
    acd_diags_init(&d);
    assert_int_equal(acd_scenario_load_file(t.files[t.n - 1], &sc, &d), 0);
    assert_approx(sc->call_types[0].calls_per_interval[3], 40, 0, 0);
    acd_scenario_free(sc);
    acd_diags_fini(&d);
    tmp_fini(&t);
}

static void
test_csv_errors(void **state)
{
    (void)state;
    struct tmpdir t;
    tmp_init(&t);
    tmp_write(&t, "rows.csv",
              "interval,calls\n"
              "08:00,1\n"
              "08:15,2\n"    /* not an interval start */
              "5,3\n"        /* no interval 5 */
              "soon,4\n"     /* neither */
              "08:00,5\n"    /* twice */
              "08:30,-1\n"   /* negative */
              "09:00\n"      /* too few fields */
              "09:30,1, 2\n" /* too many */
              "10:00,1\n");  /* after closing */
    tmp_write(&t, "header.csv", "time,calls\n08:00,1\n");
    tmp_write(&t, "empty.csv", "# nothing yet\n\n");
    tmp_write(&t, "missing.csv", "start,calls,aht\n2,1,4m\n4,1,0\n");
    tmp_write(&t, "staff.csv", "interval,agents\n08:00,1.5\n08:30,2\n09:00,2\n09:30,2\n");
    char *y = acd_xasprintf(DAY_HORIZON "call_types:\n"
                                        "  - {name: a, arrivals: {file: rows.csv}, handle_time: "
                                        "{dist: exponential, mean: 1m}}\n"
                                        "  - {name: b, arrivals: {file: header.csv}, "
                                        "handle_time: {dist: exponential, mean: 1m}}\n"
                                        "  - {name: c, arrivals: {file: empty.csv}, handle_time: "
                                        "{dist: exponential, mean: 1m}}\n"
                                        "  - {name: d, arrivals: {file: missing.csv}, "
                                        "handle_time: {dist: exponential, mean: 1m}}\n"
                                        "  - {name: e, arrivals: {file: nope.csv}, handle_time: "
                                        "{dist: exponential, mean: 1m}}\n"
                                        "agent_groups:\n"
                                        "  - {name: g, skills: [a, b, c, d, e], agents: {file: "
                                        "staff.csv}}\n");
    EXPECT_ERRORS_IN(
        t.dir, y,
        "@/rows.csv:3:1: '08:15' is not the start of an interval (they start every 30m from "
        "08:00 to 09:30)",
        "@/rows.csv:4:1: interval 5 does not exist (intervals are numbered 1 to 4)",
        "@/rows.csv:5:1: expected an interval start like 08:00 or an interval number from 1 to "
        "4 (found 'soon')",
        "@/rows.csv:6:1: interval 08:00 is given twice (first on line 2)",
        "@/rows.csv:7:7: 'calls' values must be numbers >= 0 (found '-1')",
        "@/rows.csv:8:1: expected 2 fields as in the header (found 1)",
        "@/rows.csv:9:10: expected 2 fields as in the header (found 3)",
        "@/rows.csv:10:1: '10:00' is not the start of an interval (they start every 30m from "
        "08:00 to 09:30)",
        "@/header.csv:1:1: column 1 of the header must be 'interval' or 'start', found 'time' "
        "(accepted: interval,calls / start,calls / interval,calls,aht / start,calls,aht, in any "
        "case)",
        "@/empty.csv:1:1: arrivals file is empty (expected the header row 'interval,calls' or "
        "'start,calls,aht')",
        "@/missing.csv:3:5: 'aht' values must be durations > 0 like 4m or 240 (found '0')",
        "@/missing.csv:1:1: 2 intervals are missing (08:00, 09:00): every interval from 08:00 to "
        "09:30 must be given once",
        "@/nope.csv:1:1: cannot open arrivals file: No such file or directory",
        "@/staff.csv:2:7: 'agents' values must be integers from 0 to 1000000 (found '1.5')");
    free(y);
    tmp_fini(&t);
}

static void
test_by_interval(void **state)
{
    (void)state;
    struct tmpdir t;
    tmp_init(&t);
    tmp_write(&t, "ht.txt", "60\n120\n180\n");
    char *y = acd_xasprintf(
        DAY_HORIZON "call_types:\n"
                    "  - name: a\n"
                    "    arrivals: {rate: 1/min}\n"
                    "    handle_time: {dist: lognormal, mean: 4m, cv: 0.8, by_interval: [4m, 5m, "
                    "6m, 3m]}\n"
                    "    patience: {dist: erlang, mean: 1m, k: 4, by_interval: [1m, 2m, 3m, 4m]}\n"
                    "  - name: b\n"
                    "    arrivals: {rate: 1/min}\n"
                    "    handle_time: {dist: uniform, min: 1m, max: 3m, by_interval: [1m, 2m, 3m, "
                    "4m]}\n"
                    "    patience: {dist: empirical, file: ht.txt, by_interval: [1m, 2m, 3m, "
                    "4m]}\n"
                    "agent_groups: [{name: g, skills: [a, b], agents: 1}]\n");
    struct acd_scenario *sc = load_ok_in(t.dir, y);
    const struct acd_call_type *a = &sc->call_types[0], *b = &sc->call_types[1];
    static const double hm[] = {240, 300, 360, 180};
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(a->handle_by_interval[i].type->name, "lognormal");
        assert_approx(a->handle_by_interval[i].mean_s, hm[i], 1e-12, 0);
        assert_approx(a->handle_by_interval[i].cv, 0.8, 1e-12, 0);
        assert_string_equal(a->patience_by_interval[i].type->name, "erlang");
        assert_approx(a->patience_by_interval[i].mean_s, 60.0 * (double)(i + 1), 1e-12, 0);
        assert_approx(a->patience_by_interval[i].cv, 0.5, 1e-12, 0);
        /* Uniform and empirical are scaled: the same shape. */
        assert_string_equal(b->handle_by_interval[i].type->name, "uniform");
        assert_approx(b->handle_by_interval[i].mean_s, 60.0 * (double)(i + 1), 1e-12, 0);
        assert_approx(b->handle_by_interval[i].cv, b->handle.cv, 1e-12, 0);
        assert_string_equal(b->patience_by_interval[i].type->name, "empirical");
        assert_int_equal(b->patience_by_interval[i].n_samples, 3);
        assert_approx(b->patience_by_interval[i].mean_s, 60.0 * (double)(i + 1), 1e-12, 0);
        assert_approx(b->patience_by_interval[i].cv, b->patience.cv, 1e-12, 0);
    }
    acd_scenario_free(sc);
    free(y);

    /* Errors: values, length, and the arrivals file's aht given as well. */
    tmp_write(&t, "aht.csv", "start,calls,aht\n1,1,1m\n2,1,1m\n3,1,1m\n4,1,1m\n");
    y = acd_xasprintf(DAY_HORIZON "call_types:\n"
                                  "  - name: a\n"
                                  "    arrivals: {file: aht.csv}\n"
                                  "    handle_time: {dist: exponential, mean: 1m, by_interval: "
                                  "[1m, 1m, 1m, 1m]}\n"
                                  "    patience: {dist: exponential, mean: 1m, by_interval: [1m, "
                                  "0, -1m, x]}\n"
                                  "  - name: b\n"
                                  "    arrivals: {rate: 1}\n"
                                  "    handle_time: {dist: exponential, mean: 1m, by_interval: "
                                  "{a: 1}}\n"
                                  "    patience: {dist: exponential, mean: 1m, by_interval: [1m]}\n"
                                  "agent_groups: [{name: g, skills: [a, b], agents: 1}]\n");
    EXPECT_ERRORS_IN(t.dir, y,
                     "t.yaml:5:48: 'by_interval' cannot be combined with the 'aht' column of the "
                     "arrivals file (give per-interval handle times once)",
                     "t.yaml:6:63: values in 'by_interval' must be durations > 0 like 4m or 240 "
                     "(found '0')",
                     "t.yaml:6:66: values in 'by_interval' must be durations > 0 like 4m or 240 "
                     "(found '-1m')",
                     "t.yaml:6:71: values in 'by_interval' must be durations > 0 like 4m or 240 "
                     "(found 'x')",
                     "t.yaml:9:61: 'by_interval' must be a list with one value per interval "
                     "(found a mapping)",
                     "t.yaml:10:58: 'by_interval' must have 4 values, one per interval (found "
                     "1)");
    free(y);
    tmp_fini(&t);
}

static void
test_call_type_fields(void **state)
{
    (void)state;
    /* Absent keys leave every field off. */
    struct acd_scenario *sc = load_ok(MINIMAL);
    const struct acd_call_type *ct = &sc->call_types[0];
    assert_int_equal(ct->priority, 0);
    assert_approx(ct->wait_bonus_per_s, 0, 0, 0);
    assert_approx(ct->overflow_delay_s, 0, 0, 0);
    assert_approx(ct->balk_prob, 0, 0, 0);
    assert_approx(ct->queue_timeout_s, 0, 0, 0);
    assert_false(ct->has_timeout_to);
    assert_false(ct->retry_busy.enabled);
    assert_false(ct->retry_abandon.enabled);
    assert_false(ct->callback_enabled);
    assert_int_equal(ct->n_resolution, 0);
    assert_null(ct->resolution);
    assert_false(ct->has_repeat_delay);
    assert_approx(ct->cost_per_abandon, 0, 0, 0);
    assert_approx(ct->cost_per_repeat, 0, 0, 0);
    assert_null(ct->calls_per_interval);
    const struct acd_agent_group *g = &sc->groups[0];
    assert_int_equal(g->tier, 1);
    assert_int_equal(sc->max_tier, 1);
    assert_int_equal(g->skill_lv[0].type, 0);
    assert_int_equal(g->skill_lv[0].level, 1);
    assert_null(g->agents_by_interval);
    assert_approx(g->absenteeism, 0, 0, 0);
    assert_int_equal(g->n_handle, 0);
    assert_false(g->has_wrap_up);
    assert_int_equal(g->n_wrap_by_type, 0);
    assert_false(g->assist_by_len);
    assert_false(g->assist_by_wait);
    assert_approx(g->cost_per_hour, 0, 0, 0);
    acd_scenario_free(sc);

    sc = load_ok("horizon: {duration: 1h}\n"
                 "call_types:\n"
                 "  - name: a\n"
                 "    arrivals: {rate: 1/min}\n"
                 "    handle_time: {dist: exponential, mean: 3m}\n"
                 "    priority: -5\n"
                 "    wait_bonus: 60/min\n"
                 "    overflow_delay: 30s\n"
                 "    balk: 0.1\n"
                 "    queue_timeout: {after: 5m, to: b}\n"
                 "    retry:\n"
                 "      busy: {p_first: 0.8, delay: {dist: exponential, mean: 2m}}\n"
                 "      abandon: {p_first: 0.5, p_later: 0.25, delay: {dist: deterministic, "
                 "mean: 10m}, max_attempts: 1}\n"
                 "    callback: {threshold: 90s, accept: 0.4}\n"
                 "    resolution:\n"
                 "      - {tier: 2, resolve: 0.9, handle_time: {dist: exponential, mean: 8m}, "
                 "priority: 7}\n"
                 "      - {tier: 1, resolve: 0.7, escalate: 0.5}\n"
                 "    repeat_delay: {dist: exponential, mean: 2h}\n"
                 "    costs: {abandon: 2.5, repeat: 4}\n"
                 "  - name: b\n"
                 "    arrivals: {rate: 0}\n"
                 "    handle_time: {dist: exponential, mean: 3m}\n"
                 "    priority: 1000000\n"
                 "    wait_bonus: 0.5\n"
                 "    queue_timeout: {after: 1m}\n"
                 "    resolution: [{tier: 1, resolve: 1}]\n"
                 "agent_groups:\n"
                 "  - {name: g, skills: [a, b], agents: 2}\n"
                 "  - {name: s, tier: 2, skills: [a], agents: 1}\n");
    const struct acd_call_type *a = &sc->call_types[0], *b = &sc->call_types[1];
    assert_int_equal(a->priority, -5);
    assert_approx(a->wait_bonus_per_s, 1, 1e-12, 0);
    assert_approx(a->overflow_delay_s, 30, 0, 0);
    assert_approx(a->balk_prob, 0.1, 0, 0);
    assert_approx(a->queue_timeout_s, 300, 0, 0);
    assert_true(a->has_timeout_to);
    assert_int_equal(a->timeout_to, 1);
    assert_true(a->retry_busy.enabled);
    assert_approx(a->retry_busy.p_first, 0.8, 0, 0);
    assert_approx(a->retry_busy.p_later, 0.8, 0, 0); /* default: p_first */
    assert_int_equal(a->retry_busy.max_attempts, 3); /* default */
    assert_approx(a->retry_busy.delay.mean_s, 120, 1e-12, 0);
    assert_true(a->retry_abandon.enabled);
    assert_approx(a->retry_abandon.p_later, 0.25, 0, 0);
    assert_int_equal(a->retry_abandon.max_attempts, 1);
    assert_string_equal(a->retry_abandon.delay.type->name, "deterministic");
    assert_true(a->callback_enabled);
    assert_approx(a->callback_threshold_s, 90, 0, 0);
    assert_approx(a->callback_accept_prob, 0.4, 0, 0);
    assert_int_equal(a->n_resolution, 2);
    assert_int_equal(a->resolution[0].tier, 1); /* sorted by tier */
    assert_approx(a->resolution[0].p_resolve, 0.7, 0, 0);
    assert_approx(a->resolution[0].p_escalate, 0.5, 0, 0);
    assert_false(a->resolution[0].has_handle);
    assert_int_equal(a->resolution[0].priority, 0);
    assert_int_equal(a->resolution[1].tier, 2);
    assert_approx(a->resolution[1].p_escalate, 0, 0, 0); /* default */
    assert_true(a->resolution[1].has_handle);
    assert_approx(a->resolution[1].handle.mean_s, 480, 1e-12, 0);
    assert_int_equal(a->resolution[1].priority, 7);
    assert_true(a->has_repeat_delay);
    assert_approx(a->repeat_delay.mean_s, 7200, 1e-12, 0);
    assert_approx(a->cost_per_abandon, 2.5, 0, 0);
    assert_approx(a->cost_per_repeat, 4, 0, 0);
    assert_int_equal(b->priority, 1000000);
    assert_approx(b->wait_bonus_per_s, 0.5, 0, 0);
    assert_approx(b->queue_timeout_s, 60, 0, 0);
    assert_false(b->has_timeout_to); /* voicemail */
    assert_int_equal(b->n_resolution, 1);
    assert_false(b->has_repeat_delay); /* every issue resolves at tier 1 */
    assert_int_equal(sc->max_tier, 2);
    assert_int_equal(sc->groups[1].tier, 2);
    acd_scenario_free(sc);
}

static void
test_call_type_errors(void **state)
{
    (void)state;
    static const struct {
        const char *extra, *want;
    } cases[] = {
        {"priority: 1.5", "6:15: 'priority' must be an integer (found '1.5')"},
        {"priority: -1000001", "6:15: 'priority' must be from -1000000 to 1000000 (found "
                               "'-1000001')"},
        {"wait_bonus: -1/s", "6:17: 'wait_bonus' must not be negative (found '-1/s')"},
        {"overflow_delay: -1s", "6:21: 'overflow_delay' must not be negative (found '-1s')"},
        {"balk: 1.5", "6:11: 'balk' must be between 0 and 1 (found '1.5')"},
        {"queue_timeout: 5m", "6:20: 'queue_timeout' must be a mapping like {after: 5m, to: "
                              "voicemail} (found '5m')"},
        {"queue_timeout: {after: 0}", "6:28: 'after' must be greater than 0 (found '0')"},
        {"queue_timeout: {to: backlog}", "6:20: queue_timeout is missing 'after'"},
        {"queue_timeout: {after: 1m, to: voicemial}",
         "6:36: unknown queue_timeout target 'voicemial' (did you mean 'voicemail'?)"},
        {"queue_timeout: {after: 1m, to: backlg}",
         "6:36: unknown queue_timeout target 'backlg' (did you mean 'backlog'?)"},
        {"queue_timeout: {after: 1m, to: zzzzzz}",
         "6:36: unknown queue_timeout target 'zzzzzz' (expected voicemail or a call type: a, "
         "backlog)"},
        {"queue_timeout: {after: 1m, to: a}",
         "6:36: queue_timeout cannot send call type 'a' back to its own queue (name another "
         "call type, or voicemail)"},
        {"retry: {busy: {p_first: 0.5}}", "6:19: busy is missing 'delay'"},
        {"retry: {abandon: {delay: {dist: exponential, mean: 1m}}}",
         "6:22: abandon is missing 'p_first'"},
        {"retry: {busy: {p_first: 2, delay: {dist: exponential, mean: 1m}}}",
         "6:29: 'p_first' must be between 0 and 1 (found '2'; did you mean 0.02 or 2%?)"},
        {"retry: {busy: {p_first: 1, max_attempts: 0, delay: {dist: exponential, mean: 1m}}}",
         "6:46: 'max_attempts' must be at least 1 (found '0')"},
        {"retry: {busy: {p_first: 1, delay: {dist: exponential}}}",
         "6:39: the exponential distribution needs 'mean' (usage: {dist: exponential, mean: "
         "DURATION})"},
        {"retry: {bussy: {p_first: 1}}", "6:13: unknown key 'bussy' in retry (did you mean "
                                         "'busy'?)"},
        {"callback: {threshold: 1m}", "6:15: callback is missing 'accept'"},
        {"callback: {threshold: -1m, accept: 0.5}",
         "6:27: 'threshold' must not be negative (found '-1m')"},
        {"resolution: {tier: 1}", "6:17: 'resolution' must be a list like [{tier: 1, resolve: "
                                  "0.8, escalate: 0.5}] (found a mapping)"},
        {"resolution: []", "6:17: 'resolution' must list at least one tier"},
        {"resolution: [1]", "6:18: a resolution entry must be a mapping like {tier: 1, resolve: "
                            "0.8} (found '1')"},
        {"resolution: [{tier: 0, resolve: 1}]", "6:25: 'tier' must be at least 1 (found '0')"},
        {"resolution: [{tier: 1}]", "6:18: resolution entry is missing 'resolve'"},
        {"resolution: [{tier: 1, resolve: 1}, {tier: 1, resolve: 0.5, escalate: 1}]",
         "6:41: tier 1 is given twice in resolution (first at line 6)"},
        {"resolution: [{tier: 1, resolve: 0.5, escalate: 1.5}]",
         "6:52: 'escalate' must be between 0 and 1 (found '1.5')"},
        {"resolution: [{tier: 1, resolve: 0.8}]",
         "3:5: call type 'a' needs 'repeat_delay': at tier 1 some issues stay unresolved "
         "without escalation, and those customers call again"},
        {"resolution: [{tier: 1, resolve: 0.8}]\n    repeat_dealy: {dist: exponential, mean: 1h}",
         "7:5: unknown key 'repeat_dealy' in call type (did you mean 'repeat_delay'?)"},
        {"costs: {abandon: -1, repeat: 2}", "6:22: 'abandon' must not be negative (found '-1')"},
        {"costs: {abandon: 1, repaet: 2}",
         "6:25: unknown key 'repaet' in costs (did you mean 'repeat'?)"},
    };
    for (size_t i = 0; i < ACD_ARRAY_LEN(cases); i++) {
        char *y = acd_xasprintf("horizon: {duration: 1h}\n"
                                "call_types:\n"
                                "  - name: a\n"
                                "    arrivals: {rate: 1/min}\n"
                                "    handle_time: {dist: exponential, mean: 3m}\n"
                                "    %s\n"
                                "  - {name: backlog, arrivals: {rate: 0}, handle_time: {dist: "
                                "exponential, mean: 1m}}\n"
                                "agent_groups:\n"
                                "  - {name: g, skills: [a, backlog], agents: 2}\n",
                                cases[i].extra);
        const char *want[] = {cases[i].want};
        print_message("# case %zu\n", i); /* extra spans lines: TAP needs # */
        expect_errors_len(y, strlen(y), want, 1);
        free(y);
    }
}

/* call_types[].transfer and agent_groups[].answers (issue 12 §2.4): a
 * single mapping or a list; targets resolve to call types first, then
 * groups; defaults cold, wait, no own patience. */
static void
test_transfers(void **state)
{
    (void)state;
    struct acd_scenario *sc =
        load_ok("horizon: {duration: 1h}\n"
                "call_types:\n"
                "  - name: a\n"
                "    arrivals: {rate: 1/min}\n"
                "    handle_time: {dist: exponential, mean: 3m}\n"
                "    transfer:\n"
                "      - {to: mgr, prob: 0.05, mode: warm, if_idle: voicemail, patience: {dist: "
                "exponential, mean: 10m}}\n"
                "      - {to: b, prob: 0.25, mode: conference, conference: {dist: deterministic, "
                "mean: 30s}}\n"
                "  - name: b\n"
                "    arrivals: {rate: 0}\n"
                "    handle_time: {dist: exponential, mean: 3m}\n"
                "    transfer: {to: a, prob: 1}\n"
                "agent_groups:\n"
                "  - {name: g, skills: [a, b], agents: 2}\n"
                "  - {name: mgr, skills: [a], agents: 1, answers: [transfers, escalations]}\n");
    const struct acd_call_type *a = &sc->call_types[0], *b = &sc->call_types[1];
    assert_int_equal(a->n_transfers, 2);
    assert_true(a->transfers[0].to_group);
    assert_int_equal(a->transfers[0].to, 1);
    assert_approx(a->transfers[0].prob, 0.05, 0, 0);
    assert_int_equal(a->transfers[0].mode, ACD_TRANSFER_WARM);
    assert_int_equal(a->transfers[0].if_idle, ACD_TRANSFER_VOICEMAIL);
    assert_true(a->transfers[0].has_patience);
    assert_approx(a->transfers[0].patience.mean_s, 600, 1e-12, 0);
    assert_false(a->transfers[0].has_conference);
    assert_false(a->transfers[1].to_group);
    assert_int_equal(a->transfers[1].to, 1);
    assert_int_equal(a->transfers[1].mode, ACD_TRANSFER_CONFERENCE);
    assert_true(a->transfers[1].has_conference);
    assert_approx(a->transfers[1].conference.mean_s, 30, 0, 0);
    assert_int_equal(b->n_transfers, 1);
    assert_int_equal(b->transfers[0].mode, ACD_TRANSFER_COLD);
    assert_int_equal(b->transfers[0].if_idle, ACD_TRANSFER_WAIT);
    assert_false(b->transfers[0].has_patience);
    assert_int_equal(sc->groups[0].answers, 0); /* all */
    assert_int_equal(sc->groups[1].answers, ACD_ANSWERS_TRANSFERS | ACD_ANSWERS_ESCALATIONS);
    assert_true(acd_scenario_features(sc) & ACD_FEAT_TRANSFER);
    acd_scenario_free(sc);
}

static void
test_escalation(void **state)
{
    (void)state;
    /* Escalating from tier 1 needs a tier-2 (or higher) group with the
     * skill; from tier 2, tier 3. */
    EXPECT_ERRORS("horizon: {duration: 1h}\n"
                  "call_types:\n"
                  "  - name: billing\n"
                  "    arrivals: {rate: 1/min}\n"
                  "    handle_time: {dist: exponential, mean: 3m}\n"
                  "    resolution:\n"
                  "      - {tier: 1, resolve: 0.7, escalate: 1}\n"
                  "      - {tier: 2, resolve: 0.9, escalate: 0.5}\n"
                  "    repeat_delay: {dist: exponential, mean: 1h}\n"
                  "  - name: other\n"
                  "    arrivals: {rate: 1/min}\n"
                  "    handle_time: {dist: exponential, mean: 3m}\n"
                  "agent_groups:\n"
                  "  - {name: g, skills: [billing], agents: 2}\n"
                  "  - {name: s, tier: 3, skills: [other], agents: 1}\n",
                  "7:9: escalation from tier 1 needs a group of tier 2 or above with skill "
                  "'billing'",
                  "8:9: escalation from tier 2 needs a group of tier 3 or above with skill "
                  "'billing'");
    /* A tier-3 group serves escalations from tier 1 and 2. */
    struct acd_scenario *sc = load_ok("horizon: {duration: 1h}\n"
                                      "call_types:\n"
                                      "  - name: billing\n"
                                      "    arrivals: {rate: 1/min}\n"
                                      "    handle_time: {dist: exponential, mean: 3m}\n"
                                      "    resolution:\n"
                                      "      - {tier: 1, resolve: 0.7, escalate: 1}\n"
                                      "      - {tier: 2, resolve: 0.9, escalate: 1}\n"
                                      "agent_groups:\n"
                                      "  - {name: g, skills: [billing], agents: 2}\n"
                                      "  - {name: s, tier: 3, skills: [billing], agents: 1}\n");
    assert_int_equal(sc->max_tier, 3);
    acd_scenario_free(sc);
    /* A bad tier or skill: no escalation error on top. */
    EXPECT_ERRORS("horizon: {duration: 1h}\n"
                  "call_types:\n"
                  "  - name: billing\n"
                  "    arrivals: {rate: 1/min}\n"
                  "    handle_time: {dist: exponential, mean: 3m}\n"
                  "    resolution: [{tier: 1, resolve: 0.7, escalate: 1}]\n"
                  "agent_groups:\n"
                  "  - {name: g, skills: [billing], agents: 2}\n"
                  "  - {name: s, tier: two, skills: [billing], agents: 1}\n",
                  "9:21: 'tier' must be a non-negative integer (found 'two')");
    EXPECT_ERRORS("horizon: {duration: 1h}\n"
                  "call_types:\n"
                  "  - name: billing\n"
                  "    arrivals: {rate: 1/min}\n"
                  "    handle_time: {dist: exponential, mean: 3m}\n"
                  "    resolution: [{tier: 1, resolve: 0.7, escalate: 1}]\n"
                  "agent_groups:\n"
                  "  - {name: g, skills: [billing], agents: 2}\n"
                  "  - {name: s, tier: 2, skills: [biling], agents: 1}\n",
                  "9:33: unknown call type 'biling' in skills (did you mean 'billing'?)");
}

static void
test_group_fields(void **state)
{
    (void)state;
    char *y = day_scenario(
        "  - name: b\n"
        "    arrivals: {rate: 1/min}\n"
        "    handle_time: {dist: exponential, mean: 1m}\n",
        "    tier: 2\n"
        "    absenteeism: 0.05\n"
        "    cost_per_hour: 27.5\n"
        "    shifts:\n"
        "      - {start: \"07:30\", end: \"10:00\", count: 3, breaks: [{start: \"08:00\", length: "
        "15m}, {start: \"08:15\", length: 15m}]}\n"
        "      - {start: \"09:00\", end: \"26:00\", count: 1}\n"
        "    handle_time: {a: {dist: exponential, mean: 5m}}\n"
        "    wrap_up: {dist: exponential, mean: 30s}\n"
        "    assist: {queue_len: 8}\n"
        "  - name: h\n"
        "    skills: [b, {type: a, level: 3}]\n"
        "    agents: 2\n"
        "    wrap_up: {a: {dist: deterministic, mean: 1m}, b: {dist: exponential, mean: 10s}}\n"
        "    assist: {oldest_wait: 2m, queue_len: 0}\n");
    struct acd_scenario *sc = load_ok(y);
    free(y);
    const struct acd_agent_group *g = &sc->groups[0], *h = &sc->groups[1];
    assert_int_equal(g->tier, 2);
    assert_int_equal(h->tier, 1);
    assert_int_equal(sc->max_tier, 2);
    assert_approx(g->absenteeism, 0.05, 0, 0);
    assert_approx(g->cost_per_hour, 27.5, 0, 0);
    assert_int_equal(g->agents, 0);
    assert_null(g->agents_by_interval);
    assert_int_equal(g->n_shifts, 2);
    assert_approx(g->shifts[0].start_s, 7.5 * 3600, 0, 0);
    assert_approx(g->shifts[0].end_s, 10 * 3600.0, 0, 0);
    assert_int_equal(g->shifts[0].count, 3);
    assert_int_equal(g->shifts[0].n_breaks, 2);
    assert_approx(g->shifts[0].breaks[1].start_s, 8.25 * 3600, 0, 0);
    assert_approx(g->shifts[0].breaks[1].length_s, 900, 0, 0);
    assert_approx(g->shifts[1].end_s, 26 * 3600.0, 0, 0);
    assert_int_equal(g->shifts[1].n_breaks, 0);
    assert_int_equal(g->n_handle, 1);
    assert_int_equal(g->handle[0].type, 0);
    assert_approx(g->handle[0].dist.mean_s, 300, 1e-12, 0);
    assert_true(g->has_wrap_up);
    assert_approx(g->wrap_up.mean_s, 30, 1e-12, 0);
    assert_int_equal(g->n_wrap_by_type, 0);
    assert_true(g->assist_by_len);
    assert_false(g->assist_by_wait);
    assert_int_equal(g->assist_queue_len, 8);
    /* Skills: names take their position as level; {type, level} says it. */
    assert_int_equal(g->n_skills, 1);
    assert_int_equal(g->skill_lv[0].level, 1);
    assert_int_equal(h->n_skills, 2);
    assert_int_equal(h->skills[0], 1);
    assert_int_equal(h->skills[1], 0);
    assert_int_equal(h->skill_lv[0].type, 1);
    assert_int_equal(h->skill_lv[0].level, 1);
    assert_int_equal(h->skill_lv[1].type, 0);
    assert_int_equal(h->skill_lv[1].level, 3);
    assert_int_equal(h->agents, 2);
    assert_false(h->has_wrap_up);
    assert_int_equal(h->n_wrap_by_type, 2);
    assert_int_equal(h->wrap_by_type[0].type, 0);
    assert_string_equal(h->wrap_by_type[0].dist.type->name, "deterministic");
    assert_int_equal(h->wrap_by_type[1].type, 1);
    assert_approx(h->wrap_by_type[1].dist.mean_s, 10, 1e-12, 0);
    assert_true(h->assist_by_len);
    assert_true(h->assist_by_wait);
    assert_int_equal(h->assist_queue_len, 0);
    assert_approx(h->assist_wait_s, 120, 0, 0);
    acd_scenario_free(sc);
}

static void
test_group_errors(void **state)
{
    (void)state;
    /* Each case: the one group's keys after `skills: [a]` (line 9 on). */
    static const struct {
        const char *extra, *want;
    } cases[] = {
        {"    agents: 1\n    shifts: [{start: \"08:00\", end: \"10:00\", count: 1}]\n",
         "10:5: 'shifts' cannot be combined with 'agents' in agent group (give per-interval "
         "'agents' or 'shifts')"},
        {"    shifts: []\n", "9:13: 'shifts' must list at least one shift"},
        {"    shifts: {start: \"08:00\"}\n", "9:13: 'shifts' must be a list like [{start: "
                                             "\"08:00\", end: \"16:00\", count: 5}] (found a "
                                             "mapping)"},
        {"    shifts: [8h]\n", "9:14: a shift must be a mapping like {start: \"08:00\", end: "
                               "\"16:00\", count: 5} (found '8h')"},
        {"    shifts: [{start: \"10:00\", end: \"08:00\", count: 1}]\n",
         "9:36: 'end' (08:00) must be later than 'start' (10:00)"},
        {"    shifts: [{start: \"08:00\", end: \"10:00\", count: 0}]\n",
         "9:52: 'count' must be at least 1 (found '0')"},
        {"    shifts: [{start: \"08:00\", end: \"10:00\"}]\n", "9:14: shift is missing 'count'"},
        {"    shifts: [{start: \"08:00\", end: \"10:00\", count: 1, breaks: [{start: \"09:50\", "
         "length: 15m}]}]\n",
         "9:64: the break at 09:50 (15m) is not inside its shift (08:00 to 10:00)"},
        {"    shifts: [{start: \"08:00\", end: \"10:00\", count: 1, breaks: [{start: \"07:50\", "
         "length: 5m}]}]\n",
         "9:64: the break at 07:50 (5m) is not inside its shift (08:00 to 10:00)"},
        {"    shifts: [{start: \"08:00\", end: \"10:00\", count: 1, breaks: [{start: \"09:00\", "
         "length: 15m}, {start: \"08:30\", length: 15m}]}]\n",
         "9:95: breaks must be listed in time order (08:30 comes before 09:00, line 9)"},
        {"    shifts: [{start: \"08:00\", end: \"10:00\", count: 1, breaks: [{start: \"09:00\", "
         "length: 15m}, {start: \"09:10\", length: 15m}]}]\n",
         "9:95: the break at 09:10 overlaps the break at 09:00 (line 9)"},
        {"    shifts: [{start: \"08:00\", end: \"10:00\", count: 1, breaks: [{start: \"09:00\", "
         "length: 0}]}]\n",
         "9:89: 'length' must be greater than 0 (found '0')"},
        {"    shifts: [{start: \"08:00\", end: \"10:00\", count: 1, breaks: {start: \"09:00\"}}]\n",
         "9:63: 'breaks' must be a list like [{start: \"10:00\", length: 15m}] (found a "
         "mapping)"},
        {"    agents: {fiel: s.csv}\n",
         "9:14: unknown key 'fiel' in agents (did you mean 'file'?)"},
        {"    agents: {}\n", "9:13: agents is missing 'file'"},
        {"    agents: -1\n", "9:13: 'agents' must be a non-negative integer (found '-1')"},
        {"    tier: 0\n    agents: 1\n", "9:11: 'tier' must be at least 1 (found '0')"},
        {"    tier: 101\n    agents: 1\n", "9:11: 'tier' must be at most 100 (found '101')"},
        {"    absenteeism: 1.2\n", "9:18: 'absenteeism' must be between 0 and 1 (found '1.2')"},
        {"    cost_per_hour: -3\n", "9:20: 'cost_per_hour' must not be negative (found '-3')"},
        {"    handle_time: {b: {dist: exponential, mean: 1m}}\n",
         "9:19: call type 'b' in handle_time is not one of the skills of agent group 'g' (an "
         "override applies to the group's own call types)"},
        {"    handle_time: {aa: {dist: exponential, mean: 1m}}\n",
         "9:19: unknown call type 'aa' in handle_time (call types: a, b)"},
        {"    handle_time: {a: {dist: exponential, mean: 1m}, a: {dist: exponential, mean: 2m}}\n",
         "9:53: duplicate key 'a' in handle_time (first given at line 9)"},
        {"    handle_time: {a: 4m}\n", "9:22: 'a' must be a mapping like {dist: exponential, mean: "
                                       "3m} (found '4m')"},
        {"    handle_time: {dist: exponential, mean: 1m}\n",
         "9:18: 'handle_time' in an agent group must be a mapping from call type to "
         "distribution, like {billing: {dist: exponential, mean: 5m}} (found a distribution)"},
        {"    wrap_up: {dist: exponential, men: 1m}\n",
         "9:34: unknown key 'men' in wrap_up (did you mean 'mean'?)"},
        {"    wrap_up: {dsit: exponential, mean: 1m}\n",
         "9:15: unknown key 'dsit' in wrap_up (did you mean 'dist'?)"},
        {"    wrap_up: {b: {dist: exponential, mean: 1m}}\n",
         "9:15: call type 'b' in wrap_up is not one of the skills of agent group 'g' (an "
         "override applies to the group's own call types)"},
        {"    wrap_up: 30s\n", "9:14: 'wrap_up' must be a mapping like {dist: exponential, "
                               "mean: 3m} (found '30s')"},
        {"    assist: {}\n", "9:13: assist needs 'queue_len' or 'oldest_wait' (or both)"},
        {"    assist: {queue_len: -1}\n",
         "9:25: 'queue_len' must be a non-negative integer (found '-1')"},
        {"    assist: {oldest_wiat: 1m}\n",
         "9:14: unknown key 'oldest_wiat' in assist (did you mean 'oldest_wait'?)"},
    };
    for (size_t i = 0; i < ACD_ARRAY_LEN(cases); i++) {
        char *y = acd_xasprintf(DAY_HORIZON "call_types:\n"
                                            "  - {name: a, arrivals: {rate: 1}, handle_time: "
                                            "{dist: exponential, mean: 1m}}\n"
                                            "  - {name: b, arrivals: {rate: 1}, handle_time: "
                                            "{dist: exponential, mean: 1m}}\n"
                                            "agent_groups:\n"
                                            "  - {name: h, skills: [b], agents: 1}\n"
                                            "  - name: g\n"
                                            "    skills: [a]\n"
                                            "%s",
                                cases[i].extra);
        const char *want[] = {cases[i].want};
        print_message("# case %zu\n", i);
        expect_errors_len(y, strlen(y), want, 1);
        free(y);
    }
    /* Skills as mappings. */
    EXPECT_ERRORS(DAY_HORIZON "call_types:\n"
                              "  - {name: a, arrivals: {rate: 1}, handle_time: {dist: "
                              "exponential, mean: 1m}}\n"
                              "agent_groups:\n"
                              "  - {name: g, skills: [{type: a, level: 0}]}\n"
                              "  - {name: h, skills: [{level: 2}, {type: aa}, {typ: a}]}\n"
                              "  - {name: i, skills: [{type: a, level: 1}, a]}\n",
                  "5:41: 'level' must be at least 1 (found '0')", "6:24: skill is missing 'type'",
                  "6:43: unknown call type 'aa' in skills (call types: a)",
                  "6:49: unknown key 'typ' in skill (did you mean 'type'?)",
                  "7:45: call type 'a' is listed twice in skills");
}

static void
test_routing(void **state)
{
    (void)state;
    char *y = acd_xasprintf("%srouting: longest_idel\n", MINIMAL);
    EXPECT_ERRORS(y, "10:10: unknown routing policy 'longest_idel' (did you mean 'longest_idle'?)");
    free(y);
    /* Every policy the engine knows validates, in both forms; the list
     * grows with the engine, so it is asked here too. */
    const char *names[32];
    size_t n = 0;
    bool has_random = false;
    for (; n < ACD_ARRAY_LEN(names) && (names[n] = acd_sim_policy_name(n)); n++) {
        y = acd_xasprintf("%srouting: {policy: %s}\n", MINIMAL, names[n]);
        struct acd_scenario *sc = load_ok(y);
        assert_string_equal(sc->routing, names[n]);
        acd_scenario_free(sc);
        free(y);
        has_random = has_random || strcmp(names[n], "random") == 0;
    }
    assert_true(n >= 1 && strcmp(names[0], "longest_idle") == 0);
    if (has_random) {
        y = acd_xasprintf("%srouting: random\n", MINIMAL);
        struct acd_scenario *sc = load_ok(y);
        assert_string_equal(sc->routing, "random");
        acd_scenario_free(sc);
        free(y);
    }
    size_t cap = 64;
    for (size_t i = 0; i < n; i++)
        cap += strlen(names[i]) + 2;
    char *list = acd_xmalloc(cap);
    list[0] = '\0';
    for (size_t i = 0; i < n; i++)
        snprintf(list + strlen(list), cap - strlen(list), "%s%s", i ? ", " : "", names[i]);
    char *want =
        acd_xasprintf("10:19: unknown routing policy 'skills_based' (known policies: %s)", list);
    y = acd_xasprintf("%srouting: {policy: skills_based, order: 1}\n", MINIMAL);
    EXPECT_ERRORS(y, want, "10:33: unknown key 'order' in routing (expected one of: policy)");
    free(y);
    free(want);
    free(list);
}

/* A value shared through an alias is checked at each use, but its
 * diagnostics are given once. */
static void
test_alias_errors_once(void **state)
{
    (void)state;
    EXPECT_ERRORS("horizon: {duration: 1h}\n"
                  "call_types:\n"
                  "  - {name: a, arrivals: {rate: 1}, handle_time: &h {dist: gamma, mean: 1m}}\n"
                  "  - {name: b, arrivals: {rate: 1}, handle_time: *h, patience: *h}\n"
                  "agent_groups: [{name: g, skills: [a, b], agents: 1}]\n",
                  "3:49: the gamma distribution needs 'cv' (usage: {dist: gamma, mean: DURATION, "
                  "cv: NUMBER})");
}

/* Every key of the schema at once (the fuzz tests mutate it too). Refers
 * to arrivals.csv and staff.csv in its directory. */
static const char RICH_DAY[] =
    "name: Rich day\n"
    "horizon: {open: \"08:00\", close: \"10:00\", interval: 30m, close_policy: drain}\n"
    "busyness: {cv: 0.05}\n"
    "routing: {policy: longest_idle}\n"
    "queue: {capacity: 50, lines: 80}\n"
    "call_types:\n"
    "  - name: billing\n"
    "    arrivals: {file: arrivals.csv}\n"
    "    handle_time: &ht {dist: lognormal, mean: 4m, cv: 0.8}\n"
    "    patience: {dist: exponential, mean: 3m, by_interval: [3m, 3m, 2m, 2m]}\n"
    "    priority: 2\n"
    "    wait_bonus: 0.1\n"
    "    overflow_delay: 20s\n"
    "    balk: 0.02\n"
    "    queue_timeout: {after: 10m, to: payments}\n"
    "    retry:\n"
    "      busy: {p_first: 0.8, delay: {dist: exponential, mean: 2m}}\n"
    "      abandon: {p_first: 0.5, p_later: 0.3, delay: {dist: exponential, mean: 10m}, "
    "max_attempts: 4}\n"
    "    callback: {threshold: 2m, accept: 0.4}\n"
    "    resolution:\n"
    "      - {tier: 1, resolve: 0.8, escalate: 0.5}\n"
    "      - {tier: 2, resolve: 0.95, handle_time: {dist: gamma, mean: 6m, cv: 0.5}, "
    "priority: 5}\n"
    "    repeat_delay: {dist: exponential, mean: 1h}\n"
    "    costs: {abandon: 3, repeat: 5}\n"
    "  - name: payments\n"
    "    arrivals: {per_interval: [5, 9, 16, 21]}\n"
    "    handle_time: {dist: gamma, mean: 6m, cv: 0.7, by_interval: [6m, 6m, 7m, 7m]}\n"
    "  - name: outages\n"
    "    arrivals: {rate: 60/h}\n"
    "    handle_time: *ht\n"
    "agent_groups:\n"
    "  - name: csr\n"
    "    skills: [billing, {type: payments, level: 2}, outages]\n"
    "    shifts:\n"
    "      - {start: \"08:00\", end: \"10:00\", count: 5, breaks: [{start: \"09:00\", length: "
    "15m}]}\n"
    "    absenteeism: 0.05\n"
    "    handle_time: {payments: {dist: gamma, mean: 5m, cv: 0.6}}\n"
    "    wrap_up: {dist: exponential, mean: 30s}\n"
    "    cost_per_hour: 27.5\n"
    "  - name: senior\n"
    "    tier: 2\n"
    "    skills: [billing]\n"
    "    agents: {file: staff.csv}\n"
    "    wrap_up: {billing: {dist: exponential, mean: 1m}}\n"
    "  - name: supervisors\n"
    "    tier: 3\n"
    "    skills: [billing, payments, outages]\n"
    "    agents: [1, 1, 2, 2]\n"
    "    assist: {queue_len: 8, oldest_wait: 90s}\n";

static void
write_rich_files(struct tmpdir *t)
{
    tmp_write(t, "arrivals.csv",
              "start,calls,aht\n08:00,10,4m\n08:30,20,4m\n09:00,30,5m\n"
              "09:30,25,5m\n");
    tmp_write(t, "staff.csv", "interval,agents\n1,2\n2,2\n3,3\n4,3\n");
}

static void
test_rich_day(void **state)
{
    (void)state;
    struct tmpdir t;
    tmp_init(&t);
    write_rich_files(&t);
    struct acd_scenario *sc = load_ok_in(t.dir, RICH_DAY);
    assert_int_equal(sc->n_call_types, 3);
    assert_int_equal(sc->n_groups, 3);
    assert_int_equal(sc->max_tier, 3);
    assert_approx(sc->call_types[0].handle_by_interval[2].mean_s, 300, 1e-12, 0);
    assert_approx(sc->call_types[0].patience_by_interval[3].mean_s, 120, 1e-12, 0);
    assert_int_equal(sc->call_types[0].timeout_to, 1);
    assert_int_equal(sc->groups[0].skill_lv[1].level, 2);
    assert_int_equal(sc->groups[0].skill_lv[2].level, 3);
    assert_int_equal(sc->groups[1].agents_by_interval[2], 3);
    acd_scenario_free(sc);
    tmp_fini(&t);
}

/* Errors come out in file order whatever order the checks run in, and every
 * one is reported. */
static void
test_many_errors_in_order(void **state)
{
    (void)state;
    EXPECT_ERRORS("agent_groups:\n"
                  "  - {name: g, skills: [a], agents: -1}\n"
                  "call_types:\n"
                  "  - {name: a, arrivals: {rate: x}, handle_time: {dist: exponential, mean: 1}}\n"
                  "  - {name: b, arrivals: {rate: 1}, handle_time: {dist: exponential, mean: 1}}\n"
                  "horizon: {duration: -1}\n",
                  "2:36: 'agents' must be a non-negative integer (found '-1')",
                  "4:32: 'rate' must be a rate like 2/s, 120/min or 7200/h (found 'x')",
                  "5:12: call type 'b' is not served by any agent group (add it to a group's "
                  "skills)",
                  "6:21: 'duration' must be greater than 0 (found '-1')");

    /* Past 50 errors the parser says so once, last, and stops adding. */
    size_t cap = 200 * 16 + 1;
    char *y = acd_xmalloc(cap);
    y[0] = '\0';
    for (int i = 0; i < 200; i++)
        snprintf(y + strlen(y), cap - strlen(y), "bad_key_%03d: 1\n", i);
    struct acd_diags d;
    acd_diags_init(&d);
    struct acd_scenario *sc = NULL;
    assert_int_equal(acd_scenario_load_string("t.yaml", NULL, y, strlen(y), &sc, &d), -1);
    assert_int_equal(d.n, 51);
    assert_string_equal(d.v[50].msg, "too many errors; stopping after 50");
    assert_int_equal(d.v[49].line, 50);
    acd_diags_fini(&d);
    free(y);
}

/* -------------------------------------------------------- files */

static void
test_files(void **state)
{
    (void)state;
    struct acd_diags d;
    acd_diags_init(&d);
    struct acd_scenario *sc = (struct acd_scenario *)&d;

    assert_int_equal(acd_scenario_load_file("no/such/file.yaml", &sc, &d), -1);
    assert_null(sc);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.v[0].file, "no/such/file.yaml");
    assert_int_equal(d.v[0].line, 1);
    assert_int_equal(d.v[0].col, 1);
    assert_string_equal(d.v[0].msg, "cannot open scenario: No such file or directory");
    acd_diags_fini(&d);

    acd_diags_init(&d);
    assert_int_equal(acd_scenario_load_file("unit", &sc, &d), -1);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.v[0].msg, "cannot open scenario: Is a directory");
    acd_diags_fini(&d);

    /* Over 16 MB: refused without parsing (a sparse file, so it is cheap). */
    char path[] = "/tmp/acdsim-big-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 17 * 1024 * 1024), 0);
    close(fd);
    acd_diags_init(&d);
    assert_int_equal(acd_scenario_load_file(path, &sc, &d), -1);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.v[0].msg, "scenario file is too large (more than 16 MB)");
    acd_diags_fini(&d);
    unlink(path);

    /* Diagnostics already in the list are kept, and new ones follow. */
    acd_diags_init(&d);
    acd_diags_error(&d, "other", 3, 4, "earlier");
    assert_int_equal(acd_scenario_load_string("x.yaml", NULL, "", 0, &sc, &d), -1);
    assert_int_equal(d.n, 2);
    assert_string_equal(d.v[0].msg, "earlier");
    assert_string_equal(d.v[1].file, "x.yaml");
    acd_diags_fini(&d);

    acd_scenario_free(NULL);
}

/* ---------------------------------------------------------- robustness */

/* Load and discard; the only check is that nothing crashes or leaks, and
 * that failure and success are reported consistently. */
static void
load_any_in(const char *dir, const char *text, size_t len)
{
    struct acd_diags d;
    acd_diags_init(&d);
    struct acd_scenario *sc = NULL;
    int rc = acd_scenario_load_string("fuzz.yaml", dir, text, len, &sc, &d);
    if (rc == 0) {
        assert_non_null(sc);
        assert_int_equal(d.n_errors, 0);
    } else {
        assert_null(sc);
        assert_true(d.n_errors > 0);
    }
    for (size_t i = 0; i < d.n; i++) {
        assert_true(d.v[i].line >= 1 && d.v[i].col >= 1);
        assert_null(strchr(d.v[i].msg, '\n'));
    }
    acd_scenario_free(sc);
    acd_diags_fini(&d);
}

static void
load_any(const char *text, size_t len)
{
    load_any_in("/nonexistent", text, len);
}

static uint64_t rng_state = 0x243F6A8885A308D3u;

static uint64_t
next_rand(void)
{
    rng_state += 0x9E3779B97F4A7C15u;
    return acd_fmix64(rng_state);
}

/* Every truncation of `base`, then random mutations of it: byte flips,
 * YAML punctuation, deletions, insertions. */
static void
fuzz_text(const char *dir, const char *base, size_t len, int mutations)
{
    char *buf = acd_xmalloc(len + 64);
    for (size_t n = 0; n <= len; n++) {
        memcpy(buf, base, n);
        load_any_in(dir, buf, n);
    }
    static const char punct[] = ":-[]{},&*!|>'\"#%@` \t\n?~0.";
    for (int i = 0; i < mutations; i++) {
        memcpy(buf, base, len);
        size_t n = len;
        int edits = 1 + (int)(next_rand() % 4);
        for (int e = 0; e < edits; e++) {
            size_t at = (size_t)(next_rand() % n);
            switch (next_rand() % 4) {
            case 0:
                buf[at] = (char)(next_rand() & 0xff);
                break;
            case 1:
                buf[at] = punct[next_rand() % (sizeof(punct) - 1)];
                break;
            case 2:
                memmove(buf + at, buf + at + 1, n - at - 1);
                n--;
                break;
            default:
                memmove(buf + at + 1, buf + at, n - at);
                buf[at] = punct[next_rand() % (sizeof(punct) - 1)];
                n++;
                break;
            }
        }
        load_any_in(dir, buf, n);
    }
    free(buf);
}

static void
test_fuzz(void **state)
{
    (void)state;
    fuzz_text("/nonexistent", acd_default_scenario_text, acd_default_scenario_len, 3000);
    /* The whole schema, with its CSV files present. */
    struct tmpdir td;
    tmp_init(&td);
    write_rich_files(&td);
    fuzz_text(td.dir, RICH_DAY, strlen(RICH_DAY), 3000);
    tmp_fini(&td);

    /* Pure random bytes, and random YAML-ish token soup. */
    char junk[512];
    static const char *const tokens[] = {
        "horizon",
        "call_types",
        "agent_groups",
        "name",
        ":",
        " ",
        "\n",
        "  ",
        "- ",
        "{",
        "}",
        "[",
        "]",
        ",",
        "&a ",
        "*a",
        "dist",
        "mean",
        "1m",
        "-1",
        "0",
        "skills",
        "x",
        "agents",
        "rate",
        "2/s",
        "handle_time",
        "---",
        "\t",
        "patience",
        "k",
        "cv",
        "open",
        "close",
        "interval",
        "\"08:00\"",
        "per_interval",
        "shifts",
        "resolution",
        "tier",
        "escalate",
        "by_interval",
    };
    for (int i = 0; i < 2000; i++) {
        size_t n = (size_t)(next_rand() % sizeof(junk));
        if (i % 2) {
            for (size_t j = 0; j < n; j++)
                junk[j] = (char)(next_rand() & 0xff);
        } else {
            size_t j = 0;
            while (j + 16 < sizeof(junk) && j < n) {
                const char *t = tokens[next_rand() % ACD_ARRAY_LEN(tokens)];
                memcpy(junk + j, t, strlen(t));
                j += strlen(t);
            }
            n = j;
        }
        load_any(junk, n);
    }
}

/* Inputs built to exhaust memory or time are refused quickly. */
static void
test_hostile(void **state)
{
    (void)state;
    /* Deep nesting. */
    size_t n = 100000;
    char *y = acd_xmalloc(2 * n + 1);
    memset(y, '[', n);
    memset(y + n, ']', n);
    y[2 * n] = '\0';
    EXPECT_ERRORS(y, "1:65: nesting is too deep (more than 64 levels)");
    free(y);

    /* "Billion laughs": aliases are shared, never expanded. */
    char *lol = acd_xstrdup("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 30; i++) {
        char *next = acd_xasprintf("%sa%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, "
                                   "*a%d, *a%d]\n",
                                   lol, i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1,
                                   i - 1, i - 1, i - 1);
        free(lol);
        lol = next;
    }
    char *full = acd_xasprintf("%scall_types: *a29\nagent_groups: *a29\nhorizon: *a29\n", lol);
    load_any(full, strlen(full));
    free(full);
    free(lol);

    /* Very many nodes. */
    n = 1100000;
    y = acd_xmalloc(2 * n + 16);
    strcpy(y, "a: [");
    size_t at = 4;
    for (size_t i = 0; i < n; i++) {
        y[at++] = '1';
        y[at++] = ',';
    }
    strcpy(y + at, "1]\n");
    load_any(y, strlen(y));
    free(y);

    /* An alias of a long list used again and again: the walk stops. */
    size_t cap = 200000 + 3000 * 120;
    y = acd_xmalloc(cap);
    /* 10,000 intervals; 3,000 call types each walking the 10,000 values. */
    at = (size_t)snprintf(y, cap,
                          "horizon: {open: \"00:00\", close: \"41:40\", interval: "
                          "15s}\nl: &l [1");
    for (int i = 1; i < 10000; i++)
        at += (size_t)snprintf(y + at, cap - at, ", 1");
    at += (size_t)snprintf(y + at, cap - at, "]\ncall_types:\n");
    for (int i = 0; i < 3000; i++)
        at += (size_t)snprintf(y + at, cap - at,
                               "  - {name: t%d, arrivals: {per_interval: *l}, handle_time: "
                               "{dist: exponential, mean: 1m}}\n",
                               i);
    snprintf(y + at, cap - at, "agent_groups: [{name: g, skills: [t0], agents: 1}]\n");
    struct acd_diags d;
    acd_diags_init(&d);
    struct acd_scenario *sc = NULL;
    assert_int_equal(acd_scenario_load_string("t.yaml", NULL, y, strlen(y), &sc, &d), -1);
    bool said = false;
    for (size_t i = 0; i < d.n; i++)
        said = said || strstr(d.v[i].msg, "too large once its aliases are expanded");
    assert_true(said);
    acd_diags_fini(&d);
    free(y);

    /* A huge key is cut in the message. */
    y = acd_xmalloc(200);
    memset(y, 'k', 150);
    strcpy(y + 150, ": 1\n");
    acd_diags_init(&d);
    assert_int_equal(acd_scenario_load_string("t.yaml", NULL, y, strlen(y), &sc, &d), -1);
    /* The key is cut (the rest of the message lists the scenario's keys,
     * which grows with them). */
    char run50[51];
    memset(run50, 'k', 50);
    run50[50] = '\0';
    assert_null(strstr(d.v[0].msg, run50));
    assert_non_null(strstr(d.v[0].msg, "kkk...'"));
    acd_diags_fini(&d);
    free(y);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_file),
        cmocka_unit_test(test_default_embedded),
        cmocka_unit_test(test_interface_example),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_every_field),
        cmocka_unit_test(test_aliases),
        cmocka_unit_test(test_empirical),
        cmocka_unit_test(test_empty_and_not_a_mapping),
        cmocka_unit_test(test_yaml_syntax),
        cmocka_unit_test(test_unknown_keys),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_types),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_percentages),
        cmocka_unit_test(test_distributions),
        cmocka_unit_test(test_cross_references),
        cmocka_unit_test(test_missing_keys),
        cmocka_unit_test(test_operating_day),
        cmocka_unit_test(test_day_horizon_errors),
        cmocka_unit_test(test_day_keys_in_steady),
        cmocka_unit_test(test_day_lists),
        cmocka_unit_test(test_csv_files),
        cmocka_unit_test(test_csv_errors),
        cmocka_unit_test(test_by_interval),
        cmocka_unit_test(test_call_type_fields),
        cmocka_unit_test(test_call_type_errors),
        cmocka_unit_test(test_escalation),
        cmocka_unit_test(test_transfers),
        cmocka_unit_test(test_group_fields),
        cmocka_unit_test(test_group_errors),
        cmocka_unit_test(test_routing),
        cmocka_unit_test(test_alias_errors_once),
        cmocka_unit_test(test_rich_day),
        cmocka_unit_test(test_many_errors_in_order),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_fuzz),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
