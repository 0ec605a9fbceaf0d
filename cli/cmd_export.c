/*  shanhai export [--since SEQ] [--follow]

    Writes the ledger's recorded events after seq SEQ (0: from the first) as NDJSON on stdout,
    in seq order, one event a line in the one JSON shape with what the ledger filled in
    (common/event_json.h): what `shanhai import` reads back, and what other systems on the
    data exchange bus take. With --follow it keeps writing events as they are recorded, asking
    the ledger every EXPORT_FOLLOW_POLL_MS, until SIGINT or SIGTERM; a consumer that stops can
    go on with --since the last seq it kept. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <czmq.h>
#include "cli.h"
#include "common/event_json.h"
#include "common/limits.h"

static const char *s_usage = "shanhai export [--since SEQ] [--follow]";

static volatile sig_atomic_t s_stop;

static void
s_on_signal (int signal_number)
{
    (void) signal_number;
    s_stop = 1;
}

// Writes one page after *since and moves *since on. Returns 0 (with *more when the ledger
// has more), or 1 (said).
static int
s_page (cli_t *cli, uint64_t *since, bool *more)
{
    Shanhai__V1__ListRequest request = SHANHAI__V1__LIST_REQUEST__INIT;
    request.after_seq = *since;
    request.limit = LEDGER_LIST_EVENTS_MAX;
    Shanhai__V1__ListReply *page = NULL;
    int rc = cli_call (cli->config.ledger_rpc, "ledger.List", &request.base,
                       &shanhai__v1__list_reply__descriptor, (ProtobufCMessage **) &page);
    if (rc)
        return rc;
    for (size_t index = 0; rc == 0 && index < page->n_events; index++) {
        json_t *object = event_json_from_event (page->events[index], true);
        if (!object || json_dumpf (object, stdout, JSON_PRESERVE_ORDER | JSON_COMPACT)
            || fputc ('\n', stdout) == EOF)
            rc = cli_error ("export: cannot write the output");
        json_decref (object);
        *since = page->events[index]->seq;
    }
    *more = page->more;
    shanhai__v1__list_reply__free_unpacked (page, NULL);
    fflush (stdout);
    return rc;
}

int
cmd_export (cli_t *cli, int argc, char **argv)
{
    static const struct option options[] = {
        { "since", required_argument, NULL, 's' },
        { "follow", no_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 },
    };
    cli_options_t parser = { .command = "export", .usage = s_usage, .options = options };
    uint64_t since = 0;
    bool follow = false;
    int option;
    while ((option = cli_option_next (&parser, argc, argv)) != -1) {
        char *end = NULL;
        switch (option) {
        case 's':
            errno = 0;
            since = strtoull (optarg, &end, 10);
            if (!*optarg || *optarg == '-' || *end || errno)
                return cli_usage (s_usage, "export: --since '%s' is not a seq", optarg);
            break;
        case 'f': follow = true; break;
        default: return CLI_EXIT_USAGE;
        }
    }
    if (optind != argc)
        return cli_usage (s_usage, "export: unexpected '%s'", argv[optind]);
    struct sigaction action;
    memset (&action, 0, sizeof action);
    action.sa_handler = s_on_signal;  // no SA_RESTART: a sleep ends at once
    sigaction (SIGINT, &action, NULL);
    sigaction (SIGTERM, &action, NULL);
    bool more = true;
    int rc = 0;
    while (rc == 0 && !s_stop && (more || follow)) {
        rc = s_page (cli, &since, &more);
        if (rc == 0 && !more && follow && !s_stop)
            zclock_sleep (EXPORT_FOLLOW_POLL_MS);
    }
    return rc;
}
