/*
 * Unit tests for report: the text, json and csv writers on hand-built
 * results (no engine involved). The JSON is parsed back with jansson and
 * every number compared bit for bit; the CSV rows are checked against the
 * JSON; NaN estimates must come out as null / empty. The report folder's
 * wide CSV files (intervals.csv, groups.csv) are checked cell by cell
 * against the hand-built estimates.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "acdsim/run.h"
#include "acdsim/scenario.h"
#include "acdsim/stats.h"
#include "display.h"
#include "escape.h"
#include "json_out.h"
#include "plot.h"
#include "report.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_TYPES     2
#define N_GROUPS    1
#define N_INTERVALS 3

/* A scenario and results built by hand: every estimate a distinct,
 * "high-entropy" value so a number written in the wrong place shows. */
struct fixture {
    struct acd_scenario sc;
    bool no_scenario; /* results without a setup (known == false) */
    struct acd_call_type types[N_TYPES];
    struct acd_agent_group groups[N_GROUPS];
    struct acd_results r;
    struct acd_scope_result type_res[N_TYPES];
    struct acd_scope_result group_res[N_GROUPS];
    struct acd_interval_result iv[N_INTERVALS];
    struct acd_scope_result iv_types[N_INTERVALS][N_TYPES];
};

static void
fill_scope(struct acd_scope_result *s, const char *name, unsigned scope, double base)
{
    s->name = name;
    s->scope = scope;
    for (int m = 0; m < ACD_METRIC_COUNT; m++) {
        s->metric[m].mean = base + 0.0123 * m + 0.000417;
        s->metric[m].ci95 = 0.00071 * (m + 1) + base / 1000.0;
        s->metric[m].n = 7;
    }
    for (int k = 0; k < ACD_TOTAL_COUNT; k++) {
        s->total[k].mean = 1000.0 * base + 17.385 * k;
        s->total[k].ci95 = 2.385 + k;
        s->total[k].n = 7;
    }
}

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    f->types[0].name = "billing";
    f->types[1].name = "sales, \"east\""; /* needs CSV quoting */
    f->groups[0].name = "csr";
    f->sc.name = "Test center";
    f->sc.path = "test.yaml";
    f->sc.seed = 42;
    f->sc.replications = 7;
    f->sc.sl_threshold_s = 20.0;
    f->sc.sl_target = 0.80;
    f->sc.max_abandon = 0.05;
    f->sc.max_asa_s = (double)NAN;
    f->sc.max_occupancy = (double)NAN;
    f->sc.n_call_types = N_TYPES;
    f->sc.call_types = f->types;
    f->sc.n_groups = N_GROUPS;
    f->sc.groups = f->groups;
    f->r.seed = 987654321;
    f->r.replications = 7;
    f->r.threads = 3;
    fill_scope(&f->r.summary, "", ACD_SCOPE_CENTER, 0.5);
    for (int k = 0; k < N_TYPES; k++)
        fill_scope(&f->type_res[k], f->types[k].name, ACD_SCOPE_TYPE, 0.25 + 0.125 * k);
    fill_scope(&f->group_res[0], "csr", ACD_SCOPE_GROUP, 0.875);
    f->r.types = f->type_res;
    f->r.groups = f->group_res;
    /* Service level 81.2% meets 80%; abandon rate 6.1% misses 5%. */
    f->r.summary.metric[ACD_M_SERVICE_LEVEL].mean = 0.8123;
    f->r.summary.metric[ACD_M_ABANDON_RATE].mean = 0.061;
    /* Undefined estimates: must become null, not NaN. */
    f->r.summary.metric[ACD_M_WAIT_P90].mean = (double)NAN;
    f->r.summary.metric[ACD_M_WAIT_P90].ci95 = (double)NAN;
    f->type_res[1].metric[ACD_M_ASA].ci95 = (double)NAN;
    f->r.wall_s = 0.4125;
    f->r.calls = 123456789;
    f->r.events = 987654321012;
    *state = f;
    return 0;
}

/* Make the fixture an operating day 08:00-09:30 in 30-minute intervals. */
static void
add_intervals(struct fixture *f)
{
    f->sc.horizon = ACD_HORIZON_DAY;
    f->sc.open_s = 8 * 3600.0;
    f->sc.interval_s = 1800.0;
    f->sc.n_intervals = N_INTERVALS;
    f->sc.close_s = f->sc.open_s + N_INTERVALS * f->sc.interval_s;
    for (int i = 0; i < N_INTERVALS; i++) {
        struct acd_interval_result *iv = &f->iv[i];
        iv->start_s = f->sc.open_s + f->sc.interval_s * i;
        iv->end_s = iv->start_s + f->sc.interval_s;
        fill_scope(&iv->all, "", ACD_SCOPE_INTERVAL, 0.3 + 0.1 * i);
        for (int k = 0; k < N_TYPES; k++)
            fill_scope(&f->iv_types[i][k], f->types[k].name, ACD_SCOPE_TYPE,
                       0.6 + 0.01 * k + 0.1 * i);
        iv->types = f->iv_types[i];
    }
    f->r.n_intervals = N_INTERVALS;
    f->r.intervals = f->iv;
}

/* Every scope's feature metrics at zero, as a plain scenario measures most
 * of them (the fixture's scenario uses no feature). */
static void
scope_off(struct acd_scope_result *s)
{
    for (int m = 0; m < ACD_METRIC_COUNT; m++) {
        if (!acd_metrics[m].feature)
            continue;
        s->metric[m].mean = 0;
        s->metric[m].ci95 = 0;
    }
}

static void
all_off(struct fixture *f)
{
    scope_off(&f->r.summary);
    for (int k = 0; k < N_TYPES; k++)
        scope_off(&f->type_res[k]);
    for (int g = 0; g < N_GROUPS; g++)
        scope_off(&f->group_res[g]);
    for (size_t i = 0; i < f->r.n_intervals; i++) {
        scope_off(&f->iv[i].all);
        for (int k = 0; k < N_TYPES; k++)
            scope_off(&f->iv_types[i][k]);
    }
}

/* The results with their setup made from the fixture's scenario as it is
 * now (as the run makes it), or none after `no_scenario`. */
static struct acd_results *
results(struct fixture *f)
{
    acd_setup_fini(&f->r.setup);
    if (!f->no_scenario)
        acd_setup_from_scenario(&f->r.setup, &f->sc);
    return &f->r;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    acd_setup_fini(&f->r.setup);
    free(f);
    return 0;
}

/* Run a writer into a string (caller frees). */
static char *
render(const char *format, const struct acd_results *r, bool no_timing)
{
    const struct acd_format *fmt = acd_format_find(format);
    assert_non_null(fmt);
    struct acd_report_opts o = {.no_timing = no_timing};
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    assert_int_equal(fmt->write(out, r, &o), 0);
    assert_int_equal(fclose(out), 0);
    return buf;
}

