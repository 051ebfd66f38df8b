/*
 * Unit tests for results_read: results documents written by report.c from
 * hand-built results are read back and written again, byte for byte (json
 * and csv formats, intervals.csv, groups.csv); malformed documents give
 * the expected located diagnostics; and a fuzz loop (every truncation of a
 * document, random byte edits, random edits of its JSON tree) must never
 * crash, leak or accept something it cannot write back. Run under
 * ASan/UBSan too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "acdsim/diag.h"
#include "acdsim/run.h"
#include "acdsim/scenario.h"
#include "acdsim/sim.h"
#include "acdsim/stats.h"
#include "report.h"
#include "results_read.h"
#include "util.h"

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---------------------------------------------------------------- fixture */

static const char *const type_names[] = {"billing", "sales, \"east\"", "r\xc3\xa9sum\xc3\xa9"};
static const char *const group_names[] = {"csr1", "tier two"};

/* Scenario and results built by hand, every estimate a distinct value so a
 * number read into the wrong place shows. */
struct fixture {
    struct acd_scenario sc;
    struct acd_results r;
};

static void
fill_scope(struct acd_scope_result *s, const char *name, unsigned scope, double base)
{
    s->name = name;
    s->scope = scope;
    for (int m = 0; m < ACD_METRIC_COUNT; m++) {
        /* The fixture's scenario uses no feature: metrics carried only with
         * one (ring_share) are not in its documents, so they read as NaN. */
        bool applies = (acd_metrics[m].scopes & scope) != 0 && acd_stats_metric_carried(m, 0);
        s->metric[m].mean = applies ? base + 0.0123 * m + 0.000417 : ACD_NAN;
        s->metric[m].ci95 = applies ? 0.00071 * (m + 1) + base / 1000.0 : ACD_NAN;
        s->metric[m].n = applies ? 7 : 0;
    }
    for (int k = 0; k < ACD_TOTAL_COUNT; k++) {
        bool applies = (acd_totals[k].scopes & scope) != 0;
        s->total[k].mean = applies ? 1000.0 * base + 17.385 * k : ACD_NAN;
        s->total[k].ci95 = applies ? 2.385 + k : ACD_NAN;
        s->total[k].n = applies ? 7 : 0;
    }
}

static double *
reals(size_t n, double base)
{
    double *v = acd_xcalloc(n, sizeof(double));
    for (size_t i = 0; i < n; i++)
        v[i] = base + 0.137 * (double)i;
    return v;
}

/* nt call types, ng groups; ni intervals of 30 minutes from 08:00, or a
 * steady state when ni is 0 (then with an Erlang comparison). */
