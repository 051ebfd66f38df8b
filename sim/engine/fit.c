/*
 * fit: the estimators behind `acdsim calibrate` (fit.h).
 *
 *   sample      exact sums of the positive values and a uniform reservoir
 *               (Vitter's algorithm R, splitmix64 with a fixed seed).
 *   families    one table entry per distribution: its uncensored MLE, its
 *               CDF and log survival, mean and cv, and the start of the
 *               censored search. Exponential, gamma, lognormal and Erlang
 *               use the exact sums; Weibull the reservoir (its shape solves
 *               the profile score equation).
 *   censored    1-second histograms; the Kaplan-Meier curve with Greenwood
 *               log-log bands; censored MLEs (exponential closed form,
 *               others by Nelder-Mead on log-parameters over the non-empty
 *               bins: an event weighs the probability of its bin, a
 *               censoring the survival at its bin's midpoint; the density
 *               at the midpoint instead biases the shape where it is steep
 *               near 0) with CIs from a numerical Hessian.
 *   counts      Garwood (Poisson) and Wilson (share) intervals.
 *
 * CIs of the mean and the cv come from the delta method on the log scale
 * (log mean and log cv as functions of the parameters, with their
 * covariance from the observed information), so they never go negative.
 *
 * GSL's special functions signal underflow (a survival of 1e-320 in a
 * tail the optimizer explores) through the error handler, which the
 * command line routes to an abort (acd_util_install_gsl_handler): the
 * public entry points turn it off while they compute, and every value is
 * checked for finiteness instead. They are not to run concurrently with
 * other GSL code on other threads.
 */
#include "acdsim/fit.h"

#include "util.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define Z95        1.959963984540054
#define LOG_2PI    1.837877066409345483560659472811
#define ERLANG_MAX 50u
/* The censored search stops when the simplex is this small (log units). */
#define SIMPLEX_TOL 1e-6
#define SIMPLEX_MAX 3000
/* A value no likelihood of a sensible parameter reaches (per event). */
#define PENALTY 1e10
/* The censored KS distance ignores the KM curve's tail below this. */
#define KS_MIN_AT_RISK 20u

const char *const acd_fit_family_names[ACD_FIT_FAMILIES] = {
    [ACD_FIT_EXPONENTIAL] = "exponential", [ACD_FIT_GAMMA] = "gamma",
    [ACD_FIT_LOGNORMAL] = "lognormal",     [ACD_FIT_ERLANG] = "erlang",
    [ACD_FIT_WEIBULL] = "weibull",
};

/* ---------------------------------------------------------------------------
 * The sample
 */

#define RESERVOIR_SEED 0x5eed0f0ca11106ULL

static uint64_t
splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void
acd_fit_sample_init(struct acd_fit_sample *s)
{
    memset(s, 0, sizeof *s);
    s->min = INFINITY;
    s->max = -INFINITY;
    s->rng = RESERVOIR_SEED;
}

void
acd_fit_sample_add(struct acd_fit_sample *s, double x)
{
    ACD_ASSERT(isfinite(x));
    s->n++;
    if (!(x > 0)) {
        s->n_zero++;
        return;
    }
    double lx = log(x);
    s->sum += x;
    s->sum2 += x * x;
    s->sum_log += lx;
    s->sum_log2 += lx * lx;
    if (x < s->min)
        s->min = x;
    if (x > s->max)
        s->max = x;
    /* Algorithm R: the i-th positive value replaces a kept one with
     * probability R / i (the modulo's bias is below i / 2^64). */
    uint64_t i = s->n - s->n_zero;
    if (!s->kept)
        s->kept = acd_xmalloc(ACD_FIT_RESERVOIR * sizeof *s->kept);
    if (s->n_kept < ACD_FIT_RESERVOIR) {
        s->kept[s->n_kept++] = x;
        return;
    }
    uint64_t j = splitmix64(&s->rng) % i;
    if (j < ACD_FIT_RESERVOIR)
        s->kept[j] = x;
}

void
acd_fit_sample_fini(struct acd_fit_sample *s)
{
    free(s->kept);
    s->kept = NULL;
    s->n_kept = 0;
}

static double
n_pos(const struct acd_fit_sample *s)
{
    return (double)(s->n - s->n_zero);
}

void
acd_fit_sample_mean(const struct acd_fit_sample *s, double *mean, double *lo, double *hi)
{
    double n = n_pos(s);
    if (n < 1) {
        *mean = *lo = *hi = ACD_NAN;
        return;
    }
    double m = s->sum / n;
    *mean = *lo = *hi = m;
    if (n < 2)
        return;
    double var = (s->sum2 - n * m * m) / (n - 1);
    if (var < 0)
        var = 0;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    double half = gsl_cdf_tdist_Pinv(0.975, n - 1) * sqrt(var / n);
    gsl_set_error_handler(old);
    *lo = m - half;
    *hi = m + half;
}

