#include "scenario.h"

#include <assert.h>
#include <czmq.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "alert_watch.h"
#include "bench_registry.h"
#include "common/config.h"
#include "common/date.h"
#include "common/rpc.h"
#include "model.h"
#include "pipeline.h"
#include "proc.h"
#include "profile.h"
#include "raw.h"

// The targets of the scenario. A miss is printed next to the figure, never fatal.
#define SCENARIO_INGEST_RATIO_MIN 0.5
#define SCENARIO_E2E_PER_S_MIN 20000
#define SCENARIO_LATENCY_P99_US_MAX 2000
#define SCENARIO_CLOCK_MOVE_US_MAX 1000000
#define SCENARIO_MEMORY_KIB_MAX (64 * 1024)

// Raw measures of the run: enough operations for a steady rate, about a second each.
#define SCENARIO_RAW_ROUND_TRIPS 10000
#define SCENARIO_RAW_PIPELINED 50000
#define SCENARIO_RAW_COMMITS 300
// Runs of the ledger-shaped rows, the fastest kept: one lasts a tenth of a second.
#define SCENARIO_RAW_LEDGER_TRIES 3
// A small aid payment: a pair's small payments together stay far below what keeps it
// ON_TRACK, so only its last payment changes its status.
#define SCENARIO_SMALL_AMOUNT_FEN 100
// registry.Load of 2,000 pairs checks and writes about 16,000 entries in one call.
#define SCENARIO_LOAD_TIMEOUT_MS 60000
// How often the bench asks a service how far it is while it waits for it to catch up.
#define SCENARIO_POLL_MS 50
// The poll of a phase's sockets when nothing is due: short enough to notice a stall soon.
#define SCENARIO_PUMP_MS 100
// The longest any phase may run, progressing or not.
#define SCENARIO_PHASE_MAX_S 900
// Requests in flight in the latency phase: open loop, so the window never holds a send back
// (seconds of sends at the paced rate), yet within the socket's high-water mark.
#define SCENARIO_OPEN_LOOP_WINDOW (ZMQ_HWM_MESSAGES / 2)
// The bench pack, in SHANHAI_POLICY_DIR.
#define SCENARIO_POLICY_FILE "bench-shanhai.json"
// The services, in the order of scripts/stack (pid files in $SHANHAI_DATA_DIR/run/).
#define SCENARIO_SERVICES 4

static const char *s_services[SCENARIO_SERVICES]
    = { "registry", "ledger", "assessment", "notification" };

// One phase's wait: what had been read and expected when it began, and when it was done.
typedef struct {
    const char *name;
    bool sending_done;
    long read_base[MODEL_RULE_CELLS][MODEL_STATUSES];
    long expected_base[MODEL_RULE_CELLS][MODEL_STATUSES];
    int64_t start_us;
    int64_t last_wanted_us;  // the last alert the phase waited for was read then
    int64_t last_answer_us;  // the last reply of the phase's pipeline was read then
    int64_t done_us;         // 0 until every reply and every expected alert arrived
} s_phase_t;

// What a phase sends for its index-th event.
typedef struct {
    model_rule_t rule;
    int pair;
    int64_t amount_fen;  // aid funds only
    bool from_recipient;  // leader visits: from the recipient (else from the supporter)
} s_plan_t;

typedef struct scenario_t scenario_t;
typedef s_plan_t (s_plan_fn) (scenario_t *self, long index);

// A phase's sender: what to send, how many, at what pace (0: as the window allows).
typedef struct {
    const char *tag;  // in the event ids
    long count;
    long next;
    s_plan_fn *plan;
    double per_second;
    int64_t start_us;
    int64_t *sent_us;  // when each was sent, or NULL
} s_feed_t;

struct scenario_t {
    // Settings
    long pairs, ingest_events, e2e_events, latency_samples, latency_rate, window, stall_s;
    const char *profile_dir;
    profile_tool_t profile_tool;
    config_t config;
    int32_t today;
    char today_text[DATE_TEXT_BYTES];
    int year;
    long e2e_per_pair;
    // Parts
    bench_registry_t *registry;
    model_t *model;
    pipeline_t *ledger;
    alert_watch_t *watch;
    rpc_client_t *assessment;
    rpc_client_t *notification;
    // What was read, and the phase under way
    long read[MODEL_RULE_CELLS][MODEL_STATUSES];
    s_phase_t phase;
    int64_t *latency_sent_us;
    int64_t *latency_us;  // per sample, 0 until its alert was read
    long latency_read;
    char event_id[ID_BYTES_MAX];
    pid_t pids[SCENARIO_SERVICES];
    bool consumers_paused;
    // Figures, for the summary
    raw_figure_t raw_round_trips, raw_pipelined, raw_commits, raw_ledger_rows;
    raw_figure_t ingest, e2e;
    int64_t latency_p50_us, latency_p99_us, latency_p999_us;
    int64_t commit_p50_us, commit_p99_us;  // one durable one-row commit, this run
    long latency_count;
    int64_t clock_move_us;
    long memory_kib[SCENARIO_SERVICES][2];  // VmHWM, VmRSS
};

// ---------------------------------------------------------------------------------------
// Settings

// A whole number from the environment in min..max, or fallback. Returns -1 when it is not.
static long
s_setting (const char *name, long fallback, long min, long max)
{
    const char *text = getenv (name);
    if (!text || !*text)
        return fallback;
    char *end = NULL;
    long value = strtol (text, &end, 10);
    if (*end != '\0' || value < min || value > max) {
        fprintf (stderr, "bench: %s must be a whole number in %ld..%ld, not \"%s\"\n", name, min,
                 max, text);
        return -1;
    }
    return value;
}

