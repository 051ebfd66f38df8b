/*
 * calibrate_report: text, JSON and the report folder of `acdsim
 * calibrate` (calibrate_report.h).
 */
#include "calibrate_report.h"
#include "display.h"
#include "escape.h"
#include "json_out.h"
#include "outdir.h"
#include "plot.h"
#include "util.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

extern const char acd_plot_calib_handle_text[];
extern const char acd_plot_calib_patience_text[];
extern const char acd_plot_calib_arrivals_text[];

/* ------------------------------------------------------------- text */

static void
text_fits(FILE *out, const char *what, const struct acd_fit *fits, size_t best)
{
    fprintf(out, "  %s fits:\n    %-12s %10s %21s %7s %12s %7s\n", what, "family", "mean s",
            "95% CI", "cv", "AIC", "KS");
    for (size_t i = 0; i < ACD_FIT_FAMILIES; i++) {
        const struct acd_fit *f = &fits[i];
        if (!f->ok)
            continue;
        char name[32];
        if (f->family == ACD_FIT_ERLANG)
            snprintf(name, sizeof name, "erlang k=%u", f->k);
        else
            snprintf(name, sizeof name, "%s", acd_fit_family_names[f->family]);
        fprintf(out, "  %s %-12s %10.1f %10.1f-%-10.1f %7.3f %12.1f %7.3f\n", i == best ? "*" : " ",
                name, f->mean, f->mean_lo, f->mean_hi, f->cv, f->aic, f->ks);
    }
}

