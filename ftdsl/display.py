r"""Text from rules and data, made safe to show on a terminal.

A ruleset's titles, quotations and clause references, and a scenario's
ids and categories, are text nobody controls: an escape sequence in them
could clear the screen, hide the text after it or set the window title,
and a newline in a request id could print a line that looks like a
decision. Everything ftdsl prints as text passes such text through
`visible()`, which shows each control character as an escape: ESC as the
four characters `\x1b`, a newline as `\n`, a right-to-left override as
`\u202e`.

Shown this way: the C0 controls (U+0000-U+001F, tab and newline too), DEL
and the C1 controls (U+007F-U+009F), the line and paragraph separators
(U+2028, U+2029), the bidirectional embeddings, overrides and isolates
(U+202A-U+202E, U+2066-U+2069) and lone surrogates (which a JSON file can
hold and no terminal can be sent). Everything else, accents, '§' and
curly quotes included, is shown as it is.

The result is for people to read, not to parse back: a backslash is not
doubled, so `visible()` of its own result changes nothing (it may be
applied at more than one layer) and text without control characters is
returned unchanged. JSON output keeps the exact text; `json_visible()`
writes the same characters there as JSON escapes, which read back as the
same text.

Standard library only: the runtime, and the standalone modules that
`ftdsl compile` writes, may use it.
"""

from __future__ import annotations

import re

_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}

#: The code points visible() shows as escapes.
CONTROL_CODES = (*range(0x00, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, *range(0x202A, 0x202F),
                 *range(0x2066, 0x206A), *range(0xD800, 0xE000))
_SURROGATES = range(0xD800, 0xE000)


def _escape(code: int) -> str:
    character = chr(code)
    if character in _SHORT:
        return _SHORT[character]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class _Table(dict):
    """A str.translate table that makes a lone surrogate's escape when one is met: the 2,048 of them
    are not built on every start, since nearly no text holds one."""

    def __init__(self, entries, escape):
        super().__init__(entries)
        self.escape = escape

    def __missing__(self, code):
        if code in _SURROGATES:
            found = self[code] = self.escape(code)
            return found
        raise LookupError(code)


_FEW = [code for code in CONTROL_CODES if code not in _SURROGATES]
_ESCAPES = _Table({code: _escape(code) for code in _FEW}, _escape)
# Text already laid out in lines keeps its newlines (a carriage return just before
# one too, for a file with Windows line endings) and its tabs.
_LINE_ESCAPES = _Table({code: _ESCAPES[code] for code in _FEW if code not in (0x09, 0x0A)}, _escape)
_JSON_ESCAPES = _Table({code: f"\\u{code:04x}" for code in _FEW if code >= 0x20}, lambda code: f"\\u{code:04x}")
_ANY = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def is_control(character: str) -> bool:
    """Whether visible() shows this one character as an escape."""
    return _ANY.match(character) is not None


def visible(text) -> str:
    r"""`text` (made a string with str() if it is not one) with every control character shown as an escape.

    >>> print(visible("r1\x1b[2J"), visible("two\nlines"), visible("§6.12 “up to 6 hours”"))
    r1\x1b[2J two\nlines §6.12 “up to 6 hours”
    """
    text = text if isinstance(text, str) else str(text)
    return text.translate(_ESCAPES) if _ANY.search(text) else text


def visible_lines(text: str) -> str:
    """Text already laid out as lines, with its newlines and tabs kept (and a carriage
    return that ends a line) and every other control character shown as an escape.

    For output rendered by code that has not shown its fields with visible():
    it stops escape sequences, though a newline inside a field still starts a
    line of its own there.
    """
    if not _ANY.search(text):
        return text
    lines = text.split("\n")
    return "\n".join(line[:-1].translate(_LINE_ESCAPES) + "\r" if line.endswith("\r")
                     else line.translate(_LINE_ESCAPES) for line in lines)


def visible_data(value):
    """A copy of JSON-like data (dicts, lists, tuples, strings, numbers) with visible() applied to
    every string in it, dictionary keys too, for a text renderer to show."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {visible_data(key): visible_data(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(visible_data(item) for item in value)
    return value


def json_visible(json_text: str) -> str:
    r"""JSON text (from json.dumps with ensure_ascii=False) with the control characters json leaves
    as they are (DEL, C1, separators, bidirectional controls, lone surrogates) written as \u escapes.

    The JSON means exactly the same: these characters can only stand inside
    its strings, where an escape reads back as the character itself.
    """
    return json_text.translate(_JSON_ESCAPES) if _ANY.search(json_text) else json_text
