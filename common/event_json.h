/*  event_json.h: the one JSON shape of a ledger event, everywhere an event leaves or enters
    shanhai as JSON: `shanhai record --json`, `shanhai ledger --json`, import and export files,
    the HTTP gateway.

        {"id", "kind", "pair", "from", "to", "date", "amount_fen", "memo"}
    plus what the ledger fills in once recorded: "seq", "program", "recorded_at" (ISO UTC
    time), "registry_version". After "memo" come the kind's own fields, those its row of the
    vocabulary allows (vocab_attr_t): "of", "year", "project", "sector", "park", "category",
    "continued" (true/false), "signed", "field", "persons", "level", "person", "start", "end",
    "region", "code", "value" (a decimal as text, "8.5"; read from a number too). Numbers are
    JSON integers, the rest strings. A field that no kind knows is refused by name; whether
    the kind has it is the ledger's to judge. */
#ifndef SHANHAI_EVENT_JSON_H
#define SHANHAI_EVENT_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include "common/proto.h"

// The JSON object of event (a new reference, the caller's). recorded adds the fields the
// ledger fills in. Returns NULL only when out of memory.
json_t *event_json_from_event (const Shanhai__V1__LedgerEvent *event, bool recorded);

// Builds a new event from object, checking each member's type and refusing unknown members
// and the fields only the ledger fills in (except when recorded: an export read back), with
// one line naming the member in errstr. What the event means (a valid kind, a positive
// amount) is the ledger's to judge. Returns the event (free it with event_json_free) or NULL.
Shanhai__V1__LedgerEvent *event_json_to_event (const json_t *object, bool recorded,
                                               char *errstr, size_t errstr_size);
// The kinds' own fields that event says (not at their default), as VOCAB_ATTR_BIT bits.
unsigned event_json_attrs (const Shanhai__V1__LedgerEvent *event);
// The JSON key of the first of the kinds' own fields in which a and b differ, or NULL. The
// name is a constant.
const char *event_json_attr_difference (const Shanhai__V1__LedgerEvent *a,
                                        const Shanhai__V1__LedgerEvent *b);
// Frees an event made by event_json_to_event; safe on NULL; nulls *event_p.
void event_json_free (Shanhai__V1__LedgerEvent **event_p);

#endif
