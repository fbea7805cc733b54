"""Requests decided in parts: a request that straddles an allowance or a limit is decided as the hours that fit
and the hours beyond, each with its own outcome, pay and clauses.

Expected values come from the agreements' text and arithmetic: Westminster §6.12 gives a non-teaching steward
6 hours a month for duties and §6.13 lets management grant more case by case; §6.17 gives 5 days a year of
training (a day is 7 h 12 min), more only for a new representative's basic training; the recognition agreement
limits national executive duties to 9 days of 7 h 24 min (66.6 h) in any 12 months, more in exceptional
circumstances with or without pay.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from fractions import Fraction

import pytest
from conftest import RULESETS, WESTMINSTER, run_cli
from hypothesis import HealthCheck, assume, given, settings
from test_differential import _fitted, rulesets, scenarios

import ftdsl
from ftdsl.batch import Batch
from ftdsl.errors import FtdslError

RECOGNITION = RULESETS / "recognition-and-facilities.ftr"
STEWARD = {"roles": ["representative"], "staff group": "non-teaching", "employed by council": True,
           "branch members": 1750}
STATED = {"purpose": "casework", "location": "City Hall", "notice days": 10}


@pytest.fixture(scope="module")
def westminster():
    return ftdsl.load_ruleset(str(WESTMINSTER))


@pytest.fixture(scope="module")
def recognition():
    return ftdsl.load_ruleset(str(RECOGNITION))


def decide(ruleset, facts, requests, taken=()):
    return ruleset.decide({"facts": facts, "taken": list(taken), "requests": list(requests)})["decisions"]


def parts(decision):
    """(hours, outcome, paid, clauses) of each part, hours exact as the JSON number reads."""
    return [(Fraction(str(p["hours"])), p["outcome"], p["paid"], p["clauses"]) for p in decision["parts"]]


# ---- Westminster ---------------------------------------------------------------------------------

def test_a_steward_with_one_hour_left_gets_one_hour_as_of_right_and_two_at_discretion(westminster):
    # §6.12: 6 h a month; 5 h used, 3 h asked: 1 h within the allowance, 2 h beyond it, for management to
    # grant case by case (§6.13). Duties are paid (§5.3, §6.16) whichever part.
    [decision] = decide(westminster, STEWARD, [{"id": "r1", "date": "2026-03-20", "category": "duties", "hours": 3,
                                                **STATED}],
                        [{"date": "2026-03-02", "category": "duties", "hours": 5}])
    assert parts(decision) == [(1, "entitled", True, ["6.12"]), (2, "discretionary", True, ["6.12", "6.13"])]
    assert [p["pay clauses"] for p in decision["parts"]] == [["5.3", "6.16"], ["5.3", "6.16"]]
    # The request as a whole: all 3 hours need management's agreement, as before parts existed.
    assert (decision["outcome"], decision["paid"], decision["clauses"]) == ("discretionary", True, ["6.12", "6.13"])
    assert list(decision) == ["id", "date", "category", "hours", "outcome", "paid", "clauses", "pay clauses", "parts",
                              "reasons", "checks"]
    assert ("the first 1 h: within the allowance: 5 h taken + 1 h of the 3 h asked = 6 h ≤ 6 h per month for "
            "duties (March 2026) (§6.12)") in decision["reasons"]


def test_a_request_that_fits_or_finds_nothing_left_is_one_part(westminster):
    taken = [{"date": "2026-03-02", "category": "duties", "hours": 6}]
    requests = [{"id": "fits", "date": "2026-02-20", "category": "duties", "hours": 6, **STATED},
                {"id": "none left", "date": "2026-03-20", "category": "duties", "hours": 2, **STATED}]
    for decision in decide(westminster, STEWARD, requests, taken):
        assert "parts" not in decision


def test_training_beyond_five_days_is_not_entitled_and_the_days_within_count(westminster):
    # §6.17: 5 days a year from 1 April. 4 days taken, 2 asked: 1 day entitled and paid (§5.3), 1 day not
    # entitled. The day that was entitled counts: a later hour of training finds the 5 days used up.
    taken = [{"date": "2026-04-13", "category": "training", "days": 4}]
    requests = [{"id": "course", "date": "2026-05-11", "category": "training", "days": 2},
                {"id": "later", "date": "2026-06-01", "category": "training", "hours": 1}]
    course, later = decide(westminster, STEWARD, requests, taken)
    assert parts(course) == [(Fraction("7.2"), "entitled", True, ["6.17"]), (Fraction("7.2"), "not_entitled", False,
                                                                          ["6.17"])]
    assert (course["outcome"], course["paid"]) == ("not_entitled", False)
    assert later["outcome"] == "not_entitled" and "parts" not in later
    # A new representative's basic training may go beyond the 5 days (§6.17): the second day is discretionary.
    new = [{**requests[0], "new representative training": True}]
    [course] = decide(westminster, STEWARD, new, taken)
    assert parts(course) == [(Fraction("7.2"), "entitled", True, ["6.17"]),
                             (Fraction("7.2"), "discretionary", True, ["6.17"])]


def test_several_periods_give_the_time_left_in_the_roomiest(westminster):
    # A teacher representative (1 h a week at 11-30 school members, §6.13) who is also a departmental convenor
    # (1 day a month, §6.12). 6 h taken in the first week of March; 2 h asked in the second: the week has 1 h
    # left, the month 1.2 h. A request is within the agreement if it fits either, so 1.2 h is within it.
    facts = {"roles": ["representative", "departmental convenor"], "staff group": "teaching",
             "employed by council": True, "branch members": 1750, "school members": 20}
    [decision] = decide(westminster, facts, [{"id": "r", "date": "2026-03-10", "category": "duties", "hours": 2,
                                              **STATED}],
                        [{"date": "2026-03-02", "category": "duties", "hours": 6}])
    assert parts(decision) == [(Fraction("1.2"), "entitled", True, ["6.12"]),
                               (Fraction("0.8"), "discretionary", True, ["6.12", "6.13"])]


# ---- limits ------------------------------------------------------------------------------------

def test_a_limit_divides_a_request_and_the_time_beyond_is_paid_as_management_decides(recognition):
    # 66.6 h in any 12 months; 8.5 days (62.9 h) used, 1 day (7.4 h) asked: 3.7 h within the limit, paid as
    # national executive duties are; 3.7 h beyond it, granted in exceptional circumstances, with or without pay.
    facts = {"roles": ["member", "national executive member"], "works flexibly": False, "part-time": False}
    [decision] = decide(recognition, facts, [{"id": "r", "date": "2026-03-10", "category": "national executive duties",
                                              "days": 1}],
                        [{"date": "2025-09-01", "category": "national executive duties", "half days": 17}])
    assert parts(decision) == [(Fraction("3.7"), "entitled", True, ["Payment"]),
                               (Fraction("3.7"), "discretionary", None, ["Payment"])]
    assert (decision["outcome"], decision["paid"]) == ("discretionary", None)


LIMITED = """\
roles: steward
categories: duties
fact roles: list of roles
§1 steward may take up to 6 hours per month for duties
§2 steward may be granted time for duties
§3 duties are limited to 10 hours per month
§4 duties are paid
"""


def test_an_allowance_and_a_limit_make_three_parts():
    # 4 h taken, 8 h asked: 2 h are left of the allowance, 6 h under the limit. The first 2 h are entitled (§1);
    # the next 4 h are beyond the allowance, granted at management's discretion (§2), under the limit; the last
    # 2 h are over the limit, with no discretion beyond it: not entitled (§3).
    ruleset = ftdsl.load_ruleset_text(LIMITED, "limited.ftr")
    steward = {"roles": ["steward"]}
    decisions = decide(ruleset, steward, [{"id": "r", "date": "2026-03-10", "category": "duties", "hours": 8},
                                          {"id": "more", "date": "2026-03-12", "category": "duties", "hours": 1}],
                       [{"date": "2026-03-02", "category": "duties", "hours": 4}])
    assert parts(decisions[0]) == [(2, "entitled", True, ["1"]), (4, "discretionary", True, ["1", "2"]),
                                   (2, "not_entitled", False, ["1", "2", "3"])]
    assert decisions[0]["outcome"] == "not_entitled"
    # The 6 hours not refused count: the month's 10 hours are used up.
    assert decisions[1]["outcome"] == "not_entitled" and "parts" not in decisions[1]


def test_a_limit_found_only_within_the_allowance_divides_the_request_too():
    # The allowance has 3 h left, with nothing beyond it; the limit of 5 h a month has 2 h left. The request
    # whole is refused at the allowance, so the limit is met only by the hours within it: 2 h entitled, and
    # the rest not entitled, by the limit and by the allowance.
    text = "roles: steward\ncategories: duties\nfact roles: list of roles\n" \
           "§1 steward may take up to 6 hours per month for duties\n§3 duties are limited to 5 hours per month\n"
    ruleset = ftdsl.load_ruleset_text(text, "limited.ftr")
    [decision] = decide(ruleset, {"roles": ["steward"]}, [{"id": "r", "date": "2026-03-10", "category": "duties",
                                                           "hours": 4}],
                        [{"date": "2026-03-02", "category": "duties", "hours": 3}])
    assert [(h, o) for h, o, _, _ in parts(decision)] == [(2, "entitled"), (2, "not_entitled")]
    assert parts(decision)[1][3] == ["1", "3"]


def test_hard_notice_refuses_every_part_so_the_request_is_one():
    text = LIMITED + "§5 requests for duties must give 5 days' notice\n"
    ruleset = ftdsl.load_ruleset_text(text, "limited.ftr")
    [decision] = decide(ruleset, {"roles": ["steward"]}, [{"id": "r", "date": "2026-03-10", "category": "duties",
                                                           "hours": 8, "notice days": 1}],
                        [{"date": "2026-03-02", "category": "duties", "hours": 4}])
    assert decision["outcome"] == "not_entitled" and "parts" not in decision


# ---- the laws --------------------------------------------------------------------------------

def _exact_parts(decision, hours):
    if "parts" not in decision:
        return [(hours, decision["outcome"])]
    return [(Fraction(str(p["hours"])), p["outcome"]) for p in decision["parts"]]


def _by_outcome(pairs):
    totals = {}
    for hours, outcome in pairs:
        totals[outcome] = totals.get(outcome, 0) + hours
    return {o: h for o, h in totals.items() if h}


def _hours_of(ruleset, request):
    for unit in ("hours", "days", "half days"):
        if unit in request:
            return ruleset.model.hours_of(unit, Fraction(str(request[unit])))
    raise AssertionError(request)


def _as_hours(value):
    """A request's hours as a scenario can give them exactly (a float whose shortest form is the number), or None."""
    as_float = float(value)
    return as_float if Fraction(repr(as_float)) == value else None


