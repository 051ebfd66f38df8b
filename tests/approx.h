/*
 * approx: relative + absolute tolerance comparison for cmocka tests
 * (assert_double_equal only arrives in cmocka 1.1.7).
 */
#ifndef TESTS_APPROX_H
#define TESTS_APPROX_H

#include <math.h>
#include <stdio.h>

/* True when |got - want| <= abs_tol + rel_tol * |want|. */
static inline int
approx_eq(double got, double want, double rel_tol, double abs_tol)
{
    if (isnan(want))
        return isnan(got);
    return fabs(got - want) <= abs_tol + rel_tol * fabs(want);
}

#define assert_approx(got, want, rel, abs_)                                                        \
    do {                                                                                           \
        double g_ = (got), w_ = (want);                                                            \
        if (!approx_eq(g_, w_, (rel), (abs_))) {                                                   \
            print_error("%s = %.17g, expected %.17g (rel %g, abs %g)\n", #got, g_, w_,             \
                        (double)(rel), (double)(abs_));                                            \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

#endif
