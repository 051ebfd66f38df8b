/*
 * Fuzz the forecast and staffing CSV readers (scenario_day.c,
 * acd_scn_read_interval_csv): the input is written to a temp file that a
 * day scenario names both as a call type's `arrivals: {file}` and as a
 * group's `agents: {file}`. Diagnostics located (in the CSV file) and on
 * one line; a scenario that loads has finite, non-negative calls per
 * interval and staffing within the limits.
 */
#include "acdsim/scenario_load.h"
#include "fuzz_common.h"
#include <stdint.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char csv_path[64];
static char *yaml;

static void
setup(void)
{
    if (yaml)
        return;
    snprintf(csv_path, sizeof csv_path, "/tmp/acdsim-fuzz-XXXXXX");
    int fd = mkstemp(csv_path);
    FUZZ_CHECK(fd >= 0, "mkstemp");
    close(fd);
    static const char fmt[] = "name: fuzz\n"
                              "horizon: {open: \"08:00\", close: \"10:00\", interval: 30m}\n"
                              "call_types:\n"
                              "  - name: billing\n"
                              "    arrivals: {file: \"%s\"}\n"
                              "    handle_time: {dist: exponential, mean: 4m}\n"
                              "agent_groups:\n"
                              "  - name: csr\n"
                              "    skills: [billing]\n"
                              "    agents: {file: \"%s\"}\n";
    size_t n = sizeof fmt + 2 * strlen(csv_path);
    yaml = malloc(n);
    FUZZ_CHECK(yaml != NULL, "malloc");
    snprintf(yaml, n, fmt, csv_path, csv_path);
}

static void
cleanup(void)
{
    if (yaml)
        unlink(csv_path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!yaml) {
        setup();
        atexit(cleanup);
    }
    FILE *f = fopen(csv_path, "wb");
    FUZZ_CHECK(f != NULL, "cannot write %s", csv_path);
    FUZZ_CHECK(fwrite(data, 1, size, f) == size && fclose(f) == 0, "write %s", csv_path);

    struct acd_diags d;
    acd_diags_init(&d);
    struct acd_scenario *sc = NULL;
    int rc = acd_scenario_load_string("fuzz.yaml", "/", yaml, strlen(yaml), &sc, &d);
    fuzz_check_diags(&d, csv_path, data, size);
    if (rc == 0) {
        FUZZ_CHECK(sc != NULL && sc->n_intervals == 4, "success without the scenario");
        FUZZ_CHECK(sc->call_types[0].calls_per_interval != NULL, "no forecast read");
        fuzz_check_scenario(sc);
    } else {
        FUZZ_CHECK(sc == NULL && acd_diags_has_errors(&d), "failure without an error");
    }
    acd_scenario_free(sc);
    acd_diags_fini(&d);
    return 0;
}
