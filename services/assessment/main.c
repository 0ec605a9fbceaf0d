/*  shanhai-assessment: compliance of each pairing with its program's rules. */
#include <stdio.h>
#include "common/config.h"
#include "common/log.h"
#include "assessment_server.h"

int
main (void)
{
    config_t config;
    char errstr[512] = "";
    if (config_load (&config, errstr, sizeof errstr)
        || config_declare_kinds (&config, errstr, sizeof errstr)) {
        fprintf (stderr, "shanhai-assessment: %s\n", errstr);
        return 1;
    }
    log_init ("assessment", config.log_level);
    assessment_server_t *server = assessment_server_new (&config, errstr, sizeof errstr);
    if (!server) {
        fprintf (stderr, "shanhai-assessment: %s\n", errstr);
        return 1;
    }
    int rc = assessment_server_run (server);
    assessment_server_destroy (&server);
    return rc;
}
