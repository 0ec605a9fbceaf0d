/*  What the ledger records and refuses, at the exact limits. Every check runs on an unpacked
    copy of the event, as the server's are: what validation fills in is the event's own. */
#include <criterion/criterion.h>
#include <string.h>
#include "common/date.h"
#include "common/limits.h"
#include "ledger_validate.h"

static Shanhai__V1__Pairing s_pairing;
static Shanhai__V1__LedgerEvent s_event;    // what the test sends
static Shanhai__V1__LedgerEvent *s_result;  // the last event checked, as validation left it
static int32_t s_clock;

static void
s_setup (void)
{
    shanhai__v1__pairing__init (&s_pairing);
    s_pairing.id = "hb-01";
    s_pairing.program = "hb-shanchuan";
    s_pairing.recipient = "hb-zhuxi";
    s_pairing.supporter = "hb-wuhan-donghu";
    s_pairing.start = "2021-01-01";
    s_pairing.end = "2025-12-31";
    shanhai__v1__ledger_event__init (&s_event);
    s_event.id = "e1";
    s_event.kind = "aid-funds";
    s_event.pairing = "hb-01";
    s_event.amount_fen = 100;
    s_event.date = "2021-06-30";
    date_parse ("2021-07-01", &s_clock);
    s_result = NULL;
}

static void
s_teardown (void)
{
    if (s_result)
        shanhai__v1__ledger_event__free_unpacked (s_result, NULL);
}

TestSuite (ledger_validate, .init = s_setup, .fini = s_teardown);

// Both steps, as the server runs them, on an unpacked copy of s_event (kept in s_result).
static rpc_status_t
s_check (char *errstr, size_t size)
{
    uint8_t packed[4096];
    cr_assert_leq (shanhai__v1__ledger_event__get_packed_size (&s_event), sizeof packed);
    size_t length = shanhai__v1__ledger_event__pack (&s_event, packed);
    if (s_result)
        shanhai__v1__ledger_event__free_unpacked (s_result, NULL);
    s_result = shanhai__v1__ledger_event__unpack (NULL, length, packed);
    cr_assert (s_result);
    errstr[0] = '\0';
    rpc_status_t status = ledger_validate_event (s_result, s_clock, errstr, size);
    if (status == RPC_OK)
        status = ledger_validate_pairing (s_result, &s_pairing, errstr, size);
    return status;
}

// Expects the event to pass (what NULL) or to be INVALID with what in the error.
static void
s_expect (const char *what)
{
    char errstr[RPC_ERROR_BYTES_MAX];
    rpc_status_t status = s_check (errstr, sizeof errstr);
    if (!what)
        cr_assert_eq (status, RPC_OK, "refused: %s", errstr);
    else {
        cr_assert_eq (status, RPC_INVALID, "status %d, expected INVALID '%s'", status, what);
        cr_assert (strstr (errstr, what), "error '%s' lacks '%s'", errstr, what);
        cr_assert_null (strchr (errstr, '\n'), "one line: %s", errstr);
    }
}

Test (ledger_validate, aid_funds_are_filled_in_from_supporter_to_recipient)
{
    s_expect (NULL);
    cr_assert_str_eq (s_result->from_region, "hb-wuhan-donghu");
    cr_assert_str_eq (s_result->to_region, "hb-zhuxi");
    cr_assert_str_eq (s_result->program, "hb-shanchuan");
    s_event.from_region = "hb-wuhan-donghu";
    s_event.to_region = "hb-zhuxi";
    s_expect (NULL);
    s_event.to_region = "";
    s_expect (NULL);
    cr_assert_str_eq (s_result->to_region, "hb-zhuxi", "an empty to is filled in");
}

Test (ledger_validate, aid_funds_in_the_wrong_direction)
{
    s_event.from_region = "hb-zhuxi";
    s_expect ("aid funds of pairing hb-01 go from hb-wuhan-donghu to hb-zhuxi, not from "
              "hb-zhuxi to -");
    s_event.from_region = "hb-zhuxi";
    s_event.to_region = "hb-wuhan-donghu";
    s_expect ("not from hb-zhuxi to hb-wuhan-donghu");
    s_event.from_region = "";
    s_event.to_region = "hb-wufeng";
    s_expect ("not from - to hb-wufeng");
}