static json_t *
parse_json(const char *text)
{
    json_error_t err;
    json_t *root = json_loads(text, 0, &err);
    if (!root)
        fail_msg("JSON does not parse: %s at line %d", err.text, err.line);
    return root;
}

/* The estimate object {"mean", "ci95"} must hold exactly e's numbers. */
static void
check_estimate(const json_t *o, const struct acd_estimate *e, const char *what)
{
    if (!json_is_object(o))
        fail_msg("%s: not an object", what);
    assert_int_equal(json_object_size(o), 2);
    const json_t *mean = json_object_get(o, "mean"), *ci = json_object_get(o, "ci95");
    const json_t *pair[2] = {mean, ci};
    const double want[2] = {e->mean, e->ci95};
    for (int i = 0; i < 2; i++) {
        if (isnan(want[i])) {
            if (!json_is_null(pair[i]))
                fail_msg("%s: NaN not written as null", what);
        } else if (!json_is_number(pair[i]) || json_number_value(pair[i]) != want[i]) {
            fail_msg("%s: %.17g written as %.17g", what, want[i], json_number_value(pair[i]));
        }
    }
}

/* The features whose later figures (only_with) the outputs of r carry. */
static unsigned
used_of(const struct acd_results *r)
{
    return r->setup.known ? r->setup.features : ~0u;
}

/* A scope object holds exactly the metrics and totals that apply, in table
 * order, with the right numbers (JSON carries the later figures, only_with,
 * whatever the features in use, but json_gated ones only with their
 * feature). */
static void
check_scope(const json_t *o, const struct acd_scope_result *s, unsigned scope, unsigned used)
{
    assert_true(json_is_object(o));
    size_t want_keys = 1; /* totals */
    for (int m = 0; m < ACD_METRIC_COUNT; m++) {
        const json_t *e = json_object_get(o, acd_metrics[m].key);
        if ((acd_metrics[m].scopes & scope) &&
            (!acd_metrics[m].json_gated || acd_stats_metric_shown(m, used))) {
            check_estimate(e, &s->metric[m], acd_metrics[m].key);
            want_keys++;
        } else {
            assert_null(e);
        }
    }
    assert_int_equal(json_object_size(o), want_keys);
    const json_t *t = json_object_get(o, "totals");
    assert_true(json_is_object(t));
    size_t want_totals = 0;
    for (int k = 0; k < ACD_TOTAL_COUNT; k++) {
        const json_t *e = json_object_get(t, acd_totals[k].key);
        if (acd_totals[k].scopes & scope) {
            check_estimate(e, &s->total[k], acd_totals[k].key);
            want_totals++;
        } else {
            assert_null(e);
        }
    }
    assert_int_equal(json_object_size(t), want_totals);
}

static void
test_format_table(void **state)
{
    (void)state;
    assert_string_equal(acd_format_find("text")->name, "text");
    assert_string_equal(acd_format_find("json")->name, "json");
    assert_string_equal(acd_format_find("csv")->name, "csv");
    assert_null(acd_format_find("xml"));
    assert_null(acd_format_find(""));
    size_t n = 0;
    while (acd_formats[n])
        n++;
    assert_int_equal(n, 3);
}

static void
test_json_shape(void **state)
{
    struct fixture *f = *state;
    char *text = render("json", results(f), false);
    json_t *root = parse_json(text);

    /* Top-level keys in interface.md's order, with the extensions (setup,
     * series, wait_cdf, erlang, checks) before "run". */
    static const char *const keys[] = {
        "acdsim",    "scenario", "seed",   "replications", "summary", "call_types", "agent_groups",
        "intervals", "setup",    "series", "wait_cdf",     "erlang",  "checks",     "run"};
    assert_int_equal(json_object_size(root), 14);
    const char *prev = text;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        char quoted[64];
        snprintf(quoted, sizeof(quoted), "\n  \"%s\":", keys[i]);
        const char *at = strstr(text, quoted);
        assert_non_null(at);
        assert_true(at >= prev);
        prev = at;
    }
    assert_string_equal(json_string_value(json_object_get(root, "acdsim")), "0.1.0");
    assert_string_equal(json_string_value(json_object_get(root, "scenario")), "Test center");
    assert_int_equal(json_integer_value(json_object_get(root, "seed")), 987654321);
    assert_int_equal(json_integer_value(json_object_get(root, "replications")), 7);
    assert_true(json_is_array(json_object_get(root, "intervals")));
    assert_int_equal(json_array_size(json_object_get(root, "intervals")), 0);

    check_scope(json_object_get(root, "summary"), &f->r.summary, ACD_SCOPE_CENTER, used_of(&f->r));
    const json_t *types = json_object_get(root, "call_types");
    assert_int_equal(json_object_size(types), N_TYPES);
    for (int k = 0; k < N_TYPES; k++)
        check_scope(json_object_get(types, f->types[k].name), &f->type_res[k], ACD_SCOPE_TYPE,
                    used_of(&f->r));
    const json_t *groups = json_object_get(root, "agent_groups");
    assert_int_equal(json_object_size(groups), N_GROUPS);
    check_scope(json_object_get(groups, "csr"), &f->group_res[0], ACD_SCOPE_GROUP, used_of(&f->r));

    const json_t *run = json_object_get(root, "run");
    assert_true(json_number_value(json_object_get(run, "wall_s")) == 0.4125);
    assert_int_equal(json_integer_value(json_object_get(run, "threads")), 3);
    assert_int_equal(json_integer_value(json_object_get(run, "calls")), 123456789);
    assert_int_equal(json_integer_value(json_object_get(run, "events")), 987654321012);

    /* The file writer and the string agree byte for byte. */
    struct acd_report_opts o = {0};
    char *s = acd_report_json_string(results(f), &o);
    assert_string_equal(s, text);
    assert_int_equal(s[strlen(s) - 1], '\n');
    free(s);
    json_decref(root);
    free(text);
}

static void
test_json_nan_is_null(void **state)
{
    struct fixture *f = *state;
    char *text = render("json", results(f), false);
    assert_null(strstr(text, "nan"));
    assert_null(strstr(text, "NaN"));
    json_t *root = parse_json(text);
    const json_t *p90 = json_object_get(json_object_get(root, "summary"), "wait_p90_s");
    assert_true(json_is_null(json_object_get(p90, "mean")));
    assert_true(json_is_null(json_object_get(p90, "ci95")));
    const json_t *asa = json_object_get(
        json_object_get(json_object_get(root, "call_types"), f->types[1].name), "asa_s");
    assert_true(json_is_real(json_object_get(asa, "mean")));
    assert_true(json_is_null(json_object_get(asa, "ci95")));
    json_decref(root);
    free(text);
}

static void
test_json_no_timing(void **state)
{
    struct fixture *f = *state;
    char *a = render("json", results(f), true);
    f->r.wall_s = 12.5;
    f->r.threads = 1;
    char *b = render("json", results(f), true);
    assert_string_equal(a, b); /* nothing run-dependent left */
    json_t *root = parse_json(a);
    const json_t *run = json_object_get(root, "run");
    assert_true(json_is_null(json_object_get(run, "wall_s")));
    assert_true(json_is_null(json_object_get(run, "threads")));
    assert_int_equal(json_integer_value(json_object_get(run, "calls")), 123456789);
    json_decref(root);
    free(a);
    free(b);
}

