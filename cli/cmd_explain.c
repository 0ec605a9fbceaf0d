/*  shanhai explain --pair ID --rule R --year YYYY [--json]

    Why a pair has the status it has under one rule in one year: the verdict (actual, target,
    expected as of the clock, status and colour, deadline), the clause it cites and the policy
    pack's version, and the ledger entries that counted toward it. With --json:
      {"pair","rule","year","as_of","program","status","colour","actual","target","expected",
       "unit","deadline","period","source","version","entries_total",
       "entries":[{"seq","id","kind","date","value","cancelled"}]} */
#include <string.h>
#include "cli.h"
#include "common/answer_json.h"
#include "common/limits.h"
#include "common/money.h"

static const char *s_usage = "shanhai explain --pair ID --rule R --year YYYY [--json]";

static void
s_quantity (const char *unit, int64_t value, char *out, size_t out_size)
{
    if (strcmp (unit, "fen") == 0) {
        money_format_yuan (value, out, out_size);
        snprintf (out + strlen (out), out_size - strlen (out), " yuan");
    } else
        snprintf (out, out_size, "%lld", (long long) value);
}

static int
s_print (const Shanhai__V1__Explanation *e, bool as_json)
{
    if (as_json)
        return cli_print_json (answer_json_explanation (e));
    const Shanhai__V1__RuleStatus *r = e->rule;
    char actual[48], target[48], expected[48];
    s_quantity (r->unit, r->actual, actual, sizeof actual);
    s_quantity (r->unit, r->target, target, sizeof target);
    s_quantity (r->unit, r->expected, expected, sizeof expected);
    printf ("%s, rule %s, %s, as of %s: %s (%s)\n", e->pairing, r->rule, r->period, e->as_of,
            compliance_status_name (r->status), r->colour);
    printf ("  %s\n  actual %s of %s by %s; expected by today %s\n", r->title, actual, target,
            r->deadline, expected);
    printf ("  source: %s (policy version %u)\n", r->source, r->version);
    printf ("  %u ledger entr%s counted%s\n", e->entries_total,
            e->entries_total == 1 ? "y" : "ies",
            e->n_entries < e->entries_total ? " (the first shown)" : "");
    for (size_t index = 0; index < e->n_entries; index++) {
        const Shanhai__V1__Contribution *c = e->entries[index];
        char value[48];
        s_quantity (r->unit, c->value, value, sizeof value);
        printf ("  seq %-8llu %-10s %-14s %-24s %s%s\n", (unsigned long long) c->seq, c->date,
                c->kind, c->id, value, c->cancelled ? " (cancelled by a reversal)" : "");
    }
    return 0;
}

int
cmd_explain (cli_t *cli, int argc, char **argv)
{
    static const struct option options[] = {
        { "pair", required_argument, NULL, 'p' }, { "rule", required_argument, NULL, 'r' },
        { "year", required_argument, NULL, 'y' }, { "json", no_argument, NULL, 'j' },
        { NULL, 0, NULL, 0 },
    };
    Shanhai__V1__ExplainRequest request = SHANHAI__V1__EXPLAIN_REQUEST__INIT;
    const char *year = NULL;
    cli_options_t parser = { .command = "explain", .usage = s_usage, .options = options };
    bool as_json = false;
    int option;
    while ((option = cli_option_next (&parser, argc, argv)) != -1) {
        switch (option) {
        case 'p': request.pairing = optarg; break;
        case 'r': request.rule = optarg; break;
        case 'y': year = optarg; break;
        case 'j': as_json = true; break;
        default: return CLI_EXIT_USAGE;
        }
    }
    if (optind != argc || !*request.pairing || !*request.rule || !year)
        return cli_usage (s_usage, "explain: --pair, --rule and --year are required");
    int year_value;
    if (cli_parse_year (year, &year_value))
        return cli_usage (s_usage, "explain: --year '%s' is not a year in %d..%d", year,
                          DATE_YEAR_MIN, DATE_YEAR_MAX);
    request.year = year_value;
    Shanhai__V1__Explanation *explanation = NULL;
    int rc = cli_call (cli->config.assessment_rpc, "assessment.Explain", &request.base,
                       &shanhai__v1__explanation__descriptor,
                       (ProtobufCMessage **) &explanation);
    if (rc)
        return rc;
    rc = s_print (explanation, as_json);
    shanhai__v1__explanation__free_unpacked (explanation, NULL);
    return rc;
}
