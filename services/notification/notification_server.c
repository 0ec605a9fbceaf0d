#include "notification_server.h"

#include <assert.h>
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

struct notification_server_t {
    notification_store_t *store;
    rpc_server_t *rpc;
    cache_t *cache;
    registry_client_t *registry;
    subscriber_t *registry_events;
    subscriber_t *assessment_events;
    zloop_t *loop;
    int64_t registry_retry_at_ms;  // zclock_mono: no registry call before this
};

// Inside the caller's transaction: one alert per recipient of change.
static int
s_write_alerts (notification_server_t *self, const Shanhai__V1__ComplianceChange *change,
                const Shanhai__V1__PersonList *people)
{
    const Shanhai__V1__Person **recipients = calloc (people->n_people + 1, sizeof *recipients);
    if (!recipients)
        return -1;
    size_t count = alert_rules_recipients (people, change->rule->status, recipients);
    char text[ALERT_TEXT_BYTES_MAX];
    alert_rules_text (change, text, sizeof text);
    int64_t now_ms = date_now_ms ();
    int rc = 0;
    for (size_t index = 0; index < count && rc == 0; index++) {
        Shanhai__V1__Alert alert = SHANHAI__V1__ALERT__INIT;
        alert.person = recipients[index]->id;
        alert.pairing = change->pairing;
        alert.rule = change->rule->rule;
        alert.year = change->year;
        alert.status = change->rule->status;
        alert.previous = change->previous;
        alert.text = text;
        alert.at_ms = now_ms;
        rc = notification_store_alert (self->store, &alert);
    }
    free (recipients);
    if (rc == 0 && count > 0)
        log_info ("alerted", "pairing=%s rule=%s year=%d status=%s previous=%s people=%zu",
                  change->pairing, change->rule->rule, change->year,
                  compliance_status_name (change->rule->status),
                  compliance_status_name (change->previous), count);
    return rc;
}

// One transaction: the alerts of change (when people is not NULL) and seq as the last applied
// assessment event. Returns 0 or -1 (rolled back, logged).
static int
s_commit_change (notification_server_t *self, uint64_t seq,
                 const Shanhai__V1__ComplianceChange *change,
                 const Shanhai__V1__PersonList *people)
{
    if (notification_store_begin (self->store))
        return -1;
    if ((people && s_write_alerts (self, change, people))
        || notification_store_set_meta (self->store, NOTIFICATION_META_ASSESSMENT_SEQ,
                                        (int64_t) seq)) {
        notification_store_rollback (self->store);
        return -1;
    }
    return notification_store_commit (self->store);
}

// Who is told of change. Returns 0 and *people (NULL when nobody can be: the registry does not
// know the pairing), or 1 when the registry cannot be asked now (the change waits).
static int
s_resolve (notification_server_t *self, const Shanhai__V1__ComplianceChange *change,
           Shanhai__V1__PersonList **people)
{
    *people = NULL;
    if (zclock_mono () < self->registry_retry_at_ms)
        return 1;
    rpc_status_t status = registry_client_people (self->registry, change->pairing, people);
    if (status == RPC_OK)
        return 0;
    if (status == RPC_NOT_FOUND || status == RPC_INVALID) {
        // A definite answer: waiting would hold every later change back for nothing.
        log_error ("alert dropped: no recipients", "pairing=%s rule=%s year=%d error=\"%s\"",
                   change->pairing, change->rule->rule, change->year,
                   registry_client_error (self->registry));
        return 0;
    }
    log_warn ("cannot resolve recipients, will retry", "pairing=%s status=%s error=\"%s\"",
              change->pairing, rpc_status_name (status), registry_client_error (self->registry));
    self->registry_retry_at_ms = zclock_mono () + NOTIFICATION_REGISTRY_RETRY_MS;
    return 1;
}

