/*
 * compare_text: the comparison for people, read in ten seconds. For each
 * scenario X against A: the center's KPIs (A, X, X - A with its CI, a mark
 * and better/worse), then the significant changes of the other scopes,
 * worse first, then better, each list with the whole run's scopes before
 * the intervals', by KPI and by size, then the scopes
 * found in one scenario only and the variance reduction of the pairing.
 */
#include "compare.h"
#include "display.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LABEL_W  32
#define VALUE_W  10
#define LIST_MAX 12 /* significant changes listed per direction */

static enum acd_display_unit
kpi_unit(const struct acd_cmp_kpi *k)
{
    return k->slot < ACD_METRIC_COUNT ? acd_display_metric_unit((enum acd_metric)k->slot)
                                      : ACD_DISPLAY_MONEY;
}

static const char *
scenario_name(const struct acd_results *r)
{
    return r->setup.name ? r->setup.name : r->setup.path ? r->setup.path : "(unnamed)";
}

static const char *const verdict_words[3] = {"worse", "", "better"};

/* "+1.2 pts ± 0.4 *" into buf. */
static char *
diff_text(const struct acd_cmp_kpi *k, const struct acd_cmp_value *v, char *buf, size_t n)
{
    char d[32], ci[32];
    enum acd_display_unit u = kpi_unit(k);
    acd_display_diff(u, v->diff.mean, d, sizeof(d));
    acd_display_ci(u, v->diff.ci95, 0, ci, sizeof(ci));
    snprintf(buf, n, "%s %s%s", d, ci, v->significant ? " *" : "");
    return buf;
}

struct change {
    const struct acd_cmp_scope *s;
    size_t k;
    int dir;
};

/* Whole-run scopes (call types, groups, channels, days) before the
 * intervals', then by KPI, then by size. */
static int
by_kpi_then_size(const void *pa, const void *pb)
{
    const struct change *a = pa, *b = pb;
    bool ta = acd_cmp_kind_timed(a->s->kind), tb = acd_cmp_kind_timed(b->s->kind);
    if (ta != tb)
        return ta ? 1 : -1;
    if (a->k != b->k)
        return a->k < b->k ? -1 : 1;
    double da = fabs(a->s->v[a->k].diff.mean), db = fabs(b->s->v[b->k].diff.mean);
    if (da != db)
        return da > db ? -1 : 1;
    return a->s < b->s ? -1 : a->s > b->s;
}

static void
write_list(FILE *out, const char *title, const struct change *ch, size_t n)
{
    if (n == 0)
        return;
    fprintf(out, "  %s (%zu):\n", title, n);
    for (size_t i = 0; i < n && i < LIST_MAX; i++) {
        const struct acd_cmp_kpi *k = &acd_cmp_kpis[ch[i].k];
        const struct acd_cmp_value *v = &ch[i].s->v[ch[i].k];
        char scope[128], label[256], a[32], x[32], d[96];
        acd_cmp_scope_label(ch[i].s, scope, sizeof(scope));
        snprintf(label, sizeof(label), "%s: %s", scope, acd_cmp_kpi_label(k));
        fputs("    ", out);
        acd_display_put_left(out, label, LABEL_W + 14);
        acd_display_put_right(out, acd_display_value(kpi_unit(k), v->a.mean, 0, a, sizeof(a)),
                              VALUE_W);
        fputs(" -> ", out);
        acd_display_put_right(out, acd_display_value(kpi_unit(k), v->x.mean, 0, x, sizeof(x)),
                              VALUE_W);
        fprintf(out, "   %s\n", diff_text(k, v, d, sizeof(d)));
    }
    if (n > LIST_MAX)
        fprintf(out, "    ... and %zu more (-f csv lists every one)\n", n - LIST_MAX);
}

