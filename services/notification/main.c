/*  shanhai-notification: one alert per person for each compliance change worth telling. */
#include <stdio.h>
#include "common/config.h"
#include "common/log.h"
#include "notification_server.h"

int
main (void)
{
    config_t config;
    char errstr[512] = "";
    if (config_load (&config, errstr, sizeof errstr)
        || config_declare_kinds (&config, errstr, sizeof errstr)) {
        fprintf (stderr, "shanhai-notification: %s\n", errstr);
        return 1;
    }
    log_init ("notification", config.log_level);
    notification_server_t *server = notification_server_new (&config, errstr, sizeof errstr);
    if (!server) {
        fprintf (stderr, "shanhai-notification: %s\n", errstr);
        return 1;
    }
    int rc = notification_server_run (server);
    notification_server_destroy (&server);
    return rc;
}
