/*  Policy packs: the shipped ones load; every mistake is refused with its place. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "common/date.h"
#include "common/validate.h"
#include "common/proto.h"
#include "common/config.h"
#include "policy.h"
#include "support.h"

static const char *s_rule
    = "{\"id\": \"r1\", \"title\": \"t\", \"source\": \"001 (十三)\", \"scope\": \"pair\","
      " \"metric\": \"sum\", \"event_kind\": \"aid-funds\", \"unit\": \"fen\", \"target\": 100,"
      " \"period\": \"year\", \"deadline\": \"12-31\", \"from_year\": 2021}";

// Parses a pack whose rule is s_rule with one member replaced (key, JSON value), or removed
// when value is NULL; expects what in the error, or success when what is NULL.
static void
s_expect_rule (const char *key, const char *value, const char *what)
{
    json_t *rule = json_loads (s_rule, 0, NULL);
    cr_assert (rule);
    if (value)
        json_object_set_new (rule, key, json_loads (value, JSON_DECODE_ANY, NULL));
    else if (key)
        json_object_del (rule, key);
    json_t *root = json_pack ("{s:s, s:i, s:[o]}", "program", "hb", "version", 1, "rules", rule);
    policy_pack_t *pack = malloc (sizeof *pack);
    char errstr[512] = "";
    int rc = policy_pack_parse (root, "hb.json", pack, errstr, sizeof errstr);
    json_decref (root);
    free (pack);
    if (!what)
        cr_assert_eq (rc, 0, "%s", errstr);
    else {
        cr_assert_eq (rc, -1, "accepted %s=%s", key, value);
        cr_assert (strstr (errstr, what), "error '%s' lacks '%s'", errstr, what);
        cr_assert (strstr (errstr, "hb.json: rule 1"), "error '%s' names no place", errstr);
        if (!key || strcmp (key, "id") != 0)
            cr_assert (strstr (errstr, "rule 1 \"r1\": "), "error '%s' names no rule", errstr);
        cr_assert (validate_text (errstr, sizeof errstr, false), "one line: %s", errstr);
    }
}

Test (policy, a_rule_parses) { s_expect_rule (NULL, NULL, NULL); }

Test (policy, every_field_is_checked)
{
    s_expect_rule ("metric", "\"average\"", "metric \"average\" is not a known metric");
    s_expect_rule ("unit", "\"count\"", "unit \"count\" is not the unit of sum");
    s_expect_rule ("scope", "\"city\"", "scope \"city\"");
    s_expect_rule ("period", "\"fortnight\"", "period \"fortnight\" is not one of year, "
                   "quarter, month, window");
    s_expect_rule ("target", "0", "\"target\" must be a whole number");
    s_expect_rule ("target", "\"100\"", "\"target\" must be a whole number");
    s_expect_rule ("target", "1", NULL);
    s_expect_rule ("deadline", "\"02-29\"", "a day every year has");
    s_expect_rule ("deadline", "\"13-01\"", "deadline \"13-01\"");
    s_expect_rule ("deadline", "\"12-31x\"", "deadline");
    s_expect_rule ("deadline", "\"02-28\"", NULL);
    s_expect_rule ("from_year", "2030", NULL);
    s_expect_rule ("to_year", "2020", "from_year 2021 is after to_year 2020");
    s_expect_rule ("source", NULL, "\"source\" must be a string");
    s_expect_rule ("id", "\"a b\"", "id \"a b\" has a character outside A-Z a-z 0-9");
    s_expect_rule ("target", "-5", "\"target\" must be a whole number");
    s_expect_rule ("target", "10000000000000", NULL);
    s_expect_rule ("target", "10000000000001", "\"target\" must be a whole number");
    s_expect_rule ("target", "1.5", "\"target\" must be a whole number");
    s_expect_rule ("deadline", "\"2-28\"", "deadline \"2-28\"");
    s_expect_rule ("deadline", "\"00-10\"", "deadline");
    s_expect_rule ("deadline", "\"04-31\"", "deadline");
    s_expect_rule ("deadline", "1231", "\"deadline\" must be a string");
    s_expect_rule ("from_year", "1999", "\"from_year\" must be a whole number in 2000..2099");
    s_expect_rule ("to_year", "2021", NULL);
    s_expect_rule ("source", "\"\"", "title and source must not be empty");
    s_expect_rule ("event_kind", "\"aid funds\"", "event_kind \"aid funds\" is not a known");
    s_expect_rule ("targt", "100", "unknown member \"targt\"");
    s_expect_rule ("metric", "\"count\"", "unit \"fen\" is not the unit of count");
    s_expect_rule ("title", "\"a\\u001bb\"", "\"title\" contains a control character (\\x1b) "
                   "at byte 1");
}

Test (policy, every_field_is_required_but_the_defaults)
{
    static const struct {
        const char *member;
        const char *error;
    } required[] = {
        { "title", "\"title\" must be a string" },
        { "source", "\"source\" must be a string" },
        { "scope", "\"scope\" is required (pair, supporter, recipient, park, program, region)" },
        { "metric", "\"metric\" must be a string" },
        { "event_kind", "\"event_kind\" is required (or \"measure\" for a sum of aid money)" },
        { "unit", "\"unit\" must be a string" },
        { "target", "\"target\" must be a whole number in 1..10000000000000" },
    };
    for (size_t index = 0; index < sizeof required / sizeof required[0]; index++)
        s_expect_rule (required[index].member, NULL, required[index].error);
    // A year, due by 12-31, every year.
    static const char *optional[] = { "period", "deadline", "from_year", "to_year" };
    for (size_t index = 0; index < sizeof optional / sizeof optional[0]; index++)
        s_expect_rule (optional[index], NULL, NULL);
}

// Parses a pack whose rule is s_rule with the members of overrides (a JSON object) put in;
// expects exactly the error expected, or success when it is NULL (then returns the rule).
static policy_rule_t
s_expect_vocabulary (const char *overrides, const char *expected)
{
    json_t *rule = json_loads (s_rule, 0, NULL);
    json_t *changes = json_loads (overrides, 0, NULL);
    cr_assert (rule && changes, "%s", overrides);
    json_object_update (rule, changes);
    json_decref (changes);
    json_t *root = json_pack ("{s:s, s:i, s:[o]}", "program", "hb", "version", 1, "rules", rule);
    policy_pack_t *pack = malloc (sizeof *pack);
    char errstr[512] = "";
    int rc = policy_pack_parse (root, "policies/hb.json", pack, errstr, sizeof errstr);
    json_decref (root);
    policy_rule_t parsed = pack->rules[0];
    free (pack);
    if (!expected)
        cr_assert_eq (rc, 0, "%s: %s", overrides, errstr);
    else {
        cr_assert_eq (rc, -1, "accepted %s", overrides);
        cr_assert_str_eq (errstr, expected);
    }
    return parsed;
}

// "<prefix>(<every kind of the vocabulary>)": the kinds grow with the ledger.
static const char *
s_with_kinds (const char *prefix)
{
    static char text[VOCAB_NAMES_BYTES_MAX + 256];
    char kinds[VOCAB_NAMES_BYTES_MAX];
    cr_assert_eq (vocab_kind_names (", ", kinds, sizeof kinds), 0);
    snprintf (text, sizeof text, "%s(%s)", prefix, kinds);
    return text;
}

Test (policy, names_outside_the_vocabulary_are_refused)
{
    s_expect_vocabulary ("{\"event_kind\": \"leader-vist\"}",
                         s_with_kinds ("policies/hb.json: rule 1 \"r1\": event_kind "
                                       "\"leader-vist\" is not a known kind "));
    s_expect_vocabulary ("{\"metric\": \"average\"}",
                         "policies/hb.json: rule 1 \"r1\": metric \"average\" is not a known "
                         "metric (sum, count, quantity, each, share, indicator)");
    s_expect_vocabulary ("{\"unit\": \"yuan\"}",
                         "policies/hb.json: rule 1 \"r1\": unit \"yuan\" is not a known unit "
                         "(fen, count, persons, projects, bp)");
    s_expect_vocabulary ("{\"event_kind\": \"\"}",
                         "policies/hb.json: rule 1 \"r1\": \"event_kind\" is required (or "
                         "\"measure\" for a sum of aid money)");
}

Test (policy, a_metric_must_apply_to_the_kind_and_the_unit_fit_both)
{
    s_expect_vocabulary ("{\"event_kind\": \"leader-visit\", \"metric\": \"sum\", "
                         "\"unit\": \"fen\"}",
                         "policies/hb.json: rule 1 \"r1\": metric \"sum\" does not apply to "
                         "event_kind \"leader-visit\" (its metrics: count)");
    s_expect_vocabulary ("{\"metric\": \"sum\", \"unit\": \"count\"}",
                         "policies/hb.json: rule 1 \"r1\": unit \"count\" is not the unit of "
                         "sum over aid-funds, which is fen");
    s_expect_vocabulary ("{\"event_kind\": \"leader-visit\", \"metric\": \"count\", "
                         "\"unit\": \"fen\"}",
                         "policies/hb.json: rule 1 \"r1\": unit \"fen\" is not the unit of "
                         "count over leader-visit, which is count");
    policy_rule_t rule = s_expect_vocabulary ("{\"event_kind\": \"leader-visit\", "
                                              "\"metric\": \"count\", \"unit\": \"count\"}",
                                              NULL);
    cr_assert_eq (rule.metric, POLICY_METRIC_COUNT);
    cr_assert_str_eq (rule.unit, "count");
    cr_assert_eq (rule.kind, vocab_kind_find ("leader-visit"));
    rule = s_expect_vocabulary ("{\"metric\": \"count\", \"unit\": \"count\"}", NULL);
    cr_assert_eq (rule.metric, POLICY_METRIC_COUNT, "transfers may be counted");
    rule = s_expect_vocabulary ("{}", NULL);
    cr_assert_eq (rule.metric, POLICY_METRIC_SUM);
    cr_assert_str_eq (rule.unit, "fen");
    cr_assert_eq (rule.kind, vocab_kind_find ("aid-funds"));
}

Test (policy, a_rule_without_an_id_is_named_by_its_place)
{
    json_t *rule = json_loads (s_rule, 0, NULL);
    json_object_del (rule, "id");
    json_t *root = json_pack ("{s:s, s:i, s:[o]}", "program", "hb", "version", 1, "rules", rule);
    policy_pack_t *pack = malloc (sizeof *pack);
    char errstr[512] = "";
    cr_assert_eq (policy_pack_parse (root, "hb.json", pack, errstr, sizeof errstr), -1);
    cr_assert (strstr (errstr, "hb.json: rule 1: \"id\" must be a string"), "%s", errstr);
    json_decref (root);
    root = json_pack ("{s:s, s:i, s:[], s:s}", "program", "hb", "version", 1, "rules", "extra",
                      "x");
    cr_assert_eq (policy_pack_parse (root, "hb.json", pack, errstr, sizeof errstr), -1);
    json_decref (root);
    root = json_pack ("{s:s, s:i, s:[s]}", "program", "hb", "version", 1, "rules", "not an object");
    cr_assert_eq (policy_pack_parse (root, "hb.json", pack, errstr, sizeof errstr), -1);
    cr_assert (strstr (errstr, "hb.json: rule 1: must be an object"), "%s", errstr);
    json_decref (root);
    free (pack);
}

static void
s_write (const char *dir, const char *name, const char *text)
{
    char *path = test_path (dir, name);
    FILE *file = fopen (path, "w");
    fputs (text, file);
    fclose (file);
    free (path);
}

// The shipped policy directory, with the kinds it declares (as a service's main does).
static char *
s_shipped_dir (void)
{
    char *dir = test_path (test_source_dir (), "policies");
    char *kinds = test_path (dir, CONFIG_KINDS_FILE);
    char errstr[512] = "";
    cr_assert_eq (vocab_declare_activities (kinds, errstr, sizeof errstr), 0, "%s", errstr);
    free (kinds);
    return dir;
}

Test (policy, the_shipped_packs_load)
{
    char *dir = s_shipped_dir ();
    char errstr[512] = "";
    policy_set_t *set = policy_set_load (dir, errstr, sizeof errstr);
    cr_assert (set, "%s", errstr);
    cr_assert_eq (policy_set_size (set), 5, "a pack for each of the five documents");
    const policy_pack_t *hubei = policy_set_pack (set, "hb-shanchuan");
    cr_assert (hubei);
    const policy_rule_t *funds = policy_set_rule (set, "hb-aid-funds");
    cr_assert (funds);
    cr_assert_eq (funds->target, 500000000, "5,000,000 yuan in fen");
    cr_assert (strstr (funds->source, "(十三)"));
    cr_assert_eq (policy_set_rule (set, "fj-aid-funds")->target, 1200000000);
    cr_assert_eq (policy_set_rule (set, "fj-aid-funds")->scope, POLICY_SCOPE_SUPPORTER,
                  "004 asks it of each supporter");
    cr_assert_eq (policy_set_rule (set, "wz-leader-visits")->target, 2);
    const policy_rule_t *in_place = policy_set_rule (set, "wz-funds-in-place");
    cr_assert_eq (in_place->measure, POLICY_MEASURE_RECEIVED, "到位: what was received");
    cr_assert_eq (in_place->target_from, POLICY_TARGET_COMMITTED);
    cr_assert_eq (in_place->deadline_month * 100 + in_place->deadline_day, 531);
    const policy_rule_t *plan = policy_set_rule (set, "wz-plan-filed");
    cr_assert_eq (plan->deadline_year, -1, "next year's plan by 10-31 of the year before");
    cr_assert_eq (plan->pace, POLICY_PACE_NONE);
    cr_assert_eq (policy_set_rule (set, "zj-cadre-division")->period, POLICY_PERIOD_WINDOW);
    cr_assert_eq (policy_set_rule (set, "ls-support-analysis")->period, POLICY_PERIOD_MONTH);
    cr_assert_eq (policy_set_rule (set, "ls-support-meeting")->period, POLICY_PERIOD_QUARTER);
    policy_set_destroy (&set);
    policy_set_destroy (&set);
    free (dir);
}

Test (policy, a_bad_pack_stops_the_load)
{
    char *dir = test_tmpdir ();
    char pack[1024];
    snprintf (pack, sizeof pack, "{\"program\": \"hb\", \"version\": 1, \"rules\": [%s]}", s_rule);
    s_write (dir, "hb.json", pack);
    s_write (dir, "notes.txt", "not a pack: ignored");
    char errstr[512] = "";
    policy_set_t *set = policy_set_load (dir, errstr, sizeof errstr);
    cr_assert (set, "%s", errstr);
    policy_set_destroy (&set);
    s_write (dir, "hb2.json", pack);
    cr_assert_null (policy_set_load (dir, errstr, sizeof errstr));
    cr_assert (strstr (errstr, "has another pack") || strstr (errstr, "used by another pack"),
               "%s", errstr);
    s_write (dir, "hb2.json", "{\"program\": \"x\", \"rules\": [");
    cr_assert_null (policy_set_load (dir, errstr, sizeof errstr));
    cr_assert (strstr (errstr, "hb2.json: line 1"), "%s", errstr);
    cr_assert_null (policy_set_load ("/nonexistent", errstr, sizeof errstr));
    s_write (dir, "hb2.json", "{\"program\": \"x\", \"version\": 1, \"rules\": [], \"extra\": 1}");
    cr_assert_null (policy_set_load (dir, errstr, sizeof errstr));
    cr_assert (strstr (errstr, "hb2.json"), "%s", errstr);
    test_rmdir (dir);
    free (dir);
}

Test (policy, the_rule_count_limit_is_exact)
{
    for (int count = POLICY_RULES_MAX; count <= POLICY_RULES_MAX + 1; count++) {
        json_t *rules = json_array ();
        for (int index = 0; index < count; index++) {
            json_t *rule = json_loads (s_rule, 0, NULL);
            char id[16];
            snprintf (id, sizeof id, "r%d", index);
            json_object_set_new (rule, "id", json_string (id));
            json_array_append_new (rules, rule);
        }
        json_t *root = json_pack ("{s:s, s:i, s:o}", "program", "hb", "version", 1, "rules", rules);
        policy_pack_t *pack = malloc (sizeof *pack);
        char errstr[256] = "";
        int rc = policy_pack_parse (root, "hb.json", pack, errstr, sizeof errstr);
        cr_assert_eq (rc, count == POLICY_RULES_MAX ? 0 : -1, "%d rules: %s", count, errstr);
        free (pack);
        json_decref (root);
    }
}

Test (policy, duplicate_rule_ids)
{
    json_t *root = json_pack ("{s:s, s:i, s:[oo]}", "program", "hb", "version", 1, "rules",
                              json_loads (s_rule, 0, NULL), json_loads (s_rule, 0, NULL));
    policy_pack_t *pack = malloc (sizeof *pack);
    char errstr[256];
    cr_assert_eq (policy_pack_parse (root, "hb.json", pack, errstr, sizeof errstr), -1);
    cr_assert_str_eq (errstr, "hb.json: rule 2 \"r1\": id \"r1\" is rule 1's as well");
    free (pack);
    json_decref (root);
}

// Writes a valid pack padded with spaces to exactly size bytes.
static void
s_write_padded (const char *dir, const char *name, size_t size)
{
    char pack[1024];
    int length = snprintf (pack, sizeof pack, "{\"program\": \"hb\", \"version\": 1, "
                           "\"rules\": [%s]}", s_rule);
    cr_assert ((size_t) length <= size);
    char *path = test_path (dir, name);
    FILE *file = fopen (path, "w");
    cr_assert (file);
    fputs (pack, file);
    for (size_t index = (size_t) length; index < size; index++)
        fputc (' ', file);
    fclose (file);
    free (path);
}

Test (policy, the_file_size_limit_is_exact)
{
    char *dir = test_tmpdir ();
    char errstr[512] = "";
    s_write_padded (dir, "hb.json", POLICY_FILE_BYTES_MAX);
    policy_set_t *set = policy_set_load (dir, errstr, sizeof errstr);
    cr_assert (set, "%s", errstr);
    policy_set_destroy (&set);
    s_write_padded (dir, "hb.json", POLICY_FILE_BYTES_MAX + 1);
    cr_assert_null (policy_set_load (dir, errstr, sizeof errstr));
    cr_assert (strstr (errstr, "hb.json: 1048577 bytes, over the limit"), "%s", errstr);
    test_rmdir (dir);
    free (dir);
}

Test (policy, the_pack_count_limit_is_exact)
{
    char *dir = test_tmpdir ();
    char errstr[512] = "";
    for (int count = 1; count <= POLICY_PACKS_MAX + 1; count++) {
        char id[16], name[32];
        json_t *rule = json_loads (s_rule, 0, NULL);
        snprintf (id, sizeof id, "r%d", count);
        json_object_set_new (rule, "id", json_string (id));
        snprintf (id, sizeof id, "p%d", count);
        json_t *root = json_pack ("{s:s, s:i, s:[o]}", "program", id, "version", 1, "rules",
                                  rule);
        snprintf (name, sizeof name, "p%d.json", count);
        char *path = test_path (dir, name);
        cr_assert_eq (json_dump_file (root, path, 0), 0);
        free (path);
        json_decref (root);
    }
    cr_assert_null (policy_set_load (dir, errstr, sizeof errstr));
    cr_assert (strstr (errstr, "more than 64 policy packs"), "%s", errstr);
    char *last = test_path (dir, "p65.json");
    cr_assert_eq (unlink (last), 0);
    free (last);
    policy_set_t *set = policy_set_load (dir, errstr, sizeof errstr);
    cr_assert (set, "%s", errstr);
    cr_assert_eq (policy_set_size (set), POLICY_PACKS_MAX);
    policy_set_destroy (&set);
    test_rmdir (dir);
    free (dir);
}

Test (policy, the_shipped_rules_say_what_the_documents_say)
{
    char *dir = s_shipped_dir ();
    char errstr[512] = "";
    policy_set_t *set = policy_set_load (dir, errstr, sizeof errstr);
    cr_assert (set, "%s", errstr);
    const policy_rule_t *visits = policy_set_rule (set, "hb-leader-visits");
    cr_assert (visits);
    cr_assert_eq (visits->metric, POLICY_METRIC_COUNT);
    cr_assert_str_eq (visits->event_kind, "leader-visit");
    cr_assert_eq (visits->target, 2);
    cr_assert (strstr (visits->source, "鄂政办函〔2020〕38号"));
    cr_assert (strstr (visits->source, "(十六)"));
    const policy_rule_t *funds = policy_set_rule (set, "hb-aid-funds");
    cr_assert_eq (funds->from_year, 2021);
    cr_assert_eq (funds->to_year, 2025);
    cr_assert_str_eq (funds->unit, "fen");
    cr_assert (strstr (policy_set_rule (set, "fj-aid-funds")->source, "四(一)"));
    cr_assert (strstr (policy_set_rule (set, "wz-leader-visits")->source, "三(二)"));
    cr_assert_eq (policy_set_pack (set, "hb-shanchuan")->rule_count, 7,
                  "funds, visits, the task book, four indicators growing faster");
    const policy_rule_t *growth = policy_set_rule (set, "hb-growth-gdp");
    cr_assert (strstr (growth->source, "(二)"));
    cr_assert (growth->growth);
    cr_assert_str_eq (growth->reference, "hb-province", "faster than the province's average");
    cr_assert_eq (growth->compare, POLICY_COMPARE_ABOVE);
    policy_set_destroy (&set);
    free (dir);
}

Test (policy, a_load_names_the_file_the_rule_and_the_field)
{
    char *dir = test_tmpdir ();
    char pack[2048];
    snprintf (pack, sizeof pack, "{\"program\": \"hb\", \"version\": 1, \"rules\": [%s, "
              "{\"id\": \"hb-visits\", "
              "\"title\": \"t\", \"source\": \"s\", \"scope\": \"pair\", \"metric\": \"count\", "
              "\"event_kind\": \"leader-vist\", \"unit\": \"count\", \"target\": 2, "
              "\"period\": \"year\", \"deadline\": \"12-31\"}]}", s_rule);
    s_write (dir, "x.json", pack);
    char errstr[2048] = "";
    cr_assert_null (policy_set_load (dir, errstr, sizeof errstr));
    char *path = test_path (dir, "x.json");
    char expected[2048];
    snprintf (expected, sizeof expected, "%s: rule 2 \"hb-visits\": event_kind \"leader-vist\" "
              "is not a known kind %s", path, strchr (s_with_kinds (""), '('));
    cr_assert_str_eq (errstr, expected);
    free (path);
    test_rmdir (dir);
    free (dir);
}

// Parses a pack of the one rule s_rule with head members added; returns 0 or -1 with errstr.
static int
s_parse_head (const char *head, policy_pack_t *pack, char *errstr, size_t errstr_size)
{
    char text[4096];
    snprintf (text, sizeof text, "{\"program\": \"hb\", %s \"rules\": [%s]}", head, s_rule);
    json_error_t error;
    json_t *root = json_loads (text, 0, &error);
    cr_assert (root, "%s: %s", text, error.text);
    int rc = policy_pack_parse (root, "p.json", pack, errstr, errstr_size);
    json_decref (root);
    return rc;
}

Test (policy, a_pack_has_a_version_and_defaults_for_the_scoreboard)
{
    policy_pack_t pack;
    char errstr[512] = "";
    cr_assert_eq (s_parse_head ("", &pack, errstr, sizeof errstr), -1);
    cr_assert_str_eq (errstr, "p.json: \"version\" must be a whole number in 1..2147483647");
    cr_assert_eq (s_parse_head ("\"version\": 0,", &pack, errstr, sizeof errstr), -1);
    cr_assert_eq (s_parse_head ("\"version\": 3, \"effective\": \"2024-02-30\",", &pack, errstr,
                                sizeof errstr), -1);
    cr_assert_str_eq (errstr, "p.json: \"effective\" must be a date YYYY-MM-DD");
    cr_assert_eq (s_parse_head ("\"version\": 3, \"effective\": \"2024-02-29\",", &pack, errstr,
                                sizeof errstr), 0, "%s", errstr);
    cr_assert_eq (pack.version, 3);
    cr_assert_str_eq (pack.effective, "2024-02-29");
    cr_assert_eq (pack.scores[SHANHAI__V1__COMPLIANCE_STATUS__MET], 100);
    cr_assert_eq (pack.scores[SHANHAI__V1__COMPLIANCE_STATUS__ON_TRACK], 80);
    cr_assert_eq (pack.grade_count, 4);
    cr_assert_str_eq (pack.grades[0].name, "好");
    cr_assert_eq (pack.grades[3].min_score, 0);
    const policy_rule_t *rule = &pack.rules[0];
    cr_assert_eq (rule->weight, 1);
    cr_assert_eq (rule->warning_count, 3);
    cr_assert_eq (rule->warnings_days[0], 30);
    cr_assert_eq (rule->warnings_days[2], 1);
}

Test (policy, scores_and_grades_are_checked)
{
    struct { const char *head; const char *error; } cases[] = {
        { "\"version\": 1, \"scores\": {\"MET\": 101},", "p.json: scores: MET must be a whole "
          "number in 0..100" },
        { "\"version\": 1, \"scores\": {\"GREEN\": 1},", "p.json: scores: \"GREEN\" is not a "
          "status (MET, ON_TRACK, AT_RISK, BREACHED, NO_DATA)" },
        { "\"version\": 1, \"grades\": [],", "p.json: \"grades\" must be a list of 1..8 "
          "{\"grade\", \"min_score\"}" },
        { "\"version\": 1, \"grades\": [{\"grade\": \"好\", \"min_score\": 50}],",
          "p.json: the last grade's min_score must be 0, so that every pair has a grade" },
        { "\"version\": 1, \"grades\": [{\"grade\": \"好\", \"min_score\": 0}, {\"grade\": "
          "\"差\", \"min_score\": 0}],", "p.json: grade 2: min_score must decrease" },
        { "\"version\": 1, \"grades\": [{\"grade\": \"好\", \"min\": 0}],",
          "p.json: grade 1: unknown member \"min\"" },
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases[0]; index++) {
        policy_pack_t pack;
        char errstr[512] = "";
        cr_assert_eq (s_parse_head (cases[index].head, &pack, errstr, sizeof errstr), -1, "%s",
                      cases[index].head);
        cr_assert_str_eq (errstr, cases[index].error);
    }
    policy_pack_t pack;
    char errstr[512] = "";
    cr_assert_eq (s_parse_head ("\"version\": 1, \"scores\": {\"ON_TRACK\": 50}, \"grades\": "
                                "[{\"grade\": \"A\", \"min_score\": 60}, {\"grade\": \"B\", "
                                "\"min_score\": 0}],", &pack, errstr, sizeof errstr), 0, "%s",
                  errstr);
    cr_assert_eq (pack.scores[SHANHAI__V1__COMPLIANCE_STATUS__ON_TRACK], 50);
    cr_assert_eq (pack.scores[SHANHAI__V1__COMPLIANCE_STATUS__MET], 100, "the others default");
    cr_assert_eq (pack.grade_count, 2);
}

Test (policy, weights_and_warnings_are_checked)
{
    struct { const char *extra; const char *error; } cases[] = {
        { "\"weight\": -1", "weight\" must be a whole number in 0..1000" },
        { "\"weight\": 1001", "weight\" must be a whole number in 0..1000" },
        { "\"warnings\": [7, 30]", "\"warnings\" must be decreasing whole numbers of days in "
          "1..366 (item 2)" },
        { "\"warnings\": [0]", "(item 1)" },
        { "\"warnings\": [367]", "(item 1)" },
        { "\"warnings\": [9, 8, 7, 6, 5, 4, 3, 2, 1]", "\"warnings\" must be a list of at most 8" },
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases[0]; index++) {
        json_error_t error;
        json_t *rule = json_loads (s_rule, 0, &error);
        char object[256];
        snprintf (object, sizeof object, "{%s}", cases[index].extra);
        json_t *members = json_loads (object, 0, &error);
        cr_assert (members, "%s", object);
        json_object_update (rule, members);
        json_decref (members);
        json_t *root = json_pack ("{s:s, s:i, s:[o]}", "program", "hb", "version", 1, "rules",
                                  rule);
        policy_pack_t pack;
        char errstr[512] = "";
        cr_assert_eq (policy_pack_parse (root, "p.json", &pack, errstr, sizeof errstr), -1,
                      "%s", object);
        cr_assert (strstr (errstr, cases[index].error), "%s: %s", object, errstr);
        json_decref (root);
    }
}

// The policy directory's kinds file declares activities (config_declare_kinds): the loader
// leaves it out of the packs.
Test (policy, the_kinds_file_is_not_a_pack)
{
    char *dir = test_tmpdir ();
    char pack[1024];
    snprintf (pack, sizeof pack, "{\"program\": \"hb\", \"version\": 1, \"rules\": [%s]}", s_rule);
    s_write (dir, "hb.json", pack);
    s_write (dir, CONFIG_KINDS_FILE, "{\"activities\": [{\"name\": \"work-meeting\", "
             "\"title\": \"季度工作例会\", \"title_en\": \"quarterly work meeting\"}]}");
    char errstr[512] = "";
    policy_set_t *set = policy_set_load (dir, errstr, sizeof errstr);
    cr_assert (set, "%s", errstr);
    cr_assert_eq (policy_set_size (set), 1);
    policy_set_destroy (&set);
    test_rmdir (dir);
    free (dir);
}

/*  The rules of every scope, metric and period. A case is written with ' for " (JSON inside C
    reads better so; an apostrophe stays one): members are the rule's beside its id "r1", title
    and source. */

