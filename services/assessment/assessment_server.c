#include "assessment_server.h"

#include <stdlib.h>
#include <string.h>
#include "assessment_cache.h"
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

// A pairing as the assessment keeps it: the registry's record and its days, parsed once.
typedef struct {
    const Shanhai__V1__Pairing *pairing;  // borrowed from the server's pairing list
    int32_t start;
    int32_t end;
} s_pairing_t;

struct assessment_server_t {
    policy_set_t *policies;
    assessment_store_t *store;
    rpc_server_t *rpc;
    cache_t *cache;
    assessment_cache_t *snapshots;
    registry_client_t *registry;
    subscriber_t *registry_events;
    subscriber_t *ledger_events;
    zloop_t *loop;
    Shanhai__V1__PairingList *pairings;  // the registry's, as last read; NULL before
    s_pairing_t *known;                  // the pairings with valid days
    size_t known_count;
    zhashx_t *pairing_by_id;             // id -> s_pairing_t of known (borrowed)
    int64_t refreshed_at_ms;             // when the pairings were last asked for
    int32_t clock_day;                   // -1 until the registry announced it
    bool registry_caught_up;             // the registry's events were replayed to its head
    // Ledger events committed after this are held back: while the assessment catches up with
    // a clock move, it first applies what the ledger recorded before that move (INT64_MAX:
    // nothing is held back).
    int64_t ledger_before_ms;
};

// Reads every pairing from the registry. Returns 0, or -1 (the old list is kept).
static int
s_refresh_pairings (assessment_server_t *self)
{
    self->refreshed_at_ms = date_now_ms ();
    Shanhai__V1__PairingList *list = NULL;
    if (registry_client_pairings (self->registry, &list) != RPC_OK) {
        log_warn ("cannot read the pairings", "error=\"%s\"",
                  registry_client_error (self->registry));
        return -1;
    }
    s_pairing_t *known = calloc (list->n_pairings ? list->n_pairings : 1, sizeof *known);
    if (!known) {
        shanhai__v1__pairing_list__free_unpacked (list, NULL);
        return -1;
    }
    size_t count = 0;
    for (size_t index = 0; index < list->n_pairings; index++) {
        s_pairing_t *entry = &known[count];
        entry->pairing = list->pairings[index];
        if (date_parse (entry->pairing->start, &entry->start)
            || date_parse (entry->pairing->end, &entry->end))
            log_warn ("pairing with bad days ignored", "pairing=%s", entry->pairing->id);
        else
            count++;
    }
    zhashx_purge (self->pairing_by_id);
    free (self->known);
    if (self->pairings)
        shanhai__v1__pairing_list__free_unpacked (self->pairings, NULL);
    self->pairings = list;
    self->known = known;
    self->known_count = count;
    for (size_t index = 0; index < count; index++)
        zhashx_insert (self->pairing_by_id, known[index].pairing->id, &known[index]);
    log_info ("pairings read", "count=%zu", count);
    return 0;
}

