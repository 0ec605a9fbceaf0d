#include "registry_json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "common/errstr.h"
#include "common/limits.h"

// A string field of an entry: its JSON key, where it goes, whether it must be there.
typedef struct {
    const char *key;
    size_t offset;
    bool required;
} s_field_t;

#define S_FIELD(type, name, required) { #name, offsetof (type, name), required }

static const s_field_t s_program_fields[] = {
    S_FIELD (Shanhai__V1__Program, id, true), S_FIELD (Shanhai__V1__Program, name, true),
    S_FIELD (Shanhai__V1__Program, source, false), { NULL, 0, false },
};
static const s_field_t s_region_fields[] = {
    S_FIELD (Shanhai__V1__Region, code, true), S_FIELD (Shanhai__V1__Region, name, true),
    S_FIELD (Shanhai__V1__Region, province, false), { NULL, 0, false },
};
static const s_field_t s_pairing_fields[] = {
    S_FIELD (Shanhai__V1__Pairing, id, true),
    S_FIELD (Shanhai__V1__Pairing, program, true),
    S_FIELD (Shanhai__V1__Pairing, recipient, true),
    S_FIELD (Shanhai__V1__Pairing, supporter, true),
    S_FIELD (Shanhai__V1__Pairing, start, true),
    S_FIELD (Shanhai__V1__Pairing, end, true),
    S_FIELD (Shanhai__V1__Pairing, note, false),
    { NULL, 0, false },
};
// A person's role is converted apart (it is an enum on the wire).
static const s_field_t s_person_fields[] = {
    S_FIELD (Shanhai__V1__Person, id, true),        S_FIELD (Shanhai__V1__Person, name, true),
    S_FIELD (Shanhai__V1__Person, region, false),   S_FIELD (Shanhai__V1__Person, pairing, false),
    S_FIELD (Shanhai__V1__Person, program, false),  S_FIELD (Shanhai__V1__Person, mobile, false),
    { NULL, 0, false },
};

// A channel's lists of people and programs are converted apart (they are lists of ids).
static const s_field_t s_channel_fields[] = {
    S_FIELD (Shanhai__V1__Channel, id, true),      S_FIELD (Shanhai__V1__Channel, type, true),
    S_FIELD (Shanhai__V1__Channel, url, true),     S_FIELD (Shanhai__V1__Channel, secret, false),
    { NULL, 0, false },
};

// Every reason is written through the one errstr helper.
#define s_fail errstr_set

// Fills the string fields of message from object. Returns 0, or -1 with the reason.
static int
s_fill (ProtobufCMessage *message, const s_field_t *fields, const json_t *object,
        const char *where, char *errstr, size_t errstr_size)
{
    if (!json_is_object (object)) {
        s_fail (errstr, errstr_size, "%s: must be an object", where);
        return -1;
    }
    const char *key;
    json_t *value;
    json_object_foreach ((json_t *) object, key, value) {
        const s_field_t *field = fields;
        while (field->key && strcmp (field->key, key) != 0)
            field++;
        bool apart = fields == s_channel_fields
                         ? strcmp (key, "people") == 0 || strcmp (key, "programs") == 0
                         : strcmp (key, "role") == 0;
        if (!field->key && !apart) {
            s_fail (errstr, errstr_size, "%s: unknown field \"%.40s\"", where, key);
            return -1;
        }
    }
    for (const s_field_t *field = fields; field->key; field++) {
        json_t *item = json_object_get (object, field->key);
        if (!item && field->required) {
            s_fail (errstr, errstr_size, "%s: \"%s\" is missing", where, field->key);
            return -1;
        }
        if (item && !json_is_string (item)) {
            s_fail (errstr, errstr_size, "%s: \"%s\" must be a string", where, field->key);
            return -1;
        }
        if (item) {
            char *copy = strdup (json_string_value (item));
            if (!copy) {
                s_fail (errstr, errstr_size, "out of memory");
                return -1;
            }
            *(char **) ((char *) message + field->offset) = copy;
        }
    }
    return 0;
}

