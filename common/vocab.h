/*  vocab.h: shanhai's vocabulary, declared once: the kinds of event the ledger records, the
    units quantities are counted in, and the metrics a policy rule applies to a kind.

    The ledger checks events by it (vocab_kind_check, vocab_kind_route), the assessment refuses
    a policy pack that says something outside it (vocab_metric_applies, vocab_metric_unit), and
    the CLI takes its kinds, usage text and required options from it. Nothing else names a
    kind: a new kind is a new row of the table in vocab.c, and a simple activity (an event
    between the two counties of a pair, counted, with no amount) is one VOCAB_ACTIVITY line,
    or, with no C at all, one entry of the policy directory's kinds.json, which every process
    declares at start (vocab_declare_activities; docs/policies.md).

    The kinds (vocab.c's table is the reference; `shanhai --help` lists them):
      aid-funds     援建资金  money from the pairing's supporter to its recipient; amount_fen
                              1..AMOUNT_FEN_MAX; from and to may be left out and are filled in.
                              Pending until receipts confirm it; a void cancels what is pending.
      receipt       到位确认  the recipient confirms (part of) a disbursement: of, amount
      void          撤销待付  the supporter cancels what is pending of a disbursement: of
      commitment    年度承诺  the pair's committed aid funds for a year: year, amount
      investment    产业项目  industrial project funds in place: project, sector, amount, park?,
                              continued?
      park-investment 园区投资 investment completed in a co-built park: park, category, amount
      leader-visit  高层互访  principal leaders of one county of the pair visit the other; from
                              is required, to is filled in as the other county; no amount.
      joint-meeting, sales-window: counted activities; matchmaking (signed), agreement (field),
      training (persons), cadre (level, person, start, end), plan-filed and task-book (year),
      income-project (amount), indicator (region, code, year, value; no pairing), reversal (of:
      undoes an earlier event).
    Beside amount_fen and from, a kind requires or allows some of the kind's own fields
    (vocab_attr_t: of, year, project, ...); an event may say no other. Ranges and the
    registry's say (a park, a region) are the ledger's to check.
    Units: fen (a hundredth of a yuan), count. Metrics: sum (adds amount_fen, in the kind's
    unit), count (counts events, in count).

    Threads: the built-in kinds are static and read-only. The declared ones are added once,
    at start: a process calls vocab_declare_activities after config_load and before it starts
    the threads that serve (services, the CLI, and the tests' harnesses that run services as
    actors); from then on the vocabulary does not change. Declaration takes a mutex, so that
    harnesses declaring from several threads are safe; lookups (vocab_kind_count, _at, _find,
    _names, and everything over a kind) take no lock and cost what they did, and may run in any
    thread, concurrently with each other. A lookup that raced a declaration would see the
    built-in kinds alone or every declared kind with them, never part of a row (the rows are
    published with one release store), but the contract is to declare before serving, so that
    every reader sees one vocabulary throughout. Every pointer returned is borrowed, valid for
    the life of the process (declared kinds' strings included), and safe to share between
    threads. */
#ifndef SHANHAI_VOCAB_H
#define SHANHAI_VOCAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "shanhai/v1/ledger.pb-c.h"

// Whether an event of a kind says a field.
typedef enum {
    VOCAB_FIELD_FORBIDDEN,  // never: amount_fen is 0; from (and to) are empty
    VOCAB_FIELD_OPTIONAL,   // it may: a from left out is filled in where the direction tells
    VOCAB_FIELD_REQUIRED,   // it must: amount_fen is 1..AMOUNT_FEN_MAX; from is a county
} vocab_presence_t;

// Which way an event goes between the two counties of its pairing.
typedef enum {
    // From the supporter to the recipient, never back. Either side may be left out: both are
    // filled in.
    VOCAB_DIRECTION_SUPPORTER_TO_RECIPIENT,
    // From either county to the other. A side left out is the other county of the side said;
    // an event that says neither (when its kind lets from be left out) is between the pair as
    // a whole, and stays so.
    VOCAB_DIRECTION_EITHER_WAY,
    // From the recipient to the supporter, never back (a receipt: the recipient confirms);
    // either side may be left out, as above.
    VOCAB_DIRECTION_RECIPIENT_TO_SUPPORTER,
} vocab_direction_t;

