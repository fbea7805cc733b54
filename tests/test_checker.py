"""The checker: every name, unit and type resolved; every error reported at
once, with the place, a plain message and what to write instead."""

from __future__ import annotations

from fractions import Fraction

import pytest

import ftdsl
from ftdsl import model as m
from ftdsl.errors import FtdslError

HEAD = """roles: representative, branch secretary
staff groups: teaching, non-teaching
categories: duties, training
fact roles: list of roles
fact staff group: staff group
fact branch members: count
a working day is 7 hours 12 minutes
"""

# (rule line, golden first line of the message, golden hint)
GOLDEN = [
    ("§6.12 representative may take up to 6 hrs per month for duties",
     "t.ftr:8:39: error E204: unknown unit 'hrs'", "did you mean 'hours'?"),
    ("§6.12 representative may take up to 6 hours per fortnite for duties",
     "t.ftr:8:49: error E211: unknown period 'per fortnite'", None),
    ("§6.12 representatve may take up to 6 hours per month for duties",
     "t.ftr:8:7: error E201: unknown role 'representatve'", "did you mean 'representative'?"),
    ("§6.12 representative may take up to 6 hours per month for dutys",
     "t.ftr:8:59: error E202: unknown category 'dutys'", "did you mean 'duties'?"),
    ("§6.12 representative may take up to 6 hours per month for duties when staf group is teaching",
     "t.ftr:8:71: error E203: unknown fact 'staf group'", "did you mean 'staff group'?"),
    ("§6.12 representative may take up to 6 hours per month for duties when staff group is teachers",
     "t.ftr:8:86: error E210: unknown staff group 'teachers'", "did you mean 'teaching'?"),
    ("§6.12 representative may take up to 1 FTE per month for duties",
     "t.ftr:8:39: error E206: FTE is a share of the working week, so it can only be used 'per week'",
     "write 'per week', or give the amount in hours or days"),
    ("§1 duties are limited to 9 days or 19 half days in any 12 months",
     "t.ftr:8:26: error E207: '9 days' and '19 half days' are not the same amount (64.8 h against 68.4 h)", None),
    ("§1 requests for duties must give 1 month notice",
     "t.ftr:8:36: error E216: notice for requests is counted in days or weeks, not 'month'", None),
    ("§4.8 release is by staff group:\n    0 – 99: 0 FTE",
     "t.ftr:8:20: error E213: a table is looked up by a count, and 'staff group' is a staff group, not a count",
     "known counts: 'branch members'"),
    ("§6.12 representative may take up to 6 hours per month for duties when roles is teaching",
     "t.ftr:8:80: error E222: 'roles' is a list of roles: ask whether it includes one", "write 'roles include teaching'"),
    ("§1 time off is given only",
     "t.ftr:8:4: error E215: say when time off is given", None),
    ("§6.12 representative may take up to 6 weeks per month for duties",
     "t.ftr:8:39: error E205: 'weeks' needs the length of a working week, which this agreement does not define",
     "add a definition, for example 'a working week is 36 hours'"),
]


@pytest.mark.parametrize("line, first, hint", GOLDEN, ids=[g[1].split("error ")[1][:4] for g in GOLDEN])
def test_golden_messages(line, first, hint):
    with pytest.raises(FtdslError) as raised:
        ftdsl.load_ruleset_text(HEAD + line + "\n", "t.ftr")
    rendered = raised.value.render()
    assert rendered.splitlines()[0] == first
    assert "^" in rendered.splitlines()[2]
    if hint:
        assert f"hint: {hint}" in rendered


def test_every_error_is_reported_at_once():
    text = HEAD + ("§1 representatve may take up to 6 hrs per month for dutys\n"
                   "§2 duties are paid when staf group is teaching\n")
    with pytest.raises(FtdslError) as raised:
        ftdsl.load_ruleset_text(text, "t.ftr")
    codes = [d.code for d in raised.value.diagnostics]
    assert sorted(codes) == ["E201", "E202", "E203", "E204"]


def test_units_convert_by_the_agreements_own_definitions():
    model = ftdsl.load_ruleset_text(HEAD + "a working week is 36 hours\n"
                                    "§1 representative may take up to 1 day per month for duties\n"
                                    "§2 representative may take up to 2 half days per month for training\n"
                                    "§3 branch secretary may take up to 0.1 FTE per week for duties\n").model
    hours = [g.quantity.hours for g in model.grants]
    assert hours == [Fraction(36, 5), Fraction(36, 5), Fraction(18, 5)]


def test_declarations_may_follow_the_rules_that_use_them():
    text = "§5.3 duties are paid\ncategories: duties\n"
    assert ftdsl.load_ruleset_text(text).model.pays[0].categories == ("duties",)


def test_the_same_rules_in_another_order_have_the_same_meaning():
    rules = ["§5.3 duties are paid", "§5.4 training is unpaid",
             "§6.12 representative may take up to 6 hours per month for duties"]
    one = ftdsl.load_ruleset_text(HEAD + "\n".join(rules) + "\n").model
    other = ftdsl.load_ruleset_text(HEAD + "\n".join(reversed(rules)) + "\n").model
    assert one != other  # source order is kept...
    assert one.key() == other.key()  # ...but the meaning is the same


def test_westminster_model(westminster):
    model = westminster.model
    assert model.working_day == Fraction(36, 5)
    assert model.working_week == 36
    assert model.year_start == (4, 1)
    release = model.table("branch secretary release")
    assert release.unit == "FTE" and release.step == Fraction(1, 2) and release.every == 500
    assert isinstance(model.variation_notice, m.AgreementNotice) and model.variation_notice.amount == 3