/* The reservoir sorted, as distinct values with their multiplicities
 * (logs hold whole seconds: a few thousand distinct values at most). */
struct distinct {
    size_t m;
    double *x, *w;
    double n;
};

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void
distinct_make(const struct acd_fit_sample *s, struct distinct *d)
{
    size_t n = s->n_kept;
    double *sorted = acd_xmalloc((n ? n : 1) * sizeof *sorted);
    if (n)
        memcpy(sorted, s->kept, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_double);
    d->x = sorted; /* compacted in place */
    d->w = acd_xmalloc((n ? n : 1) * sizeof *d->w);
    d->m = 0;
    d->n = (double)n;
    for (size_t i = 0; i < n; i++) {
        if (d->m && sorted[i] == d->x[d->m - 1]) {
            d->w[d->m - 1] += 1;
            continue;
        }
        d->x[d->m] = sorted[i];
        d->w[d->m++] = 1;
    }
}

static void
distinct_free(struct distinct *d)
{
    free(d->x);
    free(d->w);
}

/* ---------------------------------------------------------------------------
 * Families. Each works on a parameter vector v (at most 2 entries):
 *   exponential (log mean)       gamma (log shape, log scale)
 *   lognormal   (mu, log sigma)  erlang (log scale, k)
 *   weibull     (log shape, log scale)
 */

/* log Q(a, x) (the gamma survival), finite where Q underflows. */
static double
log_gamma_q(double a, double x)
{
    gsl_sf_result r;
    if (x <= 0)
        return 0;
    if (gsl_sf_gamma_inc_Q_e(a, x, &r) == GSL_SUCCESS && r.val > 1e-300)
        return log(r.val);
    if (x < a)
        return 0; /* P underflowed: Q is 1 */
    /* Q(a, x) ~ x^(a-1) e^-x / Gamma(a) (1 + (a-1)/x + (a-1)(a-2)/x^2) */
    double corr = 1 + (a - 1) / x + (a - 1) * (a - 2) / (x * x);
    return (a - 1) * log(x) - x - gsl_sf_lngamma(a) + log(corr > 1e-300 ? corr : 1e-300);
}

/* log of the standard normal survival, finite in the far tail. */
static double
log_normal_q(double z)
{
    if (z < 30)
        return log(gsl_cdf_ugaussian_Q(z));
    return -0.5 * z * z - log(z) - 0.5 * LOG_2PI + log1p(-1 / (z * z));
}

static double
exp_cdf(double x, const double *v)
{
    return gsl_cdf_exponential_P(x, exp(v[0]));
}

static double
exp_log_sf(double t, const double *v)
{
    return -t * exp(-v[0]);
}

static void
exp_moments(const double *v, double *mean, double *cv)
{
    *mean = exp(v[0]);
    *cv = 1;
}

static double
gamma_cdf(double x, const double *v)
{
    return gsl_cdf_gamma_P(x, exp(v[0]), exp(v[1]));
}

static double
gamma_log_sf(double t, const double *v)
{
    return log_gamma_q(exp(v[0]), t / exp(v[1]));
}

static void
gamma_moments(const double *v, double *mean, double *cv)
{
    *mean = exp(v[0] + v[1]);
    *cv = exp(-0.5 * v[0]);
}

static void
gamma_start(double mean, double *v)
{
    v[0] = 0;
    v[1] = log(mean);
}

static double
lognormal_cdf(double x, const double *v)
{
    return gsl_cdf_lognormal_P(x, v[0], exp(v[1]));
}

static double
lognormal_log_sf(double t, const double *v)
{
    return log_normal_q((log(t) - v[0]) / exp(v[1]));
}

static void
lognormal_moments(const double *v, double *mean, double *cv)
{
    double s2 = exp(2 * v[1]);
    *mean = exp(v[0] + 0.5 * s2);
    *cv = sqrt(expm1(s2));
}

static void
lognormal_start(double mean, double *v)
{
    v[0] = log(mean) - 0.5;
    v[1] = 0;
}

static double
erlang_cdf(double x, const double *v)
{
    return gsl_cdf_gamma_P(x, v[1], exp(v[0]));
}

static void
erlang_moments(const double *v, double *mean, double *cv)
{
    *mean = v[1] * exp(v[0]);
    *cv = 1 / sqrt(v[1]);
}

static double
weibull_cdf(double x, const double *v)
{
    return gsl_cdf_weibull_P(x, exp(v[1]), exp(v[0]));
}

static double
weibull_log_sf(double t, const double *v)
{
    return -exp(exp(v[0]) * (log(t) - v[1]));
}

static void
weibull_moments(const double *v, double *mean, double *cv)
{
    double ik = exp(-v[0]), l1 = gsl_sf_lngamma(1 + ik), l2 = gsl_sf_lngamma(1 + 2 * ik);
    *mean = exp(v[1] + l1);
    *cv = sqrt(expm1(l2 - 2 * l1));
}

