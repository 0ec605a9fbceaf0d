#include "assessment_cache.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/limits.h"
#include "common/log.h"
#include "common/proto.h"

struct assessment_cache_t {
    cache_t *cache;  // borrowed
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
assessment_cache_key (const assessment_cache_state_t *state, const char *pairing, int year,
                      char *out, size_t out_size)
{
    int length = snprintf (out, out_size,
                           "shanhai:%s:assessment:status:%s:%d:r%llu:c%d:l%llu:p%016llx",
                           state->deployment, pairing, year,
                           (unsigned long long) state->registry_version, (int) state->clock_day,
                           (unsigned long long) state->ledger_seq,
                           (unsigned long long) state->policy);
    return length < 0 || (size_t) length >= out_size ? -1 : 0;
}

int
assessment_cache_get (assessment_cache_t *self, const assessment_cache_state_t *state,
                      const char *pairing, int year, uint8_t **value, size_t *size)
{
    char key[CACHE_KEY_BYTES_MAX];
    if (!self->cache || !*state->deployment
        || assessment_cache_key (state, pairing, year, key, sizeof key)
        || cache_get (self->cache, key, value, size))
        return -1;
    // Redis may be shared with anything: a value under our key that is not our snapshot is
    // a miss.
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
assessment_cache_put (assessment_cache_t *self, const assessment_cache_state_t *state,
                      const char *pairing, int year, const uint8_t *value, size_t size)
{
    char key[CACHE_KEY_BYTES_MAX];
    if (self->cache && *state->deployment
        && assessment_cache_key (state, pairing, year, key, sizeof key) == 0)
        cache_set (self->cache, key, value, size, CACHE_TTL_S);
}

static int
s_is_pack (const struct dirent *entry)
{
    size_t length = strlen (entry->d_name);
    return entry->d_name[0] != '.' && length > 5 && strcmp (entry->d_name + length - 5, ".json") == 0;
}

uint64_t
assessment_cache_policy_fingerprint (const char *dir)
{
    uint64_t hash = 14695981039346656037ULL;
    struct dirent **entries = NULL;
    int count = scandir (dir, &entries, s_is_pack, alphasort);
    for (int index = 0; index < count; index++) {
        char path[PATH_BYTES_MAX + NAME_BYTES_MAX + 2];
        snprintf (path, sizeof path, "%s/%s", dir, entries[index]->d_name);
        for (const char *at = entries[index]->d_name; *at; at++)
            hash = (hash ^ (unsigned char) *at) * 1099511628211ULL;
        FILE *file = fopen (path, "rb");
        int byte;
        while (file && (byte = fgetc (file)) != EOF)
            hash = (hash ^ (unsigned char) byte) * 1099511628211ULL;
        if (file)
            fclose (file);
        free (entries[index]);
    }
    free (entries);
    return hash;
}
