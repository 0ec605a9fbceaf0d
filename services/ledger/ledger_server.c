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
#include "common/validate.h"
#include "common/vocab.h"
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
    char *from = event->from_region, *to = event->to_region, *pairing = event->pairing;
    if (!*event->from_region)
        event->from_region = stored->from_region;
    if (!*event->to_region)
        event->to_region = stored->to_region;
    if (!*event->pairing)  // a reversal that left it to the ledger
        event->pairing = stored->pairing;
    const char *field = ledger_validate_difference (stored, event);
    event->from_region = from;
    event->to_region = to;
    event->pairing = pairing;
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

// Checks the event against the replica's pairing (or, for an indicator, region). Returns
// the reply's status.
static rpc_status_t
s_validate_registry (const registry_view_t *view, Shanhai__V1__LedgerEvent *event,
                     rpc_reply_t *reply)
{
    const vocab_kind_t *kind = vocab_kind_find (event->kind);
    assert (kind);  // ledger_validate_event passed
    if (kind->scope == VOCAB_SCOPE_REGION) {
        if (!registry_view_region (view, event->region))
            return rpc_reply_error (reply, RPC_NOT_FOUND, "region %s is not in the registry",
                                    event->region);
        return RPC_OK;
    }
    if (kind->scope == VOCAB_SCOPE_OF && !*event->pairing)
        return RPC_OK;  // the store gives it the pairing of what it reverses
    const Shanhai__V1__Pairing *pairing = registry_view_pairing (view, event->pairing);
    if (!pairing)
        return rpc_reply_error (reply, RPC_NOT_FOUND, "pairing %s is not in the registry",
                                event->pairing);
    reply->status = ledger_validate_pairing (event, pairing, reply->error, sizeof reply->error);
    if (reply->status == RPC_INTERNAL)
        rpc_reply_error (reply, RPC_INTERNAL, "out of memory");
    if (reply->status != RPC_OK || !*event->park)
        return reply->status;
    const Shanhai__V1__Park *park = registry_view_park (view, event->park);
    if (!park)
        return rpc_reply_error (reply, RPC_NOT_FOUND, "park %s is not in the registry",
                                event->park);
    if (strcmp (park->pairing, event->pairing) != 0)
        return rpc_reply_error (reply, RPC_INVALID, "park %s is built by pairing %s, not %s",
                                park->id, park->pairing, event->pairing);
    return RPC_OK;
}

// Validates record's event against the replica of the registry (no round trip); marks it
// writable when it may be written. A known id is answered from the store.
static void
s_validate (ledger_server_t *self, s_record_t *record)
{
    rpc_reply_t *reply = &record->reply;
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
    // An event that leaves its pairing to the ledger (a reversal names only what it undoes)
    // can only be compared with a first recording of its id once that is looked up.
    const vocab_kind_t *kind = vocab_kind_find (event->kind);
    if (kind && kind->scope == VOCAB_SCOPE_OF && !*event->pairing
        && s_answer_known_id (self, record))
        return;
    rpc_status_t status = s_validate_registry (view, event, reply);
    // Only an event the registry refuses now is looked up: an id recorded before, when the
    // registry said otherwise, still answers as recorded (the happy path costs no read).
    if (status == RPC_INVALID || status == RPC_NOT_FOUND) {
        rpc_reply_t refused = *reply;
        reply->status = RPC_OK;
        if (!s_answer_known_id (self, record))
            *reply = refused;
        return;
    }
    if (status != RPC_OK)
        return;
    event->registry_version = registry_view_version (view);
    record->writable = true;
}

