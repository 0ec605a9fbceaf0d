/*  assessment_cache.h: Status snapshots in Redis, under "shanhai:assessment:status:<pairing>:
    <year>" (a packed StatusReply, CACHE_TTL_S), dropped whenever what they show changes.

    A snapshot must never be older than the store. The server drops a pairing's snapshot after
    every change to it and all snapshots when the clock moves or the registry changes. A drop
    that does not reach Redis (down, slow) would leave a stale snapshot there for when Redis
    comes back, so after a failed drop, and at start (the previous run may have stopped between
    a commit and its drop), the cache is not trusted: it is neither read nor written until a
    drop of every snapshot succeeds. */
#ifndef SHANHAI_ASSESSMENT_CACHE_H
#define SHANHAI_ASSESSMENT_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include "common/cache.h"

#define ASSESSMENT_CACHE_PREFIX "shanhai:assessment:status:"

typedef struct assessment_cache_t assessment_cache_t;

// cache is borrowed (may be NULL: nothing is cached) and must outlive the snapshot cache.
// Returns NULL only when out of memory.
assessment_cache_t *assessment_cache_new (cache_t *cache);
void assessment_cache_destroy (assessment_cache_t **self_p);
// The key of a snapshot, into out. Returns 0, or -1 when it does not fit.
int assessment_cache_key (const char *pairing, int year, char *out, size_t out_size);
// On a hit returns 0 with *value (a packed StatusReply for that pairing and year, the
// caller's to free) and *size; otherwise -1 (a miss, Redis away, or the cache not trusted).
int assessment_cache_get (assessment_cache_t *self, const char *pairing, int year,
                          uint8_t **value, size_t *size);
// Stores a snapshot built from the store as it is now (nothing when not trusted).
void assessment_cache_put (assessment_cache_t *self, const char *pairing, int year,
                           const uint8_t *value, size_t size);
// Drops the snapshot of pairing in year; on failure the cache is no longer trusted.
void assessment_cache_drop (assessment_cache_t *self, const char *pairing, int year);
// Drops every snapshot; a success makes the cache trusted again.
void assessment_cache_drop_all (assessment_cache_t *self);
// True when snapshots are read and written.
bool assessment_cache_is_trusted (assessment_cache_t *self);

#endif
