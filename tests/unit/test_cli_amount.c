#include <criterion/criterion.h>
#include "amount.h"
#include "common/limits.h"
#include "common/money.h"

Test (amount, parses_yuan_into_fen_exactly)
{
    struct { const char *text; int64_t fen; } cases[] = {
        { "5000000", 500000000 }, { "1486263.73", 148626373 }, { "0.01", 1 }, { "0.5", 50 },
        { "12.3", 1230 }, { "-10", -1000 }, { "0", 0 }, { "007", 700 }, { "0.00", 0 },
        { "-0.01", -1 }, { "1.10", 110 }, { "100000000000", AMOUNT_FEN_MAX },
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases[0]; index++) {
        int64_t fen = 42;
        cr_assert_eq (amount_parse_yuan (cases[index].text, &fen), 0, "%s", cases[index].text);
        cr_assert_eq (fen, cases[index].fen, "%s", cases[index].text);
    }
}

Test (amount, refuses_what_is_not_an_amount)
{
    const char *bad[] = { "", "-", "1e5", "1,000", "12.345", "12.", ".5", "12abc", " 1", "1 ",
                          "--1", "1.2.3", "+5", "-.5", "1.-5", "5-", "1_000", "１", "0x10",
                          "\t1", NULL };
    for (int index = 0; bad[index]; index++) {
        int64_t fen = 42;
        cr_assert_eq (amount_parse_yuan (bad[index], &fen), -1, "accepted '%s'", bad[index]);
        cr_assert_eq (fen, 42);
    }
    int64_t fen;
    cr_assert_eq (amount_parse_yuan (NULL, &fen), -1);
}

Test (amount, the_limit_is_exact)
{
    // AMOUNT_FEN_MAX is 10^13 fen: 10^11 yuan. One fen more is not an amount shanhai holds.
    int64_t fen;
    cr_assert_eq (amount_parse_yuan ("100000000000", &fen), 0);
    cr_assert_eq (fen, AMOUNT_FEN_MAX);
    cr_assert_eq (amount_parse_yuan ("99999999999.99", &fen), 0);
    cr_assert_eq (fen, AMOUNT_FEN_MAX - 1);
    cr_assert_eq (amount_parse_yuan ("-100000000000", &fen), 0);
    cr_assert_eq (fen, -AMOUNT_FEN_MAX);
    fen = 42;
    cr_assert_eq (amount_parse_yuan ("100000000000.01", &fen), -1);
    cr_assert_eq (amount_parse_yuan ("-100000000000.01", &fen), -1);
    cr_assert_eq (amount_parse_yuan ("100000000001", &fen), -1);
    cr_assert_eq (amount_parse_yuan ("99999999999999999999999", &fen), -1, "no overflow");
    cr_assert_eq (amount_parse_yuan ("0.000000000000000000001", &fen), -1);
    cr_assert_eq (fen, 42);
}

Test (money, formats_yuan)
{
    char out[48];
    money_format_yuan (500000000, out, sizeof out);
    cr_assert_str_eq (out, "5,000,000.00");
    money_format_yuan (1, out, sizeof out);
    cr_assert_str_eq (out, "0.01");
    money_format_yuan (-123456, out, sizeof out);
    cr_assert_str_eq (out, "-1,234.56");
    money_format_yuan (99999, out, sizeof out);
    cr_assert_str_eq (out, "999.99");
}

Test (amount, formats_each_unit_as_people_read_it)
{
    struct { const char *unit; int64_t value; const char *text; } cases[] = {
        { "fen", 500000000, "5,000,000.00" }, { "fen", -1, "-0.01" }, { "fen", 0, "0.00" },
        { "bp", 6500, "65.00%" }, { "bp", 754, "7.54%" }, { "bp", -37, "-0.37%" },
        { "bp", 5, "0.05%" }, { "bp", 1000000, "10,000.00%" }, { "count", 2, "2" },
        { "persons", 6000, "6000" }, { "projects", 0, "0" }, { "count", -3, "-3" },
        { "fen", INT64_MIN, "-92,233,720,368,547,758.08" },
        { "bp", INT64_MAX, "92,233,720,368,547,758.07%" },
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases[0]; index++) {
        char text[64];
        amount_format (cases[index].unit, cases[index].value, text, sizeof text);
        cr_assert_str_eq (text, cases[index].text, "%s %lld", cases[index].unit,
                          (long long) cases[index].value);
    }
    char small[4];
    amount_format ("bp", 6500, small, sizeof small);
    cr_assert_str_eq (small, "65.", "cut like snprintf, terminated");
}

Test (amount, names_each_unit_for_a_table)
{
    cr_assert_str_eq (amount_unit_label ("fen"), "yuan");
    cr_assert_str_eq (amount_unit_label ("bp"), "%");
    cr_assert_str_eq (amount_unit_label ("persons"), "persons");
    cr_assert_str_eq (amount_unit_label ("count"), "count");
}
