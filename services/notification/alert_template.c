#include "alert_template.h"

#include <assert.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "alert_rules.h"
#include "common/errstr.h"
#include "common/date.h"
#include "common/limits.h"
#include "common/money.h"
#include "common/vocab.h"
#include "common/validate.h"

// The statuses a template names, in the order of shanhai.v1.ComplianceStatus's values 1..5.
static const char *s_statuses[] = { "MET", "ON_TRACK", "AT_RISK", "BREACHED", "NO_DATA" };
#define S_STATUSES (sizeof s_statuses / sizeof s_statuses[0])
_Static_assert (SHANHAI__V1__COMPLIANCE_STATUS__MET == 1
                    && SHANHAI__V1__COMPLIANCE_STATUS__NO_DATA == 5,
                "s_statuses follows the enum");
// Room for the value of one {name} field: a money amount, or a name of a status.
#define S_VALUE_BYTES 128

// The kinds of period a template names: a year "2024", a quarter "2024-Q2", a month "2024-03",
// a window of years "2018-2022".
typedef enum { S_YEAR, S_QUARTER, S_MONTH, S_WINDOW, S_PERIODS } s_period_t;
static const char *s_periods[S_PERIODS] = { "year", "quarter", "month", "window" };

struct alert_template_t {
    json_t *root;                      // owns every string below
    const char *status_names[S_STATUSES];
    const char *status_colours[S_STATUSES];
    const char *subjects[ALERT_SCOPE_INVALID];  // by alert_scope_t
    const char *periods[S_PERIODS];             // by s_period_t
    const char *first, *changed, *warning, *line, *money, *count, *title, *digest;
};

// Cuts text to at most size - 1 bytes, never inside a UTF-8 sequence.
static void
s_cut_utf8 (char *text, size_t size)
{
    if (strlen (text) < size)
        return;
    size_t cut = size - 1;
    while (cut > 0 && ((unsigned char) text[cut] & 0xC0) == 0x80)
        cut--;
    text[cut] = '\0';
}

// Fills template's {name} fields from names/values (count of them) into out, cut on a
// UTF-8 boundary. Returns -1 when the template names a field not among names (which
// alert_template_load checks once, so that rendering never meets one), else 0.
static int
s_render (const char *template, const char *const *names, const char *const *values,
          size_t count, char *out, size_t out_size)
{
    assert (out_size > 0);
    size_t length = 0;
    int rc = 0;
    // One byte more than out holds, so that s_cut_utf8 sees a character that straddles the cut.
    char *work = malloc (out_size + 1);
    if (!work)
        return -1;
    for (const char *at = template; *at && length < out_size; at++) {
        const char *close = *at == '{' ? strchr (at, '}') : NULL;
        const char *value = NULL;
        for (size_t index = 0; close && index < count && !value; index++)
            if (strlen (names[index]) == (size_t) (close - at - 1)
                && strncmp (names[index], at + 1, (size_t) (close - at - 1)) == 0)
                value = values[index];
        if (close && !value)
            rc = -1;
        const char *piece = value ? value : at;
        size_t piece_length = value ? strlen (value) : 1;
        if (piece_length > out_size - length)
            piece_length = out_size - length;
        memcpy (work + length, piece, piece_length);
        length += piece_length;
        if (value)
            at = close;
    }
    work[length] = '\0';
    s_cut_utf8 (work, out_size);
    memcpy (out, work, strlen (work) + 1);
    free (work);
    return rc;
}

// The names each template may use.
static const char *s_line_names[] = { "recipient_name", "supporter_name", "pairing", "year",
                                      "title", "source", "status", "colour", "news", "actual",
                                      "target", "expected", "as_of", "deadline", "subject",
                                      "period" };
static const char *s_subject_names[] = { "name", "code", "pairing", "recipient_name",
                                         "supporter_name" };
static const char *s_period_names[] = { "year", "quarter", "month", "from", "to" };
static const char *s_news_names[] = { "status", "previous" };
static const char *s_warning_names[] = { "days", "status" };
static const char *s_money_names[] = { "yuan" };
static const char *s_count_names[] = { "count" };
#define S_COUNT(array) (sizeof array / sizeof array[0])
// s_text_value probes a text with as many empty values as the longest list of names has.
_Static_assert (S_COUNT (s_subject_names) <= S_COUNT (s_line_names)
                    && S_COUNT (s_period_names) <= S_COUNT (s_line_names),
                "the line has the most names");

