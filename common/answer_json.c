#include "common/answer_json.h"

#include <time.h>

// "2026-11-23T05:23:32Z" and its NUL.
#define S_AT_TEXT_BYTES 21

static json_t *
s_region (const char *code, const char *name)
{
    return json_pack ("{s:s, s:s}", "code", code, "name", name);
}

json_t *
answer_json_pairing (const Shanhai__V1__Pairing *p)
{
    return json_pack ("{s:s, s:s, s:o, s:o, s:s, s:s}", "id", p->id, "program", p->program,
                      "recipient", s_region (p->recipient, p->recipient_name), "supporter",
                      s_region (p->supporter, p->supporter_name), "start", p->start, "end",
                      p->end);
}

json_t *
answer_json_pairings (const Shanhai__V1__Pairing *const *pairings, size_t count)
{
    json_t *array = json_array ();
    for (size_t index = 0; array && index < count; index++)
        if (json_array_append_new (array, answer_json_pairing (pairings[index]))) {
            json_decref (array);
            array = NULL;
        }
    return array;
}

json_t *
answer_json_status (const Shanhai__V1__StatusReply *reply)
{
    json_t *rules = json_array ();
    for (size_t index = 0; rules && index < reply->n_rules; index++) {
        const Shanhai__V1__RuleStatus *r = reply->rules[index];
        if (json_array_append_new (
                rules, json_pack ("{s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, "
                                  "s:s, s:i}", "rule", r->rule,
                                  "status", compliance_status_name (r->status), "actual",
                                  (json_int_t) r->actual, "target", (json_int_t) r->target,
                                  "expected", (json_int_t) r->expected, "unit", r->unit,
                                  "source", r->source, "scope", r->scope, "subject",
                                  r->subject, "period", r->period, "deadline", r->deadline,
                                  "colour", r->colour, "version", (int) r->version))) {
            json_decref (rules);
            rules = NULL;
        }
    }
    if (!rules)
        return NULL;
    return json_pack ("{s:s, s:i, s:s, s:o}", "pair", reply->pairing, "year", reply->year,
                      "as_of", reply->as_of, "rules", rules);
}

json_t *
answer_json_alert (const Shanhai__V1__Alert *alert)
{
    char at[S_AT_TEXT_BYTES] = "";
    time_t seconds = (time_t) (alert->at_ms / 1000);
    struct tm utc;
    if (!gmtime_r (&seconds, &utc) || strftime (at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &utc) == 0)
        at[0] = '\0';
    return json_pack ("{s:I, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s}", "id",
                      (json_int_t) alert->id, "person", alert->person, "pair", alert->pairing,
                      "rule", alert->rule, "year", alert->year, "status",
                      compliance_status_name (alert->status), "previous",
                      compliance_status_name (alert->previous), "text", alert->text, "at", at);
}
