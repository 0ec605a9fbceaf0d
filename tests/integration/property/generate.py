#!/usr/bin/env python3
"""generate.py: one step's random events for the property test (test_property.sh).

    generate.py --seed S --step N --registry FILE --ledger FILE --today YYYY-MM-DD --out FILE

writes 1-5 events to FILE as NDJSON (what `shanhai import` reads), valid against the ledger
as it is (`shanhai ledger --json`) and against each other, in the order written: receipts and
voids of pending disbursements, reversals of what may be reversed, filings on time and late,
a region's figure reported again. About one in twenty is invalid on purpose (a receipt
above what is pending, a date after today, a reversal of a reversal), so that the test also
sees the ledger refuse, and the oracle ignore what was refused. The same seed, step, ledger
and day give the same events. Half the steps move the clock forward by 1..60 days: the new
day is printed (nothing when the clock stays).
"""
import argparse
import datetime
import json
import random

SECTORS = ["information", "environmental", "health", "tourism", "fashion", "culture",
           "finance", "equipment", "other"]
FIELDS = ["science", "health", "education", "culture"]
# Figures whose growth over any other of the same list is a whole number of basis points
# (each divides 10,000 times every difference), so that no rounding is in question.
FIGURES = {
    "gdp": ["100", "125", "200", "250", "400", "500", "125.00"],
    "rural_income": ["16000", "20000", "25000", "40000", "50000", "20000.00"],
    "weak_villages": ["0", "1", "2", "3"],
    "treatment_rate": ["85.5", "90", "92.25", "95"],
}
REFERENCE = "pt-province"
# The figures the packs judge, few so that a growth finds the year before's and the province's:
# pt-alpha's recipients' gdp (against the province's) and rural_income; pt-beta's recipients'
# rural_income (its growth), weak_villages and treatment_rate.
JUDGED_FIGURES = ([("pt-r1", "gdp")] * 2 + [("pt-r2", "gdp"), (REFERENCE, "gdp")]
                  + [("pt-r1", "rural_income"), ("pt-r3", "rural_income")]
                  + [("pt-r5", "rural_income")] * 2
                  + [("pt-r6", "rural_income"), ("pt-r5", "weak_villages"),
                     ("pt-r6", "treatment_rate")])
EVENTS_PER_STEP_MAX = 5
CLOCK_MOVE_DAYS_MAX = 60
# The clock stays within the packs' years and the pairings' days (a long run ends there).
CLOCK_LAST = "2030-12-31"
# How often a day is chosen on the edge of a period rather than anywhere.
EDGE_CHANCE = 0.2
# How far back an event may be dated: late filings, funds received after the deadline.
BACKDATE_DAYS_MAX = 150
# Events invalid on purpose, per thousand.
INVALID_PER_MILLE = 40

WEIGHTS = {
    "aid-funds": 10, "receipt": 9, "void": 5, "commitment": 6, "leader-visit": 5,
    "joint-meeting": 5, "agreement": 6, "investment": 5, "park-investment": 4, "training": 3,
    "matchmaking": 3, "plan-filed": 3, "task-book": 3, "indicator": 24, "cadre": 4,
    "sales-window": 2, "income-project": 3, "reversal": 6,
}


def edge_days(first, last):
    """The days of first..last that end a month (every quarter's and year's end, and the
    packs' deadlines 01-31, 05-31, 06-30, 10-31), and the days after them."""
    out = []
    for ordinal in range(first, last + 1):
        date = datetime.date.fromordinal(ordinal)
        if date.day == 1 or (date + datetime.timedelta(days=1)).day == 1:
            out.append(ordinal)
    return out


def day(text):
    return datetime.date.fromisoformat(text).toordinal()


def iso(ordinal):
    return datetime.date.fromordinal(ordinal).isoformat()


