"""Testing rulesets: paths in, results of running scenario files with expectations out.

A test is a scenario file with an "expect" section (docs/testing.md):

    "expect": {"r1": {"outcome": "entitled", "paid": true, "clauses": ["6.12"], "hours": "1.5 days"},
               "values": {"branch secretary release": 2.0}}

Only the keys given are compared. Outcomes may be written as the text
output prints them ("not entitled", in any case) and amounts in the
agreement's own units ("1.5 days", "0.5 FTE"), converted by the ruleset's
working day (Model.hours_of) and compared exactly. For a ruleset
DIR/NAME.ftr the tests are DIR/examples/NAME/*.json. Coverage says which
rules no test exercised: a rule is exercised when a tested request was
decided by it (see `_Coverage` for exactly what counts).

>>> ruleset_for("rulesets/examples/westminster/teacher-bands.json")
'rulesets/westminster.ftr'
"""

from __future__ import annotations

import json
import os
import re
import time
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import attrs

from .display import visible, visible_lines
from .errors import Diagnostic, FtdslError, Span, did_you_mean
from .json_places import find, line_column
from .model import FURTHER, cited
from .numbers import decimal_text
from .report import OUTCOME_WORDS
from .scenario import exact_number, name_key

OUTCOMES = ("entitled", "discretionary", "not_entitled")
# Every way an expectation may name an outcome, once put in lower case with '_' read as a space and runs of
# spaces as one: the JSON name ("not_entitled") and the words the text output prints ("NOT ENTITLED").
OUTCOME_FORMS = {form: outcome for outcome in OUTCOMES
                 for form in (outcome.replace("_", " "), OUTCOME_WORDS[outcome].casefold())}
# The units an expected amount may be written in, spelt as a ruleset spells them (and 'h' as ftdsl prints
# hours), by the unit Model.hours_of converts from; FTE is the unit of a band table's shares of the week.
TIME_UNITS = {"hour": "hours", "hours": "hours", "h": "hours",
              "day": "days", "days": "days", "working day": "days", "working days": "days",
              "whole day": "days", "whole days": "days",
              "half day": "half days", "half days": "half days"}
FTE = "FTE"
# Units of the language an expectation does not take: a request's or a value's amount is not a number of weeks.
OTHER_UNITS = ("week", "weeks", "working week", "working weeks", "minute", "minutes")
# Keys of a decision a test may expect; the lists compare in any order.
DECISION_KEYS = ("outcome", "paid", "clauses", "pay clauses", "hours", "category", "date", "parts")
# Keys of one part of a decision in parts a test may expect (in the list form of "parts").
PART_KEYS = ("hours", "outcome", "paid", "clauses", "pay clauses")
PARTS_HINT = ('give the hours of each outcome, such as {"entitled": "2 hours", "discretionary": "1 hour"}, or the '
              'parts in order, such as [{"hours": 2, "outcome": "entitled"}, {"hours": 1, "outcome": "discretionary"}]')
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
    examples = examples_folder(ruleset)
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


# A folder holding a file of this name is not looked in by a folder's walk: fixtures of rulesets and tests
# that are meant to fail (docs/testing.md).
NOT_TESTED = ".ftdsl-no-test"


def discover(paths) -> list[Suite]:
    """Suites for PATHs: a ruleset (its tests), a test file (its ruleset), or a folder (every ruleset under it
    that has an examples folder, as `tested_under` finds them)."""
    suites: dict[str, list[str]] = {}
    for path in paths:
        if path.endswith(".json") and not os.path.isdir(path):
            ruleset = ruleset_for(path)
            if ruleset is None:
                raise FtdslError(Diagnostic("E001", f"'{path}' is not in a folder examples/NAME beside a ruleset NAME.ftr",
                                            hint="put a ruleset's tests in DIR/examples/NAME/ for DIR/NAME.ftr"))
            suites.setdefault(ruleset, []).append(path)
            continue
        for ruleset in tested_under(path) if os.path.isdir(path) else [path]:
            suites.setdefault(ruleset, []).extend(tests_for(ruleset))
    return [Suite(ruleset, tuple(dict.fromkeys(tests))) for ruleset, tests in suites.items()]


def examples_folder(ruleset: str) -> str:
    """Where the tests of DIR/NAME.ftr live: DIR/examples/NAME."""
    folder, file = os.path.split(ruleset)
    return os.path.join(folder, "examples", os.path.splitext(file)[0])


