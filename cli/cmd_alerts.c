/*  shanhai alerts --person ID [--follow] [--json]

    Lists a person's alerts, oldest first: a table, or with --json the contract's array of
    {"id","person","pair","rule","year","status","previous","text","at"}.

    With --follow the person's live stream is subscribed to before the inbox is read: the
    topic "alert.<ID>/" on the notification's PUB, ended by PROTO_TOPIC_TERMINATOR so that
    following p1 never matches p12's alerts (each live alert's person is checked all the same).
    Every alert is printed once, in id order, one per line (one JSON object per line with
    --json), until SIGINT or SIGTERM. Ids are seqs shared by every person, so a jump between a
    person's ids is normal; a live alert right after the last one printed is printed as it
    comes, any other new one makes the command read the inbox after the last printed id, which
    prints it together with whatever the live stream missed (the subscription takes a moment to
    reach the publisher, and a PUB drops at its high-water mark). The inbox is also read every
    ALERTS_POLL_MS, for an alert missed with nothing after it. One RPC client serves the whole
    run. */
#include <czmq.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include "cli.h"
#include "common/answer_json.h"
#include "common/validate.h"

static const char *s_usage = "shanhai alerts --person ID [--follow] [--json]";

// "2026-11-23T05:23:32Z" and its NUL.
#define ALERTS_AT_BYTES 21

static volatile sig_atomic_t s_stop;

static void
s_on_signal (int signal_number)
{
    s_stop = 1;
}

static void
s_at_text (int64_t at_ms, char *out, size_t out_size)
{
    time_t seconds = (time_t) (at_ms / 1000);
    struct tm utc;
    if (!gmtime_r (&seconds, &utc) || strftime (out, out_size, "%Y-%m-%dT%H:%M:%SZ", &utc) == 0)
        snprintf (out, out_size, "%s", "");
}

// Where s_read_inbox hands each alert: a table, lines as they come, or a JSON array.
typedef void (s_sink_fn) (void *arg, const Shanhai__V1__Alert *alert);

// The table's sink: arg counts the rows, so that the header comes with the first one.
static void
s_print_row (void *arg, const Shanhai__V1__Alert *alert)
{
    size_t *rows = arg;
    if ((*rows)++ == 0)
        printf ("%-8s %-20s %-16s %-20s %-9s %-22s %s\n", "ID", "AT", "PAIR/SUBJECT", "RULE",
                "PERIOD", "PREVIOUS -> STATUS", "TEXT");
    char at[ALERTS_AT_BYTES], change[32];
    s_at_text (alert->at_ms, at, sizeof at);
    const char *previous = compliance_status_name (alert->previous);
    snprintf (change, sizeof change, "%s -> %s", *previous ? previous : "-",
              compliance_status_name (alert->status));
    // A county's, a park's or the program's rule names its subject; a pair's, the pair.
    const char *whose = *alert->pairing ? alert->pairing : alert->subject;
    char period[16];
    if (*alert->period)
        snprintf (period, sizeof period, "%s", alert->period);
    else
        snprintf (period, sizeof period, "%d", alert->year);
    printf ("%-8llu %-20s %-16s %-20s %-9s %-22s %s\n", (unsigned long long) alert->id, at,
            whose, alert->rule, period, change, alert->text);
}

// The JSON array's sink: arg is the array.
static void
s_append_json (void *arg, const Shanhai__V1__Alert *alert)
{
    json_array_append_new (arg, answer_json_alert (alert));
}

// --follow's sink: one line per alert (a JSON object when arg points to true), flushed at
// once for whoever reads the pipe.
static void
s_print_line (void *arg, const Shanhai__V1__Alert *alert)
{
    const bool *as_json = arg;
    if (*as_json) {
        json_t *object = answer_json_alert (alert);
        char *line = object ? json_dumps (object, JSON_PRESERVE_ORDER | JSON_COMPACT) : NULL;
        if (line)
            printf ("%s\n", line);
        free (line);
        json_decref (object);
    } else {
        size_t rows = 1;  // a stream of lines: no header
        s_print_row (&rows, alert);
    }
    fflush (stdout);
}

