/*  The inbox: alerts by person, ids equal to seqs, paging, persistence. */
#include <criterion/criterion.h>
#include <string.h>
#include "common/limits.h"
#include "notification_store.h"
#include "support.h"

static void
s_alert (notification_store_t *store, const char *person, const char *text)
{
    Shanhai__V1__Alert alert = SHANHAI__V1__ALERT__INIT;
    alert.person = (char *) person;
    alert.pairing = "hb-01";
    alert.rule = "hb-aid-funds";
    alert.year = 2021;
    alert.status = SHANHAI__V1__COMPLIANCE_STATUS__AT_RISK;
    alert.text = (char *) text;
    cr_assert_eq (notification_store_alert (store, &alert), 0);
    cr_assert_eq (alert.id, outbox_head (notification_store_outbox (store)), "id is the seq");
}

Test (notification_store, alerts_by_person_with_paging)
{
    char *dir = test_tmpdir ();
    char *path = test_path (dir, "notification.db");
    char pub[64], errstr[256] = "";
    test_free_endpoint (pub, sizeof pub);
    notification_store_t *store = notification_store_new (path, pub, errstr, sizeof errstr);
    cr_assert (store, "%s", errstr);
    cr_assert_eq (notification_store_begin (store), 0);
    for (int index = 0; index < ALERTS_LIST_MAX + 2; index++)
        s_alert (store, index % 2 ? "b" : "a", "一条提醒");
    cr_assert_eq (notification_store_set_meta (store, NOTIFICATION_META_ASSESSMENT_SEQ, 5), 0);
    cr_assert_eq (notification_store_commit (store), 0);
    notification_store_destroy (&store);

    // ZeroMQ releases a port after close in its own time: the reopen takes a fresh one.
    test_free_endpoint (pub, sizeof pub);
    store = notification_store_new (path, pub, errstr, sizeof errstr);
    cr_assert (store, "%s", errstr);
    cr_assert_eq (notification_store_meta (store, NOTIFICATION_META_ASSESSMENT_SEQ, 0), 5);
    Shanhai__V1__AlertList *list = notification_store_alerts (store, "a", 0, ALERTS_LIST_MAX);
    cr_assert_eq (list->n_alerts, ALERTS_LIST_MAX / 2 + 1);
    cr_assert_eq (list->alerts[0]->id, 1);
    cr_assert_eq (list->alerts[1]->id, 3);
    cr_assert_str_eq (list->alerts[0]->person, "a");
    cr_assert_str_eq (list->alerts[0]->text, "一条提醒");
    shanhai__v1__alert_list__free_unpacked (list, NULL);
    list = notification_store_alerts (store, "a", 3, 2);
    cr_assert_eq (list->n_alerts, 2);
    cr_assert_eq (list->alerts[0]->id, 5, "after_id is exclusive");
    shanhai__v1__alert_list__free_unpacked (list, NULL);
    list = notification_store_alerts (store, "nobody", 0, 10);
    cr_assert_eq (list->n_alerts, 0);
    shanhai__v1__alert_list__free_unpacked (list, NULL);
    notification_store_destroy (&store);
    test_rmdir (dir);
    free (dir);
    free (path);
}

static notification_store_t *
s_open (const char *path)
{
    char pub[64], errstr[256] = "";
    test_free_endpoint (pub, sizeof pub);
    notification_store_t *store = notification_store_new (path, pub, errstr, sizeof errstr);
    cr_assert (store, "%s", errstr);
    return store;
}

static size_t
s_count (notification_store_t *store, const char *person, uint64_t after_id, size_t limit)
{
    Shanhai__V1__AlertList *list = notification_store_alerts (store, person, after_id, limit);
    cr_assert (list);
    size_t count = list->n_alerts;
    for (size_t index = 1; index < count; index++)
        cr_assert_gt (list->alerts[index]->id, list->alerts[index - 1]->id, "oldest first");
    shanhai__v1__alert_list__free_unpacked (list, NULL);
    return count;
}

Test (notification_store, a_page_holds_at_most_the_limit)
{
    char *dir = test_tmpdir ();
    char *path = test_path (dir, "notification.db");
    notification_store_t *store = s_open (path);
    cr_assert_eq (notification_store_begin (store), 0);
    for (int index = 0; index < ALERTS_LIST_MAX + 1; index++)
        s_alert (store, "a", "提醒");
    cr_assert_eq (notification_store_commit (store), 0);
    cr_assert_eq (s_count (store, "a", 0, ALERTS_LIST_MAX - 1), ALERTS_LIST_MAX - 1);
    cr_assert_eq (s_count (store, "a", 0, ALERTS_LIST_MAX), ALERTS_LIST_MAX);
    cr_assert_eq (s_count (store, "a", 0, ALERTS_LIST_MAX + 1), ALERTS_LIST_MAX, "capped");
    cr_assert_eq (s_count (store, "a", 0, 0), ALERTS_LIST_MAX, "0 means the limit");
    cr_assert_eq (s_count (store, "a", ALERTS_LIST_MAX, 0), 1, "the next page");
    cr_assert_eq (s_count (store, "a", ALERTS_LIST_MAX + 1, 0), 0, "after the last");
    cr_assert_eq (s_count (store, "a", UINT64_MAX, 0), 0);
    notification_store_destroy (&store);
    notification_store_destroy (&store);  // safe twice
    test_rmdir (dir);
    free (dir);
    free (path);
}

Test (notification_store, a_rollback_leaves_no_alert_and_no_seq)
{
    char *dir = test_tmpdir ();
    char *path = test_path (dir, "notification.db");
    notification_store_t *store = s_open (path);
    cr_assert_eq (notification_store_begin (store), 0);
    s_alert (store, "a", "kept");
    cr_assert_eq (notification_store_set_meta (store, NOTIFICATION_META_ASSESSMENT_SEQ, 1), 0);
    cr_assert_eq (notification_store_commit (store), 0);
    cr_assert_eq (notification_store_begin (store), 0);
    s_alert (store, "a", "rolled back");
    s_alert (store, "b", "rolled back");
    cr_assert_eq (notification_store_set_meta (store, NOTIFICATION_META_ASSESSMENT_SEQ, 2), 0);
    notification_store_rollback (store);
    cr_assert_eq (outbox_head (notification_store_outbox (store)), 1);
    cr_assert_eq (notification_store_meta (store, NOTIFICATION_META_ASSESSMENT_SEQ, 0), 1);
    cr_assert_eq (s_count (store, "a", 0, 0), 1);
    cr_assert_eq (s_count (store, "b", 0, 0), 0);
    // The next alert takes the seq the rolled back one had: ids stay without gaps.
    cr_assert_eq (notification_store_begin (store), 0);
    s_alert (store, "b", "after");
    cr_assert_eq (notification_store_set_meta (store, NOTIFICATION_META_REGISTRY_SEQ, 7), 0);
    cr_assert_eq (notification_store_commit (store), 0);
    notification_store_destroy (&store);

    store = s_open (path);
    Shanhai__V1__AlertList *list = notification_store_alerts (store, "b", 0, 0);
    cr_assert_eq (list->n_alerts, 1);
    cr_assert_eq (list->alerts[0]->id, 2);
    cr_assert_str_eq (list->alerts[0]->text, "after");
    shanhai__v1__alert_list__free_unpacked (list, NULL);
    cr_assert_eq (notification_store_meta (store, NOTIFICATION_META_REGISTRY_SEQ, 0), 7);
    cr_assert_eq (notification_store_meta (store, "never-set", -5), -5);
    notification_store_destroy (&store);
    test_rmdir (dir);
    free (dir);
    free (path);
}
