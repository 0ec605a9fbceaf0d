/*  Reading registry files: what is refused before anything is sent. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "registry_json.h"
#include "common/registry_model.h"
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
              "people[0] \"a\": role \"mayor\" must be");
    s_expect ("{" EMPTY ", \"people\": [{\"id\": \"a\", \"name\": \"n\"}]}",
              "people[0] \"a\": \"role\" must be a string");
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
              " \"people\": []}", "regions[0] \"r\": \"name\" is missing");
    s_expect ("{\"programs\": [], \"regions\": [], \"pairings\": [{\"id\": \"p\", \"recepient\": "
              "\"r\"}], \"people\": []}", "pairings[0] \"p\": unknown field \"recepient\"");
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

Test (registry_json, entries_are_named_by_position_and_id)
{
    s_expect ("{" EMPTY ", \"people\": [{\"id\": \"a\", \"name\": \"n\","
              " \"role\": \"county_head\"}, {\"id\": \"hb-zhuxi-sec\", \"name\": \"n\","
              " \"role\": \"secretary\"}]}",
              "people[1] \"hb-zhuxi-sec\": role \"secretary\" must be party_secretary");
    s_expect ("{\"programs\": [], \"regions\": [{\"code\": \"hb-zhuxi\", \"name\": 7}],"
              " \"pairings\": [], \"people\": []}",
              "regions[0] \"hb-zhuxi\": \"name\" must be a string");
}

Test (registry_json, wrong_types)
{
    s_expect ("{" EMPTY ", \"people\": [\"a\"]}", "people[0]: must be an object");
    s_expect ("{" EMPTY ", \"people\": [{\"id\": \"a\", \"name\": \"n\", \"role\": 1}]}",
              "people[0] \"a\": \"role\" must be a string");
    s_expect ("{\"programs\": [], \"regions\": [], \"pairings\": [{\"id\": \"p\", "
              "\"program\": \"x\", \"recipient\": \"r\", \"supporter\": \"s\", "
              "\"start\": 20210101, \"end\": \"2025-12-31\"}], \"people\": []}",
              "pairings[0] \"p\": \"start\" must be a string");
    s_expect ("{\"programs\": \"zj\", \"regions\": [], \"pairings\": [], \"people\": []}",
              "\"programs\" must be a list");
    s_expect ("{\"programs\": [{\"id\": \"zj\", \"name\": null}], \"regions\": [],"
              " \"pairings\": [], \"people\": []}",
              "programs[0] \"zj\": \"name\" must be a string");
}

Test (registry_json, missing_fields)
{
    s_expect ("{\"programs\": [], \"regions\": [], \"pairings\": [{\"id\": \"p\", "
              "\"program\": \"x\", \"recipient\": \"r\", \"supporter\": \"s\", "
              "\"start\": \"2021-01-01\"}], \"people\": []}",
              "pairings[0] \"p\": \"end\" is missing");
    s_expect ("{\"programs\": [{\"name\": \"n\"}], \"regions\": [], \"pairings\": [],"
              " \"people\": []}", "programs[0]: \"id\" is missing");
    s_expect ("{" EMPTY ", \"people\": [{\"id\": \"a\", \"role\": \"county_head\"}]}",
              "people[0] \"a\": \"name\" is missing");
    // Optional fields may be left out: a program's source, a leader's pairing and program.
    s_expect ("{\"programs\": [{\"id\": \"zj\", \"name\": \"n\"}], \"regions\": [],"
              " \"pairings\": [], \"people\": [{\"id\": \"a\", \"name\": \"n\","
              " \"role\": \"program_office\", \"program\": \"zj\"}]}", NULL);
}

Test (registry_json, notes_are_a_list_of_strings)
{
    s_expect ("{" EMPTY ", \"people\": [], \"notes\": \"one\"}",
              "\"notes\" must be a list of strings");
    s_expect ("{" EMPTY ", \"people\": [], \"notes\": [\"ok\", 2]}",
              "notes[1]: must be a string");
    s_expect ("{" EMPTY ", \"people\": [], \"notes\": []}", NULL);
}

Test (registry_json, a_good_document_reads_whole)
{
    json_t *root = json_pack (
        "{s:[{s:s, s:s, s:s}], s:[{s:s, s:s}, {s:s, s:s}], s:[{s:s, s:s, s:s, s:s, s:s, s:s, "
        "s:s}], s:[{s:s, s:s, s:s, s:s, s:s}]}",
        "programs", "id", "hb", "name", "湖北", "source", "001",
        "regions", "code", "r", "name", "竹溪县", "code", "s", "name", "东湖",
        "pairings", "id", "p", "program", "hb", "recipient", "r", "supporter", "s", "start",
        "2021-01-01", "end", "2025-12-31", "note", "sample",
        "people", "id", "l", "name", "联络员", "role", "liaison_officer", "region", "s",
        "pairing", "p");
    cr_assert (root);
    char errstr[256] = "";
    Shanhai__V1__RegistryDoc *doc = registry_json_convert (root, errstr, sizeof errstr);
    json_decref (root);
    cr_assert (doc, "%s", errstr);
    cr_assert_eq (doc->n_regions, 2);
    cr_assert_str_eq (doc->programs[0]->source, "001");
    cr_assert_str_eq (doc->pairings[0]->note, "sample");
    cr_assert_str_eq (doc->regions[0]->province, "", "absent means empty");
    cr_assert_eq (doc->people[0]->role, SHANHAI__V1__ROLE__LIAISON_OFFICER);
    cr_assert_str_eq (doc->people[0]->pairing, "p");
    cr_assert_eq (registry_model_validate (doc, errstr, sizeof errstr), 0, "%s", errstr);
    shanhai__v1__registry_doc__free_unpacked (doc, NULL);
}

// A file of exactly size bytes: an empty registry padded with spaces.
static void
s_write_padded (const char *path, size_t size)
{
    static const char document[] = "{" EMPTY ", \"people\": []}";
    FILE *file = fopen (path, "w");
    cr_assert (file);
    fputs (document, file);
    for (size_t written = sizeof document - 1; written < size; written++)
        fputc (' ', file);
    fclose (file);
}

Test (registry_json, the_file_size_limit)
{
    char *dir = test_tmpdir ();
    char *path = test_path (dir, "big.json");
    char errstr[512] = "";
    s_write_padded (path, REGISTRY_FILE_BYTES_MAX);
    Shanhai__V1__RegistryDoc *doc = registry_json_read (path, errstr, sizeof errstr);
    cr_assert (doc, "%s", errstr);
    shanhai__v1__registry_doc__free_unpacked (doc, NULL);
    s_write_padded (path, REGISTRY_FILE_BYTES_MAX + 1);
    cr_assert_null (registry_json_read (path, errstr, sizeof errstr));
    cr_assert (strstr (errstr, "is over 4194304 bytes"), "%s", errstr);
    cr_assert_null (registry_json_read (dir, errstr, sizeof errstr));
    cr_assert (strstr (errstr, "is not a regular file"), "%s", errstr);
    test_rmdir (dir);
    free (dir);
    free (path);
}

Test (registry_json, the_sample_registry_reads_and_is_valid)
{
    char *path = test_path (test_source_dir (), "data/registry.json");
    char errstr[512] = "";
    Shanhai__V1__RegistryDoc *doc = registry_json_read (path, errstr, sizeof errstr);
    cr_assert (doc, "%s", errstr);
    cr_assert_eq (registry_model_validate (doc, errstr, sizeof errstr), 0, "%s", errstr);
    // Every county of a pair has its two leaders, every pair its liaison officer.
    size_t leaders = 0, liaisons = 0;
    for (size_t index = 0; index < doc->n_people; index++) {
        Shanhai__V1__Role role = doc->people[index]->role;
        leaders += role == SHANHAI__V1__ROLE__PARTY_SECRETARY
                   || role == SHANHAI__V1__ROLE__COUNTY_HEAD;
        liaisons += role == SHANHAI__V1__ROLE__LIAISON_OFFICER;
    }
    cr_assert_eq (leaders, 2 * doc->n_regions);
    cr_assert_eq (liaisons, doc->n_pairings);
    shanhai__v1__registry_doc__free_unpacked (doc, NULL);
    free (path);
}
