/*  shanhai scoreboard --program P --year YYYY [--json]

    The pairs of a program ranked for the yearly assessment (考核): each pair's score (the
    weighted mean of its rules' points under the policy pack), its grade (好, 较好, 一般, 差 by
    default) and its count of rules in each status. With --json:
      {"program","year","as_of","version","pairs":[{"rank","pair","recipient","supporter",
       "score","grade","counts":{"MET","ON_TRACK","AT_RISK","BREACHED","NO_DATA"}}]} */
#include <string.h>
#include "cli.h"
#include "common/answer_json.h"
#include "common/limits.h"

static const char *s_usage = "shanhai scoreboard --program P --year YYYY [--json]";

static int
s_print (const Shanhai__V1__Scoreboard *board, bool as_json)
{
    if (as_json)
        return cli_print_json (answer_json_scoreboard (board));
    printf ("%s, year %d, as of %s, policy version %u\n", board->program, board->year,
            board->as_of, board->version);
    if (board->n_entries == 0) {
        printf ("no pair has a rule in %d\n", board->year);
        return 0;
    }
    // The counties' names come last: Chinese text of any width ends the line.
    printf ("%-4s %-12s %5s %-6s %4s %8s %7s %8s %7s  %s\n", "RANK", "PAIR", "SCORE", "GRADE",
            "MET", "ON_TRACK", "AT_RISK", "BREACHED", "NO_DATA", "RECIPIENT <- SUPPORTER");
    for (size_t index = 0; index < board->n_entries; index++) {
        const Shanhai__V1__ScoreboardEntry *e = board->entries[index];
        printf ("%-4u %-12s %5u %-6s %4u %8u %7u %8u %7u  %s <- %s\n", e->rank, e->pairing,
                e->score, e->grade, e->met, e->on_track, e->at_risk, e->breached, e->no_data,
                e->recipient_name, e->supporter_name);
    }
    return 0;
}

int
cmd_scoreboard (cli_t *cli, int argc, char **argv)
{
    static const struct option options[] = {
        { "program", required_argument, NULL, 'g' }, { "year", required_argument, NULL, 'y' },
        { "json", no_argument, NULL, 'j' },          { NULL, 0, NULL, 0 },
    };
    Shanhai__V1__ScoreboardRequest request = SHANHAI__V1__SCOREBOARD_REQUEST__INIT;
    const char *year = NULL;
    cli_options_t parser = { .command = "scoreboard", .usage = s_usage, .options = options };
    bool as_json = false;
    int option;
    while ((option = cli_option_next (&parser, argc, argv)) != -1) {
        switch (option) {
        case 'g': request.program = optarg; break;
        case 'y': year = optarg; break;
        case 'j': as_json = true; break;
        default: return CLI_EXIT_USAGE;
        }
    }
    if (optind != argc || !*request.program || !year)
        return cli_usage (s_usage, "scoreboard: --program and --year are required");
    int year_value;
    if (cli_parse_year (year, &year_value))
        return cli_usage (s_usage, "scoreboard: --year '%s' is not a year in %d..%d", year,
                          DATE_YEAR_MIN, DATE_YEAR_MAX);
    request.year = year_value;
    Shanhai__V1__Scoreboard *board = NULL;
    int rc = cli_call (cli->config.assessment_rpc, "assessment.Scoreboard", &request.base,
                       &shanhai__v1__scoreboard__descriptor, (ProtobufCMessage **) &board);
    if (rc)
        return rc;
    rc = s_print (board, as_json);
    shanhai__v1__scoreboard__free_unpacked (board, NULL);
    return rc;
}
