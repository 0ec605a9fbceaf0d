/*  registry_model.h: the rules a registry document must keep, checked as a whole before
    anything is stored. Pure: no sockets, no SQLite. */
#ifndef SHANHAI_REGISTRY_MODEL_H
#define SHANHAI_REGISTRY_MODEL_H

#include <stddef.h>
#include "common/proto.h"

// Returns 0 when doc is a valid registry, or -1 with one line in errstr naming the first
// entry at fault and what is wrong with it, e.g.
//   pairing "hb-03": recipient "hb-nowhere" is not a known region
int registry_model_validate (const Shanhai__V1__RegistryDoc *doc, char *errstr,
                             size_t errstr_size);

#endif
