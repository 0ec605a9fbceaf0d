/*  The registry over real sockets: the server in an actor, a DEALER client and a SUB socket in
    the test, a fresh data directory per test. */
#include <criterion/criterion.h>
#include <string.h>
#include "common/config.h"
#include "common/date.h"
#include "common/rpc.h"
#include "registry_json.h"
#include "registry_server.h"
#include "support.h"

// How long the test waits for a published event: the heartbeat comes every second.
#define TEST_EVENT_WAIT_MS 3000
// A start: how many tries, and how long each waits for the server's first answer.
#define TEST_START_ATTEMPTS 20
#define TEST_START_PROBE_MS 250

static config_t s_config;
static char *s_dir;
static zactor_t *s_server;
static rpc_client_t *s_client;

// Starts the server and waits until it answers. ZeroMQ closes a stopped server's listening
// socket in its own thread, a moment later, so the bind of a restart may fail at first: then
// the actor has ended, and the test starts it again.
static void
s_start (const char *clock)
{
    snprintf (s_config.clock, sizeof s_config.clock, "%s", clock);
    for (int attempt = 0; attempt < TEST_START_ATTEMPTS; attempt++) {
        s_server = zactor_new (registry_server_actor, &s_config);
        cr_assert (s_server);
        s_client = rpc_client_new (s_config.registry_rpc, TEST_START_PROBE_MS);
        cr_assert (s_client);
        Shanhai__V1__ClockRequest request = SHANHAI__V1__CLOCK_REQUEST__INIT;
        if (rpc_client_call (s_client, "registry.GetClock", &request.base, NULL, NULL)
            == RPC_OK) {
            rpc_client_destroy (&s_client);
            s_client = rpc_client_new (s_config.registry_rpc, RPC_TIMEOUT_MS);
            cr_assert (s_client);
            return;
        }
        rpc_client_destroy (&s_client);
        zactor_destroy (&s_server);
    }
    cr_assert_fail ("the registry did not start on %s", s_config.registry_rpc);
}

static void
s_stop (void)
{
    rpc_client_destroy (&s_client);
    zactor_destroy (&s_server);
}

static void
s_setup (void)
{
    log_init ("registry-test", LOG_LEVEL_ERROR);
    memset (&s_config, 0, sizeof s_config);
    s_dir = test_tmpdir ();
    snprintf (s_config.data_dir, sizeof s_config.data_dir, "%s", s_dir);
    test_free_endpoint (s_config.registry_rpc, sizeof s_config.registry_rpc);
    test_free_endpoint (s_config.registry_pub, sizeof s_config.registry_pub);
    // As the service's main does, before it serves: the kinds its policy directory declares.
    snprintf (s_config.policy_dir, sizeof s_config.policy_dir, "%s/policies",
              test_source_dir ());
    char errstr[512] = "";
    cr_assert_eq (config_declare_kinds (&s_config, errstr, sizeof errstr), 0, "%s", errstr);
    s_start ("2026-03-01");
}

static void
s_teardown (void)
{
    s_stop ();
    test_rmdir (s_dir);
    free (s_dir);
}

TestSuite (registry_server, .init = s_setup, .fini = s_teardown, .timeout = 60);

static Shanhai__V1__RegistryDoc *
s_sample (void)
{
    char *path = test_path (test_source_dir (), "data/registry.json");
    char errstr[512] = "";
    Shanhai__V1__RegistryDoc *doc = registry_json_read (path, errstr, sizeof errstr);
    cr_assert (doc, "%s", errstr);
    free (path);
    return doc;
}

static rpc_status_t
s_call (const char *method, const ProtobufCMessage *request,
        const ProtobufCMessageDescriptor *descriptor, void *reply_out)
{
    return rpc_client_call (s_client, method, request, descriptor,
                            (ProtobufCMessage **) reply_out);
}

