/*  alert_watch.h: a subscriber to the notification's alerts, as a person's client would be,
    for every person at once: a SUB on the notification's PUB subscribed to the prefix "alert."
    (which matches both "alert.<id>" and "alert.<id>/") and to "_head", the heartbeat that
    tells the subscription is live.

    It never asks for a replay: the bench measures what arrives. Seqs that an arriving alert
    skips are counted as gaps (alerts published but dropped on the way, e.g. at a high-water
    mark), so that a phase that waits in vain can say why. */
#ifndef SHANHAI_BENCH_ALERT_WATCH_H
#define SHANHAI_BENCH_ALERT_WATCH_H

#include <czmq.h>
#include <stdbool.h>
#include <stdint.h>
#include "common/proto.h"

typedef struct alert_watch_t alert_watch_t;

// Called for each alert read, with the monotonic time (raw_now_us) it was read at. The alert
// is borrowed for the call.
typedef void (alert_watch_fn) (void *state, const Shanhai__V1__Alert *alert, int64_t read_us);

// Connects to pub_endpoint. fn and state are kept for alert_watch_receive. NULL on failure.
alert_watch_t *alert_watch_new (const char *pub_endpoint, alert_watch_fn *fn, void *state);
void alert_watch_destroy (alert_watch_t **self_p);
// The socket, for zmq_poll. Borrowed.
zsock_t *alert_watch_socket (alert_watch_t *self);
// Reads every message waiting (at most ALERT_WATCH_READ_MAX a call, so that a flood does not
// starve the bench's sending) and calls fn for each alert. Returns how many alerts were read.
long alert_watch_receive (alert_watch_t *self);
// True once a "_head" heartbeat arrived: the subscription reached the publisher.
bool alert_watch_is_live (alert_watch_t *self);
long alert_watch_alerts (alert_watch_t *self);
// Alerts whose seq was skipped by a later one; malformed messages.
long alert_watch_gaps (alert_watch_t *self);
long alert_watch_malformed (alert_watch_t *self);

#endif
