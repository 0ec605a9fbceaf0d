/*  shanhai ledger [--pair ID] [--region R] [--kind K] [--from D] [--to D] [--after SEQ]
                   [--limit N] [--json]

    The ledger's events that match every filter given, oldest first (by seq), through
    ledger.List page by page: a table for people, or with --json one event per line in the
    one JSON shape (common/event_json.h) with what the ledger filled in, as export writes it.
    --after SEQ starts after that seq (the last seq of a previous page); --limit N stops after
    N events (without it, every event that matches). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "common/event_json.h"
#include "common/limits.h"
#include "common/money.h"
#include "common/vocab.h"

static const char *s_usage = "shanhai ledger [--pair ID] [--region R] [--kind K] [--from D] "
                             "[--to D] [--after SEQ] [--limit N] [--json]";

// One event as a line of the table, or of JSON. Returns 0 or 1.
static int
s_print_event (const Shanhai__V1__LedgerEvent *event, bool as_json)
{
    json_t *object = event_json_from_event (event, true);
    if (!object)
        return cli_error ("out of memory");
    if (as_json) {
        int rc = json_dumpf (object, stdout, JSON_PRESERVE_ORDER | JSON_COMPACT);
        fputc ('\n', stdout);
        json_decref (object);
        return rc ? cli_error ("cannot write the output") : 0;
    }
    char amount[40] = "";
    if (event->amount_fen)
        money_format_yuan (event->amount_fen, amount, sizeof amount);
    char own[512] = "";
    size_t length = 0;
    unsigned said = event_json_attrs (event);
    for (unsigned attr = 0; attr < VOCAB_ATTR_COUNT; attr++) {
        if (!(said & VOCAB_ATTR_BIT (attr)))
            continue;
        json_t *value = json_object_get (object, vocab_attr_name (attr));
        char *text = json_dumps (value, JSON_ENCODE_ANY);
        int added = snprintf (own + length, sizeof own - length, "%s%s=%s", length ? " " : "",
                              vocab_attr_name (attr), text ? text : "?");
        free (text);
        if (added < 0 || (size_t) added >= sizeof own - length)
            break;
        length += (size_t) added;
    }
    printf ("%8llu %-10s %-15s %-8s %-16s %-16s %18s %s%s%s\n", (unsigned long long) event->seq,
            event->date, event->kind, *event->pairing ? event->pairing : "-",
            *event->from_region ? event->from_region : "-",
            *event->to_region ? event->to_region : "-", amount, own, *own ? " " : "", event->id);
    json_decref (object);
    return 0;
}

// A non-negative whole number of an option.
static int
s_count (const char *text, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long value = strtoull (text, &end, 10);
    if (!*text || *text == '-' || *end || errno)
        return -1;
    *out = value;
    return 0;
}

// Reads the options into request. Returns 0, or CLI_EXIT_USAGE when said.
static int
s_parse (int argc, char **argv, Shanhai__V1__ListRequest *request, uint64_t *limit,
         bool *as_json)
{
    static const struct option options[] = {
        { "pair", required_argument, NULL, 'p' },  { "region", required_argument, NULL, 'r' },
        { "kind", required_argument, NULL, 'k' },  { "from", required_argument, NULL, 'f' },
        { "to", required_argument, NULL, 't' },    { "after", required_argument, NULL, 'a' },
        { "limit", required_argument, NULL, 'l' }, { "json", no_argument, NULL, 'j' },
        { NULL, 0, NULL, 0 },
    };
    cli_options_t parser = { .command = "ledger", .usage = s_usage, .options = options };
    int option;
    while ((option = cli_option_next (&parser, argc, argv)) != -1) {
        switch (option) {
        case 'p': request->pairing = optarg; break;
        case 'r': request->region = optarg; break;
        case 'k': request->kind = optarg; break;
        case 'f': request->from_date = optarg; break;
        case 't': request->to_date = optarg; break;
        case 'a':
            if (s_count (optarg, &request->after_seq))
                return cli_usage (s_usage, "ledger: --after '%s' is not a seq", optarg);
            break;
        case 'l':
            if (s_count (optarg, limit) || *limit == 0)
                return cli_usage (s_usage, "ledger: --limit '%s' is not a count 1 or more",
                                  optarg);
            break;
        case 'j': *as_json = true; break;
        default: return CLI_EXIT_USAGE;
        }
    }
    if (optind != argc)
        return cli_usage (s_usage, "ledger: unexpected '%s'", argv[optind]);
    return 0;
}

int
cmd_ledger (cli_t *cli, int argc, char **argv)
{
    Shanhai__V1__ListRequest request = SHANHAI__V1__LIST_REQUEST__INIT;
    uint64_t limit = 0;  // 0: all
    bool as_json = false;
    int rc = s_parse (argc, argv, &request, &limit, &as_json);
    if (rc)
        return rc;
    uint64_t printed = 0;
    bool more = true;
    while (rc == 0 && more && (limit == 0 || printed < limit)) {
        uint64_t left = limit ? limit - printed : LEDGER_LIST_EVENTS_MAX;
        request.limit = (uint32_t) (left < LEDGER_LIST_EVENTS_MAX ? left : LEDGER_LIST_EVENTS_MAX);
        Shanhai__V1__ListReply *page = NULL;
        if ((rc = cli_call (cli->config.ledger_rpc, "ledger.List", &request.base,
                            &shanhai__v1__list_reply__descriptor, (ProtobufCMessage **) &page)))
            break;
        if (!as_json && printed == 0)  // once the ledger has answered: an error stays one line
            printf ("%8s %-10s %-15s %-8s %-16s %-16s %18s %s\n", "SEQ", "DATE", "KIND", "PAIR",
                    "FROM", "TO", "AMOUNT (YUAN)", "FIELDS ID");
        for (size_t index = 0; rc == 0 && index < page->n_events; index++)
            rc = s_print_event (page->events[index], as_json);
        printed += page->n_events;
        more = page->more && page->n_events > 0;
        if (page->n_events)
            request.after_seq = page->events[page->n_events - 1]->seq;
        shanhai__v1__list_reply__free_unpacked (page, NULL);
    }
    fflush (stdout);
    return rc;
}
