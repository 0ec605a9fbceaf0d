#include "raw.h"

#include <assert.h>
#include <czmq.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "common/rpc.h"
#include "common/store.h"

// A frame of about the size of a small request.
static const char *s_ping_text = "ping with a body of about the size of a small request";

// The ledger's events table as services/ledger/ledger_store.c creates it: the raw measure
// writes the same rows into the same shape. Keep the two alike when the ledger's changes.
static const char *s_ledger_schema
    = "CREATE TABLE IF NOT EXISTS events ("
      "  seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,"
      "  pairing TEXT NOT NULL, program TEXT NOT NULL, from_region TEXT NOT NULL,"
      "  to_region TEXT NOT NULL, amount_fen INTEGER NOT NULL, date TEXT NOT NULL,"
      "  memo TEXT NOT NULL, recorded_at_ms INTEGER NOT NULL);"
      "CREATE INDEX IF NOT EXISTS events_pairing ON events (pairing, date);";

double
raw_per_second (raw_figure_t figure)
{
    if (figure.count <= 0 || figure.elapsed_us <= 0)
        return 0;
    return figure.count / (figure.elapsed_us / 1e6);
}

void
raw_print (const char *name, raw_figure_t figure)
{
    if (figure.count <= 0)
        printf ("%-40s could not be measured\n", name);
    else
        printf ("%-40s %8ld in %7.3f s  %10.0f /s\n", name, figure.count,
                figure.elapsed_us / 1e6, raw_per_second (figure));
    fflush (stdout);
}

int64_t
raw_now_us (void)
{
    struct timespec now;
    clock_gettime (CLOCK_MONOTONIC, &now);
    return (int64_t) now.tv_sec * 1000000 + now.tv_nsec / 1000;
}

// Echoes every message on a ROUTER bound to a free loopback port; tells the port on the pipe
// after the start signal.
static void
s_echo_actor (zsock_t *pipe, void *args)
{
    zsock_t *router = zsock_new (ZMQ_ROUTER);
    assert (router);
    zsock_set_sndhwm (router, ZMQ_HWM_MESSAGES);
    zsock_set_rcvhwm (router, ZMQ_HWM_MESSAGES);
    int port = zsock_bind (router, "tcp://127.0.0.1:*");
    zsock_signal (pipe, 0);
    zstr_sendf (pipe, "%d", port);
    zpoller_t *poller = zpoller_new (pipe, router, NULL);
    while (port > 0 && zpoller_wait (poller, -1) == router) {
        zmsg_t *msg = zmsg_recv (router);
        if (msg && zmsg_send (&msg, router) != 0)
            zmsg_destroy (&msg);
    }
    zpoller_destroy (&poller);
    zsock_destroy (&router);
}

// Starts the echo and connects a DEALER to it; NULL when it could not bind.
static zsock_t *
s_echo_start (zactor_t **echo_p)
{
    *echo_p = zactor_new (s_echo_actor, NULL);
    char *port = zstr_recv (*echo_p);
    zsock_t *dealer = NULL;
    if (port && atoi (port) > 0) {
        dealer = zsock_new (ZMQ_DEALER);
        assert (dealer);
        zsock_set_sndhwm (dealer, ZMQ_HWM_MESSAGES);
        zsock_set_rcvhwm (dealer, ZMQ_HWM_MESSAGES);
        zsock_set_rcvtimeo (dealer, RPC_TIMEOUT_MS);
        zsock_set_linger (dealer, 0);
        if (zsock_connect (dealer, "tcp://127.0.0.1:%s", port) != 0)
            zsock_destroy (&dealer);
    }
    zstr_free (&port);
    return dealer;
}

raw_figure_t
raw_zmq_round_trips (long count)
{
    zactor_t *echo = NULL;
    zsock_t *dealer = s_echo_start (&echo);
    raw_figure_t figure = { 0, 0 };
    int64_t start = raw_now_us ();
    for (long index = 0; dealer && index < count; index++) {
        zstr_send (dealer, s_ping_text);
        char *reply = zstr_recv (dealer);
        if (!reply)
            break;
        zstr_free (&reply);
        figure.count++;
    }
    figure.elapsed_us = raw_now_us () - start;
    zsock_destroy (&dealer);
    zactor_destroy (&echo);
    return figure;
}

