/*  amount.h: money as people type it, into fen, exactly (no floating point); and a rule's
    quantities in its unit as people read them. */
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

// Writes value, a quantity in one of the rules' units, as people read it, exactly: fen as
// yuan with thousands separators and two decimals ("5,000,000.00"), bp (a hundredth of a
// percent) as a percent with two decimals ("65.00%", "-0.37%"), anything else (count,
// persons, projects) as a whole number ("6000"). Cut to out_size - 1 bytes like snprintf.
void amount_format (const char *unit, int64_t value, char *out, size_t out_size);
// What a table's UNIT column says of unit: "yuan" for fen, "%" for bp, else unit itself.
// Returns a borrowed string (unit, or a literal).
const char *amount_unit_label (const char *unit);

#endif
