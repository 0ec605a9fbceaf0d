/*  Channels in the registry: read from the file (cli/registry_json), checked by the model
    (unknown person or program, bad type, bad URL, a signing channel without a secret, a bad
    mobile), and looked up by the view the way the notification service routes an alert. */
#include <criterion/criterion.h>
#include <string.h>
#include "common/limits.h"
#include "common/registry_model.h"
#include "common/registry_view.h"
#include "registry_json.h"

static const char *s_document
    = "{\"programs\": [{\"id\": \"hb\", \"name\": \"湖北省山川协作\"},"
      "               {\"id\": \"zj\", \"name\": \"浙江省山海协作\"}],"
      " \"regions\": [{\"code\": \"r1\", \"name\": \"竹溪县\"},"
      "               {\"code\": \"s1\", \"name\": \"东湖\"}],"
      " \"pairings\": [{\"id\": \"p1\", \"program\": \"hb\", \"recipient\": \"r1\","
      "               \"supporter\": \"s1\", \"start\": \"2021-01-01\","
      "               \"end\": \"2025-12-31\"}],"
      " \"people\": [{\"id\": \"a\", \"name\": \"甲\", \"region\": \"r1\","
      "              \"role\": \"party_secretary\", \"mobile\": \"+8613800000001\"},"
      "             {\"id\": \"b\", \"name\": \"乙\", \"region\": \"s1\", \"pairing\": \"p1\","
      "              \"role\": \"liaison_officer\"}],"
      " \"channels\": [{\"id\": \"ding-a\", \"type\": \"dingtalk\","
      "                 \"url\": \"http://127.0.0.1:1/robot/send?access_token=x\","
      "                 \"secret\": \"SECabc\", \"people\": [\"a\"]},"
      "                {\"id\": \"wecom-hb\", \"type\": \"wecom\","
      "                 \"url\": \"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k\","
      "                 \"programs\": [\"hb\"]},"
      "                {\"id\": \"hook\", \"type\": \"webhook\", \"url\": \"http://h/x\","
      "                 \"secret\": \"s\", \"people\": [\"b\"], \"programs\": [\"zj\"]}]}";

static Shanhai__V1__RegistryDoc *
s_read (const char *text, char *errstr, size_t errstr_size)
{
    json_error_t error;
    json_t *root = json_loads (text, 0, &error);
    cr_assert (root, "%s", error.text);
    Shanhai__V1__RegistryDoc *doc = registry_json_convert (root, errstr, errstr_size);
    json_decref (root);
    return doc;
}

static Shanhai__V1__RegistryDoc *s_doc;

static void
s_setup (void)
{
    char errstr[256] = "";
    s_doc = s_read (s_document, errstr, sizeof errstr);
    cr_assert (s_doc, "%s", errstr);
}

static void
s_teardown (void)
{
    if (s_doc)
        shanhai__v1__registry_doc__free_unpacked (s_doc, NULL);
}

TestSuite (registry_channels, .init = s_setup, .fini = s_teardown);

static void
s_set (char **field, const char *value)
{
    if (*field != protobuf_c_empty_string)
        free (*field);
    *field = strdup (value);
}

static void
s_expect (const char *what)
{
    char errstr[512] = "";
    int rc = registry_model_validate (s_doc, errstr, sizeof errstr);
    if (!what) {
        cr_assert_eq (rc, 0, "%s", errstr);
        return;
    }
    cr_assert_eq (rc, -1, "accepted, expected '%s'", what);
    cr_assert (strstr (errstr, what), "error '%s' lacks '%s'", errstr, what);
}

Test (registry_channels, read_from_the_file)
{
    s_expect (NULL);
    cr_assert_eq (s_doc->n_channels, 3);
    cr_assert_str_eq (s_doc->channels[0]->type, "dingtalk");
    cr_assert_str_eq (s_doc->channels[0]->secret, "SECabc");
    cr_assert_eq (s_doc->channels[0]->n_people, 1);
    cr_assert_str_eq (s_doc->channels[0]->people[0], "a");
    cr_assert_eq (s_doc->channels[1]->n_programs, 1);
    cr_assert_str_eq (s_doc->people[0]->mobile, "+8613800000001");
}

Test (registry_channels, a_file_without_channels_still_reads)
{
    char errstr[256] = "";
    Shanhai__V1__RegistryDoc *doc = s_read (
        "{\"programs\": [], \"regions\": [], \"pairings\": [], \"people\": []}", errstr,
        sizeof errstr);
    cr_assert (doc, "%s", errstr);
    cr_assert_eq (doc->n_channels, 0);
    shanhai__v1__registry_doc__free_unpacked (doc, NULL);
}