def _decided(text, scenario):
    """(the generated ruleset, the scenario fitted to it, its decisions); a ruleset or scenario that does not
    check is not an example (assume)."""
    try:
        ruleset = ftdsl.load_ruleset_text(text, "generated.ftr")
    except FtdslError:
        assume(False)
    scenario = _fitted(scenario, ruleset.program.vocabulary)
    try:
        decisions = ruleset.decide(scenario)["decisions"]
    except FtdslError:
        assume(False)
    return ruleset, scenario, decisions


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(rulesets(), scenarios())
def test_parts_add_up_and_deciding_the_parts_one_after_another_gives_the_same_hours(text, scenario):
    """For every request: its parts' hours add up to its hours, the parts are in order of outcome (entitled,
    then discretionary, then not entitled: fewer hours never fare worse) with at most one not entitled, the
    last, and the request as a whole has the outcome and pay of its last part.

    And where a request decided in parts counts against its windows (in working hours, or time off in lieu
    counts): asking for its parts as requests of their own, one after another on the same day, gives the same
    hours of each outcome, and every other request of the scenario is decided exactly as before."""
    ruleset, scenario, decisions = _decided(text, scenario)
    rank = {"entitled": 2, "discretionary": 1, "not_entitled": 0}
    for request, decision in zip(scenario["requests"], decisions):
        hours = _hours_of(ruleset, request)
        split = _exact_parts(decision, hours)
        assert sum(h for h, _ in split) == hours
        assert all(h > 0 for h, _ in split) or len(split) == 1
        assert [rank[o] for _, o in split] == sorted((rank[o] for _, o in split), reverse=True)
        assert [o for _, o in split].count("not_entitled") <= 1
        if "parts" in decision:
            assert len(split) > 1
            assert (decision["outcome"], decision["paid"]) == (decision["parts"][-1]["outcome"],
                                                               decision["parts"][-1]["paid"])
    counted = ruleset.program.counts_outside
    divided = [i for i, d in enumerate(decisions) if "parts" in d
               and (counted or scenario["requests"][i].get("in working hours", True))]
    for index in divided[:2]:
        request = scenario["requests"][index]
        pieces = []
        for number, (hours, _) in enumerate(_exact_parts(decisions[index], _hours_of(ruleset, request))):
            given = _as_hours(hours)
            assume(given is not None)
            piece = {k: v for k, v in request.items() if k not in ("hours", "days", "half days")}
            pieces.append({**piece, "id": f"{request['id']} part {number}", "hours": given})
        requests = scenario["requests"][:index] + pieces + scenario["requests"][index + 1:]
        try:
            again = ruleset.decide({**scenario, "requests": requests})["decisions"]
        except FtdslError:
            assume(False)  # a part reaches a step that reads a fact the scenario does not give
        mine = again[index:index + len(pieces)]
        assert _by_outcome(p for d, piece in zip(mine, pieces)
                           for p in _exact_parts(d, Fraction(repr(piece["hours"])))) == _by_outcome(
            _exact_parts(decisions[index], _hours_of(ruleset, request)))
        others = again[:index] + again[index + len(pieces):]
        assert others == decisions[:index] + decisions[index + 1:]


