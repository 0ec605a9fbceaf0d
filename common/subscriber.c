#include "common/subscriber.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "common/limits.h"
#include "common/log.h"
#include "common/rpc.h"


struct subscriber_t {
    zsock_t *sub;
    rpc_client_t *client;
    char method[RPC_METHOD_BYTES_MAX];
    char endpoint[ENDPOINT_BYTES_MAX];
    uint64_t last_seq;
    uint64_t known_head;  // the newest seq the publisher is known to have
    bool caught_up;       // a catch-up has reached the head at least once
    size_t batch_max;     // events per apply
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
    self->batch_max = SUBSCRIBER_BATCH_EVENTS_MAX;
    self->apply = apply;
    self->state = state;
    self->client = rpc_client_new (rpc_endpoint, RPC_TIMEOUT_MS);
    self->sub = zsock_new (ZMQ_SUB);
    if (!self->client || !self->sub) {
        subscriber_destroy (&self);
        return NULL;
    }
    rpc_client_set_connect_wait (self->client, RPC_CONNECT_WAIT_MS);
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

void
subscriber_set_batch (subscriber_t *self, size_t events_max)
{
    assert (events_max <= SUBSCRIBER_BATCH_EVENTS_MAX);
    self->batch_max = events_max ? events_max : SUBSCRIBER_BATCH_EVENTS_MAX;
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

// Hands events[0..count) (next in line) to the consumer. Returns 0 when all were applied, 1
// when the consumer said "not yet" for some, -1 when it failed.
static int
s_apply (subscriber_t *self, const Shanhai__V1__Event *const *events, size_t count)
{
    if (count == 0)
        return 0;
    assert (events[0]->seq == self->last_seq + 1);
    int applied = self->apply (self->state, events, count);
    if (applied < 0) {
        log_warn ("apply failed, will retry", "publisher=%s seq=%llu events=%zu",
                  self->endpoint, (unsigned long long) events[0]->seq, count);
        return -1;
    }
    assert ((size_t) applied <= count);
    if (applied > 0)
        self->last_seq = events[applied - 1]->seq;
    return (size_t) applied == count ? 0 : 1;
}

// One Replay page from last_seq + 1, applied as one batch. Returns 2 when more may follow, 1
// when the consumer said "not yet", 0 at the head, -1 on failure.
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
    // The run of events that continues last_seq without a gap.
    size_t first = 0, count = 0;
    while (first < reply->n_events && reply->events[first]->seq <= self->last_seq)
        first++;
    while (first + count < reply->n_events
           && reply->events[first + count]->seq == self->last_seq + 1 + count)
        count++;
    int result = 0;
    if (first + count < reply->n_events) {
        log_error ("replay has a gap", "method=%s expected=%llu got=%llu", self->method,
                   (unsigned long long) (self->last_seq + 1 + count),
                   (unsigned long long) reply->events[first + count]->seq);
        result = -1;
    }
    for (size_t done = 0; done < count;) {
        size_t chunk = count - done < self->batch_max ? count - done : self->batch_max;
        int rc = s_apply (self, (const Shanhai__V1__Event *const *) reply->events + first + done,
                          chunk);
        if (rc) {
            result = rc;
            break;
        }
        done += chunk;
    }
    bool more = reply->n_events > 0 && self->last_seq < reply->head_seq;
    shanhai__v1__replay_reply__free_unpacked (reply, NULL);
    return result ? result : more ? 2 : 0;
}

int
subscriber_catch_up (subscriber_t *self)
{
    for (int page = 0; page < SUBSCRIBER_PAGES_PER_CATCH_UP; page++) {
        int rc = s_replay_page (self);
        if (rc < 0)
            return -1;
        if (rc == 1)
            return 0;  // "not yet": behind, quietly, until the next catch-up
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

// The events read off the socket that are next in line, not yet applied.
typedef struct {
    Shanhai__V1__Event *events[SUBSCRIBER_BATCH_EVENTS_MAX];
    size_t count;
    int result;        // -1 once an apply or a catch-up failed
    bool caught_up;    // this call already caught up once: a gap after it waits for the timer
} s_batch_t;

static void
s_flush (subscriber_t *self, s_batch_t *batch)
{
    if (batch->count > 0 && s_apply (self, (const Shanhai__V1__Event *const *) batch->events,
                                     batch->count) < 0)
        batch->result = -1;
    for (size_t index = 0; index < batch->count; index++)
        shanhai__v1__event__free_unpacked (batch->events[index], NULL);
    batch->count = 0;
}

// Takes one message: the next event joins the batch; a gap or a heartbeat ahead applies the
// batch and catches up (once per call: the timer does the rest).
static void
s_take (subscriber_t *self, s_batch_t *batch, zmsg_t *msg)
{
    if (zmsg_size (msg) != 2) {
        log_warn ("event dropped: not two frames", "publisher=%s", self->endpoint);
        return;
    }
    zframe_t *frame = zmsg_last (msg);
    Shanhai__V1__Event *event
        = shanhai__v1__event__unpack (NULL, zframe_size (frame), zframe_data (frame));
    if (!event) {
        log_warn ("event dropped: malformed", "publisher=%s", self->endpoint);
        return;
    }
    if (event->seq > self->known_head)
        self->known_head = event->seq;
    uint64_t next = self->last_seq + batch->count + 1;
    bool heartbeat = strcmp (event->type, "_head") == 0;
    if (!heartbeat && event->seq == next && self->caught_up && batch->result == 0) {
        batch->events[batch->count++] = event;
        if (batch->count == self->batch_max)
            s_flush (self, batch);
        return;
    }
    if (event->seq >= next && !batch->caught_up) {
        // A gap, a heartbeat ahead of us, or not caught up since the start.
        s_flush (self, batch);
        batch->caught_up = true;
        if (batch->result == 0 && subscriber_catch_up (self))
            batch->result = -1;
    }
    shanhai__v1__event__free_unpacked (event, NULL);
}

int
subscriber_handle (subscriber_t *self)
{
    s_batch_t *batch = calloc (1, sizeof *batch);
    if (!batch)
        return -1;
    for (int count = 0; count < ZMQ_HWM_MESSAGES; count++) {
        zmsg_t *msg = zmsg_recv (self->sub);
        if (!msg)
            break;
        s_take (self, batch, msg);
        zmsg_destroy (&msg);
    }
    s_flush (self, batch);
    int result = batch->result;
    free (batch);
    return result;
}

uint64_t
subscriber_head_seq (subscriber_t *self)
{
    return self->known_head;
}

bool
subscriber_caught_up (subscriber_t *self)
{
    return self->caught_up;
}

const char *
subscriber_replay_method (subscriber_t *self)
{
    return self->method;
}
