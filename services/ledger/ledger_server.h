/*  ledger_server.h: the ledger on the service skeleton: ledger.Record with group commit and
    ledger.RecordBatch (all or nothing, in a transaction of its own), validated against the
    service's replica of the registry (no round trip per event); ledger.List, ledger.Totals,
    ledger.Replay; and the registry's events (the clock, new registry versions). */
#ifndef SHANHAI_LEDGER_SERVER_H
#define SHANHAI_LEDGER_SERVER_H

#include <czmq.h>
#include "common/config.h"

typedef struct ledger_server_t ledger_server_t;

// Opens the store (config's data directory, "ledger.db"), binds config's ledger_rpc and
// ledger_pub, loads its replica of the registry and subscribes to the registry's events
// (registry_rpc, registry_pub).
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