def _prefix_outcome(ruleset, scenario, position, hours):
    varied = [dict(r) for r in scenario["requests"]]
    for unit in ("hours", "days", "half days"):
        varied[position].pop(unit, None)
    varied[position]["hours"] = _as_hours(hours)
    return ruleset.decide({**scenario, "requests": varied})["decisions"][position]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(rulesets(), scenarios())
def test_each_part_is_decided_as_the_request_would_be_if_it_ended_where_the_part_ends(text, scenario):
    ruleset, scenario, decisions = _decided(text, scenario)
    for position, decision in enumerate(decisions):
        if "parts" not in decision:
            continue
        end = Fraction(0)
        for part in decision["parts"]:
            end += Fraction(str(part["hours"]))
            if _as_hours(end) is None:
                continue
            shorter = _prefix_outcome(ruleset, scenario, position, end)
            assert shorter["outcome"] == part["outcome"]
            if part["outcome"] != "not_entitled":
                assert (shorter["paid"], shorter["clauses"], shorter["pay clauses"]) == (
                    part["paid"], part["clauses"], part["pay clauses"])


# ---- batch ----------------------------------------------------------------------------------------

def _through_batch(program, scenario, output_format):
    """The scenario's requests as a log for one representative, decided by a Batch: (output, summary)."""
    columns = ["rep", *dict.fromkeys(key for request in scenario["requests"] for key in request), *scenario["facts"]]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for request in scenario["requests"]:
        row = {"rep": "R", **scenario["facts"], **request}
        writer.writerow(["" if row.get(c) is None else ";".join(row[c]) if isinstance(row[c], list)
                         else str(row[c]).lower() if isinstance(row[c], bool) else str(row[c]) for c in columns])
    written = io.StringIO()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "log.csv")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(out.getvalue())
        batch = Batch(program, path, "csv", output_format)
        batch.run(path, written)
    assert batch.error_count == 0
    return written.getvalue(), batch.summary()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(rulesets(), scenarios())
