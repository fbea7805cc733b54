"""Diagnostics: errors and warnings as data, rendered in one place.

In: a code, a message, a span (file, line, column) and an optional hint.
Out: text with the source line and a caret, or a dict for JSON output.
"""

from __future__ import annotations

import functools
import re

import attrs

from .display import is_control, visible


@attrs.frozen
class Span:
    """Where something is in a source file: 1-based line and column.

    Equality between AST nodes ignores spans (see nodes.py), so two
    rulesets that differ only in layout compare equal.
    """

    file: str
    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None

    def __str__(self) -> str:
        if self.line <= 0:  # a whole file (a scenario problem is placed by its path instead)
            return self.file
        return f"{self.file}:{self.line}:{self.column}"


@attrs.frozen
class Diagnostic:
    """One problem found in a ruleset or scenario.

    `code` is E… for errors and W… for warnings; docs/errors.md has a page
    entry for each code.
    """

    code: str
    message: str
    span: Span | None = None
    hint: str | None = None
    severity: str = "error"

    def to_dict(self) -> dict:
        data = {"code": self.code, "severity": self.severity, "message": self.message}
        if self.span is not None:
            data["file"] = self.span.file
            data["line"] = self.span.line
            data["column"] = self.span.column
        if self.hint:
            data["hint"] = self.hint
        return data


class FtdslError(Exception):
    """The one exception type ftdsl raises for anything a user can cause.

    It carries every diagnostic a pass collected, so the user sees all of
    them at once (syntax errors too, up to parser.MAX_SYNTAX_ERRORS).
    """

    def __init__(self, diagnostics: list[Diagnostic] | Diagnostic, sources: dict[str, str] | None = None):
        if isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics = list(diagnostics)
        self.sources = dict(sources or {})
        super().__init__("\n".join(d.message for d in self.diagnostics))

    def render(self, colour: bool = False) -> str:
        return "\n".join(render_diagnostic(d, self.sources.get(d.span.file) if d.span else None, colour)
                         for d in self.diagnostics)


def render_diagnostic(diagnostic: Diagnostic, source_text: str | None = None, colour: bool = False) -> str:
    """Render a diagnostic as text: location, message, source line, caret, hint.

    Messages quote what the user wrote, and a file name is whatever the file
    is called: all of it is shown with control characters made visible
    (display.visible), so a diagnostic is always the lines it seems to be.
    With `colour`, the severity and code, the caret and the word "hint" are
    coloured (colour.py); the text is otherwise the same. A diagnostic is
    never wrapped: editors read its first line as file:line:column.
    """
    from .colour import paint, style

    kind = "error" if diagnostic.severity == "error" else "warning"
    where = f"{visible(diagnostic.span)}: " if diagnostic.span else ""
    heading = style(f"{visible(diagnostic.severity)} {visible(diagnostic.code)}", kind)
    lines = [f"{where}{heading}: {visible(_shorten(diagnostic.message))}"]
    if diagnostic.span and source_text is not None:
        numbered = source_lines(source_text)
        if 1 <= diagnostic.span.line <= len(numbered):
            text = numbered[diagnostic.span.line - 1]
            caret_at = max(diagnostic.span.column - 1, 0)
            shown, caret_at = _display_line(text, caret_at)
            gutter = f"{diagnostic.span.line:>5} | "
            lines.append(gutter + shown)
            width = 1
            if diagnostic.span.end_line == diagnostic.span.line and diagnostic.span.end_column:
                width = max(diagnostic.span.end_column - diagnostic.span.column, 1)
            pad = "".join("\t" if ch == "\t" else " " for ch in shown[:caret_at])
            lines.append(" " * (len(gutter) - 2) + "| " + pad
                         + style("^" * min(width, max(len(shown) - caret_at, 1)), kind))
    if diagnostic.hint:
        lines.append(f"  {style('hint', 'hint')}: {visible(_shorten(diagnostic.hint))}")
    return paint("\n".join(lines), colour)


@functools.lru_cache(maxsize=4)
def source_lines(text: str) -> list[str]:
    """The lines of a text as spans count them: ended by a newline (or a
    carriage return and a newline) only, as Lark and the JSON reader count
    lines. str.splitlines would also end a line at a form feed or a Unicode
    line separator, which a pasted document may hold, and every line shown
    after one would be the wrong line. Kept for the last few texts, so that
    showing many diagnostics of one file splits it once."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the newline ending the last line starts no line of its own
    return [line[:-1] if line.endswith("\r") else line for line in lines]


_LONG_WORDS = re.compile(r"[^\s']{61,}")
_LONG_QUOTES = re.compile(r"'([^'\n]{61,})'")


def _shorten(text: str, limit: int = 60) -> str:
    """A message with any very long name cut short: a name of 100,000
    letters (a pasted paragraph, or a hostile file) would bury the message."""
    if len(text) <= 160:
        return text
    text = _LONG_WORDS.sub(lambda match: match.group()[: limit - 3] + "…", text)
    return _LONG_QUOTES.sub(lambda match: "'" + match.group(1)[: limit - 3] + "…'", text)


def _display_line(text: str, caret_at: int = 0, limit: int = 200) -> tuple[str, int]:
    """The part of a source line to show, and where the caret falls in it.

    Very long lines (a pasted paragraph, or a hostile file) are cut to a
    window around the caret, so the message stays readable and the caret
    still points at the problem. The characters display.visible() shows as
    escapes (control characters, Unicode line and paragraph separators,
    bidirectional controls, lone surrogates), tabs apart, are shown here as
    '?' instead, one for one, so a stray one cannot garble the terminal and
    the caret still falls under the column the span counts.
    """
    start = 0
    if len(text) > limit and caret_at > limit - 20:
        start = caret_at - limit // 2
    shown = text[start:start + limit]
    shown = "".join("?" if ch != "\t" and is_control(ch) else ch for ch in shown)
    caret_at -= start
    if start:
        shown, caret_at = "… " + shown, caret_at + 2
    if start + limit < len(text):
        shown += " …"
    return shown, caret_at


def did_you_mean(word: str, choices, what: str = "") -> str | None:
    """A hint naming the closest known word, or None when nothing is close."""
    import difflib  # only when something is misspelt, not on every cold run

    choices = sorted(set(choices))
    close = difflib.get_close_matches(word.lower(), [c.lower() for c in choices], n=1, cutoff=0.6)
    if close:
        match = next(c for c in choices if c.lower() == close[0])
        return f"did you mean '{match}'?"
    if choices and len(choices) <= 12 and what:
        return f"known {what}: " + ", ".join(f"'{c}'" for c in choices)
    return None