static struct fixture *
fixture_new(size_t nt, size_t ng, size_t ni)
{
    struct fixture *f = acd_xcalloc(1, sizeof(*f));
    struct acd_scenario *sc = &f->sc;
    struct acd_results *r = &f->r;
    sc->name = "Test center";
    sc->path = "test.yaml";
    sc->seed = 42;
    sc->replications = 7;
    sc->sl_threshold_s = 20.0;
    sc->sl_target = 0.80;
    sc->max_abandon = 0.05;
    sc->max_asa_s = ACD_NAN;
    sc->max_occupancy = 0.9;
    sc->n_call_types = nt;
    sc->call_types = acd_xcalloc(nt + 1, sizeof(*sc->call_types));
    for (size_t k = 0; k < nt; k++)
        sc->call_types[k].name = (char *)type_names[k];
    sc->n_groups = ng;
    sc->groups = acd_xcalloc(ng + 1, sizeof(*sc->groups));
    for (size_t g = 0; g < ng; g++) {
        sc->groups[g].name = (char *)group_names[g];
        sc->groups[g].tier = (unsigned)g + 1;
    }
    if (ni) {
        sc->horizon = ACD_HORIZON_DAY;
        sc->open_s = 8 * 3600.0;
        sc->interval_s = 1800.0;
        sc->n_intervals = ni;
        sc->close_s = sc->open_s + (double)ni * sc->interval_s;
    } else {
        sc->horizon = ACD_HORIZON_STEADY;
        sc->duration_s = 200000.0;
        sc->warmup_s = 5000.0;
    }

    acd_setup_from_scenario(&r->setup, sc);
    r->seed = 987654321;
    r->replications = 7;
    r->threads = 3;
    r->wall_s = 0.4125;
    r->calls = 123456789;
    r->events = 987654321012;
    fill_scope(&r->summary, "", ACD_SCOPE_CENTER, 0.5);
    r->types = acd_xcalloc(nt + 1, sizeof(*r->types));
    for (size_t k = 0; k < nt; k++)
        fill_scope(&r->types[k], type_names[k], ACD_SCOPE_TYPE, 0.25 + 0.125 * (double)k);
    r->groups = acd_xcalloc(ng + 1, sizeof(*r->groups));
    for (size_t g = 0; g < ng; g++)
        fill_scope(&r->groups[g], group_names[g], ACD_SCOPE_GROUP, 0.875 + 0.0625 * (double)g);
    /* Undefined estimates: null in the document, NaN again when read. */
    r->summary.metric[ACD_M_WAIT_P90].mean = ACD_NAN;
    r->summary.metric[ACD_M_WAIT_P90].ci95 = ACD_NAN;
    r->summary.metric[ACD_M_WAIT_P90].n = 0;
    if (nt > 1)
        r->types[1].metric[ACD_M_ASA].ci95 = ACD_NAN;

    r->n_intervals = ni;
    r->intervals = acd_xcalloc(ni + 1, sizeof(*r->intervals));
    for (size_t i = 0; i < ni; i++) {
        struct acd_interval_result *iv = &r->intervals[i];
        iv->start_s = sc->open_s + sc->interval_s * (double)i;
        iv->end_s = iv->start_s + sc->interval_s;
        fill_scope(&iv->all, "", ACD_SCOPE_INTERVAL, 0.3 + 0.1 * (double)i);
        iv->types = acd_xcalloc(nt + 1, sizeof(*iv->types));
        for (size_t k = 0; k < nt; k++)
            fill_scope(&iv->types[k], type_names[k], ACD_SCOPE_TYPE,
                       0.6 + 0.01 * (double)k + 0.1 * (double)i);
        iv->groups = acd_xcalloc(ng + 1, sizeof(*iv->groups));
        for (size_t g = 0; g < ng; g++)
            fill_scope(&iv->groups[g], group_names[g], ACD_SCOPE_GROUP,
                       0.7 + 0.01 * (double)g + 0.1 * (double)i);
    }

    struct acd_band *q = &r->queue_len;
    q->n = 5;
    q->t0_s = ni ? sc->open_s : sc->warmup_s;
    q->step_s = 300.0;
    q->mean = reals(q->n, 1.25);
    q->p10 = reals(q->n, 0.5);
    q->p90 = reals(q->n, 3.75);
    q->p10[2] = ACD_NAN;
    struct acd_wait_cdf *w = &r->wait_cdf;
    w->n = 4;
    w->x_s = reals(w->n, 0);
    w->answered = reals(w->n, 0.5);
    w->abandoned = reals(w->n, 0.25);
    w->abandoned[0] = ACD_NAN;

    if (!ni) {
        struct acd_erlang_cmp *e = &r->erlang;
        e->valid = true;
        e->exponential = true;
        e->params = (struct acd_erlang_params){.model = ACD_ERLANG_A,
                                               .rate_per_s = 2.0,
                                               .aht_s = 50.0,
                                               .patience_s = 120.0,
                                               .agents = 105,
                                               .queue_capacity = 200,
                                               .sl_threshold_s = 20.0};
        e->value = (struct acd_erlang_result){.service_level = 0.8123,
                                              .service_level_answered = 0.8234,
                                              .answered_rate = 0.9876,
                                              .abandon_rate = 0.0124,
                                              .blocked_rate = 0.0,
                                              .p_wait = 0.3456,
                                              .asa_s = 4.567,
                                              .mean_wait_s = 4.678,
                                              .mean_queue_len = 9.1011,
                                              .occupancy = 0.9321,
                                              .busy_agents = 97.87};
    }
    return f;
}

static void
fixture_free(struct fixture *f)
{
    struct acd_results *r = &f->r;
    for (size_t i = 0; i < r->n_intervals; i++) {
        free(r->intervals[i].types);
        free(r->intervals[i].groups);
    }
    free(r->intervals);
    free(r->types);
    free(r->groups);
    free(r->queue_len.mean);
    free(r->queue_len.p10);
    free(r->queue_len.p90);
    free(r->wait_cdf.x_s);
    free(r->wait_cdf.answered);
    free(r->wait_cdf.abandoned);
    acd_setup_fini(&r->setup);
    free(f->sc.call_types);
    free(f->sc.groups);
    free(f);
}

/* ---------------------------------------------------------------- helpers */

/* Results read from a document, and what was said. */
struct doc {
    struct acd_results *r;
    struct acd_diags diags;
    int rc;
};

static void
doc_read(struct doc *d, const char *text, size_t len)
{
    acd_diags_init(&d->diags);
    d->rc = acd_results_read_json_string("t.json", text, len, &d->r, &d->diags);
}

static void
doc_fini(struct doc *d)
{
    acd_results_free(d->r);
    acd_diags_fini(&d->diags);
}

/* Run a writer into a string (caller frees). */
static char *
render(int (*write)(FILE *, const struct acd_results *, const struct acd_report_opts *),
       const struct acd_results *r, bool no_timing)
{
    struct acd_report_opts o = {.no_timing = no_timing};
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    assert_int_equal(write(out, r, &o), 0);
    assert_int_equal(fclose(out), 0);
    return buf;
}

static char *
render_format(const char *name, const struct acd_results *r, bool no_timing)
{
    const struct acd_format *fmt = acd_format_find(name);
    assert_non_null(fmt);
    return render(fmt->write, r, no_timing);
}

static void
print_diags(const struct acd_diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        print_message("# %u:%u: %s\n", d->v[i].line, d->v[i].col, d->v[i].msg);
}

/* Every output of `a` and `b` is the same, byte for byte. */
static void
assert_same_outputs(const struct acd_results *a, const struct acd_results *b, bool no_timing)
{
    static const char *const formats[] = {"json", "csv"};
    for (size_t i = 0; i < ACD_ARRAY_LEN(formats); i++) {
        char *x = render_format(formats[i], a, no_timing),
             *y = render_format(formats[i], b, no_timing);
        assert_string_equal(x, y);
        free(x);
        free(y);
    }
    for (size_t i = 0; acd_report_files[i].name; i++) {
        char *x = render(acd_report_files[i].write, a, no_timing);
        char *y = render(acd_report_files[i].write, b, no_timing);
        assert_string_equal(x, y);
        free(x);
        free(y);
    }
}

