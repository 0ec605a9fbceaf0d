/*  shanhai-bench: what shanhai costs against the raw limits of this machine, in one run, so
    that the ratios mean something on a shared, noisy machine.

      shanhai-bench raw                       ZeroMQ round trips, shanhai rpc round trips,
                                              SQLite commits one by one and in batches
      shanhai-bench ledger ENDPOINT PAIR DATE N   N ledger.Record calls one at a time, then N
                                              with up to BENCH_LEDGER_WINDOW calls in flight
      shanhai-bench gateway HOST:PORT KEY SECRET PAIR DATE N   N signed POST /v1/events from
                                              64 connections at once
      shanhai-bench scenario                  the end-to-end scenario against a running stack
                                              (scenario.h; bench/run starts the stack)

    Prints one line per measure: name, count, seconds, per second. */
#include <czmq.h>
#include <stdio.h>
#include <string.h>
#include "common/date.h"
#include "common/proto.h"
#include "common/rpc.h"
#include "gateway_bench.h"
#include "raw.h"
#include "scenario.h"

// Calls kept in flight by the windowed ledger run: enough to fill a group commit.
#define BENCH_LEDGER_WINDOW 64
#define BENCH_ROUND_TRIPS 20000
#define BENCH_COMMITS 500
#define BENCH_BATCH_ROWS 256

static void
s_report (const char *name, long count, int64_t elapsed_us)
{
    raw_print (name, (raw_figure_t) { count, elapsed_us });
}

static void
s_bench_raw (void)
{
    raw_print ("zeromq dealer/router round trip", raw_zmq_round_trips (BENCH_ROUND_TRIPS));
    raw_print ("shanhai rpc round trip", raw_rpc_round_trips (BENCH_ROUND_TRIPS));
    char dir[] = "/tmp/shanhai-bench-XXXXXX";
    if (!mkdtemp (dir)) {
        fprintf (stderr, "bench: cannot make a temporary directory\n");
        return;
    }
    raw_print ("sqlite FULL commit, 1 row each", raw_sqlite_commits (dir, BENCH_COMMITS));
    raw_print ("sqlite FULL commit, 256 rows (rows)",
               raw_sqlite_batched (dir, BENCH_COMMITS / 10 * BENCH_BATCH_ROWS, BENCH_BATCH_ROWS));
    if (rmdir (dir) != 0)
        fprintf (stderr, "bench: cannot remove %s\n", dir);
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
    int64_t start = raw_now_us ();
    for (long index = 0; index < count; index++) {
        s_event (&event, id, sizeof id, "seq", index, pair, date);
        if (rpc_client_call (client, "ledger.Record", &event.base, NULL, NULL) != RPC_OK
            && failures++ == 0)
            fprintf (stderr, "ledger.Record: %s\n", rpc_client_error (client));
    }
    s_report ("ledger.Record, one at a time", count, raw_now_us () - start);
    rpc_client_destroy (&client);

    zsock_t *dealer = zsock_new_dealer (endpoint);
    zsock_set_rcvtimeo (dealer, RPC_TIMEOUT_MS);
    long sent = 0, received = 0;
    start = raw_now_us ();
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
    s_report ("ledger.Record, 64 in flight", count, raw_now_us () - start);
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
        s_bench_raw ();
        return 0;
    }
    if (argc >= 2 && streq (argv[1], "scenario"))
        return scenario_main (argc - 1, argv + 1);
    if (argc == 6 && streq (argv[1], "ledger"))
        return s_bench_ledger (argv[2], argv[3], argv[4], atol (argv[5]));
    if (argc == 8 && streq (argv[1], "gateway") && strrchr (argv[2], ':')) {
        *strrchr (argv[2], ':') = '\0';
        return bench_gateway (argv[2], atoi (argv[2] + strlen (argv[2]) + 1), argv[3], argv[4],
                              argv[5], argv[6], atol (argv[7]));
    }
    fprintf (stderr, "usage: shanhai-bench raw | ledger ENDPOINT PAIR DATE N | gateway "
             "HOST:PORT KEY SECRET PAIR DATE N | scenario\n");
    return 2;
}
