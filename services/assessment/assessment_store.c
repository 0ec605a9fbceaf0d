#include "assessment_store.h"

#include <stdlib.h>
#include <string.h>
#include "common/log.h"
#include "common/store.h"

// The derived tables, keyed by aggregate (rule, subject, period); see the header.
static const char *s_schema
    = "CREATE TABLE IF NOT EXISTS verdicts ("
      "  rule TEXT NOT NULL, subject TEXT NOT NULL, period TEXT NOT NULL,"
      "  status INTEGER NOT NULL, PRIMARY KEY (rule, subject, period)) WITHOUT ROWID;"
      "CREATE TABLE IF NOT EXISTS parts ("
      "  rule TEXT NOT NULL, subject TEXT NOT NULL, period TEXT NOT NULL,"
      "  part INTEGER NOT NULL, value INTEGER NOT NULL,"
      "  PRIMARY KEY (rule, subject, period, part)) WITHOUT ROWID;"
      "CREATE TABLE IF NOT EXISTS evidence ("
      "  rule TEXT NOT NULL, subject TEXT NOT NULL, period TEXT NOT NULL,"
      "  part INTEGER NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL,"
      "  date TEXT NOT NULL, value INTEGER NOT NULL, cancelled INTEGER NOT NULL DEFAULT 0,"
      "  PRIMARY KEY (rule, subject, period, part, seq)) WITHOUT ROWID;"
      "CREATE INDEX IF NOT EXISTS evidence_by_id ON evidence (id);"
      "CREATE TABLE IF NOT EXISTS disbursements ("
      "  id TEXT PRIMARY KEY, amount_fen INTEGER NOT NULL,"
      "  received_fen INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
      "CREATE TABLE IF NOT EXISTS receipts ("
      "  id TEXT PRIMARY KEY, disbursement TEXT NOT NULL,"
      "  amount_fen INTEGER NOT NULL) WITHOUT ROWID;"
      "CREATE TABLE IF NOT EXISTS packs ("
      "  program TEXT NOT NULL, version INTEGER NOT NULL, text TEXT NOT NULL,"
      "  PRIMARY KEY (program, version)) WITHOUT ROWID;";

// The derived tables (and those of the year-only layout), dropped by a reset.
static const char *s_reset
    = "DROP TABLE IF EXISTS aggregates; DROP TABLE IF EXISTS contributions;"
      "DELETE FROM verdicts; DELETE FROM parts; DELETE FROM evidence;"
      "DELETE FROM disbursements; DELETE FROM receipts;";

// The statements, prepared once.
enum {
    S_PARTS, S_ADD_PART, S_SET_PART, S_DROP_PART, S_VERDICT, S_PUT_VERDICT, S_CONTRIBUTE,
    S_CANCELLABLE, S_CANCEL, S_LATEST, S_EVIDENCE, S_EVIDENCE_TOTAL, S_DISBURSED, S_RECEIVED,
    S_PENDING, S_RECEIPT, S_RECEIPT_UNDO, S_RECEIPT_DROP, S_PACK_KEEP, S_PACK_TEXT,
    S_PACK_LATEST, S_STATEMENTS
};

