#include "common/event_json.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "common/errstr.h"
#include "common/limits.h"
#include "common/vocab.h"

// "2026-11-23T05:23:32Z" and its NUL.
#define S_AT_TEXT_BYTES 21

// A string member of the shape and where it lives in the event.
typedef struct {
    const char *key;
    size_t offset;    // of the char * in Shanhai__V1__LedgerEvent
    bool recorded;    // filled in by the ledger
} s_text_t;

#define S_TEXT(key, member, recorded) { key, offsetof (Shanhai__V1__LedgerEvent, member), recorded }
static const s_text_t s_texts[] = {
    S_TEXT ("id", id, false),     S_TEXT ("kind", kind, false),     S_TEXT ("pair", pairing, false),
    S_TEXT ("from", from_region, false), S_TEXT ("to", to_region, false),
    S_TEXT ("date", date, false), S_TEXT ("memo", memo, false),     S_TEXT ("program", program, true),
};
#define S_TEXT_COUNT (sizeof s_texts / sizeof s_texts[0])

// The kinds' own fields (vocab_attr_t), in its order: where each lives and its JSON type.
typedef enum { S_ATTR_TEXT, S_ATTR_INT32, S_ATTR_INT64, S_ATTR_BOOL } s_attr_type_t;
typedef struct {
    size_t offset;
    s_attr_type_t type;
} s_attr_t;

#define S_ATTR(member, type) { offsetof (Shanhai__V1__LedgerEvent, member), S_ATTR_##type }
static const s_attr_t s_attrs[VOCAB_ATTR_COUNT] = {
    [VOCAB_ATTR_OF] = S_ATTR (of, TEXT),           [VOCAB_ATTR_YEAR] = S_ATTR (year, INT32),
    [VOCAB_ATTR_PROJECT] = S_ATTR (project, TEXT), [VOCAB_ATTR_SECTOR] = S_ATTR (sector, TEXT),
    [VOCAB_ATTR_PARK] = S_ATTR (park, TEXT),       [VOCAB_ATTR_CATEGORY] = S_ATTR (category, TEXT),
    [VOCAB_ATTR_CONTINUED] = S_ATTR (continued, BOOL),
    [VOCAB_ATTR_SIGNED] = S_ATTR (signed_projects, INT64),
    [VOCAB_ATTR_FIELD] = S_ATTR (field, TEXT),     [VOCAB_ATTR_PERSONS] = S_ATTR (persons, INT64),
    [VOCAB_ATTR_LEVEL] = S_ATTR (level, TEXT),     [VOCAB_ATTR_PERSON] = S_ATTR (person, TEXT),
    [VOCAB_ATTR_START] = S_ATTR (start, TEXT),     [VOCAB_ATTR_END] = S_ATTR (end, TEXT),
    [VOCAB_ATTR_REGION] = S_ATTR (region, TEXT),   [VOCAB_ATTR_CODE] = S_ATTR (code, TEXT),
    [VOCAB_ATTR_VALUE] = S_ATTR (value, TEXT),
};

static void *
s_attr_at (const Shanhai__V1__LedgerEvent *event, vocab_attr_t attr)
{
    return (char *) event + s_attrs[attr].offset;
}

unsigned
event_json_attrs (const Shanhai__V1__LedgerEvent *event)
{
    unsigned said = 0;
    for (unsigned attr = 0; attr < VOCAB_ATTR_COUNT; attr++) {
        void *at = s_attr_at (event, attr);
        bool set = false;
        switch (s_attrs[attr].type) {
        case S_ATTR_TEXT: set = *(char **) at && **(char **) at; break;
        case S_ATTR_INT32: set = *(int32_t *) at != 0; break;
        case S_ATTR_INT64: set = *(int64_t *) at != 0; break;
        case S_ATTR_BOOL: set = *(protobuf_c_boolean *) at; break;
        }
        if (set)
            said |= VOCAB_ATTR_BIT (attr);
    }
    return said;
}

const char *
event_json_attr_difference (const Shanhai__V1__LedgerEvent *a,
                            const Shanhai__V1__LedgerEvent *b)
{
    for (unsigned attr = 0; attr < VOCAB_ATTR_COUNT; attr++) {
        void *x = s_attr_at (a, attr), *y = s_attr_at (b, attr);
        bool same = true;
        switch (s_attrs[attr].type) {
        case S_ATTR_TEXT: same = strcmp (*(char **) x, *(char **) y) == 0; break;
        case S_ATTR_INT32: same = *(int32_t *) x == *(int32_t *) y; break;
        case S_ATTR_INT64: same = *(int64_t *) x == *(int64_t *) y; break;
        case S_ATTR_BOOL: same = !*(protobuf_c_boolean *) x == !*(protobuf_c_boolean *) y; break;
        }
        if (!same)
            return vocab_attr_name (attr);
    }
    return NULL;
}

