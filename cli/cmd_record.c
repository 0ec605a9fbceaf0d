/*  shanhai record KIND --pair ID --date D [--amount YUAN] [--from REGION] [--id EVENT_ID]
                   [--memo TEXT] [--json] [the kind's own options]

    KIND is a kind of the vocabulary (common/vocab.h: aid-funds, leader-visit, ...); the usage
    text lists them from there. The kind's own options are its fields by their JSON names:
    --of EVENT_ID, --year Y, --project P, --sector S, --park PARK, --category gov|invest,
    --continued, --signed N, --field F, --persons N, --level division|section, --person NAME,
    --start D, --end D, --region R, --code C, --value V; each kind's row says which it needs.
    An indicator has no --pair; a reversal's --pair may be left out (it is its event's).

    The command parses what people type and sends it; the ledger
    alone decides whether the event is valid, so that every client gets the same answers. The
    command checks only what it needs to build the request (the options the kind's row
    requires, an amount it can read) and, early, the two values a person types that the ledger
    would refuse for bytes they cannot see: the id and the memo, so that the real reason is
    named ("memo contains a control character (\x1b) at byte 5") before anything is sent.

    An empty --id is refused rather than replaced by a made-up one: a retry with the same id is
    recorded once, and a silently made id would lose that. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "amount.h"
#include "cli.h"
#include "common/event_json.h"
#include "common/date.h"
#include "common/limits.h"
#include "common/money.h"
#include "common/validate.h"
#include "common/vocab.h"
#include "event_id.h"

// The usage line: the kinds' names and the options.
#define RECORD_USAGE_BYTES_MAX (VOCAB_NAMES_BYTES_MAX + 400)
// getopt_long's val of the kind's own options: S_ATTR_OPTION + the attr.
#define S_ATTR_OPTION 256


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

// " (of d1, year 2022)": the kind's own fields the event says, or "".
static void
s_own_fields (const Shanhai__V1__LedgerEvent *event, char *out, size_t out_size)
{
    json_t *object = event_json_from_event (event, false);
    unsigned said = event_json_attrs (event);
    size_t length = 0;
    *out = '\0';
    for (unsigned attr = 0; object && attr < VOCAB_ATTR_COUNT; attr++) {
        if (!(said & VOCAB_ATTR_BIT (attr)))
            continue;
        json_t *value = json_object_get (object, vocab_attr_name (attr));
        char text[NAME_BYTES_MAX + 32];
        if (json_is_string (value))
            snprintf (text, sizeof text, "%s", json_string_value (value));
        else if (json_is_integer (value))
            snprintf (text, sizeof text, "%" JSON_INTEGER_FORMAT, json_integer_value (value));
        else
            snprintf (text, sizeof text, "%s", json_is_true (value) ? "yes" : "no");
        int added = snprintf (out + length, out_size - length, "%s%s %s",
                              length ? ", " : " (", vocab_attr_name (attr), text);
        if (added < 0 || (size_t) added >= out_size - length - 1)
            break;
        length += (size_t) added;
    }
    if (length)
        snprintf (out + length, out_size - length, ")");
    json_decref (object);
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
    Shanhai__V1__Pairing *pairing = *e->pairing ? s_pairing_names (cli, e->pairing) : NULL;
    char own[RECORD_USAGE_BYTES_MAX];
    s_own_fields (e, own, sizeof own);
    printf ("%s %s seq %llu: %s%s", reply->duplicate ? "already recorded" : "recorded", e->id,
            (unsigned long long) e->seq, e->kind, what);
    if (*e->from_region || *e->to_region)
        printf (" %s -> %s", s_region_name (pairing, e->from_region),
                s_region_name (pairing, e->to_region));
    else if (*e->pairing)
        printf (" pair %s", e->pairing);
    printf (" on %s%s\n", e->date, own);
    if (pairing)
        shanhai__v1__pairing__free_unpacked (pairing, NULL);
    return 0;
}

// What the command line says, before it is checked.
typedef struct {
    const vocab_kind_t *kind;
    Shanhai__V1__LedgerEvent event;  // its strings are argv's, the kind's name the table's
    const char *amount;              // NULL when not given
    const char *numbers[VOCAB_ATTR_COUNT];  // --year, --signed, --persons as typed
    unsigned attrs_given;            // VOCAB_ATTR_BIT of each own option given
    bool id_given;
    bool as_json;
} s_request_t;

// The kind's own options, named as their JSON keys, in vocab_attr_t's order; val is
// S_ATTR_OPTION + the attr.
#define S_OWN(attr, has) { NULL, has, NULL, S_ATTR_OPTION + VOCAB_ATTR_##attr }
static const struct option s_own_options[VOCAB_ATTR_COUNT] = {
    S_OWN (OF, required_argument),      S_OWN (YEAR, required_argument),
    S_OWN (PROJECT, required_argument), S_OWN (SECTOR, required_argument),
    S_OWN (PARK, required_argument),    S_OWN (CATEGORY, required_argument),
    S_OWN (CONTINUED, no_argument),     S_OWN (SIGNED, required_argument),
    S_OWN (FIELD, required_argument),   S_OWN (PERSONS, required_argument),
    S_OWN (LEVEL, required_argument),   S_OWN (PERSON, required_argument),
    S_OWN (START, required_argument),   S_OWN (END, required_argument),
    S_OWN (REGION, required_argument),  S_OWN (CODE, required_argument),
    S_OWN (VALUE, required_argument),
};

// Puts an own option's text where the event keeps it (numbers wait for s_check).
static void
s_own_option (s_request_t *request, vocab_attr_t attr, char *text)
{
    Shanhai__V1__LedgerEvent *event = &request->event;
    char **texts[VOCAB_ATTR_COUNT] = {
        [VOCAB_ATTR_OF] = &event->of,           [VOCAB_ATTR_PROJECT] = &event->project,
        [VOCAB_ATTR_SECTOR] = &event->sector,   [VOCAB_ATTR_PARK] = &event->park,
        [VOCAB_ATTR_CATEGORY] = &event->category, [VOCAB_ATTR_FIELD] = &event->field,
        [VOCAB_ATTR_LEVEL] = &event->level,     [VOCAB_ATTR_PERSON] = &event->person,
        [VOCAB_ATTR_START] = &event->start,     [VOCAB_ATTR_END] = &event->end,
        [VOCAB_ATTR_REGION] = &event->region,   [VOCAB_ATTR_CODE] = &event->code,
        [VOCAB_ATTR_VALUE] = &event->value,
    };
    request->attrs_given |= VOCAB_ATTR_BIT (attr);
    if (texts[attr])
        *texts[attr] = text;
    else if (attr == VOCAB_ATTR_CONTINUED)
        event->continued = true;
    else
        request->numbers[attr] = text;
}

// Reads the options and the kind into request. Returns 0, or CLI_EXIT_USAGE when said.
static int
s_parse (s_request_t *request, const char *usage, int argc, char **argv)
{
    static struct option options[8 + VOCAB_ATTR_COUNT] = {
        { "pair", required_argument, NULL, 'p' }, { "amount", required_argument, NULL, 'a' },
        { "date", required_argument, NULL, 'd' }, { "from", required_argument, NULL, 'f' },
        { "id", required_argument, NULL, 'i' },   { "memo", required_argument, NULL, 'm' },
        { "json", no_argument, NULL, 'j' },
    };
    for (unsigned attr = 0; attr < VOCAB_ATTR_COUNT; attr++) {
        options[7 + attr] = s_own_options[attr];
        options[7 + attr].name = vocab_attr_name (attr);
    }
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
        default:
            if (option < S_ATTR_OPTION || option >= S_ATTR_OPTION + VOCAB_ATTR_COUNT)
                return CLI_EXIT_USAGE;
            s_own_option (request, option - S_ATTR_OPTION, optarg);
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

// A whole number of an own option (--signed, --persons), which the ledger ranges.
static int
s_whole (const char *text, int64_t *out)
{
    char *end = NULL;
    errno = 0;
    long long value = strtoll (text, &end, 10);
    if (!*text || *end || errno)
        return -1;
    *out = value;
    return 0;
}

// Reads --year, --signed, --persons. Returns 0, or CLI_EXIT_USAGE when said.
static int
s_numbers (s_request_t *request, const char *usage)
{
    Shanhai__V1__LedgerEvent *event = &request->event;
    const char *year = request->numbers[VOCAB_ATTR_YEAR];
    int parsed_year;
    if (year && cli_parse_year (year, &parsed_year))
        return cli_usage (usage, "record: --year '%s' is not a year %d..%d", year,
                          DATE_YEAR_MIN, DATE_YEAR_MAX);
    if (year)
        event->year = parsed_year;
    const vocab_attr_t wholes[] = { VOCAB_ATTR_SIGNED, VOCAB_ATTR_PERSONS };
    int64_t *targets[] = { &event->signed_projects, &event->persons };
    for (size_t index = 0; index < 2; index++) {
        const char *text = request->numbers[wholes[index]];
        if (text && s_whole (text, targets[index]))
            return cli_usage (usage, "record: --%s '%s' is not a whole number",
                              vocab_attr_name (wholes[index]), text);
    }
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
    if (kind->scope == VOCAB_SCOPE_PAIR && !*event->pairing)
        return cli_usage (usage, "record: --pair is required for %s", kind->name);
    if (kind->scope == VOCAB_SCOPE_REGION && *event->pairing)
        return cli_usage (usage, "record: %s (%s) is a region's: give --region, not --pair",
                          kind->name, kind->title_zh);
    if (!*event->date)
        return cli_usage (usage, "record: --date is required");
    for (unsigned attr = 0; attr < VOCAB_ATTR_COUNT; attr++)
        if ((kind->requires & VOCAB_ATTR_BIT (attr))
            && !(request->attrs_given & VOCAB_ATTR_BIT (attr)))
            return cli_usage (usage, "record: %s (%s) needs --%s", kind->name, kind->title_zh,
                              vocab_attr_name (attr));
    if (s_numbers (request, usage))
        return CLI_EXIT_USAGE;
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
              "YUAN] [--from REGION] [--id EVENT_ID] [--memo TEXT] [--json] [--of EVENT_ID] "
              "[--year Y] [--project P] [--sector S] [--park PARK] [--category C] [--continued] "
              "[--signed N] [--field F] [--persons N] [--level L] [--person NAME] [--start D] "
              "[--end D] [--region R] [--code C] [--value V] (see shanhai --help)", kinds);
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