// A text of the file, value, which the file calls key: a string of valid UTF-8 whose {name}
// fields are all among names.
static const char *
s_text_value (json_t *value, const char *key, const char *const *names, size_t count,
              char *errstr, size_t errstr_size)
{
    const char *text = json_string_value (value);
    if (!text || !*text || !validate_text (text, CHANNEL_LINE_BYTES_MAX, false)) {
        errstr_set (errstr, errstr_size, "\"%s\" must be text of 1 to %d bytes", key,
                    CHANNEL_LINE_BYTES_MAX - 1);
        return NULL;
    }
    const char *empty[S_COUNT (s_line_names)];
    for (size_t index = 0; index < S_COUNT (s_line_names); index++)
        empty[index] = "";
    char probe[CHANNEL_LINE_BYTES_MAX];
    if (names && s_render (text, names, empty, count, probe, sizeof probe)) {
        errstr_set (errstr, errstr_size, "\"%s\" names a placeholder it cannot have", key);
        return NULL;
    }
    return text;
}

// The text of object's member key (s_text_value).
static const char *
s_text (json_t *object, const char *key, const char *const *names, size_t count, char *errstr,
        size_t errstr_size)
{
    return s_text_value (json_object_get (object, key), key, names, count, errstr, errstr_size);
}

static int
s_load_statuses (alert_template_t *self, char *errstr, size_t errstr_size)
{
    json_t *statuses = json_object_get (self->root, "status");
    for (size_t index = 0; index < S_STATUSES; index++) {
        json_t *status = json_object_get (statuses, s_statuses[index]);
        char key[64];
        snprintf (key, sizeof key, "status.%s", s_statuses[index]);
        if (!json_is_object (status)) {
            errstr_set (errstr, errstr_size, "\"%s\" is missing", key);
            return -1;
        }
        self->status_names[index] = s_text (status, "name", NULL, 0, errstr, errstr_size);
        self->status_colours[index] = s_text (status, "colour", NULL, 0, errstr, errstr_size);
        if (!self->status_names[index] || !self->status_colours[index])
            return -1;
    }
    return 0;
}

// The texts of one object of the file, one per key (keys[0..count)) into texts: e.g.
// "subject": {"pair": ..., "park": ...}. Returns 0 or -1 with errstr set.
static int
s_load_set (alert_template_t *self, const char *object_key, const char *const *keys,
            size_t count, const char *const *names, size_t names_count, const char **texts,
            char *errstr, size_t errstr_size)
{
    json_t *object = json_object_get (self->root, object_key);
    for (size_t index = 0; index < count; index++) {
        char key[64];
        snprintf (key, sizeof key, "%s.%s", object_key, keys[index]);
        json_t *text = json_object_get (object, keys[index]);
        if (!text) {
            errstr_set (errstr, errstr_size, "\"%s\" is missing", key);
            return -1;
        }
        texts[index] = s_text_value (text, key, names, names_count, errstr, errstr_size);
        if (!texts[index])
            return -1;
    }
    return 0;
}

// The subject of each scope and the period of each kind.
static int
s_load_subjects (alert_template_t *self, char *errstr, size_t errstr_size)
{
    const char *scopes[ALERT_SCOPE_INVALID];
    for (int scope = 0; scope < ALERT_SCOPE_INVALID; scope++)
        scopes[scope] = alert_rules_scope_name ((alert_scope_t) scope);
    return s_load_set (self, "subject", scopes, ALERT_SCOPE_INVALID, s_subject_names,
                       S_COUNT (s_subject_names), self->subjects, errstr, errstr_size)
                   || s_load_set (self, "period", s_periods, S_PERIODS, s_period_names,
                                  S_COUNT (s_period_names), self->periods, errstr, errstr_size)
               ? -1
               : 0;
}

static int
s_load_texts (alert_template_t *self, char *errstr, size_t errstr_size)
{
    json_t *root = self->root;
    return (self->line = s_text (root, "line", s_line_names, S_COUNT (s_line_names), errstr,
                                 errstr_size))
                   && (self->first = s_text (root, "first", s_news_names,
                                             S_COUNT (s_news_names), errstr, errstr_size))
                   && (self->changed = s_text (root, "changed", s_news_names,
                                               S_COUNT (s_news_names), errstr, errstr_size))
                   && (self->warning = s_text (root, "warning", s_warning_names,
                                               S_COUNT (s_warning_names), errstr, errstr_size))
                   && (self->money = s_text (root, "money", s_money_names,
                                             S_COUNT (s_money_names), errstr, errstr_size))
                   && (self->count = s_text (root, "count", s_count_names,
                                             S_COUNT (s_count_names), errstr, errstr_size))
                   && (self->title = s_text (root, "title", NULL, 0, errstr, errstr_size))
                   && (self->digest = s_text (root, "digest", s_count_names,
                                              S_COUNT (s_count_names), errstr, errstr_size))
               ? 0
               : -1;
}

