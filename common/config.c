#include "common/config.h"

#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "common/date.h"
#include "common/errstr.h"
#include "common/vocab.h"

typedef struct {
    const char *variable;
    size_t offset;
    const char *fallback;
} s_endpoint_setting_t;

static const s_endpoint_setting_t s_endpoints[] = {
    { "SHANHAI_REGISTRY_RPC", offsetof (config_t, registry_rpc), "tcp://127.0.0.1:7101" },
    { "SHANHAI_REGISTRY_PUB", offsetof (config_t, registry_pub), "tcp://127.0.0.1:7102" },
    { "SHANHAI_LEDGER_RPC", offsetof (config_t, ledger_rpc), "tcp://127.0.0.1:7201" },
    { "SHANHAI_LEDGER_PUB", offsetof (config_t, ledger_pub), "tcp://127.0.0.1:7202" },
    { "SHANHAI_ASSESSMENT_RPC", offsetof (config_t, assessment_rpc), "tcp://127.0.0.1:7301" },
    { "SHANHAI_ASSESSMENT_PUB", offsetof (config_t, assessment_pub), "tcp://127.0.0.1:7302" },
    { "SHANHAI_NOTIFICATION_RPC", offsetof (config_t, notification_rpc), "tcp://127.0.0.1:7401" },
    { "SHANHAI_NOTIFICATION_PUB", offsetof (config_t, notification_pub), "tcp://127.0.0.1:7402" },
};

static const char *
s_getenv (const char *variable, const char *fallback)
{
    const char *value = getenv (variable);
    return value && *value ? value : fallback;
}

static int
s_copy (char *out, size_t out_size, const char *variable, const char *value, char *errstr,
        size_t errstr_size)
{
    if (strlen (value) >= out_size) {
        snprintf (errstr, errstr_size, "%s is longer than %zu bytes", variable, out_size - 1);
        return -1;
    }
    memcpy (out, value, strlen (value) + 1);
    return 0;
}

static int
s_load_redis (config_t *config, char *errstr, size_t errstr_size)
{
    const char *value = s_getenv ("SHANHAI_REDIS", "127.0.0.1:6379");
    if (strcmp (value, "off") == 0) {
        config->redis_enabled = false;
        return 0;
    }
    const char *colon = strrchr (value, ':');
    char *end = NULL;
    long port = colon ? strtol (colon + 1, &end, 10) : 0;
    size_t host_length = colon ? (size_t) (colon - value) : 0;
    if (!colon || host_length == 0 || host_length >= sizeof config->redis_host || *end != '\0'
        || end == colon + 1 || port < 1 || port > 65535) {
        snprintf (errstr, errstr_size, "SHANHAI_REDIS must be host:port or off, not '%s'", value);
        return -1;
    }
    memcpy (config->redis_host, value, host_length);
    config->redis_host[host_length] = '\0';
    config->redis_port = (int) port;
    config->redis_enabled = true;
    return 0;
}

// host:port, the port 1..65535. Returns 0, or -1 with the reason.
static int
s_host_port (const char *variable, const char *value, char *host, size_t host_size, int *port,
             char *errstr, size_t errstr_size)
{
    const char *colon = strrchr (value, ':');
    char *end = NULL;
    long number = colon ? strtol (colon + 1, &end, 10) : 0;
    size_t host_length = colon ? (size_t) (colon - value) : 0;
    if (!colon || host_length == 0 || host_length >= host_size || *end != '\0'
        || end == colon + 1 || number < 1 || number > 65535) {
        snprintf (errstr, errstr_size, "%s must be host:port, not '%s'", variable, value);
        return -1;
    }
    memcpy (host, value, host_length);
    host[host_length] = '\0';
    *port = (int) number;
    return 0;
}

