#!/usr/bin/env python3
"""oracle.py: every verdict of the assessment, recomputed from scratch over the whole ledger.

The property test (test_property.sh) compares the statuses the assessment maintains event by
event with this recomputation. It is written from the documentation (docs/policies.md, the
pack format and its semantics; docs/design.md, "Compliance"; README.md, "The ledger"), not
from the C code, so that the two are independent: where they disagree, the documents say who
is right.

    oracle.py --policies DIR --registry FILE --ledger FILE --today YYYY-MM-DD \
              [--scopes pair,supporter,...] PROGRAM:YEAR ...

reads the policy packs of DIR, the registry file (the shape of data/registry.json), the
ledger's events (`shanhai ledger --json`: one event a line, any order) and the clock's day,
and writes for each PROGRAM:YEAR the rows `shanhai status --program PROGRAM --year YEAR
--json` must show, one a line, tab-separated and sorted:

    PROGRAM:YEAR rule scope subject period status actual target expected

Where the documents leave something open, the reading taken is said where it is used (search
for "Reading:"), so that a disagreement can be judged.
"""
import argparse
import datetime
import glob
import json
import os
import sys
from collections import defaultdict
from decimal import Decimal, InvalidOperation

# Kinds whose events count in the year they name rather than their date's (README, Totals;
# docs/policies.md, Periods). An indicator names its year too, but is never cut by a deadline.
NAMES_YEAR = {"commitment", "plan-filed", "task-book"}
# The kinds a measure adds up (docs/policies.md, "measure").
MEASURE_KINDS = {"committed": {"commitment"}, "disbursed": {"aid-funds", "void"},
                 "received": {"receipt"}}
# What `quantity` adds for a kind (docs/policies.md, Metrics).
QUANTITY_FIELD = {"training": "persons", "matchmaking": "signed"}
LEVEL_METRICS = {"share", "indicator"}
FEN_PER_WAN = 1000000  # 1万元 = 10,000 yuan = 1,000,000 fen
COUNTY_SCOPES = {"supporter", "recipient", "region"}


def day(text):
    return datetime.date.fromisoformat(text).toordinal()


def month_end(year, month):
    if month == 12:
        return datetime.date(year, 12, 31).toordinal()
    return datetime.date(year, month + 1, 1).toordinal() - 1


class Period:
    def __init__(self, key, start, deadline, year):
        self.key, self.start, self.deadline, self.year = key, start, deadline, year

    def cut(self, first, last):
        """The period cut to the days first..last, or None when nothing is left."""
        start, deadline = max(self.start, first), min(self.deadline, last)
        return Period(self.key, start, deadline, self.year) if start <= deadline else None


def rule_years(rule):
    return rule.get("from_year", -10**9), rule.get("to_year", 10**9)


def deadline_of(rule, year):
    """D of the rule's yearly or window period ending in year: a date, or MM-DD of the year
    (the year before with deadline_year -1); 12-31 by default."""
    text = rule.get("deadline", "12-31")
    if len(text) == 10:
        return day(text)
    month, dom = int(text[:2]), int(text[3:])
    return datetime.date(year + rule.get("deadline_year", 0), month, dom).toordinal()


def periods_of_year(rule, year):
    """The rule's periods reported under year (docs/policies.md, Periods)."""
    first, last = rule_years(rule)
    kind = rule.get("period", "year")
    if kind == "window":
        if not first <= year <= last:
            return []
        return [Period("%d-%d" % (first, last), datetime.date(first, 1, 1).toordinal(),
                       deadline_of(rule, last), first)]
    if not first <= year <= last:
        return []
    if kind == "year":
        deadline = deadline_of(rule, year)
        # Reading: with deadline_year -1 the period runs from January 1 of the deadline's
        # year (S <= D), so that a pairing that did not exist by then is not judged on it.
        start_year = year + rule.get("deadline_year", 0)
        return [Period(str(year), datetime.date(start_year, 1, 1).toordinal(), deadline, year)]
    if kind == "quarter":
        return [Period("%d-Q%d" % (year, q), datetime.date(year, 3 * q - 2, 1).toordinal(),
                       month_end(year, 3 * q), year) for q in range(1, 5)]
    if kind == "month":
        return [Period("%d-%02d" % (year, m), datetime.date(year, m, 1).toordinal(),
                       month_end(year, m), year) for m in range(1, 13)]
    raise ValueError("rule %s: period %s" % (rule["id"], kind))


