/*  The registry's rules, one by one, on a small valid document that each test breaks once. */
#include <criterion/criterion.h>
#include <string.h>
#include "common/limits.h"
#include "registry_json.h"
#include "registry_model.h"
#include "support.h"

static const char *s_document
    = "{\"programs\": [{\"id\": \"hb\", \"name\": \"湖北省山川协作\"}],"
      " \"regions\": [{\"code\": \"r1\", \"name\": \"竹溪县\"}, {\"code\": \"s1\", \"name\": \"东湖\"},"
      "               {\"code\": \"r2\", \"name\": \"五峰县\"}],"
      " \"pairings\": [{\"id\": \"p1\", \"program\": \"hb\", \"recipient\": \"r1\","
      "               \"supporter\": \"s1\", \"start\": \"2021-01-01\", \"end\": \"2025-12-31\"}],"
      " \"people\": [{\"id\": \"a\", \"name\": \"甲\", \"region\": \"r1\", \"role\": \"party_secretary\"},"
      "             {\"id\": \"b\", \"name\": \"乙\", \"region\": \"s1\", \"pairing\": \"p1\","
      "              \"role\": \"liaison_officer\"},"
      "             {\"id\": \"c\", \"name\": \"办\", \"program\": \"hb\", \"role\": \"program_office\"}]}";

static Shanhai__V1__RegistryDoc *s_doc;

static void
s_setup (void)
{
    json_error_t error;
    json_t *root = json_loads (s_document, 0, &error);
    cr_assert (root, "%s", error.text);
    char errstr[256];
    s_doc = registry_json_convert (root, errstr, sizeof errstr);
    cr_assert (s_doc, "%s", errstr);
    json_decref (root);
}

static void
s_teardown (void)
{
    shanhai__v1__registry_doc__free_unpacked (s_doc, NULL);
}

TestSuite (registry_model, .init = s_setup, .fini = s_teardown);

// Validates and expects the error to contain what.
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

// Replaces a string field of a message (the document owns its strings).
static void
s_set (char **field, const char *value)
{
    if (*field != protobuf_c_empty_string)
        free (*field);
    *field = strdup (value);
}

Test (registry_model, the_document_is_valid) { s_expect (NULL); }

Test (registry_model, unknown_region)
{
    s_set (&s_doc->pairings[0]->recipient, "nowhere");
    s_expect ("pairing \"p1\": recipient \"nowhere\" is not a known region");
}

Test (registry_model, county_paired_with_itself)
{
    s_set (&s_doc->pairings[0]->supporter, "r1");
    s_expect ("cannot be paired with itself");
}

Test (registry_model, unknown_program)
{
    s_set (&s_doc->pairings[0]->program, "zz");
    s_expect ("program \"zz\" is not a known program");
}

Test (registry_model, dates)
{
    s_set (&s_doc->pairings[0]->end, "2020-12-31");
    s_expect ("ends (2020-12-31) before it starts");
    s_set (&s_doc->pairings[0]->end, "2021-01-01");
    s_expect (NULL);  // a one-day pairing is valid
    s_set (&s_doc->pairings[0]->start, "2021-02-30");
    s_expect ("start \"2021-02-30\" is not a date");
}

Test (registry_model, duplicate_pairing_overlapping_dates)
{
    Shanhai__V1__RegistryDoc *doc = s_doc;
    Shanhai__V1__Pairing *copy = malloc (sizeof *copy);
    shanhai__v1__pairing__init (copy);
    s_set (&copy->id, "p2");
    s_set (&copy->program, "hb");
    s_set (&copy->recipient, "r1");
    s_set (&copy->supporter, "s1");
    s_set (&copy->start, "2025-12-31");  // overlaps p1 on its last day
    s_set (&copy->end, "2026-12-31");
    doc->pairings = realloc (doc->pairings, 2 * sizeof *doc->pairings);
    doc->pairings[doc->n_pairings++] = copy;
    s_expect ("duplicates pairing \"p1\"");
    s_set (&copy->start, "2026-01-01");  // the day after: a renewal, not a duplicate
    s_expect (NULL);
}

