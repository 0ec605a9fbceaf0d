// nftw, to remove the temporary directory.
#define _XOPEN_SOURCE 700
#include "shadow.h"

#include <czmq.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "assessment_server.h"
#include "policy.h"
#include "common/errstr.h"
#include "common/proto.h"
#include "common/rpc.h"

// How often the shadow is asked how far it is.
#define S_POLL_MS 100

struct shadow_t {
    config_t config;
    char directory[PATH_BYTES_MAX - 16];  // room for "/policies" in the config's paths
    zactor_t *server;
};

static int
s_remove_one (const char *path, const struct stat *status, int flag, struct FTW *walk)
{
    (void) status, (void) flag, (void) walk;
    return remove (path);
}

// Writes text to directory/name. Returns 0 or -1.
static int
s_write (const char *directory, const char *name, const char *text)
{
    char path[PATH_BYTES_MAX + NAME_BYTES_MAX];
    snprintf (path, sizeof path, "%s/%s", directory, name);
    FILE *file = fopen (path, "wb");
    if (!file)
        return -1;
    size_t length = strlen (text);
    int rc = fwrite (text, 1, length, file) == length ? 0 : -1;
    return fclose (file) == 0 ? rc : -1;
}

// The live policy directory's kinds.json, copied (none: nothing). Returns 0 or -1.
static int
s_copy_kinds (const char *from, const char *to)
{
    char path[PATH_BYTES_MAX + 16], errstr[RPC_ERROR_BYTES_MAX], *text = NULL;
    snprintf (path, sizeof path, "%s/%s", from, CONFIG_KINDS_FILE);
    if (access (path, F_OK) != 0)
        return 0;
    int rc = policy_file_read (path, &text, errstr, sizeof errstr) == 0
                 ? s_write (to, CONFIG_KINDS_FILE, text)
                 : -1;
    free (text);
    return rc;
}

shadow_t *
shadow_new (const config_t *config, const char *const *names, const char *const *texts,
            size_t count, char *errstr, size_t errstr_size)
{
    shadow_t *self = calloc (1, sizeof *self);
    if (!self) {
        errstr_set (errstr, errstr_size, "out of memory");
        return NULL;
    }
    const char *tmp = getenv ("TMPDIR");
    snprintf (self->directory, sizeof self->directory, "%s/shanhai-shadow-XXXXXX",
              tmp && *tmp ? tmp : "/tmp");
    self->config = *config;
    int rc = mkdtemp (self->directory) ? 0 : -1;
    if (rc == 0) {
        snprintf (self->config.data_dir, sizeof self->config.data_dir, "%s", self->directory);
        snprintf (self->config.policy_dir, sizeof self->config.policy_dir, "%s/policies",
                  self->directory);
        rc = zsys_dir_create ("%s", self->config.policy_dir);
    }
    for (size_t index = 0; rc == 0 && index < count; index++)
        rc = s_write (self->config.policy_dir, names[index], texts[index]);
    if (rc == 0)
        rc = s_copy_kinds (config->policy_dir, self->config.policy_dir);
    if (rc) {
        errstr_set (errstr, errstr_size, "cannot prepare %s for a recomputation",
                    self->directory);
        shadow_destroy (&self);
        return NULL;
    }
    // In-process endpoints, unique to this shadow; no Redis.
    snprintf (self->config.assessment_rpc, sizeof self->config.assessment_rpc,
              "inproc://shadow-rpc-%p", (void *) self);
    snprintf (self->config.assessment_pub, sizeof self->config.assessment_pub,
              "inproc://shadow-pub-%p", (void *) self);
    self->config.redis_enabled = false;
    self->server = zactor_new (assessment_server_actor, &self->config);
    if (!self->server) {
        errstr_set (errstr, errstr_size, "cannot start the recomputation");
        shadow_destroy (&self);
    }
    return self;
}

