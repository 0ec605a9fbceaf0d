/*  ledger_store.h: the ledger's SQLite file: the append-only events (each with its whole body,
    and the columns its queries filter and add up), their outbox, the state of two-phase money
    (per disbursement: received, voided, receipts) and of corrections (reversed events), and
    the ledger's view of the clock. Owns the sqlite3 handle and the outbox.

    Appends happen between ledger_store_begin and ledger_store_commit, many to a transaction
    (group commit); ledger_store_commit publishes them once they are on disk. */
#ifndef SHANHAI_LEDGER_STORE_H
#define SHANHAI_LEDGER_STORE_H

#include <sqlite3.h>
#include <stdbool.h>
#include "common/outbox.h"
#include "common/proto.h"
#include "ledger_validate.h"

typedef struct ledger_store_t ledger_store_t;

// Opens (creating) the file at path (WAL, synchronous=FULL) and binds the event endpoint
// pub_endpoint. Returns NULL with a one-line reason in errstr.
ledger_store_t *ledger_store_new (const char *path, const char *pub_endpoint, char *errstr,
                                  size_t errstr_size);
void ledger_store_destroy (ledger_store_t **self_p);
// The outbox (for Replay and the heartbeat). Borrowed.
outbox_t *ledger_store_outbox (ledger_store_t *self);

// What ledger_store_record did with an event.
typedef enum {
    LEDGER_STORE_APPENDED,   // a new id: written with its "ledger.recorded" outbox row
    LEDGER_STORE_DUPLICATE,  // the id was recorded before with the same content
    LEDGER_STORE_CONFLICT,   // the id was recorded before with other content
    LEDGER_STORE_REFUSED,    // the state refuses it (ledger_store_refusal says why): nothing
                             // was written
    LEDGER_STORE_FAILED,     // a database error (logged): the caller rolls the batch back
} ledger_store_result_t;

// The event recorded under id (the caller frees it with
// shanhai__v1__ledger_event__free_unpacked), or NULL if none; *failed is set on a read error.
// Inside a transaction it sees the transaction's own appends.
Shanhai__V1__LedgerEvent *ledger_store_find (ledger_store_t *self, const char *id, bool *failed);
// BEGIN IMMEDIATE for a batch. Returns 0 or -1 (logged).
int ledger_store_begin (ledger_store_t *self);
// Inside the batch's transaction: appends a validated event (sets its seq, equal to its outbox
// seq, and its recorded_at_ms, then writes the row and its "ledger.recorded" outbox row whose
// body is the event as stored). Returns 0, or -1 (logged; an id recorded before fails here).
int ledger_store_append (ledger_store_t *self, Shanhai__V1__LedgerEvent *event);
// Inside the batch's transaction, the idempotent append: appends event when its id is new;
// otherwise compares it with the event first recorded under that id. On DUPLICATE and
// CONFLICT, *first is that stored event (the caller's to free) and on CONFLICT *field names
// the first field that differs (a constant); both are left NULL otherwise.
// A new event that acts on another (of: a receipt, a void, a reversal) is checked against the
// state of that one as this transaction sees it, so that a batch's events may refer to each
// other: a receipt must not exceed what is pending of an aid-funds disbursement that is not
// voided; a void needs something pending; a reversal's event must not be a reversal, nor be
// reversed, nor be a disbursement with receipts or a void. REFUSED writes nothing. The state
// (disbursements: received, voided, receipts; reversed events) changes with the append. A
// new event with an empty pairing gets its of's pairing and program: the event's strings must
// then be malloc'd or protobuf_c_empty_string (an unpacked message), as with
// ledger_validate_pairing.
ledger_store_result_t ledger_store_record (ledger_store_t *self, Shanhai__V1__LedgerEvent *event,
                                           Shanhai__V1__LedgerEvent **first, const char **field);
// Why the last ledger_store_record was REFUSED, one line naming the field; *status is
// INVALID or NOT_FOUND. Borrowed: valid until the next record.
const char *ledger_store_refusal (ledger_store_t *self, rpc_status_t *status);

// The events request asks for (its filters; ListRequest's comments) into reply, which must be
// empty: reply->events is an array the caller frees, with every event in it (the events with
// shanhai__v1__ledger_event__free_unpacked). Returns 0 or -1 (logged; reply may hold some).
int ledger_store_list (ledger_store_t *self, const Shanhai__V1__ListRequest *request,
                       Shanhai__V1__ListReply *reply);
// Fills in the figures of pairing's year in reply, whose kinds the caller has set up (one
// KindTotal per kind, count and quantity 0) and its parks (one ParkTotal per park and
// category, completed_fen 0): what the year's events add up to, reversed ones and reversals
// left out (TotalsReply's comments). Park investment in a park the reply does not list is not
// added. Returns 0 or -1 (logged).
int ledger_store_totals (ledger_store_t *self, const char *pairing, int year,
                         Shanhai__V1__TotalsReply *reply);

// Commits the batch, then publishes its events: 0 when it is on disk; -1 after rolling it
// back (nothing was recorded, nothing is published).
int ledger_store_commit (ledger_store_t *self);
// Rolls the open batch back (and the outbox's head with it).
void ledger_store_rollback (ledger_store_t *self);
// The handle, for the registry replica that lives in the same file. Borrowed.
sqlite3 *ledger_store_db (ledger_store_t *self);

// The meta key of the last registry event applied.
#define LEDGER_META_REGISTRY_SEQ "registry_seq"
// The clock as the registry last announced it (days; LEDGER_CLOCK_UNKNOWN before the first
// clock.changed), and the seq of the last registry event applied (0: none). The registry's
// events are applied by registry_replica_apply, which writes both.
int32_t ledger_store_clock (ledger_store_t *self);
uint64_t ledger_store_registry_seq (ledger_store_t *self);

#endif
