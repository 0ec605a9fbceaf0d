/*  evaluate.h: the compliance semantics of docs/design.md, as pure functions of days and numbers.

    For a target T over a period from S to the deadline D, as of day d:
      actual >= T                              MET
      d > D and actual < T                     BREACHED
      actual * (D - S) >= T * (d - S)          ON_TRACK (linear pro-rating by day)
      otherwise                                AT_RISK
    All in integers, no floating point: expected = ceil (T * (d - S) / (D - S)), 0 until d
    passes S and T from D on, so that ON_TRACK is exactly actual >= expected. */
#ifndef SHANHAI_EVALUATE_H
#define SHANHAI_EVALUATE_H

#include <stdbool.h>
#include <stdint.h>
#include "common/proto.h"

typedef struct {
    int32_t start;     // S, first day counted
    int32_t deadline;  // D, last day to meet the target (S <= D)
} evaluate_period_t;

// What the pro-rated target asks for by today: 0 up to the start, T from the deadline on,
// rounded up in between; always within 0..target. target must be positive.
int64_t evaluate_expected (int64_t target, evaluate_period_t period, int32_t today);
// The status of actual against target (positive) as of today: MET, BREACHED, ON_TRACK or
// AT_RISK; never COMPLIANCE_NONE.
Shanhai__V1__ComplianceStatus evaluate_status (int64_t actual, int64_t target,
                                               evaluate_period_t period, int32_t today);
// True when a clock move from old_day to new_day crosses the period's deadline
// (old_day <= D < new_day): the move can turn the period BREACHED.
bool evaluate_deadline_crossed (evaluate_period_t period, int32_t old_day, int32_t new_day);
// The warning a clock move from old_day to new_day crosses: the smallest of
// warnings_days[0..count) (days before the deadline) whose day D - w satisfies
// old_day < D - w <= new_day, when new_day is not past D; 0 when none is crossed. A move that
// jumps over several thresholds warns once, with the most urgent.
int evaluate_warning_crossed (evaluate_period_t period, const int *warnings_days, size_t count,
                              int32_t old_day, int32_t new_day);
// actual + delta, saturated at the bounds of int64 rather than overflowing: a sum that large
// is far past any target (AMOUNT_FEN_MAX), so its status is the same.
int64_t evaluate_accumulate (int64_t actual, int64_t delta);

#endif