def test_batch_gives_the_parts_the_scenario_gives_and_adds_them_up_by_outcome(text, scenario):
    ruleset, scenario, decisions = _decided(text, scenario)
    output, summary = _through_batch(ruleset.program, scenario, "jsonl")
    rows = [json.loads(line) for line in output.splitlines()]
    for row, decision in zip(rows, decisions, strict=True):
        want = [{k: p[k] for k in ("hours", "outcome", "paid", "clauses")} for p in decision.get("parts", ())]
        assert row.get("parts", []) == want
        assert "parts" in row or list(row) == ["line", "rep", "id", "date", "category", "hours", "outcome", "paid",
                                               "clauses", "error"]
    expected = {}
    for request, decision in zip(scenario["requests"], decisions):
        entry = expected.setdefault(decision["category"], {"asked": 0, "paid": 0})
        hours = _hours_of(ruleset, request)
        entry["asked"] += hours
        for part in decision.get("parts") or [{"hours": hours, "outcome": decision["outcome"],
                                               "paid": decision["paid"]}]:
            part_hours = Fraction(str(part["hours"]))
            entry[part["outcome"]] = entry.get(part["outcome"], 0) + part_hours
            entry["paid"] += part_hours if part["paid"] is True else 0
    for category, entry in expected.items():
        for key, value in entry.items():
            assert summary[category][key] == value, (category, key)
    # CSV: the same rows, the parts column named only when some row has parts.
    csv_output, _ = _through_batch(ruleset.program, scenario, "csv")
    header, *lines = csv_output.splitlines()
    assert header.endswith(",error,parts") == any("parts" in d for d in decisions)
    for line, decision in zip(csv.reader(lines), decisions, strict=True):
        assert len(line) == (11 if "parts" in decision else 10)