def tested_under(folder: str) -> list[str]:
    """The rulesets under `folder` that have an examples folder (DIR/examples/NAME/ for DIR/NAME.ftr), sorted.

    The walk does not go into hidden folders (.git, .venv) nor into a folder
    that holds a file named NOT_TESTED, below the folder given. A ruleset
    with no examples folder is not a ruleset with tests: naming it tests it
    (and says it has none). FtdslError E001 for a folder with no rulesets,
    E350 for one whose rulesets have no examples."""
    rulesets = []
    for at, subfolders, names in os.walk(folder):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith(".")
                               and not os.path.exists(os.path.join(at, name, NOT_TESTED)))
        rulesets.extend(os.path.normpath(os.path.join(at, name)) for name in sorted(names)
                        if name.endswith(".ftr") and not name.startswith("."))
    if not rulesets:
        raise FtdslError(Diagnostic("E001", f"there are no rulesets (.ftr files) in the folder '{folder}'",
                                    hint="give a ruleset file, or a folder that holds some"))
    tested = [ruleset for ruleset in rulesets if os.path.isdir(examples_folder(ruleset))]
    if not tested:
        first = rulesets[0]
        raise FtdslError(Diagnostic(
            "E350", f"no ruleset in the folder '{folder}' has examples to test "
                    f"({len(rulesets)} ruleset{'s' if len(rulesets) != 1 else ''}, none with an examples folder)",
            hint=f"the tests of {first} are the files {examples_folder(first)}/*.json (docs/testing.md)"))
    return tested


def select(suites: list[Suite], pattern: str) -> list[Suite]:
    """The suites with only the tests whose name or file name holds `pattern` (in any case), as pytest's -k
    takes a substring; suites left with no test are left out. FtdslError E351 when no test matches."""
    wanted = pattern.casefold()
    chosen = [Suite(suite.ruleset, tuple(test for test in suite.tests if wanted in os.path.basename(test).casefold()))
              for suite in suites]
    chosen = [suite for suite in chosen if suite.tests]
    if not chosen:
        count = sum(len(suite.tests) for suite in suites)
        names = sorted({os.path.splitext(os.path.basename(test))[0] for suite in suites for test in suite.tests})
        close = did_you_mean(pattern, names, "tests")
        raise FtdslError(Diagnostic(
            "E351", f"no test's name holds '{pattern}' (-k), of {count} test{'s' if count != 1 else ''}",
            hint=close or ("-k picks the tests whose file name holds the text, in any case: "
                           + (", ".join(names[:8]) + (", ..." if count > 8 else "") if names else "there are none"))))
    return chosen


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
    seconds: float = attrs.field(default=0.0, eq=False)  # how long it took, for JUnit's time

    @property
    def name(self) -> str:
        """The test's name: its file's name without .json."""
        return os.path.splitext(os.path.basename(self.path))[0]


@attrs.frozen
class Uncovered:
    """A rule (or a band of a table) no test exercised, as the ruleset writes it."""

    clause: str
    text: str
    span: Span | None = None


@attrs.frozen
class SuiteResult:
    """A ruleset's tests run: whose examples (`ruleset`), the ruleset that decided them (`decided_by`: the
    same, unless run --against another), each test's result, and coverage of the ruleset that decided."""

    ruleset: str
    results: tuple[TestResult, ...] = ()
    rules: int = 0  # how many rules coverage counts
    uncovered: tuple[Uncovered, ...] = ()
    error: FtdslError | None = attrs.field(default=None, eq=False)
    decided_by: str | None = None
    seconds: float = attrs.field(default=0.0, eq=False)

    @property
    def decider(self) -> str:
        """The ruleset that decided the tests."""
        return self.decided_by or self.ruleset

    def count(self, status: str) -> int:
        """How many of the tests ended so ('passed', 'failed', 'error', 'no expectations')."""
        return sum(result.status == status for result in self.results)

    @property
    def failed(self) -> bool:
        return any(r.status == "failed" for r in self.results)

    @property
    def errors(self) -> bool:
        return self.error is not None or any(r.status == "error" for r in self.results)


# ---- running ---------------------------------------------------------------------

def run_suite(suite: Suite, against: str | None = None) -> SuiteResult:
    """Load the ruleset (or the ruleset `against`, to run these examples under another), run every test file
    against it, and measure coverage of the ruleset that decided."""
    from .api import load_ruleset

    started = time.perf_counter()
    decider = against or suite.ruleset
    try:
        ruleset = load_ruleset(decider)
    except FtdslError as error:
        return SuiteResult(suite.ruleset, error=error, decided_by=against, seconds=time.perf_counter() - started)
    coverage = _Coverage(ruleset)
    results = []
    for path in suite.tests:
        began = time.perf_counter()
        result, report, data = run_test(ruleset, path)
        if report is not None and result.status in ("passed", "failed"):
            coverage.record(report, data)
        results.append(attrs.evolve(result, seconds=time.perf_counter() - began))
    return SuiteResult(suite.ruleset, tuple(results), coverage.total, tuple(coverage.uncovered()),
                       decided_by=against, seconds=time.perf_counter() - started)


