"""Explanations: a loaded ruleset and a scenario in, the reasoning behind each decision out.

The tree for a request has the steps the runtime takes (who may have time
off, the time given, limits, notice, what the request states, pay), each
rule in them with whether it applied and why not, the arithmetic, and the
agreement's own words where the ruleset quotes them; for a request decided
in parts, its parts. Last come the
smallest changes to the request that would change the outcome, found by
deciding variants of the scenario through Program.decide_scenario: the
exact number of hours (a search over multiples of 1/D, where D is a common
denominator of every quantity in play, so the answer is exact), the notice
that would have been enough, the fields a request must state, working
hours, and yes/no request facts.

`explain(...)` returns plain data (the JSON form); `to_text` draws it.
"""

from __future__ import annotations

import copy
import datetime
import math
from fractions import Fraction

from . import runtime
from .api import Ruleset, decide
from .colour import paint, style
from .errors import Diagnostic, FtdslError, Span
from .model import cited, date_words
from .numbers import decimal_text, json_number
from .report import OUTCOME_STYLES, outcome_words, part_text, pay_words
from .scenario import LARGEST_HOURS, Scenario, ScenarioError, validate_scenario
from .wrapping import wrap_lines

RANK = {runtime.NOT_ENTITLED: 0, runtime.DISCRETIONARY: 1, runtime.ENTITLED: 2}
SHORT = {runtime.ENTITLED: "ENTITLED", runtime.DISCRETIONARY: "DISCRETIONARY", runtime.NOT_ENTITLED: "NOT ENTITLED"}

# The steps of a decision in the order the runtime takes them, with the
# kinds of rule each step weighs.
STEPS = (
    ("requirements", "who may have time off", ("requirement", "refusal")),
    ("grants", "time given", ("grant", "discretion", "spill")),
    ("limits", "limits", ("limit",)),
    ("notice", "notice", ("notice",)),
    ("statements", "what the request states", ("state",)),
)
CHECK_STEP = {"requirement": 0, "refusal": 0, "allowance": 1, "reasonable": 1, "granted": 1, "discretion": 1, "spill": 1,
              "limit": 2,
              "notice": 3, "state": 4}


def explain(ruleset: Ruleset, scenario: dict, request_id: str | None = None,
            scenario_name: str = "<scenario>", scenario_text: str | None = None) -> dict:
    """The explanation tree of every decision (or of one request) as JSON-ready data.

    Raises FtdslError for a scenario the ruleset cannot decide (at the line of its file's text, if given),
    or an id no request has.
    """
    program = ruleset.program
    report = decide(program, scenario, scenario_name, scenario_text)
    validated = validate_scenario(scenario, program.vocabulary)
    ids = [r["id"] for r in validated.requests]
    if request_id is not None and str(request_id) not in ids:
        raise FtdslError(Diagnostic("E302", f"the scenario has no request with the id '{request_id}'",
                                    Span(scenario_name, 0, 0), hint="ids in this scenario: " + ", ".join(ids)))
    searcher = _Variants(program, validated)
    explained = []
    for position, decision in enumerate(report["decisions"]):
        if request_id is not None and decision["id"] != str(request_id):
            continue
        explained.append(_explain_decision(program, decision, searcher, position))
    return {"agreement": report.get("agreement"), "values": report.get("values", {}), "requests": explained}


# ---- the tree of one decision ------------------------------------------------------------

