/*  limits.h: every limit of shanhai, in one place, unit last, with the reason.

    A limit is a promise: input beyond it is refused with a clear error, and every queue and
    loop is bounded by one of these. */
#ifndef SHANHAI_LIMITS_H
#define SHANHAI_LIMITS_H

#include <stdint.h>

// Identifiers (event ids, pairing ids, person ids, region codes, program ids): short, printable
// and free of spaces, so they can stand in Redis keys, ZeroMQ topics and log lines as they are.
#define ID_BYTES_MAX 64
// Names of regions, people, programs: a Chinese county name with its prefecture fits in 64 bytes;
// 256 leaves room for long official names.
#define NAME_BYTES_MAX 256
// A ledger event's memo: one or two sentences of UTF-8.
#define EVENT_MEMO_BYTES_MAX 1024
// A citation or note: a document title with its clause.
#define SOURCE_BYTES_MAX 512
// Why a value is refused (validate_id_problem, validate_text_problem): a short predicate such
// as "has a character outside A-Z a-z 0-9 . _ : - at byte 12", with room for long offsets.
#define REASON_BYTES_MAX 128
// What an error message repeats of a refused value, escaped (validate_echo): every byte of the
// longest id may take four ("\x0a"), so that any id is repeated whole; a longer value is cut.
#define ERROR_ECHO_BYTES_MAX (4 * (ID_BYTES_MAX - 1) + 1)
// An ISO date "YYYY-MM-DD" and its NUL.
#define DATE_TEXT_BYTES 11
// Dates shanhai accepts: the programs start in 2015 and run for decades; anything outside is
// a typing error.
#define DATE_YEAR_MIN 2000
#define DATE_YEAR_MAX 2099
// Money: 10^13 fen is one hundred billion yuan, far above any single aid transfer (the largest
// yearly target in the seeds is 4 billion yuan, city-wide), and small enough that a hundred
// thousand such events in one sum still fit in an int64.
#define AMOUNT_FEN_MAX 10000000000000LL

// One request or reply frame. A registry document of a whole province (a few thousand people)
// is well under 4 MiB; anything larger is refused by the socket before it is read.
#define RPC_MESSAGE_BYTES_MAX (8 * 1024 * 1024)
// A method name "service.Verb".
#define RPC_METHOD_BYTES_MAX 64
// The caller's request id.
#define RPC_REQUEST_ID_BYTES_MAX 64
// The one-line error text of a reply.
#define RPC_ERROR_BYTES_MAX 512
// How long a caller waits for a reply before it reports UNAVAILABLE. Services answer in
// milliseconds; a second covers a busy disk's fsync.
#define RPC_TIMEOUT_MS 3000
// How long a service's call from inside its loop waits for a connection to a publisher before
// it answers UNAVAILABLE: connecting on loopback or a LAN takes milliseconds, and a publisher
// that is down must not hold the loop (and every request queued behind it) for long.
#define RPC_CONNECT_WAIT_MS 250
// Messages queued per socket before ZeroMQ blocks a sender or drops for a slow subscriber.
// A subscriber that falls behind replays from the publisher's store, so drops are safe.
#define ZMQ_HWM_MESSAGES 10000

// Events per Replay reply: bounds the reply's size (events are small, a few hundred bytes).
#define REPLAY_EVENTS_MAX 1000
// How often a publisher announces its newest seq ("_head"), so that a subscriber that missed
// the last events notices without waiting for the next one.
#define PUBLISH_HEARTBEAT_MS 1000
// A topic: "alert.", a person id and the terminator.
#define TOPIC_BYTES_MAX 80

