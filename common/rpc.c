#include "common/rpc.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common/log.h"


struct rpc_server_t {
    zsock_t *router;
    const rpc_method_t *methods;
    void *state;
    // Methods added by rpc_server_add (the skeleton's own), each with its own state.
    rpc_method_t added[RPC_ADDED_METHODS_MAX];
    void *added_states[RPC_ADDED_METHODS_MAX];
    char added_names[RPC_ADDED_METHODS_MAX][RPC_METHOD_BYTES_MAX];
    size_t added_count;
};

// A call keeps whether the client sent REQ's empty delimiter, so that the reply carries it too
// (REQ clients of other languages work as well as DEALER ones).
typedef struct {
    rpc_call_t call;
    bool delimited;
} s_call_t;

static void
s_socket_limits (zsock_t *socket)
{
    zsock_set_linger (socket, 0);
    zsock_set_sndhwm (socket, ZMQ_HWM_MESSAGES);
    zsock_set_rcvhwm (socket, ZMQ_HWM_MESSAGES);
    zsock_set_maxmsgsize (socket, RPC_MESSAGE_BYTES_MAX + RPC_ENVELOPE_BYTES_MAX);
}

rpc_server_t *
rpc_server_new (const char *endpoint, const rpc_method_t *methods, void *state)
{
    assert (endpoint && methods);
    rpc_server_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->methods = methods;
    self->state = state;
    self->router = zsock_new (ZMQ_ROUTER);
    if (!self->router) {
        free (self);
        return NULL;
    }
    s_socket_limits (self->router);
    // Never block the service on a reply to a client that has gone: drop it instead.
    zsock_set_sndtimeo (self->router, 0);
    zsock_set_rcvtimeo (self->router, 0);
    if (zsock_bind (self->router, "%s", endpoint) == -1) {
        log_error ("cannot bind", "endpoint=%s error=\"%s\"", endpoint,
                   zmq_strerror (zmq_errno ()));
        rpc_server_destroy (&self);
        return NULL;
    }
    return self;
}

void
rpc_server_destroy (rpc_server_t **self_p)
{
    if (self_p && *self_p) {
        zsock_destroy (&(*self_p)->router);
        free (*self_p);
        *self_p = NULL;
    }
}

zsock_t *
rpc_server_socket (rpc_server_t *self)
{
    return self->router;
}

static void
s_call_destroy (rpc_call_t **call_p)
{
    if (call_p && *call_p) {
        zframe_destroy (&(*call_p)->routing_id);
        free ((*call_p)->body);
        free (*call_p);
        *call_p = NULL;
    }
}

// Checks the envelope and copies it into a call. Returns NULL and fills reply when the frame
// is not a request shanhai can answer; request_id then gets the caller's id when it can be
// read, so that the error reaches the caller that is waiting for it.
static rpc_call_t *
s_call_from_frame (zframe_t *frame, rpc_reply_t *reply, char request_id[RPC_REQUEST_ID_BYTES_MAX])
{
    Shanhai__V1__Request *request
        = shanhai__v1__request__unpack (NULL, zframe_size (frame), zframe_data (frame));
    if (!request) {
        rpc_reply_error (reply, RPC_INVALID, "malformed request: not a shanhai.v1.Request");
        return NULL;
    }
    rpc_call_t *call = NULL;
    if (strlen (request->request_id) < RPC_REQUEST_ID_BYTES_MAX)
        memcpy (request_id, request->request_id, strlen (request->request_id) + 1);
    size_t method_length = strlen (request->method);
    if (method_length == 0 || method_length >= RPC_METHOD_BYTES_MAX)
        rpc_reply_error (reply, RPC_INVALID, "method must be 1..%d bytes",
                         RPC_METHOD_BYTES_MAX - 1);
    else if (strlen (request->request_id) >= RPC_REQUEST_ID_BYTES_MAX)
        rpc_reply_error (reply, RPC_INVALID, "request_id must be at most %d bytes",
                         RPC_REQUEST_ID_BYTES_MAX - 1);
    else if (request->body.len > RPC_MESSAGE_BYTES_MAX)
        rpc_reply_error (reply, RPC_INVALID, "body over %d bytes", RPC_MESSAGE_BYTES_MAX);
    else {
        s_call_t *wrapper = calloc (1, sizeof *wrapper);
        call = wrapper ? &wrapper->call : NULL;
        if (call && request->body.len) {
            call->body = malloc (request->body.len);
            if (!call->body) {
                free (wrapper);
                call = NULL;
            } else {
                memcpy (call->body, request->body.data, request->body.len);
                call->body_size = request->body.len;
            }
        }
        if (call) {
            memcpy (call->method, request->method, method_length + 1);
            memcpy (call->request_id, request->request_id, strlen (request->request_id) + 1);
        } else
            rpc_reply_error (reply, RPC_INTERNAL, "out of memory");
    }
    shanhai__v1__request__free_unpacked (request, NULL);
    return call;
}

