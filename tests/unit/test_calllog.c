/*
 * Unit tests for calllog: the Anonymous Bank sample day read with the
 * detected preset (counts by outcome, records field by field), the
 * --columns parser and its diagnostics, counted and strict skips of every
 * reason, CSV details (BOM, CRLF, quotes, too few or more fields), the
 * acdsim-trace preset with and without its agent column, dates, and every
 * bad log of tests/data/bad_logs against its .expected diagnostics.
 * Run under ASan/UBSan too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* After the four above, which it needs and does not include. */
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acdsim/diag.h"
#include "calllog.h"
#include "util.h"

#define SAMPLE   "data/anonymous_bank_one_day.csv"
#define BAD_LOGS "data/bad_logs"

/* ------------------------------------------------------------ helpers */

/* A record with its borrowed strings copied. */
struct rec {
    struct acd_calllog_record r;
    char type[32], agent[32], customer[32];
    bool has_agent, has_customer;
};

struct got {
    struct rec v[64];
    size_t n;
    unsigned long count[ACD_CALLLOG_OUTCOMES];
    unsigned long stop_after; /* 0: never */
    bool monotone_ok;         /* every record: wait, handle >= 0 where set */
};

static void
copy(char *dst, const char *src)
{
    snprintf(dst, 32, "%s", src ? src : "");
}

static int
collect(void *ud, const struct acd_calllog_record *r)
{
    struct got *g = ud;
    g->count[r->outcome]++;
    if (r->wait_s < 0 || r->handle_s < 0 || !(r->arrival_s >= 0))
        g->monotone_ok = false;
    if (g->n < ACD_ARRAY_LEN(g->v)) {
        struct rec *x = &g->v[g->n];
        x->r = *r;
        copy(x->type, r->type);
        copy(x->agent, r->agent);
        copy(x->customer, r->customer);
        x->has_agent = r->agent != NULL;
        x->has_customer = r->customer != NULL;
    }
    g->n++;
    return g->stop_after && g->n >= g->stop_after;
}

/* The diagnostics as printed, one string; caller frees. */
static char *
printed(const struct acd_diags *d)
{
    char *buf;
    size_t len;
    FILE *f = acd_xmemstream_open(&buf, &len);
    acd_diags_print(d, f);
    acd_xmemstream_close(f);
    return buf;
}

