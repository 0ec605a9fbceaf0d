#include "alert_rules.h"

#include <assert.h>
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

bool
alert_rules_tells (Shanhai__V1__Role role, Shanhai__V1__ComplianceStatus status)
{
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
alert_rules_recipients (const Shanhai__V1__PersonList *people,
                        Shanhai__V1__ComplianceStatus status, const Shanhai__V1__Person **out)
{
    assert (people && out);
    size_t count = 0;
    for (size_t index = 0; index < people->n_people; index++) {
        const Shanhai__V1__Person *person = people->people[index];
        if (!alert_rules_tells (person->role, status) || !validate_id (person->id))
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

void
alert_rules_text (const Shanhai__V1__ComplianceChange *change, char *out, size_t out_size)
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
    char was[48];
    if (change->warning_days)
        snprintf (was, sizeof was, "%u days to the deadline", change->warning_days);
    else
        snprintf (was, sizeof was, "was %s", *previous ? previous : "new");
    // One byte more than the output may hold: the byte after the cut tells s_cut_utf8 whether
    // a character straddles it.
    char line[ALERT_TEXT_BYTES_MAX + 1];
    snprintf (line, out_size + 1,
              "[%s] %s %s <- %s, %d %s %s: actual %s of %s (expected %s by %s; %s). "
              "Source: %s",
              change->warning_days ? "WARNING" : compliance_status_name (rule->status),
              change->pairing, change->recipient_name, change->supporter_name, change->year,
              rule->rule, rule->title, actual, target, expected, change->as_of, was,
              rule->source);
    s_cut_utf8 (line, out_size);
    memcpy (out, line, strlen (line) + 1);
    assert (strlen (out) < out_size);
}
