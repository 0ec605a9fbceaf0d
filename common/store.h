/*  store.h: a service's SQLite file. Opened in WAL mode with synchronous=FULL (a commit is on
    disk before it returns), a busy timeout, and a small key/value table `meta` for the
    bookkeeping every service needs (last applied seq, versions). The caller owns the sqlite3
    handle that store_open returns and closes it with store_close. */
#ifndef SHANHAI_STORE_H
#define SHANHAI_STORE_H

#include <sqlite3.h>
#include <stdint.h>
#include <stddef.h>

// Opens (creating if needed) the database at path and runs schema_sql (CREATE ... IF NOT
// EXISTS statements). Returns the handle, or NULL with the reason in errstr.
sqlite3 *store_open (const char *path, const char *schema_sql, char *errstr, size_t errstr_size);
// Closes *db_p (finalizing nothing: the caller finalizes its statements first); nulls it.
void store_close (sqlite3 **db_p);
// Adds a column to table unless it has it (an upgrade of a file an older version made);
// definition is "name TYPE ...". Returns 0 or -1 (logged).
int store_add_column (sqlite3 *db, const char *table, const char *name, const char *definition);
// Runs sql that returns no rows. Returns 0 or -1 (the reason is logged).
int store_exec (sqlite3 *db, const char *sql);
// BEGIN IMMEDIATE / COMMIT / ROLLBACK. Return 0 or -1 (logged).
int store_begin (sqlite3 *db);
int store_commit (sqlite3 *db);
void store_rollback (sqlite3 *db);
// Prepares a statement for the life of the handle. Returns NULL on failure (logged).
sqlite3_stmt *store_prepare (sqlite3 *db, const char *sql);

// The one transaction shape of every service that publishes (outbox.h): begin; write the
// effects and their outbox rows; commit, and only then publish; or roll back and forget the
// seqs appended. outbox may be NULL for a store that publishes nothing.
typedef struct outbox_t outbox_t;
// BEGIN IMMEDIATE. Returns 0 or -1 (logged).
int store_transaction_begin (sqlite3 *db);
// COMMIT, then publishes what the outbox gained. Returns 0 when the transaction is on disk;
// on a failed commit rolls back (and the outbox's head with it) and returns -1.
int store_transaction_commit (sqlite3 *db, outbox_t *outbox);
// ROLLBACK (when a transaction is open) and forgets the outbox's uncommitted seqs.
void store_transaction_rollback (sqlite3 *db, outbox_t *outbox);
// meta(key, value INTEGER): returns the value, or fallback when the key is absent.
int64_t store_meta_get (sqlite3 *db, const char *key, int64_t fallback);
// Sets meta(key) = value; meant to run inside the caller's transaction. Returns 0 or -1.
int store_meta_set (sqlite3 *db, const char *key, int64_t value);

#endif
