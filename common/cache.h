/*  cache.h: Redis as a cache, never the truth.

    Every call degrades: when Redis is off, down or slow (CACHE_TIMEOUT_MS), a get is a miss
    and a set or delete does nothing, the failure is logged once, and the cache stays away from
    Redis for CACHE_RETRY_MS before it reconnects by itself. Callers never branch on whether
    Redis is there; they only run slower without it. Values are byte strings (packed
    protobuf). Keys are the callers', by convention "shanhai:<service>:<what>:<id>". */
#ifndef SHANHAI_CACHE_H
#define SHANHAI_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cache_t cache_t;

// host NULL means disabled (SHANHAI_REDIS=off): every get misses. Never fails but for memory.
cache_t *cache_new (const char *host, int port);
void cache_destroy (cache_t **self_p);
// On a hit returns 0 and *value (the caller's to free) and *size; on a miss or when Redis is
// not there returns -1.
int cache_get (cache_t *self, const char *key, uint8_t **value, size_t *size);
// Stores value under key for ttl_s seconds. Returns 0, or -1 when Redis is not there.
int cache_set (cache_t *self, const char *key, const uint8_t *value, size_t size, int ttl_s);
// Stores key (an empty value) for ttl_ms milliseconds unless it exists (SET NX PX): a claim
// that holds across processes. Returns 1 when this call set it, 0 when the key was there
// already, -1 when Redis is not there (the caller decides what a claim without Redis means).
int cache_claim (cache_t *self, const char *key, int64_t ttl_ms);
// Deletes key. Returns 0 or -1.
int cache_delete (cache_t *self, const char *key);
// Deletes every key that starts with prefix (SCAN + UNLINK, bounded pages). Returns 0 or -1.
int cache_delete_prefix (cache_t *self, const char *prefix);
// True when the last call reached Redis.
bool cache_is_up (cache_t *self);
// "off" (made without a host), "up" (the last call reached Redis) or "down" (it did not, or
// there was no call yet: the connection is made on first use): for Health.
const char *cache_state (cache_t *self);
// Counters, for tests and metrics.
uint64_t cache_hits (cache_t *self);
uint64_t cache_misses (cache_t *self);

#endif
