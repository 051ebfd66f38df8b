/*
 * cli_erlang: `acdsim erlang b|c|a [options]`, the analytic figures of
 * erlang.h for one staffing level, or the smallest staff that meets the
 * given targets, as an aligned text table or JSON with the interface's
 * metric keys. Option errors are collected and reported together
 * (exit 2, nothing on stdout). No simulation happens here.
 */
#include "cli.h"

#include "acdsim/erlang.h"
#include "display.h"
#include "units.h"
#include "util.h"
#include "verdict.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ACD_ERLANG_CLI_MAX_AGENTS             1000000ULL
#define ACD_ERLANG_CLI_DEFAULT_SL_THRESHOLD_S 20.0

enum {
    OPT_RATE = 256,
    OPT_AHT,
    OPT_AGENTS,
    OPT_PATIENCE,
    OPT_QUEUE_CAPACITY,
    OPT_SL_THRESHOLD,
    OPT_TARGET_SL,
    OPT_SL_DEFINITION,
    OPT_MAX_ABANDON,
    OPT_MAX_ASA,
    OPT_MAX_OCCUPANCY,
    OPT_MAX_BLOCKED,
};

static const char usage_text[] =
    "Usage: acdsim erlang b|c|a [options]\n"
    "\n"
    "Exact steady-state figures for one queue with Poisson arrivals and\n"
    "exponential handle times:\n"
    "  b   Erlang B (M/M/c/c): no queue, blocked calls are lost\n"
    "  c   Erlang C (M/M/c): callers wait as long as it takes;\n"
    "      with --queue-capacity Q it is M/M/c/K with K = agents + Q\n"
    "  a   Erlang A (M/M/c+M): callers abandon after an exponential patience;\n"
    "      --queue-capacity limits the waiting places\n"
    "\n"
    "Options:\n"
    "  --rate R            arrival rate: 2/s, 120/min, 7200/h (bare number: per second)\n"
    "  --aht S             mean handle time: 240, 4m, 00:04:00 (bare number: seconds)\n"
    "  --agents N          number of agents (omit to find the minimum meeting the targets)\n"
    "  --patience S        mean patience (required for a; not for b or c)\n"
    "  --queue-capacity Q  waiting places (c and a; default unlimited)\n"
    "  --sl-threshold S    service-level threshold T (default 20s)\n"
    "  -f, --format F      text (default) or json\n"
    "\n"
    "Targets (with --agents: checked; without: the minimum number of agents\n"
    "meeting all of them is found and shown):\n"
    "  --target-sl P       service level of at least P (0.8 or 80%)\n"
    "  --sl-definition D   offered (default: answered within T / offered calls)\n"
    "                      or answered (answered within T / answered calls)\n"
    "  --max-abandon A     abandon rate of at most A (Erlang A)\n"
    "  --max-asa S         mean wait of answered calls of at most S\n"
    "  --max-occupancy O   agent occupancy of at most O\n"
    "  --max-blocked B     blocked rate of at most B\n"
    "  -h, --help          show this help\n"
    "\n"
    "Ratios are per offered call (blocked calls included). Examples:\n"
    "  acdsim erlang c --rate 360/30min --aht 4m --agents 55\n"
    "  acdsim erlang c --rate 0.2/s --aht 240 --target-sl 80%\n"
    "  acdsim erlang a --rate 2/s --aht 50 --patience 2m --target-sl 0.8 --max-abandon 5%\n";

/* Collected option errors, printed together. */
struct errors {
    char **v;
    size_t n, cap;
};

static void add_error(struct errors *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
add_error(struct errors *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    ACD_ASSERT(len >= 0);
    char *s = acd_xmalloc((size_t)len + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)len + 1, fmt, ap);
    va_end(ap);
    e->v = acd_xgrow(e->v, &e->cap, e->n + 1, sizeof *e->v);
    e->v[e->n++] = s;
}

static void
free_errors(struct errors *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->v[i]);
    free(e->v);
}

/* Everything the command line said, parsed but not yet cross-checked. */
struct erlang_opts {
    enum acd_erlang_model model;
    bool have_model;
    double rate_per_s, aht_s, patience_s, sl_threshold_s;
    bool have_rate, have_aht, have_patience;
    unsigned agents;
    bool have_agents;
    long queue_capacity; /* -1: unlimited */
    bool json;
    bool help;
    int n_option_errors; /* reported already, by acd_cli_parse_options */
    struct acd_erlang_targets targets;
};

