#include "gateway_http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common/date.h"
#include "common/errstr.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/validate.h"

struct gateway_http_t {
    struct MHD_Daemon *daemon;
    gateway_routes_t *routes;
    gateway_streams_t *streams;
    bool operators_only;
};

// One request on a connection, from its first line to its reply.
typedef struct {
    char url[GATEWAY_URL_BYTES_MAX];
    bool url_too_long;
    bool started;
    char *body;
    size_t body_size;
    bool body_too_large;
    int64_t started_us;
} s_exchange_t;

// A live stream's response: the stream and the connection it parks.
typedef struct {
    gateway_stream_t *stream;
    struct MHD_Connection *connection;
} s_live_t;

static int64_t
s_now_us (void)
{
    struct timespec now;
    clock_gettime (CLOCK_MONOTONIC, &now);
    return (int64_t) now.tv_sec * 1000000 + now.tv_nsec / 1000;
}

// libmicrohttpd's first word on a request: the URL as sent. Returns the exchange, which
// becomes the request's context.
static void *
s_on_uri (void *cls, const char *uri, struct MHD_Connection *connection)
{
    s_exchange_t *exchange = calloc (1, sizeof *exchange);
    if (exchange) {
        exchange->started_us = s_now_us ();
        exchange->url_too_long = strlen (uri) >= sizeof exchange->url;
        snprintf (exchange->url, sizeof exchange->url, "%s", uri);
    }
    return exchange;
}

static void
s_on_completed (void *cls, struct MHD_Connection *connection, void **context,
                enum MHD_RequestTerminationCode code)
{
    s_exchange_t *exchange = *context;
    if (exchange) {
        free (exchange->body);
        free (exchange);
        *context = NULL;
    }
}

static void
s_suspend (void *arg)
{
    MHD_suspend_connection (((s_live_t *) arg)->connection);
}

static void
s_wake (void *arg)
{
    MHD_resume_connection (((s_live_t *) arg)->connection);
}

static ssize_t
s_read_stream (void *cls, uint64_t position, char *buffer, size_t size)
{
    ssize_t result = gateway_stream_read (((s_live_t *) cls)->stream, buffer, size);
    return result < 0 ? MHD_CONTENT_READER_END_OF_STREAM : result;
}

static void
s_free_stream (void *cls)
{
    s_live_t *live = cls;
    gateway_stream_close (live->stream);
    free (live);
}

