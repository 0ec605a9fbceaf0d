/*  registry_json.h: a registry file (JSON) read into the wire's RegistryDoc.

    The file is {"programs": [...], "regions": [...], "pairings": [...], "people": [...],
    "notes": ["provenance", ...]}; each entry an object of known string fields (README.md).
    Unknown keys are refused, so that a misspelt field is an error and not a silent default.
    Whether the registry makes sense (known regions, no county paired with itself...) is the
    registry service's to check, once, for every client. */
#ifndef SHANHAI_REGISTRY_JSON_H
#define SHANHAI_REGISTRY_JSON_H

#include <jansson.h>
#include <stddef.h>
#include "common/proto.h"

// Reads path. Returns the document (the caller frees it with
// shanhai__v1__registry_doc__free_unpacked), or NULL with one line in errstr.
Shanhai__V1__RegistryDoc *registry_json_read (const char *path, char *errstr, size_t errstr_size);
// The same from a parsed JSON value.
Shanhai__V1__RegistryDoc *registry_json_convert (const json_t *root, char *errstr,
                                                 size_t errstr_size);

#endif