/* The shared option parser's state (cli_opts.c): it counts errors in c
 * and hands the setters this struct. */
struct erlang_parse {
    struct acd_cli_common c; /* first, as acd_cli_parse_options requires */
    struct erlang_opts *o;
};

static struct erlang_opts *
opts_of(void *p)
{
    return ((struct erlang_parse *)p)->o;
}

static int
set_rate(void *p, const char *arg, char *err, size_t errlen)
{
    double v;
    if (acd_units_parse_rate(arg, &v) < 0) {
        snprintf(err, errlen,
                 "expected a rate such as 2/s or 120/min (bare numbers are per second), got '%s'",
                 arg);
        return -1;
    }
    if (!(v > 0.0)) {
        snprintf(err, errlen, "must be positive, got '%s'", arg);
        return -1;
    }
    opts_of(p)->rate_per_s = v;
    return 0;
}

static int
set_aht(void *p, const char *arg, char *err, size_t errlen)
{
    return acd_cli_parse_duration(arg, true, &opts_of(p)->aht_s, err, errlen);
}

static int
set_patience(void *p, const char *arg, char *err, size_t errlen)
{
    return acd_cli_parse_duration(arg, true, &opts_of(p)->patience_s, err, errlen);
}

static int
set_sl_threshold(void *p, const char *arg, char *err, size_t errlen)
{
    return acd_cli_parse_duration(arg, false, &opts_of(p)->sl_threshold_s, err, errlen);
}

static int
set_max_asa(void *p, const char *arg, char *err, size_t errlen)
{
    return acd_cli_parse_duration(arg, false, &opts_of(p)->targets.max_asa_s, err, errlen);
}

static int
set_agents(void *p, const char *arg, char *err, size_t errlen)
{
    unsigned long long v;
    if (acd_cli_parse_positive(arg, ACD_ERLANG_CLI_MAX_AGENTS, &v, err, errlen) != 0)
        return -1;
    opts_of(p)->agents = (unsigned)v;
    return 0;
}

static int
set_queue_capacity(void *p, const char *arg, char *err, size_t errlen)
{
    unsigned long long v;
    if (acd_cli_parse_uint(arg, 0, (unsigned long long)LONG_MAX, &v) != 0) {
        snprintf(err, errlen, "expected a whole number of waiting places, got '%s'", arg);
        return -1;
    }
    opts_of(p)->queue_capacity = (long)v;
    return 0;
}

static int
set_target_sl(void *p, const char *arg, char *err, size_t errlen)
{
    return acd_cli_parse_fraction(arg, false, &opts_of(p)->targets.service_level, err, errlen);
}

static int
set_max_abandon(void *p, const char *arg, char *err, size_t errlen)
{
    return acd_cli_parse_fraction(arg, true, &opts_of(p)->targets.max_abandon, err, errlen);
}

static int
set_max_occupancy(void *p, const char *arg, char *err, size_t errlen)
{
    return acd_cli_parse_fraction(arg, false, &opts_of(p)->targets.max_occupancy, err, errlen);
}

static int
set_max_blocked(void *p, const char *arg, char *err, size_t errlen)
{
    return acd_cli_parse_fraction(arg, true, &opts_of(p)->targets.max_blocked, err, errlen);
}

static int
set_sl_definition(void *p, const char *arg, char *err, size_t errlen)
{
    if (strcmp(arg, "offered") == 0 || strcmp(arg, "answered") == 0) {
        opts_of(p)->targets.sl_over_answered = strcmp(arg, "answered") == 0;
        return 0;
    }
    snprintf(err, errlen, "expected 'offered' or 'answered', got '%s'", arg);
    return -1;
}

static int
set_format(void *p, const char *arg, char *err, size_t errlen)
{
    if (strcmp(arg, "text") == 0 || strcmp(arg, "json") == 0) {
        opts_of(p)->json = strcmp(arg, "json") == 0;
        return 0;
    }
    snprintf(err, errlen, "expected one of text, json, got '%s'", arg);
    return -1;
}

