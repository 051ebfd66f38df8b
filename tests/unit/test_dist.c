/* Unit tests for distributions: each entry's mean and variance against the
 * parameters (tolerance: 5 standard errors estimated from the sample), and
 * parameter validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "acdsim/diag.h"
#include "acdsim/dist.h"
#include "rng.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N 400000

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void
check_moments(struct acd_dist *d, double mean, double var, const char *what)
{
    gsl_rng *r = acd_rng_new(2385, 0, ACD_STREAM_HANDLE, 0);
    double *x = malloc(N * sizeof(double));
    double s = 0;
    for (int i = 0; i < N; i++) {
        x[i] = acd_dist_sample(d, r);
        assert_true(x[i] >= 0);
        s += x[i];
    }
    double m = s / N, m2 = 0, m4 = 0;
    for (int i = 0; i < N; i++) {
        double e = x[i] - m;
        m2 += e * e;
        m4 += e * e * e * e;
    }
    m2 /= N;
    m4 /= N;
    double se_mean = sqrt(m2 / N);
    double se_var = sqrt((m4 - m2 * m2) / N);
    if (fabs(m - mean) > 5 * se_mean + 1e-12 || fabs(m2 - var) > 5 * se_var + 1e-12) {
        print_error("%s: mean %.6g (want %.6g, se %.3g), var %.6g (want %.6g, se %.3g)\n", what, m,
                    mean, se_mean, m2, var, se_var);
        fail();
    }
    /* The descriptor's own mean/cv agree with the parameters. */
    assert_true(fabs(d->mean_s - mean) <= 1e-9 * mean);
    assert_true(fabs(d->cv * d->cv * mean * mean - var) <= 1e-9 * (var + 1));
    free(x);
    gsl_rng_free(r);
}

static void
setup_ok(struct acd_dist *d, const char *name, struct acd_dist_params p)
{
    char err[256] = "";
    memset(d, 0, sizeof(*d));
    const struct acd_dist_type *t = acd_dist_find(name);
    assert_non_null(t);
    if (acd_dist_setup(d, t, &p, err, sizeof(err)) != 0) {
        print_error("%s: %s\n", name, err);
        fail();
    }
}

static void
test_exponential(void **state)
{
    (void)state;
    struct acd_dist d;
    setup_ok(&d, "exponential", (struct acd_dist_params){.have = ACD_DP_MEAN, .mean_s = 238.5});
    check_moments(&d, 238.5, 238.5 * 238.5, "exponential");
    acd_dist_fini(&d);
}

static void
test_deterministic(void **state)
{
    (void)state;
    struct acd_dist d;
    setup_ok(&d, "deterministic", (struct acd_dist_params){.have = ACD_DP_MEAN, .mean_s = 42.5});
    check_moments(&d, 42.5, 0, "deterministic");
    acd_dist_fini(&d);
}

static void
test_erlang(void **state)
{
    (void)state;
    struct acd_dist d;
    setup_ok(&d, "erlang",
             (struct acd_dist_params){.have = ACD_DP_MEAN | ACD_DP_K, .mean_s = 120, .k = 3});
    check_moments(&d, 120, 120 * 120 / 3.0, "erlang");
    acd_dist_fini(&d);
}

static void
test_gamma(void **state)
{
    (void)state;
    struct acd_dist d;
    setup_ok(&d, "gamma",
             (struct acd_dist_params){.have = ACD_DP_MEAN | ACD_DP_CV, .mean_s = 360, .cv = 0.7});
    check_moments(&d, 360, pow(0.7 * 360, 2), "gamma");
    acd_dist_fini(&d);
    /* cv = 0 degenerates to deterministic. */
    setup_ok(&d, "gamma",
             (struct acd_dist_params){.have = ACD_DP_MEAN | ACD_DP_CV, .mean_s = 30, .cv = 0});
    check_moments(&d, 30, 0, "gamma cv=0");
    acd_dist_fini(&d);
}

static void
test_lognormal(void **state)
{
    (void)state;
    struct acd_dist d;
    setup_ok(&d, "lognormal",
             (struct acd_dist_params){.have = ACD_DP_MEAN | ACD_DP_CV, .mean_s = 240, .cv = 0.8});
    check_moments(&d, 240, pow(0.8 * 240, 2), "lognormal");
    acd_dist_fini(&d);
}

