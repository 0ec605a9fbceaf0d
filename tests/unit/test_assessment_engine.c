/*  The engine: which period an event counts in, what it adds to a rule's parts, and the verdict
    of those parts on any day. Rules are written as packs write them and parsed by policy.c,
    so that each case reads as the rule it tests. A case is written with ' for " (JSON inside
    C reads better so). */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "common/date.h"
#include "common/proto.h"
#include "engine.h"
#include "evaluate.h"
#include "policy.h"

#define MET SHANHAI__V1__COMPLIANCE_STATUS__MET
#define ON_TRACK SHANHAI__V1__COMPLIANCE_STATUS__ON_TRACK
#define AT_RISK SHANHAI__V1__COMPLIANCE_STATUS__AT_RISK
#define BREACHED SHANHAI__V1__COMPLIANCE_STATUS__BREACHED
#define NO_DATA SHANHAI__V1__COMPLIANCE_STATUS__NO_DATA

static int32_t
s_day (const char *text)
{
    int32_t day;
    cr_assert_eq (date_parse (text, &day), 0, "%s", text);
    return day;
}

// The rule {'id': 'r', 'title': 't', 'source': 's', <members>}, which must parse.
static policy_rule_t
s_rule (const char *members)
{
    char text[2048];
    int length = snprintf (text, sizeof text, "{'program': 'p', 'version': 1, 'rules': [{'id': "
                           "'r', 'title': 't', 'source': 's', %s}]}", members);
    cr_assert_lt ((size_t) length, sizeof text);
    for (char *cursor = text; *cursor; cursor++)
        if (*cursor == '\'')
            *cursor = '"';
    json_error_t error;
    json_t *root = json_loads (text, 0, &error);
    cr_assert (root, "%s: %s", text, error.text);
    policy_pack_t *pack = malloc (sizeof *pack);
    cr_assert (pack);
    char errstr[512] = "";
    cr_assert_eq (policy_pack_parse (root, "p.json", pack, errstr, sizeof errstr), 0, "%s",
                  errstr);
    policy_rule_t rule = pack->rules[0];
    free (pack);
    json_decref (root);
    return rule;
}

// The period of rule named key, which must exist.
static engine_period_t
s_period (const policy_rule_t *rule, const char *key)
{
    engine_period_t period;
    cr_assert (engine_period_find (rule, key, &period), "no period %s", key);
    return period;
}

// Parts with n (and d, when has_d) present.
static engine_parts_t
s_parts (int64_t n, bool has_d, int64_t d)
{
    engine_parts_t parts = { 0 };
    parts.value[ENGINE_PART_N] = n;
    parts.present[ENGINE_PART_N] = true;
    parts.value[ENGINE_PART_D] = d;
    parts.present[ENGINE_PART_D] = has_d;
    return parts;
}

static const engine_parts_t s_nothing = { 0 };

// The verdict of parts for rule over the period key, as of the day today.
static engine_verdict_t
s_judge (const policy_rule_t *rule, engine_parts_t parts, const engine_parts_t *reference,
         int64_t plan_fen, const char *key, const char *today)
{
    engine_verdict_t verdict;
    engine_verdict (rule, &parts, reference, plan_fen, s_period (rule, key), s_day (today),
                    &verdict);
    return verdict;
}

// The verdict must be exactly status, actual, target and expected.
static void
s_expect (engine_verdict_t verdict, Shanhai__V1__ComplianceStatus status, int64_t actual,
          int64_t target, int64_t expected, const char *what)
{
    cr_assert (verdict.status == status && verdict.actual == actual && verdict.target == target
                   && verdict.expected == expected,
               "%s: got %s %" PRId64 "/%" PRId64 " (expected %" PRId64 "), want %s %" PRId64
               "/%" PRId64 " (expected %" PRId64 ")", what, compliance_status_name (verdict.status),
               verdict.actual, verdict.target, verdict.expected, compliance_status_name (status),
               actual, target, expected);
}

static Shanhai__V1__LedgerEvent
s_event (const char *kind, const char *date)
{
    Shanhai__V1__LedgerEvent event = SHANHAI__V1__LEDGER_EVENT__INIT;
    event.kind = (char *) kind;
    event.date = (char *) date;
    return event;
}

// What event adds to rule: the count of entries in out.
static size_t
s_match (const policy_rule_t *rule, const Shanhai__V1__LedgerEvent *event, int64_t voided_fen,
         engine_count_t out[ENGINE_COUNTS_MAX])
{
    return engine_match (rule, event, voided_fen, out);
}

// out[index] must add (or set, when latest) value to part, shifted by year_shift.
static void
s_expect_count (const engine_count_t *count, int part, int64_t value, bool latest,
                int year_shift)
{
    cr_assert (count->part == part && count->value == value && count->latest == latest
                   && count->year_shift == year_shift,
               "got part %d value %" PRId64 " latest %d shift %d, want part %d value %" PRId64
               " latest %d shift %d", count->part, count->value, count->latest,
               count->year_shift, part, value, latest, year_shift);
}

/*  1. Every metric at its target: one under, at it, one over. */

#define S_SUM "'scope': 'pair', 'metric': 'sum', 'event_kind': 'aid-funds', 'unit': 'fen', "

Test (engine, a_sum_at_its_target)
{
    policy_rule_t rule = s_rule (S_SUM "'target': 500000000");
    // On the deadline the whole target is expected.
    s_expect (s_judge (&rule, s_parts (499999999, false, 0), NULL, 0, "2024", "2024-12-31"),
              AT_RISK, 499999999, 500000000, 500000000, "one under");
    s_expect (s_judge (&rule, s_parts (500000000, false, 0), NULL, 0, "2024", "2024-12-31"),
              MET, 500000000, 500000000, 500000000, "at");
    s_expect (s_judge (&rule, s_parts (500000001, false, 0), NULL, 0, "2024", "2024-12-31"),
              MET, 500000001, 500000000, 500000000, "one over");
    s_expect (s_judge (&rule, s_parts (499999999, false, 0), NULL, 0, "2024", "2025-01-01"),
              BREACHED, 499999999, 500000000, 500000000, "one under, the day after");
    // On 2024-07-01, 182 of 365 days: 249,315,068.49 fen expected, rounded up.
    s_expect (s_judge (&rule, s_parts (249315068, false, 0), NULL, 0, "2024", "2024-07-01"),
              AT_RISK, 249315068, 500000000, 249315069, "one under the expectation");
    s_expect (s_judge (&rule, s_parts (249315069, false, 0), NULL, 0, "2024", "2024-07-01"),
              ON_TRACK, 249315069, 500000000, 249315069, "at the expectation");
    s_expect (s_judge (&rule, s_parts (249315070, false, 0), NULL, 0, "2024", "2024-07-01"),
              ON_TRACK, 249315070, 500000000, 249315069, "one over the expectation");
    // Nothing counted is a sum of 0, judged like any other: no NO_DATA for a total.
    s_expect (s_judge (&rule, s_nothing, NULL, 0, "2024", "2024-01-01"), ON_TRACK, 0, 500000000,
              0, "nothing on the first day");
    s_expect (s_judge (&rule, s_nothing, NULL, 0, "2024", "2024-01-02"), AT_RISK, 0, 500000000,
              1369864, "nothing on the second day");
    s_expect (s_judge (&rule, s_nothing, NULL, 0, "2024", "2025-01-01"), BREACHED, 0,
              500000000, 500000000, "nothing after");
}