static void
weibull_start(double mean, double *v)
{
    v[0] = 0;
    v[1] = log(mean);
}

/* The 95% CIs of the mean and the cv from the covariance cov (2 x 2, row
 * major) of the parameters v: delta method on log mean and log cv, with
 * numerical gradients. False when the covariance is not positive. */
static bool
delta_ci(void (*moments)(const double *, double *, double *), const double *v, const double *cov,
         struct acd_fit *f)
{
    if (!(cov[0] > 0) || !(cov[3] > 0) || !(cov[0] * cov[3] - cov[1] * cov[2] > 0))
        return false;
    double g_mean[2], g_cv[2];
    for (int i = 0; i < 2; i++) {
        double h = 1e-6 * fmax(1, fabs(v[i])), vp[2] = {v[0], v[1]}, vm[2] = {v[0], v[1]};
        double mp, cp, mm, cm;
        vp[i] += h;
        vm[i] -= h;
        moments(vp, &mp, &cp);
        moments(vm, &mm, &cm);
        g_mean[i] = (log(mp) - log(mm)) / (2 * h);
        g_cv[i] = (log(cp) - log(cm)) / (2 * h);
    }
    double var_m = g_mean[0] * g_mean[0] * cov[0] + 2 * g_mean[0] * g_mean[1] * cov[1] +
                   g_mean[1] * g_mean[1] * cov[3];
    double var_c =
        g_cv[0] * g_cv[0] * cov[0] + 2 * g_cv[0] * g_cv[1] * cov[1] + g_cv[1] * g_cv[1] * cov[3];
    moments(v, &f->mean, &f->cv);
    double hm = Z95 * sqrt(fmax(var_m, 0)), hc = Z95 * sqrt(fmax(var_c, 0));
    f->mean_lo = f->mean * exp(-hm);
    f->mean_hi = f->mean * exp(hm);
    f->cv_lo = f->cv * exp(-hc);
    f->cv_hi = f->cv * exp(hc);
    return isfinite(f->mean_lo) && isfinite(f->mean_hi) && isfinite(f->cv_lo) && isfinite(f->cv_hi);
}

/* Uncensored fits: fill f (mean, CIs, loglik) and v; false if none. */

static bool
fit_exponential(const struct acd_fit_sample *s, const struct distinct *d, struct acd_fit *f,
                double *v)
{
    (void)d;
    double n = n_pos(s), m = s->sum / n;
    v[0] = log(m);
    f->mean = m;
    f->mean_lo = 2 * n * m / gsl_cdf_chisq_Pinv(0.975, 2 * n);
    f->mean_hi = 2 * n * m / gsl_cdf_chisq_Pinv(0.025, 2 * n);
    f->cv = f->cv_lo = f->cv_hi = 1;
    f->loglik = -n * log(m) - n;
    return true;
}

/* Gamma log-likelihood of the exact sums, shape k, mean m: n[(k-1)L - k
 * log(m/k) - lnGamma(k) - k], L the mean of log x. */
static double
gamma_loglik(double n, double m, double L, double k)
{
    return n * ((k - 1) * L - k * log(m / k) - gsl_sf_lngamma(k) - k);
}

static bool
fit_gamma(const struct acd_fit_sample *s, const struct distinct *d, struct acd_fit *f, double *v)
{
    (void)d;
    double n = n_pos(s), m = s->sum / n, L = s->sum_log / n, gap = log(m) - L;
    if (!(s->max > s->min) || !(gap > 0))
        return false;
    /* log k - psi(k) = gap, by Newton on y = log k from Minka's start. */
    double k = (3 - gap + sqrt((gap - 3) * (gap - 3) + 24 * gap)) / (12 * gap), y = log(k);
    bool converged = false;
    for (int it = 0; it < 100 && !converged; it++) {
        k = exp(y);
        double g = y - gsl_sf_psi(k) - gap, dg = 1 - k * gsl_sf_psi_1(k);
        if (!isfinite(g) || !(dg < 0))
            return false;
        double step = g / dg;
        y -= step;
        converged = fabs(step) < 1e-12;
    }
    k = exp(y);
    if (!converged || !isfinite(k))
        return false;
    /* In (k, mean) the information is diagonal: n (psi_1(k) - 1/k) and
     * n k / mean^2. v = (log k, log theta = log mean - log k). */
    double var_logk = 1 / (n * k * k * (gsl_sf_psi_1(k) - 1 / k)), var_logm = 1 / (n * k);
    double cov[4] = {var_logk, -var_logk, -var_logk, var_logm + var_logk};
    v[0] = y;
    v[1] = log(m) - y;
    f->loglik = gamma_loglik(n, m, L, k);
    return delta_ci(gamma_moments, v, cov, f);
}

