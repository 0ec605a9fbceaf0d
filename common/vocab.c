#include "common/vocab.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "common/errstr.h"
#include "common/limits.h"
#include "common/validate.h"

static const vocab_unit_t s_units[] = {
    { .name = "fen", .title_zh = "分", .title_en = "fen (a hundredth of a yuan)" },
    { .name = VOCAB_UNIT_COUNT, .title_zh = "次", .title_en = "count" },
    { .name = "persons", .title_zh = "人次", .title_en = "person-times" },
    { .name = "projects", .title_zh = "个项目", .title_en = "projects" },
    { .name = VOCAB_UNIT_BP, .title_zh = "基点", .title_en = "basis points (a hundredth of a percent)" },
};

// In vocab_metric_id_t's order, so that s_metrics[id].id == id.
static const vocab_metric_t s_metrics[] = {
    { .id = VOCAB_METRIC_SUM, .name = "sum", .title_zh = "合计", .title_en = "sum of the amounts",
      .adds_amount = true },
    { .id = VOCAB_METRIC_COUNT, .name = "count", .title_zh = "次数",
      .title_en = "number of events", .adds_amount = false },
    { .id = VOCAB_METRIC_QUANTITY, .name = "quantity", .title_zh = "数量",
      .title_en = "sum of the quantities (persons, projects)", .adds_amount = false },
    { .id = VOCAB_METRIC_EACH, .name = "each", .title_zh = "逐项",
      .title_en = "one of each of a set of values", .adds_amount = false },
    { .id = VOCAB_METRIC_SHARE, .name = "share", .title_zh = "占比",
      .title_en = "share of the events or amounts that match", .adds_amount = false },
    { .id = VOCAB_METRIC_INDICATOR, .name = "indicator", .title_zh = "指标",
      .title_en = "a region's reported figure or its growth", .adds_amount = false },
};

#define S_BIT(attr) VOCAB_ATTR_BIT (VOCAB_ATTR_##attr)
#define S_MONEY_METRICS                                                                        \
    (VOCAB_METRIC_BIT (VOCAB_METRIC_SUM) | VOCAB_METRIC_BIT (VOCAB_METRIC_COUNT))

