#include "alert_rules.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "common/limits.h"
#include "common/money.h"
#include "common/validate.h"

// Room for one quantity: "-92,233,720,368,547,758.08" and a unit fit well within it.
#define ALERT_QUANTITY_BYTES 48

bool
alert_rules_is_news (Shanhai__V1__ComplianceStatus previous, Shanhai__V1__ComplianceStatus status)
{
    switch (status) {
    case SHANHAI__V1__COMPLIANCE_STATUS__AT_RISK:
    case SHANHAI__V1__COMPLIANCE_STATUS__BREACHED:
    case SHANHAI__V1__COMPLIANCE_STATUS__MET:
        return previous != status;
    case SHANHAI__V1__COMPLIANCE_STATUS__ON_TRACK:
        return previous == SHANHAI__V1__COMPLIANCE_STATUS__AT_RISK
               || previous == SHANHAI__V1__COMPLIANCE_STATUS__BREACHED;
    default:
        return false;
    }
}

// The names of the scopes, in the order of alert_scope_t.
static const char *s_scopes[] = { "pair", "supporter", "recipient", "park", "program", "region" };
_Static_assert (sizeof s_scopes / sizeof s_scopes[0] == ALERT_SCOPE_INVALID,
                "a name for every scope");

alert_scope_t
alert_rules_scope (const char *name)
{
    assert (name);
    if (!*name)
        return ALERT_SCOPE_PAIR;
    for (int scope = 0; scope < ALERT_SCOPE_INVALID; scope++)
        if (strcmp (name, s_scopes[scope]) == 0)
            return (alert_scope_t) scope;
    return ALERT_SCOPE_INVALID;
}

const char *
alert_rules_scope_name (alert_scope_t scope)
{
    return scope >= ALERT_SCOPE_PAIR && scope < ALERT_SCOPE_INVALID ? s_scopes[scope] : "";
}

bool
alert_rules_tells (alert_scope_t scope, Shanhai__V1__Role role,
                   Shanhai__V1__ComplianceStatus status)
{
    if (scope == ALERT_SCOPE_INVALID)
        return false;
    // A program-wide total is the office's own business: it hears of every change, and the
    // counties, whose part in it is not theirs alone, hear nothing.
    if (scope == ALERT_SCOPE_PROGRAM)
        return role == SHANHAI__V1__ROLE__PROGRAM_OFFICE;
    switch (role) {
    case SHANHAI__V1__ROLE__PARTY_SECRETARY:
    case SHANHAI__V1__ROLE__COUNTY_HEAD:
    case SHANHAI__V1__ROLE__LIAISON_OFFICER:
        return true;
    case SHANHAI__V1__ROLE__PROGRAM_OFFICE:
        return status == SHANHAI__V1__COMPLIANCE_STATUS__BREACHED;
    default:
        return false;
    }
}

size_t
alert_rules_recipients (const Shanhai__V1__PersonList *people, alert_scope_t scope,
                        Shanhai__V1__ComplianceStatus status, const Shanhai__V1__Person **out)
{
    assert (people && out);
    size_t count = 0;
    for (size_t index = 0; index < people->n_people; index++) {
        const Shanhai__V1__Person *person = people->people[index];
        if (!alert_rules_tells (scope, person->role, status) || !validate_id (person->id))
            continue;
        // Checked against those already told, not those listed: a person listed first in a
        // role that is not told (the program office) and then in one that is still hears it.
        bool told = false;
        for (size_t before = 0; before < count && !told; before++)
            told = strcmp (out[before]->id, person->id) == 0;
        if (!told)
            out[count++] = person;
    }
    assert (count <= people->n_people);
    return count;
}

static void
s_quantity (const Shanhai__V1__RuleStatus *rule, int64_t value, bool with_unit, char *out,
            size_t out_size)
{
    if (strcmp (rule->unit, "fen") == 0) {
        money_format_yuan (value, out, out_size);
        if (with_unit)
            snprintf (out + strlen (out), out_size - strlen (out), " yuan");
    } else
        snprintf (out, out_size, "%lld", (long long) value);
}

// Cuts text, which holds at least size - 1 bytes when it is too long, to at most size - 1
// bytes, never inside a UTF-8 sequence: a continuation byte (10xxxxxx) at the cut means the
// character it belongs to would be split, so the cut moves back to that character's start.
static void
s_cut_utf8 (char *text, size_t size)
{
    if (strlen (text) < size)
        return;
    size_t cut = size - 1;
    while (cut > 0 && ((unsigned char) text[cut] & 0xC0) == 0x80)
        cut--;
    text[cut] = '\0';
}

// Appends what format says to the text in out (out_size bytes), as much as fits.
static void __attribute__ ((format (printf, 3, 4)))
s_append (char *out, size_t out_size, const char *format, ...)
{
    size_t length = strlen (out);
    if (length + 1 >= out_size)
        return;
    va_list arguments;
    va_start (arguments, format);
    vsnprintf (out + length, out_size - length, format, arguments);
    va_end (arguments);
}

void
alert_rules_text (const Shanhai__V1__ComplianceChange *change, const char *subject_name,
                  char *out, size_t out_size)
{
    assert (change && change->rule && out);
    assert (out_size > 0 && out_size <= ALERT_TEXT_BYTES_MAX);
    const Shanhai__V1__RuleStatus *rule = change->rule;
    char actual[ALERT_QUANTITY_BYTES], target[ALERT_QUANTITY_BYTES];
    char expected[ALERT_QUANTITY_BYTES];
    s_quantity (rule, rule->actual, true, actual, sizeof actual);
    s_quantity (rule, rule->target, false, target, sizeof target);
    s_quantity (rule, rule->expected, false, expected, sizeof expected);
    const char *previous = compliance_status_name (change->previous);
    char was[48], year[16];
    if (change->warning_days)
        snprintf (was, sizeof was, "%u days to the deadline", change->warning_days);
    else
        snprintf (was, sizeof was, "was %s", *previous ? previous : "new");
    snprintf (year, sizeof year, "%d", change->year);
    // One byte more than the output may hold: the byte after the cut tells s_cut_utf8 whether
    // a character straddles it.
    char line[ALERT_TEXT_BYTES_MAX + 1] = "";
    s_append (line, out_size + 1, "[%s] ",
              change->warning_days ? "WARNING" : compliance_status_name (rule->status));
    // Whose rule it is: a pair by its id and counties, any other subject by its name (or its
    // code alone when it has none), scope and code.
    if (alert_rules_scope (rule->scope) == ALERT_SCOPE_PAIR)
        s_append (line, out_size + 1, "%s %s <- %s", change->pairing, change->recipient_name,
                  change->supporter_name);
    else if (subject_name && *subject_name)
        s_append (line, out_size + 1, "%s (%s %s)", subject_name, rule->scope, rule->subject);
    else
        s_append (line, out_size + 1, "%s (%s)", rule->subject, rule->scope);
    s_append (line, out_size + 1, ", %s %s %s: actual %s of %s (expected %s by %s; %s). "
              "Source: %s", *rule->period ? rule->period : year, rule->rule, rule->title,
              actual, target, expected, change->as_of, was, rule->source);
    s_cut_utf8 (line, out_size);
    memcpy (out, line, strlen (line) + 1);
    assert (strlen (out) < out_size);
}