def period_key_of(rule, event_day, named_year):
    """The key of the rule's period an event of that day (or naming that year) counts in, and
    that period's deadline; None when it falls in no period of the rule."""
    kind = rule.get("period", "year")
    first, last = rule_years(rule)
    if named_year is not None:
        year = named_year
    else:
        date = datetime.date.fromordinal(event_day)
        year = date.year
    if not first <= year <= last:
        return None
    if kind == "window":
        return "%d-%d" % (first, last), deadline_of(rule, last)
    if kind == "year":
        return str(year), deadline_of(rule, year)
    if named_year is not None:
        # Reading: no pack counts a kind that names its year by quarter or month; the
        # documents do not say which quarter a year's commitment is of.
        raise ValueError("rule %s: a %s period of a kind that names its year" % (rule["id"], kind))
    if kind == "quarter":
        q = (date.month - 1) // 3 + 1
        return "%d-Q%d" % (year, q), month_end(year, 3 * q)
    return "%d-%02d" % (year, date.month), month_end(year, date.month)


def parse_value(text, unit):
    """An indicator's value in the rule's unit: hundredths for fen and bp, whole for count;
    None when it is not a number in that unit (docs/policies.md, Metrics)."""
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        return None
    scaled = value if unit == "count" else value * 100
    return int(scaled) if scaled == scaled.to_integral_value() else None


def quotient(numerator, denominator):
    """numerator / denominator rounded toward zero, as C's integer division does.
    Reading: the documents do not say how a share or a growth is rounded; the generator
    only makes growths that are exact, and a share's actual is compared as the service's."""
    q = abs(numerator) // abs(denominator)
    return q if (numerator >= 0) == (denominator > 0) else -q


class Ledger:
    """The ledger's events, with what the ledger derives: reversed events, and what each void
    cancelled (what was pending of its disbursement when it was recorded: the amount less the
    receipts recorded before it and not reversed by then; README, Money in two phases)."""

    def __init__(self, events):
        self.events = sorted(events, key=lambda e: e["seq"])
        by_id = {e["id"]: e for e in self.events}
        self.reversed = {e["of"] for e in self.events if e["kind"] == "reversal"}
        self.cancelled = {}
        received = defaultdict(int)
        for e in self.events:
            if e["kind"] == "receipt":
                received[e["of"]] += e["amount_fen"]
            elif e["kind"] == "void":
                self.cancelled[e["id"]] = by_id[e["of"]]["amount_fen"] - received[e["of"]]
            elif e["kind"] == "reversal":
                target = by_id[e["of"]]
                if target["kind"] == "receipt":
                    received[target["of"]] -= target["amount_fen"]
        # A reversal cancels what its event counted, in every rule; it counts nowhere itself.
        self.counted = [e for e in self.events
                        if e["kind"] != "reversal" and e["id"] not in self.reversed]


