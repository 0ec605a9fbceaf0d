#include "common/registry_replica.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "common/date.h"
#include "common/errstr.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/registry_model.h"
#include "common/rpc.h"
#include "common/store.h"

// One row: the newest committed snapshot, packed as the registry sent it.
static const char *s_schema
    = "CREATE TABLE IF NOT EXISTS registry_replica ("
      "  slot INTEGER PRIMARY KEY CHECK (slot = 1), version INTEGER NOT NULL,"
      "  snapshot BLOB NOT NULL);";

struct registry_replica_t {
    sqlite3 *db;
    char endpoint[ENDPOINT_BYTES_MAX];
    registry_view_t *view;       // current, or NULL
    registry_view_t *prepared;   // fetched and checked, not yet committed
    uint8_t *prepared_packed;    // the snapshot as it is stored
    size_t prepared_size;
};

// Decodes and checks a packed snapshot, and builds its view. Returns NULL with the reason;
// *empty is set (when not NULL) for the snapshot of a registry that was never loaded.
static registry_view_t *
s_view_of (const uint8_t *packed, size_t size, bool *empty, char *errstr, size_t errstr_size)
{
    Shanhai__V1__RegistrySnapshot *snapshot
        = shanhai__v1__registry_snapshot__unpack (NULL, size, packed);
    if (!snapshot) {
        errstr_set (errstr, errstr_size, "the registry snapshot does not decode");
        return NULL;
    }
    registry_view_t *view = NULL;
    char reason[RPC_ERROR_BYTES_MAX];
    if (empty)
        *empty = snapshot->version == 0;
    if (!snapshot->doc || snapshot->version == 0)
        errstr_set (errstr, errstr_size, "the registry snapshot is empty");
    else if (registry_model_validate (snapshot->doc, reason, sizeof reason))
        errstr_set (errstr, errstr_size, "the registry snapshot of version %llu is invalid: %s",
                    (unsigned long long) snapshot->version, reason);
    else {
        Shanhai__V1__RegistryDoc *doc = snapshot->doc;
        snapshot->doc = NULL;  // the view takes the document
        view = registry_view_new (&doc, snapshot->version, snapshot->deployment);
        if (!view)
            errstr_set (errstr, errstr_size, "out of memory");
    }
    shanhai__v1__registry_snapshot__free_unpacked (snapshot, NULL);
    return view;
}

// Loads the stored snapshot. Returns 0 (with or without one) or -1 with the reason.
static int
s_load (registry_replica_t *self, char *errstr, size_t errstr_size)
{
    sqlite3_stmt *select = NULL;
    if (sqlite3_prepare_v2 (self->db, "SELECT snapshot FROM registry_replica WHERE slot = 1",
                            -1, &select, NULL) != SQLITE_OK)
        return errstr_set (errstr, errstr_size, "cannot read the registry replica: %s",
                           sqlite3_errmsg (self->db));
    int rc = sqlite3_step (select);
    if (rc == SQLITE_ROW)
        self->view = s_view_of (sqlite3_column_blob (select, 0),
                                (size_t) sqlite3_column_bytes (select, 0), NULL, errstr,
                                errstr_size);
    sqlite3_finalize (select);
    if (rc == SQLITE_ROW && !self->view)
        return -1;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return errstr_set (errstr, errstr_size, "cannot read the registry replica");
    return 0;
}

registry_replica_t *
registry_replica_new (sqlite3 *db, const char *registry_rpc, char *errstr, size_t errstr_size)
{
    assert (db && registry_rpc);
    if (store_exec (db, s_schema)) {
        errstr_set (errstr, errstr_size, "cannot create the registry replica's table");
        return NULL;
    }
    registry_replica_t *self = calloc (1, sizeof *self);
    if (!self) {
        errstr_set (errstr, errstr_size, "out of memory");
        return NULL;
    }
    self->db = db;
    snprintf (self->endpoint, sizeof self->endpoint, "%s", registry_rpc);
    if (s_load (self, errstr, errstr_size)) {
        registry_replica_destroy (&self);
        return NULL;
    }
    if (self->view)
        log_info ("registry replica loaded", "version=%llu deployment=%s",
                  (unsigned long long) registry_view_version (self->view),
                  registry_view_deployment (self->view));
    return self;
}

static void
s_drop_prepared (registry_replica_t *self)
{
    registry_view_destroy (&self->prepared);
    free (self->prepared_packed);
    self->prepared_packed = NULL;
    self->prepared_size = 0;
}

void
registry_replica_destroy (registry_replica_t **self_p)
{
    if (self_p && *self_p) {
        registry_replica_t *self = *self_p;
        s_drop_prepared (self);
        registry_view_destroy (&self->view);
        free (self);
        *self_p = NULL;
    }
}

const registry_view_t *
registry_replica_view (const registry_replica_t *self)
{
    return self->view;
}

const registry_view_t *
registry_replica_prepared (const registry_replica_t *self)
{
    return self->prepared;
}

uint64_t
registry_replica_version (const registry_replica_t *self)
{
    return self->view ? registry_view_version (self->view) : 0;
}

