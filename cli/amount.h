/*  amount.h: money as people type it, into fen, exactly (no floating point). */
#ifndef SHANHAI_AMOUNT_H
#define SHANHAI_AMOUNT_H

#include <stddef.h>
#include <stdint.h>

// Parses "5000000", "1486263.73", "0.5" or "-10" (yuan, at most two decimals, an optional
// leading minus, no separators or exponents) into fen. The magnitude may be at most
// AMOUNT_FEN_MAX + 1 fen, so that an amount just over the ledger's limit still reaches the
// ledger and is refused there with its own message. Returns 0, or -1 and leaves *fen alone.
int amount_parse_yuan (const char *text, int64_t *fen);

#endif
