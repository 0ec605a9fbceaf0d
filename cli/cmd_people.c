/*  shanhai people --pair ID [--json] */
#include "cli.h"

static const char *s_usage = "shanhai people --pair ID [--json]";

int
cmd_people (cli_t *cli, int argc, char **argv)
{
    static const struct option options[] = {
        { "pair", required_argument, NULL, 'p' }, { "json", no_argument, NULL, 'j' },
        { NULL, 0, NULL, 0 },
    };
    Shanhai__V1__PeopleRequest request = SHANHAI__V1__PEOPLE_REQUEST__INIT;
    cli_options_t parser = { .command = "people", .usage = s_usage, .options = options };
    bool as_json = false;
    int option;
    while ((option = cli_option_next (&parser, argc, argv)) != -1) {
        switch (option) {
        case 'p': request.pairing = optarg; break;
        case 'j': as_json = true; break;
        default: return CLI_EXIT_USAGE;
        }
    }
    if (optind != argc || !*request.pairing)
        return cli_usage (s_usage, "people: --pair is required");
    Shanhai__V1__PersonList *list = NULL;
    int rc = cli_call (cli->config.registry_rpc, "registry.People", &request.base,
                       &shanhai__v1__person_list__descriptor, (ProtobufCMessage **) &list);
    if (rc)
        return rc;
    if (as_json) {
        json_t *array = json_array ();
        for (size_t index = 0; index < list->n_people; index++) {
            const Shanhai__V1__Person *p = list->people[index];
            json_array_append_new (array, json_pack ("{s:s, s:s, s:s, s:s}", "id", p->id, "name",
                                                     p->name, "region", p->region, "role",
                                                     role_name (p->role)));
        }
        rc = cli_print_json (array);
    } else {
        printf ("%-24s %-16s %-28s %s\n", "ID", "ROLE", "REGION", "NAME");
        for (size_t index = 0; index < list->n_people; index++) {
            const Shanhai__V1__Person *p = list->people[index];
            printf ("%-24s %-16s %-28s %s\n", p->id, role_name (p->role), p->region, p->name);
        }
    }
    shanhai__v1__person_list__free_unpacked (list, NULL);
    return rc;
}
