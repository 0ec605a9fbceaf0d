/*  gateway_bench.h: signed HTTP posts to the gateway, for shanhai-bench. */
#ifndef SHANHAI_GATEWAY_BENCH_H
#define SHANHAI_GATEWAY_BENCH_H

// Posts count events (rounded down to a multiple of the connections) to the gateway at
// host:port, signed with key and secret, for pair on date, and prints the rate. Returns 0,
// or 1 when a request failed.
int bench_gateway (const char *host, int port, const char *key, const char *secret,
                   const char *pair, const char *date, long count);

#endif