static int
s_fill_person (Shanhai__V1__Person *person, const json_t *object, const char *where,
               char *errstr, size_t errstr_size)
{
    if (s_fill (&person->base, s_person_fields, object, where, errstr, errstr_size))
        return -1;
    json_t *role = json_object_get (object, "role");
    if (!json_is_string (role)) {
        s_fail (errstr, errstr_size, "%s: \"role\" must be a string", where);
        return -1;
    }
    person->role = role_parse (json_string_value (role));
    if (person->role == SHANHAI__V1__ROLE__ROLE_UNSPECIFIED) {
        s_fail (errstr, errstr_size, "%s: role \"%.40s\" must be party_secretary, county_head, "
                "liaison_officer or program_office", where, json_string_value (role));
        return -1;
    }
    return 0;
}

typedef struct {
    const char *key;
    const ProtobufCMessageDescriptor *descriptor;
    const s_field_t *fields;
    size_t count_offset;
    size_t items_offset;
    size_t max;
} s_section_t;

#define S_DOC(member) offsetof (Shanhai__V1__RegistryDoc, member)

static const s_section_t s_sections[] = {
    { "programs", &shanhai__v1__program__descriptor, s_program_fields,
      S_DOC (n_programs), S_DOC (programs),
      REGISTRY_PROGRAMS_MAX },
    { "regions", &shanhai__v1__region__descriptor, s_region_fields,
      S_DOC (n_regions), S_DOC (regions),
      REGISTRY_REGIONS_MAX },
    { "pairings", &shanhai__v1__pairing__descriptor, s_pairing_fields,
      S_DOC (n_pairings), S_DOC (pairings),
      REGISTRY_PAIRINGS_MAX },
    { "people", &shanhai__v1__person__descriptor, s_person_fields,
      S_DOC (n_people), S_DOC (people),
      REGISTRY_PEOPLE_MAX },
};

// Names an entry for an error: its position, and its id when it has a usable one, so that
// the entry is found either by counting or by searching the file.
static void
s_where (char *where, size_t where_size, const s_section_t *section, size_t index,
         const json_t *object)
{
    const char *id_key = section->fields == s_region_fields ? "code" : "id";
    const char *id = json_string_value (json_object_get (object, id_key));
    if (id && *id && strlen (id) < ID_BYTES_MAX)
        snprintf (where, where_size, "%s[%zu] \"%s\"", section->key, index, id);
    else
        snprintf (where, where_size, "%s[%zu]", section->key, index);
}

static int
s_convert_section (Shanhai__V1__RegistryDoc *doc, const s_section_t *section,
                   const json_t *array, char *errstr, size_t errstr_size)
{
    if (!json_is_array (array)) {
        s_fail (errstr, errstr_size, "\"%s\" must be a list", section->key);
        return -1;
    }
    size_t count = json_array_size (array);
    if (count > section->max) {
        s_fail (errstr, errstr_size, "\"%s\" has %zu entries: at most %zu", section->key, count,
                section->max);
        return -1;
    }
    ProtobufCMessage **items = calloc (count ? count : 1, sizeof *items);
    if (!items) {
        s_fail (errstr, errstr_size, "out of memory");
        return -1;
    }
    *(ProtobufCMessage ***) ((char *) doc + section->items_offset) = items;
    size_t *n_items = (size_t *) ((char *) doc + section->count_offset);
    for (size_t index = 0; index < count; index++) {
        ProtobufCMessage *item = malloc (section->descriptor->sizeof_message);
        if (!item) {
            s_fail (errstr, errstr_size, "out of memory");
            return -1;
        }
        protobuf_c_message_init (section->descriptor, item);
        items[(*n_items)++] = item;
        const json_t *object = json_array_get (array, index);
        char where[128];
        s_where (where, sizeof where, section, index, object);
        int rc = section->fields == s_person_fields
                     ? s_fill_person ((Shanhai__V1__Person *) item, object, where, errstr,
                                      errstr_size)
                     : s_fill (item, section->fields, object, where, errstr, errstr_size);
        if (rc)
            return -1;
    }
    return 0;
}

