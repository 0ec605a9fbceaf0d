#include "ledger_server.h"

#include <assert.h>
#include <czmq.h>
#include <stdlib.h>
#include <string.h>
#include "common/date.h"
#include "common/log.h"
#include "common/registry_replica.h"
#include "common/rpc.h"
#include "common/service.h"
#include "common/subscriber.h"
#include "ledger_store.h"
#include "ledger_validate.h"

struct ledger_server_t {
    ledger_store_t *store;
    registry_replica_t *registry;
    subscriber_t *registry_events;
    service_t *service;
    int32_t clock_day;  // LEDGER_CLOCK_UNKNOWN until the registry has announced it
};

// One Record call of a batch: the call, its event, and its reply so far.
typedef struct {
    rpc_call_t *call;
    Shanhai__V1__LedgerEvent *event;  // decoded; for a duplicate, the event first stored
    rpc_reply_t reply;
    bool writable;   // valid: it takes part in the batch's transaction
    bool duplicate;
} s_record_t;

// An id recorded before answers from the store, whatever the registry says now: a retry
// must get the first result even after the pairing changed (DESIGN: safe retries). The fields
// the ledger infers (from, to) are compared as the client sent them or as stored. Returns
// true when the record is answered (duplicate, conflict, or a read error).
static bool
s_answer_known_id (ledger_server_t *self, s_record_t *record)
{
    bool failed;
    Shanhai__V1__LedgerEvent *event = record->event;
    Shanhai__V1__LedgerEvent *stored = ledger_store_find (self->store, event->id, &failed);
    if (failed)
        rpc_reply_error (&record->reply, RPC_INTERNAL, "the ledger could not read its store");
    if (!stored)
        return failed;
    char *from = event->from_region, *to = event->to_region;
    if (!*event->from_region)
        event->from_region = stored->from_region;
    if (!*event->to_region)
        event->to_region = stored->to_region;
    const char *field = ledger_validate_difference (stored, event);
    event->from_region = from;
    event->to_region = to;
    if (field) {
        rpc_reply_error (&record->reply, RPC_CONFLICT, "event %s was recorded before with "
                         "another %s", stored->id, field);
        shanhai__v1__ledger_event__free_unpacked (stored, NULL);
        return true;
    }
    shanhai__v1__ledger_event__free_unpacked (event, NULL);
    record->event = stored;
    record->duplicate = true;
    return true;
}

// Decodes and validates one call against the replica of the registry (no round trip); marks
// it writable when it may be written.
static void
s_prepare (ledger_server_t *self, s_record_t *record)
{
    rpc_reply_t *reply = &record->reply;
    record->event = (Shanhai__V1__LedgerEvent *) rpc_call_decode (
        record->call, &shanhai__v1__ledger_event__descriptor, reply);
    if (!record->event)
        return;
    Shanhai__V1__LedgerEvent *event = record->event;
    reply->status = ledger_validate_event (event, self->clock_day, reply->error,
                                           sizeof reply->error);
    if (reply->status != RPC_OK)
        return;
    const registry_view_t *view = registry_replica_view (self->registry);
    if (self->clock_day == LEDGER_CLOCK_UNKNOWN || !view) {
        rpc_reply_error (reply, RPC_UNAVAILABLE, "the ledger has not heard the %s from the "
                         "registry yet: is the registry running%s?",
                         view ? "clock" : "reference data", view ? "" : " and loaded");
        return;
    }
    const Shanhai__V1__Pairing *pairing = registry_view_pairing (view, event->pairing);
    if (!pairing) {
        if (!s_answer_known_id (self, record))
            rpc_reply_error (reply, RPC_NOT_FOUND, "pairing %s is not in the registry",
                             event->pairing);
        return;
    }
    reply->status = ledger_validate_pairing (event, pairing, reply->error, sizeof reply->error);
    // Only an event the registry refuses now is looked up first: an id recorded before, when
    // the registry said otherwise, still answers as recorded (the happy path costs no read).
    if (reply->status == RPC_INVALID) {
        rpc_reply_t refused = *reply;
        reply->status = RPC_OK;
        if (!s_answer_known_id (self, record))
            *reply = refused;
        return;
    }
    if (reply->status == RPC_INTERNAL)
        rpc_reply_error (reply, RPC_INTERNAL, "out of memory");
    event->registry_version = registry_view_version (view);
    record->writable = reply->status == RPC_OK;
}

