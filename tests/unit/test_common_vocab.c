/*  The vocabulary: what each kind is, which metrics and units fit it, how its events go
    between the two counties of a pair; and the rules every row of the table keeps. */
#include <criterion/criterion.h>
#include <string.h>
#include "common/limits.h"
#include "common/validate.h"
#include "common/vocab.h"

#define S_ALL_KINDS "aid-funds|leader-visit|receipt|void|commitment|investment|park-investment|" \
                    "joint-meeting|matchmaking|agreement|training|sales-window|cadre|" \
                    "plan-filed|task-book|income-project|indicator|reversal"

Test (vocab, the_kinds_of_today)
{
    cr_assert_eq (vocab_kind_count (), 18);
    const vocab_kind_t *funds = vocab_kind_find ("aid-funds");
    cr_assert (funds);
    cr_assert_str_eq (funds->title_zh, "援建资金");
    cr_assert_str_eq (funds->title_en, "aid funds");
    cr_assert_eq (funds->amount, VOCAB_FIELD_REQUIRED);
    cr_assert_eq (funds->from, VOCAB_FIELD_OPTIONAL);
    cr_assert_eq (funds->direction, VOCAB_DIRECTION_SUPPORTER_TO_RECIPIENT);
    cr_assert_str_eq (funds->unit, "fen");
    const vocab_kind_t *visit = vocab_kind_find ("leader-visit");
    cr_assert (visit);
    cr_assert_str_eq (visit->title_zh, "高层互访");
    cr_assert_str_eq (visit->title_en, "leader visit");
    cr_assert_eq (visit->amount, VOCAB_FIELD_FORBIDDEN);
    cr_assert_eq (visit->from, VOCAB_FIELD_REQUIRED);
    cr_assert_eq (visit->direction, VOCAB_DIRECTION_EITHER_WAY);
    cr_assert_str_eq (visit->unit, "count");
    cr_assert_eq (vocab_kind_at (0), funds, "the table's order");
    cr_assert_eq (vocab_kind_at (1), visit);
    cr_assert_null (vocab_kind_at (18));
}

Test (vocab, unknown_names_are_not_found)
{
    cr_assert_null (vocab_kind_find ("leader-vist"));
    cr_assert_null (vocab_kind_find ("Aid-Funds"), "names are exact");
    cr_assert_null (vocab_kind_find (""));
    cr_assert_null (vocab_kind_find (NULL));
    cr_assert_null (vocab_metric_find ("average"));
    cr_assert_null (vocab_metric_find (NULL));
    cr_assert_null (vocab_unit_find ("yuan"));
    cr_assert_null (vocab_unit_find (NULL));
    cr_assert_str_eq (vocab_unit_find ("fen")->title_zh, "分");
    cr_assert_str_eq (vocab_unit_find ("count")->name, VOCAB_UNIT_COUNT);
}

Test (vocab, metrics_apply_to_the_kinds_that_have_what_they_read)
{
    const vocab_metric_t *sum = vocab_metric_find ("sum");
    const vocab_metric_t *count = vocab_metric_find ("count");
    const vocab_kind_t *funds = vocab_kind_find ("aid-funds");
    const vocab_kind_t *visit = vocab_kind_find ("leader-visit");
    cr_assert (sum && count);
    cr_assert_eq (sum->id, VOCAB_METRIC_SUM);
    cr_assert_eq (count->id, VOCAB_METRIC_COUNT);
    cr_assert (vocab_metric_applies (sum, funds));
    cr_assert (vocab_metric_applies (count, funds), "transfers may be counted");
    cr_assert_not (vocab_metric_applies (sum, visit), "a visit has no amount to add");
    cr_assert (vocab_metric_applies (count, visit));
    cr_assert_str_eq (vocab_metric_unit (sum, funds), "fen");
    cr_assert_str_eq (vocab_metric_unit (count, funds), "count");
    cr_assert_str_eq (vocab_metric_unit (count, visit), "count");
    cr_assert_null (vocab_metric_unit (sum, visit));
}

