/*
 * dist: random-variate distributions as a table of named entries.
 *
 * A scenario gives `{dist: NAME, mean: ..., cv: ..., k: ..., min: ..., max:
 * ..., mode: ..., file: ...}`; the parser fills struct acd_dist_params, looks the name
 * up with acd_dist_find and calls acd_dist_setup, which validates the
 * parameters (so GSL never sees a bad one) and precomputes the sampler's
 * constants. Adding a distribution is one new table entry in dist.c.
 */
#ifndef ACDSIM_DIST_H
#define ACDSIM_DIST_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

struct acd_diags;

/* Which parameters a scenario gave (bit mask over these). */
enum {
    ACD_DP_MEAN = 1u << 0,
    ACD_DP_CV = 1u << 1,
    ACD_DP_K = 1u << 2,
    ACD_DP_MIN = 1u << 3,
    ACD_DP_MAX = 1u << 4,
    ACD_DP_FILE = 1u << 5,
    ACD_DP_MODE = 1u << 6,
};

struct acd_dist_params {
    unsigned have; /* ACD_DP_* bits */
    double mean_s, cv, k, min_s, max_s, mode_s;
    const char *file; /* borrowed; resolved path of an empirical sample file */
};

struct acd_dist;
typedef double acd_dist_sample_fn(const struct acd_dist *d, gsl_rng *r);

struct acd_dist_type {
    const char *name;
    unsigned required; /* ACD_DP_* bits that must be present */
    unsigned allowed;  /* ACD_DP_* bits that may be present */
    const char *usage; /* e.g. "{dist: gamma, mean: DURATION, cv: NUMBER}" */
    /* Validate `p` and fill `d`. On error write a one-line message (without
     * location) to err and return -1. May allocate (empirical samples). */
    int (*setup)(struct acd_dist *d, const struct acd_dist_params *p, char *err, size_t errlen);
    acd_dist_sample_fn *sample;
};

/* A ready-to-sample distribution. Owned by its scenario; immutable after
 * setup, so replications on several threads share it. */
struct acd_dist {
    const struct acd_dist_type *type;
    acd_dist_sample_fn *sample; /* copied from type (one indirection less) */
    double mean_s;              /* the distribution's mean, seconds */
    double cv;                  /* coefficient of variation (0 for deterministic) */
    double a, b, c;             /* sampler constants (shape/scale, mu/sigma, min/width...) */
    double *samples;            /* empirical: sorted samples (owned) */
    size_t n_samples;
};

/* NULL-terminated table of every distribution, in documentation order. */
extern const struct acd_dist_type *const acd_dist_types[];

/* Look up by name; NULL if unknown. */
const struct acd_dist_type *acd_dist_find(const char *name);
/* Validate and prepare; see acd_dist_type.setup. For `empirical`, first load
 * the samples (acd_dist_load_samples) and store them in d->samples and
 * d->n_samples (d takes ownership); setup keeps them. Any other field of d
 * is overwritten. On success d owns its data (free with acd_dist_fini); on
 * failure the caller still frees with acd_dist_fini. */
int acd_dist_setup(struct acd_dist *d, const struct acd_dist_type *type,
                   const struct acd_dist_params *p, char *err, size_t errlen);
/* An exponential with the given mean (used for Poisson inter-arrivals). */
void acd_dist_exponential(struct acd_dist *d, double mean_s);
void acd_dist_fini(struct acd_dist *d);

/* Load an empirical sample file: one non-negative number (seconds, or a
 * duration like `4m`) per line, `#` comments and blank lines ignored.
 * Errors go to diags as `path:line:col`. Returns the number of samples, or
 * -1 on error (nothing allocated). Caller frees *out. */
long acd_dist_load_samples(const char *path, double **out, struct acd_diags *diags);

static inline double
acd_dist_sample(const struct acd_dist *d, gsl_rng *r)
{
    return d->sample(d, r);
}

#endif