// The kinds. A new kind is a row here (a simple activity: VOCAB_ACTIVITY); the vocabulary's
// suite checks every row against the rules of the table.
static const vocab_kind_t s_kinds[] = {
    {
        .name = VOCAB_KIND_AID_FUNDS, .title_zh = "援建资金", .title_en = "aid funds",
        .amount = VOCAB_FIELD_REQUIRED, .from = VOCAB_FIELD_OPTIONAL,
        .direction = VOCAB_DIRECTION_SUPPORTER_TO_RECIPIENT,
        .quantity = VOCAB_QUANTITY_AMOUNT, .unit = "fen", .metrics = S_MONEY_METRICS,
    },
    {
        .name = VOCAB_KIND_LEADER_VISIT, .title_zh = "高层互访", .title_en = "leader visit",
        .amount = VOCAB_FIELD_FORBIDDEN, .from = VOCAB_FIELD_REQUIRED,
        .direction = VOCAB_DIRECTION_EITHER_WAY, .unit = VOCAB_UNIT_COUNT,
        .metrics = VOCAB_METRIC_BIT (VOCAB_METRIC_COUNT),
    },
    // The recipient confirms receiving (part of) a disbursement: funds "in place" (到位).
    {
        .name = VOCAB_KIND_RECEIPT, .title_zh = "资金到位", .title_en = "receipt of aid funds",
        .amount = VOCAB_FIELD_REQUIRED, .from = VOCAB_FIELD_OPTIONAL,
        .direction = VOCAB_DIRECTION_RECIPIENT_TO_SUPPORTER, .requires = S_BIT (OF),
        .allows = S_BIT (OF), .quantity = VOCAB_QUANTITY_AMOUNT, .unit = "fen",
        .metrics = S_MONEY_METRICS,
    },
    // The supporter cancels what is still pending of a disbursement; the ledger works out how
    // much (the event says no amount: what is pending is the ledger's to know).
    {
        .name = VOCAB_KIND_VOID, .title_zh = "撤销未到位资金", .title_en = "void of pending funds",
        .amount = VOCAB_FIELD_FORBIDDEN, .from = VOCAB_FIELD_OPTIONAL,
        .direction = VOCAB_DIRECTION_SUPPORTER_TO_RECIPIENT, .requires = S_BIT (OF),
        .allows = S_BIT (OF), .quantity = VOCAB_QUANTITY_AMOUNT, .unit = VOCAB_UNIT_COUNT,
        .metrics = VOCAB_METRIC_BIT (VOCAB_METRIC_COUNT),
    },
    {
        .name = "commitment", .title_zh = "年度承诺资金", .title_en = "committed aid funds",
        .amount = VOCAB_FIELD_REQUIRED, .from = VOCAB_FIELD_OPTIONAL,
        .direction = VOCAB_DIRECTION_SUPPORTER_TO_RECIPIENT, .requires = S_BIT (YEAR),
        .allows = S_BIT (YEAR), .quantity = VOCAB_QUANTITY_AMOUNT, .unit = "fen",
        .metrics = S_MONEY_METRICS,
    },
    // Industrial project funds in place (003 二(一)).
    {
        .name = "investment", .title_zh = "产业项目资金", .title_en = "industrial investment",
        .amount = VOCAB_FIELD_REQUIRED, .from = VOCAB_FIELD_OPTIONAL,
        .direction = VOCAB_DIRECTION_SUPPORTER_TO_RECIPIENT,
        .requires = S_BIT (PROJECT) | S_BIT (SECTOR),
        .allows = S_BIT (PROJECT) | S_BIT (SECTOR) | S_BIT (PARK) | S_BIT (CONTINUED),
        .quantity = VOCAB_QUANTITY_AMOUNT, .unit = "fen", .metrics = S_MONEY_METRICS,
    },
    // Investment completed in a co-built park (003 annex 1): the park's, not one county's.
    {
        .name = "park-investment", .title_zh = "园区投资", .title_en = "park investment",
        .amount = VOCAB_FIELD_REQUIRED, .from = VOCAB_FIELD_FORBIDDEN,
        .direction = VOCAB_DIRECTION_EITHER_WAY, .requires = S_BIT (PARK) | S_BIT (CATEGORY),
        .allows = S_BIT (PARK) | S_BIT (CATEGORY), .quantity = VOCAB_QUANTITY_AMOUNT,
        .unit = "fen", .metrics = S_MONEY_METRICS,
    },
    VOCAB_ACTIVITY ("joint-meeting", "联席会议", "joint meeting"),
    VOCAB_ACTIVITY_WITH ("matchmaking", "对接洽谈签约", "matchmaking and signing",
                         S_BIT (SIGNED), VOCAB_QUANTITY_SIGNED),
    VOCAB_ACTIVITY_WITH ("agreement", "领域合作协议", "cooperation agreement", S_BIT (FIELD),
                         VOCAB_QUANTITY_COUNT),
    VOCAB_ACTIVITY_WITH ("training", "培训就业", "training and employment", S_BIT (PERSONS),
                         VOCAB_QUANTITY_PERSONS),
    VOCAB_ACTIVITY ("sales-window", "消费帮扶窗口", "sales window"),
    {
        .name = "cadre", .title_zh = "挂职干部", .title_en = "seconded cadre",
        .amount = VOCAB_FIELD_FORBIDDEN, .from = VOCAB_FIELD_OPTIONAL,
        .direction = VOCAB_DIRECTION_SUPPORTER_TO_RECIPIENT,
        .requires = S_BIT (LEVEL) | S_BIT (PERSON) | S_BIT (START) | S_BIT (END),
        .allows = S_BIT (LEVEL) | S_BIT (PERSON) | S_BIT (START) | S_BIT (END),
        .unit = VOCAB_UNIT_COUNT, .metrics = VOCAB_METRIC_BIT (VOCAB_METRIC_COUNT),
    },
    // The pair's plan for a year, filed (its date is the filing date, for on-time rules).
    {
        .name = "plan-filed", .title_zh = "年度计划报备", .title_en = "plan filed",
        .amount = VOCAB_FIELD_FORBIDDEN, .from = VOCAB_FIELD_FORBIDDEN,
        .requires = S_BIT (YEAR), .allows = S_BIT (YEAR), .unit = VOCAB_UNIT_COUNT,
        .metrics = VOCAB_METRIC_BIT (VOCAB_METRIC_COUNT),
    },
    {
        .name = "task-book", .title_zh = "年度任务书", .title_en = "task book signed",
        .amount = VOCAB_FIELD_FORBIDDEN, .from = VOCAB_FIELD_FORBIDDEN,
        .requires = S_BIT (YEAR), .allows = S_BIT (YEAR), .unit = VOCAB_UNIT_COUNT,
        .metrics = VOCAB_METRIC_BIT (VOCAB_METRIC_COUNT),
    },
    // A project raising rural incomes, with its aid funds in place (003 二(三)1).
    {
        .name = "income-project", .title_zh = "群众增收项目", .title_en = "income project",
        .amount = VOCAB_FIELD_REQUIRED, .from = VOCAB_FIELD_OPTIONAL,
        .direction = VOCAB_DIRECTION_SUPPORTER_TO_RECIPIENT, .allows = S_BIT (PROJECT),
        .quantity = VOCAB_QUANTITY_AMOUNT, .unit = "fen", .metrics = S_MONEY_METRICS,
    },
    // A region's reported statistic for a year: no pairing, no counties.
    {
        .name = VOCAB_KIND_INDICATOR, .title_zh = "统计指标", .title_en = "indicator",
        .amount = VOCAB_FIELD_FORBIDDEN, .from = VOCAB_FIELD_FORBIDDEN,
        .scope = VOCAB_SCOPE_REGION,
        .requires = S_BIT (REGION) | S_BIT (CODE) | S_BIT (YEAR) | S_BIT (VALUE),
        .allows = S_BIT (REGION) | S_BIT (CODE) | S_BIT (YEAR) | S_BIT (VALUE),
        .unit = VOCAB_UNIT_COUNT, .metrics = VOCAB_METRIC_BIT (VOCAB_METRIC_COUNT),
    },
    // Undoes an earlier event in every total: the correction of an append-only ledger.
    {
        .name = VOCAB_KIND_REVERSAL, .title_zh = "冲正", .title_en = "reversal",
        .amount = VOCAB_FIELD_FORBIDDEN, .from = VOCAB_FIELD_FORBIDDEN,
        .scope = VOCAB_SCOPE_OF, .requires = S_BIT (OF), .allows = S_BIT (OF),
        .unit = VOCAB_UNIT_COUNT, .metrics = VOCAB_METRIC_BIT (VOCAB_METRIC_COUNT),
    },
};

