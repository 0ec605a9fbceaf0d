#include "common/errstr.h"

#include <stdarg.h>
#include <stdio.h>

int
errstr_set (char *errstr, size_t errstr_size, const char *fmt, ...)
{
    if (errstr && errstr_size > 0) {
        va_list args;
        va_start (args, fmt);
        vsnprintf (errstr, errstr_size, fmt, args);
        va_end (args);
    }
    return -1;
}
