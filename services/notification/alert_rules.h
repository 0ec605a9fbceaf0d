/*  alert_rules.h: which compliance changes become alerts, for whom, and what they say. Pure:
    no sockets, no SQLite.

    A change is news when the new status is AT_RISK, BREACHED or MET, or when it comes back to
    ON_TRACK from AT_RISK or BREACHED. A first ON_TRACK is not news, nor is NO_DATA. The
    leaders and liaison officers of both counties hear of every such change; the program
    office hears of breaches. */
#ifndef SHANHAI_ALERT_RULES_H
#define SHANHAI_ALERT_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include "common/proto.h"

bool alert_rules_is_news (Shanhai__V1__ComplianceStatus previous,
                          Shanhai__V1__ComplianceStatus status);
// Whether a person of role hears of a change to status.
bool alert_rules_tells (Shanhai__V1__Role role, Shanhai__V1__ComplianceStatus status);
// One line for people: the pair, the rule, the year, the status and the previous one,
// actual against target and expected, and the citation. Cut at out_size - 1 bytes on a
// UTF-8 character boundary.
void alert_rules_text (const Shanhai__V1__ComplianceChange *change, char *out, size_t out_size);

#endif