// A channel's list of ids under key (optional): strings, copied into *items_p and *count_p.
static int
s_fill_ids (const json_t *object, const char *key, char ***items_p, size_t *count_p,
            const char *where, char *errstr, size_t errstr_size)
{
    const json_t *array = json_object_get (object, key);
    if (!array)
        return 0;
    if (!json_is_array (array) || json_array_size (array) > CHANNEL_MEMBERS_MAX) {
        s_fail (errstr, errstr_size, "%s: \"%s\" must be a list of at most %d ids", where, key,
                CHANNEL_MEMBERS_MAX);
        return -1;
    }
    *items_p = calloc (json_array_size (array) + 1, sizeof **items_p);
    if (!*items_p) {
        s_fail (errstr, errstr_size, "out of memory");
        return -1;
    }
    size_t index;
    const json_t *item;
    json_array_foreach (array, index, item) {
        if (!json_is_string (item)) {
            s_fail (errstr, errstr_size, "%s: %s[%zu] must be a string", where, key, index);
            return -1;
        }
        if (!((*items_p)[(*count_p)++] = strdup (json_string_value (item)))) {
            s_fail (errstr, errstr_size, "out of memory");
            return -1;
        }
    }
    return 0;
}

// The optional "channels" section: where the notification service posts alerts.
static int
s_convert_channels (Shanhai__V1__RegistryDoc *doc, const json_t *array, char *errstr,
                    size_t errstr_size)
{
    if (!array)
        return 0;
    if (!json_is_array (array) || json_array_size (array) > REGISTRY_CHANNELS_MAX) {
        s_fail (errstr, errstr_size, "\"channels\" must be a list of at most %d entries",
                REGISTRY_CHANNELS_MAX);
        return -1;
    }
    size_t count = json_array_size (array);
    doc->channels = calloc (count ? count : 1, sizeof *doc->channels);
    if (!doc->channels) {
        s_fail (errstr, errstr_size, "out of memory");
        return -1;
    }
    for (size_t index = 0; index < count; index++) {
        Shanhai__V1__Channel *channel = malloc (sizeof *channel);
        if (!channel) {
            s_fail (errstr, errstr_size, "out of memory");
            return -1;
        }
        shanhai__v1__channel__init (channel);
        doc->channels[doc->n_channels++] = channel;
        const json_t *object = json_array_get (array, index);
        const char *id = json_string_value (json_object_get (object, "id"));
        char where[128];
        if (id && *id && strlen (id) < ID_BYTES_MAX)
            snprintf (where, sizeof where, "channels[%zu] \"%s\"", index, id);
        else
            snprintf (where, sizeof where, "channels[%zu]", index);
        if (s_fill (&channel->base, s_channel_fields, object, where, errstr, errstr_size)
            || s_fill_ids (object, "people", &channel->people, &channel->n_people, where, errstr,
                           errstr_size)
            || s_fill_ids (object, "programs", &channel->programs, &channel->n_programs, where,
                           errstr, errstr_size))
            return -1;
    }
    return 0;
}

// A park's plan line: {"year", "category", "projects", "planned_total_wan",
// "planned_completion_wan"}, whole numbers, 万元 as annex 1 gives them (held in fen).
static int
s_fill_park_plan (Shanhai__V1__ParkPlan *plan, const json_t *object, const char *where,
                  char *errstr, size_t errstr_size)
{
    json_int_t year, projects, total, completion;
    const char *category;
    json_error_t error;
    if (json_unpack_ex ((json_t *) object, &error, JSON_STRICT, "{s:I, s:s, s:I, s:I, s:I}",
                        "year", &year, "category", &category, "projects", &projects,
                        "planned_total_wan", &total, "planned_completion_wan", &completion))
        return s_fail (errstr, errstr_size, "%s: %s (a plan is {\"year\", \"category\", "
                       "\"projects\", \"planned_total_wan\", \"planned_completion_wan\"})",
                       where, error.text);
    if (year < INT32_MIN || year > INT32_MAX || projects < 0 || projects > UINT32_MAX
        || total < 0 || total > AMOUNT_FEN_MAX / FEN_PER_WAN || completion < 0
        || completion > AMOUNT_FEN_MAX / FEN_PER_WAN)
        return s_fail (errstr, errstr_size, "%s: a number is out of range", where);
    plan->year = (int32_t) year;
    plan->projects = (uint32_t) projects;
    plan->planned_total_fen = total * FEN_PER_WAN;
    plan->planned_completion_fen = completion * FEN_PER_WAN;
    plan->category = strdup (category);
    return plan->category ? 0 : s_fail (errstr, errstr_size, "out of memory");
}

