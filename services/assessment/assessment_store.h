/*  assessment_store.h: the assessment's SQLite file: per (rule, pairing, year) the actual
    value and the last status, the compliance changes (outbox), and the bookkeeping of what
    it has applied (the clock, the last registry and ledger seqs). Owns the sqlite3 handle and
    the outbox. Writes happen between assessment_store_begin and assessment_store_commit,
    which publishes the changes after the commit. */
#ifndef SHANHAI_ASSESSMENT_STORE_H
#define SHANHAI_ASSESSMENT_STORE_H

#include "common/outbox.h"
#include "common/proto.h"

typedef struct assessment_store_t assessment_store_t;

assessment_store_t *assessment_store_new (const char *path, const char *pub_endpoint,
                                          char *errstr, size_t errstr_size);
void assessment_store_destroy (assessment_store_t **self_p);
outbox_t *assessment_store_outbox (assessment_store_t *self);

int assessment_store_begin (assessment_store_t *self);
// Commits and publishes; on failure rolls back and returns -1.
int assessment_store_commit (assessment_store_t *self);
void assessment_store_rollback (assessment_store_t *self);
// The handle, for the registry replica that lives in the same file. Borrowed.
sqlite3 *assessment_store_db (assessment_store_t *self);

// Reads an aggregate: returns 0 with *actual and *status, 1 when there is none (then 0 and
// COMPLIANCE_NONE), -1 on a read error.
int assessment_store_get (assessment_store_t *self, const char *rule, const char *pairing,
                          int year, int64_t *actual, Shanhai__V1__ComplianceStatus *status);
int assessment_store_put (assessment_store_t *self, const char *rule, const char *pairing,
                          int year, int64_t actual, Shanhai__V1__ComplianceStatus status);
// Inside a transaction: records that entry (a ledger event) counted toward (rule, pairing,
// year); the same seq twice is kept once. Returns 0 or -1.
int assessment_store_contribute (assessment_store_t *self, const char *rule, const char *pairing,
                                 int year, const Shanhai__V1__Contribution *entry);
// Fills explanation's entries (oldest first, at most EXPLAIN_ENTRIES_MAX) and entries_total
// with what counted toward (rule, pairing, year). The entries are the store's allocation:
// free them with assessment_store_contributions_free. Returns 0 or -1.
int assessment_store_contributions (assessment_store_t *self, const char *rule,
                                    const char *pairing, int year,
                                    Shanhai__V1__Explanation *explanation);
void assessment_store_contributions_free (Shanhai__V1__Explanation *explanation);
// Appends a "compliance.changed", or a "compliance.warning" when change->warning_days is set.
// Returns its seq or -1.
int64_t assessment_store_change (assessment_store_t *self,
                                 const Shanhai__V1__ComplianceChange *change);

// Bookkeeping (meta): the clock (-1 before the first), the last applied seqs.
int64_t assessment_store_meta (assessment_store_t *self, const char *key, int64_t fallback);
int assessment_store_set_meta (assessment_store_t *self, const char *key, int64_t value);

#endif