static void
assert_same_estimate(const struct acd_estimate *a, const struct acd_estimate *b)
{
    assert_true(isnan(a->mean) ? isnan(b->mean) : a->mean == b->mean);
    assert_true(isnan(a->ci95) ? isnan(b->ci95) : a->ci95 == b->ci95);
}

static void
assert_same_scope(const struct acd_scope_result *a, const struct acd_scope_result *b)
{
    assert_string_equal(a->name, b->name);
    assert_int_equal(a->scope, b->scope);
    for (int m = 0; m < ACD_METRIC_COUNT; m++)
        assert_same_estimate(&a->metric[m], &b->metric[m]);
    for (int k = 0; k < ACD_TOTAL_COUNT; k++)
        assert_same_estimate(&a->total[k], &b->total[k]);
}

/* Read what the writer made of f and check it field by field and by
 * every output. */
static void
check_round_trip(struct fixture *f, bool no_timing)
{
    char *json = render_format("json", &f->r, no_timing);
    struct doc d;
    doc_read(&d, json, strlen(json));
    print_diags(&d.diags);
    assert_int_equal(d.rc, 0);
    assert_int_equal(d.diags.n, 0);
    const struct acd_scenario *a = &f->sc;
    const struct acd_setup *b = &d.r->setup;
    assert_true(b->known);
    assert_string_equal(b->name, a->name);
    assert_string_equal(b->path, "t.json");
    assert_int_equal(b->horizon, a->horizon);
    assert_true(b->open_s == a->open_s && b->close_s == a->close_s);
    assert_true(b->interval_s == a->interval_s && b->n_intervals == a->n_intervals);
    assert_true(b->duration_s == a->duration_s && b->warmup_s == a->warmup_s);
    assert_true(b->sl_threshold_s == a->sl_threshold_s && b->sl_target == a->sl_target);
    assert_true(b->max_abandon == a->max_abandon && isnan(b->max_asa_s));
    assert_true(b->max_occupancy == a->max_occupancy);
    assert_int_equal(b->n_call_types, a->n_call_types);
    for (size_t k = 0; k < a->n_call_types; k++)
        assert_string_equal(b->call_types[k].name, a->call_types[k].name);
    assert_int_equal(b->n_groups, a->n_groups);
    for (size_t g = 0; g < a->n_groups; g++) {
        assert_string_equal(b->groups[g].name, a->groups[g].name);
        assert_int_equal(b->groups[g].tier, a->groups[g].tier);
        const struct acd_setup_group *w = &f->r.setup.groups[g]; /* as written */
        assert_int_equal(b->groups[g].staffing, w->staffing);
        if (w->staffing != ACD_STAFFING_PLAN)
            assert_int_equal(b->groups[g].staffing_count, w->staffing_count);
    }
    assert_int_equal(b->max_tier, a->n_groups ? a->n_groups : 1);
    assert_int_equal(b->features, f->r.setup.features);
    if (f->r.setup.routing)
        assert_string_equal(b->routing, f->r.setup.routing);
    else
        assert_null(b->routing);
    for (size_t k = 0; k < a->n_call_types; k++)
        assert_ptr_equal(d.r->types[k].name, b->call_types[k].name); /* owned by the results */

    const struct acd_results *x = &f->r, *y = d.r;
    assert_true(y->seed == x->seed);
    assert_int_equal(y->replications, x->replications);
    assert_true(y->calls == x->calls && y->events == x->events);
    if (no_timing) {
        assert_true(isnan(y->wall_s));
        assert_int_equal(y->threads, 0);
    } else {
        assert_true(y->wall_s == x->wall_s);
        assert_int_equal(y->threads, x->threads);
    }
    assert_same_scope(&x->summary, &y->summary);
    assert_int_equal(y->summary.metric[ACD_M_OFFERED].n, 7);
    assert_int_equal(y->summary.metric[ACD_M_WAIT_P90].n, 0);
    for (size_t k = 0; k < a->n_call_types; k++)
        assert_same_scope(&x->types[k], &y->types[k]);
    for (size_t g = 0; g < a->n_groups; g++)
        assert_same_scope(&x->groups[g], &y->groups[g]);
    assert_int_equal(y->n_intervals, x->n_intervals);
    for (size_t i = 0; i < x->n_intervals; i++) {
        assert_true(y->intervals[i].start_s == x->intervals[i].start_s);
        assert_true(y->intervals[i].end_s == x->intervals[i].end_s);
        assert_same_scope(&x->intervals[i].all, &y->intervals[i].all);
        for (size_t k = 0; k < a->n_call_types; k++)
            assert_same_scope(&x->intervals[i].types[k], &y->intervals[i].types[k]);
        for (size_t g = 0; g < a->n_groups; g++)
            assert_same_scope(&x->intervals[i].groups[g], &y->intervals[i].groups[g]);
    }
    assert_int_equal(y->queue_len.n, x->queue_len.n);
    assert_true(isnan(y->queue_len.p10[2]) && y->queue_len.p90[4] == x->queue_len.p90[4]);
    assert_int_equal(y->wait_cdf.n, x->wait_cdf.n);
    assert_true(isnan(y->wait_cdf.abandoned[0]));
    assert_int_equal(y->erlang.valid, x->erlang.valid);
    if (x->erlang.valid) {
        assert_int_equal(y->erlang.params.model, x->erlang.params.model);
        assert_int_equal(y->erlang.params.agents, x->erlang.params.agents);
        assert_int_equal(y->erlang.params.queue_capacity, x->erlang.params.queue_capacity);
        assert_true(y->erlang.params.sl_threshold_s == a->sl_threshold_s);
        assert_true(y->erlang.value.busy_agents == x->erlang.value.busy_agents);
        assert_true(y->erlang.value.offered_load == 100.0);
    }
    assert_same_outputs(x, y, no_timing);
    char *again = render_format("json", y, no_timing);
    assert_string_equal(json, again);
    free(again);
    free(json);
    doc_fini(&d);
}

