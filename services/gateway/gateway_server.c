#define _GNU_SOURCE  // pthread_rwlockattr_setkind_np
#include "gateway_server.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "common/cache.h"
#include "common/errstr.h"
#include "common/log.h"
#include "common/registry_replica.h"
#include "common/rpc.h"
#include "common/store.h"
#include "common/subscriber.h"
#include "gateway_apps.h"
#include "gateway_auth.h"
#include "gateway_http.h"
#include "gateway_routes.h"
#include "gateway_stream.h"

// The meta key of the last registry event the replica applied.
#define S_META_REGISTRY_SEQ "registry_seq"

struct gateway_server_t {
    config_t config;
    gateway_apps_t *apps;
    cache_t *cache;
    gateway_nonces_t *nonces;
    sqlite3 *db;
    registry_replica_t *replica;
    pthread_rwlock_t replica_lock;
    bool replica_lock_ready;
    subscriber_t *registry_events;
    subscriber_t *alert_events;      // NULL until the notification's head is known
    rpc_client_t *notification;      // for that head
    gateway_streams_t *streams;
    gateway_routes_t *routes;
    gateway_http_t *http;
    gateway_http_t *operators;       // /metrics and /v1/health alone, when configured
    zloop_t *loop;
    int64_t ping_at_ms;
};

// The registry's events: the replica, swapped in under the write lock. The lock is held
// while a new version is fetched too (registry_replica_apply does both): a registry load is
// rare, and requests wait for it rather than read a view being replaced.
static int
s_apply_registry (void *state, const Shanhai__V1__Event *const *events, size_t count)
{
    gateway_server_t *self = state;
    pthread_rwlock_wrlock (&self->replica_lock);
    int rc = registry_replica_apply (self->replica, events, count, S_META_REGISTRY_SEQ, NULL);
    pthread_rwlock_unlock (&self->replica_lock);
    return rc;
}

// The notification's events: every alert to the live streams of its person.
static int
s_apply_alerts (void *state, const Shanhai__V1__Event *const *events, size_t count)
{
    gateway_server_t *self = state;
    for (size_t index = 0; index < count; index++) {
        if (strcmp (events[index]->type, "alert") != 0)
            continue;
        Shanhai__V1__Alert *alert = shanhai__v1__alert__unpack (NULL, events[index]->body.len,
                                                                events[index]->body.data);
        if (alert) {
            gateway_streams_publish (self->streams, alert);
            shanhai__v1__alert__free_unpacked (alert, NULL);
        }
    }
    return (int) count;
}

static int
s_on_events (zloop_t *loop, zsock_t *socket, void *arg)
{
    subscriber_handle (arg);
    return 0;
}

// Subscribes to the alerts from the notification's current head: the streams carry what
// happens from now on (a resume reads the inbox). Returns 0, or -1 while it does not answer.
static int
s_follow_alerts (gateway_server_t *self)
{
    Shanhai__V1__ReplayRequest request = SHANHAI__V1__REPLAY_REQUEST__INIT;
    request.from_seq = INT64_MAX;  // nothing but the head
    request.max_events = 1;
    Shanhai__V1__ReplayReply *reply = NULL;
    if (rpc_client_call (self->notification, "notification.Replay", &request.base,
                         &shanhai__v1__replay_reply__descriptor, (ProtobufCMessage **) &reply)
        != RPC_OK)
        return -1;
    uint64_t head = reply->head_seq;
    shanhai__v1__replay_reply__free_unpacked (reply, NULL);
    self->alert_events = subscriber_new (self->config.notification_pub,
                                         self->config.notification_rpc, "notification.Replay",
                                         head, s_apply_alerts, self);
    if (!self->alert_events
        || zloop_reader (self->loop, subscriber_socket (self->alert_events), s_on_events,
                         self->alert_events))
        return -1;
    log_info ("following alerts", "from_seq=%llu", (unsigned long long) head);
    return 0;
}

static int
s_on_tick (zloop_t *loop, int timer_id, void *arg)
{
    gateway_server_t *self = arg;
    if (subscriber_is_behind (self->registry_events))
        subscriber_catch_up (self->registry_events);
    if (!self->alert_events)
        s_follow_alerts (self);
    else if (subscriber_is_behind (self->alert_events))
        subscriber_catch_up (self->alert_events);
    if (zclock_mono () >= self->ping_at_ms) {
        gateway_streams_ping (self->streams);
        self->ping_at_ms = zclock_mono () + GATEWAY_STREAM_PING_MS;
    }
    return 0;
}

// The replica in gateway.db, and the registry's stream.
static int
s_open_replica (gateway_server_t *self, char *errstr, size_t errstr_size)
{
    char path[PATH_BYTES_MAX];
    if (config_data_path (&self->config, "gateway.db", path, sizeof path, errstr, errstr_size))
        return -1;
    self->db = store_open (path, NULL, errstr, errstr_size);
    if (!self->db)
        return -1;
    self->replica = registry_replica_new (self->db, self->config.registry_rpc, errstr,
                                          errstr_size);
    if (!self->replica)
        return -1;
    uint64_t seq = (uint64_t) store_meta_get (self->db, S_META_REGISTRY_SEQ, 0);
    self->registry_events = subscriber_new (self->config.registry_pub, self->config.registry_rpc,
                                            "registry.Replay", seq, s_apply_registry, self);
    return self->registry_events ? 0 : -1;
}

