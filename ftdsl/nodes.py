"""The AST of a .ftr ruleset: frozen attrs classes, one per construct.

In: built by builder.py from the parse tree. Out: read by checker.py and
printer.py. Every node carries the span of the text it came from; equality
and hashing ignore spans (and comments), so two files that differ only in
layout give equal trees.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from .errors import Span

_span = attrs.field(default=None, eq=False, repr=False)


class _Node:
    """What every node shares: equality, hashing and repr over its attrs fields.

    Equality and hashing use the fields declared with eq (not spans, not
    comments); repr shows the fields declared with repr, as attrs would.
    Written once here rather than generated and compiled by attrs for each
    of the fifty classes, which was most of the time of importing this
    module, and every cold `ftdsl run` imports it.
    """

    __slots__ = ()
    _compared: tuple[str, ...] = ()  # set on each class by _node
    _shown: tuple[str, ...] = ()

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self._compared)

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self):
        return hash((self.__class__, self._values()))

    def __repr__(self):
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._shown)
        return f"{self.__class__.__qualname__}({shown})"


def _node(cls):
    """A frozen attrs class (its __init__, slots and fields) with _Node's equality, hashing and repr."""
    cls = attrs.frozen(cls, eq=False, repr=False)
    fields = attrs.fields(cls)
    cls._compared = tuple(field.name for field in fields if field.eq)
    cls._shown = tuple(field.name for field in fields if field.repr)
    return cls


@_node
class Name(_Node):
    """A multi-word name as written; `key` is how names are compared."""

    text: str = attrs.field(eq=False)
    span: Span | None = _span
    key: str = attrs.field(init=False, eq=True)

    @key.default
    def _key(self) -> str:
        return name_key(self.text)

    def __str__(self) -> str:
        return self.text


def name_key(text: str) -> str:
    """Names match whatever their case, spacing or apostrophe style."""
    return " ".join(text.replace("\u2019", "'").replace("\u00a0", " ").lower().split())


# ---- quantities -------------------------------------------------------------

@_node
class Term(_Node):
    """A number with its unit word(s): '7 hours', '0.5 FTE', '2 half days'."""

    number: Decimal
    unit: Name
    span: Span | None = _span


@_node
class Amount(_Node):
    """One or more terms added up ('7 hours 12 minutes'), with an optional
    equivalent that must be equal ('9 days or 18 half days')."""

    terms: tuple[Term, ...]
    alternative: tuple[Term, ...] | None = None
    parenthesised: bool = attrs.field(default=False, eq=False)
    span: Span | None = _span


@_node
class ValueRef(_Node):
    """A computed value used as a quantity ('up to branch secretary release')."""

    name: Name
    span: Span | None = _span


@_node
class PerPeriod(_Node):
    """A calendar period: 'per week', 'per month', 'per year', 'per annum'."""

    unit: Name
    span: Span | None = _span


@_node
class RollingPeriod(_Node):
    """A rolling window ending on the request's date: 'in any 12 months'."""

    count: int
    unit: Name
    span: Span | None = _span


# ---- conditions -------------------------------------------------------------

@_node
class And(_Node):
    items: tuple
    span: Span | None = _span


@_node
class Or(_Node):
    items: tuple
    span: Span | None = _span


@_node
class Not(_Node):
    item: object
    span: Span | None = _span


@_node
class Flag(_Node):
    """A yes/no fact standing alone: 'employed by council'."""

    name: Name
    span: Span | None = _span


@_node
class Compare(_Node):
    """'<fact> is <operand>', '<fact> is at least <operand>', ...

    `op` is one of '=', '!=', '<', '<=', '>', '>='."""

    name: Name
    op: str
    operand: object
    span: Span | None = _span


@_node
class Includes(_Node):
    """'roles include branch secretary'."""

    name: Name
    value: Name
    span: Span | None = _span


@_node
class OneOf(_Node):
    """'staff group is one of teaching, non-teaching'."""

    name: Name
    values: tuple[Name, ...]
    span: Span | None = _span


@_node
class NumberOperand(_Node):
    value: Decimal
    span: Span | None = _span


@_node
class NameOperand(_Node):
    name: Name
    span: Span | None = _span


@_node
class DateOperand(_Node):
    text: str
    span: Span | None = _span


# ---- header, definitions and vocabulary ----------------------------------------

@_node
class DateText(_Node):
    """A date as the agreement gives it: year, month and maybe the day."""

    year: int
    month: int
    day: int | None = None
    span: Span | None = _span


@_node
class AgreementTitle(_Node):
    text: str
    span: Span | None = _span


@_node
class Employer(_Node):
    text: str
    span: Span | None = _span


@_node
class Unions(_Node):
    names: tuple[str, ...]
    span: Span | None = _span


@_node
class Agreed(_Node):
    date: DateText
    span: Span | None = _span


@_node
class Effective(_Node):
    date: DateText
    span: Span | None = _span


@_node
class WorkingDay(_Node):
    amount: Amount
    span: Span | None = _span


@_node
class WorkingWeek(_Node):
    amount: Amount
    span: Span | None = _span