/* ------------------------------------------------------------ round trips */

static void
test_round_trip_day(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(3, 2, 4);
    check_round_trip(f, false);
    check_round_trip(f, true);
    fixture_free(f);
}

static void
test_round_trip_steady(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(1, 1, 0);
    check_round_trip(f, false);
    f->r.seed = UINT64_MAX; /* wider than jansson's integers */
    check_round_trip(f, true);
    f->r.erlang.params.model = ACD_ERLANG_C;
    f->r.erlang.params.queue_capacity = -1;
    check_round_trip(f, true);
    fixture_free(f);
}

/* No call types or groups, no series points: still one valid document. */
static void
test_round_trip_empty(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(0, 0, 2);
    f->r.queue_len.n = 0;
    f->r.wait_cdf.n = 0;
    char *json = render_format("json", &f->r, true);
    struct doc d;
    doc_read(&d, json, strlen(json));
    print_diags(&d.diags);
    assert_int_equal(d.rc, 0);
    assert_int_equal(d.r->setup.n_call_types, 0);
    assert_non_null(d.r->types); /* never NULL, as the engine's */
    assert_same_outputs(&f->r, d.r, true);
    doc_fini(&d);
    free(json);
    fixture_free(f);
}

/* setup.features is read back as written; a document without it (written
 * before the key existed) gets the features its results show happening. */
static void
test_features(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(1, 1, 0);
    struct acd_estimate *t = f->r.types[0].total, *g = f->r.groups[0].total;
    for (int k = 0; k < ACD_TOTAL_COUNT; k++)
        t[k].mean = g[k].mean = 0;
    /* Written: read back whatever the totals say. */
    f->r.setup.features = ACD_FEAT_CALLBACK | ACD_FEAT_TIMEOUT;
    char *json = render_format("json", &f->r, true);
    assert_non_null(strstr(json, "\"features\": [\n      \"callback\",\n      \"timeout\"\n    ]"));
    struct doc d;
    doc_read(&d, json, strlen(json));
    assert_int_equal(d.rc, 0);
    assert_int_equal(d.r->setup.features, ACD_FEAT_CALLBACK | ACD_FEAT_TIMEOUT);
    doc_fini(&d);
    free(json);

    /* Not written: nothing happened, no feature. */
    json_error_t err;
    json = render_format("json", &f->r, true);
    json_t *root = json_loads(json, JSON_PRESERVE_ORDER, &err);
    free(json);
    json_object_del(json_object_get(root, "setup"), "features");
    json = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    doc_read(&d, json, strlen(json));
    assert_int_equal(d.rc, 0);
    assert_int_equal(d.diags.n, 0);
    assert_int_equal(d.r->setup.features, 0);
    doc_fini(&d);
    free(json);
    json_decref(root);

    /* Not written: what happened. */
    t[ACD_T_ESCALATED].mean = 5;
    t[ACD_T_ANSWERED].mean = 100;
    t[ACD_T_ABANDONED].mean = 4;
    t[ACD_T_ABANDON_COST].mean = 10;
    t[ACD_T_RETRIALS].mean = 1;
    g[ACD_T_WRAP_AGENT_S].mean = 60;
    g[ACD_T_BREAK_AGENT_S].mean = 1800;
    g[ACD_T_STAFFED_AGENT_S].mean = 5400;
    g[ACD_T_LABOR_COST].mean = 40;
    json = render_format("json", &f->r, true);
    root = json_loads(json, JSON_PRESERVE_ORDER, &err);
    free(json);
    json_t *setup = json_object_get(root, "setup");
    json_object_del(setup, "features");
    /* ... nor how groups are staffed or the routing. */
    json_object_del(setup, "routing");
    const char *gname;
    json_t *gv;
    json_object_foreach(json_object_get(setup, "agent_groups"), gname, gv)
    {
        json_object_del(gv, "staffing");
        json_object_del(gv, "count");
    }
    json = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    doc_read(&d, json, strlen(json));
    assert_int_equal(d.rc, 0);
    assert_string_equal(d.r->setup.routing, ""); /* an empty line, as always */
    unsigned want = ACD_FEAT_RESOLUTION | ACD_FEAT_ESCALATION | ACD_FEAT_RETRIAL | ACD_FEAT_WRAP |
                    ACD_FEAT_BREAK | ACD_FEAT_COST;
    assert_int_equal(d.r->setup.features, want);
    /* Staffing not recorded: a group that took breaks reads "1 shift". */
    assert_int_equal(d.r->setup.groups[0].staffing, ACD_STAFFING_SHIFTS);
    assert_int_equal(d.r->setup.groups[0].staffing_count, 1);
    doc_fini(&d);
    free(json);
    json_decref(root);
    fixture_free(f);
}

