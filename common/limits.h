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
// Methods a server answers besides its table: the skeleton's own (Health).
#define RPC_ADDED_METHODS_MAX 4
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
// Messages a publisher keeps in memory from its open transaction, to send after the commit
// without reading them back: more than a clock move publishes for ten thousand pairs. Past it
// the rest are read from the outbox table, as after a restart.
#define OUTBOX_PENDING_MAX 65536
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
// Metrics one service reports in its Health: a dozen are worth watching per service.
#define SERVICE_METRICS_MAX 32
// `shanhai health`: how long it waits for each service's answer (a service answers from
// memory in milliseconds; one that has not answered in a second is down or stuck), and how
// many events a consumer may be behind its publisher before it counts as lagging: more than
// one Replay page is more than one catch-up can take back.
#define HEALTH_TIMEOUT_MS 1000
#define HEALTH_LAG_EVENTS_MAX 1000
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
// Channels (group robots, webhooks): one per pair's group and a few per program is a few
// thousand in a province.
#define REGISTRY_CHANNELS_MAX 4096
// The people and programs one channel lists: a program's whole roster fits.
#define CHANNEL_MEMBERS_MAX 4096
// A channel's URL: a robot's webhook with its access token is under 200 bytes; room for
// proxies and long query strings.
#define CHANNEL_URL_BYTES_MAX 1024
// A channel's secret: DingTalk's are 67 characters ("SEC" and 64 hex digits).
#define CHANNEL_SECRET_BYTES_MAX 256
// A mobile number: "+86 " and 11 digits, with room for extensions.
#define PERSON_MOBILE_BYTES_MAX 24
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
// Ledger entries an explanation lists (the total is always given): a year of a pair's events
// of one kind is far fewer.
#define EXPLAIN_ENTRIES_MAX 1000
// Warning thresholds of a rule (days before its deadline): the programs' practice is a month,
// a week and a day; a few more leave room.
#define POLICY_WARNINGS_MAX 8
// A region's reported figure, in hundredths of its unit (or whole, for a count): fifteen
// digits, far past any statistic, and still exact in a double for the dashboard.
#define INDICATOR_VALUE_MAX 999999999999999LL
// A rule's filters ("where"), the values a filter lists, and a value's bytes.
#define POLICY_FILTERS_MAX 3
#define POLICY_VALUES_MAX 12
#define POLICY_VALUE_BYTES_MAX 40
// A period's name, as explain is asked for it: "2024", "2024-Q2", "2024-03", a window
// "2018-2022" (9 bytes) and its NUL, with room to spare; the assessment keys its periods in
// the same 16 bytes (ENGINE_PERIOD_KEY_BYTES), so the CLI and the gateway refuse what it would.
#define PERIOD_KEY_BYTES_MAX 16
// A rule's weight in the scoreboard: a whole number, so that scores add up exactly.
#define POLICY_WEIGHT_MAX 1000
// Grades of a scoreboard (the assessments grade 好, 较好, 一般, 差).
#define POLICY_GRADES_MAX 8
// A grade's name: a few Chinese characters.
#define POLICY_GRADE_BYTES_MAX 32

