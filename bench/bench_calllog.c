/*
 * bench_calllog: the call-log reader's speed and memory on one core.
 *
 *   bench_calllog [ROWS]             default 1000000
 *   bench_calllog ROWS OUT.csv       only write the log, for `acdsim calibrate`
 *                                    (bench/README.md: 1 million rows)
 *
 * Writes ROWS rows of an Anonymous-Bank-like log (the sample's 15
 * columns and the original data set's customer_id and date: 3,000 calls a
 * day, H:MM:SS clocks, answered, abandoned, never-queued and phantom
 * calls) to a temporary file, reads it back with the detected preset and
 * prints rows per second of the read and peak RSS. The file is removed.
 */
#include "bench.h"
#include "calllog.h"
#include "util.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void
clock_text(char *out, size_t cap, unsigned t)
{
    snprintf(out, cap, "%u:%02u:%02u", t / 3600, t / 60 % 60, t % 60);
}

static int
count(void *ud, const struct acd_calllog_record *r)
{
    double *sum = ud;
    sum[0] += r->wait_s;
    sum[1] += 1;
    return 0;
}

int
main(int argc, char **argv)
{
    unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000ul;
    char path[] = "/tmp/bench_calllog.XXXXXX";
    int fd = argc > 2 ? open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644) : mkstemp(path);
    if (fd < 0) {
        perror("mkstemp");
        return 1;
    }
    FILE *f = fdopen(fd, "w");
    fputs("vru+line,call_id,type,vru_entry,vru_exit,vru_time,q_start,q_exit,q_time,outcome,"
          "ser_start,ser_exit,ser_time,server,server_abv,customer_id,date\n",
          f);
    static const char *const types[] = {"PS", "PS", "PS", "NW", "NE", "IN"};
    static const char *const servers[] = {"VICKY", "BENSION", "STEREN", "MORIAH", "ANAT"};
    uint64_t x = 42;
    for (unsigned long i = 0; i < n; i++) {
        x = acd_fmix64(x + i);
        unsigned entry = 7 * 3600 + (unsigned)(x % (16 * 3600));
        unsigned vru = 5 + (unsigned)(x >> 20) % 20, q = entry + vru;
        unsigned wait = (unsigned)(x >> 30) % 300, talk = 10 + (unsigned)(x >> 40) % 600;
        unsigned kind =
            (unsigned)(x >> 50) % 100; /* 60 answered, 25 abandoned, 13 VRU, 2 phantom */
        char ve[16], vx[16], qs[16], qx[16], ss[16], sx[16];
        clock_text(ve, sizeof(ve), entry);
        clock_text(vx, sizeof(vx), q);
        const char *outcome = "AGENT", *server = servers[(x >> 8) % 5];
        unsigned ser_start = q + wait, ser_exit = q + wait + talk, ser_time = talk;
        if (kind >= 60 && kind < 85) {
            outcome = "HANG";
            server = "NO_SERVER";
            ser_start = ser_exit = ser_time = 0;
        }
        if (kind >= 98)
            outcome = "PHANTOM";
        unsigned qstart = q, qexit = q + wait;
        if (kind >= 85 && kind < 98) {
            outcome = "HANG";
            server = "NO_SERVER";
            qstart = qexit = wait = 0;
            ser_start = ser_exit = ser_time = 0;
        }
        clock_text(qs, sizeof(qs), qstart);
        clock_text(qx, sizeof(qx), qexit);
        clock_text(ss, sizeof(ss), ser_start);
        clock_text(sx, sizeof(sx), ser_exit);
        /* 3,000 calls a day from 1999-01-01 (YYMMDD, as the original data
         * set), customers among 200,000 */
        unsigned long day = i / 3000;
        unsigned month = 1 + (unsigned)(day / 28) % 12, dom = 1 + (unsigned)(day % 28);
        unsigned year = 99 + (unsigned)(day / (28 * 12));
        fprintf(f, "AA%04lu,%lu,%s,%s,%s,%u,%s,%s,%u,%s,%s,%s,%u,%s,%.3s,%lu,%02u%02u%02u\n",
                i % 300, i, types[x % 6], ve, vx, vru, qs, qx, wait, outcome, ss, sx, ser_time,
                server, server, (unsigned long)((x >> 13) % 200000), year % 100, month, dom);
    }
    if (fclose(f) != 0) {
        perror("write");
        if (argc <= 2)
            unlink(path);
        return 1;
    }
    if (argc > 2)
        return 0; /* the log only */
    struct acd_diags d;
    acd_diags_init(&d);
    struct acd_calllog_stats st;
    double sum[2] = {0, 0};
    double t0 = bench_wall_now();
    int rc = acd_calllog_read(path, NULL, false, count, sum, &st, &d);
    double wall = bench_wall_now() - t0;
    unlink(path);
    acd_diags_print(&d, stderr);
    acd_diags_fini(&d);
    if (rc != 0)
        return 2;
    printf("rows         %lu\n", st.rows);
    printf("used         %lu\n", st.used);
    printf("wall_s       %.3f\n", wall);
    printf("rows_per_s   %.0f\n", (double)st.rows / wall);
    printf("mean_wait_s  %.2f\n", sum[0] / sum[1]);
    printf("peak_rss_kb  %ld\n", bench_peak_rss_kb());
    return 0;
}