static bool
fit_lognormal(const struct acd_fit_sample *s, const struct distinct *d, struct acd_fit *f,
              double *v)
{
    (void)d;
    double n = n_pos(s), mu = s->sum_log / n, s2 = s->sum_log2 / n - mu * mu;
    if (!(s->max > s->min) || !(s2 > 0))
        return false;
    v[0] = mu;
    v[1] = 0.5 * log(s2);
    double cov[4] = {s2 / n, 0, 0, 1 / (2 * n)};
    f->loglik = -0.5 * n * (LOG_2PI + log(s2)) - 0.5 * n - s->sum_log;
    return delta_ci(lognormal_moments, v, cov, f);
}

static bool
fit_erlang(const struct acd_fit_sample *s, const struct distinct *d, struct acd_fit *f, double *v)
{
    (void)d;
    double n = n_pos(s), m = s->sum / n, L = s->sum_log / n, best = -INFINITY;
    unsigned kb = 1;
    for (unsigned k = 1; k <= ERLANG_MAX; k++) {
        double ll = gamma_loglik(n, m, L, k);
        if (ll > best) {
            best = ll;
            kb = k;
        }
    }
    if (!isfinite(best))
        return false;
    f->k = kb;
    f->loglik = best;
    v[0] = log(m / kb);
    v[1] = kb;
    f->mean = m;
    double h = Z95 / sqrt(n * kb);
    f->mean_lo = m * exp(-h);
    f->mean_hi = m * exp(h);
    f->cv = f->cv_lo = f->cv_hi = 1 / sqrt((double)kb);
    return true;
}

/* Weibull: the profile score in the shape k, on y = x / max (the score
 * does not change with the scale of x): sum w y^k log y / sum w y^k - 1/k
 * - mean log y, increasing from -inf to a positive limit. */
struct weibull_data {
    const struct distinct *d;
    const double *ly; /* log y */
    double mean_ly;
};

static double
weibull_score(double k, void *arg)
{
    const struct weibull_data *wd = arg;
    double a = 0, b = 0;
    for (size_t i = 0; i < wd->d->m; i++) {
        double e = wd->d->w[i] * exp(k * wd->ly[i]);
        a += e * wd->ly[i];
        b += e;
    }
    return a / b - 1 / k - wd->mean_ly;
}

static bool
weibull_shape(const struct weibull_data *wd, double *k_out)
{
    double lo = 0.05, hi = 2;
    gsl_function fn = {weibull_score, (void *)wd};
    while (weibull_score(lo, (void *)wd) > 0 && lo > 1e-4)
        lo /= 2;
    while (weibull_score(hi, (void *)wd) < 0 && hi < 1e4)
        hi *= 2;
    if (!(weibull_score(lo, (void *)wd) < 0) || !(weibull_score(hi, (void *)wd) > 0))
        return false;
    gsl_root_fsolver *rs = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!rs)
        acd_oom(0);
    gsl_root_fsolver_set(rs, &fn, lo, hi);
    int status = GSL_CONTINUE;
    for (int it = 0; it < 200 && status == GSL_CONTINUE; it++) {
        if (gsl_root_fsolver_iterate(rs) != GSL_SUCCESS)
            break;
        status = gsl_root_test_interval(gsl_root_fsolver_x_lower(rs), gsl_root_fsolver_x_upper(rs),
                                        0, 1e-12);
    }
    *k_out = gsl_root_fsolver_root(rs);
    gsl_root_fsolver_free(rs);
    return status == GSL_SUCCESS;
}

static bool
fit_weibull(const struct acd_fit_sample *s, const struct distinct *d, struct acd_fit *f, double *v)
{
    if (d->m < 2)
        return false;
    double lmax = log(d->x[d->m - 1]), *ly = acd_xmalloc(d->m * sizeof *ly), mean_ly = 0;
    for (size_t i = 0; i < d->m; i++) {
        ly[i] = log(d->x[i]) - lmax;
        mean_ly += d->w[i] * ly[i];
    }
    struct weibull_data wd = {d, ly, mean_ly / d->n};
    double k;
    bool ok = weibull_shape(&wd, &k);
    double sz = 0;
    for (size_t i = 0; ok && i < d->m; i++)
        sz += d->w[i] * exp(k * ly[i]);
    free(ly);
    if (!ok)
        return false;
    double log_lambda = lmax + log(sz / d->n) / k;
    /* The observed information of the reservoir in (u, w) = (log k, log
     * lambda), lz = log z = k (log x - w): the log density is u + lz - log x
     * - z, so -d2/du2 = sum (1 + z lz^2) (with the score equation), -d2/dudw
     * = -k sum (z - 1 + z lz), -d2/dw2 = k^2 sum z. */
    double hkk = 0, hkl = 0, hll = 0;
    for (size_t i = 0; i < d->m; i++) {
        double lz = k * (log(d->x[i]) - log_lambda), z = exp(lz), w = d->w[i];
        hkk += w * (1 + z * lz * lz);
        hkl -= w * k * (z - 1 + z * lz);
        hll += w * k * k * z;
    }
    double det = hkk * hll - hkl * hkl;
    if (!(det > 0))
        return false;
    double cov[4] = {hll / det, -hkl / det, -hkl / det, hkk / det};
    v[0] = log(k);
    v[1] = log_lambda;
    /* sum over all n of (x/lambda)^k is n at the MLE (estimated from the
     * reservoir); sum log x is exact. */
    double n = n_pos(s);
    f->loglik = n * log(k) - n * k * log_lambda + (k - 1) * s->sum_log - n;
    return delta_ci(weibull_moments, v, cov, f);
}