// The JSON value of one attr of event (a new reference), or NULL when out of memory.
static json_t *
s_attr_json (const Shanhai__V1__LedgerEvent *event, vocab_attr_t attr)
{
    void *at = s_attr_at (event, attr);
    switch (s_attrs[attr].type) {
    case S_ATTR_TEXT: return json_string (*(char **) at ? *(char **) at : "");
    case S_ATTR_INT32: return json_integer (*(int32_t *) at);
    case S_ATTR_INT64: return json_integer ((json_int_t) * (int64_t *) at);
    case S_ATTR_BOOL: return json_boolean (*(protobuf_c_boolean *) at);
    }
    return NULL;
}

// Adds the kind's own fields: those its kind has, or, for a kind the vocabulary does not
// know, those the event says. Returns 0 or -1.
static int
s_attrs_to_json (json_t *object, const Shanhai__V1__LedgerEvent *event)
{
    const vocab_kind_t *kind = vocab_kind_find (event->kind);
    unsigned shown = (kind ? kind->allows : 0) | event_json_attrs (event);
    int rc = 0;
    for (unsigned attr = 0; attr < VOCAB_ATTR_COUNT; attr++)
        if (shown & VOCAB_ATTR_BIT (attr))
            rc |= json_object_set_new (object, vocab_attr_name (attr), s_attr_json (event, attr));
    return rc;
}

static char **
s_field (Shanhai__V1__LedgerEvent *event, const s_text_t *text)
{
    return (char **) ((char *) event + text->offset);
}

static void
s_at_text (int64_t at_ms, char *out)
{
    time_t seconds = (time_t) (at_ms / 1000);
    struct tm utc;
    if (!gmtime_r (&seconds, &utc) || !strftime (out, S_AT_TEXT_BYTES, "%Y-%m-%dT%H:%M:%SZ", &utc))
        *out = '\0';
}

json_t *
event_json_from_event (const Shanhai__V1__LedgerEvent *event, bool recorded)
{
    json_t *object = json_object ();
    if (!object)
        return NULL;
    int rc = 0;
    if (recorded)
        rc |= json_object_set_new (object, "seq", json_integer ((json_int_t) event->seq));
    for (size_t index = 0; index < S_TEXT_COUNT; index++) {
        if (s_texts[index].recorded && !recorded)
            continue;
        const char *value = *s_field ((Shanhai__V1__LedgerEvent *) event, &s_texts[index]);
        rc |= json_object_set_new (object, s_texts[index].key, json_string (value ? value : ""));
        if (strcmp (s_texts[index].key, "date") == 0)  // the amount follows, as the shape lists
            rc |= json_object_set_new (object, "amount_fen",
                                       json_integer ((json_int_t) event->amount_fen));
        if (strcmp (s_texts[index].key, "memo") == 0)  // then the kind's own fields
            rc |= s_attrs_to_json (object, event);
    }
    if (recorded) {
        char at[S_AT_TEXT_BYTES];
        s_at_text (event->recorded_at_ms, at);
        rc |= json_object_set_new (object, "recorded_at", json_string (at));
        rc |= json_object_set_new (object, "registry_version",
                                   json_integer ((json_int_t) event->registry_version));
    }
    if (rc) {
        json_decref (object);
        return NULL;
    }
    return object;
}

// Puts a copy of text in the string *field (see event_json_free). Returns 0 or -1.
static int
s_set_text (char **field, const char *text, char *errstr, size_t errstr_size)
{
    char *copy = strdup (text);
    if (!copy)
        return errstr_set (errstr, errstr_size, "out of memory");
    if (*field != protobuf_c_empty_string)
        free (*field);
    *field = copy;
    return 0;
}

// An indicator's value may come as a number: it is kept as the decimal text it stands for,
// with at most INDICATOR_VALUE_DECIMALS_MAX decimals ("8.5", "25000").
static int
s_value_text (const json_t *value, char **field, char *errstr, size_t errstr_size)
{
    char text[INDICATOR_VALUE_BYTES_MAX];
    if (json_is_string (value))
        return s_set_text (field, json_string_value (value), errstr, errstr_size);
    if (json_is_integer (value))
        snprintf (text, sizeof text, "%" JSON_INTEGER_FORMAT, json_integer_value (value));
    else if (json_is_real (value)) {
        snprintf (text, sizeof text, "%.*f", INDICATOR_VALUE_DECIMALS_MAX,
                  json_real_value (value));
        char *end = text + strlen (text);
        while (end > text && end[-1] == '0')
            *--end = '\0';
        if (end > text && end[-1] == '.')
            *--end = '\0';
    } else
        return errstr_set (errstr, errstr_size, "\"value\" must be a decimal number or its text");
    return s_set_text (field, text, errstr, errstr_size);
}