def test_a_log_decides_its_straddling_rows_as_the_scenario_does_and_keeps_the_tree_for_the_rest(westminster,
                                                                                                 tmp_path):
    # One steward, a month of duties: 4 h, then 3 h (2 h left: in parts), then 2 h (none left), then the same
    # again in April and May. Only March's rows are decided in full: the straddling row's 2 h within the
    # allowance walk to the leaf of the first row (time that fits), and April's and May's rows walk the tree, the
    # straddling row to its Parted node and, for its hours within the allowance, to that leaf.
    rows = [("rep,id,date,category,hours,notice days,roles,staff group,employed by council,branch members,purpose,"
             "location")]
    for month in ("03", "04", "05"):
        for number, (day, hours) in enumerate((("02", 4), ("09", 3), ("16", 2))):
            rows.append(f"A,{month}-{number},2026-{month}-{day},duties,{hours},10,representative,non-teaching,yes,"
                        "1750,casework,City Hall")
    log = tmp_path / "log.csv"
    log.write_text("\n".join(rows) + "\n", encoding="utf-8")
    batch = Batch(westminster.program, str(log), "csv", "csv")
    full = []
    decide_in_full = batch._decide_in_full
    batch._decide_in_full = lambda row, *rest: full.append(row[1]) or decide_in_full(row, *rest)
    out = io.StringIO()
    batch.run(str(log), out)
    assert full == ["03-0", "03-1", "03-2"]
    got = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["parts"] for r in got] == [None, "2 h entitled, paid (6.12); 1 h discretionary, paid (6.12, 6.13)",
                                         None] * 3
    assert [r["outcome"] for r in got] == ["entitled", "discretionary", "discretionary"] * 3
    summary = batch.summary()["duties"]
    assert (summary["entitled"], summary["discretionary"], summary["paid"]) == (18, 9, 27)