/* The help is usage_text, written by hand. */
static const struct acd_cli_opt erlang_opts[] = {
    {.name = "rate", .val = OPT_RATE, .metavar = "R", .set = set_rate},
    {.name = "aht", .val = OPT_AHT, .metavar = "S", .set = set_aht},
    {.name = "agents", .val = OPT_AGENTS, .metavar = "N", .set = set_agents},
    {.name = "patience", .val = OPT_PATIENCE, .metavar = "S", .set = set_patience},
    {.name = "queue-capacity",
     .val = OPT_QUEUE_CAPACITY,
     .metavar = "Q",
     .set = set_queue_capacity},
    {.name = "sl-threshold", .val = OPT_SL_THRESHOLD, .metavar = "S", .set = set_sl_threshold},
    {.name = "target-sl", .val = OPT_TARGET_SL, .metavar = "P", .set = set_target_sl},
    {.name = "sl-definition", .val = OPT_SL_DEFINITION, .metavar = "D", .set = set_sl_definition},
    {.name = "max-abandon", .val = OPT_MAX_ABANDON, .metavar = "A", .set = set_max_abandon},
    {.name = "max-asa", .val = OPT_MAX_ASA, .metavar = "S", .set = set_max_asa},
    {.name = "max-occupancy", .val = OPT_MAX_OCCUPANCY, .metavar = "O", .set = set_max_occupancy},
    {.name = "max-blocked", .val = OPT_MAX_BLOCKED, .metavar = "B", .set = set_max_blocked},
    {.name = "format", .val = 'f', .metavar = "F", .set = set_format},
    {.name = "help", .val = 'h', .set = acd_cli_set_help},
};

/* Options through the shared parser (which reports their errors at once),
 * then the model; operand errors go to e. */
static void
parse_args(int argc, char **argv, struct erlang_opts *o, struct errors *e)
{
    o->sl_threshold_s = ACD_ERLANG_CLI_DEFAULT_SL_THRESHOLD_S;
    o->queue_capacity = -1;
    o->patience_s = (double)NAN;
    o->targets = (struct acd_erlang_targets){(double)NAN, false,       (double)NAN,
                                             (double)NAN, (double)NAN, (double)NAN};

    struct erlang_parse p = {.o = o};
    int first =
        acd_cli_parse_options("erlang", erlang_opts, ACD_ARRAY_LEN(erlang_opts), &p, argc, argv);
    o->help = p.c.help;
    o->n_option_errors = p.c.n_errors;
    /* Given, even if invalid or without a value: "required" would only
     * repeat the error. */
    o->have_rate = acd_cli_given(&p.c, OPT_RATE);
    o->have_aht = acd_cli_given(&p.c, OPT_AHT);
    o->have_patience = acd_cli_given(&p.c, OPT_PATIENCE);
    o->have_agents = acd_cli_given(&p.c, OPT_AGENTS);

    for (int i = first; i < argc; i++) {
        const char *m = argv[i];
        if (o->have_model) {
            add_error(e, "unexpected argument '%s'", m);
        } else if (strcmp(m, "b") == 0 || strcmp(m, "B") == 0) {
            o->model = ACD_ERLANG_B;
            o->have_model = true;
        } else if (strcmp(m, "c") == 0 || strcmp(m, "C") == 0) {
            o->model = ACD_ERLANG_C;
            o->have_model = true;
        } else if (strcmp(m, "a") == 0 || strcmp(m, "A") == 0) {
            o->model = ACD_ERLANG_A;
            o->have_model = true;
        } else {
            add_error(e, "unknown model '%s' (expected b, c or a)", m);
            o->have_model = true; /* report it once, not again as missing */
        }
    }
}

static bool
has_targets(const struct acd_erlang_targets *t)
{
    return !isnan(t->service_level) || !isnan(t->max_abandon) || !isnan(t->max_asa_s) ||
           !isnan(t->max_occupancy) || !isnan(t->max_blocked);
}

