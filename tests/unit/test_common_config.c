#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "common/config.h"

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
