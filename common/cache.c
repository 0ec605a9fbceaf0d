#include "common/cache.h"

#include <assert.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/date.h"
#include "common/limits.h"
#include "common/log.h"


struct cache_t {
    bool enabled;
    char host[NAME_BYTES_MAX];
    int port;
    redisContext *context;
    int64_t retry_at_ms;  // no connection attempt before this
    bool down_logged;     // the current outage has been logged once
    uint64_t hits;
    uint64_t misses;
};

cache_t *
cache_new (const char *host, int port)
{
    cache_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    if (host) {
        assert (port > 0 && port < 65536);
        self->enabled = true;
        snprintf (self->host, sizeof self->host, "%s", host);
        self->port = port;
    } else
        log_info ("cache off: running uncached", "redis=off");
    return self;
}

void
cache_destroy (cache_t **self_p)
{
    if (self_p && *self_p) {
        if ((*self_p)->context)
            redisFree ((*self_p)->context);
        free (*self_p);
        *self_p = NULL;
    }
}

static void
s_down (cache_t *self, const char *why)
{
    if (!self->down_logged)
        log_warn ("cache unavailable: running uncached, will retry", "redis=%s:%d error=\"%s\"",
                  self->host, self->port, why);
    self->down_logged = true;
    if (self->context) {
        redisFree (self->context);
        self->context = NULL;
    }
    self->retry_at_ms = date_now_ms () + CACHE_RETRY_MS;
}

// Returns a connected context, or NULL while Redis is off or down.
static redisContext *
s_context (cache_t *self)
{
    if (!self->enabled)
        return NULL;
    if (self->context)
        return self->context;
    if (date_now_ms () < self->retry_at_ms)
        return NULL;
    struct timeval timeout = { 0, CACHE_TIMEOUT_MS * 1000 };
    self->context = redisConnectWithTimeout (self->host, self->port, timeout);
    if (!self->context || self->context->err) {
        s_down (self, self->context ? self->context->errstr : "out of memory");
        return NULL;
    }
    redisSetTimeout (self->context, timeout);
    if (self->down_logged)
        log_info ("cache back", "redis=%s:%d", self->host, self->port);
    self->down_logged = false;
    return self->context;
}

// Runs a command; returns the reply (the caller frees it) or NULL when Redis is not there.
static redisReply *
s_command (cache_t *self, int argc, const char **argv, const size_t *lengths)
{
    redisContext *context = s_context (self);
    if (!context)
        return NULL;
    redisReply *reply = redisCommandArgv (context, argc, argv, lengths);
    if (!reply) {
        s_down (self, context->errstr);
        return NULL;
    }
    if (reply->type == REDIS_REPLY_ERROR) {
        log_warn ("cache command failed", "command=%s error=\"%s\"", argv[0], reply->str);
        freeReplyObject (reply);
        return NULL;
    }
    return reply;
}

int
cache_get (cache_t *self, const char *key, uint8_t **value, size_t *size)
{
    const char *argv[] = { "GET", key };
    const size_t lengths[] = { 3, strlen (key) };
    redisReply *reply = s_command (self, 2, argv, lengths);
    int rc = -1;
    if (reply && reply->type == REDIS_REPLY_STRING) {
        *value = malloc (reply->len ? reply->len : 1);
        if (*value) {
            memcpy (*value, reply->str, reply->len);
            *size = reply->len;
            rc = 0;
        }
    }
    if (reply)
        freeReplyObject (reply);
    if (rc == 0)
        self->hits++;
    else
        self->misses++;
    return rc;
}

int
cache_set (cache_t *self, const char *key, const uint8_t *value, size_t size, int ttl_s)
{
    assert (ttl_s > 0);
    char ttl[16];
    snprintf (ttl, sizeof ttl, "%d", ttl_s);
    const char *argv[] = { "SET", key, value ? (const char *) value : "", "EX", ttl };
    const size_t lengths[] = { 3, strlen (key), size, 2, strlen (ttl) };
    redisReply *reply = s_command (self, 5, argv, lengths);
    if (!reply)
        return -1;
    freeReplyObject (reply);
    return 0;
}

int
cache_claim (cache_t *self, const char *key, int64_t ttl_ms)
{
    assert (ttl_ms > 0);
    char ttl[24];
    snprintf (ttl, sizeof ttl, "%lld", (long long) ttl_ms);
    const char *argv[] = { "SET", key, "", "NX", "PX", ttl };
    const size_t lengths[] = { 3, strlen (key), 0, 2, 2, strlen (ttl) };
    redisReply *reply = s_command (self, 6, argv, lengths);
    if (!reply)
        return -1;
    // OK when set; a nil reply when the key existed.
    int rc = reply->type == REDIS_REPLY_STATUS ? 1 : 0;
    freeReplyObject (reply);
    return rc;
}

int
cache_delete (cache_t *self, const char *key)
{
    const char *argv[] = { "DEL", key };
    const size_t lengths[] = { 3, strlen (key) };
    redisReply *reply = s_command (self, 2, argv, lengths);
    if (!reply)
        return -1;
    freeReplyObject (reply);
    return 0;
}

// Deletes the keys of one SCAN reply. Returns 0 or -1.
static int
s_delete_keys (cache_t *self, const redisReply *keys)
{
    for (size_t index = 0; index < keys->elements; index++)
        if (keys->element[index]->type == REDIS_REPLY_STRING
            && cache_delete (self, keys->element[index]->str))
            return -1;
    return 0;
}

int
cache_delete_prefix (cache_t *self, const char *prefix)
{
    char pattern[CACHE_KEY_BYTES_MAX];
    snprintf (pattern, sizeof pattern, "%s*", prefix);
    char cursor[32] = "0";
    for (int page = 0; page < CACHE_SCAN_PAGES_MAX; page++) {
        const char *argv[] = { "SCAN", cursor, "MATCH", pattern, "COUNT", "500" };
        const size_t lengths[] = { 4, strlen (cursor), 5, strlen (pattern), 5, 3 };
        redisReply *reply = s_command (self, 6, argv, lengths);
        if (!reply)
            return -1;
        int rc = -1;
        if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 2
            && reply->element[0]->type == REDIS_REPLY_STRING
            && reply->element[1]->type == REDIS_REPLY_ARRAY) {
            snprintf (cursor, sizeof cursor, "%s", reply->element[0]->str);
            rc = s_delete_keys (self, reply->element[1]);
        }
        freeReplyObject (reply);
        if (rc)
            return -1;
        if (strcmp (cursor, "0") == 0)
            return 0;
    }
    return 0;
}

const char *
cache_state (cache_t *self)
{
    return !self->enabled ? "off" : self->context ? "up" : "down";
}

bool
cache_is_up (cache_t *self)
{
    return self->context != NULL;
}

uint64_t
cache_hits (cache_t *self)
{
    return self->hits;
}

uint64_t
cache_misses (cache_t *self)
{
    return self->misses;
}
