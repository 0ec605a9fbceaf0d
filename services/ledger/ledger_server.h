/*  ledger_server.h: the ledger's loop: ledger.Record with group commit, ledger.Replay, the
    registry's events (the clock, registry changes), the heartbeat. */
#ifndef SHANHAI_LEDGER_SERVER_H
#define SHANHAI_LEDGER_SERVER_H

#include <czmq.h>
#include "common/config.h"

// The service's periodic work (heartbeat, catch-up with the registry) runs every second.
#define LEDGER_TICK_MS 1000
// A catch-up with a registry that is down blocks the loop for up to RPC_TIMEOUT_MS, so after
// a failure the timer waits twice as long before the next try, up to this. The registry's
// own heartbeat starts a catch-up as soon as it is back and has events the ledger lacks.
#define LEDGER_CATCH_UP_BACKOFF_MAX_MS 32000

typedef struct ledger_server_t ledger_server_t;

// Opens the store (config's data directory, "ledger.db"), binds config's ledger_rpc and
// ledger_pub, and connects to the registry (registry_rpc, registry_pub) and the cache.
// Returns NULL with a one-line reason in errstr.
ledger_server_t *ledger_server_new (const config_t *config, char *errstr, size_t errstr_size);
void ledger_server_destroy (ledger_server_t **self_p);
// Catches up with the registry's events, then serves until SIGINT or SIGTERM. Returns 0.
int ledger_server_run (ledger_server_t *self);
// The server as a CZMQ actor (tests, tools that embed it): args is a const config_t *, read
// before the actor signals. Signals 0 once it serves, or 1 if it could not start (logged);
// stops on "$TERM" from the pipe (zactor_destroy).
void ledger_server_actor (zsock_t *pipe, void *args);

#endif
