#include "registry_server.h"

#include <assert.h>
#include <czmq.h>
#include <stdlib.h>
#include <string.h>
#include "common/date.h"
#include "common/log.h"
#include "common/registry_model.h"
#include "common/registry_view.h"
#include "common/rpc.h"
#include "common/service.h"
#include "common/validate.h"
#include "registry_store.h"

struct registry_server_t {
    registry_store_t *store;
    registry_view_t *view;   // the newest version, or NULL before the first load
    service_t *service;
};

static void
s_load (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    registry_server_t *self = state;
    Shanhai__V1__RegistryDoc *doc = (Shanhai__V1__RegistryDoc *) rpc_call_decode (
        call, &shanhai__v1__registry_doc__descriptor, reply);
    if (!doc)
        return;
    char errstr[RPC_ERROR_BYTES_MAX];
    Shanhai__V1__LoadReply loaded = SHANHAI__V1__LOAD_REPLY__INIT;
    if (registry_model_validate (doc, errstr, sizeof errstr))
        rpc_reply_error (reply, RPC_INVALID, "%s; nothing was loaded", errstr);
    else if (registry_store_load (self->store, doc, &loaded))
        rpc_reply_error (reply, RPC_INTERNAL, "the registry could not be written; nothing "
                         "was loaded");
    else {
        log_info ("registry loaded", "programs=%u regions=%u pairings=%u people=%u version=%llu",
                  loaded.programs, loaded.regions, loaded.pairings, loaded.people,
                  (unsigned long long) loaded.version);
        rpc_reply_set_body (reply, &loaded.base);
        registry_view_t *view
            = registry_view_new (&doc, loaded.version, registry_store_deployment (self->store));
        if (view) {
            registry_view_destroy (&self->view);
            self->view = view;
        } else
            log_error ("out of memory: the loaded registry is served after a restart",
                       "version=%llu", (unsigned long long) loaded.version);
    }
    if (doc)
        shanhai__v1__registry_doc__free_unpacked (doc, NULL);
}

// The pairing id names, or NULL with the reply set to INVALID or NOT_FOUND.
static const Shanhai__V1__Pairing *
s_find_pairing (registry_server_t *self, const char *id, rpc_reply_t *reply)
{
    const Shanhai__V1__Pairing *pairing = NULL;
    if (!validate_id (id))
        rpc_reply_error (reply, RPC_INVALID, "pairing id \"%.80s\" is not a valid id", id);
    else if (!self->view || !(pairing = registry_view_pairing (self->view, id)))
        rpc_reply_error (reply, RPC_NOT_FOUND, "pairing %s is not in the registry", id);
    return pairing;
}

static void
s_get_pairing (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    Shanhai__V1__GetPairingRequest *request = (Shanhai__V1__GetPairingRequest *) rpc_call_decode (
        call, &shanhai__v1__get_pairing_request__descriptor, reply);
    if (!request)
        return;
    const Shanhai__V1__Pairing *pairing = s_find_pairing (state, request->id, reply);
    if (pairing)
        rpc_reply_set_body (reply, &pairing->base);
    shanhai__v1__get_pairing_request__free_unpacked (request, NULL);
}

// Checks ListPairings' filters: each valid, and naming what the registry has. Returns 0, or
// -1 with the reply set.
static int
s_check_filters (registry_server_t *self, const Shanhai__V1__ListPairingsRequest *request,
                 int32_t *day, rpc_reply_t *reply)
{
    *day = -1;
    if (*request->program && !validate_id (request->program))
        rpc_reply_error (reply, RPC_INVALID, "program \"%.80s\" is not a valid id",
                         request->program);
    else if (*request->region && !validate_id (request->region))
        rpc_reply_error (reply, RPC_INVALID, "region \"%.80s\" is not a valid id",
                         request->region);
    else if (*request->date && date_parse (request->date, day))
        rpc_reply_error (reply, RPC_INVALID, "date \"%.20s\" is not a date YYYY-MM-DD",
                         request->date);
    else if (*request->program
             && !(self->view && registry_view_program (self->view, request->program)))
        rpc_reply_error (reply, RPC_NOT_FOUND, "program %s is not in the registry",
                         request->program);
    else if (*request->region
             && !(self->view && registry_view_region (self->view, request->region)))
        rpc_reply_error (reply, RPC_NOT_FOUND, "region %s is not in the registry",
                         request->region);
    else
        return 0;
    return -1;
}

