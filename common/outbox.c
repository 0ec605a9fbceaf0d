#include "common/outbox.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "common/date.h"
#include "common/log.h"
#include "common/store.h"

// Rows are never deleted, so "INTEGER PRIMARY KEY" (max + 1) numbers them without gaps.
static const char *s_schema
    = "CREATE TABLE IF NOT EXISTS outbox ("
      "  seq INTEGER PRIMARY KEY, topic TEXT NOT NULL, type TEXT NOT NULL,"
      "  at_ms INTEGER NOT NULL, body BLOB NOT NULL);"
      // Readers read by seq; a topic index (an older version's) only slows every append.
      "DROP INDEX IF EXISTS outbox_topic;";

struct outbox_t {
    sqlite3 *db;
    zsock_t *pub;
    sqlite3_stmt *insert;
    sqlite3_stmt *after;      // rows with seq >= ?, in order
    sqlite3_stmt *unsent;     // rows with seq > ?, with their topics, in order
    uint64_t head_seq;        // newest appended, committed or not
    uint64_t published_seq;   // newest sent on pub
    // The messages of the open transaction's appends, ready to send once it commits, so that
    // publishing reads nothing back from disk. Seqs published_seq + 1 ... in order; bounded by
    // OUTBOX_PENDING_MAX (past it, publish reads the rest from the table).
    zlistx_t *pending;
    uint64_t pending_first_seq;
};

static uint64_t
s_head_on_disk (sqlite3 *db)
{
    sqlite3_stmt *statement = NULL;
    uint64_t head = 0;
    if (sqlite3_prepare_v2 (db, "SELECT COALESCE(MAX(seq), 0) FROM outbox", -1, &statement,
                            NULL) == SQLITE_OK
        && sqlite3_step (statement) == SQLITE_ROW)
        head = (uint64_t) sqlite3_column_int64 (statement, 0);
    sqlite3_finalize (statement);
    return head;
}

outbox_t *
outbox_new (sqlite3 *db, const char *endpoint)
{
    assert (db && endpoint);
    if (store_exec (db, s_schema))
        return NULL;
    outbox_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->db = db;
    self->insert = store_prepare (db, "INSERT INTO outbox (topic, type, at_ms, body) "
                                      "VALUES (?, ?, ?, ?)");
    self->after = store_prepare (db, "SELECT seq, type, at_ms, body FROM outbox "
                                     "WHERE seq >= ? ORDER BY seq LIMIT ?");
    self->unsent = store_prepare (db, "SELECT seq, topic, type, at_ms, body FROM outbox "
                                      "WHERE seq > ? ORDER BY seq");
    self->pub = zsock_new (ZMQ_PUB);
    self->pending = zlistx_new ();
    if (self->pending)
        zlistx_set_destructor (self->pending, (zlistx_destructor_fn *) zmsg_destroy);
    if (!self->pending || !self->insert || !self->after || !self->unsent || !self->pub) {
        outbox_destroy (&self);
        return NULL;
    }
    zsock_set_linger (self->pub, 0);
    zsock_set_sndhwm (self->pub, ZMQ_HWM_MESSAGES);
    if (zsock_bind (self->pub, "%s", endpoint) == -1) {
        log_error ("cannot bind", "endpoint=%s error=\"%s\"", endpoint,
                   zmq_strerror (zmq_errno ()));
        outbox_destroy (&self);
        return NULL;
    }
    // What is on disk at start was published before, or will be found by subscribers through
    // the heartbeat and Replay: either way it is not sent again here.
    self->head_seq = s_head_on_disk (db);
    self->published_seq = self->head_seq;
    return self;
}

void
outbox_destroy (outbox_t **self_p)
{
    if (self_p && *self_p) {
        outbox_t *self = *self_p;
        sqlite3_finalize (self->insert);
        sqlite3_finalize (self->after);
        sqlite3_finalize (self->unsent);
        zlistx_destroy (&self->pending);
        zsock_destroy (&self->pub);
        free (self);
        *self_p = NULL;
    }
}

