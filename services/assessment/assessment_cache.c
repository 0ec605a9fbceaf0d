#include "assessment_cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/limits.h"
#include "common/log.h"
#include "common/proto.h"

struct assessment_cache_t {
    cache_t *cache;  // borrowed
    bool trusted;    // every drop since the last full drop reached Redis
};

assessment_cache_t *
assessment_cache_new (cache_t *cache)
{
    assessment_cache_t *self = calloc (1, sizeof *self);
    if (self)
        self->cache = cache;
    return self;
}

void
assessment_cache_destroy (assessment_cache_t **self_p)
{
    if (self_p && *self_p) {
        free (*self_p);
        *self_p = NULL;
    }
}

int
assessment_cache_key (const char *pairing, int year, char *out, size_t out_size)
{
    int length = snprintf (out, out_size, ASSESSMENT_CACHE_PREFIX "%s:%d", pairing, year);
    return length < 0 || (size_t) length >= out_size ? -1 : 0;
}

// Trusted, or made so by dropping every snapshot now.
static bool
s_trusted (assessment_cache_t *self)
{
    if (!self->trusted)
        assessment_cache_drop_all (self);
    return self->trusted;
}

int
assessment_cache_get (assessment_cache_t *self, const char *pairing, int year, uint8_t **value,
                      size_t *size)
{
    char key[CACHE_KEY_BYTES_MAX];
    if (!self->cache || assessment_cache_key (pairing, year, key, sizeof key) || !s_trusted (self)
        || cache_get (self->cache, key, value, size))
        return -1;
    // Redis is shared: a value under our key that is not our snapshot is a miss.
    Shanhai__V1__StatusReply *reply = shanhai__v1__status_reply__unpack (NULL, *size, *value);
    bool ours = reply && reply->year == year && strcmp (reply->pairing, pairing) == 0;
    if (reply)
        shanhai__v1__status_reply__free_unpacked (reply, NULL);
    if (!ours) {
        log_warn ("cached snapshot ignored: not a status of that pairing", "key=%s", key);
        free (*value);
        *value = NULL;
        return -1;
    }
    return 0;
}

void
assessment_cache_put (assessment_cache_t *self, const char *pairing, int year,
                      const uint8_t *value, size_t size)
{
    char key[CACHE_KEY_BYTES_MAX];
    if (self->cache && assessment_cache_key (pairing, year, key, sizeof key) == 0
        && s_trusted (self))
        cache_set (self->cache, key, value, size, CACHE_TTL_S);
}

void
assessment_cache_drop (assessment_cache_t *self, const char *pairing, int year)
{
    char key[CACHE_KEY_BYTES_MAX];
    if (!self->cache || !self->trusted)
        return;  // not trusted: a full drop comes before the next read anyway
    if (assessment_cache_key (pairing, year, key, sizeof key)
        || cache_delete (self->cache, key))
        self->trusted = false;
}

void
assessment_cache_drop_all (assessment_cache_t *self)
{
    if (self->cache)
        self->trusted = cache_delete_prefix (self->cache, ASSESSMENT_CACHE_PREFIX) == 0;
}

bool
assessment_cache_is_trusted (assessment_cache_t *self)
{
    return self->trusted;
}
