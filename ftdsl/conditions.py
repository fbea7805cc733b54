"""Conditions: a checked condition (model.py) in, its test out. The one place a condition is evaluated.

A test is called as test(F, R, V): F reads a fact of the scenario, R a fact
of the request, V a computed value (a band table's); each takes a name and
returns its value. The runtime's readers raise for a fact the scenario
leaves out, and a test then stops at the first part that needs it, as
`and` and `or` do; readers that return UNKNOWN instead (lint and diff's
scenario search, which reason about facts not yet chosen) get the
three-valued answer: True, False, or None where it depends on an unknown.
So "when X is at least 100" means one thing to every command.

Tests are closures built from the condition's records, not generated
source: nothing is compiled or executed, whatever the rule text says.
Standard library only (a standalone module carries this file).

>>> from fractions import Fraction
>>> from ftdsl import model as m
>>> members = m.FactRef("branch members", "fact", "count")
>>> at_least = build_test(m.Comparison(members, ">=", Fraction(100)))
>>> at_least({"branch members": Fraction(250)}.__getitem__, None, None)
True
>>> either = build_test(m.AnyOf((m.Comparison(members, ">=", Fraction(100)), m.IsTrue(members))))
>>> either(lambda name: UNKNOWN, None, None) is None
True
>>> sorted(reads(m.NoneOf(m.Comparison(members, ">=", Fraction(100)))))
['branch members']
"""

from __future__ import annotations

import functools
import operator

from .model import AllOf, AnyOf, Comparison, Contains, InSet, IsTrue, NoneOf

UNKNOWN = type("Unknown", (), {"__repr__": lambda self: "UNKNOWN", "__slots__": ()})()
_OPERATORS = {"=": operator.eq, "!=": operator.ne, "<": operator.lt, ">": operator.gt, "<=": operator.le,
              ">=": operator.ge}


@functools.lru_cache(maxsize=4096)  # lint and diff evaluate the same conditions many times
def build_test(condition):
    """The test of a checked condition: a function (F, R, V) -> True, False or None (unknown); None for no
    condition. Equal conditions share one test."""
    if condition is None:
        return None
    return _built(condition)


def evaluate(condition, read) -> bool | None:
    """A condition's truth where read(source, name) gives each value ('fact', 'request' or 'value'),
    or UNKNOWN: True, False, or None when it depends on an unknown. No condition holds."""
    if condition is None:
        return True
    return build_test(condition)(lambda name: read("fact", name), lambda name: read("request", name),
                                 lambda name: read("value", name))


def _built(condition):
    match condition:
        case AllOf(items=items):
            return _decided_by(tuple(_built(item) for item in items), False)
        case AnyOf(items=items):
            return _decided_by(tuple(_built(item) for item in items), True)
        case NoneOf(item=item):
            inner = _built(item)

            def test_not(F, R, V):
                result = inner(F, R, V)
                return None if result is None else not result
            return test_not
        case IsTrue(fact=fact):
            return _on_fact(fact, lambda value: value is True)
        case Contains(fact=fact, value=wanted):
            return _on_fact(fact, lambda value: wanted in value)
        case InSet(fact=fact, values=values):
            choices = frozenset(values)
            return _on_fact(fact, lambda value: value in choices)
        case Comparison(fact=fact, op=op, value=literal):
            compare = _OPERATORS[op]

            def compared(value):
                if value is None:  # a count outside every band has no value: no comparison holds
                    return False
                try:
                    return compare(value, literal)
                except TypeError:  # a value of another type (a date against a number) is not equal, less or more
                    return False
            return _on_fact(fact, compared)
    raise TypeError(f"not a condition: {condition!r}")


def _decided_by(tests, deciding):
    """The test of `and` (deciding False) or `or` (deciding True) over tests: the parts in order, stopping at
    the first that gives `deciding` (a later part may need a fact the scenario does not give); None when no
    part decides and one is unknown."""
    def test_each(F, R, V):
        unknown = False
        for one in tests:
            result = one(F, R, V)
            if result is deciding:
                return deciding
            unknown = unknown or result is None
        return None if unknown else not deciding
    return test_each


def _on_fact(fact, holds):
    """The test of a condition on one fact: holds(its value), or None while the value is unknown."""
    read = _read(fact)

    def test_fact(F, R, V):
        value = read(F, R, V)
        return None if value is UNKNOWN else holds(value)
    return test_fact


def _read(fact):
    """A function (F, R, V) -> the value of the fact's name, read with the reader of its source."""
    name = fact.name
    if fact.source == "fact":
        return lambda F, R, V: F(name)
    if fact.source == "request":
        return lambda F, R, V: R(name)
    if fact.source == "value":
        return lambda F, R, V: V(name)
    raise TypeError(f"not a source of facts: {fact.source!r}")


def atoms(condition):
    """Every test on one fact a condition is made of (IsTrue, Comparison, Contains, InSet), in order."""
    match condition:
        case AllOf(items=items) | AnyOf(items=items):
            for item in items:
                yield from atoms(item)
        case NoneOf(item=item):
            yield from atoms(item)
        case None:
            return
        case _:
            yield condition


def reads(condition) -> set[str]:
    """The names (facts, request facts and values) a condition reads."""
    match condition:
        case None:
            return set()
        case AllOf(items=items) | AnyOf(items=items):
            return set().union(*(reads(item) for item in items))
        case NoneOf(item=item):
            return reads(item)
        case IsTrue(fact=fact) | Contains(fact=fact) | InSet(fact=fact) | Comparison(fact=fact):
            return {fact.name}
    raise TypeError(f"not a condition: {condition!r}")