static void
test_json_seed_full_width(void **state)
{
    /* Seeds are uint64; json_int_t is signed, so the writer must not wrap. */
    struct fixture *f = *state;
    f->r.seed = UINT64_MAX - 58;
    char *text = render("json", results(f), true);
    assert_non_null(strstr(text, "\n  \"seed\": 18446744073709551557,\n"));
    json_error_t err;
    json_t *root = json_loads(text, JSON_DECODE_INT_AS_REAL, &err);
    assert_non_null(root);
    json_decref(root);
    free(text);
}

/* Split one CSV line (RFC 4180) into at most `max` fields, in place. */
static int
csv_split(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        if (*p == '"') {
            char *w = ++p;
            fields[n++] = w;
            for (;;) {
                if (*p == '"' && p[1] == '"') {
                    *w++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *w++ = *p++;
                }
            }
            *w = '\0';
        } else {
            fields[n++] = p;
            p += strcspn(p, ",");
        }
        if (*p != ',') {
            *p = '\0';
            break;
        }
        *p++ = '\0';
    }
    return n;
}

/* The JSON estimate a CSV row names. */
static const json_t *
json_for_row(const json_t *root, const char *scope, const char *name, const char *metric)
{
    const json_t *s = NULL;
    if (strcmp(scope, "summary") == 0)
        s = json_object_get(root, "summary");
    else if (strcmp(scope, "call_type") == 0)
        s = json_object_get(json_object_get(root, "call_types"), name);
    else if (strcmp(scope, "agent_group") == 0)
        s = json_object_get(json_object_get(root, "agent_groups"), name);
    else if (strcmp(scope, "interval") == 0 || strcmp(scope, "interval_call_type") == 0) {
        /* "08:30" or "08:30/billing": the interval by its start. */
        const char *slash = strchr(name, '/');
        size_t n = slash ? (size_t)(slash - name) : strlen(name);
        const json_t *a = json_object_get(root, "intervals");
        for (size_t i = 0; i < json_array_size(a) && !s; i++) {
            const char *start = json_string_value(json_object_get(json_array_get(a, i), "start"));
            if (strlen(start) == n && strncmp(start, name, n) == 0)
                s = json_array_get(a, i);
        }
        if (s && strcmp(scope, "interval_call_type") == 0)
            s = slash ? json_object_get(json_object_get(s, "call_types"), slash + 1) : NULL;
    }
    if (strncmp(metric, "totals.", 7) == 0)
        return json_object_get(json_object_get(s, "totals"), metric + 7);
    return json_object_get(s, metric);
}

static void
check_csv_number(const char *field, const json_t *j)
{
    if (json_is_null(j)) {
        assert_string_equal(field, "");
        return;
    }
    char *end;
    double x = strtod(field, &end);
    assert_true(*field && *end == '\0');
    if (x != json_number_value(j))
        fail_msg("CSV %s != JSON %.17g", field, json_number_value(j));
}

/* Is k the key of a later figure (only_with) that CSV leaves out for a
 * scenario using `used`? */
static bool
unshown_key(const char *k, unsigned used)
{
    for (int m = 0; m < ACD_METRIC_COUNT; m++)
        if (!acd_stats_metric_shown(m, used) && strcmp(acd_metrics[m].key, k) == 0)
            return true;
    for (int t = 0; t < ACD_TOTAL_COUNT; t++)
        if (!acd_stats_total_shown(t, used) && strcmp(acd_totals[t].key, k) == 0)
            return true;
    return false;
}

/* The {mean, ci95} objects anywhere in a results document that CSV carries:
 * not its run, nor its drain or later figures unless `used` shows them. */
static size_t
count_estimates(const json_t *j, unsigned used)
{
    if (json_is_object(j)) {
        if (json_object_size(j) == 2 && json_object_get(j, "mean") && json_object_get(j, "ci95"))
            return 1;
        size_t n = 0;
        const char *k;
        const json_t *v;
        json_object_foreach((json_t *)j, k, v) n +=
            strcmp(k, "run") && !unshown_key(k, used) &&
                    (strcmp(k, "drain") || acd_stats_metric_shown(ACD_M_MEAN_WAIT_CUMULATIVE, used))
                ? count_estimates(v, used)
                : 0;
        return n;
    }
    size_t n = 0;
    for (size_t i = 0; json_is_array(j) && i < json_array_size(j); i++)
        n += count_estimates(json_array_get(j, i), used);
    return n;
}

/* Every CSV row names a JSON estimate with the same numbers, and every JSON
 * estimate has a row. */
static void
check_csv_against_json(struct fixture *f)
{
    char *csv = render("csv", results(f), false);
    char *js = render("json", results(f), false);
    json_t *root = parse_json(js);

    char *save = NULL;
    char *line = strtok_r(csv, "\n", &save);
    assert_string_equal(line, "scope,name,metric,mean,ci95");
    size_t rows = 0, json_numbers = 0, quoted_seen = 0;
    while ((line = strtok_r(NULL, "\n", &save))) {
        char *fld[5];
        assert_int_equal(csv_split(line, fld, 5), 5);
        if (strcmp(fld[1], f->types[1].name) == 0)
            quoted_seen++;
        const json_t *e = json_for_row(root, fld[0], fld[1], fld[2]);
        if (!e)
            fail_msg("CSV row %s,%s,%s has no JSON counterpart", fld[0], fld[1], fld[2]);
        check_csv_number(fld[3], json_object_get(e, "mean"));
        check_csv_number(fld[4], json_object_get(e, "ci95"));
        rows++;
    }
    /* Every JSON estimate has a row: count them. */
    json_numbers = count_estimates(root, used_of(results(f)));
    assert_int_equal(rows, json_numbers);
    assert_true(quoted_seen > 0);
    json_decref(root);
    free(js);
    free(csv);
}

static void
test_csv_matches_json(void **state)
{
    check_csv_against_json(*state);
}

static void
test_csv_quoting(void **state)
{
    struct fixture *f = *state;
    char *csv = render("csv", results(f), false);
    assert_non_null(strstr(csv, "\ncall_type,\"sales, \"\"east\"\"\",offered,"));
    assert_non_null(strstr(csv, "\ncall_type,billing,offered,"));
    assert_non_null(strstr(csv, "\nsummary,,totals.offered,"));
    assert_non_null(strstr(csv, "\nsummary,,wait_p90_s,,\n"));
    free(csv);
}