static zmsg_t *
s_message (const char *topic, const Shanhai__V1__Event *event)
{
    size_t size = shanhai__v1__event__get_packed_size (event);
    zframe_t *frame = zframe_new (NULL, size);
    zmsg_t *msg = frame ? zmsg_new () : NULL;
    if (!msg) {
        zframe_destroy (&frame);
        return NULL;
    }
    shanhai__v1__event__pack (event, zframe_data (frame));
    zmsg_addstr (msg, topic);
    zmsg_append (msg, &frame);
    return msg;
}

// Keeps the message of an append for the publish after the commit, while the pending ones
// run without a gap from the first unpublished seq (anything else is read from the table).
static void
s_keep (outbox_t *self, const char *topic, const char *type, uint64_t seq, int64_t at_ms,
        const uint8_t *body, size_t size)
{
    size_t count = zlistx_size (self->pending);
    if (count == 0)
        self->pending_first_seq = seq;
    if (count >= OUTBOX_PENDING_MAX || self->pending_first_seq + count != seq)
        return;
    Shanhai__V1__Event event = SHANHAI__V1__EVENT__INIT;
    event.seq = seq;
    event.type = (char *) type;
    event.at_ms = at_ms;
    event.body.data = (uint8_t *) body;
    event.body.len = size;
    zmsg_t *msg = s_message (topic, &event);
    if (msg)
        zlistx_add_end (self->pending, msg);
}

