/*  Reading registry files: what is refused before anything is sent. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "registry_json.h"
#include "support.h"

static void
s_expect (const char *text, const char *what)
{
    json_error_t error;
    json_t *root = json_loads (text, 0, &error);
    cr_assert (root, "test document is not JSON: %s", error.text);
    char errstr[512] = "";
    Shanhai__V1__RegistryDoc *doc = registry_json_convert (root, errstr, sizeof errstr);
    json_decref (root);
    if (!what) {
        cr_assert (doc, "%s", errstr);
        shanhai__v1__registry_doc__free_unpacked (doc, NULL);
        return;
    }
    cr_assert_null (doc, "accepted, expected '%s'", what);
    cr_assert (strstr (errstr, what), "error '%s' lacks '%s'", errstr, what);
}

#define EMPTY "\"programs\": [], \"regions\": [], \"pairings\": []"

Test (registry_json, an_empty_registry_reads) { s_expect ("{" EMPTY ", \"people\": []}", NULL); }

Test (registry_json, roles_are_read)
{
    s_expect ("{" EMPTY ", \"people\": [{\"id\": \"a\", \"name\": \"n\", \"role\": \"county_head\","
              " \"region\": \"r\"}]}", NULL);
    s_expect ("{" EMPTY ", \"people\": [{\"id\": \"a\", \"name\": \"n\", \"role\": \"mayor\"}]}",
              "people[0]: role \"mayor\" must be");
    s_expect ("{" EMPTY ", \"people\": [{\"id\": \"a\", \"name\": \"n\"}]}",
              "people[0]: \"role\" must be a string");
}

Test (registry_json, shapes_are_checked)
{
    s_expect ("[]", "a registry file is a JSON object");
    s_expect ("{" EMPTY "}", "\"people\" is missing");
    s_expect ("{" EMPTY ", \"people\": {}}", "\"people\" must be a list");
    s_expect ("{" EMPTY ", \"people\": [], \"extra\": 1}", "unknown top-level key \"extra\"");
    s_expect ("{\"programs\": [{\"id\": 7, \"name\": \"n\"}], \"regions\": [], \"pairings\": [],"
              " \"people\": []}", "programs[0]: \"id\" must be a string");
    s_expect ("{\"programs\": [], \"regions\": [{\"code\": \"r\"}], \"pairings\": [],"
              " \"people\": []}", "regions[0]: \"name\" is missing");
    s_expect ("{\"programs\": [], \"regions\": [], \"pairings\": [{\"id\": \"p\", \"recepient\": "
              "\"r\"}], \"people\": []}", "pairings[0]: unknown field \"recepient\"");
    s_expect ("{" EMPTY ", \"people\": [], \"notes\": [\"provenance\"]}", NULL);
}

Test (registry_json, files)
{
    char *dir = test_tmpdir ();
    char *path = test_path (dir, "bad.json");
    FILE *file = fopen (path, "w");
    fputs ("{\"programs\": [\n  oops]}", file);
    fclose (file);
    char errstr[512];
    cr_assert_null (registry_json_read (path, errstr, sizeof errstr));
    cr_assert (strstr (errstr, "is not valid JSON: line 2"), "%s", errstr);
    cr_assert_null (registry_json_read ("/nonexistent/registry.json", errstr, sizeof errstr));
    cr_assert (strstr (errstr, "cannot read"), "%s", errstr);
    test_rmdir (dir);
    free (dir);
    free (path);
}