/* Cross-option checks that need the model. */
static void
check_opts(const struct erlang_opts *o, struct errors *e)
{
    if (!o->have_model) {
        add_error(e, "expected a model: b, c or a (see 'acdsim erlang --help')");
        return;
    }
    if (!o->have_rate)
        add_error(e, "--rate: required (calls per second, e.g. 2/s or 120/min)");
    if (!o->have_aht)
        add_error(e, "--aht: required (mean handle time, e.g. 240 or 4m)");
    if (o->model == ACD_ERLANG_A && !o->have_patience)
        add_error(e, "--patience: required for Erlang A (mean time callers wait before hanging "
                     "up, e.g. 2m)");
    if (o->model != ACD_ERLANG_A && o->have_patience)
        add_error(e, "--patience: only Erlang A models abandonment; use 'acdsim erlang a'");
    if (o->model == ACD_ERLANG_B && o->queue_capacity >= 0)
        add_error(e, "--queue-capacity: Erlang B has no queue; use 'acdsim erlang c "
                     "--queue-capacity Q' for M/M/c/K");
    if (o->model != ACD_ERLANG_A && !isnan(o->targets.max_abandon))
        add_error(e,
                  "--max-abandon: nobody abandons in Erlang %s; use 'acdsim erlang a' with "
                  "--patience",
                  o->model == ACD_ERLANG_B ? "B" : "C");
    if (!o->have_agents && !has_targets(&o->targets))
        add_error(e, "--agents: required unless a target (--target-sl, --max-abandon, "
                     "--max-asa, --max-occupancy, --max-blocked) asks for the minimum");
}

/* ---------------------------------------------------------------------------
 * Output
 */

enum kind { K_NUMBER, K_RATIO, K_SECONDS, K_RATE };

struct row {
    const char *key;
    double value;
    enum kind kind;
};

#define ACD_ERLANG_CLI_ROWS 18

/* The result as (key, value) rows in report order. */
static void
result_rows(const struct acd_erlang_result *r, struct row rows[ACD_ERLANG_CLI_ROWS])
{
    const struct row all[] = {
        {"offered_load_erlangs", r->offered_load, K_NUMBER},
        {"service_level", r->service_level, K_RATIO},
        {"service_level_answered", r->service_level_answered, K_RATIO},
        {"answered_rate", r->answered_rate, K_RATIO},
        {"abandon_rate", r->abandon_rate, K_RATIO},
        {"blocked_rate", r->blocked_rate, K_RATIO},
        {"p_wait", r->p_wait, K_RATIO},
        {"asa_s", r->asa_s, K_SECONDS},
        {"mean_wait_s", r->mean_wait_s, K_SECONDS},
        {"mean_queue_len", r->mean_queue_len, K_NUMBER},
        {"occupancy", r->occupancy, K_RATIO},
        {"busy_agents", r->busy_agents, K_NUMBER},
        {"p_abandon_within_t", r->p_abandon_within_t, K_RATIO},
        {"p_wait_gt_t", r->p_wait_gt_t, K_RATIO},
        {"mean_wait_given_wait_s", r->mean_wait_given_wait_s, K_SECONDS},
        {"mean_wait_abandoned_s", r->mean_wait_abandoned_s, K_SECONDS},
        {"mean_in_system", r->mean_in_system, K_NUMBER},
        {"throughput_per_s", r->throughput_per_s, K_RATE},
    };
    _Static_assert(sizeof all / sizeof all[0] == ACD_ERLANG_CLI_ROWS, "row count");
    memcpy(rows, all, sizeof all);
}

