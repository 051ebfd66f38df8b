/*
 * ranks: the processes of a distributed run.
 *
 * Built with -Dmpi=enabled and started under mpirun, acdsim runs as N
 * Open MPI processes (ranks). Every rank runs the same command on the same
 * input and follows the same path; only the replications are spread: each
 * rank simulates its share, and the per-replication rows are exchanged
 * (acd_ranks_allgather) so that every rank folds every row in replication
 * order and holds the same results. Rank 0 alone writes: stdout, stderr
 * and files (acd_ranks_writes).
 *
 * Without MPI (the default build), or not under mpirun, there is one rank:
 * every function below is a no-op or the identity.
 *
 * Calls are made from the main thread only (MPI_THREAD_FUNNELED).
 */
#ifndef ACDSIM_RANKS_H
#define ACDSIM_RANKS_H

#include <stdbool.h>
#include <stddef.h>

/* Once, first thing in main (MPI_Init_thread); ranks other than 0 get
 * stdout and stderr sent to /dev/null. */
void acd_ranks_init(int *argc, char ***argv);
/* Once, before main returns (MPI_Finalize); exit codes stay the caller's. */
void acd_ranks_fini(void);

unsigned acd_ranks_rank(void); /* 0 .. size - 1 */
unsigned acd_ranks_size(void); /* 1 without MPI */
bool acd_ranks_writes(void);   /* rank 0 */
bool acd_ranks_mpi(void);      /* built with MPI (whatever the size) */

/* Collective: every rank passes `len` doubles in mine; every rank gets all
 * ranks' blocks in rank order in all (size * len doubles). mine and all do
 * not overlap. With one rank: a copy. */
void acd_ranks_allgather(const double *mine, double *all, size_t len);

#endif
