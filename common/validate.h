/*  validate.h: the checks every entry point applies to the strings it is given. */
#ifndef SHANHAI_VALIDATE_H
#define SHANHAI_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

// An identifier: 1..ID_BYTES_MAX-1 bytes of [A-Za-z0-9._:-]. Safe in keys, topics and logs.
bool validate_id (const char *text);
// Text for people: valid UTF-8 of at most max_bytes - 1 bytes, with no control characters
// (tab and newline excepted when multiline). An empty string is valid.
bool validate_text (const char *text, size_t max_bytes, bool multiline);

#endif
