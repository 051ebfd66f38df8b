/*
 * Fuzz the call-log reader (calllog.c, `acdsim calibrate` / `backtest`):
 * the input is written to a temp file and read with the mapping detected
 * from its header, then with each preset, strict and not. Never a crash,
 * hang or leak; diagnostics located in the log and on one line; a read
 * that succeeds hands over only records that keep the reader's promises
 * (finite arrival, a known outcome, answered calls with a wait and a
 * handle time >= 0) and counts every row once.
 */
#include "calllog.h"
#include "fuzz_common.h"
#include <stdint.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char log_path[64];

static void
cleanup(void)
{
    if (log_path[0])
        unlink(log_path);
}

static int
check_record(void *ud, const struct acd_calllog_record *r)
{
    unsigned long *n = ud;
    (*n)++;
    FUZZ_CHECK(isfinite(r->arrival_s), "arrival %g", r->arrival_s);
    FUZZ_CHECK(r->outcome < ACD_CALLLOG_IGNORE, "outcome %d handed over", (int)r->outcome);
    FUZZ_CHECK(r->type != NULL, "no type");
    if (r->outcome == ACD_CALLLOG_ANSWERED)
        FUZZ_CHECK(r->wait_s >= 0 && r->handle_s >= 0, "answered: wait %g, handle %g", r->wait_s,
                   r->handle_s);
    return 0;
}

static void
read_once(const struct acd_calllog_map *map, bool strict, const uint8_t *data, size_t size)
{
    struct acd_diags d;
    acd_diags_init(&d);
    struct acd_calllog_stats st;
    unsigned long n = 0;
    int rc = acd_calllog_read(log_path, map, strict, check_record, &n, &st, &d);
    fuzz_check_diags(&d, log_path, data, size);
    if (rc == 0) {
        unsigned long skipped = 0;
        for (int k = 0; k < ACD_CALLLOG_SKIP_REASONS; k++)
            skipped += st.skipped[k];
        FUZZ_CHECK(!acd_diags_has_errors(&d), "success with an error");
        FUZZ_CHECK(n == st.used, "%lu records handed over, %lu used", n, st.used);
        FUZZ_CHECK(st.used + st.ignored + st.not_queued + skipped == st.rows,
                   "rows %lu != used %lu + ignored %lu + not queued %lu + skipped %lu", st.rows,
                   st.used, st.ignored, st.not_queued, skipped);
        FUZZ_CHECK(!strict || skipped == 0, "strict with skips");
    } else {
        FUZZ_CHECK(acd_diags_has_errors(&d), "failure without an error");
    }
    acd_diags_fini(&d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!log_path[0]) {
        snprintf(log_path, sizeof log_path, "/tmp/acdsim-fuzz-log-XXXXXX");
        int fd = mkstemp(log_path);
        FUZZ_CHECK(fd >= 0, "mkstemp");
        close(fd);
        atexit(cleanup);
    }
    FILE *f = fopen(log_path, "wb");
    FUZZ_CHECK(f != NULL, "cannot write %s", log_path);
    FUZZ_CHECK(fwrite(data, 1, size, f) == size && fclose(f) == 0, "write %s", log_path);
    for (int strict = 0; strict < 2; strict++)
        read_once(NULL, strict, data, size);
    static const char *const presets[] = {"anonymous-bank", "acdsim-trace"};
    for (size_t i = 0; i < 2; i++) {
        struct acd_calllog_map m;
        struct acd_diags d;
        acd_diags_init(&d);
        FUZZ_CHECK(acd_calllog_map_parse(presets[i], &m, &d) == 0, "preset %s", presets[i]);
        acd_diags_fini(&d);
        read_once(&m, false, data, size);
        acd_calllog_map_fini(&m);
    }
    return 0;
}
