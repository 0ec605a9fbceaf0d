#include "notification_server.h"

#include <czmq.h>
#include <stdlib.h>
#include <string.h>
#include "alert_rules.h"
#include "common/cache.h"
#include "common/date.h"
#include "common/log.h"
#include "common/registry_client.h"
#include "common/rpc.h"
#include "common/subscriber.h"
#include "common/validate.h"
#include "notification_store.h"

#define NOTIFICATION_TICK_MS 1000

struct notification_server_t {
    notification_store_t *store;
    rpc_server_t *rpc;
    cache_t *cache;
    registry_client_t *registry;
    subscriber_t *registry_events;
    subscriber_t *assessment_events;
    zloop_t *loop;
};

// Writes one alert per person told of change. Inside the caller's transaction.
static int
s_write_alerts (notification_server_t *self, const Shanhai__V1__ComplianceChange *change,
                const Shanhai__V1__PersonList *people)
{
    char text[ALERT_TEXT_BYTES_MAX];
    alert_rules_text (change, text, sizeof text);
    int64_t now_ms = date_now_ms ();
    for (size_t index = 0; index < people->n_people; index++) {
        const Shanhai__V1__Person *person = people->people[index];
        bool seen = false;  // a person listed twice (two roles) hears it once
        for (size_t before = 0; before < index; before++)
            seen = seen || strcmp (people->people[before]->id, person->id) == 0;
        if (seen || !alert_rules_tells (person->role, change->rule->status))
            continue;
        Shanhai__V1__Alert alert = SHANHAI__V1__ALERT__INIT;
        alert.person = person->id;
        alert.pairing = change->pairing;
        alert.rule = change->rule->rule;
        alert.year = change->year;
        alert.status = change->rule->status;
        alert.previous = change->previous;
        alert.text = text;
        alert.at_ms = now_ms;
        if (notification_store_alert (self->store, &alert))
            return -1;
    }
    return 0;
}

// A compliance change: the alerts it owes and the seq, in one transaction. When the registry
// cannot say who is to be told, nothing is written and the change is offered again later.
static int
s_apply_change (void *state, const Shanhai__V1__Event *event)
{
    notification_server_t *self = state;
    Shanhai__V1__ComplianceChange *change = NULL;
    if (strcmp (event->type, "compliance.changed") == 0)
        change = shanhai__v1__compliance_change__unpack (NULL, event->body.len, event->body.data);
    bool news = change && change->rule
                && alert_rules_is_news (change->previous, change->rule->status);
    Shanhai__V1__PersonList *people = NULL;
    int rc = 0;
    if (news && registry_client_people (self->registry, change->pairing, &people) != RPC_OK) {
        log_warn ("cannot resolve recipients, will retry", "pairing=%s error=\"%s\"",
                  change->pairing, registry_client_error (self->registry));
        rc = -1;
    }
    if (rc == 0) {
        rc = notification_store_begin (self->store)
             || (news && s_write_alerts (self, change, people))
             || notification_store_set_meta (self->store, "assessment_seq", (int64_t) event->seq)
             || notification_store_commit (self->store);
        if (rc)
            notification_store_rollback (self->store);
        else if (news)
            log_info ("alerted", "pairing=%s rule=%s year=%d status=%s", change->pairing,
                      change->rule->rule, change->year,
                      compliance_status_name (change->rule->status));
    }
    if (people)
        shanhai__v1__person_list__free_unpacked (people, NULL);
    if (change)
        shanhai__v1__compliance_change__free_unpacked (change, NULL);
    return rc ? -1 : 0;
}

static int
s_apply_registry (void *state, const Shanhai__V1__Event *event)
{
    notification_server_t *self = state;
    if (strcmp (event->type, "registry.changed") == 0)
        registry_client_invalidate (self->registry);
    if (notification_store_begin (self->store)
        || notification_store_set_meta (self->store, "registry_seq", (int64_t) event->seq)
        || notification_store_commit (self->store)) {
        notification_store_rollback (self->store);
        return -1;
    }
    return 0;
}

