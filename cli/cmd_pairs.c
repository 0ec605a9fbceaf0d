/*  shanhai pairs [--program P] [--region R] [--date D] [--json] */
#include <string.h>
#include "cli.h"
#include "common/answer_json.h"

static const char *s_usage
    = "shanhai pairs [--program P] [--region R] [--date YYYY-MM-DD] [--json]";

static int
s_print (const Shanhai__V1__PairingList *list, bool as_json)
{
    if (as_json)
        return cli_print_json (answer_json_pairings (
            (const Shanhai__V1__Pairing *const *) list->pairings, list->n_pairings));
    // Names are Chinese (three bytes a character, two columns wide): they go last, where
    // their width cannot shift the other columns, with the codes that identify them.
    printf ("%-8s %-14s %-11s %-11s %s\n", "ID", "PROGRAM", "START", "END",
            "RECIPIENT <- SUPPORTER");
    for (size_t index = 0; index < list->n_pairings; index++) {
        const Shanhai__V1__Pairing *p = list->pairings[index];
        printf ("%-8s %-14s %-11s %-11s %s (%s) <- %s (%s)\n", p->id, p->program, p->start,
                p->end, p->recipient_name, p->recipient, p->supporter_name, p->supporter);
    }
    return 0;
}

int
cmd_pairs (cli_t *cli, int argc, char **argv)
{
    static const struct option options[] = {
        { "program", required_argument, NULL, 'p' }, { "region", required_argument, NULL, 'r' },
        { "date", required_argument, NULL, 'd' },    { "json", no_argument, NULL, 'j' },
        { NULL, 0, NULL, 0 },
    };
    Shanhai__V1__ListPairingsRequest request = SHANHAI__V1__LIST_PAIRINGS_REQUEST__INIT;
    cli_options_t parser = { .command = "pairs", .usage = s_usage, .options = options };
    bool as_json = false;
    int option;
    while ((option = cli_option_next (&parser, argc, argv)) != -1) {
        switch (option) {
        case 'p': request.program = optarg; break;
        case 'r': request.region = optarg; break;
        case 'd': request.date = optarg; break;
        case 'j': as_json = true; break;
        default: return CLI_EXIT_USAGE;
        }
    }
    if (optind != argc)
        return cli_usage (s_usage, "pairs: unexpected argument '%s'", argv[optind]);
    Shanhai__V1__PairingList *list = NULL;
    int rc = cli_call (cli->config.registry_rpc, "registry.ListPairings", &request.base,
                       &shanhai__v1__pairing_list__descriptor, (ProtobufCMessage **) &list);
    if (rc)
        return rc;
    rc = s_print (list, as_json);
    shanhai__v1__pairing_list__free_unpacked (list, NULL);
    return rc;
}
