/*  The live streams: each alert once and in id order when the inbox and the live stream
    overlap, only the person's own, parked when idle and woken by an alert or a ping, and
    ended after what they have when the queue overflows or the gateway stops. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/limits.h"
#include "gateway_stream.h"

typedef struct {
    int suspended;
    int woken;
} s_connection_t;

static void
s_suspend (void *arg)
{
    ((s_connection_t *) arg)->suspended++;
}

static void
s_wake (void *arg)
{
    ((s_connection_t *) arg)->woken++;
}

static Shanhai__V1__Alert
s_alert (const char *person, uint64_t id)
{
    Shanhai__V1__Alert alert = SHANHAI__V1__ALERT__INIT;
    alert.id = id;
    alert.person = (char *) person;
    alert.pairing = "hb-01";
    alert.rule = "hb-aid-funds";
    alert.year = 2025;
    alert.status = SHANHAI__V1__COMPLIANCE_STATUS__AT_RISK;
    alert.text = "text";
    return alert;
}

// The ids of the events in what the stream sends now, as "1 2 3".
static void
s_ids (gateway_stream_t *stream, char *out, size_t out_size)
{
    char buffer[8192];
    ssize_t size = gateway_stream_read (stream, buffer, sizeof buffer - 1);
    buffer[size > 0 ? size : 0] = '\0';
    out[0] = '\0';
    for (char *at = strstr (buffer, "id: "); at; at = strstr (at + 1, "\nid: ")) {
        char *id = at[0] == '\n' ? at + 5 : at + 4;
        size_t used = strlen (out);
        snprintf (out + used, out_size - used, "%s%ld", used ? " " : "",
                  strtol (id, NULL, 10));
    }
}

Test (gateway_stream, each_alert_once_in_order_when_the_inbox_and_live_overlap)
{
    gateway_streams_t *streams = gateway_streams_new ();
    gateway_stream_t *stream = gateway_streams_open (streams, "p1", 10);
    s_connection_t connection = { 0 };
    gateway_stream_bind (stream, s_suspend, s_wake, &connection);
    Shanhai__V1__Alert live_14 = s_alert ("p1", 14), live_15 = s_alert ("p1", 15);
    Shanhai__V1__Alert other = s_alert ("p12", 16), old = s_alert ("p1", 9);
    gateway_streams_publish (streams, &live_14);
    gateway_streams_publish (streams, &other);
    Shanhai__V1__Alert inbox_12 = s_alert ("p1", 12), inbox_14 = s_alert ("p1", 14);
    gateway_stream_backfill (stream, &inbox_12);
    gateway_stream_backfill (stream, &inbox_14);
    gateway_stream_backfill (stream, &old);
    gateway_streams_publish (streams, &live_15);
    char ids[128];
    s_ids (stream, ids, sizeof ids);
    cr_assert_str_eq (ids, "12 14 15");
    char buffer[64];
    cr_assert_eq (gateway_stream_read (stream, buffer, sizeof buffer), 0, "nothing due");
    cr_assert_eq (connection.suspended, 1);
    gateway_streams_publish (streams, &live_14);  // sent already
    cr_assert_eq (connection.woken, 1);
    cr_assert_eq (gateway_stream_read (stream, buffer, sizeof buffer), 0);
    gateway_streams_ping (streams);
    cr_assert_eq (gateway_stream_read (stream, buffer, sizeof buffer), 8);
    cr_assert (strncmp (buffer, ": ping\n\n", 8) == 0);
    gateway_streams_end_all (streams);
    cr_assert_eq (gateway_stream_read (stream, buffer, sizeof buffer), -1);
    cr_assert_eq (gateway_streams_count (streams), 1);
    gateway_stream_close (stream);
    cr_assert_eq (gateway_streams_count (streams), 0);
    gateway_streams_destroy (&streams);
}

Test (gateway_stream, a_small_buffer_gets_an_event_in_pieces)
{
    gateway_streams_t *streams = gateway_streams_new ();
    gateway_stream_t *stream = gateway_streams_open (streams, "p1", 0);
    Shanhai__V1__Alert alert = s_alert ("p1", 1);
    gateway_streams_publish (streams, &alert);
    char text[4096] = "", piece[7];
    ssize_t size;
    while ((size = gateway_stream_read (stream, piece, sizeof piece)) > 0)
        strncat (text, piece, (size_t) size);
    cr_assert (strncmp (text, "id: 1\nevent: alert\ndata: {\"id\":1,", 33) == 0, "%s", text);
    cr_assert (strcmp (text + strlen (text) - 3, "}\n\n") == 0);
    gateway_stream_close (stream);
    gateway_streams_destroy (&streams);
}

Test (gateway_stream, an_overflowing_stream_ends_after_what_it_has)
{
    gateway_streams_t *streams = gateway_streams_new ();
    gateway_stream_t *stream = gateway_streams_open (streams, "p1", 0);
    for (uint64_t id = 1; id <= GATEWAY_STREAM_QUEUE_ALERTS_MAX + 1; id++) {
        Shanhai__V1__Alert alert = s_alert ("p1", id);
        gateway_streams_publish (streams, &alert);
    }
    char *buffer = malloc (1024 * 1024);
    size_t events = 0;
    ssize_t size;
    while ((size = gateway_stream_read (stream, buffer, 1024 * 1024)) > 0)
        for (ssize_t at = 0; at + 4 <= size; at++)
            events += strncmp (buffer + at, "id: ", 4) == 0;
    cr_assert_eq (size, -1, "ended, for the client to resume after the last id it has");
    cr_assert_eq (events, GATEWAY_STREAM_QUEUE_ALERTS_MAX);
    free (buffer);
    gateway_stream_close (stream);
    gateway_streams_destroy (&streams);
}

Test (gateway_stream, at_most_the_limit_are_open)
{
    gateway_streams_t *streams = gateway_streams_new ();
    gateway_stream_t **open = calloc (GATEWAY_STREAMS_MAX, sizeof *open);
    for (size_t index = 0; index < GATEWAY_STREAMS_MAX; index++)
        cr_assert_not_null (open[index] = gateway_streams_open (streams, "p", 0));
    cr_assert_null (gateway_streams_open (streams, "p", 0));
    for (size_t index = 0; index < GATEWAY_STREAMS_MAX; index++)
        gateway_stream_close (open[index]);
    free (open);
    gateway_streams_destroy (&streams);
}