static uint64_t
s_load_sample (void)
{
    Shanhai__V1__RegistryDoc *doc = s_sample ();
    Shanhai__V1__LoadReply *reply = NULL;
    rpc_status_t status = s_call ("registry.Load", &doc->base,
                                  &shanhai__v1__load_reply__descriptor, &reply);
    cr_assert_eq (status, RPC_OK, "%s", rpc_client_error (s_client));
    cr_assert_eq (reply->programs, doc->n_programs);
    cr_assert_eq (reply->regions, doc->n_regions);
    cr_assert_eq (reply->pairings, doc->n_pairings);
    cr_assert_eq (reply->people, doc->n_people);
    uint64_t version = reply->version;
    shanhai__v1__load_reply__free_unpacked (reply, NULL);
    shanhai__v1__registry_doc__free_unpacked (doc, NULL);
    return version;
}

// Lists pairings with the filters; returns the count and the ids joined by spaces in ids.
static size_t
s_list (const char *program, const char *region, const char *date, char *ids, size_t ids_size)
{
    Shanhai__V1__ListPairingsRequest request = SHANHAI__V1__LIST_PAIRINGS_REQUEST__INIT;
    request.program = (char *) program;
    request.region = (char *) region;
    request.date = (char *) date;
    Shanhai__V1__PairingList *list = NULL;
    rpc_status_t status = s_call ("registry.ListPairings", &request.base,
                                  &shanhai__v1__pairing_list__descriptor, &list);
    cr_assert_eq (status, RPC_OK, "%s", rpc_client_error (s_client));
    size_t count = list->n_pairings;
    if (ids) {
        ids[0] = '\0';
        for (size_t index = 0; index < count; index++)
            snprintf (ids + strlen (ids), ids_size - strlen (ids), "%s%s", index ? " " : "",
                      list->pairings[index]->id);
    }
    shanhai__v1__pairing_list__free_unpacked (list, NULL);
    return count;
}

static rpc_status_t
s_get_pairing (const char *id, Shanhai__V1__Pairing **pairing)
{
    Shanhai__V1__GetPairingRequest request = SHANHAI__V1__GET_PAIRING_REQUEST__INIT;
    request.id = (char *) id;
    return s_call ("registry.GetPairing", &request.base, &shanhai__v1__pairing__descriptor,
                   pairing);
}

static rpc_status_t
s_set_clock (const char *date, Shanhai__V1__Clock **clock)
{
    Shanhai__V1__SetClockRequest request = SHANHAI__V1__SET_CLOCK_REQUEST__INIT;
    request.date = (char *) date;
    return s_call ("registry.SetClock", &request.base, &shanhai__v1__clock__descriptor, clock);
}

// The clock as "YYYY-MM-DD fixed|real".
static void
s_clock_text (char *out, size_t out_size)
{
    Shanhai__V1__ClockRequest request = SHANHAI__V1__CLOCK_REQUEST__INIT;
    Shanhai__V1__Clock *clock = NULL;
    cr_assert_eq (s_call ("registry.GetClock", &request.base, &shanhai__v1__clock__descriptor,
                          &clock),
                  RPC_OK, "%s", rpc_client_error (s_client));
    snprintf (out, out_size, "%s %s", clock->today, clock->fixed ? "fixed" : "real");
    shanhai__v1__clock__free_unpacked (clock, NULL);
}

static Shanhai__V1__ReplayReply *
s_replay (uint64_t from_seq)
{
    Shanhai__V1__ReplayRequest request = SHANHAI__V1__REPLAY_REQUEST__INIT;
    request.from_seq = from_seq;
    Shanhai__V1__ReplayReply *reply = NULL;
    cr_assert_eq (s_call ("registry.Replay", &request.base,
                          &shanhai__v1__replay_reply__descriptor, &reply),
                  RPC_OK, "%s", rpc_client_error (s_client));
    return reply;
}

