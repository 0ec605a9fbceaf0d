#include "common/event_json.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "common/errstr.h"

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
        char *copy = strdup (json_string_value (value));
        if (!copy)
            return errstr_set (errstr, errstr_size, "out of memory");
        char **field = s_field (event, text);
        if (*field != protobuf_c_empty_string)
            free (*field);
        *field = copy;
        return 0;
    }
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
