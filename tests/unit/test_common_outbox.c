/*  outbox and subscriber over real sockets and a real SQLite file: a publisher actor owns the
    store; the test is the subscriber and checks that every event is applied once, in order,
    whatever was dropped on the way. */
#include <criterion/criterion.h>
#include <string.h>
#include "common/outbox.h"
#include "common/store.h"
#include "common/subscriber.h"
#include "support.h"

static char s_pub[64];
static char s_rpc[64];
static char *s_dir;
static zactor_t *s_publisher;

// Appends count events in one transaction: "append N" publishes after commit, "silent N"
// does not (as if the process died between commit and publish), "beat" sends a heartbeat.
static void
s_append (sqlite3 *db, outbox_t *outbox, int count)
{
    cr_assert_eq (store_begin (db), 0);
    for (int index = 0; index < count; index++) {
        Shanhai__V1__ClockChanged body = SHANHAI__V1__CLOCK_CHANGED__INIT;
        body.today = index % 2 ? "odd" : "even";
        int64_t seq = outbox_append (outbox, index % 2 ? "topic.odd" : "topic.even",
                                     "test.event", &body.base);
        cr_assert_gt (seq, 0);
    }
    cr_assert_eq (store_commit (db), 0);
}

static void
s_publisher_actor (zsock_t *pipe, void *args)
{
    char errstr[256];
    char *path = test_path (s_dir, "publisher.db");
    sqlite3 *db = store_open (path, NULL, errstr, sizeof errstr);
    free (path);
    outbox_t *outbox = db ? outbox_new (db, s_pub) : NULL;
    rpc_method_t methods[] = { { "pub.Replay", outbox_replay_handler }, { NULL, NULL } };
    rpc_server_t *server = outbox ? rpc_server_new (s_rpc, methods, outbox) : NULL;
    zsock_signal (pipe, server ? 0 : 1);
    zpoller_t *poller = zpoller_new (pipe, server ? rpc_server_socket (server) : NULL, NULL);
    while (server) {
        void *which = zpoller_wait (poller, -1);
        if (!which)
            break;
        if (which != pipe) {
            rpc_server_handle_all (server);
            continue;
        }
        char *command = zstr_recv (pipe);
        if (!command || streq (command, "$TERM")) {
            zstr_free (&command);
            break;
        }
        int count = 0;
        if (sscanf (command, "append %d", &count) == 1) {
            s_append (db, outbox, count);
            outbox_publish (outbox);
        } else if (sscanf (command, "silent %d", &count) == 1)
            s_append (db, outbox, count);
        else if (streq (command, "beat"))
            outbox_heartbeat (outbox);
        zstr_free (&command);
        zsock_signal (pipe, 0);
    }
    zpoller_destroy (&poller);
    rpc_server_destroy (&server);
    outbox_destroy (&outbox);
    store_close (&db);
}

static void
s_command (const char *command)
{
    zstr_send (s_publisher, command);
    zsock_wait (s_publisher);
}

static void
s_start (void)
{
    s_dir = test_tmpdir ();
    test_free_endpoint (s_pub, sizeof s_pub);
    test_free_endpoint (s_rpc, sizeof s_rpc);
    s_publisher = zactor_new (s_publisher_actor, NULL);
    cr_assert (s_publisher);
}

static void
s_stop (void)
{
    zactor_destroy (&s_publisher);
    test_rmdir (s_dir);
    free (s_dir);
}

TestSuite (outbox, .init = s_start, .fini = s_stop);

typedef struct {
    uint64_t applied[4096];
    size_t count;
    uint64_t fail_seq;  // apply fails once at this seq
    int fail_rc;        // with this answer: -1 (failed: nothing of the batch) or 1 (not yet)
    size_t batches;     // calls
    size_t largest;     // the most events one call brought
} s_consumer_t;

