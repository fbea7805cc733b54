"""Evaluation: a checked model (model.py) and a scenario in, decisions out.

A Program is a model ready to decide: its rules grouped by the step of a
decision they belong to, and each condition's test (conditions.py). This
module uses the standard library only, so that `ftdsl compile` can copy it
into a standalone module, and so that a cached ruleset runs without Lark.
"""

from fractions import Fraction

from .conditions import build_test
from .model import PAY_WORDS
from .numbers import decimal_text, json_number
from .scenario import QUANTITY_KEYS, Scenario, ScenarioError, Vocabulary, problem, validate_scenario

__all__ = ["ENTITLED", "DISCRETIONARY", "NOT_ENTITLED", "PAY_WORDS", "Program", "ScenarioError", "Scenario",
           "QUANTITY_KEYS"]

ENTITLED = "entitled"
DISCRETIONARY = "discretionary"
NOT_ENTITLED = "not_entitled"
_RANK = {ENTITLED: 2, DISCRETIONARY: 1, NOT_ENTITLED: 0}

class _MissingFact(Exception):
    def __init__(self, name, source):
        self.name = name
        self.source = source


# ---- the program ----------------------------------------------------------------

class Program:
    """A checked model ready to decide scenarios: `decide(scenario dict) -> report dict`."""

    def __init__(self, model, source_name="<ruleset>"):
        self.model = model
        self.source_name = source_name
        self.tables = {t.name: t for t in model.tables}
        self.rules = model.rules
        self.vocabulary = Vocabulary(model)
        self.facts_by_name = {f.name: f for f in model.facts}
        self.counts_outside = model.toil_clause is not None  # time off in lieu counts time outside working hours
        by_kind = {}
        for rule in self.rules:
            by_kind.setdefault(rule.step, []).append(rule)
        self.by_kind = by_kind
        self.tests = {id(rule): build_test(rule.condition) for rule in self.rules}

    def rules_of(self, kind, category=None):
        """The rules of one step of a decision ('grant', 'limit', ...), those about `category` if given."""
        rules = self.by_kind.get(kind, ())
        if category is None:
            return rules
        return [r for r in rules if r.covers(category)]

    def decide(self, data):
        """Decide every request of a scenario dict; return the report dict (see docs/scenarios.md)."""
        scenario = validate_scenario(data, self.vocabulary)
        return self.decide_scenario(scenario)

    def decide_scenario(self, scenario):
        evaluation = _Evaluation(self, scenario)
        return evaluation.run()


