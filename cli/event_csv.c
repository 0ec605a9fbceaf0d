#include "event_csv.h"

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "common/errstr.h"
#include "common/limits.h"

struct event_csv_t {
    size_t columns;
    char *names[IMPORT_CSV_COLUMNS_MAX];
};

// Splits line into at most IMPORT_CSV_COLUMNS_MAX cells written into buffer (as long as
// line, plus one byte a cell): cells[i] points into it. Returns the number of cells, or -1
// with the reason.
static int
s_split (const char *line, char *buffer, char **cells, char *errstr, size_t errstr_size)
{
    int count = 0;
    const char *at = line;
    char *out = buffer;
    while (true) {
        if (count == IMPORT_CSV_COLUMNS_MAX)
            return errstr_set (errstr, errstr_size, "more than %d cells",
                               IMPORT_CSV_COLUMNS_MAX);
        cells[count++] = out;
        if (*at == '"') {
            at++;
            while (*at && !(*at == '"' && at[1] != '"')) {
                if (*at == '"')
                    at++;  // a doubled quote
                *out++ = *at++;
            }
            if (*at != '"')
                return errstr_set (errstr, errstr_size, "cell %d has no closing quote", count);
            at++;
            if (*at && *at != ',')
                return errstr_set (errstr, errstr_size, "cell %d has text after its closing "
                                   "quote", count);
        } else
            while (*at && *at != ',') {
                if (*at == '"')
                    return errstr_set (errstr, errstr_size, "cell %d has a quote inside: quote "
                                       "the whole cell", count);
                *out++ = *at++;
            }
        *out++ = '\0';
        if (*at != ',')
            return count;
        at++;
    }
}

event_csv_t *
event_csv_new (const char *line, char *errstr, size_t errstr_size)
{
    assert (line);
    char *buffer = malloc (strlen (line) + IMPORT_CSV_COLUMNS_MAX + 2);
    char *cells[IMPORT_CSV_COLUMNS_MAX + 1];
    event_csv_t *self = calloc (1, sizeof *self);
    int count = buffer && self ? s_split (line, buffer, cells, errstr, errstr_size) : -1;
    if (!buffer || !self)
        errstr_set (errstr, errstr_size, "out of memory");
    for (int index = 0; index < count; index++) {
        for (int before = 0; before < index; before++)
            if (strcmp (cells[before], cells[index]) == 0)
                count = errstr_set (errstr, errstr_size, "the header names column %s twice",
                                    cells[index]);
        if (count > 0 && !*cells[index])
            count = errstr_set (errstr, errstr_size, "the header's column %d has no name",
                                index + 1);
        if (count < 0)
            break;
        if (!(self->names[index] = strdup (cells[index])))
            count = errstr_set (errstr, errstr_size, "out of memory");
        else
            self->columns = (size_t) index + 1;
    }
    free (buffer);
    if (count < 0)
        event_csv_destroy (&self);
    return self;
}

void
event_csv_destroy (event_csv_t **self_p)
{
    if (self_p && *self_p) {
        for (size_t index = 0; index < (*self_p)->columns; index++)
            free ((*self_p)->names[index]);
        free (*self_p);
        *self_p = NULL;
    }
}

// The JSON value of a cell of column name (a new reference), or NULL with the reason.
static json_t *
s_value (const char *name, const char *cell, char *errstr, size_t errstr_size)
{
    static const char *const numbers[] = { "amount_fen", "year", "signed", "persons", "seq",
                                           "registry_version", NULL };
    for (const char *const *number = numbers; *number; number++) {
        if (strcmp (name, *number) != 0)
            continue;
        char *end = NULL;
        errno = 0;
        long long value = strtoll (cell, &end, 10);
        if (*end || errno) {
            errstr_set (errstr, errstr_size, "column %s: \"%.40s\" is not a whole number", name,
                        cell);
            return NULL;
        }
        return json_integer (value);
    }
    if (strcmp (name, "continued") == 0) {
        if (strcmp (cell, "true") == 0 || strcmp (cell, "false") == 0)
            return json_boolean (strcmp (cell, "true") == 0);
        errstr_set (errstr, errstr_size, "column continued: \"%.40s\" is not true or false",
                    cell);
        return NULL;
    }
    return json_string (cell);
}

json_t *
event_csv_row (event_csv_t *self, const char *line, char *errstr, size_t errstr_size)
{
    assert (self && line);
    char *buffer = malloc (strlen (line) + IMPORT_CSV_COLUMNS_MAX + 2);
    char *cells[IMPORT_CSV_COLUMNS_MAX + 1];
    json_t *object = buffer ? json_object () : NULL;
    int count = object ? s_split (line, buffer, cells, errstr, errstr_size)
                       : errstr_set (errstr, errstr_size, "out of memory");
    if (count >= 0 && (size_t) count != self->columns)
        count = errstr_set (errstr, errstr_size, "%d cells, but the header has %zu columns",
                            count, self->columns);
    for (int index = 0; count > 0 && index < count; index++) {
        if (!*cells[index])
            continue;
        json_t *value = s_value (self->names[index], cells[index], errstr, errstr_size);
        if (!value || json_object_set_new (object, self->names[index], value))
            count = -1;
    }
    free (buffer);
    if (count < 0) {
        json_decref (object);
        return NULL;
    }
    return object;
}
