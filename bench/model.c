#include "model.h"

#include <assert.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench_registry.h"
#include "common/date.h"

struct model_t {
    int pairs;
    int year;
    int32_t period_start;     // Jan 1 of year
    int32_t period_deadline;  // Dec 31 of year
    int32_t today;            // -1 before the first evaluation
    char program[ID_BYTES_MAX];
    model_rule_spec_t rules[MODEL_RULES];
    int64_t *actual[MODEL_RULES];                      // per pair
    Shanhai__V1__ComplianceStatus *status[MODEL_RULES];  // per pair
    long expected[MODEL_RULE_CELLS][MODEL_STATUSES];
};

static int
s_fail (char *errstr, size_t errstr_size, const char *path, const char *what)
{
    snprintf (errstr, errstr_size, "%s: %s", path, what);
    return -1;
}

// The rule of the pack that the model's rule is: a sum of aid-funds or a count of visits.
static int
s_read_rules (model_t *self, json_t *rules, const char *path, char *errstr, size_t errstr_size)
{
    static const char *metrics[MODEL_RULES] = { "sum", "count" };
    static const char *kinds[MODEL_RULES] = { "aid-funds", "leader-visit" };
    size_t index;
    json_t *rule;
    json_array_foreach (rules, index, rule) {
        // A county's or the program's rule is load the assessment carries (every event adds
        // to its aggregates too), not a verdict the model follows: its alerts are "other".
        const char *scope = json_string_value (json_object_get (rule, "scope"));
        if (scope && strcmp (scope, "pair") != 0)
            continue;
        const char *id = json_string_value (json_object_get (rule, "id"));
        const char *metric = json_string_value (json_object_get (rule, "metric"));
        const char *kind = json_string_value (json_object_get (rule, "event_kind"));
        const char *deadline = json_string_value (json_object_get (rule, "deadline"));
        json_int_t target = json_integer_value (json_object_get (rule, "target"));
        if (!id || !metric || !kind || !deadline || target <= 0 || strlen (id) >= ID_BYTES_MAX)
            return s_fail (errstr, errstr_size, path, "a rule lacks id, metric, event_kind, "
                           "deadline or target");
        for (int which = 0; which < MODEL_RULES; which++)
            if (strcmp (metric, metrics[which]) == 0 && strcmp (kind, kinds[which]) == 0) {
                if (self->rules[which].target || strcmp (deadline, "12-31") != 0)
                    return s_fail (errstr, errstr_size, path, "the bench needs one aid-funds "
                                   "sum and one leader-visit count, each due 12-31");
                snprintf (self->rules[which].id, sizeof self->rules[which].id, "%s", id);
                self->rules[which].target = target;
            }
    }
    if (!self->rules[MODEL_RULE_AID].target || !self->rules[MODEL_RULE_VISITS].target)
        return s_fail (errstr, errstr_size, path, "the bench needs a rule summing aid-funds and "
                       "one counting leader-visit");
    return 0;
}

static int
s_read_pack (model_t *self, const char *path, char *errstr, size_t errstr_size)
{
    json_error_t error;
    json_t *root = json_load_file (path, 0, &error);
    if (!root)
        return s_fail (errstr, errstr_size, path, error.text);
    const char *program = json_string_value (json_object_get (root, "program"));
    json_t *rules = json_object_get (root, "rules");
    int rc = 0;
    if (!program || strlen (program) >= sizeof self->program || !json_is_array (rules))
        rc = s_fail (errstr, errstr_size, path, "a pack needs a program and rules");
    else {
        snprintf (self->program, sizeof self->program, "%s", program);
        rc = s_read_rules (self, rules, path, errstr, errstr_size);
    }
    json_decref (root);
    return rc;
}

model_t *
model_new (int pairs, int year, const char *policy_path, char *errstr, size_t errstr_size)
{
    assert (pairs > 0 && policy_path && errstr);
    model_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->pairs = pairs;
    self->year = year;
    self->period_start = date_from_ymd (year, 1, 1);
    self->period_deadline = date_from_ymd (year, 12, 31);
    self->today = -1;
    bool allocated = true;
    for (int rule = 0; rule < MODEL_RULES; rule++) {
        self->actual[rule] = calloc ((size_t) pairs, sizeof *self->actual[rule]);
        self->status[rule] = calloc ((size_t) pairs, sizeof *self->status[rule]);
        allocated = allocated && self->actual[rule] && self->status[rule];
    }
    if (!allocated)
        snprintf (errstr, errstr_size, "out of memory");
    if (!allocated || s_read_pack (self, policy_path, errstr, errstr_size)) {
        model_destroy (&self);
        return NULL;
    }
    return self;
}

void
model_destroy (model_t **self_p)
{
    if (self_p && *self_p) {
        for (int rule = 0; rule < MODEL_RULES; rule++) {
            free ((*self_p)->actual[rule]);
            free ((*self_p)->status[rule]);
        }
        free (*self_p);
        *self_p = NULL;
    }
}