int64_t
outbox_append (outbox_t *self, const char *topic, const char *type,
               const ProtobufCMessage *body)
{
    assert (topic && type && body);
    assert (strlen (topic) < TOPIC_BYTES_MAX);
    assert (!sqlite3_get_autocommit (self->db));  // inside the caller's transaction
    size_t size = protobuf_c_message_get_packed_size (body);
    uint8_t *packed = malloc (size ? size : 1);
    if (!packed)
        return -1;
    protobuf_c_message_pack (body, packed);
    int64_t at_ms = date_now_ms ();
    sqlite3_reset (self->insert);
    sqlite3_bind_text (self->insert, 1, topic, -1, SQLITE_STATIC);
    sqlite3_bind_text (self->insert, 2, type, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (self->insert, 3, at_ms);
    sqlite3_bind_blob (self->insert, 4, packed, (int) size, SQLITE_STATIC);
    int rc = sqlite3_step (self->insert);
    sqlite3_reset (self->insert);
    if (rc != SQLITE_DONE) {
        free (packed);
        log_error ("outbox append failed", "topic=%s error=\"%s\"", topic,
                   sqlite3_errmsg (self->db));
        return -1;
    }
    int64_t seq = sqlite3_last_insert_rowid (self->db);
    assert ((uint64_t) seq == self->head_seq + 1);
    self->head_seq = (uint64_t) seq;
    s_keep (self, topic, type, (uint64_t) seq, at_ms, packed, size);
    free (packed);
    return seq;
}

void
outbox_rollback (outbox_t *self)
{
    self->head_seq = s_head_on_disk (self->db);
    zlistx_purge (self->pending);
}

uint64_t
outbox_head (outbox_t *self)
{
    return self->head_seq;
}

static void
s_send (zsock_t *pub, const char *topic, const Shanhai__V1__Event *event)
{
    zmsg_t *msg = s_message (topic, event);
    // A PUB socket never blocks: at the high-water mark it drops, and replay repairs that.
    if (msg && zmsg_send (&msg, pub) != 0)
        zmsg_destroy (&msg);
}

// Sends the kept messages of the committed transaction. Returns how many.
static int
s_publish_kept (outbox_t *self)
{
    int published = 0;
    if (zlistx_size (self->pending) > 0 && self->pending_first_seq == self->published_seq + 1) {
        zmsg_t *msg;
        while ((msg = zlistx_detach (self->pending, NULL))) {
            if (zmsg_send (&msg, self->pub) != 0)
                zmsg_destroy (&msg);
            self->published_seq++;
            published++;
        }
    }
    zlistx_purge (self->pending);
    return published;
}

int
outbox_publish (outbox_t *self)
{
    int published = s_publish_kept (self);
    if (self->published_seq >= self->head_seq)
        return published;
    sqlite3_stmt *select = self->unsent;
    sqlite3_reset (select);
    sqlite3_bind_int64 (select, 1, (int64_t) self->published_seq);
    int rc;
    while ((rc = sqlite3_step (select)) == SQLITE_ROW) {
        Shanhai__V1__Event event = SHANHAI__V1__EVENT__INIT;
        event.seq = (uint64_t) sqlite3_column_int64 (select, 0);
        event.type = (char *) sqlite3_column_text (select, 2);
        event.at_ms = sqlite3_column_int64 (select, 3);
        event.body.data = (uint8_t *) sqlite3_column_blob (select, 4);
        event.body.len = (size_t) sqlite3_column_bytes (select, 4);
        s_send (self->pub, (const char *) sqlite3_column_text (select, 1), &event);
        self->published_seq = event.seq;
        published++;
    }
    sqlite3_reset (select);
    if (rc != SQLITE_DONE) {
        log_error ("outbox read failed", "error=\"%s\"", sqlite3_errmsg (self->db));
        return -1;
    }
    return published;
}

void
outbox_heartbeat (outbox_t *self)
{
    // Called between transactions, so the head is what is committed, published or not: a
    // subscriber learns of rows a crash kept from being sent.
    assert (sqlite3_get_autocommit (self->db));
    Shanhai__V1__Event event = SHANHAI__V1__EVENT__INIT;
    event.seq = self->head_seq;
    event.type = "_head";
    event.at_ms = date_now_ms ();
    s_send (self->pub, "_head", &event);
}

// Frees what s_replay_read built.
static void
s_replay_free (Shanhai__V1__ReplayReply *reply)
{
    for (size_t index = 0; index < reply->n_events; index++) {
        free (reply->events[index]->type);
        free (reply->events[index]->body.data);
        free (reply->events[index]);
    }
    free (reply->events);
}

static int
s_replay_read (outbox_t *self, uint64_t from_seq, uint32_t max_events,
               Shanhai__V1__ReplayReply *reply)
{
    reply->events = calloc (max_events, sizeof *reply->events);
    if (!reply->events)
        return -1;
    sqlite3_reset (self->after);
    sqlite3_bind_int64 (self->after, 1, (int64_t) from_seq);
    sqlite3_bind_int (self->after, 2, (int) max_events);
    int rc;
    while ((rc = sqlite3_step (self->after)) == SQLITE_ROW) {
        Shanhai__V1__Event *event = malloc (sizeof *event);
        size_t size = (size_t) sqlite3_column_bytes (self->after, 3);
        if (!event)
            break;
        shanhai__v1__event__init (event);
        event->seq = (uint64_t) sqlite3_column_int64 (self->after, 0);
        event->type = strdup ((const char *) sqlite3_column_text (self->after, 1));
        event->at_ms = sqlite3_column_int64 (self->after, 2);
        event->body.data = malloc (size ? size : 1);
        event->body.len = size;
        reply->events[reply->n_events++] = event;
        if (!event->type || !event->body.data)
            break;
        memcpy (event->body.data, sqlite3_column_blob (self->after, 3), size);
    }
    sqlite3_reset (self->after);
    return rc == SQLITE_DONE ? 0 : -1;
}

void
outbox_replay_handler (void *state, const rpc_call_t *call, rpc_reply_t *reply)
{
    outbox_t *self = state;
    Shanhai__V1__ReplayRequest *request = (Shanhai__V1__ReplayRequest *) rpc_call_decode (
        call, &shanhai__v1__replay_request__descriptor, reply);
    if (!request)
        return;
    uint32_t max_events = request->max_events;
    if (max_events == 0 || max_events > REPLAY_EVENTS_MAX)
        max_events = REPLAY_EVENTS_MAX;
    uint64_t from_seq = request->from_seq ? request->from_seq : 1;
    shanhai__v1__replay_request__free_unpacked (request, NULL);

    Shanhai__V1__ReplayReply message = SHANHAI__V1__REPLAY_REPLY__INIT;
    // Handlers run between transactions: every row is committed, and the head is the newest.
    assert (sqlite3_get_autocommit (self->db));
    message.head_seq = self->head_seq;
    if (s_replay_read (self, from_seq, max_events, &message) == 0)
        rpc_reply_set_body (reply, &message.base);
    else
        rpc_reply_error (reply, RPC_INTERNAL, "cannot read the outbox: %s",
                         sqlite3_errmsg (self->db));
    s_replay_free (&message);
}