/* KS distance between the empirical CDF of d and cdf (ties handled: the
 * step at x goes from below / n to (below + w) / n). */
static double
ks_distance(const struct distinct *d, double (*cdf)(double, const double *), const double *v)
{
    double below = 0, ks = 0;
    for (size_t i = 0; i < d->m; i++) {
        double F = cdf(d->x[i], v), lo = below / d->n, hi = (below + d->w[i]) / d->n;
        double gap = fmax(fabs(F - lo), fabs(F - hi));
        if (!isfinite(F))
            return ACD_NAN;
        if (gap > ks)
            ks = gap;
        below += d->w[i];
    }
    return ks;
}

/* ---------------------------------------------------------------------------
 * Censored data, as the non-empty bins at their midpoints.
 */

struct bins {
    size_t m;
    double *t, *d, *c; /* midpoint, events, censored */
    double n;
};

struct family;
struct cens_fn {
    const struct family *fam;
    const struct bins *b;
};

static bool fit_censored_exponential(const struct family *fam, const struct bins *b,
                                     const struct acd_fit_censored *c, struct acd_fit *f,
                                     double *v);
static bool fit_censored_numeric(const struct family *fam, const struct bins *b,
                                 const struct acd_fit_censored *c, struct acd_fit *f, double *v);

/* One family: its parameters (p: counted by AIC), its uncensored fit, its
 * censored fit (NULL: none), and the functions of v they use. */
struct family {
    unsigned p;
    bool (*fit)(const struct acd_fit_sample *s, const struct distinct *d, struct acd_fit *f,
                double *v);
    bool (*fit_censored)(const struct family *fam, const struct bins *b,
                         const struct acd_fit_censored *c, struct acd_fit *f, double *v);
    double (*cdf)(double x, const double *v);
    double (*log_sf)(double t, const double *v);
    void (*moments)(const double *v, double *mean, double *cv);
    void (*start)(double mean, double *v); /* censored search, from the exponential mean */
};

static const struct family families[ACD_FIT_FAMILIES] = {
    [ACD_FIT_EXPONENTIAL] = {1, fit_exponential, fit_censored_exponential, exp_cdf, exp_log_sf,
                             exp_moments, NULL},
    [ACD_FIT_GAMMA] = {2, fit_gamma, fit_censored_numeric, gamma_cdf, gamma_log_sf, gamma_moments,
                       gamma_start},
    [ACD_FIT_LOGNORMAL] = {2, fit_lognormal, fit_censored_numeric, lognormal_cdf, lognormal_log_sf,
                           lognormal_moments, lognormal_start},
    [ACD_FIT_ERLANG] = {2, fit_erlang, NULL, erlang_cdf, NULL, erlang_moments, NULL},
    [ACD_FIT_WEIBULL] = {2, fit_weibull, fit_censored_numeric, weibull_cdf, weibull_log_sf,
                         weibull_moments, weibull_start},
};

static void
fit_clear(struct acd_fit *f, enum acd_fit_family fam)
{
    *f = (struct acd_fit){.family = fam,
                          .mean = ACD_NAN,
                          .mean_lo = ACD_NAN,
                          .mean_hi = ACD_NAN,
                          .cv = ACD_NAN,
                          .cv_lo = ACD_NAN,
                          .cv_hi = ACD_NAN,
                          .loglik = ACD_NAN,
                          .aic = ACD_NAN,
                          .ks = ACD_NAN};
}

static bool
fit_finite(const struct acd_fit *f)
{
    return isfinite(f->mean) && isfinite(f->mean_lo) && isfinite(f->mean_hi) && isfinite(f->cv) &&
           isfinite(f->cv_lo) && isfinite(f->cv_hi) && isfinite(f->loglik) && isfinite(f->aic) &&
           isfinite(f->ks);
}