def run_test(ruleset, path: str):
    """Run one test file; return (TestResult, the decisions report or None, the scenario dict or None)."""
    from .api import load_scenario
    from .scenario_file import parse_scenario_text
    from .source import read_text

    try:
        data = load_scenario(path)
        report = ruleset.decide(data, path)
        if not isinstance(data.get("expect"), (dict, type(None))) or "expect" not in data:
            if "expect" in data:
                raise _expect_error(path, read_text(path), "expect", "'expect' must be an object of request ids",
                                    'for example "expect": {"r1": {"outcome": "entitled"}}')
            return TestResult(path, "no expectations", requests=len(report["decisions"])), report, data
        # Read again as the scenario was read: numbers exact as written, so that 0.1 FTE is compared as 1/10.
        text = read_text(path)
        expect = parse_scenario_text(text)["expect"]
        mismatches = compare(expect, report, ruleset.model, path, text, hours=request_hours(ruleset, data))
    except FtdslError as error:
        return TestResult(path, "error", error=error), None, None
    status = "failed" if mismatches else "passed"
    return TestResult(path, status, tuple(mismatches), requests=len(report["decisions"])), report, data


def request_hours(ruleset, data: dict) -> dict[str, Fraction]:
    """Each request's exact hours, by id, as the runtime converts them (the report's are JSON numbers, which
    may be floats). `data` is a scenario the ruleset has decided, so it is valid."""
    from .scenario import validate_scenario

    scenario = validate_scenario(data, ruleset.program.vocabulary)
    return {r["id"]: Fraction(ruleset.model.hours_of(*r["quantity"])) for r in scenario.requests}


def compare(expect: dict, report: dict, model, path: str = "<test>", text: str | None = None,
            hours: dict | None = None) -> list[Mismatch]:
    """Every expectation the report does not meet.

    `model` converts amounts written in days or half days (Model.hours_of); `hours` gives each request's
    exact hours by id (by default read from the report). An expectation that cannot be read is an
    FtdslError: E301 (an unknown request id, key or outcome), E303 (an amount in a unit it does not take)
    or E304 (days where the ruleset defines no working day)."""
    decisions = {d["id"]: d for d in report["decisions"]}
    mismatches = []
    for key, expected in expect.items():
        if key == VALUES:
            mismatches.extend(_compare_values(expected, report, model, path, text))
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
            place = _Place(path, text, ("expect", key, field))
            if field == "outcome":
                if _outcome(value) is None:
                    raise place.error(f"{_quoted(value)} is not an outcome", _outcome_hint(value))
                if _outcome(value) != decision["outcome"]:
                    mismatches.append(Mismatch(f"request {key}", field, value, decision["outcome"],
                                               tuple(decision["reasons"])))
            elif field == "hours":
                got = (hours or {}).get(key)
                got = Fraction(str(decision["hours"])) if got is None else got
                mismatch = _compare_hours(value, got, model, place)
                if mismatch is not None:
                    mismatches.append(Mismatch(f"request {key}", field, *mismatch, tuple(decision["reasons"])))
            elif field == "parts":
                got = (hours or {}).get(key)
                got = Fraction(str(decision["hours"])) if got is None else got
                mismatches.extend(Mismatch(f"request {key}", *found, tuple(decision["reasons"]))
                                  for found in _compare_parts(value, decision, got, model, place))
            elif not _same(field, value, decision[field]):
                mismatches.append(Mismatch(f"request {key}", field, value, decision[field], tuple(decision["reasons"])))
    return mismatches


def _parts_of(decision: dict, hours: Fraction) -> list[dict]:
    """A decision's parts, each with its exact hours (a request not decided in parts is one part, of `hours`)."""
    if "parts" not in decision:
        return [{"hours": hours, "outcome": decision["outcome"], "paid": decision["paid"],
                 "clauses": decision["clauses"], "pay clauses": decision["pay clauses"]}]
    # A part's hours as the report gives them: exact where they end as a decimal, as they nearly always do.
    return [{**part, "hours": Fraction(str(part["hours"]))} for part in decision["parts"]]


def _parts_shown(parts: list[dict]) -> Shown:
    """Parts for a failure line: '2 h entitled, 1 h discretionary'."""
    return Shown(", ".join(f"{decimal_text(part['hours'])} h {part['outcome'].replace('_', ' ')}" for part in parts))


