/*  profile.h: perf on some services during one phase of the bench, for BENCH_PROFILE, one
    tool per run (perf trace's tracing of every system call would fill a CPU profile taken at
    the same time):
      PROFILE_CPU       `perf record` with call graphs: where their CPU time goes
                        (DIR/<phase>-<service>.perf.data)
      PROFILE_SYSCALLS  `perf trace -s`: their system calls, how many and how long (an fsync
                        waits off the CPU, so a CPU profile does not show it)
                        (DIR/<phase>-<service>.trace.txt)
    bench/run prints the top of each. Profiling slows the services: the figures of a profiled
    run are not the figures of record. */
#ifndef SHANHAI_BENCH_PROFILE_H
#define SHANHAI_BENCH_PROFILE_H

#include <sys/types.h>

// Services profiled at once, at most.
#define PROFILE_SERVICES_MAX 4

typedef enum { PROFILE_CPU, PROFILE_SYSCALLS } profile_tool_t;

typedef struct profile_t profile_t;

// Starts the tool on each of count (at most PROFILE_SERVICES_MAX) processes; names name them in
// the files. Returns NULL when dir is NULL (no profile wanted) or perf could not start.
profile_t *profile_start (const char *dir, profile_tool_t tool, const char *phase,
                          const char *const names[], const pid_t pids[], int count);
// Stops perf, waits until every file is written, and says where they are. Safe on NULL.
void profile_stop (profile_t **self_p);

#endif