static void
s_list_pairings (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    registry_server_t *self = state;
    Shanhai__V1__ListPairingsRequest *request
        = (Shanhai__V1__ListPairingsRequest *) rpc_call_decode (
            call, &shanhai__v1__list_pairings_request__descriptor, reply);
    if (!request)
        return;
    int32_t day;
    if (s_check_filters (self, request, &day, reply) == 0) {
        const Shanhai__V1__RegistryDoc *doc = self->view ? registry_view_doc (self->view) : NULL;
        size_t total = doc ? doc->n_pairings : 0;
        Shanhai__V1__PairingList list = SHANHAI__V1__PAIRING_LIST__INIT;
        list.pairings = calloc (total ? total : 1, sizeof *list.pairings);
        if (!list.pairings)
            rpc_reply_error (reply, RPC_INTERNAL, "out of memory");
        for (size_t index = 0; list.pairings && index < total; index++)
            if (registry_view_pairing_matches (doc->pairings[index], request->program,
                                               request->region, day))
                list.pairings[list.n_pairings++] = doc->pairings[index];
        if (list.pairings)
            rpc_reply_set_body (reply, &list.base);
        free (list.pairings);
    }
    shanhai__v1__list_pairings_request__free_unpacked (request, NULL);
}

static void
s_people (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    registry_server_t *self = state;
    Shanhai__V1__PeopleRequest *request = (Shanhai__V1__PeopleRequest *) rpc_call_decode (
        call, &shanhai__v1__people_request__descriptor, reply);
    if (!request)
        return;
    const Shanhai__V1__Pairing *pairing = s_find_pairing (self, request->pairing, reply);
    if (pairing) {
        size_t count = registry_view_people (self->view, pairing, NULL, 0);
        Shanhai__V1__PersonList list = SHANHAI__V1__PERSON_LIST__INIT;
        list.people = calloc (count ? count : 1, sizeof *list.people);
        if (list.people) {
            list.n_people = registry_view_people (self->view, pairing,
                                                  (const Shanhai__V1__Person **) list.people,
                                                  count);
            rpc_reply_set_body (reply, &list.base);
            free (list.people);
        } else
            rpc_reply_error (reply, RPC_INTERNAL, "out of memory");
    }
    shanhai__v1__people_request__free_unpacked (request, NULL);
}

// registry.Snapshot: the whole reference data of the newest version, for the replicas.
static void
s_snapshot (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    registry_server_t *self = state;
    Shanhai__V1__SnapshotRequest *request = (Shanhai__V1__SnapshotRequest *) rpc_call_decode (
        call, &shanhai__v1__snapshot_request__descriptor, reply);
    if (!request)
        return;
    shanhai__v1__snapshot_request__free_unpacked (request, NULL);
    Shanhai__V1__RegistrySnapshot snapshot = SHANHAI__V1__REGISTRY_SNAPSHOT__INIT;
    snapshot.deployment = (char *) registry_store_deployment (self->store);
    if (self->view) {
        snapshot.version = registry_view_version (self->view);
        snapshot.doc = (Shanhai__V1__RegistryDoc *) registry_view_doc (self->view);
    }
    rpc_reply_set_body (reply, &snapshot.base);
}

static void
s_reply_clock (registry_server_t *self, rpc_reply_t *reply)
{
    bool fixed;
    int32_t day = registry_store_clock (self->store, &fixed);
    char today[DATE_TEXT_BYTES];
    date_format (day, today);
    Shanhai__V1__Clock clock = SHANHAI__V1__CLOCK__INIT;
    clock.today = today;
    clock.fixed = fixed;
    rpc_reply_set_body (reply, &clock.base);
}

static void
s_get_clock (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    s_reply_clock (state, reply);
}

static void
s_set_clock (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    registry_server_t *self = state;
    Shanhai__V1__SetClockRequest *request = (Shanhai__V1__SetClockRequest *) rpc_call_decode (
        call, &shanhai__v1__set_clock_request__descriptor, reply);
    if (!request)
        return;
    bool fixed;
    int32_t now = registry_store_clock (self->store, &fixed);
    int32_t day;
    char now_text[DATE_TEXT_BYTES];
    date_format (now, now_text);
    if (date_parse (request->date, &day))
        rpc_reply_error (reply, RPC_INVALID, "date \"%.20s\" is not a date YYYY-MM-DD in %d..%d",
                         request->date, DATE_YEAR_MIN, DATE_YEAR_MAX);
    else if (day <= now)
        rpc_reply_error (reply, RPC_INVALID, "the clock only moves forward: it is %s", now_text);
    else if (registry_store_set_clock (self->store, day, true))
        rpc_reply_error (reply, RPC_INTERNAL, "the clock could not be written");
    else
        s_reply_clock (self, reply);
    shanhai__v1__set_clock_request__free_unpacked (request, NULL);
}

static void
s_replay (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    registry_server_t *self = state;
    outbox_replay_handler (registry_store_outbox (self->store), call, reply);
}

