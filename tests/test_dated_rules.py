"""Dates that govern: rules in force from, until and between dates, and the agreement's effective date."""

from __future__ import annotations

import csv
import io

from conftest import run_cli
from ftdsl import api
from ftdsl.diff import diff
from ftdsl.explain import explain
from ftdsl.lint import lint
from ftdsl.formatter import format_text

TEXT = """agreement "Dated"
effective 1 April 2006
roles: representative, equality representative
categories: duties, equality duties
fact roles: list of roles
fact employed by council: yes/no

§6.12 representative may take up to 6 hours per month for duties
    until March 2027
§6.12 representative may take up to 10 hours per month for duties
    from 1 April 2027
§7 equality representative may take reasonable time for equality duties from 1 October 2026
§4.2 time off is given only when employed by council
    from 1 April 2026
§8 duties, equality duties are paid
"""
PERSON = {"roles": ["representative", "equality representative"], "employed by council": True}


def _decide(requests, facts=PERSON, text=TEXT):
    return api.load_ruleset_text(text).decide({"facts": facts, "requests": requests})["decisions"]


def test_each_request_is_decided_by_the_rules_in_force_on_its_date():
    # 8 h of duties: over 6 h a month until March 2027 (the whole month, to the 31st), within 10 h from April.
    march, april = _decide([{"category": "duties", "hours": 8, "date": "2027-03-31"},
                            {"category": "duties", "hours": 8, "date": "2027-04-01"}])
    assert march["outcome"] == "not_entitled" and "6 h per month" in march["reasons"][0]
    assert april["outcome"] == "entitled" and "10 h per month" in april["reasons"][0]


def test_a_request_before_a_rules_start_says_which_date_governs():
    (before,) = _decide([{"category": "equality duties", "hours": 2, "date": "2026-09-30"}])
    assert before["outcome"] == "not_entitled"
    assert before["reasons"][0] == ("no rule gives time for equality duties here: §7 gives reasonable time for "
                                    "equality duties only from 1 October 2026")
    (on_the_day,) = _decide([{"category": "equality duties", "hours": 2, "date": "2026-10-01"}])
    assert on_the_day["outcome"] == "entitled"


def test_the_effective_date_starts_the_whole_agreement():
    (early,) = _decide([{"category": "duties", "hours": 1, "date": "2006-03-31"}])
    assert early["outcome"] == "not_entitled" and early["clauses"] == []
    assert early["reasons"][0].startswith("the agreement takes effect on 1 April 2006")
    (first_day,) = _decide([{"category": "duties", "hours": 1, "date": "2006-04-01"}])
    assert first_day["outcome"] == "entitled"


def test_a_dated_requirement_asks_nothing_outside_its_dates():
    not_employed = dict(PERSON, **{"employed by council": False})
    before, after = _decide([{"category": "duties", "hours": 1, "date": "2026-03-31"},
                             {"category": "duties", "hours": 1, "date": "2026-04-01"}], facts=not_employed)
    assert before["outcome"] == "entitled"  # §4.2 holds from 1 April 2026 only
    assert after["outcome"] == "not_entitled" and after["clauses"] == ["4.2"]


def test_allowances_in_force_at_different_times_do_not_add_up():
    loaded = api.load_ruleset_text(TEXT)
    assert not [w for w in lint(loaded.model, loaded.ast) if w.code == "W110"]
    overlapping = TEXT.replace("    from 1 April 2027\n", "    from 1 March 2027\n")
    loaded = api.load_ruleset_text(overlapping)
    assert [w.code for w in lint(loaded.model, loaded.ast) if w.code == "W110"] == ["W110"]


def test_explain_says_when_the_outcome_would_change():
    tree = explain(api.load_ruleset_text(TEXT), {"facts": PERSON, "requests": [
        {"category": "equality duties", "hours": 2, "date": "2026-09-30"}]})
    (decision,) = tree["decisions"] if "decisions" in tree else tree["requests"]
    texts = [change["text"] for change in decision["changes"]]
    assert "ENTITLED if made on or after 1 October 2026" in texts