static int
s_settings (scenario_t *self)
{
    self->pairs = s_setting ("BENCH_PAIRS", 2000, 1, BENCH_REGISTRY_PAIRS_MAX);
    self->ingest_events = s_setting ("BENCH_INGEST_EVENTS", 20000, 1, 10000000);
    self->e2e_events = s_setting ("BENCH_E2E_EVENTS", 40000, 1, 10000000);
    self->latency_samples
        = s_setting ("BENCH_LATENCY_SAMPLES", 2000, 1, 2 * BENCH_REGISTRY_PAIRS_MAX);
    self->latency_rate = s_setting ("BENCH_LATENCY_RATE", 1000, 1, 100000);
    self->window = s_setting ("BENCH_WINDOW", 128, 1, ZMQ_HWM_MESSAGES / 2);
    self->stall_s = s_setting ("BENCH_STALL_S", 30, 1, SCENARIO_PHASE_MAX_S);
    const char *profile_dir = getenv ("BENCH_PROFILE_DIR");
    self->profile_dir = profile_dir && *profile_dir ? profile_dir : NULL;
    const char *tool = getenv ("BENCH_PROFILE_TOOL");
    self->profile_tool = tool && strcmp (tool, "syscalls") == 0 ? PROFILE_SYSCALLS : PROFILE_CPU;
    if (self->pairs < 0 || self->ingest_events < 0 || self->e2e_events < 0
        || self->latency_samples < 0 || self->latency_rate < 0 || self->window < 0
        || self->stall_s < 0)
        return -1;
    if (self->latency_samples > 2 * self->pairs) {
        fprintf (stderr, "bench: BENCH_LATENCY_SAMPLES is at most twice BENCH_PAIRS (two visits "
                 "of each pair cause an alert)\n");
        return -1;
    }
    char errstr[RPC_ERROR_BYTES_MAX];
    if (config_load (&self->config, errstr, sizeof errstr)) {
        fprintf (stderr, "bench: %s\n", errstr);
        return -1;
    }
    if (!*self->config.clock) {
        fprintf (stderr, "bench: SHANHAI_CLOCK must fix the clock at a day of the first half "
                 "of a year\n");
        return -1;
    }
    int rc = date_parse (self->config.clock, &self->today);
    assert (rc == 0);  // config_load checked it
    date_format (self->today, self->today_text);
    self->year = date_year (self->today);
    // Every pair gets at least one payment, its last, which makes it MET.
    self->e2e_per_pair = self->e2e_events / self->pairs > 0 ? self->e2e_events / self->pairs : 1;
    self->e2e_events = self->e2e_per_pair * self->pairs;
    return 0;
}

// ---------------------------------------------------------------------------------------
// Alerts and phases

// The alerts of one cell (rule, status) the phase expects and has read so far.
static long
s_cell_expected (scenario_t *self, int rule, int status)
{
    return model_expected (self->model, (model_rule_t) rule,
                           (Shanhai__V1__ComplianceStatus) status)
           - self->phase.expected_base[rule][status];
}

static long
s_cell_read (scenario_t *self, int rule, int status)
{
    return self->read[rule][status] - self->phase.read_base[rule][status];
}

static bool
s_phase_alerts_done (scenario_t *self)
{
    for (int rule = 0; rule < MODEL_RULE_CELLS; rule++)
        for (int status = 0; status < MODEL_STATUSES; status++)
            if (s_cell_read (self, rule, status) < s_cell_expected (self, rule, status))
                return false;
    return true;
}

static void
s_latency_read (scenario_t *self, const Shanhai__V1__Alert *alert, int64_t read_us)
{
    // A first visit turns a pair ON_TRACK (sample = pair), a second one MET (pairs + pair).
    int stage = alert->status == SHANHAI__V1__COMPLIANCE_STATUS__ON_TRACK ? 0
                : alert->status == SHANHAI__V1__COMPLIANCE_STATUS__MET    ? 1
                                                                          : -1;
    int pair = bench_registry_index (self->registry, alert->pairing);
    if (stage < 0 || pair < 0)
        return;
    long sample = stage * self->pairs + pair;
    if (sample < self->latency_samples && self->latency_sent_us[sample]
        && !self->latency_us[sample]) {
        self->latency_us[sample] = read_us - self->latency_sent_us[sample];
        if (self->latency_us[sample] <= 0)
            self->latency_us[sample] = 1;
        self->latency_read++;
    }
}

static void
s_on_alert (void *state, const Shanhai__V1__Alert *alert, int64_t read_us)
{
    scenario_t *self = state;
    model_rule_t rule = alert->year == self->year ? model_rule_of (self->model, alert->rule)
                                                  : MODEL_RULE_OTHER;
    int status = (int) alert->status;
    if (status < 0 || status >= MODEL_STATUSES)
        status = 0;
    if (s_cell_read (self, rule, status) < s_cell_expected (self, rule, status))
        self->phase.last_wanted_us = read_us;
    self->read[rule][status]++;
    if (self->latency_sent_us && rule == MODEL_RULE_VISITS)
        s_latency_read (self, alert, read_us);
}

// Starts the phase called name (a few words, for its messages), described by what.
static void
s_phase_begin (scenario_t *self, const char *name, const char *what)
{
    memset (&self->phase, 0, sizeof self->phase);
    self->phase.name = name;
    memcpy (self->phase.read_base, self->read, sizeof self->read);
    for (int rule = 0; rule < MODEL_RULE_CELLS; rule++)
        for (int status = 0; status < MODEL_STATUSES; status++)
            self->phase.expected_base[rule][status] = model_expected (
                self->model, (model_rule_t) rule, (Shanhai__V1__ComplianceStatus) status);
    self->phase.start_us = raw_now_us ();
    printf ("-- %s: %s\n", name, what);
    fflush (stdout);
}

// Done once everything is sent and answered and every expected alert was read.
static bool
s_phase_done (scenario_t *self, pipeline_t *pipeline)
{
    if (self->phase.done_us)
        return true;
    if (!self->phase.sending_done || (pipeline && pipeline_in_flight (pipeline) > 0)
        || !s_phase_alerts_done (self))
        return false;
    int64_t done_us = self->phase.last_wanted_us;
    if (self->phase.last_answer_us > done_us)
        done_us = self->phase.last_answer_us;
    self->phase.done_us = done_us > self->phase.start_us ? done_us : raw_now_us ();
    return true;
}

// Waits up to timeout_ms for the pipeline's replies or alerts, and reads all that came.
static void
s_pump (scenario_t *self, pipeline_t *pipeline, int timeout_ms)
{
    zmq_pollitem_t items[2] = {
        { zsock_resolve (alert_watch_socket (self->watch)), 0, ZMQ_POLLIN, 0 },
        { pipeline ? zsock_resolve (pipeline_socket (pipeline)) : NULL, 0, ZMQ_POLLIN, 0 },
    };
    zmq_poll (items, pipeline ? 2 : 1, timeout_ms);
    alert_watch_receive (self->watch);
    if (pipeline && pipeline_receive (pipeline) > 0)
        self->phase.last_answer_us = raw_now_us ();
}

