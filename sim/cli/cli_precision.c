/*
 * cli_precision: `--precision [SCOPE.]METRIC=HW` and `--max-replications N`,
 * shared by the commands that run replications: the goals parsed and
 * checked against the scenario before anything runs (every error at once,
 * located on the option's text, with did-you-mean for metrics and scopes),
 * the memory guard at the maximum, and the run with its progress lines.
 *
 * HW is in the metric's unit: a ratio as 0.01 or 1% (a fraction, so 1% is
 * one percentage point), a time as a duration (2, 2s, 0.5m), anything else
 * as a plain number. SCOPE is a call type or an agent group, as in
 * --assert. The rule that decides when to stop is the engine's
 * (precision.h).
 */
#include "acdsim/precision.h"
#include "acdsim/run.h"
#include "acdsim/scenario.h"
#include "cli.h"
#include "display.h"
#include "escape.h"
#include "expect.h"
#include "units.h"
#include "util.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char grammar[] =
    "expected [SCOPE.]METRIC=HALF_WIDTH, e.g. service_level=0.01 or billing.asa_s=2s";

int
acd_cli_add_precision(void *a, const char *arg, char *err, size_t errlen)
{
    struct acd_cli_common *c = a;
    (void)err, (void)errlen;
    c->precision =
        acd_xgrow(c->precision, &c->cap_precision, c->n_precision + 1, sizeof(*c->precision));
    c->precision[c->n_precision++] = (char *)arg;
    return 0; /* parsed once the scenario is known */
}

int
acd_cli_set_max_replications(void *a, const char *arg, char *err, size_t errlen)
{
    struct acd_cli_common *c = a;
    unsigned long long v;
    if (acd_cli_parse_positive(arg, ACD_CLI_MAX_REPLICATIONS, &v, err, errlen) != 0)
        return -1;
    c->max_replications = (unsigned)v;
    return 0;
}

