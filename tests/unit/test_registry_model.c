/*  The registry's rules, one by one, on a small valid document that each test breaks once. */
#include <criterion/criterion.h>
#include <string.h>
#include "common/date.h"
#include "common/limits.h"
#include "registry_json.h"
#include "common/registry_model.h"
#include "support.h"

static const char *s_document
    = "{\"programs\": [{\"id\": \"hb\", \"name\": \"湖北省山川协作\"}],"
      " \"regions\": [{\"code\": \"r1\", \"name\": \"竹溪县\"}, {\"code\": \"s1\", \"name\": \"东湖\"},"
      "               {\"code\": \"r2\", \"name\": \"五峰县\"}],"
      " \"pairings\": [{\"id\": \"p1\", \"program\": \"hb\", \"recipient\": \"r1\","
      "               \"supporter\": \"s1\", \"start\": \"2021-01-01\","
      "               \"end\": \"2025-12-31\"}],"
      " \"people\": [{\"id\": \"a\", \"name\": \"甲\", \"region\": \"r1\","
      "              \"role\": \"party_secretary\"},"
      "             {\"id\": \"b\", \"name\": \"乙\", \"region\": \"s1\", \"pairing\": \"p1\","
      "              \"role\": \"liaison_officer\"},"
      "             {\"id\": \"c\", \"name\": \"办\", \"program\": \"hb\","
      "              \"role\": \"program_office\"}]}";

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

Test (registry_model, unknown_supporter)
{
    s_set (&s_doc->pairings[0]->supporter, "hb-nowhere");
    s_expect ("pairing \"p1\": supporter \"hb-nowhere\" is not a known region");
}

Test (registry_model, malformed_ids)
{
    s_set (&s_doc->pairings[0]->id, "p 1");
    s_expect ("pairings[0]: id \"p 1\" must be 1..63 characters");
    s_set (&s_doc->pairings[0]->id, "");
    s_expect ("pairings[0]: id \"\" must be");
    s_set (&s_doc->pairings[0]->id, "p1");
    s_set (&s_doc->regions[1]->code, "东湖");
    s_expect ("regions[1]: code \"东湖\" must be");
    s_set (&s_doc->regions[1]->code, "s1");
    s_set (&s_doc->programs[0]->id, "hb/1");
    s_expect ("programs[0]: id \"hb/1\" must be");
}

Test (registry_model, ids_are_unique_within_their_kind)
{
    s_set (&s_doc->regions[2]->code, "r1");
    s_expect ("region \"r1\": the id is used twice");
    s_set (&s_doc->regions[2]->code, "r2");
    // The same id in two kinds is fine: a program and a person may both be "hb".
    s_set (&s_doc->people[0]->id, "hb");
    s_expect (NULL);
}

Test (registry_model, a_start_date_is_checked)
{
    s_set (&s_doc->pairings[0]->start, "2021-1-1");
    s_expect ("pairing \"p1\": start \"2021-1-1\" is not a date");
    s_set (&s_doc->pairings[0]->start, "1999-12-31");
    s_expect ("start \"1999-12-31\" is not a date YYYY-MM-DD in 2000..2099");
    s_set (&s_doc->pairings[0]->start, "2021-01-01");
    s_set (&s_doc->pairings[0]->end, "");
    s_expect ("pairing \"p1\": end \"\" is not a date");
}

Test (registry_model, duplicate_pairing_ids)
{
    Shanhai__V1__Pairing *copy = malloc (sizeof *copy);
    shanhai__v1__pairing__init (copy);
    s_set (&copy->id, "p1");
    s_set (&copy->program, "hb");
    s_set (&copy->recipient, "r2");
    s_set (&copy->supporter, "s1");
    s_set (&copy->start, "2021-01-01");
    s_set (&copy->end, "2025-12-31");
    s_doc->pairings = realloc (s_doc->pairings, 2 * sizeof *s_doc->pairings);
    s_doc->pairings[s_doc->n_pairings++] = copy;
    s_expect ("pairing \"p1\": the id is used twice");
    s_set (&copy->id, "p2");
    s_expect (NULL);  // one supporter with two recipients is allowed (温岭市 in 000 (十七))
}

