#include "ledger_store.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "common/date.h"
#include "common/log.h"
#include "common/store.h"

// seq is the event's seq in the outbox: one number for an event everywhere.
static const char *s_schema
    = "CREATE TABLE IF NOT EXISTS events ("
      "  seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,"
      "  pairing TEXT NOT NULL, program TEXT NOT NULL, from_region TEXT NOT NULL,"
      "  to_region TEXT NOT NULL, amount_fen INTEGER NOT NULL, date TEXT NOT NULL,"
      "  memo TEXT NOT NULL, recorded_at_ms INTEGER NOT NULL,"
      "  registry_version INTEGER NOT NULL DEFAULT 0);"
      "CREATE INDEX IF NOT EXISTS events_pairing ON events (pairing, date);";

struct ledger_store_t {
    sqlite3 *db;
    outbox_t *outbox;
    sqlite3_stmt *find;
    sqlite3_stmt *insert;
};

ledger_store_t *
ledger_store_new (const char *path, const char *pub_endpoint, char *errstr, size_t errstr_size)
{
    ledger_store_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->db = store_open (path, s_schema, errstr, errstr_size);
    if (self->db && store_add_column (self->db, "events", "registry_version",
                                      "registry_version INTEGER NOT NULL DEFAULT 0"))
        store_close (&self->db);
    if (self->db) {
        self->outbox = outbox_new (self->db, pub_endpoint);
        self->find = store_prepare (self->db, "SELECT seq, id, kind, pairing, program, "
                                              "from_region, to_region, amount_fen, date, memo, "
                                              "recorded_at_ms, registry_version FROM events "
                                              "WHERE id = ?");
        self->insert = store_prepare (self->db, "INSERT INTO events (seq, id, kind, pairing, "
                                                "program, from_region, to_region, amount_fen, "
                                                "date, memo, recorded_at_ms, registry_version) "
                                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    }
    if (!self->db || !self->outbox || !self->find || !self->insert) {
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
        sqlite3_finalize (self->find);
        sqlite3_finalize (self->insert);
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

int
ledger_store_append (ledger_store_t *self, Shanhai__V1__LedgerEvent *event)
{
    event->recorded_at_ms = date_now_ms ();
    event->seq = outbox_head (self->outbox) + 1;
    int64_t seq = outbox_append (self->outbox, "ledger.recorded", "ledger.recorded",
                                 &event->base);
    if (seq < 0)
        return -1;
    assert ((uint64_t) seq == event->seq);
    sqlite3_stmt *insert = self->insert;
    sqlite3_reset (insert);
    sqlite3_bind_int64 (insert, 1, seq);
    const char *texts[] = { event->id, event->kind, event->pairing, event->program,
                            event->from_region, event->to_region };
    for (int index = 0; index < 6; index++)
        sqlite3_bind_text (insert, index + 2, texts[index], -1, SQLITE_STATIC);
    sqlite3_bind_int64 (insert, 8, event->amount_fen);
    sqlite3_bind_text (insert, 9, event->date, -1, SQLITE_STATIC);
    sqlite3_bind_text (insert, 10, event->memo, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (insert, 11, event->recorded_at_ms);
    sqlite3_bind_int64 (insert, 12, (int64_t) event->registry_version);
    int rc = sqlite3_step (insert);
    sqlite3_reset (insert);
    if (rc != SQLITE_DONE) {
        log_error ("event write failed", "id=%s error=\"%s\"", event->id,
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
    if (!stored)
        return ledger_store_append (self, event) ? LEDGER_STORE_FAILED : LEDGER_STORE_APPENDED;
    *first = stored;
    *field = ledger_validate_difference (stored, event);
    return *field ? LEDGER_STORE_CONFLICT : LEDGER_STORE_DUPLICATE;
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