Test (engine, a_count_and_a_quantity_at_their_targets)
{
    policy_rule_t count = s_rule ("'scope': 'pair', 'metric': 'count', 'event_kind': "
                                  "'leader-visit', 'unit': 'count', 'target': 2");
    s_expect (s_judge (&count, s_parts (1, false, 0), NULL, 0, "2024", "2024-12-31"), AT_RISK,
              1, 2, 2, "one under");
    s_expect (s_judge (&count, s_parts (2, false, 0), NULL, 0, "2024", "2024-12-31"), MET, 2, 2,
              2, "at");
    s_expect (s_judge (&count, s_parts (3, false, 0), NULL, 0, "2024", "2024-12-31"), MET, 3, 2,
              2, "one over");
    policy_rule_t quantity = s_rule ("'scope': 'recipient', 'metric': 'quantity', "
                                     "'event_kind': 'training', 'unit': 'persons', "
                                     "'target': 100");
    s_expect (s_judge (&quantity, s_parts (99, false, 0), NULL, 0, "2024", "2025-01-01"),
              BREACHED, 99, 100, 100, "one under");
    s_expect (s_judge (&quantity, s_parts (100, false, 0), NULL, 0, "2024", "2025-01-01"), MET,
              100, 100, 100, "at");
    s_expect (s_judge (&quantity, s_parts (101, false, 0), NULL, 0, "2024", "2025-01-01"), MET,
              101, 100, 100, "one over");
}

Test (engine, each_counts_the_values_that_have_an_event)
{
    policy_rule_t rule = s_rule ("'scope': 'pair', 'metric': 'each', 'event_kind': "
                                 "'agreement', 'each': {'field': ['science', 'health', "
                                 "'education', 'culture']}, 'unit': 'count', 'target': 3");
    engine_parts_t parts = { 0 };
    // science twice, health once: two values, however many events.
    parts.value[ENGINE_PART_EACH + 0] = 2;
    parts.value[ENGINE_PART_EACH + 1] = 1;
    parts.present[ENGINE_PART_EACH + 0] = parts.present[ENGINE_PART_EACH + 1] = true;
    // culture's only event was reversed: present, but 0.
    parts.present[ENGINE_PART_EACH + 3] = true;
    s_expect (s_judge (&rule, parts, NULL, 0, "2024", "2024-12-31"), AT_RISK, 2, 3, 3,
              "one under");
    s_expect (s_judge (&rule, parts, NULL, 0, "2024", "2025-01-01"), BREACHED, 2, 3, 3,
              "one under, after");
    parts.value[ENGINE_PART_EACH + 2] = 1;
    parts.present[ENGINE_PART_EACH + 2] = true;
    s_expect (s_judge (&rule, parts, NULL, 0, "2024", "2024-12-31"), MET, 3, 3, 3, "at");
    parts.value[ENGINE_PART_EACH + 3] = 1;
    s_expect (s_judge (&rule, parts, NULL, 0, "2024", "2024-12-31"), MET, 4, 3, 3, "one over");
    s_expect (s_judge (&rule, s_nothing, NULL, 0, "2024", "2024-01-01"), ON_TRACK, 0, 3, 0,
              "none yet, on the first day");
}

Test (engine, a_share_is_a_level)
{
    policy_rule_t rule = s_rule ("'scope': 'pair', 'metric': 'share', 'event_kind': "
                                 "'investment', 'share': {'sector': ['information']}, "
                                 "'by': 'amount', 'unit': 'bp', 'target': 3000");
    s_expect (s_judge (&rule, s_parts (2999, true, 10000), NULL, 0, "2024", "2024-06-30"),
              AT_RISK, 2999, 3000, 3000, "one under, before the deadline");
    s_expect (s_judge (&rule, s_parts (2999, true, 10000), NULL, 0, "2024", "2024-12-31"),
              AT_RISK, 2999, 3000, 3000, "one under, on the deadline");
    s_expect (s_judge (&rule, s_parts (2999, true, 10000), NULL, 0, "2024", "2025-01-01"),
              BREACHED, 2999, 3000, 3000, "one under, after");
    s_expect (s_judge (&rule, s_parts (3000, true, 10000), NULL, 0, "2024", "2024-01-01"), MET,
              3000, 3000, 3000, "at");
    s_expect (s_judge (&rule, s_parts (3001, true, 10000), NULL, 0, "2024", "2024-01-01"), MET,
              3001, 3000, 3000, "one over");
    // In bp, rounded down: 1 of 3 is 3333.
    s_expect (s_judge (&rule, s_parts (1, true, 3), NULL, 0, "2024", "2024-06-30"), MET, 3333,
              3000, 3000, "a third");
    s_expect (s_judge (&rule, s_parts (0, true, 7), NULL, 0, "2024", "2024-06-30"), AT_RISK, 0,
              3000, 3000, "none of it matches");
    // Without a denominator there is nothing to judge.
    s_expect (s_judge (&rule, s_nothing, NULL, 0, "2024", "2025-01-01"), NO_DATA, 0, 3000, 0,
              "no parts");
    s_expect (s_judge (&rule, s_parts (0, true, 0), NULL, 0, "2024", "2025-01-01"), NO_DATA, 0,
              3000, 0, "a denominator of 0 (its events reversed)");
}

Test (engine, a_share_at_most)
{
    policy_rule_t rule = s_rule ("'scope': 'program', 'metric': 'share', 'event_kind': "
                                 "'investment', 'share': {'sector': ['mining']}, "
                                 "'by': 'count', 'compare': 'at_most', 'unit': 'bp', "
                                 "'target': 3000");
    s_expect (s_judge (&rule, s_parts (2999, true, 10000), NULL, 0, "2024", "2024-06-30"), MET,
              2999, 3000, 3000, "one under");
    s_expect (s_judge (&rule, s_parts (3000, true, 10000), NULL, 0, "2024", "2024-06-30"), MET,
              3000, 3000, 3000, "at");
    s_expect (s_judge (&rule, s_parts (3001, true, 10000), NULL, 0, "2024", "2024-06-30"),
              AT_RISK, 3001, 3000, 3000, "one over");
    s_expect (s_judge (&rule, s_parts (3001, true, 10000), NULL, 0, "2024", "2025-01-01"),
              BREACHED, 3001, 3000, 3000, "one over, after");
}

#define S_INDICATOR "'scope': 'region', 'metric': 'indicator', "

Test (engine, an_indicators_value)
{
    policy_rule_t rule = s_rule (S_INDICATOR "'indicator': {'code': 'rural_income'}, "
                                 "'unit': 'fen', 'target': 2500000");
    s_expect (s_judge (&rule, s_parts (2499999, false, 0), NULL, 0, "2024", "2024-12-31"),
              AT_RISK, 2499999, 2500000, 2500000, "one under");
    s_expect (s_judge (&rule, s_parts (2499999, false, 0), NULL, 0, "2024", "2025-01-01"),
              BREACHED, 2499999, 2500000, 2500000, "one under, after");
    s_expect (s_judge (&rule, s_parts (2500000, false, 0), NULL, 0, "2024", "2025-01-01"), MET,
              2500000, 2500000, 2500000, "at");
    s_expect (s_judge (&rule, s_parts (2500001, false, 0), NULL, 0, "2024", "2025-01-01"), MET,
              2500001, 2500000, 2500000, "one over");
    s_expect (s_judge (&rule, s_nothing, NULL, 0, "2024", "2025-01-01"), NO_DATA, 0, 2500000, 0,
              "not reported");
    policy_rule_t above = s_rule (S_INDICATOR "'indicator': {'code': 'treatment_rate'}, "
                                  "'compare': 'above', 'unit': 'bp', 'target': 9000");
    s_expect (s_judge (&above, s_parts (9000, false, 0), NULL, 0, "2024", "2024-12-31"),
              AT_RISK, 9000, 9000, 9000, "above: at is not above");
    s_expect (s_judge (&above, s_parts (9000, false, 0), NULL, 0, "2024", "2025-01-01"),
              BREACHED, 9000, 9000, 9000, "above: at is not above, after");
    s_expect (s_judge (&above, s_parts (9001, false, 0), NULL, 0, "2024", "2025-01-01"), MET,
              9001, 9000, 9000, "above: one over");
    policy_rule_t at_most = s_rule (S_INDICATOR "'indicator': {'code': 'poor_villages'}, "
                                    "'compare': 'at_most', 'unit': 'count', 'target': 0");
    s_expect (s_judge (&at_most, s_parts (0, false, 0), NULL, 0, "2024", "2025-01-01"), MET, 0,
              0, 0, "at most 0: at");
    s_expect (s_judge (&at_most, s_parts (1, false, 0), NULL, 0, "2024", "2025-01-01"),
              BREACHED, 1, 0, 0, "at most 0: one over");
}