// In vocab_attr_t's order.
static const char *s_attr_names[] = {
    "of", "year", "project", "sector", "park", "category", "continued", "signed", "field",
    "persons", "level", "person", "start", "end", "region", "code", "value",
};
_Static_assert (sizeof s_attr_names / sizeof s_attr_names[0] == VOCAB_ATTR_COUNT,
                "a name for every attr");
_Static_assert (VOCAB_ATTR_COUNT <= 8 * sizeof (unsigned), "a kind's attrs fit its bits");

#define S_COUNT(table) (sizeof (table) / sizeof (table)[0])

_Static_assert (S_COUNT (s_metrics) == VOCAB_METRICS, "a row for every metric id");
_Static_assert (S_COUNT (s_metrics) <= 8 * sizeof (unsigned), "a kind's metrics fit its bits");

// A declared activity's strings, copied in and never freed, so that its kind's pointers are
// valid for the life of the process.
typedef struct {
    char name[ID_BYTES_MAX];
    char title_zh[NAME_BYTES_MAX];
    char title_en[NAME_BYTES_MAX];
} s_activity_t;

// One kinds file, read whole and checked before anything of it is declared.
typedef struct {
    char bytes[VOCAB_DECLARED_FILE_BYTES_MAX + 1];  // one more, to see a file that grew
    size_t count;
    s_activity_t activities[VOCAB_DECLARED_MAX];
} s_file_t;

// The declared kinds, after the built-in ones. A declaration holds lock from its first read to
// its last write; a reader takes no lock: it loads count (acquire) and reads the rows below it,
// which were written whole before count was stored (release), and are never written again.
static struct {
    pthread_mutex_t lock;
    bool fixed;                   // a declaration succeeded: the declared kinds are final
    char path[PATH_BYTES_MAX];    // the file that fixed them, for the error of another set
    s_activity_t activities[VOCAB_DECLARED_MAX];
    vocab_kind_t kinds[VOCAB_DECLARED_MAX];
    _Atomic size_t count;
    s_file_t staged;              // the file being declared (under lock: too big for a stack)
} s_declared = { .lock = PTHREAD_MUTEX_INITIALIZER };

// Where a refusal is: "<file>: activity <n>", then with its name, "<file>: activity <n> \"x\"".
#define S_WHERE_BYTES_MAX (PATH_BYTES_MAX + ID_BYTES_MAX + 32)

static size_t
s_declared_count (void)
{
    return atomic_load_explicit (&s_declared.count, memory_order_acquire);
}

size_t
vocab_kind_count (void)
{
    return S_COUNT (s_kinds) + s_declared_count ();
}

const vocab_kind_t *
vocab_kind_at (size_t index)
{
    if (index < S_COUNT (s_kinds))
        return &s_kinds[index];
    index -= S_COUNT (s_kinds);
    return index < s_declared_count () ? &s_declared.kinds[index] : NULL;
}

