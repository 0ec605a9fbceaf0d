/*  The vocabulary: what each kind is, which metrics and units fit it, how its events go
    between the two counties of a pair; the rules every row of the table keeps; and the simple
    activities a kinds file declares (each test runs in its own process, as Criterion forks: a
    declaration lasts for one test). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/limits.h"
#include "common/validate.h"
#include "common/vocab.h"
#include "support.h"

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

// Every row, built in or declared, keeps the rules the ledger, the assessment and the CLI rely
// on.
static void
s_expect_coherent (const vocab_kind_t *kind)
{
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
    cr_assert_eq (kind->metrics >> (VOCAB_METRIC_COUNT + 1), 0, "%s: no such metric", kind->name);
    cr_assert_gt (applicable, 0);
    cr_assert_eq (kind->requires & ~kind->allows, 0, "%s: requires what it allows", kind->name);
    cr_assert_eq (kind->allows >> VOCAB_ATTR_COUNT, 0, "%s: no such attr", kind->name);
    cr_assert (kind->scope != VOCAB_SCOPE_OF || (kind->requires & VOCAB_ATTR_BIT (VOCAB_ATTR_OF)),
               "%s: acts on an event it names", kind->name);
    cr_assert (kind->scope != VOCAB_SCOPE_REGION
                   || (kind->requires & VOCAB_ATTR_BIT (VOCAB_ATTR_REGION)),
               "%s: a region's figure names its region", kind->name);
    cr_assert (kind->scope == VOCAB_SCOPE_PAIR || kind->from == VOCAB_FIELD_FORBIDDEN,
               "%s: no counties without a pairing", kind->name);
    cr_assert (kind->quantity != VOCAB_QUANTITY_AMOUNT || kind->amount != VOCAB_FIELD_FORBIDDEN
                   || strcmp (kind->name, VOCAB_KIND_VOID) == 0,
               "%s: adds up an amount it has (a void's is the ledger's)", kind->name);
}

Test (vocab, every_kind_is_a_coherent_row)
{
    for (size_t index = 0; index < vocab_kind_count (); index++)
        s_expect_coherent (vocab_kind_at (index));
    for (unsigned attr = 0; attr < VOCAB_ATTR_COUNT; attr++) {
        cr_assert (validate_id (vocab_attr_name (attr)));
        cr_assert_eq (vocab_attr_find (vocab_attr_name (attr)), attr);
    }
    cr_assert_null (vocab_attr_name (VOCAB_ATTR_COUNT));
    cr_assert_eq (vocab_attr_find ("signed_projects"), VOCAB_ATTR_COUNT, "the JSON key: signed");
    cr_assert_eq (vocab_attr_find ("signed"), VOCAB_ATTR_SIGNED);
    char names[VOCAB_BUILTIN_NAMES_BYTES_MAX];
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

// ---------------------------------------------------------------------------------------
// Activities declared as data (vocab_declare_activities)

#define S_BUILTIN_KINDS 18
#define S_LISHUI                                                                               \
    "{\"activities\": [\n"                                                                     \
    "  {\"name\": \"support-analysis\", \"title\": \"工作专班月度分析\",\n"                    \
    "   \"title_en\": \"support group monthly analysis\"},\n"                                  \
    "  {\"name\": \"support-meeting\", \"title\": \"工作专班季度会议\",\n"                     \
    "   \"title_en\": \"support group quarterly meeting\"},\n"                                 \
    "  {\"name\": \"work-meeting\", \"title\": \"季度工作例会\",\n"                            \
    "   \"title_en\": \"quarterly work meeting\"}\n"                                           \
    "]}\n"

static char *s_dir;

static void
s_setup (void)
{
    s_dir = test_tmpdir ();
}

static void
s_teardown (void)
{
    test_rmdir (s_dir);
    free (s_dir);
}

TestSuite (vocab_declare, .init = s_setup, .fini = s_teardown, .timeout = 30);

// Writes size bytes of text into a file name of the test's directory; returns its path (the
// caller frees it).
static char *
s_write_bytes (const char *name, const char *text, size_t size)
{
    char *path = test_path (s_dir, name);
    FILE *file = fopen (path, "wb");
    cr_assert (file, "%s", path);
    cr_assert_eq (fwrite (text, 1, size, file), size);
    cr_assert_eq (fclose (file), 0);
    return path;
}

static char *
s_write (const char *name, const char *text)
{
    return s_write_bytes (name, text, strlen (text));
}

// Declares the file at path, which must succeed.
static void
s_declare (const char *path)
{
    char errstr[512] = "";
    cr_assert_eq (vocab_declare_activities (path, errstr, sizeof errstr), 0, "%s", errstr);
}

Test (vocab_declare, a_declared_activity_is_a_kind_like_a_built_in_one)
{
    char *path = s_write ("kinds.json", S_LISHUI);
    s_declare (path);
    cr_assert_eq (vocab_kind_count (), S_BUILTIN_KINDS + 3);
    const vocab_kind_t *analysis = vocab_kind_find ("support-analysis");
    cr_assert (analysis);
    cr_assert_eq (vocab_kind_at (S_BUILTIN_KINDS), analysis, "after the built-in kinds");
    cr_assert_str_eq (vocab_kind_at (S_BUILTIN_KINDS + 2)->name, "work-meeting", "in order");
    cr_assert_null (vocab_kind_at (S_BUILTIN_KINDS + 3));
    cr_assert_eq (vocab_kind_at (0), vocab_kind_find ("aid-funds"), "the built-ins stay first");
    cr_assert_str_eq (analysis->title_zh, "工作专班月度分析");
    cr_assert_str_eq (analysis->title_en, "support group monthly analysis");
    // Exactly a VOCAB_ACTIVITY row, as joint-meeting is.
    const vocab_kind_t like = VOCAB_ACTIVITY ("support-analysis", "工作专班月度分析",
                                              "support group monthly analysis");
    cr_assert_eq (analysis->amount, like.amount);
    cr_assert_eq (analysis->from, like.from);
    cr_assert_eq (analysis->direction, like.direction);
    cr_assert_eq (analysis->scope, like.scope);
    cr_assert_eq (analysis->requires, like.requires);
    cr_assert_eq (analysis->allows, like.allows);
    cr_assert_eq (analysis->quantity, like.quantity);
    cr_assert_str_eq (analysis->unit, like.unit);
    cr_assert_eq (analysis->metrics, like.metrics);
    for (size_t index = 0; index < vocab_kind_count (); index++)
        s_expect_coherent (vocab_kind_at (index));
    char names[VOCAB_NAMES_BYTES_MAX];
    cr_assert_eq (vocab_kind_names ("|", names, sizeof names), 0);
    cr_assert_str_eq (names, S_ALL_KINDS "|support-analysis|support-meeting|work-meeting");
    cr_assert_eq (vocab_metric_names (analysis, ", ", names, sizeof names), 0);
    cr_assert_str_eq (names, "count");
    cr_assert_str_eq (vocab_metric_unit (vocab_metric_find ("count"), analysis), "count");
    free (path);
}

Test (vocab_declare, a_declared_activity_is_checked_and_routed_like_an_activity)
{
    char *path = s_write ("kinds.json", S_LISHUI);
    s_declare (path);
    const vocab_kind_t *meeting = vocab_kind_find ("work-meeting");
    cr_assert (meeting);
    s_expect_check (meeting, 0, "", "", NULL);
    s_expect_check (meeting, 0, "sup", "", NULL);
    s_expect_check (meeting, 1, "", "",
                    "amount_fen must be 0 for work-meeting (it has no amount), not 1");
    s_expect_attrs ("work-meeting", "p", 0, NULL);
    s_expect_attrs ("work-meeting", "", 0, "pair is required for work-meeting");
    s_expect_attrs ("work-meeting", "p", S_ATTR (YEAR), "year is not a field of work-meeting");
    s_expect_route (meeting, "", "", "", "", NULL);
    s_expect_route (meeting, "rec", "", "rec", "sup", NULL);
    s_expect_route (meeting, "", "elsewhere", NULL, NULL,
                    "to must be sup or rec, a county of the pairing, not elsewhere "
                    "(work-meeting events go from either county to the other)");
    cr_assert_not (vocab_kind_names_year (meeting));
    free (path);
}

Test (vocab_declare, a_missing_file_declares_nothing)
{
    char *path = test_path (s_dir, "kinds.json");
    s_declare (path);
    cr_assert_eq (vocab_kind_count (), S_BUILTIN_KINDS);
    s_declare (path);  // and again: the same nothing
    cr_assert_eq (vocab_kind_count (), S_BUILTIN_KINDS);
    free (path);
}

// A bad kinds file and the line it is refused with, after "<its path>: " (what JSON says of a
// file that is not JSON is jansson's: the test knows the line, not the words).
typedef struct {
    const char *text;
    const char *what;
} s_bad_file_t;

static const s_bad_file_t s_bad_files[] = {
    { "{\"activities\": [", "line 1 column " },
    { "", "line 1 column " },
    { "{\"activities\": [{\"name\": \"a\"]}", "line 1 column " },
    { "[]", "a kinds file is a JSON object {\"activities\": [...]}" },
    { "{}", "activities must be a list" },
    { "{\"activities\": {}}", "activities must be a list" },
    { "{\"activities\": [], \"kinds\": []}",
      "\"kinds\" is not a member of a kinds file (activities)" },
    { "{\"activities\": [], \"a\\nb\": 1}",
      "\"a\\x0ab\" is not a member of a kinds file (activities)" },
    { "{\"activities\": [], \"activities\": []}", "line 1 column " },
    { "{\"activities\": [\"support-analysis\"]}",
      "activity 1 must be an object {\"name\", \"title\", \"title_en\"}" },
    { "{\"activities\": [{\"name\": \"a\", \"title\": \"甲\", \"title_en\": \"a\"},"
      " {\"name\": \"b\", \"title\": \"乙\", \"title_en\": \"b\", \"titel\": \"乙\"}]}",
      "activity 2: \"titel\" is not a member of an activity (name, title, title_en)" },
    { "{\"activities\": [{\"title\": \"甲\", \"title_en\": \"a\"}]}",
      "activity 1: name is required" },
    { "{\"activities\": [{\"name\": 7, \"title\": \"甲\", \"title_en\": \"a\"}]}",
      "activity 1: name must be a string (an id)" },
    { "{\"activities\": [{\"name\": \"\", \"title\": \"甲\", \"title_en\": \"a\"}]}",
      "activity 1: name \"\" is empty" },
    { "{\"activities\": [{\"name\": \"support analysis\", \"title\": \"甲\", \"title_en\": "
      "\"a\"}]}",
      "activity 1: name \"support analysis\" has a character outside A-Z a-z 0-9 . _ : - at "
      "byte 7" },
    { "{\"activities\": [{\"name\": \"a\", \"title\": \"甲\", \"title_en\": \"a\"},"
      " {\"name\": \"joint-meeting\", \"title\": \"联席会议\", \"title_en\": \"joint meeting\"}]}",
      "activity 2: name \"joint-meeting\" is already a kind (built in)" },
    { "{\"activities\": [{\"name\": \"a\", \"title\": \"甲\", \"title_en\": \"a\"},"
      " {\"name\": \"b\", \"title\": \"乙\", \"title_en\": \"b\"},"
      " {\"name\": \"a\", \"title\": \"丙\", \"title_en\": \"c\"}]}",
      "activity 3: name \"a\" is activity 1's as well" },
    { "{\"activities\": [{\"name\": \"a\", \"title_en\": \"a\"}]}",
      "activity 1 \"a\": title is required" },
    { "{\"activities\": [{\"name\": \"a\", \"title\": \"\", \"title_en\": \"a\"}]}",
      "activity 1 \"a\": title is empty" },
    { "{\"activities\": [{\"name\": \"a\", \"title\": [\"甲\"], \"title_en\": \"a\"}]}",
      "activity 1 \"a\": title must be a string" },
    { "{\"activities\": [{\"name\": \"a\", \"title\": \"甲\\n乙\", \"title_en\": \"a\"}]}",
      "activity 1 \"a\": title contains a control character (\\x0a) at byte 3" },
    { "{\"activities\": [{\"name\": \"a\", \"title\": \"甲\"}]}",
      "activity 1 \"a\": title_en is required" },
    { "{\"activities\": [{\"name\": \"a\", \"title\": \"甲\", \"title_en\": null}]}",
      "activity 1 \"a\": title_en must be a string" },
};

// Expects the file at path to be refused with "<path>: <what>" (followed by where and why JSON
// failed when what ends in a space), in one line, and to declare nothing: the vocabulary is the built-in
// one still.
static void
s_expect_refused (const char *path, const char *what)
{
    char errstr[512] = "", expected[512];
    snprintf (expected, sizeof expected, "%s: %s", path, what);
    cr_assert_eq (vocab_declare_activities (path, errstr, sizeof errstr), -1, "accepted: %s",
                  what);
    size_t length = strlen (expected);
    if (expected[length - 1] == ' ') {
        cr_assert_eq (strncmp (errstr, expected, length), 0, "'%s' is not '%s...'", errstr,
                      expected);
        cr_assert_gt (strlen (errstr), length, "JSON's reason follows");
    } else
        cr_assert_str_eq (errstr, expected);
    cr_assert_null (strchr (errstr, '\n'), "one line");
    cr_assert_eq (vocab_kind_count (), S_BUILTIN_KINDS, "%s: declared nothing", what);
    cr_assert_null (vocab_kind_find ("a"));
}

Test (vocab_declare, a_bad_file_is_refused_in_one_line_and_declares_nothing)
{
    for (size_t index = 0; index < sizeof s_bad_files / sizeof s_bad_files[0]; index++) {
        char name[32];
        snprintf (name, sizeof name, "bad-%zu.json", index);
        char *path = s_write (name, s_bad_files[index].text);
        s_expect_refused (path, s_bad_files[index].what);
        free (path);
    }
    s_expect_refused (s_dir, "not a regular file");
    // Nothing was fixed by the refusals: a good file is declared after them.
    char *path = s_write ("kinds.json", S_LISHUI);
    s_declare (path);
    cr_assert_eq (vocab_kind_count (), S_BUILTIN_KINDS + 3);
    free (path);
}

// A kinds file of count activities, the longest names and titles, padded with spaces to size
// bytes (0: not padded); returns its path (the caller frees it).
static char *
s_write_many (const char *name, size_t count, size_t size)
{
    size_t capacity = VOCAB_DECLARED_FILE_BYTES_MAX + 2;
    char *text = calloc (1, capacity);
    cr_assert (text);
    size_t length = (size_t) snprintf (text, capacity, "{\"activities\": [");
    char title[NAME_BYTES_MAX];
    memset (title, 't', sizeof title - 1);
    title[sizeof title - 1] = '\0';
    for (size_t index = 0; index < count; index++) {
        // "activity-00-aaa...": ID_BYTES_MAX - 1 bytes, the longest id.
        char id[ID_BYTES_MAX];
        memset (id, 'a', sizeof id - 1);
        id[sizeof id - 1] = '\0';
        memcpy (id, "activity-", 9);
        id[9] = (char) ('0' + index / 10);
        id[10] = (char) ('0' + index % 10);
        length += (size_t) snprintf (text + length, capacity - length,
                                     "%s{\"name\": \"%s\", \"title\": \"%s\", \"title_en\": "
                                     "\"%s\"}", index ? ", " : "", id, title, title);
        cr_assert_lt (length, capacity);
    }
    length += (size_t) snprintf (text + length, capacity - length, "]}");
    cr_assert_leq (length, size ? size : length);
    while (length < size)
        text[length++] = ' ';
    char *path = s_write_bytes (name, text, length);
    free (text);
    return path;
}

Test (vocab_declare, the_limits_are_exact)
{
    char *too_many = s_write_many ("33.json", VOCAB_DECLARED_MAX + 1, 0);
    s_expect_refused (too_many, "33 activities, more than 32");
    char *too_big = s_write_many ("big.json", 1, VOCAB_DECLARED_FILE_BYTES_MAX + 1);
    s_expect_refused (too_big, "65537 bytes, over the limit of 65536");
    char long_title[NAME_BYTES_MAX + 1];
    memset (long_title, 't', NAME_BYTES_MAX);
    long_title[NAME_BYTES_MAX] = '\0';
    char text[NAME_BYTES_MAX + 128];
    snprintf (text, sizeof text, "{\"activities\": [{\"name\": \"a\", \"title\": \"甲\", "
              "\"title_en\": \"%s\"}]}", long_title);
    char *title_path = s_write ("title.json", text);
    s_expect_refused (title_path, "activity 1 \"a\": title_en is 256 bytes, more than 255");
    char long_id[ID_BYTES_MAX + 1];
    memset (long_id, 'i', ID_BYTES_MAX);
    long_id[ID_BYTES_MAX] = '\0';
    snprintf (text, sizeof text, "{\"activities\": [{\"name\": \"%s\", \"title\": \"甲\", "
              "\"title_en\": \"a\"}]}", long_id);
    char *id_path = s_write ("id.json", text);
    char what[256];
    snprintf (what, sizeof what, "activity 1: name \"%s\" is 64 bytes, more than 63", long_id);
    s_expect_refused (id_path, what);
    // At the limits: 32 activities of the longest ids and titles, in a file of exactly the
    // most bytes.
    char *most = s_write_many ("32.json", VOCAB_DECLARED_MAX, VOCAB_DECLARED_FILE_BYTES_MAX);
    s_declare (most);
    cr_assert_eq (vocab_kind_count (), S_BUILTIN_KINDS + VOCAB_DECLARED_MAX);
    const vocab_kind_t *last = vocab_kind_at (vocab_kind_count () - 1);
    cr_assert_eq (strlen (last->name), ID_BYTES_MAX - 1);
    cr_assert_eq (strlen (last->title_zh), NAME_BYTES_MAX - 1);
    cr_assert_eq (vocab_kind_find (last->name), last);
    // Every name fits the names' limit, with the longest separator the code uses.
    char names[VOCAB_NAMES_BYTES_MAX];
    cr_assert_eq (vocab_kind_names (", ", names, sizeof names), 0);
    cr_assert_eq (vocab_kind_names ("|", names, sizeof names), 0);
    free (too_many);
    free (too_big);
    free (title_path);
    free (id_path);
    free (most);
}

Test (vocab_declare, declaring_the_same_activities_again_is_a_no_op)
{
    char *path = s_write ("kinds.json", S_LISHUI);
    s_declare (path);
    const vocab_kind_t *analysis = vocab_kind_find ("support-analysis");
    s_declare (path);
    // The same activities in another file, written otherwise: the same.
    char *copy = s_write ("copy.json", "{\"activities\":[{\"title_en\":\"support group monthly "
                          "analysis\",\"title\":\"工作专班月度分析\",\"name\":\"support-analysis\"},"
                          "{\"name\":\"support-meeting\",\"title\":\"工作专班季度会议\",\"title_en\":"
                          "\"support group quarterly meeting\"},{\"name\":\"work-meeting\","
                          "\"title\":\"\\u5b63\\u5ea6\\u5de5\\u4f5c\\u4f8b\\u4f1a\",\"title_en\":"
                          "\"quarterly work meeting\"}]}");
    s_declare (copy);
    cr_assert_eq (vocab_kind_count (), S_BUILTIN_KINDS + 3);
    cr_assert_eq (vocab_kind_find ("support-analysis"), analysis, "the same row, not a copy");
    free (path);
    free (copy);
}

Test (vocab_declare, other_activities_after_a_declaration_are_refused)
{
    char *path = s_write ("kinds.json", S_LISHUI);
    s_declare (path);
    char *fewer = s_write ("fewer.json", "{\"activities\": [{\"name\": \"support-analysis\", "
                           "\"title\": \"工作专班月度分析\", \"title_en\": \"support group "
                           "monthly analysis\"}]}");
    char *retitled = s_write ("retitled.json", "{\"activities\": [{\"name\": "
                              "\"support-analysis\", \"title\": \"专班分析\", \"title_en\": "
                              "\"support group monthly analysis\"}]}");
    char what[PATH_BYTES_MAX + 128];
    char errstr[PATH_BYTES_MAX + 256];
    snprintf (what, sizeof what, "%s: activity 2 differs from the 3 declared before from %s: "
              "kinds are declared once, at start", fewer, path);
    cr_assert_eq (vocab_declare_activities (fewer, errstr, sizeof errstr), -1);
    cr_assert_str_eq (errstr, what);
    snprintf (what, sizeof what, "%s: activity 1 differs from the 3 declared before from %s: "
              "kinds are declared once, at start", retitled, path);
    cr_assert_eq (vocab_declare_activities (retitled, errstr, sizeof errstr), -1);
    cr_assert_str_eq (errstr, what);
    char *missing = test_path (s_dir, "missing.json");
    cr_assert_eq (vocab_declare_activities (missing, errstr, sizeof errstr), -1,
                  "no file is no activities: other ones");
    cr_assert_eq (vocab_kind_count (), S_BUILTIN_KINDS + 3);
    cr_assert_str_eq (vocab_kind_find ("support-analysis")->title_zh, "工作专班月度分析");
    free (path);
    free (fewer);
    free (retitled);
    free (missing);
}

Test (vocab_declare, after_a_missing_file_no_activities_are_declared)
{
    char *missing = test_path (s_dir, "missing.json");
    s_declare (missing);
    char *path = s_write ("kinds.json", S_LISHUI);
    char errstr[PATH_BYTES_MAX + 256];
    cr_assert_eq (vocab_declare_activities (path, errstr, sizeof errstr), -1);
    cr_assert (strstr (errstr, ": activity 1 differs from the 0 declared before from "), "%s",
               errstr);
    cr_assert_eq (vocab_kind_count (), S_BUILTIN_KINDS);
    free (missing);
    free (path);
}

Test (vocab_declare, a_clash_with_a_built_in_kind_is_refused)
{
    const vocab_kind_t *visit = vocab_kind_find ("leader-visit");
    char *path = s_write ("kinds.json", "{\"activities\": [{\"name\": \"leader-visit\", "
                          "\"title\": \"高层互访\", \"title_en\": \"leader visit\"}]}");
    s_expect_refused (path, "activity 1: name \"leader-visit\" is already a kind (built in)");
    cr_assert_eq (vocab_kind_find ("leader-visit"), visit, "the built-in row, unchanged");
    cr_assert_eq (visit->from, VOCAB_FIELD_REQUIRED);
    free (path);
}

// Services run as threads in the tests' harnesses, and each may declare: the same file from
// many threads at once declares it once.
#define S_THREADS 8

static void *
s_declare_thread (void *path)
{
    char errstr[512] = "";
    intptr_t rc = vocab_declare_activities (path, errstr, sizeof errstr);
    // Each reader sees the built-ins alone, or every declared kind: never part of them.
    size_t count = vocab_kind_count ();
    if (count != S_BUILTIN_KINDS + 3)
        rc = -2;
    return (void *) rc;
}

Test (vocab_declare, threads_declaring_at_once_declare_once)
{
    char *path = s_write ("kinds.json", S_LISHUI);
    pthread_t threads[S_THREADS];
    for (size_t index = 0; index < S_THREADS; index++)
        cr_assert_eq (pthread_create (&threads[index], NULL, s_declare_thread, path), 0);
    for (size_t index = 0; index < S_THREADS; index++) {
        void *rc = NULL;
        cr_assert_eq (pthread_join (threads[index], &rc), 0);
        cr_assert_eq ((intptr_t) rc, 0, "thread %zu", index);
    }
    cr_assert_eq (vocab_kind_count (), S_BUILTIN_KINDS + 3);
    free (path);
}
