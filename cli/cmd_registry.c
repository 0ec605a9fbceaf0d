/*  shanhai registry load FILE */
#include <string.h>
#include "cli.h"
#include "registry_json.h"

static const char *s_usage = "shanhai registry load FILE";

int
cmd_registry (cli_t *cli, int argc, char **argv)
{
    static const struct option options[] = { { NULL, 0, NULL, 0 } };
    cli_options_t parser = { .command = "registry", .usage = s_usage, .options = options };
    if (cli_option_next (&parser, argc, argv) != -1)
        return CLI_EXIT_USAGE;  // it takes no option: the one given was said
    if (argc - optind != 2 || strcmp (argv[optind], "load") != 0)
        return cli_usage (s_usage, "registry: expected 'load FILE'");
    char errstr[512];
    Shanhai__V1__RegistryDoc *doc = registry_json_read (argv[optind + 1], errstr, sizeof errstr);
    if (!doc)
        return cli_error ("%s", errstr);
    Shanhai__V1__LoadReply *reply = NULL;
    int rc = cli_call (cli->config.registry_rpc, "registry.Load", &doc->base,
                       &shanhai__v1__load_reply__descriptor, (ProtobufCMessage **) &reply);
    shanhai__v1__registry_doc__free_unpacked (doc, NULL);
    if (rc)
        return rc;
    printf ("loaded %u programs, %u regions, %u pairings, %u people (version %llu)\n",
            reply->programs, reply->regions, reply->pairings, reply->people,
            (unsigned long long) reply->version);
    shanhai__v1__load_reply__free_unpacked (reply, NULL);
    return 0;
}
