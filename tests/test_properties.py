"""Laws of the language, checked with hypothesis.

- a band lookup agrees with a naive reading of the table;
- quantities convert exactly by the agreement's own day length, and back;
- sums of tenths of an FTE never drift;
- a decision does not depend on the order of `taken`, and is the same every time.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

import ftdsl
from ftdsl import model as m


@st.composite
def tables(draw):
    """Band tables as an agreement writes them: consecutive rows, maybe a gap,
    maybe an open last row or a continuation."""
    rows = []
    low = draw(st.integers(0, 5))
    for _ in range(draw(st.integers(1, 6))):
        high = low + draw(st.integers(0, 300))
        rows.append((low, high, Fraction(draw(st.integers(0, 40)), 10)))
        low = high + 1 + draw(st.sampled_from([0, 0, 0, 3]))  # sometimes a gap
    ending = draw(st.sampled_from(["closed", "open", "continues"]))
    step = every = None
    if ending == "open":
        rows.append((low, None, Fraction(draw(st.integers(0, 40)), 10)))
    elif ending == "continues":
        step, every = Fraction(draw(st.integers(1, 10)), 10), draw(st.integers(1, 600))
    return {"rows": tuple(rows), "step": step, "every": every}


def naive_lookup(table, count):
    """Read the table as a person would: find the row; past the end, add a step
    for each started block of `every`."""
    for low, high, value in table["rows"]:
        if low <= count and (high is None or count <= high):
            return value
    last_low, last_high, last_value = table["rows"][-1]
    if table["step"] is None or last_high is None or count < last_high:
        return None
    value, edge = last_value, last_high
    while edge < count:
        edge += table["every"]
        value += table["step"]
    return value


@given(tables(), st.integers(0, 5000))
def test_band_lookup_agrees_with_a_naive_lookup(table, count):
    checked = m.Table("release", "members", "FTE", tuple(m.TableRow(*row) for row in table["rows"]),
                      table["step"], table["every"])
    assert checked.lookup(count) == naive_lookup(table, count)


@given(st.integers(1, 12), st.integers(0, 59), st.decimals(min_value=0, max_value=50, places=2),
       st.sampled_from(["days", "half days"]))
def test_days_convert_exactly_by_the_agreements_day(hours, minutes, amount, unit):
    ruleset = ftdsl.load_ruleset_text(
        f"categories: duties\na working day is {hours} hours {minutes} minutes\n"
        f"§1 anyone may take up to {amount} {unit} per month for duties\n")
    day = Fraction(hours) + Fraction(minutes, 60)
    expected = Fraction(amount) * day * (Fraction(1, 2) if unit == "half days" else 1)
    (grant,) = ruleset.model.grants
    assert grant.quantity.hours == expected
    # ...and back: asking for exactly that many days is exactly at the limit.
    report = ruleset.decide({"requests": [{"id": "at", "date": "2026-01-05", "category": "duties",
                                           unit: float(amount)}]})
    assert report["decisions"][0]["outcome"] == "entitled"


@given(st.integers(1, 40))
def test_tenths_of_an_fte_never_drift(tenths):
    rows = "\n".join(f"    {i} – {i}: {Decimal(i) / 10} FTE" for i in range(1, tenths + 1))
    ruleset = ftdsl.load_ruleset_text("fact members: count\na working week is 36 hours\n"
                                      f"§1 release is by members:\n{rows}\n")
    report = ruleset.decide({"facts": {"members": tenths}, "requests": []})
    assert Fraction(report["values"]["release"]["exact"]) == Fraction(tenths, 10)
    assert sum(row.value for row in ruleset.model.tables[0].rows) == Fraction(tenths * (tenths + 1), 20)


taken_items = st.lists(
    st.fixed_dictionaries({
        "date": st.dates(min_value=datetime.date(2025, 1, 1), max_value=datetime.date(2026, 12, 31)).map(lambda d: d.isoformat()),
        "category": st.sampled_from(["duties", "training", "joint committee meetings", "conference"]),
        "hours": st.integers(0, 12),
        "in working hours": st.booleans(),
    }), max_size=12)


@given(taken_items, st.randoms(use_true_random=False))
def test_decisions_do_not_depend_on_the_order_of_taken(westminster, taken, shuffler):
    scenario = {"facts": {"roles": ["representative"], "staff group": "non-teaching", "employed by council": True},
                "taken": taken,
                "requests": [{"id": "a", "date": "2026-03-20", "category": "duties", "hours": 3},
                             {"id": "b", "date": "2026-03-21", "category": "training", "days": 2}]}
    shuffled = list(taken)
    shuffler.shuffle(shuffled)
    first = westminster.decide(scenario)
    again = westminster.decide({**scenario, "taken": shuffled})
    assert first["decisions"] == again["decisions"]
    assert westminster.decide(scenario) == first


@given(st.lists(st.tuples(st.integers(0, 60), st.sampled_from(["duties", "training"]), st.integers(0, 40),
                          st.booleans()), max_size=40),
       st.integers(0, 60), st.integers(0, 60), st.booleans())
def test_history_counts_what_a_plain_sum_counts(entries, first, last, counts_outside):
    """The runtime's history (prefix sums by category, entries counted in any order) gives, for any window,
    the sum a person would work out: every entry of those categories from the first day to the last, time
    outside working hours only where time off in lieu counts."""
    import datetime

    from ftdsl.runtime import History

    start = datetime.date(2026, 1, 1)
    program = ftdsl.load_ruleset_text("categories: duties, training\n§1 duties are paid\n" +
                                      ("§2 time off in lieu counts against the allowances\n" if counts_outside else "")
                                      ).program
    history = History(program)
    for offset, category, quarters, in_hours in entries:
        history.count(start + datetime.timedelta(days=offset), category, Fraction(quarters, 4), in_hours)
    low, high = start + datetime.timedelta(days=min(first, last)), start + datetime.timedelta(days=max(first, last))
    expected = sum((Fraction(q, 4) for offset, category, q, in_hours in entries
                    if category == "duties" and low <= start + datetime.timedelta(days=offset) <= high
                    and (in_hours or counts_outside)), Fraction(0))
    assert history.hours_in(("duties",), low, high) == expected
