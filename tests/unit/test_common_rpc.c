/*  rpc over real sockets: a server in an actor thread, clients in the test. */
#include <criterion/criterion.h>
#include <string.h>
#include "common/rpc.h"
#include "support.h"

static char s_endpoint[64];

// Echo: answers a Clock with the request's date as "today"; "test.Fail" answers CONFLICT.
static void
s_echo (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    Shanhai__V1__SetClockRequest *request = (Shanhai__V1__SetClockRequest *) rpc_call_decode (
        call, &shanhai__v1__set_clock_request__descriptor, reply);
    if (!request)
        return;
    Shanhai__V1__Clock clock = SHANHAI__V1__CLOCK__INIT;
    clock.today = request->date;
    rpc_reply_set_body (reply, &clock.base);
    shanhai__v1__set_clock_request__free_unpacked (request, NULL);
}

static void
s_fail (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    rpc_reply_error (reply, RPC_CONFLICT, "always %s", "conflicts");
}

static const rpc_method_t s_methods[] = {
    { "test.Echo", s_echo }, { "test.Fail", s_fail }, { NULL, NULL },
};

// An added method (the skeleton's Health): answers with its own state as "today".
static void
s_added (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    Shanhai__V1__Clock clock = SHANHAI__V1__CLOCK__INIT;
    clock.today = state;
    rpc_reply_set_body (reply, &clock.base);
}

// What rpc_server_add answered for each of RPC_ADDED_METHODS_MAX + 1 methods.
static int s_added_rc[RPC_ADDED_METHODS_MAX + 1];

static void
s_server_actor (zsock_t *pipe, void *args)
{
    rpc_server_t *server = rpc_server_new (s_endpoint, s_methods, NULL);
    for (int index = 0; server && index <= RPC_ADDED_METHODS_MAX; index++) {
        char method[RPC_METHOD_BYTES_MAX];
        snprintf (method, sizeof method, "test.Added%d", index);
        s_added_rc[index] = rpc_server_add (server, method, s_added, "its own state");
    }
    zsock_signal (pipe, server ? 0 : 1);
    if (!server)
        return;
    zpoller_t *poller = zpoller_new (pipe, rpc_server_socket (server), NULL);
    while (true) {
        void *which = zpoller_wait (poller, -1);
        if (which == pipe || !which)
            break;
        rpc_server_handle_all (server);
    }
    zpoller_destroy (&poller);
    rpc_server_destroy (&server);
}

static zactor_t *s_server;

static void
s_start (void)
{
    test_free_endpoint (s_endpoint, sizeof s_endpoint);
    s_server = zactor_new (s_server_actor, NULL);
    cr_assert (s_server);
}

static void
s_stop (void)
{
    zactor_destroy (&s_server);
}

TestSuite (rpc, .init = s_start, .fini = s_stop);

static rpc_status_t
s_echo_call (rpc_client_t *client, const char *date, char **today)
{
    Shanhai__V1__SetClockRequest request = SHANHAI__V1__SET_CLOCK_REQUEST__INIT;
    request.date = (char *) date;
    Shanhai__V1__Clock *clock = NULL;
    rpc_status_t status = rpc_client_call (client, "test.Echo", &request.base,
                                           &shanhai__v1__clock__descriptor,
                                           (ProtobufCMessage **) &clock);
    if (clock) {
        *today = strdup (clock->today);
        shanhai__v1__clock__free_unpacked (clock, NULL);
    }
    return status;
}

Test (rpc, round_trip)
{
    rpc_client_t *client = rpc_client_new (s_endpoint, 2000);
    char *today = NULL;
    cr_assert_eq (s_echo_call (client, "2021-06-30", &today), RPC_OK, "%s",
                  rpc_client_error (client));
    cr_assert_str_eq (today, "2021-06-30");
    free (today);
    rpc_client_destroy (&client);
    rpc_client_destroy (&client);  // safe twice
}

Test (rpc, errors_carry_status_and_text)
{
    rpc_client_t *client = rpc_client_new (s_endpoint, 2000);
    cr_assert_eq (rpc_client_call (client, "test.Fail", NULL, NULL, NULL), RPC_CONFLICT);
    cr_assert_str_eq (rpc_client_error (client), "always conflicts");
    cr_assert_eq (rpc_client_call (client, "test.Nope", NULL, NULL, NULL), RPC_INVALID);
    cr_assert (strstr (rpc_client_error (client), "unknown method 'test.Nope'"));
    rpc_client_destroy (&client);
}

Test (rpc, malformed_body_is_invalid_and_server_keeps_serving)
{
    rpc_client_t *client = rpc_client_new (s_endpoint, 2000);
    const uint8_t garbage[] = { 0xff, 0xff, 0xff, 0xff, 0x0f };
    cr_assert_eq (rpc_client_call_raw (client, "test.Echo", garbage, sizeof garbage, NULL, NULL),
                  RPC_INVALID);
    cr_assert (strstr (rpc_client_error (client), "malformed"));
    char *today = NULL;
    cr_assert_eq (s_echo_call (client, "2022-01-01", &today), RPC_OK);
    free (today);
    rpc_client_destroy (&client);
}

