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
