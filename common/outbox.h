/*  outbox.h: a publisher's events are rows of its own store.

    A service appends events to the table `outbox` inside the same transaction as the effects
    they describe; after that transaction commits it calls outbox_publish, which sends every row
    not yet sent on its PUB socket (two frames: topic, then a shanhai.v1.Event with the row's
    seq). So nothing is published that is not on disk, and nothing on disk stays unpublished:
    a crash between commit and publish is repaired by the "_head" heartbeat, which tells every
    subscriber the newest seq, and by the Replay method, which reads the rows back.

    Seqs are 1, 2, 3... per service, across all its topics, without gaps. */
#ifndef SHANHAI_OUTBOX_H
#define SHANHAI_OUTBOX_H

#include <sqlite3.h>
#include "common/proto.h"
#include "common/rpc.h"

typedef struct outbox_t outbox_t;

// Creates the table in db if needed and binds a PUB socket to endpoint. db is borrowed and
// must outlive the outbox. Returns NULL on failure (logged).
outbox_t *outbox_new (sqlite3 *db, const char *endpoint);
void outbox_destroy (outbox_t **self_p);
// Appends an event; run it inside the caller's open transaction. type names the event
// ("ledger.recorded"), topic is what subscribers filter on (usually the type; "alert.<id>").
// Returns the new seq, or -1 (logged) and the caller rolls back.
int64_t outbox_append (outbox_t *self, const char *topic, const char *type,
                       const ProtobufCMessage *body);
// After a commit: publishes every row with a seq above the last published. Returns the number
// published, or -1 on a database error.
int outbox_publish (outbox_t *self);
// After the caller rolled its transaction back: forgets the seqs appended in it, so that
// outbox_head is again the newest seq on disk.
void outbox_rollback (outbox_t *self);
// Publishes "_head" with the newest seq. For the service's periodic timer.
void outbox_heartbeat (outbox_t *self);
// The newest seq appended (inside an open transaction, including its own appends).
uint64_t outbox_head (outbox_t *self);
// The "<service>.Replay" handler: state is the outbox.
void outbox_replay_handler (void *state, const rpc_call_t *call, rpc_reply_t *reply);

#endif
