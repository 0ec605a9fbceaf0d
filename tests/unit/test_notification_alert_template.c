/*  The channels' wording from templates/<language>.json: Chinese by default, English too; a
    first status reads as a first status; a bad file is refused at load, naming what is wrong. */
#include <criterion/criterion.h>
#include <jansson.h>
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
    alert_template_line (templates, &s_change, NULL, line, sizeof line);
    cr_assert_str_eq (line, "【黄色·进度滞后】竹溪县—武汉市东湖新技术开发区（hb-01）2021年度："
                            "援建资金不少于500万元。由「按进度推进」转为「进度滞后」；"
                            "实际1,000,000.00元，目标5,000,000.00元，截至2021-07-01按进度应达"
                            "2,486,263.74元，期限2021-12-31。依据：鄂政办函〔2020〕38号 (十三)");
    s_change.previous = SHANHAI__V1__COMPLIANCE_STATUS__COMPLIANCE_NONE;
    s_rule.status = SHANHAI__V1__COMPLIANCE_STATUS__BREACHED;
    alert_template_line (templates, &s_change, NULL, line, sizeof line);
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
    alert_template_line (templates, &s_change, NULL, line, sizeof line);
    cr_assert (strstr (line, "[yellow: at risk] 竹溪县 - 武汉市东湖新技术开发区 (hb-01), 2021"),
               "%s", line);
    cr_assert (strstr (line, "from on track to at risk; actual 1 of 2, expected 1 by 2021-07-01, "
                             "due 2021-12-31"), "%s", line);
    alert_template_destroy (&templates);
}

// A share or a growth, in basis points, reads as a percent.
Test (alert_template, basis_points_read_as_a_percent)
{
    char errstr[256];
    alert_template_t *templates = alert_template_load (s_templates (), "en", errstr,
                                                       sizeof errstr);
    cr_assert (templates, "%s", errstr);
    char line[CHANNEL_LINE_BYTES_MAX];
    s_rule.unit = "bp";
    s_rule.actual = 615;
    s_rule.target = 754;
    s_rule.expected = 754;
    alert_template_line (templates, &s_change, NULL, line, sizeof line);
    cr_assert (strstr (line, "actual 6.15% of 7.54%, expected 7.54% by"), "%s", line);
    alert_template_destroy (&templates);
}

Test (alert_template, a_long_line_is_cut_on_a_character)
{
    char errstr[256];
    alert_template_t *templates = alert_template_load (s_templates (), "zh", errstr,
                                                       sizeof errstr);
    cr_assert (templates);
    char line[40];
    alert_template_line (templates, &s_change, NULL, line, sizeof line);
    cr_assert (strlen (line) < sizeof line);
    cr_assert_str_eq (line, "【黄色·进度滞后】竹溪县—");  // 38 bytes: the next is 3
    alert_template_destroy (&templates);
}

// The line of s_change in language, rendered with subject_name.
static void
s_line (const char *language, const char *subject_name, char *line, size_t line_size)
{
    char errstr[256];
    alert_template_t *templates = alert_template_load (s_templates (), language, errstr,
                                                       sizeof errstr);
    cr_assert (templates, "%s", errstr);
    alert_template_line (templates, &s_change, subject_name, line, line_size);
    alert_template_destroy (&templates);
}

Test (alert_template, a_county_s_rule_names_the_county_and_its_part)
{
    s_change.pairing = "";
    s_change.recipient_name = "";
    s_change.supporter_name = "";
    s_rule.scope = "recipient";
    s_rule.subject = "zj-yongjia";
    s_rule.period = "2020";
    s_rule.status = SHANHAI__V1__COMPLIANCE_STATUS__BREACHED;
    s_change.previous = SHANHAI__V1__COMPLIANCE_STATUS__AT_RISK;
    char line[CHANNEL_LINE_BYTES_MAX];
    s_line ("zh", "永嘉县", line, sizeof line);
    cr_assert (strstr (line, "【红色·未完成】永嘉县（受援地）2020年度：援建资金不少于500万元。"
                             "由「进度滞后」转为「未完成」"), "%s", line);
    s_line ("en", "永嘉县", line, sizeof line);
    cr_assert (strstr (line, "[red: breached] 永嘉县 (recipient), 2020: "), "%s", line);
    s_rule.scope = "supporter";
    s_rule.subject = "zj-wenzhou-ouhai";
    s_line ("zh", "温州市瓯海区", line, sizeof line);
    cr_assert (strstr (line, "】温州市瓯海区（支援地）2020年度："), "%s", line);
    s_rule.scope = "region";
    s_rule.subject = "hb-zhuxi";
    s_line ("zh", "竹溪县", line, sizeof line);
    cr_assert (strstr (line, "】竹溪县（地区指标）2020年度："), "%s", line);
    // A county the registry has no name for reads as its code.
    s_line ("zh", NULL, line, sizeof line);
    cr_assert (strstr (line, "】hb-zhuxi（地区指标）2020年度："), "%s", line);
    s_line ("en", "", line, sizeof line);
    cr_assert (strstr (line, "] hb-zhuxi (region), 2020: "), "%s", line);
}

