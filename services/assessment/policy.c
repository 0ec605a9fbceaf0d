#include "policy.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "common/config.h"
#include "common/errstr.h"
#include "common/date.h"
#include "common/proto.h"
#include "common/validate.h"

// Where a rule is: "<file>: rule <n>" (its place, counted from 1 as people count the rules),
// then with its id, "<file>: rule <n> \"<id>\"".
#define S_PLACE_BYTES_MAX (PATH_BYTES_MAX + 32)
#define S_WHERE_BYTES_MAX (S_PLACE_BYTES_MAX + ID_BYTES_MAX + 4)

struct policy_set_t {
    size_t pack_count;
    policy_pack_t packs[POLICY_PACKS_MAX];
};

// Copies the string member key of object into out; a missing optional one leaves "".
static int
s_string (const json_t *object, const char *key, bool required, char *out, size_t out_size,
          const char *where, char *errstr, size_t errstr_size)
{
    json_t *value = json_object_get (object, key);
    if (!value && !required) {
        *out = '\0';
        return 0;
    }
    if (!json_is_string (value))
        return errstr_set (errstr, errstr_size, "%s: \"%s\" must be a string", where, key);
    char reason[REASON_BYTES_MAX];
    if (validate_text_problem (json_string_value (value), out_size, false, reason, sizeof reason))
        return errstr_set (errstr, errstr_size, "%s: \"%s\" %s", where, key, reason);
    snprintf (out, out_size, "%s", json_string_value (value));
    return 0;
}

static int
s_integer (const json_t *object, const char *key, bool required, int64_t min, int64_t max,
           int64_t *out, const char *where, char *errstr, size_t errstr_size)
{
    json_t *value = json_object_get (object, key);
    if (!value && !required)
        return 0;
    if (!json_is_integer (value) || json_integer_value (value) < min
        || json_integer_value (value) > max)
        return errstr_set (errstr, errstr_size, "%s: \"%s\" must be a whole number in "
                           "%lld..%lld", where, key, (long long) min, (long long) max);
    *out = json_integer_value (value);
    return 0;
}

// Checks that a string member has one of the allowed values.
static int
s_choice (const json_t *object, const char *key, const char *allowed, const char *where,
          char *value, size_t value_size, char *errstr, size_t errstr_size)
{
    if (s_string (object, key, true, value, value_size, where, errstr, errstr_size))
        return -1;
    char padded[64];
    snprintf (padded, sizeof padded, " %s ", value);
    if (!strstr (allowed, padded))
        return errstr_set (errstr, errstr_size, "%s: %s \"%s\" is not one of%s", where, key,
                           value, allowed);
    return 0;
}

static int
s_parse_deadline (const char *text, policy_rule_t *rule, const char *where, char *errstr,
                  size_t errstr_size)
{
    int month, day;
    char tail;
    // February has 28 days here: a deadline must be a day that every year has.
    if (sscanf (text, "%2d-%2d%c", &month, &day, &tail) != 2 || strlen (text) != 5
        || month < 1 || month > 12 || day < 1
        || day > (int[]) { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }[month - 1])
        return errstr_set (errstr, errstr_size, "%s: deadline \"%s\" must be MM-DD, a day "
                           "every year has", where, text);
    rule->deadline_month = month;
    rule->deadline_day = day;
    return 0;
}

// Refuses members other than those allowed (a space-separated list with spaces around): a
// misspelt member would otherwise be ignored, and the pack would mean something else.
static int
s_known_members (const json_t *object, const char *allowed, const char *where, char *errstr,
                 size_t errstr_size)
{
    const char *key;
    json_t *value;
    json_object_foreach ((json_t *) object, key, value) {
        char padded[ID_BYTES_MAX + 2];
        snprintf (padded, sizeof padded, " %s ", key);
        if (strlen (key) >= ID_BYTES_MAX || !strstr (allowed, padded)) {
            char echo[ERROR_ECHO_BYTES_MAX];
            validate_echo (key, echo, sizeof echo);
            return errstr_set (errstr, errstr_size, "%s: unknown member \"%s\"", where, echo);
        }
    }
    return 0;
}