// The subscriber's apply for the assessment: returns 0 (applied), -1 (could not write), or 1
// (the registry must answer first: offered again later).
static int
s_apply_change (void *state, const Shanhai__V1__Event *event)
{
    notification_server_t *self = state;
    Shanhai__V1__ComplianceChange *change = NULL;
    if (strcmp (event->type, "compliance.changed") == 0) {
        change = shanhai__v1__compliance_change__unpack (NULL, event->body.len, event->body.data);
        if (!change || !change->rule || !validate_id (change->pairing)) {
            log_error ("compliance change dropped: malformed", "seq=%llu",
                       (unsigned long long) event->seq);
            if (change)
                shanhai__v1__compliance_change__free_unpacked (change, NULL);
            change = NULL;
        }
    }
    bool news = change && alert_rules_is_news (change->previous, change->rule->status);
    Shanhai__V1__PersonList *people = NULL;
    int rc = news ? s_resolve (self, change, &people) : 0;
    if (rc == 0)
        rc = s_commit_change (self, event->seq, change, people);
    if (people)
        shanhai__v1__person_list__free_unpacked (people, NULL);
    if (change)
        shanhai__v1__compliance_change__free_unpacked (change, NULL);
    return rc;
}

// The subscriber's apply for the registry: a load may have changed who is told.
static int
s_apply_registry (void *state, const Shanhai__V1__Event *event)
{
    notification_server_t *self = state;
    if (strcmp (event->type, "registry.changed") == 0)
        registry_client_invalidate (self->registry);
    if (notification_store_begin (self->store))
        return -1;
    if (notification_store_set_meta (self->store, NOTIFICATION_META_REGISTRY_SEQ,
                                     (int64_t) event->seq)) {
        notification_store_rollback (self->store);
        return -1;
    }
    return notification_store_commit (self->store);
}

static void
s_alerts (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    notification_server_t *self = state;
    Shanhai__V1__AlertsRequest *request = (Shanhai__V1__AlertsRequest *) rpc_call_decode (
        call, &shanhai__v1__alerts_request__descriptor, reply);
    if (!request)
        return;
    if (!validate_id (request->person))
        rpc_reply_error (reply, RPC_INVALID, "person \"%.80s\" is not a valid id",
                         request->person);
    else {
        // An unknown person simply has no alerts: the registry may not know them any more.
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

// The registry first: a registry.changed must reach the cache before the changes after it.
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

// Connects to the registry and the assessment, from the seqs last applied.
static void
s_connect (notification_server_t *self, const config_t *config)
{
    self->cache = cache_new (config->redis_enabled ? config->redis_host : NULL,
                             config->redis_port);
    if (self->cache)
        self->registry = registry_client_new (config->registry_rpc, self->cache);
    uint64_t registry_seq
        = (uint64_t) notification_store_meta (self->store, NOTIFICATION_META_REGISTRY_SEQ, 0);
    uint64_t assessment_seq
        = (uint64_t) notification_store_meta (self->store, NOTIFICATION_META_ASSESSMENT_SEQ, 0);
    self->registry_events = subscriber_new (config->registry_pub, config->registry_rpc,
                                            "registry.Replay", registry_seq, s_apply_registry,
                                            self);
    self->assessment_events = subscriber_new (config->assessment_pub, config->assessment_rpc,
                                              "assessment.Replay", assessment_seq,
                                              s_apply_change, self);
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
    self->store = notification_store_new (path, config->notification_pub, errstr, errstr_size);
    if (self->store) {
        self->rpc = rpc_server_new (config->notification_rpc, s_methods, self);
        s_connect (self, config);
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
    zloop_reader (self->loop, rpc_server_socket (self->rpc), s_on_request, self);
    zloop_reader (self->loop, subscriber_socket (self->registry_events), s_on_registry_event,
                  self);
    zloop_reader (self->loop, subscriber_socket (self->assessment_events),
                  s_on_assessment_event, self);
    zloop_timer (self->loop, NOTIFICATION_TICK_MS, 0, s_on_tick, self);
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
    assert (self);
    // What was missed while stopped; a publisher that does not answer now is retried by the
    // timer, so the service serves its inbox meanwhile.
    subscriber_catch_up (self->registry_events);
    subscriber_catch_up (self->assessment_events);
    zloop_start (self->loop);
    log_info ("notification stopping", "%s", "");
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
notification_server_actor (zsock_t *pipe, void *args)
{
    const config_t *config = args;
    char errstr[RPC_ERROR_BYTES_MAX] = "";
    notification_server_t *self = notification_server_new (config, errstr, sizeof errstr);
    if (!self) {
        log_error ("notification cannot start", "error=\"%s\"", errstr);
        zsock_signal (pipe, 1);
        return;
    }
    zloop_reader (self->loop, pipe, s_on_pipe, NULL);
    zsock_signal (pipe, 0);
    notification_server_run (self);
    notification_server_destroy (&self);
}
