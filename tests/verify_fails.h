/* A test helper shared by the unit tests of the engine's invariant checker
 * (test_sim, test_route): expect_verify_fails. Include after cmocka.h and
 * acdsim/sim.h. */
#ifndef ACD_TESTS_VERIFY_FAILS_H
#define ACD_TESTS_VERIFY_FAILS_H

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run `corrupt` on a state in mid-run in a child process: acd_sim_verify
 * must abort there with a message naming `what`. */
static void
expect_verify_fails(struct acd_sim *s, void (*corrupt)(struct acd_sim *s), const char *what)
{
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fd[0]);
        dup2(fd[1], STDERR_FILENO);
        corrupt(s);
        acd_sim_verify(s);
        _exit(0); /* not detected */
    }
    close(fd[1]);
    char buf[4096];
    size_t len = 0;
    ssize_t r;
    while ((r = read(fd[0], buf + len, sizeof(buf) - 1 - len)) > 0)
        len += (size_t)r;
    buf[len] = '\0';
    close(fd[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFSIGNALED(status) || strstr(buf, what) == NULL)
        fprintf(stderr, "expected a failed check naming '%s', got status %d and: %s\n", what,
                status, buf);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
    assert_non_null(strstr(buf, "sim_verify.c:"));
    assert_non_null(strstr(buf, what));
}

#endif