static const char *s_sql[S_STATEMENTS] = {
    [S_PARTS] = "SELECT part, value FROM parts WHERE rule = ?1 AND subject = ?2 AND period = ?3",
    [S_ADD_PART] = "INSERT INTO parts VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO UPDATE SET "
                   "value = value + excluded.value",
    [S_SET_PART] = "INSERT INTO parts VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO UPDATE SET "
                   "value = excluded.value",
    [S_DROP_PART] = "DELETE FROM parts WHERE rule = ?1 AND subject = ?2 AND period = ?3 "
                    "AND part = ?4",
    [S_VERDICT] = "SELECT status FROM verdicts WHERE rule = ?1 AND subject = ?2 AND period = ?3",
    [S_PUT_VERDICT] = "INSERT INTO verdicts VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO UPDATE SET "
                      "status = excluded.status",
    [S_CONTRIBUTE] = "INSERT OR IGNORE INTO evidence (rule, subject, period, part, seq, id, "
                     "kind, date, value) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [S_CANCELLABLE] = "SELECT rule, subject, period, part, value FROM evidence WHERE id = ?1 "
                      "AND cancelled = 0 ORDER BY seq, part",
    [S_CANCEL] = "UPDATE evidence SET cancelled = 1 WHERE rule = ?1 AND subject = ?2 AND "
                 "period = ?3 AND part = ?4 AND id = ?5",
    [S_LATEST] = "SELECT value FROM evidence WHERE rule = ?1 AND subject = ?2 AND period = ?3 "
                 "AND part = ?4 AND cancelled = 0 ORDER BY date DESC, seq DESC LIMIT 1",
    [S_EVIDENCE] = "SELECT seq, id, kind, date, value, cancelled, part FROM evidence WHERE "
                   "rule = ?1 AND subject = ?2 AND period = ?3 ORDER BY seq, part LIMIT ?4",
    [S_EVIDENCE_TOTAL] = "SELECT COUNT(*) FROM evidence WHERE rule = ?1 AND subject = ?2 AND "
                         "period = ?3",
    [S_DISBURSED] = "INSERT OR IGNORE INTO disbursements (id, amount_fen) VALUES (?1, ?2)",
    [S_RECEIVED] = "UPDATE disbursements SET received_fen = received_fen + ?2 WHERE id = ?1",
    [S_RECEIPT] = "INSERT OR IGNORE INTO receipts VALUES (?1, ?2, ?3)",
    [S_RECEIPT_UNDO] = "UPDATE disbursements SET received_fen = received_fen - "
                       "(SELECT amount_fen FROM receipts WHERE id = ?1) WHERE id = "
                       "(SELECT disbursement FROM receipts WHERE id = ?1)",
    [S_RECEIPT_DROP] = "DELETE FROM receipts WHERE id = ?1",
    [S_PENDING] = "SELECT amount_fen - received_fen FROM disbursements WHERE id = ?1",
    [S_PACK_KEEP] = "INSERT OR IGNORE INTO packs VALUES (?1, ?2, ?3)",
    [S_PACK_TEXT] = "SELECT text FROM packs WHERE program = ?1 AND version = ?2",
    [S_PACK_LATEST] = "SELECT version, text FROM packs WHERE program = ?1 ORDER BY version DESC "
                      "LIMIT 1",
};

struct assessment_store_t {
    sqlite3 *db;
    outbox_t *outbox;
    sqlite3_stmt *statements[S_STATEMENTS];
};

// The statement which, reset and with the aggregate's key bound to ?1..?3 (rule NULL: none).
static sqlite3_stmt *
s_statement (assessment_store_t *self, int which, const char *rule, const char *subject,
             const char *period)
{
    sqlite3_stmt *statement = self->statements[which];
    sqlite3_reset (statement);
    sqlite3_clear_bindings (statement);
    if (rule) {
        sqlite3_bind_text (statement, 1, rule, -1, SQLITE_STATIC);
        sqlite3_bind_text (statement, 2, subject, -1, SQLITE_STATIC);
        sqlite3_bind_text (statement, 3, period, -1, SQLITE_STATIC);
    }
    return statement;
}

// Steps a statement that returns no row. Returns 0, or -1 logged with what.
static int
s_done (assessment_store_t *self, sqlite3_stmt *statement, const char *what)
{
    int rc = sqlite3_step (statement);
    sqlite3_reset (statement);
    if (rc != SQLITE_DONE) {
        log_error ("store write failed", "what=%s error=\"%s\"", what, sqlite3_errmsg (self->db));
        return -1;
    }
    return 0;
}

static bool
s_table_exists (sqlite3 *db, const char *table)
{
    sqlite3_stmt *statement = store_prepare (db, "SELECT 1 FROM sqlite_master WHERE "
                                                 "type = 'table' AND name = ?");
    if (!statement)
        return false;
    sqlite3_bind_text (statement, 1, table, -1, SQLITE_STATIC);
    bool exists = sqlite3_step (statement) == SQLITE_ROW;
    sqlite3_finalize (statement);
    return exists;
}

