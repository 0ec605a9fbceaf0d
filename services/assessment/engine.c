#include "engine.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>
#include "common/date.h"
#include "common/money.h"
#include "evaluate.h"

// The first day of month (1..13: 13 is January of the year after) of year.
static int32_t
s_first_day (int year, int month)
{
    return month > 12 ? date_from_ymd (year + 1, 1, 1) : date_from_ymd (year, month, 1);
}

// A yearly deadline: the rule's date, or its day of the (shifted) year.
static int32_t
s_deadline (const policy_rule_t *rule, int year)
{
    if (rule->deadline_date >= 0)
        return rule->deadline_date;
    return date_from_ymd (year + rule->deadline_year, rule->deadline_month, rule->deadline_day);
}

// The period of rule numbered index (1..4 for a quarter, 1..12 for a month, else 0) in year.
static bool
s_period (const policy_rule_t *rule, int year, int index, engine_period_t *out)
{
    if (!date_year_is_valid (year) || !date_year_is_valid (year + rule->deadline_year))
        return false;
    memset (out, 0, sizeof *out);
    out->year = year;
    switch (rule->period) {
    case POLICY_PERIOD_YEAR:
        snprintf (out->key, sizeof out->key, "%d", year);
        out->start = date_from_ymd (year + rule->deadline_year, 1, 1);
        out->deadline = s_deadline (rule, year);
        break;
    case POLICY_PERIOD_QUARTER:
        snprintf (out->key, sizeof out->key, "%d-Q%d", year, index);
        out->start = s_first_day (year, 3 * index - 2);
        out->deadline = s_first_day (year, 3 * index + 1) - 1;
        break;
    case POLICY_PERIOD_MONTH:
        snprintf (out->key, sizeof out->key, "%d-%02d", year, index);
        out->start = s_first_day (year, index);
        out->deadline = s_first_day (year, index + 1) - 1;
        break;
    case POLICY_PERIOD_WINDOW:
        snprintf (out->key, sizeof out->key, "%d-%d", rule->from_year, rule->to_year);
        out->year = rule->from_year;
        out->start = date_from_ymd (rule->from_year, 1, 1);
        out->deadline = s_deadline (rule, rule->to_year);
        break;
    }
    // A fixed date before the period's first day: the period is the days up to it in its year.
    if (out->deadline < out->start)
        out->start = date_from_ymd (date_year (out->deadline), 1, 1);
    return true;
}

size_t
engine_periods_of_year (const policy_rule_t *rule, int year,
                        engine_period_t out[ENGINE_PERIODS_MAX])
{
    assert (rule && out);
    if (year < rule->from_year || year > rule->to_year)
        return 0;
    int count = rule->period == POLICY_PERIOD_QUARTER ? 4
                : rule->period == POLICY_PERIOD_MONTH ? 12
                                                      : 1;
    size_t written = 0;
    for (int index = 1; index <= count; index++)
        if (s_period (rule, year, rule->period >= POLICY_PERIOD_QUARTER ? index : 0,
                      &out[written]))
            written++;
    return written;
}

bool
engine_period_find (const policy_rule_t *rule, const char *key, engine_period_t *out)
{
    int year, index = 0, to_year;
    char tail;
    bool parsed = false;
    switch (rule->period) {
    case POLICY_PERIOD_YEAR:
        parsed = sscanf (key, "%4d%c", &year, &tail) == 1;
        break;
    case POLICY_PERIOD_QUARTER:
        parsed = sscanf (key, "%4d-Q%1d%c", &year, &index, &tail) == 2 && index >= 1
                 && index <= 4;
        break;
    case POLICY_PERIOD_MONTH:
        parsed = sscanf (key, "%4d-%2d%c", &year, &index, &tail) == 2 && index >= 1
                 && index <= 12;
        break;
    case POLICY_PERIOD_WINDOW:
        parsed = sscanf (key, "%4d-%4d%c", &year, &to_year, &tail) == 2
                 && year == rule->from_year && to_year == rule->to_year;
        break;
    }
    if (!parsed || year < rule->from_year || year > rule->to_year
        || !s_period (rule, year, index, out))
        return false;
    return strcmp (out->key, key) == 0;  // "2024-3" is not "2024-03"
}

bool
engine_period_of_event (const policy_rule_t *rule, int32_t day, int named_year,
                        int year_shift, engine_period_t *out)
{
    // An event that names no year is in the period whose days hold it: with a deadline in the
    // year before, a day of 2024 is in 2025's period (2024-01-01..2024-10-31).
    int year = (named_year ? named_year : date_year (day) - rule->deadline_year) + year_shift;
    // A yearly rule with a fixed date is of one year (the parser sees to it): an event by the
    // date counts in it even when the date falls in a later year (a 2018 rule due 2019-03-31).
    if (rule->period == POLICY_PERIOD_YEAR && rule->deadline_date >= 0 && !named_year)
        year = rule->from_year;
    int unused_year, month, unused_day;
    date_to_ymd (day, &unused_year, &month, &unused_day);
    int index = rule->period == POLICY_PERIOD_QUARTER ? (month - 1) / 3 + 1
                : rule->period == POLICY_PERIOD_MONTH ? month
                                                      : 0;
    if (year < rule->from_year || year > rule->to_year || !s_period (rule, year, index, out))
        return false;
    // Counted only by the deadline: funds in place on June 1 are not in place by May 31. But
    // a figure is of the year it names, whenever it is reported (a year's statistics come out
    // in the spring after).
    return rule->metric == POLICY_METRIC_INDICATOR || day <= out->deadline;
}