static void appendf(char *buf, size_t n, size_t *k, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* printf at buf + *k, advancing *k; output past n is dropped. */
static void
appendf(char *buf, size_t n, size_t *k, const char *fmt, ...)
{
    if (*k >= n)
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(buf + *k, n - *k, fmt, ap);
    va_end(ap);
    if (w > 0)
        *k += (size_t)w;
}

static const char *
model_letter(enum acd_erlang_model m)
{
    return m == ACD_ERLANG_B ? "b" : m == ACD_ERLANG_C ? "c" : "a";
}

static void
describe_model(const struct acd_erlang_params *p, char *buf, size_t n)
{
    const char *name;
    switch (p->model) {
    case ACD_ERLANG_B:
        name = "Erlang B (M/M/c/c, blocked calls lost)";
        break;
    case ACD_ERLANG_C:
        name =
            p->queue_capacity >= 0 ? "Erlang C with a finite queue (M/M/c/K)" : "Erlang C (M/M/c)";
        break;
    default:
        name = p->queue_capacity >= 0 ? "Erlang A with a finite queue (M/M/c/K+M)"
                                      : "Erlang A (M/M/c+M)";
        break;
    }
    size_t k = 0;
    appendf(buf, n, &k, "%s: %.6g calls/s, AHT %.6g s", name, p->rate_per_s, p->aht_s);
    if (p->model == ACD_ERLANG_A)
        appendf(buf, n, &k, ", mean patience %.6g s", p->patience_s);
    if (p->model != ACD_ERLANG_B && p->queue_capacity >= 0)
        appendf(buf, n, &k, ", %ld waiting places", p->queue_capacity);
    appendf(buf, n, &k, ", %u agent%s", p->agents, p->agents == 1 ? "" : "s");
    if (p->model != ACD_ERLANG_B)
        appendf(buf, n, &k, ", SL threshold %.6g s", p->sl_threshold_s);
}

/* An exact figure as every report writes one (display.h). */
static void
format_value(double v, enum kind kind, char *buf, size_t n)
{
    static const enum acd_display_unit unit[] = {
        [K_NUMBER] = ACD_DISPLAY_NUMBER,
        [K_RATIO] = ACD_DISPLAY_SHARE,
        [K_SECONDS] = ACD_DISPLAY_SECONDS,
        [K_RATE] = ACD_DISPLAY_RATE,
    };
    acd_display_exact(unit[kind], v, buf, n);
}

static void
describe_targets(const struct acd_erlang_targets *t, char *buf, size_t n)
{
    size_t k = 0;
    buf[0] = '\0';
    if (!isnan(t->service_level))
        appendf(buf, n, &k, "%s >= %.4g %%",
                t->sl_over_answered ? "service_level_answered" : "service_level",
                100.0 * t->service_level);
    if (!isnan(t->max_abandon))
        appendf(buf, n, &k, "%sabandon_rate <= %.4g %%", k ? ", " : "", 100.0 * t->max_abandon);
    if (!isnan(t->max_asa_s))
        appendf(buf, n, &k, "%sasa_s <= %.6g s", k ? ", " : "", t->max_asa_s);
    if (!isnan(t->max_occupancy))
        appendf(buf, n, &k, "%soccupancy <= %.4g %%", k ? ", " : "", 100.0 * t->max_occupancy);
    if (!isnan(t->max_blocked))
        appendf(buf, n, &k, "%sblocked_rate <= %.4g %%", k ? ", " : "", 100.0 * t->max_blocked);
}

static void
print_text(const struct acd_erlang_params *p, const struct acd_erlang_targets *t, bool searched,
           const struct acd_erlang_result *r)
{
    char line[512];
    describe_model(p, line, sizeof line);
    printf("%s\n", line);
    if (has_targets(t)) {
        describe_targets(t, line, sizeof line);
        if (searched)
            printf("Minimum agents meeting every target (%s): %u\n", line, p->agents);
        else
            printf("Targets (%s): %s\n", line,
                   acd_verdict_looks[acd_erlang_meets_targets(r, t) ? ACD_VERDICT_MET
                                                                    : ACD_VERDICT_MISSED]
                       .text);
    }
    printf("\n");
    struct row rows[ACD_ERLANG_CLI_ROWS];
    result_rows(r, rows);
    for (size_t i = 0; i < ACD_ERLANG_CLI_ROWS; i++) {
        if (isnan(rows[i].value))
            continue; /* e.g. the abandoned calls' wait where nobody abandons */
        char v[64];
        format_value(rows[i].value, rows[i].kind, v, sizeof v);
        /* Pad so the decimal points line up whatever the unit suffix. */
        int suffix = rows[i].kind == K_NUMBER ? 0 : rows[i].kind == K_RATE ? 3 : 2;
        fputs("  ", stdout);
        acd_display_put_left(stdout, rows[i].key, 24);
        fputc(' ', stdout);
        acd_display_put_right(stdout, v, 16 + suffix);
        fputc('\n', stdout);
    }
}

static json_t *
json_num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static void
print_json(const struct acd_erlang_params *p, const struct acd_erlang_targets *t, bool searched,
           const struct acd_erlang_result *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "model", json_string(model_letter(p->model)));
    json_object_set_new(o, "rate_per_s", json_real(p->rate_per_s));
    json_object_set_new(o, "aht_s", json_real(p->aht_s));
    if (p->model == ACD_ERLANG_A)
        json_object_set_new(o, "patience_s", json_real(p->patience_s));
    if (p->model != ACD_ERLANG_B)
        json_object_set_new(o, "queue_capacity",
                            p->queue_capacity >= 0 ? json_integer(p->queue_capacity) : json_null());
    json_object_set_new(o, "agents", json_integer(p->agents));
    json_object_set_new(o, "sl_threshold_s", json_real(p->sl_threshold_s));
    if (has_targets(t)) {
        json_t *jt = json_object();
        if (!isnan(t->service_level)) {
            json_object_set_new(jt, "service_level", json_real(t->service_level));
            json_object_set_new(jt, "sl_definition",
                                json_string(t->sl_over_answered ? "answered" : "offered"));
        }
        if (!isnan(t->max_abandon))
            json_object_set_new(jt, "max_abandon", json_real(t->max_abandon));
        if (!isnan(t->max_asa_s))
            json_object_set_new(jt, "max_asa_s", json_real(t->max_asa_s));
        if (!isnan(t->max_occupancy))
            json_object_set_new(jt, "max_occupancy", json_real(t->max_occupancy));
        if (!isnan(t->max_blocked))
            json_object_set_new(jt, "max_blocked", json_real(t->max_blocked));
        json_object_set_new(o, "targets", jt);
        if (searched)
            json_object_set_new(o, "min_agents", json_integer(p->agents));
        json_object_set_new(o, "meets_targets", json_boolean(acd_erlang_meets_targets(r, t)));
    }
    struct row rows[ACD_ERLANG_CLI_ROWS];
    result_rows(r, rows);
    for (size_t i = 0; i < ACD_ERLANG_CLI_ROWS; i++)
        json_object_set_new(o, rows[i].key, json_num(rows[i].value));
    /* Default real precision is 17 significant digits: round-trips exactly. */
    json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(o);
}

