/*  The notification store: the inbox (alerts by person, ids equal to seqs, paging at its
    limits, topics that never match another person, rollbacks), read and acknowledged state,
    the delivery log (attempts, outcomes, queries, what is due), invalid input refused without
    a write, and the upgrade of a file whose alerts lived only in the outbox. */
#include <criterion/criterion.h>
#include <string.h>
#include "common/limits.h"
#include "common/store.h"
#include "notification_store.h"
#include "support.h"

// How long the test waits for its subscription to reach the store's PUB socket.
#define TEST_SUBSCRIBE_WAIT_MS 5000
// How long it waits for one published message.
#define TEST_RECEIVE_WAIT_MS 2000

static char *s_dir;
static char *s_path;
static char s_pub[64];
static notification_store_t *s_store;

// Opens the store at s_path on a fresh endpoint: ZeroMQ releases a port after close in its own
// time, so a reopen takes another.
static notification_store_t *
s_open (void)
{
    char errstr[256] = "";
    test_free_endpoint (s_pub, sizeof s_pub);
    notification_store_t *store = notification_store_new (s_path, s_pub, errstr, sizeof errstr);
    cr_assert (store, "%s", errstr);
    return store;
}

static void
s_reopen (void)
{
    notification_store_destroy (&s_store);
    s_store = s_open ();
}

static void
s_setup (void)
{
    s_dir = test_tmpdir ();
    s_path = test_path (s_dir, "notification.db");
    s_store = s_open ();
}

static void
s_teardown (void)
{
    notification_store_destroy (&s_store);
    notification_store_destroy (&s_store);  // safe twice
    test_rmdir (s_dir);
    free (s_dir);
    free (s_path);
}

TestSuite (notification_store, .init = s_setup, .fini = s_teardown);

static Shanhai__V1__Alert
s_alert_of (const char *person, const char *text)
{
    Shanhai__V1__Alert alert = SHANHAI__V1__ALERT__INIT;
    alert.person = (char *) person;
    alert.pairing = "hb-01";
    alert.rule = "hb-aid-funds";
    alert.year = 2021;
    alert.status = SHANHAI__V1__COMPLIANCE_STATUS__AT_RISK;
    alert.previous = SHANHAI__V1__COMPLIANCE_STATUS__ON_TRACK;
    alert.text = (char *) text;
    return alert;
}

// Writes an alert inside the open transaction; returns its id, which is its seq.
static uint64_t
s_alert (const char *person, const char *text)
{
    Shanhai__V1__Alert alert = s_alert_of (person, text);
    cr_assert_eq (notification_store_alert (s_store, &alert), NOTIFICATION_STORE_OK);
    cr_assert_eq (alert.id, outbox_head (notification_store_outbox (s_store)), "id is the seq");
    cr_assert_gt (alert.at_ms, 0, "0 is now");
    return alert.id;
}

// Writes count alerts of person in one transaction.
static void
s_alerts (const char *person, int count)
{
    cr_assert_eq (notification_store_begin (s_store), 0);
    for (int index = 0; index < count; index++)
        s_alert (person, "提醒");
    cr_assert_eq (notification_store_commit (s_store), 0);
}

// How many alerts a page holds, checking they come oldest first and are person's.
static size_t
s_count (const char *person, uint64_t after_id, size_t limit)
{
    Shanhai__V1__AlertList *list = notification_store_alerts (s_store, person, after_id, limit);
    cr_assert (list);
    size_t count = list->n_alerts;
    for (size_t index = 0; index < count; index++) {
        cr_assert_str_eq (list->alerts[index]->person, person);
        cr_assert_gt (list->alerts[index]->id, after_id, "after_id is exclusive");
        if (index > 0)
            cr_assert_gt (list->alerts[index]->id, list->alerts[index - 1]->id, "oldest first");
    }
    shanhai__v1__alert_list__free_unpacked (list, NULL);
    return count;
}

