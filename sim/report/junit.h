/*
 * junit: the checks of a run as JUnit XML, for CI servers (Jenkins,
 * GitLab, GitHub test reporters): one test case per `--assert` expression
 * and one per goal of the verdict (the center's targets, each call type's
 * own service level), in one test suite named after the scenario.
 *
 *   <testsuites name="acdsim" tests failures errors>
 *     <testsuite name=SCENARIO tests failures errors skipped>
 *       <testcase name=EXPRESSION classname=SCOPE>
 *         <failure message=FIRST-LINE type="assertion">the whole message</failure>
 *
 * classname is the scope: "center", a call type or agent group, with
 * "@09:00" or "@every_interval" for an interval check. A target fails when
 * the run's mean misses it (verdict.h); intervals that miss a goal met
 * for the day are said in its <system-out>. Names are escaped for XML
 * (escape.h), so any scenario name gives a well-formed file.
 *
 * Not here: evaluating (expect.h, verdict.h); where the file goes
 * (acd_junit_write_file: a temporary file renamed into place).
 */
#ifndef ACDSIM_JUNIT_H
#define ACDSIM_JUNIT_H

#include "acdsim/run.h"
#include "expect.h"
#include <stddef.h>
#include <stdio.h>

/* Write the document to out. Returns 0, or -1 if the stream reports an
 * error. */
int acd_junit_write(FILE *out, const struct acd_results *r, const struct acd_expect_result *res,
                    size_t n);

/* The same into path, through a temporary file (tmpfile.h) renamed when
 * complete. Returns 0, or -1 after writing the reason to err. */
int acd_junit_write_file(const char *path, const struct acd_results *r,
                         const struct acd_expect_result *res, size_t n, FILE *err);

#endif