def test_the_cli_names_the_parts_column_only_when_a_row_has_parts(tmp_path):
    head = "rep,date,category,hours,roles,staff group,employed by council,branch members,purpose,location\n"
    row = "A,2026-03-{day},duties,{hours},representative,non-teaching,yes,1750,casework,City Hall\n"
    (tmp_path / "whole.csv").write_text(head + row.format(day="02", hours=4) + row.format(day="09", hours=2),
                                        encoding="utf-8")
    (tmp_path / "parts.csv").write_text(head + row.format(day="02", hours=4) + row.format(day="09", hours=3),
                                        encoding="utf-8")
    whole = run_cli("run", str(WESTMINSTER), "whole.csv", "-o", "whole-out.csv", cwd=tmp_path)
    parted = run_cli("run", str(WESTMINSTER), "parts.csv", "-o", "parts-out.csv", cwd=tmp_path)
    assert whole.returncode == parted.returncode == 0
    assert (tmp_path / "whole-out.csv").read_text(encoding="utf-8").splitlines() == [
        "line,rep,id,date,category,hours,outcome,paid,clauses,error",
        "2,A,2,2026-03-02,duties,4,entitled,true,6.12,", "3,A,3,2026-03-09,duties,2,entitled,true,6.12,"]
    assert (tmp_path / "parts-out.csv").read_text(encoding="utf-8").splitlines() == [
        "line,rep,id,date,category,hours,outcome,paid,clauses,error,parts",
        "2,A,2,2026-03-02,duties,4,entitled,true,6.12,",
        ('3,A,3,2026-03-09,duties,3,discretionary,true,6.12;6.13,,"2 h entitled, paid (6.12); 1 h discretionary, '
         'paid (6.12, 6.13)"')]
    # To standard output, through the same temporary file.
    shown = run_cli("run", str(WESTMINSTER), "parts.csv", cwd=tmp_path)
    assert shown.stdout == (tmp_path / "parts-out.csv").read_text(encoding="utf-8")
    summary = run_cli("run", str(WESTMINSTER), "parts.csv", "-o", "again.csv", "--summary", cwd=tmp_path)
    assert summary.stdout.splitlines()[1].split() == ["duties", "2", "7", "6", "1", "0", "7"]


# ---- the documentation and the terminal -----------------------------------------------------------

def _section(page, heading):
    from conftest import ROOT

    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    return text.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]


def test_the_scenarios_page_example_of_parts_is_what_ftdsl_prints(tmp_path):
    section = _section("scenarios.md", "## Requests decided in parts")
    scenario, excerpt = re.findall(r"```json\n(.*?)```", section, re.S)
    (tmp_path / "parts.json").write_text(scenario, encoding="utf-8")
    [shown] = re.findall(r"```\n(\$ ftdsl run .*?)```", section, re.S)
    command, *lines = shown.splitlines()
    assert command == "$ ftdsl run rulesets/westminster.ftr parts.json"
    result = run_cli("run", str(WESTMINSTER), "parts.json", cwd=tmp_path, env={"COLUMNS": "", "NO_COLOR": "1"})
    assert result.returncode == 0
    assert lines[0] == "..."
    printed = result.stdout.splitlines()
    assert printed[-len(lines) + 1:] == lines[1:]
    json_run = run_cli("run", str(WESTMINSTER), "parts.json", "--format", "json", cwd=tmp_path)
    [decision] = json.loads(json_run.stdout)["decisions"]
    expected = json.loads(excerpt)
    assert {key: decision[key] for key in expected} == expected


