"""Frozen records: the shared equality, hashing and repr of the AST's and the checked model's classes.

In: a class with annotated fields. Out: the same class with an __init__,
frozen attributes, and equality, hashing and repr over its fields.

`Record` is what both families share. The checked model (model.py) is
the program every command runs, cached and standalone ones included, so
its classes subclass `Frozen`, which is standard library only; the AST
(nodes.py) is made from attrs classes by nodes.record. Neither generates
code per class: that was most of the time of importing the two modules,
and every cold `ftdsl run` imports them.
"""

from __future__ import annotations


class Record:
    """What every record shares: equality, hashing and repr over its fields.

    Equality and hashing use the fields declared with eq (not spans, not
    wording); repr shows the fields declared with repr.
    """

    __slots__ = ()
    _compared: tuple[str, ...] = ()  # set on each class (Frozen.__init_subclass__, nodes.record)
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


class field:  # noqa: N801 - used as a declaration, like dataclasses.field
    """A Frozen field's default, and whether equality compares it and repr shows it."""

    __slots__ = ("default", "eq", "repr")

    def __init__(self, default=None, eq=True, repr=True):  # noqa: A002 - the word the declaration reads
        self.default = default
        self.eq = eq
        self.repr = repr


_REQUIRED = object()


class Frozen(Record):
    """A standard-library record: subclass it and annotate the fields, in order.

    A field's default is the class attribute of its name, or a `field(...)`
    that also says whether equality compares it. Instances are immutable:
    `evolve(**changes)` makes a changed copy.
    """

    __slots__ = ("__dict__",)
    _fields: tuple[str, ...] = ()
    _defaults: dict = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        names = list(cls._fields)
        defaults = dict(cls._defaults)
        compared = list(cls._compared)
        shown = list(cls._shown)
        for name in cls.__dict__.get("__annotations__", {}):
            if name.startswith("_") or name in names:
                continue
            declared = cls.__dict__.get(name, _REQUIRED)
            spec = declared if isinstance(declared, field) else field(declared)
            names.append(name)
            if spec.default is not _REQUIRED:
                defaults[name] = spec.default
            elif defaults:
                raise TypeError(f"{cls.__name__}.{name}: a field without a default follows one with a default")
            if spec.eq:
                compared.append(name)
            if spec.repr:
                shown.append(name)
            if name in cls.__dict__:
                delattr(cls, name)  # the instance's value, not the declaration, is what is read
        cls._fields, cls._defaults = tuple(names), defaults
        cls._compared, cls._shown = tuple(compared), tuple(shown)

    def __init__(self, *args, **kwargs):
        fields = self._fields
        if len(args) > len(fields):
            raise TypeError(f"{type(self).__name__} takes {len(fields)} fields, not {len(args)}")
        values = dict(zip(fields, args))
        for name, value in kwargs.items():
            if name not in fields or name in values:
                raise TypeError(f"{type(self).__name__}: unexpected or repeated field {name!r}")
            values[name] = value
        for name in fields:
            if name not in values:
                if name not in self._defaults:
                    raise TypeError(f"{type(self).__name__}: missing field {name!r}")
                values[name] = self._defaults[name]
        object.__setattr__(self, "__dict__", values)

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} is frozen; use evolve()")

    def __delattr__(self, name):
        raise AttributeError(f"{type(self).__name__} is frozen")

    def __reduce__(self):
        return (_rebuild, (type(self), tuple(getattr(self, name) for name in self._fields)))

    def evolve(self, **changes):
        """A copy with some fields changed."""
        return type(self)(**{**{name: getattr(self, name) for name in self._fields}, **changes})

    def meaning(self) -> dict:
        """The compared fields, recursively, as plain data (records as dicts, tuples as lists)."""
        return {name: _meaning(getattr(self, name)) for name in self._compared}


def meaning_key(item) -> str:
    """A sort and duplicate key for a model record that wording and spans cannot move."""
    return repr(item.meaning())


def _meaning(value):
    if isinstance(value, Frozen):
        return value.meaning()
    if isinstance(value, (tuple, list)):
        return [_meaning(item) for item in value]
    return value


def _rebuild(cls, values):
    return cls(*values)
