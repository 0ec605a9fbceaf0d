/*  bench_registry.h: the generated registry of the bench scenario, built in memory as the
    RegistryDoc that registry.Load takes: one program, pairs pairings, each between two counties
    of its own (a recipient and a supporter), each county with its party secretary and county
    head, each pairing with one liaison officer (from the supporter), and one program office.
    2,000 pairs make 4,000 regions and 10,001 people.

    Ids, so that the bench can name what it sends and recognize what comes back:
      pairing    bench-0001 .. (1-based, four digits at least)
      regions    bench-r0001 (recipient), bench-s0001 (supporter)
      people     bench-r0001-sec, bench-r0001-head, bench-s0001-sec, bench-s0001-head,
                 bench-0001-liaison, <program>-office */
#ifndef SHANHAI_BENCH_REGISTRY_H
#define SHANHAI_BENCH_REGISTRY_H

#include "common/limits.h"
#include "common/proto.h"

// The people told of a status change of one pairing other than BREACHED: both counties'
// party secretaries and county heads, and its liaison officer.
#define BENCH_REGISTRY_LEADERS_PER_PAIR 5
// The largest registry the generator makes: two regions per pair must fit the registry.
#define BENCH_REGISTRY_PAIRS_MAX (REGISTRY_REGIONS_MAX / 2)

_Static_assert (BENCH_REGISTRY_PAIRS_MAX <= REGISTRY_PAIRINGS_MAX, "the pairings fit");
_Static_assert (BENCH_REGISTRY_PAIRS_MAX * 5 + 1 <= REGISTRY_PEOPLE_MAX, "the people fit");

typedef struct bench_registry_t bench_registry_t;

// Builds the registry of pairs (1..BENCH_REGISTRY_PAIRS_MAX) pairings of program, each active
// from start to end (YYYY-MM-DD). Returns NULL when out of memory or pairs is out of range.
bench_registry_t *bench_registry_new (int pairs, const char *program, const char *start,
                                      const char *end);
void bench_registry_destroy (bench_registry_t **self_p);
// The document, borrowed for the registry's life.
const Shanhai__V1__RegistryDoc *bench_registry_doc (bench_registry_t *self);
int bench_registry_pairs (bench_registry_t *self);
// The pairing, recipient and supporter of pair index (0-based), borrowed.
const Shanhai__V1__Pairing *bench_registry_pairing (bench_registry_t *self, int index);
// The index of the pairing with id, or -1 when it is not one of the registry's.
int bench_registry_index (bench_registry_t *self, const char *id);

#endif