// The notification's newest seq (its alerts, one seq each), or -1 if it did not answer.
static long
s_notification_head (scenario_t *self)
{
    Shanhai__V1__ReplayRequest request = SHANHAI__V1__REPLAY_REQUEST__INIT;
    request.from_seq = INT64_MAX;  // no events, only the head
    request.max_events = 1;
    Shanhai__V1__ReplayReply *reply = NULL;
    if (rpc_client_call (self->notification, "notification.Replay", &request.base,
                         &shanhai__v1__replay_reply__descriptor, (ProtobufCMessage **) &reply)
        != RPC_OK)
        return -1;
    long head = (long) reply->head_seq;
    shanhai__v1__replay_reply__free_unpacked (reply, NULL);
    return head;
}

static const char *
s_status_name (int status)
{
    const char *name = compliance_status_name ((Shanhai__V1__ComplianceStatus) status);
    return *name ? name : "NONE";
}

// Says what a phase that gave up was still waiting for, and where it may have gone.
static void
s_report_missing (scenario_t *self, pipeline_t *pipeline, const char *why)
{
    printf ("  %s: gave up (%s)\n", self->phase.name, why);
    if (pipeline)
        printf ("  requests: %ld sent, %ld answered, %ld failed%s%s\n", pipeline_sent (pipeline),
                pipeline_answered (pipeline), pipeline_failed (pipeline),
                pipeline_failed (pipeline) ? ", first: " : "", pipeline_first_error (pipeline));
    for (int rule = 0; rule < MODEL_RULE_CELLS; rule++)
        for (int status = 0; status < MODEL_STATUSES; status++) {
            long expected = s_cell_expected (self, rule, status);
            long read = s_cell_read (self, rule, status);
            if (read < expected)
                printf ("  alerts %s %s: %ld of %ld arrived\n",
                        rule < MODEL_RULES ? model_rule (self->model, rule)->id : "(other)",
                        s_status_name (status), read, expected);
        }
    printf ("  the notification's head seq: %ld (the bench expects %ld alerts in all); seqs the "
            "bench's SUB skipped: %ld\n", s_notification_head (self),
            model_expected_total (self->model), alert_watch_gaps (self->watch));
    fflush (stdout);
}

// The stall and overall limits of a phase's wait: returns true when it must give up.
static bool
s_phase_stalled (scenario_t *self, pipeline_t *pipeline, long *progress, int64_t *progress_us)
{
    long now_progress = alert_watch_alerts (self->watch)
                        + (pipeline ? pipeline_answered (pipeline) + pipeline_sent (pipeline) : 0);
    int64_t now_us = raw_now_us ();
    if (now_progress != *progress) {
        *progress = now_progress;
        *progress_us = now_us;
    }
    if (now_us - *progress_us > self->stall_s * 1000000LL) {
        char why[80];
        snprintf (why, sizeof why, "no progress for %ld s, BENCH_STALL_S", self->stall_s);
        s_report_missing (self, pipeline, why);
        return true;
    }
    if (now_us - self->phase.start_us > SCENARIO_PHASE_MAX_S * 1000000LL) {
        s_report_missing (self, pipeline, "the phase ran too long");
        return true;
    }
    return false;
}

// ---------------------------------------------------------------------------------------
// Sending

// Sends the index-th event of a phase as plan says, and tells the model.
static void
s_send_event (scenario_t *self, pipeline_t *pipeline, const char *tag, long index, s_plan_t plan)
{
    const Shanhai__V1__Pairing *pairing = bench_registry_pairing (self->registry, plan.pair);
    Shanhai__V1__LedgerEvent event = SHANHAI__V1__LEDGER_EVENT__INIT;
    snprintf (self->event_id, sizeof self->event_id, "b%d-%s-%ld", (int) getpid (), tag, index);
    event.id = self->event_id;
    event.pairing = pairing->id;
    event.date = self->today_text;
    if (plan.rule == MODEL_RULE_AID) {
        event.kind = "aid-funds";
        event.amount_fen = plan.amount_fen;
    } else {
        event.kind = "leader-visit";
        event.from_region = plan.from_recipient ? pairing->recipient : pairing->supporter;
    }
    pipeline_send (pipeline, "ledger.Record", &event.base);
    model_record (self->model, plan.rule, plan.pair,
                  plan.rule == MODEL_RULE_AID ? plan.amount_fen : 0);
}

// Sends what is due: as many as the window takes (unpaced) or as the clock says (paced).
// Returns the poll timeout until the next send is due, or -1 when all are sent.
static int
s_feed (scenario_t *self, pipeline_t *pipeline, s_feed_t *feed)
{
    int64_t now_us = raw_now_us ();
    while (feed->next < feed->count && pipeline_can_send (pipeline)) {
        if (feed->per_second > 0) {
            int64_t due_us = feed->start_us + (int64_t) (feed->next * 1e6 / feed->per_second);
            if (due_us > now_us)
                return (int) ((due_us - now_us + 999) / 1000);
        }
        if (feed->sent_us)
            feed->sent_us[feed->next] = raw_now_us ();
        s_send_event (self, pipeline, feed->tag, feed->next, feed->plan (self, feed->next));
        feed->next++;
    }
    return feed->next < feed->count ? SCENARIO_PUMP_MS : -1;
}

// Runs the current phase to its end: sends with feed (NULL: nothing to send), reads replies
// and alerts. Returns 0 when done, -1 when it gave up (reported).
static int
s_run_phase (scenario_t *self, pipeline_t *pipeline, s_feed_t *feed)
{
    long progress = -1;
    int64_t progress_us = raw_now_us ();
    if (feed)
        feed->start_us = raw_now_us ();
    while (!s_phase_done (self, pipeline)) {
        int timeout_ms = SCENARIO_PUMP_MS;
        if (!self->phase.sending_done) {
            timeout_ms = feed ? s_feed (self, pipeline, feed) : -1;
            self->phase.sending_done = timeout_ms < 0;
            if (timeout_ms < 0)
                timeout_ms = SCENARIO_PUMP_MS;
        }
        s_pump (self, pipeline, timeout_ms);
        if (s_phase_stalled (self, pipeline, &progress, &progress_us))
            return -1;
    }
    if (pipeline && pipeline_failed (pipeline))
        printf ("  %ld requests failed, the first: %s\n", pipeline_failed (pipeline),
                pipeline_first_error (pipeline));
    return 0;
}

static s_plan_t
s_plan_ingest (scenario_t *self, long index)
{
    // One pair after the other, as many clients recording for many pairs would.
    return (s_plan_t) { .rule = MODEL_RULE_AID, .pair = (int) (index % self->pairs),
                        .amount_fen = SCENARIO_SMALL_AMOUNT_FEN };
}

