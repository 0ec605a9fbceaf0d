#include "assessment_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "assessment_cache.h"
#include "assessment_store.h"
#include "common/cache.h"
#include "common/date.h"
#include "common/log.h"
#include "common/registry_replica.h"
#include "common/rpc.h"
#include "common/service.h"
#include "common/subscriber.h"
#include "common/validate.h"
#include "evaluate.h"
#include "policy.h"
#include "scoreboard.h"

// The meta keys of what the assessment has applied.
#define S_META_CLOCK "clock_day"
#define S_META_REGISTRY_SEQ "registry_seq"
#define S_META_LEDGER_SEQ "ledger_seq"

// A pairing as the assessment keeps it: the replica's record and its days, parsed once.
typedef struct {
    const Shanhai__V1__Pairing *pairing;  // borrowed from a registry view
    int32_t start;
    int32_t end;
} s_pairing_t;

// The pairings of one registry view, indexed.
typedef struct {
    s_pairing_t *known;       // the pairings with valid days
    size_t count;
    zhashx_t *by_id;          // id -> s_pairing_t of known (borrowed)
} s_pairings_t;

struct assessment_server_t {
    policy_set_t *policies;
    uint64_t policy_fingerprint;
    assessment_store_t *store;
    cache_t *cache;
    assessment_cache_t *snapshots;
    registry_replica_t *registry;
    subscriber_t *registry_events;
    subscriber_t *ledger_events;
    service_t *service;
    s_pairings_t pairings;                // of the replica's view (or of the prepared one)
    int32_t clock_day;                    // -1 until the registry announced it
    bool registry_caught_up;              // the registry's events were replayed to its head
    // Ledger events committed after this are held back: while the assessment catches up with
    // a clock move, it first applies what the ledger recorded before that move (INT64_MAX:
    // nothing is held back).
    int64_t ledger_before_ms;
};

static void
s_pairings_clear (s_pairings_t *pairings)
{
    zhashx_destroy (&pairings->by_id);
    free (pairings->known);
    pairings->known = NULL;
    pairings->count = 0;
}

// Indexes the pairings of view (NULL: none). Returns 0, or -1 when out of memory (the old
// index is kept).
static int
s_pairings_index (assessment_server_t *self, const registry_view_t *view)
{
    const Shanhai__V1__RegistryDoc *doc = view ? registry_view_doc (view) : NULL;
    size_t total = doc ? doc->n_pairings : 0;
    s_pairings_t index = { .known = calloc (total ? total : 1, sizeof (s_pairing_t)),
                           .by_id = zhashx_new () };
    if (!index.known || !index.by_id) {
        s_pairings_clear (&index);
        return -1;
    }
    for (size_t position = 0; position < total; position++) {
        s_pairing_t *entry = &index.known[index.count];
        entry->pairing = doc->pairings[position];
        if (date_parse (entry->pairing->start, &entry->start)
            || date_parse (entry->pairing->end, &entry->end))
            log_warn ("pairing with bad days ignored", "pairing=%s", entry->pairing->id);
        else
            zhashx_insert (index.by_id, entry->pairing->id, &index.known[index.count++]);
    }
    s_pairings_clear (&self->pairings);
    self->pairings = index;
    return 0;
}

static bool
s_ready (assessment_server_t *self)
{
    return self->clock_day >= 0 && registry_replica_view (self->registry);
}

// The texts of a RuleStatus that are not the rule's own; they live as long as the status.
typedef struct {
    char period[16];
    char deadline[DATE_TEXT_BYTES];
} s_labels_t;

// Fills the verdict of rule (of pack) for subject in year as of today; labels is its storage.
static void
s_rule_status (Shanhai__V1__RuleStatus *status, const policy_pack_t *pack,
               const policy_rule_t *rule, const char *subject, int year, int64_t actual,
               evaluate_period_t period, int32_t today, s_labels_t *labels)
{
    status->rule = (char *) rule->id;
    status->title = (char *) rule->title;
    status->title_en = (char *) rule->title_en;
    status->status = evaluate_status (actual, rule->target, period, today);
    status->actual = actual;
    status->target = rule->target;
    status->expected = evaluate_expected (rule->target, period, today);
    status->unit = (char *) rule->unit;
    status->source = (char *) rule->source;
    status->scope = "pair";
    status->subject = (char *) subject;
    snprintf (labels->period, sizeof labels->period, "%d", year);
    status->period = labels->period;
    date_format (period.deadline, labels->deadline);
    status->deadline = labels->deadline;
    status->colour = (char *) compliance_colour (status->status);
    status->version = pack ? (uint32_t) pack->version : 0;
    status->weight = (uint32_t) rule->weight;
    status->deadline_day = period.deadline;
}

