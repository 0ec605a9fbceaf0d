/*  registry_view.h: one version of the registry's reference data, indexed for lookups, read
    only. The registry answers its queries from the view of its current version, and every
    other service keeps the view of its replica (registry_replica.h), so that "which pairing",
    "which counties", "who is attached to this pair" has one answer, computed in one place.

    A view owns the document it was built from; every pointer it returns is borrowed from it
    and lives as long as the view. Views are immutable: a new version is a new view, swapped in
    by its owner between two events, so nothing ever reads a half-changed registry. */
#ifndef SHANHAI_REGISTRY_VIEW_H
#define SHANHAI_REGISTRY_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common/proto.h"

typedef struct registry_view_t registry_view_t;

// Builds the view of *doc_p, a document that passed registry_model_validate, at version,
// for deployment (copied). Takes the document (nulls *doc_p, also on failure) and fills in
// each pairing's recipient_name and supporter_name. Returns NULL when out of memory.
registry_view_t *registry_view_new (Shanhai__V1__RegistryDoc **doc_p, uint64_t version,
                                    const char *deployment);
void registry_view_destroy (registry_view_t **self_p);

uint64_t registry_view_version (const registry_view_t *self);
const char *registry_view_deployment (const registry_view_t *self);
// The document itself (pairings sorted by id), e.g. to pack a Snapshot.
const Shanhai__V1__RegistryDoc *registry_view_doc (const registry_view_t *self);

// Lookups by id (code for a region); NULL when absent.
const Shanhai__V1__Program *registry_view_program (const registry_view_t *self, const char *id);
const Shanhai__V1__Region *registry_view_region (const registry_view_t *self, const char *code);
const Shanhai__V1__Pairing *registry_view_pairing (const registry_view_t *self, const char *id);
const Shanhai__V1__Person *registry_view_person (const registry_view_t *self, const char *id);

// The park of that id, or NULL. Parks are few (REGISTRY_PARKS_MAX) and read only by events
// about them: a look through the document, no index.
const Shanhai__V1__Park *registry_view_park (const registry_view_t *self, const char *id);
// The plan of park for year and category ("gov", "invest"), or NULL.
const Shanhai__V1__ParkPlan *registry_view_park_plan (const Shanhai__V1__Park *park, int year,
                                                      const char *category);

// Everyone attached to pairing: the party secretaries and county heads of its recipient and
// its supporter, its liaison officers, and its program's office, in that order (by role,
// then recipient before supporter, then id), each person once. Writes at most max borrowed
// pointers into out and returns how many there are in all (call with max 0 to size out).
size_t registry_view_people (const registry_view_t *self, const Shanhai__V1__Pairing *pairing,
                             const Shanhai__V1__Person **out, size_t max);

// Everyone a rule of program about the county region concerns (a supporter's, a recipient's,
// a region's rule): the party secretaries and county heads of region, the liaison officers of
// the program's pairings where region is the recipient or the supporter (by pairing id, active
// or not: the pairing's people were part of the work the rule judges), and the program's
// office, in that order, each person once. Writes at most max borrowed pointers into out and
// returns how many there are in all (call with max 0 to size out); 0 for a region or program
// that is not in the view.
size_t registry_view_county_people (const registry_view_t *self, const char *region,
                                    const char *program, const Shanhai__V1__Person **out,
                                    size_t max);
// The office of program (its people of role PROGRAM_OFFICE), in document order. Writes at
// most max borrowed pointers into out and returns how many there are in all.
size_t registry_view_office (const registry_view_t *self, const char *program,
                             const Shanhai__V1__Person **out, size_t max);

// The channel with id, or NULL.
const Shanhai__V1__Channel *registry_view_channel (const registry_view_t *self, const char *id);
// The channels that carry an alert told to person about a pair of program: those that list
// the person, and those that list the program, in the document's order, each once. Writes at
// most max borrowed pointers into out and returns how many there are in all.
size_t registry_view_channels (const registry_view_t *self, const char *person,
                               const char *program, const Shanhai__V1__Channel **out,
                               size_t max);

// True when pairing matches every filter that is not NULL or empty: its program, a region
// that is its recipient or supporter, a day (days since 1970) within its start..end.
bool registry_view_pairing_matches (const Shanhai__V1__Pairing *pairing, const char *program,
                                    const char *region, int32_t day);

#endif