// Decodes one Record call and validates it.
static void
s_prepare (ledger_server_t *self, s_record_t *record)
{
    record->event = (Shanhai__V1__LedgerEvent *) rpc_call_decode (
        record->call, &shanhai__v1__ledger_event__descriptor, &record->reply);
    if (record->event)
        s_validate (self, record);
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
    case LEDGER_STORE_REFUSED: {
        rpc_status_t status;
        const char *reason = ledger_store_refusal (self->store, &status);
        rpc_reply_error (&record->reply, status, "%s", reason);
        return 0;
    }
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

// Records a RecordBatch's events in one transaction, in order, stopping at the first that is
// refused: its index and reason become the reply's. Returns true when all were written.
static bool
s_write_all (ledger_server_t *self, s_record_t *records, size_t count, rpc_reply_t *reply)
{
    for (size_t index = 0; index < count; index++) {
        s_record_t *record = &records[index];
        if (record->writable && s_write (self, record)) {
            rpc_reply_error (reply, RPC_INTERNAL, "the ledger could not write to disk; "
                             "nothing was recorded, safe to retry");
            return false;
        }
        if (record->reply.status != RPC_OK) {
            rpc_reply_error (reply, record->reply.status, "event %zu (%.64s): %s; nothing of "
                             "the batch was recorded", index, record->event->id,
                             record->reply.error);
            return false;
        }
    }
    return true;
}

// The batch's reply: every event as stored, in order.
static void
s_batch_reply (s_record_t *records, size_t count, rpc_reply_t *reply)
{
    Shanhai__V1__RecordReply *results = calloc (count, sizeof *results);
    Shanhai__V1__RecordReply **pointers = calloc (count, sizeof *pointers);
    if (!results || !pointers)
        rpc_reply_error (reply, RPC_INTERNAL, "out of memory (the batch is recorded: retry "
                         "it to read it back)");
    else {
        for (size_t index = 0; index < count; index++) {
            shanhai__v1__record_reply__init (&results[index]);
            results[index].event = records[index].event;
            results[index].duplicate = records[index].duplicate;
            pointers[index] = &results[index];
        }
        Shanhai__V1__RecordBatchReply batch = SHANHAI__V1__RECORD_BATCH_REPLY__INIT;
        batch.n_results = count;
        batch.results = pointers;
        rpc_reply_set_body (reply, &batch.base);
    }
    free (results);
    free (pointers);
}

// Validates every event of the batch, then writes them in one transaction: all or nothing.
static void
s_run_batch (ledger_server_t *self, s_record_t *records, size_t count, rpc_reply_t *reply)
{
    for (size_t index = 0; index < count; index++) {
        s_validate (self, &records[index]);
        if (records[index].reply.status != RPC_OK) {
            rpc_reply_error (reply, records[index].reply.status, "event %zu (%.64s): %s; "
                             "nothing of the batch was recorded", index, records[index].event->id,
                             records[index].reply.error);
            return;
        }
    }
    if (ledger_store_begin (self->store)) {
        rpc_reply_error (reply, RPC_INTERNAL, "the ledger could not write to disk; nothing "
                         "was recorded, safe to retry");
        return;
    }
    if (!s_write_all (self, records, count, reply)) {
        ledger_store_rollback (self->store);
        return;
    }
    if (ledger_store_commit (self->store)) {
        rpc_reply_error (reply, RPC_INTERNAL, "the ledger could not write to disk; nothing "
                         "was recorded, safe to retry");
        return;
    }
    s_batch_reply (records, count, reply);
}

// ledger.RecordBatch: its own transaction, between the group commits of Records.
static void
s_record_batch (ledger_server_t *self, rpc_call_t **call_p)
{
    rpc_reply_t reply = { .status = RPC_OK };
    Shanhai__V1__RecordBatchRequest *request = (Shanhai__V1__RecordBatchRequest *)
        rpc_call_decode (*call_p, &shanhai__v1__record_batch_request__descriptor, &reply);
    size_t count = request ? request->n_events : 0;
    s_record_t *records = count ? calloc (count, sizeof *records) : NULL;
    if (request && (count == 0 || count > LEDGER_BATCH_EVENTS_MAX))
        rpc_reply_error (&reply, RPC_INVALID, "a batch holds 1..%d events, not %zu",
                         LEDGER_BATCH_EVENTS_MAX, count);
    else if (request && !records)
        rpc_reply_error (&reply, RPC_INTERNAL, "out of memory");
    else if (request) {
        // The records own the events from here (s_answer_known_id swaps them for stored ones).
        for (size_t index = 0; index < count; index++)
            records[index] = (s_record_t) { .event = request->events[index],
                                            .reply = { .status = RPC_OK } };
        request->n_events = 0;
        s_run_batch (self, records, count, &reply);
        for (size_t index = 0; index < count; index++)
            shanhai__v1__ledger_event__free_unpacked (records[index].event, NULL);
    }
    log_debug ("batch", "events=%zu status=%s", count, rpc_status_name (reply.status));
    rpc_server_reply (service_rpc (self->service), call_p, &reply);
    free (records);
    if (request)
        shanhai__v1__record_batch_request__free_unpacked (request, NULL);
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
            if (strcmp (call->method, "ledger.RecordBatch") == 0) {
                // After the Records before it, so that a client's calls keep their order.
                if (count > 0)
                    s_commit_batch (self, records, count);
                count = 0;
                s_record_batch (self, &call);
                continue;
            }
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

// A date filter, when given, must be a date.
static bool
s_date_filter_ok (const char *field, const char *date, rpc_reply_t *reply)
{
    int32_t day;
    if (!*date || date_parse (date, &day) == 0)
        return true;
    char echo[ERROR_ECHO_BYTES_MAX];
    validate_echo (date, echo, sizeof echo);
    rpc_reply_error (reply, RPC_INVALID, "%s \"%s\" is not a date YYYY-MM-DD", field, echo);
    return false;
}

static void
s_list (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    ledger_server_t *self = state;
    Shanhai__V1__ListRequest *request = (Shanhai__V1__ListRequest *) rpc_call_decode (
        call, &shanhai__v1__list_request__descriptor, reply);
    if (!request)
        return;
    char known[VOCAB_NAMES_BYTES_MAX];
    vocab_kind_names (", ", known, sizeof known);
    if (*request->kind && !vocab_kind_find (request->kind))
        rpc_reply_error (reply, RPC_INVALID, "kind \"%.64s\" is not a known kind (%s)",
                         request->kind, known);
    else if (s_date_filter_ok ("from", request->from_date, reply)
             && s_date_filter_ok ("to", request->to_date, reply)) {
        Shanhai__V1__ListReply list = SHANHAI__V1__LIST_REPLY__INIT;
        if (ledger_store_list (self->store, request, &list))
            rpc_reply_error (reply, RPC_INTERNAL, "the ledger could not read its store");
        else
            rpc_reply_set_body (reply, &list.base);
        for (size_t index = 0; index < list.n_events; index++)
            shanhai__v1__ledger_event__free_unpacked (list.events[index], NULL);
        free (list.events);
    }
    shanhai__v1__list_request__free_unpacked (request, NULL);
}

// Sets up a ParkTotal for each park the pairing builds and each category, with the year's
// plan. Returns how many.
static size_t
s_park_totals (const registry_view_t *view, const Shanhai__V1__TotalsRequest *request,
               Shanhai__V1__ParkTotal *parks, Shanhai__V1__ParkTotal **pointers)
{
    static const char *const categories[] = { "gov", "invest" };
    const Shanhai__V1__RegistryDoc *doc = registry_view_doc (view);
    size_t count = 0;
    for (size_t index = 0; index < doc->n_parks; index++) {
        const Shanhai__V1__Park *park = doc->parks[index];
        if (strcmp (park->pairing, request->pairing) != 0)
            continue;
        for (size_t which = 0; which < 2; which++) {
            if (count == LEDGER_TOTALS_PARKS_MAX) {
                log_warn ("totals: parks left out", "pairing=%s max=%d", request->pairing,
                          LEDGER_TOTALS_PARKS_MAX);
                return count;
            }
            const Shanhai__V1__ParkPlan *plan
                = registry_view_park_plan (park, request->year, categories[which]);
            shanhai__v1__park_total__init (&parks[count]);
            parks[count].park = park->id;
            parks[count].category = (char *) categories[which];
            parks[count].planned_completion_fen = plan ? plan->planned_completion_fen : 0;
            parks[count].planned_projects = plan ? plan->projects : 0;
            pointers[count] = &parks[count];
            count++;
        }
    }
    return count;
}

// Answers a Totals request whose pairing is known.
static void
s_totals_answer (ledger_server_t *self, const Shanhai__V1__TotalsRequest *request,
                 rpc_reply_t *reply)
{
    size_t count = 0;
    Shanhai__V1__KindTotal kinds[vocab_kind_count ()];
    Shanhai__V1__KindTotal *pointers[vocab_kind_count ()];
    for (size_t index = 0; index < vocab_kind_count (); index++) {
        const vocab_kind_t *kind = vocab_kind_at (index);
        if (strcmp (kind->name, VOCAB_KIND_REVERSAL) == 0 || kind->scope != VOCAB_SCOPE_PAIR)
            continue;
        shanhai__v1__kind_total__init (&kinds[count]);
        kinds[count].kind = (char *) kind->name;
        kinds[count].unit = (char *) vocab_quantity_unit (kind->quantity);
        pointers[count] = &kinds[count];
        count++;
    }
    Shanhai__V1__TotalsReply totals = SHANHAI__V1__TOTALS_REPLY__INIT;
    totals.pairing = request->pairing;
    totals.year = request->year;
    totals.n_kinds = count;
    totals.kinds = pointers;
    Shanhai__V1__ParkTotal parks[LEDGER_TOTALS_PARKS_MAX], *park_pointers[LEDGER_TOTALS_PARKS_MAX];
    totals.parks = park_pointers;
    totals.n_parks = s_park_totals (registry_replica_view (self->registry), request, parks,
                                    park_pointers);
    if (ledger_store_totals (self->store, request->pairing, request->year, &totals))
        rpc_reply_error (reply, RPC_INTERNAL, "the ledger could not read its store");
    else
        rpc_reply_set_body (reply, &totals.base);
}

static void
s_totals (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    ledger_server_t *self = state;
    Shanhai__V1__TotalsRequest *request = (Shanhai__V1__TotalsRequest *) rpc_call_decode (
        call, &shanhai__v1__totals_request__descriptor, reply);
    if (!request)
        return;
    const registry_view_t *view = registry_replica_view (self->registry);
    if (!date_year_is_valid (request->year))
        rpc_reply_error (reply, RPC_INVALID, "year must be %d..%d, not %d", DATE_YEAR_MIN,
                         DATE_YEAR_MAX, request->year);
    else if (!view)
        rpc_reply_error (reply, RPC_UNAVAILABLE, "the ledger has not heard the reference data "
                         "from the registry yet");
    else if (!registry_view_pairing (view, request->pairing))
        rpc_reply_error (reply, RPC_NOT_FOUND, "pairing %.64s is not in the registry",
                         request->pairing);
    else
        s_totals_answer (self, request, reply);
    shanhai__v1__totals_request__free_unpacked (request, NULL);
}

// ledger.Record and ledger.RecordBatch are not in the table: s_on_request takes them off the
// socket itself, to write them in transactions of their own making.
static const rpc_method_t s_methods[] = {
    { "ledger.Replay", s_replay },
    { "ledger.List", s_list },
    { "ledger.Totals", s_totals },
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
