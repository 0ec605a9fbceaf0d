/*  gateway_server.h: the HTTP gateway, wired. It listens on SHANHAI_GATEWAY_HTTP and keeps no
    state of its own beyond what Redis may lose: its file gateway.db holds only its replica
    of the registry (a copy, rebuilt from registry.Snapshot when deleted), which answers
    /v1/pairs and says which counties a pair involves, for authorization, without asking the
    registry per request.

    Threads: the HTTP workers (gateway_http.h) answer requests; this loop thread applies the
    registry's events to the replica (swapping a new view in under the write lock the
    workers read it under), hears the notification service's alerts for the live streams
    (one subscriber, starting at the head it has when the gateway starts, replaying what
    PUB/SUB dropped), and pings the streams. */
#ifndef SHANHAI_GATEWAY_SERVER_H
#define SHANHAI_GATEWAY_SERVER_H

#include <czmq.h>
#include "common/config.h"

typedef struct gateway_server_t gateway_server_t;

// Reads the apps file (making it on first start), opens gateway.db under config's data
// directory, loads the replica and listens. config is copied. Returns the server, or NULL
// with a one-line reason in errstr.
gateway_server_t *gateway_server_new (const config_t *config, char *errstr,
                                      size_t errstr_size);
// Stops listening, ends the streams and frees everything; safe on NULL and twice.
void gateway_server_destroy (gateway_server_t **self_p);
// Runs the loop until SIGINT or SIGTERM. Returns 0.
int gateway_server_run (gateway_server_t *self);

#endif
