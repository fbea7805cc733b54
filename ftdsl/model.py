"""The checked model: what a ruleset means, with every name resolved. It is the program every command runs.

In: built by checker.py from the AST (or read back from a cache entry or a
standalone module by modelfile.py). Out: run by runtime.py and batch.py,
and read by explain, testing, schema, diff, lint and the formatter's
meaning check. Quantities are exact Fractions of an hour, periods are
resolved to a kind, and every name is a declared one. Spans are kept for
messages; equality ignores them, so two rulesets that say the same thing
in different words or order (rules are sorted) give equal models.

Standard library only: a cached or standalone ruleset runs on this module
without Lark or attrs. What a construct means is said here once (how a
period's window is counted, how a band table is read, how a rule reads in
a check) and every command uses it.
"""

from __future__ import annotations

import datetime
import functools
from fractions import Fraction
from typing import TYPE_CHECKING

from .formulas import FormulaValue
from .records import Frozen, field, meaning_key

if TYPE_CHECKING:
    from .errors import Span

_span = field(None, eq=False, repr=False)


class Header(Frozen):
    title: str | None = None
    employer: str | None = None
    unions: tuple[str, ...] = ()
    agreed: str | None = None
    effective: str | None = None


class FactDef(Frozen):
    """A fact a scenario (or each request) supplies: its name and type.

    Types: 'yes/no', 'count', 'number', 'date', 'text', 'staff group',
    'list of roles', 'role', 'category'.
    """

    name: str
    type: str
    request: bool = False
    assumed: object = None  # the value assumed when a request leaves it out
    display: str = field("", eq=False)
    span: Span | None = _span

    @property
    def written(self) -> str:
        """The fact's name as the ruleset writes it."""
        return self.display or self.name


class Period(Frozen):
    """'week', 'month' or 'year' (calendar), or 'rolling' with count and unit
    ('days', 'weeks', 'months', 'years'), ending on the request's date."""

    kind: str
    count: int = 1
    unit: str = ""

    def describe(self) -> str:
        if self.kind == "rolling":
            unit = self.unit if self.count != 1 else self.unit.rstrip("s")
            return f"in any {self.count} {unit}"
        return f"per {self.kind}"

    def window(self, day: datetime.date, year_start: tuple[int, int] | None) -> tuple[datetime.date, datetime.date]:
        """The first and last date of the period that holds `day`.

        Calendar weeks run Monday to Sunday; months are calendar months; the
        year starts on the agreement's year start (1 January if it has none);
        a rolling window ends on `day` and reaches back `count` units.

        A window that would run off the calendar (past 9999-12-31, or before
        0001-01-01) is cut at its end: no date of a scenario or log lies
        beyond it, so the time counted in the window is the same.
        """
        if self.kind == "week":
            start = day - datetime.timedelta(days=day.weekday())  # 0001-01-01 is a Monday
            return start, _days_after(start, 6)
        if self.kind == "month":
            return day.replace(day=1), day.replace(day=month_days(day.year, day.month))
        if self.kind == "year":
            month, first = year_start or (1, 1)
            year = day.year if (month, first) <= (day.month, day.day) else day.year - 1
            start = datetime.date(year, month, first) if year >= 1 else datetime.date.min
            if year + 1 > datetime.MAXYEAR:
                return start, datetime.date.max
            return start, datetime.date(year + 1, month, first) - datetime.timedelta(days=1)
        if self.unit == "days":
            return _days_after(day, -(self.count - 1)), day
        if self.unit == "weeks":
            return _days_after(day, -(7 * self.count - 1)), day
        months = self.count if self.unit == "months" else 12 * self.count
        before = add_months(day, -months)
        return (datetime.date.min if before is None else before + datetime.timedelta(days=1)), day

    def describe_window(self, window: tuple[datetime.date, datetime.date]) -> str:
        """A window of this period in words: "March 2026", "the week of 2026-03-16", "2026-04-01 to 2027-03-31"."""
        start, end = window
        if self.kind == "month":
            return f"{MONTHS[start.month - 1]} {start.year}"
        if self.kind == "week":
            return f"the week of {start.isoformat()}"
        return f"{start.isoformat()} to {end.isoformat()}"


