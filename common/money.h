/*  money.h: fen for people, and decimals (a yuan amount, a reported figure) read exactly. */
#ifndef SHANHAI_MONEY_H
#define SHANHAI_MONEY_H

#include <stddef.h>
#include <stdint.h>

// Writes fen as yuan with thousands separators and two decimals: "5,000,000.00".
void money_format_yuan (int64_t fen, char *out, size_t out_size);
// Reads a decimal "[-]digits[.digits]" with at most places (0..2) digits after the point as a
// whole number of 10^-places units ("12.5" with 2 places: 1250), exactly, no float. Returns 0
// with *out, or -1 for anything else ("", "-", "12.", ".5", "1.234", "1e3") or a magnitude
// over max (max < INT64_MAX / 10).
int money_parse_decimal (const char *text, int places, int64_t max, int64_t *out);

#endif
