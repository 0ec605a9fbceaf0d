/*  What the ledger records and refuses, at the exact limits. */
#include <criterion/criterion.h>
#include <string.h>
#include "common/date.h"
#include "common/limits.h"
#include "ledger_validate.h"

static Shanhai__V1__Pairing s_pairing;
static Shanhai__V1__LedgerEvent s_event;
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
}

TestSuite (ledger_validate, .init = s_setup);

static rpc_status_t
s_check (char *errstr, size_t size)
{
    rpc_status_t status = ledger_validate_event (&s_event, errstr, size);
    if (status == RPC_OK)
        status = ledger_validate_pairing (&s_event, &s_pairing, s_clock, errstr, size);
    return status;
}

static void
s_expect (const char *what)
{
    char errstr[RPC_ERROR_BYTES_MAX] = "";
    rpc_status_t status = s_check (errstr, sizeof errstr);
    if (!what)
        cr_assert_eq (status, RPC_OK, "%s", errstr);
    else {
        cr_assert_eq (status, RPC_INVALID, "accepted, expected '%s'", what);
        cr_assert (strstr (errstr, what), "error '%s' lacks '%s'", errstr, what);
    }
    // The regions filled in are the event's own: forget them before the next check.
    s_event.from_region = s_event.to_region = (char *) protobuf_c_empty_string;
}

Test (ledger_validate, aid_funds_go_from_supporter_to_recipient)
{
    char errstr[256];
    cr_assert_eq (s_check (errstr, sizeof errstr), RPC_OK, "%s", errstr);
    cr_assert_str_eq (s_event.from_region, "hb-wuhan-donghu");
    cr_assert_str_eq (s_event.to_region, "hb-zhuxi");
    free (s_event.from_region);
    free (s_event.to_region);
    s_event.to_region = (char *) protobuf_c_empty_string;
    s_event.from_region = "hb-zhuxi";
    s_expect ("go from hb-wuhan-donghu to hb-zhuxi");
}

Test (ledger_validate, amounts_at_the_limits)
{
    s_event.amount_fen = 1;
    s_expect (NULL);
    s_event.amount_fen = AMOUNT_FEN_MAX;
    s_expect (NULL);
    s_event.amount_fen = 0;
    s_expect ("amount_fen must be 1..");
    s_event.amount_fen = -10;
    s_expect ("not -10");
    s_event.amount_fen = AMOUNT_FEN_MAX + 1;
    s_expect ("amount_fen must be 1..");
}

Test (ledger_validate, dates_at_the_limits)
{
    s_event.date = "2021-07-01";  // the clock's day
    s_expect (NULL);
    s_event.date = "2021-07-02";
    s_expect ("after today (2021-07-01)");
    s_event.date = "2021-01-01";  // the pairing's first day
    s_expect (NULL);
    s_event.date = "2020-12-31";
    s_expect ("not active on 2020-12-31 (active 2021-01-01..2025-12-31)");
    s_event.date = "2021-02-29";
    s_expect ("is not a date");
    date_parse ("2026-06-01", &s_clock);
    s_event.date = "2025-12-31";  // the pairing's last day
    s_expect (NULL);
    s_event.date = "2026-01-01";
    s_expect ("not active on 2026-01-01");
}

Test (ledger_validate, visits)
{
    s_event.kind = "leader-visit";
    s_event.amount_fen = 0;
    s_expect ("needs from");
    s_event.from_region = "hb-zhuxi";
    char errstr[256];
    cr_assert_eq (s_check (errstr, sizeof errstr), RPC_OK, "%s", errstr);
    cr_assert_str_eq (s_event.to_region, "hb-wuhan-donghu", "the other county is filled in");
    free (s_event.to_region);
    s_event.to_region = (char *) protobuf_c_empty_string;
    s_event.from_region = "hb-wuhan-donghu";
    cr_assert_eq (s_check (errstr, sizeof errstr), RPC_OK, "either direction: %s", errstr);
    free (s_event.to_region);
    s_event.to_region = (char *) protobuf_c_empty_string;
    s_event.from_region = "hb-wufeng";
    s_expect ("is from hb-zhuxi or hb-wuhan-donghu, not hb-wufeng");
    s_event.from_region = "hb-zhuxi";
    s_event.amount_fen = 5;
    s_expect ("a leader-visit has no amount");
}

Test (ledger_validate, fields)
{
    s_event.kind = "gift";
    s_expect ("kind \"gift\" must be aid-funds or leader-visit");
    s_event.kind = "aid-funds";
    s_event.id = "has space";
    s_expect ("event id");
    s_event.id = "e1";
    s_event.pairing = "";
    s_expect ("pairing \"\" is not a valid id");
}

Test (ledger_validate, memo_limit)
{
    char memo[EVENT_MEMO_BYTES_MAX + 1];
    memset (memo, 'm', sizeof memo);
    memo[EVENT_MEMO_BYTES_MAX - 1] = '\0';
    s_event.memo = memo;
    s_expect (NULL);
    memo[EVENT_MEMO_BYTES_MAX - 1] = 'm';
    memo[EVENT_MEMO_BYTES_MAX] = '\0';
    s_expect ("memo must be UTF-8 text of at most 1023 bytes");
    s_event.memo = "two\nlines are fine";
    s_expect (NULL);
}

Test (ledger_validate, difference_names_the_field)
{
    Shanhai__V1__LedgerEvent other = s_event;
    cr_assert_null (ledger_validate_difference (&s_event, &other));
    other.amount_fen = 101;
    cr_assert_str_eq (ledger_validate_difference (&s_event, &other), "amount_fen");
    other = s_event;
    other.memo = "changed";
    cr_assert_str_eq (ledger_validate_difference (&s_event, &other), "memo");
    other = s_event;
    other.seq = 99;  // what the ledger fills in is not content
    cr_assert_null (ledger_validate_difference (&s_event, &other));
}
