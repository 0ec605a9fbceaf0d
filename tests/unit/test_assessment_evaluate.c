/*  The compliance semantics at every boundary: the pro-rating of evaluate.h over the periods
    engine.h gives a yearly rule (engine_periods_of_year), cut to a pairing's active days
    (engine_period_clip). */
#include <criterion/criterion.h>
#include "common/date.h"
#include "engine.h"
#include "evaluate.h"

#define MET SHANHAI__V1__COMPLIANCE_STATUS__MET
#define ON_TRACK SHANHAI__V1__COMPLIANCE_STATUS__ON_TRACK
#define AT_RISK SHANHAI__V1__COMPLIANCE_STATUS__AT_RISK
#define BREACHED SHANHAI__V1__COMPLIANCE_STATUS__BREACHED

// A yearly rule due by 12-31 (deadline_date -1: no fixed date), as policy.c parses one.
static policy_rule_t s_rule = {
    .id = "hb-aid-funds", .metric = POLICY_METRIC_SUM, .unit = "fen", .target = 500000000,
    .period = POLICY_PERIOD_YEAR, .deadline_month = 12, .deadline_day = 31,
    .deadline_date = -1, .from_year = 2021, .to_year = 2025,
};

static int32_t
s_day (const char *text)
{
    int32_t day;
    cr_assert_eq (date_parse (text, &day), 0, "%s", text);
    return day;
}

// The period of rule in year for a pairing active from first to last (the days it is cut to),
// in *out; false when the rule has none that year or nothing of it is left.
static bool
s_active (const policy_rule_t *rule, int year, int32_t first, int32_t last,
          evaluate_period_t *out)
{
    engine_period_t periods[ENGINE_PERIODS_MAX];
    size_t count = engine_periods_of_year (rule, year, periods);
    cr_assert_leq (count, 1, "a yearly rule has one period a year");
    if (count == 0 || !engine_period_clip (&periods[0], first, last))
        return false;
    *out = (evaluate_period_t) { .start = periods[0].start, .deadline = periods[0].deadline };
    return true;
}

static evaluate_period_t
s_year (int year)
{
    evaluate_period_t period;
    cr_assert (s_active (&s_rule, year, s_day ("2021-01-01"), s_day ("2025-12-31"), &period));
    return period;
}

Test (evaluate, the_expectation_is_pro_rated_by_day_and_rounded_up)
{
    evaluate_period_t period = s_year (2021);
    cr_assert_eq (evaluate_expected (500000000, period, s_day ("2021-01-01")), 0);
    // 181 of 364 days: 248,626,373.6 fen, rounded up.
    cr_assert_eq (evaluate_expected (500000000, period, s_day ("2021-07-01")), 248626374);
    cr_assert_eq (evaluate_expected (500000000, period, s_day ("2021-12-31")), 500000000);
    cr_assert_eq (evaluate_expected (500000000, period, s_day ("2022-03-01")), 500000000);
    cr_assert_eq (evaluate_expected (500000000, period, s_day ("2020-12-31")), 0);
    cr_assert_eq (evaluate_expected (2, period, s_day ("2021-01-02")), 1, "any part of a visit");
}

Test (evaluate, on_track_is_exactly_actual_at_least_expected)
{
    evaluate_period_t period = s_year (2021);
    int32_t july = s_day ("2021-07-01");
    cr_assert_eq (evaluate_status (248626374, 500000000, period, july), ON_TRACK);
    cr_assert_eq (evaluate_status (248626373, 500000000, period, july), AT_RISK);
    cr_assert_eq (evaluate_status (0, 500000000, period, s_day ("2021-01-01")), ON_TRACK);
    cr_assert_eq (evaluate_status (0, 500000000, period, s_day ("2021-01-02")), AT_RISK);
}

