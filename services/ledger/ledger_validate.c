#include "ledger_validate.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "common/date.h"
#include "common/errstr.h"
#include "common/event_json.h"
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

// text must be one of the names in choices (NULL-terminated).
static int
s_check_choice (const char *field, const char *text, const char *const *choices, char *errstr,
                size_t errstr_size)
{
    char known[VOCAB_NAMES_BYTES_MAX] = "", echo[ERROR_ECHO_BYTES_MAX];
    for (const char *const *choice = choices; *choice; choice++) {
        if (strcmp (*choice, text) == 0)
            return 0;
        if (strlen (known) + strlen (*choice) + 3 < sizeof known)
            strcat (strcat (known, choice == choices ? "" : ", "), *choice);
    }
    validate_echo (text, echo, sizeof echo);
    return errstr_set (errstr, errstr_size, "%s \"%s\" is not one of %s", field, echo, known);
}

static int
s_check_range (const char *field, int64_t value, int64_t min, int64_t max, char *errstr,
               size_t errstr_size)
{
    if (value >= min && value <= max)
        return 0;
    return errstr_set (errstr, errstr_size, "%s must be %lld..%lld, not %lld", field,
                       (long long) min, (long long) max, (long long) value);
}

static int
s_check_name (const char *field, const char *text, char *errstr, size_t errstr_size)
{
    char reason[REASON_BYTES_MAX];
    if (validate_text_problem (text, NAME_BYTES_MAX, false, reason, sizeof reason))
        return errstr_set (errstr, errstr_size, "%s %s", field, reason);
    return 0;
}

// An indicator's value: [-]digits[.digits], at most INDICATOR_VALUE_DIGITS_MAX before the
// point and INDICATOR_VALUE_DECIMALS_MAX after, so that it is exact as text and compares.
static int
s_check_value (const char *text, char *errstr, size_t errstr_size)
{
    const char *at = text + (*text == '-');
    size_t digits = strspn (at, "0123456789"), decimals = 0;
    if (at[digits] == '.')
        decimals = strspn (at + digits + 1, "0123456789");
    size_t length = digits + (at[digits] == '.' ? 1 + decimals : 0);
    if (digits >= 1 && digits <= INDICATOR_VALUE_DIGITS_MAX && at[length] == '\0'
        && (at[digits] != '.' || (decimals >= 1 && decimals <= INDICATOR_VALUE_DECIMALS_MAX)))
        return 0;
    char echo[ERROR_ECHO_BYTES_MAX];
    validate_echo (text, echo, sizeof echo);
    return errstr_set (errstr, errstr_size, "value \"%s\" is not a decimal number with at most "
                       "%d digits and %d decimals, like 8.5", echo, INDICATOR_VALUE_DIGITS_MAX,
                       INDICATOR_VALUE_DECIMALS_MAX);
}

// A cadre's secondment: two dates, start..end, at most CADRE_SECONDMENT_DAYS_MAX long.
static int
s_check_secondment (const Shanhai__V1__LedgerEvent *event, char *errstr, size_t errstr_size)
{
    int32_t start, end;
    const char *bad = date_parse (event->start, &start) ? "start"
                      : date_parse (event->end, &end)   ? "end"
                                                        : NULL;
    if (bad) {
        char echo[ERROR_ECHO_BYTES_MAX];
        validate_echo (*bad == 's' ? event->start : event->end, echo, sizeof echo);
        return errstr_set (errstr, errstr_size, "%s \"%s\" is not a date YYYY-MM-DD in %d..%d",
                           bad, echo, DATE_YEAR_MIN, DATE_YEAR_MAX);
    }
    if (end < start)
        return errstr_set (errstr, errstr_size, "end %s is before start %s", event->end,
                           event->start);
    if (end - start > CADRE_SECONDMENT_DAYS_MAX)
        return errstr_set (errstr, errstr_size, "end %s is more than %d days after start %s",
                           event->end, CADRE_SECONDMENT_DAYS_MAX, event->start);
    return 0;
}

