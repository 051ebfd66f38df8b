/*
 * rng: per-purpose GSL generators seeded from (master, replication, stream,
 * index) through acd_fmix64, so streams are independent of thread
 * scheduling and of each other's consumption; and the gsl_rng type of the
 * per-caller sub-streams (rng.h).
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

/* --- per-caller streams ------------------------------------------------- */

static void
crng_set(void *vstate, unsigned long seed)
{
    struct acd_crng_state *st = vstate;
    st->base = acd_crng_mix((uint64_t)seed);
    st->n = 0;
}

static unsigned long
crng_get(void *vstate)
{
    struct acd_crng_state *st = vstate;
    return (unsigned long)(acd_crng_bits(st->base, st->n++) >> 32);
}

static double
crng_get_double(void *vstate)
{
    struct acd_crng_state *st = vstate;
    return acd_crng_u01(st->base, st->n++);
}

/* The n-th get_double is acd_crng_u01(base, n). */
static const gsl_rng_type crng_type = {
    .name = "acd_caller",
    .max = 0xffffffffUL,
    .min = 0,
    .size = sizeof(struct acd_crng_state),
    .set = crng_set,
    .get = crng_get,
    .get_double = crng_get_double,
};

const gsl_rng_type *const acd_crng_type = &crng_type;

gsl_rng *
acd_crng_new(void)
{
    gsl_rng *r = gsl_rng_alloc(acd_crng_type);
    if (!r)
        acd_assert_fail(__FILE__, __LINE__, __func__, "gsl_rng_alloc");
    return r;
}
