/*  policy.h: policy packs, one JSON file per program in the policy directory. A pack lists
    rules; a rule is data (no C per province):

      {"id": "hb-aid-funds", "title": "...", "source": "鄂政办函〔2020〕38号 (十三)",
       "scope": "pair", "metric": "sum", "event_kind": "aid-funds", "unit": "fen",
       "target": 500000000, "period": "year", "deadline": "12-31",
       "from_year": 2021, "to_year": 2025}

    metric "sum" adds the events' amount_fen (unit "fen"); "count" counts events (unit
    "count"). Scope "pair" and period "year" are what the programs ask for so far; anything
    else is refused at load, so that a pack never means something the code does not do; so is
    a member the format does not have (a misspelt "to_yaer" would silently mean "no end").
    from_year and to_year are optional (no bound). A pack may also carry "title" and "source"
    (the program's document). */
#ifndef SHANHAI_POLICY_H
#define SHANHAI_POLICY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "common/limits.h"

// A rule's title: a sentence of the document, in Chinese.
#define POLICY_TITLE_BYTES_MAX 512

typedef enum { POLICY_METRIC_SUM, POLICY_METRIC_COUNT } policy_metric_t;

typedef struct {
    char id[ID_BYTES_MAX];
    char title[POLICY_TITLE_BYTES_MAX];
    char source[SOURCE_BYTES_MAX];
    policy_metric_t metric;
    char event_kind[ID_BYTES_MAX];
    const char *unit;  // "fen" or "count"
    int64_t target;
    int deadline_month;
    int deadline_day;
    int from_year;
    int to_year;
} policy_rule_t;

typedef struct {
    char program[ID_BYTES_MAX];
    char title[NAME_BYTES_MAX];
    char source[SOURCE_BYTES_MAX];  // the document that sets the program up (optional)
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
