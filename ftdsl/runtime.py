"""Evaluation: a checked model (model.py) and a scenario in, decisions out.

A Program is a model ready to decide: its rules grouped by the step of a
decision they belong to, and each condition's test (conditions.py). This
module uses the standard library only, so that `ftdsl compile` can copy it
into a standalone module, and so that a cached ruleset runs without Lark.
"""

import datetime
import json
from fractions import Fraction

from .conditions import build_test
from .model import PAY_WORDS
from .numbers import decimal_text, json_number

ENTITLED = "entitled"
DISCRETIONARY = "discretionary"
NOT_ENTITLED = "not_entitled"
_RANK = {ENTITLED: 2, DISCRETIONARY: 1, NOT_ENTITLED: 0}

SCENARIO_KEYS = ("facts", "taken", "requests", "expect", "description", "name", "comment", "notes")
QUANTITY_KEYS = ("hours", "days", "half days")
# Past this, a quantity is a typing slip, not a request (a year is 8,760 hours).
LARGEST_HOURS = Fraction(10 ** 6)


class ScenarioError(Exception):
    """A scenario the ruleset cannot decide: every problem found, each with
    where it is in the scenario (`path`), what is wrong and what to write."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(p["message"] for p in self.problems))


class _MissingFact(Exception):
    def __init__(self, name, source):
        self.name = name
        self.source = source


def name_key(text):
    """Names match whatever their case, spacing or apostrophe style."""
    return " ".join(str(text).replace("\u2019", "'").replace("\u00a0", " ").lower().split())


def _problem(path, message, hint=None):
    problem = {"path": path, "message": message}
    if hint:
        problem["hint"] = hint
    return problem


def _suggest(word, choices):
    import difflib  # only when something is misspelt: every run imports this module

    close = difflib.get_close_matches(name_key(word), sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


# ---- scenario validation --------------------------------------------------------

class Scenario:
    """A validated scenario: facts by name, time taken, requests in file order."""

    def __init__(self, facts, taken, requests):
        self.facts = facts
        self.taken = taken
        self.requests = requests


class Vocabulary:
    """What a ruleset declares, in the shape validation needs: facts (model.FactDef) by name, and name sets."""

    def __init__(self, model):
        self.facts = {f.name: f for f in model.facts if not f.request}
        self.request_facts = {f.name: f for f in model.facts if f.request}
        self.categories = set(model.categories)
        self.roles = set(model.roles)
        self.staff_groups = set(model.staff_groups)
        self.state_fields = sorted({field for rule in model.states for field in rule.fields})


def validate_scenario(data, vocabulary):
    """Check a scenario dict against the ruleset's vocabulary; return a Scenario or raise ScenarioError."""
    problems = []
    if not isinstance(data, dict):
        raise ScenarioError([_problem("", "a scenario is a JSON object with 'facts', 'taken' and 'requests'",
                                      'for example {"facts": {...}, "taken": [], "requests": [...]}')])
    for key in data:
        if key not in SCENARIO_KEYS:
            problems.append(_problem(key, f"unknown section '{key}'",
                                     _suggest(key, SCENARIO_KEYS) or "a scenario has 'facts', 'taken' and 'requests'"))
    facts = _validate_facts(data.get("facts", {}), vocabulary, problems)
    taken = []
    raw_taken = data.get("taken", [])
    if not isinstance(raw_taken, list):
        problems.append(_problem("taken", "'taken' must be a list of time already taken", 'write "taken": []'))
        raw_taken = []
    for index, item in enumerate(raw_taken):
        entry = _validate_time(item, f"taken[{index}]", vocabulary, problems, is_request=False)
        if entry is not None:
            entry["order"] = index
            taken.append(entry)
    requests = []
    raw_requests = data.get("requests", [])
    if "requests" not in data:
        problems.append(_problem("requests", "the scenario has no 'requests' to decide",
                                 'add "requests": [{"id": "r1", "date": "2026-03-20", "category": "duties", "hours": 3}]'))
    elif not isinstance(raw_requests, list):
        problems.append(_problem("requests", "'requests' must be a list", 'write "requests": [ {...}, {...} ]'))
        raw_requests = []
    seen_ids = {}
    for index, item in enumerate(raw_requests):
        entry = _validate_time(item, f"requests[{index}]", vocabulary, problems, is_request=True)
        if entry is None:
            continue
        if entry["id"] is None:
            entry["id"] = str(index + 1)
        if entry["id"] in seen_ids:
            problems.append(_problem(f"requests[{index}].id", f"the id '{entry['id']}' is used twice",
                                     f"it is also the id of requests[{seen_ids[entry['id']]}]; give each request its own id"))
        seen_ids[entry["id"]] = index
        entry["order"] = index
        requests.append(entry)
    if problems:
        raise ScenarioError(problems)
    return Scenario(facts, taken, requests)


