#include "policy.h"

#include <assert.h>
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
    char *texts[POLICY_PACKS_MAX];  // each pack's file, as read
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

// The names of a choice member, in its enum's order ("" where the enum has no name).
static const char *s_scopes[] = { "pair", "supporter", "recipient", "park", "program", "region" };
static const char *s_measures[] = { "", "committed", "disbursed", "received" };
static const char *s_periods[] = { "year", "quarter", "month", "window" };
static const char *s_compares[] = { "at_least", "at_most", "above" };
static const char *s_paces[] = { "linear", "none" };

#define S_COUNT(table) (sizeof (table) / sizeof (table)[0])

// An optional choice: *out is the index of the member's value in names (fallback when absent).
// Returns 0, or -1 naming what it may be.
static int
s_pick (const json_t *object, const char *key, const char *const *names, size_t count,
        int fallback, int *out, const char *where, char *errstr, size_t errstr_size)
{
    json_t *value = json_object_get (object, key);
    *out = fallback;
    if (!value)
        return 0;
    const char *text = json_is_string (value) ? json_string_value (value) : "";
    char allowed[256] = "";
    for (size_t index = 0; index < count; index++) {
        if (*names[index] && strcmp (names[index], text) == 0) {
            *out = (int) index;
            return 0;
        }
        if (*names[index])
            snprintf (allowed + strlen (allowed), sizeof allowed - strlen (allowed), "%s%s",
                      *allowed ? ", " : "", names[index]);
    }
    char echo[ERROR_ECHO_BYTES_MAX];
    validate_echo (text, echo, sizeof echo);
    return errstr_set (errstr, errstr_size, "%s: %s \"%s\" is not one of %s", where, key, echo,
                       allowed);
}

const char *
policy_scope_name (policy_scope_t scope)
{
    return (unsigned) scope < S_COUNT (s_scopes) ? s_scopes[scope] : "";
}

// A filter: {"<attr>": "value" or ["value", ...]} with one attr, a text field of kind.
static int
s_parse_filter (const char *key, const json_t *values, const vocab_kind_t *kind,
                policy_filter_t *filter, const char *where, char *errstr, size_t errstr_size)
{
    vocab_attr_t attr = vocab_attr_find (key);
    char echo[ERROR_ECHO_BYTES_MAX];
    validate_echo (key, echo, sizeof echo);
    if (attr == VOCAB_ATTR_COUNT || !(VOCAB_ATTR_BIT (attr) & VOCAB_ATTRS_TEXT)
        || !(kind->allows & VOCAB_ATTR_BIT (attr)))
        return errstr_set (errstr, errstr_size, "%s: \"%s\" is not a text field of %s",
                           where, echo, kind->name);
    filter->attr = attr;
    filter->count = 0;
    size_t count = json_is_array (values) ? json_array_size (values) : 1;
    if ((!json_is_array (values) && !json_is_string (values)) || count == 0
        || count > POLICY_VALUES_MAX)
        return errstr_set (errstr, errstr_size, "%s: \"%s\" must be a value or a list of 1..%d "
                           "values", where, echo, POLICY_VALUES_MAX);
    for (size_t index = 0; index < count; index++) {
        const json_t *value = json_is_array (values) ? json_array_get (values, index) : values;
        const char *text = json_is_string (value) ? json_string_value (value) : "";
        char reason[REASON_BYTES_MAX];
        if (!*text || validate_text_problem (text, POLICY_VALUE_BYTES_MAX, false, reason,
                                             sizeof reason))
            return errstr_set (errstr, errstr_size, "%s: \"%s\" value %zu must be a short "
                               "text (%d bytes at most)", where, echo, index + 1,
                               POLICY_VALUE_BYTES_MAX - 1);
        snprintf (filter->values[filter->count++], POLICY_VALUE_BYTES_MAX, "%s", text);
    }
    return 0;
}

// A member that holds one filter ("each", "share"): an object of exactly one field.
static int
s_parse_one_filter (const json_t *object, const char *member, const vocab_kind_t *kind,
                    policy_filter_t *filter, const char *where, char *errstr, size_t errstr_size)
{
    json_t *value = json_object_get (object, member);
    if (!json_is_object (value) || json_object_size (value) != 1)
        return errstr_set (errstr, errstr_size, "%s: \"%s\" must be an object of one field "
                           "and its values, e.g. {\"field\": [\"science\", \"health\"]}", where,
                           member);
    const char *key = json_object_iter_key (json_object_iter (value));
    return s_parse_filter (key, json_object_get (value, key), kind, filter, where, errstr,
                           errstr_size);
}

