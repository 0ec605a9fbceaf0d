/*  errstr.h: the one way to fill a caller's error buffer.

    Contexts that talk to the outside carry a fixed `char errstr[]` (hiredis's habit): a
    function that fails writes one line there and returns -1 (or NULL). errstr_set is the
    printf into it, so that every module formats its reasons the same way. */
#ifndef SHANHAI_ERRSTR_H
#define SHANHAI_ERRSTR_H

#include <stddef.h>

// Writes the formatted reason into errstr (cut to errstr_size - 1 bytes, always terminated;
// errstr may be NULL when errstr_size is 0). Returns -1, so that `return errstr_set (...)`
// fails the caller in one statement.
int errstr_set (char *errstr, size_t errstr_size, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

#endif