// The events on disk as "seq:type" joined by spaces, with each clock move's days.
static void
s_events_text (char *out, size_t out_size)
{
    Shanhai__V1__ReplayReply *reply = s_replay (1);
    out[0] = '\0';
    for (size_t index = 0; index < reply->n_events; index++) {
        const Shanhai__V1__Event *event = reply->events[index];
        snprintf (out + strlen (out), out_size - strlen (out), "%s%llu:%s", index ? " " : "",
                  (unsigned long long) event->seq, event->type);
        if (strcmp (event->type, "clock.changed") == 0) {
            Shanhai__V1__ClockChanged *changed = shanhai__v1__clock_changed__unpack (
                NULL, event->body.len, event->body.data);
            cr_assert (changed);
            snprintf (out + strlen (out), out_size - strlen (out), "(%s>%s)",
                      *changed->previous ? changed->previous : "-", changed->today);
            shanhai__v1__clock_changed__free_unpacked (changed, NULL);
        }
    }
    cr_assert_eq (reply->head_seq, reply->n_events);
    shanhai__v1__replay_reply__free_unpacked (reply, NULL);
}

Test (registry_server, a_pairing_and_its_names)
{
    cr_assert_eq (s_load_sample (), 1);
    Shanhai__V1__Pairing *pairing = NULL;
    cr_assert_eq (s_get_pairing ("hb-03", &pairing), RPC_OK);
    cr_assert_str_eq (pairing->recipient, "hb-xuanen");
    cr_assert_str_eq (pairing->recipient_name, "宣恩县");
    cr_assert_str_eq (pairing->supporter_name, "武汉市武昌区");
    cr_assert_str_eq (pairing->end, "2025-12-31");
    shanhai__v1__pairing__free_unpacked (pairing, NULL);
    cr_assert_eq (s_get_pairing ("hb-99", &pairing), RPC_NOT_FOUND);
    cr_assert (strstr (rpc_client_error (s_client), "hb-99"), "%s", rpc_client_error (s_client));
    cr_assert_eq (s_get_pairing ("hb 03", &pairing), RPC_INVALID);
    cr_assert_eq (s_get_pairing ("", &pairing), RPC_INVALID);
}

Test (registry_server, pairings_by_program_region_and_date)
{
    s_load_sample ();
    char ids[2048];
    cr_assert_eq (s_list ("hb-shanchuan", "", "", ids, sizeof ids), 22);
    cr_assert (strncmp (ids, "hb-01 hb-02 ", 12) == 0, "ordered by id: %s", ids);
    cr_assert_eq (s_list ("", "zj-wenling", "2020-01-01", ids, sizeof ids), 2);
    cr_assert_str_eq (ids, "zj-11 zj-14");
    // The ended pairing is active on its last day and not the day after.
    cr_assert_eq (s_list ("zj-shanhai", "zj-yunhe", "2017-12-31", ids, sizeof ids), 1);
    cr_assert_str_eq (ids, "zj-00");
    cr_assert_eq (s_list ("zj-shanhai", "zj-yunhe", "2018-01-01", ids, sizeof ids), 1);
    cr_assert_str_eq (ids, "zj-08");
    Shanhai__V1__ListPairingsRequest request = SHANHAI__V1__LIST_PAIRINGS_REQUEST__INIT;
    request.program = "nowhere";
    cr_assert_eq (s_call ("registry.ListPairings", &request.base, NULL, NULL), RPC_NOT_FOUND,
                  "an unknown program is a typing error, not an empty answer");
    cr_assert_str_eq (rpc_client_error (s_client), "program nowhere is not in the registry");
    request.program = "";
    request.region = "zj-nowhere";
    cr_assert_eq (s_call ("registry.ListPairings", &request.base, NULL, NULL), RPC_NOT_FOUND);
    cr_assert_str_eq (rpc_client_error (s_client), "region zj-nowhere is not in the registry");
    request.region = "";
    request.date = "2020-02-30";
    Shanhai__V1__PairingList *list = NULL;
    cr_assert_eq (s_call ("registry.ListPairings", &request.base,
                          &shanhai__v1__pairing_list__descriptor, &list),
                  RPC_INVALID);
    request.date = "";
    request.region = "no region";
    cr_assert_eq (s_call ("registry.ListPairings", &request.base,
                          &shanhai__v1__pairing_list__descriptor, &list),
                  RPC_INVALID);
}

