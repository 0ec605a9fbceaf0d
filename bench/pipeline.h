/*  pipeline.h: requests kept in flight on one DEALER, the way a busy client of shanhai sends
    them (rpc.h's client waits for each reply; this one does not). Requests go out in order on
    one connection and a service answers each once, so the bench counts replies rather than
    matching them: every request sent is answered OK, answered with an error (counted as
    failed, the first error kept), or still in flight.

    The pipeline owns its socket; it is polled with pipeline_socket and drained with
    pipeline_receive, which never blocks. */
#ifndef SHANHAI_BENCH_PIPELINE_H
#define SHANHAI_BENCH_PIPELINE_H

#include <czmq.h>
#include <stdbool.h>
#include <stdint.h>
#include "common/proto.h"

typedef struct pipeline_t pipeline_t;

// Connects a DEALER to endpoint, with up to window requests in flight. NULL on failure.
pipeline_t *pipeline_new (const char *endpoint, long window);
void pipeline_destroy (pipeline_t **self_p);
// The socket, for zmq_poll. Borrowed.
zsock_t *pipeline_socket (pipeline_t *self);
// True when fewer than window requests are in flight.
bool pipeline_can_send (pipeline_t *self);
// Sends method with body (borrowed) without waiting. Returns 0, or -1 when the request does
// not fit a frame or the socket refused it (counted as failed).
int pipeline_send (pipeline_t *self, const char *method, const ProtobufCMessage *body);
// Reads every reply waiting (never blocks). Returns how many were read.
long pipeline_receive (pipeline_t *self);
long pipeline_sent (pipeline_t *self);
long pipeline_answered (pipeline_t *self);
long pipeline_failed (pipeline_t *self);
long pipeline_in_flight (pipeline_t *self);
// The first failure's "STATUS: error", or "" when none failed. Borrowed.
const char *pipeline_first_error (pipeline_t *self);

#endif
