/*  shanhai-probe: talks to a running service the way a careless or hostile client would, for
    the integration tests.

      shanhai-probe garbage ENDPOINT              a frame that is no Request at all
      shanhai-probe call ENDPOINT METHOD [HEX]    a Request with the raw body HEX (may be empty)
      shanhai-probe head ENDPOINT REPLAY_METHOD   the publisher's newest seq
      shanhai-probe record-many ENDPOINT COUNT PAIRS YEAR
                                                  COUNT aid-funds events ("bulk-N") spread
                                                  over pairs hb-01..hb-PAIRS in YEAR, 128 in
                                                  flight; prints the fen each pair got
      shanhai-probe changes ENDPOINT              every compliance.changed of the assessment
                                                  at ENDPOINT: "pair rule year prev>status",
                                                  and warnings: "... warning N days status"

    Prints "<STATUS> <error>" (or the head seq) and exits 0 when a reply came, 1 when none did,
    2 on bad usage. */
#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/rpc.h"

#define PROBE_TIMEOUT_MS 3000
#define PROBE_BODY_BYTES_MAX 4096
// Requests record-many keeps outstanding, as a busy client of the data exchange bus would.
#define PROBE_IN_FLIGHT 128

static int
s_garbage (const char *endpoint)
{
    zsock_t *dealer = zsock_new_dealer (endpoint);
    zsock_set_rcvtimeo (dealer, PROBE_TIMEOUT_MS);
    zstr_send (dealer, "\x0a\xff\xff\xff\xff this is not protobuf");
    zframe_t *frame = zframe_recv (dealer);
    int rc = 1;
    if (frame) {
        Shanhai__V1__Reply *reply
            = shanhai__v1__reply__unpack (NULL, zframe_size (frame), zframe_data (frame));
        if (reply) {
            printf ("%s %s\n", rpc_status_name (reply->status), reply->error);
            shanhai__v1__reply__free_unpacked (reply, NULL);
            rc = 0;
        }
        zframe_destroy (&frame);
    }
    zsock_destroy (&dealer);
    return rc;
}

static int
s_hex (const char *text, uint8_t *out, size_t *size)
{
    size_t length = strlen (text);
    if (length % 2 || length / 2 > PROBE_BODY_BYTES_MAX)
        return -1;
    for (size_t index = 0; index < length / 2; index++) {
        unsigned value;
        if (sscanf (text + 2 * index, "%2x", &value) != 1)
            return -1;
        out[index] = (uint8_t) value;
    }
    *size = length / 2;
    return 0;
}

// The request of bulk event number index: amounts vary so that statuses move.
static zframe_t *
s_bulk_request (int index, int pairs, int year, int64_t *amount_fen, int *pair)
{
    char id[32], pairing[16], date[16], request_id[32];
    *pair = index % pairs + 1;
    *amount_fen = 100000 + (int64_t) (index % 7) * 2500000;
    snprintf (id, sizeof id, "bulk-%d", index);
    snprintf (pairing, sizeof pairing, "hb-%02d", *pair);
    snprintf (date, sizeof date, "%d-%02d-%02d", year, 1 + index % 6, 1 + index % 28);
    snprintf (request_id, sizeof request_id, "%d", index);
    Shanhai__V1__LedgerEvent event = SHANHAI__V1__LEDGER_EVENT__INIT;
    event.id = id;
    event.kind = "aid-funds";
    event.pairing = pairing;
    event.date = date;
    event.amount_fen = *amount_fen;
    uint8_t body[512];
    Shanhai__V1__Request request = SHANHAI__V1__REQUEST__INIT;
    request.method = "ledger.Record";
    request.request_id = request_id;
    request.body.data = body;
    request.body.len = shanhai__v1__ledger_event__pack (&event, body);
    zframe_t *frame = zframe_new (NULL, shanhai__v1__request__get_packed_size (&request));
    shanhai__v1__request__pack (&request, zframe_data (frame));
    return frame;
}

// Records count events with PROBE_IN_FLIGHT requests outstanding; every one must be OK.
static int
s_record_many (const char *endpoint, int count, int pairs, int year)
{
    zsock_t *dealer = zsock_new_dealer (endpoint);
    zsock_set_rcvtimeo (dealer, PROBE_TIMEOUT_MS);
    int64_t totals[100] = { 0 };
    int sent = 0, answered = 0, failed = 0;
    while (answered < count) {
        while (sent < count && sent - answered < PROBE_IN_FLIGHT) {
            int64_t amount;
            int pair;
            zframe_t *frame = s_bulk_request (sent++, pairs, year, &amount, &pair);
            totals[pair] += amount;
            zframe_send (&frame, dealer, 0);
        }
        zframe_t *frame = zframe_recv (dealer);
        if (!frame)
            break;
        Shanhai__V1__Reply *reply
            = shanhai__v1__reply__unpack (NULL, zframe_size (frame), zframe_data (frame));
        if (!reply || reply->status != SHANHAI__V1__STATUS__OK) {
            if (failed++ == 0)
                fprintf (stderr, "shanhai-probe: %s\n", reply ? reply->error : "malformed");
        }
        if (reply)
            shanhai__v1__reply__free_unpacked (reply, NULL);
        zframe_destroy (&frame);
        answered++;
    }
    zsock_destroy (&dealer);
    for (int pair = 1; pair <= pairs; pair++)
        printf ("hb-%02d %lld\n", pair, (long long) totals[pair]);
    return answered == count && failed == 0 ? 0 : 1;
}

