/*  Which changes are news, who hears of them, what they say. */
#include <criterion/criterion.h>
#include <stdio.h>
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

Test (alert_rules, scopes_by_name)
{
    const char *names[] = { "pair", "supporter", "recipient", "park", "program", "region" };
    for (int scope = 0; scope < ALERT_SCOPE_INVALID; scope++) {
        cr_assert_eq (alert_rules_scope (names[scope]), (alert_scope_t) scope, "%s",
                      names[scope]);
        cr_assert_str_eq (alert_rules_scope_name ((alert_scope_t) scope), names[scope]);
    }
    cr_assert_eq (alert_rules_scope (""), ALERT_SCOPE_PAIR, "a change from before scopes");
    cr_assert_eq (alert_rules_scope ("Pair"), ALERT_SCOPE_INVALID);
    cr_assert_eq (alert_rules_scope ("county"), ALERT_SCOPE_INVALID);
    cr_assert_eq (alert_rules_scope ("pair "), ALERT_SCOPE_INVALID);
    cr_assert_str_eq (alert_rules_scope_name (ALERT_SCOPE_INVALID), "");
}

Test (alert_rules, the_program_office_hears_of_breaches)
{
    // A pair's, a park's, a county's rule: its leaders and liaison officers hear of every
    // change, the office of breaches.
    alert_scope_t scopes[] = { ALERT_SCOPE_PAIR, ALERT_SCOPE_PARK, ALERT_SCOPE_SUPPORTER,
                               ALERT_SCOPE_RECIPIENT, ALERT_SCOPE_REGION };
    Shanhai__V1__ComplianceStatus statuses[] = { MET, ON_TRACK, AT_RISK, BREACHED };
    for (int at = 0; at < 5; at++)
        for (int index = 0; index < 4; index++) {
            alert_scope_t scope = scopes[at];
            cr_assert (alert_rules_tells (scope, SHANHAI__V1__ROLE__PARTY_SECRETARY,
                                          statuses[index]));
            cr_assert (alert_rules_tells (scope, SHANHAI__V1__ROLE__COUNTY_HEAD,
                                          statuses[index]));
            cr_assert (alert_rules_tells (scope, SHANHAI__V1__ROLE__LIAISON_OFFICER,
                                          statuses[index]));
            cr_assert_eq (alert_rules_tells (scope, SHANHAI__V1__ROLE__PROGRAM_OFFICE,
                                             statuses[index]),
                          statuses[index] == BREACHED);
            cr_assert_not (alert_rules_tells (scope, SHANHAI__V1__ROLE__ROLE_UNSPECIFIED,
                                              BREACHED));
        }
}

Test (alert_rules, a_program_wide_rule_is_the_office_s_alone)
{
    Shanhai__V1__ComplianceStatus statuses[] = { MET, ON_TRACK, AT_RISK, BREACHED };
    for (int index = 0; index < 4; index++) {
        cr_assert (alert_rules_tells (ALERT_SCOPE_PROGRAM, SHANHAI__V1__ROLE__PROGRAM_OFFICE,
                                      statuses[index]));
        cr_assert_not (alert_rules_tells (ALERT_SCOPE_PROGRAM,
                                          SHANHAI__V1__ROLE__PARTY_SECRETARY, statuses[index]));
        cr_assert_not (alert_rules_tells (ALERT_SCOPE_PROGRAM, SHANHAI__V1__ROLE__COUNTY_HEAD,
                                          statuses[index]));
        cr_assert_not (alert_rules_tells (ALERT_SCOPE_PROGRAM,
                                          SHANHAI__V1__ROLE__LIAISON_OFFICER, statuses[index]));
        // A scope that is none: no one (the server drops such a change before).
        cr_assert_not (alert_rules_tells (ALERT_SCOPE_INVALID,
                                          SHANHAI__V1__ROLE__PROGRAM_OFFICE, statuses[index]));
        cr_assert_not (alert_rules_tells (ALERT_SCOPE_INVALID,
                                          SHANHAI__V1__ROLE__PARTY_SECRETARY, statuses[index]));
    }
}

#define PEOPLE_MAX 16

typedef struct {
    Shanhai__V1__Person people[PEOPLE_MAX];
    Shanhai__V1__Person *pointers[PEOPLE_MAX];
    Shanhai__V1__PersonList list;
} s_people_t;

