/*
 * tmpfile: files written under a temporary name and renamed into place when
 * complete, and the signal-time cleanup of what is still temporary (see
 * tmpfile.h).
 *
 * Not here: which files a report folder holds (report/outdir.c).
 */
#include "tmpfile.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The random part of a temporary name: 8 of 62 characters (47 bits). */
#define RANDOM_LEN 8
/* The name of a staging directory before ".tmp.PID.RANDOM". */
#define STAGE_STEM ".acdsim"

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
static _Atomic(const char *) stage_dir;
static atomic_bool installed;

/* acd_tmpfile_set_discard: every file goes to /dev/null. */
static bool discard;

void
acd_tmpfile_set_discard(bool on)
{
    discard = on;
}

bool
acd_tmpfile_discards(void)
{
    return discard;
}

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
    const char *s = atomic_load(&stage_dir);
    if (s)
        rmdir(s); /* its files were all tracked: empty now */
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

static void sweep(const char *dir, bool (*stem)(const char *name, size_t len), const char *exact);

/* RANDOM_LEN letters and digits into out (NUL-terminated): getrandom,
 * or (no entropy source) the clock and a counter mixed. */
static void
random_part(char out[RANDOM_LEN + 1])
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    static atomic_uint_fast64_t counter;
    unsigned char b[RANDOM_LEN];
    if (getrandom(b, sizeof(b), GRND_NONBLOCK) != (ssize_t)sizeof(b)) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^
                     (atomic_fetch_add(&counter, 1) * 0x9E3779B97F4A7C15u) ^ (uint64_t)getpid();
        for (size_t i = 0; i < sizeof(b); i++) {
            x ^= x >> 29;
            x *= 0xBF58476D1CE4E5B9u;
            b[i] = (unsigned char)(x >> 56);
        }
    }
    for (size_t i = 0; i < RANDOM_LEN; i++)
        out[i] = alphabet[b[i] % (sizeof(alphabet) - 1)];
    out[RANDOM_LEN] = '\0';
}

/* PREFIX.tmp.PID.RANDOM, new string. */
static char *
temp_name(const char *prefix)
{
    char r[RANDOM_LEN + 1];
    random_part(r);
    return acd_xasprintf("%s.tmp.%ld.%s", prefix, (long)getpid(), r);
}

/* A write stream on fd; on failure fd is closed and `name` (if not NULL)
 * removed, errno kept. */
static FILE *
stream_of(int fd, const char *name)
{
    FILE *f = fdopen(fd, "w");
    if (!f) {
        int saved = errno;
        close(fd);
        if (name)
            unlink(name);
        errno = saved;
    }
    return f;
}

/* (name is not used while discarding.) */
FILE *
acd_tmpfile_create(const char *name)
{
    if (discard) { /* acd_tmpfile_set_discard: the stream of /dev/null */
        int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        return fd < 0 ? NULL : stream_of(fd, NULL);
    }
    int fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    return fd < 0 ? NULL : stream_of(fd, name);
}

/* Create o->tmp (tracked before it exists: no window without cleanup);
 * with a NULL stage, pick fresh random names while one is taken. */
static int
open_tmp(struct acd_tmpfile *o, const char *stage, FILE *err)
{
    if (discard) { /* no name: o->tmp stays NULL */
        o->f = acd_tmpfile_create(NULL);
        if (!o->f) {
            write_error(err, o->path, errno);
            acd_tmpfile_discard(o);
            return -1;
        }
        return 0;
    }
    for (int tries = 0;; tries++) {
        if (stage) {
            const char *slash = strrchr(o->path, '/');
            o->tmp = acd_xasprintf("%s/%s", stage, slash ? slash + 1 : o->path);
        } else {
            o->tmp = temp_name(o->path);
        }
        acd_tmpfile_track_tmp(NULL, o->tmp);
        o->f = acd_tmpfile_create(o->tmp);
        if (o->f)
            break;
        int e = errno;
        /* Not ours: forget the name without removing what is there. */
        acd_tmpfile_track_tmp(o->tmp, NULL);
        free(o->tmp);
        o->tmp = NULL;
        if (stage || e != EEXIST || tries >= 100) {
            write_error(err, o->path, e);
            acd_tmpfile_discard(o);
            return -1;
        }
    }
    /* Large writes: a long run's trace has millions of rows. */
    setvbuf(o->f, NULL, _IOFBF, 1 << 16);
    return 0;
}

int
acd_tmpfile_open(struct acd_tmpfile *o, const char *path, FILE *err)
{
    *o = (struct acd_tmpfile){.path = acd_xstrdup(path)};
    if (discard)
        return open_tmp(o, NULL, err);
    /* What killed runs left under PATH's temporary names goes first. */
    const char *slash = strrchr(path, '/');
    char *dir =
        slash ? acd_xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : acd_xstrdup(".");
    sweep(dir, NULL, slash ? slash + 1 : path);
    free(dir);
    /* Next to PATH, so the final rename stays inside one file system. */
    return open_tmp(o, NULL, err);
}