assessment_store_t *
assessment_store_new (const char *path, const char *pub_endpoint, char *errstr,
                      size_t errstr_size)
{
    assessment_store_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->db = store_open (path, s_schema, errstr, errstr_size);
    bool ready = self->db && (self->outbox = outbox_new (self->db, pub_endpoint));
    for (int which = 0; ready && which < S_STATEMENTS; which++)
        ready = (self->statements[which] = store_prepare (self->db, s_sql[which])) != NULL;
    // The year-only layout (rule, pairing, year): rebuilt from the ledger under the new one.
    if (ready && s_table_exists (self->db, "aggregates")) {
        log_info ("store of the year-only layout: rebuilding from the ledger", "db=%s", path);
        ready = assessment_store_reset (self) == 0;
    }
    if (!ready) {
        if (self->db && !*errstr)
            snprintf (errstr, errstr_size, "cannot set up %s (see the log)", path);
        assessment_store_destroy (&self);
        return NULL;
    }
    return self;
}

void
assessment_store_destroy (assessment_store_t **self_p)
{
    if (self_p && *self_p) {
        assessment_store_t *self = *self_p;
        for (int which = 0; which < S_STATEMENTS; which++)
            sqlite3_finalize (self->statements[which]);
        outbox_destroy (&self->outbox);
        store_close (&self->db);
        free (self);
        *self_p = NULL;
    }
}

outbox_t *
assessment_store_outbox (assessment_store_t *self)
{
    return self->outbox;
}

int
assessment_store_begin (assessment_store_t *self)
{
    return store_transaction_begin (self->db);
}

int
assessment_store_commit (assessment_store_t *self)
{
    return store_transaction_commit (self->db, self->outbox);
}

void
assessment_store_rollback (assessment_store_t *self)
{
    store_transaction_rollback (self->db, self->outbox);
}

sqlite3 *
assessment_store_db (assessment_store_t *self)
{
    return self->db;
}

int
assessment_store_reset (assessment_store_t *self)
{
    int64_t applied = store_meta_get (self->db, ASSESSMENT_META_LEDGER_SEQ, 0);
    int64_t quiet = store_meta_get (self->db, ASSESSMENT_META_QUIET_UNTIL, 0);
    if (assessment_store_begin (self))
        return -1;
    if (store_exec (self->db, s_reset)
        || store_meta_set (self->db, ASSESSMENT_META_LEDGER_SEQ, 0)
        || store_meta_set (self->db, ASSESSMENT_META_QUIET_UNTIL, applied > quiet ? applied
                                                                                  : quiet)
        || assessment_store_commit (self)) {
        assessment_store_rollback (self);
        return -1;
    }
    return 0;
}

int
assessment_store_parts (assessment_store_t *self, const char *rule, const char *subject,
                        const char *period, engine_parts_t *parts)
{
    memset (parts, 0, sizeof *parts);
    sqlite3_stmt *select = s_statement (self, S_PARTS, rule, subject, period);
    int rc;
    while ((rc = sqlite3_step (select)) == SQLITE_ROW) {
        int part = sqlite3_column_int (select, 0);
        if (part >= 0 && part < ENGINE_PARTS) {
            parts->value[part] = sqlite3_column_int64 (select, 1);
            parts->present[part] = true;
        }
    }
    sqlite3_reset (select);
    if (rc != SQLITE_DONE) {
        log_error ("parts read failed", "error=\"%s\"", sqlite3_errmsg (self->db));
        return -1;
    }
    return 0;
}

int
assessment_store_add_part (assessment_store_t *self, const char *rule, const char *subject,
                           const char *period, int part, int64_t delta)
{
    sqlite3_stmt *upsert = s_statement (self, S_ADD_PART, rule, subject, period);
    sqlite3_bind_int (upsert, 4, part);
    sqlite3_bind_int64 (upsert, 5, delta);
    return s_done (self, upsert, "part");
}

