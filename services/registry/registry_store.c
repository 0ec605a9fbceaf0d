#include "registry_store.h"

#include <assert.h>
#include <ctype.h>
#include <czmq.h>
#include <stdlib.h>
#include <string.h>
#include "common/date.h"
#include "common/errstr.h"
#include "common/log.h"
#include "common/store.h"

static const char *s_schema
    = "CREATE TABLE IF NOT EXISTS documents ("
      "  version INTEGER PRIMARY KEY, loaded_at_ms INTEGER NOT NULL, doc BLOB NOT NULL);"
      "CREATE TABLE IF NOT EXISTS deployment ("
      "  slot INTEGER PRIMARY KEY CHECK (slot = 1), id TEXT NOT NULL);";

struct registry_store_t {
    sqlite3 *db;
    outbox_t *outbox;
    char deployment[REGISTRY_DEPLOYMENT_BYTES];
};

// Reads the deployment id, making it at the first open. Returns 0 or -1.
static int
s_deployment (registry_store_t *self)
{
    sqlite3_stmt *statement = NULL;
    int rc = sqlite3_prepare_v2 (self->db, "SELECT id FROM deployment WHERE slot = 1", -1,
                                 &statement, NULL);
    if (rc == SQLITE_OK && sqlite3_step (statement) == SQLITE_ROW)
        snprintf (self->deployment, sizeof self->deployment, "%s",
                  (const char *) sqlite3_column_text (statement, 0));
    sqlite3_finalize (statement);
    if (rc != SQLITE_OK)
        return -1;
    if (*self->deployment)
        return 0;
    zuuid_t *uuid = zuuid_new ();
    if (!uuid)
        return -1;
    snprintf (self->deployment, sizeof self->deployment, "%s", zuuid_str_canonical (uuid));
    // The canonical form has dashes; keep the 32 hex digits only.
    char *out = self->deployment;
    for (const char *in = zuuid_str_canonical (uuid); *in; in++)
        if (*in != '-')
            *out++ = (char) tolower ((unsigned char) *in);
    *out = '\0';
    zuuid_destroy (&uuid);
    char sql[128];
    snprintf (sql, sizeof sql, "INSERT INTO deployment (slot, id) VALUES (1, '%s')",
              self->deployment);
    if (store_exec (self->db, sql))
        return -1;
    log_info ("deployment made", "deployment=%s", self->deployment);
    return 0;
}

registry_store_t *
registry_store_new (const char *path, const char *pub_endpoint, char *errstr,
                    size_t errstr_size)
{
    registry_store_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->db = store_open (path, s_schema, errstr, errstr_size);
    if (self->db)
        self->outbox = outbox_new (self->db, pub_endpoint);
    if (!self->db || !self->outbox || s_deployment (self)) {
        if (self->db && !*errstr)
            errstr_set (errstr, errstr_size, "cannot set up %s (see the log)", path);
        registry_store_destroy (&self);
        return NULL;
    }
    return self;
}

void
registry_store_destroy (registry_store_t **self_p)
{
    if (self_p && *self_p) {
        registry_store_t *self = *self_p;
        outbox_destroy (&self->outbox);
        store_close (&self->db);
        free (self);
        *self_p = NULL;
    }
}

outbox_t *
registry_store_outbox (registry_store_t *self)
{
    return self->outbox;
}

const char *
registry_store_deployment (registry_store_t *self)
{
    return self->deployment;
}

// Inside the load's transaction: the packed document as the row of version.
static int
s_write_doc (registry_store_t *self, const Shanhai__V1__RegistryDoc *doc, uint64_t version)
{
    size_t size = shanhai__v1__registry_doc__get_packed_size (doc);
    uint8_t *packed = malloc (size ? size : 1);
    sqlite3_stmt *insert = NULL;
    int rc = -1;
    if (packed && sqlite3_prepare_v2 (self->db, "INSERT INTO documents (version, "
                                      "loaded_at_ms, doc) VALUES (?, ?, ?)",
                                      -1, &insert, NULL) == SQLITE_OK) {
        shanhai__v1__registry_doc__pack (doc, packed);
        sqlite3_bind_int64 (insert, 1, (int64_t) version);
        sqlite3_bind_int64 (insert, 2, date_now_ms ());
        sqlite3_bind_blob (insert, 3, packed, (int) size, SQLITE_STATIC);
        rc = sqlite3_step (insert) == SQLITE_DONE ? 0 : -1;
    }
    if (rc)
        log_error ("registry write failed", "error=\"%s\"", sqlite3_errmsg (self->db));
    sqlite3_finalize (insert);
    free (packed);
    return rc;
}

