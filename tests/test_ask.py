"""`ftdsl ask` and `ftdsl explain LOG --request ID`: one request, with the person's facts and history.

Expected values come from Westminster's agreement (rulesets/westminster.ftr)
and arithmetic: §6.12 gives a non-teaching representative 6 hours per month
for duties, §6.13 lets management grant more case by case, §6.13's weekly
table gives a teacher representative of a school of 11 to 30 members 1 hour
a week, and "§Standard" refuses time not for directly employed staff. The
shipped log (rulesets/logs/westminster-2026.csv) gives G. Wright, in March
2026, 2 h of duties on the 2nd and 1.5 h on the 11th (3.5 h), 2 h on the
12th not for directly employed staff (refused), 2 h of joint committee
meetings on the 16th and 1 h of duties on the 30th.
"""

from __future__ import annotations

import json
import shutil
import sys

import pytest

from conftest import ROOT, WESTMINSTER, run_cli
from doc_examples import assert_shown, at_terminal, blocks, command_of, in_process, run_block

LOG = ROOT / "rulesets" / "logs" / "westminster-2026.csv"
ROSTER = ROOT / "rulesets" / "logs" / "westminster-roster.csv"
NON_TEACHING = ("--fact", "roles=representative", "--fact", "staff group=non-teaching",
                "--fact", "employed by council=yes")
HEADER = ("rep,id,date,category,hours,notice days,in working hours,representing directly employed staff,roles,"
          "staff group,employed by council,branch members,school members\n")


def ask(*args, cwd=None):
    """`ftdsl ask WESTMINSTER ARGS`, in this process (the docs' examples and the terminal's run the installed
    script)."""
    return in_process("ask", WESTMINSTER, *args, cwd=cwd)


