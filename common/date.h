/*  date.h: calendar days. Inside shanhai a day is an int32 count of days since 1970-01-01
    (proleptic Gregorian); on the wire and for people it is "YYYY-MM-DD". */
#ifndef SHANHAI_DATE_H
#define SHANHAI_DATE_H

#include <stdbool.h>
#include <stdint.h>
#include "common/limits.h"

// Parses exactly "YYYY-MM-DD" (four, two, two digits; a real day of a year in
// DATE_YEAR_MIN..DATE_YEAR_MAX). Returns 0 and sets *days, or -1 and leaves it alone.
int date_parse (const char *text, int32_t *days);
// Writes "YYYY-MM-DD" and a NUL into out.
void date_format (int32_t days, char out[DATE_TEXT_BYTES]);
int32_t date_from_ymd (int year, int month, int day);
void date_to_ymd (int32_t days, int *year, int *month, int *day);
int date_year (int32_t days);
bool date_year_is_valid (int year);
// Today in China Standard Time (UTC+8, no daylight saving): the programs' own calendar.
int32_t date_today (void);
// Unix milliseconds now, from the real-time clock.
int64_t date_now_ms (void);

#endif
