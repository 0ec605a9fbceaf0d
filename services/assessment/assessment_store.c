#include "assessment_store.h"

#include <stdlib.h>
#include "common/log.h"
#include "common/store.h"

static const char *s_schema
    = "CREATE TABLE IF NOT EXISTS aggregates ("
      "  rule TEXT NOT NULL, pairing TEXT NOT NULL, year INTEGER NOT NULL,"
      "  actual INTEGER NOT NULL, status INTEGER NOT NULL,"
      "  PRIMARY KEY (rule, pairing, year)) WITHOUT ROWID;";

struct assessment_store_t {
    sqlite3 *db;
    outbox_t *outbox;
    sqlite3_stmt *get;
    sqlite3_stmt *put;
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
    if (!self->db || !self->outbox || !self->get || !self->put) {
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
    return outbox_append (self->outbox, "compliance.changed", "compliance.changed",
                          &change->base);
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
