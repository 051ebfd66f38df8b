/*
 * evq: 4-ary min-heap with cached keys and back-indices (libev's ANHE idea).
 * The children of position i are 4i+1..4i+4: half the levels of a binary
 * heap, and the four 24-byte siblings are adjacent (96 bytes). The heap
 * array has ARITY entries more than the slots, and every position from n on
 * holds a sentinel that sorts after every event, so the smallest of four
 * children needs no bounds test. Entries move into a hole, with one
 * back-index write per move.
 */
#include "evq.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SEQ_BITS 47
#define ARITY    4

/* After every event: +inf, and a key above any (priority, sequence). */
static const struct acd_evq_entry sentinel = {
    .t = (double)INFINITY, .key = UINT64_MAX, .id = ACD_EVQ_NONE};

/* (t, key) order: one test when the times differ, as they nearly always do. */
static inline bool
less(const struct acd_evq_entry *a, const struct acd_evq_entry *b)
{
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
    q->free = ACD_EVQ_NONE;
    fill_sentinels(q->heap, 0, q->cap + ARITY);
}

void
acd_evq_clear(struct acd_evq *q)
{
    q->n = 0;
    q->free = ACD_EVQ_NONE;
    q->n_used = 0;
    q->seq = 0;
    fill_sentinels(q->heap, 0, q->cap + ARITY);
}

void
acd_evq_fini(struct acd_evq *q)
{
    free(q->heap);
    free(q->slot);
    memset(q, 0, sizeof(*q));
}

static void
grow(struct acd_evq *q)
{
    size_t cap = q->cap * 2;
    ACD_ASSERT(cap < ACD_EVQ_NONE);
    q->heap = acd_xrealloc(q->heap, (cap + ARITY) * sizeof(*q->heap));
    q->slot = acd_xrealloc(q->slot, cap * sizeof(*q->slot));
    fill_sentinels(q->heap, q->cap + ARITY, cap + ARITY);
    q->cap = cap;
}

static inline void
place(struct acd_evq *q, size_t i, struct acd_evq_entry e)
{
    q->heap[i] = e;
    q->slot[e.id].heap_idx = (uint32_t)i;
}

static void
sift_up(struct acd_evq *q, size_t i, struct acd_evq_entry e)
{
    struct acd_evq_entry *h = q->heap;
    while (i > 0) {
        size_t p = parent(i);
        if (!less(&e, &h[p]))
            break;
        place(q, i, h[p]);
        i = p;
    }
    place(q, i, e);
}

/* The smallest of the four children from c (sentinels past the end). */
static inline size_t
min_child(const struct acd_evq_entry *h, size_t c)
{
    size_t a = less(&h[c + 1], &h[c]) ? c + 1 : c;
    size_t b = less(&h[c + 3], &h[c + 2]) ? c + 3 : c + 2;
    return less(&h[b], &h[a]) ? b : a;
}

static void
sift_down(struct acd_evq *q, size_t i, struct acd_evq_entry e)
{
    struct acd_evq_entry *h = q->heap;
    size_t n = q->n;
    for (;;) {
        size_t c = ARITY * i + 1;
        if (c >= n)
            break;
        size_t m = min_child(h, c);
        if (!less(&h[m], &e))
            break;
        place(q, i, h[m]);
        i = m;
    }
    place(q, i, e);
}

static inline uint64_t
make_key(struct acd_evq *q, int prio)
{
    ACD_ASSERT(prio >= ACD_EVQ_PRIO_MIN && prio <= ACD_EVQ_PRIO_MAX);
    uint64_t seq = q->seq++;
    ACD_ASSERT(seq < (1ULL << SEQ_BITS));
    return ((uint64_t)(prio - ACD_EVQ_PRIO_MIN) << SEQ_BITS) | seq;
}

uint32_t
acd_evq_push(struct acd_evq *q, double t, int prio, uint32_t kind, uint32_t obj)
{
    ACD_ASSERT(!isnan(t));
    uint32_t id = q->free;
    if (id != ACD_EVQ_NONE) {
        q->free = q->slot[id].next_free;
    } else {
        if (q->n_used == q->cap)
            grow(q);
        id = q->n_used++;
    }
    q->slot[id].kind = kind;
    q->slot[id].obj = obj;
    struct acd_evq_entry e = {.t = t, .key = make_key(q, prio), .id = id};
    sift_up(q, q->n++, e);
    return id;
}

static void
release(struct acd_evq *q, uint32_t id)
{
    q->slot[id].heap_idx = ACD_EVQ_NONE;
    q->slot[id].next_free = q->free;
    q->free = id;
}

/* Remove the entry at heap position i and restore the heap. */
static void
remove_at(struct acd_evq *q, size_t i)
{
    struct acd_evq_entry last = q->heap[--q->n];
    q->heap[q->n] = sentinel;
    if (i == q->n)
        return;
    if (i > 0 && less(&last, &q->heap[parent(i)]))
        sift_up(q, i, last);
    else
        sift_down(q, i, last);
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
    remove_at(q, 0);
    release(q, id);
    return true;
}

bool
acd_evq_is_pending(const struct acd_evq *q, uint32_t h)
{
    return h < q->n_used && q->slot[h].heap_idx != ACD_EVQ_NONE;
}

void
acd_evq_cancel(struct acd_evq *q, uint32_t h)
{
    ACD_ASSERT(acd_evq_is_pending(q, h));
    remove_at(q, q->slot[h].heap_idx);
    release(q, h);
}

void
acd_evq_reschedule(struct acd_evq *q, uint32_t h, double t)
{
    ACD_ASSERT(acd_evq_is_pending(q, h));
    size_t i = q->slot[h].heap_idx;
    struct acd_evq_entry e = q->heap[i];
    int prio = (int)(e.key >> SEQ_BITS) + ACD_EVQ_PRIO_MIN;
    e.t = t;
    e.key = make_key(q, prio);
    if (i > 0 && less(&e, &q->heap[parent(i)]))
        sift_up(q, i, e);
    else
        sift_down(q, i, e);
}

double
acd_evq_peek_time(const struct acd_evq *q)
{
    return q->n ? q->heap[0].t : (double)INFINITY;
}

bool
acd_evq_verify(const struct acd_evq *q)
{
    for (size_t i = 0; i < q->n; i++) {
        if (q->slot[q->heap[i].id].heap_idx != i)
            return false;
        if (i > 0 && less(&q->heap[i], &q->heap[parent(i)]))
            return false;
    }
    /* The sentinels the last parent's children can reach. */
    for (size_t i = q->n; i < q->n + ARITY; i++)
        if (q->heap[i].t != sentinel.t || q->heap[i].key != sentinel.key)
            return false;
    return true;
}
