/*
 * tmpfile: the temporary-file service of every file acdsim writes (the
 * report folder, charts, `run --trace`): a file is written under a
 * temporary name and renamed when complete, and a fatal signal (SIGINT,
 * SIGTERM, SIGHUP) removes every temporary file that exists, kills the
 * child processes registered (gnuplot drawing charts) and removes a DIR
 * this process created (if still empty) before the process dies.
 *
 * Temporary names are never predictable nor reused: PATH.tmp.PID.RANDOM
 * next to PATH (RANDOM: 8 letters and digits from getrandom), created
 * with O_CREAT | O_EXCL | O_NOFOLLOW, so a file or symbolic link planted
 * under any name makes the open fail or pick another name - never write
 * through it. A folder's files are staged in a private directory
 * (DIR/.acdsim.tmp.PID.RANDOM, mode 0700, acd_tmpfile_stage_make) that no
 * other user can enter. The PID in the name lets a later run remove what
 * a killed process left (acd_tmpfile_sweep).
 *
 * A process that must write no file at all (an MPI rank other than 0)
 * turns on the discard switch (acd_tmpfile_set_discard): the files are
 * then written to /dev/null and no name is ever created.
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

/* Create PATH's temporary file for writing (PATH.tmp.PID.RANDOM, mode
 * 0644 less the umask, O_EXCL | O_NOFOLLOW). Returns 0, or -1 after
 * writing "acdsim: error: cannot write PATH: ..." to err (nothing is left
 * behind). */
int acd_tmpfile_open(struct acd_tmpfile *o, const char *path, FILE *err);
/* The same, but the temporary file is STAGE/BASENAME(PATH) in a staging
 * directory of acd_tmpfile_stage_make (PATH's own folder, so the rename
 * stays in one file system). */
int acd_tmpfile_open_in(struct acd_tmpfile *o, const char *path, const char *stage, FILE *err);

/* Open NAME for writing with O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC
 * (mode 0644 less the umask) as a stream. NULL with errno on failure. */
FILE *acd_tmpfile_create(const char *name);
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

/* Discard switch: with on, acd_tmpfile_open, acd_tmpfile_open_in and
 * acd_tmpfile_create hand out a stream on /dev/null and create, sweep and
 * track no name; close syncs nothing and commit renames nothing (both
 * return 0). Off by default. Set by the command line (from
 * acd_ranks_writes) before any file is opened; a writer that does more
 * than open files (a report folder: mkdir, gnuplot) asks
 * acd_tmpfile_discards and writes nothing. */
void acd_tmpfile_set_discard(bool on);
bool acd_tmpfile_discards(void);

/* ------------------------------------------------------ staging folder */

/* Make a private staging directory DIR/.acdsim.tmp.PID.RANDOM (mode 0700,
 * created with mkdir: a planted link or file makes it pick another name),
 * tracked for the signal cleanup. Returns the new path (caller frees
 * after acd_tmpfile_stage_remove), or NULL with errno. */
char *acd_tmpfile_stage_make(const char *dir);
/* Remove the staging directory (it must hold no tracked file any more:
 * discard or commit them first; anything else in it is removed too) and
 * forget it. NULL is a no-op. Keeps errno. */
void acd_tmpfile_stage_remove(const char *stage);

/* Remove what killed acdsim processes left in DIR: entries named
 * STEM.tmp.PID.RANDOM or STEM.tmp.PID (the older form) whose PID is no
 * running process, that belong to this user, and for which stem(STEM) is
 * true (NULL: STEM must be ".acdsim", a staging directory, whose files
 * go first). Errors are ignored: a sweep is a courtesy. */
void acd_tmpfile_sweep(const char *dir, bool (*stem)(const char *name, size_t len));

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
 * empty, after the staging directory), NULL to forget it. Returns the
 * previous one. */
const char *acd_tmpfile_track_dir(const char *dir);

#endif
