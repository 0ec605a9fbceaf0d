/*  registry_json.h: a registry file (JSON) read into the wire's RegistryDoc.

    The file is {"programs": [...], "regions": [...], "pairings": [...], "people": [...],
    "notes": ["provenance", ...]}; each entry an object of known string fields (README.md).
    Unknown keys are refused, so that a misspelt field is an error and not a silent default;
    the one optional top-level key, "notes", is a list of strings that say where the data comes
    from (JSON has no comments) and is not sent to the registry.
    Whether the registry makes sense (known regions, no county paired with itself...) is the
    registry service's to check, once, for every client. */
#ifndef SHANHAI_REGISTRY_JSON_H
#define SHANHAI_REGISTRY_JSON_H

#include <jansson.h>
#include <stddef.h>
#include "common/limits.h"
#include "common/proto.h"

// A registry file: its protobuf form must fit one request frame, and the protobuf of a JSON
// file is smaller than the file (no key names, no quotes), so half a frame leaves room.
#define REGISTRY_FILE_BYTES_MAX (RPC_MESSAGE_BYTES_MAX / 2)

// Reads path (at most REGISTRY_FILE_BYTES_MAX). Returns the document (the caller frees it
// with shanhai__v1__registry_doc__free_unpacked), or NULL with one line in errstr naming the
// file and, for a bad entry, the entry (`people[3] "hb-zhuxi-sec": ...`) or the line and
// column of a JSON syntax error.
Shanhai__V1__RegistryDoc *registry_json_read (const char *path, char *errstr, size_t errstr_size);
// The same from a parsed JSON value (borrowed).
Shanhai__V1__RegistryDoc *registry_json_convert (const json_t *root, char *errstr,
                                                 size_t errstr_size);

#endif
