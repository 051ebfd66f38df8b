/*
 * fuzz_common: the checks every libFuzzer harness (tests/fuzz/fuzz_*.c)
 * makes on top of "no crash, no sanitizer report": each diagnostic printed
 * is located (`file:line:col: level: message`, line and col >= 1) and on one
 * line (no line break or raw control character inside a message). A check
 * that fails aborts, which libFuzzer reports as a crash with the input.
 *
 * Header-only (static functions): each harness is one executable.
 */
#ifndef ACD_FUZZ_COMMON_H
#define ACD_FUZZ_COMMON_H

#include "acdsim/diag.h"
#include "acdsim/scenario.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz check failed: %s (%s:%d): ", #cond, __FILE__, __LINE__);         \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* A message prints on one line: no byte below 0x20 (newline, escape, bell...)
 * and no DEL. Bytes >= 0x80 (UTF-8) are text. */
static inline int
fuzz_one_line(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return 0;
    }
    return 1;
}

/* Every diagnostic as acd_diags_print writes it: `FILE:L:C: LEVEL: MSG`,
 * one line each, L and C >= 1, FILE the name the parser was given. */
/* Diagnostics escape control characters when stored (sim/base/diag.c), so
 * no message may hold one: the check is strict. -DFUZZ_TOLERATE_RAW_ECHO=1
 * tolerates a control byte the input itself has (for bisecting old code). */
#ifndef FUZZ_TOLERATE_RAW_ECHO
#define FUZZ_TOLERATE_RAW_ECHO 0
#endif

/* s has no control byte, or (tolerated, above) only ones the input has. */
static inline int
fuzz_one_line_echo(const char *s, const unsigned char *input, size_t input_len)
{
    if (fuzz_one_line(s))
        return 1;
    if (!FUZZ_TOLERATE_RAW_ECHO || !input)
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p < 0x20 || *p == 0x7f) && !memchr(input, *p, input_len))
            return 0;
    }
    return 1;
}

static inline void
fuzz_check_diags(const struct acd_diags *d, const char *file, const unsigned char *input,
                 size_t input_len)
{
    size_t errors = 0;
    int strict = 1;
    for (size_t i = 0; i < d->n; i++) {
        const struct acd_diag *x = &d->v[i];
        FUZZ_CHECK(x->file && x->msg, "diagnostic %zu has no file or message", i);
        FUZZ_CHECK(strcmp(x->file, file) == 0 || fuzz_one_line(x->file),
                   "diagnostic %zu: file name '%s' on several lines", i, x->file);
        FUZZ_CHECK(x->msg[0] != '\0', "diagnostic %zu: empty message", i);
        FUZZ_CHECK(fuzz_one_line_echo(x->msg, input, input_len),
                   "diagnostic %zu not on one line: '%s'", i, x->msg);
        /* Every diagnostic of these parsers points at a line of the input;
         * column 0 ("the line", e.g. jansson at the end of the text) prints
         * as 1, per diag.h. */
        FUZZ_CHECK(x->line >= 1, "diagnostic %zu at %u:%u: '%s'", i, x->line, x->col, x->msg);
        FUZZ_CHECK(x->line < 100000000u && x->col < 100000000u,
                   "diagnostic %zu: position %u:%u out of any input", i, x->line, x->col);
        errors += x->level == ACD_DIAG_ERROR;
        strict = strict && fuzz_one_line(x->msg);
    }
    FUZZ_CHECK(errors == d->n_errors, "n_errors %zu, %zu errors listed", d->n_errors, errors);

    /* The printed form, as the user sees it (tolerated raw echoes aside). */
    if (!strict)
        return;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    FUZZ_CHECK(f != NULL, "open_memstream");
    acd_diags_print(d, f);
    fclose(f);
    size_t lines = 0;
    for (char *line = buf; line < buf + len;) {
        char *nl = memchr(line, '\n', (size_t)(buf + len - line));
        FUZZ_CHECK(nl != NULL, "printed diagnostics do not end with a newline");
        *nl = '\0';
        unsigned l = 0, c = 0;
        int off = 0;
        /* The file name is a known string: skip it, then read the position. */
        const char *rest = line;
        const char *fname = d->v[lines < d->n ? lines : 0].file;
        FUZZ_CHECK(strncmp(rest, fname, strlen(fname)) == 0, "line %zu does not start with '%s'",
                   lines + 1, fname);
        rest += strlen(fname);
        FUZZ_CHECK(sscanf(rest, ":%u:%u: %n", &l, &c, &off) == 2 && off > 0,
                   "printed diagnostic not located: '%s'", line);
        FUZZ_CHECK(l >= 1 && c >= 1, "printed position %u:%u: '%s'", l, c, line);
        rest += off;
        FUZZ_CHECK(strncmp(rest, "error: ", 7) == 0 || strncmp(rest, "warning: ", 9) == 0 ||
                       strncmp(rest, "note: ", 6) == 0,
                   "no level in '%s'", line);
        lines++;
        line = nl + 1;
    }
    FUZZ_CHECK(lines == d->n, "%zu diagnostics printed on %zu lines", d->n, lines);
    free(buf);
}

