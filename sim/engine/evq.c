/*
 * evq: a 4-ary min-heap of the near events in front of a calendar of the
 * later ones.
 *
 * The heap: cached keys and back-indices (libev's ANHE idea). The
 * children of position i are 4i+1..4i+4: half the levels of a binary
 * heap. Entries are (time, priority << 47 | sequence, slot); kind and
 * object stay in the slot, which never moves. Positions live in a dense
 * array of their own (4 bytes per slot), written once per moved entry. The heap array has ARITY
 * entries more than the slots, and every position from n_heap on holds a sentinel that sorts after
 * every event, so the smallest of four children needs no bounds test.
 *
 * The calendar (a calendar queue, Brown 1988): once the queue holds
 * ACD_EVQ_CAL_MIN events, an event whose bucket number floor(t / width) is
 * past `cur` goes, unsorted, into bucket (number mod n_bkt) instead of the
 * heap; when the heap runs empty, `cur` steps to the next bucket number
 * and that bucket's events of that number move into the heap. Bucket
 * numbers grow with time, so every event in the heap precedes every event
 * in the calendar, and the heap orders the rest by the whole (time,
 * priority, sequence) key: the order of pops is the heap's alone, exactly.
 * The heap stays small (a bucket or so of events) whatever the number of
 * events pending, so a pop or a push costs the same at 50,000 events as at
 * 1,000. The width aims at a few events per bucket: chosen from the
 * events at each rebuild, which comes when the ring is too small for the
 * events or refills step over too many empty buckets or move too many
 * events.
 */
#include "evq.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ARITY    4
#define SEQ_BITS 47

#define CAL_MIN      1024 /* events before the calendar starts */
#define CAL_PER_BKT  3.0  /* events per bucket the width aims at */
#define CAL_TUNE_MIN 256  /* refills between checks of the width */

/* After every event: +inf, and a key above any (priority, sequence). */
static const struct acd_evq_entry sentinel = {
    .t = (double)INFINITY, .key = UINT64_MAX, .id = ACD_EVQ_NONE};

/* (t, key) order: one test when the times differ, as they nearly always
 * do. */
static inline bool
less(const struct acd_evq *q, const struct acd_evq_entry *a, const struct acd_evq_entry *b)
{
    (void)q;
    return a->t < b->t || (a->t == b->t && a->key < b->key);
}

static inline size_t
parent(size_t i)
{
    return (i - 1) / ARITY;
}

static void
fill_sentinels(struct acd_evq_entry *h, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        h[i] = sentinel;
}

void
acd_evq_init(struct acd_evq *q, size_t cap_hint)
{
    memset(q, 0, sizeof(*q));
    q->cap = cap_hint < 16 ? 16 : cap_hint;
    q->heap = acd_xmalloc((q->cap + ARITY) * sizeof(*q->heap));
    q->slot = acd_xmalloc(q->cap * sizeof(*q->slot));
    q->pos = acd_xmalloc(q->cap * sizeof(*q->pos));
    q->free = ACD_EVQ_NONE;
    fill_sentinels(q->heap, 0, q->cap + ARITY);
}

void
acd_evq_fini(struct acd_evq *q)
{
    free(q->heap);
    free(q->slot);
    free(q->pos);
    for (size_t b = 0; b < q->n_bkt; b++)
        free(q->bkt[b].e);
    free(q->bkt);
    free(q->scratch);
    memset(q, 0, sizeof(*q));
}

void
acd_evq_clear(struct acd_evq *q)
{
    fill_sentinels(q->heap, 0, q->n_heap + ARITY);
    for (size_t b = 0; b < q->n_bkt; b++)
        q->bkt[b].n = 0;
    q->n = q->n_heap = 0;
    q->free = ACD_EVQ_NONE;
    q->n_used = 0;
    q->seq = 0;
    q->cur = 0;
    q->n_refill = q->n_stepped = q->n_moved = 0;
}

static void __attribute__((noinline, cold)) grow(struct acd_evq *q)
{
    size_t cap = q->cap * 2;
    ACD_ASSERT(cap < ACD_EVQ_NONE);
    q->heap = acd_xrealloc(q->heap, (cap + ARITY) * sizeof(*q->heap));
    q->slot = acd_xrealloc(q->slot, cap * sizeof(*q->slot));
    q->pos = acd_xrealloc(q->pos, cap * sizeof(*q->pos));
    fill_sentinels(q->heap, q->cap + ARITY, cap + ARITY);
    q->cap = cap;
}

static void
sift_up(struct acd_evq *q, size_t i, struct acd_evq_entry e)
{
    struct acd_evq_entry *h = q->heap;
    uint32_t *pos = q->pos;
    while (i > 0) {
        size_t p = parent(i);
        if (!less(q, &e, &h[p]))
            break;
        h[i] = h[p];
        pos[h[i].id] = (uint32_t)i;
        i = p;
    }
    h[i] = e;
    pos[e.id] = (uint32_t)i;
}

