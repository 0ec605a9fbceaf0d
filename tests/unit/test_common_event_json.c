/*  The one JSON shape of an event: written, read back, and every bad member named. */
#include <criterion/criterion.h>
#include <string.h>
#include "common/event_json.h"

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
