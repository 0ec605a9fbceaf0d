/*  notification_store.h: the notification service's SQLite file (notification.db). Owns the
    sqlite3 handle and the outbox.

    The alerts are the rows of the outbox: topic "alert.<person-id>", type "alert", body an
    Alert. An alert's id is its seq, and every reader sees it so: the store computes the next
    seq (outbox_head + 1, exact because the open transaction is the only writer) and packs it
    into the body before the append, and checks the append returned that seq. So the body on
    disk, the live event and the Replay event all carry Alert.id == Event.seq.

    The meta table keeps the last applied seq of each publisher the service consumes
    (NOTIFICATION_META_ASSESSMENT_SEQ, NOTIFICATION_META_REGISTRY_SEQ), written in the same
    transaction as the alerts an event produced. */
#ifndef SHANHAI_NOTIFICATION_STORE_H
#define SHANHAI_NOTIFICATION_STORE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include "common/outbox.h"
#include "common/proto.h"

// The meta keys of the last applied seq of each publisher.
#define NOTIFICATION_META_ASSESSMENT_SEQ "assessment_seq"
#define NOTIFICATION_META_REGISTRY_SEQ "registry_seq"

typedef struct notification_store_t notification_store_t;

// Opens (creating if needed) the database at path and binds the outbox's PUB socket to
// pub_endpoint. Returns the store, or NULL with a one-line reason in errstr.
notification_store_t *notification_store_new (const char *path, const char *pub_endpoint,
                                              char *errstr, size_t errstr_size);
// Closes the store; safe on NULL and twice; nulls *self_p.
void notification_store_destroy (notification_store_t **self_p);
// The outbox (for Replay and the heartbeat). Borrowed: lives as long as the store.
outbox_t *notification_store_outbox (notification_store_t *self);

// The handle, for the registry replica that lives in the same file. Borrowed.
sqlite3 *notification_store_db (notification_store_t *self);
// Opens a write transaction. Returns 0 or -1 (logged).
int notification_store_begin (notification_store_t *self);
// Inside a transaction: appends alert to the outbox under "alert.<alert->person>", first
// setting alert->id to the seq the row gets. alert->person must be a valid id (validate_id).
// Returns 0, or -1 (logged) and the caller rolls back. alert stays the caller's.
int notification_store_alert (notification_store_t *self, Shanhai__V1__Alert *alert);
// Inside a transaction: sets meta key to value. Returns 0 or -1 (logged).
int notification_store_set_meta (notification_store_t *self, const char *key, int64_t value);
// Commits, then publishes what the transaction appended. Returns 0; on a failed commit rolls
// back and returns -1 (logged): nothing was written and nothing is published.
int notification_store_commit (notification_store_t *self);
// Rolls the open transaction back, and the outbox's idea of its head with it.
void notification_store_rollback (notification_store_t *self);

// The value of meta key, or fallback when it was never set.
int64_t notification_store_meta (notification_store_t *self, const char *key, int64_t fallback);
// The alerts of person with an id above after_id, oldest first, at most limit (0 or more than
// ALERTS_LIST_MAX means ALERTS_LIST_MAX). Returns the list (the caller frees it with
// shanhai__v1__alert_list__free_unpacked), empty for a person without alerts, or NULL on a
// read error (logged). person must be a valid id.
Shanhai__V1__AlertList *notification_store_alerts (notification_store_t *self,
                                                   const char *person, uint64_t after_id,
                                                   size_t limit);

#endif
