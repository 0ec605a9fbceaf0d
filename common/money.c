#include "common/money.h"

#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

void
money_format_yuan (int64_t fen, char *out, size_t out_size)
{
    bool negative = fen < 0;
    uint64_t magnitude = negative ? (uint64_t) 0 - (uint64_t) fen : (uint64_t) fen;
    char digits[32];
    snprintf (digits, sizeof digits, "%llu", (unsigned long long) (magnitude / 100));
    char grouped[48];
    size_t length = strlen (digits), position = 0;
    for (size_t index = 0; index < length; index++) {
        if (index > 0 && (length - index) % 3 == 0)
            grouped[position++] = ',';
        grouped[position++] = digits[index];
    }
    grouped[position] = '\0';
    snprintf (out, out_size, "%s%s.%02llu", negative ? "-" : "", grouped,
              (unsigned long long) (magnitude % 100));
}

int
money_parse_decimal (const char *text, int places, int64_t max, int64_t *out)
{
    assert (places >= 0 && places <= 2 && max < INT64_MAX / 10);
    if (!text)
        return -1;
    const char *cursor = text;
    bool negative = *cursor == '-';
    if (negative)
        cursor++;
    int64_t value = 0;
    int digits = 0, decimals = -1;
    for (; *cursor; cursor++) {
        if (*cursor == '.' && decimals < 0 && digits > 0 && places > 0) {
            decimals = 0;
            continue;
        }
        if (*cursor < '0' || *cursor > '9' || decimals == places)
            return -1;
        value = value * 10 + (*cursor - '0');
        if (value > max)  // checked per digit, so value never nears INT64_MAX
            return -1;
        digits++;
        if (decimals >= 0)
            decimals++;
    }
    if (digits == 0 || decimals == 0)  // "", "-", "12."
        return -1;
    for (int scale = decimals < 0 ? 0 : decimals; scale < places; scale++)
        value *= 10;
    if (value > max)
        return -1;
    *out = negative ? -value : value;
    return 0;
}