static void
s_person (s_people_t *people, const char *id, Shanhai__V1__Role role)
{
    size_t index = people->list.n_people++;
    cr_assert_lt (index, PEOPLE_MAX);
    shanhai__v1__person__init (&people->people[index]);
    people->people[index].id = (char *) id;
    people->people[index].name = (char *) id;
    people->people[index].role = role;
    people->pointers[index] = &people->people[index];
    people->list.people = people->pointers;
}

// The ids chosen for a change of a rule of scope to status, joined by spaces.
static void
s_chosen_in (const s_people_t *people, alert_scope_t scope,
             Shanhai__V1__ComplianceStatus status, char *out, size_t out_size)
{
    const Shanhai__V1__Person *chosen[PEOPLE_MAX];
    size_t count = alert_rules_recipients (&people->list, scope, status, chosen);
    out[0] = '\0';
    for (size_t index = 0; index < count; index++)
        snprintf (out + strlen (out), out_size - strlen (out), "%s%s", index ? " " : "",
                  chosen[index]->id);
}

// The ids chosen for a change of a pair's rule to status.
static void
s_chosen (const s_people_t *people, Shanhai__V1__ComplianceStatus status, char *out,
          size_t out_size)
{
    s_chosen_in (people, ALERT_SCOPE_PAIR, status, out, out_size);
}

Test (alert_rules, recipients_are_the_leaders_and_officers_once_each)
{
    s_people_t people;
    memset (&people, 0, sizeof people);
    shanhai__v1__person_list__init (&people.list);
    // The office first, also listed as a liaison officer: told once, as an officer, even of
    // a change the office is not told of.
    s_person (&people, "office", SHANHAI__V1__ROLE__PROGRAM_OFFICE);
    s_person (&people, "zx-sec", SHANHAI__V1__ROLE__PARTY_SECRETARY);
    s_person (&people, "zx-head", SHANHAI__V1__ROLE__COUNTY_HEAD);
    s_person (&people, "wh-sec", SHANHAI__V1__ROLE__PARTY_SECRETARY);
    s_person (&people, "wh-head", SHANHAI__V1__ROLE__COUNTY_HEAD);
    s_person (&people, "liaison", SHANHAI__V1__ROLE__LIAISON_OFFICER);
    s_person (&people, "zx-sec", SHANHAI__V1__ROLE__COUNTY_HEAD);  // listed twice
    s_person (&people, "office", SHANHAI__V1__ROLE__LIAISON_OFFICER);
    s_person (&people, "nobody", SHANHAI__V1__ROLE__ROLE_UNSPECIFIED);
    s_person (&people, "bad id", SHANHAI__V1__ROLE__LIAISON_OFFICER);  // cannot be a topic
    s_person (&people, "", SHANHAI__V1__ROLE__COUNTY_HEAD);
    char ids[256];
    s_chosen (&people, AT_RISK, ids, sizeof ids);
    cr_assert_str_eq (ids, "zx-sec zx-head wh-sec wh-head liaison office");
    s_chosen (&people, MET, ids, sizeof ids);
    cr_assert_str_eq (ids, "zx-sec zx-head wh-sec wh-head liaison office");
    s_chosen (&people, BREACHED, ids, sizeof ids);
    cr_assert_str_eq (ids, "office zx-sec zx-head wh-sec wh-head liaison");

    // Without the double listing the office hears of breaches only.
    people.list.n_people = 6;
    s_chosen (&people, ON_TRACK, ids, sizeof ids);
    cr_assert_str_eq (ids, "zx-sec zx-head wh-sec wh-head liaison");
    s_chosen (&people, BREACHED, ids, sizeof ids);
    cr_assert_str_eq (ids, "office zx-sec zx-head wh-sec wh-head liaison");
    people.list.n_people = 0;
    s_chosen (&people, BREACHED, ids, sizeof ids);
    cr_assert_str_eq (ids, "");
}

