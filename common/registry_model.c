#include "common/registry_model.h"

#include <czmq.h>
#include <stdio.h>
#include <string.h>
#include "common/date.h"
#include "common/errstr.h"
#include "common/limits.h"
#include "common/validate.h"

// What the checks need to look entries up: ids of each kind, mapped to their entry.
typedef struct {
    zhashx_t *programs;
    zhashx_t *regions;
    zhashx_t *pairings;
    zhashx_t *people;
    char *errstr;
    size_t errstr_size;
} s_index_t;

// Every check fails through this, with the index's error buffer.
#define s_fail(index, ...) errstr_set ((index)->errstr, (index)->errstr_size, __VA_ARGS__)

#define S_ID_RULE "1..63 characters of A-Z a-z 0-9 . _ : -"

// Checks an entry's id and that it is the first of its kind with it; adds it to the set.
// section is the document's key for the kind ("people" for a person), so that an entry
// without a usable id is named as the file names it.
static int
s_check_id (s_index_t *index, zhashx_t *set, const char *kind, const char *section,
            size_t position, const char *id, void *entry)
{
    // A region's id is its code, and the file calls it so.
    const char *field = set == index->regions ? "code" : "id";
    if (!validate_id (id))
        return s_fail (index, "%s[%zu]: %s \"%.80s\" must be " S_ID_RULE, section, position,
                       field, id);
    if (zhashx_lookup (set, id))
        return s_fail (index, "%s \"%s\": the id is used twice", kind, id);
    zhashx_insert (set, id, entry);
    return 0;
}

static int
s_check_name (s_index_t *index, const char *kind, const char *id, const char *field,
              const char *text, size_t max_bytes, bool required)
{
    if (required && (!text || !*text))
        return s_fail (index, "%s \"%s\": %s is missing", kind, id, field);
    if (!validate_text (text, max_bytes, false))
        return s_fail (index, "%s \"%s\": %s must be UTF-8 text of at most %zu bytes, "
                       "without control characters", kind, id, field, max_bytes - 1);
    return 0;
}

static int
s_check_programs (s_index_t *index, const Shanhai__V1__RegistryDoc *doc)
{
    for (size_t position = 0; position < doc->n_programs; position++) {
        Shanhai__V1__Program *program = doc->programs[position];
        if (s_check_id (index, index->programs, "program", "programs", position, program->id,
                        program)
            || s_check_name (index, "program", program->id, "name", program->name,
                             NAME_BYTES_MAX, true)
            || s_check_name (index, "program", program->id, "source", program->source,
                             SOURCE_BYTES_MAX, false))
            return -1;
    }
    return 0;
}

static int
s_check_regions (s_index_t *index, const Shanhai__V1__RegistryDoc *doc)
{
    for (size_t position = 0; position < doc->n_regions; position++) {
        Shanhai__V1__Region *region = doc->regions[position];
        if (s_check_id (index, index->regions, "region", "regions", position, region->code, region)
            || s_check_name (index, "region", region->code, "name", region->name,
                             NAME_BYTES_MAX, true)
            || s_check_name (index, "region", region->code, "province", region->province,
                             NAME_BYTES_MAX, false))
            return -1;
    }
    return 0;
}

static int
s_check_dates (s_index_t *index, const Shanhai__V1__Pairing *pairing)
{
    int32_t start, end;
    if (date_parse (pairing->start, &start))
        return s_fail (index, "pairing \"%s\": start \"%.20s\" is not a date YYYY-MM-DD in "
                       "%d..%d", pairing->id, pairing->start, DATE_YEAR_MIN, DATE_YEAR_MAX);
    if (date_parse (pairing->end, &end))
        return s_fail (index, "pairing \"%s\": end \"%.20s\" is not a date YYYY-MM-DD in "
                       "%d..%d", pairing->id, pairing->end, DATE_YEAR_MIN, DATE_YEAR_MAX);
    if (end < start)
        return s_fail (index, "pairing \"%s\": ends (%s) before it starts (%s)", pairing->id,
                       pairing->end, pairing->start);
    return 0;
}

// Two pairings of one program with the same two counties must not be active on the same day.
static int
s_check_overlap (s_index_t *index, const Shanhai__V1__RegistryDoc *doc, size_t position)
{
    const Shanhai__V1__Pairing *pairing = doc->pairings[position];
    for (size_t other_position = 0; other_position < position; other_position++) {
        const Shanhai__V1__Pairing *other = doc->pairings[other_position];
        if (strcmp (other->program, pairing->program) == 0
            && strcmp (other->recipient, pairing->recipient) == 0
            && strcmp (other->supporter, pairing->supporter) == 0
            && strcmp (other->start, pairing->end) <= 0 && strcmp (pairing->start, other->end) <= 0)
            return s_fail (index, "pairing \"%s\": duplicates pairing \"%s\" (same program, "
                           "same counties, overlapping dates)", pairing->id, other->id);
    }
    return 0;
}

