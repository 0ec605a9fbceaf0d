#include "ledger_store.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/date.h"
#include "common/errstr.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/store.h"
#include "common/vocab.h"

// seq is the event's seq in the outbox: one number for an event everywhere. body is the
// event as stored (packed LedgerEvent, every kind's own fields with it); the columns beside it
// are what queries filter and add up: period_year (the year the event counts in), quantity
// (what it measures: vocab_quantity_t; a void, what it cancelled), of_id and region. Rows of
// a file from before the kinds have no body and are read from the columns.
// disbursements and reversed are the state of two-phase money and of corrections, written in
// the transaction of the event that changes them.
static const char *s_schema
    = "CREATE TABLE IF NOT EXISTS events ("
      "  seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,"
      "  pairing TEXT NOT NULL, program TEXT NOT NULL, from_region TEXT NOT NULL,"
      "  to_region TEXT NOT NULL, amount_fen INTEGER NOT NULL, date TEXT NOT NULL,"
      "  memo TEXT NOT NULL, recorded_at_ms INTEGER NOT NULL,"
      "  registry_version INTEGER NOT NULL DEFAULT 0, body BLOB, period_year INTEGER,"
      "  quantity INTEGER NOT NULL DEFAULT 1, of_id TEXT NOT NULL DEFAULT '',"
      "  region TEXT NOT NULL DEFAULT '', park TEXT NOT NULL DEFAULT '',"
      "  category TEXT NOT NULL DEFAULT '');"
      "CREATE INDEX IF NOT EXISTS events_pairing ON events (pairing, date);"
      "CREATE TABLE IF NOT EXISTS disbursements ("
      "  id TEXT PRIMARY KEY, amount_fen INTEGER NOT NULL,"
      "  received_fen INTEGER NOT NULL DEFAULT 0, voided_fen INTEGER NOT NULL DEFAULT 0,"
      "  receipts INTEGER NOT NULL DEFAULT 0);"
      "CREATE TABLE IF NOT EXISTS reversed (id TEXT PRIMARY KEY, by_id TEXT NOT NULL);";

// The columns the kinds added, for a file an older version made.
static const char *s_columns[][2] = {
    { "body", "body BLOB" },
    { "period_year", "period_year INTEGER" },
    { "quantity", "quantity INTEGER NOT NULL DEFAULT 1" },
    { "of_id", "of_id TEXT NOT NULL DEFAULT ''" },
    { "region", "region TEXT NOT NULL DEFAULT ''" },
    { "park", "park TEXT NOT NULL DEFAULT ''" },
    { "category", "category TEXT NOT NULL DEFAULT ''" },
};

// What an older file's rows lack: the year they count in, their quantity, their state.
static const char *s_upgrade
    = "UPDATE events SET period_year = CAST (substr (date, 1, 4) AS INTEGER),"
      "  quantity = CASE kind WHEN 'aid-funds' THEN amount_fen ELSE 1 END"
      "  WHERE period_year IS NULL;"
      "INSERT OR IGNORE INTO disbursements (id, amount_fen)"
      "  SELECT id, amount_fen FROM events WHERE kind = 'aid-funds';"
      "CREATE INDEX IF NOT EXISTS events_period ON events (pairing, period_year);";
// The meta key that says the upgrade ran.
#define S_META_SCHEMA "ledger_schema"
#define S_SCHEMA_KINDS 2

#define S_COLUMNS "seq, id, kind, pairing, program, from_region, to_region, amount_fen, date, " \
                  "memo, recorded_at_ms, registry_version, body"

struct ledger_store_t {
    sqlite3 *db;
    outbox_t *outbox;
    sqlite3_stmt *find;
    sqlite3_stmt *insert;
    sqlite3_stmt *target;     // what an event acts on, with its state
    sqlite3_stmt *disburse;   // a new disbursement's state
    sqlite3_stmt *adjust;     // a disbursement's state changes
    sqlite3_stmt *reverse;    // an event is reversed
    sqlite3_stmt *list;
    sqlite3_stmt *kinds;      // a pair's year, per kind
    sqlite3_stmt *pending;    // a pair's year's disbursements, what is pending
    sqlite3_stmt *parks;      // a pair's year's park investment, per park and category
    rpc_status_t refusal_status;
    char refusal[RPC_ERROR_BYTES_MAX];
};

