/*  policy.h: policy packs, one JSON file per program in the policy directory (docs/policies.md
    is the format's reference, for people who write packs). A rule is data (no C per province):

      {"id": "wz-funds-in-place", "title": "...", "source": "温政发〔2018〕26号 三(四)",
       "scope": "pair", "metric": "sum", "measure": "received", "target": "committed",
       "unit": "fen", "deadline": "05-31", "from_year": 2018, "to_year": 2020}

    What a rule judges (scope: a pair, a supporter or recipient over its pairs, a park, the
    whole program, a region's figures), what it measures (metric over event_kind or a money
    measure, filtered by "where"), over which period (a year, quarter, month or a window of
    years) and by which deadline, against which target (a number in the unit, a park's plan,
    the subject's commitment). Names are the vocabulary's (common/vocab.h): a metric must apply
    to the kind and the unit must be the metric's over it. Anything else is refused at load,
    so that a pack never means something the code does not do; so is a member the format does
    not have (a misspelt "to_yaer" would silently mean "no end").

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
      (aid-funds, leader-visit, ...) */
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
    POLICY_METRIC_QUANTITY = VOCAB_METRIC_QUANTITY,
    POLICY_METRIC_EACH = VOCAB_METRIC_EACH,
    POLICY_METRIC_SHARE = VOCAB_METRIC_SHARE,
    POLICY_METRIC_INDICATOR = VOCAB_METRIC_INDICATOR,
} policy_metric_t;

// Whom a rule judges: whose aggregate an event adds to.
typedef enum {
    POLICY_SCOPE_PAIR,       // the event's pairing
    POLICY_SCOPE_SUPPORTER,  // its supporter, over all its pairings of the program
    POLICY_SCOPE_RECIPIENT,  // its recipient, likewise
    POLICY_SCOPE_PARK,       // the event's park (one of the program's)
    POLICY_SCOPE_PROGRAM,    // the whole program
    POLICY_SCOPE_REGION,     // an indicator's region: the program's recipients
} policy_scope_t;
#define POLICY_SCOPES 6

// Which money a sum counts, by the document's verb (docs/policies.md).
typedef enum {
    POLICY_MEASURE_NONE,       // the kind's own amounts
    POLICY_MEASURE_COMMITTED,  // commitment events
    POLICY_MEASURE_DISBURSED,  // aid-funds, less what voids cancelled
    POLICY_MEASURE_RECEIVED,   // receipts
} policy_measure_t;

typedef enum {
    POLICY_PERIOD_YEAR,
    POLICY_PERIOD_QUARTER,
    POLICY_PERIOD_MONTH,
    POLICY_PERIOD_WINDOW,  // from_year..to_year as one period
} policy_period_t;

// Where a rule's target comes from.
typedef enum {
    POLICY_TARGET_FIXED,      // the pack's number
    POLICY_TARGET_PLAN,       // the registry's park plan of the year, for the "category" filter
    POLICY_TARGET_COMMITTED,  // the subject's committed aid funds for the period
} policy_target_t;

typedef enum {
    POLICY_COMPARE_AT_LEAST,
    POLICY_COMPARE_AT_MOST,
    POLICY_COMPARE_ABOVE,  // strictly: "faster than the province's average"
} policy_compare_t;

typedef enum {
    POLICY_PACE_LINEAR,  // pro-rated by day: AT_RISK when behind
    POLICY_PACE_NONE,    // ON_TRACK until the deadline (a filing, a level)
} policy_pace_t;

// A filter on one of a kind's text fields: the event's value must be one of values.
typedef struct {
    vocab_attr_t attr;  // VOCAB_ATTR_COUNT: no filter
    size_t count;
    char values[POLICY_VALUES_MAX][POLICY_VALUE_BYTES_MAX];
} policy_filter_t;

