#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/config.h"
#include "common/vocab.h"
#include "support.h"

static void
s_clear (void)
{
    const char *names[] = { "SHANHAI_DATA_DIR", "SHANHAI_POLICY_DIR", "SHANHAI_REDIS",
                            "SHANHAI_CLOCK", "SHANHAI_LOG_LEVEL", "SHANHAI_LEDGER_RPC",
                            "SHANHAI_GATEWAY_HTTP", "SHANHAI_GATEWAY_APPS",
                            "SHANHAI_GATEWAY_METRICS",
                            "SHANHAI_LANGUAGE", "SHANHAI_TEMPLATE_DIR",
                            "SHANHAI_DELIVERY_WINDOW_MS", "SHANHAI_DELIVERY_BACKOFF_MS",
                            "SHANHAI_DELIVERY_ATTEMPTS", NULL };
    for (int index = 0; names[index]; index++)
        unsetenv (names[index]);
}

Test (config, defaults_work, .init = s_clear)
{
    config_t config;
    char errstr[256];
    cr_assert_eq (config_load (&config, errstr, sizeof errstr), 0, "%s", errstr);
    cr_assert_str_eq (config.data_dir, "./var");
    cr_assert_str_eq (config.ledger_rpc, "tcp://127.0.0.1:7201");
    cr_assert (config.redis_enabled);
    cr_assert_str_eq (config.redis_host, "127.0.0.1");
    cr_assert_eq (config.redis_port, 6379);
    cr_assert_str_eq (config.clock, "");
    cr_assert_eq (config.log_level, LOG_LEVEL_INFO);
    cr_assert_str_eq (config.gateway_host, "127.0.0.1");
    cr_assert_eq (config.gateway_port, 7500);
    cr_assert_str_eq (config.gateway_apps, "./var/gateway-apps.json");
    cr_assert_str_eq (config.gateway_metrics_host, "", "no second listener unless asked");
}

Test (config, the_gateway_apps_follow_the_data_dir_unless_set, .init = s_clear)
{
    setenv ("SHANHAI_DATA_DIR", "/tmp/x", 1);
    setenv ("SHANHAI_GATEWAY_HTTP", "127.0.0.1:17500", 1);
    config_t config;
    char errstr[256];
    cr_assert_eq (config_load (&config, errstr, sizeof errstr), 0, "%s", errstr);
    cr_assert_str_eq (config.gateway_apps, "/tmp/x/gateway-apps.json");
    cr_assert_eq (config.gateway_port, 17500);
    setenv ("SHANHAI_GATEWAY_METRICS", "0.0.0.0:9100", 1);
    cr_assert_eq (config_load (&config, errstr, sizeof errstr), 0, "%s", errstr);
    cr_assert_str_eq (config.gateway_metrics_host, "0.0.0.0");
    cr_assert_eq (config.gateway_metrics_port, 9100);
    setenv ("SHANHAI_GATEWAY_APPS", "/etc/apps.json", 1);
    cr_assert_eq (config_load (&config, errstr, sizeof errstr), 0, "%s", errstr);
    cr_assert_str_eq (config.gateway_apps, "/etc/apps.json");
}

Test (config, the_channels_defaults, .init = s_clear)
{
    config_t config;
    char errstr[256];
    cr_assert_eq (config_load (&config, errstr, sizeof errstr), 0, "%s", errstr);
    cr_assert_str_eq (config.language, "zh");
    cr_assert_str_eq (config.template_dir, "./templates");
    cr_assert_eq (config.delivery_window_ms, DELIVERY_WINDOW_DEFAULT_MS);
    cr_assert_eq (config.delivery_backoff_ms, DELIVERY_BACKOFF_DEFAULT_MS);
    cr_assert_eq (config.delivery_attempts, DELIVERY_ATTEMPTS_DEFAULT);
}

Test (config, the_channels_settings_and_their_limits, .init = s_clear)
{
    setenv ("SHANHAI_LANGUAGE", "en", 1);
    setenv ("SHANHAI_TEMPLATE_DIR", "/etc/shanhai/templates", 1);
    setenv ("SHANHAI_DELIVERY_WINDOW_MS", "0", 1);
    setenv ("SHANHAI_DELIVERY_BACKOFF_MS", "1", 1);
    setenv ("SHANHAI_DELIVERY_ATTEMPTS", "15", 1);
    config_t config;
    char errstr[256];
    cr_assert_eq (config_load (&config, errstr, sizeof errstr), 0, "%s", errstr);
    cr_assert_str_eq (config.language, "en");
    cr_assert_str_eq (config.template_dir, "/etc/shanhai/templates");
    cr_assert_eq (config.delivery_window_ms, 0);
    cr_assert_eq (config.delivery_backoff_ms, 1);
    cr_assert_eq (config.delivery_attempts, DELIVERY_ATTEMPTS_MAX - 1);
    setenv ("SHANHAI_DELIVERY_WINDOW_MS", "60000", 1);  // the largest
    cr_assert_eq (config_load (&config, errstr, sizeof errstr), 0, "%s", errstr);
    cr_assert_eq (config.delivery_window_ms, DELIVERY_WINDOW_MAX_MS);
}

