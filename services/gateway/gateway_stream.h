/*  gateway_stream.h: the live alert streams (server-sent events) of GET /v1/alerts/stream.

    The gateway's loop thread hears every alert the notification service publishes (one
    subscriber to "alert.", which replays what PUB/SUB dropped) and hands each to
    gateway_streams_publish, which queues it for every open stream of that person. An HTTP
    worker thread drains a stream with gateway_stream_read; when nothing is due it parks the
    connection (the suspend callback) and the next alert, ping or close wakes it (the wake
    callback). Each queue is kept in id order without duplicates, so a stream that is filled
    from the inbox (a resume after Last-Event-ID) while live alerts arrive sends every alert
    once, in order. A stream whose queue overflows is closed after what it has: its client
    resumes from Last-Event-ID without loss.

    Every call takes the set's lock; the wake and suspend callbacks run under it. */
#ifndef SHANHAI_GATEWAY_STREAM_H
#define SHANHAI_GATEWAY_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "common/proto.h"

typedef struct gateway_streams_t gateway_streams_t;
typedef struct gateway_stream_t gateway_stream_t;
typedef void (gateway_stream_fn) (void *arg);

gateway_streams_t *gateway_streams_new (void);
// Frees the set; every stream must have been closed (gateway_stream_close) before.
void gateway_streams_destroy (gateway_streams_t **self_p);
size_t gateway_streams_count (gateway_streams_t *self);

// Opens a stream of person's alerts with an id above after_id. Returns it (owned by the set
// until gateway_stream_close), or NULL when GATEWAY_STREAMS_MAX are open.
gateway_stream_t *gateway_streams_open (gateway_streams_t *self, const char *person,
                                        uint64_t after_id);
// Queues a live alert for every open stream of its person and wakes them.
void gateway_streams_publish (gateway_streams_t *self, const Shanhai__V1__Alert *alert);
// Makes every stream send a comment (": ping") unless it has something to send.
void gateway_streams_ping (gateway_streams_t *self);
// Ends every stream (at shutdown): each sends what it has, then ends.
void gateway_streams_end_all (gateway_streams_t *self);

// Sets how the stream's connection is parked and woken (the HTTP layer's).
void gateway_stream_bind (gateway_stream_t *stream, gateway_stream_fn *suspend,
                          gateway_stream_fn *wake, void *arg);
// Queues an alert read from the inbox (a resume); one already queued or sent is skipped.
// Returns 0, or -1 when the queue is full (the stream then ends after what it has).
int gateway_stream_backfill (gateway_stream_t *stream, const Shanhai__V1__Alert *alert);
// Ends the stream once what it has is sent (a resume page that was full: the client comes
// back for the rest).
void gateway_stream_end_when_drained (gateway_stream_t *stream);
// Copies at most size bytes of what is due into buffer: returns how many (> 0); 0 after
// parking the connection when nothing is due; -1 when the stream has ended.
ssize_t gateway_stream_read (gateway_stream_t *stream, char *buffer, size_t size);
// Removes the stream from the set and frees it (its connection is gone).
void gateway_stream_close (gateway_stream_t *stream);

#endif