static int
s_check_pairings (s_index_t *index, const Shanhai__V1__RegistryDoc *doc)
{
    for (size_t position = 0; position < doc->n_pairings; position++) {
        Shanhai__V1__Pairing *pairing = doc->pairings[position];
        if (s_check_id (index, index->pairings, "pairing", "pairings", position, pairing->id,
                        pairing))
            return -1;
        if (!zhashx_lookup (index->programs, pairing->program))
            return s_fail (index, "pairing \"%s\": program \"%.80s\" is not a known program",
                           pairing->id, pairing->program);
        if (!zhashx_lookup (index->regions, pairing->recipient))
            return s_fail (index, "pairing \"%s\": recipient \"%.80s\" is not a known region",
                           pairing->id, pairing->recipient);
        if (!zhashx_lookup (index->regions, pairing->supporter))
            return s_fail (index, "pairing \"%s\": supporter \"%.80s\" is not a known region",
                           pairing->id, pairing->supporter);
        if (strcmp (pairing->recipient, pairing->supporter) == 0)
            return s_fail (index, "pairing \"%s\": a county cannot be paired with itself (%s)",
                           pairing->id, pairing->recipient);
        if (s_check_dates (index, pairing)
            || s_check_name (index, "pairing", pairing->id, "note", pairing->note,
                             SOURCE_BYTES_MAX, false)
            || s_check_overlap (index, doc, position))
            return -1;
    }
    return 0;
}

static int
s_check_person_links (s_index_t *index, const Shanhai__V1__Person *person)
{
    const char *role = role_name (person->role);
    bool has_region = *person->region != '\0';
    if (has_region && !zhashx_lookup (index->regions, person->region))
        return s_fail (index, "person \"%s\": region \"%.80s\" is not a known region",
                       person->id, person->region);
    switch (person->role) {
    case SHANHAI__V1__ROLE__PARTY_SECRETARY:
    case SHANHAI__V1__ROLE__COUNTY_HEAD:
        if (!has_region)
            return s_fail (index, "person \"%s\": a %s needs a region", person->id, role);
        break;
    case SHANHAI__V1__ROLE__LIAISON_OFFICER: {
        const Shanhai__V1__Pairing *pairing = zhashx_lookup (index->pairings, person->pairing);
        if (!pairing)
            return s_fail (index, "person \"%s\": liaison officer of pairing \"%.80s\", which "
                           "is not a known pairing", person->id, person->pairing);
        if (!has_region || (strcmp (person->region, pairing->recipient) != 0
                            && strcmp (person->region, pairing->supporter) != 0))
            return s_fail (index, "person \"%s\": a liaison officer's region must be one of "
                           "pairing \"%s\"'s counties (%s, %s)", person->id, pairing->id,
                           pairing->recipient, pairing->supporter);
        break;
    }
    case SHANHAI__V1__ROLE__PROGRAM_OFFICE:
        if (!zhashx_lookup (index->programs, person->program))
            return s_fail (index, "person \"%s\": program office of \"%.80s\", which is not a "
                           "known program", person->id, person->program);
        break;
    default:
        return s_fail (index, "person \"%s\": role must be party_secretary, county_head, "
                       "liaison_officer or program_office", person->id);
    }
    return 0;
}

// An optional mobile number for DingTalk's mentions: digits, a leading "+", and nothing else
// (the robot matches it as text against the group members' numbers).
static int
s_check_mobile (s_index_t *index, const Shanhai__V1__Person *person)
{
    const char *mobile = person->mobile ? person->mobile : "";
    size_t length = strlen (mobile);
    bool valid = length < PERSON_MOBILE_BYTES_MAX;
    for (size_t at = 0; valid && at < length; at++)
        valid = (mobile[at] >= '0' && mobile[at] <= '9') || (at == 0 && mobile[at] == '+');
    if (!valid || (length > 0 && mobile[length - 1] == '+'))
        return s_fail (index, "person \"%s\": mobile \"%.40s\" must be digits, with an optional "
                       "leading +, of at most %d characters", person->id, mobile,
                       PERSON_MOBILE_BYTES_MAX - 1);
    return 0;
}

static int
s_check_people (s_index_t *index, const Shanhai__V1__RegistryDoc *doc)
{
    for (size_t position = 0; position < doc->n_people; position++) {
        Shanhai__V1__Person *person = doc->people[position];
        if (s_check_id (index, index->people, "person", "people", position, person->id, person)
            || s_check_name (index, "person", person->id, "name", person->name, NAME_BYTES_MAX,
                             true)
            || s_check_person_links (index, person) || s_check_mobile (index, person))
            return -1;
    }
    return 0;
}

