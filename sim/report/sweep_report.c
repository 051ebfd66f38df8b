/*
 * sweep_report: text, JSON, CSV and the report folder of `acdsim sweep`
 * (see sweep_report.h). The figures are the runs' center summaries; the
 * Pareto front is computed here.
 */
#include "sweep_report.h"
#include "display.h"
#include "html.h"
#include "json_out.h"
#include "outdir.h"
#include "plot.h"
#include "report.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

extern const char acd_plot_sweep_kpi_text[];
extern const char acd_plot_sweep_pareto_text[];

/* The KPIs of the table and the CSV, in order (then the cost). */
static const enum acd_metric kpis[] = {
    ACD_M_SERVICE_LEVEL, ACD_M_ABANDON_RATE, ACD_M_ASA, ACD_M_OCCUPANCY, ACD_M_OFFERED,
};
/* ...and their headings in the table (the metric labels are long). */
static const char *const kpi_heads[] = {"Service level", "Abandoned", "ASA", "Occupancy",
                                        "Offered"};

struct acd_estimate
acd_sweep_cost(const struct acd_sweep *s, const struct acd_sweep_point *p)
{
    return s->has_cost ? p->summary.metric[ACD_M_COST] : p->agent_hours;
}

static const char *
cost_key(const struct acd_sweep *s)
{
    return s->has_cost ? "cost" : "agent_hours";
}

static const char *
cost_label(const struct acd_sweep *s)
{
    return s->has_cost ? "Cost" : "Agent-hours";
}

void
acd_sweep_mark_pareto(struct acd_sweep *s)
{
    s->has_cost = false;
    for (size_t i = 0; i < s->n_points; i++) {
        double c = s->points[i].summary.metric[ACD_M_COST].mean;
        if (isfinite(c) && c > 0)
            s->has_cost = true;
    }
    for (size_t i = 0; i < s->n_points; i++) {
        struct acd_sweep_point *p = &s->points[i];
        double cp = acd_sweep_cost(s, p).mean, sp = p->summary.metric[ACD_M_SERVICE_LEVEL].mean;
        p->pareto = isfinite(cp) && isfinite(sp);
        for (size_t j = 0; j < s->n_points && p->pareto; j++) {
            const struct acd_sweep_point *q = &s->points[j];
            double cq = acd_sweep_cost(s, q).mean, sq = q->summary.metric[ACD_M_SERVICE_LEVEL].mean;
            if (j != i && cq <= cp && sq >= sp && (cq < cp || sq > sp))
                p->pareto = false;
        }
    }
}

/* ------------------------------------------------------------------ text */

int
acd_sweep_write_text(FILE *out, const struct acd_sweep *s)
{
    fprintf(out, "Sweep: %s\n", s->scenario ? s->scenario : "");
    fprintf(out,
            "%u replications per point, seed %llu at every point (common random numbers), %zu "
            "points\n",
            s->replications, (unsigned long long)s->seed, s->n_points);
    if (isfinite(s->sl_threshold_s))
        fprintf(out, "Service level: answered within %g s, of offered calls%s", s->sl_threshold_s,
                isfinite(s->sl_target) ? "" : "\n");
    if (isfinite(s->sl_target))
        fprintf(out, "; target %g%%\n", 100 * s->sl_target);
    fputc('\n', out);
    int pw[2] = {0, 0};
    for (size_t a = 0; a < s->n_axes; a++) {
        pw[a] = (int)strlen(s->axis[a].path);
        for (size_t i = 0; i < s->axis[a].n; i++)
            if ((int)strlen(s->axis[a].values[i]) > pw[a])
                pw[a] = (int)strlen(s->axis[a].values[i]);
    }
    const int w = 16;
    for (size_t a = 0; a < s->n_axes; a++) {
        acd_display_put_left(out, s->axis[a].path, pw[a]);
        fputs("  ", out);
    }
    for (size_t k = 0; k < ACD_ARRAY_LEN(kpis); k++)
        acd_display_put_right(out, kpi_heads[k], w);
    acd_display_put_right(out, cost_label(s), w);
    fputs("  Pareto\n", out);
    char buf[64];
    for (size_t i = 0; i < s->n_points; i++) {
        const struct acd_sweep_point *p = &s->points[i];
        for (size_t a = 0; a < s->n_axes; a++) {
            acd_display_put_left(out, s->axis[a].values[p->at[a]], pw[a]);
            fputs("  ", out);
        }
        for (size_t k = 0; k < ACD_ARRAY_LEN(kpis); k++) {
            acd_display_estimate(acd_display_metric_unit(kpis[k]), &p->summary.metric[kpis[k]], buf,
                                 sizeof(buf));
            acd_display_put_right(out, buf, w);
        }
        struct acd_estimate c = acd_sweep_cost(s, p);
        acd_display_estimate(s->has_cost ? ACD_DISPLAY_MONEY : ACD_DISPLAY_NUMBER, &c, buf,
                             sizeof(buf));
        acd_display_put_right(out, buf, w);
        fputs(p->pareto ? "  *\n" : "\n", out);
    }
    fprintf(out,
            "\n* on the Pareto front: no other point has a service level at least as high for "
            "at most the %s (one of them strictly)\n",
            s->has_cost ? "cost" : "agent-hours");
    return ferror(out) ? -1 : 0;
}