// Prints every compliance.changed of the assessment, in seq order.
static int
s_changes (const char *endpoint)
{
    rpc_client_t *client = rpc_client_new (endpoint, PROBE_TIMEOUT_MS);
    uint64_t from = 1;
    int rc = 0;
    while (rc == 0) {
        Shanhai__V1__ReplayRequest request = SHANHAI__V1__REPLAY_REQUEST__INIT;
        request.from_seq = from;
        Shanhai__V1__ReplayReply *reply = NULL;
        if (rpc_client_call (client, "assessment.Replay", &request.base,
                             &shanhai__v1__replay_reply__descriptor,
                             (ProtobufCMessage **) &reply) != RPC_OK) {
            rc = 1;
            break;
        }
        for (size_t index = 0; index < reply->n_events; index++) {
            const Shanhai__V1__Event *event = reply->events[index];
            Shanhai__V1__ComplianceChange *change = shanhai__v1__compliance_change__unpack (
                NULL, event->body.len, event->body.data);
            if (change && change->rule && change->warning_days)
                printf ("%s %s %d warning %u days %s\n", change->pairing, change->rule->rule,
                        change->year, change->warning_days,
                        compliance_status_name (change->rule->status));
            else if (change && change->rule)
                printf ("%s %s %d %s>%s\n", change->pairing, change->rule->rule, change->year,
                        compliance_status_name (change->previous),
                        compliance_status_name (change->rule->status));
            if (change)
                shanhai__v1__compliance_change__free_unpacked (change, NULL);
            from = event->seq + 1;
        }
        bool done = reply->n_events == 0 || from > reply->head_seq;
        shanhai__v1__replay_reply__free_unpacked (reply, NULL);
        if (done)
            break;
    }
    rpc_client_destroy (&client);
    return rc;
}

int
main (int argc, char **argv)
{
    zsys_init ();
    if (argc == 3 && streq (argv[1], "garbage"))
        return s_garbage (argv[2]);
    if (argc == 3 && streq (argv[1], "changes"))
        return s_changes (argv[2]);
    if (argc == 6 && streq (argv[1], "record-many")) {
        int count = atoi (argv[3]), pairs = atoi (argv[4]), year = atoi (argv[5]);
        if (count < 1 || pairs < 1 || pairs > 99 || year < 2000 || year > 2099) {
            fprintf (stderr, "shanhai-probe: COUNT >= 1, PAIRS in 1..99, YEAR in 2000..2099\n");
            return 2;
        }
        return s_record_many (argv[2], count, pairs, year);
    }
    if (argc < 4 || (!streq (argv[1], "call") && !streq (argv[1], "head"))) {
        fprintf (stderr, "usage: shanhai-probe garbage ENDPOINT | call ENDPOINT METHOD [HEX] | "
                         "head ENDPOINT REPLAY_METHOD\n");
        return 2;
    }
    rpc_client_t *client = rpc_client_new (argv[2], PROBE_TIMEOUT_MS);
    int rc = 1;
    if (streq (argv[1], "call")) {
        uint8_t body[PROBE_BODY_BYTES_MAX];
        size_t size = 0;
        if (argc > 4 && s_hex (argv[4], body, &size)) {
            fprintf (stderr, "shanhai-probe: HEX must be pairs of hex digits\n");
            rpc_client_destroy (&client);
            return 2;
        }
        rpc_status_t status = rpc_client_call_raw (client, argv[3], body, size, NULL, NULL);
        printf ("%s %s\n", rpc_status_name (status), rpc_client_error (client));
        rc = status == RPC_UNAVAILABLE ? 1 : 0;
    } else {
        Shanhai__V1__ReplayRequest request = SHANHAI__V1__REPLAY_REQUEST__INIT;
        request.from_seq = 1;
        request.max_events = 1;
        Shanhai__V1__ReplayReply *reply = NULL;
        rpc_status_t status = rpc_client_call (client, argv[3], &request.base,
                                               &shanhai__v1__replay_reply__descriptor,
                                               (ProtobufCMessage **) &reply);
        if (status == RPC_OK) {
            printf ("%llu\n", (unsigned long long) reply->head_seq);
            shanhai__v1__replay_reply__free_unpacked (reply, NULL);
            rc = 0;
        } else
            printf ("%s %s\n", rpc_status_name (status), rpc_client_error (client));
    }
    rpc_client_destroy (&client);
    return rc;
}
