/*
 * compare_html: `acdsim compare --out DIR`: compare.json, compare.csv, the
 * charts (per-interval service level of every scenario; the difference
 * with its CI band, plots/compare_*.gp) and index.html, one page in the
 * report's style (html.c: escaping, report.css, inline SVG), committed
 * together through outdir.c.
 */
#include "compare.h"
#include "display.h"
#include "html.h"
#include "outdir.h"
#include "plot.h"
#include "units.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

extern const char acd_plot_compare_service_level_text[];
extern const char acd_plot_compare_diff_text[];

static const char *
scenario_name(const struct acd_results *r)
{
    return r->setup.name ? r->setup.name : r->setup.path ? r->setup.path : "(unnamed)";
}

static enum acd_display_unit
kpi_unit(const struct acd_cmp_kpi *k)
{
    return k->slot < ACD_METRIC_COUNT ? acd_display_metric_unit((enum acd_metric)k->slot)
                                      : ACD_DISPLAY_MONEY;
}

/* What a writer puts on a stream, as a new string (caller frees). */
static char *
to_string(int (*write)(FILE *, const struct acd_compare *), const struct acd_compare *c,
          size_t *len)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    ACD_ASSERT(f != NULL);
    write(f, c);
    fclose(f);
    if (len)
        *len = n;
    return buf;
}

/* ----------------------------------------------------------------- charts */

static const struct acd_cmp_scope *
interval_scope(const struct acd_cmp_pair *p, double start_s)
{
    for (size_t s = 0; s < p->n_scopes; s++)
        if (p->scopes[s].kind == ACD_CMP_INTERVAL && p->scopes[s].v &&
            fabs(p->scopes[s].start_s - start_s) < 1e-6)
            return &p->scopes[s];
    return NULL;
}

static size_t sl_index(void);

static void
put_point(FILE *f, double mid, const struct acd_estimate *e)
{
    acd_plot_num(f, mid);
    acd_plot_num(f, e ? e->mean : ACD_NAN);
    acd_plot_num(f, e ? e->ci95 : ACD_NAN);
    fputc('\n', f);
}

static int
sl_data(FILE *f, const struct acd_compare *c)
{
    const struct acd_results *a = c->a;
    size_t k = sl_index();
    for (size_t s = 0; s <= c->n_pairs; s++) {
        if (s)
            fputs("\n\n", f);
        for (size_t b = 0; b < a->n_intervals; b++) {
            const struct acd_interval_result *iv = &a->intervals[b];
            double mid = 0.5 * (iv->start_s + iv->end_s);
            if (s == 0) {
                put_point(f, mid, &iv->all.metric[ACD_M_SERVICE_LEVEL]);
                continue;
            }
            const struct acd_cmp_scope *sc = interval_scope(&c->pairs[s - 1], iv->start_s);
            put_point(f, mid, sc ? &sc->v[k].x : NULL);
        }
    }
    return 0;
}

static int
diff_data(FILE *f, const struct acd_compare *c)
{
    const struct acd_results *a = c->a;
    size_t k = sl_index();
    for (size_t s = 0; s < c->n_pairs; s++) {
        if (s)
            fputs("\n\n", f);
        for (size_t b = 0; b < a->n_intervals; b++) {
            const struct acd_interval_result *iv = &a->intervals[b];
            const struct acd_cmp_scope *sc = interval_scope(&c->pairs[s], iv->start_s);
            put_point(f, 0.5 * (iv->start_s + iv->end_s), sc ? &sc->v[k].diff : NULL);
        }
    }
    return 0;
}

static const char *
scen_label(const void *ud, size_t i)
{
    static char buf[256];
    const struct acd_compare *c = ud;
    const struct acd_results *r = i == 0 ? c->a : c->pairs[i - 1].x;
    snprintf(buf, sizeof(buf), "%c: %s", (char)('A' + i), scenario_name(r));
    return buf;
}

static const char *
diff_label(const void *ud, size_t i)
{
    static char buf[16];
    (void)ud;
    snprintf(buf, sizeof(buf), "%c - A", (char)('B' + i));
    return buf;
}