static bool
s_ready (assessment_server_t *self)
{
    return self->clock_day >= 0 && self->pairings;
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

// Appends the "compliance.changed" of status (previous before it). Returns 0 or -1.
static int
s_publish_change (assessment_server_t *self, const Shanhai__V1__Pairing *pairing,
                  const char *program, int year, Shanhai__V1__RuleStatus *status,
                  Shanhai__V1__ComplianceStatus previous)
{
    char as_of[DATE_TEXT_BYTES];
    date_format (self->clock_day, as_of);
    Shanhai__V1__ComplianceChange change = SHANHAI__V1__COMPLIANCE_CHANGE__INIT;
    change.pairing = pairing->id;
    change.program = (char *) program;
    change.year = year;
    change.rule = status;
    change.previous = previous;
    change.as_of = as_of;
    change.recipient = pairing->recipient;
    change.recipient_name = pairing->recipient_name;
    change.supporter = pairing->supporter;
    change.supporter_name = pairing->supporter_name;
    if (assessment_store_change (self->store, &change) < 0)
        return -1;
    log_info ("status changed", "pairing=%s rule=%s year=%d previous=%s status=%s", pairing->id,
              status->rule, year, compliance_status_name (previous),
              compliance_status_name (status->status));
    return 0;
}

// Adds delta to (rule, pairing, year), which applies in period, and re-evaluates it as of the
// clock; a change of status is appended as "compliance.changed". Runs inside the caller's
// transaction. Returns 0 or -1.
static int
s_evaluate (assessment_server_t *self, const policy_rule_t *rule, const char *program,
            const Shanhai__V1__Pairing *pairing, int year, evaluate_period_t period,
            int64_t delta)
{
    int64_t actual;
    Shanhai__V1__ComplianceStatus previous;
    if (assessment_store_get (self->store, rule->id, pairing->id, year, &actual, &previous) < 0)
        return -1;
    actual = evaluate_accumulate (actual, delta);
    Shanhai__V1__RuleStatus status = SHANHAI__V1__RULE_STATUS__INIT;
    s_rule_status (&status, rule, actual, period, self->clock_day);
    if (status.status == previous && delta == 0)
        return 0;
    if (status.status != previous
        && s_publish_change (self, pairing, program, year, &status, previous))
        return -1;
    return assessment_store_put (self->store, rule->id, pairing->id, year, actual, status.status);
}

// Re-evaluates, for a clock moving from old_day (-1: none before) to new_day, every rule of
// every pairing for the new day's year and for each year whose deadline the move crossed.
// Runs inside the caller's transaction. Returns 0 or -1.
static int
s_reevaluate (assessment_server_t *self, int32_t old_day, int32_t new_day)
{
    int last_year = date_year (new_day);
    int first_year = old_day < 0 ? last_year : date_year (old_day);
    for (size_t index = 0; index < self->known_count; index++) {
        const s_pairing_t *known = &self->known[index];
        const char *program = known->pairing->program;
        const policy_pack_t *pack = policy_set_pack (self->policies, program);
        for (size_t rule = 0; pack && rule < pack->rule_count; rule++)
            for (int year = first_year; year <= last_year; year++) {
                evaluate_period_t period;
                if (!evaluate_period (&pack->rules[rule], year, known->start, known->end,
                                      &period))
                    continue;
                if (year != last_year
                    && !(old_day >= 0 && evaluate_deadline_crossed (period, old_day, new_day)))
                    continue;
                if (s_evaluate (self, &pack->rules[rule], program, known->pairing, year, period,
                                0))
                    return -1;
            }
    }
    return 0;
}

// Re-evaluates from old_day to new_day and records the registry's seq (and the clock), in one
// transaction. Every snapshot is dropped: each shows the clock. Returns 0 or -1.
static int
s_commit_evaluation (assessment_server_t *self, int32_t old_day, int32_t new_day, uint64_t seq)
{
    int32_t previous = self->clock_day;
    self->clock_day = new_day;
    if (assessment_store_begin (self->store)) {
        self->clock_day = previous;
        return -1;
    }
    if ((new_day >= 0 && s_reevaluate (self, old_day, new_day))
        || assessment_store_set_meta (self->store, "clock_day", new_day)
        || assessment_store_set_meta (self->store, "registry_seq", (int64_t) seq)
        || assessment_store_commit (self->store)) {
        assessment_store_rollback (self->store);
        self->clock_day = previous;
        return -1;
    }
    assessment_cache_drop_all (self->snapshots);
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

// The day a clock.changed moves to, or -1 (logged) when its body is malformed.
static int32_t
s_clock_day (const Shanhai__V1__Event *event)
{
    Shanhai__V1__ClockChanged *clock
        = shanhai__v1__clock_changed__unpack (NULL, event->body.len, event->body.data);
    int32_t day = -1;
    if (!clock || date_parse (clock->today, &day)) {
        log_warn ("malformed clock.changed skipped", "seq=%llu",
                  (unsigned long long) event->seq);
        day = -1;
    }
    if (clock)
        shanhai__v1__clock_changed__free_unpacked (clock, NULL);
    return day;
}

static int
s_apply_registry (void *state, const Shanhai__V1__Event *event)
{
    assessment_server_t *self = state;
    bool changed = strcmp (event->type, "registry.changed") == 0;
    if ((changed || !self->pairings) && s_refresh_pairings (self))
        return -1;  // offered again: the pairings must be known before anything is evaluated
    int32_t old_day = self->clock_day;
    if (changed) {
        // Cached registry answers are stale, and so is every snapshot (a pairing's days may
        // have changed). New pairings get their first evaluation for the clock's year.
        registry_client_invalidate (self->registry);
        return s_commit_evaluation (self, old_day, old_day, event->seq);
    }
    int32_t day = strcmp (event->type, "clock.changed") == 0 ? s_clock_day (event) : -1;
    if (day <= old_day) {
        // Not a move forward (a replayed or malformed one, or another type): only the seq.
        if (assessment_store_begin (self->store)
            || assessment_store_set_meta (self->store, "registry_seq", (int64_t) event->seq)
            || assessment_store_commit (self->store)) {
            assessment_store_rollback (self->store);
            return -1;
        }
        return 0;
    }
    s_ledger_until (self, event->at_ms);
    return s_commit_evaluation (self, old_day, day, event->seq);
}

// The pairing with id; an unknown one makes the pairings be read again (at most once per
// ASSESSMENT_PAIRINGS_REFRESH_MS unless force). *unreachable is set when they could not be.
static const s_pairing_t *
s_find_pairing (assessment_server_t *self, const char *id, bool force, bool *unreachable)
{
    *unreachable = false;
    const s_pairing_t *known = zhashx_lookup (self->pairing_by_id, id);
    if (known || (!force && date_now_ms () - self->refreshed_at_ms
                                < ASSESSMENT_PAIRINGS_REFRESH_MS))
        return known;
    if (s_refresh_pairings (self)) {
        *unreachable = true;
        return NULL;
    }
    return zhashx_lookup (self->pairing_by_id, id);
}

// Adds a recorded event to every rule of its program that counts its kind, in its year.
// Inside the caller's transaction. Returns 0 or -1; *touched is set when an aggregate moved.
static int
s_count_event (assessment_server_t *self, const Shanhai__V1__LedgerEvent *recorded,
               const s_pairing_t *known, int year, bool *touched)
{
    // The ledger names the program with the event; it is the pairing's.
    const char *program = *recorded->program ? recorded->program : known->pairing->program;
    const policy_pack_t *pack = policy_set_pack (self->policies, program);
    for (size_t index = 0; pack && index < pack->rule_count; index++) {
        const policy_rule_t *rule = &pack->rules[index];
        evaluate_period_t period;
        if (strcmp (rule->event_kind, recorded->kind) != 0
            || !evaluate_period (rule, year, known->start, known->end, &period))
            continue;
        int64_t delta = rule->metric == POLICY_METRIC_SUM ? recorded->amount_fen : 1;
        if (s_evaluate (self, rule, program, known->pairing, year, period, delta))
            return -1;
        *touched = true;
    }
    return 0;
}

// Applies a decoded ledger event (NULL: malformed, skipped) and the seq in one transaction.
static int
s_commit_ledger (assessment_server_t *self, const Shanhai__V1__LedgerEvent *recorded,
                 uint64_t seq)
{
    int32_t day = 0;
    const s_pairing_t *known = NULL;
    bool unreachable = false;
    if (!recorded || date_parse (recorded->date, &day))
        log_warn ("malformed ledger event skipped", "seq=%llu", (unsigned long long) seq);
    else if (!(known = s_find_pairing (self, recorded->pairing, true, &unreachable))) {
        if (unreachable)
            return -1;  // the registry may know it: offered again later
        log_warn ("ledger event of an unknown pairing skipped", "seq=%llu pairing=%s",
                  (unsigned long long) seq, recorded->pairing);
    }
    bool touched = false;
    if (assessment_store_begin (self->store))
        return -1;
    if ((known && s_count_event (self, recorded, known, date_year (day), &touched))
        || assessment_store_set_meta (self->store, "ledger_seq", (int64_t) seq)
        || assessment_store_commit (self->store)) {
        assessment_store_rollback (self->store);
        return -1;
    }
    if (touched)
        assessment_cache_drop (self->snapshots, known->pairing->id, date_year (day));
    return 0;
}

static int
s_apply_ledger (void *state, const Shanhai__V1__Event *event)
{
    assessment_server_t *self = state;
    // The registry first (the clock and the pairings), but for the events held for a clock
    // move being applied (s_ledger_until): "not yet", quietly.
    if (!s_ready (self) || (!self->registry_caught_up && self->ledger_before_ms == INT64_MAX))
        return 1;
    if (event->at_ms > self->ledger_before_ms)
        return 1;
    if (strcmp (event->type, "ledger.recorded") != 0)
        return s_commit_ledger (self, NULL, event->seq) ? -1 : 0;
    Shanhai__V1__LedgerEvent *recorded
        = shanhai__v1__ledger_event__unpack (NULL, event->body.len, event->body.data);
    int rc = s_commit_ledger (self, recorded, event->seq);
    if (recorded)
        shanhai__v1__ledger_event__free_unpacked (recorded, NULL);
    return rc ? -1 : 0;
}

// Builds the StatusReply of pairing in year as of the clock, from the stored actuals, into
// reply's body (or an error).
static void
s_build_status (assessment_server_t *self, const s_pairing_t *known, int year,
                rpc_reply_t *reply)
{
    const Shanhai__V1__Pairing *pairing = known->pairing;
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
        if (!evaluate_period (rule, year, known->start, known->end, &period))
            continue;
        int64_t actual;
        Shanhai__V1__ComplianceStatus stored;
        if (assessment_store_get (self->store, rule->id, pairing->id, year, &actual, &stored)
            < 0) {
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

// assessment.Status: the snapshot from the cache, or built from the store and cached.
static void
s_status (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    assessment_server_t *self = state;
    Shanhai__V1__StatusRequest *request = (Shanhai__V1__StatusRequest *) rpc_call_decode (
        call, &shanhai__v1__status_request__descriptor, reply);
    if (!request)
        return;
    const s_pairing_t *known = NULL;
    bool unreachable = false;
    if (!validate_id (request->pairing))
        rpc_reply_error (reply, RPC_INVALID, "pairing \"%.80s\" is not a valid id",
                         request->pairing);
    else if (!date_year_is_valid (request->year))
        rpc_reply_error (reply, RPC_INVALID, "year %d is not in %d..%d", request->year,
                         DATE_YEAR_MIN, DATE_YEAR_MAX);
    else if (self->clock_day < 0)
        rpc_reply_error (reply, RPC_UNAVAILABLE, "the assessment has not heard the clock from "
                         "the registry yet");
    else if (!(known = s_find_pairing (self, request->pairing, false, &unreachable)))
        rpc_reply_error (reply, unreachable || !self->pairings ? RPC_UNAVAILABLE : RPC_NOT_FOUND,
                         unreachable || !self->pairings
                             ? "the assessment cannot read the pairings from the registry"
                             : "pairing %s is not in the registry",
                         request->pairing);
    else if (assessment_cache_get (self->snapshots, known->pairing->id, request->year,
                                   &reply->body, &reply->body_size)) {
        s_build_status (self, known, request->year, reply);
        if (reply->status == RPC_OK)
            assessment_cache_put (self->snapshots, known->pairing->id, request->year,
                                  reply->body, reply->body_size);
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

// Catches up with the registry first (the clock and the pairings), then with the ledger.
static void
s_catch_up (assessment_server_t *self)
{
    if (!self->pairings)
        s_refresh_pairings (self);
    if (subscriber_is_behind (self->registry_events))
        subscriber_catch_up (self->registry_events);
    if (!self->registry_caught_up && !subscriber_is_behind (self->registry_events)) {
        self->registry_caught_up = true;
        log_info ("registry caught up", "seq=%llu",
                  (unsigned long long) subscriber_last_seq (self->registry_events));
    }
    if (s_ready (self) && self->registry_caught_up
        && subscriber_is_behind (self->ledger_events))
        subscriber_catch_up (self->ledger_events);
}

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

static int
s_on_tick (zloop_t *loop, int timer_id, void *arg)
{
    assessment_server_t *self = arg;
    s_catch_up (self);
    outbox_heartbeat (assessment_store_outbox (self->store));
    return 0;
}

// Everything but the policies and the store, which come first.
static void
s_connect (assessment_server_t *self, const config_t *config)
{
    self->clock_day = (int32_t) assessment_store_meta (self->store, "clock_day", -1);
    self->ledger_before_ms = INT64_MAX;
    self->pairing_by_id = zhashx_new ();
    self->rpc = rpc_server_new (config->assessment_rpc, s_methods, self);
    self->cache = cache_new (config->redis_enabled ? config->redis_host : NULL,
                             config->redis_port);
    // Not trusted until every snapshot is dropped: the last run may have stopped between a
    // commit and its drop.
    self->snapshots = assessment_cache_new (self->cache);
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

assessment_server_t *
assessment_server_new (const config_t *config, char *errstr, size_t errstr_size)
{
    char path[PATH_BYTES_MAX];
    if (config_data_path (config, "assessment.db", path, sizeof path, errstr, errstr_size))
        return NULL;
    assessment_server_t *self = calloc (1, sizeof *self);
    if (!self) {
        snprintf (errstr, errstr_size, "out of memory");
        return NULL;
    }
    *errstr = '\0';
    self->policies = policy_set_load (config->policy_dir, errstr, errstr_size);
    if (self->policies)
        self->store = assessment_store_new (path, config->assessment_pub, errstr, errstr_size);
    if (self->store)
        s_connect (self, config);
    if (!self->policies || !self->store || !self->pairing_by_id || !self->rpc || !self->cache
        || !self->snapshots || !self->registry || !self->registry_events
        || !self->ledger_events || !self->loop) {
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
        assessment_cache_destroy (&self->snapshots);
        cache_destroy (&self->cache);
        rpc_server_destroy (&self->rpc);
        zhashx_destroy (&self->pairing_by_id);
        free (self->known);
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
assessment_server_actor (zsock_t *pipe, void *args)
{
    const config_t *config = args;
    char errstr[RPC_ERROR_BYTES_MAX] = "";
    assessment_server_t *self = assessment_server_new (config, errstr, sizeof errstr);
    if (!self) {
        log_error ("assessment cannot start", "error=\"%s\"", errstr);
        zsock_signal (pipe, 1);
        return;
    }
    zloop_reader (self->loop, pipe, s_on_pipe, NULL);
    zsock_signal (pipe, 0);
    assessment_server_run (self);
    assessment_server_destroy (&self);
}
