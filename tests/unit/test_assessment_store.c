/*  The assessment's file: aggregates and bookkeeping survive a reopen; changes are events. */
#include <criterion/criterion.h>
#include "assessment_store.h"
#include "support.h"

Test (assessment_store, aggregates_persist)
{
    char *dir = test_tmpdir ();
    char *path = test_path (dir, "assessment.db");
    char pub[64], errstr[256] = "";
    test_free_endpoint (pub, sizeof pub);
    assessment_store_t *store = assessment_store_new (path, pub, errstr, sizeof errstr);
    cr_assert (store, "%s", errstr);
    int64_t actual = 7;
    Shanhai__V1__ComplianceStatus status = SHANHAI__V1__COMPLIANCE_STATUS__MET;
    cr_assert_eq (assessment_store_get (store, "r", "p", 2021, &actual, &status), 1);
    cr_assert_eq (actual, 0);
    cr_assert_eq (status, SHANHAI__V1__COMPLIANCE_STATUS__COMPLIANCE_NONE);
    cr_assert_eq (assessment_store_begin (store), 0);
    cr_assert_eq (assessment_store_put (store, "r", "p", 2021, 100,
                                        SHANHAI__V1__COMPLIANCE_STATUS__AT_RISK), 0);
    Shanhai__V1__RuleStatus rule = SHANHAI__V1__RULE_STATUS__INIT;
    Shanhai__V1__ComplianceChange change = SHANHAI__V1__COMPLIANCE_CHANGE__INIT;
    change.rule = &rule;
    cr_assert_eq (assessment_store_change (store, &change), 1);
    cr_assert_eq (assessment_store_set_meta (store, "ledger_seq", 12), 0);
    cr_assert_eq (assessment_store_commit (store), 0);
    // A rolled-back change leaves nothing.
    assessment_store_begin (store);
    assessment_store_put (store, "r", "p", 2021, 999, SHANHAI__V1__COMPLIANCE_STATUS__MET);
    assessment_store_rollback (store);
    assessment_store_destroy (&store);

    // ZeroMQ releases a port after close in its own time: the reopen takes a fresh one.
    test_free_endpoint (pub, sizeof pub);
    store = assessment_store_new (path, pub, errstr, sizeof errstr);
    cr_assert (store, "%s", errstr);
    cr_assert_eq (assessment_store_get (store, "r", "p", 2021, &actual, &status), 0);
    cr_assert_eq (actual, 100);
    cr_assert_eq (status, SHANHAI__V1__COMPLIANCE_STATUS__AT_RISK);
    cr_assert_eq (assessment_store_get (store, "r", "p", 2022, &actual, &status), 1);
    cr_assert_eq (assessment_store_meta (store, "ledger_seq", 0), 12);
    cr_assert_eq (assessment_store_meta (store, "clock_day", -1), -1);
    cr_assert_eq (outbox_head (assessment_store_outbox (store)), 1);
    assessment_store_destroy (&store);
    test_rmdir (dir);
    free (dir);
    free (path);
}
