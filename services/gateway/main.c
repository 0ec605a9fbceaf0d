/*  shanhai-gateway: signed HTTP/JSON for the provincial data exchange bus, and the program
    office's dashboard. */
#include <stdio.h>
#include <sys/resource.h>
#include "common/config.h"
#include "common/log.h"
#include "gateway_server.h"

// Every connection is a descriptor: the soft limit (often 1,024) is raised to the hard one so
// that GATEWAY_CONNECTIONS_MAX connections fit.
static void
s_raise_file_limit (void)
{
    struct rlimit limit;
    if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit (RLIMIT_NOFILE, &limit);
    }
}

int
main (void)
{
    config_t config;
    char errstr[512] = "";
    if (config_load (&config, errstr, sizeof errstr)
        || config_declare_kinds (&config, errstr, sizeof errstr)) {
        fprintf (stderr, "shanhai-gateway: %s\n", errstr);
        return 1;
    }
    log_init ("gateway", config.log_level);
    s_raise_file_limit ();
    gateway_server_t *server = gateway_server_new (&config, errstr, sizeof errstr);
    if (!server) {
        fprintf (stderr, "shanhai-gateway: %s\n", errstr);
        return 1;
    }
    int rc = gateway_server_run (server);
    gateway_server_destroy (&server);
    return rc;
}