// Adds what the kinds need to a file made before them, once. Returns 0 or -1.
static int
s_upgrade_file (sqlite3 *db)
{
    for (size_t index = 0; index < sizeof s_columns / sizeof s_columns[0]; index++)
        if (store_add_column (db, "events", s_columns[index][0], s_columns[index][1]))
            return -1;
    if (store_meta_get (db, S_META_SCHEMA, 0) >= S_SCHEMA_KINDS)
        return 0;
    if (store_begin (db))
        return -1;
    if (store_exec (db, s_upgrade) || store_meta_set (db, S_META_SCHEMA, S_SCHEMA_KINDS)) {
        store_rollback (db);
        return -1;
    }
    return store_commit (db);
}

// Prepares the statements of the kinds' state and queries. Returns 0 or -1 (logged).
static int
s_prepare_state (ledger_store_t *self)
{
    self->target = store_prepare (
        self->db, "SELECT e.kind, e.pairing, e.program, e.date, e.quantity, e.of_id,"
                  " d.amount_fen, d.received_fen, d.voided_fen, d.receipts, r.by_id"
                  " FROM events e LEFT JOIN disbursements d ON d.id = e.id"
                  " LEFT JOIN reversed r ON r.id = e.id WHERE e.id = ?");
    self->disburse = store_prepare (self->db, "INSERT INTO disbursements (id, amount_fen) "
                                              "VALUES (?, ?)");
    self->adjust = store_prepare (
        self->db, "UPDATE disbursements SET received_fen = received_fen + ?2,"
                  " voided_fen = voided_fen + ?3, receipts = receipts + ?4 WHERE id = ?1");
    self->reverse = store_prepare (self->db, "INSERT INTO reversed (id, by_id) VALUES (?, ?)");
    self->list = store_prepare (
        self->db, "SELECT " S_COLUMNS " FROM events WHERE seq > ?1"
                  " AND (?2 = '' OR pairing = ?2)"
                  " AND (?3 = '' OR from_region = ?3 OR to_region = ?3 OR region = ?3)"
                  " AND (?4 = '' OR kind = ?4) AND (?5 = '' OR date >= ?5)"
                  " AND (?6 = '' OR date <= ?6) ORDER BY seq LIMIT ?7");
    self->kinds = store_prepare (
        self->db, "SELECT kind, COUNT(*), SUM(quantity) FROM events"
                  " WHERE pairing = ?1 AND period_year = ?2 AND kind != 'reversal'"
                  " AND id NOT IN (SELECT id FROM reversed) GROUP BY kind");
    self->pending = store_prepare (
        self->db, "SELECT SUM(d.amount_fen - d.received_fen - d.voided_fen)"
                  " FROM disbursements d JOIN events e ON e.id = d.id"
                  " WHERE e.pairing = ?1 AND e.period_year = ?2"
                  " AND d.id NOT IN (SELECT id FROM reversed)");
    self->parks = store_prepare (
        self->db, "SELECT park, category, SUM(quantity) FROM events"
                  " WHERE pairing = ?1 AND period_year = ?2 AND kind = 'park-investment'"
                  " AND id NOT IN (SELECT id FROM reversed) GROUP BY park, category");
    return self->target && self->disburse && self->adjust && self->reverse && self->list
                   && self->kinds && self->pending && self->parks
               ? 0
               : -1;
}