bool
engine_period_clip (engine_period_t *period, int32_t first, int32_t last)
{
    if (first > period->start)
        period->start = first;
    if (last < period->deadline)
        period->deadline = last;
    return period->start <= period->deadline;
}

int
engine_parse_value (const char *text, const char *unit, int64_t *out)
{
    // In hundredths, but for a count.
    return money_parse_decimal (text, strcmp (unit, VOCAB_UNIT_COUNT) == 0 ? 0 : 2,
                                INDICATOR_VALUE_MAX, out);
}

// Whether filter lets text through.
static bool
s_filter_matches (const policy_filter_t *filter, const char *text)
{
    for (size_t index = 0; text && index < filter->count; index++)
        if (strcmp (filter->values[index], text) == 0)
            return true;
    return false;
}

static bool
s_filters_match (const policy_rule_t *rule, const Shanhai__V1__LedgerEvent *event)
{
    for (size_t index = 0; index < rule->filter_count; index++)
        if (!s_filter_matches (&rule->filters[index],
                               vocab_attr_text (event, rule->filters[index].attr)))
            return false;
    return true;
}

// What the event's kind measures as the measure's amount: +amount, -voided, or nothing.
static bool
s_measured (const policy_rule_t *rule, const Shanhai__V1__LedgerEvent *event, int64_t voided_fen,
            int64_t *amount)
{
    const char *kind = event->kind;
    switch (rule->measure) {
    case POLICY_MEASURE_NONE:
        *amount = event->amount_fen;
        return strcmp (kind, rule->kind->name) == 0;
    case POLICY_MEASURE_COMMITTED:
    case POLICY_MEASURE_RECEIVED:
        *amount = event->amount_fen;
        return strcmp (kind, rule->kind->name) == 0;
    case POLICY_MEASURE_DISBURSED:
        if (strcmp (kind, VOCAB_KIND_VOID) == 0) {
            *amount = -voided_fen;
            return voided_fen > 0;
        }
        *amount = event->amount_fen;
        return strcmp (kind, VOCAB_KIND_AID_FUNDS) == 0;
    }
    return false;
}

size_t
engine_match (const policy_rule_t *rule, const Shanhai__V1__LedgerEvent *event,
              int64_t voided_fen, engine_count_t out[ENGINE_COUNTS_MAX])
{
    assert (rule && event && out);
    memset (out, 0, ENGINE_COUNTS_MAX * sizeof *out);
    // The commitment a rule of target "committed" compares with.
    if (rule->target_from == POLICY_TARGET_COMMITTED && strcmp (event->kind, "commitment") == 0) {
        out[0] = (engine_count_t) { .part = ENGINE_PART_D, .value = event->amount_fen };
        return 1;
    }
    int64_t amount = 0;
    if (!s_measured (rule, event, voided_fen, &amount) || !s_filters_match (rule, event))
        return 0;
    switch (rule->metric) {
    case POLICY_METRIC_SUM:
        out[0] = (engine_count_t) { .part = ENGINE_PART_N, .value = amount };
        return 1;
    case POLICY_METRIC_COUNT:
        out[0] = (engine_count_t) { .part = ENGINE_PART_N, .value = 1 };
        return 1;
    case POLICY_METRIC_QUANTITY:
        out[0] = (engine_count_t) {
            .part = ENGINE_PART_N,
            .value = rule->kind->quantity == VOCAB_QUANTITY_PERSONS ? event->persons
                                                                    : event->signed_projects,
        };
        return out[0].value != 0;
    case POLICY_METRIC_EACH: {
        const char *text = vocab_attr_text (event, rule->each.attr);
        for (size_t index = 0; text && index < rule->each.count; index++)
            if (strcmp (rule->each.values[index], text) == 0) {
                out[0] = (engine_count_t) { .part = ENGINE_PART_EACH + (int) index, .value = 1 };
                return 1;
            }
        return 0;
    }
    case POLICY_METRIC_SHARE: {
        int64_t part = rule->share_by_amount ? amount : 1;
        out[0] = (engine_count_t) { .part = ENGINE_PART_D, .value = part };
        if (!s_filter_matches (&rule->share, vocab_attr_text (event, rule->share.attr)))
            return 1;
        out[1] = (engine_count_t) { .part = ENGINE_PART_N, .value = part };
        return 2;
    }
    case POLICY_METRIC_INDICATOR: {
        int64_t value;
        if (strcmp (event->code, rule->code) != 0
            || engine_parse_value (event->value, rule->growth ? "fen" : rule->unit, &value))
            return 0;
        out[0] = (engine_count_t) { .part = ENGINE_PART_N, .value = value, .latest = true };
        if (!rule->growth)
            return 1;
        out[1] = (engine_count_t) { .part = ENGINE_PART_D, .value = value, .latest = true,
                                    .year_shift = 1 };
        return 2;
    }
    }
    return 0;
}