static void
write_pair(FILE *out, const struct acd_compare *c, const struct acd_cmp_pair *p, char letter)
{
    const struct acd_results *a = c->a, *x = p->x;
    unsigned features = a->setup.features | x->setup.features;
    if (!a->setup.known || !x->setup.known)
        features = ~0u;
    fprintf(out, "%c: ", letter);
    acd_display_put_left(out, scenario_name(x), 0);
    fputs("\n   vs A: ", out);
    acd_display_put_left(out, scenario_name(a), 0);
    fputc('\n', out);
    if (p->paired)
        fprintf(out, "   %u paired replications (same seed %llu); %c - A with its 95%% CI\n",
                x->replications, (unsigned long long)x->seed, letter);
    else
        fprintf(out,
                "   unpaired: %u replications of A (baseline), %u of %c; Welch 95%% CI of\n"
                "   the difference of the means\n",
                a->replications, x->replications, letter);
    fputs("   * the CI excludes 0: a significant change\n\n", out);

    const struct acd_cmp_scope *center = &p->scopes[0];
    ACD_ASSERT(center->kind == ACD_CMP_CENTER && center->v);
    char head[2] = {letter, '\0'};
    acd_display_put_left(out, "Center", LABEL_W);
    acd_display_put_right(out, "A", VALUE_W);
    acd_display_put_right(out, head, VALUE_W + 1);
    fprintf(out, "   %c - A\n", letter);
    int center_sig = 0;
    for (size_t k = 0; k < acd_cmp_n_kpis; k++) {
        const struct acd_cmp_kpi *kp = &acd_cmp_kpis[k];
        if (!acd_cmp_kpi_shown(kp, features))
            continue;
        const struct acd_cmp_value *v = &center->v[k];
        char av[32], xv[32], d[96];
        fputs("  ", out);
        acd_display_put_left(out, acd_cmp_kpi_label(kp), LABEL_W - 2);
        acd_display_put_right(out, acd_display_value(kpi_unit(kp), v->a.mean, 0, av, sizeof(av)),
                              VALUE_W);
        acd_display_put_right(out, acd_display_value(kpi_unit(kp), v->x.mean, 0, xv, sizeof(xv)),
                              VALUE_W + 1);
        fputs("   ", out);
        diff_text(kp, v, d, sizeof(d));
        int dir = acd_cmp_direction(kp, v);
        if (dir) {
            acd_display_put_left(out, d, 22);
            fprintf(out, "%s\n", verdict_words[dir + 1]);
        } else {
            fprintf(out, "%s\n", d);
        }
        center_sig += v->significant;
    }
    if (!center_sig)
        fputs("  -> no significant change at the center\n", out);

    /* The significant changes elsewhere. */
    struct change *worse = NULL, *better = NULL;
    size_t n_worse = 0, n_better = 0, n_other = 0;
    for (size_t s = 1; s < p->n_scopes; s++) {
        const struct acd_cmp_scope *sc = &p->scopes[s];
        if (!sc->v)
            continue;
        for (size_t k = 0; k < acd_cmp_n_kpis; k++) {
            if (!acd_cmp_kpi_shown(&acd_cmp_kpis[k], features) || !sc->v[k].significant)
                continue;
            int dir = acd_cmp_direction(&acd_cmp_kpis[k], &sc->v[k]);
            struct change ch = {sc, k, dir};
            if (dir < 0) {
                worse = acd_xrealloc(worse, (n_worse + 1) * sizeof(*worse));
                worse[n_worse++] = ch;
            } else if (dir > 0) {
                better = acd_xrealloc(better, (n_better + 1) * sizeof(*better));
                better[n_better++] = ch;
            } else {
                n_other++;
            }
        }
    }
    bool days = false, channels = false;
    for (size_t s = 1; s < p->n_scopes; s++) {
        days = days || p->scopes[s].kind == ACD_CMP_DAY;
        channels = channels || p->scopes[s].kind == ACD_CMP_CHANNEL;
    }
    fprintf(out, "\nCall types, groups%s%s and intervals:\n", channels ? ", channels" : "",
            days ? ", days" : "");
    if (n_worse + n_better + n_other == 0) {
        fputs("  no significant change\n", out);
    } else {
        if (n_worse) /* qsort wants a non-null array, even of 0 */
            qsort(worse, n_worse, sizeof(*worse), by_kpi_then_size);
        if (n_better)
            qsort(better, n_better, sizeof(*better), by_kpi_then_size);
        write_list(out, "worse", worse, n_worse);
        write_list(out, "better", better, n_better);
        fputs("  (at 95%, about 1 in 20 unchanged figures shows as significant by chance)\n", out);
        if (n_other)
            fprintf(out, "  %zu significant change%s of volumes and agent time (-f csv)\n", n_other,
                    n_other == 1 ? "" : "s");
    }
    free(worse);
    free(better);

    for (size_t s = 0; s < p->n_scopes; s++) {
        const struct acd_cmp_scope *sc = &p->scopes[s];
        if (sc->in_a && sc->in_x)
            continue;
        if (sc->kind == ACD_CMP_INTERVAL_TYPE || sc->kind == ACD_CMP_INTERVAL_GROUP)
            continue; /* follows from its type, group or interval */
        char label[128];
        /* A channel's label names its kind ("channel chat"). */
        fprintf(out, "  only in %c: %s", sc->in_a ? 'A' : letter,
                sc->kind == ACD_CMP_TYPE      ? "call type "
                : sc->kind == ACD_CMP_GROUP   ? "group "
                : sc->kind == ACD_CMP_DAY     ? "day "
                : sc->kind == ACD_CMP_CHANNEL ? ""
                                              : "interval ");
        acd_display_put_left(out, acd_cmp_scope_label(sc, label, sizeof(label)), 0);
        fputc('\n', out);
    }
    if (p->paired) {
        fputs("\nPairing (center service level): ", out);
        if (isfinite(p->vr_factor))
            fprintf(out, "the CI is %.1fx narrower than with two independent runs\n",
                    sqrt(p->vr_factor));
        else if (isinf(p->vr_factor))
            fputs("the difference is exact (same in every replication)\n", out);
        else
            fputs("no variance to reduce\n", out);
    }
}

int
acd_compare_write_text(FILE *out, const struct acd_compare *c)
{
    for (size_t i = 0; i < c->n_pairs; i++) {
        if (i)
            fputs("\n", out);
        write_pair(out, c, &c->pairs[i], (char)('B' + i));
    }
    return ferror(out) ? -1 : 0;
}