Test (engine, an_indicators_growth)
{
    policy_rule_t rule = s_rule (S_INDICATOR "'indicator': {'code': 'rural_income', "
                                 "'measure': 'growth'}, 'unit': 'bp', 'target': 800");
    // Over a base of 10,000.00: 10,799.99 grew 7.9999%, 799 bp (rounded toward zero).
    s_expect (s_judge (&rule, s_parts (1079999, true, 1000000), NULL, 0, "2024", "2024-12-31"),
              AT_RISK, 799, 800, 800, "one under");
    s_expect (s_judge (&rule, s_parts (1080000, true, 1000000), NULL, 0, "2024", "2024-12-31"),
              MET, 800, 800, 800, "at");
    s_expect (s_judge (&rule, s_parts (1080100, true, 1000000), NULL, 0, "2024", "2024-12-31"),
              MET, 801, 800, 800, "one over");
    s_expect (s_judge (&rule, s_parts (990000, true, 1000000), NULL, 0, "2024", "2025-01-01"),
              BREACHED, -100, 800, 800, "a fall");
    s_expect (s_judge (&rule, s_parts (1080000, false, 0), NULL, 0, "2024", "2025-01-01"),
              NO_DATA, 0, 800, 0, "no base: the year before was not reported");
    s_expect (s_judge (&rule, s_parts (1080000, false, 1000000), NULL, 0, "2024", "2025-01-01"),
              NO_DATA, 0, 800, 0, "an absent base is absent, whatever its value");
    s_expect (s_judge (&rule, s_parts (1080000, true, 0), NULL, 0, "2024", "2025-01-01"),
              NO_DATA, 0, 800, 0, "a base of 0");
    engine_parts_t base_only = { 0 };
    base_only.value[ENGINE_PART_D] = 1000000;
    base_only.present[ENGINE_PART_D] = true;
    s_expect (s_judge (&rule, base_only, NULL, 0, "2024", "2025-01-01"), NO_DATA, 0, 800, 0,
              "only the base: this year's not reported");
}

Test (engine, an_indicator_against_a_reference_region)
{
    policy_rule_t rule = s_rule (S_INDICATOR "'indicator': {'code': 'gdp_growth', "
                                 "'reference': 'hb-province'}, 'compare': 'above', "
                                 "'unit': 'bp'");
    engine_parts_t province = s_parts (650, false, 0);
    s_expect (s_judge (&rule, s_parts (649, false, 0), &province, 0, "2024", "2024-12-31"),
              AT_RISK, 649, 650, 650, "one under");
    s_expect (s_judge (&rule, s_parts (650, false, 0), &province, 0, "2024", "2024-12-31"),
              AT_RISK, 650, 650, 650, "at: not faster");
    s_expect (s_judge (&rule, s_parts (650, false, 0), &province, 0, "2024", "2025-01-01"),
              BREACHED, 650, 650, 650, "at, after");
    s_expect (s_judge (&rule, s_parts (651, false, 0), &province, 0, "2024", "2025-01-01"), MET,
              651, 650, 650, "one over");
    s_expect (s_judge (&rule, s_parts (651, false, 0), NULL, 0, "2024", "2025-01-01"), NO_DATA,
              651, 0, 0, "the reference not reported");
    s_expect (s_judge (&rule, s_parts (651, false, 0), &s_nothing, 0, "2024", "2025-01-01"),
              NO_DATA, 651, 0, 0, "the reference's parts absent");
    s_expect (s_judge (&rule, s_nothing, &province, 0, "2024", "2025-01-01"), NO_DATA, 0, 650,
              0, "the region not reported");
    // A growth against the province's growth: both need their base.
    policy_rule_t growth = s_rule (S_INDICATOR "'indicator': {'code': 'rural_income', "
                                   "'measure': 'growth', 'reference': 'zj-province'}, "
                                   "'unit': 'bp'");
    engine_parts_t grew = s_parts (1080000, true, 1000000);
    s_expect (s_judge (&growth, s_parts (1079999, true, 1000000), &grew, 0, "2024",
                       "2024-12-31"), AT_RISK, 799, 800, 800, "growth: one under");
    s_expect (s_judge (&growth, s_parts (1080000, true, 1000000), &grew, 0, "2024",
                       "2024-12-31"), MET, 800, 800, 800, "growth: at");
    engine_parts_t no_base = s_parts (1080000, false, 0);
    s_expect (s_judge (&growth, s_parts (1080000, true, 1000000), &no_base, 0, "2024",
                       "2024-12-31"), NO_DATA, 800, 0, 0, "the reference has no base");
}

Test (engine, a_sum_against_the_committed_funds)
{
    policy_rule_t rule = s_rule ("'scope': 'pair', 'metric': 'sum', 'measure': 'received', "
                                 "'unit': 'fen', 'target': 'committed', 'deadline': '05-31'");
    s_expect (s_judge (&rule, s_parts (999999, true, 1000000), NULL, 0, "2024", "2024-05-31"),
              AT_RISK, 999999, 1000000, 1000000, "one under");
    s_expect (s_judge (&rule, s_parts (999999, true, 1000000), NULL, 0, "2024", "2024-06-01"),
              BREACHED, 999999, 1000000, 1000000, "one under, after");
    s_expect (s_judge (&rule, s_parts (1000000, true, 1000000), NULL, 0, "2024", "2024-05-31"),
              MET, 1000000, 1000000, 1000000, "at");
    s_expect (s_judge (&rule, s_parts (1000001, true, 1000000), NULL, 0, "2024", "2024-05-31"),
              MET, 1000001, 1000000, 1000000, "one over");
    s_expect (s_judge (&rule, s_parts (5, false, 0), NULL, 0, "2024", "2024-06-01"), NO_DATA, 5,
              0, 0, "nothing committed");
    s_expect (s_judge (&rule, s_parts (5, true, 0), NULL, 0, "2024", "2024-06-01"), NO_DATA, 5,
              0, 0, "a commitment of 0 (reversed)");
}