static int
s_fill_park (Shanhai__V1__Park *park, json_t *object, const char *where, char *errstr,
             size_t errstr_size)
{
    json_t *plans = NULL;
    const char *id = "", *name = "", *pairing = "";
    json_error_t error;
    if (json_unpack_ex (object, &error, JSON_STRICT, "{s:s, s:s, s:s, s:F, s?o}", "id", &id,
                        "name", &name, "pairing", &pairing, "area_km2", &park->area_km2,
                        "plans", &plans))
        return s_fail (errstr, errstr_size, "%s: %s (a park is {\"id\", \"name\", \"pairing\", "
                       "\"area_km2\", \"plans\"})", where, error.text);
    if (!(park->id = strdup (id)) || !(park->name = strdup (name))
        || !(park->pairing = strdup (pairing)))
        return s_fail (errstr, errstr_size, "out of memory");
    if (plans && (!json_is_array (plans) || json_array_size (plans) > PARK_PLANS_MAX))
        return s_fail (errstr, errstr_size, "%s: \"plans\" must be a list of at most %d",
                       where, PARK_PLANS_MAX);
    size_t count = plans ? json_array_size (plans) : 0;
    if (count && !(park->plans = calloc (count, sizeof *park->plans)))
        return s_fail (errstr, errstr_size, "out of memory");
    for (size_t index = 0; index < count; index++) {
        Shanhai__V1__ParkPlan *plan = malloc (sizeof *plan);
        if (!plan)
            return s_fail (errstr, errstr_size, "out of memory");
        shanhai__v1__park_plan__init (plan);
        park->plans[park->n_plans++] = plan;
        char plan_where[160];
        snprintf (plan_where, sizeof plan_where, "%s plans[%zu]", where, index);
        if (s_fill_park_plan (plan, json_array_get (plans, index), plan_where, errstr,
                              errstr_size))
            return -1;
    }
    return 0;
}

// "parks", when the file has them (older files do not). Returns 0, or -1 with the reason.
static int
s_convert_parks (Shanhai__V1__RegistryDoc *doc, json_t *array, char *errstr,
                 size_t errstr_size)
{
    if (!array)
        return 0;
    if (!json_is_array (array) || json_array_size (array) > REGISTRY_PARKS_MAX)
        return s_fail (errstr, errstr_size, "\"parks\" must be a list of at most %d",
                       REGISTRY_PARKS_MAX);
    size_t count = json_array_size (array);
    if (count && !(doc->parks = calloc (count, sizeof *doc->parks)))
        return s_fail (errstr, errstr_size, "out of memory");
    for (size_t index = 0; index < count; index++) {
        Shanhai__V1__Park *park = malloc (sizeof *park);
        if (!park)
            return s_fail (errstr, errstr_size, "out of memory");
        shanhai__v1__park__init (park);
        doc->parks[doc->n_parks++] = park;
        json_t *object = json_array_get (array, index);
        const char *id = json_string_value (json_object_get (object, "id"));
        char where[128];
        if (id && *id && strlen (id) < ID_BYTES_MAX)
            snprintf (where, sizeof where, "parks[%zu] \"%s\"", index, id);
        else
            snprintf (where, sizeof where, "parks[%zu]", index);
        if (!json_is_object (object))
            return s_fail (errstr, errstr_size, "%s: must be an object", where);
        if (s_fill_park (park, object, where, errstr, errstr_size))
            return -1;
    }
    return 0;
}

