/*
 * bench_intervals: cost per call as an operating day is cut into more
 * intervals (issue 16, acceptance 3). The same day - 00:00 to 24:00, TYPES
 * call types with the same calls per day, one group with every skill -
 * with INTERVALS intervals (24: hourly, 1440: by the minute). The calls
 * per interval are per_interval lists, so the loader, the engine and the
 * estimates see INTERVALS real intervals.
 *
 *   bench_intervals INTERVALS TYPES [REPLICATIONS]          run it, one thread
 *   bench_intervals INTERVALS TYPES [REPLICATIONS] --sim    the replications only
 *   bench_intervals INTERVALS TYPES [REPLICATIONS] --new    ...each a new sim
 *   bench_intervals INTERVALS TYPES [REPLICATIONS] --yaml   print the scenario
 *
 * The run prints calls, wall time, nanoseconds of wall time per call (the
 * whole run: simulation, estimates, no output) and peak RSS. --sim runs
 * the replications on one sim, reset for each (acd_sim_reset, as a run's
 * worker thread does), and reads their statistics (acd_sim_stats), no
 * estimates: the engine's own cost; --new makes and frees a sim per
 * replication instead. For instruction counts and the command line (JSON
 * output included):
 *
 *   bench_intervals 1440 10 10 --yaml > /tmp/i1440.yaml
 *   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
 *       acdsim run /tmp/i1440.yaml -j 1 -f json --no-timing > /dev/null
 */
#include "acdsim/run.h"
#include "acdsim/sim.h"
#include "bench.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_S         86400.0
#define CALLS_PER_DAY 2400.0 /* per call type */

struct buf {
    char *p;
    size_t len, cap;
};

static void
put(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    ACD_ASSERT(n >= 0);
    if (b->len + (size_t)n + 1 > b->cap) {
        b->cap = (b->len + (size_t)n + 1) * 2;
        b->p = acd_xrealloc(b->p, b->cap);
    }
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* The day: calls follow a daily shape (quiet at night, peaks at 10:00 and
 * 15:00) sampled at each interval's middle, scaled to CALLS_PER_DAY per
 * type; agents are flat. */
static void
scenario_yaml(struct buf *b, unsigned intervals, unsigned types, unsigned reps)
{
    double len_s = DAY_S / intervals;
    double shape_sum = 0;
    double *shape = acd_xmalloc(intervals * sizeof(double));
    for (unsigned i = 0; i < intervals; i++) {
        double h = ((double)i + 0.5) * len_s / 3600;
        double x = 0.2 + (h > 6 && h < 22 ? 1.0 : 0) + (h > 8 && h < 12 ? 0.6 : 0) +
                   (h > 13 && h < 17 ? 0.4 : 0);
        shape[i] = x;
        shape_sum += x;
    }
    put(b, "name: intervals %u x %u types\nseed: 16\nreplications: %u\n", intervals, types, reps);
    put(b, "horizon: {open: \"00:00\", close: \"24:00\", interval: %gs}\n", len_s);
    put(b, "service_level: {threshold: 20s, target: 0.8}\ncall_types:\n");
    for (unsigned k = 0; k < types; k++) {
        put(b, "  - name: t%u\n    arrivals: {per_interval: [", k);
        for (unsigned i = 0; i < intervals; i++)
            put(b, "%s%.6g", i ? ", " : "", CALLS_PER_DAY * shape[i] / shape_sum);
        put(b, "]}\n    handle_time: {dist: lognormal, mean: %um, cv: 0.8}\n", 3 + k % 4);
        put(b, "    patience: {dist: exponential, mean: 3m}\n");
    }
    /* Load: 2,400 calls x ~4.5 min per type = 180 agent-hours per type and
     * day, ~13 agents per type at the peak. */
    put(b, "agent_groups:\n  - name: all\n    agents: %u\n    skills: [", 12 * types);
    for (unsigned k = 0; k < types; k++)
        put(b, "%st%u", k ? ", " : "", k);
    put(b, "]\n");
    free(shape);
}

/* The replications alone: one sim reset for each, or (fresh) a new one. */
static void
sim_only(const struct acd_scenario *sc, unsigned reps, bool fresh)
{
    double t0 = bench_wall_now();
    uint64_t calls = 0;
    struct acd_sim *s = NULL;
    for (unsigned i = 0; i < reps; i++) {
        if (s && !fresh) {
            acd_sim_reset(s, sc->seed, i);
        } else {
            acd_sim_free(s);
            s = acd_sim_new(sc, sc->seed, i);
        }
        acd_sim_run(s);
        calls += acd_sim_stats(s)->calls;
    }
    acd_sim_free(s);
    double wall = bench_wall_now() - t0;
    printf("mode         %s\n", fresh ? "new sim per replication" : "one sim, reset");
    printf("replications %u\n", reps);
    printf("calls        %llu\n", (unsigned long long)calls);
    printf("wall_s       %.3f\n", wall);
    printf("ns_per_call  %.0f\n", wall * 1e9 / (double)calls);
}

int
main(int argc, char **argv)
{
    bool yaml = false, sim = false, fresh = false;
    unsigned num[3] = {0, 0, 10};
    int n_num = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--yaml") == 0)
            yaml = true;
        else if (strcmp(argv[i], "--sim") == 0)
            sim = true;
        else if (strcmp(argv[i], "--new") == 0)
            sim = fresh = true;
        else if (n_num < 3)
            num[n_num++] = (unsigned)strtoul(argv[i], NULL, 10);
    }
    if (n_num < 2 || num[0] == 0 || num[1] == 0 || num[2] == 0 || 86400 % num[0] != 0) {
        fprintf(stderr, "usage: bench_intervals INTERVALS TYPES [REPLICATIONS] "
                        "[--sim|--new|--yaml]\n"
                        "  (INTERVALS divides 86400)\n");
        return 2;
    }
    struct buf b = {0};
    scenario_yaml(&b, num[0], num[1], num[2]);
    if (yaml) {
        fwrite(b.p, 1, b.len, stdout);
        free(b.p);
        return 0;
    }
    acd_util_install_gsl_handler();
    struct acd_diags d;
    acd_diags_init(&d);
    struct acd_scenario *sc;
    if (acd_scenario_load_string("bench_intervals.yaml", NULL, b.p, b.len, &sc, &d) != 0) {
        acd_diags_print(&d, stderr);
        return 2;
    }
    acd_diags_fini(&d);
    free(b.p);
    if (sim) {
        sim_only(sc, num[2], fresh);
        printf("peak_rss_kb  %ld\n", bench_peak_rss_kb());
        acd_scenario_free(sc);
        return 0;
    }
    struct acd_run_opts o = {.threads = 1};
    struct acd_results *r = acd_run(sc, &o);
    printf("intervals    %u\n", num[0]);
    printf("types        %u\n", num[1]);
    printf("replications %u\n", r->replications);
    printf("calls        %llu\n", (unsigned long long)r->calls);
    printf("wall_s       %.3f\n", r->wall_s);
    printf("ns_per_call  %.0f\n", r->wall_s * 1e9 / (double)r->calls);
    printf("peak_rss_kb  %ld\n", bench_peak_rss_kb());
    acd_results_free(r);
    acd_scenario_free(sc);
    return 0;
}