static const vocab_kind_t *
s_builtin_find (const char *name)
{
    for (size_t index = 0; index < S_COUNT (s_kinds); index++)
        if (strcmp (s_kinds[index].name, name) == 0)
            return &s_kinds[index];
    return NULL;
}

const vocab_kind_t *
vocab_kind_find (const char *name)
{
    if (!name)
        return NULL;
    const vocab_kind_t *kind = s_builtin_find (name);
    size_t declared = s_declared_count ();
    for (size_t index = 0; !kind && index < declared; index++)
        if (strcmp (s_declared.kinds[index].name, name) == 0)
            kind = &s_declared.kinds[index];
    return kind;
}

// Reads the file at path into file->bytes (terminated), its length into *size. Returns 0, 1
// when there is no such file, or -1 with the reason in errstr.
static int
s_declare_read (const char *path, s_file_t *file, size_t *size, char *errstr,
                size_t errstr_size)
{
    // stat before open: opening a FIFO would wait for a writer.
    struct stat status;
    if (stat (path, &status) != 0)
        return errno == ENOENT ? 1 : errstr_set (errstr, errstr_size, "%s: cannot be read: %s",
                                                 path, strerror (errno));
    if (!S_ISREG (status.st_mode))
        return errstr_set (errstr, errstr_size, "%s: not a regular file", path);
    if (status.st_size > VOCAB_DECLARED_FILE_BYTES_MAX)
        return errstr_set (errstr, errstr_size, "%s: %lld bytes, over the limit of %d", path,
                           (long long) status.st_size, VOCAB_DECLARED_FILE_BYTES_MAX);
    FILE *stream = fopen (path, "rb");
    if (!stream)
        return errstr_set (errstr, errstr_size, "%s: cannot be read: %s", path,
                           strerror (errno));
    *size = fread (file->bytes, 1, sizeof file->bytes, stream);
    int rc = 0;
    if (ferror (stream))
        rc = errstr_set (errstr, errstr_size, "%s: cannot be read", path);
    else if (*size > VOCAB_DECLARED_FILE_BYTES_MAX)  // it grew since stat
        rc = errstr_set (errstr, errstr_size, "%s: over the limit of %d bytes", path,
                         VOCAB_DECLARED_FILE_BYTES_MAX);
    else
        file->bytes[*size] = '\0';
    fclose (stream);
    return rc;
}

// Refuses a member of object that is not one of names (" name title "), naming it.
static int
s_declare_members (const json_t *object, const char *names, const char *where,
                   const char *what, char *errstr, size_t errstr_size)
{
    const char *key;
    json_t *value;
    json_object_foreach ((json_t *) object, key, value) {
        char spaced[ID_BYTES_MAX + 2];
        int length = snprintf (spaced, sizeof spaced, " %s ", key);
        if (length > 0 && (size_t) length < sizeof spaced && strstr (names, spaced))
            continue;
        char echo[ERROR_ECHO_BYTES_MAX];
        validate_echo (key, echo, sizeof echo);
        return errstr_set (errstr, errstr_size, "%s: \"%s\" is not a member of %s", where,
                           echo, what);
    }
    return 0;
}

// The activity's name: an id that no kind has, nor an activity before it in the file.
static int
s_declare_name (const json_t *entry, const s_file_t *file, size_t index, const char *where,
                char *errstr, size_t errstr_size)
{
    json_t *value = json_object_get (entry, "name");
    if (!value)
        return errstr_set (errstr, errstr_size, "%s: name is required", where);
    if (!json_is_string (value))
        return errstr_set (errstr, errstr_size, "%s: name must be a string (an id)", where);
    const char *name = json_string_value (value);
    char reason[REASON_BYTES_MAX], echo[ERROR_ECHO_BYTES_MAX];
    if (validate_id_problem (name, reason, sizeof reason)) {
        validate_echo (name, echo, sizeof echo);
        return errstr_set (errstr, errstr_size, "%s: name \"%s\" %s", where, echo, reason);
    }
    if (s_builtin_find (name))
        return errstr_set (errstr, errstr_size, "%s: name \"%s\" is already a kind (built in)",
                           where, name);
    for (size_t other = 0; other < index; other++)
        if (strcmp (file->activities[other].name, name) == 0)
            return errstr_set (errstr, errstr_size, "%s: name \"%s\" is activity %zu's as well",
                               where, name, other + 1);
    return 0;
}