/* The smallest of the four children from c (sentinels past the end). */
static inline size_t
min_child(const struct acd_evq *q, const struct acd_evq_entry *h, size_t c)
{
    size_t a = less(q, &h[c + 1], &h[c]) ? c + 1 : c;
    size_t b = less(q, &h[c + 3], &h[c + 2]) ? c + 3 : c + 2;
    return less(q, &h[b], &h[a]) ? b : a;
}

static void
sift_down(struct acd_evq *q, size_t i, struct acd_evq_entry e)
{
    struct acd_evq_entry *h = q->heap;
    uint32_t *pos = q->pos;
    size_t n = q->n_heap;
    for (;;) {
        size_t c = ARITY * i + 1;
        if (c >= n)
            break;
        size_t m = min_child(q, h, c);
        if (!less(q, &h[m], &e))
            break;
        h[i] = h[m];
        pos[h[i].id] = (uint32_t)i;
        i = m;
    }
    h[i] = e;
    pos[e.id] = (uint32_t)i;
}

static inline uint64_t
make_key(struct acd_evq *q, int prio)
{
    ACD_ASSERT(prio >= ACD_EVQ_PRIO_MIN && prio <= ACD_EVQ_PRIO_MAX);
    uint64_t seq = q->seq++;
    ACD_ASSERT(seq < (1ULL << SEQ_BITS));
    return ((uint64_t)(prio - ACD_EVQ_PRIO_MIN) << SEQ_BITS) | seq;
}

/* --- the calendar ------------------------------------------------------ */

/* The bucket number of time t: monotone in t (floor of a product by a
 * positive constant), clamped far from the int64 limits. */
static inline int64_t
bucket_of(const struct acd_evq *q, double t)
{
    double x = floor(t * q->inv_width);
    if (x >= 0x1p62)
        return INT64_C(1) << 62;
    if (x <= -0x1p62)
        return -(INT64_C(1) << 62);
    return (int64_t)x;
}

static inline void
heap_insert(struct acd_evq *q, struct acd_evq_entry e)
{
    sift_up(q, q->n_heap++, e);
}

static void __attribute__((noinline))
bucket_insert(struct acd_evq *q, int64_t b, struct acd_evq_entry e)
{
    uint32_t bi = (uint32_t)((uint64_t)b & (q->n_bkt - 1));
    struct acd_evq_bucket *k = &q->bkt[bi];
    if (k->n == k->cap) {
        k->cap = k->cap ? 2 * k->cap : 4;
        k->e = acd_xrealloc(k->e, k->cap * sizeof(*k->e));
    }
    q->pos[e.id] = ACD_EVQ_IN_BUCKET | k->n;
    q->slot[e.id].bucket = bi;
    k->e[k->n++] = e;
}

/* Take entry j out of bucket bi (the last one takes its place). */
static inline void
bucket_remove(struct acd_evq *q, uint32_t bi, uint32_t j)
{
    struct acd_evq_bucket *k = &q->bkt[bi];
    k->e[j] = k->e[--k->n];
    if (j < k->n)
        q->pos[k->e[j].id] = ACD_EVQ_IN_BUCKET | j;
}

/* A pending entry (slot already set up) into the heap or its bucket. */
static void __attribute__((noinline)) attach(struct acd_evq *q, struct acd_evq_entry e)
{
    if (q->bkt) {
        int64_t b = bucket_of(q, e.t);
        if (q->n_heap == 0 && q->n == 0)
            q->cur = b; /* an empty queue: the window starts at this event */
        if (b > q->cur) {
            bucket_insert(q, b, e);
            return;
        }
    }
    heap_insert(q, e);
}

/* Every pending entry, heap and buckets, into q->scratch; both emptied. */
static size_t
collect(struct acd_evq *q)
{
    size_t m = 0;
    if (q->scratch_cap < q->n) {
        q->scratch_cap = q->cap;
        free(q->scratch);
        q->scratch = acd_xmalloc(q->scratch_cap * sizeof(*q->scratch));
    }
    for (size_t i = 0; i < q->n_heap; i++) {
        q->scratch[m++] = q->heap[i];
        q->heap[i] = sentinel;
    }
    q->n_heap = 0;
    for (size_t b = 0; b < q->n_bkt; b++) {
        for (uint32_t j = 0; j < q->bkt[b].n; j++)
            q->scratch[m++] = q->bkt[b].e[j];
        q->bkt[b].n = 0;
    }
    ACD_ASSERT(m == q->n);
    return m;
}

/* Size the ring for the events pending and choose the width from them:
 * CAL_PER_BKT events per bucket at their density (their count over the
 * mean distance from the earliest). Then every event goes where it
 * belongs. */
