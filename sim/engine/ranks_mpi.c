/*
 * ranks (see include/acdsim/ranks.h) on Open MPI: compiled instead of
 * ranks.c when built with -Dmpi=enabled (sim/engine/meson.build).
 *
 * Started without a launcher (mpirun, srun: none of the process manager's
 * variables below is set), MPI is not started at all: one rank, exactly
 * the one-process build, without Open MPI's singleton start-up (it forks a
 * daemon: most of a second per command). So does a program that never
 * calls acd_ranks_init (the engine's unit tests). Every call is made from
 * the main thread (MPI_THREAD_FUNNELED: worker threads never call MPI).
 *
 * Not here: what is exchanged (run.c) and which files a rank may write
 * (the cli sets base's discard switch from acd_ranks_writes).
 */
#include "acdsim/ranks.h"
#include "util.h"

#include <fcntl.h>
#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The largest block one MPI_Allgather moves per rank: its counts are int. */
#define MAX_CHUNK ((size_t)INT_MAX)

static unsigned my_rank;
static unsigned n_ranks = 1;
static bool started;

/* Ranks other than 0 print nothing: their stdout and stderr go to
 * /dev/null (they compute what rank 0 prints). */
static void
silence(void)
{
    fflush(stdout);
    fflush(stderr);
    int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    bool ok = fd >= 0 && dup2(fd, STDOUT_FILENO) == STDOUT_FILENO &&
              dup2(fd, STDERR_FILENO) == STDERR_FILENO;
    ACD_ASSERT(ok);
    close(fd);
}

/* The environment a launcher gives its processes: Open MPI's mpirun
 * (OMPI_*), PMIx (Open MPI 4, Slurm's srun --mpi=pmix), PMI-1/2 (srun
 * --mpi=pmi2). */
static bool
launched(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"};
    for (size_t i = 0; i < ACD_ARRAY_LEN(vars); i++)
        if (getenv(vars[i]))
            return true;
    return false;
}

void
acd_ranks_init(int *argc, char ***argv)
{
    ACD_ASSERT(!started);
    if (!launched())
        return; /* one rank, no MPI */
    int provided = MPI_THREAD_SINGLE;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        fputs("acdsim: error: MPI_Init_thread failed\n", stderr);
        abort();
    }
    started = true;
    if (provided < MPI_THREAD_FUNNELED) {
        fputs("acdsim: error: the MPI library does not support threads "
              "(MPI_THREAD_FUNNELED)\n",
              stderr);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    ACD_ASSERT(rank >= 0 && size >= 1 && rank < size);
    my_rank = (unsigned)rank;
    n_ranks = (unsigned)size;
    if (my_rank != 0)
        silence();
}

void
acd_ranks_fini(void)
{
    if (!started)
        return;
    started = false;
    /* What rank 0 still holds in stdio goes out before the runtime ends. */
    fflush(stdout);
    fflush(stderr);
    MPI_Finalize();
}

unsigned
acd_ranks_rank(void)
{
    return my_rank;
}

unsigned
acd_ranks_size(void)
{
    return n_ranks;
}

bool
acd_ranks_writes(void)
{
    return my_rank == 0;
}

bool
acd_ranks_mpi(void)
{
    return true;
}

/* One collective per chunk of at most MAX_CHUNK doubles of each rank's
 * block: the gathered chunk (rank order) is scattered into the blocks of
 * all. Every rank computes the same chunks from the same len. */
static void
allgather_chunked(const double *mine, double *all, size_t len)
{
    size_t chunk = len < MAX_CHUNK ? len : MAX_CHUNK;
    double *buf = acd_xmalloc(chunk * n_ranks * sizeof(double));
    for (size_t off = 0; off < len; off += chunk) {
        size_t n = len - off < chunk ? len - off : chunk;
        int rc =
            MPI_Allgather(mine + off, (int)n, MPI_DOUBLE, buf, (int)n, MPI_DOUBLE, MPI_COMM_WORLD);
        ACD_ASSERT(rc == MPI_SUCCESS);
        for (size_t r = 0; r < n_ranks; r++)
            memcpy(all + r * len + off, buf + r * n, n * sizeof(double));
    }
    free(buf);
}

void
acd_ranks_allgather(const double *mine, double *all, size_t len)
{
    /* One rank (also a program that never called acd_ranks_init): a copy. */
    if (n_ranks == 1) {
        if (len)
            memcpy(all, mine, len * sizeof(double));
        return;
    }
    if (len > MAX_CHUNK) {
        allgather_chunked(mine, all, len);
        return;
    }
    /* Every rank must enter the collective, even with nothing to send. */
    int rc = MPI_Allgather(mine, (int)len, MPI_DOUBLE, all, (int)len, MPI_DOUBLE, MPI_COMM_WORLD);
    ACD_ASSERT(rc == MPI_SUCCESS);
}
