/*  The notification service over real sockets. The server runs in an actor; beside it, two
    tiny fakes in actors of their own: a registry (version 1 in registry.Snapshot, announced
    by its outbox)
    and an assessment (an outbox that publishes compliance.changed, and assessment.Replay).
    The test publishes changes through the fake assessment and watches the alerts live (a SUB
    on the notification's PUB) and in the inbox (notification.Alerts). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/config.h"
#include "common/outbox.h"
#include "common/rpc.h"
#include "common/store.h"
#include "notification_server.h"
#include "support.h"

// How long the test waits for an alert: a registry call that times out, the retry pause and
// the timer's next tick come to under 7 s.
#define TEST_ALERT_WAIT_MS 15000
// How long the test watches for an alert that must not come: longer than a tick and a retry.
#define TEST_QUIET_MS 2500
// A start: how many tries, and how long each waits for the server's first answer.
#define TEST_START_ATTEMPTS 40
#define TEST_START_PROBE_MS 500
// The test's calls to the service wait longer than the service's own calls to the registry,
// which may hold its loop for RPC_TIMEOUT_MS while the registry is down.
#define TEST_CALL_TIMEOUT_MS (3 * RPC_TIMEOUT_MS)
// Live alerts the test keeps.
#define TEST_LIVE_MAX 64

static config_t s_config;
static char *s_dir;
static zactor_t *s_registry;
static zactor_t *s_assessment;
static zactor_t *s_server;
static rpc_client_t *s_client;
static zsock_t *s_live;

// The people of hb-01: leaders of both counties, its liaison officer, the program office,
// and a leader of a county that is not the pair's (never told of hb-01). 竹溪县 (hb-zhuxi) is
// also the recipient of ot-01, a pairing of another program, with 巫山县 (hb-wushan) as its
// supporter: its liaison officer and that program's office hear nothing of hb-shanchuan.
static const struct {
    const char *id;
    const char *region;
    Shanhai__V1__Role role;
    const char *pairing;  // a liaison officer's
    const char *program;  // an office's
} s_people[] = {
    { "zx-sec", "hb-zhuxi", SHANHAI__V1__ROLE__PARTY_SECRETARY, "", "" },
    { "zx-head", "hb-zhuxi", SHANHAI__V1__ROLE__COUNTY_HEAD, "", "" },
    { "wh-sec", "hb-donghu", SHANHAI__V1__ROLE__PARTY_SECRETARY, "", "" },
    { "wh-head", "hb-donghu", SHANHAI__V1__ROLE__COUNTY_HEAD, "", "" },
    { "zx-liaison", "hb-donghu", SHANHAI__V1__ROLE__LIAISON_OFFICER, "hb-01", "" },
    { "hb-office", "", SHANHAI__V1__ROLE__PROGRAM_OFFICE, "", "hb-shanchuan" },
    { "ws-sec", "hb-wushan", SHANHAI__V1__ROLE__PARTY_SECRETARY, "", "" },
    { "ot-liaison", "hb-wushan", SHANHAI__V1__ROLE__LIAISON_OFFICER, "ot-01", "" },
    { "ot-office", "", SHANHAI__V1__ROLE__PROGRAM_OFFICE, "", "other" },
};
#define TEST_PEOPLE (sizeof s_people / sizeof s_people[0])
// Those told of anything but a breach, and of a breach.
static const char *s_told[] = { "zx-sec", "zx-head", "wh-sec", "wh-head", "zx-liaison" };
#define TEST_TOLD 5

// The fake registry -------------------------------------------------------------------------

// registry.Snapshot: version 1: the pair hb-01, its park and its people; the other program's
// pair ot-01 and its people.
static void
s_fake_snapshot (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    const char *program_ids[] = { "hb-shanchuan", "other" };
    const char *program_names[] = { "湖北省山川协作工程", "另一项目" };
    Shanhai__V1__Program programs[2], *program_pointers[2];
    for (size_t index = 0; index < 2; index++) {
        shanhai__v1__program__init (&programs[index]);
        programs[index].id = (char *) program_ids[index];
        programs[index].name = (char *) program_names[index];
        program_pointers[index] = &programs[index];
    }
    const char *codes[] = { "hb-zhuxi", "hb-donghu", "hb-wushan" };
    const char *names[] = { "竹溪县", "武汉东湖新技术开发区", "巫山县" };
    Shanhai__V1__Region regions[3], *region_pointers[3];
    for (size_t index = 0; index < 3; index++) {
        shanhai__v1__region__init (&regions[index]);
        regions[index].code = (char *) codes[index];
        regions[index].name = (char *) names[index];
        regions[index].province = "湖北省";
        region_pointers[index] = &regions[index];
    }
    Shanhai__V1__Pairing pairings[2], *pairing_pointers[2];
    const char *pairing_ids[] = { "hb-01", "ot-01" };
    const char *supporters[] = { "hb-donghu", "hb-wushan" };
    for (size_t index = 0; index < 2; index++) {
        shanhai__v1__pairing__init (&pairings[index]);
        pairings[index].id = (char *) pairing_ids[index];
        pairings[index].program = (char *) program_ids[index];
        pairings[index].recipient = "hb-zhuxi";
        pairings[index].supporter = (char *) supporters[index];
        pairings[index].start = "2021-01-01";
        pairings[index].end = "2025-12-31";
        pairing_pointers[index] = &pairings[index];
    }
    Shanhai__V1__Park park = SHANHAI__V1__PARK__INIT;
    park.id = "hb-park";
    park.name = "竹溪-东湖产业园";
    park.pairing = "hb-01";
    park.area_km2 = 1.5;
    Shanhai__V1__Park *parks[] = { &park };
    Shanhai__V1__Person people[TEST_PEOPLE], *person_pointers[TEST_PEOPLE];
    for (size_t index = 0; index < TEST_PEOPLE; index++) {
        shanhai__v1__person__init (&people[index]);
        people[index].id = (char *) s_people[index].id;
        people[index].name = (char *) s_people[index].id;
        people[index].region = (char *) s_people[index].region;
        people[index].role = s_people[index].role;
        people[index].pairing = (char *) s_people[index].pairing;
        people[index].program = (char *) s_people[index].program;
        person_pointers[index] = &people[index];
    }
    Shanhai__V1__RegistryDoc doc = SHANHAI__V1__REGISTRY_DOC__INIT;
    doc.programs = program_pointers;
    doc.n_programs = 2;
    doc.regions = region_pointers;
    doc.n_regions = 3;
    doc.pairings = pairing_pointers;
    doc.n_pairings = 2;
    doc.people = person_pointers;
    doc.n_people = TEST_PEOPLE;
    doc.parks = parks;
    doc.n_parks = 1;
    Shanhai__V1__RegistrySnapshot snapshot = SHANHAI__V1__REGISTRY_SNAPSHOT__INIT;
    snapshot.version = 1;
    snapshot.deployment = "test";
    snapshot.doc = &doc;
    rpc_reply_set_body (reply, &snapshot.base);
}

static void
s_fake_registry_replay (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    outbox_replay_handler (state, call, reply);
}

static const rpc_method_t s_registry_methods[] = {
    { "registry.Snapshot", s_fake_snapshot },
    { "registry.Replay", s_fake_registry_replay },
    { NULL, NULL },
};

// Publishes its version 1 once (in registry.db), binds (retrying: a stopped fake's port is
// released a moment after), then serves and beats until "$TERM".
static void
s_registry_actor (zsock_t *pipe, void *args)
{
    char errstr[256] = "";
    char *path = test_path (s_dir, "registry.db");
    sqlite3 *db = store_open (path, NULL, errstr, sizeof errstr);
    free (path);
    outbox_t *outbox = NULL;
    rpc_server_t *rpc = NULL;
    for (int attempt = 0; db && attempt < TEST_START_ATTEMPTS && !rpc; attempt++) {
        if (!outbox)
            outbox = outbox_new (db, s_config.registry_pub);
        if (outbox)
            rpc = rpc_server_new (s_config.registry_rpc, s_registry_methods, outbox);
        if (!rpc)
            zclock_sleep (100);
    }
    if (rpc && outbox_head (outbox) == 0) {
        Shanhai__V1__RegistryChanged changed = SHANHAI__V1__REGISTRY_CHANGED__INIT;
        changed.version = 1;
        changed.deployment = "test";
        store_begin (db);
        outbox_append (outbox, "registry.changed", "registry.changed", &changed.base);
        store_commit (db);
        outbox_publish (outbox);
    }
    zsock_signal (pipe, rpc ? 0 : 1);
    zpoller_t *poller = rpc ? zpoller_new (pipe, rpc_server_socket (rpc), NULL) : NULL;
    while (poller) {
        void *which = zpoller_wait (poller, PUBLISH_HEARTBEAT_MS);
        if (which == rpc_server_socket (rpc))
            rpc_server_handle_all (rpc);
        else if (!which && !zpoller_terminated (poller))
            outbox_heartbeat (outbox);
        else
            break;  // "$TERM" on the pipe, or interrupted
    }
    zpoller_destroy (&poller);
    rpc_server_destroy (&rpc);
    outbox_destroy (&outbox);
    store_close (&db);
}

// The fake assessment ------------------------------------------------------------------------

typedef struct {
    sqlite3 *db;
    outbox_t *outbox;
    rpc_server_t *rpc;
} s_fake_assessment_t;

static void
s_fake_assessment_replay (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    s_fake_assessment_t *self = state;
    outbox_replay_handler (self->outbox, call, reply);
}

static const rpc_method_t s_assessment_methods[] = {
    { "assessment.Replay", s_fake_assessment_replay },
    { NULL, NULL },
};

// A message on the pipe: "$TERM" (returns -1), or "PUBLISH" and a packed ComplianceChange,
// stored in the outbox and published like the assessment does; answered by a signal.
static int
s_fake_assessment_command (s_fake_assessment_t *self, zsock_t *pipe)
{
    zmsg_t *msg = zmsg_recv (pipe);
    char *command = msg ? zmsg_popstr (msg) : NULL;
    int rc = -1;
    if (command && streq (command, "PUBLISH")) {
        zframe_t *frame = zmsg_pop (msg);
        Shanhai__V1__ComplianceChange *change = shanhai__v1__compliance_change__unpack (
            NULL, zframe_size (frame), zframe_data (frame));
        assert (change);
        int failed = store_begin (self->db)
                     || outbox_append (self->outbox, "compliance.changed", "compliance.changed",
                                       &change->base)
                            < 0
                     || store_commit (self->db);
        assert (!failed);
        outbox_publish (self->outbox);
        shanhai__v1__compliance_change__free_unpacked (change, NULL);
        zframe_destroy (&frame);
        zsock_signal (pipe, 0);
        rc = 0;
    }
    zstr_free (&command);
    zmsg_destroy (&msg);
    return rc;
}

static void
s_assessment_actor (zsock_t *pipe, void *args)
{
    s_fake_assessment_t self = { NULL, NULL, NULL };
    char errstr[256] = "";
    char *path = test_path (s_dir, "assessment.db");
    self.db = store_open (path, NULL, errstr, sizeof errstr);
    free (path);
    if (self.db)
        self.outbox = outbox_new (self.db, s_config.assessment_pub);
    if (self.outbox)
        self.rpc = rpc_server_new (s_config.assessment_rpc, s_assessment_methods, &self);
    zsock_signal (pipe, self.rpc ? 0 : 1);
    zpoller_t *poller = self.rpc ? zpoller_new (pipe, rpc_server_socket (self.rpc), NULL) : NULL;
    while (poller) {
        void *which = zpoller_wait (poller, PUBLISH_HEARTBEAT_MS);
        if (which == pipe && s_fake_assessment_command (&self, pipe))
            break;
        if (which == rpc_server_socket (self.rpc))
            rpc_server_handle_all (self.rpc);
        else if (!which && zpoller_terminated (poller))
            break;
        else if (!which)
            outbox_heartbeat (self.outbox);
    }
    zpoller_destroy (&poller);
    rpc_server_destroy (&self.rpc);
    outbox_destroy (&self.outbox);
    store_close (&self.db);
}

// Publishes change through the fake assessment.
static void
s_publish_change (const Shanhai__V1__ComplianceChange *change)
{
    size_t size = shanhai__v1__compliance_change__get_packed_size (change);
    zframe_t *frame = zframe_new (NULL, size);
    shanhai__v1__compliance_change__pack (change, zframe_data (frame));
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, "PUBLISH");
    zmsg_append (msg, &frame);
    cr_assert_eq (zmsg_send (&msg, s_assessment), 0);
    cr_assert_eq (zsock_wait (s_assessment), 0);
}

// A change of rule in 2021 from previous to status, of hb-shanchuan's pair hb-01 (its rule
// without scope, subject and period, as before scopes).
static Shanhai__V1__ComplianceChange
s_change_of (Shanhai__V1__RuleStatus *rule_status, const char *pairing, const char *rule,
             Shanhai__V1__ComplianceStatus previous, Shanhai__V1__ComplianceStatus status)
{
    shanhai__v1__rule_status__init (rule_status);
    rule_status->rule = (char *) rule;
    rule_status->title = "援建资金不少于500万元";
    rule_status->status = status;
    rule_status->actual = 100000000;
    rule_status->target = 500000000;
    rule_status->expected = 250000000;
    rule_status->unit = "fen";
    rule_status->source = "鄂政办函〔2020〕38号 (十三)";
    Shanhai__V1__ComplianceChange change = SHANHAI__V1__COMPLIANCE_CHANGE__INIT;
    change.pairing = (char *) pairing;
    change.program = "hb-shanchuan";
    change.year = 2021;
    change.rule = rule_status;
    change.previous = previous;
    change.as_of = "2021-07-02";
    change.recipient_name = "竹溪县";
    change.supporter_name = "武汉东湖新技术开发区";
    return change;
}

// Publishes a change of rule for pairing in 2021, from previous to status.
static void
s_publish (const char *pairing, const char *rule, Shanhai__V1__ComplianceStatus previous,
           Shanhai__V1__ComplianceStatus status)
{
    Shanhai__V1__RuleStatus rule_status;
    Shanhai__V1__ComplianceChange change
        = s_change_of (&rule_status, pairing, rule, previous, status);
    s_publish_change (&change);
}

// Publishes a change of rule of scope about subject in program, in period 2021, from
// previous to status, as the assessment does: the pairing (and its counties) set for a pair
// and a park only.
static void
s_publish_scoped (const char *scope, const char *subject, const char *program,
                  const char *rule, Shanhai__V1__ComplianceStatus previous,
                  Shanhai__V1__ComplianceStatus status)
{
    Shanhai__V1__RuleStatus rule_status;
    bool paired = strcmp (scope, "pair") == 0 || strcmp (scope, "park") == 0;
    Shanhai__V1__ComplianceChange change
        = s_change_of (&rule_status, paired ? "hb-01" : "", rule, previous, status);
    rule_status.scope = (char *) scope;
    rule_status.subject = (char *) subject;
    rule_status.period = "2021";
    change.program = (char *) program;
    if (!paired) {
        change.recipient_name = "";
        change.supporter_name = "";
    }
    s_publish_change (&change);
}

static rpc_status_t s_alerts_of (const char *person);
static void s_wait_replica (void);

// The server --------------------------------------------------------------------------------

// Starts the server and waits until it answers; a restart's bind may fail at first (see
// s_registry_actor), then the actor has ended and the test starts it again.
static void
s_start (void)
{
    for (int attempt = 0; attempt < TEST_START_ATTEMPTS; attempt++) {
        s_server = zactor_new (notification_server_actor, &s_config);
        cr_assert (s_server);
        s_client = rpc_client_new (s_config.notification_rpc, TEST_START_PROBE_MS);
        cr_assert (s_client);
        Shanhai__V1__ReplayRequest request = SHANHAI__V1__REPLAY_REQUEST__INIT;
        if (rpc_client_call (s_client, "notification.Replay", &request.base, NULL, NULL)
            == RPC_OK) {
            rpc_client_destroy (&s_client);
            s_client = rpc_client_new (s_config.notification_rpc, TEST_CALL_TIMEOUT_MS);
            cr_assert (s_client);
            return;
        }
        rpc_client_destroy (&s_client);
        zactor_destroy (&s_server);
        // Still refused halfway: another process took the port after it was found free (the
        // unit suites run side by side). Nothing listens to this service yet: move it.
        if (attempt == TEST_START_ATTEMPTS / 2 && !s_live) {
            test_free_endpoint (s_config.notification_rpc, sizeof s_config.notification_rpc);
            test_free_endpoint (s_config.notification_pub, sizeof s_config.notification_pub);
        }
    }
    cr_assert_fail ("the notification service did not start on %s", s_config.notification_rpc);
}

static void
s_stop (void)
{
    rpc_client_destroy (&s_client);
    zactor_destroy (&s_server);
}

// A SUB on every topic of the notification's PUB, ready when it has seen the heartbeat.
static void
s_listen (void)
{
    s_live = zsock_new (ZMQ_SUB);
    cr_assert (s_live);
    zsock_set_subscribe (s_live, "");
    zsock_set_rcvtimeo (s_live, 3 * PUBLISH_HEARTBEAT_MS);
    cr_assert_eq (zsock_connect (s_live, "%s", s_config.notification_pub), 0);
    zmsg_t *msg = zmsg_recv (s_live);
    cr_assert (msg, "no heartbeat from %s", s_config.notification_pub);
    zmsg_destroy (&msg);
}

static void
s_setup (void)
{
    log_init ("notification-test", LOG_LEVEL_ERROR);
    memset (&s_config, 0, sizeof s_config);
    s_dir = test_tmpdir ();
    snprintf (s_config.data_dir, sizeof s_config.data_dir, "%s", s_dir);
    s_config.log_level = LOG_LEVEL_ERROR;
    snprintf (s_config.language, sizeof s_config.language, "zh");
    snprintf (s_config.template_dir, sizeof s_config.template_dir, "%s/templates",
              getenv ("SHANHAI_SOURCE_DIR") ? getenv ("SHANHAI_SOURCE_DIR") : ".");
    // As the service's main does, before it serves: the kinds its policy directory declares.
    snprintf (s_config.policy_dir, sizeof s_config.policy_dir, "%s/policies",
              test_source_dir ());
    char errstr[512] = "";
    cr_assert_eq (config_declare_kinds (&s_config, errstr, sizeof errstr), 0, "%s", errstr);
    s_config.delivery_window_ms = 0;
    s_config.delivery_backoff_ms = 100;
    s_config.delivery_attempts = 3;
    test_free_endpoint (s_config.registry_rpc, sizeof s_config.registry_rpc);
    test_free_endpoint (s_config.registry_pub, sizeof s_config.registry_pub);
    test_free_endpoint (s_config.assessment_rpc, sizeof s_config.assessment_rpc);
    test_free_endpoint (s_config.assessment_pub, sizeof s_config.assessment_pub);
    test_free_endpoint (s_config.notification_rpc, sizeof s_config.notification_rpc);
    test_free_endpoint (s_config.notification_pub, sizeof s_config.notification_pub);
    s_registry = zactor_new (s_registry_actor, NULL);
    s_assessment = zactor_new (s_assessment_actor, NULL);
    cr_assert (s_registry && s_assessment);
    s_start ();
    s_listen ();
}

static void
s_teardown (void)
{
    zsock_destroy (&s_live);
    s_stop ();
    zactor_destroy (&s_assessment);
    zactor_destroy (&s_registry);
    test_rmdir (s_dir);
    free (s_dir);
}

TestSuite (notification_server, .init = s_setup, .fini = s_teardown, .timeout = 90);

// Checks ---------------------------------------------------------------------------------------

static Shanhai__V1__AlertList *
s_inbox (const char *person)
{
    Shanhai__V1__AlertsRequest request = SHANHAI__V1__ALERTS_REQUEST__INIT;
    request.person = (char *) person;
    Shanhai__V1__AlertList *list = NULL;
    rpc_status_t status
        = rpc_client_call (s_client, "notification.Alerts", &request.base,
                           &shanhai__v1__alert_list__descriptor, (ProtobufCMessage **) &list);
    cr_assert_eq (status, RPC_OK, "%s", rpc_client_error (s_client));
    return list;
}

// person's alerts as "pairing/rule:PREVIOUS>STATUS" joined by spaces ("-" for no previous).
static void
s_trail (const char *person, char *out, size_t out_size)
{
    Shanhai__V1__AlertList *list = s_inbox (person);
    out[0] = '\0';
    for (size_t index = 0; index < list->n_alerts; index++) {
        const Shanhai__V1__Alert *alert = list->alerts[index];
        cr_assert_str_eq (alert->person, person);
        const char *previous = compliance_status_name (alert->previous);
        snprintf (out + strlen (out), out_size - strlen (out), "%s%s/%s:%s>%s",
                  index ? " " : "", alert->pairing, alert->rule, *previous ? previous : "-",
                  compliance_status_name (alert->status));
    }
    shanhai__v1__alert_list__free_unpacked (list, NULL);
}

// Waits until person has count alerts or more; returns how many there are.
static size_t
s_wait_inbox (const char *person, size_t count)
{
    int64_t deadline = zclock_mono () + TEST_ALERT_WAIT_MS;
    size_t have = 0;
    while (true) {
        Shanhai__V1__AlertList *list = s_inbox (person);
        have = list->n_alerts;
        shanhai__v1__alert_list__free_unpacked (list, NULL);
        if (have >= count || zclock_mono () > deadline)
            return have;
        zclock_sleep (100);
    }
}

// Reads live alerts until count came or wait_ms passed; writes "person" of each into
// persons (sorted by arrival) and returns how many came. Checks topic, id and seq agree.
static size_t
s_receive (size_t count, int wait_ms, char persons[][ID_BYTES_MAX], size_t persons_max)
{
    int64_t deadline = zclock_mono () + wait_ms;
    size_t have = 0;
    zpoller_t *poller = zpoller_new (s_live, NULL);
    while (have < count && zclock_mono () < deadline) {
        if (!zpoller_wait (poller, 100))
            continue;
        zmsg_t *msg = zmsg_recv (s_live);
        cr_assert (msg && zmsg_size (msg) == 2);
        char *topic = zmsg_popstr (msg);
        zframe_t *frame = zmsg_pop (msg);
        Shanhai__V1__Event *event = shanhai__v1__event__unpack (NULL, zframe_size (frame),
                                                                 zframe_data (frame));
        cr_assert (event);
        if (strcmp (topic, "_head")) {
            cr_assert_str_eq (event->type, "alert");
            Shanhai__V1__Alert *alert
                = shanhai__v1__alert__unpack (NULL, event->body.len, event->body.data);
            cr_assert (alert);
            char expected[TOPIC_BYTES_MAX];
            cr_assert_eq (proto_topic_for ("alert.", alert->person, expected, sizeof expected),
                          0);
            cr_assert_str_eq (topic, expected);
            cr_assert_eq (alert->id, event->seq, "an alert's id is its seq");
            cr_assert_lt (have, persons_max);
            snprintf (persons[have++], ID_BYTES_MAX, "%s", alert->person);
            shanhai__v1__alert__free_unpacked (alert, NULL);
        }
        shanhai__v1__event__free_unpacked (event, NULL);
        zframe_destroy (&frame);
        zstr_free (&topic);
        zmsg_destroy (&msg);
    }
    zpoller_destroy (&poller);
    return have;
}

// Expects exactly the people told (and the office when office) live, each once.
static void
s_expect_live (bool office)
{
    char persons[TEST_LIVE_MAX][ID_BYTES_MAX];
    size_t expected = TEST_TOLD + (office ? 1 : 0);
    size_t have = s_receive (expected, TEST_ALERT_WAIT_MS, persons, TEST_LIVE_MAX);
    cr_assert_eq (have, expected, "%zu live alerts, not %zu", have, expected);
    have += s_receive (1, TEST_QUIET_MS, persons + have, TEST_LIVE_MAX - have);
    cr_assert_eq (have, expected, "an alert too many: for %s", persons[have - 1]);
    for (size_t told = 0; told < TEST_TOLD; told++) {
        size_t seen = 0;
        for (size_t index = 0; index < have; index++)
            seen += strcmp (persons[index], s_told[told]) == 0;
        cr_assert_eq (seen, 1, "%s was told %zu times", s_told[told], seen);
    }
    size_t offices = 0;
    for (size_t index = 0; index < have; index++)
        offices += strcmp (persons[index], "hb-office") == 0;
    cr_assert_eq (offices, office ? 1 : 0);
}

// Expects each person told to have exactly trail in the inbox; the office office_trail.
static void
s_expect_trails (const char *trail, const char *office_trail)
{
    char have[1024];
    for (size_t told = 0; told < TEST_TOLD; told++) {
        s_trail (s_told[told], have, sizeof have);
        cr_assert_str_eq (have, trail, "%s", s_told[told]);
    }
    s_trail ("hb-office", have, sizeof have);
    cr_assert_str_eq (have, office_trail);
}

#define S_NONE SHANHAI__V1__COMPLIANCE_STATUS__COMPLIANCE_NONE
#define S_MET SHANHAI__V1__COMPLIANCE_STATUS__MET
#define S_ON_TRACK SHANHAI__V1__COMPLIANCE_STATUS__ON_TRACK
#define S_AT_RISK SHANHAI__V1__COMPLIANCE_STATUS__AT_RISK
#define S_BREACHED SHANHAI__V1__COMPLIANCE_STATUS__BREACHED
#define S_NO_DATA SHANHAI__V1__COMPLIANCE_STATUS__NO_DATA

// Tests ----------------------------------------------------------------------------------------

Test (notification_server, an_at_risk_change_alerts_each_recipient_once)
{
    s_publish ("hb-01", "aid", S_ON_TRACK, S_AT_RISK);
    s_expect_live (false);
    s_expect_trails ("hb-01/aid:ON_TRACK>AT_RISK", "");

    Shanhai__V1__AlertList *list = s_inbox ("zx-liaison");
    const Shanhai__V1__Alert *alert = list->alerts[0];
    cr_assert_eq (alert->year, 2021);
    cr_assert (strstr (alert->text, "[AT_RISK] hb-01 竹溪县 <- 武汉东湖新技术开发区"), "%s",
               alert->text);
    cr_assert (strstr (alert->text, "actual 1,000,000.00 yuan of 5,000,000.00"), "%s",
               alert->text);
    cr_assert (strstr (alert->text, "Source: 鄂政办函〔2020〕38号 (十三)"), "%s", alert->text);
    cr_assert_gt (alert->at_ms, 0);
    uint64_t id = alert->id;
    shanhai__v1__alert_list__free_unpacked (list, NULL);

    // Replay serves the same rows: five alerts, ids equal to seqs, one of them zx-liaison's.
    Shanhai__V1__ReplayRequest request = SHANHAI__V1__REPLAY_REQUEST__INIT;
    Shanhai__V1__ReplayReply *reply = NULL;
    cr_assert_eq (rpc_client_call (s_client, "notification.Replay", &request.base,
                                   &shanhai__v1__replay_reply__descriptor,
                                   (ProtobufCMessage **) &reply),
                  RPC_OK);
    cr_assert_eq (reply->n_events, TEST_TOLD);
    cr_assert_eq (reply->head_seq, TEST_TOLD);
    bool found = false;
    for (size_t index = 0; index < reply->n_events; index++) {
        const Shanhai__V1__Event *event = reply->events[index];
        cr_assert_str_eq (event->type, "alert");
        Shanhai__V1__Alert *replayed
            = shanhai__v1__alert__unpack (NULL, event->body.len, event->body.data);
        cr_assert (replayed);
        cr_assert_eq (replayed->id, event->seq);
        found = found || (replayed->id == id && strcmp (replayed->person, "zx-liaison") == 0);
        shanhai__v1__alert__free_unpacked (replayed, NULL);
    }
    cr_assert (found);
    shanhai__v1__replay_reply__free_unpacked (reply, NULL);
}

Test (notification_server, what_is_not_news_is_not_alerted)
{
    s_publish ("hb-01", "first", S_NONE, S_ON_TRACK);     // a first ON_TRACK
    s_publish ("hb-01", "same", S_ON_TRACK, S_ON_TRACK);  // no change
    s_publish ("hb-01", "nodata", S_NONE, S_NO_DATA);
    s_publish ("hb-01", "met", S_MET, S_MET);
    s_publish ("hb-01", "marker", S_NONE, S_MET);  // news: tells the test the others were applied
    s_expect_live (false);
    s_expect_trails ("hb-01/marker:->MET", "");
}

Test (notification_server, a_breach_tells_the_program_office_too)
{
    s_publish ("hb-01", "aid", S_AT_RISK, S_BREACHED);
    s_expect_live (true);
    s_expect_trails ("hb-01/aid:AT_RISK>BREACHED", "hb-01/aid:AT_RISK>BREACHED");
    s_publish ("hb-01", "aid", S_BREACHED, S_ON_TRACK);  // back on track: the office is not told
    s_expect_live (false);
    s_expect_trails ("hb-01/aid:AT_RISK>BREACHED hb-01/aid:BREACHED>ON_TRACK",
                     "hb-01/aid:AT_RISK>BREACHED");
}

Test (notification_server, restarts_alert_each_change_once)
{
    s_publish ("hb-01", "aid", S_ON_TRACK, S_AT_RISK);
    cr_assert_eq (s_wait_inbox ("zx-liaison", 1), 1);
    s_stop ();
    // Offered again at the restart (a publisher's replay from the start would offer it too):
    // the stored seq says it was applied. The change published while stopped is replayed.
    s_publish ("hb-01", "aid", S_AT_RISK, S_MET);
    s_start ();
    cr_assert_eq (s_wait_inbox ("zx-liaison", 2), 2);
    s_stop ();
    s_start ();
    zclock_sleep (TEST_QUIET_MS);
    s_expect_trails ("hb-01/aid:ON_TRACK>AT_RISK hb-01/aid:AT_RISK>MET", "");
    Shanhai__V1__AlertList *list = s_inbox ("zx-head");
    cr_assert_lt (list->alerts[0]->id, list->alerts[1]->id);
    shanhai__v1__alert_list__free_unpacked (list, NULL);
}

Test (notification_server, alerts_flow_from_the_replica_while_the_registry_is_down)
{
    // The replica is had once; then the registry stops, and the service restarts without it.
    cr_assert_eq (s_alerts_of ("zx-sec"), RPC_OK);
    s_wait_replica ();
    zactor_destroy (&s_registry);
    s_stop ();
    s_start ();
    s_publish ("hb-01", "aid", S_ON_TRACK, S_AT_RISK);
    s_expect_live (false);
    s_expect_trails ("hb-01/aid:ON_TRACK>AT_RISK", "");
    s_registry = zactor_new (s_registry_actor, NULL);
    cr_assert (s_registry);
}

Test (notification_server, changes_wait_for_the_first_replica)
{
    // A service that never had the registry cannot tell whom to alert: the change waits,
    // quietly, and is alerted once the registry answers.
    zactor_destroy (&s_registry);
    s_stop ();
    char *path = test_path (s_dir, "notification.db");
    remove (path);
    free (path);
    path = test_path (s_dir, "registry.db");
    remove (path);
    free (path);
    s_start ();
    s_publish ("hb-01", "aid", S_ON_TRACK, S_AT_RISK);
    zclock_sleep (TEST_QUIET_MS);
    s_expect_trails ("", "");
    s_registry = zactor_new (s_registry_actor, NULL);
    cr_assert (s_registry);
    s_expect_live (false);
    s_expect_trails ("hb-01/aid:ON_TRACK>AT_RISK", "");
}

Test (notification_server, a_pairing_the_registry_does_not_know_holds_nothing_back)
{
    s_publish ("hb-gone", "aid", S_ON_TRACK, S_AT_RISK);
    s_publish ("hb-01", "aid", S_ON_TRACK, S_AT_RISK);
    s_expect_live (false);
    s_expect_trails ("hb-01/aid:ON_TRACK>AT_RISK", "");
}

// A request's status.
static rpc_status_t
s_raw (const char *method, const char *body, size_t size)
{
    return rpc_client_call_raw (s_client, method, (const uint8_t *) body, size, NULL, NULL);
}

static rpc_status_t
s_alerts_of (const char *person)
{
    Shanhai__V1__AlertsRequest request = SHANHAI__V1__ALERTS_REQUEST__INIT;
    request.person = (char *) person;
    return rpc_client_call (s_client, "notification.Alerts", &request.base, NULL, NULL);
}

// Waits until the service has its replica: then an unknown person is NOT_FOUND.
static void
s_wait_replica (void)
{
    int64_t deadline_ms = zclock_mono () + TEST_ALERT_WAIT_MS;
    while (s_alerts_of ("nobody-known") == RPC_OK && zclock_mono () < deadline_ms)
        zclock_sleep (50);
    cr_assert_eq (s_alerts_of ("nobody-known"), RPC_NOT_FOUND, "the replica is had");
}

Test (notification_server, bad_requests_are_invalid_and_the_service_keeps_serving)
{
    cr_assert_eq (s_raw ("notification.Alerts", "\x0a\xff\xff", 3), RPC_INVALID);
    cr_assert (strstr (rpc_client_error (s_client), "malformed"), "%s",
               rpc_client_error (s_client));
    cr_assert_eq (s_raw ("notification.Replay", "\xff", 1), RPC_INVALID);
    cr_assert_eq (s_raw ("notification.Nothing", "", 0), RPC_INVALID);
    cr_assert_eq (s_raw ("registry.Snapshot", "", 0), RPC_INVALID);
    cr_assert_eq (s_alerts_of (""), RPC_INVALID);
    cr_assert_eq (s_alerts_of ("a person"), RPC_INVALID);
    cr_assert_eq (s_alerts_of ("人"), RPC_INVALID);
    char id[ID_BYTES_MAX + 1];
    memset (id, 'p', sizeof id);
    id[ID_BYTES_MAX] = '\0';
    cr_assert_eq (s_alerts_of (id), RPC_INVALID, "ID_BYTES_MAX bytes: one too many");
    id[ID_BYTES_MAX - 1] = '\0';
    s_wait_replica ();
    cr_assert_eq (s_alerts_of (id), RPC_NOT_FOUND, "ID_BYTES_MAX - 1 bytes: a valid id");
    cr_assert_eq (s_alerts_of ("nobody-known"), RPC_NOT_FOUND, "%s",
                  rpc_client_error (s_client));
    cr_assert_str_eq (rpc_client_error (s_client), "person nobody-known is not in the registry");

    s_publish ("hb-01", "aid", S_ON_TRACK, S_AT_RISK);
    s_expect_live (false);
    s_expect_trails ("hb-01/aid:ON_TRACK>AT_RISK", "");
}

Test (notification_server, alerts_pages_after_an_id)
{
    s_publish ("hb-01", "a", S_ON_TRACK, S_AT_RISK);
    s_publish ("hb-01", "b", S_ON_TRACK, S_AT_RISK);
    s_publish ("hb-01", "c", S_ON_TRACK, S_AT_RISK);
    cr_assert_eq (s_wait_inbox ("wh-head", 3), 3);
    Shanhai__V1__AlertList *all = s_inbox ("wh-head");
    Shanhai__V1__AlertsRequest request = SHANHAI__V1__ALERTS_REQUEST__INIT;
    request.person = "wh-head";
    request.after_id = all->alerts[0]->id;
    request.limit = 1;
    Shanhai__V1__AlertList *page = NULL;
    cr_assert_eq (rpc_client_call (s_client, "notification.Alerts", &request.base,
                                   &shanhai__v1__alert_list__descriptor,
                                   (ProtobufCMessage **) &page),
                  RPC_OK);
    cr_assert_eq (page->n_alerts, 1);
    cr_assert_eq (page->alerts[0]->id, all->alerts[1]->id);
    cr_assert_str_eq (page->alerts[0]->rule, "b");
    shanhai__v1__alert_list__free_unpacked (page, NULL);
    shanhai__v1__alert_list__free_unpacked (all, NULL);
}

// Scopes ---------------------------------------------------------------------------------------

static int
s_compare_ids (const void *a, const void *b)
{
    return strcmp (a, b);
}

// Expects exactly the people of expected (ids sorted, joined by spaces) alerted live, each
// once, and no one else.
static void
s_expect_live_people (const char *expected)
{
    size_t count = 0;
    for (const char *at = expected; *at; at++)
        count += at == expected || at[-1] == ' ';
    char persons[TEST_LIVE_MAX][ID_BYTES_MAX];
    size_t have = s_receive (count, TEST_ALERT_WAIT_MS, persons, TEST_LIVE_MAX);
    have += s_receive (1, TEST_QUIET_MS, persons + have, TEST_LIVE_MAX - have);
    qsort (persons, have, sizeof persons[0], s_compare_ids);
    char joined[1024] = "";
    for (size_t index = 0; index < have; index++)
        snprintf (joined + strlen (joined), sizeof joined - strlen (joined), "%s%s",
                  index ? " " : "", persons[index]);
    cr_assert_str_eq (joined, expected);
}

// person's alerts as "scope:subject:period:pairing/rule:PREVIOUS>STATUS" joined by spaces.
static void
s_scoped_trail (const char *person, char *out, size_t out_size)
{
    Shanhai__V1__AlertList *list = s_inbox (person);
    out[0] = '\0';
    for (size_t index = 0; index < list->n_alerts; index++) {
        const Shanhai__V1__Alert *alert = list->alerts[index];
        const char *previous = compliance_status_name (alert->previous);
        snprintf (out + strlen (out), out_size - strlen (out), "%s%s:%s:%s:%s/%s:%s>%s",
                  index ? " " : "", alert->scope, alert->subject, alert->period, alert->pairing,
                  alert->rule, *previous ? previous : "-",
                  compliance_status_name (alert->status));
    }
    shanhai__v1__alert_list__free_unpacked (list, NULL);
}

// The text of person's last alert, into out.
static void
s_last_text (const char *person, char *out, size_t out_size)
{
    Shanhai__V1__AlertList *list = s_inbox (person);
    cr_assert_gt (list->n_alerts, 0, "%s has alerts", person);
    snprintf (out, out_size, "%s", list->alerts[list->n_alerts - 1]->text);
    shanhai__v1__alert_list__free_unpacked (list, NULL);
}

Test (notification_server, a_recipient_s_rule_tells_its_leaders_and_its_pairs_liaisons)
{
    // 竹溪县's leaders and hb-01's liaison officer; not the supporter's leaders, not ot-01's
    // liaison officer (another program's pair of the same county), not the office.
    s_publish_scoped ("recipient", "hb-zhuxi", "hb-shanchuan", "r", S_ON_TRACK, S_AT_RISK);
    s_expect_live_people ("zx-head zx-liaison zx-sec");
    char trail[1024], text[ALERT_TEXT_BYTES_MAX];
    s_scoped_trail ("zx-liaison", trail, sizeof trail);
    cr_assert_str_eq (trail, "recipient:hb-zhuxi:2021:/r:ON_TRACK>AT_RISK");
    s_last_text ("zx-sec", text, sizeof text);
    cr_assert (strstr (text, "[AT_RISK] 竹溪县 (recipient hb-zhuxi), 2021 r "), "%s", text);
    // A breach: the office too.
    s_publish_scoped ("recipient", "hb-zhuxi", "hb-shanchuan", "r", S_AT_RISK, S_BREACHED);
    s_expect_live_people ("hb-office zx-head zx-liaison zx-sec");
    s_scoped_trail ("hb-office", trail, sizeof trail);
    cr_assert_str_eq (trail, "recipient:hb-zhuxi:2021:/r:AT_RISK>BREACHED");
    s_scoped_trail ("wh-sec", trail, sizeof trail);
    cr_assert_str_eq (trail, "");
    s_scoped_trail ("ot-liaison", trail, sizeof trail);
    cr_assert_str_eq (trail, "");
}

Test (notification_server, a_supporter_s_and_a_region_s_rule)
{
    s_publish_scoped ("supporter", "hb-donghu", "hb-shanchuan", "s", S_NONE, S_MET);
    s_expect_live_people ("wh-head wh-sec zx-liaison");
    // 竹溪县's figures in the other program: its leaders and ot-01's liaison officer.
    s_publish_scoped ("region", "hb-zhuxi", "other", "g", S_ON_TRACK, S_BREACHED);
    s_expect_live_people ("ot-liaison ot-office zx-head zx-sec");
    char trail[1024];
    s_scoped_trail ("ot-office", trail, sizeof trail);
    cr_assert_str_eq (trail, "region:hb-zhuxi:2021:/g:ON_TRACK>BREACHED");
}

Test (notification_server, the_program_s_rule_is_the_office_s_alone)
{
    // Every change that is news, not only breaches; no county hears of it.
    s_publish_scoped ("program", "hb-shanchuan", "hb-shanchuan", "p", S_ON_TRACK, S_AT_RISK);
    s_expect_live_people ("hb-office");
    s_publish_scoped ("program", "hb-shanchuan", "hb-shanchuan", "p", S_AT_RISK, S_MET);
    s_expect_live_people ("hb-office");
    char trail[1024], text[ALERT_TEXT_BYTES_MAX];
    s_scoped_trail ("hb-office", trail, sizeof trail);
    cr_assert_str_eq (trail, "program:hb-shanchuan:2021:/p:ON_TRACK>AT_RISK "
                             "program:hb-shanchuan:2021:/p:AT_RISK>MET");
    s_last_text ("hb-office", text, sizeof text);
    cr_assert (strstr (text, "[MET] 湖北省山川协作工程 (program hb-shanchuan), 2021 p "), "%s",
               text);
    s_scoped_trail ("zx-sec", trail, sizeof trail);
    cr_assert_str_eq (trail, "");
    s_publish_scoped ("program", "hb-shanchuan", "hb-shanchuan", "p", S_MET, S_MET);  // no news
    s_publish_scoped ("program", "other", "other", "p", S_NONE, S_ON_TRACK);          // nor this
    s_publish_scoped ("program", "other", "other", "p", S_ON_TRACK, S_BREACHED);
    s_expect_live_people ("ot-office");
}

Test (notification_server, a_park_s_rule_tells_its_pair)
{
    s_publish_scoped ("park", "hb-park", "hb-shanchuan", "k", S_ON_TRACK, S_BREACHED);
    s_expect_live (true);
    char trail[1024], text[ALERT_TEXT_BYTES_MAX];
    s_scoped_trail ("zx-sec", trail, sizeof trail);
    cr_assert_str_eq (trail, "park:hb-park:2021:hb-01/k:ON_TRACK>BREACHED");
    s_last_text ("wh-head", text, sizeof text);
    cr_assert (strstr (text, "[BREACHED] 竹溪-东湖产业园 (park hb-park), 2021 k "), "%s", text);
}

Test (notification_server, a_pair_s_scoped_change_is_told_as_before)
{
    s_publish_scoped ("pair", "hb-01", "hb-shanchuan", "aid", S_ON_TRACK, S_AT_RISK);
    s_expect_live (false);
    char trail[1024];
    s_scoped_trail ("zx-liaison", trail, sizeof trail);
    cr_assert_str_eq (trail, "pair:hb-01:2021:hb-01/aid:ON_TRACK>AT_RISK");
    // A change from before scopes is recorded as a pair's, of its year.
    s_publish ("hb-01", "old", S_ON_TRACK, S_AT_RISK);
    s_expect_live (false);
    s_scoped_trail ("zx-liaison", trail, sizeof trail);
    cr_assert_str_eq (trail, "pair:hb-01:2021:hb-01/aid:ON_TRACK>AT_RISK "
                             "pair:hb-01:2021:hb-01/old:ON_TRACK>AT_RISK");
}

Test (notification_server, a_subject_the_registry_does_not_know_holds_nothing_back)
{
    s_publish_scoped ("recipient", "hb-nowhere", "hb-shanchuan", "r", S_ON_TRACK, S_BREACHED);
    s_publish_scoped ("recipient", "hb-zhuxi", "nowhere", "r", S_ON_TRACK, S_BREACHED);
    s_publish_scoped ("program", "nowhere", "nowhere", "p", S_ON_TRACK, S_BREACHED);
    s_publish_scoped ("park", "no-park", "hb-shanchuan", "k", S_ON_TRACK, S_BREACHED);
    // Malformed: a scope that is none, a county's without a program, a program's whose
    // subject is another program.
    s_publish_scoped ("county", "hb-zhuxi", "hb-shanchuan", "r", S_ON_TRACK, S_BREACHED);
    s_publish_scoped ("recipient", "hb-zhuxi", "", "r", S_ON_TRACK, S_BREACHED);
    s_publish_scoped ("program", "other", "hb-shanchuan", "p", S_ON_TRACK, S_BREACHED);
    s_publish_scoped ("recipient", "hb-zhuxi", "hb-shanchuan", "marker", S_ON_TRACK, S_MET);
    s_expect_live_people ("zx-head zx-liaison zx-sec");
    char trail[1024];
    s_scoped_trail ("hb-office", trail, sizeof trail);
    cr_assert_str_eq (trail, "");
    s_scoped_trail ("zx-sec", trail, sizeof trail);
    cr_assert_str_eq (trail, "recipient:hb-zhuxi:2021:/marker:ON_TRACK>MET");
}