/* A temporary file holding len bytes of data; caller unlinks and frees. */
static char *
temp_file(const char *data, size_t len)
{
    char *path = acd_xstrdup("/tmp/test_calllog.XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
    return path;
}

/* Reads text (as a file) with --columns columns (NULL: detected).
 * Returns read's rc; *out gets the diagnostics printed with the file's
 * name replaced by "LOG". */
static int
read_text(const char *text, size_t len, const char *columns, bool strict, struct got *g,
          struct acd_calllog_stats *st, char **out)
{
    char *path = temp_file(text, len);
    struct acd_diags d;
    acd_diags_init(&d);
    struct acd_calllog_map m;
    int rc = -1;
    memset(g, 0, sizeof(*g));
    g->monotone_ok = true;
    if (!columns || acd_calllog_map_parse(columns, &m, &d) == 0) {
        rc = acd_calllog_read(path, columns ? &m : NULL, strict, collect, g, st, &d);
        if (columns)
            acd_calllog_map_fini(&m);
    }
    for (size_t i = 0; i < d.n; i++)
        if (strcmp(d.v[i].file, path) == 0) {
            free(d.v[i].file);
            d.v[i].file = acd_xstrdup("LOG");
        }
    *out = printed(&d);
    acd_diags_fini(&d);
    unlink(path);
    free(path);
    return rc;
}

static int
read_str(const char *text, const char *columns, bool strict, struct got *g,
         struct acd_calllog_stats *st, char **out)
{
    return read_text(text, strlen(text), columns, strict, g, st, out);
}

/* --columns text's diagnostics, printed; caller frees. */
static char *
columns_errors(const char *text)
{
    struct acd_diags d;
    acd_diags_init(&d);
    struct acd_calllog_map m;
    int rc = acd_calllog_map_parse(text, &m, &d);
    char *s = printed(&d);
    if (rc == 0) {
        acd_calllog_map_fini(&m);
        assert_int_equal(d.n_errors, 0);
    } else {
        assert_true(d.n_errors > 0);
    }
    acd_diags_fini(&d);
    return s;
}

static void
assert_columns_error(const char *text, const char *expected)
{
    char *s = columns_errors(text);
    if (strcmp(s, expected) != 0)
        fprintf(stderr, "--columns %s\n got: %s want: %s", text, s, expected);
    assert_string_equal(s, expected);
    free(s);
}

static unsigned long
total_skipped(const struct acd_calllog_stats *st)
{
    unsigned long n = 0;
    for (int i = 0; i < ACD_CALLLOG_SKIP_REASONS; i++)
        n += st->skipped[i];
    return n;
}

/* ------------------------------------------------------------ the sample day */

/* The expected counts were checked with an independent parse of the file
 * (python's csv module, 2026-12-02):
 *   q = q_start != "0:00:00"; PHANTOM -> ignored (18, whatever q);
 *   not q -> not_queued (268 AGENT + 118 HANG = 386);
 *   q and AGENT -> answered (1243), of which 3 have ser_start < q_start
 *     and are skipped: lines 1736 and 1930 one second early (order),
 *     line 2117 ser_start 0:00:00, the log's "no time" (time) -> 1240;
 *   q and HANG -> abandoned (728).
 * 18 + 386 + 1243 + 728 = 2375 rows. */
static void
test_sample_detected(void **state)
{
    (void)state;
    struct acd_diags d;
    acd_diags_init(&d);
    struct acd_calllog_stats st;
    struct got *g = acd_xcalloc(1, sizeof(*g));
    g->monotone_ok = true;
    assert_int_equal(acd_calllog_read(SAMPLE, NULL, false, collect, g, &st, &d), 0);
    assert_int_equal(st.rows, 2375);
    assert_int_equal(st.ignored, 18);
    assert_int_equal(st.not_queued, 386);
    assert_int_equal(st.used, 1968);
    assert_int_equal(g->count[ACD_CALLLOG_ANSWERED], 1240);
    assert_int_equal(g->count[ACD_CALLLOG_ABANDONED], 728);
    assert_int_equal(g->count[ACD_CALLLOG_BLOCKED], 0);
    assert_int_equal(st.skipped[ACD_CALLLOG_SKIP_ORDER], 2);
    assert_int_equal(st.first_skip_line[ACD_CALLLOG_SKIP_ORDER], 1736);
    assert_int_equal(st.skipped[ACD_CALLLOG_SKIP_TIME], 1);
    assert_int_equal(st.first_skip_line[ACD_CALLLOG_SKIP_TIME], 2117);
    assert_int_equal(total_skipped(&st), 3);
    assert_int_equal(st.rows, st.used + st.ignored + st.not_queued + total_skipped(&st));
    assert_true(g->monotone_ok);
    /* The skips: one warning per reason, at the first. */
    assert_int_equal(d.n_errors, 0);
    char *s = printed(&d);
    assert_string_equal(s, SAMPLE ":2117:61: warning: answer (ser_start) '0:00:00' is no time "
                                  "(the log's mark of a missing time): row skipped (1 row skipped "
                                  "for 'time', the first here)\n" SAMPLE
                                  ":1736:65: warning: answer (ser_start) '20:37:11' is before "
                                  "arrival (q_start) '20:37:12': row skipped (2 rows skipped for "
                                  "'order', the first here)\n");
    free(s);
    acd_diags_fini(&d);

    /* Line 21: AA0116,..,IN,..,q_start 10:00:37, q_time 74, HANG. */
    const struct rec *a = &g->v[0];
    assert_int_equal(a->r.line, 21);
    assert_int_equal(a->r.outcome, ACD_CALLLOG_ABANDONED);
    assert_true(a->r.arrival_s == 10 * 3600 + 37);
    assert_true(a->r.wait_s == 74);
    assert_true(isnan(a->r.answer_s) && isnan(a->r.end_s) && isnan(a->r.handle_s));
    assert_string_equal(a->type, "IN");
    assert_false(a->has_agent);
    assert_false(a->has_customer);
    assert_int_equal(a->r.day, 0);
    assert_int_equal(a->r.weekday, -1);
    /* Line 22, the first answered call:
     * AA0213,24281,PS,10:00:45,10:00:51,6,10:00:51,10:01:33,42,AGENT,
     * 10:01:32,10:03:08,96,VICKY,VIC */
    const struct rec *b = &g->v[1];
    assert_int_equal(b->r.line, 22);
    assert_int_equal(b->r.outcome, ACD_CALLLOG_ANSWERED);
    assert_true(b->r.arrival_s == 10 * 3600 + 51);
    assert_true(b->r.answer_s == 10 * 3600 + 60 + 32);
    assert_true(b->r.end_s == 10 * 3600 + 3 * 60 + 8);
    assert_true(b->r.wait_s == 41); /* answer - arrival (q_time says 42: q_exit) */
    assert_true(b->r.handle_s == 96);
    assert_string_equal(b->agent, "VICKY");
    assert_string_equal(b->type, "PS");
    free(g);

    /* The preset by name reads the same. */
    struct acd_calllog_map m;
    acd_diags_init(&d);
    assert_int_equal(acd_calllog_map_parse("anonymous-bank", &m, &d), 0);
    struct acd_calllog_stats st2;
    g = acd_xcalloc(1, sizeof(*g));
    assert_int_equal(acd_calllog_read(SAMPLE, &m, false, collect, g, &st2, &d), 0);
    assert_memory_equal(&st, &st2, sizeof(st));
    acd_calllog_map_fini(&m);
    acd_diags_fini(&d);

    /* Strict: the first skipped row is the error. */
    acd_diags_init(&d);
    memset(g, 0, sizeof(*g));
    assert_int_equal(acd_calllog_read(SAMPLE, NULL, true, collect, g, NULL, &d), -1);
    s = printed(&d);
    assert_string_equal(s, SAMPLE ":1736:65: error: answer (ser_start) '20:37:11' is before "
                                  "arrival (q_start) '20:37:12'\n");
    free(s);
    acd_diags_fini(&d);

    /* A callback that stops. */
    acd_diags_init(&d);
    memset(g, 0, sizeof(*g));
    g->stop_after = 5;
    assert_int_equal(acd_calllog_read(SAMPLE, NULL, false, collect, g, &st, &d), 0);
    assert_int_equal(st.used, 5);
    assert_int_equal(g->n, 5);
    assert_int_equal(d.n, 0);
    acd_diags_fini(&d);
    free(g);
}

/* ------------------------------------------------------------ --columns */

static void
test_columns_good(void **state)
{
    (void)state;
    struct acd_diags d;
    acd_diags_init(&d);
    struct acd_calllog_map m;
    assert_int_equal(acd_calllog_map_parse(" arrival = start , answer=ans,end=stop,exit=out,"
                                           "outcome=res,outcome.OK=answered,outcome.LOST="
                                           "abandoned,outcome.BUSY=blocked,outcome.X=ignore,"
                                           "type=queue,agent=who,customer=caller,date=day,"
                                           "source=leg",
                                           &m, &d),
                     0);
    assert_int_equal(d.n, 0);
    assert_string_equal(m.column[ACD_CALLLOG_ARRIVAL], "start");
    assert_string_equal(m.column[ACD_CALLLOG_ANSWER], "ans");
    assert_string_equal(m.column[ACD_CALLLOG_END], "stop");
    assert_string_equal(m.column[ACD_CALLLOG_EXIT], "out");
    assert_null(m.column[ACD_CALLLOG_WAIT]);
    assert_null(m.column[ACD_CALLLOG_SERVICE]);
    assert_string_equal(m.column[ACD_CALLLOG_DATE], "day");
    assert_string_equal(m.source, "leg");
    assert_int_equal(m.n_values, 4);
    assert_string_equal(m.value[1], "LOST");
    assert_int_equal(m.value_is[1], ACD_CALLLOG_ABANDONED);
    assert_int_equal(m.value_is[2], ACD_CALLLOG_BLOCKED);
    assert_int_equal(m.value_is[3], ACD_CALLLOG_IGNORE);
    assert_false(m.zero_arrival_is_none);
    assert_int_equal(m.optional, 0);
    acd_calllog_map_fini(&m);

    /* Presets by name. */
    assert_int_equal(acd_calllog_map_parse("acdsim-trace", &m, &d), 0);
    assert_string_equal(m.column[ACD_CALLLOG_ARRIVAL], "arrival_s");
    assert_string_equal(m.column[ACD_CALLLOG_EXIT], "end_s");
    assert_string_equal(m.column[ACD_CALLLOG_END], "done_s");
    assert_string_equal(m.source, "source");
    assert_int_equal(m.n_values, 8);
    assert_true(m.optional & (1u << ACD_CALLLOG_AGENT));
    acd_calllog_map_fini(&m);
    assert_int_equal(acd_calllog_map_parse("anonymous-bank", &m, &d), 0);
    assert_true(m.zero_arrival_is_none);
    assert_string_equal(m.column[ACD_CALLLOG_WAIT], "q_time");
    assert_null(m.source);
    acd_calllog_map_fini(&m);

    /* Only what the mapped kinds need: no handle time without answered. */
    assert_int_equal(
        acd_calllog_map_parse("arrival=a,wait=w,outcome=o,outcome.H=abandoned", &m, &d), 0);
    acd_calllog_map_fini(&m);
    assert_int_equal(d.n, 0);
    acd_diags_fini(&d);
}

static void
test_columns_bad(void **state)
{
    (void)state;
    assert_columns_error("arival=q_start,outcome=o,outcome.A=answered,answer=x,end=y",
                         "--columns:1:1: error: unknown role 'arival' (did you mean "
                         "'arrival'?)\n");
    assert_columns_error("arrival=a,zzz=b",
                         "--columns:1:11: error: unknown role 'zzz': arrival, answer, end, exit, "
                         "wait, service, outcome, type, agent, customer, date, source\n");
    assert_columns_error("arrival=a,outcome=o,arrival=b",
                         "--columns:1:21: error: role 'arrival' given twice (first at 1)\n");
    assert_columns_error("arrival=a,outcome",
                         "--columns:1:11: error: 'outcome' has no '=': write ROLE=COLUMN or "
                         "outcome.VALUE=KIND, or a preset (anonymous-bank, acdsim-trace)\n");
    assert_columns_error("anonymous_bank", "--columns:1:1: error: 'anonymous_bank' has no '=' "
                                           "(did you mean the preset 'anonymous-bank'?)\n");
    assert_columns_error("arrival=a,outcome=o, outcome.AGENT=answerd",
                         "--columns:1:22: error: unknown outcome kind 'answerd' for 'AGENT' "
                         "(did you mean 'answered'?)\n");
    assert_columns_error("arrival=a,outcome=o,outcome.AGENT=yes",
                         "--columns:1:21: error: unknown outcome kind 'yes' for 'AGENT': "
                         "answered, abandoned, blocked or ignore\n");
    assert_columns_error("arrival=a,outcome=o,outcome.A=ignore,outcome.A=ignore",
                         "--columns:1:38: error: outcome value 'A' given twice (first at 21)\n");
    assert_columns_error("arrival=a,,outcome=o",
                         "--columns:1:11: error: empty item (two commas in a row?)\n");
    assert_columns_error("arrival=", "--columns:1:1: error: 'arrival=' names no column\n");
    assert_columns_error("", "--columns:1:1: error: empty: give a preset or ROLE=COLUMN items\n");
    /* Several problems: every one, in order. */
    assert_columns_error("arival=a,end,end=x,end=y",
                         "--columns:1:1: error: unknown role 'arival' (did you mean "
                         "'arrival'?)\n"
                         "--columns:1:10: error: 'end' has no '=': write ROLE=COLUMN or "
                         "outcome.VALUE=KIND, or a preset (anonymous-bank, acdsim-trace)\n"
                         "--columns:1:20: error: role 'end' given twice (first at 14)\n");
    /* More than 16 values: the 17th is the error. */
    char text[512] = "arrival=a,wait=w,outcome=o";
    size_t col17 = 0;
    for (int i = 0; i < 17; i++) {
        if (i == 16)
            col17 = strlen(text) + 2;
        snprintf(text + strlen(text), sizeof(text) - strlen(text), ",outcome.V%d=ignore", i);
    }
    char want[128];
    snprintf(want, sizeof(want), "--columns:1:%zu: error: more than 16 outcome values\n", col17);
    assert_columns_error(text, want);
    /* Missing roles, once the items are fine. */
    assert_columns_error("outcome=o,outcome.A=answered",
                         "--columns:1:1: error: no arrival column: the mapping needs "
                         "arrival=COLUMN (when the call reached the queue)\n"
                         "--columns:1:1: error: answered calls need their answer time: map "
                         "answer=, exit= or wait=\n"
                         "--columns:1:1: error: answered calls need their handle time: map end= "
                         "or service=\n");
    assert_columns_error("arrival=a,outcome=o,outcome.H=abandoned",
                         "--columns:1:1: error: abandoned calls need their wait: map wait= or "
                         "exit=\n");
    assert_columns_error("arrival=a,outcome=o",
                         "--columns:1:1: error: no outcome values: add "
                         "outcome.VALUE=answered|abandoned|blocked|ignore for each value of the "
                         "outcome column\n");
    assert_columns_error("arrival=a", "--columns:1:1: error: no outcome column: the mapping "
                                      "needs outcome=COLUMN\n");
}

/* ------------------------------------------------------------ detection */

static const char ab_header[] = "vru+line,call_id,type,vru_entry,vru_exit,vru_time,q_start,"
                                "q_exit,q_time,outcome,ser_start,ser_exit,ser_time,server,"
                                "server_abv";
static const char trace_header[] = "call_id,issue_id,type,tier,attempt,source,arrival_s,end_s,"
                                   "done_s,group,outcome,after,counted,wait_total_s";

static void
test_detect(void **state)
{
    (void)state;
    struct acd_calllog_map m;
    assert_int_equal(acd_calllog_map_detect(ab_header, &m), 0);
    assert_string_equal(m.column[ACD_CALLLOG_ARRIVAL], "q_start");
    assert_true(m.zero_arrival_is_none);
    acd_calllog_map_fini(&m);
    char line[512];
    snprintf(line, sizeof(line), "\xef\xbb\xbf%s\r\n", ab_header);
    assert_int_equal(acd_calllog_map_detect(line, &m), 0);
    assert_string_equal(m.column[ACD_CALLLOG_ARRIVAL], "q_start");
    acd_calllog_map_fini(&m);
    assert_int_equal(acd_calllog_map_detect(trace_header, &m), 0);
    assert_string_equal(m.column[ACD_CALLLOG_ARRIVAL], "arrival_s");
    acd_calllog_map_fini(&m);
    snprintf(line, sizeof(line), "%s,agent\n", trace_header);
    assert_int_equal(acd_calllog_map_detect(line, &m), 0);
    assert_string_equal(m.column[ACD_CALLLOG_AGENT], "agent");
    acd_calllog_map_fini(&m);
    assert_int_equal(acd_calllog_map_detect("when,who,what", &m), -1);
    assert_int_equal(acd_calllog_map_detect("", &m), -1);
    assert_int_equal(acd_calllog_map_detect("\"unterminated,q_start", &m), -1);
}

/* ------------------------------------------------------------ skips */

/* A small log of the generic layout, one row per skip reason. */
static const char generic_cols[] =
    "arrival=arr,answer=ans,end=fin,exit=out,outcome=res,type=q,agent=who,customer=cust,date=day,"
    "outcome.OK=answered,outcome.LOST=abandoned,outcome.BUSY=blocked,outcome.TEST=ignore";
static const char generic_log[] =
    "day,arr,ans,fin,out,res,q,who,cust\n"                        /* 1 */
    "2026-12-02,9:00:00,9:00:30,9:05:30,9:00:30,OK,a,ann,c1\n"    /* 2: answered */
    "2026-12-02,9:01:00,,,9:02:00,LOST,a,,c2\n"                   /* 3: abandoned, 60 s */
    "2026-12-02,9:02:00,,,9:02:00,BUSY,b,,\n"                     /* 4: blocked */
    "2026-12-02,9:03:00,,,,TEST,b,,\n"                            /* 5: ignored */
    "2026-12-02,9:04:00,9:04:10\n"                                /* 6: fields */
    "2026-12-02,9:x4:00,9:04:10,9:05:00,9:04:10,OK,a,ann,c3\n"    /* 7: time */
    "2026-12-02,9:05:00,9:04:10,9:06:00,9:04:10,OK,a,ann,c4\n"    /* 8: order */
    "2026-12-02,9:06:00,9:06:10,9:07:00,9:06:10,MAYBE,a,ann,c5\n" /* 9: outcome */
    "2026-13-02,9:07:00,9:07:10,9:08:00,9:07:10,OK,a,ann,c6\n"    /* 10: date */
    "2026-12-02,9:08:00,9:08:10,9:08:00,9:08:10,OK,a,ann,c7\n"    /* 11: order (end) */
    "2026-12-02,9:09:00,9:09:10,,9:09:10,OK,a,ann,c8\n"           /* 12: time (empty) */
    "2026-12-03,9:10:00,,,9:09:00,LOST,a,,c9\n";                  /* 13: order (exit) */

static void
test_skips_counted(void **state)
{
    (void)state;
    struct got g;
    struct acd_calllog_stats st;
    char *out;
    assert_int_equal(read_str(generic_log, generic_cols, false, &g, &st, &out), 0);
    assert_int_equal(st.rows, 12);
    assert_int_equal(st.used, 3);
    assert_int_equal(st.ignored, 1);
    assert_int_equal(st.not_queued, 0);
    assert_int_equal(st.skipped[ACD_CALLLOG_SKIP_FIELDS], 1);
    assert_int_equal(st.first_skip_line[ACD_CALLLOG_SKIP_FIELDS], 6);
    assert_int_equal(st.skipped[ACD_CALLLOG_SKIP_TIME], 2);
    assert_int_equal(st.first_skip_line[ACD_CALLLOG_SKIP_TIME], 7);
    assert_int_equal(st.skipped[ACD_CALLLOG_SKIP_ORDER], 3);
    assert_int_equal(st.first_skip_line[ACD_CALLLOG_SKIP_ORDER], 8);
    assert_int_equal(st.skipped[ACD_CALLLOG_SKIP_OUTCOME], 1);
    assert_int_equal(st.first_skip_line[ACD_CALLLOG_SKIP_OUTCOME], 9);
    assert_int_equal(st.skipped[ACD_CALLLOG_SKIP_DATE], 1);
    assert_int_equal(st.first_skip_line[ACD_CALLLOG_SKIP_DATE], 10);
    assert_string_equal(
        out,
        "LOG:6:27: warning: 3 fields where the header has 9: row skipped (1 row skipped for "
        "'fields', the first here)\n"
        "LOG:7:12: warning: arrival (arr) '9:x4:00' is not a time of day (H:MM:SS or seconds): "
        "row skipped (2 rows skipped for 'time', the first here)\n"
        "LOG:8:20: warning: answer (ans) '9:04:10' is before arrival (arr) '9:05:00': row "
        "skipped (3 rows skipped for 'order', the first here)\n"
        "LOG:9:44: warning: outcome 'MAYBE' is not in the mapping (OK, LOST, BUSY, TEST): add "
        "outcome.MAYBE=KIND: row skipped (1 row skipped for 'outcome', the first here)\n"
        "LOG:10:1: warning: date '2026-13-02' is not a date (YYYY-MM-DD or YYMMDD): row skipped "
        "(1 row skipped for 'date', the first here)\n");
    free(out);
    assert_int_equal(g.n, 3);
    const struct acd_calllog_record *a = &g.v[0].r, *b = &g.v[1].r, *c = &g.v[2].r;
    assert_int_equal(a->outcome, ACD_CALLLOG_ANSWERED);
    assert_true(a->arrival_s == 9 * 3600 && a->answer_s == 9 * 3600 + 30);
    assert_true(a->wait_s == 30 && a->handle_s == 300 && a->end_s == 9 * 3600 + 330);
    assert_int_equal(a->day, 20789); /* 2026-12-02, a Wednesday */
    assert_int_equal(a->weekday, 2);
    assert_string_equal(g.v[0].agent, "ann");
    assert_string_equal(g.v[0].customer, "c1");
    assert_int_equal(b->outcome, ACD_CALLLOG_ABANDONED);
    assert_true(b->wait_s == 60);
    assert_false(g.v[1].has_agent);
    assert_int_equal(c->outcome, ACD_CALLLOG_BLOCKED);
    assert_true(c->wait_s == 0 && isnan(c->handle_s));
    assert_string_equal(g.v[2].type, "b");
    assert_false(g.v[2].has_customer); /* empty */
}

/* Each reason as the strict error: the log cut after the row. */
static void
test_skips_strict(void **state)
{
    (void)state;
    static const struct {
        int last_line;
        const char *error;
    } cases[] = {
        {6, "LOG:6:27: error: 3 fields where the header has 9\n"},
        {7, "LOG:7:12: error: arrival (arr) '9:x4:00' is not a time of day (H:MM:SS or "
            "seconds)\n"},
        {8, "LOG:8:20: error: answer (ans) '9:04:10' is before arrival (arr) '9:05:00'\n"},
        {9, "LOG:9:44: error: outcome 'MAYBE' is not in the mapping (OK, LOST, BUSY, TEST): "
            "add outcome.MAYBE=KIND\n"},
        {10, "LOG:10:1: error: date '2026-13-02' is not a date (YYYY-MM-DD or YYMMDD)\n"},
        {11, "LOG:11:28: error: end (fin) '9:08:00' is before answer (ans) '9:08:10'\n"},
        {12, "LOG:12:28: error: end (fin) is empty\n"},
        {13, "LOG:13:22: error: exit (out) '9:09:00' is before arrival (arr) '9:10:00'\n"},
    };
    for (size_t i = 0; i < ACD_ARRAY_LEN(cases); i++) {
        /* Rows 2..5 and the case's row. */
        const char *p = generic_log;
        for (int l = 1; l < 6; l++)
            p = strchr(p, '\n') + 1;
        const char *row = generic_log;
        for (int l = 1; l < cases[i].last_line; l++)
            row = strchr(row, '\n') + 1;
        size_t head = (size_t)(p - generic_log), rl = (size_t)(strchr(row, '\n') + 1 - row);
        char text[2048];
        memcpy(text, generic_log, head);
        /* Keep the case's line number: blank lines between. */
        size_t k = head;
        for (int l = 6; l < cases[i].last_line; l++)
            text[k++] = '\n';
        memcpy(text + k, row, rl);
        k += rl;
        struct got g;
        struct acd_calllog_stats st;
        char *out;
        assert_int_equal(read_text(text, k, generic_cols, true, &g, &st, &out), -1);
        if (strcmp(out, cases[i].error) != 0)
            fprintf(stderr, "case %zu: %s", i, out);
        assert_string_equal(out, cases[i].error);
        free(out);
        assert_int_equal(g.n, 3);
        /* Counted: the same file reads. */
        assert_int_equal(read_text(text, k, generic_cols, false, &g, &st, &out), 0);
        assert_int_equal(total_skipped(&st), 1);
        free(out);
    }
}

/* ------------------------------------------------------------ CSV details */

static const char small_cols[] = "arrival=arr,answer=ans,end=fin,exit=out,outcome=res,type=q,"
                                 "agent=who,outcome.OK=answered,outcome.LOST=abandoned";

static void
test_bom_crlf(void **state)
{
    (void)state;
    static const char log[] = "\xef\xbb\xbf"
                              "arr,ans,fin,out,res,q,who\r\n"
                              "9:00:00,9:00:30,9:05:30,9:00:30,OK,a,ann\r\n"
                              "\r\n"
                              "9:01:00,,,9:02:00,LOST,b,\r\n";
    struct got g;
    struct acd_calllog_stats st;
    char *out;
    assert_int_equal(read_str(log, small_cols, true, &g, &st, &out), 0);
    assert_string_equal(out, "");
    free(out);
    assert_int_equal(st.rows, 2);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.v[0].agent, "ann"); /* no CR kept */
    assert_string_equal(g.v[1].type, "b");
    assert_int_equal(g.v[1].r.line, 4);
    assert_true(g.v[1].r.wait_s == 60);
    assert_int_equal(g.v[0].r.day, 0);
    assert_int_equal(g.v[0].r.weekday, -1);
}