Test (engine, a_sum_against_the_parks_plan)
{
    policy_rule_t rule = s_rule ("'scope': 'park', 'metric': 'sum', 'event_kind': "
                                 "'park-investment', 'where': {'category': 'gov'}, "
                                 "'unit': 'fen', 'target': 'plan'");
    s_expect (s_judge (&rule, s_parts (799999, false, 0), NULL, 800000, "2024", "2024-12-31"),
              AT_RISK, 799999, 800000, 800000, "one under");
    s_expect (s_judge (&rule, s_parts (799999, false, 0), NULL, 800000, "2024", "2025-01-01"),
              BREACHED, 799999, 800000, 800000, "one under, after");
    s_expect (s_judge (&rule, s_parts (800000, false, 0), NULL, 800000, "2024", "2024-12-31"),
              MET, 800000, 800000, 800000, "at");
    s_expect (s_judge (&rule, s_parts (800001, false, 0), NULL, 800000, "2024", "2024-12-31"),
              MET, 800001, 800000, 800000, "one over");
    s_expect (s_judge (&rule, s_parts (800001, false, 0), NULL, 0, "2024", "2025-01-01"),
              NO_DATA, 800001, 0, 0, "no plan");
}

/*  2. Deadlines: the day before, of and after, paced and not. */

typedef struct {
    const char *what;
    const char *members;   // the period's members of a count of leader visits, target 2
    const char *key;       // the period
    const char *start;     // its first day
    const char *deadline;  // and its last
    const char *next;      // the key an event of the day after counts under ("": none)
} s_deadline_case_t;

static const s_deadline_case_t s_deadline_cases[] = {
    { "a year to 12-31", "'deadline': '12-31'", "2024", "2024-01-01", "2024-12-31", "2025" },
    { "a year to 05-31", "'deadline': '05-31'", "2024", "2024-01-01", "2024-05-31", "" },
    { "a quarter", "'period': 'quarter'", "2024-Q2", "2024-04-01", "2024-06-30", "2024-Q3" },
    { "a month", "'period': 'month'", "2024-02", "2024-02-01", "2024-02-29", "2024-03" },
    { "a window", "'period': 'window', 'from_year': 2018, 'to_year': 2020", "2018-2020",
      "2018-01-01", "2020-12-31", "" },
    { "a date", "'deadline': '2018-07-31', 'from_year': 2018, 'to_year': 2018", "2018",
      "2018-01-01", "2018-07-31", "" },
    { "the year before", "'deadline': '10-31', 'deadline_year': -1", "2025", "2024-01-01",
      "2024-10-31", "" },
};

// The count of leader visits, target 2, paced by pace, over the case's period.
static policy_rule_t
s_deadline_rule (const s_deadline_case_t *test, const char *pace)
{
    char members[512];
    snprintf (members, sizeof members, "'scope': 'pair', 'metric': 'count', 'event_kind': "
              "'leader-visit', 'unit': 'count', 'target': 2, 'pace': '%s', %s", pace,
              test->members);
    return s_rule (members);
}

// The verdict of actual visits (of 2) on the day deadline + offset.
static engine_verdict_t
s_on (const policy_rule_t *rule, const s_deadline_case_t *test, int64_t actual, int offset)
{
    engine_period_t period = s_period (rule, test->key);
    engine_verdict_t verdict;
    engine_verdict (rule, &(engine_parts_t) { .value = { actual }, .present = { true } }, NULL,
                    0, period, period.deadline + offset, &verdict);
    return verdict;
}

Test (engine, every_kind_of_deadline_has_its_days)
{
    for (size_t index = 0; index < sizeof s_deadline_cases / sizeof s_deadline_cases[0];
         index++) {
        const s_deadline_case_t *test = &s_deadline_cases[index];
        policy_rule_t rule = s_deadline_rule (test, "linear");
        engine_period_t period = s_period (&rule, test->key);
        cr_assert_eq (period.start, s_day (test->start), "%s", test->what);
        cr_assert_eq (period.deadline, s_day (test->deadline), "%s", test->what);
        // An event of the deadline counts in the period; one of the day after does not.
        engine_period_t counted;
        cr_assert (engine_period_of_event (&rule, period.deadline, 0, 0, &counted), "%s",
                   test->what);
        cr_assert_str_eq (counted.key, test->key, "%s", test->what);
        bool later = engine_period_of_event (&rule, period.deadline + 1, 0, 0, &counted);
        cr_assert_eq (later, *test->next != '\0', "%s: the day after", test->what);
        if (later)
            cr_assert_str_eq (counted.key, test->next, "%s", test->what);
    }
}

Test (engine, paced_by_day_a_rule_short_on_its_deadline_is_at_risk_then_breached)
{
    for (size_t index = 0; index < sizeof s_deadline_cases / sizeof s_deadline_cases[0];
         index++) {
        const s_deadline_case_t *test = &s_deadline_cases[index];
        policy_rule_t rule = s_deadline_rule (test, "linear");
        s_expect (s_on (&rule, test, 1, -1), AT_RISK, 1, 2, 2, test->what);
        s_expect (s_on (&rule, test, 1, 0), AT_RISK, 1, 2, 2, test->what);
        s_expect (s_on (&rule, test, 1, 1), BREACHED, 1, 2, 2, test->what);
        s_expect (s_on (&rule, test, 2, -1), MET, 2, 2, 2, test->what);
        s_expect (s_on (&rule, test, 2, 1), MET, 2, 2, 2, test->what);
        engine_period_t period = s_period (&rule, test->key);
        engine_verdict_t first;
        engine_verdict (&rule, &s_nothing, NULL, 0, period, period.start, &first);
        s_expect (first, ON_TRACK, 0, 2, 0, test->what);
    }
}

Test (engine, unpaced_a_rule_is_on_track_until_its_deadline)
{
    for (size_t index = 0; index < sizeof s_deadline_cases / sizeof s_deadline_cases[0];
         index++) {
        const s_deadline_case_t *test = &s_deadline_cases[index];
        policy_rule_t rule = s_deadline_rule (test, "none");
        s_expect (s_on (&rule, test, 0, -1), ON_TRACK, 0, 2, 0, test->what);
        s_expect (s_on (&rule, test, 1, -1), ON_TRACK, 1, 2, 0, test->what);
        s_expect (s_on (&rule, test, 1, 0), ON_TRACK, 1, 2, 2, test->what);
        s_expect (s_on (&rule, test, 1, 1), BREACHED, 1, 2, 2, test->what);
        s_expect (s_on (&rule, test, 2, 0), MET, 2, 2, 2, test->what);
        s_expect (s_on (&rule, test, 2, 1), MET, 2, 2, 2, test->what);
    }
}

/*  3. Periods. */

static policy_rule_t
s_visits (const char *period_members)
{
    char members[512];
    snprintf (members, sizeof members, "'scope': 'pair', 'metric': 'count', 'event_kind': "
              "'leader-visit', 'unit': 'count', 'target': 2%s%s", *period_members ? ", " : "",
              period_members);
    return s_rule (members);
}