Test (alert_rules, recipients_of_a_county_s_and_of_the_program_s_rule)
{
    s_people_t people;
    memset (&people, 0, sizeof people);
    shanhai__v1__person_list__init (&people.list);
    // As registry_view_county_people lists them: the county's leaders, its pairings' liaison
    // officers in the program, the office.
    s_person (&people, "yj-sec", SHANHAI__V1__ROLE__PARTY_SECRETARY);
    s_person (&people, "yj-head", SHANHAI__V1__ROLE__COUNTY_HEAD);
    s_person (&people, "wz-01-liaison", SHANHAI__V1__ROLE__LIAISON_OFFICER);
    s_person (&people, "wz-office", SHANHAI__V1__ROLE__PROGRAM_OFFICE);
    char ids[256];
    s_chosen_in (&people, ALERT_SCOPE_RECIPIENT, AT_RISK, ids, sizeof ids);
    cr_assert_str_eq (ids, "yj-sec yj-head wz-01-liaison");
    s_chosen_in (&people, ALERT_SCOPE_SUPPORTER, BREACHED, ids, sizeof ids);
    cr_assert_str_eq (ids, "yj-sec yj-head wz-01-liaison wz-office");
    s_chosen_in (&people, ALERT_SCOPE_REGION, MET, ids, sizeof ids);
    cr_assert_str_eq (ids, "yj-sec yj-head wz-01-liaison");
    // The program's own rule: the office, of every change; no one else, even when listed.
    for (Shanhai__V1__ComplianceStatus status = MET; status <= BREACHED; status++) {
        s_chosen_in (&people, ALERT_SCOPE_PROGRAM, status, ids, sizeof ids);
        cr_assert_str_eq (ids, "wz-office", "%s", compliance_status_name (status));
    }
    s_chosen_in (&people, ALERT_SCOPE_INVALID, BREACHED, ids, sizeof ids);
    cr_assert_str_eq (ids, "");
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
    alert_rules_text (&change, NULL, text, sizeof text);
    const char *parts[] = { "[AT_RISK]",
                            "hb-01",
                            "竹溪县 <- 武汉东湖新技术开发区",
                            "2021",
                            "hb-aid-funds",
                            "援建资金不少于500万元",
                            "actual 1,000,000.00 yuan of 5,000,000.00",
                            "expected 2,486,263.74 by 2021-07-01",
                            "was ON_TRACK",
                            "Source: 鄂政办函〔2020〕38号 (十三)",
                            NULL };
    for (int index = 0; parts[index]; index++)
        cr_assert (strstr (text, parts[index]), "'%s' lacks '%s'", text, parts[index]);
    rule.expected = 250000000;
    change.as_of = "2021-07-02";
    alert_rules_text (&change, NULL, text, sizeof text);
    cr_assert_str_eq (text, "[AT_RISK] hb-01 竹溪县 <- 武汉东湖新技术开发区, 2021 hb-aid-funds "
                            "援建资金不少于500万元: actual 1,000,000.00 yuan of 5,000,000.00 "
                            "(expected 2,500,000.00 by 2021-07-02; was ON_TRACK). "
                            "Source: 鄂政办函〔2020〕38号 (十三)");

    rule.unit = "count";
    rule.rule = "hb-leader-visits";
    rule.status = BREACHED;
    rule.actual = 1;
    rule.target = 2;
    rule.expected = 2;
    change.previous = NONE;
    alert_rules_text (&change, NULL, text, sizeof text);
    cr_assert (strstr (text, "[BREACHED]"), "%s", text);
    cr_assert (strstr (text, "actual 1 of 2 (expected 2 by"), "%s", text);
    cr_assert (strstr (text, "was new"), "%s", text);
    cr_assert_null (strstr (text, "yuan"), "%s", text);
}

Test (alert_rules, the_text_says_whose_rule_and_which_period)
{
    Shanhai__V1__RuleStatus rule;
    Shanhai__V1__ComplianceChange change = s_change (&rule);
    char text[ALERT_TEXT_BYTES_MAX];
    // A pair's rule with scope, subject and period: as before, with the period.
    rule.scope = "pair";
    rule.subject = "hb-01";
    rule.period = "2021-Q3";
    alert_rules_text (&change, "ignored for a pair", text, sizeof text);
    cr_assert (strstr (text, "[AT_RISK] hb-01 竹溪县 <- 武汉东湖新技术开发区, 2021-Q3 "
                             "hb-aid-funds "), "%s", text);
    // A recipient's: no pair, its name and code from the registry.
    change.pairing = "";
    change.recipient_name = "";
    change.supporter_name = "";
    rule.scope = "recipient";
    rule.subject = "zj-yongjia";
    rule.rule = "wz-funds-in-place";
    rule.period = "2020";
    rule.status = BREACHED;
    change.previous = AT_RISK;
    alert_rules_text (&change, "永嘉县", text, sizeof text);
    cr_assert (strstr (text, "[BREACHED] 永嘉县 (recipient zj-yongjia), 2020 wz-funds-in-place "
                             "援建资金不少于500万元: actual"), "%s", text);
    cr_assert (strstr (text, "was AT_RISK). Source: "), "%s", text);
    // Without a name, the code stands alone.
    alert_rules_text (&change, NULL, text, sizeof text);
    cr_assert (strstr (text, "[BREACHED] zj-yongjia (recipient), 2020 "), "%s", text);
    alert_rules_text (&change, "", text, sizeof text);
    cr_assert (strstr (text, "[BREACHED] zj-yongjia (recipient), 2020 "), "%s", text);
    // The program's, over a window, and a warning of it.
    rule.scope = "program";
    rule.subject = "wz-shanhai";
    rule.period = "2018-2020";
    change.previous = AT_RISK;
    rule.status = AT_RISK;
    change.warning_days = 7;
    alert_rules_text (&change, "温州市山海协作工程", text, sizeof text);
    cr_assert (strstr (text, "[WARNING] 温州市山海协作工程 (program wz-shanhai), 2018-2020 "),
               "%s", text);
    cr_assert (strstr (text, "; 7 days to the deadline). "), "%s", text);
    // A park's: its name; the month of a monthly rule.
    rule.scope = "park";
    rule.subject = "wz-park-yongjia";
    rule.period = "2019-03";
    change.warning_days = 0;
    change.pairing = "wz-01";
    alert_rules_text (&change, "永嘉-瓯海山海协作产业园", text, sizeof text);
    cr_assert (strstr (text, "] 永嘉-瓯海山海协作产业园 (park wz-park-yongjia), 2019-03 "),
               "%s", text);
}

