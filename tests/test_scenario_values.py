"""Scenario values read as they are written: exact numbers, one name per key, text that is text, dates
that are YYYY-MM-DD, and periods at the ends of the calendar. Every answer here is worked out by hand."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from fractions import Fraction

import pytest

import ftdsl
from ftdsl.errors import FtdslError
from ftdsl.model import Period, add_months
from ftdsl.scenario import (LARGEST_COUNT, exact_number, is_text, json_decimal, json_int, number_from_text,
                            number_hint, parse_date, refuse_repeated_keys, repeated_names)
from ftdsl.scenario_file import parse_scenario_text

RULESET = """\
agreement "Test"
the year starts on 1 April

roles: representative
categories: duties, weekly, monthly, yearly, rolling months, rolling weeks, rolling days

fact roles: list of roles
fact employed by council: yes/no
fact branch members: count
fact fte: number

§0 time off is given only when employed by council

§1 representative may take up to 6 hours per month for duties
§2 representative may take up to 6 hours per week for weekly
§3 representative may take up to 6 hours per month for monthly
§4 representative may take up to 6 hours per year for yearly
§5 representative may take up to 6 hours in any 12 months for rolling months
§6 representative may take up to 6 hours in any 4 weeks for rolling weeks
§7 representative may take up to 6 hours in any 30 days for rolling days
§8 representative may take up to 1 hour per month for duties
    when fte is more than 0.5
