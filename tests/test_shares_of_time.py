"""Limits worked out for each person: a share of their working time ('limited to 50% of contracted hours per
week'), a fact of type 'hours', '50% of the working week'.

From docs/language.md's example: the working week is 37 hours; duties and activities together are limited to
50% of the representative's contracted hours a week (§3).
"""

from __future__ import annotations

import re
from fractions import Fraction

import pytest
from conftest import ROOT
from test_parts import _through_batch

from ftdsl.api import load_ruleset_text
from ftdsl.errors import FtdslError
from ftdsl.lint import lint

LANGUAGE = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
SECTION = LANGUAGE.split("### Limits across categories\n", 1)[1].split("\n### ", 1)[0]
RULESET = re.findall(r"```\n(.*?)```", SECTION, re.S)[1]


@pytest.fixture(scope="module")
def shares():
    return load_ruleset_text(RULESET, "shares.ftr")


def scenario(contracted, taken, asked):
    return {"facts": {"roles": ["representative"], "contracted hours": contracted},
            "taken": [{"date": "2026-03-02", "category": "duties", "hours": taken}],
            "requests": [{"id": "r1", "date": "2026-03-04", "category": "duties", "hours": asked}]}


def test_the_language_pages_example_checks_clean(shares):
    [limit] = shares.program.model.limits
    assert limit.hours is None and limit.quantity is not None
    assert lint(shares.program.model) == []


@pytest.mark.parametrize("contracted, taken, asked, within", [
    (22.5, 8, 5, Fraction(13, 4)),  # 50% of 22.5 = 11.25; 8 taken: 3.25 left of 5 asked
    (37, 10, 5, Fraction(17, 2)),   # 18.5 h: 8.5 left, the 5 asked all within
    (10, 5, 2, 0),                  # 5 h: none left
])
def test_the_limit_is_a_share_of_the_persons_contracted_hours(shares, contracted, taken, asked, within):
    [decision] = shares.decide(scenario(contracted, taken, asked))["decisions"]
    parts = decision.get("parts") or [{"hours": decision["hours"], "outcome": decision["outcome"]}]
    entitled = sum((Fraction(str(p["hours"])) for p in parts if p["outcome"] == "entitled"), Fraction(0))
    assert entitled == min(Fraction(asked), within)
    if within < asked:
        assert any("50% of contracted hours, where contracted hours is" in r for r in decision["reasons"])


def test_a_log_decides_as_the_scenario_does(shares):
    data = scenario(22.5, 8, 5)
    data["requests"] = [{"id": "t", **data["taken"][0]}, *data["requests"]]
    del data["taken"]
    decisions = shares.decide(data)["decisions"]
    output, _ = _through_batch(shares.program, data, "jsonl")
    import json

    lines = [json.loads(line) for line in output.splitlines()]
    assert [(d["outcome"], [p["hours"] for p in d.get("parts", [])]) for d in lines] == [
        (d["outcome"], [p["hours"] for p in d.get("parts", [])]) for d in decisions]


def test_hours_facts_are_zero_or_more(shares):
    with pytest.raises(FtdslError) as error:
        shares.decide(scenario(-1, 0, 1))
    assert "0 hours or more" in str(error.value)


def test_a_share_of_the_working_week_is_fixed_hours():
    program = load_ruleset_text("a working week is 37 hours\ncategories: duties\n"
                                "§1 duties are limited to 50% of the working week per week\n").program
    assert program.model.limits[0].hours == Fraction(37, 2)


def test_the_working_day_must_be_defined_to_be_used():
    with pytest.raises(FtdslError) as error:
        load_ruleset_text("categories: duties\n§1 duties are limited to 50% of the working day per week\n")
    assert error.value.diagnostics[0].code == "E205"
