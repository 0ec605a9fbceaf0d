#include "assessment_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "assessment_cache.h"
#include "assessment_store.h"
#include "common/cache.h"
#include "common/date.h"
#include "common/errstr.h"
#include "common/log.h"
#include "common/registry_replica.h"
#include "common/rpc.h"
#include "common/service.h"
#include "common/subscriber.h"
#include "common/validate.h"
#include "engine.h"
#include "evaluate.h"
#include "policy.h"
#include "scoreboard.h"

// A reversal cancels at most this many entries of evidence (an event counts toward a few
// rules, two parts each at most).
#define S_CANCELLED_MAX (2 * POLICY_RULES_MAX)

// A pairing as the assessment keeps it: the replica's record and its days, parsed once.
typedef struct {
    const Shanhai__V1__Pairing *pairing;  // borrowed from a registry view
    int32_t start;
    int32_t end;
} s_pairing_t;

// Whom a program's rules judge: a pair, a county (as supporter, as recipient, as a region
// with figures), a park, the program itself; with the days any of its pairings is active.
typedef struct {
    policy_scope_t scope;
    const char *id;                  // the pairing's, region's, park's or program's id
    const char *program;
    const s_pairing_t *pairing;      // scope pair: its own; park: the park's pairing
    const Shanhai__V1__Park *park;   // scope park
    int32_t start;
    int32_t end;
} s_subject_t;

// The pairings and subjects of one registry view, indexed.
typedef struct {
    s_pairing_t *known;       // the pairings with valid days
    size_t count;
    zhashx_t *by_id;          // id -> s_pairing_t of known (borrowed)
    s_subject_t *subjects;
    size_t subject_count;
    zhashx_t *subject_by_key; // "<scope>/<program>/<id>" -> s_subject_t (borrowed)
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
    // Ledger events up to this seq are applied again after a reset: no change is published.
    uint64_t quiet_until;
    bool quiet;                           // the event being applied is one of those
};

static void
s_pairings_clear (s_pairings_t *pairings)
{
    zhashx_destroy (&pairings->by_id);
    zhashx_destroy (&pairings->subject_by_key);
    free (pairings->known);
    free (pairings->subjects);
    memset (pairings, 0, sizeof *pairings);
}

// The subject key of the index.
static void
s_subject_key (policy_scope_t scope, const char *program, const char *id, char *out,
               size_t out_size)
{
    snprintf (out, out_size, "%d/%s/%s", (int) scope, program, id);
}

// Adds (or widens to the pairing's days) the subject of scope and id for known's program.
static void
s_subject_add (s_pairings_t *index, policy_scope_t scope, const char *id,
               const s_pairing_t *known, const Shanhai__V1__Park *park)
{
    char key[3 * ID_BYTES_MAX + 8];
    const char *program = known->pairing->program;
    s_subject_key (scope, program, id, key, sizeof key);
    s_subject_t *subject = zhashx_lookup (index->subject_by_key, key);
    if (subject) {
        subject->start = known->start < subject->start ? known->start : subject->start;
        subject->end = known->end > subject->end ? known->end : subject->end;
        return;
    }
    subject = &index->subjects[index->subject_count++];
    *subject = (s_subject_t) { .scope = scope, .id = id, .program = program, .park = park,
                               .pairing = scope == POLICY_SCOPE_PAIR || park ? known : NULL,
                               .start = known->start, .end = known->end };
    zhashx_insert (index->subject_by_key, key, subject);
}

