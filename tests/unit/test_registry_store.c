/*  The registry's file: each load a new version of the document, the deployment id, the
    clock, and the events. */
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

Test (registry_store, the_newest_document_comes_back_as_loaded)
{
    uint64_t version;
    Shanhai__V1__RegistryDoc *doc = registry_store_document (s_store, &version);
    cr_assert (doc);
    cr_assert_eq (version, 1);
    cr_assert_eq (doc->n_pairings, s_sample->n_pairings);
    cr_assert_eq (doc->n_people, s_sample->n_people);
    cr_assert_str_eq (doc->pairings[0]->id, s_sample->pairings[0]->id);
    shanhai__v1__registry_doc__free_unpacked (doc, NULL);
}

Test (registry_store, the_deployment_is_made_once_and_kept)
{
    const char *deployment = registry_store_deployment (s_store);
    cr_assert_eq (strlen (deployment), 32, "32 hex digits: %s", deployment);
    cr_assert_eq (strspn (deployment, "0123456789abcdef"), 32);
    char kept[REGISTRY_DEPLOYMENT_BYTES];
    snprintf (kept, sizeof kept, "%s", deployment);
    registry_store_destroy (&s_store);
    char *path = test_path (s_dir, "registry.db");
    char pub[64], errstr[512] = "";
    test_free_endpoint (pub, sizeof pub);
    s_store = registry_store_new (path, pub, errstr, sizeof errstr);
    free (path);
    cr_assert (s_store, "%s", errstr);
    cr_assert_str_eq (registry_store_deployment (s_store), kept);
    // Another data directory is another deployment.
    char *other_dir = test_tmpdir ();
    path = test_path (other_dir, "registry.db");
    test_free_endpoint (pub, sizeof pub);
    registry_store_t *other = registry_store_new (path, pub, errstr, sizeof errstr);
    cr_assert (other, "%s", errstr);
    cr_assert_str_neq (registry_store_deployment (other), kept);
    registry_store_destroy (&other);
    free (path);
    test_rmdir (other_dir);
    free (other_dir);
}

Test (registry_store, a_load_replaces_everything_and_is_an_event)
{
    Shanhai__V1__RegistryDoc small = SHANHAI__V1__REGISTRY_DOC__INIT;
    small.n_programs = 1;
    small.programs = s_sample->programs;
    Shanhai__V1__LoadReply reply = SHANHAI__V1__LOAD_REPLY__INIT;
    cr_assert_eq (registry_store_load (s_store, &small, &reply), 0);
    cr_assert_eq (reply.version, 2);
    uint64_t version;
    Shanhai__V1__RegistryDoc *doc = registry_store_document (s_store, &version);
    cr_assert_eq (version, 2);
    cr_assert_eq (doc->n_pairings, 0);
    cr_assert_eq (doc->n_programs, 1);
    shanhai__v1__registry_doc__free_unpacked (doc, NULL);
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
