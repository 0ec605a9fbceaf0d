#include "assessment_server.h"

#include <czmq.h>
#include <stdlib.h>
#include <string.h>
#include "assessment_store.h"
#include "common/cache.h"
#include "common/date.h"
#include "common/log.h"
#include "common/registry_client.h"
#include "common/rpc.h"
#include "common/subscriber.h"
#include "common/validate.h"
#include "evaluate.h"
#include "policy.h"

#define ASSESSMENT_TICK_MS 1000

struct assessment_server_t {
    policy_set_t *policies;
    assessment_store_t *store;
    rpc_server_t *rpc;
    cache_t *cache;
    registry_client_t *registry;
    subscriber_t *registry_events;
    subscriber_t *ledger_events;
    zloop_t *loop;
    Shanhai__V1__PairingList *pairings;  // the registry's, as last read; NULL before
    zhashx_t *pairing_by_id;             // id -> pairing of the list (borrowed)
    int32_t clock_day;                   // -1 until the registry announced it
    // Ledger events committed after this are held back: while the assessment catches up with
    // a clock move, it first applies what the ledger recorded before that move (INT64_MAX:
    // nothing is held back).
    int64_t ledger_before_ms;
};

// Reads every pairing from the registry. Returns 0, or -1 (the old list is kept).
static int
s_refresh_pairings (assessment_server_t *self)
{
    Shanhai__V1__PairingList *list = NULL;
    if (registry_client_pairings (self->registry, &list) != RPC_OK) {
        log_warn ("cannot read the pairings", "error=\"%s\"",
                  registry_client_error (self->registry));
        return -1;
    }
    zhashx_purge (self->pairing_by_id);
    if (self->pairings)
        shanhai__v1__pairing_list__free_unpacked (self->pairings, NULL);
    self->pairings = list;
    for (size_t index = 0; index < list->n_pairings; index++)
        zhashx_insert (self->pairing_by_id, list->pairings[index]->id, list->pairings[index]);
    log_info ("pairings read", "count=%zu", list->n_pairings);
    return 0;
}

static bool
s_ready (assessment_server_t *self)
{
    return self->clock_day >= 0 && self->pairings;
}

// Ready once the registry has told the clock and the pairings could be read (tried again
// here when they could not be read before).
static bool
s_ensure_ready (assessment_server_t *self)
{
    if (!self->pairings)
        s_refresh_pairings (self);
    return s_ready (self);
}

static bool
s_pairing_period (const policy_rule_t *rule, const Shanhai__V1__Pairing *pairing, int year,
                  evaluate_period_t *period)
{
    int32_t start, end;
    return date_parse (pairing->start, &start) == 0 && date_parse (pairing->end, &end) == 0
           && evaluate_period (rule, year, start, end, period);
}

static void
s_rule_status (Shanhai__V1__RuleStatus *status, const policy_rule_t *rule, int64_t actual,
               evaluate_period_t period, int32_t today)
{
    status->rule = (char *) rule->id;
    status->title = (char *) rule->title;
    status->status = evaluate_status (actual, rule->target, period, today);
    status->actual = actual;
    status->target = rule->target;
    status->expected = evaluate_expected (rule->target, period, today);
    status->unit = (char *) rule->unit;
    status->source = (char *) rule->source;
}