// Appends the "compliance.changed" of status (previous before it). Returns 0 or -1.
static int
s_publish_change (assessment_server_t *self, const Shanhai__V1__Pairing *pairing,
                  const char *program, int year, Shanhai__V1__RuleStatus *status,
                  Shanhai__V1__ComplianceStatus previous, int warning_days)
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
    const registry_view_t *prepared = registry_replica_prepared (self->registry);
    change.registry_version = prepared ? registry_view_version (prepared)
                                       : registry_replica_version (self->registry);
    change.warning_days = (uint32_t) warning_days;
    if (assessment_store_change (self->store, &change) < 0)
        return -1;
    log_debug (warning_days ? "deadline near" : "status changed", "pairing=%s rule=%s year=%d "
               "previous=%s status=%s days_left=%d", pairing->id, status->rule, year,
               compliance_status_name (previous), compliance_status_name (status->status),
               warning_days);
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
    s_labels_t labels;
    s_rule_status (&status, policy_set_pack (self->policies, program), rule, pairing->id, year,
                   actual, period, self->clock_day, &labels);
    if (status.status == previous && delta == 0)
        return 0;
    if (status.status != previous
        && s_publish_change (self, pairing, program, year, &status, previous, 0))
        return -1;
    return assessment_store_put (self->store, rule->id, pairing->id, year, actual, status.status);
}

// After a clock move from old_day to new_day: a rule not MET whose deadline is now within one
// of its warning thresholds is warned of ("compliance.warning"), once for the threshold
// crossed (the clock only moves forward, and this runs in the move's transaction). Returns 0
// or -1.
static int
s_warn (assessment_server_t *self, const policy_pack_t *pack, const policy_rule_t *rule,
        const Shanhai__V1__Pairing *pairing, int year, evaluate_period_t period,
        int32_t old_day, int32_t new_day)
{
    int days = evaluate_warning_crossed (period, rule->warnings_days, rule->warning_count,
                                         old_day, new_day);
    if (days == 0)
        return 0;
    int64_t actual;
    Shanhai__V1__ComplianceStatus stored;
    if (assessment_store_get (self->store, rule->id, pairing->id, year, &actual, &stored) < 0)
        return -1;
    Shanhai__V1__RuleStatus status = SHANHAI__V1__RULE_STATUS__INIT;
    s_labels_t labels;
    s_rule_status (&status, pack, rule, pairing->id, year, actual, period, new_day, &labels);
    if (status.status == SHANHAI__V1__COMPLIANCE_STATUS__MET)
        return 0;
    return s_publish_change (self, pairing, pack->program, year, &status, status.status, days);
}

// Re-evaluates, for a clock moving from old_day (-1: none before) to new_day, every rule of
// every pairing for the new day's year and for each year whose deadline the move crossed.
// Runs inside the caller's transaction. Returns 0 or -1.
static int
s_reevaluate (assessment_server_t *self, int32_t old_day, int32_t new_day)
{
    int last_year = date_year (new_day);
    int first_year = old_day < 0 ? last_year : date_year (old_day);
    for (size_t index = 0; index < self->pairings.count; index++) {
        const s_pairing_t *known = &self->pairings.known[index];
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
                                0)
                    || (old_day >= 0
                        && s_warn (self, pack, &pack->rules[rule], known->pairing, year, period,
                                   old_day, new_day)))
                    return -1;
            }
    }
    return 0;
}

