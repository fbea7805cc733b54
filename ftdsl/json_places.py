"""Where a value is written in a JSON file: its text and a path of keys and indexes in, line and column out.

Scenario and expectation errors name a value by its path ("requests[1].date",
"expect.r1.hours"); a person reads files by line and column. Only the objects
and arrays on the way to the value are walked, each other value skipped whole,
so finding a place costs one pass over at most the text before it.

>>> at = find('{"requests": [{"date": "x"}, {"date": "2026-13-01"}]}', ("requests", 1, "date"))
>>> line_column('{"requests": [{"date": "x"}, {"date": "2026-13-01"}]}', at[0])
(1, 39)
"""

from __future__ import annotations

import json
import re

from .scenario import json_decimal, json_int

_DECODER = json.JSONDecoder(parse_float=json_decimal, parse_int=json_int)
_SPACE = re.compile(r"[ \t\n\r]*")
_STEP = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


def path_steps(path: str) -> tuple:
    """A problem's path as keys and indexes: 'requests[1].date' -> ('requests', 1, 'date')."""
    return tuple(int(index) if index else key for index, key in _STEP.findall(path))


def find(text: str, steps) -> tuple[int, int] | None:
    """Where the value at `steps` (object keys and array indexes from the top of the file) starts and ends
    in the JSON text, or None when it is not there as written."""
    try:
        at = _SPACE.match(text, 1 if text.startswith("\ufeff") else 0).end()
        for step in steps:
            at = _into_array(text, at, step) if isinstance(step, int) else _into_object(text, at, step)
            if at is None:
                return None
        _, end = _DECODER.raw_decode(text, at)
        return at, end
    except (ValueError, IndexError, RecursionError):
        return None


def _into_object(text: str, at: int, key: str) -> int | None:
    if text[at:at + 1] != "{":
        return None
    at = _SPACE.match(text, at + 1).end()
    while True:
        if text[at:at + 1] != '"':
            return None
        name, at = json.decoder.scanstring(text, at + 1)
        at = _SPACE.match(text, at).end()
        if text[at:at + 1] != ":":
            return None
        at = _SPACE.match(text, at + 1).end()
        if name == key:
            return at
        _, at = _DECODER.raw_decode(text, at)
        at = _SPACE.match(text, at).end()
        if text[at:at + 1] != ",":
            return None
        at = _SPACE.match(text, at + 1).end()


def _into_array(text: str, at: int, index: int) -> int | None:
    if text[at:at + 1] != "[":
        return None
    at = _SPACE.match(text, at + 1).end()
    for _ in range(index):
        _, at = _DECODER.raw_decode(text, at)
        at = _SPACE.match(text, at).end()
        if text[at:at + 1] != ",":
            return None
        at = _SPACE.match(text, at + 1).end()
    return at


def line_column(text: str, at: int) -> tuple[int, int]:
    """The line and column (both from 1) of a position in the text."""
    return text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