// Adds delta to (rule, pairing, year) and re-evaluates it as of the clock; a change of status
// is appended as "compliance.changed". Inside the caller's transaction. Returns 0 or -1.
static int
s_evaluate (assessment_server_t *self, const policy_rule_t *rule,
            const Shanhai__V1__Pairing *pairing, int year, int64_t delta)
{
    evaluate_period_t period;
    if (!s_pairing_period (rule, pairing, year, &period))
        return 0;
    int64_t actual;
    Shanhai__V1__ComplianceStatus previous;
    if (assessment_store_get (self->store, rule->id, pairing->id, year, &actual, &previous) < 0)
        return -1;
    actual += delta;
    Shanhai__V1__RuleStatus status = SHANHAI__V1__RULE_STATUS__INIT;
    s_rule_status (&status, rule, actual, period, self->clock_day);
    if (status.status != previous) {
        char as_of[DATE_TEXT_BYTES];
        date_format (self->clock_day, as_of);
        Shanhai__V1__ComplianceChange change = SHANHAI__V1__COMPLIANCE_CHANGE__INIT;
        change.pairing = pairing->id;
        change.program = pairing->program;
        change.year = year;
        change.rule = &status;
        change.previous = previous;
        change.as_of = as_of;
        change.recipient = pairing->recipient;
        change.recipient_name = pairing->recipient_name;
        change.supporter = pairing->supporter;
        change.supporter_name = pairing->supporter_name;
        if (assessment_store_change (self->store, &change) < 0)
            return -1;
        log_info ("status changed", "pairing=%s rule=%s year=%d previous=%s status=%s",
                  pairing->id, rule->id, year, compliance_status_name (previous),
                  compliance_status_name (status.status));
    }
    if (delta == 0 && status.status == previous)
        return 0;
    return assessment_store_put (self->store, rule->id, pairing->id, year, actual, status.status);
}

// Re-evaluates every pairing's rules for each year from first_year to last_year.
static int
s_reevaluate (assessment_server_t *self, int first_year, int last_year)
{
    for (int year = first_year; year <= last_year; year++)
        for (size_t index = 0; index < self->pairings->n_pairings; index++) {
            const Shanhai__V1__Pairing *pairing = self->pairings->pairings[index];
            const policy_pack_t *pack = policy_set_pack (self->policies, pairing->program);
            for (size_t rule = 0; pack && rule < pack->rule_count; rule++)
                if (s_evaluate (self, &pack->rules[rule], pairing, year, 0))
                    return -1;
        }
    return 0;
}

// Moves the clock to day: every year from the old clock's to the new one's is re-evaluated,
// so that a deadline crossed on the way turns an unmet target into BREACHED.
static int
s_move_clock (assessment_server_t *self, int32_t day, uint64_t seq)
{
    if (day <= self->clock_day)
        return assessment_store_begin (self->store)
               || assessment_store_set_meta (self->store, "registry_seq", (int64_t) seq)
               || assessment_store_commit (self->store);
    int first_year = self->clock_day < 0 ? date_year (day) : date_year (self->clock_day);
    int32_t previous = self->clock_day;
    self->clock_day = day;
    if (assessment_store_begin (self->store) || s_reevaluate (self, first_year, date_year (day))
        || assessment_store_set_meta (self->store, "clock_day", day)
        || assessment_store_set_meta (self->store, "registry_seq", (int64_t) seq)
        || assessment_store_commit (self->store)) {
        assessment_store_rollback (self->store);
        self->clock_day = previous;
        return -1;
    }
    return 0;
}

// Applies, before a clock move committed at at_ms, the ledger events committed before it, so
// that statuses move in the order things happened even when both streams are caught up
// after a restart: a payment made before a deadline counts before the deadline passes.
static void
s_ledger_until (assessment_server_t *self, int64_t at_ms)
{
    if (!subscriber_is_behind (self->ledger_events) || !s_ready (self))
        return;
    self->ledger_before_ms = at_ms;
    subscriber_catch_up (self->ledger_events);
    self->ledger_before_ms = INT64_MAX;
}

