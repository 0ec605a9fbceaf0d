#include "profile.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "proc.h"

// How long perf gets to write its files after SIGINT.
#define PROFILE_STOP_TIMEOUT_MS 60000
// How long perf gets to attach before the phase starts.
#define PROFILE_ATTACH_US 300000

struct profile_t {
    pid_t children[PROFILE_SERVICES_MAX];
    int count;
    char dir[1024];
    char phase[64];
};

static void
s_start (profile_t *self, profile_tool_t tool, const char *name, pid_t pid)
{
    char path[1400], pid_text[32];
    snprintf (path, sizeof path, "%s/%s-%s.%s", self->dir, self->phase, name,
              tool == PROFILE_CPU ? "perf.data" : "trace.txt");
    snprintf (pid_text, sizeof pid_text, "%d", (int) pid);
    // DWARF unwinding: the services are built without frame pointers.
    char *record[] = { "perf", "record", "-q", "-F", "999", "--call-graph", "dwarf,8192", "-o",
                       path, "-p", pid_text, NULL };
    char *trace[] = { "perf", "trace", "-s", "-o", path, "-p", pid_text, NULL };
    pid_t child = proc_start_quiet (tool == PROFILE_CPU ? record : trace);
    if (child)
        self->children[self->count++] = child;
}

profile_t *
profile_start (const char *dir, profile_tool_t tool, const char *phase,
               const char *const names[], const pid_t pids[], int count)
{
    assert (phase && names && pids && count <= PROFILE_SERVICES_MAX);
    if (!dir)
        return NULL;
    profile_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    snprintf (self->dir, sizeof self->dir, "%s", dir);
    snprintf (self->phase, sizeof self->phase, "%s", phase);
    for (int index = 0; index < count; index++)
        if (pids[index] > 0)
            s_start (self, tool, names[index], pids[index]);
    if (self->count == 0) {
        printf ("  (perf could not be started: no profile)\n");
        free (self);
        return NULL;
    }
    usleep (PROFILE_ATTACH_US);
    return self;
}

void
profile_stop (profile_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    profile_t *self = *self_p;
    for (int index = 0; index < self->count; index++)
        proc_interrupt (self->children[index], PROFILE_STOP_TIMEOUT_MS);
    printf ("  profiled (perf, which slows the services): %s/%s-*\n", self->dir, self->phase);
    free (self);
    *self_p = NULL;
}
