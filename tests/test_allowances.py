"""An agreement's own totals (ftdsl/allowances.py, `ftdsl show --allowances`): every expected figure is worked
out by hand from the agreements' text, the arithmetic in a comment; the properties tie the figures to how
`ftdsl run` decides requests."""

from __future__ import annotations

import datetime
import json
import os
import re
import subprocess
import sys
from fractions import Fraction

import pytest
from conftest import ROOT, RULESETS, WESTMINSTER, ftdsl_command, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

import ftdsl
from ftdsl import diff as diffing
from ftdsl.allowances import (
    Times,
    allowances,
    exact,
    given_in,
    in_days,
    per_year,
    times_in,
    to_data,
    to_text,
)
from ftdsl.model import MONTHS, Period

RECOGNITION = RULESETS / "recognition-and-facilities.ftr"
D = datetime.date


@pytest.fixture(scope="module")
def shown(westminster):
    return allowances(westminster.model)


@pytest.fixture(scope="module")
def recognition():
    return ftdsl.load_ruleset(str(RECOGNITION))


def entries(found, role, category):
    [time] = [r for r in found.roles if r.role == role]
    [cat] = [c for c in time.categories if c.category == category]
    return cat.entries


def entry(found, role, category, clause, kind="allowance"):
    [one] = [e for e in entries(found, role, category) if e.clause == clause and e.kind == kind]
    return one


def hours(figure):
    return None if figure is None else figure.hours


def days(figure):
    return None if figure is None else figure.days


# ---- counting periods, by hand ------------------------------------------------------------

def test_a_1_april_year_touches_53_weeks():
    # 1 April 2026 is a Wednesday, 31 March 2027 a Wednesday: the weeks touched run from Monday 30 March
    # 2026 to Sunday 4 April 2027, (2027-04-04 - 2026-03-30 + 1 day) / 7 = 371 / 7 = 53.
    assert given_in(Period("week"), (4, 1), D(2026, 4, 1), D(2027, 3, 31)) == 53


def test_a_366_day_year_that_starts_on_a_sunday_touches_54_weeks():
    # 1 April 2007 is a Sunday and the year holds 29 February 2008 (366 days): the week ending on Sunday
    # 1 April 2007, the 52 whole weeks from Monday 2 April 2007 to Sunday 30 March 2008, and the week of
    # Monday 31 March 2008: 1 + 52 + 1 = 54.
    assert D(2007, 4, 1).weekday() == 6 and (D(2008, 4, 1) - D(2007, 4, 1)).days == 366
    assert given_in(Period("week"), (4, 1), D(2007, 4, 1), D(2008, 3, 31)) == 54
    assert times_in(Period("week"), "year", (4, 1)) == Times(53, 54)


def test_weeks_in_a_month():
    # February 2027 starts on a Monday and has 28 days: exactly 4 weeks. August 2026 starts on a Saturday
    # and has 31 days: Sat-Sun 1-2, then the weeks of 3, 10, 17, 24 and 31 August: 6 weeks.
    assert D(2027, 2, 1).weekday() == 0 and given_in(Period("week"), None, D(2027, 2, 1), D(2027, 2, 28)) == 4
    assert D(2026, 8, 1).weekday() == 5 and given_in(Period("week"), None, D(2026, 8, 1), D(2026, 8, 31)) == 6
    assert times_in(Period("week"), "month", None) == Times(4, 6)


def test_months_in_a_year():
    # From 1 April: April to March, 12 calendar months. From 6 April: 6-30 April, May to March, 1-5 April: 13.
    assert times_in(Period("month"), "year", (4, 1)) == Times(12, 12)
    assert times_in(Period("month"), "year", (4, 6)) == Times(13, 13)
    assert times_in(Period("month"), "week", None) is None  # a month is longer than a week: no weekly figure


def test_rolling_windows_in_a_year():
    # In any 30 days, from 1 January 2026: days 1, 31, ..., 361 (1 + 12 x 30), 13 times; a leap year's
    # day 366 is still in the window that ends on day 361 + 29 = 390. In any 12 months: a window ending on
    # 31 December reaches back to 1 January, so once.
    assert given_in(Period("rolling", 30, "days"), None, D(2026, 1, 1), D(2026, 12, 31)) == 13
    assert times_in(Period("rolling", 30, "days"), "year", None) == Times(13, 13)
    assert times_in(Period("rolling", 12, "months"), "year", None) == Times(1, 1)
    # Longer than a year: counted by the share of it that a year is, 12/24.
    assert times_in(Period("rolling", 24, "months"), "year", None) == Times(Fraction(1, 2), Fraction(1, 2), True)


