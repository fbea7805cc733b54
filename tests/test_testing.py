"""`ftdsl test`: expectations compared, readable failures, discovery and coverage."""

from __future__ import annotations

import json
import shutil

from conftest import RULESETS, WESTMINSTER, run_cli
from ftdsl import testing
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
