/*
 * expect: `--assert EXPR` checks, `[SCOPE.]METRIC OP NUMBER`, parsed and
 * checked against the scenario before anything runs (so a typo costs no
 * simulation time), then evaluated on the means of the results.
 *
 * Not here: the results lookup for other clients (run.c owns
 * acd_results_lookup); this module resolves scopes by name itself, in the
 * results' setup (run.h): the scenario is read only to check names before
 * a run, through the same setup the run will make of it.
 */
#include "expect.h"
#include "util.h"
#include "verdict.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct op_def {
    const char *text;
    bool (*holds)(double x, double bound);
};

static bool
op_ge(double x, double b)
{
    return x >= b;
}
static bool
op_le(double x, double b)
{
    return x <= b;
}
static bool
op_gt(double x, double b)
{
    return x > b;
}
static bool
op_lt(double x, double b)
{
    return x < b;
}

/* Two-character operators first, so ">=" is not read as ">". */
static const struct op_def ops[] = {
    [ACD_OP_GE] = {.text = ">=", .holds = op_ge},
    [ACD_OP_LE] = {.text = "<=", .holds = op_le},
    [ACD_OP_GT] = {.text = ">", .holds = op_gt},
    [ACD_OP_LT] = {.text = "<", .holds = op_lt},
};

static const char grammar[] =
    "expected [SCOPE.]METRIC OP NUMBER with OP one of >=, <=, >, <, or 'targets'";

/* Metrics that may be held to the service-level goal (`>= target`). */
static bool
has_sl_goal(enum acd_metric m)
{
    return m == ACD_M_SERVICE_LEVEL || m == ACD_M_SERVICE_LEVEL_ANSWERED ||
           m == ACD_M_SERVICE_LEVEL_CUSTOMER;
}

/* Copy s[0..n) without surrounding white space into a new string. */
static char *
strip_dup(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s))
        s++, n--;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return acd_xstrndup(s, n);
}

/* The closest candidate if it is a plausible typo, else NULL. */
static const char *
suggest(const char *word, const char *const *cands, size_t n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        size_t d = acd_edit_distance(word, cands[i]);
        if (d < best_d)
            best = cands[i], best_d = d;
    }
    size_t len = strlen(word);
    return best && best_d <= (len < 6 ? 2 : len / 3) ? best : NULL;
}

static void
unknown_metric(const char *key, char *err, size_t errlen)
{
    const char *keys[ACD_METRIC_COUNT];
    for (int m = 0; m < ACD_METRIC_COUNT; m++)
        keys[m] = acd_metrics[m].key;
    const char *s = suggest(key, keys, ACD_METRIC_COUNT);
    if (s) {
        snprintf(err, errlen, "unknown metric '%s' (did you mean '%s'?)", key, s);
        return;
    }
    int n = snprintf(err, errlen, "unknown metric '%s'; known metrics:", key);
    for (int m = 0; m < ACD_METRIC_COUNT && n >= 0 && (size_t)n < errlen; m++)
        n += snprintf(err + n, errlen - (size_t)n, "%s %s", m ? "," : "", acd_metrics[m].key);
}

/* Parse the bound: a finite number, or a percentage for ratio metrics. */
static int
parse_bound(const char *s, enum acd_metric m, double *out, char *err, size_t errlen)
{
    char *end;
    double v = strtod(s, &end);
    bool pct = end != s && *end == '%' && end[1] == '\0';
    if (end == s || (*end && !pct) || !isfinite(v)) {
        snprintf(err, errlen, "expected a number after the operator, got '%s'", s);
        return -1;
    }
    if (pct && !acd_metrics[m].is_ratio) {
        snprintf(err, errlen, "'%s' is not a ratio; give the bound without '%%'",
                 acd_metrics[m].key);
        return -1;
    }
    *out = pct ? v / 100.0 : v;
    return 0;
}