static s_plan_t
s_plan_e2e (scenario_t *self, long index)
{
    // A pair's payments one after the other, the last one the whole yearly target.
    bool last = index % self->e2e_per_pair == self->e2e_per_pair - 1;
    return (s_plan_t) { .rule = MODEL_RULE_AID, .pair = (int) (index / self->e2e_per_pair),
                        .amount_fen = last ? model_rule (self->model, MODEL_RULE_AID)->target
                                           : SCENARIO_SMALL_AMOUNT_FEN };
}

static s_plan_t
s_plan_latency (scenario_t *self, long index)
{
    // Every pair's first visit (ON_TRACK), then every pair's second one (MET).
    return (s_plan_t) { .rule = MODEL_RULE_VISITS, .pair = (int) (index % self->pairs),
                        .from_recipient = index >= self->pairs };
}

// The ingest's rows as the ledger stores them, for the raw SQLite measure.
static void
s_ingest_row (void *state, long index, Shanhai__V1__LedgerEvent *event)
{
    scenario_t *self = state;
    s_plan_t plan = s_plan_ingest (self, index);
    const Shanhai__V1__Pairing *pairing = bench_registry_pairing (self->registry, plan.pair);
    shanhai__v1__ledger_event__init (event);
    snprintf (self->event_id, sizeof self->event_id, "b%d-%s-%ld", (int) getpid (), "ingest",
              index);
    event->id = self->event_id;
    event->kind = "aid-funds";
    event->pairing = pairing->id;
    event->program = pairing->program;
    event->from_region = pairing->supporter;
    event->to_region = pairing->recipient;
    event->amount_fen = plan.amount_fen;
    event->date = self->today_text;
}

// ---------------------------------------------------------------------------------------
// The services as processes

static void
s_cpu_sample (scenario_t *self, double cpu_s[SCENARIO_SERVICES])
{
    for (int index = 0; index < SCENARIO_SERVICES; index++)
        cpu_s[index] = self->pids[index] ? proc_cpu_s (self->pids[index]) : -1;
}

// Prints each service's CPU use between two samples, as a share of one core over elapsed_us.
static void
s_cpu_print (scenario_t *self, const double before_s[SCENARIO_SERVICES],
             const double after_s[SCENARIO_SERVICES], int64_t elapsed_us)
{
    printf ("  cpu over the phase (share of one core):");
    for (int index = 0; index < SCENARIO_SERVICES; index++)
        if (before_s[index] >= 0 && after_s[index] >= 0 && elapsed_us > 0)
            printf (" %s %.0f%%", s_services[index],
                    100.0 * (after_s[index] - before_s[index]) / (elapsed_us / 1e6));
    printf ("\n");
}

// Profiles the named services (BENCH_PROFILE_DIR) during phase; NULL when not wanted.
static profile_t *
s_profile (scenario_t *self, const char *phase, bool assessment_too)
{
    const char *names[] = { "ledger", "assessment" };
    pid_t pids[2] = { 0, 0 };
    for (int index = 0; index < SCENARIO_SERVICES; index++)
        for (int which = 0; which < 2; which++)
            if (strcmp (s_services[index], names[which]) == 0)
                pids[which] = self->pids[index];
    return profile_start (self->profile_dir, self->profile_tool, phase, names, pids,
                          assessment_too ? 2 : 1);
}

// ---------------------------------------------------------------------------------------
// Figures

static void
s_target (const char *what, bool pass)
{
    printf ("  target %s: %s\n", what, pass ? "PASS" : "MISS");
}

static double
s_ratio (raw_figure_t figure, raw_figure_t limit)
{
    double limit_per_s = raw_per_second (limit);
    return limit_per_s > 0 ? raw_per_second (figure) / limit_per_s : 0;
}

static int
s_compare_us (const void *a, const void *b)
{
    int64_t left = *(const int64_t *) a, right = *(const int64_t *) b;
    return (left > right) - (left < right);
}

// The q-quantile of sorted (nearest rank).
static int64_t
s_quantile (const int64_t *sorted, long count, double q)
{
    long rank = (long) ceil (q * (double) count);
    if (rank < 1)
        rank = 1;
    return sorted[rank - 1];
}

// The latency of one durable commit, the floor under an alert's latency: a recorded event
// waits for three in a row (the ledger's, the assessment's, the notification's).
static void
s_commit_durations (scenario_t *self)
{
    int64_t *durations = calloc (SCENARIO_RAW_COMMITS, sizeof *durations);
    raw_figure_t figure = durations ? raw_sqlite_commit_durations (self->config.data_dir,
                                                                   SCENARIO_RAW_COMMITS, durations)
                                    : (raw_figure_t) { 0, 0 };
    if (figure.count > 0) {
        qsort (durations, (size_t) figure.count, sizeof *durations, s_compare_us);
        self->commit_p50_us = s_quantile (durations, figure.count, 0.50);
        self->commit_p99_us = s_quantile (durations, figure.count, 0.99);
        printf ("sqlite FULL commit, 1 row: duration   p50 %.3f ms  p99 %.3f ms  (%ld commits)\n",
                self->commit_p50_us / 1e3, self->commit_p99_us / 1e3, figure.count);
    }
    free (durations);
}


// ---------------------------------------------------------------------------------------
// Phases

static void
s_phase_raw (scenario_t *self)
{
    printf ("-- raw limits of this run (loopback TCP; SQLite in SHANHAI_DATA_DIR, WAL, "
            "synchronous=FULL; the ledger's rows: the ingest's, best of %d)\n",
            SCENARIO_RAW_LEDGER_TRIES);
    char name[80];
    self->raw_round_trips = raw_zmq_round_trips (SCENARIO_RAW_ROUND_TRIPS);
    raw_print ("zeromq round trip, one at a time", self->raw_round_trips);
    self->raw_pipelined = raw_zmq_pipelined (SCENARIO_RAW_PIPELINED, self->window);
    snprintf (name, sizeof name, "zeromq round trips, %ld in flight", self->window);
    raw_print (name, self->raw_pipelined);
    self->raw_commits = raw_sqlite_commits (self->config.data_dir, SCENARIO_RAW_COMMITS);
    raw_print ("sqlite FULL commit, 1 row each", self->raw_commits);
    s_commit_durations (self);
    // The ingest's rows into a fresh file, as the ledger gets them; short, so the best of a
    // few tries, as a limit should be.
    for (int attempt = 0; attempt < SCENARIO_RAW_LEDGER_TRIES; attempt++) {
        raw_figure_t rows = raw_sqlite_ledger_rows (self->config.data_dir, self->ingest_events,
                                                    self->window, s_ingest_row, self);
        if (raw_per_second (rows) > raw_per_second (self->raw_ledger_rows))
            self->raw_ledger_rows = rows;
    }
    snprintf (name, sizeof name, "sqlite ledger rows, %ld per commit", self->window);
    raw_print (name, self->raw_ledger_rows);
}