// Inside the batch's transaction: a new id is appended; a known one is a duplicate (answered
// with the first event) or a conflict. Returns -1 when the store failed.
static int
s_write (ledger_server_t *self, s_record_t *record)
{
    Shanhai__V1__LedgerEvent *first;
    const char *field;
    switch (ledger_store_record (self->store, record->event, &first, &field)) {
    case LEDGER_STORE_APPENDED:
        return 0;
    case LEDGER_STORE_DUPLICATE:
        shanhai__v1__ledger_event__free_unpacked (record->event, NULL);
        record->event = first;
        record->duplicate = true;
        return 0;
    case LEDGER_STORE_CONFLICT:
        rpc_reply_error (&record->reply, RPC_CONFLICT, "event %s was recorded before with "
                         "another %s", first->id, field);
        shanhai__v1__ledger_event__free_unpacked (first, NULL);
        return 0;
    case LEDGER_STORE_FAILED:
        break;
    }
    return -1;
}

// Writes every writable record of the batch in one transaction; returns true once it has
// committed (or when nothing needed writing).
static bool
s_write_batch (ledger_server_t *self, s_record_t *records, size_t count)
{
    size_t writable = 0;
    for (size_t index = 0; index < count; index++)
        writable += records[index].writable;
    if (writable == 0)
        return true;
    if (ledger_store_begin (self->store))
        return false;
    for (size_t index = 0; index < count; index++)
        if (records[index].writable && s_write (self, &records[index])) {
            ledger_store_rollback (self->store);
            return false;
        }
    return ledger_store_commit (self->store) == 0;
}

// Writes the batch (the commit publishes what was recorded), then answers every call of it:
// an OK leaves the ledger only once the event is on disk. If the write failed, every call that
// took part in it is INTERNAL (its duplicate or conflict was judged inside a transaction that
// is gone) and nothing is published.
static void
s_commit_batch (ledger_server_t *self, s_record_t *records, size_t count)
{
    bool written = s_write_batch (self, records, count);
    if (!written)
        log_error ("batch not written", "calls=%zu", count);
    for (size_t index = 0; index < count; index++) {
        s_record_t *record = &records[index];
        if (record->writable && !written)
            rpc_reply_error (&record->reply, RPC_INTERNAL, "the ledger could not write to "
                             "disk; nothing was recorded, safe to retry");
        else if (record->reply.status == RPC_OK) {
            Shanhai__V1__RecordReply recorded = SHANHAI__V1__RECORD_REPLY__INIT;
            recorded.event = record->event;
            recorded.duplicate = record->duplicate;
            rpc_reply_set_body (&record->reply, &recorded.base);
            log_debug ("recorded", "id=%s seq=%llu pairing=%s duplicate=%d", record->event->id,
                       (unsigned long long) record->event->seq, record->event->pairing,
                       record->duplicate);
        }
        rpc_server_reply (service_rpc (self->service), &record->call, &record->reply);
        if (record->event)
            shanhai__v1__ledger_event__free_unpacked (record->event, NULL);
        record->event = NULL;
    }
}

// Takes every waiting request off the socket: Records are gathered into batches of at most
// LEDGER_BATCH_EVENTS_MAX, each written in one transaction (group commit); other methods are
// answered at once, between transactions. At most ZMQ_HWM_MESSAGES calls per wake-up, so the
// timer and the registry's events get their turn.
static int
s_on_request (zloop_t *loop, zsock_t *socket, void *arg)
{
    ledger_server_t *self = arg;
    rpc_server_t *rpc = service_rpc (self->service);
    s_record_t records[LEDGER_BATCH_EVENTS_MAX];
    size_t calls = 0, count;
    do {
        count = 0;
        rpc_call_t *call;
        while (count < LEDGER_BATCH_EVENTS_MAX && calls < ZMQ_HWM_MESSAGES
               && (call = rpc_server_recv (rpc))) {
            calls++;
            if (strcmp (call->method, "ledger.Record") != 0) {
                rpc_server_dispatch (rpc, &call);
                continue;
            }
            records[count] = (s_record_t) { .call = call, .reply = { .status = RPC_OK } };
            s_prepare (self, &records[count++]);
        }
        if (count > 0)
            s_commit_batch (self, records, count);
    } while (count == LEDGER_BATCH_EVENTS_MAX && calls < ZMQ_HWM_MESSAGES);
    return 0;
}