// Re-evaluates from old_day to new_day and records the registry's seq (and the clock, and a
// prepared replica), in one transaction. Returns 0 or -1 (nothing changed).
static int
s_commit_evaluation (assessment_server_t *self, int32_t old_day, int32_t new_day, uint64_t seq)
{
    int32_t previous = self->clock_day;
    self->clock_day = new_day;
    if (assessment_store_begin (self->store)) {
        self->clock_day = previous;
        return -1;
    }
    if (registry_replica_write (self->registry)
        || (new_day >= 0 && s_reevaluate (self, old_day, new_day))
        || assessment_store_set_meta (self->store, S_META_CLOCK, new_day)
        || assessment_store_set_meta (self->store, S_META_REGISTRY_SEQ, (int64_t) seq)
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

// A new registry version: its pairings get their first evaluation for the clock's year, in
// the transaction that stores the replica. Returns 0 or -1 (offered again).
static int
s_apply_registry_changed (assessment_server_t *self, const Shanhai__V1__Event *event)
{
    int prepared = registry_replica_prepare (self->registry,
                                             registry_replica_changed_version (event));
    if (prepared < 0)
        return -1;
    // Evaluate with the new version's pairings; back to the old ones if it does not commit.
    if (prepared && s_pairings_index (self, registry_replica_prepared (self->registry)))
        return -1;
    int rc = s_commit_evaluation (self, self->clock_day, self->clock_day, event->seq);
    if (registry_replica_finish (self->registry, rc == 0) || rc)
        if (s_pairings_index (self, registry_replica_view (self->registry)))
            rc = -1;
    return rc;
}

// One registry event in its own transaction (they are rare: a load, a day). Returns 0 or -1.
static int
s_apply_registry_one (assessment_server_t *self, const Shanhai__V1__Event *event)
{
    if (strcmp (event->type, "registry.changed") == 0)
        return s_apply_registry_changed (self, event);
    int32_t old_day = self->clock_day;
    int32_t day = -1;
    if (strcmp (event->type, "clock.changed") == 0) {
        day = registry_replica_clock_day (event);
        if (day < 0)
            log_warn ("malformed clock.changed skipped", "seq=%llu",
                      (unsigned long long) event->seq);
    }
    if (day <= old_day)  // not a move forward (a malformed one, or another type): the seq
        return s_commit_evaluation (self, old_day, old_day, event->seq);
    s_ledger_until (self, event->at_ms);
    return s_commit_evaluation (self, old_day, day, event->seq);
}

static int
s_apply_registry (void *state, const Shanhai__V1__Event *const *events, size_t count)
{
    assessment_server_t *self = state;
    for (size_t index = 0; index < count; index++)
        if (s_apply_registry_one (self, events[index]))
            return index > 0 ? (int) index : -1;
    return (int) count;
}

// The pairing with id in the replica, or NULL.
static const s_pairing_t *
s_find_pairing (assessment_server_t *self, const char *id)
{
    return self->pairings.by_id ? zhashx_lookup (self->pairings.by_id, id) : NULL;
}

// Adds a recorded event to every rule of its program that counts its kind, in its year.
// Inside the caller's transaction. Returns 0 or -1.
static int
s_count_event (assessment_server_t *self, const Shanhai__V1__LedgerEvent *recorded,
               uint64_t seq, const s_pairing_t *known, int year)
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
        Shanhai__V1__Contribution entry = SHANHAI__V1__CONTRIBUTION__INIT;
        entry.seq = seq;
        entry.id = recorded->id;
        entry.kind = recorded->kind;
        entry.date = recorded->date;
        entry.value = delta;
        if (s_evaluate (self, rule, program, known->pairing, year, period, delta)
            || assessment_store_contribute (self->store, rule->id, known->pairing->id, year,
                                            &entry))
            return -1;
    }
    return 0;
}

// Inside the batch's transaction: one ledger event. Returns 0, 1 for "not yet" (it was
// validated against a registry version this service has not had yet), or -1.
static int
s_count_ledger (assessment_server_t *self, const Shanhai__V1__Event *event)
{
    if (strcmp (event->type, "ledger.recorded") != 0)
        return 0;
    Shanhai__V1__LedgerEvent *recorded
        = shanhai__v1__ledger_event__unpack (NULL, event->body.len, event->body.data);
    int32_t day = 0;
    int rc = 0;
    const s_pairing_t *known = NULL;
    if (!recorded || date_parse (recorded->date, &day))
        log_warn ("malformed ledger event skipped", "seq=%llu",
                  (unsigned long long) event->seq);
    else if (recorded->registry_version > registry_replica_version (self->registry))
        rc = 1;
    else if (!(known = s_find_pairing (self, recorded->pairing)))
        log_warn ("ledger event of an unknown pairing skipped", "seq=%llu pairing=%s",
                  (unsigned long long) event->seq, recorded->pairing);
    else
        rc = s_count_event (self, recorded, event->seq, known, date_year (day));
    if (recorded)
        shanhai__v1__ledger_event__free_unpacked (recorded, NULL);
    return rc;
}

