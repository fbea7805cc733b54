"""Formulas: amounts an agreement works out ("0.1 FTE plus 0.5 hours for every 100 members"), held exactly.

In: built by checker.py from a formula in the AST, once its units are
checked (a checked formula never adds money to hours). Out: `work_out`
works one out for a person from their facts and the agreement's other
values, in exact Fractions; `FormulaValue` is a named one, looked up by
name like a band table (model.Model.computed). Time is in hours, FTE in
FTE (the checker converts where the two are mixed), money in pounds.

Standard library only, like model.py: a cached or standalone ruleset
runs on it.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING

from .numbers import decimal_text
from .records import Frozen, field

if TYPE_CHECKING:
    from .errors import Span

# The units a formula's value can have, and how a value in each is shown.
UNITS = ("hours", "FTE", "money", "count", "number")


class Constant(Frozen):
    """A number written in the formula, in `unit`: hours for any time unit, FTE, pounds, or a plain number."""

    value: Fraction
    unit: str


class FactValue(Frozen):
    """A count or number fact of the person (a scenario fact), read when the formula is worked out."""

    fact: str


class ValueOf(Frozen):
    """Another value of the agreement (a band table's or a formula's), by name."""

    name: str


class Operation(Frozen):
    """left op right, op one of '+', '-', '×', '÷'. Dividing by zero gives zero: a share of nothing is nothing."""

    op: str
    left: object
    right: object


class ForEvery(Frozen):
    """`amount` once for each whole `every` of the fact: 0.5 hours for every 100 members is 1 hour at 250."""

    amount: object
    fact: str
    every: int = 1


class Proportion(Frozen):
    """`amount` × part ÷ whole, or zero where the whole is zero."""

    amount: object
    part: object
    whole: object


class Bound(Frozen):
    """The formula, but no less than (kind 'at least') or no more than ('at most') the limit."""

    kind: str
    formula: object
    limit: object


class Rounded(Frozen):
    """The formula rounded to a whole number of `step`: 'nearest' (a half goes up), 'up' or 'down'."""

    formula: object
    step: Fraction
    direction: str


class FormulaValue(Frozen):
    """A value the agreement works out by a formula: named by a rule ('union allocation is ...'), or by its
    own words where a rule writes the formula in place of an amount ('up to 3 hours for every case ...').

    `unit` is one of UNITS; `weekly` is true for hours worked out from FTE, which hold only per week."""

    name: str
    formula: object
    unit: str
    weekly: bool = False
    clause: str = ""
    text: str = field("", eq=False)  # the formula as written
    quotes: tuple[str, ...] = field((), eq=False)
    display: str = field("", eq=False)
    span: Span | None = field(None, eq=False, repr=False)

    @property
    def written(self) -> str:
        """The value's name as the ruleset writes it."""
        return self.display or self.name


def work_out(formula, fact, value) -> Fraction:
    """A formula worked out: `fact(name)` gives a fact's number, `value(name)` another value's (None where a
    band table has no row for the person, which counts as 0). Exact: every step is a Fraction."""
    match formula:
        case Constant(value=number):
            return number
        case FactValue(fact=name):
            return Fraction(fact(name))
        case ValueOf(name=name):
            found = value(name)
            return Fraction(0) if found is None else Fraction(found)
        case Operation(op=op, left=left, right=right):
            a, b = work_out(left, fact, value), work_out(right, fact, value)
            if op == "+":
                return a + b
            if op == "-":
                return a - b
            if op == "×":
                return a * b
            return a / b if b else Fraction(0)
        case ForEvery(amount=amount, fact=name, every=every):
            return work_out(amount, fact, value) * (Fraction(fact(name)) // every)
        case Proportion(amount=amount, part=part, whole=whole):
            total = work_out(whole, fact, value)
            return work_out(amount, fact, value) * work_out(part, fact, value) / total if total else Fraction(0)
        case Bound(kind=kind, formula=inner, limit=limit):
            a, b = work_out(inner, fact, value), work_out(limit, fact, value)
            return max(a, b) if kind == "at least" else min(a, b)
        case Rounded(formula=inner, step=step, direction=direction):
            steps = work_out(inner, fact, value) / step
            whole = math.floor(steps) if direction == "down" else math.ceil(steps) if direction == "up" \
                else math.floor(steps + Fraction(1, 2))
            return whole * step
    raise TypeError(f"not a formula: {formula!r}")


def formula_reads(formula) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the facts, the values) a formula reads, each once, in the order written."""
    facts, values = {}, {}

    def walk(node):
        match node:
            case FactValue(fact=name):
                facts[name] = None
            case ForEvery(amount=amount, fact=name):
                walk(amount)
                facts[name] = None
            case ValueOf(name=name):
                values[name] = None
            case Operation(left=left, right=right):
                walk(left)
                walk(right)
            case Proportion(amount=amount, part=part, whole=whole):
                walk(amount)
                walk(part)
                walk(whole)
            case Bound(formula=inner, limit=limit):
                walk(inner)
                walk(limit)
            case Rounded(formula=inner):
                walk(inner)

    walk(formula)
    return tuple(facts), tuple(values)


def shown(value: Fraction, unit: str) -> str:
    """A value in its unit, as reasons and warnings show it: '0.1 FTE', '12 h', '£882', '4'."""
    if unit == "money":
        return f"£{decimal_text(value)}"
    return decimal_text(value) + {"FTE": " FTE", "hours": " h"}.get(unit, "")


def formula_steps(formula):
    """Every step of a formula, the formula first, then each step's own steps in the order written."""
    if isinstance(formula, Frozen):
        yield formula
        for name in formula._fields:
            yield from formula_steps(getattr(formula, name))
