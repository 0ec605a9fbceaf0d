/*  log.h: the one log wrapper. Lines go to stderr as
        2026-11-23T05:23:32.123Z level=info service=ledger msg="recorded" key=value ...
    The level is checked before anything is formatted. */
#ifndef SHANHAI_LOG_H
#define SHANHAI_LOG_H

typedef enum { LOG_LEVEL_DEBUG = 0, LOG_LEVEL_INFO, LOG_LEVEL_WARN, LOG_LEVEL_ERROR } log_level_t;

// Names the service in every line and sets the level. The service name is copied.
void log_init (const char *service, log_level_t level);
// Parses "debug", "info", "warn" or "error"; returns 0, or -1 and leaves *level alone.
int log_level_parse (const char *text, log_level_t *level);
extern log_level_t log_level_current;

// msg is a short constant; fmt adds key=value context.
void log_write (log_level_t level, const char *msg, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

#define LOG_AT(level, msg, ...) \
    do { if ((level) >= log_level_current) log_write ((level), (msg), __VA_ARGS__); } while (0)
#define log_debug(msg, ...) LOG_AT (LOG_LEVEL_DEBUG, msg, __VA_ARGS__)
#define log_info(msg, ...) LOG_AT (LOG_LEVEL_INFO, msg, __VA_ARGS__)
#define log_warn(msg, ...) LOG_AT (LOG_LEVEL_WARN, msg, __VA_ARGS__)
#define log_error(msg, ...) LOG_AT (LOG_LEVEL_ERROR, msg, __VA_ARGS__)

#endif
