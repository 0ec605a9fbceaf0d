#include "registry_server.h"

#include <assert.h>
#include <czmq.h>
#include <stdlib.h>
#include <string.h>
#include "common/date.h"
#include "common/log.h"
#include "common/rpc.h"
#include "common/validate.h"
#include "registry_model.h"
#include "registry_store.h"

// How often the loop beats (heartbeat) and looks at the real-time clock.
#define REGISTRY_TICK_MS 1000

struct registry_server_t {
    registry_store_t *store;
    rpc_server_t *rpc;
    zloop_t *loop;
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
    }
    shanhai__v1__registry_doc__free_unpacked (doc, NULL);
}

// Looks up the pairing id names, answering NOT_FOUND or INVALID for the caller. Returns the
// pairing (the caller frees it) or NULL.
static Shanhai__V1__Pairing *
s_find_pairing (registry_server_t *self, const char *id, rpc_reply_t *reply)
{
    if (!validate_id (id)) {
        rpc_reply_error (reply, RPC_INVALID, "pairing id \"%.80s\" is not a valid id", id);
        return NULL;
    }
    bool failed;
    Shanhai__V1__Pairing *pairing = registry_store_pairing (self->store, id, &failed);
    if (!pairing) {
        if (failed)
            rpc_reply_error (reply, RPC_INTERNAL, "the registry could not be read");
        else
            rpc_reply_error (reply, RPC_NOT_FOUND, "pairing %s is not in the registry", id);
    }
    return pairing;
}

static void
s_get_pairing (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    Shanhai__V1__GetPairingRequest *request = (Shanhai__V1__GetPairingRequest *) rpc_call_decode (
        call, &shanhai__v1__get_pairing_request__descriptor, reply);
    if (!request)
        return;
    Shanhai__V1__Pairing *pairing = s_find_pairing (state, request->id, reply);
    if (pairing) {
        rpc_reply_set_body (reply, &pairing->base);
        shanhai__v1__pairing__free_unpacked (pairing, NULL);
    }
    shanhai__v1__get_pairing_request__free_unpacked (request, NULL);
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
    if (*request->program && !validate_id (request->program))
        rpc_reply_error (reply, RPC_INVALID, "program \"%.80s\" is not a valid id",
                         request->program);
    else if (*request->region && !validate_id (request->region))
        rpc_reply_error (reply, RPC_INVALID, "region \"%.80s\" is not a valid id",
                         request->region);
    else if (*request->date && date_parse (request->date, &day))
        rpc_reply_error (reply, RPC_INVALID, "date \"%.20s\" is not a date YYYY-MM-DD",
                         request->date);
    else {
        Shanhai__V1__PairingList *list = registry_store_pairings (
            self->store, request->program, request->region, request->date);
        if (list) {
            rpc_reply_set_body (reply, &list->base);
            shanhai__v1__pairing_list__free_unpacked (list, NULL);
        } else
            rpc_reply_error (reply, RPC_INTERNAL, "the registry could not be read");
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
    Shanhai__V1__Pairing *pairing = s_find_pairing (self, request->pairing, reply);
    if (pairing) {
        Shanhai__V1__PersonList *people = registry_store_people (self->store, pairing);
        if (people) {
            rpc_reply_set_body (reply, &people->base);
            shanhai__v1__person_list__free_unpacked (people, NULL);
        } else
            rpc_reply_error (reply, RPC_INTERNAL, "the registry could not be read");
        shanhai__v1__pairing__free_unpacked (pairing, NULL);
    }
    shanhai__v1__people_request__free_unpacked (request, NULL);
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

static int
s_on_request (zloop_t *loop, zsock_t *socket, void *arg)
{
    registry_server_t *self = arg;
    rpc_server_handle_all (self->rpc);
    return 0;
}

static int
s_on_tick (zloop_t *loop, int timer_id, void *arg)
{
    registry_server_t *self = arg;
    bool fixed;
    int32_t day = registry_store_clock (self->store, &fixed);
    if (!fixed && date_today () > day)
        registry_store_set_clock (self->store, date_today (), false);
    outbox_heartbeat (registry_store_outbox (self->store));
    return 0;
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
    if (self->store) {
        self->rpc = rpc_server_new (config->registry_rpc, s_methods, self);
        self->loop = zloop_new ();
    }
    if (!self->store || !self->rpc || !self->loop || s_start_clock (self, config)) {
        if (!*errstr)
            snprintf (errstr, errstr_size, "cannot start on %s / %s (see the log)",
                      config->registry_rpc, config->registry_pub);
        registry_server_destroy (&self);
        return NULL;
    }
    log_info ("registry ready", "rpc=%s pub=%s db=%s", config->registry_rpc,
              config->registry_pub, path);
    return self;
}

void
registry_server_destroy (registry_server_t **self_p)
{
    if (self_p && *self_p) {
        registry_server_t *self = *self_p;
        zloop_destroy (&self->loop);
        rpc_server_destroy (&self->rpc);
        registry_store_destroy (&self->store);
        free (self);
        *self_p = NULL;
    }
}

int
registry_server_run (registry_server_t *self)
{
    zloop_reader (self->loop, rpc_server_socket (self->rpc), s_on_request, self);
    zloop_timer (self->loop, REGISTRY_TICK_MS, 0, s_on_tick, self);
    zloop_start (self->loop);
    log_info ("registry stopping", "%s", "");
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
registry_server_actor (zsock_t *pipe, void *args)
{
    const config_t *config = args;
    char errstr[RPC_ERROR_BYTES_MAX] = "";
    registry_server_t *self = registry_server_new (config, errstr, sizeof errstr);
    if (!self) {
        log_error ("registry cannot start", "error=\"%s\"", errstr);
        zsock_signal (pipe, 1);
        return;
    }
    zloop_reader (self->loop, pipe, s_on_pipe, NULL);
    zsock_signal (pipe, 0);
    registry_server_run (self);
    registry_server_destroy (&self);
}
