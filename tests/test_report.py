"""`ftdsl report` and the inputs as HR has them: the roster joined to a log, column names, workbooks, each
person's usage and the year-end figures (docs/reporting.md, docs/logs.md)."""

from __future__ import annotations

import datetime
import io
import json
import random
from fractions import Fraction

import pytest
from conftest import ROOT, WESTMINSTER, run_cli
from doc_examples import assert_shown, blocks, run_block
from hypothesis import given, settings
from hypothesis import strategies as st

from ftdsl.api import load_ruleset
from ftdsl.batch import Batch
from ftdsl.logs import ColumnNames
from ftdsl.roster import read_roster
from ftdsl.usage import Tally
from ftdsl.yearend import band, days_in_post, percent, relevant_period, rounded

YEAR = ROOT / "rulesets" / "examples" / "year"
LOG = "rulesets/examples/year/requests-2025-26.csv"
ROSTER = "rulesets/examples/year/roster.csv"
WORKED = ("rulesets/examples/year/worked-2025-26.csv", "--roster", "rulesets/examples/year/worked-roster.csv")
PERIOD = (datetime.date(2025, 4, 1), datetime.date(2026, 3, 31))


@pytest.fixture(scope="module")
def program():
    return load_ruleset(str(WESTMINSTER)).program


def report(*args, cwd=ROOT):
    ruleset = str(WESTMINSTER.relative_to(ROOT)) if cwd == ROOT else str(WESTMINSTER)
    return run_cli("report", ruleset, *args, "--no-pager", cwd=cwd,
                   env={"COLUMNS": "80", "NO_COLOR": "1"})


# ---- the published figures -----------------------------------------------------------------------------------

# (employer, cost, pay bill, the percentage published, to the places published); docs: ../shared/published-figures.md
PAY_BILL = [
    ("Dorset 2018/19", "2295.33", "14084063.60", "0.016", 3),
    ("Folkestone & Hythe 2018/19", "6304.81", "11729592", "0.05", 2),
    ("Elmbridge 2023/24", "1532.24", "17160606.26", "0.01", 2),
    ("Sheffield Teaching Hospitals", "250060", "614187000", "0.04", 2),
    ("NHS Business Services Authority 2017/18", "47247.18", "76497833.70", "0.06", 2),
    ("University of Strathclyde 2018/19", "26146.28", "180473518.39", "0.01", 2),
    ("Queen Margaret University 2017/18", "70897.31", "23126000", "0.31", 2),
    ("NICE 2020/21", "25889", "41988304", "0.06", 2),
    ("National Heritage Memorial Fund 2023/24", "30150.27", "18817169.21", "0.16", 2),
]
# The exact values the page's "check" gives, to four places.
CHECKS = {"Dorset 2018/19": "0.0163", "Folkestone & Hythe 2018/19": "0.0538", "Elmbridge 2023/24": "0.0089",
          "Sheffield Teaching Hospitals": "0.0407", "Queen Margaret University 2017/18": "0.3066"}
PAID_ACTIVITIES = [
    ("Dorset 2018/19", "43", "94.5", "45.50"),
    ("Elmbridge 2023/24", "0", "53", "0.00"),
    ("Sheffield Teaching Hospitals", "1146", "16940", "6.77"),
    ("NHS Business Services Authority 2017/18", "934.01", "2852.92", "32.74"),
    ("National Heritage Memorial Fund 2023/24", "0", "1193", "0.00"),
]


@pytest.mark.parametrize("employer, cost, bill, published, places", PAY_BILL, ids=[row[0] for row in PAY_BILL])
def test_the_published_percentages_of_the_pay_bill_come_from_their_totals(employer, cost, bill, published, places):
    found = percent(Fraction(cost), Fraction(bill))
    assert rounded(found, places) == published
    if employer in CHECKS:
        assert rounded(found, 4) == CHECKS[employer]


def test_strathclyde_published_the_exact_value_beside_the_rounded_one():
    # "0.014% (rounded to 0.01%)": 0.0145 to four places, published truncated to three.
    found = percent(Fraction("26146.28"), Fraction("180473518.39"))
    assert rounded(found, 4) == "0.0145" and found * 1000 // 1 == 14  # 0.014, truncated to three places


@pytest.mark.parametrize("employer, paid, hours, published", PAID_ACTIVITIES, ids=[row[0] for row in PAID_ACTIVITIES])
def test_the_published_paid_activities_percentages_come_from_their_hours(employer, paid, hours, published):
    assert rounded(percent(Fraction(paid), Fraction(hours)), 2) == published


