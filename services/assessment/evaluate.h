/*  evaluate.h: the compliance semantics of DESIGN.md, as pure functions of days and numbers.

    For a target T over a period from S to the deadline D, as of day d:
      actual >= T                              MET
      d > D and actual < T                     BREACHED
      actual * (D - S) >= T * (d - S)          ON_TRACK (linear pro-rating by day)
      otherwise                                AT_RISK
    All in integers: expected = ceil (T * (d - S) / (D - S)), so that ON_TRACK is exactly
    actual >= expected. */
#ifndef SHANHAI_EVALUATE_H
#define SHANHAI_EVALUATE_H

#include <stdbool.h>
#include <stdint.h>
#include "common/proto.h"
#include "policy.h"

typedef struct {
    int32_t start;     // S, first day counted
    int32_t deadline;  // D, last day to meet the target
} evaluate_period_t;

// The period of rule in year for a pairing active from pair_start to pair_end (days): the
// year from Jan 1 (or the pairing's start, if later) to the rule's deadline (or the pairing's
// end, if earlier). Returns false when the rule does not apply to that year (outside its
// from_year..to_year, or the pairing not active in the period).
bool evaluate_period (const policy_rule_t *rule, int year, int32_t pair_start, int32_t pair_end,
                      evaluate_period_t *period);
// What the pro-rated target asks for by today: 0 before the start, the target from the
// deadline on.
int64_t evaluate_expected (int64_t target, evaluate_period_t period, int32_t today);
// The status of actual against target as of today.
Shanhai__V1__ComplianceStatus evaluate_status (int64_t actual, int64_t target,
                                               evaluate_period_t period, int32_t today);

#endif