Test (engine, the_periods_of_a_year)
{
    engine_period_t periods[ENGINE_PERIODS_MAX];
    policy_rule_t yearly = s_visits ("'from_year': 2021, 'to_year': 2025");
    cr_assert_eq (engine_periods_of_year (&yearly, 2020, periods), 0, "before from_year");
    cr_assert_eq (engine_periods_of_year (&yearly, 2026, periods), 0, "after to_year");
    cr_assert_eq (engine_periods_of_year (&yearly, 2021, periods), 1);
    cr_assert_str_eq (periods[0].key, "2021");
    cr_assert_eq (engine_periods_of_year (&yearly, 2025, periods), 1);
    cr_assert_str_eq (periods[0].key, "2025");
    cr_assert_eq (periods[0].year, 2025);
    cr_assert_eq (periods[0].start, s_day ("2025-01-01"));
    cr_assert_eq (periods[0].deadline, s_day ("2025-12-31"));

    policy_rule_t quarterly = s_visits ("'period': 'quarter'");
    cr_assert_eq (engine_periods_of_year (&quarterly, 2024, periods), 4);
    static const char *quarters[][3] = { { "2024-Q1", "2024-01-01", "2024-03-31" },
                                         { "2024-Q2", "2024-04-01", "2024-06-30" },
                                         { "2024-Q3", "2024-07-01", "2024-09-30" },
                                         { "2024-Q4", "2024-10-01", "2024-12-31" } };
    for (size_t index = 0; index < 4; index++) {
        cr_assert_str_eq (periods[index].key, quarters[index][0]);
        cr_assert_eq (periods[index].year, 2024);
        cr_assert_eq (periods[index].start, s_day (quarters[index][1]), "%s", quarters[index][0]);
        cr_assert_eq (periods[index].deadline, s_day (quarters[index][2]), "%s",
                      quarters[index][0]);
    }

    policy_rule_t monthly = s_visits ("'period': 'month'");
    cr_assert_eq (engine_periods_of_year (&monthly, 2024, periods), 12);
    static const char *last[] = { "01-31", "02-29", "03-31", "04-30", "05-31", "06-30",
                                  "07-31", "08-31", "09-30", "10-31", "11-30", "12-31" };
    for (int month = 1; month <= 12; month++) {
        char key[16], first[16], end[16];
        snprintf (key, sizeof key, "2024-%02d", month);
        snprintf (first, sizeof first, "2024-%02d-01", month);
        snprintf (end, sizeof end, "2024-%s", last[month - 1]);
        cr_assert_str_eq (periods[month - 1].key, key);
        cr_assert_eq (periods[month - 1].start, s_day (first), "%s", key);
        cr_assert_eq (periods[month - 1].deadline, s_day (end), "%s", key);
    }
    cr_assert_eq (engine_periods_of_year (&monthly, 2023, periods), 12);
    cr_assert_eq (periods[1].deadline, s_day ("2023-02-28"), "a common year's February");

    policy_rule_t window = s_visits ("'period': 'window', 'from_year': 2018, 'to_year': 2020");
    for (int year = 2018; year <= 2020; year++) {
        cr_assert_eq (engine_periods_of_year (&window, year, periods), 1, "%d", year);
        cr_assert_str_eq (periods[0].key, "2018-2020");
        cr_assert_eq (periods[0].year, 2018, "reported under its first year");
        cr_assert_eq (periods[0].start, s_day ("2018-01-01"));
        cr_assert_eq (periods[0].deadline, s_day ("2020-12-31"));
    }
    cr_assert_eq (engine_periods_of_year (&window, 2017, periods), 0);
    cr_assert_eq (engine_periods_of_year (&window, 2021, periods), 0);

    policy_rule_t before = s_visits ("'deadline': '10-31', 'deadline_year': -1, "
                                     "'from_year': 2025, 'to_year': 2025");
    cr_assert_eq (engine_periods_of_year (&before, 2025, periods), 1);
    cr_assert_str_eq (periods[0].key, "2025");
    cr_assert_eq (periods[0].year, 2025);
    cr_assert_eq (periods[0].start, s_day ("2024-01-01"));
    cr_assert_eq (periods[0].deadline, s_day ("2024-10-31"));
    cr_assert_eq (engine_periods_of_year (&before, 2024, periods), 0);
}

Test (engine, a_period_is_found_by_its_exact_key)
{
    engine_period_t period;
    policy_rule_t yearly = s_visits ("'from_year': 2021, 'to_year': 2025");
    policy_rule_t quarterly = s_visits ("'period': 'quarter'");
    policy_rule_t monthly = s_visits ("'period': 'month'");
    policy_rule_t window = s_visits ("'period': 'window', 'from_year': 2018, 'to_year': 2020");
    cr_assert (engine_period_find (&yearly, "2024", &period));
    cr_assert_eq (period.deadline, s_day ("2024-12-31"));
    cr_assert (engine_period_find (&quarterly, "2024-Q1", &period));
    cr_assert_eq (period.deadline, s_day ("2024-03-31"));
    cr_assert (engine_period_find (&quarterly, "2024-Q4", &period));
    cr_assert (engine_period_find (&monthly, "2024-12", &period));
    cr_assert_eq (period.start, s_day ("2024-12-01"));
    cr_assert (engine_period_find (&monthly, "2024-01", &period));
    cr_assert (engine_period_find (&window, "2018-2020", &period));
    cr_assert_eq (period.deadline, s_day ("2020-12-31"));
    const struct {
        const policy_rule_t *rule;
        const char *key;
    } refused[] = {
        { &monthly, "2024-3" },     { &monthly, "2024-003" },  { &monthly, "2024-13" },
        { &monthly, "2024-00" },    { &monthly, "2024-1x" },   { &monthly, "2024" },
        { &quarterly, "2024-Q5" },  { &quarterly, "2024-Q0" }, { &quarterly, "2024-q1" },
        { &quarterly, "2024-Q1 " }, { &quarterly, "2024-01" }, { &yearly, "2020" },
        { &yearly, "2026" },        { &yearly, "2024x" },      { &yearly, " 2024" },
        { &yearly, "02024" },       { &yearly, "2024-Q1" },    { &yearly, "" },
        { &window, "2019-2020" },   { &window, "2018-2021" },  { &window, "2018" },
        { &window, "2018-2020x" },
    };
    for (size_t index = 0; index < sizeof refused / sizeof refused[0]; index++)
        cr_assert_not (engine_period_find (refused[index].rule, refused[index].key, &period),
                       "found \"%s\"", refused[index].key);
}

Test (engine, the_period_of_an_event)
{
    engine_period_t period;
    policy_rule_t may = s_visits ("'deadline': '05-31', 'from_year': 2021, 'to_year': 2025");
    cr_assert (engine_period_of_event (&may, s_day ("2024-05-31"), 0, 0, &period));
    cr_assert_str_eq (period.key, "2024");
    cr_assert_not (engine_period_of_event (&may, s_day ("2024-06-01"), 0, 0, &period),
                   "after the deadline it counts nowhere");
    cr_assert_not (engine_period_of_event (&may, s_day ("2026-01-05"), 0, 0, &period),
                   "after to_year");
    cr_assert_not (engine_period_of_event (&may, s_day ("2020-01-05"), 0, 0, &period),
                   "before from_year");
    // A commitment for 2025, made in December 2024, counts in 2025.
    policy_rule_t committed = s_rule ("'scope': 'pair', 'metric': 'sum', 'measure': "
                                      "'committed', 'unit': 'fen', 'target': 1");
    cr_assert (engine_period_of_event (&committed, s_day ("2024-12-20"), 2025, 0, &period));
    cr_assert_str_eq (period.key, "2025");
    cr_assert (engine_period_of_event (&committed, s_day ("2025-12-31"), 2025, 0, &period));
    cr_assert_not (engine_period_of_event (&committed, s_day ("2026-01-01"), 2025, 0, &period),
                   "a commitment for 2025 made after 2025 is late");
    // A figure of 2023 is the base of 2024's growth.
    policy_rule_t growth = s_rule (S_INDICATOR "'indicator': {'code': 'rural_income', "
                                   "'measure': 'growth'}, 'unit': 'bp', 'target': 1");
    cr_assert (engine_period_of_event (&growth, s_day ("2023-12-31"), 2023, 1, &period));
    cr_assert_str_eq (period.key, "2024");
    cr_assert_eq (period.year, 2024);
    cr_assert (engine_period_of_event (&growth, s_day ("2023-06-30"), 0, 1, &period));
    cr_assert_str_eq (period.key, "2024", "the date's year, shifted");
    // A quarter and a month from the date.
    policy_rule_t quarterly = s_visits ("'period': 'quarter'");
    policy_rule_t monthly = s_visits ("'period': 'month'");
    static const char *days[][3] = { { "2024-01-01", "2024-Q1", "2024-01" },
                                     { "2024-03-31", "2024-Q1", "2024-03" },
                                     { "2024-04-01", "2024-Q2", "2024-04" },
                                     { "2024-05-17", "2024-Q2", "2024-05" },
                                     { "2024-02-29", "2024-Q1", "2024-02" },
                                     { "2024-12-31", "2024-Q4", "2024-12" } };
    for (size_t index = 0; index < sizeof days / sizeof days[0]; index++) {
        cr_assert (engine_period_of_event (&quarterly, s_day (days[index][0]), 0, 0, &period));
        cr_assert_str_eq (period.key, days[index][1], "%s", days[index][0]);
        cr_assert (engine_period_of_event (&monthly, s_day (days[index][0]), 0, 0, &period));
        cr_assert_str_eq (period.key, days[index][2], "%s", days[index][0]);
    }
}