// The service skeleton (service.h): how often a service does its periodic work (catching up
// a subscriber that is behind, the registry's real-time clock). A second keeps a consumer
// whose publisher came back at most a second behind without busy polling.
#define SERVICE_TICK_MS 1000
// After a failed catch-up the next waits twice as long, up to this: a publisher that is down
// for long is asked twice a minute, not every second, and its log is not flooded.
#define SERVICE_CATCH_UP_BACKOFF_MAX_MS 32000
// Subscribers one service consumes (the registry, the ledger, the assessment).
#define SERVICE_SUBSCRIBERS_MAX 4
// Replay pages one catch-up may ask for before it lets the service's loop run again; the
// tick's next catch-up continues where it stopped.
#define SUBSCRIBER_PAGES_PER_CATCH_UP 16
// Events a consumer applies in one transaction: one fsync per batch. A replay page is one
// batch; a thousand events of a few hundred bytes each hold the loop for milliseconds.
#define SUBSCRIBER_BATCH_EVENTS_MAX 1000
// SQLite waits this long for a lock held by another connection before a write fails with
// SQLITE_BUSY. Each service is the only writer of its file, so this only covers an
// operator's sqlite3 shell or a backup.
#define STORE_BUSY_TIMEOUT_MS 5000

// Requests the ledger writes in one transaction (group commit), and events of one
// ledger.RecordBatch. Bounds the time one commit holds later requests back.
#define LEDGER_BATCH_EVENTS_MAX 256
// Events per ledger.List reply: a page of a few hundred kilobytes at most.
#define LEDGER_LIST_EVENTS_MAX 1000
// Rows of parks in a Totals reply: the parks one pairing builds, two categories each. A
// pairing co-builds one park or two; beyond this many rows the rest are left out (logged).
#define LEDGER_TOTALS_PARKS_MAX 32
// The kinds' own fields (common/vocab.h). Projects signed at one matchmaking event: the
// largest signing events in the seeds sign a few dozen; ten thousand is a typing error.
#define EVENT_SIGNED_PROJECTS_MAX 10000
// Person-times of one training event: a city-wide target is 6,000 a year (003 二(三)2), so
// one event of a million is surely a typing error.
#define EVENT_PERSONS_MAX 1000000
// An indicator's value as text: sign, 15 digits, point, INDICATOR_VALUE_DECIMALS_MAX digits.
#define INDICATOR_VALUE_BYTES_MAX 24
// Decimals of an indicator's value: percentages are published with one or two.
#define INDICATOR_VALUE_DECIMALS_MAX 4
// Digits before the point of an indicator's value: yuan per capita and counts stay far below.
#define INDICATOR_VALUE_DIGITS_MAX 12
// A cadre's secondment: the rule is 2.5 years (000 (二十五)); ten years is a typing error.
#define CADRE_SECONDMENT_DAYS_MAX 3660

// Registry documents: ten times the largest province's counties and officials.
#define REGISTRY_PROGRAMS_MAX 64
#define REGISTRY_REGIONS_MAX 4096
#define REGISTRY_PAIRINGS_MAX 4096
#define REGISTRY_PEOPLE_MAX 32768
// Parks: a province co-builds a few dozen (Zhejiang's clause 17 lists 14); a plan line per
// year and category, for a park's decades; an area and a project count beyond any park.
#define REGISTRY_PARKS_MAX 1024
#define PARK_PLANS_MAX 128
#define PARK_AREA_KM2_MAX 1000
#define PARK_PROJECTS_MAX 10000
// A registry file gives a park's plan in 万元 (as annex 1 does): fen in one 万元.
#define FEN_PER_WAN 1000000LL

// Policy packs: rules per program, and programs.
#define POLICY_RULES_MAX 64
#define POLICY_PACKS_MAX 64
// A policy pack file.
#define POLICY_FILE_BYTES_MAX (1024 * 1024)

// The vocabulary's names in one line ("aid-funds|leader-visit") for usage texts and errors:
// room for some forty kinds of a dozen characters; the vocabulary's suite checks they fit.
#define VOCAB_NAMES_BYTES_MAX 512

// Alerts per Alerts reply.
#define ALERTS_LIST_MAX 1000
// An alert's text.
#define ALERT_TEXT_BYTES_MAX 1024
// Deliveries per page of the delivery log, and per batch of due deliveries a channel takes:
// bounds a reply's size and the time one batch holds the loop, like ALERTS_LIST_MAX.
#define DELIVERIES_LIST_MAX 1000
// A delivery's result: one line with the HTTP code and the channel's error message, which
// DingTalk and WeCom keep under a hundred bytes; what is longer is cut by the channel.
#define DELIVERY_RESULT_BYTES_MAX 256
// Attempts of one alert on one channel. Retries that back off from a minute and double reach
// more than a day by the twelfth; a channel down for longer gets the alert marked dead.
#define DELIVERY_ATTEMPTS_MAX 16

