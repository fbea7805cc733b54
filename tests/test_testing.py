"""`ftdsl test`: expectations compared, readable failures, discovery and coverage."""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from fractions import Fraction

import pytest
from conftest import ROOT, RULESETS, WESTMINSTER, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from ftdsl import testing
from ftdsl.errors import FtdslError
from ftdsl.report import OUTCOME_WORDS
from ftdsl.testing import Suite, discover, render, ruleset_for, run_suite


def _copy_westminster(tmp_path, tests: dict[str, dict]):
    shutil.copy(WESTMINSTER, tmp_path / "westminster.ftr")
    folder = tmp_path / "examples" / "westminster"
    folder.mkdir(parents=True)
    for name, data in tests.items():
        (folder / name).write_text(json.dumps(data, indent=2), encoding="utf-8")
    return tmp_path / "westminster.ftr"


REPRESENTATIVE = {"roles": ["representative"], "staff group": "non-teaching", "employed by council": True,
                  "branch members": 1200}


def _scenario(expect, hours=3):
    return {"facts": REPRESENTATIVE,
            "requests": [{"id": "r1", "date": "2026-03-02", "category": "duties", "hours": hours}],
            "expect": expect}


def test_shipped_rulesets_pass_and_report_coverage():
    result = run_cli("test", str(RULESETS))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "coverage:" in result.stdout and " passed" in result.stdout


def test_a_wrong_expectation_fails_readably(tmp_path):
    ruleset = _copy_westminster(tmp_path, {"wrong.json": _scenario(
        {"r1": {"outcome": "not_entitled", "paid": True, "clauses": ["6.12"]},
         "values": {"branch secretary release": 1.0}})})
    result = run_cli("test", str(ruleset))
    assert result.returncode == 1
    out = result.stdout
    assert "FAIL" in out and "wrong.json" in out
    assert 'request r1: outcome: expected "not_entitled", got "entitled"' in out
    assert "because:" in out and "within the allowance" in out
    assert "value 'branch secretary release': value: expected 1.0, got 1.5 FTE" in out
    assert "paid" not in out.split("because:")[0].split("outcome:")[1]  # only the keys that differ are listed


def test_only_given_keys_are_compared_and_values_are_exact(tmp_path):
    ruleset = _copy_westminster(tmp_path, {"right.json": _scenario(
        {"r1": {"outcome": "entitled", "clauses": ["6.12"]}, "values": {"branch secretary release": 1.50}})})
    result = run_cli("test", str(ruleset))
    assert result.returncode == 0, result.stdout


def test_bad_expectations_are_errors_with_a_place(tmp_path):
    ruleset = _copy_westminster(tmp_path, {"bad.json": _scenario({"r2": {"outcome": "entitled"}}),
                                           "key.json": _scenario({"r1": {"outcome": "granted"}})})
    result = run_cli("test", str(ruleset))
    assert result.returncode == 2
    assert "bad.json:" in result.stdout and "error E301: expect.r2: there is no request with the id 'r2'" in result.stdout
    assert "'granted' is not an outcome" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_discovery_convention(tmp_path):
    ruleset = _copy_westminster(tmp_path, {"a.json": _scenario({}), "b.json": _scenario({})})
    tests = testing.tests_for(str(ruleset))
    assert [t.rsplit("/", 1)[1] for t in tests] == ["a.json", "b.json"]
    assert ruleset_for(tests[0]) == str(ruleset)
    assert discover([str(tmp_path)]) == [Suite(str(ruleset), tests)]
    assert discover([tests[1]]) == [Suite(str(ruleset), (tests[1],))]


def test_coverage_names_rules_no_test_exercised(tmp_path):
    ruleset = _copy_westminster(tmp_path, {"one.json": _scenario({"r1": {"outcome": "entitled"}})})
    result = run_suite(Suite(str(ruleset), testing.tests_for(str(ruleset))))
    texts = [u.text for u in result.uncovered]
    # The representative's duties allowance was used; the convenor's was looked at but did not apply.
    assert not any(t.startswith("§6.12 representative may take up to 6 hours") for t in texts)
    assert any(t.startswith("§6.12 departmental convenor may take up to 1 day") for t in texts)
    assert any("band 1001 – 1500" not in t for t in texts) and not any("band 1001 – 1500" in t for t in texts)
    convenor = next(u for u in result.uncovered if u.text.startswith("§6.12 departmental convenor"))
    assert convenor.span.line == WESTMINSTER.read_text(encoding="utf-8").splitlines().index(convenor.text) + 1
    assert f"not exercised: {ruleset}:{convenor.span.line}: {convenor.text}" in render([result])


