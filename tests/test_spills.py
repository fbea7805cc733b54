"""Time beyond an allowance or a limit that counts as another category ('time for duties beyond the allowance
counts as additional paid hours'): that time is decided by the other category's rules and counts against it.

The ruleset is docs/language.md's example. By its text: duties have 6 hours a month (§1), and the time beyond
counts as additional paid hours (§2), which have 10 hours a month (§3); training is limited to 5 days a year of
7.5 hours, 37.5 h (§4), is reasonable time (§8), and the time over the limit is treated as activities (§5), which
management may grant (§9) and which are unpaid (§7); duties, additional paid hours and training are paid (§6).
"""

from __future__ import annotations

import re
from collections import defaultdict
from fractions import Fraction

import pytest
from conftest import ROOT, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_parts import _through_batch

from ftdsl.api import load_ruleset_text
from ftdsl.errors import FtdslError
from ftdsl.lint import lint

LANGUAGE = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
SECTION = LANGUAGE.split("### Time beyond an allowance that counts as another category\n", 1)[1]
RULESET = re.search(r"```\n(.*?)```", SECTION, re.S).group(1)
REP = {"roles": ["representative"]}
PAID = "additional paid hours"


@pytest.fixture(scope="module")
def spills():
    return load_ruleset_text(RULESET, "spills.ftr")


def decide(ruleset, requests, taken=()):
    return ruleset.decide({"facts": REP, "taken": list(taken), "requests": list(requests)})["decisions"]


def ask(day, category, hours, id="r1"):
    return {"id": id, "date": day, "category": category, "hours": hours}


def shape(decision):
    return [(Fraction(str(p["hours"])), p["outcome"], p["paid"], p.get("treated as")) for p in decision["parts"]]


def test_the_language_pages_example_checks_clean(spills):
    model = spills.program.model
    assert [(s.categories, s.beyond, s.into) for s in model.spills] == [
        (("duties",), "allowance", PAID), (("training",), "limit", "activities")]
    assert lint(model) == []


def test_the_hours_beyond_the_duties_allowance_are_additional_paid_hours(spills):
    # 5 of the 6 hours used, 3 asked: 1 h within §1, and 2 h beyond it, within §3's 10 h.
    [decision] = decide(spills, [ask("2026-03-20", "duties", 3)], taken=[ask("2026-03-02", "duties", 5)])
    assert shape(decision) == [(1, "entitled", True, None), (2, "entitled", True, PAID)]
    assert decision["parts"][1]["clauses"] == ["1", "2", "3"]
    assert decision["treated as"] == PAID
    assert any("the 2 h beyond the allowance count as additional paid hours" in r for r in decision["reasons"])


def test_time_that_spilled_counts_against_the_other_category(spills):
    # 10 h of duties in March: 6 within §1, 4 beyond as additional paid hours. Then 7 h of additional paid
    # hours: 4 + 7 = 11 > 10, so 6 h are within §3 and 1 h is not.
    first, second = decide(spills, [ask("2026-03-02", "duties", 10, "d"), ask("2026-03-03", PAID, 7, "p")])
    assert shape(first) == [(6, "entitled", True, None), (4, "entitled", True, PAID)]
    assert shape(second) == [(6, "entitled", True, None), (1, "not_entitled", False, None)]


def test_where_the_other_category_holds_only_some_the_request_divides_there_too(spills):
    # 18 h of duties: 6 within §1, 10 of the 12 beyond within §3, and the last 2 h, additional paid hours too,
    # over §3's allowance (with no discretion for them: not entitled).
    [decision] = decide(spills, [ask("2026-03-02", "duties", 18)])
    assert shape(decision) == [(6, "entitled", True, None), (10, "entitled", True, PAID),
                               (2, "not_entitled", False, PAID)]


def test_time_over_a_limit_is_treated_as_activities(spills):
    # 35 of the 37.5 h of training used this year (from 1 April): of 7.5 h, 2.5 h are within the limit, and 5 h
    # over it are activities, for management to grant (§9), unpaid (§7).
    [decision] = decide(spills, [ask("2026-05-20", "training", 7.5)], taken=[ask("2026-04-10", "training", 35)])
    assert shape(decision) == [(Fraction(5, 2), "entitled", True, None), (5, "discretionary", False, "activities")]


