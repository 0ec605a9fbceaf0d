/*  The assessment's file, a real SQLite file in a temporary directory: the parts and last
    status of each aggregate, the evidence and what a reversal cancels of it, the money
    bookkeeping, the packs as run, and the reset that lets the ledger's Replay rebuild it all
    (by hand, or on opening a file of the year-only layout). */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include "assessment_store.h"
#include "support.h"

#define NONE SHANHAI__V1__COMPLIANCE_STATUS__COMPLIANCE_NONE
#define MET SHANHAI__V1__COMPLIANCE_STATUS__MET
#define AT_RISK SHANHAI__V1__COMPLIANCE_STATUS__AT_RISK

static char *s_dir;
static char *s_file;

static void
s_setup (void)
{
    s_dir = test_tmpdir ();
    s_file = test_path (s_dir, "assessment.db");
}

static void
s_teardown (void)
{
    test_rmdir (s_dir);
    free (s_dir);
    free (s_file);
}

TestSuite (assessment_store, .init = s_setup, .fini = s_teardown);

// Opens the suite's file, on a fresh port: ZeroMQ releases a port after close in its own time.
static assessment_store_t *
s_open (void)
{
    char pub[64], errstr[256] = "";
    test_free_endpoint (pub, sizeof pub);
    assessment_store_t *store = assessment_store_new (s_file, pub, errstr, sizeof errstr);
    cr_assert (store, "%s", errstr);
    return store;
}

// A ledger event's entry of evidence.
static Shanhai__V1__Contribution
s_entry (uint64_t seq, const char *id, int64_t value)
{
    Shanhai__V1__Contribution entry = SHANHAI__V1__CONTRIBUTION__INIT;
    entry.seq = seq;
    entry.id = (char *) id;
    entry.kind = "aid-funds";
    entry.date = "2024-03-05";
    entry.value = value;
    return entry;
}

static const char *s_part_names[ENGINE_PARTS] = { "actual", "total", "science", "health" };