int
acd_calib_write_text(FILE *out, const struct acd_calib *c, const struct acd_calllog_stats *st,
                     const char *log_name)
{
    char b1[16];
    fputs("Calibration of ", out);
    acd_escape_fputs(log_name, out);
    fprintf(out, "\n  rows %lu, used %lu, ignored %lu, never queued %lu\n", st->rows, st->used,
            st->ignored, st->not_queued);
    for (int i = 0; i < ACD_CALLLOG_SKIP_REASONS; i++)
        if (st->skipped[i])
            fprintf(out, "  skipped (%s): %lu, first at line %lu\n", acd_calllog_skip_names[i],
                    st->skipped[i], st->first_skip_line[i]);
    fprintf(out, "  days %zu (profile: %zu), intervals of %.0f s from %s", c->n_days,
            c->n_used_days, c->o.interval_s, acd_calib_clock(c, c->first, b1));
    fprintf(out, " to %s\n", acd_calib_clock(c, c->last + 1, b1));
    if (!isnan(c->busyness_cv))
        fprintf(out, "  busyness cv %.4f\n", c->busyness_cv);
    if (c->untracked)
        fprintf(out, "  calls not tracked for retrials (tracker full): %" PRIu64 "\n",
                c->untracked);
    for (size_t t = 0; t < c->n_types; t++) {
        const struct acd_calib_type *ty = &c->types[t];
        fputs("\nCall type ", out);
        acd_escape_fputs(ty->name, out);
        fprintf(out,
                "\n  offered %" PRIu64 " (fresh %" PRIu64 ", retrials %" PRIu64
                "), answered %" PRIu64 ", abandoned %" PRIu64 " (instant %" PRIu64
                "), blocked %" PRIu64 "\n",
                ty->offered, ty->fresh, ty->retrials, ty->answered, ty->abandoned, ty->instant,
                ty->blocked);
        if (!isnan(ty->handle_mean))
            fprintf(out, "  handle time: sample mean %.1f s (95%% CI %.1f-%.1f)\n", ty->handle_mean,
                    ty->handle_mean_lo, ty->handle_mean_hi);
        if (ty->handle_best < ACD_FIT_FAMILIES)
            text_fits(out, "handle time", ty->handle_fit, ty->handle_best);
        if (ty->patience_best < ACD_FIT_FAMILIES) {
            fprintf(out, "  patience: %" PRIu64 " abandons, %" PRIu64 " censored",
                    ty->patience.n_event, ty->patience.n_censored);
            if (!isnan(ty->km_median_s))
                fprintf(out, ", Kaplan-Meier median %.0f s", ty->km_median_s);
            fprintf(out, "%s\n", ty->patience_empirical ? ", written as empirical (KS > 0.1)" : "");
            text_fits(out, "patience", ty->patience_fit, ty->patience_best);
        }
        fprintf(out,
                "  instant hang-ups: %.4f (95%% CI %.4f-%.4f), patience gives %.4f, balk %.4f\n",
                ty->balk, ty->balk_lo, ty->balk_hi, ty->instant_expected, ty->balk_excess);
        if (ty->has_retry) {
            fprintf(out,
                    "  retrials: p_first %.4f (95%% CI %.4f-%.4f), delay mean %.1f s (%.1f-%.1f)",
                    ty->p_first, ty->p_first_lo, ty->p_first_hi, ty->delay.mean, ty->delay.mean_lo,
                    ty->delay.mean_hi);
            if (!isnan(ty->p_later))
                fprintf(out, ", p_later %.4f (%.4f-%.4f)", ty->p_later, ty->p_later_lo,
                        ty->p_later_hi);
            fprintf(out, ", longest chain %u\n", ty->max_chain);
        }
        fprintf(out, "  arrivals per day:\n    %-8s %9s %21s %17s\n", "start", "calls", "95% CI",
                "day band");
        for (size_t s = c->first; s <= c->last; s++)
            fprintf(out, "    %-8s %9.2f %10.2f-%-10.2f %8.1f-%-8.1f\n", acd_calib_clock(c, s, b1),
                    ty->rate[s], ty->rate_lo[s], ty->rate_hi[s], ty->day_lo[s], ty->day_hi[s]);
    }
    fprintf(out, "\nAgents per interval (%s)\n", c->agents_from);
    fputs("  An ACD log shows who served, not who was available (wrap-up, breaks and\n"
          "  other work are missing): the agents seen are a bound the back-test must check.\n",
          out);
    char p1[32], p2[32], p3[32], p4[32];
    acd_display_value(ACD_DISPLAY_SHARE, c->availability, 0, p1, sizeof(p1));
    acd_display_value(ACD_DISPLAY_SHARE, c->seen_abandon, 0, p2, sizeof(p2));
    acd_display_value(ACD_DISPLAY_SHARE, c->actual_abandon, 0, p3, sizeof(p3));
    acd_display_value(ACD_DISPLAY_SHARE, c->fitted_abandon, 0, p4, sizeof(p4));
    if (c->availability_fitted)
        fprintf(out,
                "  Availability: %s of the agents seen. With all of them there all interval\n"
                "  the simulated day abandons %s of the calls, the log %s; with %s\n"
                "  of them, %s (%d replications).\n",
                p1, p2, p3, p1, p4, ACD_CALIB_FIT_REPS);
    else if (!isnan(c->seen_abandon))
        fprintf(out,
                "  Availability: every agent seen (simulated they abandon %s of the calls,\n"
                "  the log %s: no fewer agents reproduce it better).\n",
                p2, p3);
    fprintf(out, "    %-8s %7s %9s %9s %9s\n", "start", "agents", "seen", "busy", "occupancy");
    for (size_t s = c->first; s <= c->last; s++) {
        fprintf(out, "    %-8s %7.0f %9.2f %9.2f", acd_calib_clock(c, s, b1), c->agents[s],
                c->agents_seen[s], c->busy_mean[s] / c->o.interval_s);
        if (isnan(c->occupancy[s]))
            fprintf(out, " %9s\n", "-");
        else
            fprintf(out, " %9.3f\n", c->occupancy[s]);
    }
    return ferror(out) ? -1 : 0;
}

/* ------------------------------------------------------------- JSON */

static json_t *
json_fit(const struct acd_fit *f)
{
    json_t *o = acd_json_check(json_object());
    acd_json_set(o, "family", acd_json_str(acd_fit_family_names[f->family]));
    acd_json_set(o, "ok", json_boolean(f->ok));
    if (!f->ok)
        return o;
    acd_json_set(o, "mean_s", acd_json_real(f->mean));
    json_t *ci = acd_json_check(json_array());
    acd_json_push(ci, acd_json_real(f->mean_lo));
    acd_json_push(ci, acd_json_real(f->mean_hi));
    acd_json_set(o, "mean_ci95", ci);
    acd_json_set(o, "cv", acd_json_real(f->cv));
    ci = acd_json_check(json_array());
    acd_json_push(ci, acd_json_real(f->cv_lo));
    acd_json_push(ci, acd_json_real(f->cv_hi));
    acd_json_set(o, "cv_ci95", ci);
    if (f->family == ACD_FIT_ERLANG)
        acd_json_set(o, "k", json_integer(f->k));
    acd_json_set(o, "loglik", acd_json_real(f->loglik));
    acd_json_set(o, "aic", acd_json_real(f->aic));
    acd_json_set(o, "ks", acd_json_real(f->ks));
    return o;
}

