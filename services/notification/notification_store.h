/*  notification_store.h: the notification service's SQLite file: the alerts (rows of the
    outbox, topic "alert.<person-id>", body an Alert whose id is its seq) and the bookkeeping
    of what it has applied. Owns the sqlite3 handle and the outbox. */
#ifndef SHANHAI_NOTIFICATION_STORE_H
#define SHANHAI_NOTIFICATION_STORE_H

#include "common/outbox.h"
#include "common/proto.h"

typedef struct notification_store_t notification_store_t;

notification_store_t *notification_store_new (const char *path, const char *pub_endpoint,
                                              char *errstr, size_t errstr_size);
void notification_store_destroy (notification_store_t **self_p);
outbox_t *notification_store_outbox (notification_store_t *self);

int notification_store_begin (notification_store_t *self);
// Appends alert for its person; sets alert->id to its seq. Returns 0 or -1.
int notification_store_alert (notification_store_t *self, Shanhai__V1__Alert *alert);
// Commits and publishes; on failure rolls back and returns -1.
int notification_store_commit (notification_store_t *self);
void notification_store_rollback (notification_store_t *self);
// The alerts of person with an id above after_id, oldest first, at most limit. The caller
// frees the list with shanhai__v1__alert_list__free_unpacked. NULL on a read error.
Shanhai__V1__AlertList *notification_store_alerts (notification_store_t *self,
                                                   const char *person, uint64_t after_id,
                                                   size_t limit);
int64_t notification_store_meta (notification_store_t *self, const char *key, int64_t fallback);
int notification_store_set_meta (notification_store_t *self, const char *key, int64_t value);

#endif
