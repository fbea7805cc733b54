"""`ftdsl explain`: the reasoning behind each decision, and the smallest change that alters it."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import WESTMINSTER, run_cli
from ftdsl.api import load_ruleset_text
from ftdsl.errors import FtdslError
from ftdsl.explain import explain, to_text
from ftdsl.scenario import validate_scenario

REP = {"roles": ["representative"], "staff group": "non-teaching", "employed by council": True,
       "branch members": 300, "school members": 12}
STATED = {"purpose": "JCC", "location": "City Hall"}


def scenario(*requests, facts=REP, taken=()):
    return {"facts": facts, "taken": list(taken), "requests": list(requests)}


def only(tree):
    [request] = tree["requests"]
    return request


def rule(request, step, clause, text_start=""):
    [found] = [r for s in request["steps"] if s["step"] == step for r in s["rules"]
               if r["clause"] == clause and r["text"].startswith(text_start)]
    return found


def test_discretionary_request_names_quotes_sums_and_says_what_would_make_it_entitled(westminster):
    data = scenario({"id": "r1", "date": "2026-03-20", "category": "duties", "hours": 3, **STATED},
                    taken=[{"date": "2026-03-02", "category": "duties", "hours": 4}])
    request = only(explain(westminster, data))
    assert request["outcome"] == "discretionary"
    allowance = rule(request, "grants", "6.12", "6 hours")
    assert allowance["status"] == "exceeded"
    assert allowance["why"].startswith("4 h taken + 3 h asked = 7 h > 6 h per month for duties")
    assert allowance["quotes"] == ["Recognised representatives are entitled to up to 6 hours per month for duties as "
                                   "described in Paragraph 5.3"]
    assert rule(request, "grants", "6.13", "additional")["status"] == "applies"
    assert [c["text"] for c in request["changes"]] == ["ENTITLED if 1 h fewer were asked (2 h)"]
    text = to_text(explain(westminster, data))
    assert "✗ §6.12 6 hours per month for duties: exceeded: 4 h taken + 3 h asked = 7 h > 6 h" in text
    assert "“Recognised representatives are entitled to up to 6 hours per month" in text
    assert "└─ ENTITLED if 1 h fewer were asked (2 h)" in text


def test_why_not(westminster):
    data = scenario({"id": "r1", "date": "2026-03-20", "category": "duties", "hours": 1, **STATED})
    request = only(explain(westminster, data))
    secretary = rule(request, "grants", "6.3")
    assert (secretary["status"], secretary["why"], secretary["holds"]) == (
        "does not apply", "only for branch secretary", False)
    teaching = rule(request, "grants", "6.13", "teacher")
    assert teaching["why"] == "only when staff group is teaching"
    assert "✗ §6.3 branch secretary release per week for duties: does not apply (only for branch secretary)" in \
        to_text(explain(westminster, data))


def test_steps_after_a_refusal_are_not_reached(westminster):
    facts = dict(REP, **{"employed by council": False})
    request = only(explain(westminster, scenario({"date": "2026-03-20", "category": "duties", "hours": 1},
                                                 facts=facts)))
    assert request["outcome"] == "not_entitled"
    assert rule(request, "requirements", "4.2")["status"] == "not met"
    assert rule(request, "grants", "6.12", "6 hours")["status"] == "not reached"
    assert rule(request, "pay", "5.3")["status"] == "not reached"
    assert request["changes"] == []


def test_notice_earlier(westminster):
    data = scenario({"id": "c1", "date": "2026-03-20", "category": "conference", "days": 2, "notice days": 30,
                     **STATED})
    request = only(explain(westminster, data))
    assert request["outcome"] == "discretionary"
    assert rule(request, "notice", "6.17")["why"] == "30 days' notice given, 42 days asked for"
    assert request["changes"] == [{"change": "notice days", "from": 30, "to": 42, "outcome": "entitled",
                                   "text": "ENTITLED if asked 12 days earlier (42 days' notice)"}]


def test_headroom_of_an_entitled_request(westminster):
    data = scenario({"id": "j1", "date": "2026-03-20", "category": "joint committee meetings", "hours": 1, **STATED},
                    taken=[{"date": "2026-03-02", "category": "joint committee meetings", "hours": 1.5}])
    [change] = only(explain(westminster, data))["changes"]
    assert change["text"] == "DISCRETIONARY if more than 2.5 h were asked (1.5 h more than now)"


def test_a_request_exactly_at_the_limit_says_so(westminster):
    convenor = {**REP, "roles": ["departmental convenor"]}
    data = scenario({"id": "d1", "date": "2026-03-20", "category": "duties", "days": 1, **STATED}, facts=convenor)
    request = only(explain(westminster, data))
    assert request["outcome"] == "entitled"
    [change] = request["changes"]
    assert change["text"] == "DISCRETIONARY if more than 7.2 h were asked (the request is exactly at the limit)"


def test_other_changes_to_the_request(westminster):
    data = scenario({"id": "t1", "date": "2026-03-20", "category": "training", "days": 6, **STATED},
                    {"id": "a1", "date": "2026-03-20", "category": "activities", "hours": 2, "in working hours": False,
                     **STATED})
    tree = explain(westminster, data)
    training, activities = tree["requests"]
    assert [c["text"] for c in training["changes"]] == [
        "ENTITLED if 7.2 h fewer were asked (36 h)", "DISCRETIONARY if 'new representative training' were yes"]
    assert [c["text"] for c in activities["changes"]] == ["DISCRETIONARY if the time were in working hours"]


def test_request_filter_and_unknown_id(westminster):
    data = scenario({"id": "a", "date": "2026-03-20", "category": "duties", "hours": 1},
                    {"id": "b", "date": "2026-03-21", "category": "duties", "hours": 1})
    assert [r["id"] for r in explain(westminster, data, "b")["requests"]] == ["b"]
    with pytest.raises(FtdslError) as error:
        explain(westminster, data, "c")
    assert error.value.diagnostics[0].code == "E302"


def test_command_line(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps(scenario({"id": "r1", "date": "2026-03-20", "category": "duties", "hours": 7})),
                    encoding="utf-8")
    text = run_cli("explain", str(WESTMINSTER), str(path))
    assert text.returncode == 0, text.stderr
    assert "Request r1 (2026-03-20, duties, 7 h): DISCRETIONARY" in text.stdout
    assert "ENTITLED if 1 h fewer were asked (6 h)" in text.stdout
    data = run_cli("explain", "--format", "json", "--request", "r1", str(WESTMINSTER), str(path))
    tree = json.loads(data.stdout)
    assert tree["requests"][0]["changes"][0]["exact"] == "6"
    missing = run_cli("explain", "--request", "nope", str(WESTMINSTER), str(path))
    assert missing.returncode == 2 and "E302" in missing.stderr and "Traceback" not in missing.stderr


SMALL = """a working day is 7 hours 20 minutes
roles: representative
categories: duties
fact roles: list of roles
§1 representative may take up to {minutes} minutes per month for duties
§2 duties are paid
"""


@settings(max_examples=15)
@given(minutes=st.integers(1, 600), taken=st.integers(0, 40), extra=st.integers(1, 40))
def test_fewer_hours_is_exact(minutes, taken, extra):
    # Quarters of an hour are exact floats; the allowance is in minutes, so the
    # answer is often a fraction no decimal writes exactly (thirds of an hour).
    ruleset = load_ruleset_text(SMALL.format(minutes=minutes))
    limit = Fraction(minutes, 60)
    used = Fraction(taken, 4)
    asked = Fraction(math.floor(max(limit - used, Fraction(0)) * 4) + extra, 4)  # more than is left
    data = {"facts": {"roles": ["representative"]},
            "taken": [{"date": "2026-03-01", "category": "duties", "hours": taken / 4}],
            "requests": [{"id": "r", "date": "2026-03-20", "category": "duties", "hours": float(asked)}]}
    request = only(explain(ruleset, data))
    assert request["outcome"] == "not_entitled"
    changes = [c for c in request["changes"] if c["change"] == "hours"]
    if used >= limit:
        assert changes == []  # the allowance is used up: no amount would do
    else:
        assert [Fraction(c["exact"]) for c in changes] == [limit - used]


def test_a_request_decided_alone_against_its_history_matches_the_whole_scenario(westminster):
    # explain re-decides one request against the time counted before it; unchanged, that must
    # give the same outcome as deciding the whole scenario.
    from ftdsl.explain import _Variants

    categories = ["duties", "joint committee meetings", "training", "conference", "mass meeting", "duties"]
    requests = [{"id": str(i), "date": f"2026-03-{10 + i % 7:02d}", "category": categories[i % 6],
                 "hours": 1 + (i % 5) * 1.5, "notice days": 7 * (i % 7), **STATED} for i in range(30)]
    requests.append({"id": "t", "date": "2026-03-12", "category": "training", "days": 6})
    data = scenario(*requests, taken=[{"date": "2026-03-01", "category": "duties", "hours": 2}])
    report = westminster.decide(data)
    validated = validate_scenario(data, westminster.program.vocabulary)
    variants = _Variants(westminster.program, validated)
    assert [variants.outcome(i, lambda r: None) for i in range(len(requests))] == [
       
        d["outcome"] for d in report["decisions"]]
    assert {d["outcome"] for d in report["decisions"]} == {"entitled", "discretionary", "not_entitled"}