static int
s_load_gateway (config_t *config, char *errstr, size_t errstr_size)
{
    if (s_host_port ("SHANHAI_GATEWAY_HTTP", s_getenv ("SHANHAI_GATEWAY_HTTP", "127.0.0.1:7500"),
                     config->gateway_host, sizeof config->gateway_host, &config->gateway_port,
                     errstr, errstr_size))
        return -1;
    const char *metrics = s_getenv ("SHANHAI_GATEWAY_METRICS", "");
    if (*metrics && s_host_port ("SHANHAI_GATEWAY_METRICS", metrics, config->gateway_metrics_host,
                                 sizeof config->gateway_metrics_host,
                                 &config->gateway_metrics_port, errstr, errstr_size))
        return -1;
    const char *apps = s_getenv ("SHANHAI_GATEWAY_APPS", "");
    if (*apps)
        return s_copy (config->gateway_apps, sizeof config->gateway_apps, "SHANHAI_GATEWAY_APPS",
                       apps, errstr, errstr_size);
    int length = snprintf (config->gateway_apps, sizeof config->gateway_apps,
                           "%s/gateway-apps.json", config->data_dir);
    if (length < 0 || (size_t) length >= sizeof config->gateway_apps) {
        snprintf (errstr, errstr_size, "SHANHAI_DATA_DIR is too long for the gateway's apps file");
        return -1;
    }
    return 0;
}

// A whole number variable within min..max, or fallback when unset.
static int
s_load_number (const char *variable, int64_t fallback, int64_t min, int64_t max, int64_t *out,
               char *errstr, size_t errstr_size)
{
    const char *value = getenv (variable);
    if (!value || !*value) {
        *out = fallback;
        return 0;
    }
    char *end = NULL;
    errno = 0;
    long long number = strtoll (value, &end, 10);
    if (errno || *end != '\0' || number < min || number > max) {
        snprintf (errstr, errstr_size, "%s must be a whole number in %lld..%lld, not '%.40s'",
                  variable, (long long) min, (long long) max, value);
        return -1;
    }
    *out = number;
    return 0;
}

// What the notification's channels are told: their language and their timing.
static int
s_load_delivery (config_t *config, char *errstr, size_t errstr_size)
{
    const char *language = s_getenv ("SHANHAI_LANGUAGE", "zh");
    if (strcmp (language, "zh") != 0 && strcmp (language, "en") != 0) {
        snprintf (errstr, errstr_size, "SHANHAI_LANGUAGE must be zh or en, not '%.40s'",
                  language);
        return -1;
    }
    snprintf (config->language, sizeof config->language, "%s", language);
    int64_t attempts;
    if (s_copy (config->template_dir, sizeof config->template_dir, "SHANHAI_TEMPLATE_DIR",
                s_getenv ("SHANHAI_TEMPLATE_DIR", "./templates"), errstr, errstr_size)
        || s_load_number ("SHANHAI_DELIVERY_WINDOW_MS", DELIVERY_WINDOW_DEFAULT_MS, 0,
                          DELIVERY_WINDOW_MAX_MS, &config->delivery_window_ms, errstr,
                          errstr_size)
        || s_load_number ("SHANHAI_DELIVERY_BACKOFF_MS", DELIVERY_BACKOFF_DEFAULT_MS, 1,
                          DELIVERY_BACKOFF_MAX_MS, &config->delivery_backoff_ms, errstr,
                          errstr_size)
        || s_load_number ("SHANHAI_DELIVERY_ATTEMPTS", DELIVERY_ATTEMPTS_DEFAULT, 1,
                          DELIVERY_ATTEMPTS_MAX - 1, &attempts, errstr, errstr_size))
        return -1;
    config->delivery_attempts = (int) attempts;
    return 0;
}