// The value of a one-row query on a second connection to the file, as another process sees it.
static int64_t
s_sql_integer (const char *sql)
{
    sqlite3 *db = NULL;
    cr_assert_eq (sqlite3_open_v2 (s_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *select = NULL;
    cr_assert_eq (sqlite3_prepare_v2 (db, sql, -1, &select, NULL), SQLITE_OK, "%s", sql);
    cr_assert_eq (sqlite3_step (select), SQLITE_ROW);
    int64_t value = sqlite3_column_int64 (select, 0);
    sqlite3_finalize (select);
    sqlite3_close (db);
    return value;
}

// The inbox ----------------------------------------------------------------------------------

Test (notification_store, alerts_by_person_with_paging)
{
    cr_assert_eq (notification_store_begin (s_store), 0);
    for (int index = 0; index < ALERTS_LIST_MAX + 2; index++)
        s_alert (index % 2 ? "b" : "a", "一条提醒");
    cr_assert_eq (notification_store_set_meta (s_store, NOTIFICATION_META_ASSESSMENT_SEQ, 5), 0);
    cr_assert_eq (notification_store_commit (s_store), 0);
    s_reopen ();

    cr_assert_eq (notification_store_meta (s_store, NOTIFICATION_META_ASSESSMENT_SEQ, 0), 5);
    Shanhai__V1__AlertList *list = notification_store_alerts (s_store, "a", 0, ALERTS_LIST_MAX);
    cr_assert_eq (list->n_alerts, ALERTS_LIST_MAX / 2 + 1);
    const Shanhai__V1__Alert *first = list->alerts[0];
    cr_assert_eq (first->id, 1);
    cr_assert_eq (list->alerts[1]->id, 3);
    cr_assert_str_eq (first->person, "a");
    cr_assert_str_eq (first->pairing, "hb-01");
    cr_assert_str_eq (first->rule, "hb-aid-funds");
    cr_assert_eq (first->year, 2021);
    cr_assert_eq (first->status, SHANHAI__V1__COMPLIANCE_STATUS__AT_RISK);
    cr_assert_eq (first->previous, SHANHAI__V1__COMPLIANCE_STATUS__ON_TRACK);
    cr_assert_str_eq (first->text, "一条提醒");
    cr_assert_gt (first->at_ms, 0);
    shanhai__v1__alert_list__free_unpacked (list, NULL);
    list = notification_store_alerts (s_store, "a", 3, 2);
    cr_assert_eq (list->n_alerts, 2);
    cr_assert_eq (list->alerts[0]->id, 5, "after_id is exclusive");
    shanhai__v1__alert_list__free_unpacked (list, NULL);
    cr_assert_eq (s_count ("nobody", 0, 10), 0);
    // One row per alert in each table, with the same ids.
    cr_assert_eq (s_sql_integer ("SELECT COUNT(*) FROM alerts"), ALERTS_LIST_MAX + 2);
    cr_assert_eq (s_sql_integer ("SELECT COUNT(*) FROM outbox JOIN alerts ON id = seq"),
                  ALERTS_LIST_MAX + 2);
}

Test (notification_store, a_page_holds_at_most_the_limit)
{
    s_alerts ("a", ALERTS_LIST_MAX + 1);
    cr_assert_eq (s_count ("a", 0, 0), ALERTS_LIST_MAX, "0 means the limit");
    cr_assert_eq (s_count ("a", 0, 1), 1);
    cr_assert_eq (s_count ("a", 0, ALERTS_LIST_MAX - 1), ALERTS_LIST_MAX - 1);
    cr_assert_eq (s_count ("a", 0, ALERTS_LIST_MAX), ALERTS_LIST_MAX);
    cr_assert_eq (s_count ("a", 0, ALERTS_LIST_MAX + 1), ALERTS_LIST_MAX, "capped");
    cr_assert_eq (s_count ("a", 0, SIZE_MAX), ALERTS_LIST_MAX, "capped");
    cr_assert_eq (s_count ("a", ALERTS_LIST_MAX, 0), 1, "the next page");
    cr_assert_eq (s_count ("a", ALERTS_LIST_MAX + 1, 0), 0, "after the last");
    cr_assert_eq (s_count ("a", (uint64_t) INT64_MAX, 0), 0);
    cr_assert_eq (s_count ("a", (uint64_t) INT64_MAX + 1, 0), 0, "does not wrap");
    cr_assert_eq (s_count ("a", UINT64_MAX, 0), 0);
}

Test (notification_store, a_rollback_leaves_no_alert_and_no_outbox_row)
{
    cr_assert_eq (notification_store_begin (s_store), 0);
    s_alert ("a", "kept");
    cr_assert_eq (notification_store_set_meta (s_store, NOTIFICATION_META_ASSESSMENT_SEQ, 1), 0);
    cr_assert_eq (notification_store_commit (s_store), 0);
    cr_assert_eq (notification_store_begin (s_store), 0);
    s_alert ("a", "rolled back");
    s_alert ("b", "rolled back");
    cr_assert_eq (notification_store_set_meta (s_store, NOTIFICATION_META_ASSESSMENT_SEQ, 2), 0);
    notification_store_rollback (s_store);
    cr_assert_eq (outbox_head (notification_store_outbox (s_store)), 1);
    cr_assert_eq (notification_store_meta (s_store, NOTIFICATION_META_ASSESSMENT_SEQ, 0), 1);
    cr_assert_eq (s_count ("a", 0, 0), 1);
    cr_assert_eq (s_count ("b", 0, 0), 0);
    cr_assert_eq (s_sql_integer ("SELECT COUNT(*) FROM alerts"), 1);
    cr_assert_eq (s_sql_integer ("SELECT COUNT(*) FROM outbox"), 1);
    // The next alert takes the seq the rolled back one had: ids stay without gaps.
    cr_assert_eq (notification_store_begin (s_store), 0);
    cr_assert_eq (s_alert ("b", "after"), 2);
    cr_assert_eq (notification_store_set_meta (s_store, NOTIFICATION_META_REGISTRY_SEQ, 7), 0);
    cr_assert_eq (notification_store_commit (s_store), 0);
    s_reopen ();

    Shanhai__V1__AlertList *list = notification_store_alerts (s_store, "b", 0, 0);
    cr_assert_eq (list->n_alerts, 1);
    cr_assert_eq (list->alerts[0]->id, 2);
    cr_assert_str_eq (list->alerts[0]->text, "after");
    shanhai__v1__alert_list__free_unpacked (list, NULL);
    cr_assert_eq (notification_store_meta (s_store, NOTIFICATION_META_REGISTRY_SEQ, 0), 7);
    cr_assert_eq (notification_store_meta (s_store, "never-set", -5), -5);
}

Test (notification_store, an_alert_is_found_by_id)
{
    s_alerts ("a", 2);
    bool failed = true;
    Shanhai__V1__Alert *alert = notification_store_alert_find (s_store, 2, &failed);
    cr_assert (alert && !failed);
    cr_assert_eq (alert->id, 2);
    cr_assert_str_eq (alert->person, "a");
    cr_assert_str_eq (alert->text, "提醒");
    shanhai__v1__alert__free_unpacked (alert, NULL);
    uint64_t missing[] = { 0, 3, (uint64_t) INT64_MAX + 1, UINT64_MAX };
    for (size_t index = 0; index < sizeof missing / sizeof missing[0]; index++) {
        cr_assert_null (notification_store_alert_find (s_store, missing[index], &failed));
        cr_assert_not (failed, "absent, not failed");
    }
}

// Topics ------------------------------------------------------------------------------------

Test (notification_store, the_topic_ends_with_the_terminator)
{
    cr_assert_eq (notification_store_begin (s_store), 0);
    s_alert ("p1", "one");
    s_alert ("p12", "twelve");
    cr_assert_eq (notification_store_commit (s_store), 0);
    cr_assert_eq (s_sql_integer ("SELECT COUNT(*) FROM outbox WHERE seq = 1 AND topic = 'alert.p1/'"
                                 " AND type = 'alert'"),
                  1);
    cr_assert_eq (s_sql_integer ("SELECT COUNT(*) FROM outbox WHERE seq = 2"
                                 " AND topic = 'alert.p12/'"),
                  1);
    // The inbox matches the person exactly, as the topic does.
    cr_assert_eq (s_count ("p1", 0, 0), 1);
    cr_assert_eq (s_count ("p12", 0, 0), 1);
    cr_assert_eq (s_count ("p", 0, 0), 0);
}

// Receives one message within TEST_RECEIVE_WAIT_MS: its topic (the caller frees it) and the
// event's seq; NULL when none came.
static char *
s_receive (zsock_t *live, uint64_t *seq)
{
    zpoller_t *poller = zpoller_new (live, NULL);
    zmsg_t *msg = zpoller_wait (poller, TEST_RECEIVE_WAIT_MS) ? zmsg_recv (live) : NULL;
    zpoller_destroy (&poller);
    if (!msg)
        return NULL;
    cr_assert_eq (zmsg_size (msg), 2);
    char *topic = zmsg_popstr (msg);
    zframe_t *frame = zmsg_pop (msg);
    Shanhai__V1__Event *event
        = shanhai__v1__event__unpack (NULL, zframe_size (frame), zframe_data (frame));
    cr_assert (event);
    *seq = event->seq;
    if (strcmp (topic, "_head") != 0) {
        Shanhai__V1__Alert *alert
            = shanhai__v1__alert__unpack (NULL, event->body.len, event->body.data);
        cr_assert (alert);
        cr_assert_eq (alert->id, event->seq, "an alert's id is its seq");
        shanhai__v1__alert__free_unpacked (alert, NULL);
    }
    shanhai__v1__event__free_unpacked (event, NULL);
    zframe_destroy (&frame);
    zmsg_destroy (&msg);
    return topic;
}

// A SUB on the store's PUB, subscribed to topic and to "_head", once the heartbeat shows the
// subscriptions have arrived (a PUB drops what it sends before).
static zsock_t *
s_subscribe (const char *topic)
{
    zsock_t *live = zsock_new (ZMQ_SUB);
    cr_assert (live);
    zsock_set_linger (live, 0);
    zsock_set_subscribe (live, topic);
    zsock_set_subscribe (live, "_head");
    cr_assert_eq (zsock_connect (live, "%s", s_pub), 0);
    int64_t deadline = zclock_mono () + TEST_SUBSCRIBE_WAIT_MS;
    bool joined = false;
    while (!joined && zclock_mono () < deadline) {
        outbox_heartbeat (notification_store_outbox (s_store));
        zpoller_t *poller = zpoller_new (live, NULL);
        if (zpoller_wait (poller, 100)) {
            zmsg_t *msg = zmsg_recv (live);
            joined = msg != NULL;
            zmsg_destroy (&msg);
        }
        zpoller_destroy (&poller);
    }
    cr_assert (joined, "the subscription reached the publisher");
    return live;
}

Test (notification_store, a_subscriber_of_p1_never_sees_p12)
{
    zsock_t *live = s_subscribe ("alert.p1/");
    cr_assert_eq (notification_store_begin (s_store), 0);
    s_alert ("p1", "one");
    s_alert ("p12", "twelve");
    s_alert ("p1", "one again");
    cr_assert_eq (notification_store_commit (s_store), 0);
    // Messages arrive in order: once this heartbeat is in, everything before it is.
    outbox_heartbeat (notification_store_outbox (s_store));
    uint64_t seqs[4];
    size_t count = 0;
    char *topic;
    uint64_t seq;
    while ((topic = s_receive (live, &seq))) {
        bool head = strcmp (topic, "_head") == 0;
        if (!head) {
            cr_assert_str_eq (topic, "alert.p1/");
            cr_assert_lt (count, 4);
            seqs[count++] = seq;
        }
        zstr_free (&topic);
        if (head && seq == 3)
            break;
    }
    cr_assert_eq (count, 2);
    cr_assert_eq (seqs[0], 1);
    cr_assert_eq (seqs[1], 3);
    zsock_destroy (&live);
}

// Invalid alerts ----------------------------------------------------------------------------

// Checks that alert is refused and leaves no trace.
static void
s_refused (Shanhai__V1__Alert alert, const char *why)
{
    uint64_t head = outbox_head (notification_store_outbox (s_store));
    cr_assert_eq (notification_store_alert (s_store, &alert), NOTIFICATION_STORE_INVALID, "%s",
                  why);
    cr_assert_eq (alert.id, 0, "%s: no id given", why);
    cr_assert_eq (outbox_head (notification_store_outbox (s_store)), head, "%s", why);
}

Test (notification_store, an_invalid_alert_is_refused_without_writing)
{
    char longest_id[ID_BYTES_MAX];
    memset (longest_id, 'p', sizeof longest_id - 1);
    longest_id[sizeof longest_id - 1] = '\0';
    char too_long_id[ID_BYTES_MAX + 1];
    memset (too_long_id, 'p', sizeof too_long_id - 1);
    too_long_id[sizeof too_long_id - 1] = '\0';
    char longest_text[ALERT_TEXT_BYTES_MAX];
    memset (longest_text, 'x', sizeof longest_text - 1);
    longest_text[sizeof longest_text - 1] = '\0';
    char too_long_text[ALERT_TEXT_BYTES_MAX + 1];
    memset (too_long_text, 'x', sizeof too_long_text - 1);
    too_long_text[sizeof too_long_text - 1] = '\0';

    cr_assert_eq (notification_store_begin (s_store), 0);
    const char *people[] = { "bad id", "", NULL, "p1/", "a\nb", too_long_id };
    for (size_t index = 0; index < sizeof people / sizeof people[0]; index++)
        s_refused (s_alert_of (people[index], "x"), "person");
    Shanhai__V1__Alert alert = s_alert_of ("a", "x");
    alert.pairing = "hb 01";
    s_refused (alert, "pairing");
    alert = s_alert_of ("a", "x");
    alert.rule = "";
    s_refused (alert, "rule");
    alert = s_alert_of ("a", "x");
    alert.year = DATE_YEAR_MIN - 1;
    s_refused (alert, "year");
    alert = s_alert_of ("a", "x");
    alert.status = SHANHAI__V1__COMPLIANCE_STATUS__COMPLIANCE_NONE;
    s_refused (alert, "status none");
    alert.status = (Shanhai__V1__ComplianceStatus) 99;
    s_refused (alert, "status unknown");
    alert = s_alert_of ("a", "x");
    alert.previous = (Shanhai__V1__ComplianceStatus) 99;
    s_refused (alert, "previous");
    s_refused (s_alert_of ("a", too_long_text), "text too long");
    s_refused (s_alert_of ("a", "\xff\xfe"), "text not UTF-8");
    s_refused (s_alert_of ("a", NULL), "no text");
    alert = s_alert_of ("a", "x");
    alert.at_ms = -1;
    s_refused (alert, "at_ms");
    // At the limits, and a first status (previous none): taken.
    Shanhai__V1__Alert taken = s_alert_of (longest_id, longest_text);
    taken.previous = SHANHAI__V1__COMPLIANCE_STATUS__COMPLIANCE_NONE;
    taken.year = DATE_YEAR_MAX;
    taken.at_ms = 42;
    cr_assert_eq (notification_store_alert (s_store, &taken), NOTIFICATION_STORE_OK);
    cr_assert_eq (taken.id, 1, "the refusals took no seq");
    cr_assert_eq (taken.at_ms, 42, "a given time is kept");
    cr_assert_eq (notification_store_commit (s_store), 0);
    cr_assert_eq (s_sql_integer ("SELECT COUNT(*) FROM alerts"), 1);
    cr_assert_eq (s_sql_integer ("SELECT COUNT(*) FROM outbox"), 1);
    cr_assert_eq (s_sql_integer ("SELECT length (topic) FROM outbox"),
                  (int64_t) (sizeof "alert./" - 1 + ID_BYTES_MAX - 1));
    cr_assert_eq (s_count (longest_id, 0, 0), 1);
}

// Scopes -----------------------------------------------------------------------------------------

// An alert of a rule of scope about subject in period; pairing "" for none.
static Shanhai__V1__Alert
s_scoped_of (const char *person, const char *scope, const char *subject, const char *pairing,
             const char *period)
{
    Shanhai__V1__Alert alert = s_alert_of (person, "x");
    alert.scope = (char *) scope;
    alert.subject = (char *) subject;
    alert.pairing = (char *) pairing;
    alert.period = (char *) period;
    return alert;
}

Test (notification_store, an_alert_says_whose_rule_and_which_period)
{
    cr_assert_eq (notification_store_begin (s_store), 0);
    Shanhai__V1__Alert alerts[] = {
        s_scoped_of ("a", "pair", "hb-01", "hb-01", "2021"),
        s_scoped_of ("a", "park", "wz-park-yongjia", "wz-01", "2019"),
        s_scoped_of ("a", "supporter", "zj-wenzhou-ouhai", "", "2018-2022"),
        s_scoped_of ("a", "recipient", "zj-yongjia", "", "2020"),
        s_scoped_of ("a", "region", "hb-zhuxi", "", "2024"),
        s_scoped_of ("a", "program", "ls-jingning", "", "2024-03"),
        s_alert_of ("a", "from before scopes"),
    };
    size_t count = sizeof alerts / sizeof alerts[0];
    for (size_t index = 0; index < count; index++)
        cr_assert_eq (notification_store_alert (s_store, &alerts[index]), NOTIFICATION_STORE_OK,
                      "%zu", index);
    cr_assert_eq (notification_store_commit (s_store), 0);
    Shanhai__V1__AlertList *list = notification_store_alerts (s_store, "a", 0, 0);
    cr_assert_eq (list->n_alerts, count);
    for (size_t index = 0; index < count; index++) {
        const Shanhai__V1__Alert *read = list->alerts[index];
        cr_assert_str_eq (read->scope, alerts[index].scope);
        cr_assert_str_eq (read->subject, alerts[index].subject);
        cr_assert_str_eq (read->pairing, alerts[index].pairing);
        cr_assert_str_eq (read->period, alerts[index].period);
    }
    cr_assert_str_eq (list->alerts[6]->scope, "", "kept as it came");
    shanhai__v1__alert_list__free_unpacked (list, NULL);
    // The live event carries them too: it is the same Alert.
    bool failed = true;
    Shanhai__V1__Alert *found = notification_store_alert_find (s_store, 4, &failed);
    cr_assert (found);
    cr_assert_str_eq (found->subject, "zj-yongjia");
    shanhai__v1__alert__free_unpacked (found, NULL);
}

Test (notification_store, a_scope_s_fields_are_checked)
{
    cr_assert_eq (notification_store_begin (s_store), 0);
    s_refused (s_scoped_of ("a", "county", "zj-yongjia", "", "2020"), "no such scope");
    s_refused (s_scoped_of ("a", "Pair", "hb-01", "hb-01", "2020"), "scopes are lower case");
    s_refused (s_scoped_of ("a", "pair", "hb-01", "", "2020"), "a pair's names its pairing");
    s_refused (s_scoped_of ("a", "park", "wz-park-yongjia", "", "2020"), "so does a park's");
    s_refused (s_scoped_of ("a", "recipient", "zj-yongjia", "wz-01", "2020"),
               "a county's names none");
    s_refused (s_scoped_of ("a", "program", "wz-shanhai", "wz-01", "2020"),
               "nor does the program's");
    s_refused (s_scoped_of ("a", "recipient", "", "", "2020"), "a subject");
    s_refused (s_scoped_of ("a", "recipient", "zj yongjia", "", "2020"), "a subject that is an id");
    s_refused (s_scoped_of ("a", "recipient", "zj-yongjia", "", ""), "a period");
    s_refused (s_scoped_of ("a", "recipient", "zj-yongjia", "", "2020 Q1"), "a period id");
    s_refused (s_scoped_of ("a", "", "hb-01", "hb-01", ""), "no subject before scopes");
    s_refused (s_scoped_of ("a", "", "", "hb-01", "2021"), "no period before scopes");
    s_refused (s_scoped_of ("a", "", "", "", ""), "a pairing before scopes");
    cr_assert_eq (notification_store_commit (s_store), 0);
    cr_assert_eq (s_sql_integer ("SELECT COUNT(*) FROM alerts"), 0);
}

Test (notification_store, a_file_from_before_scopes_gains_their_columns)
{
    // A file as the version before scopes left it: an alert, and the alerts table without
    // the columns (dropped here, which that version never had).
    s_alerts ("a", 1);
    notification_store_destroy (&s_store);
    sqlite3 *db = NULL;
    cr_assert_eq (sqlite3_open (s_path, &db), SQLITE_OK);
    cr_assert_eq (sqlite3_exec (db,
                                "ALTER TABLE alerts DROP COLUMN scope;"
                                "ALTER TABLE alerts DROP COLUMN subject;"
                                "ALTER TABLE alerts DROP COLUMN period",
                                NULL, NULL, NULL),
                  SQLITE_OK, "%s", sqlite3_errmsg (db));
    sqlite3_close (db);
    cr_assert_eq (s_sql_integer ("SELECT COUNT(*) FROM pragma_table_info('alerts')"
                                 " WHERE name IN ('scope', 'subject', 'period')"),
                  0);
    s_store = s_open ();
    cr_assert_eq (s_sql_integer ("SELECT COUNT(*) FROM pragma_table_info('alerts')"
                                 " WHERE name IN ('scope', 'subject', 'period')"),
                  3);
    Shanhai__V1__AlertList *list = notification_store_alerts (s_store, "a", 0, 0);
    cr_assert_eq (list->n_alerts, 1);
    cr_assert_str_eq (list->alerts[0]->text, "提醒");
    cr_assert_str_eq (list->alerts[0]->scope, "");
    cr_assert_str_eq (list->alerts[0]->subject, "");
    shanhai__v1__alert_list__free_unpacked (list, NULL);
    cr_assert_eq (notification_store_begin (s_store), 0);
    Shanhai__V1__Alert alert = s_scoped_of ("b", "recipient", "zj-yongjia", "", "2020");
    cr_assert_eq (notification_store_alert (s_store, &alert), NOTIFICATION_STORE_OK);
    cr_assert_eq (notification_store_commit (s_store), 0);
    list = notification_store_alerts (s_store, "b", 0, 0);
    cr_assert_eq (list->n_alerts, 1);
    cr_assert_str_eq (list->alerts[0]->scope, "recipient");
    shanhai__v1__alert_list__free_unpacked (list, NULL);
    s_reopen ();  // the columns are there: nothing is added twice
    cr_assert_eq (s_count ("a", 0, 0), 1);
    cr_assert_eq (s_count ("b", 0, 0), 1);
}

// Read and acknowledged ----------------------------------------------------------------------

// The state of alert id of person, which must exist.
static notification_alert_state_t
s_state (const char *person, uint64_t id)
{
    notification_alert_state_t state;
    cr_assert_eq (notification_store_alert_state (s_store, person, id, &state),
                  NOTIFICATION_STORE_OK);
    return state;
}

Test (notification_store, alerts_are_marked_read_up_to_an_id)
{
    s_alerts ("a", 3);  // 1, 2, 3
    s_alerts ("b", 1);  // 4
    s_alerts ("a", 1);  // 5
    cr_assert_eq (notification_store_unread (s_store, "a"), 4);
    cr_assert_eq (notification_store_unread (s_store, "b"), 1);
    cr_assert_eq (notification_store_unread (s_store, "nobody"), 0);
    size_t marked = 99;
    cr_assert_eq (notification_store_mark_read (s_store, "a", 2, 1000, &marked),
                  NOTIFICATION_STORE_OK);
    cr_assert_eq (marked, 2, "up to the id, inclusive");
    cr_assert_eq (notification_store_unread (s_store, "a"), 2);
    cr_assert_eq (s_state ("a", 2).read_at_ms, 1000);
    cr_assert_eq (s_state ("a", 3).read_at_ms, 0, "not yet");
    // Again, further: the ones read before keep their time; b's alert 4 is not a's.
    cr_assert_eq (notification_store_mark_read (s_store, "a", 4, 2000, &marked),
                  NOTIFICATION_STORE_OK);
    cr_assert_eq (marked, 1);
    cr_assert_eq (s_state ("a", 1).read_at_ms, 1000);
    cr_assert_eq (s_state ("a", 3).read_at_ms, 2000);
    cr_assert_eq (notification_store_unread (s_store, "b"), 1);
    cr_assert_eq (notification_store_mark_read (s_store, "a", UINT64_MAX, 3000, NULL),
                  NOTIFICATION_STORE_OK, "every id, and marked may be NULL");
    cr_assert_eq (notification_store_unread (s_store, "a"), 0);
    cr_assert_eq (notification_store_mark_read (s_store, "a", UINT64_MAX, 4000, &marked),
                  NOTIFICATION_STORE_OK);
    cr_assert_eq (marked, 0);
    cr_assert_eq (notification_store_mark_read (s_store, "nobody", 5, 4000, &marked),
                  NOTIFICATION_STORE_OK);
    cr_assert_eq (marked, 0);
    // Invalid input.
    cr_assert_eq (notification_store_mark_read (s_store, "b", 4, 0, &marked),
                  NOTIFICATION_STORE_INVALID);
    cr_assert_eq (notification_store_mark_read (s_store, "bad id", 4, 1, &marked),
                  NOTIFICATION_STORE_INVALID);
    cr_assert_eq (notification_store_mark_read (s_store, NULL, 4, 1, &marked),
                  NOTIFICATION_STORE_INVALID);
    cr_assert_eq (notification_store_unread (s_store, "bad id"), -1);
    cr_assert_eq (notification_store_unread (s_store, "b"), 1, "nothing changed");
    s_reopen ();
    cr_assert_eq (notification_store_unread (s_store, "a"), 0, "on disk");
    cr_assert_eq (s_state ("a", 5).read_at_ms, 3000);
}

Test (notification_store, an_alert_is_acknowledged_once_by_its_person)
{
    s_alerts ("a", 2);  // 1, 2
    s_alerts ("b", 1);  // 3
    cr_assert_eq (notification_store_mark_read (s_store, "a", 1, 500, NULL), 0);
    notification_alert_state_t state = s_state ("a", 2);
    cr_assert_eq (state.acked_at_ms, 0);
    cr_assert_str_eq (state.acked_by, "");
    cr_assert_eq (notification_store_ack (s_store, "a", 2, "a", 1000), NOTIFICATION_STORE_OK);
    state = s_state ("a", 2);
    cr_assert_eq (state.acked_at_ms, 1000);
    cr_assert_str_eq (state.acked_by, "a");
    cr_assert_eq (state.read_at_ms, 1000, "acknowledged is read");
    cr_assert_eq (notification_store_unread (s_store, "a"), 0);
    // Again, later, by someone else: the first acknowledgement stands.
    cr_assert_eq (notification_store_ack (s_store, "a", 2, "hb-office", 2000),
                  NOTIFICATION_STORE_OK);
    state = s_state ("a", 2);
    cr_assert_eq (state.acked_at_ms, 1000);
    cr_assert_str_eq (state.acked_by, "a");
    // An alert read before keeps its read time.
    cr_assert_eq (notification_store_ack (s_store, "a", 1, "hb-office", 3000), 0);
    state = s_state ("a", 1);
    cr_assert_eq (state.read_at_ms, 500);
    cr_assert_eq (state.acked_at_ms, 3000);
    cr_assert_str_eq (state.acked_by, "hb-office");
    // Another person's alert, or none: not found, and nothing changes.
    uint64_t others[] = { 3, 0, 4, (uint64_t) INT64_MAX + 1, UINT64_MAX };
    for (size_t index = 0; index < sizeof others / sizeof others[0]; index++)
        cr_assert_eq (notification_store_ack (s_store, "a", others[index], "a", 4000),
                      NOTIFICATION_STORE_NOT_FOUND, "id %zu", index);
    cr_assert_eq (notification_store_alert_state (s_store, "a", 3, &state),
                  NOTIFICATION_STORE_NOT_FOUND);
    cr_assert_eq (s_state ("b", 3).acked_at_ms, 0);
    cr_assert_eq (notification_store_unread (s_store, "b"), 1);
    // Invalid input.
    cr_assert_eq (notification_store_ack (s_store, "b", 3, "b", 0), NOTIFICATION_STORE_INVALID);
    cr_assert_eq (notification_store_ack (s_store, "b", 3, "b b", 1), NOTIFICATION_STORE_INVALID);
    cr_assert_eq (notification_store_ack (s_store, "b", 3, NULL, 1), NOTIFICATION_STORE_INVALID);
    cr_assert_eq (notification_store_ack (s_store, "", 3, "b", 1), NOTIFICATION_STORE_INVALID);
    cr_assert_eq (notification_store_alert_state (s_store, "b/", 3, &state),
                  NOTIFICATION_STORE_INVALID);
    cr_assert_eq (s_state ("b", 3).acked_at_ms, 0);
    s_reopen ();
    cr_assert_str_eq (s_state ("a", 1).acked_by, "hb-office", "on disk");
}

// Deliveries --------------------------------------------------------------------------------

static notification_delivery_t
s_delivery_of (uint64_t alert, const char *channel, uint32_t attempt,
               notification_delivery_status_t status, int64_t at_ms, int64_t next_at_ms)
{
    notification_delivery_t delivery = { .alert = alert, .attempt = attempt, .status = status,
                                         .at_ms = at_ms, .next_at_ms = next_at_ms };
    snprintf (delivery.channel, sizeof delivery.channel, "%s", channel);
    return delivery;
}

// Adds a pending first attempt of alert on channel, due at next_at_ms; returns its id.
static uint64_t
s_pending (uint64_t alert, const char *channel, uint32_t attempt, int64_t next_at_ms)
{
    notification_delivery_t delivery
        = s_delivery_of (alert, channel, attempt, NOTIFICATION_DELIVERY_PENDING, 100, next_at_ms);
    cr_assert_eq (notification_store_delivery_add (s_store, &delivery), NOTIFICATION_STORE_OK);
    cr_assert_gt (delivery.id, 0);
    return delivery.id;
}

// Checks the ids of what is due by now_ms (at most max), in order.
static void
s_due (int64_t now_ms, size_t max, const uint64_t *ids, size_t count)
{
    notification_delivery_t due[8];
    cr_assert_leq (max, 8);
    int found = notification_store_deliveries_due (s_store, now_ms, due, max);
    cr_assert_eq (found, (int) count, "due by %lld", (long long) now_ms);
    for (size_t index = 0; index < count; index++) {
        cr_assert_eq (due[index].id, ids[index], "due by %lld: #%zu", (long long) now_ms, index);
        cr_assert_eq (due[index].status, NOTIFICATION_DELIVERY_PENDING);
        cr_assert_leq (due[index].next_at_ms, now_ms);
    }
}

// Checks the ids query lists (at most max), in order.
static void
s_listed (notification_delivery_query_t query, size_t max, const uint64_t *ids, size_t count)
{
    notification_delivery_t listed[8];
    cr_assert_leq (max, 8);
    int found = notification_store_deliveries (s_store, &query, listed, max);
    cr_assert_eq (found, (int) count);
    for (size_t index = 0; index < count; index++)
        cr_assert_eq (listed[index].id, ids[index], "#%zu", index);
}

#define S_IDS(...) (const uint64_t[]) { __VA_ARGS__ }, \
    sizeof (const uint64_t[]) { __VA_ARGS__ } / sizeof (uint64_t)

Test (notification_store, deliveries_are_attempted_retried_and_finished)
{
    s_alerts ("a", 1);
    s_alerts ("b", 1);
    uint64_t first = s_pending (1, "dingtalk", 1, 100);
    uint64_t webhook = s_pending (1, "webhook-1", 1, 150);
    uint64_t other = s_pending (2, "dingtalk", 1, 120);
    s_due (99, 8, NULL, 0);
    s_due (100, 8, S_IDS (first));
    s_due (120, 8, S_IDS (first, other));
    s_due (INT64_MAX, 8, S_IDS (first, other, webhook));
    s_due (INT64_MAX, 1, S_IDS (first));
    s_due (INT64_MAX, 0, NULL, 0);

    // The first attempt fails: its outcome and the retry, in one transaction.
    cr_assert_eq (notification_store_begin (s_store), 0);
    cr_assert_eq (notification_store_delivery_finish (s_store, first, NOTIFICATION_DELIVERY_FAILED,
                                                      "HTTP 502 Bad Gateway", 110, 200),
                  NOTIFICATION_STORE_OK);
    uint64_t retry = s_pending (1, "dingtalk", 2, 200);
    cr_assert_eq (notification_store_commit (s_store), 0);
    cr_assert_eq (notification_store_delivery_finish (s_store, first, NOTIFICATION_DELIVERY_SENT,
                                                      "HTTP 200", 120, 0),
                  NOTIFICATION_STORE_NOT_FOUND, "finished before");
    notification_delivery_t twice
        = s_delivery_of (1, "dingtalk", 2, NOTIFICATION_DELIVERY_PENDING, 100, 300);
    cr_assert_eq (notification_store_delivery_add (s_store, &twice), NOTIFICATION_STORE_CONFLICT);
    s_due (199, 8, S_IDS (other, webhook));
    s_due (200, 8, S_IDS (other, webhook, retry));
    cr_assert_eq (notification_store_delivery_finish (s_store, retry, NOTIFICATION_DELIVERY_SENT,
                                                      "HTTP 200", 210, 0),
                  NOTIFICATION_STORE_OK);
    cr_assert_eq (notification_store_delivery_finish (s_store, other, NOTIFICATION_DELIVERY_DEAD,
                                                      "HTTP 400 bad token", 130, 0),
                  NOTIFICATION_STORE_OK);
    s_due (INT64_MAX, 8, S_IDS (webhook));
    s_reopen ();

    notification_delivery_t rows[8];
    notification_delivery_query_t all = { 0 };
    cr_assert_eq (notification_store_deliveries (s_store, &all, rows, 8), 4);
    cr_assert_eq (rows[0].id, first);
    cr_assert_eq (rows[0].alert, 1);
    cr_assert_str_eq (rows[0].channel, "dingtalk");
    cr_assert_eq (rows[0].attempt, 1);
    cr_assert_eq (rows[0].status, NOTIFICATION_DELIVERY_FAILED);
    cr_assert_str_eq (rows[0].result, "HTTP 502 Bad Gateway");
    cr_assert_eq (rows[0].at_ms, 110);
    cr_assert_eq (rows[0].next_at_ms, 200);
    cr_assert_eq (rows[1].status, NOTIFICATION_DELIVERY_PENDING);
    cr_assert_str_eq (rows[1].result, "");
    cr_assert_eq (rows[2].status, NOTIFICATION_DELIVERY_DEAD);
    cr_assert_eq (rows[2].next_at_ms, 0, "nothing due");
    cr_assert_eq (rows[3].id, retry);
    cr_assert_eq (rows[3].attempt, 2);
    cr_assert_eq (rows[3].status, NOTIFICATION_DELIVERY_SENT);
    cr_assert_str_eq (rows[3].result, "HTTP 200");
    cr_assert_eq (s_sql_integer ("SELECT COUNT(*) FROM deliveries WHERE status = 'sent'"
                                 " AND next_at_ms IS NULL"),
                  1, "stored by name");
}

Test (notification_store, the_delivery_log_is_queried_by_channel_person_and_status)
{
    s_alerts ("a", 1);  // 1
    s_alerts ("b", 1);  // 2
    s_alerts ("a", 1);  // 3
    for (uint64_t alert = 1; alert <= 3; alert++) {
        s_pending (alert, "dingtalk", 1, 100);  // 1, 3, 5
        s_pending (alert, "wecom", 1, 100);     // 2, 4, 6
    }
    cr_assert_eq (notification_store_delivery_finish (s_store, 1, NOTIFICATION_DELIVERY_SENT,
                                                      "HTTP 200", 110, 0), 0);
    cr_assert_eq (notification_store_delivery_finish (s_store, 4, NOTIFICATION_DELIVERY_DEAD,
                                                      "HTTP 404", 110, 0), 0);
    s_listed ((notification_delivery_query_t) { 0 }, 8, S_IDS (1, 2, 3, 4, 5, 6));
    s_listed ((notification_delivery_query_t) { .channel = "dingtalk" }, 8, S_IDS (1, 3, 5));
    s_listed ((notification_delivery_query_t) { .person = "a" }, 8, S_IDS (1, 2, 5, 6));
    s_listed ((notification_delivery_query_t) { .status = NOTIFICATION_DELIVERY_PENDING }, 8,
              S_IDS (2, 3, 5, 6));
    s_listed ((notification_delivery_query_t) { .status = NOTIFICATION_DELIVERY_SENT }, 8,
              S_IDS (1));
    s_listed ((notification_delivery_query_t) { .channel = "dingtalk", .person = "a" }, 8,
              S_IDS (1, 5));
    s_listed ((notification_delivery_query_t) { .channel = "wecom",
                                                .status = NOTIFICATION_DELIVERY_DEAD },
              8, S_IDS (4));
    s_listed ((notification_delivery_query_t) { .person = "a",
                                                .status = NOTIFICATION_DELIVERY_PENDING },
              8, S_IDS (2, 5, 6));
    s_listed ((notification_delivery_query_t) { .channel = "dingtalk", .person = "a",
                                                .status = NOTIFICATION_DELIVERY_PENDING },
              8, S_IDS (5));
    // Pages.
    s_listed ((notification_delivery_query_t) { .person = "a", .after_id = 2 }, 2, S_IDS (5, 6));
    s_listed ((notification_delivery_query_t) { .person = "a" }, 1, S_IDS (1));
    s_listed ((notification_delivery_query_t) { .person = "a" }, 0, NULL, 0);
    s_listed ((notification_delivery_query_t) { .after_id = 6 }, 8, NULL, 0);
    s_listed ((notification_delivery_query_t) { .after_id = UINT64_MAX }, 8, NULL, 0);
    s_listed ((notification_delivery_query_t) { .person = "nobody" }, 8, NULL, 0);
    s_listed ((notification_delivery_query_t) { .channel = "failed" }, 8, NULL, 0);
    // Invalid queries.
    notification_delivery_t rows[8];
    notification_delivery_query_t bad = { .channel = "ding talk" };
    cr_assert_eq (notification_store_deliveries (s_store, &bad, rows, 8), -1);
    bad = (notification_delivery_query_t) { .person = "" };
    cr_assert_eq (notification_store_deliveries (s_store, &bad, rows, 8), -1);
    bad = (notification_delivery_query_t) { .status = (notification_delivery_status_t) 99 };
    cr_assert_eq (notification_store_deliveries (s_store, &bad, rows, 8), -1);
}

Test (notification_store, a_page_of_deliveries_holds_at_most_the_limit)
{
    s_alerts ("a", 1);
    cr_assert_eq (notification_store_begin (s_store), 0);
    for (int index = 0; index < DELIVERIES_LIST_MAX + 1; index++) {
        char channel[ID_BYTES_MAX];
        snprintf (channel, sizeof channel, "webhook-%d", index);
        // Due in the reverse order of their ids.
        cr_assert_eq (s_pending (1, channel, 1, DELIVERIES_LIST_MAX + 1 - index),
                      (uint64_t) index + 1);
    }
    cr_assert_eq (notification_store_commit (s_store), 0);
    size_t size = DELIVERIES_LIST_MAX + 1;
    notification_delivery_t *rows = calloc (size, sizeof *rows);
    notification_delivery_query_t all = { 0 };
    cr_assert_eq (notification_store_deliveries (s_store, &all, rows, 0), 0);
    cr_assert_eq (notification_store_deliveries (s_store, &all, rows, 1), 1);
    cr_assert_eq (notification_store_deliveries (s_store, &all, rows, size - 1), size - 1);
    cr_assert_eq (notification_store_deliveries (s_store, &all, rows, size), size - 1, "capped");
    cr_assert_eq (rows[size - 2].id, DELIVERIES_LIST_MAX);
    all.after_id = DELIVERIES_LIST_MAX;
    cr_assert_eq (notification_store_deliveries (s_store, &all, rows, size), 1, "the next page");
    cr_assert_eq (rows[0].id, DELIVERIES_LIST_MAX + 1);
    cr_assert_eq (notification_store_deliveries_due (s_store, INT64_MAX, rows, 0), 0);
    cr_assert_eq (notification_store_deliveries_due (s_store, INT64_MAX, rows, 1), 1);
    cr_assert_eq (rows[0].id, DELIVERIES_LIST_MAX + 1, "the earliest due first");
    cr_assert_eq (notification_store_deliveries_due (s_store, INT64_MAX, rows, size), size - 1,
                  "capped");
    cr_assert_eq (rows[size - 2].id, 2);
    cr_assert_eq (notification_store_deliveries_due (s_store, 1, rows, size), 1);
    free (rows);
}

Test (notification_store, an_invalid_delivery_is_refused_without_writing)
{
    s_alerts ("a", 1);
    const notification_delivery_status_t pending = NOTIFICATION_DELIVERY_PENDING;
    notification_delivery_t bad[] = {
        s_delivery_of (0, "dingtalk", 1, pending, 100, 100),
        s_delivery_of ((uint64_t) INT64_MAX + 1, "dingtalk", 1, pending, 100, 100),
        s_delivery_of (1, "", 1, pending, 100, 100),
        s_delivery_of (1, "ding talk", 1, pending, 100, 100),
        s_delivery_of (1, "dingtalk", 0, pending, 100, 100),
        s_delivery_of (1, "dingtalk", DELIVERY_ATTEMPTS_MAX + 1, pending, 100, 100),
        s_delivery_of (1, "dingtalk", 1, NOTIFICATION_DELIVERY_NONE, 100, 100),
        s_delivery_of (1, "dingtalk", 1, (notification_delivery_status_t) 99, 100, 100),
        s_delivery_of (1, "dingtalk", 1, pending, 0, 100),
        s_delivery_of (1, "dingtalk", 1, pending, 100, 0),
        s_delivery_of (1, "dingtalk", 1, NOTIFICATION_DELIVERY_FAILED, 100, 0),
        s_delivery_of (1, "dingtalk", 1, NOTIFICATION_DELIVERY_SENT, 100, 100),
        s_delivery_of (1, "dingtalk", 1, NOTIFICATION_DELIVERY_DEAD, 100, 100),
        s_delivery_of (1, "dingtalk", 1, pending, 100, 100),  // a result of two lines
        s_delivery_of (1, "dingtalk", 1, pending, 100, 100),  // unterminated result
        s_delivery_of (1, "dingtalk", 1, pending, 100, 100),  // unterminated channel
    };
    size_t count = sizeof bad / sizeof bad[0];
    snprintf (bad[count - 3].result, sizeof bad[0].result, "HTTP 500\nretry");
    memset (bad[count - 2].result, 'x', sizeof bad[0].result);
    memset (bad[count - 1].channel, 'c', sizeof bad[0].channel);
    for (size_t index = 0; index < count; index++) {
        cr_assert_eq (notification_store_delivery_add (s_store, &bad[index]),
                      NOTIFICATION_STORE_INVALID, "#%zu", index);
        cr_assert_eq (bad[index].id, 0);
    }
    notification_delivery_t unknown = s_delivery_of (2, "dingtalk", 1, pending, 100, 100);
    cr_assert_eq (notification_store_delivery_add (s_store, &unknown),
                  NOTIFICATION_STORE_NOT_FOUND, "no such alert");
    cr_assert_eq (s_sql_integer ("SELECT COUNT(*) FROM deliveries"), 0);

    // At the limits: taken.
    notification_delivery_t longest
        = s_delivery_of (1, "dingtalk", DELIVERY_ATTEMPTS_MAX, NOTIFICATION_DELIVERY_DEAD, 1, 0);
    memset (longest.result, 'x', sizeof longest.result - 1);
    memset (longest.channel, 'c', sizeof longest.channel - 1);
    cr_assert_eq (notification_store_delivery_add (s_store, &longest), NOTIFICATION_STORE_OK);
    cr_assert_eq (s_sql_integer ("SELECT COUNT(*) FROM deliveries"), 1);
}

Test (notification_store, an_invalid_outcome_is_refused_without_writing)
{
    s_alerts ("a", 1);
    char too_long[DELIVERY_RESULT_BYTES_MAX + 1];
    memset (too_long, 'x', sizeof too_long - 1);
    too_long[sizeof too_long - 1] = '\0';
    uint64_t id = s_pending (1, "dingtalk", 1, 100);
    const notification_delivery_status_t pending = NOTIFICATION_DELIVERY_PENDING;
    const notification_delivery_status_t failed = NOTIFICATION_DELIVERY_FAILED;
    const notification_delivery_status_t sent = NOTIFICATION_DELIVERY_SENT;
    cr_assert_eq (notification_store_delivery_finish (s_store, id, pending, "", 1, 100),
                  NOTIFICATION_STORE_INVALID, "finished as pending");
    cr_assert_eq (notification_store_delivery_finish (s_store, id, NOTIFICATION_DELIVERY_NONE,
                                                      "", 1, 0),
                  NOTIFICATION_STORE_INVALID);
    cr_assert_eq (notification_store_delivery_finish (s_store, id, failed, "x", 1, 0),
                  NOTIFICATION_STORE_INVALID, "a failure says when the retry is due");
    cr_assert_eq (notification_store_delivery_finish (s_store, id, sent, "x", 1, 5),
                  NOTIFICATION_STORE_INVALID);
    cr_assert_eq (notification_store_delivery_finish (s_store, id, sent, NULL, 1, 0),
                  NOTIFICATION_STORE_INVALID);
    cr_assert_eq (notification_store_delivery_finish (s_store, id, sent, too_long, 1, 0),
                  NOTIFICATION_STORE_INVALID);
    cr_assert_eq (notification_store_delivery_finish (s_store, id, sent, "x", 0, 0),
                  NOTIFICATION_STORE_INVALID);
    cr_assert_eq (notification_store_delivery_finish (s_store, id + 1, sent, "x", 1, 0),
                  NOTIFICATION_STORE_NOT_FOUND);
    cr_assert_eq (notification_store_delivery_finish (s_store, UINT64_MAX, sent, "x", 1, 0),
                  NOTIFICATION_STORE_NOT_FOUND);
    s_due (INT64_MAX, 8, S_IDS (id));  // still pending
    cr_assert_str_eq (notification_delivery_status_name (NOTIFICATION_DELIVERY_DEAD), "dead");
    cr_assert_str_eq (notification_delivery_status_name (NOTIFICATION_DELIVERY_NONE), "");
    cr_assert_str_eq (notification_delivery_status_name ((notification_delivery_status_t) 99), "");
}

// The upgrade ----------------------------------------------------------------------------------

// Appends an alert as the previous version did: only an outbox row, topic "alert.<person>".
static void
s_old_alert (outbox_t *outbox, const char *person, const char *text, int64_t at_ms)
{
    Shanhai__V1__Alert alert = s_alert_of (person, text);
    alert.id = outbox_head (outbox) + 1;
    alert.at_ms = at_ms;
    char topic[TOPIC_BYTES_MAX];
    snprintf (topic, sizeof topic, "alert.%s", person);
    cr_assert_eq (outbox_append (outbox, topic, "alert", &alert.base), (int64_t) alert.id);
}

// Writes old.db as the previous version did, and makes it the file s_open opens.
static void
s_write_old_file (void)
{
    free (s_path);
    s_path = test_path (s_dir, "old.db");
    char errstr[256] = "", pub[64];
    sqlite3 *db = store_open (s_path, NULL, errstr, sizeof errstr);
    cr_assert (db, "%s", errstr);
    test_free_endpoint (pub, sizeof pub);
    outbox_t *outbox = outbox_new (db, pub);
    cr_assert (outbox);
    cr_assert_eq (store_begin (db), 0);
    s_old_alert (outbox, "a", "第一", 1234);     // 1
    s_old_alert (outbox, "b", "second", 1235);   // 2
    s_old_alert (outbox, "a", "third", 0);       // 3: the time is the outbox row's
    s_old_alert (outbox, "", "nobody's", 1236);  // 4: cannot be an inbox's, skipped
    cr_assert_eq (store_meta_set (db, NOTIFICATION_META_ASSESSMENT_SEQ, 9), 0);
    cr_assert_eq (store_commit (db), 0);
    outbox_destroy (&outbox);
    store_close (&db);
}

Test (notification_store, an_old_file_keeps_its_inboxes)
{
    s_write_old_file ();
    s_reopen ();
    Shanhai__V1__AlertList *list = notification_store_alerts (s_store, "a", 0, 0);
    cr_assert_eq (list->n_alerts, 2);
    cr_assert_eq (list->alerts[0]->id, 1);
    cr_assert_str_eq (list->alerts[0]->text, "第一");
    cr_assert_str_eq (list->alerts[0]->pairing, "hb-01");
    cr_assert_eq (list->alerts[0]->status, SHANHAI__V1__COMPLIANCE_STATUS__AT_RISK);
    cr_assert_eq (list->alerts[0]->at_ms, 1234);
    cr_assert_eq (list->alerts[1]->id, 3);
    cr_assert_gt (list->alerts[1]->at_ms, 1236, "when the row was written");
    shanhai__v1__alert_list__free_unpacked (list, NULL);
    cr_assert_eq (s_count ("b", 0, 0), 1);
    bool failed = true;
    cr_assert_null (notification_store_alert_find (s_store, 4, &failed));
    cr_assert_not (failed);
    cr_assert_eq (notification_store_unread (s_store, "a"), 2);
    cr_assert_eq (notification_store_meta (s_store, NOTIFICATION_META_ASSESSMENT_SEQ, 0), 9);

    // New alerts follow the old seqs, under the new topics.
    cr_assert_eq (notification_store_begin (s_store), 0);
    cr_assert_eq (s_alert ("a", "new"), 5);
    cr_assert_eq (notification_store_commit (s_store), 0);
    cr_assert_eq (s_sql_integer ("SELECT COUNT(*) FROM outbox WHERE seq = 5"
                                 " AND topic = 'alert.a/'"),
                  1);
    cr_assert_eq (notification_store_mark_read (s_store, "a", 5, 2000, NULL), 0);
    // The copy is made once: a second start finds the alerts table filled.
    s_reopen ();
    cr_assert_eq (s_sql_integer ("SELECT COUNT(*) FROM alerts"), 4);
    cr_assert_eq (notification_store_unread (s_store, "a"), 0);
    cr_assert_eq (s_count ("a", 0, 0), 3);
}

Test (notification_store, an_alert_keeps_the_line_its_channels_say)
{
    s_alerts ("a", 1);  // 1
    char line[CHANNEL_LINE_BYTES_MAX];
    cr_assert_eq (notification_store_line (s_store, 1, line, sizeof line),
                  NOTIFICATION_STORE_NOT_FOUND);
    cr_assert_eq (notification_store_line_set (s_store, 1, "【红色·未完成】竹溪县"),
                  NOTIFICATION_STORE_OK);
    cr_assert_eq (notification_store_line_set (s_store, 2, "x"), NOTIFICATION_STORE_NOT_FOUND);
    cr_assert_eq (notification_store_line_set (s_store, 1, "two\nlines"),
                  NOTIFICATION_STORE_INVALID);
    static char longest[CHANNEL_LINE_BYTES_MAX + 1];
    memset (longest, 'x', CHANNEL_LINE_BYTES_MAX);
    cr_assert_eq (notification_store_line_set (s_store, 1, longest), NOTIFICATION_STORE_INVALID,
                  "one byte over");
    s_reopen ();
    cr_assert_eq (notification_store_line (s_store, 1, line, sizeof line), NOTIFICATION_STORE_OK);
    cr_assert_str_eq (line, "【红色·未完成】竹溪县");
    longest[CHANNEL_LINE_BYTES_MAX - 1] = '\0';
    cr_assert_eq (notification_store_line_set (s_store, 1, longest), NOTIFICATION_STORE_OK,
                  "the longest, replacing");
    cr_assert_eq (notification_store_line (s_store, 1, line, sizeof line), NOTIFICATION_STORE_OK);
    cr_assert_eq (strlen (line), CHANNEL_LINE_BYTES_MAX - 1);
}

Test (notification_store, deliveries_are_counted_by_status)
{
    s_alerts ("a", 1);  // 1
    s_pending (1, "dingtalk", 1, 100);
    s_pending (1, "wecom", 1, 100);
    cr_assert_eq (notification_store_delivery_finish (s_store, 1, NOTIFICATION_DELIVERY_DEAD,
                                                      "HTTP 404", 110, 0), 0);
    cr_assert_eq (notification_store_deliveries_count (s_store, NOTIFICATION_DELIVERY_PENDING), 1);
    cr_assert_eq (notification_store_deliveries_count (s_store, NOTIFICATION_DELIVERY_DEAD), 1);
    cr_assert_eq (notification_store_deliveries_count (s_store, NOTIFICATION_DELIVERY_SENT), 0);
    cr_assert_eq (notification_store_deliveries_count (s_store, NOTIFICATION_DELIVERY_NONE), -1);
}

Test (notification_store, the_channels_due_each_once_the_earliest_first)
{
    s_alerts ("a", 3);  // 1..3
    s_pending (1, "wecom", 1, 300);
    s_pending (2, "wecom", 1, 100);
    s_pending (1, "dingtalk", 1, 200);
    s_pending (3, "webhook", 1, 900);  // not due yet
    char channels[4][ID_BYTES_MAX];
    cr_assert_eq (notification_store_channels_due (s_store, 500, channels, 4), 2);
    cr_assert_str_eq (channels[0], "wecom");
    cr_assert_str_eq (channels[1], "dingtalk");
    cr_assert_eq (notification_store_channels_due (s_store, 500, channels, 1), 1, "the limit");
    cr_assert_eq (notification_store_channels_due (s_store, 99, channels, 4), 0);
    cr_assert_eq (notification_store_delivery_finish (s_store, 2, NOTIFICATION_DELIVERY_SENT,
                                                      "HTTP 200", 110, 0), 0);
    cr_assert_eq (notification_store_channels_due (s_store, 250, channels, 4), 1,
                  "only pending attempts count");
    cr_assert_str_eq (channels[0], "dingtalk");
}

Test (notification_store, a_channels_finished_messages_by_time)
{
    s_alerts ("a", 2);  // 1, 2
    s_pending (1, "dingtalk", 1, 100);  // 1
    s_pending (2, "dingtalk", 1, 100);  // 2
    s_pending (1, "wecom", 1, 100);     // 3
    s_pending (2, "dingtalk", 2, 100);  // 4: stays pending
    // One message finished 1 and 2 at 5000; wecom's at 6000.
    cr_assert_eq (notification_store_delivery_finish (s_store, 1, NOTIFICATION_DELIVERY_SENT,
                                                      "HTTP 200", 5000, 0), 0);
    cr_assert_eq (notification_store_delivery_finish (s_store, 2, NOTIFICATION_DELIVERY_FAILED,
                                                      "HTTP 503", 5000, 9000), 0);
    cr_assert_eq (notification_store_delivery_finish (s_store, 3, NOTIFICATION_DELIVERY_SENT,
                                                      "HTTP 200", 6000, 0), 0);
    int64_t at_ms[4];
    cr_assert_eq (notification_store_channel_finished (s_store, "dingtalk", 0, at_ms, 4), 1);
    cr_assert_eq (at_ms[0], 5000);
    cr_assert_eq (notification_store_channel_finished (s_store, "dingtalk", 5001, at_ms, 4), 0,
                  "older than since");
    cr_assert_eq (notification_store_channel_finished (s_store, "wecom", 0, at_ms, 4), 1);
    cr_assert_eq (at_ms[0], 6000);
}
