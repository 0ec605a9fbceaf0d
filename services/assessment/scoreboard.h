/*  scoreboard.h: how a program office ranks its pairs for the yearly assessment (考核), from
    their verdicts. Pure: no sockets, no SQLite.

    A pair's score is the weighted mean of its rules' points: each rule scores the pack's
    points for its status (policy_pack_t.scores: MET 100, ON_TRACK 80, AT_RISK 40, BREACHED and
    NO_DATA 0 by default), weighted by the rule's weight; a rule judged by quarter or by month
    shares its weight among the year's periods (a monthly rule does not weigh twelve times a
    yearly one); rounded to the nearest whole number.
    Its grade is the first of the pack's grades whose min_score the score reaches (好 90,
    较好 75, 一般 60, 差 0 by default). Pairs rank by score, best first, then by id; equal
    scores share a rank (1, 2, 2, 4). */
#ifndef SHANHAI_SCOREBOARD_H
#define SHANHAI_SCOREBOARD_H

#include <stddef.h>
#include "common/proto.h"
#include "policy.h"

// A common multiple of the number of periods a rule has in a year (1, 4, 12).
#define SCOREBOARD_PERIODS_LCM 12

// The score (0..100) of verdicts under pack, or -1 when its rules weigh nothing (no rule
// applies, or every weight is 0): such a pair is not ranked.
int scoreboard_score (const policy_pack_t *pack, const Shanhai__V1__StatusReply *verdicts);
// The grade of score under pack (borrowed from the pack).
const char *scoreboard_grade (const policy_pack_t *pack, int score);
// Fills entry's counts of each status from verdicts.
void scoreboard_count (const Shanhai__V1__StatusReply *verdicts, Shanhai__V1__ScoreboardEntry *entry);
// Sorts entries (score filled in) best first, then by pairing id, and numbers their ranks.
void scoreboard_rank (Shanhai__V1__ScoreboardEntry **entries, size_t count);

#endif
