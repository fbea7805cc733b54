"""Evaluation: a checked model (model.py) and a scenario in, decisions out.

A Program is a model ready to decide: its rules grouped by the step of a
decision they belong to, and each condition's test (conditions.py). This
module uses the standard library only, so that `ftdsl compile` can copy it
into a standalone module, and so that a cached ruleset runs without Lark.
"""

import bisect
import contextlib
import gc
from fractions import Fraction

from .conditions import build_test
from .formulas import formula_reads, shown, work_out
from .model import PAY_WORDS, cited, date_words
from .numbers import decimal_text, json_number
from .scenario import QUANTITY_KEYS, Scenario, ScenarioError, Vocabulary, problem, validate_scenario

__all__ = ["ENTITLED", "DISCRETIONARY", "NOT_ENTITLED", "PAY_WORDS", "Program", "ScenarioError", "Scenario",
           "QUANTITY_KEYS", "MissingFact", "Inputs", "History", "Notes", "Decision"]

ENTITLED = "entitled"
DISCRETIONARY = "discretionary"
NOT_ENTITLED = "not_entitled"
_RANK = {ENTITLED: 2, DISCRETIONARY: 1, NOT_ENTITLED: 0}

class MissingFact(Exception):
    """A decision needed a fact the scenario (source 'fact') or the request (source 'request') does not give;
    `clauses` are the clauses that read it, where known."""

    def __init__(self, name, source):
        self.name = name
        self.source = source
        self.clauses = ()


# ---- the program ----------------------------------------------------------------

class Program:
    """A checked model ready to decide scenarios: `decide(scenario dict) -> report dict`."""

    def __init__(self, model, source_name="<ruleset>"):
        self.model = model
        self.source_name = source_name
        self.tables = {t.name: t for t in model.tables}
        self.formulas = {v.name: v for v in model.formulas}
        self.computed = {**self.tables, **self.formulas}  # what works out each value: its table or its formula
        self.rules = model.rules
        self.vocabulary = Vocabulary(model)
        self.facts_by_name = {f.name: f for f in model.facts}
        self.counts_outside = model.toil_clause is not None  # time off in lieu counts time outside working hours
        by_kind = {}
        for rule in self.rules:
            by_kind.setdefault(rule.step, []).append(rule)
        self.by_kind = by_kind
        # A rule applies where its dates and its condition hold; a requirement's
        # dates say when it asks anything (Decision.requirements), its test is its condition.
        # Each rule's place in model.rules: how a decision's checks name the rule they are about (by identity,
        # not by its words), so explain and test coverage find it again.
        self.index = {id(rule): number for number, rule in enumerate(self.rules)}
        self.tests = {id(rule): build_test(rule.condition if rule.step == "requirement" else rule.in_force_condition)
                      for rule in self.rules}
        # The day the agreement takes effect (its header's 'effective'), as ISO; None for always.
        effective = model.header.effective
        self.effective = None if effective is None else effective if len(effective) == 10 else effective + "-01"

    def rules_of(self, kind, category=None):
        """The rules of one step of a decision ('grant', 'limit', ...), those about `category` if given."""
        rules = self.by_kind.get(kind, ())
        if category is None:
            return rules
        return [r for r in rules if r.covers(category)]

    def decide(self, data, detailed=True):
        """Decide every request of a scenario dict; return the report dict (see docs/scenarios.md).

        With `detailed` false the decisions have no reasons and no checks (as
        batch evaluation makes them), and are otherwise the same."""
        scenario = validate_scenario(data, self.vocabulary)
        return self.decide_scenario(scenario, detailed)

    def decide_scenario(self, scenario, detailed=True, counted=None):
        """Decide a validated Scenario (see decide). A dict given as `counted` is filled with what each request
        counts against later ones, [(category, hours)] (Decision.counted_as), by its place in the file ('order')."""
        with collector_paused():
            return _Evaluation(self, scenario, detailed, counted).run()


