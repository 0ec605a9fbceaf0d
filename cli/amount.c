#include "amount.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "common/limits.h"
#include "common/money.h"

_Static_assert (AMOUNT_FEN_MAX < INT64_MAX / 10, "one more digit never overflows");

int
amount_parse_yuan (const char *text, int64_t *fen)
{
    return money_parse_decimal (text, 2, AMOUNT_FEN_MAX, fen);
}

void
amount_format (const char *unit, int64_t value, char *out, size_t out_size)
{
    if (strcmp (unit, "fen") == 0)
        money_format_yuan (value, out, out_size);
    else if (strcmp (unit, "bp") == 0) {
        // Hundredths of a percent are hundredths, as fen are of a yuan: the same digits.
        char hundredths[48];
        money_format_yuan (value, hundredths, sizeof hundredths);
        snprintf (out, out_size, "%s%%", hundredths);
    } else
        snprintf (out, out_size, "%lld", (long long) value);
}

const char *
amount_unit_label (const char *unit)
{
    return strcmp (unit, "fen") == 0 ? "yuan" : strcmp (unit, "bp") == 0 ? "%" : unit;
}
