/*  Parks in the registry: read from the file (plans in 万元, held in fen), checked by the
    model, found by the view; the sample's five Wenzhou parks carry annex 1's figures. */
#include <criterion/criterion.h>
#include <string.h>
#include "common/limits.h"
#include "common/registry_model.h"
#include "common/registry_view.h"
#include "registry_json.h"
#include "support.h"

#define S_BASE                                                                                 \
    "\"programs\": [{\"id\": \"wz\", \"name\": \"温州\"}],"                                    \
    " \"regions\": [{\"code\": \"r1\", \"name\": \"永嘉县\"},"                               \
    "  {\"code\": \"s1\", \"name\": \"瓯海区\"}],"                                               \
    " \"pairings\": [{\"id\": \"p1\", \"program\": \"wz\", \"recipient\": \"r1\","              \
    "  \"supporter\": \"s1\", \"start\": \"2018-01-01\", \"end\": \"2020-12-31\"}],"            \
    " \"people\": []"
#define S_PLAN(year, category, projects, total, completion)                                    \
    "{\"year\": " #year ", \"category\": \"" category "\", \"projects\": " #projects           \
    ", \"planned_total_wan\": " #total ", \"planned_completion_wan\": " #completion "}"

// Reads and validates {S_BASE, "parks": parks}; expects what in the error, or success (NULL).
static void
s_expect (const char *parks, const char *what)
{
    char text[4096];
    snprintf (text, sizeof text, "{" S_BASE ", \"parks\": %s}", parks);
    json_error_t error;
    json_t *root = json_loads (text, 0, &error);
    cr_assert (root, "%s: %s", text, error.text);
    char errstr[512] = "";
    Shanhai__V1__RegistryDoc *doc = registry_json_convert (root, errstr, sizeof errstr);
    json_decref (root);
    int rc = doc ? registry_model_validate (doc, errstr, sizeof errstr) : -1;
    if (doc)
        shanhai__v1__registry_doc__free_unpacked (doc, NULL);
    if (!what)
        cr_assert_eq (rc, 0, "%s", errstr);
    else {
        cr_assert_eq (rc, -1, "accepted, expected '%s'", what);
        cr_assert (strstr (errstr, what), "error '%s' lacks '%s'", errstr, what);
    }
}

#define S_PARK(id, pairing, area, plans)                                                      \
    "[{\"id\": \"" id "\", \"name\": \"园\", \"pairing\": \"" pairing "\", \"area_km2\": " #area \
    ", \"plans\": [" plans "]}]"

Test (registry_parks, a_park_and_its_plans)
{
    s_expect ("[]", NULL);
    s_expect (S_PARK ("k1", "p1", 3.5, S_PLAN (2018, "gov", 2, 200000, 10000) ","
                      S_PLAN (2018, "invest", 1, 10000, 5000)), NULL);
    s_expect (S_PARK ("k1", "p1", 1000, ""), NULL);
}

Test (registry_parks, every_rule_names_the_park)
{
    s_expect (S_PARK ("k 1", "p1", 1, ""), "parks[0]: id \"k 1\" must be");
    s_expect (S_PARK ("k1", "p9", 1, ""), "park \"k1\": pairing \"p9\" is not a known pairing");
    s_expect (S_PARK ("k1", "p1", 0, ""), "park \"k1\": area_km2 must be more than 0");
    s_expect (S_PARK ("k1", "p1", 1000.5, ""), "at most 1000");
    s_expect (S_PARK ("k1", "p1", 1, S_PLAN (2018, "other", 1, 1, 1)),
              "plans[0]: category \"other\" must be gov or invest");
    s_expect (S_PARK ("k1", "p1", 1, S_PLAN (1999, "gov", 1, 1, 1)), "year 1999 is not in");
    s_expect (S_PARK ("k1", "p1", 1, S_PLAN (2018, "gov", 1, 1, 1) "," S_PLAN (2018, "gov", 1,
                                                                               1, 1)),
              "the gov plan of 2018 is given twice");
    s_expect (S_PARK ("k1", "p1", 1, S_PLAN (2018, "gov", 1, 10, 11)),
              "planned completion <= planned total");
    s_expect (S_PARK ("k1", "p1", 1, S_PLAN (2018, "gov", 10001, 10, 1)), "0..10000 projects");
    s_expect (S_PARK ("k1", "p1", 1, S_PLAN (2018, "gov", 10000, 10, 1)), NULL);
    s_expect ("[{\"id\": \"k1\", \"name\": \"园\", \"pairing\": \"p1\"}]",
              "parks[0] \"k1\": ");
    s_expect ("[{\"id\": \"k1\", \"name\": \"园\", \"pairing\": \"p1\", \"area_km2\": 1,"
              " \"owner\": \"x\"}]", "parks[0] \"k1\": ");
    s_expect ("[{\"id\": \"k1\", \"name\": \"园\", \"pairing\": \"p1\", \"area_km2\": 1,"
              " \"plans\": [{\"year\": 2018}]}]", "parks[0] \"k1\" plans[0]: ");
    s_expect ("{}", "\"parks\" must be a list");
}

// Annex 1 of 003, as the sample registry holds it, read back in fen.
Test (registry_parks, the_sample_holds_annex_1)
{
    char *path = test_path (test_source_dir (), "data/registry.json");
    char errstr[512] = "";
    Shanhai__V1__RegistryDoc *doc = registry_json_read (path, errstr, sizeof errstr);
    free (path);
    cr_assert (doc, "%s", errstr);
    cr_assert_eq (registry_model_validate (doc, errstr, sizeof errstr), 0, "%s", errstr);
    cr_assert_eq (doc->n_parks, 5);
    registry_view_t *view = registry_view_new (&doc, 1, "test");
    cr_assert (view);
    const Shanhai__V1__Park *wencheng = registry_view_park (view, "wz-park-wencheng");
    cr_assert (wencheng);
    cr_assert_str_eq (wencheng->pairing, "wz-03");
    cr_assert_float_eq (wencheng->area_km2, 4.5, 1e-9);
    cr_assert_eq (wencheng->n_plans, 6, "three years, two categories");
    const Shanhai__V1__ParkPlan *plan = registry_view_park_plan (wencheng, 2019, "invest");
    cr_assert (plan);
    cr_assert_eq (plan->projects, 8);
    cr_assert_eq (plan->planned_total_fen, 450000 * FEN_PER_WAN);
    cr_assert_eq (plan->planned_completion_fen, 30000 * FEN_PER_WAN);
    const Shanhai__V1__Park *pingyang = registry_view_park (view, "wz-park-pingyang");
    cr_assert_float_eq (pingyang->area_km2, 1.48, 1e-9);
    plan = registry_view_park_plan (pingyang, 2020, "gov");
    cr_assert_eq (plan->projects, 12);
    cr_assert_eq (plan->planned_completion_fen, 32511 * FEN_PER_WAN);
    cr_assert_null (registry_view_park_plan (pingyang, 2021, "gov"));
    cr_assert_null (registry_view_park (view, "nowhere"));
    const char *pairings[] = { "wz-01", "wz-02", "wz-03", "wz-04", "wz-05" };
    for (size_t index = 0; index < 5; index++)
        cr_assert_str_eq (registry_view_doc (view)->parks[index]->pairing, pairings[index]);
    registry_view_destroy (&view);
}