// A title: non-empty text on one line, copied into out (NAME_BYTES_MAX).
static int
s_declare_title (const json_t *entry, const char *key, char *out, const char *where,
                 char *errstr, size_t errstr_size)
{
    json_t *value = json_object_get (entry, key);
    if (!value)
        return errstr_set (errstr, errstr_size, "%s: %s is required", where, key);
    if (!json_is_string (value))
        return errstr_set (errstr, errstr_size, "%s: %s must be a string", where, key);
    const char *text = json_string_value (value);
    char reason[REASON_BYTES_MAX];
    if (!*text)
        return errstr_set (errstr, errstr_size, "%s: %s is empty", where, key);
    if (validate_text_problem (text, NAME_BYTES_MAX, false, reason, sizeof reason))
        return errstr_set (errstr, errstr_size, "%s: %s %s", where, key, reason);
    snprintf (out, NAME_BYTES_MAX, "%s", text);
    return 0;
}

// Checks the index-th activity of the file and copies it into file->activities[index].
static int
s_declare_activity (const char *path, const json_t *entry, s_file_t *file, size_t index,
                    char *errstr, size_t errstr_size)
{
    char where[S_WHERE_BYTES_MAX];
    snprintf (where, sizeof where, "%s: activity %zu", path, index + 1);
    if (!json_is_object (entry))
        return errstr_set (errstr, errstr_size, "%s must be an object {\"name\", \"title\", "
                           "\"title_en\"}", where);
    s_activity_t *activity = &file->activities[index];
    if (s_declare_members (entry, " name title title_en ", where,
                           "an activity (name, title, title_en)", errstr, errstr_size)
        || s_declare_name (entry, file, index, where, errstr, errstr_size))
        return -1;
    snprintf (activity->name, sizeof activity->name, "%s",
              json_string_value (json_object_get (entry, "name")));
    snprintf (where, sizeof where, "%s: activity %zu \"%s\"", path, index + 1, activity->name);
    return s_declare_title (entry, "title", activity->title_zh, where, errstr, errstr_size)
           || s_declare_title (entry, "title_en", activity->title_en, where, errstr,
                               errstr_size) ? -1 : 0;
}

// Parses and checks the file's bytes into file->activities and file->count.
static int
s_declare_parse (const char *path, s_file_t *file, size_t size, char *errstr,
                 size_t errstr_size)
{
    json_error_t error;
    json_t *root = json_loadb (file->bytes, size, JSON_REJECT_DUPLICATES, &error);
    if (!root)
        return errstr_set (errstr, errstr_size, "%s: line %d column %d: %s", path, error.line,
                           error.column, error.text);
    json_t *list = json_object_get (root, "activities");
    int rc = 0;
    if (!json_is_object (root))
        rc = errstr_set (errstr, errstr_size, "%s: a kinds file is a JSON object "
                         "{\"activities\": [...]}", path);
    else if (s_declare_members (root, " activities ", path, "a kinds file (activities)",
                                errstr, errstr_size))
        rc = -1;
    else if (!json_is_array (list))
        rc = errstr_set (errstr, errstr_size, "%s: activities must be a list", path);
    else if (json_array_size (list) > VOCAB_DECLARED_MAX)
        rc = errstr_set (errstr, errstr_size, "%s: %zu activities, more than %d", path,
                         json_array_size (list), VOCAB_DECLARED_MAX);
    for (size_t index = 0; rc == 0 && index < json_array_size (list); index++)
        rc = s_declare_activity (path, json_array_get (list, index), file, index, errstr,
                                 errstr_size);
    file->count = rc == 0 ? json_array_size (list) : 0;
    json_decref (root);
    return rc;
}

// The first activity (counted from 0) in which file differs from the declared kinds, or
// SIZE_MAX when it declares the same ones. Under the lock.
static size_t
s_declare_difference (const s_file_t *file)
{
    size_t declared = atomic_load_explicit (&s_declared.count, memory_order_relaxed);
    for (size_t index = 0; index < file->count || index < declared; index++) {
        if (index == file->count || index == declared)
            return index;
        const s_activity_t *mine = &file->activities[index];
        const s_activity_t *theirs = &s_declared.activities[index];
        if (strcmp (mine->name, theirs->name) != 0 || strcmp (mine->title_zh, theirs->title_zh)
            || strcmp (mine->title_en, theirs->title_en))
            return index;
    }
    return SIZE_MAX;
}

// Declares file's activities, all at once, or checks them against those declared before.
// Under the lock.
static int
s_declare_publish (const char *path, const s_file_t *file, char *errstr, size_t errstr_size)
{
    if (s_declared.fixed) {
        size_t differs = s_declare_difference (file);
        if (differs == SIZE_MAX)
            return 0;
        return errstr_set (errstr, errstr_size, "%s: activity %zu differs from the %zu "
                           "declared before from %s: kinds are declared once, at start", path,
                           differs + 1, s_declared_count (), s_declared.path);
    }
    for (size_t index = 0; index < file->count; index++) {
        const s_activity_t *activity = &s_declared.activities[index];
        s_declared.activities[index] = file->activities[index];
        s_declared.kinds[index] = (vocab_kind_t) VOCAB_ACTIVITY (
            activity->name, activity->title_zh, activity->title_en);
    }
    snprintf (s_declared.path, sizeof s_declared.path, "%s", path);
    s_declared.fixed = true;
    atomic_store_explicit (&s_declared.count, file->count, memory_order_release);
    return 0;
}

