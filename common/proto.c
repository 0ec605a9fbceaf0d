#include "common/proto.h"

#include <stdio.h>
#include <string.h>

const char *
rpc_status_name (rpc_status_t status)
{
    switch (status) {
    case RPC_OK: return "OK";
    case RPC_INVALID: return "INVALID";
    case RPC_NOT_FOUND: return "NOT_FOUND";
    case RPC_CONFLICT: return "CONFLICT";
    case RPC_UNAVAILABLE: return "UNAVAILABLE";
    case RPC_INTERNAL: return "INTERNAL";
    default: return "UNKNOWN";
    }
}

const char *
compliance_status_name (Shanhai__V1__ComplianceStatus status)
{
    switch (status) {
    case SHANHAI__V1__COMPLIANCE_STATUS__MET: return "MET";
    case SHANHAI__V1__COMPLIANCE_STATUS__ON_TRACK: return "ON_TRACK";
    case SHANHAI__V1__COMPLIANCE_STATUS__AT_RISK: return "AT_RISK";
    case SHANHAI__V1__COMPLIANCE_STATUS__BREACHED: return "BREACHED";
    case SHANHAI__V1__COMPLIANCE_STATUS__NO_DATA: return "NO_DATA";
    default: return "";
    }
}

const char *
compliance_colour (Shanhai__V1__ComplianceStatus status)
{
    switch (status) {
    case SHANHAI__V1__COMPLIANCE_STATUS__MET:
    case SHANHAI__V1__COMPLIANCE_STATUS__ON_TRACK: return "green";
    case SHANHAI__V1__COMPLIANCE_STATUS__AT_RISK: return "yellow";
    case SHANHAI__V1__COMPLIANCE_STATUS__BREACHED: return "red";
    default: return "grey";
    }
}

static const char *s_role_names[] = {
    [SHANHAI__V1__ROLE__PARTY_SECRETARY] = "party_secretary",
    [SHANHAI__V1__ROLE__COUNTY_HEAD] = "county_head",
    [SHANHAI__V1__ROLE__LIAISON_OFFICER] = "liaison_officer",
    [SHANHAI__V1__ROLE__PROGRAM_OFFICE] = "program_office",
};
#define S_ROLE_COUNT (sizeof s_role_names / sizeof s_role_names[0])

const char *
role_name (Shanhai__V1__Role role)
{
    if ((unsigned) role >= S_ROLE_COUNT || !s_role_names[role])
        return "";
    return s_role_names[role];
}

Shanhai__V1__Role
role_parse (const char *text)
{
    for (unsigned role = 0; text && role < S_ROLE_COUNT; role++)
        if (s_role_names[role] && strcmp (s_role_names[role], text) == 0)
            return (Shanhai__V1__Role) role;
    return SHANHAI__V1__ROLE__ROLE_UNSPECIFIED;
}

int
proto_topic_for (const char *prefix, const char *id, char *out, size_t out_size)
{
    int length = snprintf (out, out_size, "%s%s" PROTO_TOPIC_TERMINATOR, prefix, id);
    return length < 0 || (size_t) length >= out_size ? -1 : 0;
}