Test (vocab, names_for_usage_texts_and_errors)
{
    char names[VOCAB_NAMES_BYTES_MAX];
    cr_assert_eq (vocab_kind_names ("|", names, sizeof names), 0);
    cr_assert_str_eq (names, S_ALL_KINDS);
    cr_assert_eq (vocab_kind_names (", ", names, sizeof names), 0);
    cr_assert_eq (strncmp (names, "aid-funds, leader-visit, receipt, ", 34), 0);
    cr_assert_eq (vocab_metric_names (NULL, ", ", names, sizeof names), 0);
    cr_assert_str_eq (names, "sum, count, quantity, each, share, indicator");
    cr_assert_eq (vocab_metric_names (vocab_kind_find ("leader-visit"), ", ", names,
                                      sizeof names), 0);
    cr_assert_str_eq (names, "count");
    cr_assert_eq (vocab_metric_names (vocab_kind_find ("investment"), ", ", names,
                                      sizeof names), 0);
    cr_assert_str_eq (names, "sum, count, each, share");
    cr_assert_eq (vocab_metric_names (vocab_kind_find ("training"), ", ", names,
                                      sizeof names), 0);
    cr_assert_str_eq (names, "count, quantity");
    cr_assert_eq (vocab_metric_names (vocab_kind_find ("indicator"), ", ", names,
                                      sizeof names), 0);
    cr_assert_str_eq (names, "count, indicator");
    cr_assert_eq (vocab_unit_names (", ", names, sizeof names), 0);
    cr_assert_str_eq (names, "fen, count, persons, projects, bp");
}

Test (vocab, names_at_the_size_limit)
{
    char names[sizeof S_ALL_KINDS];
    cr_assert_eq (vocab_kind_names ("|", names, sizeof names), 0, "exactly fits with the NUL");
    cr_assert_str_eq (names, S_ALL_KINDS);
    cr_assert_eq (vocab_kind_names ("|", names, sizeof names - 1), -1);
    cr_assert_str_eq (names, "aid-funds|leader-visit|receipt|void|commitment|investment|"
                      "park-investment|joint-meeting|matchmaking|agreement|training|"
                      "sales-window|cadre|plan-filed|task-book|income-project|indicator",
                      "cut after the last name that fits, terminated");
    cr_assert_eq (vocab_unit_names (", ", names, 1), -1);
    cr_assert_str_eq (names, "");
}

