#include "notification_store.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/date.h"
#include "common/errstr.h"
#include "common/log.h"
#include "common/store.h"
#include "common/validate.h"

_Static_assert (sizeof "alert." - 1 + (ID_BYTES_MAX - 1) + sizeof PROTO_TOPIC_TERMINATOR
                    <= TOPIC_BYTES_MAX,
                "an alert's topic fits any person id and its terminator");

// alerts.id is the outbox seq of the alert's publication. status and previous are the numbers
// of shanhai.v1.ComplianceStatus. scope, subject and period say whose rule and which period
// (empty in a row from before scopes, which was a pair's; s_upgrade_columns adds them to such
// a file). read_at_ms, acked_at_ms and acked_by stay NULL until set.
// alerts_unread holds only the unread rows: the unread count reads those, not the inbox.
//
// deliveries: one row per attempt; status is the name of a notification_delivery_status_t.
// next_at_ms is NULL when nothing is due. Each index serves a query: the UNIQUE one the
// deliveries of an alert (and of a person, through alerts_person), deliveries_channel and
// deliveries_status the log's filters in id order, deliveries_due the channels' next work,
// holding only the pending rows.
//
// channel_lines: what the channels say of an alert, rendered from the templates when the alert
// is made (the compliance change it comes from is not kept), one line per alert.
static const char *s_schema
    = "CREATE TABLE IF NOT EXISTS alerts ("
      "  id INTEGER PRIMARY KEY, person TEXT NOT NULL, pairing TEXT NOT NULL,"
      "  rule TEXT NOT NULL, year INTEGER NOT NULL, status INTEGER NOT NULL,"
      "  previous INTEGER NOT NULL, text TEXT NOT NULL, at_ms INTEGER NOT NULL,"
      "  read_at_ms INTEGER, acked_at_ms INTEGER, acked_by TEXT,"
      "  scope TEXT NOT NULL DEFAULT '', subject TEXT NOT NULL DEFAULT '',"
      "  period TEXT NOT NULL DEFAULT '',"
      "  CHECK ((acked_at_ms IS NULL) = (acked_by IS NULL)));"
      "CREATE INDEX IF NOT EXISTS alerts_person ON alerts (person, id);"
      "CREATE INDEX IF NOT EXISTS alerts_unread ON alerts (person, id)"
      "  WHERE read_at_ms IS NULL;"
      "CREATE TABLE IF NOT EXISTS deliveries ("
      "  id INTEGER PRIMARY KEY, alert INTEGER NOT NULL REFERENCES alerts (id),"
      "  channel TEXT NOT NULL, attempt INTEGER NOT NULL CHECK (attempt >= 1),"
      "  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'dead')),"
      "  result TEXT NOT NULL, at_ms INTEGER NOT NULL, next_at_ms INTEGER,"
      "  UNIQUE (alert, channel, attempt));"
      "CREATE INDEX IF NOT EXISTS deliveries_channel ON deliveries (channel, id);"
      "CREATE INDEX IF NOT EXISTS deliveries_status ON deliveries (status, id);"
      "CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (next_at_ms, id)"
      "  WHERE status = 'pending';"
      "CREATE TABLE IF NOT EXISTS channel_lines ("
      "  alert INTEGER PRIMARY KEY REFERENCES alerts (id), line TEXT NOT NULL);";

// The statements prepared once at open, by their index into s_sql.
enum {
    S_ALERT_INSERT,
    S_ALERT_LIST,
    S_ALERT_FIND,
    S_ALERT_STATE,
    S_ALERT_MARK_READ,
    S_ALERT_ACK,
    S_ALERT_UNREAD,
    S_ALERT_EXISTS,
    S_DELIVERY_INSERT,
    S_DELIVERY_FINISH,
    S_DELIVERIES_DUE,
    S_DELIVERIES_COUNT,
    S_LINE_INSERT,
    S_LINE_FIND,
    S_CHANNELS_DUE,
    S_CHANNEL_FINISHED,
    S_STATEMENTS
};

#define S_ALERT_COLUMNS \
    "id, person, pairing, rule, year, status, previous, text, at_ms, scope, subject, period"
#define S_DELIVERY_COLUMNS \
    "d.id, d.alert, d.channel, d.attempt, d.status, d.result, d.at_ms, d.next_at_ms"

