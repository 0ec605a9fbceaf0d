/*  What `shanhai health` makes of the answers: up, lagging exactly past HEALTH_LAG_EVENTS_MAX
    (measured against the publisher's own head when it answered), down with the reason. */
#include <criterion/criterion.h>
#include <string.h>
#include "common/limits.h"
#include "health_report.h"

static Shanhai__V1__StreamHealth s_stream;
static Shanhai__V1__StreamHealth *s_streams[1] = { &s_stream };
static Shanhai__V1__Health s_ledger, s_assessment;

static void
s_setup (void)
{
    shanhai__v1__health__init (&s_ledger);
    s_ledger.service = "ledger";
    s_ledger.version = "0.1.0";
    s_ledger.cache = "off";
    s_ledger.published_seq = 5000;
    shanhai__v1__health__init (&s_assessment);
    s_assessment.service = "assessment";
    s_assessment.version = "0.1.0";
    s_assessment.cache = "up";
    shanhai__v1__stream_health__init (&s_stream);
    s_stream.publisher = "ledger";
    s_stream.caught_up = true;
    s_assessment.streams = s_streams;
    s_assessment.n_streams = 1;
}

TestSuite (health_report, .init = s_setup);

static const char *
s_state (json_t *report, size_t index)
{
    return json_string_value (
        json_object_get (json_array_get (json_object_get (report, "services"), index), "state"));
}

Test (health_report, lag_is_measured_against_the_publishers_head)
{
    health_answer_t answers[] = { { "ledger", &s_ledger, NULL },
                                  { "assessment", &s_assessment, NULL } };
    bool healthy = false;
    // The consumer heard of seq 4000 only; the ledger itself says 5000.
    s_stream.head_seq = 4000;
    s_stream.applied_seq = 5000 - HEALTH_LAG_EVENTS_MAX;
    json_t *report = health_report (answers, 2, &healthy);
    cr_assert (healthy);
    cr_assert_str_eq (s_state (report, 1), "up");
    json_t *stream = json_array_get (
        json_object_get (json_array_get (json_object_get (report, "services"), 1), "streams"), 0);
    cr_assert_eq (json_integer_value (json_object_get (stream, "lag")), HEALTH_LAG_EVENTS_MAX);
    cr_assert_eq (json_integer_value (json_object_get (stream, "head_seq")), 5000);
    json_decref (report);
    s_stream.applied_seq--;  // one more event behind: past the bound
    report = health_report (answers, 2, &healthy);
    cr_assert_not (healthy);
    cr_assert_str_eq (s_state (report, 1), "lagging");
    cr_assert (json_is_false (json_object_get (report, "healthy")));
    json_decref (report);
}

Test (health_report, without_the_publisher_the_consumers_idea_of_the_head_counts)
{
    health_answer_t answers[] = { { "ledger", NULL, "UNAVAILABLE: no reply" },
                                  { "assessment", &s_assessment, NULL } };
    bool healthy = true;
    s_stream.head_seq = 2000;
    s_stream.applied_seq = 2000;
    json_t *report = health_report (answers, 2, &healthy);
    cr_assert_not (healthy);
    cr_assert_str_eq (s_state (report, 0), "down");
    cr_assert_str_eq (json_string_value (json_object_get (
                          json_array_get (json_object_get (report, "services"), 0), "error")),
                      "UNAVAILABLE: no reply");
    cr_assert_str_eq (s_state (report, 1), "up");
    json_decref (report);
}

Test (health_report, metrics_by_name)
{
    Shanhai__V1__Metric metric = SHANHAI__V1__METRIC__INIT;
    metric.name = "deliveries_pending";
    metric.help = "attempts waiting";
    metric.value = 7;
    Shanhai__V1__Metric *metrics[] = { &metric };
    s_ledger.metrics = metrics;
    s_ledger.n_metrics = 1;
    health_answer_t answers[] = { { "ledger", &s_ledger, NULL } };
    bool healthy = false;
    json_t *report = health_report (answers, 1, &healthy);
    cr_assert (healthy);
    json_t *service = json_array_get (json_object_get (report, "services"), 0);
    cr_assert_eq (json_integer_value (
                      json_object_get (json_object_get (service, "metrics"), "deliveries_pending")),
                  7);
    json_decref (report);
}
