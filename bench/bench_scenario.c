/*
 * bench_scenario: engine throughput on a scenario file, one thread.
 *
 *   bench_scenario SCENARIO [REPLICATIONS]     default: the scenario's own
 *
 * Prints calls (attempts) and events per second of wall time for the whole
 * run (every replication, result estimation included) and peak RSS.
 */
#include "acdsim/diag.h"
#include "acdsim/run.h"
#include "acdsim/scenario.h"
#include "bench.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_scenario SCENARIO [REPLICATIONS]\n");
        return 2;
    }
    struct acd_scenario *sc = bench_load_scenario(argv[1]);
    struct acd_run_opts o = {.threads = 1};
    if (argc > 2)
        o.replications = (unsigned)strtoul(argv[2], NULL, 10);
    struct acd_results *r = acd_run(sc, &o);
    printf("scenario     %s\n", sc->name);
    printf("replications %u\n", r->replications);
    printf("calls        %llu\n", (unsigned long long)r->calls);
    printf("events       %llu\n", (unsigned long long)r->events);
    printf("wall_s       %.3f\n", r->wall_s);
    printf("calls_per_s  %.0f\n", (double)r->calls / r->wall_s);
    printf("events_per_s %.0f\n", (double)r->events / r->wall_s);
    printf("peak_rss_kb  %ld\n", bench_peak_rss_kb());
    acd_results_free(r);
    acd_scenario_free(sc);
    return 0;
}