Test (engine, a_deadline_in_the_year_before_counts_that_years_events)
{
    engine_period_t period;
    // The plan for 2025 is filed by 2024-10-31: a plan of 2025 filed on 2024-11-01 is late.
    policy_rule_t plan = s_rule ("'scope': 'pair', 'metric': 'count', 'event_kind': "
                                 "'plan-filed', 'unit': 'count', 'target': 1, 'pace': 'none', "
                                 "'deadline': '10-31', 'deadline_year': -1");
    cr_assert (engine_period_of_event (&plan, s_day ("2024-10-31"), 2025, 0, &period));
    cr_assert_str_eq (period.key, "2025");
    cr_assert_not (engine_period_of_event (&plan, s_day ("2024-11-01"), 2025, 0, &period));
    // A kind without a year of its own: a meeting of 2024-03-05 is in the days of 2025's
    // period (2024-01-01..2024-10-31), and counts there.
    policy_rule_t meetings = s_rule ("'scope': 'pair', 'metric': 'count', 'event_kind': "
                                     "'joint-meeting', 'unit': 'count', 'target': 1, "
                                     "'deadline': '10-31', 'deadline_year': -1");
    cr_assert (engine_period_of_event (&meetings, s_day ("2024-03-05"), 0, 0, &period));
    cr_assert_str_eq (period.key, "2025");
    cr_assert (engine_period_of_event (&meetings, s_day ("2024-10-31"), 0, 0, &period));
    cr_assert_str_eq (period.key, "2025");
    cr_assert_not (engine_period_of_event (&meetings, s_day ("2024-11-01"), 0, 0, &period));
}

// A yearly rule due on a date of the year after (a rule of 2018 due 2019-03-31) counts the
// events up to the date in its one year.
Test (engine, a_fixed_deadline_after_its_year_counts_the_days_up_to_it)
{
    engine_period_t period;
    policy_rule_t late = s_visits ("'deadline': '2019-03-31', 'from_year': 2018, "
                                   "'to_year': 2018");
    cr_assert (engine_period_of_event (&late, s_day ("2019-02-01"), 0, 0, &period));
    cr_assert_str_eq (period.key, "2018");
    cr_assert (engine_period_of_event (&late, s_day ("2019-03-31"), 0, 0, &period));
    cr_assert_not (engine_period_of_event (&late, s_day ("2019-04-01"), 0, 0, &period),
                   "after the date");
    cr_assert (engine_period_of_event (&late, s_day ("2018-01-01"), 0, 0, &period));
    cr_assert_eq (period.start, s_day ("2018-01-01"));
    cr_assert_eq (period.deadline, s_day ("2019-03-31"));
}

Test (engine, a_period_is_clipped_to_the_pairings_days)
{
    policy_rule_t rule = s_visits ("");
    engine_period_t period = s_period (&rule, "2024");
    cr_assert (engine_period_clip (&period, s_day ("2020-01-01"), s_day ("2030-12-31")));
    cr_assert_eq (period.start, s_day ("2024-01-01"), "a longer pairing leaves it whole");
    cr_assert_eq (period.deadline, s_day ("2024-12-31"));
    cr_assert (engine_period_clip (&period, s_day ("2024-04-01"), s_day ("2024-09-30")));
    cr_assert_eq (period.start, s_day ("2024-04-01"));
    cr_assert_eq (period.deadline, s_day ("2024-09-30"));
    cr_assert_str_eq (period.key, "2024", "the key stays");
    period = s_period (&rule, "2024");
    cr_assert (engine_period_clip (&period, s_day ("2024-12-31"), s_day ("2025-06-30")));
    cr_assert_eq (period.start, period.deadline, "one day is left");
    period = s_period (&rule, "2024");
    cr_assert_not (engine_period_clip (&period, s_day ("2025-01-01"), s_day ("2025-12-31")),
                   "a pairing that starts after");
    period = s_period (&rule, "2024");
    cr_assert_not (engine_period_clip (&period, s_day ("2020-01-01"), s_day ("2023-12-31")),
                   "a pairing that ended before");
}

/*  4. What an event adds. */

Test (engine, an_event_of_another_kind_counts_nothing)
{
    engine_count_t counts[ENGINE_COUNTS_MAX];
    policy_rule_t rule = s_visits ("");
    Shanhai__V1__LedgerEvent visit = s_event ("leader-visit", "2024-03-05");
    cr_assert_eq (s_match (&rule, &visit, 0, counts), 1);
    s_expect_count (&counts[0], ENGINE_PART_N, 1, false, 0);
    Shanhai__V1__LedgerEvent meeting = s_event ("joint-meeting", "2024-03-05");
    cr_assert_eq (s_match (&rule, &meeting, 0, counts), 0);
    policy_rule_t sum = s_rule (S_SUM "'target': 1");
    Shanhai__V1__LedgerEvent funds = s_event ("aid-funds", "2024-03-05");
    funds.amount_fen = 12345;
    cr_assert_eq (s_match (&sum, &funds, 0, counts), 1);
    s_expect_count (&counts[0], ENGINE_PART_N, 12345, false, 0);
    Shanhai__V1__LedgerEvent income = s_event ("income-project", "2024-03-05");
    income.amount_fen = 12345;
    cr_assert_eq (s_match (&sum, &income, 0, counts), 0);
}

Test (engine, where_filters_what_counts)
{
    engine_count_t counts[ENGINE_COUNTS_MAX];
    policy_rule_t rule = s_rule ("'scope': 'pair', 'metric': 'sum', 'event_kind': "
                                 "'investment', 'where': {'sector': ['health', 'education'], "
                                 "'park': 'p1'}, 'unit': 'fen', 'target': 1");
    Shanhai__V1__LedgerEvent event = s_event ("investment", "2024-03-05");
    event.amount_fen = 700;
    event.sector = "education";
    event.park = "p1";
    cr_assert_eq (s_match (&rule, &event, 0, counts), 1, "both filters match");
    s_expect_count (&counts[0], ENGINE_PART_N, 700, false, 0);
    event.sector = "tourism";
    cr_assert_eq (s_match (&rule, &event, 0, counts), 0, "the sector does not");
    event.sector = "health";
    event.park = "p2";
    cr_assert_eq (s_match (&rule, &event, 0, counts), 0, "the park does not");
    event.park = "";
    cr_assert_eq (s_match (&rule, &event, 0, counts), 0, "no park");
    event.park = "P1";
    cr_assert_eq (s_match (&rule, &event, 0, counts), 0, "values are exact");
}