/* The fuzz input as a NUL-terminated string (cut at the first NUL). */
static inline char *
fuzz_cstr(const unsigned char *data, size_t size)
{
    char *s = malloc(size + 1);
    FUZZ_CHECK(s != NULL, "malloc");
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* A loaded scenario's numbers: finite and within the loader's documented
 * limits (docs/scenario.md; ACD_SCN_MAX_* in sim/input/scenario_int.h). */
#define FUZZ_FINITE_NONNEG(x) FUZZ_CHECK(isfinite(x) && (x) >= 0, "%s = %g", #x, (double)(x))
static inline void
fuzz_check_scenario(const struct acd_scenario *sc)
{
    FUZZ_CHECK(sc->name != NULL, "no name");
    FUZZ_CHECK(sc->replications >= 1 && sc->replications <= 1000000, "replications %u",
               sc->replications);
    FUZZ_CHECK(sc->n_call_types >= 1 && sc->n_groups >= 1, "%zu call types, %zu groups",
               sc->n_call_types, sc->n_groups);
    FUZZ_CHECK(sc->n_intervals <= 10000, "%zu intervals", sc->n_intervals);
    FUZZ_FINITE_NONNEG(sc->sl_threshold_s);
    FUZZ_FINITE_NONNEG(sc->busyness_cv);
    FUZZ_CHECK(sc->sl_target >= 0 && sc->sl_target <= 1, "sl_target %g", sc->sl_target);
    if (sc->horizon == ACD_HORIZON_STEADY) {
        FUZZ_CHECK(isfinite(sc->duration_s) && sc->duration_s > 0, "duration %g", sc->duration_s);
        FUZZ_CHECK(sc->warmup_s >= 0 && sc->warmup_s < sc->duration_s, "warm-up %g of %g",
                   sc->warmup_s, sc->duration_s);
    } else {
        FUZZ_CHECK(isfinite(sc->open_s) && isfinite(sc->close_s) && sc->open_s < sc->close_s,
                   "open %g close %g", sc->open_s, sc->close_s);
        FUZZ_CHECK(sc->interval_s > 0 && sc->n_intervals >= 1, "interval %g x %zu", sc->interval_s,
                   sc->n_intervals);
    }
    for (size_t i = 0; i < sc->n_call_types; i++) {
        const struct acd_call_type *t = &sc->call_types[i];
        FUZZ_CHECK(t->name != NULL, "call type %zu has no name", i);
        FUZZ_FINITE_NONNEG(t->rate_per_s);
        FUZZ_CHECK(t->balk_prob >= 0 && t->balk_prob <= 1, "balk %g", t->balk_prob);
        FUZZ_FINITE_NONNEG(t->queue_timeout_s);
        FUZZ_CHECK(t->callback_accept_prob >= 0 && t->callback_accept_prob <= 1, "callback %g",
                   t->callback_accept_prob);
        FUZZ_CHECK(!t->has_timeout_to || t->timeout_to < sc->n_call_types, "timeout_to %zu",
                   t->timeout_to);
        if (t->calls_per_interval) {
            for (size_t k = 0; k < sc->n_intervals; k++)
                FUZZ_FINITE_NONNEG(t->calls_per_interval[k]);
        }
    }
    for (size_t g = 0; g < sc->n_groups; g++) {
        const struct acd_agent_group *gr = &sc->groups[g];
        FUZZ_CHECK(gr->name != NULL, "group %zu has no name", g);
        FUZZ_CHECK(gr->agents <= 1000000, "group %zu: %u agents", g, gr->agents);
        FUZZ_CHECK(gr->absenteeism >= 0 && gr->absenteeism <= 1, "absenteeism %g", gr->absenteeism);
        for (size_t k = 0; k < gr->n_skills; k++)
            FUZZ_CHECK(gr->skills[k] < sc->n_call_types, "skill %zu", gr->skills[k]);
        if (gr->agents_by_interval) {
            for (size_t k = 0; k < sc->n_intervals; k++)
                FUZZ_CHECK(gr->agents_by_interval[k] <= 1000000, "group %zu interval %zu: %u", g, k,
                           gr->agents_by_interval[k]);
        }
    }
    /* Shift templates: what acdsim schedule hands the roster solver. */
    FUZZ_CHECK(sc->n_templates <= 100, "%zu templates", sc->n_templates);
    for (size_t i = 0; i < sc->n_templates; i++) {
        const struct acd_shift_template *t = &sc->templates[i];
        FUZZ_CHECK(t->name != NULL && t->n_groups >= 1, "template %zu", i);
        FUZZ_CHECK(t->step_s > 0 && t->earliest_s <= t->latest_s && t->length_s > 0 &&
                       t->latest_s + t->length_s <= 48 * 3600,
                   "template %zu times", i);
        FUZZ_CHECK(!t->has_max || t->min <= t->max, "template %zu min/max", i);
        for (size_t k = 0; k < t->n_groups; k++)
            FUZZ_CHECK(t->groups[k] < sc->n_groups, "template %zu group %zu", i, t->groups[k]);
        double end = 0;
        for (size_t b = 0; b < t->n_breaks; b++) {
            const struct acd_break_rule *r = &t->breaks[b];
            FUZZ_CHECK(r->length_s > 0 && r->step_s > 0 && r->earliest_s >= end &&
                           r->earliest_s <= r->latest_s && r->latest_s + r->length_s <= t->length_s,
                       "template %zu break %zu", i, b);
            end = r->latest_s + r->length_s;
        }
    }
}

#endif
