/*  Policy packs: the shipped ones load; every mistake is refused with its place. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "common/validate.h"
#include "common/proto.h"
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
    static char text[1024];
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
    root = json_pack ("{s:s, s:i, s:[], s:s}", "program", "hb", "version", 1, "rules", "extra", "x");
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

Test (policy, the_shipped_packs_load)
{
    char *dir = test_path (test_source_dir (), "policies");
    char errstr[512] = "";
    policy_set_t *set = policy_set_load (dir, errstr, sizeof errstr);
    cr_assert (set, "%s", errstr);
    cr_assert_eq (policy_set_size (set), 3);
    const policy_pack_t *hubei = policy_set_pack (set, "hb-shanchuan");
    cr_assert (hubei);
    const policy_rule_t *funds = policy_set_rule (set, "hb-aid-funds");
    cr_assert (funds);
    cr_assert_eq (funds->target, 500000000, "5,000,000 yuan in fen");
    cr_assert (strstr (funds->source, "(十三)"));
    cr_assert_eq (policy_set_rule (set, "fj-aid-funds")->target, 1200000000);
    cr_assert_eq (policy_set_rule (set, "wz-leader-visits")->target, 2);
    cr_assert_null (policy_set_pack (set, "zj-shanhai"), "no pack, no rules");
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
    int length = snprintf (pack, sizeof pack, "{\"program\": \"hb\", \"version\": 1, \"rules\": [%s]}", s_rule);
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
    char *dir = test_path (test_source_dir (), "policies");
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
    cr_assert_eq (policy_set_pack (set, "hb-shanchuan")->rule_count, 2);
    policy_set_destroy (&set);
    free (dir);
}

Test (policy, a_load_names_the_file_the_rule_and_the_field)
{
    char *dir = test_tmpdir ();
    char pack[2048];
    snprintf (pack, sizeof pack, "{\"program\": \"hb\", \"version\": 1, \"rules\": [%s, {\"id\": \"hb-visits\", "
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
