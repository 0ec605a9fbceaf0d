#include "notification_server.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "alert_rules.h"
#include "alert_template.h"
#include "delivery.h"
#include "common/date.h"
#include "common/log.h"
#include "common/registry_replica.h"
#include "common/rpc.h"
#include "common/service.h"
#include "common/subscriber.h"
#include "common/validate.h"
#include "notification_store.h"

struct notification_server_t {
    notification_store_t *store;
    registry_replica_t *registry;
    subscriber_t *registry_events;
    subscriber_t *assessment_events;
    service_t *service;
    alert_template_t *templates;
    delivery_t *delivery;
};

// Whose rule a change is of, as the registry knows it, and the name the texts give it.
typedef struct {
    alert_scope_t scope;
    const Shanhai__V1__Pairing *pairing;  // scope pair: the pair; park: the park's pairing
    const char *name;                     // the county's, park's or program's; NULL for a pair
} s_subject_t;

// True when the ids change is routed by are ids, as its scope asks: a pair's pairing; a
// park's subject (and its pairing, when named); a county's subject and program; the
// program's own, the program, which is its subject.
static bool
s_well_formed (const Shanhai__V1__ComplianceChange *change, alert_scope_t scope)
{
    const Shanhai__V1__RuleStatus *rule = change->rule;
    switch (scope) {
    case ALERT_SCOPE_PAIR:
        return validate_id (change->pairing);
    case ALERT_SCOPE_PARK:
        return validate_id (rule->subject)
               && (!*change->pairing || validate_id (change->pairing));
    case ALERT_SCOPE_PROGRAM:
        return validate_id (change->program) && strcmp (rule->subject, change->program) == 0;
    case ALERT_SCOPE_SUPPORTER:
    case ALERT_SCOPE_RECIPIENT:
    case ALERT_SCOPE_REGION:
        return validate_id (rule->subject) && validate_id (change->program);
    default:
        return false;
    }
}

// Finds the subject of a well-formed change in view. Returns false when the registry does
// not know it: the pair, the park or its pairing, the county or the program.
static bool
s_subject (const registry_view_t *view, const Shanhai__V1__ComplianceChange *change,
           alert_scope_t scope, s_subject_t *subject)
{
    const Shanhai__V1__RuleStatus *rule = change->rule;
    *subject = (s_subject_t) { .scope = scope };
    if (scope == ALERT_SCOPE_PAIR)
        subject->pairing = registry_view_pairing (view, change->pairing);
    else if (scope == ALERT_SCOPE_PARK) {
        // The change names the park's pairing; one that does not is told as the registry's.
        const Shanhai__V1__Park *park = registry_view_park (view, rule->subject);
        if (!park)
            return false;
        subject->pairing = registry_view_pairing (
            view, *change->pairing ? change->pairing : park->pairing);
        subject->name = park->name;
    } else {
        const Shanhai__V1__Program *program = registry_view_program (view, change->program);
        const Shanhai__V1__Region *region = scope == ALERT_SCOPE_PROGRAM
                                                ? NULL : registry_view_region (view, rule->subject);
        if (!program || (scope != ALERT_SCOPE_PROGRAM && !region))
            return false;
        subject->name = region ? region->name : program->name;
        return true;
    }
    return subject->pairing != NULL;
}

// Everyone the registry attaches to subject (alert_rules picks who of them is told): a pair's
// people; a county's leaders, its pairings' liaison officers in the program and the office;
// the program's office. Writes at most max into out; returns how many there are.
static size_t
s_people (const registry_view_t *view, const Shanhai__V1__ComplianceChange *change,
          const s_subject_t *subject, const Shanhai__V1__Person **out, size_t max)
{
    switch (subject->scope) {
    case ALERT_SCOPE_PAIR:
    case ALERT_SCOPE_PARK:
        return registry_view_people (view, subject->pairing, out, max);
    case ALERT_SCOPE_PROGRAM:
        return registry_view_office (view, change->program, out, max);
    default:
        return registry_view_county_people (view, change->rule->subject, change->program, out,
                                            max);
    }
}

