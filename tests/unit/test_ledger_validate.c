/*  What the ledger records and refuses, at the exact limits. Every check runs on an unpacked
    copy of the event, as the server's are: what validation fills in is the event's own. */
#include <criterion/criterion.h>
#include <string.h>
#include "common/date.h"
#include "common/limits.h"
#include "common/validate.h"
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
        cr_assert (validate_text (errstr, sizeof errstr, false), "one printable line: %s",
                   errstr);
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
    s_expect ("from must be hb-wuhan-donghu, the pairing's supporter, not hb-zhuxi (aid-funds "
              "events go from hb-wuhan-donghu to hb-zhuxi)");
    s_event.from_region = "hb-wuhan-donghu";
    s_event.to_region = "hb-wuhan-donghu";
    s_expect ("to must be hb-zhuxi, the pairing's recipient, not hb-wuhan-donghu");
    s_event.from_region = "";
    s_event.to_region = "hb-wufeng";
    s_expect ("to must be hb-zhuxi, the pairing's recipient, not hb-wufeng");
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
    s_expect ("amount_fen must be 1..10000000000000 for aid-funds, not 0");  // the vocabulary's
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
    s_expect ("kind \"gift\"");  // what the event says by itself is still checked
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
    s_expect ("from is required for leader-visit");
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
    s_expect ("to must be hb-zhuxi, the pairing's other county, not hb-wuhan-donghu "
              "(leader-visit events go from either county to the other)");
    s_event.to_region = "";
    s_event.from_region = "hb-wufeng";
    s_expect ("from must be hb-wuhan-donghu or hb-zhuxi, a county of the pairing, not "
              "hb-wufeng");
}

Test (ledger_validate, a_visit_has_no_amount)
{
    s_event.kind = "leader-visit";
    s_event.from_region = "hb-zhuxi";
    s_event.amount_fen = 1;
    s_expect ("amount_fen must be 0 for leader-visit (it has no amount), not 1");
    s_event.amount_fen = -1;
    s_expect ("amount_fen must be 0 for leader-visit (it has no amount), not -1");
    s_event.amount_fen = 0;
    s_expect (NULL);
}

Test (ledger_validate, ids_and_kinds)
{
    s_event.kind = "gift";
    s_expect ("kind \"gift\" is not a known kind (aid-funds, leader-visit, receipt, void, ");
    s_event.kind = "";
    s_expect ("kind \"\" is not a known kind");
    s_event.kind = "leader-vist\x1b";
    s_expect ("kind \"leader-vist\\x1b\" is not a known kind (aid-funds, leader-visit, receipt, ");
    s_event.kind = "aid-funds";
    s_event.id = "has space";
    s_expect ("id \"has space\" has a character outside A-Z a-z 0-9 . _ : - at byte 3");
    s_event.id = "a\nb";
    s_expect ("id \"a\\x0ab\" has a character outside A-Z a-z 0-9 . _ : - at byte 1");
    s_event.id = "";
    s_expect ("id \"\" is empty");
    char id[ID_BYTES_MAX + 1];
    memset (id, 'i', sizeof id);
    id[ID_BYTES_MAX - 1] = '\0';  // 63 bytes: the longest id
    s_event.id = id;
    s_expect (NULL);
    id[ID_BYTES_MAX - 1] = 'i';
    id[ID_BYTES_MAX] = '\0';
    s_expect ("is 64 bytes, more than 63");
    s_event.id = "e1";
    s_event.pairing = "";
    s_expect ("pairing \"\" is empty");
    s_event.pairing = "hb\x1b[2J01";
    s_expect ("pairing \"hb\\x1b[2J01\" has a character outside A-Z a-z 0-9 . _ : - at byte 2");
    s_event.pairing = "hb-01";
    s_event.from_region = "hb zhuxi";
    s_expect ("from \"hb zhuxi\" has a character outside");
    s_event.from_region = "";
    s_event.to_region = "hb\nzhuxi";
    s_expect ("to \"hb\\x0azhuxi\" has a character outside");
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
    s_expect ("memo is 1024 bytes, more than 1023");
    s_event.memo = "two\nlines are fine, 中文 too";
    s_expect (NULL);
    s_event.memo = "bad \xff byte";
    s_expect ("memo is not valid UTF-8 at byte 4");
    s_event.memo = "a bell \a";
    s_expect ("memo contains a control character (\\x07) at byte 7");
    s_event.memo = "12 bytes\x1b[0m";  // the memo that was once "at most 1023 bytes"
    s_expect ("memo contains a control character (\\x1b) at byte 8");
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

Test (ledger_validate, what_is_repeated_is_escaped_and_cut)
{
    char id[200];
    memset (id, '\x1b', sizeof id - 1);
    id[sizeof id - 1] = '\0';
    s_event.id = id;  // 199 ESCs: far too long, and every byte a control character
    s_expect ("id \"\\x1b\\x1b");
    char errstr[RPC_ERROR_BYTES_MAX];
    s_check (errstr, sizeof errstr);
    cr_assert (strstr (errstr, "...\" is 199 bytes, more than 63"), "%s", errstr);
    s_event.id = "e1";
    s_event.date = "2021-06-3\n";
    s_expect ("date \"2021-06-3\\x0a\" is not a date YYYY-MM-DD");
    s_event.date = "2021-06-30";
    s_event.memo = "中文 and a \xc2\x9b CSI";
    s_expect ("memo contains a control character (\\xc2\\x9b) at byte 13");
}