// The length of the whole text of change.
static size_t
s_whole_length (const Shanhai__V1__ComplianceChange *change)
{
    char text[ALERT_TEXT_BYTES_MAX];
    alert_rules_text (change, NULL, text, sizeof text);
    cr_assert_lt (strlen (text), sizeof text - 1, "the sample text is short");
    return strlen (text);
}

Test (alert_rules, a_text_that_fits_is_whole_one_byte_less_is_cut)
{
    Shanhai__V1__RuleStatus rule;
    Shanhai__V1__ComplianceChange change = s_change (&rule);
    size_t length = s_whole_length (&change);
    char whole[ALERT_TEXT_BYTES_MAX], text[ALERT_TEXT_BYTES_MAX];
    alert_rules_text (&change, NULL, whole, sizeof whole);
    alert_rules_text (&change, NULL, text, length + 1);  // exactly fits
    cr_assert_str_eq (text, whole);
    // The text ends in "(十三)": one byte less cuts the ")" only.
    alert_rules_text (&change, NULL, text, length);
    cr_assert_eq (strlen (text), length - 1);
    cr_assert_eq (strncmp (text, whole, length - 1), 0);
}

Test (alert_rules, a_cut_text_stays_utf8_at_every_size)
{
    Shanhai__V1__RuleStatus rule;
    Shanhai__V1__ComplianceChange change = s_change (&rule);
    size_t length = s_whole_length (&change);
    char whole[ALERT_TEXT_BYTES_MAX], text[ALERT_TEXT_BYTES_MAX];
    alert_rules_text (&change, NULL, whole, sizeof whole);
    for (size_t size = 1; size <= length + 1; size++) {
        alert_rules_text (&change, NULL, text, size);
        cr_assert_lt (strlen (text), size);
        cr_assert_gt (strlen (text) + 4, size - 1, "size %zu cut more than a character", size);
        cr_assert_eq (strncmp (text, whole, strlen (text)), 0, "size %zu: a prefix", size);
        cr_assert (validate_text (text, size, false), "size %zu cut a character: %s", size, text);
    }
}

Test (alert_rules, a_long_text_is_cut_at_the_limit)
{
    Shanhai__V1__RuleStatus rule;
    Shanhai__V1__ComplianceChange change = s_change (&rule);
    // 2 + 3 * 400 bytes of title: "援" is 3 bytes, and a 2-byte prefix puts the limit in the
    // middle of a character whatever the rest of the line is long.
    char title[2 + 3 * 400 + 1] = "ab";
    for (int index = 0; index < 400; index++)
        strcat (title, "援");
    rule.title = title;
    char text[ALERT_TEXT_BYTES_MAX];
    for (size_t size = ALERT_TEXT_BYTES_MAX - 3; size <= ALERT_TEXT_BYTES_MAX; size++) {
        alert_rules_text (&change, NULL, text, size);
        cr_assert_leq (strlen (text), size - 1);
        cr_assert_geq (strlen (text), size - 3, "at most one character is dropped");
        cr_assert (validate_text (text, size, false), "size %zu: %s", size, text);
        cr_assert (strstr (text, "[AT_RISK] hb-01 竹溪县"), "%s", text);
    }
}