static void
test_text_table(void **state)
{
    struct fixture *f = *state;
    char *text = render("text", results(f), false);
    /* Header, sections and every applicable label. */
    assert_non_null(strstr(text, "Test center"));
    assert_non_null(strstr(text, "7 replications, seed 987654321"));
    assert_non_null(strstr(text, "Call type: billing"));
    assert_non_null(strstr(text, "Agent group: csr"));
    for (int m = 0; m < ACD_METRIC_COUNT; m++)
        if (!acd_metrics[m].feature) /* the fixture's scenario uses no feature */
            assert_non_null(strstr(text, acd_metrics[m].label));
    /* Ratios as percentages with one decimal, CI in points. */
    assert_non_null(strstr(text, "81.2%"));
    /* Verdict: SL met, abandon missed, no ASA target given. */
    assert_non_null(strstr(text, "met\n"));
    assert_non_null(strstr(text, "MISSED\n"));
    assert_non_null(strstr(text, "Verdict: 1 of 2 targets MISSED"));
    assert_non_null(strstr(text, "on 3 threads"));
    /* Fits in 80 columns (count characters, not bytes: "±"). */
    for (const char *l = text; *l;) {
        size_t cols = 0;
        const char *p = l;
        for (; *p && *p != '\n'; p++)
            cols += ((unsigned char)*p & 0xC0) != 0x80;
        if (cols > 80)
            fail_msg("line wider than 80 columns: %.*s", (int)(p - l), l);
        l = *p ? p + 1 : p;
    }
    assert_null(strstr(text, "\033[")); /* no colour into a file */
    free(text);
}

static void
test_text_no_timing(void **state)
{
    struct fixture *f = *state;
    char *a = render("text", results(f), true);
    f->r.wall_s = 99.0;
    f->r.threads = 8;
    char *b = render("text", results(f), true);
    assert_string_equal(a, b);
    assert_null(strstr(a, "thread"));
    free(a);
    free(b);
}

static void
test_text_all_met(void **state)
{
    struct fixture *f = *state;
    f->r.summary.metric[ACD_M_ABANDON_RATE].mean = 0.031;
    f->sc.max_asa_s = 30.0;
    f->r.summary.metric[ACD_M_ASA].mean = 12.34;
    char *text = render("text", results(f), false);
    assert_non_null(strstr(text, "12.3s"));
    assert_non_null(strstr(text, "Verdict: all 3 targets met"));
    assert_null(strstr(text, "MISSED"));
    free(text);
}

static void
test_write_error(void **state)
{
    /* A stream that cannot be written: every writer reports -1. */
    struct fixture *f = *state;
    struct acd_report_opts o = {0};
    for (size_t i = 0; acd_formats[i]; i++) {
        FILE *ro = fopen("/dev/null", "r");
        assert_non_null(ro);
        int rc = acd_formats[i]->write(ro, results(f), &o);
        if (rc == 0)
            rc = fflush(ro) == 0 && !ferror(ro) ? 0 : -1;
        assert_int_equal(rc, -1);
        fclose(ro);
    }
}

