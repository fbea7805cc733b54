"""The year-end figures: each person's usage in a relevant period and their roster row in, the published tables out.

Two sets of figures employers publish: the four tables of the Trade Union
(Facility Time Publication Requirements) Regulations 2017 (relevant union
officials; the bands of working hours spent on facility time; the cost of
facility time as a share of the pay bill; paid trade union activities as a
share of paid facility time hours), and the Local Government Transparency
Code 2015's facility-time fields. docs/reporting.md defines every figure;
the arithmetic is exact (Fractions) and only what is shown is rounded.

In: a usage.Tally counted over the log with the period given, the
roster (roster.Roster), the pay bill, the full-time week, and which
categories are trade union activities (s.170, from the ruleset). Out: a
`YearFigures`, whose `data()` holds the figures under the keys other
tools read.
"""

from __future__ import annotations

import datetime
from fractions import Fraction

from .numbers import decimal_text, json_number
from .usage import PAID_HOURS, TAKEN

BANDS = ("0%", "1-50%", "51-99%", "100%")
HALF = Fraction(1, 2)


def relevant_period(text: str) -> tuple[datetime.date, datetime.date] | None:
    """A relevant period written '2025/26' (or '2025/2026') as (1 April 2025, 31 March 2026); None when the text
    is not one.

    >>> relevant_period("2025/26")
    (datetime.date(2025, 4, 1), datetime.date(2026, 3, 31))
    """
    first, slash, second = text.strip().partition("/")
    if not (slash and first.isdigit() and second.isdigit() and len(first) == 4 and len(second) in (2, 4)):
        return None
    start = int(first)
    # '1999/00' ends in 2000: two digits are the next year's last two.
    end = int(second) if len(second) == 4 else start + 1 if (start + 1) % 100 == int(second) else None
    if end != start + 1 or not 1900 <= start <= 9998:
        return None
    return datetime.date(start, 4, 1), datetime.date(end, 3, 31)


def percent(part, whole) -> Fraction | None:
    """`part` as a percentage of `whole`, exactly; None when `whole` is 0.

    >>> float(percent(Fraction(43), Fraction(189, 2)))  # 43 of 94.5 hours
    45.5026455026455
    """
    whole = Fraction(whole)
    return None if whole == 0 else Fraction(part) * 100 / whole


def rounded(value, places: int = 2) -> str:
    """A number rounded half up to `places` decimals, as text with those decimals.

    >>> rounded(Fraction(6765, 1000)), rounded(Fraction(1, 8), 2), rounded(Fraction(0))
    ('6.77', '0.13', '0.00')
    """
    if value.__class__ is not Fraction:
        value = Fraction(value)
    # In whole numbers: a Fraction's arithmetic is many times slower, and a report rounds thousands.
    numerator, denominator = abs(value.numerator) * 10 ** places, value.denominator
    scaled, rest = divmod(numerator, denominator)
    scaled += 2 * rest >= denominator
    sign = "-" if value < 0 and scaled else ""
    whole, rest = divmod(scaled, 10 ** places)
    return f"{sign}{whole}.{rest:0{places}d}" if places else f"{sign}{whole}"


def band(share) -> str:
    """The band of the 2017 regulations for a share of working hours on facility time (a Fraction, 1 = all):
    0% for none, 1-50% for more than none up to a half, 51-99% for more than a half and less than all, 100%
    for all or more.

    >>> band(Fraction(0)), band(Fraction(1, 200)), band(HALF), band(Fraction(51, 100)), band(Fraction(1))
    ('0%', '1-50%', '1-50%', '51-99%', '100%')
    """
    if share <= 0:
        return BANDS[0]
    if share <= HALF:
        return BANDS[1]
    if share < 1:
        return BANDS[2]
    return BANDS[3]


def days_in_post(period, start=None, end=None) -> int:
    """The days of `period` (first, last) a person held the post, from their roster `start` and `end`."""
    first = max(period[0], start) if start else period[0]
    last = min(period[1], end) if end else period[1]
    return max((last - first).days + 1, 0)


