/*
 * bench_erlang_a: engine throughput on the Erlang-A reference model
 * (rate 2/s, exponential AHT 50 s, 105 agents, exponential patience mean
 * 120 s), one thread, one replication long enough for N calls.
 *
 *   bench_erlang_a [CALLS]        default 10,000,000
 *
 * Prints calls per second, events per second and peak RSS (VmHWM). The
 * scenario is built in memory so the benchmark measures the engine only.
 */
#include "acdsim/run.h"
#include "acdsim/scenario.h"
#include "acdsim/sim.h"
#include "bench.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int
main(int argc, char **argv)
{
    double calls = argc > 1 ? strtod(argv[1], NULL) : 1e7;
    const double rate = 2.0;
    size_t skill = 0;
    struct acd_call_type ct = {.name = "calls", .rate_per_s = rate, .has_patience = true};
    acd_dist_exponential(&ct.handle, 50);
    acd_dist_exponential(&ct.patience, 120);
    struct acd_agent_group g = {.name = "agents", .n_skills = 1, .skills = &skill, .agents = 105};
    struct acd_scenario sc = {
        .name = "bench-erlang-a",
        .seed = 1,
        .replications = 1,
        .horizon = ACD_HORIZON_STEADY,
        .duration_s = calls / rate,
        .warmup_s = 0,
        .sl_threshold_s = 20,
        .sl_target = 0.8,
        .queue_capacity = ACD_UNLIMITED,
        .queue_lines = ACD_UNLIMITED,
        .routing = "longest_idle",
        .n_call_types = 1,
        .call_types = &ct,
        .n_groups = 1,
        .groups = &g,
    };
    acd_util_install_gsl_handler();
    double t0 = bench_wall_now();
    struct acd_sim *s = acd_sim_new(&sc, sc.seed, 0);
    acd_sim_run(s);
    double wall = bench_wall_now() - t0;
    const struct acd_rep_stats *st = acd_sim_stats(s);
    const struct acd_counts *c = &st->type_counts[0];
    printf("calls       %llu\n", (unsigned long long)st->calls);
    printf("events      %llu\n", (unsigned long long)st->events);
    printf("wall_s      %.3f\n", wall);
    printf("calls_per_s %.0f\n", (double)st->calls / wall);
    printf("events_per_s %.0f\n", (double)st->events / wall);
    printf("peak_rss_kb %ld\n", bench_peak_rss_kb());
    printf("check       abandon_rate %.5f (exact 0.013858), service_level %.5f (exact 0.985419)\n",
           c->abandoned / c->offered, c->answered_within_t / c->offered);
    acd_sim_free(s);
    return 0;
}
