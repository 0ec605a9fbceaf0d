#include "delivery.h"

#include <assert.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include "channel_message.h"
#include "common/answer_json.h"
#include "common/date.h"
#include "common/log.h"

// What is kept of a reply's body: a robot's {"errcode": ..., "errmsg": ...} is under 200 bytes.
#define S_REPLY_BYTES_MAX 2048
// The rate's window: DELIVERY_MESSAGES_PER_MINUTE_MAX messages in any such span.
#define S_MINUTE_MS 60000

// One message in flight: the request, its attempts, the reply as it comes.
typedef struct {
    char channel[ID_BYTES_MAX];
    char type[16];
    CURL *easy;
    struct curl_slist *headers;
    channel_request_t request;
    char reply[S_REPLY_BYTES_MAX];
    size_t reply_size;
    char error[CURL_ERROR_SIZE];
    notification_delivery_t *rows;  // the attempts the message carries
    size_t row_count;
} s_transfer_t;

// What the delivery remembers of a channel: the starts of its last messages, and the one in
// flight.
typedef struct {
    int64_t started_ms[DELIVERY_MESSAGES_PER_MINUTE_MAX];  // zclock_mono; a ring, 0 unused
    size_t next;
    s_transfer_t *transfer;
    bool held;  // alerts wait for the rate: said once, until a message starts again
} s_channel_t;

struct delivery_t {
    notification_store_t *store;
    const registry_replica_t *registry;
    const alert_template_t *templates;
    delivery_settings_t settings;
    CURLM *multi;
    zhashx_t *channels;  // channel id -> s_channel_t
    size_t in_flight;
    zloop_t *loop;
    int timer_id;        // the poll timer while transfers are in flight, else -1
    notification_delivery_t *scratch;  // DELIVERIES_LIST_MAX rows, for one query at a time
    char (*due)[ID_BYTES_MAX];         // REGISTRY_CHANNELS_MAX channel ids
};

static void
s_channel_destroy (void **item)
{
    free (*item);
    *item = NULL;
}

