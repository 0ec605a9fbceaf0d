/*  notification_store.h: the notification service's SQLite file (notification.db). Owns the
    sqlite3 handle and the outbox.

    Two tables of its own (docs/design.md: the notification's alerts and deliveries):
    - alerts: the inboxes. An alert's id is the outbox seq of its publication, so the row, the
      live event ("alert.<person>/", type "alert", body the Alert) and the Replay event all carry
      Alert.id == Event.seq. The row also keeps what the proto does not: when its person read
      it and who acknowledged it when.
    - deliveries: the delivery log of the channels (DingTalk, WeCom, webhooks), one row per
      attempt of one alert on one channel. An attempt is added pending (due at next_at_ms); when
      made, it is finished sent, failed (a retry, attempt + 1, is added pending in the same
      transaction) or dead (no more attempts).

    The meta table keeps the last applied seq of each publisher the service consumes
    (NOTIFICATION_META_ASSESSMENT_SEQ, NOTIFICATION_META_REGISTRY_SEQ), written in the same
    transaction as the alerts an event produced.

    Writes that publish (notification_store_alert) run inside the caller's transaction
    (notification_store_begin ... commit or rollback). The other writes run inside the caller's
    transaction when one is open, or as a transaction of their own. */
#ifndef SHANHAI_NOTIFICATION_STORE_H
#define SHANHAI_NOTIFICATION_STORE_H

#include <sqlite3.h>
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
    NOTIFICATION_STORE_CONFLICT,   // the row exists already (the same delivery attempt twice)
    NOTIFICATION_STORE_FAILED,     // a database error (logged): the caller rolls back
} notification_store_result_t;

// Opens (creating if needed) the database at path and binds the outbox's PUB socket to
// pub_endpoint. A file of the previous version, whose alerts lived only in the outbox, has them
// copied into the alerts table first. Returns the store, or NULL with a one-line reason in
// errstr.
notification_store_t *notification_store_new (const char *path, const char *pub_endpoint,
                                              char *errstr, size_t errstr_size);
// Closes the store; safe on NULL and twice; nulls *self_p.
void notification_store_destroy (notification_store_t **self_p);
// The outbox (for Replay and the heartbeat). Borrowed: lives as long as the store.
outbox_t *notification_store_outbox (notification_store_t *self);

// The handle, for the registry replica that lives in the same file. Borrowed.
sqlite3 *notification_store_db (notification_store_t *self);
// Opens a write transaction (BEGIN IMMEDIATE). Returns 0 or -1 (logged).
int notification_store_begin (notification_store_t *self);
// Commits, then publishes what the transaction appended to the outbox. Returns 0; on a failed
// commit rolls back and returns -1 (logged): nothing was written and nothing is published.
int notification_store_commit (notification_store_t *self);
// Rolls the open transaction back, and the outbox's idea of its head with it.
void notification_store_rollback (notification_store_t *self);

// Inside a transaction: writes alert to the alerts table and appends it to the outbox under
// "alert.<person>/", both with the id the outbox row gets, which it sets in alert->id; an
// at_ms of 0 is set to now. Every field is checked first: person and rule valid ids; scope ""
// (an alert from before scopes: a pair's, without subject and period) or a scope's name, and
// then subject and period valid ids; pairing a valid id for scope "", pair and park, and empty
// for the others; status a status (previous may be COMPLIANCE_NONE), year a valid year, text
// valid text of under ALERT_TEXT_BYTES_MAX bytes, at_ms not negative. Returns OK; INVALID
// with nothing written and alert->id untouched; or FAILED, and the caller rolls back. alert
// stays the caller's.
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

// A delivery attempt's status, stored as its name ("pending", "sent", "failed", "dead").
typedef enum {
    NOTIFICATION_DELIVERY_NONE = 0,  // not a status: "any" in a query
    NOTIFICATION_DELIVERY_PENDING,   // to be attempted at next_at_ms
    NOTIFICATION_DELIVERY_SENT,      // the channel accepted it
    NOTIFICATION_DELIVERY_FAILED,    // refused or unreachable; attempt + 1 is due at next_at_ms
    NOTIFICATION_DELIVERY_DEAD,      // refused or unreachable, and no attempt follows
} notification_delivery_status_t;

// "pending", "sent", "failed", "dead"; "" for anything else.
const char *notification_delivery_status_name (notification_delivery_status_t status);

