/*  ledger_validate.h: what makes an event recordable. Pure: no sockets, no SQLite.

    Kinds:
      aid-funds     money from the pairing's supporter to its recipient; 0 < amount_fen <=
                    AMOUNT_FEN_MAX; from and to may be left empty and are filled in.
      leader-visit  principal leaders of one county of the pair visit the other; from is
                    required, to is filled in as the other county; amount_fen is 0. */
#ifndef SHANHAI_LEDGER_VALIDATE_H
#define SHANHAI_LEDGER_VALIDATE_H

#include <stddef.h>
#include <stdint.h>
#include "common/proto.h"

#define LEDGER_KIND_AID_FUNDS "aid-funds"
#define LEDGER_KIND_LEADER_VISIT "leader-visit"

// Checks what needs no registry: id, kind, date, amount, memo, region ids. Returns OK or
// INVALID with one line in errstr.
rpc_status_t ledger_validate_event (const Shanhai__V1__LedgerEvent *event, char *errstr,
                                    size_t errstr_size);
// Checks the event against its pairing and the clock (day number), and fills in from/to
// where the kind allows (with copies the event owns). Returns OK, INVALID with one line in
// errstr, or INTERNAL when out of memory.
rpc_status_t ledger_validate_pairing (Shanhai__V1__LedgerEvent *event,
                                      const Shanhai__V1__Pairing *pairing, int32_t clock_day,
                                      char *errstr, size_t errstr_size);
// The first field in which two events differ ("kind", "amount_fen"...), or NULL when they
// record the same thing. Ids and what the ledger fills in (seq, program, recorded_at_ms) are
// not compared.
const char *ledger_validate_difference (const Shanhai__V1__LedgerEvent *a,
                                        const Shanhai__V1__LedgerEvent *b);

#endif