def _compare_parts(value, decision: dict, hours: Fraction, model, place) -> list[tuple]:
    """(key, expected, got) for each way a decision's parts are not as expected.

    `value` is the hours of each outcome, by outcome ({"entitled": "2 hours",
    "discretionary": 1}: an outcome not named has no hours), or the parts in
    order, each with any of PART_KEYS, compared as a decision's keys are.
    """
    parts = _parts_of(decision, hours)
    if isinstance(value, dict):
        expected = {}
        for name, amount in value.items():
            inner = _Place(place.path, place.text, (*place.keys, name))
            outcome = _outcome(name)
            if outcome is None:
                raise inner.error(f"{_quoted(name)} is not an outcome", _outcome_hint(name))
            if outcome in expected:
                raise inner.error(f"the hours {outcome.replace('_', ' ')} are given twice", PARTS_HINT)
            if isinstance(amount, bool) or not isinstance(amount, (int, float, Decimal, str)):
                raise inner.error('must be a number of hours, or an amount such as "1.5 days"')
            expected[outcome] = _read_amount(amount, model, inner, "a part's time", fte=False).value(model)
        got = {}
        for part in parts:
            got[part["outcome"]] = got.get(part["outcome"], Fraction(0)) + part["hours"]
        if all(expected.get(o) == got.get(o) or not expected.get(o) and not got.get(o) for o in OUTCOMES):
            return []
        shown = [{"outcome": o, "hours": expected[o]} for o in OUTCOMES if o in expected and expected[o] is not None]
        return [("parts", _parts_shown(shown), _parts_shown([{"outcome": o, "hours": got[o]} for o in OUTCOMES
                                                             if o in got]))]
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise place.error("must be the hours of each outcome or a list of parts", PARTS_HINT)
    if len(value) != len(parts):
        return [("parts", Shown(f"{len(value)} part{'s' if len(value) != 1 else ''}"), _parts_shown(parts))]
    found = []
    for number, (item, part) in enumerate(zip(value, parts), 1):
        for field, expected in item.items():
            inner = _Place(place.path, place.text, (*place.keys, number - 1, field))
            key = f"part {number} {field}"
            if field not in PART_KEYS:
                raise inner.error(f"'{field}' is not a key of a part", did_you_mean(field, PART_KEYS,
                                                                                               "keys"))
            if field == "outcome":
                if _outcome(expected) is None:
                    raise inner.error(f"{_quoted(expected)} is not an outcome", _outcome_hint(expected))
                if _outcome(expected) != part["outcome"]:
                    found.append((key, expected, part["outcome"]))
            elif field == "hours":
                mismatch = _compare_hours(expected, part["hours"], model, inner)
                if mismatch is not None:
                    found.append((key, *mismatch))
            elif not _same(field, expected, part[field]):
                found.append((key, expected, part[field]))
    return found


def _same(field: str, expected, got) -> bool:
    if field in LIST_KEYS and isinstance(expected, list):
        return sorted(map(str, expected)) == sorted(map(str, got))
    return expected == got


def _outcome(value) -> str | None:
    """The outcome an expectation names ("not entitled", "Not entitled", "NOT ENTITLED", "not_entitled", and so
    for each outcome, as the JSON or the text output writes it), or None."""
    if not isinstance(value, str):
        return None
    return OUTCOME_FORMS.get(" ".join(value.replace("_", " ").split()).casefold())


def _outcome_hint(value) -> str:
    forms = 'outcomes, in any case: "entitled", "discretionary", "not entitled" (or "not_entitled")'
    close = did_you_mean(value, [o.replace("_", " ") for o in OUTCOMES]) if isinstance(value, str) else None
    return f"{close} {forms}" if close else forms


