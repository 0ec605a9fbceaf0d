/*  event_csv.h: an event as a CSV row, for shanhai import. The columns are the keys of the
    one JSON shape (common/event_json.h), named by a header row; a row becomes the JSON object
    that the same line of NDJSON would be, so that both formats go through event_json_to_event
    and are refused for the same reasons. An empty cell is a key left out. amount_fen, year,
    signed, persons, seq and registry_version are whole numbers; continued is true or false;
    every other cell is text (value too: "8.5").

    Cells are separated by commas; a cell in double quotes may hold commas and doubled quotes
    (""), not line breaks (RFC 4180 without multi-line cells). */
#ifndef SHANHAI_EVENT_CSV_H
#define SHANHAI_EVENT_CSV_H

#include <jansson.h>
#include <stddef.h>

typedef struct event_csv_t event_csv_t;

// Reads the header row line (no line break). Returns the reader, or NULL with one line in
// errstr (an empty or duplicated column, more than IMPORT_CSV_COLUMNS_MAX, a bad quote).
event_csv_t *event_csv_new (const char *line, char *errstr, size_t errstr_size);
void event_csv_destroy (event_csv_t **self_p);
// The JSON object of one row (a new reference, the caller's), or NULL with one line in errstr
// naming the column: a row with more or fewer cells than the header, a bad quote, a number
// column that is not a whole number, a continued that is not true or false.
json_t *event_csv_row (event_csv_t *self, const char *line, char *errstr, size_t errstr_size);

#endif