// Queues reply (whose body the response takes) on connection.
static enum MHD_Result
s_queue (gateway_http_t *self, struct MHD_Connection *connection, gateway_reply_t *reply)
{
    struct MHD_Response *response = NULL;
    s_live_t *live = NULL;
    if (reply->stream && (live = calloc (1, sizeof *live))) {
        live->stream = reply->stream;
        live->connection = connection;
        gateway_stream_bind (reply->stream, s_suspend, s_wake, live);
        response = MHD_create_response_from_callback (MHD_SIZE_UNKNOWN, 4096, s_read_stream,
                                                      live, s_free_stream);
    } else if (reply->stream)
        gateway_stream_close (reply->stream);
    else
        response = MHD_create_response_from_buffer (
            reply->body_size, reply->body,
            reply->body_static ? MHD_RESPMEM_PERSISTENT : MHD_RESPMEM_MUST_FREE);
    if (!response) {
        gateway_reply_free (reply);
        return MHD_NO;
    }
    MHD_add_response_header (response, MHD_HTTP_HEADER_CONTENT_TYPE, reply->content_type);
    MHD_add_response_header (response, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    enum MHD_Result rc = MHD_queue_response (connection, (unsigned) reply->http_status,
                                            response);
    MHD_destroy_response (response);
    return rc;
}

// Takes one chunk of the body, up to GATEWAY_BODY_BYTES_MAX; the rest is read and dropped.
static void
s_take_body (s_exchange_t *exchange, const char *data, size_t size)
{
    if (exchange->body_too_large || exchange->body_size + size > GATEWAY_BODY_BYTES_MAX) {
        exchange->body_too_large = true;
        return;
    }
    char *body = realloc (exchange->body, exchange->body_size + size + 1);
    if (!body) {
        exchange->body_too_large = true;
        return;
    }
    memcpy (body + exchange->body_size, data, size);
    exchange->body = body;
    exchange->body_size += size;
    body[exchange->body_size] = '\0';
}

static const char *
s_header (struct MHD_Connection *connection, const char *name)
{
    return MHD_lookup_connection_value (connection, MHD_HEADER_KIND, name);
}

// The request is complete: answers it.
static enum MHD_Result
s_answer (gateway_http_t *self, struct MHD_Connection *connection, const char *method,
          s_exchange_t *exchange)
{
    gateway_reply_t reply = { 0 };
    char *query = strchr (exchange->url, '?');
    if (query)
        *query++ = '\0';
    gateway_request_t request = {
        .method = method, .path = exchange->url, .query = query ? query : "",
        .key = s_header (connection, "X-Shanhai-Key"),
        .timestamp = s_header (connection, "X-Shanhai-Timestamp"),
        .nonce = s_header (connection, "X-Shanhai-Nonce"),
        .signature = s_header (connection, "X-Shanhai-Signature"),
        .last_event_id = s_header (connection, "Last-Event-ID"),
        .body = exchange->body, .body_size = exchange->body_size,
    };
    static const char too_long[]
        = "{\"code\":\"INVALID\",\"message\":\"the URL is longer than the gateway takes\"}";
    static const char too_large[]
        = "{\"code\":\"INVALID\",\"message\":\"the body is larger than the gateway takes\"}";
    static const char not_here[]
        = "{\"code\":\"NOT_FOUND\",\"message\":\"this listener serves /metrics and "
          "/v1/health only\"}";
    bool operators_path = strcmp (method, "GET") == 0
                          && (strcmp (exchange->url, "/metrics") == 0
                              || strcmp (exchange->url, "/v1/health") == 0);
    if (self->operators_only && !operators_path)
        reply = (gateway_reply_t) { .http_status = 404, .body_static = true,
                                    .content_type = "application/json; charset=utf-8",
                                    .body = (char *) not_here };
    else if (exchange->url_too_long || exchange->body_too_large)
        reply = (gateway_reply_t) { .http_status = 400, .body_static = true,
                                    .content_type = "application/json; charset=utf-8",
                                    .body = (char *) (exchange->url_too_long ? too_long
                                                                             : too_large) };
    if (reply.body)
        reply.body_size = strlen (reply.body);
    else
        gateway_routes_handle (self->routes, &request, &reply);
    int64_t latency_us = s_now_us () - exchange->started_us;
    gateway_routes_count (self->routes, reply.http_status, latency_us);
    if (log_level_current <= LOG_LEVEL_DEBUG) {
        char path[VALIDATE_ESCAPED_BYTES (64)];
        validate_escape (exchange->url, path, sizeof path);
        log_debug ("request", "method=%.8s path=\"%s\" status=%d latency_us=%lld", method,
                   path, reply.http_status, (long long) latency_us);
    }
    return s_queue (self, connection, &reply);
}

static enum MHD_Result
s_on_request (void *cls, struct MHD_Connection *connection, const char *url,
              const char *method, const char *version, const char *upload_data,
              size_t *upload_data_size, void **context)
{
    gateway_http_t *self = cls;
    s_exchange_t *exchange = *context;
    if (!exchange)
        return MHD_NO;  // out of memory when the request began: drop the connection
    if (!exchange->started) {
        exchange->started = true;
        // A body announced larger than the gateway takes is refused before it is read.
        const char *length = s_header (connection, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (length && strtoull (length, NULL, 10) > GATEWAY_BODY_BYTES_MAX) {
            exchange->body_too_large = true;
            return s_answer (self, connection, method, exchange);
        }
        return MHD_YES;  // the headers; the body (if any) comes next
    }
    if (*upload_data_size) {
        s_take_body (exchange, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    return s_answer (self, connection, method, exchange);
}

gateway_http_t *
gateway_http_new (const char *host, int port, bool operators_only, gateway_routes_t *routes,
                  gateway_streams_t *streams, char *errstr, size_t errstr_size)
{
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) port) };
    if (inet_pton (AF_INET, host, &address.sin_addr) != 1) {
        errstr_set (errstr, errstr_size, "SHANHAI_GATEWAY_HTTP: '%s' is not an IPv4 address",
                    host);
        return NULL;
    }
    gateway_http_t *self = calloc (1, sizeof *self);
    if (!self) {
        errstr_set (errstr, errstr_size, "out of memory");
        return NULL;
    }
    self->routes = routes;
    self->streams = streams;
    self->operators_only = operators_only;
    self->daemon = MHD_start_daemon (
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME, 0, NULL,
        NULL, s_on_request, self, MHD_OPTION_SOCK_ADDR, &address,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned) GATEWAY_THREADS,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned) GATEWAY_CONNECTIONS_MAX,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned) GATEWAY_IDLE_TIMEOUT_S,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) GATEWAY_CONNECTION_MEMORY_BYTES,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned) GATEWAY_CONNECTIONS_MAX,
        MHD_OPTION_URI_LOG_CALLBACK, s_on_uri, self,
        MHD_OPTION_NOTIFY_COMPLETED, s_on_completed, self, MHD_OPTION_END);
    if (!self->daemon) {
        errstr_set (errstr, errstr_size, "cannot listen on %s:%d (taken?)", host, port);
        free (self);
        return NULL;
    }
    return self;
}

void
gateway_http_destroy (gateway_http_t **self_p)
{
    if (self_p && *self_p) {
        gateway_http_t *self = *self_p;
        // Parked connections must be woken before the daemon stops (libmicrohttpd's rule):
        // every stream ends, and their workers send what they have and close.
        MHD_socket listener = MHD_quiesce_daemon (self->daemon);
        for (int wait = 0; !self->operators_only && wait < 100
                           && gateway_streams_count (self->streams) > 0; wait++) {
            gateway_streams_end_all (self->streams);
            usleep (10 * 1000);
        }
        MHD_stop_daemon (self->daemon);
        if (listener != MHD_INVALID_SOCKET)
            close (listener);  // libmicrohttpd's rule: the caller's, after the daemon stops
        free (self);
        *self_p = NULL;
    }
}