// "where": filters every counted event must match.
static int
s_parse_where (const json_t *object, policy_rule_t *rule, const char *where, char *errstr,
               size_t errstr_size)
{
    json_t *filters = json_object_get (object, "where");
    if (!filters)
        return 0;
    if (!json_is_object (filters) || json_object_size (filters) > POLICY_FILTERS_MAX)
        return errstr_set (errstr, errstr_size, "%s: \"where\" must be an object of at most %d "
                           "fields and their values", where, POLICY_FILTERS_MAX);
    const char *key;
    json_t *values;
    json_object_foreach (filters, key, values) {
        if (s_parse_filter (key, values, rule->kind, &rule->filters[rule->filter_count], where,
                            errstr, errstr_size))
            return -1;
        rule->filter_count++;
    }
    return 0;
}

// "indicator": {"code", "measure": "value" or "growth", "reference"}.
static int
s_parse_indicator (const json_t *object, policy_rule_t *rule, const char *where, char *errstr,
                   size_t errstr_size)
{
    json_t *indicator = json_object_get (object, "indicator");
    char text[ID_BYTES_MAX], reason[REASON_BYTES_MAX];
    int growth;
    if (!json_is_object (indicator))
        return errstr_set (errstr, errstr_size, "%s: \"indicator\" must be an object "
                           "{\"code\", \"measure\", \"reference\"}", where);
    if (s_known_members (indicator, " code measure reference ", where, errstr, errstr_size)
        || s_string (indicator, "code", true, rule->code, sizeof rule->code, where, errstr,
                     errstr_size)
        || s_string (indicator, "reference", false, rule->reference, sizeof rule->reference,
                     where, errstr, errstr_size)
        || s_pick (indicator, "measure", (const char *[]) { "value", "growth" }, 2, 0, &growth,
                   where, errstr, errstr_size))
        return -1;
    if (validate_id_problem (rule->code, reason, sizeof reason))
        return errstr_set (errstr, errstr_size, "%s: indicator code \"%s\" %s", where,
                           rule->code, reason);
    if (*rule->reference && validate_id_problem (rule->reference, reason, sizeof reason))
        return errstr_set (errstr, errstr_size, "%s: indicator reference \"%s\" %s", where,
                           rule->reference, reason);
    rule->growth = growth == 1;
    (void) text;
    return 0;
}

