/*  shanhai health [--json]

    Asks every service for its Health (HEALTH_TIMEOUT_MS each) and shows them: a table for
    people, the report of health_report.h with --json. Exits 0 when every service is up, 1
    when one is down or lagging past HEALTH_LAG_EVENTS_MAX (the report says which). */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "health_report.h"

static const char *s_usage = "shanhai health [--service NAME] [--json]";

#define S_SERVICES 4

// Asks one service; on an answer sets answer->health (the caller frees it).
static void
s_ask (const char *endpoint, health_answer_t *answer, char *error, size_t error_size)
{
    char method[RPC_METHOD_BYTES_MAX];
    snprintf (method, sizeof method, "%s.Health", answer->service);
    rpc_client_t *client = rpc_client_new (endpoint, HEALTH_TIMEOUT_MS);
    Shanhai__V1__HealthRequest request = SHANHAI__V1__HEALTH_REQUEST__INIT;
    Shanhai__V1__Health *health = NULL;
    rpc_status_t status = client ? rpc_client_call (client, method, &request.base,
                                                    &shanhai__v1__health__descriptor,
                                                    (ProtobufCMessage **) &health)
                                 : RPC_UNAVAILABLE;
    if (status == RPC_OK)
        answer->health = health;
    else {
        snprintf (error, error_size, "%s: %s at %s", rpc_status_name (status),
                  client ? rpc_client_error (client) : "cannot connect", endpoint);
        answer->error = error;
    }
    rpc_client_destroy (&client);
}

static void
s_print_streams (json_t *streams)
{
    size_t index;
    json_t *stream;
    json_array_foreach (streams, index, stream)
        printf ("%s%s %lld/%lld", index ? ", " : "",
                json_string_value (json_object_get (stream, "publisher")),
                json_integer_value (json_object_get (stream, "applied_seq")),
                json_integer_value (json_object_get (stream, "head_seq")));
    printf ("%s\n", json_array_size (streams) ? "" : "-");
}

static void
s_print_table (json_t *report)
{
    printf ("%-13s %-8s %-8s %-9s %-9s %-6s %-10s %s\n", "SERVICE", "STATE", "VERSION",
            "UPTIME", "REGISTRY", "CACHE", "PUBLISHED", "STREAMS (applied/head)");
    size_t index;
    json_t *service;
    json_array_foreach (json_object_get (report, "services"), index, service) {
        const char *name = json_string_value (json_object_get (service, "service"));
        const char *state = json_string_value (json_object_get (service, "state"));
        if (strcmp (state, "down") == 0) {
            printf ("%-13s %-8s %s\n", name, state,
                    json_string_value (json_object_get (service, "error")));
            continue;
        }
        char uptime[32];
        snprintf (uptime, sizeof uptime, "%llds",
                  json_integer_value (json_object_get (service, "uptime_ms")) / 1000);
        printf ("%-13s %-8s %-8s %-9s v%-8lld %-6s %-10lld ", name, state,
                json_string_value (json_object_get (service, "version")), uptime,
                json_integer_value (json_object_get (service, "registry_version")),
                json_string_value (json_object_get (service, "cache")),
                json_integer_value (json_object_get (service, "published_seq")));
        s_print_streams (json_object_get (service, "streams"));
    }
}

int
cmd_health (cli_t *cli, int argc, char **argv)
{
    static const struct option options[] = {
        { "json", no_argument, NULL, 'j' },
        { "service", required_argument, NULL, 's' },
        { NULL, 0, NULL, 0 },
    };
    cli_options_t parser = { .command = "health", .usage = s_usage, .options = options };
    bool as_json = false;
    const char *only = NULL;
    int option;
    while ((option = cli_option_next (&parser, argc, argv)) != -1) {
        if (option == 's')
            only = optarg;
        else if (option == 'j')
            as_json = true;
        else
            return CLI_EXIT_USAGE;
    }
    if (optind != argc)
        return cli_usage (s_usage, "health: unexpected \"%.40s\"", argv[optind]);
    if (only && strcmp (only, "registry") && strcmp (only, "ledger")
        && strcmp (only, "assessment") && strcmp (only, "notification"))
        return cli_usage (s_usage, "health: --service must be registry, ledger, assessment or "
                          "notification");
    const config_t *config = &cli->config;
    const char *endpoints[S_SERVICES] = { config->registry_rpc, config->ledger_rpc,
                                          config->assessment_rpc, config->notification_rpc };
    health_answer_t answers[S_SERVICES] = { { .service = "registry" }, { .service = "ledger" },
                                            { .service = "assessment" },
                                            { .service = "notification" } };
    char errors[S_SERVICES][RPC_ERROR_BYTES_MAX + ENDPOINT_BYTES_MAX];
    // With --service, that one alone (a container's health check): it answers and keeps up.
    size_t first = 0, count = S_SERVICES;
    for (size_t index = 0; only && index < S_SERVICES; index++)
        if (strcmp (answers[index].service, only) == 0)
            first = index, count = 1;
    for (size_t index = first; index < first + count; index++)
        s_ask (endpoints[index], &answers[index], errors[index], sizeof errors[index]);
    bool healthy = false;
    json_t *report = health_report (answers + first, count, &healthy);
    for (size_t index = 0; index < S_SERVICES; index++)
        if (answers[index].health)
            shanhai__v1__health__free_unpacked ((Shanhai__V1__Health *) answers[index].health,
                                                NULL);
    if (!report)
        return cli_error ("out of memory");
    if (as_json) {
        int rc = cli_print_json (report);
        return rc ? rc : (healthy ? 0 : CLI_EXIT_FAILED);
    }
    s_print_table (report);
    json_decref (report);
    return healthy ? 0 : CLI_EXIT_FAILED;
}