// Reads one of the kinds' own fields. Returns 0, or -1 with the reason.
static int
s_attr_member (Shanhai__V1__LedgerEvent *event, vocab_attr_t attr, const json_t *value,
               char *errstr, size_t errstr_size)
{
    const char *key = vocab_attr_name (attr);
    void *at = s_attr_at (event, attr);
    if (attr == VOCAB_ATTR_VALUE)
        return s_value_text (value, (char **) at, errstr, errstr_size);
    switch (s_attrs[attr].type) {
    case S_ATTR_TEXT:
        if (!json_is_string (value))
            return errstr_set (errstr, errstr_size, "\"%s\" must be a string", key);
        return s_set_text ((char **) at, json_string_value (value), errstr, errstr_size);
    case S_ATTR_BOOL:
        if (!json_is_boolean (value))
            return errstr_set (errstr, errstr_size, "\"%s\" must be true or false", key);
        *(protobuf_c_boolean *) at = json_is_true (value);
        return 0;
    case S_ATTR_INT32:
    case S_ATTR_INT64:
        break;
    }
    if (!json_is_integer (value))
        return errstr_set (errstr, errstr_size, "\"%s\" must be a whole number", key);
    json_int_t number = json_integer_value (value);
    if (s_attrs[attr].type == S_ATTR_INT64)
        *(int64_t *) at = number;
    else if (number < INT32_MIN || number > INT32_MAX)
        return errstr_set (errstr, errstr_size, "\"%s\" is out of range", key);
    else
        *(int32_t *) at = (int32_t) number;
    return 0;
}

// Reads one member into event. Returns 0, or -1 with the reason.
static int
s_member (Shanhai__V1__LedgerEvent *event, const char *key, const json_t *value, bool recorded,
          char *errstr, size_t errstr_size)
{
    for (size_t index = 0; index < S_TEXT_COUNT; index++) {
        const s_text_t *text = &s_texts[index];
        if (strcmp (key, text->key) != 0)
            continue;
        if (text->recorded && !recorded)
            return errstr_set (errstr, errstr_size, "\"%s\" is filled in by the ledger", key);
        if (!json_is_string (value))
            return errstr_set (errstr, errstr_size, "\"%s\" must be a string", key);
        return s_set_text (s_field (event, text), json_string_value (value), errstr,
                           errstr_size);
    }
    vocab_attr_t attr = vocab_attr_find (key);
    if (attr != VOCAB_ATTR_COUNT)
        return s_attr_member (event, attr, value, errstr, errstr_size);
    bool counter = strcmp (key, "seq") == 0 || strcmp (key, "registry_version") == 0;
    if (strcmp (key, "amount_fen") == 0 || (recorded && counter)) {
        if (!json_is_integer (value))
            return errstr_set (errstr, errstr_size, "\"%s\" must be a whole number", key);
        json_int_t number = json_integer_value (value);
        if (counter && number < 0)
            return errstr_set (errstr, errstr_size, "\"%s\" must not be negative", key);
        if (strcmp (key, "amount_fen") == 0)
            event->amount_fen = number;
        else if (strcmp (key, "seq") == 0)
            event->seq = (uint64_t) number;
        else
            event->registry_version = (uint64_t) number;
        return 0;
    }
    if (recorded && strcmp (key, "recorded_at") == 0)
        return json_is_string (value) ? 0
                                      : errstr_set (errstr, errstr_size,
                                                    "\"recorded_at\" must be a string");
    if (counter || strcmp (key, "recorded_at") == 0)
        return errstr_set (errstr, errstr_size, "\"%s\" is filled in by the ledger", key);
    return errstr_set (errstr, errstr_size, "\"%.64s\" is not a field of an event", key);
}

Shanhai__V1__LedgerEvent *
event_json_to_event (const json_t *object, bool recorded, char *errstr, size_t errstr_size)
{
    if (!json_is_object (object)) {
        errstr_set (errstr, errstr_size, "an event must be a JSON object");
        return NULL;
    }
    Shanhai__V1__LedgerEvent *event = malloc (sizeof *event);
    if (!event) {
        errstr_set (errstr, errstr_size, "out of memory");
        return NULL;
    }
    shanhai__v1__ledger_event__init (event);
    const char *key;
    json_t *value;
    json_object_foreach ((json_t *) object, key, value)
        if (s_member (event, key, value, recorded, errstr, errstr_size)) {
            event_json_free (&event);
            return NULL;
        }
    return event;
}

void
event_json_free (Shanhai__V1__LedgerEvent **event_p)
{
    if (event_p && *event_p) {
        // Every string is ours (strdup) or protobuf-c's empty default, which the unpacked
        // message free leaves alone: the same rule as an unpacked message.
        shanhai__v1__ledger_event__free_unpacked (*event_p, NULL);
        *event_p = NULL;
    }
}
