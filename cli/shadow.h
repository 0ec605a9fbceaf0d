/*  shadow.h: a second assessment, run inside the CLI on a temporary directory, that replays
    the registry's and the ledger's events from the start under policy packs the caller gives
    (a candidate pack, or a version the live assessment ran) and answers like the live one, so
    that `shanhai policy diff` and `shanhai status --as-of-version` recompute verdicts from
    scratch without touching the live assessment. It publishes nothing anyone hears (its
    endpoints are in-process), caches nothing (no Redis), and its directory is removed when it
    is destroyed. */
#ifndef SHANHAI_SHADOW_H
#define SHANHAI_SHADOW_H

#include <stddef.h>
#include "common/config.h"

typedef struct shadow_t shadow_t;

// Starts the shadow on a copy of config whose policy directory holds exactly the packs given
// (texts[i] as names[i], e.g. "hb-shanchuan.json") and the live directory's declared kinds.
// Returns NULL with one line in errstr.
shadow_t *shadow_new (const config_t *config, const char *const *names,
                      const char *const *texts, size_t count, char *errstr, size_t errstr_size);
// Waits until the shadow has applied every registry and ledger event the live services have
// published (at most timeout_ms). Returns 0, or -1 with one line in errstr.
int shadow_wait (shadow_t *self, int timeout_ms, char *errstr, size_t errstr_size);
// Waits likewise for the live assessment of config, so that what a recomputation is compared
// with is as current as it. Returns 0, or -1 with one line in errstr.
int shadow_wait_live (const config_t *config, int timeout_ms, char *errstr,
                      size_t errstr_size);
// The shadow's RPC endpoint, for cli_call.
const char *shadow_endpoint (const shadow_t *self);
void shadow_destroy (shadow_t **self_p);

#endif
