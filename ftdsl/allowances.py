"""An agreement's own totals: what it gives each role, before any request.

In: a checked model. Out: `Allowances`, a record of every rule that gives
time, per role and category (allowances, reasonable time, time at
management's discretion, additional time, the limits over them) and every
band table, each with its figures per week, per month and per year, in
hours and, where the amount is a whole number of half working days, in
days; `to_data` makes it JSON-ready data (exact numbers as decimal
strings) and `to_text` a document to read, laid out for a given width.
`ftdsl show --allowances` prints them; `diff.py` takes its hours per year
from `per_year` here, so the two never disagree.

How a figure is counted (docs/allowances.md): as the runtime counts time,
with `model.Period.window`. An amount per week is given afresh in every
Monday-to-Sunday week, per month in every calendar month, per year in every
year from the agreement's year start; a rolling window's amount is given
again on the first day whose window no longer holds the day it was last
taken. So the most one rule lets a representative take within a week, a
month or an agreement year is its amount times the number of times it is
given afresh there: for a calendar period, the number of its weeks or
months that touch the span. That number depends on the calendar: a month
touches 4 to 6 weeks, a year of 365 days 53, one of 366 days 53 or 54 (54
when it starts on a Sunday). A figure is therefore a range, the fewest and
the most over every week, month or year of the Gregorian calendar's
400-year cycle, which repeats exactly. A period longer than the span (a
month, in a week) has no figure in it, except per year, where a rolling
window longer than a year counts for the share of it that a year is
(12/N for N months, 1/N for N years, 365/N for N days, 365/(7N) for N
weeks), so that diff can still compare it.

Standard library only, and nothing of the command line: the width of the
text is a parameter.

>>> from ftdsl.model import Period
>>> per_year(Fraction(6), Period("month"), (4, 1))
Fraction(72, 1)
>>> times_in(Period("week"), "year", (4, 1))
Times(least=Fraction(53, 1), most=Fraction(54, 1), share=False)
"""

from __future__ import annotations

import datetime
import functools
import textwrap
from dataclasses import dataclass, replace
from fractions import Fraction

from . import model as m
from .model import cited
from .display import visible
from .numbers import decimal_text

SPANS = ("week", "month", "year")

# Any 400 consecutive years of the Gregorian calendar repeat exactly (146,097 days are 20,871 weeks).
_FIRST_YEAR, _CYCLE_YEARS = 2001, 400  # 2001-01-01 is a Monday
_YEAR_DAYS = Fraction(146097, 400)  # a year's mean length in days, over the cycle
_NOMINAL_DAYS = {"week": Fraction(7), "month": _YEAR_DAYS / 12, "year": _YEAR_DAYS}
_UNIT_DAYS = {"days": Fraction(1), "weeks": Fraction(7), "months": _YEAR_DAYS / 12, "years": _YEAR_DAYS}
_ONE_DAY = datetime.timedelta(days=1)


# ---- counting periods as the runtime does ----------------------------------------

@dataclass(frozen=True)
class Times:
    """How many times a period's amount is given within one span: the fewest and the most over the calendar.

    `share` is True for a rolling window longer than a year, counted per year by the share of it that a
    year is (least == most, a fraction)."""

    least: Fraction
    most: Fraction
    share: bool = False


def _length_days(period: m.Period) -> Fraction:
    if period.kind == "rolling":
        return period.count * _UNIT_DAYS[period.unit]
    return _NOMINAL_DAYS[period.kind]


def _next_fresh(period: m.Period, year_start, day: datetime.date) -> datetime.date | None:
    """The first day after `day` on which `period` no longer counts `day`: where its amount is given afresh
    (None past the end of the calendar)."""
    try:
        if period.kind != "rolling":
            return period.window(day, year_start)[1] + _ONE_DAY
        # A rolling window ends on the request's date: the first later date whose window starts after `day`.
        if period.unit in ("days", "weeks"):
            return day + datetime.timedelta(days=period.count * (7 if period.unit == "weeks" else 1))
        later = m.add_months(day, period.count * (12 if period.unit == "years" else 1))
        if later is None:
            return None
        guess = max(later - datetime.timedelta(days=3), day + _ONE_DAY)
        while guess > day + _ONE_DAY and period.window(guess - _ONE_DAY, year_start)[0] > day:
            guess -= _ONE_DAY
        while period.window(guess, year_start)[0] <= day:
            guess += _ONE_DAY
        return guess
    except OverflowError:  # past 9999-12-31
        return None


