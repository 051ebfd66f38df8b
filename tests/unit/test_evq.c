/* Unit tests for the event list: ordering, ties, cancel, reschedule, and a
 * randomized stress test against a sorted reference. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "evq.h"
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

static void
test_order_by_time(void **state)
{
    (void)state;
    struct acd_evq q;
    acd_evq_init(&q, 4);
    double ts[] = {5.5, 1.25, 3.0, 9.75, 0.5, 2.385, 7.0};
    for (uint32_t i = 0; i < 7; i++)
        acd_evq_push(&q, ts[i], 0, 0, i);
    double last = -1;
    struct acd_evq_item it;
    size_t n = 0;
    while (acd_evq_pop(&q, &it)) {
        assert_true(it.t >= last);
        assert_true(it.t == ts[it.obj]);
        last = it.t;
        n++;
    }
    assert_int_equal(n, 7);
    assert_true(isinf(acd_evq_peek_time(&q)));
    acd_evq_fini(&q);
}

static void
test_ties_priority_then_fifo(void **state)
{
    (void)state;
    struct acd_evq q;
    acd_evq_init(&q, 4);
    /* Same time: lower priority value first, then scheduling order. */
    acd_evq_push(&q, 1.0, 1, 0, 0);
    acd_evq_push(&q, 1.0, 0, 0, 1);
    acd_evq_push(&q, 1.0, 1, 0, 2);
    acd_evq_push(&q, 1.0, -1, 0, 3);
    acd_evq_push(&q, 1.0, 0, 0, 4);
    uint32_t want[] = {3, 1, 4, 0, 2};
    struct acd_evq_item it;
    for (size_t i = 0; i < 5; i++) {
        assert_true(acd_evq_pop(&q, &it));
        assert_int_equal(it.obj, want[i]);
    }
    acd_evq_fini(&q);
}

static void
test_cancel_and_reschedule(void **state)
{
    (void)state;
    struct acd_evq q;
    acd_evq_init(&q, 2);
    uint32_t h[10];
    for (uint32_t i = 0; i < 10; i++)
        h[i] = acd_evq_push(&q, (double)i, 0, 7, i);
    acd_evq_cancel(&q, h[0]); /* the head */
    acd_evq_cancel(&q, h[9]); /* the last leaf */
    acd_evq_cancel(&q, h[4]); /* the middle */
    assert_false(acd_evq_is_pending(&q, h[4]));
    assert_true(acd_evq_is_pending(&q, h[5]));
    acd_evq_reschedule(&q, h[2], 100.0);
    acd_evq_reschedule(&q, h[8], 0.25);
    assert_true(acd_evq_verify(&q));
    assert_int_equal(acd_evq_len(&q), 7);
    uint32_t want[] = {8, 1, 3, 5, 6, 7, 2};
    struct acd_evq_item it;
    for (size_t i = 0; i < 7; i++) {
        assert_true(acd_evq_pop(&q, &it));
        assert_int_equal(it.obj, want[i]);
        assert_int_equal(it.kind, 7);
    }
    assert_false(acd_evq_pop(&q, &it));
    acd_evq_fini(&q);
}

/* Reference: an unsorted array scanned for the minimum (time, prio, seq). */
struct ref {
    double t;
    int prio;
    uint64_t seq;
    uint32_t obj;
    uint32_t h;
    int live;
};

static int
ref_less(const struct ref *a, const struct ref *b)
{
    if (a->t != b->t)
        return a->t < b->t;
    if (a->prio != b->prio)
        return a->prio < b->prio;
    return a->seq < b->seq;
}

static void
test_stress_against_reference(void **state)
{
    (void)state;
    enum { OPS = 200000, MAXN = 1024 };
    struct ref *r = calloc(OPS, sizeof(*r));
    size_t nr = 0;
    uint64_t seq = 0;
    struct acd_evq q;
    acd_evq_init(&q, 8);
    srand(2385);
    double now = 0;
    size_t live = 0;
    for (int op = 0; op < OPS; op++) {
        int what = rand() % 10;
        if (what < 5 && live < MAXN) {
            /* Coarse times make ties frequent. */
            double t = now + (double)(rand() % 50) * 0.5;
            int prio = rand() % 3 - 1;
            r[nr] = (struct ref){t, prio, seq++, (uint32_t)nr, 0, 1};
            r[nr].h = acd_evq_push(&q, t, prio, 1, (uint32_t)nr);
            nr++;
            live++;
        } else if (what < 7 && live > 0) {
            /* Cancel a random live event. */
            size_t i = (size_t)rand() % nr;
            while (!r[i].live)
                i = (i + 1) % nr;
            acd_evq_cancel(&q, r[i].h);
            r[i].live = 0;
            live--;
        } else if (what < 8 && live > 0) {
            size_t i = (size_t)rand() % nr;
            while (!r[i].live)
                i = (i + 1) % nr;
            double t = now + (double)(rand() % 50) * 0.5;
            acd_evq_reschedule(&q, r[i].h, t);
            r[i].t = t;
            r[i].seq = seq++;
        } else if (live > 0) {
            size_t best = SIZE_MAX;
            for (size_t i = 0; i < nr; i++)
                if (r[i].live && (best == SIZE_MAX || ref_less(&r[i], &r[best])))
                    best = i;
            struct acd_evq_item it;
            assert_true(acd_evq_pop(&q, &it));
            assert_int_equal(it.obj, r[best].obj);
            assert_true(it.t == r[best].t);
            r[best].live = 0;
            live--;
            now = it.t;
        }
        assert_int_equal(acd_evq_len(&q), live);
        if (op % 997 == 0)
            assert_true(acd_evq_verify(&q));
    }
    assert_true(acd_evq_verify(&q));
    acd_evq_fini(&q);
    free(r);
}

