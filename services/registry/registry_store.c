#include "registry_store.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "common/date.h"
#include "common/log.h"
#include "common/store.h"

static const char *s_schema
    = "CREATE TABLE IF NOT EXISTS programs ("
      "  id TEXT PRIMARY KEY, name TEXT NOT NULL, source TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS regions ("
      "  code TEXT PRIMARY KEY, name TEXT NOT NULL, province TEXT NOT NULL);"
      // Dates are ISO text: their order is the calendar's.
      "CREATE TABLE IF NOT EXISTS pairings ("
      "  id TEXT PRIMARY KEY, program TEXT NOT NULL, recipient TEXT NOT NULL,"
      "  supporter TEXT NOT NULL, start TEXT NOT NULL, end TEXT NOT NULL, note TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS people ("
      "  id TEXT PRIMARY KEY, name TEXT NOT NULL, region TEXT NOT NULL, role INTEGER NOT NULL,"
      "  pairing TEXT NOT NULL, program TEXT NOT NULL);"
      "CREATE INDEX IF NOT EXISTS people_region ON people (region, role);"
      "CREATE INDEX IF NOT EXISTS people_pairing ON people (pairing);";

#define S_PAIRING_COLUMNS                                                                      \
    "p.id, p.program, p.recipient, p.supporter, p.start, p.end, p.note, r.name, s.name "      \
    "FROM pairings p JOIN regions r ON r.code = p.recipient JOIN regions s ON s.code = p.supporter "

struct registry_store_t {
    sqlite3 *db;
    outbox_t *outbox;
    sqlite3_stmt *pairing;
    sqlite3_stmt *pairings;
    sqlite3_stmt *people;
};

registry_store_t *
registry_store_new (const char *path, const char *pub_endpoint, char *errstr,
                    size_t errstr_size)
{
    registry_store_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->db = store_open (path, s_schema, errstr, errstr_size);
    if (self->db) {
        self->outbox = outbox_new (self->db, pub_endpoint);
        self->pairing = store_prepare (self->db, "SELECT " S_PAIRING_COLUMNS "WHERE p.id = ?");
        self->pairings = store_prepare (
            self->db, "SELECT " S_PAIRING_COLUMNS
                      "WHERE (?1 = '' OR p.program = ?1)"
                      " AND (?2 = '' OR p.recipient = ?2 OR p.supporter = ?2)"
                      " AND (?3 = '' OR (p.start <= ?3 AND p.end >= ?3)) ORDER BY p.id");
        self->people = store_prepare (
            self->db, "SELECT id, name, region, role, pairing, program FROM people WHERE"
                      " (role IN (1, 2) AND region IN (?1, ?2)) OR (role = 3 AND pairing = ?3)"
                      " OR (role = 4 AND program = ?4) ORDER BY role, region, id");
    }
    if (!self->db || !self->outbox || !self->pairing || !self->pairings || !self->people) {
        if (self->db && !*errstr)
            snprintf (errstr, errstr_size, "cannot set up %s (see the log)", path);
        registry_store_destroy (&self);
        return NULL;
    }
    return self;
}

void
registry_store_destroy (registry_store_t **self_p)
{
    if (self_p && *self_p) {
        registry_store_t *self = *self_p;
        sqlite3_finalize (self->pairing);
        sqlite3_finalize (self->pairings);
        sqlite3_finalize (self->people);
        outbox_destroy (&self->outbox);
        store_close (&self->db);
        free (self);
        *self_p = NULL;
    }
}

outbox_t *
registry_store_outbox (registry_store_t *self)
{
    return self->outbox;
}