def _compare_values(expected, report, model, path, text) -> list[Mismatch]:
    if not isinstance(expected, dict):
        raise _expect_error(path, text, "expect.values", "must be an object of value names and numbers",
                            'for example "values": {"branch secretary release": 2.0}')
    values = {name_key(name): (name, entry) for name, entry in report["values"].items()}
    mismatches = []
    for name, value in expected.items():
        if name_key(name) not in values:
            raise _expect_error(path, text, f"expect.values.{name}", f"the ruleset computes no value '{name}'",
                                did_you_mean(name, [n for n, _ in values.values()], "values"))
        display, entry = values[name_key(name)]
        place = _Place(path, text, ("expect", VALUES, name))
        in_fte = entry["unit"] == FTE
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str))):
            raise place.error("must be a number, an amount such as " + ('"0.5 FTE"' if in_fte else '"1.5 days"')
                              + ", or null for no value", code="E301")
        exact = entry.get("exact")
        got = None if entry.get("value") is None or exact is None or exact.startswith("≈") else Fraction(exact)
        if value is None:
            if entry.get("value") is not None:
                mismatches.append(Mismatch(f"value '{display}'", "value", None, Shown(_plain(exact, entry["unit"]))))
            continue
        written = value
        if entry["unit"] == "money" and isinstance(value, str) and value.strip().startswith("£"):
            value = value.strip()[1:].replace(",", "")  # "£2,415.00": pounds, as the value is
        amount = _read_amount(value, model, place, f"'{display}'", in_fte)
        if got is not None and amount.value(model) == got:
            continue
        if entry.get("value") is None:
            shown = Shown("no value" + (f" (needs '{entry['needs']}')" if entry.get("needs") else
                                        f" ({entry['note']})" if entry.get("note") else ""))
        elif got is None or not amount.unit:
            shown = Shown(_plain(exact, entry["unit"]))
        else:
            shown = Shown(amount.show_other(got, model))
        expected_text = written if written is not value else amount.expected(value, model)
        mismatches.append(Mismatch(f"value '{display}'", "value", expected_text, shown))
    return mismatches


def _plain(exact: str, unit: str) -> str:
    """A computed value as the report gives it, with its unit: '1.5 FTE', '2 h', '£882', or a plain count."""
    if unit == "money":
        return f"£{exact}"
    if unit in ("count", "number"):
        return exact
    return f"{exact} {'FTE' if unit == FTE else 'h'}"


# ---- amounts as a test writes them ----------------------------------------------

_AMOUNT = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([^0-9]*?)\s*\Z")


@attrs.frozen
class Shown:
    """A value for a failure line, shown as it reads ('1.5 days (10.8 h)', '2 h'), not as JSON."""

    text: str


@attrs.frozen
class Amount:
    """An expected amount as a test writes it: a number, and its unit ('hours', 'days', 'half days' or 'FTE';
    '' for a plain number, which is hours, or a value's own unit). `number` is None for a number too large
    or too finely divided to be any amount ftdsl computes (it is then never met)."""

    number: Fraction | None
    unit: str = ""
    written: str = ""  # the number as the test writes it

    def value(self, model) -> Fraction | None:
        """In hours (or FTE, for a value in FTE), converted by the ruleset's working day."""
        if self.number is None or self.unit in ("", FTE):
            return self.number
        return model.hours_of(self.unit, self.number)

    def expected(self, raw, model):
        """The expected side of a failure line: a plain number as written; an amount with its unit, and the hours
        it comes to where it is days or half days ('1.5 days (10.8 h)')."""
        if not self.unit:
            return raw
        hours = self.value(model)
        return Shown(f"{self.written} {_unit_words(self.unit, self.written)}"
                     + (f" ({decimal_text(hours)} h)" if self.unit in ("days", "half days") and hours is not None
                        else ""))

    def show_other(self, got: Fraction, model) -> str:
        """The actual side in this amount's unit, and in hours where that is days or half days:
        '1 day (7.2 h)', '≈0.1389 days (1 h)', '2.5 hours', '1.5 FTE'."""
        if self.unit in ("hours", FTE):
            text = decimal_text(got)
            return f"{text} {_unit_words(self.unit, text)}"
        text = decimal_text(got / model.hours_of(self.unit, 1))
        return f"{text} {_unit_words(self.unit, text)} ({decimal_text(got)} h)"


def _unit_words(unit: str, number: str) -> str:
    """A unit as a failure line writes it after a number: '1 day', '1.5 days', '1 half day', '0.5 FTE'."""
    return unit[:-1] if number == "1" and unit != FTE else unit


