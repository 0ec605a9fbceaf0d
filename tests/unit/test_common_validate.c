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

Test (validate, c1_controls_are_control_characters)
{
    cr_assert_not (validate_text ("csi \xc2\x9b", 64, true), "U+009B is a terminal's CSI");
    cr_assert (validate_text ("nbsp \xc2\xa0", 64, false), "U+00A0 is text");
    cr_assert_not (validate_text ("del \x7f", 64, true));
}

// Expects validate_text_problem to give exactly reason (NULL: no problem).
static void
s_expect_text (const char *text, size_t max_bytes, bool multiline, const char *reason)
{
    char said[128] = "untouched";
    int rc = validate_text_problem (text, max_bytes, multiline, said, sizeof said);
    if (!reason) {
        cr_assert_eq (rc, 0, "refused: %s", said);
        cr_assert_str_eq (said, "untouched", "a valid text leaves the reason alone");
    } else {
        cr_assert_eq (rc, -1, "accepted, expected '%s'", reason);
        cr_assert_str_eq (said, reason);
    }
    cr_assert_eq (rc == 0, validate_text (text, max_bytes, multiline), "the two agree");
}

Test (validate, text_problems_name_the_reason_and_the_byte)
{
    s_expect_text ("a memo \x1b[31m", 64, true, "contains a control character (\\x1b) at byte 7");
    s_expect_text ("line\nbreak", 64, false, "contains a control character (\\x0a) at byte 4");
    s_expect_text ("line\nbreak\ttab", 64, true, NULL);
    s_expect_text ("tab\t", 64, false, "contains a control character (\\x09) at byte 3");
    s_expect_text ("竹\xc2\x9b", 64, false, "contains a control character (\\xc2\\x9b) at byte 3");
    s_expect_text ("abc\xff", 64, false, "is not valid UTF-8 at byte 3");
    s_expect_text ("竹\xe6\xba", 64, false, "is not valid UTF-8 at byte 3");
    s_expect_text ("\xc0\xaf", 64, false, "is not valid UTF-8 at byte 0");
    s_expect_text ("\xed\xa0\x80", 64, false, "is not valid UTF-8 at byte 0");
    s_expect_text (NULL, 64, false, "is missing");
    s_expect_text ("", 1, false, NULL);
    s_expect_text ("竹溪县", 10, false, NULL);
    s_expect_text ("竹溪县", 9, false, "is 9 bytes, more than 8");
}

Test (validate, the_length_is_checked_before_the_bytes)
{
    char memo[EVENT_MEMO_BYTES_MAX + 8];
    memset (memo, 'm', sizeof memo);
    memo[5] = '\x1b';
    memo[EVENT_MEMO_BYTES_MAX + 6] = '\0';  // 1030 bytes
    s_expect_text (memo, EVENT_MEMO_BYTES_MAX, true, "is 1030 bytes, more than 1023");
    memo[EVENT_MEMO_BYTES_MAX - 1] = '\0';  // the longest memo, with its ESC
    s_expect_text (memo, EVENT_MEMO_BYTES_MAX, true,
                   "contains a control character (\\x1b) at byte 5");
    memo[5] = 'm';
    s_expect_text (memo, EVENT_MEMO_BYTES_MAX, true, NULL);
}

// Expects validate_id_problem to give exactly reason (NULL: no problem).
static void
s_expect_id (const char *text, const char *reason)
{
    char said[128] = "untouched";
    int rc = validate_id_problem (text, said, sizeof said);
    if (!reason) {
        cr_assert_eq (rc, 0, "refused: %s", said);
        cr_assert_str_eq (said, "untouched");
    } else {
        cr_assert_eq (rc, -1, "accepted, expected '%s'", reason);
        cr_assert_str_eq (said, reason);
    }
    cr_assert_eq (rc == 0, validate_id (text), "the two agree");
}

Test (validate, id_problems_name_the_reason_and_the_byte)
{
    s_expect_id ("hb-01", NULL);
    s_expect_id ("a\nb", "has a character outside A-Z a-z 0-9 . _ : - at byte 1");
    s_expect_id ("has space", "has a character outside A-Z a-z 0-9 . _ : - at byte 3");
    s_expect_id ("竹溪", "has a character outside A-Z a-z 0-9 . _ : - at byte 0");
    s_expect_id ("", "is empty");
    s_expect_id (NULL, "is empty");
    char id[ID_BYTES_MAX + 1];
    memset (id, 'a', sizeof id);
    id[ID_BYTES_MAX - 1] = '\0';
    s_expect_id (id, NULL);
    id[ID_BYTES_MAX - 1] = 'a';
    id[ID_BYTES_MAX] = '\0';
    s_expect_id (id, "is 64 bytes, more than 63");
}