Test (assessment_store, parts_are_added_set_and_made_absent)
{
    assessment_store_t *store = s_open ();
    engine_parts_t parts;
    cr_assert_eq (assessment_store_parts (store, "r", "p", "2024", &parts), 0);
    for (int part = 0; part < ENGINE_PARTS; part++)
        cr_assert_not (parts.present[part], "part %d of nothing", part);
    cr_assert_eq (assessment_store_begin (store), 0);
    cr_assert_eq (assessment_store_add_part (store, "r", "p", "2024", ENGINE_PART_N, 5), 0);
    cr_assert_eq (assessment_store_add_part (store, "r", "p", "2024", ENGINE_PART_N, -2), 0);
    int64_t base = 7;
    cr_assert_eq (assessment_store_set_part (store, "r", "p", "2024", ENGINE_PART_D, &base), 0);
    base = 9;
    cr_assert_eq (assessment_store_set_part (store, "r", "p", "2024", ENGINE_PART_D, &base), 0);
    cr_assert_eq (assessment_store_add_part (store, "r", "p", "2024", ENGINE_PART_EACH + 3, 1),
                  0);
    cr_assert_eq (assessment_store_add_part (store, "r", "p", "2024-Q1", ENGINE_PART_N, 100), 0);
    cr_assert_eq (assessment_store_add_part (store, "r", "q", "2024", ENGINE_PART_N, 200), 0);
    cr_assert_eq (assessment_store_commit (store), 0);

    cr_assert_eq (assessment_store_parts (store, "r", "p", "2024", &parts), 0);
    cr_assert (parts.present[ENGINE_PART_N]);
    cr_assert_eq (parts.value[ENGINE_PART_N], 3, "5 then -2");
    cr_assert (parts.present[ENGINE_PART_D]);
    cr_assert_eq (parts.value[ENGINE_PART_D], 9, "set, not added");
    cr_assert (parts.present[ENGINE_PART_EACH + 3]);
    cr_assert_eq (parts.value[ENGINE_PART_EACH + 3], 1);
    cr_assert_not (parts.present[ENGINE_PART_EACH]);
    cr_assert_eq (assessment_store_parts (store, "r", "p", "2024-Q1", &parts), 0);
    cr_assert_eq (parts.value[ENGINE_PART_N], 100, "another period is another aggregate");
    cr_assert_not (parts.present[ENGINE_PART_D]);

    // A part added down to 0 is present; a part set to nothing is absent.
    cr_assert_eq (assessment_store_begin (store), 0);
    cr_assert_eq (assessment_store_add_part (store, "r", "q", "2024", ENGINE_PART_N, -200), 0);
    cr_assert_eq (assessment_store_set_part (store, "r", "p", "2024", ENGINE_PART_D, NULL), 0);
    cr_assert_eq (assessment_store_commit (store), 0);
    cr_assert_eq (assessment_store_parts (store, "r", "q", "2024", &parts), 0);
    cr_assert (parts.present[ENGINE_PART_N]);
    cr_assert_eq (parts.value[ENGINE_PART_N], 0);
    cr_assert_eq (assessment_store_parts (store, "r", "p", "2024", &parts), 0);
    cr_assert_not (parts.present[ENGINE_PART_D]);
    cr_assert_eq (parts.value[ENGINE_PART_D], 0);
    cr_assert_eq (parts.value[ENGINE_PART_N], 3, "the other parts stay");

    // A rolled-back write leaves nothing; a committed one survives a reopen.
    cr_assert_eq (assessment_store_begin (store), 0);
    cr_assert_eq (assessment_store_add_part (store, "r", "p", "2024", ENGINE_PART_N, 1000), 0);
    assessment_store_rollback (store);
    assessment_store_destroy (&store);
    store = s_open ();
    cr_assert_eq (assessment_store_parts (store, "r", "p", "2024", &parts), 0);
    cr_assert_eq (parts.value[ENGINE_PART_N], 3);
    cr_assert_eq (parts.value[ENGINE_PART_EACH + 3], 1);
    assessment_store_destroy (&store);
    assessment_store_destroy (&store);
}

Test (assessment_store, a_verdict_is_the_last_put)
{
    assessment_store_t *store = s_open ();
    Shanhai__V1__ComplianceStatus status = MET;
    cr_assert_eq (assessment_store_verdict (store, "r", "p", "2024", &status), 1);
    cr_assert_eq (status, NONE);
    cr_assert_eq (assessment_store_begin (store), 0);
    cr_assert_eq (assessment_store_put_verdict (store, "r", "p", "2024", AT_RISK), 0);
    cr_assert_eq (assessment_store_commit (store), 0);
    cr_assert_eq (assessment_store_verdict (store, "r", "p", "2024", &status), 0);
    cr_assert_eq (status, AT_RISK);
    cr_assert_eq (assessment_store_begin (store), 0);
    cr_assert_eq (assessment_store_put_verdict (store, "r", "p", "2024", MET), 0);
    cr_assert_eq (assessment_store_commit (store), 0);
    cr_assert_eq (assessment_store_verdict (store, "r", "p", "2024", &status), 0);
    cr_assert_eq (status, MET);
    cr_assert_eq (assessment_store_verdict (store, "r", "p", "2025", &status), 1,
                  "another period");
    cr_assert_eq (status, NONE);
    assessment_store_destroy (&store);
}

