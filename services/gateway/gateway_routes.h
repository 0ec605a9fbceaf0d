/*  gateway_routes.h: what the gateway answers, independent of the HTTP library: a request
    (method, path, raw query, the signature headers, the body) in, a reply (HTTP status,
    content type, body; or a live stream to open) out.

      POST /v1/events              ledger.Record of one event (common/event_json's shape)
      GET  /v1/pairs               the registry replica's pairings, as `shanhai pairs --json`
      GET  /v1/status              assessment.Status, as `shanhai status --json`
      GET  /v1/alerts              notification.Alerts, as `shanhai alerts --json`, with next
      GET  /v1/alerts/stream       live alerts (server-sent events), resuming after
                                   Last-Event-ID
      GET  /v1/health, /metrics    every service's Health (no signature)
      GET  /                       the dashboard (no signature; it signs its own requests)

    Every JSON reply is {"code": "OK", "data": ...} (plus "next" when paged) or {"code":
    "INVALID" | "NOT_FOUND" | "CONFLICT" | "UNAUTHENTICATED" | "FORBIDDEN" | "UNAVAILABLE" |
    "INTERNAL", "message": "..."} with the matching HTTP status. A request other than health,
    metrics and the page is refused (401, nothing done) unless signed (gateway_auth.h) by a
    known application, and (403, nothing done, logged with the key) unless that application
    may write or read what it asks.

    Handlers run on the HTTP worker threads, many at once: each thread calls the services
    through its own clients, the registry replica is read under the caller's read lock, and
    the counters are atomic. */
#ifndef SHANHAI_GATEWAY_ROUTES_H
#define SHANHAI_GATEWAY_ROUTES_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common/config.h"
#include "common/registry_replica.h"
#include "gateway_apps.h"
#include "gateway_auth.h"
#include "gateway_stream.h"

// A request, borrowed for the call. Headers are NULL when absent.
typedef struct {
    const char *method;
    const char *path;       // without the query
    const char *query;      // the raw query string, without "?"; "" for none
    const char *key, *timestamp, *nonce, *signature, *last_event_id;
    const char *body;
    size_t body_size;
} gateway_request_t;

// A reply: body is owned (malloc) unless body_static. stream, when set, is an opened live
// stream that the HTTP layer serves (and closes) instead of a body.
typedef struct {
    int http_status;
    const char *content_type;  // static
    char *body;
    size_t body_size;
    bool body_static;
    gateway_stream_t *stream;
} gateway_reply_t;

typedef struct gateway_routes_t gateway_routes_t;

// What the routes borrow for their life: config (endpoints), the applications, the nonce
// table, the registry replica and the lock that guards its view (the loop thread takes it
// for writing when it swaps a new version in), the live streams.
typedef struct {
    const config_t *config;
    const gateway_apps_t *apps;
    gateway_nonces_t *nonces;
    registry_replica_t *replica;
    pthread_rwlock_t *replica_lock;
    gateway_streams_t *streams;
} gateway_routes_deps_t;

// Returns NULL when out of memory.
gateway_routes_t *gateway_routes_new (const gateway_routes_deps_t *deps);
// Frees the routes and every thread's clients: call once no handler runs any more.
void gateway_routes_destroy (gateway_routes_t **self_p);
// Answers request into *reply (which the caller frees with gateway_reply_free).
void gateway_routes_handle (gateway_routes_t *self, const gateway_request_t *request,
                            gateway_reply_t *reply);
// Counts a reply's status and latency for /metrics (the HTTP layer knows when it is done).
void gateway_routes_count (gateway_routes_t *self, int http_status, int64_t latency_us);
void gateway_reply_free (gateway_reply_t *reply);

// The dashboard's page, embedded at build time (dashboard/index.html).
extern const unsigned char gateway_dashboard_html[];
extern const size_t gateway_dashboard_html_size;

#endif