def ask_json(*args, cwd=None) -> dict:
    result = ask(*args, "--format", "json", cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def decision(data: dict) -> dict:
    [request] = data["explanation"]["requests"]
    return request


# ---- deciding and explaining -----------------------------------------------------------------

@pytest.mark.parametrize("hours, outcome, clauses", [
    ("3", "entitled", ["6.12"]),
    ("6", "entitled", ["6.12"]),  # exactly the 6 hours a month: within
    ("6.5", "discretionary", ["6.12", "6.13"]),  # over: for management to agree, case by case
])
def test_a_request_with_its_facts_on_the_command_line(hours, outcome, clauses):
    data = ask_json("--category", "duties", "--hours", hours, "--date", "2026-03-25", *NON_TEACHING)
    request = decision(data)
    assert (request["outcome"], request["clauses"], request["paid"]) == (outcome, clauses, True)
    assert {fact["fact"]: (fact["value"], fact["from"]) for fact in data["facts"]} == {
        "roles": (["representative"], "--fact"), "staff group": ("non-teaching", "--fact"),
        "employed by council": (True, "--fact")}
    assert "history" not in data


def test_the_text_says_what_was_asked_the_facts_and_the_tree():
    result = ask("--category", "duties", "--hours", "3", "--date", "2026-03-25", "--notice-days", "10", *NON_TEACHING)
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[:7] == [
        "A representative asks for 3 h of duties on 25 March 2026, with 10 days' notice",
        "Facts:",
        "  employed by council: yes (--fact)",
        "  roles: representative (--fact)",
        "  staff group: non-teaching (--fact)",
        "Time already taken: none given (--history LOG counts the person's earlier",
        "  requests)"]
    assert "Request 1 (2026-03-25, duties, 3 h): ENTITLED, paid" in lines
    assert any("0 h taken + 3 h asked = 3 h" in line for line in lines)


def test_days_and_half_days_are_the_agreements_working_day():
    # A working day is 7 h 12 min (7.2 h): one day is over 6 h a month, a half day (3.6 h) within.
    assert decision(ask_json("--category", "duties", "--days", "1", "--date", "2026-03-25",
                             *NON_TEACHING))["outcome"] == "discretionary"
    assert decision(ask_json("--category", "duties", "--half-days", "1", "--date", "2026-03-25",
                             *NON_TEACHING))["exact hours"] == "3.6"


def test_a_request_fact_and_working_hours_and_what_it_states():
    # Not for directly employed staff: refused by §Standard; outside working hours, activities are not given (§5.5).
    refused = decision(ask_json("--category", "duties", "--hours", "1", "--date", "2026-03-25", *NON_TEACHING,
                                "--fact", "representing directly employed staff=no"))
    assert (refused["outcome"], refused["clauses"]) == ("not_entitled", ["Standard"])
    outside = decision(ask_json("--category", "activities", "--hours", "1", "--date", "2026-03-25", *NON_TEACHING,
                                "--outside-working-hours"))
    assert outside["outcome"] == "not_entitled"
    stated = decision(ask_json("--category", "duties", "--hours", "1", "--date", "2026-03-25", *NON_TEACHING,
                               "--stated", "purpose,location"))
    assert not any("should state" in reason for reason in stated["reasons"])
    unstated = decision(ask_json("--category", "duties", "--hours", "1", "--date", "2026-03-25", *NON_TEACHING))
    assert any("should state its purpose and location" in reason for reason in unstated["reasons"])


# ---- the time already taken ------------------------------------------------------------------

def test_history_counts_the_reps_earlier_rows_as_run_decides_them():
    data = ask_json("--rep", "G. Wright", "--category", "duties", "--hours", "3", "--date", "2026-03-25",
                    "--history", LOG)
    request = decision(data)
    assert (request["outcome"], request["clauses"]) == ("discretionary", ["6.12", "6.13"])
    assert "over the allowance: 3.5 h taken + 3 h asked = 6.5 h > 6 h per month for duties (March 2026) (§6.12)" \
        in request["reasons"]
    assert [change["text"] for change in request["changes"]][0] == "ENTITLED if 0.5 h fewer were asked (2.5 h)"
    rows = {row["line"]: (row["counted"], row["outcome"]) for row in data["history"]["rows"]}
    assert rows == {2: (True, "entitled"), 4: (True, "entitled"), 5: (False, "not_entitled"),
                    6: (True, "entitled"), 9: (False, "entitled")}
    assert next(r for r in data["history"]["rows"] if r["line"] == 9)["why"] == "after 25 March 2026, the day asked"
    # The facts are those of G. Wright's row nearest before 25 March (line 6, 16 March).
    assert {fact["from"] for fact in data["facts"]} == {f"{LOG} line 6"}
    # 3.5 h + 2.5 h is exactly the 6 hours.
    assert decision(ask_json("--rep", "G. Wright", "--category", "duties", "--hours", "2.5", "--date", "2026-03-25",
                             "--history", LOG))["outcome"] == "entitled"


def test_history_text_lists_what_counted_and_what_did_not():
    result = ask("--rep", "G. Wright", "--category", "duties", "--hours", "3", "--date", "2026-03-25",
                 "--history", LOG)
    assert result.returncode == 0
    # Read as words: the heading holds the log's path, which wraps where the checkout's path is long.
    words = " ".join(result.stdout.split())
    assert (f"Already taken by G. Wright, from {LOG}: counted: duties 3.5 h (lines 2, 4), joint committee meetings "
            "2 h (line 6) not counted: line 5 (2026-03-12, duties, 2 h): refused (not entitled), so it counts against "
            "nothing") in words


def _appended(tmp_path, row: str):
    log = tmp_path / "log.csv"
    log.write_text(LOG.read_text(encoding="utf-8") + row + "\n", encoding="utf-8")
    return log


@pytest.mark.parametrize("rep, category, amount, day", [
    ("G. Wright", "duties", ("--hours", "3"), "2026-03-25"),
    ("G. Wright", "duties", ("--hours", "2.5"), "2026-03-25"),
    ("G. Wright", "duties", ("--hours", "1"), "2026-03-11"),  # the day of a row of the log: after it
    ("G. Wright", "duties", ("--hours", "3"), "2026-03-02"),
    ("G. Wright", "joint committee meetings", ("--hours", "2.5"), "2026-03-31"),  # 2 h + 2.5 h > 4 h (§6.12)
    ("G. Wright", "duties", ("--days", "1"), "2026-04-01"),  # a new month: nothing counted
    ("A. Patel", "duties", ("--hours", "0.5"), "2026-03-31"),
    ("S. Brown", "duties", ("--hours", "1"), "2026-03-19"),  # the week of 18 March: 1 h + 1 h > 1 h (§6.13)
    ("S. Brown", "duties", ("--hours", "1"), "2026-03-23"),  # the next week
])
def test_ask_answers_what_run_gives_the_request_added_to_the_log(tmp_path, rep, category, amount, day):
    unit = {"--hours": 4, "--days": None}[amount[0]]
    facts = ("teaching,yes,1750,25" if rep == "S. Brown" else "non-teaching,yes,1750,")
    cells = [rep, "asked", day, category, amount[1] if unit else "", "", "yes", "", "representative"]
    if unit is None:  # the log has no days column: the day in hours, 7.2
        cells[4] = "7.2"
    log = _appended(tmp_path, ",".join(cells) + "," + facts)
    run = run_cli("run", str(WESTMINSTER), str(log), "--output-format", "jsonl")
    assert run.returncode == 0, run.stderr
    appended = json.loads(run.stdout.splitlines()[-1])
    asked = decision(ask_json("--rep", rep, "--category", category, *amount, "--date", day, "--history", LOG))
    assert (asked["outcome"], asked["paid"], asked["clauses"]) == \
        (appended["outcome"], appended["paid"], appended["clauses"])


def test_s_brown_over_the_week_is_for_management(tmp_path):
    # 1 h on Wednesday 18 March, and 1 h more that week: 2 h > 1 h per week for a school of 25 members.
    request = decision(ask_json("--rep", "S. Brown", "--category", "duties", "--hours", "1", "--date", "2026-03-19",
                                "--history", LOG))
    assert request["outcome"] == "discretionary"
    assert any("1 h taken + 1 h asked = 2 h > 1 h per week" in reason for reason in request["reasons"])


def test_facts_come_from_the_row_nearest_before_the_date_else_the_nearest_after(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(HEADER + "R. Khan,k1,2026-03-02,duties,1,,yes,,representative,teaching,yes,1750,12\n"
                   "R. Khan,k2,2026-03-20,duties,1,,yes,,representative,non-teaching,yes,1750,\n", encoding="utf-8")

    def facts(day):
        data = ask_json("--rep", "R. Khan", "--category", "duties", "--hours", "1", "--date", day, "--history", log)
        return {fact["fact"]: (fact["value"], fact["from"].rsplit(" ", 1)[1]) for fact in data["facts"]}

    assert facts("2026-03-10")["staff group"] == ("teaching", "2")
    assert facts("2026-03-25")["staff group"] == ("non-teaching", "3")
    assert facts("2026-03-25")["school members"] == (12, "2")  # the later row leaves it empty
    assert facts("2026-02-01")["staff group"] == ("teaching", "2")  # none before: the nearest after


def test_fact_beats_roster_beats_log(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(HEADER + "G. Wright,w1,2026-03-02,duties,1,,yes,,representative,teaching,yes,1750,40\n",
                   encoding="utf-8")
    data = ask_json("--rep", "G. Wright", "--category", "duties", "--hours", "3", "--date", "2026-03-25",
                    "--history", log, "--roster", ROSTER, "--fact", "branch members=900")
    found = {fact["fact"]: (fact["value"], fact["from"]) for fact in data["facts"]}
    assert found["staff group"] == ("non-teaching", f"{ROSTER} line 2")  # the roster over the log's teaching
    assert found["branch members"] == (900, "--fact")
    assert found["school members"] == (40, f"{log} line 2")  # only the log gives it
    assert data["union"] == "UNISON"
    # Non-teaching (the roster): 1 h taken + 3 h asked is within 6 h a month.
    assert decision(data)["outcome"] == "entitled"


def test_someone_on_the_roster_with_no_rows_has_taken_nothing():
    data = ask_json("--rep", "J. Okafor", "--category", "duties", "--hours", "6", "--date", "2026-03-25",
                    "--history", LOG, "--roster", ROSTER)
    assert decision(data)["outcome"] == "entitled" and data["history"]["rows"] == []


def test_rows_outside_working_hours_and_rows_with_errors(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(HEADER + "G. Wright,w1,2026-03-02,duties,4,,no,,representative,non-teaching,yes,1750,\n"
                   "G. Wright,w2,2026-03-31x,duties,4,,yes,,representative,non-teaching,yes,1750,\n", encoding="utf-8")
    data = ask_json("--rep", "G. Wright", "--category", "duties", "--hours", "3", "--date", "2026-03-25",
                    "--history", log)
    # §6.16: time off in lieu counts against the allowances, so 4 h outside working hours count: 7 h > 6 h.
    assert decision(data)["outcome"] == "discretionary"
    rows = {row["line"]: row for row in data["history"]["rows"]}
    assert rows[2]["counted"] and not rows[3]["counted"]
    assert rows[3]["why"].startswith("the row has an error: the date must be a real date")


def test_a_log_in_json_lines():
    lines = []
    for text in LOG.read_text(encoding="utf-8").splitlines()[1:]:
        cells = dict(zip(HEADER.strip().split(","), text.split(",")))
        lines.append(json.dumps({key: value for key, value in cells.items() if value}))
    path = ROOT / "tests" / "fixtures" / "_log.jsonl"
    try:
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        data = ask_json("--rep", "G. Wright", "--category", "duties", "--hours", "3", "--date", "2026-03-25",
                        "--history", path)
    finally:
        path.unlink()
    assert decision(data)["outcome"] == "discretionary"
    assert [row["line"] for row in data["history"]["rows"] if row["counted"]] == [1, 3, 5]


# ---- the roster ------------------------------------------------------------------------------

def test_the_roster_gives_the_facts_and_the_union():
    data = ask_json("--rep", "S. Brown", "--category", "duties", "--hours", "1", "--date", "2026-03-25",
                    "--roster", ROSTER, "--fact", "school members=25")
    assert data["union"] == "NUT"
    assert {fact["fact"]: fact["from"] for fact in data["facts"]} == {
        "roles": f"{ROSTER} line 4", "staff group": f"{ROSTER} line 4", "employed by council": f"{ROSTER} line 4",
        "branch members": f"{ROSTER} line 4", "school members": "--fact"}
    assert decision(data)["outcome"] == "entitled"  # 1 h of the week's 1 h (11 – 30 members)


@pytest.mark.parametrize("text, message, hint", [
    ("person,staf group\nG. Wright,teaching\n", "roster.csv:1:1: error E308: unknown column 'staf group'",
     "hint: did you mean 'staff group'?"),
    ("name,staff group\nG. Wright,teaching\n", "roster.csv:1:1: error E308: unknown column 'name'", None),
    ("staff group\nteaching\n", "roster.csv:1:1: error E308: the roster has no 'person' column", None),
    ("person,roles\nG. Wright,representative\nG. Wright,representative\n",
     "roster.csv:3:1: error E308: 'G. Wright' is on two rows of the roster, lines 2 and 3",
     "hint: give each person one row"),
    ("person,staff group\nG. Wright,teachers\n",
     "roster.csv:2:1: error E308: staff group: unknown staff group 'teachers'", "hint: did you mean 'teaching'?"),
    ("person,branch members\nG. Wright,lots\n",
     'roster.csv:2:1: error E308: branch members: must be a whole number (0, 1, 2, ...), not "lots"', None),
    ("person,representing directly employed staff\nG. Wright,yes\n",
     "roster.csv:1:1: error E308: unknown column 'representing directly employed staff'",
     "hint: 'representing directly employed staff' is a fact of each request, not of a person: give it in the "
     "log's rows, or with --fact"),
    ("", "roster.csv:1:1: error E308: the roster is empty: it needs a header row naming its columns", None),
])
def test_a_roster_that_cannot_be_read(tmp_path, text, message, hint):
    (tmp_path / "roster.csv").write_text(text, encoding="utf-8")
    result = ask("--rep", "G. Wright", "--category", "duties", "--hours", "1", "--date", "2026-03-25",
                 "--roster", "roster.csv", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == message
    if hint:
        assert lines[1] == "  " + hint
    assert "Traceback" not in result.stderr


def test_a_roster_saved_as_a_spreadsheet(tmp_path):
    (tmp_path / "roster.xlsx").write_bytes(b"PK\x03\x04" + b"\0" * 100)
    result = ask("--rep", "G. Wright", "--category", "duties", "--hours", "1", "--date", "2026-03-25",
                 "--roster", "roster.xlsx", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "roster.xlsx:1:1: error E308: the roster is an Excel workbook (.xlsx) or other zipped file, not a text file "
        "(CSV)", "  hint: in Excel, use Save As and choose 'CSV UTF-8 (Comma delimited)'"]


# ---- what makes a question wrong -------------------------------------------------------------

USAGE = "Usage: ftdsl ask [OPTIONS] RULESET\nTry 'ftdsl ask --help' for help.\n\n"


@pytest.mark.parametrize("args, error", [
    (("--fact", "staff group"), "Error: Invalid value for '--fact': 'staff group' is not NAME=VALUE: write, for "
     "example, --fact 'staff group=teaching' (quoted when the name has spaces)"),
    (("--fact", "=teaching"), "Error: Invalid value for '--fact': '=teaching' is not NAME=VALUE: write, for example, "
     "--fact 'staff group=teaching' (quoted when the name has spaces)"),
    (("--fact", "roles=representative", "--fact", "Roles=representative"),
     "Error: Invalid value for '--fact': 'Roles' is given twice ('roles=representative' and 'Roles=representative'): "
     "give each fact once"),
    (("--history", "log.csv"), "Error: --history needs --rep NAME: whose rows to read, as the log writes the name"),
    (("--roster", "r.csv"), "Error: --roster needs --rep NAME: whose rows to read, as the roster writes the name"),
    (("--input-format", "csv"), "Error: --input-format says how to read the log of --history, and there is none"),
    (("--days", "1"), "Error: give only one of --hours, --days and --half-days"),
    (("--rep", " "), "Error: --rep is empty: give the person's name"),
])
def test_usage_errors(args, error):
    result = ask("--category", "duties", "--hours", "3", "--date", "2026-03-25", *args)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == USAGE + error + "\n"


def test_no_amount_and_no_date_are_usage_errors():
    result = ask("--category", "duties", "--date", "2026-03-25")
    assert result.returncode == 2 and result.stderr.endswith(
        "Error: give how much time with one of --hours, --days or --half-days\n")
    result = ask("--category", "duties", "--hours", "3")
    assert result.returncode == 2 and result.stderr.endswith("Error: Missing option '--date'.\n")


@pytest.mark.parametrize("args, message, hint", [
    (("--category", "duties", "--fact", "staf group=teaching"),
     "error E305: --fact 'staf group=teaching': this ruleset has no fact 'staf group'", "did you mean 'staff group'?"),
    (("--category", "duties", "--fact", "colour=red"), "error E305: --fact 'colour=red': this ruleset has no fact "
     "'colour'", "facts it reads: branch members, employed by council, new representative training, "
     "representing directly employed staff, roles, school members, staff group"),
    (("--category", "duties", "--fact", "purpose=meeting"),
     "error E305: --fact 'purpose=meeting': this ruleset has no fact 'purpose'",
     "'purpose' is what a request states: give --stated 'purpose'"),
    (("--category", "duties", "--fact", "staff group=teachers"),
     "error E305: --fact 'staff group=teachers': unknown staff group 'teachers'", "did you mean 'teaching'?"),
    (("--category", "duties", "--fact", "branch members=many"),
     "error E305: --fact 'branch members=many': must be a whole number (0, 1, 2, ...), not \"many\"",
     "write the number without quotes or decimals"),
    (("--category", "duties", "--fact", "employed by council=perhaps"),
     "error E305: --fact 'employed by council=perhaps': must be yes or no (true or false), not \"perhaps\"", None),
    (("--category", "duties", "--fact", "roles=steward"), "error E305: --fact 'roles=steward': unknown role 'steward'",
     "roles: branch secretary, departmental convenor, equalities officer, representative, women's officer"),
    (("--category", "duties", "--fact", "roles="), "error E305: --fact 'roles=': give at least one role",
     "roles: branch secretary, departmental convenor, equalities officer, representative, women's officer"),
    (("--category", "dutys"), 'error E305: --category: unknown category "dutys"', "did you mean 'duties'?"),
    (("--category", "duties", "--stated", "purpos"),
     "error E305: --stated 'purpos': this ruleset's requests state no 'purpos'", "did you mean 'purpose'?"),
])
def test_values_the_ruleset_cannot_take(args, message, hint):
    result = ask("--hours", "3", "--date", "2026-03-25", *args)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines()[0] == message
    assert result.stderr.splitlines()[1:] == ([f"  hint: {hint}"] if hint else [])


@pytest.mark.parametrize("option, value, message", [
    ("--date", "2026-02-30", 'error E305: --date: must be a real date written YYYY-MM-DD: February 2026 has no day 30 '
                             '("2026-02-30")'),
    ("--date", "25/03/2026", 'error E305: --date: must be a real date written YYYY-MM-DD, not "25/03/2026"'),
    ("--date", "2026-W13-3", 'error E305: --date: must be a real date written YYYY-MM-DD, not "2026-W13-3"'),
    ("--hours", "three", 'error E305: --hours: must be a number, 0 or more, not "three"'),
    ("--hours", "-1", "error E305: --hours: must be a number, 0 or more, not -1"),
    ("--notice-days", "ten", 'error E305: --notice-days: must be a whole number of days, 0 or more, not "ten"'),
])
def test_a_bad_date_amount_or_notice(option, value, message):
    args = {"--date": "2026-03-25", "--hours": "3"}
    args[option] = value
    result = ask("--category", "duties", *[x for pair in args.items() for x in pair], *NON_TEACHING)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines()[0] == message


def test_days_where_the_agreement_defines_no_working_day(tmp_path):
    (tmp_path / "r.ftr").write_text("categories: duties\nfact roles: list of roles\nroles: representative\n\n"
                                    "§1 representative may take up to 6 hours per month for duties\n", encoding="utf-8")
    result = run_cli("ask", "r.ftr", "--category", "duties", "--days", "1", "--date", "2026-03-25", "--fact",
                     "roles=representative", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (2, "error E305: --days: this agreement does not define a working "
                                                     "day, so 'days' cannot be converted to hours\n"
                                                     '  hint: give the time in "hours"\n')


def test_a_missing_log_and_a_folder(tmp_path):
    result = ask("--rep", "G. Wright", "--category", "duties", "--hours", "3", "--date", "2026-03-25",
                 "--history", "missing.csv", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (2, "error E001: log 'missing.csv' does not exist\n"
                                                     "  hint: check the path and the spelling\n")
    result = ask("--rep", "G. Wright", "--category", "duties", "--hours", "3", "--date", "2026-03-25",
                 "--roster", "missing.csv", cwd=tmp_path)
    assert (result.returncode, result.stderr.splitlines()[0]) == (2, "error E001: roster 'missing.csv' does not exist")
    (tmp_path / "logs.csv").mkdir()
    result = ask("--rep", "G. Wright", "--category", "duties", "--hours", "3", "--date", "2026-03-25",
                 "--history", "logs.csv", cwd=tmp_path)
    assert (result.returncode, result.stderr.splitlines()[0]) == (2, "error E002: 'logs.csv' is a folder, not a log")


def test_a_rep_the_log_does_not_have():
    # The files by their paths from the checkout, as a user there types them (a long absolute path is shortened).
    log, roster = (str(path.relative_to(ROOT)) for path in (LOG, ROSTER))
    result = ask("--rep", "G Wright", "--category", "duties", "--hours", "3", "--date", "2026-03-25",
                 "--history", log, cwd=ROOT)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"error E307: 'G Wright' has no row in {log}",
                                          "  hint: did you mean 'G. Wright'? (names are matched as written)"]
    result = ask("--rep", "g. wright", "--category", "duties", "--hours", "3", "--date", "2026-03-25",
                 "--history", log, "--roster", roster, cwd=ROOT)
    assert result.stderr.splitlines()[0] == f"error E307: 'g. wright' has no row in {log} or {roster}"
    assert "did you mean 'G. Wright'?" in result.stderr


def test_a_scenario_given_as_the_history():
    scenario = ROOT / "rulesets" / "examples" / "westminster" / "duties-over-allowance.json"
    result = ask("--rep", "G. Wright", "--category", "duties", "--hours", "3", "--date", "2026-03-25",
                 "--history", scenario)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (f"{scenario}:1:1: error E301: this is a scenario (one JSON object of "
                                             "facts and requests), not a log of requests one a row")
    assert "'ftdsl run RULESET SCENARIO.json'" in result.stderr


def test_a_fact_needed_and_not_given_names_the_fact_to_add():
    # Not at a terminal (standard input is not one under the tests), nothing is asked.
    result = ask("--category", "duties", "--hours", "3", "--date", "2026-03-25", "--fact", "roles=representative",
                 "--fact", "employed by council=yes")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        "error E306: the decision needs 'staff group' (non-teaching or teaching; §6.12 reads it), which no --fact "
        "gives",
        "  hint: add --fact 'staff group=non-teaching' with the person's own value, or run ftdsl ask at a terminal "
        "to be asked for it"]
    # A teacher representative's time is by school members (§6.13), which a non-teaching one never needs.
    result = ask("--rep", "S. Brown", "--category", "duties", "--hours", "1", "--date", "2026-03-25",
                 "--roster", ROSTER)
    assert "error E306: the decision needs 'school members' (a whole number, 0 or more; §6.13 reads it), which " \
           "neither --fact nor the roster gives" in result.stderr


# ---- at the terminal -------------------------------------------------------------------------

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")


@posix_only
@pytest.mark.parametrize("width", [80, 120])
def test_at_a_terminal_it_asks_for_each_fact_the_decision_needs(width):
    from ftdsl.colour import strip
    from ftdsl.wrapping import text_width

    code, shown = at_terminal(["ask", WESTMINSTER, "--category", "duties", "--hours", "3", "--date", "2026-03-25"],
                              ["maybe", "yes", "representative", "non-teaching"], width=width)
    assert code == 0, shown
    lines = strip(shown).splitlines()
    # Asked in the order the decision reads them (§4.2 first), an answer it cannot take refused and asked again.
    assert lines[:5] == [
        "employed by council (yes or no; §4.2 reads it): maybe",
        'Error: must be yes or no (true or false), not "maybe"',
        "employed by council (yes or no; §4.2 reads it): yes",
        "roles (one or more of: branch secretary, departmental convenor, equalities officer, representative, "
        "women's officer; separated by ';'): representative",
        "staff group (non-teaching or teaching; §6.12 reads it): non-teaching"]
    assert lines[5] == ("(to ask again without being asked: --fact 'employed by council=yes' --fact "
                        "'roles=representative' --fact 'staff group=non-teaching')")
    answer = lines[6:]
    assert answer[:4] == ["A representative asks for 3 h of duties on 25 March 2026", "Facts:",
                          "  employed by council: yes (asked)", "  roles: representative (asked)"]
    assert max(text_width(line) for line in answer) <= width
    assert any(line == "Request 1 (2026-03-25, duties, 3 h): ENTITLED, paid" for line in answer)
    # The outcome is coloured as on every terminal.
    assert "\x1b[1;32mENTITLED\x1b[0m, paid" in shown


@posix_only
@pytest.mark.parametrize("width", [80, 120])
def test_at_a_terminal_the_answer_fits_and_keeps_the_tree(width):
    from ftdsl.colour import strip
    from ftdsl.wrapping import text_width

    # Paths from the checkout, as a user there types them: an absolute path longer than the terminal cannot wrap.
    code, shown = at_terminal(["ask", "rulesets/westminster.ftr", "--rep", "G. Wright", "--category", "duties",
                               "--hours", "3", "--date", "2026-03-25", "--history", "rulesets/logs/westminster-2026.csv",
                               "--roster", "rulesets/logs/westminster-roster.csv"], width=width, cwd=ROOT)
    assert code == 0
    lines = strip(shown).splitlines()
    assert max(text_width(line) for line in lines) <= width
    assert lines[0] == "G. Wright (UNISON) asks for 3 h of duties on 25 March 2026"
    start = lines.index(next(line for line in lines if line.startswith("  not counted: line 5")))
    reason = "not counted: line 5 (2026-03-12, duties, 2 h): refused (not entitled), so it counts against nothing"
    if width == 120:
        assert lines[start] == "  " + reason
    else:  # wrapped under the line's own text
        assert lines[start + 1].startswith("    ") and lines[start + 1][4] != " "
        assert (lines[start] + " " + lines[start + 1]).split() == reason.split()
    legend = lines.index("Marks:")  # the tree's marks are explained once, after it
    tree = lines[lines.index(next(line for line in lines if line.startswith("Request G. Wright"))) + 1:legend]
    assert all(line == "" or line[0] in "│├└ " for line in tree)
    assert all(line.startswith("  ") for line in lines[legend + 1:] if line)
    assert "\x1b[1;33mDISCRETIONARY" in shown


@posix_only
def test_no_input_asks_nothing_even_at_a_terminal():
    code, shown = at_terminal(["ask", WESTMINSTER, "--category", "duties", "--hours", "3", "--date", "2026-03-25",
                               "--no-input", "--color", "never"])
    assert code == 2
    assert shown.startswith("error E306: the decision needs 'employed by council' (yes or no; §4.2 reads it)")


# ---- one row of a log --------------------------------------------------------------------------

def _run_log(log) -> dict:
    result = run_cli("run", str(WESTMINSTER), str(log), "--output-format", "jsonl")
    return {record["id"]: record for record in map(json.loads, result.stdout.splitlines())}


def test_explain_a_row_is_run_decision_for_every_row_of_the_log():
    decided = _run_log(LOG)
    assert len(decided) == 8
    for row_id, record in decided.items():
        result = in_process("explain", WESTMINSTER, LOG, "--request", row_id, "--format", "json")
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout)
        [request] = data["explanation"]["requests"]
        assert (request["outcome"], request["paid"], request["clauses"]) == \
            (record["outcome"], record["paid"], record["clauses"])
        assert data["row"] == {"line": record["line"], "id": row_id}


def test_explain_a_row_in_a_log_out_of_date_order_with_rows_on_one_day(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(HEADER
                   + "G. Wright,b,2026-03-20,duties,2,,yes,,representative,non-teaching,yes,1750,\n"
                   + "G. Wright,a,2026-03-02,duties,3,,yes,,representative,non-teaching,yes,1750,\n"
                   + "G. Wright,c,2026-03-20,duties,1.5,,yes,,representative,non-teaching,yes,1750,\n"
                   + "G. Wright,d,2026-03-10,duties,1,,yes,,representative,non-teaching,yes,1750,\n", encoding="utf-8")
    decided = _run_log(log)
    # a: 3 h; d: 3 + 1 = 4 h; b: 4 + 2 = 6 h, within; c, later that day: 6 + 1.5 = 7.5 h > 6 h.
    assert [decided[i]["outcome"] for i in "abcd"] == ["entitled", "entitled", "discretionary", "entitled"]
    for row_id in "abcd":
        data = json.loads(in_process("explain", WESTMINSTER, log, "--request", row_id, "--format", "json").stdout)
        assert data["explanation"]["requests"][0]["outcome"] == decided[row_id]["outcome"]
    c = json.loads(in_process("explain", WESTMINSTER, log, "--request", "c", "--format", "json").stdout)
    assert "over the allowance: 6 h taken + 1.5 h asked = 7.5 h > 6 h per month for duties (March 2026) (§6.12)" \
        in c["explanation"]["requests"][0]["reasons"]
    b = json.loads(in_process("explain", WESTMINSTER, log, "--request", "b", "--format", "json").stdout)
    assert {row["id"]: row["counted"] for row in b["history"]["rows"]} == {"a": True, "c": False, "d": True}


def test_explain_a_row_by_its_line_when_the_log_has_no_ids(tmp_path):
    log = tmp_path / "log.jsonl"
    log.write_text('{"rep": "G. Wright", "date": "2026-03-02", "category": "duties", "hours": 5, "roles": '
                   '["representative"], "staff group": "non-teaching", "employed by council": true}\n'
                   '{"rep": "G. Wright", "date": "2026-03-03", "category": "duties", "hours": 2, "roles": '
                   '["representative"], "staff group": "non-teaching", "employed by council": true}\n',
                   encoding="utf-8")
    result = run_cli("explain", str(WESTMINSTER), str(log), "--request", "2", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["explanation"]["requests"][0]["outcome"] == "discretionary"  # 5 + 2 > 6
    # Standard input, with --input-format.
    result = run_cli("explain", str(WESTMINSTER), "-", "--input-format", "jsonl", "--request", "1",
                     input=log.read_text(encoding="utf-8"), env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert result.returncode == 0 and result.stdout.startswith("Row 1 of <stdin> (line 1): G. Wright, 5 h of duties")


def test_explain_a_log_without_request_or_with_an_id_it_does_not_have(tmp_path):
    result = run_cli("explain", str(WESTMINSTER), str(LOG))
    assert result.returncode == 2 and result.stderr.splitlines()[-1] == (
        "Error: a log holds many requests: explain one of them with --request ID (its id, or its line where the id "
        "is empty); 'ftdsl run RULESET LOG' decides every row")
    result = run_cli("explain", str(WESTMINSTER), str(LOG), "--request", "r9")
    assert result.returncode == 2 and result.stderr.splitlines() == [
        f"{LOG}: error E302: the log has no request with the id 'r9'",
        "  hint: ids in this log (its 'id' column, else the line number): r1, r2, r3, r4, r5, r6, r7, r8"]
    twice = tmp_path / "twice.csv"
    twice.write_text(HEADER + "G. Wright,x,2026-03-02,duties,1,,,,representative,non-teaching,yes,1750,\n" * 2,
                     encoding="utf-8")
    result = run_cli("explain", str(WESTMINSTER), str(twice), "--request", "x")
    assert result.returncode == 2 and result.stderr.splitlines() == [
        f"{twice}:3:1: error E302: the id 'x' is on 2 rows of the log, lines 2, 3", "  hint: give each row its own id"]
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "G. Wright,x,2026-02-30,duties,1,,,,representative,non-teaching,yes,1750,\n",
                   encoding="utf-8")
    result = run_cli("explain", str(WESTMINSTER), str(bad), "--request", "x")
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (f'{bad}:2:1: error E301: the date must be a real date written '
                                             'YYYY-MM-DD, not "2026-02-30"')


def test_a_log_given_as_a_scenario_and_a_scenario_as_a_log(tmp_path):
    shutil.copy(LOG, tmp_path / "log.json")
    result = run_cli("explain", str(WESTMINSTER), "log.json", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "  hint: this looks like a log of requests, one a row: name the file .csv or .jsonl, or give --input-format "
        "csv (or jsonl); then 'ftdsl run' decides every row, 'ftdsl explain --request ID' explains one, and 'ftdsl "
        "ask --history' counts a representative's rows")
    shutil.copy(ROOT / "rulesets" / "examples" / "westminster" / "duties-over-allowance.json", tmp_path / "s.csv")
    for command in ("run", "explain"):
        args = ("--request", "r1") if command == "explain" else ()
        result = run_cli(command, str(WESTMINSTER), "s.csv", *args, cwd=tmp_path)
        assert result.returncode == 2
        assert result.stderr.splitlines() == [
            "s.csv:1:1: error E301: this is a scenario (one JSON object of facts and requests), not a log of "
            "requests one a row",
            "  hint: a scenario is decided by 'ftdsl run RULESET SCENARIO.json' and explained by 'ftdsl explain "
            "RULESET SCENARIO.json' (named .json, or given without --input-format)"]


# ---- the docs ------------------------------------------------------------------------------------

ASKING = blocks("docs/asking.md")


def test_the_asking_page_has_its_examples():
    assert len(ASKING) >= 6


@pytest.mark.parametrize("block", ASKING, ids=range(len(ASKING)))
def test_the_asking_page_shows_what_ftdsl_prints(block):
    command, *shown = block.rstrip("\n").split("\n")
    if "--fact" not in command and "--history" not in command and "--roster" not in command \
            and command.startswith("$ ftdsl ask"):
        # The page's questions at a terminal: answered as the page answers them.
        answers = [line.split("): ", 1)[1] for line in shown if "): " in line and not line.startswith("(")]
        code, printed = at_terminal(command_of(block), answers, NO_COLOR="1")
        from ftdsl.colour import strip

        assert code == 0
        assert_shown(shown, strip(printed).rstrip("\n").split("\n"))
        return
    code, printed = run_block(block)
    assert code in (0, 2)
    assert_shown(shown, printed)


def test_the_roster_on_the_page_is_the_shipped_roster():
    text = (ROOT / "docs" / "asking.md").read_text(encoding="utf-8")
    assert ROSTER.read_text(encoding="utf-8") in text