# ---- Westminster, by hand from rulesets/westminster.ftr -----------------------------------------

def test_representative_duties_are_72_hours_a_year(shown):
    # §6.12 "up to 6 hours per month for duties": 6 h x 12 months (April to March) = 72 h a year.
    rule = entry(shown, "representative", "duties", "6.12")
    assert rule.when == "staff group is non-teaching"
    assert hours(rule.figures["month"]) == (6, 6)
    assert hours(rule.figures["year"]) == (72, 72)
    assert rule.figures["week"] is None  # counted by the month only
    assert days(rule.figures["year"]) is None  # 6 h is not a whole number of half days of 7.2 h


def test_convenor_day_a_month_in_hours_and_days(shown):
    # §6.12 "one day (7 hours 12 minutes) per month": 7 + 12/60 = 7.2 h a month; 12 x 7.2 = 86.4 h,
    # 12 days, a year.
    rule = entry(shown, "departmental convenor", "duties", "6.12")
    assert (hours(rule.figures["month"]), days(rule.figures["month"])) == ((Fraction(36, 5),) * 2, (1, 1))
    assert (hours(rule.figures["year"]), days(rule.figures["year"])) == ((Fraction(432, 5),) * 2, (12, 12))


def test_training_five_days_a_year(shown):
    # §6.17 "Up to 5 days per annum": 5 x 7.2 h = 36 h, given once a year.
    for role in ("representative", "departmental convenor", "branch secretary"):
        rule = entry(shown, role, "training", "6.17")
        assert (hours(rule.figures["year"]), days(rule.figures["year"])) == ((36, 36), (5, 5))
        assert rule.figures["month"] is None and rule.figures["week"] is None


def test_additional_responsibilities(shown):
    # §6.12 "2 hours per month for representatives with additional responsibilities": 2 x 12 = 24 h a year.
    for role in ("equalities officer", "women's officer"):
        assert hours(entry(shown, role, "additional responsibilities", "6.12").figures["year"]) == (24, 24)


def test_reasonable_discretionary_and_additional_time_stand_beside_the_allowances(shown):
    kinds = [(e.kind, e.clause, e.when) for e in entries(shown, "representative", "duties")]
    # §6.12 (non-teaching), §6.13 the teachers' table, §6.13 "additional time ... case by case".
    assert kinds == [("allowance", "6.12", "staff group is non-teaching"),
                     ("allowance", "6.13", "staff group is teaching"), ("additional", "6.13", "")]
    assert entry(shown, "representative", "duties", "6.13", "additional").words == \
        "additional time may be granted case by case"
    assert entry(shown, "branch secretary", "duties", "6.3").table == "branch secretary release"
    assert entry(shown, "representative", "conference", "6.17", "reasonable").words == "reasonable time"
    activities = entry(shown, "departmental convenor", "activities", "5.5", "granted")
    assert activities.when == "in working hours"
    # §5.6 "anyone may be granted time for mass meeting": under the rules for anyone.
    [anyone] = [r for r in shown.roles if r.role is None]
    assert [(c.category, [e.kind for e in c.entries]) for c in anyone.categories] == [("mass meeting", ["granted"])]
    # §6.17's further training days for a new representative, a discretion with a condition.
    further = entry(shown, "representative", "training", "6.17", "additional")
    assert further.when == "new representative training"


def test_branch_secretary_release_band_by_band(shown):
    [release] = [t for t in shown.tables if t.table.name == "branch secretary release"]
    assert release.period == Period("week") and release.factor == 36  # FTE of the 36-hour week
    bands = {(b.low, b.high): b for b in release.bands}
    # 251 - 500 members: 0.5 FTE x 36 h = 18 h a week; 4 to 6 weeks a month: 72 - 108 h; 53 or 54 weeks a
    # year: 53 x 18 = 954 h to 54 x 18 = 972 h.
    band = bands[(251, 500)]
    assert (band.value, band.hours) == (Fraction(1, 2), 18)
    assert hours(band.figures["week"]) == (18, 18)
    assert hours(band.figures["month"]) == (72, 108)
    assert hours(band.figures["year"]) == (954, 972)
    # 0 - 99 members: 0 FTE, no time.
    assert hours(bands[(0, 99)].figures["year"]) == (0, 0)
    # Past 3000: 3.0 FTE and a further 0.5 for every further 500, so 3001 - 3500 give 3.5 FTE = 126 h a week.
    further = bands[(3001, 3500)]
    assert further.further and further.value == Fraction(7, 2) and further.hours == 126
    assert release.gaps == ()