// What is counted: metric over event_kind or a measure, filters, and the metric's own members.
static int
s_parse_vocabulary (const json_t *object, policy_rule_t *rule, const char *where,
                    char *errstr, size_t errstr_size)
{
    char metric_name[ID_BYTES_MAX], known[VOCAB_NAMES_BYTES_MAX];
    int measure;
    if (s_string (object, "event_kind", false, rule->event_kind, sizeof rule->event_kind, where,
                  errstr, errstr_size)
        || s_string (object, "metric", true, metric_name, sizeof metric_name, where, errstr,
                     errstr_size)
        || s_pick (object, "measure", s_measures, S_COUNT (s_measures), 0, &measure, where,
                   errstr, errstr_size))
        return -1;
    const vocab_metric_t *metric = vocab_metric_find (metric_name);
    if (!metric) {
        vocab_metric_names (NULL, ", ", known, sizeof known);
        return errstr_set (errstr, errstr_size, "%s: metric \"%s\" is not a known metric "
                           "(%s)", where, metric_name, known);
    }
    rule->metric = (policy_metric_t) metric->id;
    rule->measure = (policy_measure_t) measure;
    if (rule->measure != POLICY_MEASURE_NONE) {
        if (rule->metric != POLICY_METRIC_SUM || *rule->event_kind)
            return errstr_set (errstr, errstr_size, "%s: \"measure\" is for a sum of aid money, "
                               "instead of event_kind", where);
        static const char *kinds[] = { "", "commitment", VOCAB_KIND_AID_FUNDS,
                                       VOCAB_KIND_RECEIPT };
        rule->kind = vocab_kind_find (kinds[measure]);
    } else if (rule->metric == POLICY_METRIC_INDICATOR) {
        if (*rule->event_kind && strcmp (rule->event_kind, VOCAB_KIND_INDICATOR) != 0)
            return errstr_set (errstr, errstr_size, "%s: metric indicator measures indicator "
                               "events, not %s", where, rule->event_kind);
        rule->kind = vocab_kind_find (VOCAB_KIND_INDICATOR);
    } else {
        if (!*rule->event_kind)
            return errstr_set (errstr, errstr_size, "%s: \"event_kind\" is required (or "
                               "\"measure\" for a sum of aid money)", where);
        if (!(rule->kind = vocab_kind_find (rule->event_kind))) {
            vocab_kind_names (", ", known, sizeof known);
            return errstr_set (errstr, errstr_size, "%s: event_kind \"%s\" is not a known kind "
                               "(%s)", where, rule->event_kind, known);
        }
    }
    assert (rule->kind);
    if (!*rule->event_kind)
        snprintf (rule->event_kind, sizeof rule->event_kind, "%s", rule->kind->name);
    if (!vocab_metric_applies (metric, rule->kind)) {
        vocab_metric_names (rule->kind, ", ", known, sizeof known);
        return errstr_set (errstr, errstr_size, "%s: metric \"%s\" does not apply to "
                           "event_kind \"%s\" (its metrics: %s)", where, metric_name,
                           rule->event_kind, known);
    }
    rule->each.attr = rule->share.attr = VOCAB_ATTR_COUNT;
    if (s_parse_where (object, rule, where, errstr, errstr_size))
        return -1;
    bool each = rule->metric == POLICY_METRIC_EACH, share = rule->metric == POLICY_METRIC_SHARE;
    bool indicator = rule->metric == POLICY_METRIC_INDICATOR;
    const char *misplaced = !each && json_object_get (object, "each") ? "each"
                            : !share && json_object_get (object, "share") ? "share"
                            : !share && json_object_get (object, "by") ? "by"
                            : !indicator && json_object_get (object, "indicator") ? "indicator"
                                                                                  : NULL;
    if (misplaced)
        return errstr_set (errstr, errstr_size, "%s: \"%s\" is not a member of a rule of "
                           "metric %s", where, misplaced, metric_name);
    int by = 0;
    if ((each && s_parse_one_filter (object, "each", rule->kind, &rule->each, where, errstr,
                                     errstr_size))
        || (share && (s_parse_one_filter (object, "share", rule->kind, &rule->share, where,
                                          errstr, errstr_size)
                      || s_pick (object, "by", (const char *[]) { "count", "amount" }, 2, -1,
                                 &by, where, errstr, errstr_size)))
        || (indicator && s_parse_indicator (object, rule, where, errstr, errstr_size)))
        return -1;
    if (share && by < 0)
        return errstr_set (errstr, errstr_size, "%s: \"by\" is required for a share: count or "
                           "amount", where);
    if (share && by == 1 && rule->kind->amount != VOCAB_FIELD_REQUIRED)
        return errstr_set (errstr, errstr_size, "%s: a share by amount needs a kind with an "
                           "amount, not %s", where, rule->kind->name);
    rule->share_by_amount = by == 1;
    return 0;
}

// unit: the metric's over the kind (an indicator's: fen, bp or count; its growth's: bp).
static int
s_parse_unit (const json_t *object, policy_rule_t *rule, const char *where, char *errstr,
              size_t errstr_size)
{
    char unit_name[ID_BYTES_MAX], known[VOCAB_NAMES_BYTES_MAX];
    if (s_string (object, "unit", true, unit_name, sizeof unit_name, where, errstr,
                  errstr_size))
        return -1;
    const vocab_unit_t *unit = vocab_unit_find (unit_name);
    if (!unit) {
        vocab_unit_names (", ", known, sizeof known);
        return errstr_set (errstr, errstr_size, "%s: unit \"%s\" is not a known unit (%s)",
                           where, unit_name, known);
    }
    const vocab_metric_t *metric = vocab_metric_find (
        (const char *[]) { "sum", "count", "quantity", "each", "share",
                           "indicator" }[rule->metric]);
    const char *expected = vocab_metric_unit (metric, rule->kind);
    if (rule->metric == POLICY_METRIC_INDICATOR) {
        bool fits = rule->growth ? strcmp (unit->name, VOCAB_UNIT_BP) == 0
                                 : strcmp (unit->name, "fen") == 0
                                       || strcmp (unit->name, VOCAB_UNIT_BP) == 0
                                       || strcmp (unit->name, VOCAB_UNIT_COUNT) == 0;
        if (!fits)
            return errstr_set (errstr, errstr_size, "%s: unit \"%s\" is not the unit of an "
                               "indicator's %s, which is %s", where, unit_name,
                               rule->growth ? "growth" : "value",
                               rule->growth ? "bp" : "fen, bp or count");
    } else if (strcmp (unit->name, expected) != 0)
        return errstr_set (errstr, errstr_size, "%s: unit \"%s\" is not the unit of %s over "
                           "%s, which is %s", where, unit_name, metric->name, rule->event_kind,
                           expected);
    rule->unit = unit->name;
    return 0;
}