Test (rpc, malformed_envelope_gets_an_invalid_reply)
{
    // A raw DEALER that sends bytes that are no Request at all, then two frames.
    zsock_t *dealer = zsock_new_dealer (s_endpoint);
    zsock_set_rcvtimeo (dealer, 2000);
    zstr_send (dealer, "\xff\xff\xff garbage");
    zframe_t *frame = zframe_recv (dealer);
    cr_assert (frame, "no reply to a malformed frame");
    Shanhai__V1__Reply *reply
        = shanhai__v1__reply__unpack (NULL, zframe_size (frame), zframe_data (frame));
    cr_assert (reply);
    cr_assert_eq (reply->status, RPC_INVALID);
    cr_assert (strstr (reply->error, "not a shanhai.v1.Request"));
    shanhai__v1__reply__free_unpacked (reply, NULL);
    zframe_destroy (&frame);
    zstr_sendm (dealer, "one");
    zstr_send (dealer, "two");
    frame = zframe_recv (dealer);
    cr_assert (frame);
    reply = shanhai__v1__reply__unpack (NULL, zframe_size (frame), zframe_data (frame));
    cr_assert_eq (reply->status, RPC_INVALID);
    cr_assert (strstr (reply->error, "exactly one frame"));
    shanhai__v1__reply__free_unpacked (reply, NULL);
    zframe_destroy (&frame);
    zsock_destroy (&dealer);
}

Test (rpc, request_id_and_method_limits)
{
    rpc_client_t *client = rpc_client_new (s_endpoint, 2000);
    char method[RPC_METHOD_BYTES_MAX + 1];
    memset (method, 'm', sizeof method);
    method[RPC_METHOD_BYTES_MAX] = '\0';
    cr_assert_eq (rpc_client_call (client, method, NULL, NULL, NULL), RPC_INVALID);
    cr_assert (strstr (rpc_client_error (client), "method must be"));
    method[RPC_METHOD_BYTES_MAX - 1] = '\0';
    cr_assert_eq (rpc_client_call (client, method, NULL, NULL, NULL), RPC_INVALID);
    cr_assert (strstr (rpc_client_error (client), "unknown method"),
                "the longest method name is read: %s", rpc_client_error (client));
    rpc_client_destroy (&client);
}

Test (rpc, a_req_socket_works_too)
{
    zsock_t *req = zsock_new_req (s_endpoint);
    zsock_set_rcvtimeo (req, 2000);
    Shanhai__V1__Request request = SHANHAI__V1__REQUEST__INIT;
    request.method = "test.Fail";
    request.request_id = "r1";
    uint8_t buffer[128];
    size_t size = shanhai__v1__request__pack (&request, buffer);
    zframe_t *frame = zframe_new (buffer, size);
    zframe_send (&frame, req, 0);
    frame = zframe_recv (req);
    cr_assert (frame);
    Shanhai__V1__Reply *reply
        = shanhai__v1__reply__unpack (NULL, zframe_size (frame), zframe_data (frame));
    cr_assert_str_eq (reply->request_id, "r1");
    cr_assert_eq (reply->status, RPC_CONFLICT);
    shanhai__v1__reply__free_unpacked (reply, NULL);
    zframe_destroy (&frame);
    zsock_destroy (&req);
}

Test (rpc, no_server_is_unavailable_in_time, .init = NULL, .fini = NULL)
{
    char endpoint[64];
    test_free_endpoint (endpoint, sizeof endpoint);
    rpc_client_t *client = rpc_client_new (endpoint, 200);
    cr_assert_eq (rpc_client_call (client, "test.Echo", NULL, NULL, NULL), RPC_UNAVAILABLE);
    cr_assert (strstr (rpc_client_error (client), "no connection to"), "%s",
               rpc_client_error (client));
    // A client called from inside a loop waits for a connection only a moment, and says so.
    rpc_client_set_connect_wait (client, 20);
    cr_assert_eq (rpc_client_call (client, "test.Echo", NULL, NULL, NULL), RPC_UNAVAILABLE);
    cr_assert (strstr (rpc_client_error (client), "within 20 ms"), "%s",
               rpc_client_error (client));
    rpc_client_destroy (&client);
}

Test (rpc, added_methods_have_their_own_state)
{
    rpc_client_t *client = rpc_client_new (s_endpoint, 2000);
    Shanhai__V1__Clock *clock = NULL;
    cr_assert_eq (rpc_client_call (client, "test.Added3", NULL, &shanhai__v1__clock__descriptor,
                                   (ProtobufCMessage **) &clock),
                  RPC_OK, "%s", rpc_client_error (client));
    cr_assert_str_eq (clock->today, "its own state");
    shanhai__v1__clock__free_unpacked (clock, NULL);
    for (int index = 0; index < RPC_ADDED_METHODS_MAX; index++)
        cr_assert_eq (s_added_rc[index], 0);
    cr_assert_eq (s_added_rc[RPC_ADDED_METHODS_MAX], -1, "one more than the limit");
    rpc_client_destroy (&client);
}
