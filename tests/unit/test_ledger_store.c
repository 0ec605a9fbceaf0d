/*  The ledger's file: append, find, and everything still there after a reopen. */
#include <criterion/criterion.h>
#include "common/store.h"
#include <stdio.h>
#include <string.h>
#include "ledger_store.h"
#include "support.h"

static char *s_dir;
static char *s_path;
static char s_pub[64];

static void
s_setup (void)
{
    s_dir = test_tmpdir ();
    s_path = test_path (s_dir, "ledger.db");
    test_free_endpoint (s_pub, sizeof s_pub);
}

static void
s_teardown (void)
{
    test_rmdir (s_dir);
    free (s_dir);
    free (s_path);
}

TestSuite (ledger_store, .init = s_setup, .fini = s_teardown);

// ZeroMQ releases a port after close in its own time: every open takes a fresh one.
static ledger_store_t *
s_open (void)
{
    test_free_endpoint (s_pub, sizeof s_pub);
    char errstr[256] = "";
    ledger_store_t *store = ledger_store_new (s_path, s_pub, errstr, sizeof errstr);
    cr_assert (store, "%s", errstr);
    return store;
}

static void
s_event (Shanhai__V1__LedgerEvent *event, const char *id, int64_t amount_fen)
{
    shanhai__v1__ledger_event__init (event);
    event->id = (char *) id;
    event->kind = "aid-funds";
    event->pairing = "hb-01";
    event->program = "hb-shanchuan";
    event->from_region = "s";
    event->to_region = "r";
    event->amount_fen = amount_fen;
    event->date = "2021-06-30";
    event->memo = "第一笔";
}

Test (ledger_store, appends_in_one_transaction_and_survives_a_reopen)
{
    ledger_store_t *store = s_open ();
    Shanhai__V1__LedgerEvent first, second;
    s_event (&first, "e1", 100);
    s_event (&second, "e2", 200);
    cr_assert_eq (ledger_store_begin (store), 0);
    cr_assert_eq (ledger_store_append (store, &first), 0);
    cr_assert_eq (ledger_store_append (store, &second), 0);
    cr_assert_eq (ledger_store_commit (store), 0);
    cr_assert_eq (first.seq, 1);
    cr_assert_eq (second.seq, 2);
    cr_assert_gt (first.recorded_at_ms, 0);
    cr_assert_eq (outbox_head (ledger_store_outbox (store)), 2, "one event, one outbox row");
    ledger_store_destroy (&store);
    ledger_store_destroy (&store);

    store = s_open ();
    bool failed;
    Shanhai__V1__LedgerEvent *found = ledger_store_find (store, "e2", &failed);
    cr_assert (found);
    cr_assert_not (failed);
    cr_assert_eq (found->seq, 2);
    cr_assert_eq (found->amount_fen, 200);
    cr_assert_str_eq (found->memo, "第一笔");
    cr_assert_str_eq (found->program, "hb-shanchuan");
    shanhai__v1__ledger_event__free_unpacked (found, NULL);
    cr_assert_null (ledger_store_find (store, "e3", &failed));
    cr_assert_not (failed);
    ledger_store_destroy (&store);
}

Test (ledger_store, a_rolled_back_batch_leaves_nothing)
{
    ledger_store_t *store = s_open ();
    Shanhai__V1__LedgerEvent event;
    s_event (&event, "e1", 100);
    ledger_store_begin (store);
    cr_assert_eq (ledger_store_append (store, &event), 0);
    ledger_store_rollback (store);
    bool failed;
    cr_assert_null (ledger_store_find (store, "e1", &failed));
    cr_assert_eq (outbox_head (ledger_store_outbox (store)), 0);
    s_event (&event, "e2", 100);
    cr_assert_eq (ledger_store_begin (store), 0);
    cr_assert_eq (ledger_store_append (store, &event), 0);
    cr_assert_eq (ledger_store_commit (store), 0);
    cr_assert_eq (event.seq, 1, "the next seq follows what is on disk");
    ledger_store_destroy (&store);
}