int
acd_expect_parse(const char *text, struct acd_expect *e, char *err, size_t errlen)
{
    memset(e, 0, sizeof(*e));
    char *whole = strip_dup(text, strlen(text));
    bool all = strcmp(whole, "targets") == 0;
    free(whole);
    if (all) { /* every goal of the verdict */
        e->text = acd_xstrdup(text);
        e->targets = true;
        e->metric = ACD_M_SERVICE_LEVEL;
        e->op = ACD_OP_GE;
        return 0;
    }
    const char *at = strpbrk(text, "<>=!");
    if (!at) {
        snprintf(err, errlen, "%s", grammar);
        return -1;
    }
    int op = -1;
    for (size_t i = 0; i < ACD_ARRAY_LEN(ops); i++)
        if (strncmp(at, ops[i].text, strlen(ops[i].text)) == 0) {
            op = (int)i;
            break;
        }
    size_t op_len = op >= 0 ? strlen(ops[op].text) : 0;
    if (op < 0 || (at[op_len] && strchr("<>=!", at[op_len]))) {
        size_t n = strspn(at, "<>=!");
        snprintf(err, errlen, "unsupported operator '%.*s'; use one of >=, <=, >, <", (int)n, at);
        return -1;
    }

    char *lhs = strip_dup(text, (size_t)(at - text));
    char *rhs = strip_dup(at + op_len, strlen(at + op_len));
    char *scope = NULL;
    const char *key = lhs;
    /* Metric keys hold no dots, so the last dot splits scope and metric and
     * a scope name may itself contain dots. */
    char *dot = strrchr(lhs, '.');
    if (dot) {
        *dot = '\0';
        scope = strip_dup(lhs, strlen(lhs));
        key = dot + 1;
        while (isspace((unsigned char)*key))
            key++;
    }
    enum acd_metric m = ACD_METRIC_COUNT;
    if (!*key || (scope && !*scope)) {
        snprintf(err, errlen, "%s", grammar);
        goto fail;
    }
    m = acd_stats_metric_find(key);
    if (m == ACD_METRIC_COUNT) {
        unknown_metric(key, err, errlen);
        goto fail;
    }
    if (!*rhs) {
        snprintf(err, errlen, "expected a number after '%s'", ops[op].text);
        goto fail;
    }
    if (strcmp(rhs, "target") == 0) {
        if (!has_sl_goal(m)) {
            snprintf(err, errlen, "'target' is the service level's goal; give a number for '%s'",
                     acd_metrics[m].key);
            goto fail;
        }
        e->to_target = true;
        e->value = ACD_NAN;
    } else if (parse_bound(rhs, m, &e->value, err, errlen) != 0)
        goto fail;

    e->text = acd_xstrdup(text);
    e->scope = scope;
    e->metric = m;
    e->op = (enum acd_expect_op)op;
    free(lhs);
    free(rhs);
    return 0;
fail:
    free(scope);
    free(lhs);
    free(rhs);
    memset(e, 0, sizeof(*e));
    return -1;
}

void
acd_expect_fini(struct acd_expect *e)
{
    if (!e)
        return;
    free(e->text);
    free(e->scope);
    memset(e, 0, sizeof(*e));
}

/* Where a scoped assertion points: a call type or an agent group. A name
 * used by both resolves to whichever the metric applies to (call type
 * first). Returns the ACD_SCOPE_* kind and the index, or 0. */
static unsigned
resolve(const struct acd_setup *st, const char *scope, enum acd_metric m, size_t *idx)
{
    size_t type = SIZE_MAX, group = SIZE_MAX;
    for (size_t k = 0; k < st->n_call_types && type == SIZE_MAX; k++)
        if (strcmp(st->call_types[k].name, scope) == 0)
            type = k;
    for (size_t g = 0; g < st->n_groups && group == SIZE_MAX; g++)
        if (strcmp(st->groups[g].name, scope) == 0)
            group = g;
    unsigned applies = acd_metrics[m].scopes;
    if (type != SIZE_MAX && (applies & ACD_SCOPE_TYPE || group == SIZE_MAX)) {
        *idx = type;
        return ACD_SCOPE_TYPE;
    }
    if (group != SIZE_MAX) {
        *idx = group;
        return ACD_SCOPE_GROUP;
    }
    return 0;
}