/* The index of the least AIC among the fits ok (ACD_FIT_FAMILIES if none). */
static size_t
best_aic(const struct acd_fit out[ACD_FIT_FAMILIES])
{
    size_t best = ACD_FIT_FAMILIES;
    for (size_t i = 0; i < ACD_FIT_FAMILIES; i++)
        if (out[i].ok && (best == ACD_FIT_FAMILIES || out[i].aic < out[best].aic))
            best = i;
    return best;
}

size_t
acd_fit_all(const struct acd_fit_sample *s, struct acd_fit out[ACD_FIT_FAMILIES])
{
    for (size_t i = 0; i < ACD_FIT_FAMILIES; i++)
        fit_clear(&out[i], (enum acd_fit_family)i);
    if (n_pos(s) < 2)
        return ACD_FIT_FAMILIES;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    struct distinct d;
    distinct_make(s, &d);
    for (size_t i = 0; i < ACD_FIT_FAMILIES; i++) {
        double v[2] = {0, 0};
        struct acd_fit *f = &out[i];
        if (!families[i].fit(s, &d, f, v)) {
            fit_clear(f, (enum acd_fit_family)i);
            continue;
        }
        f->aic = 2.0 * families[i].p - 2 * f->loglik;
        f->ks = ks_distance(&d, families[i].cdf, v);
        f->ok = fit_finite(f);
    }
    distinct_free(&d);
    gsl_set_error_handler(old);
    return best_aic(out);
}

void
acd_fit_censored_init(struct acd_fit_censored *c)
{
    memset(c, 0, sizeof *c);
    c->event = acd_xcalloc(ACD_FIT_MAX_T_S + 1, sizeof *c->event);
    c->censored = acd_xcalloc(ACD_FIT_MAX_T_S + 1, sizeof *c->censored);
}

void
acd_fit_censored_add(struct acd_fit_censored *c, double t_s, bool event)
{
    ACD_ASSERT(isfinite(t_s) && t_s >= 0);
    size_t bin = t_s >= ACD_FIT_MAX_T_S ? ACD_FIT_MAX_T_S : (size_t)t_s;
    if (event) {
        c->n_event++;
        c->event[bin]++;
        c->sum_event_s += t_s;
    } else {
        c->n_censored++;
        c->censored[bin]++;
        c->sum_censored_s += t_s;
    }
}

void
acd_fit_censored_fini(struct acd_fit_censored *c)
{
    free(c->event);
    free(c->censored);
    c->event = c->censored = NULL;
}

struct acd_fit_km *
acd_fit_km(const struct acd_fit_censored *c)
{
    size_t n = 0;
    for (size_t b = 0; b <= ACD_FIT_MAX_T_S; b++)
        n += c->event[b] > 0;
    struct acd_fit_km *km = acd_xcalloc(1, sizeof *km);
    size_t cap = n ? n : 1;
    km->t_s = acd_xmalloc(cap * sizeof *km->t_s);
    km->surv = acd_xmalloc(cap * sizeof *km->surv);
    km->lo = acd_xmalloc(cap * sizeof *km->lo);
    km->hi = acd_xmalloc(cap * sizeof *km->hi);
    km->at_risk = acd_xmalloc(cap * sizeof *km->at_risk);
    uint64_t r = c->n_event + c->n_censored;
    double surv = 1, greenwood = 0;
    /* The censorings within a bin were at risk for half of it on average
     * (the life-table correction): counting them fully would make the
     * hazard of continuous times too small by the share censored per bin. */
    for (size_t b = 0; b <= ACD_FIT_MAX_T_S; b++) {
        uint64_t dead = c->event[b];
        if (dead) {
            double rd = (double)r - 0.5 * (double)c->censored[b], dd = (double)dead, lo = 0, hi = 0;
            surv = dd >= rd ? 0 : surv * (1 - dd / rd);
            if (dd < rd)
                greenwood += dd / (rd * (rd - dd));
            if (surv > 0) {
                double ls = log(surv), se = sqrt(greenwood) / fabs(ls);
                lo = pow(surv, exp(Z95 * se));
                hi = pow(surv, exp(-Z95 * se));
            }
            km->t_s[km->n] = (double)b + 1;
            km->surv[km->n] = surv;
            km->lo[km->n] = fmin(fmax(lo, 0), surv);
            km->hi[km->n] = fmax(fmin(hi, 1), surv);
            km->at_risk[km->n++] = r;
        }
        r -= dead + c->censored[b];
    }
    ACD_ASSERT(km->n == n && r == 0);
    return km;
}

void
acd_fit_km_free(struct acd_fit_km *km)
{
    if (!km)
        return;
    free(km->t_s);
    free(km->surv);
    free(km->lo);
    free(km->hi);
    free(km->at_risk);
    free(km);
}

/* The log-likelihood of the bins: an event in [b, b + 1) weighs S(b) -
 * S(b + 1) (the last bin, open-ended, S(b)); a censoring S(b + 0.5). */