Test (ledger_store, a_second_event_with_the_same_id_is_refused_by_the_file)
{
    ledger_store_t *store = s_open ();
    Shanhai__V1__LedgerEvent event;
    s_event (&event, "e1", 100);
    ledger_store_begin (store);
    ledger_store_append (store, &event);
    ledger_store_commit (store);
    s_event (&event, "e1", 100);
    ledger_store_begin (store);
    cr_assert_eq (ledger_store_append (store, &event), -1, "UNIQUE (id) holds");
    ledger_store_rollback (store);
    ledger_store_destroy (&store);
}

// Records one event in a transaction of its own; returns what the store did.
static ledger_store_result_t
s_record (ledger_store_t *store, Shanhai__V1__LedgerEvent *event,
          Shanhai__V1__LedgerEvent **first, const char **field)
{
    cr_assert_eq (ledger_store_begin (store), 0);
    ledger_store_result_t result = ledger_store_record (store, event, first, field);
    cr_assert_eq (ledger_store_commit (store), 0);
    return result;
}

Test (ledger_store, the_same_id_again_is_a_duplicate_or_a_conflict)
{
    ledger_store_t *store = s_open ();
    Shanhai__V1__LedgerEvent event;
    Shanhai__V1__LedgerEvent *first;
    const char *field;
    s_event (&event, "e1", 100);
    cr_assert_eq (s_record (store, &event, &first, &field), LEDGER_STORE_APPENDED);
    cr_assert_null (first);
    cr_assert_null (field);
    uint64_t seq = event.seq;
    int64_t recorded_at_ms = event.recorded_at_ms;

    s_event (&event, "e1", 100);
    event.program = "";  // what the ledger fills in is not compared
    cr_assert_eq (s_record (store, &event, &first, &field), LEDGER_STORE_DUPLICATE);
    cr_assert (first);
    cr_assert_null (field);
    cr_assert_eq (first->seq, seq, "the first event, as stored");
    cr_assert_eq (first->recorded_at_ms, recorded_at_ms);
    cr_assert_str_eq (first->program, "hb-shanchuan");
    shanhai__v1__ledger_event__free_unpacked (first, NULL);

    s_event (&event, "e1", 101);
    cr_assert_eq (s_record (store, &event, &first, &field), LEDGER_STORE_CONFLICT);
    cr_assert_str_eq (field, "amount_fen");
    cr_assert_eq (first->amount_fen, 100);
    shanhai__v1__ledger_event__free_unpacked (first, NULL);
    s_event (&event, "e1", 100);
    event.memo = "另一笔";
    cr_assert_eq (s_record (store, &event, &first, &field), LEDGER_STORE_CONFLICT);
    cr_assert_str_eq (field, "memo");
    shanhai__v1__ledger_event__free_unpacked (first, NULL);
    cr_assert_eq (outbox_head (ledger_store_outbox (store)), 1, "nothing more was written");
    ledger_store_destroy (&store);
}

Test (ledger_store, a_batch_sees_its_own_appends)
{
    ledger_store_t *store = s_open ();
    Shanhai__V1__LedgerEvent one, again, other;
    Shanhai__V1__LedgerEvent *first;
    const char *field;
    s_event (&one, "e1", 100);
    s_event (&again, "e1", 100);
    s_event (&other, "e1", 5);
    cr_assert_eq (ledger_store_begin (store), 0);
    cr_assert_eq (ledger_store_record (store, &one, &first, &field), LEDGER_STORE_APPENDED);
    cr_assert_eq (ledger_store_record (store, &again, &first, &field), LEDGER_STORE_DUPLICATE);
    cr_assert_eq (first->seq, one.seq);
    shanhai__v1__ledger_event__free_unpacked (first, NULL);
    cr_assert_eq (ledger_store_record (store, &other, &first, &field), LEDGER_STORE_CONFLICT);
    shanhai__v1__ledger_event__free_unpacked (first, NULL);
    cr_assert_eq (ledger_store_commit (store), 0);
    cr_assert_eq (outbox_head (ledger_store_outbox (store)), 1);
    ledger_store_destroy (&store);
}