Test (assessment_store, evidence_is_kept_once_and_cancelled_by_a_reversal)
{
    assessment_store_t *store = s_open ();
    cr_assert_eq (assessment_store_begin (store), 0);
    Shanhai__V1__Contribution first = s_entry (11, "e1", 500);
    Shanhai__V1__Contribution again = s_entry (11, "e1", 999);
    Shanhai__V1__Contribution second = s_entry (12, "e2", 300);
    cr_assert_eq (assessment_store_contribute (store, "r", "p", "2024", ENGINE_PART_N, &first),
                  0);
    cr_assert_eq (assessment_store_contribute (store, "r", "p", "2024", ENGINE_PART_N, &again),
                  0, "a replay of the same seq");
    // One event adds to two parts (a share's total and part), and to another rule's.
    cr_assert_eq (assessment_store_contribute (store, "r", "p", "2024", ENGINE_PART_D, &first),
                  0);
    cr_assert_eq (assessment_store_contribute (store, "other", "p", "2024", ENGINE_PART_N,
                                               &first), 0);
    cr_assert_eq (assessment_store_contribute (store, "r", "p", "2024", ENGINE_PART_EACH + 1,
                                               &second), 0);
    cr_assert_eq (assessment_store_commit (store), 0);

    Shanhai__V1__Explanation explanation = SHANHAI__V1__EXPLANATION__INIT;
    cr_assert_eq (assessment_store_contributions (store, "r", "p", "2024", s_part_names,
                                                  &explanation), 0);
    cr_assert_eq (explanation.entries_total, 3, "seq 11 once per part, and seq 12");
    cr_assert_eq (explanation.n_entries, 3);
    cr_assert_eq (explanation.entries[0]->seq, 11);
    cr_assert_eq (explanation.entries[0]->value, 500, "the first kept");
    cr_assert_str_eq (explanation.entries[0]->part, "actual");
    cr_assert_str_eq (explanation.entries[1]->part, "total");
    cr_assert_eq (explanation.entries[2]->seq, 12);
    cr_assert_str_eq (explanation.entries[2]->id, "e2");
    cr_assert_str_eq (explanation.entries[2]->kind, "aid-funds");
    cr_assert_str_eq (explanation.entries[2]->date, "2024-03-05");
    cr_assert_eq (explanation.entries[2]->value, 300);
    cr_assert_str_eq (explanation.entries[2]->part, "health");
    for (size_t index = 0; index < explanation.n_entries; index++)
        cr_assert_not (explanation.entries[index]->cancelled);
    assessment_store_contributions_free (&explanation);
    cr_assert_null (explanation.entries);

    // The reversal of e1: what it counted, in every aggregate, for the caller to take back.
    // Taken back two at a time, the bound: what was not returned stays counted, uncancelled,
    // and the next call returns it.
    assessment_store_cancelled_t cancelled[8];
    cr_assert_eq (assessment_store_begin (store), 0);
    cr_assert_eq (assessment_store_cancel (store, "e1", cancelled, 2), 2);
    cr_assert_eq (assessment_store_cancel (store, "e1", cancelled + 2, 2), 1);
    cr_assert_eq (assessment_store_commit (store), 0);
    int seen = 0;  // a bit per (rule, part): r's actual and total, other's actual
    for (int index = 0; index < 3; index++) {
        cr_assert_str_eq (cancelled[index].subject, "p");
        cr_assert_str_eq (cancelled[index].period, "2024");
        cr_assert_eq (cancelled[index].value, 500);
        bool other = strcmp (cancelled[index].rule, "other") == 0;
        cr_assert (other || strcmp (cancelled[index].rule, "r") == 0, "%s",
                   cancelled[index].rule);
        seen |= 1 << (cancelled[index].part + (other ? 4 : 0));
    }
    cr_assert_eq (seen, (1 << ENGINE_PART_N) | (1 << ENGINE_PART_D) | (1 << (ENGINE_PART_N + 4)));
    cr_assert_eq (assessment_store_cancel (store, "e1", cancelled, 8), 0,
                  "a second reversal takes nothing back");
    cr_assert_eq (assessment_store_cancel (store, "e9", cancelled, 8), 0, "nothing of e9");

    explanation = (Shanhai__V1__Explanation) SHANHAI__V1__EXPLANATION__INIT;
    cr_assert_eq (assessment_store_contributions (store, "r", "p", "2024", s_part_names,
                                                  &explanation), 0);
    cr_assert_eq (explanation.entries_total, 3, "explain still shows it");
    cr_assert (explanation.entries[0]->cancelled);
    cr_assert (explanation.entries[1]->cancelled);
    cr_assert_not (explanation.entries[2]->cancelled, "e2 stands");
    assessment_store_contributions_free (&explanation);
    assessment_store_destroy (&store);
}

