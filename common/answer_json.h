/*  answer_json.h: the JSON shapes of shanhai's answers, one builder per shape, shared by the
    `shanhai` command's --json output and the HTTP gateway's replies, so that both say the same
    thing in the same bytes (README.md, "JSON output"):

      a pairing  {"id","program","recipient":{"code","name"},"supporter":{"code","name"},
                  "start","end"}
      a verdict  {"rule","title","status","actual","target","expected","unit","source",
                  "scope","subject","period","deadline","colour","version"}
      a status   {"pair","year","as_of","rules":[verdict]}: the pair's rules and its
                  counties' (scope supporter, recipient, region: subject is the county's
                  code), one verdict per period of the year
      a program  {"program","year","as_of","pairs":[status],"subjects":[verdict]}: subjects
                  are the program's own rules (scope program) and its parks' (scope park)
      a scoreboard {"program","year","as_of","version","pairs":[{"rank","pair","recipient",
                  "supporter","score","grade","counts":{"MET","ON_TRACK","AT_RISK",
                  "BREACHED","NO_DATA"}}]}
      an explanation {"pair","scope","subject","rule","title","year","as_of","program",
                  "status","colour","actual","target","expected","unit","deadline","period",
                  "source","version","entries_total","entries":[{"seq","id","kind","date",
                  "value","cancelled","part"}]}: pair is "" for a subject that is no pair's
                  (a park's pairing is its pair); part is what the entry counted for:
                  "actual", "target", "total", "base" or an each-value ("science")
      an alert   {"id","person","pair","rule","year","status","previous","text","at"}

    Numbers are JSON integers (money in fen). Every builder returns a new reference, the
    caller's, or NULL when out of memory; the messages are borrowed. */
#ifndef SHANHAI_ANSWER_JSON_H
#define SHANHAI_ANSWER_JSON_H

#include <jansson.h>
#include <stddef.h>
#include "common/proto.h"

// One pairing of a registry.ListPairings answer (names filled in).
json_t *answer_json_pairing (const Shanhai__V1__Pairing *pairing);
// A list of pairings, in the order given.
json_t *answer_json_pairings (const Shanhai__V1__Pairing *const *pairings, size_t count);
// An assessment.Status answer.
json_t *answer_json_status (const Shanhai__V1__StatusReply *reply);
// An assessment.ProgramStatus answer.
json_t *answer_json_program_status (const Shanhai__V1__ProgramStatusReply *reply);
// An assessment.Scoreboard answer.
json_t *answer_json_scoreboard (const Shanhai__V1__Scoreboard *board);
// An assessment.Explain answer.
json_t *answer_json_explanation (const Shanhai__V1__Explanation *explanation);
// One alert of a notification.Alerts answer or of the live stream; "at" is ISO UTC time.
json_t *answer_json_alert (const Shanhai__V1__Alert *alert);

#endif
