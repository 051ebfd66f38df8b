/*
 * dist: the table of named distributions. Each entry validates its
 * parameters at parse time and precomputes its sampler's constants, so
 * sampling is one call with no checks. Means are in seconds.
 */
#include "acdsim/dist.h"
#include "acdsim/diag.h"
#include "units.h"
#include "util.h"

#include <errno.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static int
check_mean(const struct acd_dist_params *p, char *err, size_t errlen)
{
    if (!(p->mean_s > 0) || !isfinite(p->mean_s))
        return fail(err, errlen, "mean must be a positive duration, got %g s", p->mean_s);
    return 0;
}

static int
check_cv(const struct acd_dist_params *p, char *err, size_t errlen)
{
    if (!(p->cv >= 0) || !isfinite(p->cv))
        return fail(err, errlen, "cv must be a number >= 0, got %g", p->cv);
    return 0;
}

/* --- samplers -------------------------------------------------------- */

/* -mean * log(U), U in (0,1): the same law as gsl_ran_exponential, which
 * uses log1p(-U); glibc's log is about twice as fast as log1p, and this is
 * the hottest sampler (every inter-arrival time). */
static double
sample_exponential(const struct acd_dist *d, gsl_rng *r)
{
    return -d->a * log(gsl_rng_uniform_pos(r));
}

static double
sample_deterministic(const struct acd_dist *d, gsl_rng *r)
{
    (void)r;
    return d->a;
}

static double
sample_gamma(const struct acd_dist *d, gsl_rng *r)
{
    return gsl_ran_gamma(r, d->a, d->b);
}

static double
sample_lognormal(const struct acd_dist *d, gsl_rng *r)
{
    return gsl_ran_lognormal(r, d->a, d->b);
}

static double
sample_uniform(const struct acd_dist *d, gsl_rng *r)
{
    return d->a + d->b * gsl_rng_uniform(r);
}

/* Inverse CDF of the triangular law on [a, a + b] with mode c: F(c) =
 * (c - a) / b. */
static double
sample_triangular(const struct acd_dist *d, gsl_rng *r)
{
    double u = gsl_rng_uniform(r), lo = d->c - d->a, hi = d->a + d->b - d->c;
    if (u * d->b < lo)
        return d->a + sqrt(u * d->b * lo);
    return d->a + d->b - sqrt((1 - u) * d->b * hi);
}

static double
sample_weibull(const struct acd_dist *d, gsl_rng *r)
{
    return gsl_ran_weibull(r, d->a, d->b);
}

/* Two exponential phases: mean b with probability a, else mean c. */
static double
sample_hyperexponential(const struct acd_dist *d, gsl_rng *r)
{
    double m = gsl_rng_uniform(r) < d->a ? d->b : d->c;
    return -m * log(gsl_rng_uniform_pos(r));
}

static double
sample_empirical(const struct acd_dist *d, gsl_rng *r)
{
    return d->samples[gsl_rng_uniform_int(r, d->n_samples)];
}

/* --- setup ----------------------------------------------------------- */

static void
set_deterministic(struct acd_dist *d, double mean_s)
{
    d->sample = sample_deterministic;
    d->mean_s = mean_s;
    d->cv = 0;
    d->a = mean_s;
}

static int
setup_exponential(struct acd_dist *d, const struct acd_dist_params *p, char *err, size_t errlen)
{
    if (check_mean(p, err, errlen))
        return -1;
    acd_dist_exponential(d, p->mean_s);
    return 0;
}

static int
setup_deterministic(struct acd_dist *d, const struct acd_dist_params *p, char *err, size_t errlen)
{
    if (check_mean(p, err, errlen))
        return -1;
    set_deterministic(d, p->mean_s);
    return 0;
}

