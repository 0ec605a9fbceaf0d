/*  notification_server.h: the notification service on the service skeleton.

    In: the assessment's "compliance.changed" events and the registry's events (kept as the
    service's own replica), each through a subscriber that replays what it missed and hands
    them over in batches. Out: for each change worth telling (alert_rules.h), one alert per
    recipient among the people the replica attaches to the pair, stored in the alerts table and
    published live on "alert.<person-id>/" after the commit. Answers notification.Alerts (a
    person's inbox) and notification.Replay.

    A batch's alerts and the seq of its last change are written in one transaction, so a
    change is alerted once however often it is offered. A change evaluated against a registry
    version the replica does not have yet waits ("not yet") until the replica has it. */
#ifndef SHANHAI_NOTIFICATION_SERVER_H
#define SHANHAI_NOTIFICATION_SERVER_H

#include <czmq.h>
#include "common/config.h"

typedef struct notification_server_t notification_server_t;

// Opens notification.db under config's data directory, binds config->notification_rpc and
// config->notification_pub, loads its replica of the registry and subscribes to the
// registry and the assessment. config is read, not
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
