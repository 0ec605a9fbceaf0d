/*  amount.h: money as people type it, into fen, exactly (no floating point). */
#ifndef SHANHAI_AMOUNT_H
#define SHANHAI_AMOUNT_H

#include <stddef.h>
#include <stdint.h>

// Parses "5000000", "1486263.73", "0.5" or "-10" (yuan: digits, then optionally '.' and one
// or two digits; an optional leading minus; no sign '+', separators, spaces or exponents) into
// fen, exactly, without floating point. A minus is kept, so that the ledger refuses a negative
// amount with its own message; the magnitude may be at most AMOUNT_FEN_MAX fen, beyond which
// the number is not an amount shanhai can hold. Returns 0, or -1 and leaves *fen alone.
int amount_parse_yuan (const char *text, int64_t *fen);

#endif
