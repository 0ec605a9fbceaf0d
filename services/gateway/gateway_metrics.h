/*  gateway_metrics.h: what /v1/health and /metrics say: the gateway's own counters (replies
    by status, latency histogram) and every service's Health (proto/shanhai/v1/health.proto),
    as JSON for people and tools, and as Prometheus text (format 0.0.4) for operators.

    Counting is lock-free (atomic adds) from every HTTP worker thread; rendering reads the
    counters without a lock (a scrape may see one request counted and not yet its latency). */
#ifndef SHANHAI_GATEWAY_METRICS_H
#define SHANHAI_GATEWAY_METRICS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common/proto.h"

typedef struct gateway_metrics_t gateway_metrics_t;

gateway_metrics_t *gateway_metrics_new (void);
void gateway_metrics_destroy (gateway_metrics_t **self_p);
// Counts one reply.
void gateway_metrics_count (gateway_metrics_t *self, int http_status, int64_t latency_us);

// What one service said to "<service>.Health": health when it answered OK; else error (the
// reason), and answered true when it answered at all (a service older than the Health RPC
// answers INVALID: it is up, with nothing more to tell).
typedef struct {
    const char *service;
    const Shanhai__V1__Health *health;
    bool answered;
    const char *error;
} gateway_service_health_t;

// {"service", "up", ...Health's fields, "streams": [{..., "lag"}]} or {"service", "up",
// "error"} (a new reference, the caller's).
json_t *gateway_metrics_health_json (const gateway_service_health_t *service);
// The Prometheus text of the gateway's counters, open live streams, and each service's up
// state, stream lag and metrics (the caller frees it), or NULL when out of memory.
char *gateway_metrics_render (gateway_metrics_t *self, const gateway_service_health_t *services,
                              size_t count, size_t open_streams);

#endif