def _compare_hours(value, got: Fraction, model, place) -> tuple | None:
    """(expected, actual) as a failure line shows them when a request's hours are not as expected, else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise place.error('must be a number of hours, or an amount such as "1.5 days"', code="E301")
    amount = _read_amount(value, model, place, "a request's time", fte=False)
    if amount.value(model) == got:
        return None
    if not amount.unit:
        return value, Shown(decimal_text(got))
    return amount.expected(value, model), Shown(amount.show_other(got, model))


def _read_amount(value, model, place, what: str, fte: bool) -> Amount:
    """An expected amount: a plain number (an int, an exact Decimal as a test file is read, or a float from a
    caller of the library, read as its repr), or text such as "1.5 days", "36 hours",
    "2 half days", "0.5 FTE". `what` is what the amount is of, for messages ("a request's time", or a value's
    name); `fte` says whether it is a share of the working week (a band table in FTE) rather than time.
    FtdslError E303 for text that is not an amount in a unit the expectation takes, E304 for days or half
    days where the ruleset defines no working day."""
    if not isinstance(value, str):
        return Amount(_exact(value))
    found = _AMOUNT.match(value)
    forms = _forms(model, what, fte)
    if found is None:
        raise place.error(f"{_quoted(value)} is not an amount{'' if fte else ' of time'}", forms, code="E303")
    written, words = found.groups()
    number = _exact(Decimal(written))
    if not words:
        return Amount(number, "", written)  # "3": the plain number, written in quotes
    key = " ".join(words.replace("-", " ").split()).casefold()
    unit = FTE if key == "fte" else TIME_UNITS.get(key)
    if unit is None:
        if key in OTHER_UNITS:
            message = f"an expected amount cannot be in {key if key.endswith('s') else key + 's'}"
        else:
            message = f"unknown unit '{words}' in {_quoted(value)}"
            close = did_you_mean(key, [*sorted(set(TIME_UNITS.values())), FTE])
            forms = f"{close} {forms}" if close else forms
        raise place.error(message, forms, code="E303")
    if fte and unit != FTE:
        raise place.error(f"{_quoted(value)} is time, but {what} is a share of the working week (FTE)", forms,
                          code="E303")
    if not fte and unit == FTE:
        raise place.error(f"{_quoted(value)} is a share of the working week (FTE), but {what} is in hours", forms,
                          code="E303")
    if unit != "hours" and unit != FTE and model.hours_of(unit, Fraction(1)) is None:
        raise place.error(f"{_quoted(value)} needs the length of a working day, which this agreement does not define",
                          'write the time in hours: a number (7.5) or "7.5 hours"', code="E304")
    return Amount(number, unit, written)


def _forms(model, what: str, fte: bool) -> str:
    """The forms an expected amount may take, for a hint."""
    if fte:
        return f"{what} is in FTE: write a number (0.5) or \"0.5 FTE\""
    day = model.hours_of("days", Fraction(1))
    if day is None:
        return 'write hours as a number (7.5) or "7.5 hours" (this agreement defines no working day)'
    hours = decimal_text(day)
    if hours.startswith("≈"):  # a working day of hours that do not end as a decimal (7 hours 20 minutes)
        return 'write hours as a number (7.5), or an amount with its unit: "7.5 hours", "1.5 days", "2 half days"'
    return (f'write hours as a number ({hours}), or an amount with its unit: "{hours} hours", "1 day", '
            '"2 half days" (each one working day here)')


def _exact(number) -> Fraction | None:
    """A number read from the test as an exact Fraction (scenario.exact_number); None for one too large
    (10^18 and more) or too finely divided (past 10^-800) to be an amount any ruleset computes."""
    found = exact_number(number)
    if isinstance(found, Fraction):
        return found
    if isinstance(number, Decimal) and number.is_finite() and number.adjusted() < 18:
        try:
            if -number.as_tuple().exponent <= 800:
                return Fraction(number)
        except (InvalidOperation, ValueError):
            pass
    return None


def _quoted(value) -> str:
    """What a test wrote, quoted for a message: 'granted' for text, JSON for anything else."""
    return f"'{value}'" if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


# ---- where an expectation is written ----------------------------------------------

@attrs.frozen
class _Place:
    """Where a value of the expect section is: the test file, its text, and the keys leading to the value."""

    path: str
    text: str | None
    keys: tuple[str | int, ...]  # an int is a list's index

    def error(self, message: str, hint: str | None = None, code: str = "E301") -> FtdslError:
        """An error at the value, its message led by the value's place in the section (expect.r1.hours)."""
        where = ".".join(map(str, self.keys))
        found = find(self.text, self.keys) if self.text else None
        if found is None:
            return _expect_error(self.path, self.text, where, message, hint, code=code)
        start, end = found
        line, column = line_column(self.text, start)
        end_line, end_column = line_column(self.text, end)
        return FtdslError(Diagnostic(code, f"{where}: {message}", Span(self.path, line, column, end_line, end_column),
                                     hint=hint), {self.path: self.text})


