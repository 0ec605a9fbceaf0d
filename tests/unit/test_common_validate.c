#include <criterion/criterion.h>
#include <string.h>
#include "common/limits.h"
#include "common/validate.h"

Test (validate, ids)
{
    cr_assert (validate_id ("hb-01"));
    cr_assert (validate_id ("0190f3a2-7c1e-7000-8000-000000000001"));
    cr_assert (validate_id ("a.b_c:d"));
    cr_assert_not (validate_id (""));
    cr_assert_not (validate_id (NULL));
    cr_assert_not (validate_id ("has space"));
    cr_assert_not (validate_id ("star*"));
    cr_assert_not (validate_id ("竹溪"));
}

Test (validate, id_length_limit_is_exact)
{
    char id[ID_BYTES_MAX + 1];
    memset (id, 'a', sizeof id);
    id[ID_BYTES_MAX - 1] = '\0';
    cr_assert (validate_id (id), "ID_BYTES_MAX - 1 bytes is the longest id");
    id[ID_BYTES_MAX - 1] = 'a';
    id[ID_BYTES_MAX] = '\0';
    cr_assert_not (validate_id (id));
}

Test (validate, text)
{
    cr_assert (validate_text ("", 10, false));
    cr_assert (validate_text ("竹溪县", 10, false), "9 bytes of UTF-8 fit 10");
    cr_assert_not (validate_text ("竹溪县", 9, false), "9 bytes need 10 with the NUL");
    cr_assert_not (validate_text ("line\nbreak", 64, false));
    cr_assert (validate_text ("line\nbreak", 64, true));
    cr_assert_not (validate_text ("bell\a", 64, true));
    cr_assert_not (validate_text ("\xff\xfe", 64, false), "not UTF-8");
    cr_assert_not (validate_text ("\xc0\xaf", 64, false), "overlong");
    cr_assert_not (validate_text ("\xed\xa0\x80", 64, false), "surrogate");
    cr_assert_not (validate_text ("\xe7\xab", 64, false), "truncated sequence");
    cr_assert_not (validate_text (NULL, 64, false));
}