Test (engine, each_counts_under_the_values_part)
{
    engine_count_t counts[ENGINE_COUNTS_MAX];
    policy_rule_t rule = s_rule ("'scope': 'pair', 'metric': 'each', 'event_kind': "
                                 "'agreement', 'each': {'field': ['science', 'health', "
                                 "'education', 'culture']}, 'unit': 'count', 'target': 4");
    static const char *fields[] = { "science", "health", "education", "culture" };
    for (int index = 0; index < 4; index++) {
        Shanhai__V1__LedgerEvent event = s_event ("agreement", "2024-03-05");
        event.field = (char *) fields[index];
        cr_assert_eq (s_match (&rule, &event, 0, counts), 1, "%s", fields[index]);
        s_expect_count (&counts[0], ENGINE_PART_EACH + index, 1, false, 0);
    }
    Shanhai__V1__LedgerEvent other = s_event ("agreement", "2024-03-05");
    other.field = "sports";
    cr_assert_eq (s_match (&rule, &other, 0, counts), 0);
}

Test (engine, a_share_adds_to_both_parts_only_when_it_matches)
{
    engine_count_t counts[ENGINE_COUNTS_MAX];
    policy_rule_t by_amount = s_rule ("'scope': 'pair', 'metric': 'share', 'event_kind': "
                                      "'investment', 'share': {'sector': ['information', "
                                      "'health']}, 'by': 'amount', 'unit': 'bp', "
                                      "'target': 3000");
    Shanhai__V1__LedgerEvent event = s_event ("investment", "2024-03-05");
    event.amount_fen = 300;
    event.sector = "health";
    cr_assert_eq (s_match (&by_amount, &event, 0, counts), 2);
    s_expect_count (&counts[0], ENGINE_PART_D, 300, false, 0);
    s_expect_count (&counts[1], ENGINE_PART_N, 300, false, 0);
    event.sector = "tourism";
    cr_assert_eq (s_match (&by_amount, &event, 0, counts), 1, "all of them, not the part");
    s_expect_count (&counts[0], ENGINE_PART_D, 300, false, 0);
    policy_rule_t by_count = s_rule ("'scope': 'pair', 'metric': 'share', 'event_kind': "
                                     "'investment', 'where': {'park': 'p1'}, 'share': "
                                     "{'sector': 'information'}, 'by': 'count', 'unit': 'bp', "
                                     "'target': 3000");
    event.sector = "information";
    event.park = "p1";
    cr_assert_eq (s_match (&by_count, &event, 0, counts), 2);
    s_expect_count (&counts[0], ENGINE_PART_D, 1, false, 0);
    s_expect_count (&counts[1], ENGINE_PART_N, 1, false, 0);
    event.park = "p2";
    cr_assert_eq (s_match (&by_count, &event, 0, counts), 0, "outside where: in neither part");
}

Test (engine, quantities_add_persons_and_projects)
{
    engine_count_t counts[ENGINE_COUNTS_MAX];
    policy_rule_t persons = s_rule ("'scope': 'pair', 'metric': 'quantity', 'event_kind': "
                                    "'training', 'unit': 'persons', 'target': 100");
    Shanhai__V1__LedgerEvent training = s_event ("training", "2024-03-05");
    training.persons = 35;
    cr_assert_eq (s_match (&persons, &training, 0, counts), 1);
    s_expect_count (&counts[0], ENGINE_PART_N, 35, false, 0);
    training.persons = 0;
    cr_assert_eq (s_match (&persons, &training, 0, counts), 0, "no one: nothing to add");
    policy_rule_t projects = s_rule ("'scope': 'pair', 'metric': 'quantity', 'event_kind': "
                                     "'matchmaking', 'unit': 'projects', 'target': 10");
    Shanhai__V1__LedgerEvent matchmaking = s_event ("matchmaking", "2024-03-05");
    matchmaking.signed_projects = 3;
    matchmaking.persons = 99;
    cr_assert_eq (s_match (&projects, &matchmaking, 0, counts), 1);
    s_expect_count (&counts[0], ENGINE_PART_N, 3, false, 0);
}

Test (engine, the_money_measures)
{
    engine_count_t counts[ENGINE_COUNTS_MAX];
    Shanhai__V1__LedgerEvent funds = s_event ("aid-funds", "2024-03-05");
    funds.amount_fen = 500;
    Shanhai__V1__LedgerEvent receipt = s_event ("receipt", "2024-03-06");
    receipt.amount_fen = 300;
    receipt.of = "f1";
    Shanhai__V1__LedgerEvent voided = s_event ("void", "2024-03-07");
    voided.of = "f1";
    Shanhai__V1__LedgerEvent commitment = s_event ("commitment", "2024-01-05");
    commitment.amount_fen = 1000;
    commitment.year = 2024;

    policy_rule_t disbursed = s_rule ("'scope': 'pair', 'metric': 'sum', 'measure': "
                                      "'disbursed', 'unit': 'fen', 'target': 1");
    cr_assert_eq (s_match (&disbursed, &funds, 0, counts), 1);
    s_expect_count (&counts[0], ENGINE_PART_N, 500, false, 0);
    cr_assert_eq (s_match (&disbursed, &voided, 200, counts), 1, "a void takes back");
    s_expect_count (&counts[0], ENGINE_PART_N, -200, false, 0);
    cr_assert_eq (s_match (&disbursed, &voided, 0, counts), 0, "a void of nothing pending");
    cr_assert_eq (s_match (&disbursed, &receipt, 0, counts), 0);
    cr_assert_eq (s_match (&disbursed, &commitment, 0, counts), 0);

    policy_rule_t received = s_rule ("'scope': 'pair', 'metric': 'sum', 'measure': "
                                     "'received', 'unit': 'fen', 'target': 1");
    cr_assert_eq (s_match (&received, &receipt, 0, counts), 1);
    s_expect_count (&counts[0], ENGINE_PART_N, 300, false, 0);
    cr_assert_eq (s_match (&received, &funds, 0, counts), 0);
    cr_assert_eq (s_match (&received, &voided, 200, counts), 0);
    cr_assert_eq (s_match (&received, &commitment, 0, counts), 0,
                  "a commitment is no target of a fixed one");

    policy_rule_t committed = s_rule ("'scope': 'pair', 'metric': 'sum', 'measure': "
                                      "'committed', 'unit': 'fen', 'target': 1");
    cr_assert_eq (s_match (&committed, &commitment, 0, counts), 1);
    s_expect_count (&counts[0], ENGINE_PART_N, 1000, false, 0);

    // Against the commitment: it is the target (d), receipts the actual (n).
    policy_rule_t in_place = s_rule ("'scope': 'pair', 'metric': 'sum', 'measure': "
                                     "'received', 'unit': 'fen', 'target': 'committed', "
                                     "'deadline': '05-31'");
    cr_assert_eq (s_match (&in_place, &commitment, 0, counts), 1);
    s_expect_count (&counts[0], ENGINE_PART_D, 1000, false, 0);
    cr_assert_eq (s_match (&in_place, &receipt, 0, counts), 1);
    s_expect_count (&counts[0], ENGINE_PART_N, 300, false, 0);
    policy_rule_t spent = s_rule ("'scope': 'supporter', 'metric': 'sum', 'measure': "
                                  "'disbursed', 'unit': 'fen', 'target': 'committed'");
    cr_assert_eq (s_match (&spent, &commitment, 0, counts), 1);
    s_expect_count (&counts[0], ENGINE_PART_D, 1000, false, 0);
    cr_assert_eq (s_match (&spent, &voided, 200, counts), 1);
    s_expect_count (&counts[0], ENGINE_PART_N, -200, false, 0);
}

