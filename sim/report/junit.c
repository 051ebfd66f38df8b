/*
 * junit: checks as JUnit XML (contract in junit.h).
 */
#include "junit.h"
#include "escape.h"
#include "tmpfile.h"
#include "units.h"
#include "util.h"
#include "verdict.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char assert_prefix[] = "acdsim: assertion failed: ";

static void
put_attr(FILE *out, const char *name, const char *value)
{
    fprintf(out, " %s=\"", name);
    acd_escape_xml_fputs(value, out);
    fputc('"', out);
}

/* <failure message=... type=...>text</failure>: the message is the text
 * on one line (a line break and its indent read "; ", or " " after a
 * colon), so a CI page shows every failing interval in it. */
static void
put_failure(FILE *out, const char *type, const char *text)
{
    char *one = acd_xstrdup(text);
    size_t w = 0;
    for (size_t i = 0; text[i];) {
        if (text[i] != '\n') {
            one[w++] = text[i++];
            continue;
        }
        while (text[i] == '\n' || text[i] == ' ')
            i++;
        if (!text[i])
            break;
        bool colon = w && one[w - 1] == ':';
        if (!colon)
            one[w++] = ';';
        one[w++] = ' ';
    }
    one[w] = '\0';
    fputs("      <failure", out);
    put_attr(out, "message", one);
    put_attr(out, "type", type);
    fputs(">", out);
    acd_escape_xml_fputs(text, out);
    fputs("</failure>\n", out);
    free(one);
}

/* An assertion's scope as a class name: "center", "billing",
 * "billing@09:00", "center@every_interval". */
static char *
assertion_class(const struct acd_expect *e)
{
    const char *scope = e->scope ? e->scope : "center";
    if (e->targets)
        return acd_xstrdup("targets");
    if (e->when == ACD_WHEN_RUN)
        return acd_xstrdup(scope);
    return acd_xasprintf("%s@%.*s", scope, (int)e->when_span.len, e->text + e->when_span.off);
}

static void
put_assertion(FILE *out, const struct acd_expect_result *x)
{
    char *cls = assertion_class(x->e);
    fputs("    <testcase", out);
    put_attr(out, "name", x->e->text);
    put_attr(out, "classname", cls);
    free(cls);
    if (!x->failed) {
        fputs("/>\n", out);
        return;
    }
    fputs(">\n", out);
    /* The message without the prefix each of its lines starts with. */
    char *msg = acd_xstrdup(x->message ? x->message : "failed");
    size_t plen = strlen(assert_prefix), w = 0;
    for (size_t i = 0; msg[i];) {
        if ((i == 0 || msg[i - 1] == '\n') && strncmp(msg + i, assert_prefix, plen) == 0)
            i += plen;
        else
            msg[w++] = msg[i++];
    }
    while (w && msg[w - 1] == '\n')
        w--;
    msg[w] = '\0';
    put_failure(out, "assertion", msg);
    free(msg);
    fputs("    </testcase>\n", out);
}

static void
put_target(FILE *out, const struct acd_results *r, const struct acd_goal *g)
{
    const struct acd_scope_result *s = acd_verdict_goal_scope(r, g, SIZE_MAX);
    const struct acd_estimate *e = &s->metric[g->t.metric];
    enum acd_verdict v = acd_verdict_target(&g->t, s);
    char *name =
        acd_xasprintf("target: %s %s %.4g", g->what, g->t.at_least ? ">=" : "<=", g->t.bound);
    fputs("    <testcase", out);
    put_attr(out, "name", name);
    put_attr(out, "classname", g->type == SIZE_MAX ? "center" : r->setup.call_types[g->type].name);
    free(name);
    char line[512];
    bool intervals = acd_verdict_goal_line(r, g, NULL, line, sizeof(line));
    if (v == ACD_VERDICT_MET && !intervals) {
        fputs("/>\n", out);
        return;
    }
    fputs(">\n", out);
    if (v != ACD_VERDICT_MET) {
        char *msg;
        if (v == ACD_VERDICT_NA)
            msg = acd_xasprintf("%s: not measured", g->what);
        else
            msg = acd_xasprintf("%s %s %.4g missed: measured %.4g ± %.2g (95%% CI over %u "
                                "replications)",
                                g->what, g->t.at_least ? ">=" : "<=", g->t.bound, e->mean, e->ci95,
                                e->n ? e->n : r->replications);
        put_failure(out, "target", msg);
        free(msg);
    }
    if (intervals) {
        fputs("      <system-out>", out);
        acd_escape_xml_fputs(line, out);
        fputs("</system-out>\n", out);
    }
    fputs("    </testcase>\n", out);
}

int
acd_junit_write(FILE *out, const struct acd_results *r, const struct acd_expect_result *res,
                size_t n)
{
    size_t n_goals;
    struct acd_goal *goals = acd_verdict_goals(r, &n_goals);
    size_t failures = 0;
    for (size_t i = 0; i < n; i++)
        failures += res[i].failed;
    for (size_t i = 0; i < n_goals; i++) {
        const struct acd_scope_result *s = acd_verdict_goal_scope(r, &goals[i], SIZE_MAX);
        failures += acd_verdict_target(&goals[i].t, s) != ACD_VERDICT_MET;
    }
    const char *suite =
        r->setup.known && r->setup.name && *r->setup.name ? r->setup.name : "acdsim";
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
    fprintf(out, "<testsuites name=\"acdsim\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n",
            n + n_goals, failures);
    fputs("  <testsuite", out);
    put_attr(out, "name", suite);
    fprintf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\">\n", n + n_goals,
            failures);
    for (size_t i = 0; i < n; i++)
        put_assertion(out, &res[i]);
    for (size_t i = 0; i < n_goals; i++)
        put_target(out, r, &goals[i]);
    fputs("  </testsuite>\n</testsuites>\n", out);
    free(goals);
    return ferror(out) ? -1 : 0;
}

int
acd_junit_write_file(const char *path, const struct acd_results *r,
                     const struct acd_expect_result *res, size_t n, FILE *err)
{
    struct acd_tmpfile t = {0};
    if (acd_tmpfile_open(&t, path, err) != 0)
        return -1;
    errno = 0;
    int w = acd_junit_write(t.f, r, res, n);
    if (acd_tmpfile_close(&t, w != 0 ? (errno ? errno : EIO) : 0, err) != 0)
        return -1;
    return acd_tmpfile_commit(&t, err);
}