Test (registry_model, unknown_role)
{
    s_doc->people[0]->role = SHANHAI__V1__ROLE__ROLE_UNSPECIFIED;
    s_expect ("person \"a\": role must be party_secretary, county_head");
    s_doc->people[0]->role = (Shanhai__V1__Role) 9;
    s_expect ("person \"a\": role must be");
}

Test (registry_model, unknown_person_region)
{
    s_set (&s_doc->people[0]->region, "r9");
    s_expect ("person \"a\": region \"r9\" is not a known region");
}

Test (registry_model, a_county_head_needs_a_region)
{
    s_doc->people[0]->role = SHANHAI__V1__ROLE__COUNTY_HEAD;
    s_expect (NULL);
    s_set (&s_doc->people[0]->region, "");
    s_expect ("a county_head needs a region");
}

Test (registry_model, a_liaison_officer_from_the_recipient)
{
    s_set (&s_doc->people[1]->region, "r1");
    s_expect (NULL);
    s_set (&s_doc->people[1]->region, "");
    s_expect ("must be one of pairing \"p1\"'s counties (r1, s1)");
}

Test (registry_model, note_and_source_limits)
{
    char note[SOURCE_BYTES_MAX + 1];
    memset (note, 'n', sizeof note);
    note[SOURCE_BYTES_MAX - 1] = '\0';
    s_set (&s_doc->pairings[0]->note, note);
    s_set (&s_doc->programs[0]->source, note);
    s_expect (NULL);
    note[SOURCE_BYTES_MAX - 1] = 'n';
    note[SOURCE_BYTES_MAX] = '\0';
    s_set (&s_doc->pairings[0]->note, note);
    s_expect ("pairing \"p1\": note must be UTF-8 text of at most 511 bytes");
    s_set (&s_doc->pairings[0]->note, "line\nbreak");
    s_expect ("pairing \"p1\": note must be UTF-8 text");
    s_set (&s_doc->pairings[0]->note, "");
    s_set (&s_doc->programs[0]->source, note);
    s_expect ("program \"hb\": source must be UTF-8 text of at most 511 bytes");
    s_set (&s_doc->programs[0]->source, "\xe7\xab");  // cut UTF-8
    s_expect ("program \"hb\": source must be UTF-8 text");
}

// A document of count regions "r0".."r<count-1>" and one program, built in code.
static Shanhai__V1__RegistryDoc *
s_regions_doc (size_t count)
{
    Shanhai__V1__RegistryDoc *doc = malloc (sizeof *doc);
    shanhai__v1__registry_doc__init (doc);
    doc->programs = calloc (1, sizeof *doc->programs);
    doc->programs[0] = malloc (sizeof **doc->programs);
    shanhai__v1__program__init (doc->programs[0]);
    doc->n_programs = 1;
    s_set (&doc->programs[0]->id, "p");
    s_set (&doc->programs[0]->name, "program");
    doc->regions = calloc (count, sizeof *doc->regions);
    for (size_t index = 0; index < count; index++) {
        Shanhai__V1__Region *region = malloc (sizeof *region);
        shanhai__v1__region__init (region);
        char code[16];
        snprintf (code, sizeof code, "r%zu", index);
        s_set (&region->code, code);
        s_set (&region->name, "county");
        doc->regions[doc->n_regions++] = region;
    }
    return doc;
}

Test (registry_model, region_count_limit, .init = NULL, .fini = NULL)
{
    Shanhai__V1__RegistryDoc *doc = s_regions_doc (REGISTRY_REGIONS_MAX + 1);
    char errstr[256] = "";
    doc->n_regions = REGISTRY_REGIONS_MAX;
    cr_assert_eq (registry_model_validate (doc, errstr, sizeof errstr), 0, "%s", errstr);
    doc->n_regions = REGISTRY_REGIONS_MAX + 1;
    cr_assert_eq (registry_model_validate (doc, errstr, sizeof errstr), -1);
    cr_assert (strstr (errstr, "4097 regions: at most 4096"), "%s", errstr);
    shanhai__v1__registry_doc__free_unpacked (doc, NULL);
}

