/*  CSV rows into the one JSON shape: the header names the keys, cells are typed by key, and
    every refusal names the cell or column. */
#include <criterion/criterion.h>
#include <string.h>
#include "common/limits.h"
#include "event_csv.h"

static event_csv_t *
s_header (const char *line)
{
    char errstr[256] = "";
    event_csv_t *csv = event_csv_new (line, errstr, sizeof errstr);
    cr_assert (csv, "%s", errstr);
    return csv;
}

// The row as compact JSON (the caller frees it), or NULL with the reason in errstr.
static char *
s_row (event_csv_t *csv, const char *line, char *errstr, size_t errstr_size)
{
    json_t *object = event_csv_row (csv, line, errstr, errstr_size);
    if (!object)
        return NULL;
    char *text = json_dumps (object, JSON_PRESERVE_ORDER | JSON_COMPACT);
    json_decref (object);
    return text;
}

Test (event_csv, cells_become_typed_members_and_empty_cells_are_left_out)
{
    event_csv_t *csv = s_header ("id,kind,pair,amount_fen,memo,continued,signed,value");
    char errstr[256] = "";
    char *text = s_row (csv, "e1,investment,wz-01,500,\"a, \"\"b\"\"\",true,,8.50", errstr,
                        sizeof errstr);
    cr_assert (text, "%s", errstr);
    cr_assert_str_eq (text, "{\"id\":\"e1\",\"kind\":\"investment\",\"pair\":\"wz-01\","
                            "\"amount_fen\":500,\"memo\":\"a, \\\"b\\\"\",\"continued\":true,"
                            "\"value\":\"8.50\"}");
    free (text);
    text = s_row (csv, ",,,,,,,", errstr, sizeof errstr);
    cr_assert_str_eq (text, "{}", "every cell empty");
    free (text);
    event_csv_destroy (&csv);
    event_csv_destroy (&csv);
}

Test (event_csv, bad_rows_are_named)
{
    event_csv_t *csv = s_header ("id,amount_fen,continued");
    struct { const char *line; const char *error; } cases[] = {
        { "e1,5", "2 cells, but the header has 3 columns" },
        { "e1,5,true,x", "4 cells, but the header has 3 columns" },
        { "e1,5.5,true", "column amount_fen: \"5.5\" is not a whole number" },
        { "e1,5,yes", "column continued: \"yes\" is not true or false" },
        { "\"e1,5,true", "cell 1 has no closing quote" },
        { "\"e1\"x,5,true", "cell 1 has text after its closing quote" },
        { "e\"1,5,true", "cell 1 has a quote inside: quote the whole cell" },
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases[0]; index++) {
        char errstr[256] = "";
        cr_assert_null (s_row (csv, cases[index].line, errstr, sizeof errstr), "%s",
                        cases[index].line);
        cr_assert_str_eq (errstr, cases[index].error, "%s", cases[index].line);
    }
    event_csv_destroy (&csv);
}

Test (event_csv, headers_are_checked)
{
    char errstr[256] = "";
    cr_assert_null (event_csv_new ("id,kind,id", errstr, sizeof errstr));
    cr_assert_str_eq (errstr, "the header names column id twice");
    cr_assert_null (event_csv_new ("id,,kind", errstr, sizeof errstr));
    cr_assert_str_eq (errstr, "the header's column 2 has no name");
    char line[IMPORT_CSV_COLUMNS_MAX * 4 + 8] = "";
    for (int index = 0; index < IMPORT_CSV_COLUMNS_MAX; index++)
        sprintf (line + strlen (line), "%sc%d", index ? "," : "", index);
    event_csv_t *csv = event_csv_new (line, errstr, sizeof errstr);
    cr_assert (csv, "exactly the limit: %s", errstr);
    event_csv_destroy (&csv);
    strcat (line, ",one-more");
    cr_assert_null (event_csv_new (line, errstr, sizeof errstr));
    cr_assert_str_eq (errstr, "more than 32 cells");
}
