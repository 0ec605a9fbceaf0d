#include "notification_store.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/limits.h"
#include "common/log.h"
#include "common/store.h"
#include "common/validate.h"

_Static_assert (sizeof "alert." - 1 + ID_BYTES_MAX <= TOPIC_BYTES_MAX,
                "an alert's topic fits any person id");

struct notification_store_t {
    sqlite3 *db;
    outbox_t *outbox;
};

notification_store_t *
notification_store_new (const char *path, const char *pub_endpoint, char *errstr,
                        size_t errstr_size)
{
    notification_store_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->db = store_open (path, NULL, errstr, errstr_size);
    if (self->db)
        self->outbox = outbox_new (self->db, pub_endpoint);
    if (!self->db || !self->outbox) {
        if (self->db && !*errstr)
            snprintf (errstr, errstr_size, "cannot set up %s publishing on %s (see the log)",
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
        outbox_destroy (&(*self_p)->outbox);
        store_close (&(*self_p)->db);
        free (*self_p);
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
    return store_begin (self->db);
}

int
notification_store_alert (notification_store_t *self, Shanhai__V1__Alert *alert)
{
    assert (alert && validate_id (alert->person));
    char topic[TOPIC_BYTES_MAX];
    snprintf (topic, sizeof topic, "alert.%s", alert->person);
    // The alert's id is its seq: the next one, as the transaction is the only writer.
    alert->id = outbox_head (self->outbox) + 1;
    int64_t seq = outbox_append (self->outbox, topic, "alert", &alert->base);
    if (seq < 0)
        return -1;
    assert ((uint64_t) seq == alert->id);
    return 0;
}

int
notification_store_commit (notification_store_t *self)
{
    if (store_commit (self->db)) {
        notification_store_rollback (self);
        return -1;
    }
    outbox_publish (self->outbox);
    return 0;
}

void
notification_store_rollback (notification_store_t *self)
{
    store_rollback (self->db);
    outbox_rollback (self->outbox);
}

static int
s_collect (void *arg, uint64_t seq, int64_t at_ms, const uint8_t *body, size_t size)
{
    Shanhai__V1__AlertList *list = arg;
    Shanhai__V1__Alert *alert = shanhai__v1__alert__unpack (NULL, size, body);
    if (!alert)
        return -1;
    assert (alert->id == seq);  // written so by notification_store_alert
    Shanhai__V1__Alert **grown = realloc (list->alerts, (list->n_alerts + 1) * sizeof *grown);
    if (!grown) {
        shanhai__v1__alert__free_unpacked (alert, NULL);
        return -1;
    }
    grown[list->n_alerts++] = alert;
    list->alerts = grown;
    return 0;
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
    char topic[TOPIC_BYTES_MAX];
    snprintf (topic, sizeof topic, "alert.%s", person);
    // Seqs are SQLite integers (int64): an after_id beyond them has nothing after it, and must
    // not reach the query, where it would wrap to a negative seq and match every alert.
    if (after_id > (uint64_t) INT64_MAX)
        return list;
    int visited = outbox_scan_topic (self->outbox, topic, after_id, limit, s_collect, list);
    if (visited < 0 || (size_t) visited != list->n_alerts) {
        log_error ("alerts read failed", "person=%s", person);
        shanhai__v1__alert_list__free_unpacked (list, NULL);
        return NULL;
    }
    return list;
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