// A channel's type, URL and secret: the URL is http(s) (the robots' and a test's receiver),
// printable, without spaces; a DingTalk robot and a webhook sign, so they need a secret.
static int
s_check_channel_target (s_index_t *index, const Shanhai__V1__Channel *channel)
{
    const char *type = channel->type ? channel->type : "";
    bool dingtalk = strcmp (type, "dingtalk") == 0, webhook = strcmp (type, "webhook") == 0;
    if (!dingtalk && !webhook && strcmp (type, "wecom") != 0)
        return s_fail (index, "channel \"%s\": type \"%.40s\" must be dingtalk, wecom or webhook",
                       channel->id, type);
    const char *url = channel->url ? channel->url : "";
    bool printable = strlen (url) < CHANNEL_URL_BYTES_MAX;
    for (const char *at = url; printable && *at; at++)
        printable = *at > ' ' && *at < 0x7f;
    if (!printable || (strncmp (url, "http://", 7) != 0 && strncmp (url, "https://", 8) != 0)
        || strlen (url) <= strlen ("https://"))
        return s_fail (index, "channel \"%s\": url \"%.80s\" must be an http:// or https:// URL of "
                       "at most %d printable characters", channel->id, url,
                       CHANNEL_URL_BYTES_MAX - 1);
    const char *secret = channel->secret ? channel->secret : "";
    if ((dingtalk || webhook) && !*secret)
        return s_fail (index, "channel \"%s\": a %s channel signs its messages and needs a "
                       "secret", channel->id, type);
    if (!validate_text (secret, CHANNEL_SECRET_BYTES_MAX, false))
        return s_fail (index, "channel \"%s\": secret must be text of at most %d bytes",
                       channel->id, CHANNEL_SECRET_BYTES_MAX - 1);
    return 0;
}

// The people and programs a channel lists: each known, at least one of them in all.
static int
s_check_channel_members (s_index_t *index, const Shanhai__V1__Channel *channel)
{
    if (channel->n_people + channel->n_programs == 0)
        return s_fail (index, "channel \"%s\": lists no people and no programs", channel->id);
    if (channel->n_people + channel->n_programs > CHANNEL_MEMBERS_MAX)
        return s_fail (index, "channel \"%s\": lists %zu people and programs: at most %d",
                       channel->id, channel->n_people + channel->n_programs,
                       CHANNEL_MEMBERS_MAX);
    for (size_t at = 0; at < channel->n_people; at++)
        if (!zhashx_lookup (index->people, channel->people[at]))
            return s_fail (index, "channel \"%s\": person \"%.80s\" is not a known person",
                           channel->id, channel->people[at]);
    for (size_t at = 0; at < channel->n_programs; at++)
        if (!zhashx_lookup (index->programs, channel->programs[at]))
            return s_fail (index, "channel \"%s\": program \"%.80s\" is not a known program",
                           channel->id, channel->programs[at]);
    return 0;
}

// A park's plans: a known category, a valid year, each (year, category) once, amounts in
// range with completion within the total.
static int
s_check_park_plans (s_index_t *index, const Shanhai__V1__Park *park)
{
    if (park->n_plans > PARK_PLANS_MAX)
        return s_fail (index, "park \"%s\": %zu plans: at most %d", park->id, park->n_plans,
                       PARK_PLANS_MAX);
    for (size_t position = 0; position < park->n_plans; position++) {
        const Shanhai__V1__ParkPlan *plan = park->plans[position];
        if (!date_year_is_valid (plan->year))
            return s_fail (index, "park \"%s\": plans[%zu]: year %d is not in %d..%d", park->id,
                           position, plan->year, DATE_YEAR_MIN, DATE_YEAR_MAX);
        if (strcmp (plan->category, "gov") != 0 && strcmp (plan->category, "invest") != 0)
            return s_fail (index, "park \"%s\": plans[%zu]: category \"%.20s\" must be gov or "
                           "invest", park->id, position, plan->category);
        for (size_t before = 0; before < position; before++)
            if (park->plans[before]->year == plan->year
                && strcmp (park->plans[before]->category, plan->category) == 0)
                return s_fail (index, "park \"%s\": the %s plan of %d is given twice", park->id,
                               plan->category, plan->year);
        if (plan->projects > PARK_PROJECTS_MAX || plan->planned_total_fen < 0
            || plan->planned_total_fen > AMOUNT_FEN_MAX || plan->planned_completion_fen < 0
            || plan->planned_completion_fen > plan->planned_total_fen)
            return s_fail (index, "park \"%s\": the %s plan of %d must have 0..%d projects and "
                           "0 <= planned completion <= planned total <= %lld fen", park->id,
                           plan->category, plan->year, PARK_PROJECTS_MAX, AMOUNT_FEN_MAX);
    }
    return 0;
}