// What an event is of: its scope decides whether it names a pairing.
typedef enum {
    VOCAB_SCOPE_PAIR,    // a pairing (required): the default of a row
    VOCAB_SCOPE_REGION,  // a region's figure (attr region): no pairing
    VOCAB_SCOPE_OF,      // the event it acts on (attr of): the pairing, if said, must be its
} vocab_scope_t;

// The kinds' own fields, as numbers for a kind's sets (VOCAB_ATTR_BIT); vocab_attr_name gives
// the JSON key ("signed" for VOCAB_ATTR_SIGNED).
typedef enum {
    VOCAB_ATTR_OF, VOCAB_ATTR_YEAR, VOCAB_ATTR_PROJECT, VOCAB_ATTR_SECTOR, VOCAB_ATTR_PARK,
    VOCAB_ATTR_CATEGORY, VOCAB_ATTR_CONTINUED, VOCAB_ATTR_SIGNED, VOCAB_ATTR_FIELD,
    VOCAB_ATTR_PERSONS, VOCAB_ATTR_LEVEL, VOCAB_ATTR_PERSON, VOCAB_ATTR_START, VOCAB_ATTR_END,
    VOCAB_ATTR_REGION, VOCAB_ATTR_CODE, VOCAB_ATTR_VALUE,
    VOCAB_ATTR_COUNT  // how many there are, not an attr
} vocab_attr_t;
#define VOCAB_ATTR_BIT(attr) (1u << (attr))
// The own fields that hold text a rule may filter on (where, each, share).
#define VOCAB_ATTRS_TEXT                                                                      \
    (VOCAB_ATTR_BIT (VOCAB_ATTR_PROJECT) | VOCAB_ATTR_BIT (VOCAB_ATTR_SECTOR)                  \
     | VOCAB_ATTR_BIT (VOCAB_ATTR_PARK) | VOCAB_ATTR_BIT (VOCAB_ATTR_CATEGORY)                 \
     | VOCAB_ATTR_BIT (VOCAB_ATTR_FIELD) | VOCAB_ATTR_BIT (VOCAB_ATTR_LEVEL)                   \
     | VOCAB_ATTR_BIT (VOCAB_ATTR_PERSON) | VOCAB_ATTR_BIT (VOCAB_ATTR_REGION)                 \
     | VOCAB_ATTR_BIT (VOCAB_ATTR_CODE))

// What a kind's events measure in a pair's totals, beside their number.
typedef enum {
    VOCAB_QUANTITY_COUNT,    // the number of events
    VOCAB_QUANTITY_AMOUNT,   // amount_fen (a void: what it cancelled)
    VOCAB_QUANTITY_SIGNED,   // projects signed
    VOCAB_QUANTITY_PERSONS,  // person-times
} vocab_quantity_t;

// A unit of the quantities rules set targets in and replies report.
typedef struct {
    const char *name;      // "fen": what policy packs and replies say
    const char *title_zh;  // "分"
    const char *title_en;  // "fen (a hundredth of a yuan)"
} vocab_unit_t;

// The metrics, as numbers for switches and for a kind's set of metrics (VOCAB_METRIC_BIT).
typedef enum {
    VOCAB_METRIC_SUM,        // adds amount_fen
    VOCAB_METRIC_COUNT,      // counts events
    VOCAB_METRIC_QUANTITY,   // adds the kind's quantity: persons, projects signed
    VOCAB_METRIC_EACH,       // how many of a set of values of a text field have an event
    VOCAB_METRIC_SHARE,      // the events (or amounts) matching a filter over all, in bp
    VOCAB_METRIC_INDICATOR,  // a region's reported figure, or its growth over the year before
} vocab_metric_id_t;
#define VOCAB_METRICS 6
#define VOCAB_METRIC_BIT(id) (1u << (id))

// What a rule computes over a year's events of one kind.
typedef struct {
    vocab_metric_id_t id;
    const char *name;      // "sum"
    const char *title_zh;  // "合计"
    const char *title_en;  // "sum of the amounts"
    // true: adds each event's amount_fen, in the kind's unit (only for kinds with an amount);
    // false: counts the events, in VOCAB_UNIT_COUNT.
    bool adds_amount;
} vocab_metric_t;