// Applies the batch like a transaction: all of it, the part before fail_seq ("not yet"), or
// nothing (failed).
static int
s_apply (void *state, const Shanhai__V1__Event *const *events, size_t count)
{
    s_consumer_t *consumer = state;
    cr_assert_gt (count, 0);
    consumer->batches++;
    consumer->largest = count > consumer->largest ? count : consumer->largest;
    size_t before = consumer->count;
    for (size_t index = 0; index < count; index++) {
        if (index > 0)
            cr_assert_eq (events[index]->seq, events[index - 1]->seq + 1, "consecutive");
        if (events[index]->seq == consumer->fail_seq) {
            consumer->fail_seq = 0;
            if (consumer->fail_rc == 1)
                return (int) index;
            consumer->count = before;  // rolled back
            return -1;
        }
        cr_assert_lt (consumer->count, 4096);
        consumer->applied[consumer->count++] = events[index]->seq;
    }
    return (int) count;
}

// Runs the subscriber until it has applied up to seq, for at most two seconds.
static void
s_drain_until (subscriber_t *subscriber, uint64_t seq)
{
    zpoller_t *poller = zpoller_new (subscriber_socket (subscriber), NULL);
    int64_t deadline = zclock_mono () + 2000;
    while (subscriber_last_seq (subscriber) < seq && zclock_mono () < deadline) {
        if (zpoller_wait (poller, 50))
            subscriber_handle (subscriber);
        else if (subscriber_is_behind (subscriber))
            subscriber_catch_up (subscriber);
    }
    zpoller_destroy (&poller);
}

static void
s_assert_in_order (const s_consumer_t *consumer, uint64_t first, uint64_t last)
{
    cr_assert_eq (consumer->count, last - first + 1, "applied %zu events, expected %llu",
                  consumer->count, (unsigned long long) (last - first + 1));
    for (size_t index = 0; index < consumer->count; index++)
        cr_assert_eq (consumer->applied[index], first + index);
}

Test (outbox, live_events_arrive_once_in_order)
{
    s_consumer_t consumer = { .count = 0 };
    subscriber_t *subscriber = subscriber_new (s_pub, s_rpc, "pub.Replay", 0, s_apply, &consumer);
    cr_assert_eq (subscriber_catch_up (subscriber), 0);
    zclock_sleep (200);  // the SUB connection is asynchronous (slow joiner)
    s_command ("append 3");
    s_drain_until (subscriber, 3);
    s_assert_in_order (&consumer, 1, 3);
    cr_assert_not (subscriber_is_behind (subscriber));
    subscriber_destroy (&subscriber);
}

Test (outbox, a_gap_is_filled_by_replay)
{
    s_consumer_t consumer = { .count = 0 };
    subscriber_t *subscriber = subscriber_new (s_pub, s_rpc, "pub.Replay", 0, s_apply, &consumer);
    subscriber_catch_up (subscriber);
    zclock_sleep (200);
    s_command ("silent 2");  // seq 1, 2 never published
    s_command ("append 1");  // seq 3 published: the subscriber sees a gap
    s_drain_until (subscriber, 3);
    s_assert_in_order (&consumer, 1, 3);
    subscriber_destroy (&subscriber);
}

Test (outbox, a_heartbeat_reveals_a_lost_tail)
{
    s_consumer_t consumer = { .count = 0 };
    subscriber_t *subscriber = subscriber_new (s_pub, s_rpc, "pub.Replay", 0, s_apply, &consumer);
    subscriber_catch_up (subscriber);
    zclock_sleep (200);
    s_command ("silent 2");
    s_command ("beat");
    s_drain_until (subscriber, 2);
    s_assert_in_order (&consumer, 1, 2);
    subscriber_destroy (&subscriber);
}

Test (outbox, a_restarted_subscriber_starts_after_its_last_seq)
{
    s_command ("append 5");
    s_consumer_t consumer = { .count = 0 };
    subscriber_t *subscriber = subscriber_new (s_pub, s_rpc, "pub.Replay", 3, s_apply, &consumer);
    cr_assert_eq (subscriber_catch_up (subscriber), 0);
    s_assert_in_order (&consumer, 4, 5);
    subscriber_destroy (&subscriber);
}