// Every row keeps the rules the ledger, the assessment and the CLI rely on.
Test (vocab, every_kind_is_a_coherent_row)
{
    for (size_t index = 0; index < vocab_kind_count (); index++) {
        const vocab_kind_t *kind = vocab_kind_at (index);
        cr_assert (validate_id (kind->name), "%s: names stand in events and packs", kind->name);
        cr_assert_eq (vocab_kind_find (kind->name), kind, "%s: names are unique", kind->name);
        cr_assert (*kind->title_zh && validate_text (kind->title_zh, NAME_BYTES_MAX, false));
        cr_assert (*kind->title_en && validate_text (kind->title_en, NAME_BYTES_MAX, false));
        cr_assert (vocab_unit_find (kind->unit), "%s: unit %s", kind->name, kind->unit);
        cr_assert_neq (kind->metrics, 0, "%s: a kind no rule can measure", kind->name);
        cr_assert_eq (strcmp (kind->unit, VOCAB_UNIT_COUNT) == 0,
                      kind->amount == VOCAB_FIELD_FORBIDDEN,
                      "%s: measured in count exactly when it has no amount", kind->name);
        size_t applicable = 0;
        static const char *metrics[] = { "sum", "count", "quantity", "each", "share" };
        for (size_t which = 0; which < sizeof metrics / sizeof metrics[0]; which++) {
            const vocab_metric_t *metric = vocab_metric_find (metrics[which]);
            if (!vocab_metric_applies (metric, kind))
                continue;
            applicable++;
            cr_assert (!metric->adds_amount || kind->amount == VOCAB_FIELD_REQUIRED,
                       "%s: %s adds amounts it may not have", kind->name, metric->name);
            cr_assert (vocab_unit_find (vocab_metric_unit (metric, kind)));
        }
        cr_assert_eq (kind->metrics >> (VOCAB_METRIC_COUNT + 1), 0, "%s: no such metric",
                      kind->name);
        cr_assert_gt (applicable, 0);
        cr_assert_eq (kind->requires & ~kind->allows, 0, "%s: requires what it allows",
                      kind->name);
        cr_assert_eq (kind->allows >> VOCAB_ATTR_COUNT, 0, "%s: no such attr", kind->name);
        cr_assert (kind->scope != VOCAB_SCOPE_OF
                       || (kind->requires & VOCAB_ATTR_BIT (VOCAB_ATTR_OF)),
                   "%s: acts on an event it names", kind->name);
        cr_assert (kind->scope != VOCAB_SCOPE_REGION
                       || (kind->requires & VOCAB_ATTR_BIT (VOCAB_ATTR_REGION)),
                   "%s: a region's figure names its region", kind->name);
        cr_assert (kind->scope == VOCAB_SCOPE_PAIR || kind->from == VOCAB_FIELD_FORBIDDEN,
                   "%s: no counties without a pairing", kind->name);
        cr_assert (kind->quantity != VOCAB_QUANTITY_AMOUNT
                       || kind->amount != VOCAB_FIELD_FORBIDDEN || strcmp (kind->name, VOCAB_KIND_VOID) == 0,
                   "%s: adds up an amount it has (a void's is the ledger's)", kind->name);
    }
    for (unsigned attr = 0; attr < VOCAB_ATTR_COUNT; attr++) {
        cr_assert (validate_id (vocab_attr_name (attr)));
        cr_assert_eq (vocab_attr_find (vocab_attr_name (attr)), attr);
    }
    cr_assert_null (vocab_attr_name (VOCAB_ATTR_COUNT));
    cr_assert_eq (vocab_attr_find ("signed_projects"), VOCAB_ATTR_COUNT, "the JSON key: signed");
    cr_assert_eq (vocab_attr_find ("signed"), VOCAB_ATTR_SIGNED);
    char names[VOCAB_NAMES_BYTES_MAX];
    cr_assert_eq (vocab_kind_names (", ", names, sizeof names), 0, "the list fits its limit");
}

// A kind and fields to check: expects what in the error, or success when what is NULL.
static void
s_expect_check (const vocab_kind_t *kind, int64_t amount_fen, const char *from, const char *to,
                const char *what)
{
    vocab_fields_t fields = { .amount_fen = amount_fen, .from = from, .to = to };
    char errstr[256] = "";
    int rc = vocab_kind_check (kind, &fields, errstr, sizeof errstr);
    if (!what)
        cr_assert_eq (rc, 0, "%s: refused: %s", kind->name, errstr);
    else {
        cr_assert_eq (rc, -1, "%s: accepted, expected '%s'", kind->name, what);
        cr_assert_str_eq (errstr, what);
    }
}

Test (vocab, amounts_at_the_limits)
{
    const vocab_kind_t *funds = vocab_kind_find ("aid-funds");
    s_expect_check (funds, 1, "", "", NULL);
    s_expect_check (funds, AMOUNT_FEN_MAX, "", "", NULL);
    s_expect_check (funds, 0, "", "", "amount_fen must be 1..10000000000000 for aid-funds, not 0");
    s_expect_check (funds, AMOUNT_FEN_MAX + 1, "", "",
                    "amount_fen must be 1..10000000000000 for aid-funds, not 10000000000001");
    s_expect_check (funds, INT64_MIN, "", "",
                    "amount_fen must be 1..10000000000000 for aid-funds, not "
                    "-9223372036854775808");
    const vocab_kind_t *visit = vocab_kind_find ("leader-visit");
    s_expect_check (visit, 0, "a", "", NULL);
    s_expect_check (visit, 1, "a", "",
                    "amount_fen must be 0 for leader-visit (it has no amount), not 1");
    s_expect_check (visit, -1, "a", "",
                    "amount_fen must be 0 for leader-visit (it has no amount), not -1");
    vocab_kind_t optional = *funds;
    optional.amount = VOCAB_FIELD_OPTIONAL;
    s_expect_check (&optional, 0, "", "", NULL);
    s_expect_check (&optional, AMOUNT_FEN_MAX, "", "", NULL);
    s_expect_check (&optional, -1, "", "",
                    "amount_fen must be 0..10000000000000 for aid-funds, not -1");
}

