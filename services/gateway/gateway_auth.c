#define _GNU_SOURCE  // asprintf: a canonical text of any length
#include "gateway_auth.h"

#include <assert.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/log.h"

static int
s_compare_pairs (const void *left, const void *right)
{
    return strcmp (*(char *const *) left, *(char *const *) right);
}

// query's pairs sorted and joined by "&" (the caller frees it), or NULL.
static char *
s_sorted_query (const char *query)
{
    char *copy = strdup (query);
    size_t count = 1;
    for (const char *at = query; *at; at++)
        count += *at == '&';
    char **pairs = calloc (count, sizeof *pairs);
    char *sorted = calloc (strlen (query) + 1, 1);
    if (!copy || !pairs || !sorted) {
        free (copy), free (pairs), free (sorted);
        return NULL;
    }
    size_t used = 0;
    char *save = NULL;
    for (char *pair = strtok_r (copy, "&", &save); pair; pair = strtok_r (NULL, "&", &save))
        pairs[used++] = pair;
    qsort (pairs, used, sizeof *pairs, s_compare_pairs);
    for (size_t index = 0; index < used; index++) {
        if (index)
            strcat (sorted, "&");
        strcat (sorted, pairs[index]);
    }
    free (pairs);
    free (copy);
    return sorted;
}

char *
gateway_auth_canonical (const char *method, const char *path, const char *query,
                        const char *timestamp, const char *nonce, const void *body,
                        size_t body_size)
{
    assert (method && path && timestamp && nonce);
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256 (body_size ? body : (const void *) "", body_size, digest);
    char hex[2 * SHA256_DIGEST_LENGTH + 1];
    for (size_t index = 0; index < SHA256_DIGEST_LENGTH; index++)
        sprintf (hex + 2 * index, "%02x", digest[index]);
    char *sorted = query && *query ? s_sorted_query (query) : NULL;
    if (query && *query && !sorted)
        return NULL;
    char *canonical = NULL;
    if (asprintf (&canonical, "%s\n%s%s%s\n%s\n%s\n%s", method, path, sorted ? "?" : "",
                  sorted ? sorted : "", timestamp, nonce, hex) < 0)
        canonical = NULL;
    free (sorted);
    return canonical;
}

void
gateway_auth_sign (const char *secret, const char *canonical,
                   char out[GATEWAY_SIGNATURE_BYTES_MAX])
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_size = 0;
    HMAC (EVP_sha256 (), secret, (int) strlen (secret), (const unsigned char *) canonical,
          strlen (canonical), mac, &mac_size);
    _Static_assert (4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1 <= GATEWAY_SIGNATURE_BYTES_MAX,
                    "a base64 MAC fits");
    EVP_EncodeBlock ((unsigned char *) out, mac, (int) mac_size);
}

bool
gateway_auth_verify (const char *secret, const char *canonical, const char *signature)
{
    char expected[GATEWAY_SIGNATURE_BYTES_MAX];
    gateway_auth_sign (secret, canonical, expected);
    size_t length = strlen (expected);
    // The length of a right signature is public (44 bytes); its bytes are compared in
    // constant time.
    return signature && strlen (signature) == length
           && CRYPTO_memcmp (expected, signature, length) == 0;
}

int
gateway_auth_timestamp (const char *text, int64_t *timestamp_ms)
{
    if (!text || !*text || strlen (text) > 15)
        return -1;
    for (const char *at = text; *at; at++)
        if (*at < '0' || *at > '9')
            return -1;
    *timestamp_ms = strtoll (text, NULL, 10);
    return 0;
}

bool
gateway_auth_fresh (int64_t timestamp_ms, int64_t now_ms)
{
    int64_t skew_ms = timestamp_ms - now_ms;
    return skew_ms <= GATEWAY_CLOCK_SKEW_MS && skew_ms >= -GATEWAY_CLOCK_SKEW_MS;
}

// One slot: a 64-bit digest of (key, nonce), never 0, and when it may be forgotten. A slot
// once used is never emptied, only expired and reused, so a probe may stop at an empty slot.
typedef struct {
    uint64_t digest;
    int64_t expires_ms;
} s_slot_t;