static void
s_refresh_pids (scenario_t *self)
{
    for (int index = 0; index < SCENARIO_SERVICES; index++)
        self->pids[index] = proc_pid_of (self->config.data_dir, s_services[index]);
}

// Pauses (SIGSTOP) or resumes (SIGCONT) the assessment and the notification: paused, they
// leave the machine to the ledger, and catch up when resumed (what their SUB sockets dropped
// meanwhile they replay, as after any stop).
static void
s_consumers_signal (scenario_t *self, int signal)
{
    for (int index = 0; index < SCENARIO_SERVICES; index++)
        if ((strcmp (s_services[index], "assessment") == 0
             || strcmp (s_services[index], "notification") == 0)
            && self->pids[index] > 0)
            kill (self->pids[index], signal);
    self->consumers_paused = signal == SIGSTOP;
}

// The actual of rule for pair this year as the assessment says it, or -1.
static int64_t
s_assessment_actual (scenario_t *self, int pair, model_rule_t rule)
{
    Shanhai__V1__StatusRequest request = SHANHAI__V1__STATUS_REQUEST__INIT;
    request.pairing = bench_registry_pairing (self->registry, pair)->id;
    request.year = self->year;
    Shanhai__V1__StatusReply *reply = NULL;
    if (rpc_client_call (self->assessment, "assessment.Status", &request.base,
                         &shanhai__v1__status_reply__descriptor, (ProtobufCMessage **) &reply)
        != RPC_OK)
        return -1;
    int64_t actual = -1;
    for (size_t index = 0; index < reply->n_rules; index++)
        if (strcmp (reply->rules[index]->rule, model_rule (self->model, rule)->id) == 0)
            actual = reply->rules[index]->actual;
    shanhai__v1__status_reply__free_unpacked (reply, NULL);
    return actual;
}

// Waits until what (a function of the scenario) reaches wanted, reading alerts meanwhile;
// gives up when its value stays the same for BENCH_STALL_S. Returns 0 or -1 (reported).
typedef long (s_probe_fn) (scenario_t *self);

static int
s_wait_for (scenario_t *self, s_probe_fn *probe, long wanted, const char *what)
{
    long value, last = LONG_MIN;
    int64_t progress_us = raw_now_us ();
    while ((value = probe (self)) < wanted) {
        if (value != last) {
            last = value;
            progress_us = raw_now_us ();
        }
        if (raw_now_us () - progress_us > self->stall_s * 1000000LL) {
            char why[160];
            snprintf (why, sizeof why, "%s stayed at %ld of %ld", what, value, wanted);
            s_report_missing (self, NULL, why);
            return -1;
        }
        s_pump (self, NULL, SCENARIO_POLL_MS);
    }
    return 0;
}

// The pair of the ingest's last event, the ledger's newest (one DEALER: in order): once its
// sum is all in, the assessment has applied every event before it. The sum grows as the
// assessment goes, which tells a slow catch-up from a stalled one.
static int
s_ingest_last_pair (scenario_t *self)
{
    return (int) ((self->ingest_events - 1) % self->pairs);
}

static long
s_probe_ingest_applied (scenario_t *self)
{
    return (long) s_assessment_actual (self, s_ingest_last_pair (self), MODEL_RULE_AID);
}

static long
s_probe_live (scenario_t *self)
{
    return alert_watch_is_live (self->watch) ? 1 : 0;
}

// Checks that the clock and the pack give the scenario its meaning: small payments change
// nothing, the last one makes a pair MET, a first visit turns it ON_TRACK, a second MET.
static int
s_check_design (scenario_t *self)
{
    long small_count = self->ingest_events / self->pairs + 2 + self->e2e_per_pair;
    int64_t small_fen = small_count * SCENARIO_SMALL_AMOUNT_FEN;
    int64_t target_fen = model_rule (self->model, MODEL_RULE_AID)->target;
    long alerts_small, alerts_last, alerts_first_visit, alerts_second_visit;
    model_preview (self->model, MODEL_RULE_AID, 0, small_fen, self->today, &alerts_small);
    Shanhai__V1__ComplianceStatus last = model_preview (
        self->model, MODEL_RULE_AID, 0, small_fen + target_fen, self->today, &alerts_last);
    Shanhai__V1__ComplianceStatus first_visit = model_preview (
        self->model, MODEL_RULE_VISITS, 0, 1, self->today, &alerts_first_visit);
    Shanhai__V1__ComplianceStatus second_visit = model_preview (
        self->model, MODEL_RULE_VISITS, 0, 2, self->today, &alerts_second_visit);
    if (alerts_small == 0 && last == SHANHAI__V1__COMPLIANCE_STATUS__MET && alerts_last > 0
        && first_visit == SHANHAI__V1__COMPLIANCE_STATUS__ON_TRACK && alerts_first_visit > 0
        && second_visit == SHANHAI__V1__COMPLIANCE_STATUS__MET
        && model_rule (self->model, MODEL_RULE_VISITS)->target == 2)
        return 0;
    fprintf (stderr, "bench: with SHANHAI_CLOCK=%s and this pack, small payments must leave a "
             "pair AT_RISK, a first visit (of 2 a year) turn it ON_TRACK and a second MET: "
             "choose a day of the first half of the year, after Jan 1 (e.g. %d-07-01)\n",
             self->today_text, self->year);
    return -1;
}

