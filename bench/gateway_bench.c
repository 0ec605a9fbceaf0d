#define _GNU_SOURCE  // strcasestr
/*  The gateway's share of `make bench`: signed POST /v1/events from BENCH_GATEWAY_CONNECTIONS
    keep-alive connections at once, each a thread that signs (HMAC-SHA256, as a bus client
    does), sends, and reads its reply before the next. */
#include "gateway_bench.h"

#include <arpa/inet.h>
#include <czmq.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "common/date.h"
#include "gateway_auth.h"

// Connections kept busy at once, as a bus with many clients would.
#define BENCH_GATEWAY_CONNECTIONS 64
// A request's or a reply's head and body: an event is a few hundred bytes.
#define BENCH_GATEWAY_BUFFER_BYTES 8192

typedef struct {
    const char *host;
    int port;
    const char *key, *secret, *pair, *date;
    long first, count;  // this thread's events
    long failures;
    pthread_t thread;
} s_worker_t;

// Reads one HTTP reply (head and Content-Length body). Returns its status, or -1.
static int
s_read_reply (int fd, char *buffer, size_t size)
{
    size_t used = 0;
    char *end = NULL;
    while (!(end = strstr (buffer, "\r\n\r\n"))) {
        ssize_t got = used + 1 < size ? read (fd, buffer + used, size - used - 1) : -1;
        if (got <= 0)
            return -1;
        used += (size_t) got;
        buffer[used] = '\0';
    }
    const char *length_at = strcasestr (buffer, "Content-Length:");
    size_t body = length_at ? strtoul (length_at + 15, NULL, 10) : 0;
    size_t want = (size_t) (end + 4 - buffer) + body;
    while (used < want) {
        ssize_t got = used + 1 < size ? read (fd, buffer + used, size - used - 1) : -1;
        if (got <= 0)
            return -1;
        used += (size_t) got;
    }
    return (int) strtol (buffer + 9, NULL, 10);  // "HTTP/1.1 200 OK"
}

// Sends one signed event. Returns 0 when it was answered 200.
static int
s_post (s_worker_t *worker, int fd, long index, char *buffer)
{
    char body[256], timestamp[24], nonce[48], signature[GATEWAY_SIGNATURE_BYTES_MAX];
    snprintf (body, sizeof body, "{\"id\":\"gw-%d-%ld\",\"kind\":\"aid-funds\",\"pair\":\"%s\","
              "\"amount_fen\":100,\"date\":\"%s\"}", (int) getpid (), index, worker->pair,
              worker->date);
    snprintf (timestamp, sizeof timestamp, "%lld", (long long) date_now_ms ());
    snprintf (nonce, sizeof nonce, "bench-%d-%ld", (int) getpid (), index);
    char *canonical = gateway_auth_canonical ("POST", "/v1/events", NULL, timestamp, nonce, body,
                                              strlen (body));
    if (!canonical)
        return -1;
    gateway_auth_sign (worker->secret, canonical, signature);
    free (canonical);
    int length = snprintf (buffer, BENCH_GATEWAY_BUFFER_BYTES,
                           "POST /v1/events HTTP/1.1\r\nHost: gateway\r\n"
                           "Content-Type: application/json\r\nContent-Length: %zu\r\n"
                           "X-Shanhai-Key: %s\r\nX-Shanhai-Timestamp: %s\r\n"
                           "X-Shanhai-Nonce: %s\r\nX-Shanhai-Signature: %s\r\n\r\n%s",
                           strlen (body), worker->key, timestamp, nonce, signature, body);
    if (write (fd, buffer, (size_t) length) != length)
        return -1;
    buffer[0] = '\0';
    return s_read_reply (fd, buffer, BENCH_GATEWAY_BUFFER_BYTES) == 200 ? 0 : -1;
}

static void *
s_work (void *arg)
{
    s_worker_t *worker = arg;
    struct sockaddr_in address = { .sin_family = AF_INET,
                                   .sin_port = htons ((uint16_t) worker->port) };
    inet_pton (AF_INET, worker->host, &address.sin_addr);
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    char *buffer = malloc (BENCH_GATEWAY_BUFFER_BYTES);
    if (fd < 0 || !buffer || connect (fd, (struct sockaddr *) &address, sizeof address) != 0)
        worker->failures = worker->count;
    for (long index = 0; index < worker->count && worker->failures == 0; index++)
        if (s_post (worker, fd, worker->first + index, buffer))
            worker->failures++;
    if (fd >= 0)
        close (fd);
    free (buffer);
    return NULL;
}

int
bench_gateway (const char *host, int port, const char *key, const char *secret,
               const char *pair, const char *date, long count)
{
    s_worker_t workers[BENCH_GATEWAY_CONNECTIONS];
    long share = count / BENCH_GATEWAY_CONNECTIONS;
    int64_t start = zclock_usecs ();
    for (int index = 0; index < BENCH_GATEWAY_CONNECTIONS; index++) {
        workers[index] = (s_worker_t) { .host = host, .port = port, .key = key,
                                        .secret = secret, .pair = pair, .date = date,
                                        .first = index * share, .count = share };
        pthread_create (&workers[index].thread, NULL, s_work, &workers[index]);
    }
    long failures = 0;
    for (int index = 0; index < BENCH_GATEWAY_CONNECTIONS; index++) {
        pthread_join (workers[index].thread, NULL);
        failures += workers[index].failures;
    }
    double seconds = (zclock_usecs () - start) / 1e6;
    long done = share * BENCH_GATEWAY_CONNECTIONS;
    printf ("%-34s %8ld in %7.3f s  %10.0f /s\n", "gateway POST /v1/events, 64 conns", done,
            seconds, done / seconds);
    if (failures)
        fprintf (stderr, "%ld requests failed\n", failures);
    return failures ? 1 : 0;
}