static int
s_check_channels (s_index_t *index, const Shanhai__V1__RegistryDoc *doc)
{
    if (doc->n_channels > REGISTRY_CHANNELS_MAX)
        return s_fail (index, "%zu channels: at most %d", doc->n_channels,
                       REGISTRY_CHANNELS_MAX);
    zhashx_t *ids = zhashx_new ();
    if (!ids)
        return s_fail (index, "out of memory");
    int rc = 0;
    for (size_t position = 0; rc == 0 && position < doc->n_channels; position++) {
        Shanhai__V1__Channel *channel = doc->channels[position];
        rc = s_check_id (index, ids, "channel", "channels", position, channel->id, channel)
                     || s_check_channel_target (index, channel)
                     || s_check_channel_members (index, channel)
                 ? -1
                 : 0;
    }
    zhashx_destroy (&ids);
    return rc;
}

static int
s_check_parks (s_index_t *index, const Shanhai__V1__RegistryDoc *doc)
{
    if (doc->n_parks > REGISTRY_PARKS_MAX)
        return s_fail (index, "%zu parks: at most %d", doc->n_parks, REGISTRY_PARKS_MAX);
    zhashx_t *parks = zhashx_new ();
    if (!parks)
        return s_fail (index, "out of memory");
    int rc = 0;
    for (size_t position = 0; rc == 0 && position < doc->n_parks; position++) {
        Shanhai__V1__Park *park = doc->parks[position];
        rc = s_check_id (index, parks, "park", "parks", position, park->id, park)
             || s_check_name (index, "park", park->id, "name", park->name, NAME_BYTES_MAX, true);
        if (rc == 0 && !zhashx_lookup (index->pairings, park->pairing))
            rc = s_fail (index, "park \"%s\": pairing \"%.80s\" is not a known pairing",
                         park->id, park->pairing);
        if (rc == 0 && !(park->area_km2 > 0 && park->area_km2 <= PARK_AREA_KM2_MAX))
            rc = s_fail (index, "park \"%s\": area_km2 must be more than 0 and at most %d",
                         park->id, PARK_AREA_KM2_MAX);
        if (rc == 0)
            rc = s_check_park_plans (index, park);
    }
    zhashx_destroy (&parks);
    return rc ? -1 : 0;
}

static int
s_check_counts (s_index_t *index, const Shanhai__V1__RegistryDoc *doc)
{
    // A load replaces everything: a document with no program would empty the registry, which
    // is a mistake (a wrong file, a garbled message) far more often than a wish.
    if (doc->n_programs == 0)
        return s_fail (index, "the document has no program: a registry is not replaced with "
                       "an empty one");
    if (doc->n_programs > REGISTRY_PROGRAMS_MAX)
        return s_fail (index, "%zu programs: at most %d", doc->n_programs, REGISTRY_PROGRAMS_MAX);
    if (doc->n_regions > REGISTRY_REGIONS_MAX)
        return s_fail (index, "%zu regions: at most %d", doc->n_regions, REGISTRY_REGIONS_MAX);
    if (doc->n_pairings > REGISTRY_PAIRINGS_MAX)
        return s_fail (index, "%zu pairings: at most %d", doc->n_pairings,
                       REGISTRY_PAIRINGS_MAX);
    if (doc->n_people > REGISTRY_PEOPLE_MAX)
        return s_fail (index, "%zu people: at most %d", doc->n_people, REGISTRY_PEOPLE_MAX);
    return 0;
}

int
registry_model_validate (const Shanhai__V1__RegistryDoc *doc, char *errstr, size_t errstr_size)
{
    s_index_t index = { .errstr = errstr, .errstr_size = errstr_size };
    index.programs = zhashx_new ();
    index.regions = zhashx_new ();
    index.pairings = zhashx_new ();
    index.people = zhashx_new ();
    int rc = -1;
    if (!index.programs || !index.regions || !index.pairings || !index.people)
        s_fail (&index, "out of memory");
    else
        rc = s_check_counts (&index, doc) || s_check_programs (&index, doc)
                     || s_check_regions (&index, doc) || s_check_pairings (&index, doc)
                     || s_check_people (&index, doc) || s_check_channels (&index, doc)
                     || s_check_parks (&index, doc)
                 ? -1
                 : 0;
    zhashx_destroy (&index.programs);
    zhashx_destroy (&index.regions);
    zhashx_destroy (&index.pairings);
    zhashx_destroy (&index.people);
    return rc;
}