// Inside the caller's transaction: one alert per recipient of change among people.
static int
s_write_alerts (notification_server_t *self, const Shanhai__V1__ComplianceChange *change,
                const s_subject_t *subject, const Shanhai__V1__PersonList *people)
{
    const Shanhai__V1__RuleStatus *rule = change->rule;
    const Shanhai__V1__Person **recipients = calloc (people->n_people + 1, sizeof *recipients);
    if (!recipients)
        return -1;
    size_t count = alert_rules_recipients (people, subject->scope, rule->status, recipients);
    char text[ALERT_TEXT_BYTES_MAX], line[CHANNEL_LINE_BYTES_MAX], year[16];
    alert_rules_text (change, subject->name, text, sizeof text);
    alert_template_line (self->templates, change, subject->name, line, sizeof line);
    // A change from before scopes and periods was a pair's, of its year.
    snprintf (year, sizeof year, "%d", change->year);
    int64_t now_ms = date_now_ms ();
    int rc = 0;
    for (size_t index = 0; index < count && rc == 0; index++) {
        Shanhai__V1__Alert alert = SHANHAI__V1__ALERT__INIT;
        alert.person = recipients[index]->id;
        alert.pairing = subject->pairing ? subject->pairing->id : "";
        alert.rule = rule->rule;
        alert.year = change->year;
        alert.status = rule->status;
        alert.previous = change->previous;
        alert.text = text;
        alert.at_ms = now_ms;
        alert.scope = (char *) alert_rules_scope_name (subject->scope);
        alert.subject = *rule->subject ? rule->subject : change->pairing;
        alert.period = *rule->period ? rule->period : year;
        notification_store_result_t result = notification_store_alert (self->store, &alert);
        if (result == NOTIFICATION_STORE_INVALID)
            // A malformed change (the store said why) would block the stream for ever if it
            // failed the batch: it is dropped, and the rest goes on.
            log_error ("alert dropped: refused by the store", "scope=%s subject=%s rule=%s "
                       "person=%s", alert.scope, alert.subject, alert.rule, alert.person);
        else if (result != NOTIFICATION_STORE_OK
                 || delivery_enqueue (self->delivery, &alert, change->program, line) < 0)
            rc = -1;
    }
    free (recipients);
    if (rc == 0 && count > 0)
        log_debug ("alerted", "scope=%s subject=%s rule=%s period=%s status=%s previous=%s "
                   "people=%zu", alert_rules_scope_name (subject->scope), rule->subject,
                   rule->rule, rule->period, compliance_status_name (rule->status),
                   compliance_status_name (change->previous), count);
    return rc;
}

// Inside the caller's transaction: the alerts of change to the people of subject.
static int
s_alert_people (notification_server_t *self, const registry_view_t *view,
                const Shanhai__V1__ComplianceChange *change, const s_subject_t *subject)
{
    size_t count = s_people (view, change, subject, NULL, 0);
    Shanhai__V1__PersonList people = SHANHAI__V1__PERSON_LIST__INIT;
    people.people = calloc (count ? count : 1, sizeof *people.people);
    if (!people.people)
        return -1;
    people.n_people
        = s_people (view, change, subject, (const Shanhai__V1__Person **) people.people, count);
    assert (people.n_people == count);
    int rc = s_write_alerts (self, change, subject, &people);
    free (people.people);
    return rc;
}

// Inside the batch's transaction: the alerts of one compliance change, told to the people the
// replica attaches to its subject (alert_rules.h). Returns 0, 1 for "not yet" (the change was
// evaluated against a registry version this service has not had yet), or -1.
static int
s_alert_change (notification_server_t *self, const Shanhai__V1__Event *event)
{
    bool warning = strcmp (event->type, "compliance.warning") == 0;
    if (!warning && strcmp (event->type, "compliance.changed") != 0)
        return 0;
    Shanhai__V1__ComplianceChange *change
        = shanhai__v1__compliance_change__unpack (NULL, event->body.len, event->body.data);
    alert_scope_t scope = change && change->rule ? alert_rules_scope (change->rule->scope)
                                                 : ALERT_SCOPE_INVALID;
    s_subject_t subject;
    int rc = 0;
    if (!change || !change->rule || !s_well_formed (change, scope))
        log_error ("compliance change dropped: malformed", "seq=%llu",
                   (unsigned long long) event->seq);
    else if (warning ? change->warning_days == 0
                     : !alert_rules_is_news (change->previous, change->rule->status))
        rc = 0;  // a deadline near is news by itself; a change, by the rules of alert_rules.h
    else if (change->registry_version > registry_replica_version (self->registry))
        rc = 1;
    else if (!s_subject (registry_replica_view (self->registry), change, scope, &subject))
        log_error ("alert dropped: its subject is not in the registry", "scope=%s subject=%s "
                   "program=%s pairing=%s rule=%s period=%s", alert_rules_scope_name (scope),
                   change->rule->subject, change->program, change->pairing, change->rule->rule,
                   change->rule->period);
    else
        rc = s_alert_people (self, registry_replica_view (self->registry), change, &subject);
    if (change)
        shanhai__v1__compliance_change__free_unpacked (change, NULL);
    return rc;
}