static int
s_parse_limits (const json_t *object, policy_rule_t *rule, const char *where, char *errstr,
                size_t errstr_size)
{
    int64_t target = 0, from_year = DATE_YEAR_MIN, to_year = DATE_YEAR_MAX;
    if (s_integer (object, "target", true, 1, AMOUNT_FEN_MAX, &target, where, errstr,
                   errstr_size)
        || s_integer (object, "from_year", false, DATE_YEAR_MIN, DATE_YEAR_MAX, &from_year,
                      where, errstr, errstr_size)
        || s_integer (object, "to_year", false, DATE_YEAR_MIN, DATE_YEAR_MAX, &to_year, where,
                      errstr, errstr_size))
        return -1;
    if (from_year > to_year)
        return errstr_set (errstr, errstr_size, "%s: from_year %lld is after to_year %lld",
                           where, (long long) from_year, (long long) to_year);
    rule->target = target;
    rule->from_year = (int) from_year;
    rule->to_year = (int) to_year;
    return 0;
}

// event_kind, metric and unit: names of the vocabulary, and a unit that is the metric's over
// the kind, so that a rule never counts what the ledger does not record.
static int
s_parse_vocabulary (const json_t *object, policy_rule_t *rule, const char *where,
                    char *errstr, size_t errstr_size)
{
    char metric_name[ID_BYTES_MAX], unit_name[ID_BYTES_MAX], known[VOCAB_NAMES_BYTES_MAX];
    if (s_string (object, "event_kind", true, rule->event_kind, sizeof rule->event_kind, where,
                  errstr, errstr_size)
        || s_string (object, "metric", true, metric_name, sizeof metric_name, where, errstr,
                     errstr_size)
        || s_string (object, "unit", true, unit_name, sizeof unit_name, where, errstr,
                     errstr_size))
        return -1;
    rule->kind = vocab_kind_find (rule->event_kind);
    const vocab_metric_t *metric = vocab_metric_find (metric_name);
    // Each check below lists what would have been right: the names are cut, never missing.
    if (!rule->kind) {
        vocab_kind_names (", ", known, sizeof known);
        return errstr_set (errstr, errstr_size, "%s: event_kind \"%s\" is not a known kind "
                           "(%s)", where, rule->event_kind, known);
    }
    if (!metric) {
        vocab_metric_names (NULL, ", ", known, sizeof known);
        return errstr_set (errstr, errstr_size, "%s: metric \"%s\" is not a known metric "
                           "(%s)", where, metric_name, known);
    }
    if (!vocab_metric_applies (metric, rule->kind)) {
        vocab_metric_names (rule->kind, ", ", known, sizeof known);
        return errstr_set (errstr, errstr_size, "%s: metric \"%s\" does not apply to "
                           "event_kind \"%s\" (its metrics: %s)", where, metric_name,
                           rule->event_kind, known);
    }
    if (!vocab_unit_find (unit_name)) {
        vocab_unit_names (", ", known, sizeof known);
        return errstr_set (errstr, errstr_size, "%s: unit \"%s\" is not a known unit (%s)",
                           where, unit_name, known);
    }
    rule->unit = vocab_metric_unit (metric, rule->kind);
    if (strcmp (unit_name, rule->unit) != 0)
        return errstr_set (errstr, errstr_size, "%s: unit \"%s\" is not the unit of %s over "
                           "%s, which is %s", where, unit_name, metric_name, rule->event_kind,
                           rule->unit);
    rule->metric = (policy_metric_t) metric->id;
    return 0;
}

// "warnings": days before the deadline, decreasing, each 1..366; [30, 7, 1] when absent.
static int
s_parse_warnings (const json_t *object, policy_rule_t *rule, const char *where, char *errstr,
                  size_t errstr_size)
{
    json_t *warnings = json_object_get (object, "warnings");
    if (!warnings) {
        rule->warning_count = 3;
        memcpy (rule->warnings_days, (int[]) { 30, 7, 1 }, 3 * sizeof (int));
        return 0;
    }
    if (!json_is_array (warnings) || json_array_size (warnings) > POLICY_WARNINGS_MAX)
        return errstr_set (errstr, errstr_size, "%s: \"warnings\" must be a list of at most "
                           "%d days before the deadline", where, POLICY_WARNINGS_MAX);
    for (size_t index = 0; index < json_array_size (warnings); index++) {
        json_t *days = json_array_get (warnings, index);
        json_int_t value = json_is_integer (days) ? json_integer_value (days) : 0;
        if (value < 1 || value > 366
            || (index > 0 && value >= rule->warnings_days[index - 1]))
            return errstr_set (errstr, errstr_size, "%s: \"warnings\" must be decreasing "
                               "whole numbers of days in 1..366 (item %zu)", where, index + 1);
        rule->warnings_days[index] = (int) value;
    }
    rule->warning_count = json_array_size (warnings);
    return 0;
}

