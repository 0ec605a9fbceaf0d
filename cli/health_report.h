/*  health_report.h: what `shanhai health` makes of the services' Health answers. Pure: the
    answers (or why a service did not answer) in, one JSON report out.

    A service is "down" when it did not answer, "lagging" when one of its streams is more than
    HEALTH_LAG_EVENTS_MAX events behind its publisher, and "up" otherwise. A stream's lag is
    measured against the publisher's own outbox head when the publisher answered (it knows
    best), else against the newest seq the consumer heard of. The report:
      {"healthy": true, "services": [{"service": "ledger", "state": "up", "version": "0.1.0",
        "uptime_ms": 1200, "published_seq": 3, "registry_version": 1, "cache": "off",
        "streams": [{"publisher": "registry", "applied_seq": 2, "head_seq": 2, "lag": 0,
                     "caught_up": true}],
        "metrics": {"deliveries_pending": 0}}, ...]}
    A service that is down has "state": "down" and "error": "<why>" only. */
#ifndef SHANHAI_HEALTH_REPORT_H
#define SHANHAI_HEALTH_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include "common/proto.h"

// One service asked: its name, and its answer or the reason it gave none.
typedef struct {
    const char *service;               // "registry"
    const Shanhai__V1__Health *health;  // NULL: did not answer
    const char *error;                 // why, when health is NULL
} health_answer_t;

// The report of count answers (borrowed). Sets *healthy to whether every service is up.
// Returns the report (the caller's reference) or NULL when out of memory.
json_t *health_report (const health_answer_t *answers, size_t count, bool *healthy);

#endif