class _Evaluation:
    """One scenario's evaluation: facts, values and the history of time counted."""

    def __init__(self, program, scenario):
        self.program = program
        self.scenario = scenario
        self.values = {}
        self.problems = []
        self.day_hours = program.model.working_day
        self.counted = []  # (date, category, hours, in working hours)
        for item in scenario.taken:
            hours = self.hours_of(item, f"taken[{item['order']}]")
            if hours is not None:
                self.counted.append((item["date"], item["category"], hours, item["in working hours"]))

    # ---- reading facts
    def fact(self, name):
        facts = self.scenario.facts
        if name not in facts:
            raise _MissingFact(name, "fact")
        return facts[name]

    def value(self, name):
        if name not in self.values:
            table = self.program.tables[name]
            try:
                count = self.fact(table.by)
            except _MissingFact as missing:
                missing.clauses = (table.clause,)
                raise
            self.values[name] = table.lookup(count)
        return self.values[name]

    def hours_of(self, item, path):
        unit, number = item["quantity"]
        if unit == "hours":
            return number
        if self.day_hours is None:
            self.problems.append(problem(f"{path}.{unit}", f"this agreement does not define a working day, so '{unit}' "
                                          "cannot be converted to hours", 'give the time in "hours"'))
            return None
        return number * self.day_hours * (Fraction(1, 2) if unit == "half days" else 1)

    # ---- the whole scenario
    def run(self):
        decisions = {}
        ordered = sorted(self.scenario.requests, key=lambda r: (r["date"], r["order"]))
        for request in ordered:
            path = f"requests[{request['order']}]"
            hours = self.hours_of(request, path)
            if hours is None:
                continue
            try:
                decision = _RequestDecision(self, request, hours).decide()
            except _MissingFact as missing:
                self.problems.append(self.missingproblem(missing, request, path))
                continue
            decisions[request["order"]] = decision
            if decision["outcome"] != NOT_ENTITLED:
                self.counted.append((request["date"], request["category"], hours, request["in working hours"]))
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

    def missingproblem(self, missing, request, path):
        fact = self.program.facts_by_name.get(missing.name)
        type_name = "value" if fact is None else fact.type
        clauses = getattr(missing, "clauses", ())
        needed_by = f" (§{', §'.join(clauses)} reads it)" if clauses else ""
        if missing.source == "request" or (fact is not None and fact.request):
            return problem(f"{path}.{missing.name}", f"request '{request['id']}' does not give '{missing.name}', which "
                            f"this request needs{needed_by}", f'add "{missing.name}": ... to the request')
        example = {"yes/no": "true", "count": "0", "list of roles": '["representative"]', "date": '"2026-04-01"'}.get(
            type_name, '"..."')
        return problem(f"facts.{missing.name}", f"the scenario does not give '{missing.name}' ({_type_words(type_name)}),"
                        f" which request '{request['id']}' needs{needed_by}", f'add "{missing.name}": {example} to "facts"')

    def report_values(self):
        report = {}
        for name, table in self.program.tables.items():
            entry = {"unit": table.unit, "clauses": [table.clause]}
            try:
                value = self.value(name)
            except _MissingFact as missing:
                entry.update({"value": None, "needs": missing.name})
            else:
                entry["value"] = None if value is None else (float(value) if table.unit == "FTE" else json_number(value))
                entry["exact"] = None if value is None else decimal_text(value)
                if value is None:
                    entry["note"] = f"no band covers {decimal_text(self.fact(table.by))} {table.by}"
            report[table.written] = entry
        return report

    def report_facilities(self):
        """(the facilities whose conditions hold, those whose conditions read a fact the scenario leaves out)."""
        provided, undecided = [], []
        for rule in self.program.by_kind.get("facilities", ()):
            test = self.program.tests[id(rule)]
            try:
                holds = test is None or test(self.fact, _no_request, self.value)
            except _MissingFact as missing:
                # Not silently left out: the reader is told what would decide it.
                undecided.append({"clause": rule.clause, "facilities": rule.text, "needs": missing.name})
                continue
            if holds:
                provided.append({"clause": rule.clause, "facilities": rule.text})
        return provided, undecided


def _no_request(name):
    raise _MissingFact(name, "request")


def _type_words(type_name):
    return {"yes/no": "yes or no", "count": "a whole number", "list of roles": "a list of roles"}.get(
        type_name, f"a {type_name}")