// target: a whole number in the unit, "plan" or "committed"; compare and pace.
static int
s_parse_target (const json_t *object, policy_rule_t *rule, const char *where, char *errstr,
                size_t errstr_size)
{
    json_t *target = json_object_get (object, "target");
    bool level = rule->metric == POLICY_METRIC_SHARE || rule->metric == POLICY_METRIC_INDICATOR;
    int compare, pace;
    if (s_pick (object, "compare", s_compares, S_COUNT (s_compares), 0, &compare, where, errstr,
                errstr_size)
        || s_pick (object, "pace", s_paces, S_COUNT (s_paces), level, &pace, where, errstr,
                   errstr_size))
        return -1;
    rule->compare = (policy_compare_t) compare;
    rule->pace = (policy_pace_t) pace;
    if (!level && rule->compare != POLICY_COMPARE_AT_LEAST)
        return errstr_set (errstr, errstr_size, "%s: \"compare\" is for a share or an "
                           "indicator: a total only ever grows toward its target", where);
    if (level && rule->pace != POLICY_PACE_NONE)
        return errstr_set (errstr, errstr_size, "%s: pace \"linear\" does not apply to %s, "
                           "which is a level, not a total", where,
                           rule->metric == POLICY_METRIC_SHARE ? "a share" : "an indicator");
    if (*rule->reference) {
        if (target)
            return errstr_set (errstr, errstr_size, "%s: \"target\" must be left out: the "
                               "reference region's figure is the target", where);
        rule->target_from = POLICY_TARGET_FIXED;
        return 0;
    }
    if (json_is_string (target)) {
        const char *text = json_string_value (target);
        bool plan = strcmp (text, "plan") == 0, committed = strcmp (text, "committed") == 0;
        if (!plan && !committed)
            return errstr_set (errstr, errstr_size, "%s: \"target\" must be a whole number, "
                               "\"plan\" or \"committed\"", where);
        if (plan && (rule->scope != POLICY_SCOPE_PARK || rule->metric != POLICY_METRIC_SUM
                     || rule->filter_count != 1
                     || rule->filters[0].attr != VOCAB_ATTR_CATEGORY
                     || rule->filters[0].count != 1))
            return errstr_set (errstr, errstr_size, "%s: target \"plan\" is a park's plan of "
                               "one category: scope park, metric sum and where {\"category\": "
                               "\"gov\" or \"invest\"}", where);
        if (committed && (rule->metric != POLICY_METRIC_SUM
                          || (rule->measure != POLICY_MEASURE_RECEIVED
                              && rule->measure != POLICY_MEASURE_DISBURSED)))
            return errstr_set (errstr, errstr_size, "%s: target \"committed\" is for a sum of "
                               "measure received or disbursed", where);
        rule->target_from = plan ? POLICY_TARGET_PLAN : POLICY_TARGET_COMMITTED;
        return 0;
    }
    // A level may ask for 0 or less (no weak village; a growth that may be negative).
    int64_t min = level ? -AMOUNT_FEN_MAX : 1;
    int64_t max = rule->metric == POLICY_METRIC_EACH ? (int64_t) rule->each.count
                                                     : AMOUNT_FEN_MAX;
    if (rule->metric == POLICY_METRIC_SHARE) {
        min = 1;
        max = 10000;
    }
    rule->target_from = POLICY_TARGET_FIXED;
    return s_integer (object, "target", true, min, max, &rule->target, where, errstr,
                      errstr_size);
}