def test_the_bands_of_published_tables_add_up_to_their_headcount():
    # Dorset 3 (0/3/0/0), Sheffield 77 (5/67/3/2), Queen Margaret 18 (10/6/2/0): a band per official.
    shares = [Fraction(0)] * 5 + [Fraction(1, 10)] * 67 + [Fraction(3, 4)] * 3 + [Fraction(1)] * 2
    bands = [band(share) for share in shares]
    assert [bands.count(name) for name in ("0%", "1-50%", "51-99%", "100%")] == [5, 67, 3, 2]


@given(st.fractions(min_value=0, max_value=2), st.fractions(min_value=0, max_value=2))
def test_bands_go_up_with_the_share(first, second):
    order = ("0%", "1-50%", "51-99%", "100%")
    low, high = sorted((first, second))
    assert order.index(band(low)) <= order.index(band(high))


@given(st.fractions(min_value=0, max_value=10 ** 6), st.fractions(min_value=Fraction(1, 100), max_value=10 ** 9))
def test_a_percentage_of_a_whole_gives_the_part_back(part, whole):
    assert percent(part, whole) * whole / 100 == part


@given(st.fractions(min_value=-1000, max_value=1000), st.integers(min_value=0, max_value=4))
def test_rounding_is_within_half_a_unit_of_the_last_place(value, places):
    assert abs(Fraction(rounded(value, places)) - value) <= Fraction(1, 2 * 10 ** places)


def test_relevant_periods_run_from_april_to_march():
    assert relevant_period("2025/26") == PERIOD
    assert relevant_period("2025/2026") == PERIOD
    assert relevant_period("1999/00") == (datetime.date(1999, 4, 1), datetime.date(2000, 3, 31))
    for wrong in ("2025", "2025/27", "2025-26", "26/27", "2025/2"):
        assert relevant_period(wrong) is None, wrong


def test_days_in_post_count_both_ends():
    assert days_in_post(PERIOD) == 365
    assert days_in_post(PERIOD, datetime.date(2025, 10, 1)) == 182
    assert days_in_post(PERIOD, end=datetime.date(2025, 4, 1)) == 1
    assert days_in_post(PERIOD, datetime.date(2026, 4, 1)) == 0


# ---- the worked example, by hand ------------------------------------------------------------------------------