/* Count occurrences of needle in hay. */
static size_t
count_str(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Every line fits in 80 columns (characters, not bytes: "±"). */
static void
check_width(const char *text)
{
    for (const char *l = text; *l;) {
        size_t cols = 0;
        const char *p = l;
        for (; *p && *p != '\n'; p++)
            cols += ((unsigned char)*p & 0xC0) != 0x80;
        if (cols > 80)
            fail_msg("line wider than 80 columns: %.*s", (int)(p - l), l);
        l = *p ? p + 1 : p;
    }
}

static void
test_intervals_json(void **state)
{
    /* An operating day: intervals carry the interval metrics, clock times,
     * totals and nested call types, in that order. */
    struct fixture *f = *state;
    add_intervals(f);
    char *js = render("json", results(f), true);
    json_t *root = parse_json(js);
    const json_t *a = json_object_get(root, "intervals");
    assert_int_equal(json_array_size(a), N_INTERVALS);
    for (int i = 0; i < N_INTERVALS; i++) {
        const json_t *iv = json_array_get(a, (size_t)i);
        char start[8], end[8];
        snprintf(start, sizeof(start), "%02d:%02d", 8 + i / 2, 30 * (i % 2));
        snprintf(end, sizeof(end), "%02d:%02d", 8 + (i + 1) / 2, 30 * ((i + 1) % 2));
        assert_string_equal(json_string_value(json_object_get(iv, "start")), start);
        assert_string_equal(json_string_value(json_object_get(iv, "end")), end);
        /* start, end, the interval metrics + totals (as check_scope wants),
         * call_types. */
        json_t *copy = json_deep_copy(iv);
        json_object_del(copy, "start");
        json_object_del(copy, "end");
        json_object_del(copy, "call_types");
        check_scope(copy, &f->iv[i].all, ACD_SCOPE_INTERVAL, used_of(&f->r));
        json_decref(copy);
        const json_t *ct = json_object_get(iv, "call_types");
        assert_int_equal(json_object_size(ct), N_TYPES);
        for (int k = 0; k < N_TYPES; k++)
            check_scope(json_object_get(ct, f->types[k].name), &f->iv_types[i][k], ACD_SCOPE_TYPE,
                        used_of(&f->r));
        const char *keys[4] = {0};
        const char *k;
        const json_t *v;
        size_t n = 0;
        json_object_foreach((json_t *)iv, k, v)
        {
            if (n < 3)
                keys[n] = k;
            keys[3] = k;
            n++;
        }
        assert_string_equal(keys[0], "start");
        assert_string_equal(keys[1], "end");
        assert_string_equal(keys[2], acd_metrics[0].key);
        assert_string_equal(keys[3], "call_types");
    }
    /* Interval-only metrics appear (occupancy applies to intervals). */
    assert_non_null(json_object_get(json_array_get(a, 0), "occupancy"));
    json_decref(root);
    free(js);
}

static void
test_intervals_csv(void **state)
{
    struct fixture *f = *state;
    add_intervals(f);
    check_csv_against_json(f);
    char *csv = render("csv", results(f), true);
    assert_non_null(strstr(csv, "\ninterval,08:30,service_level,"));
    assert_non_null(strstr(csv, "\ninterval,08:30,occupancy,"));
    assert_non_null(strstr(csv, "\ninterval,09:00,totals.offered,"));
    assert_non_null(strstr(csv, "\ninterval_call_type,08:00/billing,asa_s,"));
    /* A quoted type name quotes the whole "start/name" field. */
    assert_non_null(strstr(csv, "\ninterval_call_type,\"09:00/sales, \"\"east\"\"\",offered,"));
    /* Call types in an interval carry call metrics only. */
    assert_null(strstr(csv, "\ninterval_call_type,08:00/billing,occupancy,"));
    free(csv);
}

static void
test_intervals_text(void **state)
{
    /* The per-interval table: right after the center section, one line per
     * interval, 80 columns. */
    struct fixture *f = *state;
    add_intervals(f);
    f->iv[2].all.metric[ACD_M_ASA].mean = (double)NAN; /* no call answered */
    char *text = render("text", results(f), true);
    check_width(text);
    assert_non_null(strstr(text, "operating day 08:00-09:30, 3 intervals of 30m"));
    const char *center = strstr(text, "\nCall center");
    const char *table = strstr(text, "\nInterval ");
    const char *types = strstr(text, "\nCall type: billing");
    assert_non_null(center);
    assert_non_null(table);
    assert_non_null(types);
    assert_true(center < table && table < types);
    assert_non_null(strstr(table, "SL 20s"));
    assert_non_null(strstr(table, "occupancy"));
    assert_int_equal(count_str(text, "\n  08:"), 2);
    assert_int_equal(count_str(text, "\n  09:00-09:30 "), 1);
    /* Row 08:30: offered as whole calls, SL as a percentage, ASA in s. */
    char want[128];
    const struct acd_scope_result *s = &f->iv[1].all;
    snprintf(want, sizeof(want), "  08:30-09:00 %10.0f %9.1f%% %9.1f%% %9.1fs %9.1f%%\n",
             s->metric[ACD_M_OFFERED].mean, 100 * s->metric[ACD_M_SERVICE_LEVEL].mean,
             100 * s->metric[ACD_M_ABANDON_RATE].mean, s->metric[ACD_M_ASA].mean,
             100 * s->metric[ACD_M_OCCUPANCY].mean);
    assert_non_null(strstr(text, want));
    const char *last = strstr(text, "\n  09:00-09:30 ");
    assert_non_null(last);
    assert_non_null(strstr(last, "n/a"));
    free(text);

    /* Steady state: no interval table. */
    f->r.n_intervals = 0;
    f->sc.horizon = ACD_HORIZON_STEADY;
    text = render("text", results(f), true);
    assert_null(strstr(text, "\nInterval "));
    free(text);
}

static void
test_text_feature_rows(void **state)
{
    /* A plain scenario: feature metrics are left out of every section, core
     * metrics stay. */
    struct fixture *f = *state;
    add_intervals(f);
    all_off(f);
    char *text = render("text", results(f), true);
    for (int m = 0; m < ACD_METRIC_COUNT; m++) {
        const struct acd_metric_def *d = &acd_metrics[m];
        char row[64];
        snprintf(row, sizeof(row), "\n  %s  ", d->label);
        if (d->feature)
            assert_null(strstr(text, row));
        else
            assert_non_null(strstr(text, row));
    }
    assert_null(strstr(text, "Costs:"));
    /* JSON and CSV still carry every metric. */
    char *js = render("json", results(f), true);
    assert_non_null(strstr(js, "\"fcr_rate\""));
    assert_non_null(strstr(js, "\"cost_per_call\""));
    free(js);
    char *csv = render("csv", results(f), true);
    assert_non_null(strstr(csv, "\nsummary,,escalation_rate,0,0\n"));
    free(csv);
    free(text);

    /* One call type uses a feature (balking): its row shows in every section
     * it applies to (center and both call types), not in groups; the other
     * features stay hidden. */
    f->types[0].balk_prob = 0.1;
    f->type_res[0].metric[ACD_M_BALK_RATE].mean = 0.0375;
    text = render("text", results(f), true);
    assert_int_equal(count_str(text, "\n  Balked  "), 1 + N_TYPES);
    assert_non_null(strstr(text, "3.8%"));
    assert_null(strstr(text, "First-call resolution"));
    free(text);

    /* Resolution in use: the customer-level rows appear. */
    struct acd_resolution res = {.tier = 1, .p_resolve = 0.8};
    f->types[1].n_resolution = 1;
    f->types[1].resolution = &res;
    f->type_res[1].metric[ACD_M_RESOLUTION_TIME].mean = 345.6;
    text = render("text", results(f), true);
    assert_int_equal(count_str(text, "\n  First-call resolution  "), 1 + N_TYPES);
    assert_int_equal(count_str(text, "\n  Time to resolution  "), 1 + N_TYPES);
    assert_non_null(strstr(text, "5m46s")); /* 345.6 s, as people read it */
    free(text);
    f->types[1].n_resolution = 0;
    f->types[1].resolution = NULL;
    f->types[0].balk_prob = 0;
}

static void
test_text_group_and_costs(void **state)
{
    /* Groups show occupancy, agents and state shares; costs appear where
     * they are non-zero, and the center states them on one line. */
    struct fixture *f = *state;
    all_off(f);
    /* csr works a shift with a break, and is paid. */
    struct acd_break brk = {10 * 3600.0, 900, false};
    struct acd_shift shift = {8 * 3600.0, 12 * 3600.0, 4, 1, &brk, 0};
    f->groups[0].n_shifts = 1;
    f->groups[0].shifts = &shift;
    struct acd_scope_result *c = &f->r.summary, *g = &f->group_res[0];
    g->metric[ACD_M_BREAK_SHARE].mean = 0.0625;
    c->metric[ACD_M_BREAK_SHARE].mean = 0.0625;
    char *text = render("text", results(f), true);
    const char *grp = strstr(text, "\nAgent group: csr");
    assert_non_null(grp);
    static const char *const group_rows[] = {"Occupancy", "Busy agents",  "Staffed agents",
                                             "Time idle", "Time talking", "Time on break"};
    for (size_t i = 0; i < sizeof(group_rows) / sizeof(group_rows[0]); i++)
        assert_non_null(strstr(grp, group_rows[i]));
    assert_null(strstr(grp, "Time in wrap-up"));
    assert_non_null(strstr(grp, "6.2%")); /* 6.25% rounds to even in printf */
    assert_null(strstr(text, "Cost"));
    free(text);

    /* Paid agents and abandoned calls: a Costs line in the center (per
     * replication in steady state), cost rows in the group and the call
     * type that has costs, none in the other. */
    f->groups[0].cost_per_hour = 25;
    c->metric[ACD_M_COST].mean = 5312.5;
    c->metric[ACD_M_COST_PER_CALL].mean = 4.2125;
    c->total[ACD_T_LABOR_COST].mean = 4800.0;
    c->total[ACD_T_ABANDON_COST].mean = 512.5;
    c->total[ACD_T_REPEAT_COST].mean = 0.0;
    g->metric[ACD_M_COST].mean = 4800.0;
    g->metric[ACD_M_COST_PER_CALL].mean = 3.8125;
    f->type_res[0].metric[ACD_M_COST].mean = 512.5;
    f->type_res[0].metric[ACD_M_COST_PER_CALL].mean = 0.625;
    text = render("text", results(f), true);
    check_width(text);
    assert_non_null(strstr(text, "\n  Costs: 5312.50 per replication, 4.21 per answered call\n"
                                 "    (agents 4800.00, abandoned calls 512.50)\n"));
    const char *center_end = strstr(text, "\nCall type: billing");
    const char *cost_row = strstr(text, "\n  Cost  ");
    assert_true(cost_row > center_end); /* no Cost row in the center table */
    const char *sales = strstr(text, "\nCall type: sales");
    grp = strstr(text, "\nAgent group: csr");
    assert_int_equal(count_str(text, "\n  Cost  "), 2);
    assert_true(cost_row < sales);
    assert_non_null(strstr(grp, "4800.00"));
    assert_non_null(strstr(grp, "Cost per answered call"));
    const char *sales_cost = strstr(sales, "\n  Cost");
    assert_true(sales_cost == NULL || sales_cost > grp); /* none for sales */
    free(text);

    /* Only one kind of cost: no breakdown line; a day says "per day". */
    c->total[ACD_T_ABANDON_COST].mean = 0.0;
    f->sc.horizon = ACD_HORIZON_DAY;
    f->sc.open_s = 7 * 3600.0;
    f->sc.close_s = 19 * 3600.0;
    f->sc.interval_s = 1800.0;
    f->sc.n_intervals = 24;
    text = render("text", results(f), true);
    assert_non_null(strstr(text, "\n  Costs: 5312.50 per day, 4.21 per answered call\n\n"));
    assert_non_null(strstr(text, "operating day 07:00-19:00, 24 intervals of 30m"));
    free(text);
}

static void
test_text_header_wraps(void **state)
{
    /* A long seed and replication count push the horizon to its own line. */
    struct fixture *f = *state;
    f->r.seed = UINT64_MAX;
    f->r.replications = 1000000;
    f->sc.horizon = ACD_HORIZON_STEADY;
    f->sc.duration_s = 200000;
    f->sc.warmup_s = 5000;
    char *text = render("text", results(f), true);
    check_width(text);
    assert_non_null(strstr(text, "\n1000000 replications, seed 18446744073709551615\n"
                                 "steady state, 200000s each (5000s warm-up)\n"));
    free(text);
    f->r.seed = 7;
    f->r.replications = 20;
    f->sc.duration_s = 8 * 3600.0;
    f->sc.warmup_s = 1800.0;
    text = render("text", results(f), true);
    assert_non_null(
        strstr(text, "\n20 replications, seed 7; steady state, 8h each (30m warm-up)\n"));
    free(text);
}

/* ------------------------------------------------- report folder (wide CSV) */

#define MAX_FIELDS 512

typedef int csv_writer(FILE *out, const struct acd_results *r);

static char *
render_with(csv_writer *write, const struct acd_results *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    assert_int_equal(write(out, r), 0);
    assert_int_equal(fclose(out), 0);
    return buf;
}

/* The header a wide file must have: LEAD, then a pair per metric and per
 * total whose scopes meet COLUMNS, in table order. */
static char *
expected_header(const char *lead, unsigned columns, unsigned used)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    fputs(lead, out);
    for (int m = 0; m < ACD_METRIC_COUNT; m++)
        if ((acd_metrics[m].scopes & columns) && acd_stats_metric_shown(m, used))
            fprintf(out, ",%s,%s_ci95", acd_metrics[m].key, acd_metrics[m].key);
    for (int k = 0; k < ACD_TOTAL_COUNT; k++)
        if ((acd_totals[k].scopes & columns) && acd_stats_total_shown(k, used))
            fprintf(out, ",totals.%s,totals.%s_ci95", acd_totals[k].key, acd_totals[k].key);
    assert_int_equal(fclose(out), 0);
    return buf;
}