int
vocab_declare_activities (const char *path, char *errstr, size_t errstr_size)
{
    assert (path && errstr);
    int rc = pthread_mutex_lock (&s_declared.lock);
    assert (rc == 0);
    s_file_t *file = &s_declared.staged;
    size_t size = 0;
    rc = s_declare_read (path, file, &size, errstr, errstr_size);
    if (rc == 1)
        file->count = 0;  // no file: no activities
    else if (rc == 0)
        rc = s_declare_parse (path, file, size, errstr, errstr_size);
    if (rc >= 0)
        rc = s_declare_publish (path, file, errstr, errstr_size);
    int unlocked = pthread_mutex_unlock (&s_declared.lock);
    assert (unlocked == 0);
    return rc;
}

const vocab_metric_t *
vocab_metric_find (const char *name)
{
    for (size_t index = 0; name && index < S_COUNT (s_metrics); index++)
        if (strcmp (s_metrics[index].name, name) == 0)
            return &s_metrics[index];
    return NULL;
}

const vocab_unit_t *
vocab_unit_find (const char *name)
{
    for (size_t index = 0; name && index < S_COUNT (s_units); index++)
        if (strcmp (s_units[index].name, name) == 0)
            return &s_units[index];
    return NULL;
}

const char *
vocab_attr_name (vocab_attr_t attr)
{
    return (unsigned) attr < VOCAB_ATTR_COUNT ? s_attr_names[attr] : NULL;
}

vocab_attr_t
vocab_attr_find (const char *name)
{
    for (unsigned attr = 0; name && attr < VOCAB_ATTR_COUNT; attr++)
        if (strcmp (s_attr_names[attr], name) == 0)
            return (vocab_attr_t) attr;
    return VOCAB_ATTR_COUNT;
}

const char *
vocab_quantity_unit (vocab_quantity_t quantity)
{
    switch (quantity) {
    case VOCAB_QUANTITY_AMOUNT: return "fen";
    case VOCAB_QUANTITY_SIGNED: return "projects";
    case VOCAB_QUANTITY_PERSONS: return "persons";
    case VOCAB_QUANTITY_COUNT: break;
    }
    return VOCAB_UNIT_COUNT;
}

bool
vocab_kind_names_year (const vocab_kind_t *kind)
{
    assert (kind);
    // An indicator names its year too, but it has no pairing and is not in a pair's totals.
    return (kind->requires & S_BIT (YEAR)) != 0;
}

bool
vocab_metric_applies (const vocab_metric_t *metric, const vocab_kind_t *kind)
{
    assert (metric && kind);
    switch (metric->id) {
    case VOCAB_METRIC_SUM:
    case VOCAB_METRIC_COUNT:
        return (kind->metrics & VOCAB_METRIC_BIT (metric->id)) != 0;
    case VOCAB_METRIC_QUANTITY:
        return kind->quantity == VOCAB_QUANTITY_SIGNED || kind->quantity == VOCAB_QUANTITY_PERSONS;
    case VOCAB_METRIC_EACH:
    case VOCAB_METRIC_SHARE:
        return kind->scope == VOCAB_SCOPE_PAIR && (kind->allows & VOCAB_ATTRS_TEXT) != 0;
    case VOCAB_METRIC_INDICATOR:
        return kind->scope == VOCAB_SCOPE_REGION;
    }
    return false;
}

const char *
vocab_metric_unit (const vocab_metric_t *metric, const vocab_kind_t *kind)
{
    if (!vocab_metric_applies (metric, kind))
        return NULL;
    switch (metric->id) {
    case VOCAB_METRIC_SUM: return kind->unit;
    case VOCAB_METRIC_QUANTITY: return vocab_quantity_unit (kind->quantity);
    case VOCAB_METRIC_SHARE: return VOCAB_UNIT_BP;
    case VOCAB_METRIC_INDICATOR: return NULL;  // the rule's: the figure's own unit
    case VOCAB_METRIC_COUNT:
    case VOCAB_METRIC_EACH: break;
    }
    return VOCAB_UNIT_COUNT;
}

