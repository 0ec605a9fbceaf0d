/*  scenario.h: the end-to-end scenario of `make bench`: a generated registry of 2,000 pairs
    (bench_registry.h) and the bench policy pack (bench/policies/), driven through the wire
    against real services, each figure printed next to the raw limit it is bounded by
    (raw.h), measured in the same run, with its target (a miss is reported, never fatal).

    The stack is the caller's: the four services running (and redis-server, or
    SHANHAI_REDIS=off) on the endpoints of the SHANHAI_* variables (config.h), with
    SHANHAI_CLOCK at a day of the first half of a year and SHANHAI_POLICY_DIR holding the bench
    pack (bench/run starts it). Its pids are read from $SHANHAI_DATA_DIR/run/ (scripts/stack).

      1. raw limits of this run: ZeroMQ one at a time and pipelined, SQLite commits, SQLite
         rows shaped like the ledger's in batches of BENCH_WINDOW
      2. load: registry.Load of the generated registry, until the last alert of every pair's
         first evaluation (AT_RISK)
      3. ingest: ledger.Record with BENCH_WINDOW in flight, each to the next pair, with the
         assessment and the notification paused (SIGSTOP): the ledger alone
      4. catch-up: they resume (SIGCONT) and apply the ingest
      5. end to end: small aid funds per pair, then one that makes the pair MET, until the
         last MET alert arrives at a SUB on the notification's PUB
      6. latency: one leader visit per ms (open loop), each turning a pair ON_TRACK (then
         MET), from the send to the first alert it causes
      7. clock move: registry.SetClock to Jan 1 of the next year, until the last BREACHED
         alert of the pairs not MET
      8. resident memory of each service (VmHWM, VmRSS)

    What must arrive is derived from a model of the compliance rules (README.md): the bench
    knows every sum and count it recorded, so it knows each status and each alert. Every wait
    is bounded: a phase that makes no progress for BENCH_STALL_S stops and says what is
    missing, and the scenario goes on with the next.

    Settings (environment): BENCH_PAIRS (2000), BENCH_INGEST_EVENTS (20000), BENCH_E2E_EVENTS
    (40000), BENCH_LATENCY_SAMPLES (2000, at most twice the pairs), BENCH_LATENCY_RATE (1000
    a second), BENCH_WINDOW (128), BENCH_STALL_S (30), BENCH_PROFILE_DIR (when set: perf on
    the ledger during the ingest, and on the ledger and the assessment during the end-to-end
    phase, into that folder; profile.h) with BENCH_PROFILE_TOOL (cpu, or syscalls). */
#ifndef SHANHAI_BENCH_SCENARIO_H
#define SHANHAI_BENCH_SCENARIO_H

// argv: "scenario". Returns 0 when the scenario ran (whatever its figures), 1
// when it could not (a bad setting, a service that does not answer at all), 2 on bad usage.
int scenario_main (int argc, char **argv);

#endif
