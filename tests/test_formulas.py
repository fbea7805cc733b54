"""Amounts worked out by formulas: the agreements' own arithmetic, exact, with units checked and the working shown.

Expected figures come from the agreements in the shared excerpts: KMPT's 50 cases at 3 hours (150 h), Haringey's
floor of 0.1 FTE ("equitable to half a day off per week"), Walsall's 2.3 WTE (86.25 h a week at 37.5 h), and the
schools' £2.10 per pupil (420 pupils: £882).
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftdsl import api
from ftdsl import formulas as f
from ftdsl import nodes as n
from ftdsl.builder import parse
from ftdsl.errors import FtdslError
from ftdsl.formatter import format_text
from ftdsl.lint import lint
from ftdsl.printer import to_text

HEAD = """agreement "Formulas"
a working day is 7.5 hours
a working week is 37.5 hours
roles: representative, branch officer
categories: casework, duties, training
fact roles: list of roles
fact cases: count
fact union members: count
fact all members: count
fact pupils: count
"""


def _ruleset(rules: str):
    return api.load_ruleset_text(HEAD + rules)


def _decide(rules: str, facts: dict, requests: list[dict], taken=()):
    facts = {"roles": ["representative"], **facts}
    return _ruleset(rules).decide({"facts": facts, "taken": list(taken), "requests": requests})


def _errors(rules: str):
    with pytest.raises(FtdslError) as raised:
        _ruleset(rules)
    return [(d.code, d.span.line - HEAD.count("\n"), d.span.column, d.message) for d in raised.value.diagnostics]


CASEWORK = "§7.1 representative may take up to 3 hours for every case per year for casework\n§7.2 casework is paid\n"


def test_time_per_case_is_the_rate_times_the_cases():
    # KMPT: "Casework 50 cases 150" hours, 3 hours a case; 60 cases would be 180 h.
    report = _decide(CASEWORK, {"cases": 50}, [{"id": "a", "date": "2026-05-01", "category": "casework", "hours": 150},
                                               {"id": "b", "date": "2026-05-02", "category": "casework", "hours": 1}])
    first, second = report["decisions"]
    assert first["outcome"] == "entitled" and second["outcome"] == "not_entitled"
    assert any("3 hours for every case, where cases is 50: 150 h (§7.1)" in r for r in first["reasons"])
    assert report["values"]["3 hours for every case"]["value"] == 150
    sixty = _decide(CASEWORK, {"cases": 60}, [{"date": "2026-05-01", "category": "casework", "hours": 180}])
    assert sixty["decisions"][0]["outcome"] == "entitled"


HARINGEY = """§4.1 union allocation is 7.5 FTE shared in proportion to union members of all members, at least 0.1 FTE
§4.2 branch officer may take up to union allocation per week for duties
§4.3 duties are paid
"""


def test_a_share_by_membership_has_a_floor_of_a_tenth():
    # 10 of 3,000 members: 7.5 × 10 / 3000 = 0.025 FTE, under the floor, so 0.1 FTE = 3.75 h, half a 7.5 h day.
    facts = {"roles": ["branch officer"], "union members": 10, "all members": 3000}
    report = _decide(HARINGEY, facts, [{"date": "2026-05-04", "category": "duties", "half days": 1},
                                       {"date": "2026-05-05", "category": "duties", "hours": 0.25}])
    assert [d["outcome"] for d in report["decisions"]] == ["entitled", "not_entitled"]
    assert report["values"]["union allocation"]["exact"] == "0.1"
    # 1,200 of 3,000 members: 7.5 × 0.4 = 3 FTE, 112.5 h a week.
    big = _decide(HARINGEY, {"roles": ["branch officer"], "union members": 1200, "all members": 3000},
                  [{"date": "2026-05-04", "category": "duties", "hours": 112.5}])
    assert big["values"]["union allocation"]["exact"] == "3"
    assert big["decisions"][0]["outcome"] == "entitled"
    reason = next(r for r in big["decisions"][0]["reasons"] if r.startswith("within"))
    assert "where union members is 1200 and all members is 3000: 3 FTE = 112.5 h per week (§4.1)" in reason


def test_a_share_of_no_members_is_nothing_and_the_floor_still_holds():
    report = _decide(HARINGEY, {"roles": ["branch officer"], "union members": 0, "all members": 0},
                     [{"date": "2026-05-04", "category": "duties", "hours": 3.75}])
    assert report["values"]["union allocation"]["exact"] == "0.1"
    assert report["decisions"][0]["outcome"] == "entitled"


def test_fte_and_hours_add_by_the_working_week():
    # Walsall's 2.3 WTE "equates to per week 86.25 hrs"; with 1.25 hours more it is 87.5 h.
    rules = "§2 staff side time is 2.3 FTE plus 1.25 hours\n§3 representative may take up to staff side time per week for duties\n"
    report = _decide(rules, {}, [{"date": "2026-05-04", "category": "duties", "hours": 87.5},
                                 {"date": "2026-05-04", "category": "duties", "hours": 0.5}])
    assert [d["outcome"] for d in report["decisions"]] == ["entitled", "not_entitled"]
    assert report["values"]["staff side time"] == {"unit": "hours", "clauses": ["2"], "value": 87.5, "exact": "87.5"}


def test_money_is_its_own_unit():
    # "£2.10 per pupil": 420 pupils pay £882.00, 1,150 pay £2,415.00.
    rules = "§1 de-delegation is £2.10 for every pupil\n§2 representative may take reasonable time for duties\n"
    for pupils, pounds in ((420, "882"), (1150, "2415")):
        report = _decide(rules, {"pupils": pupils}, [{"date": "2026-05-04", "category": "duties", "hours": 1}])
        assert report["values"]["de-delegation"]["unit"] == "money"
        assert report["values"]["de-delegation"]["exact"] == pounds


@pytest.mark.parametrize("members, hours", [(0, 0), (99, 0), (100, Fraction(1, 2)), (250, 1), (1000, 5)])
def test_for_every_n_counts_whole_groups(members, hours):
    rules = "§1 representative may take up to 0.5 hours for every 100 union members per week for duties\n"
    ruleset = _ruleset(rules)
    report = ruleset.decide({"facts": {"roles": ["representative"], "union members": members},
                             "requests": [{"date": "2026-05-04", "category": "duties", "hours": 0.5}]})
    assert Fraction(report["values"]["0.5 hours for every 100 union members"]["exact"]) == hours


@pytest.mark.parametrize("way, hours", [("", Fraction(21, 2)), (" up", Fraction(21, 2)), (" down", 7)])
def test_rounding_to_half_days(way, hours):
    # 10 hours in half days of 3.75 h: 2.67 half days, so 3 (11.25 h) to the nearest or up, and 2 (7.5 h) down.
    expected = {Fraction(21, 2): Fraction(45, 4), 7: Fraction(15, 2)}[hours]
    rules = f"§1 casework time is 10 hours for every case, rounded{way} to the nearest half day\n" \
            "§2 representative may take up to casework time per month for casework\n"
    report = _decide(rules, {"cases": 1}, [{"date": "2026-05-04", "category": "casework", "hours": 1}])
    assert Fraction(report["values"]["casework time"]["exact"]) == expected


def test_a_half_step_rounds_up_to_the_nearest():
    rules = "§1 x is 1.875 hours for every case, rounded to the nearest half day\n" \
            "§2 representative may take up to x per month for casework\n"
    report = _decide(rules, {"cases": 1}, [{"date": "2026-05-04", "category": "casework", "hours": 1}])
    assert report["values"]["x"]["exact"] == "3.75"


def test_a_formula_of_constants_is_an_amount():
    rules = "§1 representative may take up to 2 hours plus 30 minutes times 3 per week for duties\n"
    ruleset = _ruleset(rules)
    (grant,) = ruleset.model.grants
    assert grant.quantity.hours == Fraction(7, 2) and grant.quantity.value is None
    assert ruleset.model.formulas == ()


def test_the_formatter_writes_operations_in_words_and_keeps_the_meaning():
    text = HEAD + "§1 representative may take up to 3 hours × cases per year for casework\n" \
                  "§2 x is 7.5 FTE ÷ 2 + 1 hours, at most 4 FTE\n§3 branch officer may take up to x per week for duties\n"
    formatted = format_text(text)
    assert "up to 3 hours times cases per year for casework" in formatted
    assert "§2 x is 7.5 FTE divided by 2 plus 1 hours, at most 4 FTE" in formatted
    assert format_text(formatted) == formatted


def test_a_value_and_the_facts_it_reads_count_as_used():
    ruleset = _ruleset(HARINGEY)
    unused = [d.message for d in lint(ruleset.model, ruleset.ast) if d.code == "W130"]
    assert not any("union members" in m or "all members" in m for m in unused)
    assert any("'cases'" in m for m in unused)


# ---- errors: each names the part that does not fit, at its place ----------------------------------------

def test_money_cannot_be_added_to_time():
    ((code, line, column, message),) = _errors("§1 x is £100 plus 2 hours\n")
    assert (code, line, column) == ("E235", 1, 19)
    assert message == "cannot add '2 hours' (time) to money"


def test_an_amount_cannot_be_multiplied_by_an_amount():
    ((code, _, _, message),) = _errors("§1 x is 3 hours times 2 hours\n")
    assert code == "E235" and message == "'3 hours' (time) cannot be multiplied by '2 hours' (time)"


def test_an_allowance_must_be_time():
    errors = _errors("§1 pot is £2.10 for every pupil\n§2 representative may take up to pot per week for duties\n")
    assert [(c, m) for c, _, _, m in errors] == [("E236", "an allowance is an amount of time, and 'pot' is money")]


def test_a_value_worked_out_from_itself():
    errors = _errors("§1 a is b plus 1 hours\n§2 b is a times 2\n§3 representative may take up to a per week for duties\n")
    assert errors[0][0] == "E237" and "(a → b → a)" in errors[0][3]


def test_a_formula_reads_counts_of_the_person_only():
    errors = _errors("request fact hearings: count\nfact employed: yes/no\n"
                     "§1 representative may take up to 2 hours for every hearing per month for casework\n"
                     "§2 representative may take up to 2 hours for every employed per month for duties\n")
    assert [c for c, *_ in errors] == ["E238", "E238"]
    assert "a fact of each request" in errors[0][3] and "'employed' is a yes/no" in errors[1][3]


def test_an_unknown_name_in_a_formula_suggests_a_close_one():
    with pytest.raises(FtdslError) as raised:
        _ruleset("§1 representative may take up to 2 hours for every caze per month for duties\n")
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.code == "E218" and "'caze' is not a declared fact" in diagnostic.message
    assert "cases" in diagnostic.hint


def test_fte_in_a_formula_holds_only_per_week():
    ((code, _, _, message),) = _errors("§1 representative may take up to 0.1 FTE plus 2 hours per month for duties\n")
    assert code == "E206" and "per week" in message


def test_a_rounding_step_in_another_unit():
    ((code, _, _, message),) = _errors("§1 x is 3 hours for every case, rounded to the nearest pound\n"
                                       "§2 representative may take up to x per week for duties\n")
    assert code == "E235" and message == "a formula in time cannot be rounded to money"


def test_a_missing_period_says_so_at_for():
    with pytest.raises(FtdslError) as raised:
        parse(HEAD + "§1 representative may take up to 6 hours for duties\n")
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.message == "the amount needs a period before 'for': how often is it given?"
    assert diagnostic.span.column == len("§1 representative may take up to 6 hours ") + 1


# ---- laws ------------------------------------------------------------------------------------------------

fractions = st.fractions(min_value=-1000, max_value=1000, max_denominator=1000)


@given(fractions, fractions, st.sampled_from(["+", "-", "×", "÷"]))
def test_arithmetic_is_exact(a, b, op):
    result = f.work_out(f.Operation(op, f.Constant(a, "number"), f.Constant(b, "number")), None, None)
    expected = {"+": a + b, "-": a - b, "×": a * b, "÷": a / b if b else Fraction(0)}[op]
    assert result == expected and isinstance(result, Fraction)


@given(st.fractions(min_value=-100, max_value=100, max_denominator=97),
       st.fractions(min_value=Fraction(1, 8), max_value=10, max_denominator=8), st.sampled_from(["nearest", "up", "down"]))
def test_rounding_gives_a_whole_number_of_steps_on_the_right_side(value, step, direction):
    result = f.work_out(f.Rounded(f.Constant(value, "hours"), step, direction), None, None)
    assert (result / step).denominator == 1
    if direction == "up":
        assert value <= result < value + step
    elif direction == "down":
        assert value - step < result <= value
    else:
        assert abs(result - value) <= step / 2 and (abs(result - value) < step / 2 or result > value)


@given(st.integers(0, 100_000), st.integers(1, 1000), fractions)
def test_for_every_counts_complete_groups(count, every, rate):
    result = f.work_out(f.ForEvery(f.Constant(rate, "hours"), "n", every), lambda name: count, None)
    assert result == rate * (count // every) == rate * math.floor(Fraction(count, every))


# A formula as the grammar builds one: sums of products of atoms, then bounds and roundings.
_numbers = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False)
_atoms = st.one_of(
    st.builds(lambda number, unit: n.Amount((n.Term(number, n.Name(unit)),)), _numbers,
              st.sampled_from(["hours", "days", "FTE", "half days", "minutes"])),
    st.builds(n.Money, _numbers),
    st.builds(n.PlainNumber, _numbers),
    st.builds(lambda name: n.ValueRef(n.Name(name)), st.sampled_from(["union members", "cases", "release"])),
)


def _products(atoms):
    names = st.sampled_from(["member", "cases", "all members"])
    return st.recursive(atoms, lambda inner: st.one_of(
        st.builds(n.Operation, st.sampled_from(["×", "÷"]), inner, atoms),
        st.builds(lambda amount, name, every: n.ForEvery(amount, n.Name(name), every), inner, names,
                  st.one_of(st.none(), st.integers(1, 500))),
        st.builds(lambda amount, a, b: n.Proportion(amount, n.Name(a), n.Name(b)), inner, names, names),
    ), max_leaves=4)


def _sums(products):
    return st.recursive(products, lambda inner: st.builds(n.Operation, st.sampled_from(["+", "-"]), inner, products),
                        max_leaves=3)


formula_trees = st.recursive(_sums(_products(_atoms)), lambda inner: st.one_of(
    st.builds(n.Bound, st.sampled_from(["at least", "at most"]), inner, _sums(_products(_atoms))),
    st.builds(lambda formula, direction, unit, number, whole: n.Rounded(formula, direction, n.Name(unit),
                                                                          None if whole else number, whole),
              inner, st.sampled_from(["nearest", "up", "down"]), st.sampled_from(["half day", "hours", "FTE"]),
              st.one_of(st.none(), st.decimals(min_value=Decimal("0.05"), max_value=10, places=2)), st.booleans()),
), max_leaves=3)


@given(formula_trees)
def test_the_printer_round_trips_formulas(tree):
    text = to_text(tree)
    parsed = parse(f"§1 x is {text}\n").statements[0].body.formula
    assert parsed == tree, text


def test_the_language_pages_formulas_check_and_give_the_agreements_figures():
    from test_docs import _blocks_after

    block = _blocks_after("language.md", "### Amounts worked out: formulas")[0]
    ruleset = api.load_ruleset_text(block)
    facts = {"roles": ["branch officer", "representative"], "cases": 50, "union members": 10, "all members": 3000,
             "pupils": 420}
    values = ruleset.decide({"facts": facts, "requests": [{"date": "2026-05-04", "category": "duties",
                                                           "hours": 3.75}]})["values"]
    # 50 cases × 3 h; the floor of 0.1 FTE; 500 h in half days of 3.75 h is exactly 133⅓, up to 134; 420 × £2.10.
    assert {name: v["exact"] for name, v in values.items()} == {
        "3 hours for every case": "150", "union allocation": "0.1", "casework time": "502.5", "de-delegation": "882"}


@pytest.mark.parametrize("way, warned, gain", [("up", True, "0.1 FTE"), ("", True, "0.05 FTE"), ("down", False, "")])
def test_shares_rounded_up_can_add_up_to_more_than_the_pot(way, warned, gain):
    # Three unions of 1, 1 and 98 members share 7.5 FTE: 0.075, 0.075 and 7.35, rounded up (or to the nearest) to
    # tenths 0.1 + 0.1 + 7.4 = 7.6 FTE, more than the pot; rounded down, 0 + 0 + 7.3, within it.
    rules = f"§4 union allocation is 7.5 FTE shared in proportion to union members of all members, rounded" \
            f"{' ' + way if way else ''} to the nearest 0.1 FTE\n§5 branch officer may take up to union allocation per " \
            "week for duties\n"
    ruleset = _ruleset(rules)
    warnings = [d.message for d in lint(ruleset.model, ruleset.ast) if d.code == "W180"]
    assert bool(warnings) == warned
    if warned:
        assert warnings[0].endswith(f"more than the pot (7.5 FTE): each can gain up to {gain}")
    shares = [Fraction(ruleset.decide({"facts": {"roles": ["branch officer"], "union members": members,
                                                 "all members": 100}, "requests": []})["values"]["union allocation"]
                       ["exact"]) for members in (1, 1, 98)]
    assert (sum(shares) > Fraction(15, 2)) == warned


def test_an_expected_money_value_is_written_in_pounds(tmp_path):
    from conftest import run_cli

    (tmp_path / "schools.ftr").write_text(HEAD + "§1 de-delegation is £2.10 for every pupil\n"
                                          "§2 representative may take reasonable time for duties\n§3 duties are paid\n",
                                          encoding="utf-8")
    (tmp_path / "examples" / "schools").mkdir(parents=True)
    example = tmp_path / "examples" / "schools" / "secondary.json"

    def expect(pounds):
        example.write_text('{"facts": {"roles": ["representative"], "pupils": 1150}, "requests": [{"id": "a", '
                           '"date": "2026-05-04", "category": "duties", "hours": 1}], "expect": {"values": '
                           f'{{"de-delegation": "{pounds}"}}, "a": {{"outcome": "entitled"}}}}}}', encoding="utf-8")
        return run_cli("test", "--color", "never", str(tmp_path / "schools.ftr"))

    # 1,150 pupils × £2.10 = £2,415.00
    assert expect("£2,415.00").returncode == 0
    wrong = expect("£2,400")
    assert wrong.returncode == 1
    assert "value 'de-delegation': value: expected \"£2,400\", got £2415" in wrong.stdout


def test_a_count_is_named_in_the_singular_whichever_word_takes_the_plural():
    rules = "fact cases this year: count\n" \
            "§1 representative may take up to 3 hours for every case this year per year for casework\n"
    report = _decide(rules, {"cases this year": 4}, [{"date": "2026-05-04", "category": "casework", "hours": 12}])
    assert report["decisions"][0]["outcome"] == "entitled"
