/*  notification_store.h: the notification service's SQLite file (notification.db). Owns the
    sqlite3 handle and the outbox.

    A table of its own (DESIGN.md: "its own alerts and deliveries tables"; deliveries come
    with the channels):
    - alerts: the inboxes. An alert's id is the outbox seq of its publication, so the row, the
      live event ("alert.<person>/", type "alert", body the Alert) and the Replay event all carry
      Alert.id == Event.seq. The row also keeps what the proto does not: when its person read
      it and who acknowledged it when.

    The meta table keeps the last applied seq of each publisher the service consumes
    (NOTIFICATION_META_ASSESSMENT_SEQ, NOTIFICATION_META_REGISTRY_SEQ), written in the same
    transaction as the alerts an event produced.

    Writes that publish (notification_store_alert) run inside the caller's transaction
    (notification_store_begin ... commit or rollback). The other writes run inside the caller's
    transaction when one is open, or as a transaction of their own. */
#ifndef SHANHAI_NOTIFICATION_STORE_H
#define SHANHAI_NOTIFICATION_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common/limits.h"
#include "common/outbox.h"
#include "common/proto.h"

// The meta keys of the last applied seq of each publisher.
#define NOTIFICATION_META_ASSESSMENT_SEQ "assessment_seq"
#define NOTIFICATION_META_REGISTRY_SEQ "registry_seq"

typedef struct notification_store_t notification_store_t;

// What a write or a lookup of one row did. OK is 0, so `if (notification_store_x (...))` tests
// for any other outcome.
typedef enum {
    NOTIFICATION_STORE_OK = 0,
    NOTIFICATION_STORE_INVALID,    // input refused (logged): nothing was written
    NOTIFICATION_STORE_NOT_FOUND,  // no such row (or it belongs to another person)
    NOTIFICATION_STORE_FAILED,     // a database error (logged): the caller rolls back
} notification_store_result_t;

// Opens (creating if needed) the database at path and binds the outbox's PUB socket to
// pub_endpoint. Returns the store, or NULL with a one-line reason in errstr.
notification_store_t *notification_store_new (const char *path, const char *pub_endpoint,
                                              char *errstr, size_t errstr_size);
// Closes the store; safe on NULL and twice; nulls *self_p.
void notification_store_destroy (notification_store_t **self_p);
// The outbox (for Replay and the heartbeat). Borrowed: lives as long as the store.
outbox_t *notification_store_outbox (notification_store_t *self);

// Opens a write transaction (BEGIN IMMEDIATE). Returns 0 or -1 (logged).
int notification_store_begin (notification_store_t *self);
// Commits, then publishes what the transaction appended to the outbox. Returns 0; on a failed
// commit rolls back and returns -1 (logged): nothing was written and nothing is published.
int notification_store_commit (notification_store_t *self);
// Rolls the open transaction back, and the outbox's idea of its head with it.
void notification_store_rollback (notification_store_t *self);

// Inside a transaction: writes alert to the alerts table and appends it to the outbox under
// "alert.<person>/", both with the id the outbox row gets, which it sets in alert->id; an
// at_ms of 0 is set to now. Every field is checked first: person, pairing and rule valid ids,
// status a status (previous may be COMPLIANCE_NONE), year a valid year, text valid text of
// under ALERT_TEXT_BYTES_MAX bytes, at_ms not negative. Returns OK; INVALID with nothing
// written and alert->id untouched; or FAILED, and the caller rolls back. alert stays the
// caller's.
notification_store_result_t notification_store_alert (notification_store_t *self,
                                                      Shanhai__V1__Alert *alert);
// Inside a transaction: sets meta key to value. Returns 0 or -1 (logged).
int notification_store_set_meta (notification_store_t *self, const char *key, int64_t value);
// The value of meta key, or fallback when it was never set.
int64_t notification_store_meta (notification_store_t *self, const char *key, int64_t fallback);

// The alerts of person with an id above after_id, oldest first, at most limit (0 or more than
// ALERTS_LIST_MAX means ALERTS_LIST_MAX). Returns the list (the caller frees it with
// shanhai__v1__alert_list__free_unpacked), empty for a person without alerts, or NULL on a
// read error (logged). person must be a valid id.
Shanhai__V1__AlertList *notification_store_alerts (notification_store_t *self,
                                                   const char *person, uint64_t after_id,
                                                   size_t limit);
// The alert with id, for a channel that sends it. Returns it (the caller frees it with
// shanhai__v1__alert__free_unpacked), or NULL when there is none or on a read error (logged),
// which *failed tells apart.
Shanhai__V1__Alert *notification_store_alert_find (notification_store_t *self, uint64_t id,
                                                   bool *failed);

// What the inbox knows of an alert beyond the Alert itself. A time of 0 means "not yet".
typedef struct {
    int64_t read_at_ms;
    int64_t acked_at_ms;
    char acked_by[ID_BYTES_MAX];  // who acknowledged it; "" until then
} notification_alert_state_t;

// Marks the alerts of person with an id up to up_to_id (inclusive) and not read yet as read at
// at_ms (> 0); those read before keep their time. Sets *marked (may be NULL) to how many it
// marked. Returns OK, INVALID (person not a valid id, at_ms not positive) or FAILED.
notification_store_result_t notification_store_mark_read (notification_store_t *self,
                                                          const char *person,
                                                          uint64_t up_to_id, int64_t at_ms,
                                                          size_t *marked);
// Acknowledges alert id of person: by (a valid id, usually person) at at_ms (> 0). An
// acknowledged alert is read too. Acknowledging again changes nothing and returns OK: the
// first acknowledgement stands, so a retried request is safe. Returns OK, NOT_FOUND (no alert
// id, or it is another person's), INVALID or FAILED.
notification_store_result_t notification_store_ack (notification_store_t *self,
                                                    const char *person, uint64_t id,
                                                    const char *by, int64_t at_ms);
// How many alerts of person are not read. Returns the count, or -1 for a person that is not a
// valid id or on a read error (logged).
int64_t notification_store_unread (notification_store_t *self, const char *person);
// The read and acknowledged state of alert id of person into *state. Returns OK, NOT_FOUND
// (no alert id of person), INVALID or FAILED.
notification_store_result_t notification_store_alert_state (notification_store_t *self,
                                                            const char *person, uint64_t id,
                                                            notification_alert_state_t *state);

#endif
