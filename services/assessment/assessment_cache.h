/*  assessment_cache.h: Status snapshots in Redis (a packed StatusReply, CACHE_TTL_S).

    A key names the deployment and everything the snapshot was computed from:
        shanhai:<deployment>:assessment:status:<pairing>:<year>:<state>
    where <state> is the registry version, the clock's day, the last ledger seq applied and
    the policies' fingerprint. So two deployments sharing one Redis never read each other's
    snapshots, and a snapshot is never served once any of that moved on: nothing is ever
    deleted, so no lost deletion (Redis down or slow at the wrong moment) can leave a stale
    answer behind. Old keys expire by TTL. */
#ifndef SHANHAI_ASSESSMENT_CACHE_H
#define SHANHAI_ASSESSMENT_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include "common/cache.h"

// What a snapshot was computed from.
typedef struct {
    const char *deployment;     // the registry's deployment id
    uint64_t registry_version;
    int32_t clock_day;
    uint64_t ledger_seq;        // the last ledger event applied
    uint64_t policy;            // the policy packs' fingerprint
} assessment_cache_state_t;

typedef struct assessment_cache_t assessment_cache_t;

// cache is borrowed (may be NULL: nothing is cached) and must outlive the snapshot cache.
// Returns NULL only when out of memory.
assessment_cache_t *assessment_cache_new (cache_t *cache);
void assessment_cache_destroy (assessment_cache_t **self_p);
// The key of a snapshot, into out. Returns 0, or -1 when it does not fit.
int assessment_cache_key (const assessment_cache_state_t *state, const char *pairing, int year,
                          char *out, size_t out_size);
// On a hit returns 0 with *value (a packed StatusReply for that pairing and year, the
// caller's to free) and *size; otherwise -1 (a miss, or Redis away).
int assessment_cache_get (assessment_cache_t *self, const assessment_cache_state_t *state,
                          const char *pairing, int year, uint8_t **value, size_t *size);
// Stores a snapshot computed from state.
void assessment_cache_put (assessment_cache_t *self, const assessment_cache_state_t *state,
                           const char *pairing, int year, const uint8_t *value, size_t size);

// A fingerprint of the policy packs in dir (FNV-1a over the names and bytes of its *.json
// files, in name order), so that a snapshot computed under other rules is never served.
uint64_t assessment_cache_policy_fingerprint (const char *dir);

#endif
