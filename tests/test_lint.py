"""Warnings from `ftdsl check`: band tables, allowances, conditions, unused names, pay, the year."""

from __future__ import annotations

import json
import re

from hypothesis import given
from hypothesis import strategies as st

from conftest import ROOT, WESTMINSTER, run_cli
from ftdsl.api import load_ruleset_text
from ftdsl.lint import band_gaps, band_overlaps, lint

AS_WRITTEN = ROOT / "tests" / "fixtures" / "westminster-as-written.ftr"

HEAD = """a working day is 7 hours 12 minutes
a working week is 36 hours
the year starts on 1 April
roles: representative, convenor
staff groups: teaching, non-teaching
categories: duties, training
fact roles: list of roles
fact staff group: staff group
fact members: count
"""
PAID = "§9 duties, training are paid\n"


def warnings(text: str, unused: bool = False) -> list:
    """The warnings for a ruleset; those about unused names only when asked (HEAD declares more than each test uses)."""
    loaded = load_ruleset_text(text, "t.ftr")
    return [d for d in lint(loaded.model, loaded.ast) if unused or d.code != "W130"]


def codes(text: str) -> list[str]:
    return [d.code for d in warnings(text)]


def table(*rows: str, extra: str = "§2 representative may take up to rep time per week for duties\n"
          "§3 convenor may take up to 1 day per year for training\n    when staff group is teaching\n"
          "§4 convenor may take up to 1 day per year for training\n    when staff group is non-teaching\n") -> str:
    return HEAD + "§1 rep time is by members:\n" + "".join(f"    {r}\n" for r in rows) + extra + PAID


# ---- the agreement as written --------------------------------------------------------

def test_section_6_13_as_written_warns_of_the_overlap_at_30():
    result = run_cli("check", str(AS_WRITTEN))
    assert result.returncode == 0, result.stderr  # warnings do not fail a check without --strict
    line = next(i for i, text in enumerate(AS_WRITTEN.read_text(encoding="utf-8").splitlines(), 1)
                if text.strip().startswith("30+"))
    # Findings are the output, on standard output as a linter's are.
    assert (f"{AS_WRITTEN}:{line}:5: warning W101: when school members is 30, both '11 – 30' and "
            "'30 or more' match (§6.13)") in result.stdout
    assert "    30+ members: 2 hours\n" in result.stdout and "^^^^" in result.stdout
    assert "hint: decide which row 30 belongs to and start the second row at 31: '31 or more'" in result.stdout
    assert result.stderr == ""


def test_strict_fails_on_warnings():
    result = run_cli("check", "--strict", str(AS_WRITTEN))
    assert result.returncode == 1
    assert "W101" in result.stdout


def test_shipped_rulesets_check_clean_with_strict():
    rulesets = sorted(str(p) for p in (ROOT / "rulesets").glob("*.ftr"))
    result = run_cli("check", "--strict", *rulesets)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_warnings_never_block_run():
    scenario = ROOT / "tests" / "fixtures" / "_school30.json"
    data = {"facts": {"roles": ["representative"], "staff group": "teaching", "employed by council": True,
                      "school members": 30, "branch members": 10},
            "requests": [{"id": "r1", "date": "2026-03-02", "category": "duties", "hours": 1}]}
    try:
        scenario.write_text(json.dumps(data), encoding="utf-8")
        result = run_cli("run", "--format", "json", str(AS_WRITTEN), str(scenario))
    finally:
        scenario.unlink()
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["decisions"][0]["outcome"] == "entitled"


def test_json_format():
    result = run_cli("check", "--format", "json", str(AS_WRITTEN), str(WESTMINSTER))
    data = json.loads(result.stdout)
    assert [entry["warnings"] for entry in data] == [1, 0]
    warning = data[0]["diagnostics"][0]
    assert warning["code"] == "W101" and warning["severity"] == "warning" and warning["column"] == 5


def test_errors_exit_1_without_a_traceback(tmp_path):
    bad = tmp_path / "bad.ftr"
    bad.write_text("categories: duties\n§1 anyone may take up to 3 hourz per week for duties\n", encoding="utf-8")
    result = run_cli("check", str(bad))
    assert result.returncode == 1
    assert "error E204: unknown unit 'hourz'" in result.stdout
    assert result.stderr == ""