int
acd_tmpfile_open_in(struct acd_tmpfile *o, const char *path, const char *stage, FILE *err)
{
    *o = (struct acd_tmpfile){.path = acd_xstrdup(path)};
    return open_tmp(o, stage, err);
}

int
acd_tmpfile_close(struct acd_tmpfile *o, int write_err, FILE *err)
{
    errno = 0;
    bool ok = fflush(o->f) == 0 && !ferror(o->f) && (discard || fsync(fileno(o->f)) == 0);
    int saved = write_err ? write_err : errno;
    ok = fclose(o->f) == 0 && ok && !write_err;
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
    if (discard) {
        free(o->path);
        o->path = NULL;
        return 0;
    }
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

/* ------------------------------------------------------ staging folder */

char *
acd_tmpfile_stage_make(const char *dir)
{
    char *prefix = acd_xasprintf("%s/" STAGE_STEM, dir);
    for (int tries = 0;; tries++) {
        char *stage = temp_name(prefix);
        /* Tracked before it exists, like a file. */
        const char *prev = atomic_exchange(&stage_dir, stage);
        ACD_ASSERT(prev == NULL);
        if (mkdir(stage, 0700) == 0) {
            free(prefix);
            return stage;
        }
        int e = errno;
        atomic_store(&stage_dir, NULL);
        free(stage);
        if (e != EEXIST || tries >= 100) {
            free(prefix);
            errno = e;
            return NULL;
        }
    }
}

/* Remove every entry of the directory fd refers to (files only: a staging
 * directory holds no folder), then close it. */
static void
empty_dir(int fd)
{
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            unlinkat(fd, e->d_name, 0);
    closedir(d);
}

void
acd_tmpfile_stage_remove(const char *stage)
{
    if (!stage)
        return;
    int saved = errno;
    int fd = open(stage, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0)
        empty_dir(fd);
    rmdir(stage);
    if (atomic_load(&stage_dir) == stage)
        atomic_store(&stage_dir, NULL);
    errno = saved;
}

/* NAME is STEM.tmp.PID or STEM.tmp.PID.RANDOM: *stem_len and *pid set. */
static bool
parse_temp_name(const char *name, size_t *stem_len, long *pid)
{
    const char *t = NULL;
    for (const char *p = strstr(name, ".tmp."); p; p = strstr(p + 1, ".tmp."))
        t = p; /* the last ".tmp.": a stem may hold one */
    if (!t || t == name)
        return false;
    const char *p = t + 5;
    if (*p < '1' || *p > '9')
        return false;
    char *end;
    errno = 0;
    long v = strtol(p, &end, 10);
    if (errno || v <= 0 || (end - p) > 10)
        return false;
    if (*end == '.') {
        size_t n = 0;
        for (end++; (*end >= 'A' && *end <= 'Z') || (*end >= 'a' && *end <= 'z') ||
                    (*end >= '0' && *end <= '9');
             end++)
            n++;
        if (n != RANDOM_LEN)
            return false;
    }
    if (*end)
        return false;
    *stem_len = (size_t)(t - name);
    *pid = v;
    return true;
}

static bool
pid_dead(long pid)
{
    return (pid_t)pid != getpid() && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* acd_tmpfile_sweep; with exact set, the stem must be exact instead. */
static void
sweep(const char *dir, bool (*stem)(const char *name, size_t len), const char *exact)
{
    int saved = errno;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!d) {
        if (dfd >= 0)
            close(dfd);
        errno = saved;
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len;
        long pid;
        if (!parse_temp_name(e->d_name, &len, &pid))
            continue;
        bool staged = len == strlen(STAGE_STEM) && strncmp(e->d_name, STAGE_STEM, len) == 0;
        if (exact  ? len != strlen(exact) || strncmp(e->d_name, exact, len) != 0
            : stem ? staged || !stem(e->d_name, len)
                   : !staged)
            continue;
        struct stat st;
        if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || st.st_uid != geteuid() ||
            !pid_dead(pid))
            continue;
        if (staged && S_ISDIR(st.st_mode)) {
            int fd = openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd >= 0)
                empty_dir(fd);
            unlinkat(dfd, e->d_name, AT_REMOVEDIR);
        } else if (S_ISREG(st.st_mode)) {
            unlinkat(dfd, e->d_name, 0);
        }
    }
    closedir(d);
    errno = saved;
}

void
acd_tmpfile_sweep(const char *dir, bool (*stem)(const char *name, size_t len))
{
    sweep(dir, stem, NULL);
}
