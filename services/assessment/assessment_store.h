/*  assessment_store.h: the assessment's SQLite file. Per aggregate (rule, subject, period): its
    parts (engine.h) and its last status (verdicts); the evidence, every ledger event that
    counted toward it and whether a reversal cancelled it; what is pending of each disbursement
    (for what a void cancels); every policy pack version it has run; the compliance changes
    (outbox); and the bookkeeping of what it has applied (the clock, the last registry and
    ledger seqs). Owns the sqlite3 handle and the outbox. Writes happen between
    assessment_store_begin and assessment_store_commit, which publishes after the commit.

    Everything but the outbox and the bookkeeping derives from the ledger:
    assessment_store_reset drops it, so that the ledger's Replay rebuilds it. */
#ifndef SHANHAI_ASSESSMENT_STORE_H
#define SHANHAI_ASSESSMENT_STORE_H

#include "common/outbox.h"
#include "common/proto.h"
#include "engine.h"

// The meta keys of what the assessment has applied.
#define ASSESSMENT_META_CLOCK "clock_day"
#define ASSESSMENT_META_REGISTRY_SEQ "registry_seq"
#define ASSESSMENT_META_LEDGER_SEQ "ledger_seq"
// Ledger events up to this seq are being applied again after a reset: their changes were
// published the first time, and are not again.
#define ASSESSMENT_META_QUIET_UNTIL "quiet_until"
// The fingerprint of the policy packs the aggregates were computed under.
#define ASSESSMENT_META_POLICY "policy_fingerprint"

typedef struct assessment_store_t assessment_store_t;

// Opens (or creates) the file. A file of the year-only layout (before scopes and periods) is
// reset (assessment_store_reset): its aggregates are rebuilt from the ledger.
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

// In its own transaction: drops everything derived from the ledger and sets the ledger seq
// to 0, quiet until the seq it had. Returns 0 or -1.
int assessment_store_reset (assessment_store_t *self);

// Reads the parts of an aggregate (all absent when it has none). Returns 0 or -1.
int assessment_store_parts (assessment_store_t *self, const char *rule, const char *subject,
                            const char *period, engine_parts_t *parts);
// Adds delta to a part (absent: from 0). Returns 0 or -1.
int assessment_store_add_part (assessment_store_t *self, const char *rule, const char *subject,
                               const char *period, int part, int64_t delta);
// Sets a part to *value, or makes it absent (value NULL). Returns 0 or -1.
int assessment_store_set_part (assessment_store_t *self, const char *rule, const char *subject,
                               const char *period, int part, const int64_t *value);
// The last status of an aggregate: 0 with *status, 1 when it has none (COMPLIANCE_NONE), -1.
int assessment_store_verdict (assessment_store_t *self, const char *rule, const char *subject,
                              const char *period, Shanhai__V1__ComplianceStatus *status);
int assessment_store_put_verdict (assessment_store_t *self, const char *rule,
                                  const char *subject, const char *period,
                                  Shanhai__V1__ComplianceStatus status);

// Records that entry (a ledger event) counted entry->value toward part of an aggregate; the
// same seq twice is kept once. Returns 0 or -1.
int assessment_store_contribute (assessment_store_t *self, const char *rule,
                                 const char *subject, const char *period, int part,
                                 const Shanhai__V1__Contribution *entry);
// What a cancelled entry had counted, for the caller to take back.
typedef struct {
    char rule[ID_BYTES_MAX];
    char subject[ID_BYTES_MAX];
    char period[ENGINE_PERIOD_KEY_BYTES];
    int part;
    int64_t value;
} assessment_store_cancelled_t;
// Marks every entry of the event id as cancelled (a reversal undid it) and fills
// out[0..returned) with what they had counted (at most out_count; the rest stay counted).
// Returns how many, or -1.
long assessment_store_cancel (assessment_store_t *self, const char *id,
                              assessment_store_cancelled_t *out, size_t out_count);
// The value of the latest entry of part not cancelled, by date (then by seq: of two reports
// of one day, the one recorded last): 0 with *value, 1 when there is none, -1.
int assessment_store_latest (assessment_store_t *self, const char *rule, const char *subject,
                             const char *period, int part, int64_t *value);
// Fills explanation's entries (oldest first, at most EXPLAIN_ENTRIES_MAX) and entries_total
// with what counted toward an aggregate, each naming its part by part_names (borrowed: they
// must outlive the entries). The entries are the store's allocation: free them with
// assessment_store_contributions_free. Returns 0 or -1.
int assessment_store_contributions (assessment_store_t *self, const char *rule,
                                    const char *subject, const char *period,
                                    const char *const part_names[ENGINE_PARTS],
                                    Shanhai__V1__Explanation *explanation);
void assessment_store_contributions_free (Shanhai__V1__Explanation *explanation);

// Disbursements: an aid-funds event's amount, and what receipts confirmed of it (a receipt
// reversed confirms nothing). *pending: what is still pending of id (0 when unknown).
int assessment_store_disbursed (assessment_store_t *self, const char *id, int64_t amount_fen);
int assessment_store_received (assessment_store_t *self, const char *id, const char *disbursement,
                               int64_t amount_fen);
int assessment_store_receipt_reversed (assessment_store_t *self, const char *id);
int assessment_store_pending (assessment_store_t *self, const char *id, int64_t *pending_fen);

// Policy packs as run: keeps the text of (program, version) the first time it is seen
// (another text under a version already kept is refused: -1 with *conflict). Returns 0 or -1.
int assessment_store_pack_keep (assessment_store_t *self, const char *program, int version,
                                const char *text, bool *conflict);
// The newest version kept of program: 0 with *version and *text (malloc'd), 1 when none, -1.
int assessment_store_pack_latest (assessment_store_t *self, const char *program, int *version,
                                  char **text);
// The text of (program, version): a malloc'd string in *text, 1 when there is none, or -1.
int assessment_store_pack_text (assessment_store_t *self, const char *program, int version,
                                char **text);

// Appends a "compliance.changed", or a "compliance.warning" when change->warning_days is set.
// Returns its seq or -1.
int64_t assessment_store_change (assessment_store_t *self,
                                 const Shanhai__V1__ComplianceChange *change);

// Bookkeeping (meta): the clock (-1 before the first), the last applied seqs.
int64_t assessment_store_meta (assessment_store_t *self, const char *key, int64_t fallback);
int assessment_store_set_meta (assessment_store_t *self, const char *key, int64_t value);

#endif
