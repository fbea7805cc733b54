"""Time shared by a union, a branch or the staff side (pools): 'shared by the union' in a ruleset, 'pool taken' in a
scenario, and a log that counts each pool across all its members' rows.

Expected values are worked out by hand from the rules below: a working day is 7.5 hours, so Unison's 8.5 days a
week are 63.75 h, GMB's 1.5 days 11.25 h, the staff side's 60 days a month 450 h, and the union's limit of 10 days a
week 75 h. Weeks run Monday to Sunday: 2 March 2026 is a Monday.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections import defaultdict
from fractions import Fraction

import pytest
from conftest import ROOT, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ftdsl.api import load_ruleset_text
from ftdsl.batch import Batch
from ftdsl.errors import FtdslError

LANGUAGE = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
SECTION = LANGUAGE.split("### Time shared by a union, a branch or the staff side: pools\n", 1)[1]
RULESET = re.search(r"```\n(.*?)```", SECTION, re.S).group(1)
OFFICIAL = {"roles": ["branch official"]}


@pytest.fixture(scope="module")
def pools():
    return load_ruleset_text(RULESET, "pools.ftr")


def decide(ruleset, facts, requests, taken=(), pool_taken=None):
    scenario = {"facts": facts, "taken": list(taken), "requests": list(requests)}
    if pool_taken is not None:
        scenario["pool taken"] = pool_taken
    return ruleset.decide(scenario)["decisions"]


def duties(day, hours=None, days=None, id="r1"):
    return {"id": id, "date": day, "category": "duties", **({"hours": hours} if days is None else {"days": days})}


def test_the_language_pages_example_checks_and_names_its_pools(pools):
    model = pools.program.model
    assert model.holders == ("union", "staff side")
    assert model.pools == ("staff side",)
    assert [g.shared for g in model.grants] == ["union", "union", "staff side"]
    assert [limit.shared for limit in model.limits] == ["union"]


def test_what_the_other_members_took_counts_against_the_pool(pools):
    # Unison: 63.75 h a week. Others took 7 days (52.5 h), this official 1 day (7.5 h): 60 h, 3.75 h left, so a
    # 1-day request is half within the pool and half beyond it (no discretion rule: not entitled).
    [decision] = decide(pools, {**OFFICIAL, "union": "Unison"}, [duties("2026-03-04", days=1)],
                        taken=[duties("2026-03-02", days=1)],
                        pool_taken={"union": [duties("2026-03-03", days=7)]})
    assert decision["outcome"] == "not_entitled"
    assert [(p["hours"], p["outcome"], p["paid"]) for p in decision["parts"]] == [
        (3.75, "entitled", True), (3.75, "not_entitled", False)]
    assert decision["parts"][0]["pool"] == {"shared by": "union", "name": "Unison"}
    assert any("60 h taken + 3.75 h of the 7.5 h asked = 63.75 h ≤ 63.75 h per week for duties shared by the "
               "union (Unison)" in reason for reason in decision["reasons"])


def test_a_request_within_the_pool_says_which_pool(pools):
    [decision] = decide(pools, {**OFFICIAL, "union": "GMB"}, [duties("2026-03-04", hours=11.25)])
    assert (decision["outcome"], decision["paid"], decision["clauses"]) == ("entitled", True, ["2"])
    assert decision["pool"] == {"shared by": "union", "name": "GMB"}


def test_a_pool_of_the_last_week_does_not_count_this_week(pools):
    # The pool's time was taken in the week before (23 February is a Monday): this week's 63.75 h are all left.
    [decision] = decide(pools, {**OFFICIAL, "union": "Unison"}, [duties("2026-03-02", hours=63.75)],
                        pool_taken={"union": [duties("2026-02-27", hours=60)]})
    assert decision["outcome"] == "entitled" and "parts" not in decision


def test_the_staff_sides_pool_is_one_for_everyone(pools):
    # 60 days a month (450 h) for any representative; others took 440 h in March: 10 h are left.
    [decision] = decide(pools, {"roles": ["representative"], "union": "Unite"}, [duties("2026-03-20", hours=12)],
                        pool_taken={"staff side": [duties("2026-03-05", hours=440)]})
    assert [(p["hours"], p["outcome"]) for p in decision["parts"]] == [(10, "entitled"), (2, "not_entitled")]
    assert decision["parts"][0]["pool"] == {"shared by": "staff side", "name": "staff side"}


def test_a_shared_limit_caps_the_pool_not_the_person(pools):
    # The union's limit of 75 h a week counts what the whole union took: 70 h by others, so of 7.5 h asked by a
    # representative (within the staff side's pool), 5 h are within the limit.
    [decision] = decide(pools, {"roles": ["representative"], "union": "Unite"}, [duties("2026-03-04", hours=7.5)],
                        pool_taken={"union": [duties("2026-03-02", hours=70)]})
    assert [(p["hours"], p["outcome"]) for p in decision["parts"]] == [(5, "entitled"), (2.5, "not_entitled")]


def test_a_scenario_must_say_which_pool_the_person_is_in(pools):
    with pytest.raises(FtdslError) as error:
        decide(pools, OFFICIAL, [duties("2026-03-04", hours=1)])
    assert "'union'" in str(error.value)


@pytest.mark.parametrize("pool_taken, message", [
    ({"unoin": []}, "no rule shares time by 'unoin'"),
    ({"union": {"date": "2026-03-02"}}, "must be a list"),
    ([], "'pool taken' must be an object"),
])
def test_pool_taken_that_is_wrong_is_an_error_at_its_place(pools, pool_taken, message):
    with pytest.raises(FtdslError) as error:
        decide(pools, {**OFFICIAL, "union": "GMB"}, [duties("2026-03-04", hours=1)], pool_taken=pool_taken)
    assert message in str(error.value)


def test_the_printer_writes_shared_time_back_as_it_was_written(tmp_path):
    path = tmp_path / "pools.ftr"
    path.write_text(RULESET, encoding="utf-8")
    result = run_cli("fmt", "--check", str(path))
    assert result.returncode == 0, result.stdout + result.stderr


def _log(rows, columns=("rep", "id", "date", "category", "hours", "roles", "union")):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def _run(program, text):
    """A log's text decided by a Batch: the output rows (dicts), and the summary."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "log.csv")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        written = io.StringIO()
        batch = Batch(program, path, "csv", "csv")
        batch.run(path, written)
    return list(csv.DictReader(io.StringIO(written.getvalue()))), batch.summary()


