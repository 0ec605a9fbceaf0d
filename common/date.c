#include "common/date.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

// Days from civil and back: Howard Hinnant's algorithms ("chrono-Compatible Low-Level Date
// Algorithms"), exact for the proleptic Gregorian calendar with eras of 400 years.
int32_t
date_from_ymd (int year, int month, int day)
{
    year -= month <= 2;
    const int era = (year >= 0 ? year : year - 399) / 400;
    const int year_of_era = year - era * 400;
    const int day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

void
date_to_ymd (int32_t days, int *year, int *month, int *day)
{
    days += 719468;
    const int era = (days >= 0 ? days : days - 146096) / 146097;
    const int day_of_era = days - era * 146097;
    const int year_of_era
        = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const int day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const int shifted_month = (5 * day_of_year + 2) / 153;
    *day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    *month = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
    *year = year_of_era + era * 400 + (*month <= 2);
}

int
date_year (int32_t days)
{
    int year, month, day;
    date_to_ymd (days, &year, &month, &day);
    return year;
}

bool
date_year_is_valid (int year)
{
    return year >= DATE_YEAR_MIN && year <= DATE_YEAR_MAX;
}

static bool
s_is_digits (const char *text, int count)
{
    for (int index = 0; index < count; index++)
        if (text[index] < '0' || text[index] > '9')
            return false;
    return true;
}

int
date_parse (const char *text, int32_t *days)
{
    if (!text || strlen (text) != DATE_TEXT_BYTES - 1 || text[4] != '-' || text[7] != '-'
        || !s_is_digits (text, 4) || !s_is_digits (text + 5, 2) || !s_is_digits (text + 8, 2))
        return -1;
    int year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10
               + (text[3] - '0');
    int month = (text[5] - '0') * 10 + (text[6] - '0');
    int day = (text[8] - '0') * 10 + (text[9] - '0');
    if (!date_year_is_valid (year) || month < 1 || month > 12 || day < 1)
        return -1;
    // The day exists when it survives the round trip.
    int32_t candidate = date_from_ymd (year, month, day);
    int back_year, back_month, back_day;
    date_to_ymd (candidate, &back_year, &back_month, &back_day);
    if (back_year != year || back_month != month || back_day != day)
        return -1;
    *days = candidate;
    return 0;
}

void
date_format (int32_t days, char out[DATE_TEXT_BYTES])
{
    int year, month, day;
    date_to_ymd (days, &year, &month, &day);
    // Years outside 0..9999 cannot be told as YYYY; no caller passes one.
    assert (year >= 0 && year <= 9999);
    snprintf (out, DATE_TEXT_BYTES, "%04d-%02d-%02d", year, month, day);
}

int64_t
date_now_ms (void)
{
    struct timeval now;
    gettimeofday (&now, NULL);
    return (int64_t) now.tv_sec * 1000 + now.tv_usec / 1000;
}

int32_t
date_today (void)
{
    // China Standard Time is UTC+8 all year round.
    const int64_t china_offset_s = 8 * 3600;
    int64_t seconds = date_now_ms () / 1000 + china_offset_s;
    return (int32_t) (seconds / 86400);
}