// An indicator's figure from its parts: the value, or its growth in bp (rounded toward zero).
// Returns false when it is not reported.
static bool
s_figure (const policy_rule_t *rule, const engine_parts_t *parts, int64_t *out)
{
    if (!parts || !parts->present[ENGINE_PART_N])
        return false;
    if (!rule->growth) {
        *out = parts->value[ENGINE_PART_N];
        return true;
    }
    int64_t base = parts->value[ENGINE_PART_D];
    if (!parts->present[ENGINE_PART_D] || base == 0)
        return false;
    __int128 growth = ((__int128) parts->value[ENGINE_PART_N] - base) * 10000 / base;
    *out = growth > INT64_MAX ? INT64_MAX : growth < -INT64_MAX ? -INT64_MAX : (int64_t) growth;
    return true;
}

static bool
s_meets (policy_compare_t compare, int64_t actual, int64_t target)
{
    switch (compare) {
    case POLICY_COMPARE_AT_MOST: return actual <= target;
    case POLICY_COMPARE_ABOVE: return actual > target;
    case POLICY_COMPARE_AT_LEAST: break;
    }
    return actual >= target;
}

// A level (a share, an indicator): met or not; before the deadline not yet lost.
static void
s_level (const policy_rule_t *rule, engine_period_t period, int32_t today,
         engine_verdict_t *out)
{
    out->expected = out->target;
    if (s_meets (rule->compare, out->actual, out->target))
        out->status = SHANHAI__V1__COMPLIANCE_STATUS__MET;
    else
        out->status = today > period.deadline ? SHANHAI__V1__COMPLIANCE_STATUS__BREACHED
                                              : SHANHAI__V1__COMPLIANCE_STATUS__AT_RISK;
}

// A total growing toward its target: pro-rated by day, or not paced at all.
static void
s_total (const policy_rule_t *rule, engine_period_t period, int32_t today, engine_verdict_t *out)
{
    if (rule->pace == POLICY_PACE_LINEAR) {
        evaluate_period_t days = { .start = period.start, .deadline = period.deadline };
        out->status = evaluate_status (out->actual, out->target, days, today);
        out->expected = evaluate_expected (out->target, days, today);
        return;
    }
    out->expected = today >= period.deadline ? out->target : 0;
    out->status = out->actual >= out->target ? SHANHAI__V1__COMPLIANCE_STATUS__MET
                  : today > period.deadline  ? SHANHAI__V1__COMPLIANCE_STATUS__BREACHED
                                             : SHANHAI__V1__COMPLIANCE_STATUS__ON_TRACK;
}

void
engine_verdict (const policy_rule_t *rule, const engine_parts_t *parts,
                const engine_parts_t *reference, int64_t plan_fen, engine_period_t period,
                int32_t today, engine_verdict_t *out)
{
    assert (rule && parts && out && period.start <= period.deadline);
    memset (out, 0, sizeof *out);
    out->status = SHANHAI__V1__COMPLIANCE_STATUS__NO_DATA;
    out->target = rule->target;
    switch (rule->metric) {
    case POLICY_METRIC_SUM:
    case POLICY_METRIC_COUNT:
    case POLICY_METRIC_QUANTITY:
        out->actual = parts->value[ENGINE_PART_N];
        if (rule->target_from == POLICY_TARGET_PLAN)
            out->target = plan_fen;
        else if (rule->target_from == POLICY_TARGET_COMMITTED)
            out->target = parts->value[ENGINE_PART_D];
        if (out->target <= 0)
            return;  // no plan, nothing committed: nothing to judge against
        s_total (rule, period, today, out);
        return;
    case POLICY_METRIC_EACH:
        for (size_t index = 0; index < rule->each.count; index++)
            out->actual += parts->value[ENGINE_PART_EACH + index] > 0;
        s_total (rule, period, today, out);
        return;
    case POLICY_METRIC_SHARE:
        if (parts->value[ENGINE_PART_D] <= 0)
            return;
        out->actual = (int64_t) ((__int128) parts->value[ENGINE_PART_N] * 10000
                                 / parts->value[ENGINE_PART_D]);
        s_level (rule, period, today, out);
        return;
    case POLICY_METRIC_INDICATOR: {
        bool reported = s_figure (rule, parts, &out->actual);
        if (*rule->reference && !s_figure (rule, reference, &out->target)) {
            out->target = 0;
            return;
        }
        if (reported)
            s_level (rule, period, today, out);
        return;
    }
    }
}