static void
test_quoted(void **state)
{
    (void)state;
    static const char log[] =
        "arr,ans,fin,out,res,\"q\",who,extra\n"
        "9:00:00,9:00:30,9:05:30,9:00:30,OK,\"sales, east\",\"Smith, \"\"J\"\"\",x,more,fields\n"
        "  9:01:00 , \"9:01:30\" ,9:02:00,9:01:30,OK,\"two\nlines\",\"\",x\n"
        "9:03:00,9:03:30,9:04:00,9:03:30,OK,plain,\"ab\"c,x\n"
        "9:05:00,9:05:30,9:06:00,9:05:30,OK,tail,who\n"; /* too few fields: skipped */
    struct got g;
    struct acd_calllog_stats st;
    char *out;
    assert_int_equal(read_str(log, small_cols, false, &g, &st, &out), 0);
    assert_int_equal(st.rows, 4);
    assert_int_equal(g.n, 3);
    assert_string_equal(g.v[0].type, "sales, east");
    assert_string_equal(g.v[0].agent, "Smith, \"J\"");
    assert_true(g.v[1].r.arrival_s == 9 * 3600 + 60); /* blanks around a field */
    assert_true(g.v[1].r.wait_s == 30);
    assert_string_equal(g.v[1].type, "two\nlines");
    assert_false(g.v[1].has_agent);     /* "" */
    assert_int_equal(g.v[2].r.line, 5); /* after a record of two lines */
    assert_string_equal(g.v[2].agent, "abc");
    assert_int_equal(st.skipped[ACD_CALLLOG_SKIP_FIELDS], 1);
    assert_int_equal(st.first_skip_line[ACD_CALLLOG_SKIP_FIELDS], 6);
    assert_string_equal(out, "LOG:6:44: warning: 7 fields where the header has 8: row skipped "
                             "(1 row skipped for 'fields', the first here)\n");
    free(out);
}

