#include <criterion/criterion.h>
#include "common/date.h"

Test (date, parses_and_formats_round_trip)
{
    int32_t days;
    cr_assert_eq (date_parse ("1970-01-01", &days), -1, "1970 is below DATE_YEAR_MIN");
    cr_assert_eq (date_parse ("2021-01-01", &days), 0);
    cr_assert_eq (days, 18628);
    char text[DATE_TEXT_BYTES];
    date_format (days, text);
    cr_assert_str_eq (text, "2021-01-01");
    cr_assert_eq (date_year (days), 2021);
}

Test (date, knows_leap_years)
{
    int32_t days;
    cr_assert_eq (date_parse ("2024-02-29", &days), 0);
    cr_assert_eq (date_parse ("2023-02-29", &days), -1);
    cr_assert_eq (date_parse ("2000-02-29", &days), 0, "2000 is a leap year");
    cr_assert_eq (date_parse ("2100-02-29", &days), -1, "2100 is outside, and not leap");
    int32_t start, end;
    date_parse ("2024-01-01", &start);
    date_parse ("2024-12-31", &end);
    cr_assert_eq (end - start, 365);
}

Test (date, limits_are_exact)
{
    int32_t days;
    cr_assert_eq (date_parse ("2000-01-01", &days), 0);
    cr_assert_eq (date_parse ("1999-12-31", &days), -1);
    cr_assert_eq (date_parse ("2099-12-31", &days), 0);
    cr_assert_eq (date_parse ("2100-01-01", &days), -1);
}

Test (date, rejects_malformed_text_and_leaves_output_alone)
{
    const char *bad[] = { "", "2021-1-01", "2021-01-1", "2021/01/01", "2021-13-01",
                          "2021-00-10", "2021-04-31", "2021-01-01 ", " 2021-01-01",
                          "20210101", "2021-01-0x", "abcd-ef-gh", NULL };
    for (int index = 0; bad[index]; index++) {
        int32_t days = 42;
        cr_assert_eq (date_parse (bad[index], &days), -1, "accepted '%s'", bad[index]);
        cr_assert_eq (days, 42);
    }
    int32_t days = 42;
    cr_assert_eq (date_parse (NULL, &days), -1);
}

Test (date, every_day_of_the_range_round_trips)
{
    int32_t first, last;
    date_parse ("2000-01-01", &first);
    date_parse ("2099-12-31", &last);
    for (int32_t days = first; days <= last; days++) {
        char text[DATE_TEXT_BYTES];
        date_format (days, text);
        int32_t back;
        cr_assert_eq (date_parse (text, &back), 0, "%s", text);
        cr_assert_eq (back, days);
    }
}

Test (date, today_is_in_range)
{
    cr_assert (date_year_is_valid (date_year (date_today ())));
    cr_assert_gt (date_now_ms (), 1700000000000LL);
}
