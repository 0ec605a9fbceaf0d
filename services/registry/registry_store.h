/*  registry_store.h: the registry's SQLite file: each loaded version of the registry document
    (packed, as it was checked), the deployment id, the clock and the registry's events
    (outbox). Owns the sqlite3 handle and the outbox. Every write commits its event in the
    same transaction and publishes it after the commit. */
#ifndef SHANHAI_REGISTRY_STORE_H
#define SHANHAI_REGISTRY_STORE_H

#include <stdbool.h>
#include "common/outbox.h"
#include "common/proto.h"

// A deployment id: 32 hex digits of random bytes.
#define REGISTRY_DEPLOYMENT_BYTES 33

typedef struct registry_store_t registry_store_t;

// Opens (creating) the file at path and binds the event endpoint. At the first open it makes
// the deployment id. Returns NULL with the reason in errstr.
registry_store_t *registry_store_new (const char *path, const char *pub_endpoint, char *errstr,
                                      size_t errstr_size);
void registry_store_destroy (registry_store_t **self_p);
outbox_t *registry_store_outbox (registry_store_t *self);
// The deployment id (borrowed; lives as long as the store).
const char *registry_store_deployment (registry_store_t *self);

// Stores doc (already validated) as the next version and appends registry.changed, in one
// transaction. Returns 0 and fills the counts and version of *reply, or -1 (nothing changed).
int registry_store_load (registry_store_t *self, const Shanhai__V1__RegistryDoc *doc,
                         Shanhai__V1__LoadReply *reply);
// The newest document (the caller frees it with shanhai__v1__registry_doc__free_unpacked) and
// its version in *version; NULL with *version 0 when nothing was loaded, or NULL with
// *version set on a read error (logged).
Shanhai__V1__RegistryDoc *registry_store_document (registry_store_t *self, uint64_t *version);

// The clock: -1 before it was first set.
int32_t registry_store_clock (registry_store_t *self, bool *fixed);
// Moves the clock to day (which must be later than the stored one), sets whether it is fixed
// and appends clock.changed, in one transaction. Returns 0 or -1 (nothing changed).
int registry_store_set_clock (registry_store_t *self, int32_t day, bool fixed);
// Sets only whether the clock is fixed (the day does not move, so nothing is announced).
// Returns 0 or -1.
int registry_store_set_clock_mode (registry_store_t *self, bool fixed);

#endif
