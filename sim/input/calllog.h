/*
 * calllog: an ACD's call records (one row per call, CSV), read as a
 * stream through a column mapping into normalized records, for
 * `acdsim calibrate` and `acdsim backtest` (docs/calibrate.md).
 *
 * The reader never holds more than one row: memory does not grow with
 * the file. Every problem is located (file:line:col, col = the byte
 * column of the field, 1-based): a problem with the file as a whole (no
 * header, a mapped column missing, a bad --columns text) is an error; a
 * bad row (too few fields, a time that does not parse, times out of order,
 * an outcome value not in the mapping) is skipped and counted by reason,
 * or is an error with `strict`. Rows of outcomes mapped to `ignore`
 * (Anonymous Bank's PHANTOM) and calls that never reached the queue (hung
 * up in the voice-response unit: no queue entry time) are counted apart,
 * not errors.
 */
#ifndef ACDSIM_CALLLOG_H
#define ACDSIM_CALLLOG_H

#include "acdsim/diag.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The roles a column can play. ARRIVAL, OUTCOME are required; ANSWER and
 * END (or SERVICE, a duration) give the handle time; WAIT (a duration) or
 * EXIT (clock) gives an abandoned call's wait when ANSWER is not there;
 * the rest are optional. */
enum acd_calllog_role {
    ACD_CALLLOG_ARRIVAL,  /* clock: the call reached the queue */
    ACD_CALLLOG_ANSWER,   /* clock: an agent answered */
    ACD_CALLLOG_END,      /* clock: the talk ended */
    ACD_CALLLOG_EXIT,     /* clock: the call left the queue (answered or hung up) */
    ACD_CALLLOG_WAIT,     /* seconds in queue */
    ACD_CALLLOG_SERVICE,  /* seconds of talk */
    ACD_CALLLOG_OUTCOME,  /* text, mapped by the outcome values */
    ACD_CALLLOG_TYPE,     /* call type name (absent: one type, "calls") */
    ACD_CALLLOG_AGENT,    /* who answered */
    ACD_CALLLOG_CUSTOMER, /* who called (retrials, repeat calls) */
    ACD_CALLLOG_DATE,     /* YYYY-MM-DD or YYMMDD (absent: one day) */
    ACD_CALLLOG_ROLES
};

enum acd_calllog_outcome {
    ACD_CALLLOG_ANSWERED,
    ACD_CALLLOG_ABANDONED, /* hung up while waiting */
    ACD_CALLLOG_BLOCKED,   /* busy signal / no queue place */
    ACD_CALLLOG_IGNORE,    /* not a call (PHANTOM): counted, not used */
    ACD_CALLLOG_OUTCOMES
};

/* Which column plays each role (by header name) and which outcome
 * values mean what. Built from a --columns text or a preset name. */
#define ACD_CALLLOG_MAX_VALUES 16
struct acd_calllog_map {
    char *column[ACD_CALLLOG_ROLES]; /* header names; NULL: not mapped */
    size_t n_values;
    char *value[ACD_CALLLOG_MAX_VALUES]; /* outcome texts as in the file */
    enum acd_calllog_outcome value_is[ACD_CALLLOG_MAX_VALUES];
    /* A clock of 0:00:00 in ARRIVAL means "never queued" (Anonymous Bank:
     * hung up in the voice-response unit); in ANSWER, END or EXIT, when the
     * row's outcome needs it, a missing time (ACD_CALLLOG_SKIP_TIME). */
    bool zero_arrival_is_none;
    /* Roles (bits 1u << role) whose column may be missing from the header:
     * the role is then not mapped (presets: Anonymous Bank's customer_id
     * and date, the trace's agent). Other mapped columns must be there. */
    unsigned optional;
    /* The column telling an offered call from a leg that continues one
     * (acdsim's trace: "source"; `source=COLUMN` in --columns): rows whose
     * value is not fresh, retrial, repeat or callback (escalation, transfer,
     * transferred) are counted in `ignored`. NULL: every row is a call. */
    char *source;
};

