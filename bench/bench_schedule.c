/*
 * bench_schedule: `acdsim schedule` without the output - the requirement
 * search, the roster (GLPK) and the closed loop - on a scenario file with
 * its goals, groups named on the command line held.
 *
 *   bench_schedule SCENARIO [THREADS [HELD_GROUP...]]   default: 2 threads
 *
 * Prints the wall time of the whole schedule and of its requirement
 * search, the rounds, the roster's size, cost and cost of rostering, and
 * peak RSS.
 */
#include "acdsim/diag.h"
#include "acdsim/scenario.h"
#include "acdsim/schedule.h"
#include "bench.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_schedule SCENARIO [THREADS [HELD_GROUP...]]\n");
        return 2;
    }
    struct acd_scenario *sc = bench_load_scenario(argv[1]);
    for (int i = 3; i < argc; i++) {
        size_t g = acd_scenario_find_group(sc, argv[i]);
        if (g == SIZE_MAX) {
            fprintf(stderr, "bench_schedule: no group '%s'\n", argv[i]);
            return 2;
        }
        sc->groups[g].held = true;
    }
    struct acd_schedule_opts o = {
        .staff = {.threads = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 2},
    };
    acd_staff_targets_from_scenario(sc, &o.staff.targets);
    struct acd_schedule_result *r = acd_schedule_run(sc, &o);
    unsigned agents = 0;
    size_t lines = r->roster ? r->roster->n_lines : 0;
    for (size_t i = 0; i < lines; i++)
        agents += r->roster->lines[i].count;
    printf("scenario          %s\n", sc->name);
    printf("threads           %u\n", o.staff.threads);
    printf("status            %s\n", r->status == ACD_SCHEDULE_MET ? "met" : "NOT MET");
    printf("wall_s            %.2f\n", r->wall_s);
    printf("requirement_s     %.2f (%u plans)\n", r->staff->wall_s, r->staff->evaluations);
    printf("rounds            %zu\n", r->n_rounds);
    printf("roster            %zu lines, %u agents\n", lines, agents);
    printf("cost              %.2f (requirement %.2f, cost of rostering %.2f)\n", r->cost,
           r->requirement_cost, r->cost_of_rostering);
    printf("agent_hours       %.1f (requirement %.1f)\n", r->agent_hours,
           r->requirement_agent_hours);
    printf("peak_rss_kb       %ld\n", bench_peak_rss_kb());
    acd_schedule_result_free(r);
    acd_scenario_free(sc);
    return 0;
}