def _explain_decision(program, decision, searcher, position) -> dict:
    category = decision["category"]
    checks = decision["checks"]
    reached = _steps_reached(decision)
    steps = []
    for index, (name, title, kinds) in enumerate(STEPS):
        rules = [r for kind in kinds for r in program.rules_of(kind, category)]
        if not rules:
            continue
        nodes = [_rule_node(program, rule, checks, index < reached, decision["outcome"]) for rule in rules]
        steps.append({"step": name, "title": title if name != "grants" else f"time given for {category}",
                      "rules": nodes})
        treated_as = decision.get("treated as")
        if name == "grants" and treated_as is not None:  # the time beyond, decided as another category (a spill)
            nodes = [_rule_node(program, rule, checks, True, decision["outcome"])
                     for kind in kinds for rule in program.rules_of(kind, treated_as)]
            steps.append({"step": "treated as", "title": f"time given for {treated_as}, which the time beyond "
                          "counts as", "rules": nodes})
    steps.append({"step": "pay", "title": "pay", "rules": _pay_nodes(program, decision)})
    exact = searcher.hours(position)
    explained = {
        "id": decision["id"], "date": decision["date"], "category": category,
        "hours": decision["hours"], "exact hours": decimal_text(exact),
        "outcome": decision["outcome"], "paid": decision["paid"], "clauses": decision["clauses"],
    }
    if "parts" in decision:  # a request decided in parts (see runtime.Decision.in_parts)
        explained["parts"] = decision["parts"]
    explained.update(steps=steps, reasons=decision["reasons"], changes=searcher.changes(position, decision))
    return explained


def _steps_reached(decision) -> int:
    """How many steps the runtime took: all of them unless it stopped at 'not entitled'."""
    if decision["outcome"] != runtime.NOT_ENTITLED or not decision["checks"]:
        return len(STEPS)
    return max(CHECK_STEP.get(c["rule"], 0) for c in decision["checks"]) + 1


def _rule_node(program, rule, checks, reached, outcome) -> dict:
    """A rule's node in the tree, from the checks that name it (by its Program.index); `reached`: whether the
    runtime took the rule's step, `outcome` the decision's."""
    kind = rule.kind if rule.step == "grant" else rule.step  # a grant's checks name its kind ("allowance")
    node = {"clause": rule.clause, "rule": kind, "text": rule.label, "quotes": list(rule.quotes)}
    number = program.index[id(rule)]
    mine = [c for c in checks if c["rule index"] == number]
    if mine:
        check = mine[-1]
        node["holds"] = check["holds"]
        node["status"], node["why"] = _status(check)
        return _marked(program, node, rule, check, outcome)
    node["holds"] = None
    if not reached:
        node["status"], node["why"] = "not reached", "an earlier step decided the request"
    elif rule.step in ("limit", "notice", "state") and rule.condition is not None:
        node["holds"] = False
        node["status"], node["why"] = "does not apply", f"only when {rule.when_text}"
    else:
        node["status"], node["why"] = "not needed", "another rule decided this step"
    return _marked(program, node, rule, None, outcome)


# What a rule's node says of it (its "mark"), by how it counted in the decision; the statuses of a rule
# that did not count at all.
MET, BROKEN, NOT_APPLYING, NOTE = "met", "broken", "does not apply", "note"
PASSED_BY = ("does not apply", "not reached", "not needed")


def _marked(program, node, rule, check, outcome) -> dict:
    """The node with its mark, and the values the request left out that deciding the rule assumed.

    A rule not met is broken when it is part of why the request is not
    simply entitled; it is a note when the request is entitled all the
    same, or when the rule cannot change an outcome (a 'should state' rule,
    which only asks)."""
    if node["status"] in PASSED_BY:
        node["mark"] = NOT_APPLYING
    elif node["holds"]:
        node["mark"] = MET
    elif (rule.step == "state" and not rule.hard) or outcome == runtime.ENTITLED:
        node["mark"] = NOTE
    else:
        node["mark"] = BROKEN
    assumed = (check or {}).get("assumed")
    if assumed:
        node["assumed"] = [_assumption(program, name, value) for name, value in assumed.items()]
    return node


def _assumption(program, name: str, value: bool) -> dict:
    """A value a rule read that the request left out: the fact, the value taken, and why that value."""
    words = "yes" if value else "no"
    if name == "in working hours":
        return {"fact": name, "value": value, "assumed": "assumed the time is in working hours",
                "why": "the request does not say, and a request is in working hours unless it says otherwise"}
    fact = program.facts_by_name.get(name)
    spelt = fact.display if fact is not None and fact.display else name
    where = f" ({fact.span.file} line {fact.span.line})" if fact is not None and fact.span else ""
    return {"fact": name, "value": value, "assumed": f"assumed '{spelt}' is {words}",
            "why": f"the request does not say, and the ruleset declares it 'assumed {words}'{where}"}