raw_figure_t
raw_zmq_pipelined (long count, long window)
{
    assert (window > 0);
    zactor_t *echo = NULL;
    zsock_t *dealer = s_echo_start (&echo);
    raw_figure_t figure = { 0, 0 };
    long sent = 0;
    int64_t start = raw_now_us ();
    while (dealer && figure.count < count) {
        while (sent < count && sent - figure.count < window) {
            zstr_send (dealer, s_ping_text);
            sent++;
        }
        char *reply = zstr_recv (dealer);
        if (!reply)
            break;
        zstr_free (&reply);
        figure.count++;
    }
    figure.elapsed_us = raw_now_us () - start;
    zsock_destroy (&dealer);
    zactor_destroy (&echo);
    return figure;
}

static void
s_ping (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    Shanhai__V1__Clock clock = SHANHAI__V1__CLOCK__INIT;
    clock.today = "2021-01-01";
    rpc_reply_set_body (reply, &clock.base);
}

// An rpc server with one method, bench.Ping, on a free loopback port told on the pipe.
static void
s_rpc_actor (zsock_t *pipe, void *args)
{
    static const rpc_method_t methods[] = { { "bench.Ping", s_ping }, { NULL, NULL } };
    rpc_server_t *server = NULL;
    int port = 0;
    // A port found free may be taken before the bind: a few tries on other ports.
    for (int attempt = 0; attempt < 8 && !server; attempt++) {
        // Below the kernel's ephemeral range (32768 and up), as the integration tests choose.
        port = 20000 + (int) (raw_now_us () % 12000);
        char endpoint[64];
        snprintf (endpoint, sizeof endpoint, "tcp://127.0.0.1:%d", port);
        server = rpc_server_new (endpoint, methods, NULL);
    }
    zsock_signal (pipe, 0);
    zstr_sendf (pipe, "%d", server ? port : 0);
    zpoller_t *poller = server ? zpoller_new (pipe, rpc_server_socket (server), NULL) : NULL;
    while (poller && zpoller_wait (poller, -1) == rpc_server_socket (server))
        rpc_server_handle_all (server);
    zpoller_destroy (&poller);
    rpc_server_destroy (&server);
}

raw_figure_t
raw_rpc_round_trips (long count)
{
    zactor_t *server = zactor_new (s_rpc_actor, NULL);
    char *port = zstr_recv (server);
    raw_figure_t figure = { 0, 0 };
    rpc_client_t *client = NULL;
    if (port && atoi (port) > 0) {
        char endpoint[64];
        snprintf (endpoint, sizeof endpoint, "tcp://127.0.0.1:%s", port);
        client = rpc_client_new (endpoint, RPC_TIMEOUT_MS);
    }
    zstr_free (&port);
    Shanhai__V1__SetClockRequest request = SHANHAI__V1__SET_CLOCK_REQUEST__INIT;
    request.date = "2021-01-01";
    int64_t start = raw_now_us ();
    for (long index = 0; client && index < count; index++) {
        Shanhai__V1__Clock *clock = NULL;
        if (rpc_client_call (client, "bench.Ping", &request.base, &shanhai__v1__clock__descriptor,
                             (ProtobufCMessage **) &clock)
            != RPC_OK)
            break;
        shanhai__v1__clock__free_unpacked (clock, NULL);
        figure.count++;
    }
    figure.elapsed_us = raw_now_us () - start;
    rpc_client_destroy (&client);
    zactor_destroy (&server);
    return figure;
}

// Opens dir/name afresh with schema (store_open: WAL, synchronous=FULL). NULL on failure.
static sqlite3 *
s_open (const char *dir, const char *name, const char *schema, char *path, size_t path_size)
{
    char errstr[256] = "";
    snprintf (path, path_size, "%s/%s", dir, name);
    sqlite3 *db = store_open (path, schema, errstr, sizeof errstr);
    if (!db)
        fprintf (stderr, "bench: %s\n", errstr);
    return db;
}

// Closes and removes the database and its WAL files.
static void
s_remove (sqlite3 **db_p, const char *path)
{
    store_close (db_p);
    const char *suffixes[] = { "", "-wal", "-shm" };
    char file[1100];
    for (size_t index = 0; index < 3; index++) {
        snprintf (file, sizeof file, "%s%s", path, suffixes[index]);
        remove (file);
    }
}