// What a rule adds for people and for the scoreboard: an English title, a note, a weight,
// warnings.
static int
s_parse_extras (const json_t *object, policy_rule_t *rule, const char *where, char *errstr,
                size_t errstr_size)
{
    int64_t weight = 1;
    if (s_string (object, "title_en", false, rule->title_en, sizeof rule->title_en, where,
                  errstr, errstr_size)
        || s_string (object, "note", false, rule->note, sizeof rule->note, where, errstr,
                     errstr_size)
        || s_integer (object, "weight", false, 0, POLICY_WEIGHT_MAX, &weight, where, errstr,
                      errstr_size))
        return -1;
    rule->weight = (int) weight;
    return s_parse_warnings (object, rule, where, errstr, errstr_size);
}

static int
s_parse_rule (const json_t *object, policy_rule_t *rule, const char *at, char *errstr,
              size_t errstr_size)
{
    char text[64], where[S_WHERE_BYTES_MAX], reason[REASON_BYTES_MAX];
    if (!json_is_object (object))
        return errstr_set (errstr, errstr_size, "%s: must be an object", at);
    if (s_string (object, "id", true, rule->id, sizeof rule->id, at, errstr, errstr_size))
        return -1;
    if (validate_id_problem (rule->id, reason, sizeof reason))
        return errstr_set (errstr, errstr_size, "%s: id \"%s\" %s", at, rule->id, reason);
    // From here on every error names the rule as well as its place.
    snprintf (where, sizeof where, "%s \"%s\"", at, rule->id);
    if (s_known_members (object, " id title title_en source note scope metric event_kind unit "
                         "target period deadline from_year to_year weight warnings ", where,
                         errstr, errstr_size)
        || s_parse_extras (object, rule, where, errstr, errstr_size)
        || s_string (object, "title", true, rule->title, sizeof rule->title, where, errstr,
                     errstr_size)
        || s_string (object, "source", true, rule->source, sizeof rule->source, where, errstr,
                     errstr_size)
        || s_choice (object, "scope", " pair ", where, text, sizeof text, errstr, errstr_size)
        || s_choice (object, "period", " year ", where, text, sizeof text, errstr, errstr_size)
        || s_parse_limits (object, rule, where, errstr, errstr_size))
        return -1;
    if (!*rule->title || !*rule->source)
        return errstr_set (errstr, errstr_size, "%s: title and source must not be empty: every "
                           "verdict cites its clause", where);
    if (s_parse_vocabulary (object, rule, where, errstr, errstr_size)
        || s_string (object, "deadline", true, text, sizeof text, where, errstr, errstr_size))
        return -1;
    return s_parse_deadline (text, rule, where, errstr, errstr_size);
}

// "scores": points 0..100 per status name; the defaults where absent.
static int
s_parse_scores (const json_t *root, policy_pack_t *pack, const char *name, char *errstr,
                size_t errstr_size)
{
    memcpy (pack->scores, (int[]) { 0, 100, 80, 40, 0, 0 }, sizeof pack->scores);
    json_t *scores = json_object_get (root, "scores");
    if (!scores)
        return 0;
    if (!json_is_object (scores))
        return errstr_set (errstr, errstr_size, "%s: \"scores\" must be an object of points "
                           "per status", name);
    const char *key;
    json_t *value;
    json_object_foreach (scores, key, value) {
        int status = 1;
        while (status <= 5 && strcmp (compliance_status_name (status), key) != 0)
            status++;
        json_int_t points = json_is_integer (value) ? json_integer_value (value) : -1;
        if (status > 5)
            return errstr_set (errstr, errstr_size, "%s: scores: \"%.40s\" is not a status "
                               "(MET, ON_TRACK, AT_RISK, BREACHED, NO_DATA)", name, key);
        if (points < 0 || points > 100)
            return errstr_set (errstr, errstr_size, "%s: scores: %s must be a whole number in "
                               "0..100", name, key);
        pack->scores[status] = (int) points;
    }
    return 0;
}