/* The closest of n names if it is a plausible typo (as --assert), else NULL. */
static const char *
suggest(const char *word, const char *const *names, size_t n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1, len = strlen(word);
    for (size_t i = 0; i < n; i++) {
        size_t d = acd_edit_distance(word, names[i]);
        if (d < best_d)
            best = names[i], best_d = d;
    }
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

/* The scope named `scope` for metric m: a call type first when the metric
 * applies to call types (as --assert resolves it), else an agent group. */
static int
resolve_scope(const struct acd_scenario *sc, const char *scope, enum acd_metric m,
              struct acd_precision_goal *g, char *err, size_t errlen)
{
    struct acd_setup st;
    acd_setup_from_scenario(&st, sc);
    size_t idx = 0;
    unsigned kind = acd_expect_resolve_scope(&st, scope, m, &idx);
    acd_setup_fini(&st);
    unsigned applies = acd_metrics[m].scopes;
    if (kind == ACD_SCOPE_CHANNEL) {
        snprintf(err, errlen,
                 "a precision target names a call type or agent group, not a channel ('%s')",
                 scope);
        return -1;
    }
    if (kind) {
        g->scope = kind;
        g->index = idx;
    } else {
        size_t n = sc->n_call_types + sc->n_groups;
        const char **names = acd_xcalloc(n ? n : 1, sizeof(*names));
        for (size_t k = 0; k < sc->n_call_types; k++)
            names[k] = sc->call_types[k].name;
        for (size_t i = 0; i < sc->n_groups; i++)
            names[sc->n_call_types + i] = sc->groups[i].name;
        const char *s = suggest(scope, names, n);
        if (s)
            snprintf(err, errlen, "unknown call type or agent group '%s' (did you mean '%s'?)",
                     scope, s);
        else
            snprintf(err, errlen, "unknown call type or agent group '%s'", scope);
        free(names);
        return -1;
    }
    if (!(applies & g->scope)) {
        snprintf(err, errlen, "metric '%s' does not apply to %s '%s'", acd_metrics[m].key,
                 g->scope == ACD_SCOPE_TYPE ? "call type" : "agent group", scope);
        return -1;
    }
    return 0;
}

/* HW in the metric's unit, above 0 (a ratio at most 1). */
static int
parse_half_width(const char *s, enum acd_metric m, double *out, char *err, size_t errlen)
{
    const struct acd_metric_def *d = &acd_metrics[m];
    bool seconds = strcmp(d->unit, "s") == 0;
    double v;
    int rc = d->is_ratio ? acd_units_parse_fraction(s, &v)
             : seconds   ? acd_units_parse_duration(s, &v)
                         : acd_units_parse_real(s, &v);
    if (rc != 0) {
        snprintf(err, errlen, "expected a half-width such as %s, got '%s'",
                 d->is_ratio ? "0.01 or 1%"
                 : seconds   ? "2s or 0.5m"
                             : "0.5",
                 s);
        return -1;
    }
    if (!(v > 0) || !isfinite(v) || (d->is_ratio && v > 1)) {
        snprintf(err, errlen, "the half-width must be above 0%s, got '%s'",
                 d->is_ratio ? " and at most 1 (100%)" : "", s);
        return -1;
    }
    *out = v;
    return 0;
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

/* One `[SCOPE.]METRIC=HW`; sc NULL: everything but the scope. */
static int
parse_goal(const char *text, const struct acd_scenario *sc, struct acd_precision_goal *g, char *err,
           size_t errlen)
{
    memset(g, 0, sizeof(*g));
    g->scope = ACD_SCOPE_CENTER;
    const char *eq = strrchr(text, '=');
    if (!eq) {
        snprintf(err, errlen, "%s", grammar);
        return -1;
    }
    char *lhs = strip_dup(text, (size_t)(eq - text));
    char *rhs = strip_dup(eq + 1, strlen(eq + 1));
    /* Metric keys hold no dots: the last dot splits scope and metric. */
    char *dot = strrchr(lhs, '.'), *scope = NULL;
    const char *key = lhs;
    if (dot) {
        *dot = '\0';
        scope = lhs;
        key = dot + 1;
    }
    int rc = -1;
    if (!*key || (scope && !*scope)) {
        snprintf(err, errlen, "%s", grammar);
        goto done;
    }
    g->metric = acd_stats_metric_find(key);
    if (g->metric == ACD_METRIC_COUNT) {
        unknown_metric(key, err, errlen);
        goto done;
    }
    if (!*rhs) {
        snprintf(err, errlen, "expected a half-width after '='");
        goto done;
    }
    if (parse_half_width(rhs, g->metric, &g->half_width, err, errlen) != 0)
        goto done;
    if (!scope && !(acd_metrics[g->metric].scopes & ACD_SCOPE_CENTER)) {
        snprintf(err, errlen, "metric '%s' needs a scope: a call type or agent group", key);
        goto done;
    }
    if (scope && sc && resolve_scope(sc, scope, g->metric, g, err, errlen) != 0)
        goto done;
    rc = 0;
done:
    free(lhs);
    free(rhs);
    return rc;
}

struct acd_precision_goal *
acd_cli_prepare_precision(const char *cmd, struct acd_cli_common *c, const struct acd_scenario *sc)
{
    int bad = 0;
    if (!c->n_precision) {
        if (c->max_replications) {
            acd_cli_error(cmd, "--max-replications: needs --precision");
            c->n_errors++;
        }
        return NULL;
    }
    struct acd_precision_goal *goals = acd_xcalloc(c->n_precision, sizeof(*goals));
    char err[ACD_CLI_ERR_LEN];
    for (size_t i = 0; i < c->n_precision; i++)
        if (parse_goal(c->precision[i], sc, &goals[i], err, sizeof(err)) != 0) {
            acd_cli_error(cmd, "--precision '%s': %s", c->precision[i], err);
            bad++;
        }
    unsigned batch = c->run.replications ? c->run.replications : sc ? sc->replications : 0;
    if (c->max_replications && batch && c->max_replications < batch) {
        acd_cli_error(cmd,
                      "--max-replications: %u is below the first batch of %u replications (-r or "
                      "the scenario's replications)",
                      c->max_replications, batch);
        bad++;
    }
    if (bad || !sc) {
        free(goals);
        c->n_errors += bad;
        return NULL;
    }
    return goals;
}

/* The estimate of a run with c->run and `reps` replications fits the
 * limit (as acd_cli_check_memory, without a word). */
static bool
fits(const struct acd_scenario *sc, const struct acd_cli_common *c, unsigned reps, size_t limit)
{
    struct acd_run_opts run = c->run;
    struct acd_memory_estimate est;
    run.replications = reps;
    run.max_calls = acd_run_max_calls_for(sc, &run, limit);
    acd_run_memory_estimate(sc, &run, &est);
    return est.total <= limit;
}

int
acd_cli_check_precision_memory(const char *cmd, const struct acd_scenario *sc,
                               struct acd_cli_common *c, struct acd_memory_estimate *est)
{
    unsigned batch = c->run.replications ? c->run.replications : sc->replications;
    unsigned max = c->max_replications;
    c->run.keep_values = true; /* a round's rows wait for the checks */
    if (!max) {
        /* The default, lowered to what the memory limit holds (a stated
         * maximum that does not fit is an error, as -r is). */
        size_t limit = c->max_memory ? c->max_memory : acd_cli_default_memory();
        max = ACD_CLI_DEFAULT_MAX_REPLICATIONS > batch ? ACD_CLI_DEFAULT_MAX_REPLICATIONS : batch;
        if (!fits(sc, c, max, limit) && fits(sc, c, batch, limit)) {
            unsigned lo = batch, hi = max; /* fits(lo), not fits(hi) */
            while (hi - lo > 1) {
                unsigned mid = lo + (hi - lo) / 2;
                if (fits(sc, c, mid, limit))
                    lo = mid;
                else
                    hi = mid;
            }
            max = lo;
        }
    }
    c->max_replications = max;
    unsigned saved = c->run.replications;
    c->run.replications = max;
    int rc = acd_cli_check_memory(cmd, sc, c, est);
    c->run.replications = saved;
    return rc;
}

/* "service_level ±1.23 pts" or "billing.asa_s ±2.1s" into buf. */
static void
goal_text(const struct acd_scenario *sc, const struct acd_precision_goal *g, double ci, char *buf,
          size_t n)
{
    char v[32];
    const char *scope = g->scope == ACD_SCOPE_TYPE    ? sc->call_types[g->index].name
                        : g->scope == ACD_SCOPE_GROUP ? sc->groups[g->index].name
                                                      : NULL;
    acd_display_half_width(acd_display_metric_unit(g->metric), ci, v, sizeof(v));
    snprintf(buf, n, "%s%s%s ±%s", scope ? scope : "", scope ? "." : "", acd_metrics[g->metric].key,
             v);
}

struct progress {
    const char *cmd;
    const struct acd_scenario *sc;
};

/* One line per round on stderr: the goals not yet met and where next. */
static void
progress_line(void *ud, unsigned checked, unsigned next, const struct acd_precision_goal *goals,
              const struct acd_estimate *est, size_t n_goals)
{
    const struct progress *p = ud;
    fprintf(stderr, "acdsim %s: precision: %u replications:", p->cmd, checked);
    bool first = true;
    for (size_t i = 0; i < n_goals; i++) {
        if (!isnan(est[i].ci95) && est[i].ci95 <= goals[i].half_width)
            continue;
        char now[160], want[64];
        goal_text(p->sc, &goals[i], est[i].ci95, now, sizeof(now));
        acd_display_half_width(acd_display_metric_unit(goals[i].metric), goals[i].half_width, want,
                               sizeof(want));
        fputs(first ? " " : ", ", stderr);
        acd_escape_fputs(now, stderr);
        fprintf(stderr, " (target ±%s)", want);
        first = false;
    }
    fprintf(stderr, "; running to %u\n", next);
}

struct acd_results *
acd_cli_run_precision(const char *cmd, const struct acd_scenario *sc,
                      const struct acd_run_opts *opts, const struct acd_cli_common *c,
                      const struct acd_precision_goal *goals)
{
    struct progress p = {.cmd = cmd, .sc = sc};
    unsigned max = c->max_replications ? c->max_replications : ACD_CLI_DEFAULT_MAX_REPLICATIONS;
    struct acd_results *r =
        acd_run_precision(sc, opts, goals, c->n_precision, max, progress_line, &p);
    if (!r || !r->precision->stopped_by_max)
        return r;
    fprintf(stderr,
            "acdsim %s: warning: --precision: stopped at the maximum of %u replications "
            "(--max-replications) with targets not met:",
            cmd, r->precision->max_replications);
    bool first = true;
    for (size_t i = 0; i < r->precision->n_targets; i++) {
        const struct acd_precision_target *t = &r->precision->targets[i];
        if (t->met)
            continue;
        char now[160], want[64];
        goal_text(sc, &goals[i], t->achieved, now, sizeof(now));
        acd_display_half_width(acd_display_metric_unit(t->metric), t->half_width, want,
                               sizeof(want));
        fputs(first ? " " : ", ", stderr);
        acd_escape_fputs(now, stderr);
        fprintf(stderr, " (target ±%s)", want);
        first = false;
    }
    fputc('\n', stderr);
    return r;
}
