/*  shanhai policy diff FILE --year YYYY [--json]
    shanhai policy show --program P [--version V]
    shanhai policy status --program P --year YYYY --version V [--json]

    diff: the verdicts of the candidate pack FILE's program that would change if it were put
    in force: the candidate is run from scratch over the whole ledger (a second assessment in
    this process, on a temporary directory; the live one is not touched) and its verdicts for
    the year are compared with the live ones, once the live assessment has applied everything
    the ledger has. With --json:
      {"program","year","as_of","version","candidate_version","verdicts","changes":[{"rule",
       "scope","subject","period","now","candidate"}]}
    ("now" or "candidate" is null for a verdict only the other has).
    show: the text of the pack in force (or of version V, as the assessment ran it).
    status: every verdict of the program in the year recomputed under version V of its pack,
    as it was then in force: the JSON of `shanhai status --program`. */
#include <string.h>
#include "cli.h"
#include "common/answer_json.h"
#include "common/limits.h"
#include "policy.h"
#include "shadow.h"

// One line: a usage error is one line.
static const char *s_usage = "shanhai policy diff FILE --year YYYY [--json] | show --program P "
                             "[--version V] | status --program P --year YYYY --version V "
                             "[--json]";

// How long a recomputation may take to replay the ledger.
#define S_REPLAY_WAIT_MS (10 * 60 * 1000)

// The verdicts of a ProgramStatusReply by (rule, subject, period), each once (a county's
// rule shows under each of its pairs).
static zhashx_t *
s_verdicts (const Shanhai__V1__ProgramStatusReply *reply)
{
    zhashx_t *verdicts = zhashx_new ();
    if (!verdicts)
        return NULL;
    for (size_t pair = 0; pair <= reply->n_pairs; pair++) {
        Shanhai__V1__RuleStatus **rules = pair < reply->n_pairs ? reply->pairs[pair]->rules
                                                                : reply->subjects;
        size_t count = pair < reply->n_pairs ? reply->pairs[pair]->n_rules : reply->n_subjects;
        for (size_t index = 0; index < count; index++) {
            char key[3 * ID_BYTES_MAX + 8];
            snprintf (key, sizeof key, "%s\x1f%s\x1f%s", rules[index]->rule,
                      rules[index]->subject, rules[index]->period);
            zhashx_insert (verdicts, key, rules[index]);
        }
    }
    return verdicts;
}

// Runs the pack text of program in a shadow and asks it for the program's verdicts in year.
// Returns 0 with *reply, or an exit code having said why.
static int
s_recompute (cli_t *cli, const char *program, const char *text, int year,
             Shanhai__V1__ProgramStatusReply **reply)
{
    char name[ID_BYTES_MAX + 8], errstr[RPC_ERROR_BYTES_MAX];
    snprintf (name, sizeof name, "%s.json", program);
    const char *names[] = { name }, *texts[] = { text };
    shadow_t *shadow = shadow_new (&cli->config, names, texts, 1, errstr, sizeof errstr);
    if (!shadow || shadow_wait (shadow, S_REPLAY_WAIT_MS, errstr, sizeof errstr)) {
        shadow_destroy (&shadow);
        return cli_error ("policy: %s", errstr);
    }
    Shanhai__V1__ProgramStatusRequest request = SHANHAI__V1__PROGRAM_STATUS_REQUEST__INIT;
    request.program = (char *) program;
    request.year = year;
    int rc = cli_call (shadow_endpoint (shadow), "assessment.ProgramStatus", &request.base,
                       &shanhai__v1__program_status_reply__descriptor,
                       (ProtobufCMessage **) reply);
    shadow_destroy (&shadow);
    return rc;
}

// The pack of program as the live assessment has it (version 0: in force). Returns 0 with
// *reply, or an exit code having said why.
static int
s_pack (cli_t *cli, const char *program, uint32_t version, Shanhai__V1__PackReply **reply)
{
    Shanhai__V1__PackRequest request = SHANHAI__V1__PACK_REQUEST__INIT;
    request.program = (char *) program;
    request.version = version;
    return cli_call (cli->config.assessment_rpc, "assessment.Pack", &request.base,
                     &shanhai__v1__pack_reply__descriptor, (ProtobufCMessage **) reply);
}

static json_t *
s_status_json (const Shanhai__V1__RuleStatus *status)
{
    return status ? json_string (compliance_status_name (status->status)) : json_null ();
}