// "grades": by decreasing min_score, the last 0; 好 90, 较好 75, 一般 60, 差 0 by default.
static int
s_parse_grades (const json_t *root, policy_pack_t *pack, const char *name, char *errstr,
                size_t errstr_size)
{
    json_t *grades = json_object_get (root, "grades");
    if (!grades) {
        const policy_grade_t defaults[] = { { "好", 90 }, { "较好", 75 }, { "一般", 60 },
                                            { "差", 0 } };
        memcpy (pack->grades, defaults, sizeof defaults);
        pack->grade_count = 4;
        return 0;
    }
    size_t count = json_is_array (grades) ? json_array_size (grades) : 0;
    if (count == 0 || count > POLICY_GRADES_MAX)
        return errstr_set (errstr, errstr_size, "%s: \"grades\" must be a list of 1..%d "
                           "{\"grade\", \"min_score\"}", name, POLICY_GRADES_MAX);
    for (size_t index = 0; index < count; index++) {
        json_t *grade = json_array_get (grades, index);
        char where[S_PLACE_BYTES_MAX];
        snprintf (where, sizeof where, "%s: grade %zu", name, index + 1);
        int64_t min_score = -1;
        if (!json_is_object (grade)
            || s_known_members (grade, " grade min_score ", where, errstr, errstr_size)
            || s_string (grade, "grade", true, pack->grades[index].name,
                         sizeof pack->grades[index].name, where, errstr, errstr_size)
            || s_integer (grade, "min_score", true, 0, 100, &min_score, where, errstr,
                          errstr_size))
            return json_is_object (grade) ? -1 : errstr_set (errstr, errstr_size,
                                                             "%s: must be an object", where);
        if (index > 0 && min_score >= pack->grades[index - 1].min_score)
            return errstr_set (errstr, errstr_size, "%s: min_score must decrease", where);
        pack->grades[index].min_score = (int) min_score;
    }
    if (pack->grades[count - 1].min_score != 0)
        return errstr_set (errstr, errstr_size, "%s: the last grade's min_score must be 0, so "
                           "that every pair has a grade", name);
    pack->grade_count = count;
    return 0;
}

// version (required), effective (optional), scores and grades.
static int
s_parse_pack_head (const json_t *root, policy_pack_t *pack, const char *name, char *errstr,
                   size_t errstr_size)
{
    int64_t version = 0;
    int32_t day;
    if (s_integer (root, "version", true, 1, INT32_MAX, &version, name, errstr, errstr_size)
        || s_string (root, "effective", false, pack->effective, sizeof pack->effective, name,
                     errstr, errstr_size))
        return -1;
    if (*pack->effective && date_parse (pack->effective, &day))
        return errstr_set (errstr, errstr_size, "%s: \"effective\" must be a date YYYY-MM-DD",
                           name);
    pack->version = (int) version;
    return s_parse_scores (root, pack, name, errstr, errstr_size)
           || s_parse_grades (root, pack, name, errstr, errstr_size) ? -1 : 0;
}

int
policy_pack_parse (const json_t *root, const char *name, policy_pack_t *pack, char *errstr,
                   size_t errstr_size)
{
    memset (pack, 0, sizeof *pack);
    if (!json_is_object (root))
        return errstr_set (errstr, errstr_size, "%s: a policy pack is a JSON object", name);
    if (s_string (root, "program", true, pack->program, sizeof pack->program, name, errstr,
                  errstr_size)
        || s_string (root, "title", false, pack->title, sizeof pack->title, name, errstr,
                     errstr_size)
        || s_string (root, "source", false, pack->source, sizeof pack->source, name, errstr,
                     errstr_size)
        || s_known_members (root, " program title source version effective scores grades "
                            "rules ", name, errstr, errstr_size)
        || s_parse_pack_head (root, pack, name, errstr, errstr_size))
        return -1;
    char reason[REASON_BYTES_MAX];
    if (validate_id_problem (pack->program, reason, sizeof reason))
        return errstr_set (errstr, errstr_size, "%s: program \"%s\" %s", name, pack->program,
                           reason);
    json_t *rules = json_object_get (root, "rules");
    if (!json_is_array (rules) || json_array_size (rules) == 0)
        return errstr_set (errstr, errstr_size, "%s: \"rules\" must be a non-empty list", name);
    if (json_array_size (rules) > POLICY_RULES_MAX)
        return errstr_set (errstr, errstr_size, "%s: %zu rules: at most %d", name,
                           json_array_size (rules), POLICY_RULES_MAX);
    for (size_t index = 0; index < json_array_size (rules); index++) {
        char where[S_PLACE_BYTES_MAX];
        snprintf (where, sizeof where, "%s: rule %zu", name, index + 1);
        policy_rule_t *rule = &pack->rules[index];
        if (s_parse_rule (json_array_get (rules, index), rule, where, errstr, errstr_size))
            return -1;
        for (size_t other = 0; other < index; other++)
            if (strcmp (pack->rules[other].id, rule->id) == 0)
                return errstr_set (errstr, errstr_size, "%s \"%s\": id \"%s\" is rule %zu's "
                                   "as well", where, rule->id, rule->id, other + 1);
        pack->rule_count++;
    }
    return 0;
}

