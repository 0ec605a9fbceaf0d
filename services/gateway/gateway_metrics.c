#define _GNU_SOURCE  // open_memstream
#include "gateway_metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// The latency buckets' upper bounds, in microseconds (Prometheus's le, in seconds).
static const int64_t s_buckets_us[] = { 1000, 5000, 10000, 50000, 100000, 500000, 1000000,
                                        5000000 };
#define S_BUCKETS (sizeof s_buckets_us / sizeof s_buckets_us[0])
// Replies counted by the first digit of their status: 2xx, 3xx, 4xx, 5xx.
#define S_CLASSES 4

struct gateway_metrics_t {
    uint64_t replies[S_CLASSES];
    uint64_t unauthenticated, forbidden;
    uint64_t buckets[S_BUCKETS];  // cumulative: each counts the replies at or under its bound
    uint64_t latency_count;
    uint64_t latency_sum_us;
};

gateway_metrics_t *
gateway_metrics_new (void)
{
    return calloc (1, sizeof (gateway_metrics_t));
}

void
gateway_metrics_destroy (gateway_metrics_t **self_p)
{
    if (self_p && *self_p) {
        free (*self_p);
        *self_p = NULL;
    }
}

static void
s_add (uint64_t *counter, uint64_t value)
{
    __atomic_fetch_add (counter, value, __ATOMIC_RELAXED);
}

static uint64_t
s_load (const uint64_t *counter)
{
    return __atomic_load_n (counter, __ATOMIC_RELAXED);
}

void
gateway_metrics_count (gateway_metrics_t *self, int http_status, int64_t latency_us)
{
    int class = http_status / 100 - 2;
    if (class >= 0 && class < S_CLASSES)
        s_add (&self->replies[class], 1);
    if (http_status == 401)
        s_add (&self->unauthenticated, 1);
    if (http_status == 403)
        s_add (&self->forbidden, 1);
    for (size_t index = 0; index < S_BUCKETS; index++)
        if (latency_us <= s_buckets_us[index])
            s_add (&self->buckets[index], 1);
    s_add (&self->latency_count, 1);
    s_add (&self->latency_sum_us, latency_us > 0 ? (uint64_t) latency_us : 0);
}

json_t *
gateway_metrics_health_json (const gateway_service_health_t *service)
{
    const Shanhai__V1__Health *health = service->health;
    if (!health)
        return json_pack ("{s:s, s:b, s:s}", "service", service->service, "up",
                          service->answered, "error", service->error ? service->error : "");
    json_t *streams = json_array ();
    for (size_t index = 0; streams && index < health->n_streams; index++) {
        const Shanhai__V1__StreamHealth *stream = health->streams[index];
        uint64_t lag = stream->head_seq > stream->applied_seq
                           ? stream->head_seq - stream->applied_seq : 0;
        json_array_append_new (streams, json_pack ("{s:s, s:I, s:I, s:I, s:b}", "publisher",
                                                   stream->publisher, "applied_seq",
                                                   (json_int_t) stream->applied_seq,
                                                   "head_seq", (json_int_t) stream->head_seq,
                                                   "lag", (json_int_t) lag, "caught_up",
                                                   stream->caught_up));
    }
    return json_pack ("{s:s, s:b, s:s, s:I, s:I, s:I, s:s, s:o*}", "service",
                      service->service, "up", 1, "version", health->version, "uptime_ms",
                      (json_int_t) health->uptime_ms, "published_seq",
                      (json_int_t) health->published_seq, "registry_version",
                      (json_int_t) health->registry_version, "cache", health->cache,
                      "streams", streams);
}

// A metric name as Prometheus takes it: [a-zA-Z0-9_], anything else as '_'.
static void
s_name (const char *text, char *out, size_t out_size)
{
    size_t used = 0;
    for (; *text && used + 1 < out_size; text++)
        out[used++] = ((*text >= 'a' && *text <= 'z') || (*text >= 'A' && *text <= 'Z')
                       || (*text >= '0' && *text <= '9')) ? *text : '_';
    out[used] = '\0';
}