Test (vocab, counties_the_kind_requires_or_forbids)
{
    s_expect_check (vocab_kind_find ("leader-visit"), 0, "", "b",
                    "from is required for leader-visit: the county it goes from");
    s_expect_check (vocab_kind_find ("aid-funds"), 1, "", "", NULL);
    vocab_kind_t plan = VOCAB_ACTIVITY ("plan-filed", "规划备案", "plan filed");
    plan.from = VOCAB_FIELD_FORBIDDEN;
    s_expect_check (&plan, 0, "", "", NULL);
    s_expect_check (&plan, 0, "a", "",
                    "from must be empty for plan-filed (it is between the pair as a whole)");
    s_expect_check (&plan, 0, "", "b",
                    "to must be empty for plan-filed (it is between the pair as a whole)");
}

// Routes an event of kind on the pairing supporter "sup" -> recipient "rec"; expects the route
// from -> to, or what in the error when what is not NULL.
static void
s_expect_route (const vocab_kind_t *kind, const char *from, const char *to,
                const char *routed_from, const char *routed_to, const char *what)
{
    vocab_fields_t fields = { .amount_fen = kind->amount == VOCAB_FIELD_REQUIRED, .from = from,
                              .to = to };
    char errstr[256] = "";
    int rc = vocab_kind_route (kind, "sup", "rec", &fields, errstr, sizeof errstr);
    if (what) {
        cr_assert_eq (rc, -1, "%s %s->%s: accepted, expected '%s'", kind->name, from, to, what);
        cr_assert_str_eq (errstr, what);
        return;
    }
    cr_assert_eq (rc, 0, "%s %s->%s: refused: %s", kind->name, from, to, errstr);
    cr_assert_str_eq (fields.from, routed_from, "%s %s->%s", kind->name, from, to);
    cr_assert_str_eq (fields.to, routed_to, "%s %s->%s", kind->name, from, to);
}

Test (vocab, aid_funds_go_from_the_supporter_to_the_recipient)
{
    const vocab_kind_t *funds = vocab_kind_find ("aid-funds");
    s_expect_route (funds, "", "", "sup", "rec", NULL);
    s_expect_route (funds, "sup", "", "sup", "rec", NULL);
    s_expect_route (funds, "", "rec", "sup", "rec", NULL);
    s_expect_route (funds, "sup", "rec", "sup", "rec", NULL);
    s_expect_route (funds, "rec", "", NULL, NULL,
                    "from must be sup, the pairing's supporter, not rec (aid-funds events go "
                    "from sup to rec)");
    s_expect_route (funds, "sup", "sup", NULL, NULL,
                    "to must be rec, the pairing's recipient, not sup (aid-funds events go "
                    "from sup to rec)");
    s_expect_route (funds, "", "elsewhere", NULL, NULL,
                    "to must be rec, the pairing's recipient, not elsewhere (aid-funds events "
                    "go from sup to rec)");
}

Test (vocab, visits_go_either_way)
{
    const vocab_kind_t *visit = vocab_kind_find ("leader-visit");
    s_expect_route (visit, "rec", "", "rec", "sup", NULL);
    s_expect_route (visit, "sup", "", "sup", "rec", NULL);
    s_expect_route (visit, "sup", "rec", "sup", "rec", NULL);
    s_expect_route (visit, "", "rec", NULL, NULL,
                    "from is required for leader-visit: the county it goes from");
    s_expect_route (visit, "elsewhere", "", NULL, NULL,
                    "from must be sup or rec, a county of the pairing, not elsewhere "
                    "(leader-visit events go from either county to the other)");
    s_expect_route (visit, "sup", "sup", NULL, NULL,
                    "to must be rec, the pairing's other county, not sup (leader-visit events "
                    "go from either county to the other)");
}