// count rows in commits of batch rows each (WAL, synchronous=FULL) into a fresh file under
// dir; when durations_us is not NULL, each commit's duration (from BEGIN to the end of
// COMMIT) goes into it, one per commit.
static raw_figure_t
s_sqlite_commits (const char *dir, long count, long batch, int64_t *durations_us)
{
    assert (batch > 0);
    char path[1024];
    raw_figure_t figure = { 0, 0 };
    sqlite3 *db = s_open (dir, "raw.db", "CREATE TABLE t (id TEXT PRIMARY KEY, body BLOB)", path,
                          sizeof path);
    sqlite3_stmt *insert = db ? store_prepare (db, "INSERT INTO t VALUES (?, zeroblob(200))")
                              : NULL;
    char id[32];
    long commits = 0;
    int64_t start = raw_now_us ();
    bool failed = !insert;
    while (!failed && figure.count < count) {
        int64_t begun = raw_now_us ();
        failed = store_begin (db) != 0;
        for (long row = 0; !failed && row < batch && figure.count < count; row++) {
            snprintf (id, sizeof id, "row-%ld", figure.count++);
            sqlite3_bind_text (insert, 1, id, -1, SQLITE_TRANSIENT);
            failed = sqlite3_step (insert) != SQLITE_DONE;
            sqlite3_reset (insert);
        }
        failed = failed || store_commit (db) != 0;
        if (durations_us)
            durations_us[commits++] = raw_now_us () - begun;
    }
    figure.elapsed_us = raw_now_us () - start;
    if (failed)
        figure.count = 0;
    sqlite3_finalize (insert);
    s_remove (&db, path);
    return figure;
}

raw_figure_t
raw_sqlite_commits (const char *dir, long count)
{
    return s_sqlite_commits (dir, count, 1, NULL);
}

raw_figure_t
raw_sqlite_commit_durations (const char *dir, long count, int64_t *durations_us)
{
    return s_sqlite_commits (dir, count, 1, durations_us);
}

raw_figure_t
raw_sqlite_batched (const char *dir, long count, long batch)
{
    return s_sqlite_commits (dir, count, batch, NULL);
}

// Binds event as a row of the ledger's events table (seq left to SQLite).
static void
s_bind_event (sqlite3_stmt *insert, const Shanhai__V1__LedgerEvent *event)
{
    const char *texts[] = { event->id, event->kind, event->pairing, event->program,
                            event->from_region, event->to_region };
    for (int index = 0; index < 6; index++)
        sqlite3_bind_text (insert, index + 1, texts[index], -1, SQLITE_STATIC);
    sqlite3_bind_int64 (insert, 7, event->amount_fen);
    sqlite3_bind_text (insert, 8, event->date, -1, SQLITE_STATIC);
    sqlite3_bind_text (insert, 9, event->memo, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (insert, 10, event->recorded_at_ms);
}

raw_figure_t
raw_sqlite_ledger_rows (const char *dir, long count, long batch, raw_row_fn *row, void *state)
{
    assert (batch > 0 && row);
    char path[1024];
    raw_figure_t figure = { 0, 0 };
    sqlite3 *db = s_open (dir, "raw-ledger.db", s_ledger_schema, path, sizeof path);
    sqlite3_stmt *insert = db ? store_prepare (db, "INSERT INTO events VALUES "
                                                   "(NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                              : NULL;
    int64_t start = raw_now_us ();
    bool failed = !insert;
    while (!failed && figure.count < count) {
        failed = store_begin (db) != 0;
        for (long index = 0; !failed && index < batch && figure.count < count; index++) {
            Shanhai__V1__LedgerEvent event;
            row (state, figure.count++, &event);
            event.recorded_at_ms = (int64_t) (raw_now_us () / 1000);
            s_bind_event (insert, &event);
            failed = sqlite3_step (insert) != SQLITE_DONE;
            sqlite3_reset (insert);
        }
        failed = failed || store_commit (db) != 0;
    }
    figure.elapsed_us = raw_now_us () - start;
    if (failed)
        figure.count = 0;
    sqlite3_finalize (insert);
    s_remove (&db, path);
    return figure;
}
