/*  validate.h: the checks every entry point applies to the strings it is given, the reason a
    string is refused, and the escaping that lets any string stand in a one-line message.

    A reason is a predicate for a sentence whose subject the caller names (`memo`, `id "x"`):
    "is empty", "is 1030 bytes, more than 1023", "contains a control character (\x1b) at byte
    5", "is not valid UTF-8 at byte 3", "has a character outside A-Z a-z 0-9 . _ : - at byte
    1". Byte offsets count from 0. */
#ifndef SHANHAI_VALIDATE_H
#define SHANHAI_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

// An identifier: 1..ID_BYTES_MAX-1 bytes of [A-Za-z0-9._:-]. Safe in keys, topics and logs.
bool validate_id (const char *text);
// Why text is not an identifier: returns 0 when it is one, or -1 with the reason in reason
// (cut to reason_size - 1 bytes; reason may be NULL when reason_size is 0). A NULL text is
// refused as empty.
int validate_id_problem (const char *text, char *reason, size_t reason_size);
// Text for people: valid UTF-8 of at most max_bytes - 1 bytes, with no control characters
// (C0, DEL and C1; tab and newline excepted when multiline). An empty string is valid.
bool validate_text (const char *text, size_t max_bytes, bool multiline);
// Why text is not such text: returns 0 when it is, or -1 with the reason in reason, as
// validate_id_problem. The length is checked first, then the bytes in order: the reason names
// the first problem.
int validate_text_problem (const char *text, size_t max_bytes, bool multiline, char *reason,
                           size_t reason_size);

// The bytes validate_escape needs at most for text_bytes bytes of text, with the NUL.
#define VALIDATE_ESCAPED_BYTES(text_bytes) (4 * (text_bytes) + 1)
// Copies text into out as one printable line: each control character (C0, DEL, C1) and each
// byte that is not part of valid UTF-8 is written as "\xNN" (a C1 character as its two bytes),
// everything else, Chinese included, as it is. When out is too small the copy is cut between
// two characters or escapes, never inside one, and always terminated (out_size must be at
// least 1). Returns the length the whole copy needs, without the NUL, as snprintf does: the
// copy was cut when that is out_size or more. A NULL text is copied as "".
size_t validate_escape (const char *text, char *out, size_t out_size);
// What an error message repeats of a refused value: text escaped as by validate_escape into
// out (ERROR_ECHO_BYTES_MAX is enough for any id), ending in "..." when it was cut.
void validate_echo (const char *text, char *out, size_t out_size);

#endif