// Prints (or adds to changes) every verdict whose status differs between now and candidate.
// Returns how many differ.
static size_t
s_compare (zhashx_t *now, zhashx_t *candidate, json_t *changes)
{
    size_t differ = 0;
    zlistx_t *keys = zhashx_keys (now);
    zlistx_t *more = zhashx_keys (candidate);
    for (const char *key = zlistx_first (more); key; key = zlistx_next (more))
        if (!zhashx_lookup (now, key))
            zlistx_add_end (keys, (void *) key);
    zlistx_set_comparator (keys, (zlistx_comparator_fn *) strcmp);
    zlistx_sort (keys);
    for (const char *key = zlistx_first (keys); key; key = zlistx_next (keys)) {
        const Shanhai__V1__RuleStatus *before = zhashx_lookup (now, key);
        const Shanhai__V1__RuleStatus *after = zhashx_lookup (candidate, key);
        if (before && after && before->status == after->status)
            continue;
        const Shanhai__V1__RuleStatus *either = after ? after : before;
        differ++;
        if (changes)
            json_array_append_new (
                changes, json_pack ("{s:s, s:s, s:s, s:s, s:o, s:o}", "rule", either->rule,
                                    "scope", either->scope, "subject", either->subject,
                                    "period", either->period, "now", s_status_json (before),
                                    "candidate", s_status_json (after)));
        else
            printf ("%-28s %-24s %-10s %-9s -> %s\n", either->rule, either->subject,
                    either->period, before ? compliance_status_name (before->status) : "-",
                    after ? compliance_status_name (after->status) : "-");
    }
    zlistx_destroy (&keys);
    zlistx_destroy (&more);
    return differ;
}

static int
s_diff (cli_t *cli, const char *file, int year, bool as_json)
{
    char errstr[RPC_ERROR_BYTES_MAX], *text = NULL;
    if (policy_file_read (file, &text, errstr, sizeof errstr))
        return cli_error ("policy: %s", errstr);
    policy_set_t *candidate = policy_set_new ();
    int rc = candidate && policy_set_add (candidate, file, text, errstr, sizeof errstr) == 0
                 ? 0
                 : cli_error ("policy: %s", candidate ? errstr : "out of memory");
    const policy_pack_t *pack = rc ? NULL : policy_set_at (candidate, 0);
    Shanhai__V1__ProgramStatusRequest request = SHANHAI__V1__PROGRAM_STATUS_REQUEST__INIT;
    Shanhai__V1__ProgramStatusReply *live = NULL, *shadowed = NULL;
    Shanhai__V1__PackReply *in_force = NULL;
    if (rc == 0 && shadow_wait_live (&cli->config, S_REPLAY_WAIT_MS, errstr, sizeof errstr))
        rc = cli_error ("policy: %s", errstr);
    if (rc == 0) {
        request.program = (char *) pack->program;
        request.year = year;
        rc = cli_call (cli->config.assessment_rpc, "assessment.ProgramStatus", &request.base,
                       &shanhai__v1__program_status_reply__descriptor,
                       (ProtobufCMessage **) &live);
    }
    if (rc == 0)
        rc = s_pack (cli, pack->program, 0, &in_force);
    if (rc == 0 && in_force->version == (uint32_t) pack->version
        && strcmp (in_force->text, text) != 0)
        fprintf (stderr, "policy: warning: version %d of %s is in force with other content: "
                 "raise the candidate's version before putting it in force\n", pack->version,
                 pack->program);
    if (rc == 0)
        rc = s_recompute (cli, pack->program, text, year, &shadowed);
    zhashx_t *now = rc ? NULL : s_verdicts (live), *then = rc ? NULL : s_verdicts (shadowed);
    if (rc == 0 && (!now || !then))
        rc = cli_error ("out of memory");
    if (rc == 0 && as_json) {
        json_t *changes = json_array ();
        size_t differ = s_compare (now, then, changes);
        (void) differ;
        rc = cli_print_json (json_pack ("{s:s, s:i, s:s, s:i, s:i, s:i, s:o}", "program",
                                        pack->program, "year", year, "as_of", live->as_of,
                                        "version", (int) in_force->version, "candidate_version",
                                        pack->version, "verdicts", (int) zhashx_size (then),
                                        "changes", changes));
    } else if (rc == 0) {
        printf ("%s, year %d, as of %s: version %u in force, candidate version %d (%s)\n",
                pack->program, year, live->as_of, in_force->version, pack->version, file);
        size_t differ = s_compare (now, then, NULL);
        printf ("%zu of %zu verdicts would change\n", differ, zhashx_size (then));
    }
    zhashx_destroy (&now);
    zhashx_destroy (&then);
    if (live)
        shanhai__v1__program_status_reply__free_unpacked (live, NULL);
    if (shadowed)
        shanhai__v1__program_status_reply__free_unpacked (shadowed, NULL);
    if (in_force)
        shanhai__v1__pack_reply__free_unpacked (in_force, NULL);
    policy_set_destroy (&candidate);
    free (text);
    return rc;
}