/* Times: past midnight, durations, plain seconds, SERVICE and WAIT. */
static void
test_times(void **state)
{
    (void)state;
    static const char log[] = "arr,ans,fin,out,res,q,who\n"
                              "23:59:00,0:01:00,0:03:30,0:01:00,OK,a,ann\n"
                              "25:00:00,25:00:10.5,25:01:00,25:00:10.5,OK,a,ann\n"
                              "3600.25,3610.5,3700,3610.5,OK,a,ann\n"
                              "9:00,9:01,9:02,9:01,OK,a,ann\n";
    struct got g;
    struct acd_calllog_stats st;
    char *out;
    assert_int_equal(read_str(log, small_cols, true, &g, &st, &out), 0);
    free(out);
    assert_int_equal(g.n, 4);
    assert_true(g.v[0].r.answer_s == 86400 + 60);
    assert_true(g.v[0].r.wait_s == 120);
    assert_true(g.v[0].r.handle_s == 150);
    assert_true(g.v[1].r.arrival_s == 90000);
    assert_true(g.v[1].r.wait_s == 10.5);
    assert_true(g.v[2].r.arrival_s == 3600.25);
    assert_true(g.v[2].r.handle_s == 89.5);
    assert_true(g.v[3].r.wait_s == 60);

    /* SERVICE and WAIT as durations, no answer or end clock. */
    static const char log2[] = "arr,w,svc,res\n"
                               "10:00:00,0:01:05,125.5,OK\n"
                               "10:00:00,40,,LOST\n"
                               "10:00:00,-4,,LOST\n";
    assert_int_equal(read_str(log2,
                              "arrival=arr,wait=w,service=svc,outcome=res,outcome.OK=answered,"
                              "outcome.LOST=abandoned",
                              false, &g, &st, &out),
                     0);
    assert_string_equal(out, "LOG:4:10: warning: wait (w) '-4' is not a duration (seconds or "
                             "H:MM:SS): row skipped (1 row skipped for 'time', the first here)\n");
    free(out);
    assert_int_equal(g.n, 2);
    assert_true(g.v[0].r.answer_s == 36065);
    assert_true(g.v[0].r.wait_s == 65);
    assert_true(g.v[0].r.handle_s == 125.5);
    assert_true(g.v[0].r.end_s == 36065 + 125.5);
    assert_string_equal(g.v[0].type, "calls");
    assert_true(g.v[1].r.wait_s == 40);
}

