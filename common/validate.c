#include "common/validate.h"

#include <string.h>
#include "common/limits.h"

bool
validate_id (const char *text)
{
    if (!text)
        return false;
    size_t length = strlen (text);
    if (length == 0 || length >= ID_BYTES_MAX)
        return false;
    for (size_t index = 0; index < length; index++) {
        char c = text[index];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                  || c == '.' || c == '_' || c == ':' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

// Returns the length of the UTF-8 sequence at text (1..4), or 0 if it is not valid UTF-8
// (overlong forms, surrogates and code points above U+10FFFF included).
static size_t
s_utf8_sequence (const unsigned char *text, size_t left)
{
    unsigned char lead = text[0];
    size_t length;
    unsigned min_code;
    unsigned code;
    if (lead < 0x80)
        return 1;
    else if ((lead & 0xE0) == 0xC0) {
        length = 2; min_code = 0x80; code = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3; min_code = 0x800; code = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4; min_code = 0x10000; code = lead & 0x07;
    } else
        return 0;
    if (length > left)
        return 0;
    for (size_t index = 1; index < length; index++) {
        if ((text[index] & 0xC0) != 0x80)
            return 0;
        code = (code << 6) | (text[index] & 0x3F);
    }
    if (code < min_code || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
        return 0;
    return length;
}

bool
validate_text (const char *text, size_t max_bytes, bool multiline)
{
    if (!text)
        return false;
    size_t length = strlen (text);
    if (length >= max_bytes)
        return false;
    const unsigned char *bytes = (const unsigned char *) text;
    for (size_t index = 0; index < length;) {
        unsigned char c = bytes[index];
        if (c < 0x20 || c == 0x7F) {
            if (!(multiline && (c == '\n' || c == '\t')))
                return false;
        }
        size_t step = s_utf8_sequence (bytes + index, length - index);
        if (step == 0)
            return false;
        index += step;
    }
    return true;
}