// The values of the kind's own fields the event says (which it may say is the vocabulary's).
static int
s_check_attrs (const Shanhai__V1__LedgerEvent *event, unsigned attrs, char *errstr,
               size_t errstr_size)
{
    static const char *const sectors[] = { "information", "environmental", "health", "tourism",
                                           "fashion", "culture", "finance", "equipment",
                                           "other", NULL };
    static const char *const categories[] = { "gov", "invest", NULL };
    static const char *const fields[] = { "science", "health", "education", "culture", NULL };
    static const char *const levels[] = { "division", "section", NULL };
#define S_SAYS(attr) (attrs & VOCAB_ATTR_BIT (VOCAB_ATTR_##attr))
    if ((S_SAYS (OF) && s_check_id ("of", event->of, errstr, errstr_size))
        || (S_SAYS (YEAR) && s_check_range ("year", event->year, DATE_YEAR_MIN, DATE_YEAR_MAX,
                                            errstr, errstr_size))
        || (S_SAYS (PROJECT) && s_check_name ("project", event->project, errstr, errstr_size))
        || (S_SAYS (SECTOR)
            && s_check_choice ("sector", event->sector, sectors, errstr, errstr_size))
        || (S_SAYS (PARK) && s_check_id ("park", event->park, errstr, errstr_size))
        || (S_SAYS (CATEGORY)
            && s_check_choice ("category", event->category, categories, errstr, errstr_size))
        || (S_SAYS (SIGNED) && s_check_range ("signed", event->signed_projects, 1,
                                              EVENT_SIGNED_PROJECTS_MAX, errstr, errstr_size))
        || (S_SAYS (FIELD) && s_check_choice ("field", event->field, fields, errstr, errstr_size))
        || (S_SAYS (PERSONS) && s_check_range ("persons", event->persons, 1, EVENT_PERSONS_MAX,
                                               errstr, errstr_size))
        || (S_SAYS (LEVEL) && s_check_choice ("level", event->level, levels, errstr, errstr_size))
        || (S_SAYS (PERSON) && s_check_name ("person", event->person, errstr, errstr_size))
        || (S_SAYS (START) && S_SAYS (END) && s_check_secondment (event, errstr, errstr_size))
        || (S_SAYS (REGION) && s_check_id ("region", event->region, errstr, errstr_size))
        || (S_SAYS (CODE) && s_check_id ("code", event->code, errstr, errstr_size))
        || (S_SAYS (VALUE) && s_check_value (event->value, errstr, errstr_size)))
        return -1;
#undef S_SAYS
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
    if (!kind)
        return -1;
    unsigned attrs = event_json_attrs (event);
    vocab_fields_t fields = { .amount_fen = event->amount_fen, .from = event->from_region,
                              .to = event->to_region, .pairing = event->pairing, .attrs = attrs };
    bool needs_pairing = kind->scope == VOCAB_SCOPE_PAIR || *event->pairing;
    if ((needs_pairing && kind->scope != VOCAB_SCOPE_REGION
         && s_check_id ("pairing", event->pairing, errstr, errstr_size))
        || vocab_kind_check (kind, &fields, errstr, errstr_size)
        || s_check_attrs (event, attrs, errstr, errstr_size))
        return -1;
    if (validate_text_problem (event->memo, EVENT_MEMO_BYTES_MAX, true, reason, sizeof reason))
        return errstr_set (errstr, errstr_size, "memo %s", reason);
    if (s_check_date (event->date, clock_day, errstr, errstr_size)
        || (*event->from_region && s_check_id ("from", event->from_region, errstr, errstr_size))
        || (*event->to_region && s_check_id ("to", event->to_region, errstr, errstr_size)))
        return -1;
    return 0;
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
    // A reversal corrects the past: it may come after its pairing ended.
    if (!kind || (kind->scope == VOCAB_SCOPE_PAIR
                  && s_check_active (event, pairing, errstr, errstr_size)))
        return RPC_INVALID;
    vocab_fields_t fields = { .amount_fen = event->amount_fen, .from = event->from_region,
                              .to = event->to_region, .attrs = event_json_attrs (event) };
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
    return event_json_attr_difference (a, b);
}