Test (vocab, a_route_points_at_the_pairings_own_strings)
{
    // The ledger copies what the route points at into the event: never the event's own field.
    static const char supporter[] = "sup", recipient[] = "rec";
    char from[] = "rec";
    vocab_fields_t fields = { .amount_fen = 0, .from = from, .to = "" };
    char errstr[256];
    cr_assert_eq (vocab_kind_route (vocab_kind_find ("leader-visit"), supporter, recipient,
                                    &fields, errstr, sizeof errstr), 0, "%s", errstr);
    cr_assert_eq (fields.from, recipient);
    cr_assert_eq (fields.to, supporter);
    fields = (vocab_fields_t) { .amount_fen = 1, .from = from + 3, .to = "rec" };
    cr_assert_eq (vocab_kind_route (vocab_kind_find ("aid-funds"), supporter, recipient,
                                    &fields, errstr, sizeof errstr), 0, "%s", errstr);
    cr_assert_eq (fields.from, supporter);
    cr_assert_eq (fields.to, recipient);
}

Test (vocab, a_simple_activity_is_one_row)
{
    const vocab_kind_t meeting = VOCAB_ACTIVITY ("joint-meeting", "联席会议", "joint meeting");
    cr_assert_str_eq (meeting.name, "joint-meeting");
    cr_assert_eq (meeting.amount, VOCAB_FIELD_FORBIDDEN);
    cr_assert_str_eq (meeting.unit, "count");
    cr_assert_not (vocab_metric_applies (vocab_metric_find ("sum"), &meeting));
    cr_assert_str_eq (vocab_metric_unit (vocab_metric_find ("count"), &meeting), "count");
    s_expect_route (&meeting, "", "", "", "", NULL);  // between the pair as a whole
    s_expect_route (&meeting, "sup", "", "sup", "rec", NULL);
    s_expect_route (&meeting, "", "sup", "rec", "sup", NULL);
    s_expect_route (&meeting, "rec", "sup", "rec", "sup", NULL);
    s_expect_route (&meeting, "", "elsewhere", NULL, NULL,
                    "to must be sup or rec, a county of the pairing, not elsewhere "
                    "(joint-meeting events go from either county to the other)");
    s_expect_route (&meeting, "rec", "rec", NULL, NULL,
                    "to must be sup, the pairing's other county, not rec (joint-meeting events "
                    "go from either county to the other)");
    s_expect_route (&meeting, "sup", "elsewhere", NULL, NULL,
                    "to must be rec, the pairing's other county, not elsewhere (joint-meeting "
                    "events go from either county to the other)");
    char errstr[256];
    vocab_fields_t fields = { .amount_fen = 5, .from = "", .to = "" };
    cr_assert_eq (vocab_kind_route (&meeting, "sup", "rec", &fields, errstr, sizeof errstr), -1,
                  "a route checks the fields as well");
    cr_assert_str_eq (errstr, "amount_fen must be 0 for joint-meeting (it has no amount), not 5");
}

Test (vocab, a_kind_without_counties_stays_between_the_pair)
{
    vocab_kind_t plan = VOCAB_ACTIVITY ("plan-filed", "规划备案", "plan filed");
    plan.from = VOCAB_FIELD_FORBIDDEN;
    s_expect_route (&plan, "", "", "", "", NULL);
    s_expect_route (&plan, "sup", "", NULL, NULL,
                    "from must be empty for plan-filed (it is between the pair as a whole)");
}

