/*  The registry view over the sample registry: lookups, names filled in, who is attached to a
    pair, filters. The registry's answers and every replica's come from here. */
#include <criterion/criterion.h>
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
