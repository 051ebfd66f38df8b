/*
 * Fuzz the scenario loader (acd_scenario_load_string): any bytes give a
 * scenario or located one-line diagnostics, never a crash, hang or leak; a
 * scenario that loads has finite numbers within the documented limits.
 * Relative CSV paths resolve against $ACD_FUZZ_BASE (run.sh: scenarios/).
 */
#include "acdsim/scenario_load.h"
#include "fuzz_common.h"
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *base = getenv("ACD_FUZZ_BASE");
    struct acd_diags d;
    acd_diags_init(&d);
    struct acd_scenario *sc = NULL;
    int rc =
        acd_scenario_load_string("fuzz.yaml", base ? base : ".", (const char *)data, size, &sc, &d);
    fuzz_check_diags(&d, "fuzz.yaml", data, size);
    if (rc == 0) {
        FUZZ_CHECK(sc != NULL && !acd_diags_has_errors(&d), "success without a scenario");
        fuzz_check_scenario(sc);
    } else {
        FUZZ_CHECK(sc == NULL && acd_diags_has_errors(&d), "failure without an error");
    }
    acd_scenario_free(sc);
    acd_diags_fini(&d);
    return 0;
}
