/*  shanhai record aid-funds|leader-visit --pair ID --date D [--amount YUAN] [--from REGION]
                   [--id EVENT_ID] [--memo TEXT] [--json]

    The command parses what people type and sends it; the ledger alone decides whether the
    event is valid, so that every client gets the same answers. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "amount.h"
#include "cli.h"
#include "common/limits.h"
#include "common/money.h"
#include "event_id.h"

static const char *s_usage
    = "shanhai record aid-funds|leader-visit --pair ID --date YYYY-MM-DD [--amount YUAN] "
      "[--from REGION] [--id EVENT_ID] [--memo TEXT] [--json]";

// How long the command waits for the registry's names of the two counties, after the event
// is recorded: the names only dress the line, so a slow registry costs a second at most and
// the codes are printed instead.
#define RECORD_NAMES_TIMEOUT_MS 1000

// The pairing's county names from the registry (the caller frees it), or NULL.
static Shanhai__V1__Pairing *
s_pairing_names (const cli_t *cli, const char *pairing_id)
{
    rpc_client_t *client = rpc_client_new (cli->config.registry_rpc, RECORD_NAMES_TIMEOUT_MS);
    if (!client)
        return NULL;
    Shanhai__V1__GetPairingRequest request = SHANHAI__V1__GET_PAIRING_REQUEST__INIT;
    request.id = (char *) pairing_id;
    Shanhai__V1__Pairing *pairing = NULL;
    if (rpc_client_call (client, "registry.GetPairing", &request.base,
                         &shanhai__v1__pairing__descriptor, (ProtobufCMessage **) &pairing)
        != RPC_OK)
        pairing = NULL;
    rpc_client_destroy (&client);
    return pairing;
}

// The name of the county with code, if the pairing knows it, else the code.
static const char *
s_region_name (const Shanhai__V1__Pairing *pairing, const char *code)
{
    if (pairing && strcmp (code, pairing->supporter) == 0 && *pairing->supporter_name)
        return pairing->supporter_name;
    if (pairing && strcmp (code, pairing->recipient) == 0 && *pairing->recipient_name)
        return pairing->recipient_name;
    return code;
}

static int
s_print_json (const Shanhai__V1__RecordReply *reply)
{
    const Shanhai__V1__LedgerEvent *e = reply->event;
    return cli_print_json (json_pack (
        "{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:b}", "id", e->id, "seq",
        (json_int_t) e->seq, "kind", e->kind, "pair", e->pairing, "program", e->program,
        "from", e->from_region, "to", e->to_region, "amount_fen", (json_int_t) e->amount_fen,
        "date", e->date, "memo", e->memo, "duplicate", reply->duplicate));
}

// "recorded <id> seq <seq>: aid-funds 5,000,000.00 yuan <from> -> <to> on <date>".
static int
s_print (const cli_t *cli, const Shanhai__V1__RecordReply *reply)
{
    const Shanhai__V1__LedgerEvent *e = reply->event;
    char what[64] = "";
    if (e->amount_fen) {
        char yuan[40];
        money_format_yuan (e->amount_fen, yuan, sizeof yuan);
        snprintf (what, sizeof what, " %s yuan", yuan);
    }
    Shanhai__V1__Pairing *pairing = s_pairing_names (cli, e->pairing);
    printf ("%s %s seq %llu: %s%s %s -> %s on %s\n",
            reply->duplicate ? "already recorded" : "recorded", e->id,
            (unsigned long long) e->seq, e->kind, what, s_region_name (pairing, e->from_region),
            s_region_name (pairing, e->to_region), e->date);
    if (pairing)
        shanhai__v1__pairing__free_unpacked (pairing, NULL);
    return 0;
}

int
cmd_record (cli_t *cli, int argc, char **argv)
{
    static const struct option options[] = {
        { "pair", required_argument, NULL, 'p' }, { "amount", required_argument, NULL, 'a' },
        { "date", required_argument, NULL, 'd' }, { "from", required_argument, NULL, 'f' },
        { "id", required_argument, NULL, 'i' },   { "memo", required_argument, NULL, 'm' },
        { "json", no_argument, NULL, 'j' },       { NULL, 0, NULL, 0 },
    };
    Shanhai__V1__LedgerEvent event = SHANHAI__V1__LEDGER_EVENT__INIT;
    const char *amount = NULL;
    bool as_json = false, id_given = false;
    int option;
    while ((option = getopt_long (argc, argv, "", options, NULL)) != -1) {
        switch (option) {
        case 'p': event.pairing = optarg; break;
        case 'a': amount = optarg; break;
        case 'd': event.date = optarg; break;
        case 'f': event.from_region = optarg; break;
        case 'i': event.id = optarg; id_given = true; break;
        case 'm': event.memo = optarg; break;
        case 'j': as_json = true; break;
        default: return cli_bad_option (s_usage, "record", argv);
        }
    }
    if (optind + 1 != argc)
        return cli_usage (s_usage, "record: name one kind, aid-funds or leader-visit");
    event.kind = argv[optind];
    bool funds = strcmp (event.kind, "aid-funds") == 0;
    if (!funds && strcmp (event.kind, "leader-visit") != 0)
        return cli_usage (s_usage, "record: unknown kind '%s'", event.kind);
    if (!*event.pairing || !*event.date)
        return cli_usage (s_usage, "record: --pair and --date are required");
    if (funds && !amount)
        return cli_usage (s_usage, "record: aid-funds needs --amount YUAN");
    if (!funds && amount)
        return cli_usage (s_usage, "record: a leader-visit has no --amount");
    if (!funds && !*event.from_region)
        return cli_usage (s_usage, "record: a leader-visit needs --from REGION");
    if (amount && amount_parse_yuan (amount, &event.amount_fen))
        return cli_usage (s_usage, "record: --amount '%s' is not an amount of yuan: digits "
                          "with at most two decimals, like 5000000 or 1234.56, at most "
                          "%lld", amount, AMOUNT_FEN_MAX / 100);
    char id[EVENT_ID_TEXT_BYTES];
    if (!id_given) {  // an empty --id goes to the ledger, which says what is wrong with it
        if (event_id_new (id))
            return cli_error ("record: cannot make an event id (no random bytes)");
        event.id = id;
    }
    Shanhai__V1__RecordReply *reply = NULL;
    int rc = cli_call (cli->config.ledger_rpc, "ledger.Record", &event.base,
                       &shanhai__v1__record_reply__descriptor, (ProtobufCMessage **) &reply);
    if (rc)
        return rc;
    rc = as_json ? s_print_json (reply) : s_print (cli, reply);
    shanhai__v1__record_reply__free_unpacked (reply, NULL);
    return rc;
}
