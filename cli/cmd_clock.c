/*  shanhai clock [set YYYY-MM-DD] [--json] */
#include <string.h>
#include "cli.h"

static const char *s_usage = "shanhai clock [set YYYY-MM-DD] [--json]";

int
cmd_clock (cli_t *cli, int argc, char **argv)
{
    static const struct option options[] = {
        { "json", no_argument, NULL, 'j' },
        { NULL, 0, NULL, 0 },
    };
    cli_options_t parser = { .command = "clock", .usage = s_usage, .options = options };
    bool as_json = false;
    int option;
    while ((option = cli_option_next (&parser, argc, argv)) != -1) {
        if (option != 'j')
            return CLI_EXIT_USAGE;
        as_json = true;
    }
    int words = argc - optind;  // the operands, after getopt_long has put them last
    argv += optind;
    Shanhai__V1__Clock *clock = NULL;
    int rc;
    if (words == 0) {
        Shanhai__V1__ClockRequest request = SHANHAI__V1__CLOCK_REQUEST__INIT;
        rc = cli_call (cli->config.registry_rpc, "registry.GetClock", &request.base,
                       &shanhai__v1__clock__descriptor, (ProtobufCMessage **) &clock);
    } else if (words == 2 && strcmp (argv[0], "set") == 0) {
        Shanhai__V1__SetClockRequest request = SHANHAI__V1__SET_CLOCK_REQUEST__INIT;
        request.date = argv[1];
        rc = cli_call (cli->config.registry_rpc, "registry.SetClock", &request.base,
                       &shanhai__v1__clock__descriptor, (ProtobufCMessage **) &clock);
    } else
        return cli_usage (s_usage, "clock: expected nothing or 'set YYYY-MM-DD'");
    if (rc)
        return rc;
    if (as_json)
        rc = cli_print_json (json_pack ("{s:s, s:b}", "today", clock->today, "fixed",
                                        clock->fixed));
    else
        printf ("%s (%s)\n", clock->today, clock->fixed ? "fixed" : "real time");
    shanhai__v1__clock__free_unpacked (clock, NULL);
    return rc;
}
