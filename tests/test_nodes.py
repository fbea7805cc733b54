"""AST nodes: equality, hashing and repr (shared by all nodes in records.Record) behave as attrs' own would."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest

from ftdsl import nodes as n
from ftdsl.errors import Span


def test_equality_and_hashing_ignore_spans_and_fields_not_compared():
    where = Span("a.ftr", 3, 5)
    first = n.BandRow("between", 0, 99, n.Amount((n.Term(Decimal(0), n.Name("FTE")),)), label=n.Name("members"),
                      dash="–", span=where)
    second = n.BandRow("between", 0, 99, n.Amount((n.Term(Decimal(0), n.Name("fte")),)))
    assert first == second and hash(first) == hash(second) and not first != second
    assert first != attrs.evolve(second, high=100)
    assert n.Name("Branch  Secretary") == n.Name("branch secretary")


def test_nodes_of_different_kinds_are_never_equal():
    assert n.AgreementTitle("x") != n.Employer("x")
    assert n.AgreementTitle("x") != "x"
    assert len({n.AgreementTitle("x"), n.Employer("x"), n.AgreementTitle("x")}) == 2


def test_repr_shows_the_fields_attrs_would_show():
    rule = n.Rule(n.ClauseRef("5.3"), n.Payment((n.Name("duties"),), "paid"), span=Span("a.ftr", 1, 1))
    assert repr(rule) == (
        "Rule(clause=ClauseRef(text='5.3', heading=False), body=Payment(categories=(Name(text='duties', "
        "key='duties'),), pay='paid', outside_hours=False), condition=None, quotes=(), in_force=None)")
    assert repr(n.Ruleset((), comments=("# x",))) == "Ruleset(statements=(), file='<ruleset>')"


def test_nodes_are_frozen_and_slotted():
    name = n.Name("x")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        name.text = "y"
    assert not hasattr(name, "__dict__")