@contextlib.contextmanager
def collector_paused():
    """Python's cycle collector off while a ruleset is loaded or a scenario decided.

    Both allocate many objects that stay alive until the end (tokens, trees
    and model nodes; the history, reasons and checks of every request), and
    the collector, triggered by allocations, walks them again and again:
    with it on, 10,000 clauses took twice as long per clause as 1,000, and a
    scenario of 16,000 requests 1.6 times as long per request as one of
    1,000. None of those objects is garbage in a cycle, so nothing is lost
    by waiting; cyclic garbage is collected as usual once it is back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Inputs:
    """What a decision reads about the person: the scenario's facts by name, and the values the band tables
    and formulas work out from them (each once). MissingFact for a fact the scenario does not give."""

    def __init__(self, program, facts):
        self.program = program
        self.facts = facts
        self.values = {}

    def fact(self, name):
        facts = self.facts
        if name not in facts:
            raise MissingFact(name, "fact")
        return facts[name]

    def value(self, name):
        if name not in self.values:
            formula = self.program.formulas.get(name)
            if formula is not None:
                try:
                    self.values[name] = work_out(formula.formula, self.fact, self.value)
                except MissingFact as missing:
                    missing.clauses = missing.clauses or (formula.clause,)
                    raise
                return self.values[name]
            table = self.program.tables[name]
            try:
                count = self.fact(table.by)
            except MissingFact as missing:
                missing.clauses = (table.clause,)
                raise
            self.values[name] = table.lookup(count)
        return self.values[name]


class History:
    """Time already counted against allowances and limits, by category and day.

    In: entries as they are counted, in any order (`count`). Out: whether a
    request fits under a limit in a window (`within`), from prefix sums, so
    a scenario of n requests is decided in about n log n steps rather than
    n squared. Time outside working hours counts only where the agreement
    says time off in lieu counts. Batch evaluation (trees.RunningTotals) answers
    `within` from running totals instead.
    """

    def __init__(self, program):
        self.year_start = program.model.year_start
        self.counts_outside = program.counts_outside
        self.days = {}  # category -> the days of its entries, in order
        self.sums = {}  # category -> sums[i]: the hours of its first i entries

    def count(self, day, category, hours, in_working_hours):
        if not (in_working_hours or self.counts_outside):
            return
        days = self.days.setdefault(category, [])
        sums = self.sums.setdefault(category, [Fraction(0)])
        at = bisect.bisect_right(days, day)
        days.insert(at, day)
        sums.insert(at + 1, sums[at] + hours)
        for later in range(at + 2, len(sums)):  # only for time taken after requests decided so far: rare and few
            sums[later] += hours

    def hours_in(self, categories, start, end):
        """Hours counted from `start` to `end` (both included) for these categories."""
        total = Fraction(0)
        for category in categories:
            days = self.days.get(category)
            if days:
                sums = self.sums[category]
                total += sums[bisect.bisect_right(days, end)] - sums[bisect.bisect_left(days, start)]
        return total

    def within(self, categories, period, limit, day, hours):
        """(whether `hours` on `day` fit under `limit` in the period holding `day`, the hours counted before
        in that window, the window)."""
        start, end = period.window(day, self.year_start)
        if period.kind == "rolling":
            end = day
        used = self.hours_in(categories, start, end)
        return used + hours <= limit, used, (start, end)


class Notes:
    """Where a decision writes its reasons and the checks of the rules it looked at.

    `Notes(detailed=False)` keeps neither, for batch evaluation, whose output
    has no reasons: a decision then takes every step and cites every clause,
    with the same outcome and pay, but builds no sentences (where a reason is
    costly to build, the decision asks `detailed` first).
    """

    def __init__(self, detailed=True):
        self.detailed = detailed
        self.reasons = []
        self.checks = []

    def say(self, reason):
        if self.detailed:
            self.reasons.append(reason)

    def check(self, entry):
        if self.detailed:
            self.checks.append(entry)


class _Evaluation:
    """One scenario's evaluation: its inputs, and the history of time counted as its requests are decided."""

    def __init__(self, program, scenario, detailed=True, counted=None):
        self.program = program
        self.scenario = scenario
        self.detailed = detailed
        self.counted = {} if counted is None else counted
        self.inputs = Inputs(program, scenario.facts)
        self.problems = []
        self.history = History(program)
        # Each pool the person shares ('shared by the union'): its time is everyone's in it, the person's own too.
        self.pools = {holder: History(program) for holder in program.model.holders}
        taken = self.time_of(scenario.taken, "taken")
        for entry in taken:
            self.history.count(*entry)
        for holder, pool in self.pools.items():
            for entry in sorted(taken + self.time_of(scenario.pool_taken.get(holder, ()), f"pool taken.{holder}"),
                                key=_day):
                pool.count(*entry)

    def time_of(self, items, path):
        """Time entries (validated 'taken') as History counts them, by date, so that each is counted at the end of
        its category's sums (History.count); an entry whose amount cannot be read is a problem."""
        found = []
        for item in items:  # in file order, so that problems are reported in it
            hours = self.hours_of(item, f"{path}[{item['order']}]")
            if hours is not None:
                found.append((item["date"], item["category"], hours, item["in working hours"]))
        return sorted(found, key=_day)

    def count(self, day, category, hours, in_working_hours, shared_by=()):
        """Count a decided request's time in the person's history and in the pools whose rules apply to it."""
        self.history.count(day, category, hours, in_working_hours)
        for holder in shared_by:
            self.pools[holder].count(day, category, hours, in_working_hours)

    def hours_of(self, item, path):
        unit, number = item["quantity"]
        hours = self.program.model.hours_of(unit, number)
        if hours is None:
            self.problems.append(problem(f"{path}.{unit}", f"this agreement does not define a working day, so '{unit}' "
                                          "cannot be converted to hours", 'give the time in "hours"'))
        return hours

    # ---- the whole scenario
    def run(self):
        decisions = {}
        ordered = sorted(self.scenario.requests, key=lambda r: (r["date"], r["order"]))
        for request in ordered:
            path = f"requests[{request['order']}]"
            hours = self.hours_of(request, path)
            if hours is None:
                continue
            maker = Decision(self.program, self.inputs, self.history, request, hours, request["date"],
                             Notes(self.detailed), pools=self.pools)
            try:
                decision = maker.decide()
            except MissingFact as missing:
                self.problems.append(self.missing_problem(missing, request, path))
                continue
            decisions[request["order"]] = decision
            # What is not refused outright counts against later requests: of a request decided in parts,
            # the hours of the parts that are not refused.
            self.counted[request["order"]] = maker.counted_as
            for category, counted in maker.counted_as:
                self.count(request["date"], category, counted, request["in working hours"], maker.shared_by)
        if self.problems:
            raise ScenarioError(self.problems)
        facilities, undecided = self.report_facilities()
        report = {
            "agreement": self.program.model.header.title,
            "values": self.report_values(),
            "facilities": facilities,
            "decisions": [decisions[r["order"]] for r in self.scenario.requests],
        }
        if undecided:
            report["facilities not decided"] = undecided
        return report

    def missing_problem(self, missing, request, path):
        """The problem of a fact a decision needs and the scenario does not give; besides its words, it says which
        fact (`needs`) and the clauses that read it (`clauses`), for a caller that asks for the fact (ftdsl ask)."""
        fact = self.program.facts_by_name.get(missing.name)
        type_name = "value" if fact is None else fact.type
        clauses = missing.clauses
        needed_by = f" ({', '.join(map(cited, clauses))} reads it)" if clauses else ""
        if missing.source == "request" or (fact is not None and fact.request):
            found = problem(f"{path}.{missing.name}", f"request '{request['id']}' does not give '{missing.name}', which "
                            f"this request needs{needed_by}", f'add "{missing.name}": ... to the request')
        else:
            example = {"yes/no": "true", "count": "0", "hours": "0", "list of roles": '["representative"]',
                       "date": '"2026-04-01"'}.get(type_name, '"..."')
            found = problem(f"facts.{missing.name}", f"the scenario does not give '{missing.name}' "
                            f"({_type_words(type_name)}), which request '{request['id']}' needs{needed_by}",
                            f'add "{missing.name}": {example} to "facts"')
        found["needs"] = missing.name
        found["clauses"] = list(clauses)
        return found

    def report_values(self):
        report = {}
        for name, formula in self.program.formulas.items():
            entry = {"unit": formula.unit, "clauses": [formula.clause] if formula.clause else []}
            try:
                value = self.inputs.value(name)
            except MissingFact as missing:
                entry.update({"value": None, "needs": missing.name})
            else:
                entry["value"] = float(value) if formula.unit == "FTE" else json_number(value)
                entry["exact"] = decimal_text(value)
            report[formula.written] = entry
        for name, table in self.program.tables.items():
            entry = {"unit": table.unit, "clauses": [table.clause]}
            try:
                value = self.inputs.value(name)
            except MissingFact as missing:
                entry.update({"value": None, "needs": missing.name})
            else:
                entry["value"] = None if value is None else (float(value) if table.unit == "FTE" else json_number(value))
                entry["exact"] = None if value is None else decimal_text(value)
                if value is None:
                    entry["note"] = f"no band covers {decimal_text(self.inputs.fact(table.by))} {table.by}"
            report[table.written] = entry
        return report

    def report_facilities(self):
        """(the facilities whose conditions hold, those whose conditions read a fact the scenario leaves out)."""
        provided, undecided = [], []
        for rule in self.program.by_kind.get("facilities", ()):
            test = self.program.tests[id(rule)]
            try:
                holds = test is None or test(self.inputs.fact, _no_request, self.inputs.value)
            except MissingFact as missing:
                # Not silently left out: the reader is told what would decide it.
                undecided.append({"clause": rule.clause, "facilities": rule.text, "needs": missing.name})
                continue
            if holds:
                provided.append({"clause": rule.clause, "facilities": rule.text})
        return provided, undecided