alert_template_t *
alert_template_load (const char *dir, const char *language, char *errstr, size_t errstr_size)
{
    assert (dir && language && errstr);
    char path[PATH_BYTES_MAX];
    snprintf (path, sizeof path, "%s/%s.json", dir, language);
    struct stat status;
    if (stat (path, &status) != 0) {
        errstr_set (errstr, errstr_size, "the template file %s: %s", path, strerror (errno));
        return NULL;
    }
    if (!S_ISREG (status.st_mode) || status.st_size > TEMPLATE_FILE_BYTES_MAX) {
        errstr_set (errstr, errstr_size, "the template file %s: not a file of at most %d bytes",
                    path, TEMPLATE_FILE_BYTES_MAX);
        return NULL;
    }
    alert_template_t *self = calloc (1, sizeof *self);
    if (!self) {
        errstr_set (errstr, errstr_size, "out of memory");
        return NULL;
    }
    json_error_t error;
    self->root = json_load_file (path, JSON_REJECT_DUPLICATES, &error);
    char reason[256] = "";
    if (!self->root)
        snprintf (reason, sizeof reason, "not valid JSON: line %d: %s", error.line, error.text);
    else if (s_load_statuses (self, reason, sizeof reason) == 0
             && s_load_texts (self, reason, sizeof reason) == 0)
        s_load_subjects (self, reason, sizeof reason);
    if (*reason) {
        errstr_set (errstr, errstr_size, "the template file %s: %s", path, reason);
        alert_template_destroy (&self);
    }
    return self;
}

void
alert_template_destroy (alert_template_t **self_p)
{
    if (self_p && *self_p) {
        json_decref ((*self_p)->root);
        free (*self_p);
        *self_p = NULL;
    }
}

static const char *
s_status_name (const alert_template_t *self, Shanhai__V1__ComplianceStatus status, bool colour)
{
    if (status < 1 || (size_t) status > S_STATUSES)
        return "";
    return colour ? self->status_colours[status - 1] : self->status_names[status - 1];
}

static void
s_quantity (const alert_template_t *self, const Shanhai__V1__RuleStatus *rule, int64_t value,
            char *out, size_t out_size)
{
    char number[S_VALUE_BYTES];
    if (strcmp (rule->unit, "fen") == 0) {
        money_format_yuan (value, number, sizeof number);
        const char *names[] = { "yuan" }, *values[] = { number };
        s_render (self->money, names, values, 1, out, out_size);
    } else {
        if (strcmp (rule->unit, VOCAB_UNIT_BP) == 0) {
            // A share or a growth reads as a percent: hundredths, as fen are of a yuan.
            char hundredths[S_VALUE_BYTES - 1];
            money_format_yuan (value, hundredths, sizeof hundredths);
            snprintf (number, sizeof number, "%s%%", hundredths);
        } else
            snprintf (number, sizeof number, "%lld", (long long) value);
        const char *names[] = { "count" }, *values[] = { number };
        s_render (self->count, names, values, 1, out, out_size);
    }
}

// True when text[0..count) are all decimal digits.
static bool
s_digits (const char *text, size_t count)
{
    for (size_t index = 0; index < count; index++)
        if (text[index] < '0' || text[index] > '9')
            return false;
    return true;
}

// The period of change as its template says it ("2024-Q2" -> "2024年第2季度"). A change
// without a period (from before periods) is of its year; a period of no known shape is said
// as it is.
static void
s_period (const alert_template_t *self, const Shanhai__V1__ComplianceChange *change, char *out,
          size_t out_size)
{
    const char *period = change->rule->period;
    size_t length = strlen (period);
    // year, quarter, month, from, to: at most 4 digits each, or the year of the change.
    char parts[5][12] = { "", "", "", "", "" };
    s_period_t kind = S_PERIODS;
    if (length == 0) {
        snprintf (parts[0], sizeof parts[0], "%d", change->year);
        kind = S_YEAR;
    } else if (length >= 4 && s_digits (period, 4)) {
        memcpy (parts[0], period, 4);
        bool dash = length > 4 && period[4] == '-';
        int month = dash && length == 7 && s_digits (period + 5, 2)
                        ? (period[5] - '0') * 10 + (period[6] - '0') : 0;
        if (length == 4)
            kind = S_YEAR;
        else if (dash && length == 7 && period[5] == 'Q' && period[6] >= '1'
                 && period[6] <= '4') {
            kind = S_QUARTER;
            parts[1][0] = period[6];
        } else if (month >= 1 && month <= 12) {
            kind = S_MONTH;  // "3", not "03": a month reads as a number
            snprintf (parts[2], sizeof parts[2], "%d", month);
        } else if (dash && length == 9 && s_digits (period + 5, 4)) {
            kind = S_WINDOW;
            memcpy (parts[3], period, 4);
            memcpy (parts[4], period + 5, 4);
        }
    }
    if (kind == S_PERIODS) {
        // Through s_render, which cuts on a character: the text is the assessment's.
        const char *names[] = { "period" }, *values[] = { period };
        s_render ("{period}", names, values, 1, out, out_size);
        return;
    }
    const char *values[] = { parts[0], parts[1], parts[2], parts[3], parts[4] };
    _Static_assert (S_COUNT (values) == S_COUNT (s_period_names), "a value for every name");
    s_render (self->periods[kind], s_period_names, values, S_COUNT (values), out, out_size);
}

