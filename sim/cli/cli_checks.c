/*
 * cli_checks: what every command with --assert does after its run: judge
 * the assertions (expect.h) before anything is written, so the JSON
 * carries their results (checks.assertions), then print the failures and
 * write --junit FILE (junit.h). The --junit option itself is here too,
 * one entry for run, staff and any later command with --assert.
 */
#include "cli.h"
#include "expect.h"
#include "junit.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* FILE is written through a temporary file renamed into place: it must be
 * a regular file or nothing yet, in a writable directory. */
int
acd_cli_set_junit(void *a, const char *arg, char *err, size_t errlen)
{
    struct acd_cli_common *c = a;
    c->junit_path = NULL;
    size_t n = strlen(arg);
    if (n == 0 || arg[n - 1] == '/') {
        snprintf(err, errlen, "expected a file name, got '%s'", arg);
        return -1;
    }
    struct stat st;
    if (stat(arg, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "'%s' is a directory", arg);
            return -1;
        }
        if (!S_ISREG(st.st_mode)) {
            snprintf(err, errlen, "'%s' exists and is not a regular file", arg);
            return -1;
        }
    } else if (errno != ENOENT) {
        snprintf(err, errlen, "cannot use '%s': %s", arg, strerror(errno));
        return -1;
    }
    if (acd_cli_check_parent(arg, err, errlen) != 0)
        return -1;
    c->junit_path = arg;
    return 0;
}

void
acd_cli_checks_eval(const struct acd_cli_common *c, const struct acd_expect *ex,
                    const struct acd_results *r, struct acd_cli_checks *k)
{
    k->n = ex ? c->n_asserts : 0;
    k->res = acd_xcalloc(k->n ? k->n : 1, sizeof(*k->res));
    k->failed = acd_expect_evaluate(ex, k->n, r, k->res);
}

int
acd_cli_checks_finish(const char *cmd, const struct acd_cli_common *c, struct acd_cli_checks *k,
                      const struct acd_results *r)
{
    (void)cmd;
    int rc = ACD_EXIT_OK;
    acd_expect_print(k->res, k->n, stderr);
    if (c->junit_path && acd_junit_write_file(c->junit_path, r, k->res, k->n, stderr) != 0)
        rc = ACD_EXIT_RUNTIME;
    else if (k->failed)
        rc = ACD_EXIT_ASSERT;
    acd_expect_results_fini(k->res, k->n);
    free(k->res);
    memset(k, 0, sizeof(*k));
    return rc;
}
