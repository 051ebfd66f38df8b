/*
 * bench_route: cost per call of the `random` routing policy beside
 * `longest_idle` (issue 12), on one group of N agents at 90% utilisation
 * (Poisson arrivals, exponential handle time with mean 300 s, nobody
 * hangs up: about 0.1 N agents idle when a call arrives). One thread, one
 * replication of about CALLS calls per run; the two policies run
 * alternately (each first every other time), REPEATS times each, and the
 * fastest run of each counts.
 *
 *   bench_route [-p POLICY] [CALLS [REPEATS [AGENTS...]]]
 *                                       default 500000 3 10 10000 50000
 *
 * -p runs only that policy (for profiles: callgrind, perf record).
 *
 * Prints, per agent count and policy, nanoseconds per call (wall time of
 * acd_sim_new + acd_sim_run over the calls generated) and the ratio
 * random / longest_idle. The scenario is built in memory, as in
 * bench_erlang_a.
 */
#include "acdsim/scenario.h"
#include "acdsim/sim.h"
#include "bench.h"
#include "util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Nanoseconds per call of one run; *calls_out: calls generated. */
static double
one_run(const char *policy, unsigned agents, double calls, unsigned long long *calls_out)
{
    const double aht_s = 300, rate = 0.9 * agents / aht_s;
    size_t skill = 0;
    struct acd_call_type ct = {.name = "calls", .rate_per_s = rate};
    acd_dist_exponential(&ct.handle, aht_s);
    struct acd_agent_group g = {
        .name = "agents", .n_skills = 1, .skills = &skill, .agents = agents};
    struct acd_scenario sc = {
        .name = "bench-route",
        .seed = 1,
        .replications = 1,
        .horizon = ACD_HORIZON_STEADY,
        .duration_s = calls / rate,
        .sl_threshold_s = 20,
        .sl_target = 0.8,
        .queue_capacity = ACD_UNLIMITED,
        .queue_lines = ACD_UNLIMITED,
        .routing = (char *)policy,
        .n_call_types = 1,
        .call_types = &ct,
        .n_groups = 1,
        .groups = &g,
    };
    double t0 = bench_wall_now();
    struct acd_sim *s = acd_sim_new(&sc, sc.seed, 0);
    acd_sim_run(s);
    double wall = bench_wall_now() - t0;
    *calls_out = acd_sim_stats(s)->calls;
    acd_sim_free(s);
    return 1e9 * wall / (double)*calls_out;
}

int
main(int argc, char **argv)
{
    const char *only = NULL;
    if (argc > 2 && strcmp(argv[1], "-p") == 0) {
        only = argv[2];
        argc -= 2;
        argv += 2;
    }
    double calls = argc > 1 ? strtod(argv[1], NULL) : 5e5;
    unsigned repeats = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 3;
    unsigned dflt[] = {10, 10000, 50000};
    unsigned n_agents = argc > 3 ? (unsigned)(argc - 3) : 3;
    acd_util_install_gsl_handler();
    printf("%8s %10s %14s %14s %8s\n", "agents", "calls", "longest_idle", "random", "ratio");
    for (unsigned i = 0; i < n_agents; i++) {
        unsigned agents = argc > 3 ? (unsigned)strtoul(argv[3 + i], NULL, 10) : dflt[i];
        double best_li = 0, best_r = 0;
        unsigned long long n_li = 0, n_r = 0;
        for (unsigned r = 0; r < repeats; r++) {
            /* Alternate which goes first, so neither always runs warm. */
            double li = 0, rd = 0;
            bool do_li = !only || strcmp(only, "longest_idle") == 0;
            bool do_rd = !only || strcmp(only, "random") == 0;
            if (r % 2 == 0 && do_li)
                li = one_run("longest_idle", agents, calls, &n_li);
            if (do_rd)
                rd = one_run("random", agents, calls, &n_r);
            if (r % 2 == 1 && do_li)
                li = one_run("longest_idle", agents, calls, &n_li);
            if (r == 0 || li < best_li)
                best_li = li;
            if (r == 0 || rd < best_r)
                best_r = rd;
        }
        printf("%8u %10llu %11.0f ns %11.0f ns %7.2fx\n", agents, n_li ? n_li : n_r, best_li,
               best_r, best_r / best_li);
        fflush(stdout);
    }
    printf("peak_rss_kb %ld\n", bench_peak_rss_kb());
    return 0;
}