// text with every ' turned into ", but for an apostrophe between two letters (region's), in a
// buffer of the caller's.
static const char *
s_quoted (const char *text, char *out, size_t out_size)
{
    cr_assert_lt (strlen (text), out_size, "%s", text);
    size_t index = 0;
    for (; text[index]; index++) {
        bool apostrophe = index > 0 && isalpha ((unsigned char) text[index - 1])
                          && isalpha ((unsigned char) text[index + 1]);
        out[index] = text[index] == '\'' && !apostrophe ? '"' : text[index];
    }
    out[index] = '\0';
    return out;
}

// Parses a pack of the one rule {'id': 'r1', 'title': 't', 'source': 's', <members>} as
// policies/hb.json: 0 with *out, or -1 with one line in errstr.
static int
s_parse_members (const char *members, policy_rule_t *out, char *errstr, size_t errstr_size)
{
    char text[2048], quoted[2048];
    snprintf (text, sizeof text, "{'program': 'hb', 'version': 1, 'rules': [{'id': 'r1', "
              "'title': 't', 'source': 's', %s}]}", members);
    json_error_t error;
    json_t *root = json_loads (s_quoted (text, quoted, sizeof quoted), 0, &error);
    cr_assert (root, "%s: %s", quoted, error.text);
    policy_pack_t *pack = malloc (sizeof *pack);
    cr_assert (pack);
    int rc = policy_pack_parse (root, "policies/hb.json", pack, errstr, errstr_size);
    *out = pack->rules[0];
    free (pack);
    json_decref (root);
    return rc;
}