Test (engine, an_indicator_is_the_latest_report_of_its_code)
{
    engine_count_t counts[ENGINE_COUNTS_MAX];
    Shanhai__V1__LedgerEvent report = s_event ("indicator", "2024-03-15");
    report.region = "hb-zhuxi";
    report.code = "rural_income";
    report.year = 2023;
    report.value = "25000";
    policy_rule_t income = s_rule (S_INDICATOR "'indicator': {'code': 'rural_income'}, "
                                   "'unit': 'fen', 'target': 2500000");
    cr_assert_eq (s_match (&income, &report, 0, counts), 1);
    s_expect_count (&counts[0], ENGINE_PART_N, 2500000, true, 0);
    report.code = "gdp";
    cr_assert_eq (s_match (&income, &report, 0, counts), 0, "another code");
    report.code = "rural_income";
    report.value = "25000.123";
    cr_assert_eq (s_match (&income, &report, 0, counts), 0, "not a number in the unit");

    policy_rule_t rate = s_rule (S_INDICATOR "'indicator': {'code': 'rate'}, 'unit': 'bp', "
                                 "'target': 800");
    report.code = "rate";
    report.value = "8.5";
    cr_assert_eq (s_match (&rate, &report, 0, counts), 1);
    s_expect_count (&counts[0], ENGINE_PART_N, 850, true, 0);

    policy_rule_t villages = s_rule (S_INDICATOR "'indicator': {'code': 'villages'}, "
                                     "'compare': 'at_most', 'unit': 'count', 'target': 3");
    report.code = "villages";
    report.value = "3";
    cr_assert_eq (s_match (&villages, &report, 0, counts), 1);
    s_expect_count (&counts[0], ENGINE_PART_N, 3, true, 0);
    report.value = "3.5";
    cr_assert_eq (s_match (&villages, &report, 0, counts), 0, "a count is whole");

    // A growth: the figure is this year's n and the next year's d (its base).
    policy_rule_t growth = s_rule (S_INDICATOR "'indicator': {'code': 'rural_income', "
                                   "'measure': 'growth'}, 'unit': 'bp', 'target': 800");
    report.code = "rural_income";
    report.value = "25000.5";
    cr_assert_eq (s_match (&growth, &report, 0, counts), 2);
    s_expect_count (&counts[0], ENGINE_PART_N, 2500050, true, 0);
    s_expect_count (&counts[1], ENGINE_PART_D, 2500050, true, 1);
    Shanhai__V1__LedgerEvent visit = s_event ("leader-visit", "2024-03-15");
    visit.code = "rural_income";
    visit.value = "1";
    cr_assert_eq (s_match (&growth, &visit, 0, counts), 0, "only indicator events");
}

Test (engine, indicator_values_parse_exactly_in_the_unit)
{
    static const struct {
        const char *text;
        const char *unit;
        int rc;
        int64_t value;
    } cases[] = {
        { "8.5", "bp", 0, 850 },
        { "8.55", "bp", 0, 855 },
        { "8", "bp", 0, 800 },
        { "0.07", "bp", 0, 7 },
        { "25000", "fen", 0, 2500000 },
        { "25000.5", "fen", 0, 2500050 },
        { "3", "count", 0, 3 },
        { "0", "count", 0, 0 },
        { "-1.2", "bp", 0, -120 },
        { "-3", "count", 0, -3 },
        { "999999999999999", "count", 0, 999999999999999 },
        { "9999999999999.99", "fen", 0, 999999999999999 },
        { "1000000000000000", "count", -1, 0 },
        { "8.", "bp", -1, 0 },
        { ".5", "bp", -1, 0 },
        { "1.234", "bp", -1, 0 },
        { "abc", "bp", -1, 0 },
        { "3.5", "count", -1, 0 },
        { "3.", "count", -1, 0 },
        { "", "bp", -1, 0 },
        { "-", "bp", -1, 0 },
        { "--1", "bp", -1, 0 },
        { "+1", "bp", -1, 0 },
        { "1.2.3", "bp", -1, 0 },
        { "1,5", "bp", -1, 0 },
        { " 1", "bp", -1, 0 },
        { "1 ", "bp", -1, 0 },
        { "1e3", "bp", -1, 0 },
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases[0]; index++) {
        int64_t value = -999;
        int rc = engine_parse_value (cases[index].text, cases[index].unit, &value);
        cr_assert_eq (rc, cases[index].rc, "\"%s\" in %s", cases[index].text,
                      cases[index].unit);
        if (rc == 0)
            cr_assert_eq (value, cases[index].value, "\"%s\" in %s: %" PRId64,
                          cases[index].text, cases[index].unit, value);
        else
            cr_assert_eq (value, -999, "\"%s\": a refusal leaves *out", cases[index].text);
    }
}

/*  5. Warnings: once, with the most urgent threshold a clock move crosses. */

Test (engine, a_warning_is_crossed_once)
{
    policy_rule_t rule = s_visits ("'deadline': '05-31'");
    engine_period_t found = s_period (&rule, "2024");
    evaluate_period_t period = { .start = found.start, .deadline = found.deadline };
    int32_t deadline = s_day ("2024-05-31");
    cr_assert_eq (rule.warning_count, 3);
    const int *days = rule.warnings_days;  // 30, 7, 1
    cr_assert_eq (evaluate_warning_crossed (period, days, 3, deadline - 32, deadline - 31), 0,
                  "the day before the threshold");
    cr_assert_eq (evaluate_warning_crossed (period, days, 3, deadline - 31, deadline - 30), 30,
                  "the threshold's day: 05-01");
    cr_assert_eq (evaluate_warning_crossed (period, days, 3, deadline - 30, deadline - 29), 0,
                  "once: not again the day after");
    cr_assert_eq (evaluate_warning_crossed (period, days, 3, deadline - 30, deadline - 30), 0,
                  "a move to the same day");
    cr_assert_eq (evaluate_warning_crossed (period, days, 3, deadline - 8, deadline - 7), 7);
    cr_assert_eq (evaluate_warning_crossed (period, days, 3, deadline - 40, deadline - 7), 7,
                  "30 and 7 at once: 7");
    cr_assert_eq (evaluate_warning_crossed (period, days, 3, deadline - 40, deadline - 1), 1,
                  "all three at once: 1");
    cr_assert_eq (evaluate_warning_crossed (period, days, 3, deadline - 40, deadline), 1,
                  "to the deadline itself");
    cr_assert_eq (evaluate_warning_crossed (period, days, 3, deadline - 40, deadline + 1), 0,
                  "past the deadline: a breach, not a warning");
    policy_rule_t custom = s_visits ("'period': 'month', 'warnings': [14, 3]");
    found = s_period (&custom, "2024-02");
    period = (evaluate_period_t) { .start = found.start, .deadline = found.deadline };
    cr_assert_eq (evaluate_warning_crossed (period, custom.warnings_days, custom.warning_count,
                                            s_day ("2024-02-14"), s_day ("2024-02-15")), 14,
                  "02-29 less 14 days");
    cr_assert_eq (evaluate_warning_crossed (period, custom.warnings_days, custom.warning_count,
                                            s_day ("2024-02-25"), s_day ("2024-02-26")), 3);
    cr_assert_eq (evaluate_warning_crossed (period, custom.warnings_days, custom.warning_count,
                                            s_day ("2024-02-26"), s_day ("2024-02-28")), 0);
}