Test (registry_server, the_people_of_a_pair)
{
    s_load_sample ();
    Shanhai__V1__PeopleRequest request = SHANHAI__V1__PEOPLE_REQUEST__INIT;
    request.pairing = "zj-11";
    Shanhai__V1__PersonList *people = NULL;
    cr_assert_eq (s_call ("registry.People", &request.base,
                          &shanhai__v1__person_list__descriptor, &people),
                  RPC_OK, "%s", rpc_client_error (s_client));
    char ids[1024] = "";
    for (size_t index = 0; index < people->n_people; index++)
        snprintf (ids + strlen (ids), sizeof ids - strlen (ids), "%s%s", index ? " " : "",
                  people->people[index]->id);
    // Secretaries, heads, the liaison officer, the office; by role, then region, then id.
    cr_assert_str_eq (ids, "zj-jingning-sec zj-wenling-sec zj-jingning-head zj-wenling-head "
                           "zj-11-liaison zj-shanhai-office");
    cr_assert_str_eq (people->people[4]->region, "zj-wenling");
    cr_assert_str_eq (people->people[5]->region, "");
    shanhai__v1__person_list__free_unpacked (people, NULL);
    request.pairing = "zj-99";
    cr_assert_eq (s_call ("registry.People", &request.base,
                          &shanhai__v1__person_list__descriptor, &people),
                  RPC_NOT_FOUND);
    request.pairing = "";
    cr_assert_eq (s_call ("registry.People", &request.base,
                          &shanhai__v1__person_list__descriptor, &people),
                  RPC_INVALID);
}

Test (registry_server, a_bad_load_changes_nothing)
{
    s_load_sample ();
    Shanhai__V1__RegistryDoc *doc = s_sample ();
    size_t count = doc->n_pairings, position = 0;
    while (position < count && strcmp (doc->pairings[position]->id, "hb-03") != 0)
        position++;
    cr_assert (position < count && position > 10);
    free (doc->pairings[position]->recipient);
    doc->pairings[position]->recipient = strdup ("hb-nowhere");
    // And a change that would show, were anything stored: the first ten pairings and hb-03.
    Shanhai__V1__Pairing *tenth = doc->pairings[10];
    doc->pairings[10] = doc->pairings[position];
    doc->pairings[position] = tenth;
    doc->n_pairings = 11;
    Shanhai__V1__LoadReply *reply = NULL;
    cr_assert_eq (s_call ("registry.Load", &doc->base, &shanhai__v1__load_reply__descriptor,
                          &reply),
                  RPC_INVALID);
    const char *error = rpc_client_error (s_client);
    cr_assert (strstr (error, "pairing \"hb-03\": recipient \"hb-nowhere\" is not a known region"),
               "%s", error);
    doc->n_pairings = count;  // the whole list again, so that free_unpacked frees it all
    shanhai__v1__registry_doc__free_unpacked (doc, NULL);
    cr_assert_eq (s_list ("", "", "", NULL, 0), count);
    char events[512];
    s_events_text (events, sizeof events);
    cr_assert_str_eq (events, "1:clock.changed(->2026-03-01) 2:registry.changed");
    cr_assert_eq (s_load_sample (), 2, "the refused load took no version");
}