struct gateway_nonces_t {
    pthread_mutex_t lock;
    cache_t *cache;
    size_t slots;
    s_slot_t *table;
    bool full_logged;
};

gateway_nonces_t *
gateway_nonces_new (cache_t *cache, size_t slots)
{
    assert (slots > 0 && (slots & (slots - 1)) == 0);
    gateway_nonces_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->table = calloc (slots, sizeof *self->table);
    if (!self->table) {
        free (self);
        return NULL;
    }
    self->cache = cache;
    self->slots = slots;
    pthread_mutex_init (&self->lock, NULL);
    return self;
}

void
gateway_nonces_destroy (gateway_nonces_t **self_p)
{
    if (self_p && *self_p) {
        pthread_mutex_destroy (&(*self_p)->lock);
        free ((*self_p)->table);
        free (*self_p);
        *self_p = NULL;
    }
}

static uint64_t
s_digest (const char *key, const char *nonce)
{
    // The NUL between them keeps ("ab", "c") apart from ("a", "bc").
    char joined[2 * ID_BYTES_MAX + 2];
    int length = snprintf (joined, sizeof joined, "%s%c%s", key, '\0', nonce);
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256 ((const unsigned char *) joined, (size_t) length, digest);
    uint64_t value;
    memcpy (&value, digest, sizeof value);
    return value ? value : 1;
}

// In memory: GATEWAY_NONCE_NEW (now held), _REPLAY, or _FULL (no slot within the probes).
static gateway_nonce_t
s_claim_memory (gateway_nonces_t *self, uint64_t digest, int64_t expires_ms, int64_t now_ms)
{
    size_t mask = self->slots - 1;
    s_slot_t *free_slot = NULL;
    for (size_t probe = 0; probe < GATEWAY_NONCE_PROBES_MAX; probe++) {
        s_slot_t *slot = &self->table[(digest + probe) & mask];
        if (slot->digest == 0) {
            if (!free_slot)
                free_slot = slot;
            break;
        }
        bool live = slot->expires_ms > now_ms;
        if (live && slot->digest == digest)
            return GATEWAY_NONCE_REPLAY;
        if (!live && !free_slot)
            free_slot = slot;
    }
    if (!free_slot)
        return GATEWAY_NONCE_FULL;
    *free_slot = (s_slot_t) { .digest = digest, .expires_ms = expires_ms };
    return GATEWAY_NONCE_NEW;
}

gateway_nonce_t
gateway_nonces_claim (gateway_nonces_t *self, const char *namespace, const char *key,
                      const char *nonce, int64_t expires_ms, int64_t now_ms)
{
    assert (self && namespace && key && nonce);
    pthread_mutex_lock (&self->lock);
    gateway_nonce_t memory = s_claim_memory (self, s_digest (key, nonce), expires_ms, now_ms);
    int redis = -1;
    if (memory != GATEWAY_NONCE_REPLAY && self->cache && expires_ms > now_ms) {
        char redis_key[CACHE_KEY_BYTES_MAX];
        snprintf (redis_key, sizeof redis_key, "%s%s:%s", namespace, key, nonce);
        redis = cache_claim (self->cache, redis_key, expires_ms - now_ms);
    }
    gateway_nonce_t result = memory;
    if (memory == GATEWAY_NONCE_NEW && redis == 0)
        result = GATEWAY_NONCE_REPLAY;  // another gateway, or before this one's restart
    else if (memory == GATEWAY_NONCE_FULL)
        result = redis == 1 ? GATEWAY_NONCE_NEW : redis == 0 ? GATEWAY_NONCE_REPLAY
                                                           : GATEWAY_NONCE_FULL;
    if (memory == GATEWAY_NONCE_FULL && !self->full_logged)
        log_warn ("nonce table full: relying on Redis alone", "slots=%zu", self->slots);
    self->full_logged = memory == GATEWAY_NONCE_FULL;
    pthread_mutex_unlock (&self->lock);
    return result;
}