def test_diff_shows_dated_changes_as_such():
    old = api.load_ruleset_text(TEXT.replace("    until March 2027\n", "").replace(
        "§6.12 representative may take up to 10 hours per month for duties\n    from 1 April 2027\n", "")).model
    new = api.load_ruleset_text(TEXT).model
    # §6.12's 6 hours a month is replaced by 10 from 1 April 2027: one change, more generous.
    (change,) = [c for c in diff(old, new) if c.aspect == "time" and "duties" in str(c.new)
                 and "equality" not in str(c.new)]
    assert (change.kind, str(change.old), str(change.new)) == (
        "changed", "6 hours per month for duties", "from 1 April 2027: 10 hours per month for duties")
    assert change.direction == "more generous"


def test_formatting_keeps_the_dates_and_their_meaning():
    formatted = format_text(TEXT)
    assert "    until March 2027\n" in formatted and "    from 1 October 2026\n" in formatted
    assert api.load_ruleset_text(formatted).model.key() == api.load_ruleset_text(TEXT).model.key()
    split = TEXT.replace("    from 1 April 2027\n", "    from 1 April 2027\n    until 31 March 2030\n")
    assert "    from 1 April 2027 until 31 March 2030\n" in format_text(split)


def test_a_log_that_spans_a_change_is_decided_row_by_row(tmp_path):
    (tmp_path / "dated.ftr").write_text(TEXT, encoding="utf-8")
    rows = [("rep", "date", "category", "hours", "roles", "employed by council"),
            ("A. Rep", "2027-03-15", "duties", "8", "representative", "yes"),
            ("A. Rep", "2027-04-15", "duties", "8", "representative", "yes"),
            ("B. Rep", "2027-03-20", "duties", "5", "representative", "yes")]
    log = io.StringIO()
    csv.writer(log).writerows(rows)
    (tmp_path / "log.csv").write_text(log.getvalue(), encoding="utf-8")
    result = run_cli("run", "dated.ftr", "log.csv", "-o", "out.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    decided = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert [row["outcome"] for row in decided] == ["not_entitled", "entitled", "entitled"]


def test_show_allowances_gives_each_rules_dates():
    from ftdsl.allowances import allowances, to_data

    data = to_data(allowances(api.load_ruleset_text(TEXT).model))
    (representative,) = [role for role in data["roles"] if role["role"] == "representative"]
    (duties,) = [c for c in representative["categories"] if c["category"] == "duties"]
    assert [(r["says"], r["dates"]) for r in duties["rules"]] == [
        ("up to 6 hours per month", "until 31 March 2027"), ("up to 10 hours per month", "from 1 April 2027")]


def test_a_year_of_dates_shares_one_batch_tree(tmp_path):
    """Rows are keyed by where their date falls among the ruleset's own days (the effective date and
    1 April 2027), not by the day: a year of daily rows for one person's facts makes a handful of leaves,
    not one per day. Keyed by the day it would be at least 365."""
    import datetime

    from ftdsl.batch import Batch

    program = api.load_ruleset_text(TEXT).program
    day = datetime.date(2026, 10, 1)
    rows = ["rep,date,category,hours,roles,employed by council"]
    for offset in range(365):
        rows.append(f"A. Rep,{(day + datetime.timedelta(days=offset)).isoformat()},duties,1,representative,yes")
    path = tmp_path / "log.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    runner = Batch(program, str(path))
    out = io.StringIO()
    runner.run(str(path), out)
    decided = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(decided) == 365
    # 1 h a day against 6 h a month (to March 2027) and 10 h a month (from April): each month's first
    # 6 (or 10) days are entitled, the rest not.
    assert sum(row["outcome"] == "entitled" for row in decided) == 6 * 6 + 10 * 6
    assert len(runner.tree.leaves) < 40