// The rule of members, which must parse.
static policy_rule_t
s_accepted (const char *members)
{
    policy_rule_t rule;
    char errstr[512] = "";
    cr_assert_eq (s_parse_members (members, &rule, errstr, sizeof errstr), 0, "%s: %s", members,
                  errstr);
    return rule;
}

// The rule of members must be refused with exactly: policies/hb.json: rule 1 "r1": <error>,
// one line that names the file, the rule and (in error) the field.
static void
s_refused (const char *members, const char *error)
{
    policy_rule_t rule;
    char errstr[512] = "", expected[512], quoted[512];
    cr_assert_eq (s_parse_members (members, &rule, errstr, sizeof errstr), -1, "accepted %s",
                  members);
    snprintf (expected, sizeof expected, "policies/hb.json: rule 1 \"r1\": %s",
              s_quoted (error, quoted, sizeof quoted));
    cr_assert_str_eq (errstr, expected, "%s\n got: %s\nwant: %s", members, errstr, expected);
    cr_assert (validate_text (errstr, sizeof errstr, false), "one line: %s", errstr);
}

Test (policy, scope_measure_and_metric_are_refused_where_they_do_not_apply)
{
    s_refused ("'scope': 'city', 'metric': 'count', 'event_kind': 'leader-visit', "
               "'unit': 'count', 'target': 2",
               "scope 'city' is not one of pair, supporter, recipient, park, program, region");
    s_refused ("'scope': 'pair', 'metric': 'sum', 'measure': 'received', "
               "'event_kind': 'receipt', 'unit': 'fen', 'target': 'committed'",
               "'measure' is for a sum of aid money, instead of event_kind");
    s_refused ("'scope': 'pair', 'metric': 'count', 'measure': 'received', 'unit': 'count', "
               "'target': 1", "'measure' is for a sum of aid money, instead of event_kind");
    s_refused ("'scope': 'pair', 'metric': 'sum', 'measure': 'spent', 'unit': 'fen', "
               "'target': 1", "measure 'spent' is not one of committed, disbursed, received");
    s_refused ("'scope': 'pair', 'metric': 'quantity', 'event_kind': 'joint-meeting', "
               "'unit': 'count', 'target': 1",
               "metric 'quantity' does not apply to event_kind 'joint-meeting' (its metrics: "
               "count)");
    s_refused ("'scope': 'pair', 'metric': 'each', 'event_kind': 'leader-visit', "
               "'each': {'from': ['a']}, 'unit': 'count', 'target': 1",
               "metric 'each' does not apply to event_kind 'leader-visit' (its metrics: count)");
    s_refused ("'scope': 'pair', 'metric': 'share', 'event_kind': 'aid-funds', "
               "'share': {'of': ['a']}, 'by': 'amount', 'unit': 'bp', 'target': 1",
               "metric 'share' does not apply to event_kind 'aid-funds' (its metrics: sum, "
               "count)");
    s_refused ("'scope': 'region', 'metric': 'indicator', 'event_kind': 'leader-visit', "
               "'indicator': {'code': 'gdp'}, 'unit': 'bp', 'target': 1",
               "metric indicator measures indicator events, not leader-visit");
    s_refused ("'scope': 'park', 'metric': 'count', 'event_kind': 'leader-visit', "
               "'unit': 'count', 'target': 1",
               "scope park needs events that name a park, which leader-visit events do not");
}

