/*  Which changes are news, who hears of them, what they say. */
#include <criterion/criterion.h>
#include <string.h>
#include "alert_rules.h"
#include "common/limits.h"
#include "common/validate.h"

#define NONE SHANHAI__V1__COMPLIANCE_STATUS__COMPLIANCE_NONE
#define MET SHANHAI__V1__COMPLIANCE_STATUS__MET
#define ON_TRACK SHANHAI__V1__COMPLIANCE_STATUS__ON_TRACK
#define AT_RISK SHANHAI__V1__COMPLIANCE_STATUS__AT_RISK
#define BREACHED SHANHAI__V1__COMPLIANCE_STATUS__BREACHED
#define NO_DATA SHANHAI__V1__COMPLIANCE_STATUS__NO_DATA

Test (alert_rules, the_whole_table_of_news)
{
    // rows: previous NONE, MET, ON_TRACK, AT_RISK, BREACHED, NO_DATA; columns: the new status.
    Shanhai__V1__ComplianceStatus order[] = { NONE, MET, ON_TRACK, AT_RISK, BREACHED, NO_DATA };
    //                      to: NONE MET ON_TRACK AT_RISK BREACHED NO_DATA
    const bool news[6][6] = { { 0, 1, 0, 1, 1, 0 },    // from NONE: a first ON_TRACK is not news
                              { 0, 0, 0, 1, 1, 0 },    // from MET
                              { 0, 1, 0, 1, 1, 0 },    // from ON_TRACK
                              { 0, 1, 1, 0, 1, 0 },    // from AT_RISK: back on track is news
                              { 0, 1, 1, 1, 0, 0 },    // from BREACHED
                              { 0, 1, 0, 1, 1, 0 } };  // from NO_DATA
    for (int from = 0; from < 6; from++)
        for (int to = 0; to < 6; to++)
            cr_assert_eq (alert_rules_is_news (order[from], order[to]), news[from][to],
                          "%s -> %s", compliance_status_name (order[from]),
                          compliance_status_name (order[to]));
}

Test (alert_rules, the_program_office_hears_of_breaches)
{
    Shanhai__V1__ComplianceStatus statuses[] = { MET, ON_TRACK, AT_RISK, BREACHED };
    for (int index = 0; index < 4; index++) {
        cr_assert (alert_rules_tells (SHANHAI__V1__ROLE__PARTY_SECRETARY, statuses[index]));
        cr_assert (alert_rules_tells (SHANHAI__V1__ROLE__COUNTY_HEAD, statuses[index]));
        cr_assert (alert_rules_tells (SHANHAI__V1__ROLE__LIAISON_OFFICER, statuses[index]));
        cr_assert_eq (alert_rules_tells (SHANHAI__V1__ROLE__PROGRAM_OFFICE, statuses[index]),
                      statuses[index] == BREACHED);
    }
    cr_assert_not (alert_rules_tells (SHANHAI__V1__ROLE__ROLE_UNSPECIFIED, BREACHED));
}

static Shanhai__V1__ComplianceChange
s_change (Shanhai__V1__RuleStatus *rule)
{
    shanhai__v1__rule_status__init (rule);
    rule->rule = "hb-aid-funds";
    rule->title = "援建资金不少于500万元";
    rule->status = AT_RISK;
    rule->actual = 100000000;
    rule->target = 500000000;
    rule->expected = 248626374;
    rule->unit = "fen";
    rule->source = "鄂政办函〔2020〕38号 (十三)";
    Shanhai__V1__ComplianceChange change = SHANHAI__V1__COMPLIANCE_CHANGE__INIT;
    change.pairing = "hb-01";
    change.year = 2021;
    change.rule = rule;
    change.previous = ON_TRACK;
    change.as_of = "2021-07-01";
    change.recipient_name = "竹溪县";
    change.supporter_name = "武汉东湖新技术开发区";
    return change;
}

Test (alert_rules, the_text_says_everything)
{
    Shanhai__V1__RuleStatus rule;
    Shanhai__V1__ComplianceChange change = s_change (&rule);
    char text[ALERT_TEXT_BYTES_MAX];
    alert_rules_text (&change, text, sizeof text);
    const char *parts[] = { "[AT_RISK]",
                            "hb-01",
                            "竹溪县 <- 武汉东湖新技术开发区",
                            "2021",
                            "hb-aid-funds",
                            "援建资金",
                            "actual 1,000,000.00 yuan of 5,000,000.00 yuan",
                            "expected 2,486,263.74 yuan by 2021-07-01",
                            "was ON_TRACK",
                            "Source: 鄂政办函〔2020〕38号 (十三)",
                            NULL };
    for (int index = 0; parts[index]; index++)
        cr_assert (strstr (text, parts[index]), "'%s' lacks '%s'", text, parts[index]);
    rule.unit = "count";
    rule.actual = 1;
    rule.target = 2;
    change.previous = NONE;
    alert_rules_text (&change, text, sizeof text);
    cr_assert (strstr (text, "actual 1 of 2"), "%s", text);
    cr_assert (strstr (text, "was new"), "%s", text);
}

Test (alert_rules, a_cut_text_stays_utf8)
{
    Shanhai__V1__RuleStatus rule;
    Shanhai__V1__ComplianceChange change = s_change (&rule);
    char text[64];
    for (size_t size = 40; size <= sizeof text; size++) {
        alert_rules_text (&change, text, size);
        cr_assert_lt (strlen (text), size);
        cr_assert (validate_text (text, size, false), "size %zu cut a character: %s", size, text);
    }
}