def test_the_worked_example_gives_the_figures_worked_out_by_hand():
    result = report(*WORKED, "--year", "2025/26", "--pay-bill", "1000000", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["assumption"] is None  # the log says what was granted and paid
    assert data["relevant period"] == {"from": "2025-04-01", "to": "2026-03-31"}
    assert data["officials"] == {"headcount": 2, "fte": 1.5}  # 36/36 + 18/36
    assert data["time bands"] == {"0%": 0, "1-50%": 2, "51-99%": 0, "100%": 0}
    # 15.2 h x £20 + 4 h x £16 = £368 of £1,000,000.
    assert data["cost"] == {"facility time": 368, "pay bill": 1000000, "percent of pay bill": 0.0368}
    # The conference day (7.2 h) of 19.2 paid hours; the branch activities were unpaid.
    assert data["paid activities"] == {"hours": 7.2, "paid facility time hours": 19.2, "percent": 37.5}
    code = data["transparency code"]
    assert code["unions"] == ["GMB", "UNISON"] and code["spending"] == 224 and code["percent of pay bill"] == 0.0224
    assert code["at least 50% on duties"] == {"headcount": 0, "fte": 0}
    shah, moss = data["people"]
    assert shah["person"] == "P. Shah" and moss["person"] == "L. Moss"
    # 18.2 h of 36 x 365 / 7 working hours; 4 of 18 x 182 / 7 = 468.
    assert shah["year"]["facility time hours"] == 18.2 and shah["year"]["percent of working hours"] == 0.97
    assert moss["year"]["working hours"] == 468 and moss["year"]["percent of working hours"] == 0.85
    # The refused 3 hours: entitled by the agreement, but granted 0.
    assert moss["hours"]["duties"]["entitled"] == 7 and moss["hours"]["duties"]["taken"] == 4


def test_without_granted_hours_the_report_says_what_it_assumed(tmp_path):
    log = (YEAR / "worked-2025-26.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "log.csv").write_text("\n".join(",".join(line.split(",")[:6]) for line in log) + "\n",
                                      encoding="utf-8")
    (tmp_path / "roster.csv").write_text((YEAR / "worked-roster.csv").read_text(encoding="utf-8"), encoding="utf-8")
    for options, shah_duties in (((), 6), (("--assume-granted",), 8)):
        result = report(str(tmp_path / "log.csv"), "--roster", str(tmp_path / "roster.csv"), "--format", "json",
                        *options)
        data = json.loads(result.stdout)
        assert "no 'granted hours' column" in data["assumption"]
        assert ("--assume-granted counts the discretionary hours too" in data["assumption"]) == (not options)
        # 6 h entitled in May, 2 h over the 6 h a month: discretionary.
        assert data["people"][0]["hours"]["duties"]["taken"] == shah_duties
        text = report(str(tmp_path / "log.csv"), "--roster", str(tmp_path / "roster.csv"), *options).stdout
        assert "assumed: the log has no 'granted hours' column" in text


# ---- one pass: the same totals whatever the order -------------------------------------------------------------

def _tally(program, path, roster, assume=False):
    tally = Tally(program, PERIOD, assume)
    batch = Batch(program, str(path), "csv", roster=roster, tally=tally)
    batch.run(str(path), io.StringIO())
    tally.finish()
    return batch, tally


def _people(tally):
    return {name: {category: list(entry) for category, entry in usage.table.items()}
            for name, usage in tally.people.items()}


@settings(max_examples=12, deadline=None)
@given(st.randoms(use_true_random=False), st.booleans())
def test_the_tally_is_the_same_in_any_row_order_and_adds_up_to_the_summary(program, tmp_path_factory, shuffle,
                                                                          assume):
    """Shuffled rows are decided by the sorting fallback; every person's totals stay the same, and what the
    people took adds up to the run's entitled hours (and discretionary, when they are assumed granted)."""
    roster = read_roster(str(YEAR / "roster.csv"), program)
    lines = (YEAR / "requests-2025-26.csv").read_text(encoding="utf-8").splitlines()
    folder = tmp_path_factory.mktemp("order")
    path = folder / "log.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    batch, tally = _tally(program, path, roster, assume)
    rows = lines[1:]
    random.Random(shuffle.random()).shuffle(rows)
    path.write_text("\n".join([lines[0], *rows]) + "\n", encoding="utf-8")
    _, shuffled = _tally(program, path, roster, assume)
    assert _people(shuffled) == _people(tally)
    summary = batch.summary()
    taken = sum(entry[4] for usage in tally.people.values() for entry in usage.table.values()) / Fraction(tally.scale)
    expected = sum(e["entitled"] + (e["discretionary"] if assume else 0) for e in summary.values())
    assert taken == expected
    asked = sum(entry[0] for usage in tally.people.values() for entry in usage.table.values()) / Fraction(tally.scale)
    assert asked == sum(e["asked"] for e in summary.values())


# ---- the inputs as HR has them --------------------------------------------------------------------------------

def test_a_roster_fills_the_facts_and_a_row_that_contradicts_it_says_which_fact(tmp_path):
    (tmp_path / "log.csv").write_text("rep,date,category,hours,staff group\n"
                                      "G. Wright,2026-03-02,duties,2,\n"
                                      "G. Wright,2026-03-03,duties,1,Non-Teaching\n"
                                      "G. Wright,2026-03-04,duties,1,teaching\n"
                                      "G Wright,2026-03-05,duties,1,\n", encoding="utf-8")
    result = run_cli("run", str(WESTMINSTER), "log.csv", "--roster", str(ROOT / ROSTER), cwd=tmp_path)
    assert result.returncode == 1
    decided = result.stdout.splitlines()
    assert decided[1].endswith("entitled,true,6.12,") and decided[2].endswith("entitled,true,6.12,")
    assert result.stderr.splitlines() == [
        "log.csv:4:1: error E313: 'staff group' is 'teaching' in the log but 'non-teaching' in the roster (line 2)",
        "  hint: correct the log or the roster, or leave the log's cell empty to take the roster's",
        "log.csv:5:1: error E312: 'G Wright' is not in the roster (roster.csv)",
        "  hint: did you mean 'G. Wright'? (names are matched as written); add them to the roster, or correct the name"]


def test_every_unknown_column_is_named_at_once_with_suggestions_only_where_close(tmp_path):
    (tmp_path / "log.csv").write_text("rep,date,category,hours,Employee No,notice day,Dept\n", encoding="utf-8")
    result = run_cli("run", str(WESTMINSTER), "log.csv", cwd=tmp_path)
    assert result.returncode == 2
    first = result.stderr.splitlines()[0]
    assert first == ("log.csv:1:1: error E301: unknown columns 'Employee No', 'notice day' (did you mean 'notice "
                     "days'?), 'Dept'")
    assert "employed by council" not in first


def test_columns_are_renamed_and_passed_over_by_option_or_by_the_file_beside_the_log(tmp_path):
    log = "Name,Day,Type,Hours,Notice (days),Employee No\nG. Wright,2026-03-02,duties,2,10,E17\n"
    (tmp_path / "log.csv").write_text(log, encoding="utf-8")
    options = ("--columns", "Name=rep,Day=date,Type=category,Notice (days)=notice days", "--ignore-columns",
               "Employee No")
    by_option = run_cli("run", str(WESTMINSTER), "log.csv", "--roster", str(ROOT / ROSTER), *options, cwd=tmp_path)
    assert by_option.returncode == 0, by_option.stderr
    assert by_option.stdout.splitlines()[1] == "2,G. Wright,2,2026-03-02,duties,2,entitled,true,6.12,"
    (tmp_path / "log.csv.columns").write_text("# the HR export\nName = rep\nDay=date\nType = category\n"
                                              "Notice (days) = notice days\nignore: Employee No\n", encoding="utf-8")
    by_file = run_cli("run", str(WESTMINSTER), "log.csv", "--roster", str(ROOT / ROSTER), cwd=tmp_path)
    assert by_file.returncode == 0 and by_file.stdout == by_option.stdout
    assert ColumnNames.parse("Type=category", "A, B").meant("b") is None


def test_a_workbook_is_read_as_the_csv_it_would_be_saved_as_whatever_its_name(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["rep", "date", "category", "hours", "notice days"])
    sheet.append(["G. Wright", datetime.datetime(2026, 3, 2), "duties", 2, 10])
    sheet.append(["G. Wright", datetime.datetime(2026, 3, 11), "duties", 1.5, 7.0])
    book.save(tmp_path / "log.json")  # a workbook under a misleading name
    roster = openpyxl.Workbook()
    roster.active.append(["person", "union", "roles", "staff group", "employed by council", "branch members"])
    roster.active.append(["G. Wright", "UNISON", "representative", "non-teaching", True, 1750])
    roster.save(tmp_path / "people.csv")
    result = run_cli("run", str(WESTMINSTER), "log.json", "--roster", "people.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == ["2,G. Wright,2,2026-03-02,duties,2,entitled,true,6.12,",
                                              "3,G. Wright,3,2026-03-11,duties,1.5,entitled,true,6.12,"]
    explained = run_cli("explain", str(WESTMINSTER), "log.json", cwd=tmp_path)
    assert explained.returncode == 2
    assert "error E310: 'log.json' is an Excel workbook, not a JSON scenario" in explained.stderr


def test_granted_hours_that_are_not_a_number_are_reported_and_left_out(tmp_path):
    (tmp_path / "log.csv").write_text("rep,date,category,hours,granted hours,paid\n"
                                      "G. Wright,2026-03-02,duties,2,2,yes\n"
                                      "G. Wright,2026-03-03,duties,1,-1,yes\n"
                                      "G. Wright,2026-03-04,duties,1,1,perhaps\n", encoding="utf-8")
    result = report("log.csv", "--roster", str(ROOT / ROSTER), "--format", "json", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == ("log.csv:3:1: error E315: 'granted hours' must be a number of hours, 0 "
                                             "or more, not \"-1\"")
    assert "log.csv:4:1: error E315: 'paid' must be yes or no, not \"perhaps\"" in result.stderr
    wright = json.loads(result.stdout)["people"][0]
    assert wright["requests"] == 1 and wright["hours"]["duties"]["taken"] == 2


def test_the_year_needs_a_pay_bill_and_a_roster():
    result = report(LOG, "--year", "2025/26")
    assert result.returncode == 2 and "--pay-bill" in result.stderr
    result = report(LOG, "--roster", ROSTER, "--year", "2025", "--pay-bill", "10")
    assert result.returncode == 2 and "'2025' is not a relevant period" in result.stderr


def test_near_lists_those_at_or_above_the_share_of_every_allowance_of_a_category():
    data = json.loads(report(LOG, "--roster", ROSTER, "--format", "json").stdout)
    near = {(entry["person"], entry["period"]) for entry in data["near"]["allowances"]}
    # A. Patel has used 23.2 h of §6.12's 6 h this month, but §6.3's 72 h a week still has room: not near.
    assert ("A. Patel", "per month") not in near
    assert ("G. Wright", "per month") in near
    for entry in data["near"]["allowances"]:
        assert entry["percent used"] >= 80


def test_csv_has_a_row_per_person_and_category():
    result = report(LOG, "--roster", ROSTER, "--format", "csv")
    rows = result.stdout.splitlines()
    assert rows[0].startswith("person,union,category,requests,asked h")
    assert sum(1 for row in rows if row.startswith("G. Wright,UNISON,")) == 2


# ---- the pages ------------------------------------------------------------------------------------------------

PAGE_BLOCKS = [block for block in blocks("docs/reporting.md")] + [
    block for block in blocks("docs/logs.md") if "--roster" in block]


@pytest.mark.parametrize("block", PAGE_BLOCKS, ids=range(len(PAGE_BLOCKS)))
def test_the_pages_show_what_report_and_run_print(block):
    code, printed = run_block(block)
    assert code == 0, printed
    assert_shown(block.rstrip("\n").splitlines()[1:], printed)


def test_the_readme_tour_report_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(line for line in readme.splitlines() if "ftdsl report" in line)
    command = line.split("`")[1].split()[2:]
    result = run_cli("report", *command, "--no-pager", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "Year-end figures" in result.stdout
