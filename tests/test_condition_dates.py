"""A date in a condition may be written as the header's dates are: '1 October 2026' as well as 2026-10-01."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftdsl import api
from ftdsl.errors import FtdslError
from ftdsl.model import MONTHS
from ftdsl.formatter import format_text

RULES = """roles: representative
categories: duties
fact roles: list of roles
request fact start: date
§1 representative may take up to 2 hours per week for duties
    when start is at least {date}
§2 duties are paid
"""


def _outcome(date_text, start):
    ruleset = api.load_ruleset_text(RULES.format(date=date_text))
    decided = ruleset.decide({"facts": {"roles": ["representative"]},
                              "requests": [{"category": "duties", "hours": 1, "date": "2026-05-04", "start": start}]})
    return decided["decisions"][0]["outcome"]


@given(st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2090, 12, 31)),
       st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2090, 12, 31)))
def test_words_and_iso_dates_decide_alike(limit, start):
    words = f"{limit.day} {MONTHS[limit.month - 1]} {limit.year}"
    expected = "entitled" if start >= limit else "not_entitled"
    assert _outcome(words, start.isoformat()) == expected == _outcome(limit.isoformat(), start.isoformat())


def test_formatting_keeps_the_date_as_written():
    assert "when start is at least 1 October 2026" in format_text(RULES.format(date="1 October 2026"))


def test_a_date_that_does_not_exist_is_an_error():
    with pytest.raises(FtdslError) as raised:
        api.load_ruleset_text(RULES.format(date="31 September 2026"))
    assert [d.code for d in raised.value.diagnostics] == ["E110"]
