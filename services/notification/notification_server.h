/*  notification_server.h: the notification service's loop.

    In: the assessment's "compliance.changed" events and the registry's events, each through a
    subscriber that replays what it missed. Out: for each change worth telling (alert_rules.h),
    one alert per recipient, stored in the outbox and published live on "alert.<person-id>"
    after the commit. Answers notification.Alerts (a person's inbox) and notification.Replay.

    The alerts of a change and the change's seq are written in one transaction, so a change is
    alerted once however often it is offered. When the registry cannot say who is to be told
    (it does not answer), nothing is written and the change is offered again later: the
    subscriber stays behind, and the timer retries (NOTIFICATION_REGISTRY_RETRY_MS apart). */
#ifndef SHANHAI_NOTIFICATION_SERVER_H
#define SHANHAI_NOTIFICATION_SERVER_H

#include <czmq.h>
#include "common/config.h"

// The loop's periodic work (heartbeat, catch-up): once a second, like every service's timer.
#define NOTIFICATION_TICK_MS 1000
// After the registry failed to answer, how long the service waits before it asks again. Each
// unanswered call holds the loop for RPC_TIMEOUT_MS; the pause keeps Alerts answered during a
// registry outage instead of spending every tick waiting for a registry that is down.
#define NOTIFICATION_REGISTRY_RETRY_MS 5000

typedef struct notification_server_t notification_server_t;

// Opens notification.db under config's data directory, binds config->notification_rpc and
// config->notification_pub, connects to the registry and the assessment. config is read, not
// kept. Returns the server, or NULL with a one-line reason in errstr.
notification_server_t *notification_server_new (const config_t *config, char *errstr,
                                                size_t errstr_size);
// Stops and frees the server; safe on NULL and twice; nulls *self_p.
void notification_server_destroy (notification_server_t **self_p);
// Catches up with both publishers, then serves until SIGINT or SIGTERM (or "$TERM" from the
// actor's pipe). Returns 0.
int notification_server_run (notification_server_t *self);
// The server as a CZMQ actor (tests, tools that embed it): args is a const config_t *, read
// before the actor signals. Signals 0 once it serves, or 1 if it could not start (logged);
// stops on "$TERM" from the pipe (zactor_destroy).
void notification_server_actor (zsock_t *pipe, void *args);

#endif