static int
s_start (gateway_server_t *self, char *errstr, size_t errstr_size)
{
    const config_t *config = &self->config;
    self->apps = gateway_apps_load (config->gateway_apps, true, errstr, errstr_size);
    if (!self->apps)
        return -1;
    self->cache = cache_new (config->redis_enabled ? config->redis_host : NULL,
                             config->redis_port);
    self->nonces = self->cache ? gateway_nonces_new (self->cache, GATEWAY_NONCE_SLOTS) : NULL;
    self->streams = gateway_streams_new ();
    self->loop = zloop_new ();
    self->notification = rpc_client_new (config->notification_rpc, RPC_TIMEOUT_MS);
    if (!self->nonces || !self->streams || !self->loop || !self->notification)
        return errstr_set (errstr, errstr_size, "out of memory");
    rpc_client_set_connect_wait (self->notification, RPC_CONNECT_WAIT_MS);
    // Writers first: under a steady stream of requests a new registry version must still
    // get in (glibc's default lets readers starve a writer).
    pthread_rwlockattr_t attributes;
    pthread_rwlockattr_init (&attributes);
    pthread_rwlockattr_setkind_np (&attributes, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    int rc = pthread_rwlock_init (&self->replica_lock, &attributes);
    pthread_rwlockattr_destroy (&attributes);
    if (rc != 0)
        return errstr_set (errstr, errstr_size, "cannot make the replica's lock");
    self->replica_lock_ready = true;
    if (s_open_replica (self, errstr, errstr_size))
        return -1;
    gateway_routes_deps_t deps = { .config = &self->config, .apps = self->apps,
                                   .nonces = self->nonces, .replica = self->replica,
                                   .replica_lock = &self->replica_lock,
                                   .streams = self->streams };
    self->routes = gateway_routes_new (&deps);
    if (!self->routes)
        return errstr_set (errstr, errstr_size, "out of memory");
    self->http = gateway_http_new (config->gateway_host, config->gateway_port, false,
                                   self->routes, self->streams, errstr, errstr_size);
    if (self->http && *config->gateway_metrics_host)
        self->operators = gateway_http_new (config->gateway_metrics_host,
                                            config->gateway_metrics_port, true, self->routes,
                                            self->streams, errstr, errstr_size);
    return self->http && (self->operators || !*config->gateway_metrics_host) ? 0 : -1;
}

gateway_server_t *
gateway_server_new (const config_t *config, char *errstr, size_t errstr_size)
{
    assert (config && errstr && errstr_size > 0);
    gateway_server_t *self = calloc (1, sizeof *self);
    if (!self) {
        errstr_set (errstr, errstr_size, "out of memory");
        return NULL;
    }
    self->config = *config;
    *errstr = '\0';
    if (s_start (self, errstr, errstr_size)) {
        if (!*errstr)
            errstr_set (errstr, errstr_size, "cannot start (see the log)");
        gateway_server_destroy (&self);
        return NULL;
    }
    log_info ("gateway ready", "http=%s:%d apps=%s applications=%zu registry_version=%llu",
              config->gateway_host, config->gateway_port, config->gateway_apps,
              gateway_apps_count (self->apps),
              (unsigned long long) registry_replica_version (self->replica));
    return self;
}

void
gateway_server_destroy (gateway_server_t **self_p)
{
    if (self_p && *self_p) {
        gateway_server_t *self = *self_p;
        gateway_http_destroy (&self->operators);
        gateway_http_destroy (&self->http);  // no worker runs after this
        gateway_routes_destroy (&self->routes);
        zloop_destroy (&self->loop);
        subscriber_destroy (&self->alert_events);
        subscriber_destroy (&self->registry_events);
        registry_replica_destroy (&self->replica);
        store_close (&self->db);
        if (self->replica_lock_ready)
            pthread_rwlock_destroy (&self->replica_lock);
        rpc_client_destroy (&self->notification);
        gateway_streams_destroy (&self->streams);
        gateway_nonces_destroy (&self->nonces);
        cache_destroy (&self->cache);
        gateway_apps_destroy (&self->apps);
        free (self);
        *self_p = NULL;
    }
}

int
gateway_server_run (gateway_server_t *self)
{
    subscriber_catch_up (self->registry_events);
    s_follow_alerts (self);
    if (zloop_reader (self->loop, subscriber_socket (self->registry_events), s_on_events,
                      self->registry_events)
        || zloop_timer (self->loop, SERVICE_TICK_MS, 0, s_on_tick, self) == -1) {
        log_error ("cannot start the loop", "service=gateway");
        return 1;
    }
    zloop_start (self->loop);
    log_info ("stopping", "service=gateway");
    return 0;
}