static json_t *
json_fits(const struct acd_fit *fits, size_t best)
{
    json_t *o = acd_json_check(json_object());
    acd_json_set(o, "chosen",
                 best < ACD_FIT_FAMILIES ? acd_json_str(acd_fit_family_names[best]) : json_null());
    json_t *a = acd_json_check(json_array());
    for (size_t i = 0; i < ACD_FIT_FAMILIES; i++)
        acd_json_push(a, json_fit(&fits[i]));
    acd_json_set(o, "fits", a);
    return o;
}

static json_t *
json_ci(double p, double lo, double hi)
{
    json_t *o = acd_json_check(json_object());
    acd_json_set(o, "value", acd_json_real(p));
    json_t *ci = acd_json_check(json_array());
    acd_json_push(ci, acd_json_real(lo));
    acd_json_push(ci, acd_json_real(hi));
    acd_json_set(o, "ci95", ci);
    return o;
}

static json_t *
json_ctype(const struct acd_calib *c, const struct acd_calib_type *ty)
{
    char b1[16];
    json_t *o = acd_json_check(json_object());
    acd_json_set(o, "name", acd_json_str(ty->name));
    acd_json_set(o, "offered", json_integer((json_int_t)ty->offered));
    acd_json_set(o, "fresh", json_integer((json_int_t)ty->fresh));
    acd_json_set(o, "retrials", json_integer((json_int_t)ty->retrials));
    acd_json_set(o, "answered", json_integer((json_int_t)ty->answered));
    acd_json_set(o, "abandoned", json_integer((json_int_t)ty->abandoned));
    acd_json_set(o, "instant_hangups", json_integer((json_int_t)ty->instant));
    acd_json_set(o, "blocked", json_integer((json_int_t)ty->blocked));
    json_t *h = json_fits(ty->handle_fit, ty->handle_best);
    acd_json_set(h, "sample_mean",
                 json_ci(ty->handle_mean, ty->handle_mean_lo, ty->handle_mean_hi));
    acd_json_set(o, "handle_time", h);
    json_t *p = json_fits(ty->patience_fit, ty->patience_best);
    acd_json_set(p, "events", json_integer((json_int_t)ty->patience.n_event));
    acd_json_set(p, "censored", json_integer((json_int_t)ty->patience.n_censored));
    acd_json_set(p, "km_median_s", acd_json_real(ty->km_median_s));
    acd_json_set(p, "empirical", json_boolean(ty->patience_empirical));
    json_t *km = acd_json_check(json_array());
    if (ty->km)
        for (size_t i = 0; i < ty->km->n; i++) {
            json_t *row = acd_json_check(json_array());
            acd_json_push(row, acd_json_real(ty->km->t_s[i]));
            acd_json_push(row, acd_json_real(ty->km->surv[i]));
            acd_json_push(row, acd_json_real(ty->km->lo[i]));
            acd_json_push(row, acd_json_real(ty->km->hi[i]));
            acd_json_push(row, json_integer((json_int_t)ty->km->at_risk[i]));
            acd_json_push(km, row);
        }
    acd_json_set(p, "km", km);
    acd_json_set(o, "patience", p);
    json_t *b = json_ci(ty->balk, ty->balk_lo, ty->balk_hi);
    acd_json_set(b, "patience_gives", acd_json_real(ty->instant_expected));
    acd_json_set(b, "balk", acd_json_real(ty->balk_excess));
    acd_json_set(o, "instant_hangups_share", b);
    if (ty->has_retry) {
        json_t *r = acd_json_check(json_object());
        acd_json_set(r, "p_first", json_ci(ty->p_first, ty->p_first_lo, ty->p_first_hi));
        acd_json_set(r, "first_abandons", json_integer((json_int_t)ty->abandons1));
        acd_json_set(r, "retried", json_integer((json_int_t)ty->retried1));
        acd_json_set(r, "exposure", acd_json_real(ty->exposure1));
        acd_json_set(r, "p_later", json_ci(ty->p_later, ty->p_later_lo, ty->p_later_hi));
        acd_json_set(r, "delay", json_fit(&ty->delay));
        acd_json_set(r, "longest_chain", json_integer(ty->max_chain));
        acd_json_set(o, "retry", r);
    } else {
        acd_json_set(o, "retry", json_null());
    }
    json_t *ar = acd_json_check(json_array());
    for (size_t s = c->first; s <= c->last; s++) {
        json_t *row = acd_json_check(json_object());
        acd_json_set(row, "start", acd_json_str(acd_calib_clock(c, s, b1)));
        acd_json_set(row, "calls", acd_json_real(ty->rate[s]));
        json_t *ci = acd_json_check(json_array());
        acd_json_push(ci, acd_json_real(ty->rate_lo[s]));
        acd_json_push(ci, acd_json_real(ty->rate_hi[s]));
        acd_json_set(row, "ci95", ci);
        json_t *band = acd_json_check(json_array());
        acd_json_push(band, acd_json_real(ty->day_lo[s]));
        acd_json_push(band, acd_json_real(ty->day_hi[s]));
        acd_json_set(row, "day_band", band);
        acd_json_push(ar, row);
    }
    acd_json_set(o, "arrivals", ar);
    return o;
}