Test (assessment_store, the_latest_entry_skips_the_cancelled)
{
    assessment_store_t *store = s_open ();
    int64_t value = -1;
    cr_assert_eq (assessment_store_latest (store, "r", "hb-zhuxi", "2024", ENGINE_PART_N, &value),
                  1, "no report");
    cr_assert_eq (assessment_store_begin (store), 0);
    Shanhai__V1__Contribution march = s_entry (20, "i-march", 680);
    Shanhai__V1__Contribution april = s_entry (25, "i-april", 710);
    Shanhai__V1__Contribution base = s_entry (30, "i-base", 650);
    cr_assert_eq (assessment_store_contribute (store, "r", "hb-zhuxi", "2024", ENGINE_PART_N,
                                               &march), 0);
    cr_assert_eq (assessment_store_contribute (store, "r", "hb-zhuxi", "2024", ENGINE_PART_N,
                                               &april), 0);
    cr_assert_eq (assessment_store_contribute (store, "r", "hb-zhuxi", "2024", ENGINE_PART_D,
                                               &base), 0);
    cr_assert_eq (assessment_store_commit (store), 0);
    cr_assert_eq (assessment_store_latest (store, "r", "hb-zhuxi", "2024", ENGINE_PART_N, &value),
                  0);
    cr_assert_eq (value, 710, "by seq, of its own part");
    assessment_store_cancelled_t cancelled[4];
    cr_assert_eq (assessment_store_cancel (store, "i-april", cancelled, 4), 1);
    cr_assert_eq (assessment_store_latest (store, "r", "hb-zhuxi", "2024", ENGINE_PART_N, &value),
                  0);
    cr_assert_eq (value, 680, "the report before the reversed one");
    cr_assert_eq (assessment_store_cancel (store, "i-march", cancelled, 4), 1);
    cr_assert_eq (assessment_store_latest (store, "r", "hb-zhuxi", "2024", ENGINE_PART_N, &value),
                  1, "every report reversed");
    cr_assert_eq (assessment_store_latest (store, "r", "hb-zhuxi", "2024", ENGINE_PART_D, &value),
                  0);
    cr_assert_eq (value, 650);
    assessment_store_destroy (&store);
}

Test (assessment_store, what_is_pending_of_a_disbursement)
{
    assessment_store_t *store = s_open ();
    int64_t pending = -1;
    cr_assert_eq (assessment_store_pending (store, "f1", &pending), 0);
    cr_assert_eq (pending, 0, "unknown");
    cr_assert_eq (assessment_store_begin (store), 0);
    cr_assert_eq (assessment_store_disbursed (store, "f1", 1000), 0);
    cr_assert_eq (assessment_store_disbursed (store, "f1", 999), 0, "a replay changes nothing");
    cr_assert_eq (assessment_store_commit (store), 0);
    cr_assert_eq (assessment_store_pending (store, "f1", &pending), 0);
    cr_assert_eq (pending, 1000);
    cr_assert_eq (assessment_store_received (store, "r1", "f1", 300), 0);
    cr_assert_eq (assessment_store_received (store, "r1", "f1", 300), 0, "a replay");
    cr_assert_eq (assessment_store_received (store, "r2", "f1", 200), 0);
    cr_assert_eq (assessment_store_pending (store, "f1", &pending), 0);
    cr_assert_eq (pending, 500, "1000 less 300 and 200, the replay once");
    cr_assert_eq (assessment_store_receipt_reversed (store, "r1"), 0);
    cr_assert_eq (assessment_store_pending (store, "f1", &pending), 0);
    cr_assert_eq (pending, 800, "a reversed receipt confirms nothing");
    cr_assert_eq (assessment_store_receipt_reversed (store, "r1"), 0, "twice");
    cr_assert_eq (assessment_store_pending (store, "f1", &pending), 0);
    cr_assert_eq (pending, 800);
    cr_assert_eq (assessment_store_received (store, "r2", "f1", 200), 0, "r2 again");
    cr_assert_eq (assessment_store_pending (store, "f1", &pending), 0);
    cr_assert_eq (pending, 800);
    cr_assert_eq (assessment_store_received (store, "r3", "f9", 50), 0, "of an unknown one");
    cr_assert_eq (assessment_store_pending (store, "f9", &pending), 0);
    cr_assert_eq (pending, 0);
    assessment_store_destroy (&store);
}