Test (outbox, a_failed_apply_is_retried_not_skipped)
{
    s_command ("append 3");
    s_consumer_t consumer = { .count = 0, .fail_seq = 2 };
    subscriber_t *subscriber = subscriber_new (s_pub, s_rpc, "pub.Replay", 0, s_apply, &consumer);
    cr_assert_eq (subscriber_catch_up (subscriber), -1);
    cr_assert_eq (subscriber_last_seq (subscriber), 0, "a failed batch applies nothing");
    cr_assert_eq (consumer.count, 0);
    cr_assert (subscriber_is_behind (subscriber));
    cr_assert_eq (subscriber_catch_up (subscriber), 0);
    s_assert_in_order (&consumer, 1, 3);
    subscriber_destroy (&subscriber);
}

Test (outbox, not_yet_holds_an_event_back_without_skipping_it)
{
    s_command ("append 3");
    s_consumer_t consumer = { .count = 0, .fail_seq = 2, .fail_rc = 1 };
    subscriber_t *subscriber = subscriber_new (s_pub, s_rpc, "pub.Replay", 0, s_apply, &consumer);
    cr_assert_eq (subscriber_catch_up (subscriber), 0, "not yet is no failure");
    cr_assert_eq (subscriber_last_seq (subscriber), 1, "held at the event that was not due");
    cr_assert (subscriber_is_behind (subscriber));
    cr_assert_eq (subscriber_catch_up (subscriber), 0);
    s_assert_in_order (&consumer, 1, 3);
    subscriber_destroy (&subscriber);
}

Test (outbox, replay_pages_past_its_limit)
{
    char command[32];
    snprintf (command, sizeof command, "silent %d", REPLAY_EVENTS_MAX + 5);
    s_command (command);
    s_command ("beat");
    s_consumer_t consumer = { .count = 0 };
    subscriber_t *subscriber = subscriber_new (s_pub, s_rpc, "pub.Replay", 0, s_apply, &consumer);
    cr_assert_eq (subscriber_catch_up (subscriber), 0);
    s_assert_in_order (&consumer, 1, REPLAY_EVENTS_MAX + 5);
    cr_assert_eq (consumer.batches, 2, "each replay page is one batch, one transaction");
    cr_assert_eq (consumer.largest, REPLAY_EVENTS_MAX);
    subscriber_destroy (&subscriber);
}

Test (outbox, no_publisher_leaves_the_subscriber_behind)
{
    char pub[64], rpc[64];
    test_free_endpoint (pub, sizeof pub);
    test_free_endpoint (rpc, sizeof rpc);
    s_consumer_t consumer = { .count = 0 };
    subscriber_t *subscriber = subscriber_new (pub, rpc, "pub.Replay", 7, s_apply, &consumer);
    cr_assert_eq (subscriber_catch_up (subscriber), -1);
    cr_assert (subscriber_is_behind (subscriber));
    cr_assert_eq (subscriber_last_seq (subscriber), 7);
    subscriber_destroy (&subscriber);
}

Test (outbox, a_rolled_back_append_leaves_the_head, .init = NULL, .fini = NULL)
{
    char *dir = test_tmpdir ();
    char *path = test_path (dir, "scan.db");
    char errstr[256], pub[64];
    test_free_endpoint (pub, sizeof pub);
    sqlite3 *db = store_open (path, NULL, errstr, sizeof errstr);
    outbox_t *outbox = outbox_new (db, pub);
    s_append (db, outbox, 5);  // seqs 1..5: even topics at 1, 3, 5
    cr_assert_eq (outbox_head (outbox), 5);
    // A rolled-back append leaves the head where the disk has it.
    store_begin (db);
    Shanhai__V1__ClockChanged body = SHANHAI__V1__CLOCK_CHANGED__INIT;
    cr_assert_eq (outbox_append (outbox, "t", "t", &body.base), 6);
    store_rollback (db);
    outbox_rollback (outbox);
    cr_assert_eq (outbox_head (outbox), 5);
    outbox_destroy (&outbox);
    store_close (&db);
    test_rmdir (dir);
    free (dir);
    free (path);
}