// The unit of a metric that counts events.
#define VOCAB_UNIT_COUNT "count"
// Basis points, a hundredth of a percent: shares and growth rates.
#define VOCAB_UNIT_BP "bp"

// A kind of event: one row of the table.
typedef struct {
    const char *name;             // "aid-funds": what events, policy packs and the CLI say
    const char *title_zh;         // "援建资金"
    const char *title_en;         // "aid funds"
    vocab_presence_t amount;      // amount_fen
    vocab_presence_t from;        // from_region; FORBIDDEN forbids to_region as well
    vocab_direction_t direction;  // where from and to may be, and how they are filled in
    vocab_scope_t scope;          // a pairing's (the default), a region's, or another event's
    unsigned requires;            // VOCAB_ATTR_BIT of each own field it must say
    unsigned allows;              // ... it may say (a superset of requires)
    vocab_quantity_t quantity;    // what its events add up to in a pair's totals
    const char *unit;             // what one event measures: its amount in "fen", or "count"
    unsigned metrics;             // VOCAB_METRIC_BIT of each metric a rule may apply to it
} vocab_kind_t;

// A counted activity that says one more thing (matchmaking: signed): its fields, and what it
// adds up to.
#define VOCAB_ACTIVITY_WITH(name_, title_zh_, title_en_, requires_, quantity_)                 \
    {                                                                                          \
        .name = (name_), .title_zh = (title_zh_), .title_en = (title_en_),                     \
        .amount = VOCAB_FIELD_FORBIDDEN, .from = VOCAB_FIELD_OPTIONAL,                         \
        .direction = VOCAB_DIRECTION_EITHER_WAY, .requires = (requires_),                      \
        .allows = (requires_), .quantity = (quantity_), .unit = VOCAB_UNIT_COUNT,              \
        .metrics = VOCAB_METRIC_BIT (VOCAB_METRIC_COUNT),                                      \
    }

// A simple activity's row: counted, no amount, between the pair; it may say the county it
// went from (the other is filled in as to) or neither.
#define VOCAB_ACTIVITY(name_, title_zh_, title_en_)                                             \
    {                                                                                          \
        .name = (name_), .title_zh = (title_zh_), .title_en = (title_en_),                     \
        .amount = VOCAB_FIELD_FORBIDDEN, .from = VOCAB_FIELD_OPTIONAL,                         \
        .direction = VOCAB_DIRECTION_EITHER_WAY, .unit = VOCAB_UNIT_COUNT,                     \
        .metrics = VOCAB_METRIC_BIT (VOCAB_METRIC_COUNT),                                      \
    }

// The kinds that code must name itself (a test, the bench); everything else reads the table.
#define VOCAB_KIND_AID_FUNDS "aid-funds"
#define VOCAB_KIND_LEADER_VISIT "leader-visit"
#define VOCAB_KIND_RECEIPT "receipt"
#define VOCAB_KIND_VOID "void"
#define VOCAB_KIND_REVERSAL "reversal"
#define VOCAB_KIND_INDICATOR "indicator"

// The JSON key of an attr ("of", "signed", ...); NULL past the end.
const char *vocab_attr_name (vocab_attr_t attr);
// The attr whose key is name, or VOCAB_ATTR_COUNT.
vocab_attr_t vocab_attr_find (const char *name);
// The name of a quantity's unit: "fen", "projects", "persons", "count".
const char *vocab_quantity_unit (vocab_quantity_t quantity);
// Whether events of kind count in the year they name (attr year) rather than their date's.
bool vocab_kind_names_year (const vocab_kind_t *kind);

