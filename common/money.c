#include "common/money.h"

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
