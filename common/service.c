#include "common/service.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "common/limits.h"
#include "common/log.h"

// A consumed stream and when the tick may next try to catch it up.
typedef struct {
    subscriber_t *subscriber;
    int64_t catch_up_at_ms;     // zclock_mono
    int64_t catch_up_delay_ms;  // grows while the publisher does not answer
} s_stream_t;

struct service_t {
    char name[ID_BYTES_MAX];
    rpc_server_t *rpc;
    zloop_t *loop;
    zloop_reader_fn *request_reader;
    void *request_arg;
    outbox_t *outbox;
    s_stream_t streams[SERVICE_SUBSCRIBERS_MAX];
    size_t stream_count;
    service_tick_fn *tick;
    void *tick_state;
    service_health_fn *health;
    void *health_state;
    int64_t started_ms;  // zclock_mono at service_new
};

struct service_health_t {
    Shanhai__V1__Health reply;
    Shanhai__V1__StreamHealth streams[SERVICE_SUBSCRIBERS_MAX];
    Shanhai__V1__StreamHealth *stream_pointers[SERVICE_SUBSCRIBERS_MAX];
    char publishers[SERVICE_SUBSCRIBERS_MAX][RPC_METHOD_BYTES_MAX];
    Shanhai__V1__Metric metrics[SERVICE_METRICS_MAX];
    Shanhai__V1__Metric *metric_pointers[SERVICE_METRICS_MAX];
    bool metrics_full;
};

static void s_on_health (void *state, const rpc_call_t *call, rpc_reply_t *reply);

service_t *
service_new (const char *name, const char *rpc_endpoint, const rpc_method_t *methods,
             void *state)
{
    assert (name && rpc_endpoint && methods);
    service_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    snprintf (self->name, sizeof self->name, "%s", name);
    self->rpc = rpc_server_new (rpc_endpoint, methods, state);
    self->loop = zloop_new ();
    self->started_ms = zclock_mono ();
    char health[RPC_METHOD_BYTES_MAX];
    snprintf (health, sizeof health, "%s.Health", name);
    if (!self->rpc || !self->loop || rpc_server_add (self->rpc, health, s_on_health, self)) {
        service_destroy (&self);
        return NULL;
    }
    return self;
}

void
service_destroy (service_t **self_p)
{
    if (self_p && *self_p) {
        service_t *self = *self_p;
        zloop_destroy (&self->loop);
        rpc_server_destroy (&self->rpc);
        free (self);
        *self_p = NULL;
    }
}

zloop_t *
service_loop (service_t *self)
{
    return self->loop;
}

rpc_server_t *
service_rpc (service_t *self)
{
    return self->rpc;
}

void
service_read_requests (service_t *self, zloop_reader_fn *reader, void *arg)
{
    self->request_reader = reader;
    self->request_arg = arg;
}

void
service_publish (service_t *self, outbox_t *outbox)
{
    self->outbox = outbox;
}

int
service_consume (service_t *self, subscriber_t *subscriber)
{
    assert (subscriber);
    if (self->stream_count == SERVICE_SUBSCRIBERS_MAX)
        return -1;
    self->streams[self->stream_count++] = (s_stream_t) {
        .subscriber = subscriber, .catch_up_delay_ms = SERVICE_TICK_MS };
    return 0;
}

void
service_tick (service_t *self, service_tick_fn *tick, void *state)
{
    self->tick = tick;
    self->tick_state = state;
}

void
service_health (service_t *self, service_health_fn *fn, void *state)
{
    self->health = fn;
    self->health_state = state;
}

void
service_health_registry (service_health_t *health, uint64_t version)
{
    health->reply.registry_version = version;
}

void
service_health_cache (service_health_t *health, const char *state)
{
    health->reply.cache = (char *) state;
}

void
service_health_metric (service_health_t *health, const char *name, const char *help,
                       bool counter, int64_t value)
{
    assert (name && help);
    size_t count = health->reply.n_metrics;
    if (count == SERVICE_METRICS_MAX) {
        if (!health->metrics_full)
            log_warn ("health: a metric is left out", "name=%s max=%d", name,
                      SERVICE_METRICS_MAX);
        health->metrics_full = true;
        return;
    }
    Shanhai__V1__Metric *metric = &health->metrics[count];
    shanhai__v1__metric__init (metric);
    metric->name = (char *) name;
    metric->help = (char *) help;
    metric->counter = counter;
    metric->value = value;
    health->metric_pointers[count] = metric;
    health->reply.n_metrics = count + 1;
}

// Each consumed stream: its publisher ("ledger" of "ledger.Replay"), how far it applied and
// how far the publisher is known to be.
static void
s_health_streams (service_t *self, service_health_t *health)
{
    for (size_t index = 0; index < self->stream_count; index++) {
        subscriber_t *subscriber = self->streams[index].subscriber;
        Shanhai__V1__StreamHealth *stream = &health->streams[index];
        shanhai__v1__stream_health__init (stream);
        char *publisher = health->publishers[index];
        snprintf (publisher, RPC_METHOD_BYTES_MAX, "%s", subscriber_replay_method (subscriber));
        char *dot = strchr (publisher, '.');
        if (dot)
            *dot = '\0';
        stream->publisher = publisher;
        stream->applied_seq = subscriber_last_seq (subscriber);
        stream->head_seq = subscriber_head_seq (subscriber);
        stream->caught_up = subscriber_caught_up (subscriber);
        health->stream_pointers[index] = stream;
    }
    health->reply.streams = health->stream_pointers;
    health->reply.n_streams = self->stream_count;
}