// Declares the simple activities of the JSON file at path, each a kind exactly like a
// VOCAB_ACTIVITY row (counted, no amount, from optional, either way, between the pair), after
// the built-in kinds and in the file's order:
//   {"activities": [{"name": "support-analysis", "title": "工作专班月度分析",
//                    "title_en": "support group monthly analysis"}, ...]}
// name is an id (validate_id) that is not yet a kind; title (Chinese) and title_en are
// non-empty one-line text of less than NAME_BYTES_MAX bytes; nothing else may be said. At most
// VOCAB_DECLARED_MAX activities, in a file of at most VOCAB_DECLARED_FILE_BYTES_MAX bytes.
// Returns 0, also for a missing file (it declares nothing). Returns -1 with one line in errstr
// naming the file, the activity (counted from 1, with its name once known) and the field, e.g.
// "policies/kinds.json: activity 2: name \"joint-meeting\" is already a kind (built in)", and
// declares nothing: a file is declared whole or not at all.
// The first call that succeeds fixes the declared kinds for the life of the process (a missing
// file fixes none). A later call with the same activities (same names and titles, in the same
// order) is a no-op that returns 0; one with others is refused (-1): kinds do not change while
// the process runs. Safe to call from several threads; see "Threads" above for the readers.
int vocab_declare_activities (const char *path, char *errstr, size_t errstr_size);

// The kinds, built-in then declared, in their order: index 0..vocab_kind_count () - 1; NULL
// past the end.
size_t vocab_kind_count (void);
const vocab_kind_t *vocab_kind_at (size_t index);
// The kind, metric or unit of that name, or NULL (for NULL too).
const vocab_kind_t *vocab_kind_find (const char *name);
const vocab_metric_t *vocab_metric_find (const char *name);
const vocab_unit_t *vocab_unit_find (const char *name);

// The text of an event's own field attr (one of VOCAB_ATTRS_TEXT, or of), or NULL for a field
// that is not text.
const char *vocab_attr_text (const Shanhai__V1__LedgerEvent *event, vocab_attr_t attr);

// Whether a rule may apply metric to events of kind.
bool vocab_metric_applies (const vocab_metric_t *metric, const vocab_kind_t *kind);
// The unit of metric over kind ("fen" for sum over aid-funds, "count" for count over
// anything, "persons" for quantity over training, "bp" for a share), or NULL when the metric
// does not apply to the kind, or for an indicator (whose unit is the figure's, the rule's to
// say: fen, bp or count).
const char *vocab_metric_unit (const vocab_metric_t *metric, const vocab_kind_t *kind);

// The names of every kind (the declared ones last), metric or unit, in order, joined by
// separator, into out: "aid-funds|leader-visit" for a usage text, "sum, count" for an error.
// With a kind, vocab_metric_names names only the metrics that apply to it. Returns 0, or -1
// when out is too small (VOCAB_NAMES_BYTES_MAX is enough, with a separator of up to two bytes;
// the copy is then cut, and terminated).
int vocab_kind_names (const char *separator, char *out, size_t out_size);
int vocab_metric_names (const vocab_kind_t *kind, const char *separator, char *out,
                        size_t out_size);
int vocab_unit_names (const char *separator, char *out, size_t out_size);

// What an event says in the fields a kind governs; "" for a county not said.
typedef struct {
    int64_t amount_fen;
    const char *from;
    const char *to;
    const char *pairing;  // NULL: not checked (as "" is: no pairing said)
    unsigned attrs;       // VOCAB_ATTR_BIT of each own field the event says
} vocab_fields_t;

// Checks the fields against kind's presences alone (no pairing needed): the amount's range,
// a required from, a forbidden from or to, a pairing its scope requires or forbids, the own
// fields it requires and those it does not have. Returns 0, or -1 with one line in errstr that
// names the field, e.g. "amount_fen must be 1..10000000000000 for aid-funds, not 0", "of is
// required for receipt", "year is not a field of leader-visit".
int vocab_kind_check (const vocab_kind_t *kind, const vocab_fields_t *fields, char *errstr,
                      size_t errstr_size);
// Applies kind's direction to an event of a pairing between supporter and recipient (valid
// ids): checks the counties the event says and points fields->from and fields->to at the
// counties it goes between: supporter, recipient, or "" when it stays between the pair as a
// whole. Returns 0, or -1 with one line in errstr naming the field, e.g. "from must be
// hb-wuhan-donghu, the pairing's supporter, not hb-zhuxi (aid-funds events go from
// hb-wuhan-donghu to hb-zhuxi)".
int vocab_kind_route (const vocab_kind_t *kind, const char *supporter, const char *recipient,
                      vocab_fields_t *fields, char *errstr, size_t errstr_size);

#endif
