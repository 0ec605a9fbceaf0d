#include "evaluate.h"

#include <assert.h>
#include "common/date.h"

bool
evaluate_period (const policy_rule_t *rule, int year, int32_t pair_start, int32_t pair_end,
                 evaluate_period_t *period)
{
    if (year < rule->from_year || year > rule->to_year)
        return false;
    int32_t start = date_from_ymd (year, 1, 1);
    int32_t deadline = date_from_ymd (year, rule->deadline_month, rule->deadline_day);
    if (pair_start > start)
        start = pair_start;
    if (pair_end < deadline)
        deadline = pair_end;
    if (start > deadline)
        return false;
    period->start = start;
    period->deadline = deadline;
    return true;
}

int64_t
evaluate_expected (int64_t target, evaluate_period_t period, int32_t today)
{
    assert (target > 0 && period.start <= period.deadline);
    if (today < period.start)
        return 0;
    if (today >= period.deadline)
        return target;
    int64_t elapsed = today - period.start;
    int64_t length = period.deadline - period.start;
    // target <= AMOUNT_FEN_MAX and elapsed < 366: the product fits an int64.
    return (target * elapsed + length - 1) / length;
}

Shanhai__V1__ComplianceStatus
evaluate_status (int64_t actual, int64_t target, evaluate_period_t period, int32_t today)
{
    if (actual >= target)
        return SHANHAI__V1__COMPLIANCE_STATUS__MET;
    if (today > period.deadline)
        return SHANHAI__V1__COMPLIANCE_STATUS__BREACHED;
    if (actual >= evaluate_expected (target, period, today))
        return SHANHAI__V1__COMPLIANCE_STATUS__ON_TRACK;
    return SHANHAI__V1__COMPLIANCE_STATUS__AT_RISK;
}
