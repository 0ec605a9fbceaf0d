/*  The ledger over real sockets: the server in an actor on free endpoints with a fresh data
    directory, and, in place of the registry (another team's service), a small fake in an actor
    of its own: registry.Snapshot holds one pairing, registry.Replay and a PUB socket serve
    its outbox, where it announces its version and the clock. The test talks to the ledger with a DEALER client,
    raw DEALER frames (many calls at once) and a SUB socket. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "common/config.h"
#include "common/date.h"
#include "common/outbox.h"
#include "common/rpc.h"
#include "common/store.h"
#include "ledger_server.h"
#include "ledger_validate.h"
#include "support.h"

// How long the test waits for a published event or for the ledger to learn the clock: the
// heartbeats come every second.
#define TEST_EVENT_WAIT_MS 5000
// A start: how many tries, and how long each waits for the server's first answer.
#define TEST_START_ATTEMPTS 20
#define TEST_START_PROBE_MS 500
// The client waits longer than the ledger waits for the registry, so that the ledger's own
// UNAVAILABLE reaches it.
#define TEST_CALL_TIMEOUT_MS (2 * RPC_TIMEOUT_MS)
// Calls sent at once: more than two full batches.
#define TEST_BURST_CALLS (2 * LEDGER_BATCH_EVENTS_MAX + 10)
// The clock the fake registry announces.
#define TEST_TODAY "2021-07-01"

// ---------------------------------------------------------------------------------------
// The fake registry

typedef struct {
    char rpc[ENDPOINT_BYTES_MAX];
    char pub[ENDPOINT_BYTES_MAX];
    char *path;
    bool announce_clock;  // publish clock.changed at start, or only on "CLOCK" from the pipe
} s_registry_args_t;

typedef struct {
    sqlite3 *db;
    outbox_t *outbox;
    rpc_server_t *rpc;
} s_registry_t;

// The registry's one version: a program, two counties, the pairing hb-01.
static void
s_snapshot (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    Shanhai__V1__Program program = SHANHAI__V1__PROGRAM__INIT;
    program.id = "hb-shanchuan";
    program.name = "湖北省山川协作工程";
    Shanhai__V1__Region zhuxi = SHANHAI__V1__REGION__INIT, donghu = SHANHAI__V1__REGION__INIT;
    zhuxi.code = "hb-zhuxi";
    zhuxi.name = "竹溪县";
    zhuxi.province = "湖北省";
    donghu.code = "hb-wuhan-donghu";
    donghu.name = "武汉市东湖新技术开发区";
    donghu.province = "湖北省";
    Shanhai__V1__Pairing pairing = SHANHAI__V1__PAIRING__INIT;
    pairing.id = "hb-01";
    pairing.program = "hb-shanchuan";
    pairing.recipient = "hb-zhuxi";
    pairing.supporter = "hb-wuhan-donghu";
    pairing.start = "2021-01-01";
    pairing.end = "2025-12-31";
    Shanhai__V1__Program *programs[] = { &program };
    Shanhai__V1__Region *regions[] = { &zhuxi, &donghu };
    Shanhai__V1__Pairing *pairings[] = { &pairing };
    Shanhai__V1__RegistryDoc doc = SHANHAI__V1__REGISTRY_DOC__INIT;
    doc.n_programs = 1;
    doc.programs = programs;
    doc.n_regions = 2;
    doc.regions = regions;
    doc.n_pairings = 1;
    doc.pairings = pairings;
    Shanhai__V1__RegistrySnapshot snapshot = SHANHAI__V1__REGISTRY_SNAPSHOT__INIT;
    snapshot.version = 1;
    snapshot.deployment = "test";
    snapshot.doc = &doc;
    rpc_reply_set_body (reply, &snapshot.base);
}

static void
s_registry_replay (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    s_registry_t *self = state;
    outbox_replay_handler (self->outbox, call, reply);
}

static const rpc_method_t s_registry_methods[] = {
    { "registry.Snapshot", s_snapshot },
    { "registry.Replay", s_registry_replay },
    { NULL, NULL },
};

// Announces the registry's version 1 and the clock.
static void
s_registry_announce_clock (s_registry_t *self)
{
    Shanhai__V1__RegistryChanged loaded = SHANHAI__V1__REGISTRY_CHANGED__INIT;
    loaded.version = 1;
    loaded.deployment = "test";
    Shanhai__V1__ClockChanged changed = SHANHAI__V1__CLOCK_CHANGED__INIT;
    changed.today = TEST_TODAY;
    cr_assert_eq (store_begin (self->db), 0);
    cr_assert_gt (outbox_append (self->outbox, "registry.changed", "registry.changed",
                                 &loaded.base), 0);
    cr_assert_gt (outbox_append (self->outbox, "clock.changed", "clock.changed", &changed.base),
                  0);
    cr_assert_eq (store_commit (self->db), 0);
    outbox_publish (self->outbox);
}

static int
s_registry_on_request (zloop_t *loop, zsock_t *socket, void *arg)
{
    s_registry_t *self = arg;
    return rpc_server_handle_all (self->rpc);
}

static int
s_registry_on_tick (zloop_t *loop, int timer_id, void *arg)
{
    s_registry_t *self = arg;
    outbox_heartbeat (self->outbox);
    return 0;
}

static int
s_registry_on_pipe (zloop_t *loop, zsock_t *pipe, void *arg)
{
    char *command = zstr_recv (pipe);
    bool stop = !command || streq (command, "$TERM");
    if (command && streq (command, "CLOCK"))
        s_registry_announce_clock (arg);
    zstr_free (&command);
    return stop ? -1 : 0;
}

static void
s_registry_actor (zsock_t *pipe, void *args)
{
    const s_registry_args_t *config = args;
    s_registry_t self = { NULL, NULL, NULL };
    char errstr[256] = "";
    self.db = store_open (config->path, "", errstr, sizeof errstr);
    if (self.db)
        self.outbox = outbox_new (self.db, config->pub);
    if (self.outbox)
        self.rpc = rpc_server_new (config->rpc, s_registry_methods, &self);
    zloop_t *loop = self.rpc ? zloop_new () : NULL;
    if (loop) {
        if (config->announce_clock && outbox_head (self.outbox) == 0)
            s_registry_announce_clock (&self);
        zloop_reader (loop, rpc_server_socket (self.rpc), s_registry_on_request, &self);
        zloop_reader (loop, pipe, s_registry_on_pipe, &self);
        zloop_timer (loop, PUBLISH_HEARTBEAT_MS, 0, s_registry_on_tick, &self);
        zsock_signal (pipe, 0);
        zloop_start (loop);
    } else
        zsock_signal (pipe, 1);
    zloop_destroy (&loop);
    rpc_server_destroy (&self.rpc);
    outbox_destroy (&self.outbox);
    store_close (&self.db);
}

// ---------------------------------------------------------------------------------------
// The test's side

static char *s_dir;
static s_registry_args_t s_registry_args;
static zactor_t *s_registry;
static config_t s_config;
static zactor_t *s_ledger;
static rpc_client_t *s_client;
static zsock_t *s_sub;

// Starts the fake registry and waits until it answers (a restart may find its ports still
// held for a moment, as for the ledger below).
static void
s_registry_start (bool announce_clock)
{
    s_registry_args.announce_clock = announce_clock;
    for (int attempt = 0; attempt < TEST_START_ATTEMPTS; attempt++) {
        s_registry = zactor_new (s_registry_actor, &s_registry_args);
        cr_assert (s_registry);
        rpc_client_t *probe = rpc_client_new (s_registry_args.rpc, TEST_START_PROBE_MS);
        cr_assert (probe);
        Shanhai__V1__SnapshotRequest request = SHANHAI__V1__SNAPSHOT_REQUEST__INIT;
        rpc_status_t status
            = rpc_client_call (probe, "registry.Snapshot", &request.base, NULL, NULL);
        rpc_client_destroy (&probe);
        if (status == RPC_OK)
            return;
        zactor_destroy (&s_registry);
    }
    cr_assert_fail ("the fake registry did not start on %s", s_registry_args.rpc);
}

// Starts the ledger and waits until it answers a Replay. ZeroMQ closes a stopped server's
// listening sockets a moment later, so the bind of a restart may fail at first: then the
// actor has ended, and the test starts it again.
static void
s_ledger_start (void)
{
    for (int attempt = 0; attempt < TEST_START_ATTEMPTS; attempt++) {
        s_ledger = zactor_new (ledger_server_actor, &s_config);
        cr_assert (s_ledger);
        s_client = rpc_client_new (s_config.ledger_rpc, TEST_START_PROBE_MS);
        cr_assert (s_client);
        Shanhai__V1__ReplayRequest request = SHANHAI__V1__REPLAY_REQUEST__INIT;
        if (rpc_client_call (s_client, "ledger.Replay", &request.base, NULL, NULL) == RPC_OK) {
            rpc_client_destroy (&s_client);
            s_client = rpc_client_new (s_config.ledger_rpc, TEST_CALL_TIMEOUT_MS);
            cr_assert (s_client);
            return;
        }
        rpc_client_destroy (&s_client);
        zactor_destroy (&s_ledger);
    }
    cr_assert_fail ("the ledger did not start on %s", s_config.ledger_rpc);
}

static void
s_ledger_stop (void)
{
    rpc_client_destroy (&s_client);
    zactor_destroy (&s_ledger);
}

// Waits for the next message on the SUB socket whose topic is topic (others are skipped);
// returns its event (the caller frees it) or NULL after TEST_EVENT_WAIT_MS.
static Shanhai__V1__Event *
s_next_event (const char *topic)
{
    int64_t deadline_ms = zclock_mono () + TEST_EVENT_WAIT_MS;
    zpoller_t *poller = zpoller_new (s_sub, NULL);
    Shanhai__V1__Event *event = NULL;
    while (!event && zclock_mono () < deadline_ms) {
        if (!zpoller_wait (poller, (int) (deadline_ms - zclock_mono ())))
            continue;
        zmsg_t *msg = zmsg_recv (s_sub);
        cr_assert (msg);
        cr_assert_eq (zmsg_size (msg), 2, "two frames: topic, event");
        char *received = zmsg_popstr (msg);
        zframe_t *frame = zmsg_pop (msg);
        if (streq (received, topic)) {
            event = shanhai__v1__event__unpack (NULL, zframe_size (frame), zframe_data (frame));
            cr_assert (event, "a shanhai.v1.Event");
        }
        zframe_destroy (&frame);
        zstr_free (&received);
        zmsg_destroy (&msg);
    }
    zpoller_destroy (&poller);
    return event;
}

static void
s_setup (void)
{
    log_init ("ledger-test", LOG_LEVEL_ERROR);
    s_dir = test_tmpdir ();
    s_registry_args.path = test_path (s_dir, "fake-registry.db");
    test_free_endpoint (s_registry_args.rpc, sizeof s_registry_args.rpc);
    test_free_endpoint (s_registry_args.pub, sizeof s_registry_args.pub);
    memset (&s_config, 0, sizeof s_config);
    snprintf (s_config.data_dir, sizeof s_config.data_dir, "%s", s_dir);
    s_config.redis_enabled = false;
    s_config.log_level = LOG_LEVEL_ERROR;
    snprintf (s_config.registry_rpc, sizeof s_config.registry_rpc, "%s", s_registry_args.rpc);
    snprintf (s_config.registry_pub, sizeof s_config.registry_pub, "%s", s_registry_args.pub);
    test_free_endpoint (s_config.ledger_rpc, sizeof s_config.ledger_rpc);
    test_free_endpoint (s_config.ledger_pub, sizeof s_config.ledger_pub);
    // As the service's main does, before it serves: the kinds its policy directory declares.
    snprintf (s_config.policy_dir, sizeof s_config.policy_dir, "%s", s_dir);
    char *kinds = test_path (s_dir, CONFIG_KINDS_FILE);
    FILE *file = fopen (kinds, "w");
    cr_assert (file);
    fputs ("{\"activities\": [{\"name\": \"work-meeting\", \"title\": \"季度工作例会\", "
           "\"title_en\": \"quarterly work meeting\"}]}", file);
    cr_assert_eq (fclose (file), 0);
    free (kinds);
    char errstr[512] = "";
    cr_assert_eq (config_declare_kinds (&s_config, errstr, sizeof errstr), 0, "%s", errstr);
    s_sub = zsock_new_sub (s_config.ledger_pub, "");
    cr_assert (s_sub);
}

static void
s_teardown (void)
{
    s_ledger_stop ();
    zactor_destroy (&s_registry);
    zsock_destroy (&s_sub);
    test_rmdir (s_dir);
    free (s_dir);
    free (s_registry_args.path);
}

TestSuite (ledger_server, .init = s_setup, .fini = s_teardown, .timeout = 90);

static Shanhai__V1__LedgerEvent
s_funds (const char *id, int64_t amount_fen, const char *date)
{
    Shanhai__V1__LedgerEvent event = SHANHAI__V1__LEDGER_EVENT__INIT;
    event.id = (char *) id;
    event.kind = LEDGER_KIND_AID_FUNDS;
    event.pairing = "hb-01";
    event.amount_fen = amount_fen;
    event.date = (char *) date;
    event.memo = "第一笔援助资金";
    return event;
}

// Records event; returns the status, and on OK the reply in *reply (NULL allowed: freed).
static rpc_status_t
s_record (const Shanhai__V1__LedgerEvent *event, Shanhai__V1__RecordReply **reply)
{
    Shanhai__V1__RecordReply *answer = NULL;
    rpc_status_t status = rpc_client_call (s_client, "ledger.Record", &event->base,
                                           &shanhai__v1__record_reply__descriptor,
                                           (ProtobufCMessage **) &answer);
    if (reply)
        *reply = answer;
    else if (answer)
        shanhai__v1__record_reply__free_unpacked (answer, NULL);
    return status;
}

// Expects event to be refused with status and what in the error.
static void
s_refused (const Shanhai__V1__LedgerEvent *event, rpc_status_t status, const char *what)
{
    rpc_status_t got = s_record (event, NULL);
    cr_assert_eq (got, status, "%s: status %s, expected %s (%s)", event->id,
                  rpc_status_name (got), rpc_status_name (status), rpc_client_error (s_client));
    cr_assert (strstr (rpc_client_error (s_client), what), "%s: error '%s' lacks '%s'",
               event->id, rpc_client_error (s_client), what);
}

// Waits until the ledger knows the clock: until then an unknown pairing is UNAVAILABLE,
// afterwards NOT_FOUND (nothing is recorded either way).
static void
s_wait_for_clock (void)
{
    Shanhai__V1__LedgerEvent probe = s_funds ("probe", 1, "2021-06-30");
    probe.pairing = "hb-99";
    int64_t deadline_ms = zclock_mono () + TEST_EVENT_WAIT_MS;
    rpc_status_t status;
    while ((status = s_record (&probe, NULL)) == RPC_UNAVAILABLE && zclock_mono () < deadline_ms)
        zclock_sleep (50);
    cr_assert_eq (status, RPC_NOT_FOUND, "the ledger learns the clock: %s",
                  rpc_client_error (s_client));
}

// The ledger's ReplayReply from from_seq (the caller frees it).
static Shanhai__V1__ReplayReply *
s_replay (uint64_t from_seq)
{
    Shanhai__V1__ReplayRequest request = SHANHAI__V1__REPLAY_REQUEST__INIT;
    request.from_seq = from_seq;
    Shanhai__V1__ReplayReply *reply = NULL;
    rpc_status_t status = rpc_client_call (s_client, "ledger.Replay", &request.base,
                                           &shanhai__v1__replay_reply__descriptor,
                                           (ProtobufCMessage **) &reply);
    cr_assert_eq (status, RPC_OK, "%s", rpc_client_error (s_client));
    return reply;
}

static uint64_t
s_head (void)
{
    Shanhai__V1__ReplayReply *reply = s_replay (1);
    uint64_t head = reply->head_seq;
    shanhai__v1__replay_reply__free_unpacked (reply, NULL);
    return head;
}

// The registry with its clock, the ledger, and the SUB socket connected (a heartbeat came).
static void
s_start_all (void)
{
    s_registry_start (true);
    s_ledger_start ();
    s_wait_for_clock ();
    Shanhai__V1__Event *heartbeat = s_next_event ("_head");
    cr_assert (heartbeat, "the ledger's heartbeat reaches the SUB socket");
    shanhai__v1__event__free_unpacked (heartbeat, NULL);
}

Test (ledger_server, records_then_publishes_with_seq_1)
{
    s_start_all ();
    Shanhai__V1__LedgerEvent event = s_funds ("e1", 500000000, "2021-06-30");
    Shanhai__V1__RecordReply *reply = NULL;
    cr_assert_eq (s_record (&event, &reply), RPC_OK, "%s", rpc_client_error (s_client));
    cr_assert_not (reply->duplicate);
    cr_assert_eq (reply->event->seq, 1);
    cr_assert_str_eq (reply->event->program, "hb-shanchuan");
    cr_assert_str_eq (reply->event->from_region, "hb-wuhan-donghu");
    cr_assert_str_eq (reply->event->to_region, "hb-zhuxi");
    cr_assert_gt (reply->event->recorded_at_ms, 0);

    Shanhai__V1__Event *published = s_next_event ("ledger.recorded");
    cr_assert (published, "ledger.recorded arrives");
    cr_assert_eq (published->seq, 1);
    cr_assert_str_eq (published->type, "ledger.recorded");
    Shanhai__V1__LedgerEvent *body = shanhai__v1__ledger_event__unpack (
        NULL, published->body.len, published->body.data);
    cr_assert (body);
    cr_assert_str_eq (body->id, "e1");
    cr_assert_eq (body->seq, 1, "the body's seq is the event's seq");
    cr_assert_eq (body->recorded_at_ms, reply->event->recorded_at_ms);
    cr_assert_str_eq (body->program, "hb-shanchuan");
    cr_assert_null (ledger_validate_difference (body, reply->event));
    shanhai__v1__ledger_event__free_unpacked (body, NULL);
    shanhai__v1__event__free_unpacked (published, NULL);
    shanhai__v1__record_reply__free_unpacked (reply, NULL);
}

Test (ledger_server, the_same_id_is_a_duplicate_or_a_conflict)
{
    s_start_all ();
    Shanhai__V1__LedgerEvent event = s_funds ("e1", 500000000, "2021-06-30");
    Shanhai__V1__RecordReply *first = NULL, *again = NULL;
    cr_assert_eq (s_record (&event, &first), RPC_OK, "%s", rpc_client_error (s_client));
    event.from_region = "hb-wuhan-donghu";  // what the ledger filled in, now said: the same
    cr_assert_eq (s_record (&event, &again), RPC_OK, "%s", rpc_client_error (s_client));
    cr_assert (again->duplicate);
    cr_assert_eq (again->event->seq, first->event->seq, "the first result");
    cr_assert_eq (again->event->recorded_at_ms, first->event->recorded_at_ms);
    shanhai__v1__record_reply__free_unpacked (first, NULL);
    shanhai__v1__record_reply__free_unpacked (again, NULL);

    event.amount_fen = 500000001;
    s_refused (&event, RPC_CONFLICT, "event e1 was recorded before with another amount_fen");
    event = s_funds ("e1", 500000000, "2021-06-30");
    event.memo = "";
    s_refused (&event, RPC_CONFLICT, "another memo");
    cr_assert_eq (s_head (), 1, "one event on the ledger");
    Shanhai__V1__Event *published = s_next_event ("ledger.recorded");
    cr_assert (published);
    cr_assert_eq (published->seq, 1);
    shanhai__v1__event__free_unpacked (published, NULL);
    cr_assert_null (s_next_event ("ledger.recorded"), "a duplicate publishes nothing");
}

Test (ledger_server, bad_input_is_refused_and_the_ledger_keeps_serving)
{
    s_start_all ();
    Shanhai__V1__LedgerEvent event = s_funds ("b1", 100, "2021-06-30");
    event.pairing = "hb-99";
    s_refused (&event, RPC_NOT_FOUND, "pairing hb-99 is not in the registry");
    event = s_funds ("b2", -1000, "2021-06-30");
    s_refused (&event, RPC_INVALID, "amount_fen must be 1..");
    event = s_funds ("b3", 100, "2020-12-31");
    s_refused (&event, RPC_INVALID, "pairing hb-01 is not active on 2020-12-31 "
               "(active 2021-01-01..2025-12-31)");
    event = s_funds ("b4", 100, "2021-07-02");
    s_refused (&event, RPC_INVALID, "after today (2021-07-01)");
    event = s_funds ("b5", 100, "2021-06-30");
    event.from_region = "hb-zhuxi";
    s_refused (&event, RPC_INVALID, "go from hb-wuhan-donghu to hb-zhuxi");
    event = s_funds ("b6", 0, "2021-06-30");
    event.kind = LEDGER_KIND_LEADER_VISIT;
    event.from_region = "hb-wufeng";
    s_refused (&event, RPC_INVALID, "not hb-wufeng");

    const uint8_t garbage[] = { 0xff, 0xff, 0xff, 0xff, 0x0a };
    cr_assert_eq (rpc_client_call_raw (s_client, "ledger.Record", garbage, sizeof garbage,
                                       NULL, NULL), RPC_INVALID);
    cr_assert (strstr (rpc_client_error (s_client), "malformed"), "%s",
               rpc_client_error (s_client));
    cr_assert_eq (rpc_client_call_raw (s_client, "ledger.Nope", NULL, 0, NULL, NULL),
                  RPC_INVALID);
    cr_assert (strstr (rpc_client_error (s_client), "ledger.Nope"), "%s",
               rpc_client_error (s_client));
    cr_assert_eq (s_head (), 0, "nothing was recorded");

    event = s_funds ("good-1", 100, "2021-06-30");
    cr_assert_eq (s_record (&event, NULL), RPC_OK, "still serving: %s",
                  rpc_client_error (s_client));
    cr_assert_eq (s_head (), 1);
}

Test (ledger_server, visits_are_recorded_without_an_amount)
{
    s_start_all ();
    Shanhai__V1__LedgerEvent event = s_funds ("v1", 0, "2021-06-15");
    event.kind = LEDGER_KIND_LEADER_VISIT;
    event.from_region = "hb-zhuxi";
    Shanhai__V1__RecordReply *reply = NULL;
    cr_assert_eq (s_record (&event, &reply), RPC_OK, "%s", rpc_client_error (s_client));
    cr_assert_str_eq (reply->event->to_region, "hb-wuhan-donghu");
    cr_assert_eq (reply->event->amount_fen, 0);
    shanhai__v1__record_reply__free_unpacked (reply, NULL);
}

Test (ledger_server, replay_returns_what_was_recorded)
{
    s_start_all ();
    char ids[3][8];
    for (int index = 0; index < 3; index++) {
        snprintf (ids[index], sizeof ids[index], "r%d", index);
        Shanhai__V1__LedgerEvent event = s_funds (ids[index], 100 + index, "2021-06-30");
        cr_assert_eq (s_record (&event, NULL), RPC_OK, "%s", rpc_client_error (s_client));
    }
    Shanhai__V1__ReplayReply *reply = s_replay (1);
    cr_assert_eq (reply->head_seq, 3);
    cr_assert_eq (reply->n_events, 3);
    for (size_t index = 0; index < reply->n_events; index++) {
        Shanhai__V1__Event *event = reply->events[index];
        cr_assert_eq (event->seq, index + 1);
        cr_assert_str_eq (event->type, "ledger.recorded");
        Shanhai__V1__LedgerEvent *body
            = shanhai__v1__ledger_event__unpack (NULL, event->body.len, event->body.data);
        cr_assert (body);
        cr_assert_str_eq (body->id, ids[index]);
        cr_assert_eq (body->seq, event->seq);
        cr_assert_eq (body->amount_fen, 100 + (int64_t) index);
        shanhai__v1__ledger_event__free_unpacked (body, NULL);
    }
    shanhai__v1__replay_reply__free_unpacked (reply, NULL);
    reply = s_replay (3);
    cr_assert_eq (reply->n_events, 1);
    cr_assert_eq (reply->events[0]->seq, 3);
    shanhai__v1__replay_reply__free_unpacked (reply, NULL);
}

// Sends one request on dealer without waiting for its reply.
static void
s_send (zsock_t *dealer, const char *method, const char *request_id,
        const ProtobufCMessage *body)
{
    uint8_t packed[1024];
    Shanhai__V1__Request request = SHANHAI__V1__REQUEST__INIT;
    request.method = (char *) method;
    request.request_id = (char *) request_id;
    cr_assert_leq (protobuf_c_message_get_packed_size (body), sizeof packed);
    request.body.len = protobuf_c_message_pack (body, packed);
    request.body.data = packed;
    zframe_t *frame = zframe_new (NULL, shanhai__v1__request__get_packed_size (&request));
    shanhai__v1__request__pack (&request, zframe_data (frame));
    cr_assert_eq (zframe_send (&frame, dealer, 0), 0);
}

Test (ledger_server, many_calls_at_once_are_all_acknowledged)
{
    s_start_all ();
    zsock_t *dealer = zsock_new_dealer (s_config.ledger_rpc);
    cr_assert (dealer);
    static char ids[TEST_BURST_CALLS][16];
    for (int index = 0; index < TEST_BURST_CALLS; index++) {
        snprintf (ids[index], sizeof ids[index], "g%d", index);
        Shanhai__V1__LedgerEvent event = s_funds (ids[index], 1 + index, "2021-06-30");
        s_send (dealer, "ledger.Record", ids[index], &event.base);
        if (index == LEDGER_BATCH_EVENTS_MAX / 2) {  // another method in the middle of a batch
            Shanhai__V1__ReplayRequest replay = SHANHAI__V1__REPLAY_REQUEST__INIT;
            s_send (dealer, "ledger.Replay", "replay", &replay.base);
        }
    }
    Shanhai__V1__LedgerEvent again = s_funds ("g0", 1, "2021-06-30");
    s_send (dealer, "ledger.Record", "again", &again.base);
    Shanhai__V1__LedgerEvent other = s_funds ("g1", 999, "2021-06-30");
    s_send (dealer, "ledger.Record", "other", &other.base);

    static bool seen[TEST_BURST_CALLS + 1];
    zpoller_t *poller = zpoller_new (dealer, NULL);
    int replies = 0, expected = TEST_BURST_CALLS + 3;
    uint64_t g0_seq = 0, again_seq = 0;
    while (replies < expected && zpoller_wait (poller, 4 * RPC_TIMEOUT_MS)) {
        zframe_t *frame = zframe_recv (dealer);
        Shanhai__V1__Reply *reply
            = shanhai__v1__reply__unpack (NULL, zframe_size (frame), zframe_data (frame));
        cr_assert (reply);
        replies++;
        if (streq (reply->request_id, "other"))
            cr_assert_eq (reply->status, RPC_CONFLICT, "g1 again, other amount");
        else if (streq (reply->request_id, "replay"))
            cr_assert_eq (reply->status, RPC_OK);
        else {
            cr_assert_eq (reply->status, RPC_OK, "%s: %s", reply->request_id, reply->error);
            Shanhai__V1__RecordReply *recorded = shanhai__v1__record_reply__unpack (
                NULL, reply->body.len, reply->body.data);
            cr_assert (recorded);
            uint64_t seq = recorded->event->seq;
            cr_assert (seq >= 1 && seq <= TEST_BURST_CALLS, "seq %llu", (unsigned long long) seq);
            if (streq (reply->request_id, "again")) {
                cr_assert (recorded->duplicate);
                again_seq = seq;
            } else {
                cr_assert_not (seen[seq], "seq %llu twice", (unsigned long long) seq);
                seen[seq] = true;
                if (streq (reply->request_id, "g0"))
                    g0_seq = seq;
            }
            shanhai__v1__record_reply__free_unpacked (recorded, NULL);
        }
        shanhai__v1__reply__free_unpacked (reply, NULL);
        zframe_destroy (&frame);
    }
    zpoller_destroy (&poller);
    zsock_destroy (&dealer);
    cr_assert_eq (replies, expected, "every call is answered");
    cr_assert_eq (again_seq, g0_seq, "the duplicate answers with the first event");
    cr_assert_eq (s_head (), TEST_BURST_CALLS);
}

Test (ledger_server, unavailable_until_the_clock_is_known)
{
    s_registry_start (false);
    s_ledger_start ();
    Shanhai__V1__LedgerEvent event = s_funds ("c1", 100, "2021-06-30");
    s_refused (&event, RPC_UNAVAILABLE, "the ledger has not heard the reference data from the "
               "registry yet");
    event.amount_fen = 0;
    s_refused (&event, RPC_INVALID, "amount_fen");  // bad input is still bad input
    zstr_send (s_registry, "CLOCK");
    s_wait_for_clock ();
    event.amount_fen = 100;
    cr_assert_eq (s_record (&event, NULL), RPC_OK, "%s", rpc_client_error (s_client));
}

Test (ledger_server, validates_from_its_replica_while_the_registry_is_down)
{
    s_start_all ();
    zactor_destroy (&s_registry);
    Shanhai__V1__LedgerEvent event = s_funds ("u1", 100, "2021-06-30");
    Shanhai__V1__RecordReply *reply = NULL;
    cr_assert_eq (s_record (&event, &reply), RPC_OK, "%s", rpc_client_error (s_client));
    cr_assert_eq (reply->event->registry_version, 1, "validated against version 1");
    shanhai__v1__record_reply__free_unpacked (reply, NULL);
    Shanhai__V1__LedgerEvent unknown = s_funds ("u2", 100, "2021-06-30");
    unknown.pairing = "hb-99";
    s_refused (&unknown, RPC_NOT_FOUND, "pairing hb-99 is not in the registry");
    // A restart with the registry still down serves from the replica stored in ledger.db.
    s_ledger_stop ();
    s_ledger_start ();
    event.id = "u3";
    cr_assert_eq (s_record (&event, NULL), RPC_OK, "%s", rpc_client_error (s_client));
    cr_assert_eq (s_head (), 2);
}

Test (ledger_server, what_is_recorded_survives_a_restart)
{
    s_start_all ();
    Shanhai__V1__LedgerEvent event = s_funds ("s1", 100, "2021-06-30");
    cr_assert_eq (s_record (&event, NULL), RPC_OK, "%s", rpc_client_error (s_client));
    s_ledger_stop ();
    s_ledger_start ();
    // The registry announced the clock once, before the restart: the ledger kept it.
    Shanhai__V1__RecordReply *reply = NULL;
    cr_assert_eq (s_record (&event, &reply), RPC_OK, "%s", rpc_client_error (s_client));
    cr_assert (reply->duplicate);
    cr_assert_eq (reply->event->seq, 1);
    shanhai__v1__record_reply__free_unpacked (reply, NULL);
    event.id = "s2";
    cr_assert_eq (s_record (&event, &reply), RPC_OK, "%s", rpc_client_error (s_client));
    cr_assert_eq (reply->event->seq, 2, "the next seq follows what is on disk");
    shanhai__v1__record_reply__free_unpacked (reply, NULL);
    cr_assert_eq (s_head (), 2);
}

// Sends a batch of count events; returns the status, and on OK the reply (the caller frees).
static rpc_status_t
s_record_batch (Shanhai__V1__LedgerEvent *events, size_t count,
                Shanhai__V1__RecordBatchReply **reply)
{
    static Shanhai__V1__LedgerEvent *pointers[LEDGER_BATCH_EVENTS_MAX + 1];
    cr_assert_leq (count, LEDGER_BATCH_EVENTS_MAX + 1);
    for (size_t index = 0; index < count; index++)
        pointers[index] = &events[index];
    Shanhai__V1__RecordBatchRequest request = SHANHAI__V1__RECORD_BATCH_REQUEST__INIT;
    request.n_events = count;
    request.events = pointers;
    *reply = NULL;
    return rpc_client_call (s_client, "ledger.RecordBatch", &request.base,
                            &shanhai__v1__record_batch_reply__descriptor,
                            (ProtobufCMessage **) reply);
}

static Shanhai__V1__TotalsReply *
s_totals (int year)
{
    Shanhai__V1__TotalsRequest request = SHANHAI__V1__TOTALS_REQUEST__INIT;
    request.pairing = "hb-01";
    request.year = year;
    Shanhai__V1__TotalsReply *reply = NULL;
    rpc_status_t status = rpc_client_call (s_client, "ledger.Totals", &request.base,
                                           &shanhai__v1__totals_reply__descriptor,
                                           (ProtobufCMessage **) &reply);
    cr_assert_eq (status, RPC_OK, "%s", rpc_client_error (s_client));
    return reply;
}

Test (ledger_server, a_batch_is_all_or_nothing_and_its_events_refer_to_each_other)
{
    s_start_all ();
    Shanhai__V1__LedgerEvent events[3] = { s_funds ("d1", 1000, "2021-06-01"),
                                           s_funds ("r1", 400, "2021-06-02"),
                                           s_funds ("r2", 601, "2021-06-03") };
    events[1].kind = events[2].kind = "receipt";
    events[1].of = events[2].of = "d1";
    Shanhai__V1__RecordBatchReply *reply = NULL;
    cr_assert_eq (s_record_batch (events, 3, &reply), RPC_INVALID);
    cr_assert (strstr (rpc_client_error (s_client),
                       "event 2 (r2): amount_fen 601 is more than what is pending of "
                       "disbursement d1 (600 fen); nothing of the batch was recorded"),
               "%s", rpc_client_error (s_client));
    cr_assert_eq (s_head (), 0, "nothing stored, nothing published");
    events[2].amount_fen = 0;
    cr_assert_eq (s_record_batch (events, 3, &reply), RPC_INVALID);
    cr_assert (strstr (rpc_client_error (s_client), "event 2 (r2): amount_fen must be 1.."),
               "%s", rpc_client_error (s_client));
    events[2].amount_fen = 600;
    cr_assert_eq (s_record_batch (events, 3, &reply), RPC_OK, "%s", rpc_client_error (s_client));
    cr_assert_eq (reply->n_results, 3);
    cr_assert_eq (reply->results[2]->event->seq, 3);
    cr_assert_str_eq (reply->results[1]->event->from_region, "hb-zhuxi", "the recipient's");
    shanhai__v1__record_batch_reply__free_unpacked (reply, NULL);
    cr_assert_eq (s_record_batch (events, 3, &reply), RPC_OK, "a retry: %s",
                  rpc_client_error (s_client));
    cr_assert (reply->results[0]->duplicate && reply->results[2]->duplicate);
    shanhai__v1__record_batch_reply__free_unpacked (reply, NULL);
    cr_assert_eq (s_head (), 3, "recorded once");
    Shanhai__V1__TotalsReply *totals = s_totals (2021);
    cr_assert_eq (totals->disbursed_fen, 1000);
    cr_assert_eq (totals->received_fen, 1000);
    cr_assert_eq (totals->pending_fen, 0);
    shanhai__v1__totals_reply__free_unpacked (totals, NULL);
}

Test (ledger_server, a_batch_holds_1_to_the_limit)
{
    s_start_all ();
    Shanhai__V1__RecordBatchReply *reply = NULL;
    cr_assert_eq (s_record_batch (NULL, 0, &reply), RPC_INVALID);
    cr_assert (strstr (rpc_client_error (s_client), "a batch holds 1..256 events, not 0"));
    static Shanhai__V1__LedgerEvent events[LEDGER_BATCH_EVENTS_MAX + 1];
    static char ids[LEDGER_BATCH_EVENTS_MAX + 1][16];
    for (size_t index = 0; index <= LEDGER_BATCH_EVENTS_MAX; index++) {
        snprintf (ids[index], sizeof ids[index], "b%zu", index);
        events[index] = s_funds (ids[index], 1, "2021-06-01");
    }
    cr_assert_eq (s_record_batch (events, LEDGER_BATCH_EVENTS_MAX + 1, &reply), RPC_INVALID);
    cr_assert (strstr (rpc_client_error (s_client), "not 257"));
    cr_assert_eq (s_record_batch (events, LEDGER_BATCH_EVENTS_MAX, &reply), RPC_OK, "%s",
                  rpc_client_error (s_client));
    cr_assert_eq (reply->n_results, LEDGER_BATCH_EVENTS_MAX);
    shanhai__v1__record_batch_reply__free_unpacked (reply, NULL);
}

Test (ledger_server, list_filters_and_pages_by_seq)
{
    s_start_all ();
    Shanhai__V1__LedgerEvent visit = s_funds ("v1", 0, "2021-03-01");
    visit.kind = "leader-visit";
    visit.from_region = "hb-zhuxi";
    cr_assert_eq (s_record (&visit, NULL), RPC_OK, "%s", rpc_client_error (s_client));
    for (int index = 0; index < 5; index++) {
        char id[16], date[16];
        snprintf (id, sizeof id, "f%d", index);
        snprintf (date, sizeof date, "2021-0%d-01", index + 1);
        Shanhai__V1__LedgerEvent event = s_funds (id, 100 + index, date);
        cr_assert_eq (s_record (&event, NULL), RPC_OK, "%s", rpc_client_error (s_client));
    }
    Shanhai__V1__ListRequest request = SHANHAI__V1__LIST_REQUEST__INIT;
    request.kind = "aid-funds";
    request.from_date = "2021-02-01";
    request.limit = 2;
    Shanhai__V1__ListReply *page = NULL;
    cr_assert_eq (rpc_client_call (s_client, "ledger.List", &request.base,
                                   &shanhai__v1__list_reply__descriptor,
                                   (ProtobufCMessage **) &page), RPC_OK);
    cr_assert_eq (page->n_events, 2);
    cr_assert_str_eq (page->events[0]->id, "f1");
    cr_assert_str_eq (page->events[1]->id, "f2");
    cr_assert (page->more);
    request.after_seq = page->events[1]->seq;
    shanhai__v1__list_reply__free_unpacked (page, NULL);
    cr_assert_eq (rpc_client_call (s_client, "ledger.List", &request.base,
                                   &shanhai__v1__list_reply__descriptor,
                                   (ProtobufCMessage **) &page), RPC_OK);
    cr_assert_eq (page->n_events, 2);
    cr_assert_str_eq (page->events[1]->id, "f4");
    cr_assert_not (page->more);
    shanhai__v1__list_reply__free_unpacked (page, NULL);
    Shanhai__V1__ListRequest by_region = SHANHAI__V1__LIST_REQUEST__INIT;
    by_region.region = "hb-zhuxi";
    by_region.to_date = "2021-03-01";
    cr_assert_eq (rpc_client_call (s_client, "ledger.List", &by_region.base,
                                   &shanhai__v1__list_reply__descriptor,
                                   (ProtobufCMessage **) &page), RPC_OK);
    cr_assert_eq (page->n_events, 4, "v1, f0, f1, f2");
    shanhai__v1__list_reply__free_unpacked (page, NULL);
    by_region.kind = "gift";
    cr_assert_eq (rpc_client_call (s_client, "ledger.List", &by_region.base, NULL, NULL),
                  RPC_INVALID);
    cr_assert (strstr (rpc_client_error (s_client), "kind \"gift\" is not a known kind"));
    by_region.kind = "";
    by_region.from_date = "2021-13-01";
    cr_assert_eq (rpc_client_call (s_client, "ledger.List", &by_region.base, NULL, NULL),
                  RPC_INVALID);
    cr_assert (strstr (rpc_client_error (s_client), "from \"2021-13-01\" is not a date"));
}

// An activity the policy directory declares (s_setup's kinds.json) is recorded and counted as
// a built-in one is; one it does not declare is not a kind.
Test (ledger_server, a_declared_activity_is_recorded_like_a_built_in_one)
{
    s_start_all ();
    Shanhai__V1__LedgerEvent event = s_funds ("w1", 0, "2021-06-15");
    event.kind = "work-meeting";
    Shanhai__V1__RecordReply *reply = NULL;
    cr_assert_eq (s_record (&event, &reply), RPC_OK, "%s", rpc_client_error (s_client));
    cr_assert_str_eq (reply->event->kind, "work-meeting");
    cr_assert_str_eq (reply->event->from_region, "", "between the pair as a whole");
    shanhai__v1__record_reply__free_unpacked (reply, NULL);
    Shanhai__V1__TotalsReply *totals = s_totals (2021);
    size_t counted = 0;
    for (size_t index = 0; index < totals->n_kinds; index++)
        if (strcmp (totals->kinds[index]->kind, "work-meeting") == 0) {
            counted++;
            cr_assert_eq (totals->kinds[index]->count, 1);
            cr_assert_str_eq (totals->kinds[index]->unit, "count");
        }
    cr_assert_eq (counted, 1, "the pair's totals have the declared kind");
    shanhai__v1__totals_reply__free_unpacked (totals, NULL);
    event.id = "w2";
    event.kind = "support-analysis";
    s_refused (&event, RPC_INVALID, "kind \"support-analysis\" is not a known kind (");
}

Test (ledger_server, totals_count_every_kind_and_leave_out_what_is_reversed)
{
    s_start_all ();
    Shanhai__V1__LedgerEvent training = s_funds ("t1", 0, "2021-04-01");
    training.kind = "training";
    training.persons = 250;
    Shanhai__V1__LedgerEvent plan = s_funds ("p1", 0, "2021-05-01");
    plan.kind = "plan-filed";
    plan.year = 2022;
    Shanhai__V1__LedgerEvent undo = s_funds ("x1", 0, "2021-05-02");
    undo.kind = "reversal";
    undo.of = "t1";
    undo.pairing = "";
    Shanhai__V1__RecordReply *reply = NULL;
    cr_assert_eq (s_record (&training, NULL), RPC_OK, "%s", rpc_client_error (s_client));
    cr_assert_eq (s_record (&plan, NULL), RPC_OK, "%s", rpc_client_error (s_client));
    Shanhai__V1__TotalsReply *totals = s_totals (2021);
    size_t kinds = totals->n_kinds;
    cr_assert_gt (kinds, 10);
    for (size_t index = 0; index < kinds; index++) {
        Shanhai__V1__KindTotal *total = totals->kinds[index];
        cr_assert_str_neq (total->kind, "reversal");
        cr_assert_str_neq (total->kind, "indicator");
        if (strcmp (total->kind, "training") == 0) {
            cr_assert_eq (total->count, 1);
            cr_assert_eq (total->quantity, 250);
            cr_assert_str_eq (total->unit, "persons");
        }
        if (strcmp (total->kind, "plan-filed") == 0)
            cr_assert_eq (total->count, 0, "a plan counts in the year it is for");
    }
    shanhai__v1__totals_reply__free_unpacked (totals, NULL);
    cr_assert_eq (s_record (&undo, &reply), RPC_OK, "%s", rpc_client_error (s_client));
    cr_assert_str_eq (reply->event->pairing, "hb-01", "the pairing of what it reverses");
    cr_assert_str_eq (reply->event->program, "hb-shanchuan");
    shanhai__v1__record_reply__free_unpacked (reply, NULL);
    cr_assert_eq (s_record (&undo, &reply), RPC_OK, "a retry without the pairing: %s",
                  rpc_client_error (s_client));
    cr_assert (reply->duplicate);
    shanhai__v1__record_reply__free_unpacked (reply, NULL);
    totals = s_totals (2021);
    for (size_t index = 0; index < totals->n_kinds; index++)
        if (strcmp (totals->kinds[index]->kind, "training") == 0)
            cr_assert_eq (totals->kinds[index]->quantity, 0);
    shanhai__v1__totals_reply__free_unpacked (totals, NULL);
    totals = s_totals (2022);
    for (size_t index = 0; index < totals->n_kinds; index++)
        if (strcmp (totals->kinds[index]->kind, "plan-filed") == 0)
            cr_assert_eq (totals->kinds[index]->count, 1);
    shanhai__v1__totals_reply__free_unpacked (totals, NULL);
    Shanhai__V1__TotalsRequest request = SHANHAI__V1__TOTALS_REQUEST__INIT;
    request.pairing = "hb-99";
    request.year = 2021;
    cr_assert_eq (rpc_client_call (s_client, "ledger.Totals", &request.base, NULL, NULL),
                  RPC_NOT_FOUND);
    request.pairing = "hb-01";
    request.year = 1999;
    cr_assert_eq (rpc_client_call (s_client, "ledger.Totals", &request.base, NULL, NULL),
                  RPC_INVALID);
}

Test (ledger_server, an_indicator_is_a_regions_and_needs_a_known_region)
{
    s_start_all ();
    Shanhai__V1__LedgerEvent event = s_funds ("i1", 0, "2021-06-01");
    event.kind = "indicator";
    event.pairing = "";
    event.region = "hb-zhuxi";
    event.code = "rural_income_growth";
    event.year = 2020;
    event.value = "8.5";
    Shanhai__V1__RecordReply *reply = NULL;
    cr_assert_eq (s_record (&event, &reply), RPC_OK, "%s", rpc_client_error (s_client));
    cr_assert_str_eq (reply->event->value, "8.5");
    cr_assert_str_eq (reply->event->program, "");
    shanhai__v1__record_reply__free_unpacked (reply, NULL);
    event.id = "i2";
    event.region = "hb-nowhere";
    s_refused (&event, RPC_NOT_FOUND, "region hb-nowhere is not in the registry");
    event.id = "i1";
    event.region = "hb-zhuxi";
    event.value = "8.6";
    s_refused (&event, RPC_CONFLICT, "event i1 was recorded before with another value");
}

Test (ledger_server, one_id_twice_in_a_batch_is_once_or_a_conflict)
{
    s_start_all ();
    Shanhai__V1__LedgerEvent events[2] = { s_funds ("d1", 1000, "2021-06-01"),
                                           s_funds ("d1", 1000, "2021-06-01") };
    Shanhai__V1__RecordBatchReply *reply = NULL;
    cr_assert_eq (s_record_batch (events, 2, &reply), RPC_OK, "%s", rpc_client_error (s_client));
    cr_assert_not (reply->results[0]->duplicate);
    cr_assert (reply->results[1]->duplicate, "the second is the first's retry");
    cr_assert_eq (reply->results[1]->event->seq, 1);
    shanhai__v1__record_batch_reply__free_unpacked (reply, NULL);
    events[0].id = events[1].id = "d2";
    events[1].amount_fen = 1001;
    cr_assert_eq (s_record_batch (events, 2, &reply), RPC_CONFLICT);
    cr_assert (strstr (rpc_client_error (s_client),
                       "event 1 (d2): event d2 was recorded before with another amount_fen"),
               "%s", rpc_client_error (s_client));
    cr_assert_eq (s_head (), 1, "nothing of the second batch");
}
