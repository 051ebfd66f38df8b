/*
 * calibrate: the estimation behind `acdsim calibrate` (docs/calibrate.md):
 * call records (sim/input/calllog.h), fed one at a time, become per
 * interval x call type estimates (fresh arrivals per day with their
 * Poisson CI and the day-to-day band, busyness cv), per type the handle
 * time and patience fits (include/acdsim/fit.h), the instant hang-up
 * share, retrials after abandon from repeated customer ids, and per
 * interval the agents seen answering and their busy time; then the
 * scenario YAML that carries them, commented with where every number came
 * from.
 *
 * Memory is bounded whatever the number of records: per call type the
 * fixed-size estimators of fit.h; per day x interval x type a count;
 * the retrial tracker is a fixed table of ACD_CALIB_CUSTOMER_SLOTS
 * entries (24 bytes each, allocated only when a customer column is
 * mapped) whose entries older than 24 h are reused; the agents seen are a
 * set of one 64-bit key per distinct (agent, day, interval).
 *
 * Ownership: struct acd_calib owns everything it points to; free it with
 * acd_calib_free. Record texts (type, agent, customer) are copied or
 * hashed, never kept borrowed.
 */
#ifndef ACDSIM_CALIBRATE_H
#define ACDSIM_CALIBRATE_H

#include "acdsim/fit.h"
#include "calllog.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ACD_CALIB_CUSTOMER_SLOTS   (1u << 20) /* retrial tracker entries */
#define ACD_CALIB_MAX_ATTEMPTS     10         /* cap of the max_attempts written */
#define ACD_CALIB_RETRIAL_WINDOW_S 86400.0    /* a retrial follows its abandon within 24 h */
#define ACD_CALIB_INSTANT_S        1.0  /* an abandon before this wait is an instant hang-up */
#define ACD_CALIB_MAX_KS           0.1  /* patience: above, the empirical (KM) curve */
#define ACD_CALIB_PATIENCE_SAMPLES 1000 /* values in an empirical patience file */

/* Which days make the arrival profile. */
enum acd_calib_by {
    ACD_CALIB_BY_ALL,     /* every day, pooled */
    ACD_CALIB_BY_WEEKDAY, /* the days of one weekday (the most frequent unless given) */
    ACD_CALIB_BY_DATE,    /* one date: the last in the log */
};

struct acd_calib_opts {
    double interval_s; /* > 0; intervals are aligned on 00:00 */
    enum acd_calib_by by;
    int weekday;                  /* BY_WEEKDAY: 0 = Monday .. 6; -1: the most frequent */
    double sl_threshold_s;        /* the scenario's service-level threshold */
    unsigned agents;              /* > 0: a constant number of agents (--agents N) */
    const double *agents_by_slot; /* --agents FILE: per 00:00-aligned interval; NAN: not given */
    size_t n_agents_by_slot;
    bool empirical_patience; /* may write an empirical patience (a folder is being written) */
};

/* One call type's figures. */
struct acd_calib_type {
    char *name;
    uint64_t offered, answered, abandoned, blocked, instant, waited, fresh, retrials;
    struct acd_fit_sample handle;
    struct acd_fit_censored patience;
    /* retrials after abandon: first-attempt abandons and those retried;
     * later-attempt abandons and those retried */
    uint64_t abandons1, retried1, abandons2, retried2;
    unsigned max_chain;
    struct acd_fit_sample retry_delay;
    double **fresh_by_day;  /* [day] -> [slot] fresh calls (NULL: none that day) */
    double **aband1_by_day; /* [day] -> [slot] first-attempt abandons (retrial exposure) */

    /* Results (acd_calib_finish). */
    struct acd_fit handle_fit[ACD_FIT_FAMILIES];
    size_t handle_best;                                 /* ACD_FIT_FAMILIES: no fit */
    double handle_mean, handle_mean_lo, handle_mean_hi; /* sample mean, Student t */
    struct acd_fit patience_fit[ACD_FIT_FAMILIES];
    size_t patience_best;
    struct acd_fit_km *km; /* NULL when no abandon */
    double km_median_s;    /* NAN when the curve stays above 0.5 */
    bool patience_empirical;
    double balk, balk_lo, balk_hi; /* instant hang-ups / calls that waited or hung up */
    double instant_expected;       /* that share as the fitted patience gives it */
    double balk_excess;            /* the balk written: the share beyond patience's, when
                                      the CI's low end is above it; else 0 */
    bool has_retry;
    double p_first, p_first_lo, p_first_hi, exposure1; /* exposure: abandons weighted by the
                                                           chance their retrial fell before the
                                                           day's last call */
    double p_later, p_later_lo, p_later_hi;
    struct acd_fit delay;             /* exponential fit of the retrial delay */
    double *rate, *rate_lo, *rate_hi; /* [interval] calls per day, 95% CI */
    double *day_lo, *day_hi;          /* [interval] band across the days (min-max; one day:
                                         the Poisson CI) */
};