def _status(check) -> tuple[str, str]:
    detail = check["detail"]
    kind = check["rule"]
    if kind == "state":
        fields = detail.removeprefix("states ")
        return ("met", f"the request states {fields}") if check["holds"] else (
            "not met", f"the request should state {fields}")
    if not check["applies"]:
        return "does not apply", detail
    if kind == "refusal":
        return "refuses", detail
    if check["holds"]:
        return {"requirement": "met", "allowance": "within", "limit": "within", "notice": "met",
                "state": "met"}.get(kind, "applies"), detail
    return {"allowance": "exceeded", "limit": "exceeded"}.get(kind, "not met"), detail


def _pay_nodes(program, decision) -> list[dict]:
    nodes = []
    # Time beyond an allowance that counts as another category is paid as that category is.
    for rule in program.rules_of("pay", decision.get("treated as", decision["category"])):
        node = {"clause": rule.clause, "rule": "pay", "text": rule.label, "quotes": list(rule.quotes)}
        number = program.index[id(rule)]
        check = next((c for c in decision["checks"] if c["rule index"] == number), None)
        if decision["outcome"] == runtime.NOT_ENTITLED:
            node.update(holds=None, status="not reached", why="not entitled, so not paid under the agreement")
        elif check is None:  # the discretion that granted the time said how it is paid
            node.update(holds=None, status="not needed", why="the rule that granted the time says how it is paid")
        elif check["holds"]:
            node.update(holds=True, status="applies", why=check["detail"])
        else:
            node.update(holds=False, status="does not apply", why=check["detail"])
        nodes.append(_marked(program, node, rule, check, decision["outcome"]))
    return nodes


# ---- what would change the outcome -----------------------------------------------------