// The ledger's events, as many as are due, in one transaction with the last seq.
static int
s_apply_ledger (void *state, const Shanhai__V1__Event *const *events, size_t count)
{
    assessment_server_t *self = state;
    // The registry first (the clock and the pairings), but for the events held for a clock
    // move being applied (s_ledger_until): "not yet", quietly.
    if (!s_ready (self) || (!self->registry_caught_up && self->ledger_before_ms == INT64_MAX))
        return 0;
    if (assessment_store_begin (self->store))
        return -1;
    size_t applied = 0;
    int rc = 0;
    while (applied < count && events[applied]->at_ms <= self->ledger_before_ms
           && (rc = s_count_ledger (self, events[applied])) == 0)
        applied++;
    if (rc < 0 || (applied > 0
                   && (assessment_store_set_meta (self->store, S_META_LEDGER_SEQ,
                                                  (int64_t) events[applied - 1]->seq)
                       || assessment_store_commit (self->store)))) {
        assessment_store_rollback (self->store);
        return -1;
    }
    if (applied == 0)
        assessment_store_rollback (self->store);
    return (int) applied;
}

// What a snapshot of the store, as it is now, is computed from.
static assessment_cache_state_t
s_cache_state (assessment_server_t *self)
{
    const registry_view_t *view = registry_replica_view (self->registry);
    return (assessment_cache_state_t) {
        .deployment = view ? registry_view_deployment (view) : "",
        .registry_version = registry_replica_version (self->registry),
        .clock_day = self->clock_day,
        .ledger_seq = subscriber_last_seq (self->ledger_events),
        .policy = self->policy_fingerprint,
    };
}

// One pair's verdicts for a year, built from the store: the reply and the storage it points
// into, sized by the pack's rules.
typedef struct {
    Shanhai__V1__StatusReply reply;
    Shanhai__V1__RuleStatus *statuses;
    Shanhai__V1__RuleStatus **pointers;
    s_labels_t *labels;
    char as_of[DATE_TEXT_BYTES];
} s_verdicts_t;

static void
s_verdicts_free (s_verdicts_t *verdicts)
{
    free (verdicts->statuses);
    free (verdicts->pointers);
    free (verdicts->labels);
    memset (verdicts, 0, sizeof *verdicts);
}

// Builds the verdicts of known in year as of the clock from the stored actuals. Returns 0, or
// -1 (out of memory or a read error; *verdicts is then empty).
static int
s_verdicts_build (assessment_server_t *self, const s_pairing_t *known, int year,
                  s_verdicts_t *verdicts)
{
    const Shanhai__V1__Pairing *pairing = known->pairing;
    const policy_pack_t *pack = policy_set_pack (self->policies, pairing->program);
    size_t rules = pack ? pack->rule_count : 0;
    memset (verdicts, 0, sizeof *verdicts);
    verdicts->statuses = calloc (rules + 1, sizeof *verdicts->statuses);
    verdicts->pointers = calloc (rules + 1, sizeof *verdicts->pointers);
    verdicts->labels = calloc (rules + 1, sizeof *verdicts->labels);
    if (!verdicts->statuses || !verdicts->pointers || !verdicts->labels) {
        s_verdicts_free (verdicts);
        return -1;
    }
    Shanhai__V1__StatusReply *status = &verdicts->reply;
    shanhai__v1__status_reply__init (status);
    date_format (self->clock_day, verdicts->as_of);
    status->pairing = pairing->id;
    status->year = year;
    status->as_of = verdicts->as_of;
    status->program = pairing->program;
    status->rules = verdicts->pointers;
    for (size_t index = 0; index < rules; index++) {
        const policy_rule_t *rule = &pack->rules[index];
        evaluate_period_t period;
        if (!evaluate_period (rule, year, known->start, known->end, &period))
            continue;
        int64_t actual;
        Shanhai__V1__ComplianceStatus stored;
        if (assessment_store_get (self->store, rule->id, pairing->id, year, &actual, &stored)
            < 0) {
            s_verdicts_free (verdicts);
            return -1;
        }
        Shanhai__V1__RuleStatus *rule_status = &verdicts->statuses[status->n_rules];
        shanhai__v1__rule_status__init (rule_status);
        s_rule_status (rule_status, pack, rule, pairing->id, year, actual, period,
                       self->clock_day, &verdicts->labels[status->n_rules]);
        verdicts->pointers[status->n_rules++] = rule_status;
    }
    return 0;
}

