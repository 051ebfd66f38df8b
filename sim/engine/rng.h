/*
 * rng: the replication's random numbers.
 *
 * Two kinds of stream, both seeded from (master seed, replication, ...)
 * through a 64-bit mixer, so a replication's numbers never depend on which
 * thread runs it:
 *
 *   - GSL generators (mt19937) per purpose: the arrival process of each call
 *     type, and the agent side (routing ties, absenteeism, busyness);
 *   - per-caller streams (acd_crng_*): everything a caller brings - patience,
 *     balking, handle time, resolution, retrials, transfers, ring and wrap
 *     times - is drawn from sub-streams keyed by the caller's identity (call
 *     type, sequence number of its fresh call in the replication), the
 *     purpose and the occurrence (its j-th wait, j-th answer...), not by the
 *     order of events. Two scenarios that differ in staffing or routing face
 *     the same callers (common random numbers, docs/design.md).
 */
#ifndef ACDSIM_RNG_H
#define ACDSIM_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* Purposes. Per-call-type purposes are offset by the call type index so each
 * type has its own arrival stream (adding a type does not shift others). */
enum acd_stream {
    ACD_STREAM_ARRIVALS = 0,
    ACD_STREAM_HANDLE = 1,
    ACD_STREAM_PATIENCE = 2,
    ACD_STREAM_ROUTING = 3,
    ACD_STREAM_RETRIAL = 4,
    ACD_STREAM_RESOLUTION = 5,
    ACD_STREAM_DAY = 6,      /* per-replication draws: busyness */
    ACD_STREAM_WRAP = 7,     /* after-call work */
    ACD_STREAM_CALLER = 8,   /* caller choices: balking, accepting a callback */
    ACD_STREAM_TRANSFER = 9, /* transfers after a talk: target, conference time */
    ACD_STREAM_RING = 10,    /* ring (connect) times */
    ACD_STREAM_CALLERS = 11, /* per call type: the key of its callers (acd_crng_caller_key) */
    ACD_STREAM_ROSTER = 12,  /* per agent group: absenteeism, per shift and roster slot */
    ACD_STREAM_PURPOSES = 16
};
/* The engine draws only ACD_STREAM_ARRIVALS, ROUTING, DAY, CALLERS and ROSTER;
 * HANDLE..RING were per-purpose caller streams before callers had their own
 * (still valid stream ids). */

/* Seed for (master, replication, stream, index) - distinct inputs give
 * distinct seeds with overwhelming probability. */
uint64_t acd_rng_seed(uint64_t master, uint64_t replication, unsigned stream, uint64_t index);
/* New generator (mt19937) seeded with acd_rng_seed(...). Caller frees with
 * gsl_rng_free. */
gsl_rng *acd_rng_new(uint64_t master, uint64_t replication, unsigned stream, uint64_t index);
/* Re-seed an existing generator in place (no allocation). */
void acd_rng_reseed(gsl_rng *r, uint64_t master, uint64_t replication, unsigned stream,
                    uint64_t index);

/* --- per-caller streams ------------------------------------------------
 *
 * A caller's key comes from its call type's key (acd_rng_seed(master, rep,
 * ACD_STREAM_CALLERS, type)) and its sequence number; a sub-stream of the
 * caller (purpose, occurrence) is a splitmix64 sequence from a base mixed
 * from the key. Uniform n of a sub-stream is acd_crng_u01(base, n); a
 * distribution samples from the sub-stream through a gsl_rng of type
 * acd_crng_type positioned with acd_crng_at (no allocation: the state is
 * two words). Each draw starts a fresh sub-stream, so a sampler that takes
 * a variable number of uniforms (gamma, lognormal) never shifts another
 * draw of the caller. */

#define ACD_CRNG_GOLDEN 0x9e3779b97f4a7c15ULL

/* Caller purposes: one sub-stream per (purpose, occurrence). */
enum acd_caller_purpose {
    ACD_CALLER_PATIENCE,   /* the j-th wait: its patience */
    ACD_CALLER_HANDLE,     /* the j-th answer: handle-time (talk) */
    ACD_CALLER_RESOLVE,    /* the j-th talk end: u0 resolved?, u1 escalated? */
    ACD_CALLER_REPEAT,     /* the j-th repeat call: its delay */
    ACD_CALLER_TRANSFER,   /* the j-th transfer decision: u0 the target */
    ACD_CALLER_CONFERENCE, /* the j-th conference: its length */
    ACD_CALLER_RING,       /* the j-th ring: its length */
    ACD_CALLER_WRAP,       /* the j-th wrap-up after the caller's talk */
    ACD_CALLER_COUNTED,    /* the purposes above count occurrences per caller */
    /* Indexed by the attempt number instead (one per attempt): */
    ACD_CALLER_OFFER = ACD_CALLER_COUNTED, /* u0 balks?, u1 accepts a callback? */
    ACD_CALLER_RETRIAL,                    /* u0 tries again?, u1.. the delay */
    ACD_CALLER_PURPOSES
};

/* splitmix64's output function (Stafford's mix13). */
static inline uint64_t
acd_crng_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* The key of the seq-th fresh caller (from 0) of a call type whose key is
 * type_key. */
static inline uint64_t
acd_crng_caller_key(uint64_t type_key, uint64_t seq)
{
    return acd_crng_mix(type_key + (seq + 1) * ACD_CRNG_GOLDEN);
}

/* The base of the caller's sub-stream (purpose, occurrence). */
static inline uint64_t
acd_crng_base(uint64_t key, unsigned purpose, uint32_t occurrence)
{
    return acd_crng_mix(key ^ (((uint64_t)purpose << 32 | occurrence) + 1) * ACD_CRNG_GOLDEN);
}

/* Bits n (from 0) of a sub-stream: the base itself (already mixed), then
 * splitmix64 from it; most draws take one uniform, which so costs no
 * second mix. */
static inline uint64_t
acd_crng_bits(uint64_t base, uint64_t n)
{
    return n == 0 ? base : acd_crng_mix(base + n * ACD_CRNG_GOLDEN);
}

/* Uniform n (from 0) of a sub-stream, in [0, 1) with 53 bits. */
static inline double
acd_crng_u01(uint64_t base, uint64_t n)
{
    return (double)(acd_crng_bits(base, n) >> 11) * 0x1.0p-53;
}

/* The state of a gsl_rng of type acd_crng_type: the next draw is uniform n
 * of the sub-stream at base. */
struct acd_crng_state {
    uint64_t base;
    uint64_t n;
};

extern const gsl_rng_type *const acd_crng_type;

/* A generator of type acd_crng_type (one per replication; gsl_rng_free). */
gsl_rng *acd_crng_new(void);

/* Position r (of acd_crng_type) at uniform n of the sub-stream at base;
 * returns r. */
static inline gsl_rng *
acd_crng_at(gsl_rng *r, uint64_t base, uint64_t n)
{
    struct acd_crng_state *st = (struct acd_crng_state *)r->state;
    st->base = base;
    st->n = n;
    return r;
}

#endif
