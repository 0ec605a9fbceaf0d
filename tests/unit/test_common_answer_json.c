/*  The JSON of the assessment's answers, byte for byte: what `shanhai ... --json` prints and
    the gateway's GETs answer (the gateway's suite checks that both are equal; this one, that
    the shape is the documented one). Scope, subject and period on every verdict, a program's
    own and parks' verdicts under "subjects", and what each ledger entry counted for. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include "common/answer_json.h"

// text of value (taken), compact, keys in the order built; the caller frees it.
static char *
s_text (json_t *value)
{
    cr_assert (value, "the builder returned NULL");
    char *text = json_dumps (value, JSON_PRESERVE_ORDER | JSON_COMPACT);
    json_decref (value);
    cr_assert (text);
    return text;
}

// A verdict of rule for subject in period, with the figures given.
static Shanhai__V1__RuleStatus
s_verdict (char *rule, char *scope, char *subject, char *period, char *unit, int64_t actual,
           int64_t target)
{
    Shanhai__V1__RuleStatus r = SHANHAI__V1__RULE_STATUS__INIT;
    r.rule = rule;
    r.title = "标题";
    r.status = SHANHAI__V1__COMPLIANCE_STATUS__MET;
    r.actual = actual;
    r.target = target;
    r.expected = target;
    r.unit = unit;
    r.source = "003 三(二)";
    r.scope = scope;
    r.subject = subject;
    r.period = period;
    r.deadline = "2020-12-31";
    r.colour = "green";
    r.version = 2;
    return r;
}

Test (answer_json, a_status_says_whose_and_which_period_each_verdict_is)
{
    Shanhai__V1__RuleStatus pair = s_verdict ("zj-funds", "pair", "zj-01", "2020", "fen",
                                              500000000, 500000000);
    Shanhai__V1__RuleStatus county = s_verdict ("zj-cadre-division", "supporter", "zj-yinzhou",
                                                "2018-2022", "count", 1, 1);
    Shanhai__V1__RuleStatus *rules[] = { &pair, &county };
    Shanhai__V1__StatusReply reply = SHANHAI__V1__STATUS_REPLY__INIT;
    reply.pairing = "zj-01";
    reply.year = 2020;
    reply.as_of = "2021-01-01";
    reply.program = "zj-shanhai";
    reply.rules = rules;
    reply.n_rules = 2;
    char *text = s_text (answer_json_status (&reply));
    cr_assert_str_eq (
        text,
        "{\"pair\":\"zj-01\",\"year\":2020,\"as_of\":\"2021-01-01\",\"rules\":["
        "{\"rule\":\"zj-funds\",\"title\":\"标题\",\"status\":\"MET\",\"actual\":500000000,"
        "\"target\":500000000,\"expected\":500000000,\"unit\":\"fen\",\"source\":\"003 三(二)\","
        "\"scope\":\"pair\",\"subject\":\"zj-01\",\"period\":\"2020\",\"deadline\":\"2020-12-31\","
        "\"colour\":\"green\",\"version\":2},"
        "{\"rule\":\"zj-cadre-division\",\"title\":\"标题\",\"status\":\"MET\",\"actual\":1,"
        "\"target\":1,\"expected\":1,\"unit\":\"count\",\"source\":\"003 三(二)\","
        "\"scope\":\"supporter\",\"subject\":\"zj-yinzhou\",\"period\":\"2018-2022\","
        "\"deadline\":\"2020-12-31\",\"colour\":\"green\",\"version\":2}]}");
    free (text);
}

Test (answer_json, a_program_lists_its_pairs_then_its_own_and_its_parks_verdicts)
{
    Shanhai__V1__RuleStatus own = s_verdict ("wz-eight-industries-count", "program", "wz-shanhai",
                                             "2020", "bp", 7000, 6500);
    Shanhai__V1__RuleStatus park = s_verdict ("wz-park-gov", "park", "wz-park-yongjia", "2020",
                                              "fen", 3, 3);
    Shanhai__V1__RuleStatus *subjects[] = { &own, &park };
    Shanhai__V1__StatusReply pair = SHANHAI__V1__STATUS_REPLY__INIT;
    pair.pairing = "wz-01";
    pair.year = 2020;
    pair.as_of = "2021-01-01";
    Shanhai__V1__StatusReply *pairs[] = { &pair };
    Shanhai__V1__ProgramStatusReply reply = SHANHAI__V1__PROGRAM_STATUS_REPLY__INIT;
    reply.program = "wz-shanhai";
    reply.year = 2020;
    reply.as_of = "2021-01-01";
    reply.pairs = pairs;
    reply.n_pairs = 1;
    reply.subjects = subjects;
    reply.n_subjects = 2;
    char *text = s_text (answer_json_program_status (&reply));
    json_t *back = json_loads (text, 0, NULL);
    cr_assert (back);
    cr_assert_str_eq (json_string_value (json_object_get (json_array_get (
                          json_object_get (back, "pairs"), 0), "pair")), "wz-01");
    json_t *listed = json_object_get (back, "subjects");
    cr_assert_eq (json_array_size (listed), 2);
    const char *expected[][4] = { { "wz-eight-industries-count", "program", "wz-shanhai", "bp" },
                                  { "wz-park-gov", "park", "wz-park-yongjia", "fen" } };
    for (size_t index = 0; index < 2; index++) {
        json_t *row = json_array_get (listed, index);
        cr_assert_str_eq (json_string_value (json_object_get (row, "rule")), expected[index][0]);
        cr_assert_str_eq (json_string_value (json_object_get (row, "scope")), expected[index][1]);
        cr_assert_str_eq (json_string_value (json_object_get (row, "subject")),
                          expected[index][2]);
        cr_assert_str_eq (json_string_value (json_object_get (row, "unit")), expected[index][3]);
        cr_assert_str_eq (json_string_value (json_object_get (row, "period")), "2020");
    }
    // The keys in the order documented: the pairs first, as before, then the subjects.
    cr_assert (strstr (text, "{\"program\":\"wz-shanhai\",\"year\":2020,\"as_of\":\"2021-01-01\","
                             "\"pairs\":[{\"pair\":\"wz-01\"") == text);
    cr_assert (strstr (text, "],\"subjects\":[{\"rule\":\"wz-eight-industries-count\""));
    json_decref (back);
    free (text);
}

Test (answer_json, a_program_without_own_rules_has_empty_subjects)
{
    Shanhai__V1__ProgramStatusReply reply = SHANHAI__V1__PROGRAM_STATUS_REPLY__INIT;
    reply.program = "hb-shanchuan";
    reply.year = 2025;
    reply.as_of = "2025-07-01";
    char *text = s_text (answer_json_program_status (&reply));
    cr_assert_str_eq (text, "{\"program\":\"hb-shanchuan\",\"year\":2025,\"as_of\":\"2025-07-01\","
                            "\"pairs\":[],\"subjects\":[]}");
    free (text);
}

Test (answer_json, an_explanation_names_its_subject_period_and_each_entrys_part)
{
    Shanhai__V1__RuleStatus rule = s_verdict ("wz-field-agreements", "pair", "wz-01", "2020",
                                              "count", 2, 4);
    Shanhai__V1__Contribution science = SHANHAI__V1__CONTRIBUTION__INIT;
    science.seq = 11;
    science.id = "a-1";
    science.kind = "agreement";
    science.date = "2020-03-01";
    science.value = 1;
    science.part = "science";
    Shanhai__V1__Contribution health = science;
    health.seq = 12;
    health.id = "a-2";
    health.cancelled = true;
    health.part = "health";
    Shanhai__V1__Contribution *entries[] = { &science, &health };
    Shanhai__V1__Explanation explanation = SHANHAI__V1__EXPLANATION__INIT;
    explanation.pairing = "wz-01";
    explanation.year = 2020;
    explanation.as_of = "2021-01-01";
    explanation.program = "wz-shanhai";
    explanation.rule = &rule;
    explanation.entries = entries;
    explanation.n_entries = 2;
    explanation.entries_total = 3;
    char *text = s_text (answer_json_explanation (&explanation));
    cr_assert_str_eq (
        text,
        "{\"pair\":\"wz-01\",\"scope\":\"pair\",\"subject\":\"wz-01\",\"rule\":"
        "\"wz-field-agreements\",\"title\":\"标题\",\"year\":2020,\"as_of\":\"2021-01-01\","
        "\"program\":\"wz-shanhai\",\"status\":\"MET\",\"colour\":\"green\",\"actual\":2,"
        "\"target\":4,\"expected\":4,\"unit\":\"count\",\"deadline\":\"2020-12-31\",\"period\":"
        "\"2020\",\"source\":\"003 三(二)\",\"version\":2,\"entries_total\":3,\"entries\":["
        "{\"seq\":11,\"id\":\"a-1\",\"kind\":\"agreement\",\"date\":\"2020-03-01\",\"value\":1,"
        "\"cancelled\":false,\"part\":\"science\"},"
        "{\"seq\":12,\"id\":\"a-2\",\"kind\":\"agreement\",\"date\":\"2020-03-01\",\"value\":1,"
        "\"cancelled\":true,\"part\":\"health\"}]}");
    free (text);
}

Test (answer_json, a_program_rules_explanation_has_no_pair)
{
    Shanhai__V1__RuleStatus rule = s_verdict ("ls-support-meeting", "program", "ls-jingning",
                                              "2024-Q2", "count", 1, 1);
    Shanhai__V1__Explanation explanation = SHANHAI__V1__EXPLANATION__INIT;
    explanation.year = 2024;
    explanation.as_of = "2024-05-01";
    explanation.program = "ls-jingning";
    explanation.rule = &rule;
    char *text = s_text (answer_json_explanation (&explanation));
    json_t *back = json_loads (text, 0, NULL);
    cr_assert_str_eq (json_string_value (json_object_get (back, "pair")), "");
    cr_assert_str_eq (json_string_value (json_object_get (back, "subject")), "ls-jingning");
    cr_assert_str_eq (json_string_value (json_object_get (back, "scope")), "program");
    cr_assert_str_eq (json_string_value (json_object_get (back, "period")), "2024-Q2");
    cr_assert_eq (json_array_size (json_object_get (back, "entries")), 0);
    json_decref (back);
    free (text);
}

Test (answer_json, an_explanation_without_its_verdict_is_refused)
{
    Shanhai__V1__Explanation explanation = SHANHAI__V1__EXPLANATION__INIT;
    cr_assert_null (answer_json_explanation (&explanation));
}
