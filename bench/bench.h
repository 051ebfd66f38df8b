/*
 * bench: helpers shared by the benchmark programs (not part of libacdsim).
 */
#ifndef ACDSIM_BENCH_H
#define ACDSIM_BENCH_H

#include "acdsim/diag.h"
#include "acdsim/scenario.h"
#include "acdsim/scenario_load.h"
#include "bench_os.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The scenario file a benchmark runs (GSL errors routed to the asserts
 * first); on an invalid file, its diagnostics and exit 2. Caller frees. */
static inline struct acd_scenario *
bench_load_scenario(const char *path)
{
    acd_util_install_gsl_handler();
    struct acd_diags d;
    acd_diags_init(&d);
    struct acd_scenario *sc;
    if (acd_scenario_load_file(path, &sc, &d) != 0) {
        acd_diags_print(&d, stderr);
        exit(2);
    }
    acd_diags_fini(&d);
    return sc;
}

#endif