Test (assessment_store, a_pack_version_is_kept_once)
{
    assessment_store_t *store = s_open ();
    bool conflict = true;
    char *text = NULL;
    cr_assert_eq (assessment_store_pack_text (store, "hb", 1, &text), 1);
    cr_assert_null (text);
    cr_assert_eq (assessment_store_pack_keep (store, "hb", 1, "{\"version\": 1}", &conflict), 0);
    cr_assert_not (conflict);
    cr_assert_eq (assessment_store_pack_keep (store, "hb", 1, "{\"version\": 1}", &conflict), 0,
                  "the same text again");
    cr_assert_not (conflict);
    cr_assert_eq (assessment_store_pack_keep (store, "hb", 1, "{\"version\": 1, \"x\": 2}",
                                              &conflict), -1);
    cr_assert (conflict, "another text under a version already kept");
    cr_assert_eq (assessment_store_pack_keep (store, "hb", 2, "{\"version\": 2}", &conflict), 0);
    cr_assert_not (conflict);
    cr_assert_eq (assessment_store_pack_keep (store, "fj", 1, "{\"fj\": 1}", &conflict), 0);
    cr_assert_eq (assessment_store_pack_text (store, "hb", 1, &text), 0);
    cr_assert_str_eq (text, "{\"version\": 1}", "the first text stays");
    free (text);
    cr_assert_eq (assessment_store_pack_text (store, "hb", 2, &text), 0);
    cr_assert_str_eq (text, "{\"version\": 2}");
    free (text);
    cr_assert_eq (assessment_store_pack_text (store, "hb", 3, &text), 1);
    assessment_store_destroy (&store);
}

// Fills every derived table with one row of aggregate (rule r, subject p, 2024).
static void
s_fill (assessment_store_t *store)
{
    cr_assert_eq (assessment_store_begin (store), 0);
    Shanhai__V1__Contribution entry = s_entry (41, "e41", 500);
    cr_assert_eq (assessment_store_add_part (store, "r", "p", "2024", ENGINE_PART_N, 500), 0);
    cr_assert_eq (assessment_store_put_verdict (store, "r", "p", "2024", AT_RISK), 0);
    cr_assert_eq (assessment_store_contribute (store, "r", "p", "2024", ENGINE_PART_N, &entry),
                  0);
    cr_assert_eq (assessment_store_disbursed (store, "f1", 1000), 0);
    cr_assert_eq (assessment_store_received (store, "r1", "f1", 300), 0);
    cr_assert_eq (assessment_store_commit (store), 0);
}