// "notes" are provenance for people reading the file: a list of strings, nothing more.
static int
s_check_notes (const json_t *notes, char *errstr, size_t errstr_size)
{
    if (!notes)
        return 0;
    if (!json_is_array (notes)) {
        s_fail (errstr, errstr_size, "\"notes\" must be a list of strings");
        return -1;
    }
    size_t index;
    json_t *note;
    json_array_foreach (notes, index, note) {
        if (!json_is_string (note)) {
            s_fail (errstr, errstr_size, "notes[%zu]: must be a string", index);
            return -1;
        }
    }
    return 0;
}

Shanhai__V1__RegistryDoc *
registry_json_convert (const json_t *root, char *errstr, size_t errstr_size)
{
    if (!json_is_object (root)) {
        s_fail (errstr, errstr_size, "a registry file is a JSON object");
        return NULL;
    }
    const char *key;
    json_t *value;
    json_object_foreach ((json_t *) root, key, value) {
        bool known = strcmp (key, "notes") == 0 || strcmp (key, "channels") == 0
                     || strcmp (key, "parks") == 0;
        for (size_t index = 0; index < 4; index++)
            known = known || strcmp (key, s_sections[index].key) == 0;
        if (!known) {
            s_fail (errstr, errstr_size, "unknown top-level key \"%.40s\" (expected programs, "
                    "regions, pairings, people, channels, parks, notes)", key);
            return NULL;
        }
    }
    if (s_check_notes (json_object_get (root, "notes"), errstr, errstr_size))
        return NULL;
    Shanhai__V1__RegistryDoc *doc = malloc (sizeof *doc);
    if (!doc) {
        s_fail (errstr, errstr_size, "out of memory");
        return NULL;
    }
    shanhai__v1__registry_doc__init (doc);
    for (size_t index = 0; index < 4; index++) {
        const json_t *array = json_object_get (root, s_sections[index].key);
        if (!array) {
            s_fail (errstr, errstr_size, "\"%s\" is missing", s_sections[index].key);
            shanhai__v1__registry_doc__free_unpacked (doc, NULL);
            return NULL;
        }
        if (s_convert_section (doc, &s_sections[index], array, errstr, errstr_size)) {
            shanhai__v1__registry_doc__free_unpacked (doc, NULL);
            return NULL;
        }
    }
    if (s_convert_channels (doc, json_object_get (root, "channels"), errstr, errstr_size)) {
        shanhai__v1__registry_doc__free_unpacked (doc, NULL);
        return NULL;
    }
    if (s_convert_parks (doc, json_object_get (root, "parks"), errstr, errstr_size)) {
        shanhai__v1__registry_doc__free_unpacked (doc, NULL);
        return NULL;
    }
    return doc;
}

Shanhai__V1__RegistryDoc *
registry_json_read (const char *path, char *errstr, size_t errstr_size)
{
    struct stat status;
    if (stat (path, &status) != 0) {
        s_fail (errstr, errstr_size, "cannot read the registry file %s: %s", path,
                strerror (errno));
        return NULL;
    }
    if (!S_ISREG (status.st_mode)) {
        s_fail (errstr, errstr_size, "the registry file %s is not a regular file", path);
        return NULL;
    }
    if (status.st_size > REGISTRY_FILE_BYTES_MAX) {
        s_fail (errstr, errstr_size, "the registry file %s is over %d bytes", path,
                REGISTRY_FILE_BYTES_MAX);
        return NULL;
    }
    json_error_t error;
    json_t *root = json_load_file (path, JSON_REJECT_DUPLICATES, &error);
    if (!root) {
        s_fail (errstr, errstr_size, "the registry file %s is not valid JSON: line %d column "
                "%d: %s", path, error.line, error.column, error.text);
        return NULL;
    }
    char reason[400];
    Shanhai__V1__RegistryDoc *doc = registry_json_convert (root, reason, sizeof reason);
    json_decref (root);
    if (!doc)
        s_fail (errstr, errstr_size, "the registry file %s: %s", path, reason);
    return doc;
}
