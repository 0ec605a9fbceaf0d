/*  answer_json.h: the JSON shapes of shanhai's answers, one builder per shape, shared by the
    `shanhai` command's --json output and the HTTP gateway's replies, so that both say the same
    thing in the same bytes (README.md, "JSON output"):

      a pairing  {"id","program","recipient":{"code","name"},"supporter":{"code","name"},
                  "start","end"}
      a status   {"pair","year","as_of","rules":[{"rule","status","actual","target",
                  "expected","unit","source","scope","subject","period","deadline",
                  "colour","version"}]}
      a program  {"program","year","as_of","pairs":[status]}
      a scoreboard {"program","year","as_of","version","pairs":[{"rank","pair","recipient",
                  "supporter","score","grade","counts":{"MET","ON_TRACK","AT_RISK",
                  "BREACHED","NO_DATA"}}]}
      an explanation {"pair","rule","year","as_of","program","status","colour","actual",
                  "target","expected","unit","deadline","period","source","version",
                  "entries_total","entries":[{"seq","id","kind","date","value","cancelled"}]}
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