// Whether every derived table is empty.
static void
s_expect_empty (assessment_store_t *store)
{
    engine_parts_t parts;
    cr_assert_eq (assessment_store_parts (store, "r", "p", "2024", &parts), 0);
    cr_assert_not (parts.present[ENGINE_PART_N], "parts");
    Shanhai__V1__ComplianceStatus status;
    cr_assert_eq (assessment_store_verdict (store, "r", "p", "2024", &status), 1, "verdicts");
    Shanhai__V1__Explanation explanation = SHANHAI__V1__EXPLANATION__INIT;
    cr_assert_eq (assessment_store_contributions (store, "r", "p", "2024", s_part_names,
                                                  &explanation), 0);
    cr_assert_eq (explanation.entries_total, 0, "evidence");
    assessment_store_contributions_free (&explanation);
    int64_t pending = -1;
    cr_assert_eq (assessment_store_pending (store, "f1", &pending), 0);
    cr_assert_eq (pending, 0, "disbursements");
    // The receipt is gone too: received again, it confirms a new disbursement's 300.
    cr_assert_eq (assessment_store_disbursed (store, "f1", 1000), 0);
    cr_assert_eq (assessment_store_received (store, "r1", "f1", 300), 0);
    cr_assert_eq (assessment_store_pending (store, "f1", &pending), 0);
    cr_assert_eq (pending, 700, "receipts");
}

Test (assessment_store, a_reset_drops_what_the_ledger_rebuilds_and_is_quiet_until_it_has)
{
    assessment_store_t *store = s_open ();
    s_fill (store);
    bool conflict;
    cr_assert_eq (assessment_store_pack_keep (store, "hb", 1, "{}", &conflict), 0);
    cr_assert_eq (assessment_store_begin (store), 0);
    Shanhai__V1__RuleStatus rule = SHANHAI__V1__RULE_STATUS__INIT;
    Shanhai__V1__ComplianceChange change = SHANHAI__V1__COMPLIANCE_CHANGE__INIT;
    change.rule = &rule;
    cr_assert_eq (assessment_store_change (store, &change), 1);
    cr_assert_eq (assessment_store_set_meta (store, ASSESSMENT_META_LEDGER_SEQ, 42), 0);
    cr_assert_eq (assessment_store_set_meta (store, ASSESSMENT_META_CLOCK, 19800), 0);
    cr_assert_eq (assessment_store_set_meta (store, ASSESSMENT_META_REGISTRY_SEQ, 7), 0);
    cr_assert_eq (assessment_store_commit (store), 0);

    cr_assert_eq (assessment_store_reset (store), 0);
    cr_assert_eq (assessment_store_meta (store, ASSESSMENT_META_LEDGER_SEQ, -1), 0,
                  "the ledger is applied again from the start");
    cr_assert_eq (assessment_store_meta (store, ASSESSMENT_META_QUIET_UNTIL, -1), 42,
                  "quiet until the seq it had applied");
    cr_assert_eq (assessment_store_meta (store, ASSESSMENT_META_CLOCK, -1), 19800, "kept");
    cr_assert_eq (assessment_store_meta (store, ASSESSMENT_META_REGISTRY_SEQ, -1), 7, "kept");
    cr_assert_eq (outbox_head (assessment_store_outbox (store)), 1, "what was published stays");
    char *text = NULL;
    cr_assert_eq (assessment_store_pack_text (store, "hb", 1, &text), 0, "packs as run stay");
    free (text);
    s_expect_empty (store);

    // A reset before the replay caught up keeps the higher mark; a later one raises it.
    cr_assert_eq (assessment_store_set_meta (store, ASSESSMENT_META_LEDGER_SEQ, 10), 0);
    cr_assert_eq (assessment_store_reset (store), 0);
    cr_assert_eq (assessment_store_meta (store, ASSESSMENT_META_QUIET_UNTIL, -1), 42);
    cr_assert_eq (assessment_store_set_meta (store, ASSESSMENT_META_LEDGER_SEQ, 50), 0);
    cr_assert_eq (assessment_store_reset (store), 0);
    cr_assert_eq (assessment_store_meta (store, ASSESSMENT_META_QUIET_UNTIL, -1), 50);
    cr_assert_eq (assessment_store_meta (store, ASSESSMENT_META_LEDGER_SEQ, -1), 0);
    assessment_store_destroy (&store);
}

