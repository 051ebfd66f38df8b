/*
 * Fuzz the results reader (acd_results_read_json_string, `acdsim report`):
 * any bytes give results or located one-line diagnostics. Results that
 * read are written again as JSON (report.c), and that document reads back
 * without an error and writes byte for byte the same: what the reader
 * accepts, the writer can express.
 */
#include "fuzz_common.h"
#include "report.h"
#include "results_read.h"
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct acd_diags d;
    acd_diags_init(&d);
    struct acd_results *r = NULL;
    int rc = acd_results_read_json_string("fuzz.json", (const char *)data, size, &r, &d);
    fuzz_check_diags(&d, "fuzz.json", data, size);
    if (rc != 0) {
        FUZZ_CHECK(r == NULL && acd_diags_has_errors(&d), "failure without an error");
        acd_diags_fini(&d);
        return 0;
    }
    FUZZ_CHECK(r != NULL && !acd_diags_has_errors(&d), "success without results");
    struct acd_report_opts o = {.no_timing = false};
    char *once = acd_report_json_string(r, &o);
    acd_results_free(r);
    acd_diags_fini(&d);

    acd_diags_init(&d);
    rc = acd_results_read_json_string("again.json", once, strlen(once), &r, &d);
    fuzz_check_diags(&d, "again.json", NULL, 0);
    FUZZ_CHECK(rc == 0 && d.n == 0, "written results do not read back: %s",
               d.n ? d.v[0].msg : "(no message)");
    char *twice = acd_report_json_string(r, &o);
    FUZZ_CHECK(strcmp(once, twice) == 0, "results written, read and written again differ");
    free(twice);
    free(once);
    acd_results_free(r);
    acd_diags_fini(&d);
    return 0;
}
