"""Testing rulesets: paths in, results of running scenario files with expectations out.

A test is a scenario file with an "expect" section (docs/testing.md):

    "expect": {"r1": {"outcome": "entitled", "paid": true, "clauses": ["6.12"]},
               "values": {"branch secretary release": 2.0}}

Only the keys given are compared. For a ruleset DIR/NAME.ftr the tests are
DIR/examples/NAME/*.json. Coverage says which rules no test exercised: a
rule is exercised when a tested request was decided by it (see
`_Coverage` for exactly what counts).

>>> ruleset_for("rulesets/examples/westminster/teacher-bands.json")
'rulesets/westminster.ftr'
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from fractions import Fraction

import attrs

from .errors import Diagnostic, FtdslError, Span, did_you_mean
from .display import visible
from .model import FURTHER
from .scenario import name_key

OUTCOMES = ("entitled", "discretionary", "not_entitled")
# Keys of a decision a test may expect; the lists compare in any order.
DECISION_KEYS = ("outcome", "paid", "clauses", "pay clauses", "hours", "category", "date")
LIST_KEYS = ("clauses", "pay clauses")
VALUES = "values"  # reserved in "expect": expected computed values, not a request id


# ---- finding tests ---------------------------------------------------------------

@attrs.frozen
class Suite:
    """A ruleset and the test files found for it."""

    ruleset: str
    tests: tuple[str, ...]


def tests_for(ruleset: str) -> tuple[str, ...]:
    """The test files of DIR/NAME.ftr: DIR/examples/NAME/*.json, sorted."""
    folder, file = os.path.split(ruleset)
    examples = os.path.join(folder, "examples", os.path.splitext(file)[0])
    if not os.path.isdir(examples):
        return ()
    return tuple(sorted(os.path.join(examples, name) for name in os.listdir(examples)
                        if name.endswith(".json") and not name.startswith(".")))


def ruleset_for(test: str) -> str | None:
    """The ruleset a test file DIR/examples/NAME/x.json belongs to: DIR/NAME.ftr (None if not in that layout)."""
    folder = os.path.dirname(test)
    examples = os.path.dirname(folder)
    if os.path.basename(examples) != "examples":
        return None
    return os.path.join(os.path.dirname(examples), os.path.basename(folder) + ".ftr")


def discover(paths) -> list[Suite]:
    """Suites for PATHs: a ruleset (its tests), a test file (its ruleset), or a folder (every ruleset in it)."""
    from .source import ruleset_paths

    suites: dict[str, list[str]] = {}
    for path in paths:
        if path.endswith(".json") and not os.path.isdir(path):
            ruleset = ruleset_for(path)
            if ruleset is None:
                raise FtdslError(Diagnostic("E001", f"'{path}' is not in a folder examples/NAME beside a ruleset NAME.ftr",
                                            hint="put a ruleset's tests in DIR/examples/NAME/ for DIR/NAME.ftr"))
            suites.setdefault(ruleset, []).append(path)
            continue
        for ruleset in ruleset_paths([path]):
            suites.setdefault(ruleset, []).extend(tests_for(ruleset))
    return [Suite(ruleset, tuple(dict.fromkeys(tests))) for ruleset, tests in suites.items()]


# ---- results ---------------------------------------------------------------------

@attrs.frozen
class Mismatch:
    """One expectation not met: where (a request or a value), the key, both sides, and the decision's reasons."""

    where: str
    key: str
    expected: object
    got: object
    reasons: tuple[str, ...] = ()


@attrs.frozen
class TestResult:
    """One test file: 'passed', 'failed', 'error' or 'no expectations'."""

    path: str
    status: str
    mismatches: tuple[Mismatch, ...] = ()
    error: FtdslError | None = attrs.field(default=None, eq=False)
    requests: int = 0


@attrs.frozen
class Uncovered:
    """A rule (or a band of a table) no test exercised, as the ruleset writes it."""

    clause: str
    text: str
    span: Span | None = None


@attrs.frozen
class SuiteResult:
    ruleset: str
    results: tuple[TestResult, ...] = ()
    rules: int = 0  # how many rules coverage counts
    uncovered: tuple[Uncovered, ...] = ()
    error: FtdslError | None = attrs.field(default=None, eq=False)

    @property
    def failed(self) -> bool:
        return any(r.status == "failed" for r in self.results)

    @property
    def errors(self) -> bool:
        return self.error is not None or any(r.status == "error" for r in self.results)


# ---- running ---------------------------------------------------------------------

def run_suite(suite: Suite) -> SuiteResult:
    """Load the ruleset, run every test file against it, and measure coverage."""
    from .api import load_ruleset

    try:
        ruleset = load_ruleset(suite.ruleset)
    except FtdslError as error:
        return SuiteResult(suite.ruleset, error=error)
    coverage = _Coverage(ruleset)
    results = []
    for path in suite.tests:
        result, report, data = run_test(ruleset, path)
        if report is not None and result.status in ("passed", "failed"):
            coverage.record(report, data)
        results.append(result)
    return SuiteResult(suite.ruleset, tuple(results), coverage.total, tuple(coverage.uncovered()))


def run_test(ruleset, path: str):
    """Run one test file; return (TestResult, the decisions report or None, the scenario dict or None)."""
    from .api import load_scenario
    from .source import read_text

    try:
        data = load_scenario(path)
        report = ruleset.decide(data, path)
        if not isinstance(data.get("expect"), (dict, type(None))) or "expect" not in data:
            if "expect" in data:
                raise _expect_error(path, read_text(path), "expect", "'expect' must be an object of request ids",
                                    'for example "expect": {"r1": {"outcome": "entitled"}}')
            return TestResult(path, "no expectations", requests=len(report["decisions"])), report, data
        # Read again with exact decimals, so that 0.1 FTE is compared as 1/10.
        text = read_text(path)
        expect = json.loads(text, parse_float=Decimal)["expect"]
        mismatches = compare(expect, report, path, text)
    except FtdslError as error:
        return TestResult(path, "error", error=error), None, None
    status = "failed" if mismatches else "passed"
    return TestResult(path, status, tuple(mismatches), requests=len(report["decisions"])), report, data


def compare(expect: dict, report: dict, path: str = "<test>", text: str | None = None) -> list[Mismatch]:
    """Every expectation the report does not meet; FtdslError (E301) for an expectation that cannot be read."""
    decisions = {d["id"]: d for d in report["decisions"]}
    mismatches = []
    for key, expected in expect.items():
        if key == VALUES:
            mismatches.extend(_compare_values(expected, report, path, text))
            continue
        if key not in decisions:
            raise _expect_error(path, text, f"expect.{key}", f"there is no request with the id '{key}'",
                                did_you_mean(key, decisions, "request ids"))
        if not isinstance(expected, dict):
            raise _expect_error(path, text, f"expect.{key}", "must be an object of expected values",
                                'for example {"outcome": "entitled", "paid": true}')
        decision = decisions[key]
        for field, value in expected.items():
            if field not in DECISION_KEYS:
                raise _expect_error(path, text, f"expect.{key}.{field}", f"'{field}' is not part of a decision",
                                    did_you_mean(field, DECISION_KEYS, "keys"))
            if field == "outcome" and value not in OUTCOMES:
                raise _expect_error(path, text, f"expect.{key}.outcome", f"'{value}' is not an outcome",
                                    "outcomes: " + ", ".join(OUTCOMES))
            if not _same(field, value, decision[field]):
                mismatches.append(Mismatch(f"request {key}", field, value, decision[field], tuple(decision["reasons"])))
    return mismatches


def _same(field: str, expected, got) -> bool:
    if field in LIST_KEYS and isinstance(expected, list):
        return sorted(map(str, expected)) == sorted(map(str, got))
    if field == "hours" and isinstance(expected, (int, Decimal)) and not isinstance(expected, bool):
        return Fraction(str(expected)) == Fraction(str(got))
    return expected == got


def _compare_values(expected, report, path, text) -> list[Mismatch]:
    if not isinstance(expected, dict):
        raise _expect_error(path, text, "expect.values", "must be an object of value names and numbers",
                            'for example "values": {"branch secretary release": 2.0}')
    values = {name_key(name): (name, entry) for name, entry in report["values"].items()}
    mismatches = []
    for name, value in expected.items():
        if name_key(name) not in values:
            raise _expect_error(path, text, f"expect.values.{name}", f"the ruleset computes no value '{name}'",
                                did_you_mean(name, [n for n, _ in values.values()], "values"))
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, Decimal))):
            raise _expect_error(path, text, f"expect.values.{name}", "must be a number (or null for no value)")
        display, entry = values[name_key(name)]
        exact = entry.get("exact")
        got = None if entry.get("value") is None else exact
        if value is None:
            same = got is None
        else:
            same = got is not None and not got.startswith("≈") and Fraction(got) == Fraction(str(value))
        if not same:
            shown = "no value" + (f" (needs '{entry['needs']}')" if entry.get("needs") else
                                  f" ({entry['note']})" if entry.get("note") else "")
            unit = "FTE" if entry["unit"] == "FTE" else "h"
            mismatches.append(Mismatch(f"value '{display}'", "value", value, shown if got is None else f"{got} {unit}"))
    return mismatches


def _expect_error(path, text, where, message, hint=None) -> FtdslError:
    line, column = _locate(text, where.split(".")[1] if "." in where else where)
    return FtdslError(Diagnostic("E301", f"{where}: {message}", Span(path, line, column), hint=hint),
                      {path: text} if text else {})


def _locate(text: str | None, key: str) -> tuple[int, int]:
    """Where a key of the expect section is written (line 0 when it cannot be found: the file is named alone)."""
    if not text:
        return 0, 0
    start = text.find('"expect"')
    at = text.find(json.dumps(key), max(start, 0))
    if start < 0 or at < 0:
        return 0, 0
    return text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)


# ---- coverage ---------------------------------------------------------------------

class _Coverage:
    """Which rules the tests exercised.

    A rule counts as exercised when a tested request was decided with it:
    - time-giving rules, discretion, limits, notice, what a request must
      state and requirements: the decision checked the rule and it applied
      (for a rule giving time: the person held one of its roles and its
      condition held; a requirement counts whether it was met or not);
    - pay rules: a decision in one of its categories cites it for pay;
    - facilities: a tested scenario was given them;
    - band tables: each row (and the 'then a further' line) on its own,
      when a tested scenario's count falls in it.
    Rules with the same clause and the same wording count together.
    """

    def __init__(self, ruleset):
        self.ruleset = ruleset
        self.model = ruleset.model
        self.lines = ruleset.text.splitlines()
        self.hit: set = set()
        self.items = self.collect()

    def collect(self) -> list[tuple[object, str, str, Span | None]]:
        """(key, clause, text, span) for everything coverage counts."""
        items = []
        model = self.model
        for rule in model.rules:
            if rule.step == "pay":
                key = ("pay", rule.clause, rule.described)
            elif rule.step == "facilities":
                key = ("facilities", rule.clause, rule.text)
            else:
                kind = rule.kind if rule.step == "grant" else rule.step  # a grant's checks name its kind
                key = ("check", rule.clause, kind, rule.label)
            items.append((key, rule.clause, self.source_text(rule.span, rule), rule.span))
        for table in model.tables:
            for row in table.rows:
                items.append((("row", table.name, row.low, row.high), table.clause,
                              f"§{table.clause} {table.display or table.name}, band {self.line_text(row.span) or row.text}",
                              row.span))
            if table.step is not None:
                items.append((("row", table.name, "further"), table.clause,
                              f"§{table.clause} {table.display or table.name}, past the last band (then a further ...)",
                              table.span))
        return items

    def line_text(self, span) -> str | None:
        if span is None or not 0 < span.line <= len(self.lines):
            return None
        return self.lines[span.line - 1].strip()

    def source_text(self, span, rule) -> str:
        text = self.line_text(span)
        return text if text else f"§{rule.clause} {rule.label or rule.step}"

    @property
    def total(self) -> int:
        return len(self.items)

    def record(self, report: dict, scenario: dict) -> None:
        for decision in report["decisions"]:
            for check in decision.get("checks", ()):
                if check["rule"] == "pay":
                    if check["holds"]:  # the pay rule that decided the pay
                        self.hit.add(("pay", check["clause"], check["text"]))
                elif check["applies"]:
                    self.hit.add(("check", check["clause"], check["rule"], check["text"]))
        for item in report.get("facilities", ()):
            self.hit.add(("facilities", item["clause"], item["facilities"]))
        facts = {name_key(k): v for k, v in (scenario.get("facts") or {}).items()}
        for table in self.model.tables:
            count = facts.get(table.by)
            if isinstance(count, int) and not isinstance(count, bool):
                self.hit.add(_band(table, count))

    def uncovered(self) -> list[Uncovered]:
        return [Uncovered(clause, text, span) for key, clause, text, span in self.items if key not in self.hit]


def _band(table, count: int):
    """The coverage key of the row a count falls in, as the runtime looks it up."""
    band = table.band(count)
    if band is None:
        return None
    if band is FURTHER:
        return ("row", table.name, "further")
    return ("row", table.name, band.low, band.high)


# ---- rendering --------------------------------------------------------------------

def render(results: list[SuiteResult], show_coverage: bool = True) -> str:
    """Results as text: one line per test, failures with expected and got and the reasons, then coverage.

    Every text from a ruleset, a scenario or a path is shown with its control characters made visible
    (display.visible), so a request id holding a line break cannot start a line of its own."""
    lines = []
    counts = {"passed": 0, "failed": 0, "error": 0, "no expectations": 0}
    for suite in results:
        lines.append(visible(suite.ruleset))
        if suite.error is not None:
            lines.append(_indent(suite.error.render(), "  "))
            counts["error"] += 1
            continue
        if not suite.results:
            folder = os.path.join(os.path.dirname(suite.ruleset), "examples",
                                  os.path.splitext(os.path.basename(suite.ruleset))[0])
            lines.append(f"  no tests (put them in {visible(folder)}/)")
        for result in suite.results:
            counts[result.status] += 1
            label = {"passed": "ok", "failed": "FAIL", "error": "ERROR", "no expectations": "ran"}[result.status]
            note = " (no expectations)" if result.status == "no expectations" else ""
            lines.append(f"  {label:<5} {visible(result.path)}{note}")
            if result.error is not None:
                lines.append(_indent(result.error.render(), "        "))
            lines.extend(_mismatch_lines(result.mismatches))
        if show_coverage and suite.rules:
            exercised = suite.rules - len(suite.uncovered)
            lines.append(f"  coverage: {exercised} of {suite.rules} rules and bands exercised")
            for item in suite.uncovered:
                where = f"{visible(item.span.file)}:{item.span.line}: " if item.span else ""
                lines.append(f"    not exercised: {where}{visible(item.text)}")
    summary = ", ".join(f"{number} {word}" for word, number in counts.items() if number or word == "passed")
    lines.append(summary)
    return "\n".join(lines) + "\n"


def _mismatch_lines(mismatches) -> list[str]:
    lines = []
    shown_reasons = set()
    for mismatch in mismatches:
        lines.append(f"        {visible(mismatch.where)}: {visible(mismatch.key)}: expected "
                     f"{visible(_show(mismatch.expected))}, got {visible(_show(mismatch.got))}")
        if mismatch.reasons and mismatch.where not in shown_reasons:
            shown_reasons.add(mismatch.where)
            lines.append("          because:")
            lines.extend(f"            - {visible(reason)}" for reason in mismatch.reasons)
    return lines


def _show(value) -> str:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str) and (value.startswith("no value") or value.endswith((" h", " FTE"))):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.splitlines())
