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

// One verdict: a row of a status's "rules" and of a program's "subjects".
static json_t *
s_rule_status (const Shanhai__V1__RuleStatus *r)
{
    return json_pack ("{s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i}",
                      "rule", r->rule, "title", r->title, "status",
                      compliance_status_name (r->status), "actual", (json_int_t) r->actual,
                      "target", (json_int_t) r->target, "expected", (json_int_t) r->expected,
                      "unit", r->unit, "source", r->source, "scope", r->scope, "subject",
                      r->subject, "period", r->period, "deadline", r->deadline, "colour",
                      r->colour, "version", (int) r->version);
}

// A list of verdicts, in the order given; NULL when out of memory.
static json_t *
s_rule_statuses (Shanhai__V1__RuleStatus *const *rules, size_t count)
{
    json_t *array = json_array ();
    for (size_t index = 0; array && index < count; index++)
        if (json_array_append_new (array, s_rule_status (rules[index]))) {
            json_decref (array);
            array = NULL;
        }
    return array;
}

json_t *
answer_json_status (const Shanhai__V1__StatusReply *reply)
{
    json_t *rules = s_rule_statuses (reply->rules, reply->n_rules);
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
    return json_pack ("{s:I, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
                      (json_int_t) alert->id, "person", alert->person, "pair", alert->pairing,
                      "rule", alert->rule, "year", alert->year, "status",
                      compliance_status_name (alert->status), "previous",
                      compliance_status_name (alert->previous), "text", alert->text, "at", at,
                      "scope", alert->scope, "subject", alert->subject, "period", alert->period);
}

json_t *
answer_json_program_status (const Shanhai__V1__ProgramStatusReply *reply)
{
    json_t *pairs = json_array ();
    for (size_t index = 0; pairs && index < reply->n_pairs; index++)
        if (json_array_append_new (pairs, answer_json_status (reply->pairs[index]))) {
            json_decref (pairs);
            pairs = NULL;
        }
    json_t *subjects = s_rule_statuses (reply->subjects, reply->n_subjects);
    if (!pairs || !subjects) {
        json_decref (pairs);
        json_decref (subjects);
        return NULL;
    }
    return json_pack ("{s:s, s:i, s:s, s:o, s:o}", "program", reply->program, "year",
                      reply->year, "as_of", reply->as_of, "pairs", pairs, "subjects", subjects);
}

static json_t *
s_scoreboard_entry (const Shanhai__V1__ScoreboardEntry *entry)
{
    return json_pack ("{s:i, s:s, s:s, s:s, s:i, s:s, s:{s:i, s:i, s:i, s:i, s:i}}", "rank",
                      (int) entry->rank, "pair", entry->pairing, "recipient",
                      entry->recipient_name, "supporter", entry->supporter_name, "score",
                      (int) entry->score, "grade", entry->grade, "counts", "MET",
                      (int) entry->met, "ON_TRACK", (int) entry->on_track, "AT_RISK",
                      (int) entry->at_risk, "BREACHED", (int) entry->breached, "NO_DATA",
                      (int) entry->no_data);
}

json_t *
answer_json_scoreboard (const Shanhai__V1__Scoreboard *board)
{
    json_t *pairs = json_array ();
    for (size_t index = 0; pairs && index < board->n_entries; index++)
        if (json_array_append_new (pairs, s_scoreboard_entry (board->entries[index]))) {
            json_decref (pairs);
            pairs = NULL;
        }
    if (!pairs)
        return NULL;
    return json_pack ("{s:s, s:i, s:s, s:i, s:o}", "program", board->program, "year",
                      board->year, "as_of", board->as_of, "version", (int) board->version,
                      "pairs", pairs);
}

// One ledger entry of an explanation.
static json_t *
s_contribution (const Shanhai__V1__Contribution *c)
{
    return json_pack ("{s:I, s:s, s:s, s:s, s:I, s:b, s:s}", "seq", (json_int_t) c->seq, "id",
                      c->id, "kind", c->kind, "date", c->date, "value", (json_int_t) c->value,
                      "cancelled", c->cancelled, "part", c->part);
}

json_t *
answer_json_explanation (const Shanhai__V1__Explanation *e)
{
    const Shanhai__V1__RuleStatus *r = e->rule;
    json_t *entries = json_array ();
    for (size_t index = 0; entries && index < e->n_entries; index++)
        if (json_array_append_new (entries, s_contribution (e->entries[index]))) {
            json_decref (entries);
            entries = NULL;
        }
    if (!entries || !r)
        return json_decref (entries), NULL;
    return json_pack ("{s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s, "
                      "s:s, s:s, s:s, s:i, s:i, s:o}", "pair", e->pairing, "scope", r->scope,
                      "subject", r->subject, "rule", r->rule, "title", r->title, "year", e->year,
                      "as_of", e->as_of, "program", e->program, "status",
                      compliance_status_name (r->status), "colour", r->colour, "actual",
                      (json_int_t) r->actual, "target", (json_int_t) r->target, "expected",
                      (json_int_t) r->expected, "unit", r->unit, "deadline", r->deadline,
                      "period", r->period, "source", r->source, "version", (int) r->version,
                      "entries_total", (int) e->entries_total, "entries", entries);
}