Test (registry_server, malformed_requests_are_refused_and_the_server_goes_on)
{
    const uint8_t garbage[] = { 0xff, 0xff, 0xff, 0xff, 0x0f, 0x12 };
    uint8_t *body = NULL;
    size_t size = 0;
    const char *methods[] = { "registry.Load", "registry.GetPairing", "registry.ListPairings",
                              "registry.People", "registry.SetClock", "registry.Replay" };
    for (size_t index = 0; index < sizeof methods / sizeof *methods; index++) {
        rpc_status_t status = rpc_client_call_raw (s_client, methods[index], garbage,
                                                   sizeof garbage, &body, &size);
        cr_assert_eq (status, RPC_INVALID, "%s: %s", methods[index],
                      rpc_client_error (s_client));
        cr_assert (strstr (rpc_client_error (s_client), "malformed"), "%s",
                   rpc_client_error (s_client));
    }
    cr_assert_eq (rpc_client_call_raw (s_client, "registry.Nope", NULL, 0, &body, &size),
                  RPC_INVALID);
    cr_assert (strstr (rpc_client_error (s_client), "unknown method"), "%s",
               rpc_client_error (s_client));
    // An empty Load is a document with no program: refused, not an emptied registry.
    cr_assert_eq (rpc_client_call_raw (s_client, "registry.Load", NULL, 0, &body, &size),
                  RPC_INVALID);
    char clock[32];
    s_clock_text (clock, sizeof clock);
    cr_assert_str_eq (clock, "2026-03-01 fixed");
}

Test (registry_server, the_clock_only_moves_forward)
{
    char clock[32];
    s_clock_text (clock, sizeof clock);
    cr_assert_str_eq (clock, "2026-03-01 fixed", "SHANHAI_CLOCK fixes the clock");
    Shanhai__V1__Clock *reply = NULL;
    cr_assert_eq (s_set_clock ("2026-02-28", &reply), RPC_INVALID);
    cr_assert_str_eq (rpc_client_error (s_client),
                      "the clock only moves forward: it is 2026-03-01");
    cr_assert_eq (s_set_clock ("2026-03-01", &reply), RPC_INVALID, "the same day is no move");
    cr_assert_eq (s_set_clock ("2026-3-02", &reply), RPC_INVALID);
    cr_assert_eq (s_set_clock ("", &reply), RPC_INVALID);
    cr_assert_eq (s_set_clock ("2026-03-02", &reply), RPC_OK, "%s",
                  rpc_client_error (s_client));
    cr_assert_str_eq (reply->today, "2026-03-02");
    cr_assert (reply->fixed);
    shanhai__v1__clock__free_unpacked (reply, NULL);
    char events[512];
    s_events_text (events, sizeof events);
    cr_assert_str_eq (events, "1:clock.changed(->2026-03-01) "
                              "2:clock.changed(2026-03-01>2026-03-02)");
}

// Receives from sub until an event of topic arrives; returns it decoded (the caller frees it).
static Shanhai__V1__Event *
s_receive (zsock_t *sub, const char *topic)
{
    int64_t deadline_ms = zclock_mono () + TEST_EVENT_WAIT_MS;
    while (zclock_mono () < deadline_ms) {
        zmsg_t *msg = zmsg_recv (sub);
        if (!msg)
            continue;
        char *received = zmsg_popstr (msg);
        zframe_t *frame = zmsg_pop (msg);
        Shanhai__V1__Event *event = NULL;
        if (received && frame && strcmp (received, topic) == 0)
            event = shanhai__v1__event__unpack (NULL, zframe_size (frame), zframe_data (frame));
        zstr_free (&received);
        zframe_destroy (&frame);
        zmsg_destroy (&msg);
        if (event)
            return event;
    }
    cr_assert_fail ("no %s event within %d ms", topic, TEST_EVENT_WAIT_MS);
    return NULL;
}

