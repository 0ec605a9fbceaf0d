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
    if (!text)
        return -1;
    const char *cursor = text;
    bool negative = *cursor == '-';
    if (negative)
        cursor++;
    int64_t value = 0;
    int digits = 0, decimals = -1;
    for (; *cursor; cursor++) {
        if (*cursor == '.' && decimals < 0 && digits > 0) {
            decimals = 0;
            continue;
        }
        if (*cursor < '0' || *cursor > '9' || decimals == 2)
            return -1;
        value = value * 10 + (*cursor - '0');
        if (value > AMOUNT_FEN_MAX)  // checked per digit, so value never nears INT64_MAX
            return -1;
        digits++;
        if (decimals >= 0)
            decimals++;
    }
    if (digits == 0 || decimals == 0)  // "", "-", "12."
        return -1;
    for (int scale = decimals < 0 ? 0 : decimals; scale < 2; scale++)
        value *= 10;
    if (value > AMOUNT_FEN_MAX)
        return -1;
    *fen = negative ? -value : value;
    return 0;
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