static void
test_dates(void **state)
{
    (void)state;
    static const char log[] = "date,arr,w,res\n"
                              "990401,10:00:00,5,LOST\n"
                              "1999-04-01,10:00:00,5,LOST\n"
                              "20000229,10:00:00,5,LOST\n"
                              "2001-02-29,10:00:00,5,LOST\n"
                              "99041,10:00:00,5,LOST\n";
    struct got g;
    struct acd_calllog_stats st;
    char *out;
    assert_int_equal(read_str(log,
                              "arrival=arr,wait=w,outcome=res,outcome.LOST=abandoned,date=date",
                              false, &g, &st, &out),
                     0);
    free(out);
    assert_int_equal(g.n, 3);
    assert_int_equal(g.v[0].r.day, 10682); /* 1999-04-01, a Thursday */
    assert_int_equal(g.v[0].r.weekday, 3);
    assert_int_equal(g.v[1].r.day, 10682);
    assert_int_equal(g.v[2].r.day, 11016); /* 2000-02-29, a Tuesday */
    assert_int_equal(g.v[2].r.weekday, 1);
    assert_int_equal(st.skipped[ACD_CALLLOG_SKIP_DATE], 2);
}

/* A mapped column missing from the header; an optional one is not. */
static void
test_missing_column(void **state)
{
    (void)state;
    struct got g;
    struct acd_calllog_stats st;
    char *out;
    assert_int_equal(read_str("arr,ans,fin,out,result,q,who\n9:00:00,9:00:30,9:05:30,9:00:30,"
                              "OK,a,ann\n",
                              small_cols, false, &g, &st, &out),
                     -1);
    assert_string_equal(out, "LOG:1:1: error: no column 'res' (outcome) in the header; the "
                             "header has: arr, ans, fin, out, result, q, who\n");
    free(out);
    assert_int_equal(g.n, 0);
    static const char wide[] = "a1,a2,a3,a4,a5,a6,a7,a8,a9,a10,ans,fin,out,res,q,who\n"
                               "1,2,3,4,5,6,7,8,9,10,9:00:30,9:05:30,9:00:30,OK,a,ann\n";
    assert_int_equal(read_str(wide, small_cols, false, &g, &st, &out), -1);
    assert_string_equal(out, "LOG:1:1: error: no column 'arr' (arrival) in the header; the "
                             "header has: a1, a2, a3, a4, a5, a6, a7, a8, ... (16 columns)\n");
    free(out);
    /* Anonymous Bank without customer_id and date (the sample) reads: the
     * preset's optional columns. The detected and named preset agree. */
    char log[1024];
    snprintf(log, sizeof(log),
             "%s\nAA,1,PS,9:59:00,10:00:00,60,10:00:00,10:01:00,60,HANG,"
             "0:00:00,0:00:00,0,NO_SERVER,NO_\n",
             ab_header);
    assert_int_equal(read_str(log, "anonymous-bank", true, &g, &st, &out), 0);
    free(out);
    assert_int_equal(g.n, 1);
    assert_true(g.v[0].r.wait_s == 60);
}