/* A cell holds exactly `want`, or nothing when want is NaN. */
static void
check_cell(const char *cell, double want, const char *col, const char *where)
{
    if (isnan(want)) {
        if (*cell)
            fail_msg("%s: %s is '%s', expected empty", where, col, cell);
        return;
    }
    char *end;
    double x = strtod(cell, &end);
    if (!*cell || *end || x != want)
        fail_msg("%s: %s is '%s', expected %.17g", where, col, cell, want);
}

struct wide_seen {
    size_t numbers, not_applicable, nan;
};

/* Check the value cells of one row from column `first` on against scope
 * result s, whose row scope is `scope`: figures that do not apply are
 * empty. Column names are looked up in the tables, not assumed. */
static void
check_wide_row(char **hdr, char **fld, int n, int first, const struct acd_scope_result *s,
               unsigned scope, const char *where, struct wide_seen *seen)
{
    for (int i = first; i + 1 < n; i += 2) {
        const char *name = hdr[i];
        char ci_name[96];
        snprintf(ci_name, sizeof(ci_name), "%s_ci95", name);
        assert_string_equal(hdr[i + 1], ci_name);
        const struct acd_estimate *e = NULL;
        bool applies = false;
        if (strncmp(name, "totals.", 7) == 0) {
            for (int k = 0; k < ACD_TOTAL_COUNT && !e; k++)
                if (strcmp(acd_totals[k].key, name + 7) == 0) {
                    e = &s->total[k];
                    applies = (acd_totals[k].scopes & scope) != 0;
                }
        } else {
            enum acd_metric m = acd_stats_metric_find(name);
            if (m < ACD_METRIC_COUNT) {
                e = &s->metric[m];
                applies = (acd_metrics[m].scopes & scope) != 0;
            }
        }
        if (!e)
            fail_msg("%s: unknown column %s", where, name);
        double mean = applies ? e->mean : (double)NAN, ci = applies ? e->ci95 : (double)NAN;
        check_cell(fld[i], mean, name, where);
        check_cell(fld[i + 1], ci, ci_name, where);
        seen->not_applicable += !applies;
        seen->nan += applies && (isnan(e->mean) || isnan(e->ci95));
        seen->numbers += applies && !isnan(e->mean);
    }
}

/* Split `text` into lines (in place); returns the count. */
static int
split_lines(char *text, char **lines, int max)
{
    int n = 0;
    char *save = NULL;
    for (char *l = strtok_r(text, "\n", &save); l && n < max; l = strtok_r(NULL, "\n", &save))
        lines[n++] = l;
    return n;
}

static void
test_intervals_csv_file(void **state)
{
    /* An operating day: per interval the center ("*") then each type,
     * every cell the fixture's number or empty where it does not apply. */
    struct fixture *f = *state;
    add_intervals(f);
    f->iv_types[1][0].metric[ACD_M_ASA].mean = (double)NAN; /* no call answered */
    char *csv = render_with(acd_report_write_intervals_csv, results(f));
    char *want =
        expected_header("start,end,call_type", ACD_SCOPE_INTERVAL | ACD_SCOPE_TYPE, used_of(&f->r));
    assert_int_equal(strncmp(csv, want, strlen(want)), 0);
    assert_int_equal(csv[strlen(want)], '\n');
    /* The quoted type name, whole. */
    assert_non_null(strstr(csv, "\n08:30,09:00,\"sales, \"\"east\"\"\","));

    char *lines[64];
    int n_lines = split_lines(csv, lines, 64);
    assert_int_equal(n_lines, 1 + N_INTERVALS * (N_TYPES + 1));
    char *hdr[MAX_FIELDS], *fld[MAX_FIELDS];
    int n = csv_split(lines[0], hdr, MAX_FIELDS);
    assert_true(n > 3 && n < MAX_FIELDS);
    static const char *const starts[] = {"08:00", "08:30", "09:00", "09:30"};
    struct wide_seen seen = {0};
    for (int i = 0; i < N_INTERVALS; i++) {
        for (int k = -1; k < N_TYPES; k++) {
            char *line = lines[1 + i * (N_TYPES + 1) + (k + 1)];
            char where[64];
            snprintf(where, sizeof(where), "interval %d, type %d", i, k);
            assert_int_equal(csv_split(line, fld, MAX_FIELDS), n);
            assert_string_equal(fld[0], starts[i]);
            assert_string_equal(fld[1], starts[i + 1]);
            assert_string_equal(fld[2], k < 0 ? ACD_REPORT_ALL_TYPES : f->types[k].name);
            const struct acd_scope_result *s = k < 0 ? &f->iv[i].all : &f->iv_types[i][k];
            check_wide_row(hdr, fld, n, 3, s, k < 0 ? ACD_SCOPE_INTERVAL : ACD_SCOPE_TYPE, where,
                           &seen);
        }
    }
    assert_true(seen.numbers > 100);
    assert_true(seen.not_applicable > 0); /* agent columns of call-type rows */
    assert_int_equal(seen.nan, 1);
    free(want);
    free(csv);
}

