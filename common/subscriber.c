#include "common/subscriber.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "common/limits.h"
#include "common/log.h"
#include "common/rpc.h"

// Replay pages one catch-up may ask for before it lets the service's loop run again; the
// timer's next catch-up continues where it stopped.
#define SUBSCRIBER_PAGES_PER_CATCH_UP 16

struct subscriber_t {
    zsock_t *sub;
    rpc_client_t *client;
    char method[RPC_METHOD_BYTES_MAX];
    char endpoint[ENDPOINT_BYTES_MAX];
    uint64_t last_seq;
    uint64_t known_head;  // the newest seq the publisher is known to have
    bool caught_up;       // a catch-up has reached the head at least once
    subscriber_apply_fn *apply;
    void *state;
};

subscriber_t *
subscriber_new (const char *pub_endpoint, const char *rpc_endpoint, const char *replay_method,
                uint64_t last_seq, subscriber_apply_fn *apply, void *state)
{
    assert (pub_endpoint && rpc_endpoint && replay_method && apply);
    assert (strlen (replay_method) < RPC_METHOD_BYTES_MAX);
    subscriber_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    snprintf (self->method, sizeof self->method, "%s", replay_method);
    snprintf (self->endpoint, sizeof self->endpoint, "%s", pub_endpoint);
    self->last_seq = last_seq;
    self->known_head = last_seq;
    self->apply = apply;
    self->state = state;
    self->client = rpc_client_new (rpc_endpoint, RPC_TIMEOUT_MS);
    self->sub = zsock_new (ZMQ_SUB);
    if (!self->client || !self->sub) {
        subscriber_destroy (&self);
        return NULL;
    }
    zsock_set_linger (self->sub, 0);
    zsock_set_rcvhwm (self->sub, ZMQ_HWM_MESSAGES);
    zsock_set_rcvtimeo (self->sub, 0);
    zsock_set_maxmsgsize (self->sub, RPC_MESSAGE_BYTES_MAX);
    zsock_set_subscribe (self->sub, "");
    if (zsock_connect (self->sub, "%s", pub_endpoint) == -1) {
        log_error ("cannot connect", "endpoint=%s", pub_endpoint);
        subscriber_destroy (&self);
        return NULL;
    }
    return self;
}

void
subscriber_destroy (subscriber_t **self_p)
{
    if (self_p && *self_p) {
        zsock_destroy (&(*self_p)->sub);
        rpc_client_destroy (&(*self_p)->client);
        free (*self_p);
        *self_p = NULL;
    }
}

zsock_t *
subscriber_socket (subscriber_t *self)
{
    return self->sub;
}

uint64_t
subscriber_last_seq (subscriber_t *self)
{
    return self->last_seq;
}

bool
subscriber_is_behind (subscriber_t *self)
{
    return !self->caught_up || self->known_head > self->last_seq;
}

// Applies an event that is next in line. Returns 0, or -1 when the consumer could not.
static int
s_apply (subscriber_t *self, const Shanhai__V1__Event *event)
{
    assert (event->seq == self->last_seq + 1);
    int rc = self->apply (self->state, event);
    if (rc < 0)
        log_warn ("apply failed, will retry", "publisher=%s seq=%llu", self->endpoint,
                  (unsigned long long) event->seq);
    if (rc)
        return -1;
    self->last_seq = event->seq;
    return 0;
}

// One Replay page from last_seq + 1. Returns 1 when more may follow, 0 at the head, -1 on
// failure.
static int
s_replay_page (subscriber_t *self)
{
    Shanhai__V1__ReplayRequest request = SHANHAI__V1__REPLAY_REQUEST__INIT;
    request.from_seq = self->last_seq + 1;
    request.max_events = REPLAY_EVENTS_MAX;
    Shanhai__V1__ReplayReply *reply = NULL;
    rpc_status_t status = rpc_client_call (self->client, self->method, &request.base,
                                           &shanhai__v1__replay_reply__descriptor,
                                           (ProtobufCMessage **) &reply);
    if (status != RPC_OK) {
        log_warn ("replay failed", "method=%s status=%s error=\"%s\"", self->method,
                  rpc_status_name (status), rpc_client_error (self->client));
        return -1;
    }
    if (reply->head_seq > self->known_head)
        self->known_head = reply->head_seq;
    int result = 0;
    for (size_t index = 0; index < reply->n_events && result == 0; index++) {
        const Shanhai__V1__Event *event = reply->events[index];
        if (event->seq <= self->last_seq)
            continue;
        if (event->seq != self->last_seq + 1) {
            log_error ("replay has a gap", "method=%s expected=%llu got=%llu", self->method,
                       (unsigned long long) self->last_seq + 1,
                       (unsigned long long) event->seq);
            result = -1;
        } else
            result = s_apply (self, event);
    }
    bool more = reply->n_events > 0 && self->last_seq < reply->head_seq;
    shanhai__v1__replay_reply__free_unpacked (reply, NULL);
    return result ? -1 : more ? 1 : 0;
}

int
subscriber_catch_up (subscriber_t *self)
{
    for (int page = 0; page < SUBSCRIBER_PAGES_PER_CATCH_UP; page++) {
        int rc = s_replay_page (self);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            if (!self->caught_up)
                log_info ("caught up", "method=%s seq=%llu", self->method,
                          (unsigned long long) self->last_seq);
            self->caught_up = true;
            return 0;
        }
    }
    return 0;  // more pages wait; subscriber_is_behind stays true for the timer
}

// Handles one message: returns 0, or -1 when the subscriber fell behind and could not catch up.
static int
s_handle_message (subscriber_t *self, zmsg_t *msg)
{
    if (zmsg_size (msg) != 2) {
        log_warn ("event dropped: not two frames", "publisher=%s", self->endpoint);
        return 0;
    }
    zframe_t *frame = zmsg_last (msg);
    Shanhai__V1__Event *event
        = shanhai__v1__event__unpack (NULL, zframe_size (frame), zframe_data (frame));
    if (!event) {
        log_warn ("event dropped: malformed", "publisher=%s", self->endpoint);
        return 0;
    }
    int rc = 0;
    if (event->seq > self->known_head)
        self->known_head = event->seq;
    bool heartbeat = strcmp (event->type, "_head") == 0;
    if (!heartbeat && event->seq == self->last_seq + 1 && self->caught_up)
        rc = s_apply (self, event);
    else if (event->seq > self->last_seq)
        rc = subscriber_catch_up (self);  // a gap, a heartbeat ahead of us, or not caught up
    shanhai__v1__event__free_unpacked (event, NULL);
    return rc;
}

int
subscriber_handle (subscriber_t *self)
{
    int result = 0;
    for (int count = 0; count < ZMQ_HWM_MESSAGES; count++) {
        zmsg_t *msg = zmsg_recv (self->sub);
        if (!msg)
            break;
        if (s_handle_message (self, msg))
            result = -1;
        zmsg_destroy (&msg);
    }
    return result;
}
