/*  assessment_server.h: the assessment's loop: it applies the registry's events (the clock,
    the pairings) and the ledger's events to the per (rule, pairing, year) aggregates, publishes
    every change of status, and answers assessment.Status and assessment.Replay. */
#ifndef SHANHAI_ASSESSMENT_SERVER_H
#define SHANHAI_ASSESSMENT_SERVER_H

#include "common/config.h"

typedef struct assessment_server_t assessment_server_t;

// Loads the policy packs, opens the store, binds the endpoints, connects to the registry and
// the ledger. NULL with the reason (a bad policy pack among them).
assessment_server_t *assessment_server_new (const config_t *config, char *errstr,
                                            size_t errstr_size);
void assessment_server_destroy (assessment_server_t **self_p);
// Serves until SIGINT or SIGTERM. Returns 0.
int assessment_server_run (assessment_server_t *self);

#endif