/* gamma(mean, cv): shape 1/cv^2, scale mean*cv^2; cv = 0 is deterministic. */
static int
setup_gamma(struct acd_dist *d, const struct acd_dist_params *p, char *err, size_t errlen)
{
    if (check_mean(p, err, errlen) || check_cv(p, err, errlen))
        return -1;
    if (p->cv == 0) {
        set_deterministic(d, p->mean_s);
        return 0;
    }
    if (p->cv > 100)
        return fail(err, errlen, "cv must be at most 100, got %g", p->cv);
    d->sample = sample_gamma;
    d->mean_s = p->mean_s;
    d->cv = p->cv;
    d->a = 1.0 / (p->cv * p->cv);
    d->b = p->mean_s * p->cv * p->cv;
    return 0;
}

/* erlang(mean, k): the sum of k exponentials, a gamma with integer shape. */
static int
setup_erlang(struct acd_dist *d, const struct acd_dist_params *p, char *err, size_t errlen)
{
    if (check_mean(p, err, errlen))
        return -1;
    if (!(p->k >= 1) || p->k != floor(p->k) || p->k > 1e6)
        return fail(err, errlen, "k must be a whole number >= 1, got %g", p->k);
    d->sample = sample_gamma;
    d->mean_s = p->mean_s;
    d->cv = 1.0 / sqrt(p->k);
    d->a = p->k;
    d->b = p->mean_s / p->k;
    return 0;
}

/* lognormal(mean, cv): sigma^2 = ln(1 + cv^2), mu = ln(mean) - sigma^2/2. */
static int
setup_lognormal(struct acd_dist *d, const struct acd_dist_params *p, char *err, size_t errlen)
{
    if (check_mean(p, err, errlen) || check_cv(p, err, errlen))
        return -1;
    if (p->cv == 0) {
        set_deterministic(d, p->mean_s);
        return 0;
    }
    if (p->cv > 100)
        return fail(err, errlen, "cv must be at most 100, got %g", p->cv);
    double s2 = log1p(p->cv * p->cv);
    d->sample = sample_lognormal;
    d->mean_s = p->mean_s;
    d->cv = p->cv;
    d->a = log(p->mean_s) - s2 / 2;
    d->b = sqrt(s2);
    return 0;
}

static int
setup_uniform(struct acd_dist *d, const struct acd_dist_params *p, char *err, size_t errlen)
{
    if (!(p->min_s >= 0) || !isfinite(p->min_s))
        return fail(err, errlen, "min must be a duration >= 0, got %g s", p->min_s);
    if (!(p->max_s > p->min_s) || !isfinite(p->max_s))
        return fail(err, errlen, "max must be greater than min (%g s), got %g s", p->min_s,
                    p->max_s);
    double mean = (p->min_s + p->max_s) / 2;
    if ((p->have & ACD_DP_MEAN) && fabs(p->mean_s - mean) > 1e-9 * mean)
        return fail(err, errlen, "mean %g s contradicts min and max (their midpoint is %g s)",
                    p->mean_s, mean);
    d->sample = sample_uniform;
    d->mean_s = mean;
    d->cv = (p->max_s - p->min_s) / (mean * sqrt(12.0));
    d->a = p->min_s;
    d->b = p->max_s - p->min_s;
    return 0;
}

/* triangular(min, mode, max): mean (min + mode + max) / 3, variance
 * (min^2 + mode^2 + max^2 - min mode - min max - mode max) / 18. */
static int
setup_triangular(struct acd_dist *d, const struct acd_dist_params *p, char *err, size_t errlen)
{
    double lo = p->min_s, mo = p->mode_s, hi = p->max_s;
    if (!(lo >= 0) || !isfinite(lo))
        return fail(err, errlen, "min must be a duration >= 0, got %g s", lo);
    if (!(hi > lo) || !isfinite(hi))
        return fail(err, errlen, "max must be greater than min (%g s), got %g s", lo, hi);
    if (!(mo >= lo) || !(mo <= hi))
        return fail(err, errlen, "mode must lie between min (%g s) and max (%g s), got %g s", lo,
                    hi, mo);
    double mean = (lo + mo + hi) / 3;
    if ((p->have & ACD_DP_MEAN) && fabs(p->mean_s - mean) > 1e-9 * mean)
        return fail(err, errlen,
                    "mean %g s contradicts min, mode and max ((min + mode + max) / 3 is %g s)",
                    p->mean_s, mean);
    double var = (lo * lo + mo * mo + hi * hi - lo * mo - lo * hi - mo * hi) / 18;
    d->sample = sample_triangular;
    d->mean_s = mean;
    d->cv = sqrt(var > 0 ? var : 0) / mean;
    d->a = lo;
    d->b = hi - lo;
    d->c = mo;
    return 0;
}

