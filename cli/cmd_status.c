/*  shanhai status --pair ID --year YYYY [--json]

    The compliance of one pair in one year, as of the registry's clock: a table for people
    (money in yuan with two decimals), or with --json the document of the CLI contract,
      {"pair","year","as_of","rules":[{"rule","status","actual","target","expected","unit",
       "source","scope","subject","period","deadline","colour","version"}]}
    with every number a JSON integer (fen for money). */
#include <string.h>
#include "cli.h"
#include "common/answer_json.h"
#include "common/limits.h"
#include "common/money.h"

static const char *s_usage
    = "shanhai status --pair ID | --program P --year YYYY [--json]";

static void
s_quantity (const Shanhai__V1__RuleStatus *rule, int64_t value, char *out, size_t out_size)
{
    if (strcmp (rule->unit, "fen") == 0)
        money_format_yuan (value, out, out_size);
    else
        snprintf (out, out_size, "%lld", (long long) value);
}

static int
s_print (const Shanhai__V1__StatusReply *reply, bool as_json)
{
    if (as_json)
        return cli_print_json (answer_json_status (reply));
    printf ("pair %s (%s), year %d, as of %s\n", reply->pairing, reply->program, reply->year,
            reply->as_of);
    if (reply->n_rules == 0) {
        printf ("no rule of the program applies to this pair in %d\n", reply->year);
        return 0;
    }
    // The source comes last: it is Chinese text of any width, and ends the line.
    printf ("%-20s %-9s %20s %20s %20s %-5s %s\n", "RULE", "STATUS", "ACTUAL", "TARGET",
            "EXPECTED", "UNIT", "SOURCE");
    for (size_t index = 0; index < reply->n_rules; index++) {
        const Shanhai__V1__RuleStatus *r = reply->rules[index];
        char actual[48], target[48], expected[48];
        s_quantity (r, r->actual, actual, sizeof actual);
        s_quantity (r, r->target, target, sizeof target);
        s_quantity (r, r->expected, expected, sizeof expected);
        const char *unit = strcmp (r->unit, "fen") == 0 ? "yuan" : r->unit;
        printf ("%-20s %-9s %20s %20s %20s %-5s %s\n", r->rule,
                compliance_status_name (r->status), actual, target, expected, unit, r->source);
    }
    return 0;
}

// Every pair of a program: {"program","year","as_of","pairs":[status documents]}, or the tables.
static int
s_print_program (const Shanhai__V1__ProgramStatusReply *reply, bool as_json)
{
    if (as_json)
        return cli_print_json (answer_json_program_status (reply));
    if (reply->n_pairs == 0)
        printf ("no rule of %s applies to any of its pairs in %d\n", reply->program,
                reply->year);
    for (size_t index = 0; index < reply->n_pairs; index++) {
        if (index > 0)
            printf ("\n");
        s_print (reply->pairs[index], false);
    }
    return 0;
}

static int
s_program (cli_t *cli, const char *program, int year, bool as_json)
{
    Shanhai__V1__ProgramStatusRequest request = SHANHAI__V1__PROGRAM_STATUS_REQUEST__INIT;
    request.program = (char *) program;
    request.year = year;
    Shanhai__V1__ProgramStatusReply *reply = NULL;
    int rc = cli_call (cli->config.assessment_rpc, "assessment.ProgramStatus", &request.base,
                       &shanhai__v1__program_status_reply__descriptor,
                       (ProtobufCMessage **) &reply);
    if (rc)
        return rc;
    rc = s_print_program (reply, as_json);
    shanhai__v1__program_status_reply__free_unpacked (reply, NULL);
    return rc;
}

int
cmd_status (cli_t *cli, int argc, char **argv)
{
    static const struct option options[] = {
        { "pair", required_argument, NULL, 'p' }, { "year", required_argument, NULL, 'y' },
        { "json", no_argument, NULL, 'j' },       { "program", required_argument, NULL, 'g' },
        { NULL, 0, NULL, 0 },
    };
    Shanhai__V1__StatusRequest request = SHANHAI__V1__STATUS_REQUEST__INIT;
    const char *year = NULL, *program = NULL;
    cli_options_t parser = { .command = "status", .usage = s_usage, .options = options };
    bool as_json = false;
    int option;
    while ((option = cli_option_next (&parser, argc, argv)) != -1) {
        switch (option) {
        case 'p': request.pairing = optarg; break;
        case 'g': program = optarg; break;
        case 'y': year = optarg; break;
        case 'j': as_json = true; break;
        default: return CLI_EXIT_USAGE;
        }
    }
    if (optind != argc || (!*request.pairing) == !program || !year)
        return cli_usage (s_usage, "status: --year and one of --pair or --program are required");
    int year_value;
    if (cli_parse_year (year, &year_value))
        return cli_usage (s_usage, "status: --year '%s' is not a year in %d..%d", year,
                          DATE_YEAR_MIN, DATE_YEAR_MAX);
    if (program)
        return s_program (cli, program, year_value, as_json);
    request.year = year_value;
    Shanhai__V1__StatusReply *reply = NULL;
    int rc = cli_call (cli->config.assessment_rpc, "assessment.Status", &request.base,
                       &shanhai__v1__status_reply__descriptor, (ProtobufCMessage **) &reply);
    if (rc)
        return rc;
    rc = s_print (reply, as_json);
    shanhai__v1__status_reply__free_unpacked (reply, NULL);
    return rc;
}