static const char *
scope_kind_name(unsigned kind)
{
    return kind == ACD_SCOPE_TYPE    ? "call type"
           : kind == ACD_SCOPE_GROUP ? "agent group"
                                     : "center";
}

static void
unknown_scope(const struct acd_setup *st, const char *scope, char *err, size_t errlen)
{
    size_t n = st->n_call_types + st->n_groups;
    const char **names = acd_xcalloc(n ? n : 1, sizeof(*names));
    for (size_t k = 0; k < st->n_call_types; k++)
        names[k] = st->call_types[k].name;
    for (size_t g = 0; g < st->n_groups; g++)
        names[st->n_call_types + g] = st->groups[g].name;
    const char *s = suggest(scope, names, n);
    if (s)
        snprintf(err, errlen, "unknown call type or agent group '%s' (did you mean '%s'?)", scope,
                 s);
    else
        snprintf(err, errlen, "unknown call type or agent group '%s'", scope);
    free(names);
}

int
acd_expect_check(const struct acd_expect *e, const struct acd_scenario *sc, char *err,
                 size_t errlen)
{
    const struct acd_metric_def *d = &acd_metrics[e->metric];
    if (e->targets)
        return 0;
    if (!e->scope) {
        if (d->scopes & ACD_SCOPE_CENTER)
            return 0;
        snprintf(err, errlen, "metric '%s' needs a scope: a call type or agent group", d->key);
        return -1;
    }
    /* The names as the results will carry them (run.h). */
    struct acd_setup st;
    acd_setup_from_scenario(&st, sc);
    size_t idx;
    unsigned kind = resolve(&st, e->scope, e->metric, &idx);
    int rc = 0;
    if (!kind) {
        unknown_scope(&st, e->scope, err, errlen);
        rc = -1;
    } else if (!(d->scopes & kind)) {
        snprintf(err, errlen, "metric '%s' does not apply to %s '%s'", d->key,
                 scope_kind_name(kind), e->scope);
        rc = -1;
    }
    acd_setup_fini(&st);
    return rc;
}

/* The estimate an assertion is about, or NULL if its scope is unknown. */
static const struct acd_estimate *
lookup(const struct acd_expect *e, const struct acd_results *r)
{
    if (!e->scope)
        return &r->summary.metric[e->metric];
    size_t idx;
    unsigned kind = resolve(&r->setup, e->scope, e->metric, &idx);
    if (kind == ACD_SCOPE_TYPE)
        return &r->types[idx].metric[e->metric];
    if (kind == ACD_SCOPE_GROUP)
        return &r->groups[idx].metric[e->metric];
    return NULL;
}

/* The measured mean with just enough digits that the printed number itself
 * visibly violates the bound (0.9995 for 0.99948 against >= 0.9995 would
 * mislead). */
static void
format_measured(const struct acd_expect *e, double x, char *buf, size_t n)
{
    for (int p = 4; p <= 17; p++) {
        snprintf(buf, n, "%.*g", p, x);
        if (ops[e->op].holds(strtod(buf, NULL), e->value) == ops[e->op].holds(x, e->value))
            return;
    }
}

/* The bound of `>= target`: the scope's call type's own service-level
 * target, else the center's; NaN without a known setup. */
static double
target_of(const struct acd_expect *e, const struct acd_results *r)
{
    const struct acd_setup *st = &r->setup;
    if (!st->known)
        return ACD_NAN;
    size_t idx;
    if (e->scope && resolve(st, e->scope, e->metric, &idx) == ACD_SCOPE_TYPE)
        return st->call_types[idx].sl_target;
    return st->sl_target;
}

