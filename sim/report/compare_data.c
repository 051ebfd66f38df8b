/*
 * compare_data: the comparison for machines, JSON and CSV (docs/compare.md).
 * Every KPI of every scope present in both scenarios, also the ones the
 * text leaves out; numbers round-trip (17 digits), undefined ones are null
 * in JSON and empty in CSV. JSON leaves out a KPI without a value in
 * either scenario (one that does not apply to the scope); CSV has a row
 * for every scope and KPI.
 */
#include "compare.h"
#include "json_out.h"
#include "report.h"
#include "units.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static json_t *
scenario_json(const struct acd_results *r)
{
    json_t *o = acd_json_check(json_object());
    acd_json_set(o, "name", r->setup.name ? acd_json_str(r->setup.name) : json_null());
    acd_json_set(o, "path", r->setup.path ? acd_json_str(r->setup.path) : json_null());
    acd_json_set(o, "replications", json_integer(r->replications));
    return o;
}

static json_t *
scope_json(const struct acd_cmp_scope *s)
{
    json_t *o = acd_json_check(json_object());
    char clock[16];
    acd_json_set(o, "scope", acd_json_str(acd_cmp_kind_names[s->kind]));
    acd_json_set(o, "name", acd_json_str(s->name));
    if (acd_cmp_kind_timed(s->kind) && s->day) /* a period only */
        acd_json_set(o, "day", acd_json_str(s->day));
    if (acd_cmp_kind_timed(s->kind))
        acd_json_set(o, "start", acd_json_str(acd_cmp_scope_clock(s, clock, sizeof(clock))));
    acd_json_set(o, "in", acd_json_str(s->in_a && s->in_x ? "both" : s->in_a ? "a" : "b"));
    if (!s->v)
        return o;
    json_t *k = acd_json_check(json_object());
    for (size_t i = 0; i < acd_cmp_n_kpis; i++) {
        const struct acd_cmp_value *v = &s->v[i];
        if (v->a.n == 0 && v->x.n == 0)
            continue; /* no value in either scenario: does not apply to the scope */
        json_t *e = acd_json_check(json_object());
        acd_json_set(e, "a", acd_json_estimate(&v->a));
        acd_json_set(e, "b", acd_json_estimate(&v->x));
        acd_json_set(e, "diff", acd_json_estimate(&v->diff));
        acd_json_set(e, "significant", json_boolean(v->significant));
        acd_json_set(k, acd_cmp_kpi_key(&acd_cmp_kpis[i]), e);
    }
    acd_json_set(o, "kpis", k);
    return o;
}

int
acd_compare_write_json(FILE *out, const struct acd_compare *c)
{
    json_t *root = acd_json_check(json_object());
    acd_json_set(root, "version", json_integer(1));
    acd_json_set(root, "a", scenario_json(c->a));
    json_t *kpis = acd_json_check(json_array());
    for (size_t i = 0; i < acd_cmp_n_kpis; i++) {
        json_t *k = acd_json_check(json_object());
        acd_json_set(k, "key", acd_json_str(acd_cmp_kpi_key(&acd_cmp_kpis[i])));
        acd_json_set(k, "label", acd_json_str(acd_cmp_kpi_label(&acd_cmp_kpis[i])));
        acd_json_set(k, "better", json_integer(acd_cmp_kpis[i].better));
        acd_json_push(kpis, k);
    }
    acd_json_set(root, "kpis", kpis);
    json_t *cmp = acd_json_check(json_array());
    for (size_t i = 0; i < c->n_pairs; i++) {
        const struct acd_cmp_pair *p = &c->pairs[i];
        json_t *o = acd_json_check(json_object());
        acd_json_set(o, "b", scenario_json(p->x));
        acd_json_set(o, "paired", json_boolean(p->paired));
        if (p->paired) {
            json_t *vr = acd_json_check(json_object());
            acd_json_set(vr, "kpi", acd_json_str("service_level"));
            acd_json_set(vr, "var_independent", acd_json_real(p->var_independent));
            acd_json_set(vr, "var_paired", acd_json_real(p->var_paired));
            acd_json_set(vr, "factor", acd_json_real(p->vr_factor));
            acd_json_set(vr, "ci_factor", acd_json_real(sqrt(p->vr_factor)));
            acd_json_set(o, "variance_reduction", vr);
        }
        json_t *scopes = acd_json_check(json_array());
        for (size_t s = 0; s < p->n_scopes; s++)
            acd_json_push(scopes, scope_json(&p->scopes[s]));
        acd_json_set(o, "scopes", scopes);
        acd_json_push(cmp, o);
    }
    acd_json_set(root, "comparisons", cmp);
    acd_json_set(root, "seed", json_integer(0));
    char *text = acd_json_dump(root, true, c->a->seed);
    fputs(text, out);
    free(text);
    return ferror(out) ? -1 : 0;
}

static void
csv_estimate(FILE *out, const struct acd_estimate *e)
{
    fputc(',', out);
    acd_report_csv_number(out, e->mean);
    fputc(',', out);
    acd_report_csv_number(out, e->ci95);
}

int
acd_compare_write_csv(FILE *out, const struct acd_compare *c)
{
    bool period = c->a->setup.n_days > 0; /* a `date` column: a period only */
    fputs(period ? "b,scope,date,start," : "b,scope,start,", out);
    fputs("name,in,kpi,a,a_ci95,b_value,b_ci95,diff,diff_ci95,significant,better\n", out);
    for (size_t i = 0; i < c->n_pairs; i++) {
        const struct acd_cmp_pair *p = &c->pairs[i];
        const char *bname = p->x->setup.name ? p->x->setup.name : "";
        for (size_t s = 0; s < p->n_scopes; s++) {
            const struct acd_cmp_scope *sc = &p->scopes[s];
            char clock[16] = "";
            if (acd_cmp_kind_timed(sc->kind))
                acd_cmp_scope_clock(sc, clock, sizeof(clock));
            const char *in = sc->in_a && sc->in_x ? "both" : sc->in_a ? "a" : "b";
            for (size_t k = 0; k < (sc->v ? acd_cmp_n_kpis : 1); k++) {
                acd_report_csv_field(out, bname);
                fprintf(out, ",%s,", acd_cmp_kind_names[sc->kind]);
                if (period)
                    fprintf(out, "%s,", sc->day ? sc->day : ""); /* intervals and days */
                fprintf(out, "%s,", clock);
                acd_report_csv_field(out, sc->name);
                fprintf(out, ",%s,", in);
                if (!sc->v) {
                    fputs(",,,,,,,,\n", out);
                    continue;
                }
                const struct acd_cmp_value *v = &sc->v[k];
                fputs(acd_cmp_kpi_key(&acd_cmp_kpis[k]), out);
                csv_estimate(out, &v->a);
                csv_estimate(out, &v->x);
                csv_estimate(out, &v->diff);
                fprintf(out, ",%d,%d\n", v->significant ? 1 : 0, acd_cmp_kpis[k].better);
            }
        }
    }
    return ferror(out) ? -1 : 0;
}