// Runs a prepared INSERT with count text arguments. Returns 0 or -1.
static int
s_insert (sqlite3_stmt *statement, const char **values, int count)
{
    sqlite3_reset (statement);
    for (int index = 0; index < count; index++)
        sqlite3_bind_text (statement, index + 1, values[index], -1, SQLITE_STATIC);
    int rc = sqlite3_step (statement);
    sqlite3_reset (statement);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int
s_write_doc (registry_store_t *self, const Shanhai__V1__RegistryDoc *doc)
{
    if (store_exec (self->db, "DELETE FROM programs; DELETE FROM regions;"
                              "DELETE FROM pairings; DELETE FROM people;"))
        return -1;
    sqlite3_stmt *programs = store_prepare (self->db, "INSERT INTO programs VALUES (?, ?, ?)");
    sqlite3_stmt *regions = store_prepare (self->db, "INSERT INTO regions VALUES (?, ?, ?)");
    sqlite3_stmt *pairings
        = store_prepare (self->db, "INSERT INTO pairings VALUES (?, ?, ?, ?, ?, ?, ?)");
    sqlite3_stmt *people = store_prepare (
        self->db, "INSERT INTO people VALUES (?, ?, ?, CAST(?4 AS INTEGER), ?, ?)");
    int rc = programs && regions && pairings && people ? 0 : -1;
    for (size_t index = 0; rc == 0 && index < doc->n_programs; index++) {
        const Shanhai__V1__Program *p = doc->programs[index];
        rc = s_insert (programs, (const char *[]) { p->id, p->name, p->source }, 3);
    }
    for (size_t index = 0; rc == 0 && index < doc->n_regions; index++) {
        const Shanhai__V1__Region *r = doc->regions[index];
        rc = s_insert (regions, (const char *[]) { r->code, r->name, r->province }, 3);
    }
    for (size_t index = 0; rc == 0 && index < doc->n_pairings; index++) {
        const Shanhai__V1__Pairing *p = doc->pairings[index];
        rc = s_insert (pairings, (const char *[]) { p->id, p->program, p->recipient,
                                                    p->supporter, p->start, p->end, p->note },
                       7);
    }
    for (size_t index = 0; rc == 0 && index < doc->n_people; index++) {
        const Shanhai__V1__Person *p = doc->people[index];
        char role[4];
        snprintf (role, sizeof role, "%d", (int) p->role);
        rc = s_insert (people, (const char *[]) { p->id, p->name, p->region, role, p->pairing,
                                                  p->program },
                       6);
    }
    sqlite3_finalize (programs);
    sqlite3_finalize (regions);
    sqlite3_finalize (pairings);
    sqlite3_finalize (people);
    if (rc)
        log_error ("registry write failed", "error=\"%s\"", sqlite3_errmsg (self->db));
    return rc;
}

int
registry_store_load (registry_store_t *self, const Shanhai__V1__RegistryDoc *doc,
                     Shanhai__V1__LoadReply *reply)
{
    if (store_begin (self->db))
        return -1;
    uint64_t version = (uint64_t) store_meta_get (self->db, "version", 0) + 1;
    Shanhai__V1__RegistryChanged changed = SHANHAI__V1__REGISTRY_CHANGED__INIT;
    changed.version = version;
    if (s_write_doc (self, doc) || store_meta_set (self->db, "version", (int64_t) version)
        || outbox_append (self->outbox, "registry.changed", "registry.changed", &changed.base) < 0
        || store_commit (self->db)) {
        store_rollback (self->db);
        outbox_rollback (self->outbox);
        return -1;
    }
    outbox_publish (self->outbox);
    reply->programs = (uint32_t) doc->n_programs;
    reply->regions = (uint32_t) doc->n_regions;
    reply->pairings = (uint32_t) doc->n_pairings;
    reply->people = (uint32_t) doc->n_people;
    reply->version = version;
    return 0;
}

static char *
s_column (sqlite3_stmt *statement, int column)
{
    const char *text = (const char *) sqlite3_column_text (statement, column);
    return strdup (text ? text : "");
}

static Shanhai__V1__Pairing *
s_pairing_from_row (sqlite3_stmt *statement)
{
    Shanhai__V1__Pairing *pairing = malloc (sizeof *pairing);
    if (!pairing)
        return NULL;
    shanhai__v1__pairing__init (pairing);
    char **fields[] = { &pairing->id, &pairing->program, &pairing->recipient,
                        &pairing->supporter, &pairing->start, &pairing->end, &pairing->note,
                        &pairing->recipient_name, &pairing->supporter_name };
    bool ok = true;
    for (int column = 0; column < 9; column++) {
        *fields[column] = s_column (statement, column);
        ok = ok && *fields[column];
    }
    if (!ok) {
        // Missing strings go back to the empty default, which free_unpacked leaves alone.
        for (int column = 0; column < 9; column++)
            if (!*fields[column])
                *fields[column] = (char *) protobuf_c_empty_string;
        shanhai__v1__pairing__free_unpacked (pairing, NULL);
        return NULL;
    }
    return pairing;
}

Shanhai__V1__Pairing *
registry_store_pairing (registry_store_t *self, const char *id, bool *failed)
{
    *failed = false;
    sqlite3_reset (self->pairing);
    sqlite3_bind_text (self->pairing, 1, id, -1, SQLITE_TRANSIENT);
    Shanhai__V1__Pairing *pairing = NULL;
    int rc = sqlite3_step (self->pairing);
    if (rc == SQLITE_ROW) {
        pairing = s_pairing_from_row (self->pairing);
        *failed = pairing == NULL;
    } else if (rc != SQLITE_DONE) {
        log_error ("pairing read failed", "error=\"%s\"", sqlite3_errmsg (self->db));
        *failed = true;
    }
    sqlite3_reset (self->pairing);
    return pairing;
}

// Appends item to a repeated field (an array of pointers and its count). Returns 0 or -1.
static int
s_push (void ***items, size_t *count, void *item)
{
    void **grown = realloc (*items, (*count + 1) * sizeof *grown);
    if (!grown)
        return -1;
    grown[(*count)++] = item;
    *items = grown;
    return 0;
}

Shanhai__V1__PairingList *
registry_store_pairings (registry_store_t *self, const char *program, const char *region,
                         const char *date)
{
    Shanhai__V1__PairingList *list = malloc (sizeof *list);
    if (!list)
        return NULL;
    shanhai__v1__pairing_list__init (list);
    sqlite3_stmt *statement = self->pairings;
    sqlite3_reset (statement);
    sqlite3_bind_text (statement, 1, program, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (statement, 2, region, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (statement, 3, date, -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step (statement)) == SQLITE_ROW) {
        Shanhai__V1__Pairing *pairing = s_pairing_from_row (statement);
        if (!pairing || s_push ((void ***) &list->pairings, &list->n_pairings, pairing)) {
            if (pairing)
                shanhai__v1__pairing__free_unpacked (pairing, NULL);
            rc = SQLITE_NOMEM;
            break;
        }
    }
    sqlite3_reset (statement);
    if (rc != SQLITE_DONE) {
        log_error ("pairings read failed", "error=\"%s\"", sqlite3_errmsg (self->db));
        shanhai__v1__pairing_list__free_unpacked (list, NULL);
        return NULL;
    }
    return list;
}

static Shanhai__V1__Person *
s_person_from_row (sqlite3_stmt *statement)
{
    Shanhai__V1__Person *person = malloc (sizeof *person);
    if (!person)
        return NULL;
    shanhai__v1__person__init (person);
    person->id = s_column (statement, 0);
    person->name = s_column (statement, 1);
    person->region = s_column (statement, 2);
    person->role = (Shanhai__V1__Role) sqlite3_column_int (statement, 3);
    person->pairing = s_column (statement, 4);
    person->program = s_column (statement, 5);
    if (!person->id || !person->name || !person->region || !person->pairing || !person->program) {
        free (person->id); free (person->name); free (person->region);
        free (person->pairing); free (person->program);
        free (person);
        return NULL;
    }
    return person;
}

Shanhai__V1__PersonList *
registry_store_people (registry_store_t *self, const Shanhai__V1__Pairing *pairing)
{
    Shanhai__V1__PersonList *list = malloc (sizeof *list);
    if (!list)
        return NULL;
    shanhai__v1__person_list__init (list);
    sqlite3_stmt *statement = self->people;
    sqlite3_reset (statement);
    sqlite3_bind_text (statement, 1, pairing->recipient, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (statement, 2, pairing->supporter, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (statement, 3, pairing->id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (statement, 4, pairing->program, -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step (statement)) == SQLITE_ROW) {
        Shanhai__V1__Person *person = s_person_from_row (statement);
        if (!person || s_push ((void ***) &list->people, &list->n_people, person)) {
            if (person)
                shanhai__v1__person__free_unpacked (person, NULL);
            rc = SQLITE_NOMEM;
            break;
        }
    }
    sqlite3_reset (statement);
    if (rc != SQLITE_DONE) {
        log_error ("people read failed", "error=\"%s\"", sqlite3_errmsg (self->db));
        shanhai__v1__person_list__free_unpacked (list, NULL);
        return NULL;
    }
    return list;
}

int32_t
registry_store_clock (registry_store_t *self, bool *fixed)
{
    *fixed = store_meta_get (self->db, "clock_fixed", 0) != 0;
    return (int32_t) store_meta_get (self->db, "clock_day", -1);
}

int
registry_store_set_clock (registry_store_t *self, int32_t day, bool fixed)
{
    bool was_fixed;
    int32_t previous = registry_store_clock (self, &was_fixed);
    assert (day > previous);
    char previous_text[DATE_TEXT_BYTES] = "", today_text[DATE_TEXT_BYTES];
    if (previous >= 0)
        date_format (previous, previous_text);
    date_format (day, today_text);
    Shanhai__V1__ClockChanged changed = SHANHAI__V1__CLOCK_CHANGED__INIT;
    changed.previous = previous_text;
    changed.today = today_text;
    if (store_begin (self->db) || store_meta_set (self->db, "clock_day", day)
        || store_meta_set (self->db, "clock_fixed", fixed)
        || outbox_append (self->outbox, "clock.changed", "clock.changed", &changed.base) < 0
        || store_commit (self->db)) {
        store_rollback (self->db);
        outbox_rollback (self->outbox);
        return -1;
    }
    outbox_publish (self->outbox);
    log_info ("clock moved", "previous=%s today=%s fixed=%d", *previous_text ? previous_text : "-",
              today_text, fixed);
    return 0;
}

int
registry_store_set_clock_mode (registry_store_t *self, bool fixed)
{
    if (store_begin (self->db) || store_meta_set (self->db, "clock_fixed", fixed)
        || store_commit (self->db)) {
        store_rollback (self->db);
        return -1;
    }
    log_info ("clock mode set", "fixed=%d", fixed);
    return 0;
}
