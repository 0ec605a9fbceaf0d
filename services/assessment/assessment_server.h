/*  assessment_server.h: the assessment on the service skeleton: it applies the registry's
    events (the clock; new registry versions, kept as its own replica) and the ledger's events,
    in batches, to the per (rule, subject, period) aggregates, publishes every change of status,
    and answers assessment.Status, ProgramStatus, Scoreboard, Explain and Replay. */
#ifndef SHANHAI_ASSESSMENT_SERVER_H
#define SHANHAI_ASSESSMENT_SERVER_H

#include <czmq.h>
#include "common/config.h"

typedef struct assessment_server_t assessment_server_t;

// Loads the policy packs from config->policy_dir, opens config_data_path's assessment.db,
// binds assessment_rpc and assessment_pub, connects to the registry and the ledger. Returns
// NULL with a one-line reason in errstr (a bad policy pack names its file and rule). config
// is copied from; it need not outlive the server.
assessment_server_t *assessment_server_new (const config_t *config, char *errstr,
                                            size_t errstr_size);
void assessment_server_destroy (assessment_server_t **self_p);
// Drops everything the assessment derived from the ledger (config_data_path's assessment.db),
// so that the next start rebuilds it from the ledger's Replay: the same statuses, and no
// change published again for the events it had applied. Returns 0, or -1 with errstr.
int assessment_server_reset (const config_t *config, char *errstr, size_t errstr_size);
// Catches up, then serves until SIGINT or SIGTERM (or "$TERM" on an actor's pipe). Returns 0.
int assessment_server_run (assessment_server_t *self);
// The server as a CZMQ actor (tests, tools that embed it): args is a const config_t *, read
// before the actor signals. Signals 0 once it serves, or 1 if it could not start (logged);
// stops on "$TERM" from the pipe (zactor_destroy).
void assessment_server_actor (zsock_t *pipe, void *args);

#endif