typedef struct {
    char id[ID_BYTES_MAX];
    char title[POLICY_TITLE_BYTES_MAX];
    char source[SOURCE_BYTES_MAX];
    policy_metric_t metric;
    policy_scope_t scope;
    char event_kind[ID_BYTES_MAX];  // "" for an indicator or a measure
    const char *unit;  // the vocabulary's: "fen", "count", "persons", "projects", "bp"
    policy_target_t target_from;
    int64_t target;    // for POLICY_TARGET_FIXED
    policy_measure_t measure;
    size_t filter_count;
    policy_filter_t filters[POLICY_FILTERS_MAX];  // "where": every one must match
    policy_filter_t each;     // metric each: the values to have one of each
    policy_filter_t share;    // metric share: what the part that counts matches
    bool share_by_amount;     // share "by": amount (true) or count
    char code[ID_BYTES_MAX];  // indicator: the figure's code
    bool growth;              // indicator: its growth over the year before, in bp
    char reference[ID_BYTES_MAX];  // indicator: the region whose same figure is the target
    policy_compare_t compare;
    policy_pace_t pace;
    policy_period_t period;
    int deadline_month;       // 0 with deadline_date: a date; 0 alone: the period's last day
    int deadline_day;
    int32_t deadline_date;    // a fixed day (days since 1970), or -1
    int deadline_year;        // 0, or -1: the deadline falls in the year before the period's
    int from_year;
    int to_year;
    const vocab_kind_t *kind;  // the vocabulary's row for event_kind (NULL: none)
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
// The names of scope and measure, as packs and replies say them ("pair", "received").
const char *policy_scope_name (policy_scope_t scope);
// The rule of pack (NULL: none) with id, or NULL.
const policy_rule_t *policy_pack_rule (const policy_pack_t *pack, const char *id);
// Loads every *.json in dir but CONFIG_KINDS_FILE (common/config.h: declared kinds), in name
// order. Returns the set, or NULL
// with one line (a bad pack, a program with two packs, too many packs): the service does not
// run with half its rules.
policy_set_t *policy_set_load (const char *dir, char *errstr, size_t errstr_size);
// What to do with a file that does not load (its name in dir, its error in errstr): add what
// stands for it to set (policy_set_add) and return 0, or return -1 to refuse the whole set
// (errstr is then the set's error).
typedef int (policy_fallback_fn) (void *state, policy_set_t *set, const char *file,
                                  char *errstr, size_t errstr_size);
// Loads as policy_set_load, but a file that does not load is fallback's to stand in for.
policy_set_t *policy_set_load_with (const char *dir, policy_fallback_fn *fallback, void *state,
                                    char *errstr, size_t errstr_size);
// Reads a pack file (or the kinds file beside the packs) whole, at most POLICY_FILE_BYTES_MAX
// bytes of text, into *text (malloc'd, the caller's to free). Returns 0, or -1 with one line
// in errstr naming path (missing, too large, unreadable, a NUL byte).
int policy_file_read (const char *path, char **text, char *errstr, size_t errstr_size);
// An empty set, for policy_set_add.
policy_set_t *policy_set_new (void);
// Parses text (a pack; name for errors) and adds it. Returns 0, or -1 with one line (the set
// is unchanged).
int policy_set_add (policy_set_t *self, const char *name, const char *text, char *errstr,
                    size_t errstr_size);
// The text a program's pack was read from, or NULL.
const char *policy_set_text (const policy_set_t *self, const char *program);
// A fingerprint of the set: its packs' programs and texts. Equal sets have equal ones.
uint64_t policy_set_fingerprint (const policy_set_t *self);
void policy_set_destroy (policy_set_t **self_p);
// The pack of program, or NULL when the program has none (it then has no rules).
const policy_pack_t *policy_set_pack (const policy_set_t *self, const char *program);
size_t policy_set_size (const policy_set_t *self);
// The pack at index (0..policy_set_size () - 1).
const policy_pack_t *policy_set_at (const policy_set_t *self, size_t index);
// A rule by id across all packs, or NULL.
const policy_rule_t *policy_set_rule (const policy_set_t *self, const char *rule_id);

#endif
