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
    assert (secretary["status"], secretary["why"], secretary["holds"], secretary["mark"]) == (
        "does not apply", "only for branch secretary", False, "does not apply")
    teaching = rule(request, "grants", "6.13", "teacher")
    assert teaching["why"] == "only when staff group is teaching"
    # A rule that leaves this person out is not broken: it is marked apart from one that was.
    assert "· §6.3 branch secretary release per week for duties: does not apply (only for branch secretary)" in \
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


# ---- marks: broken, does not apply, a note, and values assumed --------------------------------------------

MARKED = """roles: representative, branch secretary
categories: duties, training
fact roles: list of roles
request fact urgent: yes/no, assumed no
§1 representative may take up to 6 hours per month for duties
§2 branch secretary may take up to 10 hours per month for duties
§3 representative may take up to 2 days per year for training
§4 time off is given only when not urgent
§5.1 requests should state purpose and location
§5.2 requests for training must state purpose
§6 duties, training are paid
§6 duties, training outside working hours are unpaid
a working day is 7 hours
"""


@pytest.fixture(scope="module")
def marked():
    return load_ruleset_text(MARKED)


def _marks(request) -> dict:
    """Each rule's mark, by its clause and the start of its words."""
    return {(r["clause"], r["text"].split()[0]): r["mark"] for step in request["steps"] for r in step["rules"]}


def _legend(text: str) -> list[str]:
    lines = text.splitlines()
    return lines[lines.index("Marks:") + 1:]


def test_a_broken_rule_is_told_from_one_that_does_not_apply_and_from_a_note(marked):
    # 7 h of duties against §1's 6 hours: broken (so discretionary at best, and here not entitled, as the
    # agreement gives no more); §2 is for a branch secretary, not this person; §5.1 only asks.
    data = scenario({"id": "d", "date": "2026-03-20", "category": "duties", "hours": 7, "in working hours": True,
                     "urgent": False}, facts={"roles": ["representative"]})
    request = only(explain(marked, data))
    assert request["outcome"] == "not_entitled"
    marks = _marks(request)
    assert marks[("1", "6")] == "broken"
    assert marks[("2", "10")] == "does not apply"
    assert marks[("4", "time")] == "met"
    text = to_text(explain(marked, data))
    assert "✗ §1 6 hours per month for duties: exceeded" in text
    assert "· §2 10 hours per month for duties: does not apply (only for branch secretary)" in text
    # Nothing was left out, and the steps after the allowance were not reached: no ? and no !.
    assert _legend(text) == ["  ✓ met, or applies", "  ✗ broken: not met, so the request is not simply entitled",
                             "  · does not apply to this person or request (or was not needed)"]


def test_should_state_is_a_note_and_must_state_is_broken(marked):
    data = scenario({"id": "d", "date": "2026-03-20", "category": "duties", "hours": 2, "urgent": False,
                     "in working hours": True},
                    {"id": "t", "date": "2026-03-21", "category": "training", "hours": 2, "urgent": False,
                     "in working hours": True},
                    facts={"roles": ["representative"]})
    duties, training = explain(marked, data)["requests"]
    assert duties["outcome"] == "entitled" and training["outcome"] == "not_entitled"
    assert _marks(duties)[("5.1", "requests")] == "note"  # the request is entitled all the same
    assert _marks(training)[("5.2", "requests")] == "broken"  # a request that must state its purpose
    assert _marks(training)[("5.1", "requests")] == "note"  # should, not must: it never decides
    text = to_text(explain(marked, data))
    assert "! §5.1 requests state purpose, location: not met" in text
    assert "✗ §5.2 requests state purpose: not met" in text
    assert "  ! a note: not met, but it does not change the outcome" in _legend(text)


def test_a_value_the_request_left_out_is_said_with_the_value_and_why(marked):
    data = scenario({"id": "d", "date": "2026-03-20", "category": "duties", "hours": 2,
                     "purpose": "JCC", "location": "hall"}, facts={"roles": ["representative"]})
    request = only(explain(marked, data))
    [requirement] = [r for s in request["steps"] for r in s["rules"] if r["clause"] == "4"]
    assert requirement["mark"] == "met"
    [assumed] = requirement["assumed"]
    assert (assumed["fact"], assumed["value"]) == ("urgent", False)
    text = to_text(explain(marked, data))
    assert "? assumed 'urgent' is no: the request does not say, and the ruleset declares it 'assumed no' " \
           "(<ruleset> line 4)" in " ".join(text.split())
    # The pay rule for time outside working hours does not apply because the request is taken to be in them.
    [unpaid] = [r for r in request["steps"][-1]["rules"] if r["text"].endswith("unpaid")]
    assert (unpaid["mark"], unpaid["assumed"][0]["fact"], unpaid["assumed"][0]["value"]) == (
        "does not apply", "in working hours", True)
    assert "? assumed the time is in working hours: the request does not say" in text
    assert _legend(text)[-1] == "  ? a value assumed because the request left it out"
    # Said, nothing is assumed: the same decision, and no ? at all.
    said = scenario({"id": "d", "date": "2026-03-20", "category": "duties", "hours": 2, "purpose": "JCC",
                     "location": "hall", "urgent": False, "in working hours": True}, facts={"roles": ["representative"]})
    plain = only(explain(marked, said))
    assert plain["outcome"] == request["outcome"] == "entitled"
    assert not any(r.get("assumed") for s in plain["steps"] for r in s["rules"])
    assert "?" not in to_text(explain(marked, said))


@settings(max_examples=25, deadline=None)
@given(hours=st.integers(0, 24), taken=st.integers(0, 12), roles=st.sampled_from([["representative"],
       ["branch secretary"], ["representative", "branch secretary"]]), category=st.sampled_from(["duties", "training"]),
       urgent=st.sampled_from([None, True, False]), purpose=st.booleans())
def test_marks_follow_how_each_rule_counted(marked, hours, taken, roles, category, urgent, purpose):
    request = {"id": "r", "date": "2026-03-20", "category": category, "hours": hours,
               **({"purpose": "JCC"} if purpose else {}), **({} if urgent is None else {"urgent": urgent})}
    data = scenario(request, facts={"roles": roles}, taken=[{"date": "2026-03-02", "category": "duties",
                                                                   "hours": taken}])
    tree = explain(marked, data)
    decided = only(tree)
    for step in decided["steps"]:
        for rule in step["rules"]:
            passed_by = rule["status"] in ("does not apply", "not reached", "not needed")
            assert (rule["mark"] == "does not apply") == passed_by
            assert (rule["mark"] == "met") == (rule["holds"] is True and not passed_by)
            if rule["mark"] == "broken":  # only what keeps the request from being entitled is broken
                assert decided["outcome"] != "entitled"
            # A rule assumed 'urgent' only when the request left it out.
            assert not (urgent is not None and any(a["fact"] == "urgent" for a in rule.get("assumed", ())))
    # The legend lists exactly the marks the tree uses, once, in its order.
    text = to_text(tree)
    signs = {"met": "✓", "broken": "✗", "note": "!", "does not apply": "·"}
    used = {signs[r["mark"]] for s in decided["steps"] for r in s["rules"]}
    if any(r.get("assumed") for s in decided["steps"] for r in s["rules"]):
        used.add("?")
    legend = [line.split()[0] for line in _legend(text)]
    assert sorted(legend) == sorted(used) and len(legend) == len(set(legend))
    assert text.count("Marks:") == 1