static double
cens_loglik(const struct family *fam, const struct bins *b, const double *v)
{
    double ll = 0;
    for (size_t i = 0; i < b->m; i++) {
        if (b->d[i] > 0) {
            double lo = b->t[i] - 0.5, ls = lo > 0 ? fam->log_sf(lo, v) : 0;
            if (lo < ACD_FIT_MAX_T_S)
                ls += log(-expm1(fam->log_sf(lo + 1, v) - ls));
            ll += b->d[i] * ls;
        }
        if (b->c[i] > 0)
            ll += b->c[i] * fam->log_sf(b->t[i], v);
    }
    return ll;
}

/* The search's objective: minus the log-likelihood per observation, a
 * large finite value outside the sensible region (the simplex refuses
 * non-finite values). */
static double
cens_objective(const gsl_vector *x, void *arg)
{
    const struct cens_fn *cf = arg;
    double v[2] = {gsl_vector_get(x, 0), gsl_vector_get(x, 1)};
    if (!(fabs(v[0]) < 30 && fabs(v[1]) < 30))
        return PENALTY;
    double ll = cens_loglik(cf->fam, cf->b, v) / cf->b->n;
    return isfinite(ll) && -ll < PENALTY ? -ll : PENALTY;
}

/* Nelder-Mead from v with the given step; false if it did not converge. */
static bool
simplex(const struct cens_fn *cf, double *v, double step)
{
    const gsl_multimin_fminimizer_type *T = gsl_multimin_fminimizer_nmsimplex2;
    gsl_multimin_fminimizer *mm = gsl_multimin_fminimizer_alloc(T, 2);
    gsl_vector *x = gsl_vector_alloc(2), *ss = gsl_vector_alloc(2);
    if (!mm || !x || !ss)
        acd_oom(0);
    gsl_vector_set(x, 0, v[0]);
    gsl_vector_set(x, 1, v[1]);
    gsl_vector_set_all(ss, step);
    gsl_multimin_function fn = {cens_objective, 2, (void *)cf};
    bool ok = gsl_multimin_fminimizer_set(mm, &fn, x, ss) == GSL_SUCCESS;
    int status = GSL_CONTINUE;
    for (int it = 0; ok && it < SIMPLEX_MAX && status == GSL_CONTINUE; it++) {
        if (gsl_multimin_fminimizer_iterate(mm) != GSL_SUCCESS)
            break;
        status = gsl_multimin_test_size(gsl_multimin_fminimizer_size(mm), SIMPLEX_TOL);
    }
    ok = ok && status == GSL_SUCCESS && gsl_multimin_fminimizer_minimum(mm) < PENALTY;
    v[0] = gsl_vector_get(mm->x, 0);
    v[1] = gsl_vector_get(mm->x, 1);
    gsl_vector_free(x);
    gsl_vector_free(ss);
    gsl_multimin_fminimizer_free(mm);
    return ok;
}

static bool
fit_censored_numeric(const struct family *fam, const struct bins *b,
                     const struct acd_fit_censored *c, struct acd_fit *f, double *v)
{
    struct cens_fn cf = {fam, b};
    fam->start((c->sum_event_s + c->sum_censored_s) / (double)c->n_event, v);
    /* A second search from the first one's end guards against a simplex
     * collapsed early. */
    if (!simplex(&cf, v, 0.5) || !simplex(&cf, v, 0.05))
        return false;
    /* -Hessian of the log-likelihood by central differences. */
    double h = 1e-3, l0 = cens_loglik(fam, b, v), H[2][2];
    for (int i = 0; i < 2; i++) {
        double vp[2] = {v[0], v[1]}, vm[2] = {v[0], v[1]};
        vp[i] += h;
        vm[i] -= h;
        H[i][i] = -(cens_loglik(fam, b, vp) - 2 * l0 + cens_loglik(fam, b, vm)) / (h * h);
    }
    double pp[2] = {v[0] + h, v[1] + h}, pm[2] = {v[0] + h, v[1] - h};
    double mp[2] = {v[0] - h, v[1] + h}, mmv[2] = {v[0] - h, v[1] - h};
    H[0][1] = H[1][0] = -(cens_loglik(fam, b, pp) - cens_loglik(fam, b, pm) -
                          cens_loglik(fam, b, mp) + cens_loglik(fam, b, mmv)) /
                        (4 * h * h);
    double det = H[0][0] * H[1][1] - H[0][1] * H[1][0];
    if (!(det > 0) || !(H[0][0] > 0))
        return false;
    double cov[4] = {H[1][1] / det, -H[0][1] / det, -H[1][0] / det, H[0][0] / det};
    f->loglik = l0;
    return delta_ci(fam->moments, v, cov, f);
}

/* Exponential: rate = events / total time; the CI of the mean from
 * chi-square with 2 x events degrees of freedom. Its log-likelihood is the
 * binned one, as the other families', so that AICs compare. */