class State:
    """What the ledger holds, as far as a new event's validity depends on it."""

    def __init__(self, events):
        self.events = {}        # id -> event (recorded, or written earlier in this step)
        self.reversed = set()
        self.received = {}      # disbursement -> fen received (receipts not reversed)
        self.receipts = {}      # disbursement -> receipts not reversed
        self.voided = {}        # disbursement -> its void not reversed, or absent
        self.figures = set()    # (region, code, year) reported
        for event in sorted(events, key=lambda e: e["seq"]):
            self.add(event)

    def add(self, e):
        self.events[e["id"]] = e
        kind = e["kind"]
        if kind == "aid-funds":
            self.received[e["id"]] = 0
            self.receipts[e["id"]] = 0
        elif kind == "receipt":
            self.received[e["of"]] += e["amount_fen"]
            self.receipts[e["of"]] += 1
        elif kind == "void":
            self.voided[e["of"]] = e["id"]
        elif kind == "indicator":
            self.figures.add((e["region"], e["code"], e["year"]))
        elif kind == "reversal":
            target = self.events[e["of"]]
            self.reversed.add(target["id"])
            if target["kind"] == "receipt":
                self.received[target["of"]] -= target["amount_fen"]
                self.receipts[target["of"]] -= 1
            elif target["kind"] == "void":
                del self.voided[target["of"]]

    def live(self, e):
        return e["id"] not in self.reversed and e["kind"] != "reversal"

    def pending(self, disbursement):
        return disbursement["amount_fen"] - self.received[disbursement["id"]]

    def open_disbursements(self):
        """Disbursements a receipt or a void may act on: recorded, not reversed, not voided,
        with something pending."""
        return [e for e in self.events.values()
                if e["kind"] == "aid-funds" and self.live(e) and e["id"] not in self.voided
                and self.pending(e) > 0]

    def reversible(self):
        """Events a reversal may undo: not reversals, not reversed, and a disbursement only
        once it has no receipt and no void left."""
        return [e for e in self.events.values()
                if self.live(e) and not (e["kind"] == "aid-funds"
                                         and (self.receipts[e["id"]] or e["id"] in self.voided))]


