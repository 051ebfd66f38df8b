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
#include "acdsim/util.h"
#include "approx.h"

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
    for (const char *p = acd_default_scenario_yaml; *p; p++) {
        if ((p == acd_default_scenario_yaml || p[-1] == '\n') &&
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
    int rc = acd_scenario_load_string(ACD_DEFAULT_SCENARIO_NAME, NULL, acd_default_scenario_yaml,
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
                  "horizon, service_level, targets, call_types, agent_groups, queue, routing)");
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
                  "4:10: 'horizon' must be a mapping like {duration: 8h, warmup: 30m} (found '8h')",
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
                  "12:13: a list of 'agents' per interval needs an operating-day horizon; "
                  "operating-day horizons (open/close/interval) are not supported yet");
    EXPECT_ERRORS("horizon: {duration: 1h}\ncall_types: []\nagent_groups: []\n",
                  "2:13: 'call_types' must list at least one call type",
                  "3:15: 'agent_groups' must list at least one agent group");
    EXPECT_ERRORS("horizon: {duration: 1h}\n"
                  "call_types: [{name: a, arrivals: {rate: 1}, handle_time: {dist: exponential, "
                  "mean: 1}}]\n"
                  "agent_groups: [{name: g, skills: [], agents: 1}, {name: h, skills: [[a]], "
                  "agents: 1}]\n",
                  "3:34: 'skills' must list at least one call type",
                  "3:69: a skill must be a call type name (found a list)");
}

static void
test_values(void **state)
{
    (void)state;
    EXPECT_ERRORS("seed: -1\nreplications: 0\nhorizon: {duration: 0, warmup: -1s}\n"
                  "service_level: {threshold: -5s, target: 1.5}\n"
                  "targets: {max_abandon: -0.1, max_asa: soon, max_occupancy: 80%}\n"
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
                  "5:60: 'max_occupancy' must be a number between 0 and 1 (found '80%')",
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
        {"{dist: weibull, mean: 1m}",
         "5:25: unknown distribution 'weibull' (known: exponential, deterministic, erlang, "
         "gamma, lognormal, uniform, empirical)"},
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

static void
test_operating_day(void **state)
{
    (void)state;
    EXPECT_ERRORS("horizon: {open: \"08:00\", close: \"12:00\", interval: 30m}\n"
                  "call_types:\n"
                  "  - name: billing\n"
                  "    arrivals: {file: forecasts/billing.csv}\n"
                  "    handle_time: {dist: lognormal, mean: 4m, cv: 0.8}\n"
                  "agent_groups:\n"
                  "  - name: csr1\n"
                  "    skills: [billing]\n"
                  "    shifts: [{start: \"08:00\", end: \"12:00\", count: 6}]\n",
                  "1:11: operating-day horizons (open/close/interval) are not supported yet",
                  "4:16: 'file' needs an operating-day horizon; operating-day horizons "
                  "(open/close/interval) are not supported yet",
                  "9:5: 'shifts' needs an operating-day horizon; operating-day horizons "
                  "(open/close/interval) are not supported yet");
}

static void
test_routing(void **state)
{
    (void)state;
    char *y = acd_xasprintf("%srouting: longest_idel\n", MINIMAL);
    EXPECT_ERRORS(y, "10:10: unknown routing policy 'longest_idel' (did you mean 'longest_idle'?)");
    free(y);
    y = acd_xasprintf("%srouting: {policy: skills_based, order: 1}\n", MINIMAL);
    EXPECT_ERRORS(y, "10:19: unknown routing policy 'skills_based' (known policies: longest_idle)",
                  "10:33: unknown key 'order' in routing (expected one of: policy)");
    free(y);
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
load_any(const char *text, size_t len)
{
    struct acd_diags d;
    acd_diags_init(&d);
    struct acd_scenario *sc = NULL;
    int rc = acd_scenario_load_string("fuzz.yaml", "/nonexistent", text, len, &sc, &d);
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

static uint64_t rng_state = 0x243F6A8885A308D3u;

static uint64_t
next_rand(void)
{
    rng_state += 0x9E3779B97F4A7C15u;
    return acd_fmix64(rng_state);
}

static void
test_fuzz(void **state)
{
    (void)state;
    const char *base = acd_default_scenario_yaml;
    size_t len = acd_default_scenario_len;
    char *buf = acd_xmalloc(len + 64);

    /* Every truncation of the default scenario. */
    for (size_t n = 0; n <= len; n++) {
        memcpy(buf, base, n);
        load_any(buf, n);
    }
    /* Random mutations of it: byte flips, YAML punctuation, deletions. */
    static const char punct[] = ":-[]{},&*!|>'\"#%@` \t\n?~0.";
    for (int i = 0; i < 3000; i++) {
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
        load_any(buf, n);
    }
    free(buf);

    /* Pure random bytes, and random YAML-ish token soup. */
    char junk[512];
    static const char *const tokens[] = {
        "horizon", "call_types", "agent_groups",
        "name",    ":",          " ",
        "\n",      "  ",         "- ",
        "{",       "}",          "[",
        "]",       ",",          "&a ",
        "*a",      "dist",       "mean",
        "1m",      "-1",         "0",
        "skills",  "x",          "agents",
        "rate",    "2/s",        "handle_time",
        "---",     "\t",         "patience",
        "k",       "cv",
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

    /* A huge key is cut in the message. */
    y = acd_xmalloc(200);
    memset(y, 'k', 150);
    strcpy(y + 150, ": 1\n");
    struct acd_diags d;
    acd_diags_init(&d);
    struct acd_scenario *sc = NULL;
    assert_int_equal(acd_scenario_load_string("t.yaml", NULL, y, strlen(y), &sc, &d), -1);
    assert_true(strlen(d.v[0].msg) < 200);
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
        cmocka_unit_test(test_distributions),
        cmocka_unit_test(test_cross_references),
        cmocka_unit_test(test_missing_keys),
        cmocka_unit_test(test_operating_day),
        cmocka_unit_test(test_routing),
        cmocka_unit_test(test_many_errors_in_order),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_fuzz),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