static char *
json_text(const struct acd_calib *c, const struct acd_calllog_stats *st, const char *log_name)
{
    char b1[16];
    json_t *root = acd_json_check(json_object());
    acd_json_set(root, "log", acd_json_str(log_name));
    json_t *rows = acd_json_check(json_object());
    acd_json_set(rows, "read", json_integer((json_int_t)st->rows));
    acd_json_set(rows, "used", json_integer((json_int_t)st->used));
    acd_json_set(rows, "ignored", json_integer((json_int_t)st->ignored));
    acd_json_set(rows, "not_queued", json_integer((json_int_t)st->not_queued));
    json_t *sk = acd_json_check(json_object());
    for (int i = 0; i < ACD_CALLLOG_SKIP_REASONS; i++) {
        json_t *r = acd_json_check(json_object());
        acd_json_set(r, "count", json_integer((json_int_t)st->skipped[i]));
        acd_json_set(r, "first_line",
                     st->first_skip_line[i] ? json_integer((json_int_t)st->first_skip_line[i])
                                            : json_null());
        acd_json_set(sk, acd_calllog_skip_names[i], r);
    }
    acd_json_set(rows, "skipped", sk);
    acd_json_set(root, "rows", rows);
    acd_json_set(root, "days", json_integer((json_int_t)c->n_days));
    acd_json_set(root, "profile_days", json_integer((json_int_t)c->n_used_days));
    acd_json_set(root, "interval_s", acd_json_real(c->o.interval_s));
    acd_json_set(root, "open", acd_json_str(acd_calib_clock(c, c->first, b1)));
    acd_json_set(root, "close", acd_json_str(acd_calib_clock(c, c->last + 1, b1)));
    acd_json_set(root, "busyness_cv", acd_json_real(c->busyness_cv));
    acd_json_set(root, "untracked_customers", json_integer((json_int_t)c->untracked));
    json_t *types = acd_json_check(json_array());
    for (size_t t = 0; t < c->n_types; t++)
        acd_json_push(types, json_ctype(c, &c->types[t]));
    acd_json_set(root, "call_types", types);
    json_t *ag = acd_json_check(json_object());
    acd_json_set(ag, "from", acd_json_str(c->agents_from));
    acd_json_set(ag, "availability", acd_json_real(c->availability));
    acd_json_set(ag, "availability_fitted", json_boolean(c->availability_fitted));
    acd_json_set(ag, "log_abandon_rate", acd_json_real(c->actual_abandon));
    acd_json_set(ag, "simulated_abandon_rate_seen", acd_json_real(c->seen_abandon));
    acd_json_set(ag, "simulated_abandon_rate_fitted", acd_json_real(c->fitted_abandon));
    json_t *ia = acd_json_check(json_array());
    for (size_t s = c->first; s <= c->last; s++) {
        json_t *row = acd_json_check(json_object());
        acd_json_set(row, "start", acd_json_str(acd_calib_clock(c, s, b1)));
        acd_json_set(row, "agents", acd_json_real(c->agents[s]));
        acd_json_set(row, "seen", acd_json_real(c->agents_seen[s]));
        acd_json_set(row, "busy_s", acd_json_real(c->busy_mean[s]));
        acd_json_set(row, "occupancy", acd_json_real(c->occupancy[s]));
        acd_json_push(ia, row);
    }
    acd_json_set(ag, "intervals", ia);
    acd_json_set(root, "agents", ag);
    return acd_json_dump(root, false, 0);
}

int
acd_calib_write_json(FILE *out, const struct acd_calib *c, const struct acd_calllog_stats *st,
                     const char *log_name)
{
    return acd_json_put(out, json_text(c, st, log_name));
}

/* ----------------------------------------------------------- charts */

static const char *
type_name(const void *ud, size_t i)
{
    return ((const struct acd_calib *)ud)->types[i].name;
}

