/*  subscriber.h: the consumer's side of outbox.h. It subscribes to every topic of one
    publisher, applies each event exactly once and in order, and replays what it missed.

    Consumers apply in batches: the subscriber hands its consumer every event that is next in
    line and available now (what waits on the socket, or a Replay page), up to
    SUBSCRIBER_BATCH_EVENTS_MAX, and the consumer applies them in one transaction together
    with the last seq it applied: one fsync per batch, the same effects as one by one. The
    consumer gives that seq to subscriber_new at start. A seq at or below the last applied is
    skipped; a gap, a "_head" beyond the last applied, or a call to subscriber_catch_up makes
    the subscriber ask the publisher's Replay method for the missing events (in pages of
    REPLAY_EVENTS_MAX) and apply them first. If the publisher does not answer, the subscriber
    stays behind and tries again at the next catch-up. */
#ifndef SHANHAI_SUBSCRIBER_H
#define SHANHAI_SUBSCRIBER_H

#include <czmq.h>
#include <stdint.h>
#include "common/proto.h"

// Applies events[0..count) (consecutive seqs, the first right after the last applied; count
// >= 1) in one transaction that also records the seq of the last event it applied. Returns
// how many it applied from the front: count for all, fewer for "not yet" (the consumer wants
// other events applied first; the rest are offered again later without a word in the log);
// or -1 when it could apply none (logged; all are offered again later). The events are
// borrowed for the call.
typedef int (subscriber_apply_fn) (void *state, const Shanhai__V1__Event *const *events,
                                   size_t count);

typedef struct subscriber_t subscriber_t;

// Connects a SUB to pub_endpoint (all topics) and a client to rpc_endpoint for replay_method
// ("ledger.Replay"). last_seq is the last event the consumer applied (0 for none).
// Returns NULL on failure (logged).
subscriber_t *subscriber_new (const char *pub_endpoint, const char *rpc_endpoint,
                              const char *replay_method, uint64_t last_seq,
                              subscriber_apply_fn *apply, void *state);
void subscriber_destroy (subscriber_t **self_p);
// The most events handed to the consumer at once: 1..SUBSCRIBER_BATCH_EVENTS_MAX, or 0 for
// SUBSCRIBER_BATCH_EVENTS_MAX (the default).
void subscriber_set_batch (subscriber_t *self, size_t events_max);
// The SUB socket, for a zloop reader. Borrowed.
zsock_t *subscriber_socket (subscriber_t *self);
// Reads every waiting message from the SUB socket and applies what is due. Returns 0, or -1
// when an apply failed or a replay could not be had (the subscriber is then behind).
int subscriber_handle (subscriber_t *self);
// Replays from the last applied seq up to the publisher's head (at most
// SUBSCRIBER_PAGES_PER_CATCH_UP pages at once). Returns 0 (also when the consumer said "not
// yet": subscriber_is_behind stays true), or -1 if the publisher did not answer or an apply
// failed. Call at start and from a timer.
int subscriber_catch_up (subscriber_t *self);
uint64_t subscriber_last_seq (subscriber_t *self);
// The newest seq the publisher is known to have (its heartbeat, its last event or Replay).
uint64_t subscriber_head_seq (subscriber_t *self);
// True once a catch-up has reached the publisher's head since the start.
bool subscriber_caught_up (subscriber_t *self);
// The publisher's Replay method, "ledger.Replay" (borrowed).
const char *subscriber_replay_method (subscriber_t *self);
// True when the subscriber knows of events it has not applied yet.
bool subscriber_is_behind (subscriber_t *self);

#endif
