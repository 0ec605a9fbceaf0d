/*  shanhai totals --pair ID --year Y [--json]

    A pair's year in figures, from ledger.Totals: money (committed, disbursed, received,
    pending, voided), the count and quantity of every kind of event, reversed events left
    out, and each park the pair builds: completed against the registry's plan. A table for
    people (money in yuan with two decimals), or with --json
      {"pair","year","committed_fen","disbursed_fen","received_fen","pending_fen","voided_fen",
       "kinds":[{"kind","count","quantity","unit"}],
       "parks":[{"park","category","completed_fen","planned_completion_fen",
                 "planned_projects"}]}
    with every number a JSON integer (fen for money). */
#include <string.h>
#include "cli.h"
#include "common/money.h"

static const char *s_usage = "shanhai totals --pair ID --year Y [--json]";

static int
s_print_json (const Shanhai__V1__TotalsReply *reply)
{
    json_t *kinds = json_array ();
    for (size_t index = 0; kinds && index < reply->n_kinds; index++) {
        const Shanhai__V1__KindTotal *total = reply->kinds[index];
        json_array_append_new (kinds, json_pack ("{s:s, s:I, s:I, s:s}", "kind", total->kind,
                                                 "count", (json_int_t) total->count, "quantity",
                                                 (json_int_t) total->quantity, "unit",
                                                 total->unit));
    }
    json_t *parks = json_array ();
    for (size_t index = 0; parks && index < reply->n_parks; index++) {
        const Shanhai__V1__ParkTotal *park = reply->parks[index];
        json_array_append_new (parks, json_pack ("{s:s, s:s, s:I, s:I, s:i}", "park", park->park,
                                                 "category", park->category, "completed_fen",
                                                 (json_int_t) park->completed_fen,
                                                 "planned_completion_fen",
                                                 (json_int_t) park->planned_completion_fen,
                                                 "planned_projects",
                                                 (int) park->planned_projects));
    }
    return cli_print_json (json_pack (
        "{s:s, s:i, s:I, s:I, s:I, s:I, s:I, s:o, s:o}", "pair", reply->pairing, "year",
        reply->year, "committed_fen", (json_int_t) reply->committed_fen, "disbursed_fen",
        (json_int_t) reply->disbursed_fen, "received_fen", (json_int_t) reply->received_fen,
        "pending_fen", (json_int_t) reply->pending_fen, "voided_fen",
        (json_int_t) reply->voided_fen, "kinds", kinds, "parks", parks));
}

static void
s_print (const Shanhai__V1__TotalsReply *reply)
{
    printf ("pair %s, year %d (money in yuan)\n", reply->pairing, reply->year);
    const char *names[] = { "committed", "disbursed", "received", "pending", "voided" };
    const int64_t values[] = { reply->committed_fen, reply->disbursed_fen, reply->received_fen,
                               reply->pending_fen, reply->voided_fen };
    for (size_t index = 0; index < 5; index++) {
        char yuan[40];
        money_format_yuan (values[index], yuan, sizeof yuan);
        printf ("  %-10s %22s\n", names[index], yuan);
    }
    printf ("%-16s %8s %22s %s\n", "KIND", "COUNT", "QUANTITY", "UNIT");
    for (size_t index = 0; index < reply->n_kinds; index++) {
        const Shanhai__V1__KindTotal *total = reply->kinds[index];
        char quantity[40];
        bool money = strcmp (total->unit, "fen") == 0;
        if (money)
            money_format_yuan (total->quantity, quantity, sizeof quantity);
        else
            snprintf (quantity, sizeof quantity, "%lld", (long long) total->quantity);
        printf ("%-16s %8lld %22s %s\n", total->kind, (long long) total->count, quantity,
                money ? "yuan" : total->unit);
    }
    if (reply->n_parks)
        printf ("%-20s %-8s %22s %22s\n", "PARK", "CATEGORY", "COMPLETED (YUAN)",
                "PLANNED (YUAN)");
    for (size_t index = 0; index < reply->n_parks; index++) {
        const Shanhai__V1__ParkTotal *park = reply->parks[index];
        char completed[40], planned[40];
        money_format_yuan (park->completed_fen, completed, sizeof completed);
        money_format_yuan (park->planned_completion_fen, planned, sizeof planned);
        printf ("%-20s %-8s %22s %22s\n", park->park, park->category, completed, planned);
    }
}

int
cmd_totals (cli_t *cli, int argc, char **argv)
{
    static const struct option options[] = {
        { "pair", required_argument, NULL, 'p' },
        { "year", required_argument, NULL, 'y' },
        { "json", no_argument, NULL, 'j' },
        { NULL, 0, NULL, 0 },
    };
    cli_options_t parser = { .command = "totals", .usage = s_usage, .options = options };
    Shanhai__V1__TotalsRequest request = SHANHAI__V1__TOTALS_REQUEST__INIT;
    bool as_json = false;
    const char *year = NULL;
    int option;
    while ((option = cli_option_next (&parser, argc, argv)) != -1) {
        switch (option) {
        case 'p': request.pairing = optarg; break;
        case 'y': year = optarg; break;
        case 'j': as_json = true; break;
        default: return CLI_EXIT_USAGE;
        }
    }
    if (optind != argc)
        return cli_usage (s_usage, "totals: unexpected '%s'", argv[optind]);
    if (!*request.pairing || !year)
        return cli_usage (s_usage, "totals: --pair and --year are required");
    if (cli_parse_year (year, &request.year))
        return cli_usage (s_usage, "totals: --year '%s' is not a year", year);
    Shanhai__V1__TotalsReply *reply = NULL;
    int rc = cli_call (cli->config.ledger_rpc, "ledger.Totals", &request.base,
                       &shanhai__v1__totals_reply__descriptor, (ProtobufCMessage **) &reply);
    if (rc)
        return rc;
    if (as_json)
        rc = s_print_json (reply);
    else
        s_print (reply);
    shanhai__v1__totals_reply__free_unpacked (reply, NULL);
    return rc;
}
