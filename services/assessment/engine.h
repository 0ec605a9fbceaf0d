/*  engine.h: how the ledger's events count toward a rule, and the verdict of what they add up
    to: pure functions of a rule, an event, numbers and days (no store, no registry), shared by
    the service's incremental aggregates and every recomputation from scratch.

    An aggregate is (rule, subject, period) with a few parts: n (the actual: a sum, a count, a
    share's numerator, an indicator's value), d (a share's denominator, the committed funds a
    rule of target "committed" compares with, an indicator's value the year before) and, for
    metric each, one count per value. An event adds to parts (a delta), or sets a part to its
    value (an indicator: the latest report is the figure). */
#ifndef SHANHAI_ENGINE_H
#define SHANHAI_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include "common/limits.h"
#include "common/proto.h"
#include "policy.h"

// The parts of an aggregate, by number: what the store keys them by.
#define ENGINE_PART_N 0
#define ENGINE_PART_D 1
#define ENGINE_PART_EACH 2  // + the value's index in the rule's each filter
#define ENGINE_PARTS (ENGINE_PART_EACH + POLICY_VALUES_MAX)

// The periods of one rule in one year: at most twelve months.
#define ENGINE_PERIODS_MAX 12
// What one event can add to one rule: an indicator's value for its year and the year after.
#define ENGINE_COUNTS_MAX 2
// "2024", "2024-Q2", "2024-03", "2018-2022": the wire's bound (common/limits.h).
#define ENGINE_PERIOD_KEY_BYTES PERIOD_KEY_BYTES_MAX

typedef struct {
    int64_t value[ENGINE_PARTS];
    bool present[ENGINE_PARTS];  // a part no event has touched is absent (NO_DATA)
} engine_parts_t;

typedef struct {
    char key[ENGINE_PERIOD_KEY_BYTES];
    int year;          // the year it is reported under (a window: its first year)
    int32_t start;     // S: the first day counted
    int32_t deadline;  // D: the last day to meet the target, S <= D
} engine_period_t;

// What an event adds to one aggregate of a rule.
typedef struct {
    int part;
    int64_t value;
    bool latest;    // the part becomes value (the latest report), rather than adding it
    int year_shift; // 0, or 1: it counts in the period of the year after (a growth's base)
} engine_count_t;

// The verdict of an aggregate as of a day.
typedef struct {
    Shanhai__V1__ComplianceStatus status;
    int64_t actual;
    int64_t target;
    int64_t expected;  // what the target asks for by that day (the target, for a level)
} engine_verdict_t;

// The periods of rule reported under year (a yearly rule: that year; a quarterly one: its
// four quarters; a window: itself when year is in it), within from_year..to_year. Returns how
// many were written to out (at most ENGINE_PERIODS_MAX).
size_t engine_periods_of_year (const policy_rule_t *rule, int year,
                               engine_period_t out[ENGINE_PERIODS_MAX]);
// The period of rule whose key is key, or false.
bool engine_period_find (const policy_rule_t *rule, const char *key, engine_period_t *out);
// The period an event of day (and named year, 0 when its kind names none) counts in, shifted
// by year_shift years: false when it falls in none, or after the period's deadline (but for
// an indicator: a figure is of the year it names, whenever reported).
bool engine_period_of_event (const policy_rule_t *rule, int32_t day, int named_year,
                             int year_shift, engine_period_t *out);
// Cuts period to the days from first to last (a pairing's). Returns false when nothing is left.
bool engine_period_clip (engine_period_t *period, int32_t first, int32_t last);

// What event adds to rule's aggregates (kind, filters and metric; not its subject or period):
// fills out and returns how many (0: it does not count). voided_fen is what a void cancelled
// (the disbursement's pending amount), 0 for other kinds. An indicator value that is not a
// number in the rule's unit counts nothing.
size_t engine_match (const policy_rule_t *rule, const Shanhai__V1__LedgerEvent *event,
                     int64_t voided_fen, engine_count_t out[ENGINE_COUNTS_MAX]);
// Parses an indicator's value ("8.5") in unit: hundredths for fen (of a yuan figure) and bp
// (of a percent), whole for count. Returns 0 with *out, or -1.
int engine_parse_value (const char *text, const char *unit, int64_t *out);

// The verdict of parts for rule over period as of today. reference: the parts of the rule's
// reference region for the same period (NULL: none reported). plan_fen: a park's plan for a
// rule of target "plan" (0: none).
void engine_verdict (const policy_rule_t *rule, const engine_parts_t *parts,
                     const engine_parts_t *reference, int64_t plan_fen, engine_period_t period,
                     int32_t today, engine_verdict_t *out);

#endif