Test (ledger_validate, the_program_is_the_pairings)
{
    s_event.program = "made-up";  // what a client says is replaced (and freed: ASan checks)
    s_expect (NULL);
    cr_assert_str_eq (s_result->program, "hb-shanchuan");
}

Test (ledger_validate, amounts_at_the_limits)
{
    s_event.amount_fen = 1;
    s_expect (NULL);
    s_event.amount_fen = AMOUNT_FEN_MAX;
    s_expect (NULL);
    s_event.amount_fen = 0;
    s_expect ("amount_fen must be 1..10000000000000 for aid-funds, not 0");
    s_event.amount_fen = -10;
    s_expect ("not -10");
    s_event.amount_fen = AMOUNT_FEN_MAX + 1;
    s_expect ("not 10000000000001");
    s_event.amount_fen = INT64_MIN;
    s_expect ("amount_fen must be 1..");
}

Test (ledger_validate, the_clock_at_the_limit)
{
    s_event.date = "2021-07-01";  // the clock's day
    s_expect (NULL);
    s_event.date = "2021-07-02";
    s_expect ("date 2021-07-02 is after today (2021-07-01)");
    s_clock = LEDGER_CLOCK_UNKNOWN;  // not known yet: the caller answers UNAVAILABLE
    char errstr[RPC_ERROR_BYTES_MAX];
    s_check (errstr, sizeof errstr);
    cr_assert_eq (ledger_validate_event (s_result, s_clock, errstr, sizeof errstr), RPC_OK,
                  "%s", errstr);
    s_event.kind = "gift";
    s_expect ("kind");  // what the event says by itself is still checked
}

Test (ledger_validate, the_pairings_days_at_the_limits)
{
    s_event.date = "2021-01-01";  // the pairing's first day
    s_expect (NULL);
    s_event.date = "2020-12-31";
    s_expect ("pairing hb-01 is not active on 2020-12-31 (active 2021-01-01..2025-12-31)");
    date_parse ("2026-06-01", &s_clock);
    s_event.date = "2025-12-31";  // the pairing's last day
    s_expect (NULL);
    s_event.date = "2026-01-01";
    s_expect ("pairing hb-01 is not active on 2026-01-01 (active 2021-01-01..2025-12-31)");
}

Test (ledger_validate, dates_that_are_no_dates)
{
    const char *bad[] = { "2021-02-29", "2021-13-01", "21-06-30", "2021-6-30", "", "1999-12-31",
                          "2100-01-01", "2021-06-30x", NULL };
    for (int index = 0; bad[index]; index++) {
        s_event.date = (char *) bad[index];
        s_expect ("is not a date YYYY-MM-DD in 2000..2099");
    }
}

Test (ledger_validate, a_pairing_without_valid_dates_is_refused)
{
    s_pairing.end = "";
    s_expect ("pairing hb-01 has no valid dates in the registry");
}

Test (ledger_validate, visits_go_either_way_between_the_two_counties)
{
    s_event.kind = "leader-visit";
    s_event.amount_fen = 0;
    s_expect ("a leader-visit needs from");
    s_event.from_region = "hb-zhuxi";
    s_expect (NULL);
    cr_assert_str_eq (s_result->to_region, "hb-wuhan-donghu", "the other county is filled in");
    cr_assert_str_eq (s_result->program, "hb-shanchuan");
    s_event.from_region = "hb-wuhan-donghu";
    s_expect (NULL);
    cr_assert_str_eq (s_result->to_region, "hb-zhuxi");
    s_event.to_region = "hb-zhuxi";
    s_expect (NULL);
    s_event.to_region = "hb-wuhan-donghu";
    s_expect ("a visit from hb-wuhan-donghu goes to hb-zhuxi, not hb-wuhan-donghu");
    s_event.to_region = "";
    s_event.from_region = "hb-wufeng";
    s_expect ("a visit of pairing hb-01 is from hb-zhuxi or hb-wuhan-donghu, not hb-wufeng");
}