static const char *s_sql[S_STATEMENTS] = {
    [S_ALERT_INSERT] = "INSERT INTO alerts (" S_ALERT_COLUMNS ") "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [S_ALERT_LIST] = "SELECT " S_ALERT_COLUMNS " FROM alerts WHERE person = ? AND id > ? "
                     "ORDER BY id LIMIT ?",
    [S_ALERT_FIND] = "SELECT " S_ALERT_COLUMNS " FROM alerts WHERE id = ?",
    [S_ALERT_STATE] = "SELECT read_at_ms, acked_at_ms, acked_by FROM alerts "
                      "WHERE id = ? AND person = ?",
    [S_ALERT_MARK_READ] = "UPDATE alerts SET read_at_ms = ?3 "
                          "WHERE person = ?1 AND id <= ?2 AND read_at_ms IS NULL",
    [S_ALERT_ACK] = "UPDATE alerts SET acked_at_ms = ?3, acked_by = ?4,"
                    " read_at_ms = COALESCE (read_at_ms, ?3) "
                    "WHERE id = ?1 AND person = ?2 AND acked_at_ms IS NULL",
    [S_ALERT_UNREAD] = "SELECT COUNT(*) FROM alerts WHERE person = ? AND read_at_ms IS NULL",
    [S_ALERT_EXISTS] = "SELECT 1 FROM alerts WHERE id = ?",
    [S_DELIVERY_INSERT] = "INSERT INTO deliveries (alert, channel, attempt, status, result,"
                          " at_ms, next_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
    [S_DELIVERY_FINISH] = "UPDATE deliveries SET status = ?2, result = ?3, at_ms = ?4,"
                          " next_at_ms = ?5 WHERE id = ?1 AND status = 'pending'",
    // Named: without statistics SQLite prefers deliveries_status and sorts every pending row;
    // deliveries_due holds only those, in the order asked for.
    [S_DELIVERIES_DUE] = "SELECT " S_DELIVERY_COLUMNS " FROM deliveries AS d "
                         "INDEXED BY deliveries_due "
                         "WHERE d.status = 'pending' AND d.next_at_ms <= ? "
                         "ORDER BY d.next_at_ms, d.id LIMIT ?",
    [S_DELIVERIES_COUNT] = "SELECT COUNT(*) FROM deliveries WHERE status = ?",
    [S_LINE_INSERT] = "INSERT OR REPLACE INTO channel_lines (alert, line) VALUES (?, ?)",
    [S_LINE_FIND] = "SELECT line FROM channel_lines WHERE alert = ?",
    // Only the pending rows (deliveries_due), however many one throttled channel holds.
    [S_CHANNELS_DUE] = "SELECT channel, MIN (next_at_ms) AS due FROM deliveries "
                       "INDEXED BY deliveries_due WHERE status = 'pending' AND next_at_ms <= ? "
                       "GROUP BY channel ORDER BY due, channel LIMIT ?",
    // The attempts of one message are finished together, with one at_ms.
    [S_CHANNEL_FINISHED] = "SELECT DISTINCT at_ms FROM deliveries WHERE channel = ?"
                           " AND status != 'pending' AND at_ms >= ? ORDER BY at_ms DESC LIMIT ?",
};

// The filters of notification_store_deliveries, as the bits of the index of its statement:
// one statement per combination, so that SQLite plans each with the index that fits it.
#define S_BY_CHANNEL 1
#define S_BY_PERSON 2
#define S_BY_STATUS 4
#define S_DELIVERY_QUERIES 8
// The longest of them, with room to spare.
#define S_DELIVERY_QUERY_BYTES_MAX 512

struct notification_store_t {
    sqlite3 *db;
    outbox_t *outbox;
    sqlite3_stmt *statements[S_STATEMENTS];         // in the order of s_sql
    sqlite3_stmt *queries[S_DELIVERY_QUERIES];      // by their S_BY_ bits
};

// The statement at index, reset and with its bindings cleared, ready to bind.
static sqlite3_stmt *
s_statement (notification_store_t *self, int index)
{
    assert (index >= 0 && index < S_STATEMENTS);
    sqlite3_stmt *statement = self->statements[index];
    sqlite3_reset (statement);
    sqlite3_clear_bindings (statement);
    return statement;
}

// Binds id at index. Ids are SQLite integers (int64): an id beyond them names no row and has
// none after it, so it binds NULL, which no comparison matches, rather than wrap to a negative
// number that would match every row.
static void
s_bind_id (sqlite3_stmt *statement, int index, uint64_t id)
{
    if (id > (uint64_t) INT64_MAX)
        sqlite3_bind_null (statement, index);
    else
        sqlite3_bind_int64 (statement, index, (int64_t) id);
}

// Prepares the delivery log's statements, one per combination of filters. Returns 0 or -1.
static int
s_prepare_queries (notification_store_t *self)
{
    for (int filters = 0; filters < S_DELIVERY_QUERIES; filters++) {
        char sql[S_DELIVERY_QUERY_BYTES_MAX];
        int length = snprintf (
            sql, sizeof sql,
            "SELECT " S_DELIVERY_COLUMNS " FROM deliveries AS d%s WHERE d.id > :after%s%s%s "
            "ORDER BY d.id LIMIT :limit",
            filters & S_BY_PERSON ? " JOIN alerts AS a ON a.id = d.alert" : "",
            filters & S_BY_CHANNEL ? " AND d.channel = :channel" : "",
            filters & S_BY_PERSON ? " AND a.person = :person" : "",
            filters & S_BY_STATUS ? " AND d.status = :status" : "");
        assert (length > 0 && (size_t) length < sizeof sql);
        if (!(self->queries[filters] = store_prepare (self->db, sql)))
            return -1;
    }
    return 0;
}

// Prepares every statement for the life of the handle. Returns 0 or -1 (logged).
static int
s_prepare (notification_store_t *self)
{
    for (int index = 0; index < S_STATEMENTS; index++)
        if (!(self->statements[index] = store_prepare (self->db, s_sql[index])))
            return -1;
    return s_prepare_queries (self);
}

// The scopes an alert may name, "" for one from before scopes (a pair's); and those whose
// alert names a pairing: the pair, the park's pairing.
static const char *s_scopes[] = { "", "pair", "park", "supporter", "recipient", "region",
                                  "program" };
#define S_SCOPES_WITH_PAIRING 3

// The first field of alert that the store refuses, or NULL when it takes them all. A pair's
// alert (and a park's) names its pairing, any other's none; one from before scopes has no
// subject and period, any other has both.
static const char *
s_alert_invalid_field (const Shanhai__V1__Alert *alert)
{
    size_t scope = 0;
    while (scope < sizeof s_scopes / sizeof s_scopes[0]
           && strcmp (alert->scope, s_scopes[scope]) != 0)
        scope++;
    if (!validate_id (alert->person))
        return "person";
    if (scope == sizeof s_scopes / sizeof s_scopes[0])
        return "scope";
    if (scope < S_SCOPES_WITH_PAIRING ? !validate_id (alert->pairing) : *alert->pairing != '\0')
        return "pairing";
    if (scope == 0 ? *alert->subject != '\0' : !validate_id (alert->subject))
        return "subject";
    if (scope == 0 ? *alert->period != '\0' : !validate_id (alert->period))
        return "period";
    if (!validate_id (alert->rule))
        return "rule";
    if (!date_year_is_valid (alert->year))
        return "year";
    if (alert->status == SHANHAI__V1__COMPLIANCE_STATUS__COMPLIANCE_NONE
        || !*compliance_status_name (alert->status))
        return "status";
    if (alert->previous != SHANHAI__V1__COMPLIANCE_STATUS__COMPLIANCE_NONE
        && !*compliance_status_name (alert->previous))
        return "previous";
    if (!validate_text (alert->text, ALERT_TEXT_BYTES_MAX, true))
        return "text";
    if (alert->at_ms < 0)
        return "at_ms";
    return NULL;
}