static int
s_apply_registry (void *state, const Shanhai__V1__Event *event)
{
    assessment_server_t *self = state;
    bool changed = strcmp (event->type, "registry.changed") == 0;
    if ((changed || !self->pairings) && s_refresh_pairings (self))
        return -1;
    int32_t day = self->clock_day;
    if (strcmp (event->type, "clock.changed") == 0) {
        Shanhai__V1__ClockChanged *clock
            = shanhai__v1__clock_changed__unpack (NULL, event->body.len, event->body.data);
        if (!clock || date_parse (clock->today, &day))
            log_warn ("malformed clock.changed skipped", "seq=%llu",
                      (unsigned long long) event->seq);
        if (clock)
            shanhai__v1__clock_changed__free_unpacked (clock, NULL);
        s_ledger_until (self, event->at_ms);
    }
    if (changed && self->clock_day >= 0) {
        // New pairings get their first evaluation for the clock's year.
        int year = date_year (self->clock_day);
        if (assessment_store_begin (self->store) || s_reevaluate (self, year, year)
            || assessment_store_set_meta (self->store, "registry_seq", (int64_t) event->seq)
            || assessment_store_commit (self->store)) {
            assessment_store_rollback (self->store);
            return -1;
        }
        return 0;
    }
    return s_move_clock (self, day, event->seq);
}

static const Shanhai__V1__Pairing *
s_find_pairing (assessment_server_t *self, const char *id)
{
    const Shanhai__V1__Pairing *pairing = zhashx_lookup (self->pairing_by_id, id);
    // A pairing the registry added after our last read: read again, once.
    if (!pairing && s_refresh_pairings (self) == 0)
        pairing = zhashx_lookup (self->pairing_by_id, id);
    return pairing;
}

static int
s_apply_ledger (void *state, const Shanhai__V1__Event *event)
{
    assessment_server_t *self = state;
    if (!s_ready (self))
        return -1;  // the registry first: the clock and the pairings
    if (event->at_ms > self->ledger_before_ms)
        return 1;  // after the clock move being applied: not yet
    Shanhai__V1__LedgerEvent *recorded
        = shanhai__v1__ledger_event__unpack (NULL, event->body.len, event->body.data);
    int32_t day;
    const Shanhai__V1__Pairing *pairing = NULL;
    if (!recorded || date_parse (recorded->date, &day))
        log_warn ("malformed ledger event skipped", "seq=%llu", (unsigned long long) event->seq);
    else if (!(pairing = s_find_pairing (self, recorded->pairing)))
        log_warn ("ledger event of an unknown pairing skipped", "seq=%llu pairing=%s",
                  (unsigned long long) event->seq, recorded->pairing);
    int rc = assessment_store_begin (self->store);
    const policy_pack_t *pack = pairing ? policy_set_pack (self->policies, pairing->program) : NULL;
    for (size_t index = 0; rc == 0 && pack && index < pack->rule_count; index++) {
        const policy_rule_t *rule = &pack->rules[index];
        if (strcmp (rule->event_kind, recorded->kind) == 0)
            rc = s_evaluate (self, rule, pairing, date_year (day),
                             rule->metric == POLICY_METRIC_SUM ? recorded->amount_fen : 1);
    }
    if (rc == 0)
        rc = assessment_store_set_meta (self->store, "ledger_seq", (int64_t) event->seq)
             || assessment_store_commit (self->store);
    if (rc)
        assessment_store_rollback (self->store);
    if (recorded)
        shanhai__v1__ledger_event__free_unpacked (recorded, NULL);
    return rc ? -1 : 0;
}

// Builds the status of pairing in year as of the clock. Returns the packed StatusReply in
// reply, or an error.
static void
s_build_status (assessment_server_t *self, const Shanhai__V1__Pairing *pairing, int year,
                rpc_reply_t *reply)
{
    const policy_pack_t *pack = policy_set_pack (self->policies, pairing->program);
    Shanhai__V1__RuleStatus statuses[POLICY_RULES_MAX];
    Shanhai__V1__RuleStatus *pointers[POLICY_RULES_MAX];
    char as_of[DATE_TEXT_BYTES];
    date_format (self->clock_day, as_of);
    Shanhai__V1__StatusReply status = SHANHAI__V1__STATUS_REPLY__INIT;
    status.pairing = pairing->id;
    status.year = year;
    status.as_of = as_of;
    status.program = pairing->program;
    status.rules = pointers;
    for (size_t index = 0; pack && index < pack->rule_count; index++) {
        const policy_rule_t *rule = &pack->rules[index];
        evaluate_period_t period;
        if (!s_pairing_period (rule, pairing, year, &period))
            continue;
        int64_t actual;
        Shanhai__V1__ComplianceStatus stored;
        if (assessment_store_get (self->store, rule->id, pairing->id, year, &actual, &stored) < 0) {
            rpc_reply_error (reply, RPC_INTERNAL, "the assessment could not read its store");
            return;
        }
        Shanhai__V1__RuleStatus *rule_status = &statuses[status.n_rules];
        shanhai__v1__rule_status__init (rule_status);
        s_rule_status (rule_status, rule, actual, period, self->clock_day);
        pointers[status.n_rules++] = rule_status;
    }
    rpc_reply_set_body (reply, &status.base);
}

