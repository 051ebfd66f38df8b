/*
 * rng: one GSL generator per purpose per replication.
 *
 * Streams are seeded from (master seed, replication, stream id) through a
 * 64-bit mixer, so a replication's numbers never depend on which thread runs
 * it or on how many draws another purpose made (common random numbers across
 * scenario variants come for free).
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
    ACD_STREAM_DAY = 6,      /* per-replication draws: busyness, absenteeism */
    ACD_STREAM_WRAP = 7,     /* after-call work */
    ACD_STREAM_CALLER = 8,   /* caller choices: balking, accepting a callback */
    ACD_STREAM_TRANSFER = 9, /* transfers after a talk: target, conference time */
    ACD_STREAM_RING = 10,    /* ring (connect) times */
    ACD_STREAM_PURPOSES = 16
};

/* Seed for (master, replication, stream, index) - distinct inputs give
 * distinct seeds with overwhelming probability. */
uint64_t acd_rng_seed(uint64_t master, uint64_t replication, unsigned stream, uint64_t index);
/* New generator (mt19937) seeded with acd_rng_seed(...). Caller frees with
 * gsl_rng_free. */
gsl_rng *acd_rng_new(uint64_t master, uint64_t replication, unsigned stream, uint64_t index);
/* Re-seed an existing generator in place (no allocation). */
void acd_rng_reseed(gsl_rng *r, uint64_t master, uint64_t replication, unsigned stream,
                    uint64_t index);

#endif