class _Variants:
    """Decides variants of one request of a validated scenario, to find the smallest change that matters."""

    def __init__(self, program, scenario):
        self.program = program
        self.scenario = scenario
        self._history = {}
        self._counted = None
        self.denominator = _common_denominator(program, scenario)

    def hours(self, position) -> Fraction:
        """A request's exact hours, as the runtime converts them."""
        unit, number = self.scenario.requests[position]["quantity"]
        hours = self.program.model.hours_of(unit, number)
        return Fraction(number) if hours is None else Fraction(hours)

    def outcome(self, position, change) -> str | None:
        """The outcome of the request at `position` after `change(request)`; None if it cannot be decided."""
        target = self.scenario.requests[position]
        changed = copy.deepcopy(target)
        change(changed)
        variant = Scenario(self.scenario.facts, self.history(position), [changed], self.scenario.pool_taken)
        try:
            report = self.program.decide_scenario(variant)
        except ScenarioError:
            return None
        return report["decisions"][0]["outcome"]

    def history(self, position) -> list:
        """The time counted before the request at `position`: what was taken, and the earlier requests
        (by date, then file order) that were not refused, which the runtime counts just as if taken.
        Deciding one request against this is the same as deciding it within the whole scenario."""
        if position not in self._history:
            target = self.scenario.requests[position]
            counted = self.counted()
            earlier = []
            for r in self.scenario.requests:
                if (r["date"], r["order"]) >= (target["date"], target["order"]) or r["order"] not in counted:
                    continue
                # As the runtime counts it: of a request decided in parts, the hours of the parts not refused;
                # time beyond an allowance that counts as another category, as that category.
                for category, hours in counted[r["order"]]:
                    earlier.append(r if (category, hours) == (r["category"], self.hours(r["order"])) else
                                   {**r, "category": category, "quantity": ("hours", hours)})
            self._history[position] = list(self.scenario.taken) + earlier
        return self._history[position]

    def counted(self) -> dict:
        """What each request of the scenario counts against later ones, [(category, hours)], by its order (those
        that count at all), as the runtime counts them (Decision.counted_as)."""
        if self._counted is None:
            counted = {}
            self.program.decide_scenario(self.scenario, detailed=False, counted=counted)
            self._counted = {order: entries for order, entries in counted.items() if entries}
        return self._counted

    def with_hours(self, position, hours):
        def change(request):
            request["quantity"] = ("hours", hours)
        return self.outcome(position, change)

    def changes(self, position, decision) -> list[dict]:
        found = []
        current = RANK[decision["outcome"]]
        found.extend(self.fewer_hours(position, current))
        found.extend(self.more_hours(position, current))
        found.extend(self.more_notice(position, decision, current))
        found.extend(self.toggles(position, decision, current))
        found.extend(self.other_dates(position, decision, current))
        return found

    def other_dates(self, position, decision, current) -> list[dict]:
        """The nearest day a dated rule (or the agreement's effective date) would decide the request better on."""
        request = self.scenario.requests[position]
        day = request["date"]
        before, after = set(), set()
        effective = self.program.effective
        if effective is not None:
            after.add(datetime.date.fromisoformat(effective))
        for rule in self.program.rules:
            dates = getattr(rule, "dates", None)
            if dates is None or not rule.covers(decision["category"]):
                continue
            if dates.start is not None:
                after.add(datetime.date.fromisoformat(dates.start))
            if dates.end is not None:
                before.add(datetime.date.fromisoformat(dates.end))
        found = []
        for days, words in ((sorted(d for d in after if d > day), "on or after"),
                            (sorted((d for d in before if d < day), reverse=True), "on or before")):
            for other in days:
                def change(r, other=other):
                    r["date"] = other
                outcome = self.outcome(position, change)
                if outcome is not None and RANK[outcome] > current:
                    found.append({"change": "date", "from": day.isoformat(), "to": other.isoformat(),
                                  "outcome": outcome,
                                  "text": f"{SHORT[outcome]} if made {words} {date_words(other.isoformat())}"})
                    break  # the nearest such day is the one to say
        return found

    def _largest(self, position, low: int, high: int, rank: int) -> int:
        """The largest k in [low, high) with outcome rank >= rank at k/D, given it holds at low and not at high."""
        while high - low > 1:
            middle = (low + high) // 2
            outcome = self.with_hours(position, Fraction(middle, self.denominator))
            if outcome is not None and RANK[outcome] >= rank:
                low = middle
            else:
                high = middle
        return low

    def fewer_hours(self, position, current) -> list[dict]:
        asked = self.hours(position)
        found = []
        top = round(asked * self.denominator)
        for rank in range(current + 1, 3):
            at_zero = self.with_hours(position, Fraction(0))
            if at_zero is None or RANK[at_zero] < rank or top == 0:
                continue
            best = Fraction(self._largest(position, 0, top, rank), self.denominator)
            if best == 0:
                continue  # only a request for no time at all would do
            outcome = self.with_hours(position, best)
            fewer = asked - best
            found.append({"change": "hours", "from": json_number(asked), "to": json_number(best),
                          "exact": str(best), "outcome": outcome,
                          "text": f"{SHORT[outcome]} if {decimal_text(fewer)} h fewer were asked "
                                  f"({decimal_text(best)} h)"})
            if outcome == runtime.ENTITLED:
                break
        return found

    def more_hours(self, position, current) -> list[dict]:
        """How much more could be asked before the outcome gets worse (none for reasonable time)."""
        if current == 0:
            return []
        asked = self.hours(position)
        start = round(asked * self.denominator)
        ceiling = LARGEST_HOURS * self.denominator
        at_ceiling = self.with_hours(position, Fraction(ceiling, self.denominator))
        if at_ceiling is not None and RANK[at_ceiling] >= current:
            return []
        most = Fraction(self._largest(position, start, ceiling, current), self.denominator)
        just_over = self.with_hours(position, most + Fraction(1, self.denominator))
        if just_over is None:
            return []
        return [{"change": "hours", "from": json_number(asked), "to": json_number(most), "exact": str(most),
                 "outcome": just_over,
                 "text": f"{SHORT[just_over]} if more than {decimal_text(most)} h were asked "
                         + (f"({decimal_text(most - asked)} h more than now)" if most > asked
                            else "(the request is exactly at the limit)")}]

    def more_notice(self, position, decision, current) -> list[dict]:
        request = self.scenario.requests[position]
        given = request["notice days"]
        if given is None or not any(c["rule"] == "notice" and not c["holds"] for c in decision["checks"]):
            return []
        thresholds = sorted({r.days for r in self.program.rules_of("notice", decision["category"])
                             if r.days > given})
        found = []
        best = current
        for days in thresholds:
            def change(r, days=days):
                r["notice days"] = days
            outcome = self.outcome(position, change)
            if outcome is not None and RANK[outcome] > best:
                best = RANK[outcome]
                found.append({"change": "notice days", "from": given, "to": days, "outcome": outcome,
                              "text": f"{SHORT[outcome]} if asked {days - given} day{'s' if days - given != 1 else ''} "
                                      f"earlier ({days} days' notice)"})
        return found

    def toggles(self, position, decision, current) -> list[dict]:
        request = self.scenario.requests[position]
        found = []
        missing = sorted({f for r in self.program.rules_of("state", decision["category"]) for f in r.fields}
                         - request["stated"])
        if missing and any(c["rule"] == "state" and not c["holds"] for c in decision["checks"]):
            outcome = self.outcome(position, lambda r: r["stated"].update(missing))
            if outcome is not None and RANK[outcome] > current:
                found.append({"change": "stated", "to": missing, "outcome": outcome,
                              "text": f"{SHORT[outcome]} if the request stated its {' and '.join(missing)}"})
        if not request["in working hours"]:
            outcome = self.outcome(position, lambda r: r.__setitem__("in working hours", True))
            if outcome is not None and RANK[outcome] > current:
                found.append({"change": "in working hours", "from": False, "to": True, "outcome": outcome,
                              "text": f"{SHORT[outcome]} if the time were in working hours"})
        for name, fact in sorted(self.program.vocabulary.request_facts.items()):
            if fact.type != "yes/no":
                continue
            now = request["request facts"].get(name, fact.assumed)
            flipped = not now if now is not None else True

            def change(r, name=name, flipped=flipped):
                r["request facts"][name] = flipped
            outcome = self.outcome(position, change)
            if outcome is not None and RANK[outcome] > current:
                found.append({"change": "request fact", "fact": name, "from": now, "to": flipped, "outcome": outcome,
                              "text": f"{SHORT[outcome]} if '{name}' were {'yes' if flipped else 'no'}"})
        return found


