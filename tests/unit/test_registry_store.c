/*  The registry's file: a load replaces everything, queries, the clock, and the events. */
#include <criterion/criterion.h>
#include <string.h>
#include "common/date.h"
#include "registry_json.h"
#include "registry_store.h"
#include "support.h"

static char *s_dir;
static registry_store_t *s_store;
static Shanhai__V1__RegistryDoc *s_sample;

static void
s_setup (void)
{
    s_dir = test_tmpdir ();
    char *path = test_path (s_dir, "registry.db");
    char pub[64], errstr[512] = "";
    test_free_endpoint (pub, sizeof pub);
    s_store = registry_store_new (path, pub, errstr, sizeof errstr);
    cr_assert (s_store, "%s", errstr);
    free (path);
    path = test_path (test_source_dir (), "data/registry.json");
    s_sample = registry_json_read (path, errstr, sizeof errstr);
    cr_assert (s_sample, "%s", errstr);
    free (path);
    Shanhai__V1__LoadReply reply = SHANHAI__V1__LOAD_REPLY__INIT;
    cr_assert_eq (registry_store_load (s_store, s_sample, &reply), 0);
    cr_assert_eq (reply.version, 1);
    cr_assert_eq (reply.pairings, s_sample->n_pairings);
}

static void
s_teardown (void)
{
    shanhai__v1__registry_doc__free_unpacked (s_sample, NULL);
    registry_store_destroy (&s_store);
    test_rmdir (s_dir);
    free (s_dir);
}

TestSuite (registry_store, .init = s_setup, .fini = s_teardown);

Test (registry_store, a_pairing_comes_with_its_names)
{
    bool failed;
    Shanhai__V1__Pairing *pairing = registry_store_pairing (s_store, "hb-01", &failed);
    cr_assert (pairing);
    cr_assert_str_eq (pairing->recipient_name, "竹溪县");
    cr_assert_str_eq (pairing->supporter_name, "武汉东湖新技术开发区");
    cr_assert_str_eq (pairing->start, "2021-01-01");
    shanhai__v1__pairing__free_unpacked (pairing, NULL);
    cr_assert_null (registry_store_pairing (s_store, "hb-99", &failed));
    cr_assert_not (failed);
}

Test (registry_store, the_people_of_a_pair)
{
    bool failed;
    Shanhai__V1__Pairing *pairing = registry_store_pairing (s_store, "hb-01", &failed);
    Shanhai__V1__PersonList *people = registry_store_people (s_store, pairing);
    cr_assert_eq (people->n_people, 6, "2 leaders of each county, the liaison, the office");
    int roles[5] = { 0 };
    for (size_t index = 0; index < people->n_people; index++)
        roles[people->people[index]->role]++;
    cr_assert_eq (roles[SHANHAI__V1__ROLE__PARTY_SECRETARY], 2);
    cr_assert_eq (roles[SHANHAI__V1__ROLE__COUNTY_HEAD], 2);
    cr_assert_eq (roles[SHANHAI__V1__ROLE__LIAISON_OFFICER], 1);
    cr_assert_eq (roles[SHANHAI__V1__ROLE__PROGRAM_OFFICE], 1);
    cr_assert_str_eq (people->people[5]->id, "hb-shanchuan-office", "ordered by role");
    shanhai__v1__person_list__free_unpacked (people, NULL);
    shanhai__v1__pairing__free_unpacked (pairing, NULL);
}

Test (registry_store, filters_combine)
{
    Shanhai__V1__PairingList *list = registry_store_pairings (s_store, "", "", "");
    cr_assert_eq (list->n_pairings, s_sample->n_pairings);
    shanhai__v1__pairing_list__free_unpacked (list, NULL);
    list = registry_store_pairings (s_store, "zj-shanhai", "zj-wenling", "2020-01-01");
    cr_assert_eq (list->n_pairings, 2, "温岭市 supports 景宁县 and 三门县");
    shanhai__v1__pairing_list__free_unpacked (list, NULL);
    list = registry_store_pairings (s_store, "", "zj-yongjia", "2019-05-05");
    cr_assert_eq (list->n_pairings, 2, "永嘉-瓯海 in both the province's and the city's program");
    shanhai__v1__pairing_list__free_unpacked (list, NULL);
}

Test (registry_store, a_load_replaces_everything_and_is_an_event)
{
    Shanhai__V1__RegistryDoc small = SHANHAI__V1__REGISTRY_DOC__INIT;
    small.n_programs = 1;
    small.programs = s_sample->programs;
    Shanhai__V1__LoadReply reply = SHANHAI__V1__LOAD_REPLY__INIT;
    cr_assert_eq (registry_store_load (s_store, &small, &reply), 0);
    cr_assert_eq (reply.version, 2);
    Shanhai__V1__PairingList *list = registry_store_pairings (s_store, "", "", "");
    cr_assert_eq (list->n_pairings, 0);
    shanhai__v1__pairing_list__free_unpacked (list, NULL);
    cr_assert_eq (outbox_head (registry_store_outbox (s_store)), 2, "two registry.changed");
}

Test (registry_store, the_clock)
{
    bool fixed;
    cr_assert_eq (registry_store_clock (s_store, &fixed), -1, "no clock before the first move");
    int32_t day;
    date_parse ("2021-03-01", &day);
    cr_assert_eq (registry_store_set_clock (s_store, day, true), 0);
    cr_assert_eq (registry_store_clock (s_store, &fixed), day);
    cr_assert (fixed);
    cr_assert_eq (registry_store_set_clock (s_store, day + 1, false), 0);
    cr_assert_eq (registry_store_clock (s_store, &fixed), day + 1);
    cr_assert_not (fixed);
    cr_assert_eq (outbox_head (registry_store_outbox (s_store)), 3, "a load and two moves");
}