// Simple activities a program declares in its policy directory's kinds.json
// (vocab_declare_activities): a program adds a handful of counted meetings and reports; 32
// leaves room for every program of a province in one file.
#define VOCAB_DECLARED_MAX 32
// The kinds.json file: 32 activities of the longest id and two titles of NAME_BYTES_MAX, every
// Chinese character written as a JSON escape, are under 40 KiB.
#define VOCAB_DECLARED_FILE_BYTES_MAX (64 * 1024)
// The vocabulary's names in one line ("aid-funds|leader-visit") for usage texts and errors:
// the built-in kinds (room for some forty of a dozen characters), then every declared kind at
// the longest id with a separator of up to two bytes (", "); the vocabulary's suite checks
// both fit.
#define VOCAB_BUILTIN_NAMES_BYTES_MAX 512
#define VOCAB_NAMES_BYTES_MAX                                                                  \
    (VOCAB_BUILTIN_NAMES_BYTES_MAX + VOCAB_DECLARED_MAX * (ID_BYTES_MAX + 2))

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
// Attempts made without an operator by default (SHANHAI_DELIVERY_ATTEMPTS, 1 up to
// DELIVERY_ATTEMPTS_MAX - 1): eight, backing off from a minute, cover about four hours of a
// robot's outage; what stays dead after that waits for `shanhai deliveries retry`, which has
// the attempts left up to DELIVERY_ATTEMPTS_MAX.
#define DELIVERY_ATTEMPTS_DEFAULT 8
// The first retry's delay by default (SHANHAI_DELIVERY_BACKOFF_MS); each next one doubles it,
// plus up to half of it at random, so that channels that failed together do not retry together.
#define DELIVERY_BACKOFF_DEFAULT_MS 60000
// No retry waits longer than this, however many attempts failed before.
#define DELIVERY_BACKOFF_MAX_MS (6 * 3600 * 1000)
// How long alerts of one channel are gathered into one message by default
// (SHANHAI_DELIVERY_WINDOW_MS): a change reaches several people at once, and a clock move or a
// registry load makes dozens of changes within seconds.
#define DELIVERY_WINDOW_DEFAULT_MS 10000
// The longest window one may configure: an alert later than a minute is no longer timely.
#define DELIVERY_WINDOW_MAX_MS 60000
// Messages one channel receives per minute at most: DingTalk's and WeCom's robots throttle
// beyond 20 a minute. Alerts beyond it wait, and go out merged.
#define DELIVERY_MESSAGES_PER_MINUTE_MAX 20
// Alerts one message lists at most: a group reads a digest of a screen or two.
#define DELIVERY_MESSAGE_ALERTS_MAX 50
// One message's text: WeCom's markdown content takes at most 4,096 bytes, the smallest limit
// of the channels; a DingTalk or webhook message is kept to it too.
#define DELIVERY_MESSAGE_BYTES_MAX 4096
// A whole request body: the text, JSON's escapes of it and the mentions or the alerts' JSON.
#define DELIVERY_BODY_BYTES_MAX (64 * 1024)
// Mentions in one DingTalk message.
#define DELIVERY_MENTIONS_MAX 50
// One HTTP attempt, connection included: a robot answers in well under a second; one that
// has not answered in ten is down for this attempt.
#define DELIVERY_TIMEOUT_MS 10000
#define DELIVERY_CONNECT_TIMEOUT_MS 5000
// How often the service's loop drives the transfers while some are in flight: short, so a
// reply is finished promptly; nothing runs when nothing is in flight.
#define DELIVERY_POLL_MS 20
// At a stop, how long the service waits for the replies of transfers in flight, so that what
// a robot accepted is recorded sent and not sent again after the restart.
#define DELIVERY_DRAIN_MS 3000
// What a channel says of one alert: the pair, the rule's title and clause, the figures.
#define CHANNEL_LINE_BYTES_MAX 1024
// A template file (templates/<language>.json).
#define TEMPLATE_FILE_BYTES_MAX (64 * 1024)

// Redis: a cache, never the truth. A down Redis must not slow a request by more than this.
#define CACHE_TIMEOUT_MS 200
// After a failure, how long a service runs uncached before it tries Redis again.
#define CACHE_RETRY_MS 2000
// How long a cached registry answer or compliance snapshot lives if no invalidation reaches it.
#define CACHE_TTL_S 300
// A cache key.
#define CACHE_KEY_BYTES_MAX 256

