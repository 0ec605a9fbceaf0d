/*  money.h: fen for people. */
#ifndef SHANHAI_MONEY_H
#define SHANHAI_MONEY_H

#include <stddef.h>
#include <stdint.h>

// Writes fen as yuan with thousands separators and two decimals: "5,000,000.00".
void money_format_yuan (int64_t fen, char *out, size_t out_size);

#endif