int
registry_store_load (registry_store_t *self, const Shanhai__V1__RegistryDoc *doc,
                     Shanhai__V1__LoadReply *reply)
{
    if (store_transaction_begin (self->db))
        return -1;
    uint64_t version = (uint64_t) store_meta_get (self->db, "version", 0) + 1;
    Shanhai__V1__RegistryChanged changed = SHANHAI__V1__REGISTRY_CHANGED__INIT;
    changed.version = version;
    changed.deployment = self->deployment;
    if (s_write_doc (self, doc, version) || store_meta_set (self->db, "version", (int64_t) version)
        || outbox_append (self->outbox, "registry.changed", "registry.changed", &changed.base) < 0
        || store_transaction_commit (self->db, self->outbox)) {
        store_transaction_rollback (self->db, self->outbox);
        return -1;
    }
    reply->programs = (uint32_t) doc->n_programs;
    reply->regions = (uint32_t) doc->n_regions;
    reply->pairings = (uint32_t) doc->n_pairings;
    reply->people = (uint32_t) doc->n_people;
    reply->version = version;
    return 0;
}

Shanhai__V1__RegistryDoc *
registry_store_document (registry_store_t *self, uint64_t *version)
{
    *version = 0;
    sqlite3_stmt *select = NULL;
    if (sqlite3_prepare_v2 (self->db, "SELECT version, doc FROM documents "
                            "ORDER BY version DESC LIMIT 1", -1, &select, NULL) != SQLITE_OK)
        return NULL;
    Shanhai__V1__RegistryDoc *doc = NULL;
    int rc = sqlite3_step (select);
    if (rc == SQLITE_ROW) {
        *version = (uint64_t) sqlite3_column_int64 (select, 0);
        doc = shanhai__v1__registry_doc__unpack (NULL, (size_t) sqlite3_column_bytes (select, 1),
                                                 sqlite3_column_blob (select, 1));
        if (!doc)
            log_error ("stored registry document does not decode", "version=%llu",
                       (unsigned long long) *version);
    } else if (rc != SQLITE_DONE)
        log_error ("registry read failed", "error=\"%s\"", sqlite3_errmsg (self->db));
    sqlite3_finalize (select);
    return doc;
}

int32_t
registry_store_clock (registry_store_t *self, bool *fixed)
{
    *fixed = store_meta_get (self->db, "clock_fixed", 0) != 0;
    return (int32_t) store_meta_get (self->db, "clock_day", -1);
}

int
registry_store_set_clock (registry_store_t *self, int32_t day, bool fixed)
{
    bool was_fixed;
    int32_t previous = registry_store_clock (self, &was_fixed);
    assert (day > previous);
    char previous_text[DATE_TEXT_BYTES] = "", today_text[DATE_TEXT_BYTES];
    if (previous >= 0)
        date_format (previous, previous_text);
    date_format (day, today_text);
    Shanhai__V1__ClockChanged changed = SHANHAI__V1__CLOCK_CHANGED__INIT;
    changed.previous = previous_text;
    changed.today = today_text;
    if (store_transaction_begin (self->db) || store_meta_set (self->db, "clock_day", day)
        || store_meta_set (self->db, "clock_fixed", fixed)
        || outbox_append (self->outbox, "clock.changed", "clock.changed", &changed.base) < 0
        || store_transaction_commit (self->db, self->outbox)) {
        store_transaction_rollback (self->db, self->outbox);
        return -1;
    }
    log_info ("clock moved", "previous=%s today=%s fixed=%d", *previous_text ? previous_text : "-",
              today_text, fixed);
    return 0;
}

int
registry_store_set_clock_mode (registry_store_t *self, bool fixed)
{
    if (store_transaction_begin (self->db) || store_meta_set (self->db, "clock_fixed", fixed)
        || store_transaction_commit (self->db, NULL)) {
        store_transaction_rollback (self->db, NULL);
        return -1;
    }
    log_info ("clock mode set", "fixed=%d", fixed);
    return 0;
}