// Whose rule it is, as the template of its scope says: subject_name (or the code when it has
// none) for name.
static void
s_subject (const alert_template_t *self, const Shanhai__V1__ComplianceChange *change,
           const char *subject_name, char *out, size_t out_size)
{
    alert_scope_t scope = alert_rules_scope (change->rule->scope);
    if (scope == ALERT_SCOPE_INVALID)
        scope = ALERT_SCOPE_PAIR;  // the server drops such a change: never met here
    const char *code = *change->rule->subject ? change->rule->subject : change->pairing;
    const char *values[] = { subject_name && *subject_name ? subject_name : code, code,
                             change->pairing, change->recipient_name, change->supporter_name };
    _Static_assert (S_COUNT (values) == S_COUNT (s_subject_names), "a value for every name");
    s_render (self->subjects[scope], s_subject_names, values, S_COUNT (values), out, out_size);
}

void
alert_template_line (const alert_template_t *self, const Shanhai__V1__ComplianceChange *change,
                     const char *subject_name, char *out, size_t out_size)
{
    assert (self && change && change->rule && out);
    assert (out_size > 0 && out_size <= CHANNEL_LINE_BYTES_MAX);
    const Shanhai__V1__RuleStatus *rule = change->rule;
    char actual[S_VALUE_BYTES], target[S_VALUE_BYTES], expected[S_VALUE_BYTES];
    char year[16], news[S_VALUE_BYTES * 2], deadline[DATE_TEXT_BYTES] = "";
    s_quantity (self, rule, rule->actual, actual, sizeof actual);
    s_quantity (self, rule, rule->target, target, sizeof target);
    s_quantity (self, rule, rule->expected, expected, sizeof expected);
    snprintf (year, sizeof year, "%d", change->year);
    // A change from before deadlines were sent (0) has none to say: the field stays empty.
    if (rule->deadline_day > 0)
        date_format (rule->deadline_day, deadline);
    const char *news_values[] = { s_status_name (self, rule->status, false),
                                  s_status_name (self, change->previous, false) };
    bool first = change->previous == SHANHAI__V1__COMPLIANCE_STATUS__COMPLIANCE_NONE;
    if (change->warning_days) {
        char days[16];
        snprintf (days, sizeof days, "%u", change->warning_days);
        const char *warning_values[] = { days, news_values[0] };
        s_render (self->warning, s_warning_names, warning_values, 2, news, sizeof news);
    } else
        s_render (first ? self->first : self->changed, s_news_names, news_values, 2, news,
                  sizeof news);
    char subject[CHANNEL_LINE_BYTES_MAX], period[S_VALUE_BYTES];
    s_subject (self, change, subject_name, subject, sizeof subject);
    s_period (self, change, period, sizeof period);
    const char *values[] = { change->recipient_name, change->supporter_name, change->pairing,
                             year, rule->title, rule->source,
                             s_status_name (self, rule->status, false),
                             s_status_name (self, rule->status, true), news, actual, target,
                             expected, change->as_of, deadline, subject, period };
    _Static_assert (S_COUNT (values) == S_COUNT (s_line_names), "a value for every name");
    s_render (self->line, s_line_names, values, S_COUNT (values), out, out_size);
}

const char *
alert_template_title (const alert_template_t *self)
{
    return self->title;
}

void
alert_template_digest (const alert_template_t *self, size_t count, char *out, size_t out_size)
{
    char number[32];
    snprintf (number, sizeof number, "%zu", count);
    const char *values[] = { number };
    s_render (self->digest, s_count_names, values, 1, out, out_size);
}