def test_teacher_representative_time(shown):
    [teachers] = [t for t in shown.tables if t.table.name == "teacher representative time"]
    bands = {(b.low, b.high): b for b in teachers.bands}
    # 11 - 30 members: 1 hour a week, 53 - 54 h a year; 31 or more: 2 h, 106 - 108 h.
    assert hours(bands[(11, 30)].figures["year"]) == (53, 54)
    assert hours(bands[(31, None)].figures["year"]) == (106, 108)
    # "1 - 10 members" is the first row: a school of 0 members gets no time.
    assert teachers.gaps == ((0, 0),)


def test_recognition_national_executive_limit(recognition):
    # "nine whole days or 18 half days in any 12 months" at 7 h 24 min: 9 x 7.4 = 66.6 h, 9 days; one
    # 12-month window fits in a year from 1 January (the agreement gives no start).
    found = allowances(recognition.model)
    limit = entry(found, "national executive member", "national executive duties", "Payment", "limit")
    assert (hours(limit.figures["year"]), days(limit.figures["year"])) == ((Fraction(333, 5),) * 2, (9, 9))
    assert limit.figures["month"] is None
    assert [e.kind for e in entries(found, "representative", "duties")] == ["reasonable"]


# ---- one meaning for diff and show ---------------------------------------------------------------

def test_diff_per_year_is_the_first_figure_of_each_year(westminster, recognition):
    for model in (westminster.model, recognition.model):
        found = allowances(model)
        for role in found.roles:
            for category in role.categories:
                for item in category.entries:
                    if item.figures is not None:
                        assert diffing.per_year(item.hours, item.period, model.year_start) == \
                            item.figures["year"].hours[0]


def test_diff_counts_a_weekly_amount_53_times(westminster_text):
    # A branch secretary's fixed 18 h a week changed to 20 h: 53 x 18 = 954 h, 53 x 20 = 1060 h a year.
    old = ftdsl.load_ruleset_text(westminster_text.replace(
        "up to branch secretary release per week", "up to 18 hours per week")).model
    new = ftdsl.load_ruleset_text(westminster_text.replace(
        "up to branch secretary release per week", "up to 20 hours per week")).model
    [change] = [c for c in diffing.diff(old, new) if c.aspect == "time"]
    assert (change.old_per_year, change.new_per_year) == (954, 1060)
    assert hours(entry(allowances(old), "branch secretary", "duties", "6.3").figures["year"]) == (954, 972)


@pytest.fixture(scope="module")
def westminster_text():
    return WESTMINSTER.read_text(encoding="utf-8")


# ---- properties -----------------------------------------------------------------------------------

amounts = st.fractions(min_value=Fraction(1, 4), max_value=40, max_denominator=4)
year_starts = st.tuples(st.integers(1, 12), st.integers(1, 28))


@given(amounts, year_starts)
def test_monthly_per_year_is_twelve_or_thirteen_months(amount, start):
    # A year from the 1st of a month touches 12 calendar months; from a later day, the month it starts in,
    # 11 whole ones and the month it ends in: 13.
    months = 12 if start[1] == 1 else 13
    assert per_year(amount, Period("month"), start) == amount * months
    assert times_in(Period("month"), "year", start) == Times(months, months)


def _agreement(amount: Fraction, period: str, start) -> ftdsl.Ruleset:
    month, day = start
    return ftdsl.load_ruleset_text(
        f"the year starts on {day} {MONTHS[month - 1]}\nroles: rep\ncategories: duties\nfact roles: list of roles\n"
        f"§1 rep may take up to {amount.numerator / amount.denominator} hours {period} for duties\n")


