/*  The scoreboard's arithmetic at its edges: weighted means rounded to the nearest, grades at
    their exact thresholds, shared ranks. */
#include <criterion/criterion.h>
#include <string.h>
#include "policy.h"
#include "scoreboard.h"

static policy_pack_t s_pack;

static void
s_setup (void)
{
    memset (&s_pack, 0, sizeof s_pack);
    memcpy (s_pack.scores, (int[]) { 0, 100, 80, 40, 0, 0 }, sizeof s_pack.scores);
    const policy_grade_t grades[] = { { "好", 90 }, { "较好", 75 }, { "一般", 60 }, { "差", 0 } };
    memcpy (s_pack.grades, grades, sizeof grades);
    s_pack.grade_count = 4;
}

TestSuite (scoreboard, .init = s_setup);

// The score of rules with these statuses and weights.
static int
s_score (size_t count, const Shanhai__V1__ComplianceStatus *statuses, const uint32_t *weights)
{
    Shanhai__V1__RuleStatus rules[8], *pointers[8];
    for (size_t index = 0; index < count; index++) {
        shanhai__v1__rule_status__init (&rules[index]);
        rules[index].status = statuses[index];
        rules[index].weight = weights[index];
        pointers[index] = &rules[index];
    }
    Shanhai__V1__StatusReply verdicts = SHANHAI__V1__STATUS_REPLY__INIT;
    verdicts.rules = pointers;
    verdicts.n_rules = count;
    return scoreboard_score (&s_pack, &verdicts);
}

#define MET SHANHAI__V1__COMPLIANCE_STATUS__MET
#define ON_TRACK SHANHAI__V1__COMPLIANCE_STATUS__ON_TRACK
#define AT_RISK SHANHAI__V1__COMPLIANCE_STATUS__AT_RISK
#define BREACHED SHANHAI__V1__COMPLIANCE_STATUS__BREACHED

Test (scoreboard, weighted_means_round_to_the_nearest)
{
    cr_assert_eq (s_score (2, (Shanhai__V1__ComplianceStatus[]) { MET, BREACHED },
                           (uint32_t[]) { 1, 1 }), 50);
    cr_assert_eq (s_score (2, (Shanhai__V1__ComplianceStatus[]) { MET, BREACHED },
                           (uint32_t[]) { 3, 1 }), 75);
    // (100 + 80 + 40) / 3 = 73.33: 73
    cr_assert_eq (s_score (3, (Shanhai__V1__ComplianceStatus[]) { MET, ON_TRACK, AT_RISK },
                           (uint32_t[]) { 1, 1, 1 }), 73);
    // (100 + 79) / 2 = 89.5 rounds up to 90
    s_pack.scores[ON_TRACK] = 79;
    cr_assert_eq (s_score (2, (Shanhai__V1__ComplianceStatus[]) { MET, ON_TRACK },
                           (uint32_t[]) { 1, 1 }), 90);
    cr_assert_eq (s_score (1, (Shanhai__V1__ComplianceStatus[]) { MET }, (uint32_t[]) { 0 }), -1,
                  "rules that weigh nothing: not ranked");
    cr_assert_eq (s_score (0, NULL, NULL), -1, "no rule: not ranked");
}

// A rule judged month by month weighs its weight once, shared among its twelve periods.
Test (scoreboard, a_rules_periods_share_its_weight)
{
    Shanhai__V1__RuleStatus rules[13], *pointers[13];
    for (size_t index = 0; index < 13; index++) {
        shanhai__v1__rule_status__init (&rules[index]);
        rules[index].rule = index < 12 ? "monthly" : "yearly";
        rules[index].weight = 1;
        rules[index].status = index < 11 ? MET : BREACHED;
        pointers[index] = &rules[index];
    }
    Shanhai__V1__StatusReply verdicts = SHANHAI__V1__STATUS_REPLY__INIT;
    verdicts.rules = pointers;
    verdicts.n_rules = 13;
    // (11/12 * 100 + 0) / 2 = 45.83: 46, not (11 * 100) / 13 = 84.6
    cr_assert_eq (scoreboard_score (&s_pack, &verdicts), 46);
    // Four quarters of weight 3 beside a yearly rule of weight 1: 3/4 of the score is theirs.
    for (size_t index = 0; index < 5; index++) {
        rules[index].rule = index < 4 ? "quarterly" : "yearly";
        rules[index].weight = index < 4 ? 3 : 1;
        rules[index].status = index < 4 ? MET : BREACHED;
    }
    verdicts.n_rules = 5;
    cr_assert_eq (scoreboard_score (&s_pack, &verdicts), 75);
}

Test (scoreboard, grades_at_their_exact_thresholds)
{
    cr_assert_str_eq (scoreboard_grade (&s_pack, 100), "好");
    cr_assert_str_eq (scoreboard_grade (&s_pack, 90), "好");
    cr_assert_str_eq (scoreboard_grade (&s_pack, 89), "较好");
    cr_assert_str_eq (scoreboard_grade (&s_pack, 75), "较好");
    cr_assert_str_eq (scoreboard_grade (&s_pack, 74), "一般");
    cr_assert_str_eq (scoreboard_grade (&s_pack, 60), "一般");
    cr_assert_str_eq (scoreboard_grade (&s_pack, 59), "差");
    cr_assert_str_eq (scoreboard_grade (&s_pack, 0), "差");
}

Test (scoreboard, equal_scores_share_a_rank_and_ids_break_ties)
{
    Shanhai__V1__ScoreboardEntry entries[4], *pointers[4];
    const char *ids[] = { "p3", "p1", "p2", "p4" };
    uint32_t scores[] = { 50, 90, 50, 10 };
    for (int index = 0; index < 4; index++) {
        shanhai__v1__scoreboard_entry__init (&entries[index]);
        entries[index].pairing = (char *) ids[index];
        entries[index].score = scores[index];
        pointers[index] = &entries[index];
    }
    scoreboard_rank (pointers, 4);
    const char *order[] = { "p1", "p2", "p3", "p4" };
    uint32_t ranks[] = { 1, 2, 2, 4 };
    for (int index = 0; index < 4; index++) {
        cr_assert_str_eq (pointers[index]->pairing, order[index]);
        cr_assert_eq (pointers[index]->rank, ranks[index], "%s", order[index]);
    }
}

Test (scoreboard, counts_by_status)
{
    Shanhai__V1__RuleStatus rules[5], *pointers[5];
    Shanhai__V1__ComplianceStatus statuses[] = { MET, MET, AT_RISK, BREACHED,
                                                 SHANHAI__V1__COMPLIANCE_STATUS__NO_DATA };
    for (int index = 0; index < 5; index++) {
        shanhai__v1__rule_status__init (&rules[index]);
        rules[index].status = statuses[index];
        pointers[index] = &rules[index];
    }
    Shanhai__V1__StatusReply verdicts = SHANHAI__V1__STATUS_REPLY__INIT;
    verdicts.rules = pointers;
    verdicts.n_rules = 5;
    Shanhai__V1__ScoreboardEntry entry = SHANHAI__V1__SCOREBOARD_ENTRY__INIT;
    scoreboard_count (&verdicts, &entry);
    cr_assert_eq (entry.met, 2);
    cr_assert_eq (entry.on_track, 0);
    cr_assert_eq (entry.at_risk, 1);
    cr_assert_eq (entry.breached, 1);
    cr_assert_eq (entry.no_data, 1);
}