def _day(entry):
    return entry[0]


def _no_request(name):
    raise MissingFact(name, "request")


def _type_words(type_name):
    return {"yes/no": "yes or no", "count": "a whole number", "hours": "a number of hours",
            "list of roles": "a list of roles"}.get(
        type_name, f"a {type_name}")


class Decision:
    """The decision on one request, step by step, with reasons and clauses.

    In: the program; the person's facts (an Inputs); the time already
    counted (a History, asked only through `within`); the validated request
    (a dict from scenario.validate_time), its hours and its day; and where
    to write reasons and checks (a Notes). Out: `decide()`, the decision as
    `ftdsl run --format json` prints it, and `counted`, the hours it counts
    against later requests (`counts`: whether it counts at all). Batch
    evaluation gives its own Inputs and History, which trace what the
    decision reads.

    A request that an allowance or a limit does not hold whole, though it
    has time left in its window, is decided in parts (`in_parts`): the hours
    that fit, and the hours beyond. `upto` is how much of the request a
    decision of one part asks the windows about: the part decided is the
    one that ends `upto` hours into the request, and a window holds it when
    the time counted plus those `upto` hours fits (see docs/scenarios.md,
    "Requests decided in parts").
    """

    def __init__(self, program, inputs, history, request, hours, day, notes=None, upto=None, pools=None,
                 spills=True):
        self.program = program
        self.inputs = inputs
        self.history = history
        self.pools = pools  # the History of each pool the person shares, by holder ('union')
        self.pool = None  # of a request within a pool's allowance: {"shared by": holder, "name": the pool's name}
        # The pools whose rules apply to this request: its time counts in them, and in no other pool.
        self.shared_by = set()
        self.request = request
        self.hours = hours
        self.upto = hours if upto is None else upto
        # The hours into the request where a window it does not hold whole runs out (the time left in it):
        # where the request divides into parts.
        self.cuts = set()
        # Where each cut comes from, for batch evaluation, which works them out again from its running totals:
        # ("most", windows) for the allowances of several periods, the most left in any; ("left", window) for a
        # limit. A window is (categories, period, hours).
        self.cut_windows = []
        self.counted = None
        self.counts = False
        # What the decision counts against later requests, by category: [(category, hours)]; time beyond an
        # allowance that counts as another category (a spill rule) counts as that category.
        self.counted_as = []
        self.spilled = None  # of time decided as another category: (the spill rule, its hours, their decision)
        self.spills = spills  # False for time that has spilled already: it does not spill again
        self.parts = None  # of a decision in parts: (hours, outcome, paid, clauses, pay clauses) for each, in order
        self.day = day
        self.notes = Notes() if notes is None else notes
        self.detailed = self.notes.detailed
        self.category = request["category"]
        self.category_words = program.model.spelt(self.category)  # as the ruleset spells it, for reasons
        self.clauses = []
        self.assumed = {}  # request facts a rule read but the request left out: name -> the value assumed
        # Every read of a value the request left out (an assumed request fact, or 'in working hours', true by
        # default), in order, and by rule (id) the names its condition read so, for its check (explain's '?').
        self.assumed_reads = []
        self.assumed_by = {}

    # ---- reading facts of the request
    def request_fact(self, name):
        request = self.request
        if name == "in working hours":
            if name in request.get("left out", ()):
                self.assumed_reads.append(name)
            return request["in working hours"]
        if name == "notice days":
            if request["notice days"] is None:
                raise MissingFact(name, "request")
            return Fraction(request["notice days"])
        if name == "category":
            return self.category
        if name == "date":  # read from the request, not self.day, so that batch's trace sees a rule read it
            return request["date"].isoformat()
        if name in request["request facts"]:
            return request["request facts"][name]
        fact = self.program.facts_by_name.get(name)
        assumed = None if fact is None else fact.assumed
        if assumed is not None:
            self.assumed[name] = assumed
            self.assumed_reads.append(name)
            return assumed
        raise MissingFact(name, "request")

    def holds(self, rule):
        test = self.program.tests[id(rule)]
        if test is None:
            return True
        reads = len(self.assumed_reads)
        try:
            result = bool(test(self.inputs.fact, self.request_fact, self.inputs.value))
        except MissingFact as missing:
            missing.clauses = (rule.clause,)
            raise
        if len(self.assumed_reads) > reads:
            self.read_assumed(rule, self.assumed_reads[reads:])
        return result

    def read_assumed(self, rule, names):
        """Note that deciding whether `rule` applies read values the request left out (`names`)."""
        self.assumed_by[id(rule)] = tuple(dict.fromkeys((*self.assumed_by.get(id(rule), ()), *names)))

    def cite(self, *clauses):
        for clause in clauses:
            if clause not in self.clauses:
                self.clauses.append(clause)

    def say(self, reason):
        self.notes.say(reason)

    def check(self, rule, kind, passed, detail, text=None, applies=True):
        """Record that a rule was looked at: whether it held, why, and whether it is about this request at all
        (`applies` false: its roles or condition leave the request out), with the values the request left out
        that deciding it read ("assumed": name -> the value taken, only when there are some)."""
        if self.detailed:
            entry = {"clause": rule.clause, "rule": kind, "text": rule.label if text is None else text,
                     "holds": passed, "applies": applies, "detail": detail, "quotes": list(rule.quotes),
                     "rule index": self.program.index[id(rule)]}
            names = self.assumed_by.get(id(rule))
            if names:
                entry["assumed"] = {name: self.request["in working hours"] if name == "in working hours"
                                    else self.assumed[name] for name in names}
            self.notes.check(entry)

    def within(self, categories, period, limit, holder=None):
        """(whether the request fits under `limit` hours in the period, the hours counted before it, the window):
        the only place a decision consults history, the person's own or, for time shared by `holder`, the pool's.
        Without details only the first is read, and the second only when the request does not fit."""
        history = self.history if holder is None else self.pools[holder]
        return history.within(categories, period, limit, self.day, self.upto)

    def pool_name(self, holder):
        """The name of the person's pool shared by `holder`: their value of the fact ('Unison'), or the declared
        pool's own name ('staff side')."""
        if holder in self.program.model.pools:
            return self.program.model.spelt(holder)
        return str(self.inputs.fact(holder))

    def pool_words(self, holder):
        """How reasons name a pool: " shared by the union (Unison)", or "" for the person's own time."""
        if holder is None:
            return ""
        name = self.pool_name(holder)
        spelt = self.program.model.spelt(holder)
        return f" shared by the {spelt}" + ("" if name == spelt else f" ({name})")

    # ---- the decision
    def decide(self):
        """The decision (see the class): of the request whole, or where it straddles a window, in parts."""
        return self.finish(self.decide_whole())

    def finish(self, whole):
        """The decision, from the decision of the request as one (`whole`, from decide_whole)."""
        if self.cuts:
            return self.in_parts(whole)
        self.counts = whole["outcome"] != NOT_ENTITLED
        self.counted = self.hours if self.counts else Fraction(0)
        if self.counts:
            self.counted_as = [(self.counted_category, self.hours)]
        return whole

    @property
    def counted_category(self):
        """The category this decision's time counts as: the request's, or where it spilled, the other one."""
        return self.category if self.spilled is None else self.spilled[0].into

    def decide_whole(self):
        """The decision of the request as one, as if it had no parts (the first `upto` hours of it, for a part)."""
        outcome = self.in_effect()
        if outcome != NOT_ENTITLED:
            outcome = self.requirements()
        pay_override = None
        if outcome != NOT_ENTITLED:
            outcome = self.refusals()
        if outcome != NOT_ENTITLED:
            outcome, pay_override = self.grants()
        if outcome != NOT_ENTITLED and self.spilled is None:
            outcome, pay_override = self.limits(outcome, pay_override)
        if self.spilled is not None:
            return self.spilled_decision()
        if outcome != NOT_ENTITLED:
            outcome = self.notice(outcome)
        if outcome != NOT_ENTITLED:
            outcome = self.stated(outcome)
        paid, pay_clauses = (False, []) if outcome == NOT_ENTITLED else self.pay(pay_override)
        if outcome == NOT_ENTITLED:
            self.say("not entitled, so not paid under the agreement")
        # An assumed value can decide a request, so the reasons say it was assumed.
        for name, value in self.assumed.items():
            self.say(f"the request does not say '{name}', so it is taken as {'yes' if value else 'no'}")
        return {
            "id": self.request["id"],
            "date": self.day.isoformat(),
            "category": self.category,
            "hours": json_number(self.hours),
            "outcome": outcome,
            "paid": paid,
            "clauses": self.clauses,
            "pay clauses": pay_clauses,
            **({} if self.pool is None else {"pool": self.pool}),
            "reasons": self.notes.reasons,
            "checks": self.notes.checks,
        }

    def spill(self, beyond, left):
        """Where a spill rule applies to the time beyond an allowance or a limit (`beyond`; `left`, the time that
        was left in it): that time decided as a request for the category it counts as, kept in `spilled`.
        True when a rule applied."""
        for rule in self.program.rules_of("spill", self.category) if self.spills else ():
            if rule.beyond != beyond:
                continue
            if not self.holds(rule):
                self.check(rule, "spill", False, rule.only_text, applies=False)
                continue
            over = self.upto - left
            request = {**self.request, "category": rule.into}
            beyond_it = Decision(self.program, self.inputs, self.history, request, over, self.day,
                                 Notes() if self.detailed else self.notes, pools=self.pools, spills=False)
            self.spilled = (rule, over, beyond_it.decide_whole())
            self.shared_by |= beyond_it.shared_by
            # Where the time beyond straddles the other category's windows, the request divides there too.
            self.cuts.update(left + cut for cut in beyond_it.cuts)
            into = self.program.model.spelt(rule.into)
            self.cite(rule.clause)
            self.check(rule, "spill", True, f"the {decimal_text(over)} h beyond the {beyond} count as {into}")
            self.say(f"the {decimal_text(over)} h beyond the {beyond} count as {into}, and are decided as "
                     f"{into} ({cited(rule.clause)})")
            return True
        return False

    def spilled_decision(self):
        """The decision of a request whose time beyond an allowance or limit counts as another category: that
        category's outcome and pay, citing the clauses of both (see `spill`)."""
        rule, _, decision = self.spilled
        # A detailed decision of the time beyond writes its own reasons and checks; a quiet one shares ours.
        own = decision["reasons"] is not self.notes.reasons
        return {
            "id": self.request["id"],
            "date": self.day.isoformat(),
            "category": self.category,
            "hours": json_number(self.hours),
            "outcome": decision["outcome"],
            "paid": decision["paid"],
            "clauses": list(dict.fromkeys(self.clauses + decision["clauses"])),
            "pay clauses": decision["pay clauses"],
            "treated as": rule.into,
            "reasons": self.notes.reasons + decision["reasons"] if own else self.notes.reasons,
            "checks": self.notes.checks + decision["checks"] if own else self.notes.checks,
        }

    def in_parts(self, whole):
        """The decision of a request that straddles a window (`whole`, its decision as one, found cuts): each
        part decided as the request would be if it ended where the part ends, parts alike joined.

        A part ends at a cut or at the request's end. The decision of the
        first `upto` hours may find cuts further in (a limit that only time
        within an allowance reaches), so the ends are gathered until no
        decision finds another. Between two ends every window gives the same
        answer, so one decision, at the part's end, decides the whole part.
        Parts next to each other with the same outcome, pay and clauses are
        one part, and so are all the hours not entitled: they are always the
        last, since fewer hours never fare worse.
        """
        decided = {self.upto: (whole, self)}
        pending = sorted(self.cuts)
        while pending:
            end = pending.pop()  # the furthest first, always in the same order
            if end in decided:
                continue
            # A quiet decision's Notes keep nothing, so one serves every part.
            part = Decision(self.program, self.inputs, self.history, self.request, self.hours, self.day,
                            Notes() if self.detailed else self.notes, upto=end, pools=self.pools, spills=self.spills)
            decided[end] = (part.decide_whole(), part)
            pending = sorted(set(pending) | part.cuts)
        parts = []  # [start, end, decision of the part's first stretch, its clauses, the category it counts as]
        start = Fraction(0)
        for end in sorted(decided):
            decision, maker = decided[end]
            if parts and _one_part(parts[-1][2], decision):
                last = parts[-1]
                last[1] = end
                last[3] = list(dict.fromkeys(last[3] + decision["clauses"]))  # not entitled: every clause that said so
            else:
                parts.append([start, end, decision, list(decision["clauses"]), maker.counted_category])
            start = end
        counting = [(category, end - begin) for begin, end, decision, _, category in parts
                    if decision["outcome"] != NOT_ENTITLED]
        self.counted = sum((hours for _, hours in counting), Fraction(0))
        self.counts = bool(counting)
        self.counted_as = counting
        parts = [part[:4] for part in parts]
        if len(parts) == 1:
            return whole
        self.parts = [(end - begin, decision["outcome"], decision["paid"], clauses, decision["pay clauses"])
                      for begin, end, decision, clauses in parts]
        shown = [{"hours": json_number(hours), "outcome": outcome, "paid": paid, "clauses": clauses,
                  "pay clauses": list(pay_clauses),
                  **{key: part[2][key] for key in ("pool", "treated as") if key in part[2]}}
                 for (hours, outcome, paid, clauses, pay_clauses), part in zip(self.parts, parts)]
        reasons = whole["reasons"]
        if self.detailed:
            reasons = list(reasons)
            # The request whole is decided as its last part is; each other part says what differs for it.
            for begin, end, decision, _ in parts:
                own = [reason for reason in decision["reasons"] if reason not in whole["reasons"]]
                if own:
                    reasons.append(f"{self.part_label(begin, end)}: " + "; ".join(own))
        decision = {}
        for key, value in whole.items():
            decision[key] = reasons if key == "reasons" else value
            if key == "pay clauses":
                decision["parts"] = shown
        return decision

    def part_label(self, start, end):
        """How the reasons name a part: "the first 2 h", "the last 1 h", "the 0.5 h after the first 2 h"."""
        if start == 0:
            return f"the first {decimal_text(end)} h"
        if end == self.hours:
            return f"the last {decimal_text(end - start)} h"
        return f"the {decimal_text(end - start)} h after the first {decimal_text(start)} h"

    def in_effect(self):
        """NOT_ENTITLED for a request dated before the agreement takes effect (its 'effective' date), else ENTITLED."""
        effective = self.program.effective
        if effective is not None and self.request_fact("date") < effective:
            self.say(f"the agreement takes effect on {date_words(effective)}, and this request is dated "
                     f"{date_words(self.day.isoformat())}, before it: the agreement does not cover it")
            return NOT_ENTITLED
        return ENTITLED

    def requirements(self):
        for rule in self.program.rules_of("requirement", self.category):
            # A requirement outside its dates asks nothing; inside them, its condition must hold.
            if rule.dates is not None and not rule.dates.holds_on(self.request_fact("date")):
                self.check(rule, "requirement", True, f"only {rule.dates.describe()}", applies=False)
                continue
            if not self.holds(rule):
                self.cite(rule.clause)
                self.say(f"time off{_for(rule)} is given only when {rule.when_text} ({cited(rule.clause)}), "
                         "and here it is not")
                self.check(rule, "requirement", False, f"only when {rule.when_text}")
                return NOT_ENTITLED
            self.check(rule, "requirement", True, f"only when {rule.when_text}")
        return ENTITLED

    def refusals(self):
        """NOT_ENTITLED where a rule says no time is given for the request (its roles and condition met), else ENTITLED."""
        for rule in self.program.rules_of("refusal", self.category):
            if rule.roles is not None:
                roles = self.inputs.fact(self.program.model.roles_fact)
                if roles.isdisjoint(rule.roles):
                    self.check(rule, "refusal", True, "only for " + " or ".join(map(self.program.model.spelt, rule.roles)), applies=False)
                    continue
            if not self.holds(rule):
                self.check(rule, "refusal", True, rule.only_text, applies=False)
                continue
            self.cite(rule.clause)
            self.say(f"the agreement gives no time for {self.category_words}" + _roles_words(rule, self.program.model.spelt)
                     + (f" {rule.only_text.removeprefix('only ')}" if rule.only_text else "") + f" ({cited(rule.clause)})")
            self.check(rule, "refusal", False, "no time is given")
            return NOT_ENTITLED
        return ENTITLED

    def applicable_grants(self):
        applicable = []
        for rule in self.program.rules_of("grant", self.category):
            if rule.roles is not None:
                roles = self.inputs.fact(self.program.model.roles_fact)
                if roles.isdisjoint(rule.roles):
                    self.check(rule, rule.kind, False, "only for " + " or ".join(map(self.program.model.spelt, rule.roles)), applies=False)
                    continue
            if not self.holds(rule):
                self.check(rule, rule.kind, False, rule.only_text, applies=False)
                continue
            applicable.append(rule)
        return applicable

    def grants(self):
        applicable = self.applicable_grants()
        category = self.category
        if not applicable:
            considered = self.program.rules_of("grant", category)
            self.cite(*(r.clause for r in considered))
            if not considered:
                self.say(f"the agreement gives no time for {self.category_words}")
            elif self.detailed:  # the reason is made of the checks, which only a detailed decision records
                why = "; ".join(f"{cited(c['clause'])} gives {c['text']} {c['detail']}" for c in self.notes.checks
                                if c["rule"] in ("allowance", "reasonable", "granted") and not c["holds"])
                self.say(f"no rule gives time for {self.category_words} here: {why}")
            return NOT_ENTITLED, None
        if any(r.kind == "reasonable" for r in applicable):
            rule = next(r for r in applicable if r.kind == "reasonable")
            self.cite(rule.clause)
            self.say(f"the agreement gives reasonable time for {self.category_words} ({cited(rule.clause)}); "
                     f"{decimal_text(self.hours)} h is asked")
            self.check(rule, "reasonable", True, "reasonable time")
            return ENTITLED, None
        # The allowances of one period add up, each person's own apart from each pool's; the person's own first.
        accounts = {}
        self.shared_by.update(r.shared for r in applicable if r.shared is not None)
        for rule in sorted((r for r in applicable if r.kind == "allowance"), key=lambda r: r.shared is not None):
            accounts.setdefault((rule.period, rule.shared), []).append(rule)
        over = []
        windows = []  # the periods' windows, none holding the request
        most_left = Fraction(0)  # the most time left in any period's allowance
        for (period, holder), rules in accounts.items():
            limit = Fraction(0)
            notes = []
            for rule in rules:
                amount = self.quantity_hours(rule.quantity, notes)
                limit += amount
            fits, used, window = self.within((category,), period, limit, holder)
            if not fits:
                windows.append(((category,), period, limit))
                most_left = max(most_left, limit - used)
            arithmetic = (self.arithmetic(used, fits, limit, period, window,
                                          f" for {self.category_words}{self.pool_words(holder)}")
                          if self.detailed else None)
            # The allowance's own clauses first, then the tables that computed it.
            clauses = list(dict.fromkeys([r.clause for r in rules] +
                                         [self.program.computed[r.quantity.value].clause for r in rules if r.quantity.value]))
            for rule in rules:
                self.check(rule, "allowance", fits, arithmetic)
            if fits:
                self.cite(*clauses)
                if holder is not None:
                    self.pool = {"shared by": self.program.model.spelt(holder), "name": self.pool_name(holder)}
                self.say(f"within the allowance: {arithmetic} ({', '.join(map(cited, clauses))})" +
                         "".join(f"; {n}" for n in notes))
                return ENTITLED, None
            over.append((clauses, arithmetic, notes))
        if most_left:
            # The request fits no period whole, but as much as is left in the roomiest is within the agreement.
            self.cuts.add(most_left)
            self.cut_windows.append(("most", tuple(windows)))
        for clauses, arithmetic, notes in over:
            self.cite(*clauses)
            self.say(f"over the allowance: {arithmetic} ({', '.join(map(cited, clauses))})" + "".join(f"; {n}" for n in notes))
        if over and self.spill("allowance", most_left):
            return ENTITLED, None  # decided as the other category (decide_whole)
        granted = [r for r in applicable if r.kind == "granted"]
        if granted:
            rule = granted[0]
            self.cite(rule.clause)
            self.say(f"time for {self.category_words} may be granted at management's discretion ({cited(rule.clause)})")
            self.check(rule, "granted", True, "at management's discretion")
            return DISCRETIONARY, None
        return self.discretion("beyond the allowance")

    def arithmetic(self, used, fits, limit, period, window, scope=""):
        """The sum a window's check shows: "3 h taken + 2 h asked = 5 h ≤ 10 h per month for duties (March 2026)"."""
        total = used + self.upto
        asked = (f"{decimal_text(self.upto)} h asked" if self.upto == self.hours else
                 f"{decimal_text(self.upto)} h of the {decimal_text(self.hours)} h asked")
        return (f"{decimal_text(used)} h taken + {asked} = {decimal_text(total)} h "
                f"{'≤' if fits else '>'} {decimal_text(limit)} h {period.describe()}{scope}"
                f" ({period.describe_window(window)})")

    def quantity_hours(self, quantity, notes):
        """The hours of an allowance's (or a limit's) quantity for this person, with how they were worked out in
        `notes` (for a detailed decision)."""
        if quantity.value is None:
            return quantity.hours
        value = self.inputs.value(quantity.value)
        formula = self.program.formulas.get(quantity.value)
        if formula is not None:
            hours = max(value, Fraction(0)) * quantity.factor  # a formula below zero gives no time
            if self.detailed:
                notes.append(self.working(formula, value, hours))
            return hours
        table = self.program.tables[quantity.value]
        if value is None:
            if self.detailed:
                notes.append(f"no band of {cited(table.clause)} covers {decimal_text(self.inputs.fact(table.by))} "
                             f"{table.by}, so it gives no time")
            return Fraction(0)
        hours = value * quantity.factor
        if not self.detailed:
            return hours
        if table.unit == "FTE":
            notes.append(f"{table.written} is {decimal_text(value)} FTE ({cited(table.clause)}) = {decimal_text(hours)} h "
                         f"per week")
        else:
            notes.append(f"{table.written} is {decimal_text(value)} h ({cited(table.clause)})")
        return hours

    def working(self, formula, value, hours):
        """How a formula gave its value, for a reason: "3 hours for every case, with cases 4: 12 h (§7.1)"."""
        model = self.program.model
        facts, values = formula_reads(formula.formula)
        given = [f"{model.spelt(name)} is {decimal_text(self.inputs.fact(name))}" for name in facts]
        for name in values:
            found = self.inputs.value(name)
            computed = self.program.computed[name]
            given.append(f"{computed.written} is {'none' if found is None else shown(found, computed.unit)}")
        head = formula.text if formula.written == formula.text else f"{formula.written} ({formula.text})"
        text = f"{head}, where {' and '.join(given)}: {shown(value, formula.unit)}"
        if formula.unit == "FTE":
            text += f" = {decimal_text(hours)} h per week"
        if value < 0:
            text += ", below zero, so it gives no time"
        return text + (f" ({cited(formula.clause)})" if formula.clause else "")

    def discretion(self, what):
        for rule in self.program.rules_of("discretion", self.category):
            if self.holds(rule):
                self.cite(rule.clause)
                manner = f" {rule.manner}" if rule.manner else ""
                self.say(f"additional time {what} may be granted{manner} ({cited(rule.clause)})")
                self.check(rule, "discretion", True, "additional time may be granted")
                return DISCRETIONARY, rule.pay
            self.check(rule, "discretion", False, rule.only_text, applies=False)
        self.say(f"the agreement gives no additional time for {self.category_words}")
        return NOT_ENTITLED, None

    def limits(self, outcome, pay_override):
        for rule in self.program.rules_of("limit", self.category):
            if not self.holds(rule):
                continue
            notes = []
            if rule.shared is not None:
                self.shared_by.add(rule.shared)
            hours = rule.hours if rule.quantity is None else self.quantity_hours(rule.quantity, notes)
            fits, used, window = self.within(rule.categories, rule.period, hours, rule.shared)
            arithmetic = (self.arithmetic(used, fits, hours, rule.period, window, self.pool_words(rule.shared))
                          if self.detailed else None)
            working = "".join(f"; {n}" for n in notes)  # how a limit worked out for the person was worked out
            self.check(rule, "limit", fits, arithmetic and arithmetic + working)
            if not fits:
                if hours > used:
                    self.cuts.add(hours - used)  # the time left under the limit is within it
                    self.cut_windows.append(("left", (rule.categories, rule.period, hours)))
                self.cite(rule.clause)
                self.say(f"over the limit of {rule.text}: {arithmetic} ({cited(rule.clause)}){working}")
                if self.spill("limit", max(hours - used, Fraction(0))):
                    return outcome, pay_override  # decided as the other category (decide_whole)
                limited, pay = self.discretion("beyond the limit")
                if _RANK[limited] < _RANK[outcome]:
                    outcome = limited
                pay_override = pay if pay is not None else pay_override
                if outcome == NOT_ENTITLED:
                    return outcome, None
        return outcome, pay_override

    def notice(self, outcome):
        for rule in self.program.rules_of("notice", self.category):
            if not self.holds(rule):
                continue
            given = self.request_fact("notice days") if self.request["notice days"] is not None else None
            if given is None:
                missing = MissingFact("notice days", "request")
                missing.clauses = (rule.clause,)
                raise missing
            met = given >= rule.days
            detail = f"{decimal_text(given)} days' notice given, {rule.days} days asked for"
            self.check(rule, "notice", met, detail)
            if met:
                continue
            self.cite(rule.clause)
            if rule.hard:
                self.say(f"notice too short: {detail}; the agreement requires {rule.text} ({cited(rule.clause)})")
                return NOT_ENTITLED
            self.say(f"notice short of {rule.text}: {detail}, so it is for management to agree "
                     f"({cited(rule.clause)})")
            if outcome == ENTITLED:
                outcome = DISCRETIONARY
        return outcome

    def stated(self, outcome):
        for rule in self.program.rules_of("state", self.category):
            if not self.holds(rule):
                continue
            missing = [f for f in rule.fields if f not in self.request["stated"]]
            self.check(rule, "state", not missing, "states " + ", ".join(rule.fields))
            if not missing:
                continue
            if rule.hard:
                self.cite(rule.clause)
                self.say(f"the request must state its {' and '.join(missing)} ({cited(rule.clause)})")
                return NOT_ENTITLED
            self.say(f"note: a request should state its {' and '.join(missing)} ({cited(rule.clause)})")
        return outcome

    def pay(self, override):
        if override is not None:
            clause = self.clauses[-1] if self.clauses else ""
            if override == "open":
                self.say(f"additional time may be granted with or without pay ({cited(clause)})")
                return None, [clause]
            self.say(f"additional time is {'paid' if override == 'paid' else 'unpaid'} ({cited(clause)})")
            return override == "paid", [clause]
        in_hours = self.request["in working hours"]
        rules = self.program.rules_of("pay", self.category)
        not_met = {}  # id of a pay rule that does not apply -> why, for explanations
        candidates = []
        for rule in rules:
            if rule.outside_hours and in_hours:
                not_met[id(rule)] = "only outside working hours"
                if "in working hours" in self.request.get("left out", ()):
                    self.read_assumed(rule, ("in working hours",))
            elif self.holds(rule):
                candidates.append(rule)
            else:
                not_met[id(rule)] = rule.only_text or "only when its condition holds"
        # The most specific rules that apply decide: outside-hours rules for time
        # outside working hours, and conditional rules over unconditional ones.
        if not in_hours and any(r.outside_hours for r in candidates):
            for r in candidates:
                if not r.outside_hours:
                    not_met[id(r)] = "a rule for time outside working hours applies instead"
            candidates = [r for r in candidates if r.outside_hours]
        if any(r.condition is not None for r in candidates):
            for r in candidates:
                if r.condition is None:
                    not_met[id(r)] = "a rule with a condition that holds applies instead"
            candidates = [r for r in candidates if r.condition is not None]
        if self.detailed:
            for rule in rules:
                why = not_met.get(id(rule))
                self.check(rule, "pay", why is None, why or PAY_WORDS[rule.pay], text=rule.described)
        if not candidates:
            self.say(f"the agreement does not say whether time for {self.category_words} is paid")
            return None, []
        kinds = {r.pay for r in candidates}
        clauses = list(dict.fromkeys(r.clause for r in candidates))
        where = " outside working hours" if not in_hours else ""
        if len(kinds) > 1:
            said = "; ".join(f"{PAY_WORDS[r.pay]}{' when ' + r.when_text if r.condition is not None else ''} "
                             f"({cited(r.clause)})" for r in candidates)
            self.say(f"the pay rules that apply disagree on pay for {self.category_words} ({said}); pay is for "
                     "management to decide")
            return None, clauses
        kind = kinds.pop()
        if kind == "paid":
            self.say(f"time for {self.category_words}{where} is paid ({', '.join(map(cited, clauses))})")
            basis = self.program.model.pay_basis
            if basis:
                self.say(f"paid at what they would have earned; where earnings vary, at average pay over the "
                         f"previous {basis.count} {basis.unit} ({cited(basis.clause)})")
                clauses = list(dict.fromkeys(clauses + [basis.clause]))
            return True, clauses
        if kind == "unpaid":
            self.say(f"time for {self.category_words}{where} is unpaid ({', '.join(map(cited, clauses))})")
            return False, clauses
        self.say(f"time for {self.category_words}{where} is paid subject to management agreement ({', '.join(map(cited, clauses))})")
        return None, clauses


def _one_part(first, then):
    """Whether two stretches of a request next to each other, decided as `first` and `then`, are one part:
    the same outcome, pay and clauses, or both not entitled."""
    if first["outcome"] == NOT_ENTITLED:
        return then["outcome"] == NOT_ENTITLED
    return (first["outcome"], first["paid"], first["clauses"], first["pay clauses"]) == (
        then["outcome"], then["paid"], then["clauses"], then["pay clauses"])


def _roles_words(rule, spelt):
    """' to branch secretary or convenor' for a rule with roles (as `spelt` spells them), '' for one for anyone."""
    return "" if rule.roles is None else " to " + " or ".join(map(spelt, rule.roles))


def _for(rule):
    categories = rule.categories
    return f" for {' and '.join(categories)}" if categories else ""
