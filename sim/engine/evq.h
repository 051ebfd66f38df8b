/*
 * evq: the future event list - an array-backed 4-ary heap (the children of
 * position i at 4i+1..4i+4) of (time, priority and sequence, slot)
 * entries in front of a calendar of later events (evq.c), with a position
 * per event, so cancel and reschedule are O(log n). Events are small
 * records (kind, object) in a slot pool that grows to the high-water mark and is then reused: no
 * allocation per event.
 *
 * Order is total: earlier time first, then lower priority value, then
 * scheduling order (FIFO). Results therefore never depend on heap layout.
 * Internal to the engine (sim.c); tests and bench use it directly.
 */
#ifndef ACDSIM_EVQ_H
#define ACDSIM_EVQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACD_EVQ_NONE UINT32_MAX

/* Priorities: smaller runs first among events at the same time. */
#define ACD_EVQ_PRIO_MIN (-32768)
#define ACD_EVQ_PRIO_MAX 32767

struct acd_evq_entry {
    double t;
    uint64_t key; /* (priority + 32768) << 47 | sequence */
    uint32_t id;  /* slot index */
};

/* The part of an event that does not move: read once, at pop. */
struct acd_evq_slot {
    uint32_t kind;
    uint32_t obj;    /* the next free slot while free */
    uint32_t bucket; /* in the calendar: its bucket (pos: ACD_EVQ_IN_BUCKET | index) */
};

/* Events further than the heap's window wait in a calendar: a ring of
 * buckets of `width` seconds, unsorted, one per absolute bucket number
 * modulo the ring size. */
struct acd_evq_bucket {
    struct acd_evq_entry *e;
    uint32_t n, cap;
};

#define ACD_EVQ_IN_BUCKET 0x80000000u

struct acd_evq {
    struct acd_evq_entry *heap; /* the children of i at 4i+1..4i+4 */
    struct acd_evq_slot *slot;
    /* Per slot: position in heap, ACD_EVQ_IN_BUCKET | index in its bucket,
     * or ACD_EVQ_NONE when free. */
    uint32_t *pos;
    size_t n;        /* events pending */
    size_t n_heap;   /* of which in the heap (the rest in the calendar) */
    size_t cap;      /* events the heap and slot arrays hold (heap: + 4 sentinels) */
    uint32_t free;   /* head of the free slot list */
    uint32_t n_used; /* slots ever handed out (high-water mark) */
    uint64_t seq;
    /* The calendar (NULL until the queue first holds ACD_EVQ_CAL_MIN
     * events): the heap holds every event whose bucket number
     * floor(t / width) is at most cur, the buckets the later ones. */
    struct acd_evq_bucket *bkt;
    size_t n_bkt; /* a power of two */
    double width, inv_width;
    int64_t cur;
    /* Tuning: refills, buckets they stepped over and events they moved
     * since the last rebuild. */
    size_t n_refill, n_stepped, n_moved;
    struct acd_evq_entry *scratch; /* rebuilds */
    size_t scratch_cap;
};

/* A popped event. */
struct acd_evq_item {
    double t;
    uint32_t kind;
    uint32_t obj;
};

/* Prepare an empty queue with room for `cap_hint` events (grows as needed). */
void acd_evq_init(struct acd_evq *q, size_t cap_hint);
void acd_evq_fini(struct acd_evq *q);
/* Empty the queue for a new run, keeping its memory (heap, slots, the
 * calendar's ring and buckets): the next run's handles and order are those
 * of a freshly initialised queue. */
void acd_evq_clear(struct acd_evq *q);

/* Schedule; returns a handle valid until the event is popped or cancelled. */
uint32_t acd_evq_push(struct acd_evq *q, double t, int prio, uint32_t kind, uint32_t obj);
/* Pop the earliest event into *out; false if empty. */
bool acd_evq_pop(struct acd_evq *q, struct acd_evq_item *out);
/* Cancel a pending event. The handle must be pending (asserted). */
void acd_evq_cancel(struct acd_evq *q, uint32_t h);
/* Move a pending event to time t (it keeps kind/obj, gets a new sequence). */
void acd_evq_reschedule(struct acd_evq *q, uint32_t h, double t);
bool acd_evq_is_pending(const struct acd_evq *q, uint32_t h);

static inline size_t
acd_evq_len(const struct acd_evq *q)
{
    return q->n;
}

/* Time of the earliest event; +INFINITY if empty. */
double acd_evq_peek_time(const struct acd_evq *q);

/* Check heap order, back-indices and the calendar (tests; O(n)). */
bool acd_evq_verify(const struct acd_evq *q);

#endif
