/*  gateway_http.h: the gateway's HTTP server on libmicrohttpd: a pool of GATEWAY_THREADS
    worker threads on epoll, each connection bounded in memory, idle time, body size and URL
    length (limits.h), answering every complete request with gateway_routes_handle and serving
    a live stream by parking its connection until the stream has something to send.

    The URL is taken as the client sent it (not decoded), so that the signature is checked
    over the same bytes the client signed. */
#ifndef SHANHAI_GATEWAY_HTTP_H
#define SHANHAI_GATEWAY_HTTP_H

#include <stdbool.h>
#include "gateway_routes.h"

typedef struct gateway_http_t gateway_http_t;

// Listens on host:port (an IPv4 address) and serves with routes (borrowed; it must outlive
// the server). An operators' listener serves GET /metrics and /v1/health alone (everything
// else is 404), so that they can be bound where operators want them. Returns NULL with one
// line in errstr when it cannot listen.
gateway_http_t *gateway_http_new (const char *host, int port, bool operators_only,
                                  gateway_routes_t *routes, gateway_streams_t *streams,
                                  char *errstr, size_t errstr_size);
// Stops accepting, ends the live streams, stops the workers and frees the server; safe on
// NULL and twice.
void gateway_http_destroy (gateway_http_t **self_p);

#endif