static int
chart_vars(FILE *f, const struct acd_compare *c)
{
    const struct acd_setup *st = &c->a->setup;
    fputs("scenario = ", f);
    acd_plot_string(f, scenario_name(c->a));
    fputc('\n', f);
    acd_plot_var(f, "open_s", st->open_s);
    acd_plot_var(f, "close_s", st->close_s);
    acd_plot_var(f, "interval_s", st->interval_s);
    acd_plot_var(f, "sl_target", st->known ? st->sl_target : ACD_NAN);
    acd_plot_array(f, "scen", c->n_pairs + 1, scen_label, c);
    acd_plot_array(f, "diffs", c->n_pairs, diff_label, c);
    fprintf(f, "n_diff = %zu\n", c->n_pairs);
    return 0;
}

static size_t
sl_index(void)
{
    return (size_t)(acd_cmp_kpi_find("service_level") - acd_cmp_kpis);
}

/* ------------------------------------------------------------------- page */

static void
put_value(FILE *out, const struct acd_cmp_kpi *k, const struct acd_estimate *e)
{
    char v[32], ci[32];
    acd_display_value(kpi_unit(k), e->mean, ACD_DISPLAY_GROUPED, v, sizeof(v));
    acd_display_ci(kpi_unit(k), e->ci95, ACD_DISPLAY_GROUPED, ci, sizeof(ci));
    acd_html_put_escaped(out, v);
    if (*ci) {
        fputs("<span class=\"ci\">", out);
        acd_html_put_escaped(out, ci);
        fputs("</span>", out);
    }
}

static const char *const dir_words[3] = {"worse", "changed", "better"};

static void
put_row(FILE *out, const char *scope, const struct acd_cmp_kpi *k, const struct acd_cmp_value *v)
{
    fputs("<tr><th scope=\"row\">", out);
    if (scope) {
        acd_html_put_escaped(out, scope);
        fputs(": ", out);
    }
    acd_html_put_escaped(out, acd_cmp_kpi_label(k));
    fputs("</th><td>", out);
    put_value(out, k, &v->a);
    fputs("</td><td>", out);
    put_value(out, k, &v->x);
    fputs("</td><td>", out);
    char d[32], ci[32];
    acd_display_diff(kpi_unit(k), v->diff.mean, d, sizeof(d));
    acd_display_ci(kpi_unit(k), v->diff.ci95, 0, ci, sizeof(ci));
    acd_html_put_escaped(out, d);
    fputs("<span class=\"ci\">", out);
    acd_html_put_escaped(out, ci);
    fputs("</span></td><td>", out);
    if (v->significant)
        fputs(dir_words[acd_cmp_direction(k, v) + 1], out);
    else
        fputs("<span class=\"nil\">no significant change</span>", out);
    fputs("</td></tr>\n", out);
}

static void
put_pair(FILE *out, const struct acd_compare *c, size_t i)
{
    const struct acd_cmp_pair *p = &c->pairs[i];
    char letter = (char)('B' + i);
    unsigned features = c->a->setup.features | p->x->setup.features;
    fprintf(out, "<section id=\"cmp-%c\" aria-labelledby=\"h-cmp-%c\">\n<h2 id=\"h-cmp-%c\">",
            letter, letter, letter);
    fprintf(out, "%c: ", letter);
    acd_html_put_escaped(out, scenario_name(p->x));
    fputs(" vs A</h2>\n<p>", out);
    if (p->paired)
        fprintf(out,
                "%u paired replications (common random numbers). Differences %c &#8722; A "
                "with their 95%% confidence interval; ",
                p->x->replications, letter);
    else
        fputs("Unpaired (a saved baseline): Welch's 95% confidence interval of the "
              "difference of the means; ",
              out);
    if (p->paired && isfinite(p->vr_factor))
        fprintf(out,
                "pairing makes the CI of the center's service level %.1f&#215; narrower "
                "than two independent runs.",
                sqrt(p->vr_factor));
    fputs("</p>\n<table class=\"kpi\">\n<thead><tr><th scope=\"col\">Center</th>"
          "<th scope=\"col\">A</th>",
          out);
    fprintf(out, "<th scope=\"col\">%c</th><th scope=\"col\">%c &#8722; A</th>", letter, letter);
    fputs("<th scope=\"col\">Verdict</th></tr></thead>\n<tbody>\n", out);
    for (size_t k = 0; k < acd_cmp_n_kpis; k++)
        if (acd_cmp_kpi_shown(&acd_cmp_kpis[k], features))
            put_row(out, NULL, &acd_cmp_kpis[k], &p->scopes[0].v[k]);
    fputs("</tbody></table>\n<h3>Significant changes of call types, groups and intervals</h3>\n",
          out);
    size_t n = 0;
    for (size_t s = 1; s < p->n_scopes; s++) {
        const struct acd_cmp_scope *sc = &p->scopes[s];
        for (size_t k = 0; sc->v && k < acd_cmp_n_kpis; k++) {
            if (!sc->v[k].significant || !acd_cmp_kpi_shown(&acd_cmp_kpis[k], features))
                continue;
            if (n++ == 0)
                fputs("<table class=\"kpi\">\n<thead><tr><th scope=\"col\">Scope: KPI</th>"
                      "<th scope=\"col\">A</th><th scope=\"col\">X</th><th "
                      "scope=\"col\">Difference</th><th scope=\"col\">Verdict</th></tr></thead>\n"
                      "<tbody>\n",
                      out);
            char label[128];
            put_row(out, acd_cmp_scope_label(sc, label, sizeof(label)), &acd_cmp_kpis[k],
                    &sc->v[k]);
        }
    }
    if (n)
        fputs("</tbody></table>\n", out);
    else
        fputs("<p>No significant change.</p>\n", out);
    fputs("</section>\n", out);
}

