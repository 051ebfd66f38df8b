/*
 * Fuzz the --assert expression parser (acd_expect_parse): any text is
 * parsed or gets a one-line message. A parsed expression has a finite
 * bound and a scope that is NULL or non-empty; rebuilt from its parts
 * (scope, interval, metric, operator, the bound printed with %.17g) and
 * parsed again, it gives the same assertion.
 */
#include "acdsim/stats.h"
#include "expect.h"
#include "fuzz_common.h"
#include "units.h"
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const op_text[] = {
    [ACD_OP_GE] = ">=", [ACD_OP_LE] = "<=", [ACD_OP_GT] = ">", [ACD_OP_LT] = "<"};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *s = fuzz_cstr(data, size);
    struct acd_expect e = {0};
    char err[512] = "";
    if (acd_expect_parse(s, &e, err, sizeof err) != 0) {
        FUZZ_CHECK(err[0] != '\0', "rejected without a message: '%s'", s);
        /* The message is one line (`column N: ...`), then the expression
         * and a caret line under the bad part (issue 13): the parser adds no
         * line break or control character of its own to the first. */
        if (fuzz_one_line(s)) {
            char *nl = strchr(err, '\n');
            if (nl)
                *nl = '\0';
            FUZZ_CHECK(fuzz_one_line(err), "message's first line not one line: '%s'", err);
        }
        free(s);
        return 0;
    }
    FUZZ_CHECK(e.text && strcmp(e.text, s) == 0, "text not kept");
    if (e.targets) { /* the word `targets`: every goal, nothing else to check */
        acd_expect_fini(&e);
        free(s);
        return 0;
    }
    FUZZ_CHECK(e.to_target ? isnan(e.value) : isfinite(e.value), "bound %g", e.value);
    FUZZ_CHECK(!e.scope || e.scope[0], "empty scope");
    FUZZ_CHECK((unsigned)e.op < sizeof op_text / sizeof op_text[0], "op %d", (int)e.op);

    /* Rebuilt from its parts (scope, interval, metric, operator, bound),
     * the assertion parses to the same. */
    char again[4300];
    char bound[32], when[48] = "";
    snprintf(bound, sizeof bound, "%.17g", e.value);
    if (e.when == ACD_WHEN_AT) {
        long t = (long)e.at_s;
        if ((double)t != e.at_s || t < 0) { /* no clock text for it: nothing to rebuild */
            acd_expect_fini(&e);
            free(s);
            return 0;
        }
        snprintf(when, sizeof when, "%s%02ld:%02ld:%02ld", e.scope ? "@" : "", t / 3600,
                 t / 60 % 60, t % 60);
    } else if (e.when == ACD_WHEN_EVERY) {
        snprintf(when, sizeof when, "%severy_interval", e.scope ? "@" : "");
    } else if (e.when == ACD_WHEN_EVERY_DAY) { /* a period's day: no scope before it */
        snprintf(when, sizeof when, "every_day");
    } else if (e.when == ACD_WHEN_DAY) {
        acd_units_format_date(e.day, when, sizeof when);
    }
    snprintf(again, sizeof again, "%s%s%s%s%s%s", e.scope ? e.scope : "", when,
             e.scope || when[0] ? "." : "", acd_metrics[e.metric].key, op_text[e.op],
             e.to_target ? "target" : bound);
    struct acd_expect e2 = {0};
    char err2[512] = "";
    FUZZ_CHECK(acd_expect_parse(again, &e2, err2, sizeof err2) == 0, "'%s' (from '%s'): %s", again,
               s, err2);
    FUZZ_CHECK(e2.metric == e.metric && e2.op == e.op && e2.to_target == e.to_target &&
                   (e.to_target || e2.value == e.value) &&
                   (e.scope ? e2.scope && strcmp(e.scope, e2.scope) == 0 : !e2.scope) &&
                   e2.when == e.when && (e.when != ACD_WHEN_AT || e2.at_s == e.at_s) &&
                   (e.when != ACD_WHEN_DAY || e2.day == e.day),
               "'%s' parses differently from '%s'", again, s);
    acd_expect_fini(&e2);
    acd_expect_fini(&e);
    free(s);
    return 0;
}
