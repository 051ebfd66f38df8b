/*
 * verdict: goals against results, one rule (contract in verdict.h).
 */
#include "verdict.h"
#include "util.h"

#include <math.h>
#include <stdio.h>

const struct acd_verdict_look acd_verdict_looks[3] = {
    [ACD_VERDICT_MET] = {"met", "met", "\u2713", "met"},
    [ACD_VERDICT_MISSED] = {"MISSED", "missed", "\u2717", "missed"},
    [ACD_VERDICT_NA] = {"n/a", "na", "\u2013", "n/a"},
};

void
acd_verdict_targets(const struct acd_setup *st, struct acd_target t[ACD_N_TARGETS], char *sl_what)
{
    if (!st->known) {
        snprintf(sl_what, ACD_SL_WHAT, "%s", acd_metrics[ACD_M_SERVICE_LEVEL].label);
        for (int i = 0; i < ACD_N_TARGETS; i++)
            t[i] = (struct acd_target){.metric = ACD_M_SERVICE_LEVEL, .bound = ACD_NAN};
        return;
    }
    /* With call types on thresholds of their own, the center's figure
     * counts each call against its type's threshold. */
    bool own_t = false;
    for (size_t k = 0; k < st->n_call_types; k++)
        own_t |= st->call_types[k].has_sl && st->call_types[k].sl_threshold_s != st->sl_threshold_s;
    if (own_t)
        snprintf(sl_what, ACD_SL_WHAT, "Service level (own T)");
    else
        snprintf(sl_what, ACD_SL_WHAT, "Service level (%gs)", st->sl_threshold_s);
    t[0] = (struct acd_target){ACD_M_SERVICE_LEVEL, st->sl_target, true, sl_what};
    t[1] = (struct acd_target){ACD_M_ABANDON_RATE, st->max_abandon, false, "Abandon rate"};
    t[2] = (struct acd_target){ACD_M_ASA, st->max_asa_s, false, "Average speed of answer"};
    t[3] = (struct acd_target){ACD_M_OCCUPANCY, st->max_occupancy, false, "Occupancy"};
}

enum acd_verdict
acd_verdict_judge(double x, double bound, bool at_least)
{
    if (isnan(x))
        return ACD_VERDICT_NA;
    return (at_least ? x >= bound : x <= bound) ? ACD_VERDICT_MET : ACD_VERDICT_MISSED;
}

enum acd_verdict
acd_verdict_target(const struct acd_target *t, const struct acd_scope_result *s)
{
    return acd_verdict_judge(s->metric[t->metric].mean, t->bound, t->at_least);
}

struct acd_verdict_count
acd_verdict_count(const struct acd_target *t, size_t n, const struct acd_scope_result *s)
{
    struct acd_verdict_count c = {0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        if (isnan(t[i].bound))
            continue; /* goal not given */
        enum acd_verdict v = acd_verdict_target(&t[i], s);
        c.n++;
        c.missed += v == ACD_VERDICT_MISSED;
        c.unknown += v == ACD_VERDICT_NA;
    }
    return c;
}

bool
acd_verdict_type_target(const struct acd_setup *st, size_t k, struct acd_target *t, char *what)
{
    if (!st->known || k >= st->n_call_types || !st->call_types[k].has_sl)
        return false;
    const struct acd_setup_type *ct = &st->call_types[k];
    snprintf(what, ACD_SL_WHAT, "Service level %s (%gs)", ct->name, ct->sl_threshold_s);
    *t = (struct acd_target){ACD_M_SERVICE_LEVEL, ct->sl_target, true, what};
    return true;
}

struct acd_verdict_count
acd_verdict_count_all(const struct acd_target *t, size_t n, const struct acd_results *r)
{
    struct acd_verdict_count c = acd_verdict_count(t, n, &r->summary);
    char what[ACD_SL_WHAT];
    struct acd_target tt;
    for (size_t k = 0; r->types && k < r->setup.n_call_types; k++) {
        if (!acd_verdict_type_target(&r->setup, k, &tt, what))
            continue;
        struct acd_verdict_count ck = acd_verdict_count(&tt, 1, &r->types[k]);
        c.n += ck.n;
        c.missed += ck.missed;
        c.unknown += ck.unknown;
    }
    return c;
}

enum acd_verdict
acd_verdict_within_ci(const struct acd_estimate *sim, double exact)
{
    double d = sim->mean - exact;
    if (!isfinite(d) || !isfinite(sim->ci95))
        return ACD_VERDICT_NA;
    return fabs(d) <= sim->ci95 ? ACD_VERDICT_MET : ACD_VERDICT_MISSED;
}
