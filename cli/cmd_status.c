/*  shanhai status --pair ID --year YYYY [--json]
    shanhai status --program P --year YYYY [--as-of-version V] [--json]

    The compliance of one pair in one year, as of the registry's clock: a row per rule and
    period of the year (a quarterly rule has four), the pair's own rules and its counties'
    (a SUBJECT column names the county when a rule judges one: the supporter's cadres, the
    recipient's figures). Quantities read as people read them: money in yuan with two
    decimals, a share or a growth as a percent ("65.00%"), counts, persons and projects whole.
    With --program, every pair's table, then one of the program's own and its parks' rules.
    With --as-of-version, the program's verdicts recomputed from the whole ledger under
    version V of its pack, as it was in force (shanhai policy status).

    With --json, the documents of the CLI contract (common/answer_json.h), every number a JSON
    integer in the rule's unit (fen for money, bp for a percent):
      a pair     {"pair","year","as_of","rules":[verdict]}
      a program  {"program","year","as_of","pairs":[a pair's document],"subjects":[verdict]}
      a verdict  {"rule","title","status","actual","target","expected","unit","source",
                  "scope","subject","period","deadline","colour","version"} */
#include <string.h>
#include "amount.h"
#include "cli.h"
#include "common/answer_json.h"
#include "common/limits.h"

static const char *s_usage = "shanhai status --pair ID | --program P [--as-of-version V] "
                             "--year YYYY [--json]";

// A quantity's text: yuan with separators, a percent, a whole number.
#define S_QUANTITY_BYTES 48

// The widest of the texts column(r) gives for rules[0..count), and at least title's.
static int
s_width (Shanhai__V1__RuleStatus *const *rules, size_t count, const char *title,
         const char *(*column) (const Shanhai__V1__RuleStatus *))
{
    size_t width = strlen (title);
    for (size_t index = 0; index < count; index++)
        if (strlen (column (rules[index])) > width)
            width = strlen (column (rules[index]));
    return width > ID_BYTES_MAX ? ID_BYTES_MAX : (int) width;
}

static const char *
s_rule_of (const Shanhai__V1__RuleStatus *r)
{
    return r->rule;
}

static const char *
s_subject_of (const Shanhai__V1__RuleStatus *r)
{
    return r->subject;
}

static const char *
s_period_of (const Shanhai__V1__RuleStatus *r)
{
    return r->period;
}

// Prints a table of rules[0..count): RULE [SUBJECT] PERIOD STATUS ACTUAL TARGET EXPECTED
// UNIT, and SOURCE when with_source. The SUBJECT column is there when some rule's subject is
// not pair (a pair's table: its counties' rules; NULL: always), "-" for the pair's own.
static void
s_table (Shanhai__V1__RuleStatus *const *rules, size_t count, const char *pair,
         bool with_source)
{
    bool subjects = !pair;
    for (size_t index = 0; pair && index < count; index++)
        subjects = subjects || strcmp (rules[index]->subject, pair) != 0;
    int rule_width = s_width (rules, count, "RULE", s_rule_of);
    int subject_width = s_width (rules, count, "SUBJECT", s_subject_of);
    int period_width = s_width (rules, count, "PERIOD", s_period_of);
    // The source comes last: it is Chinese text of any width, and ends the line.
    printf ("%-*s ", rule_width, "RULE");
    if (subjects)
        printf ("%-*s ", subject_width, "SUBJECT");
    printf ("%-*s %-9s %20s %20s %20s ", period_width, "PERIOD", "STATUS", "ACTUAL", "TARGET",
            "EXPECTED");
    printf (with_source ? "%-7s SOURCE\n" : "%s\n", "UNIT");
    for (size_t index = 0; index < count; index++) {
        const Shanhai__V1__RuleStatus *r = rules[index];
        char actual[S_QUANTITY_BYTES], target[S_QUANTITY_BYTES], expected[S_QUANTITY_BYTES];
        amount_format (r->unit, r->actual, actual, sizeof actual);
        amount_format (r->unit, r->target, target, sizeof target);
        amount_format (r->unit, r->expected, expected, sizeof expected);
        printf ("%-*s ", rule_width, r->rule);
        if (subjects)
            printf ("%-*s ", subject_width, pair && strcmp (r->subject, pair) == 0 ? "-"
                                                                                     : r->subject);
        printf ("%-*s %-9s %20s %20s %20s ", period_width, r->period,
                compliance_status_name (r->status), actual, target, expected);
        if (with_source)
            printf ("%-7s %s\n", amount_unit_label (r->unit), r->source);
        else
            printf ("%s\n", amount_unit_label (r->unit));
    }
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
    s_table (reply->rules, reply->n_rules, reply->pairing, true);
    return 0;
}

// Every pair of a program, then the program's own rules and its parks'.
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
    if (reply->n_subjects == 0)
        return 0;
    printf ("\nprogram %s and its parks, year %d, as of %s\n", reply->program, reply->year,
            reply->as_of);
    s_table (reply->subjects, reply->n_subjects, NULL, false);
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
        { "as-of-version", required_argument, NULL, 'v' }, { NULL, 0, NULL, 0 },
    };
    Shanhai__V1__StatusRequest request = SHANHAI__V1__STATUS_REQUEST__INIT;
    const char *year = NULL, *program = NULL, *version = NULL;
    cli_options_t parser = { .command = "status", .usage = s_usage, .options = options };
    bool as_json = false;
    int option;
    while ((option = cli_option_next (&parser, argc, argv)) != -1) {
        switch (option) {
        case 'p': request.pairing = optarg; break;
        case 'g': program = optarg; break;
        case 'y': year = optarg; break;
        case 'j': as_json = true; break;
        case 'v': version = optarg; break;
        default: return CLI_EXIT_USAGE;
        }
    }
    if (optind != argc || (!*request.pairing) == !program || !year)
        return cli_usage (s_usage, "status: --year and one of --pair or --program are required");
    int year_value;
    if (cli_parse_year (year, &year_value))
        return cli_usage (s_usage, "status: --year '%s' is not a year in %d..%d", year,
                          DATE_YEAR_MIN, DATE_YEAR_MAX);
    if (version) {
        uint32_t number;
        if (!program)
            return cli_usage (s_usage, "status: --as-of-version goes with --program");
        if (cli_parse_version (version, &number))
            return cli_usage (s_usage, "status: --as-of-version '%s' is not a version (1, 2, "
                              "...)", version);
        return policy_status_as_of (cli, program, year_value, number, as_json);
    }
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