"""

FACTS = {"roles": ["representative"], "employed by council": True, "branch members": 10, "fte": 1}


@pytest.fixture(scope="module")
def ruleset():
    return ftdsl.load_ruleset_text(RULESET, "test.ftr")


def request(**fields):
    return {"id": "r1", "date": "2026-03-20", "category": "duties", "hours": 1, **fields}


def outcome(ruleset, scenario):
    return ruleset.decide(scenario)["decisions"][0]["outcome"]


def problems(ruleset, scenario):
    with pytest.raises(FtdslError) as raised:
        ruleset.decide(scenario)
    return [(d.message, d.hint) for d in raised.value.diagnostics]


# ---- 1. numbers read exactly ---------------------------------------------------

def test_hours_just_over_the_allowance_are_over_it(ruleset):
    # 6.0000000000000001 is 6 as a binary float, but 1/10^16 more than 6 as written: over 6 hours a month.
    data = parse_scenario_text('{"facts": %s, "requests": [{"id": "r1", "date": "2026-03-20", '
                               '"category": "monthly", "hours": 6.0000000000000001}]}' % json.dumps(FACTS))
    assert data["requests"][0]["hours"] == Decimal("6.0000000000000001")
    decision = ruleset.decide(data)["decisions"][0]
    assert decision["outcome"] == "not_entitled"
    assert "6.0000000000000001 h > 6 h per month" in decision["reasons"][0]


def test_hours_of_exactly_the_allowance_are_within_it(ruleset):
    data = parse_scenario_text('{"facts": %s, "requests": [{"id": "r1", "date": "2026-03-20", '
                               '"category": "monthly", "hours": 6.0000000000000000}]}' % json.dumps(FACTS))
    assert outcome(ruleset, data) == "entitled"


def test_a_number_fact_just_over_a_bound_is_over_it(ruleset):
    # §8 gives an hour more when fte is more than 0.5: 0.50000000000000001 is more (a float would read 0.5).
    text = json.dumps({"facts": {**FACTS, "fte": "FTE"}, "requests": [request(hours=7)]})
    over = parse_scenario_text(text.replace('"FTE"', "0.50000000000000001"))
    at = parse_scenario_text(text.replace('"FTE"', "0.5"))
    assert outcome(ruleset, over) == "entitled"  # 7 h ≤ 6 h + 1 h
    assert outcome(ruleset, at) == "not_entitled"  # 7 h > 6 h


def test_a_float_from_a_caller_is_read_as_its_shortest_decimal(ruleset):
    # 0.1 + 5.9 as floats: 0.1 is 1/10 and 5.9 is 59/10, so 6 h taken with 0 h more asked fits 6 h.
    scenario = {"facts": FACTS, "taken": [{"date": "2026-03-02", "category": "monthly", "hours": 0.1}],
                "requests": [request(category="monthly", hours=5.9)]}
    assert outcome(ruleset, scenario) == "entitled"
    assert exact_number(0.1) == Fraction(1, 10)


@pytest.mark.parametrize("value, exact", [
    (3, Fraction(3)), (Decimal("7.5"), Fraction(15, 2)), (Decimal("1.500"), Fraction(3, 2)),
    (Decimal("1E+2"), Fraction(100)), (Decimal("-0.25"), Fraction(-1, 4)), (0.1, Fraction(1, 10)),
    (Decimal("0E+999999999"), Fraction(0)),
])
def test_exact_number(value, exact):
    assert exact_number(value) == exact


@pytest.mark.parametrize("value, why", [
    ("3", "not a number"), (True, "not a number"), (None, "not a number"), (float("nan"), "not a number"),
    (float("inf"), "not a number"), (Decimal("NaN"), "not a number"),
    (10 ** 400, "too large"), (Decimal("1E+400"), "too large"), (Decimal("-1E+999999999999999999"), "too large"),
    (Decimal("1E-999999999"), "too precise"), (Decimal("0." + "0" * 400 + "1"), "too precise"),
])
def test_exact_number_refuses(value, why):
    assert exact_number(value) == why


def test_the_json_hooks_keep_what_is_written():
    assert json.loads("[1, 2.50, 1e2, -0.0]", parse_float=json_decimal, parse_int=json_int) == \
        [1, Decimal("2.50"), Decimal("100"), Decimal("0")]
    assert type(json_int("12")) is int
    long = "1" * 5000  # past int()'s 4,300 digits
    assert json_int(long) == Decimal(long)
    assert json_decimal("1e99999999999999999999999") > 0 and json_decimal("-1e99999999999999999999999") < 0
    assert exact_number(json_decimal("1e99999999999999999999999")) == "too large"
    assert exact_number(json_decimal("1e-99999999999999999999999")) == "too precise"


# ---- 2. keys that are one name -------------------------------------------------

def test_two_facts_differing_only_in_case_are_an_error(ruleset):
    facts = {**FACTS, "employed by council": False, "Employed By Council": True}
    found = problems(ruleset, {"facts": facts, "requests": [request()]})
    assert found == [("facts: 'employed by council' and 'Employed By Council' are the same fact (names match "
                      "whatever their case and spacing), given twice", "give 'employed by council' once")]


def test_two_fields_of_a_request_differing_in_case_or_spacing_are_an_error(ruleset):
    item = {**request(), "Date": "2026-04-20"}
    found = problems(ruleset, {"facts": FACTS, "requests": [item]})
    assert found == [("requests[0]: 'date' and 'Date' are the same field (names match whatever their case and "
                      "spacing), given twice", "give 'date' once")]
    taken = {"date": "2026-03-02", "category": "duties", "hours": 1, "in  working hours": True,
             "In Working Hours": False}
    found = problems(ruleset, {"facts": FACTS, "taken": [taken], "requests": [request()]})
    assert found == [("taken[0]: 'in  working hours' and 'In Working Hours' are the same field (names match "
                      "whatever their case and spacing), given twice", "give 'in working hours' once")]


def test_repeated_names():
    assert repeated_names(["rep", "date", "Hours", "hours "]) == ("Hours", "hours ")
    assert repeated_names(["rep", "date", "hours"]) is None


def test_refuse_repeated_keys_as_a_json_hook():
    assert json.loads('{"a": 1, "b": {"a": 2}}', object_pairs_hook=refuse_repeated_keys) == {"a": 1, "b": {"a": 2}}
    with pytest.raises(ValueError, match='the key "date" is given twice in one object'):
        json.loads('{"date": "2026-03-20", "hours": 1, "date": "2026-03-21"}', object_pairs_hook=refuse_repeated_keys)


# ---- 3. values that crashed ----------------------------------------------------

@pytest.mark.parametrize("written", ["1" + "0" * 400, "1" + "0" * 5000])
def test_a_huge_count_is_far_more_than_ftdsl_reads(ruleset, written):
    text = json.dumps({"facts": {**FACTS, "branch members": 0}, "requests": [request()]})
    data = parse_scenario_text(text.replace('"branch members": 0', f'"branch members": {written}'))
    [(message, hint)] = problems(ruleset, data)
    assert message == (f"facts.branch members: 10000000000000000000... (a number of {len(written)} digits) is far "
                       "more than any count ftdsl reads (at most 1,000,000,000)")
    assert hint == "check the number"


def test_the_largest_count_is_read(ruleset):
    assert outcome(ruleset, {"facts": {**FACTS, "branch members": LARGEST_COUNT}, "requests": [request()]}) == \
        "entitled"
    [(message, _)] = problems(ruleset, {"facts": {**FACTS, "branch members": LARGEST_COUNT + 1},
                                        "requests": [request()]})
    assert message == "facts.branch members: 1000000001 is far more than any count ftdsl reads (at most 1,000,000,000)"


def test_hours_and_notice_of_over_4300_digits_are_errors_at_their_place(ruleset):
    huge = "9" * 4400
    text = json.dumps({"facts": FACTS, "requests": [request(hours="H", **{"notice days": "N"})]})
    data = parse_scenario_text(text.replace('"H"', huge).replace('"N"', huge))
    found = problems(ruleset, data)
    assert found == [
        ("requests[0].hours: 99999999999999999999... (a number of 4400 digits) hours is far more than a year holds",
         "check the number"),
        ("requests[0].notice days: 99999999999999999999... (a number of 4400 digits) days is far more notice than "
         "ftdsl counts (at most 1,000,000,000)", "check the number"),
    ]


def test_hours_with_too_many_decimal_places(ruleset):
    data = parse_scenario_text(json.dumps({"facts": FACTS, "requests": [request(hours="H")]})
                               .replace('"H"', "1e-999999999"))
    assert problems(ruleset, data) == [("requests[0].hours: 1E-999999999 hours has more than 400 decimal places",
                                        "round it to the places that mean something")]


def test_a_number_fact_past_the_largest(ruleset):
    found = problems(ruleset, {"facts": {**FACTS, "fte": -10 ** 10}, "requests": [request()]})
    assert found == [("facts.fte: -10000000000 is far larger than any number ftdsl reads (at most 1,000,000,000 "
                      "either side of 0)", "check the number")]


def test_an_id_holding_a_lone_surrogate_is_not_text(ruleset):
    data = parse_scenario_text('{"facts": %s, "requests": [{"id": "\\ud800", "date": "2026-03-20", '
                               '"category": "duties", "hours": 1}]}' % json.dumps(FACTS))
    assert data["requests"][0]["id"] == "\ud800"
    [(message, hint)] = problems(ruleset, data)
    assert message.startswith("requests[0].id: the id is not valid text")
    assert hint == "write the id with whole characters"
    assert not is_text("a\udc80") and is_text("é ✓")


def test_a_long_whole_number_id_is_its_digits(ruleset):
    report = ruleset.decide({"facts": FACTS, "requests": [request(id=10 ** 5000)]})
    assert report["decisions"][0]["id"] == "1" + "0" * 5000


# ---- 4. dates ------------------------------------------------------------------

@pytest.mark.parametrize("text", ["2026-W12-5", "2026-079", "20260320", "2026-03-20T00:00", "２０２６-03-20",
                                  "2026-03-20\n", "2026-3-20"])
def test_only_yyyy_mm_dd_is_a_date(text):
    assert parse_date(text) is None


def test_a_week_date_in_a_request_is_an_error(ruleset):
    assert problems(ruleset, {"facts": FACTS, "requests": [request(date="2026-W12-5")]}) == [
        ('requests[0].date: must be a real date written YYYY-MM-DD, not "2026-W12-5"', 'for example "2026-03-20"')]


def test_year_zero_is_named():
    assert parse_date("0000-01-01") is None and parse_date("0001-01-01") == datetime.date.min


# The category of each period, and the window (start, end) that holds 0001-01-01 and 9999-12-31, worked by hand:
# 0001-01-01 is a Monday and 9999-12-31 a Friday; the year starts on 1 April, so 0001-01-01 is in the year from
# 0000-04-01 (before the calendar: cut at 0001-01-01) and 9999-12-31 in the year to 10000-03-31 (cut at 9999-12-31).
FIRST, LAST = datetime.date.min, datetime.date.max
WINDOWS = [
    ("weekly", Period("week"), (FIRST, datetime.date(1, 1, 7)), (datetime.date(9999, 12, 27), LAST)),
    ("monthly", Period("month"), (FIRST, datetime.date(1, 1, 31)), (datetime.date(9999, 12, 1), LAST)),
    ("yearly", Period("year"), (FIRST, datetime.date(1, 3, 31)), (datetime.date(9999, 4, 1), LAST)),
    ("rolling months", Period("rolling", 12, "months"), (FIRST, FIRST), (datetime.date(9999, 1, 1), LAST)),
    ("rolling weeks", Period("rolling", 4, "weeks"), (FIRST, FIRST), (datetime.date(9999, 12, 4), LAST)),
    ("rolling days", Period("rolling", 30, "days"), (FIRST, FIRST), (datetime.date(9999, 12, 2), LAST)),
]


@pytest.mark.parametrize("category, period, first, last", WINDOWS)
def test_windows_at_the_ends_of_the_calendar(category, period, first, last):
    assert period.window(FIRST, (4, 1)) == first
    assert period.window(LAST, (4, 1)) == last


@pytest.mark.parametrize("category, period, first, last", WINDOWS)
@pytest.mark.parametrize("day, other", [("0001-01-01", "0001-01-01"), ("9999-12-31", "9999-12-27")])
def test_requests_at_the_ends_of_the_calendar_are_decided(ruleset, category, period, first, last, day, other):
    # 4 h taken on a day in every one of these windows, then 2 h and 3 h asked: 6 h fits, 7 h does not.
    taken = [{"date": other, "category": category, "hours": 4}]
    fits = {"facts": FACTS, "taken": taken, "requests": [request(date=day, category=category, hours=2)]}
    over = {"facts": FACTS, "taken": taken, "requests": [request(date=day, category=category, hours=3)]}
    assert outcome(ruleset, fits) == "entitled"
    assert outcome(ruleset, over) == "not_entitled"


def test_a_year_cut_at_the_end_of_the_calendar_says_so(ruleset):
    report = ruleset.decide({"facts": FACTS, "requests": [request(date="9999-12-31", category="yearly")]})
    assert "(9999-04-01 to 9999-12-31)" in report["decisions"][0]["reasons"][0]


def test_a_year_window_in_the_middle_of_the_calendar_is_whole():
    assert Period("year").window(datetime.date(2026, 3, 31), (4, 1)) == (datetime.date(2025, 4, 1),
                                                                         datetime.date(2026, 3, 31))
    assert Period("year").window(datetime.date(2026, 4, 1), None) == (datetime.date(2026, 1, 1),
                                                                      datetime.date(2026, 12, 31))
    assert Period("rolling", 12, "months").window(datetime.date(2026, 5, 31), None) == \
        (datetime.date(2025, 6, 1), datetime.date(2026, 5, 31))


def test_add_months():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2024, 3, 31), -1) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(9999, 12, 1), 1) is None
    assert add_months(datetime.date(1, 1, 1), -1) is None


def test_a_rolling_window_of_a_billion_days_is_cut():
    assert Period("rolling", 10 ** 9, "days").window(datetime.date(2026, 3, 20), None) == \
        (FIRST, datetime.date(2026, 3, 20))


# ---- 5. a log's cells ----------------------------------------------------------

@pytest.mark.parametrize("text, number", [("11", Decimal(11)), (" 7.5 ", Decimal("7.5")), ("-2", Decimal(-2)),
                                          ("0.50000000000000001", Decimal("0.50000000000000001"))])
def test_number_from_text(text, number):
    assert number_from_text(text) == number


@pytest.mark.parametrize("text, hint", [
    ("1_1", "write 11: a number is the digits 0-9, with a point before a fraction"),
    ("١١", "write 11: a number is the digits 0-9, with a point before a fraction"),
    (".5", "write 0.5: a number is the digits 0-9, with a point before a fraction"),
    ("1e3", "write 1000: a number is the digits 0-9, with a point before a fraction"),
    ("nan", "write the digits 0-9, with a point before a fraction, for example 7.5"),
    ("7,5", "write the digits 0-9, with a point before a fraction, for example 7.5"),
    ("", "write the digits 0-9, with a point before a fraction, for example 7.5"),
])
def test_a_cell_that_is_not_a_plain_number(text, hint):
    assert number_from_text(text) is None
    assert number_hint(text) == hint


def test_a_number_fact_given_as_a_log_would_give_it(ruleset):
    # What a log row gives for its number column: the exact Decimal, or the text, which is an error saying what to write.
    assert outcome(ruleset, {"facts": {**FACTS, "fte": number_from_text("0.50000000000000001")},
                             "requests": [request(hours=7)]}) == "entitled"
    assert problems(ruleset, {"facts": {**FACTS, "fte": "1_1"}, "requests": [request()]}) == [
        ('facts.fte: must be a number, not "1_1"', "write 11: a number is the digits 0-9, with a point before a fraction")]


def test_a_scenario_problem_is_placed_at_its_line_and_names_the_request(tmp_path):
    from conftest import WESTMINSTER, run_cli

    # The second request has a date February does not have; the error points at it and names it as people count.
    (tmp_path / "s.json").write_text(
        '{"facts": {"roles": ["representative"], "staff group": "non-teaching", "employed by council": true},\n'
        ' "requests": [\n'
        '   {"id": "w1", "date": "2026-03-02", "category": "duties", "hours": 1},\n'
        '   {"id": "w2", "date": "2026-02-30", "category": "duties", "hours": 1}\n'
        ' ]}\n', encoding="utf-8")
    for command in ("run", "explain"):
        result = run_cli(command, str(WESTMINSTER), "s.json", cwd=tmp_path)
        assert result.returncode != 0
        assert "s.json:4:25: error E301: requests[1].date (the 2nd request, id 'w2'):" in result.stderr
        assert '    4 |    {"id": "w2", "date": "2026-02-30"' in result.stderr