int
config_load (config_t *config, char *errstr, size_t errstr_size)
{
    memset (config, 0, sizeof *config);
    if (s_copy (config->data_dir, sizeof config->data_dir, "SHANHAI_DATA_DIR",
                s_getenv ("SHANHAI_DATA_DIR", "./var"), errstr, errstr_size)
        || s_copy (config->policy_dir, sizeof config->policy_dir, "SHANHAI_POLICY_DIR",
                   s_getenv ("SHANHAI_POLICY_DIR", "./policies"), errstr, errstr_size))
        return -1;
    for (size_t index = 0; index < sizeof s_endpoints / sizeof s_endpoints[0]; index++) {
        const s_endpoint_setting_t *setting = &s_endpoints[index];
        const char *value = s_getenv (setting->variable, setting->fallback);
        if (strncmp (value, "tcp://", 6) != 0 && strncmp (value, "ipc://", 6) != 0
            && strncmp (value, "inproc://", 9) != 0) {
            snprintf (errstr, errstr_size, "%s must be a ZeroMQ endpoint like tcp://host:port, "
                      "not '%s'", setting->variable, value);
            return -1;
        }
        if (s_copy ((char *) config + setting->offset, ENDPOINT_BYTES_MAX, setting->variable,
                    value, errstr, errstr_size))
            return -1;
    }
    if (s_load_redis (config, errstr, errstr_size) || s_load_gateway (config, errstr, errstr_size)
        || s_load_delivery (config, errstr, errstr_size))
        return -1;
    const char *clock = s_getenv ("SHANHAI_CLOCK", "");
    int32_t days;
    if (*clock && date_parse (clock, &days)) {
        snprintf (errstr, errstr_size, "SHANHAI_CLOCK must be a date YYYY-MM-DD in %d..%d, "
                  "not '%s'", DATE_YEAR_MIN, DATE_YEAR_MAX, clock);
        return -1;
    }
    snprintf (config->clock, sizeof config->clock, "%s", clock);
    const char *batch = s_getenv ("SHANHAI_BATCH_EVENTS", "");
    char *end = NULL;
    long events = *batch ? strtol (batch, &end, 10) : SUBSCRIBER_BATCH_EVENTS_MAX;
    if (*batch && (*end || events < 1 || events > SUBSCRIBER_BATCH_EVENTS_MAX)) {
        snprintf (errstr, errstr_size, "SHANHAI_BATCH_EVENTS must be a whole number in 1..%d, "
                  "not '%.40s'", SUBSCRIBER_BATCH_EVENTS_MAX, batch);
        return -1;
    }
    config->batch_events = (int) events;
    config->log_level = LOG_LEVEL_INFO;
    const char *level = s_getenv ("SHANHAI_LOG_LEVEL", "info");
    if (log_level_parse (level, &config->log_level)) {
        snprintf (errstr, errstr_size, "SHANHAI_LOG_LEVEL must be debug, info, warn or error, "
                  "not '%s'", level);
        return -1;
    }
    return 0;
}

int
config_data_path (const config_t *config, const char *file, char *out, size_t out_size,
                  char *errstr, size_t errstr_size)
{
    if (mkdir (config->data_dir, 0755) != 0 && errno != EEXIST) {
        snprintf (errstr, errstr_size, "cannot create the data directory %s: %s",
                  config->data_dir, strerror (errno));
        return -1;
    }
    int length = snprintf (out, out_size, "%s/%s", config->data_dir, file);
    if (length < 0 || (size_t) length >= out_size) {
        snprintf (errstr, errstr_size, "the path %s/%s is too long", config->data_dir, file);
        return -1;
    }
    return 0;
}

int
config_declare_kinds (const config_t *config, char *errstr, size_t errstr_size)
{
    assert (config && errstr);
    if (!*config->policy_dir)
        return 0;
    char path[PATH_BYTES_MAX];
    int length = snprintf (path, sizeof path, "%s/%s", config->policy_dir, CONFIG_KINDS_FILE);
    if (length < 0 || (size_t) length >= sizeof path)
        return errstr_set (errstr, errstr_size, "the path %s/%s is too long",
                           config->policy_dir, CONFIG_KINDS_FILE);
    return vocab_declare_activities (path, errstr, errstr_size);
}