def test_a_ruleset_that_cannot_be_read_exits_2_after_checking_the_others(tmp_path):
    bad = tmp_path / "bad.ftr"
    bad.write_text("categories: duties\n§1 anyone may take up to 3 hourz per week for duties\n", encoding="utf-8")
    result = run_cli("check", str(bad), str(tmp_path / "missing.ftr"))
    assert result.returncode == 2  # as every command exits when a file it was given is not there
    # The finding is output; the file that could not be read is the run's error, on standard error.
    assert "error E204: unknown unit 'hourz'" in result.stdout and "error E001" in result.stderr
    assert "E001" not in result.stdout and "E204" not in result.stderr
    assert "Traceback" not in result.stderr


# ---- band tables -------------------------------------------------------------------------

def test_clean_table_has_no_warnings():
    assert codes(table("1 – 10: 0.5 hours", "11 – 30: 1 hour", "31 or more: 2 hours")) == []


def test_gap_between_rows():
    [warning] = warnings(table("1 – 10: 0.5 hours", "12 – 30: 1 hour", "31 or more: 2 hours"))
    assert warning.code == "W102"
    assert warning.message == "when members is 11, no row of §1 matches: no row covers 11, so it gives no value"
    assert warning.span.line == 12  # the row after the gap


def test_table_that_ends():
    [warning] = warnings(table("1 – 10: 0.5 hours", "11 – 30: 1 hour"))
    assert warning.code == "W102" and "when members is 31, no row of §1 matches" in warning.message


def test_continuation_closes_the_end():
    assert codes(table("0 – 10: 1 hour", "then a further 1 hour for every further 10 members")) == []


def test_rows_out_of_order_and_decreasing():
    found = warnings(table("11 – 30: 0.5 hours", "0 – 10: 1 hour", "31 or more: 2 hours"))
    assert [d.code for d in found] == ["W104", "W103"]
    # 0.5 h for 11 to 30 members, after 1 h for 0 to 10: the higher band gives less.
    assert found[0].message == ("the table gives less for more: when members is 11 it gives 0.5 h ('11 – 30'), "
                                "less than the 1 h of '0 – 10' (§1)")


def test_shadowed_row():
    found = warnings(table("0 or more: 1 hour", "5 – 10: 1 hour"))
    assert [d.code for d in found] == ["W101"]
    assert "the row '5 – 10' can never be used" in found[0].message


rows_strategy = st.lists(
    st.tuples(st.integers(0, 30), st.one_of(st.none(), st.integers(0, 30))).map(
        lambda r: (r[0], None if r[1] is None else max(r)),
    ), min_size=1, max_size=6)


@given(rows_strategy, st.booleans())
def test_overlaps_and_gaps_agree_with_a_brute_force_scan(rows, continued):
    top = 40  # beyond every bound the rows can have

    def holds(row, count):
        return row[0] <= count and (row[1] is None or count <= row[1])

    expected_pairs = {}
    for i in range(len(rows)):
        for j in range(i + 1, len(rows)):
            shared = [c for c in range(top + 1) if holds(rows[i], c) and holds(rows[j], c)]
            if shared:
                expected_pairs[(i, j)] = shared[0]
    assert {(o.first, o.second): o.count for o in band_overlaps(rows)} == expected_pairs

    start = min(r[0] for r in rows)
    open_ended = continued or any(r[1] is None for r in rows)
    uncovered = {c for c in range(start, top + 1) if not any(holds(r, c) for r in rows)}
    if open_ended:
        # A continuation covers everything past the last row.
        end = max(r[1] for r in rows if r[1] is not None) if not any(r[1] is None for r in rows) else top
        uncovered = {c for c in uncovered if c <= end}
    reported = set()
    for gap in band_gaps(rows, continued):
        reported.update(range(gap.low, (gap.high if gap.high is not None else top) + 1))
    assert reported == uncovered


# ---- allowances and conditions ---------------------------------------------------------

def test_conflicting_allowances():
    text = HEAD + ("§1 representative may take up to 6 hours per month for duties\n"
                   "§2 representative may take up to 8 hours per month for duties\n"
                   "    when staff group is teaching\n"
                   "§3 convenor may take up to 1 day per year for training\n") + PAID
    [warning] = warnings(text)
    assert warning.code == "W110"
    assert warning.message == ("§1 (line 10) and §2 both give a representative time for duties per month: 6 h and "
                               "8 h; where staff group is teaching, a request gets their sum (14 h)")


def test_exclusive_allowances_do_not_conflict():
    text = HEAD + ("§1 representative may take up to 6 hours per month for duties\n    when staff group is non-teaching\n"
                   "§2 representative may take up to 8 hours per month for duties\n    when staff group is teaching\n"
                   "§3 convenor may take up to 1 day per year for training\n") + PAID
    assert codes(text) == []


