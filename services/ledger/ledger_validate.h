/*  ledger_validate.h: what makes an event recordable. Pure: no sockets, no SQLite, no clock of
    its own (the caller passes the day the registry last announced).

    The kinds, and what each requires, allows or forbids (amount_fen, from) and which way it
    goes between the two counties, are the vocabulary's (common/vocab.h): this module knows no
    kind by name. Every error is one line that names the field and repeats what was refused,
    escaped (validate_echo), with the reason: `memo contains a control character (\x1b) at
    byte 5`, `id "a\x0ab" has a character outside A-Z a-z 0-9 . _ : - at byte 1`.

    A check runs in two steps because the pairing comes from the registry, between them:
    ledger_validate_event (everything the event says by itself, and its date against the
    clock), then ledger_validate_pairing (the event against its pairing). */
#ifndef SHANHAI_LEDGER_VALIDATE_H
#define SHANHAI_LEDGER_VALIDATE_H

#include <stddef.h>
#include <stdint.h>
#include "common/proto.h"
#include "common/vocab.h"

// Kept for the suites that build events by hand (test_ledger_server.c); new code names kinds
// through common/vocab.h. These two go once nothing uses them.
#define LEDGER_KIND_AID_FUNDS VOCAB_KIND_AID_FUNDS
#define LEDGER_KIND_LEADER_VISIT VOCAB_KIND_LEADER_VISIT
// The clock before the registry's first clock.changed: the ledger cannot tell "in the future"
// yet, and Record answers UNAVAILABLE.
#define LEDGER_CLOCK_UNKNOWN (-1)

// Checks what needs no registry: id, kind, pairing id (required, optional or forbidden by the
// kind's scope), memo, date, region ids, what the kind requires or forbids (amount_fen, from,
// its own fields) and their values at their limits (limits.h), and the date against clock_day
// (days since 1970-01-01; LEDGER_CLOCK_UNKNOWN skips that one check, and the caller answers
// UNAVAILABLE).
// Returns OK, or INVALID with one line in errstr.
rpc_status_t ledger_validate_event (const Shanhai__V1__LedgerEvent *event, int32_t clock_day,
                                    char *errstr, size_t errstr_size);
// Checks an event that passed ledger_validate_event against its pairing: active on the date,
// regions in the kind's direction (vocab_kind_route). Fills in what the ledger owns or infers:
// program (always, from the pairing) and from/to where the kind's direction tells them (an
// event between the pair as a whole keeps them empty). The strings it puts in
// are the event's own (malloc'd, as protobuf_c_message_free_unpacked expects); a string it
// replaces is freed unless it is protobuf_c_empty_string, so the event must be an unpacked
// message or hold only protobuf_c_empty_string in from_region, to_region and program.
// Returns OK, INVALID with one line in errstr, or INTERNAL when out of memory.
rpc_status_t ledger_validate_pairing (Shanhai__V1__LedgerEvent *event,
                                      const Shanhai__V1__Pairing *pairing, char *errstr,
                                      size_t errstr_size);
// The first field in which two events differ ("kind", "pairing", "from", "to", "amount_fen",
// "date", "memo", then the kinds' own fields by their JSON keys: "of", "year", ...), or NULL
// when they record the same thing. Ids and what the ledger fills in
// (program, seq, recorded_at_ms) are not compared. The name is a constant.
const char *ledger_validate_difference (const Shanhai__V1__LedgerEvent *a,
                                        const Shanhai__V1__LedgerEvent *b);

#endif