/* ------------------------------------------------------------------ json */

static json_t *
sweep_json(const struct acd_sweep *s)
{
    json_t *root = acd_json_check(json_object());
    acd_json_set(root, "scenario", acd_json_str(s->scenario));
    acd_json_set(root, "seed", json_integer(0)); /* acd_json_dump writes the seed */
    acd_json_set(root, "replications", json_integer(s->replications));
    json_t *params = acd_json_check(json_array());
    for (size_t a = 0; a < s->n_axes; a++) {
        json_t *o = acd_json_check(json_object());
        acd_json_set(o, "path", acd_json_str(s->axis[a].path));
        json_t *v = acd_json_check(json_array());
        for (size_t i = 0; i < s->axis[a].n; i++)
            acd_json_push(v, acd_json_str(s->axis[a].values[i]));
        acd_json_set(o, "values", v);
        acd_json_push(params, o);
    }
    acd_json_set(root, "parameters", params);
    acd_json_set(root, "cost_measure", acd_json_str(cost_key(s)));
    json_t *pts = acd_json_check(json_array());
    for (size_t i = 0; i < s->n_points; i++) {
        const struct acd_sweep_point *p = &s->points[i];
        json_t *o = acd_json_check(json_object());
        json_t *set = acd_json_check(json_object());
        for (size_t a = 0; a < s->n_axes; a++)
            acd_json_set(set, s->axis[a].path, acd_json_str(s->axis[a].values[p->at[a]]));
        acd_json_set(o, "set", set);
        json_t *sum = acd_json_check(json_object());
        for (size_t m = 0; m < ACD_METRIC_COUNT; m++)
            if (acd_metrics[m].scopes & ACD_SCOPE_CENTER)
                acd_json_set(sum, acd_metrics[m].key, acd_json_estimate(&p->summary.metric[m]));
        acd_json_set(sum, "agent_hours", acd_json_estimate(&p->agent_hours));
        acd_json_set(o, "summary", sum);
        acd_json_set(o, "pareto", json_boolean(p->pareto));
        acd_json_push(pts, o);
    }
    acd_json_set(root, "points", pts);
    return root;
}

int
acd_sweep_write_json(FILE *out, const struct acd_sweep *s)
{
    return acd_json_put(out, acd_json_dump(sweep_json(s), true, s->seed));
}

/* ------------------------------------------------------------------- csv */

int
acd_sweep_write_csv(FILE *out, const struct acd_sweep *s)
{
    for (size_t a = 0; a < s->n_axes; a++) {
        acd_report_csv_field(out, s->axis[a].path);
        fputc(',', out);
    }
    for (size_t k = 0; k < ACD_ARRAY_LEN(kpis); k++)
        fprintf(out, "%s,%s_ci95,", acd_metrics[kpis[k]].key, acd_metrics[kpis[k]].key);
    fprintf(out, "%s,%s_ci95,pareto\n", cost_key(s), cost_key(s));
    for (size_t i = 0; i < s->n_points; i++) {
        const struct acd_sweep_point *p = &s->points[i];
        for (size_t a = 0; a < s->n_axes; a++) {
            acd_report_csv_field(out, s->axis[a].values[p->at[a]]);
            fputc(',', out);
        }
        for (size_t k = 0; k < ACD_ARRAY_LEN(kpis); k++) {
            acd_report_csv_number(out, p->summary.metric[kpis[k]].mean);
            fputc(',', out);
            acd_report_csv_number(out, p->summary.metric[kpis[k]].ci95);
            fputc(',', out);
        }
        struct acd_estimate c = acd_sweep_cost(s, p);
        acd_report_csv_number(out, c.mean);
        fputc(',', out);
        acd_report_csv_number(out, c.ci95);
        fputs(p->pareto ? ",true\n" : ",false\n", out);
    }
    return ferror(out) ? -1 : 0;
}

