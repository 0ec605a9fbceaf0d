#include "alert_watch.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "common/limits.h"
#include "raw.h"

// Messages read per call: a flood of alerts must not keep the bench from sending.
#define ALERT_WATCH_READ_MAX 10000
// Messages the SUB queues while the bench is busy: a whole phase's alerts (a clock move
// alerts every pair's people at once), so that the bench itself drops nothing.
#define ALERT_WATCH_HWM_MESSAGES 1000000

struct alert_watch_t {
    zsock_t *sub;
    alert_watch_fn *fn;
    void *state;
    bool live;
    uint64_t last_seq;  // of the last alert read; 0 before the first
    long alerts;
    long gaps;
    long malformed;
};

alert_watch_t *
alert_watch_new (const char *pub_endpoint, alert_watch_fn *fn, void *state)
{
    assert (pub_endpoint && fn);
    alert_watch_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->fn = fn;
    self->state = state;
    self->sub = zsock_new (ZMQ_SUB);
    if (!self->sub) {
        free (self);
        return NULL;
    }
    zsock_set_rcvhwm (self->sub, ALERT_WATCH_HWM_MESSAGES);
    zsock_set_rcvtimeo (self->sub, 0);
    zsock_set_linger (self->sub, 0);
    zsock_set_maxmsgsize (self->sub, RPC_MESSAGE_BYTES_MAX);
    zsock_set_subscribe (self->sub, "alert.");
    zsock_set_subscribe (self->sub, "_head");
    if (zsock_connect (self->sub, "%s", pub_endpoint) != 0) {
        alert_watch_destroy (&self);
        return NULL;
    }
    return self;
}

void
alert_watch_destroy (alert_watch_t **self_p)
{
    if (self_p && *self_p) {
        zsock_destroy (&(*self_p)->sub);
        free (*self_p);
        *self_p = NULL;
    }
}

zsock_t *
alert_watch_socket (alert_watch_t *self)
{
    return self->sub;
}

// One published message: the topic, then the Event. Alerts go to fn; "_head" marks the
// subscription live.
static void
s_handle (alert_watch_t *self, zmsg_t *msg, int64_t read_us)
{
    zframe_t *topic = zmsg_first (msg);
    zframe_t *body = zmsg_next (msg);
    Shanhai__V1__Event *event
        = body ? shanhai__v1__event__unpack (NULL, zframe_size (body), zframe_data (body)) : NULL;
    if (!topic || !event) {
        self->malformed++;
        if (event)
            shanhai__v1__event__free_unpacked (event, NULL);
        return;
    }
    if (zframe_streq (topic, "_head"))
        self->live = true;
    else {
        Shanhai__V1__Alert *alert
            = shanhai__v1__alert__unpack (NULL, event->body.len, event->body.data);
        if (!alert)
            self->malformed++;
        else {
            if (self->last_seq && event->seq > self->last_seq + 1)
                self->gaps += (long) (event->seq - self->last_seq - 1);
            if (event->seq > self->last_seq)
                self->last_seq = event->seq;
            self->alerts++;
            self->fn (self->state, alert, read_us);
            shanhai__v1__alert__free_unpacked (alert, NULL);
        }
    }
    shanhai__v1__event__free_unpacked (event, NULL);
}

long
alert_watch_receive (alert_watch_t *self)
{
    long before = self->alerts;
    for (int index = 0; index < ALERT_WATCH_READ_MAX; index++) {
        zmsg_t *msg = zmsg_recv (self->sub);
        if (!msg)
            break;
        s_handle (self, msg, raw_now_us ());
        zmsg_destroy (&msg);
    }
    return self->alerts - before;
}

bool
alert_watch_is_live (alert_watch_t *self)
{
    return self->live;
}

long
alert_watch_alerts (alert_watch_t *self)
{
    return self->alerts;
}

long
alert_watch_gaps (alert_watch_t *self)
{
    return self->gaps;
}

long
alert_watch_malformed (alert_watch_t *self)
{
    return self->malformed;
}