/* One goal of `targets` against its scope: a line for each one missed or
 * not measurable; returns whether it failed. */
static bool
target_failed(const struct acd_expect *e, const struct acd_target *t,
              const struct acd_scope_result *s, FILE *out)
{
    if (isnan(t->bound))
        return false; /* goal not given */
    enum acd_verdict v = acd_verdict_target(t, s);
    if (v == ACD_VERDICT_MET)
        return false;
    double x = s->metric[t->metric].mean;
    if (v == ACD_VERDICT_NA)
        fprintf(out, "acdsim: assertion failed: %s: %s %s %.4g: not measured\n", e->text, t->what,
                t->at_least ? ">=" : "<=", t->bound);
    else
        fprintf(out, "acdsim: assertion failed: %s: %s %s %.4g: measured %.4g ± %.2g\n", e->text,
                t->what, t->at_least ? ">=" : "<=", t->bound, x, s->metric[t->metric].ci95);
    return true;
}

/* `targets`: every goal of the verdict (the center's and each call type's
 * own service level); true when one failed. */
static bool
targets_failed(const struct acd_expect *e, const struct acd_results *r, FILE *out)
{
    struct acd_target t[ACD_N_TARGETS];
    char sl_what[ACD_SL_WHAT], what[ACD_SL_WHAT];
    if (!r->setup.known) {
        fprintf(out, "acdsim: assertion failed: %s: no scenario, no targets\n", e->text);
        return true;
    }
    acd_verdict_targets(&r->setup, t, sl_what);
    bool failed = false;
    for (size_t i = 0; i < ACD_N_TARGETS; i++)
        failed |= target_failed(e, &t[i], &r->summary, out);
    struct acd_target tt;
    for (size_t k = 0; r->types && k < r->setup.n_call_types; k++)
        if (acd_verdict_type_target(&r->setup, k, &tt, what))
            failed |= target_failed(e, &tt, &r->types[k], out);
    return failed;
}

size_t
acd_expect_eval(const struct acd_expect *e, size_t n, const struct acd_results *r, FILE *out)
{
    size_t failed = 0;
    for (size_t i = 0; i < n; i++) {
        if (e[i].targets) {
            failed += targets_failed(&e[i], r, out);
            continue;
        }
        struct acd_expect one = e[i];
        if (one.to_target)
            one.value = target_of(&one, r);
        const struct acd_estimate *est = lookup(&e[i], r);
        if (est && !isnan(est->mean) && !isnan(one.value) &&
            ops[e[i].op].holds(est->mean, one.value))
            continue;
        failed++;
        char with_target[512];
        if (one.to_target) { /* name the bound the word stood for */
            snprintf(with_target, sizeof(with_target), "%s (target %.4g)", e[i].text, one.value);
            one.text = with_target;
        }
        if (!est) {
            fprintf(out, "acdsim: assertion failed: %s: unknown scope '%s'\n", e[i].text,
                    e[i].scope);
            continue;
        }
        if (isnan(one.value)) {
            fprintf(out, "acdsim: assertion failed: %s: no service-level target known\n",
                    e[i].text);
            continue;
        }
        if (isnan(est->mean)) {
            fprintf(out,
                    "acdsim: assertion failed: %s: not measured (undefined in all %u "
                    "replications)\n",
                    one.text, r->replications);
            continue;
        }
        char mean[40];
        format_measured(&one, est->mean, mean, sizeof(mean));
        unsigned reps = est->n ? est->n : r->replications;
        if (isnan(est->ci95))
            fprintf(out, "acdsim: assertion failed: %s: measured %s (no CI: %u replication%s)\n",
                    one.text, mean, reps, reps == 1 ? "" : "s");
        else
            fprintf(out,
                    "acdsim: assertion failed: %s: measured %s ± %.2g (95%% CI over %u "
                    "replications)\n",
                    one.text, mean, est->ci95, reps);
    }
    return failed;
}