/* The calendar behind the heap (past 1,024 events): bursts up to a few
 * thousand events and drains back to a few, times from a mix of scales
 * (exponential, coarse ties, far, now, never), cancels and reschedules,
 * against a reference of live events scanned for the minimum. */
static double
stress_time(double now)
{
    int k = rand() % 20;
    double u = ((double)rand() + 1) / ((double)RAND_MAX + 2);
    if (k < 14)
        return now - 300 * log(u);
    if (k < 16)
        return now + (double)(rand() % 50) * 0.5;
    if (k < 18)
        return now + 1e5 * u;
    if (k < 19)
        return now;
    return (double)INFINITY;
}

static void
test_calendar_against_reference(void **state)
{
    (void)state;
    enum { OPS = 200000, HIGH = 6000 };
    struct ref *r = calloc(HIGH + 1, sizeof(*r)); /* the live events, unordered */
    size_t live = 0;
    uint64_t seq = 0;
    uint32_t next_obj = 0;
    struct acd_evq q;
    acd_evq_init(&q, 8);
    srand(16);
    double now = 0;
    bool filling = true;
    for (int op = 0; op < OPS; op++) {
        if (filling && live >= HIGH)
            filling = false;
        else if (!filling && live <= 10)
            filling = true;
        int what = rand() % 10;
        if (live < HIGH && (filling ? what < 6 : what < 2)) {
            double t = stress_time(now);
            int prio = rand() % 3 - 1;
            r[live] = (struct ref){t, prio, seq++, next_obj++, 0, 1};
            r[live].h = acd_evq_push(&q, t, prio, 1, r[live].obj);
            live++;
        } else if (what < 7 && live > 0) {
            size_t i = (size_t)rand() % live;
            acd_evq_cancel(&q, r[i].h);
            r[i] = r[--live];
        } else if (what < 8 && live > 0) {
            size_t i = (size_t)rand() % live;
            double t = stress_time(now);
            acd_evq_reschedule(&q, r[i].h, t);
            r[i].t = t;
            r[i].seq = seq++;
        } else if (live > 0) {
            size_t best = 0;
            for (size_t i = 1; i < live; i++)
                if (ref_less(&r[i], &r[best]))
                    best = i;
            struct acd_evq_item it;
            assert_true(acd_evq_pop(&q, &it));
            assert_int_equal(it.obj, r[best].obj);
            assert_true(it.t == r[best].t);
            if (isfinite(it.t))
                now = it.t;
            r[best] = r[--live];
        }
        assert_int_equal(acd_evq_len(&q), live);
        if (op % 4999 == 0)
            assert_true(acd_evq_verify(&q));
    }
    assert_true(q.bkt != NULL); /* the calendar was used */
    assert_true(acd_evq_verify(&q));
    acd_evq_fini(&q);
    free(r);
}

static void
test_pool_reuse(void **state)
{
    (void)state;
    /* Holding the queue at a constant size must not grow the pool. */
    struct acd_evq q;
    acd_evq_init(&q, 16);
    for (uint32_t i = 0; i < 10; i++)
        acd_evq_push(&q, (double)i, 0, 0, i);
    size_t cap = q.cap;
    struct acd_evq_item it;
    for (int i = 0; i < 100000; i++) {
        acd_evq_pop(&q, &it);
        acd_evq_push(&q, it.t + 10, 0, 0, it.obj);
    }
    assert_int_equal(q.cap, cap);
    assert_true(q.n_used <= 11);
    acd_evq_fini(&q);
}

/* A cleared queue behaves as a new one: the same handles and the same
 * order, with the calendar on (past 1,024 events) or off. */
static void
test_clear_as_new(void **state)
{
    (void)state;
    struct acd_evq used, fresh;
    acd_evq_init(&used, 8);
    srand(7);
    for (int i = 0; i < 5000; i++)
        acd_evq_push(&used, (double)(rand() % 1000), 0, 1, (uint32_t)i);
    struct acd_evq_item it;
    for (int i = 0; i < 100; i++)
        acd_evq_pop(&used, &it);
    acd_evq_clear(&used);
    assert_true(acd_evq_verify(&used));
    acd_evq_init(&fresh, 8);
    for (int round = 0; round < 2; round++) {
        size_t n = round ? 3000 : 50;
        for (size_t i = 0; i < n; i++) {
            double t = (double)(rand() % 500) * 0.25;
            int prio = rand() % 3 - 1;
            uint32_t a = acd_evq_push(&used, t, prio, 2, (uint32_t)i);
            uint32_t b = acd_evq_push(&fresh, t, prio, 2, (uint32_t)i);
            assert_int_equal(a, b);
        }
        struct acd_evq_item x, y;
        while (acd_evq_pop(&fresh, &y)) {
            assert_true(acd_evq_pop(&used, &x));
            assert_true(x.t == y.t && x.obj == y.obj && x.kind == y.kind);
        }
        assert_false(acd_evq_pop(&used, &x));
        assert_true(acd_evq_verify(&used));
    }
    acd_evq_fini(&used);
    acd_evq_fini(&fresh);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_by_time),
        cmocka_unit_test(test_ties_priority_then_fifo),
        cmocka_unit_test(test_cancel_and_reschedule),
        cmocka_unit_test(test_stress_against_reference),
        cmocka_unit_test(test_calendar_against_reference),
        cmocka_unit_test(test_pool_reuse),
        cmocka_unit_test(test_clear_as_new),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
