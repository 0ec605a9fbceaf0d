#include "ledger_server.h"

#include <assert.h>
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

struct ledger_server_t {
    ledger_store_t *store;
    rpc_server_t *rpc;
    cache_t *cache;
    registry_client_t *registry;
    subscriber_t *registry_events;
    zloop_t *loop;
    int32_t clock_day;  // LEDGER_CLOCK_UNKNOWN until the registry has announced it
    int64_t catch_up_at_ms;     // monotonic time of the timer's next catch-up
    int64_t catch_up_delay_ms;  // the wait after the last failed catch-up
};

// One Record call of a batch: the call, its event, and its reply so far.
typedef struct {
    rpc_call_t *call;
    Shanhai__V1__LedgerEvent *event;  // decoded; for a duplicate, the event first stored
    rpc_reply_t reply;
    bool writable;   // valid: it takes part in the batch's transaction
    bool duplicate;
} s_record_t;

// What a batch learned from the registry: the last pairing it fetched (a bulk import names
// the same pairing again and again), and whether the registry failed to answer, so that a
// batch waits at most one RPC_TIMEOUT_MS for a registry that is down, not one per call.
typedef struct {
    Shanhai__V1__Pairing *pairing;
    bool registry_down;
    char registry_error[RPC_ERROR_BYTES_MAX];
} s_batch_t;

// The pairing with id, borrowed from the batch, or NULL with the reply set (NOT_FOUND,
// UNAVAILABLE).
static const Shanhai__V1__Pairing *
s_pairing (ledger_server_t *self, s_batch_t *batch, const char *id, rpc_reply_t *reply)
{
    if (batch->pairing && strcmp (batch->pairing->id, id) == 0)
        return batch->pairing;
    if (batch->registry_down) {
        rpc_reply_error (reply, RPC_UNAVAILABLE, "the registry did not answer: %s",
                         batch->registry_error);
        return NULL;
    }
    Shanhai__V1__Pairing *pairing = NULL;
    rpc_status_t status = registry_client_pairing (self->registry, id, &pairing);
    if (status == RPC_NOT_FOUND) {
        rpc_reply_error (reply, RPC_NOT_FOUND, "pairing %s is not in the registry", id);
        return NULL;
    }
    if (status != RPC_OK) {
        snprintf (batch->registry_error, sizeof batch->registry_error, "%s",
                  registry_client_error (self->registry));
        batch->registry_down = status == RPC_UNAVAILABLE;
        rpc_reply_error (reply, RPC_UNAVAILABLE, "the registry did not answer: %s",
                         batch->registry_error);
        return NULL;
    }
    if (batch->pairing)
        shanhai__v1__pairing__free_unpacked (batch->pairing, NULL);
    batch->pairing = pairing;
    return pairing;
}

// Decodes and validates one call; marks it writable when it may be written.
static void
s_prepare (ledger_server_t *self, s_batch_t *batch, s_record_t *record)
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
    if (self->clock_day == LEDGER_CLOCK_UNKNOWN) {
        rpc_reply_error (reply, RPC_UNAVAILABLE, "the ledger does not know the clock yet: is "
                         "the registry running?");
        return;
    }
    const Shanhai__V1__Pairing *pairing = s_pairing (self, batch, event->pairing, reply);
    if (!pairing)
        return;
    reply->status = ledger_validate_pairing (event, pairing, reply->error, sizeof reply->error);
    if (reply->status == RPC_INTERNAL)
        rpc_reply_error (reply, RPC_INTERNAL, "out of memory");
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

// Writes the batch, then answers every call of it, then publishes what was recorded: an OK
// leaves the ledger only once the event is on disk. If the write failed, every call that
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
        rpc_server_reply (self->rpc, &record->call, &record->reply);
        if (record->event)
            shanhai__v1__ledger_event__free_unpacked (record->event, NULL);
        record->event = NULL;
    }
    if (written)
        ledger_store_publish (self->store);
}

