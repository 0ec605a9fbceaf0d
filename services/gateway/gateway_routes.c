#define _GNU_SOURCE  // vasprintf: a message of any length
#include "gateway_routes.h"

#include <assert.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/answer_json.h"
#include "common/date.h"
#include "common/event_json.h"
#include "common/log.h"
#include "common/rpc.h"
#include "common/validate.h"
#include "gateway_metrics.h"

enum { S_REGISTRY, S_LEDGER, S_ASSESSMENT, S_NOTIFICATION, S_SERVICES };
static const char *s_service_names[S_SERVICES] = { "registry", "ledger", "assessment",
                                                   "notification" };

// One worker thread's clients of the services: a ZeroMQ socket belongs to one thread.
typedef struct s_clients_t {
    rpc_client_t *services[S_SERVICES];
    struct s_clients_t *next;
} s_clients_t;

struct gateway_routes_t {
    gateway_routes_deps_t deps;
    pthread_key_t clients_key;
    pthread_mutex_t clients_lock;
    s_clients_t *clients;  // every thread's, freed by destroy
    gateway_metrics_t *metrics;
};

// A query parameter, decoded.
typedef struct {
    char name[32];
    char value[GATEWAY_URL_BYTES_MAX];
} s_param_t;

typedef struct {
    size_t count;
    s_param_t params[GATEWAY_QUERY_PARAMS_MAX];
} s_query_t;

// The error codes of the JSON replies and their HTTP statuses.
static const struct {
    const char *code;
    int http_status;
} s_codes[] = {
    { "INVALID", 400 },     { "NOT_FOUND", 404 },   { "CONFLICT", 409 },
    { "UNAUTHENTICATED", 401 }, { "FORBIDDEN", 403 }, { "UNAVAILABLE", 503 },
    { "INTERNAL", 500 },
};

gateway_routes_t *
gateway_routes_new (const gateway_routes_deps_t *deps)
{
    assert (deps && deps->config && deps->apps && deps->nonces && deps->replica
            && deps->replica_lock && deps->streams);
    gateway_routes_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->deps = *deps;
    self->metrics = gateway_metrics_new ();
    if (!self->metrics || pthread_key_create (&self->clients_key, NULL) != 0) {
        gateway_metrics_destroy (&self->metrics);
        free (self);
        return NULL;
    }
    pthread_mutex_init (&self->clients_lock, NULL);
    return self;
}

void
gateway_routes_destroy (gateway_routes_t **self_p)
{
    if (self_p && *self_p) {
        gateway_routes_t *self = *self_p;
        while (self->clients) {
            s_clients_t *clients = self->clients;
            self->clients = clients->next;
            for (size_t index = 0; index < S_SERVICES; index++)
                rpc_client_destroy (&clients->services[index]);
            free (clients);
        }
        pthread_key_delete (self->clients_key);
        pthread_mutex_destroy (&self->clients_lock);
        gateway_metrics_destroy (&self->metrics);
        free (self);
        *self_p = NULL;
    }
}

// This thread's client of service, made on first use; NULL when out of memory.
static rpc_client_t *
s_client (gateway_routes_t *self, int service)
{
    s_clients_t *clients = pthread_getspecific (self->clients_key);
    if (!clients) {
        clients = calloc (1, sizeof *clients);
        if (!clients)
            return NULL;
        const config_t *config = self->deps.config;
        const char *endpoints[S_SERVICES] = { config->registry_rpc, config->ledger_rpc,
                                              config->assessment_rpc, config->notification_rpc };
        for (size_t index = 0; index < S_SERVICES; index++) {
            clients->services[index] = rpc_client_new (endpoints[index], RPC_TIMEOUT_MS);
            // A service that is down costs a request a moment, not the whole timeout.
            if (clients->services[index])
                rpc_client_set_connect_wait (clients->services[index], RPC_CONNECT_WAIT_MS);
        }
        pthread_mutex_lock (&self->clients_lock);
        clients->next = self->clients;
        self->clients = clients;
        pthread_mutex_unlock (&self->clients_lock);
        pthread_setspecific (self->clients_key, clients);
    }
    return clients->services[service];
}

void
gateway_reply_free (gateway_reply_t *reply)
{
    if (!reply->body_static)
        free (reply->body);
    reply->body = NULL;
}

// Sets reply to root (taken), compact, keys in the order built.
static void
s_json (gateway_reply_t *reply, int http_status, json_t *root)
{
    char *text = root ? json_dumps (root, JSON_PRESERVE_ORDER | JSON_COMPACT) : NULL;
    json_decref (root);
    reply->http_status = text ? http_status : 500;
    reply->content_type = "application/json; charset=utf-8";
    reply->body = text ? text : strdup ("{\"code\":\"INTERNAL\",\"message\":\"out of memory\"}");
    reply->body_size = reply->body ? strlen (reply->body) : 0;
}

// {"code": "OK", "data": data} (data taken), with "next" when next is not NULL (taken).
static void
s_ok (gateway_reply_t *reply, json_t *data, json_t *next)
{
    json_t *root = data ? json_pack ("{s:s, s:o}", "code", "OK", "data", data) : NULL;
    if (root && next)
        json_object_set_new (root, "next", next);
    else if (next)
        json_decref (next);
    s_json (reply, 200, root);
}