/* Weibull cv as a function of the shape k, in logs: ln(1 + cv^2) =
 * lnGamma(1 + 2/k) - 2 lnGamma(1 + 1/k), decreasing in k. */
static double
weibull_gap(double k, void *target)
{
    return gsl_sf_lngamma(1 + 2 / k) - 2 * gsl_sf_lngamma(1 + 1 / k) - *(double *)target;
}

#define WEIBULL_CV_MIN 0.01
#define WEIBULL_CV_MAX 100.0

/* The Weibull shape with coefficient of variation cv (WEIBULL_CV_MIN..MAX):
 * Brent's method on the bracket [0.05, 500], which holds cv from about
 * 0.003 to 3000. */
static double
weibull_shape(double cv)
{
    double target = log1p(cv * cv);
    gsl_function f = {weibull_gap, &target};
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    ACD_ASSERT(s != NULL);
    gsl_root_fsolver_set(s, &f, 0.05, 500);
    double k = 1;
    for (int i = 0; i < 200; i++) {
        gsl_root_fsolver_iterate(s);
        k = gsl_root_fsolver_root(s);
        double lo = gsl_root_fsolver_x_lower(s), hi = gsl_root_fsolver_x_upper(s);
        if (gsl_root_test_interval(lo, hi, 0, 1e-14) == GSL_SUCCESS)
            break;
    }
    gsl_root_fsolver_free(s);
    return k;
}

/* weibull(mean, cv): shape k from cv (above), scale mean / Gamma(1 + 1/k);
 * cv = 0 is deterministic. */
static int
setup_weibull(struct acd_dist *d, const struct acd_dist_params *p, char *err, size_t errlen)
{
    if (check_mean(p, err, errlen) || check_cv(p, err, errlen))
        return -1;
    if (p->cv == 0) {
        set_deterministic(d, p->mean_s);
        return 0;
    }
    if (p->cv < WEIBULL_CV_MIN || p->cv > WEIBULL_CV_MAX)
        return fail(err, errlen,
                    "cv must be 0 or from %g to %g for the weibull distribution, got %g",
                    WEIBULL_CV_MIN, WEIBULL_CV_MAX, p->cv);
    double k = weibull_shape(p->cv);
    d->sample = sample_weibull;
    d->mean_s = p->mean_s;
    d->a = p->mean_s / gsl_sf_gamma(1 + 1 / k);
    d->b = k;
    /* The cv the shape actually gives (equal to p->cv to ~1e-12). */
    d->cv = sqrt(expm1(gsl_sf_lngamma(1 + 2 / k) - 2 * gsl_sf_lngamma(1 + 1 / k)));
    return 0;
}

/* hyperexponential(mean, cv), cv > 1: two exponential phases with balanced
 * means (each phase carries half the mean, p1/r1 = p2/r2): p = (1 +
 * sqrt((cv^2 - 1) / (cv^2 + 1))) / 2, rates 2p/mean and 2(1 - p)/mean. */