/* ---------------------------------------------------------------- charts */

/* sweep_kpi.gp's data: one block per value of the second parameter. */
static void
kpi_data(FILE *f, const struct acd_sweep *s)
{
    size_t nb = s->n_axes > 1 ? s->axis[1].n : 1;
    for (size_t b = 0; b < nb; b++) {
        if (b)
            fputs("\n\n", f);
        for (size_t i = 0; i < s->n_points; i++) {
            const struct acd_sweep_point *p = &s->points[i];
            if (s->n_axes > 1 && p->at[1] != b)
                continue;
            const struct acd_estimate *e = &p->summary.metric[s->kpi];
            acd_plot_num(f, s->axis[0].x[p->at[0]]);
            acd_plot_num(f, e->mean);
            acd_plot_num(f, e->ci95);
            fputc(' ', f);
            acd_plot_string(f, s->axis[0].values[p->at[0]]);
            fputc('\n', f);
        }
    }
}

static void
common_vars(FILE *f, const struct acd_sweep *s)
{
    fputs("scenario = ", f);
    acd_plot_string(f, s->scenario);
    fputs("\nparam1 = ", f);
    acd_plot_string(f, s->axis[0].path);
    fputs("\nparam2 = ", f);
    acd_plot_string(f, s->n_axes > 1 ? s->axis[1].path : "");
    fputc('\n', f);
    acd_plot_var(f, "sweep_sl_target", s->sl_target);
    acd_plot_var(f, "numeric_x", s->axis[0].numeric);
    fprintf(f, "n_blocks = %zu\n", s->n_axes > 1 ? s->axis[1].n : (size_t)1);
    fprintf(f, "array block_names[%zu] = [", s->n_axes > 1 ? s->axis[1].n : (size_t)1);
    for (size_t b = 0; b < (s->n_axes > 1 ? s->axis[1].n : 1); b++) {
        if (b)
            fputs(", ", f);
        acd_plot_string(f, s->n_axes > 1 ? s->axis[1].values[b] : "");
    }
    fputs("]\n", f);
}

static void
kpi_vars(FILE *f, const struct acd_sweep *s)
{
    common_vars(f, s);
    fputs("kpi_label = ", f);
    acd_plot_string(f, acd_metrics[s->kpi].label);
    fputc('\n', f);
    acd_plot_var(f, "kpi_ratio", acd_metrics[s->kpi].is_ratio);
    acd_plot_var(f, "kpi_is_sl", s->kpi == ACD_M_SERVICE_LEVEL);
}

/* sweep_pareto.gp's data: every point (block 0), then the front by cost
 * (block 1). */
static void
pareto_row(FILE *f, const struct acd_sweep *s, const struct acd_sweep_point *p)
{
    struct acd_estimate c = acd_sweep_cost(s, p);
    acd_plot_num(f, c.mean);
    acd_plot_num(f, p->summary.metric[ACD_M_SERVICE_LEVEL].mean);
    acd_plot_num(f, p->summary.metric[ACD_M_SERVICE_LEVEL].ci95);
    acd_plot_num(f, c.ci95);
    fputc(' ', f);
    char label[256];
    if (s->n_axes > 1)
        snprintf(label, sizeof(label), "%s, %s", s->axis[0].values[p->at[0]],
                 s->axis[1].values[p->at[1]]);
    else
        snprintf(label, sizeof(label), "%s", s->axis[0].values[p->at[0]]);
    acd_plot_string(f, label);
    fputc('\n', f);
}