def _common_denominator(program, scenario) -> int:
    """A D such that every limit minus hours used is a multiple of 1/D: the lcm of the
    denominators of every product of two quantities in the ruleset and scenario."""
    model = program.model
    atoms = {Fraction(1)}
    for amount in (model.working_day, model.working_week):
        if amount is not None:
            atoms.add(amount)
    if model.working_day is not None:
        atoms.add(model.working_day / 2)
    for grant in model.grants:
        if grant.quantity is not None:
            atoms.update(a for a in (grant.quantity.hours, grant.quantity.factor) if a is not None)
    atoms.update(limit.hours for limit in model.limits if limit.hours is not None)
    for table in model.tables:
        atoms.update(row.value for row in table.rows)
        if table.step is not None:
            atoms.add(table.step)
    for item in list(scenario.taken) + list(scenario.requests):
        atoms.add(Fraction(item["quantity"][1]))
    # A formula's value depends on the person: it is worked out from this scenario's facts.
    inputs = runtime.Inputs(program, scenario.facts)
    for name in program.formulas:
        try:
            atoms.add(inputs.value(name))
        except runtime.MissingFact:
            pass  # the decision reports the missing fact
    denominator = 1
    for a in atoms:
        for b in atoms:
            denominator = math.lcm(denominator, (a * b).denominator)
    return denominator


# ---- text -------------------------------------------------------------------------------

ASSUMED = "assumed"
# Each mark of the tree: its sign, its colour, and what it means, in the order the legend lists them.
MARKS = {
    MET: ("✓", "met", "met, or applies"),
    BROKEN: ("✗", "unmet", "broken: not met, so the request is not simply entitled"),
    NOTE: ("!", "warning", "a note: not met, but it does not change the outcome"),
    NOT_APPLYING: ("·", "dim", "does not apply to this person or request (or was not needed)"),
    ASSUMED: ("?", "hint", "a value assumed because the request left it out"),
}