// At the limit: as many pairings of two regions as allowed, one day each so that none
// overlaps another, and as many people. One more of either is refused.
Test (registry_model, pairing_and_people_count_limits, .init = NULL, .fini = NULL)
{
    Shanhai__V1__RegistryDoc *doc = s_regions_doc (2);
    int32_t first_day = date_from_ymd (2001, 1, 1);
    doc->pairings = calloc (REGISTRY_PAIRINGS_MAX + 1, sizeof *doc->pairings);
    for (size_t index = 0; index <= REGISTRY_PAIRINGS_MAX; index++) {
        Shanhai__V1__Pairing *pairing = malloc (sizeof *pairing);
        shanhai__v1__pairing__init (pairing);
        char id[16], day[DATE_TEXT_BYTES];
        snprintf (id, sizeof id, "p%zu", index);
        date_format (first_day + (int32_t) index, day);
        s_set (&pairing->id, id);
        s_set (&pairing->program, "p");
        s_set (&pairing->recipient, "r0");
        s_set (&pairing->supporter, "r1");
        s_set (&pairing->start, day);
        s_set (&pairing->end, day);
        doc->pairings[doc->n_pairings++] = pairing;
    }
    doc->people = calloc (REGISTRY_PEOPLE_MAX + 1, sizeof *doc->people);
    for (size_t index = 0; index <= REGISTRY_PEOPLE_MAX; index++) {
        Shanhai__V1__Person *person = malloc (sizeof *person);
        shanhai__v1__person__init (person);
        char id[16];
        snprintf (id, sizeof id, "h%zu", index);
        s_set (&person->id, id);
        s_set (&person->name, "head");
        s_set (&person->region, "r0");
        person->role = SHANHAI__V1__ROLE__COUNTY_HEAD;
        doc->people[doc->n_people++] = person;
    }
    char errstr[256] = "";
    doc->n_pairings = REGISTRY_PAIRINGS_MAX;
    doc->n_people = REGISTRY_PEOPLE_MAX;
    cr_assert_eq (registry_model_validate (doc, errstr, sizeof errstr), 0, "%s", errstr);
    doc->n_pairings = REGISTRY_PAIRINGS_MAX + 1;
    cr_assert_eq (registry_model_validate (doc, errstr, sizeof errstr), -1);
    cr_assert (strstr (errstr, "4097 pairings: at most 4096"), "%s", errstr);
    doc->n_pairings = REGISTRY_PAIRINGS_MAX;
    doc->n_people = REGISTRY_PEOPLE_MAX + 1;
    cr_assert_eq (registry_model_validate (doc, errstr, sizeof errstr), -1);
    cr_assert (strstr (errstr, "32769 people: at most 32768"), "%s", errstr);
    doc->n_pairings = REGISTRY_PAIRINGS_MAX + 1;
    shanhai__v1__registry_doc__free_unpacked (doc, NULL);
}

Test (registry_model, an_empty_document_replaces_nothing, .init = NULL, .fini = NULL)
{
    Shanhai__V1__RegistryDoc doc = SHANHAI__V1__REGISTRY_DOC__INIT;
    char errstr[256];
    cr_assert_eq (registry_model_validate (&doc, errstr, sizeof errstr), -1);
    cr_assert (strstr (errstr, "has no program"), "%s", errstr);
}

Test (registry_model, program_count_limit, .init = NULL, .fini = NULL)
{
    Shanhai__V1__RegistryDoc *doc = malloc (sizeof *doc);
    shanhai__v1__registry_doc__init (doc);
    doc->programs = calloc (REGISTRY_PROGRAMS_MAX + 1, sizeof *doc->programs);
    for (size_t index = 0; index <= REGISTRY_PROGRAMS_MAX; index++) {
        Shanhai__V1__Program *program = malloc (sizeof *program);
        shanhai__v1__program__init (program);
        char id[16];
        snprintf (id, sizeof id, "program-%zu", index);
        s_set (&program->id, id);
        s_set (&program->name, "a program");
        doc->programs[doc->n_programs++] = program;
    }
    char errstr[256] = "";
    doc->n_programs = REGISTRY_PROGRAMS_MAX;
    cr_assert_eq (registry_model_validate (doc, errstr, sizeof errstr), 0, "%s", errstr);
    doc->n_programs = REGISTRY_PROGRAMS_MAX + 1;
    cr_assert_eq (registry_model_validate (doc, errstr, sizeof errstr), -1);
    cr_assert (strstr (errstr, "65 programs: at most 64"), "%s", errstr);
    shanhai__v1__registry_doc__free_unpacked (doc, NULL);
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
