/*
 * erlang: exact steady-state figures for single-queue call centers with
 * Poisson arrivals and exponential handle times (and patience):
 *   Erlang B  (M/M/c/c)         capacity 0, no patience
 *   Erlang C  (M/M/c, M/M/c/K)  no patience; finite waiting room -> M/M/c/K
 *   Erlang A  (M/M/c+M[/K])     exponential patience
 * Stable recursions only (no factorials); Erlang A through the birth-death
 * chain and the exact waiting-time law (see erlang.c). Metric keys and
 * definitions are those of interface.md so simulation and theory compare
 * key by key.
 */
#ifndef ACDSIM_ERLANG_H
#define ACDSIM_ERLANG_H

#include "acdsim/field.h"
#include <stdbool.h>
#include <stddef.h>

enum acd_erlang_model { ACD_ERLANG_B, ACD_ERLANG_C, ACD_ERLANG_A };

struct acd_erlang_params {
    enum acd_erlang_model model;
    double rate_per_s;     /* lambda > 0 */
    double aht_s;          /* mean handle time > 0 */
    double patience_s;     /* mean patience > 0, Erlang A only */
    unsigned agents;       /* c >= 1 */
    long queue_capacity;   /* waiting places; -1 = unlimited (B: ignored, always 0) */
    double sl_threshold_s; /* T >= 0 */
};

/* All figures per offered call (blocked calls included in "offered") unless
 * named otherwise; the same definitions as the simulator's metrics. */
struct acd_erlang_result {
    double offered_load;           /* a = lambda * aht, Erlangs */
    double service_level;          /* answered with W <= T / offered */
    double service_level_answered; /* answered with W <= T / answered */
    double answered_rate;
    double abandon_rate;
    double blocked_rate;
    double p_wait;      /* offered calls that wait (W > 0) / offered */
    double asa_s;       /* mean wait of answered calls */
    double mean_wait_s; /* mean wait of all offered calls (blocked = 0) */
    double mean_queue_len;
    double occupancy;   /* busy agents / c */
    double busy_agents; /* time-average busy agents (carried load) */
    /* Further figures (interface extensions). */
    double p_abandon_within_t;     /* abandoned with W <= T / offered */
    double p_wait_gt_t;            /* W > T / offered */
    double mean_wait_given_wait_s; /* E[W | W > 0] (answered or abandoned); 0 if nobody waits */
    double mean_wait_abandoned_s;  /* E[W | abandoned]; NAN when nobody abandons */
    double mean_in_system;
    double throughput_per_s; /* answered per second */
};

/* The figures that share a metric key with the simulator (service_level,
 * abandon_rate, asa_s...), as a table: what results.json's "erlang" block
 * writes and reads back. */
extern const struct acd_field acd_erlang_fields[]; /* offsets in acd_erlang_result */
extern const size_t acd_erlang_n_fields;

/* Validate p: on error write a message naming the option and return -1. */
int acd_erlang_check(const struct acd_erlang_params *p, char *err, size_t errlen);
/* Compute every figure. Erlang C with a >= c and no capacity limit is
 * unstable: returns -1 with a message. A queue chain needing more than 4
 * million states (absurd loads) also returns -1 with a message. Returns 0
 * on success. Thread-safe: no global state. */
int acd_erlang_eval(const struct acd_erlang_params *p, struct acd_erlang_result *r, char *err,
                    size_t errlen);

/* Erlang B blocking probability B(c, a) by the stable recursion. */
double acd_erlang_b(unsigned c, double a);
/* Erlang C probability of waiting C(c, a) (a < c). */
double acd_erlang_c(unsigned c, double a);

/* Staffing targets; NAN means "no target". */
struct acd_erlang_targets {
    double service_level;  /* minimum service_level (answered within T / offered) */
    bool sl_over_answered; /* use service_level_answered instead */
    double max_abandon;    /* maximum abandon_rate */
    double max_asa_s;      /* maximum asa_s */
    double max_occupancy;  /* maximum occupancy */
    double max_blocked;    /* maximum blocked_rate (Erlang B) */
};

/* True when r meets every target in t (NAN targets are ignored). */
bool acd_erlang_meets_targets(const struct acd_erlang_result *r,
                              const struct acd_erlang_targets *t);

/* Smallest number of agents meeting every target (p->agents ignored).
 * Returns 0 and sets *agents, or -1 with a message (no target, or none
 * met within 1,000,000 agents). */
int acd_erlang_min_agents(const struct acd_erlang_params *p, const struct acd_erlang_targets *t,
                          unsigned *agents, char *err, size_t errlen);

#endif
