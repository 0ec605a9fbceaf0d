/*  policy.h: policy packs, one JSON file per program in the policy directory. A pack lists
    rules; a rule is data (no C per province):

      {"id": "hb-aid-funds", "title": "...", "source": "鄂政办函〔2020〕38号 (十三)",
       "scope": "pair", "metric": "sum", "event_kind": "aid-funds", "unit": "fen",
       "target": 500000000, "period": "year", "deadline": "12-31",
       "from_year": 2021, "to_year": 2025}

    event_kind, metric and unit are names of the vocabulary (common/vocab.h): the metric must
    apply to the kind ("sum" adds amount_fen, so it does not apply to leader-visit, which has
    none) and the unit must be the metric's over the kind ("fen" for sum over aid-funds,
    "count" for count). Scope "pair" and period "year" are what the programs ask for so far.
    Anything else is refused at load, so that a pack never means something the code does not
    do; so is a member the format does not have (a misspelt "to_yaer" would silently mean "no
    end"). from_year and to_year are optional (no bound). A pack may also carry "title" and
    "source" (the program's document).

    A pack also has a "version" (a whole number from 1, raised with every change, named by
    every verdict) and may have "effective" (YYYY-MM-DD), "scores" (points 0..100 per status
    for the scoreboard: {"MET": 100, "ON_TRACK": 80, "AT_RISK": 40, "BREACHED": 0,
    "NO_DATA": 0} by default) and "grades" ([{"grade": "好", "min_score": 90}, ...], by
    decreasing min_score, the last 0; 好 90, 较好 75, 一般 60, 差 0 by default). A rule may
    have "title_en", "note" (why the pack chose what the document leaves vague), "weight"
    (1 by default) and "warnings" (days before the deadline at which a rule not MET is
    warned of, decreasing; [30, 7, 1] by default).

    A refusal is one line naming the file, the rule (counted from 1, and its id) and the field:
      policies/x.json: rule 2 "hb-visits": event_kind "leader-vist" is not a known kind
      (aid-funds, leader-visit) */
#ifndef SHANHAI_POLICY_H
#define SHANHAI_POLICY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "common/limits.h"
#include "common/vocab.h"

// A rule's title: a sentence of the document, in Chinese.
#define POLICY_TITLE_BYTES_MAX 512

// The vocabulary's metrics, under the names the assessment has always used.
typedef enum {
    POLICY_METRIC_SUM = VOCAB_METRIC_SUM,
    POLICY_METRIC_COUNT = VOCAB_METRIC_COUNT,
} policy_metric_t;

typedef struct {
    char id[ID_BYTES_MAX];
    char title[POLICY_TITLE_BYTES_MAX];
    char source[SOURCE_BYTES_MAX];
    policy_metric_t metric;
    char event_kind[ID_BYTES_MAX];
    const char *unit;  // the metric's over the kind: "fen" or "count" (the vocabulary's)
    int64_t target;
    int deadline_month;
    int deadline_day;
    int from_year;
    int to_year;
    const vocab_kind_t *kind;  // the vocabulary's row for event_kind
    char title_en[POLICY_TITLE_BYTES_MAX];  // optional
    char note[SOURCE_BYTES_MAX];  // why the pack chose what the document leaves vague
    int weight;                   // in the scoreboard, 1 by default
    size_t warning_count;
    int warnings_days[POLICY_WARNINGS_MAX];  // days before the deadline, decreasing
} policy_rule_t;

// A grade of the scoreboard: a pair whose score is at least min_score (0..100) gets it.
typedef struct {
    char name[POLICY_GRADE_BYTES_MAX];
    int min_score;
} policy_grade_t;

typedef struct {
    char program[ID_BYTES_MAX];
    char title[NAME_BYTES_MAX];
    char source[SOURCE_BYTES_MAX];  // the document that sets the program up (optional)
    int version;                    // the pack's version, 1, 2, ...: every verdict names it
    char effective[DATE_TEXT_BYTES];  // the day it takes effect ("": always)
    // Points (0..100) a rule scores by its status, weighted in the scoreboard, indexed by
    // Shanhai__V1__ComplianceStatus (COMPLIANCE_NONE scores 0).
    int scores[6];
    size_t grade_count;
    policy_grade_t grades[POLICY_GRADES_MAX];  // by decreasing min_score, the last at 0
    size_t rule_count;
    policy_rule_t rules[POLICY_RULES_MAX];
} policy_pack_t;

typedef struct policy_set_t policy_set_t;

// Parses one pack into *pack (the caller's; no allocation); name (the file) goes into errors,
// with the rule's place and id. Returns 0, or -1 with one line in errstr.
int policy_pack_parse (const json_t *root, const char *name, policy_pack_t *pack, char *errstr,
                       size_t errstr_size);
// Loads every *.json in dir. Returns the set, or NULL with one line (a bad pack, a program
// with two packs, too many packs): the service does not run with half its rules.
policy_set_t *policy_set_load (const char *dir, char *errstr, size_t errstr_size);
void policy_set_destroy (policy_set_t **self_p);
// The pack of program, or NULL when the program has none (it then has no rules).
const policy_pack_t *policy_set_pack (const policy_set_t *self, const char *program);
size_t policy_set_size (const policy_set_t *self);
// A rule by id across all packs, or NULL.
const policy_rule_t *policy_set_rule (const policy_set_t *self, const char *rule_id);

#endif
