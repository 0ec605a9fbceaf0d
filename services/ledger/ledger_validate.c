#include "ledger_validate.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "common/date.h"
#include "common/errstr.h"
#include "common/limits.h"
#include "common/validate.h"

// Every check below returns 0, or -1 with one line in errstr (errstr_set); the public
// functions turn -1 into INVALID.

// An id field: `<field> "<value, escaped>" <reason>`.
static int
s_check_id (const char *field, const char *value, char *errstr, size_t errstr_size)
{
    char reason[REASON_BYTES_MAX], echo[ERROR_ECHO_BYTES_MAX];
    if (validate_id_problem (value, reason, sizeof reason) == 0)
        return 0;
    validate_echo (value, echo, sizeof echo);
    return errstr_set (errstr, errstr_size, "%s \"%s\" %s", field, echo, reason);
}

// The kind of the event, or NULL with the known kinds in errstr.
static const vocab_kind_t *
s_kind (const char *name, char *errstr, size_t errstr_size)
{
    const vocab_kind_t *kind = vocab_kind_find (name);
    if (!kind) {
        char echo[ERROR_ECHO_BYTES_MAX], known[VOCAB_NAMES_BYTES_MAX];
        validate_echo (name, echo, sizeof echo);
        vocab_kind_names (", ", known, sizeof known);
        errstr_set (errstr, errstr_size, "kind \"%s\" is not a known kind (%s)", echo, known);
    }
    return kind;
}

static int
s_check_date (const char *date, int32_t clock_day, char *errstr, size_t errstr_size)
{
    int32_t day;
    if (date_parse (date, &day)) {
        char echo[ERROR_ECHO_BYTES_MAX];
        validate_echo (date, echo, sizeof echo);
        return errstr_set (errstr, errstr_size, "date \"%s\" is not a date YYYY-MM-DD in "
                           "%d..%d", echo, DATE_YEAR_MIN, DATE_YEAR_MAX);
    }
    if (clock_day != LEDGER_CLOCK_UNKNOWN && day > clock_day) {
        char today[DATE_TEXT_BYTES];
        date_format (clock_day, today);
        return errstr_set (errstr, errstr_size, "date %s is after today (%s)", date, today);
    }
    return 0;
}

static int
s_check_event (const Shanhai__V1__LedgerEvent *event, int32_t clock_day, char *errstr,
               size_t errstr_size)
{
    char reason[REASON_BYTES_MAX];
    if (s_check_id ("id", event->id, errstr, errstr_size))
        return -1;
    const vocab_kind_t *kind = s_kind (event->kind, errstr, errstr_size);
    if (!kind || s_check_id ("pairing", event->pairing, errstr, errstr_size))
        return -1;
    if (validate_text_problem (event->memo, EVENT_MEMO_BYTES_MAX, true, reason, sizeof reason))
        return errstr_set (errstr, errstr_size, "memo %s", reason);
    if (s_check_date (event->date, clock_day, errstr, errstr_size)
        || (*event->from_region && s_check_id ("from", event->from_region, errstr, errstr_size))
        || (*event->to_region && s_check_id ("to", event->to_region, errstr, errstr_size)))
        return -1;
    vocab_fields_t fields
        = { .amount_fen = event->amount_fen, .from = event->from_region, .to = event->to_region };
    return vocab_kind_check (kind, &fields, errstr, errstr_size);
}

rpc_status_t
ledger_validate_event (const Shanhai__V1__LedgerEvent *event, int32_t clock_day, char *errstr,
                       size_t errstr_size)
{
    assert (event && errstr);
    return s_check_event (event, clock_day, errstr, errstr_size) ? RPC_INVALID : RPC_OK;
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

// Fills in a region the event left empty, when the route has one for it (see s_replace).
static bool
s_default (char **field, const char *value)
{
    return **field || !*value || s_replace (field, value);
}

// The pairing must be active on the event's day.
static int
s_check_active (const Shanhai__V1__LedgerEvent *event, const Shanhai__V1__Pairing *pairing,
                char *errstr, size_t errstr_size)
{
    int32_t day, start, end;
    if (date_parse (event->date, &day))  // says why
        return s_check_date (event->date, LEDGER_CLOCK_UNKNOWN, errstr, errstr_size);
    // The registry validates what it stores; a pairing without dates is its fault, not ours.
    if (date_parse (pairing->start, &start) || date_parse (pairing->end, &end))
        return errstr_set (errstr, errstr_size, "pairing %s has no valid dates in the registry "
                           "(%.20s..%.20s)", pairing->id, pairing->start, pairing->end);
    if (day < start || day > end)
        return errstr_set (errstr, errstr_size, "pairing %s is not active on %s (active "
                           "%s..%s)", pairing->id, event->date, pairing->start, pairing->end);
    return 0;
}

rpc_status_t
ledger_validate_pairing (Shanhai__V1__LedgerEvent *event, const Shanhai__V1__Pairing *pairing,
                         char *errstr, size_t errstr_size)
{
    assert (event && pairing && errstr);
    const vocab_kind_t *kind = s_kind (event->kind, errstr, errstr_size);
    if (!kind || s_check_active (event, pairing, errstr, errstr_size))
        return RPC_INVALID;
    vocab_fields_t fields
        = { .amount_fen = event->amount_fen, .from = event->from_region, .to = event->to_region };
    if (vocab_kind_route (kind, pairing->supporter, pairing->recipient, &fields, errstr,
                          errstr_size))
        return RPC_INVALID;
    if (!s_replace (&event->program, pairing->program)
        || !s_default (&event->from_region, fields.from)
        || !s_default (&event->to_region, fields.to))
        return RPC_INTERNAL;
    return RPC_OK;
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
