#include "ledger_server.h"

#include <czmq.h>
#include <stdlib.h>
#include <string.h>
#include "common/cache.h"
#include "common/date.h"
#include "common/log.h"
#include "common/registry_client.h"
#include "common/rpc.h"
#include "common/subscriber.h"
#include "ledger_store.h"
#include "ledger_validate.h"

#define LEDGER_TICK_MS 1000

struct ledger_server_t {
    ledger_store_t *store;
    rpc_server_t *rpc;
    cache_t *cache;
    registry_client_t *registry;
    subscriber_t *registry_events;
    zloop_t *loop;
    int32_t clock_day;  // -1 until the registry has announced it
};

// One Record call of a batch: the call, its decoded event, and its reply so far.
typedef struct {
    rpc_call_t *call;
    Shanhai__V1__LedgerEvent *event;
    rpc_reply_t reply;
    bool appended;
    bool duplicate;
} s_record_t;

// Decodes and validates one call against the registry; leaves the reply OK when the event
// may be written.
static void
s_prepare (ledger_server_t *self, s_record_t *record)
{
    rpc_reply_t *reply = &record->reply;
    record->event = (Shanhai__V1__LedgerEvent *) rpc_call_decode (
        record->call, &shanhai__v1__ledger_event__descriptor, reply);
    if (!record->event)
        return;
    Shanhai__V1__LedgerEvent *event = record->event;
    if (ledger_validate_event (event, reply->error, sizeof reply->error) != RPC_OK) {
        reply->status = RPC_INVALID;
        return;
    }
    if (self->clock_day < 0) {
        rpc_reply_error (reply, RPC_UNAVAILABLE, "the ledger does not know the clock yet: is "
                         "the registry running?");
        return;
    }
    Shanhai__V1__Pairing *pairing = NULL;
    rpc_status_t status = registry_client_pairing (self->registry, event->pairing, &pairing);
    if (status == RPC_NOT_FOUND)
        rpc_reply_error (reply, RPC_NOT_FOUND, "pairing %s is not in the registry",
                         event->pairing);
    else if (status != RPC_OK)
        rpc_reply_error (reply, RPC_UNAVAILABLE, "the registry did not answer: %s",
                         registry_client_error (self->registry));
    else {
        reply->status = ledger_validate_pairing (event, pairing, self->clock_day, reply->error,
                                                 sizeof reply->error);
        char *program = strdup (pairing->program);
        if (program)
            event->program = program;
        else
            rpc_reply_error (reply, RPC_INTERNAL, "out of memory");
    }
    if (pairing)
        shanhai__v1__pairing__free_unpacked (pairing, NULL);
}

// Inside the batch's transaction: a known id is a duplicate or a conflict; a new one is
// appended. Returns -1 when the store failed (the batch is rolled back).
static int
s_write (ledger_server_t *self, s_record_t *record)
{
    bool failed;
    Shanhai__V1__LedgerEvent *first = ledger_store_find (self->store, record->event->id, &failed);
    if (failed)
        return -1;
    if (!first) {
        if (ledger_store_append (self->store, record->event))
            return -1;
        record->appended = true;
        return 0;
    }
    const char *field = ledger_validate_difference (first, record->event);
    if (field)
        rpc_reply_error (&record->reply, RPC_CONFLICT, "event %s was recorded before with "
                         "another %s", first->id, field);
    else {
        record->duplicate = true;
        shanhai__v1__ledger_event__free_unpacked (record->event, NULL);
        record->event = first;  // the reply is the first result
        first = NULL;
    }
    if (first)
        shanhai__v1__ledger_event__free_unpacked (first, NULL);
    return 0;
}

// Writes every valid record of the batch in one transaction, then answers them all.
static void
s_commit_batch (ledger_server_t *self, s_record_t *records, size_t count)
{
    bool written = ledger_store_begin (self->store) == 0;
    for (size_t index = 0; written && index < count; index++)
        if (records[index].reply.status == RPC_OK && s_write (self, &records[index]))
            written = false;
    if (written && ledger_store_commit (self->store))
        written = false;
    if (!written)
        ledger_store_rollback (self->store);
    for (size_t index = 0; index < count; index++) {
        s_record_t *record = &records[index];
        if (record->reply.status == RPC_OK && !written)
            rpc_reply_error (&record->reply, RPC_INTERNAL, "the ledger could not write to "
                             "disk; nothing was recorded");
        else if (record->reply.status == RPC_OK) {
            Shanhai__V1__RecordReply recorded = SHANHAI__V1__RECORD_REPLY__INIT;
            recorded.event = record->event;
            recorded.duplicate = record->duplicate;
            rpc_reply_set_body (&record->reply, &recorded.base);
            if (record->appended)
                log_debug ("recorded", "id=%s seq=%llu pairing=%s", record->event->id,
                           (unsigned long long) record->event->seq, record->event->pairing);
        }
        rpc_server_reply (self->rpc, &record->call, &record->reply);
        if (record->event)
            shanhai__v1__ledger_event__free_unpacked (record->event, NULL);
    }
}