Test (validate, a_reason_is_cut_to_its_buffer)
{
    char said[8];
    cr_assert_eq (validate_id_problem ("a b", said, sizeof said), -1);
    cr_assert_str_eq (said, "has a c");
    cr_assert_eq (validate_text_problem ("\x01", 8, false, NULL, 0), -1, "no buffer, no write");
}

// Expects text to escape to exactly expected, in a buffer of out_size bytes, reporting
// needed as the whole copy's length.
static void
s_expect_escape (const char *text, size_t out_size, const char *expected, size_t needed)
{
    char out[256];
    cr_assert_leq (out_size, sizeof out);
    memset (out, '#', sizeof out);
    cr_assert_eq (validate_escape (text, out, out_size), needed, "%s", expected);
    cr_assert_str_eq (out, expected);
    cr_assert (validate_text (out, sizeof out, false), "the copy is printable: %s", out);
}

Test (validate, escape_makes_one_printable_line)
{
    s_expect_escape ("plain", 64, "plain", 5);
    s_expect_escape ("竹溪县 memo", 64, "竹溪县 memo", 14);
    s_expect_escape ("a\nb", 64, "a\\x0ab", 6);
    s_expect_escape ("\x1b[31mred", 64, "\\x1b[31mred", 11);
    s_expect_escape ("tab\there", 64, "tab\\x09here", 11);
    s_expect_escape ("del\x7f", 64, "del\\x7f", 7);
    s_expect_escape ("csi\xc2\x9b", 64, "csi\\xc2\\x9b", 11);
    s_expect_escape ("bad\xff", 64, "bad\\xff", 7);
    s_expect_escape ("\xe7\xab", 64, "\\xe7\\xab", 8);
    s_expect_escape ("\xe7\xab\xb9", 64, "竹", 3);
    s_expect_escape ("", 64, "", 0);
    s_expect_escape (NULL, 64, "", 0);
}

Test (validate, escape_cuts_between_characters)
{
    s_expect_escape ("abc", 4, "abc", 3);  // exactly fits with the NUL
    s_expect_escape ("abcd", 4, "abc", 4);
    s_expect_escape ("a竹", 4, "a", 4);    // the three bytes of 竹 do not fit after a
    s_expect_escape ("a\nb", 5, "a", 6);   // nor do the four of \x0a
    s_expect_escape ("a\nb", 6, "a\\x0a", 6);
    s_expect_escape ("\n", 1, "", 4);
    s_expect_escape ("ab\ncd", 3, "ab", 8);  // and nothing after the first cut
}

Test (validate, the_escape_bound_holds_for_the_worst_text)
{
    char text[65], out[VALIDATE_ESCAPED_BYTES (64)];
    memset (text, '\x01', 64);
    text[64] = '\0';
    cr_assert_eq (validate_escape (text, out, sizeof out), 4 * 64);
    cr_assert_eq (strlen (out), 4 * 64, "the whole copy fits its bound");
    memset (text, '\xc2', 64);
    for (int index = 1; index < 64; index += 2)
        text[index] = '\x85';  // 32 C1 controls: 8 bytes each
    cr_assert_eq (validate_escape (text, out, sizeof out), 4 * 64);
}

Test (validate, an_echo_is_cut_with_an_ellipsis)
{
    char out[ERROR_ECHO_BYTES_MAX];
    char id[ID_BYTES_MAX];
    memset (id, '\n', sizeof id - 1);
    id[sizeof id - 1] = '\0';
    validate_echo (id, out, sizeof out);
    cr_assert_eq (strlen (out), 4 * (ID_BYTES_MAX - 1), "the longest id is repeated whole");
    cr_assert_null (strstr (out, "..."));
    char small[8];
    validate_echo ("abcdefgh", small, sizeof small);
    cr_assert_str_eq (small, "abcd...");
    validate_echo ("abcdefg", small, sizeof small);
    cr_assert_str_eq (small, "abcdefg");
    validate_echo ("a\nbcdefg", small, sizeof small);
    cr_assert_str_eq (small, "a...", "an escape is not split for the ellipsis");
}