static bool
fit_censored_exponential(const struct family *fam, const struct bins *b,
                         const struct acd_fit_censored *c, struct acd_fit *f, double *v)
{
    double total = c->sum_event_s + c->sum_censored_s, d = (double)c->n_event;
    if (!(total > 0))
        return false;
    f->mean = total / d;
    f->mean_lo = 2 * total / gsl_cdf_chisq_Pinv(0.975, 2 * d);
    f->mean_hi = 2 * total / gsl_cdf_chisq_Pinv(0.025, 2 * d);
    f->cv = f->cv_lo = f->cv_hi = 1;
    v[0] = log(f->mean);
    f->loglik = cens_loglik(fam, b, v);
    return true;
}

/* Largest distance between the fitted survival and the KM curve at the
 * KM times with at least KS_MIN_AT_RISK at risk: beyond, each event moves
 * the curve by 1/at-risk or more, noise rather than misfit. */
static double
ks_km(const struct acd_fit_km *km, const struct family *fam, const double *v)
{
    double ks = 0;
    for (size_t i = 0; i < km->n && km->at_risk[i] >= KS_MIN_AT_RISK; i++)
        ks = fmax(ks, fabs(exp(fam->log_sf(km->t_s[i], v)) - km->surv[i]));
    return ks;
}

size_t
acd_fit_censored_all(const struct acd_fit_censored *c, struct acd_fit out[ACD_FIT_FAMILIES])
{
    for (size_t i = 0; i < ACD_FIT_FAMILIES; i++)
        fit_clear(&out[i], (enum acd_fit_family)i);
    if (c->n_event < 2)
        return ACD_FIT_FAMILIES;
    struct bins b = {0};
    size_t cap = 0;
    for (size_t i = 0; i <= ACD_FIT_MAX_T_S; i++)
        cap += c->event[i] + c->censored[i] > 0;
    b.t = acd_xmalloc(cap * sizeof *b.t);
    b.d = acd_xmalloc(cap * sizeof *b.d);
    b.c = acd_xmalloc(cap * sizeof *b.c);
    for (size_t i = 0; i <= ACD_FIT_MAX_T_S; i++) {
        if (c->event[i] + c->censored[i] == 0)
            continue;
        b.t[b.m] = (double)i + 0.5;
        b.d[b.m] = (double)c->event[i];
        b.c[b.m++] = (double)c->censored[i];
    }
    b.n = (double)(c->n_event + c->n_censored);
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    struct acd_fit_km *km = acd_fit_km(c);
    for (size_t i = 0; i < ACD_FIT_FAMILIES; i++) {
        const struct family *fam = &families[i];
        struct acd_fit *f = &out[i];
        double v[2] = {0, 0};
        if (!fam->fit_censored)
            continue;
        if (!fam->fit_censored(fam, &b, c, f, v)) {
            fit_clear(f, (enum acd_fit_family)i);
            continue;
        }
        f->aic = 2.0 * fam->p - 2 * f->loglik;
        f->ks = ks_km(km, fam, v);
        f->ok = fit_finite(f);
    }
    acd_fit_km_free(km);
    gsl_set_error_handler(old);
    free(b.t);
    free(b.d);
    free(b.c);
    return best_aic(out);
}

/* ---------------------------------------------------------------------------
 * Counts
 */

void
acd_fit_poisson_ci(double count, double *lo, double *hi)
{
    ACD_ASSERT(count >= 0);
    if (count > 1000) {
        /* Wilson-Hilferty: the chi-square quantiles in closed form, within
         * 1e-6 of Garwood's here; GSL's inversion stops converging for
         * counts in the tens of thousands (its error handler aborts). */
        double a = count, b = count + 1;
        double l = 1 - 1 / (9 * a) - Z95 / (3 * sqrt(a));
        double h = 1 - 1 / (9 * b) + Z95 / (3 * sqrt(b));
        *lo = a * l * l * l;
        *hi = b * h * h * h;
        return;
    }
    *lo = count > 0 ? 0.5 * gsl_cdf_chisq_Pinv(0.025, 2 * count) : 0;
    *hi = 0.5 * gsl_cdf_chisq_Pinv(0.975, 2 * count + 2);
}

void
acd_fit_share_ci(double k, double n, double *p, double *lo, double *hi)
{
    ACD_ASSERT(k >= 0 && k <= n);
    if (!(n > 0)) {
        *p = 0;
        *lo = 0;
        *hi = 1;
        return;
    }
    double q = k / n, z2 = Z95 * Z95, den = 1 + z2 / n;
    double mid = (q + z2 / (2 * n)) / den;
    double half = Z95 * sqrt(q * (1 - q) / n + z2 / (4 * n * n)) / den;
    *p = q;
    *lo = fmax(0, mid - half);
    *hi = fmin(1, mid + half);
}
