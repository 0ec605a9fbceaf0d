#include "evaluate.h"

#include <assert.h>
#include "common/date.h"

int64_t
evaluate_expected (int64_t target, evaluate_period_t period, int32_t today)
{
    assert (target > 0 && period.start <= period.deadline);
    // Nothing is asked for on the first day (this also covers a one-day period, D == S,
    // where the fraction would be 0/0).
    if (today <= period.start)
        return 0;
    if (today >= period.deadline)
        return target;
    __int128 elapsed = today - period.start;
    __int128 length = period.deadline - period.start;
    int64_t expected = (int64_t) ((target * elapsed + length - 1) / length);
    assert (expected >= 0 && expected <= target);
    return expected;
}

Shanhai__V1__ComplianceStatus
evaluate_status (int64_t actual, int64_t target, evaluate_period_t period, int32_t today)
{
    assert (target > 0 && period.start <= period.deadline);
    if (actual >= target)
        return SHANHAI__V1__COMPLIANCE_STATUS__MET;
    if (today > period.deadline)
        return SHANHAI__V1__COMPLIANCE_STATUS__BREACHED;
    // 128 bits: actual and target are int64 and the days at most a year apart.
    __int128 have = (__int128) actual * (period.deadline - period.start);
    __int128 want = (__int128) target * (today - period.start);
    return have >= want ? SHANHAI__V1__COMPLIANCE_STATUS__ON_TRACK
                        : SHANHAI__V1__COMPLIANCE_STATUS__AT_RISK;
}

bool
evaluate_deadline_crossed (evaluate_period_t period, int32_t old_day, int32_t new_day)
{
    return old_day <= period.deadline && period.deadline < new_day;
}

int64_t
evaluate_accumulate (int64_t actual, int64_t delta)
{
    int64_t sum;
    if (__builtin_add_overflow (actual, delta, &sum))
        return delta > 0 ? INT64_MAX : INT64_MIN;
    return sum;
}

int
evaluate_warning_crossed (evaluate_period_t period, const int *warnings_days, size_t count,
                          int32_t old_day, int32_t new_day)
{
    if (new_day > period.deadline || new_day <= old_day)
        return 0;
    int crossed = 0;
    for (size_t index = 0; index < count; index++) {
        int32_t day = period.deadline - warnings_days[index];
        if (day > old_day && day <= new_day && day >= period.start
            && (crossed == 0 || warnings_days[index] < crossed))
            crossed = warnings_days[index];
    }
    return crossed;
}