static bool
s_table_exists (sqlite3 *db, const char *table)
{
    sqlite3_stmt *statement = NULL;
    cr_assert_eq (sqlite3_prepare_v2 (db, "SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                      "AND name = ?", -1, &statement, NULL), SQLITE_OK);
    sqlite3_bind_text (statement, 1, table, -1, SQLITE_STATIC);
    bool exists = sqlite3_step (statement) == SQLITE_ROW;
    sqlite3_finalize (statement);
    return exists;
}

Test (assessment_store, a_file_of_the_year_only_layout_is_reset_on_open)
{
    // What the assessment wrote before scopes and periods: aggregates by (rule, pairing, year).
    sqlite3 *db = NULL;
    cr_assert_eq (sqlite3_open (s_file, &db), SQLITE_OK);
    cr_assert_eq (sqlite3_exec (db,
                                "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
                                "INSERT INTO meta VALUES ('ledger_seq', 57), ('clock_day', 19800);"
                                "CREATE TABLE aggregates (rule TEXT NOT NULL, pairing TEXT NOT "
                                "NULL, year INTEGER NOT NULL, actual INTEGER NOT NULL, status "
                                "INTEGER NOT NULL, PRIMARY KEY (rule, pairing, year)) WITHOUT "
                                "ROWID;"
                                "INSERT INTO aggregates VALUES ('hb-aid-funds', 'ls-01', 2024, "
                                "500, 3);"
                                "CREATE TABLE contributions (rule TEXT NOT NULL, pairing TEXT NOT "
                                "NULL, year INTEGER NOT NULL, seq INTEGER NOT NULL, id TEXT NOT "
                                "NULL, kind TEXT NOT NULL, date TEXT NOT NULL, value INTEGER NOT "
                                "NULL, cancelled INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (rule, "
                                "pairing, year, seq)) WITHOUT ROWID;"
                                "INSERT INTO contributions VALUES ('hb-aid-funds', 'ls-01', 2024, "
                                "3, 'e3', 'aid-funds', '2024-03-05', 500, 0);",
                                NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg (db));
    cr_assert_eq (sqlite3_close (db), SQLITE_OK);

    assessment_store_t *store = s_open ();
    db = assessment_store_db (store);
    cr_assert_not (s_table_exists (db, "aggregates"), "the old aggregates are dropped");
    cr_assert_not (s_table_exists (db, "contributions"));
    cr_assert (s_table_exists (db, "parts"));
    cr_assert (s_table_exists (db, "evidence"));
    cr_assert_eq (assessment_store_meta (store, ASSESSMENT_META_LEDGER_SEQ, -1), 0,
                  "rebuilt from the ledger's first event");
    cr_assert_eq (assessment_store_meta (store, ASSESSMENT_META_QUIET_UNTIL, -1), 57,
                  "without publishing again what it had published");
    cr_assert_eq (assessment_store_meta (store, ASSESSMENT_META_CLOCK, -1), 19800);
    // Rebuilt, it is of the new layout: a reopen resets nothing.
    cr_assert_eq (assessment_store_begin (store), 0);
    cr_assert_eq (assessment_store_add_part (store, "hb-aid-funds", "ls-01", "2024",
                                             ENGINE_PART_N, 500), 0);
    cr_assert_eq (assessment_store_set_meta (store, ASSESSMENT_META_LEDGER_SEQ, 3), 0);
    cr_assert_eq (assessment_store_commit (store), 0);
    assessment_store_destroy (&store);
    store = s_open ();
    cr_assert_eq (assessment_store_meta (store, ASSESSMENT_META_LEDGER_SEQ, -1), 3);
    engine_parts_t parts;
    cr_assert_eq (assessment_store_parts (store, "hb-aid-funds", "ls-01", "2024", &parts), 0);
    cr_assert_eq (parts.value[ENGINE_PART_N], 500);
    assessment_store_destroy (&store);
}
