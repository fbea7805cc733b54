"""Warnings about many similar rules come grouped: one warning per group, naming every rule in it.

A ruleset of n allowances that repeat one another used to give n(n-1)/2
warnings W110, one per pair; now it gives one, and the number of warnings
does not grow with n. These are tests of what is reported, not of time.
"""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ftdsl.api import load_ruleset_text
from ftdsl.lint import _Witnesses, lint, witness
from test_lint import HEAD as LINT_HEAD
from test_lint import PAID

HEAD = LINT_HEAD + PAID  # the declarations test_lint.py's rulesets start with, and pay
FIRST_RULE_LINE = HEAD.count("\n") + 1  # the line of the first rule written after HEAD


def warnings(text: str, code: str | None = None) -> list:
    loaded = load_ruleset_text(text, "t.ftr")
    return [d for d in lint(loaded.model, loaded.ast) if code is None or d.code == code]


def repeated(n: int, rule: str = "representative may take up to 6 hours per month for duties",
             when: str | None = None, section: int = 3) -> str:
    """n copies of one allowance under the clauses §section.1 ... §section.n (two lines each with a 'when')."""
    return "".join(f"§{section}.{i} {rule}\n" + (f"    when {when}\n" if when else "") for i in range(1, n + 1))


def clauses_named(message: str) -> list[str]:
    return re.findall(r"§\d+(?:\.\d+)*", message)


# ---- W110: allowances that add up -----------------------------------------------------

def test_two_repeated_allowances_read_as_one_pair_always_did():
    [warning] = warnings(HEAD + repeated(2), "W110")
    assert warning.message == ("§3.1 (line 11) and §3.2 both give a representative time for duties per month: "
                               "6 h and 6 h, a request gets their sum (12 h)")
    assert warning.span.line == 12  # at the second of the two, as before


def test_five_repeated_allowances_are_one_warning():
    [warning] = warnings(HEAD + repeated(5), "W110")
    # 5 × 6 h = 30 h; past four clauses the message names two and lists all five at the end.
    assert warning.message == ("§3.1 (line 11), §3.2 and 3 more all give a representative time for duties per "
                               "month: 6 h each, a request gets the sum of all of them (30 h); the 5 clauses: "
                               "§3.1, §3.2, §3.3, §3.4, §3.5")
    assert warning.span.line == 12


def test_three_allowances_are_named_in_full_with_their_amounts():
    text = HEAD + "".join(f"§3.{i} representative may take up to {i} hours per month for duties\n"
                          for i in range(1, 4))
    [warning] = warnings(text, "W110")
    assert warning.message == ("§3.1 (line 11), §3.2 and §3.3 all give a representative time for duties per "
                               "month: 1 h, 2 h and 3 h, a request gets the sum of all of them (6 h)")


@pytest.mark.parametrize("n", [2, 3, 5, 40, 400])
def test_the_grouped_warning_names_every_clause(n):
    [warning] = warnings(HEAD + repeated(n), "W110")
    assert set(clauses_named(warning.message)) == {f"§3.{i}" for i in range(1, n + 1)}
    assert f"({6 * n} h)" in warning.message


@pytest.mark.parametrize("n", [2, 3, 10, 100, 600])
def test_the_number_of_warnings_does_not_grow_with_the_number_of_similar_allowances(n):
    # Three groups for duties per month: anyone teaching (§3), everyone (§4), non-teaching (§5).
    # Teaching and non-teaching exclude each other, so: §3 among themselves, §4 among themselves,
    # §5 among themselves, §3 with §4, §4 with §5: five warnings however many rules each group has.
    text = (HEAD + repeated(n, when="staff group is teaching")
            + repeated(n, section=4)
            + repeated(n, when="staff group is non-teaching", section=5))
    found = warnings(text, "W110")
    assert len(found) == 5
    groups = sorted(tuple(sorted({name.split(".")[0] for name in clauses_named(w.message)})) for w in found)
    assert groups == [("§3",), ("§3", "§4"), ("§4",), ("§4", "§5"), ("§5",)]
    for warning in found:
        sections = {name.split(".")[0] for name in clauses_named(warning.message)}
        expected = {f"{section}.{i}" for section in sections for i in range(1, n + 1)}
        assert set(clauses_named(warning.message)) == expected


def test_two_groups_that_add_up_are_one_warning_naming_both():
    text = HEAD + repeated(3) + repeated(2, rule="representative may take up to 8 hours per month for duties",
                                         when="staff group is teaching", section=4)
    found = warnings(text, "W110")
    assert len(found) == 3  # §3 among themselves, §4.1 with §4.2, and §3 with §4
    [both] = [w for w in found if "§3.1" in w.message and "§4.1" in w.message]
    # 3 × 6 h + 2 × 8 h = 34 h
    assert both.message == ("§3.1 (line 11), §3.2 and §3.3, and §4.1 (line 14) and §4.2, all give a representative "
                            "time for duties per month: 6 h each, and 8 h each; where staff group is teaching, "
                            "a request gets the sum of all of them (34 h)")
    assert both.span.line == 14


def test_different_roles_categories_and_periods_are_not_grouped():
    text = HEAD + ("§3.1 representative may take up to 6 hours per month for duties\n"
                   "§3.2 convenor may take up to 6 hours per month for duties\n"
                   "§3.3 representative may take up to 6 hours per week for duties\n"
                   "§3.4 representative may take up to 6 hours per month for training\n")
    assert warnings(text, "W110") == []


def _pairs_named(found) -> set[frozenset]:
    pairs = set()
    for warning in found:
        pairs.update(frozenset(p) for p in itertools.combinations(sorted(set(clauses_named(warning.message))), 2))
    return pairs


