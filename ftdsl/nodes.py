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


def _node(cls):
    return attrs.frozen(cls)


@_node
class Name:
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
class Term:
    """A number with its unit word(s): '7 hours', '0.5 FTE', '2 half days'."""

    number: Decimal
    unit: Name
    span: Span | None = _span


@_node
class Amount:
    """One or more terms added up ('7 hours 12 minutes'), with an optional
    equivalent that must be equal ('9 days or 18 half days')."""

    terms: tuple[Term, ...]
    alternative: tuple[Term, ...] | None = None
    parenthesised: bool = attrs.field(default=False, eq=False)
    span: Span | None = _span


@_node
class ValueRef:
    """A computed value used as a quantity ('up to branch secretary release')."""

    name: Name
    span: Span | None = _span


@_node
class PerPeriod:
    """A calendar period: 'per week', 'per month', 'per year', 'per annum'."""

    unit: Name
    span: Span | None = _span


@_node
class RollingPeriod:
    """A rolling window ending on the request's date: 'in any 12 months'."""

    count: int
    unit: Name
    span: Span | None = _span


# ---- conditions -------------------------------------------------------------

@_node
class And:
    items: tuple
    span: Span | None = _span


@_node
class Or:
    items: tuple
    span: Span | None = _span


@_node
class Not:
    item: object
    span: Span | None = _span


@_node
class Flag:
    """A yes/no fact standing alone: 'employed by council'."""

    name: Name
    span: Span | None = _span


@_node
class Compare:
    """'<fact> is <operand>', '<fact> is at least <operand>', ...

    `op` is one of '=', '!=', '<', '<=', '>', '>='."""

    name: Name
    op: str
    operand: object
    span: Span | None = _span


@_node
class Includes:
    """'roles include branch secretary'."""

    name: Name
    value: Name
    span: Span | None = _span


@_node
class OneOf:
    """'staff group is one of teaching, non-teaching'."""

    name: Name
    values: tuple[Name, ...]
    span: Span | None = _span


@_node
class NumberOperand:
    value: Decimal
    span: Span | None = _span


@_node
class NameOperand:
    name: Name
    span: Span | None = _span


@_node
class DateOperand:
    text: str
    span: Span | None = _span


# ---- header, definitions and vocabulary ----------------------------------------

@_node
class DateText:
    """A date as the agreement gives it: year, month and maybe the day."""

    year: int
    month: int
    day: int | None = None
    span: Span | None = _span


@_node
class AgreementTitle:
    text: str
    span: Span | None = _span


@_node
class Employer:
    text: str
    span: Span | None = _span


@_node
class Unions:
    names: tuple[str, ...]
    span: Span | None = _span


@_node
class Agreed:
    date: DateText
    span: Span | None = _span


@_node
class Effective:
    date: DateText
    span: Span | None = _span


@_node
class WorkingDay:
    amount: Amount
    span: Span | None = _span


@_node
class WorkingWeek:
    amount: Amount
    span: Span | None = _span


@_node
class YearStart:
    day: int
    month: int
    span: Span | None = _span


@_node
class RolesDecl:
    names: tuple[Name, ...]
    span: Span | None = _span


@_node
class StaffGroupsDecl:
    names: tuple[Name, ...]
    span: Span | None = _span


@_node
class CategoriesDecl:
    names: tuple[Name, ...]
    span: Span | None = _span


@_node
class FactDecl:
    """'fact branch members: count' or 'request fact X: yes/no, assumed no'."""

    name: Name
    type: Name
    request: bool = False
    assumed: Name | None = None
    span: Span | None = _span


# ---- rules ------------------------------------------------------------------

@_node
class ClauseRef:
    """The agreement's own numbering ('6.12') or a heading ('Payment')."""

    text: str
    heading: bool = False
    span: Span | None = _span

    def __str__(self) -> str:
        return self.text


@_node
class Who:
    """Whom a rule gives time to: some roles, or anyone."""

    roles: tuple[Name, ...] = ()
    anyone: bool = False
    span: Span | None = _span


