/*  gateway_apps.h: the applications allowed to call the gateway, read from the apps file
    (SHANHAI_GATEWAY_APPS):

        [{"key": "bus-zj", "secret": "...", "write": ["zj-yongjia", ...] | "*",
          "read": "*" | "own"}]

    `write` lists the regions an application may record events for ("*": any, []: a viewer);
    `read` is everything, or only the pairs its regions are a party of. The file is the
    operator's: unknown members, a key twice, a secret shorter than GATEWAY_SECRET_BYTES_MIN
    are refused, naming the entry. When the file does not exist the gateway makes one with an
    administrator ("admin", writes and reads everything) and a viewer ("viewer", reads
    everything), each with a random secret, readable by its owner only.

    The set is immutable once loaded; every pointer it returns is borrowed from it. */
#ifndef SHANHAI_GATEWAY_APPS_H
#define SHANHAI_GATEWAY_APPS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct gateway_apps_t gateway_apps_t;
typedef struct gateway_app_t gateway_app_t;

// Reads the apps file at path; when it does not exist and create is true, first writes a new
// one (admin and viewer, random secrets, mode 0600). Returns the set, or NULL with one line
// in errstr naming the file and the entry.
gateway_apps_t *gateway_apps_load (const char *path, bool create, char *errstr,
                                   size_t errstr_size);
void gateway_apps_destroy (gateway_apps_t **self_p);
size_t gateway_apps_count (const gateway_apps_t *self);

// The application with key, or NULL.
const gateway_app_t *gateway_apps_find (const gateway_apps_t *self, const char *key);
const char *gateway_app_key (const gateway_app_t *app);
const char *gateway_app_secret (const gateway_app_t *app);
// True when the application may record for region ("*", or region is in its list).
bool gateway_app_writes (const gateway_app_t *app, const char *region);
// True when the application reads everything; otherwise only its regions' pairs.
bool gateway_app_reads_all (const gateway_app_t *app);
// True when region is one of the application's own ("*" holds every region).
bool gateway_app_holds (const gateway_app_t *app, const char *region);

#endif
