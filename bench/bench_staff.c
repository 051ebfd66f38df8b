/*
 * bench_staff: the staffing search on a scenario file (`acdsim staff`
 * without the output), with its goals from the scenario.
 *
 *   bench_staff SCENARIO [THREADS [REPLICATIONS]]   default: 2 threads, the scenario's
 *
 * Prints the wall time of the whole search, the plans simulated, the days
 * (or runs) simulated: whole, and shortened to a check's window with their
 * intervals in all (and what they come to in whole days), the result
 * (agent-hours, cost, feasible, minimality checks) and peak RSS.
 */
#include "acdsim/diag.h"
#include "acdsim/scenario.h"
#include "acdsim/staff.h"
#include "bench.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_staff SCENARIO [THREADS [REPLICATIONS]]\n");
        return 2;
    }
    struct acd_scenario *sc = bench_load_scenario(argv[1]);
    struct acd_staff_opts o = {.threads = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 2};
    if (argc > 3)
        o.replications = (unsigned)strtoul(argv[3], NULL, 10);
    acd_staff_targets_from_scenario(sc, &o.targets);
    struct acd_staff_result *r = acd_staff_search(sc, &o);
    size_t minimal = 0;
    for (size_t i = 0; i < r->n_checks; i++)
        minimal += !r->checks[i].missed.met;
    printf("scenario      %s\n", sc->name);
    printf("intervals     %zu\n", r->n_bins);
    printf("groups        %zu\n", r->n_groups);
    printf("threads       %u\n", o.threads);
    printf("replications  %u\n", r->replications);
    printf("evaluations   %u\n", r->evaluations);
    printf(
        "days          %llu whole, %llu to a check's window (%llu intervals: %.0f days' worth)\n",
        (unsigned long long)r->days, (unsigned long long)r->window_days,
        (unsigned long long)r->window_bins,
        r->n_bins ? (double)r->window_bins / (double)r->n_bins : 0.0);
    printf("wall_s        %.2f\n", r->wall_s);
    printf("agent_hours   %.1f (current %.1f)\n", r->agent_hours, r->current_agent_hours);
    printf("cost          %.2f (current %.2f)\n", r->cost, r->current_cost);
    printf("feasible      %s\n", r->feasible ? "yes" : "no");
    printf("minimal       %zu of %zu checks miss a goal\n", minimal, r->n_checks);
    printf("peak_rss_kb   %ld\n", bench_peak_rss_kb());
    acd_staff_result_free(r);
    acd_scenario_free(sc);
    return 0;
}
