/*  The apps file: made at first start with an admin and a viewer, read back; refused with the
    entry named when an entry is wrong; and what an application may write and read. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "common/limits.h"
#include "gateway_apps.h"
#include "support.h"

static char *
s_write (const char *dir, const char *text)
{
    char *path = test_path (dir, "apps.json");
    FILE *file = fopen (path, "w");
    fputs (text, file);
    fclose (file);
    return path;
}

Test (gateway_apps, a_missing_file_is_made_with_an_admin_and_a_viewer)
{
    char *dir = test_tmpdir ();
    char *path = test_path (dir, "gateway-apps.json");
    char errstr[256] = "";
    gateway_apps_t *apps = gateway_apps_load (path, false, errstr, sizeof errstr);
    cr_assert_null (apps, "not made unless asked");
    apps = gateway_apps_load (path, true, errstr, sizeof errstr);
    cr_assert_not_null (apps, "%s", errstr);
    cr_assert_eq (gateway_apps_count (apps), 2);
    const gateway_app_t *admin = gateway_apps_find (apps, "admin");
    const gateway_app_t *viewer = gateway_apps_find (apps, "viewer");
    cr_assert (admin && viewer);
    cr_assert_eq (strlen (gateway_app_secret (admin)), 64);
    cr_assert_str_neq (gateway_app_secret (admin), gateway_app_secret (viewer));
    cr_assert (gateway_app_writes (admin, "hb-zhuxi") && gateway_app_reads_all (admin));
    cr_assert (!gateway_app_writes (viewer, "hb-zhuxi") && gateway_app_reads_all (viewer));
    struct stat status;
    cr_assert_eq (stat (path, &status), 0);
    cr_assert_eq (status.st_mode & 0777, 0600, "the secrets are the owner's alone");
    // Read again: the same secrets, not new ones.
    char secret[GATEWAY_SECRET_BYTES_MAX + 1];
    snprintf (secret, sizeof secret, "%s", gateway_app_secret (admin));
    gateway_apps_destroy (&apps);
    apps = gateway_apps_load (path, true, errstr, sizeof errstr);
    cr_assert_str_eq (gateway_app_secret (gateway_apps_find (apps, "admin")), secret);
    gateway_apps_destroy (&apps);
    gateway_apps_destroy (&apps);
    free (path);
    test_rmdir (dir);
    free (dir);
}

Test (gateway_apps, a_county_writes_for_its_regions_and_reads_its_own)
{
    char *dir = test_tmpdir ();
    char *path = s_write (dir, "[{\"key\": \"bus-zhuxi\", \"secret\": \"0123456789abcdef\", "
                               "\"write\": [\"hb-zhuxi\"], \"read\": \"own\"}]");
    char errstr[256] = "";
    gateway_apps_t *apps = gateway_apps_load (path, false, errstr, sizeof errstr);
    cr_assert_not_null (apps, "%s", errstr);
    const gateway_app_t *app = gateway_apps_find (apps, "bus-zhuxi");
    cr_assert (gateway_app_writes (app, "hb-zhuxi"));
    cr_assert_not (gateway_app_writes (app, "hb-wufeng"));
    cr_assert_not (gateway_app_reads_all (app));
    cr_assert_null (gateway_apps_find (apps, "bus"));
    gateway_apps_destroy (&apps);
    free (path);
    test_rmdir (dir);
    free (dir);
}

Test (gateway_apps, a_bad_entry_is_named)
{
    struct { const char *text, *expected; } cases[] = {
        { "{}", "must be a list" },
        { "[{\"key\": \"a\", \"secret\": \"0123456789abcdef\", \"write\": \"*\", \"read\": \"*\", "
          "\"admin\": true}]", "apps[0]: unknown member \"admin\"" },
        { "[{\"key\": \"a\", \"secret\": \"0123456789abcde\", \"write\": \"*\", \"read\": \"*\"}]",
          "apps[0] \"a\": \"secret\" must be 16..128 bytes" },
        { "[{\"key\": \"a\", \"secret\": \"0123456789abcdef\", \"write\": \"*\", "
          "\"read\": \"all\"}]",
          "\"read\" must be \"*\" or \"own\"" },
        { "[{\"key\": \"a\", \"secret\": \"0123456789abcdef\", \"write\": [\"a b\"], "
          "\"read\": \"*\"}]", "write[0] is not a region id" },
        { "[{\"key\": \"a\", \"secret\": \"0123456789abcdef\", \"read\": \"*\"}]",
          "\"write\" is missing" },
        { "[{\"key\": \"a\", \"secret\": \"0123456789abcdef\", \"write\": [], \"read\": \"*\"},"
          " {\"key\": \"a\", \"secret\": \"0123456789abcdef\", \"write\": [], \"read\": \"*\"}]",
          "apps[1]: the key \"a\" is given twice" },
        { "[{\"key\": \"a b\"}]", "apps[0]: \"key\" must be an id" },
        { "[", "not valid JSON" },
    };
    char *dir = test_tmpdir ();
    for (size_t index = 0; index < sizeof cases / sizeof cases[0]; index++) {
        char *path = s_write (dir, cases[index].text);
        char errstr[256] = "";
        cr_assert_null (gateway_apps_load (path, false, errstr, sizeof errstr), "%s",
                        cases[index].text);
        cr_assert (strstr (errstr, cases[index].expected), "'%s' does not say '%s'", errstr,
                   cases[index].expected);
        free (path);
    }
    test_rmdir (dir);
    free (dir);
}
