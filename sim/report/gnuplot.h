/*
 * gnuplot: a pool of gnuplot processes run side by side, each fed its
 * script on stdin, with what it printed on stderr and how it ended
 * collected. The processes are tracked with tmpfile.h, so a fatal signal
 * kills them.
 *
 * Not here: what the scripts draw, which files they write and what their
 * messages mean (plot.c composes the scripts, checks the outputs and
 * words the errors).
 */
#ifndef ACDSIM_GNUPLOT_H
#define ACDSIM_GNUPLOT_H

#include <stdbool.h>
#include <stddef.h>

/* stderr kept per process: far more than any error message. */
#define ACD_GNUPLOT_MAX_MESSAGE 4096

/* One gnuplot process. The caller sets script and len; acd_gnuplot_run
 * sets the rest. */
struct acd_gnuplot_proc {
    const char *script; /* what goes to stdin (borrowed) */
    size_t len;         /* bytes of script */
    /* Results. */
    int start_errno;                   /* why it could not be started, else 0 */
    bool ran;                          /* started and reaped: status is valid */
    int status;                        /* as waitpid returns it */
    size_t written;                    /* bytes of script it read (len unless it stopped) */
    char msg[ACD_GNUPLOT_MAX_MESSAGE]; /* its stderr, truncated, NUL-terminated */
};

/* gnuplot's full path from PATH (as execvp would find it): new string,
 * caller frees; NULL if there is none. */
char *acd_gnuplot_find(void);

/* Run one gnuplot (the program at path gnuplot, `-d`: no ~/.gnuplot) per
 * element of p[0..n), side by side, and wait for all of them. Each reads
 * its script as a file (/dev/stdin), so its first error ends it and is
 * told with a line number; its stdout goes to /dev/null. SIGPIPE is
 * ignored while the scripts are written and SIGCHLD has its default
 * disposition until every process is reaped; both are restored. Returns
 * 0, or -1 if p[i] could not be started: p[i].start_errno says why, the
 * processes before it were killed (and reaped: ran), those after it were
 * not started. Borrows p's scripts. */
int acd_gnuplot_run(const char *gnuplot, struct acd_gnuplot_proc *p, size_t n);

#endif
