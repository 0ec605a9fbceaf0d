/*  delivery.h: the notification's channels at work: alerts queued per channel, merged into
    digests, posted over HTTP without ever blocking the service's loop, retried, logged.

    - Queueing (inside the transaction that writes the alerts): each alert goes to every channel
      of the replica that carries it (registry_view_channels), as a pending attempt due once
      the grouping window has passed; its line (alert_template_line) is stored with it.
    - Sending (the service's tick): a channel with a due attempt gets one message carrying its
      pending attempts, as many as fit one message (channel_message_fit); one change told to
      several people is one line that mentions them all. At most one message per channel is
      in flight, and at most DELIVERY_MESSAGES_PER_MINUTE_MAX start per channel in any minute
      (a restart included: the log says when its last messages finished): beyond that its
      alerts wait, and go out merged when the minute allows.
    - Transfers run on libcurl's multi interface, driven by a short timer of the service's
      zloop while any is in flight; each has DELIVERY_TIMEOUT_MS.
    - The reply finishes every attempt of the message in one transaction: sent; or failed,
      with the next attempt pending after an exponential backoff with jitter; or dead after
      the configured number of attempts. An attempt stays pending until its reply is
      recorded, so a restart resumes it; a stop waits up to DELIVERY_DRAIN_MS for replies in
      flight, so that what a robot accepted is not sent again. */
#ifndef SHANHAI_DELIVERY_H
#define SHANHAI_DELIVERY_H

#include <czmq.h>
#include "alert_template.h"
#include "common/registry_replica.h"
#include "notification_store.h"

typedef struct delivery_t delivery_t;

// The timing of the channels (config.h: SHANHAI_DELIVERY_*).
typedef struct {
    int64_t window_ms;   // 0 .. DELIVERY_WINDOW_MAX_MS
    int64_t backoff_ms;  // the first retry's delay, > 0
    int attempts;        // 1 .. DELIVERY_ATTEMPTS_MAX - 1
} delivery_settings_t;

// The channels of store (its deliveries and channel_lines tables), routed by registry's view
// and worded by templates; all three borrowed, and must outlive the delivery. Returns NULL
// when out of memory or libcurl cannot start (logged).
delivery_t *delivery_new (notification_store_t *store, const registry_replica_t *registry,
                          const alert_template_t *templates, const delivery_settings_t *settings);
// Waits up to DELIVERY_DRAIN_MS for the replies of messages in flight and records them, then
// frees the delivery; safe on NULL and twice; nulls *self_p.
void delivery_destroy (delivery_t **self_p);
// The loop whose timer drives the transfers (borrowed). Without one, delivery_poll does.
void delivery_attach (delivery_t *self, zloop_t *loop);

// Inside the caller's transaction: queues alert (stored: its id is set) on the channels that
// carry it (person alert->person, a pair of program) with line. Returns how many channels, or
// -1 when the store failed (the caller rolls back).
int delivery_enqueue (delivery_t *self, const Shanhai__V1__Alert *alert, const char *program,
                      const char *line);
// Starts a message on every channel with an attempt due and room in its minute. Outside any
// transaction.
void delivery_tick (delivery_t *self);
// Drives the transfers in flight and records the replies that came. Returns how many are
// still in flight.
size_t delivery_poll (delivery_t *self);
// Sends dead attempt id again: adds the next attempt, pending and due now, and copies it into
// *added. Returns OK,
// NOT_FOUND (no such attempt), CONFLICT (it is not dead, or a later attempt exists), INVALID
// (no attempts left: DELIVERY_ATTEMPTS_MAX) or FAILED.
notification_store_result_t delivery_retry (delivery_t *self, uint64_t id,
                                           notification_delivery_t *added);
// Messages in flight now.
size_t delivery_in_flight (const delivery_t *self);

#endif