@_node
class Allowance:
    """'<who> may take up to <quantity> <period> for <category>'."""

    who: Who
    quantity: Amount | ValueRef
    period: PerPeriod | RollingPeriod
    category: Name
    span: Span | None = _span


@_node
class ReasonableTime:
    """'<who> may take reasonable time for <category>': entitled, no fixed amount."""

    who: Who
    category: Name
    span: Span | None = _span


@_node
class GrantedTime:
    """'<who> may be granted time for <category>': management's discretion."""

    who: Who
    category: Name
    span: Span | None = _span


@_node
class Limit:
    """'<categories> are limited to <amount> <period>': a cap on all of them together."""

    categories: tuple[Name, ...]
    amount: Amount
    period: PerPeriod | RollingPeriod
    span: Span | None = _span


@_node
class Discretion:
    """'additional time for <categories> may be granted [case by case] [, with or without pay]'."""

    categories: tuple[Name, ...]
    manner: str | None = None
    pay: str | None = None  # 'paid', 'unpaid', 'open' or None (the category's pay rule)
    span: Span | None = _span


@_node
class Requirement:
    """'time off [for <categories>] is given only when <condition>'."""

    categories: tuple[Name, ...] = ()
    span: Span | None = _span


@_node
class ToilCounts:
    """'time off in lieu counts against the allowances'."""

    span: Span | None = _span


@_node
class Notice:
    """'requests for <categories> must|should give [at least] <amount> notice [where possible]'."""

    categories: tuple[Name, ...]
    hard: bool
    amount: Amount
    where_possible: bool = False
    span: Span | None = _span


@_node
class MustState:
    """'requests [for <categories>] must|should state <fields>'."""

    categories: tuple[Name, ...]
    hard: bool
    fields: tuple[Name, ...]
    span: Span | None = _span


@_node
class Payment:
    """'<categories> are paid | unpaid | paid subject to management agreement'."""

    categories: tuple[Name, ...]
    pay: str  # 'paid', 'unpaid', 'subject to agreement'
    outside_hours: bool = False
    span: Span | None = _span


@_node
class BandRow:
    """One row of a band table. `kind` keeps how the range was written."""

    kind: str  # 'between', 'at least', 'above', 'up to', 'exactly'
    low: int | None
    high: int | None
    amount: Amount
    label: Name | None = attrs.field(default=None, eq=False)
    dash: str = attrs.field(default="to", eq=False)
    span: Span | None = _span


@_node
class Continuation:
    """'then a further 0.5 FTE for every further 500 members'."""

    amount: Amount
    every: int
    label: Name | None = attrs.field(default=None, eq=False)
    span: Span | None = _span


@_node
class BandTable:
    """'<value> is by <count fact>:' and its rows."""

    name: Name
    by: Name
    rows: tuple[BandRow, ...] = ()
    continuation: Continuation | None = None
    span: Span | None = _span


@_node
class Facilities:
    """'facilities "<what is provided>"' (usually with a when)."""

    text: str
    span: Span | None = _span


@_node
class PayBasis:
    """'pay is averaged over the previous 12 weeks where earnings vary'."""

    count: int
    unit: Name
    span: Span | None = _span


@_node
class VariationNotice:
    amount: Amount
    span: Span | None = _span


@_node
class TerminationNotice:
    amount: Amount
    span: Span | None = _span


@_node
class Rule:
    """A clause reference, what the clause says, its condition and quotations."""

    clause: ClauseRef
    body: object
    condition: object | None = None
    quotes: tuple[str, ...] = ()
    span: Span | None = _span


@_node
class Ruleset:
    """A whole .ftr file. Comments are kept for the formatter, not compared."""

    statements: tuple
    comments: tuple = attrs.field(default=(), eq=False, repr=False)
    file: str = attrs.field(default="<ruleset>", eq=False)
    span: Span | None = _span
