#include "health_report.h"

#include <assert.h>
#include <string.h>
#include "common/limits.h"

// The newest seq publisher is known to have: its own answer's outbox head when it answered,
// else what the consumer heard of.
static uint64_t
s_publisher_head (const health_answer_t *answers, size_t count,
                  const Shanhai__V1__StreamHealth *stream)
{
    for (size_t index = 0; index < count; index++)
        if (answers[index].health && strcmp (answers[index].service, stream->publisher) == 0)
            return answers[index].health->published_seq > stream->head_seq
                       ? answers[index].health->published_seq
                       : stream->head_seq;
    return stream->head_seq;
}

// The streams of one service into a JSON array; sets *lagging when one is past the bound.
static json_t *
s_streams (const health_answer_t *answers, size_t count, const Shanhai__V1__Health *health,
           bool *lagging)
{
    json_t *streams = json_array ();
    for (size_t index = 0; streams && index < health->n_streams; index++) {
        const Shanhai__V1__StreamHealth *stream = health->streams[index];
        uint64_t head = s_publisher_head (answers, count, stream);
        uint64_t lag = head > stream->applied_seq ? head - stream->applied_seq : 0;
        if (lag > HEALTH_LAG_EVENTS_MAX)
            *lagging = true;
        json_array_append_new (
            streams, json_pack ("{s:s, s:I, s:I, s:I, s:b}", "publisher", stream->publisher,
                                "applied_seq", (json_int_t) stream->applied_seq, "head_seq",
                                (json_int_t) head, "lag", (json_int_t) lag, "caught_up",
                                stream->caught_up));
    }
    return streams;
}

static json_t *
s_service (const health_answer_t *answers, size_t count, const health_answer_t *answer,
           bool *up)
{
    if (!answer->health) {
        *up = false;
        return json_pack ("{s:s, s:s, s:s}", "service", answer->service, "state", "down",
                          "error", answer->error ? answer->error : "no answer");
    }
    const Shanhai__V1__Health *health = answer->health;
    bool lagging = false;
    json_t *streams = s_streams (answers, count, health, &lagging);
    json_t *metrics = json_object ();
    for (size_t index = 0; metrics && index < health->n_metrics; index++)
        json_object_set_new (metrics, health->metrics[index]->name,
                             json_integer (health->metrics[index]->value));
    *up = !lagging;
    return json_pack ("{s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:o*, s:o*}", "service",
                      answer->service, "state", lagging ? "lagging" : "up", "version",
                      health->version, "uptime_ms", (json_int_t) health->uptime_ms,
                      "published_seq", (json_int_t) health->published_seq, "registry_version",
                      (json_int_t) health->registry_version, "cache", health->cache, "streams",
                      streams, "metrics", metrics);
}

json_t *
health_report (const health_answer_t *answers, size_t count, bool *healthy)
{
    assert ((answers || count == 0) && healthy);
    json_t *services = json_array ();
    *healthy = true;
    for (size_t index = 0; services && index < count; index++) {
        bool up = false;
        json_array_append_new (services, s_service (answers, count, &answers[index], &up));
        *healthy = *healthy && up;
    }
    return services ? json_pack ("{s:b, s:o}", "healthy", *healthy, "services", services)
                    : NULL;
}