/* ------------------------------------------------------------ the trace preset */

static void
test_trace(void **state)
{
    (void)state;
    /* What `acdsim run --trace` writes (docs/results-json.md), by hand:
     * issue 1 answered (fresh); issue 2 abandoned, retried and answered
     * after an escalation leg; issue 3 blocked; issue 4 balked; a callback
     * attempt; a transferred leg. */
    static const char rows[] =
        "1,1,billing,1,1,fresh,100.5,130.5,400.25,g1,answered,resolved,1,30\n"
        "2,2,billing,1,1,fresh,200,260,260,,abandoned,,1,60\n"
        "3,2,billing,1,2,retrial,500,520,600,g1,answered,escalated,1,80\n"
        "4,2,billing,2,2,escalation,600,610,700,g2,answered,resolved,1,90\n"
        "5,3,sales,1,1,fresh,300,300,300,,blocked,,1,0\n"
        "6,4,sales,1,1,fresh,310,310,310,,balked,,1,0\n"
        "7,5,\"sales, east\",1,2,callback,900,905,1000,g1,answered,transferred,1,5\n"
        "8,5,support,1,2,transferred,1000,1010,1100,g2,answered,resolved,0,15\n"
        "9,6,\"'-vip\",1,1,fresh,1200,1210,1300,g1,answered,resolved,1,10\n";
    char log[2048];
    snprintf(log, sizeof(log), "%s\n%s", trace_header, rows);
    struct got g;
    struct acd_calllog_stats st;
    char *out;
    assert_int_equal(read_str(log, NULL, true, &g, &st, &out), 0);
    assert_string_equal(out, "");
    free(out);
    assert_int_equal(st.rows, 9);
    assert_int_equal(st.used, 6);
    assert_int_equal(st.ignored, 3); /* escalation, balked, transferred */
    assert_int_equal(g.count[ACD_CALLLOG_ANSWERED], 4);
    assert_int_equal(g.count[ACD_CALLLOG_ABANDONED], 1);
    assert_int_equal(g.count[ACD_CALLLOG_BLOCKED], 1);
    const struct acd_calllog_record *a = &g.v[0].r;
    assert_true(a->arrival_s == 100.5 && a->answer_s == 130.5 && a->end_s == 400.25);
    assert_true(a->wait_s == 30 && a->handle_s == 269.75);
    assert_string_equal(g.v[0].type, "billing");
    assert_string_equal(g.v[0].customer, "1");
    assert_false(g.v[0].has_agent); /* no agent column */
    assert_true(g.v[1].r.wait_s == 60 && isnan(g.v[1].r.answer_s));
    assert_string_equal(g.v[2].customer, "2");
    assert_true(g.v[2].r.wait_s == 20 && g.v[2].r.handle_s == 80);
    assert_true(g.v[3].r.wait_s == 0);
    assert_string_equal(g.v[4].type, "sales, east");
    assert_string_equal(g.v[5].type, "-vip"); /* the writer's formula guard dropped */

    /* With the agent column (last). */
    char with[4096];
    size_t k = (size_t)snprintf(with, sizeof(with), "%s,agent\n", trace_header);
    const char *agents[] = {"g1#3", "", "g1#1", "g2#2", "", "", "g1#2", "g2#1", "g1#1"};
    const char *p = rows;
    for (size_t i = 0; i < 9; i++) {
        const char *e = strchr(p, '\n');
        k += (size_t)snprintf(with + k, sizeof(with) - k, "%.*s,%s\n", (int)(e - p), p, agents[i]);
        p = e + 1;
    }
    assert_int_equal(read_str(with, "acdsim-trace", true, &g, &st, &out), 0);
    free(out);
    assert_int_equal(st.used, 6);
    assert_string_equal(g.v[0].agent, "g1#3");
    assert_false(g.v[1].has_agent);
    assert_string_equal(g.v[2].agent, "g1#1");
    assert_string_equal(g.v[4].agent, "g1#2");
    assert_true(g.v[0].r.handle_s == 269.75);
}