static char *
common_vars(const struct acd_calib *c, const char *log_name)
{
    char *s = NULL;
    size_t len = 0;
    FILE *f = acd_xmemstream_open(&s, &len);
    fputs("scenario = ", f);
    acd_plot_string(f, log_name);
    fputc('\n', f);
    acd_plot_array(f, "panels", c->n_types, type_name, c);
    fprintf(f, "n_panels = %zu\n", c->n_types);
    acd_plot_var(f, "open_s", (double)c->first * c->o.interval_s);
    acd_plot_var(f, "close_s", (double)(c->last + 1) * c->o.interval_s);
    acd_xmemstream_close(f);
    return s;
}

#define HIST_BINS 40

/* Type t's histogram range: the chosen fit's 98th percentile (3 means
 * if that is not finite), at least the mean. */
static double
handle_xmax(const struct acd_calib_type *ty)
{
    if (ty->handle_best >= ACD_FIT_FAMILIES)
        return ty->handle.n_kept && ty->handle.max > 0 ? ty->handle.max : 600;
    const struct acd_fit *b = &ty->handle_fit[ty->handle_best];
    double q = acd_calib_quantile(b, 0.98);
    return isfinite(q) && q > b->mean ? q : 3 * b->mean;
}

/* Per type one block (blank lines between): bin center, density of the
 * sample (reservoir), then the density of each family (NaN if no fit). */
static char *
handle_data(const struct acd_calib *c)
{
    char *s = NULL;
    size_t len = 0;
    FILE *f = acd_xmemstream_open(&s, &len);
    for (size_t t = 0; t < c->n_types; t++) {
        const struct acd_calib_type *ty = &c->types[t];
        double w = handle_xmax(ty) / HIST_BINS;
        size_t counts[HIST_BINS] = {0};
        for (size_t i = 0; i < ty->handle.n_kept; i++) {
            double b = floor(ty->handle.kept[i] / w);
            if (b >= 0 && b < HIST_BINS)
                counts[(size_t)b]++;
        }
        double n = ty->handle.n_kept ? (double)ty->handle.n_kept : 1;
        for (size_t b = 0; b < HIST_BINS; b++) {
            double x = ((double)b + 0.5) * w;
            acd_plot_num(f, x);
            acd_plot_num(f, (double)counts[b] / n / w);
            for (size_t k = 0; k < ACD_FIT_FAMILIES; k++)
                acd_plot_num(f,
                             ty->handle_fit[k].ok ? acd_calib_pdf(&ty->handle_fit[k], x) : ACD_NAN);
            fputc('\n', f);
        }
        fputs("\n\n", f);
    }
    acd_xmemstream_close(f);
    return s;
}

/* xmax[p]: each panel's x range. */
static char *
range_vars(const struct acd_calib *c, bool patience)
{
    char *s = NULL;
    size_t len = 0;
    FILE *f = acd_xmemstream_open(&s, &len);
    fprintf(f, "array xmax[%zu] = [", c->n_types ? c->n_types : 1);
    for (size_t t = 0; t < c->n_types; t++) {
        const struct acd_calib_type *ty = &c->types[t];
        double x =
            patience ? (ty->km && ty->km->n ? ty->km->t_s[ty->km->n - 1] : 60) : handle_xmax(ty);
        fprintf(f, "%s%.17g", t ? ", " : "", x > 0 ? x : 60);
    }
    fputs(c->n_types ? "]\n" : "1]\n", f);
    acd_xmemstream_close(f);
    return s;
}

/* Per type one block: t, KM survival, band lo, hi, the chosen fit's
 * survival; each event time twice (the values before it, then after it)
 * so that lines and bands draw as steps. */
static char *
patience_data(const struct acd_calib *c)
{
    char *s = NULL;
    size_t len = 0;
    FILE *f = acd_xmemstream_open(&s, &len);
    for (size_t t = 0; t < c->n_types; t++) {
        const struct acd_calib_type *ty = &c->types[t];
        const struct acd_fit *fit =
            ty->patience_best < ACD_FIT_FAMILIES ? &ty->patience_fit[ty->patience_best] : NULL;
        double sv = 1, lo = 1, hi = 1;
        for (size_t i = 0; i <= (ty->km ? ty->km->n : 0); i++) {
            double x = i == 0 ? 0 : ty->km->t_s[i - 1];
            for (int after = 0; after < 2; after++) {
                if (after && i > 0) {
                    sv = ty->km->surv[i - 1];
                    lo = ty->km->lo[i - 1];
                    hi = ty->km->hi[i - 1];
                }
                acd_plot_num(f, x);
                acd_plot_num(f, sv);
                acd_plot_num(f, lo);
                acd_plot_num(f, hi);
                acd_plot_num(f, fit ? acd_calib_sf(fit, x) : ACD_NAN);
                fputc('\n', f);
            }
        }
        fputs("\n\n", f);
    }
    acd_xmemstream_close(f);
    return s;
}

