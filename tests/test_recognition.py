"""The recognition-and-facilities agreement: each example scenario in, its decisions compared with its expect block."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

import ftdsl
from conftest import RULESETS

RULESET = RULESETS / "recognition-and-facilities.ftr"
EXAMPLES = sorted((RULESETS / "examples" / "recognition-and-facilities").glob("*.json"))


@pytest.fixture(scope="module")
def recognition():
    return ftdsl.load_ruleset(str(RULESET))


def test_there_are_examples():
    assert len(EXAMPLES) >= 6


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example(recognition, path):
    scenario = json.loads(path.read_text(encoding="utf-8"))
    expect = scenario["expect"]
    report = recognition.decide(scenario, str(path))
    decisions = {d["id"]: d for d in report["decisions"]}
    for request_id, expected in expect.items():
        if request_id == "values":
            for name, value in expected.items():
                assert Fraction(str(report["values"][name]["value"])) == Fraction(str(value)), name
            continue
        decision = decisions[request_id]
        got = {key: decision[key] for key in expected}
        assert got == expected, f"{path.name}: {request_id}: {decision['reasons']}"


def test_day_length_makes_nine_days_66_6_hours(recognition):
    limit = recognition.model.limits[0]
    assert recognition.model.working_day == Fraction(37, 5)
    assert limit.hours == Fraction(333, 5)
    assert (limit.period.kind, limit.period.count, limit.period.unit) == ("rolling", 12, "months")


def test_every_heading_is_a_clause(recognition):
    clauses = {r.clause for family in (recognition.model.grants, recognition.model.pays, recognition.model.limits,
                                       recognition.model.requirements, recognition.model.discretions) for r in family}
    assert clauses == {"Time off for trade union activities", "Time off for trade union duties", "Time off for training",
                       "Time off for union learning representatives", "Payment"}