/* ------------------------------------------------------------ never a crash */

static void
check_any(const char *text, size_t len, bool strict)
{
    struct got g;
    struct acd_calllog_stats st;
    char *out;
    int rc = read_text(text, len, generic_cols, strict, &g, &st, &out);
    bool has_error = strstr(out, ": error: ") != NULL;
    assert_int_equal(rc == 0, !has_error);
    if (rc == 0) {
        assert_int_equal(st.rows, st.used + st.ignored + st.not_queued + total_skipped(&st));
        assert_int_equal(st.used, g.n);
        assert_true(g.monotone_ok);
    }
    free(out);
}

/* Every truncation of a log and random byte edits of it, counted and
 * strict: an error or a consistent count, never a crash (ASan too). */
static void
test_fuzz(void **state)
{
    (void)state;
    size_t len = strlen(generic_log);
    for (size_t n = 0; n <= len; n++) {
        check_any(generic_log, n, false);
        check_any(generic_log, n, true);
    }
    static const char bytes[] = ",\"\n\r :0123456789.-'\t\xef\xbb\xbf\xff\xfeOKLOST";
    char text[sizeof(generic_log)];
    uint64_t x = 7;
    for (int i = 0; i < 1500; i++) {
        memcpy(text, generic_log, len);
        int edits = 1 + i % 4;
        for (int e = 0; e < edits; e++) {
            x = acd_fmix64(x + 1);
            size_t at = (size_t)(x % len);
            text[at] = (x >> 40) % 50 == 0 ? '\0' : bytes[(x >> 20) % (sizeof(bytes) - 1)];
        }
        check_any(text, len, (i & 1) != 0);
    }
}