class Registry:
    def __init__(self, doc):
        self.pairings = {p["id"]: p for p in doc["pairings"]}
        self.parks = {p["id"]: p for p in doc.get("parks", [])}

    def subjects(self, program, scope):
        """{subject: (first, last)}: the days the subject is active in the program (a county's,
        park's or program's: from the first start to the last end of its pairings).
        Reading: the documents say "the days any of its pairings is active"; the test's
        registry gives no county a gap between its pairings, so first..last is that."""
        out = {}

        def widen(key, pairing):
            first, last = day(pairing["start"]), day(pairing["end"])
            if key in out:
                first, last = min(first, out[key][0]), max(last, out[key][1])
            out[key] = (first, last)

        for pairing in self.pairings.values():
            if pairing["program"] != program:
                continue
            if scope == "pair":
                widen(pairing["id"], pairing)
            elif scope == "supporter":
                widen(pairing["supporter"], pairing)
            elif scope in ("recipient", "region"):
                widen(pairing["recipient"], pairing)
            elif scope == "program":
                widen(program, pairing)
        if scope == "park":
            for park in self.parks.values():
                pairing = self.pairings.get(park["pairing"])
                if pairing and pairing["program"] == program:
                    widen(park["id"], pairing)
        return out

    def listed(self, program, scope, county, year):
        """Whether `status --program` shows a county's rows in year: under its pairs, and a
        pair shows its counties' rules only in a year it is active in (a display choice of the
        service, assessment_server.c s_verdicts_build, which the documents do not make)."""
        first, last = day("%d-01-01" % year), day("%d-12-31" % year)
        role = "supporter" if scope == "supporter" else "recipient"
        return any(p["program"] == program and p[role] == county
                   and day(p["start"]) <= last and day(p["end"]) >= first
                   for p in self.pairings.values())

    def plan_fen(self, park_id, year, category):
        for plan in self.parks.get(park_id, {}).get("plans", []):
            if plan["year"] == year and plan["category"] == category:
                return plan["planned_completion_wan"] * FEN_PER_WAN
        return 0


def matches(filters, event):
    for field, values in (filters or {}).items():
        values = values if isinstance(values, list) else [values]
        if event.get(field) not in values:
            return False
    return True


def subject_of(scope, event, registry):
    """Whose aggregate an event of a pairing adds to (docs/policies.md, Scopes)."""
    if scope == "program":
        return event.get("program")
    if scope == "park":
        return event.get("park") or None
    pairing = registry.pairings.get(event.get("pair"))
    if pairing is None:
        return None
    return {"pair": pairing["id"], "supporter": pairing["supporter"],
            "recipient": pairing["recipient"]}[scope]


class Aggregate:
    def __init__(self):
        self.n = 0            # the actual: a sum, a count, a share's numerator
        self.d = 0            # a share's denominator
        self.values = set()   # metric each: the values that have an event
        self.data = False     # any event counted (a share is NO_DATA without)


def aggregates(pack, rule, ledger, registry):
    """{(subject, period key): Aggregate} over the counted events of the pack's program."""
    out = defaultdict(Aggregate)
    metric = rule["metric"]
    kinds = MEASURE_KINDS[rule["measure"]] if "measure" in rule else {rule["event_kind"]}
    for e in ledger.counted:
        if e["kind"] not in kinds:
            continue
        pairing = registry.pairings.get(e.get("pair"))
        if pairing is None or pairing["program"] != pack["program"]:
            continue
        if not matches(rule.get("where"), e):
            continue
        subject = subject_of(rule["scope"], e, registry)
        if subject is None:
            continue
        named = e.get("year") if e["kind"] in NAMES_YEAR else None
        found = period_key_of(rule, day(e["date"]), named)
        if found is None:
            continue
        key, deadline = found
        # Only by the period's deadline: funds received on June 1 do not count for 05-31.
        if day(e["date"]) > deadline:
            continue
        agg = out[(subject, key)]
        agg.data = True
        if metric == "sum":
            if e["kind"] == "void":
                agg.n -= ledger.cancelled[e["id"]]
            else:
                agg.n += e["amount_fen"]
        elif metric == "count":
            agg.n += 1
        elif metric == "quantity":
            agg.n += e[QUANTITY_FIELD[e["kind"]]]
        elif metric == "each":
            (field, values), = rule["each"].items()
            if e.get(field) in values:
                agg.values.add(e[field])
            agg.n = len(agg.values)
        elif metric == "share":
            weight = e["amount_fen"] if rule["by"] == "amount" else 1
            agg.d += weight
            if matches(rule["share"], e):
                agg.n += weight
        else:
            raise ValueError("rule %s: metric %s" % (rule["id"], metric))
    return out


