/*  cache against a real redis-server on a free loopback port, started and stopped by pid. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common/cache.h"
#include "common/limits.h"
#include "support.h"

static pid_t s_redis;
static int s_port;

static pid_t
s_redis_start (int port)
{
    pid_t pid = fork ();
    cr_assert_neq (pid, -1);
    if (pid == 0) {
        char port_text[16];
        snprintf (port_text, sizeof port_text, "%d", port);
        execlp ("redis-server", "redis-server", "--port", port_text, "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--loglevel", "warning", (char *) NULL);
        _exit (127);
    }
    // Ready when it answers; give it two seconds.
    cache_t *probe = cache_new ("127.0.0.1", port);
    for (int attempt = 0; attempt < 40; attempt++) {
        if (cache_set (probe, "shanhai:test:probe", (const uint8_t *) "1", 1, 10) == 0)
            break;
        cache_destroy (&probe);
        usleep (50 * 1000);
        probe = cache_new ("127.0.0.1", port);
    }
    cr_assert (cache_is_up (probe), "redis-server did not start on port %d", port);
    cache_destroy (&probe);
    return pid;
}

static void
s_redis_stop (pid_t pid)
{
    kill (pid, SIGTERM);
    waitpid (pid, NULL, 0);
}

static void
s_start (void)
{
    s_port = test_free_port ();
    s_redis = s_redis_start (s_port);
}

static void
s_stop (void)
{
    s_redis_stop (s_redis);
}

TestSuite (cache, .init = s_start, .fini = s_stop);

Test (cache, set_get_delete)
{
    cache_t *cache = cache_new ("127.0.0.1", s_port);
    const uint8_t value[] = { 0, 1, 2, 0xff };  // binary safe
    cr_assert_eq (cache_set (cache, "shanhai:test:a", value, sizeof value, 60), 0);
    uint8_t *got = NULL;
    size_t size = 0;
    cr_assert_eq (cache_get (cache, "shanhai:test:a", &got, &size), 0);
    cr_assert_eq (size, sizeof value);
    cr_assert_arr_eq (got, value, sizeof value);
    free (got);
    cr_assert_eq (cache_delete (cache, "shanhai:test:a"), 0);
    cr_assert_eq (cache_get (cache, "shanhai:test:a", &got, &size), -1);
    cr_assert_eq (cache_hits (cache), 1);
    cr_assert_eq (cache_misses (cache), 1);
    cache_destroy (&cache);
    cache_destroy (&cache);
}

Test (cache, a_claim_is_taken_once_until_it_expires)
{
    cache_t *cache = cache_new ("127.0.0.1", s_port);
    cr_assert_eq (cache_claim (cache, "shanhai:test:nonce", 300), 1);
    cr_assert_eq (cache_claim (cache, "shanhai:test:nonce", 300), 0);
    usleep (400 * 1000);
    cr_assert_eq (cache_claim (cache, "shanhai:test:nonce", 300), 1);
    cache_destroy (&cache);
    cache_t *off = cache_new (NULL, 0);
    cr_assert_eq (cache_claim (off, "shanhai:test:nonce", 300), -1);
    cache_destroy (&off);
}

Test (cache, delete_prefix_spares_other_keys)
{
    cache_t *cache = cache_new ("127.0.0.1", s_port);
    char key[64];
    for (int index = 0; index < 1200; index++) {  // more than one SCAN page
        snprintf (key, sizeof key, "shanhai:registry:pairing:%d", index);
        cr_assert_eq (cache_set (cache, key, (const uint8_t *) "x", 1, 60), 0);
    }
    cache_set (cache, "shanhai:assessment:status:hb-01:2021", (const uint8_t *) "y", 1, 60);
    cr_assert_eq (cache_delete_prefix (cache, "shanhai:registry:"), 0);
    uint8_t *got = NULL;
    size_t size;
    cr_assert_eq (cache_get (cache, "shanhai:registry:pairing:7", &got, &size), -1);
    cr_assert_eq (cache_get (cache, "shanhai:assessment:status:hb-01:2021", &got, &size), 0);
    free (got);
    cache_destroy (&cache);
}

Test (cache, a_down_redis_is_a_miss_and_comes_back_by_itself)
{
    cache_t *cache = cache_new ("127.0.0.1", s_port);
    cr_assert_eq (cache_set (cache, "shanhai:test:b", (const uint8_t *) "v", 1, 60), 0);
    s_redis_stop (s_redis);
    uint8_t *got = NULL;
    size_t size;
    cr_assert_eq (cache_get (cache, "shanhai:test:b", &got, &size), -1);
    cr_assert_eq (cache_set (cache, "shanhai:test:b", (const uint8_t *) "v", 1, 60), -1);
    cr_assert_not (cache_is_up (cache));
    s_redis = s_redis_start (s_port);
    usleep ((CACHE_RETRY_MS + 100) * 1000);
    cr_assert_eq (cache_set (cache, "shanhai:test:c", (const uint8_t *) "w", 1, 60), 0);
    cr_assert (cache_is_up (cache));
    cache_destroy (&cache);
}

Test (cache, off_always_misses, .init = NULL, .fini = NULL)
{
    cache_t *cache = cache_new (NULL, 0);
    uint8_t *got = NULL;
    size_t size;
    cr_assert_eq (cache_set (cache, "k", (const uint8_t *) "v", 1, 60), -1);
    cr_assert_eq (cache_get (cache, "k", &got, &size), -1);
    cr_assert_eq (cache_delete_prefix (cache, "k"), -1);
    cache_destroy (&cache);
}

Test (cache, nothing_listening_is_a_quick_miss, .init = NULL, .fini = NULL)
{
    cache_t *cache = cache_new ("127.0.0.1", test_free_port ());
    uint8_t *got = NULL;
    size_t size;
    cr_assert_eq (cache_get (cache, "k", &got, &size), -1);
    cr_assert_eq (cache_get (cache, "k", &got, &size), -1);  // within CACHE_RETRY_MS: no retry
    cr_assert_eq (cache_misses (cache), 2);
    cache_destroy (&cache);
}