Test (policy, where_filters_only_on_the_kinds_text_fields)
{
    s_refused ("'scope': 'pair', 'metric': 'quantity', 'event_kind': 'training', "
               "'where': {'persons': '10'}, 'unit': 'persons', 'target': 1",
               "'persons' is not a text field of training");
    s_refused ("'scope': 'pair', 'metric': 'count', 'event_kind': 'agreement', "
               "'where': {'sector': 'health'}, 'unit': 'count', 'target': 1",
               "'sector' is not a text field of agreement");
    s_refused ("'scope': 'pair', 'metric': 'sum', 'event_kind': 'investment', "
               "'where': {'colour': 'red'}, 'unit': 'fen', 'target': 1",
               "'colour' is not a text field of investment");
    s_refused ("'scope': 'pair', 'metric': 'sum', 'event_kind': 'investment', "
               "'where': ['health'], 'unit': 'fen', 'target': 1",
               "'where' must be an object of at most 3 fields and their values");
    s_refused ("'scope': 'pair', 'metric': 'sum', 'event_kind': 'investment', "
               "'where': {'sector': 'a', 'project': 'b', 'park': 'c', 'continued': 'd'}, "
               "'unit': 'fen', 'target': 1",
               "'where' must be an object of at most 3 fields and their values");
    s_refused ("'scope': 'pair', 'metric': 'sum', 'event_kind': 'investment', "
               "'where': {'sector': []}, 'unit': 'fen', 'target': 1",
               "'sector' must be a value or a list of 1..12 values");
    s_refused ("'scope': 'pair', 'metric': 'sum', 'event_kind': 'investment', "
               "'where': {'sector': ['a','b','c','d','e','f','g','h','i','j','k','l','m']}, "
               "'unit': 'fen', 'target': 1", "'sector' must be a value or a list of 1..12 values");
    s_refused ("'scope': 'pair', 'metric': 'sum', 'event_kind': 'investment', "
               "'where': {'sector': ['health', 7]}, 'unit': 'fen', 'target': 1",
               "'sector' value 2 must be a short text (39 bytes at most)");
    s_refused ("'scope': 'pair', 'metric': 'sum', 'event_kind': 'investment', "
               "'where': {'sector': ''}, 'unit': 'fen', 'target': 1",
               "'sector' value 1 must be a short text (39 bytes at most)");
    s_refused ("'scope': 'pair', 'metric': 'sum', 'event_kind': 'investment', "
               "'where': {'sector': '0123456789012345678901234567890123456789'}, "
               "'unit': 'fen', 'target': 1",
               "'sector' value 1 must be a short text (39 bytes at most)");
    policy_rule_t rule = s_accepted ("'scope': 'pair', 'metric': 'sum', 'event_kind': "
                                     "'investment', 'where': {'sector': ['a','b','c','d','e',"
                                     "'f','g','h','i','j','k','l'], 'park': "
                                     "'012345678901234567890123456789012345678'}, "
                                     "'unit': 'fen', 'target': 1");
    cr_assert_eq (rule.filter_count, 2);
    cr_assert_eq (rule.filters[0].attr, VOCAB_ATTR_SECTOR);
    cr_assert_eq (rule.filters[0].count, 12);
    cr_assert_str_eq (rule.filters[0].values[11], "l");
    cr_assert_eq (rule.filters[1].attr, VOCAB_ATTR_PARK);
    cr_assert_eq (rule.filters[1].count, 1, "a value alone is a list of one");
}