// Takes every waiting request off the socket: Records are gathered into batches of at most
// LEDGER_BATCH_EVENTS_MAX, each written in one transaction (group commit); other methods are
// answered at once.
static int
s_on_request (zloop_t *loop, zsock_t *socket, void *arg)
{
    ledger_server_t *self = arg;
    s_record_t records[LEDGER_BATCH_EVENTS_MAX];
    for (int batch = 0; batch < ZMQ_HWM_MESSAGES / LEDGER_BATCH_EVENTS_MAX; batch++) {
        size_t count = 0;
        rpc_call_t *call;
        while (count < LEDGER_BATCH_EVENTS_MAX && (call = rpc_server_recv (self->rpc))) {
            if (strcmp (call->method, "ledger.Record") != 0) {
                rpc_server_dispatch (self->rpc, &call);
                continue;
            }
            records[count] = (s_record_t) { .call = call, .reply = { .status = RPC_OK } };
            s_prepare (self, &records[count++]);
        }
        if (count == 0)
            break;
        s_commit_batch (self, records, count);
    }
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

// A registry event: the clock moves, or the registry changed (cached answers are stale).
static int
s_apply_registry (void *state, const Shanhai__V1__Event *event)
{
    ledger_server_t *self = state;
    int32_t clock_day = -1;
    if (strcmp (event->type, "clock.changed") == 0) {
        Shanhai__V1__ClockChanged *changed
            = shanhai__v1__clock_changed__unpack (NULL, event->body.len, event->body.data);
        if (changed && date_parse (changed->today, &clock_day))
            clock_day = -1;
        if (changed)
            shanhai__v1__clock_changed__free_unpacked (changed, NULL);
        if (clock_day < 0)
            log_warn ("malformed clock.changed skipped", "seq=%llu",
                      (unsigned long long) event->seq);
    } else if (strcmp (event->type, "registry.changed") == 0)
        registry_client_invalidate (self->registry);
    if (ledger_store_registry_applied (self->store, event->seq, clock_day))
        return -1;
    if (clock_day >= 0)
        self->clock_day = clock_day;
    return 0;
}

static int
s_on_registry_event (zloop_t *loop, zsock_t *socket, void *arg)
{
    ledger_server_t *self = arg;
    subscriber_handle (self->registry_events);
    return 0;
}

static int
s_on_tick (zloop_t *loop, int timer_id, void *arg)
{
    ledger_server_t *self = arg;
    if (subscriber_is_behind (self->registry_events))
        subscriber_catch_up (self->registry_events);
    outbox_heartbeat (ledger_store_outbox (self->store));
    return 0;
}

ledger_server_t *
ledger_server_new (const config_t *config, char *errstr, size_t errstr_size)
{
    char path[PATH_BYTES_MAX];
    if (config_data_path (config, "ledger.db", path, sizeof path, errstr, errstr_size))
        return NULL;
    ledger_server_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->store = ledger_store_new (path, config->ledger_pub, errstr, errstr_size);
    if (self->store) {
        self->clock_day = ledger_store_clock (self->store);
        self->rpc = rpc_server_new (config->ledger_rpc, s_methods, self);
        self->cache = cache_new (config->redis_enabled ? config->redis_host : NULL,
                                 config->redis_port);
        self->registry = registry_client_new (config->registry_rpc, self->cache);
        self->registry_events = subscriber_new (
            config->registry_pub, config->registry_rpc, "registry.Replay",
            ledger_store_registry_seq (self->store), s_apply_registry, self);
        self->loop = zloop_new ();
    }
    if (!self->store || !self->rpc || !self->cache || !self->registry || !self->registry_events
        || !self->loop) {
        if (!*errstr)
            snprintf (errstr, errstr_size, "cannot start on %s / %s (see the log)",
                      config->ledger_rpc, config->ledger_pub);
        ledger_server_destroy (&self);
        return NULL;
    }
    log_info ("ledger ready", "rpc=%s pub=%s db=%s", config->ledger_rpc, config->ledger_pub,
              path);
    return self;
}

void
ledger_server_destroy (ledger_server_t **self_p)
{
    if (self_p && *self_p) {
        ledger_server_t *self = *self_p;
        zloop_destroy (&self->loop);
        subscriber_destroy (&self->registry_events);
        registry_client_destroy (&self->registry);
        cache_destroy (&self->cache);
        rpc_server_destroy (&self->rpc);
        ledger_store_destroy (&self->store);
        free (self);
        *self_p = NULL;
    }
}

int
ledger_server_run (ledger_server_t *self)
{
    subscriber_catch_up (self->registry_events);
    zloop_reader (self->loop, rpc_server_socket (self->rpc), s_on_request, self);
    zloop_reader (self->loop, subscriber_socket (self->registry_events), s_on_registry_event,
                  self);
    zloop_timer (self->loop, LEDGER_TICK_MS, 0, s_on_tick, self);
    zloop_start (self->loop);
    log_info ("ledger stopping", "%s", "");
    return 0;
}
