"""The checked model: what a ruleset means, with every name resolved.

In: built by checker.py from the AST. Out: read by compiler.py (to make
Python), and by diff, lint and the formatter's meaning check. Quantities
are exact Fractions of an hour, periods are resolved to a kind, and every
name is a declared one. Spans are kept for messages; equality ignores them,
so two rulesets that say the same thing in different words or order (rules
are sorted) give equal models.
"""

from __future__ import annotations

from fractions import Fraction

import attrs

from .errors import Span
from .records import Record, record

_span = attrs.field(default=None, eq=False, repr=False)


@record
class Header(Record):
    title: str | None = None
    employer: str | None = None
    unions: tuple[str, ...] = ()
    agreed: str | None = None
    effective: str | None = None


@record
class FactDef(Record):
    """A fact a scenario (or each request) supplies: its name and type.

    Types: 'yes/no', 'count', 'number', 'date', 'text', 'staff group',
    'list of roles', 'role', 'category'.
    """

    name: str
    type: str
    request: bool = False
    assumed: object = None  # the value assumed when a request leaves it out
    display: str = attrs.field(default="", eq=False)
    span: Span | None = _span


@record
class Period(Record):
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


@record
class Quantity(Record):
    """An amount of time in hours, or a computed value (a table) that
    converts to hours by `factor` (the working week for FTE, 1 for hours)."""

    hours: Fraction | None = None
    value: str | None = None
    factor: Fraction = Fraction(1)
    text: str = attrs.field(default="", eq=False)


@record
class TableRow(Record):
    low: int
    high: int | None  # None: open-ended ("30 or more")
    value: Fraction
    text: str = attrs.field(default="", eq=False)
    span: Span | None = _span


@record
class Table(Record):
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
    quotes: tuple[str, ...] = attrs.field(default=(), eq=False)
    display: str = attrs.field(default="", eq=False)
    span: Span | None = _span


# ---- conditions ----------------------------------------------------------------

@record
class FactRef(Record):
    """A name read by a condition: a scenario fact, a request fact, or a table value."""

    name: str
    source: str  # 'fact', 'request' or 'value'
    type: str
    span: Span | None = _span


@record
class AllOf(Record):
    items: tuple


@record
class AnyOf(Record):
    items: tuple


@record
class NoneOf(Record):
    item: object


@record
class IsTrue(Record):
    fact: FactRef


@record
class Comparison(Record):
    """fact <op> literal; the literal is a Fraction, str, bool or ISO date str."""

    fact: FactRef
    op: str
    value: object
    text: str = attrs.field(default="", eq=False)


@record
class Contains(Record):
    fact: FactRef
    value: str


@record
class InSet(Record):
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


# ---- rules -----------------------------------------------------------------------

@record
class Grant(Record):
    """Time a rule gives: 'allowance' (up to a quantity per period),
    'reasonable' (entitled, no fixed amount) or 'granted' (discretionary).
    `roles` is None for anyone."""

    kind: str
    category: str
    roles: tuple[str, ...] | None
    condition: object | None = None
    quantity: Quantity | None = None
    period: Period | None = None
    clause: str = ""
    quotes: tuple[str, ...] = attrs.field(default=(), eq=False)
    text: str = attrs.field(default="", eq=False)
    span: Span | None = _span


@record
class LimitRule(Record):
    categories: tuple[str, ...]
    hours: Fraction
    period: Period
    condition: object | None = None
    clause: str = ""
    quotes: tuple[str, ...] = attrs.field(default=(), eq=False)
    text: str = attrs.field(default="", eq=False)
    span: Span | None = _span


@record
class DiscretionRule(Record):
    categories: tuple[str, ...]
    pay: str | None = None  # 'paid', 'unpaid', 'open' or None
    manner: str | None = attrs.field(default=None, eq=False)
    condition: object | None = None
    clause: str = ""
    quotes: tuple[str, ...] = attrs.field(default=(), eq=False)
    span: Span | None = _span


@record
class RequirementRule(Record):
    categories: tuple[str, ...]  # empty: all time off
    condition: object
    clause: str = ""
    quotes: tuple[str, ...] = attrs.field(default=(), eq=False)
    text: str = attrs.field(default="", eq=False)
    span: Span | None = _span


@record
class NoticeRule(Record):
    categories: tuple[str, ...]  # empty: all requests
    days: int
    hard: bool
    condition: object | None = None
    clause: str = ""
    quotes: tuple[str, ...] = attrs.field(default=(), eq=False)
    text: str = attrs.field(default="", eq=False)
    span: Span | None = _span


@record
class StateRule(Record):
    categories: tuple[str, ...]
    fields: tuple[str, ...]
    hard: bool
    condition: object | None = None
    clause: str = ""
    quotes: tuple[str, ...] = attrs.field(default=(), eq=False)
    span: Span | None = _span


@record
class PayRule(Record):
    categories: tuple[str, ...]
    pay: str  # 'paid', 'unpaid', 'subject to agreement'
    outside_hours: bool = False
    condition: object | None = None
    clause: str = ""
    quotes: tuple[str, ...] = attrs.field(default=(), eq=False)
    span: Span | None = _span


@record
class FacilityRule(Record):
    text: str
    condition: object | None = None
    clause: str = ""
    quotes: tuple[str, ...] = attrs.field(default=(), eq=False)
    span: Span | None = _span


@record
class AgreementNotice(Record):
    """Notice of a variation or of termination: a number of days, weeks or months."""

    amount: Fraction
    unit: str
    clause: str = ""
    span: Span | None = _span


@record
class PayBasis(Record):
    """How paid time is paid where earnings vary: averaged over `count` `unit`."""

    count: int
    unit: str  # 'weeks' or 'months'
    clause: str = ""
    quotes: tuple[str, ...] = attrs.field(default=(), eq=False)
    span: Span | None = _span


@record
class Model(Record):
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
    tables: tuple[Table, ...] = ()
    grants: tuple[Grant, ...] = ()
    limits: tuple[LimitRule, ...] = ()
    discretions: tuple[DiscretionRule, ...] = ()
    requirements: tuple[RequirementRule, ...] = ()
    notices: tuple[NoticeRule, ...] = ()
    states: tuple[StateRule, ...] = ()
    pays: tuple[PayRule, ...] = ()
    facilities: tuple[FacilityRule, ...] = ()
    toil_clause: str | None = None
    variation_notice: AgreementNotice | None = None
    termination_notice: AgreementNotice | None = None
    pay_basis: PayBasis | None = None
    file: str = attrs.field(default="<ruleset>", eq=False)

    def fact(self, name: str) -> FactDef | None:
        return next((f for f in self.facts if f.name == name), None)

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)

    def key(self):
        """The model with every collection sorted: equal for rulesets that
        say the same thing in another order."""
        def ordered(items):
            return tuple(sorted(items, key=_meaning_repr))
        return attrs.evolve(
            self,
            roles=tuple(sorted(self.roles)), staff_groups=tuple(sorted(self.staff_groups)),
            categories=tuple(sorted(self.categories)), facts=ordered(self.facts), tables=ordered(self.tables),
            grants=ordered(self.grants), limits=ordered(self.limits), discretions=ordered(self.discretions),
            requirements=ordered(self.requirements), notices=ordered(self.notices), states=ordered(self.states),
            pays=ordered(self.pays), facilities=ordered(self.facilities),
        )


def _meaning_repr(item) -> str:
    # Sort by the fields that equality compares, so wording and spans
    # (which equality ignores) cannot change the order.
    return repr(attrs.asdict(item, filter=lambda attribute, value: attribute.eq))
