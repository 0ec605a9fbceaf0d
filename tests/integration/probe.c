/*  shanhai-probe: talks to a running service the way a careless or hostile client would, for
    the integration tests.

      shanhai-probe garbage ENDPOINT              a frame that is no Request at all
      shanhai-probe call ENDPOINT METHOD [HEX]    a Request with the raw body HEX (may be empty)
      shanhai-probe head ENDPOINT REPLAY_METHOD   the publisher's newest seq

    Prints "<STATUS> <error>" (or the head seq) and exits 0 when a reply came, 1 when none did,
    2 on bad usage. */
#include <czmq.h>
#include <stdio.h>
#include <string.h>
#include "common/rpc.h"

#define PROBE_TIMEOUT_MS 3000
#define PROBE_BODY_BYTES_MAX 4096

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

int
main (int argc, char **argv)
{
    zsys_init ();
    if (argc == 3 && streq (argv[1], "garbage"))
        return s_garbage (argv[2]);
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
