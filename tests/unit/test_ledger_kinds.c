/*  Every kind of the vocabulary through the ledger's validation: what each requires, what it
    refuses, each number at its exact limits, and the error naming the field. The events go
    through an unpacked copy, as the server's do. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "common/date.h"
#include "common/limits.h"
#include "common/validate.h"
#include "ledger_validate.h"

static Shanhai__V1__Pairing s_pairing;
static Shanhai__V1__LedgerEvent s_event;
static Shanhai__V1__LedgerEvent *s_result;
static int32_t s_clock;

// An event of kind with what that kind needs, valid as it is.
static void
s_valid (const char *kind)
{
    shanhai__v1__ledger_event__init (&s_event);
    s_event.id = "e1";
    s_event.kind = (char *) kind;
    s_event.pairing = "hb-01";
    s_event.date = "2021-06-30";
    if (!strcmp (kind, "aid-funds") || !strcmp (kind, "income-project"))
        s_event.amount_fen = 100;
    else if (!strcmp (kind, "receipt"))
        s_event.of = "d1", s_event.amount_fen = 100;
    else if (!strcmp (kind, "void") || !strcmp (kind, "reversal"))
        s_event.of = "d1";
    else if (!strcmp (kind, "commitment"))
        s_event.year = 2021, s_event.amount_fen = 100;
    else if (!strcmp (kind, "investment"))
        s_event.project = "茶园", s_event.sector = "tourism", s_event.amount_fen = 100;
    else if (!strcmp (kind, "park-investment"))
        s_event.park = "wz-park-1", s_event.category = "gov", s_event.amount_fen = 100;
    else if (!strcmp (kind, "leader-visit"))
        s_event.from_region = "hb-zhuxi";
    else if (!strcmp (kind, "matchmaking"))
        s_event.signed_projects = 3;
    else if (!strcmp (kind, "agreement"))
        s_event.field = "health";
    else if (!strcmp (kind, "training"))
        s_event.persons = 120;
    else if (!strcmp (kind, "cadre"))
        s_event.level = "division", s_event.person = "张三", s_event.start = "2021-01-01",
        s_event.end = "2023-06-30";
    else if (!strcmp (kind, "plan-filed") || !strcmp (kind, "task-book"))
        s_event.year = 2022;
    else if (!strcmp (kind, "indicator"))
        s_event.pairing = "", s_event.region = "hb-zhuxi", s_event.code = "rural_income",
        s_event.year = 2020, s_event.value = "12345.5";
}

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
    date_parse ("2021-07-01", &s_clock);
    s_result = NULL;
}

static void
s_teardown (void)
{
    if (s_result)
        shanhai__v1__ledger_event__free_unpacked (s_result, NULL);
}

TestSuite (ledger_kinds, .init = s_setup, .fini = s_teardown);

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
    const vocab_kind_t *kind = vocab_kind_find (s_result->kind);
    if (status == RPC_OK && kind && kind->scope != VOCAB_SCOPE_REGION && *s_result->pairing)
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
        cr_assert_eq (status, RPC_OK, "%s refused: %s", s_event.kind, errstr);
    else {
        cr_assert_eq (status, RPC_INVALID, "%s: status %d, expected '%s'", s_event.kind, status,
                      what);
        cr_assert (strstr (errstr, what), "error '%s' lacks '%s'", errstr, what);
        cr_assert (validate_text (errstr, sizeof errstr, false), "one line: %s", errstr);
    }
}

Test (ledger_kinds, every_kind_valid_as_the_cli_table_says)
{
    for (size_t index = 0; index < vocab_kind_count (); index++) {
        s_valid (vocab_kind_at (index)->name);
        s_expect (NULL);
    }
}

Test (ledger_kinds, every_required_field_is_named_when_missing)
{
    for (size_t index = 0; index < vocab_kind_count (); index++) {
        const vocab_kind_t *kind = vocab_kind_at (index);
        for (unsigned attr = 0; attr < VOCAB_ATTR_COUNT; attr++) {
            if (!(kind->requires & VOCAB_ATTR_BIT (attr)))
                continue;
            s_valid (kind->name);
            char **texts[] = { &s_event.of, &s_event.project, &s_event.sector, &s_event.park,
                               &s_event.category, &s_event.field, &s_event.level,
                               &s_event.person, &s_event.start, &s_event.end, &s_event.region,
                               &s_event.code, &s_event.value };
            const vocab_attr_t text_attrs[] = {
                VOCAB_ATTR_OF, VOCAB_ATTR_PROJECT, VOCAB_ATTR_SECTOR, VOCAB_ATTR_PARK,
                VOCAB_ATTR_CATEGORY, VOCAB_ATTR_FIELD, VOCAB_ATTR_LEVEL, VOCAB_ATTR_PERSON,
                VOCAB_ATTR_START, VOCAB_ATTR_END, VOCAB_ATTR_REGION, VOCAB_ATTR_CODE,
                VOCAB_ATTR_VALUE };
            for (size_t text = 0; text < sizeof texts / sizeof texts[0]; text++)
                if (text_attrs[text] == attr)
                    *texts[text] = "";
            if (attr == VOCAB_ATTR_YEAR)
                s_event.year = 0;
            if (attr == VOCAB_ATTR_SIGNED)
                s_event.signed_projects = 0;
            if (attr == VOCAB_ATTR_PERSONS)
                s_event.persons = 0;
            char what[64];
            snprintf (what, sizeof what, "%s is required for %s", vocab_attr_name (attr),
                      kind->name);
            s_expect (what);
        }
    }
}

Test (ledger_kinds, a_field_of_another_kind_is_refused_by_name)
{
    s_valid ("leader-visit");
    s_event.year = 2021;
    s_expect ("year is not a field of leader-visit");
    s_valid ("aid-funds");
    s_event.continued = true;
    s_expect ("continued is not a field of aid-funds");
    s_valid ("receipt");
    s_event.persons = 1;
    s_expect ("persons is not a field of receipt");
}

Test (ledger_kinds, pairing_by_scope)
{
    s_valid ("indicator");
    s_event.pairing = "hb-01";
    s_expect ("pair must be empty for indicator");
    s_valid ("joint-meeting");
    s_event.pairing = "";
    s_expect ("pairing \"\" is empty");
    s_valid ("reversal");
    s_event.pairing = "";
    s_expect (NULL);  // the ledger takes the pairing of what it reverses
    s_valid ("reversal");
    s_event.from_region = "hb-zhuxi";
    s_expect ("from must be empty for reversal");
    s_valid ("reversal");
    s_event.amount_fen = 5;
    s_expect ("amount_fen must be 0 for reversal");
}

Test (ledger_kinds, numbers_at_their_exact_limits)
{
    s_valid ("matchmaking");
    s_event.signed_projects = EVENT_SIGNED_PROJECTS_MAX;
    s_expect (NULL);
    s_event.signed_projects = EVENT_SIGNED_PROJECTS_MAX + 1;
    s_expect ("signed must be 1..10000, not 10001");
    s_event.signed_projects = -1;
    s_expect ("signed must be 1..10000, not -1");
    s_valid ("training");
    s_event.persons = EVENT_PERSONS_MAX;
    s_expect (NULL);
    s_event.persons = EVENT_PERSONS_MAX + 1;
    s_expect ("persons must be 1..1000000, not 1000001");
    s_valid ("commitment");
    s_event.year = DATE_YEAR_MAX;
    s_expect (NULL);
    s_event.year = DATE_YEAR_MAX + 1;
    s_expect ("year must be 2000..2099, not 2100");
    s_event.year = DATE_YEAR_MIN;
    s_expect (NULL);
    s_event.year = DATE_YEAR_MIN - 1;
    s_expect ("year must be 2000..2099, not 1999");
    s_event.amount_fen = AMOUNT_FEN_MAX;
    s_event.year = 2021;
    s_expect (NULL);
    s_event.amount_fen = AMOUNT_FEN_MAX + 1;
    s_expect ("amount_fen must be 1..10000000000000 for commitment");
    s_valid ("receipt");
    s_event.amount_fen = 0;
    s_expect ("amount_fen must be 1..10000000000000 for receipt, not 0");
    s_valid ("void");
    s_event.amount_fen = 1;
    s_expect ("amount_fen must be 0 for void");
}

Test (ledger_kinds, choices_name_the_field_and_the_choices)
{
    s_valid ("investment");
    const char *sectors[] = { "information", "environmental", "health", "tourism", "fashion",
                              "culture", "finance", "equipment", "other" };
    for (size_t index = 0; index < 9; index++) {
        s_event.sector = (char *) sectors[index];
        s_expect (NULL);
    }
    s_event.sector = "mining";
    s_expect ("sector \"mining\" is not one of information, environmental, health, tourism, "
              "fashion, culture, finance, equipment, other");
    s_valid ("park-investment");
    s_event.category = "invest";
    s_expect (NULL);
    s_event.category = "Gov";
    s_expect ("category \"Gov\" is not one of gov, invest");
    s_valid ("agreement");
    s_event.field = "sports";
    s_expect ("field \"sports\" is not one of science, health, education, culture");
    s_valid ("cadre");
    s_event.level = "bureau";
    s_expect ("level \"bureau\" is not one of division, section");
}

Test (ledger_kinds, texts_and_ids)
{
    s_valid ("investment");
    char name[NAME_BYTES_MAX + 2];
    memset (name, 'a', NAME_BYTES_MAX);
    name[NAME_BYTES_MAX] = '\0';
    s_event.project = name;
    s_expect ("project is 256 bytes, more than 255");
    name[NAME_BYTES_MAX - 1] = '\0';
    s_expect (NULL);
    s_event.project = "a\nb";
    s_expect ("project contains a control character");
    s_valid ("receipt");
    s_event.of = "d 1";
    s_expect ("of \"d 1\" has a character outside");
    s_valid ("park-investment");
    s_event.park = "park/1";
    s_expect ("park \"park/1\"");
    s_valid ("cadre");
    s_event.person = "王\x1b";
    s_expect ("person contains a control character");
}

Test (ledger_kinds, a_secondment_is_two_dates_in_order)
{
    s_valid ("cadre");
    s_event.start = "2021-02-30";
    s_expect ("start \"2021-02-30\" is not a date");
    s_valid ("cadre");
    s_event.end = "soon";
    s_expect ("end \"soon\" is not a date");
    s_valid ("cadre");
    s_event.end = "2020-12-31";
    s_expect ("end 2020-12-31 is before start 2021-01-01");
    s_event.end = "2021-01-01";
    s_expect (NULL);  // one day
    s_event.start = "2021-01-01";
    s_event.end = "2031-01-08";  // 3659 days later
    s_expect (NULL);
    s_event.end = "2031-01-09";  // 3660
    s_expect (NULL);
    s_event.end = "2031-01-10";
    s_expect ("end 2031-01-10 is more than 3660 days after start 2021-01-01");
}

Test (ledger_kinds, an_indicator_value_is_an_exact_decimal)
{
    const char *good[] = { "0", "8.5", "-1.25", "25000", "999999999999", "1.2345", "90" };
    for (size_t index = 0; index < sizeof good / sizeof good[0]; index++) {
        s_valid ("indicator");
        s_event.value = (char *) good[index];
        s_expect (NULL);
    }
    const char *bad[] = { "1000000000000", "1.23456", "8.", ".5", "8,5", "1e3", "--1", "8.5%",
                          " 8" };
    for (size_t index = 0; index < sizeof bad / sizeof bad[0]; index++) {
        s_valid ("indicator");
        s_event.value = (char *) bad[index];
        s_expect ("value \"");
    }
    s_valid ("indicator");
    s_event.code = "rural income";
    s_expect ("code \"rural income\"");
    s_valid ("indicator");
    s_event.region = "";
    s_expect ("region is required for indicator");
}

Test (ledger_kinds, directions_of_money)
{
    s_valid ("receipt");
    s_expect (NULL);
    cr_assert_str_eq (s_result->from_region, "hb-zhuxi", "the recipient confirms");
    cr_assert_str_eq (s_result->to_region, "hb-wuhan-donghu");
    s_event.from_region = "hb-wuhan-donghu";
    s_expect ("from must be hb-zhuxi, the pairing's recipient, not hb-wuhan-donghu");
    s_valid ("void");
    s_expect (NULL);
    cr_assert_str_eq (s_result->from_region, "hb-wuhan-donghu", "the supporter voids");
    s_event.from_region = "hb-zhuxi";
    s_expect ("from must be hb-wuhan-donghu, the pairing's supporter, not hb-zhuxi");
    s_valid ("park-investment");
    s_expect (NULL);
    cr_assert_str_eq (s_result->from_region, "", "the park's, not a county's");
    s_valid ("plan-filed");
    s_event.from_region = "hb-zhuxi";
    s_expect ("from must be empty for plan-filed");
}
