/*
 * bench_os: the operating-system side of a benchmark (wall clock, peak
 * memory), with no acdsim header, so that the bare loop (bench_bare.c),
 * which depends on nothing of acdsim's, shares it with the others
 * (bench.h includes it).
 */
#ifndef ACDSIM_BENCH_OS_H
#define ACDSIM_BENCH_OS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Monotonic wall-clock seconds. */
static inline double
bench_wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Peak resident set size (VmHWM) in kB, -1 if unknown. */
static inline long
bench_peak_rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof(line), f))
        if (strncmp(line, "VmHWM:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kb;
}

#endif