static int
s_load_file (policy_set_t *self, const char *dir, const char *file, char *errstr,
             size_t errstr_size)
{
    char path[PATH_BYTES_MAX];
    snprintf (path, sizeof path, "%s/%s", dir, file);
    struct stat status;
    if (stat (path, &status) != 0 || !S_ISREG (status.st_mode))
        return errstr_set (errstr, errstr_size, "%s: not a readable file", path);
    if (status.st_size > POLICY_FILE_BYTES_MAX)
        return errstr_set (errstr, errstr_size, "%s: %lld bytes, over the limit of %d", path,
                       (long long) status.st_size, POLICY_FILE_BYTES_MAX);
    if (self->pack_count == POLICY_PACKS_MAX)
        return errstr_set (errstr, errstr_size, "%s: more than %d policy packs", dir,
                       POLICY_PACKS_MAX);
    json_error_t error;
    json_t *root = json_load_file (path, JSON_REJECT_DUPLICATES, &error);
    if (!root)
        return errstr_set (errstr, errstr_size, "%s: line %d column %d: %s", path, error.line,
                       error.column, error.text);
    policy_pack_t *pack = &self->packs[self->pack_count];
    int rc = policy_pack_parse (root, path, pack, errstr, errstr_size);
    json_decref (root);
    if (rc)
        return -1;
    for (size_t index = 0; index < self->pack_count; index++) {
        if (strcmp (self->packs[index].program, pack->program) == 0)
            return errstr_set (errstr, errstr_size, "%s: program %s has another pack", path,
                           pack->program);
        for (size_t rule = 0; rule < pack->rule_count; rule++)
            if (policy_set_rule (self, pack->rules[rule].id))
                return errstr_set (errstr, errstr_size, "%s: rule id %s is used by another pack",
                               path, pack->rules[rule].id);
    }
    self->pack_count++;
    return 0;
}

policy_set_t *
policy_set_load (const char *dir, char *errstr, size_t errstr_size)
{
    DIR *folder = opendir (dir);
    if (!folder) {
        errstr_set (errstr, errstr_size, "cannot read the policy directory %s", dir);
        return NULL;
    }
    policy_set_t *self = calloc (1, sizeof *self);
    int rc = self ? 0 : errstr_set (errstr, errstr_size, "out of memory");
    struct dirent *entry;
    while (rc == 0 && (entry = readdir (folder))) {
        size_t length = strlen (entry->d_name);
        // The kinds file declares activities (config_declare_kinds): it is not a pack.
        if (length > 5 && strcmp (entry->d_name + length - 5, ".json") == 0
            && strcmp (entry->d_name, CONFIG_KINDS_FILE) != 0)
            rc = s_load_file (self, dir, entry->d_name, errstr, errstr_size);
    }
    closedir (folder);
    if (rc)
        policy_set_destroy (&self);
    return self;
}

void
policy_set_destroy (policy_set_t **self_p)
{
    if (self_p && *self_p) {
        free (*self_p);
        *self_p = NULL;
    }
}

const policy_pack_t *
policy_set_pack (const policy_set_t *self, const char *program)
{
    for (size_t index = 0; index < self->pack_count; index++)
        if (strcmp (self->packs[index].program, program) == 0)
            return &self->packs[index];
    return NULL;
}

size_t
policy_set_size (const policy_set_t *self)
{
    return self->pack_count;
}

const policy_rule_t *
policy_set_rule (const policy_set_t *self, const char *rule_id)
{
    for (size_t index = 0; index < self->pack_count; index++)
        for (size_t rule = 0; rule < self->packs[index].rule_count; rule++)
            if (strcmp (self->packs[index].rules[rule].id, rule_id) == 0)
                return &self->packs[index].rules[rule];
    return NULL;
}