def test_a_scenario_without_expectations_runs_but_covers_nothing(tmp_path):
    data = _scenario({})
    del data["expect"]
    ruleset = _copy_westminster(tmp_path, {"plain.json": data})
    result = run_suite(Suite(str(ruleset), testing.tests_for(str(ruleset))))
    assert result.results[0].status == "no expectations"
    assert len(result.uncovered) == result.rules


# ---- amounts in the agreement's units, outcomes as printed ---------------------------
#
# Westminster: "a working day is 7 hours 12 minutes", so 1 day = 7.2 h and 1 half day = 3.6 h; training is
# "up to 5 days per year" = 36 h from 1 April; the branch secretary release for 251 – 500 members is 0.5 FTE,
# 1001 – 1500 members 1.5 FTE; the teacher representative time for 31 or more members is 2 hours.

DAY = Fraction(36, 5)
HOURS_PER = {"hours": Fraction(1), "days": DAY, "half days": DAY / 2}


def _decided(westminster, expect, amount=("days", 1), category="duties", facts=None):
    """compare() on a one-request scenario decided by Westminster: the mismatches (or the error raised)."""
    data = {"facts": facts or REPRESENTATIVE,
            "requests": [{"id": "r1", "date": "2026-05-11", "category": category, amount[0]: amount[1]}],
            "expect": expect}
    report = westminster.decide(data)
    return testing.compare(expect, report, westminster.model, hours=testing.request_hours(westminster, data))


@pytest.mark.parametrize("request_amount, expected", [
    (("days", 1), "1 day"), (("days", 1), "7.2 hours"), (("days", 1), "2 half days"), (("days", 1), 7.2),
    (("days", 1), "7.2"), (("days", 1), "7.2 h"), (("days", 1), "1 working day"), (("days", 1), "2 Half-Days"),
    (("half days", 1), "0.5 days"), (("half days", 1), "3.6 hours"), (("half days", 1), "1 half day"),
    (("hours", 10.8), "1.5 days"), (("hours", 10.8), "3 half days"), (("hours", 36), "5 days"),
    # Exact: 0.1 day is 0.72 h (as a float, 0.1 * 7.2 is 0.7200000000000001).
    (("days", Decimal("0.1")), "0.72 hours"), (("days", Decimal("0.1")), Decimal("0.72")),
    (("days", Decimal("0.1")), "0.1 days"), (("hours", Decimal("0.36")), "0.05 days"),
])
def test_an_amount_is_met_in_any_unit_the_ruleset_converts(westminster, request_amount, expected):
    assert _decided(westminster, {"r1": {"hours": expected}}, request_amount) == []


@pytest.mark.parametrize("request_amount, expected", [
    (("days", 1), "1.5 days"), (("days", 1), "7 hours"), (("days", 1), "1 half day"), (("days", 1), 7),
    (("days", Decimal("0.1")), "0.7200001 hours"), (("hours", 7), "1 day"),
])
def test_an_amount_not_met_in_any_unit_fails(westminster, request_amount, expected):
    [mismatch] = _decided(westminster, {"r1": {"hours": expected}}, request_amount)
    assert mismatch.key == "hours"


def test_a_failure_shows_the_amount_in_the_unit_it_was_written_in(westminster):
    lines = lambda expect, amount: testing._mismatch_lines(_decided(westminster, expect, amount))[0].strip()
    assert lines({"r1": {"hours": "1.5 days"}}, ("days", 1)) == \
        "request r1: hours: expected 1.5 days (10.8 h), got 1 day (7.2 h)"
    assert lines({"r1": {"hours": "1 half day"}}, ("days", 1)) == \
        "request r1: hours: expected 1 half day (3.6 h), got 2 half days (7.2 h)"
    assert lines({"r1": {"hours": "7 hours"}}, ("days", 1)) == "request r1: hours: expected 7 hours, got 7.2 hours"
    # 1 h is 5/36 of a day: not a decimal, so shown rounded and marked.
    assert lines({"r1": {"hours": "1 day"}}, ("hours", 1)) == \
        "request r1: hours: expected 1 day (7.2 h), got ≈0.1389 days (1 h)"
    # A plain number is hours, shown as today.
    assert lines({"r1": {"hours": 7}}, ("days", 1)) == "request r1: hours: expected 7, got 7.2"