Test (config, reads_the_environment, .init = s_clear)
{
    setenv ("SHANHAI_REDIS", "off", 1);
    setenv ("SHANHAI_CLOCK", "2021-03-01", 1);
    setenv ("SHANHAI_LEDGER_RPC", "tcp://127.0.0.1:9999", 1);
    setenv ("SHANHAI_LOG_LEVEL", "debug", 1);
    config_t config;
    char errstr[256];
    cr_assert_eq (config_load (&config, errstr, sizeof errstr), 0, "%s", errstr);
    cr_assert_not (config.redis_enabled);
    cr_assert_str_eq (config.clock, "2021-03-01");
    cr_assert_str_eq (config.ledger_rpc, "tcp://127.0.0.1:9999");
    cr_assert_eq (config.log_level, LOG_LEVEL_DEBUG);
}

Test (config, names_the_bad_variable, .init = s_clear)
{
    struct { const char *name, *value; } cases[] = {
        { "SHANHAI_REDIS", "localhost" }, { "SHANHAI_REDIS", "host:0" },
        { "SHANHAI_REDIS", "host:65536" }, { "SHANHAI_REDIS", ":6379" },
        { "SHANHAI_CLOCK", "2021-02-30" }, { "SHANHAI_LOG_LEVEL", "loud" },
        { "SHANHAI_LEDGER_RPC", "127.0.0.1:7201" }, { "SHANHAI_GATEWAY_HTTP", "7500" },
        { "SHANHAI_GATEWAY_HTTP", "127.0.0.1:0" }, { "SHANHAI_GATEWAY_METRICS", "9100" },
        { "SHANHAI_LANGUAGE", "fr" }, { "SHANHAI_DELIVERY_WINDOW_MS", "60001" },
        { "SHANHAI_DELIVERY_WINDOW_MS", "-1" }, { "SHANHAI_DELIVERY_WINDOW_MS", "10s" },
        { "SHANHAI_DELIVERY_BACKOFF_MS", "0" }, { "SHANHAI_DELIVERY_ATTEMPTS", "0" },
        { "SHANHAI_DELIVERY_ATTEMPTS", "16" },
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases[0]; index++) {
        s_clear ();
        setenv (cases[index].name, cases[index].value, 1);
        config_t config;
        char errstr[256] = "";
        cr_assert_eq (config_load (&config, errstr, sizeof errstr), -1, "%s=%s accepted",
                      cases[index].name, cases[index].value);
        cr_assert (strstr (errstr, cases[index].name), "error '%s' names no variable", errstr);
    }
}

// The kinds file is CONFIG_KINDS_FILE of SHANHAI_POLICY_DIR; an error names it.
Test (config, kinds_are_declared_from_the_policy_directory, .init = s_clear)
{
    char *dir = test_tmpdir ();
    setenv ("SHANHAI_POLICY_DIR", dir, 1);
    config_t config;
    char errstr[512] = "";
    cr_assert_eq (config_load (&config, errstr, sizeof errstr), 0, "%s", errstr);
    char *path = test_path (dir, CONFIG_KINDS_FILE);
    FILE *file = fopen (path, "w");
    cr_assert (file);
    fputs ("{\"activities\": [{\"name\": \"work-meeting\", \"title\": \"季度工作例会\", "
           "\"title_en\": \"quarterly work meeting\", \"count\": 4}]}", file);
    cr_assert_eq (fclose (file), 0);
    char expected[PATH_BYTES_MAX + 128];
    snprintf (expected, sizeof expected, "%s/kinds.json: activity 1: \"count\" is not a member "
              "of an activity (name, title, title_en)", dir);
    cr_assert_eq (config_declare_kinds (&config, errstr, sizeof errstr), -1);
    cr_assert_str_eq (errstr, expected);
    file = fopen (path, "w");
    cr_assert (file);
    fputs ("{\"activities\": [{\"name\": \"work-meeting\", \"title\": \"季度工作例会\", "
           "\"title_en\": \"quarterly work meeting\"}]}", file);
    cr_assert_eq (fclose (file), 0);
    cr_assert_eq (config_declare_kinds (&config, errstr, sizeof errstr), 0, "%s", errstr);
    cr_assert (vocab_kind_find ("work-meeting"));
    test_rmdir (dir);
    free (path);
    free (dir);
}

Test (config, a_config_without_a_policy_directory_declares_nothing)
{
    config_t config;
    memset (&config, 0, sizeof config);
    size_t before = vocab_kind_count ();
    char errstr[256] = "";
    cr_assert_eq (config_declare_kinds (&config, errstr, sizeof errstr), 0, "%s", errstr);
    cr_assert_eq (vocab_kind_count (), before);
}
