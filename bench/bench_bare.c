/*
 * bench_bare: a bare, hand-written event loop for exactly the model of
 * bench_erlang_a (Poisson arrivals at 2/s, exponential handle time mean
 * 50 s, 105 agents, exponential patience mean 120 s, one FIFO queue, one
 * replication of about N calls), the yardstick acdsim's engine is measured
 * against (bench_ratio.sh runs the two side by side).
 *
 *   bench_bare [CALLS [SEED]]     default 10,000,000 calls, seed 1
 *
 * The fastest straightforward C for this one model, self-contained (no
 * acdsim library, no GSL):
 *
 *   - a binary min-heap of events: the next arrival and the service ends
 *     (at most 1 + 105 entries), popped and replaced at the root;
 *   - no abandon events: a waiting call keeps its abandon time (arrival +
 *     patience) in a ring-buffer FIFO, and an agent that frees skips the
 *     calls at the head whose abandon time has passed, counting each as
 *     abandoned then (exact for FIFO: a call ahead of a patient one is
 *     served or gone first);
 *   - idle agents are a count (they are interchangeable here);
 *   - xoshiro256** (seeded by splitmix64), uniforms in (0, 1] with 53 bits,
 *     exponentials by inverse transform -mean * log(U) (acdsim draws the
 *     same law with GSL's mt19937 for arrivals and splitmix64 sub-streams
 *     per caller, so the two runs are equal in law, not in samples).
 *     Patience is drawn only for calls that wait, handle time at answer.
 *
 * Arrivals stop at the horizon N / rate, as in bench_erlang_a; the calls
 * then in the system are served or abandon. Printed like bench_erlang_a:
 * calls (arrivals), events (arrivals + service ends + abandons: what
 * acdsim dispatches for this model, though here abandons cost no event),
 * wall time, calls and events per second, peak RSS, and the abandon rate
 * and service level (answered within 20 s / offered) against the exact
 * Erlang-A values.
 */
#include "bench_os.h"
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { EV_ARRIVAL, EV_END, EV_ABANDON };

/* tag: the kind in the low 2 bits, the caller's queue sequence number
 * above (abandon events of the lazy variant only). */
struct event {
    double t;
    uint64_t tag;
};

struct waiting {
    double arrive;
    double deadline; /* gone if still queued then (head: arrive + patience;
                        lazy: INFINITY while waiting, the hang-up time after) */
};

/* --- random numbers: xoshiro256** ------------------------------------- */

static uint64_t rng_s[4];

static inline uint64_t
rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t
rng_next(void)
{
    uint64_t r = rotl(rng_s[1] * 5, 7) * 9;
    uint64_t t = rng_s[1] << 17;
    rng_s[2] ^= rng_s[0];
    rng_s[3] ^= rng_s[1];
    rng_s[1] ^= rng_s[2];
    rng_s[0] ^= rng_s[3];
    rng_s[2] ^= t;
    rng_s[3] = rotl(rng_s[3], 45);
    return r;
}

static void
rng_seed(uint64_t seed)
{
    for (int i = 0; i < 4; i++) {
        uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        rng_s[i] = z ^ (z >> 31);
    }
}

/* Exponential with the given mean: -mean * log(U), U in (0, 1]. */
static inline double
rng_exp(double mean)
{
    double u = (double)((rng_next() >> 11) + 1) * 0x1.0p-53;
    return -mean * log(u);
}

/* --- event heap (binary, 0-based) -------------------------------------- */

static struct event *heap;
static size_t heap_n;

static size_t heap_cap;

/* Room for one more event (the lazy variant; the head variant's heap never
 * holds more than 1 + agents). */
static void
heap_reserve(void)
{
    if (heap_n < heap_cap)
        return;
    heap_cap *= 2;
    heap = realloc(heap, heap_cap * sizeof *heap);
    if (!heap) {
        fprintf(stderr, "bench_bare: out of memory\n");
        exit(1);
    }
}