// The StatusReply of known in year as the reply's body (or an error).
static void
s_build_status (assessment_server_t *self, const s_pairing_t *known, int year,
                rpc_reply_t *reply)
{
    s_verdicts_t verdicts;
    if (s_verdicts_build (self, known, year, &verdicts))
        rpc_reply_error (reply, RPC_INTERNAL, "the assessment could not read its store");
    else
        rpc_reply_set_body (reply, &verdicts.reply.base);
    s_verdicts_free (&verdicts);
}

// Checks a program and year asked for; returns the program's pack (NULL for a program with
// no pack: no rules), or sets the reply and returns NULL with *refused.
static const policy_pack_t *
s_check_program (assessment_server_t *self, const char *program, int year, bool *refused,
                 rpc_reply_t *reply)
{
    const registry_view_t *view = registry_replica_view (self->registry);
    *refused = true;
    if (!validate_id (program))
        rpc_reply_error (reply, RPC_INVALID, "program \"%.80s\" is not a valid id", program);
    else if (!date_year_is_valid (year))
        rpc_reply_error (reply, RPC_INVALID, "year %d is not in %d..%d", year, DATE_YEAR_MIN,
                         DATE_YEAR_MAX);
    else if (!s_ready (self))
        rpc_reply_error (reply, RPC_UNAVAILABLE, "the assessment has not heard the %s from "
                         "the registry yet", self->clock_day < 0 ? "clock" : "reference data");
    else if (!registry_view_program (view, program))
        rpc_reply_error (reply, RPC_NOT_FOUND, "program %s is not in the registry", program);
    else
        *refused = false;
    return *refused ? NULL : policy_set_pack (self->policies, program);
}

// The verdicts of every pair of program that has a rule in year, by pairing id (the
// replica's order). Returns how many (*all is the caller's to free with each entry), or -1.
static long
s_program_verdicts (assessment_server_t *self, const char *program, int year,
                    s_verdicts_t **all)
{
    *all = calloc (self->pairings.count + 1, sizeof **all);
    if (!*all)
        return -1;
    long count = 0;
    for (size_t index = 0; index < self->pairings.count; index++) {
        const s_pairing_t *known = &self->pairings.known[index];
        if (strcmp (known->pairing->program, program) != 0)
            continue;
        if (s_verdicts_build (self, known, year, &(*all)[count])) {
            while (count > 0)
                s_verdicts_free (&(*all)[--count]);
            free (*all);
            *all = NULL;
            return -1;
        }
        if ((*all)[count].reply.n_rules > 0)
            count++;
        else
            s_verdicts_free (&(*all)[count]);
    }
    return count;
}

static void
s_program_verdicts_free (s_verdicts_t **all, long count)
{
    for (long index = 0; *all && index < count; index++)
        s_verdicts_free (&(*all)[index]);
    free (*all);
    *all = NULL;
}

// assessment.ProgramStatus: every pair of a program in a year.
static void
s_program_status (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    assessment_server_t *self = state;
    Shanhai__V1__ProgramStatusRequest *request
        = (Shanhai__V1__ProgramStatusRequest *) rpc_call_decode (
            call, &shanhai__v1__program_status_request__descriptor, reply);
    if (!request)
        return;
    bool refused;
    s_verdicts_t *all = NULL;
    s_check_program (self, request->program, request->year, &refused, reply);
    long count = refused ? 0 : s_program_verdicts (self, request->program, request->year, &all);
    Shanhai__V1__StatusReply **pairs = count > 0 ? calloc ((size_t) count, sizeof *pairs) : NULL;
    if (!refused && (count < 0 || (count > 0 && !pairs)))
        rpc_reply_error (reply, RPC_INTERNAL, "the assessment could not read its store");
    else if (!refused) {
        char as_of[DATE_TEXT_BYTES];
        date_format (self->clock_day, as_of);
        Shanhai__V1__ProgramStatusReply message = SHANHAI__V1__PROGRAM_STATUS_REPLY__INIT;
        message.program = request->program;
        message.year = request->year;
        message.as_of = as_of;
        message.pairs = pairs;
        message.n_pairs = (size_t) count;
        for (long index = 0; index < count; index++)
            pairs[index] = &all[index].reply;
        rpc_reply_set_body (reply, &message.base);
    }
    free (pairs);
    s_program_verdicts_free (&all, count);
    shanhai__v1__program_status_request__free_unpacked (request, NULL);
}

