/*  alert_rules.h: which compliance changes become alerts, for whom, and what they say. Pure:
    no sockets, no SQLite, no clock.

    A change is news when the new status is AT_RISK, BREACHED or MET, or when it comes back to
    ON_TRACK from AT_RISK or BREACHED. A first ON_TRACK (previous COMPLIANCE_NONE) is not news,
    nor is ON_TRACK -> ON_TRACK, nor NO_DATA, nor a status that did not change. The party
    secretaries, county heads and liaison officers of the pair hear of every such change; the
    program office hears of breaches only. */
#ifndef SHANHAI_ALERT_RULES_H
#define SHANHAI_ALERT_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include "common/proto.h"

// True when a change from previous to status is worth an alert. Total over every value of
// both enums (an unknown value is not news).
bool alert_rules_is_news (Shanhai__V1__ComplianceStatus previous,
                          Shanhai__V1__ComplianceStatus status);

// True when a person of role hears of a change to status (which is news).
bool alert_rules_tells (Shanhai__V1__Role role, Shanhai__V1__ComplianceStatus status);

// Picks who hears of a change to status among people (registry.People's answer): those whose
// role is told (alert_rules_tells) and whose id is a valid id (an id that is not could not
// stand in a topic), each person id once, in the order of people (a person listed twice, in
// two roles, is told once). Writes borrowed pointers into out, which has room for
// people->n_people entries, and returns how many.
size_t alert_rules_recipients (const Shanhai__V1__PersonList *people,
                               Shanhai__V1__ComplianceStatus status,
                               const Shanhai__V1__Person **out);

// Writes the alert's text, one line for people: the status, the pair (id, recipient name <-
// supporter name), the year, the rule (id and title), actual against target (money in yuan
// with thousands separators and two decimals, counts as counts), what was expected by as_of,
// the previous status ("new" for a first one) and the citation. A text longer than
// out_size - 1 bytes (out_size at most ALERT_TEXT_BYTES_MAX) is cut on a UTF-8 character
// boundary, so that valid UTF-8 in stays valid UTF-8 out. change->rule must not be NULL.
void alert_rules_text (const Shanhai__V1__ComplianceChange *change, char *out, size_t out_size);

#endif