const char *
vocab_attr_text (const Shanhai__V1__LedgerEvent *event, vocab_attr_t attr)
{
    switch (attr) {
    case VOCAB_ATTR_OF: return event->of;
    case VOCAB_ATTR_PROJECT: return event->project;
    case VOCAB_ATTR_SECTOR: return event->sector;
    case VOCAB_ATTR_PARK: return event->park;
    case VOCAB_ATTR_CATEGORY: return event->category;
    case VOCAB_ATTR_FIELD: return event->field;
    case VOCAB_ATTR_LEVEL: return event->level;
    case VOCAB_ATTR_PERSON: return event->person;
    case VOCAB_ATTR_REGION: return event->region;
    case VOCAB_ATTR_CODE: return event->code;
    default: return NULL;
    }
}

// Appends name to out (holding *length bytes) after separator unless it is the first. Returns
// 0, or -1 when it does not fit, leaving out terminated and unchanged.
static int
s_append (char *out, size_t out_size, size_t *length, const char *separator, const char *name)
{
    const char *before = *length ? separator : "";
    size_t added = strlen (before) + strlen (name);
    if (*length + added >= out_size)
        return -1;
    strcpy (out + *length, before);
    strcpy (out + *length + strlen (before), name);
    *length += added;
    return 0;
}

int
vocab_kind_names (const char *separator, char *out, size_t out_size)
{
    assert (separator && out && out_size > 0);
    size_t length = 0;
    *out = '\0';
    for (size_t index = 0; index < vocab_kind_count (); index++)
        if (s_append (out, out_size, &length, separator, vocab_kind_at (index)->name))
            return -1;
    return 0;
}

int
vocab_metric_names (const vocab_kind_t *kind, const char *separator, char *out, size_t out_size)
{
    assert (separator && out && out_size > 0);
    size_t length = 0;
    *out = '\0';
    for (size_t index = 0; index < S_COUNT (s_metrics); index++)
        if ((!kind || vocab_metric_applies (&s_metrics[index], kind))
            && s_append (out, out_size, &length, separator, s_metrics[index].name))
            return -1;
    return 0;
}

int
vocab_unit_names (const char *separator, char *out, size_t out_size)
{
    assert (separator && out && out_size > 0);
    size_t length = 0;
    *out = '\0';
    for (size_t index = 0; index < S_COUNT (s_units); index++)
        if (s_append (out, out_size, &length, separator, s_units[index].name))
            return -1;
    return 0;
}

static int
s_check_amount (const vocab_kind_t *kind, int64_t amount_fen, char *errstr, size_t errstr_size)
{
    switch (kind->amount) {
    case VOCAB_FIELD_FORBIDDEN:
        if (amount_fen == 0)
            return 0;
        return errstr_set (errstr, errstr_size, "amount_fen must be 0 for %s (it has no "
                           "amount), not %" PRId64, kind->name, amount_fen);
    case VOCAB_FIELD_OPTIONAL:
        if (amount_fen >= 0 && amount_fen <= AMOUNT_FEN_MAX)
            return 0;
        return errstr_set (errstr, errstr_size, "amount_fen must be 0..%lld for %s, not %"
                           PRId64, AMOUNT_FEN_MAX, kind->name, amount_fen);
    case VOCAB_FIELD_REQUIRED:
        if (amount_fen >= 1 && amount_fen <= AMOUNT_FEN_MAX)
            return 0;
        return errstr_set (errstr, errstr_size, "amount_fen must be 1..%lld for %s, not %"
                           PRId64, AMOUNT_FEN_MAX, kind->name, amount_fen);
    }
    assert (false && "a presence the table does not have");
    return -1;
}

// The pairing the scope asks for, then the kind's own fields: required, then not its own.
static int
s_check_scope (const vocab_kind_t *kind, const vocab_fields_t *fields, char *errstr,
               size_t errstr_size)
{
    if (fields->pairing && kind->scope == VOCAB_SCOPE_PAIR && !*fields->pairing)
        return errstr_set (errstr, errstr_size, "pair is required for %s", kind->name);
    if (fields->pairing && kind->scope == VOCAB_SCOPE_REGION && *fields->pairing)
        return errstr_set (errstr, errstr_size, "pair must be empty for %s (it is a region's "
                           "figure: say region)", kind->name);
    for (unsigned attr = 0; attr < VOCAB_ATTR_COUNT; attr++) {
        unsigned bit = VOCAB_ATTR_BIT (attr);
        if ((kind->requires & bit) && !(fields->attrs & bit))
            return errstr_set (errstr, errstr_size, "%s is required for %s", s_attr_names[attr],
                               kind->name);
    }
    for (unsigned attr = 0; attr < VOCAB_ATTR_COUNT; attr++)
        if ((fields->attrs & VOCAB_ATTR_BIT (attr)) && !(kind->allows & VOCAB_ATTR_BIT (attr)))
            return errstr_set (errstr, errstr_size, "%s is not a field of %s",
                               s_attr_names[attr], kind->name);
    return 0;
}