def test_time_that_spilled_does_not_spill_again():
    # Duties beyond their 6 h count as extra, extra beyond its 2 h as duties: 10 h of duties are 6 h within §1,
    # 2 h within §4 as extra, and 2 h within neither (they do not go round again).
    program = load_ruleset_text(
        "roles: rep\ncategories: duties, extra\nfact roles: list of roles\n"
        "§1 rep may take up to 6 hours per month for duties\n"
        "§2 time for duties beyond the allowance counts as extra\n"
        "§3 time for extra beyond the allowance counts as duties\n"
        "§4 rep may take up to 2 hours per month for extra\n§5 duties, extra are paid\n", "loop.ftr")
    [decision] = program.decide({"facts": {"roles": ["rep"]}, "requests": [ask("2026-03-02", "duties", 10)]})[
        "decisions"]
    assert [(Fraction(str(p["hours"])), p["outcome"]) for p in decision["parts"]] == [
        (6, "entitled"), (2, "entitled"), (2, "not_entitled")]


def test_a_spill_into_its_own_category_is_an_error():
    with pytest.raises(FtdslError) as error:
        load_ruleset_text("categories: duties\n§1 time for duties beyond the allowance counts as duties\n")
    assert "E241" in str(error.value.diagnostics[0].code)


def test_check_warns_of_a_spill_that_cannot_happen():
    program = load_ruleset_text(
        "roles: rep\ncategories: duties, training, extra\nfact roles: list of roles\n"
        "§1 rep may take up to 6 hours per month for duties\n§2 time for duties beyond the allowance counts as extra\n"
        "§3 time for training beyond the limit counts as duties\n§4 rep may take reasonable time for training\n"
        "§5 duties, training, extra are paid\n", "warned.ftr")
    codes = [d.code for d in lint(program.model)]
    assert "W181" in codes and "W182" in codes


def test_the_printer_keeps_the_words_written(tmp_path):
    path = tmp_path / "spills.ftr"
    path.write_text(RULESET, encoding="utf-8")
    assert "is treated as activities" in RULESET and "counts as additional paid hours" in RULESET
    result = run_cli("fmt", "--check", str(path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_log_decides_as_the_scenario_does(spills):
    scenario = {"facts": REP, "requests": [ask("2026-03-02", "duties", 10, "d"), ask("2026-03-03", PAID, 7, "p"),
                                           ask("2026-04-10", "training", 40, "t")]}
    decisions = spills.program.decide(scenario)["decisions"]
    output, summary = _through_batch(spills.program, scenario, "jsonl")
    import json

    lines = [json.loads(line) for line in output.splitlines()]
    assert [(d["outcome"], d["paid"], d["clauses"], d.get("parts")) for d in lines] == [
        (d["outcome"], d["paid"], d["clauses"],
         [{k: p[k] for k in ("hours", "outcome", "paid", "clauses")} for p in d["parts"]] if "parts" in d else None)
        for d in decisions]
    # Hours by outcome add up part by part: 10 + 7 + 40 asked; entitled 6 + 4, 6, 37.5; discretionary 2.5.
    assert summary["duties"]["entitled"] == 10 and summary[PAID]["entitled"] == 6
    assert summary["training"]["entitled"] == Fraction(75, 2) and summary["training"]["discretionary"] == Fraction(5, 2)


_MARCH = [f"2026-03-{day:02d}" for day in range(2, 29)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(_MARCH), st.sampled_from(["duties", PAID]), st.integers(0, 40)),
                min_size=1, max_size=12))
def test_spilled_time_never_gives_more_than_either_allowance(spills, requests):
    # In one month, whatever is asked: the parts add up to what was asked; what is within the agreement as
    # duties is at most §1's 6 h, and as additional paid hours (asked, or beyond the duties allowance) at most
    # §3's 10 h.
    asked = [ask(day, category, Fraction(quarters, 4), str(i)) for i, (day, category, quarters) in enumerate(requests)]
    decided = decide(spills, [{**r, "hours": float(r["hours"])} for r in asked])
    within = defaultdict(Fraction)
    for request, decision in zip(asked, decided):
        parts = decision.get("parts") or [{"hours": decision["hours"], "outcome": decision["outcome"],
                                           **({"treated as": decision["treated as"]} if "treated as" in decision
                                              else {})}]
        assert sum(Fraction(str(p["hours"])) for p in parts) == request["hours"]
        for part in parts:
            if part["outcome"] == "entitled":
                within[part.get("treated as", request["category"])] += Fraction(str(part["hours"]))
    assert within["duties"] <= 6 and within[PAID] <= 10, dict(within)


def test_explain_shows_the_spill_and_the_other_categorys_rules(spills):
    from ftdsl.explain import explain

    data = {"facts": REP, "taken": [ask("2026-03-02", "duties", 5)], "requests": [ask("2026-03-20", "duties", 3)]}
    [request] = explain(spills, data)["requests"]
    steps = {step["step"]: step for step in request["steps"]}
    assert [r["clause"] for r in steps["treated as"]["rules"]] == ["3"]
    assert any(r["clause"] == "2" and r["holds"] for r in steps["grants"]["rules"])
    assert [r["clause"] for r in steps["pay"]["rules"]] == ["6"]  # paid as additional paid hours are