Test (registry_model, duplicate_ids)
{
    s_set (&s_doc->people[1]->id, "a");
    s_expect ("person \"a\": the id is used twice");
}

Test (registry_model, liaison_officer_of_unknown_pairing)
{
    s_set (&s_doc->people[1]->pairing, "p9");
    s_expect ("liaison officer of pairing \"p9\", which is not a known pairing");
}

Test (registry_model, liaison_officer_outside_the_pair)
{
    s_set (&s_doc->people[1]->region, "r2");
    s_expect ("must be one of pairing \"p1\"'s counties");
}

Test (registry_model, leader_without_region)
{
    s_set (&s_doc->people[0]->region, "");
    s_expect ("a party_secretary needs a region");
}

Test (registry_model, program_office_of_unknown_program)
{
    s_set (&s_doc->people[2]->program, "zz");
    s_expect ("program office of \"zz\"");
}

Test (registry_model, id_and_name_limits)
{
    char id[ID_BYTES_MAX + 1];
    memset (id, 'x', sizeof id);
    id[ID_BYTES_MAX - 1] = '\0';
    s_set (&s_doc->people[0]->id, id);
    s_expect (NULL);
    id[ID_BYTES_MAX - 1] = 'x';
    id[ID_BYTES_MAX] = '\0';
    s_set (&s_doc->people[0]->id, id);
    s_expect ("people[0]: id");
    s_set (&s_doc->people[0]->id, "a");
    char name[NAME_BYTES_MAX + 1];
    memset (name, 'n', sizeof name);
    name[NAME_BYTES_MAX - 1] = '\0';
    s_set (&s_doc->people[0]->name, name);
    s_expect (NULL);
    name[NAME_BYTES_MAX - 1] = 'n';
    name[NAME_BYTES_MAX] = '\0';
    s_set (&s_doc->people[0]->name, name);
    s_expect ("name must be UTF-8 text of at most 255 bytes");
    s_set (&s_doc->people[0]->name, "");
    s_expect ("name is missing");
}

Test (registry_model, an_empty_document_replaces_nothing, .init = NULL, .fini = NULL)
{
    Shanhai__V1__RegistryDoc doc = SHANHAI__V1__REGISTRY_DOC__INIT;
    char errstr[256];
    cr_assert_eq (registry_model_validate (&doc, errstr, sizeof errstr), -1);
    cr_assert (strstr (errstr, "has no program"), "%s", errstr);
}

Test (registry_model, count_limit, .init = NULL, .fini = NULL)
{
    Shanhai__V1__RegistryDoc doc = SHANHAI__V1__REGISTRY_DOC__INIT;
    doc.n_programs = REGISTRY_PROGRAMS_MAX + 1;  // refused before any entry is read
    char errstr[256];
    cr_assert_eq (registry_model_validate (&doc, errstr, sizeof errstr), -1);
    cr_assert (strstr (errstr, "65 programs: at most 64"), "%s", errstr);
}

Test (registry_model, the_sample_registry_is_valid, .init = NULL, .fini = NULL)
{
    char *path = test_path (test_source_dir (), "data/registry.json");
    char errstr[512] = "";
    Shanhai__V1__RegistryDoc *doc = registry_json_read (path, errstr, sizeof errstr);
    cr_assert (doc, "%s", errstr);
    cr_assert_eq (registry_model_validate (doc, errstr, sizeof errstr), 0, "%s", errstr);
    cr_assert_eq (doc->n_programs, 5);
    // Hubei's 22 pairs, Zhejiang's 16 and the ended one, Wenzhou's 5.
    size_t hubei = 0, zhejiang = 0, wenzhou = 0;
    for (size_t index = 0; index < doc->n_pairings; index++) {
        const char *program = doc->pairings[index]->program;
        hubei += strcmp (program, "hb-shanchuan") == 0;
        zhejiang += strcmp (program, "zj-shanhai") == 0;
        wenzhou += strcmp (program, "wz-shanhai") == 0;
    }
    cr_assert_eq (hubei, 22);
    cr_assert_eq (zhejiang, 17);
    cr_assert_eq (wenzhou, 5);
    shanhai__v1__registry_doc__free_unpacked (doc, NULL);
    free (path);
}
