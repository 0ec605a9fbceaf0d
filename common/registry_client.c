#include "common/registry_client.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/limits.h"
#include "common/rpc.h"

#define REGISTRY_CACHE_PREFIX "shanhai:registry:"

struct registry_client_t {
    rpc_client_t *client;
    cache_t *cache;  // borrowed, may be NULL
    char error[RPC_ERROR_BYTES_MAX];
};

registry_client_t *
registry_client_new (const char *endpoint, cache_t *cache)
{
    registry_client_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->cache = cache;
    self->client = rpc_client_new (endpoint, RPC_TIMEOUT_MS);
    if (!self->client) {
        free (self);
        return NULL;
    }
    return self;
}

void
registry_client_destroy (registry_client_t **self_p)
{
    if (self_p && *self_p) {
        rpc_client_destroy (&(*self_p)->client);
        free (*self_p);
        *self_p = NULL;
    }
}

const char *
registry_client_error (registry_client_t *self)
{
    return self->error;
}

// Asks the cache under key, then the registry; a registry answer is cached. The reply is
// decoded as reply_descriptor into *out (the caller's).
static rpc_status_t
s_cached_call (registry_client_t *self, const char *key, const char *method,
               const ProtobufCMessage *request,
               const ProtobufCMessageDescriptor *reply_descriptor, ProtobufCMessage **out)
{
    self->error[0] = '\0';
    uint8_t *value = NULL;
    size_t size = 0;
    if (self->cache && cache_get (self->cache, key, &value, &size) == 0) {
        *out = protobuf_c_message_unpack (reply_descriptor, NULL, size, value);
        free (value);
        if (*out)
            return RPC_OK;
        cache_delete (self->cache, key);  // not ours to trust: ask the registry
    }
    rpc_status_t status = rpc_client_call (self->client, method, request, reply_descriptor, out);
    if (status != RPC_OK) {
        snprintf (self->error, sizeof self->error, "%s", rpc_client_error (self->client));
        return status;
    }
    if (self->cache) {
        size = protobuf_c_message_get_packed_size (*out);
        value = malloc (size ? size : 1);
        if (value) {
            protobuf_c_message_pack (*out, value);
            cache_set (self->cache, key, value, size, CACHE_TTL_S);
            free (value);
        }
    }
    return status;
}

rpc_status_t
registry_client_pairing (registry_client_t *self, const char *id, Shanhai__V1__Pairing **pairing)
{
    assert (id && pairing);
    char key[CACHE_KEY_BYTES_MAX];
    snprintf (key, sizeof key, REGISTRY_CACHE_PREFIX "pairing:%s", id);
    Shanhai__V1__GetPairingRequest request = SHANHAI__V1__GET_PAIRING_REQUEST__INIT;
    request.id = (char *) id;
    return s_cached_call (self, key, "registry.GetPairing", &request.base,
                          &shanhai__v1__pairing__descriptor, (ProtobufCMessage **) pairing);
}

rpc_status_t
registry_client_people (registry_client_t *self, const char *pairing,
                        Shanhai__V1__PersonList **people)
{
    assert (pairing && people);
    char key[CACHE_KEY_BYTES_MAX];
    snprintf (key, sizeof key, REGISTRY_CACHE_PREFIX "people:%s", pairing);
    Shanhai__V1__PeopleRequest request = SHANHAI__V1__PEOPLE_REQUEST__INIT;
    request.pairing = (char *) pairing;
    return s_cached_call (self, key, "registry.People", &request.base,
                          &shanhai__v1__person_list__descriptor, (ProtobufCMessage **) people);
}

static rpc_status_t
s_uncached_call (registry_client_t *self, const char *method, const ProtobufCMessage *request,
                 const ProtobufCMessageDescriptor *reply_descriptor, ProtobufCMessage **out)
{
    self->error[0] = '\0';
    rpc_status_t status = rpc_client_call (self->client, method, request, reply_descriptor, out);
    if (status != RPC_OK)
        snprintf (self->error, sizeof self->error, "%s", rpc_client_error (self->client));
    return status;
}

rpc_status_t
registry_client_pairings (registry_client_t *self, Shanhai__V1__PairingList **list)
{
    Shanhai__V1__ListPairingsRequest request = SHANHAI__V1__LIST_PAIRINGS_REQUEST__INIT;
    return s_uncached_call (self, "registry.ListPairings", &request.base,
                            &shanhai__v1__pairing_list__descriptor, (ProtobufCMessage **) list);
}

rpc_status_t
registry_client_clock (registry_client_t *self, Shanhai__V1__Clock **clock)
{
    Shanhai__V1__ClockRequest request = SHANHAI__V1__CLOCK_REQUEST__INIT;
    return s_uncached_call (self, "registry.GetClock", &request.base,
                            &shanhai__v1__clock__descriptor, (ProtobufCMessage **) clock);
}

void
registry_client_invalidate (registry_client_t *self)
{
    if (self->cache)
        cache_delete_prefix (self->cache, REGISTRY_CACHE_PREFIX);
}
