/*
 * fit: estimators for calibrating a scenario from data (`acdsim
 * calibrate`): distributions fitted by maximum likelihood and chosen by
 * AIC, with the Kolmogorov-Smirnov distance and confidence intervals; the
 * Kaplan-Meier estimator of a survival curve from right-censored data
 * (patience: abandoned calls' waits are events, answered calls' waits are
 * censored) and parametric fits to censored data.
 *
 * Memory is bounded whatever the number of observations: a sample keeps
 * exact sufficient statistics (count, sums of x, x^2, log x, log^2 x) and
 * a uniform reservoir of at most ACD_FIT_RESERVOIR values (deterministic:
 * a fixed-seed generator of its own), from which the fits that need the
 * values (Weibull, Erlang's shape, KS distances, quantiles) are computed;
 * exponential, gamma and lognormal MLEs use the exact statistics.
 * Censored data is kept as two histograms of 1-second bins (events and
 * censored) up to ACD_FIT_MAX_T_S, longer times in the last bin.
 */
#ifndef ACDSIM_FIT_H
#define ACDSIM_FIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACD_FIT_RESERVOIR 100000
#define ACD_FIT_MAX_T_S   14400 /* 4 h of waiting, in 1-second bins */

/* ------------------------------------------------ uncensored samples */

struct acd_fit_sample {
    uint64_t n, n_zero; /* values seen; of them <= 0 (left out of the fits) */
    /* of the positive values (n - n_zero of them) */
    double sum, sum2, sum_log, sum_log2, min, max;
    size_t n_kept; /* values in the reservoir */
    double *kept;  /* ACD_FIT_RESERVOIR, allocated at the first value */
    uint64_t rng;  /* the reservoir's generator state */
};

void acd_fit_sample_init(struct acd_fit_sample *s);
void acd_fit_sample_add(struct acd_fit_sample *s, double x);
void acd_fit_sample_fini(struct acd_fit_sample *s);

enum acd_fit_family {
    ACD_FIT_EXPONENTIAL,
    ACD_FIT_GAMMA,
    ACD_FIT_LOGNORMAL,
    ACD_FIT_ERLANG,
    ACD_FIT_WEIBULL,
    ACD_FIT_FAMILIES
};
/* "exponential", "gamma", "lognormal", "erlang", "weibull": the scenario's
 * distribution names (docs/scenario.md). */
extern const char *const acd_fit_family_names[ACD_FIT_FAMILIES];

/* One fitted distribution, in the scenario's terms: mean (seconds), cv
 * (gamma, lognormal, weibull), k (erlang); the 95% CI of the mean and of
 * the cv from the observed information (delta method); log-likelihood,
 * AIC (2 params - 2 loglik, exponential 1), KS distance to the sample's
 * (reservoir's) empirical CDF. ok: the fit exists (enough positive
 * values: at least 2, and the optimizer converged). */
struct acd_fit {
    enum acd_fit_family family;
    bool ok;
    double mean, mean_lo, mean_hi;
    double cv, cv_lo, cv_hi; /* exponential: 1 */
    unsigned k;              /* erlang */
    double loglik, aic, ks;
};

/* Every family's fit (out[ACD_FIT_FAMILIES]) and the index of the one
 * with the least AIC among those ok (ACD_FIT_FAMILIES if none). */
size_t acd_fit_all(const struct acd_fit_sample *s, struct acd_fit out[ACD_FIT_FAMILIES]);

/* The sample's mean with its 95% CI (Student t on the exact sums), over
 * the positive values (those fitted). */
void acd_fit_sample_mean(const struct acd_fit_sample *s, double *mean, double *lo, double *hi);

/* --------------------------------------------------- censored data */

/* Times to an event (an abandon) and censored times (answered: the
 * caller was still willing to wait), 1-second bins. */
struct acd_fit_censored {
    uint64_t n_event, n_censored;
    uint64_t *event, *censored;         /* ACD_FIT_MAX_T_S + 1 bins, allocated at init */
    double sum_event_s, sum_censored_s; /* exact sums, for the exponential MLE */
};

void acd_fit_censored_init(struct acd_fit_censored *c);
void acd_fit_censored_add(struct acd_fit_censored *c, double t_s, bool event);
void acd_fit_censored_fini(struct acd_fit_censored *c);

/* The Kaplan-Meier curve: at each distinct event time t[i] (bin upper
 * edges, ascending) the survival S(t[i]) (the censorings within a bin
 * count as at risk for half of it) with its Greenwood 95% band
 * (log-log transformed, within [0, 1]), and the number at risk. The curve
 * never increases. Arrays owned by the struct (free with
 * acd_fit_km_free). */
struct acd_fit_km {
    size_t n;
    double *t_s, *surv, *lo, *hi;
    uint64_t *at_risk;
};
struct acd_fit_km *acd_fit_km(const struct acd_fit_censored *c);
void acd_fit_km_free(struct acd_fit_km *km);

/* Censored maximum likelihood fits of patience: exponential (closed
 * form), gamma, lognormal and Weibull (numerical, on the bins), each as
 * struct acd_fit (ks: the largest distance between the fitted survival and
 * the KM curve where at least 20 are at risk);
 * returns the index of the least AIC among those ok. Erlang is left out
 * (out[ACD_FIT_ERLANG].ok false). */
size_t acd_fit_censored_all(const struct acd_fit_censored *c, struct acd_fit out[ACD_FIT_FAMILIES]);

/* ---------------------------------------------------------- counts */

/* Poisson rate from a count over an exposure, with the exact (Garwood)
 * 95% CI of the count: lo/hi are counts (divide by the exposure). */
void acd_fit_poisson_ci(double count, double *lo, double *hi);
/* A proportion's 95% Wilson interval (n = 0: p 0 within [0, 1]). */
void acd_fit_share_ci(double k, double n, double *p, double *lo, double *hi);

#endif
