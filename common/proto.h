/*  proto.h: the generated wire contract, in one include, with short names for the statuses.
    The generated files live in the build tree (built from proto/ by protoc-c). */
#ifndef SHANHAI_PROTO_H
#define SHANHAI_PROTO_H

#include "shanhai/v1/rpc.pb-c.h"
#include "shanhai/v1/registry.pb-c.h"
#include "shanhai/v1/ledger.pb-c.h"
#include "shanhai/v1/assessment.pb-c.h"
#include "shanhai/v1/notification.pb-c.h"
#include "shanhai/v1/health.pb-c.h"

typedef Shanhai__V1__Status rpc_status_t;
#define RPC_OK SHANHAI__V1__STATUS__OK
#define RPC_INVALID SHANHAI__V1__STATUS__INVALID
#define RPC_NOT_FOUND SHANHAI__V1__STATUS__NOT_FOUND
#define RPC_CONFLICT SHANHAI__V1__STATUS__CONFLICT
#define RPC_UNAVAILABLE SHANHAI__V1__STATUS__UNAVAILABLE
#define RPC_INTERNAL SHANHAI__V1__STATUS__INTERNAL

// "OK", "INVALID", ...: the names of the wire contract.
const char *rpc_status_name (rpc_status_t status);
// "MET", "ON_TRACK", ... and "" for COMPLIANCE_NONE.
const char *compliance_status_name (Shanhai__V1__ComplianceStatus status);
// The program offices' three colours: "green" for MET and ON_TRACK, "yellow" for AT_RISK,
// "red" for BREACHED, "grey" for NO_DATA and no status.
const char *compliance_colour (Shanhai__V1__ComplianceStatus status);
// "party_secretary", "county_head", "liaison_officer", "program_office"; "" for unspecified.
const char *role_name (Shanhai__V1__Role role);
// The inverse of role_name; returns SHANHAI__V1__ROLE__ROLE_UNSPECIFIED for anything else.
Shanhai__V1__Role role_parse (const char *text);

// A topic that names a person ends with PROTO_TOPIC_TERMINATOR, a byte no id may hold
// (validate_id), so that a subscription to one person's topic, which ZeroMQ matches as a
// prefix, never matches another person's: "alert.p1/" is not a prefix of "alert.p12/".
#define PROTO_TOPIC_TERMINATOR "/"
// Writes "<prefix><id>/" into out (out_size at least TOPIC_BYTES_MAX). id must be a valid id.
// Returns 0, or -1 when it does not fit.
int proto_topic_for (const char *prefix, const char *id, char *out, size_t out_size);

#endif