int
registry_replica_prepare (registry_replica_t *self, uint64_t version)
{
    if (self->prepared && registry_view_version (self->prepared) >= version)
        return 1;
    if (version <= registry_replica_version (self))
        return 0;
    s_drop_prepared (self);
    rpc_client_t *client = rpc_client_new (self->endpoint, RPC_TIMEOUT_MS);
    if (!client)
        return -1;
    rpc_client_set_connect_wait (client, RPC_CONNECT_WAIT_MS);
    Shanhai__V1__SnapshotRequest request = SHANHAI__V1__SNAPSHOT_REQUEST__INIT;
    uint8_t *packed = NULL;
    size_t size = 0;
    uint8_t body[8];
    size_t body_size = shanhai__v1__snapshot_request__pack (&request, body);
    rpc_status_t status = rpc_client_call_raw (client, "registry.Snapshot", body, body_size,
                                               &packed, &size);
    if (status != RPC_OK) {
        log_warn ("registry snapshot not had", "status=%s error=\"%s\"",
                  rpc_status_name (status), rpc_client_error (client));
        rpc_client_destroy (&client);
        return -1;
    }
    rpc_client_destroy (&client);
    char errstr[RPC_ERROR_BYTES_MAX];
    bool empty = false;
    registry_view_t *view = s_view_of (packed, size, &empty, errstr, sizeof errstr);
    if (!view && empty) {
        free (packed);
        return 0;  // nothing was ever loaded: nothing to take
    }
    if (!view) {
        log_error ("registry snapshot refused", "error=\"%s\"", errstr);
        free (packed);
        return -1;
    }
    if (registry_view_version (view) <= registry_replica_version (self)) {
        // The registry went back (a new data directory): keep what we have, say so.
        log_warn ("registry snapshot is not newer", "have=%llu got=%llu",
                  (unsigned long long) registry_replica_version (self),
                  (unsigned long long) registry_view_version (view));
        registry_view_destroy (&view);
        free (packed);
        return 0;
    }
    self->prepared = view;
    self->prepared_packed = packed;
    self->prepared_size = size;
    return 1;
}

int
registry_replica_write (registry_replica_t *self)
{
    if (!self->prepared)
        return 0;
    assert (!sqlite3_get_autocommit (self->db));
    sqlite3_stmt *insert = NULL;
    if (sqlite3_prepare_v2 (self->db, "INSERT INTO registry_replica (slot, version, snapshot) "
                            "VALUES (1, ?, ?) ON CONFLICT (slot) DO UPDATE SET "
                            "version = excluded.version, snapshot = excluded.snapshot",
                            -1, &insert, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64 (insert, 1, (int64_t) registry_view_version (self->prepared));
    sqlite3_bind_blob (insert, 2, self->prepared_packed, (int) self->prepared_size,
                       SQLITE_STATIC);
    int rc = sqlite3_step (insert);
    sqlite3_finalize (insert);
    if (rc != SQLITE_DONE) {
        log_error ("registry replica write failed", "error=\"%s\"", sqlite3_errmsg (self->db));
        return -1;
    }
    return 0;
}

bool
registry_replica_finish (registry_replica_t *self, bool committed)
{
    if (!self->prepared)
        return false;
    if (!committed) {
        s_drop_prepared (self);
        return false;
    }
    registry_view_destroy (&self->view);
    self->view = self->prepared;
    self->prepared = NULL;
    free (self->prepared_packed);
    self->prepared_packed = NULL;
    self->prepared_size = 0;
    log_info ("registry replica swapped", "version=%llu",
              (unsigned long long) registry_view_version (self->view));
    return true;
}

uint64_t
registry_replica_changed_version (const Shanhai__V1__Event *event)
{
    Shanhai__V1__RegistryChanged *changed
        = shanhai__v1__registry_changed__unpack (NULL, event->body.len, event->body.data);
    uint64_t version = changed ? changed->version : 0;
    if (changed)
        shanhai__v1__registry_changed__free_unpacked (changed, NULL);
    return version;
}

int32_t
registry_replica_clock_day (const Shanhai__V1__Event *event)
{
    Shanhai__V1__ClockChanged *changed
        = shanhai__v1__clock_changed__unpack (NULL, event->body.len, event->body.data);
    int32_t day = -1;
    if (!changed || date_parse (changed->today, &day))
        day = -1;
    if (changed)
        shanhai__v1__clock_changed__free_unpacked (changed, NULL);
    return day;
}

int
registry_replica_apply (registry_replica_t *self, const Shanhai__V1__Event *const *events,
                        size_t count, const char *seq_key, int32_t *clock_day)
{
    assert (count > 0 && seq_key);
    uint64_t version = 0;
    int32_t day = -1;
    for (size_t index = 0; index < count; index++) {
        const Shanhai__V1__Event *event = events[index];
        if (strcmp (event->type, "registry.changed") == 0) {
            uint64_t changed = registry_replica_changed_version (event);
            version = changed > version ? changed : version;
        } else if (strcmp (event->type, "clock.changed") == 0) {
            int32_t moved = registry_replica_clock_day (event);
            if (moved < 0)
                log_warn ("malformed clock.changed skipped", "seq=%llu",
                          (unsigned long long) event->seq);
            day = moved > day ? moved : day;
        }
    }
    if (version && registry_replica_prepare (self, version) < 0)
        return -1;
    int rc = store_transaction_begin (self->db);
    if (rc == 0)
        rc = registry_replica_write (self);
    if (rc == 0 && day >= 0)
        rc = store_meta_set (self->db, "clock_day", day);
    if (rc == 0)
        rc = store_meta_set (self->db, seq_key, (int64_t) events[count - 1]->seq);
    if (rc == 0)
        rc = store_transaction_commit (self->db, NULL);
    else
        store_transaction_rollback (self->db, NULL);
    registry_replica_finish (self, rc == 0);
    if (rc)
        return -1;
    if (clock_day && day >= 0)
        *clock_day = day;
    return (int) count;
}