// assessment.Status. Snapshots are cached under a key that names the state they were read
// from (the clock and the last applied seqs): a snapshot of an older state is never read
// again, whether or not its deletion reached Redis, and expires by its TTL.
static void
s_status (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    assessment_server_t *self = state;
    Shanhai__V1__StatusRequest *request = (Shanhai__V1__StatusRequest *) rpc_call_decode (
        call, &shanhai__v1__status_request__descriptor, reply);
    if (!request)
        return;
    const Shanhai__V1__Pairing *pairing = NULL;
    if (!validate_id (request->pairing))
        rpc_reply_error (reply, RPC_INVALID, "pairing \"%.80s\" is not a valid id",
                         request->pairing);
    else if (!date_year_is_valid (request->year))
        rpc_reply_error (reply, RPC_INVALID, "year %d is not in %d..%d", request->year,
                         DATE_YEAR_MIN, DATE_YEAR_MAX);
    else if (!s_ensure_ready (self))
        rpc_reply_error (reply, RPC_UNAVAILABLE, "the assessment has not heard from the "
                         "registry yet");
    else if (!(pairing = s_find_pairing (self, request->pairing)))
        rpc_reply_error (reply, RPC_NOT_FOUND, "pairing %s is not in the registry",
                         request->pairing);
    else {
        char key[CACHE_KEY_BYTES_MAX];
        snprintf (key, sizeof key, "shanhai:assessment:status:%s:%d:%d:%llu:%llu", pairing->id,
                  request->year, self->clock_day,
                  (unsigned long long) subscriber_last_seq (self->ledger_events),
                  (unsigned long long) subscriber_last_seq (self->registry_events));
        uint8_t *cached = NULL;
        size_t size = 0;
        if (cache_get (self->cache, key, &cached, &size) == 0) {
            reply->body = cached;
            reply->body_size = size;
        } else {
            s_build_status (self, pairing, request->year, reply);
            if (reply->status == RPC_OK)
                cache_set (self->cache, key, reply->body, reply->body_size, CACHE_TTL_S);
        }
    }
    shanhai__v1__status_request__free_unpacked (request, NULL);
}

static void
s_replay (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    assessment_server_t *self = state;
    outbox_replay_handler (assessment_store_outbox (self->store), call, reply);
}

static const rpc_method_t s_methods[] = {
    { "assessment.Status", s_status },
    { "assessment.Replay", s_replay },
    { NULL, NULL },
};

static int
s_on_request (zloop_t *loop, zsock_t *socket, void *arg)
{
    assessment_server_t *self = arg;
    rpc_server_handle_all (self->rpc);
    return 0;
}

static int
s_on_registry_event (zloop_t *loop, zsock_t *socket, void *arg)
{
    assessment_server_t *self = arg;
    subscriber_handle (self->registry_events);
    return 0;
}

static int
s_on_ledger_event (zloop_t *loop, zsock_t *socket, void *arg)
{
    assessment_server_t *self = arg;
    subscriber_handle (self->ledger_events);
    return 0;
}