class _RequestDecision:
    """The decision on one request, step by step, with reasons and clauses.

    A quiet decision (`quiet` true, as batch evaluation makes them: its
    output has no reasons) takes every step and cites every clause, but
    writes no reasons and records no checks; its outcome, pay and clauses
    are those of the decision that does.
    """

    quiet = False

    def __init__(self, evaluation, request, hours):
        self.evaluation = evaluation
        self.program = evaluation.program
        self.request = request
        self.hours = hours
        self.category = request["category"]
        self.reasons = []
        self.clauses = []
        self.checks = []
        self.assumed = {}  # request facts a rule read but the request left out: name -> the value assumed

    # ---- reading facts of the request
    def request_fact(self, name):
        request = self.request
        if name == "in working hours":
            return request["in working hours"]
        if name == "notice days":
            if request["notice days"] is None:
                raise _MissingFact(name, "request")
            return Fraction(request["notice days"])
        if name == "category":
            return self.category
        if name == "date":
            return request["date"].isoformat()
        if name in request["request facts"]:
            return request["request facts"][name]
        fact = self.program.facts_by_name.get(name)
        assumed = None if fact is None else fact.assumed
        if assumed is not None:
            self.assumed[name] = assumed
            return assumed
        raise _MissingFact(name, "request")

    def holds(self, rule):
        test = self.program.tests[id(rule)]
        if test is None:
            return True
        try:
            return bool(test(self.evaluation.fact, self.request_fact, self.evaluation.value))
        except _MissingFact as missing:
            missing.clauses = (rule.clause,)
            raise

    def cite(self, *clauses):
        for clause in clauses:
            if clause not in self.clauses:
                self.clauses.append(clause)

    def say(self, reason):
        """Add a reason (unless the decision is quiet: where a reason is costly to build, test `quiet` first)."""
        if not self.quiet:
            self.reasons.append(reason)

    def check(self, rule, kind, passed, detail, text=None, applies=True):
        """Record that a rule was looked at: whether it held, why, and whether it is about this request at all
        (`applies` false: its roles or condition leave the request out)."""
        if self.quiet:
            return
        self.checks.append({"clause": rule.clause, "rule": kind, "text": rule.label if text is None else text,
                            "holds": passed, "applies": applies, "detail": detail, "quotes": list(rule.quotes)})

    def within(self, categories, period, limit):
        """Whether the request fits under `limit` hours in the period, with the hours used before it and the window.

        The only place a decision consults history: batch evaluation
        (batch.py) answers it from running totals and remembers the answers.
        A quiet decision reads only whether it fits (the rest is for its reasons).
        """
        used, window = self.window_hours(categories, period)
        return used + self.hours <= limit, used, window

    def window_hours(self, categories, period):
        """Hours already counted in the period holding the request's date, for these categories."""
        start, end = period.window(self.request["date"], self.program.model.year_start)
        if period.kind == "rolling":
            end = self.request["date"]
        counts_outside = self.program.counts_outside
        total = Fraction(0)
        for day, category, hours, in_hours in self.evaluation.counted:
            if category in categories and start <= day <= end and (in_hours or counts_outside):
                total += hours
        return total, (start, end)

    # ---- the decision
    def decide(self):
        outcome = self.requirements()
        pay_override = None
        if outcome != NOT_ENTITLED:
            outcome, pay_override = self.grants()
        if outcome != NOT_ENTITLED:
            outcome, pay_override = self.limits(outcome, pay_override)
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
            "date": self.request["date"].isoformat(),
            "category": self.category,
            "hours": json_number(self.hours),
            "outcome": outcome,
            "paid": paid,
            "clauses": self.clauses,
            "pay clauses": pay_clauses,
            "reasons": self.reasons,
            "checks": self.checks,
        }

    def requirements(self):
        for rule in self.program.rules_of("requirement", self.category):
            if not self.holds(rule):
                self.cite(rule.clause)
                self.say(f"time off{_for(rule)} is given only when {rule.when_text} (§{rule.clause}), "
                         "and here it is not")
                self.check(rule, "requirement", False, f"only when {rule.when_text}")
                return NOT_ENTITLED
            self.check(rule, "requirement", True, f"only when {rule.when_text}")
        return ENTITLED

    def applicable_grants(self):
        applicable = []
        for rule in self.program.rules_of("grant", self.category):
            if rule.roles is not None:
                roles = self.evaluation.fact(self.program.model.roles_fact)
                if roles.isdisjoint(rule.roles):
                    self.check(rule, rule.kind, False, "only for " + " or ".join(rule.roles), applies=False)
                    continue
            if not self.holds(rule):
                self.check(rule, rule.kind, False, f"only when {rule.when_text}", applies=False)
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
                self.say(f"the agreement gives no time for {category}")
            elif not self.quiet:  # the reason is made of the checks, which a quiet decision does not record
                why = "; ".join(f"§{c['clause']} gives {c['text']} {c['detail']}" for c in self.checks
                                if c["rule"] in ("allowance", "reasonable", "granted") and not c["holds"])
                self.say(f"no rule gives time for {category} here: {why}")
            return NOT_ENTITLED, None
        if any(r.kind == "reasonable" for r in applicable):
            rule = next(r for r in applicable if r.kind == "reasonable")
            self.cite(rule.clause)
            self.say(f"the agreement gives reasonable time for {category} (§{rule.clause}); "
                     f"{decimal_text(self.hours)} h is asked")
            self.check(rule, "reasonable", True, "reasonable time")
            return ENTITLED, None
        pools = {}
        for rule in applicable:
            if rule.kind == "allowance":
                pools.setdefault(rule.period, []).append(rule)
        over = []
        for period, rules in pools.items():
            limit = Fraction(0)
            notes = []
            for rule in rules:
                amount = self.allowance_hours(rule, notes)
                limit += amount
            fits, used, window = self.within((category,), period, limit)
            arithmetic = None if self.quiet else self.arithmetic(used, fits, limit, period, window, f" for {category}")
            # The allowance's own clauses first, then the tables that computed it.
            clauses = list(dict.fromkeys([r.clause for r in rules] +
                                         [self.program.tables[r.quantity.value].clause for r in rules if r.quantity.value]))
            for rule in rules:
                self.check(rule, "allowance", fits, arithmetic)
            if fits:
                self.cite(*clauses)
                self.say(f"within the allowance: {arithmetic} (§{', §'.join(clauses)})" +
                         "".join(f"; {n}" for n in notes))
                return ENTITLED, None
            over.append((clauses, arithmetic, notes))
        for clauses, arithmetic, notes in over:
            self.cite(*clauses)
            self.say(f"over the allowance: {arithmetic} (§{', §'.join(clauses)})" + "".join(f"; {n}" for n in notes))
        granted = [r for r in applicable if r.kind == "granted"]
        if granted:
            rule = granted[0]
            self.cite(rule.clause)
            self.say(f"time for {category} may be granted at management's discretion (§{rule.clause})")
            self.check(rule, "granted", True, "at management's discretion")
            return DISCRETIONARY, None
        return self.discretion("beyond the allowance")

    def arithmetic(self, used, fits, limit, period, window, scope=""):
        """The sum a window's check shows: "3 h taken + 2 h asked = 5 h ≤ 10 h per month for duties (March 2026)"."""
        total = used + self.hours
        return (f"{decimal_text(used)} h taken + {decimal_text(self.hours)} h asked = {decimal_text(total)} h "
                f"{'≤' if fits else '>'} {decimal_text(limit)} h {period.describe()}{scope}"
                f" ({period.describe_window(window)})")

    def allowance_hours(self, rule, notes):
        quantity = rule.quantity
        if quantity.value is None:
            return quantity.hours
        value = self.evaluation.value(quantity.value)
        table = self.program.tables[quantity.value]
        if value is None:
            if not self.quiet:
                notes.append(f"no band of §{table.clause} covers {decimal_text(self.evaluation.fact(table.by))} "
                             f"{table.by}, so it gives no time")
            return Fraction(0)
        hours = value * quantity.factor
        if self.quiet:
            return hours
        if table.unit == "FTE":
            notes.append(f"{table.written} is {decimal_text(value)} FTE (§{table.clause}) = {decimal_text(hours)} h "
                         f"per week")
        else:
            notes.append(f"{table.written} is {decimal_text(value)} h (§{table.clause})")
        return hours

    def discretion(self, what):
        for rule in self.program.rules_of("discretion", self.category):
            if self.holds(rule):
                self.cite(rule.clause)
                manner = f" {rule.manner}" if rule.manner else ""
                self.say(f"additional time {what} may be granted{manner} (§{rule.clause})")
                self.check(rule, "discretion", True, "additional time may be granted")
                return DISCRETIONARY, rule.pay
            self.check(rule, "discretion", False, f"only when {rule.when_text}", applies=False)
        self.say(f"the agreement gives no additional time for {self.category}")
        return NOT_ENTITLED, None

    def limits(self, outcome, pay_override):
        for rule in self.program.rules_of("limit", self.category):
            if not self.holds(rule):
                continue
            fits, used, window = self.within(rule.categories, rule.period, rule.hours)
            arithmetic = None if self.quiet else self.arithmetic(used, fits, rule.hours, rule.period, window)
            self.check(rule, "limit", fits, arithmetic)
            if not fits:
                self.cite(rule.clause)
                self.say(f"over the limit of {rule.text}: {arithmetic} (§{rule.clause})")
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
                missing = _MissingFact("notice days", "request")
                missing.clauses = (rule.clause,)
                raise missing
            met = given >= rule.days
            detail = f"{decimal_text(given)} days' notice given, {rule.days} days asked for"
            self.check(rule, "notice", met, detail)
            if met:
                continue
            self.cite(rule.clause)
            if rule.hard:
                self.say(f"notice too short: {detail}; the agreement requires {rule.text} (§{rule.clause})")
                return NOT_ENTITLED
            self.say(f"notice short of {rule.text}: {detail}, so it is for management to agree "
                     f"(§{rule.clause})")
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
                self.say(f"the request must state its {' and '.join(missing)} (§{rule.clause})")
                return NOT_ENTITLED
            self.say(f"note: a request should state its {' and '.join(missing)} (§{rule.clause})")
        return outcome

    def pay(self, override):
        if override is not None:
            clause = self.clauses[-1] if self.clauses else ""
            if override == "open":
                self.say(f"additional time may be granted with or without pay (§{clause})")
                return None, [clause]
            self.say(f"additional time is {'paid' if override == 'paid' else 'unpaid'} (§{clause})")
            return override == "paid", [clause]
        in_hours = self.request["in working hours"]
        rules = self.program.rules_of("pay", self.category)
        not_met = {}  # id of a pay rule that does not apply -> why, for explanations
        candidates = []
        for rule in rules:
            if rule.outside_hours and in_hours:
                not_met[id(rule)] = "only outside working hours"
            elif self.holds(rule):
                candidates.append(rule)
            else:
                not_met[id(rule)] = f"only when {rule.when_text or 'its condition holds'}"
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
        if not self.quiet:
            for rule in rules:
                why = not_met.get(id(rule))
                self.check(rule, "pay", why is None, why or PAY_WORDS[rule.pay], text=rule.described)
        if not candidates:
            self.say(f"the agreement does not say whether time for {self.category} is paid")
            return None, []
        kinds = {r.pay for r in candidates}
        clauses = list(dict.fromkeys(r.clause for r in candidates))
        where = " outside working hours" if not in_hours else ""
        if len(kinds) > 1:
            said = "; ".join(f"{PAY_WORDS[r.pay]}{' when ' + r.when_text if r.condition is not None else ''} "
                             f"(§{r.clause})" for r in candidates)
            self.say(f"the pay rules that apply disagree on pay for {self.category} ({said}); pay is for "
                     "management to decide")
            return None, clauses
        kind = kinds.pop()
        if kind == "paid":
            self.say(f"time for {self.category}{where} is paid (§{', §'.join(clauses)})")
            basis = self.program.model.pay_basis
            if basis:
                self.say(f"paid at what they would have earned; where earnings vary, at average pay over the "
                         f"previous {basis.count} {basis.unit} (§{basis.clause})")
                clauses = list(dict.fromkeys(clauses + [basis.clause]))
            return True, clauses
        if kind == "unpaid":
            self.say(f"time for {self.category}{where} is unpaid (§{', §'.join(clauses)})")
            return False, clauses
        self.say(f"time for {self.category}{where} is paid subject to management agreement (§{', §'.join(clauses)})")
        return None, clauses


def _for(rule):
    categories = rule.categories
    return f" for {' and '.join(categories)}" if categories else ""