def _expect_error(path, text, where, message, hint=None, code="E301") -> FtdslError:
    line, column = _locate(text, where.split(".")[1] if "." in where else where)
    return FtdslError(Diagnostic(code, f"{where}: {message}", Span(path, line, column), hint=hint),
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
        self.hit: set = set()
        self.items = self.collect()

    def collect(self) -> list[tuple[object, str, str, Span | None]]:
        """(key, clause, text, span) for everything coverage counts."""
        items = []
        model = self.model
        self.key_of = {}  # a rule's index (Program.index, as checks name it) -> its coverage key
        for number, rule in enumerate(model.rules):
            if rule.step == "pay":
                key = ("pay", rule.clause, rule.described)
            elif rule.step == "facilities":
                key = ("facilities", rule.clause, rule.text)
            else:
                kind = rule.kind if rule.step == "grant" else rule.step  # a grant's checks name its kind
                key = ("check", rule.clause, kind, rule.label)
            self.key_of[number] = key
            items.append((key, rule.clause, self.source_text(rule.span, rule), rule.span))
        for table in model.tables:
            for row in table.rows:
                items.append((("row", table.name, row.low, row.high), table.clause,
                              f"{cited(table.clause)} {table.display or table.name}, band {self.line_text(row.span) or row.text}",
                              row.span))
            if table.step is not None:
                items.append((("row", table.name, "further"), table.clause,
                              f"{cited(table.clause)} {table.display or table.name}, past the last band (then a further ...)",
                              table.span))
        return items

    def line_text(self, span) -> str | None:
        line = self.ruleset.source_line(span)  # the rule's own file: an agreement's or a variation's
        return None if line is None else line.strip()

    def source_text(self, span, rule) -> str:
        text = self.line_text(span)
        return text if text else f"{cited(rule.clause)} {rule.label or rule.step}"

    @property
    def total(self) -> int:
        return len(self.items)

    def record(self, report: dict, scenario: dict) -> None:
        for decision in report["decisions"]:
            for check in decision.get("checks", ()):
                key = self.key_of.get(check["rule index"])
                if check["rule"] == "pay":
                    if check["holds"]:  # the pay rule that decided the pay
                        self.hit.add(key)
                elif check["applies"]:
                    self.hit.add(key)
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

QUIET, NORMAL, VERBOSE = -1, 0, 1  # -q, neither, -v
LABELS = {"passed": "ok", "failed": "FAIL", "error": "ERROR", "no expectations": "ran"}


def render(results: list[SuiteResult], show_coverage: bool = True, verbosity: int = NORMAL) -> str:
    """Results as text: each ruleset (and, run --against another, the one that decided), its tests, failures
    with expected and got and the reasons, then coverage, and a count line at the end.

    By `verbosity`: VERBOSE lists every test with its result; NORMAL lists
    the tests that did not pass (and those with no expectations) and counts
    those that did; QUIET gives only the tests that failed or have errors,
    and the count line, without coverage. Every text from a ruleset, a
    scenario or a path is shown with its control characters made visible
    (display.visible), so a request id holding a line break cannot start a
    line of its own."""
    lines = []
    counts = {"passed": 0, "failed": 0, "error": 0, "no expectations": 0}
    for suite in results:
        body = []
        if suite.error is not None:
            body.append(_indent(suite.error.render(), "  "))
            counts["error"] += 1
        elif not suite.results and verbosity > QUIET:
            body.append(f"  no tests (put them in {visible(examples_folder(suite.ruleset))}/)")
        for result in suite.results:
            counts[result.status] += 1
            if verbosity == VERBOSE or result.status in ("failed", "error") or (
                    verbosity == NORMAL and result.status == "no expectations"):
                body.extend(_result_lines(result))
        passed = suite.count("passed")
        if verbosity == NORMAL and passed:
            body.append(f"  {passed} passed")
        if show_coverage and verbosity > QUIET and suite.rules:
            exercised = suite.rules - len(suite.uncovered)
            body.append(f"  coverage: {exercised} of {suite.rules} rules and bands exercised")
            for item in suite.uncovered:
                where = f"{visible(item.span.file)}:{item.span.line}: " if item.span else ""
                body.append(f"    not exercised: {where}{visible(item.text)}")
        if body or verbosity > QUIET:
            lines.append(suite_heading(suite))
            lines.extend(body)
    summary = ", ".join(f"{number} {word}" for word, number in counts.items() if number or word == "passed")
    lines.append(summary)
    return "\n".join(lines) + "\n"


def suite_heading(suite: SuiteResult) -> str:
    """The ruleset whose examples these are; run --against another, the one that decided them first."""
    if suite.decided_by is None:
        return visible(suite.ruleset)
    return f"{visible(suite.decider)}, deciding the examples of {visible(suite.ruleset)}"


def _result_lines(result: TestResult) -> list[str]:
    """One test's line, and under it its error or each expectation it did not meet."""
    note = " (no expectations)" if result.status == "no expectations" else ""
    lines = [f"  {LABELS[result.status]:<5} {visible(result.path)}{note}"]
    if result.error is not None:
        lines.append(_indent(result.error.render(), "        "))
    return lines + _mismatch_lines(result.mismatches)


# ---- for other tools: JSON and JUnit XML ----------------------------------------------

OUTCOME_OF = {"passed": "pass", "failed": "fail", "error": "error", "no expectations": "no expectations"}


def to_data(results: list[SuiteResult], show_coverage: bool = True) -> dict:
    """Results as JSON-ready data: one object per ruleset, each with its tests (docs/testing.md)."""
    rulesets = []
    counts = {outcome: 0 for outcome in OUTCOME_OF.values()}
    for suite in results:
        tests = []
        for result in suite.results:
            outcome = OUTCOME_OF[result.status]
            counts[outcome] += 1
            test = {"name": result.name, "file": result.path, "outcome": outcome, "requests": result.requests}
            if result.mismatches:
                test["failures"] = [{"where": m.where, "key": m.key, "expected": _value(m.expected),
                                     "decided": _value(m.got), "reasons": list(m.reasons)} for m in result.mismatches]
            if result.error is not None:
                test["errors"] = [d.to_dict() for d in result.error.diagnostics]
            tests.append(test)
        entry = {"ruleset": suite.ruleset, "decided by": suite.decider, "tests": tests}
        if suite.error is not None:
            counts["error"] += 1
            entry["errors"] = [d.to_dict() for d in suite.error.diagnostics]
        if show_coverage and suite.rules:
            entry["coverage"] = {"rules": suite.rules, "exercised": suite.rules - len(suite.uncovered),
                                 "not exercised": [_uncovered_data(item) for item in suite.uncovered]}
        rulesets.append(entry)
    return {"rulesets": rulesets, "counts": counts}


def _uncovered_data(item: Uncovered) -> dict:
    data = {"clause": item.clause, "text": item.text}
    if item.span is not None:
        data.update(file=item.span.file, line=item.span.line)
    return data


def _value(value):
    """An expected or decided value for JSON: as written or decided, an amount as the failure line shows it."""
    if isinstance(value, Shown):
        return value.text
    if isinstance(value, Decimal):
        return json.loads(str(value)) if value.is_finite() else str(value)
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))  # as the text output shows it


