/*  shanhai explain (--pair ID | --subject S) --rule R --year YYYY [--period P] [--json]

    Why a subject has the status it has under one rule in one period: the verdict (actual,
    target, expected as of the clock, status and colour, deadline), the clause it cites and the
    policy pack's version, and the ledger entries that counted toward it, each with what it
    counted for when the rule adds up more than one part (a share's events and their total, the
    values of an "each" rule: science, health, ...).

    --pair asks of a pair's rule, or of one of its counties' (the assessment finds the county);
    --subject of anyone's: a park, the program, a county or region by its code. --period picks
    one of the year's periods ("2024-Q2", "2024-03", a window "2018-2020"); without it the
    assessment takes the one the clock is in, else the year's last. With --json:
      {"pair","scope","subject","rule","title","year","as_of","program","status","colour",
       "actual","target","expected","unit","deadline","period","source","version",
       "entries_total","entries":[{"seq","id","kind","date","value","cancelled","part"}]}
    (common/answer_json.h; pair is "" for a subject of no pair's). */
#include <stdbool.h>
#include <string.h>
#include "amount.h"
#include "cli.h"
#include "common/answer_json.h"
#include "common/limits.h"
#include "common/validate.h"
#include "common/vocab.h"

static const char *s_usage = "shanhai explain (--pair ID | --subject S) --rule R --year YYYY "
                             "[--period P] [--json]";

// A quantity's text with its unit: "5,000,000.00 yuan", "65.00%", "6000 persons".
#define S_QUANTITY_BYTES 64

// value in unit, with the unit's name where the number alone does not say it.
static void
s_quantity (const char *unit, int64_t value, char *out, size_t out_size)
{
    amount_format (unit, value, out, out_size);
    size_t length = strlen (out);
    if (strcmp (unit, "fen") == 0)
        snprintf (out + length, out_size - length, " yuan");
    else if (strcmp (unit, "persons") == 0 || strcmp (unit, "projects") == 0)
        snprintf (out + length, out_size - length, " %s", unit);
}

// Whether every entry shown added 1: a share of events (a share of amounts adds fen).
static bool
s_entries_count (const Shanhai__V1__Explanation *e)
{
    for (size_t index = 0; index < e->n_entries; index++)
        if (e->entries[index]->value != 1)
            return false;
    return true;
}

// What one entry added, in the unit it was added in. The wire gives the rule's unit, not the
// entry's: an indicator's report is the figure in hundredths (of a yuan for a rule in fen),
// a commitment (part "target") is money, and a share (bp) adds 1 per event or the event's
// amount in fen, which only the values tell apart.
static void
s_entry_value (const Shanhai__V1__Explanation *e, const Shanhai__V1__Contribution *c,
               bool counts, char *out, size_t out_size)
{
    const char *unit = e->rule->unit;
    if (strcmp (c->kind, VOCAB_KIND_INDICATOR) == 0 && strcmp (unit, "count") != 0) {
        amount_format ("fen", c->value, out, out_size);  // hundredths: "6.80", "52,345.00"
        if (strcmp (unit, "fen") == 0)
            snprintf (out + strlen (out), out_size - strlen (out), " yuan");
    } else if (strcmp (c->part, "target") == 0 || strcmp (unit, "fen") == 0
               || (strcmp (unit, "bp") == 0 && !counts))
        s_quantity ("fen", c->value, out, out_size);
    else if (strcmp (unit, "bp") == 0)
        snprintf (out, out_size, "%lld", (long long) c->value);  // a share's event: 1
    else
        s_quantity (unit, c->value, out, out_size);  // a count, persons, projects
}

// Whether the entries counted for more than one part (else the part says nothing).
static bool
s_entries_have_parts (const Shanhai__V1__Explanation *e)
{
    for (size_t index = 0; index < e->n_entries; index++)
        if (*e->entries[index]->part && strcmp (e->entries[index]->part, "actual") != 0)
            return true;
    return false;
}

