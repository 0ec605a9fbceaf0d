#include "proc.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

// How often a bounded wait for a child looks again.
#define PROC_WAIT_STEP_MS 10

pid_t
proc_pid_of (const char *data_dir, const char *service)
{
    char path[2048];
    snprintf (path, sizeof path, "%s/run/%s.pid", data_dir, service);
    FILE *file = fopen (path, "r");
    long pid = 0;
    if (file) {
        if (fscanf (file, "%ld", &pid) != 1 || pid < 0)
            pid = 0;
        fclose (file);
    }
    return (pid_t) pid;
}

long
proc_status_kib (pid_t pid, const char *key)
{
    char path[64], line[256];
    snprintf (path, sizeof path, "/proc/%d/status", (int) pid);
    FILE *file = fopen (path, "r");
    long value = -1;
    size_t length = strlen (key);
    while (file && value < 0 && fgets (line, sizeof line, file))
        if (strncmp (line, key, length) == 0 && line[length] == ':')
            value = strtol (line + length + 1, NULL, 10);
    if (file)
        fclose (file);
    return value;
}

double
proc_cpu_s (pid_t pid)
{
    char path[64], line[1024];
    snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
    FILE *file = fopen (path, "r");
    if (!file)
        return -1;
    char *read = fgets (line, sizeof line, file);
    fclose (file);
    // The command name may hold spaces: the fields are counted from its closing parenthesis
    // (state is field 3, utime 14, stime 15).
    char *after = read ? strrchr (line, ')') : NULL;
    unsigned long user = 0, system = 0;
    if (!after || sscanf (after + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
                          &user, &system) != 2)
        return -1;
    return (double) (user + system) / (double) sysconf (_SC_CLK_TCK);
}

// Waits for child at most timeout_ms, then kills it. Returns its wait status, or -1.
static int
s_wait (pid_t child, int timeout_ms)
{
    int status = 0;
    for (int waited_ms = 0; waited_ms < timeout_ms; waited_ms += PROC_WAIT_STEP_MS) {
        if (waitpid (child, &status, WNOHANG) == child)
            return status;
        usleep (PROC_WAIT_STEP_MS * 1000);
    }
    kill (child, SIGKILL);
    waitpid (child, &status, 0);
    return -1;
}

pid_t
proc_start_quiet (char *const argv[])
{
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init (&actions);
    posix_spawn_file_actions_addopen (&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen (&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t child = 0;
    if (posix_spawnp (&child, argv[0], &actions, NULL, argv, environ) != 0)
        child = 0;
    posix_spawn_file_actions_destroy (&actions);
    return child;
}

void
proc_interrupt (pid_t pid, int timeout_ms)
{
    if (pid <= 0)
        return;
    kill (pid, SIGINT);
    s_wait (pid, timeout_ms);
}
