/*  registry_client.h: the registry's answers, as the other services and the CLI ask for them,
    cached in Redis (keys "shanhai:registry:...") for CACHE_TTL_S and dropped on
    registry.changed (registry_client_invalidate). */
#ifndef SHANHAI_REGISTRY_CLIENT_H
#define SHANHAI_REGISTRY_CLIENT_H

#include "common/cache.h"
#include "common/proto.h"

typedef struct registry_client_t registry_client_t;

// endpoint: the registry's RPC endpoint. cache is borrowed and may be NULL (uncached).
registry_client_t *registry_client_new (const char *endpoint, cache_t *cache);
void registry_client_destroy (registry_client_t **self_p);
// The pairing with id. Returns OK and *pairing (the caller frees it with
// shanhai__v1__pairing__free_unpacked), or NOT_FOUND, UNAVAILABLE, ...
rpc_status_t registry_client_pairing (registry_client_t *self, const char *id,
                                      Shanhai__V1__Pairing **pairing);
// The people alerted for a pairing (registry.People). Same ownership and statuses.
rpc_status_t registry_client_people (registry_client_t *self, const char *pairing,
                                     Shanhai__V1__PersonList **people);
// Uncached: every pairing (registry.ListPairings with no filter).
rpc_status_t registry_client_pairings (registry_client_t *self, Shanhai__V1__PairingList **list);
// Uncached: the clock (registry.GetClock).
rpc_status_t registry_client_clock (registry_client_t *self, Shanhai__V1__Clock **clock);
// Drops every cached registry answer.
void registry_client_invalidate (registry_client_t *self);
// The error of the last call that was not OK.
const char *registry_client_error (registry_client_t *self);

#endif