static void
pareto_data(FILE *f, const struct acd_sweep *s)
{
    const struct acd_sweep_point **front = acd_xcalloc(s->n_points + 1, sizeof(*front));
    size_t n = 0;
    for (size_t i = 0; i < s->n_points; i++) {
        pareto_row(f, s, &s->points[i]);
        if (s->points[i].pareto)
            front[n++] = &s->points[i];
    }
    for (size_t i = 1; i < n; i++) /* by cost: a handful of points */
        for (size_t j = i;
             j > 0 && acd_sweep_cost(s, front[j]).mean < acd_sweep_cost(s, front[j - 1]).mean;
             j--) {
            const struct acd_sweep_point *t = front[j];
            front[j] = front[j - 1];
            front[j - 1] = t;
        }
    fputs("\n\n", f);
    for (size_t i = 0; i < n; i++)
        pareto_row(f, s, front[i]);
    if (!n)
        fputs(" NaN NaN NaN NaN \"\"\n", f);
    free(front);
}

static void
pareto_vars(FILE *f, const struct acd_sweep *s)
{
    common_vars(f, s);
    fputs("cost_label = ", f);
    acd_plot_string(f, cost_label(s));
    fputc('\n', f);
}

static char *
compose(void (*fn)(FILE *, const struct acd_sweep *), const struct acd_sweep *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = acd_xmemstream_open(&buf, &len);
    fn(f, s);
    acd_xmemstream_close(f);
    return buf;
}

static void
text_of(char **buf, size_t *len, int (*fn)(FILE *, const struct acd_sweep *),
        const struct acd_sweep *s)
{
    FILE *f = acd_xmemstream_open(buf, len);
    fn(f, s);
    acd_xmemstream_close(f);
}

/* index.html of `sweep --out`: the title, the table as text, the charts. */
struct sweep_page {
    char *title, *text;
};

static int
write_page(FILE *out, const void *ud, const struct acd_charts *charts)
{
    const struct sweep_page *p = ud;
    return acd_html_write_page(out, p->title, p->text, charts);
}

int
acd_sweep_write_out(const char *dir, const struct acd_sweep *s, FILE *err)
{
    char *json, *csv;
    size_t json_len, csv_len;
    text_of(&json, &json_len, acd_sweep_write_json, s);
    text_of(&csv, &csv_len, acd_sweep_write_csv, s);
    const struct acd_outdir_text files[] = {
        {"sweep.json", json, json_len},
        {"sweep.csv", csv, csv_len},
    };
    char *kd = compose(kpi_data, s), *kv = compose(kpi_vars, s);
    char *pd = compose(pareto_data, s), *pv = compose(pareto_vars, s);
    char title[256];
    snprintf(title, sizeof(title), "%s against %s, with its 95%% confidence interval",
             acd_metrics[s->kpi].label, s->axis[0].path);
    const struct acd_plot_extra charts[] = {
        {.name = "sweep_kpi",
         .title = title,
         .script = acd_plot_sweep_kpi_text,
         .data = kd,
         .vars = kv},
        {.name = "sweep_pareto",
         .title = "Cost against service level; the Pareto front marked",
         .script = acd_plot_sweep_pareto_text,
         .data = pd,
         .vars = pv},
    };
    struct sweep_page page;
    size_t table_len;
    text_of(&page.text, &table_len, acd_sweep_write_text, s);
    page.title = acd_xasprintf("Sweep: %s", s->scenario ? s->scenario : "");
    const struct acd_outdir_extra extra = {.n_files = ACD_ARRAY_LEN(files),
                                           .files = files,
                                           .n_charts = ACD_ARRAY_LEN(charts),
                                           .charts = charts,
                                           .page = write_page,
                                           .page_ud = &page};
    int rc = acd_outdir_write(dir, NULL, NULL, &extra, err);
    free(kd);
    free(kv);
    free(pd);
    free(pv);
    free(json);
    free(csv);
    free(page.text);
    free(page.title);
    return rc;
}

void
acd_sweep_fini(struct acd_sweep *s)
{
    for (size_t a = 0; a < s->n_axes; a++) {
        for (size_t i = 0; i < s->axis[a].n; i++)
            free(s->axis[a].values[i]);
        free(s->axis[a].values);
        free(s->axis[a].x);
    }
    free(s->points);
}
