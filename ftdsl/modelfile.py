"""A checked model as data: model.Model in, JSON text out, and back.

This is how a compiled ruleset is stored, in the cache and in a standalone
module: data that is read, never code that is run. Reading accepts only
the model's own record classes, with their own field names, holding JSON's
plain values, exact fractions and lists; anything else is a ValueError
(the cache then compiles the ruleset again). Spans are not stored: they
serve messages about the source, and a stored program is run, not checked.

Standard library only.

>>> from ftdsl import model as m
>>> period = m.Period("rolling", 12, "months")
>>> loads_value(dumps_value(period)) == period
True
"""

from __future__ import annotations

import json
from fractions import Fraction

from .formulas import FormulaValue
from .model import Model
from .records import Frozen

FORMAT = "ftdsl-model 3"  # bumped when the stored shape changes


def _record_classes(base=Frozen):
    for subclass in base.__subclasses__():
        yield subclass
        yield from _record_classes(subclass)


# The classes a stored model may hold, by name: every record class of model.py and formulas.py.
CLASSES = {cls.__name__: cls for cls in _record_classes() if cls.__module__ in (Model.__module__, FormulaValue.__module__)}
_NOT_STORED = ("span",)


def dumps(model: Model) -> str:
    """The JSON text of a checked model (one line, keys in field order, so the same model gives the same text)."""
    return json.dumps({"format": FORMAT, "model": _encode(model)}, ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> Model:
    """A checked model from dumps' text; ValueError if it is not exactly that."""
    document = json.loads(text)
    if not isinstance(document, dict) or document.get("format") != FORMAT or set(document) != {"format", "model"}:
        raise ValueError(f"not a stored model of the format {FORMAT!r}")
    model = _decode(document["model"])
    if not isinstance(model, Model):
        raise ValueError("the stored value is not a model")
    return model


def dumps_value(value) -> str:
    """Any value a model holds as JSON text (for tests and examples)."""
    return json.dumps(_encode(value), ensure_ascii=False)


def loads_value(text: str):
    return _decode(json.loads(text))


def _encode(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Fraction):
        return {"/": [value.numerator, value.denominator]}
    if isinstance(value, tuple):
        return [_encode(item) for item in value]
    if isinstance(value, Frozen):
        encoded = {"@": type(value).__name__}
        for name in value._fields:
            if name not in _NOT_STORED:
                encoded[name] = _encode(getattr(value, name))
        return encoded
    raise TypeError(f"a model does not hold {type(value).__name__} values")


def _decode(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, list):
        return tuple(_decode(item) for item in value)
    if not isinstance(value, dict):
        raise ValueError(f"unexpected {type(value).__name__} in a stored model")
    if set(value) == {"/"}:
        parts = value["/"]
        if (not isinstance(parts, list) or len(parts) != 2 or any(type(p) is not int for p in parts)
                or parts[1] <= 0):
            raise ValueError("a fraction is stored as [numerator, denominator]")
        return Fraction(parts[0], parts[1])
    cls = CLASSES.get(value.get("@"))
    if cls is None:
        raise ValueError(f"unknown record {value.get('@')!r} in a stored model")
    fields = {name: _decode(item) for name, item in value.items() if name != "@"}
    allowed = set(cls._fields) - set(_NOT_STORED)
    if not set(fields) <= allowed or not (set(cls._fields) - set(cls._defaults)) <= set(fields):
        raise ValueError(f"the stored {cls.__name__} has other fields than a {cls.__name__} has")
    return cls(**fields)