Test (policy, each_share_and_indicator_members_belong_to_their_metric)
{
    s_refused ("'scope': 'pair', 'metric': 'each', 'event_kind': 'agreement', 'unit': 'count', "
               "'target': 1", "'each' must be an object of one field and its values, e.g. "
               "{'field': ['science', 'health']}");
    s_refused ("'scope': 'pair', 'metric': 'each', 'event_kind': 'investment', "
               "'each': {'sector': ['a'], 'project': ['b']}, 'unit': 'count', 'target': 1",
               "'each' must be an object of one field and its values, e.g. "
               "{'field': ['science', 'health']}");
    s_refused ("'scope': 'pair', 'metric': 'each', 'event_kind': 'agreement', "
               "'each': {'sector': ['health']}, 'unit': 'count', 'target': 1",
               "'sector' is not a text field of agreement");
    s_refused ("'scope': 'pair', 'metric': 'count', 'event_kind': 'agreement', "
               "'each': {'field': ['health']}, 'unit': 'count', 'target': 1",
               "'each' is not a member of a rule of metric count");
    s_refused ("'scope': 'pair', 'metric': 'sum', 'event_kind': 'investment', "
               "'share': {'sector': ['health']}, 'unit': 'fen', 'target': 1",
               "'share' is not a member of a rule of metric sum");
    s_refused ("'scope': 'pair', 'metric': 'sum', 'event_kind': 'investment', 'by': 'amount', "
               "'unit': 'fen', 'target': 1", "'by' is not a member of a rule of metric sum");
    s_refused ("'scope': 'pair', 'metric': 'count', 'event_kind': 'leader-visit', "
               "'indicator': {'code': 'gdp'}, 'unit': 'count', 'target': 1",
               "'indicator' is not a member of a rule of metric count");
    s_refused ("'scope': 'pair', 'metric': 'share', 'event_kind': 'investment', "
               "'share': {'sector': ['health']}, 'unit': 'bp', 'target': 1",
               "'by' is required for a share: count or amount");
    s_refused ("'scope': 'pair', 'metric': 'share', 'event_kind': 'investment', "
               "'share': {'sector': ['health']}, 'by': 'weight', 'unit': 'bp', 'target': 1",
               "by 'weight' is not one of count, amount");
    s_refused ("'scope': 'pair', 'metric': 'share', 'event_kind': 'investment', 'by': 'count', "
               "'unit': 'bp', 'target': 1", "'share' must be an object of one field and its "
               "values, e.g. {'field': ['science', 'health']}");
    s_refused ("'scope': 'pair', 'metric': 'share', 'event_kind': 'agreement', "
               "'share': {'field': ['health']}, 'by': 'amount', 'unit': 'bp', 'target': 1",
               "a share by amount needs a kind with an amount, not agreement");
    policy_rule_t rule = s_accepted ("'scope': 'pair', 'metric': 'share', 'event_kind': "
                                     "'agreement', 'share': {'field': ['health']}, 'by': "
                                     "'count', 'unit': 'bp', 'target': 1");
    cr_assert_eq (rule.share.attr, VOCAB_ATTR_FIELD);
    cr_assert_not (rule.share_by_amount);
}

