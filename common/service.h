/*  service.h: the skeleton every shanhai service runs on (Malamute's server loop, Redis's
    serverCron): one zloop with the request socket, the sockets of the publishers the service
    consumes, one periodic tick, the outbox's heartbeat, and "$TERM" when run as an actor.

    The tick catches up each subscriber that is behind, in the order they were added (the
    registry first: its replica and clock come before the events that need them), backing off
    while a publisher does not answer; then it runs the service's own tick. Every
    PUBLISH_HEARTBEAT_MS it announces the outbox's head, so a subscriber notices a lost last
    event. A service builds its state, hands the skeleton its sockets, and calls service_run
    (a process) or service_run_actor (a unit test). */
#ifndef SHANHAI_SERVICE_H
#define SHANHAI_SERVICE_H

#include <czmq.h>
#include "common/outbox.h"
#include "common/rpc.h"
#include "common/subscriber.h"

typedef struct service_t service_t;
typedef void (service_tick_fn) (void *state);

// A Health reply being built, for a service's own part of it.
typedef struct service_health_t service_health_t;
// Adds what only the service knows to health: its registry version, its cache, its metrics.
typedef void (service_health_fn) (void *state, service_health_t *health);

// Binds a ROUTER at rpc_endpoint answering the methods of the table (borrowed, ended by
// {NULL, NULL}) with state. name goes into the logs. Returns NULL (logged) on failure.
service_t *service_new (const char *name, const char *rpc_endpoint,
                        const rpc_method_t *methods, void *state);
// Stops nothing that runs (call it after service_run returned); safe on NULL and twice.
void service_destroy (service_t **self_p);
// The loop (borrowed), for a service's own timers and pollers (the notification's transfers).
zloop_t *service_loop (service_t *self);
// The request server (borrowed).
rpc_server_t *service_rpc (service_t *self);
// Reads the request socket with reader instead of answering every request at once (the
// ledger gathers Records into one transaction).
void service_read_requests (service_t *self, zloop_reader_fn *reader, void *arg);
// The outbox whose head the service announces (borrowed).
void service_publish (service_t *self, outbox_t *outbox);
// A publisher's stream the service consumes (borrowed). Returns 0, or -1 when there are
// already SERVICE_SUBSCRIBERS_MAX.
int service_consume (service_t *self, subscriber_t *subscriber);
// The service's own work every SERVICE_TICK_MS, after the catch-ups.
void service_tick (service_t *self, service_tick_fn *tick, void *state);
// Every service answers "<name>.Health" (HealthRequest -> Health): the skeleton fills in the
// name, SHANHAI_VERSION, the uptime, the outbox's head and each consumed stream (applied seq,
// the publisher's known head, caught up), then calls fn with state for the rest.
void service_health (service_t *self, service_health_fn *fn, void *state);
// Within a service_health_fn: the version of the service's registry (replica).
void service_health_registry (service_health_t *health, uint64_t version);
// Within a service_health_fn: the cache, "up", "down" or "off" (a static string); "off"
// unless set.
void service_health_cache (service_health_t *health, const char *state);
// Within a service_health_fn: one metric; name and help are borrowed for the call (static
// strings). Beyond SERVICE_METRICS_MAX, the metric is left out (logged once).
void service_health_metric (service_health_t *health, const char *name, const char *help,
                            bool counter, int64_t value);
// Catches every subscriber up, then serves until SIGINT or SIGTERM. Returns 0.
int service_run (service_t *self);
// As service_run, for a CZMQ actor: serves until "$TERM" (or a broken pipe) on pipe;
// signals the pipe 0 once it serves. Returns 0.
int service_run_actor (service_t *self, zsock_t *pipe);

#endif
