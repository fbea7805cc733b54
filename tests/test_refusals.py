"""Refusals an agreement states: 'no time is given for ...' decides requests not entitled, citing its clause."""

from __future__ import annotations

from ftdsl import api
from ftdsl.explain import explain
from ftdsl.diff import diff
from ftdsl.lint import lint
from ftdsl.formatter import format_text

TEXT = """agreement "Refusals"
roles: representative, branch secretary
categories: duties, activities, canvassing
fact roles: list of roles
fact employed by council: yes/no

§5.4 no time is given for canvassing
    says "No time is given for trade union activities such as canvassing"
§5.5 representative may not take time for activities
    when not employed by council
§6 representative may take up to 2 hours per week for activities
§7 branch secretary may take reasonable time for activities
§8 duties, activities are paid
§9 anyone may take up to 5 hours per week for duties
"""


def _decide(facts, category, hours=1, text=TEXT):
    ruleset = api.load_ruleset_text(text)
    return ruleset.decide({"facts": facts, "requests": [{"category": category, "hours": hours,
                                                          "date": "2026-05-04"}]})["decisions"][0]


def test_a_refusal_for_anyone_decides_not_entitled_citing_its_clause():
    decision = _decide({"roles": ["branch secretary"], "employed by council": True}, "canvassing")
    assert decision["outcome"] == "not_entitled" and decision["clauses"] == ["5.4"]
    assert "the agreement gives no time for canvassing (§5.4)" in decision["reasons"]
    (check,) = [c for c in decision["checks"] if c["rule"] == "refusal"]
    assert check["quotes"] == ["No time is given for trade union activities such as canvassing"]


def test_a_refusal_for_a_role_under_a_condition():
    # §5.5 refuses activities to a representative not employed by the council; §6 would give 2 h a week.
    refused = _decide({"roles": ["representative"], "employed by council": False}, "activities")
    assert refused["outcome"] == "not_entitled" and refused["clauses"] == ["5.5"]
    employed = _decide({"roles": ["representative"], "employed by council": True}, "activities")
    assert employed["outcome"] == "entitled" and employed["clauses"] == ["6"]
    # The branch secretary is not a role §5.5 names: §7's reasonable time decides.
    secretary = _decide({"roles": ["branch secretary"], "employed by council": False}, "activities")
    assert secretary["outcome"] == "entitled" and secretary["clauses"] == ["7"]
    # Other categories are untouched: §9 gives anyone 5 h a week of duties.
    assert _decide({"roles": ["representative"], "employed by council": False}, "duties")["outcome"] == "entitled"


def test_check_does_not_ask_for_time_in_a_refused_category_and_warns_of_a_grant_it_always_overrides():
    loaded = api.load_ruleset_text(TEXT)
    warnings = lint(loaded.model, loaded.ast)
    assert not [w for w in warnings if w.code == "W131"]  # canvassing has no grant, but §5.4 decides it
    # §5.5 refuses only representatives not employed by the council: it narrows §6, which is what it is for.
    assert not [w for w in warnings if w.code == "W121"]
    # Refused for everyone employed or not, §6 never gives anything.
    dead = TEXT.replace("§5.5 representative may not take time for activities\n    when not employed by council\n",
                        "§5.5 representative may not take time for activities\n    when not employed by council\n"
                        "§5.6 representative may not take time for activities\n    when employed by council\n")
    loaded = api.load_ruleset_text(dead)
    (overridden,) = [w for w in lint(loaded.model, loaded.ast) if w.code == "W121"]
    assert overridden.message == ("§6 gives 2 hours per week for activities, but §5.5, §5.6 refuse every request "
                                  "it would give time for, so §6 never gives anything")


def test_formatting_keeps_a_refusals_meaning():
    formatted = format_text(TEXT)
    assert "§5.4 no time is given for canvassing" in formatted
    assert "§5.5 representative may not take time for activities" in formatted
    assert api.load_ruleset_text(formatted).model.key() == api.load_ruleset_text(TEXT).model.key()
    # "time off" reads the same as "time".
    other = TEXT.replace("no time is given for canvassing", "no time off is given for canvassing")
    assert api.load_ruleset_text(other).model.key() == api.load_ruleset_text(TEXT).model.key()


def test_explain_shows_the_refusal_in_the_first_step():
    ruleset = api.load_ruleset_text(TEXT)
    tree = explain(ruleset, {"facts": {"roles": ["representative"], "employed by council": True},
                             "requests": [{"category": "canvassing", "hours": 1, "date": "2026-05-04"}]})
    (decision,) = tree["decisions"] if "decisions" in tree else tree["requests"]
    first = decision["steps"][0]
    assert [(r["clause"], r["status"]) for r in first["rules"]] == [("5.4", "refuses")]


def test_diff_shows_an_added_refusal_as_less_generous():
    old = api.load_ruleset_text(TEXT.replace("§5.4 no time is given for canvassing\n", "")
                                .replace('    says "No time is given for trade union activities such as canvassing"\n',
                                         "")).model
    new = api.load_ruleset_text(TEXT).model
    added = [c for c in diff(old, new) if c.aspect == "refusal"]
    assert [(c.kind, c.new_clauses, c.direction) for c in added] == [("added", ("5.4",), "less generous")]


def test_show_allowances_lists_refusals_beside_the_time_given():
    from ftdsl.allowances import allowances, to_data

    data = to_data(allowances(api.load_ruleset_text(TEXT).model))
    by_role = {role["role"]: {c["category"]: [(r["kind"], r["clause"], r["when"]) for r in c["rules"]]
                              for c in role["categories"]} for role in data["roles"]}
    assert by_role["representative"]["activities"][0] == ("refusal", "5.5", "not employed by council")
    anyone = {c["category"]: [(r["kind"], r["clause"], r["when"]) for r in c["rules"]] for c in data["anyone"]}
    assert anyone["canvassing"] == [("refusal", "5.4", None)]
