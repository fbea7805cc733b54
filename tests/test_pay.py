"""Pay: which pay rule decides, what the reasons and explanations say about it,
and request facts that are assumed when a request leaves them out."""

from __future__ import annotations

import pytest

import ftdsl
from conftest import RULESETS
from ftdsl.explain import explain

# Two pay rules with conditions that can both hold and say different things.
CONFLICTING = """roles: representative
categories: duties
fact roles: list of roles
fact works shifts: yes/no
fact part-time: yes/no
request fact within full-time hours: yes/no, assumed no
§1 representative may take reasonable time for duties
§2 duties outside working hours are unpaid
§3 duties outside working hours are paid subject to management agreement
    when works shifts
§4 duties outside working hours are paid
    when part-time and within full-time hours
"""


@pytest.fixture(scope="module")
def recognition():
    return ftdsl.load_ruleset(RULESETS / "recognition-and-facilities.ftr")


@pytest.fixture(scope="module")
def conflicting():
    return ftdsl.load_ruleset_text(CONFLICTING, "pay.ftr")


def decide(ruleset, facts, request):
    [decision] = ruleset.decide({"facts": facts, "requests": [{"id": "r", "date": "2026-06-01", **request}]})["decisions"]
    return decision


def pay_steps(ruleset, facts, request):
    """(status, rule text) of each pay rule in the explanation of one request."""
    scenario = {"facts": facts, "requests": [{"id": "r", "date": "2026-06-01", **request}]}
    [tree] = explain(ruleset, scenario)["requests"]
    [pay] = [step for step in tree["steps"] if step["step"] == "pay"]
    return [(node["status"], node["text"] or node["rule"], node["why"]) for node in pay["rules"]]


def test_conflicting_pay_rules_leave_pay_to_management_and_name_both(conflicting):
    decision = decide(conflicting, {"roles": ["representative"], "works shifts": True, "part-time": True},
                      {"category": "duties", "hours": 2, "in working hours": False, "within full-time hours": True})
    assert decision["paid"] is None
    [reason] = [r for r in decision["reasons"] if "disagree" in r]
    assert "paid subject to management agreement when works shifts (§3)" in reason
    assert "paid when part-time and within full-time hours (§4)" in reason


def test_only_the_pay_rule_that_decided_is_shown_as_applying(recognition):
    # Every pay rule of the recognition agreement has the clause "Payment":
    # the explanation must tell them apart by what they say, not by clause.
    facts = {"roles": ["representative"], "works flexibly": False, "part-time": True}
    steps = pay_steps(recognition, facts, {"category": "duties", "hours": 2})
    applying = [why for status, _, why in steps if status == "applies"]
    assert applying == ["paid"]
    assert all(why == "only outside working hours" for status, _, why in steps if status != "applies")
    outside = pay_steps(recognition, facts, {"category": "duties", "hours": 2, "in working hours": False})
    assert [why for status, _, why in outside if status == "applies"] == ["unpaid"]
    assert ("does not apply", "only when part-time and within full-time hours") in [(s, w) for s, _, w in outside]


def test_an_assumed_request_fact_is_named_in_the_reasons(recognition):
    facts = {"roles": ["representative"], "works flexibly": False, "part-time": True}
    decision = decide(recognition, facts, {"category": "training", "hours": 7, "approved by union": True,
                                           "in working hours": False})
    assert decision["paid"] is False
    assert "the request does not say 'within full-time hours', so it is taken as no" in decision["reasons"]
    given = decide(recognition, facts, {"category": "training", "hours": 7, "approved by union": True,
                                        "in working hours": False, "within full-time hours": True})
    assert given["paid"] is True
    assert not any("taken as" in r for r in given["reasons"])


@pytest.mark.parametrize("written, meant", [("yes", True), ("No", False), (True, True), ("false", False)])
def test_in_working_hours_reads_yes_and_no_as_facts_do(recognition, written, meant):
    facts = {"roles": ["representative"], "works flexibly": False, "part-time": False}
    decision = decide(recognition, facts, {"category": "duties", "hours": 2, "in working hours": written})
    assert decision["paid"] is meant  # duties are paid in working hours and unpaid outside them
