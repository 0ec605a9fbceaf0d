/*  proc.h: the services as processes, seen from outside as an operator would: the pid that
    scripts/stack recorded, what /proc says of it, and the child processes the bench runs
    (perf), each waited for with a bound. */
#ifndef SHANHAI_BENCH_PROC_H
#define SHANHAI_BENCH_PROC_H

#include <sys/types.h>

// The pid in data_dir/run/<service>.pid (scripts/stack's), or 0 when there is none.
pid_t proc_pid_of (const char *data_dir, const char *service);
// The value of a "Key:   123 kB" line of /proc/<pid>/status (VmHWM, VmRSS), in KiB, or -1.
long proc_status_kib (pid_t pid, const char *key);
// CPU time (user and system) pid has used, in seconds, or -1.
double proc_cpu_s (pid_t pid);
// Starts argv (argv[0] looked up in PATH) with its output to /dev/null. Returns its pid, or
// 0 when it could not start.
pid_t proc_start_quiet (char *const argv[]);
// Sends SIGINT to pid and waits for it, at most timeout_ms (then kills it).
void proc_interrupt (pid_t pid, int timeout_ms);

#endif