Test (evaluate, met_and_breached_at_the_deadline)
{
    evaluate_period_t period = s_year (2021);
    int32_t deadline = s_day ("2021-12-31");
    cr_assert_eq (evaluate_status (500000000, 500000000, period, s_day ("2021-03-01")), MET);
    cr_assert_eq (evaluate_status (499999999, 500000000, period, deadline), AT_RISK,
                  "the deadline day itself is still in time");
    cr_assert_eq (evaluate_status (499999999, 500000000, period, deadline + 1), BREACHED);
    cr_assert_eq (evaluate_status (500000000, 500000000, period, deadline + 1), MET);
    cr_assert_eq (evaluate_status (600000000, 500000000, period, deadline + 400), MET);
}

Test (evaluate, leap_years_have_one_more_day)
{
    evaluate_period_t period = s_year (2024);
    cr_assert_eq (period.deadline - period.start, 365);
    // 182 of 365 days on 2024-07-01.
    cr_assert_eq (evaluate_expected (365, period, s_day ("2024-07-01")), 182);
}

Test (evaluate, the_period_follows_the_pairing_and_the_rule)
{
    evaluate_period_t period;
    cr_assert_not (s_active (&s_rule, 2020, s_day ("2015-01-01"), s_day ("2030-12-31"),
                                    &period), "before from_year");
    cr_assert_not (s_active (&s_rule, 2026, s_day ("2015-01-01"), s_day ("2030-12-31"),
                                    &period), "after to_year");
    cr_assert_not (s_active (&s_rule, 2021, s_day ("2022-01-01"), s_day ("2030-12-31"),
                                    &period), "the pairing starts later");
    cr_assert (s_active (&s_rule, 2021, s_day ("2021-07-01"), s_day ("2030-12-31"),
                                &period));
    cr_assert_eq (period.start, s_day ("2021-07-01"), "starts with the pairing");
    cr_assert (s_active (&s_rule, 2021, s_day ("2015-01-01"), s_day ("2021-06-30"),
                                &period));
    cr_assert_eq (period.deadline, s_day ("2021-06-30"), "ends with the pairing");
    cr_assert (s_active (&s_rule, 2021, s_day ("2021-12-31"), s_day ("2021-12-31"),
                                &period), "a one-day period");
    cr_assert_eq (period.start, period.deadline);
    cr_assert_eq (evaluate_expected (10, period, period.start), 0, "nothing asked on day one");
    cr_assert_eq (evaluate_status (0, 10, period, period.start), ON_TRACK, "0 * 0 >= 10 * 0");
    cr_assert_eq (evaluate_status (9, 10, period, period.start + 1), BREACHED);
    cr_assert_eq (evaluate_expected (10, period, period.start + 1), 10);
}

Test (evaluate, another_deadline)
{
    policy_rule_t rule = s_rule;
    rule.deadline_month = 5;
    rule.deadline_day = 31;  // 003 三(四): funds in place by May 31
    evaluate_period_t period;
    cr_assert (s_active (&rule, 2021, s_day ("2021-01-01"), s_day ("2025-12-31"), &period));
    cr_assert_eq (period.deadline, s_day ("2021-05-31"));
    cr_assert_eq (evaluate_status (1, 100, period, s_day ("2021-06-01")), BREACHED);
}

