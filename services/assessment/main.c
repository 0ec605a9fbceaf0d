/*  shanhai-assessment [--rebuild]: compliance of each pairing with its program's rules.
    --rebuild first drops what it derived from the ledger and rebuilds it from the ledger's
    Replay as it starts (after a policy or engine change that needs it, or to check that the
    incremental state equals a recomputation). */
#include <stdio.h>
#include <string.h>
#include "common/config.h"
#include "common/log.h"
#include "assessment_server.h"

int
main (int argc, char **argv)
{
    config_t config;
    char errstr[512] = "";
    bool rebuild = argc == 2 && strcmp (argv[1], "--rebuild") == 0;
    if (argc > 2 || (argc == 2 && !rebuild)) {
        fprintf (stderr, "usage: shanhai-assessment [--rebuild]\n");
        return 2;
    }
    if (config_load (&config, errstr, sizeof errstr)
        || config_declare_kinds (&config, errstr, sizeof errstr)) {
        fprintf (stderr, "shanhai-assessment: %s\n", errstr);
        return 1;
    }
    log_init ("assessment", config.log_level);
    if (rebuild && assessment_server_reset (&config, errstr, sizeof errstr)) {
        fprintf (stderr, "shanhai-assessment: %s\n", errstr);
        return 1;
    }
    assessment_server_t *server = assessment_server_new (&config, errstr, sizeof errstr);
    if (!server) {
        fprintf (stderr, "shanhai-assessment: %s\n", errstr);
        return 1;
    }
    int rc = assessment_server_run (server);
    assessment_server_destroy (&server);
    return rc;
}
