/*
 * Unit tests for tmpfile: temporary names unpredictable and never opened
 * through a planted link, the write errors' errno told as is, the private
 * staging directory, the sweep of dead processes' leftovers, and the
 * discard switch (an MPI rank other than 0: nothing created).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* After the four above, which it needs and does not include. */
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tmpfile.h"
#include "util.h"

/* A fresh directory per test (removed with its files by cleanup). */
static char dir[64];

static int
setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/acd-tmpfile-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int
teardown(void **state)
{
    (void)state;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
            continue;
        char *p = acd_xasprintf("%s/%s", dir, e->d_name);
        if (unlink(p) != 0)
            acd_tmpfile_stage_remove(p);
        free(p);
    }
    if (d)
        closedir(d);
    return rmdir(dir);
}

static char *
in_dir(const char *name)
{
    return acd_xasprintf("%s/%s", dir, name);
}

/* Names in dir other than those given, as one string. */
static size_t
count_entries(void)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static void
test_name_and_commit(void **state)
{
    (void)state;
    char *path = in_dir("out.csv");
    struct acd_tmpfile a, b;
    assert_int_equal(acd_tmpfile_open(&a, path, stderr), 0);
    assert_int_equal(acd_tmpfile_open(&b, path, stderr), 0);
    /* PATH.tmp.PID.RANDOM, two opens two names. */
    char *prefix = acd_xasprintf("%s.tmp.%ld.", path, (long)getpid());
    assert_int_equal(strncmp(a.tmp, prefix, strlen(prefix)), 0);
    assert_int_equal(strlen(a.tmp), strlen(prefix) + 8);
    assert_string_not_equal(a.tmp, b.tmp);
    acd_tmpfile_discard(&b);
    fputs("hello\n", a.f);
    assert_int_equal(acd_tmpfile_close(&a, 0, stderr), 0);
    assert_int_equal(acd_tmpfile_commit(&a, stderr), 0);
    size_t len;
    char *text = acd_read_file(path, 100, &len);
    assert_non_null(text);
    assert_string_equal(text, "hello\n");
    assert_int_equal(count_entries(), 1);
    free(text);
    free(prefix);
    free(path);
}

static void
test_no_follow(void **state)
{
    (void)state;
    char *victim = in_dir("victim");
    char *link = in_dir("link");
    FILE *v = fopen(victim, "w");
    fputs("precious\n", v);
    fclose(v);
    assert_int_equal(symlink(victim, link), 0);
    errno = 0;
    assert_null(acd_tmpfile_create(link));
    assert_int_equal(errno, EEXIST);
    /* An existing regular file is not reused either. */
    assert_null(acd_tmpfile_create(victim));
    size_t len;
    char *text = acd_read_file(victim, 100, &len);
    assert_string_equal(text, "precious\n");
    free(text);
    free(victim);
    free(link);
}

/* The errno of a failed write is told as is (ENOSPC, not "no output"). */
static void
test_errno_told(void **state)
{
    (void)state;
    char *path = in_dir("full.csv");
    char *msg = NULL;
    size_t msg_len = 0;
    FILE *err = open_memstream(&msg, &msg_len);

    struct acd_tmpfile o;
    assert_int_equal(acd_tmpfile_open(&o, path, err), 0);
    assert_int_equal(acd_tmpfile_close(&o, ENOSPC, err), -1);
    fflush(err);
    assert_non_null(strstr(msg, "cannot write"));
    assert_non_null(strstr(msg, strerror(ENOSPC)));
    assert_int_equal(count_entries(), 0);

    /* A real full device under the stream: the flush's errno. */
    FILE *full = fopen("/dev/full", "w");
    if (full) {
        assert_int_equal(acd_tmpfile_open(&o, path, err), 0);
        fclose(o.f);
        o.f = full;
        fputs("data\n", o.f);
        rewind(err);
        assert_int_equal(acd_tmpfile_close(&o, 0, err), -1);
        fflush(err);
        assert_non_null(strstr(msg, strerror(ENOSPC)));
        assert_int_equal(count_entries(), 0);
    }
    fclose(err);
    free(msg);
    free(path);
}