// The newest seq service has published (its Health), or -1 with errstr.
static int64_t
s_published (const char *endpoint, const char *service, char *errstr, size_t errstr_size)
{
    char method[64];
    snprintf (method, sizeof method, "%s.Health", service);
    rpc_client_t *client = rpc_client_new (endpoint, RPC_TIMEOUT_MS);
    Shanhai__V1__Health *health = NULL;
    rpc_status_t status = client ? rpc_client_call (client, method, NULL,
                                                    &shanhai__v1__health__descriptor,
                                                    (ProtobufCMessage **) &health)
                                 : RPC_UNAVAILABLE;
    int64_t seq = -1;
    if (status == RPC_OK)
        seq = (int64_t) health->published_seq;
    else
        errstr_set (errstr, errstr_size, "%s: %s: %s", method, rpc_status_name (status),
                    client ? rpc_client_error (client) : "cannot connect");
    if (health)
        shanhai__v1__health__free_unpacked (health, NULL);
    rpc_client_destroy (&client);
    return seq;
}

// Whether the assessment at endpoint has applied up to registry_head and ledger_head.
static bool
s_caught_up (const char *endpoint, int64_t registry_head, int64_t ledger_head)
{
    rpc_client_t *client = rpc_client_new (endpoint, S_POLL_MS * 10);
    Shanhai__V1__Health *health = NULL;
    bool done = client
                && rpc_client_call (client, "assessment.Health", NULL,
                                    &shanhai__v1__health__descriptor,
                                    (ProtobufCMessage **) &health)
                       == RPC_OK;
    for (size_t index = 0; done && index < health->n_streams; index++) {
        const Shanhai__V1__StreamHealth *stream = health->streams[index];
        int64_t head = strcmp (stream->publisher, "registry") == 0 ? registry_head
                       : strcmp (stream->publisher, "ledger") == 0 ? ledger_head
                                                                   : 0;
        done = stream->caught_up && (int64_t) stream->applied_seq >= head;
    }
    if (health)
        shanhai__v1__health__free_unpacked (health, NULL);
    rpc_client_destroy (&client);
    return done;
}

// Waits until the assessment at endpoint has applied what the registry and the ledger of
// config have published. Returns 0, or -1 with errstr naming who (what).
static int
s_wait (const config_t *config, const char *endpoint, const char *what, int timeout_ms,
        char *errstr, size_t errstr_size)
{
    int64_t registry_head = s_published (config->registry_rpc, "registry", errstr,
                                         errstr_size);
    int64_t ledger_head = registry_head < 0 ? -1
                                            : s_published (config->ledger_rpc, "ledger",
                                                           errstr, errstr_size);
    if (ledger_head < 0)
        return -1;
    for (int waited = 0; waited < timeout_ms; waited += S_POLL_MS) {
        if (s_caught_up (endpoint, registry_head, ledger_head))
            return 0;
        zclock_sleep (S_POLL_MS);
    }
    return errstr_set (errstr, errstr_size, "%s did not reach the ledger's seq %lld within "
                       "%d s", what, (long long) ledger_head, timeout_ms / 1000);
}

int
shadow_wait (shadow_t *self, int timeout_ms, char *errstr, size_t errstr_size)
{
    return s_wait (&self->config, self->config.assessment_rpc, "the recomputation",
                   timeout_ms, errstr, errstr_size);
}

int
shadow_wait_live (const config_t *config, int timeout_ms, char *errstr, size_t errstr_size)
{
    return s_wait (config, config->assessment_rpc, "the live assessment", timeout_ms, errstr,
                   errstr_size);
}

const char *
shadow_endpoint (const shadow_t *self)
{
    return self->config.assessment_rpc;
}

void
shadow_destroy (shadow_t **self_p)
{
    if (self_p && *self_p) {
        shadow_t *self = *self_p;
        zactor_destroy (&self->server);
        if (*self->directory)
            nftw (self->directory, s_remove_one, 16, FTW_DEPTH | FTW_PHYS);
        free (self);
        *self_p = NULL;
    }
}
