#include "common/registry_view.h"

#include <assert.h>
#include <czmq.h>
#include <stdlib.h>
#include <string.h>
#include "common/date.h"

// The people of one key (a region's leaders, a pairing's liaison officers, a program's
// office), in document order: a growable array of borrowed pointers.
typedef struct {
    const Shanhai__V1__Person **people;
    size_t count;
    size_t capacity;
} s_group_t;

struct registry_view_t {
    Shanhai__V1__RegistryDoc *doc;
    uint64_t version;
    char *deployment;
    zhashx_t *programs;   // id -> Program
    zhashx_t *regions;    // code -> Region
    zhashx_t *pairings;   // id -> Pairing
    zhashx_t *people;     // id -> Person
    zhashx_t *leaders;    // region code -> s_group_t of its party secretaries and county heads
    zhashx_t *liaisons;   // pairing id -> s_group_t of its liaison officers
    zhashx_t *offices;    // program id -> s_group_t of its program offices
};

static void
s_group_destroy (void **item)
{
    s_group_t *group = *item;
    if (group) {
        free (group->people);
        free (group);
        *item = NULL;
    }
}

// Adds person to the group of key in groups. Returns 0 or -1 (out of memory).
static int
s_group_add (zhashx_t *groups, const char *key, const Shanhai__V1__Person *person)
{
    s_group_t *group = zhashx_lookup (groups, key);
    if (!group) {
        group = calloc (1, sizeof *group);
        if (!group)
            return -1;
        zhashx_insert (groups, key, group);
    }
    if (group->count == group->capacity) {
        size_t capacity = group->capacity ? group->capacity * 2 : 4;
        const Shanhai__V1__Person **grown
            = realloc (group->people, capacity * sizeof *grown);
        if (!grown)
            return -1;
        group->people = grown;
        group->capacity = capacity;
    }
    group->people[group->count++] = person;
    return 0;
}

static int
s_compare_pairings (const void *a, const void *b)
{
    const Shanhai__V1__Pairing *const *left = a, *const *right = b;
    return strcmp ((*left)->id, (*right)->id);
}

// Replaces a string of a message built by protobuf-c's unpacker with a copy of value.
static int
s_set_string (char **field, const char *value)
{
    char *copy = strdup (value);
    if (!copy)
        return -1;
    if (*field != protobuf_c_empty_string)
        free (*field);
    *field = copy;
    return 0;
}

static int
s_index_people (registry_view_t *self)
{
    const Shanhai__V1__RegistryDoc *doc = self->doc;
    for (size_t index = 0; index < doc->n_people; index++) {
        const Shanhai__V1__Person *person = doc->people[index];
        zhashx_insert (self->people, person->id, (void *) person);
        int rc = 0;
        switch (person->role) {
        case SHANHAI__V1__ROLE__PARTY_SECRETARY:
        case SHANHAI__V1__ROLE__COUNTY_HEAD:
            rc = s_group_add (self->leaders, person->region, person);
            break;
        case SHANHAI__V1__ROLE__LIAISON_OFFICER:
            rc = s_group_add (self->liaisons, person->pairing, person);
            break;
        case SHANHAI__V1__ROLE__PROGRAM_OFFICE:
            rc = s_group_add (self->offices, person->program, person);
            break;
        default:
            break;
        }
        if (rc)
            return -1;
    }
    return 0;
}

static int
s_index (registry_view_t *self)
{
    Shanhai__V1__RegistryDoc *doc = self->doc;
    for (size_t index = 0; index < doc->n_programs; index++)
        zhashx_insert (self->programs, doc->programs[index]->id, doc->programs[index]);
    for (size_t index = 0; index < doc->n_regions; index++)
        zhashx_insert (self->regions, doc->regions[index]->code, doc->regions[index]);
    if (doc->n_pairings > 1)
        qsort (doc->pairings, doc->n_pairings, sizeof *doc->pairings, s_compare_pairings);
    for (size_t index = 0; index < doc->n_pairings; index++) {
        Shanhai__V1__Pairing *pairing = doc->pairings[index];
        const Shanhai__V1__Region *recipient = zhashx_lookup (self->regions, pairing->recipient);
        const Shanhai__V1__Region *supporter = zhashx_lookup (self->regions, pairing->supporter);
        if (s_set_string (&pairing->recipient_name, recipient ? recipient->name : "")
            || s_set_string (&pairing->supporter_name, supporter ? supporter->name : ""))
            return -1;
        zhashx_insert (self->pairings, pairing->id, pairing);
    }
    return s_index_people (self);
}