Test (evaluate, every_boundary_day)
{
    evaluate_period_t period = s_year (2021);
    int32_t start = period.start, deadline = period.deadline;
    // d < S and d == S: nothing is expected yet.
    cr_assert_eq (evaluate_expected (500000000, period, start - 1), 0);
    cr_assert_eq (evaluate_status (0, 500000000, period, start - 1), ON_TRACK);
    cr_assert_eq (evaluate_expected (500000000, period, start), 0);
    cr_assert_eq (evaluate_status (0, 500000000, period, start), ON_TRACK);
    // d == S + 1: 1/364 of the target, rounded up; exactly that is ON_TRACK, one less is not.
    int64_t first = evaluate_expected (500000000, period, start + 1);
    cr_assert_eq (first, (500000000 + 363) / 364);
    cr_assert_eq (evaluate_status (first, 500000000, period, start + 1), ON_TRACK);
    cr_assert_eq (evaluate_status (first - 1, 500000000, period, start + 1), AT_RISK);
    // d == D: the whole target is expected; d == D + 1: the same, and short is BREACHED.
    cr_assert_eq (evaluate_expected (500000000, period, deadline), 500000000);
    cr_assert_eq (evaluate_expected (500000000, period, deadline - 1), 498626374);
    cr_assert_eq (evaluate_status (498626374, 500000000, period, deadline - 1), ON_TRACK);
    cr_assert_eq (evaluate_status (498626373, 500000000, period, deadline - 1), AT_RISK);
    cr_assert_eq (evaluate_expected (500000000, period, deadline + 1), 500000000);
    cr_assert_eq (evaluate_status (0, 500000000, period, deadline + 1), BREACHED);
    // actual == T is MET on every day, before, at and after the deadline.
    cr_assert_eq (evaluate_status (500000000, 500000000, period, start - 1), MET);
    cr_assert_eq (evaluate_status (500000000, 500000000, period, start), MET);
    cr_assert_eq (evaluate_status (500000000, 500000000, period, deadline), MET);
    cr_assert_eq (evaluate_status (499999999, 500000000, period, start), ON_TRACK);
}

Test (evaluate, counts_pro_rate_too)
{
    evaluate_period_t period = s_year (2021);
    // Two visits a year: the first is due by mid-year (182 of 364 days is exactly one).
    cr_assert_eq (evaluate_expected (2, period, s_day ("2021-07-02")), 1);
    cr_assert_eq (evaluate_expected (2, period, s_day ("2021-07-03")), 2);
    cr_assert_eq (evaluate_status (1, 2, period, s_day ("2021-07-02")), ON_TRACK);
    cr_assert_eq (evaluate_status (1, 2, period, s_day ("2021-07-03")), AT_RISK);
    cr_assert_eq (evaluate_status (2, 2, period, s_day ("2021-07-03")), MET);
}

Test (evaluate, a_pairing_inside_the_year)
{
    evaluate_period_t period;
    // Active 2021-04-01..2021-09-30: 182 days from S to D.
    cr_assert (s_active (&s_rule, 2021, s_day ("2021-04-01"), s_day ("2021-09-30"),
                                &period));
    cr_assert_eq (period.start, s_day ("2021-04-01"));
    cr_assert_eq (period.deadline, s_day ("2021-09-30"));
    cr_assert_eq (evaluate_expected (182, period, s_day ("2021-03-01")), 0, "before it starts");
    cr_assert_eq (evaluate_expected (182, period, s_day ("2021-04-02")), 1);
    cr_assert_eq (evaluate_status (0, 182, period, s_day ("2021-09-30")), AT_RISK);
    cr_assert_eq (evaluate_status (181, 182, period, s_day ("2021-10-01")), BREACHED,
                  "its end is its deadline");
    // A pairing that ended the year before, and one whose last day is Jan 1.
    cr_assert_not (s_active (&s_rule, 2022, s_day ("2021-01-01"), s_day ("2021-12-31"),
                                    &period));
    cr_assert (s_active (&s_rule, 2022, s_day ("2021-01-01"), s_day ("2022-01-01"),
                                &period));
    cr_assert_eq (period.start, period.deadline);
}

Test (evaluate, a_deadline_before_the_pairing_starts)
{
    policy_rule_t rule = s_rule;
    rule.deadline_month = 5;
    rule.deadline_day = 31;
    evaluate_period_t period;
    cr_assert_not (s_active (&rule, 2021, s_day ("2021-06-01"), s_day ("2025-12-31"),
                                    &period), "nothing of the pairing falls before May 31");
    cr_assert (s_active (&rule, 2021, s_day ("2021-05-31"), s_day ("2025-12-31"),
                                &period));
}

