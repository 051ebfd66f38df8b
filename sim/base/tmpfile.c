/*
 * tmpfile: files written under a temporary name and renamed into place when
 * complete, and the signal-time cleanup of what is still temporary (see
 * tmpfile.h).
 *
 * Not here: which files a report folder holds (report/outdir.c).
 */
#include "tmpfile.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Files that exist at once under temporary names: the folder's files, two
 * per chart plus its data file, and a trace. */
#define MAX_PENDING  64
#define MAX_CHILDREN 16

/* ------------------------------------------------------ signal cleanup */

/* Temporary files that exist right now, gnuplot processes still running
 * and the DIR this process made, for the signal handler: an interrupted
 * run (Ctrl-C, kill) removes them before dying. Only the main thread
 * changes these, and never while worker threads run (acd_run joins them),
 * so a handler on any thread sees either a valid entry or an empty one;
 * lock-free atomics make the stores safe against the handler. The strings
 * are freed only after being cleared. */
static _Atomic(const char *) pending[MAX_PENDING];
static _Atomic(pid_t) children[MAX_CHILDREN];
static _Atomic(const char *) created_dir;
static atomic_bool installed;

void
acd_tmpfile_track_tmp(const char *old, const char *tmp)
{
    for (size_t i = 0; i < MAX_PENDING; i++) {
        if (atomic_load(&pending[i]) == old) {
            atomic_store(&pending[i], tmp);
            return;
        }
    }
    ACD_ASSERT(!"more temporary files than MAX_PENDING");
}

void
acd_tmpfile_track_child(pid_t pid, bool on)
{
    pid_t from = on ? 0 : pid, to = on ? pid : 0;
    for (size_t i = 0; i < MAX_CHILDREN; i++) {
        if (atomic_load(&children[i]) == from) {
            atomic_store(&children[i], to);
            return;
        }
    }
    ACD_ASSERT(!"more child processes than MAX_CHILDREN");
}

const char *
acd_tmpfile_track_dir(const char *dir)
{
    return atomic_exchange(&created_dir, dir);
}

/* Async-signal-safe: kill, waitpid, unlink, rmdir and raise only. The
 * children go first, so none can create a file after the unlinks.
 * SA_RESETHAND restored the default action, so the re-raised signal
 * (blocked until we return) ends the process with the usual status. */
static void
on_fatal_signal(int sig)
{
    int saved = errno;
    for (size_t i = 0; i < MAX_CHILDREN; i++) {
        pid_t pid = atomic_load(&children[i]);
        if (pid > 0) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
        }
    }
    for (size_t i = 0; i < MAX_PENDING; i++) {
        const char *p = atomic_load(&pending[i]);
        if (p)
            unlink(p);
    }
    const char *d = atomic_load(&created_dir);
    if (d)
        rmdir(d); /* only if empty: a committed file stays */
    errno = saved;
    raise(sig);
}

void
acd_tmpfile_cleanup_install(void)
{
    if (atomic_exchange(&installed, true))
        return;
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa = {.sa_handler = on_fatal_signal, .sa_flags = SA_RESETHAND};
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < ACD_ARRAY_LEN(sigs); i++) {
        struct sigaction old;
        /* Keep a signal the caller ignores ignored (nohup, background jobs). */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(sigs[i], &sa, NULL);
    }
}

/* ------------------------------------------------------ temporary files */

static void
write_error(FILE *err, const char *path, int e)
{
    fprintf(err, "acdsim: error: cannot write %s: %s\n", path, strerror(e ? e : EIO));
}

void
acd_tmpfile_discard(struct acd_tmpfile *o)
{
    int saved = errno;
    if (o->f)
        fclose(o->f);
    o->f = NULL;
    if (o->tmp) {
        unlink(o->tmp);
        acd_tmpfile_track_tmp(o->tmp, NULL);
        free(o->tmp);
        o->tmp = NULL;
    }
    free(o->path);
    o->path = NULL;
    errno = saved;
}

int
acd_tmpfile_open(struct acd_tmpfile *o, const char *path, FILE *err)
{
    *o = (struct acd_tmpfile){.path = acd_xstrdup(path)};
    /* Same naming as acd_write_file_atomic: next to PATH, so the final
     * rename stays inside one file system. */
    o->tmp = acd_xasprintf("%s.tmp.%ld", path, (long)getpid());
    acd_tmpfile_track_tmp(NULL, o->tmp); /* before it exists: no window without cleanup */
    int fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0 && !(o->f = fdopen(fd, "w"))) {
        int saved = errno;
        close(fd);
        errno = saved;
    }
    if (!o->f) {
        write_error(err, path, errno);
        acd_tmpfile_discard(o);
        return -1;
    }
    /* Large writes: a long run's trace has millions of rows. */
    setvbuf(o->f, NULL, _IOFBF, 1 << 16);
    return 0;
}

int
acd_tmpfile_close(struct acd_tmpfile *o, int write_err, FILE *err)
{
    errno = 0;
    bool ok = fflush(o->f) == 0 && !ferror(o->f) && fsync(fileno(o->f)) == 0;
    int saved = write_err ? write_err : errno;
    ok = fclose(o->f) == 0 && ok;
    o->f = NULL;
    if (ok)
        return 0;
    write_error(err, o->path, saved ? saved : errno);
    acd_tmpfile_discard(o);
    return -1;
}

int
acd_tmpfile_commit(struct acd_tmpfile *o, FILE *err)
{
    if (rename(o->tmp, o->path) != 0) {
        write_error(err, o->path, errno);
        acd_tmpfile_discard(o);
        return -1;
    }
    acd_tmpfile_track_tmp(o->tmp, NULL);
    free(o->tmp);
    o->tmp = NULL;
    free(o->path);
    o->path = NULL;
    return 0;
}