int
assessment_store_set_part (assessment_store_t *self, const char *rule, const char *subject,
                           const char *period, int part, const int64_t *value)
{
    sqlite3_stmt *write = s_statement (self, value ? S_SET_PART : S_DROP_PART, rule, subject,
                                       period);
    sqlite3_bind_int (write, 4, part);
    if (value)
        sqlite3_bind_int64 (write, 5, *value);
    return s_done (self, write, "part");
}

int
assessment_store_verdict (assessment_store_t *self, const char *rule, const char *subject,
                          const char *period, Shanhai__V1__ComplianceStatus *status)
{
    sqlite3_stmt *select = s_statement (self, S_VERDICT, rule, subject, period);
    *status = SHANHAI__V1__COMPLIANCE_STATUS__COMPLIANCE_NONE;
    int rc = sqlite3_step (select);
    if (rc == SQLITE_ROW)
        *status = (Shanhai__V1__ComplianceStatus) sqlite3_column_int (select, 0);
    sqlite3_reset (select);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        log_error ("verdict read failed", "error=\"%s\"", sqlite3_errmsg (self->db));
        return -1;
    }
    return rc == SQLITE_ROW ? 0 : 1;
}

int
assessment_store_put_verdict (assessment_store_t *self, const char *rule, const char *subject,
                              const char *period, Shanhai__V1__ComplianceStatus status)
{
    sqlite3_stmt *upsert = s_statement (self, S_PUT_VERDICT, rule, subject, period);
    sqlite3_bind_int (upsert, 4, (int) status);
    return s_done (self, upsert, "verdict");
}