class Generator:
    def __init__(self, rng, registry, state, today, step):
        self.rng, self.state, self.today, self.step = rng, state, today, step
        self.pairings = registry["pairings"]
        self.parks = {}
        for park in registry.get("parks", []):
            self.parks.setdefault(park["pairing"], []).append(park["id"])
        self.recipients = sorted({p["recipient"] for p in self.pairings})
        self.serial = 0

    def new_id(self):
        self.serial += 1
        return "s%d-e%d" % (self.step, self.serial)

    def date_between(self, first, last):
        """A day of first..last, one in five a deadline or the day after one (where off by
        one days hide), or None when there is none."""
        if first > last:
            return None
        edges = edge_days(first, last)
        if edges and self.rng.random() < EDGE_CHANCE:
            return iso(self.rng.choice(edges))
        return iso(self.rng.randint(first, last))

    def pair_day(self, pairing, after=None):
        """A day the pairing is active, on or before today, not long ago (and not before
        `after`); None when there is none."""
        first = max(day(pairing["start"]), self.today - BACKDATE_DAYS_MAX, after or 0)
        return self.date_between(first, min(day(pairing["end"]), self.today))

    def active_pairings(self):
        return [p for p in self.pairings
                if day(p["start"]) <= self.today
                and day(p["end"]) >= self.today - BACKDATE_DAYS_MAX]

    def pair_event(self, kind, pairing=None, **fields):
        if pairing is None and not self.active_pairings():
            return self.indicator()
        pairing = pairing or self.rng.choice(self.active_pairings())
        date = self.pair_day(pairing)
        if date is None:
            return None
        event = {"id": self.new_id(), "kind": kind, "pair": pairing["id"], "date": date}
        event.update(fields)
        return event

    def amount(self, low_yuan, high_yuan):
        # Whole hundreds of yuan, in fen.
        return self.rng.randint(low_yuan // 100, high_yuan // 100) * 10000

    def make(self, kind):
        rng = self.rng
        if kind == "aid-funds":
            return self.pair_event(kind, amount_fen=self.amount(200000, 2500000))
        if kind in ("receipt", "void"):
            choices = self.state.open_disbursements()
            if not choices:
                return self.make("aid-funds")
            target = rng.choice(choices)
            pairing = next(p for p in self.pairings if p["id"] == target["pair"])
            date = self.pair_day(pairing, after=day(target["date"]))
            if date is None:
                return None
            event = {"id": self.new_id(), "kind": kind, "pair": target["pair"], "date": date,
                     "of": target["id"]}
            if kind == "receipt":
                pending = self.state.pending(target)
                event["amount_fen"] = (pending if rng.random() < 0.5
                                       else rng.randint(1, pending // 10000 or 1) * 10000
                                       if pending >= 10000 else pending)
            return event
        if kind == "commitment":
            event = self.pair_event(kind, amount_fen=self.amount(1000000, 4000000))
            if event:
                event["year"] = int(event["date"][:4]) + rng.choice([0, 1, 1])
            return event
        if kind == "leader-visit":
            pairing = rng.choice(self.active_pairings())
            return self.pair_event(kind, pairing,
                                   **{"from": rng.choice([pairing["supporter"],
                                                          pairing["recipient"]])})
        if kind in ("joint-meeting", "sales-window"):
            return self.pair_event(kind)
        if kind == "agreement":
            return self.pair_event(kind, field=rng.choice(FIELDS))
        if kind == "investment":
            pairing = rng.choice(self.active_pairings())
            fields = {"project": "project-%d" % rng.randint(1, 99), "sector": rng.choice(SECTORS),
                      "amount_fen": self.amount(100000, 3000000)}
            if self.parks.get(pairing["id"]) and rng.random() < 0.4:
                fields["park"] = rng.choice(self.parks[pairing["id"]])
            if rng.random() < 0.3:
                fields["continued"] = rng.random() < 0.5
            return self.pair_event(kind, pairing, **fields)
        if kind == "park-investment":
            with_parks = [p for p in self.active_pairings() if self.parks.get(p["id"])]
            if not with_parks:
                return self.make("investment")
            pairing = rng.choice(with_parks)
            return self.pair_event(kind, pairing, park=rng.choice(self.parks[pairing["id"]]),
                                   category=rng.choice(["gov", "invest"]),
                                   amount_fen=self.amount(200000, 1500000))
        if kind == "training":
            return self.pair_event(kind, persons=rng.randint(10, 150))
        if kind == "matchmaking":
            return self.pair_event(kind, signed=rng.randint(1, 8))
        if kind == "plan-filed":
            # Next year's plan, on time (by 10-31) or late; now and then this year's, late.
            event = self.pair_event(kind)
            if event:
                event["year"] = int(event["date"][:4]) + rng.choice([1, 1, 1, 0])
            return event
        if kind == "task-book":
            # This year's (on time by 01-31, or late), or next year's signed in advance.
            event = self.pair_event(kind)
            if event:
                event["year"] = int(event["date"][:4]) + rng.choice([0, 0, 1])
            return event
        if kind == "indicator":
            return self.indicator()
        if kind == "cadre":
            event = self.pair_event(kind, level=rng.choice(["division", "section"]),
                                    person="cadre-%d" % rng.randint(1, 999))
            if event:
                event["start"] = event["date"]
                event["end"] = iso(day(event["date"]) + rng.randint(180, 900))
            return event
        if kind == "income-project":
            fields = {"amount_fen": self.amount(100000, 800000)}
            if rng.random() < 0.5:
                fields["project"] = "income-%d" % rng.randint(1, 99)
            return self.pair_event(kind, **fields)
        if kind == "reversal":
            choices = self.state.reversible()
            if not choices:
                return self.make("aid-funds")
            # Half the time a receipt, a void or a figure: what the others depend on.
            undoing = [e for e in choices if e["kind"] in ("receipt", "void", "indicator")]
            # Now and then a receipt of a voided disbursement: the void keeps what it cancelled.
            after_void = [e for e in undoing
                          if e["kind"] == "receipt" and e["of"] in self.state.voided]
            if after_void and rng.random() < 0.3:
                target = rng.choice(after_void)
            else:
                target = rng.choice(undoing if undoing and rng.random() < 0.5 else choices)
            date = self.date_between(max(day(target["date"]), self.today - BACKDATE_DAYS_MAX),
                                     self.today)
            if date is None:
                return None
            event = {"id": self.new_id(), "kind": "reversal", "date": date, "of": target["id"]}
            if target.get("pair") and rng.random() < 0.5:
                event["pair"] = target["pair"]
            return event
        raise ValueError(kind)

    def indicator(self):
        rng = self.rng
        this_year = datetime.date.fromordinal(self.today).year
        first = self.today - BACKDATE_DAYS_MAX
        recent = sorted(f for f in self.state.figures if f[2] >= this_year - 1)
        if recent and rng.random() < 0.5:
            # The same figure reported again: a revision, or the same value once more, dated
            # after the latest report, or (half the time) before it: a report recorded late,
            # after which the latest reported is still the one of the later date.
            region, code, year = rng.choice(recent)
            reports = [day(e["date"]) for e in self.state.events.values()
                       if e["kind"] == "indicator" and self.state.live(e)
                       and (e["region"], e["code"], e["year"]) == (region, code, year)]
            if reports and rng.random() < 0.5:
                date = self.date_between(first, max(reports) - 1)
            else:
                date = self.date_between(max(reports + [first]), self.today)
        else:
            if rng.random() < 0.9:
                region, code = rng.choice(JUDGED_FIGURES)
            else:  # any figure, most of which no rule reads
                region = rng.choice(self.recipients + [REFERENCE])
                code = rng.choice(sorted(FIGURES))
            year = rng.choice([this_year, this_year - 1])
            # The figure a growth lacks first: the year before's, or the province's.
            if (region, code, year - 1) not in self.state.figures:
                year -= 1
            elif code == "gdp" and (REFERENCE, code, year) not in self.state.figures:
                region = REFERENCE
            date = self.date_between(first, self.today)
        if date is None:
            return None
        return {"id": self.new_id(), "kind": "indicator", "region": region, "code": code,
                "year": year, "value": rng.choice(FIGURES[code]), "date": date}

    def invalid(self):
        """An event the ledger must refuse."""
        rng = self.rng
        choice = rng.randrange(3)
        if choice == 0 and self.state.open_disbursements():
            target = rng.choice(self.state.open_disbursements())
            return {"id": self.new_id(), "kind": "receipt", "pair": target["pair"],
                    "date": iso(self.today), "of": target["id"],
                    "amount_fen": self.state.pending(target) + 100}
        reversals = [e for e in self.state.events.values() if e["kind"] == "reversal"]
        if choice == 1 and reversals:
            return {"id": self.new_id(), "kind": "reversal", "date": iso(self.today),
                    "of": rng.choice(reversals)["id"]}
        pairing = rng.choice(self.active_pairings())
        return {"id": self.new_id(), "kind": "joint-meeting", "pair": pairing["id"],
                "date": iso(self.today + rng.randint(1, 30))}

    def events(self, count):
        kinds = sorted(WEIGHTS)
        weights = [WEIGHTS[k] for k in kinds]
        out = []
        while len(out) < count:
            if self.rng.randrange(1000) < INVALID_PER_MILLE:
                out.append(self.invalid())  # never added to the state: nothing refers to it
                continue
            event = self.make(self.rng.choices(kinds, weights)[0])
            if event is None:
                continue
            self.state.add(event)
            out.append(event)
        return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--step", type=int, required=True)
    parser.add_argument("--registry", required=True)
    parser.add_argument("--ledger", required=True)
    parser.add_argument("--today", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rng = random.Random("%d:%d" % (args.seed, args.step))
    with open(args.registry, encoding="utf-8") as f:
        registry = json.load(f)
    with open(args.ledger, encoding="utf-8") as f:
        state = State([json.loads(line) for line in f if line.strip()])
    generator = Generator(rng, registry, state, day(args.today), args.step)
    with open(args.out, "w", encoding="utf-8") as f:
        for event in generator.events(rng.randint(1, EVENTS_PER_STEP_MAX)):
            f.write(json.dumps(event, ensure_ascii=False) + "\n")
    today = day(args.today)
    if rng.random() < 0.5 and today < day(CLOCK_LAST):
        last = min(today + CLOCK_MOVE_DAYS_MAX, day(CLOCK_LAST))
        print(generator.date_between(today + 1, last))


if __name__ == "__main__":
    main()
