/* Unit tests for RNG streams: determinism and independence of seeds; the
 * per-caller sub-streams (acd_crng_*). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "rng.h"
#include <math.h>
#include <stdlib.h>

static void
test_same_inputs_same_stream(void **state)
{
    (void)state;
    gsl_rng *a = acd_rng_new(42, 3, ACD_STREAM_HANDLE, 1);
    gsl_rng *b = acd_rng_new(42, 3, ACD_STREAM_HANDLE, 1);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(gsl_rng_get(a), gsl_rng_get(b));
    /* Re-seeding restarts the stream. */
    acd_rng_reseed(a, 42, 3, ACD_STREAM_HANDLE, 1);
    gsl_rng *c = acd_rng_new(42, 3, ACD_STREAM_HANDLE, 1);
    for (int i = 0; i < 100; i++)
        assert_int_equal(gsl_rng_get(a), gsl_rng_get(c));
    gsl_rng_free(a);
    gsl_rng_free(b);
    gsl_rng_free(c);
}

static void
test_streams_differ(void **state)
{
    (void)state;
    /* Each component of the key changes the stream. */
    gsl_rng *base = acd_rng_new(1, 0, ACD_STREAM_ARRIVALS, 0);
    gsl_rng *other[] = {
        acd_rng_new(2, 0, ACD_STREAM_ARRIVALS, 0),
        acd_rng_new(1, 1, ACD_STREAM_ARRIVALS, 0),
        acd_rng_new(1, 0, ACD_STREAM_HANDLE, 0),
        acd_rng_new(1, 0, ACD_STREAM_ARRIVALS, 1),
    };
    unsigned long x[8];
    for (int i = 0; i < 8; i++)
        x[i] = gsl_rng_get(base);
    for (size_t k = 0; k < 4; k++) {
        int same = 0;
        for (int i = 0; i < 8; i++)
            same += gsl_rng_get(other[k]) == x[i];
        assert_true(same < 8);
        gsl_rng_free(other[k]);
    }
    gsl_rng_free(base);
}

static int
cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static void
test_seed_grid_distinct(void **state)
{
    (void)state;
    /* 100 replications x 8 purposes x 50 call types: all seeds distinct,
     * and distinct in the 32 bits mt19937 actually uses. */
    enum { N = 100 * 8 * 50 };
    uint64_t *s = malloc(N * sizeof(*s));
    uint64_t *lo = malloc(N * sizeof(*lo));
    size_t n = 0;
    for (uint64_t r = 0; r < 100; r++)
        for (unsigned p = 0; p < 8; p++)
            for (uint64_t k = 0; k < 50; k++) {
                s[n] = acd_rng_seed(7, r, p, k);
                lo[n] = (s[n] ^ (s[n] >> 32)) & 0xffffffffULL;
                n++;
            }
    qsort(s, N, sizeof(*s), cmp_u64);
    qsort(lo, N, sizeof(*lo), cmp_u64);
    size_t dup = 0;
    for (size_t i = 1; i < N; i++) {
        assert_true(s[i] != s[i - 1]);
        dup += lo[i] == lo[i - 1];
    }
    /* 40,000 draws from 2^32: the expected number of 32-bit collisions is
     * 0.19; allow at most 2 (P(>2) < 0.002). */
    assert_true(dup <= 2);
    free(s);
    free(lo);
}

static void
test_uniform_mean(void **state)
{
    (void)state;
    gsl_rng *r = acd_rng_new(2385, 0, ACD_STREAM_ROUTING, 0);
    double sum = 0;
    const int n = 1000000;
    for (int i = 0; i < n; i++)
        sum += gsl_rng_uniform(r);
    /* SE of the mean of U(0,1) is 1/sqrt(12 n) = 2.9e-4; 5 SE. */
    assert_true(sum / n > 0.5 - 5 * 2.9e-4 && sum / n < 0.5 + 5 * 2.9e-4);
    gsl_rng_free(r);
}

/* The gsl_rng view of a sub-stream gives acd_crng_u01(base, n) in order,
 * from wherever it is positioned, and sub-streams are distinct. */
static void
test_caller_streams(void **state)
{
    (void)state;
    gsl_rng *r = acd_crng_new();
    uint64_t key = acd_crng_caller_key(acd_rng_seed(7, 0, ACD_STREAM_CALLERS, 0), 0);
    uint64_t b = acd_crng_base(key, ACD_CALLER_HANDLE, 0);
    acd_crng_at(r, b, 0);
    for (int n = 0; n < 10; n++)
        assert_true(gsl_rng_uniform(r) == acd_crng_u01(b, (uint64_t)n));
    acd_crng_at(r, b, 3);
    assert_true(gsl_rng_uniform(r) == acd_crng_u01(b, 3));
    /* Neighbouring identities, purposes and occurrences: distinct bases. */
    uint64_t seen[4 * ACD_CALLER_PURPOSES * 4];
    size_t n = 0;
    for (uint64_t seq = 0; seq < 4; seq++) {
        uint64_t k = acd_crng_caller_key(acd_rng_seed(7, 0, ACD_STREAM_CALLERS, 0), seq);
        for (unsigned p = 0; p < ACD_CALLER_PURPOSES; p++)
            for (uint32_t o = 0; o < 4; o++)
                seen[n++] = acd_crng_base(k, p, o);
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            assert_true(seen[i] != seen[j]);
    gsl_rng_free(r);
}

/* Uniform 0 of a million callers (what most draws use) and uniform 1 of
 * their sub-streams: mean 1/2 and no correlation between neighbours. */
static void
test_caller_uniforms(void **state)
{
    (void)state;
    uint64_t tk = acd_rng_seed(2385, 0, ACD_STREAM_CALLERS, 0);
    const int n = 1000000;
    double s0 = 0, s1 = 0, s01 = 0, prev = 0.5, sp = 0;
    for (int i = 0; i < n; i++) {
        uint64_t b = acd_crng_base(acd_crng_caller_key(tk, (uint64_t)i), ACD_CALLER_PATIENCE, 0);
        double u0 = acd_crng_u01(b, 0), u1 = acd_crng_u01(b, 1);
        assert_true(u0 >= 0 && u0 < 1 && u1 >= 0 && u1 < 1);
        s0 += u0;
        s1 += u1;
        s01 += (u0 - 0.5) * (u1 - 0.5);
        sp += (u0 - 0.5) * (prev - 0.5);
        prev = u0;
    }
    /* SE of a mean: 2.9e-4; of a mean product of centred uniforms:
     * 1/12/sqrt(n) = 8.3e-5; 5 SE. */
    assert_true(fabs(s0 / n - 0.5) < 5 * 2.9e-4);
    assert_true(fabs(s1 / n - 0.5) < 5 * 2.9e-4);
    assert_true(fabs(s01 / n) < 5 * 8.3e-5);
    assert_true(fabs(sp / n) < 5 * 8.3e-5);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_inputs_same_stream), cmocka_unit_test(test_streams_differ),
        cmocka_unit_test(test_seed_grid_distinct),      cmocka_unit_test(test_uniform_mean),
        cmocka_unit_test(test_caller_streams),          cmocka_unit_test(test_caller_uniforms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