// Takes every waiting request off the socket: Records are gathered into batches of at most
// LEDGER_BATCH_EVENTS_MAX, each written in one transaction (group commit); other methods are
// answered at once, between transactions. At most ZMQ_HWM_MESSAGES calls per wake-up, so the
// timer and the registry's events get their turn.
static int
s_on_request (zloop_t *loop, zsock_t *socket, void *arg)
{
    ledger_server_t *self = arg;
    s_record_t records[LEDGER_BATCH_EVENTS_MAX];
    size_t calls = 0, count;
    do {
        s_batch_t batch = { .pairing = NULL };
        count = 0;
        rpc_call_t *call;
        while (count < LEDGER_BATCH_EVENTS_MAX && calls < ZMQ_HWM_MESSAGES
               && (call = rpc_server_recv (self->rpc))) {
            calls++;
            if (strcmp (call->method, "ledger.Record") != 0) {
                rpc_server_dispatch (self->rpc, &call);
                continue;
            }
            records[count] = (s_record_t) { .call = call, .reply = { .status = RPC_OK } };
            s_prepare (self, &batch, &records[count++]);
        }
        if (batch.pairing)
            shanhai__v1__pairing__free_unpacked (batch.pairing, NULL);
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

// The day a clock.changed event brings, or LEDGER_CLOCK_UNKNOWN if its body is malformed.
static int32_t
s_clock_of (const Shanhai__V1__Event *event)
{
    int32_t day = LEDGER_CLOCK_UNKNOWN;
    Shanhai__V1__ClockChanged *changed
        = shanhai__v1__clock_changed__unpack (NULL, event->body.len, event->body.data);
    if (!changed || date_parse (changed->today, &day))
        day = LEDGER_CLOCK_UNKNOWN;
    if (changed)
        shanhai__v1__clock_changed__free_unpacked (changed, NULL);
    return day;
}

// A registry event: the clock moves (stored with the event's seq, in one transaction), or the
// registry changed (cached answers are stale). Other types are only counted as applied.
static int
s_apply_registry (void *state, const Shanhai__V1__Event *event)
{
    ledger_server_t *self = state;
    int32_t clock_day = LEDGER_CLOCK_UNKNOWN;
    if (strcmp (event->type, "clock.changed") == 0) {
        clock_day = s_clock_of (event);
        if (clock_day == LEDGER_CLOCK_UNKNOWN)
            log_warn ("malformed clock.changed skipped", "seq=%llu",
                      (unsigned long long) event->seq);
    } else if (strcmp (event->type, "registry.changed") == 0)
        registry_client_invalidate (self->registry);
    if (ledger_store_registry_applied (self->store, event->seq, clock_day))
        return -1;
    if (clock_day != LEDGER_CLOCK_UNKNOWN) {
        self->clock_day = clock_day;
        char today[DATE_TEXT_BYTES];
        date_format (clock_day, today);
        log_info ("clock changed", "today=%s seq=%llu", today, (unsigned long long) event->seq);
    }
    return 0;
}

static int
s_on_registry_event (zloop_t *loop, zsock_t *socket, void *arg)
{
    ledger_server_t *self = arg;
    subscriber_handle (self->registry_events);
    return 0;
}

// Catches up with the registry, and sets when the timer may try again.
static void
s_catch_up (ledger_server_t *self)
{
    if (subscriber_catch_up (self->registry_events) == 0)
        self->catch_up_delay_ms = LEDGER_TICK_MS;
    else if (self->catch_up_delay_ms < LEDGER_CATCH_UP_BACKOFF_MAX_MS)
        self->catch_up_delay_ms *= 2;
    self->catch_up_at_ms = zclock_mono () + self->catch_up_delay_ms;
}

// The heartbeat, and a catch-up with the registry while behind or never caught up (the
// registry was down at start, or an event could not be applied).
static int
s_on_tick (zloop_t *loop, int timer_id, void *arg)
{
    ledger_server_t *self = arg;
    if (subscriber_is_behind (self->registry_events) && zclock_mono () >= self->catch_up_at_ms)
        s_catch_up (self);
    outbox_heartbeat (ledger_store_outbox (self->store));
    return 0;
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
    zloop_reader (self->loop, rpc_server_socket (self->rpc), s_on_request, self);
    zloop_reader (self->loop, subscriber_socket (self->registry_events), s_on_registry_event,
                  self);
    zloop_timer (self->loop, LEDGER_TICK_MS, 0, s_on_tick, self);
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
    // The registry may not be up yet: then the timer catches up later, and Record answers
    // UNAVAILABLE until the clock is known.
    self->catch_up_delay_ms = LEDGER_TICK_MS;
    s_catch_up (self);
    zloop_start (self->loop);
    log_info ("ledger stopping", "%s", "");
    return 0;
}

// The actor's pipe: "$TERM" (or a broken pipe) ends the loop.
static int
s_on_pipe (zloop_t *loop, zsock_t *pipe, void *arg)
{
    char *command = zstr_recv (pipe);
    bool stop = !command || streq (command, "$TERM");
    zstr_free (&command);
    return stop ? -1 : 0;
}

void
ledger_server_actor (zsock_t *pipe, void *args)
{
    const config_t *config = args;
    char errstr[RPC_ERROR_BYTES_MAX] = "";
    ledger_server_t *self = ledger_server_new (config, errstr, sizeof errstr);
    if (!self) {
        log_error ("ledger cannot start", "error=\"%s\"", errstr);
        zsock_signal (pipe, 1);
        return;
    }
    zloop_reader (self->loop, pipe, s_on_pipe, NULL);
    zsock_signal (pipe, 0);
    ledger_server_run (self);
    ledger_server_destroy (&self);
}