// The kinds' own fields, by presence: what a row requires must be said, what it does not
// allow must not be.
static void
s_expect_attrs (const char *kind_name, const char *pairing, unsigned attrs, const char *what)
{
    const vocab_kind_t *kind = vocab_kind_find (kind_name);
    cr_assert (kind);
    vocab_fields_t fields = { .amount_fen = kind->amount == VOCAB_FIELD_REQUIRED, .from = "",
                              .to = "", .pairing = pairing, .attrs = attrs };
    char errstr[256] = "";
    int rc = vocab_kind_check (kind, &fields, errstr, sizeof errstr);
    if (!what)
        cr_assert_eq (rc, 0, "%s: refused: %s", kind_name, errstr);
    else {
        cr_assert_eq (rc, -1, "%s: accepted, expected '%s'", kind_name, what);
        cr_assert_str_eq (errstr, what);
    }
}

#define S_ATTR(name) VOCAB_ATTR_BIT (VOCAB_ATTR_##name)

Test (vocab, own_fields_by_presence)
{
    s_expect_attrs ("receipt", "p", S_ATTR (OF), NULL);
    s_expect_attrs ("receipt", "p", 0, "of is required for receipt");
    s_expect_attrs ("receipt", "p", S_ATTR (OF) | S_ATTR (YEAR), "year is not a field of receipt");
    s_expect_attrs ("investment", "p", S_ATTR (PROJECT) | S_ATTR (SECTOR), NULL);
    s_expect_attrs ("investment", "p",
                    S_ATTR (PROJECT) | S_ATTR (SECTOR) | S_ATTR (PARK) | S_ATTR (CONTINUED), NULL);
    s_expect_attrs ("investment", "p", S_ATTR (PROJECT), "sector is required for investment");
    s_expect_attrs ("joint-meeting", "p", 0, NULL);
    s_expect_attrs ("joint-meeting", "", 0, "pair is required for joint-meeting");
    s_expect_attrs ("joint-meeting", NULL, 0, NULL);  // not checked
    s_expect_attrs ("indicator", "",
                    S_ATTR (REGION) | S_ATTR (CODE) | S_ATTR (YEAR) | S_ATTR (VALUE), NULL);
    s_expect_attrs ("indicator", "p",
                    S_ATTR (REGION) | S_ATTR (CODE) | S_ATTR (YEAR) | S_ATTR (VALUE),
                    "pair must be empty for indicator (it is a region's figure: say region)");
    s_expect_attrs ("reversal", "", S_ATTR (OF), NULL);
    s_expect_attrs ("reversal", "p", S_ATTR (OF), NULL);
    cr_assert (vocab_kind_names_year (vocab_kind_find ("plan-filed")));
    cr_assert (vocab_kind_names_year (vocab_kind_find ("commitment")));
    cr_assert_not (vocab_kind_names_year (vocab_kind_find ("aid-funds")));
    cr_assert_str_eq (vocab_quantity_unit (vocab_kind_find ("training")->quantity), "persons");
    cr_assert_str_eq (vocab_quantity_unit (vocab_kind_find ("matchmaking")->quantity),
                      "projects");
    cr_assert_str_eq (vocab_quantity_unit (vocab_kind_find ("receipt")->quantity), "fen");
    cr_assert_str_eq (vocab_quantity_unit (vocab_kind_find ("cadre")->quantity), "count");
}

Test (vocab, a_receipt_goes_from_the_recipient)
{
    vocab_fields_t fields = { .amount_fen = 1, .from = "", .to = "",
                              .attrs = VOCAB_ATTR_BIT (VOCAB_ATTR_OF) };
    char errstr[256] = "";
    cr_assert_eq (vocab_kind_route (vocab_kind_find ("receipt"), "sup", "rec", &fields, errstr,
                                    sizeof errstr), 0, "%s", errstr);
    cr_assert_str_eq (fields.from, "rec");
    cr_assert_str_eq (fields.to, "sup");
    fields = (vocab_fields_t) { .amount_fen = 1, .from = "sup", .to = "",
                                .attrs = VOCAB_ATTR_BIT (VOCAB_ATTR_OF) };
    cr_assert_eq (vocab_kind_route (vocab_kind_find ("receipt"), "sup", "rec", &fields, errstr,
                                    sizeof errstr), -1);
    cr_assert_str_eq (errstr, "from must be rec, the pairing's recipient, not sup (receipt "
                              "events go from rec to sup)");
}
