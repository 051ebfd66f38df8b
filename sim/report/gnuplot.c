/*
 * gnuplot: the gnuplot process pool (see gnuplot.h): find the program,
 * spawn one process per script, feed the scripts and collect stderr
 * through poll, reap.
 *
 * Not here: charts, their data and their files (plot.c).
 */
#include "gnuplot.h"
#include "tmpfile.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* A running process: the caller's slot and our ends of its pipes. */
struct proc {
    struct acd_gnuplot_proc *p;
    pid_t pid;
    int in_fd, err_fd;
    size_t msg_len;
};

char *
acd_gnuplot_find(void)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        return NULL;
    for (const char *p = path;; p++) {
        const char *end = strchr(p, ':');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        /* An empty entry means the working directory. */
        char *cand = n ? acd_xasprintf("%.*s/gnuplot", (int)n, p) : acd_xstrdup("./gnuplot");
        struct stat st;
        if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
            return cand;
        free(cand);
        if (!end)
            return NULL;
        p = end;
    }
}

static void
close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* In the child, between fork and exec (async-signal-safe calls only):
 * die with the parent (PR_SET_PDEATHSIG: a SIGKILLed acdsim leaves no
 * gnuplot writing into DIR; if the parent is already gone, go now), the
 * pipes on 0 and 2 and /dev/null on 1, default dispositions for the
 * signals acdsim catches or ignores (a caught one would run acdsim's
 * cleanup in the child), no signal blocked; on a failed exec, its errno
 * to the parent through report_fd (close-on-exec: end of file means the
 * exec worked). */
static void
child(const char *gnuplot, pid_t parent, int in_fd, int err_fd, int report_fd)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127);
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD};
    struct sigaction dfl = {.sa_handler = SIG_DFL};
    sigemptyset(&dfl.sa_mask);
    for (size_t i = 0; i < ACD_ARRAY_LEN(sigs); i++) {
        struct sigaction old;
        /* A signal the user ignores (nohup) stays ignored, as for acdsim. */
        if (sigaction(sigs[i], NULL, &old) == 0 &&
            (old.sa_handler != SIG_IGN || sigs[i] == SIGPIPE || sigs[i] == SIGCHLD))
            sigaction(sigs[i], &dfl, NULL);
    }
    int e = 0;
    int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null_fd < 0 || dup2(in_fd, 0) < 0 || dup2(null_fd, 1) < 0 || dup2(err_fd, 2) < 0) {
        e = errno;
    } else {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        char *argv[] = {"gnuplot", "-d", "/dev/stdin", NULL};
        execve(gnuplot, argv, environ);
        e = errno;
    }
    ssize_t w = write(report_fd, &e, sizeof(e));
    (void)w;
    _exit(127);
}

/* Start gnuplot on one script: the script through a pipe on stdin (`-d`:
 * no ~/.gnuplot, whose settings would change the charts; /dev/stdin as a
 * script file rather than `-`, so the first error ends the run and is
 * reported with its line number), stderr through another pipe, stdout to
 * /dev/null. fork rather than posix_spawn: the child must set
 * PR_SET_PDEATHSIG. Signals are blocked around the fork, so no handler
 * runs in the child before it resets them. Returns 0, or an errno
 * value. */
static int
start(struct proc *j, const char *gnuplot)
{
    int in[2] = {-1, -1}, err[2] = {-1, -1}, rep[2] = {-1, -1};
    int e = 0;
    if (pipe(in) != 0 || pipe(err) != 0 || pipe(rep) != 0) {
        e = errno;
        goto done;
    }
    /* Close-on-exec: our ends must not leak into the other scripts'
     * gnuplots (a child holding another's stdin open would never see end
     * of file); dup2 clears the flag on the child's 0 and 2. */
    for (int k = 0; k < 2; k++) {
        fcntl(in[k], F_SETFD, FD_CLOEXEC);
        fcntl(err[k], F_SETFD, FD_CLOEXEC);
        fcntl(rep[k], F_SETFD, FD_CLOEXEC);
    }
    fcntl(in[1], F_SETFL, O_NONBLOCK);
    fcntl(err[0], F_SETFL, O_NONBLOCK);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0)
        child(gnuplot, parent, in[0], err[1], rep[1]);
    e = pid < 0 ? errno : 0;
    if (pid > 0)
        acd_tmpfile_track_child(pid, true); /* before a signal can come */
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (pid < 0)
        goto done;
    close_fd(&rep[1]);
    int child_errno = 0;
    ssize_t got;
    while ((got = read(rep[0], &child_errno, sizeof(child_errno))) < 0 && errno == EINTR)
        ;
    if (got == (ssize_t)sizeof(child_errno)) {
        /* The exec failed: the child is gone, reap it. */
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        acd_tmpfile_track_child(pid, false);
        e = child_errno ? child_errno : EIO;
        goto done;
    }
    j->pid = pid;
    j->in_fd = in[1];
    j->err_fd = err[0];
    in[1] = err[0] = -1;
