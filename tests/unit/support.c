#define _GNU_SOURCE
#include "support.h"

#include <arpa/inet.h>
#include <assert.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <stdbool.h>
#include <time.h>
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

// Ports are drawn below Linux's ephemeral range (32768 and up), where the outgoing connections
// of tests running alongside would otherwise take a port between its choice and its use.
#define TEST_PORT_FIRST 20000
#define TEST_PORT_COUNT 12000

int
test_free_port (void)
{
    static bool seeded;
    if (!seeded) {
        srandom ((unsigned) getpid () ^ (unsigned) time (NULL));
        seeded = true;
    }
    for (int attempt = 0; attempt < 1000; attempt++) {
        int port = TEST_PORT_FIRST + (int) (random () % TEST_PORT_COUNT);
        int fd = socket (AF_INET, SOCK_STREAM, 0);
        assert (fd >= 0);
        struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons (port) };
        address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
        int rc = bind (fd, (struct sockaddr *) &address, sizeof address);
        close (fd);
        if (rc == 0)
            return port;
    }
    assert (!"no free port");
    return -1;
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
