/*  shanhai: the command line of the paired-county cooperation system. */
#include <czmq.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "common/vocab.h"

static const char *s_usage
    = "usage: shanhai <command> [options]\n"
      "\n"
      "  registry load FILE                      replace the registry with a JSON file\n"
      "  pairs [--program P] [--region R] [--date D] [--json]\n"
      "                                          list pairings\n"
      "  people --pair ID [--json]               the people alerted for a pairing\n"
      "  record KIND --pair ID --date YYYY-MM-DD [--amount YUAN]\n"
      "         [--from REGION] [--id EVENT_ID] [--memo TEXT] [--json] [KIND's options]\n"
      "                                          record an event in the ledger\n"
      "  ledger [--pair ID] [--region R] [--kind K] [--from D] [--to D]\n"
      "         [--after SEQ] [--limit N] [--json]  the ledger's events, oldest first\n"
      "  totals --pair ID --year Y [--json]      a pair's year: money and every kind\n"
      "  import FILE [--format ndjson|csv]       record a file of events (safe to rerun)\n"
      "  export [--since SEQ] [--follow]         the ledger's events as NDJSON\n"
      "  status --pair ID --year YYYY [--json]   compliance of a pairing in a year\n"
      "  status --program P --year YYYY [--json] every pairing of a program, and the\n"
      "                                          program's own and its parks' rules\n"
      "  status --program P --year YYYY --as-of-version V [--json]\n"
      "                                          recomputed under a past version of the pack\n"
      "  explain (--pair ID | --subject S) --rule R --year YYYY [--period P] [--json]\n"
      "                                          a verdict, its clause and its ledger entries;\n"
      "                                          S: a park, the program, a county's code\n"
      "  scoreboard --program P --year YYYY [--json]\n"
      "                                          the pairings ranked, with grades\n"
      "  alerts --person ID [--follow] [--json]  a person's alerts\n"
      "  deliveries [--channel ID] [--person ID] [--status pending|sent|failed|dead] [--json]\n"
      "                                          the channels' delivery log\n"
      "  deliveries retry ID                     send a dead delivery again\n"
      "  health [--json]                         every service's state; fails when one is\n"
      "                                          down or lagging\n"
      "  clock [set YYYY-MM-DD] [--json]         show or move the clock\n"
      "  policy diff FILE --year YYYY [--json]   the verdicts a candidate pack would change\n"
      "  policy show --program P [--version V]   a policy pack, in force or as run\n"
      "  policy status --program P --year YYYY --version V [--json]\n"
      "                                          verdicts recomputed under a past version\n"
      "\n"
      "Endpoints come from SHANHAI_*_RPC and SHANHAI_*_PUB (see README.md).\n";

// The usage, then the kinds of event with what each requires, from the vocabulary.
static void
s_print_usage (FILE *out)
{
    fputs (s_usage, out);
    fputs ("\nKinds of event (record KIND):\n", out);
    for (size_t index = 0; index < vocab_kind_count (); index++) {
        const vocab_kind_t *kind = vocab_kind_at (index);
        // "; needs --amount --of [--park]; no --pair": what record KIND asks for.
        char needs[200] = "";
        size_t length = 0;
        const char *required[2] = { kind->amount == VOCAB_FIELD_REQUIRED ? "amount" : NULL,
                                    kind->from == VOCAB_FIELD_REQUIRED ? "from" : NULL };
        for (unsigned which = 0; which < 2 + VOCAB_ATTR_COUNT; which++) {
            bool is_attr = which >= 2;
            unsigned bit = is_attr ? VOCAB_ATTR_BIT (which - 2) : 0;
            const char *name = is_attr ? vocab_attr_name (which - 2) : required[which];
            if (!name || (is_attr && !(kind->allows & bit)))
                continue;
            bool optional = is_attr && !(kind->requires & bit);
            int added = snprintf (needs + length, sizeof needs - length, "%s%s--%s%s",
                                  length ? " " : "; needs ", optional ? "[" : "", name,
                                  optional ? "]" : "");
            if (added > 0 && (size_t) added < sizeof needs - length)
                length += (size_t) added;
        }
        fprintf (out, "  %-16s %s, %s%s%s\n", kind->name, kind->title_zh, kind->title_en, needs,
                 kind->scope == VOCAB_SCOPE_REGION ? "; no --pair" : "");
    }
}

typedef struct {
    const char *name;
    int (*run) (cli_t *cli, int argc, char **argv);
} s_command_t;

static const s_command_t s_commands[] = {
    { "registry", cmd_registry }, { "pairs", cmd_pairs },   { "people", cmd_people },
    { "record", cmd_record },     { "status", cmd_status }, { "alerts", cmd_alerts },
    { "clock", cmd_clock },       { "scoreboard", cmd_scoreboard },
    { "explain", cmd_explain },   { "deliveries", cmd_deliveries }, { "health", cmd_health },
    { "ledger", cmd_ledger },     { "totals", cmd_totals },         { "import", cmd_import },
    { "export", cmd_export },     { "policy", cmd_policy },     { NULL, NULL },
};

int
main (int argc, char **argv)
{
    cli_t cli;
    char errstr[512];
    // The kinds the policy directory declares are kinds like the built-in ones: in the usage,
    // and for every command that names one.
    int rc = config_load (&cli.config, errstr, sizeof errstr)
             || config_declare_kinds (&cli.config, errstr, sizeof errstr);
    if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0
        || strcmp (argv[1], "help") == 0) {
        // Help is given even when the configuration is wrong, with the built-in kinds alone,
        // and what is wrong after it.
        s_print_usage (argc < 2 ? stderr : stdout);
        if (rc)
            cli_error ("%s (the usage lists the built-in kinds only)", errstr);
        return argc < 2 ? 2 : 0;
    }
    if (rc)
        return cli_error ("%s", errstr);
    // The command line handles its own signals (alerts --follow stops on Ctrl-C), and says
    // what is wrong with an option in its own single line.
    zsys_handler_set (NULL);
    opterr = 0;
    // Library warnings (a down cache, a slow service) would interleave with the output.
    log_init ("cli", LOG_LEVEL_ERROR);
    for (const s_command_t *command = s_commands; command->name; command++)
        if (strcmp (command->name, argv[1]) == 0) {
            optind = 1;
            rc = command->run (&cli, argc - 1, argv + 1);
            zsys_shutdown ();
            return rc;
        }
    return cli_error ("unknown command '%s' (see shanhai --help)", argv[1]) + 1;
}