static const rpc_method_t s_methods[] = {
    { "registry.Load", s_load },
    { "registry.GetPairing", s_get_pairing },
    { "registry.ListPairings", s_list_pairings },
    { "registry.People", s_people },
    { "registry.Snapshot", s_snapshot },
    { "registry.GetClock", s_get_clock },
    { "registry.SetClock", s_set_clock },
    { "registry.Replay", s_replay },
    { NULL, NULL },
};

// The clock for this start: SHANHAI_CLOCK unless the stored clock is already later; else a
// fixed stored clock; else today. Moves (and announces) the clock when the day differs from
// the stored one, which is the last one announced (both are written in one transaction).
static int
s_start_clock (registry_server_t *self, const config_t *config)
{
    bool fixed;
    int32_t stored = registry_store_clock (self->store, &fixed);
    int32_t target = fixed ? stored : date_today ();
    bool fix = fixed;
    if (*config->clock) {
        int32_t wanted;
        int rc = date_parse (config->clock, &wanted);
        assert (rc == 0);  // config_load checked it
        if (wanted < stored)
            log_warn ("SHANHAI_CLOCK is behind the stored clock, which only moves forward: "
                      "keeping it", "SHANHAI_CLOCK=%s", config->clock);
        else {
            target = wanted;
            fix = true;
        }
    }
    if (target > stored)
        return registry_store_set_clock (self->store, target, fix);
    // The same day, now fixed by SHANHAI_CLOCK: no move to announce, but the clock stops
    // following real time.
    if (fix != fixed)
        return registry_store_set_clock_mode (self->store, fix);
    return 0;
}

// Real time: the clock follows the day in China unless it was fixed.
static void
s_on_tick (void *state)
{
    registry_server_t *self = state;
    bool fixed;
    int32_t day = registry_store_clock (self->store, &fixed);
    if (!fixed && date_today () > day)
        registry_store_set_clock (self->store, date_today (), false);
}

// The view of the newest stored version. Returns 0 (also with nothing loaded) or -1.
static int
s_open_view (registry_server_t *self)
{
    uint64_t version;
    Shanhai__V1__RegistryDoc *doc = registry_store_document (self->store, &version);
    if (!doc)
        return version == 0 ? 0 : -1;
    self->view = registry_view_new (&doc, version, registry_store_deployment (self->store));
    return self->view ? 0 : -1;
}

// Health: the registry's version is its own.
static void
s_health (void *state, service_health_t *health)
{
    registry_server_t *self = state;
    service_health_registry (health, self->view ? registry_view_version (self->view) : 0);
}

registry_server_t *
registry_server_new (const config_t *config, char *errstr, size_t errstr_size)
{
    char path[PATH_BYTES_MAX];
    if (config_data_path (config, "registry.db", path, sizeof path, errstr, errstr_size))
        return NULL;
    registry_server_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->store = registry_store_new (path, config->registry_pub, errstr, errstr_size);
    if (self->store)
        self->service = service_new ("registry", config->registry_rpc, s_methods, self);
    if (!self->store || !self->service || s_open_view (self) || s_start_clock (self, config)) {
        if (!*errstr)
            snprintf (errstr, errstr_size, "cannot start on %s / %s (see the log)",
                      config->registry_rpc, config->registry_pub);
        registry_server_destroy (&self);
        return NULL;
    }
    service_publish (self->service, registry_store_outbox (self->store));
    service_tick (self->service, s_on_tick, self);
    service_health (self->service, s_health, self);
    log_info ("registry ready", "rpc=%s pub=%s db=%s version=%llu deployment=%s",
              config->registry_rpc, config->registry_pub, path,
              (unsigned long long) (self->view ? registry_view_version (self->view) : 0),
              registry_store_deployment (self->store));
    return self;
}

void
registry_server_destroy (registry_server_t **self_p)
{
    if (self_p && *self_p) {
        registry_server_t *self = *self_p;
        service_destroy (&self->service);
        registry_view_destroy (&self->view);
        registry_store_destroy (&self->store);
        free (self);
        *self_p = NULL;
    }
}

int
registry_server_run (registry_server_t *self)
{
    return service_run (self->service);
}

void
registry_server_actor (zsock_t *pipe, void *args)
{
    char errstr[RPC_ERROR_BYTES_MAX] = "";
    registry_server_t *self = registry_server_new (args, errstr, sizeof errstr);
    if (!self) {
        log_error ("registry cannot start", "error=\"%s\"", errstr);
        zsock_signal (pipe, 1);
        return;
    }
    service_run_actor (self->service, pipe);
    registry_server_destroy (&self);
}