// One attempt of one alert on one channel. Fixed buffers, so that a page of them is one array
// the caller owns.
typedef struct {
    uint64_t id;                               // set by the store
    uint64_t alert;                            // alerts.id
    char channel[ID_BYTES_MAX];                // the channel's id ("dingtalk-zx", "webhook-1")
    uint32_t attempt;                          // 1 .. DELIVERY_ATTEMPTS_MAX
    notification_delivery_status_t status;
    char result[DELIVERY_RESULT_BYTES_MAX];    // one line: HTTP code, error; "" while pending
    int64_t at_ms;                             // when it was added or finished
    int64_t next_at_ms;                        // when it (pending) or its retry (failed) is
                                               // due; 0 for none
} notification_delivery_t;

// Adds an attempt row, and sets delivery->id. Checks every field: the alert exists, channel a
// valid id, attempt within 1..DELIVERY_ATTEMPTS_MAX, status not NONE, result one line of under
// DELIVERY_RESULT_BYTES_MAX bytes, at_ms > 0, next_at_ms > 0 when pending or failed and 0
// otherwise. Returns OK, INVALID, NOT_FOUND (no such alert), CONFLICT (that alert, channel and
// attempt exist already) or FAILED; nothing is written unless OK.
notification_store_result_t notification_store_delivery_add (notification_store_t *self,
                                                             notification_delivery_t *delivery);
// Finishes the pending attempt id: status SENT, FAILED or DEAD, result as for an add, at_ms
// > 0, next_at_ms > 0 for FAILED and 0 otherwise. Returns OK, INVALID, NOT_FOUND (no pending
// attempt id: unknown or finished before) or FAILED.
notification_store_result_t notification_store_delivery_finish (
    notification_store_t *self, uint64_t id, notification_delivery_status_t status,
    const char *result, int64_t at_ms, int64_t next_at_ms);

// Which deliveries notification_store_deliveries lists: a field left 0 or NULL does not
// filter. A zeroed query lists them all.
typedef struct {
    const char *channel;                    // only this channel
    const char *person;                     // only the alerts of this person
    notification_delivery_status_t status;  // only this status
    uint64_t after_id;                      // only ids above this one (the next page)
} notification_delivery_query_t;

// The deliveries that query selects, by id, into deliveries: at most deliveries_max and at most
// DELIVERIES_LIST_MAX. Returns how many, or -1 for a channel or person that is not a valid id,
// a status that is not one, or on a read error (logged).
int notification_store_deliveries (notification_store_t *self,
                                   const notification_delivery_query_t *query,
                                   notification_delivery_t *deliveries, size_t deliveries_max);
// The pending attempts due by now_ms (next_at_ms <= now_ms), the earliest due first, into
// deliveries: at most deliveries_max and at most DELIVERIES_LIST_MAX. Returns how many, or -1
// on a read error (logged).
int notification_store_deliveries_due (notification_store_t *self, int64_t now_ms,
                                       notification_delivery_t *deliveries,
                                       size_t deliveries_max);
// The channels with a pending attempt due by now_ms, the earliest due first, each once, into
// channels: at most channels_max. Returns how many, or -1 on a read error (logged).
int notification_store_channels_due (notification_store_t *self, int64_t now_ms,
                                     char (*channels)[ID_BYTES_MAX], size_t channels_max);
// When the messages of channel finished since since_ms: the distinct at_ms of its finished
// attempts (every attempt of one message is finished at one time), the latest first, at most
// at_max, into at_ms. Returns how many, or -1 on a read error (logged).
int notification_store_channel_finished (notification_store_t *self, const char *channel,
                                         int64_t since_ms, int64_t *at_ms, size_t at_max);
// How many attempts have status (not NONE). Returns the count, or -1 on a read error (logged).
int64_t notification_store_deliveries_count (notification_store_t *self,
                                             notification_delivery_status_t status);

// What the channels say of alert (an existing alert): line, valid UTF-8 text of under
// CHANNEL_LINE_BYTES_MAX bytes, copied; a second call replaces the first. Inside the caller's
// transaction when one is open. Returns OK, INVALID, NOT_FOUND (no such alert) or FAILED.
notification_store_result_t notification_store_line_set (notification_store_t *self,
                                                         uint64_t alert, const char *line);
// The line of alert into out (cut to out_size - 1 bytes). Returns OK, NOT_FOUND (none was
// set) or FAILED (logged).
notification_store_result_t notification_store_line (notification_store_t *self,
                                                     uint64_t alert, char *out,
                                                     size_t out_size);

#endif