done:
    for (int k = 0; k < 2; k++) {
        close_fd(&in[k]);
        close_fd(&err[k]);
        close_fd(&rep[k]);
    }
    return e;
}

/* Feed every script and collect every stderr until all pipes are closed.
 * Write and read only when poll says so: a gnuplot that fills its stderr
 * pipe before reading all of its script must not stall us, nor we it. */
static void
pump(struct proc *jobs, size_t n)
{
    struct pollfd *pfd = acd_xcalloc(2 * n + 1, sizeof(*pfd));
    struct proc **owner = acd_xcalloc(2 * n + 1, sizeof(*owner));
    for (;;) {
        size_t np = 0;
        for (size_t i = 0; i < n; i++) {
            if (jobs[i].in_fd >= 0) {
                pfd[np] = (struct pollfd){.fd = jobs[i].in_fd, .events = POLLOUT};
                owner[np++] = &jobs[i];
            }
            if (jobs[i].err_fd >= 0) {
                pfd[np] = (struct pollfd){.fd = jobs[i].err_fd, .events = POLLIN};
                owner[np++] = &jobs[i];
            }
        }
        if (np == 0)
            break;
        if (poll(pfd, np, -1) < 0) {
            ACD_ASSERT(errno == EINTR);
            continue;
        }
        for (size_t p = 0; p < np; p++) {
            struct proc *j = owner[p];
            struct acd_gnuplot_proc *g = j->p;
            if (!pfd[p].revents)
                continue;
            if (pfd[p].fd == j->in_fd) {
                ssize_t w = write(j->in_fd, g->script + g->written, g->len - g->written);
                if (w > 0)
                    g->written += (size_t)w;
                /* EPIPE: gnuplot stopped reading (an error); its stderr
                 * says why. */
                if ((w < 0 && errno != EAGAIN && errno != EINTR) || g->written == g->len)
                    close_fd(&j->in_fd);
            } else {
                char buf[1024];
                ssize_t got = read(j->err_fd, buf, sizeof(buf));
                if (got > 0) {
                    size_t keep = ACD_GNUPLOT_MAX_MESSAGE - 1 - j->msg_len;
                    if ((size_t)got < keep)
                        keep = (size_t)got;
                    memcpy(g->msg + j->msg_len, buf, keep);
                    j->msg_len += keep;
                } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
                    close_fd(&j->err_fd);
                }
            }
        }
    }
    free(pfd);
    free(owner);
}

int
acd_gnuplot_run(const char *gnuplot, struct acd_gnuplot_proc *p, size_t n)
{
    struct proc *jobs = acd_xcalloc(n + 1, sizeof(*jobs));
    for (size_t i = 0; i < n; i++) {
        p[i].start_errno = 0;
        p[i].ran = false;
        p[i].status = 0;
        p[i].written = 0;
        p[i].msg[0] = '\0';
        jobs[i] = (struct proc){.p = &p[i], .in_fd = -1, .err_fd = -1};
    }

    /* A gnuplot that stops reading (an error) must not kill us with
     * SIGPIPE: ignore it while the scripts are written. And SIGCHLD must
     * not be ignored (an inherited disposition), or the children would be
     * reaped behind our back and waitpid could not tell how they ended. */
    struct sigaction ign = {.sa_handler = SIG_IGN}, dfl = {.sa_handler = SIG_DFL};
    struct sigaction old_pipe, old_chld;
    sigemptyset(&ign.sa_mask);
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGPIPE, &ign, &old_pipe);
    sigaction(SIGCHLD, &dfl, &old_chld);
    int rc = 0;
    size_t started = 0;
    for (; rc == 0 && started < n; started++) {
        if ((p[started].start_errno = start(&jobs[started], gnuplot)) != 0)
            rc = -1;
    }
    if (rc != 0) {
        /* Stop what runs already: its output is not wanted. */
        for (size_t i = 0; i < started; i++) {
            if (jobs[i].pid > 0)
                kill(jobs[i].pid, SIGKILL);
            close_fd(&jobs[i].in_fd);
        }
    }
    pump(jobs, started);
    sigaction(SIGPIPE, &old_pipe, NULL);

    for (size_t i = 0; i < started; i++) {
        struct proc *j = &jobs[i];
        j->p->msg[j->msg_len] = '\0';
        if (j->pid > 0) {
            while (waitpid(j->pid, &j->p->status, 0) < 0)
                ACD_ASSERT(errno == EINTR);
            acd_tmpfile_track_child(j->pid, false);
            j->p->ran = true;
        }
    }
    sigaction(SIGCHLD, &old_chld, NULL);
    free(jobs);
    return rc;
}
