"""Wrapping: a line of text laid out at a width, its following lines indented as the renderer says.

In: the words of one line, a width, what goes before its first line and
before each line it wraps onto. Out: lines no wider than the width.

Every text command (run, explain, diff, test) wraps here, so a tree keeps
its indentation on every line it wraps: the renderer that draws the tree
says what stands before a continued line ("│  │     "), and a line never
falls back to column 0 inside a tree. Words are never broken: a line
breaks only at spaces, and a word wider than the room left (a long path)
stands on a line of its own, wider than the width. Spaces inside a line
that fits are kept as they are (the two spaces between a decision's
columns); at a break they are dropped.

Widths are as a terminal counts them: the style marks of colour.py take
no room, a wide (East Asian) character takes two columns, a combining
accent none.

`terminal_width()`: COLUMNS when it is set, else the width of the
terminal standard output is, else 80.

Standard library only.
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata

from .colour import MARK
from .colour import unmarked as unmarked_text

#: The width when standard output is not a terminal and COLUMNS is not set.
DEFAULT_WIDTH = 80
#: The least room a continued line leaves for its words, however deep its indentation.
LEAST_ROOM = 20

_SPACES = re.compile("( +)")
# A number keeps its unit on its line: "7 h", not "7" at the end of one line and "h" at the start of the next.
_UNITS = {"h", "h/yr", "FTE", "days", "day", "hours", "weeks", "%"}
_NUMBER = re.compile(r"[(]?[0-9][0-9.,/]*")
_PLAIN = re.compile(r"[\x20-\x7e]*")


def text_width(text: str) -> int:
    """The columns `text` takes on a terminal."""
    if "\x01" in text or "\x03" in text:
        text = MARK.sub("", text)
    if _PLAIN.fullmatch(text):
        return len(text)
    width = 0
    for character in text:
        if unicodedata.combining(character):
            continue
        width += 2 if unicodedata.east_asian_width(character) in ("W", "F") else 1
    return width


def terminal_width(stream=None) -> int:
    """COLUMNS when it is set to a number, else the width of the terminal `stream` (standard output)
    is, else 80."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    stream = sys.stdout if stream is None else stream
    try:
        if stream is not None and stream.isatty():
            return os.get_terminal_size(stream.fileno()).columns or DEFAULT_WIDTH
    except (AttributeError, ValueError, OSError):
        pass
    return DEFAULT_WIDTH


def wrap(text: str, width: int | None, first: str = "", rest: str | None = None) -> list[str]:
    """`first + text` as lines of at most `width` columns, each line after the first starting with `rest`
    (by default as many spaces as `first` is wide). No width: the one line as it is.

    A number keeps its unit ("7 h"): when the unit does not fit, the number
    goes down with it. A style (colour.style) that a break falls inside is
    closed at the end of the line and opened again after `rest`, so the
    indentation is never coloured.
    """
    if rest is None:
        rest = " " * text_width(first)
    line = first + text
    if width is None or text_width(line) <= width:
        return [line]
    pieces = _SPACES.split(text)  # words at even places, the runs of spaces between them at odd ones
    words = [(pieces[index - 1] if index else "", pieces[index]) for index in range(0, len(pieces), 2)]
    lines = []
    prefix, placed = first, []  # the line being filled: what starts it, and its (gap, word) pairs
    open_style = None  # the style open where the line being filled starts

    def used(items):
        return text_width(prefix) + sum(len(gap) + text_width(word) for gap, word in items)

    def style_after(items, style):
        for _, word in items:
            for found in MARK.finditer(word):
                style = found.group(1)
        return style

    for gap, word in words:
        if not word and placed:  # spaces ending the text: dropped where they would not fit
            if used(placed) + len(gap) <= max(width, text_width(prefix) + LEAST_ROOM):
                placed.append((gap, ""))
            continue
        if not placed or not any(w for _, w in placed) or \
                used(placed) + len(gap) + text_width(word) <= max(width, text_width(prefix) + LEAST_ROOM):
            placed.append((gap, word))
            continue
        carried = []
        if word in _UNITS and len(placed) > 1 and _NUMBER.fullmatch(unmarked_text(placed[-1][1])):
            carried = [placed.pop()]
        closing = style_after(placed, open_style)
        lines.append(prefix + (f"\x01{open_style}\x02" if open_style and lines else "")
                     + "".join(g + w for g, w in placed) + ("\x03" if closing else ""))
        open_style = closing
        prefix = rest
        placed = [("", w) for _, w in carried] + [(gap, word) if carried else ("", word)]
    lines.append(prefix + (f"\x01{open_style}\x02" if open_style and lines else "")
                 + "".join(g + w for g, w in placed))
    return lines


def wrap_lines(lines, width: int | None) -> str:
    """Lines given as (first, text, rest) or as plain strings (kept as they are), wrapped and joined."""
    out = []
    for line in lines:
        if isinstance(line, str):
            out.append(line)
        else:
            out.extend(wrap(line[1], width, line[0], line[2] if len(line) > 2 else None))
    return "\n".join(out)


_LEADING = re.compile(r"( *)(- )?")
# A diagnostic, which is never wrapped: its first line (editors read file:line:column from it), its source
# line and caret (the columns must stay) and its hint.
_NOT_WRAPPED = re.compile(r"\s*((\d+ )?\| |hint: |\S[^ ]*:\d+(:\d+)?: (error|warning) |(error|warning) [EW]\d+: )")


def wrap_text(text: str, width: int | None) -> str:
    """Text already laid out in lines, each line too wide wrapped under its own indentation (and past
    a leading "- "); the lines of a diagnostic (errors.render_diagnostic) are left as they are."""
    if width is None:
        return text
    out = []
    for line in text.split("\n"):
        if text_width(line) <= width or _NOT_WRAPPED.match(line):
            out.append(line)
            continue
        found = _LEADING.match(line)
        indent = found.group(1)
        rest = indent + ("  " if found.group(2) else "")
        out.extend(wrap(line[len(indent):], width, indent, rest))
    return "\n".join(out)