int
policy_status_as_of (cli_t *cli, const char *program, int year, uint32_t version, bool as_json)
{
    Shanhai__V1__PackReply *pack = NULL;
    Shanhai__V1__ProgramStatusReply *reply = NULL;
    int rc = s_pack (cli, program, version, &pack);
    if (rc == 0)
        rc = s_recompute (cli, program, pack->text, year, &reply);
    if (rc == 0 && as_json)
        rc = cli_print_json (answer_json_program_status (reply));
    else if (rc == 0) {
        printf ("%s, year %d, as of %s, under policy version %u%s\n", program, year,
                reply->as_of, version, pack->in_force ? " (in force)" : "");
        zhashx_t *verdicts = s_verdicts (reply);
        zlistx_t *keys = verdicts ? zhashx_keys (verdicts) : NULL;
        zlistx_set_comparator (keys, (zlistx_comparator_fn *) strcmp);
        zlistx_sort (keys);
        for (const char *key = keys ? zlistx_first (keys) : NULL; key; key = zlistx_next (keys)) {
            const Shanhai__V1__RuleStatus *status = zhashx_lookup (verdicts, key);
            printf ("%-28s %-24s %-10s %-9s %lld of %lld %s\n", status->rule, status->subject,
                    status->period, compliance_status_name (status->status),
                    (long long) status->actual, (long long) status->target, status->unit);
        }
        zlistx_destroy (&keys);
        zhashx_destroy (&verdicts);
    }
    if (reply)
        shanhai__v1__program_status_reply__free_unpacked (reply, NULL);
    if (pack)
        shanhai__v1__pack_reply__free_unpacked (pack, NULL);
    return rc;
}

int
cmd_policy (cli_t *cli, int argc, char **argv)
{
    static const struct option options[] = {
        { "program", required_argument, NULL, 'g' }, { "year", required_argument, NULL, 'y' },
        { "version", required_argument, NULL, 'v' }, { "json", no_argument, NULL, 'j' },
        { NULL, 0, NULL, 0 },
    };
    const char *action = argc > 1 ? argv[1] : "";
    cli_options_t parser = { .command = "policy", .usage = s_usage, .options = options };
    const char *program = NULL, *year = NULL, *version = NULL;
    bool as_json = false;
    int option;
    optind = 2;
    while ((option = cli_option_next (&parser, argc, argv)) != -1) {
        switch (option) {
        case 'g': program = optarg; break;
        case 'y': year = optarg; break;
        case 'v': version = optarg; break;
        case 'j': as_json = true; break;
        default: return CLI_EXIT_USAGE;
        }
    }
    int year_value = 0;
    uint32_t version_value = 0;
    if (year && cli_parse_year (year, &year_value))
        return cli_usage (s_usage, "policy: --year '%s' is not a year in %d..%d", year,
                          DATE_YEAR_MIN, DATE_YEAR_MAX);
    if (version && cli_parse_version (version, &version_value))
        return cli_usage (s_usage, "policy: --version '%s' is not a version (1, 2, ...)",
                          version);
    if (strcmp (action, "diff") == 0) {
        if (optind != argc - 1 || !year || program || version)
            return cli_usage (s_usage, "policy diff: a FILE and --year are required");
        return s_diff (cli, argv[optind], year_value, as_json);
    }
    if (strcmp (action, "status") == 0) {
        if (optind != argc || !program || !year || !version)
            return cli_usage (s_usage, "policy status: --program, --year and --version are "
                              "required");
        return policy_status_as_of (cli, program, year_value, version_value, as_json);
    }
    if (strcmp (action, "show") == 0) {
        if (optind != argc || !program || year || as_json)
            return cli_usage (s_usage, "policy show: --program is required (and --version)");
        Shanhai__V1__PackReply *pack = NULL;
        int rc = s_pack (cli, program, version_value, &pack);
        if (rc == 0)
            fputs (pack->text, stdout);
        if (pack)
            shanhai__v1__pack_reply__free_unpacked (pack, NULL);
        return rc;
    }
    return cli_usage (s_usage, "policy: diff, show or status, not '%s'", action);
}