# The calendar's month names in English, whatever the machine's locale.
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def add_months(day: datetime.date, months: int) -> datetime.date | None:
    """The same day `months` later (or earlier), or the month's last day where it is shorter; None when that
    month is past the ends of the calendar (before the year 1 or after 9999)."""
    year, month = divmod(day.year * 12 + (day.month - 1) + months, 12)
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        return None
    return datetime.date(year, month + 1, min(day.day, month_days(year, month + 1)))


def month_days(year: int, month: int) -> int:
    """How many days a month has (month 1 to 12)."""
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _days_after(day: datetime.date, days: int) -> datetime.date:
    """The date `days` after `day` (before it, for a negative count), cut at the ends of the calendar."""
    ordinal = day.toordinal() + days
    return datetime.date.fromordinal(min(max(ordinal, 1), datetime.date.max.toordinal()))


class Quantity(Frozen):
    """An amount of time in hours, or a computed value (a table) that
    converts to hours by `factor` (the working week for FTE, 1 for hours)."""

    hours: Fraction | None = None
    value: str | None = None
    factor: Fraction = Fraction(1)
    text: str = field("", eq=False)


class TableRow(Frozen):
    low: int
    high: int | None  # None: open-ended ("30 or more")
    value: Fraction
    text: str = field("", eq=False)
    span: Span | None = _span