WHO = ["representative", "convenor", "representative, convenor", "anyone"]
WHEN = [None, "staff group is teaching", "staff group is non-teaching", "members is more than 5",
        "members is less than 3", "roles include convenor", "in working hours",
        "staff group is teaching and members is more than 5"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(WHO), st.sampled_from(["per month", "per year"]), st.sampled_from(WHEN)),
                min_size=1, max_size=7))
def test_grouped_warnings_cover_exactly_the_pairs_that_add_up(rules):
    """Every two allowances that can apply together are named together in some W110, and no others are."""
    text = HEAD + "".join(f"§{i} {who} may take up to {i} hours {period} for duties\n"
                          + (f"    when {when}\n" if when else "") for i, (who, period, when) in enumerate(rules, 1))
    loaded = load_ruleset_text(text, "t.ftr")
    grants = loaded.model.grants
    expected = set()
    for first, second in itertools.combinations(grants, 2):
        if first.period != second.period:
            continue
        if first.roles is not None and second.roles is not None and not set(first.roles) & set(second.roles):
            continue
        both = witness(loaded.model, [first.condition, second.condition], ("duties",))
        if both is not None and both is not ...:
            expected.add(frozenset({f"§{first.clause}", f"§{second.clause}"}))
    found = [d for d in lint(loaded.model, loaded.ast) if d.code == "W110"]
    assert _pairs_named(found) == expected


CONDITIONS = ["staff group is teaching", "staff group is not teaching", "members is more than 5",
              "members is at most 5", "roles include convenor", "in working hours", "not in working hours",
              "category is duties", "category is training", "members is more than 5 and members is less than 3"]


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(CONDITIONS + [None]), st.sampled_from(CONDITIONS + [None]))
def test_two_conditions_are_met_together_exactly_as_witness_says(first, second):
    text = HEAD + "".join(f"§{i} representative may take up to 1 hour per month for duties\n"
                          + (f"    when {when}\n" if when else "") for i, when in enumerate([first, second], 1))
    loaded = load_ruleset_text(text, "t.ftr")
    a, b = (g.condition for g in loaded.model.grants)
    assert _Witnesses(loaded.model).both(a, b, "duties") == witness(loaded.model, [a, b], ("duties",))


# ---- W120 and W150 ----------------------------------------------------------------------

IMPOSSIBLE = "staff group is teaching and staff group is non-teaching"


def test_one_rule_that_can_never_apply_reads_as_before():
    [warning] = warnings(HEAD + repeated(1, when=IMPOSSIBLE), "W120")
    assert warning.message == ("§3.1 (6 hours per month for duties) can never apply: no scenario makes "
                               f"'{IMPOSSIBLE}' true, so it never applies")


def test_two_rules_that_can_never_apply_are_one_warning():
    [warning] = warnings(HEAD + repeated(2, when=IMPOSSIBLE), "W120")
    assert warning.message == ("§3.1 (6 hours per month for duties) and §3.2 (6 hours per month for duties) can "
                               f"never apply: no scenario makes '{IMPOSSIBLE}' true, so neither ever applies")
    assert warning.span.line == 11


@pytest.mark.parametrize("n", [3, 50, 300])
def test_rules_that_can_never_apply_for_one_reason_are_one_warning_naming_each(n):
    found = warnings(HEAD + repeated(n, when=IMPOSSIBLE), "W120")
    assert len(found) == 1
    assert set(clauses_named(found[0].message)) == {f"§3.{i}" for i in range(1, n + 1)}
    assert "true, so none of them ever applies" in found[0].message


def test_rules_that_never_apply_for_different_reasons_are_separate():
    text = HEAD + repeated(2, when=IMPOSSIBLE) + repeated(
        2, when="members is more than 5 and members is less than 3", section=4)
    assert len(warnings(text, "W120")) == 2


def test_one_yearly_rule_without_a_year_start_reads_as_before():
    text = HEAD.replace("the year starts on 1 April\n", "") + repeated(
        1, rule="representative may take up to 6 hours per year for duties")
    [warning] = warnings(text, "W150")
    assert warning.message == ("§3.1 counts time per year, but the agreement does not say when its year starts, "
                               "so the year is taken to start on 1 January")


@pytest.mark.parametrize("n", [2, 6, 200])
def test_yearly_rules_without_a_year_start_are_one_warning_naming_each(n):
    text = HEAD.replace("the year starts on 1 April\n", "") + repeated(
        n, rule="representative may take up to 6 hours per year for duties")
    found = warnings(text, "W150")
    assert len(found) == 1
    assert set(clauses_named(found[0].message)) == {f"§3.{i}" for i in range(1, n + 1)}
    assert found[0].span.line == FIRST_RULE_LINE - 1  # HEAD without its year start is one line shorter
    if n == 2:
        assert found[0].message.startswith("§3.1 and §3.2 count time per year")


def test_the_number_of_warnings_is_the_same_for_10_and_500_similar_rules():
    def ruleset(n):
        return (HEAD.replace("the year starts on 1 April\n", "")
                + repeated(n, rule="representative may take up to 6 hours per year for duties")
                + repeated(n, rule="convenor may take up to 2 hours per month for training", section=4)
                + repeated(n, when=IMPOSSIBLE, section=5))
    small, large = warnings(ruleset(10)), warnings(ruleset(500))
    assert [d.code for d in small] == [d.code for d in large]
    # The fact 'members' is used by no rule (W130); §3 counts per year (W150); §3 and §4 each add up among
    # themselves (W110 twice); §5 can never apply (W120), so it adds up with nothing.
    assert sorted(d.code for d in small) == ["W110", "W110", "W120", "W130", "W150"]