// The assessment's events: as many as are due, in one transaction with the last seq.
static int
s_apply_changes (void *state, const Shanhai__V1__Event *const *events, size_t count)
{
    notification_server_t *self = state;
    if (!registry_replica_view (self->registry))
        return 0;  // who is told comes from the registry: not yet
    if (notification_store_begin (self->store))
        return -1;
    size_t applied = 0;
    int rc = 0;
    while (applied < count && (rc = s_alert_change (self, events[applied])) == 0)
        applied++;
    if (rc < 0 || (applied > 0
                   && (notification_store_set_meta (self->store,
                                                    NOTIFICATION_META_ASSESSMENT_SEQ,
                                                    (int64_t) events[applied - 1]->seq)
                       || notification_store_commit (self->store)))) {
        notification_store_rollback (self->store);
        return -1;
    }
    if (applied == 0)
        notification_store_rollback (self->store);
    return (int) applied;
}

// The registry's events: a new version changes who is told.
static int
s_apply_registry (void *state, const Shanhai__V1__Event *const *events, size_t count)
{
    notification_server_t *self = state;
    return registry_replica_apply (self->registry, events, count,
                                   NOTIFICATION_META_REGISTRY_SEQ, NULL);
}

static void
s_alerts (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    notification_server_t *self = state;
    Shanhai__V1__AlertsRequest *request = (Shanhai__V1__AlertsRequest *) rpc_call_decode (
        call, &shanhai__v1__alerts_request__descriptor, reply);
    if (!request)
        return;
    const registry_view_t *view = registry_replica_view (self->registry);
    if (!validate_id (request->person))
        rpc_reply_error (reply, RPC_INVALID, "person \"%.80s\" is not a valid id",
                         request->person);
    else if (view && !registry_view_person (view, request->person))
        rpc_reply_error (reply, RPC_NOT_FOUND, "person %s is not in the registry",
                         request->person);
    else {
        Shanhai__V1__AlertList *list = notification_store_alerts (
            self->store, request->person, request->after_id, request->limit);
        if (list) {
            rpc_reply_set_body (reply, &list->base);
            shanhai__v1__alert_list__free_unpacked (list, NULL);
        } else
            rpc_reply_error (reply, RPC_INTERNAL, "the alerts could not be read");
    }
    shanhai__v1__alerts_request__free_unpacked (request, NULL);
}

static void
s_replay (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    notification_server_t *self = state;
    outbox_replay_handler (notification_store_outbox (self->store), call, reply);
}

static void
s_delivery_proto (const notification_delivery_t *row, Shanhai__V1__Delivery *delivery)
{
    shanhai__v1__delivery__init (delivery);
    delivery->id = row->id;
    delivery->alert = row->alert;
    delivery->channel = (char *) row->channel;
    delivery->attempt = row->attempt;
    delivery->status = (char *) notification_delivery_status_name (row->status);
    delivery->result = (char *) row->result;
    delivery->at_ms = row->at_ms;
    delivery->next_at_ms = row->next_at_ms;
}

// The filters of a Deliveries request, checked. Returns 0, or -1 with the error replied.
static int
s_delivery_query (const Shanhai__V1__DeliveriesRequest *request,
                  notification_delivery_query_t *query, rpc_reply_t *reply)
{
    *query = (notification_delivery_query_t) { .after_id = request->after_id };
    if (*request->channel && !validate_id (request->channel))
        return rpc_reply_error (reply, RPC_INVALID, "channel \"%.80s\" is not a valid id",
                                request->channel), -1;
    if (*request->person && !validate_id (request->person))
        return rpc_reply_error (reply, RPC_INVALID, "person \"%.80s\" is not a valid id",
                                request->person), -1;
    query->channel = *request->channel ? request->channel : NULL;
    query->person = *request->person ? request->person : NULL;
    for (int status = NOTIFICATION_DELIVERY_PENDING;
         *request->status && status <= NOTIFICATION_DELIVERY_DEAD && !query->status; status++)
        if (strcmp (request->status, notification_delivery_status_name (status)) == 0)
            query->status = status;
    if (*request->status && !query->status)
        return rpc_reply_error (reply, RPC_INVALID, "status \"%.40s\" must be pending, sent, "
                                "failed or dead", request->status), -1;
    return 0;
}

