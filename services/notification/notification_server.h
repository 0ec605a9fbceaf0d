/*  notification_server.h: the notification service's loop: compliance changes in, one alert
    per person out (stored, then published live on "alert.<person-id>"), notification.Alerts
    and notification.Replay answered. */
#ifndef SHANHAI_NOTIFICATION_SERVER_H
#define SHANHAI_NOTIFICATION_SERVER_H

#include "common/config.h"

typedef struct notification_server_t notification_server_t;

notification_server_t *notification_server_new (const config_t *config, char *errstr,
                                                size_t errstr_size);
void notification_server_destroy (notification_server_t **self_p);
// Serves until SIGINT or SIGTERM. Returns 0.
int notification_server_run (notification_server_t *self);

#endif