static void
test_intervals_csv_steady(void **state)
{
    /* No intervals: the center (from the summary) and each call type, once,
     * with start and end empty. */
    struct fixture *f = *state;
    char *csv = render_with(acd_report_write_intervals_csv, results(f));
    char *lines[8];
    assert_int_equal(split_lines(csv, lines, 8), 1 + 1 + N_TYPES);
    assert_int_equal(strncmp(lines[1], ",,*,", 4), 0); /* empty is really empty */
    char *hdr[MAX_FIELDS], *fld[MAX_FIELDS];
    int n = csv_split(lines[0], hdr, MAX_FIELDS);
    struct wide_seen seen = {0};
    for (int k = -1; k < N_TYPES; k++) {
        assert_int_equal(csv_split(lines[2 + k], fld, MAX_FIELDS), n);
        assert_string_equal(fld[0], "");
        assert_string_equal(fld[1], "");
        assert_string_equal(fld[2], k < 0 ? ACD_REPORT_ALL_TYPES : f->types[k].name);
        check_wide_row(hdr, fld, n, 3, k < 0 ? &f->r.summary : &f->type_res[k],
                       k < 0 ? ACD_SCOPE_CENTER : ACD_SCOPE_TYPE, "steady", &seen);
    }
    /* The fixture's NaNs: the center's p90 wait, one type's ASA CI. */
    assert_int_equal(seen.nan, 2);
    free(csv);

    /* Without a scenario there are no names: the center row only. */
    f->no_scenario = true;
    csv = render_with(acd_report_write_intervals_csv, results(f));
    assert_int_equal(split_lines(csv, lines, 8), 2);
    free(csv);
}

static void
test_groups_csv_file(void **state)
{
    struct fixture *f = *state;
    f->group_res[0].total[ACD_T_LABOR_COST].ci95 = (double)NAN;
    char *csv = render_with(acd_report_write_groups_csv, results(f));
    char *want = expected_header("group", ACD_SCOPE_GROUP, used_of(&f->r));
    assert_int_equal(strncmp(csv, want, strlen(want)), 0);
    assert_int_equal(csv[strlen(want)], '\n');
    /* The totals a manager asks for are there. */
    static const char *const cols[] = {",totals.answered,",
                                       ",totals.busy_agent_s,",
                                       ",totals.staffed_agent_s,",
                                       ",totals.talk_agent_s,",
                                       ",totals.idle_agent_s,",
                                       ",totals.labor_cost,",
                                       ",occupancy,"};
    for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
        if (!strstr(want, cols[i]))
            fail_msg("groups.csv header lacks %s", cols[i]);
    /* Call metrics do not apply to a group. */
    assert_null(strstr(want, ",service_level,"));

    char *lines[8];
    assert_int_equal(split_lines(csv, lines, 8), 1 + N_GROUPS);
    char *hdr[MAX_FIELDS], *fld[MAX_FIELDS];
    int n = csv_split(lines[0], hdr, MAX_FIELDS);
    assert_int_equal(csv_split(lines[1], fld, MAX_FIELDS), n);
    assert_string_equal(fld[0], "csr");
    struct wide_seen seen = {0};
    check_wide_row(hdr, fld, n, 1, &f->group_res[0], ACD_SCOPE_GROUP, "csr", &seen);
    assert_int_equal(seen.not_applicable, 0); /* every column is a group figure */
    assert_int_equal(seen.nan, 1);
    free(want);
    free(csv);

    f->no_scenario = true; /* no scenario, no group names: header only */
    csv = render_with(acd_report_write_groups_csv, results(f));
    assert_int_equal(split_lines(csv, lines, 8), 1);
    free(csv);
}

static void
test_report_files(void **state)
{
    /* The folder's files in order; results.json is the json format's
     * output byte for byte; the CSV entries are the writers above. */
    struct fixture *f = *state;
    add_intervals(f);
    static const char *const names[] = {"results.json", "intervals.csv", "groups.csv"};
    static csv_writer *const writers[] = {NULL, acd_report_write_intervals_csv,
                                          acd_report_write_groups_csv};
    struct acd_report_opts o = {.no_timing = true};
    size_t i = 0;
    for (; acd_report_files[i].name; i++) {
        assert_true(i < 3);
        assert_string_equal(acd_report_files[i].name, names[i]);
        char *buf = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&buf, &len);
        assert_non_null(out);
        assert_int_equal(acd_report_files[i].write(out, results(f), &o), 0);
        assert_int_equal(fclose(out), 0);
        char *want =
            writers[i] ? render_with(writers[i], results(f)) : render("json", results(f), true);
        assert_string_equal(buf, want);
        free(want);
        free(buf);
    }
    assert_int_equal(i, 3);
}

static void
test_wide_write_error(void **state)
{
    /* A stream that cannot be written: the folder writers report -1. */
    struct fixture *f = *state;
    struct acd_report_opts o = {0};
    for (size_t i = 0; acd_report_files[i].name; i++) {
        FILE *ro = fopen("/dev/null", "r");
        assert_non_null(ro);
        int rc = acd_report_files[i].write(ro, results(f), &o);
        if (rc == 0)
            rc = fflush(ro) == 0 && !ferror(ro) ? 0 : -1;
        assert_int_equal(rc, -1);
        fclose(ro);
    }
}

/* ------------------------------------------------------- names are data */

/* s through a FILE writer, as a new string. */
static char *
written(void (*put)(FILE *, const char *), const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    put(f, s);
    fclose(f);
    return buf;
}

static void
put_csv_field(FILE *f, const char *s)
{
    acd_report_csv_field(f, s);
}

static void
put_csv_number(FILE *f, const char *s)
{
    acd_report_csv_number(f, strtod(s, NULL));
}

static void
put_plot_string(FILE *f, const char *s)
{
    acd_plot_string(f, s);
}