static void
s_render_gateway (gateway_metrics_t *self, FILE *out, size_t open_streams)
{
    static const char *classes[S_CLASSES] = { "2xx", "3xx", "4xx", "5xx" };
    fprintf (out, "# HELP shanhai_gateway_replies_total HTTP replies of the gateway, by status "
             "class.\n# TYPE shanhai_gateway_replies_total counter\n");
    for (size_t index = 0; index < S_CLASSES; index++)
        fprintf (out, "shanhai_gateway_replies_total{class=\"%s\"} %llu\n", classes[index],
                 (unsigned long long) s_load (&self->replies[index]));
    fprintf (out, "# HELP shanhai_gateway_denied_total Requests refused: unauthenticated "
             "(401) or forbidden (403).\n# TYPE shanhai_gateway_denied_total counter\n"
             "shanhai_gateway_denied_total{reason=\"unauthenticated\"} %llu\n"
             "shanhai_gateway_denied_total{reason=\"forbidden\"} %llu\n",
             (unsigned long long) s_load (&self->unauthenticated),
             (unsigned long long) s_load (&self->forbidden));
    fprintf (out, "# HELP shanhai_gateway_request_seconds Time from a request's last byte to "
             "its reply.\n# TYPE shanhai_gateway_request_seconds histogram\n");
    for (size_t index = 0; index < S_BUCKETS; index++)
        fprintf (out, "shanhai_gateway_request_seconds_bucket{le=\"%g\"} %llu\n",
                 (double) s_buckets_us[index] / 1e6,
                 (unsigned long long) s_load (&self->buckets[index]));
    uint64_t count = s_load (&self->latency_count);
    fprintf (out, "shanhai_gateway_request_seconds_bucket{le=\"+Inf\"} %llu\n"
             "shanhai_gateway_request_seconds_sum %.6f\n"
             "shanhai_gateway_request_seconds_count %llu\n", (unsigned long long) count,
             (double) s_load (&self->latency_sum_us) / 1e6, (unsigned long long) count);
    fprintf (out, "# HELP shanhai_gateway_streams Live alert streams open.\n"
             "# TYPE shanhai_gateway_streams gauge\nshanhai_gateway_streams %zu\n",
             open_streams);
}

// Every service's own metrics, grouped by name (one HELP and TYPE per name).
static void
s_render_services (FILE *out, const gateway_service_health_t *services, size_t count)
{
    fprintf (out, "# HELP shanhai_up Whether the service answered its Health call.\n"
             "# TYPE shanhai_up gauge\n");
    for (size_t index = 0; index < count; index++)
        fprintf (out, "shanhai_up{service=\"%s\"} %d\n", services[index].service,
                 services[index].health ? 1 : 0);
    fprintf (out, "# HELP shanhai_stream_lag Events a service has yet to apply of a stream it "
             "consumes.\n# TYPE shanhai_stream_lag gauge\n");
    for (size_t index = 0; index < count; index++)
        for (size_t at = 0; services[index].health && at < services[index].health->n_streams;
             at++) {
            const Shanhai__V1__StreamHealth *stream = services[index].health->streams[at];
            char publisher[64];
            s_name (stream->publisher, publisher, sizeof publisher);
            fprintf (out, "shanhai_stream_lag{service=\"%s\",publisher=\"%s\"} %llu\n",
                     services[index].service, publisher,
                     (unsigned long long) (stream->head_seq > stream->applied_seq
                                               ? stream->head_seq - stream->applied_seq : 0));
        }
    for (size_t index = 0; index < count; index++) {
        const Shanhai__V1__Health *health = services[index].health;
        for (size_t at = 0; health && at < health->n_metrics; at++) {
            const Shanhai__V1__Metric *metric = health->metrics[at];
            char name[128], help[256];
            s_name (metric->name, name, sizeof name);
            snprintf (help, sizeof help, "%s", metric->help);
            for (char *c = help; *c; c++)
                if (*c == '\n' || *c == '\\')
                    *c = ' ';
            fprintf (out, "# HELP shanhai_%s_%s %s\n# TYPE shanhai_%s_%s %s\n"
                     "shanhai_%s_%s %lld\n", services[index].service, name, help,
                     services[index].service, name, metric->counter ? "counter" : "gauge",
                     services[index].service, name, (long long) metric->value);
        }
    }
}

char *
gateway_metrics_render (gateway_metrics_t *self, const gateway_service_health_t *services,
                        size_t count, size_t open_streams)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    if (!out)
        return NULL;
    s_render_gateway (self, out, open_streams);
    s_render_services (out, services, count);
    if (fclose (out) != 0) {
        free (text);
        return NULL;
    }
    return text;
}
