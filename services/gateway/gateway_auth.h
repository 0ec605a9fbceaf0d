/*  gateway_auth.h: the signature of a request to the gateway, as the provincial data sharing
    gateways sign theirs (docs/design.md), and the replay guard.

    A client sends X-Shanhai-Key, X-Shanhai-Timestamp (Unix milliseconds), X-Shanhai-Nonce (an
    id, fresh for every request) and X-Shanhai-Signature, the base64 of HMAC-SHA256 with its
    secret over the canonical text

        METHOD "\n" PATH ["?" QUERY_SORTED] "\n" TIMESTAMP "\n" NONCE "\n" hex(SHA256(body))

    where QUERY_SORTED is the request's query string as sent, its "name=value" pairs sorted
    bytewise and joined by "&" (no "?" when there is no query). Sorting the pairs as sent, not
    decoded values, lets a client sign without re-encoding anything.

    A nonce is claimed for the window of its timestamp: in Redis (SET NX, shared by every
    gateway of the deployment and surviving a gateway's restart) and in a bounded table in
    memory (which alone guards while Redis is down). A nonce seen by either is a replay. */
#ifndef SHANHAI_GATEWAY_AUTH_H
#define SHANHAI_GATEWAY_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common/cache.h"
#include "common/limits.h"

// The canonical text of a request (the caller frees it), or NULL when out of memory. query
// is the raw query string without "?" (NULL or "" for none).
char *gateway_auth_canonical (const char *method, const char *path, const char *query,
                              const char *timestamp, const char *nonce, const void *body,
                              size_t body_size);
// The signature of canonical with secret: base64 of HMAC-SHA256, into out.
void gateway_auth_sign (const char *secret, const char *canonical,
                        char out[GATEWAY_SIGNATURE_BYTES_MAX]);
// True when signature equals the signature of canonical with secret; the comparison takes the
// same time whatever the bytes, so that it reveals nothing of the right one.
bool gateway_auth_verify (const char *secret, const char *canonical, const char *signature);
// Parses a timestamp header: decimal Unix milliseconds. Returns 0, or -1 when it is not one.
int gateway_auth_timestamp (const char *text, int64_t *timestamp_ms);
// True when timestamp_ms is within GATEWAY_CLOCK_SKEW_MS of now_ms, either way.
bool gateway_auth_fresh (int64_t timestamp_ms, int64_t now_ms);

typedef struct gateway_nonces_t gateway_nonces_t;
typedef enum {
    GATEWAY_NONCE_NEW = 0,  // first seen: the request may proceed
    GATEWAY_NONCE_REPLAY,   // seen within its window: refuse
    GATEWAY_NONCE_FULL,     // the table is full and Redis is not there: refuse, retry later
} gateway_nonce_t;

// A nonce table of slots (a power of two) backed by cache (borrowed, may be NULL: memory
// only). Thread-safe: every call takes the table's lock. Returns NULL when out of memory.
gateway_nonces_t *gateway_nonces_new (cache_t *cache, size_t slots);
void gateway_nonces_destroy (gateway_nonces_t **self_p);
// Claims (key, nonce) until expires_ms (Unix ms) under the Redis prefix namespace
// ("shanhai:<deployment>:gateway:nonce:"). now_ms is the real time.
gateway_nonce_t gateway_nonces_claim (gateway_nonces_t *self, const char *namespace,
                                      const char *key, const char *nonce, int64_t expires_ms,
                                      int64_t now_ms);

#endif