/* Two lines per interval (its start and its end, so bands and lines
 * draw as steps): time, then per type the calls per day, band lo, hi, CI
 * lo, hi. */
static char *
arrivals_data(const struct acd_calib *c)
{
    char *s = NULL;
    size_t len = 0;
    FILE *f = acd_xmemstream_open(&s, &len);
    for (size_t k = c->first; k <= c->last; k++)
        for (int edge = 0; edge < 2; edge++) {
            acd_plot_num(f, (double)(k + (size_t)edge) * c->o.interval_s);
            for (size_t t = 0; t < c->n_types; t++) {
                const struct acd_calib_type *ty = &c->types[t];
                acd_plot_num(f, ty->rate[k]);
                acd_plot_num(f, ty->day_lo[k]);
                acd_plot_num(f, ty->day_hi[k]);
                acd_plot_num(f, ty->rate_lo[k]);
                acd_plot_num(f, ty->rate_hi[k]);
            }
            fputc('\n', f);
        }
    acd_xmemstream_close(f);
    return s;
}

int
acd_calib_write_dir(const char *dir, const struct acd_calib *c, const struct acd_calllog_stats *st,
                    const char *log_name, FILE *err)
{
    size_t nf = 0, cap = 2 + c->n_types;
    struct acd_outdir_text *files = acd_xcalloc(cap, sizeof *files);
    char **names = acd_xcalloc(cap, sizeof *names), **texts = acd_xcalloc(cap, sizeof *texts);
    size_t len = 0;
    FILE *f = acd_xmemstream_open(&texts[nf], &len);
    acd_calib_write_scenario(c, log_name, f);
    acd_xmemstream_close(f);
    files[nf] = (struct acd_outdir_text){"calibrated.yaml", texts[nf], strlen(texts[nf])};
    nf++;
    texts[nf] = json_text(c, st, log_name);
    files[nf] = (struct acd_outdir_text){"calibration.json", texts[nf], strlen(texts[nf])};
    nf++;
    for (size_t t = 0; t < c->n_types; t++) {
        if (!c->types[t].patience_empirical)
            continue;
        names[nf] = acd_calib_patience_file(c, t);
        f = acd_xmemstream_open(&texts[nf], &len);
        acd_calib_write_patience(c, t, f);
        acd_xmemstream_close(f);
        files[nf] = (struct acd_outdir_text){names[nf], texts[nf], strlen(texts[nf])};
        nf++;
    }
    char *vars = common_vars(c, log_name);
    char *hr = range_vars(c, false), *pr = range_vars(c, true);
    char *hvars = acd_xasprintf("%s%s", vars, hr), *pvars = acd_xasprintf("%s%s", vars, pr);
    char *hd = handle_data(c), *pd = patience_data(c), *ad = arrivals_data(c);
    const struct acd_plot_extra charts[] = {
        {.name = "calib_handle",
         .title = "Handle time per call type: histogram and fitted densities",
         .script = acd_plot_calib_handle_text,
         .data = hd,
         .vars = hvars},
        {.name = "calib_patience",
         .title = "Patience per call type: Kaplan-Meier survival with its 95% band and the fit",
         .script = acd_plot_calib_patience_text,
         .data = pd,
         .vars = pvars},
        {.name = "calib_arrivals",
         .title = "Fresh calls per interval: the mean day, its CI and the day-to-day band",
         .script = acd_plot_calib_arrivals_text,
         .data = ad,
         .vars = vars},
    };
    const struct acd_outdir_extra extra = {
        .n_files = nf, .files = files, .n_charts = ACD_ARRAY_LEN(charts), .charts = charts};
    struct acd_report_opts o = {0};
    int rc = acd_outdir_write(dir, NULL, &o, &extra, err);
    for (size_t i = 0; i < cap; i++) {
        free(names[i]);
        free(texts[i]);
    }
    free(names);
    free(texts);
    free(files);
    free(vars);
    free(hvars);
    free(pvars);
    free(hr);
    free(pr);
    free(hd);
    free(pd);
    free(ad);
    return rc;
}