def to_text(explanation: dict, width: int | None = None, colour: bool = False) -> str:
    """The explanation as an indented tree a negotiator can follow.

    With a `width`, every line is wrapped to it (wrapping.py), each line it
    wraps onto keeping the tree's lines and indentation; with `colour`, the
    outcomes and the marks are coloured (colour.py), the text otherwise the same.
    """
    lines = []
    if explanation.get("agreement"):
        lines.append(("", style(explanation["agreement"], "heading"), ""))
        lines.append("")
    for request in explanation["requests"]:
        head = (f"Request {request['id']} ({request['date']}, {request['category']}, {request['exact hours']} h): "
                f"{outcome_words(request['outcome'])}, {pay_words(request['paid'])}")
        lines.append(("", head, "│ "))
        clauses = ", ".join(f"{cited(c)}" for c in request["clauses"])
        if clauses:
            lines.append(("│ ", f"decided by {clauses}", "│   "))
        said = set()  # the assumptions already given with their reason, in this request's tree
        sections = [(step["title"], [_rule_lines(rule, said) for rule in step["rules"]]) for step in request["steps"]]
        if request.get("parts"):
            sections.append(("decided in parts, by the time left", [[part_text(part)] for part in request["parts"]]))
        changes = [[_change_text(change)] for change in request["changes"]]
        sections.append(("what would change the outcome", changes or [["no single change to this request would"]]))
        for number, (title, items) in enumerate(sections):
            last_section = number == len(sections) - 1
            stem = "   " if last_section else "│  "
            lines.append(("└─ " if last_section else "├─ ", title[0].upper() + title[1:], stem + "   "))
            for index, item in enumerate(items):
                last_item = index == len(items) - 1
                below = stem + ("   " if last_item else "│  ")
                lines.append((stem + ("└─ " if last_item else "├─ "), item[0], below + "  "))
                for extra in item[1:]:  # a line under the item, wrapped under its text past its opening sign
                    text, hang = extra if isinstance(extra, tuple) else (extra, " ")
                    lines.append((below + "   ", text, below + "   " + hang))
        lines.append("")
    used = {rule["mark"] for request in explanation["requests"] for step in request["steps"]
            for rule in step["rules"]}
    if any(rule.get("assumed") for request in explanation["requests"] for step in request["steps"]
           for rule in step["rules"]):
        used.add(ASSUMED)
    if used:
        lines.append(("", "Marks:", "      "))
        lines.extend(("  ", f"{_sign(mark)} {meaning}", "    ") for mark, (_, _, meaning) in MARKS.items()
                     if mark in used)
    return paint(wrap_lines(lines, width), colour)


def _sign(mark: str) -> str:
    """A mark's sign, coloured."""
    sign, colour, _ = MARKS[mark]
    return style(sign, colour)


def _change_text(change: dict) -> str:
    """A change's words, the outcome it leads to coloured."""
    text, short = change["text"], SHORT.get(change.get("outcome"))
    if short and text.startswith(short + " "):
        return style(short, OUTCOME_STYLES[change["outcome"]]) + text[len(short):]
    return text


def _rule_lines(rule: dict, said: set) -> list:
    """A rule's node as lines: its mark, clause, words and status, then what it assumed (why, the first time
    in a request's tree: `said` holds those given), then the agreement's words where the rule counted."""
    text = f" {rule['text']}" if rule["text"] else ""
    head = f"{_sign(rule['mark'])} {cited(rule['clause'])}{text}: {rule['status']}"
    why = rule.get("why", "")
    passed_by = rule["status"] in ("does not apply", "not reached", "not needed")
    # A requirement's detail repeats its text ("only when employed by council").
    if why and why != rule["status"] and why not in rule["text"]:
        head += f" ({why})" if passed_by else f": {why}"
    # The agreement's words are quoted where the rule counted; the JSON form keeps every quote.
    assumed = []
    for assumption in rule.get("assumed", ()):
        why = " (as above)" if assumption["assumed"] in said else f": {assumption['why']}"
        said.add(assumption["assumed"])
        assumed.append((f"{_sign(ASSUMED)} {assumption['assumed']}{why}", "  "))
    return [head, *assumed] + ([] if passed_by else [f"“{quote}”" for quote in rule["quotes"]])
