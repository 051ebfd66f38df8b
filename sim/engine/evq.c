/*
 * evq: 4-ary min-heap with cached times and back-indices (libev's ANHE
 * idea). The children of position i are 4i+1..4i+4: half the levels of a
 * binary heap. Entries are 16 bytes (time, slot, priority tag) and the
 * array starts 3 entries into a 64-byte-aligned block, so the four
 * children of every position share one cache line: a level of sift-down
 * reads one line. The sequence, kind and object stay in the slot, which
 * the heap never moves; the sequence is read only when two events have the
 * same time and priority. Positions live in a dense array of their own
 * (4 bytes per slot), written once per moved entry. The heap array has
 * ARITY entries more than the slots, and every position from n on holds a
 * sentinel that sorts after every event, so the smallest of four children
 * needs no bounds test.
 */
#include "evq.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ARITY    4
#define PAD      3 /* heap[1] (the first group of children) on a line boundary */
#define LINE     64
#define TAG_NONE UINT32_MAX

/* After every event: +inf, and a tag above any priority's. */
static const struct acd_evq_entry sentinel = {
    .t = (double)INFINITY, .id = ACD_EVQ_NONE, .tag = TAG_NONE};

/* Same time and priority: scheduling order. Sentinels (id NONE) have the
 * highest tag, so two entries with equal tags are both events or both
 * sentinels. Out of line: events rarely share a time and a priority. */
static bool __attribute__((noinline))
seq_less(const struct acd_evq *q, const struct acd_evq_entry *a, const struct acd_evq_entry *b)
{
    if (a->id == ACD_EVQ_NONE)
        return false;
    return q->slot[a->id].seq < q->slot[b->id].seq;
}

/* (t, priority, sequence) order: one test when the times differ, as they
 * nearly always do; past the last event, sentinels differ from events by
 * tag and sentinels compare equal (not less) without leaving the loop. */
static inline bool
less(const struct acd_evq *q, const struct acd_evq_entry *a, const struct acd_evq_entry *b)
{
    return a->t < b->t ||
           (a->t == b->t &&
            (a->tag < b->tag || (a->tag == b->tag && a->id != b->id && seq_less(q, a, b))));
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

/* A line-aligned block for cap events (+ the sentinels and the padding). */
static struct acd_evq_entry *
heap_alloc(size_t cap)
{
    size_t size = (cap + ARITY + PAD) * sizeof(struct acd_evq_entry);
    size = (size + LINE - 1) / LINE * LINE;
    void *p = aligned_alloc(LINE, size);
    if (!p)
        acd_oom(size);
    return p;
}

void
acd_evq_init(struct acd_evq *q, size_t cap_hint)
{
    memset(q, 0, sizeof(*q));
    q->cap = cap_hint < 16 ? 16 : cap_hint;
    q->mem = heap_alloc(q->cap);
    q->heap = q->mem + PAD;
    q->slot = acd_xmalloc(q->cap * sizeof(*q->slot));
    q->pos = acd_xmalloc(q->cap * sizeof(*q->pos));
    q->free = ACD_EVQ_NONE;
    fill_sentinels(q->heap, 0, q->cap + ARITY);
}

void
acd_evq_fini(struct acd_evq *q)
{
    free(q->mem);
    free(q->slot);
    free(q->pos);
    memset(q, 0, sizeof(*q));
}

static void
grow(struct acd_evq *q)
{
    size_t cap = q->cap * 2;
    ACD_ASSERT(cap < ACD_EVQ_NONE);
    struct acd_evq_entry *mem = heap_alloc(cap);
    memcpy(mem + PAD, q->heap, (q->cap + ARITY) * sizeof(*q->heap));
    free(q->mem);
    q->mem = mem;
    q->heap = mem + PAD;
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
    size_t n = q->n;
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

static inline uint32_t
make_tag(int prio)
{
    ACD_ASSERT(prio >= ACD_EVQ_PRIO_MIN && prio <= ACD_EVQ_PRIO_MAX);
    return (uint32_t)(prio - ACD_EVQ_PRIO_MIN);
}

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
    q->slot[id].seq = q->seq++;
    q->slot[id].kind = kind;
    q->slot[id].obj = obj;
    struct acd_evq_entry e = {.t = t, .id = id, .tag = make_tag(prio)};
    sift_up(q, q->n++, e);
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
    struct acd_evq_entry last = q->heap[--q->n];
    q->heap[q->n] = sentinel;
    if (i == q->n)
        return;
    if (i > 0 && less(q, &last, &q->heap[parent(i)]))
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
    return h < q->n_used && q->pos[h] != ACD_EVQ_NONE;
}

void
acd_evq_cancel(struct acd_evq *q, uint32_t h)
{
    ACD_ASSERT(acd_evq_is_pending(q, h));
    remove_at(q, q->pos[h]);
    release(q, h);
}

void
acd_evq_reschedule(struct acd_evq *q, uint32_t h, double t)
{
    ACD_ASSERT(acd_evq_is_pending(q, h));
    size_t i = q->pos[h];
    struct acd_evq_entry e = q->heap[i];
    e.t = t;
    q->slot[h].seq = q->seq++; /* keeps its priority (tag), gets a new sequence */
    if (i > 0 && less(q, &e, &q->heap[parent(i)]))
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
    if ((uintptr_t)&q->heap[1] % LINE != 0)
        return false;
    for (size_t i = 0; i < q->n; i++) {
        if (q->heap[i].id >= q->n_used || q->pos[q->heap[i].id] != i || q->heap[i].tag == TAG_NONE)
            return false;
        if (i > 0 && less(q, &q->heap[i], &q->heap[parent(i)]))
            return false;
    }
    /* The sentinels the last parent's children can reach. */
    for (size_t i = q->n; i < q->n + ARITY; i++)
        if (q->heap[i].t != sentinel.t || q->heap[i].tag != TAG_NONE ||
            q->heap[i].id != ACD_EVQ_NONE)
            return false;
    return true;
}
