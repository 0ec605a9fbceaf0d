#include "pipeline.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/limits.h"

// A bench request: a ledger event or a clock move, a few hundred bytes at most.
#define PIPELINE_FRAME_BYTES_MAX 4096

struct pipeline_t {
    zsock_t *dealer;
    long window;
    long sent;
    long answered;
    long failed;
    char first_error[RPC_ERROR_BYTES_MAX + 32];
};

pipeline_t *
pipeline_new (const char *endpoint, long window)
{
    assert (endpoint && window > 0);
    pipeline_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->window = window;
    self->dealer = zsock_new (ZMQ_DEALER);
    if (!self->dealer) {
        free (self);
        return NULL;
    }
    // The window bounds what is queued; the high-water marks only need to stay above it.
    zsock_set_sndhwm (self->dealer, ZMQ_HWM_MESSAGES);
    zsock_set_rcvhwm (self->dealer, ZMQ_HWM_MESSAGES);
    zsock_set_sndtimeo (self->dealer, RPC_TIMEOUT_MS);
    zsock_set_rcvtimeo (self->dealer, 0);
    zsock_set_linger (self->dealer, 0);
    zsock_set_maxmsgsize (self->dealer, RPC_MESSAGE_BYTES_MAX);
    if (zsock_connect (self->dealer, "%s", endpoint) != 0) {
        pipeline_destroy (&self);
        return NULL;
    }
    return self;
}

void
pipeline_destroy (pipeline_t **self_p)
{
    if (self_p && *self_p) {
        zsock_destroy (&(*self_p)->dealer);
        free (*self_p);
        *self_p = NULL;
    }
}

zsock_t *
pipeline_socket (pipeline_t *self)
{
    return self->dealer;
}

bool
pipeline_can_send (pipeline_t *self)
{
    return pipeline_in_flight (self) < self->window;
}

static void
s_fail (pipeline_t *self, const char *status, const char *error)
{
    if (self->failed++ == 0)
        snprintf (self->first_error, sizeof self->first_error, "%s: %s", status, error);
}

int
pipeline_send (pipeline_t *self, const char *method, const ProtobufCMessage *body)
{
    assert (method && body);
    uint8_t packed[PIPELINE_FRAME_BYTES_MAX], frame[PIPELINE_FRAME_BYTES_MAX];
    char request_id[32];
    snprintf (request_id, sizeof request_id, "%ld", self->sent);
    self->sent++;
    size_t body_size = protobuf_c_message_get_packed_size (body);
    if (body_size > sizeof packed / 2) {
        s_fail (self, "BENCH", "the request does not fit a frame");
        self->answered++;
        return -1;
    }
    protobuf_c_message_pack (body, packed);
    Shanhai__V1__Request request = SHANHAI__V1__REQUEST__INIT;
    request.method = (char *) method;
    request.request_id = request_id;
    request.body.data = packed;
    request.body.len = body_size;
    size_t size = shanhai__v1__request__get_packed_size (&request);
    assert (size <= sizeof frame);
    shanhai__v1__request__pack (&request, frame);
    if (zsock_send (self->dealer, "b", frame, size) != 0) {
        s_fail (self, "BENCH", "the socket refused the request");
        self->answered++;
        return -1;
    }
    return 0;
}

long
pipeline_receive (pipeline_t *self)
{
    long read = 0;
    // At most what is in flight: a reply beyond that would be a stray, read next time.
    while (pipeline_in_flight (self) > 0) {
        zframe_t *frame = zframe_recv (self->dealer);
        if (!frame)
            break;
        Shanhai__V1__Reply *reply
            = shanhai__v1__reply__unpack (NULL, zframe_size (frame), zframe_data (frame));
        if (!reply)
            s_fail (self, "BENCH", "a reply could not be decoded");
        else if (reply->status != RPC_OK)
            s_fail (self, rpc_status_name (reply->status), reply->error);
        if (reply)
            shanhai__v1__reply__free_unpacked (reply, NULL);
        zframe_destroy (&frame);
        self->answered++;
        read++;
    }
    return read;
}

long
pipeline_sent (pipeline_t *self)
{
    return self->sent;
}

long
pipeline_answered (pipeline_t *self)
{
    return self->answered;
}

long
pipeline_failed (pipeline_t *self)
{
    return self->failed;
}

long
pipeline_in_flight (pipeline_t *self)
{
    return self->sent - self->answered;
}

const char *
pipeline_first_error (pipeline_t *self)
{
    return self->first_error;
}