Test (alert_template, a_park_s_and_the_program_s_rule)
{
    s_change.pairing = "wz-01";
    s_rule.scope = "park";
    s_rule.subject = "wz-park-yongjia";
    s_rule.period = "2019";
    char line[CHANNEL_LINE_BYTES_MAX];
    s_line ("zh", "永嘉-瓯海山海协作产业园", line, sizeof line);
    cr_assert (strstr (line, "】永嘉-瓯海山海协作产业园（wz-01）2019年度："), "%s", line);
    s_line ("en", "永嘉-瓯海山海协作产业园", line, sizeof line);
    cr_assert (strstr (line, "] 永嘉-瓯海山海协作产业园 (park of wz-01), 2019: "), "%s", line);
    s_change.pairing = "";
    s_rule.scope = "program";
    s_rule.subject = "wz-shanhai";
    s_line ("zh", "温州市山海协作工程", line, sizeof line);
    cr_assert (strstr (line, "】温州市山海协作工程（全域）2019年度："), "%s", line);
    s_line ("en", "温州市山海协作工程", line, sizeof line);
    cr_assert (strstr (line, "] 温州市山海协作工程 (program-wide), 2019: "), "%s", line);
}

Test (alert_template, every_kind_of_period)
{
    static const struct {
        const char *period, *zh, *en;
    } cases[] = {
        { "2024-Q2", "2024年第2季度：", ", 2024 Q2: " },
        { "2024-03", "2024年3月：", ", 3/2024: " },
        { "2024-12", "2024年12月：", ", 12/2024: " },
        { "2018-2022", "2018—2022年：", ", 2018-2022: " },
        { "2024", "2024年度：", ", 2024: " },
        { "", "2021年度：", ", 2021: " },  // a change from before periods: its year
        // Shapes no rule has are said as they are.
        { "2024-Q5", "2024-Q5：", ", 2024-Q5: " },
        { "2024-13", "2024-13：", ", 2024-13: " },
        { "24-Q1", "24-Q1：", ", 24-Q1: " },
        { "2018-22", "2018-22：", ", 2018-22: " },
    };
    s_rule.scope = "pair";
    s_rule.subject = "hb-01";
    char line[CHANNEL_LINE_BYTES_MAX], expected[128];
    for (size_t index = 0; index < sizeof cases / sizeof cases[0]; index++) {
        s_rule.period = (char *) cases[index].period;
        s_line ("zh", NULL, line, sizeof line);
        snprintf (expected, sizeof expected, "（hb-01）%s援建资金", cases[index].zh);
        cr_assert (strstr (line, expected), "%s: %s", cases[index].period, line);
        s_line ("en", NULL, line, sizeof line);
        snprintf (expected, sizeof expected, "(hb-01)%s援建资金", cases[index].en);
        cr_assert (strstr (line, expected), "%s: %s", cases[index].period, line);
    }
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

// The shipped zh.json with one member replaced (or removed, for a NULL value), loaded.
static alert_template_t *
s_load_changed (const char *object, const char *key, const char *value, char *errstr,
                size_t errstr_size)
{
    char *path = test_path (s_templates (), "zh.json");
    json_error_t error;
    json_t *root = json_load_file (path, 0, &error);
    free (path);
    cr_assert (root);
    json_t *parent = object ? json_object_get (root, object) : root;
    if (value)
        json_object_set_new (parent, key, json_string (value));
    else
        json_object_del (parent, key);
    char *text = json_dumps (root, 0);
    json_decref (root);
    alert_template_t *templates = s_load_text (text, errstr, errstr_size);
    free (text);
    return templates;
}

Test (alert_template, subjects_and_periods_are_checked_at_load)
{
    char errstr[256];
    alert_template_t *templates = s_load_changed (NULL, "line", "{subject}{period}{year}", errstr,
                                                  sizeof errstr);
    cr_assert (templates, "the line may say subject and period: %s", errstr);
    alert_template_destroy (&templates);
    cr_assert_null (s_load_changed ("subject", "park", NULL, errstr, sizeof errstr));
    cr_assert (strstr (errstr, "\"subject.park\" is missing"), "%s", errstr);
    cr_assert_null (s_load_changed (NULL, "subject", NULL, errstr, sizeof errstr));
    cr_assert (strstr (errstr, "\"subject.pair\" is missing"), "%s", errstr);
    cr_assert_null (s_load_changed ("subject", "region", "{name}{title}", errstr,
                                    sizeof errstr));
    cr_assert (strstr (errstr, "\"subject.region\" names a placeholder it cannot have"), "%s",
               errstr);
    cr_assert_null (s_load_changed ("subject", "program", "", errstr, sizeof errstr));
    cr_assert (strstr (errstr, "\"subject.program\" must be text"), "%s", errstr);
    cr_assert_null (s_load_changed ("period", "window", NULL, errstr, sizeof errstr));
    cr_assert (strstr (errstr, "\"period.window\" is missing"), "%s", errstr);
    cr_assert_null (s_load_changed ("period", "month", "{month}{name}", errstr, sizeof errstr));
    cr_assert (strstr (errstr, "\"period.month\" names a placeholder it cannot have"), "%s",
               errstr);
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
    alert_template_line (templates, &s_change, NULL, line, sizeof line);
    cr_assert (strstr (line, "【黄色·进度滞后】"), "%s", line);
    cr_assert (strstr (line, "距期限仅剩7天，仍「进度滞后」"), "%s", line);
    alert_template_destroy (&templates);
    templates = alert_template_load (s_templates (), "en", errstr, sizeof errstr);
    cr_assert (templates, "%s", errstr);
    alert_template_line (templates, &s_change, NULL, line, sizeof line);
    cr_assert (strstr (line, "7 days to the deadline, still at risk"), "%s", line);
    alert_template_destroy (&templates);
}