def given_in(period: m.Period, year_start, first: datetime.date, last: datetime.date) -> int:
    """How many times `period` gives its amount afresh from `first` to `last`: the most one rule allows there,
    in multiples of its amount.

    Taking the whole amount on each of these days fits (each is in a new week, month or window), and no
    more fits: between two of them, every day's window still holds the earlier one. The year from 1 April
    2026 (a Wednesday) to 31 March 2027 touches the 53 weeks from Monday 30 March 2026 to Sunday 4 April 2027:

    >>> given_in(m.Period("week"), (4, 1), datetime.date(2026, 4, 1), datetime.date(2027, 3, 31))
    53
    """
    count, day = 0, first
    while day is not None and day <= last:
        count += 1
        day = _next_fresh(period, year_start, day)
    return count


def _spans_of(span: str, year_start):
    """Every week (Monday to Sunday), calendar month or agreement year of one 400-year cycle: (first, last)."""
    if span == "week":
        monday = datetime.date(_FIRST_YEAR, 1, 1)
        for _ in range(146097 // 7):
            yield monday, monday + datetime.timedelta(days=6)
            monday += datetime.timedelta(days=7)
    elif span == "month":
        for year in range(_FIRST_YEAR, _FIRST_YEAR + _CYCLE_YEARS):
            for month in range(1, 13):
                first = datetime.date(year, month, 1)
                yield m.Period("month").window(first, None)
    else:
        month, day = year_start or (1, 1)
        for year in range(_FIRST_YEAR, _FIRST_YEAR + _CYCLE_YEARS):
            yield m.Period("year").window(datetime.date(year, month, day), year_start)


@functools.lru_cache(maxsize=256)
def times_in(period: m.Period, span: str, year_start) -> Times | None:
    """How many times `period` gives its amount within one week, calendar month or agreement year
    (`span`), the fewest and the most; None when the period is longer than the span (a month in a week),
    except that a window longer than a year counts per year by its share (see the module docstring).

    >>> times_in(m.Period("month"), "year", (4, 6))   # a year from 6 April touches 13 calendar months
    Times(least=Fraction(13, 1), most=Fraction(13, 1), share=False)
    >>> times_in(m.Period("week"), "month", None)
    Times(least=Fraction(4, 1), most=Fraction(6, 1), share=False)
    >>> times_in(m.Period("month"), "week", None) is None
    True
    """
    if _length_days(period) > _NOMINAL_DAYS[span]:
        if span != "year":
            return None
        share = {"months": Fraction(12), "years": Fraction(1), "days": Fraction(365),
                 "weeks": Fraction(365, 7)}[period.unit] / period.count
        return Times(share, share, share=True)
    if period.kind == span:
        return Times(Fraction(1), Fraction(1))  # a week in itself, a month in itself, a year in itself
    counts, seen = set(), set()
    for first, last in _spans_of(span, year_start):
        # Spans alike for this period give the same count, so each kind is counted once: a window of days
        # or weeks is the same wherever it lies, and a calendar week the same at the same weekday.
        length = (last - first).days
        key = (length if period.kind == "rolling" and period.unit in ("days", "weeks") else
               (first.weekday(), length) if period.kind == "week" else first)
        if key not in seen:
            seen.add(key)
            counts.add(given_in(period, year_start, first, last))
    return Times(Fraction(min(counts)), Fraction(max(counts)))


def per_year(hours: Fraction | None, period: m.Period | None, year_start=None) -> Fraction | None:
    """Hours per period as hours per agreement year: the most a rule allows in every year, the fewest of
    `times_in(period, "year")` (53 weeks, 12 months, 1 year); None when either is unknown.

    >>> per_year(Fraction(18), m.Period("week"), (4, 1))
    Fraction(954, 1)
    >>> per_year(Fraction(333, 5), m.Period("rolling", 12, "months"))
    Fraction(333, 5)
    """
    if hours is None or period is None:
        return None
    return hours * times_in(period, "year", year_start).least


# ---- the figures ---------------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    """One amount over one span: hours (and days, where the amount is in whole half days), fewest to most."""

    span: str
    times: Times
    hours: tuple[Fraction, Fraction]
    days: tuple[Fraction, Fraction] | None = None


def in_days(hours: Fraction, model: m.Model) -> Fraction | None:
    """An amount in the agreement's working days, where it is a whole number of half days; else None.

    >>> from ftdsl.api import load_ruleset_text
    >>> day = load_ruleset_text('a working day is 7 hours 12 minutes\\n').model
    >>> in_days(Fraction(36), day), in_days(Fraction(6), day)
    (Fraction(5, 1), None)
    """
    day = model.working_day
    if day is None or day <= 0 or hours == 0 or (hours * 2 / day).denominator != 1:
        return None
    return hours / day


def figures(hours: Fraction, period: m.Period, model: m.Model) -> dict[str, Figure | None]:
    """An amount per `period` over a week, a month and a year (None where the period is longer)."""
    found = {}
    days = in_days(hours, model)
    for span in SPANS:
        times = times_in(period, span, model.year_start)
        if times is None:
            found[span] = None
            continue
        found[span] = Figure(span, times, (hours * times.least, hours * times.most),
                             None if days is None else (days * times.least, days * times.most))
    return found


# ---- what an agreement gives ------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """One rule as it gives time for a category: an allowance, reasonable time, time at management's
    discretion ('granted'), additional time beyond the allowances ('additional') or a limit."""

    kind: str
    clause: str
    words: str  # the rule in words, without its category ("6 hours per month")
    when: str  # its condition in words (Rule.when_text), "" for none
    rule: object
    hours: Fraction | None = None  # the amount per period, for a fixed amount
    period: m.Period | None = None
    table: str | None = None  # the table whose value is the amount
    table_clause: str = ""
    figures: dict | None = None  # span -> Figure or None, for a fixed amount
    written: str = ""  # the amount as the rule writes it ("1 day"), for a fixed amount
    dates: str = ""  # the days the rule holds between in words ("from 1 April 2027"), "" for always
    formula: str = ""  # the formula that works the amount out for each person, as written; "" for none


@dataclass(frozen=True)
class CategoryTime:
    category: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class RoleTime:
    role: str | None  # None: anyone
    categories: tuple[CategoryTime, ...]


@dataclass(frozen=True)
class Band:
    low: int
    high: int | None
    value: Fraction
    hours: Fraction | None  # per the table's period, where a grant uses it
    figures: dict | None
    further: bool = False  # the first band the continuation adds past the last row


@dataclass(frozen=True)
class TableTime:
    table: m.Table
    grants: tuple[m.Grant, ...]  # the allowances that use it
    period: m.Period | None  # theirs, when they share one
    factor: Fraction  # hours per unit of its value
    bands: tuple[Band, ...]
    gaps: tuple[tuple[int, int | None], ...]  # counts no row covers


@dataclass(frozen=True)
class Allowances:
    model: m.Model
    roles: tuple[RoleTime, ...]
    tables: tuple[TableTime, ...]
    others: tuple[Entry, ...]  # limits and additional time for categories no role is given time for
    periods: tuple[m.Period, ...]  # the periods the rules count, for how the figures are counted


_DISCRETION_PAY = {"paid": ", with pay", "unpaid": ", without pay", "open": ", with or without pay", None: ""}


def _grant_entry(grant: m.Grant, model: m.Model) -> Entry:
    if grant.kind == "reasonable":
        return Entry("reasonable", grant.clause, "reasonable time", grant.when_text, grant)
    if grant.kind == "granted":
        return Entry("granted", grant.clause, "time at management's discretion", grant.when_text, grant)
    quantity, period = grant.quantity, grant.period
    words = f"up to {quantity.text or quantity.value} {period.describe()}"
    computed = None if quantity.value is None else model.computed(quantity.value)
    if isinstance(computed, m.Table):
        return Entry("allowance", grant.clause, words, grant.when_text, grant, period=period, table=quantity.value,
                     table_clause=computed.clause)
    if computed is not None:
        return Entry("allowance", grant.clause, words, grant.when_text, grant, period=period,
                     table_clause=computed.clause, formula=computed.text)
    return Entry("allowance", grant.clause, words, grant.when_text, grant, quantity.hours, period,
                 figures=figures(quantity.hours, period, model), written=quantity.text)


def _dated(entry: Entry) -> Entry:
    """The entry with its rule's dates in words."""
    dates = getattr(entry.rule, "dates", None)
    return entry if dates is None else replace(entry, dates=dates.describe())


def _refusal_entry(rule: m.RefusalRule) -> Entry:
    return Entry("refusal", rule.clause, "no time is given", rule.when_text, rule)


def _discretion_entry(rule: m.DiscretionRule) -> Entry:
    manner = f" {rule.manner}" if rule.manner else ""
    return Entry("additional", rule.clause, f"additional time may be granted{manner}{_DISCRETION_PAY[rule.pay]}",
                 rule.when_text, rule)


def _limit_entry(rule: m.LimitRule, model: m.Model) -> Entry:
    if rule.quantity is not None:  # worked out for each person: no figures before a person is known
        computed = model.computed(rule.quantity.value)
        return Entry("limit", rule.clause, f"limited to {rule.text}", rule.when_text, rule, period=rule.period,
                     table_clause=computed.clause, formula=computed.text)
    return Entry("limit", rule.clause, f"limited to {rule.text}", rule.when_text, rule, rule.hours, rule.period,
                 figures=figures(rule.hours, rule.period, model))


def allowances(model: m.Model) -> Allowances:
    """Every rule that gives time, per role and category, and every band table, with their figures."""
    discretions = [_dated(_discretion_entry(r)) for r in model.discretions]
    limits = [_dated(_limit_entry(r, model)) for r in model.limits]
    shown: set[int] = set()

    def beside(category):
        found = []
        for entry in (*discretions, *limits):
            if entry.rule.covers(category):
                shown.add(id(entry))
                found.append(entry)
        return found

    roles = []
    for role in (*model.roles, None):
        categories = []
        for category in model.categories:
            def for_role(rule):
                return (rule.roles is None) if role is None else (rule.roles is not None and role in rule.roles)
            grants = [g for g in model.grants if g.category == category and for_role(g)]
            refusals = [r for r in model.refusals if category in r.categories and for_role(r)]
            if grants or refusals:
                entries = ([_dated(_refusal_entry(r)) for r in refusals] + [_dated(_grant_entry(g, model)) for g in grants]
                           + (beside(category) if grants else []))
                categories.append(CategoryTime(category, tuple(entries)))
        if role is not None or categories:
            roles.append(RoleTime(role, tuple(categories)))
    others = tuple(e for e in (*discretions, *limits) if id(e) not in shown)
    tables = tuple(_table_time(table, model) for table in model.tables)
    periods = {rule.period for rule in (*model.grants, *model.limits) if rule.period is not None}
    order = {"week": 0, "month": 1, "year": 2, "rolling": 3}
    periods = sorted(periods, key=lambda p: (order[p.kind], _length_days(p)))
    return Allowances(model, tuple(roles), tables, others, tuple(periods))


def _table_time(table: m.Table, model: m.Model) -> TableTime:
    grants = tuple(g for g in model.grants if g.quantity is not None and g.quantity.value == table.name)
    periods = {(g.period, g.quantity.factor) for g in grants}
    period, factor = next(iter(periods)) if len(periods) == 1 else (None, grants[0].quantity.factor if grants
                                                                    else Fraction(1))

    def band(low, high, value, further=False):
        hours = None if period is None else value * factor
        return Band(low, high, value, hours, None if hours is None else figures(hours, period, model), further)

    bands = [band(row.low, row.high, row.value) for row in table.rows]
    if table.step is not None and table.rows and table.rows[-1].high is not None:
        low = table.rows[-1].high + 1
        bands.append(band(low, low + table.every - 1, table.lookup(low), further=True))
    return TableTime(table, grants, period, factor, tuple(bands), _gaps(table))


def _gaps(table: m.Table) -> tuple[tuple[int, int | None], ...]:
    """The counts from 0 that no row of a table covers (the first row that holds a count wins)."""
    edges = sorted({0, *(r.low for r in table.rows), *(r.high + 1 for r in table.rows if r.high is not None)})
    gaps = []
    for low, following in zip(edges, [*edges[1:], None]):
        if table.band(low) is None:
            high = None if following is None else following - 1
            if gaps and gaps[-1][1] is not None and gaps[-1][1] == low - 1:
                low = gaps.pop()[0]
            gaps.append((low, high))
    return tuple(gaps)


# ---- as data ------------------------------------------------------------------------------

def exact(value: Fraction) -> str:
    """A Fraction as exact text: a decimal where it ends ("7.2"), else a fraction ("1/3").

    >>> exact(Fraction(36, 5)), exact(Fraction(1, 3))
    ('7.2', '1/3')
    """
    text = decimal_text(value)
    return f"{value.numerator}/{value.denominator}" if text.startswith("≈") else text


def _pair(values) -> dict | None:
    return None if values is None else {"least": exact(values[0]), "most": exact(values[1])}


def _figure_data(figure: Figure | None) -> dict | None:
    if figure is None:
        return None
    times = figure.times
    return {"times": _pair((times.least, times.most)), "share of the period": times.share,
            "hours": _pair(figure.hours), "days": _pair(figure.days)}


def _entry_data(entry: Entry) -> dict:
    data = {"kind": entry.kind, "clause": entry.clause, "says": entry.words, "when": entry.when or None,
            "dates": entry.dates or None}
    if entry.period is not None:
        data["period"] = entry.period.describe()
    if entry.table is not None:
        data["table"] = entry.table
        data["table clause"] = entry.table_clause
    if entry.formula:
        data["formula"] = entry.formula
        data["formula clause"] = entry.table_clause
    if entry.written:
        data["amount"] = entry.written
    if entry.hours is not None:
        data["hours"] = exact(entry.hours)
    if entry.figures is not None:
        data.update({f"per {span}": _figure_data(entry.figures[span]) for span in SPANS})
    if entry.kind == "limit":
        data["categories"] = list(entry.rule.categories)
    return data


def _counting(allowances: Allowances) -> list[dict]:
    model = allowances.model
    found = []
    for period in allowances.periods:
        spans = {}
        for span in SPANS:
            times = times_in(period, span, model.year_start)
            spans[f"per {span}"] = None if times is None else {**_pair((times.least, times.most)),
                                                              "share of the period": times.share}
        found.append({"period": period.describe(), **spans})
    return found


def to_data(allowances: Allowances, ruleset_name: str = "") -> dict:
    """The allowances as JSON-ready data: every amount an exact decimal string (or "p/q"), every count too."""
    model = allowances.model
    header = model.header
    data = {"agreement": header.title, "employer": header.employer, "ruleset": ruleset_name or model.file,
            "working day": None if model.working_day is None else exact(model.working_day),
            "working week": None if model.working_week is None else exact(model.working_week),
            "year starts": _year_start_words(model.year_start), "counting": _counting(allowances),
            "roles": [], "anyone": []}
    for role in allowances.roles:
        categories = [{"category": c.category, "rules": [_entry_data(e) for e in c.entries]} for c in role.categories]
        if role.role is None:
            data["anyone"] = categories
        else:
            data["roles"].append({"role": role.role, "categories": categories})
    data["other rules"] = [_entry_data(e) for e in allowances.others]
    data["tables"] = [_table_data(t) for t in allowances.tables]
    return data


def _table_data(time: TableTime) -> dict:
    table = time.table
    uses = [{"clause": g.clause, "category": g.category, "roles": None if g.roles is None else list(g.roles),
             "period": g.period.describe(), "when": g.when_text or None} for g in time.grants]
    bands = []
    for band in time.bands:
        entry = {"from": band.low, "to": band.high, "value": exact(band.value), "further": band.further}
        if band.hours is not None:
            entry["hours"] = exact(band.hours)
            entry.update({f"per {span}": _figure_data(band.figures[span]) for span in SPANS})
        bands.append(entry)
    data = {"name": table.written, "clause": table.clause, "by": table.by, "unit": table.unit,
            "period": None if time.period is None else time.period.describe(),
            "hours per unit": exact(time.factor), "used by": uses, "bands": bands,
            "continuation": None if table.step is None else {"step": exact(table.step), "every": table.every},
            "no band": [{"from": low, "to": high} for low, high in time.gaps]}
    return data


def _year_start_words(start) -> str | None:
    if start is None:
        return None
    month, day = start
    return f"{day} {m.MONTHS[month - 1]}"


# ---- as text ------------------------------------------------------------------------------

_GAP = 2  # spaces between columns
_DASH = "—"


def _hours_text(values) -> str:
    low, high = values
    return f"{decimal_text(low)} h" if low == high else f"{decimal_text(low)}–{decimal_text(high)} h"


def _days_text(values) -> str:
    low, high = values
    word = "day" if (low, high) == (1, 1) else "days"
    return f"{decimal_text(low)} {word}" if low == high else f"{decimal_text(low)}–{decimal_text(high)} {word}"


def _cell(figure: Figure | None) -> str:
    if figure is None:
        return _DASH
    text = _hours_text(figure.hours)
    if figure.days is not None:
        text += f" ({_days_text(figure.days)})"
    return text


def _count_words(times: Times) -> str:
    least, most = decimal_text(times.least), decimal_text(times.most)
    if times.least == times.most:
        return least
    return f"{least} or {most}" if times.most == times.least + 1 else f"{least} to {most}"


def _times_words(period: m.Period, span: str, times: Times, start: str) -> str:
    """How often a period gives its amount in a span, in words: "a month touches 4 to 6 weeks"."""
    where = f"a year from {start}" if span == "year" else f"a {span}"
    if times.share:
        return f"{where} counts for {exact(times.least)} of {period.describe().removeprefix('in any ')}"
    if period.kind == "rolling":
        if times.least == times.most == 1:
            return f"{where} holds it once"
        return f"{where} holds it {_count_words(times)} times"
    return f"{where} touches {_count_words(times)} {period.kind}{'s' if times.most != 1 else ''}"


class _Page:
    """Lines of text wrapped to a width."""

    def __init__(self, width: int):
        self.width = width
        self.lines: list[str] = []

    def blank(self):
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def para(self, text: str, indent: int = 0, hang: int = 0):
        pad = " " * indent
        self.lines += textwrap.wrap(text, max(self.width - indent, 20), initial_indent=pad,
                                    subsequent_indent=pad + " " * hang, break_on_hyphens=False) or [pad.rstrip()]


class _Grid:
    """Rows of a label and figure cells, laid out in columns where they fit, one under another where not.

    A row is its indent, its label as parts (text, indent of its first line, indent of the lines it wraps
    to, both past the row's), and its cells (None for none)."""

    def __init__(self, headers: tuple[str, ...]):
        self.headers = headers
        self.rows: list[tuple[int, list[tuple[str, int, int]], tuple[str, ...] | None]] = []

    def heading(self, indent: int, text: str, show_headers: bool = False):
        self.rows.append((indent, [(text, 0, 2)], self.headers if show_headers else None))

    def row(self, indent: int, parts: list[tuple[str, int, int]], cells: tuple[str, ...] | None):
        self.rows.append((indent, parts, cells))

    def render(self, page: _Page, min_label: int = 26):
        columns = [max([len(h) for h in self.headers] + [len(r[2][i]) for r in self.rows if r[2] is not None])
                   for i in range(len(self.headers))]
        label_width = page.width - sum(columns) - _GAP * len(columns)
        if label_width < min_label:
            return self._stacked(page)
        # No wider than the longest label that figures stand beside needs, so they are not far from it.
        needed = max((indent + len(parts[0][0]) for indent, parts, cells in self.rows if cells is not None), default=0)
        label_width = min(label_width, max(needed, min_label))
        for indent, parts, cells in self.rows:
            lines = []
            for number, (text, first, rest) in enumerate(parts):
                # Only the line the figures stand on leaves room for them; the rest take the whole width.
                room = label_width if number == 0 and cells is not None else page.width
                wrapped = textwrap.wrap(text, max(room - indent - first, 12), break_on_hyphens=False) or [""]
                lines.append(" " * (indent + first) + wrapped[0])
                if len(wrapped) > 1:
                    lines += [" " * (indent + rest) + line for line in
                              textwrap.wrap(" ".join(wrapped[1:]), max(page.width - indent - rest, 12),
                                            break_on_hyphens=False)]
            if cells is not None:
                lines[0] = lines[0].ljust(label_width) + "".join(" " * _GAP + c.rjust(w) for c, w in zip(cells, columns))
            page.lines += [line.rstrip() for line in lines]
        return None

    def _stacked(self, page: _Page):
        for indent, parts, cells in self.rows:
            for text, first, rest in parts:
                if text:
                    page.para(text, indent + first, rest - first)
                elif page.lines and page.lines[-1] != "":
                    page.lines.append("")
            if cells is None or cells == self.headers:
                continue
            shown = [f"{h} {c}" for h, c in zip(self.headers, cells) if c != _DASH]
            if shown:
                last_indent = indent + (parts[-1][1] if len(parts) > 1 else parts[0][2])
                page.para("; ".join(shown), last_indent, 2)


def _title_lines(allowances: Allowances, ruleset_name: str, page: _Page):
    header = allowances.model.header
    title = header.title or header.employer or ruleset_name or allowances.model.file
    page.para(visible(title))
    if header.employer and header.employer != title:
        page.para(visible(header.employer))
    page.para("What the agreement gives each role, before any request")
    if ruleset_name:
        page.para(f"ruleset {visible(ruleset_name)}")


def _definitions_text(model: m.Model) -> str:
    parts = []
    if model.working_day is not None:
        parts.append(f"a working day is {decimal_text(model.working_day)} h")
    if model.working_week is not None:
        parts.append(f"a working week is {decimal_text(model.working_week)} h (1 FTE)")
    start = _year_start_words(model.year_start)
    parts.append(f"the year starts on {start}" if start else "the year starts on 1 January (the agreement gives no "
                 "start)")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def _counting_text(allowances: Allowances) -> list[str]:
    model = allowances.model
    start = _year_start_words(model.year_start) or "1 January"
    rolling = any(p.kind == "rolling" for p in allowances.periods)
    sentences = [f"The figures are counted as ftdsl run counts time. An amount per week is given afresh in every "
                 f"Monday-to-Sunday week, one per month in every calendar month, one per year in every year from "
                 f"{start}" + (", and one in any N days, weeks or months on the first day whose window no longer "
                               "holds the day it was last taken" if rolling else "") +
                 ". A figure is the most one rule allows within a week, a month or a year: its amount times the "
                 "number of times it is given afresh there, the weeks and months that a month or a year shares "
                 "with the ones either side counted in full. Where that number varies, the figure is a range, "
                 "fewest to most. A dash: the rule counts only over a longer time."]
    for period in allowances.periods:
        said = []
        for span in ("month", "year"):
            times = times_in(period, span, model.year_start)
            if times is None or period.kind == span:
                continue
            said.append(_times_words(period, span, times, start))
        if said:
            text = f"{period.describe().capitalize()}: " + ", ".join(said)
            year = times_in(period, "year", model.year_start)
            if period.kind == "week" and year.most > year.least:
                text += f" ({decimal_text(year.most)} when it has 366 days and starts on a Sunday)"
            sentences.append(text + ".")
    if any(e.figures and any(f is not None and f.days is not None for f in e.figures.values())
           for r in allowances.roles for c in r.categories for e in (*c.entries, *allowances.others)):
        sentences.append(f"Amounts that are whole half days are also given in days of "
                         f"{decimal_text(model.working_day)} h.")
    return sentences


_CLAUSE_COLUMN = 8  # clause references up to this long stand in a column of their own, before the rule


def _clause_width(allowances: Allowances) -> int | None:
    """The width of the clause column, or None when a clause is too long for one (a heading used as a clause),
    and each stands after its rule instead."""
    entries = [e for r in allowances.roles for c in r.categories for e in c.entries] + list(allowances.others)
    widths = [len(visible(e.clause)) + 1 for e in entries]
    if not widths or max(widths) > _CLAUSE_COLUMN:
        return None
    return max(widths)


def _entry_parts(entry: Entry, clause_width: int | None) -> list[tuple[str, int, int]]:
    words = visible(entry.words)
    if entry.table is not None:
        words += f" (the table of {visible(cited(entry.table_clause))}, below)"
    elif entry.formula and entry.formula in entry.words:
        words += " (worked out from each person's facts)"
    elif entry.formula:
        words += f" ({visible(entry.formula)}, {visible(cited(entry.table_clause))}: worked out from each person's facts)"
    if clause_width is None:
        parts = [(f"{words} ({visible(cited(entry.clause))})", 0, 2)]
        hang = 2
    else:
        hang = clause_width + 1
        parts = [(f"{visible(cited(entry.clause))}".ljust(hang) + words, 0, hang)]
    if entry.dates:
        parts.append((visible(entry.dates), hang, hang + 2))
    if entry.when:
        parts.append((f"when {visible(entry.when)}", hang, hang + 2))
    return parts


def _cells(entry: Entry) -> tuple[str, ...] | None:
    if entry.figures is None:
        return None
    return tuple(_cell(entry.figures[span]) for span in SPANS)


def to_text(allowances: Allowances, ruleset_name: str = "", width: int = 80) -> str:
    """The allowances as a document: the agreement's title, how figures are counted, then each role's
    time by category with its figures per week, month and year in columns, and the band tables."""
    model = allowances.model
    page = _Page(max(width, 40))
    _title_lines(allowances, ruleset_name, page)
    page.blank()
    page.para(_definitions_text(model))
    for sentence in _counting_text(allowances):
        page.blank()
        page.para(sentence)
    headers = tuple(f"per {span}" for span in SPANS)
    clauses = _clause_width(allowances)
    grid = _Grid(headers)
    for role in allowances.roles:
        grid.row(0, [("", 0, 0)], None)
        name = "Anyone" if role.role is None else visible(model.spelt(role.role))
        grid.heading(0, name[0].upper() + name[1:], show_headers=True)
        if not role.categories:
            grid.row(2, [("no time is given to this role by name", 0, 2)], None)
        for category in role.categories:
            grid.row(2, [(visible(model.spelt(category.category)), 0, 2)], None)
            for entry in category.entries:
                grid.row(4, _entry_parts(entry, clauses), _cells(entry))
    if allowances.others:
        grid.row(0, [("", 0, 0)], None)
        grid.heading(0, "Other rules", show_headers=True)
        for entry in allowances.others:
            grid.row(2, _entry_parts(entry, clauses), _cells(entry))
    grid.render(page)
    for time in allowances.tables:
        _table_text(time, model, page)
    return "\n".join(line.rstrip() for line in page.lines).strip("\n") + "\n"


def _range_words(low: int, high: int | None) -> str:
    if high is None:
        return f"{low} or more"
    return str(low) if low == high else f"{low}–{high}"


def _table_text(time: TableTime, model: m.Model, page: _Page):
    table = time.table
    unit = "FTE" if table.unit == "FTE" else "hours"
    page.blank()
    page.para(f"{visible(cited(table.clause))} {visible(table.written)}, by {visible(table.by)}", 0, 2)
    if time.grants:
        uses = []
        for grant in time.grants:
            who = "anyone" if grant.roles is None else " or ".join(visible(r) for r in grant.roles)
            when = f" when {visible(grant.when_text)}" if grant.when_text else ""
            uses.append(f"{who} up to this {grant.period.describe()} for {visible(grant.category)} "
                        f"({visible(cited(grant.clause))}){when}")
        text = "Gives " + "; ".join(uses) + "."
        if table.unit == "FTE" and model.working_week is not None:
            text += f" 1 FTE is the working week, {decimal_text(model.working_week)} h."
        page.para(text, 2)
    else:
        page.para("No allowance uses it: conditions read it.", 2)
    value_header = unit
    headers = (value_header, *(f"per {span}" for span in SPANS)) if time.period is not None else (value_header,)
    grid = _Grid(headers)
    grid.heading(2, visible(table.by), show_headers=True)
    for band in time.bands:
        label = _range_words(band.low, band.high) + (" (and so on)" if band.further else "")
        cells = [decimal_text(band.value)]
        if time.period is not None:
            cells += [_DASH if f is None else _hours_text(f.hours) for f in (band.figures[s] for s in SPANS)]
        grid.row(2, [(label, 0, 2)], tuple(cells))
    grid.render(page, min_label=14)
    if table.step is not None:
        step_hours = "" if time.period is None else \
            f" ({decimal_text(table.step * time.factor)} h {time.period.describe()})"
        step = f"{decimal_text(table.step)} {'FTE' if table.unit == 'FTE' else 'h'}"
        page.para(f"Past {table.rows[-1].high}: a further {step}{step_hours} for every further {table.every} "
                  f"{visible(table.by)} or part of {table.every}.", 2)
    for low, high in time.gaps:
        page.para(f"{_range_words(low, high)} {visible(table.by)}: no band, so no time.", 2)
