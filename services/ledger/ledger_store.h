/*  ledger_store.h: the ledger's SQLite file: the append-only events, their outbox, and the
    ledger's view of the clock. Owns the sqlite3 handle and the outbox.

    Appends happen inside ledger_store_begin / ledger_store_commit, many to a transaction
    (group commit); the events are published by ledger_store_commit after the commit. */
#ifndef SHANHAI_LEDGER_STORE_H
#define SHANHAI_LEDGER_STORE_H

#include <stdbool.h>
#include "common/outbox.h"
#include "common/proto.h"

typedef struct ledger_store_t ledger_store_t;

// Opens (creating) the file at path and binds the event endpoint. NULL with the reason.
ledger_store_t *ledger_store_new (const char *path, const char *pub_endpoint, char *errstr,
                                  size_t errstr_size);
void ledger_store_destroy (ledger_store_t **self_p);
outbox_t *ledger_store_outbox (ledger_store_t *self);

// The event recorded under id (the caller frees it), or NULL if none; *failed on a read error.
Shanhai__V1__LedgerEvent *ledger_store_find (ledger_store_t *self, const char *id, bool *failed);
int ledger_store_begin (ledger_store_t *self);
// Appends a validated event: sets its seq and recorded_at_ms, writes it and its
// "ledger.recorded" event. Returns 0, or -1 and the caller rolls the batch back.
int ledger_store_append (ledger_store_t *self, Shanhai__V1__LedgerEvent *event);
// Commits and publishes. Returns 0, or -1 after rolling back (nothing was recorded).
int ledger_store_commit (ledger_store_t *self);
void ledger_store_rollback (ledger_store_t *self);

// The clock as the registry last announced it (-1: not yet), and the registry event seq.
int32_t ledger_store_clock (ledger_store_t *self);
uint64_t ledger_store_registry_seq (ledger_store_t *self);
// Records a registry event as applied, with the clock it brings (or -1 to keep the clock).
int ledger_store_registry_applied (ledger_store_t *self, uint64_t seq, int32_t clock_day);

#endif
