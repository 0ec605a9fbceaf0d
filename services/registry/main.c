/*  shanhai-registry: programs, regions, pairings, people and the clock. */
#include <stdio.h>
#include "common/config.h"
#include "common/log.h"
#include "registry_server.h"

int
main (void)
{
    config_t config;
    char errstr[512] = "";
    if (config_load (&config, errstr, sizeof errstr)
        || config_declare_kinds (&config, errstr, sizeof errstr)) {
        fprintf (stderr, "shanhai-registry: %s\n", errstr);
        return 1;
    }
    log_init ("registry", config.log_level);
    registry_server_t *server = registry_server_new (&config, errstr, sizeof errstr);
    if (!server) {
        fprintf (stderr, "shanhai-registry: %s\n", errstr);
        return 1;
    }
    int rc = registry_server_run (server);
    registry_server_destroy (&server);
    return rc;
}