// Fills and ranks the scoreboard of verdicts[0..count) under pack into message; its entries
// point into *storage (the caller frees both message->entries and *storage). Returns 0 or -1
// (out of memory).
static int
s_scoreboard_fill (assessment_server_t *self, const policy_pack_t *pack, s_verdicts_t *all,
                   long count, Shanhai__V1__Scoreboard *message,
                   Shanhai__V1__ScoreboardEntry **storage)
{
    Shanhai__V1__ScoreboardEntry *entries = *storage
        = calloc ((size_t) count + 1, sizeof *entries);
    message->entries = calloc ((size_t) count + 1, sizeof *message->entries);
    if (!entries || !message->entries)
        return -1;
    for (long index = 0; index < count; index++) {
        const Shanhai__V1__StatusReply *verdicts = &all[index].reply;
        int score = scoreboard_score (pack, verdicts);
        if (score < 0)
            continue;  // its rules weigh nothing
        Shanhai__V1__ScoreboardEntry *entry = &entries[message->n_entries];
        shanhai__v1__scoreboard_entry__init (entry);
        const s_pairing_t *known = s_find_pairing (self, verdicts->pairing);
        entry->pairing = verdicts->pairing;
        entry->recipient_name = known->pairing->recipient_name;
        entry->supporter_name = known->pairing->supporter_name;
        entry->score = (uint32_t) score;
        entry->grade = (char *) scoreboard_grade (pack, score);
        scoreboard_count (verdicts, entry);
        message->entries[message->n_entries++] = entry;
    }
    scoreboard_rank (message->entries, message->n_entries);
    return 0;
}

// assessment.Scoreboard: the pairs of a program ranked by the pack's score, with grades.
static void
s_scoreboard (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    assessment_server_t *self = state;
    Shanhai__V1__ScoreboardRequest *request = (Shanhai__V1__ScoreboardRequest *) rpc_call_decode (
        call, &shanhai__v1__scoreboard_request__descriptor, reply);
    if (!request)
        return;
    bool refused;
    s_verdicts_t *all = NULL;
    const policy_pack_t *pack = s_check_program (self, request->program, request->year,
                                                 &refused, reply);
    long count = refused || !pack ? 0
                                  : s_program_verdicts (self, request->program, request->year,
                                                        &all);
    char as_of[DATE_TEXT_BYTES];
    date_format (self->clock_day, as_of);
    Shanhai__V1__Scoreboard message = SHANHAI__V1__SCOREBOARD__INIT;
    message.program = request->program;
    message.year = request->year;
    message.as_of = as_of;
    message.version = pack ? (uint32_t) pack->version : 0;
    Shanhai__V1__ScoreboardEntry *storage = NULL;
    if (!refused
        && (count < 0
            || (pack && s_scoreboard_fill (self, pack, all, count, &message, &storage))))
        rpc_reply_error (reply, RPC_INTERNAL, "the assessment could not read its store");
    else if (!refused)
        rpc_reply_set_body (reply, &message.base);
    free (storage);
    free (message.entries);
    s_program_verdicts_free (&all, count);
    shanhai__v1__scoreboard_request__free_unpacked (request, NULL);
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
    assessment_cache_state_t cached = s_cache_state (self);
    if (!validate_id (request->pairing))
        rpc_reply_error (reply, RPC_INVALID, "pairing \"%.80s\" is not a valid id",
                         request->pairing);
    else if (!date_year_is_valid (request->year))
        rpc_reply_error (reply, RPC_INVALID, "year %d is not in %d..%d", request->year,
                         DATE_YEAR_MIN, DATE_YEAR_MAX);
    else if (!s_ready (self))
        rpc_reply_error (reply, RPC_UNAVAILABLE, "the assessment has not heard the %s from "
                         "the registry yet", self->clock_day < 0 ? "clock" : "reference data");
    else if (!(known = s_find_pairing (self, request->pairing)))
        rpc_reply_error (reply, RPC_NOT_FOUND, "pairing %s is not in the registry",
                         request->pairing);
    else if (assessment_cache_get (self->snapshots, &cached, known->pairing->id, request->year,
                                   &reply->body, &reply->body_size)) {
        s_build_status (self, known, request->year, reply);
        if (reply->status == RPC_OK)
            assessment_cache_put (self->snapshots, &cached, known->pairing->id, request->year,
                                  reply->body, reply->body_size);
    }
    shanhai__v1__status_request__free_unpacked (request, NULL);
}

