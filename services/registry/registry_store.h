/*  registry_store.h: the registry's SQLite file: programs, regions, pairings, people, the
    clock and the registry's events (outbox). Owns the sqlite3 handle and the outbox.

    Every read returns a message the caller frees with protobuf_c_message_free_unpacked; every
    write commits its event in the same transaction and publishes it after the commit. */
#ifndef SHANHAI_REGISTRY_STORE_H
#define SHANHAI_REGISTRY_STORE_H

#include <stdbool.h>
#include "common/outbox.h"
#include "common/proto.h"

typedef struct registry_store_t registry_store_t;

// Opens (creating) the file at path and binds the event endpoint. Returns NULL with the
// reason in errstr.
registry_store_t *registry_store_new (const char *path, const char *pub_endpoint, char *errstr,
                                      size_t errstr_size);
void registry_store_destroy (registry_store_t **self_p);
outbox_t *registry_store_outbox (registry_store_t *self);

// Replaces the whole registry with doc (already validated) and appends registry.changed.
// Returns 0 and sets *version and the counts in *reply, or -1 (nothing changed).
int registry_store_load (registry_store_t *self, const Shanhai__V1__RegistryDoc *doc,
                         Shanhai__V1__LoadReply *reply);
// The pairing with id (names filled in), or NULL when there is none (or on a read error,
// logged; *failed is then set).
Shanhai__V1__Pairing *registry_store_pairing (registry_store_t *self, const char *id,
                                              bool *failed);
// Pairings matching every non-empty filter, by id. NULL on a read error.
Shanhai__V1__PairingList *registry_store_pairings (registry_store_t *self, const char *program,
                                                   const char *region, const char *date);
// The people alerted for pairing (which must exist): leaders of both counties, its liaison
// officers, its program's office. NULL on a read error.
Shanhai__V1__PersonList *registry_store_people (registry_store_t *self,
                                                const Shanhai__V1__Pairing *pairing);

// The clock: -1 before it was first set.
int32_t registry_store_clock (registry_store_t *self, bool *fixed);
// Moves the clock to day (which must be later than the stored one), sets whether it is fixed
// and appends clock.changed, in one transaction. Returns 0 or -1 (nothing changed).
int registry_store_set_clock (registry_store_t *self, int32_t day, bool fixed);
// Sets only whether the clock is fixed (the day does not move, so nothing is announced).
// Returns 0 or -1.
int registry_store_set_clock_mode (registry_store_t *self, bool fixed);

#endif
