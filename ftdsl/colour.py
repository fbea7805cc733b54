"""Colour at the terminal: words marked with a style by the renderers, painted as terminal colours or left plain.

In: text in which a renderer has marked words with `style(text, name)`.
Out: `paint(text, on)`: the same text with each marked word between a
colour's escape sequence and the reset (on), or with the marks removed
(off). Colour only adds escape sequences around words that are already
there: `strip(paint(text, True)) == paint(text, False)`.

The marks are three control characters (U+0001 to U+0003) that never
reach the terminal. A renderer marks words only after the file's own
text has been through display.visible(), which shows every control
character as an escape, so a file's text can hold no mark and no escape
sequence of its own: the only escapes sent are the ones made here.

Whether to colour (`wanted`): `--color always` or `never` on any command
(`MODE`, set by the option in commands/_shared.py) decides; otherwise
(`auto`) colour when the stream is a terminal, NO_COLOR (https://no-color.org)
is unset or empty, and TERM is not `dumb`.

Standard library only.
"""

from __future__ import annotations

import os
import re

#: The SGR parameters of each style: outcomes, severities, diff's directions.
STYLES = {
    "error": "1;31", "warning": "1;33", "ok": "32", "hint": "36",
    "entitled": "1;32", "discretionary": "1;33", "not_entitled": "1;31",
    "gain": "32", "loss": "31", "neutral": "2",
    "met": "32", "unmet": "31", "heading": "1", "dim": "2",
}

#: What `--color` may be; `auto` unless a command was told otherwise.
MODES = ("auto", "always", "never")
MODE = "auto"

_START, _NAMED, _END = "\x01", "\x02", "\x03"
MARK = re.compile("\x01([a-z_]+)\x02|\x03")
ESCAPE = re.compile("\x1b\\[[0-9;]*m")
_RESET = "\x1b[0m"


def style(text: str, name: str) -> str:
    """`text` marked to be shown in the style `name` (one of STYLES); nothing around empty text."""
    if name not in STYLES:
        raise ValueError(f"no such style: {name}")
    return f"{_START}{name}{_NAMED}{text}{_END}" if text else text


def unmarked(text: str) -> str:
    """The text with its style marks removed: what a reader sees, colour or not."""
    return MARK.sub("", text) if (_START in text or _END in text) else text


def paint(text: str, on: bool) -> str:
    """Marked text as terminal colours (on), or plain (off).

    A style still open at the end of a line is reset there and opened again
    at the start of the next, so no colour runs on past a line (a pager
    that shows part of the text, `less -R`, starts each line clean).
    """
    if not on:
        return unmarked(text)
    if _START not in text and _END not in text:
        return text
    lines = []
    current = None
    for line in text.split("\n"):
        parts = [f"\x1b[{STYLES[current]}m"] if current else []
        position = 0
        for found in MARK.finditer(line):
            parts.append(line[position:found.start()])
            position = found.end()
            if found.group(1):
                current = found.group(1)
                parts.append(f"\x1b[{STYLES[current]}m")
            else:
                current = None
                parts.append(_RESET)
        parts.append(line[position:])
        if current:
            parts.append(_RESET)
        lines.append("".join(parts))
    return "\n".join(lines)


def strip(text: str) -> str:
    """Text with every colour escape sequence (SGR) removed: what paint() added."""
    return ESCAPE.sub("", text)


def set_mode(mode: str) -> None:
    """What `--color` said, for every later `wanted`."""
    global MODE
    if mode not in MODES:
        raise ValueError(f"--color takes {', '.join(MODES)}")
    MODE = mode


def wanted(stream, mode: str | None = None) -> bool:
    """Whether to colour what is written to `stream`: always, never, or (auto) when it is a terminal and
    neither NO_COLOR nor TERM=dumb says otherwise."""
    mode = mode or MODE
    if mode != "auto":
        return mode == "always"
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream is not None and stream.isatty()
    except (ValueError, OSError):  # a closed stream
        return False