class Official:
    """One person's figures in the period: FTE, weeks in post, working hours, facility time hours (all, on
    duties, paid, paid on activities), share of working hours, band and cost."""

    def __init__(self, name, person, usage, scale, period, full_time_week, activities):
        self.name = name
        self.union = person.union
        self.contracted = person.contracted
        self.cost_per_hour = person.cost
        self.fte = person.contracted / full_time_week
        self.days = days_in_post(period, person.start, person.end)
        self.weeks = Fraction(self.days, 7)
        self.working_hours = person.contracted * self.weeks
        tallies = usage.table if usage is not None else {}  # usage.PersonUsage, None for no rows
        # The tallies are in 1/scale hours (totals.scale): summed as they are, each made an exact Fraction once.
        taken = duty = paid = paid_activity = 0
        for category, entry in tallies.items():
            taken += entry[TAKEN]
            paid += entry[PAID_HOURS]
            if category in activities:
                paid_activity += entry[PAID_HOURS]
            else:
                duty += entry[TAKEN]
        self.hours = Fraction(taken, scale)
        self.duty_hours = Fraction(duty, scale)
        self.paid_hours = Fraction(paid, scale)
        self.paid_activity_hours = Fraction(paid_activity, scale)
        self.share = self.hours / self.working_hours if self.working_hours else Fraction(0)
        self.duty_share = self.duty_hours / self.working_hours if self.working_hours else Fraction(0)
        self.band = band(self.share)
        self.cost = self.cost_per_hour * self.paid_hours
        self.duty_cost = self.cost_per_hour * (self.paid_hours - self.paid_activity_hours)

    def data(self) -> dict:
        """The person's figures as JSON numbers, each rounded (as floats: what is exact is the tables' totals)."""
        return {"person": self.name, "union": self.union, "contracted hours per week": json_number(self.contracted),
                "fte": shown(self.fte), "days in post": self.days, "working hours": shown(self.working_hours, 2),
                "facility time hours": shown(self.hours), "duties hours": shown(self.duty_hours),
                "percent of working hours": shown(self.share * 100, 2), "band": self.band,
                "paid facility time hours": shown(self.paid_hours),
                "paid activities hours": shown(self.paid_activity_hours),
                "hourly cost": json_number(self.cost_per_hour), "cost": _places(self.cost, 2)}


