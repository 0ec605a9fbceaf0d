/*  The one JSON shape of an event: written, read back, and every bad member named. */
#include <criterion/criterion.h>
#include <string.h>
#include <stdio.h>
#include "common/event_json.h"
#include "common/vocab.h"

static Shanhai__V1__LedgerEvent *
s_parse (const char *text, bool recorded, char *errstr, size_t errstr_size)
{
    json_error_t error;
    json_t *object = json_loads (text, 0, &error);
    cr_assert (object, "%s", error.text);
    Shanhai__V1__LedgerEvent *event = event_json_to_event (object, recorded, errstr, errstr_size);
    json_decref (object);
    return event;
}

Test (event_json, a_recorded_event_round_trips)
{
    Shanhai__V1__LedgerEvent event = SHANHAI__V1__LEDGER_EVENT__INIT;
    event.id = "e1";
    event.kind = "aid-funds";
    event.pairing = "hb-01";
    event.from_region = "hb-wuhan-donghu";
    event.to_region = "hb-zhuxi";
    event.date = "2024-05-01";
    event.amount_fen = 123456;
    event.memo = "第一笔";
    event.program = "hb-shanchuan";
    event.seq = 7;
    event.recorded_at_ms = 1700000000123;
    event.registry_version = 3;
    json_t *object = event_json_from_event (&event, true);
    char *text = json_dumps (object, JSON_PRESERVE_ORDER | JSON_COMPACT);
    cr_assert_str_eq (text, "{\"seq\":7,\"id\":\"e1\",\"kind\":\"aid-funds\",\"pair\":\"hb-01\","
                            "\"from\":\"hb-wuhan-donghu\",\"to\":\"hb-zhuxi\",\"date\":"
                            "\"2024-05-01\",\"amount_fen\":123456,\"memo\":\"第一笔\",\"program\":"
                            "\"hb-shanchuan\",\"recorded_at\":\"2023-11-14T22:13:20Z\","
                            "\"registry_version\":3}");
    char errstr[256] = "";
    Shanhai__V1__LedgerEvent *back = event_json_to_event (object, true, errstr, sizeof errstr);
    cr_assert (back, "%s", errstr);
    cr_assert_str_eq (back->memo, "第一笔");
    cr_assert_eq (back->amount_fen, 123456);
    cr_assert_eq (back->seq, 7);
    cr_assert_eq (back->registry_version, 3);
    cr_assert_str_eq (back->program, "hb-shanchuan");
    event_json_free (&back);
    event_json_free (&back);
    free (text);
    json_decref (object);
}

Test (event_json, what_a_client_sends)
{
    char errstr[256] = "";
    Shanhai__V1__LedgerEvent *event = s_parse (
        "{\"id\":\"x\",\"kind\":\"leader-visit\",\"pair\":\"hb-01\",\"from\":\"hb-zhuxi\","
        "\"date\":\"2024-01-02\"}", false, errstr, sizeof errstr);
    cr_assert (event, "%s", errstr);
    cr_assert_str_eq (event->to_region, "", "left to the ledger to fill in");
    cr_assert_eq (event->amount_fen, 0);
    event_json_free (&event);
}

Test (event_json, every_bad_member_is_named)
{
    struct { const char *json; bool recorded; const char *error; } cases[] = {
        { "[]", false, "an event must be a JSON object" },
        { "{\"id\":1}", false, "\"id\" must be a string" },
        { "{\"amount_fen\":\"5\"}", false, "\"amount_fen\" must be a whole number" },
        { "{\"amount_fen\":1.5}", false, "\"amount_fen\" must be a whole number" },
        { "{\"pairing\":\"hb-01\"}", false, "\"pairing\" is not a field of an event" },
        { "{\"seq\":3}", false, "\"seq\" is filled in by the ledger" },
        { "{\"program\":\"p\"}", false, "\"program\" is filled in by the ledger" },
        { "{\"recorded_at\":\"x\"}", false, "\"recorded_at\" is filled in by the ledger" },
        { "{\"seq\":-1}", true, "\"seq\" must not be negative" },
        { "{\"recorded_at\":5}", true, "\"recorded_at\" must be a string" },
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases[0]; index++) {
        char errstr[256] = "";
        Shanhai__V1__LedgerEvent *event
            = s_parse (cases[index].json, cases[index].recorded, errstr, sizeof errstr);
        cr_assert_null (event, "%s", cases[index].json);
        cr_assert_str_eq (errstr, cases[index].error, "%s", cases[index].json);
    }
}