@_node
class YearStart(_Node):
    day: int
    month: int
    span: Span | None = _span


@_node
class RolesDecl(_Node):
    names: tuple[Name, ...]
    span: Span | None = _span


@_node
class StaffGroupsDecl(_Node):
    names: tuple[Name, ...]
    span: Span | None = _span


@_node
class CategoriesDecl(_Node):
    names: tuple[Name, ...]
    span: Span | None = _span


@_node
class FactDecl(_Node):
    """'fact branch members: count' or 'request fact X: yes/no, assumed no'."""

    name: Name
    type: Name
    request: bool = False
    assumed: Name | None = None
    span: Span | None = _span


# ---- rules ------------------------------------------------------------------

@_node
class ClauseRef(_Node):
    """The agreement's own numbering ('6.12') or a heading ('Payment')."""

    text: str
    heading: bool = False
    span: Span | None = _span

    def __str__(self) -> str:
        return self.text


@_node
class Who(_Node):
    """Whom a rule gives time to: some roles, or anyone."""

    roles: tuple[Name, ...] = ()
    anyone: bool = False
    span: Span | None = _span


@_node
class Allowance(_Node):
    """'<who> may take up to <quantity> <period> for <category>'."""

    who: Who
    quantity: Amount | ValueRef
    period: PerPeriod | RollingPeriod
    category: Name
    span: Span | None = _span


@_node
class ReasonableTime(_Node):
    """'<who> may take reasonable time for <category>': entitled, no fixed amount."""

    who: Who
    category: Name
    span: Span | None = _span


@_node
class GrantedTime(_Node):
    """'<who> may be granted time for <category>': management's discretion."""

    who: Who
    category: Name
    span: Span | None = _span


@_node
class Limit(_Node):
    """'<categories> are limited to <amount> <period>': a cap on all of them together."""

    categories: tuple[Name, ...]
    amount: Amount
    period: PerPeriod | RollingPeriod
    span: Span | None = _span


@_node
class Discretion(_Node):
    """'additional time for <categories> may be granted [case by case] [, with or without pay]'."""

    categories: tuple[Name, ...]
    manner: str | None = None
    pay: str | None = None  # 'paid', 'unpaid', 'open' or None (the category's pay rule)
    span: Span | None = _span


@_node
class Requirement(_Node):
    """'time off [for <categories>] is given only when <condition>'."""

    categories: tuple[Name, ...] = ()
    span: Span | None = _span


@_node
class ToilCounts(_Node):
    """'time off in lieu counts against the allowances'."""

    span: Span | None = _span


@_node
class Notice(_Node):
    """'requests for <categories> must|should give [at least] <amount> notice [where possible]'."""

    categories: tuple[Name, ...]
    hard: bool
    amount: Amount
    where_possible: bool = False
    span: Span | None = _span


@_node
class MustState(_Node):
    """'requests [for <categories>] must|should state <fields>'."""

    categories: tuple[Name, ...]
    hard: bool
    fields: tuple[Name, ...]
    span: Span | None = _span


@_node
class Payment(_Node):
    """'<categories> are paid | unpaid | paid subject to management agreement'."""

    categories: tuple[Name, ...]
    pay: str  # 'paid', 'unpaid', 'subject to agreement'
    outside_hours: bool = False
    span: Span | None = _span


@_node
class BandRow(_Node):
    """One row of a band table. `kind` keeps how the range was written."""

    kind: str  # 'between', 'at least', 'above', 'up to', 'exactly'
    low: int | None
    high: int | None
    amount: Amount
    label: Name | None = attrs.field(default=None, eq=False)
    dash: str = attrs.field(default="to", eq=False)
    span: Span | None = _span


@_node
class Continuation(_Node):
    """'then a further 0.5 FTE for every further 500 members'."""

    amount: Amount
    every: int
    label: Name | None = attrs.field(default=None, eq=False)
    span: Span | None = _span


@_node
class BandTable(_Node):
    """'<value> is by <count fact>:' and its rows."""

    name: Name
    by: Name
    rows: tuple[BandRow, ...] = ()
    continuation: Continuation | None = None
    span: Span | None = _span


@_node
class Facilities(_Node):
    """'facilities "<what is provided>"' (usually with a when)."""

    text: str
    span: Span | None = _span


@_node
class PayBasis(_Node):
    """'pay is averaged over the previous 12 weeks where earnings vary'."""

    count: int
    unit: Name
    span: Span | None = _span


@_node
class VariationNotice(_Node):
    amount: Amount
    span: Span | None = _span


@_node
class TerminationNotice(_Node):
    amount: Amount
    span: Span | None = _span


@_node
class Rule(_Node):
    """A clause reference, what the clause says, its condition and quotations."""

    clause: ClauseRef
    body: object
    condition: object | None = None
    quotes: tuple[str, ...] = ()
    span: Span | None = _span


@_node
class Ruleset(_Node):
    """A whole .ftr file. Comments are kept for the formatter, not compared."""

    statements: tuple
    comments: tuple = attrs.field(default=(), eq=False, repr=False)
    file: str = attrs.field(default="<ruleset>", eq=False)
    span: Span | None = _span