// A deadline "MM-DD" (a day every year has: February has 28 days here) or "YYYY-MM-DD".
static int
s_parse_deadline_text (const char *text, policy_rule_t *rule, const char *where, char *errstr,
                       size_t errstr_size)
{
    int month, day;
    char tail;
    rule->deadline_date = -1;
    if (strlen (text) == 10)
        return date_parse (text, &rule->deadline_date)
                   ? errstr_set (errstr, errstr_size, "%s: deadline \"%s\" is not a date "
                                 "YYYY-MM-DD", where, text)
                   : 0;
    if (sscanf (text, "%2d-%2d%c", &month, &day, &tail) != 2 || strlen (text) != 5
        || month < 1 || month > 12 || day < 1
        || day > (int[]) { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }[month - 1])
        return errstr_set (errstr, errstr_size, "%s: deadline \"%s\" must be MM-DD, a day "
                           "every year has, or a date YYYY-MM-DD", where, text);
    rule->deadline_month = month;
    rule->deadline_day = day;
    return 0;
}

// period, deadline, deadline_year, from_year and to_year.
static int
s_parse_period (const json_t *object, policy_rule_t *rule, const char *where, char *errstr,
                size_t errstr_size)
{
    int period;
    int64_t from_year = DATE_YEAR_MIN, to_year = DATE_YEAR_MAX, deadline_year = 0;
    char text[16] = "";
    if (s_pick (object, "period", s_periods, S_COUNT (s_periods), 0, &period, where, errstr,
                errstr_size)
        || s_integer (object, "from_year", false, DATE_YEAR_MIN, DATE_YEAR_MAX, &from_year,
                      where, errstr, errstr_size)
        || s_integer (object, "to_year", false, DATE_YEAR_MIN, DATE_YEAR_MAX, &to_year, where,
                      errstr, errstr_size)
        || s_integer (object, "deadline_year", false, -1, 0, &deadline_year, where, errstr,
                      errstr_size)
        || s_string (object, "deadline", false, text, sizeof text, where, errstr, errstr_size))
        return -1;
    if (from_year > to_year)
        return errstr_set (errstr, errstr_size, "%s: from_year %lld is after to_year %lld",
                           where, (long long) from_year, (long long) to_year);
    rule->period = (policy_period_t) period;
    rule->from_year = (int) from_year;
    rule->to_year = (int) to_year;
    rule->deadline_year = (int) deadline_year;
    rule->deadline_date = -1;
    bool sub_year = period == POLICY_PERIOD_QUARTER || period == POLICY_PERIOD_MONTH;
    if (sub_year && (*text || deadline_year))
        return errstr_set (errstr, errstr_size, "%s: a %s ends on its last day: leave %s out",
                           where, s_periods[period], *text ? "deadline" : "deadline_year");
    if (period == POLICY_PERIOD_WINDOW
        && (!json_object_get (object, "from_year") || !json_object_get (object, "to_year")))
        return errstr_set (errstr, errstr_size, "%s: a window needs from_year and to_year",
                           where);
    if (sub_year && vocab_kind_names_year (rule->kind))
        return errstr_set (errstr, errstr_size, "%s: %s events name a year: a %s does not "
                           "apply to them", where, rule->kind->name, s_periods[period]);
    if (!sub_year && s_parse_deadline_text (*text ? text : "12-31", rule, where, errstr,
                                            errstr_size))
        return -1;
    if (rule->deadline_date >= 0
        && (deadline_year || (period == POLICY_PERIOD_YEAR && from_year != to_year)))
        return errstr_set (errstr, errstr_size, "%s: a deadline that is a date is one day: "
                           "for a yearly rule, from_year and to_year must be that one year, "
                           "and deadline_year must be left out", where);
    if (deadline_year && period != POLICY_PERIOD_YEAR)
        return errstr_set (errstr, errstr_size, "%s: deadline_year is for a yearly period",
                           where);
    return 0;
}