// The rule of pack (NULL: none) with id, or NULL.
static const policy_rule_t *
s_pack_rule (const policy_pack_t *pack, const char *id)
{
    for (size_t index = 0; pack && index < pack->rule_count; index++)
        if (strcmp (pack->rules[index].id, id) == 0)
            return &pack->rules[index];
    return NULL;
}

// Fills explanation with the verdict of rule for known in year and the ledger entries that
// counted toward it. Returns 0, or -1 with the reply set.
static int
s_explain_fill (assessment_server_t *self, const s_pairing_t *known, const policy_rule_t *rule,
                int year, Shanhai__V1__Explanation *explanation, s_labels_t *labels,
                rpc_reply_t *reply)
{
    const policy_pack_t *pack = policy_set_pack (self->policies, known->pairing->program);
    evaluate_period_t period;
    int64_t actual;
    Shanhai__V1__ComplianceStatus stored;
    if (!evaluate_period (rule, year, known->start, known->end, &period)) {
        rpc_reply_error (reply, RPC_NOT_FOUND, "rule %s does not apply to pairing %s in %d",
                         rule->id, known->pairing->id, year);
        return -1;
    }
    if (assessment_store_get (self->store, rule->id, known->pairing->id, year, &actual,
                              &stored) < 0
        || assessment_store_contributions (self->store, rule->id, known->pairing->id, year,
                                           explanation)) {
        rpc_reply_error (reply, RPC_INTERNAL, "the assessment could not read its store");
        return -1;
    }
    s_rule_status (explanation->rule, pack, rule, known->pairing->id, year, actual, period,
                   self->clock_day, labels);
    return 0;
}

// assessment.Explain: a verdict, its citation and pack version, and its evidence.
static void
s_explain (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    assessment_server_t *self = state;
    Shanhai__V1__ExplainRequest *request = (Shanhai__V1__ExplainRequest *) rpc_call_decode (
        call, &shanhai__v1__explain_request__descriptor, reply);
    if (!request)
        return;
    const s_pairing_t *known = NULL;
    const policy_rule_t *rule = NULL;
    if (!validate_id (request->pairing) || !validate_id (request->rule))
        rpc_reply_error (reply, RPC_INVALID, "pairing and rule must be valid ids");
    else if (!date_year_is_valid (request->year))
        rpc_reply_error (reply, RPC_INVALID, "year %d is not in %d..%d", request->year,
                         DATE_YEAR_MIN, DATE_YEAR_MAX);
    else if (!s_ready (self))
        rpc_reply_error (reply, RPC_UNAVAILABLE, "the assessment has not heard the registry "
                         "yet");
    else if (!(known = s_find_pairing (self, request->pairing)))
        rpc_reply_error (reply, RPC_NOT_FOUND, "pairing %s is not in the registry",
                         request->pairing);
    else if (!(rule = s_pack_rule (policy_set_pack (self->policies, known->pairing->program),
                                   request->rule)))
        rpc_reply_error (reply, RPC_NOT_FOUND, "rule %s is not a rule of program %s",
                         request->rule, known->pairing->program);
    else {
        char as_of[DATE_TEXT_BYTES];
        date_format (self->clock_day, as_of);
        Shanhai__V1__RuleStatus verdict = SHANHAI__V1__RULE_STATUS__INIT;
        s_labels_t labels;
        Shanhai__V1__Explanation explanation = SHANHAI__V1__EXPLANATION__INIT;
        explanation.pairing = known->pairing->id;
        explanation.year = request->year;
        explanation.as_of = as_of;
        explanation.program = known->pairing->program;
        explanation.rule = &verdict;
        if (s_explain_fill (self, known, rule, request->year, &explanation, &labels, reply) == 0)
            rpc_reply_set_body (reply, &explanation.base);
        assessment_store_contributions_free (&explanation);
    }
    shanhai__v1__explain_request__free_unpacked (request, NULL);
}

static void
s_replay (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    assessment_server_t *self = state;
    outbox_replay_handler (assessment_store_outbox (self->store), call, reply);
}

static const rpc_method_t s_methods[] = {
    { "assessment.Status", s_status },
    { "assessment.ProgramStatus", s_program_status },
    { "assessment.Scoreboard", s_scoreboard },
    { "assessment.Explain", s_explain },
    { "assessment.Replay", s_replay },
    { NULL, NULL },
};