static void __attribute__((noinline, cold)) rebuild(struct acd_evq *q)
{
    size_t m = collect(q);
    size_t nb = 64;
    while (nb < m / 2)
        nb *= 2;
    if (nb != q->n_bkt) {
        for (size_t b = 0; b < q->n_bkt; b++)
            free(q->bkt[b].e);
        free(q->bkt);
        q->bkt = acd_xcalloc(nb, sizeof(*q->bkt));
        q->n_bkt = nb;
    }
    double t0 = (double)INFINITY, sum = 0;
    size_t finite = 0;
    for (size_t i = 0; i < m; i++)
        if (q->scratch[i].t < t0)
            t0 = q->scratch[i].t;
    for (size_t i = 0; i < m; i++)
        if (isfinite(q->scratch[i].t) && isfinite(t0)) {
            sum += q->scratch[i].t - t0;
            finite++;
        }
    double w = finite > 1 && sum > 0 ? CAL_PER_BKT * sum / (double)finite / (double)finite : 1.0;
    if (!(w > 0) || !isfinite(1 / w))
        w = 1.0;
    q->width = w;
    q->inv_width = 1 / w;
    q->cur = bucket_of(q, t0); /* the earliest event goes to the heap */
    q->n_refill = q->n_stepped = q->n_moved = 0;
    for (size_t i = 0; i < m; i++) {
        int64_t b = bucket_of(q, q->scratch[i].t);
        if (b > q->cur)
            bucket_insert(q, b, q->scratch[i]);
        else
            heap_insert(q, q->scratch[i]);
    }
}

/* The smallest bucket number in the calendar (it holds events). */
static int64_t
calendar_min(const struct acd_evq *q)
{
    int64_t best = INT64_MAX;
    for (size_t b = 0; b < q->n_bkt; b++)
        for (uint32_t j = 0; j < q->bkt[b].n; j++) {
            int64_t x = bucket_of(q, q->bkt[b].e[j].t);
            if (x < best)
                best = x;
        }
    return best;
}

/* The heap ran empty with events left in the calendar: step cur to the
 * next bucket number that has events and move them into the heap. A
 * whole turn of the ring without one jumps to the earliest. */
static void __attribute__((noinline)) refill(struct acd_evq *q)
{
    size_t mask = q->n_bkt - 1, stepped = 0, moved = 0;
    while (q->n_heap == 0) {
        if (stepped > 0 && stepped % q->n_bkt == 0)
            q->cur = calendar_min(q) - 1;
        q->cur++;
        stepped++;
        uint32_t bi = (uint32_t)((uint64_t)q->cur & mask);
        struct acd_evq_bucket *k = &q->bkt[bi];
        for (uint32_t j = 0; j < k->n;) {
            if (bucket_of(q, k->e[j].t) <= q->cur) {
                struct acd_evq_entry e = k->e[j];
                bucket_remove(q, bi, j);
                heap_insert(q, e);
                moved++;
            } else {
                j++;
            }
        }
    }
    q->n_refill++;
    q->n_stepped += stepped;
    q->n_moved += moved;
    /* Retune when the ring is too small for the events, or the width
     * misses its aim: many empty buckets stepped over, or many events
     * moved, per refill (checked after enough refills to pay for a
     * rebuild). */
    if (q->n_refill >= CAL_TUNE_MIN && q->n_refill >= q->n / 4) {
        double per_stepped = (double)q->n_stepped / (double)q->n_refill;
        double per_moved = (double)q->n_moved / (double)q->n_refill;
        if (q->n > 4 * q->n_bkt || per_stepped > 8 || per_moved > 8 * CAL_PER_BKT)
            rebuild(q);
        else
            q->n_refill = q->n_stepped = q->n_moved = 0;
    }
}

/* The heap is empty only if the queue is. */
static inline void
settle(struct acd_evq *q)
{
    if (q->n_heap == 0 && q->n > 0)
        refill(q);
}

/* --- operations --------------------------------------------------------- */

uint32_t
acd_evq_push(struct acd_evq *q, double t, int prio, uint32_t kind, uint32_t obj)
{
    ACD_ASSERT(!isnan(t));
    uint32_t id = q->free;
    if (id != ACD_EVQ_NONE) {
        q->free = q->slot[id].obj;
    } else {
        if (q->n_used == q->cap)
            grow(q);
        id = q->n_used++;
    }
    q->slot[id].kind = kind;
    q->slot[id].obj = obj;
    struct acd_evq_entry e = {.t = t, .key = make_key(q, prio), .id = id};
    if (q->bkt) {
        attach(q, e);
        q->n++;
    } else {
        heap_insert(q, e);
        if (++q->n >= CAL_MIN)
            rebuild(q);
    }
    return id;
}