Test (evaluate, from_and_to_year_are_inclusive)
{
    evaluate_period_t period;
    int32_t start = s_day ("2015-01-01"), end = s_day ("2030-12-31");
    cr_assert (s_active (&s_rule, 2021, start, end, &period));
    cr_assert (s_active (&s_rule, 2025, start, end, &period));
    cr_assert_not (s_active (&s_rule, 2020, start, end, &period));
    cr_assert_not (s_active (&s_rule, 2026, start, end, &period));
}

Test (evaluate, leap_day_counts)
{
    evaluate_period_t period = s_year (2024);
    // 2024-03-01 is day 60 of a 365-day span (2023 would make it day 59 of 364).
    cr_assert_eq (evaluate_expected (365, period, s_day ("2024-03-01")), 60);
    cr_assert_eq (evaluate_expected (365, period, s_day ("2024-02-29")), 59);
    evaluate_period_t common = s_year (2023);
    cr_assert_eq (evaluate_expected (364, common, s_day ("2023-03-01")), 59);
}

Test (evaluate, crossing_a_deadline)
{
    evaluate_period_t period = s_year (2021);
    int32_t deadline = period.deadline;
    cr_assert (evaluate_deadline_crossed (period, deadline, deadline + 1));
    cr_assert (evaluate_deadline_crossed (period, deadline - 30, deadline + 400));
    cr_assert_not (evaluate_deadline_crossed (period, deadline - 30, deadline),
                   "reaching the deadline day is not passing it");
    cr_assert_not (evaluate_deadline_crossed (period, deadline + 1, deadline + 9),
                   "passed before");
}

Test (evaluate, sums_saturate_and_stay_exact)
{
    cr_assert_eq (evaluate_accumulate (5, 7), 12);
    cr_assert_eq (evaluate_accumulate (INT64_MAX - 1, 1), INT64_MAX);
    cr_assert_eq (evaluate_accumulate (INT64_MAX, 1), INT64_MAX);
    cr_assert_eq (evaluate_accumulate (INT64_MIN, -1), INT64_MIN);
    evaluate_period_t period = s_year (2021);
    // The largest target and an actual just under it: no overflow in the comparison.
    cr_assert_eq (evaluate_status (AMOUNT_FEN_MAX - 1, AMOUNT_FEN_MAX, period,
                                   period.deadline - 1), ON_TRACK);
    cr_assert_eq (evaluate_expected (AMOUNT_FEN_MAX, period, period.deadline - 1),
                  (AMOUNT_FEN_MAX * 363 + 363) / 364);
    cr_assert_eq (evaluate_status (INT64_MAX, AMOUNT_FEN_MAX, period, period.start), MET);
}

Test (evaluate, a_warning_is_crossed_once_with_the_most_urgent_threshold)
{
    evaluate_period_t period = { .start = 100, .deadline = 465 };
    const int warnings[] = { 30, 7, 1 };
    cr_assert_eq (evaluate_warning_crossed (period, warnings, 3, 434, 435), 30, "D-30 exactly");
    cr_assert_eq (evaluate_warning_crossed (period, warnings, 3, 435, 436), 0, "already past");
    cr_assert_eq (evaluate_warning_crossed (period, warnings, 3, 433, 434), 0, "the day before");
    cr_assert_eq (evaluate_warning_crossed (period, warnings, 3, 400, 460), 7, "30 and 7: 7");
    cr_assert_eq (evaluate_warning_crossed (period, warnings, 3, 400, 465), 1, "all three: 1");
    cr_assert_eq (evaluate_warning_crossed (period, warnings, 3, 463, 464), 1, "D-1");
    cr_assert_eq (evaluate_warning_crossed (period, warnings, 3, 400, 466), 0,
                  "a move past the deadline is a breach, not a warning");
    cr_assert_eq (evaluate_warning_crossed (period, warnings, 0, 400, 460), 0, "no thresholds");
    evaluate_period_t short_period = { .start = 460, .deadline = 465 };
    cr_assert_eq (evaluate_warning_crossed (short_period, warnings, 3, 400, 464), 1,
                  "thresholds before the period starts are not warnings");
}