// Redis: a cache, never the truth. A down Redis must not slow a request by more than this.
#define CACHE_TIMEOUT_MS 200
// After a failure, how long a service runs uncached before it tries Redis again.
#define CACHE_RETRY_MS 2000
// How long a cached registry answer or compliance snapshot lives if no invalidation reaches it.
#define CACHE_TTL_S 300
// A cache key.
#define CACHE_KEY_BYTES_MAX 256

// Paths of data files.
#define PATH_BYTES_MAX 1024
// Endpoints "tcp://127.0.0.1:7101".
#define ENDPOINT_BYTES_MAX 256

// The command line (cli/).
// How often --follow reads the inbox besides listening.
#define ALERTS_POLL_MS 2000
// How long --follow waits on the live stream at once: bounds the delay of a stop signal.
#define ALERTS_WAIT_MS 200
// How long the command waits for the registry's names of the two counties, after the event
// is recorded: the names only dress the line, so a slow registry costs a second at most and
// the codes are printed instead.
#define RECORD_NAMES_TIMEOUT_MS 1000
// SCAN pages one delete_prefix walks at most; at COUNT 500 that is half a million keys, far
// more than shanhai ever caches. A larger cache is left to the TTL.
#define CACHE_SCAN_PAGES_MAX 1000
// shanhai import: a line of an NDJSON or CSV file. An event's JSON is under 4 KiB (a memo of
// EVENT_MEMO_BYTES_MAX, names of NAME_BYTES_MAX); a longer line is refused, not read on.
#define IMPORT_LINE_BYTES_MAX (64 * 1024)
// Columns of an import CSV: the JSON keys of an event and what the ledger fills in, 29.
#define IMPORT_CSV_COLUMNS_MAX 32
// How often the progress bar on a terminal is redrawn, and a plain progress line written.
#define IMPORT_PROGRESS_BAR_MS 100
#define IMPORT_PROGRESS_LINE_MS 2000
// shanhai export --follow: how often it asks the ledger for what is new. A second keeps the
// bus at most a second behind, at one small List call a second.
#define EXPORT_FOLLOW_POLL_MS 1000
// Room around a body for the envelope's own fields (method, request id, error).
#define RPC_ENVELOPE_BYTES_MAX 4096

_Static_assert (DATE_TEXT_BYTES == sizeof "YYYY-MM-DD", "DATE_TEXT_BYTES fits an ISO date");
_Static_assert (REPLAY_EVENTS_MAX <= ZMQ_HWM_MESSAGES, "a replay fits in the queues");
_Static_assert (SUBSCRIBER_BATCH_EVENTS_MAX >= REPLAY_EVENTS_MAX, "a replay page is one batch");
_Static_assert (SERVICE_TICK_MS <= PUBLISH_HEARTBEAT_MS, "the tick can keep the heartbeat");
_Static_assert (RPC_CONNECT_WAIT_MS < RPC_TIMEOUT_MS, "a connection comes before a reply");
_Static_assert (CACHE_TIMEOUT_MS < RPC_TIMEOUT_MS, "a down cache cannot time out a request");
_Static_assert (INDICATOR_VALUE_DIGITS_MAX + INDICATOR_VALUE_DECIMALS_MAX + 3
                <= INDICATOR_VALUE_BYTES_MAX, "a value of every digit fits its text");
_Static_assert (LEDGER_LIST_EVENTS_MAX <= REPLAY_EVENTS_MAX * 10, "a list page stays small");
_Static_assert (AMOUNT_FEN_MAX < INT64_MAX / 100000, "100,000 events at the maximum fit a sum");
_Static_assert (ERROR_ECHO_BYTES_MAX + REASON_BYTES_MAX + 64 <= RPC_ERROR_BYTES_MAX,
                "an error that repeats an id and says why fits a reply's error text");

#endif
