#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

log_level_t log_level_current = LOG_LEVEL_INFO;
static char s_service[32] = "shanhai";

static const char *s_level_names[] = { "debug", "info", "warn", "error" };

void
log_init (const char *service, log_level_t level)
{
    snprintf (s_service, sizeof s_service, "%s", service ? service : "shanhai");
    log_level_current = level;
}

int
log_level_parse (const char *text, log_level_t *level)
{
    for (int index = 0; text && index < 4; index++)
        if (strcmp (text, s_level_names[index]) == 0) {
            *level = (log_level_t) index;
            return 0;
        }
    return -1;
}

void
log_write (log_level_t level, const char *msg, const char *fmt, ...)
{
    struct timeval now;
    gettimeofday (&now, NULL);
    struct tm utc;
    gmtime_r (&now.tv_sec, &utc);
    char stamp[32];
    strftime (stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);

    // One fprintf per line, so lines of concurrent threads do not interleave mid-line.
    char context[1024] = "";
    if (fmt && *fmt) {
        va_list args;
        va_start (args, fmt);
        vsnprintf (context, sizeof context, fmt, args);
        va_end (args);
    }
    fprintf (stderr, "%s.%03ldZ level=%s service=%s msg=\"%s\"%s%s\n", stamp,
             (long) (now.tv_usec / 1000), s_level_names[level], s_service, msg,
             *context ? " " : "", context);
}
