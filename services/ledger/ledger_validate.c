#include "ledger_validate.h"

#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/date.h"
#include "common/limits.h"
#include "common/validate.h"

static rpc_status_t
s_invalid (char *errstr, size_t errstr_size, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

static rpc_status_t
s_invalid (char *errstr, size_t errstr_size, const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    vsnprintf (errstr, errstr_size, fmt, args);
    va_end (args);
    return RPC_INVALID;
}

static bool
s_is_kind (const char *kind, const char *name)
{
    return strcmp (kind, name) == 0;
}

rpc_status_t
ledger_validate_event (const Shanhai__V1__LedgerEvent *event, int32_t clock_day, char *errstr,
                       size_t errstr_size)
{
    assert (event && errstr);
    int32_t day;
    if (!validate_id (event->id))
        return s_invalid (errstr, errstr_size, "event id \"%.80s\" must be 1..%d characters of "
                          "A-Z a-z 0-9 . _ : -", event->id, ID_BYTES_MAX - 1);
    bool funds = s_is_kind (event->kind, LEDGER_KIND_AID_FUNDS);
    if (!funds && !s_is_kind (event->kind, LEDGER_KIND_LEADER_VISIT))
        return s_invalid (errstr, errstr_size, "kind \"%.40s\" must be " LEDGER_KIND_AID_FUNDS
                          " or " LEDGER_KIND_LEADER_VISIT, event->kind);
    if (!validate_id (event->pairing))
        return s_invalid (errstr, errstr_size, "pairing \"%.80s\" is not a valid id",
                          event->pairing);
    if (!validate_text (event->memo, EVENT_MEMO_BYTES_MAX, true))
        return s_invalid (errstr, errstr_size, "memo must be UTF-8 text of at most %d bytes",
                          EVENT_MEMO_BYTES_MAX - 1);
    if (date_parse (event->date, &day))
        return s_invalid (errstr, errstr_size, "date \"%.20s\" is not a date YYYY-MM-DD in "
                          "%d..%d", event->date, DATE_YEAR_MIN, DATE_YEAR_MAX);
    if (clock_day != LEDGER_CLOCK_UNKNOWN && day > clock_day) {
        char today[DATE_TEXT_BYTES];
        date_format (clock_day, today);
        return s_invalid (errstr, errstr_size, "date %s is after today (%s)", event->date,
                          today);
    }
    if (funds && (event->amount_fen <= 0 || event->amount_fen > AMOUNT_FEN_MAX))
        return s_invalid (errstr, errstr_size, "amount_fen must be 1..%lld for aid-funds, not "
                          "%" PRId64, AMOUNT_FEN_MAX, event->amount_fen);
    if (!funds && event->amount_fen != 0)
        return s_invalid (errstr, errstr_size, "a leader-visit has no amount (amount_fen %"
                          PRId64 ")", event->amount_fen);
    if (!funds && !*event->from_region)
        return s_invalid (errstr, errstr_size, "a leader-visit needs from: the visiting county");
    if ((*event->from_region && !validate_id (event->from_region))
        || (*event->to_region && !validate_id (event->to_region)))
        return s_invalid (errstr, errstr_size, "from and to must be region codes");
    return RPC_OK;
}

// Puts a copy of value in *field, freeing what was there unless it is protobuf-c's shared
// empty string (the default of an unpacked message, never allocated). Returns false when out
// of memory, with *field unchanged.
static bool
s_replace (char **field, const char *value)
{
    char *copy = strdup (value);
    if (!copy)
        return false;
    if (*field != protobuf_c_empty_string)
        free (*field);
    *field = copy;
    return true;
}

// Fills in a region left empty (see s_replace).
static bool
s_default (char **field, const char *value)
{
    return **field || s_replace (field, value);
}

// aid-funds go from the supporter to the recipient, never the other way.
static rpc_status_t
s_check_funds (Shanhai__V1__LedgerEvent *event, const Shanhai__V1__Pairing *pairing,
               char *errstr, size_t errstr_size)
{
    if ((*event->from_region && strcmp (event->from_region, pairing->supporter) != 0)
        || (*event->to_region && strcmp (event->to_region, pairing->recipient) != 0))
        return s_invalid (errstr, errstr_size, "aid funds of pairing %s go from %s to %s, "
                          "not from %s to %s", pairing->id, pairing->supporter,
                          pairing->recipient, *event->from_region ? event->from_region : "-",
                          *event->to_region ? event->to_region : "-");
    if (!s_default (&event->from_region, pairing->supporter)
        || !s_default (&event->to_region, pairing->recipient))
        return RPC_INTERNAL;
    return RPC_OK;
}

// A visit goes from either county of the pair to the other.
static rpc_status_t
s_check_visit (Shanhai__V1__LedgerEvent *event, const Shanhai__V1__Pairing *pairing,
               char *errstr, size_t errstr_size)
{
    bool from_recipient = strcmp (event->from_region, pairing->recipient) == 0;
    if (!from_recipient && strcmp (event->from_region, pairing->supporter) != 0)
        return s_invalid (errstr, errstr_size, "a visit of pairing %s is from %s or %s, not %s",
                          pairing->id, pairing->recipient, pairing->supporter,
                          event->from_region);
    const char *other = from_recipient ? pairing->supporter : pairing->recipient;
    if (*event->to_region && strcmp (event->to_region, other) != 0)
        return s_invalid (errstr, errstr_size, "a visit from %s goes to %s, not %s",
                          event->from_region, other, event->to_region);
    return s_default (&event->to_region, other) ? RPC_OK : RPC_INTERNAL;
}

rpc_status_t
ledger_validate_pairing (Shanhai__V1__LedgerEvent *event, const Shanhai__V1__Pairing *pairing,
                         char *errstr, size_t errstr_size)
{
    assert (event && pairing && errstr);
    int32_t day, start, end;
    if (date_parse (event->date, &day))
        return s_invalid (errstr, errstr_size, "date \"%.20s\" is not a date", event->date);
    // The registry validates what it stores; a pairing without dates is its fault, not ours.
    if (date_parse (pairing->start, &start) || date_parse (pairing->end, &end))
        return s_invalid (errstr, errstr_size, "pairing %s has no valid dates in the registry "
                          "(%.20s..%.20s)", pairing->id, pairing->start, pairing->end);
    if (day < start || day > end)
        return s_invalid (errstr, errstr_size, "pairing %s is not active on %s (active %s..%s)",
                          pairing->id, event->date, pairing->start, pairing->end);
    if (!s_replace (&event->program, pairing->program))
        return RPC_INTERNAL;
    if (s_is_kind (event->kind, LEDGER_KIND_AID_FUNDS))
        return s_check_funds (event, pairing, errstr, errstr_size);
    return s_check_visit (event, pairing, errstr, errstr_size);
}

const char *
ledger_validate_difference (const Shanhai__V1__LedgerEvent *a, const Shanhai__V1__LedgerEvent *b)
{
    if (strcmp (a->kind, b->kind) != 0)
        return "kind";
    if (strcmp (a->pairing, b->pairing) != 0)
        return "pairing";
    if (strcmp (a->from_region, b->from_region) != 0)
        return "from";
    if (strcmp (a->to_region, b->to_region) != 0)
        return "to";
    if (a->amount_fen != b->amount_fen)
        return "amount_fen";
    if (strcmp (a->date, b->date) != 0)
        return "date";
    if (strcmp (a->memo, b->memo) != 0)
        return "memo";
    return NULL;
}