// Indexes the pairings and subjects of view (NULL: none). Returns 0, or -1 when out of memory
// (the old index is kept).
static int
s_pairings_index (assessment_server_t *self, const registry_view_t *view)
{
    const Shanhai__V1__RegistryDoc *doc = view ? registry_view_doc (view) : NULL;
    size_t total = doc ? doc->n_pairings : 0, parks = doc ? doc->n_parks : 0;
    // Per pairing: itself, its supporter, its recipient (twice: as recipient, as region), its
    // program; and the parks.
    size_t subjects = 5 * total + parks + 1;
    s_pairings_t index = { .known = calloc (total ? total : 1, sizeof (s_pairing_t)),
                           .by_id = zhashx_new (),
                           .subjects = calloc (subjects, sizeof (s_subject_t)),
                           .subject_by_key = zhashx_new () };
    if (!index.known || !index.by_id || !index.subjects || !index.subject_by_key) {
        s_pairings_clear (&index);
        return -1;
    }
    for (size_t position = 0; position < total; position++) {
        s_pairing_t *entry = &index.known[index.count];
        entry->pairing = doc->pairings[position];
        if (date_parse (entry->pairing->start, &entry->start)
            || date_parse (entry->pairing->end, &entry->end)) {
            log_warn ("pairing with bad days ignored", "pairing=%s", entry->pairing->id);
            continue;
        }
        zhashx_insert (index.by_id, entry->pairing->id, &index.known[index.count++]);
        const Shanhai__V1__Pairing *pairing = entry->pairing;
        s_subject_add (&index, POLICY_SCOPE_PAIR, pairing->id, entry, NULL);
        s_subject_add (&index, POLICY_SCOPE_SUPPORTER, pairing->supporter, entry, NULL);
        s_subject_add (&index, POLICY_SCOPE_RECIPIENT, pairing->recipient, entry, NULL);
        s_subject_add (&index, POLICY_SCOPE_REGION, pairing->recipient, entry, NULL);
        s_subject_add (&index, POLICY_SCOPE_PROGRAM, pairing->program, entry, NULL);
    }
    for (size_t position = 0; position < parks; position++) {
        const Shanhai__V1__Park *park = doc->parks[position];
        const s_pairing_t *known = zhashx_lookup (index.by_id, park->pairing);
        if (known)
            s_subject_add (&index, POLICY_SCOPE_PARK, park->id, known, park);
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

// The pairing with id in the replica, or NULL.
static const s_pairing_t *
s_find_pairing (assessment_server_t *self, const char *id)
{
    return self->pairings.by_id ? zhashx_lookup (self->pairings.by_id, id) : NULL;
}

// The subject of scope and id among program's, or NULL.
static const s_subject_t *
s_find_subject (assessment_server_t *self, policy_scope_t scope, const char *program,
                const char *id)
{
    char key[3 * ID_BYTES_MAX + 8];
    s_subject_key (scope, program, id, key, sizeof key);
    return self->pairings.subject_by_key ? zhashx_lookup (self->pairings.subject_by_key, key)
                                         : NULL;
}

// The subject of a pair's rule of scope (pair, or one of its counties); NULL for a program's
// or a park's rule, which are not one pair's.
static const s_subject_t *
s_pair_subject (assessment_server_t *self, const s_pairing_t *known, policy_scope_t scope)
{
    const Shanhai__V1__Pairing *pairing = known->pairing;
    switch (scope) {
    case POLICY_SCOPE_PAIR: return s_find_subject (self, scope, pairing->program, pairing->id);
    case POLICY_SCOPE_SUPPORTER:
        return s_find_subject (self, scope, pairing->program, pairing->supporter);
    case POLICY_SCOPE_RECIPIENT:
    case POLICY_SCOPE_REGION:
        return s_find_subject (self, scope, pairing->program, pairing->recipient);
    case POLICY_SCOPE_PARK:
    case POLICY_SCOPE_PROGRAM: break;
    }
    return NULL;
}

// The period of rule for subject: cut to the days it is active. False when none is left.
static bool
s_subject_period (const s_subject_t *subject, engine_period_t *period)
{
    return engine_period_clip (period, subject->start, subject->end);
}

// The texts of a RuleStatus that are not the rule's own; they live as long as the status.
typedef struct {
    char period[ENGINE_PERIOD_KEY_BYTES];
    char deadline[DATE_TEXT_BYTES];
} s_labels_t;

// The verdict of (rule, subject, period) as of today, from the store. Returns 0 or -1.
static int
s_verdict (assessment_server_t *self, const policy_rule_t *rule, const s_subject_t *subject,
           engine_period_t period, int32_t today, engine_verdict_t *verdict)
{
    engine_parts_t parts, reference;
    bool referenced = *rule->reference;
    if (assessment_store_parts (self->store, rule->id, subject->id, period.key, &parts)
        || (referenced && assessment_store_parts (self->store, rule->id, rule->reference,
                                                  period.key, &reference)))
        return -1;
    int64_t plan_fen = 0;
    if (rule->target_from == POLICY_TARGET_PLAN && subject->park) {
        const Shanhai__V1__ParkPlan *plan = registry_view_park_plan (
            subject->park, period.year, rule->filters[0].values[0]);
        plan_fen = plan ? plan->planned_completion_fen : 0;
    }
    engine_verdict (rule, &parts, referenced ? &reference : NULL, plan_fen, period, today,
                    verdict);
    return 0;
}

// Fills the RuleStatus of rule (of pack) for subject over period; labels is its storage.
static void
s_rule_status (Shanhai__V1__RuleStatus *status, const policy_pack_t *pack,
               const policy_rule_t *rule, const s_subject_t *subject, engine_period_t period,
               const engine_verdict_t *verdict, s_labels_t *labels)
{
    status->rule = (char *) rule->id;
    status->title = (char *) rule->title;
    status->title_en = (char *) rule->title_en;
    status->status = verdict->status;
    status->actual = verdict->actual;
    status->target = verdict->target;
    status->expected = verdict->expected;
    status->unit = (char *) rule->unit;
    status->source = (char *) rule->source;
    status->scope = (char *) policy_scope_name (rule->scope);
    status->subject = (char *) subject->id;
    snprintf (labels->period, sizeof labels->period, "%s", period.key);
    status->period = labels->period;
    date_format (period.deadline, labels->deadline);
    status->deadline = labels->deadline;
    status->colour = (char *) compliance_colour (status->status);
    status->version = pack ? (uint32_t) pack->version : 0;
    status->weight = (uint32_t) rule->weight;
    status->deadline_day = period.deadline;
}

// Appends the "compliance.changed" (or, with warning_days, "compliance.warning") of status
// for subject (previous before it). Returns 0 or -1.
static int
s_publish_change (assessment_server_t *self, const s_subject_t *subject,
                  engine_period_t period, Shanhai__V1__RuleStatus *status,
                  Shanhai__V1__ComplianceStatus previous, int warning_days)
{
    if (self->quiet)
        return 0;
    char as_of[DATE_TEXT_BYTES];
    date_format (self->clock_day, as_of);
    Shanhai__V1__ComplianceChange change = SHANHAI__V1__COMPLIANCE_CHANGE__INIT;
    const Shanhai__V1__Pairing *pairing = subject->pairing ? subject->pairing->pairing : NULL;
    change.pairing = pairing ? pairing->id : "";
    change.program = (char *) subject->program;
    change.year = period.year;
    change.rule = status;
    change.previous = previous;
    change.as_of = as_of;
    if (pairing) {
        change.recipient = pairing->recipient;
        change.recipient_name = pairing->recipient_name;
        change.supporter = pairing->supporter;
        change.supporter_name = pairing->supporter_name;
    }
    const registry_view_t *prepared = registry_replica_prepared (self->registry);
    const registry_view_t *view = prepared ? prepared : registry_replica_view (self->registry);
    if (!pairing && subject->scope != POLICY_SCOPE_PROGRAM) {
        // A county's rule: the county, named as the registry names it.
        const Shanhai__V1__Region *region = view ? registry_view_region (view, subject->id)
                                                 : NULL;
        char *name = region ? region->name : "";
        bool supporter = subject->scope == POLICY_SCOPE_SUPPORTER;
        *(supporter ? &change.supporter : &change.recipient) = (char *) subject->id;
        *(supporter ? &change.supporter_name : &change.recipient_name) = name;
    }
    change.registry_version = prepared ? registry_view_version (prepared)
                                       : registry_replica_version (self->registry);
    change.warning_days = (uint32_t) warning_days;
    if (assessment_store_change (self->store, &change) < 0)
        return -1;
    log_debug (warning_days ? "deadline near" : "status changed", "subject=%s rule=%s "
               "period=%s previous=%s status=%s days_left=%d", subject->id, status->rule,
               period.key, compliance_status_name (previous),
               compliance_status_name (status->status), warning_days);
    return 0;
}

// Re-judges (rule, subject, period) as of the clock: a change of status is stored and
// published. Inside the caller's transaction. Returns 0 or -1.
static int
s_judge (assessment_server_t *self, const policy_pack_t *pack, const policy_rule_t *rule,
         const s_subject_t *subject, engine_period_t period)
{
    engine_verdict_t verdict;
    Shanhai__V1__ComplianceStatus previous;
    if (s_verdict (self, rule, subject, period, self->clock_day, &verdict)
        || assessment_store_verdict (self->store, rule->id, subject->id, period.key, &previous)
               < 0)
        return -1;
    if (verdict.status == previous)
        return 0;
    Shanhai__V1__RuleStatus status = SHANHAI__V1__RULE_STATUS__INIT;
    s_labels_t labels;
    s_rule_status (&status, pack, rule, subject, period, &verdict, &labels);
    if (s_publish_change (self, subject, period, &status, previous, 0))
        return -1;
    return assessment_store_put_verdict (self->store, rule->id, subject->id, period.key,
                                         verdict.status);
}

// After a clock move from old_day to new_day: a rule not MET whose deadline is now within one
// of its warning thresholds is warned of ("compliance.warning"), once for the threshold
// crossed (the clock only moves forward, and this runs in the move's transaction). Returns 0
// or -1.
static int
s_warn (assessment_server_t *self, const policy_pack_t *pack, const policy_rule_t *rule,
        const s_subject_t *subject, engine_period_t period, int32_t old_day, int32_t new_day)
{
    evaluate_period_t days = { .start = period.start, .deadline = period.deadline };
    int crossed = evaluate_warning_crossed (days, rule->warnings_days, rule->warning_count,
                                            old_day, new_day);
    if (crossed == 0)
        return 0;
    engine_verdict_t verdict;
    if (s_verdict (self, rule, subject, period, new_day, &verdict))
        return -1;
    if (verdict.status == SHANHAI__V1__COMPLIANCE_STATUS__MET
        || verdict.status == SHANHAI__V1__COMPLIANCE_STATUS__NO_DATA)
        return 0;
    Shanhai__V1__RuleStatus status = SHANHAI__V1__RULE_STATUS__INIT;
    s_labels_t labels;
    s_rule_status (&status, pack, rule, subject, period, &verdict, &labels);
    return s_publish_change (self, subject, period, &status, verdict.status, crossed);
}

// Re-judges rule in period for every subject of its program: its reference region's figure
// changed, and the reference is every subject's target. Returns 0 or -1.
static int
s_judge_all (assessment_server_t *self, const policy_pack_t *pack, const policy_rule_t *rule,
             const char *period_key)
{
    for (size_t index = 0; index < self->pairings.subject_count; index++) {
        const s_subject_t *subject = &self->pairings.subjects[index];
        engine_period_t period;
        if (subject->scope != rule->scope || strcmp (subject->program, pack->program) != 0
            || !engine_period_find (rule, period_key, &period)
            || !s_subject_period (subject, &period))
            continue;
        if (s_judge (self, pack, rule, subject, period))
            return -1;
    }
    return 0;
}

// Whether period is one a clock move from old_day (-1: none) to new_day touches: the clock is
// in it, or the move crossed its deadline.
static bool
s_touched (engine_period_t period, int32_t old_day, int32_t new_day)
{
    if (new_day >= period.start && new_day <= period.deadline)
        return true;
    evaluate_period_t days = { .start = period.start, .deadline = period.deadline };
    return old_day >= 0 && evaluate_deadline_crossed (days, old_day, new_day);
}

// Re-evaluates, for a clock moving from old_day (-1: none before) to new_day, every rule of
// every subject in each period the clock is in or whose deadline (or warning) the move
// crossed. Runs inside the caller's transaction. Returns 0 or -1.
static int
s_reevaluate (assessment_server_t *self, int32_t old_day, int32_t new_day)
{
    // The years whose periods the move can touch: a deadline_year of -1 puts a year's
    // deadline in the year before.
    int first_year = date_year (old_day < 0 ? new_day : old_day), last_year = date_year (new_day) + 1;
    for (size_t index = 0; index < self->pairings.subject_count; index++) {
        const s_subject_t *subject = &self->pairings.subjects[index];
        const policy_pack_t *pack = policy_set_pack (self->policies, subject->program);
        for (size_t number = 0; pack && number < pack->rule_count; number++) {
            const policy_rule_t *rule = &pack->rules[number];
            if (rule->scope != subject->scope)
                continue;
            for (int year = first_year; year <= last_year; year++) {
                engine_period_t periods[ENGINE_PERIODS_MAX];
                size_t count = engine_periods_of_year (rule, year, periods);
                // A window is every year's: judged once, under its first year in the range.
                if (rule->period == POLICY_PERIOD_WINDOW && year != first_year
                    && year != rule->from_year)
                    continue;
                for (size_t which = 0; which < count; which++) {
                    engine_period_t period = periods[which];
                    if (!s_subject_period (subject, &period)
                        || !s_touched (period, old_day, new_day))
                        continue;
                    if (s_judge (self, pack, rule, subject, period)
                        || (old_day >= 0
                            && s_warn (self, pack, rule, subject, period, old_day, new_day)))
                        return -1;
                }
            }
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
    self->quiet = false;
    if (assessment_store_begin (self->store)) {
        self->clock_day = previous;
        return -1;
    }
    if (registry_replica_write (self->registry)
        || (new_day >= 0 && s_reevaluate (self, old_day, new_day))
        || assessment_store_set_meta (self->store, ASSESSMENT_META_CLOCK, new_day)
        || assessment_store_set_meta (self->store, ASSESSMENT_META_REGISTRY_SEQ, (int64_t) seq)
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

// A new registry version: its pairings get their first evaluation for the clock's periods, in
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

// The pack whose rule is rule, or NULL.
static const policy_pack_t *
s_rule_pack (assessment_server_t *self, const policy_rule_t *rule)
{
    for (size_t index = 0; index < policy_set_size (self->policies); index++) {
        const policy_pack_t *pack = policy_set_at (self->policies, index);
        if (rule >= pack->rules && rule < pack->rules + pack->rule_count)
            return pack;
    }
    return NULL;
}

// Judges (rule, subject_id, period) after its parts changed: the subject's own verdict, or,
// for the rule's reference region, every subject's. Returns 0 or -1.
static int
s_rejudge (assessment_server_t *self, const policy_pack_t *pack, const policy_rule_t *rule,
           const char *subject_id, const char *period_key)
{
    if (*rule->reference && strcmp (rule->reference, subject_id) == 0)
        return s_judge_all (self, pack, rule, period_key);
    const s_subject_t *subject = s_find_subject (self, rule->scope, pack->program, subject_id);
    engine_period_t period;
    if (!subject || !engine_period_find (rule, period_key, &period)
        || !s_subject_period (subject, &period))
        return 0;  // no longer a subject (a registry change): its evidence stays, unjudged
    return s_judge (self, pack, rule, subject, period);
}

// Sets a figure's part to its latest report by date (none left: absent). Returns 0 or -1.
static int
s_set_latest (assessment_server_t *self, const char *rule, const char *subject,
              const char *period, int part)
{
    int64_t value;
    int found = assessment_store_latest (self->store, rule, subject, period, part, &value);
    return found < 0 ? -1
                     : assessment_store_set_part (self->store, rule, subject, period, part,
                                                  found == 0 ? &value : NULL);
}

// A reversal: what its event counted is taken back, in every rule. Returns 0 or -1.
static int
s_reverse (assessment_server_t *self, const Shanhai__V1__LedgerEvent *reversal)
{
    assessment_store_cancelled_t cancelled[S_CANCELLED_MAX];
    long count = assessment_store_cancel (self->store, reversal->of, cancelled, S_CANCELLED_MAX);
    if (count < 0 || assessment_store_receipt_reversed (self->store, reversal->of))
        return -1;
    if (count == S_CANCELLED_MAX)
        log_warn ("reversal took back only what fits", "of=%s entries=%ld", reversal->of,
                  count);
    for (long index = 0; index < count; index++) {
        const assessment_store_cancelled_t *entry = &cancelled[index];
        const policy_rule_t *rule = policy_set_rule (self->policies, entry->rule);
        if (!rule)
            continue;  // a rule no pack has any more
        const policy_pack_t *pack = s_rule_pack (self, rule);
        int rc = rule->metric == POLICY_METRIC_INDICATOR  // the latest report left
                     ? s_set_latest (self, entry->rule, entry->subject, entry->period,
                                     entry->part)
                     : assessment_store_add_part (self->store, entry->rule, entry->subject,
                                                  entry->period, entry->part, -entry->value);
        if (rc || s_rejudge (self, pack, rule, entry->subject, entry->period))
            return -1;
    }
    return 0;
}

// The subject id an event of a pairing counts for under rule's scope ("" for none).
static const char *
s_event_subject (const policy_rule_t *rule, const Shanhai__V1__LedgerEvent *event,
                 const s_pairing_t *known)
{
    switch (rule->scope) {
    case POLICY_SCOPE_PAIR: return known ? known->pairing->id : "";
    case POLICY_SCOPE_SUPPORTER: return known ? known->pairing->supporter : "";
    case POLICY_SCOPE_RECIPIENT: return known ? known->pairing->recipient : "";
    case POLICY_SCOPE_PARK: return event->park;
    case POLICY_SCOPE_PROGRAM: return known ? known->pairing->program : "";
    case POLICY_SCOPE_REGION: return event->region;
    }
    return "";
}

// Adds a recorded event to rule (of pack). Inside the caller's transaction. Returns 0 or -1.
static int
s_count_rule (assessment_server_t *self, const policy_pack_t *pack, const policy_rule_t *rule,
              const Shanhai__V1__LedgerEvent *recorded, uint64_t seq, int32_t day,
              const s_pairing_t *known, int64_t voided_fen)
{
    engine_count_t counts[ENGINE_COUNTS_MAX];
    size_t count = engine_match (rule, recorded, voided_fen, counts);
    const char *subject_id = s_event_subject (rule, recorded, known);
    bool reference = *rule->reference && strcmp (rule->reference, subject_id) == 0;
    const s_subject_t *subject = s_find_subject (self, rule->scope, pack->program, subject_id);
    if (count == 0 || (!subject && !reference))
        return 0;
    const vocab_kind_t *kind = vocab_kind_find (recorded->kind);
    int named_year = kind && vocab_kind_names_year (kind) ? recorded->year : 0;
    for (size_t index = 0; index < count; index++) {
        const engine_count_t *counted = &counts[index];
        engine_period_t period;
        // The period as the rule has it, not cut to the subject's days: what an event counts
        // toward must not depend on whether a later registry version (a pairing ended
        // earlier) arrived before or after it; the ledger refuses events outside a pairing's
        // days when they are recorded, and the verdict is judged over the days that remain.
        if (!engine_period_of_event (rule, day, named_year, counted->year_shift, &period))
            continue;
        Shanhai__V1__Contribution entry = SHANHAI__V1__CONTRIBUTION__INIT;
        entry.seq = seq;
        entry.id = recorded->id;
        entry.kind = recorded->kind;
        entry.date = recorded->date;
        entry.value = counted->value;
        if (assessment_store_contribute (self->store, rule->id, subject_id, period.key,
                                         counted->part, &entry)
            || (counted->latest
                    ? s_set_latest (self, rule->id, subject_id, period.key, counted->part)
                    : assessment_store_add_part (self->store, rule->id, subject_id, period.key,
                                                 counted->part, counted->value))
            || (reference ? s_judge_all (self, pack, rule, period.key)
                          : s_rejudge (self, pack, rule, subject_id, period.key)))
            return -1;
    }
    return 0;
}

// The money bookkeeping of an event (disbursements and receipts), and what a void cancelled
// (*voided_fen). Returns 0 or -1.
static int
s_money (assessment_server_t *self, const Shanhai__V1__LedgerEvent *recorded,
         int64_t *voided_fen)
{
    *voided_fen = 0;
    if (strcmp (recorded->kind, VOCAB_KIND_AID_FUNDS) == 0)
        return assessment_store_disbursed (self->store, recorded->id, recorded->amount_fen);
    if (strcmp (recorded->kind, VOCAB_KIND_RECEIPT) == 0)
        return assessment_store_received (self->store, recorded->id, recorded->of,
                                          recorded->amount_fen);
    if (strcmp (recorded->kind, VOCAB_KIND_VOID) == 0)
        return assessment_store_pending (self->store, recorded->of, voided_fen);
    return 0;
}

// Adds a recorded event to every rule that counts it: its program's (an indicator, every
// program's whose rules read its figure). Inside the caller's transaction. Returns 0 or -1.
static int
s_count_event (assessment_server_t *self, const Shanhai__V1__LedgerEvent *recorded,
               uint64_t seq, int32_t day, const s_pairing_t *known)
{
    if (strcmp (recorded->kind, VOCAB_KIND_REVERSAL) == 0)
        return s_reverse (self, recorded);
    int64_t voided_fen;
    if (s_money (self, recorded, &voided_fen))
        return -1;
    for (size_t index = 0; index < policy_set_size (self->policies); index++) {
        const policy_pack_t *pack = policy_set_at (self->policies, index);
        // The ledger names the program with the event; it is the pairing's.
        if (known && strcmp (pack->program, *recorded->program ? recorded->program
                                                               : known->pairing->program) != 0)
            continue;
        for (size_t rule = 0; rule < pack->rule_count; rule++)
            if (s_count_rule (self, pack, &pack->rules[rule], recorded, seq, day, known,
                              voided_fen))
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
    self->quiet = event->seq <= self->quiet_until;
    if (!recorded || date_parse (recorded->date, &day))
        log_warn ("malformed ledger event skipped", "seq=%llu",
                  (unsigned long long) event->seq);
    else if (recorded->registry_version > registry_replica_version (self->registry))
        rc = 1;
    else if (*recorded->pairing && !(known = s_find_pairing (self, recorded->pairing)))
        log_warn ("ledger event of an unknown pairing skipped", "seq=%llu pairing=%s",
                  (unsigned long long) event->seq, recorded->pairing);
    else
        rc = s_count_event (self, recorded, event->seq, day, known);
    self->quiet = false;
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
                   && (assessment_store_set_meta (self->store, ASSESSMENT_META_LEDGER_SEQ,
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
// into, sized by the pack's rules and their periods.
typedef struct {
    Shanhai__V1__StatusReply reply;
    Shanhai__V1__RuleStatus *statuses;
    Shanhai__V1__RuleStatus **pointers;
    s_labels_t *labels;
    size_t capacity;
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

// Room for every period of every rule of pack. Returns 0 or -1.
static int
s_verdicts_alloc (s_verdicts_t *verdicts, const policy_pack_t *pack)
{
    size_t capacity = (pack ? pack->rule_count : 0) * ENGINE_PERIODS_MAX + 1;
    memset (verdicts, 0, sizeof *verdicts);
    verdicts->statuses = calloc (capacity, sizeof *verdicts->statuses);
    verdicts->pointers = calloc (capacity, sizeof *verdicts->pointers);
    verdicts->labels = calloc (capacity, sizeof *verdicts->labels);
    verdicts->capacity = capacity;
    if (!verdicts->statuses || !verdicts->pointers || !verdicts->labels) {
        s_verdicts_free (verdicts);
        return -1;
    }
    return 0;
}

// Appends the verdicts of rule for subject in year, one per period, to verdicts (the rules
// of reply). Returns 0 or -1.
static int
s_verdicts_add (assessment_server_t *self, const policy_pack_t *pack, const policy_rule_t *rule,
                const s_subject_t *subject, int year, s_verdicts_t *verdicts)
{
    engine_period_t periods[ENGINE_PERIODS_MAX];
    size_t count = engine_periods_of_year (rule, year, periods);
    Shanhai__V1__StatusReply *reply = &verdicts->reply;
    for (size_t which = 0; which < count && reply->n_rules < verdicts->capacity; which++) {
        engine_period_t period = periods[which];
        engine_verdict_t verdict;
        if (!s_subject_period (subject, &period))
            continue;
        if (s_verdict (self, rule, subject, period, self->clock_day, &verdict))
            return -1;
        Shanhai__V1__RuleStatus *status = &verdicts->statuses[reply->n_rules];
        shanhai__v1__rule_status__init (status);
        s_rule_status (status, pack, rule, subject, period, &verdict,
                       &verdicts->labels[reply->n_rules]);
        verdicts->pointers[reply->n_rules++] = status;
    }
    return 0;
}

// Builds the verdicts of known in year as of the clock: its pair's rules and its counties'.
// Returns 0, or -1 (out of memory or a read error; *verdicts is then empty).
static int
s_verdicts_build (assessment_server_t *self, const s_pairing_t *known, int year,
                  s_verdicts_t *verdicts)
{
    const Shanhai__V1__Pairing *pairing = known->pairing;
    const policy_pack_t *pack = policy_set_pack (self->policies, pairing->program);
    if (s_verdicts_alloc (verdicts, pack))
        return -1;
    Shanhai__V1__StatusReply *status = &verdicts->reply;
    shanhai__v1__status_reply__init (status);
    date_format (self->clock_day, verdicts->as_of);
    status->pairing = pairing->id;
    status->year = year;
    status->as_of = verdicts->as_of;
    status->program = pairing->program;
    status->rules = verdicts->pointers;
    for (size_t index = 0; pack && index < pack->rule_count; index++) {
        const policy_rule_t *rule = &pack->rules[index];
        const s_subject_t *subject = s_pair_subject (self, known, rule->scope);
        // A county's rule is judged over its days, but shown for this pair only while the
        // pair is active in the year.
        if (!subject)
            continue;
        if (subject->scope != POLICY_SCOPE_PAIR
            && (known->start > date_from_ymd (year, 12, 31)
                || known->end < date_from_ymd (year, 1, 1)))
            continue;
        if (s_verdicts_add (self, pack, rule, subject, year, verdicts)) {
            s_verdicts_free (verdicts);
            return -1;
        }
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

// The verdicts of program's own rules and its parks' in year, into verdicts (its reply's
// rules). Returns 0 or -1.
static int
s_program_subjects (assessment_server_t *self, const policy_pack_t *pack, int year,
                    s_verdicts_t *verdicts)
{
    size_t parks = 0;
    for (size_t index = 0; index < self->pairings.subject_count; index++)
        parks += self->pairings.subjects[index].scope == POLICY_SCOPE_PARK
                 && strcmp (self->pairings.subjects[index].program, pack->program) == 0;
    // Room for every period of every rule, once per park.
    policy_pack_t sizing = { .rule_count = pack->rule_count * (parks + 1) };
    if (s_verdicts_alloc (verdicts, &sizing))
        return -1;
    verdicts->reply.rules = verdicts->pointers;
    for (size_t number = 0; number < pack->rule_count; number++) {
        const policy_rule_t *rule = &pack->rules[number];
        if (rule->scope != POLICY_SCOPE_PROGRAM && rule->scope != POLICY_SCOPE_PARK)
            continue;
        for (size_t index = 0; index < self->pairings.subject_count; index++) {
            const s_subject_t *subject = &self->pairings.subjects[index];
            if (subject->scope == rule->scope && strcmp (subject->program, pack->program) == 0
                && s_verdicts_add (self, pack, rule, subject, year, verdicts))
                return -1;
        }
    }
    return 0;
}

// assessment.ProgramStatus: every pair of a program in a year, and its own and its parks'
// rules.
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
    s_verdicts_t *all = NULL, subjects = { 0 };
    const policy_pack_t *pack = s_check_program (self, request->program, request->year,
                                                 &refused, reply);
    long count = refused ? 0 : s_program_verdicts (self, request->program, request->year, &all);
    Shanhai__V1__StatusReply **pairs = count > 0 ? calloc ((size_t) count, sizeof *pairs) : NULL;
    if (!refused
        && (count < 0 || (count > 0 && !pairs)
            || (pack && s_program_subjects (self, pack, request->year, &subjects))))
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
        message.subjects = subjects.reply.rules;
        message.n_subjects = subjects.reply.n_rules;
        for (long index = 0; index < count; index++)
            pairs[index] = &all[index].reply;
        rpc_reply_set_body (reply, &message.base);
    }
    free (pairs);
    s_verdicts_free (&subjects);
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

// The names of the parts, as explain shows them (Contribution.part); an each rule's values
// stand for its parts from ENGINE_PART_EACH on.
static void
s_part_names (const policy_rule_t *rule, const char *names[ENGINE_PARTS])
{
    names[ENGINE_PART_N] = "actual";
    names[ENGINE_PART_D] = rule->metric == POLICY_METRIC_SHARE       ? "total"
                           : rule->metric == POLICY_METRIC_INDICATOR ? "base"
                                                                     : "target";
    for (size_t index = 0; index < POLICY_VALUES_MAX; index++)
        names[ENGINE_PART_EACH + index] = index < rule->each.count ? rule->each.values[index]
                                                                   : "";
}

// The period of rule to explain in year: the one asked for (key), else the one the clock is
// in, else the year's last that has begun, else its first. Returns false when there is none.
static bool
s_explain_period (assessment_server_t *self, const policy_rule_t *rule,
                  const s_subject_t *subject, int year, const char *key, engine_period_t *out)
{
    if (*key)  // one of the year's: "2019" is not a period of 2020's verdicts
        return engine_period_find (rule, key, out) && s_subject_period (subject, out)
               && (out->year == year
                   || (rule->period == POLICY_PERIOD_WINDOW && year >= rule->from_year
                       && year <= rule->to_year));
    engine_period_t periods[ENGINE_PERIODS_MAX];
    size_t count = engine_periods_of_year (rule, year, periods);
    bool found = false;
    for (size_t which = 0; which < count; which++) {
        engine_period_t period = periods[which];
        if (!s_subject_period (subject, &period))
            continue;
        if (!found || period.start <= self->clock_day) {
            *out = period;
            found = true;
        }
    }
    return found;
}

// The subject an explain request asks about, with its rule and pack; or sets the reply and
// returns NULL.
static const s_subject_t *
s_explain_subject (assessment_server_t *self, const Shanhai__V1__ExplainRequest *request,
                   const policy_rule_t **rule, const policy_pack_t **pack, rpc_reply_t *reply)
{
    const s_subject_t *subject = NULL;
    *rule = policy_set_rule (self->policies, request->rule);
    *pack = *rule ? s_rule_pack (self, *rule) : NULL;
    if (*request->pairing) {
        const s_pairing_t *known = s_find_pairing (self, request->pairing);
        if (!known) {
            rpc_reply_error (reply, RPC_NOT_FOUND, "pairing %s is not in the registry",
                             request->pairing);
            return NULL;
        }
        if (!*rule || strcmp ((*pack)->program, known->pairing->program) != 0) {
            rpc_reply_error (reply, RPC_NOT_FOUND, "rule %s is not a rule of program %s",
                             request->rule, known->pairing->program);
            return NULL;
        }
        if (!(subject = s_pair_subject (self, known, (*rule)->scope)))
            rpc_reply_error (reply, RPC_INVALID, "rule %s judges a %s, not a pair: ask with "
                             "its subject", request->rule, policy_scope_name ((*rule)->scope));
        return subject;
    }
    if (!*rule)
        rpc_reply_error (reply, RPC_NOT_FOUND, "rule %s is not a rule of any program",
                         request->rule);
    else if (!(subject = s_find_subject (self, (*rule)->scope, (*pack)->program,
                                         request->subject))) {
        if ((*rule)->scope == POLICY_SCOPE_PROGRAM)
            rpc_reply_error (reply, RPC_NOT_FOUND, "rule %s judges program %s as a whole, not "
                             "%s", request->rule, (*pack)->program, request->subject);
        else
            rpc_reply_error (reply, RPC_NOT_FOUND, "%s is not a %s of program %s, which rule "
                             "%s judges", request->subject, policy_scope_name ((*rule)->scope),
                             (*pack)->program, request->rule);
    }
    return subject;
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
    const s_subject_t *subject = NULL;
    const policy_rule_t *rule = NULL;
    const policy_pack_t *pack = NULL;
    engine_period_t period;
    engine_verdict_t verdict;
    bool by_pair = *request->pairing != '\0';
    if (!validate_id (request->rule) || by_pair == (*request->subject != '\0')
        || (by_pair ? !validate_id (request->pairing) : !validate_id (request->subject)))
        rpc_reply_error (reply, RPC_INVALID, "rule and one of pairing or subject must be valid "
                         "ids");
    else if (!date_year_is_valid (request->year))
        rpc_reply_error (reply, RPC_INVALID, "year %d is not in %d..%d", request->year,
                         DATE_YEAR_MIN, DATE_YEAR_MAX);
    else if (strlen (request->period) >= ENGINE_PERIOD_KEY_BYTES)
        rpc_reply_error (reply, RPC_INVALID, "period \"%.20s...\" is too long", request->period);
    else if (!s_ready (self))
        rpc_reply_error (reply, RPC_UNAVAILABLE, "the assessment has not heard the registry "
                         "yet");
    else if (!(subject = s_explain_subject (self, request, &rule, &pack, reply)))
        ;
    else if (!s_explain_period (self, rule, subject, request->year, request->period, &period)) {
        if (*request->period)
            rpc_reply_error (reply, RPC_NOT_FOUND, "rule %s has no period %s for %s", rule->id,
                             request->period, subject->id);
        else
            rpc_reply_error (reply, RPC_NOT_FOUND, "rule %s does not apply to %s in %d",
                             rule->id, subject->id, request->year);
    }
    else if (s_verdict (self, rule, subject, period, self->clock_day, &verdict))
        rpc_reply_error (reply, RPC_INTERNAL, "the assessment could not read its store");
    else {
        char as_of[DATE_TEXT_BYTES];
        date_format (self->clock_day, as_of);
        Shanhai__V1__RuleStatus status = SHANHAI__V1__RULE_STATUS__INIT;
        s_labels_t labels;
        s_rule_status (&status, pack, rule, subject, period, &verdict, &labels);
        const char *names[ENGINE_PARTS];
        s_part_names (rule, names);
        Shanhai__V1__Explanation explanation = SHANHAI__V1__EXPLANATION__INIT;
        // Asked by a pair, the pair's (a county's rule too); else the subject's own, if any.
        explanation.pairing = *request->pairing ? request->pairing
                              : subject->pairing ? subject->pairing->pairing->id
                                                 : "";
        explanation.year = request->year;
        explanation.as_of = as_of;
        explanation.program = (char *) pack->program;
        explanation.rule = &status;
        if (assessment_store_contributions (self->store, rule->id, subject->id, period.key,
                                            names, &explanation))
            rpc_reply_error (reply, RPC_INTERNAL, "the assessment could not read its store");
        else
            rpc_reply_set_body (reply, &explanation.base);
        assessment_store_contributions_free (&explanation);
    }
    shanhai__v1__explain_request__free_unpacked (request, NULL);
}

// assessment.Pack: a pack's text, in force or as run under a version.
static void
s_pack (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    assessment_server_t *self = state;
    Shanhai__V1__PackRequest *request = (Shanhai__V1__PackRequest *) rpc_call_decode (
        call, &shanhai__v1__pack_request__descriptor, reply);
    if (!request)
        return;
    const policy_pack_t *pack = validate_id (request->program)
                                    ? policy_set_pack (self->policies, request->program)
                                    : NULL;
    char *kept = NULL;
    int found = -1;
    if (!validate_id (request->program))
        rpc_reply_error (reply, RPC_INVALID, "program \"%.80s\" is not a valid id",
                         request->program);
    else if (request->version > INT32_MAX)
        rpc_reply_error (reply, RPC_INVALID, "version %u is not a version", request->version);
    else if (request->version == 0 && !pack)
        rpc_reply_error (reply, RPC_NOT_FOUND, "program %s has no policy pack",
                         request->program);
    else if (request->version != 0
             && (found = assessment_store_pack_text (self->store, request->program,
                                                     (int) request->version, &kept)) < 0)
        rpc_reply_error (reply, RPC_INTERNAL, "the assessment could not read its store");
    else if (request->version != 0 && found > 0)
        rpc_reply_error (reply, RPC_NOT_FOUND, "program %s has no policy version %u that this "
                         "assessment ran", request->program, request->version);
    else {
        Shanhai__V1__PackReply message = SHANHAI__V1__PACK_REPLY__INIT;
        message.program = request->program;
        message.version = request->version ? request->version : (uint32_t) pack->version;
        message.text = kept ? kept : (char *) policy_set_text (self->policies, request->program);
        message.in_force = pack && (uint32_t) pack->version == message.version;
        rpc_reply_set_body (reply, &message.base);
    }
    free (kept);
    shanhai__v1__pack_request__free_unpacked (request, NULL);
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
    { "assessment.Pack", s_pack },
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

// A pack file that does not load: the last good version of its program (the file is named
// after it) stands in, so that a typing error does not stop the assessment; without one, the
// assessment does not start.
static int
s_last_good_pack (void *state, policy_set_t *set, const char *file, char *errstr,
                  size_t errstr_size)
{
    assessment_server_t *self = state;
    char program[ID_BYTES_MAX], *text = NULL, refusal[RPC_ERROR_BYTES_MAX];
    int version = 0;
    snprintf (refusal, sizeof refusal, "%s", errstr);
    snprintf (program, sizeof program, "%.*s", (int) (strlen (file) - strlen (".json")), file);
    int found = assessment_store_pack_latest (self->store, program, &version, &text);
    if (found != 0) {
        free (text);
        return -1;  // errstr: the file's own error
    }
    char name[ID_BYTES_MAX + 32];
    snprintf (name, sizeof name, "%s version %d (kept)", program, version);
    int rc = policy_set_add (set, name, text, errstr, errstr_size);
    free (text);
    if (rc == 0)
        log_error ("policy pack refused: its last good version stands in", "program=%s "
                   "version=%d error=\"%s\"", program, version, refusal);
    return rc;
}

// Keeps every pack's text under its version (a version whose text changed is refused: the
// verdicts it made would no longer be explainable), and rebuilds from the ledger when the
// packs are not the ones the aggregates were computed under. Returns 0, or -1 with errstr.
static int
s_keep_packs (assessment_server_t *self, char *errstr, size_t errstr_size)
{
    if (assessment_store_begin (self->store))
        return errstr_set (errstr, errstr_size, "cannot write the assessment's store");
    for (size_t index = 0; index < policy_set_size (self->policies); index++) {
        const policy_pack_t *pack = policy_set_at (self->policies, index);
        bool conflict = false;
        if (assessment_store_pack_keep (self->store, pack->program, pack->version,
                                        policy_set_text (self->policies, pack->program),
                                        &conflict)) {
            assessment_store_rollback (self->store);
            return conflict ? errstr_set (errstr, errstr_size, "policy pack %s: version %d is "
                                          "not the version %d this assessment has run: a "
                                          "changed pack needs a new version", pack->program,
                                          pack->version, pack->version)
                            : errstr_set (errstr, errstr_size, "cannot keep the policy packs");
        }
    }
    int64_t kept = assessment_store_meta (self->store, ASSESSMENT_META_POLICY, 0);
    self->policy_fingerprint = policy_set_fingerprint (self->policies);
    if (assessment_store_set_meta (self->store, ASSESSMENT_META_POLICY,
                                   (int64_t) self->policy_fingerprint)
        || assessment_store_commit (self->store)) {
        assessment_store_rollback (self->store);
        return errstr_set (errstr, errstr_size, "cannot write the assessment's store");
    }
    // New packs count what the old ones did not: everything is recounted, quietly.
    if (kept != 0 && kept != (int64_t) self->policy_fingerprint) {
        log_info ("policy packs changed: rebuilding from the ledger", "packs=%zu",
                  policy_set_size (self->policies));
        if (assessment_store_reset (self->store))
            return errstr_set (errstr, errstr_size, "cannot reset the assessment's store");
    }
    return 0;
}

// Everything after the policies and the store.
static int
s_connect (assessment_server_t *self, const config_t *config, char *errstr, size_t errstr_size)
{
    self->clock_day = (int32_t) assessment_store_meta (self->store, ASSESSMENT_META_CLOCK, -1);
    self->ledger_before_ms = INT64_MAX;
    self->quiet_until = (uint64_t) assessment_store_meta (self->store,
                                                          ASSESSMENT_META_QUIET_UNTIL, 0);
    self->registry = registry_replica_new (assessment_store_db (self->store),
                                           config->registry_rpc, errstr, errstr_size);
    if (!self->registry || s_pairings_index (self, registry_replica_view (self->registry)))
        return -1;
    self->cache = cache_new (config->redis_enabled ? config->redis_host : NULL,
                             config->redis_port);
    self->snapshots = assessment_cache_new (self->cache);
    self->registry_events = subscriber_new (
        config->registry_pub, config->registry_rpc, "registry.Replay",
        (uint64_t) assessment_store_meta (self->store, ASSESSMENT_META_REGISTRY_SEQ, 0), s_apply_registry,
        self);
    self->ledger_events = subscriber_new (
        config->ledger_pub, config->ledger_rpc, "ledger.Replay",
        (uint64_t) assessment_store_meta (self->store, ASSESSMENT_META_LEDGER_SEQ, 0), s_apply_ledger,
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
    self->store = assessment_store_new (path, config->assessment_pub, errstr, errstr_size);
    if (self->store)
        self->policies = policy_set_load_with (config->policy_dir, s_last_good_pack, self,
                                               errstr, errstr_size);
    if (!self->store || !self->policies || s_keep_packs (self, errstr, errstr_size)
        || s_connect (self, config, errstr, errstr_size)) {
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

int
assessment_server_reset (const config_t *config, char *errstr, size_t errstr_size)
{
    char path[PATH_BYTES_MAX];
    *errstr = '\0';
    if (config_data_path (config, "assessment.db", path, sizeof path, errstr, errstr_size))
        return -1;
    // Nothing is published from here: the outbox binds in the process only.
    assessment_store_t *store = assessment_store_new (path, "inproc://assessment-reset", errstr,
                                                      errstr_size);
    int rc = store ? assessment_store_reset (store) : -1;
    if (rc == 0)
        log_info ("assessment reset: rebuilding from the ledger at start", "db=%s quiet_until=%lld",
                  path, (long long) assessment_store_meta (store, ASSESSMENT_META_QUIET_UNTIL, 0));
    else if (!*errstr)
        snprintf (errstr, errstr_size, "cannot reset %s (see the log)", path);
    assessment_store_destroy (&store);
    return rc;
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