static int
s_send_reply (zsock_t *router, zframe_t *routing_id, bool delimited, const char *request_id,
              rpc_reply_t *reply)
{
    Shanhai__V1__Reply message = SHANHAI__V1__REPLY__INIT;
    message.request_id = (char *) request_id;
    message.status = reply->status;
    message.error = reply->status == RPC_OK ? "" : reply->error;
    message.body.data = reply->body;
    message.body.len = reply->status == RPC_OK ? reply->body_size : 0;
    size_t size = shanhai__v1__reply__get_packed_size (&message);
    zframe_t *frame = zframe_new (NULL, size);
    if (!frame)
        return -1;
    size_t packed = shanhai__v1__reply__pack (&message, zframe_data (frame));
    assert (packed == size);
    zmsg_t *msg = zmsg_new ();
    zmsg_append (msg, &routing_id);
    if (delimited)
        zmsg_addmem (msg, NULL, 0);
    zmsg_append (msg, &frame);
    int rc = zmsg_send (&msg, router);
    if (rc != 0) {
        log_warn ("reply dropped", "request_id=%s error=\"%s\"", request_id,
                  zmq_strerror (zmq_errno ()));
        zmsg_destroy (&msg);
    }
    return rc;
}

rpc_call_t *
rpc_server_recv (rpc_server_t *self)
{
    for (int attempt = 0; attempt < ZMQ_HWM_MESSAGES; attempt++) {
        zmsg_t *msg = zmsg_recv (self->router);
        if (!msg)
            return NULL;
        zframe_t *routing_id = zmsg_pop (msg);
        bool delimited = false;
        if (zmsg_size (msg) == 2 && zframe_size (zmsg_first (msg)) == 0) {
            zframe_t *delimiter = zmsg_pop (msg);
            zframe_destroy (&delimiter);
            delimited = true;
        }
        rpc_reply_t reply = { .status = RPC_OK };
        rpc_call_t *call = NULL;
        char request_id[RPC_REQUEST_ID_BYTES_MAX] = "";
        if (zmsg_size (msg) != 1)
            rpc_reply_error (&reply, RPC_INVALID, "a request is exactly one frame, not %zu",
                             zmsg_size (msg));
        else
            call = s_call_from_frame (zmsg_first (msg), &reply, request_id);
        zmsg_destroy (&msg);
        if (call) {
            call->routing_id = routing_id;
            ((s_call_t *) call)->delimited = delimited;
            return call;
        }
        log_warn ("request refused", "error=\"%s\"", reply.error);
        if (routing_id)
            s_send_reply (self->router, zframe_dup (routing_id), delimited, request_id, &reply);
        zframe_destroy (&routing_id);
    }
    return NULL;
}

int
rpc_server_reply (rpc_server_t *self, rpc_call_t **call_p, rpc_reply_t *reply)
{
    assert (call_p && *call_p && reply);
    rpc_call_t *call = *call_p;
    if (reply->status != RPC_OK)
        log_info ("request failed", "method=%s request_id=%s status=%s error=\"%s\"",
                  call->method, call->request_id, rpc_status_name (reply->status), reply->error);
    zframe_t *routing_id = call->routing_id;
    call->routing_id = NULL;
    int rc = s_send_reply (self->router, routing_id, ((s_call_t *) call)->delimited,
                           call->request_id, reply);
    free (reply->body);
    reply->body = NULL;
    reply->body_size = 0;
    s_call_destroy (call_p);
    return rc;
}

int
rpc_server_add (rpc_server_t *self, const char *method, rpc_handler_fn *handler, void *state)
{
    assert (self && method && handler);
    if (self->added_count == RPC_ADDED_METHODS_MAX || strlen (method) >= RPC_METHOD_BYTES_MAX)
        return -1;
    size_t index = self->added_count++;
    snprintf (self->added_names[index], RPC_METHOD_BYTES_MAX, "%s", method);
    self->added[index] = (rpc_method_t) { self->added_names[index], handler };
    self->added_states[index] = state;
    return 0;
}

void
rpc_server_dispatch (rpc_server_t *self, rpc_call_t **call_p)
{
    rpc_call_t *call = *call_p;
    rpc_reply_t reply = { .status = RPC_OK };
    for (size_t index = 0; index < self->added_count; index++)
        if (strcmp (self->added_names[index], call->method) == 0) {
            self->added[index].handler (self->added_states[index], call, &reply);
            rpc_server_reply (self, call_p, &reply);
            return;
        }
    const rpc_method_t *method = self->methods;
    while (method->method && strcmp (method->method, call->method) != 0)
        method++;
    if (method->method)
        method->handler (self->state, call, &reply);
    else
        rpc_reply_error (&reply, RPC_INVALID, "unknown method '%s'", call->method);
    rpc_server_reply (self, call_p, &reply);
}