// Catches up with the registry first (the clock and the pairings), then with the ledger.
static void
s_catch_up (assessment_server_t *self)
{
    if (!self->pairings)
        s_refresh_pairings (self);
    if (subscriber_is_behind (self->registry_events))
        subscriber_catch_up (self->registry_events);
    if (s_ready (self) && subscriber_is_behind (self->ledger_events))
        subscriber_catch_up (self->ledger_events);
}

static int
s_on_tick (zloop_t *loop, int timer_id, void *arg)
{
    assessment_server_t *self = arg;
    s_catch_up (self);
    outbox_heartbeat (assessment_store_outbox (self->store));
    return 0;
}

assessment_server_t *
assessment_server_new (const config_t *config, char *errstr, size_t errstr_size)
{
    char path[PATH_BYTES_MAX];
    if (config_data_path (config, "assessment.db", path, sizeof path, errstr, errstr_size))
        return NULL;
    assessment_server_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->policies = policy_set_load (config->policy_dir, errstr, errstr_size);
    if (self->policies)
        self->store = assessment_store_new (path, config->assessment_pub, errstr, errstr_size);
    if (self->store) {
        self->clock_day = (int32_t) assessment_store_meta (self->store, "clock_day", -1);
        self->ledger_before_ms = INT64_MAX;
        self->pairing_by_id = zhashx_new ();
        self->rpc = rpc_server_new (config->assessment_rpc, s_methods, self);
        self->cache = cache_new (config->redis_enabled ? config->redis_host : NULL,
                                 config->redis_port);
        self->registry = registry_client_new (config->registry_rpc, self->cache);
        self->registry_events = subscriber_new (
            config->registry_pub, config->registry_rpc, "registry.Replay",
            (uint64_t) assessment_store_meta (self->store, "registry_seq", 0), s_apply_registry,
            self);
        self->ledger_events = subscriber_new (
            config->ledger_pub, config->ledger_rpc, "ledger.Replay",
            (uint64_t) assessment_store_meta (self->store, "ledger_seq", 0), s_apply_ledger, self);
        self->loop = zloop_new ();
    }
    if (!self->policies || !self->store || !self->pairing_by_id || !self->rpc || !self->cache
        || !self->registry || !self->registry_events || !self->ledger_events || !self->loop) {
        if (!*errstr)
            snprintf (errstr, errstr_size, "cannot start on %s / %s (see the log)",
                      config->assessment_rpc, config->assessment_pub);
        assessment_server_destroy (&self);
        return NULL;
    }
    log_info ("assessment ready", "rpc=%s pub=%s db=%s packs=%zu", config->assessment_rpc,
              config->assessment_pub, path, policy_set_size (self->policies));
    return self;
}

void
assessment_server_destroy (assessment_server_t **self_p)
{
    if (self_p && *self_p) {
        assessment_server_t *self = *self_p;
        zloop_destroy (&self->loop);
        subscriber_destroy (&self->ledger_events);
        subscriber_destroy (&self->registry_events);
        registry_client_destroy (&self->registry);
        cache_destroy (&self->cache);
        rpc_server_destroy (&self->rpc);
        zhashx_destroy (&self->pairing_by_id);
        if (self->pairings)
            shanhai__v1__pairing_list__free_unpacked (self->pairings, NULL);
        assessment_store_destroy (&self->store);
        policy_set_destroy (&self->policies);
        free (self);
        *self_p = NULL;
    }
}

int
assessment_server_run (assessment_server_t *self)
{
    s_catch_up (self);
    zloop_reader (self->loop, rpc_server_socket (self->rpc), s_on_request, self);
    zloop_reader (self->loop, subscriber_socket (self->registry_events), s_on_registry_event,
                  self);
    zloop_reader (self->loop, subscriber_socket (self->ledger_events), s_on_ledger_event, self);
    zloop_timer (self->loop, ASSESSMENT_TICK_MS, 0, s_on_tick, self);
    zloop_start (self->loop);
    log_info ("assessment stopping", "%s", "");
    return 0;
}