static void
test_stage(void **state)
{
    (void)state;
    char *stage = acd_tmpfile_stage_make(dir);
    assert_non_null(stage);
    char *prefix = acd_xasprintf("%s/.acdsim.tmp.%ld.", dir, (long)getpid());
    assert_int_equal(strncmp(stage, prefix, strlen(prefix)), 0);
    struct stat st;
    assert_int_equal(lstat(stage, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0700);

    char *path = in_dir("results.json");
    struct acd_tmpfile o;
    assert_int_equal(acd_tmpfile_open_in(&o, path, stage, stderr), 0);
    char *want = acd_xasprintf("%s/results.json", stage);
    assert_string_equal(o.tmp, want);
    assert_int_equal(acd_tmpfile_close(&o, 0, stderr), 0);
    assert_int_equal(acd_tmpfile_commit(&o, stderr), 0);
    assert_int_equal(lstat(path, &st), 0);
    acd_tmpfile_stage_remove(stage);
    assert_int_not_equal(lstat(stage, &st), 0);
    assert_int_equal(count_entries(), 1);
    free(want);
    free(path);
    free(prefix);
    free(stage);
}

static bool
csv_stem(const char *name, size_t len)
{
    return len == 7 && strncmp(name, "out.csv", 7) == 0;
}

static void
touch(const char *name)
{
    char *p = in_dir(name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fclose(f);
    free(p);
}

static bool
exists(const char *name)
{
    char *p = in_dir(name);
    struct stat st;
    bool ok = lstat(p, &st) == 0;
    free(p);
    return ok;
}

static void
test_sweep(void **state)
{
    (void)state;
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    waitpid(child, NULL, 0); /* its PID is now dead */
    char dead[64], dead_rand[64], live[64], other[64], bad_rand[64], stage[64], staged[96];
    snprintf(dead, sizeof(dead), "out.csv.tmp.%ld", (long)child);
    snprintf(dead_rand, sizeof(dead_rand), "out.csv.tmp.%ld.Ab3dEf9H", (long)child);
    snprintf(live, sizeof(live), "out.csv.tmp.%ld.Ab3dEf9H", (long)getppid());
    snprintf(other, sizeof(other), "notes.txt.tmp.%ld", (long)child);
    snprintf(bad_rand, sizeof(bad_rand), "out.csv.tmp.%ld.short", (long)child);
    snprintf(stage, sizeof(stage), ".acdsim.tmp.%ld.Ab3dEf9H", (long)child);
    snprintf(staged, sizeof(staged), "%s/results.json", stage);
    touch(dead);
    touch(dead_rand);
    touch(live);
    touch(other);
    touch(bad_rand);
    char *s = in_dir(stage);
    assert_int_equal(mkdir(s, 0700), 0);
    touch(staged);
    free(s);

    acd_tmpfile_sweep(dir, csv_stem);
    assert_false(exists(dead));
    assert_false(exists(dead_rand));
    assert_true(exists(live));
    assert_true(exists(other));
    assert_true(exists(bad_rand));
    assert_true(exists(stage)); /* not a staging sweep */
    acd_tmpfile_sweep(dir, NULL);
    assert_false(exists(stage));
    assert_true(exists(live));
}

/* Discarding: the writer's calls all succeed and no name is created. */
static void
test_discard(void **state)
{
    (void)state;
    char *path = in_dir("out.csv");
    assert_false(acd_tmpfile_discards());
    acd_tmpfile_set_discard(true);
    assert_true(acd_tmpfile_discards());
    struct acd_tmpfile a;
    assert_int_equal(acd_tmpfile_open(&a, path, stderr), 0);
    assert_null(a.tmp);
    fputs("hello\n", a.f);
    assert_int_equal(acd_tmpfile_close(&a, 0, stderr), 0);
    assert_int_equal(acd_tmpfile_commit(&a, stderr), 0);
    acd_tmpfile_discard(&a);
    struct acd_tmpfile b;
    assert_int_equal(acd_tmpfile_open_in(&b, path, dir, stderr), 0);
    fputs("hello\n", b.f);
    assert_int_equal(acd_tmpfile_close(&b, 0, stderr), 0);
    assert_int_equal(acd_tmpfile_commit(&b, stderr), 0);
    FILE *f = acd_tmpfile_create(path);
    assert_non_null(f);
    fclose(f);
    assert_int_equal(count_entries(), 0);
    acd_tmpfile_set_discard(false);
    /* Off again: written as usual. */
    assert_int_equal(acd_tmpfile_open(&a, path, stderr), 0);
    assert_int_equal(acd_tmpfile_close(&a, 0, stderr), 0);
    assert_int_equal(acd_tmpfile_commit(&a, stderr), 0);
    assert_int_equal(count_entries(), 1);
    free(path);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_name_and_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_follow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errno_told, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sweep, setup, teardown),
        cmocka_unit_test_setup_teardown(test_discard, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