// The HTTP gateway (services/gateway), for the provincial data exchange bus and the dashboard.
// A request body: one event's JSON is under 2 KiB (a memo of 1 KiB and a few ids); 64 KiB
// leaves room for what a later batch route needs, and bounds what a client can make us hold.
#define GATEWAY_BODY_BYTES_MAX (64 * 1024)
// A request's path and query string: the longest query (three ids and a date) is far shorter.
#define GATEWAY_URL_BYTES_MAX 1024
// Query parameters of one request: no route takes more than four.
#define GATEWAY_QUERY_PARAMS_MAX 8
// A signed request's timestamp may be this far from the gateway's clock, either way: the
// provincial gateways' window of a few minutes, for clients whose clocks drift.
#define GATEWAY_CLOCK_SKEW_MS (300 * 1000)
// The in-memory nonce table (used with Redis, and alone while Redis is down): 16 bytes a slot,
// 16 MiB in all; a nonce is held for its timestamp's window, so it holds a sustained 2,000
// signed requests a second. When it is full a request is refused unless Redis took its nonce.
#define GATEWAY_NONCE_SLOTS (1 << 20)
// Slots a nonce lookup probes (open addressing): bounds the work per request.
#define GATEWAY_NONCE_PROBES_MAX 64
// The HTTP worker threads. Each makes its calls to the services synchronously, so this is how
// many requests are in flight to the services at once: enough for the ledger's group commit
// to fill its transactions, few enough for two cores.
#define GATEWAY_THREADS 16
// Open connections (dashboards, live streams and the bus's clients together): beyond it a new
// connection is refused by the listener, and those already open are served.
#define GATEWAY_CONNECTIONS_MAX 2048
// A connection idle (no byte sent or received) this long is closed: a slow or stuck client
// cannot hold a connection for ever. Live streams send a ping well within it.
#define GATEWAY_IDLE_TIMEOUT_S 30
// What one connection may hold for its headers and buffers (libmicrohttpd's memory pool).
#define GATEWAY_CONNECTION_MEMORY_BYTES (32 * 1024)
// Live alert streams open at once, and alerts queued for one stream that does not read: a
// stream further behind is closed, and its client resumes from Last-Event-ID without loss.
#define GATEWAY_STREAMS_MAX 1024
#define GATEWAY_STREAM_QUEUE_ALERTS_MAX 256
// How often a live stream sends a comment when nothing happens: keeps proxies from closing it
// and finds clients that went away.
#define GATEWAY_STREAM_PING_MS 10000
// Applications in the apps file, regions one may write for, and the file itself.
#define GATEWAY_APPS_MAX 256
#define GATEWAY_APP_REGIONS_MAX 256
#define GATEWAY_APPS_FILE_BYTES_MAX (1024 * 1024)
// An application's secret: at least 16 bytes (128 bits) so that it cannot be guessed, at most
// what a person can still copy.
#define GATEWAY_SECRET_BYTES_MIN 16
#define GATEWAY_SECRET_BYTES_MAX 128
// The secrets the gateway makes for a new apps file: 32 random bytes, as 64 hex digits.
#define GATEWAY_SECRET_RANDOM_BYTES 32
// A signature header: base64 of 32 bytes is 44 characters.
#define GATEWAY_SIGNATURE_BYTES_MAX 128

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

_Static_assert (DELIVERY_ATTEMPTS_DEFAULT < DELIVERY_ATTEMPTS_MAX, "room for a manual retry");
_Static_assert (CHANNEL_LINE_BYTES_MAX < DELIVERY_MESSAGE_BYTES_MAX, "a line fits a message");
_Static_assert (DELIVERY_MESSAGE_BYTES_MAX * 6 < DELIVERY_BODY_BYTES_MAX,
                "a message's text fits a body with every byte escaped");
_Static_assert (DELIVERY_DRAIN_MS < RPC_TIMEOUT_MS + DELIVERY_TIMEOUT_MS, "a stop is bounded");
_Static_assert (DATE_TEXT_BYTES == sizeof "YYYY-MM-DD", "DATE_TEXT_BYTES fits an ISO date");
_Static_assert (REPLAY_EVENTS_MAX <= ZMQ_HWM_MESSAGES, "a replay fits in the queues");
_Static_assert (SUBSCRIBER_BATCH_EVENTS_MAX >= REPLAY_EVENTS_MAX, "a replay page is one batch");
_Static_assert (SERVICE_TICK_MS <= PUBLISH_HEARTBEAT_MS, "the tick can keep the heartbeat");
_Static_assert (RPC_CONNECT_WAIT_MS < RPC_TIMEOUT_MS, "a connection comes before a reply");
_Static_assert (CACHE_TIMEOUT_MS < RPC_TIMEOUT_MS, "a down cache cannot time out a request");
_Static_assert (GATEWAY_STREAM_PING_MS < GATEWAY_IDLE_TIMEOUT_S * 1000,
                "a live stream pings before it counts as idle");
_Static_assert ((GATEWAY_NONCE_SLOTS & (GATEWAY_NONCE_SLOTS - 1)) == 0, "slots are a power of 2");
_Static_assert (INDICATOR_VALUE_DIGITS_MAX + INDICATOR_VALUE_DECIMALS_MAX + 3
                <= INDICATOR_VALUE_BYTES_MAX, "a value of every digit fits its text");
_Static_assert (LEDGER_LIST_EVENTS_MAX <= REPLAY_EVENTS_MAX * 10, "a list page stays small");
_Static_assert (AMOUNT_FEN_MAX < INT64_MAX / 100000, "100,000 events at the maximum fit a sum");
_Static_assert (ERROR_ECHO_BYTES_MAX + REASON_BYTES_MAX + 64 <= RPC_ERROR_BYTES_MAX,
                "an error that repeats an id and says why fits a reply's error text");

#endif