int
assessment_store_contribute (assessment_store_t *self, const char *rule, const char *subject,
                             const char *period, int part,
                             const Shanhai__V1__Contribution *entry)
{
    sqlite3_stmt *insert = s_statement (self, S_CONTRIBUTE, rule, subject, period);
    sqlite3_bind_int (insert, 4, part);
    sqlite3_bind_int64 (insert, 5, (int64_t) entry->seq);
    sqlite3_bind_text (insert, 6, entry->id, -1, SQLITE_STATIC);
    sqlite3_bind_text (insert, 7, entry->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text (insert, 8, entry->date, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (insert, 9, entry->value);
    return s_done (self, insert, "evidence");
}

static void
s_copy_text (char *out, size_t out_size, sqlite3_stmt *statement, int column)
{
    const char *text = (const char *) sqlite3_column_text (statement, column);
    snprintf (out, out_size, "%s", text ? text : "");
}

long
assessment_store_cancel (assessment_store_t *self, const char *id,
                         assessment_store_cancelled_t *out, size_t out_count)
{
    sqlite3_stmt *select = s_statement (self, S_CANCELLABLE, NULL, NULL, NULL);
    sqlite3_bind_text (select, 1, id, -1, SQLITE_STATIC);
    size_t count = 0;
    int rc;
    while (count < out_count && (rc = sqlite3_step (select)) == SQLITE_ROW) {
        assessment_store_cancelled_t *entry = &out[count++];
        s_copy_text (entry->rule, sizeof entry->rule, select, 0);
        s_copy_text (entry->subject, sizeof entry->subject, select, 1);
        s_copy_text (entry->period, sizeof entry->period, select, 2);
        entry->part = sqlite3_column_int (select, 3);
        entry->value = sqlite3_column_int64 (select, 4);
    }
    if (count == out_count)
        rc = SQLITE_DONE;  // the rest stay counted (and uncancelled): the caller's bound
    sqlite3_reset (select);
    if (rc != SQLITE_DONE) {
        log_error ("evidence read failed", "error=\"%s\"", sqlite3_errmsg (self->db));
        return -1;
    }
    // Only what is returned is cancelled, so that the evidence says what the parts hold.
    for (size_t index = 0; index < count; index++) {
        sqlite3_stmt *update = s_statement (self, S_CANCEL, out[index].rule, out[index].subject,
                                            out[index].period);
        sqlite3_bind_int (update, 4, out[index].part);
        sqlite3_bind_text (update, 5, id, -1, SQLITE_STATIC);
        if (s_done (self, update, "cancel"))
            return -1;
    }
    return (long) count;
}

int
assessment_store_latest (assessment_store_t *self, const char *rule, const char *subject,
                         const char *period, int part, int64_t *value)
{
    sqlite3_stmt *select = s_statement (self, S_LATEST, rule, subject, period);
    sqlite3_bind_int (select, 4, part);
    int rc = sqlite3_step (select);
    if (rc == SQLITE_ROW)
        *value = sqlite3_column_int64 (select, 0);
    sqlite3_reset (select);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        log_error ("evidence read failed", "error=\"%s\"", sqlite3_errmsg (self->db));
        return -1;
    }
    return rc == SQLITE_ROW ? 0 : 1;
}

static char *
s_column_text (sqlite3_stmt *statement, int column)
{
    const char *text = (const char *) sqlite3_column_text (statement, column);
    return strdup (text ? text : "");
}

int
assessment_store_contributions (assessment_store_t *self, const char *rule,
                                const char *subject, const char *period,
                                const char *const part_names[ENGINE_PARTS],
                                Shanhai__V1__Explanation *explanation)
{
    sqlite3_stmt *total = s_statement (self, S_EVIDENCE_TOTAL, rule, subject, period);
    int rc = sqlite3_step (total);
    explanation->entries_total = rc == SQLITE_ROW ? (uint32_t) sqlite3_column_int (total, 0) : 0;
    sqlite3_reset (total);
    if (rc != SQLITE_ROW)
        return -1;
    size_t wanted = explanation->entries_total < EXPLAIN_ENTRIES_MAX ? explanation->entries_total
                                                                     : EXPLAIN_ENTRIES_MAX;
    explanation->entries = calloc (wanted + 1, sizeof *explanation->entries);
    if (!explanation->entries)
        return -1;
    sqlite3_stmt *select = s_statement (self, S_EVIDENCE, rule, subject, period);
    sqlite3_bind_int (select, 4, (int) wanted);
    while (explanation->n_entries < wanted && (rc = sqlite3_step (select)) == SQLITE_ROW) {
        Shanhai__V1__Contribution *entry = malloc (sizeof *entry);
        if (!entry)
            break;
        shanhai__v1__contribution__init (entry);
        explanation->entries[explanation->n_entries++] = entry;
        entry->seq = (uint64_t) sqlite3_column_int64 (select, 0);
        entry->id = s_column_text (select, 1);
        entry->kind = s_column_text (select, 2);
        entry->date = s_column_text (select, 3);
        entry->value = sqlite3_column_int64 (select, 4);
        entry->cancelled = sqlite3_column_int (select, 5) != 0;
        int part = sqlite3_column_int (select, 6);
        entry->part = (char *) (part >= 0 && part < ENGINE_PARTS ? part_names[part] : "");
        if (!entry->id || !entry->kind || !entry->date)
            break;
    }
    sqlite3_reset (select);
    return explanation->n_entries == wanted ? 0 : -1;
}

void
assessment_store_contributions_free (Shanhai__V1__Explanation *explanation)
{
    for (size_t index = 0; index < explanation->n_entries; index++) {
        Shanhai__V1__Contribution *entry = explanation->entries[index];
        free (entry->id);
        free (entry->kind);
        free (entry->date);
        free (entry);
    }
    free (explanation->entries);
    explanation->entries = NULL;
    explanation->n_entries = 0;
}

int
assessment_store_disbursed (assessment_store_t *self, const char *id, int64_t amount_fen)
{
    sqlite3_stmt *insert = s_statement (self, S_DISBURSED, NULL, NULL, NULL);
    sqlite3_bind_text (insert, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (insert, 2, amount_fen);
    return s_done (self, insert, "disbursement");
}

int
assessment_store_received (assessment_store_t *self, const char *id, const char *disbursement,
                           int64_t amount_fen)
{
    sqlite3_stmt *insert = s_statement (self, S_RECEIPT, NULL, NULL, NULL);
    sqlite3_bind_text (insert, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text (insert, 2, disbursement, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (insert, 3, amount_fen);
    if (s_done (self, insert, "receipt"))
        return -1;
    if (sqlite3_changes (self->db) == 0)
        return 0;  // applied before
    sqlite3_stmt *update = s_statement (self, S_RECEIVED, NULL, NULL, NULL);
    sqlite3_bind_text (update, 1, disbursement, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (update, 2, amount_fen);
    return s_done (self, update, "receipt");
}

int
assessment_store_receipt_reversed (assessment_store_t *self, const char *id)
{
    sqlite3_stmt *undo = s_statement (self, S_RECEIPT_UNDO, NULL, NULL, NULL);
    sqlite3_bind_text (undo, 1, id, -1, SQLITE_STATIC);
    if (s_done (self, undo, "receipt"))
        return -1;
    sqlite3_stmt *drop = s_statement (self, S_RECEIPT_DROP, NULL, NULL, NULL);
    sqlite3_bind_text (drop, 1, id, -1, SQLITE_STATIC);
    return s_done (self, drop, "receipt");
}

int
assessment_store_pending (assessment_store_t *self, const char *id, int64_t *pending_fen)
{
    sqlite3_stmt *select = s_statement (self, S_PENDING, NULL, NULL, NULL);
    sqlite3_bind_text (select, 1, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step (select);
    *pending_fen = rc == SQLITE_ROW ? sqlite3_column_int64 (select, 0) : 0;
    sqlite3_reset (select);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int
assessment_store_pack_keep (assessment_store_t *self, const char *program, int version,
                            const char *text, bool *conflict)
{
    char *kept = NULL;
    int found = assessment_store_pack_text (self, program, version, &kept);
    *conflict = found == 0 && strcmp (kept, text) != 0;
    free (kept);
    if (found < 0 || *conflict)
        return -1;
    if (found == 0)
        return 0;
    sqlite3_stmt *insert = s_statement (self, S_PACK_KEEP, NULL, NULL, NULL);
    sqlite3_bind_text (insert, 1, program, -1, SQLITE_STATIC);
    sqlite3_bind_int (insert, 2, version);
    sqlite3_bind_text (insert, 3, text, -1, SQLITE_STATIC);
    return s_done (self, insert, "pack");
}

int
assessment_store_pack_text (assessment_store_t *self, const char *program, int version,
                            char **text)
{
    sqlite3_stmt *select = s_statement (self, S_PACK_TEXT, NULL, NULL, NULL);
    sqlite3_bind_text (select, 1, program, -1, SQLITE_STATIC);
    sqlite3_bind_int (select, 2, version);
    int rc = sqlite3_step (select);
    *text = rc == SQLITE_ROW ? s_column_text (select, 0) : NULL;
    sqlite3_reset (select);
    if (rc == SQLITE_ROW && !*text)
        return -1;
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int
assessment_store_pack_latest (assessment_store_t *self, const char *program, int *version,
                              char **text)
{
    sqlite3_stmt *select = s_statement (self, S_PACK_LATEST, NULL, NULL, NULL);
    sqlite3_bind_text (select, 1, program, -1, SQLITE_STATIC);
    int rc = sqlite3_step (select);
    *text = NULL;
    if (rc == SQLITE_ROW) {
        *version = sqlite3_column_int (select, 0);
        *text = s_column_text (select, 1);
    }
    sqlite3_reset (select);
    if (rc == SQLITE_ROW && !*text)
        return -1;
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int64_t
assessment_store_change (assessment_store_t *self, const Shanhai__V1__ComplianceChange *change)
{
    const char *type = change->warning_days ? "compliance.warning" : "compliance.changed";
    return outbox_append (self->outbox, type, type, &change->base);
}

int64_t
assessment_store_meta (assessment_store_t *self, const char *key, int64_t fallback)
{
    return store_meta_get (self->db, key, fallback);
}

int
assessment_store_set_meta (assessment_store_t *self, const char *key, int64_t value)
{
    return store_meta_set (self->db, key, value);
}