static void
test_uniform(void **state)
{
    (void)state;
    struct acd_dist d;
    setup_ok(&d, "uniform",
             (struct acd_dist_params){.have = ACD_DP_MIN | ACD_DP_MAX, .min_s = 30, .max_s = 90});
    check_moments(&d, 60, 60.0 * 60.0 / 12.0, "uniform");
    acd_dist_fini(&d);
}

static void
test_empirical(void **state)
{
    (void)state;
    char path[] = "/tmp/acdsim-test-empirical-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("# handle times\n30\n1m\n\n90s # comment\n120\n", f);
    fclose(f);
    struct acd_diags dg;
    acd_diags_init(&dg);
    struct acd_dist d = {0};
    long n = acd_dist_load_samples(path, &d.samples, &dg);
    assert_int_equal(n, 4);
    assert_int_equal(dg.n_errors, 0);
    d.n_samples = (size_t)n;
    char err[128];
    assert_int_equal(acd_dist_setup(&d, acd_dist_find("empirical"),
                                    &(struct acd_dist_params){.have = ACD_DP_FILE, .file = path},
                                    err, sizeof(err)),
                     0);
    /* Samples 30, 60, 90, 120: mean 75, population variance 1125. */
    check_moments(&d, 75, 1125, "empirical");
    acd_dist_fini(&d);

    /* A bad line is reported with its position. */
    f = fopen(path, "w");
    fputs("30\n  abc\n", f);
    fclose(f);
    double *v;
    assert_int_equal(acd_dist_load_samples(path, &v, &dg), -1);
    assert_int_equal(dg.n_errors, 1);
    assert_int_equal(dg.v[0].line, 2);
    assert_int_equal(dg.v[0].col, 3);
    unlink(path);
    assert_int_equal(acd_dist_load_samples(path, &v, &dg), -1);
    acd_diags_fini(&dg);
}

/* Kolmogorov-Smirnov against the exact CDF: the statistic of n draws stays
 * below the 0.1% critical value 1.95 / sqrt(n). */
static void
check_ks(const struct acd_dist *d, double (*cdf)(double x, const void *ctx), const void *ctx,
         const char *what)
{
    enum { NKS = 20000 };
    gsl_rng *r = acd_rng_new(91, 0, ACD_STREAM_PATIENCE, 0);
    double *x = malloc(NKS * sizeof(double));
    for (int i = 0; i < NKS; i++)
        x[i] = acd_dist_sample(d, r);
    qsort(x, NKS, sizeof(double), cmp_double);
    double dmax = 0;
    for (int i = 0; i < NKS; i++) {
        double f = cdf(x[i], ctx);
        double lo = f - (double)i / NKS, hi = (double)(i + 1) / NKS - f;
        if (lo > dmax)
            dmax = lo;
        if (hi > dmax)
            dmax = hi;
    }
    if (dmax > 1.95 / sqrt((double)NKS)) {
        print_error("%s: KS statistic %.4g over %d draws (limit %.4g)\n", what, dmax, NKS,
                    1.95 / sqrt((double)NKS));
        fail();
    }
    free(x);
    gsl_rng_free(r);
}

struct tri {
    double a, c, b;
};

static double
cdf_triangular(double x, const void *ctx)
{
    const struct tri *t = ctx;
    if (x <= t->a)
        return 0;
    if (x >= t->b)
        return 1;
    if (x <= t->c)
        return (x - t->a) * (x - t->a) / ((t->b - t->a) * (t->c - t->a));
    return 1 - (t->b - x) * (t->b - x) / ((t->b - t->a) * (t->b - t->c));
}

static void
test_triangular(void **state)
{
    (void)state;
    struct tri cases[] = {{30, 60, 300}, {0, 0, 100}, {10, 100, 100}, {20, 50, 80}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct tri t = cases[i];
        struct acd_dist d;
        setup_ok(&d, "triangular",
                 (struct acd_dist_params){.have = ACD_DP_MIN | ACD_DP_MODE | ACD_DP_MAX,
                                          .min_s = t.a,
                                          .mode_s = t.c,
                                          .max_s = t.b});
        double mean = (t.a + t.b + t.c) / 3;
        double var = (t.a * t.a + t.b * t.b + t.c * t.c - t.a * t.b - t.a * t.c - t.b * t.c) / 18;
        check_moments(&d, mean, var, "triangular");
        check_ks(&d, cdf_triangular, &t, "triangular");
        acd_dist_fini(&d);
    }
    /* A consistent mean is accepted. */
    struct acd_dist d;
    setup_ok(&d, "triangular",
             (struct acd_dist_params){.have = ACD_DP_MIN | ACD_DP_MODE | ACD_DP_MAX | ACD_DP_MEAN,
                                      .min_s = 30,
                                      .mode_s = 60,
                                      .max_s = 300,
                                      .mean_s = 130});
    acd_dist_fini(&d);
}