Test (ledger_validate, a_visit_has_no_amount)
{
    s_event.kind = "leader-visit";
    s_event.from_region = "hb-zhuxi";
    s_event.amount_fen = 1;
    s_expect ("a leader-visit has no amount (amount_fen 1)");
    s_event.amount_fen = -1;
    s_expect ("a leader-visit has no amount (amount_fen -1)");
    s_event.amount_fen = 0;
    s_expect (NULL);
}

Test (ledger_validate, ids_and_kinds)
{
    s_event.kind = "gift";
    s_expect ("kind \"gift\" must be aid-funds or leader-visit");
    s_event.kind = "";
    s_expect ("kind \"\" must be");
    s_event.kind = "aid-funds";
    s_event.id = "has space";
    s_expect ("event id \"has space\" must be 1..63 characters");
    s_event.id = "";
    s_expect ("event id \"\" must be");
    char id[ID_BYTES_MAX + 1];
    memset (id, 'i', sizeof id);
    id[ID_BYTES_MAX - 1] = '\0';  // 63 bytes: the longest id
    s_event.id = id;
    s_expect (NULL);
    id[ID_BYTES_MAX - 1] = 'i';
    id[ID_BYTES_MAX] = '\0';
    s_expect ("event id");
    s_event.id = "e1";
    s_event.pairing = "";
    s_expect ("pairing \"\" is not a valid id");
    s_event.pairing = "hb-01";
    s_event.from_region = "hb zhuxi";
    s_expect ("from and to must be region codes");
}

Test (ledger_validate, memo_at_the_limit)
{
    char memo[EVENT_MEMO_BYTES_MAX + 1];
    memset (memo, 'm', sizeof memo);
    memo[EVENT_MEMO_BYTES_MAX - 1] = '\0';  // max - 1 bytes: the longest memo
    s_event.memo = memo;
    s_expect (NULL);
    memo[EVENT_MEMO_BYTES_MAX - 1] = 'm';
    memo[EVENT_MEMO_BYTES_MAX] = '\0';
    s_expect ("memo must be UTF-8 text of at most 1023 bytes");
    s_event.memo = "two\nlines are fine, 中文 too";
    s_expect (NULL);
    s_event.memo = "bad \xff byte";
    s_expect ("memo must be UTF-8");
    s_event.memo = "a bell \a";
    s_expect ("memo must be UTF-8");
}

Test (ledger_validate, difference_names_the_field)
{
    Shanhai__V1__LedgerEvent other = s_event;
    cr_assert_null (ledger_validate_difference (&s_event, &other));
    other.kind = "leader-visit";
    cr_assert_str_eq (ledger_validate_difference (&s_event, &other), "kind");
    other = s_event;
    other.pairing = "hb-02";
    cr_assert_str_eq (ledger_validate_difference (&s_event, &other), "pairing");
    other = s_event;
    other.from_region = "x";
    cr_assert_str_eq (ledger_validate_difference (&s_event, &other), "from");
    other = s_event;
    other.to_region = "x";
    cr_assert_str_eq (ledger_validate_difference (&s_event, &other), "to");
    other = s_event;
    other.amount_fen = 101;
    cr_assert_str_eq (ledger_validate_difference (&s_event, &other), "amount_fen");
    other = s_event;
    other.date = "2021-06-29";
    cr_assert_str_eq (ledger_validate_difference (&s_event, &other), "date");
    other = s_event;
    other.memo = "changed";
    cr_assert_str_eq (ledger_validate_difference (&s_event, &other), "memo");
    other = s_event;
    other.id = "e2";  // ids and what the ledger fills in are not content
    other.seq = 99;
    other.program = "other";
    other.recorded_at_ms = 5;
    cr_assert_null (ledger_validate_difference (&s_event, &other));
}
