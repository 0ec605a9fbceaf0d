/*  config.h: what a shanhai process is told by its environment. Every setting is a SHANHAI_*
    variable with a working default, so that a bare `shanhai-ledger` runs on loopback.

      SHANHAI_DATA_DIR          ./var             where each service keeps its SQLite file
      SHANHAI_POLICY_DIR        ./policies        the policy packs, and kinds.json: the simple
                                                  activities declared as data (config_declare_kinds)
      SHANHAI_REDIS             127.0.0.1:6379    host:port of the cache, or "off"
      SHANHAI_CLOCK             (real time)       YYYY-MM-DD: the registry starts its clock there
      SHANHAI_LOG_LEVEL         info              debug, info, warn, error
      SHANHAI_BATCH_EVENTS      1000              events a consumer applies in one transaction
                                                  (1..SUBSCRIBER_BATCH_EVENTS_MAX; 1 applies
                                                  them one by one, for comparison)
      SHANHAI_REGISTRY_RPC      tcp://127.0.0.1:7101   and SHANHAI_REGISTRY_PUB      ...:7102
      SHANHAI_LEDGER_RPC        tcp://127.0.0.1:7201   and SHANHAI_LEDGER_PUB        ...:7202
      SHANHAI_ASSESSMENT_RPC    tcp://127.0.0.1:7301   and SHANHAI_ASSESSMENT_PUB    ...:7302
      SHANHAI_NOTIFICATION_RPC  tcp://127.0.0.1:7401   and SHANHAI_NOTIFICATION_PUB  ...:7402
      SHANHAI_GATEWAY_HTTP      127.0.0.1:7500    host:port where the HTTP gateway listens
      SHANHAI_GATEWAY_APPS      <data dir>/gateway-apps.json   the gateway's applications
      SHANHAI_GATEWAY_METRICS   (none)            host:port of a second listener that serves only
                                                  /metrics and /v1/health, for operators
    The notification's channels (DingTalk, WeCom, webhooks; limits.h says why each default):
      SHANHAI_LANGUAGE          zh                zh or en: the templates the channels speak
      SHANHAI_TEMPLATE_DIR      ./templates       where <language>.json is
      SHANHAI_DELIVERY_WINDOW_MS    10000         alerts of a channel gathered into one message
      SHANHAI_DELIVERY_BACKOFF_MS   60000         the first retry's delay; doubles each time
      SHANHAI_DELIVERY_ATTEMPTS     8             attempts before a delivery is dead
    A service binds its own endpoints and connects to the others' with the same strings. */
#ifndef SHANHAI_CONFIG_H
#define SHANHAI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common/limits.h"
#include "common/log.h"

typedef struct {
    char data_dir[PATH_BYTES_MAX];
    char policy_dir[PATH_BYTES_MAX];
    bool redis_enabled;
    char redis_host[NAME_BYTES_MAX];
    int redis_port;
    char clock[DATE_TEXT_BYTES];  // empty: real time
    log_level_t log_level;
    int batch_events;  // the most events a consumer applies in one transaction
    char registry_rpc[ENDPOINT_BYTES_MAX];
    char registry_pub[ENDPOINT_BYTES_MAX];
    char ledger_rpc[ENDPOINT_BYTES_MAX];
    char ledger_pub[ENDPOINT_BYTES_MAX];
    char assessment_rpc[ENDPOINT_BYTES_MAX];
    char assessment_pub[ENDPOINT_BYTES_MAX];
    char notification_rpc[ENDPOINT_BYTES_MAX];
    char notification_pub[ENDPOINT_BYTES_MAX];
    char gateway_host[NAME_BYTES_MAX];  // an IPv4 address: the gateway listens on loopback
    int gateway_port;
    char gateway_apps[PATH_BYTES_MAX];
    char gateway_metrics_host[NAME_BYTES_MAX];  // empty: no second listener
    int gateway_metrics_port;
    char language[8];                  // "zh" or "en"
    char template_dir[PATH_BYTES_MAX];
    int64_t delivery_window_ms;        // 0 .. DELIVERY_WINDOW_MAX_MS
    int64_t delivery_backoff_ms;       // 1 .. DELIVERY_BACKOFF_MAX_MS
    int delivery_attempts;             // 1 .. DELIVERY_ATTEMPTS_MAX - 1
} config_t;

// The file of the policy directory that declares activity kinds (vocab_declare_activities):
// every process reads it at start, and the assessment's policy loader, which reads every other
// *.json there as a pack, skips it.
#define CONFIG_KINDS_FILE "kinds.json"

// Fills *config from the environment. Returns 0, or -1 with a one-line reason in errstr
// (which variable, what is wrong with it).
int config_load (config_t *config, char *errstr, size_t errstr_size);
// Joins data_dir and a file name into out; creates data_dir if missing. Returns 0 or -1
// with the reason in errstr.
int config_data_path (const config_t *config, const char *file, char *out, size_t out_size,
                      char *errstr, size_t errstr_size);
// Declares the activity kinds of <policy_dir>/CONFIG_KINDS_FILE (vocab_declare_activities):
// every process that validates or names kinds calls it after config_load, before it serves.
// No file declares nothing; a config with no policy_dir (one made by hand) declares nothing.
// Returns 0, or -1 with one line in errstr naming the file, the activity and the field.
int config_declare_kinds (const config_t *config, char *errstr, size_t errstr_size);

#endif