Test (registry_server, moves_and_loads_are_published_with_their_seq)
{
    zsock_t *sub = zsock_new_sub (s_config.registry_pub, "");
    cr_assert (sub);
    zsock_set_rcvtimeo (sub, 500);
    // The heartbeat shows that the subscription is in place (a SUB misses what was sent
    // before it joined; that is what Replay is for).
    Shanhai__V1__Event *event = s_receive (sub, "_head");
    cr_assert_eq (event->seq, 1, "the start's clock.changed");
    shanhai__v1__event__free_unpacked (event, NULL);
    Shanhai__V1__Clock *clock = NULL;
    cr_assert_eq (s_set_clock ("2026-04-01", &clock), RPC_OK);
    shanhai__v1__clock__free_unpacked (clock, NULL);
    event = s_receive (sub, "clock.changed");
    cr_assert_eq (event->seq, 2);
    cr_assert_str_eq (event->type, "clock.changed");
    Shanhai__V1__ClockChanged *changed
        = shanhai__v1__clock_changed__unpack (NULL, event->body.len, event->body.data);
    cr_assert_str_eq (changed->previous, "2026-03-01");
    cr_assert_str_eq (changed->today, "2026-04-01");
    shanhai__v1__clock_changed__free_unpacked (changed, NULL);
    shanhai__v1__event__free_unpacked (event, NULL);
    s_load_sample ();
    event = s_receive (sub, "registry.changed");
    cr_assert_eq (event->seq, 3);
    Shanhai__V1__RegistryChanged *loaded
        = shanhai__v1__registry_changed__unpack (NULL, event->body.len, event->body.data);
    cr_assert_eq (loaded->version, 1);
    shanhai__v1__registry_changed__free_unpacked (loaded, NULL);
    shanhai__v1__event__free_unpacked (event, NULL);
    zsock_destroy (&sub);
    Shanhai__V1__ReplayReply *replay = s_replay (3);
    cr_assert_eq (replay->n_events, 1);
    cr_assert_str_eq (replay->events[0]->type, "registry.changed");
    cr_assert_eq (replay->head_seq, 3);
    shanhai__v1__replay_reply__free_unpacked (replay, NULL);
}

Test (registry_server, a_restart_keeps_the_clock_unless_told_to_move_it)
{
    Shanhai__V1__Clock *clock = NULL;
    cr_assert_eq (s_set_clock ("2026-05-01", &clock), RPC_OK);
    shanhai__v1__clock__free_unpacked (clock, NULL);
    char text[32], events[512];
    s_stop ();
    s_start ("2026-04-01");  // behind the stored clock: kept, with a warning
    s_clock_text (text, sizeof text);
    cr_assert_str_eq (text, "2026-05-01 fixed");
    s_stop ();
    s_start ("");  // a fixed clock stays fixed
    s_clock_text (text, sizeof text);
    cr_assert_str_eq (text, "2026-05-01 fixed");
    s_stop ();
    s_start ("2026-06-01");
    s_clock_text (text, sizeof text);
    cr_assert_str_eq (text, "2026-06-01 fixed");
    s_events_text (events, sizeof events);
    cr_assert_str_eq (events, "1:clock.changed(->2026-03-01) "
                              "2:clock.changed(2026-03-01>2026-05-01) "
                              "3:clock.changed(2026-05-01>2026-06-01)");
}

Test (registry_server, a_first_start_follows_real_time)
{
    s_stop ();
    test_rmdir (s_dir);
    free (s_dir);
    s_dir = test_tmpdir ();
    snprintf (s_config.data_dir, sizeof s_config.data_dir, "%s", s_dir);
    s_start ("");
    char today[DATE_TEXT_BYTES], expected[32], text[32], events[512];
    date_format (date_today (), today);
    snprintf (expected, sizeof expected, "%s real", today);
    s_clock_text (text, sizeof text);
    cr_assert_str_eq (text, expected);
    // SHANHAI_CLOCK at the same day fixes the clock without a move to announce.
    s_stop ();
    s_start (today);
    snprintf (expected, sizeof expected, "%s fixed", today);
    s_clock_text (text, sizeof text);
    cr_assert_str_eq (text, expected);
    s_events_text (events, sizeof events);
    snprintf (expected, sizeof expected, "1:clock.changed(->%s)", today);
    cr_assert_str_eq (events, expected);
}