struct weib {
    double scale, shape;
};

static double
cdf_weibull(double x, const void *ctx)
{
    const struct weib *w = ctx;
    return x <= 0 ? 0 : -expm1(-pow(x / w->scale, w->shape));
}

static void
test_weibull(void **state)
{
    (void)state;
    /* cv 1 is the exponential (shape 1); the others against the shape and
     * scale computed independently from the moments. */
    const double cvs[] = {0.3, 0.75, 1.0, 1.6, 3.0};
    for (size_t i = 0; i < sizeof(cvs) / sizeof(cvs[0]); i++) {
        struct acd_dist d;
        double mean = 240;
        setup_ok(&d, "weibull",
                 (struct acd_dist_params){
                     .have = ACD_DP_MEAN | ACD_DP_CV, .mean_s = mean, .cv = cvs[i]});
        struct weib w = {d.a, d.b};
        /* The shape reproduces the cv; the scale the mean. */
        double g1 = tgamma(1 + 1 / w.shape), g2 = tgamma(1 + 2 / w.shape);
        assert_true(fabs(sqrt(g2 / (g1 * g1) - 1) - cvs[i]) < 1e-9 * cvs[i]);
        assert_true(fabs(w.scale * g1 - mean) < 1e-9 * mean);
        if (cvs[i] == 1.0)
            assert_true(fabs(w.shape - 1) < 1e-9);
        if (cvs[i] <= 1.6) /* heavier tails: the 4th moment is too noisy for check_moments */
            check_moments(&d, mean, cvs[i] * cvs[i] * mean * mean, "weibull");
        check_ks(&d, cdf_weibull, &w, "weibull");
        acd_dist_fini(&d);
    }
    struct acd_dist d;
    setup_ok(&d, "weibull",
             (struct acd_dist_params){.have = ACD_DP_MEAN | ACD_DP_CV, .mean_s = 9, .cv = 0});
    assert_true(d.cv == 0 && d.mean_s == 9);
    acd_dist_fini(&d);
}

struct hyper {
    double p, m1, m2;
};

static double
cdf_hyper(double x, const void *ctx)
{
    const struct hyper *h = ctx;
    return x <= 0 ? 0 : h->p * -expm1(-x / h->m1) + (1 - h->p) * -expm1(-x / h->m2);
}

static void
test_hyperexponential(void **state)
{
    (void)state;
    const double cvs[] = {1.2, 2.0, 4.0};
    for (size_t i = 0; i < sizeof(cvs) / sizeof(cvs[0]); i++) {
        double mean = 180, c2 = cvs[i] * cvs[i];
        struct acd_dist d;
        setup_ok(&d, "hyperexponential",
                 (struct acd_dist_params){
                     .have = ACD_DP_MEAN | ACD_DP_CV, .mean_s = mean, .cv = cvs[i]});
        /* The documented parametrisation: balanced means. */
        double p = (1 + sqrt((c2 - 1) / (c2 + 1))) / 2;
        struct hyper h = {p, mean / (2 * p), mean / (2 * (1 - p))};
        assert_true(fabs(d.a - h.p) < 1e-12 && fabs(d.b - h.m1) < 1e-9 && fabs(d.c - h.m2) < 1e-9);
        /* Exact moments of the mixture. */
        double m = h.p * h.m1 + (1 - h.p) * h.m2;
        double ex2 = 2 * (h.p * h.m1 * h.m1 + (1 - h.p) * h.m2 * h.m2);
        assert_true(fabs(m - mean) < 1e-9 * mean);
        assert_true(fabs(sqrt(ex2 - m * m) / m - cvs[i]) < 1e-9);
        if (cvs[i] <= 2.0)
            check_moments(&d, mean, c2 * mean * mean, "hyperexponential");
        check_ks(&d, cdf_hyper, &h, "hyperexponential");
        acd_dist_fini(&d);
    }
}

