/*  model.h: what the bench expects shanhai to say, from what the bench sent. It keeps, for
    every pair of the generated registry and each of the bench pack's two pair rules (yearly
    aid funds, a sum in fen; yearly leader visits, a count), the actual and the status for one
    year, and counts the alerts that must follow, by rule and status. The pack's rules of other
    scopes (a supporter's, the program's) are load on the assessment, not followed: their
    alerts count as "other".

    The rules are README.md's: for a yearly target T, period S = Jan 1 to D = Dec 31, as of day
    d: MET when actual >= T; BREACHED when d > D; ON_TRACK when actual * (D - S) >= T * (d - S);
    AT_RISK otherwise. A change to AT_RISK, BREACHED or MET is alerted, and so is a change from
    AT_RISK or BREACHED back to ON_TRACK (a first ON_TRACK is not news): to the pair's
    BENCH_REGISTRY_LEADERS_PER_PAIR people, and on BREACHED to the program office as well.

    The next year's statuses, which a clock move to Jan 1 of it also evaluates, start ON_TRACK
    (nothing is asked for on the first day): never news, so the model does not keep them. A
    clock move to a later day of the next year is not modelled. */
#ifndef SHANHAI_BENCH_MODEL_H
#define SHANHAI_BENCH_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common/limits.h"
#include "common/proto.h"

typedef enum { MODEL_RULE_AID = 0, MODEL_RULE_VISITS = 1, MODEL_RULE_OTHER = 2 } model_rule_t;
// Rules the model keeps, and the cells of alerts it counts: its rules and "other".
#define MODEL_RULES 2
#define MODEL_RULE_CELLS 3
// Statuses of the wire (COMPLIANCE_NONE .. NO_DATA).
#define MODEL_STATUSES 6

typedef struct {
    char id[ID_BYTES_MAX];
    int64_t target;  // fen for the aid rule, a count for the visits rule
} model_rule_spec_t;

typedef struct model_t model_t;

// Reads the bench pack at policy_path: its program and exactly one rule "sum" of "aid-funds"
// and one "count" of "leader-visit", both yearly with the deadline 12-31. year is the year
// the model keeps. Returns NULL with one line in errstr.
model_t *model_new (int pairs, int year, const char *policy_path, char *errstr,
                    size_t errstr_size);
void model_destroy (model_t **self_p);
const char *model_program (model_t *self);
const model_rule_spec_t *model_rule (model_t *self, model_rule_t rule);
// The rule with id, or MODEL_RULE_OTHER.
model_rule_t model_rule_of (model_t *self, const char *id);

// Moves the clock to day, re-evaluating every pair (the first call is the first evaluation,
// from no status). Returns the alerts it causes.
long model_set_clock (model_t *self, int32_t day);
// Adds one event to pair's rule: amount for the aid rule, 1 visit for the visits rule.
// Returns the alerts it causes.
long model_record (model_t *self, model_rule_t rule, int pair, int64_t amount);
// What the status and the alerts would be if rule of pair had actual, as of day: for a bench
// that checks its design before it runs. Returns the status; *alerts gets the alert count.
Shanhai__V1__ComplianceStatus model_preview (model_t *self, model_rule_t rule, int pair,
                                             int64_t actual, int32_t day, long *alerts);
Shanhai__V1__ComplianceStatus model_status (model_t *self, model_rule_t rule, int pair);
int64_t model_actual (model_t *self, model_rule_t rule, int pair);
// Alerts expected so far in one cell (rule, status), and in all.
long model_expected (model_t *self, model_rule_t rule, Shanhai__V1__ComplianceStatus status);
long model_expected_total (model_t *self);

#endif
