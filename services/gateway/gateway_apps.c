#include "gateway_apps.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common/errstr.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/validate.h"

struct gateway_app_t {
    char key[ID_BYTES_MAX];
    char secret[GATEWAY_SECRET_BYTES_MAX + 1];
    bool write_all;
    bool read_all;
    size_t region_count;
    char regions[GATEWAY_APP_REGIONS_MAX][ID_BYTES_MAX];
};

struct gateway_apps_t {
    size_t count;
    gateway_app_t *apps;
};

// 64 hex digits of fresh randomness and the NUL.
static int
s_random_secret (char out[2 * GATEWAY_SECRET_RANDOM_BYTES + 1])
{
    unsigned char bytes[GATEWAY_SECRET_RANDOM_BYTES];
    if (getrandom (bytes, sizeof bytes, 0) != (ssize_t) sizeof bytes)
        return -1;
    for (size_t index = 0; index < sizeof bytes; index++)
        sprintf (out + 2 * index, "%02x", bytes[index]);
    return 0;
}

// Writes a new apps file at path, failing if one appeared meanwhile. Returns 0 or -1.
static int
s_create (const char *path, char *errstr, size_t errstr_size)
{
    char admin[2 * GATEWAY_SECRET_RANDOM_BYTES + 1], viewer[sizeof admin];
    if (s_random_secret (admin) || s_random_secret (viewer))
        return errstr_set (errstr, errstr_size, "no randomness for the apps' secrets");
    json_t *apps = json_pack ("[{s:s, s:s, s:s, s:s}, {s:s, s:s, s:[], s:s}]", "key", "admin",
                              "secret", admin, "write", "*", "read", "*", "key", "viewer",
                              "secret", viewer, "write", "read", "*");
    char *text = apps ? json_dumps (apps, JSON_PRESERVE_ORDER | JSON_INDENT (2)) : NULL;
    json_decref (apps);
    if (!text)
        return errstr_set (errstr, errstr_size, "out of memory");
    int fd = open (path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    size_t length = strlen (text);
    bool written = fd >= 0 && write (fd, text, length) == (ssize_t) length
                   && write (fd, "\n", 1) == 1 && fsync (fd) == 0;
    int saved = errno;
    if (fd >= 0)
        close (fd);
    free (text);
    if (!written)
        return errstr_set (errstr, errstr_size, "cannot write the apps file %s: %s", path,
                           strerror (saved));
    log_info ("apps file created: an admin and a viewer", "path=%s", path);
    return 0;
}

// "write": "*" or a list of region ids. Returns 0 or -1 with the reason.
static int
s_read_write (gateway_app_t *app, const json_t *value, const char *where, char *errstr,
              size_t errstr_size)
{
    if (json_is_string (value) && strcmp (json_string_value (value), "*") == 0) {
        app->write_all = true;
        return 0;
    }
    if (!json_is_array (value))
        return errstr_set (errstr, errstr_size, "%s: \"write\" must be \"*\" or a list of "
                           "regions", where);
    if (json_array_size (value) > GATEWAY_APP_REGIONS_MAX)
        return errstr_set (errstr, errstr_size, "%s: \"write\" has more than %d regions", where,
                           GATEWAY_APP_REGIONS_MAX);
    size_t index;
    json_t *region;
    json_array_foreach (value, index, region) {
        if (!json_is_string (region) || !validate_id (json_string_value (region)))
            return errstr_set (errstr, errstr_size, "%s: write[%zu] is not a region id", where,
                               index);
        snprintf (app->regions[app->region_count++], ID_BYTES_MAX, "%s",
                  json_string_value (region));
    }
    return 0;
}

// One entry of the file. Returns 0 or -1 with the reason.
static int
s_read_app (gateway_app_t *app, const json_t *object, size_t index, char *errstr,
            size_t errstr_size)
{
    char where[ID_BYTES_MAX + 32];
    snprintf (where, sizeof where, "apps[%zu]", index);
    if (!json_is_object (object))
        return errstr_set (errstr, errstr_size, "%s: must be an object", where);
    const char *member;
    json_t *value;
    json_object_foreach ((json_t *) object, member, value)
        if (strcmp (member, "key") && strcmp (member, "secret") && strcmp (member, "write")
            && strcmp (member, "read"))
            return errstr_set (errstr, errstr_size, "%s: unknown member \"%.40s\"", where,
                               member);
    const char *key = json_string_value (json_object_get (object, "key"));
    const char *secret = json_string_value (json_object_get (object, "secret"));
    const char *read = json_string_value (json_object_get (object, "read"));
    if (!key || !validate_id (key))
        return errstr_set (errstr, errstr_size, "%s: \"key\" must be an id", where);
    snprintf (where, sizeof where, "apps[%zu] \"%s\"", index, key);
    if (!secret || strlen (secret) < GATEWAY_SECRET_BYTES_MIN
        || strlen (secret) > GATEWAY_SECRET_BYTES_MAX
        || !validate_text (secret, GATEWAY_SECRET_BYTES_MAX + 1, false))
        return errstr_set (errstr, errstr_size, "%s: \"secret\" must be %d..%d bytes of text",
                           where, GATEWAY_SECRET_BYTES_MIN, GATEWAY_SECRET_BYTES_MAX);
    if (!read || (strcmp (read, "*") && strcmp (read, "own")))
        return errstr_set (errstr, errstr_size, "%s: \"read\" must be \"*\" or \"own\"", where);
    snprintf (app->key, sizeof app->key, "%s", key);
    snprintf (app->secret, sizeof app->secret, "%s", secret);
    app->read_all = strcmp (read, "*") == 0;
    json_t *write = json_object_get (object, "write");
    if (!write)
        return errstr_set (errstr, errstr_size, "%s: \"write\" is missing", where);
    return s_read_write (app, write, where, errstr, errstr_size);
}

static gateway_apps_t *
s_convert (const json_t *root, char *errstr, size_t errstr_size)
{
    if (!json_is_array (root) || json_array_size (root) > GATEWAY_APPS_MAX) {
        errstr_set (errstr, errstr_size, "must be a list of at most %d applications",
                    GATEWAY_APPS_MAX);
        return NULL;
    }
    gateway_apps_t *self = calloc (1, sizeof *self);
    size_t count = json_array_size (root);
    if (self)
        self->apps = calloc (count ? count : 1, sizeof *self->apps);
    if (!self || !self->apps) {
        gateway_apps_destroy (&self);
        errstr_set (errstr, errstr_size, "out of memory");
        return NULL;
    }
    for (size_t index = 0; index < count; index++) {
        gateway_app_t *app = &self->apps[index];
        if (s_read_app (app, json_array_get (root, index), index, errstr, errstr_size)
            || (gateway_apps_find (self, app->key)
                && errstr_set (errstr, errstr_size, "apps[%zu]: the key \"%s\" is given twice",
                               index, app->key))) {
            gateway_apps_destroy (&self);
            return NULL;
        }
        self->count++;
    }
    return self;
}

gateway_apps_t *
gateway_apps_load (const char *path, bool create, char *errstr, size_t errstr_size)
{
    struct stat status;
    // A failed creation is reported unless another process made the file meanwhile.
    if (stat (path, &status) != 0 && errno == ENOENT && create
        && s_create (path, errstr, errstr_size) && stat (path, &status) != 0)
        return NULL;
    if (stat (path, &status) != 0) {
        errstr_set (errstr, errstr_size, "cannot read the apps file %s: %s", path,
                    strerror (errno));
        return NULL;
    }
    if (status.st_size > GATEWAY_APPS_FILE_BYTES_MAX) {
        errstr_set (errstr, errstr_size, "the apps file %s is over %d bytes", path,
                    GATEWAY_APPS_FILE_BYTES_MAX);
        return NULL;
    }
    json_error_t error;
    json_t *root = json_load_file (path, JSON_REJECT_DUPLICATES, &error);
    if (!root) {
        errstr_set (errstr, errstr_size, "the apps file %s is not valid JSON: line %d column %d: "
                    "%s", path, error.line, error.column, error.text);
        return NULL;
    }
    char reason[256];
    gateway_apps_t *self = s_convert (root, reason, sizeof reason);
    json_decref (root);
    if (!self)
        errstr_set (errstr, errstr_size, "the apps file %s: %s", path, reason);
    return self;
}

void
gateway_apps_destroy (gateway_apps_t **self_p)
{
    if (self_p && *self_p) {
        gateway_apps_t *self = *self_p;
        if (self->apps)  // secrets do not linger in freed memory
            memset (self->apps, 0, self->count * sizeof *self->apps);
        free (self->apps);
        free (self);
        *self_p = NULL;
    }
}

size_t
gateway_apps_count (const gateway_apps_t *self)
{
    return self->count;
}

const gateway_app_t *
gateway_apps_find (const gateway_apps_t *self, const char *key)
{
    for (size_t index = 0; key && index < self->count; index++)
        if (strcmp (self->apps[index].key, key) == 0)
            return &self->apps[index];
    return NULL;
}

const char *
gateway_app_key (const gateway_app_t *app)
{
    return app->key;
}

const char *
gateway_app_secret (const gateway_app_t *app)
{
    return app->secret;
}

bool
gateway_app_holds (const gateway_app_t *app, const char *region)
{
    if (app->write_all)
        return true;
    for (size_t index = 0; index < app->region_count; index++)
        if (strcmp (app->regions[index], region) == 0)
            return true;
    return false;
}

bool
gateway_app_writes (const gateway_app_t *app, const char *region)
{
    return gateway_app_holds (app, region);
}

bool
gateway_app_reads_all (const gateway_app_t *app)
{
    return app->read_all;
}