// The skeleton catches the registry up before the ledger; this notes when the registry
// first reached its head, from which on ledger events are applied.
static void
s_on_tick (void *state)
{
    assessment_server_t *self = state;
    if (!self->registry_caught_up && !subscriber_is_behind (self->registry_events)) {
        self->registry_caught_up = true;
        log_info ("registry caught up", "seq=%llu",
                  (unsigned long long) subscriber_last_seq (self->registry_events));
        subscriber_catch_up (self->ledger_events);
    }
}

// Health: the replica's version, the cache and how well it serves.
static void
s_health (void *state, service_health_t *health)
{
    assessment_server_t *self = state;
    service_health_registry (health, registry_replica_version (self->registry));
    service_health_cache (health, cache_state (self->cache));
    service_health_metric (health, "cache_hits_total", "snapshots read from Redis", true,
                           (int64_t) cache_hits (self->cache));
    service_health_metric (health, "cache_misses_total", "snapshots Redis did not have", true,
                           (int64_t) cache_misses (self->cache));
}

// Everything after the policies and the store.
static int
s_connect (assessment_server_t *self, const config_t *config, char *errstr, size_t errstr_size)
{
    self->clock_day = (int32_t) assessment_store_meta (self->store, S_META_CLOCK, -1);
    self->ledger_before_ms = INT64_MAX;
    self->policy_fingerprint = assessment_cache_policy_fingerprint (config->policy_dir);
    self->registry = registry_replica_new (assessment_store_db (self->store),
                                           config->registry_rpc, errstr, errstr_size);
    if (!self->registry || s_pairings_index (self, registry_replica_view (self->registry)))
        return -1;
    self->cache = cache_new (config->redis_enabled ? config->redis_host : NULL,
                             config->redis_port);
    self->snapshots = assessment_cache_new (self->cache);
    self->registry_events = subscriber_new (
        config->registry_pub, config->registry_rpc, "registry.Replay",
        (uint64_t) assessment_store_meta (self->store, S_META_REGISTRY_SEQ, 0), s_apply_registry,
        self);
    self->ledger_events = subscriber_new (
        config->ledger_pub, config->ledger_rpc, "ledger.Replay",
        (uint64_t) assessment_store_meta (self->store, S_META_LEDGER_SEQ, 0), s_apply_ledger,
        self);
    if (self->ledger_events)
        subscriber_set_batch (self->ledger_events, (size_t) config->batch_events);
    self->service = service_new ("assessment", config->assessment_rpc, s_methods, self);
    if (!self->cache || !self->snapshots || !self->registry_events || !self->ledger_events
        || !self->service)
        return -1;
    service_publish (self->service, assessment_store_outbox (self->store));
    service_tick (self->service, s_on_tick, self);
    service_health (self->service, s_health, self);
    if (service_consume (self->service, self->registry_events)
        || service_consume (self->service, self->ledger_events))
        return -1;
    return 0;
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
    if (!self->policies || !self->store || s_connect (self, config, errstr, errstr_size)) {
        if (!*errstr)
            snprintf (errstr, errstr_size, "cannot start on %s / %s (see the log)",
                      config->assessment_rpc, config->assessment_pub);
        assessment_server_destroy (&self);
        return NULL;
    }
    log_info ("assessment ready", "rpc=%s pub=%s db=%s packs=%zu registry_version=%llu",
              config->assessment_rpc, config->assessment_pub, path,
              policy_set_size (self->policies),
              (unsigned long long) registry_replica_version (self->registry));
    return self;
}

void
assessment_server_destroy (assessment_server_t **self_p)
{
    if (self_p && *self_p) {
        assessment_server_t *self = *self_p;
        service_destroy (&self->service);
        subscriber_destroy (&self->ledger_events);
        subscriber_destroy (&self->registry_events);
        assessment_cache_destroy (&self->snapshots);
        cache_destroy (&self->cache);
        s_pairings_clear (&self->pairings);
        registry_replica_destroy (&self->registry);
        assessment_store_destroy (&self->store);
        policy_set_destroy (&self->policies);
        free (self);
        *self_p = NULL;
    }
}

int
assessment_server_run (assessment_server_t *self)
{
    return service_run (self->service);
}

void
assessment_server_actor (zsock_t *pipe, void *args)
{
    char errstr[RPC_ERROR_BYTES_MAX] = "";
    assessment_server_t *self = assessment_server_new (args, errstr, sizeof errstr);
    if (!self) {
        log_error ("assessment cannot start", "error=\"%s\"", errstr);
        zsock_signal (pipe, 1);
        return;
    }
    service_run_actor (self->service, pipe);
    assessment_server_destroy (&self);
}