def _validate_facts(raw, vocabulary, problems):
    facts = {}
    if not isinstance(raw, dict):
        problems.append(_problem("facts", "'facts' must be an object of fact names and values",
                                 'for example "facts": {"staff group": "teaching"}'))
        return facts
    for given_name, value in raw.items():
        key = name_key(given_name)
        fact = vocabulary.facts.get(key)
        if fact is None:
            if key in vocabulary.request_facts:
                problems.append(_problem(f"facts.{given_name}", f"'{given_name}' is a fact of each request, not of the scenario",
                                         f"move it into each request: \"{given_name}\": ..."))
            else:
                problems.append(_problem(f"facts.{given_name}", f"this ruleset has no fact '{given_name}'",
                                         _suggest(key, vocabulary.facts) or
                                         "facts it reads: " + ", ".join(sorted(vocabulary.facts))))
            continue
        converted = convert_value(value, fact.type, vocabulary, f"facts.{given_name}", problems)
        if converted is not _INVALID:
            facts[key] = converted
    return facts


_INVALID = object()


def convert_value(value, type_name, vocabulary, path, problems):
    """A JSON value converted to the runtime's form for a fact type, or _INVALID (with a problem recorded)."""
    def bad(expected, hint=None):
        problems.append(_problem(path, f"must be {expected}, not {_show(value)}", hint))
        return _INVALID

    if type_name == "yes/no":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and name_key(value) in ("yes", "no", "true", "false"):
            return name_key(value) in ("yes", "true")
        return bad("yes or no (true or false)")
    if type_name == "count":
        if isinstance(value, bool) or not isinstance(value, int):
            return bad("a whole number (0, 1, 2, ...)", "write the number without quotes or decimals")
        if value < 0:
            return bad("0 or more")
        return Fraction(value)
    if type_name == "number":
        number = _exact(value)
        return bad("a number") if number is None else number
    if type_name == "date":
        parsed = _date(value)
        if parsed is None:
            problems.append(_problem(path, _date_message(value), 'for example "2026-03-20"'))
            return _INVALID
        return parsed.isoformat()
    if type_name == "text":
        return value if isinstance(value, str) else bad("text in quotes")
    if type_name in ("staff group", "role", "category"):
        choices = {"staff group": vocabulary.staff_groups, "role": vocabulary.roles,
                   "category": vocabulary.categories}[type_name]
        if not isinstance(value, str):
            return bad(f"the name of a {type_name}")
        if name_key(value) not in choices:
            problems.append(_problem(path, f"unknown {type_name} '{value}'",
                                     _suggest(value, choices) or f"{type_name}s: " + ", ".join(sorted(choices))))
            return _INVALID
        return name_key(value)
    if type_name == "list of roles":
        if isinstance(value, str):
            return bad("a list of roles", f'write ["{value}"]')
        if not isinstance(value, list):
            return bad("a list of roles", 'for example ["representative"]')
        roles = []
        for index, role in enumerate(value):
            if not isinstance(role, str):
                problems.append(_problem(f"{path}[{index}]", f"must be the name of a role, not {_show(role)}"))
                return _INVALID
            if name_key(role) not in vocabulary.roles:
                problems.append(_problem(f"{path}[{index}]", f"unknown role '{role}'",
                                         _suggest(role, vocabulary.roles) or "roles: " + ", ".join(sorted(vocabulary.roles))))
                return _INVALID
            roles.append(name_key(role))
        return frozenset(roles)
    return bad(type_name)


def _show(value):
    """A value as it is written in JSON, cut short if long."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _date_message(value):
    """Why a scenario's date is not a date, in the calendar's words where it can."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-" \
            and (value[:4] + value[5:7] + value[8:]).isdigit():
        year, month, day = int(value[:4]), int(value[5:7]), int(value[8:])
        if not 1 <= month <= 12:
            return f'must be a real date written YYYY-MM-DD: there is no month {month} in "{value}"'
        month_name = datetime.date(2000, month, 1).strftime("%B")
        return f'must be a real date written YYYY-MM-DD: {month_name} {year} has no day {day} ("{value}")'
    return f"must be a real date written YYYY-MM-DD, not {_show(value)}"