static int
s_phase_load (scenario_t *self)
{
    const Shanhai__V1__RegistryDoc *doc = bench_registry_doc (self->registry);
    char what[200];
    snprintf (what, sizeof what, "registry.Load of %zu pairs, %zu regions, %zu people (%zu "
              "bytes), until the last alert of every pair's first evaluation", doc->n_pairings,
              doc->n_regions, doc->n_people, protobuf_c_message_get_packed_size (&doc->base));
    s_phase_begin (self, "load", what);
    rpc_client_t *client = rpc_client_new (self->config.registry_rpc, SCENARIO_LOAD_TIMEOUT_MS);
    // Every alert of the load must reach the bench: its subscription first.
    if (!client || s_wait_for (self, s_probe_live, 1, "the subscription to the notification")) {
        rpc_client_destroy (&client);
        return -1;
    }
    self->phase.start_us = raw_now_us ();
    rpc_status_t status
        = rpc_client_call (client, "registry.Load", &doc->base, NULL, NULL);
    int64_t load_us = raw_now_us () - self->phase.start_us;
    if (status != RPC_OK)
        fprintf (stderr, "bench: registry.Load: %s\n", rpc_client_error (client));
    rpc_client_destroy (&client);
    // The first evaluation of every pair, as of the clock.
    if (status != RPC_OK || (model_set_clock (self->model, self->today), s_check_design (self)))
        return -1;
    self->phase.sending_done = true;
    if (s_run_phase (self, NULL, NULL) == 0)
        printf ("registry.Load to last alert              %.3f s  (%ld AT_RISK alerts; Load "
                "answered after %.3f s)\n", (self->phase.done_us - self->phase.start_us) / 1e6,
                model_expected_total (self->model), load_us / 1e6);
    return 0;
}

// One payment recorded synchronously, as soon as the ledger has heard the clock from the
// registry (it answers UNAVAILABLE until then).
static int
s_phase_warm_up (scenario_t *self)
{
    rpc_client_t *client = rpc_client_new (self->config.ledger_rpc, RPC_TIMEOUT_MS);
    const Shanhai__V1__Pairing *pairing = bench_registry_pairing (self->registry, 0);
    Shanhai__V1__LedgerEvent event = SHANHAI__V1__LEDGER_EVENT__INIT;
    snprintf (self->event_id, sizeof self->event_id, "b%d-warm-up", (int) getpid ());
    event.id = self->event_id;
    event.kind = "aid-funds";
    event.pairing = pairing->id;
    event.amount_fen = SCENARIO_SMALL_AMOUNT_FEN;
    event.date = self->today_text;
    rpc_status_t status = RPC_UNAVAILABLE;
    int64_t deadline_us = raw_now_us () + self->stall_s * 1000000LL;
    while (client && status == RPC_UNAVAILABLE && raw_now_us () < deadline_us) {
        status = rpc_client_call (client, "ledger.Record", &event.base, NULL, NULL);
        if (status == RPC_UNAVAILABLE)
            usleep (SCENARIO_POLL_MS * 1000);
    }
    if (status != RPC_OK)
        fprintf (stderr, "bench: the ledger does not record: %s\n",
                 client ? rpc_client_error (client) : "no client");
    else
        model_record (self->model, MODEL_RULE_AID, 0, SCENARIO_SMALL_AMOUNT_FEN);
    rpc_client_destroy (&client);
    return status == RPC_OK ? 0 : -1;
}

static void
s_phase_ingest (scenario_t *self)
{
    char name[160];
    snprintf (name, sizeof name, "ledger.Record, %ld in flight, each to the next pair (the "
              "ledger alone: the assessment and the notification paused)", self->window);
    s_consumers_signal (self, SIGSTOP);
    profile_t *profile = s_profile (self, "ingest", false);
    s_phase_begin (self, "ingest", name);
    s_feed_t feed = { .tag = "ingest", .count = self->ingest_events, .plan = s_plan_ingest };
    int rc = s_run_phase (self, self->ledger, &feed);
    profile_stop (&profile);
    if (rc)
        return;
    self->ingest = (raw_figure_t) { feed.count, self->phase.done_us - self->phase.start_us };
    snprintf (name, sizeof name, "ledger.Record, %ld in flight", self->window);
    raw_print (name, self->ingest);
    double ratio = s_ratio (self->ingest, self->raw_ledger_rows);
    printf ("  = %.2f x sqlite ledger rows, %ld per commit (%.0f /s)\n", ratio, self->window,
            raw_per_second (self->raw_ledger_rows));
    s_target (">= 0.50 x sqlite", ratio >= SCENARIO_INGEST_RATIO_MIN);
}

// The assessment and the notification resume behind the ingest: done when the assessment has
// applied all of it (small payments: no alert).
static void
s_phase_catch_up (scenario_t *self)
{
    char what[160];
    snprintf (what, sizeof what, "the assessment and the notification resume behind the %ld "
              "events of the ingest", self->ingest_events);
    s_phase_begin (self, "catch-up", what);
    s_consumers_signal (self, SIGCONT);
    long sum = (long) model_actual (self->model, MODEL_RULE_AID, s_ingest_last_pair (self));
    if (s_wait_for (self, s_probe_ingest_applied, sum, "the sum of the ingest's last pair"))
        return;
    int64_t elapsed_us = raw_now_us () - self->phase.start_us;
    printf ("  the assessment applied them in %.3f s (%.0f events/s)\n", elapsed_us / 1e6,
            self->ingest_events / (elapsed_us / 1e6));
}

static void
s_phase_e2e (scenario_t *self)
{
    char name[200];
    snprintf (name, sizeof name, "%ld aid payments, %ld a pair (the last makes it MET), %ld "
              "in flight, until the last MET alert", self->e2e_events,
              self->e2e_per_pair, self->window);
    double cpu_before[SCENARIO_SERVICES], cpu_after[SCENARIO_SERVICES];
    profile_t *profile = s_profile (self, "e2e", true);
    s_phase_begin (self, "end to end", name);
    s_cpu_sample (self, cpu_before);
    s_feed_t feed = { .tag = "e2e", .count = self->e2e_events, .plan = s_plan_e2e };
    int rc = s_run_phase (self, self->ledger, &feed);
    int64_t elapsed_us = (rc == 0 ? self->phase.done_us : raw_now_us ()) - self->phase.start_us;
    s_cpu_sample (self, cpu_after);
    profile_stop (&profile);
    if (rc)
        return;
    self->e2e = (raw_figure_t) { feed.count, elapsed_us };
    raw_print ("end to end, first send to last alert", self->e2e);
    long alerts = s_cell_expected (self, MODEL_RULE_AID, SHANHAI__V1__COMPLIANCE_STATUS__MET);
    printf ("  %ld MET alerts read; the ledger had answered every event after %.3f s\n", alerts,
            (self->phase.last_answer_us - self->phase.start_us) / 1e6);
    s_cpu_print (self, cpu_before, cpu_after, elapsed_us);
    printf ("  = %.2f x sqlite FULL commit, 1 row each (%.0f /s)\n",
            s_ratio (self->e2e, self->raw_commits), raw_per_second (self->raw_commits));
    printf ("  = %.2f x sqlite ledger rows, %ld per commit (%.0f /s)\n",
            s_ratio (self->e2e, self->raw_ledger_rows), self->window,
            raw_per_second (self->raw_ledger_rows));
    printf ("  = %.2f x zeromq round trip, one at a time (%.0f /s)\n",
            s_ratio (self->e2e, self->raw_round_trips), raw_per_second (self->raw_round_trips));
    printf ("  = %.3f x zeromq round trips, %ld in flight (%.0f /s)\n",
            s_ratio (self->e2e, self->raw_pipelined), self->window,
            raw_per_second (self->raw_pipelined));
    s_target (">= 20000 events/s", raw_per_second (self->e2e) >= SCENARIO_E2E_PER_S_MIN);
}

