"""Frozen records for the AST (nodes.py) and the checked model (model.py).

In: a class with attrs fields. Out: a frozen, slotted attrs class whose
equality, hashing and repr are the shared methods of Record, written once
here rather than generated and compiled by attrs for each of the
seventy-odd classes, which was most of the time of importing the two
modules, and every cold `ftdsl run` imports them.
"""

from __future__ import annotations

import attrs


class Record:
    """What every record shares: equality, hashing and repr over its attrs fields.

    Equality and hashing use the fields declared with eq (not spans, not
    comments); repr shows the fields declared with repr, as attrs would.
    """

    __slots__ = ()
    _compared: tuple[str, ...] = ()  # set on each class by record()
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


def record(cls):
    """A frozen attrs class (its __init__, slots and fields) with Record's equality, hashing and repr."""
    cls = attrs.frozen(cls, eq=False, repr=False)
    fields = attrs.fields(cls)
    cls._compared = tuple(field.name for field in fields if field.eq)
    cls._shown = tuple(field.name for field in fields if field.repr)
    return cls
