/*  alert_rules.h: which compliance changes become alerts, for whom, and what they say. Pure:
    no sockets, no SQLite, no clock.

    A change is news when the new status is AT_RISK, BREACHED or MET, or when it comes back to
    ON_TRACK from AT_RISK or BREACHED. A first ON_TRACK (previous COMPLIANCE_NONE) is not news,
    nor is ON_TRACK -> ON_TRACK, nor NO_DATA, nor a status that did not change.

    Who hears of it depends on whose rule it is (the scope of the change's rule, see
    shanhai.v1.ComplianceChange): of a pair's or a park's, the party secretaries, county heads
    and liaison officers of the pair; of a county's (supporter, recipient, region), that
    county's leaders and the liaison officers of its pairings in the program; the program
    office hears of their breaches only. Of the program's own rule (a program-wide total) the
    program office hears of every change that is news, and no one else does. */
#ifndef SHANHAI_ALERT_RULES_H
#define SHANHAI_ALERT_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include "common/proto.h"

// True when a change from previous to status is worth an alert. Total over every value of
// both enums (an unknown value is not news).
bool alert_rules_is_news (Shanhai__V1__ComplianceStatus previous,
                          Shanhai__V1__ComplianceStatus status);

// Whose rule a change is of: the values of RuleStatus.scope.
typedef enum {
    ALERT_SCOPE_PAIR,
    ALERT_SCOPE_SUPPORTER,
    ALERT_SCOPE_RECIPIENT,
    ALERT_SCOPE_PARK,
    ALERT_SCOPE_PROGRAM,
    ALERT_SCOPE_REGION,
    ALERT_SCOPE_INVALID,  // none of the names: the change is malformed
} alert_scope_t;

// The scope named name: "" is ALERT_SCOPE_PAIR (a change published before rules had scopes
// was a pair's); a name that is not a scope's is ALERT_SCOPE_INVALID. name not NULL.
alert_scope_t alert_rules_scope (const char *name);
// The name of scope ("pair", ...), or "" for ALERT_SCOPE_INVALID. Static.
const char *alert_rules_scope_name (alert_scope_t scope);

// True when a person of role hears of a change of a rule of scope to status (which is news).
bool alert_rules_tells (alert_scope_t scope, Shanhai__V1__Role role,
                        Shanhai__V1__ComplianceStatus status);

// Picks who hears of a change of a rule of scope to status among people (those the registry
// attaches to its subject: registry_view_people, _county_people or _office): those whose role
// is told (alert_rules_tells) and whose id is a valid id (an id that is not could not stand in
// a topic), each person id once, in the order of people (a person listed twice, in two roles,
// is told once). Writes borrowed pointers into out, which has room for people->n_people
// entries, and returns how many.
size_t alert_rules_recipients (const Shanhai__V1__PersonList *people, alert_scope_t scope,
                               Shanhai__V1__ComplianceStatus status,
                               const Shanhai__V1__Person **out);

// Writes the alert's text, one line for people: the status; whose rule it is (a pair: its id,
// recipient name <- supporter name; any other subject: its name, then scope and code in
// brackets, "永嘉县 (recipient zj-yongjia)"); the period (the rule's, or the year for a change
// without one); the rule (id and title), actual against target (money in yuan with thousands
// separators and two decimals, counts as counts), what was expected by as_of, the previous
// status ("new" for a first one) or the days to the deadline of a warning, and the citation.
// subject_name is the registry's name of a subject other than a pair (a region's, a park's, a
// program's), borrowed; NULL or "" when it has none, and then the code stands alone. A text
// longer than out_size - 1 bytes (out_size at most ALERT_TEXT_BYTES_MAX) is cut on a UTF-8
// character boundary, so that valid UTF-8 in stays valid UTF-8 out. change->rule must not be
// NULL.
void alert_rules_text (const Shanhai__V1__ComplianceChange *change, const char *subject_name,
                       char *out, size_t out_size);

#endif