Test (policy, an_indicator_is_a_regions_figure)
{
    s_refused ("'scope': 'region', 'metric': 'indicator', 'indicator': {'measure': 'value'}, "
               "'unit': 'bp', 'target': 1", "'code' must be a string");
    s_refused ("'scope': 'region', 'metric': 'indicator', 'unit': 'bp', 'target': 1",
               "'indicator' must be an object {'code', 'measure', 'reference'}");
    s_refused ("'scope': 'region', 'metric': 'indicator', 'indicator': {'code': 'gdp', "
               "'mesure': 'value'}, 'unit': 'bp', 'target': 1", "unknown member 'mesure'");
    s_refused ("'scope': 'region', 'metric': 'indicator', 'indicator': {'code': 'gdp', "
               "'measure': 'level'}, 'unit': 'bp', 'target': 1",
               "measure 'level' is not one of value, growth");
    s_refused ("'scope': 'region', 'metric': 'indicator', 'indicator': {'code': 'g dp'}, "
               "'unit': 'bp', 'target': 1", "indicator code 'g dp' has a character outside "
               "A-Z a-z 0-9 . _ : - at byte 1");
    s_refused ("'scope': 'pair', 'metric': 'indicator', 'indicator': {'code': 'gdp'}, "
               "'unit': 'bp', 'target': 1", "an indicator is a region's figure: scope region");
    s_refused ("'scope': 'region', 'metric': 'count', 'event_kind': 'leader-visit', "
               "'unit': 'count', 'target': 1", "scope region is for an indicator");
    s_refused ("'scope': 'region', 'metric': 'indicator', 'indicator': {'code': 'gdp', "
               "'reference': 'hb-province'}, 'unit': 'bp', 'target': 1",
               "'target' must be left out: the reference region's figure is the target");
    policy_rule_t rule = s_accepted ("'scope': 'region', 'metric': 'indicator', 'indicator': "
                                     "{'code': 'gdp_growth', 'measure': 'growth', "
                                     "'reference': 'hb-province'}, 'compare': 'above', "
                                     "'unit': 'bp'");
    cr_assert_eq (rule.metric, POLICY_METRIC_INDICATOR);
    cr_assert_str_eq (rule.event_kind, "indicator", "the kind is filled in");
    cr_assert_str_eq (rule.code, "gdp_growth");
    cr_assert (rule.growth);
    cr_assert_str_eq (rule.reference, "hb-province");
    cr_assert_eq (rule.compare, POLICY_COMPARE_ABOVE);
    cr_assert_eq (rule.pace, POLICY_PACE_NONE, "a level is not paced");
    rule = s_accepted ("'scope': 'region', 'metric': 'indicator', 'event_kind': 'indicator', "
                       "'indicator': {'code': 'rural_income'}, 'unit': 'fen', 'target': 2500000");
    cr_assert_not (rule.growth);
    cr_assert_str_eq (rule.reference, "");
    cr_assert_eq (rule.target, 2500000);
}

Test (policy, the_unit_is_the_metrics_over_the_kind)
{
    s_refused ("'scope': 'pair', 'metric': 'sum', 'event_kind': 'aid-funds', 'unit': 'count', "
               "'target': 1", "unit 'count' is not the unit of sum over aid-funds, which is fen");
    s_refused ("'scope': 'pair', 'metric': 'count', 'event_kind': 'aid-funds', 'unit': 'fen', "
               "'target': 1", "unit 'fen' is not the unit of count over aid-funds, which is "
               "count");
    s_refused ("'scope': 'pair', 'metric': 'quantity', 'event_kind': 'training', "
               "'unit': 'count', 'target': 1",
               "unit 'count' is not the unit of quantity over training, which is persons");
    s_refused ("'scope': 'pair', 'metric': 'quantity', 'event_kind': 'matchmaking', "
               "'unit': 'persons', 'target': 1",
               "unit 'persons' is not the unit of quantity over matchmaking, which is projects");
    s_refused ("'scope': 'pair', 'metric': 'each', 'event_kind': 'agreement', "
               "'each': {'field': ['health']}, 'unit': 'bp', 'target': 1",
               "unit 'bp' is not the unit of each over agreement, which is count");
    s_refused ("'scope': 'pair', 'metric': 'share', 'event_kind': 'investment', "
               "'share': {'sector': ['health']}, 'by': 'amount', 'unit': 'fen', 'target': 1",
               "unit 'fen' is not the unit of share over investment, which is bp");
    s_refused ("'scope': 'region', 'metric': 'indicator', 'indicator': {'code': 'gdp'}, "
               "'unit': 'persons', 'target': 1", "unit 'persons' is not the unit of an "
               "indicator's value, which is fen, bp or count");
    s_refused ("'scope': 'region', 'metric': 'indicator', 'indicator': {'code': 'gdp', "
               "'measure': 'growth'}, 'unit': 'fen', 'target': 1",
               "unit 'fen' is not the unit of an indicator's growth, which is bp");
    s_refused ("'scope': 'pair', 'metric': 'sum', 'measure': 'disbursed', 'unit': 'count', "
               "'target': 1", "unit 'count' is not the unit of sum over aid-funds, which is fen");
    static const char *fits[] = {
        "'metric': 'quantity', 'event_kind': 'training', 'unit': 'persons'",
        "'metric': 'quantity', 'event_kind': 'matchmaking', 'unit': 'projects'",
        "'metric': 'each', 'event_kind': 'agreement', 'each': {'field': ['a']}, 'unit': 'count'",
        "'metric': 'share', 'event_kind': 'agreement', 'share': {'field': ['a']}, "
        "'by': 'count', 'unit': 'bp'",
    };
    for (size_t index = 0; index < sizeof fits / sizeof fits[0]; index++) {
        char members[512];
        snprintf (members, sizeof members, "'scope': 'pair', 'target': 1, %s", fits[index]);
        s_accepted (members);
    }
}

