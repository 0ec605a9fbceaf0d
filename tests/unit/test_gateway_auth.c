/*  The gateway's signatures and replay guard: the canonical text a client signs, a known
    HMAC-SHA256 (computed with Python's hmac, as README.md's example signs), the timestamp
    window at its exact edges, and the nonce table with and without Redis. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gateway_auth.h"

Test (gateway_auth, the_canonical_text_sorts_the_query_as_sent)
{
    char *canonical = gateway_auth_canonical ("GET", "/v1/status", "year=2025&pair=hb-01",
                                              "1700000000000", "n-2", NULL, 0);
    cr_assert_str_eq (canonical, "GET\n/v1/status?pair=hb-01&year=2025\n1700000000000\nn-2\n"
                      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    free (canonical);
    canonical = gateway_auth_canonical ("GET", "/v1/pairs", "", "1", "n", NULL, 0);
    cr_assert (strncmp (canonical, "GET\n/v1/pairs\n1\nn\n", 18) == 0, "no '?' without a query");
    free (canonical);
}

Test (gateway_auth, a_known_signature)
{
    const char body[] = "{\"id\":\"e1\"}";
    char *canonical = gateway_auth_canonical ("POST", "/v1/events", NULL, "1700000000000",
                                              "n-1", body, strlen (body));
    char signature[GATEWAY_SIGNATURE_BYTES_MAX];
    gateway_auth_sign ("secret-0123456789", canonical, signature);
    cr_assert_str_eq (signature, "onzcT4vdmW/nKGIrZS0BXH17c1cK8MDg/YNY+1m91z4=");
    cr_assert (gateway_auth_verify ("secret-0123456789", canonical, signature));
    cr_assert_not (gateway_auth_verify ("secret-0123456780", canonical, signature));
    cr_assert_not (gateway_auth_verify ("secret-0123456789", canonical, "onzcT4vd"));
    cr_assert_not (gateway_auth_verify ("secret-0123456789", canonical,
                                        "onzcT4vdmW/nKGIrZS0BXH17c1cK8MDg/YNY+1m91z5="));
    cr_assert_not (gateway_auth_verify ("secret-0123456789", canonical, NULL));
    free (canonical);
}

Test (gateway_auth, the_window_is_300_s_either_way)
{
    int64_t now_ms = 1700000000000;
    cr_assert (gateway_auth_fresh (now_ms + 300000, now_ms));
    cr_assert (gateway_auth_fresh (now_ms - 300000, now_ms));
    cr_assert_not (gateway_auth_fresh (now_ms + 300001, now_ms));
    cr_assert_not (gateway_auth_fresh (now_ms - 301000, now_ms));
    int64_t timestamp = 0;
    cr_assert_eq (gateway_auth_timestamp ("1700000000000", &timestamp), 0);
    cr_assert_eq (timestamp, now_ms);
    const char *bad[] = { "", "-1", "17e11", "1700000000000 ", "0x10", "1234567890123456" };
    for (size_t index = 0; index < sizeof bad / sizeof bad[0]; index++)
        cr_assert_eq (gateway_auth_timestamp (bad[index], &timestamp), -1, "'%s'", bad[index]);
}

Test (gateway_auth, a_nonce_is_taken_once_within_its_window)
{
    gateway_nonces_t *nonces = gateway_nonces_new (NULL, 1024);
    int64_t now_ms = 1000000;
    cr_assert_eq (gateway_nonces_claim (nonces, "p:", "app", "n1", now_ms + 500, now_ms),
                  GATEWAY_NONCE_NEW);
    cr_assert_eq (gateway_nonces_claim (nonces, "p:", "app", "n1", now_ms + 500, now_ms + 499),
                  GATEWAY_NONCE_REPLAY);
    cr_assert_eq (gateway_nonces_claim (nonces, "p:", "other", "n1", now_ms + 500, now_ms),
                  GATEWAY_NONCE_NEW, "nonces are per application");
    cr_assert_eq (gateway_nonces_claim (nonces, "p:", "app", "n1", now_ms + 1500, now_ms + 500),
                  GATEWAY_NONCE_NEW, "an expired nonce's timestamp is refused anyway");
    gateway_nonces_destroy (&nonces);
    gateway_nonces_destroy (&nonces);
}

Test (gateway_auth, a_full_table_without_redis_refuses)
{
    gateway_nonces_t *nonces = gateway_nonces_new (NULL, 64);
    char nonce[16];
    size_t taken = 0;
    for (int index = 0; index < 64; index++) {
        snprintf (nonce, sizeof nonce, "n%d", index);
        taken += gateway_nonces_claim (nonces, "p:", "app", nonce, 2000, 1000)
                 == GATEWAY_NONCE_NEW;
    }
    cr_assert_eq (taken, 64, "every slot is reachable within the probes");
    cr_assert_eq (gateway_nonces_claim (nonces, "p:", "app", "more", 2000, 1000),
                  GATEWAY_NONCE_FULL);
    // Once the first ones expire, their slots are taken again.
    cr_assert_eq (gateway_nonces_claim (nonces, "p:", "app", "more", 3000, 2001),
                  GATEWAY_NONCE_NEW);
    gateway_nonces_destroy (&nonces);
}
