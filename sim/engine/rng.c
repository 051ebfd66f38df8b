/*
 * rng: per-purpose GSL generators seeded from (master, replication, stream,
 * index) through acd_fmix64, so streams are independent of thread
 * scheduling and of each other's consumption.
 */
#include "rng.h"
#include "util.h"

uint64_t
acd_rng_seed(uint64_t master, uint64_t replication, unsigned stream, uint64_t index)
{
    /* Chain the mixer so each component perturbs every bit of the result. */
    uint64_t h = acd_fmix64(master ^ 0x9e3779b97f4a7c15ULL);
    h = acd_fmix64(h ^ (replication + 0x632be59bd9b4e019ULL));
    h = acd_fmix64(h ^ ((uint64_t)stream * 0x85ebca77c2b2ae63ULL + 1));
    h = acd_fmix64(h ^ (index + 0x27d4eb2f165667c5ULL));
    return h;
}

void
acd_rng_reseed(gsl_rng *r, uint64_t master, uint64_t replication, unsigned stream, uint64_t index)
{
    uint64_t s = acd_rng_seed(master, replication, stream, index);
    /* mt19937 takes 32 bits of seed; fold the high half in. Seed 0 is
     * remapped by GSL to its default, which is still deterministic. */
    gsl_rng_set(r, (unsigned long)((s ^ (s >> 32)) & 0xffffffffUL));
}

gsl_rng *
acd_rng_new(uint64_t master, uint64_t replication, unsigned stream, uint64_t index)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r)
        acd_assert_fail(__FILE__, __LINE__, __func__, "gsl_rng_alloc");
    acd_rng_reseed(r, master, replication, stream, index);
    return r;
}