class YearFigures:
    """The figures of one relevant period (see the module); `officials` in roster order."""

    def __init__(self, period, officials, pay_bill):
        self.period = period
        self.officials = officials
        self.pay_bill = Fraction(pay_bill)
        self.headcount = len(officials)
        self.fte = sum((o.fte for o in officials), Fraction(0))
        self.bands = {name: sum(1 for o in officials if o.band == name) for name in BANDS}
        self.cost = sum((o.cost for o in officials), Fraction(0))
        self.cost_percent = percent(self.cost, self.pay_bill)
        self.paid_hours = sum((o.paid_hours for o in officials), Fraction(0))
        self.paid_activity_hours = sum((o.paid_activity_hours for o in officials), Fraction(0))
        self.activities_percent = percent(self.paid_activity_hours, self.paid_hours)
        half = [o for o in officials if o.duty_share >= HALF]
        self.half_headcount = len(half)
        self.half_fte = sum((o.fte for o in half), Fraction(0))
        self.unions = sorted({o.union for o in officials if o.union})
        self.spending = sum((o.duty_cost for o in officials), Fraction(0))
        self.spending_percent = percent(self.spending, self.pay_bill)

    def data(self) -> dict:
        """The figures under the keys other tools read (docs/reporting.md), numbers rounded as shown there."""
        first, last = self.period
        return {
            "relevant period": {"from": first.isoformat(), "to": last.isoformat()},
            "officials": {"headcount": self.headcount, "fte": _places(self.fte, 2)},
            "time bands": dict(self.bands),
            "cost": {"facility time": _places(self.cost, 2), "pay bill": json_number(self.pay_bill),
                     "percent of pay bill": _places(self.cost_percent, 4)},
            "paid activities": {"hours": json_number(self.paid_activity_hours),
                                "paid facility time hours": json_number(self.paid_hours),
                                "percent": _places(self.activities_percent, 2)},
            "transparency code": {
                "representatives": self.headcount, "fte": _places(self.fte, 2),
                "at least 50% on duties": {"headcount": self.half_headcount, "fte": _places(self.half_fte, 2)},
                "unions": self.unions, "spending": _places(self.spending, 2),
                "percent of pay bill": _places(self.spending_percent, 4)},
        }

    def working(self) -> list[tuple[str, str, str]]:
        """Each figure as (name, value, how it was computed), for the text report."""
        first, last = self.period
        def money(value):
            return "£" + _money(value)

        def pct(value, places=2):
            return "none (nothing to divide by)" if value is None else f"{rounded(value, places)}% ({decimal_text(value)}%)"
        return [
            ("relevant period", f"{first.isoformat()} to {last.isoformat()}", "1 April to 31 March"),
            ("relevant union officials", f"{self.headcount} ({rounded(self.fte)} FTE)",
             "people on the roster in post in the period; FTE is contracted hours per week / the full-time week"),
            ("officials by share of working hours on facility time",
             ", ".join(f"{name}: {count}" for name, count in self.bands.items()),
             "facility time hours in the period / (contracted hours per week × days in post / 7)"),
            ("total cost of facility time", money(self.cost), "Σ hourly cost × paid facility time hours"),
            ("total pay bill", money(self.pay_bill), "--pay-bill"),
            ("cost as a percentage of the pay bill", pct(self.cost_percent, 2), "cost / pay bill × 100"),
            ("paid trade union activities", f"{decimal_text(self.paid_activity_hours)} h of "
             f"{decimal_text(self.paid_hours)} h = {pct(self.activities_percent)}",
             "paid hours on trade union activities (s.170) / all paid facility time hours × 100"),
            ("Transparency Code: representatives", f"{self.headcount} ({rounded(self.fte)} FTE)",
             "as relevant union officials"),
            ("Transparency Code: at least 50% on union duties",
             f"{self.half_headcount} ({rounded(self.half_fte)} FTE)",
             "duties hours (not s.170 activities) / working hours ≥ 50%"),
            ("Transparency Code: unions", ", ".join(self.unions) or "none", "the roster's 'union' column"),
            ("Transparency Code: spending on union duties", money(self.spending),
             "Σ hourly cost × paid hours on duties"),
            ("Transparency Code: spending as a percentage of the pay bill", pct(self.spending_percent, 2),
             "spending / pay bill × 100"),
        ]


def shown(value, places=4):
    """A number for JSON where it is only shown (a person's hours, an allowance's use): a float rounded to
    `places`, an int when whole. Floats are many times quicker than Fractions, and a report shows thousands;
    the tables' totals are rounded exactly (`_places`)."""
    number = round(float(value), places)
    return int(number) if number.is_integer() else number


def _money(value) -> str:
    text = rounded(value, 2)
    whole, _, pence = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-')):,}.{pence}"


def _places(value, places):
    """A Fraction for JSON, rounded half up to `places` decimals (an int when whole); None stays None."""
    if value is None:
        return None
    if value.__class__ is int or getattr(value, "denominator", None) == 1:
        return int(value)
    number = float(rounded(value, places))
    return int(number) if number.is_integer() else number


def figures(tally, roster, period, pay_bill, full_time_week, activities) -> tuple[YearFigures | None, list]:
    """The year's figures, or (None, problems): (person, roster line, message) for each person in post in the
    period whose roster row lacks the contracted hours or the hourly cost the figures need."""
    officials = []
    problems = []
    for name, person in roster.people.items():
        if not days_in_post(period, person.start, person.end):
            continue
        missing = [column for column, value in (("contracted hours per week", person.contracted),
                                                ("hourly cost", person.cost)) if value is None]
        if missing:
            problems.append((name, person.line, f"'{name}' has no {' and no '.join(repr(m) for m in missing)} in "
                                                f"the roster, which the year's figures need"))
            continue
        officials.append(Official(name, person, tally.people.get(name), tally.scale, period, full_time_week,
                                  activities))
    if problems:
        return None, problems
    return YearFigures(period, officials, pay_bill), []
