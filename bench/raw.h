/*  raw.h: the raw limits of this machine, measured the way shanhai would use them, so that a
    figure of shanhai can be printed next to what the machine itself does in the same run (a
    shared, noisy machine gives different absolute numbers from one run to the next; ratios
    within one run mean something).

    Every measure returns a raw_figure_t (how many operations, how long) and prints nothing;
    raw_print prints one in the bench's one-line format. Files are created in the directory
    given and removed before returning. */
#ifndef SHANHAI_BENCH_RAW_H
#define SHANHAI_BENCH_RAW_H

#include <stdint.h>
#include "common/proto.h"

typedef struct {
    long count;          // operations done (0 when the measure could not run)
    int64_t elapsed_us;  // how long they took
} raw_figure_t;

// Operations per second of figure, or 0 when it could not run.
double raw_per_second (raw_figure_t figure);
// Prints "name  count in seconds  per second" on one line and flushes stdout.
void raw_print (const char *name, raw_figure_t figure);
// Monotonic microseconds, for every measure of the bench.
int64_t raw_now_us (void);

// count DEALER -> ROUTER round trips of a small frame to an echo thread on loopback TCP, one
// at a time.
raw_figure_t raw_zmq_round_trips (long count);
// count frames to the same echo with up to window of them in flight: the ceiling of a
// pipelined client.
raw_figure_t raw_zmq_pipelined (long count, long window);
// count shanhai rpc round trips (rpc_client_call to an rpc_server) on loopback TCP.
raw_figure_t raw_rpc_round_trips (long count);
// count commits of one row each (WAL, synchronous=FULL) in a database under dir.
raw_figure_t raw_sqlite_commits (const char *dir, long count);
// count commits of one row each, as raw_sqlite_commits, writing how long each took (from
// BEGIN to the end of COMMIT, microseconds) into durations_us (count entries).
raw_figure_t raw_sqlite_commit_durations (const char *dir, long count, int64_t *durations_us);
// count rows in commits of batch rows each, same table and settings.
raw_figure_t raw_sqlite_batched (const char *dir, long count, long batch);

// Fills *event with the row index of a run (the caller's buffers stay valid until the next
// call); used so that a raw measure writes the same rows as shanhai is sent.
typedef void (raw_row_fn) (void *state, long index, Shanhai__V1__LedgerEvent *event);
// count rows shaped like the ledger's events table (same columns, unique id, index on pairing
// and date), filled by row, in commits of batch rows each, WAL, synchronous=FULL: what the
// ledger could do if recording an event cost nothing but its row.
raw_figure_t raw_sqlite_ledger_rows (const char *dir, long count, long batch, raw_row_fn *row,
                                     void *state);

#endif