def to_junit(results: list[SuiteResult]) -> str:
    """Results as JUnit XML, as CI systems read it: <testsuites> of one <testsuite> per ruleset, a
    <testcase> per test with a <failure> (expectations not met), an <error> (a test that cannot run) or
    <skipped> (a scenario with no expectations), in the attributes of the common JUnit schema. A ruleset
    that cannot be loaded is a suite of one test case, in error. Every text is shown with its control
    characters made visible, which XML 1.0 cannot hold."""
    import xml.etree.ElementTree as ET

    root = ET.Element("testsuites", name="ftdsl test")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}  # in the order the attributes are written
    seconds = 0.0
    for suite in results:
        cases = []
        for result in suite.results:
            case = ET.Element("testcase", classname=visible(suite.ruleset), name=visible(result.name),
                              time=_seconds(result.seconds))
            if result.status == "failed":
                lines = _mismatch_lines(result.mismatches)
                ET.SubElement(case, "failure", message=lines[0].strip(), type="expectation not met").text = \
                    "\n".join(line.strip() for line in lines)
            elif result.status == "error":
                ET.SubElement(case, "error", message=visible(str(result.error.diagnostics[0].message)),
                              type=result.error.diagnostics[0].code).text = visible_lines(result.error.render())
            elif result.status == "no expectations":
                ET.SubElement(case, "skipped", message="no expectations: the scenario ran, nothing was compared")
            cases.append(case)
        if suite.error is not None:
            case = ET.Element("testcase", classname=visible(suite.ruleset), name=f"load {visible(suite.decider)}",
                              time=_seconds(suite.seconds))
            first = suite.error.diagnostics[0]
            ET.SubElement(case, "error", message=visible(first.message), type=first.code).text = \
                visible_lines(suite.error.render())
            cases.append(case)
        counts = {"tests": len(cases),
                  "failures": sum(case.find("failure") is not None for case in cases),
                  "errors": sum(case.find("error") is not None for case in cases),
                  "skipped": sum(case.find("skipped") is not None for case in cases)}
        element = ET.SubElement(root, "testsuite", name=visible(suite_heading(suite)),
                                **{key: str(value) for key, value in counts.items()}, time=_seconds(suite.seconds))
        element.extend(cases)
        for key, value in counts.items():
            totals[key] += value
        seconds += suite.seconds
    # The common schema (Ant's, as Jenkins reads it) counts skipped tests in each suite, not in the whole.
    root.attrib.update({key: str(value) for key, value in totals.items() if key != "skipped"}, time=_seconds(seconds))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _seconds(seconds: float) -> str:
    return f"{seconds:.3f}"


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
    if isinstance(value, Shown):
        return value.text
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.splitlines())
