/*  shanhai record KIND --pair ID --date D [--amount YUAN] [--from REGION] [--id EVENT_ID]
                   [--memo TEXT] [--json]

    KIND is a kind of the vocabulary (common/vocab.h: aid-funds, leader-visit, ...); the usage
    text lists them from there. The command parses what people type and sends it; the ledger
    alone decides whether the event is valid, so that every client gets the same answers. The
    command checks only what it needs to build the request (the options the kind's row
    requires, an amount it can read) and, early, the two values a person types that the ledger
    would refuse for bytes they cannot see: the id and the memo, so that the real reason is
    named ("memo contains a control character (\x1b) at byte 5") before anything is sent.

    An empty --id is refused rather than replaced by a made-up one: a retry with the same id is
    recorded once, and a silently made id would lose that. */
#include <stdio.h>
#include <string.h>
#include "amount.h"
#include "cli.h"
#include "common/event_json.h"
#include "common/limits.h"
#include "common/money.h"
#include "common/validate.h"
#include "common/vocab.h"
#include "event_id.h"

// The usage line: the kinds' names and the options.
#define RECORD_USAGE_BYTES_MAX (VOCAB_NAMES_BYTES_MAX + 160)


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
    json_t *object = event_json_from_event (reply->event, true);
    if (object && json_object_set_new (object, "duplicate", json_boolean (reply->duplicate)))
        json_decref (object), object = NULL;
    return cli_print_json (object);
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

// What the command line says, before it is checked.
typedef struct {
    const vocab_kind_t *kind;
    Shanhai__V1__LedgerEvent event;  // its strings are argv's, the kind's name the table's
    const char *amount;              // NULL when not given
    bool id_given;
    bool as_json;
} s_request_t;

// Reads the options and the kind into request. Returns 0, or CLI_EXIT_USAGE when said.
static int
s_parse (s_request_t *request, const char *usage, int argc, char **argv)
{
    static const struct option options[] = {
        { "pair", required_argument, NULL, 'p' }, { "amount", required_argument, NULL, 'a' },
        { "date", required_argument, NULL, 'd' }, { "from", required_argument, NULL, 'f' },
        { "id", required_argument, NULL, 'i' },   { "memo", required_argument, NULL, 'm' },
        { "json", no_argument, NULL, 'j' },       { NULL, 0, NULL, 0 },
    };
    cli_options_t parser = { .command = "record", .usage = usage, .options = options };
    Shanhai__V1__LedgerEvent *event = &request->event;
    int option;
    while ((option = cli_option_next (&parser, argc, argv)) != -1) {
        switch (option) {
        case 'p': event->pairing = optarg; break;
        case 'a': request->amount = optarg; break;
        case 'd': event->date = optarg; break;
        case 'f': event->from_region = optarg; break;
        case 'i': event->id = optarg; request->id_given = true; break;
        case 'm': event->memo = optarg; break;
        case 'j': request->as_json = true; break;
        default: return CLI_EXIT_USAGE;
        }
    }
    char kinds[VOCAB_NAMES_BYTES_MAX];
    vocab_kind_names (", ", kinds, sizeof kinds);
    if (optind + 1 != argc)
        return cli_usage (usage, "record: name one kind (%s)", kinds);
    request->kind = vocab_kind_find (argv[optind]);
    if (!request->kind)
        return cli_usage (usage, "record: unknown kind '%s' (%s)", argv[optind], kinds);
    event->kind = (char *) request->kind->name;
    return 0;
}

// Checks what the request needs and what the kind's row requires. Returns 0, or
// CLI_EXIT_USAGE when said.
static int
s_check (s_request_t *request, const char *usage)
{
    Shanhai__V1__LedgerEvent *event = &request->event;
    const vocab_kind_t *kind = request->kind;
    char reason[REASON_BYTES_MAX], echo[ERROR_ECHO_BYTES_MAX];
    if (!*event->pairing || !*event->date)
        return cli_usage (usage, "record: --pair and --date are required");
    if (kind->amount == VOCAB_FIELD_REQUIRED && !request->amount)
        return cli_usage (usage, "record: %s (%s) needs --amount YUAN", kind->name,
                          kind->title_zh);
    if (kind->from == VOCAB_FIELD_REQUIRED && !*event->from_region)
        return cli_usage (usage, "record: %s (%s) needs --from REGION, the county it goes "
                          "from", kind->name, kind->title_zh);
    if (request->amount && amount_parse_yuan (request->amount, &event->amount_fen))
        return cli_usage (usage, "record: --amount '%s' is not an amount of yuan: digits "
                          "with at most two decimals, like 5000000 or 1234.56, at most "
                          "%lld", request->amount, AMOUNT_FEN_MAX / 100);
    if (request->id_given && validate_id_problem (event->id, reason, sizeof reason)) {
        validate_echo (event->id, echo, sizeof echo);
        return cli_usage (usage, "record: id \"%s\" %s%s", echo, reason,
                          *event->id ? "" : " (leave --id out to have one made)");
    }
    if (validate_text_problem (event->memo, EVENT_MEMO_BYTES_MAX, true, reason, sizeof reason))
        return cli_usage (usage, "record: memo %s", reason);
    return 0;
}

int
cmd_record (cli_t *cli, int argc, char **argv)
{
    char usage[RECORD_USAGE_BYTES_MAX], kinds[VOCAB_NAMES_BYTES_MAX];
    vocab_kind_names ("|", kinds, sizeof kinds);
    snprintf (usage, sizeof usage, "shanhai record %s --pair ID --date YYYY-MM-DD [--amount "
              "YUAN] [--from REGION] [--id EVENT_ID] [--memo TEXT] [--json]", kinds);
    s_request_t request = { .event = SHANHAI__V1__LEDGER_EVENT__INIT };
    int rc = s_parse (&request, usage, argc, argv);
    if (rc || (rc = s_check (&request, usage)))
        return rc;
    char id[EVENT_ID_TEXT_BYTES];
    if (!request.id_given) {
        if (event_id_new (id))
            return cli_error ("record: cannot make an event id (no random bytes)");
        request.event.id = id;
    }
    Shanhai__V1__RecordReply *reply = NULL;
    rc = cli_call (cli->config.ledger_rpc, "ledger.Record", &request.event.base,
                   &shanhai__v1__record_reply__descriptor, (ProtobufCMessage **) &reply);
    if (rc)
        return rc;
    rc = request.as_json ? s_print_json (reply) : s_print (cli, reply);
    shanhai__v1__record_reply__free_unpacked (reply, NULL);
    return rc;
}