static int
write_page(FILE *out, const void *ud, const struct acd_charts *charts)
{
    const struct acd_compare *c = ud;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
          out);
    fprintf(out, "<meta name=\"generator\" content=\"acdsim %s\">\n<title>", ACD_VERSION);
    acd_html_put_escaped(out, scenario_name(c->a));
    fputs(" &#183; acdsim compare</title>\n<style>\n", out);
    fputs(acd_report_css_text, out);
    fputs("</style>\n</head>\n<body>\n<header class=\"top\"><div class=\"wrap\">\n"
          "<p class=\"kicker\">acdsim &#183; scenario comparison</p>\n<h1>A: ",
          out);
    acd_html_put_escaped(out, scenario_name(c->a));
    fprintf(out, "</h1>\n<p class=\"sub\">%u replications &#183; seed %llu</p>\n</div></header>\n",
            c->a->replications, (unsigned long long)c->a->seed);
    fputs("<main class=\"wrap\">\n", out);
    for (size_t i = 0; i < c->n_pairs; i++)
        put_pair(out, c, i);
    if (c->a->n_intervals)
        acd_html_put_charts(out, charts);
    fputs("</main>\n", out);
    fprintf(out, "<footer class=\"wrap\"><p>Written by acdsim %s.</p></footer>\n</body>\n</html>\n",
            ACD_VERSION);
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

int
acd_compare_write_dir(const char *dir, const struct acd_compare *c, FILE *err)
{
    size_t json_len, csv_len;
    char *json = to_string(acd_compare_write_json, c, &json_len);
    char *csv = to_string(acd_compare_write_csv, c, &csv_len);
    char *sl = to_string(sl_data, c, NULL), *diff = to_string(diff_data, c, NULL);
    char *vars = to_string(chart_vars, c, NULL);
    const struct acd_outdir_text files[] = {
        {"compare.json", json, json_len},
        {"compare.csv", csv, csv_len},
    };
    const struct acd_plot_extra charts[] = {
        {.name = "compare_service_level",
         .title = "Service level per interval of every scenario",
         .script = acd_plot_compare_service_level_text,
         .data = sl,
         .vars = vars},
        {.name = "compare_diff",
         .title = "Difference of the service level per interval, with its 95% CI",
         .script = acd_plot_compare_diff_text,
         .data = diff,
         .vars = vars},
    };
    /* Per-interval charts need an operating day. */
    const struct acd_outdir_extra extra = {
        .n_files = ACD_ARRAY_LEN(files),
        .files = files,
        .n_charts = c->a->n_intervals && c->n_pairs ? ACD_ARRAY_LEN(charts) : 0,
        .charts = charts,
        .page = write_page,
        .page_ud = c,
    };
    int rc = acd_outdir_write(dir, NULL, NULL, &extra, err);
    free(json);
    free(csv);
    free(sl);
    free(diff);
    free(vars);
    return rc;
}