delivery_t *
delivery_new (notification_store_t *store, const registry_replica_t *registry,
              const alert_template_t *templates, const delivery_settings_t *settings)
{
    assert (store && registry && templates && settings);
    assert (settings->attempts >= 1 && settings->attempts < DELIVERY_ATTEMPTS_MAX);
    assert (settings->backoff_ms > 0 && settings->window_ms >= 0);
    if (curl_global_init (CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        log_error ("libcurl cannot start", "%s", "");
        return NULL;
    }
    delivery_t *self = calloc (1, sizeof *self);
    if (!self) {
        curl_global_cleanup ();
        return NULL;
    }
    *self = (delivery_t) { .store = store, .registry = registry, .templates = templates,
                           .settings = *settings, .timer_id = -1 };
    self->multi = curl_multi_init ();
    self->channels = zhashx_new ();
    self->scratch = calloc (DELIVERIES_LIST_MAX, sizeof *self->scratch);
    self->due = calloc (REGISTRY_CHANNELS_MAX, sizeof *self->due);
    if (!self->multi || !self->channels || !self->scratch || !self->due) {
        delivery_destroy (&self);
        return NULL;
    }
    zhashx_set_destructor (self->channels, s_channel_destroy);
    return self;
}

static void
s_transfer_destroy (delivery_t *self, s_transfer_t **transfer_p)
{
    s_transfer_t *transfer = *transfer_p;
    if (!transfer)
        return;
    if (transfer->easy) {
        curl_multi_remove_handle (self->multi, transfer->easy);
        curl_easy_cleanup (transfer->easy);
    }
    curl_slist_free_all (transfer->headers);
    channel_request_clear (&transfer->request);
    free (transfer->rows);
    free (transfer);
    *transfer_p = NULL;
}

void
delivery_destroy (delivery_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    delivery_t *self = *self_p;
    int64_t deadline_ms = zclock_mono () + DELIVERY_DRAIN_MS;
    while (self->multi && self->in_flight > 0 && zclock_mono () < deadline_ms) {
        curl_multi_poll (self->multi, NULL, 0, DELIVERY_POLL_MS, NULL);
        delivery_poll (self);
    }
    if (self->in_flight > 0)
        log_warn ("stopping with messages in flight: they stay pending", "messages=%zu",
                  self->in_flight);
    if (self->loop && self->timer_id != -1)
        zloop_timer_end (self->loop, self->timer_id);
    for (s_channel_t *channel = self->channels ? zhashx_first (self->channels) : NULL; channel;
         channel = zhashx_next (self->channels))
        s_transfer_destroy (self, &channel->transfer);
    zhashx_destroy (&self->channels);
    if (self->multi)
        curl_multi_cleanup (self->multi);
    free (self->scratch);
    free (self->due);
    free (self);
    curl_global_cleanup ();
    *self_p = NULL;
}

void
delivery_attach (delivery_t *self, zloop_t *loop)
{
    self->loop = loop;
}

size_t
delivery_in_flight (const delivery_t *self)
{
    return self->in_flight;
}

int
delivery_enqueue (delivery_t *self, const Shanhai__V1__Alert *alert, const char *program,
                  const char *line)
{
    assert (self && alert && alert->id > 0 && program && line);
    const registry_view_t *view = registry_replica_view (self->registry);
    size_t count = view ? registry_view_channels (view, alert->person, program, NULL, 0) : 0;
    if (count == 0)
        return 0;
    const Shanhai__V1__Channel **channels = calloc (count, sizeof *channels);
    if (!channels)
        return -1;
    registry_view_channels (view, alert->person, program, channels, count);
    int64_t now_ms = date_now_ms ();
    int rc = notification_store_line_set (self->store, alert->id, line) ? -1 : 0;
    for (size_t index = 0; index < count && rc == 0; index++) {
        notification_delivery_t delivery = {
            .alert = alert->id, .attempt = 1, .status = NOTIFICATION_DELIVERY_PENDING,
            .at_ms = now_ms, .next_at_ms = now_ms + self->settings.window_ms };
        snprintf (delivery.channel, sizeof delivery.channel, "%s", channels[index]->id);
        notification_store_result_t result
            = notification_store_delivery_add (self->store, &delivery);
        if (result != NOTIFICATION_STORE_OK && result != NOTIFICATION_STORE_CONFLICT)
            rc = -1;
    }
    free (channels);
    return rc == 0 ? (int) count : -1;
}

// The delay before attempt + 1 after attempt failed: backoff doubled per attempt, capped,
// plus jitter (a fraction of it, the same for every attempt of one message).
static int64_t
s_backoff_ms (const delivery_t *self, uint32_t attempt, double jitter)
{
    int64_t delay_ms = self->settings.backoff_ms;
    for (uint32_t step = 1; step < attempt && delay_ms < DELIVERY_BACKOFF_MAX_MS; step++)
        delay_ms *= 2;
    if (delay_ms > DELIVERY_BACKOFF_MAX_MS)
        delay_ms = DELIVERY_BACKOFF_MAX_MS;
    return delay_ms + (int64_t) ((double) delay_ms * jitter / 2);
}

// Records one row's outcome (inside the caller's transaction). Returns 0 or -1.
// give_up: no further attempt whatever the count (the channel left the registry).
static int
s_finish_row (delivery_t *self, const notification_delivery_t *row, bool accepted,
              bool give_up, const char *result, int64_t now_ms, double jitter)
{
    bool last = give_up || (int) row->attempt >= self->settings.attempts;
    notification_delivery_status_t status
        = accepted ? NOTIFICATION_DELIVERY_SENT
                   : (last ? NOTIFICATION_DELIVERY_DEAD : NOTIFICATION_DELIVERY_FAILED);
    int64_t next_at_ms = status == NOTIFICATION_DELIVERY_FAILED
                             ? now_ms + s_backoff_ms (self, row->attempt, jitter)
                             : 0;
    notification_store_result_t outcome = notification_store_delivery_finish (
        self->store, row->id, status, result, now_ms, next_at_ms);
    if (outcome == NOTIFICATION_STORE_NOT_FOUND)
        return 0;  // not pending any more: finished by someone else, nothing to add
    if (outcome != NOTIFICATION_STORE_OK)
        return -1;
    if (status == NOTIFICATION_DELIVERY_DEAD)
        log_warn ("delivery dead", "channel=%s alert=%llu attempts=%u result=\"%s\"",
                  row->channel, (unsigned long long) row->alert, row->attempt, result);
    if (status != NOTIFICATION_DELIVERY_FAILED)
        return 0;
    notification_delivery_t retry = { .alert = row->alert, .attempt = row->attempt + 1,
                                      .status = NOTIFICATION_DELIVERY_PENDING, .at_ms = now_ms,
                                      .next_at_ms = next_at_ms };
    memcpy (retry.channel, row->channel, sizeof retry.channel);
    outcome = notification_store_delivery_add (self->store, &retry);
    return outcome == NOTIFICATION_STORE_OK || outcome == NOTIFICATION_STORE_CONFLICT ? 0 : -1;
}

// Records the outcome of every attempt of a message in one transaction.
static void
s_finish (delivery_t *self, const notification_delivery_t *rows, size_t count, bool accepted,
          bool give_up, const char *result)
{
    int64_t now_ms = date_now_ms ();
    double jitter = (double) random () / (double) RAND_MAX;
    if (notification_store_begin (self->store))
        return;  // logged; the attempts stay pending and go again
    int rc = 0;
    for (size_t index = 0; index < count && rc == 0; index++)
        rc = s_finish_row (self, &rows[index], accepted, give_up, result, now_ms, jitter);
    if (rc || notification_store_commit (self->store)) {
        notification_store_rollback (self->store);
        log_error ("delivery outcome not recorded: the attempts stay pending", "channel=%s",
                   count ? rows[0].channel : "");
        return;
    }
    log_info (accepted ? "delivered" : "delivery failed", "channel=%s alerts=%zu result=\"%s\"",
              count ? rows[0].channel : "", count, result);
}

// What a message is made of: the pending attempts of one channel with their alerts and lines.
typedef struct {
    notification_delivery_t *rows;  // self->scratch
    size_t row_count;
    char **lines;                   // per row: its line (owned)
    const char **mobiles;           // per row: its person's mobile ("" for none; the view's)
    json_t **alerts;                // per row: the alert's JSON (owned)
    const char **distinct;          // the distinct lines, in the rows' order (borrowed)
    size_t *line_of;                // per row: the index of its line in distinct
    size_t distinct_count;
} s_batch_t;

static void
s_batch_clear (s_batch_t *batch)
{
    for (size_t index = 0; batch->lines && index < batch->row_count; index++) {
        free (batch->lines[index]);
        json_decref (batch->alerts[index]);
    }
    free (batch->lines);
    free (batch->mobiles);
    free (batch->alerts);
    free (batch->distinct);
    free (batch->line_of);
    memset (batch, 0, sizeof *batch);
}

// Reads each row's alert, line and mobile, and finds the distinct lines. Returns 0 or -1.
static int
s_batch_load (delivery_t *self, const registry_view_t *view, s_batch_t *batch)
{
    size_t count = batch->row_count;
    batch->lines = calloc (count, sizeof *batch->lines);
    batch->mobiles = calloc (count, sizeof *batch->mobiles);
    batch->alerts = calloc (count, sizeof *batch->alerts);
    batch->distinct = calloc (count, sizeof *batch->distinct);
    batch->line_of = calloc (count, sizeof *batch->line_of);
    if (!batch->lines || !batch->mobiles || !batch->alerts || !batch->distinct
        || !batch->line_of)
        return -1;
    char line[CHANNEL_LINE_BYTES_MAX];
    for (size_t index = 0; index < count; index++) {
        bool failed = false;
        Shanhai__V1__Alert *alert
            = notification_store_alert_find (self->store, batch->rows[index].alert, &failed);
        if (!alert)
            return -1;  // the deliveries table refers to its alerts: a read error
        const Shanhai__V1__Person *person = registry_view_person (view, alert->person);
        batch->mobiles[index] = person && person->mobile ? person->mobile : "";
        // An alert made before the channels existed has no line: its text stands in.
        if (notification_store_line (self->store, alert->id, line, sizeof line))
            snprintf (line, sizeof line, "%s", alert->text);
        batch->lines[index] = strdup (line);
        batch->alerts[index] = answer_json_alert (alert);
        shanhai__v1__alert__free_unpacked (alert, NULL);
        if (!batch->lines[index] || !batch->alerts[index])
            return -1;
        size_t at = 0;
        while (at < batch->distinct_count && strcmp (batch->distinct[at], line) != 0)
            at++;
        if (at == batch->distinct_count)
            batch->distinct[batch->distinct_count++] = batch->lines[index];
        batch->line_of[index] = at;
    }
    return 0;
}

// libcurl's write callback: keeps the start of the reply, enough for a robot's errcode.
static size_t
s_on_reply (char *data, size_t size, size_t count, void *arg)
{
    s_transfer_t *transfer = arg;
    size_t room = sizeof transfer->reply - 1 - transfer->reply_size;
    size_t take = size * count < room ? size * count : room;
    memcpy (transfer->reply + transfer->reply_size, data, take);
    transfer->reply_size += take;
    transfer->reply[transfer->reply_size] = '\0';
    return size * count;
}

// The distinct mobiles of the chosen rows, at most DELIVERY_MENTIONS_MAX.
static size_t
s_mentions (const s_batch_t *batch, const bool *chosen, const char **mobiles)
{
    size_t count = 0;
    for (size_t index = 0; index < batch->row_count && count < DELIVERY_MENTIONS_MAX; index++) {
        const char *mobile = batch->mobiles[index];
        bool seen = !chosen[index] || !*mobile;
        for (size_t at = 0; at < count && !seen; at++)
            seen = strcmp (mobiles[at], mobile) == 0;
        if (!seen)
            mobiles[count++] = mobile;
    }
    return count;
}

// Which rows one message carries (chosen), and their alerts' JSON into alerts. Returns how
// many items the message lists: lines for a robot, alerts for a webhook.
static size_t
s_choose (const delivery_t *self, const Shanhai__V1__Channel *channel, const s_batch_t *batch,
          bool *chosen, json_t *alerts, size_t *row_count)
{
    bool webhook = strcmp (channel->type, "webhook") == 0;
    char probe[NAME_BYTES_MAX * 2];
    alert_template_digest (self->templates, DELIVERY_MESSAGE_ALERTS_MAX, probe, sizeof probe);
    size_t title_bytes = strlen (alert_template_title (self->templates)) + strlen (probe) + 8;
    char *title = calloc (1, title_bytes + 1);
    if (title)
        memset (title, 'x', title_bytes);  // only its length counts
    size_t fit = channel_message_fit (channel->type, title ? title : "", batch->distinct,
                                      webhook ? batch->row_count : batch->distinct_count);
    free (title);
    *row_count = 0;
    for (size_t index = 0; index < batch->row_count; index++) {
        chosen[index] = webhook ? index < fit : batch->line_of[index] < fit;
        if (chosen[index]) {
            (*row_count)++;
            json_array_append (alerts, batch->alerts[index]);
        }
    }
    return fit;
}

// Sets up libcurl's handle of transfer. Returns 0 or -1.
static int
s_transfer_easy (s_transfer_t *transfer)
{
    transfer->easy = curl_easy_init ();
    if (!transfer->easy)
        return -1;
    for (size_t index = 0; index < transfer->request.header_count; index++) {
        struct curl_slist *headers
            = curl_slist_append (transfer->headers, transfer->request.headers[index]);
        if (!headers)
            return -1;
        transfer->headers = headers;
    }
    CURL *easy = transfer->easy;
    curl_easy_setopt (easy, CURLOPT_URL, transfer->request.url);
    curl_easy_setopt (easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt (easy, CURLOPT_POSTFIELDS, transfer->request.body);
    curl_easy_setopt (easy, CURLOPT_POSTFIELDSIZE, (long) strlen (transfer->request.body));
    curl_easy_setopt (easy, CURLOPT_HTTPHEADER, transfer->headers);
    curl_easy_setopt (easy, CURLOPT_TIMEOUT_MS, (long) DELIVERY_TIMEOUT_MS);
    curl_easy_setopt (easy, CURLOPT_CONNECTTIMEOUT_MS, (long) DELIVERY_CONNECT_TIMEOUT_MS);
    curl_easy_setopt (easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt (easy, CURLOPT_USERAGENT, "shanhai");
    curl_easy_setopt (easy, CURLOPT_WRITEFUNCTION, s_on_reply);
    curl_easy_setopt (easy, CURLOPT_WRITEDATA, transfer);
    curl_easy_setopt (easy, CURLOPT_ERRORBUFFER, transfer->error);
    curl_easy_setopt (easy, CURLOPT_PRIVATE, transfer);
    return 0;
}

// Builds the transfer of one message of channel from batch. Returns it, or NULL (logged).
static s_transfer_t *
s_transfer_new (delivery_t *self, const Shanhai__V1__Channel *channel, const s_batch_t *batch)
{
    s_transfer_t *transfer = calloc (1, sizeof *transfer);
    bool *chosen = calloc (batch->row_count, sizeof *chosen);
    const char **mobiles = calloc (DELIVERY_MENTIONS_MAX, sizeof *mobiles);
    json_t *alerts = json_array ();
    int rc = transfer && chosen && mobiles && alerts ? 0 : -1;
    size_t items = 0;
    if (rc == 0) {
        items = s_choose (self, channel, batch, chosen, alerts, &transfer->row_count);
        transfer->rows = calloc (transfer->row_count, sizeof *transfer->rows);
        rc = transfer->rows ? 0 : -1;
    }
    for (size_t index = 0, at = 0; rc == 0 && index < batch->row_count; index++)
        if (chosen[index])
            transfer->rows[at++] = batch->rows[index];
    if (rc == 0) {
        char digest[NAME_BYTES_MAX], title[NAME_BYTES_MAX * 2];
        alert_template_digest (self->templates, items, digest, sizeof digest);
        snprintf (title, sizeof title, "%s · %s", alert_template_title (self->templates),
                  digest);
        snprintf (transfer->channel, sizeof transfer->channel, "%s", channel->id);
        snprintf (transfer->type, sizeof transfer->type, "%s", channel->type);
        rc = channel_message_build (channel, title, batch->distinct, items, mobiles,
                                    s_mentions (batch, chosen, mobiles), alerts,
                                    date_now_ms (), &transfer->request);
    }
    if (rc == 0)
        rc = s_transfer_easy (transfer);
    json_decref (alerts);
    free (mobiles);
    free (chosen);
    if (rc) {
        log_error ("a message could not be built", "channel=%s", channel->id);
        s_transfer_destroy (self, &transfer);
    }
    return transfer;
}

// A channel first seen by this process remembers the messages it finished in the last
// minute (from the log), so that a restart does not give it a fresh minute.
static void
s_channel_remember (delivery_t *self, const char *id, s_channel_t *channel)
{
    int64_t now_ms = date_now_ms (), mono_ms = zclock_mono ();
    int64_t finished_ms[DELIVERY_MESSAGES_PER_MINUTE_MAX];
    int count = notification_store_channel_finished (self->store, id, now_ms - S_MINUTE_MS,
                                                     finished_ms,
                                                     DELIVERY_MESSAGES_PER_MINUTE_MAX);
    // Oldest first into the ring, on the monotonic clock.
    for (int index = count - 1; index >= 0; index--) {
        int64_t age_ms = now_ms - finished_ms[index];
        channel->started_ms[channel->next] = mono_ms - (age_ms > 0 ? age_ms : 0);
        if (channel->started_ms[channel->next] == 0)
            channel->started_ms[channel->next] = 1;  // 0 means unused
        channel->next = (channel->next + 1) % DELIVERY_MESSAGES_PER_MINUTE_MAX;
    }
}

static s_channel_t *
s_channel (delivery_t *self, const char *id)
{
    s_channel_t *channel = zhashx_lookup (self->channels, id);
    if (!channel && (channel = calloc (1, sizeof *channel))) {
        zhashx_insert (self->channels, id, channel);
        s_channel_remember (self, id, channel);
    }
    return channel;
}

// True when channel may start a message now: fewer than the rate's messages started in the
// last minute (the ring's oldest start is a minute old, or unused).
static bool
s_has_room (const s_channel_t *channel, int64_t mono_ms)
{
    int64_t oldest_ms = channel->started_ms[channel->next];
    return oldest_ms == 0 || mono_ms - oldest_ms >= S_MINUTE_MS;
}

static int
s_on_poll (zloop_t *loop, int timer_id, void *arg)
{
    delivery_poll (arg);
    return 0;
}

// Starts one message on channel id, which has an attempt due.
static void
s_start (delivery_t *self, const char *id, s_channel_t *state)
{
    notification_delivery_query_t query = { .channel = id,
                                            .status = NOTIFICATION_DELIVERY_PENDING };
    int count = notification_store_deliveries (self->store, &query, self->scratch,
                                               DELIVERIES_LIST_MAX);
    if (count <= 0)
        return;
    const registry_view_t *view = registry_replica_view (self->registry);
    const Shanhai__V1__Channel *channel = view ? registry_view_channel (view, id) : NULL;
    if (!channel) {
        s_finish (self, self->scratch, (size_t) count, false, true,
                  "the channel is no longer in the registry");
        return;
    }
    s_batch_t batch = { .rows = self->scratch, .row_count = (size_t) count };
    s_transfer_t *transfer = NULL;
    if (s_batch_load (self, view, &batch) == 0)
        transfer = s_transfer_new (self, channel, &batch);
    s_batch_clear (&batch);
    if (!transfer || curl_multi_add_handle (self->multi, transfer->easy) != CURLM_OK) {
        s_transfer_destroy (self, &transfer);
        return;  // logged; the attempts stay pending and the next tick tries again
    }
    state->transfer = transfer;
    state->started_ms[state->next] = zclock_mono ();
    state->next = (state->next + 1) % DELIVERY_MESSAGES_PER_MINUTE_MAX;
    self->in_flight++;
    if (self->loop && self->timer_id == -1)
        self->timer_id = zloop_timer (self->loop, DELIVERY_POLL_MS, 0, s_on_poll, self);
    log_debug ("message started", "channel=%s alerts=%zu", id, transfer->row_count);
}

void
delivery_tick (delivery_t *self)
{
    assert (self);
    int count = notification_store_channels_due (self->store, date_now_ms (), self->due,
                                                 REGISTRY_CHANNELS_MAX);
    int64_t mono_ms = zclock_mono ();
    for (int index = 0; index < count; index++) {
        const char *id = self->due[index];
        s_channel_t *state = s_channel (self, id);
        if (!state || state->transfer)
            continue;
        if (s_has_room (state, mono_ms)) {
            state->held = false;
            s_start (self, id, state);
        } else if (!state->held) {
            state->held = true;
            log_info ("channel at its rate: alerts wait", "channel=%s messages_per_minute=%d",
                      id, DELIVERY_MESSAGES_PER_MINUTE_MAX);
        }
    }
}

// Records the reply of the transfer libcurl says is done.
static void
s_done (delivery_t *self, CURL *easy, CURLcode code)
{
    s_transfer_t *transfer = NULL;
    curl_easy_getinfo (easy, CURLINFO_PRIVATE, (char **) &transfer);
    assert (transfer);
    long http_code = 0;
    curl_easy_getinfo (easy, CURLINFO_RESPONSE_CODE, &http_code);
    char result[DELIVERY_RESULT_BYTES_MAX];
    bool accepted = false;
    if (code != CURLE_OK)
        snprintf (result, sizeof result, "%.200s",
                  *transfer->error ? transfer->error : curl_easy_strerror (code));
    else
        accepted = channel_message_accepted (transfer->type, http_code, transfer->reply,
                                             transfer->reply_size, result, sizeof result);
    s_finish (self, transfer->rows, transfer->row_count, accepted, false, result);
    s_channel_t *state = zhashx_lookup (self->channels, transfer->channel);
    assert (state && state->transfer == transfer);
    s_transfer_destroy (self, &state->transfer);
    self->in_flight--;
}

size_t
delivery_poll (delivery_t *self)
{
    assert (self);
    int running = 0;
    curl_multi_perform (self->multi, &running);
    CURLMsg *message;
    int queued;
    while ((message = curl_multi_info_read (self->multi, &queued)))
        if (message->msg == CURLMSG_DONE)
            s_done (self, message->easy_handle, message->data.result);
    if (self->in_flight == 0 && self->loop && self->timer_id != -1) {
        zloop_timer_end (self->loop, self->timer_id);
        self->timer_id = -1;
    }
    return self->in_flight;
}

notification_store_result_t
delivery_retry (delivery_t *self, uint64_t id, notification_delivery_t *added)
{
    assert (self && added);
    notification_delivery_query_t query = { .after_id = id > 0 ? id - 1 : 0 };
    int count = notification_store_deliveries (self->store, &query, self->scratch, 1);
    if (count < 0)
        return NOTIFICATION_STORE_FAILED;
    if (count == 0 || id == 0 || self->scratch[0].id != id)
        return NOTIFICATION_STORE_NOT_FOUND;
    notification_delivery_t row = self->scratch[0];
    if (row.status != NOTIFICATION_DELIVERY_DEAD)
        return NOTIFICATION_STORE_CONFLICT;
    if (row.attempt >= DELIVERY_ATTEMPTS_MAX)
        return NOTIFICATION_STORE_INVALID;
    int64_t now_ms = date_now_ms ();
    notification_delivery_t retry = { .alert = row.alert, .attempt = row.attempt + 1,
                                      .status = NOTIFICATION_DELIVERY_PENDING, .at_ms = now_ms,
                                      .next_at_ms = now_ms };
    memcpy (retry.channel, row.channel, sizeof retry.channel);
    notification_store_result_t result = notification_store_delivery_add (self->store, &retry);
    if (result == NOTIFICATION_STORE_OK)
        *added = retry;
    return result;
}