static void
put_escaped(FILE *f, const char *s)
{
    acd_escape_fputs(s, f);
}

static void
test_csv_formula_cells(void **state)
{
    (void)state;
    static const struct {
        const char *name, *cell;
    } cases[] = {
        {"=cmd|' /C calc'!A0", "\"'=cmd|' /C calc'!A0\""},
        {"@SUM(1+1)*cmd|'/c calc'!A1", "\"'@SUM(1+1)*cmd|'/c calc'!A1\""},
        {"+1", "\"'+1\""},
        {"-2", "\"'-2\""},
        {"\tx", "\"'\tx\""},
        {"\rx", "\"'\rx\""},
        {"=\"a\",b", "\"'=\"\"a\"\",b\""},
        {"a=b", "a=b"},
        {"'s-Hertogenbosch desk", "'s-Hertogenbosch desk"},
        {"sales, east", "\"sales, east\""},
        {"say \"hi\"", "\"say \"\"hi\"\"\""},
        {"two\nlines", "\"two\nlines\""},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = written(put_csv_field, cases[i].name);
        assert_string_equal(got, cases[i].cell);
        free(got);
    }
    /* Numbers are not names: a negative number stays a number. */
    char *got = written(put_csv_number, "-2.5");
    assert_string_equal(got, "-2.5");
    free(got);
}

static void
test_escape_controls(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"plain name", "plain name"},
        {"\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"},
        {"new\nline", "new\\nline"},
        {"a\tb\rc", "a\\tb\\rc"},
        {"del\x7f", "del\\x7f"},
        {"c1 \xc2\x9b"
         "31m",
         "c1 \\u009b31m"},
        {"caf\xc3\xa9 \xc2\xb1", "caf\xc3\xa9 \xc2\xb1"}, /* UTF-8 stays */
        {"back\\slash", "back\\slash"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(acd_escape_needed(cases[i].in), strcmp(cases[i].in, cases[i].out) != 0);
        char *got = acd_escape_xstrdup(cases[i].in);
        assert_string_equal(got, cases[i].out);
        free(got);
        got = written(put_escaped, cases[i].in);
        assert_string_equal(got, cases[i].out);
        free(got);
    }
    char *empty = acd_escape_xstrdup(NULL);
    assert_string_equal(empty, "");
    free(empty);
    /* The text report's columns count a control character as its escape. */
    assert_int_equal(acd_display_columns("a\x1b"), 5);
}

/* A text report of a scenario and names holding controls: none reaches
 * the output raw, and a newline does not split a line. */
static void
test_text_names_escaped(void **state)
{
    struct fixture *f = *state;
    f->sc.name = "center \x1b]0;pwned\x07";
    f->types[0].name = "bill\ning";
    f->groups[0].name = "csr\x1b[31m";
    char *text = render("text", results(f), false);
    for (const char *p = text; *p; p++)
        assert_true(*p == '\n' || (unsigned char)*p >= 0x20);
    assert_non_null(strstr(text, "center \\x1b]0;pwned\\x07\n"));
    assert_non_null(strstr(text, "Call type: bill\\ning "));
    assert_non_null(strstr(text, "Agent group: csr\\x1b[31m "));
    free(text);
}

/* gnuplot strings by construction: only letters, digits and a few plain
 * marks as themselves, anything that could end the string or be expanded
 * (quotes, backslash, backquote, @, $) as an octal escape. */
static void
test_plot_string_quoting(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"csr desk-1 (a/b), #2: x+y.z_", "\"csr desk-1 (a/b), #2: x+y.z_\""},
        {"'s-Hertogenbosch desk", "\"\\047s-Hertogenbosch desk\""},
        {"''", "\"\\047\\047\""},
        {"`touch /tmp/x`", "\"\\140touch /tmp/x\\140\""},
        {"\"\\", "\"\\042\\134\""},
        {"@x $y %d", "\"\\100x \\044y \\045d\""},
        {"a\nb\x1b", "\"a b \""},
        {"\xc3\xa9", "\"\\303\\251\""},
        {"c1 \xc2\x9b"
         "31m",
         "\"c1  31m\""},
        {"", "\"\""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = written(put_plot_string, cases[i].in);
        assert_string_equal(got, cases[i].out);
        free(got);
    }
}

/* acd_json_stream writes byte for byte what acd_json_dump prints for the
 * same tree: nesting, empty containers, escapes, reals, the raw seed. */
static void
test_json_stream_equals_dump(void **state)
{
    (void)state;
    const char *sub = "{\"e\": {}, \"f\": [], \"g\": [1, {\"h\": [2.5, null]}], "
                      "\"s\": \"a\\\"b\\n\\u00e9\"}";
    json_t *root = json_object();
    json_object_set_new(root, "a", json_integer(1));
    json_object_set_new(root, "seed", json_integer(0));
    json_object_set_new(root, "t", json_loads(sub, 0, NULL));
    json_t *list = json_array();
    for (int i = 0; i < 3; i++)
        json_array_append_new(list, json_loads(sub, 0, NULL));
    json_object_set_new(root, "list\u00e9", list);
    json_object_set_new(root, "none", json_array());
    json_object_set_new(root, "x", json_real(0.1));
    char *want = acd_json_dump(root, true, UINT64_MAX);

    char *got = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&got, &len);
    struct acd_json_stream js;
    acd_json_stream_begin(&js, m);
    acd_json_stream_value(&js, "a", json_integer(1));
    acd_json_stream_raw(&js, "seed", "18446744073709551615");
    acd_json_stream_value(&js, "t", json_loads(sub, 0, NULL));
    acd_json_stream_open(&js, "list\u00e9", true);
    for (int i = 0; i < 3; i++)
        acd_json_stream_value(&js, NULL, json_loads(sub, 0, NULL));
    acd_json_stream_close(&js);
    acd_json_stream_open(&js, "none", true);
    acd_json_stream_close(&js);
    acd_json_stream_value(&js, "x", json_real(0.1));
    assert_int_equal(acd_json_stream_end(&js), 0);
    fclose(m);
    assert_string_equal(got, want);
    free(got);
    free(want);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_table),
        cmocka_unit_test_setup_teardown(test_json_shape, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_nan_is_null, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_no_timing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_seed_full_width, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv_matches_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv_quoting, setup, teardown),
        cmocka_unit_test(test_csv_formula_cells),
        cmocka_unit_test(test_escape_controls),
        cmocka_unit_test_setup_teardown(test_text_names_escaped, setup, teardown),
        cmocka_unit_test(test_plot_string_quoting),
        cmocka_unit_test(test_json_stream_equals_dump),
        cmocka_unit_test_setup_teardown(test_text_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_no_timing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_all_met, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_intervals_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_intervals_csv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_intervals_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_feature_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_group_and_costs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_header_wraps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_intervals_csv_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_intervals_csv_steady, setup, teardown),
        cmocka_unit_test_setup_teardown(test_groups_csv_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wide_write_error, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