static int
s_print (const Shanhai__V1__Explanation *e, const char *asked_pair, bool as_json)
{
    if (as_json)
        return cli_print_json (answer_json_explanation (e));
    const Shanhai__V1__RuleStatus *r = e->rule;
    if (!r)
        return cli_error ("assessment.Explain: the answer has no verdict");
    char actual[S_QUANTITY_BYTES], target[S_QUANTITY_BYTES], expected[S_QUANTITY_BYTES];
    s_quantity (r->unit, r->actual, actual, sizeof actual);
    s_quantity (r->unit, r->target, target, sizeof target);
    s_quantity (r->unit, r->expected, expected, sizeof expected);
    // Whose: "pair hb-01", "region hb-zhuxi (pair hb-01)", "park wz-park-yongjia (pair wz-01)".
    const char *pair = *e->pairing ? e->pairing : asked_pair;
    printf ("%s %s", r->scope, r->subject);
    if (*pair && strcmp (pair, r->subject) != 0)
        printf (" (pair %s)", pair);
    if (strcmp (r->subject, e->program) != 0)
        printf (", %s", e->program);
    printf (", rule %s, period %s, as of %s: %s (%s)\n", r->rule, r->period, e->as_of,
            compliance_status_name (r->status), r->colour);
    printf ("  %s\n  actual %s of %s by %s; expected by today %s\n", r->title, actual, target,
            r->deadline, expected);
    printf ("  source: %s (policy version %u)\n", r->source, r->version);
    printf ("  %u ledger entr%s counted%s\n", e->entries_total,
            e->entries_total == 1 ? "y" : "ies",
            e->n_entries < e->entries_total ? " (the first shown)" : "");
    bool parts = s_entries_have_parts (e), counts = s_entries_count (e);
    for (size_t index = 0; index < e->n_entries; index++) {
        const Shanhai__V1__Contribution *c = e->entries[index];
        char value[S_QUANTITY_BYTES];
        s_entry_value (e, c, counts, value, sizeof value);
        printf ("  seq %-8llu %-10s %-14s %-24s %s%s%s%s\n", (unsigned long long) c->seq,
                c->date, c->kind, c->id, value, parts ? " for " : "", parts ? c->part : "",
                c->cancelled ? " (cancelled by a reversal)" : "");
    }
    return 0;
}

// Checks what the options say beyond their presence. Returns 0, or CLI_EXIT_USAGE said.
static int
s_check (const char *year, const char *period, int *year_value)
{
    if (cli_parse_year (year, year_value))
        return cli_usage (s_usage, "explain: --year '%s' is not a year in %d..%d", year,
                          DATE_YEAR_MIN, DATE_YEAR_MAX);
    char reason[REASON_BYTES_MAX], echo[ERROR_ECHO_BYTES_MAX];
    if (period && !*period)
        return cli_usage (s_usage, "explain: --period is empty (leave it out for the period "
                          "the clock is in)");
    if (period
        && validate_text_problem (period, PERIOD_KEY_BYTES_MAX, false, reason, sizeof reason)) {
        validate_echo (period, echo, sizeof echo);
        return cli_usage (s_usage, "explain: --period \"%s\" %s", echo, reason);
    }
    return 0;
}

int
cmd_explain (cli_t *cli, int argc, char **argv)
{
    static const struct option options[] = {
        { "pair", required_argument, NULL, 'p' },    { "rule", required_argument, NULL, 'r' },
        { "year", required_argument, NULL, 'y' },    { "json", no_argument, NULL, 'j' },
        { "subject", required_argument, NULL, 's' }, { "period", required_argument, NULL, 'e' },
        { NULL, 0, NULL, 0 },
    };
    Shanhai__V1__ExplainRequest request = SHANHAI__V1__EXPLAIN_REQUEST__INIT;
    const char *year = NULL, *pair = NULL, *subject = NULL, *period = NULL;
    cli_options_t parser = { .command = "explain", .usage = s_usage, .options = options };
    bool as_json = false;
    int option;
    while ((option = cli_option_next (&parser, argc, argv)) != -1) {
        switch (option) {
        case 'p': pair = optarg; break;
        case 's': subject = optarg; break;
        case 'r': request.rule = optarg; break;
        case 'y': year = optarg; break;
        case 'e': period = optarg; break;
        case 'j': as_json = true; break;
        default: return CLI_EXIT_USAGE;
        }
    }
    if (optind != argc || !*request.rule || !year)
        return cli_usage (s_usage, "explain: --rule, --year and one of --pair or --subject are "
                          "required");
    if (pair && subject)
        return cli_usage (s_usage, "explain: give --pair or --subject, not both");
    if (!pair && !subject)
        return cli_usage (s_usage, "explain: one of --pair or --subject is required");
    if (!*(pair ? pair : subject))
        return cli_usage (s_usage, "explain: --%s is empty", pair ? "pair" : "subject");
    int year_value;
    int rc = s_check (year, period, &year_value);
    if (rc)
        return rc;
    request.pairing = (char *) (pair ? pair : "");
    request.subject = (char *) (subject ? subject : "");
    request.period = (char *) (period ? period : "");
    request.year = year_value;
    Shanhai__V1__Explanation *explanation = NULL;
    rc = cli_call (cli->config.assessment_rpc, "assessment.Explain", &request.base,
                   &shanhai__v1__explanation__descriptor, (ProtobufCMessage **) &explanation);
    if (rc)
        return rc;
    rc = s_print (explanation, request.pairing, as_json);
    shanhai__v1__explanation__free_unpacked (explanation, NULL);
    return rc;
}