def _fresh_days(period: str, first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """By hand: the first day of each Monday-to-Sunday week, or calendar month, that touches first..last."""
    found = []
    if period == "per week":
        monday = first - datetime.timedelta(days=first.weekday())
        while monday <= last:
            found.append(max(monday, first))
            monday += datetime.timedelta(days=7)
    else:
        day = first.replace(day=1)
        while day <= last:
            found.append(max(day, first))
            day = (day + datetime.timedelta(days=32)).replace(day=1)
    return found


@settings(max_examples=40)
@given(st.sampled_from(["per week", "per month"]), st.sampled_from([Fraction(1, 2), Fraction(3), Fraction(18)]),
       year_starts, st.integers(2001, 2399))
def test_run_lets_the_figure_be_taken_in_a_year_and_no_more(period, amount, start, year):
    """The whole amount in each week (month) that touches an agreement year is entitled, and then nothing more
    is: the year's total is amount x the weeks (months) run counts, within the range shown."""
    ruleset = _agreement(amount, period, start)
    first = D(year, *start)
    last = D(year + 1, *start) - datetime.timedelta(days=1)
    fresh = _fresh_days(period, first, last)
    requests = [{"id": str(n), "date": day.isoformat(), "category": "duties", "hours": float(amount)}
                for n, day in enumerate(fresh)]
    requests.append({"id": "more", "date": last.isoformat(), "category": "duties", "hours": 0.25})
    decided = ruleset.decide({"facts": {"roles": ["rep"]}, "requests": requests})["decisions"]
    assert [d["outcome"] for d in decided] == ["entitled"] * len(fresh) + ["not_entitled"]
    kind = "week" if period == "per week" else "month"
    assert given_in(Period(kind), start, first, last) == len(fresh)
    found = allowances(ruleset.model)
    low, high = entry(found, "rep", "duties", "1").figures["year"].hours
    # The year's own count is one end of the range (53 or 54 weeks; 12 or 13 months, the same every year).
    assert amount * len(fresh) in (low, high)
    assert low == per_year(amount, Period(kind), start) == amount * times_in(Period(kind), "year", start).least


@given(st.integers(6 * 60, 8 * 60), st.integers(1, 40), st.sampled_from(["per week", "per month", "per year"]))
def test_hours_and_days_agree_by_the_working_day(minutes, half_days, period):
    ruleset = ftdsl.load_ruleset_text(
        f"a working day is {minutes // 60} hours {minutes % 60} minutes\nroles: rep\ncategories: duties\n"
        f"fact roles: list of roles\n§1 rep may take up to {half_days} half days {period} for duties\n")
    day = Fraction(minutes, 60)
    assert ruleset.model.working_day == day
    rule = entry(allowances(ruleset.model), "rep", "duties", "1")
    assert rule.hours == half_days * day / 2
    for figure in rule.figures.values():
        if figure is not None:
            assert figure.days is not None
            assert (figure.days[0] * day, figure.days[1] * day) == figure.hours
    assert in_days(rule.hours, ruleset.model) == Fraction(half_days, 2)


# ---- the command line ------------------------------------------------------------------------------

def test_text_is_headed_by_the_title_and_fits_80_and_120_columns():
    for width in (80, 120):
        result = run_cli("show", "--allowances", str(WESTMINSTER), env={"COLUMNS": str(width), "NO_COLOR": "1"})
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert lines[0].startswith("Agreement between the City of Westminster")
        assert max(len(line) for line in lines) <= width
        # The row, its figures on the same line: no weekly figure, 6 h a month, 72 h a year.
        assert re.search(r"^    §6\.12 up to 6 hours per month +— +6 h +72 h$", result.stdout, re.MULTILINE)
        [heading] = [line for line in lines if line.startswith("Representative ")]
        assert heading.split()[1:] == ["per", "week", "per", "month", "per", "year"]
        assert re.search(r"^  251–500 +0\.5 +18 h +72–108 h +954–972 h$", result.stdout, re.MULTILINE)


def test_narrow_text_puts_figures_under_their_rule(westminster):
    text = to_text(allowances(westminster.model), "westminster.ftr", width=50)
    assert max(len(line) for line in text.splitlines()) <= 50
    assert "      per month 6 h; per year 72 h\n" in text


def test_json_is_exact():
    result = run_cli("show", "--allowances", str(WESTMINSTER), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["agreement"].startswith("Agreement between the City of Westminster")
    assert (data["working day"], data["working week"], data["year starts"]) == ("7.2", "36", "1 April")
    [representative] = [r for r in data["roles"] if r["role"] == "representative"]
    [duties] = [c for c in representative["categories"] if c["category"] == "duties"]
    first = duties["rules"][0]
    assert (first["clause"], first["amount"], first["when"], first["per week"]) == (
        "6.12", "6 hours", "staff group is non-teaching", None)
    assert first["per year"]["hours"] == {"least": "72", "most": "72"}
    [convenor] = [r for r in data["roles"] if r["role"] == "departmental convenor"]
    day = convenor["categories"][0]["rules"][0]
    assert (day["per year"]["hours"], day["per year"]["days"]) == ({"least": "86.4", "most": "86.4"},
                                                                  {"least": "12", "most": "12"})
    [release] = [t for t in data["tables"] if t["name"] == "branch secretary release"]
    band = next(b for b in release["bands"] if b["from"] == 251)
    assert (band["value"], band["hours"], band["per year"]["hours"]) == ("0.5", "18", {"least": "954", "most": "972"})
    assert release["continuation"] == {"step": "0.5", "every": 500}
    assert data["anyone"][0]["category"] == "mass meeting"
    assert to_data(allowances(ftdsl.load_ruleset(str(WESTMINSTER)).model), str(WESTMINSTER)) == data


def test_exact_numbers():
    # 10 minutes a week is 1/6 h: a fraction, not a rounded decimal.
    assert exact(Fraction(1, 6)) == "1/6" and exact(Fraction(333, 5)) == "66.6"


def test_options_that_do_not_go_together():
    alone = run_cli("show", str(WESTMINSTER), "--format", "json")
    assert alone.returncode == 2 and "--allowances" in alone.stderr
    both = run_cli("show", "--allowances", "--formatted", str(WESTMINSTER))
    assert both.returncode == 2 and "--formatted" in both.stderr
    missing = run_cli("show", "--allowances", "no-such.ftr")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_standard_input_and_control_characters():
    text = 'agreement "Time\x1b[2J off"\nroles: rep\ncategories: duties\nfact roles: list of roles\n' \
           "§1 rep may take up to 2 hours per week for duties\n"
    result = run_cli("show", "--allowances", "-", input=text, env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Time\\x1b[2J off\n") and "\x1b" not in result.stdout
    # 2 h a week: 4 to 6 weeks a month, 8 - 12 h; 53 or 54 weeks a year (from 1 January), 106 - 108 h.
    assert re.search(r"§1 up to 2 hours per week +2 h +8–12 h +106–108 h$", result.stdout, re.MULTILINE)


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
@pytest.mark.parametrize("width", [80, 120])
def test_in_a_real_terminal(width):
    """Run in a pseudo-terminal of `width` columns, with no COLUMNS: the width comes from the terminal."""
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, width, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["FTDSL_PAGER"] = ""  # on a terminal the document goes through a pager; this test reads it straight
    process = subprocess.Popen([*ftdsl_command(), "show", "--allowances", str(WESTMINSTER)], stdout=follower,
                               stderr=follower, stdin=subprocess.DEVNULL, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal is closed once the program has ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=120) == 0
    lines = b"".join(chunks).decode("utf-8").replace("\r\n", "\n").splitlines()
    assert lines[0].startswith("Agreement between the City of Westminster")
    assert max(len(line) for line in lines) <= width
    # The title (131 characters) takes two lines at either width; at 120 its first line is longer.
    assert len(lines[0]) > 80 if width == 120 else len(lines[0]) <= 80


# ---- the documentation ------------------------------------------------------------------------------

def test_the_allowances_page_shows_what_ftdsl_prints(tmp_path):
    page = (ROOT / "docs" / "allowances.md").read_text(encoding="utf-8")
    section = page.split("\n## An example\n", 1)[1].split("\n## ", 1)[0]
    ruleset, shown_text = re.findall(r"```\n(.*?)```", section, re.DOTALL)[:2]
    (tmp_path / "example.ftr").write_text(ruleset, encoding="utf-8")
    command, *expected = shown_text.splitlines()
    assert command == "$ ftdsl show --allowances example.ftr"
    result = run_cli("show", "--allowances", "example.ftr", cwd=tmp_path, env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == expected
    # The page's arithmetic: 6 x 12 = 72 h; 5 x 7.4 = 37 h; 0.5 x 37 = 18.5 h a week, 53 x 18.5 = 980.5 h and
    # 54 x 18.5 = 999 h a year.
    assert re.search(r"§3\.1 up to 6 hours per month +— +6 h +72 h$", result.stdout, re.MULTILINE)
    assert re.search(r"§3\.2 up to 5 days per year +— +— +37 h \(5 days\)$", result.stdout, re.MULTILINE)
    assert re.search(r"500 or more +0\.5 +18\.5 h +74–111 h +980\.5–999 h$", result.stdout, re.MULTILINE)