registry_view_t *
registry_view_new (Shanhai__V1__RegistryDoc **doc_p, uint64_t version, const char *deployment)
{
    assert (doc_p && *doc_p && deployment);
    registry_view_t *self = calloc (1, sizeof *self);
    if (!self) {
        shanhai__v1__registry_doc__free_unpacked (*doc_p, NULL);
        *doc_p = NULL;
        return NULL;
    }
    self->doc = *doc_p;
    *doc_p = NULL;
    self->version = version;
    self->deployment = strdup (deployment);
    self->programs = zhashx_new ();
    self->regions = zhashx_new ();
    self->pairings = zhashx_new ();
    self->people = zhashx_new ();
    self->leaders = zhashx_new ();
    self->liaisons = zhashx_new ();
    self->offices = zhashx_new ();
    if (!self->deployment || !self->programs || !self->regions || !self->pairings
        || !self->people || !self->leaders || !self->liaisons || !self->offices) {
        registry_view_destroy (&self);
        return NULL;
    }
    zhashx_set_destructor (self->leaders, s_group_destroy);
    zhashx_set_destructor (self->liaisons, s_group_destroy);
    zhashx_set_destructor (self->offices, s_group_destroy);
    if (s_index (self))
        registry_view_destroy (&self);
    return self;
}

void
registry_view_destroy (registry_view_t **self_p)
{
    if (self_p && *self_p) {
        registry_view_t *self = *self_p;
        zhashx_destroy (&self->programs);
        zhashx_destroy (&self->regions);
        zhashx_destroy (&self->pairings);
        zhashx_destroy (&self->people);
        zhashx_destroy (&self->leaders);
        zhashx_destroy (&self->liaisons);
        zhashx_destroy (&self->offices);
        if (self->doc)
            shanhai__v1__registry_doc__free_unpacked (self->doc, NULL);
        free (self->deployment);
        free (self);
        *self_p = NULL;
    }
}

uint64_t
registry_view_version (const registry_view_t *self)
{
    return self->version;
}

const char *
registry_view_deployment (const registry_view_t *self)
{
    return self->deployment;
}

const Shanhai__V1__RegistryDoc *
registry_view_doc (const registry_view_t *self)
{
    return self->doc;
}

const Shanhai__V1__Program *
registry_view_program (const registry_view_t *self, const char *id)
{
    return zhashx_lookup (self->programs, id);
}

const Shanhai__V1__Region *
registry_view_region (const registry_view_t *self, const char *code)
{
    return zhashx_lookup (self->regions, code);
}

const Shanhai__V1__Pairing *
registry_view_pairing (const registry_view_t *self, const char *id)
{
    return zhashx_lookup (self->pairings, id);
}

const Shanhai__V1__Person *
registry_view_person (const registry_view_t *self, const char *id)
{
    return zhashx_lookup (self->people, id);
}

// Appends the people of group with role (or any role when role is unspecified) that are not
// in out[0..count) yet. Returns the new count; writes only below max.
static size_t
s_append (const s_group_t *group, Shanhai__V1__Role role, const Shanhai__V1__Person **out,
          size_t max, size_t count)
{
    for (size_t index = 0; group && index < group->count; index++) {
        const Shanhai__V1__Person *person = group->people[index];
        if (role != SHANHAI__V1__ROLE__ROLE_UNSPECIFIED && person->role != role)
            continue;
        if (count < max)
            out[count] = person;
        count++;
    }
    return count;
}

size_t
registry_view_people (const registry_view_t *self, const Shanhai__V1__Pairing *pairing,
                      const Shanhai__V1__Person **out, size_t max)
{
    assert (pairing && (out || max == 0));
    const s_group_t *recipient = zhashx_lookup (self->leaders, pairing->recipient);
    const s_group_t *supporter = zhashx_lookup (self->leaders, pairing->supporter);
    size_t count = 0;
    // Ids are unique and each person has one role and one region, so no one comes twice.
    count = s_append (recipient, SHANHAI__V1__ROLE__PARTY_SECRETARY, out, max, count);
    count = s_append (supporter, SHANHAI__V1__ROLE__PARTY_SECRETARY, out, max, count);
    count = s_append (recipient, SHANHAI__V1__ROLE__COUNTY_HEAD, out, max, count);
    count = s_append (supporter, SHANHAI__V1__ROLE__COUNTY_HEAD, out, max, count);
    count = s_append (zhashx_lookup (self->liaisons, pairing->id),
                      SHANHAI__V1__ROLE__ROLE_UNSPECIFIED, out, max, count);
    count = s_append (zhashx_lookup (self->offices, pairing->program),
                      SHANHAI__V1__ROLE__ROLE_UNSPECIFIED, out, max, count);
    return count;
}

