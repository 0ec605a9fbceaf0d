#include "assessment_store.h"

#include <stdlib.h>
#include <string.h>
#include "common/log.h"
#include "common/store.h"

static const char *s_schema
    = "CREATE TABLE IF NOT EXISTS aggregates ("
      "  rule TEXT NOT NULL, pairing TEXT NOT NULL, year INTEGER NOT NULL,"
      "  actual INTEGER NOT NULL, status INTEGER NOT NULL,"
      "  PRIMARY KEY (rule, pairing, year)) WITHOUT ROWID;"
      // The evidence of each aggregate: every ledger event that counted toward it.
      "CREATE TABLE IF NOT EXISTS contributions ("
      "  rule TEXT NOT NULL, pairing TEXT NOT NULL, year INTEGER NOT NULL,"
      "  seq INTEGER NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL, date TEXT NOT NULL,"
      "  value INTEGER NOT NULL, cancelled INTEGER NOT NULL DEFAULT 0,"
      "  PRIMARY KEY (rule, pairing, year, seq)) WITHOUT ROWID;";

struct assessment_store_t {
    sqlite3 *db;
    outbox_t *outbox;
    sqlite3_stmt *get;
    sqlite3_stmt *put;
    sqlite3_stmt *contribute;
    sqlite3_stmt *contributions;
    sqlite3_stmt *contributions_total;
};

assessment_store_t *
assessment_store_new (const char *path, const char *pub_endpoint, char *errstr,
                      size_t errstr_size)
{
    assessment_store_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->db = store_open (path, s_schema, errstr, errstr_size);
    if (self->db) {
        self->outbox = outbox_new (self->db, pub_endpoint);
        self->get = store_prepare (self->db, "SELECT actual, status FROM aggregates "
                                             "WHERE rule = ? AND pairing = ? AND year = ?");
        self->put = store_prepare (self->db, "INSERT INTO aggregates VALUES (?, ?, ?, ?, ?) "
                                             "ON CONFLICT (rule, pairing, year) DO UPDATE SET "
                                             "actual = excluded.actual, status = excluded.status");
    }
    if (self->db) {
        self->contribute = store_prepare (self->db, "INSERT OR IGNORE INTO contributions "
                                          "(rule, pairing, year, seq, id, kind, date, value) "
                                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        self->contributions = store_prepare (self->db, "SELECT seq, id, kind, date, value, "
                                             "cancelled FROM contributions WHERE rule = ? AND "
                                             "pairing = ? AND year = ? ORDER BY seq LIMIT ?");
        self->contributions_total = store_prepare (self->db, "SELECT COUNT(*) FROM "
                                                   "contributions WHERE rule = ? AND "
                                                   "pairing = ? AND year = ?");
    }
    if (!self->db || !self->outbox || !self->get || !self->put || !self->contribute
        || !self->contributions || !self->contributions_total) {
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
        sqlite3_finalize (self->get);
        sqlite3_finalize (self->put);
        sqlite3_finalize (self->contribute);
        sqlite3_finalize (self->contributions);
        sqlite3_finalize (self->contributions_total);
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
assessment_store_get (assessment_store_t *self, const char *rule, const char *pairing, int year,
                      int64_t *actual, Shanhai__V1__ComplianceStatus *status)
{
    sqlite3_reset (self->get);
    sqlite3_bind_text (self->get, 1, rule, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (self->get, 2, pairing, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int (self->get, 3, year);
    *actual = 0;
    *status = SHANHAI__V1__COMPLIANCE_STATUS__COMPLIANCE_NONE;
    int rc = sqlite3_step (self->get);
    if (rc == SQLITE_ROW) {
        *actual = sqlite3_column_int64 (self->get, 0);
        *status = (Shanhai__V1__ComplianceStatus) sqlite3_column_int (self->get, 1);
    }
    sqlite3_reset (self->get);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        log_error ("aggregate read failed", "error=\"%s\"", sqlite3_errmsg (self->db));
        return -1;
    }
    return rc == SQLITE_ROW ? 0 : 1;
}

int
assessment_store_put (assessment_store_t *self, const char *rule, const char *pairing, int year,
                      int64_t actual, Shanhai__V1__ComplianceStatus status)
{
    sqlite3_reset (self->put);
    sqlite3_bind_text (self->put, 1, rule, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (self->put, 2, pairing, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int (self->put, 3, year);
    sqlite3_bind_int64 (self->put, 4, actual);
    sqlite3_bind_int (self->put, 5, (int) status);
    int rc = sqlite3_step (self->put);
    sqlite3_reset (self->put);
    if (rc != SQLITE_DONE) {
        log_error ("aggregate write failed", "error=\"%s\"", sqlite3_errmsg (self->db));
        return -1;
    }
    return 0;
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

int
assessment_store_contribute (assessment_store_t *self, const char *rule, const char *pairing,
                             int year, const Shanhai__V1__Contribution *entry)
{
    sqlite3_stmt *insert = self->contribute;
    sqlite3_reset (insert);
    sqlite3_bind_text (insert, 1, rule, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (insert, 2, pairing, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int (insert, 3, year);
    sqlite3_bind_int64 (insert, 4, (int64_t) entry->seq);
    sqlite3_bind_text (insert, 5, entry->id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (insert, 6, entry->kind, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (insert, 7, entry->date, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64 (insert, 8, entry->value);
    int rc = sqlite3_step (insert);
    sqlite3_reset (insert);
    if (rc != SQLITE_DONE) {
        log_error ("contribution write failed", "error=\"%s\"", sqlite3_errmsg (self->db));
        return -1;
    }
    return 0;
}

static char *
s_column_text (sqlite3_stmt *statement, int column)
{
    const char *text = (const char *) sqlite3_column_text (statement, column);
    return strdup (text ? text : "");
}

int
assessment_store_contributions (assessment_store_t *self, const char *rule,
                                const char *pairing, int year,
                                Shanhai__V1__Explanation *explanation)
{
    sqlite3_stmt *total = self->contributions_total;
    sqlite3_reset (total);
    sqlite3_bind_text (total, 1, rule, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (total, 2, pairing, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int (total, 3, year);
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
    sqlite3_stmt *select = self->contributions;
    sqlite3_reset (select);
    sqlite3_bind_text (select, 1, rule, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (select, 2, pairing, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int (select, 3, year);
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
