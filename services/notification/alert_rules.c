#include "alert_rules.h"

#include <stdio.h>
#include <string.h>
#include "common/money.h"

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

static void
s_quantity (const Shanhai__V1__RuleStatus *rule, int64_t value, char *out, size_t out_size)
{
    if (strcmp (rule->unit, "fen") == 0) {
        char yuan[48];
        money_format_yuan (value, yuan, sizeof yuan);
        snprintf (out, out_size, "%s yuan", yuan);
    } else
        snprintf (out, out_size, "%lld", (long long) value);
}

// Cuts text at size - 1 bytes or less, never inside a UTF-8 sequence.
static void
s_cut_utf8 (char *text, size_t size)
{
    size_t length = strlen (text);
    if (length < size)
        return;
    size_t cut = size - 1;
    while (cut > 0 && ((unsigned char) text[cut] & 0xC0) == 0x80)
        cut--;
    text[cut] = '\0';
}

void
alert_rules_text (const Shanhai__V1__ComplianceChange *change, char *out, size_t out_size)
{
    const Shanhai__V1__RuleStatus *rule = change->rule;
    char actual[64], target[64], expected[64];
    s_quantity (rule, rule->actual, actual, sizeof actual);
    s_quantity (rule, rule->target, target, sizeof target);
    s_quantity (rule, rule->expected, expected, sizeof expected);
    const char *previous = compliance_status_name (change->previous);
    // Formatted into a larger buffer first, so that the cut below sees whole characters.
    char line[4096];
    snprintf (line, sizeof line,
              "[%s] %s %s <- %s, %d %s %s: actual %s of %s (expected %s by %s; was %s). "
              "Source: %s",
              compliance_status_name (rule->status), change->pairing, change->recipient_name,
              change->supporter_name, change->year, rule->rule, rule->title, actual, target,
              expected, change->as_of, *previous ? previous : "new", rule->source);
    s_cut_utf8 (line, out_size);
    snprintf (out, out_size, "%s", line);
}