Test (registry_channels, the_file_refuses_unknown_fields_and_non_strings)
{
    char errstr[256] = "";
    cr_assert_null (s_read ("{\"programs\": [], \"regions\": [], \"pairings\": [], "
                            "\"people\": [], \"channels\": [{\"id\": \"c\", \"type\": \"wecom\", "
                            "\"url\": \"http://x/\", \"colour\": \"red\"}]}",
                            errstr, sizeof errstr));
    cr_assert (strstr (errstr, "channels[0] \"c\": unknown field \"colour\""), "%s", errstr);
    cr_assert_null (s_read ("{\"programs\": [], \"regions\": [], \"pairings\": [], "
                            "\"people\": [], \"channels\": [{\"id\": \"c\", \"type\": \"wecom\", "
                            "\"url\": \"http://x/\", \"people\": [1]}]}",
                            errstr, sizeof errstr));
    cr_assert (strstr (errstr, "people[0] must be a string"), "%s", errstr);
    // A person's entry has no list of people.
    cr_assert_null (s_read ("{\"programs\": [], \"regions\": [], \"pairings\": [], "
                            "\"people\": [{\"id\": \"a\", \"name\": \"甲\", \"role\": "
                            "\"county_head\", \"people\": []}]}",
                            errstr, sizeof errstr));
    cr_assert (strstr (errstr, "unknown field \"people\""), "%s", errstr);
}

Test (registry_channels, unknown_person)
{
    s_set (&s_doc->channels[0]->people[0], "nobody");
    s_expect ("channel \"ding-a\": person \"nobody\" is not a known person");
}

Test (registry_channels, unknown_program)
{
    s_set (&s_doc->channels[1]->programs[0], "nowhere");
    s_expect ("channel \"wecom-hb\": program \"nowhere\" is not a known program");
}

Test (registry_channels, bad_type)
{
    s_set (&s_doc->channels[1]->type, "telegram");
    s_expect ("type \"telegram\" must be dingtalk, wecom or webhook");
}

Test (registry_channels, bad_urls)
{
    const char *bad[] = { "ftp://x/", "http://", "https://", "http://a b/", "robot" };
    for (size_t at = 0; at < sizeof bad / sizeof *bad; at++) {
        s_set (&s_doc->channels[1]->url, bad[at]);
        s_expect ("must be an http:// or https:// URL");
    }
    char url[CHANNEL_URL_BYTES_MAX + 1];
    memset (url, 'a', sizeof url - 1);
    memcpy (url, "http://", 7);
    url[CHANNEL_URL_BYTES_MAX - 1] = '\0';  // the longest accepted
    s_set (&s_doc->channels[1]->url, url);
    s_expect (NULL);
    url[CHANNEL_URL_BYTES_MAX - 1] = 'a';
    url[CHANNEL_URL_BYTES_MAX] = '\0';      // one byte more
    s_set (&s_doc->channels[1]->url, url);
    s_expect ("must be an http:// or https:// URL");
}

Test (registry_channels, signing_channels_need_a_secret)
{
    s_set (&s_doc->channels[0]->secret, "");
    s_expect ("channel \"ding-a\": a dingtalk channel signs its messages and needs a secret");
}

Test (registry_channels, a_channel_lists_someone)
{
    s_doc->channels[1]->n_programs = 0;  // the document still frees what it holds
    s_expect ("channel \"wecom-hb\": lists no people and no programs");
    s_doc->channels[1]->n_programs = 1;
}

Test (registry_channels, ids_are_unique)
{
    s_set (&s_doc->channels[2]->id, "ding-a");
    s_expect ("channel \"ding-a\": the id is used twice");
}

Test (registry_channels, mobiles)
{
    const char *bad[] = { "138 0000", "+", "12+3", "abc", "+861380000000000000000001" };
    for (size_t at = 0; at < sizeof bad / sizeof *bad; at++) {
        s_set (&s_doc->people[0]->mobile, bad[at]);
        s_expect ("person \"a\": mobile");
    }
    const char *good[] = { "", "13800000001", "+8613800000001" };
    for (size_t at = 0; at < sizeof good / sizeof *good; at++) {
        s_set (&s_doc->people[0]->mobile, good[at]);
        s_expect (NULL);
    }
}

Test (registry_channels, the_view_routes_by_person_and_by_program)
{
    s_expect (NULL);
    Shanhai__V1__RegistryDoc *doc = s_doc;
    s_doc = NULL;
    registry_view_t *view = registry_view_new (&doc, 1, "test");
    cr_assert (view);
    const Shanhai__V1__Channel *found[4];
    // a is listed by ding-a; a pair of hb goes to wecom-hb as well.
    cr_assert_eq (registry_view_channels (view, "a", "hb", found, 4), 2);
    cr_assert_str_eq (found[0]->id, "ding-a");
    cr_assert_str_eq (found[1]->id, "wecom-hb");
    // b is listed by hook, which also takes zj; counting without room.
    cr_assert_eq (registry_view_channels (view, "b", "zj", NULL, 0), 1);
    cr_assert_eq (registry_view_channels (view, "b", "hb", found, 1), 2);
    cr_assert_str_eq (found[0]->id, "wecom-hb");
    cr_assert_eq (registry_view_channels (view, "nobody", "none", found, 4), 0);
    cr_assert_str_eq (registry_view_channel (view, "hook")->url, "http://h/x");
    cr_assert_null (registry_view_channel (view, "none"));
    registry_view_destroy (&view);
}
