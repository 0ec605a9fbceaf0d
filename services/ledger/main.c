/*  shanhai-ledger: the append-only log of what happened between paired counties. */
#include <stdio.h>
#include "common/config.h"
#include "common/log.h"
#include "ledger_server.h"

int
main (void)
{
    config_t config;
    char errstr[512] = "";
    if (config_load (&config, errstr, sizeof errstr)
        || config_declare_kinds (&config, errstr, sizeof errstr)) {
        fprintf (stderr, "shanhai-ledger: %s\n", errstr);
        return 1;
    }
    log_init ("ledger", config.log_level);
    ledger_server_t *server = ledger_server_new (&config, errstr, sizeof errstr);
    if (!server) {
        fprintf (stderr, "shanhai-ledger: %s\n", errstr);
        return 1;
    }
    int rc = ledger_server_run (server);
    ledger_server_destroy (&server);
    return rc;
}