/* ------------------------------------------------------------ bad logs */

/* Every data/bad_logs/NAME.csv, read strict with NAME.columns (else the
 * detected preset), gives the diagnostics in NAME.expected, byte for
 * byte, and fails. CALLLOG_UPDATE=1 writes the .expected files. */
static void
test_bad_logs(void **state)
{
    (void)state;
    DIR *dir = opendir(BAD_LOGS);
    assert_non_null(dir);
    bool update = getenv("CALLLOG_UPDATE") != NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(dir))) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".csv") != 0)
            continue;
        char *path = acd_xasprintf("%s/%s", BAD_LOGS, e->d_name);
        char *stem = acd_xasprintf("%s/%.*s", BAD_LOGS, (int)(len - 4), e->d_name);
        char *cpath = acd_xasprintf("%s.columns", stem);
        char *xpath = acd_xasprintf("%s.expected", stem);
        struct acd_diags d;
        acd_diags_init(&d);
        struct acd_calllog_map m;
        int rc = -1;
        size_t clen = 0;
        char *columns = acd_read_file(cpath, 4096, &clen);
        if (columns && clen && columns[clen - 1] == '\n')
            columns[clen - 1] = '\0';
        if (!columns || acd_calllog_map_parse(columns, &m, &d) == 0) {
            struct acd_calllog_stats st;
            rc = acd_calllog_read(path, columns ? &m : NULL, true, collect, &(struct got){.n = 0},
                                  &st, &d);
            if (columns)
                acd_calllog_map_fini(&m);
        }
        char *got = printed(&d);
        if (update) {
            FILE *f = fopen(xpath, "w");
            assert_non_null(f);
            fputs(got, f);
            fclose(f);
        }
        size_t xlen;
        char *want = acd_read_file(xpath, 1 << 20, &xlen);
        if (!want || strcmp(want, got) != 0)
            fprintf(stderr, "%s:\n got: %s want: %s", path, got, want ? want : "(none)\n");
        assert_non_null(want);
        assert_string_equal(got, want);
        assert_int_equal(rc, -1);
        assert_true(d.n_errors > 0);
        free(want);
        free(got);
        free(columns);
        acd_diags_fini(&d);
        free(path);
        free(stem);
        free(cpath);
        free(xpath);
        n++;
    }
    closedir(dir);
    assert_true(n >= 12);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_detected), cmocka_unit_test(test_columns_good),
        cmocka_unit_test(test_columns_bad),     cmocka_unit_test(test_detect),
        cmocka_unit_test(test_skips_counted),   cmocka_unit_test(test_skips_strict),
        cmocka_unit_test(test_bom_crlf),        cmocka_unit_test(test_quoted),
        cmocka_unit_test(test_times),           cmocka_unit_test(test_dates),
        cmocka_unit_test(test_missing_column),  cmocka_unit_test(test_trace),
        cmocka_unit_test(test_bad_logs),        cmocka_unit_test(test_fuzz),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
