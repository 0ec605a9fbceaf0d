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
    cr_assert_eq (notification_store_set_meta (store, "assessment_seq", 5), 0);
    cr_assert_eq (notification_store_commit (store), 0);
    notification_store_destroy (&store);

    // ZeroMQ releases a port after close in its own time: the reopen takes a fresh one.
    test_free_endpoint (pub, sizeof pub);
    store = notification_store_new (path, pub, errstr, sizeof errstr);
    cr_assert (store, "%s", errstr);
    cr_assert_eq (notification_store_meta (store, "assessment_seq", 0), 5);
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