static void
s_deliveries (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    notification_server_t *self = state;
    Shanhai__V1__DeliveriesRequest *request = (Shanhai__V1__DeliveriesRequest *)
        rpc_call_decode (call, &shanhai__v1__deliveries_request__descriptor, reply);
    if (!request)
        return;
    notification_delivery_query_t query;
    size_t limit = request->limit == 0 || request->limit > DELIVERIES_LIST_MAX
                       ? DELIVERIES_LIST_MAX : request->limit;
    notification_delivery_t *rows = calloc (limit, sizeof *rows);
    Shanhai__V1__Delivery *deliveries = calloc (limit, sizeof *deliveries);
    Shanhai__V1__Delivery **pointers = calloc (limit, sizeof *pointers);
    int count = -1;
    if (!rows || !deliveries || !pointers)
        rpc_reply_error (reply, RPC_INTERNAL, "out of memory");
    else if (s_delivery_query (request, &query, reply) == 0
             && (count = notification_store_deliveries (self->store, &query, rows, limit)) < 0)
        rpc_reply_error (reply, RPC_INTERNAL, "the deliveries could not be read");
    if (count >= 0) {
        Shanhai__V1__DeliveryList list = SHANHAI__V1__DELIVERY_LIST__INIT;
        for (int index = 0; index < count; index++) {
            s_delivery_proto (&rows[index], &deliveries[index]);
            pointers[index] = &deliveries[index];
        }
        list.deliveries = pointers;
        list.n_deliveries = (size_t) count;
        rpc_reply_set_body (reply, &list.base);
    }
    free (pointers);
    free (deliveries);
    free (rows);
    shanhai__v1__deliveries_request__free_unpacked (request, NULL);
}

static void
s_retry (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    notification_server_t *self = state;
    Shanhai__V1__RetryRequest *request = (Shanhai__V1__RetryRequest *) rpc_call_decode (
        call, &shanhai__v1__retry_request__descriptor, reply);
    if (!request)
        return;
    notification_delivery_t added;
    notification_store_result_t result = delivery_retry (self->delivery, request->id, &added);
    if (result == NOTIFICATION_STORE_NOT_FOUND)
        rpc_reply_error (reply, RPC_NOT_FOUND, "no delivery %llu",
                         (unsigned long long) request->id);
    else if (result == NOTIFICATION_STORE_CONFLICT)
        rpc_reply_error (reply, RPC_CONFLICT, "delivery %llu is not dead, or was retried "
                         "already", (unsigned long long) request->id);
    else if (result == NOTIFICATION_STORE_INVALID)
        rpc_reply_error (reply, RPC_INVALID, "delivery %llu has no attempts left (at most %d)",
                         (unsigned long long) request->id, DELIVERY_ATTEMPTS_MAX);
    else if (result != NOTIFICATION_STORE_OK)
        rpc_reply_error (reply, RPC_INTERNAL, "the retry could not be written");
    else {
        Shanhai__V1__Delivery delivery;
        s_delivery_proto (&added, &delivery);
        rpc_reply_set_body (reply, &delivery.base);
    }
    shanhai__v1__retry_request__free_unpacked (request, NULL);
}

static const rpc_method_t s_methods[] = {
    { "notification.Alerts", s_alerts },
    { "notification.Replay", s_replay },
    { "notification.Deliveries", s_deliveries },
    { "notification.Retry", s_retry },
    { NULL, NULL },
};

// Health: the replica's version and the channels' queues.
static void
s_health (void *state, service_health_t *health)
{
    notification_server_t *self = state;
    service_health_registry (health, registry_replica_version (self->registry));
    service_health_metric (health, "deliveries_pending", "attempts waiting to be made", false,
                           notification_store_deliveries_count (
                               self->store, NOTIFICATION_DELIVERY_PENDING));
    service_health_metric (health, "deliveries_dead", "attempts given up (deliveries retry)",
                           false, notification_store_deliveries_count (
                                      self->store, NOTIFICATION_DELIVERY_DEAD));
    service_health_metric (health, "deliveries_sent_total", "attempts a channel accepted",
                           true, notification_store_deliveries_count (
                                     self->store, NOTIFICATION_DELIVERY_SENT));
    service_health_metric (health, "messages_in_flight", "HTTP requests under way", false,
                           (int64_t) delivery_in_flight (self->delivery));
}

