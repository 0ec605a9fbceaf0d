/*  ledger_validate.h: what makes an event recordable. Pure: no sockets, no SQLite, no clock of
    its own (the caller passes the day the registry last announced).

    Kinds:
      aid-funds     money from the pairing's supporter to its recipient; 0 < amount_fen <=
                    AMOUNT_FEN_MAX; from and to may be left empty and are filled in.
      leader-visit  principal leaders of one county of the pair visit the other; from is
                    required, to is filled in as the other county; amount_fen is 0.

    A check runs in two steps because the pairing comes from the registry, between them:
    ledger_validate_event (everything the event says by itself, and its date against the
    clock), then ledger_validate_pairing (the event against its pairing). */
#ifndef SHANHAI_LEDGER_VALIDATE_H
#define SHANHAI_LEDGER_VALIDATE_H

#include <stddef.h>
#include <stdint.h>
#include "common/proto.h"

#define LEDGER_KIND_AID_FUNDS "aid-funds"
#define LEDGER_KIND_LEADER_VISIT "leader-visit"
// The clock before the registry's first clock.changed: the ledger cannot tell "in the future"
// yet, and Record answers UNAVAILABLE.
#define LEDGER_CLOCK_UNKNOWN (-1)

// Checks what needs no registry: id, kind, pairing id, region ids, date, memo, amount, and
// the date against clock_day (days since 1970-01-01; LEDGER_CLOCK_UNKNOWN skips that one
// check, and the caller answers UNAVAILABLE). Returns OK, or INVALID with one line in errstr.
rpc_status_t ledger_validate_event (const Shanhai__V1__LedgerEvent *event, int32_t clock_day,
                                    char *errstr, size_t errstr_size);
// Checks an event that passed ledger_validate_event against its pairing: active on the date,
// regions in the right direction. Fills in what the ledger owns or infers: program (always,
// from the pairing) and from/to where the kind allows an empty one. The strings it puts in
// are the event's own (malloc'd, as protobuf_c_message_free_unpacked expects); a string it
// replaces is freed unless it is protobuf_c_empty_string, so the event must be an unpacked
// message or hold only protobuf_c_empty_string in from_region, to_region and program.
// Returns OK, INVALID with one line in errstr, or INTERNAL when out of memory.
rpc_status_t ledger_validate_pairing (Shanhai__V1__LedgerEvent *event,
                                      const Shanhai__V1__Pairing *pairing, char *errstr,
                                      size_t errstr_size);
// The first field in which two events differ ("kind", "pairing", "from", "to", "amount_fen",
// "date", "memo"), or NULL when they record the same thing. Ids and what the ledger fills in
// (program, seq, recorded_at_ms) are not compared. The name is a constant.
const char *ledger_validate_difference (const Shanhai__V1__LedgerEvent *a,
                                        const Shanhai__V1__LedgerEvent *b);

#endif