// One page of the inbox after after_id. Returns the status; the list is the caller's.
static rpc_status_t
s_page (rpc_client_t *client, const char *person, uint64_t after_id,
        Shanhai__V1__AlertList **list)
{
    Shanhai__V1__AlertsRequest request = SHANHAI__V1__ALERTS_REQUEST__INIT;
    request.person = (char *) person;
    request.after_id = after_id;
    request.limit = ALERTS_LIST_MAX;
    return rpc_client_call (client, "notification.Alerts", &request.base,
                            &shanhai__v1__alert_list__descriptor, (ProtobufCMessage **) list);
}

// Reads the inbox after *last_id to its end, hands each alert to sink and moves *last_id.
// Returns the status of the first failed call.
static rpc_status_t
s_read_inbox (rpc_client_t *client, const char *person, uint64_t *last_id, s_sink_fn *sink,
              void *arg)
{
    while (true) {
        Shanhai__V1__AlertList *list = NULL;
        rpc_status_t status = s_page (client, person, *last_id, &list);
        if (status != RPC_OK)
            return status;
        size_t count = list->n_alerts;
        for (size_t index = 0; index < count; index++) {
            const Shanhai__V1__Alert *alert = list->alerts[index];
            if (alert->id <= *last_id)
                continue;  // the service answers after_id exclusive; never print twice
            sink (arg, alert);
            *last_id = alert->id;
        }
        shanhai__v1__alert_list__free_unpacked (list, NULL);
        if (count < ALERTS_LIST_MAX)
            return RPC_OK;
    }
}

// The alert of a live message for person, or NULL (another person's alert, which the exact
// topic never brings but a bug or an older publisher might, a heartbeat, a malformed
// message). The caller frees it.
static Shanhai__V1__Alert *
s_live_alert (zsock_t *live, const char *person)
{
    zmsg_t *msg = zmsg_recv (live);
    zframe_t *frame = msg && zmsg_size (msg) == 2 ? zmsg_last (msg) : NULL;
    Shanhai__V1__Event *event
        = frame ? shanhai__v1__event__unpack (NULL, zframe_size (frame), zframe_data (frame))
                : NULL;
    Shanhai__V1__Alert *alert
        = event ? shanhai__v1__alert__unpack (NULL, event->body.len, event->body.data) : NULL;
    if (alert && (strcmp (alert->person, person) != 0 || alert->id != event->seq)) {
        shanhai__v1__alert__free_unpacked (alert, NULL);
        alert = NULL;
    }
    if (event)
        shanhai__v1__event__free_unpacked (event, NULL);
    zmsg_destroy (&msg);
    return alert;
}

// A SUB socket connected to endpoint and subscribed to person's exact topic, or NULL.
static zsock_t *
s_subscribe (const char *endpoint, const char *person)
{
    char topic[TOPIC_BYTES_MAX];
    if (proto_topic_for ("alert.", person, topic, sizeof topic))
        return NULL;
    zsock_t *live = zsock_new (ZMQ_SUB);
    if (!live)
        return NULL;
    zsock_set_linger (live, 0);
    zsock_set_rcvhwm (live, ZMQ_HWM_MESSAGES);
    zsock_set_maxmsgsize (live, RPC_MESSAGE_BYTES_MAX);
    zsock_set_subscribe (live, topic);
    if (zsock_connect (live, "%s", endpoint) == -1)
        zsock_destroy (&live);
    return live;
}

// SIGINT and SIGTERM end --follow cleanly; without SA_RESTART, so a wait returns at once.
static void
s_catch_signals (void)
{
    struct sigaction action;
    memset (&action, 0, sizeof action);
    action.sa_handler = s_on_signal;
    sigemptyset (&action.sa_mask);
    sigaction (SIGINT, &action, NULL);
    sigaction (SIGTERM, &action, NULL);
}

