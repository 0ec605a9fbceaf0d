/*  shanhai-bench: what shanhai costs against the raw limits of this machine, in one run, so
    that the ratios mean something on a shared, noisy machine.

      shanhai-bench raw                       ZeroMQ round trips, shanhai rpc round trips,
                                              SQLite commits one by one and in batches
      shanhai-bench ledger ENDPOINT PAIR DATE N   N ledger.Record calls one at a time, then N
                                              with up to LEDGER_WINDOW calls in flight
      shanhai-bench gateway HOST:PORT KEY SECRET PAIR DATE N   N signed POST /v1/events from
                                              64 connections at once

    Prints one line per measure: name, count, seconds, per second. */
#include <czmq.h>
#include <stdio.h>
#include <string.h>
#include "common/date.h"
#include "common/proto.h"
#include "common/rpc.h"
#include "common/store.h"
#include "gateway_bench.h"

// Calls kept in flight by the windowed ledger run: enough to fill a group commit.
#define BENCH_LEDGER_WINDOW 64
#define BENCH_ROUND_TRIPS 20000
#define BENCH_COMMITS 500
#define BENCH_BATCH_ROWS 256

static void
s_report (const char *name, long count, int64_t elapsed_us)
{
    double seconds = elapsed_us / 1e6;
    printf ("%-34s %8ld in %7.3f s  %10.0f /s\n", name, count, seconds, count / seconds);
    fflush (stdout);
}

static void
s_echo_actor (zsock_t *pipe, void *args)
{
    zsock_t *router = zsock_new_router ((const char *) args);
    zsock_signal (pipe, 0);
    zpoller_t *poller = zpoller_new (pipe, router, NULL);
    while (zpoller_wait (poller, -1) == router) {
        zmsg_t *msg = zmsg_recv (router);
        zmsg_send (&msg, router);
    }
    zpoller_destroy (&poller);
    zsock_destroy (&router);
}

static void
s_ping (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    Shanhai__V1__Clock clock = SHANHAI__V1__CLOCK__INIT;
    clock.today = "2021-01-01";
    rpc_reply_set_body (reply, &clock.base);
}

static void
s_rpc_actor (zsock_t *pipe, void *args)
{
    static const rpc_method_t methods[] = { { "bench.Ping", s_ping }, { NULL, NULL } };
    rpc_server_t *server = rpc_server_new ((const char *) args, methods, NULL);
    zsock_signal (pipe, 0);
    zpoller_t *poller = zpoller_new (pipe, rpc_server_socket (server), NULL);
    while (zpoller_wait (poller, -1) == rpc_server_socket (server))
        rpc_server_handle_all (server);
    zpoller_destroy (&poller);
    rpc_server_destroy (&server);
}

static void
s_bench_zmq (void)
{
    const char *endpoint = "tcp://127.0.0.1:47811";
    zactor_t *echo = zactor_new (s_echo_actor, (void *) endpoint);
    zsock_t *dealer = zsock_new_dealer (endpoint);
    int64_t start = zclock_usecs ();
    for (int index = 0; index < BENCH_ROUND_TRIPS; index++) {
        zstr_send (dealer, "ping with a body of about the size of a small request");
        char *reply = zstr_recv (dealer);
        zstr_free (&reply);
    }
    s_report ("zeromq dealer/router round trip", BENCH_ROUND_TRIPS, zclock_usecs () - start);
    zsock_destroy (&dealer);
    zactor_destroy (&echo);
}

static void
s_bench_rpc (void)
{
    const char *endpoint = "tcp://127.0.0.1:47812";
    zactor_t *server = zactor_new (s_rpc_actor, (void *) endpoint);
    rpc_client_t *client = rpc_client_new (endpoint, RPC_TIMEOUT_MS);
    Shanhai__V1__SetClockRequest request = SHANHAI__V1__SET_CLOCK_REQUEST__INIT;
    request.date = "2021-01-01";
    int64_t start = zclock_usecs ();
    for (int index = 0; index < BENCH_ROUND_TRIPS; index++) {
        Shanhai__V1__Clock *clock = NULL;
        rpc_client_call (client, "bench.Ping", &request.base, &shanhai__v1__clock__descriptor,
                         (ProtobufCMessage **) &clock);
        shanhai__v1__clock__free_unpacked (clock, NULL);
    }
    s_report ("shanhai rpc round trip", BENCH_ROUND_TRIPS, zclock_usecs () - start);
    rpc_client_destroy (&client);
    zactor_destroy (&server);
}