def test_rule_that_can_never_apply():
    text = HEAD + ("§1 representative may take up to 6 hours per month for duties\n"
                   "    when staff group is teaching and staff group is non-teaching\n"
                   "§2 convenor may take up to 1 day per year for training\n    when members is more than 5 and "
                   "members is less than 3\n") + PAID
    found = warnings(text)
    assert [d.code for d in found] == ["W120", "W120"]
    assert found[0].message == ("§1 (6 hours per month for duties) can never apply: no scenario makes "
                                "'staff group is teaching and staff group is non-teaching' true, so it never applies")
    assert found[0].span.line == 10


def test_category_condition_against_the_rule_category():
    text = HEAD + ("§1 representative may take up to 6 hours per month for duties\n"
                   "§2 convenor may take up to 1 day per year for training\n"
                   "§3 requests for training must give 2 weeks' notice\n    when category is duties\n") + PAID
    assert codes(text) == ["W120"]


def test_unused_names_and_unpaid_category_and_year_start():
    text = ("a working day is 7 hours\nroles: representative, steward\nstaff groups: teaching\n"
            "categories: duties, training, conference\nfact roles: list of roles\nfact spare: yes/no\n"
            "§1 representative may take up to 2 days per year for training\n"
            "§2 duties are paid\n")
    found = warnings(text, unused=True)
    assert [(d.code, d.span.line) for d in found] == [
        ("W130", 2), ("W130", 3), ("W131", 4), ("W130", 4), ("W130", 6), ("W140", 7), ("W150", 7)]
    messages = "\n".join(d.message for d in found)
    assert "the role 'steward' is declared but no rule uses it" in messages
    assert "no rule gives time for 'duties', so every request for it is not entitled" in messages
    assert "§1 gives time for 'training', but no rule says whether it is paid" in messages
    assert "the year is taken to start on 1 January" in messages


def test_lint_is_quiet_on_westminster(westminster):
    assert lint(westminster.model, westminster.ast) == []


def test_rendered_warning_has_location_line_and_caret():
    result = run_cli("check", str(AS_WRITTEN))
    lines = result.stdout.splitlines()
    head = next(i for i, text in enumerate(lines) if "W101" in text)
    assert re.match(r"^.*westminster-as-written\.ftr:\d+:5: warning W101: ", lines[head])
    assert lines[head + 1].endswith("|     30+ members: 2 hours")
    assert lines[head + 2].endswith("|     ^^^^^^^^^^^^^^^^^^^^")


ATOMS = ["staff group is teaching", "staff group is non-teaching", "staff group is not teaching",
         "members is more than 5", "members is at most 5", "members is at least 100", "roles include convenor",
         "in working hours", "category is duties", "category is training", "notice days is at least 3",
         "rep time is more than 1 hour", "date is at least 2026-04-01"]


@st.composite
def conditions(draw):
    atoms = draw(st.lists(st.sampled_from(ATOMS), min_size=1, max_size=4))
    joins = draw(st.lists(st.sampled_from([" and ", " or ", " and not "]), min_size=len(atoms) - 1,
                          max_size=len(atoms) - 1))
    # Brackets, because '1 hour or ...' would read as an amount given two ways.
    text = f"({atoms[0]})"
    for join, atom in zip(joins, atoms[1:]):
        text += f"{join}({atom})"
    return text


@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), min_size=1, max_size=4),
       st.lists(st.tuples(st.sampled_from(["representative", "convenor"]), st.sampled_from(["duties", "training"]),
                          st.sampled_from(["per month", "per year", "in any 3 months"]), conditions()),
                max_size=4))
def test_lint_never_fails_and_places_every_warning(rows, grants):
    text = HEAD + "§1 rep time is by members:\n" + "".join(
        f"    {min(a, b)} – {max(a, b)}: {max(a, b)} hours\n" for a, b in rows)
    for number, (who, category, period, condition) in enumerate(grants, 2):
        text += f"§{number} {who} may take up to 3 hours {period} for {category}\n    when {condition}\n"
    found = warnings(text, unused=True)
    assert all(d.severity == "warning" and d.code.startswith("W") and d.span.file == "t.ftr" for d in found)
    assert all(d.span.line >= 1 for d in found)


def test_a_count_that_is_not_of_members_is_named_as_written():
    found = warnings(table("0 – 1000: 0.1 FTE", "1002 or more: 0.2 FTE").replace("members", "union share per thousand"))
    (gap,) = [d for d in found if d.code == "W102"]
    assert gap.message.startswith("when union share per thousand is 1001, no row of §1 matches")