Test (event_json, a_kinds_own_fields_follow_the_memo_and_only_its_own)
{
    Shanhai__V1__LedgerEvent event = SHANHAI__V1__LEDGER_EVENT__INIT;
    event.id = "i1";
    event.kind = "investment";
    event.pairing = "wz-01";
    event.date = "2019-04-15";
    event.amount_fen = 700;
    event.project = "茶园";
    event.sector = "tourism";
    event.continued = true;
    json_t *object = event_json_from_event (&event, false);
    char *text = json_dumps (object, JSON_PRESERVE_ORDER | JSON_COMPACT);
    cr_assert_str_eq (text, "{\"id\":\"i1\",\"kind\":\"investment\",\"pair\":\"wz-01\","
                            "\"from\":\"\",\"to\":\"\",\"date\":\"2019-04-15\",\"amount_fen\":700,"
                            "\"memo\":\"\","
                            "\"project\":\"茶园\",\"sector\":\"tourism\",\"park\":\"\","
                            "\"continued\":true}");
    char errstr[256] = "";
    Shanhai__V1__LedgerEvent *back = event_json_to_event (object, false, errstr, sizeof errstr);
    cr_assert (back, "%s", errstr);
    cr_assert_null (event_json_attr_difference (back, &event));
    cr_assert_eq (event_json_attrs (back),
                  VOCAB_ATTR_BIT (VOCAB_ATTR_PROJECT) | VOCAB_ATTR_BIT (VOCAB_ATTR_SECTOR)
                      | VOCAB_ATTR_BIT (VOCAB_ATTR_CONTINUED));
    char *sector = back->sector;  // its own copy: put back before the free
    back->sector = "health";
    cr_assert_str_eq (event_json_attr_difference (back, &event), "sector");
    back->sector = sector;
    event_json_free (&back);
    free (text);
    json_decref (object);
}

Test (event_json, every_own_field_reads_back)
{
    char errstr[256] = "";
    Shanhai__V1__LedgerEvent *event = s_parse (
        "{\"id\":\"x\",\"kind\":\"k\",\"of\":\"d1\",\"year\":2022,\"project\":\"p\","
        "\"sector\":\"s\",\"park\":\"k1\",\"category\":\"gov\",\"continued\":false,"
        "\"signed\":3,\"field\":\"health\",\"persons\":30,\"level\":\"division\","
        "\"person\":\"王\",\"start\":\"2021-01-01\",\"end\":\"2022-01-01\",\"region\":\"r\","
        "\"code\":\"c\",\"value\":\"8.5\"}", false, errstr, sizeof errstr);
    cr_assert (event, "%s", errstr);
    cr_assert_str_eq (event->of, "d1");
    cr_assert_eq (event->year, 2022);
    cr_assert_eq (event->signed_projects, 3);
    cr_assert_eq (event->persons, 30);
    cr_assert_not (event->continued);
    cr_assert_str_eq (event->end, "2022-01-01");
    cr_assert_str_eq (event->value, "8.5");
    cr_assert_eq (event_json_attrs (event), ((1u << VOCAB_ATTR_COUNT) - 1)
                                                & ~VOCAB_ATTR_BIT (VOCAB_ATTR_CONTINUED));
    event_json_free (&event);
}

Test (event_json, a_value_may_come_as_a_number_and_stays_exact_text)
{
    const char *cases[][2] = { { "8.5", "8.5" }, { "25000", "25000" }, { "0.1", "0.1" },
                               { "-1.25", "-1.25" }, { "90.0", "90" }, { "1.23456", "1.2346" } };
    for (size_t index = 0; index < sizeof cases / sizeof cases[0]; index++) {
        char json[64], errstr[256] = "";
        snprintf (json, sizeof json, "{\"value\":%s}", cases[index][0]);
        Shanhai__V1__LedgerEvent *event = s_parse (json, false, errstr, sizeof errstr);
        cr_assert (event, "%s", errstr);
        cr_assert_str_eq (event->value, cases[index][1], "%s", cases[index][0]);
        event_json_free (&event);
    }
}

Test (event_json, own_fields_of_the_wrong_type_are_named)
{
    struct { const char *json; const char *error; } cases[] = {
        { "{\"of\":1}", "\"of\" must be a string" },
        { "{\"year\":\"2021\"}", "\"year\" must be a whole number" },
        { "{\"year\":3000000000}", "\"year\" is out of range" },
        { "{\"signed\":1.5}", "\"signed\" must be a whole number" },
        { "{\"continued\":\"yes\"}", "\"continued\" must be true or false" },
        { "{\"value\":[]}", "\"value\" must be a decimal number or its text" },
        { "{\"signed_projects\":1}", "\"signed_projects\" is not a field of an event" },
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases[0]; index++) {
        char errstr[256] = "";
        Shanhai__V1__LedgerEvent *event = s_parse (cases[index].json, false, errstr,
                                                   sizeof errstr);
        cr_assert_null (event, "%s", cases[index].json);
        cr_assert_str_eq (errstr, cases[index].error, "%s", cases[index].json);
    }
}