// Compares each "ledger.recorded" outbox body with the stored event of the same seq.
static int
s_compare_with_stored (void *arg, uint64_t seq, int64_t at_ms, const uint8_t *body,
                       size_t body_size)
{
    ledger_store_t *store = arg;
    Shanhai__V1__LedgerEvent *published
        = shanhai__v1__ledger_event__unpack (NULL, body_size, body);
    cr_assert (published);
    cr_assert_eq (published->seq, seq, "the body's seq is the outbox seq");
    bool failed;
    Shanhai__V1__LedgerEvent *stored = ledger_store_find (store, published->id, &failed);
    cr_assert (stored);
    cr_assert_eq (stored->seq, seq);
    cr_assert_eq (stored->recorded_at_ms, published->recorded_at_ms);
    cr_assert_str_eq (stored->program, published->program);
    cr_assert_null (ledger_validate_difference (stored, published));
    shanhai__v1__ledger_event__free_unpacked (stored, NULL);
    shanhai__v1__ledger_event__free_unpacked (published, NULL);
    return 0;
}

Test (ledger_store, the_published_body_is_the_stored_event)
{
    ledger_store_t *store = s_open ();
    enum { COUNT = 5 };
    Shanhai__V1__LedgerEvent events[COUNT];
    char ids[COUNT][8];
    cr_assert_eq (ledger_store_begin (store), 0);
    for (int index = 0; index < COUNT; index++) {
        snprintf (ids[index], sizeof ids[index], "e%d", index);
        s_event (&events[index], ids[index], 100 + index);
        cr_assert_eq (ledger_store_append (store, &events[index]), 0);
    }
    cr_assert_eq (ledger_store_commit (store), 0);
    cr_assert_eq (outbox_publish (ledger_store_outbox (store)), 0, "the commit published");
    sqlite3_stmt *rows = NULL;
    cr_assert_eq (sqlite3_prepare_v2 (ledger_store_db (store), "SELECT seq, at_ms, body FROM "
                                      "outbox WHERE type = 'ledger.recorded' ORDER BY seq",
                                      -1, &rows, NULL), SQLITE_OK);
    int compared = 0;
    while (sqlite3_step (rows) == SQLITE_ROW)
        compared += s_compare_with_stored (store, (uint64_t) sqlite3_column_int64 (rows, 0),
                                           sqlite3_column_int64 (rows, 1),
                                           sqlite3_column_blob (rows, 2),
                                           (size_t) sqlite3_column_bytes (rows, 2)) == 0;
    sqlite3_finalize (rows);
    cr_assert_eq (compared, COUNT);
    ledger_store_destroy (&store);
}

Test (ledger_store, the_clock_and_the_registry_seq)
{
    ledger_store_t *store = s_open ();
    cr_assert_eq (ledger_store_clock (store), LEDGER_CLOCK_UNKNOWN);
    cr_assert_eq (ledger_store_registry_seq (store), 0);
    // The registry replica writes both, in the ledger's file.
    sqlite3 *db = ledger_store_db (store);
    cr_assert_eq (store_meta_set (db, "clock_day", 18628), 0);
    cr_assert_eq (store_meta_set (db, LEDGER_META_REGISTRY_SEQ, 2), 0);
    ledger_store_destroy (&store);
    store = s_open ();
    cr_assert_eq (ledger_store_clock (store), 18628);
    cr_assert_eq (ledger_store_registry_seq (store), 2);
    ledger_store_destroy (&store);
}

Test (ledger_store, a_file_that_cannot_be_opened)
{
    char errstr[256] = "";
    char pub[64];
    test_free_endpoint (pub, sizeof pub);
    ledger_store_t *store = ledger_store_new ("/nonexistent/dir/ledger.db", pub, errstr,
                                              sizeof errstr);
    cr_assert_null (store);
    cr_assert_neq (errstr[0], '\0', "a reason is given");
}