static void
s_bench_sqlite (void)
{
    char dir[] = "/tmp/shanhai-bench-XXXXXX";
    if (!mkdtemp (dir))
        return;
    char path[128], errstr[256];
    snprintf (path, sizeof path, "%s/bench.db", dir);
    sqlite3 *db = store_open (path, "CREATE TABLE t (id TEXT PRIMARY KEY, body BLOB)", errstr,
                              sizeof errstr);
    sqlite3_stmt *insert = store_prepare (db, "INSERT INTO t VALUES (?, zeroblob(200))");
    long row = 0;
    char id[32];
    int64_t start = zclock_usecs ();
    for (int commit = 0; commit < BENCH_COMMITS; commit++) {
        store_begin (db);
        snprintf (id, sizeof id, "row-%ld", row++);
        sqlite3_bind_text (insert, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_step (insert);
        sqlite3_reset (insert);
        store_commit (db);
    }
    s_report ("sqlite FULL commit, 1 row each", BENCH_COMMITS, zclock_usecs () - start);
    start = zclock_usecs ();
    for (int commit = 0; commit < BENCH_COMMITS / 10; commit++) {
        store_begin (db);
        for (int index = 0; index < BENCH_BATCH_ROWS; index++) {
            snprintf (id, sizeof id, "row-%ld", row++);
            sqlite3_bind_text (insert, 1, id, -1, SQLITE_TRANSIENT);
            sqlite3_step (insert);
            sqlite3_reset (insert);
        }
        store_commit (db);
    }
    s_report ("sqlite FULL commit, 256 rows (rows)", (long) BENCH_COMMITS / 10 * BENCH_BATCH_ROWS,
              zclock_usecs () - start);
    sqlite3_finalize (insert);
    store_close (&db);
    char command[160];
    snprintf (command, sizeof command, "rm -rf %s", dir);
    if (system (command) != 0)
        fprintf (stderr, "cannot remove %s\n", dir);
}

static void
s_event (Shanhai__V1__LedgerEvent *event, char *id, size_t id_size, const char *run, long index,
         const char *pair, const char *date)
{
    shanhai__v1__ledger_event__init (event);
    snprintf (id, id_size, "bench-%s-%d-%ld", run, (int) getpid (), index);
    event->id = id;
    event->kind = "aid-funds";
    event->pairing = (char *) pair;
    event->amount_fen = 100;
    event->date = (char *) date;
}

// Sends one Record on a raw DEALER without waiting: the windowed run keeps many in flight.
static void
s_send_record (zsock_t *dealer, const Shanhai__V1__LedgerEvent *event, long index)
{
    uint8_t body[512], frame[1024];
    size_t body_size = shanhai__v1__ledger_event__pack (event, body);
    char request_id[32];
    snprintf (request_id, sizeof request_id, "%ld", index);
    Shanhai__V1__Request request = SHANHAI__V1__REQUEST__INIT;
    request.method = "ledger.Record";
    request.request_id = request_id;
    request.body.data = body;
    request.body.len = body_size;
    size_t size = shanhai__v1__request__pack (&request, frame);
    zsock_send (dealer, "b", frame, size);
}

static int
s_bench_ledger (const char *endpoint, const char *pair, const char *date, long count)
{
    rpc_client_t *client = rpc_client_new (endpoint, RPC_TIMEOUT_MS);
    char id[64];
    Shanhai__V1__LedgerEvent event;
    long failures = 0;
    int64_t start = zclock_usecs ();
    for (long index = 0; index < count; index++) {
        s_event (&event, id, sizeof id, "seq", index, pair, date);
        if (rpc_client_call (client, "ledger.Record", &event.base, NULL, NULL) != RPC_OK
            && failures++ == 0)
            fprintf (stderr, "ledger.Record: %s\n", rpc_client_error (client));
    }
    s_report ("ledger.Record, one at a time", count, zclock_usecs () - start);
    rpc_client_destroy (&client);

    zsock_t *dealer = zsock_new_dealer (endpoint);
    zsock_set_rcvtimeo (dealer, RPC_TIMEOUT_MS);
    long sent = 0, received = 0;
    start = zclock_usecs ();
    while (received < count) {
        while (sent < count && sent - received < BENCH_LEDGER_WINDOW) {
            s_event (&event, id, sizeof id, "win", sent, pair, date);
            s_send_record (dealer, &event, sent++);
        }
        zframe_t *frame = zframe_recv (dealer);
        if (!frame) {
            fprintf (stderr, "the ledger stopped answering\n");
            return 1;
        }
        Shanhai__V1__Reply *reply
            = shanhai__v1__reply__unpack (NULL, zframe_size (frame), zframe_data (frame));
        if (!reply || reply->status != RPC_OK)
            failures++;
        if (reply)
            shanhai__v1__reply__free_unpacked (reply, NULL);
        zframe_destroy (&frame);
        received++;
    }
    s_report ("ledger.Record, 64 in flight", count, zclock_usecs () - start);
    zsock_destroy (&dealer);
    if (failures)
        fprintf (stderr, "%ld calls failed\n", failures);
    return failures ? 1 : 0;
}

int
main (int argc, char **argv)
{
    zsys_init ();
    if (argc == 2 && streq (argv[1], "raw")) {
        s_bench_zmq ();
        s_bench_rpc ();
        s_bench_sqlite ();
        return 0;
    }
    if (argc == 6 && streq (argv[1], "ledger"))
        return s_bench_ledger (argv[2], argv[3], argv[4], atol (argv[5]));
    if (argc == 8 && streq (argv[1], "gateway") && strrchr (argv[2], ':')) {
        *strrchr (argv[2], ':') = '\0';
        return bench_gateway (argv[2], atoi (argv[2] + strlen (argv[2]) + 1), argv[3], argv[4],
                              argv[5], argv[6], atol (argv[7]));
    }
    fprintf (stderr, "usage: shanhai-bench raw | ledger ENDPOINT PAIR DATE N | gateway "
             "HOST:PORT KEY SECRET PAIR DATE N\n");
    return 2;
}