def test_values_are_compared_in_their_own_unit(westminster):
    teacher = {**REPRESENTATIVE, "staff group": "teaching", "school members": 31}
    assert _decided(westminster, {"values": {"branch secretary release": "1.5 FTE"}}) == []  # 1200 members
    assert _decided(westminster, {"values": {"branch secretary release": "0.5 FTE"}},
                    facts={**REPRESENTATIVE, "branch members": 300}) == []
    assert _decided(westminster, {"values": {"teacher representative time": "2 hours"}}, facts=teacher) == []
    assert _decided(westminster, {"values": {"teacher representative time": 2}}, facts=teacher) == []
    [fte] = _decided(westminster, {"values": {"branch secretary release": "1 FTE"}})
    [hours] = _decided(westminster, {"values": {"teacher representative time": "0.25 days"}}, facts=teacher)
    assert testing._mismatch_lines([fte, hours]) == [
        "        value 'branch secretary release': value: expected 1 FTE, got 1.5 FTE",
        "        value 'teacher representative time': value: expected 0.25 days (1.8 h), got ≈0.2778 days (2 h)"]


@pytest.mark.parametrize("written, outcome", [
    ("not entitled", "not_entitled"), ("Not entitled", "not_entitled"), ("NOT ENTITLED", "not_entitled"),
    ("not_entitled", "not_entitled"), ("  not   entitled ", "not_entitled"), ("Entitled", "entitled"),
    ("ENTITLED", "entitled"), ("Discretionary", "discretionary"),
    ("DISCRETIONARY (for management to agree)", "discretionary"),
])
def test_outcomes_are_accepted_as_printed(written, outcome):
    assert testing._outcome(written) == outcome
    report = {"decisions": [{"id": "r1", "outcome": outcome, "reasons": []}], "values": {}}
    assert testing.compare({"r1": {"outcome": written}}, report, None) == []
    other = next(o for o in testing.OUTCOMES if o != outcome)
    report = {"decisions": [{"id": "r1", "outcome": other, "reasons": []}], "values": {}}
    [mismatch] = testing.compare({"r1": {"outcome": written}}, report, None)
    assert testing._mismatch_lines([mismatch])[0].strip() == \
        f'request r1: outcome: expected {json.dumps(written)}, got "{other}"'


@pytest.mark.parametrize("expected, code, message, hint", [
    ("1.5 dayz", "E303", "expect.r1.hours: unknown unit 'dayz' in '1.5 dayz'", "did you mean 'days'?"),
    ("0.5 FTE", "E303", "'0.5 FTE' is a share of the working week (FTE), but a request's time is in hours",
     '"7.2 hours", "1 day", "2 half days" (each one working day here)'),
    ("1 week", "E303", "an expected amount cannot be in weeks", 'a number (7.2)'),
    ("30 minutes", "E303", "an expected amount cannot be in minutes", 'a number (7.2)'),
    ("lots", "E303", "'lots' is not an amount of time", '"7.2 hours"'),
    ("-1 days", "E303", "'-1 days' is not an amount of time", '"7.2 hours"'),
    (True, "E301", 'must be a number of hours, or an amount such as "1.5 days"', None),
])
def test_an_amount_that_cannot_be_read_is_an_error_at_its_place(westminster, expected, code, message, hint):
    with pytest.raises(FtdslError) as raised:
        _decided(westminster, {"r1": {"hours": expected}})
    [diagnostic] = raised.value.diagnostics
    assert (diagnostic.code, message in diagnostic.message) == (code, True), diagnostic.message
    assert hint is None or hint in diagnostic.hint, diagnostic.hint


def test_a_value_in_the_wrong_unit_is_an_error(westminster):
    for value, expected in (("branch secretary release", "18 hours"),
                            ("teacher representative time", "0.5 FTE")):
        with pytest.raises(FtdslError) as raised:
            _decided(westminster, {"values": {value: expected}})
        assert raised.value.diagnostics[0].code == "E303"
        assert f"'{value}'" in raised.value.diagnostics[0].message + raised.value.diagnostics[0].hint