static void
s_tick (void *state)
{
    notification_server_t *self = state;
    delivery_tick (self->delivery);
}

// Everything after the store: the replica in the store's file, both streams (the registry's
// first: a new version must be had before the changes evaluated against it), the skeleton.
static int
s_connect (notification_server_t *self, const config_t *config, char *errstr,
           size_t errstr_size)
{
    self->registry = registry_replica_new (notification_store_db (self->store),
                                           config->registry_rpc, errstr, errstr_size);
    if (!self->registry)
        return -1;
    delivery_settings_t settings = { .window_ms = config->delivery_window_ms,
                                     .backoff_ms = config->delivery_backoff_ms,
                                     .attempts = config->delivery_attempts };
    self->delivery = delivery_new (self->store, self->registry, self->templates, &settings);
    if (!self->delivery)
        return -1;
    uint64_t registry_seq
        = (uint64_t) notification_store_meta (self->store, NOTIFICATION_META_REGISTRY_SEQ, 0);
    uint64_t assessment_seq
        = (uint64_t) notification_store_meta (self->store, NOTIFICATION_META_ASSESSMENT_SEQ, 0);
    self->registry_events = subscriber_new (config->registry_pub, config->registry_rpc,
                                            "registry.Replay", registry_seq, s_apply_registry,
                                            self);
    self->assessment_events = subscriber_new (config->assessment_pub, config->assessment_rpc,
                                              "assessment.Replay", assessment_seq,
                                              s_apply_changes, self);
    if (self->assessment_events)
        subscriber_set_batch (self->assessment_events, (size_t) config->batch_events);
    self->service = service_new ("notification", config->notification_rpc, s_methods, self);
    if (!self->registry_events || !self->assessment_events || !self->service)
        return -1;
    service_publish (self->service, notification_store_outbox (self->store));
    service_tick (self->service, s_tick, self);
    service_health (self->service, s_health, self);
    delivery_attach (self->delivery, service_loop (self->service));
    if (service_consume (self->service, self->registry_events)
        || service_consume (self->service, self->assessment_events))
        return -1;
    return 0;
}

notification_server_t *
notification_server_new (const config_t *config, char *errstr, size_t errstr_size)
{
    assert (config && errstr && errstr_size > 0);
    char path[PATH_BYTES_MAX];
    if (config_data_path (config, "notification.db", path, sizeof path, errstr, errstr_size))
        return NULL;
    notification_server_t *self = calloc (1, sizeof *self);
    if (!self) {
        snprintf (errstr, errstr_size, "out of memory");
        return NULL;
    }
    *errstr = '\0';
    self->templates
        = alert_template_load (config->template_dir, config->language, errstr, errstr_size);
    if (self->templates)
        self->store
            = notification_store_new (path, config->notification_pub, errstr, errstr_size);
    if (!self->store || s_connect (self, config, errstr, errstr_size)) {
        if (!*errstr)
            snprintf (errstr, errstr_size, "cannot start on %s / %s (see the log)",
                      config->notification_rpc, config->notification_pub);
        notification_server_destroy (&self);
        return NULL;
    }
    log_info ("notification ready", "rpc=%s pub=%s db=%s registry_version=%llu",
              config->notification_rpc, config->notification_pub, path,
              (unsigned long long) registry_replica_version (self->registry));
    return self;
}

void
notification_server_destroy (notification_server_t **self_p)
{
    if (self_p && *self_p) {
        notification_server_t *self = *self_p;
        // The transfers' timer is on the service's loop: the delivery goes first.
        delivery_destroy (&self->delivery);
        service_destroy (&self->service);
        subscriber_destroy (&self->assessment_events);
        subscriber_destroy (&self->registry_events);
        registry_replica_destroy (&self->registry);
        notification_store_destroy (&self->store);
        alert_template_destroy (&self->templates);
        free (self);
        *self_p = NULL;
    }
}

int
notification_server_run (notification_server_t *self)
{
    assert (self);
    return service_run (self->service);
}

void
notification_server_actor (zsock_t *pipe, void *args)
{
    char errstr[RPC_ERROR_BYTES_MAX] = "";
    notification_server_t *self = notification_server_new (args, errstr, sizeof errstr);
    if (!self) {
        log_error ("notification cannot start", "error=\"%s\"", errstr);
        zsock_signal (pipe, 1);
        return;
    }
    service_run_actor (self->service, pipe);
    notification_server_destroy (&self);
}
