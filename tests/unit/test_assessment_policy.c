/*  Policy packs: the shipped ones load; every mistake is refused with its place. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
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
    json_t *root = json_pack ("{s:s, s:[o]}", "program", "hb", "rules", rule);
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
        cr_assert (strstr (errstr, "hb.json: rules[0]"), "error '%s' names no place", errstr);
    }
}

Test (policy, a_rule_parses) { s_expect_rule (NULL, NULL, NULL); }

Test (policy, every_field_is_checked)
{
    s_expect_rule ("metric", "\"average\"", "metric \"average\" is not one of");
    s_expect_rule ("unit", "\"count\"", "unit \"count\" is not one of");
    s_expect_rule ("scope", "\"city\"", "scope \"city\"");
    s_expect_rule ("period", "\"month\"", "period \"month\"");
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
    s_expect_rule ("id", "\"a b\"", "must be ids");
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
    snprintf (pack, sizeof pack, "{\"program\": \"hb\", \"rules\": [%s]}", s_rule);
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
        json_t *root = json_pack ("{s:s, s:o}", "program", "hb", "rules", rules);
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
    json_t *root = json_pack ("{s:s, s:[oo]}", "program", "hb", "rules",
                              json_loads (s_rule, 0, NULL), json_loads (s_rule, 0, NULL));
    policy_pack_t *pack = malloc (sizeof *pack);
    char errstr[256];
    cr_assert_eq (policy_pack_parse (root, "hb.json", pack, errstr, sizeof errstr), -1);
    cr_assert (strstr (errstr, "rule id \"r1\" is used twice"), "%s", errstr);
    free (pack);
    json_decref (root);
}
