#include "common/store.h"

#include <stdbool.h>
#include <stdio.h>
#include "common/limits.h"
#include "common/log.h"
#include "common/outbox.h"

static const char *s_meta_schema
    = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);";

sqlite3 *
store_open (const char *path, const char *schema_sql, char *errstr, size_t errstr_size)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        snprintf (errstr, errstr_size, "cannot open %s: %s", path,
                  db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
        sqlite3_close (db);
        return NULL;
    }
    sqlite3_busy_timeout (db, STORE_BUSY_TIMEOUT_MS);
    // WAL with synchronous=FULL: a commit is durable when it returns, and readers do not block
    // the writer.
    const char *pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                          "PRAGMA foreign_keys=ON;";
    char *message = NULL;
    const char *steps[] = { pragmas, s_meta_schema, schema_sql };
    for (size_t index = 0; index < 3; index++) {
        if (!steps[index])
            continue;
        if (sqlite3_exec (db, steps[index], NULL, NULL, &message) != SQLITE_OK) {
            snprintf (errstr, errstr_size, "cannot set up %s: %s", path,
                      message ? message : sqlite3_errmsg (db));
            sqlite3_free (message);
            sqlite3_close (db);
            return NULL;
        }
    }
    return db;
}

void
store_close (sqlite3 **db_p)
{
    if (db_p && *db_p) {
        if (sqlite3_close (*db_p) != SQLITE_OK)
            log_error ("close failed", "error=\"%s\"", sqlite3_errmsg (*db_p));
        *db_p = NULL;
    }
}

int
store_exec (sqlite3 *db, const char *sql)
{
    char *message = NULL;
    if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK) {
        log_error ("sql failed", "sql=\"%.60s\" error=\"%s\"", sql,
                   message ? message : sqlite3_errmsg (db));
        sqlite3_free (message);
        return -1;
    }
    return 0;
}

int
store_add_column (sqlite3 *db, const char *table, const char *name, const char *definition)
{
    char *sql = sqlite3_mprintf ("SELECT 1 FROM pragma_table_info(%Q) WHERE name = %Q", table,
                                 name);
    sqlite3_stmt *statement = NULL;
    int rc = sql ? sqlite3_prepare_v2 (db, sql, -1, &statement, NULL) : SQLITE_NOMEM;
    sqlite3_free (sql);
    bool present = rc == SQLITE_OK && sqlite3_step (statement) == SQLITE_ROW;
    sqlite3_finalize (statement);
    if (rc != SQLITE_OK)
        return -1;
    if (present)
        return 0;
    sql = sqlite3_mprintf ("ALTER TABLE \"%w\" ADD COLUMN %s", table, definition);
    rc = sql ? store_exec (db, sql) : -1;
    sqlite3_free (sql);
    if (rc == 0)
        log_info ("column added", "table=%s column=%s", table, name);
    return rc;
}

int
store_begin (sqlite3 *db)
{
    return store_exec (db, "BEGIN IMMEDIATE");
}

int
store_commit (sqlite3 *db)
{
    return store_exec (db, "COMMIT");
}

void
store_rollback (sqlite3 *db)
{
    if (!sqlite3_get_autocommit (db))
        store_exec (db, "ROLLBACK");
}

int
store_transaction_begin (sqlite3 *db)
{
    return store_begin (db);
}

int
store_transaction_commit (sqlite3 *db, outbox_t *outbox)
{
    if (store_commit (db)) {
        store_transaction_rollback (db, outbox);
        return -1;
    }
    if (outbox)
        outbox_publish (outbox);
    return 0;
}

void
store_transaction_rollback (sqlite3 *db, outbox_t *outbox)
{
    store_rollback (db);
    if (outbox)
        outbox_rollback (outbox);
}

sqlite3_stmt *
store_prepare (sqlite3 *db, const char *sql)
{
    sqlite3_stmt *statement = NULL;
    if (sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, NULL)
        != SQLITE_OK) {
        log_error ("prepare failed", "sql=\"%.60s\" error=\"%s\"", sql, sqlite3_errmsg (db));
        return NULL;
    }
    return statement;
}

int64_t
store_meta_get (sqlite3 *db, const char *key, int64_t fallback)
{
    sqlite3_stmt *statement = NULL;
    if (sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = ?", -1, &statement, NULL)
        != SQLITE_OK)
        return fallback;
    sqlite3_bind_text (statement, 1, key, -1, SQLITE_STATIC);
    int64_t value = fallback;
    if (sqlite3_step (statement) == SQLITE_ROW)
        value = sqlite3_column_int64 (statement, 0);
    sqlite3_finalize (statement);
    return value;
}

int
store_meta_set (sqlite3 *db, const char *key, int64_t value)
{
    sqlite3_stmt *statement = NULL;
    if (sqlite3_prepare_v2 (db, "INSERT INTO meta (key, value) VALUES (?, ?) "
                            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                            -1, &statement, NULL) != SQLITE_OK) {
        log_error ("meta prepare failed", "error=\"%s\"", sqlite3_errmsg (db));
        return -1;
    }
    sqlite3_bind_text (statement, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (statement, 2, value);
    int rc = sqlite3_step (statement);
    sqlite3_finalize (statement);
    if (rc != SQLITE_DONE) {
        log_error ("meta write failed", "key=%s error=\"%s\"", key, sqlite3_errmsg (db));
        return -1;
    }
    return 0;
}
