/*
 * ranks (see include/acdsim/ranks.h): one process. The Open MPI version
 * replaces this file's bodies when built with -Dmpi=enabled.
 */
#include "acdsim/ranks.h"

#include <string.h>

void
acd_ranks_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
}

void
acd_ranks_fini(void)
{
}

unsigned
acd_ranks_rank(void)
{
    return 0;
}

unsigned
acd_ranks_size(void)
{
    return 1;
}

bool
acd_ranks_writes(void)
{
    return true;
}

bool
acd_ranks_mpi(void)
{
    return false;
}

void
acd_ranks_allgather(const double *mine, double *all, size_t len)
{
    if (len)
        memcpy(all, mine, len * sizeof(double));
}