static void
s_alerts (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    notification_server_t *self = state;
    Shanhai__V1__AlertsRequest *request = (Shanhai__V1__AlertsRequest *) rpc_call_decode (
        call, &shanhai__v1__alerts_request__descriptor, reply);
    if (!request)
        return;
    size_t limit = request->limit && request->limit < ALERTS_LIST_MAX ? request->limit
                                                                     : ALERTS_LIST_MAX;
    if (!validate_id (request->person))
        rpc_reply_error (reply, RPC_INVALID, "person \"%.80s\" is not a valid id",
                         request->person);
    else {
        Shanhai__V1__AlertList *list
            = notification_store_alerts (self->store, request->person, request->after_id, limit);
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

static const rpc_method_t s_methods[] = {
    { "notification.Alerts", s_alerts },
    { "notification.Replay", s_replay },
    { NULL, NULL },
};

static int
s_on_request (zloop_t *loop, zsock_t *socket, void *arg)
{
    notification_server_t *self = arg;
    rpc_server_handle_all (self->rpc);
    return 0;
}

static int
s_on_assessment_event (zloop_t *loop, zsock_t *socket, void *arg)
{
    notification_server_t *self = arg;
    subscriber_handle (self->assessment_events);
    return 0;
}

static int
s_on_registry_event (zloop_t *loop, zsock_t *socket, void *arg)
{
    notification_server_t *self = arg;
    subscriber_handle (self->registry_events);
    return 0;
}

static int
s_on_tick (zloop_t *loop, int timer_id, void *arg)
{
    notification_server_t *self = arg;
    if (subscriber_is_behind (self->registry_events))
        subscriber_catch_up (self->registry_events);
    if (subscriber_is_behind (self->assessment_events))
        subscriber_catch_up (self->assessment_events);
    outbox_heartbeat (notification_store_outbox (self->store));
    return 0;
}

notification_server_t *
notification_server_new (const config_t *config, char *errstr, size_t errstr_size)
{
    char path[PATH_BYTES_MAX];
    if (config_data_path (config, "notification.db", path, sizeof path, errstr, errstr_size))
        return NULL;
    notification_server_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->store = notification_store_new (path, config->notification_pub, errstr, errstr_size);
    if (self->store) {
        self->rpc = rpc_server_new (config->notification_rpc, s_methods, self);
        self->cache = cache_new (config->redis_enabled ? config->redis_host : NULL,
                                 config->redis_port);
        self->registry = registry_client_new (config->registry_rpc, self->cache);
        self->registry_events = subscriber_new (
            config->registry_pub, config->registry_rpc, "registry.Replay",
            (uint64_t) notification_store_meta (self->store, "registry_seq", 0),
            s_apply_registry, self);
        self->assessment_events = subscriber_new (
            config->assessment_pub, config->assessment_rpc, "assessment.Replay",
            (uint64_t) notification_store_meta (self->store, "assessment_seq", 0),
            s_apply_change, self);
        self->loop = zloop_new ();
    }
    if (!self->store || !self->rpc || !self->cache || !self->registry || !self->registry_events
        || !self->assessment_events || !self->loop) {
        if (!*errstr)
            snprintf (errstr, errstr_size, "cannot start on %s / %s (see the log)",
                      config->notification_rpc, config->notification_pub);
        notification_server_destroy (&self);
        return NULL;
    }
    log_info ("notification ready", "rpc=%s pub=%s db=%s", config->notification_rpc,
              config->notification_pub, path);
    return self;
}

void
notification_server_destroy (notification_server_t **self_p)
{
    if (self_p && *self_p) {
        notification_server_t *self = *self_p;
        zloop_destroy (&self->loop);
        subscriber_destroy (&self->assessment_events);
        subscriber_destroy (&self->registry_events);
        registry_client_destroy (&self->registry);
        cache_destroy (&self->cache);
        rpc_server_destroy (&self->rpc);
        notification_store_destroy (&self->store);
        free (self);
        *self_p = NULL;
    }
}

int
notification_server_run (notification_server_t *self)
{
    subscriber_catch_up (self->registry_events);
    subscriber_catch_up (self->assessment_events);
    zloop_reader (self->loop, rpc_server_socket (self->rpc), s_on_request, self);
    zloop_reader (self->loop, subscriber_socket (self->registry_events), s_on_registry_event,
                  self);
    zloop_reader (self->loop, subscriber_socket (self->assessment_events),
                  s_on_assessment_event, self);
    zloop_timer (self->loop, NOTIFICATION_TICK_MS, 0, s_on_tick, self);
    zloop_start (self->loop);
    log_info ("notification stopping", "%s", "");
    return 0;
}