static inline void
heap_push(double t, uint64_t tag)
{
    size_t i = heap_n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!(t < heap[p].t))
            break;
        heap[i] = heap[p];
        i = p;
    }
    heap[i] = (struct event){t, tag};
}

/* Put e where the root was and sift it down (the root is consumed). */
static inline void
heap_sift_root(struct event e)
{
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= heap_n)
            break;
        if (c + 1 < heap_n && heap[c + 1].t < heap[c].t)
            c++;
        if (!(heap[c].t < e.t))
            break;
        heap[i] = heap[c];
        i = c;
    }
    heap[i] = e;
}

/* Replace the root with (t, tag). */
static inline void
heap_replace_top(double t, uint64_t tag)
{
    heap_sift_root((struct event){t, tag});
}

/* Remove the root. */
static inline void
heap_pop(void)
{
    heap_n--;
    if (heap_n > 0)
        heap_sift_root(heap[heap_n]);
}

/* --- FIFO queue (ring buffer, power-of-two capacity, grows) ------------ */

/* Caller number n (counting every caller ever queued) sits in slot
 * n & (q_cap - 1) while queued; the head is caller q_head, q_len queued. */
static struct waiting *q;
static uint64_t q_cap, q_head, q_len;

static void *
xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fprintf(stderr, "bench_bare: out of memory\n");
        exit(1);
    }
    return p;
}

static void
q_grow(void)
{
    struct waiting *nq = xmalloc(2 * q_cap * sizeof *nq);
    for (uint64_t n = q_head; n < q_head + q_len; n++)
        nq[n & (2 * q_cap - 1)] = q[n & (q_cap - 1)];
    free(q);
    q = nq;
    q_cap *= 2;
}

/* Queue a caller; returns its number. */
static inline uint64_t
q_push(double arrive, double deadline)
{
    if (q_len == q_cap)
        q_grow();
    uint64_t n = q_head + q_len++;
    q[n & (q_cap - 1)] = (struct waiting){arrive, deadline};
    return n;
}

/* Take the head caller. */
static inline struct waiting
q_pop(void)
{
    struct waiting w = q[q_head & (q_cap - 1)];
    q_head++;
    q_len--;
    return w;
}

/* --- measurement helpers -------------------------------------------------- */

static double
clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* --- the model --------------------------------------------------------- */

static const double rate = 2.0, aht = 50.0, patience = 120.0, sl_t = 20.0;
enum { AGENTS = 105 };

struct counts {
    uint64_t offered, answered, within, abandoned, ends, stale;
};

/* Abandons checked at the head of the queue: no abandon events. */
static void
run_head(double horizon, struct counts *k)
{
    unsigned idle = AGENTS;
    double first = rng_exp(1.0 / rate);
    if (first < horizon)
        heap_push(first, EV_ARRIVAL);
    while (heap_n > 0) {
        double now = heap[0].t;
        if (heap[0].tag == EV_ARRIVAL) {
            k->offered++;
            double next = now + rng_exp(1.0 / rate);
            if (next < horizon)
                heap_replace_top(next, EV_ARRIVAL);
            else
                heap_pop();
            if (idle > 0) {
                idle--;
                k->answered++;
                k->within++; /* waited 0 s */
                heap_push(now + rng_exp(aht), EV_END);
            } else {
                q_push(now, now + rng_exp(patience));
            }
            continue;
        }
        /* A service end: the agent takes the first caller still waiting. */
        k->ends++;
        for (;;) {
            if (q_len == 0) {
                idle++;
                heap_pop();
                break;
            }
            struct waiting w = q_pop();
            if (w.deadline <= now) {
                k->abandoned++; /* hung up at w.deadline */
                continue;
            }
            k->answered++;
            k->within += now - w.arrive <= sl_t;
            heap_replace_top(now + rng_exp(aht), EV_END);
            break;
        }
    }
}