def test_the_testing_page_example_of_parts_runs_and_fails_as_it_says(tmp_path):
    section = _section("testing.md", "## Requests decided in parts")
    [test] = re.findall(r"```json\n(.*?)```", section, re.S)
    folder = tmp_path / "examples" / "westminster"
    folder.mkdir(parents=True)
    (tmp_path / "westminster.ftr").write_text(WESTMINSTER.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "parts.json").write_text(test, encoding="utf-8")
    result = run_cli("test", "--no-pager", "--no-coverage", "westminster.ftr", cwd=tmp_path)
    assert result.returncode == 0 and "1 passed" in result.stdout
    # The failure the page shows, with the hours the other way round.
    data = json.loads(test)
    data["expect"]["r1"]["parts"] = {"entitled": 2, "discretionary": 1}
    (folder / "parts.json").write_text(json.dumps(data), encoding="utf-8")
    result = run_cli("test", "--no-pager", "--no-coverage", "westminster.ftr", cwd=tmp_path, env={"COLUMNS": "200"})
    assert result.returncode == 1
    assert ("request r1: parts: expected 2 h entitled, 1 h discretionary, got 1 h entitled, 2 h discretionary"
            in result.stdout)


def test_an_expectation_of_parts_in_a_list_names_the_part_and_key_that_differ(westminster, tmp_path):
    from ftdsl.testing import run_test

    data = {"facts": STEWARD, "taken": [{"date": "2026-03-02", "category": "duties", "hours": 5}],
            "requests": [{"id": "r1", "date": "2026-03-20", "category": "duties", "days": 0.5, **STATED}],
            "expect": {"r1": {"parts": [{"hours": 1, "paid": True, "clauses": ["6.12"]},
                                        {"hours": "2.6 hours", "outcome": "Not entitled"}]}}}
    path = tmp_path / "t.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result, _, _ = run_test(westminster, str(path))
    # Half a day is 3.6 h: 1 h entitled, 2.6 h discretionary.
    assert [(m.key, m.got) for m in result.mismatches] == [("part 2 outcome", "discretionary")]
    data["expect"]["r1"]["parts"] = [{"hours": 3.6}]
    path.write_text(json.dumps(data), encoding="utf-8")
    result, _, _ = run_test(westminster, str(path))
    [mismatch] = result.mismatches
    assert (mismatch.key, mismatch.expected.text, mismatch.got.text) == (
        "parts", "1 part", "1 h entitled, 2.6 h discretionary")
    data["expect"]["r1"]["parts"] = {"entitled": 1, "for management": 2.6}
    path.write_text(json.dumps(data), encoding="utf-8")
    result, _, _ = run_test(westminster, str(path))
    assert result.status == "error" and "'for management' is not an outcome" in result.error.render()


@pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")
def test_the_parts_at_a_terminal_are_coloured_and_fit_it(tmp_path):
    from test_terminal import in_terminal

    from ftdsl.colour import strip
    from ftdsl.wrapping import text_width

    scenario = RULESETS / "examples" / "westminster" / "duties-in-parts.json"
    for width in (80, 120):
        code, shown = in_terminal("run", WESTMINSTER, scenario, width=width)
        assert code == 0
        plain = strip(shown).splitlines()
        assert max(text_width(line) for line in plain) <= width
        at = plain.index("    in parts:")
        assert plain[at - 1] == "    DISCRETIONARY (for management to agree), paid (§6.12, §6.13)"
        assert plain[at + 1:at + 3] == ["      1 h ENTITLED, paid (§6.12)",
                                        "      2 h DISCRETIONARY (for management to agree), paid (§6.12, §6.13)"]
        assert "      1 h \x1b[1;32mENTITLED\x1b[0m, paid (§6.12)" in shown.splitlines()
    code, shown = in_terminal("explain", WESTMINSTER, scenario, "--request", "r1", width=80)
    plain = strip(shown).splitlines()
    at = plain.index("├─ Decided in parts, by the time left")
    assert plain[at + 1:at + 3] == ["│  ├─ 1 h ENTITLED, paid (§6.12)",
                                    "│  └─ 2 h DISCRETIONARY (for management to agree), paid (§6.12, §6.13)"]
    assert max(text_width(line) for line in plain) <= 80
