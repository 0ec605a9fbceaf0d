/*  registry_replica.h: a service's own copy of the registry (DESIGN: "no round trip on the hot
    path"). The registry publishes registry.changed with its version; the service's registry
    consumer then prepares the new version (one registry.Snapshot call, checked with
    registry_model_validate and indexed as a registry_view), writes it into the service's own
    database inside the consumer's transaction, and swaps it in once that transaction has
    committed. Lookups never wait for the registry or for Redis, and a service that starts
    while the registry is down serves from the copy it stored.

    The table `registry_replica` holds the newest snapshot the service has committed. A
    version the replica already has (a replayed registry.changed) costs nothing. */
#ifndef SHANHAI_REGISTRY_REPLICA_H
#define SHANHAI_REGISTRY_REPLICA_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include "common/registry_view.h"

typedef struct registry_replica_t registry_replica_t;

// Creates the table in db (borrowed: the service's store, which must outlive the replica) if
// needed and loads the snapshot stored there, if any. registry_rpc is the registry's request
// endpoint. Returns NULL with one line in errstr (a stored snapshot that no longer decodes or
// validates is refused rather than served).
registry_replica_t *registry_replica_new (sqlite3 *db, const char *registry_rpc, char *errstr,
                                          size_t errstr_size);
void registry_replica_destroy (registry_replica_t **self_p);

// The current view (borrowed until the next registry_replica_finish), or NULL when the
// service has never had a snapshot.
const registry_view_t *registry_replica_view (const registry_replica_t *self);
// The view prepared by registry_replica_prepare and not yet finished, or NULL (borrowed): a
// consumer that must compute with the new version inside the transaction that stores it.
const registry_view_t *registry_replica_prepared (const registry_replica_t *self);
// The current version (0: none).
uint64_t registry_replica_version (const registry_replica_t *self);

// Outside any transaction: fetches the registry's snapshot when it is newer than what the
// replica has and at least version (registry.changed's), checks it and keeps it prepared.
// Returns 1 when a new view is prepared, 0 when there is nothing newer to take, -1 (logged)
// when the registry did not answer or sent a snapshot that does not validate.
int registry_replica_prepare (registry_replica_t *self, uint64_t version);
// Inside the caller's transaction: stores the prepared snapshot, if any. Returns 0 or -1.
int registry_replica_write (registry_replica_t *self);
// After the caller's transaction: swaps the prepared view in when it committed, drops it
// otherwise. Returns true when the view changed.
bool registry_replica_finish (registry_replica_t *self, bool committed);

// The version in a registry.changed event's body, or 0 when it is malformed.
uint64_t registry_replica_changed_version (const Shanhai__V1__Event *event);
// The day a clock.changed event's body moves to (days since 1970), or -1 when it is malformed.
int32_t registry_replica_clock_day (const Shanhai__V1__Event *event);

// The whole apply of the registry's stream for a service that needs only the replica and the
// clock (the ledger, notification): prepares the newest registry.changed of events, then in
// one transaction of the replica's database stores it, the day of the last clock.changed
// (meta "clock_day") and the seq of the last event (meta seq_key), and swaps the view in once
// committed. *clock_day (when not NULL) gets the clock as stored. Returns count (all
// applied), or -1 when the registry's snapshot could not be had or the write failed (logged;
// the events are offered again).
int registry_replica_apply (registry_replica_t *self, const Shanhai__V1__Event *const *events,
                            size_t count, const char *seq_key, int32_t *clock_day);

#endif