// Listens until a signal. Returns 0, or 1 when the first read of the inbox failed; later
// failures (the service restarting) are said once and the command keeps following.
static int
s_follow_loop (zsock_t *live, rpc_client_t *client, const char *person, bool as_json)
{
    uint64_t last_id = 0;
    rpc_status_t status = s_read_inbox (client, person, &last_id, s_print_line, &as_json);
    if (status != RPC_OK)
        return cli_error ("notification.Alerts: %s: %s", rpc_status_name (status),
                          rpc_client_error (client));
    zpoller_t *poller = zpoller_new (live, NULL);
    if (!poller)
        return cli_error ("alerts: out of memory");
    int64_t next_poll_ms = zclock_mono () + ALERTS_POLL_MS;
    bool failing = false;
    while (!s_stop) {
        bool read_inbox = zclock_mono () >= next_poll_ms;
        if (zpoller_wait (poller, ALERTS_WAIT_MS) == live) {
            Shanhai__V1__Alert *alert = s_live_alert (live, person);
            if (alert && alert->id == last_id + 1) {
                s_print_line (&as_json, alert);
                last_id = alert->id;
            } else if (alert && alert->id > last_id)
                read_inbox = true;  // prints it after anything the stream missed before it
            if (alert)
                shanhai__v1__alert__free_unpacked (alert, NULL);
        }
        if (read_inbox && !s_stop) {
            status = s_read_inbox (client, person, &last_id, s_print_line, &as_json);
            if (status != RPC_OK && !failing)
                cli_error ("notification.Alerts: %s: %s (still following)",
                           rpc_status_name (status), rpc_client_error (client));
            failing = status != RPC_OK;
            next_poll_ms = zclock_mono () + ALERTS_POLL_MS;
        }
    }
    zpoller_destroy (&poller);
    return 0;
}

static int
s_follow (cli_t *cli, const char *person, bool as_json)
{
    // The subscription first, the inbox second: an alert stored after the inbox was read is
    // then on the live stream (or found by the next read of the inbox).
    zsock_t *live = s_subscribe (cli->config.notification_pub, person);
    if (!live)
        return cli_error ("alerts: cannot connect to %s", cli->config.notification_pub);
    rpc_client_t *client = rpc_client_new (cli->config.notification_rpc, RPC_TIMEOUT_MS);
    if (!client) {
        zsock_destroy (&live);
        return cli_error ("alerts: cannot connect to %s", cli->config.notification_rpc);
    }
    s_catch_signals ();
    int rc = s_follow_loop (live, client, person, as_json);
    rpc_client_destroy (&client);
    zsock_destroy (&live);
    return rc;
}

// Every alert of person, as a table or a JSON array.
static int
s_list (cli_t *cli, const char *person, bool as_json)
{
    rpc_client_t *client = rpc_client_new (cli->config.notification_rpc, RPC_TIMEOUT_MS);
    json_t *array = json_array ();
    if (!client || !array) {
        rpc_client_destroy (&client);
        json_decref (array);
        return cli_error ("alerts: cannot connect to %s", cli->config.notification_rpc);
    }
    uint64_t last_id = 0;
    size_t rows = 0;
    rpc_status_t status = as_json
                              ? s_read_inbox (client, person, &last_id, s_append_json, array)
                              : s_read_inbox (client, person, &last_id, s_print_row, &rows);
    int rc = 0;
    if (status != RPC_OK)
        rc = cli_error ("notification.Alerts: %s: %s%s", rpc_status_name (status),
                        rpc_client_error (client),
                        status == RPC_UNAVAILABLE ? " (is the service running?)" : "");
    rpc_client_destroy (&client);
    if (rc == 0 && as_json)
        return cli_print_json (array);
    json_decref (array);
    if (rc == 0 && rows == 0)
        printf ("no alerts for %s\n", person);
    return rc;
}

int
cmd_alerts (cli_t *cli, int argc, char **argv)
{
    static const struct option options[] = {
        { "person", required_argument, NULL, 'p' }, { "follow", no_argument, NULL, 'f' },
        { "json", no_argument, NULL, 'j' },         { NULL, 0, NULL, 0 },
    };
    cli_options_t parser = { .command = "alerts", .usage = s_usage, .options = options };
    const char *person = NULL;
    bool follow = false, as_json = false;
    int option;
    while ((option = cli_option_next (&parser, argc, argv)) != -1) {
        switch (option) {
        case 'p': person = optarg; break;
        case 'f': follow = true; break;
        case 'j': as_json = true; break;
        default: return CLI_EXIT_USAGE;
        }
    }
    if (optind != argc || !person || !*person)
        return cli_usage (s_usage, "alerts: --person is required");
    // The person's id makes the live topic: it must be an id (the service says the same).
    char reason[REASON_BYTES_MAX], echo[ERROR_ECHO_BYTES_MAX];
    if (validate_id_problem (person, reason, sizeof reason)) {
        validate_echo (person, echo, sizeof echo);
        return cli_usage (s_usage, "alerts: person \"%s\" %s", echo, reason);
    }
    return follow ? s_follow (cli, person, as_json) : s_list (cli, person, as_json);
}