static void s_error (gateway_reply_t *reply, const char *code, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

// {"code": code, "message": ...} with code's HTTP status; the message is one printable line.
static void
s_error (gateway_reply_t *reply, const char *code, const char *fmt, ...)
{
    int http_status = 500;
    for (size_t index = 0; index < sizeof s_codes / sizeof s_codes[0]; index++)
        if (strcmp (s_codes[index].code, code) == 0)
            http_status = s_codes[index].http_status;
    va_list args;
    va_start (args, fmt);
    char *message = NULL;
    if (vasprintf (&message, fmt, args) < 0)
        message = NULL;
    va_end (args);
    size_t size = message ? VALIDATE_ESCAPED_BYTES (strlen (message)) : 0;
    char *escaped = message ? malloc (size) : NULL;
    if (escaped)
        validate_escape (message, escaped, size);
    s_json (reply, http_status, json_pack ("{s:s, s:s}", "code", code, "message",
                                           escaped ? escaped : "out of memory"));
    free (escaped);
    free (message);
}

// A service's answer other than OK, as the gateway's reply.
static void
s_rpc_error (gateway_reply_t *reply, rpc_status_t status, const char *method,
             const char *message)
{
    const char *code = status == RPC_INVALID       ? "INVALID"
                       : status == RPC_NOT_FOUND   ? "NOT_FOUND"
                       : status == RPC_CONFLICT    ? "CONFLICT"
                       : status == RPC_UNAVAILABLE ? "UNAVAILABLE"
                                                   : "INTERNAL";
    s_error (reply, code, "%s: %s", method, message);
}

// Calls service's method; on anything but OK sets reply and returns -1.
static int
s_call (gateway_routes_t *self, int service, const char *method,
        const ProtobufCMessage *request, const ProtobufCMessageDescriptor *descriptor,
        ProtobufCMessage **out, gateway_reply_t *reply)
{
    rpc_client_t *client = s_client (self, service);
    if (!client) {
        s_error (reply, "INTERNAL", "%s: no client", method);
        return -1;
    }
    rpc_status_t status = rpc_client_call (client, method, request, descriptor, out);
    if (status == RPC_OK)
        return 0;
    s_rpc_error (reply, status, method, rpc_client_error (client));
    return -1;
}

static int
s_hex (char digit)
{
    if (digit >= '0' && digit <= '9')
        return digit - '0';
    if (digit >= 'a' && digit <= 'f')
        return digit - 'a' + 10;
    if (digit >= 'A' && digit <= 'F')
        return digit - 'A' + 10;
    return -1;
}

// Percent-decodes text[0..length) into out ('+' is a space, as forms send it). Returns 0, or
// -1 when an escape is malformed, decodes to NUL, or does not fit.
static int
s_decode (const char *text, size_t length, char *out, size_t out_size)
{
    size_t used = 0;
    for (size_t index = 0; index < length; index++) {
        int byte = (unsigned char) text[index];
        if (byte == '+')
            byte = ' ';
        else if (byte == '%') {
            if (index + 2 >= length)
                return -1;
            int high = s_hex (text[index + 1]), low = s_hex (text[index + 2]);
            if (high < 0 || low < 0 || (high == 0 && low == 0))
                return -1;
            byte = high * 16 + low;
            index += 2;
        }
        if (used + 1 >= out_size)
            return -1;
        out[used++] = (char) byte;
    }
    out[used] = '\0';
    return 0;
}

// Parses the raw query into *query, allowing only the names in allowed (NULL-ended). Returns
// 0, or -1 with reply set to INVALID naming the parameter.
static int
s_parse_query (const char *raw, const char *const *allowed, s_query_t *query,
               gateway_reply_t *reply)
{
    query->count = 0;
    for (const char *at = raw; at && *at;) {
        const char *end = strchr (at, '&');
        size_t length = end ? (size_t) (end - at) : strlen (at);
        const char *equals = memchr (at, '=', length);
        size_t name_length = equals ? (size_t) (equals - at) : length;
        if (query->count == GATEWAY_QUERY_PARAMS_MAX) {
            s_error (reply, "INVALID", "more than %d query parameters", GATEWAY_QUERY_PARAMS_MAX);
            return -1;
        }
        s_param_t *param = &query->params[query->count];
        if (length > 0) {
            if (s_decode (at, name_length, param->name, sizeof param->name)
                || s_decode (equals ? equals + 1 : at + length,
                             equals ? length - name_length - 1 : 0, param->value,
                             sizeof param->value)) {
                s_error (reply, "INVALID", "a query parameter is malformed (a bad %%-escape)");
                return -1;
            }
            size_t index = 0;
            while (allowed[index] && strcmp (allowed[index], param->name) != 0)
                index++;
            if (!allowed[index]) {
                s_error (reply, "INVALID", "unknown query parameter \"%.31s\"", param->name);
                return -1;
            }
            for (size_t seen = 0; seen < query->count; seen++)
                if (strcmp (query->params[seen].name, param->name) == 0) {
                    s_error (reply, "INVALID", "query parameter \"%s\" is given twice",
                             param->name);
                    return -1;
                }
            query->count++;
        }
        at = end ? end + 1 : NULL;
    }
    return 0;
}

// The value of name, or NULL when absent.
static const char *
s_param (const s_query_t *query, const char *name)
{
    for (size_t index = 0; index < query->count; index++)
        if (strcmp (query->params[index].name, name) == 0)
            return query->params[index].value;
    return NULL;
}

// A required id parameter. Returns it, or NULL with reply set.
static const char *
s_id_param (const s_query_t *query, const char *name, gateway_reply_t *reply)
{
    const char *value = s_param (query, name);
    char reason[REASON_BYTES_MAX], echo[ERROR_ECHO_BYTES_MAX];
    if (!value || !*value)
        s_error (reply, "INVALID", "query parameter \"%s\" is required", name);
    else if (validate_id_problem (value, reason, sizeof reason)) {
        validate_echo (value, echo, sizeof echo);
        s_error (reply, "INVALID", "%s \"%s\" %s", name, echo, reason);
    } else
        return value;
    return NULL;
}

// A whole number parameter in min..max, fallback when absent. Returns 0, or -1 with reply set.
static int
s_number_param (const s_query_t *query, const char *name, uint64_t min, uint64_t max,
                uint64_t fallback, uint64_t *out, gateway_reply_t *reply)
{
    const char *value = s_param (query, name);
    *out = fallback;
    if (!value)
        return 0;
    char *end = NULL;
    errno = 0;
    unsigned long long number = strtoull (value, &end, 10);
    if (!*value || *end || errno || *value == '-' || number < min || number > max) {
        s_error (reply, "INVALID", "query parameter \"%s\" must be a whole number in %llu..%llu",
                 name, (unsigned long long) min, (unsigned long long) max);
        return -1;
    }
    *out = number;
    return 0;
}

// Logs a refusal with the application's key (never its secret) and sets reply.
static void s_deny (gateway_reply_t *reply, const char *code, const char *key,
                    const char *fmt, ...) __attribute__ ((format (printf, 4, 5)));

static void
s_deny (gateway_reply_t *reply, const char *code, const char *key, const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    char *message = NULL;
    if (vasprintf (&message, fmt, args) < 0)
        message = NULL;
    va_end (args);
    char echo[ERROR_ECHO_BYTES_MAX];
    validate_echo (key ? key : "", echo, sizeof echo);
    char escaped[RPC_ERROR_BYTES_MAX];
    validate_escape (message ? message : "", escaped, sizeof escaped);
    log_warn ("request denied", "code=%s key=\"%s\" reason=\"%s\"", code, echo, escaped);
    s_error (reply, code, "%s", message ? message : "denied");
    free (message);
}

// The deployment of the replica's view, for the nonces' Redis keys. Returns 0, or -1 with
// reply set when the gateway has no copy of the registry yet.
static int
s_deployment (gateway_routes_t *self, char *out, size_t out_size, gateway_reply_t *reply)
{
    pthread_rwlock_rdlock (self->deps.replica_lock);
    const registry_view_t *view = registry_replica_view (self->deps.replica);
    if (view)
        snprintf (out, out_size, "%s", registry_view_deployment (view));
    pthread_rwlock_unlock (self->deps.replica_lock);
    if (!view)
        s_error (reply, "UNAVAILABLE", "the gateway has no copy of the registry yet");
    return view ? 0 : -1;
}

// Checks the request's signature and claims its nonce. Returns the application, or NULL
// with reply set (401, or 503 when the replay guard cannot hold another nonce).
static const gateway_app_t *
s_authenticate (gateway_routes_t *self, const gateway_request_t *request,
                gateway_reply_t *reply)
{
    const char *headers[] = { request->key, request->timestamp, request->nonce,
                              request->signature };
    const char *names[] = { "Key", "Timestamp", "Nonce", "Signature" };
    for (size_t index = 0; index < 4; index++)
        if (!headers[index] || !*headers[index]) {
            s_deny (reply, "UNAUTHENTICATED", request->key, "X-Shanhai-%s is missing",
                    names[index]);
            return NULL;
        }
    const gateway_app_t *app = gateway_apps_find (self->deps.apps, request->key);
    int64_t timestamp_ms = 0, now_ms = date_now_ms ();
    if (!app)
        s_deny (reply, "UNAUTHENTICATED", request->key, "unknown application key");
    else if (gateway_auth_timestamp (request->timestamp, &timestamp_ms)
             || !gateway_auth_fresh (timestamp_ms, now_ms))
        s_deny (reply, "UNAUTHENTICATED", request->key, "X-Shanhai-Timestamp must be Unix "
                "milliseconds within %d s of the gateway's clock", GATEWAY_CLOCK_SKEW_MS / 1000);
    else if (!validate_id (request->nonce))
        s_deny (reply, "UNAUTHENTICATED", request->key, "X-Shanhai-Nonce must be 1..%d bytes "
                "of A-Z a-z 0-9 . _ : -", ID_BYTES_MAX - 1);
    else {
        char *canonical = gateway_auth_canonical (request->method, request->path, request->query,
                                                  request->timestamp, request->nonce,
                                                  request->body, request->body_size);
        bool good = canonical && gateway_auth_verify (gateway_app_secret (app), canonical,
                                                      request->signature);
        free (canonical);
        char deployment[ID_BYTES_MAX], prefix[CACHE_KEY_BYTES_MAX];
        if (!good)
            s_deny (reply, "UNAUTHENTICATED", request->key, "the signature does not match");
        else if (s_deployment (self, deployment, sizeof deployment, reply) == 0) {
            snprintf (prefix, sizeof prefix, "shanhai:%s:gateway:nonce:", deployment);
            gateway_nonce_t nonce = gateway_nonces_claim (
                self->deps.nonces, prefix, request->key, request->nonce,
                timestamp_ms + GATEWAY_CLOCK_SKEW_MS, now_ms);
            if (nonce == GATEWAY_NONCE_NEW)
                return app;
            if (nonce == GATEWAY_NONCE_REPLAY)
                s_deny (reply, "UNAUTHENTICATED", request->key, "the nonce was used before");
            else
                s_error (reply, "UNAVAILABLE", "too many requests within the window; retry");
        }
    }
    return NULL;
}

// Under the replica's read lock: true when app may read pairing.
static bool
s_reads_pairing (const gateway_app_t *app, const Shanhai__V1__Pairing *pairing)
{
    return gateway_app_reads_all (app) || gateway_app_holds (app, pairing->recipient)
           || gateway_app_holds (app, pairing->supporter);
}

// Under the replica's read lock: true when app may read the verdicts of subject, a pairing's
// id, a park's, a county's or a region's code, or a program's id (the subjects of the
// assessment's rules). A park is read with its pairing, a county or region by an application
// that holds it; a program's own rules add up every county's pairs, so only an application
// that reads everything reads them. *known is false when the registry has no such subject.
static bool
s_reads_subject (const registry_view_t *view, const gateway_app_t *app, const char *subject,
                 bool *known)
{
    const Shanhai__V1__Pairing *pairing = registry_view_pairing (view, subject);
    const Shanhai__V1__Park *park = pairing ? NULL : registry_view_park (view, subject);
    if (park)
        pairing = registry_view_pairing (view, park->pairing);
    *known = pairing || park || registry_view_region (view, subject)
             || registry_view_program (view, subject);
    if (gateway_app_reads_all (app))
        return true;
    if (pairing)
        return s_reads_pairing (app, pairing);
    return !park && registry_view_region (view, subject) && gateway_app_holds (app, subject);
}

// Whether app may record a statistic of region (an indicator names a region, no pair).
// Returns 0, or -1 with reply set.
static int
s_may_record_region (gateway_routes_t *self, const gateway_app_t *app, const char *region,
                     gateway_reply_t *reply)
{
    pthread_rwlock_rdlock (self->deps.replica_lock);
    const registry_view_t *view = registry_replica_view (self->deps.replica);
    int rc = -1;
    if (!view)
        s_error (reply, "UNAVAILABLE", "the gateway has no copy of the registry yet");
    else if (!validate_id (region) || !registry_view_region (view, region))
        s_error (reply, "NOT_FOUND", "region %.80s is not in the registry", region);
    else if (!gateway_app_writes (app, region))
        s_deny (reply, "FORBIDDEN", gateway_app_key (app), "application %s may not record for "
                "region %s", gateway_app_key (app), region);
    else
        rc = 0;
    pthread_rwlock_unlock (self->deps.replica_lock);
    return rc;
}

// Under no lock: whether app may record event, from the replica. Returns 0, or -1 with
// reply set (403 for a pair none of whose counties is the application's).
static int
s_may_record (gateway_routes_t *self, const gateway_app_t *app,
              const Shanhai__V1__LedgerEvent *event, gateway_reply_t *reply)
{
    char reason[REASON_BYTES_MAX], echo[ERROR_ECHO_BYTES_MAX];
    if (!*event->pairing && *event->region)
        return s_may_record_region (self, app, event->region, reply);
    if (validate_id_problem (event->pairing, reason, sizeof reason)) {
        validate_echo (event->pairing, echo, sizeof echo);
        s_error (reply, "INVALID", "pair \"%s\" %s", echo, reason);
        return -1;
    }
    pthread_rwlock_rdlock (self->deps.replica_lock);
    const registry_view_t *view = registry_replica_view (self->deps.replica);
    const Shanhai__V1__Pairing *pairing = view ? registry_view_pairing (view, event->pairing)
                                               : NULL;
    int rc = -1;
    if (!view)
        s_error (reply, "UNAVAILABLE", "the gateway has no copy of the registry yet");
    else if (!pairing)
        s_error (reply, "NOT_FOUND", "pairing %s is not in the registry", event->pairing);
    else if (!gateway_app_writes (app, pairing->recipient)
             && !gateway_app_writes (app, pairing->supporter))
        s_deny (reply, "FORBIDDEN", gateway_app_key (app), "application %s may not record for "
                "pair %s (%s <- %s): neither county is one of its regions",
                gateway_app_key (app), pairing->id, pairing->recipient, pairing->supporter);
    else
        rc = 0;
    pthread_rwlock_unlock (self->deps.replica_lock);
    return rc;
}

// The request's body as JSON, or NULL with reply set (INVALID, naming where it breaks).
static json_t *
s_body_json (const gateway_request_t *request, gateway_reply_t *reply)
{
    json_error_t error;
    json_t *root = json_loadb (request->body ? request->body : "", request->body_size,
                               JSON_REJECT_DUPLICATES, &error);
    if (!root)
        s_error (reply, "INVALID", "the body is not valid JSON: line %d column %d: %s",
                 error.line, error.column, error.text);
    return root;
}

static void
s_post_event (gateway_routes_t *self, const gateway_app_t *app,
              const gateway_request_t *request, const s_query_t *query, gateway_reply_t *reply)
{
    json_t *root = s_body_json (request, reply);
    if (!root)
        return;
    char errstr[RPC_ERROR_BYTES_MAX];
    Shanhai__V1__LedgerEvent *event = event_json_to_event (root, false, errstr, sizeof errstr);
    json_decref (root);
    if (!event) {
        s_error (reply, "INVALID", "%s", errstr);
        return;
    }
    Shanhai__V1__RecordReply *recorded = NULL;
    if (s_may_record (self, app, event, reply) == 0
        && s_call (self, S_LEDGER, "ledger.Record", &event->base,
                   &shanhai__v1__record_reply__descriptor, (ProtobufCMessage **) &recorded,
                   reply) == 0) {
        json_t *data = event_json_from_event (recorded->event, true);
        if (data && json_object_set_new (data, "duplicate", json_boolean (recorded->duplicate)))
            json_decref (data), data = NULL;
        s_ok (reply, data, NULL);
        shanhai__v1__record_reply__free_unpacked (recorded, NULL);
    }
    event_json_free (&event);
}

// The events of a batch's body (a JSON array), each checked and authorized like one posted
// alone; the reply names the first bad one by its index. Returns the count, or -1 with reply
// set (*events then holds what was made, for the caller to free).
static int
s_batch_events (gateway_routes_t *self, const gateway_app_t *app, const json_t *root,
                Shanhai__V1__LedgerEvent **events, gateway_reply_t *reply)
{
    if (!json_is_array (root) || json_array_size (root) == 0
        || json_array_size (root) > LEDGER_BATCH_EVENTS_MAX) {
        s_error (reply, "INVALID", "a batch is a JSON array of 1..%d events",
                 LEDGER_BATCH_EVENTS_MAX);
        return -1;
    }
    for (size_t index = 0; index < json_array_size (root); index++) {
        char errstr[RPC_ERROR_BYTES_MAX];
        events[index] = event_json_to_event (json_array_get (root, index), false, errstr,
                                             sizeof errstr);
        if (!events[index]) {
            s_error (reply, "INVALID", "event %zu: %s", index, errstr);
            return -1;
        }
        if (s_may_record (self, app, events[index], reply))
            return -1;  // the reply names the pair; the batch stores nothing
    }
    return (int) json_array_size (root);
}

// POST /v1/events/batch: a list, all or nothing (ledger.RecordBatch).
static void
s_post_batch (gateway_routes_t *self, const gateway_app_t *app,
              const gateway_request_t *request, const s_query_t *query, gateway_reply_t *reply)
{
    json_t *root = s_body_json (request, reply);
    if (!root)
        return;
    Shanhai__V1__LedgerEvent *events[LEDGER_BATCH_EVENTS_MAX] = { NULL };
    int count = s_batch_events (self, app, root, events, reply);
    json_decref (root);
    Shanhai__V1__RecordBatchRequest batch = SHANHAI__V1__RECORD_BATCH_REQUEST__INIT;
    batch.events = events;
    batch.n_events = count > 0 ? (size_t) count : 0;
    Shanhai__V1__RecordBatchReply *recorded = NULL;
    if (count > 0
        && s_call (self, S_LEDGER, "ledger.RecordBatch", &batch.base,
                   &shanhai__v1__record_batch_reply__descriptor, (ProtobufCMessage **) &recorded,
                   reply) == 0) {
        json_t *data = json_array ();
        for (size_t index = 0; data && index < recorded->n_results; index++) {
            json_t *event = event_json_from_event (recorded->results[index]->event, true);
            if (!event || json_object_set_new (event, "duplicate",
                                               json_boolean (recorded->results[index]->duplicate))
                || json_array_append_new (data, event))
                json_decref (data), data = NULL;
        }
        s_ok (reply, data, NULL);
        shanhai__v1__record_batch_reply__free_unpacked (recorded, NULL);
    }
    for (size_t index = 0; index < LEDGER_BATCH_EVENTS_MAX && events[index]; index++)
        event_json_free (&events[index]);
}

static int s_may_read_pair (gateway_routes_t *self, const gateway_app_t *app, const char *pair,
                            gateway_reply_t *reply);

// GET /v1/events?after=&limit=&pair=&kind=&region=&from=&to=: the ledger in seq order, with
// "next" (the last seq of the page) while more follow. An application that reads only its
// regions gets only their pairs' events (and statistics).
static void
s_get_events (gateway_routes_t *self, const gateway_app_t *app,
              const gateway_request_t *request, const s_query_t *query, gateway_reply_t *reply)
{
    Shanhai__V1__ListRequest list = SHANHAI__V1__LIST_REQUEST__INIT;
    uint64_t after = 0, limit = 0;
    const char *names[] = { "pair", "region", "kind" };
    char **fields[] = { &list.pairing, &list.region, &list.kind };
    for (size_t index = 0; index < 3; index++)
        if (s_param (query, names[index])) {
            const char *value = s_id_param (query, names[index], reply);
            if (!value)
                return;
            *fields[index] = (char *) value;
        }
    if (s_param (query, "from"))
        list.from_date = (char *) s_param (query, "from");
    if (s_param (query, "to"))
        list.to_date = (char *) s_param (query, "to");
    if (s_number_param (query, "after", 0, INT64_MAX, 0, &after, reply)
        || s_number_param (query, "limit", 0, LEDGER_LIST_EVENTS_MAX, 0, &limit, reply)
        || (*list.pairing && s_may_read_pair (self, app, list.pairing, reply)))
        return;
    list.after_seq = after;
    list.limit = (uint32_t) limit;
    Shanhai__V1__ListReply *page = NULL;
    if (s_call (self, S_LEDGER, "ledger.List", &list.base, &shanhai__v1__list_reply__descriptor,
                (ProtobufCMessage **) &page, reply))
        return;
    json_t *data = json_array ();
    pthread_rwlock_rdlock (self->deps.replica_lock);
    const registry_view_t *view = registry_replica_view (self->deps.replica);
    for (size_t index = 0; data && index < page->n_events; index++) {
        const Shanhai__V1__LedgerEvent *event = page->events[index];
        const Shanhai__V1__Pairing *pairing
            = view && *event->pairing ? registry_view_pairing (view, event->pairing) : NULL;
        bool readable = gateway_app_reads_all (app) || (pairing && s_reads_pairing (app, pairing))
                        || (!*event->pairing && gateway_app_holds (app, event->region));
        if (readable && json_array_append_new (data, event_json_from_event (event, true)))
            json_decref (data), data = NULL;
    }
    pthread_rwlock_unlock (self->deps.replica_lock);
    json_t *next = page->more && page->n_events
                       ? json_integer ((json_int_t) page->events[page->n_events - 1]->seq)
                       : NULL;
    s_ok (reply, data, next);
    shanhai__v1__list_reply__free_unpacked (page, NULL);
}

// Under the replica's read lock: the pairs the query asks for that app may read.
static json_t *
s_pairs_json (const registry_view_t *view, const gateway_app_t *app, const s_query_t *query,
              int32_t day, gateway_reply_t *reply)
{
    const Shanhai__V1__RegistryDoc *doc = registry_view_doc (view);
    const Shanhai__V1__Pairing **found = calloc (doc->n_pairings + 1, sizeof *found);
    if (!found)
        return NULL;
    const char *program = s_param (query, "program"), *region = s_param (query, "region");
    size_t count = 0;
    for (size_t index = 0; index < doc->n_pairings; index++)
        if (registry_view_pairing_matches (doc->pairings[index], program, region, day)
            && s_reads_pairing (app, doc->pairings[index]))
            found[count++] = doc->pairings[index];
    json_t *data = answer_json_pairings (found, count);
    free (found);
    return data;
}

static void
s_get_pairs (gateway_routes_t *self, const gateway_app_t *app,
             const gateway_request_t *request, const s_query_t *query, gateway_reply_t *reply)
{
    const char *program = s_param (query, "program"), *region = s_param (query, "region");
    const char *date = s_param (query, "date");
    int32_t day = -1;
    if ((program && !s_id_param (query, "program", reply))
        || (region && !s_id_param (query, "region", reply)))
        return;
    if (date && date_parse (date, &day)) {
        s_error (reply, "INVALID", "date \"%.20s\" is not a date YYYY-MM-DD", date);
        return;
    }
    pthread_rwlock_rdlock (self->deps.replica_lock);
    const registry_view_t *view = registry_replica_view (self->deps.replica);
    if (!view)
        s_error (reply, "UNAVAILABLE", "the gateway has no copy of the registry yet");
    else if (program && !registry_view_program (view, program))
        s_error (reply, "NOT_FOUND", "program %s is not in the registry", program);
    else if (region && !registry_view_region (view, region))
        s_error (reply, "NOT_FOUND", "region %s is not in the registry", region);
    else
        s_ok (reply, s_pairs_json (view, app, query, day, reply), NULL);
    pthread_rwlock_unlock (self->deps.replica_lock);
}

// Whether app may read pair (by id). Returns 0, or -1 with reply set.
static int
s_may_read_pair (gateway_routes_t *self, const gateway_app_t *app, const char *pair,
                 gateway_reply_t *reply)
{
    if (gateway_app_reads_all (app))
        return 0;
    pthread_rwlock_rdlock (self->deps.replica_lock);
    const registry_view_t *view = registry_replica_view (self->deps.replica);
    const Shanhai__V1__Pairing *pairing = view ? registry_view_pairing (view, pair) : NULL;
    int rc = -1;
    if (!pairing)
        s_error (reply, "NOT_FOUND", "pairing %s is not in the registry", pair);
    else if (!s_reads_pairing (app, pairing))
        s_deny (reply, "FORBIDDEN", gateway_app_key (app), "application %s reads only its "
                "regions' pairs, not %s", gateway_app_key (app), pair);
    else
        rc = 0;
    pthread_rwlock_unlock (self->deps.replica_lock);
    return rc;
}

// The year a query must have. Returns it, or 0 with reply set.
static int
s_year_param (const s_query_t *query, gateway_reply_t *reply)
{
    uint64_t year = 0;
    if (s_number_param (query, "year", DATE_YEAR_MIN, DATE_YEAR_MAX, 0, &year, reply))
        return 0;
    if (year == 0)
        s_error (reply, "INVALID", "query parameter \"year\" is required");
    return (int) year;
}

// Keeps, in the array under key of data, only the objects whose "pair" app may read (an
// application that reads only its own regions sees only their pairs). Returns data.
static json_t *
s_only_readable (gateway_routes_t *self, const gateway_app_t *app, json_t *data,
                 const char *key)
{
    if (!data || gateway_app_reads_all (app))
        return data;
    json_t *items = json_object_get (data, key);
    pthread_rwlock_rdlock (self->deps.replica_lock);
    const registry_view_t *view = registry_replica_view (self->deps.replica);
    for (size_t index = json_array_size (items); index-- > 0;) {
        const char *pair = json_string_value (json_object_get (json_array_get (items, index),
                                                               "pair"));
        const Shanhai__V1__Pairing *pairing = view && pair ? registry_view_pairing (view, pair)
                                                           : NULL;
        if (!pairing || !s_reads_pairing (app, pairing))
            json_array_remove (items, index);
    }
    pthread_rwlock_unlock (self->deps.replica_lock);
    return data;
}

// Keeps, in the "subjects" of a program's status, only the verdicts app may read (an
// application that reads only its own regions sees its pairs' parks). Returns data.
static json_t *
s_only_readable_subjects (gateway_routes_t *self, const gateway_app_t *app, json_t *data)
{
    if (!data || gateway_app_reads_all (app))
        return data;
    json_t *items = json_object_get (data, "subjects");
    pthread_rwlock_rdlock (self->deps.replica_lock);
    const registry_view_t *view = registry_replica_view (self->deps.replica);
    for (size_t index = json_array_size (items); index-- > 0;) {
        const char *subject = json_string_value (json_object_get (json_array_get (items, index),
                                                                  "subject"));
        bool known;
        if (!view || !subject || !s_reads_subject (view, app, subject, &known))
            json_array_remove (items, index);
    }
    pthread_rwlock_unlock (self->deps.replica_lock);
    return data;
}

// GET /v1/status?program=&year=: every pair of a program (those app may read), and the
// program's own and its parks' verdicts (those app may read).
static void
s_get_program_status (gateway_routes_t *self, const gateway_app_t *app, const char *program,
                      int year, gateway_reply_t *reply)
{
    Shanhai__V1__ProgramStatusRequest program_request
        = SHANHAI__V1__PROGRAM_STATUS_REQUEST__INIT;
    program_request.program = (char *) program;
    program_request.year = year;
    Shanhai__V1__ProgramStatusReply *status = NULL;
    if (s_call (self, S_ASSESSMENT, "assessment.ProgramStatus", &program_request.base,
                &shanhai__v1__program_status_reply__descriptor, (ProtobufCMessage **) &status,
                reply))
        return;
    json_t *data = s_only_readable (self, app, answer_json_program_status (status), "pairs");
    s_ok (reply, s_only_readable_subjects (self, app, data), NULL);
    shanhai__v1__program_status_reply__free_unpacked (status, NULL);
}

// GET /v1/scoreboard?program=&year=: the pairs ranked (ranks among all pairs; an application
// that reads only its regions sees only their lines).
static void
s_get_scoreboard (gateway_routes_t *self, const gateway_app_t *app,
                  const gateway_request_t *request, const s_query_t *query,
                  gateway_reply_t *reply)
{
    const char *program = s_id_param (query, "program", reply);
    int year = program ? s_year_param (query, reply) : 0;
    if (!year)
        return;
    Shanhai__V1__ScoreboardRequest board_request = SHANHAI__V1__SCOREBOARD_REQUEST__INIT;
    board_request.program = (char *) program;
    board_request.year = year;
    Shanhai__V1__Scoreboard *board = NULL;
    if (s_call (self, S_ASSESSMENT, "assessment.Scoreboard", &board_request.base,
                &shanhai__v1__scoreboard__descriptor, (ProtobufCMessage **) &board, reply))
        return;
    s_ok (reply, s_only_readable (self, app, answer_json_scoreboard (board), "pairs"), NULL);
    shanhai__v1__scoreboard__free_unpacked (board, NULL);
}

static void s_get_explain (gateway_routes_t *self, const gateway_app_t *app,
                           const gateway_request_t *request, const s_query_t *query,
                           gateway_reply_t *reply);

static void
s_get_status (gateway_routes_t *self, const gateway_app_t *app,
              const gateway_request_t *request, const s_query_t *query, gateway_reply_t *reply)
{
    if (s_param (query, "program") && !s_param (query, "pair")) {
        const char *program = s_id_param (query, "program", reply);
        int year = program ? s_year_param (query, reply) : 0;
        if (year)
            s_get_program_status (self, app, program, year, reply);
        return;
    }
    if (s_param (query, "program")) {
        s_error (reply, "INVALID", "ask for a \"pair\" or a \"program\", not both");
        return;
    }
    const char *pair = s_id_param (query, "pair", reply);
    uint64_t year = 0;
    if (!pair || !(year = (uint64_t) s_year_param (query, reply)))
        return;
    if (s_may_read_pair (self, app, pair, reply))
        return;
    Shanhai__V1__StatusRequest status_request = SHANHAI__V1__STATUS_REQUEST__INIT;
    status_request.pairing = (char *) pair;
    status_request.year = (int32_t) year;
    Shanhai__V1__StatusReply *status = NULL;
    if (s_call (self, S_ASSESSMENT, "assessment.Status", &status_request.base,
                &shanhai__v1__status_reply__descriptor, (ProtobufCMessage **) &status, reply))
        return;
    s_ok (reply, answer_json_status (status), NULL);
    shanhai__v1__status_reply__free_unpacked (status, NULL);
}

// Whether app may read subject's verdicts (s_reads_subject). Returns 0, or -1 with reply set.
static int
s_may_read_subject (gateway_routes_t *self, const gateway_app_t *app, const char *subject,
                    gateway_reply_t *reply)
{
    if (gateway_app_reads_all (app))
        return 0;  // the assessment says whether it knows the subject
    pthread_rwlock_rdlock (self->deps.replica_lock);
    const registry_view_t *view = registry_replica_view (self->deps.replica);
    bool known = false;
    int rc = -1;
    if (!view)
        s_error (reply, "UNAVAILABLE", "the gateway has no copy of the registry yet");
    else if (s_reads_subject (view, app, subject, &known))
        rc = 0;
    else if (!known)
        s_error (reply, "NOT_FOUND", "subject %s is not in the registry", subject);
    else
        s_deny (reply, "FORBIDDEN", gateway_app_key (app), "application %s reads only its "
                "regions, their pairs and their parks, not %s", gateway_app_key (app), subject);
    pthread_rwlock_unlock (self->deps.replica_lock);
    return rc;
}

// An optional text parameter of at most max_bytes - 1 bytes of printable UTF-8. Returns it
// ("" when absent), or NULL with reply set (given empty, too long, a control character).
static const char *
s_text_param (const s_query_t *query, const char *name, size_t max_bytes,
              gateway_reply_t *reply)
{
    const char *value = s_param (query, name);
    char reason[REASON_BYTES_MAX], echo[ERROR_ECHO_BYTES_MAX];
    if (!value)
        return "";
    if (!*value)
        s_error (reply, "INVALID", "query parameter \"%s\" is empty (leave it out instead)",
                 name);
    else if (validate_text_problem (value, max_bytes, false, reason, sizeof reason)) {
        validate_echo (value, echo, sizeof echo);
        s_error (reply, "INVALID", "%s \"%s\" %s", name, echo, reason);
    } else
        return value;
    return NULL;
}

// GET /v1/explain?(pair=|subject=)&rule=&year=[&period=]: a verdict, its clause and version,
// and its entries; a pair's rule (or its counties'), or any subject's (a park, the program, a
// county), in the period asked for or the one the assessment picks.
static void
s_get_explain (gateway_routes_t *self, const gateway_app_t *app,
               const gateway_request_t *request, const s_query_t *query,
               gateway_reply_t *reply)
{
    bool by_pair = s_param (query, "pair") != NULL;
    if (by_pair && s_param (query, "subject")) {
        s_error (reply, "INVALID", "ask for a \"pair\" or a \"subject\", not both");
        return;
    }
    if (!by_pair && !s_param (query, "subject")) {
        s_error (reply, "INVALID", "query parameter \"pair\" or \"subject\" is required");
        return;
    }
    const char *who = s_id_param (query, by_pair ? "pair" : "subject", reply);
    const char *rule = who ? s_id_param (query, "rule", reply) : NULL;
    int year = rule ? s_year_param (query, reply) : 0;
    const char *period = year ? s_text_param (query, "period", PERIOD_KEY_BYTES_MAX, reply)
                              : NULL;
    if (!period
        || (by_pair ? s_may_read_pair (self, app, who, reply)
                    : s_may_read_subject (self, app, who, reply)))
        return;
    Shanhai__V1__ExplainRequest explain_request = SHANHAI__V1__EXPLAIN_REQUEST__INIT;
    explain_request.pairing = (char *) (by_pair ? who : "");
    explain_request.subject = (char *) (by_pair ? "" : who);
    explain_request.rule = (char *) rule;
    explain_request.year = year;
    explain_request.period = (char *) period;
    Shanhai__V1__Explanation *explanation = NULL;
    if (s_call (self, S_ASSESSMENT, "assessment.Explain", &explain_request.base,
                &shanhai__v1__explanation__descriptor, (ProtobufCMessage **) &explanation,
                reply))
        return;
    s_ok (reply, answer_json_explanation (explanation), NULL);
    shanhai__v1__explanation__free_unpacked (explanation, NULL);
}

// Whether person is in the registry and app may read their alerts: everyone's, or its own
// regions' leaders and its pairs' liaison officers. Returns 0, or -1 with reply set.
static int
s_may_read_person (gateway_routes_t *self, const gateway_app_t *app, const char *person_id,
                   gateway_reply_t *reply)
{
    pthread_rwlock_rdlock (self->deps.replica_lock);
    const registry_view_t *view = registry_replica_view (self->deps.replica);
    const Shanhai__V1__Person *person = view ? registry_view_person (view, person_id) : NULL;
    const Shanhai__V1__Pairing *pairing
        = person && *person->pairing ? registry_view_pairing (view, person->pairing) : NULL;
    int rc = -1;
    if (!view)
        s_error (reply, "UNAVAILABLE", "the gateway has no copy of the registry yet");
    else if (!person)
        s_error (reply, "NOT_FOUND", "person %s is not in the registry", person_id);
    else if (gateway_app_reads_all (app)
             || (*person->region && gateway_app_holds (app, person->region))
             || (pairing && s_reads_pairing (app, pairing)))
        rc = 0;
    else
        s_deny (reply, "FORBIDDEN", gateway_app_key (app), "application %s reads only the "
                "alerts of its regions' people, not %s's", gateway_app_key (app), person_id);
    pthread_rwlock_unlock (self->deps.replica_lock);
    return rc;
}

// One page of person's inbox. Returns the list (the caller frees it) or NULL with reply set.
static Shanhai__V1__AlertList *
s_alerts_page (gateway_routes_t *self, const char *person, uint64_t after_id, uint32_t limit,
               gateway_reply_t *reply)
{
    Shanhai__V1__AlertsRequest alerts_request = SHANHAI__V1__ALERTS_REQUEST__INIT;
    alerts_request.person = (char *) person;
    alerts_request.after_id = after_id;
    alerts_request.limit = limit;
    Shanhai__V1__AlertList *list = NULL;
    if (s_call (self, S_NOTIFICATION, "notification.Alerts", &alerts_request.base,
                &shanhai__v1__alert_list__descriptor, (ProtobufCMessage **) &list, reply))
        return NULL;
    return list;
}

static void
s_get_alerts (gateway_routes_t *self, const gateway_app_t *app,
              const gateway_request_t *request, const s_query_t *query, gateway_reply_t *reply)
{
    const char *person = s_id_param (query, "person", reply);
    uint64_t after = 0, limit = 0;
    if (!person || s_number_param (query, "after", 0, INT64_MAX, 0, &after, reply)
        || s_number_param (query, "limit", 1, ALERTS_LIST_MAX, ALERTS_LIST_MAX, &limit, reply)
        || s_may_read_person (self, app, person, reply))
        return;
    Shanhai__V1__AlertList *list = s_alerts_page (self, person, after, (uint32_t) limit, reply);
    if (!list)
        return;
    json_t *data = json_array ();
    for (size_t index = 0; data && index < list->n_alerts; index++)
        json_array_append_new (data, answer_json_alert (list->alerts[index]));
    // A full page may have a next one: "next" is the after= that reads it.
    json_t *next = list->n_alerts == limit
                       ? json_integer ((json_int_t) list->alerts[list->n_alerts - 1]->id)
                       : NULL;
    shanhai__v1__alert_list__free_unpacked (list, NULL);
    s_ok (reply, data, next);
}

static void
s_get_stream (gateway_routes_t *self, const gateway_app_t *app,
              const gateway_request_t *request, const s_query_t *query, gateway_reply_t *reply)
{
    const char *person = s_id_param (query, "person", reply);
    uint64_t after = 0;
    const char *last = request->last_event_id;
    if (!person || s_may_read_person (self, app, person, reply))
        return;
    char *end = NULL;
    errno = 0;
    if (last)
        after = strtoull (last, &end, 10);
    if (last && (!*last || *end || errno || *last == '-')) {
        s_error (reply, "INVALID", "Last-Event-ID must be an alert id");
        return;
    }
    // Opened before the inbox is read: an alert published meanwhile is queued, and the
    // queue keeps each id once.
    gateway_stream_t *stream = gateway_streams_open (self->deps.streams, person, after);
    if (!stream) {
        s_error (reply, "UNAVAILABLE", "%d live streams are open already; retry later",
                 GATEWAY_STREAMS_MAX);
        return;
    }
    if (last) {
        uint32_t page = GATEWAY_STREAM_QUEUE_ALERTS_MAX / 2;
        Shanhai__V1__AlertList *list = s_alerts_page (self, person, after, page, reply);
        if (!list) {
            gateway_stream_close (stream);
            return;
        }
        for (size_t index = 0; index < list->n_alerts; index++)
            gateway_stream_backfill (stream, list->alerts[index]);
        if (list->n_alerts == page)  // more to resume: the client comes back for them
            gateway_stream_end_when_drained (stream);
        shanhai__v1__alert_list__free_unpacked (list, NULL);
    }
    reply->http_status = 200;
    reply->content_type = "text/event-stream; charset=utf-8";
    reply->stream = stream;
}

// Asks every service for its Health. health[i] is the caller's to free; errors[i] holds the
// reason of a service that did not answer OK.
static void
s_ask_health (gateway_routes_t *self, gateway_service_health_t *services,
              Shanhai__V1__Health **health, char errors[S_SERVICES][RPC_ERROR_BYTES_MAX])
{
    for (size_t index = 0; index < S_SERVICES; index++) {
        char method[RPC_METHOD_BYTES_MAX];
        snprintf (method, sizeof method, "%s.Health", s_service_names[index]);
        rpc_client_t *client = s_client (self, (int) index);
        health[index] = NULL;
        rpc_status_t status = client ? rpc_client_call (client, method, NULL,
                                                        &shanhai__v1__health__descriptor,
                                                        (ProtobufCMessage **) &health[index])
                                     : RPC_INTERNAL;
        snprintf (errors[index], RPC_ERROR_BYTES_MAX, "%s: %s: %s", method,
                  rpc_status_name (status), client ? rpc_client_error (client) : "no client");
        services[index] = (gateway_service_health_t) {
            .service = s_service_names[index], .health = status == RPC_OK ? health[index] : NULL,
            .answered = status != RPC_UNAVAILABLE, .error = errors[index] };
    }
}

static void
s_free_health (Shanhai__V1__Health **health)
{
    for (size_t index = 0; index < S_SERVICES; index++)
        if (health[index])
            shanhai__v1__health__free_unpacked (health[index], NULL);
}

static void
s_get_health (gateway_routes_t *self, gateway_reply_t *reply)
{
    gateway_service_health_t services[S_SERVICES];
    Shanhai__V1__Health *health[S_SERVICES];
    char errors[S_SERVICES][RPC_ERROR_BYTES_MAX];
    s_ask_health (self, services, health, errors);
    json_t *list = json_array ();
    for (size_t index = 0; list && index < S_SERVICES; index++)
        json_array_append_new (list, gateway_metrics_health_json (&services[index]));
    pthread_rwlock_rdlock (self->deps.replica_lock);
    uint64_t version = registry_replica_version (self->deps.replica);
    pthread_rwlock_unlock (self->deps.replica_lock);
    json_t *gateway = json_pack ("{s:s, s:b, s:I, s:I}", "service", "gateway", "up", 1,
                                 "registry_version", (json_int_t) version, "streams",
                                 (json_int_t) gateway_streams_count (self->deps.streams));
    if (list && gateway)
        json_array_insert_new (list, 0, gateway), gateway = NULL;
    json_decref (gateway);
    s_ok (reply, list, NULL);
    s_free_health (health);
}

static void
s_get_metrics (gateway_routes_t *self, gateway_reply_t *reply)
{
    gateway_service_health_t services[S_SERVICES];
    Shanhai__V1__Health *health[S_SERVICES];
    char errors[S_SERVICES][RPC_ERROR_BYTES_MAX];
    s_ask_health (self, services, health, errors);
    char *text = gateway_metrics_render (self->metrics, services, S_SERVICES,
                                         gateway_streams_count (self->deps.streams));
    s_free_health (health);
    if (!text) {
        s_error (reply, "INTERNAL", "out of memory");
        return;
    }
    reply->http_status = 200;
    reply->content_type = "text/plain; version=0.0.4; charset=utf-8";
    reply->body = text;
    reply->body_size = strlen (text);
}

typedef void (s_route_fn) (gateway_routes_t *self, const gateway_app_t *app,
                           const gateway_request_t *request, const s_query_t *query,
                           gateway_reply_t *reply);

// The signed routes, with the query parameters each takes.
static const struct {
    const char *method;
    const char *path;
    s_route_fn *handler;
    const char *params[GATEWAY_QUERY_PARAMS_MAX];
} s_routes[] = {
    { "POST", "/v1/events", s_post_event, { NULL } },
    { "POST", "/v1/events/batch", s_post_batch, { NULL } },
    { "GET", "/v1/events", s_get_events,
      { "after", "limit", "pair", "kind", "region", "from", "to", NULL } },
    { "GET", "/v1/pairs", s_get_pairs, { "program", "region", "date", NULL } },
    { "GET", "/v1/status", s_get_status, { "pair", "program", "year", NULL } },
    { "GET", "/v1/scoreboard", s_get_scoreboard, { "program", "year", NULL } },
    { "GET", "/v1/explain", s_get_explain,
      { "pair", "subject", "rule", "year", "period", NULL } },
    { "GET", "/v1/alerts", s_get_alerts, { "person", "after", "limit", NULL } },
    { "GET", "/v1/alerts/stream", s_get_stream, { "person", NULL } },
};
#define S_ROUTES (sizeof s_routes / sizeof s_routes[0])

void
gateway_routes_handle (gateway_routes_t *self, const gateway_request_t *request,
                       gateway_reply_t *reply)
{
    assert (self && request && request->method && request->path && reply);
    memset (reply, 0, sizeof *reply);
    bool get = strcmp (request->method, "GET") == 0;
    if (get && strcmp (request->path, "/") == 0) {
        reply->http_status = 200;
        reply->content_type = "text/html; charset=utf-8";
        reply->body = (char *) gateway_dashboard_html;
        reply->body_size = gateway_dashboard_html_size;
        reply->body_static = true;
        return;
    }
    if (get && strcmp (request->path, "/v1/health") == 0)
        return s_get_health (self, reply);
    if (get && strcmp (request->path, "/metrics") == 0)
        return s_get_metrics (self, reply);
    size_t index = 0;
    bool path_known = false;
    for (; index < S_ROUTES; index++) {
        path_known = path_known || strcmp (s_routes[index].path, request->path) == 0;
        if (strcmp (s_routes[index].path, request->path) == 0
            && strcmp (s_routes[index].method, request->method) == 0)
            break;
    }
    if (index == S_ROUTES) {
        if (path_known)
            s_error (reply, "INVALID", "%.8s is not a method of %s", request->method,
                     request->path);
        else
            s_error (reply, "NOT_FOUND", "no such path (see the README's gateway section)");
        return;
    }
    const gateway_app_t *app = s_authenticate (self, request, reply);
    if (!app)
        return;
    s_query_t *query = malloc (sizeof *query);
    if (!query)
        return s_error (reply, "INTERNAL", "out of memory");
    if (s_parse_query (request->query, s_routes[index].params, query, reply) == 0)
        s_routes[index].handler (self, app, request, query, reply);
    free (query);
}

void
gateway_routes_count (gateway_routes_t *self, int http_status, int64_t latency_us)
{
    gateway_metrics_count (self->metrics, http_status, latency_us);
}