Test (policy, targets_plan_and_committed_have_their_place)
{
    s_refused ("'scope': 'pair', 'metric': 'sum', 'event_kind': 'park-investment', "
               "'where': {'category': 'gov'}, 'unit': 'fen', 'target': 'plan'",
               "target 'plan' is a park's plan of one category: scope park, metric sum and "
               "where {'category': 'gov' or 'invest'}");
    s_refused ("'scope': 'park', 'metric': 'sum', 'event_kind': 'park-investment', "
               "'unit': 'fen', 'target': 'plan'",
               "target 'plan' is a park's plan of one category: scope park, metric sum and "
               "where {'category': 'gov' or 'invest'}");
    s_refused ("'scope': 'park', 'metric': 'sum', 'event_kind': 'park-investment', "
               "'where': {'category': ['gov', 'invest']}, 'unit': 'fen', 'target': 'plan'",
               "target 'plan' is a park's plan of one category: scope park, metric sum and "
               "where {'category': 'gov' or 'invest'}");
    s_refused ("'scope': 'park', 'metric': 'count', 'event_kind': 'park-investment', "
               "'where': {'category': 'gov'}, 'unit': 'count', 'target': 'plan'",
               "target 'plan' is a park's plan of one category: scope park, metric sum and "
               "where {'category': 'gov' or 'invest'}");
    s_refused ("'scope': 'pair', 'metric': 'sum', 'event_kind': 'aid-funds', 'unit': 'fen', "
               "'target': 'committed'",
               "target 'committed' is for a sum of measure received or disbursed");
    s_refused ("'scope': 'pair', 'metric': 'sum', 'measure': 'committed', 'unit': 'fen', "
               "'target': 'committed'",
               "target 'committed' is for a sum of measure received or disbursed");
    s_refused ("'scope': 'pair', 'metric': 'sum', 'measure': 'received', 'unit': 'fen', "
               "'target': 'lots'", "'target' must be a whole number, 'plan' or 'committed'");
    policy_rule_t rule = s_accepted ("'scope': 'park', 'metric': 'sum', 'event_kind': "
                                     "'park-investment', 'where': {'category': 'invest'}, "
                                     "'unit': 'fen', 'target': 'plan'");
    cr_assert_eq (rule.target_from, POLICY_TARGET_PLAN);
    cr_assert_str_eq (rule.filters[0].values[0], "invest");
    rule = s_accepted ("'scope': 'pair', 'metric': 'sum', 'measure': 'received', 'unit': 'fen', "
                       "'target': 'committed', 'deadline': '05-31'");
    cr_assert_eq (rule.target_from, POLICY_TARGET_COMMITTED);
    cr_assert_eq (rule.measure, POLICY_MEASURE_RECEIVED);
    cr_assert_str_eq (rule.event_kind, "receipt", "the measure's kind is filled in");
    rule = s_accepted ("'scope': 'supporter', 'metric': 'sum', 'measure': 'disbursed', "
                       "'unit': 'fen', 'target': 'committed'");
    cr_assert_eq (rule.measure, POLICY_MEASURE_DISBURSED);
    cr_assert_str_eq (rule.event_kind, "aid-funds");
    cr_assert_eq (rule.scope, POLICY_SCOPE_SUPPORTER);
}

Test (policy, a_target_is_in_the_metrics_range)
{
    static const struct {
        const char *members;
        const char *error;  // NULL: accepted
    } cases[] = {
        { "'metric': 'sum', 'event_kind': 'aid-funds', 'unit': 'fen', 'target': 0",
          "'target' must be a whole number in 1..10000000000000" },
        { "'metric': 'sum', 'event_kind': 'aid-funds', 'unit': 'fen', 'target': 1", NULL },
        { "'metric': 'each', 'event_kind': 'agreement', 'each': {'field': ['a', 'b', 'c', "
          "'d']}, 'unit': 'count', 'target': 5", "'target' must be a whole number in 1..4" },
        { "'metric': 'each', 'event_kind': 'agreement', 'each': {'field': ['a', 'b', 'c', "
          "'d']}, 'unit': 'count', 'target': 4", NULL },
        { "'metric': 'each', 'event_kind': 'agreement', 'each': {'field': ['a', 'b', 'c', "
          "'d']}, 'unit': 'count', 'target': 0", "'target' must be a whole number in 1..4" },
        { "'metric': 'share', 'event_kind': 'agreement', 'share': {'field': ['a']}, "
          "'by': 'count', 'unit': 'bp', 'target': 10001",
          "'target' must be a whole number in 1..10000" },
        { "'metric': 'share', 'event_kind': 'agreement', 'share': {'field': ['a']}, "
          "'by': 'count', 'unit': 'bp', 'target': 10000", NULL },
        { "'metric': 'share', 'event_kind': 'agreement', 'share': {'field': ['a']}, "
          "'by': 'count', 'unit': 'bp', 'target': 0",
          "'target' must be a whole number in 1..10000" },
        { "'metric': 'count', 'event_kind': 'leader-visit', 'unit': 'count', 'target': -1",
          "'target' must be a whole number in 1..10000000000000" },
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases[0]; index++) {
        char members[512];
        snprintf (members, sizeof members, "'scope': 'pair', %s", cases[index].members);
        if (cases[index].error)
            s_refused (members, cases[index].error);
        else
            s_accepted (members);
    }
    // A level may ask for 0 or less: a growth may be negative.
    static const struct {
        const char *target;
        bool accepted;
    } levels[] = { { "-10000000000001", false }, { "-10000000000000", true }, { "0", true },
                   { "10000000000000", true }, { "10000000000001", false } };
    for (size_t index = 0; index < sizeof levels / sizeof levels[0]; index++) {
        char members[512];
        snprintf (members, sizeof members, "'scope': 'region', 'metric': 'indicator', "
                  "'indicator': {'code': 'gdp', 'measure': 'growth'}, 'unit': 'bp', "
                  "'target': %s", levels[index].target);
        if (levels[index].accepted)
            cr_assert_eq (s_accepted (members).target, strtoll (levels[index].target, NULL, 10));
        else
            s_refused (members, "'target' must be a whole number in "
                       "-10000000000000..10000000000000");
    }
}

Test (policy, compare_and_pace_fit_a_level_or_a_total)
{
    s_refused ("'scope': 'pair', 'metric': 'count', 'event_kind': 'leader-visit', "
               "'unit': 'count', 'target': 2, 'compare': 'at_most'",
               "'compare' is for a share or an indicator: a total only ever grows toward its "
               "target");
    s_refused ("'scope': 'pair', 'metric': 'count', 'event_kind': 'leader-visit', "
               "'unit': 'count', 'target': 2, 'compare': 'less'",
               "compare 'less' is not one of at_least, at_most, above");
    s_refused ("'scope': 'pair', 'metric': 'share', 'event_kind': 'agreement', "
               "'share': {'field': ['a']}, 'by': 'count', 'unit': 'bp', 'target': 1, "
               "'pace': 'linear'",
               "pace 'linear' does not apply to a share, which is a level, not a total");
    s_refused ("'scope': 'region', 'metric': 'indicator', 'indicator': {'code': 'gdp'}, "
               "'unit': 'bp', 'target': 1, 'pace': 'linear'",
               "pace 'linear' does not apply to an indicator, which is a level, not a total");
    s_refused ("'scope': 'pair', 'metric': 'count', 'event_kind': 'leader-visit', "
               "'unit': 'count', 'target': 2, 'pace': 'steady'",
               "pace 'steady' is not one of linear, none");
    policy_rule_t rule = s_accepted ("'scope': 'pair', 'metric': 'count', 'event_kind': "
                                     "'leader-visit', 'unit': 'count', 'target': 2");
    cr_assert_eq (rule.pace, POLICY_PACE_LINEAR, "a total is paced by default");
    cr_assert_eq (rule.compare, POLICY_COMPARE_AT_LEAST);
    rule = s_accepted ("'scope': 'pair', 'metric': 'count', 'event_kind': 'plan-filed', "
                       "'unit': 'count', 'target': 1, 'pace': 'none'");
    cr_assert_eq (rule.pace, POLICY_PACE_NONE);
    rule = s_accepted ("'scope': 'pair', 'metric': 'share', 'event_kind': 'agreement', "
                       "'share': {'field': ['a']}, 'by': 'count', 'unit': 'bp', "
                       "'target': 5000, 'compare': 'at_most'");
    cr_assert_eq (rule.compare, POLICY_COMPARE_AT_MOST);
    cr_assert_eq (rule.pace, POLICY_PACE_NONE);
}