/* The mapping of `--columns TEXT`: a preset name ("anonymous-bank",
 * "acdsim-trace": what `acdsim run --trace` writes), or comma-separated
 * ROLE=HEADER and outcome.VALUE=answered|abandoned|blocked|ignore pairs,
 * e.g. "arrival=q_start,answer=ser_start,end=ser_exit,outcome=outcome,
 * outcome.AGENT=answered,outcome.HANG=abandoned". Roles: arrival, answer,
 * end, exit, wait, service, outcome, type, agent, customer, date (and
 * source, the filter above). The roles the mapped outcome kinds need must
 * be there (answered: answer, exit or wait, and end or service; abandoned:
 * wait or exit). Returns 0, or -1 with every problem in diags (located at
 * "--columns":1:col, col = the bad item's byte column) and m empty.
 * Free with acd_calllog_map_fini. */
int acd_calllog_map_parse(const char *text, struct acd_calllog_map *m, struct acd_diags *diags);
/* The preset matching a header line (Anonymous Bank's, acdsim's trace),
 * for a log given without --columns; returns 0 and fills m, or -1. */
int acd_calllog_map_detect(const char *header_line, struct acd_calllog_map *m);
void acd_calllog_map_fini(struct acd_calllog_map *m);

/* One call, normalized. Clock times are seconds after midnight of the
 * call's day (NAN when not in the row or not applicable). A clock read
 * after another in the row (answer after arrival, end after answer) that
 * is more than 12 h earlier is taken as past midnight (+24 h). The answer
 * time is ANSWER, else EXIT (the trace), else arrival + WAIT; the handle
 * time is END - answer, else SERVICE. Abandoned: wait = WAIT, else EXIT -
 * arrival; answer, end, handle NAN. Blocked: wait 0. */
struct acd_calllog_record {
    unsigned long line; /* 1-based line in the file */
    int32_t day;        /* days since 1970-01-01 (DATE), 0 without a date column */
    int weekday;        /* 0 = Monday .. 6 = Sunday; -1 without a date column */
    double arrival_s;
    double answer_s; /* answered calls */
    double end_s;    /* answered calls: end of talk */
    double wait_s;   /* answered: answer - arrival; abandoned: time to hang up */
    double handle_s; /* answered: end - answer (or SERVICE) */
    enum acd_calllog_outcome outcome;
    const char *type;     /* "calls" without a TYPE column; borrowed until the next row */
    const char *agent;    /* NULL without an AGENT column, when not answered, or when
                             empty or NO_SERVER (Anonymous Bank) */
    const char *customer; /* NULL without a CUSTOMER column */
};

/* Why a row was skipped (counted in acd_calllog_stats.skipped[]). */
enum acd_calllog_skip {
    ACD_CALLLOG_SKIP_FIELDS,  /* fewer fields than the header */
    ACD_CALLLOG_SKIP_TIME,    /* a time or number that does not parse */
    ACD_CALLLOG_SKIP_ORDER,   /* times out of order (answer before arrival...) */
    ACD_CALLLOG_SKIP_OUTCOME, /* an outcome value not in the mapping */
    ACD_CALLLOG_SKIP_DATE,    /* a date that does not parse */
    ACD_CALLLOG_SKIP_REASONS
};
/* "fields", "time", "order", "outcome", "date". */
extern const char *const acd_calllog_skip_names[ACD_CALLLOG_SKIP_REASONS];

struct acd_calllog_stats {
    unsigned long rows;       /* data rows read */
    unsigned long used;       /* handed to the callback */
    unsigned long ignored;    /* outcome mapped to ignore */
    unsigned long not_queued; /* never reached the queue (zero_arrival_is_none) */
    unsigned long skipped[ACD_CALLLOG_SKIP_REASONS];
    unsigned long first_skip_line[ACD_CALLLOG_SKIP_REASONS]; /* 0: none */
};

/* Called for every usable row, in file order; return nonzero to stop. */
typedef int acd_calllog_fn(void *ud, const struct acd_calllog_record *r);

/* Reads path (CSV, header first; quoted fields as RFC 4180; a UTF-8 BOM
 * and CRLF line ends accepted) with map (NULL: acd_calllog_map_detect on
 * the header, an error if none matches). Returns 0, or -1 after errors in
 * diags (and with strict, at the first skipped row). stats may be NULL.
 * Without strict, each skip reason seen adds one warning to diags, at its
 * first row, with the count. A log with no rows, or no usable row, is an
 * error; so are a line over 64 KiB, a NUL byte, an unterminated quoted
 * field and a UTF-16 file. */
int acd_calllog_read(const char *path, const struct acd_calllog_map *map, bool strict,
                     acd_calllog_fn *fn, void *ud, struct acd_calllog_stats *stats,
                     struct acd_diags *diags);

#endif