def committed(pack, ledger, registry, scope):
    """{(subject, year): [(date, amount)]}: the commitments naming each year, for a target
    "committed" (the subject's committed aid funds for the period)."""
    out = defaultdict(list)
    for e in ledger.counted:
        if e["kind"] != "commitment":
            continue
        pairing = registry.pairings.get(e.get("pair"))
        if pairing is None or pairing["program"] != pack["program"]:
            continue
        subject = subject_of(scope, e, registry)
        if subject is not None:
            out[(subject, e["year"])].append((day(e["date"]), e["amount_fen"]))
    return out


def indicator_figures(ledger, unit):
    """{(region, code, year): value}: each figure's latest report, in unit.
    Reading: "the region's latest reported value" is that of the report of the latest date
    (the later recorded, by seq, of two of one day): docs/policies.md says when a figure is
    reported by its date ("a figure is of the year it names whenever it is reported"), and
    a report recorded late, dated before another, is not the latest reported. A reversed
    report is as if never made: the one before it is the figure again."""
    latest = {}
    for e in ledger.counted:
        if e["kind"] != "indicator":
            continue
        key = (e["region"], e["code"], e["year"])
        rank = (day(e["date"]), e["seq"])
        if key not in latest or rank > latest[key][0]:
            latest[key] = (rank, e["value"])
    figures = {}
    for key, (_, text) in latest.items():
        value = parse_value(text, unit)
        if value is not None:
            figures[key] = value
    return figures


def indicator_measure(rule, figures, region, year):
    """The region's figure of the year, or its growth over the year before in bp; None when
    it lacks data."""
    code = rule["indicator"]["code"]
    value = figures.get((region, code, year))
    if value is None:
        return None
    if rule["indicator"].get("measure", "value") == "value":
        return value
    before = figures.get((region, code, year - 1))
    if before is None or before == 0:
        return None
    return quotient((value - before) * 10000, before)


def meets(rule, actual, target):
    compare = rule.get("compare", "at_least")
    if compare == "at_least":
        return actual >= target
    if compare == "at_most":
        return actual <= target
    return actual > target