Test (policy, periods_and_deadlines)
{
    s_refused ("'scope': 'pair', 'metric': 'count', 'event_kind': 'leader-visit', "
               "'unit': 'count', 'target': 1, 'period': 'fortnight'",
               "period 'fortnight' is not one of year, quarter, month, window");
    s_refused ("'scope': 'pair', 'metric': 'count', 'event_kind': 'leader-visit', "
               "'unit': 'count', 'target': 1, 'period': 'month', 'deadline': '12-31'",
               "a month ends on its last day: leave deadline out");
    s_refused ("'scope': 'pair', 'metric': 'count', 'event_kind': 'leader-visit', "
               "'unit': 'count', 'target': 1, 'period': 'quarter', 'deadline_year': -1",
               "a quarter ends on its last day: leave deadline_year out");
    s_refused ("'scope': 'pair', 'metric': 'count', 'event_kind': 'leader-visit', "
               "'unit': 'count', 'target': 1, 'period': 'window', 'from_year': 2018",
               "a window needs from_year and to_year");
    s_refused ("'scope': 'pair', 'metric': 'count', 'event_kind': 'leader-visit', "
               "'unit': 'count', 'target': 1, 'period': 'window', 'to_year': 2020",
               "a window needs from_year and to_year");
    s_refused ("'scope': 'pair', 'metric': 'count', 'event_kind': 'leader-visit', "
               "'unit': 'count', 'target': 1, 'deadline': '2018-07-31', 'from_year': 2018, "
               "'to_year': 2019",
               "a deadline that is a date is one day: for a yearly rule, from_year and to_year "
               "must be that one year, and deadline_year must be left out");
    s_refused ("'scope': 'pair', 'metric': 'count', 'event_kind': 'leader-visit', "
               "'unit': 'count', 'target': 1, 'deadline': '2018-07-31'",
               "a deadline that is a date is one day: for a yearly rule, from_year and to_year "
               "must be that one year, and deadline_year must be left out");
    s_refused ("'scope': 'pair', 'metric': 'count', 'event_kind': 'plan-filed', "
               "'unit': 'count', 'target': 1, 'deadline': '2018-10-31', 'deadline_year': -1, "
               "'from_year': 2019, 'to_year': 2019",
               "a deadline that is a date is one day: for a yearly rule, from_year and to_year "
               "must be that one year, and deadline_year must be left out");
    s_refused ("'scope': 'pair', 'metric': 'count', 'event_kind': 'leader-visit', "
               "'unit': 'count', 'target': 1, 'deadline': '2018-02-30', 'from_year': 2018, "
               "'to_year': 2018", "deadline '2018-02-30' is not a date YYYY-MM-DD");
    s_refused ("'scope': 'pair', 'metric': 'count', 'event_kind': 'plan-filed', "
               "'unit': 'count', 'target': 1, 'period': 'window', 'from_year': 2018, "
               "'to_year': 2020, 'deadline_year': -1", "deadline_year is for a yearly period");
    s_refused ("'scope': 'pair', 'metric': 'count', 'event_kind': 'plan-filed', "
               "'unit': 'count', 'target': 1, 'deadline_year': 1",
               "'deadline_year' must be a whole number in -1..0");
    s_refused ("'scope': 'pair', 'metric': 'count', 'event_kind': 'plan-filed', "
               "'unit': 'count', 'target': 1, 'period': 'month'",
               "plan-filed events name a year: a month does not apply to them");
    s_refused ("'scope': 'pair', 'metric': 'sum', 'measure': 'committed', 'unit': 'fen', "
               "'target': 1, 'period': 'quarter'",
               "commitment events name a year: a quarter does not apply to them");
}

Test (policy, periods_and_deadlines_as_parsed)
{
    policy_rule_t rule = s_accepted ("'scope': 'pair', 'metric': 'count', 'event_kind': "
                                     "'leader-visit', 'unit': 'count', 'target': 1");
    cr_assert_eq (rule.period, POLICY_PERIOD_YEAR);
    cr_assert_eq (rule.deadline_month, 12, "due by 12-31 unless said");
    cr_assert_eq (rule.deadline_day, 31);
    cr_assert_eq (rule.deadline_date, -1);
    cr_assert_eq (rule.deadline_year, 0);
    cr_assert_eq (rule.from_year, 2000, "every year the dates have");
    cr_assert_eq (rule.to_year, 2099);
    rule = s_accepted ("'scope': 'pair', 'metric': 'count', 'event_kind': 'leader-visit', "
                       "'unit': 'count', 'target': 1, 'period': 'quarter'");
    cr_assert_eq (rule.period, POLICY_PERIOD_QUARTER);
    cr_assert_eq (rule.deadline_month, 0, "a quarter ends on its last day");
    cr_assert_eq (rule.deadline_date, -1);
    rule = s_accepted ("'scope': 'pair', 'metric': 'count', 'event_kind': 'leader-visit', "
                       "'unit': 'count', 'target': 1, 'period': 'window', 'from_year': 2018, "
                       "'to_year': 2020");
    cr_assert_eq (rule.period, POLICY_PERIOD_WINDOW);
    cr_assert_eq (rule.deadline_month, 12);
    cr_assert_eq (rule.deadline_day, 31);
    rule = s_accepted ("'scope': 'pair', 'metric': 'count', 'event_kind': 'leader-visit', "
                       "'unit': 'count', 'target': 1, 'deadline': '2018-07-31', "
                       "'from_year': 2018, 'to_year': 2018");
    int32_t day;
    cr_assert_eq (date_parse ("2018-07-31", &day), 0);
    cr_assert_eq (rule.deadline_date, day);
    rule = s_accepted ("'scope': 'pair', 'metric': 'count', 'event_kind': 'plan-filed', "
                       "'unit': 'count', 'target': 1, 'deadline': '10-31', "
                       "'deadline_year': -1, 'pace': 'none'");
    cr_assert_eq (rule.deadline_year, -1);
    cr_assert_eq (rule.deadline_month, 10);
    cr_assert_eq (rule.deadline_day, 31);
}

// How many files named *.json dir has.
static size_t
s_json_files (const char *dir)
{
    DIR *folder = opendir (dir);
    cr_assert (folder, "%s", dir);
    size_t count = 0;
    struct dirent *entry;
    while ((entry = readdir (folder))) {
        size_t length = strlen (entry->d_name);
        count += length > 5 && strcmp (entry->d_name + length - 5, ".json") == 0
                 && strcmp (entry->d_name, CONFIG_KINDS_FILE) != 0;
    }
    closedir (folder);
    return count;
}

Test (policy, every_pack_of_the_policy_directory_loads)
{
    char *dir = s_shipped_dir ();
    char errstr[512] = "";
    policy_set_t *set = policy_set_load (dir, errstr, sizeof errstr);
    cr_assert (set, "%s", errstr);
    cr_assert_eq (policy_set_size (set), s_json_files (dir), "one pack a file");
    for (size_t index = 0; index < policy_set_size (set); index++) {
        const policy_pack_t *pack = policy_set_at (set, index);
        cr_assert_gt (pack->rule_count, 0, "%s", pack->program);
        for (size_t rule = 0; rule < pack->rule_count; rule++)
            cr_assert_eq (policy_set_rule (set, pack->rules[rule].id), &pack->rules[rule],
                          "%s", pack->rules[rule].id);
    }
    policy_set_destroy (&set);
    free (dir);
}