static void
test_validation(void **state)
{
    (void)state;
    struct {
        const char *name;
        struct acd_dist_params p;
    } bad[] = {
        {"exponential", {.have = ACD_DP_MEAN, .mean_s = 0}},
        {"exponential", {.have = ACD_DP_MEAN, .mean_s = -3}},
        {"deterministic", {.have = ACD_DP_MEAN, .mean_s = NAN}},
        {"gamma", {.have = ACD_DP_MEAN | ACD_DP_CV, .mean_s = 10, .cv = -0.1}},
        {"lognormal", {.have = ACD_DP_MEAN | ACD_DP_CV, .mean_s = 10, .cv = -1}},
        {"erlang", {.have = ACD_DP_MEAN | ACD_DP_K, .mean_s = 10, .k = 0}},
        {"erlang", {.have = ACD_DP_MEAN | ACD_DP_K, .mean_s = 10, .k = 2.5}},
        {"uniform", {.have = ACD_DP_MIN | ACD_DP_MAX, .min_s = 5, .max_s = 5}},
        {"uniform", {.have = ACD_DP_MIN | ACD_DP_MAX, .min_s = -1, .max_s = 5}},
        {"uniform",
         {.have = ACD_DP_MIN | ACD_DP_MAX | ACD_DP_MEAN, .min_s = 0, .max_s = 10, .mean_s = 4}},
        {"empirical", {.have = ACD_DP_FILE, .file = "x"}},
        {"triangular",
         {.have = ACD_DP_MIN | ACD_DP_MODE | ACD_DP_MAX, .min_s = 50, .mode_s = 40, .max_s = 90}},
        {"triangular",
         {.have = ACD_DP_MIN | ACD_DP_MODE | ACD_DP_MAX, .min_s = 10, .mode_s = 95, .max_s = 90}},
        {"triangular",
         {.have = ACD_DP_MIN | ACD_DP_MODE | ACD_DP_MAX, .min_s = 10, .mode_s = 10, .max_s = 10}},
        {"triangular",
         {.have = ACD_DP_MIN | ACD_DP_MODE | ACD_DP_MAX | ACD_DP_MEAN,
          .min_s = 0,
          .mode_s = 3,
          .max_s = 6,
          .mean_s = 4}},
        {"weibull", {.have = ACD_DP_MEAN | ACD_DP_CV, .mean_s = 10, .cv = -1}},
        {"weibull", {.have = ACD_DP_MEAN | ACD_DP_CV, .mean_s = 10, .cv = 0.001}},
        {"weibull", {.have = ACD_DP_MEAN | ACD_DP_CV, .mean_s = 10, .cv = 101}},
        {"weibull", {.have = ACD_DP_MEAN | ACD_DP_CV, .mean_s = 0, .cv = 1}},
        {"hyperexponential", {.have = ACD_DP_MEAN | ACD_DP_CV, .mean_s = 10, .cv = 1}},
        {"hyperexponential", {.have = ACD_DP_MEAN | ACD_DP_CV, .mean_s = 10, .cv = 0.5}},
        {"hyperexponential", {.have = ACD_DP_MEAN | ACD_DP_CV, .mean_s = 10, .cv = 101}},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct acd_dist d = {0};
        char err[256] = "";
        int rc = acd_dist_setup(&d, acd_dist_find(bad[i].name), &bad[i].p, err, sizeof(err));
        if (rc != -1 || err[0] == '\0') {
            print_error("case %zu (%s) was accepted\n", i, bad[i].name);
            fail();
        }
        acd_dist_fini(&d);
    }
    assert_null(acd_dist_find("poisson"));
    /* Every entry has a name, usage and sampler; names are unique. */
    for (size_t i = 0; acd_dist_types[i]; i++) {
        assert_non_null(acd_dist_types[i]->usage);
        assert_non_null(acd_dist_types[i]->sample);
        assert_ptr_equal(acd_dist_find(acd_dist_types[i]->name), acd_dist_types[i]);
        assert_int_equal(acd_dist_types[i]->required & ~acd_dist_types[i]->allowed, 0);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exponential), cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_erlang),      cmocka_unit_test(test_gamma),
        cmocka_unit_test(test_lognormal),   cmocka_unit_test(test_uniform),
        cmocka_unit_test(test_empirical),   cmocka_unit_test(test_triangular),
        cmocka_unit_test(test_weibull),     cmocka_unit_test(test_hyperexponential),
        cmocka_unit_test(test_validation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