// Sorts the samples that arrived and keeps their quantiles.
static void
s_latency_figures (scenario_t *self)
{
    int64_t *sorted = calloc ((size_t) self->latency_samples, sizeof *sorted);
    long count = 0;
    for (long sample = 0; sorted && sample < self->latency_samples; sample++)
        if (self->latency_us[sample] > 0)
            sorted[count++] = self->latency_us[sample];
    if (count > 0) {
        qsort (sorted, (size_t) count, sizeof *sorted, s_compare_us);
        self->latency_count = count;
        self->latency_p50_us = s_quantile (sorted, count, 0.50);
        self->latency_p99_us = s_quantile (sorted, count, 0.99);
        self->latency_p999_us = s_quantile (sorted, count, 0.999);
        printf ("latency, send to first alert            p50 %.3f ms  p99 %.3f ms  p99.9 %.3f ms"
                "  max %.3f ms  (%ld samples)\n", self->latency_p50_us / 1e3,
                self->latency_p99_us / 1e3, self->latency_p999_us / 1e3,
                sorted[count - 1] / 1e3, count);
        if (self->commit_p50_us > 0)
            printf ("  floor: three durable commits in a row, p50 %.3f ms, p99 %.3f ms (3 x this "
                    "run's one-row commit); p50 = %.2f x, p99 = %.2f x the floor\n",
                    3 * self->commit_p50_us / 1e3, 3 * self->commit_p99_us / 1e3,
                    (double) self->latency_p50_us / (3.0 * self->commit_p50_us),
                    (double) self->latency_p99_us / (3.0 * self->commit_p99_us));
        s_target ("p99 < 2 ms", self->latency_p99_us < SCENARIO_LATENCY_P99_US_MAX);
    }
    free (sorted);
}

static void
s_phase_latency (scenario_t *self)
{
    self->latency_sent_us = calloc ((size_t) self->latency_samples, sizeof (int64_t));
    self->latency_us = calloc ((size_t) self->latency_samples, sizeof (int64_t));
    pipeline_t *open = pipeline_new (self->config.ledger_rpc, SCENARIO_OPEN_LOOP_WINDOW);
    if (!self->latency_sent_us || !self->latency_us || !open) {
        fprintf (stderr, "bench: out of memory or sockets for the latency phase\n");
        pipeline_destroy (&open);
        return;
    }
    s_pump (self, open, SCENARIO_PUMP_MS);  // the connection is made before the clock runs
    char name[200];
    snprintf (name, sizeof name, "%ld leader visits, %ld a second (open loop), each "
              "turning a pair ON_TRACK%s; from the send to the first alert it causes",
              self->latency_samples, self->latency_rate,
              self->latency_samples > self->pairs ? " (then MET)" : "");
    s_phase_begin (self, "latency", name);
    s_feed_t feed = { .tag = "visit", .count = self->latency_samples, .plan = s_plan_latency,
                      .per_second = (double) self->latency_rate,
                      .sent_us = self->latency_sent_us };
    int rc = s_run_phase (self, open, &feed);
    if (rc == 0 || self->latency_read > 0)
        s_latency_figures (self);
    if (self->latency_read < self->latency_samples)
        printf ("  %ld of %ld samples had no alert\n", self->latency_samples - self->latency_read,
                self->latency_samples);
    pipeline_destroy (&open);
}

static void
s_phase_clock (scenario_t *self)
{
    pipeline_t *registry = pipeline_new (self->config.registry_rpc, 1);
    if (!registry)
        return;
    s_pump (self, registry, SCENARIO_PUMP_MS);  // connected before the clock runs
    int32_t next_day = date_from_ymd (self->year + 1, 1, 1);
    char next_text[DATE_TEXT_BYTES];
    date_format (next_day, next_text);
    char name[200];
    snprintf (name, sizeof name, "registry.SetClock %s re-evaluates all %ld pairs, until the "
              "last BREACHED alert", next_text, self->pairs);
    s_phase_begin (self, "clock move", name);
    Shanhai__V1__SetClockRequest request = SHANHAI__V1__SET_CLOCK_REQUEST__INIT;
    request.date = next_text;
    pipeline_send (registry, "registry.SetClock", &request.base);
    model_set_clock (self->model, next_day);
    self->phase.sending_done = true;
    if (s_run_phase (self, registry, NULL) == 0) {
        self->clock_move_us = self->phase.done_us - self->phase.start_us;
        long breached = 0;
        for (int rule = 0; rule < MODEL_RULES; rule++)
            breached += s_cell_expected (self, rule, SHANHAI__V1__COMPLIANCE_STATUS__BREACHED);
        printf ("clock move, SetClock to last alert       %.3f s  (%ld BREACHED alerts; "
                "SetClock answered after %.3f s)\n", self->clock_move_us / 1e6, breached,
                (self->phase.last_answer_us - self->phase.start_us) / 1e6);
        s_target ("< 1 s", self->clock_move_us < SCENARIO_CLOCK_MOVE_US_MAX);
    }
    pipeline_destroy (&registry);
}

static void
s_phase_memory (scenario_t *self)
{
    printf ("-- resident memory at the end (VmHWM: the peak; VmRSS: now)\n");
    for (int index = 0; index < SCENARIO_SERVICES; index++) {
        pid_t pid = self->pids[index];
        self->memory_kib[index][0] = pid ? proc_status_kib (pid, "VmHWM") : -1;
        self->memory_kib[index][1] = pid ? proc_status_kib (pid, "VmRSS") : -1;
        if (self->memory_kib[index][0] < 0) {
            printf ("%-14s not running\n", s_services[index]);
            continue;
        }
        bool pass = self->memory_kib[index][0] < SCENARIO_MEMORY_KIB_MAX;
        printf ("%-14s VmHWM %7.1f MiB  VmRSS %7.1f MiB  target < 64 MiB: %s\n", s_services[index],
                self->memory_kib[index][0] / 1024.0, self->memory_kib[index][1] / 1024.0,
                pass ? "PASS" : "MISS");
    }
    long head = s_notification_head (self);
    printf ("-- alerts: %ld expected in all, the notification's head seq %ld, the bench's SUB read "
            "%ld (%ld skipped seqs, %ld malformed)\n", model_expected_total (self->model), head,
            alert_watch_alerts (self->watch), alert_watch_gaps (self->watch),
            alert_watch_malformed (self->watch));
}