def verdict(rule, period, today, actual, target, data):
    """(status, expected) of a rule over a period cut to its subject's days, as of today
    (docs/design.md, Compliance; docs/policies.md, Statuses)."""
    S, D = period.start, period.deadline
    if rule["metric"] in LEVEL_METRICS:
        # A level, not a sum: NO_DATA without data; MET when it meets the target; before the
        # deadline AT_RISK otherwise, BREACHED after.
        if not data:
            return "NO_DATA", 0
        if meets(rule, actual, target):
            return "MET", target
        return ("BREACHED" if today > D else "AT_RISK"), target
    pace = rule.get("pace", "linear")
    if pace == "linear":
        # T * (d - S) / (D - S) rounded up: 0 on the first day, T from the deadline on.
        if today <= S:
            expected = 0
        elif today >= D:
            expected = target
        else:
            expected = -((-target * (today - S)) // (D - S))
    else:
        # Nothing is pro-rated: nothing is asked before the deadline, the target from it on.
        expected = target if today >= D else 0
    if meets(rule, actual, target):
        return "MET", expected
    if today > D:
        return "BREACHED", expected
    if pace == "none" or actual >= expected:
        return "ON_TRACK", expected
    return "AT_RISK", expected


class Judge:
    """The verdicts of one pack's rules over the ledger, as of today."""

    def __init__(self, pack, ledger, registry, today):
        self.pack, self.ledger, self.registry, self.today = pack, ledger, registry, today
        self.cache = {}

    def memo(self, key, compute):
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]

    def measured(self, rule, subject, whole, period):
        """(actual, data, target): what the rule measures of the subject over the period,
        whether there is data, and the target (a reference region's figure, when it has one)."""
        target = rule.get("target", 0)
        if rule["metric"] == "indicator":
            unit = rule["unit"] if rule["indicator"].get("measure", "value") == "value" else "bp"
            figures = self.memo(("figures", unit), lambda: indicator_figures(self.ledger, unit))
            actual = indicator_measure(rule, figures, subject, period.year)
            data = actual is not None
            reference = rule["indicator"].get("reference")
            if reference:
                # The reference region's figure (or growth) of the same year is the target
                # (policies/hb-shanchuan.json: "strictly above hb-province's growth").
                ref = indicator_measure(rule, figures, reference, period.year)
                target = (ref or 0) + rule.get("target", 0)
                data = data and ref is not None
            return actual or 0, data, target
        aggs = self.memo(("aggregates", rule["id"]),
                         lambda: aggregates(self.pack, rule, self.ledger, self.registry))
        agg = aggs.get((subject, whole.key), Aggregate())
        if rule["metric"] == "share":
            data = agg.d > 0
            return (quotient(agg.n * 10000, agg.d) if data else 0), data, target
        return agg.n, agg.data, target

    def data_target(self, rule, subject, whole, period):
        """A target of "plan" (the park's plan of the year for the category `where` names) or
        "committed" (the subject's committed aid funds for the period), or None for others."""
        if rule.get("target") == "plan":
            (category,), = [v if isinstance(v, list) else [v] for v in rule["where"].values()]
            return self.registry.plan_fen(subject, period.year, category)
        if rule.get("target") == "committed":
            commitments = self.memo(("committed", rule["scope"]), lambda: committed(
                self.pack, self.ledger, self.registry, rule["scope"]))
            # Reading: a commitment counts toward the target like any event of the period:
            # naming the period's year, dated by its deadline.
            return sum(amount for date, amount in commitments.get((subject, period.year), [])
                       if date <= whole.deadline)
        return None

    def rows(self, year):
        """Every (rule, scope, subject, period, status, actual, target, expected) of the
        pack's program reported under year."""
        out = []
        program = self.pack["program"]
        for rule in self.pack["rules"]:
            scope = rule["scope"]
            for subject, (first, last) in sorted(self.registry.subjects(program, scope).items()):
                if scope in COUNTY_SCOPES and not self.registry.listed(program, scope, subject,
                                                                       year):
                    continue
                for whole in periods_of_year(rule, year):
                    period = whole.cut(first, last)
                    if period is None:
                        continue
                    actual, data, target = self.measured(rule, subject, whole, period)
                    from_data = self.data_target(rule, subject, whole, period)
                    if from_data is not None:
                        target = from_data
                    if from_data == 0:
                        # A target of "plan" or "committed" that is zero or absent: NO_DATA.
                        status, expected = "NO_DATA", 0
                    else:
                        status, expected = verdict(rule, period, self.today, actual, target,
                                                   data)
                    out.append((rule["id"], scope, subject, period.key, status, actual, target,
                                expected))
        return out


def load_packs(directory):
    packs = {}
    for path in sorted(glob.glob(os.path.join(directory, "*.json"))):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        if "program" in doc and "rules" in doc:
            packs[doc["program"]] = doc
    return packs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", required=True)
    parser.add_argument("--registry", required=True)
    parser.add_argument("--ledger", required=True)
    parser.add_argument("--today", required=True)
    parser.add_argument("--scopes", default="pair,supporter,recipient,region,park,program",
                        help="the scopes to write (the service shows program and park rows "
                             "only under \"subjects\")")
    parser.add_argument("requests", nargs="+", metavar="PROGRAM:YEAR")
    args = parser.parse_args()
    packs = load_packs(args.policies)
    with open(args.registry, encoding="utf-8") as f:
        registry = Registry(json.load(f))
    with open(args.ledger, encoding="utf-8") as f:
        ledger = Ledger([json.loads(line) for line in f if line.strip()])
    scopes = set(args.scopes.split(","))
    today = day(args.today)
    lines = []
    for request in args.requests:
        program, year = request.rsplit(":", 1)
        pack = packs.get(program)
        if pack is None:
            continue
        for row in Judge(pack, ledger, registry, today).rows(int(year)):
            if row[1] in scopes:
                lines.append("\t".join([request] + [str(x) for x in row]))
    sys.stdout.write("".join(line + "\n" for line in sorted(set(lines))))


if __name__ == "__main__":
    main()