/* An unknown feature name is a warning, not an error. */
static void
test_features_unknown(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(1, 1, 0);
    char *json = render_format("json", &f->r, true);
    json_error_t err;
    json_t *root = json_loads(json, JSON_PRESERVE_ORDER, &err);
    free(json);
    json_t *fs = json_array();
    json_array_append_new(fs, json_string("telepathy"));
    json_array_append_new(fs, json_string("balk"));
    json_object_set_new(json_object_get(root, "setup"), "features", fs);
    json = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    struct doc d;
    doc_read(&d, json, strlen(json));
    assert_int_equal(d.rc, 0);
    assert_int_equal(d.diags.n_errors, 0);
    assert_int_equal(d.diags.n, 1);
    assert_non_null(strstr(d.diags.v[0].msg, "unknown model feature \"telepathy\""));
    assert_int_equal(d.r->setup.features, ACD_FEAT_BALK);
    doc_fini(&d);
    free(json);
    json_decref(root);
    fixture_free(f);
}

/* The whole text of a stream (caller frees); NULL if it cannot be read. */
static char *
slurp(FILE *f, size_t *len)
{
    char *buf = NULL;
    size_t n = 0, cap = 0, got;
    do {
        if (n + 4096 > cap) {
            cap = 2 * cap + 4096;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
    } while (got > 0);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* A results.json written before this version (the golden copies of
 * tests/golden/outputs, recorded by the old binary: no setup.features)
 * gives the text report recorded beside it, byte for byte. Run from the
 * tests directory (meson's workdir); skipped without the files or gzip. */
static void
test_old_documents(void **state)
{
    (void)state;
    static const char *const cases[] = {"helpdesk", "outage_surge", "training", "utility",
                                        "utility_day"};
    for (size_t i = 0; i < ACD_ARRAY_LEN(cases); i++) {
        char *txt_path = acd_xasprintf("golden/outputs/run-%s/report.txt", cases[i]);
        char *cmd = acd_xasprintf("gzip -dc golden/outputs/run-%s/out__results.json.gz 2>/dev/null",
                                  cases[i]);
        FILE *want_f = fopen(txt_path, "rb");
        FILE *gz = want_f ? popen(cmd, "r") : NULL;
        size_t want_len = 0, len = 0;
        char *want = want_f ? slurp(want_f, &want_len) : NULL;
        char *json = gz ? slurp(gz, &len) : NULL;
        if (want_f)
            fclose(want_f);
        int gz_rc = gz ? pclose(gz) : -1;
        if (!want || !json || gz_rc != 0 || len == 0) {
            print_message("# skipped %s: no golden copy or no gzip\n", cases[i]);
        } else {
            struct doc d;
            doc_read(&d, json, len);
            print_diags(&d.diags);
            assert_int_equal(d.rc, 0);
            assert_int_equal(d.diags.n, 0);
            assert_true(d.r->setup.known);
            /* As `acdsim report` does: a --no-timing document stays so. */
            char *text = render_format("text", d.r, isnan(d.r->wall_s));
            assert_string_equal(text, want);
            free(text);
            doc_fini(&d);
        }
        free(want);
        free(json);
        free(cmd);
        free(txt_path);
    }
}

/* ---------------------------------------------------------- bad documents */

/* The document of a small steady fixture, parsed for editing. */
static json_t *
fixture_tree(size_t ni)
{
    struct fixture *f = fixture_new(2, 1, ni);
    char *json = render_format("json", &f->r, true);
    json_error_t err;
    json_t *root = json_loads(json, 0, &err);
    assert_non_null(root);
    free(json);
    fixture_free(f);
    return root;
}

static char *
dump(const json_t *root)
{
    char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    assert_non_null(s);
    return s;
}

/* 1-based line and column (in characters) of the first `marker` in text. */
static void
position_of(const char *text, const char *marker, unsigned *line, unsigned *col)
{
    const char *at = strstr(text, marker);
    assert_non_null(at);
    *line = 1;
    *col = 1;
    for (const char *p = text; p < at; p++) {
        if (*p == '\n') {
            ++*line;
            *col = 1;
        } else if ((*p & 0xC0) != 0x80) {
            ++*col;
        }
    }
}

/* Reading `text` must fail with an error containing `msg`; with a
 * `marker`, located where the marker starts in text. */
static void
expect_error(const char *text, size_t len, const char *marker, const char *msg)
{
    struct doc d;
    doc_read(&d, text, len);
    assert_int_equal(d.rc, -1);
    assert_null(d.r);
    unsigned line = 0, col = 0;
    if (marker)
        position_of(text, marker, &line, &col);
    bool found = false;
    for (size_t i = 0; i < d.diags.n && !found; i++) {
        const struct acd_diag *x = &d.diags.v[i];
        assert_string_equal(x->file, "t.json");
        found = x->level == ACD_DIAG_ERROR && strstr(x->msg, msg) &&
                (!marker || (x->line == line && x->col == col));
    }
    if (!found) {
        print_diags(&d.diags);
        fail_msg("no error '%s' at %u:%u", msg, line, col);
    }
    doc_fini(&d);
}

static void
expect_error_str(const char *text, const char *marker, const char *msg)
{
    expect_error(text, strlen(text), marker, msg);
}

/* Edit the fixture's tree with `edit`, then expect the error. */
static void
expect_edit_error(size_t ni, void (*edit)(json_t *root), const char *marker, const char *msg)
{
    json_t *root = fixture_tree(ni);
    edit(root);
    char *text = dump(root);
    expect_error_str(text, marker, msg);
    free(text);
    json_decref(root);
}

static json_t *
path_get(json_t *root, const char *a, const char *b, const char *c)
{
    json_t *x = json_object_get(root, a);
    if (b)
        x = json_object_get(x, b);
    if (c)
        x = json_object_get(x, c);
    assert_non_null(x);
    return x;
}

static void
edit_mean_string(json_t *root)
{
    json_object_set_new(path_get(root, "summary", "asa_s", NULL), "mean", json_string("MARK"));
}

static void
edit_ci95_missing(json_t *root)
{
    json_object_del(path_get(root, "call_types", "billing", "offered"), "ci95");
}

static void
edit_replications_zero(json_t *root)
{
    json_object_set_new(root, "replications", json_integer(0));
}

static void
edit_seed_negative(json_t *root)
{
    json_object_set_new(root, "seed", json_integer(-3));
}

static void
edit_interval_missing(json_t *root)
{
    json_array_remove(json_object_get(root, "intervals"), 1);
}

static void
edit_interval_start(json_t *root)
{
    json_t *iv = json_array_get(json_object_get(root, "intervals"), 2);
    json_object_set_new(iv, "start", json_string("08:45"));
}

static void
edit_interval_unknown_type(json_t *root)
{
    json_t *iv = json_array_get(json_object_get(root, "intervals"), 0);
    json_t *ct = json_object_get(iv, "call_types");
    json_object_set(ct, "MARK", json_object_get(ct, "billing"));
}

static void
edit_setup_group_missing(json_t *root)
{
    json_object_del(path_get(root, "setup", "agent_groups", NULL), "csr1");
}

static void
edit_horizon_both(json_t *root)
{
    json_object_set_new(path_get(root, "setup", "horizon", NULL), "open", json_string("07:00"));
}

static void
edit_erlang_model(json_t *root)
{
    json_object_set_new(json_object_get(root, "erlang"), "model", json_string("MARK"));
}

static void
edit_series_short(json_t *root)
{
    json_array_remove(path_get(root, "series", "queue_len", "p90"), 0);
}

static void
edit_type_name_empty(json_t *root)
{
    json_t *ct = json_object_get(root, "call_types");
    json_object_set(ct, "", json_object_get(ct, "billing"));
}

static void
edit_steady_with_intervals(json_t *root)
{
    json_array_append_new(json_object_get(root, "intervals"), json_object());
}

static void
edit_erlang_a_no_patience(json_t *root)
{
    json_object_set_new(json_object_get(root, "erlang"), "patience_s", json_null());
}

static void
edit_tier_zero(json_t *root)
{
    json_object_set_new(path_get(root, "setup", "agent_groups", "csr1"), "tier", json_integer(0));
}

static void
test_malformed(void **state)
{
    (void)state;
    expect_error_str("hello", NULL, "not valid JSON");
    expect_error_str("", NULL, "ends too early");
    expect_error_str("[1, 2]", NULL, "expected an object, got an array");
    expect_error_str("{\"name\": \"x\", \"value\": 2}", NULL, "not an acdsim results document");
    expect_error_str("{\"seed\": 1, \"seed\": 2}", NULL, "duplicate object key");
    expect_error_str("{\"seed\": 18446744073709551616}", NULL, "too big integer");
    /* jansson's own location: the end of the offending token. */
    struct doc d;
    doc_read(&d, "{\n  \"acdsim\": tru\n}", 18);
    assert_int_equal(d.rc, -1);
    assert_int_equal(d.diags.v[0].line, 2);
    doc_fini(&d);

    expect_edit_error(0, edit_mean_string, "\"MARK\"",
                      "summary.asa_s.mean: expected a number or null, got a string");
    expect_edit_error(0, edit_ci95_missing, NULL, "call_types.billing.offered: missing key 'ci95'");
    expect_edit_error(0, edit_replications_zero, "0,\n  \"summary\"",
                      "replications: expected an integer from 1 to");
    expect_edit_error(0, edit_seed_negative, "-3",
                      "seed: expected an integer from 0 to 18446744073709551615, got -3");
    expect_edit_error(0, edit_steady_with_intervals, "[\n    {}",
                      "intervals: a steady-state horizon has no intervals, found 1");
    expect_edit_error(0, edit_erlang_model, "\"MARK\"",
                      "erlang.model: expected \"b\", \"c\" or \"a\", got \"MARK\"");
    expect_edit_error(0, edit_erlang_a_no_patience, "null,\n    \"agents\"",
                      "erlang.patience_s: Erlang A needs a positive mean patience");
    expect_edit_error(0, edit_series_short, NULL,
                      "series.queue_len.p90: expected 5 values (as many as mean), found 4");
    expect_edit_error(0, edit_horizon_both, NULL, "setup.horizon: has keys of an operating day");
    expect_edit_error(0, edit_type_name_empty, NULL, "a call type needs a name");
    expect_edit_error(0, edit_tier_zero, NULL,
                      "setup.agent_groups.csr1.tier: expected an integer from 1 to 100, got 0");
    expect_edit_error(0, edit_setup_group_missing, NULL,
                      "setup.agent_groups: missing agent group 'csr1'");
    expect_edit_error(3, edit_interval_missing, NULL,
                      "intervals: expected 3 intervals (08:00 to 09:30, 1800 s each), found 2");
    expect_edit_error(3, edit_interval_start, "\"08:45\"",
                      "intervals[2].start: expected \"09:00\"");
    expect_edit_error(3, edit_interval_unknown_type, "\"MARK\"",
                      "intervals[0].call_types.MARK: unknown call type (not in call_types)");
}

/* Unknown keys are read past with a warning, located. */
static void
test_unknown_keys_warn(void **state)
{
    (void)state;
    json_t *root = fixture_tree(0);
    json_object_set_new(root, "extra", json_true());
    json_object_set_new(path_get(root, "summary", NULL, NULL), "occupancy_x", json_object());
    json_object_set_new(path_get(root, "call_types", "billing", NULL), "occupancy", json_object());
    char *text = dump(root);
    struct doc d;
    doc_read(&d, text, strlen(text));
    assert_int_equal(d.rc, 0);
    assert_int_equal(d.diags.n, 3);
    assert_int_equal(d.diags.n_errors, 0);
    unsigned line, col;
    position_of(text, "\"extra\"", &line, &col);
    bool seen = false;
    for (size_t i = 0; i < d.diags.n; i++) {
        const struct acd_diag *x = &d.diags.v[i];
        assert_int_equal(x->level, ACD_DIAG_WARNING);
        seen = seen || (strcmp(x->msg, "extra: unknown key (ignored)") == 0 && x->line == line &&
                        x->col == col);
    }
    assert_true(seen);
    doc_fini(&d);
    free(text);
    json_decref(root);
}

static void
test_file(void **state)
{
    (void)state;
    struct acd_results *r;
    struct acd_diags diags;
    acd_diags_init(&diags);
    assert_int_equal(acd_results_read_json("/nonexistent/results.json", &r, &diags), -1);
    assert_null(r);
    assert_int_equal(diags.n_errors, 1);
    assert_string_equal(diags.v[0].file, "/nonexistent/results.json");
    assert_non_null(strstr(diags.v[0].msg, "cannot open"));
    acd_diags_fini(&diags);

    struct fixture *f = fixture_new(2, 2, 2);
    char path[] = "/tmp/test_results_read_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *out = fdopen(fd, "w");
    assert_non_null(out);
    assert_int_equal(acd_format_find("json")->write(out, &f->r, NULL), 0);
    assert_int_equal(fclose(out), 0);
    acd_diags_init(&diags);
    assert_int_equal(acd_results_read_json(path, &r, &diags), 0);
    assert_string_equal(r->setup.path, path);
    assert_same_outputs(&f->r, r, false);
    acd_results_free(r);
    acd_diags_fini(&diags);
    unlink(path);
    fixture_free(f);
}

/* ------------------------------------------------------------------- fuzz */

#define ITER_TREE 400

/* xorshift64*: deterministic, so a failing case can be replayed. */
static uint64_t
rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

static size_t
rnd_below(uint64_t *s, size_t n)
{
    return n ? (size_t)(rnd(s) % n) : 0;
}

/* Read text; whatever happens, no crash. Accepted documents must be
 * writable in every format, and what is written must read back to the
 * same document (a fixed point); refused ones must say why, located.
 * Returns whether it was accepted. */
static bool
fuzz_one(const char *text, size_t len)
{
    struct doc d;
    doc_read(&d, text, len);
    if (d.rc != 0) {
        assert_null(d.r);
        assert_true(d.diags.n_errors > 0);
        for (size_t i = 0; i < d.diags.n; i++)
            assert_true(d.diags.v[i].line >= 1);
        doc_fini(&d);
        return false;
    }
    for (size_t i = 0; acd_formats[i]; i++)
        free(render_format(acd_formats[i]->name, d.r, false));
    for (size_t i = 0; acd_report_files[i].name; i++)
        free(render(acd_report_files[i].write, d.r, false));
    char *json = render_format("json", d.r, false);
    struct doc again;
    doc_read(&again, json, strlen(json));
    print_diags(&again.diags);
    assert_int_equal(again.rc, 0);
    char *json2 = render_format("json", again.r, false);
    assert_string_equal(json, json2);
    free(json);
    free(json2);
    doc_fini(&again);
    doc_fini(&d);
    return true;
}

/* Every prefix of a document is refused (a results document is one
 * object: no proper prefix is complete), and never crashes. */
static void
test_fuzz_truncations(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(1, 1, 0);
    char *json = render_format("json", &f->r, true);
    size_t len = strlen(json);
    /* The last bytes are "}\n": without the newline it is still whole.
     * Every cut in the first and last kilobytes (the header, setup, run),
     * every third one between (the same scope layout over and over). */
    for (size_t n = 0; n + 1 < len; n += n < 1024 || n + 1024 > len ? 1 : 3)
        assert_false(fuzz_one(json, n));
    assert_true(fuzz_one(json, len - 1));
    free(json);
    fixture_free(f);
}

/* Random byte edits: flip, delete, insert structural characters. */
static void
test_fuzz_bytes(void **state)
{
    (void)state;
    static const char alphabet[] = "{}[]\":,0123456789.-eE \nnultrfas\\";
    struct fixture *f = fixture_new(1, 1, 1);
    char *json = render_format("json", &f->r, true);
    size_t len = strlen(json);
    char *buf = acd_xmalloc(len + 8);
    uint64_t seed = 0x9E3779B97F4A7C15ULL;
    for (int iter = 0; iter < 1000; iter++) {
        memcpy(buf, json, len);
        size_t n = len;
        int edits = 1 + (int)rnd_below(&seed, 3);
        for (int e = 0; e < edits; e++) {
            size_t at = rnd_below(&seed, n);
            switch (rnd_below(&seed, 3)) {
            case 0:
                buf[at] = alphabet[rnd_below(&seed, sizeof(alphabet) - 1)];
                break;
            case 1:
                memmove(buf + at, buf + at + 1, n - at - 1);
                n--;
                break;
            default:
                memmove(buf + at + 1, buf + at, n - at);
                buf[at] = alphabet[rnd_below(&seed, sizeof(alphabet) - 1)];
                n++;
                break;
            }
        }
        fuzz_one(buf, n);
    }
    free(buf);
    free(json);
    fixture_free(f);
}

/* A node of the tree and where it hangs, for replacing it. */
struct node {
    json_t *parent; /* NULL: the root */
    const char *key;
    size_t index;
};

static void
collect(json_t *parent, json_t *v, const char *key, size_t index, struct node **nodes, size_t *n,
        size_t *cap)
{
    *nodes = acd_xgrow(*nodes, cap, *n + 1, sizeof(**nodes));
    (*nodes)[(*n)++] = (struct node){parent, key, index};
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x)
        {
            collect(v, x, k, 0, nodes, n, cap);
        }
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            collect(v, json_array_get(v, i), NULL, i, nodes, n, cap);
    }
}

static json_t *
random_value(uint64_t *s)
{
    switch (rnd_below(s, 12)) {
    case 0:
        return json_null();
    case 1:
        return json_true();
    case 2:
        return json_string("07:30");
    case 3:
        return json_string("");
    case 4:
        return json_integer(-1);
    case 5:
        return json_integer(0);
    case 6:
        return json_integer(INT64_MAX);
    case 7:
        return json_real(1e300);
    case 8:
        return json_real(-0.5);
    case 9:
        return json_array();
    case 10:
        return json_object();
    default:
        return json_real(1800.0);
    }
}

/* Random edits of the tree: replace a value, delete a member or element,
 * duplicate one under a new name. The documents stay valid JSON, so these
 * reach the structural checks. */
static void
test_fuzz_tree(void **state)
{
    (void)state;
    uint64_t seed = 0xD1B54A32D192ED03ULL;
    int accepted = 0;
    for (int iter = 0; iter < ITER_TREE; iter++) {
        json_t *root = fixture_tree(iter % 2 ? 2 : 0);
        int edits = 1 + (int)rnd_below(&seed, 2);
        for (int e = 0; e < edits; e++) {
            struct node *nodes = NULL;
            size_t n = 0, cap = 0;
            collect(NULL, root, NULL, 0, &nodes, &n, &cap);
            struct node *x = &nodes[1 + rnd_below(&seed, n - 1)];
            size_t what = rnd_below(&seed, 4);
            if (json_is_object(x->parent)) {
                if (what == 0)
                    json_object_del(x->parent, x->key);
                else if (what == 1)
                    json_object_set(x->parent, "zz", json_object_get(x->parent, x->key));
                else
                    json_object_set_new(x->parent, x->key, random_value(&seed));
            } else {
                if (what == 0)
                    json_array_remove(x->parent, x->index);
                else if (what == 1)
                    json_array_append(x->parent, json_array_get(x->parent, x->index));
                else
                    json_array_set_new(x->parent, x->index, random_value(&seed));
            }
            free(nodes);
        }
        char *text = dump(root);
        accepted += fuzz_one(text, strlen(text));
        free(text);
        json_decref(root);
    }
    /* Some edits are harmless (a value that is still valid, an unknown
     * key): both outcomes must have been exercised. */
    assert_true(accepted > 0 && accepted < ITER_TREE);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_day),
        cmocka_unit_test(test_round_trip_steady),
        cmocka_unit_test(test_round_trip_empty),
        cmocka_unit_test(test_features),
        cmocka_unit_test(test_features_unknown),
        cmocka_unit_test(test_old_documents),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_unknown_keys_warn),
        cmocka_unit_test(test_file),
        cmocka_unit_test(test_fuzz_truncations),
        cmocka_unit_test(test_fuzz_bytes),
        cmocka_unit_test(test_fuzz_tree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