static void
s_replay (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    ledger_server_t *self = state;
    outbox_replay_handler (ledger_store_outbox (self->store), call, reply);
}

// ledger.Record is not in the table: s_on_request takes Records off the socket itself, to
// write them in batches.
static const rpc_method_t s_methods[] = {
    { "ledger.Replay", s_replay },
    { NULL, NULL },
};

// The registry's events: the replica and the clock, in one transaction per batch.
static int
s_apply_registry (void *state, const Shanhai__V1__Event *const *events, size_t count)
{
    ledger_server_t *self = state;
    int32_t clock_day = self->clock_day;
    int applied = registry_replica_apply (self->registry, events, count,
                                          LEDGER_META_REGISTRY_SEQ, &clock_day);
    if (applied > 0 && clock_day != self->clock_day) {
        self->clock_day = clock_day;
        char today[DATE_TEXT_BYTES];
        date_format (clock_day, today);
        log_info ("clock changed", "today=%s", today);
    }
    return applied;
}

// Health: the version of the replica it validates against.
static void
s_health (void *state, service_health_t *health)
{
    ledger_server_t *self = state;
    service_health_registry (health, registry_replica_version (self->registry));
}

// Everything after the store: the replica in the store's file, the registry's stream, the
// skeleton.
static int
s_connect (ledger_server_t *self, const config_t *config, char *errstr, size_t errstr_size)
{
    self->clock_day = ledger_store_clock (self->store);
    self->registry = registry_replica_new (ledger_store_db (self->store), config->registry_rpc,
                                           errstr, errstr_size);
    if (!self->registry)
        return -1;
    self->registry_events = subscriber_new (config->registry_pub, config->registry_rpc,
                                            "registry.Replay",
                                            ledger_store_registry_seq (self->store),
                                            s_apply_registry, self);
    self->service = service_new ("ledger", config->ledger_rpc, s_methods, self);
    if (!self->registry_events || !self->service)
        return -1;
    service_read_requests (self->service, s_on_request, self);
    service_publish (self->service, ledger_store_outbox (self->store));
    service_health (self->service, s_health, self);
    return service_consume (self->service, self->registry_events);
}

ledger_server_t *
ledger_server_new (const config_t *config, char *errstr, size_t errstr_size)
{
    assert (config && errstr);
    char path[PATH_BYTES_MAX];
    if (config_data_path (config, "ledger.db", path, sizeof path, errstr, errstr_size))
        return NULL;
    ledger_server_t *self = calloc (1, sizeof *self);
    if (!self) {
        snprintf (errstr, errstr_size, "out of memory");
        return NULL;
    }
    *errstr = '\0';
    self->store = ledger_store_new (path, config->ledger_pub, errstr, errstr_size);
    if (!self->store || s_connect (self, config, errstr, errstr_size)) {
        if (!*errstr)
            snprintf (errstr, errstr_size, "cannot start on %s / %s (see the log)",
                      config->ledger_rpc, config->ledger_pub);
        ledger_server_destroy (&self);
        return NULL;
    }
    log_info ("ledger ready", "rpc=%s pub=%s db=%s registry_version=%llu", config->ledger_rpc,
              config->ledger_pub, path,
              (unsigned long long) registry_replica_version (self->registry));
    return self;
}

void
ledger_server_destroy (ledger_server_t **self_p)
{
    if (self_p && *self_p) {
        ledger_server_t *self = *self_p;
        service_destroy (&self->service);
        subscriber_destroy (&self->registry_events);
        registry_replica_destroy (&self->registry);
        ledger_store_destroy (&self->store);
        free (self);
        *self_p = NULL;
    }
}

int
ledger_server_run (ledger_server_t *self)
{
    return service_run (self->service);
}

void
ledger_server_actor (zsock_t *pipe, void *args)
{
    char errstr[RPC_ERROR_BYTES_MAX] = "";
    ledger_server_t *self = ledger_server_new (args, errstr, sizeof errstr);
    if (!self) {
        log_error ("ledger cannot start", "error=\"%s\"", errstr);
        zsock_signal (pipe, 1);
        return;
    }
    service_run_actor (self->service, pipe);
    ledger_server_destroy (&self);
}