ledger_store_t *
ledger_store_new (const char *path, const char *pub_endpoint, char *errstr, size_t errstr_size)
{
    ledger_store_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->db = store_open (path, s_schema, errstr, errstr_size);
    if (self->db && (store_add_column (self->db, "events", "registry_version",
                                       "registry_version INTEGER NOT NULL DEFAULT 0")
                     || s_upgrade_file (self->db)))
        store_close (&self->db);
    if (self->db) {
        self->outbox = outbox_new (self->db, pub_endpoint);
        self->find = store_prepare (self->db, "SELECT " S_COLUMNS " FROM events WHERE id = ?");
        self->insert = store_prepare (
            self->db, "INSERT INTO events (seq, id, kind, pairing, program, from_region,"
                      " to_region, amount_fen, date, memo, recorded_at_ms, registry_version,"
                      " body, period_year, quantity, of_id, region, park, category)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    }
    if (!self->db || !self->outbox || !self->find || !self->insert || s_prepare_state (self)) {
        if (self->db && !*errstr)
            snprintf (errstr, errstr_size, "cannot set up %s (see the log)", path);
        ledger_store_destroy (&self);
        return NULL;
    }
    return self;
}

void
ledger_store_destroy (ledger_store_t **self_p)
{
    if (self_p && *self_p) {
        ledger_store_t *self = *self_p;
        sqlite3_stmt *statements[] = { self->find,     self->insert, self->target,
                                       self->disburse, self->adjust, self->reverse,
                                       self->list,     self->kinds,  self->pending,
                                       self->parks };
        for (size_t index = 0; index < sizeof statements / sizeof statements[0]; index++)
            sqlite3_finalize (statements[index]);
        outbox_destroy (&self->outbox);
        store_close (&self->db);
        free (self);
        *self_p = NULL;
    }
}

outbox_t *
ledger_store_outbox (ledger_store_t *self)
{
    return self->outbox;
}

static char *
s_text (sqlite3_stmt *statement, int column)
{
    const char *text = (const char *) sqlite3_column_text (statement, column);
    return strdup (text ? text : "");
}

static Shanhai__V1__LedgerEvent *
s_event_from_row (sqlite3_stmt *statement)
{
    if (sqlite3_column_type (statement, 12) == SQLITE_BLOB) {
        const uint8_t *body = sqlite3_column_blob (statement, 12);
        size_t size = (size_t) sqlite3_column_bytes (statement, 12);
        return shanhai__v1__ledger_event__unpack (NULL, size, body);
    }
    Shanhai__V1__LedgerEvent *event = malloc (sizeof *event);
    if (!event)
        return NULL;
    shanhai__v1__ledger_event__init (event);
    event->seq = (uint64_t) sqlite3_column_int64 (statement, 0);
    char **texts[] = { &event->id, &event->kind, &event->pairing, &event->program,
                       &event->from_region, &event->to_region };
    for (int index = 0; index < 6; index++)
        *texts[index] = s_text (statement, index + 1);
    event->amount_fen = sqlite3_column_int64 (statement, 7);
    event->date = s_text (statement, 8);
    event->memo = s_text (statement, 9);
    event->recorded_at_ms = sqlite3_column_int64 (statement, 10);
    event->registry_version = (uint64_t) sqlite3_column_int64 (statement, 11);
    bool complete = event->date && event->memo;
    for (int index = 0; index < 6; index++)
        complete = complete && *texts[index];
    if (!complete) {
        for (int index = 0; index < 6; index++)
            free (*texts[index]);
        free (event->date);
        free (event->memo);
        free (event);
        return NULL;
    }
    return event;
}

Shanhai__V1__LedgerEvent *
ledger_store_find (ledger_store_t *self, const char *id, bool *failed)
{
    *failed = false;
    sqlite3_reset (self->find);
    sqlite3_bind_text (self->find, 1, id, -1, SQLITE_TRANSIENT);
    Shanhai__V1__LedgerEvent *event = NULL;
    int rc = sqlite3_step (self->find);
    if (rc == SQLITE_ROW)
        *failed = (event = s_event_from_row (self->find)) == NULL;
    else if (rc != SQLITE_DONE) {
        log_error ("event read failed", "id=%s error=\"%s\"", id, sqlite3_errmsg (self->db));
        *failed = true;
    }
    sqlite3_reset (self->find);
    return event;
}

int
ledger_store_begin (ledger_store_t *self)
{
    return store_transaction_begin (self->db);
}

// What an event measures in its pair's totals (vocab_quantity_t); a void's is what it
// cancelled, which its state check works out (voided_fen).
static int64_t
s_quantity (const Shanhai__V1__LedgerEvent *event, int64_t voided_fen)
{
    const vocab_kind_t *kind = vocab_kind_find (event->kind);
    if (!kind)
        return 1;
    if (strcmp (kind->name, VOCAB_KIND_VOID) == 0)
        return voided_fen;
    switch (kind->quantity) {
    case VOCAB_QUANTITY_AMOUNT: return event->amount_fen;
    case VOCAB_QUANTITY_SIGNED: return event->signed_projects;
    case VOCAB_QUANTITY_PERSONS: return event->persons;
    case VOCAB_QUANTITY_COUNT: break;
    }
    return 1;
}

// The year an event counts in: the one it names (commitment, plan-filed, task-book,
// indicator), else its date's.
static int
s_period_year (const Shanhai__V1__LedgerEvent *event)
{
    const vocab_kind_t *kind = vocab_kind_find (event->kind);
    if (event->year && kind && (kind->requires & VOCAB_ATTR_BIT (VOCAB_ATTR_YEAR)))
        return event->year;
    int32_t day;
    return date_parse (event->date, &day) ? 0 : date_year (day);
}

// Writes the event's row (its seq and recorded_at_ms set) with its body. Returns 0 or -1.
static int
s_insert (ledger_store_t *self, const Shanhai__V1__LedgerEvent *event, int64_t quantity)
{
    size_t size = shanhai__v1__ledger_event__get_packed_size (event);
    uint8_t *body = malloc (size ? size : 1);
    if (!body)
        return -1;
    shanhai__v1__ledger_event__pack (event, body);
    sqlite3_stmt *insert = self->insert;
    sqlite3_reset (insert);
    sqlite3_bind_int64 (insert, 1, (int64_t) event->seq);
    const char *texts[] = { event->id, event->kind, event->pairing, event->program,
                            event->from_region, event->to_region };
    for (int index = 0; index < 6; index++)
        sqlite3_bind_text (insert, index + 2, texts[index], -1, SQLITE_STATIC);
    sqlite3_bind_int64 (insert, 8, event->amount_fen);
    sqlite3_bind_text (insert, 9, event->date, -1, SQLITE_STATIC);
    sqlite3_bind_text (insert, 10, event->memo, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (insert, 11, event->recorded_at_ms);
    sqlite3_bind_int64 (insert, 12, (int64_t) event->registry_version);
    sqlite3_bind_blob (insert, 13, body, (int) size, SQLITE_STATIC);
    sqlite3_bind_int (insert, 14, s_period_year (event));
    sqlite3_bind_int64 (insert, 15, quantity);
    sqlite3_bind_text (insert, 16, event->of, -1, SQLITE_STATIC);
    sqlite3_bind_text (insert, 17, event->region, -1, SQLITE_STATIC);
    sqlite3_bind_text (insert, 18, event->park, -1, SQLITE_STATIC);
    sqlite3_bind_text (insert, 19, event->category, -1, SQLITE_STATIC);
    int rc = sqlite3_step (insert);
    sqlite3_reset (insert);
    free (body);
    if (rc != SQLITE_DONE) {
        log_error ("event write failed", "id=%s error=\"%s\"", event->id,
                   sqlite3_errmsg (self->db));
        return -1;
    }
    return 0;
}

static int
s_append (ledger_store_t *self, Shanhai__V1__LedgerEvent *event, int64_t quantity)
{
    event->recorded_at_ms = date_now_ms ();
    event->seq = outbox_head (self->outbox) + 1;
    int64_t seq = outbox_append (self->outbox, "ledger.recorded", "ledger.recorded",
                                 &event->base);
    if (seq < 0)
        return -1;
    assert ((uint64_t) seq == event->seq);
    return s_insert (self, event, quantity);
}

int
ledger_store_append (ledger_store_t *self, Shanhai__V1__LedgerEvent *event)
{
    return s_append (self, event, s_quantity (event, 0));
}

// What an event acts on (its of), with its state.
typedef struct {
    char kind[ID_BYTES_MAX + 1];
    char pairing[ID_BYTES_MAX + 1];
    char program[ID_BYTES_MAX + 1];
    char date[DATE_TEXT_BYTES];
    char of[ID_BYTES_MAX + 1];     // a receipt's or a void's disbursement
    char by[ID_BYTES_MAX + 1];     // the reversal that reversed it, or ""
    int64_t quantity;
    bool disbursement;             // the state below is there
    int64_t amount_fen, received_fen, voided_fen, receipts;
} s_target_t;

// What the event's check decided to change, applied after its row is written.
typedef struct {
    s_target_t target;             // what it acts on: adjust may point into it
    const char *adjust;            // the disbursement whose state changes, or NULL
    int64_t received_fen, voided_fen, receipts;
    const char *reverse;           // the event it reverses, or NULL
    bool disburse;                 // a new disbursement
    int64_t quantity;
} s_plan_t;

static void
s_copy_column (char *out, size_t out_size, sqlite3_stmt *statement, int column)
{
    const char *text = (const char *) sqlite3_column_text (statement, column);
    snprintf (out, out_size, "%s", text ? text : "");
}

// Reads the event id into *target. Returns 1 when found, 0 when not, -1 on a read error.
static int
s_target (ledger_store_t *self, const char *id, s_target_t *target)
{
    sqlite3_stmt *statement = self->target;
    sqlite3_reset (statement);
    sqlite3_bind_text (statement, 1, id, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step (statement);
    if (rc == SQLITE_ROW) {
        s_copy_column (target->kind, sizeof target->kind, statement, 0);
        s_copy_column (target->pairing, sizeof target->pairing, statement, 1);
        s_copy_column (target->program, sizeof target->program, statement, 2);
        s_copy_column (target->date, sizeof target->date, statement, 3);
        target->quantity = sqlite3_column_int64 (statement, 4);
        s_copy_column (target->of, sizeof target->of, statement, 5);
        target->disbursement = sqlite3_column_type (statement, 6) != SQLITE_NULL;
        target->amount_fen = sqlite3_column_int64 (statement, 6);
        target->received_fen = sqlite3_column_int64 (statement, 7);
        target->voided_fen = sqlite3_column_int64 (statement, 8);
        target->receipts = sqlite3_column_int64 (statement, 9);
        s_copy_column (target->by, sizeof target->by, statement, 10);
    } else if (rc != SQLITE_DONE)
        log_error ("event read failed", "id=%s error=\"%s\"", id, sqlite3_errmsg (self->db));
    sqlite3_reset (statement);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

// Refuses the event being recorded: the reason for ledger_store_refusal. Returns -1.
static int
s_refuse (ledger_store_t *self, rpc_status_t status, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
static int
s_refuse (ledger_store_t *self, rpc_status_t status, const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    vsnprintf (self->refusal, sizeof self->refusal, fmt, args);
    va_end (args);
    self->refusal_status = status;
    return -1;
}

// The target of event's of: found, not reversed, of the event's pairing, not after it.
// Returns 0, or -1 (refused, or *failed on a read error).
static int
s_check_target (ledger_store_t *self, const Shanhai__V1__LedgerEvent *event,
                s_target_t *target, bool *failed)
{
    int found = s_target (self, event->of, target);
    *failed = found < 0;
    if (found <= 0)
        return found < 0 ? -1
                         : s_refuse (self, RPC_NOT_FOUND, "of: event %s is not in the ledger",
                                     event->of);
    if (*target->by)
        return s_refuse (self, RPC_INVALID, "of: event %s was reversed by %s", event->of,
                         target->by);
    if (*event->pairing && strcmp (event->pairing, target->pairing) != 0)
        return s_refuse (self, RPC_INVALID, "of: event %s is of pairing %s, not %s", event->of,
                         target->pairing, event->pairing);
    if (strcmp (event->date, target->date) < 0)
        return s_refuse (self, RPC_INVALID, "date %s is before the date of event %s (%s)",
                         event->date, event->of, target->date);
    return 0;
}

// A receipt or a void of a disbursement: what is pending of it.
static int
s_plan_money (ledger_store_t *self, const Shanhai__V1__LedgerEvent *event,
              const s_target_t *target, s_plan_t *plan)
{
    bool receipt = strcmp (event->kind, VOCAB_KIND_RECEIPT) == 0;
    if (!target->disbursement)
        return s_refuse (self, RPC_INVALID, "of: event %s is %s, not an aid-funds "
                         "disbursement", event->of, target->kind);
    if (target->voided_fen > 0)
        return s_refuse (self, RPC_INVALID, "of: disbursement %s was voided", event->of);
    int64_t pending_fen = target->amount_fen - target->received_fen;
    plan->adjust = event->of;
    if (!receipt) {
        if (pending_fen == 0)
            return s_refuse (self, RPC_INVALID, "of: nothing of disbursement %s is pending "
                             "(all %lld fen received)", event->of,
                             (long long) target->amount_fen);
        plan->voided_fen = plan->quantity = pending_fen;
        return 0;
    }
    if (event->amount_fen > pending_fen)
        return s_refuse (self, RPC_INVALID, "amount_fen %lld is more than what is pending of "
                         "disbursement %s (%lld fen)", (long long) event->amount_fen,
                         event->of, (long long) pending_fen);
    plan->received_fen = event->amount_fen;
    plan->receipts = 1;
    return 0;
}

// A reversal: of anything but a reversal, once; a disbursement only once it has no receipts
// and no void; a receipt or a void gives back what it took.
static int
s_plan_reversal (ledger_store_t *self, const Shanhai__V1__LedgerEvent *event,
                 const s_target_t *target, s_plan_t *plan)
{
    if (strcmp (target->kind, VOCAB_KIND_REVERSAL) == 0)
        return s_refuse (self, RPC_INVALID, "of: event %s is a reversal, which cannot be "
                         "reversed (record the event again instead)", event->of);
    if (target->disbursement && target->receipts > 0)
        return s_refuse (self, RPC_INVALID, "of: disbursement %s has %lld receipt(s): reverse "
                         "them first", event->of, (long long) target->receipts);
    if (target->disbursement && target->voided_fen > 0)
        return s_refuse (self, RPC_INVALID, "of: disbursement %s was voided: reverse the void "
                         "first", event->of);
    plan->reverse = event->of;
    if (strcmp (target->kind, VOCAB_KIND_RECEIPT) == 0) {
        plan->adjust = target->of;
        plan->received_fen = -target->quantity;
        plan->receipts = -1;
    } else if (strcmp (target->kind, VOCAB_KIND_VOID) == 0) {
        plan->adjust = target->of;
        plan->voided_fen = -target->quantity;
    }
    return 0;
}

// Puts a copy of value in the event's string *field unless it holds it (see the header).
static int
s_fill (char **field, const char *value)
{
    if (strcmp (*field, value) == 0)
        return 0;
    char *copy = strdup (value);
    if (!copy)
        return -1;
    if (*field != protobuf_c_empty_string)
        free (*field);
    *field = copy;
    return 0;
}

// Checks event against the state of what it acts on and decides its effects. Returns 0, or
// -1: refused (ledger_store_refusal says why) or, with *failed, a read error.
static int
s_plan (ledger_store_t *self, Shanhai__V1__LedgerEvent *event, s_plan_t *plan, bool *failed)
{
    *plan = (s_plan_t) { .disburse = strcmp (event->kind, VOCAB_KIND_AID_FUNDS) == 0 };
    *failed = false;
    if (!*event->of)
        return 0;
    s_target_t *target = &plan->target;
    if (s_check_target (self, event, target, failed))
        return -1;
    int rc = strcmp (event->kind, VOCAB_KIND_REVERSAL) == 0
                 ? s_plan_reversal (self, event, target, plan)
                 : s_plan_money (self, event, target, plan);
    if (rc == 0 && (s_fill (&event->pairing, target->pairing)
                    || s_fill (&event->program, target->program))) {
        *failed = true;
        return -1;
    }
    return rc;
}

// Writes the plan's changes to the state. Returns 0 or -1 (logged).
static int
s_apply (ledger_store_t *self, const Shanhai__V1__LedgerEvent *event, const s_plan_t *plan)
{
    int rc = SQLITE_DONE;
    if (plan->disburse) {
        sqlite3_reset (self->disburse);
        sqlite3_bind_text (self->disburse, 1, event->id, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (self->disburse, 2, event->amount_fen);
        rc = sqlite3_step (self->disburse);
        sqlite3_reset (self->disburse);
    }
    if (rc == SQLITE_DONE && plan->adjust) {
        sqlite3_reset (self->adjust);
        sqlite3_bind_text (self->adjust, 1, plan->adjust, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (self->adjust, 2, plan->received_fen);
        sqlite3_bind_int64 (self->adjust, 3, plan->voided_fen);
        sqlite3_bind_int64 (self->adjust, 4, plan->receipts);
        rc = sqlite3_step (self->adjust);
        sqlite3_reset (self->adjust);
    }
    if (rc == SQLITE_DONE && plan->reverse) {
        sqlite3_reset (self->reverse);
        sqlite3_bind_text (self->reverse, 1, plan->reverse, -1, SQLITE_STATIC);
        sqlite3_bind_text (self->reverse, 2, event->id, -1, SQLITE_STATIC);
        rc = sqlite3_step (self->reverse);
        sqlite3_reset (self->reverse);
    }
    if (rc != SQLITE_DONE) {
        log_error ("state write failed", "id=%s error=\"%s\"", event->id,
                   sqlite3_errmsg (self->db));
        return -1;
    }
    return 0;
}

ledger_store_result_t
ledger_store_record (ledger_store_t *self, Shanhai__V1__LedgerEvent *event,
                     Shanhai__V1__LedgerEvent **first, const char **field)
{
    assert (event && first && field);
    *first = NULL;
    *field = NULL;
    bool failed;
    Shanhai__V1__LedgerEvent *stored = ledger_store_find (self, event->id, &failed);
    if (failed)
        return LEDGER_STORE_FAILED;
    if (stored) {
        *first = stored;
        *field = ledger_validate_difference (stored, event);
        return *field ? LEDGER_STORE_CONFLICT : LEDGER_STORE_DUPLICATE;
    }
    s_plan_t plan;
    if (s_plan (self, event, &plan, &failed))
        return failed ? LEDGER_STORE_FAILED : LEDGER_STORE_REFUSED;
    if (s_append (self, event, s_quantity (event, plan.quantity)) || s_apply (self, event, &plan))
        return LEDGER_STORE_FAILED;
    return LEDGER_STORE_APPENDED;
}

const char *
ledger_store_refusal (ledger_store_t *self, rpc_status_t *status)
{
    *status = self->refusal_status;
    return self->refusal;
}

int
ledger_store_commit (ledger_store_t *self)
{
    return store_transaction_commit (self->db, self->outbox);
}

void
ledger_store_rollback (ledger_store_t *self)
{
    store_transaction_rollback (self->db, self->outbox);
}

int
ledger_store_list (ledger_store_t *self, const Shanhai__V1__ListRequest *request,
                   Shanhai__V1__ListReply *reply)
{
    assert (request && reply && reply->n_events == 0);
    uint32_t limit = request->limit && request->limit < LEDGER_LIST_EVENTS_MAX
                         ? request->limit
                         : LEDGER_LIST_EVENTS_MAX;
    reply->events = calloc (limit, sizeof *reply->events);
    if (!reply->events)
        return -1;
    sqlite3_stmt *list = self->list;
    sqlite3_reset (list);
    sqlite3_bind_int64 (list, 1, (int64_t) request->after_seq);
    const char *texts[] = { request->pairing, request->region, request->kind,
                            request->from_date, request->to_date };
    for (int index = 0; index < 5; index++)
        sqlite3_bind_text (list, index + 2, texts[index] ? texts[index] : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64 (list, 7, (int64_t) limit + 1);  // one more: is there more?
    int rc;
    while ((rc = sqlite3_step (list)) == SQLITE_ROW) {
        if (reply->n_events == limit) {
            reply->more = true;
            continue;
        }
        Shanhai__V1__LedgerEvent *event = s_event_from_row (list);
        if (!event)
            break;
        reply->events[reply->n_events++] = event;
    }
    sqlite3_reset (list);
    if (rc != SQLITE_DONE) {
        log_error ("list failed", "error=\"%s\"", sqlite3_errmsg (self->db));
        return -1;
    }
    return 0;
}

// Adds one row of the kinds query to reply (a kind's count and quantity, and its money).
static void
s_totals_row (sqlite3_stmt *statement, Shanhai__V1__TotalsReply *reply)
{
    const char *name = (const char *) sqlite3_column_text (statement, 0);
    int64_t quantity = sqlite3_column_int64 (statement, 2);
    for (size_t index = 0; index < reply->n_kinds; index++) {
        Shanhai__V1__KindTotal *total = reply->kinds[index];
        if (strcmp (total->kind, name ? name : "") != 0)
            continue;
        total->count = sqlite3_column_int64 (statement, 1);
        total->quantity = quantity;
    }
    int64_t *money = !name                                       ? NULL
                     : strcmp (name, "commitment") == 0          ? &reply->committed_fen
                     : strcmp (name, VOCAB_KIND_AID_FUNDS) == 0  ? &reply->disbursed_fen
                     : strcmp (name, VOCAB_KIND_RECEIPT) == 0    ? &reply->received_fen
                     : strcmp (name, VOCAB_KIND_VOID) == 0       ? &reply->voided_fen
                                                                 : NULL;
    if (money)
        *money = quantity;
}

// Adds one row of the parks query to the reply's row of that park and category, if any.
static void
s_parks_row (sqlite3_stmt *statement, Shanhai__V1__TotalsReply *reply)
{
    const char *park = (const char *) sqlite3_column_text (statement, 0);
    const char *category = (const char *) sqlite3_column_text (statement, 1);
    for (size_t index = 0; park && category && index < reply->n_parks; index++)
        if (strcmp (reply->parks[index]->park, park) == 0
            && strcmp (reply->parks[index]->category, category) == 0)
            reply->parks[index]->completed_fen = sqlite3_column_int64 (statement, 2);
}

int
ledger_store_totals (ledger_store_t *self, const char *pairing, int year,
                     Shanhai__V1__TotalsReply *reply)
{
    assert (pairing && reply && reply->n_kinds > 0);
    sqlite3_stmt *statements[] = { self->kinds, self->pending, self->parks };
    int rc = SQLITE_DONE;
    for (int which = 0; which < 3 && rc == SQLITE_DONE; which++) {
        sqlite3_stmt *statement = statements[which];
        sqlite3_reset (statement);
        sqlite3_bind_text (statement, 1, pairing, -1, SQLITE_STATIC);
        sqlite3_bind_int (statement, 2, year);
        while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
            if (which == 0)
                s_totals_row (statement, reply);
            else if (which == 1)
                reply->pending_fen = sqlite3_column_int64 (statement, 0);
            else
                s_parks_row (statement, reply);
        sqlite3_reset (statement);
    }
    if (rc != SQLITE_DONE) {
        log_error ("totals failed", "pairing=%s error=\"%s\"", pairing,
                   sqlite3_errmsg (self->db));
        return -1;
    }
    return 0;
}

sqlite3 *
ledger_store_db (ledger_store_t *self)
{
    return self->db;
}

int32_t
ledger_store_clock (ledger_store_t *self)
{
    return (int32_t) store_meta_get (self->db, "clock_day", LEDGER_CLOCK_UNKNOWN);
}

uint64_t
ledger_store_registry_seq (ledger_store_t *self)
{
    return (uint64_t) store_meta_get (self->db, LEDGER_META_REGISTRY_SEQ, 0);
}