// One line of the summary: name, the figure (or "not measured"), the target, the verdict.
static void
s_summary_line (const char *name, bool measured, const char *figure, const char *target,
                bool pass)
{
    printf ("%-12s %-62s %-20s %s\n", name, measured ? figure : "not measured", target,
            !measured ? "" : pass ? "PASS" : "MISS");
}

static void
s_summary (scenario_t *self)
{
    printf ("== summary (a MISS is reported, never fatal; ratios are to this run's raw limits)\n");
    char figure[160];
    double ratio = s_ratio (self->ingest, self->raw_ledger_rows);
    snprintf (figure, sizeof figure, "%.0f events/s = %.2f x sqlite %ld-row commits (%.0f /s)",
              raw_per_second (self->ingest), ratio, self->window,
              raw_per_second (self->raw_ledger_rows));
    s_summary_line ("ingest", self->ingest.count > 0, figure, "target >= 0.50 x",
                    ratio >= SCENARIO_INGEST_RATIO_MIN);
    snprintf (figure, sizeof figure, "%.0f events/s = %.2f x sqlite 1-row commits (%.0f /s)",
              raw_per_second (self->e2e), s_ratio (self->e2e, self->raw_commits),
              raw_per_second (self->raw_commits));
    s_summary_line ("end to end", self->e2e.count > 0, figure, "target >= 20000 /s",
                    raw_per_second (self->e2e) >= SCENARIO_E2E_PER_S_MIN);
    snprintf (figure, sizeof figure, "p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms (%ld samples)",
              self->latency_p50_us / 1e3, self->latency_p99_us / 1e3,
              self->latency_p999_us / 1e3, self->latency_count);
    s_summary_line ("latency", self->latency_count > 0, figure, "target p99 < 2 ms",
                    self->latency_p99_us < SCENARIO_LATENCY_P99_US_MAX);
    snprintf (figure, sizeof figure, "%.3f s for %ld pairs", self->clock_move_us / 1e6,
              self->pairs);
    s_summary_line ("clock move", self->clock_move_us > 0, figure, "target < 1 s",
                    self->clock_move_us < SCENARIO_CLOCK_MOVE_US_MAX);
    long peak = -1;
    int peak_index = 0;
    for (int index = 0; index < SCENARIO_SERVICES; index++)
        if (self->memory_kib[index][0] > peak) {
            peak = self->memory_kib[index][0];
            peak_index = index;
        }
    snprintf (figure, sizeof figure, "%.1f MiB VmHWM at most (the %s)", peak / 1024.0,
              s_services[peak_index]);
    s_summary_line ("memory", peak > 0, figure, "target < 64 MiB each",
                    peak < SCENARIO_MEMORY_KIB_MAX);
    fflush (stdout);
}

// Everything the scenario holds, made or not.
static void
s_destroy (scenario_t *self)
{
    if (self->consumers_paused)
        s_consumers_signal (self, SIGCONT);
    pipeline_destroy (&self->ledger);
    alert_watch_destroy (&self->watch);
    rpc_client_destroy (&self->assessment);
    rpc_client_destroy (&self->notification);
    bench_registry_destroy (&self->registry);
    model_destroy (&self->model);
    free (self->latency_sent_us);
    free (self->latency_us);
}

// The model, the registry and the connections. Returns 0 or -1 (reported).
static int
s_connect (scenario_t *self)
{
    char path[PATH_BYTES_MAX + 64], errstr[RPC_ERROR_BYTES_MAX] = "";
    snprintf (path, sizeof path, "%s/%s", self->config.policy_dir, SCENARIO_POLICY_FILE);
    self->model = model_new ((int) self->pairs, self->year, path, errstr, sizeof errstr);
    if (!self->model) {
        fprintf (stderr, "bench: %s\n", errstr);
        return -1;
    }
    char start[DATE_TEXT_BYTES + 8], end[DATE_TEXT_BYTES + 8];
    snprintf (start, sizeof start, "%04d-01-01", self->year);
    snprintf (end, sizeof end, "%04d-12-31", self->year + 4);
    self->registry = bench_registry_new ((int) self->pairs, model_program (self->model), start,
                                         end);
    self->ledger = pipeline_new (self->config.ledger_rpc, self->window);
    self->watch = alert_watch_new (self->config.notification_pub, s_on_alert, self);
    self->assessment = rpc_client_new (self->config.assessment_rpc, RPC_TIMEOUT_MS);
    self->notification = rpc_client_new (self->config.notification_rpc, RPC_TIMEOUT_MS);
    if (!self->registry || !self->ledger || !self->watch || !self->assessment
        || !self->notification) {
        fprintf (stderr, "bench: cannot build the registry or connect\n");
        return -1;
    }
    s_refresh_pids (self);
    return 0;
}

int
scenario_main (int argc, char **argv)
{
    if (argc != 1) {
        fprintf (stderr, "usage: shanhai-bench scenario\n");
        return 2;
    }
    scenario_t self = { .pairs = 0 };
    if (s_settings (&self) || s_connect (&self)) {
        s_destroy (&self);
        return 1;
    }
    const Shanhai__V1__RegistryDoc *doc = bench_registry_doc (self.registry);
    printf ("== scenario: %ld pairs, %zu people, program %s, clock %s, %ld in flight\n",
            self.pairs, doc->n_people, model_program (self.model), self.today_text, self.window);
    s_phase_raw (&self);
    if (s_phase_load (&self) || s_phase_warm_up (&self)) {
        s_destroy (&self);
        return 1;
    }
    // A phase that gave up (reported) is no reason to skip the next: each waits for its own
    // alerts, though its figures may then include the end of the one before.
    s_phase_ingest (&self);
    s_phase_catch_up (&self);
    s_phase_e2e (&self);
    s_phase_latency (&self);
    s_phase_clock (&self);
    s_phase_memory (&self);
    s_summary (&self);
    s_destroy (&self);
    return 0;
}
