#include "amount.h"

#include <stdbool.h>
#include <string.h>
#include "common/limits.h"

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
