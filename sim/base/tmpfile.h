/*
 * tmpfile: the temporary-file service of every file acdsim writes (the
 * report folder, charts, `run --trace`): a file is written to PATH.tmp.PID
 * next to PATH and renamed when complete, and a fatal signal (SIGINT,
 * SIGTERM, SIGHUP) removes every temporary file that exists, kills the
 * child processes registered (gnuplot drawing charts) and removes a DIR
 * this process created (if still empty) before the process dies.
 */
#ifndef ACDSIM_TMPFILE_H
#define ACDSIM_TMPFILE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

struct acd_tmpfile {
    char *path; /* final name (owned) */
    char *tmp;  /* the temporary name while it exists (owned), else NULL */
    FILE *f;    /* open while being written */
};

/* Create PATH's temporary file for writing. Returns 0, or -1 after
 * writing "acdsim: error: cannot write PATH: ..." to err (nothing is left
 * behind). */
int acd_tmpfile_open(struct acd_tmpfile *o, const char *path, FILE *err);
/* Flush, sync and close; the file keeps its temporary name. write_err is
 * the errno of an earlier write failure the caller saw (it beats whatever
 * the flush says), else 0. Returns 0, or -1 after reporting and
 * discarding the file. */
int acd_tmpfile_close(struct acd_tmpfile *o, int write_err, FILE *err);
/* Rename a closed file into place. Returns 0, or -1 after reporting and
 * discarding it. */
int acd_tmpfile_commit(struct acd_tmpfile *o, FILE *err);
/* Close (if open), remove the temporary file and free. Keeps errno. A
 * zeroed struct is a no-op. */
void acd_tmpfile_discard(struct acd_tmpfile *o);

/* -------------------------------------------------- signal-time cleanup */

/* Install the handler for SIGINT, SIGTERM and SIGHUP (a signal the caller
 * ignores stays ignored). Idempotent. */
void acd_tmpfile_cleanup_install(void);
/* Track a temporary path: old NULL adds tmp, tmp NULL forgets old (the
 * string must stay valid while tracked; free it only after forgetting).
 * Only the main thread calls these, never while worker threads run. */
void acd_tmpfile_track_tmp(const char *old, const char *tmp);
/* Track a child process to kill (and reap) at a fatal signal; on false
 * forgets it. */
void acd_tmpfile_track_child(pid_t pid, bool on);
/* The directory this process created (removed at a fatal signal if
 * empty), NULL to forget it. Returns the previous one. */
const char *acd_tmpfile_track_dir(const char *dir);

#endif