struct acd_calib {
    struct acd_calib_opts o;
    size_t n_slots; /* intervals of the clock, 00:00 to 48:00 */
    size_t n_types, cap_types;
    struct acd_calib_type *types;
    size_t n_days, cap_days;
    int32_t *day;     /* the day values, in order of appearance */
    int *weekday;     /* [day] */
    double *day_last; /* [day] the last arrival's clock */
    double **busy;    /* [day] -> [slot] handle seconds overlapping the slot */
    uint32_t **seen;  /* [day] -> [slot] distinct agents answering */
    bool has_agent, has_customer, has_date;
    /* the agents seen: open addressing set of keys */
    uint64_t *agent_keys;
    size_t n_agent_keys, cap_agent_keys;
    /* the retrial tracker */
    struct acd_calib_customer *cust;
    uint64_t untracked; /* calls not tracked: the table was full */
    uint64_t records;

    /* Results (acd_calib_finish). */
    size_t first, last;                          /* the slots written: first .. last inclusive */
    size_t n_used_days;                          /* days of the profile */
    bool *use_day;                               /* [day] */
    int weekday_used;                            /* BY_WEEKDAY: which */
    double busyness_cv;                          /* NAN: fewer than 3 days */
    double *agents;                              /* [slot] agents written */
    double *agents_seen, *busy_mean, *occupancy; /* [slot] means over the days used */
    const char *agents_from;                     /* "log", "constant", "file", "busy time" */
    /* The share of the agents seen that were there to take calls
     * (acd_calib_fit_availability; 1 until then, or when agents are
     * given): agents written = round(availability x seen), at least 1. */
    double availability;
    bool availability_fitted;
    /* The log's abandon rate (all offered calls), the simulated one with
     * every agent seen available, and with the fitted share (NAN: not
     * fitted). */
    double actual_abandon, seen_abandon, fitted_abandon;
};

struct acd_calib *acd_calib_new(const struct acd_calib_opts *o);
/* The acd_calllog_fn that feeds one record (ud: the struct acd_calib). */
int acd_calib_add(void *ud, const struct acd_calllog_record *r);
/* Estimate everything from what was fed; map: the mapping the log was
 * read with (which roles it had). */
void acd_calib_finish(struct acd_calib *c, const struct acd_calllog_map *map);
void acd_calib_free(struct acd_calib *c);

/* An ACD log shows who served, not who was available: agents seen in an
 * interval may have spent part of it on wrap-up, breaks or other work.
 * After acd_calib_finish, with agents from the log, find the share of
 * the agents seen that the simulation needs to reproduce the log's
 * abandon rate: the calibrated scenario is simulated (ACD_CALIB_FIT_REPS
 * replications, seed 1, `threads` workers) with round(share x seen)
 * agents, and the share bisected (ACD_CALIB_FIT_STEPS steps) between
 * ACD_CALIB_MIN_AVAILABILITY and 1 until the simulated abandon rate is
 * the log's. When every agent seen already abandons as many callers or
 * more, the share stays 1. Empirical patience files go to a private
 * temporary folder for it. Returns 0, or -1 if that folder cannot be
 * written (the share stays 1). */
#define ACD_CALIB_FIT_REPS         20
#define ACD_CALIB_FIT_STEPS        12
#define ACD_CALIB_MIN_AVAILABILITY 0.05
int acd_calib_fit_availability(struct acd_calib *c, const char *log_name, unsigned threads);

/* "09:30" (or "09:30:15") of a slot's start into buf (>= 16 bytes). */
const char *acd_calib_clock(const struct acd_calib *c, size_t slot, char *buf);
/* The file name of type t's empirical patience samples ("patience_" and
 * the name with every character other than a letter, digit, '-' or '_'
 * as '_', then "_N" with the type's 1-based index if that name is taken
 * by an earlier type, ".csv"). Caller frees. */
char *acd_calib_patience_file(const struct acd_calib *c, size_t t);
/* Type t's empirical patience samples: ACD_CALIB_PATIENCE_SAMPLES
 * quantiles of the Kaplan-Meier curve, one per line (beyond its last
 * event: of the fitted distribution). Returns 0, or -1 on a write error. */
int acd_calib_write_patience(const struct acd_calib *c, size_t t, FILE *f);
/* The scenario, commented; log_name: the log's name for the comments.
 * Returns 0, or -1 on a write error. Deterministic. */
int acd_calib_write_scenario(const struct acd_calib *c, const char *log_name, FILE *f);

/* A fitted distribution's density, survival function and quantile
 * (family and the fit's mean, cv, k). */
double acd_calib_pdf(const struct acd_fit *f, double x);
double acd_calib_sf(const struct acd_fit *f, double x);
double acd_calib_quantile(const struct acd_fit *f, double p);

#endif