size_t
registry_view_county_people (const registry_view_t *self, const char *region,
                             const char *program, const Shanhai__V1__Person **out, size_t max)
{
    assert (self && region && program && (out || max == 0));
    if (!registry_view_region (self, region) || !registry_view_program (self, program))
        return 0;
    const s_group_t *leaders = zhashx_lookup (self->leaders, region);
    size_t count = 0;
    count = s_append (leaders, SHANHAI__V1__ROLE__PARTY_SECRETARY, out, max, count);
    count = s_append (leaders, SHANHAI__V1__ROLE__COUNTY_HEAD, out, max, count);
    // Pairings are few (REGISTRY_PAIRINGS_MAX) and a county's rule changes seldom: a look
    // through the document, sorted by id, rather than another index. A liaison officer serves
    // one pairing, so no one comes twice.
    for (size_t index = 0; index < self->doc->n_pairings; index++) {
        const Shanhai__V1__Pairing *pairing = self->doc->pairings[index];
        if (registry_view_pairing_matches (pairing, program, region, -1))
            count = s_append (zhashx_lookup (self->liaisons, pairing->id),
                              SHANHAI__V1__ROLE__ROLE_UNSPECIFIED, out, max, count);
    }
    count = s_append (zhashx_lookup (self->offices, program), SHANHAI__V1__ROLE__ROLE_UNSPECIFIED,
                      out, max, count);
    return count;
}

size_t
registry_view_office (const registry_view_t *self, const char *program,
                      const Shanhai__V1__Person **out, size_t max)
{
    assert (self && program && (out || max == 0));
    return s_append (zhashx_lookup (self->offices, program), SHANHAI__V1__ROLE__ROLE_UNSPECIFIED,
                     out, max, 0);
}

bool
registry_view_pairing_matches (const Shanhai__V1__Pairing *pairing, const char *program,
                               const char *region, int32_t day)
{
    if (program && *program && strcmp (pairing->program, program) != 0)
        return false;
    if (region && *region && strcmp (pairing->recipient, region) != 0
        && strcmp (pairing->supporter, region) != 0)
        return false;
    if (day >= 0) {
        int32_t start, end;
        if (date_parse (pairing->start, &start) || date_parse (pairing->end, &end))
            return false;
        if (day < start || day > end)
            return false;
    }
    return true;
}

// Channels are few and looked up once per alert: a scan of the document, no index to keep.
const Shanhai__V1__Channel *
registry_view_channel (const registry_view_t *self, const char *id)
{
    assert (self && id);
    for (size_t at = 0; at < self->doc->n_channels; at++)
        if (strcmp (self->doc->channels[at]->id, id) == 0)
            return self->doc->channels[at];
    return NULL;
}

// True when one of count ids is id.
static bool
s_lists (char *const *ids, size_t count, const char *id)
{
    for (size_t at = 0; at < count; at++)
        if (strcmp (ids[at], id) == 0)
            return true;
    return false;
}

size_t
registry_view_channels (const registry_view_t *self, const char *person, const char *program,
                        const Shanhai__V1__Channel **out, size_t max)
{
    assert (self && person && program && (out || max == 0));
    size_t count = 0;
    for (size_t at = 0; at < self->doc->n_channels; at++) {
        const Shanhai__V1__Channel *channel = self->doc->channels[at];
        if (s_lists (channel->people, channel->n_people, person)
            || s_lists (channel->programs, channel->n_programs, program)) {
            if (count < max)
                out[count] = channel;
            count++;
        }
    }
    return count;
}

const Shanhai__V1__Park *
registry_view_park (const registry_view_t *self, const char *id)
{
    assert (self && id);
    for (size_t index = 0; index < self->doc->n_parks; index++)
        if (strcmp (self->doc->parks[index]->id, id) == 0)
            return self->doc->parks[index];
    return NULL;
}

const Shanhai__V1__ParkPlan *
registry_view_park_plan (const Shanhai__V1__Park *park, int year, const char *category)
{
    assert (park && category);
    for (size_t index = 0; index < park->n_plans; index++)
        if (park->plans[index]->year == year
            && strcmp (park->plans[index]->category, category) == 0)
            return park->plans[index];
    return NULL;
}
