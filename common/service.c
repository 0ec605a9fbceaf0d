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
};

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
    if (!self->rpc || !self->loop) {
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
