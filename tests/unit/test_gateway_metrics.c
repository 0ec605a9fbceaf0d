/*  What /v1/health and /metrics make of the services' Health (proto/shanhai/v1/health.proto):
    a service that answered, one that answered without Health, one that did not answer; and
    the gateway's own counters in Prometheus text. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "gateway_metrics.h"

static Shanhai__V1__Health
s_health (Shanhai__V1__StreamHealth **streams, size_t n_streams, Shanhai__V1__Metric **metrics,
          size_t n_metrics)
{
    Shanhai__V1__Health health = SHANHAI__V1__HEALTH__INIT;
    health.service = "assessment";
    health.version = "0.4.0";
    health.uptime_ms = 5000;
    health.published_seq = 12;
    health.registry_version = 3;
    health.cache = "up";
    health.streams = streams;
    health.n_streams = n_streams;
    health.metrics = metrics;
    health.n_metrics = n_metrics;
    return health;
}

Test (gateway_metrics, health_says_up_lag_and_why_not)
{
    Shanhai__V1__StreamHealth ledger = SHANHAI__V1__STREAM_HEALTH__INIT;
    ledger.publisher = "ledger";
    ledger.applied_seq = 40;
    ledger.head_seq = 42;
    Shanhai__V1__StreamHealth *streams[] = { &ledger };
    Shanhai__V1__Health health = s_health (streams, 1, NULL, 0);
    gateway_service_health_t up = { .service = "assessment", .health = &health,
                                    .answered = true };
    json_t *json = gateway_metrics_health_json (&up);
    char *text = json_dumps (json, JSON_PRESERVE_ORDER | JSON_COMPACT);
    cr_assert_str_eq (text, "{\"service\":\"assessment\",\"up\":true,\"version\":\"0.4.0\","
                      "\"uptime_ms\":5000,\"published_seq\":12,\"registry_version\":3,"
                      "\"cache\":\"up\",\"streams\":[{\"publisher\":\"ledger\","
                      "\"applied_seq\":40,\"head_seq\":42,\"lag\":2,\"caught_up\":false}]}");
    free (text);
    json_decref (json);
    gateway_service_health_t old = { .service = "ledger", .answered = true,
                                     .error = "ledger.Health: INVALID: unknown method" };
    json = gateway_metrics_health_json (&old);
    cr_assert (json_is_true (json_object_get (json, "up")), "it answered: it is up");
    json_decref (json);
    gateway_service_health_t down = { .service = "registry", .answered = false,
                                      .error = "no reply" };
    json = gateway_metrics_health_json (&down);
    cr_assert (json_is_false (json_object_get (json, "up")));
    cr_assert_str_eq (json_string_value (json_object_get (json, "error")), "no reply");
    json_decref (json);
}

Test (gateway_metrics, prometheus_text)
{
    gateway_metrics_t *metrics = gateway_metrics_new ();
    gateway_metrics_count (metrics, 200, 800);
    gateway_metrics_count (metrics, 401, 3000);
    gateway_metrics_count (metrics, 503, 2000000);
    Shanhai__V1__Metric recorded = SHANHAI__V1__METRIC__INIT;
    recorded.name = "events_applied";
    recorded.help = "ledger events applied";
    recorded.counter = true;
    recorded.value = 7;
    Shanhai__V1__Metric *list[] = { &recorded };
    Shanhai__V1__Health health = s_health (NULL, 0, list, 1);
    gateway_service_health_t services[] = {
        { .service = "assessment", .health = &health, .answered = true },
        { .service = "ledger", .answered = false, .error = "no reply" },
    };
    char *text = gateway_metrics_render (metrics, services, 2, 3);
    const char *expected[] = {
        "shanhai_gateway_replies_total{class=\"2xx\"} 1\n",
        "shanhai_gateway_replies_total{class=\"4xx\"} 1\n",
        "shanhai_gateway_replies_total{class=\"5xx\"} 1\n",
        "shanhai_gateway_denied_total{reason=\"unauthenticated\"} 1\n",
        "shanhai_gateway_request_seconds_bucket{le=\"0.001\"} 1\n",
        "shanhai_gateway_request_seconds_bucket{le=\"0.005\"} 2\n",
        "shanhai_gateway_request_seconds_bucket{le=\"5\"} 3\n",
        "shanhai_gateway_request_seconds_count 3\n",
        "shanhai_gateway_streams 3\n",
        "shanhai_up{service=\"assessment\"} 1\n",
        "shanhai_up{service=\"ledger\"} 0\n",
        "# TYPE shanhai_assessment_events_applied counter\n",
        "shanhai_assessment_events_applied 7\n",
    };
    for (size_t index = 0; index < sizeof expected / sizeof expected[0]; index++)
        cr_assert (strstr (text, expected[index]), "no line %s in:\n%s", expected[index], text);
    free (text);
    gateway_metrics_destroy (&metrics);
    gateway_metrics_destroy (&metrics);
}
