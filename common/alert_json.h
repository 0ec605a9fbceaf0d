/*  alert_json.h: one JSON shape of an alert, shared by `shanhai alerts --json` and the
    notification's webhooks, so that a receiver reads what the command line prints:
      {"id": 7, "person": "...", "pair": "hb-01", "rule": "...", "year": 2024,
       "status": "AT_RISK", "previous": "ON_TRACK", "text": "...", "at": "2024-06-01T08:00:00Z"} */
#ifndef SHANHAI_ALERT_JSON_H
#define SHANHAI_ALERT_JSON_H

#include <jansson.h>
#include "common/proto.h"

// The alert as a new JSON object (the caller's reference), or NULL when out of memory.
json_t *alert_json (const Shanhai__V1__Alert *alert);

#endif