int
rpc_server_handle_all (rpc_server_t *self)
{
    for (int count = 0; count < ZMQ_HWM_MESSAGES; count++) {
        rpc_call_t *call = rpc_server_recv (self);
        if (!call)
            break;
        rpc_server_dispatch (self, &call);
    }
    return 0;
}

rpc_status_t
rpc_reply_error (rpc_reply_t *reply, rpc_status_t status, const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    vsnprintf (reply->error, sizeof reply->error, fmt, args);
    va_end (args);
    reply->status = status;
    return status;
}

int
rpc_reply_set_body (rpc_reply_t *reply, const ProtobufCMessage *message)
{
    size_t size = protobuf_c_message_get_packed_size (message);
    uint8_t *body = malloc (size ? size : 1);
    if (!body) {
        rpc_reply_error (reply, RPC_INTERNAL, "out of memory");
        return -1;
    }
    size_t packed = protobuf_c_message_pack (message, body);
    assert (packed == size);
    free (reply->body);
    reply->body = body;
    reply->body_size = size;
    return 0;
}

ProtobufCMessage *
rpc_call_decode (const rpc_call_t *call, const ProtobufCMessageDescriptor *descriptor,
                 rpc_reply_t *reply)
{
    ProtobufCMessage *message
        = protobuf_c_message_unpack (descriptor, NULL, call->body_size, call->body);
    if (!message)
        rpc_reply_error (reply, RPC_INVALID, "malformed %s for %s", descriptor->name,
                         call->method);
    return message;
}

struct rpc_client_t {
    zsock_t *dealer;
    char endpoint[ENDPOINT_BYTES_MAX];
    int timeout_ms;
    int connect_wait_ms;  // how long a send waits for a connection to the server
    uint64_t counter;
    char error[RPC_ERROR_BYTES_MAX];
};

static int
s_client_connect (rpc_client_t *self)
{
    zsock_destroy (&self->dealer);
    self->dealer = zsock_new (ZMQ_DEALER);
    if (!self->dealer)
        return -1;
    s_socket_limits (self->dealer);
    // Queue nothing for a server that is not connected: a request is sent to a live peer or
    // not at all, so it cannot arrive after its caller gave up.
    zsock_set_immediate (self->dealer, 1);
    zsock_set_sndtimeo (self->dealer, self->connect_wait_ms);
    if (zsock_connect (self->dealer, "%s", self->endpoint) == -1) {
        log_error ("cannot connect", "endpoint=%s", self->endpoint);
        zsock_destroy (&self->dealer);
        return -1;
    }
    return 0;
}

rpc_client_t *
rpc_client_new (const char *endpoint, int timeout_ms)
{
    assert (endpoint && timeout_ms > 0);
    rpc_client_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    snprintf (self->endpoint, sizeof self->endpoint, "%s", endpoint);
    self->timeout_ms = timeout_ms;
    self->connect_wait_ms = timeout_ms;
    if (s_client_connect (self)) {
        free (self);
        return NULL;
    }
    return self;
}

void
rpc_client_set_connect_wait (rpc_client_t *self, int wait_ms)
{
    assert (wait_ms > 0 && wait_ms <= self->timeout_ms);
    self->connect_wait_ms = wait_ms;
    if (self->dealer)
        zsock_set_sndtimeo (self->dealer, wait_ms);
}

void
rpc_client_destroy (rpc_client_t **self_p)
{
    if (self_p && *self_p) {
        zsock_destroy (&(*self_p)->dealer);
        free (*self_p);
        *self_p = NULL;
    }
}

const char *
rpc_client_error (rpc_client_t *self)
{
    return self->error;
}

const char *
rpc_client_endpoint (rpc_client_t *self)
{
    return self->endpoint;
}

