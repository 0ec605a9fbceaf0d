#include "common/validate.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>
#include "common/errstr.h"
#include "common/limits.h"

// The longest unit validate_escape writes for one character: a C1 control's two bytes, each
// as "\xNN".
#define S_UNIT_BYTES_MAX 8

static bool
s_is_id_byte (char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
           || c == '_' || c == ':' || c == '-';
}

int
validate_id_problem (const char *text, char *reason, size_t reason_size)
{
    size_t length = text ? strlen (text) : 0;
    if (length == 0)
        return errstr_set (reason, reason_size, "is empty");
    if (length >= ID_BYTES_MAX)
        return errstr_set (reason, reason_size, "is %zu bytes, more than %d", length,
                           ID_BYTES_MAX - 1);
    for (size_t index = 0; index < length; index++)
        if (!s_is_id_byte (text[index]))
            return errstr_set (reason, reason_size, "has a character outside A-Z a-z 0-9 . _ : "
                               "- at byte %zu", index);
    return 0;
}

bool
validate_id (const char *text)
{
    return validate_id_problem (text, NULL, 0) == 0;
}

// Decodes the UTF-8 sequence at text into *code and returns its length (1..4), or 0 if it is
// not valid UTF-8 (overlong forms, surrogates and code points above U+10FFFF included).
static size_t
s_utf8_sequence (const unsigned char *text, size_t left, unsigned *code)
{
    unsigned char lead = text[0];
    size_t length;
    unsigned min_code;
    if (lead < 0x80) {
        *code = lead;
        return 1;
    } else if ((lead & 0xE0) == 0xC0) {
        length = 2; min_code = 0x80; *code = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3; min_code = 0x800; *code = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4; min_code = 0x10000; *code = lead & 0x07;
    } else
        return 0;
    if (length > left)
        return 0;
    for (size_t index = 1; index < length; index++) {
        if ((text[index] & 0xC0) != 0x80)
            return 0;
        *code = (*code << 6) | (text[index] & 0x3F);
    }
    if (*code < min_code || *code > 0x10FFFF || (*code >= 0xD800 && *code <= 0xDFFF))
        return 0;
    return length;
}

// C0 controls, DEL and C1 controls: what a terminal may act on instead of showing.
static bool
s_is_control (unsigned code)
{
    return code < 0x20 || (code >= 0x7F && code <= 0x9F);
}

// Writes length bytes as "\xNN" each into out (at least S_UNIT_BYTES_MAX + 1 bytes) and
// returns the length written.
static size_t
s_hex (const unsigned char *bytes, size_t length, char *out)
{
    assert (length <= S_UNIT_BYTES_MAX / 4);
    for (size_t index = 0; index < length; index++)
        snprintf (out + 4 * index, 5, "\\x%02x", bytes[index]);
    return 4 * length;
}

int
validate_text_problem (const char *text, size_t max_bytes, bool multiline, char *reason,
                       size_t reason_size)
{
    assert (max_bytes > 0);
    if (!text)
        return errstr_set (reason, reason_size, "is missing");
    size_t length = strlen (text);
    if (length >= max_bytes)
        return errstr_set (reason, reason_size, "is %zu bytes, more than %zu", length,
                           max_bytes - 1);
    const unsigned char *bytes = (const unsigned char *) text;
    for (size_t index = 0; index < length;) {
        unsigned code;
        size_t step = s_utf8_sequence (bytes + index, length - index, &code);
        if (step == 0)
            return errstr_set (reason, reason_size, "is not valid UTF-8 at byte %zu", index);
        if (s_is_control (code) && !(multiline && (code == '\n' || code == '\t'))) {
            char shown[S_UNIT_BYTES_MAX + 1];
            shown[s_hex (bytes + index, step, shown)] = '\0';
            return errstr_set (reason, reason_size, "contains a control character (%s) at "
                               "byte %zu", shown, index);
        }
        index += step;
    }
    return 0;
}

bool
validate_text (const char *text, size_t max_bytes, bool multiline)
{
    return validate_text_problem (text, max_bytes, multiline, NULL, 0) == 0;
}

size_t
validate_escape (const char *text, char *out, size_t out_size)
{
    assert (out && out_size > 0);
    const unsigned char *bytes = (const unsigned char *) (text ? text : "");
    size_t length = strlen ((const char *) bytes);
    size_t needed = 0, written = 0;
    bool cut = false;
    for (size_t index = 0; index < length;) {
        char unit[S_UNIT_BYTES_MAX + 1];
        size_t unit_length;
        unsigned code;
        size_t step = s_utf8_sequence (bytes + index, length - index, &code);
        if (step == 0)  // a byte that is no part of valid UTF-8: it alone is escaped
            unit_length = s_hex (bytes + index, step = 1, unit);
        else if (s_is_control (code))
            unit_length = s_hex (bytes + index, step, unit);
        else
            memcpy (unit, bytes + index, unit_length = step);
        // Once a unit does not fit, none after it is written: the copy is a prefix.
        cut = cut || written + unit_length >= out_size;
        if (!cut) {
            memcpy (out + written, unit, unit_length);
            written += unit_length;
        }
        needed += unit_length;
        index += step;
    }
    out[written] = '\0';
    return needed;
}

void
validate_echo (const char *text, char *out, size_t out_size)
{
    static const char ellipsis[] = "...";
    assert (out && out_size >= sizeof ellipsis);
    if (validate_escape (text, out, out_size) < out_size)
        return;
    // Cut again with room for the ellipsis, still between two characters.
    validate_escape (text, out, out_size - (sizeof ellipsis - 1));
    strcat (out, ellipsis);
}
