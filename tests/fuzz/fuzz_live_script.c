/*
 * Fuzz the live script parser (acd_live_script_parse, `acdsim live
 * --script`) against tests/live/desk.yaml's call types and groups
 * (embedded at build time). Diagnostics located and on one line; a script
 * that parses has events in time order at clock times within the 48 h
 * clock (a surge's end may be later, but finite), indices naming real
 * groups and call types, finite rate factors, and each event's clock time
 * formatted and parsed again is the same time to the millisecond.
 */
#include "acdsim/scenario_load.h"
#include "fuzz_common.h"
#include "live_script.h"
#include "units.h"
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

extern const char acd_fuzz_desk_text[];
extern const size_t acd_fuzz_desk_len;

static struct acd_scenario *desk;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!desk) {
        struct acd_diags d;
        acd_diags_init(&d);
        int rc = acd_scenario_load_string("desk.yaml", ".", acd_fuzz_desk_text, acd_fuzz_desk_len,
                                          &desk, &d);
        FUZZ_CHECK(rc == 0, "tests/live/desk.yaml does not load");
        acd_diags_fini(&d);
    }
    struct acd_diags d;
    acd_diags_init(&d);
    struct acd_live_script s = {0};
    int rc = acd_live_script_parse("fuzz.txt", (const char *)data, size, desk, &s, &d);
    fuzz_check_diags(&d, "fuzz.txt", data, size);
    FUZZ_CHECK((rc == 0) == !acd_diags_has_errors(&d), "rc %d with %zu errors", rc, d.n_errors);
    for (size_t i = 0; i < s.n; i++) {
        const struct acd_live_event *e = &s.v[i];
        /* A surge's end (a rate event) may fall after the 48 h clock:
         * "at 47:00 surge for 3h" lasts to the end. Other events are at a
         * clock time the script gave. */
        FUZZ_CHECK(isfinite(e->t_s) && e->t_s >= 0, "event %zu at %g", i, e->t_s);
        FUZZ_CHECK(e->action == ACD_LIVE_RATE || e->t_s <= 48 * 3600.0, "event %zu at %g", i,
                   e->t_s);
        FUZZ_CHECK(i == 0 || s.v[i - 1].t_s <= e->t_s, "events out of order at %zu", i);
        FUZZ_CHECK(e->line >= 1, "event %zu has no line", i);
        if (e->action == ACD_LIVE_AGENTS)
            FUZZ_CHECK(e->index < desk->n_groups, "group %zu", e->index);
        if (e->action == ACD_LIVE_RATE) {
            FUZZ_CHECK(e->index == ACD_LIVE_ALL || e->index < desk->n_call_types, "type %zu",
                       e->index);
            FUZZ_CHECK(isfinite(e->factor) && e->factor >= 0, "factor %g", e->factor);
        }
        if (e->t_s > 48 * 3600.0)
            continue;
        char buf[64];
        double back;
        acd_units_format_clock(e->t_s, buf, sizeof buf);
        FUZZ_CHECK(acd_units_parse_clock(buf, &back) == 0 && fabs(back - e->t_s) <= 0.0005 + 1e-9,
                   "event time %.17g printed '%s'", e->t_s, buf);
    }
    acd_live_script_fini(&s);
    acd_diags_fini(&d);
    return 0;
}