static rpc_status_t
s_client_fail (rpc_client_t *self, rpc_status_t status, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

static rpc_status_t
s_client_fail (rpc_client_t *self, rpc_status_t status, const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    vsnprintf (self->error, sizeof self->error, fmt, args);
    va_end (args);
    return status;
}

// Waits for the reply to request_id until the deadline; other replies are late answers to
// calls that timed out, and are dropped. Returns the reply (the caller frees it) or NULL.
static Shanhai__V1__Reply *
s_client_wait (rpc_client_t *self, const char *request_id, int64_t deadline_ms)
{
    zpoller_t *poller = zpoller_new (self->dealer, NULL);
    Shanhai__V1__Reply *reply = NULL;
    while (!reply) {
        int64_t left_ms = deadline_ms - zclock_mono ();
        if (left_ms <= 0 || !poller)
            break;
        if (!zpoller_wait (poller, (int) left_ms))
            break;  // timed out or interrupted
        zframe_t *frame = zframe_recv (self->dealer);
        if (!frame)
            break;
        reply = shanhai__v1__reply__unpack (NULL, zframe_size (frame), zframe_data (frame));
        zframe_destroy (&frame);
        if (reply && strcmp (reply->request_id, request_id) != 0) {
            shanhai__v1__reply__free_unpacked (reply, NULL);
            reply = NULL;
        }
    }
    zpoller_destroy (&poller);
    return reply;
}

// Sends one request and returns its reply, or NULL with the reason in self->error (and the
// socket rebuilt, so that nothing of this call lingers).
static Shanhai__V1__Reply *
s_client_exchange (rpc_client_t *self, const char *method, const uint8_t *body, size_t size)
{
    if (!self->dealer && s_client_connect (self)) {
        s_client_fail (self, RPC_UNAVAILABLE, "cannot connect to %s", self->endpoint);
        return NULL;
    }
    char request_id[RPC_REQUEST_ID_BYTES_MAX];
    snprintf (request_id, sizeof request_id, "%d-%llu", (int) getpid (),
              (unsigned long long) ++self->counter);
    Shanhai__V1__Request request = SHANHAI__V1__REQUEST__INIT;
    request.method = (char *) method;
    request.request_id = request_id;
    request.body.data = (uint8_t *) body;
    request.body.len = size;
    size_t packed_size = shanhai__v1__request__get_packed_size (&request);
    zframe_t *frame = zframe_new (NULL, packed_size);
    if (!frame) {
        s_client_fail (self, RPC_INTERNAL, "out of memory");
        return NULL;
    }
    shanhai__v1__request__pack (&request, zframe_data (frame));
    int64_t deadline_ms = zclock_mono () + self->timeout_ms;
    Shanhai__V1__Reply *reply = NULL;
    if (zframe_send (&frame, self->dealer, 0) != 0) {
        // No connection to the server: nothing was sent, so nothing can arrive late, and
        // the socket keeps reconnecting by itself for the next call.
        zframe_destroy (&frame);
        s_client_fail (self, RPC_UNAVAILABLE, "no connection to %s for %s within %d ms",
                       self->endpoint, method, self->connect_wait_ms);
        return NULL;
    }
    reply = s_client_wait (self, request_id, deadline_ms);
    if (!reply) {
        s_client_fail (self, RPC_UNAVAILABLE, "no reply from %s to %s within %d ms",
                       self->endpoint, method, self->timeout_ms);
        s_client_connect (self);
    }
    return reply;
}

rpc_status_t
rpc_client_call_raw (rpc_client_t *self, const char *method, const uint8_t *body,
                     size_t body_size, uint8_t **reply_body, size_t *reply_size)
{
    self->error[0] = '\0';
    if (reply_body)
        *reply_body = NULL;
    if (reply_size)
        *reply_size = 0;
    Shanhai__V1__Reply *reply = s_client_exchange (self, method, body, body_size);
    if (!reply)
        return RPC_UNAVAILABLE;
    rpc_status_t status = reply->status;
    if (status != RPC_OK)
        s_client_fail (self, status, "%s", reply->error);
    else if (reply_body) {
        *reply_body = malloc (reply->body.len ? reply->body.len : 1);
        if (!*reply_body)
            status = s_client_fail (self, RPC_INTERNAL, "out of memory");
        else {
            if (reply->body.len)
                memcpy (*reply_body, reply->body.data, reply->body.len);
            if (reply_size)
                *reply_size = reply->body.len;
        }
    }
    shanhai__v1__reply__free_unpacked (reply, NULL);
    return status;
}

rpc_status_t
rpc_client_call (rpc_client_t *self, const char *method, const ProtobufCMessage *request,
                 const ProtobufCMessageDescriptor *reply_descriptor, ProtobufCMessage **reply_out)
{
    uint8_t *body = NULL;
    size_t size = 0;
    if (request) {
        size = protobuf_c_message_get_packed_size (request);
        body = malloc (size ? size : 1);
        if (!body)
            return s_client_fail (self, RPC_INTERNAL, "out of memory");
        protobuf_c_message_pack (request, body);
    }
    uint8_t *reply_body = NULL;
    size_t reply_size = 0;
    rpc_status_t status = rpc_client_call_raw (self, method, body, size, &reply_body,
                                               &reply_size);
    free (body);
    if (status == RPC_OK && reply_descriptor && reply_out) {
        *reply_out = protobuf_c_message_unpack (reply_descriptor, NULL, reply_size, reply_body);
        if (!*reply_out)
            status = s_client_fail (self, RPC_INTERNAL, "malformed %s in the reply to %s",
                                    reply_descriptor->name, method);
    }
    free (reply_body);
    return status;
}
