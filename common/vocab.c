#include "common/vocab.h"

#include <assert.h>
#include <inttypes.h>
#include <string.h>
#include "common/errstr.h"
#include "common/limits.h"

static const vocab_unit_t s_units[] = {
    { .name = "fen", .title_zh = "分", .title_en = "fen (a hundredth of a yuan)" },
    { .name = VOCAB_UNIT_COUNT, .title_zh = "次", .title_en = "count" },
};

// In vocab_metric_id_t's order, so that s_metrics[id].id == id.
static const vocab_metric_t s_metrics[] = {
    { .id = VOCAB_METRIC_SUM, .name = "sum", .title_zh = "合计", .title_en = "sum of the amounts",
      .adds_amount = true },
    { .id = VOCAB_METRIC_COUNT, .name = "count", .title_zh = "次数",
      .title_en = "number of events", .adds_amount = false },
};

// The kinds. A new kind is a row here (a simple activity: VOCAB_ACTIVITY); the vocabulary's
// suite checks every row against the rules of the table.
static const vocab_kind_t s_kinds[] = {
    {
        .name = VOCAB_KIND_AID_FUNDS, .title_zh = "援建资金", .title_en = "aid funds",
        .amount = VOCAB_FIELD_REQUIRED, .from = VOCAB_FIELD_OPTIONAL,
        .direction = VOCAB_DIRECTION_SUPPORTER_TO_RECIPIENT, .unit = "fen",
        .metrics = VOCAB_METRIC_BIT (VOCAB_METRIC_SUM) | VOCAB_METRIC_BIT (VOCAB_METRIC_COUNT),
    },
    {
        .name = VOCAB_KIND_LEADER_VISIT, .title_zh = "高层互访", .title_en = "leader visit",
        .amount = VOCAB_FIELD_FORBIDDEN, .from = VOCAB_FIELD_REQUIRED,
        .direction = VOCAB_DIRECTION_EITHER_WAY, .unit = VOCAB_UNIT_COUNT,
        .metrics = VOCAB_METRIC_BIT (VOCAB_METRIC_COUNT),
    },
};

#define S_COUNT(table) (sizeof (table) / sizeof (table)[0])

_Static_assert (S_COUNT (s_metrics) == VOCAB_METRIC_COUNT + 1, "a row for every metric id");
_Static_assert (S_COUNT (s_metrics) <= 8 * sizeof (unsigned), "a kind's metrics fit its bits");

size_t
vocab_kind_count (void)
{
    return S_COUNT (s_kinds);
}

const vocab_kind_t *
vocab_kind_at (size_t index)
{
    return index < S_COUNT (s_kinds) ? &s_kinds[index] : NULL;
}

const vocab_kind_t *
vocab_kind_find (const char *name)
{
    for (size_t index = 0; name && index < S_COUNT (s_kinds); index++)
        if (strcmp (s_kinds[index].name, name) == 0)
            return &s_kinds[index];
    return NULL;
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

bool
vocab_metric_applies (const vocab_metric_t *metric, const vocab_kind_t *kind)
{
    assert (metric && kind);
    return (kind->metrics & VOCAB_METRIC_BIT (metric->id)) != 0;
}

const char *
vocab_metric_unit (const vocab_metric_t *metric, const vocab_kind_t *kind)
{
    if (!vocab_metric_applies (metric, kind))
        return NULL;
    return metric->adds_amount ? kind->unit : VOCAB_UNIT_COUNT;
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
    for (size_t index = 0; index < S_COUNT (s_kinds); index++)
        if (s_append (out, out_size, &length, separator, s_kinds[index].name))
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
        return errstr_set (errstr, errstr_size, "%s must be empty for %s (it is between the "
                           "pair as a whole)", *fields->from ? "from" : "to", kind->name);
    return 0;
}

static int
s_route_one_way (const vocab_kind_t *kind, const char *supporter, const char *recipient,
                 vocab_fields_t *fields, char *errstr, size_t errstr_size)
{
    if (*fields->from && strcmp (fields->from, supporter) != 0)
        return errstr_set (errstr, errstr_size, "from must be %s, the pairing's supporter, not "
                           "%s (%s events go from %s to %s)", supporter, fields->from,
                           kind->name, supporter, recipient);
    if (*fields->to && strcmp (fields->to, recipient) != 0)
        return errstr_set (errstr, errstr_size, "to must be %s, the pairing's recipient, not %s "
                           "(%s events go from %s to %s)", recipient, fields->to, kind->name,
                           supporter, recipient);
    fields->from = supporter;
    fields->to = recipient;
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
    return s_route_either_way (kind, supporter, recipient, fields, errstr, errstr_size);
}