const char *
model_program (model_t *self)
{
    return self->program;
}

const model_rule_spec_t *
model_rule (model_t *self, model_rule_t rule)
{
    assert (rule < MODEL_RULES);
    return &self->rules[rule];
}

model_rule_t
model_rule_of (model_t *self, const char *id)
{
    for (int rule = 0; rule < MODEL_RULES; rule++)
        if (strcmp (self->rules[rule].id, id) == 0)
            return (model_rule_t) rule;
    return MODEL_RULE_OTHER;
}

static Shanhai__V1__ComplianceStatus
s_status (model_t *self, int64_t actual, int64_t target, int32_t day)
{
    if (actual >= target)
        return SHANHAI__V1__COMPLIANCE_STATUS__MET;
    if (day > self->period_deadline)
        return SHANHAI__V1__COMPLIANCE_STATUS__BREACHED;
    __int128 have = (__int128) actual * (self->period_deadline - self->period_start);
    __int128 want = (__int128) target * (day - self->period_start);
    return have >= want ? SHANHAI__V1__COMPLIANCE_STATUS__ON_TRACK
                        : SHANHAI__V1__COMPLIANCE_STATUS__AT_RISK;
}

// The alerts of a change from previous to status (0 when it is no news).
static long
s_alerts (Shanhai__V1__ComplianceStatus previous, Shanhai__V1__ComplianceStatus status)
{
    bool news;
    switch (status) {
    case SHANHAI__V1__COMPLIANCE_STATUS__AT_RISK:
    case SHANHAI__V1__COMPLIANCE_STATUS__BREACHED:
    case SHANHAI__V1__COMPLIANCE_STATUS__MET:
        news = previous != status;
        break;
    case SHANHAI__V1__COMPLIANCE_STATUS__ON_TRACK:
        news = previous == SHANHAI__V1__COMPLIANCE_STATUS__AT_RISK
               || previous == SHANHAI__V1__COMPLIANCE_STATUS__BREACHED;
        break;
    default:
        news = false;
    }
    if (!news)
        return 0;
    return BENCH_REGISTRY_LEADERS_PER_PAIR
           + (status == SHANHAI__V1__COMPLIANCE_STATUS__BREACHED ? 1 : 0);
}

// Re-evaluates one (rule, pair) as of the model's day and counts the alerts.
static long
s_evaluate (model_t *self, model_rule_t rule, int pair)
{
    Shanhai__V1__ComplianceStatus previous = self->status[rule][pair];
    Shanhai__V1__ComplianceStatus status
        = s_status (self, self->actual[rule][pair], self->rules[rule].target, self->today);
    long alerts = s_alerts (previous, status);
    self->status[rule][pair] = status;
    self->expected[rule][status] += alerts;
    return alerts;
}

long
model_set_clock (model_t *self, int32_t day)
{
    assert (day > self->today);
    self->today = day;
    long alerts = 0;
    for (int pair = 0; pair < self->pairs; pair++)
        for (int rule = 0; rule < MODEL_RULES; rule++)
            alerts += s_evaluate (self, (model_rule_t) rule, pair);
    return alerts;
}

long
model_record (model_t *self, model_rule_t rule, int pair, int64_t amount)
{
    assert (rule < MODEL_RULES && pair >= 0 && pair < self->pairs && self->today >= 0);
    self->actual[rule][pair] += rule == MODEL_RULE_AID ? amount : 1;
    return s_evaluate (self, rule, pair);
}

Shanhai__V1__ComplianceStatus
model_preview (model_t *self, model_rule_t rule, int pair, int64_t actual, int32_t day,
               long *alerts)
{
    assert (rule < MODEL_RULES && pair >= 0 && pair < self->pairs && alerts);
    Shanhai__V1__ComplianceStatus status
        = s_status (self, actual, self->rules[rule].target, day);
    *alerts = s_alerts (self->status[rule][pair], status);
    return status;
}

Shanhai__V1__ComplianceStatus
model_status (model_t *self, model_rule_t rule, int pair)
{
    assert (rule < MODEL_RULES && pair >= 0 && pair < self->pairs);
    return self->status[rule][pair];
}

int64_t
model_actual (model_t *self, model_rule_t rule, int pair)
{
    assert (rule < MODEL_RULES && pair >= 0 && pair < self->pairs);
    return self->actual[rule][pair];
}

long
model_expected (model_t *self, model_rule_t rule, Shanhai__V1__ComplianceStatus status)
{
    assert (rule < MODEL_RULE_CELLS && (int) status >= 0 && (int) status < MODEL_STATUSES);
    return self->expected[rule][status];
}

long
model_expected_total (model_t *self)
{
    long total = 0;
    for (int rule = 0; rule < MODEL_RULE_CELLS; rule++)
        for (int status = 0; status < MODEL_STATUSES; status++)
            total += self->expected[rule][status];
    return total;
}
