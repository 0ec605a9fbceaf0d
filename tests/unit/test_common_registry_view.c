/*  The registry view over the sample registry: lookups, names filled in, who is attached to a
    pair, filters. The registry's answers and every replica's come from here. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "common/date.h"
#include "common/registry_model.h"
#include "common/registry_view.h"
#include "registry_json.h"
#include "support.h"

static registry_view_t *s_view;
static size_t s_pairings;

static void
s_setup (void)
{
    char errstr[512] = "";
    char *path = test_path (test_source_dir (), "data/registry.json");
    Shanhai__V1__RegistryDoc *doc = registry_json_read (path, errstr, sizeof errstr);
    free (path);
    cr_assert (doc, "%s", errstr);
    cr_assert_eq (registry_model_validate (doc, errstr, sizeof errstr), 0, "%s", errstr);
    s_pairings = doc->n_pairings;
    s_view = registry_view_new (&doc, 7, "d1");
    cr_assert_null (doc, "the view takes the document");
    cr_assert (s_view);
}

static void
s_teardown (void)
{
    registry_view_destroy (&s_view);
    registry_view_destroy (&s_view);
}

TestSuite (registry_view, .init = s_setup, .fini = s_teardown);

Test (registry_view, a_pairing_comes_with_its_names)
{
    cr_assert_eq (registry_view_version (s_view), 7);
    cr_assert_str_eq (registry_view_deployment (s_view), "d1");
    const Shanhai__V1__Pairing *pairing = registry_view_pairing (s_view, "hb-01");
    cr_assert (pairing);
    cr_assert_str_eq (pairing->recipient_name, "竹溪县");
    cr_assert_str_eq (pairing->supporter_name, "武汉东湖新技术开发区");
    cr_assert_str_eq (pairing->start, "2021-01-01");
    cr_assert_null (registry_view_pairing (s_view, "hb-99"));
    cr_assert (registry_view_program (s_view, "hb-shanchuan"));
    cr_assert_null (registry_view_program (s_view, "nowhere"));
    cr_assert_str_eq (registry_view_region (s_view, "hb-zhuxi")->name, "竹溪县");
    cr_assert (registry_view_person (s_view, "hb-zhuxi-sec"));
    cr_assert_null (registry_view_person (s_view, "hb-zhuxi-se"), "no prefix match");
}

Test (registry_view, pairings_are_sorted_by_id)
{
    const Shanhai__V1__RegistryDoc *doc = registry_view_doc (s_view);
    cr_assert_eq (doc->n_pairings, s_pairings);
    for (size_t index = 1; index < doc->n_pairings; index++)
        cr_assert_lt (strcmp (doc->pairings[index - 1]->id, doc->pairings[index]->id), 0);
}

Test (registry_view, everyone_attached_to_a_pair)
{
    const Shanhai__V1__Pairing *pairing = registry_view_pairing (s_view, "hb-01");
    size_t count = registry_view_people (s_view, pairing, NULL, 0);
    cr_assert_eq (count, 6, "2 leaders of each county, the liaison, the office");
    const Shanhai__V1__Person *people[6];
    cr_assert_eq (registry_view_people (s_view, pairing, people, 6), 6);
    Shanhai__V1__Role roles[] = {
        SHANHAI__V1__ROLE__PARTY_SECRETARY, SHANHAI__V1__ROLE__PARTY_SECRETARY,
        SHANHAI__V1__ROLE__COUNTY_HEAD,     SHANHAI__V1__ROLE__COUNTY_HEAD,
        SHANHAI__V1__ROLE__LIAISON_OFFICER, SHANHAI__V1__ROLE__PROGRAM_OFFICE,
    };
    for (size_t index = 0; index < 6; index++)
        cr_assert_eq (people[index]->role, roles[index], "person %zu: %s", index,
                      people[index]->id);
    cr_assert_str_eq (people[0]->region, "hb-zhuxi", "the recipient before the supporter");
    cr_assert_str_eq (people[1]->region, "hb-wuhan-donghu");
    cr_assert_str_eq (people[5]->id, "hb-shanchuan-office");
    // A smaller out gets the first ones and the full count.
    cr_assert_eq (registry_view_people (s_view, pairing, people, 2), 6);
    cr_assert_eq (people[1]->role, SHANHAI__V1__ROLE__PARTY_SECRETARY);
}

Test (registry_view, filters_combine)
{
    const Shanhai__V1__RegistryDoc *doc = registry_view_doc (s_view);
    int32_t day2020, day2019;
    date_parse ("2020-01-01", &day2020);
    date_parse ("2019-05-05", &day2019);
    size_t wenling = 0, yongjia = 0, all = 0;
    for (size_t index = 0; index < doc->n_pairings; index++) {
        const Shanhai__V1__Pairing *pairing = doc->pairings[index];
        all += registry_view_pairing_matches (pairing, "", NULL, -1);
        wenling += registry_view_pairing_matches (pairing, "zj-shanhai", "zj-wenling", day2020);
        yongjia += registry_view_pairing_matches (pairing, NULL, "zj-yongjia", day2019);
    }
    cr_assert_eq (all, s_pairings);
    cr_assert_eq (wenling, 2, "温岭市 supports 景宁县 and 三门县");
    cr_assert_eq (yongjia, 2, "永嘉-瓯海 in both the province's and the city's program");
}

// The ids of people[0..count) joined by spaces.
static void
s_ids (const Shanhai__V1__Person *const *people, size_t count, char *out, size_t out_size)
{
    out[0] = '\0';
    for (size_t index = 0; index < count; index++)
        snprintf (out + strlen (out), out_size - strlen (out), "%s%s", index ? " " : "",
                  people[index]->id);
}

// The county's people for a rule of program, as ids.
static size_t
s_county (const char *region, const char *program, char *out, size_t out_size)
{
    const Shanhai__V1__Person *people[16];
    size_t count = registry_view_county_people (s_view, region, program, NULL, 0);
    cr_assert_leq (count, 16);
    cr_assert_eq (registry_view_county_people (s_view, region, program, people, 16), count);
    s_ids (people, count, out, out_size);
    return count;
}

Test (registry_view, everyone_a_county_rule_concerns_in_one_program)
{
    char ids[512];
    // 永嘉县 is the recipient of zj-01 (the province's program) and wz-01 (the city's): a rule
    // of the city's program concerns wz-01's liaison officer, not zj-01's.
    cr_assert_eq (s_county ("zj-yongjia", "wz-shanhai", ids, sizeof ids), 4);
    cr_assert_str_eq (ids, "zj-yongjia-sec zj-yongjia-head wz-01-liaison wz-shanhai-office");
    s_county ("zj-yongjia", "zj-shanhai", ids, sizeof ids);
    cr_assert_str_eq (ids, "zj-yongjia-sec zj-yongjia-head zj-01-liaison zj-shanhai-office");
    // A supporter's: its own leaders and the liaison officers of the pairs it supports.
    s_county ("zj-wenzhou-ouhai", "wz-shanhai", ids, sizeof ids);
    cr_assert_str_eq (ids, "zj-wenzhou-ouhai-sec zj-wenzhou-ouhai-head wz-01-liaison "
                           "wz-shanhai-office");
    // 景宁县 has two supporters in its program: both pairings' liaison officers, by id.
    s_county ("zj-jingning", "ls-jingning", ids, sizeof ids);
    cr_assert_str_eq (ids, "zj-jingning-sec zj-jingning-head ls-01-liaison ls-02-liaison "
                           "ls-jingning-office");
    // A smaller out gets the first ones and the full count.
    const Shanhai__V1__Person *people[2];
    cr_assert_eq (registry_view_county_people (s_view, "zj-jingning", "ls-jingning", people, 2),
                  5);
    cr_assert_str_eq (people[1]->id, "zj-jingning-head");
}

Test (registry_view, a_county_or_program_not_in_the_registry_concerns_no_one)
{
    char ids[512];
    cr_assert_eq (s_county ("zj-nowhere", "wz-shanhai", ids, sizeof ids), 0);
    cr_assert_eq (s_county ("zj-yongjia", "nowhere", ids, sizeof ids), 0);
    cr_assert_eq (s_county ("", "", ids, sizeof ids), 0);
    // A county outside the program: its leaders and the office, no liaison officer.
    s_county ("hb-zhuxi", "wz-shanhai", ids, sizeof ids);
    cr_assert_str_eq (ids, "hb-zhuxi-sec hb-zhuxi-head wz-shanhai-office");
}

Test (registry_view, a_program_office)
{
    const Shanhai__V1__Person *people[4];
    cr_assert_eq (registry_view_office (s_view, "wz-shanhai", NULL, 0), 1);
    cr_assert_eq (registry_view_office (s_view, "wz-shanhai", people, 4), 1);
    cr_assert_str_eq (people[0]->id, "wz-shanhai-office");
    cr_assert_eq (people[0]->role, SHANHAI__V1__ROLE__PROGRAM_OFFICE);
    cr_assert_eq (registry_view_office (s_view, "nowhere", people, 4), 0);
    cr_assert_eq (registry_view_office (s_view, "hb-zhuxi", people, 4), 0, "a region is not one");
}
