/*  rpc.h: request/reply over ZeroMQ, the shanhai way (see proto/shanhai/v1/rpc.proto).

    Server: a ROUTER socket. rpc_server_recv takes one waiting request off the socket (without
    blocking), already decoded and checked (size, method name, request id); a malformed frame
    is answered INVALID there and then, and recv moves on to the next. The service answers each
    call with rpc_server_reply, in any order: the ledger gathers many calls and answers them
    after one commit.

    Client: a DEALER socket with a timeout. rpc_client_call sends one request and waits for the
    reply with the same request id; a reply that does not come in time is UNAVAILABLE, and the
    socket is rebuilt so that the late request cannot be delivered after the caller gave up. */
#ifndef SHANHAI_RPC_H
#define SHANHAI_RPC_H

#include <czmq.h>
#include <stdbool.h>
#include "common/limits.h"
#include "common/proto.h"

typedef struct rpc_server_t rpc_server_t;

// One request taken off the server's socket. The server owns it until it is given back to
// rpc_server_reply, which destroys it.
typedef struct {
    zframe_t *routing_id;
    char method[RPC_METHOD_BYTES_MAX];
    char request_id[RPC_REQUEST_ID_BYTES_MAX];
    uint8_t *body;  // owned by the call
    size_t body_size;
} rpc_call_t;

// A reply being built: status, a one-line error, and the body message (borrowed until sent).
typedef struct {
    rpc_status_t status;
    char error[RPC_ERROR_BYTES_MAX];
    uint8_t *body;  // owned: packed by rpc_reply_set_body, freed by rpc_server_reply
    size_t body_size;
} rpc_reply_t;

// A handler fills reply (it starts as OK with no body).
typedef void (rpc_handler_fn) (void *state, const rpc_call_t *call, rpc_reply_t *reply);
typedef struct {
    const char *method;
    rpc_handler_fn *handler;
} rpc_method_t;

// Binds a ROUTER to endpoint. methods is a table ended by {NULL, NULL}, borrowed for the
// server's life; state is passed to every handler. Returns NULL if the bind fails (logged).
rpc_server_t *rpc_server_new (const char *endpoint, const rpc_method_t *methods, void *state);
void rpc_server_destroy (rpc_server_t **self_p);
// Answers method (copied) with handler and its own state, ahead of the table: the skeleton's
// methods that every service has ("<name>.Health"). Returns 0, or -1 when
// RPC_ADDED_METHODS_MAX are added already or the name is too long.
int rpc_server_add (rpc_server_t *self, const char *method, rpc_handler_fn *handler,
                    void *state);
// The socket, for a zloop reader or a zpoller. Borrowed.
zsock_t *rpc_server_socket (rpc_server_t *self);
// Takes the next well-formed request off the socket without blocking: returns it (the
// caller's, to pass to rpc_server_reply) or NULL when none is waiting.
rpc_call_t *rpc_server_recv (rpc_server_t *self);
// Sends reply for *call_p and destroys the call and the reply's body. Returns 0 or -1.
int rpc_server_reply (rpc_server_t *self, rpc_call_t **call_p, rpc_reply_t *reply);
// Looks the call's method up in the table and runs its handler; an unknown method is
// answered INVALID. Replies and destroys the call.
void rpc_server_dispatch (rpc_server_t *self, rpc_call_t **call_p);
// Reads and dispatches every waiting request (at most ZMQ_HWM_MESSAGES). For a zloop reader.
int rpc_server_handle_all (rpc_server_t *self);

// Sets the reply's status and one-line error (printf-style). Returns the status.
rpc_status_t rpc_reply_error (rpc_reply_t *reply, rpc_status_t status, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
// Packs message as the reply's body. Returns 0, or -1 and sets INTERNAL.
int rpc_reply_set_body (rpc_reply_t *reply, const ProtobufCMessage *message);
// Decodes the call's body as a message of descriptor; on failure sets reply INVALID
// ("malformed <message name>") and returns NULL. The caller frees the message with
// protobuf_c_message_free_unpacked.
ProtobufCMessage *rpc_call_decode (const rpc_call_t *call,
                                   const ProtobufCMessageDescriptor *descriptor,
                                   rpc_reply_t *reply);

typedef struct rpc_client_t rpc_client_t;

// Connects a DEALER to endpoint. timeout_ms bounds each call. Returns NULL on failure.
rpc_client_t *rpc_client_new (const char *endpoint, int timeout_ms);
void rpc_client_destroy (rpc_client_t **self_p);
// Bounds how long a call waits for a connection to the server (default: the whole
// timeout_ms) before it answers UNAVAILABLE without sending. A service calling from inside
// its loop (a catch-up, a snapshot) sets RPC_CONNECT_WAIT_MS, so that a publisher that is
// down costs it a moment, not RPC_TIMEOUT_MS.
void rpc_client_set_connect_wait (rpc_client_t *self, int wait_ms);
// Calls method with request (may be NULL for an empty body). On OK, and when reply_descriptor
// is not NULL, *reply_out gets the decoded reply (the caller frees it with
// protobuf_c_message_free_unpacked). Returns the reply's status; UNAVAILABLE when no reply
// came in time, INTERNAL when the reply could not be decoded. The error text of anything but
// OK is in rpc_client_error until the next call.
rpc_status_t rpc_client_call (rpc_client_t *self, const char *method,
                              const ProtobufCMessage *request,
                              const ProtobufCMessageDescriptor *reply_descriptor,
                              ProtobufCMessage **reply_out);
// Sends an already packed body as it is (for tests and tools that must send raw bytes).
rpc_status_t rpc_client_call_raw (rpc_client_t *self, const char *method, const uint8_t *body,
                                  size_t body_size, uint8_t **reply_body, size_t *reply_size);
const char *rpc_client_error (rpc_client_t *self);
const char *rpc_client_endpoint (rpc_client_t *self);

#endif