static int
setup_hyperexponential(struct acd_dist *d, const struct acd_dist_params *p, char *err,
                       size_t errlen)
{
    if (check_mean(p, err, errlen))
        return -1;
    if (!(p->cv > 1) || !(p->cv <= 100))
        return fail(err, errlen,
                    "cv must be greater than 1 and at most 100 for the hyperexponential "
                    "distribution, got %g",
                    p->cv);
    double c2 = p->cv * p->cv;
    double q = (1 + sqrt((c2 - 1) / (c2 + 1))) / 2;
    d->sample = sample_hyperexponential;
    d->mean_s = p->mean_s;
    d->cv = p->cv;
    d->a = q;
    d->b = p->mean_s / (2 * q);
    d->c = p->mean_s / (2 * (1 - q));
    return 0;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int
setup_empirical(struct acd_dist *d, const struct acd_dist_params *p, char *err, size_t errlen)
{
    (void)p;
    /* Samples are loaded by the parser (acd_dist_load_samples) into d first,
     * so that file errors carry their own file:line:col. */
    if (!d->samples || d->n_samples == 0)
        return fail(err, errlen, "empirical distribution has no samples");
    qsort(d->samples, d->n_samples, sizeof(double), cmp_double);
    double sum = 0, sum2 = 0;
    for (size_t i = 0; i < d->n_samples; i++)
        sum += d->samples[i];
    double mean = sum / (double)d->n_samples;
    for (size_t i = 0; i < d->n_samples; i++)
        sum2 += (d->samples[i] - mean) * (d->samples[i] - mean);
    if (!(mean > 0))
        return fail(err, errlen, "empirical samples must have a positive mean");
    d->sample = sample_empirical;
    d->mean_s = mean;
    d->cv = sqrt(sum2 / (double)d->n_samples) / mean;
    return 0;
}

static const struct acd_dist_type exponential = {
    .name = "exponential",
    .required = ACD_DP_MEAN,
    .allowed = ACD_DP_MEAN,
    .usage = "{dist: exponential, mean: DURATION}",
    .setup = setup_exponential,
    .sample = sample_exponential,
};
static const struct acd_dist_type deterministic = {
    .name = "deterministic",
    .required = ACD_DP_MEAN,
    .allowed = ACD_DP_MEAN,
    .usage = "{dist: deterministic, mean: DURATION}",
    .setup = setup_deterministic,
    .sample = sample_deterministic,
};
static const struct acd_dist_type erlang = {
    .name = "erlang",
    .required = ACD_DP_MEAN | ACD_DP_K,
    .allowed = ACD_DP_MEAN | ACD_DP_K,
    .usage = "{dist: erlang, mean: DURATION, k: INTEGER}",
    .setup = setup_erlang,
    .sample = sample_gamma,
};
static const struct acd_dist_type gamma_ = {
    .name = "gamma",
    .required = ACD_DP_MEAN | ACD_DP_CV,
    .allowed = ACD_DP_MEAN | ACD_DP_CV,
    .usage = "{dist: gamma, mean: DURATION, cv: NUMBER}",
    .setup = setup_gamma,
    .sample = sample_gamma,
};
static const struct acd_dist_type lognormal = {
    .name = "lognormal",
    .required = ACD_DP_MEAN | ACD_DP_CV,
    .allowed = ACD_DP_MEAN | ACD_DP_CV,
    .usage = "{dist: lognormal, mean: DURATION, cv: NUMBER}",
    .setup = setup_lognormal,
    .sample = sample_lognormal,
};
static const struct acd_dist_type uniform = {
    .name = "uniform",
    .required = ACD_DP_MIN | ACD_DP_MAX,
    .allowed = ACD_DP_MIN | ACD_DP_MAX | ACD_DP_MEAN,
    .usage = "{dist: uniform, min: DURATION, max: DURATION}",
    .setup = setup_uniform,
    .sample = sample_uniform,
};
static const struct acd_dist_type triangular = {
    .name = "triangular",
    .required = ACD_DP_MIN | ACD_DP_MODE | ACD_DP_MAX,
    .allowed = ACD_DP_MIN | ACD_DP_MODE | ACD_DP_MAX | ACD_DP_MEAN,
    .usage = "{dist: triangular, min: DURATION, mode: DURATION, max: DURATION}",
    .setup = setup_triangular,
    .sample = sample_triangular,
};
static const struct acd_dist_type weibull = {
    .name = "weibull",
    .required = ACD_DP_MEAN | ACD_DP_CV,
    .allowed = ACD_DP_MEAN | ACD_DP_CV,
    .usage = "{dist: weibull, mean: DURATION, cv: NUMBER}",
    .setup = setup_weibull,
    .sample = sample_weibull,
};
static const struct acd_dist_type hyperexponential = {
    .name = "hyperexponential",
    .required = ACD_DP_MEAN | ACD_DP_CV,
    .allowed = ACD_DP_MEAN | ACD_DP_CV,
    .usage = "{dist: hyperexponential, mean: DURATION, cv: NUMBER}",
    .setup = setup_hyperexponential,
    .sample = sample_hyperexponential,
};
static const struct acd_dist_type empirical = {
    .name = "empirical",
    .required = ACD_DP_FILE,
    .allowed = ACD_DP_FILE,
    .usage = "{dist: empirical, file: PATH}",
    .setup = setup_empirical,
    .sample = sample_empirical,
};

const struct acd_dist_type *const acd_dist_types[] = {
    &exponential, &deterministic, &erlang,           &gamma_,    &lognormal, &uniform,
    &triangular,  &weibull,       &hyperexponential, &empirical, NULL,
};

const struct acd_dist_type *
acd_dist_find(const char *name)
{
    for (size_t i = 0; acd_dist_types[i]; i++)
        if (strcmp(acd_dist_types[i]->name, name) == 0)
            return acd_dist_types[i];
    return NULL;
}

int
acd_dist_setup(struct acd_dist *d, const struct acd_dist_type *type,
               const struct acd_dist_params *p, char *err, size_t errlen)
{
    /* Keep samples a caller may have loaded for an empirical distribution. */
    double *samples = d->samples;
    size_t n_samples = d->n_samples;
    memset(d, 0, sizeof(*d));
    d->samples = samples;
    d->n_samples = n_samples;
    d->type = type;
    if (type->setup(d, p, err, errlen) != 0)
        return -1;
    ACD_ASSERT(d->sample != NULL);
    return 0;
}

void
acd_dist_exponential(struct acd_dist *d, double mean_s)
{
    d->type = &exponential;
    d->sample = sample_exponential;
    d->mean_s = mean_s;
    d->cv = 1;
    d->a = mean_s;
}

void
acd_dist_fini(struct acd_dist *d)
{
    free(d->samples);
    memset(d, 0, sizeof(*d));
}

long
acd_dist_load_samples(const char *path, double **out, struct acd_diags *diags)
{
    *out = NULL;
    FILE *f = fopen(path, "r");
    if (!f) {
        acd_diags_error(diags, path, 1, 1, "cannot open sample file: %s", strerror(errno));
        return -1;
    }
    double *v = NULL;
    size_t n = 0, cap = 0;
    char buf[256];
    unsigned line = 0;
    size_t errors_before = diags->n_errors;
    while (fgets(buf, sizeof(buf), f)) {
        line++;
        size_t len = strlen(buf);
        if (len == sizeof(buf) - 1 && buf[len - 1] != '\n') {
            acd_diags_error(diags, path, line, 1, "line too long (expected one number)");
            break;
        }
        char *hash = strchr(buf, '#');
        if (hash)
            *hash = '\0';
        char *s = buf;
        while (*s == ' ' || *s == '\t')
            s++;
        char *e = s + strlen(s);
        while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
            *--e = '\0';
        if (*s == '\0')
            continue;
        double x;
        if (acd_units_parse_duration(s, &x) != 0 || !(x >= 0) || !isfinite(x)) {
            acd_diags_error(diags, path, line, (unsigned)(s - buf) + 1,
                            "expected a non-negative duration, got '%s'", s);
            if (diags->n_errors - errors_before >= 20)
                break;
            continue;
        }
        v = acd_xgrow(v, &cap, n + 1, sizeof(*v));
        v[n++] = x;
    }
    fclose(f);
    if (diags->n_errors > errors_before) {
        free(v);
        return -1;
    }
    if (n == 0) {
        acd_diags_error(diags, path, 1, 1, "sample file has no samples");
        free(v);
        return -1;
    }
    *out = v;
    return (long)n;
}
