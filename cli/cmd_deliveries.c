/*  shanhai deliveries [--channel ID] [--person ID] [--status pending|sent|failed|dead] [--json]
    shanhai deliveries retry ID

    The channels' activity log, one row per attempt of one alert on one channel, oldest first,
    read page by page; and a dead letter sent again. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli.h"

static const char *s_usage = "shanhai deliveries [--channel ID] [--person ID] "
                             "[--status pending|sent|failed|dead] [--json] | deliveries retry ID";

// "YYYY-MM-DDTHH:MM:SSZ", or "" for 0.
static void
s_time_text (int64_t at_ms, char *out, size_t out_size)
{
    time_t seconds = (time_t) (at_ms / 1000);
    struct tm utc;
    if (at_ms <= 0 || !gmtime_r (&seconds, &utc)
        || strftime (out, out_size, "%Y-%m-%dT%H:%M:%SZ", &utc) == 0)
        snprintf (out, out_size, "%s", "");
}

static json_t *
s_delivery_json (const Shanhai__V1__Delivery *delivery)
{
    char at[32], next_at[32];
    s_time_text (delivery->at_ms, at, sizeof at);
    s_time_text (delivery->next_at_ms, next_at, sizeof next_at);
    return json_pack ("{s:I, s:I, s:s, s:i, s:s, s:s, s:s, s:s}", "id",
                      (json_int_t) delivery->id, "alert", (json_int_t) delivery->alert,
                      "channel", delivery->channel, "attempt", (int) delivery->attempt,
                      "status", delivery->status, "result", delivery->result, "at", at,
                      "next_at", next_at);
}

static void
s_print_row (const Shanhai__V1__Delivery *delivery)
{
    char at[32];
    s_time_text (delivery->at_ms, at, sizeof at);
    printf ("%-8llu %-8llu %-20s %-7u %-8s %-20s %s\n", (unsigned long long) delivery->id,
            (unsigned long long) delivery->alert, delivery->channel, delivery->attempt,
            delivery->status, at, delivery->result);
}

// Reads every page of the log that request selects; prints rows or appends them to array.
static int
s_list (cli_t *cli, Shanhai__V1__DeliveriesRequest *request, json_t *array)
{
    if (!array)
        printf ("%-8s %-8s %-20s %-7s %-8s %-20s %s\n", "ID", "ALERT", "CHANNEL", "ATTEMPT",
                "STATUS", "AT", "RESULT");
    for (;;) {
        Shanhai__V1__DeliveryList *list = NULL;
        int rc = cli_call (cli->config.notification_rpc, "notification.Deliveries",
                           &request->base, &shanhai__v1__delivery_list__descriptor,
                           (ProtobufCMessage **) &list);
        if (rc)
            return rc;
        for (size_t index = 0; index < list->n_deliveries; index++) {
            if (array)
                json_array_append_new (array, s_delivery_json (list->deliveries[index]));
            else
                s_print_row (list->deliveries[index]);
        }
        size_t count = list->n_deliveries;
        if (count > 0)
            request->after_id = list->deliveries[count - 1]->id;
        shanhai__v1__delivery_list__free_unpacked (list, NULL);
        if (count == 0)
            return 0;
    }
}

static int
s_retry (cli_t *cli, int argc, char **argv, bool as_json)
{
    char *end = NULL;
    unsigned long long id = argc == 2 ? strtoull (argv[1], &end, 10) : 0;
    if (argc != 2 || !*argv[1] || *end != '\0' || id == 0 || argv[1][0] == '-')
        return cli_usage (s_usage, "deliveries retry: one delivery id, a whole number");
    Shanhai__V1__RetryRequest request = SHANHAI__V1__RETRY_REQUEST__INIT;
    request.id = id;
    Shanhai__V1__Delivery *delivery = NULL;
    int rc = cli_call (cli->config.notification_rpc, "notification.Retry", &request.base,
                       &shanhai__v1__delivery__descriptor, (ProtobufCMessage **) &delivery);
    if (rc)
        return rc;
    if (as_json)
        rc = cli_print_json (s_delivery_json (delivery));
    else
        printf ("delivery %llu: attempt %u of alert %llu on %s is pending (id %llu)\n", id,
                delivery->attempt, (unsigned long long) delivery->alert, delivery->channel,
                (unsigned long long) delivery->id);
    shanhai__v1__delivery__free_unpacked (delivery, NULL);
    return rc;
}

int
cmd_deliveries (cli_t *cli, int argc, char **argv)
{
    static const struct option options[] = {
        { "channel", required_argument, NULL, 'c' }, { "person", required_argument, NULL, 'p' },
        { "status", required_argument, NULL, 's' },  { "json", no_argument, NULL, 'j' },
        { NULL, 0, NULL, 0 },
    };
    Shanhai__V1__DeliveriesRequest request = SHANHAI__V1__DELIVERIES_REQUEST__INIT;
    cli_options_t parser = { .command = "deliveries", .usage = s_usage, .options = options };
    bool as_json = false;
    int option;
    while ((option = cli_option_next (&parser, argc, argv)) != -1) {
        switch (option) {
        case 'c': request.channel = optarg; break;
        case 'p': request.person = optarg; break;
        case 's': request.status = optarg; break;
        case 'j': as_json = true; break;
        default: return CLI_EXIT_USAGE;
        }
    }
    if (optind < argc && strcmp (argv[optind], "retry") == 0) {
        if (*request.channel || *request.person || *request.status)
            return cli_usage (s_usage, "deliveries retry takes no filter");
        return s_retry (cli, argc - optind, argv + optind, as_json);
    }
    if (optind != argc)
        return cli_usage (s_usage, "deliveries: unexpected \"%.40s\"", argv[optind]);
    if (*request.status && strcmp (request.status, "pending") != 0
        && strcmp (request.status, "sent") != 0 && strcmp (request.status, "failed") != 0
        && strcmp (request.status, "dead") != 0)
        return cli_usage (s_usage, "deliveries: --status must be pending, sent, failed or dead");
    json_t *array = as_json ? json_array () : NULL;
    int rc = s_list (cli, &request, array);
    if (rc == 0 && array)
        return cli_print_json (array);
    json_decref (array);
    return rc;
}