int
acd_cli_erlang(int argc, char **argv)
{
    struct erlang_opts o = {0};
    struct errors e = {0};
    parse_args(argc, argv, &o, &e);
    if (o.help) {
        free_errors(&e);
        fputs(usage_text, stdout);
        return fflush(stdout) == 0 ? ACD_EXIT_OK : ACD_EXIT_RUNTIME;
    }
    check_opts(&o, &e);

    struct acd_erlang_params p = {
        .model = o.model,
        .rate_per_s = o.rate_per_s,
        .aht_s = o.aht_s,
        .patience_s = o.patience_s,
        .agents = o.agents,
        .queue_capacity = o.model == ACD_ERLANG_B ? 0 : o.queue_capacity,
        .sl_threshold_s = o.sl_threshold_s,
    };
    struct acd_erlang_result r;
    char msg[512];
    bool searched = false;
    if (e.n == 0 && o.n_option_errors == 0) {
        int rc;
        if (o.have_agents) {
            rc = acd_erlang_eval(&p, &r, msg, sizeof msg);
        } else {
            searched = true;
            rc = acd_erlang_min_agents(&p, &o.targets, &p.agents, msg, sizeof msg);
            if (rc == 0)
                rc = acd_erlang_eval(&p, &r, msg, sizeof msg);
        }
        if (rc < 0)
            add_error(&e, "%s", msg);
    }
    if (e.n > 0 || o.n_option_errors > 0) {
        for (size_t i = 0; i < e.n; i++)
            fprintf(stderr, "acdsim erlang: error: %s\n", e.v[i]);
        acd_cli_try_help("erlang");
        free_errors(&e);
        return ACD_EXIT_USAGE;
    }
    free_errors(&e);

    if (o.json)
        print_json(&p, &o.targets, searched, &r);
    else
        print_text(&p, &o.targets, searched, &r);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "acdsim erlang: error: writing the output: %s\n", strerror(errno));
        return ACD_EXIT_RUNTIME;
    }
    return ACD_EXIT_OK;
}
