/*  The channels' wording from templates/<language>.json: Chinese by default, English too; a
    first status reads as a first status; a bad file is refused at load, naming what is wrong. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "alert_template.h"
#include "common/limits.h"
#include "support.h"

static char s_dir[PATH_BYTES_MAX];

static const char *
s_templates (void)
{
    snprintf (s_dir, sizeof s_dir, "%s/templates", test_source_dir ());
    return s_dir;
}

static Shanhai__V1__RuleStatus s_rule;
static Shanhai__V1__ComplianceChange s_change;

static void
s_setup (void)
{
    shanhai__v1__rule_status__init (&s_rule);
    s_rule.rule = "hb-aid-funds";
    s_rule.title = "援建资金不少于500万元";
    s_rule.status = SHANHAI__V1__COMPLIANCE_STATUS__AT_RISK;
    s_rule.actual = 100000000;
    s_rule.target = 500000000;
    s_rule.expected = 248626374;
    s_rule.unit = "fen";
    s_rule.source = "鄂政办函〔2020〕38号 (十三)";
    s_rule.deadline_day = 18992;  // 2021-12-31
    shanhai__v1__compliance_change__init (&s_change);
    s_change.pairing = "hb-01";
    s_change.program = "hb-shanchuan";
    s_change.year = 2021;
    s_change.rule = &s_rule;
    s_change.previous = SHANHAI__V1__COMPLIANCE_STATUS__ON_TRACK;
    s_change.as_of = "2021-07-01";
    s_change.recipient_name = "竹溪县";
    s_change.supporter_name = "武汉市东湖新技术开发区";
}

TestSuite (alert_template, .init = s_setup);

Test (alert_template, chinese_by_default)
{
    char errstr[256];
    alert_template_t *templates = alert_template_load (s_templates (), "zh", errstr,
                                                       sizeof errstr);
    cr_assert (templates, "%s", errstr);
    char line[CHANNEL_LINE_BYTES_MAX];
    alert_template_line (templates, &s_change, line, sizeof line);
    cr_assert_str_eq (line, "【黄色·进度滞后】竹溪县—武汉市东湖新技术开发区（hb-01）2021年度："
                            "援建资金不少于500万元。由「按进度推进」转为「进度滞后」；"
                            "实际1,000,000.00元，目标5,000,000.00元，截至2021-07-01按进度应达"
                            "2,486,263.74元，期限2021-12-31。依据：鄂政办函〔2020〕38号 (十三)");
    s_change.previous = SHANHAI__V1__COMPLIANCE_STATUS__COMPLIANCE_NONE;
    s_rule.status = SHANHAI__V1__COMPLIANCE_STATUS__BREACHED;
    alert_template_line (templates, &s_change, line, sizeof line);
    cr_assert (strstr (line, "【红色·未完成】"), "%s", line);
    cr_assert (strstr (line, "首次评定：未完成"), "%s", line);
    cr_assert_str_eq (alert_template_title (templates), "山海协作预警");
    alert_template_digest (templates, 3, line, sizeof line);
    cr_assert_str_eq (line, "共3条");
    alert_template_destroy (&templates);
    alert_template_destroy (&templates);
}

Test (alert_template, english_by_configuration)
{
    char errstr[256];
    alert_template_t *templates = alert_template_load (s_templates (), "en", errstr,
                                                       sizeof errstr);
    cr_assert (templates, "%s", errstr);
    char line[CHANNEL_LINE_BYTES_MAX];
    s_rule.unit = "count";
    s_rule.actual = 1;
    s_rule.target = 2;
    s_rule.expected = 1;
    alert_template_line (templates, &s_change, line, sizeof line);
    cr_assert (strstr (line, "[yellow: at risk] 竹溪县 - 武汉市东湖新技术开发区 (hb-01), 2021"),
               "%s", line);
    cr_assert (strstr (line, "from on track to at risk; actual 1 of 2, expected 1 by 2021-07-01, "
                             "due 2021-12-31"), "%s", line);
    alert_template_destroy (&templates);
}

Test (alert_template, a_long_line_is_cut_on_a_character)
{
    char errstr[256];
    alert_template_t *templates = alert_template_load (s_templates (), "zh", errstr,
                                                       sizeof errstr);
    cr_assert (templates);
    char line[40];
    alert_template_line (templates, &s_change, line, sizeof line);
    cr_assert (strlen (line) < sizeof line);
    cr_assert_str_eq (line, "【黄色·进度滞后】竹溪县—");  // 38 bytes: the next is 3
    alert_template_destroy (&templates);
}

// Writes a template file into a fresh directory and loads it.
static alert_template_t *
s_load_text (const char *text, char *errstr, size_t errstr_size)
{
    char *dir = test_tmpdir ();
    char *path = test_path (dir, "zh.json");
    FILE *file = fopen (path, "w");
    cr_assert (file);
    fputs (text, file);
    fclose (file);
    alert_template_t *templates = alert_template_load (dir, "zh", errstr, errstr_size);
    test_rmdir (dir);
    free (path);
    free (dir);
    return templates;
}

Test (alert_template, bad_files_are_refused)
{
    char errstr[256];
    cr_assert_null (alert_template_load ("/nonexistent", "zh", errstr, sizeof errstr));
    cr_assert (strstr (errstr, "/nonexistent/zh.json"), "%s", errstr);
    cr_assert_null (s_load_text ("{", errstr, sizeof errstr));
    cr_assert (strstr (errstr, "not valid JSON"), "%s", errstr);
    cr_assert_null (s_load_text ("{\"status\": {}}", errstr, sizeof errstr));
    cr_assert (strstr (errstr, "\"status.MET\" is missing"), "%s", errstr);
    char text[2048];
    snprintf (text, sizeof text,
              "{\"status\": {\"MET\": {\"name\": \"a\", \"colour\": \"b\"}, \"ON_TRACK\": "
              "{\"name\": \"a\", \"colour\": \"b\"}, \"AT_RISK\": {\"name\": \"a\", \"colour\": "
              "\"b\"}, \"BREACHED\": {\"name\": \"a\", \"colour\": \"b\"}, \"NO_DATA\": "
              "{\"name\": \"a\", \"colour\": \"b\"}}, \"line\": \"{pair}\"}");
    cr_assert_null (s_load_text (text, errstr, sizeof errstr));
    cr_assert (strstr (errstr, "\"line\" names a placeholder it cannot have"), "%s", errstr);
}

Test (alert_template, a_deadline_near_reads_as_a_warning)
{
    char errstr[256];
    s_change.previous = s_rule.status;  // a warning keeps its status
    s_change.warning_days = 7;
    char line[CHANNEL_LINE_BYTES_MAX];
    alert_template_t *templates = alert_template_load (s_templates (), "zh", errstr,
                                                       sizeof errstr);
    cr_assert (templates, "%s", errstr);
    alert_template_line (templates, &s_change, line, sizeof line);
    cr_assert (strstr (line, "【黄色·进度滞后】"), "%s", line);
    cr_assert (strstr (line, "距期限仅剩7天，仍「进度滞后」"), "%s", line);
    alert_template_destroy (&templates);
    templates = alert_template_load (s_templates (), "en", errstr, sizeof errstr);
    cr_assert (templates, "%s", errstr);
    alert_template_line (templates, &s_change, line, sizeof line);
    cr_assert (strstr (line, "7 days to the deadline, still at risk"), "%s", line);
    alert_template_destroy (&templates);
}