/* Abandon events in the heap, left there when the caller is answered and
 * discarded when they surface (lazy deletion); an abandoned caller is
 * marked in the queue and skipped when it reaches the head. */
static void
run_lazy(double horizon, struct counts *k)
{
    unsigned idle = AGENTS;
    double first = rng_exp(1.0 / rate);
    if (first < horizon)
        heap_push(first, EV_ARRIVAL);
    while (heap_n > 0) {
        double now = heap[0].t;
        uint64_t tag = heap[0].tag;
        if (tag == EV_ARRIVAL) {
            k->offered++;
            double next = now + rng_exp(1.0 / rate);
            if (next < horizon)
                heap_replace_top(next, EV_ARRIVAL);
            else
                heap_pop();
            heap_reserve();
            if (idle > 0) {
                idle--;
                k->answered++;
                k->within++;
                heap_push(now + rng_exp(aht), EV_END);
            } else {
                uint64_t n = q_push(now, (double)INFINITY);
                heap_push(now + rng_exp(patience), n << 2 | EV_ABANDON);
            }
            continue;
        }
        if ((tag & 3) == EV_ABANDON) {
            uint64_t n = tag >> 2;
            heap_pop();
            struct waiting *w = &q[n & (q_cap - 1)];
            if (n >= q_head && isinf(w->deadline)) {
                w->deadline = now;
                k->abandoned++;
            } else {
                k->stale++; /* answered before its patience ran out */
            }
            continue;
        }
        k->ends++;
        for (;;) {
            if (q_len == 0) {
                idle++;
                heap_pop();
                break;
            }
            struct waiting w = q_pop();
            if (w.deadline <= now)
                continue; /* hung up, counted then */
            k->answered++;
            k->within += now - w.arrive <= sl_t;
            heap_replace_top(now + rng_exp(aht), EV_END);
            break;
        }
    }
}

int
main(int argc, char **argv)
{
    double calls = argc > 1 ? strtod(argv[1], NULL) : 1e7;
    uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
    const char *mode = argc > 3 ? argv[3] : "head";
    bool lazy = strcmp(mode, "lazy") == 0;
    if (!lazy && strcmp(mode, "head") != 0) {
        fprintf(stderr, "usage: bench_bare [CALLS [SEED [head|lazy]]]\n");
        return 2;
    }

    double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    rng_seed(seed);
    heap_cap = lazy ? 1024 : AGENTS + 1;
    heap = xmalloc(heap_cap * sizeof *heap);
    q_cap = 1024;
    q = xmalloc(q_cap * sizeof *q);
    struct counts k = {0};
    if (lazy)
        run_lazy(calls / rate, &k);
    else
        run_head(calls / rate, &k);
    double wall = clock_s(CLOCK_MONOTONIC) - t0;
    double cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;

    uint64_t events = k.offered + k.ends + k.abandoned;
    printf("mode        %s\n", mode);
    printf("calls       %llu\n", (unsigned long long)k.offered);
    printf("events      %llu\n", (unsigned long long)events);
    if (lazy)
        printf("stale       %llu\n", (unsigned long long)k.stale);
    printf("wall_s      %.3f\n", wall);
    printf("cpu_s       %.3f\n", cpu);
    printf("calls_per_s %.0f\n", (double)k.offered / wall);
    printf("events_per_s %.0f\n", (double)events / wall);
    printf("peak_rss_kb %ld\n", bench_peak_rss_kb());
    printf("check       abandon_rate %.5f (exact 0.013858), service_level %.5f (exact 0.985419)\n",
           (double)k.abandoned / (double)k.offered, (double)k.within / (double)k.offered);
    free(q);
    free(heap);
    if (k.answered + k.abandoned != k.offered) {
        fprintf(stderr, "bench_bare: %llu answered + %llu abandoned != %llu offered\n",
                (unsigned long long)k.answered, (unsigned long long)k.abandoned,
                (unsigned long long)k.offered);
        return 1;
    }
    return 0;
}