static void
release(struct acd_evq *q, uint32_t id)
{
    q->pos[id] = ACD_EVQ_NONE;
    q->slot[id].obj = q->free;
    q->free = id;
}

/* Remove the entry at heap position i and restore the heap. */
static void
remove_at(struct acd_evq *q, size_t i)
{
    struct acd_evq_entry last = q->heap[--q->n_heap];
    q->heap[q->n_heap] = sentinel;
    if (i == q->n_heap)
        return;
    if (i > 0 && less(q, &last, &q->heap[parent(i)]))
        sift_up(q, i, last);
    else
        sift_down(q, i, last);
}

/* Take pending event id out of the heap or its bucket (still pending in
 * its slot; the caller settles). */
static void
detach(struct acd_evq *q, uint32_t id)
{
    uint32_t p = q->pos[id];
    if (p & ACD_EVQ_IN_BUCKET)
        bucket_remove(q, q->slot[id].bucket, p & ~ACD_EVQ_IN_BUCKET);
    else
        remove_at(q, p);
}

/* After a pop with the calendar on: refill the heap if it ran empty, and
 * fetch the next event's slot while the caller runs this one (a large
 * queue's slots are not in cache). */
static void __attribute__((noinline)) pop_calendar(struct acd_evq *q)
{
    settle(q);
    if (q->n_heap > 0)
        __builtin_prefetch(&q->slot[q->heap[0].id]);
}

bool
acd_evq_pop(struct acd_evq *q, struct acd_evq_item *out)
{
    if (q->n == 0)
        return false;
    uint32_t id = q->heap[0].id;
    out->t = q->heap[0].t;
    out->kind = q->slot[id].kind;
    out->obj = q->slot[id].obj;
    q->n--;
    struct acd_evq_entry last = q->heap[--q->n_heap];
    q->heap[q->n_heap] = sentinel;
    if (q->n_heap > 0)
        sift_down(q, 0, last);
    release(q, id);
    if (q->bkt)
        pop_calendar(q);
    return true;
}

bool
acd_evq_is_pending(const struct acd_evq *q, uint32_t h)
{
    return h < q->n_used && q->pos[h] != ACD_EVQ_NONE;
}

void
acd_evq_cancel(struct acd_evq *q, uint32_t h)
{
    ACD_ASSERT(acd_evq_is_pending(q, h));
    detach(q, h);
    q->n--;
    release(q, h);
    settle(q);
}

void
acd_evq_reschedule(struct acd_evq *q, uint32_t h, double t)
{
    ACD_ASSERT(acd_evq_is_pending(q, h));
    ACD_ASSERT(!isnan(t));
    uint32_t p = q->pos[h];
    struct acd_evq_entry e =
        p & ACD_EVQ_IN_BUCKET ? q->bkt[q->slot[h].bucket].e[p & ~ACD_EVQ_IN_BUCKET] : q->heap[p];
    detach(q, h);
    int prio = (int)(e.key >> SEQ_BITS) + ACD_EVQ_PRIO_MIN;
    e.t = t;
    e.key = make_key(q, prio); /* its priority, a new sequence */
    q->n--;
    attach(q, e);
    q->n++;
    settle(q);
}

double
acd_evq_peek_time(const struct acd_evq *q)
{
    return q->n ? q->heap[0].t : (double)INFINITY;
}

bool
acd_evq_verify(const struct acd_evq *q)
{
    if (q->n_heap > q->n || (q->n > 0 && q->n_heap == 0))
        return false;
    for (size_t i = 0; i < q->n_heap; i++) {
        const struct acd_evq_entry *e = &q->heap[i];
        if (e->id >= q->n_used || q->pos[e->id] != i || e->key == UINT64_MAX)
            return false;
        if (i > 0 && less(q, e, &q->heap[parent(i)]))
            return false;
        if (q->bkt && bucket_of(q, e->t) > q->cur) /* belongs in the calendar */
            return false;
    }
    /* The sentinels the last parent's children can reach. */
    for (size_t i = q->n_heap; i < q->n_heap + ARITY; i++)
        if (q->heap[i].t != sentinel.t || q->heap[i].key != UINT64_MAX ||
            q->heap[i].id != ACD_EVQ_NONE)
            return false;
    size_t in_cal = 0;
    for (size_t b = 0; b < q->n_bkt; b++)
        for (uint32_t j = 0; j < q->bkt[b].n; j++) {
            const struct acd_evq_entry *e = &q->bkt[b].e[j];
            int64_t x = bucket_of(q, e->t);
            if (e->id >= q->n_used || q->pos[e->id] != (ACD_EVQ_IN_BUCKET | j) ||
                q->slot[e->id].bucket != b || x <= q->cur || (uint64_t)x % q->n_bkt != b ||
                e->key == UINT64_MAX)
                return false;
            in_cal++;
        }
    return q->n_heap + in_cal == q->n;
}