def _exact(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    # repr() of a float is the shortest decimal that reads back as it, so
    # 0.1 becomes exactly 1/10 rather than the binary float's long tail.
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


def _number_in_text(text):
    """The number a text holds ("3", "7.5"), or None."""
    try:
        number = float(text)
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def _date(value):
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def _validate_time(item, path, vocabulary, problems, is_request):
    """One entry of 'taken' or 'requests', validated; None if it has problems."""
    before = len(problems)
    what = "a request" if is_request else "time taken"
    if not isinstance(item, dict):
        problems.append(_problem(path, f"must be an object describing {what}",
                                 '{"date": "2026-03-02", "category": "duties", "hours": 4}'))
        return None
    allowed = {"id", "date", "category", "in working hours", "note", "comment"} | set(QUANTITY_KEYS)
    if is_request:
        allowed |= {"notice days"} | set(vocabulary.request_facts) | set(vocabulary.state_fields)
    entry = {"id": None, "in working hours": True, "notice days": None, "request facts": {}, "stated": set()}
    for given, value in item.items():
        key = name_key(given)
        if key not in allowed:
            hint = _suggest(key, allowed)
            if key == "notice days" and not is_request:
                hint = "notice belongs to requests, not to time already taken"
            problems.append(_problem(f"{path}.{given}", f"unknown field '{given}' in {what}",
                                     hint or "fields: " + ", ".join(sorted(allowed))))
            continue
        field_path = f"{path}.{given}"
        if key == "id":
            if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value) == "":
                problems.append(_problem(field_path, f"the id must be text or a number, not {_show(value)}"))
            else:
                entry["id"] = str(value)
        elif key == "date":
            parsed = _date(value)
            if parsed is None:
                problems.append(_problem(field_path, _date_message(value),
                                         'for example "2026-03-20"'))
            else:
                entry["date"] = parsed
        elif key == "category":
            if not isinstance(value, str) or name_key(value) not in vocabulary.categories:
                problems.append(_problem(field_path, f"unknown category {_show(value)}",
                                         (_suggest(value, vocabulary.categories) if isinstance(value, str) else None)
                                         or "categories: " + ", ".join(sorted(vocabulary.categories))))
            else:
                entry["category"] = name_key(value)
        elif key in QUANTITY_KEYS:
            number = _exact(value)
            if number is None or number < 0:
                hint = None
                if isinstance(value, str) and _exact(_number_in_text(value)) is not None:
                    hint = f"write the number without quotes: {value.strip()}"
                problems.append(_problem(field_path, f"must be a number, 0 or more, not {_show(value)}", hint))
            elif number > LARGEST_HOURS:
                problems.append(_problem(field_path, f"{_show(value)} {key} is far more than a year holds",
                                         "check the number"))
            else:
                if "quantity" in entry:
                    problems.append(_problem(field_path, f"{what} gives both '{entry['quantity'][0]}' and '{key}'",
                                             "give exactly one of hours, days or half days"))
                entry["quantity"] = (key, number)
        elif key == "in working hours":
            # Read as any yes/no fact is, so "yes" means here what it means in facts.
            in_hours = convert_value(value, "yes/no", vocabulary, field_path, problems)
            if in_hours is not _INVALID:
                entry["in working hours"] = in_hours
        elif key == "notice days":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                problems.append(_problem(field_path, f"must be a whole number of days, 0 or more, not {_show(value)}"))
            else:
                entry["notice days"] = value
        elif key in vocabulary.request_facts:
            converted = convert_value(value, vocabulary.request_facts[key].type, vocabulary, field_path, problems)
            if converted is not _INVALID:
                entry["request facts"][key] = converted
        elif key in vocabulary.state_fields:
            if not isinstance(value, str) or not value.strip():
                problems.append(_problem(field_path, f"must be text, not {_show(value)}"))
            else:
                entry["stated"].add(key)
    for required in ("date", "category"):
        if required not in entry and not any(name_key(k) == required for k in item):
            problems.append(_problem(path, f"{what} has no '{required}'",
                                     'for example "date": "2026-03-20"' if required == "date" else
                                     'for example "category": "duties"'))
    if "quantity" not in entry and not any(name_key(k) in QUANTITY_KEYS for k in item):
        problems.append(_problem(path, f"{what} gives no amount of time", 'give one of "hours", "days" or "half days"'))
    if len(problems) > before:
        return None
    return entry


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
            self.problems.append(_problem(f"{path}.{unit}", f"this agreement does not define a working day, so '{unit}' "
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
                self.problems.append(self.missing_problem(missing, request, path))
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

    def missing_problem(self, missing, request, path):
        fact = self.program.facts_by_name.get(missing.name)
        type_name = "value" if fact is None else fact.type
        clauses = getattr(missing, "clauses", ())
        needed_by = f" (§{', §'.join(clauses)} reads it)" if clauses else ""
        if missing.source == "request" or (fact is not None and fact.request):
            return _problem(f"{path}.{missing.name}", f"request '{request['id']}' does not give '{missing.name}', which "
                            f"this request needs{needed_by}", f'add "{missing.name}": ... to the request')
        example = {"yes/no": "true", "count": "0", "list of roles": '["representative"]', "date": '"2026-04-01"'}.get(
            type_name, '"..."')
        return _problem(f"facts.{missing.name}", f"the scenario does not give '{missing.name}' ({_type_words(type_name)}),"
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
