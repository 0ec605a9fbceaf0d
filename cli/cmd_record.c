/*  shanhai record aid-funds|leader-visit --pair ID --date D [--amount YUAN] [--from REGION]
                   [--id EVENT_ID] [--memo TEXT] [--json]

    The command parses what people type and sends it; the ledger alone decides whether the
    event is valid, so that every client gets the same answers. */
#include <getopt.h>
#include <string.h>
#include "amount.h"
#include "cli.h"
#include "common/money.h"
#include "event_id.h"

static const char *s_usage
    = "shanhai record aid-funds|leader-visit --pair ID --date YYYY-MM-DD [--amount YUAN] "
      "[--from REGION] [--id EVENT_ID] [--memo TEXT] [--json]";

static int
s_print (const Shanhai__V1__RecordReply *reply, bool as_json)
{
    const Shanhai__V1__LedgerEvent *e = reply->event;
    if (as_json)
        return cli_print_json (json_pack (
            "{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:b}", "id", e->id, "seq",
            (json_int_t) e->seq, "kind", e->kind, "pair", e->pairing, "program", e->program,
            "from", e->from_region, "to", e->to_region, "amount_fen", (json_int_t) e->amount_fen,
            "date", e->date, "memo", e->memo, "duplicate", reply->duplicate));
    char what[64] = "";
    if (e->amount_fen) {
        char yuan[40];
        money_format_yuan (e->amount_fen, yuan, sizeof yuan);
        snprintf (what, sizeof what, " %s yuan", yuan);
    }
    printf ("%s %s seq %llu: %s%s %s -> %s on %s (pair %s)\n",
            reply->duplicate ? "already recorded" : "recorded", e->id,
            (unsigned long long) e->seq, e->kind, what, e->from_region, e->to_region, e->date,
            e->pairing);
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
    bool as_json = false;
    int option;
    while ((option = getopt_long (argc, argv, "", options, NULL)) != -1) {
        switch (option) {
        case 'p': event.pairing = optarg; break;
        case 'a': amount = optarg; break;
        case 'd': event.date = optarg; break;
        case 'f': event.from_region = optarg; break;
        case 'i': event.id = optarg; break;
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
        return cli_usage (s_usage, "record: --amount '%s' is not an amount of yuan like "
                          "5000000 or 1234.56", amount);
    char id[EVENT_ID_TEXT_BYTES];
    if (!*event.id) {
        if (event_id_new (id))
            return cli_error ("record: cannot make an event id (no random bytes)");
        event.id = id;
    }
    Shanhai__V1__RecordReply *reply = NULL;
    int rc = cli_call (cli->config.ledger_rpc, "ledger.Record", &event.base,
                       &shanhai__v1__record_reply__descriptor, (ProtobufCMessage **) &reply);
    if (rc)
        return rc;
    rc = s_print (reply, as_json);
    shanhai__v1__record_reply__free_unpacked (reply, NULL);
    return rc;
}