// The scope against what is counted: a park needs a park, a region an indicator.
static int
s_check_scope (policy_rule_t *rule, const char *where, char *errstr, size_t errstr_size)
{
    bool indicator = rule->metric == POLICY_METRIC_INDICATOR;
    if (indicator != (rule->scope == POLICY_SCOPE_REGION))
        return errstr_set (errstr, errstr_size, "%s: %s", where,
                           indicator ? "an indicator is a region's figure: scope region"
                                     : "scope region is for an indicator");
    if (rule->scope == POLICY_SCOPE_PARK && !(rule->kind->allows & VOCAB_ATTR_BIT (VOCAB_ATTR_PARK)))
        return errstr_set (errstr, errstr_size, "%s: scope park needs events that name a park, "
                           "which %s events do not", where, rule->kind->name);
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
    char where[S_WHERE_BYTES_MAX], reason[REASON_BYTES_MAX];
    int scope;
    if (!json_is_object (object))
        return errstr_set (errstr, errstr_size, "%s: must be an object", at);
    if (s_string (object, "id", true, rule->id, sizeof rule->id, at, errstr, errstr_size))
        return -1;
    if (validate_id_problem (rule->id, reason, sizeof reason))
        return errstr_set (errstr, errstr_size, "%s: id \"%s\" %s", at, rule->id, reason);
    // From here on every error names the rule as well as its place.
    snprintf (where, sizeof where, "%s \"%s\"", at, rule->id);
    if (s_known_members (object, " id title title_en source note scope metric event_kind "
                         "measure where each share by indicator compare target unit pace "
                         "period deadline deadline_year from_year to_year weight warnings ",
                         where, errstr, errstr_size)
        || s_parse_extras (object, rule, where, errstr, errstr_size)
        || s_string (object, "title", true, rule->title, sizeof rule->title, where, errstr,
                     errstr_size)
        || s_string (object, "source", true, rule->source, sizeof rule->source, where, errstr,
                     errstr_size))
        return -1;
    if (!*rule->title || !*rule->source)
        return errstr_set (errstr, errstr_size, "%s: title and source must not be empty: every "
                           "verdict cites its clause", where);
    if (!json_object_get (object, "scope"))
        return errstr_set (errstr, errstr_size, "%s: \"scope\" is required (pair, supporter, "
                           "recipient, park, program, region)", where);
    if (s_pick (object, "scope", s_scopes, S_COUNT (s_scopes), 0, &scope, where, errstr,
                errstr_size))
        return -1;
    rule->scope = (policy_scope_t) scope;
    return s_parse_vocabulary (object, rule, where, errstr, errstr_size)
               || s_check_scope (rule, where, errstr, errstr_size)
               || s_parse_unit (object, rule, where, errstr, errstr_size)
               || s_parse_target (object, rule, where, errstr, errstr_size)
               || s_parse_period (object, rule, where, errstr, errstr_size)
               ? -1
               : 0;
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

int
policy_set_add (policy_set_t *self, const char *name, const char *text, char *errstr,
                size_t errstr_size)
{
    if (self->pack_count == POLICY_PACKS_MAX)
        return errstr_set (errstr, errstr_size, "%s: more than %d policy packs", name,
                           POLICY_PACKS_MAX);
    json_error_t error;
    json_t *root = json_loads (text, JSON_REJECT_DUPLICATES, &error);
    if (!root)
        return errstr_set (errstr, errstr_size, "%s: line %d column %d: %s", name, error.line,
                           error.column, error.text);
    policy_pack_t *pack = &self->packs[self->pack_count];
    int rc = policy_pack_parse (root, name, pack, errstr, errstr_size);
    json_decref (root);
    if (rc)
        return -1;
    for (size_t index = 0; index < self->pack_count; index++) {
        if (strcmp (self->packs[index].program, pack->program) == 0)
            return errstr_set (errstr, errstr_size, "%s: program %s has another pack", name,
                               pack->program);
        for (size_t rule = 0; rule < pack->rule_count; rule++)
            if (policy_pack_rule (&self->packs[index], pack->rules[rule].id))
                return errstr_set (errstr, errstr_size, "%s: rule id %s is used by another "
                                   "pack", name, pack->rules[rule].id);
    }
    if (!(self->texts[self->pack_count] = strdup (text)))
        return errstr_set (errstr, errstr_size, "out of memory");
    self->pack_count++;
    return 0;
}

int
policy_file_read (const char *path, char **text, char *errstr, size_t errstr_size)
{
    struct stat status;
    *text = NULL;
    if (stat (path, &status) != 0 || !S_ISREG (status.st_mode))
        return errstr_set (errstr, errstr_size, "%s: not a readable file", path);
    if (status.st_size > POLICY_FILE_BYTES_MAX)
        return errstr_set (errstr, errstr_size, "%s: %lld bytes, over the limit of %d", path,
                           (long long) status.st_size, POLICY_FILE_BYTES_MAX);
    FILE *stream = fopen (path, "rb");
    *text = calloc (1, (size_t) status.st_size + 1);
    size_t length = stream && *text ? fread (*text, 1, (size_t) status.st_size, stream) : 0;
    if (stream)
        fclose (stream);
    if (!*text || length != (size_t) status.st_size) {
        free (*text);
        *text = NULL;
        return errstr_set (errstr, errstr_size, "%s: cannot read it", path);
    }
    if (strlen (*text) != length) {
        free (*text);
        *text = NULL;
        return errstr_set (errstr, errstr_size, "%s: not a text file (a NUL byte)", path);
    }
    return 0;
}

policy_set_t *
policy_set_new (void)
{
    return calloc (1, sizeof (policy_set_t));
}

policy_set_t *
policy_set_load_with (const char *dir, policy_fallback_fn *fallback, void *state,
                      char *errstr, size_t errstr_size)
{
    struct dirent **entries = NULL;
    int count = scandir (dir, &entries, NULL, alphasort);
    if (count < 0) {
        errstr_set (errstr, errstr_size, "cannot read the policy directory %s", dir);
        return NULL;
    }
    policy_set_t *self = policy_set_new ();
    int rc = self ? 0 : errstr_set (errstr, errstr_size, "out of memory");
    for (int index = 0; index < count; index++) {
        const char *file = entries[index]->d_name;
        size_t length = strlen (file);
        bool pack = length > 5 && strcmp (file + length - 5, ".json") == 0
                    && strcmp (file, CONFIG_KINDS_FILE) != 0;  // declared kinds, not a pack
        char *text = NULL, path[PATH_BYTES_MAX];
        snprintf (path, sizeof path, "%s/%s", dir, file);
        if (rc == 0 && pack
            && (policy_file_read (path, &text, errstr, errstr_size)
                || policy_set_add (self, path, text, errstr, errstr_size)))
            rc = fallback ? fallback (state, self, file, errstr, errstr_size) : -1;
        free (text);
        free (entries[index]);
    }
    free (entries);
    if (rc)
        policy_set_destroy (&self);
    return self;
}

policy_set_t *
policy_set_load (const char *dir, char *errstr, size_t errstr_size)
{
    return policy_set_load_with (dir, NULL, NULL, errstr, errstr_size);
}

const char *
policy_set_text (const policy_set_t *self, const char *program)
{
    for (size_t index = 0; index < self->pack_count; index++)
        if (strcmp (self->packs[index].program, program) == 0)
            return self->texts[index];
    return NULL;
}

uint64_t
policy_set_fingerprint (const policy_set_t *self)
{
    // FNV-1a over each pack's program and text, in the set's (the directory's sorted) order.
    uint64_t hash = 14695981039346656037ULL;
    for (size_t index = 0; index < self->pack_count; index++) {
        for (const char *at = self->packs[index].program; *at; at++)
            hash = (hash ^ (unsigned char) *at) * 1099511628211ULL;
        hash = (hash ^ 0x1f) * 1099511628211ULL;
        for (const char *at = self->texts[index]; *at; at++)
            hash = (hash ^ (unsigned char) *at) * 1099511628211ULL;
    }
    return hash;
}

void
policy_set_destroy (policy_set_t **self_p)
{
    if (self_p && *self_p) {
        for (size_t index = 0; index < (*self_p)->pack_count; index++)
            free ((*self_p)->texts[index]);
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

const policy_pack_t *
policy_set_at (const policy_set_t *self, size_t index)
{
    return index < self->pack_count ? &self->packs[index] : NULL;
}

const policy_rule_t *
policy_pack_rule (const policy_pack_t *pack, const char *id)
{
    for (size_t index = 0; pack && index < pack->rule_count; index++)
        if (strcmp (pack->rules[index].id, id) == 0)
            return &pack->rules[index];
    return NULL;
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