class Table(Frozen):
    """A band table: a value looked up by a count fact.

    Rows are kept in the order written: the first row that matches wins
    (the checker's warnings point out overlaps). Past the last row the
    continuation, if any, adds `step` for every further `every`."""

    name: str
    by: str
    unit: str  # 'FTE' or 'hours'
    rows: tuple[TableRow, ...]
    step: Fraction | None = None
    every: int | None = None
    clause: str = ""
    quotes: tuple[str, ...] = field((), eq=False)
    display: str = field("", eq=False)
    span: Span | None = _span

    @property
    def written(self) -> str:
        """The table's name as the ruleset writes it."""
        return self.display or self.name

    def band(self, count):
        """Where a count falls: the first row that holds it, FURTHER past the last row of a continued
        table, or None when no row covers it."""
        for row in self.rows:
            if row.low <= count and (row.high is None or count <= row.high):
                return row
        rows = self.rows
        if self.step is not None and rows and rows[-1].high is not None and count > rows[-1].high:
            return FURTHER
        return None

    def lookup(self, count):
        """The value for a count (see band), or None when no row covers it."""
        band = self.band(count)
        if band is None:
            return None
        if band is FURTHER:
            last = self.rows[-1]
            steps = -(-(count - last.high) // self.every)  # ceiling: 1 to 500 further members is one step
            return last.value + self.step * steps
        return band.value


FURTHER = "past the last row"  # Table.band of a count the continuation covers


# ---- conditions ----------------------------------------------------------------

class FactRef(Frozen):
    """A name read by a condition: a scenario fact, a request fact, or a table value."""

    name: str
    source: str  # 'fact', 'request' or 'value'
    type: str
    span: Span | None = _span


class AllOf(Frozen):
    items: tuple


class AnyOf(Frozen):
    items: tuple


class NoneOf(Frozen):
    item: object


class IsTrue(Frozen):
    fact: FactRef


class Comparison(Frozen):
    """fact <op> literal; the literal is a Fraction, str, bool or ISO date str."""

    fact: FactRef
    op: str
    value: object
    text: str = field("", eq=False)


class Contains(Frozen):
    fact: FactRef
    value: str


class InSet(Frozen):
    fact: FactRef
    values: tuple[str, ...]


def describe_condition(condition, nested: bool = False) -> str:
    """A checked condition in words, for reasons and explanations."""
    match condition:
        case None:
            return ""
        case AllOf(items=items):
            text = " and ".join(describe_condition(i, True) for i in items)
            return f"({text})" if nested else text
        case AnyOf(items=items):
            text = " or ".join(describe_condition(i, True) for i in items)
            return f"({text})" if nested else text
        case NoneOf(item=item):
            return "not " + describe_condition(item, True)
        case IsTrue(fact=fact):
            return fact.name
        case Contains(fact=fact, value=value):
            return f"{fact.name} include {value}"
        case InSet(fact=fact, values=values):
            return f"{fact.name} is one of " + ", ".join(str(v) for v in values)
        case Comparison(fact=fact, op=op, value=value, text=text):
            words = {"=": "is", "!=": "is not", "<": "is less than", ">": "is more than", "<=": "is at most",
                     ">=": "is at least"}[op]
            shown = text or ("yes" if value is True else "no" if value is False else str(value))
            return f"{fact.name} {words} {shown}"
    return ""


def split_dates(condition):
    """(the Dates a rule's in-force condition holds between, or None; the rest of the condition, or None):
    the inverse of Rule.in_force_condition, which gives back the rule's dates and its condition."""
    items = condition.items if isinstance(condition, AllOf) else () if condition is None else (condition,)
    on_date = [item for item in items if isinstance(item, Comparison) and item.fact == REQUEST_DATE
               and item.op in (">=", "<=") and item.text]
    start = next((item.value for item in on_date if item.op == ">="), None)
    end = next((item.value for item in on_date if item.op == "<="), None)
    rest = [item for item in items if item not in on_date]
    return (Dates(start, end) if on_date else None), (None if not rest else rest[0] if len(rest) == 1
                                                      else AllOf(tuple(rest)))


# ---- rules -----------------------------------------------------------------------

def date_words(iso: str) -> str:
    """An ISO date as an agreement writes it: '2026-10-01' -> '1 October 2026'."""
    year, month, day = iso.split("-")
    return f"{int(day)} {MONTHS[int(month) - 1]} {int(year)}"


# The request's own date, as a condition reads it (a built-in request fact).
REQUEST_DATE = FactRef("date", "request", "date")


class Dates(Frozen):
    """The days a rule holds between, both included, as ISO dates; None for no limit that side."""

    start: str | None = None
    end: str | None = None

    def describe(self) -> str:
        """'from 1 October 2026', 'until 31 March 2018' or 'from 1 April 2015 until 31 March 2018'."""
        parts = ([f"from {date_words(self.start)}"] if self.start else []) + (
            [f"until {date_words(self.end)}"] if self.end else [])
        return " ".join(parts)

    def holds_on(self, day: str) -> bool:
        """Whether an ISO day is within the dates."""
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def condition(self):
        """The dates as a condition on the request's date."""
        tests = ([Comparison(REQUEST_DATE, ">=", self.start, date_words(self.start))] if self.start else []) + (
            [Comparison(REQUEST_DATE, "<=", self.end, date_words(self.end))] if self.end else [])
        return tests[0] if len(tests) == 1 else AllOf(tuple(tests))


# How a pay rule's kind reads in reasons, explanations and diffs.
# The words that start a clause reference of their own, without '§' ("Schedule 2 para 3").
CLAUSE_PARTS = ("schedule", "appendix", "annex", "part", "section")


def cited(clause: str) -> str:
    """A clause as a decision or message cites it: '§6.12', '§Standard' (a
    heading), or a reference that names its own part ('Schedule 2 para 3').

    >>> cited("6.12A"), cited("Schedule 2 para 3")
    ('§6.12A', 'Schedule 2 para 3')
    """
    first, _, rest = clause.partition(" ")
    if rest and first.lower() in CLAUSE_PARTS and rest[:1] in "0123456789IVXivx":
        return clause
    return "§" + clause


PAY_WORDS = {"paid": "paid", "unpaid": "unpaid", "subject to agreement": "paid subject to management agreement"}


class Rule(Frozen):
    """What every rule has: the step of a decision it belongs to (`step`), the categories it is for
    (empty: every category), its condition, clause and quotations, and how it reads in a check (`label`)."""

    step = ""  # 'grant', 'refusal', 'limit', 'discretion', 'requirement', 'notice', 'state', 'pay' or 'facilities'

    @functools.cached_property  # stored in the record's __dict__, which Frozen's __setattr__ does not guard
    def when_text(self) -> str:
        """The rule's condition in words ("" for none)."""
        return describe_condition(self.condition)

    @functools.cached_property
    def in_force_condition(self):
        """What must hold for the rule to apply: its dates (on the request's date) and its condition; None for
        nothing. The runtime, batch, lint and diff all test this one condition."""
        dates = getattr(self, "dates", None)
        if dates is None:
            return self.condition
        in_force = dates.condition()
        if self.condition is None:
            return in_force
        items = in_force.items if isinstance(in_force, AllOf) else (in_force,)
        return AllOf((*items, self.condition))

    @functools.cached_property
    def only_text(self) -> str:
        """Why the rule can leave a request out, in words: 'only when X', 'only from 1 October 2026',
        'only from 1 October 2026 when X'; "" for a rule that always applies."""
        dates = getattr(self, "dates", None)
        parts = ([dates.describe()] if dates is not None else []) + (
            [f"when {self.when_text}"] if self.condition is not None else [])
        return "only " + " ".join(parts) if parts else ""

    @property
    def label(self) -> str:
        return self.text

    def covers(self, category: str) -> bool:
        """Whether the rule is about requests of this category."""
        return not self.categories or category in self.categories


class Grant(Rule):
    """Time a rule gives: 'allowance' (up to a quantity per period),
    'reasonable' (entitled, no fixed amount) or 'granted' (discretionary).
    `roles` is None for anyone."""

    step = "grant"
    kind: str
    category: str
    roles: tuple[str, ...] | None
    condition: object | None = None
    quantity: Quantity | None = None
    period: Period | None = None
    clause: str = ""
    quotes: tuple[str, ...] = field((), eq=False)
    text: str = field("", eq=False)
    span: Span | None = _span
    dates: Dates | None = None  # the days the rule holds between; None for always
    shared: str | None = None  # the pool the time is in ('union', a fact; or a declared pool); None: each person's

    @property
    def categories(self) -> tuple[str, ...]:
        return (self.category,)


class RefusalRule(Rule):
    """Time an agreement says it does not give: requests for its categories
    (by its roles; None for anyone), where its condition holds, are not
    entitled, whatever a grant says."""

    step = "refusal"
    categories: tuple[str, ...]
    roles: tuple[str, ...] | None
    condition: object | None = None
    clause: str = ""
    quotes: tuple[str, ...] = field((), eq=False)
    text: str = field("", eq=False)
    span: Span | None = _span
    dates: Dates | None = None  # the days the rule holds between; None for always


class LimitRule(Rule):
    step = "limit"
    categories: tuple[str, ...]
    hours: Fraction | None  # None for a limit worked out for each person (`quantity`)
    period: Period
    condition: object | None = None
    clause: str = ""
    quotes: tuple[str, ...] = field((), eq=False)
    text: str = field("", eq=False)
    span: Span | None = _span
    dates: Dates | None = None  # the days the rule holds between; None for always
    shared: str | None = None  # as Grant.shared
    # A limit worked out for each person ('50% of contracted hours per week'): its value, as a Grant's quantity;
    # `hours` is then None.
    quantity: Quantity | None = None


class SpillRule(Rule):
    """'time for duties beyond the allowance counts as additional hours': the time of a request that no
    allowance (`beyond` 'allowance') or a limit (`beyond` 'limit') holds is decided as a request for `into`."""

    step = "spill"
    categories: tuple[str, ...]
    beyond: str
    into: str
    condition: object | None = None
    clause: str = ""
    quotes: tuple[str, ...] = field((), eq=False)
    text: str = field("", eq=False)
    span: Span | None = _span
    dates: Dates | None = None  # the days the rule holds between; None for always


class DiscretionRule(Rule):
    step = "discretion"
    categories: tuple[str, ...]
    pay: str | None = None  # 'paid', 'unpaid', 'open' or None
    manner: str | None = field(None, eq=False)
    condition: object | None = None
    clause: str = ""
    quotes: tuple[str, ...] = field((), eq=False)
    span: Span | None = _span
    dates: Dates | None = None  # the days the rule holds between; None for always

    @property
    def label(self) -> str:
        return "additional time for " + ", ".join(self.categories)


class RequirementRule(Rule):
    step = "requirement"
    categories: tuple[str, ...]  # empty: all time off
    condition: object
    clause: str = ""
    quotes: tuple[str, ...] = field((), eq=False)
    text: str = field("", eq=False)
    span: Span | None = _span
    dates: Dates | None = None  # the days the rule holds between; None for always

    @property
    def label(self) -> str:
        return "time off only when " + self.when_text


class NoticeRule(Rule):
    step = "notice"
    categories: tuple[str, ...]  # empty: all requests
    days: int
    hard: bool
    condition: object | None = None
    clause: str = ""
    quotes: tuple[str, ...] = field((), eq=False)
    text: str = field("", eq=False)
    span: Span | None = _span
    dates: Dates | None = None  # the days the rule holds between; None for always


class StateRule(Rule):
    step = "state"
    categories: tuple[str, ...]
    fields: tuple[str, ...]
    hard: bool
    condition: object | None = None
    clause: str = ""
    quotes: tuple[str, ...] = field((), eq=False)
    span: Span | None = _span
    dates: Dates | None = None  # the days the rule holds between; None for always

    @property
    def label(self) -> str:
        return "requests state " + ", ".join(self.fields)


class PayRule(Rule):
    step = "pay"
    categories: tuple[str, ...]
    pay: str  # 'paid', 'unpaid', 'subject to agreement'
    outside_hours: bool = False
    condition: object | None = None
    clause: str = ""
    quotes: tuple[str, ...] = field((), eq=False)
    span: Span | None = _span
    dates: Dates | None = None  # the days the rule holds between; None for always

    @property
    def label(self) -> str:
        return ", ".join(self.categories) + " " + self.pay

    @property
    def described(self) -> str:
        """The rule in words ("duties, training outside working hours are paid when part-time"): what its check
        records, and how explanations and coverage find it among the rules of one clause."""
        where = " outside working hours" if self.outside_hours else ""
        when = f" when {self.when_text}" if self.condition is not None else ""
        return f"{', '.join(self.categories)}{where} {PAY_WORDS[self.pay]}{when}"


class FacilityRule(Rule):
    step = "facilities"
    categories = ()
    text: str
    condition: object | None = None
    clause: str = ""
    quotes: tuple[str, ...] = field((), eq=False)
    span: Span | None = _span
    dates: Dates | None = None  # the days the rule holds between; None for always


class AgreementNotice(Frozen):
    """Notice of a variation or of termination: a number of days, weeks or months."""

    amount: Fraction
    unit: str
    clause: str = ""
    span: Span | None = _span


class PayBasis(Frozen):
    """How paid time is paid where earnings vary: averaged over `count` `unit`."""

    count: int
    unit: str  # 'weeks' or 'months'
    clause: str = ""
    quotes: tuple[str, ...] = field((), eq=False)
    span: Span | None = _span


class Model(Frozen):
    """A checked ruleset. Rule tuples are in source order; `key()` gives an
    order-free form for comparing meaning."""

    header: Header
    working_day: Fraction | None
    working_week: Fraction | None
    year_start: tuple[int, int] | None  # (month, day)
    roles: tuple[str, ...]
    staff_groups: tuple[str, ...]
    categories: tuple[str, ...]
    facts: tuple[FactDef, ...]
    pools: tuple[str, ...] = ()  # declared pools ('pools: staff side'); facts can hold pools too (Grant.shared)
    # The categories that are trade union activities (TULRCA s.170); the others are duties and the like
    # (s.168, s.168A, s.168B, the safety representatives' regulations), as the year's figures count them.
    activities: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    formulas: tuple[FormulaValue, ...] = ()
    grants: tuple[Grant, ...] = ()
    refusals: tuple[RefusalRule, ...] = ()
    limits: tuple[LimitRule, ...] = ()
    discretions: tuple[DiscretionRule, ...] = ()
    spills: tuple[SpillRule, ...] = ()
    requirements: tuple[RequirementRule, ...] = ()
    notices: tuple[NoticeRule, ...] = ()
    states: tuple[StateRule, ...] = ()
    pays: tuple[PayRule, ...] = ()
    facilities: tuple[FacilityRule, ...] = ()
    toil_clause: str | None = None
    variation_notice: AgreementNotice | None = None
    termination_notice: AgreementNotice | None = None
    pay_basis: PayBasis | None = None
    # Each declared name's key and its spelling as declared ('nut official' -> 'NUT official'), for what is shown.
    spellings: tuple[tuple[str, str], ...] = field((), eq=False)
    file: str = field("<ruleset>", eq=False)

    @functools.cached_property
    def _spelling(self) -> dict:
        return dict(self.spellings)

    def spelt(self, name: str) -> str:
        """A role, category, staff group or fact as the ruleset declares it (its key if not declared)."""
        return self._spelling.get(name, name)

    def fact(self, name: str) -> FactDef | None:
        return next((f for f in self.facts if f.name == name), None)

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)

    def computed(self, name: str) -> Table | FormulaValue | None:
        """The band table or formula that works out a value, by its name (None for neither). Both have a
        `clause`, a `unit` and a `written` name."""
        return self.table(name) or next((f for f in self.formulas if f.name == name), None)

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every rule: grants, refusals, limits, discretions, requirements, notices, statements, pay,
        facilities."""
        return (*self.grants, *self.refusals, *self.limits, *self.discretions, *self.spills, *self.requirements,
                *self.notices, *self.states, *self.pays, *self.facilities)

    @functools.cached_property
    def holders(self) -> tuple[str, ...]:
        """Whose pools the rules share time in ('union', 'staff side'), in the order the rules first name them."""
        return tuple(dict.fromkeys(r.shared for r in (*self.grants, *self.limits) if r.shared is not None))

    @property
    def roles_fact(self) -> str | None:
        """The scenario fact that lists a representative's roles, if the ruleset has one."""
        return next((f.name for f in self.facts if f.type == "list of roles" and not f.request), None)

    def hours_of(self, unit: str, number):
        """An amount given in 'hours', 'days' or 'half days' in hours, by the agreement's working day; None for
        days or half days where the agreement defines no working day."""
        if unit == "hours":
            return number
        if self.working_day is None:
            return None
        return number * self.working_day * (Fraction(1, 2) if unit == "half days" else 1)

    def key(self):
        """The model with every collection sorted: equal for rulesets that
        say the same thing in another order."""
        def ordered(items):
            return tuple(sorted(items, key=meaning_key))
        return self.evolve(
            roles=tuple(sorted(self.roles)), staff_groups=tuple(sorted(self.staff_groups)),
            categories=tuple(sorted(self.categories)), activities=tuple(sorted(self.activities)),
            facts=ordered(self.facts), tables=ordered(self.tables),
            formulas=ordered(self.formulas),
            grants=ordered(self.grants), refusals=ordered(self.refusals), limits=ordered(self.limits), discretions=ordered(self.discretions),
            requirements=ordered(self.requirements), notices=ordered(self.notices), states=ordered(self.states),
            pays=ordered(self.pays), facilities=ordered(self.facilities),
        )