static void
s_on_health (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    service_t *self = state;
    Shanhai__V1__HealthRequest *request = (Shanhai__V1__HealthRequest *) rpc_call_decode (
        call, &shanhai__v1__health_request__descriptor, reply);
    if (!request)
        return;
    shanhai__v1__health_request__free_unpacked (request, NULL);
    service_health_t *health = calloc (1, sizeof *health);
    if (!health) {
        rpc_reply_error (reply, RPC_INTERNAL, "out of memory");
        return;
    }
    shanhai__v1__health__init (&health->reply);
    health->reply.service = self->name;
    health->reply.version = SHANHAI_VERSION;
    health->reply.uptime_ms = zclock_mono () - self->started_ms;
    health->reply.published_seq = self->outbox ? outbox_head (self->outbox) : 0;
    health->reply.cache = "off";
    health->reply.metrics = health->metric_pointers;
    s_health_streams (self, health);
    if (self->health)
        self->health (self->health_state, health);
    rpc_reply_set_body (reply, &health->reply.base);
    free (health);
}

// Catches one stream up, and sets when the tick may try again.
static void
s_catch_up (s_stream_t *stream)
{
    if (subscriber_catch_up (stream->subscriber) == 0)
        stream->catch_up_delay_ms = SERVICE_TICK_MS;
    else if (stream->catch_up_delay_ms < SERVICE_CATCH_UP_BACKOFF_MAX_MS)
        stream->catch_up_delay_ms *= 2;
    stream->catch_up_at_ms = zclock_mono () + stream->catch_up_delay_ms;
}

static int
s_on_tick (zloop_t *loop, int timer_id, void *arg)
{
    service_t *self = arg;
    for (size_t index = 0; index < self->stream_count; index++) {
        s_stream_t *stream = &self->streams[index];
        if (subscriber_is_behind (stream->subscriber) && zclock_mono () >= stream->catch_up_at_ms)
            s_catch_up (stream);
    }
    if (self->tick)
        self->tick (self->tick_state);
    return 0;
}

static int
s_on_heartbeat (zloop_t *loop, int timer_id, void *arg)
{
    service_t *self = arg;
    outbox_heartbeat (self->outbox);
    return 0;
}

static int
s_on_requests (zloop_t *loop, zsock_t *socket, void *arg)
{
    rpc_server_handle_all (arg);
    return 0;
}

static int
s_on_events (zloop_t *loop, zsock_t *socket, void *arg)
{
    subscriber_handle (arg);
    return 0;
}

// Registers every reader and timer. Returns 0 or -1.
static int
s_wire (service_t *self)
{
    int rc = self->request_reader
                 ? zloop_reader (self->loop, rpc_server_socket (self->rpc),
                                 self->request_reader, self->request_arg)
                 : zloop_reader (self->loop, rpc_server_socket (self->rpc), s_on_requests,
                                 self->rpc);
    for (size_t index = 0; rc == 0 && index < self->stream_count; index++)
        rc = zloop_reader (self->loop, subscriber_socket (self->streams[index].subscriber),
                           s_on_events, self->streams[index].subscriber);
    if (rc == 0 && zloop_timer (self->loop, SERVICE_TICK_MS, 0, s_on_tick, self) == -1)
        rc = -1;
    if (rc == 0 && self->outbox
        && zloop_timer (self->loop, PUBLISH_HEARTBEAT_MS, 0, s_on_heartbeat, self) == -1)
        rc = -1;
    return rc;
}

static int
s_serve (service_t *self)
{
    // What was missed while stopped; a publisher that does not answer now is retried by the
    // tick, so the service serves meanwhile.
    for (size_t index = 0; index < self->stream_count; index++)
        s_catch_up (&self->streams[index]);
    if (s_wire (self)) {
        log_error ("cannot start the loop", "service=%s", self->name);
        return -1;
    }
    zloop_start (self->loop);
    log_info ("stopping", "service=%s", self->name);
    return 0;
}

int
service_run (service_t *self)
{
    return s_serve (self) ? 1 : 0;
}

// The actor's pipe: "$TERM" (or a broken pipe) ends the loop.
static int
s_on_pipe (zloop_t *loop, zsock_t *pipe, void *arg)
{
    char *command = zstr_recv (pipe);
    bool stop = !command || streq (command, "$TERM");
    zstr_free (&command);
    return stop ? -1 : 0;
}

int
service_run_actor (service_t *self, zsock_t *pipe)
{
    zloop_reader (self->loop, pipe, s_on_pipe, NULL);
    zsock_signal (pipe, 0);
    return service_run (self);
}
