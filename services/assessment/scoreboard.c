#include "scoreboard.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

// How many of verdicts' rows are periods of the rule named rule.
static int64_t
s_periods (const Shanhai__V1__StatusReply *verdicts, const char *rule)
{
    int64_t count = 0;
    for (size_t index = 0; index < verdicts->n_rules; index++)
        count += strcmp (verdicts->rules[index]->rule, rule) == 0;
    return count;
}

int
scoreboard_score (const policy_pack_t *pack, const Shanhai__V1__StatusReply *verdicts)
{
    assert (pack && verdicts);
    int64_t points = 0, weights = 0;
    for (size_t index = 0; index < verdicts->n_rules; index++) {
        const Shanhai__V1__RuleStatus *rule = verdicts->rules[index];
        int status = (int) rule->status;
        int score = status >= 0 && status < 6 ? pack->scores[status] : 0;
        // A rule weighs its weight, shared among its periods: 12 is a multiple of every
        // number of periods a year has (1, 4, 12), so the shares stay whole.
        int64_t weight = (int64_t) rule->weight * SCOREBOARD_PERIODS_LCM
                         / s_periods (verdicts, rule->rule);
        points += weight * score;
        weights += weight;
    }
    if (weights == 0)
        return -1;
    return (int) ((2 * points + weights) / (2 * weights));  // to the nearest, halves up
}

const char *
scoreboard_grade (const policy_pack_t *pack, int score)
{
    assert (pack->grade_count > 0);
    for (size_t index = 0; index < pack->grade_count; index++)
        if (score >= pack->grades[index].min_score)
            return pack->grades[index].name;
    return pack->grades[pack->grade_count - 1].name;
}

void
scoreboard_count (const Shanhai__V1__StatusReply *verdicts, Shanhai__V1__ScoreboardEntry *entry)
{
    for (size_t index = 0; index < verdicts->n_rules; index++)
        switch (verdicts->rules[index]->status) {
        case SHANHAI__V1__COMPLIANCE_STATUS__MET: entry->met++; break;
        case SHANHAI__V1__COMPLIANCE_STATUS__ON_TRACK: entry->on_track++; break;
        case SHANHAI__V1__COMPLIANCE_STATUS__AT_RISK: entry->at_risk++; break;
        case SHANHAI__V1__COMPLIANCE_STATUS__BREACHED: entry->breached++; break;
        default: entry->no_data++; break;
        }
}

static int
s_compare (const void *a, const void *b)
{
    const Shanhai__V1__ScoreboardEntry *left = *(Shanhai__V1__ScoreboardEntry *const *) a;
    const Shanhai__V1__ScoreboardEntry *right = *(Shanhai__V1__ScoreboardEntry *const *) b;
    if (left->score != right->score)
        return left->score > right->score ? -1 : 1;
    return strcmp (left->pairing, right->pairing);
}

void
scoreboard_rank (Shanhai__V1__ScoreboardEntry **entries, size_t count)
{
    if (count > 1)
        qsort (entries, count, sizeof *entries, s_compare);
    for (size_t index = 0; index < count; index++)
        entries[index]->rank = index > 0 && entries[index]->score == entries[index - 1]->score
                                   ? entries[index - 1]->rank
                                   : (uint32_t) index + 1;
}
