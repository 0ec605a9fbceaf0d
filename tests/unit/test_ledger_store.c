/*  The ledger's file: append, find, and everything still there after a reopen. */
#include <criterion/criterion.h>
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
    ledger_store_begin (store);
    ledger_store_append (store, &event);
    ledger_store_commit (store);
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

Test (ledger_store, the_clock_and_the_registry_seq)
{
    ledger_store_t *store = s_open ();
    cr_assert_eq (ledger_store_clock (store), -1);
    cr_assert_eq (ledger_store_registry_seq (store), 0);
    cr_assert_eq (ledger_store_registry_applied (store, 1, 18628), 0);
    cr_assert_eq (ledger_store_registry_applied (store, 2, -1), 0);  // registry.changed
    ledger_store_destroy (&store);
    store = s_open ();
    cr_assert_eq (ledger_store_clock (store), 18628);
    cr_assert_eq (ledger_store_registry_seq (store), 2);
    ledger_store_destroy (&store);
}