def test_a_log_counts_each_pool_across_its_members_in_date_order(pools):
    # Unison (63.75 h a week): A 30 h on Monday, B 3.75 h on Monday (a later row), B 30 h on Tuesday: 63.75 h,
    # the pool full; A's 7.5 h on Wednesday has nothing left. GMB's pool is its own: C's 7.5 h is within it.
    rows, summary = _run(pools.program, _log([
        ("A", "a1", "2026-03-02", "duties", 30, "branch official", "Unison"),
        ("B", "b1", "2026-03-03", "duties", 30, "branch official", "Unison"),
        ("C", "c1", "2026-03-03", "duties", 7.5, "branch official", "GMB"),
        ("A", "a2", "2026-03-04", "duties", 7.5, "branch official", "Unison"),
        ("B", "b0", "2026-03-02", "duties", 3.75, "branch official", "Unison"),
    ]))
    assert [(r["id"], r["outcome"], r["clauses"]) for r in rows] == [
        ("a1", "entitled", "1"), ("b1", "entitled", "1"), ("c1", "entitled", "2"), ("a2", "not_entitled", "1"),
        ("b0", "entitled", "1")]
    assert summary["duties"]["entitled"] == Fraction(3000 + 3000 + 750 + 375, 100)
    assert summary["duties"]["not_entitled"] == Fraction(15, 2)


def test_a_log_row_that_does_not_say_its_pool_is_an_error_of_that_row(pools):
    rows, _ = _run(pools.program, _log([("D", "d1", "2026-03-05", "duties", 1, "branch official", "")]))
    assert "does not give 'union'" in rows[0]["error"]


_DAYS = [f"2026-03-{day:02d}" for day in range(2, 16)]  # two weeks, Monday 2 to Sunday 15 March


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 5), st.sampled_from(_DAYS), st.integers(0, 16), st.sampled_from(["A", "B"])),
                min_size=1, max_size=40))
def test_a_pool_shared_by_many_never_gives_out_more_than_it_holds(rows):
    # Two unions' pools of 10 h a week, and no discretion: whatever N people ask, in any order, the hours within
    # the agreement in a week are at most the pool's, and hours asked never go missing.
    program = load_ruleset_text(
        "roles: official\ncategories: duties\nfact roles: list of roles\nfact union: text\n"
        "§1 official may take up to 10 hours per week for duties, shared by the union\n§2 duties are paid\n",
        "pool.ftr").program
    log = _log([(f"P{person}", str(i), day, "duties", quarters / 4, "official", union)
                for i, (person, day, quarters, union) in enumerate(rows)])
    decided, summary = _run(program, log)
    within = defaultdict(Fraction)
    for row, (_, day, quarters, union) in zip(decided, rows):
        week = _DAYS.index(day) // 7
        if row.get("parts"):
            within[union, week] += sum(Fraction(h) for h, outcome in
                                       re.findall(r"([0-9.]+) h (entitled|not entitled)", row["parts"])
                                       if outcome == "entitled")
        elif row["outcome"] == "entitled":
            within[union, week] += Fraction(quarters, 4)
    assert all(hours <= 10 for hours in within.values()), dict(within)
    asked = sum(Fraction(quarters, 4) for _, _, quarters, _ in rows)
    entry = summary.get("duties")
    if entry is not None:
        assert entry["asked"] == asked == entry["entitled"] + entry["not_entitled"]
        assert entry["entitled"] == sum(within.values())


def test_time_counts_only_in_the_pools_whose_rules_apply():
    # The union's pool (§1, 63.75 h a week) is for branch officials: R, a representative in Unison whom §2 gives
    # 60 h of their own, does not use it, so A, a Unison branch official, has all 63.75 h of it.
    program = load_ruleset_text(
        "a working day is 7.5 hours\nroles: branch official, representative\ncategories: duties\n"
        "fact roles: list of roles\nfact union: text\n"
        "§1 branch official may take up to 8.5 days per week for duties, shared by the union\n"
        "§2 representative may take up to 60 hours per week for duties\n§3 duties are paid\n", "own.ftr").program
    rows, _ = _run(program, _log([
        ("R", "r1", "2026-03-02", "duties", 60, "representative", "Unison"),
        ("A", "a1", "2026-03-03", "duties", 63.75, "branch official", "Unison"),
    ]))
    assert [(r["id"], r["outcome"], r["clauses"]) for r in rows] == [("r1", "entitled", "2"), ("a1", "entitled", "1")]
