/*  subscriber.h: the consumer's side of outbox.h. It subscribes to every topic of one
    publisher, applies each event exactly once and in order, and replays what it missed.

    The consumer stores the last seq it applied in the same transaction as the event's
    effects, and gives it to subscriber_new at start. For each event: a seq at or below the
    last applied is skipped; the next seq is applied; a gap, a "_head" beyond the last applied,
    or a call to subscriber_catch_up makes the subscriber ask the publisher's Replay method for
    the missing events (in pages of REPLAY_EVENTS_MAX) and apply them first. If the publisher
    does not answer, the subscriber stays behind and tries again at the next catch-up. */
#ifndef SHANHAI_SUBSCRIBER_H
#define SHANHAI_SUBSCRIBER_H

#include <czmq.h>
#include <stdint.h>
#include "common/proto.h"

// Applies one event and durably records event->seq as the last applied, in one transaction.
// Returns 0; -1 if it could not (logged; the event is offered again later); or 1 for "not
// yet": the consumer wants other events applied first, and the event is offered again later
// without a word in the log.
typedef int (subscriber_apply_fn) (void *state, const Shanhai__V1__Event *event);

typedef struct subscriber_t subscriber_t;

// Connects a SUB to pub_endpoint (all topics) and a client to rpc_endpoint for replay_method
// ("ledger.Replay"). last_seq is the last event the consumer applied (0 for none).
// Returns NULL on failure (logged).
subscriber_t *subscriber_new (const char *pub_endpoint, const char *rpc_endpoint,
                              const char *replay_method, uint64_t last_seq,
                              subscriber_apply_fn *apply, void *state);
void subscriber_destroy (subscriber_t **self_p);
// The SUB socket, for a zloop reader. Borrowed.
zsock_t *subscriber_socket (subscriber_t *self);
// Reads every waiting message from the SUB socket and applies what is due. Returns 0, or -1
// when an apply failed or a replay could not be had (the subscriber is then behind).
int subscriber_handle (subscriber_t *self);
// Replays from the last applied seq up to the publisher's head. Returns 0, or -1 if the
// publisher did not answer or an apply failed. Call at start and from a timer.
int subscriber_catch_up (subscriber_t *self);
uint64_t subscriber_last_seq (subscriber_t *self);
// True when the subscriber knows of events it has not applied yet.
bool subscriber_is_behind (subscriber_t *self);

#endif
