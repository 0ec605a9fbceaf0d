/*  shanhai alerts --person ID [--follow] [--json]

    With --follow the live stream is subscribed to before the inbox is read, and every alert
    is printed once, in id order: nothing that arrives between the two is lost or doubled. The
    inbox is also polled now and then, so an alert the live stream dropped still shows. */
#include <czmq.h>
#include <getopt.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include "cli.h"

static const char *s_usage = "shanhai alerts --person ID [--follow] [--json]";

// How often --follow reads the inbox besides listening.
#define ALERTS_POLL_MS 2000

static volatile sig_atomic_t s_stop;

static void
s_on_signal (int signal_number)
{
    s_stop = 1;
}

static json_t *
s_alert_json (const Shanhai__V1__Alert *alert)
{
    char at[32];
    time_t seconds = (time_t) (alert->at_ms / 1000);
    struct tm utc;
    gmtime_r (&seconds, &utc);
    strftime (at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return json_pack ("{s:I, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s}", "id",
                      (json_int_t) alert->id, "person", alert->person, "pair", alert->pairing,
                      "rule", alert->rule, "year", alert->year, "status",
                      compliance_status_name (alert->status), "previous",
                      compliance_status_name (alert->previous), "text", alert->text, "at", at);
}

static void
s_print_line (const Shanhai__V1__Alert *alert, bool as_json)
{
    if (as_json) {
        json_t *object = s_alert_json (alert);
        char *line = json_dumps (object, JSON_PRESERVE_ORDER | JSON_COMPACT);
        printf ("%s\n", line ? line : "{}");
        free (line);
        json_decref (object);
    } else
        printf ("#%llu %s\n", (unsigned long long) alert->id, alert->text);
    fflush (stdout);
}

// Reads the inbox after *last_id; prints (or collects into array) and moves *last_id.
static int
s_read_inbox (cli_t *cli, const char *person, uint64_t *last_id, json_t *array, bool as_json)
{
    while (true) {
        Shanhai__V1__AlertsRequest request = SHANHAI__V1__ALERTS_REQUEST__INIT;
        request.person = (char *) person;
        request.after_id = *last_id;
        Shanhai__V1__AlertList *list = NULL;
        int rc = cli_call (cli->config.notification_rpc, "notification.Alerts", &request.base,
                           &shanhai__v1__alert_list__descriptor, (ProtobufCMessage **) &list);
        if (rc)
            return rc;
        size_t count = list->n_alerts;
        for (size_t index = 0; index < count; index++) {
            if (array)
                json_array_append_new (array, s_alert_json (list->alerts[index]));
            else
                s_print_line (list->alerts[index], as_json);
            *last_id = list->alerts[index]->id;
        }
        shanhai__v1__alert_list__free_unpacked (list, NULL);
        if (count < ALERTS_LIST_MAX)
            return 0;
    }
}

static int
s_follow (cli_t *cli, const char *person, bool as_json)
{
    char topic[TOPIC_BYTES_MAX];
    snprintf (topic, sizeof topic, "alert.%s", person);
    zsock_t *live = zsock_new (ZMQ_SUB);
    zsock_set_subscribe (live, topic);
    if (!live || zsock_connect (live, "%s", cli->config.notification_pub) == -1) {
        zsock_destroy (&live);
        return cli_error ("alerts: cannot connect to %s", cli->config.notification_pub);
    }
    signal (SIGINT, s_on_signal);
    signal (SIGTERM, s_on_signal);
    uint64_t last_id = 0;
    int rc = s_read_inbox (cli, person, &last_id, NULL, as_json);
    zpoller_t *poller = zpoller_new (live, NULL);
    int64_t next_poll = zclock_mono () + ALERTS_POLL_MS;
    while (rc == 0 && !s_stop) {
        if (zpoller_wait (poller, 200)) {
            zmsg_t *msg = zmsg_recv (live);
            zframe_t *frame = msg && zmsg_size (msg) == 2 ? zmsg_last (msg) : NULL;
            Shanhai__V1__Event *event = frame ? shanhai__v1__event__unpack (
                                                    NULL, zframe_size (frame), zframe_data (frame))
                                              : NULL;
            Shanhai__V1__Alert *alert
                = event ? shanhai__v1__alert__unpack (NULL, event->body.len, event->body.data)
                        : NULL;
            if (alert && alert->id == last_id + 1) {
                s_print_line (alert, as_json);  // the next one: no need to ask the inbox
                last_id = alert->id;
            } else if (alert && alert->id > last_id)
                rc = s_read_inbox (cli, person, &last_id, NULL, as_json);
            if (alert)
                shanhai__v1__alert__free_unpacked (alert, NULL);
            if (event)
                shanhai__v1__event__free_unpacked (event, NULL);
            zmsg_destroy (&msg);
        }
        if (zclock_mono () >= next_poll) {
            rc = s_read_inbox (cli, person, &last_id, NULL, as_json);
            next_poll = zclock_mono () + ALERTS_POLL_MS;
        }
    }
    zpoller_destroy (&poller);
    zsock_destroy (&live);
    return rc;
}

int
cmd_alerts (cli_t *cli, int argc, char **argv)
{
    static const struct option options[] = {
        { "person", required_argument, NULL, 'p' }, { "follow", no_argument, NULL, 'f' },
        { "json", no_argument, NULL, 'j' },         { NULL, 0, NULL, 0 },
    };
    const char *person = NULL;
    bool follow = false, as_json = false;
    int option;
    while ((option = getopt_long (argc, argv, "", options, NULL)) != -1) {
        switch (option) {
        case 'p': person = optarg; break;
        case 'f': follow = true; break;
        case 'j': as_json = true; break;
        default: return cli_bad_option (s_usage, "alerts", argv);
        }
    }
    if (optind != argc || !person)
        return cli_usage (s_usage, "alerts: --person is required");
    if (follow)
        return s_follow (cli, person, as_json);
    uint64_t last_id = 0;
    json_t *array = json_array ();
    int rc = s_read_inbox (cli, person, &last_id, array, as_json);
    if (rc) {
        json_decref (array);
        return rc;
    }
    if (as_json)
        return cli_print_json (array);
    size_t index;
    json_t *alert;
    json_array_foreach (array, index, alert)
        printf ("#%lld %s  %s\n", (long long) json_integer_value (json_object_get (alert, "id")),
                json_string_value (json_object_get (alert, "at")),
                json_string_value (json_object_get (alert, "text")));
    if (json_array_size (array) == 0)
        printf ("no alerts for %s\n", person);
    json_decref (array);
    return 0;
}
