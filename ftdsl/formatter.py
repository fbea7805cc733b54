"""Formatting a ruleset safely: .ftr text in, its canonical text (printer.py) out, or an error.

The printed text is parsed and checked again and must mean what the
input meant (an equal AST, every comment, an equal model or the same
errors); anything else is an UnsafeFormat, and nothing is written.

>>> format_text('CLAUSE 5.3   Duties ARE paid\\n')
'§5.3 Duties are paid\\n'
"""

from __future__ import annotations

from . import nodes as n
from .builder import parse
from .checker import check
from .errors import FtdslError
from .printer import with_newlines, line_ending, print_ruleset


class UnsafeFormat(Exception):
    """The printed text would not mean what the input means (a bug in the printer, never the user's)."""


def format_text(text: str, file: str = "<ruleset>") -> str:
    """Canonical text for .ftr source; raises FtdslError for syntax errors and
    UnsafeFormat if the result would not parse to an equal AST and check to
    an equal model (or to the same errors).

    Lines end as they did in `text`: with a carriage return and a newline
    if its first line did, a carriage return alone if that did, a newline
    otherwise (a file that mixes them gets its first line's ending on every
    line). The text is formatted, and checked, with newlines.
    """
    ending = line_ending(text)
    text = with_newlines(text) if ending != "\n" or "\r" in text else text
    ast = parse(text, file)
    result = print_ruleset(ast, text)
    verify(ast, text, result, file)
    return result.replace("\n", ending) if ending != "\n" else result


def verify(ast: n.Ruleset, text: str, result: str, file: str = "<ruleset>") -> None:
    """The safety net: `result` must parse to `ast`, keep every comment, and check as `text` does."""
    try:
        again = parse(result, file)
    except FtdslError as error:
        raise UnsafeFormat(f"the formatted text does not parse: {error}") from None
    if again != ast:
        raise UnsafeFormat("the formatted text parses to a different ruleset")
    # As a multiset: a comment moves with the indented line it precedes.
    if sorted(c.text for c in again.comments) != sorted(c.text for c in ast.comments):
        raise UnsafeFormat("the formatted text lost a comment")
    before, after = _checked(ast, text), _checked(again, result)
    if before != after:
        raise UnsafeFormat("the formatted text checks to a different model")


def _checked(ast, text):
    try:
        return check(ast, text)
    except FtdslError as error:
        # Errors are compared by code: their messages may quote line numbers.
        return sorted(d.code for d in error.diagnostics)
