/*  registry_server.h: the registry's loop: its RPC socket, its heartbeat and the real-time
    clock's daily move. */
#ifndef SHANHAI_REGISTRY_SERVER_H
#define SHANHAI_REGISTRY_SERVER_H

#include <czmq.h>
#include "common/config.h"

typedef struct registry_server_t registry_server_t;

// Opens the store under config's data directory, binds the endpoints and sets the clock for
// this start (SHANHAI_CLOCK, a fixed stored clock, or real time). Returns NULL with the reason
// in errstr.
registry_server_t *registry_server_new (const config_t *config, char *errstr,
                                        size_t errstr_size);
void registry_server_destroy (registry_server_t **self_p);
// Serves until SIGINT or SIGTERM. Returns 0.
int registry_server_run (registry_server_t *self);
// The server as a CZMQ actor (tests, tools that embed it): args is a const config_t *, read
// before the actor signals. Signals 0 once it serves, or 1 if it could not start (logged);
// stops on "$TERM" from the pipe (zactor_destroy).
void registry_server_actor (zsock_t *pipe, void *args);

#endif