// Writes the alerts row of a checked alert under alert->id. Returns 0 or -1 (logged).
static int
s_alert_insert (notification_store_t *self, const Shanhai__V1__Alert *alert)
{
    assert (alert->id > 0 && alert->id <= (uint64_t) INT64_MAX);
    sqlite3_stmt *insert = s_statement (self, S_ALERT_INSERT);
    sqlite3_bind_int64 (insert, 1, (int64_t) alert->id);
    sqlite3_bind_text (insert, 2, alert->person, -1, SQLITE_STATIC);
    sqlite3_bind_text (insert, 3, alert->pairing, -1, SQLITE_STATIC);
    sqlite3_bind_text (insert, 4, alert->rule, -1, SQLITE_STATIC);
    sqlite3_bind_int (insert, 5, alert->year);
    sqlite3_bind_int (insert, 6, (int) alert->status);
    sqlite3_bind_int (insert, 7, (int) alert->previous);
    sqlite3_bind_text (insert, 8, alert->text, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (insert, 9, alert->at_ms);
    sqlite3_bind_text (insert, 10, alert->scope, -1, SQLITE_STATIC);
    sqlite3_bind_text (insert, 11, alert->subject, -1, SQLITE_STATIC);
    sqlite3_bind_text (insert, 12, alert->period, -1, SQLITE_STATIC);
    int rc = sqlite3_step (insert);
    sqlite3_reset (insert);
    if (rc != SQLITE_DONE) {
        log_error ("alert write failed", "id=%llu person=%s error=\"%s\"",
                   (unsigned long long) alert->id, alert->person, sqlite3_errmsg (self->db));
        return -1;
    }
    return 0;
}

// The integer the single-row query sql returns, or -1 (logged).
static int64_t
s_query_integer (sqlite3 *db, const char *sql)
{
    sqlite3_stmt *select = NULL;
    int64_t value = -1;
    if (sqlite3_prepare_v2 (db, sql, -1, &select, NULL) == SQLITE_OK
        && sqlite3_step (select) == SQLITE_ROW)
        value = sqlite3_column_int64 (select, 0);
    else
        log_error ("read failed", "sql=\"%.60s\" error=\"%s\"", sql, sqlite3_errmsg (db));
    sqlite3_finalize (select);
    return value;
}

// Copies the outbox row of an old alert (seq, at_ms, body) into the alerts table. Returns 1
// when copied, 0 when the row is skipped (logged: it cannot be an inbox's), -1 on a write error.
static int
s_upgrade_row (notification_store_t *self, sqlite3_stmt *select)
{
    uint64_t seq = (uint64_t) sqlite3_column_int64 (select, 0);
    size_t size = (size_t) sqlite3_column_bytes (select, 2);
    const uint8_t *body = sqlite3_column_blob (select, 2);
    Shanhai__V1__Alert *alert = shanhai__v1__alert__unpack (NULL, size, body);
    if (alert && alert->at_ms == 0)
        alert->at_ms = sqlite3_column_int64 (select, 1);
    const char *field = alert ? s_alert_invalid_field (alert) : "body";
    if (field) {
        log_error ("old alert skipped", "seq=%llu field=%s", (unsigned long long) seq, field);
        if (alert)
            shanhai__v1__alert__free_unpacked (alert, NULL);
        return 0;
    }
    // The previous version wrote id == seq; the seq is what Replay shows, so it wins.
    if (alert->id != seq)
        log_warn ("old alert's id is not its seq", "seq=%llu id=%llu",
                  (unsigned long long) seq, (unsigned long long) alert->id);
    alert->id = seq;
    int rc = s_alert_insert (self, alert);
    shanhai__v1__alert__free_unpacked (alert, NULL);
    return rc ? -1 : 1;
}

// The previous version kept the alerts only in the outbox (topic "alert.<person>", type
// "alert", body the Alert). When the alerts table is empty and the outbox has such rows, copies
// them in one transaction, so that an upgraded deployment keeps its inboxes; a crash midway
// leaves the table empty, and the next start copies again. Returns 0 or -1 (logged).
static int
s_upgrade (notification_store_t *self)
{
    int64_t alerts = s_query_integer (self->db, "SELECT EXISTS (SELECT 1 FROM alerts)");
    int64_t old = s_query_integer (self->db,
                                   "SELECT EXISTS (SELECT 1 FROM outbox WHERE type = 'alert')");
    if (alerts < 0 || old < 0)
        return -1;
    if (alerts > 0 || old == 0)
        return 0;
    sqlite3_stmt *select = store_prepare (self->db, "SELECT seq, at_ms, body FROM outbox "
                                                    "WHERE type = 'alert' ORDER BY seq");
    if (!select || store_transaction_begin (self->db)) {
        sqlite3_finalize (select);
        return -1;
    }
    size_t copied = 0, skipped = 0;
    int rc;
    while ((rc = sqlite3_step (select)) == SQLITE_ROW) {
        int copy = s_upgrade_row (self, select);
        if (copy < 0)
            break;
        if (copy > 0)
            copied++;
        else
            skipped++;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        log_error ("old alerts read failed", "error=\"%s\"", sqlite3_errmsg (self->db));
    sqlite3_finalize (select);
    if (rc != SQLITE_DONE || store_transaction_commit (self->db, NULL)) {
        store_transaction_rollback (self->db, NULL);
        return -1;
    }
    log_info ("alerts copied from the outbox", "copied=%zu skipped=%zu", copied, skipped);
    return 0;
}

// A file made before scopes has alerts without scope, subject and period: they are added,
// empty (the rows were pairs'). Before the statements are prepared, which name them. Returns
// 0 or -1 (logged).
static int
s_upgrade_columns (sqlite3 *db)
{
    static const char *columns[][2] = {
        { "scope", "scope TEXT NOT NULL DEFAULT ''" },
        { "subject", "subject TEXT NOT NULL DEFAULT ''" },
        { "period", "period TEXT NOT NULL DEFAULT ''" },
    };
    for (size_t index = 0; index < sizeof columns / sizeof columns[0]; index++)
        if (store_add_column (db, "alerts", columns[index][0], columns[index][1]))
            return -1;
    return 0;
}

notification_store_t *
notification_store_new (const char *path, const char *pub_endpoint, char *errstr,
                        size_t errstr_size)
{
    notification_store_t *self = calloc (1, sizeof *self);
    if (!self) {
        errstr_set (errstr, errstr_size, "out of memory");
        return NULL;
    }
    self->db = store_open (path, s_schema, errstr, errstr_size);
    if (self->db && s_upgrade_columns (self->db) == 0)
        self->outbox = outbox_new (self->db, pub_endpoint);
    if (!self->outbox || s_prepare (self) || s_upgrade (self)) {
        if (self->db && !*errstr)
            errstr_set (errstr, errstr_size, "cannot set up %s publishing on %s (see the log)",
                        path, pub_endpoint);
        notification_store_destroy (&self);
        return NULL;
    }
    return self;
}

void
notification_store_destroy (notification_store_t **self_p)
{
    if (self_p && *self_p) {
        notification_store_t *self = *self_p;
        for (int index = 0; index < S_STATEMENTS; index++)
            sqlite3_finalize (self->statements[index]);
        for (int index = 0; index < S_DELIVERY_QUERIES; index++)
            sqlite3_finalize (self->queries[index]);
        outbox_destroy (&self->outbox);
        store_close (&self->db);
        free (self);
        *self_p = NULL;
    }
}

outbox_t *
notification_store_outbox (notification_store_t *self)
{
    return self->outbox;
}

sqlite3 *
notification_store_db (notification_store_t *self)
{
    return self->db;
}

int
notification_store_begin (notification_store_t *self)
{
    return store_transaction_begin (self->db);
}

int
notification_store_commit (notification_store_t *self)
{
    return store_transaction_commit (self->db, self->outbox);
}

void
notification_store_rollback (notification_store_t *self)
{
    store_transaction_rollback (self->db, self->outbox);
}

notification_store_result_t
notification_store_alert (notification_store_t *self, Shanhai__V1__Alert *alert)
{
    assert (self && alert);
    assert (!sqlite3_get_autocommit (self->db));  // inside the caller's transaction
    const char *field = s_alert_invalid_field (alert);
    if (field) {
        // The value may be anything: only the field's name goes to the log.
        log_error ("alert refused", "field=%s", field);
        return NOTIFICATION_STORE_INVALID;
    }
    char topic[TOPIC_BYTES_MAX];
    int rc = proto_topic_for ("alert.", alert->person, topic, sizeof topic);
    assert (rc == 0);  // any valid id fits (the _Static_assert above)
    if (alert->at_ms == 0)
        alert->at_ms = date_now_ms ();
    // The alert's id is its seq: the next one, as the transaction is the only writer. The body
    // is packed with it, so the outbox row carries the same id as the alerts row.
    alert->id = outbox_head (self->outbox) + 1;
    int64_t seq = outbox_append (self->outbox, topic, "alert", &alert->base);
    if (seq < 0)
        return NOTIFICATION_STORE_FAILED;
    assert ((uint64_t) seq == alert->id);
    return s_alert_insert (self, alert) ? NOTIFICATION_STORE_FAILED : NOTIFICATION_STORE_OK;
}

int64_t
notification_store_meta (notification_store_t *self, const char *key, int64_t fallback)
{
    return store_meta_get (self->db, key, fallback);
}

int
notification_store_set_meta (notification_store_t *self, const char *key, int64_t value)
{
    return store_meta_set (self->db, key, value);
}

static char *
s_column_text (sqlite3_stmt *statement, int column)
{
    const char *text = (const char *) sqlite3_column_text (statement, column);
    return strdup (text ? text : "");
}

// The alert of the current row of a statement that selects S_ALERT_COLUMNS, or NULL when
// memory runs out. The caller frees it with shanhai__v1__alert__free_unpacked.
static Shanhai__V1__Alert *
s_alert_from_row (sqlite3_stmt *statement)
{
    Shanhai__V1__Alert *alert = malloc (sizeof *alert);
    if (!alert)
        return NULL;
    shanhai__v1__alert__init (alert);
    alert->id = (uint64_t) sqlite3_column_int64 (statement, 0);
    alert->person = s_column_text (statement, 1);
    alert->pairing = s_column_text (statement, 2);
    alert->rule = s_column_text (statement, 3);
    alert->year = sqlite3_column_int (statement, 4);
    alert->status = (Shanhai__V1__ComplianceStatus) sqlite3_column_int (statement, 5);
    alert->previous = (Shanhai__V1__ComplianceStatus) sqlite3_column_int (statement, 6);
    alert->text = s_column_text (statement, 7);
    alert->at_ms = sqlite3_column_int64 (statement, 8);
    alert->scope = s_column_text (statement, 9);
    alert->subject = s_column_text (statement, 10);
    alert->period = s_column_text (statement, 11);
    if (!alert->person || !alert->pairing || !alert->rule || !alert->text || !alert->scope
        || !alert->subject || !alert->period) {
        char **texts[] = { &alert->person, &alert->pairing, &alert->rule, &alert->text,
                           &alert->scope, &alert->subject, &alert->period };
        for (size_t index = 0; index < sizeof texts / sizeof texts[0]; index++)
            free (*texts[index]);
        free (alert);
        return NULL;
    }
    return alert;
}

Shanhai__V1__AlertList *
notification_store_alerts (notification_store_t *self, const char *person, uint64_t after_id,
                           size_t limit)
{
    assert (validate_id (person));
    if (limit == 0 || limit > ALERTS_LIST_MAX)
        limit = ALERTS_LIST_MAX;
    Shanhai__V1__AlertList *list = malloc (sizeof *list);
    if (!list)
        return NULL;
    shanhai__v1__alert_list__init (list);
    list->alerts = calloc (limit, sizeof *list->alerts);
    if (!list->alerts) {
        free (list);
        return NULL;
    }
    sqlite3_stmt *select = s_statement (self, S_ALERT_LIST);
    sqlite3_bind_text (select, 1, person, -1, SQLITE_STATIC);
    s_bind_id (select, 2, after_id);
    sqlite3_bind_int64 (select, 3, (int64_t) limit);
    int rc;
    while ((rc = sqlite3_step (select)) == SQLITE_ROW) {
        Shanhai__V1__Alert *alert = s_alert_from_row (select);
        if (!alert)
            break;
        assert (list->n_alerts < limit);
        list->alerts[list->n_alerts++] = alert;
    }
    sqlite3_reset (select);
    if (rc != SQLITE_DONE) {
        log_error ("alerts read failed", "person=%s error=\"%s\"", person,
                   sqlite3_errmsg (self->db));
        shanhai__v1__alert_list__free_unpacked (list, NULL);
        return NULL;
    }
    return list;
}

Shanhai__V1__Alert *
notification_store_alert_find (notification_store_t *self, uint64_t id, bool *failed)
{
    assert (self && failed);
    *failed = false;
    sqlite3_stmt *select = s_statement (self, S_ALERT_FIND);
    s_bind_id (select, 1, id);
    Shanhai__V1__Alert *alert = NULL;
    int rc = sqlite3_step (select);
    if (rc == SQLITE_ROW)
        *failed = (alert = s_alert_from_row (select)) == NULL;
    else if (rc != SQLITE_DONE) {
        log_error ("alert read failed", "id=%llu error=\"%s\"", (unsigned long long) id,
                   sqlite3_errmsg (self->db));
        *failed = true;
    }
    sqlite3_reset (select);
    return alert;
}

notification_store_result_t
notification_store_mark_read (notification_store_t *self, const char *person, uint64_t up_to_id,
                              int64_t at_ms, size_t *marked)
{
    assert (self);
    if (marked)
        *marked = 0;
    if (!validate_id (person) || at_ms <= 0) {
        log_error ("mark read refused", "field=%s", at_ms <= 0 ? "at_ms" : "person");
        return NOTIFICATION_STORE_INVALID;
    }
    sqlite3_stmt *update = s_statement (self, S_ALERT_MARK_READ);
    sqlite3_bind_text (update, 1, person, -1, SQLITE_STATIC);
    // Up to an id beyond SQLite's integers is up to the largest of them: every alert.
    int64_t up_to = up_to_id > (uint64_t) INT64_MAX ? INT64_MAX : (int64_t) up_to_id;
    sqlite3_bind_int64 (update, 2, up_to);
    sqlite3_bind_int64 (update, 3, at_ms);
    int rc = sqlite3_step (update);
    sqlite3_reset (update);
    if (rc != SQLITE_DONE) {
        log_error ("mark read failed", "person=%s error=\"%s\"", person,
                   sqlite3_errmsg (self->db));
        return NOTIFICATION_STORE_FAILED;
    }
    if (marked)
        *marked = (size_t) sqlite3_changes (self->db);
    return NOTIFICATION_STORE_OK;
}

notification_store_result_t
notification_store_alert_state (notification_store_t *self, const char *person, uint64_t id,
                                notification_alert_state_t *state)
{
    assert (self && state);
    memset (state, 0, sizeof *state);
    if (!validate_id (person))
        return NOTIFICATION_STORE_INVALID;
    sqlite3_stmt *select = s_statement (self, S_ALERT_STATE);
    s_bind_id (select, 1, id);
    sqlite3_bind_text (select, 2, person, -1, SQLITE_STATIC);
    int rc = sqlite3_step (select);
    if (rc == SQLITE_ROW) {
        state->read_at_ms = sqlite3_column_int64 (select, 0);
        state->acked_at_ms = sqlite3_column_int64 (select, 1);
        const char *by = (const char *) sqlite3_column_text (select, 2);
        snprintf (state->acked_by, sizeof state->acked_by, "%s", by ? by : "");
    }
    sqlite3_reset (select);
    if (rc == SQLITE_ROW)
        return NOTIFICATION_STORE_OK;
    if (rc == SQLITE_DONE)
        return NOTIFICATION_STORE_NOT_FOUND;
    log_error ("alert state read failed", "id=%llu error=\"%s\"", (unsigned long long) id,
               sqlite3_errmsg (self->db));
    return NOTIFICATION_STORE_FAILED;
}

notification_store_result_t
notification_store_ack (notification_store_t *self, const char *person, uint64_t id,
                        const char *by, int64_t at_ms)
{
    assert (self);
    if (!validate_id (person) || !validate_id (by) || at_ms <= 0) {
        log_error ("ack refused", "field=%s",
                   !validate_id (person) ? "person" : at_ms <= 0 ? "at_ms" : "by");
        return NOTIFICATION_STORE_INVALID;
    }
    sqlite3_stmt *update = s_statement (self, S_ALERT_ACK);
    s_bind_id (update, 1, id);
    sqlite3_bind_text (update, 2, person, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (update, 3, at_ms);
    sqlite3_bind_text (update, 4, by, -1, SQLITE_STATIC);
    int rc = sqlite3_step (update);
    sqlite3_reset (update);
    if (rc != SQLITE_DONE) {
        log_error ("ack failed", "id=%llu error=\"%s\"", (unsigned long long) id,
                   sqlite3_errmsg (self->db));
        return NOTIFICATION_STORE_FAILED;
    }
    if (sqlite3_changes (self->db) == 1)
        return NOTIFICATION_STORE_OK;
    // Nothing changed: acknowledged before (OK, the first stands), or not person's alert.
    notification_alert_state_t state;
    return notification_store_alert_state (self, person, id, &state);
}

int64_t
notification_store_unread (notification_store_t *self, const char *person)
{
    assert (self);
    if (!validate_id (person)) {
        log_error ("unread count refused", "field=%s", "person");
        return -1;
    }
    sqlite3_stmt *select = s_statement (self, S_ALERT_UNREAD);
    sqlite3_bind_text (select, 1, person, -1, SQLITE_STATIC);
    int64_t count = -1;
    if (sqlite3_step (select) == SQLITE_ROW)
        count = sqlite3_column_int64 (select, 0);
    else
        log_error ("unread count failed", "person=%s error=\"%s\"", person,
                   sqlite3_errmsg (self->db));
    sqlite3_reset (select);
    return count;
}

// Deliveries ----------------------------------------------------------------------------------

static const char *s_delivery_status_names[] = {
    [NOTIFICATION_DELIVERY_PENDING] = "pending",
    [NOTIFICATION_DELIVERY_SENT] = "sent",
    [NOTIFICATION_DELIVERY_FAILED] = "failed",
    [NOTIFICATION_DELIVERY_DEAD] = "dead",
};
#define S_DELIVERY_STATUSES (sizeof s_delivery_status_names / sizeof s_delivery_status_names[0])

const char *
notification_delivery_status_name (notification_delivery_status_t status)
{
    if ((unsigned) status >= S_DELIVERY_STATUSES || !s_delivery_status_names[status])
        return "";
    return s_delivery_status_names[status];
}

static notification_delivery_status_t
s_delivery_status_parse (const char *name)
{
    for (unsigned status = 0; name && status < S_DELIVERY_STATUSES; status++)
        if (s_delivery_status_names[status] && strcmp (s_delivery_status_names[status], name) == 0)
            return (notification_delivery_status_t) status;
    return NOTIFICATION_DELIVERY_NONE;
}

// True when text is a terminated string within size bytes that validate_text takes as one line.
static bool
s_line_is_valid (const char *text, size_t size)
{
    return text && memchr (text, 0, size) && validate_text (text, size, false);
}

// The fields an attempt's outcome shares with an added attempt: the first one refused, or NULL.
// A pending attempt and a failed one (its retry) say when they are due; the others do not.
static const char *
s_outcome_invalid_field (notification_delivery_status_t status, const char *result,
                         int64_t at_ms, int64_t next_at_ms)
{
    if (!*notification_delivery_status_name (status))
        return "status";
    if (!s_line_is_valid (result, DELIVERY_RESULT_BYTES_MAX))
        return "result";
    if (at_ms <= 0)
        return "at_ms";
    bool due = status == NOTIFICATION_DELIVERY_PENDING || status == NOTIFICATION_DELIVERY_FAILED;
    if (due ? next_at_ms <= 0 : next_at_ms != 0)
        return "next_at_ms";
    return NULL;
}

static const char *
s_delivery_invalid_field (const notification_delivery_t *delivery)
{
    if (delivery->alert == 0 || delivery->alert > (uint64_t) INT64_MAX)
        return "alert";
    if (!memchr (delivery->channel, 0, sizeof delivery->channel)
        || !validate_id (delivery->channel))
        return "channel";
    if (delivery->attempt < 1 || delivery->attempt > DELIVERY_ATTEMPTS_MAX)
        return "attempt";
    return s_outcome_invalid_field (delivery->status, delivery->result, delivery->at_ms,
                                    delivery->next_at_ms);
}

// Whether alert id exists: OK, NOT_FOUND or FAILED (logged).
static notification_store_result_t
s_alert_exists (notification_store_t *self, uint64_t id)
{
    sqlite3_stmt *select = s_statement (self, S_ALERT_EXISTS);
    s_bind_id (select, 1, id);
    int rc = sqlite3_step (select);
    sqlite3_reset (select);
    if (rc == SQLITE_ROW)
        return NOTIFICATION_STORE_OK;
    if (rc == SQLITE_DONE)
        return NOTIFICATION_STORE_NOT_FOUND;
    log_error ("alert read failed", "id=%llu error=\"%s\"", (unsigned long long) id,
               sqlite3_errmsg (self->db));
    return NOTIFICATION_STORE_FAILED;
}

// Binds next_at_ms at index: NULL for 0, when nothing is due.
static void
s_bind_next_at (sqlite3_stmt *statement, int index, int64_t next_at_ms)
{
    if (next_at_ms)
        sqlite3_bind_int64 (statement, index, next_at_ms);
    else
        sqlite3_bind_null (statement, index);
}

notification_store_result_t
notification_store_delivery_add (notification_store_t *self, notification_delivery_t *delivery)
{
    assert (self && delivery);
    const char *field = s_delivery_invalid_field (delivery);
    if (field) {
        log_error ("delivery refused", "field=%s", field);
        return NOTIFICATION_STORE_INVALID;
    }
    notification_store_result_t result = s_alert_exists (self, delivery->alert);
    if (result != NOTIFICATION_STORE_OK)
        return result;
    sqlite3_stmt *insert = s_statement (self, S_DELIVERY_INSERT);
    sqlite3_bind_int64 (insert, 1, (int64_t) delivery->alert);
    sqlite3_bind_text (insert, 2, delivery->channel, -1, SQLITE_STATIC);
    sqlite3_bind_int (insert, 3, (int) delivery->attempt);
    sqlite3_bind_text (insert, 4, notification_delivery_status_name (delivery->status), -1,
                       SQLITE_STATIC);
    sqlite3_bind_text (insert, 5, delivery->result, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (insert, 6, delivery->at_ms);
    s_bind_next_at (insert, 7, delivery->next_at_ms);
    int rc = sqlite3_step (insert);
    sqlite3_reset (insert);
    if (rc == SQLITE_DONE) {
        delivery->id = (uint64_t) sqlite3_last_insert_rowid (self->db);
        return NOTIFICATION_STORE_OK;
    }
    if (sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_UNIQUE)
        return NOTIFICATION_STORE_CONFLICT;
    log_error ("delivery write failed", "alert=%llu channel=%s error=\"%s\"",
               (unsigned long long) delivery->alert, delivery->channel,
               sqlite3_errmsg (self->db));
    return NOTIFICATION_STORE_FAILED;
}

notification_store_result_t
notification_store_delivery_finish (notification_store_t *self, uint64_t id,
                                    notification_delivery_status_t status, const char *result,
                                    int64_t at_ms, int64_t next_at_ms)
{
    assert (self);
    const char *field = status == NOTIFICATION_DELIVERY_PENDING
                            ? "status"
                            : s_outcome_invalid_field (status, result, at_ms, next_at_ms);
    if (field) {
        log_error ("delivery outcome refused", "id=%llu field=%s", (unsigned long long) id,
                   field);
        return NOTIFICATION_STORE_INVALID;
    }
    sqlite3_stmt *update = s_statement (self, S_DELIVERY_FINISH);
    s_bind_id (update, 1, id);
    sqlite3_bind_text (update, 2, notification_delivery_status_name (status), -1,
                       SQLITE_STATIC);
    sqlite3_bind_text (update, 3, result, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (update, 4, at_ms);
    s_bind_next_at (update, 5, next_at_ms);
    int rc = sqlite3_step (update);
    sqlite3_reset (update);
    if (rc != SQLITE_DONE) {
        log_error ("delivery outcome failed", "id=%llu error=\"%s\"", (unsigned long long) id,
                   sqlite3_errmsg (self->db));
        return NOTIFICATION_STORE_FAILED;
    }
    return sqlite3_changes (self->db) == 1 ? NOTIFICATION_STORE_OK
                                           : NOTIFICATION_STORE_NOT_FOUND;
}

// Reads the rows of select (S_DELIVERY_COLUMNS) into deliveries. Returns how many, or -1.
static int
s_deliveries_read (notification_store_t *self, sqlite3_stmt *select,
                   notification_delivery_t *deliveries, size_t limit)
{
    size_t count = 0;
    int rc;
    while ((rc = sqlite3_step (select)) == SQLITE_ROW) {
        assert (count < limit);  // the statement's LIMIT
        notification_delivery_t *delivery = &deliveries[count++];
        memset (delivery, 0, sizeof *delivery);
        delivery->id = (uint64_t) sqlite3_column_int64 (select, 0);
        delivery->alert = (uint64_t) sqlite3_column_int64 (select, 1);
        const char *channel = (const char *) sqlite3_column_text (select, 2);
        snprintf (delivery->channel, sizeof delivery->channel, "%s", channel ? channel : "");
        delivery->attempt = (uint32_t) sqlite3_column_int (select, 3);
        delivery->status
            = s_delivery_status_parse ((const char *) sqlite3_column_text (select, 4));
        const char *result = (const char *) sqlite3_column_text (select, 5);
        snprintf (delivery->result, sizeof delivery->result, "%s", result ? result : "");
        delivery->at_ms = sqlite3_column_int64 (select, 6);
        delivery->next_at_ms = sqlite3_column_int64 (select, 7);  // 0 for NULL
    }
    sqlite3_reset (select);
    if (rc != SQLITE_DONE) {
        log_error ("deliveries read failed", "error=\"%s\"", sqlite3_errmsg (self->db));
        return -1;
    }
    return (int) count;
}

static size_t
s_page_size (size_t deliveries_max)
{
    return deliveries_max < DELIVERIES_LIST_MAX ? deliveries_max : DELIVERIES_LIST_MAX;
}

int
notification_store_deliveries (notification_store_t *self,
                               const notification_delivery_query_t *query,
                               notification_delivery_t *deliveries, size_t deliveries_max)
{
    assert (self && query && (deliveries || deliveries_max == 0));
    const char *field = NULL;
    if (query->channel && !validate_id (query->channel))
        field = "channel";
    else if (query->person && !validate_id (query->person))
        field = "person";
    else if (query->status != NOTIFICATION_DELIVERY_NONE
             && !*notification_delivery_status_name (query->status))
        field = "status";
    if (field) {
        log_error ("deliveries query refused", "field=%s", field);
        return -1;
    }
    int filters = (query->channel ? S_BY_CHANNEL : 0) | (query->person ? S_BY_PERSON : 0)
                  | (query->status ? S_BY_STATUS : 0);
    sqlite3_stmt *select = self->queries[filters];
    sqlite3_reset (select);
    sqlite3_clear_bindings (select);
    size_t limit = s_page_size (deliveries_max);
    s_bind_id (select, sqlite3_bind_parameter_index (select, ":after"), query->after_id);
    sqlite3_bind_int64 (select, sqlite3_bind_parameter_index (select, ":limit"),
                        (int64_t) limit);
    if (query->channel)
        sqlite3_bind_text (select, sqlite3_bind_parameter_index (select, ":channel"),
                           query->channel, -1, SQLITE_STATIC);
    if (query->person)
        sqlite3_bind_text (select, sqlite3_bind_parameter_index (select, ":person"),
                           query->person, -1, SQLITE_STATIC);
    if (query->status)
        sqlite3_bind_text (select, sqlite3_bind_parameter_index (select, ":status"),
                           notification_delivery_status_name (query->status), -1,
                           SQLITE_STATIC);
    return s_deliveries_read (self, select, deliveries, limit);
}

int
notification_store_deliveries_due (notification_store_t *self, int64_t now_ms,
                                   notification_delivery_t *deliveries, size_t deliveries_max)
{
    assert (self && (deliveries || deliveries_max == 0));
    size_t limit = s_page_size (deliveries_max);
    sqlite3_stmt *select = s_statement (self, S_DELIVERIES_DUE);
    sqlite3_bind_int64 (select, 1, now_ms);
    sqlite3_bind_int64 (select, 2, (int64_t) limit);
    return s_deliveries_read (self, select, deliveries, limit);
}

int64_t
notification_store_deliveries_count (notification_store_t *self,
                                     notification_delivery_status_t status)
{
    assert (self);
    if (!*notification_delivery_status_name (status))
        return -1;
    sqlite3_stmt *select = s_statement (self, S_DELIVERIES_COUNT);
    sqlite3_bind_text (select, 1, notification_delivery_status_name (status), -1, SQLITE_STATIC);
    int64_t count = sqlite3_step (select) == SQLITE_ROW ? sqlite3_column_int64 (select, 0) : -1;
    if (count < 0)
        log_error ("deliveries count failed", "error=\"%s\"", sqlite3_errmsg (self->db));
    sqlite3_reset (select);
    return count;
}

notification_store_result_t
notification_store_line_set (notification_store_t *self, uint64_t alert, const char *line)
{
    assert (self && line);
    if (!validate_text (line, CHANNEL_LINE_BYTES_MAX, false)) {
        log_error ("channel line refused", "alert=%llu", (unsigned long long) alert);
        return NOTIFICATION_STORE_INVALID;
    }
    notification_store_result_t result = s_alert_exists (self, alert);
    if (result != NOTIFICATION_STORE_OK)
        return result;
    sqlite3_stmt *insert = s_statement (self, S_LINE_INSERT);
    s_bind_id (insert, 1, alert);
    sqlite3_bind_text (insert, 2, line, -1, SQLITE_STATIC);
    int rc = sqlite3_step (insert);
    sqlite3_reset (insert);
    if (rc != SQLITE_DONE) {
        log_error ("channel line write failed", "alert=%llu error=\"%s\"",
                   (unsigned long long) alert, sqlite3_errmsg (self->db));
        return NOTIFICATION_STORE_FAILED;
    }
    return NOTIFICATION_STORE_OK;
}

notification_store_result_t
notification_store_line (notification_store_t *self, uint64_t alert, char *out, size_t out_size)
{
    assert (self && out && out_size > 0);
    sqlite3_stmt *select = s_statement (self, S_LINE_FIND);
    s_bind_id (select, 1, alert);
    int rc = sqlite3_step (select);
    notification_store_result_t result = NOTIFICATION_STORE_NOT_FOUND;
    if (rc == SQLITE_ROW) {
        snprintf (out, out_size, "%s", (const char *) sqlite3_column_text (select, 0));
        result = NOTIFICATION_STORE_OK;
    } else if (rc != SQLITE_DONE) {
        log_error ("channel line read failed", "alert=%llu error=\"%s\"",
                   (unsigned long long) alert, sqlite3_errmsg (self->db));
        result = NOTIFICATION_STORE_FAILED;
    }
    sqlite3_reset (select);
    return result;
}

int
notification_store_channels_due (notification_store_t *self, int64_t now_ms,
                                 char (*channels)[ID_BYTES_MAX], size_t channels_max)
{
    assert (self && (channels || channels_max == 0));
    sqlite3_stmt *select = s_statement (self, S_CHANNELS_DUE);
    sqlite3_bind_int64 (select, 1, now_ms);
    sqlite3_bind_int64 (select, 2, (int64_t) channels_max);
    size_t count = 0;
    int rc;
    while ((rc = sqlite3_step (select)) == SQLITE_ROW) {
        assert (count < channels_max);  // the statement's LIMIT
        const char *channel = (const char *) sqlite3_column_text (select, 0);
        snprintf (channels[count++], ID_BYTES_MAX, "%s", channel ? channel : "");
    }
    sqlite3_reset (select);
    if (rc != SQLITE_DONE) {
        log_error ("due channels read failed", "error=\"%s\"", sqlite3_errmsg (self->db));
        return -1;
    }
    return (int) count;
}

int
notification_store_channel_finished (notification_store_t *self, const char *channel,
                                     int64_t since_ms, int64_t *at_ms, size_t at_max)
{
    assert (self && channel && (at_ms || at_max == 0));
    sqlite3_stmt *select = s_statement (self, S_CHANNEL_FINISHED);
    sqlite3_bind_text (select, 1, channel, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (select, 2, since_ms);
    sqlite3_bind_int64 (select, 3, (int64_t) at_max);
    size_t count = 0;
    int rc;
    while ((rc = sqlite3_step (select)) == SQLITE_ROW) {
        assert (count < at_max);  // the statement's LIMIT
        at_ms[count++] = sqlite3_column_int64 (select, 0);
    }
    sqlite3_reset (select);
    if (rc != SQLITE_DONE) {
        log_error ("finished attempts read failed", "channel=%s error=\"%s\"", channel,
                   sqlite3_errmsg (self->db));
        return -1;
    }
    return (int) count;
}