def test_expectation_errors_name_the_file_line_and_column_of_the_value(tmp_path):
    scenario = _scenario({"r1": {"outcome": "entitled", "hours": "3 dayz"}})
    ruleset = _copy_westminster(tmp_path, {"unit.json": scenario,
                                           "outcome.json": _scenario({"r1": {"outcome": "NOT ALLOWED"}})})
    result = run_cli("test", "--no-coverage", str(ruleset), cwd=tmp_path)
    assert result.returncode == 2
    lines = (tmp_path / "examples" / "westminster" / "unit.json").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if '"3 dayz"' in text)
    column = lines[line - 1].index('"3 dayz"') + 1
    assert f"unit.json:{line}:{column}: error E303: expect.r1.hours: unknown unit 'dayz'" in result.stdout
    assert "error E301: expect.r1.outcome: 'NOT ALLOWED' is not an outcome" in result.stdout
    assert '"not entitled" (or "not_entitled")' in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_days_are_an_error_where_the_ruleset_defines_no_working_day(tmp_path):
    (tmp_path / "hours.ftr").write_text(
        "roles: representative\ncategories: duties\nfact roles: list of roles\n\n"
        "§1 representative may take up to 10 hours per month for duties\n", encoding="utf-8")
    folder = tmp_path / "examples" / "hours"
    folder.mkdir(parents=True)
    base = {"facts": {"roles": ["representative"]},
            "requests": [{"id": "r1", "date": "2026-03-02", "category": "duties", "hours": 7.5}]}
    (folder / "day.json").write_text(json.dumps({**base, "expect": {"r1": {"hours": "1 day"}}}), encoding="utf-8")
    (folder / "hours.json").write_text(json.dumps({**base, "expect": {"r1": {"hours": "7.5 hours"}}}),
                                       encoding="utf-8")
    result = run_cli("test", "-v", "--no-coverage", "hours.ftr", cwd=tmp_path)
    assert result.returncode == 2
    assert ("error E304: expect.r1.hours: '1 day' needs the length of a working day, which this agreement does "
            "not define") in result.stdout
    assert 'hint: write the time in hours: a number (7.5) or "7.5 hours"' in result.stdout
    assert "ok    examples/hours/hours.json" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def _doc_blocks(heading: str) -> list[str]:
    text = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    section = text.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(?:json)?\n(.*?)```", section, re.DOTALL)


def test_the_documented_example_passes_and_fails_as_shown(tmp_path):
    # docs/testing.md: the example with amounts in days, half days and FTE passes; with "3.5 days" it fails
    # with the line the page shows.
    example, failure = _doc_blocks("## Amounts and outcomes as the agreement writes them")
    ruleset = _copy_westminster(tmp_path, {"example.json": json.loads(example)})
    result = run_cli("test", "--no-coverage", str(ruleset))
    assert result.returncode == 0, result.stdout
    assert "1 passed" in result.stdout
    assert '"hours": "4 days"' in example
    (tmp_path / "examples" / "westminster" / "example.json").write_text(
        example.replace('"hours": "4 days"', '"hours": "3.5 days"'), encoding="utf-8")
    result = run_cli("test", "--no-coverage", str(ruleset))
    assert result.returncode == 1
    assert failure.rstrip("\n") in result.stdout.splitlines()


# ---- laws ------------------------------------------------------------------------

_DECIMALS = st.integers(0, 2000).map(lambda n: Decimal(n) / 100)


@settings(max_examples=60)
@given(request_unit=st.sampled_from(sorted(HOURS_PER)), number=_DECIMALS,
       unit=st.sampled_from(sorted(HOURS_PER)), other=_DECIMALS, same=st.booleans(),
       spelling=st.sampled_from(["{n} {u}", "{n}{u}", "  {n}   {u} ", "{n} {U}"]))
def test_an_amount_in_any_unit_passes_exactly_when_its_hours_do(westminster, request_unit, number, unit, other,
                                                                same, spelling):
    actual = Fraction(number) * HOURS_PER[request_unit]  # hours, by the agreement's working day
    if same and (actual / HOURS_PER[unit]).denominator in (1, 2, 4, 5, 8, 10, 20, 25, 40, 50, 100, 125, 200, 250):
        expected = Decimal(str((actual / HOURS_PER[unit]).numerator)) / (actual / HOURS_PER[unit]).denominator
    else:
        expected = other
    hours = Fraction(expected) * HOURS_PER[unit]
    written = spelling.format(n=expected, u=unit, U=unit.upper())
    in_unit = _decided(westminster, {"r1": {"hours": written}}, (request_unit, number), "training")
    in_hours = _decided(westminster, {"r1": {"hours": Decimal(hours.numerator) / hours.denominator}},
                        (request_unit, number), "training")
    assert (in_unit == []) == (in_hours == []) == (hours == actual)


@given(outcome=st.sampled_from(testing.OUTCOMES), data=st.data())
def test_any_spelling_of_an_outcome_as_printed_names_it(outcome, data):
    words = data.draw(st.sampled_from([outcome, outcome.replace("_", " "), OUTCOME_WORDS[outcome]]))
    cased = "".join(ch.upper() if data.draw(st.booleans()) else ch.lower() for ch in words)
    spaced = data.draw(st.sampled_from([cased, f" {cased} ", cased.replace(" ", "  "), cased.replace(" ", "_")]))
    assert testing._outcome(spaced) == outcome


# ---- for other tools: --format json and junit, -k, -v, -q, --against ----------------------------------

# 4 h of duties taken this month and 2 h asked: 6 h, within §6.12's 6 hours a month (entitled); over 5.
WITHIN_SIX = {"facts": REPRESENTATIVE, "taken": [{"date": "2026-03-02", "category": "duties", "hours": 4}],
              "requests": [{"id": "r1", "date": "2026-03-20", "category": "duties", "hours": 2}],
              "expect": {"r1": {"outcome": "entitled"}}}
KINDS = {"passes.json": WITHIN_SIX,
         "fails.json": {**WITHIN_SIX, "expect": {"r1": {"outcome": "not entitled"}}},
         "errs.json": {**WITHIN_SIX, "expect": {"r1": {"outcome": "granted"}}},
         "runs.json": {k: v for k, v in WITHIN_SIX.items() if k != "expect"}}


def test_json_gives_each_ruleset_with_its_tests(tmp_path):
    ruleset = _copy_westminster(tmp_path, KINDS)
    result = run_cli("test", "--format", "json", str(ruleset))
    assert result.returncode == 2  # a test file with errors
    data = json.loads(result.stdout)
    [suite] = data["rulesets"]
    assert suite["ruleset"] == suite["decided by"] == str(ruleset)
    tests = {test["name"]: test for test in suite["tests"]}
    assert {name: test["outcome"] for name, test in tests.items()} == {
        "errs": "error", "fails": "fail", "passes": "pass", "runs": "no expectations"}
    assert tests["passes"]["file"] == str(tmp_path / "examples" / "westminster" / "passes.json")
    [failure] = tests["fails"]["failures"]
    assert (failure["where"], failure["key"], failure["expected"], failure["decided"]) == (
        "request r1", "outcome", "not entitled", "entitled")
    assert any("6 h ≤ 6 h per month" in reason for reason in failure["reasons"])
    assert tests["errs"]["errors"][0]["code"] == "E301" and tests["errs"]["errors"][0]["line"] > 0
    assert "failures" not in tests["passes"]
    assert data["counts"] == {"pass": 1, "fail": 1, "error": 1, "no expectations": 1}
    assert suite["coverage"]["rules"] >= suite["coverage"]["exercised"] > 0


def test_junit_xml_is_what_ci_systems_read(tmp_path):
    import xml.etree.ElementTree as ET

    ruleset = _copy_westminster(tmp_path, KINDS)
    result = run_cli("test", "--format", "junit", str(ruleset))
    assert result.returncode == 2
    assert result.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(result.stdout)
    assert root.tag == "testsuites"
    [suite] = root
    assert suite.tag == "testsuite" and suite.get("name") == str(ruleset)
    assert {key: suite.get(key) for key in ("tests", "failures", "errors", "skipped")} == {
        "tests": "4", "failures": "1", "errors": "1", "skipped": "1"}
    assert {key: root.get(key) for key in ("tests", "failures", "errors")} == {"tests": "4", "failures": "1",
                                                                                "errors": "1"}
    # Only the attributes and elements of the common schema, and times as seconds.
    assert set(root.attrib) <= {"name", "tests", "failures", "errors", "time"}
    assert set(suite.attrib) <= {"name", "tests", "failures", "errors", "skipped", "time"}
    cases = {case.get("name"): case for case in suite}
    assert sorted(cases) == ["errs", "fails", "passes", "runs"]
    for case in cases.values():
        assert case.tag == "testcase" and set(case.attrib) == {"classname", "name", "time"}
        assert case.get("classname") == str(ruleset) and float(case.get("time")) >= 0
        assert all(child.tag in ("failure", "error", "skipped") for child in case)
    assert float(suite.get("time")) >= sum(float(case.get("time")) for case in cases.values()) - 0.001
    assert list(cases["passes"]) == []
    [failure] = cases["fails"]
    assert failure.tag == "failure"
    assert failure.get("message") == 'request r1: outcome: expected "not entitled", got "entitled"'
    assert "because:" in failure.text
    [error] = cases["errs"]
    assert error.tag == "error" and error.get("type") == "E301" and "'granted' is not an outcome" in error.text
    assert [child.tag for child in cases["runs"]] == ["skipped"]


def test_junit_holds_a_ruleset_that_cannot_be_loaded_and_text_xml_cannot(tmp_path):
    import xml.etree.ElementTree as ET

    ruleset = _copy_westminster(tmp_path, {"a\x07&<b>.json": WITHIN_SIX})
    ruleset.write_text("§1 \x01 & <nonsense>\n", encoding="utf-8")
    result = run_cli("test", "--format", "junit", str(ruleset))
    assert result.returncode == 2
    [suite] = ET.fromstring(result.stdout)  # XML 1.0 cannot hold \x01: it is shown as an escape
    assert suite.get("errors") == suite.get("tests") == "1"
    [case] = suite
    [error] = case
    assert error.tag == "error" and error.get("type", "").startswith("E")


def test_k_runs_the_tests_whose_file_name_holds_the_pattern(tmp_path):
    ruleset = _copy_westminster(tmp_path, {"Teacher-Small.json": WITHIN_SIX, "teacher-big.json": WITHIN_SIX,
                                           "convenor.json": WITHIN_SIX})
    result = run_cli("test", "-v", "-k", "TEACHER", str(ruleset))
    assert result.returncode == 0
    assert "Teacher-Small.json" in result.stdout and "teacher-big.json" in result.stdout
    assert "convenor.json" not in result.stdout
    assert result.stdout.splitlines()[-1] == "2 passed"
    assert "coverage:" not in result.stdout  # of some of the tests, coverage would mislead
    nothing = run_cli("test", "-k", "techer", str(ruleset))
    assert nothing.returncode == 2 and nothing.stdout == ""
    assert "error E351: no test's name holds 'techer' (-k), of 3 tests" in nothing.stderr
    assert "did you mean 'teacher-big'?" in nothing.stderr


@given(names=st.lists(st.text("abAB-", min_size=1, max_size=6), min_size=1, max_size=8, unique=True),
       pattern=st.text("abAB", min_size=1, max_size=3))
def test_k_selects_exactly_the_names_holding_the_pattern_in_any_case(names, pattern):
    suites = [Suite("r.ftr", tuple(f"examples/r/{name}.json" for name in names))]
    wanted = [f"examples/r/{name}.json" for name in names if pattern.lower() in f"{name}.json".lower()]
    if not wanted:
        with pytest.raises(FtdslError) as error:
            testing.select(suites, pattern)
        assert error.value.diagnostics[0].code == "E351"
    else:
        [suite] = testing.select(suites, pattern)
        assert list(suite.tests) == wanted


def test_v_lists_every_test_and_q_only_the_failures(tmp_path):
    ruleset = _copy_westminster(tmp_path, {"passes.json": WITHIN_SIX, "also.json": WITHIN_SIX,
                                           "fails.json": KINDS["fails.json"]})
    folder = tmp_path / "examples" / "westminster"
    wide = {"COLUMNS": "300"}  # the temporary folder's paths are long: no line wrapped
    verbose = run_cli("test", "-v", str(ruleset), env=wide).stdout.splitlines()
    assert [line.split()[0] for line in verbose if line.startswith("  ") and line.endswith(".json")] == [
        "ok", "FAIL", "ok"]
    normal = run_cli("test", str(ruleset), env=wide).stdout.splitlines()
    assert f"  FAIL  {folder / 'fails.json'}" in normal and "  2 passed" in normal
    assert not any(line.startswith("  ok ") for line in normal)
    quiet = run_cli("test", "-q", str(ruleset), env=wide)
    assert quiet.returncode == 1
    lines = quiet.stdout.splitlines()
    assert lines[0] == str(ruleset) and lines[1] == f"  FAIL  {folder / 'fails.json'}"
    assert lines[-1] == "2 passed, 1 failed"
    assert not any("coverage" in line or line.startswith("  ok ") for line in lines)
    both = run_cli("test", "-v", "-q", str(ruleset), env=wide)
    assert both.returncode == 2 and "give one of them" in both.stderr
    # All passing, -q is the count alone.
    (folder / "fails.json").unlink()
    assert run_cli("test", "-q", str(ruleset), env=wide).stdout == "2 passed\n"


def test_against_runs_one_rulesets_examples_under_another(tmp_path):
    ruleset = _copy_westminster(tmp_path, {"six.json": WITHIN_SIX})
    mine = tmp_path / "mine.ftr"
    text = WESTMINSTER.read_text(encoding="utf-8")
    assert "up to 6 hours per month for duties" in text
    mine.write_text(text.replace("up to 6 hours per month for duties", "up to 5 hours per month for duties"),
                    encoding="utf-8")
    result = run_cli("test", "--no-coverage", "--against", str(mine), str(ruleset), env={"COLUMNS": "200"})
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"{mine}, deciding the examples of {ruleset}"
    assert "        request r1: outcome: expected \"entitled\", got \"discretionary\"" in lines
    assert any("4 h taken + 2 h asked = 6 h > 5 h per month" in line for line in lines)
    data = json.loads(run_cli("test", "--format", "json", "--against", str(mine), str(ruleset)).stdout)
    [suite] = data["rulesets"]
    assert (suite["ruleset"], suite["decided by"]) == (str(ruleset), str(mine))
    # Under the agreement itself the example holds.
    same = run_cli("test", "--against", str(WESTMINSTER), str(ruleset))
    assert same.returncode == 0 and same.stdout.splitlines()[-1] == "1 passed"


# ---- which rulesets a folder's walk tests --------------------------------------------------------------

def test_a_folder_walk_tests_the_rulesets_with_examples_only(tmp_path):
    def ruleset_with(folder, tests=True):
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(WESTMINSTER, folder / "westminster.ftr")
        if tests:
            (folder / "examples" / "westminster").mkdir(parents=True)
            (folder / "examples" / "westminster" / "six.json").write_text(json.dumps(WITHIN_SIX), encoding="utf-8")

    ruleset_with(tmp_path / "agreements")
    ruleset_with(tmp_path / "drafts", tests=False)
    ruleset_with(tmp_path / ".hidden")
    ruleset_with(tmp_path / "fixtures" / "meant-to-fail")
    (tmp_path / "fixtures" / testing.NOT_TESTED).write_text("", encoding="utf-8")
    result = run_cli("test", "-v", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    headings = [line for line in result.stdout.splitlines() if line.endswith(".ftr")]
    assert headings == ["agreements/westminster.ftr"]
    # A folder marked is tested when it is the folder named; a ruleset with no examples, when it is named.
    assert run_cli("test", "fixtures/meant-to-fail", cwd=tmp_path).returncode == 0
    named = run_cli("test", "drafts/westminster.ftr", cwd=tmp_path)
    assert "no tests (put them in drafts/examples/westminster/)" in named.stdout
    none = run_cli("test", "drafts", cwd=tmp_path)
    assert none.returncode == 2
    assert none.stderr.startswith("error E350: no ruleset in the folder 'drafts' has examples to test (1 ruleset, "
                                  "none with an examples folder)")


def test_bare_test_at_the_top_of_the_sources_leaves_the_bad_fixtures_alone():
    bare = run_cli("test", "-v", "--no-coverage", cwd=ROOT)
    assert bare.returncode == 0, bare.stdout
    assert "tests/bad" not in bare.stdout
    under = run_cli("test", "-v", "--no-coverage", "rulesets", cwd=ROOT)
    assert bare.stdout == under.stdout


def test_the_testing_page_shows_what_ftdsl_prints():
    # Every `$ ftdsl` block of docs/testing.md, run from the top of the sources; JUnit's times, which differ
    # from run to run, are shown as "...".
    from doc_examples import assert_shown, blocks, run_block

    page = blocks("docs/testing.md")
    assert len(page) >= 5
    for block in page:
        command, *shown = block.rstrip("\n").split("\n")
        code, printed = run_block(block)
        assert code == 0, printed
        assert_shown(shown, [re.sub(r'time="\d+\.\d{3}"', 'time="..."', line) for line in printed])
