#define _GNU_SOURCE
#include "support.h"

#include <arpa/inet.h>
#include <assert.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

char *
test_tmpdir (void)
{
    const char *base = getenv ("TMPDIR");
    char *path = NULL;
    int rc = asprintf (&path, "%s/shanhai-test-XXXXXX", base && *base ? base : "/tmp");
    assert (rc > 0);
    char *made = mkdtemp (path);
    assert (made);
    return path;
}

void
test_rmdir (const char *path)
{
    assert (path && strstr (path, "shanhai-test-"));
    char *command = NULL;
    int rc = asprintf (&command, "rm -rf '%s'", path);
    assert (rc > 0);
    rc = system (command);
    (void) rc;
    free (command);
}

char *
test_path (const char *dir, const char *name)
{
    char *path = NULL;
    int rc = asprintf (&path, "%s/%s", dir, name);
    assert (rc > 0);
    return path;
}

int
test_free_port (void)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    assert (fd >= 0);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = 0 };
    address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    int rc = bind (fd, (struct sockaddr *) &address, sizeof address);
    assert (rc == 0);
    socklen_t length = sizeof address;
    rc = getsockname (fd, (struct sockaddr *) &address, &length);
    assert (rc == 0);
    close (fd);
    return ntohs (address.sin_port);
}

void
test_free_endpoint (char *out, size_t out_size)
{
    snprintf (out, out_size, "tcp://127.0.0.1:%d", test_free_port ());
}

const char *
test_source_dir (void)
{
    const char *dir = getenv ("SHANHAI_SOURCE_DIR");
    return dir && *dir ? dir : ".";
}