int
vocab_kind_check (const vocab_kind_t *kind, const vocab_fields_t *fields, char *errstr,
                  size_t errstr_size)
{
    assert (kind && fields && fields->from && fields->to);
    if (s_check_amount (kind, fields->amount_fen, errstr, errstr_size))
        return -1;
    if (kind->from == VOCAB_FIELD_REQUIRED && !*fields->from)
        return errstr_set (errstr, errstr_size, "from is required for %s: the county it goes "
                           "from", kind->name);
    if (kind->from == VOCAB_FIELD_FORBIDDEN && (*fields->from || *fields->to))
        return errstr_set (errstr, errstr_size, "%s must be empty for %s (%s)",
                           *fields->from ? "from" : "to", kind->name,
                           kind->scope == VOCAB_SCOPE_PAIR ? "it is between the pair as a whole"
                                                           : "it is not between two counties");
    return s_check_scope (kind, fields, errstr, errstr_size);
}

// One way, from source (the pairing's source_role: "supporter") to target.
static int
s_route_one_way (const vocab_kind_t *kind, const char *source, const char *target,
                 vocab_fields_t *fields, char *errstr, size_t errstr_size)
{
    bool forward = kind->direction == VOCAB_DIRECTION_SUPPORTER_TO_RECIPIENT;
    const char *source_role = forward ? "supporter" : "recipient";
    const char *target_role = forward ? "recipient" : "supporter";
    if (*fields->from && strcmp (fields->from, source) != 0)
        return errstr_set (errstr, errstr_size, "from must be %s, the pairing's %s, not "
                           "%s (%s events go from %s to %s)", source, source_role, fields->from,
                           kind->name, source, target);
    if (*fields->to && strcmp (fields->to, target) != 0)
        return errstr_set (errstr, errstr_size, "to must be %s, the pairing's %s, not %s "
                           "(%s events go from %s to %s)", target, target_role, fields->to,
                           kind->name, source, target);
    fields->from = source;
    fields->to = target;
    return 0;
}

// Either way: the side said (from, else to) must be a county of the pair, the other side the
// other county.
static int
s_route_either_way (const vocab_kind_t *kind, const char *supporter, const char *recipient,
                    vocab_fields_t *fields, char *errstr, size_t errstr_size)
{
    bool from_said = *fields->from != '\0';
    const char *said = from_said ? fields->from : fields->to;
    const char *other_said = from_said ? fields->to : fields->from;
    if (!*said)
        return 0;  // neither: between the pair as a whole
    const char *county, *other;  // the pairing's own strings, as the contract says
    if (strcmp (said, supporter) == 0) {
        county = supporter;
        other = recipient;
    } else if (strcmp (said, recipient) == 0) {
        county = recipient;
        other = supporter;
    } else
        return errstr_set (errstr, errstr_size, "%s must be %s or %s, a county of the pairing, "
                           "not %s (%s events go from either county to the other)",
                           from_said ? "from" : "to", supporter, recipient, said, kind->name);
    if (*other_said && strcmp (other_said, other) != 0)
        return errstr_set (errstr, errstr_size, "%s must be %s, the pairing's other county, not "
                           "%s (%s events go from either county to the other)",
                           from_said ? "to" : "from", other, other_said, kind->name);
    fields->from = from_said ? county : other;
    fields->to = from_said ? other : county;
    return 0;
}

int
vocab_kind_route (const vocab_kind_t *kind, const char *supporter, const char *recipient,
                  vocab_fields_t *fields, char *errstr, size_t errstr_size)
{
    assert (kind && supporter && recipient && fields && fields->from && fields->to);
    // What needs no pairing is checked here too, so that a route is never made of fields
    // the kind refuses.
    if (vocab_kind_check (kind, fields, errstr, errstr_size))
        return -1;
    if (kind->from == VOCAB_FIELD_FORBIDDEN)
        return 0;
    if (kind->direction == VOCAB_DIRECTION_SUPPORTER_TO_RECIPIENT)
        return s_route_one_way (kind, supporter, recipient, fields, errstr, errstr_size);
    if (kind->direction == VOCAB_DIRECTION_RECIPIENT_TO_SUPPORTER)
        return s_route_one_way (kind, recipient, supporter, fields, errstr, errstr_size);
    return s_route_either_way (kind, supporter, recipient, fields, errstr, errstr_size);
}
