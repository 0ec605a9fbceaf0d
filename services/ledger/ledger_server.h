/*  ledger_server.h: the ledger's loop: ledger.Record with group commit, ledger.Replay, the
    registry's events (the clock, registry changes), the heartbeat. */
#ifndef SHANHAI_LEDGER_SERVER_H
#define SHANHAI_LEDGER_SERVER_H

#include "common/config.h"

typedef struct ledger_server_t ledger_server_t;

// Opens the store, binds the endpoints, connects to the registry. NULL with the reason.
ledger_server_t *ledger_server_new (const config_t *config, char *errstr, size_t errstr_size);
void ledger_server_destroy (ledger_server_t **self_p);
// Serves until SIGINT or SIGTERM. Returns 0.
int ledger_server_run (ledger_server_t *self);

#endif
