"""Every syntax error says what to write instead: each E100 in the bad-input corpus has a hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from ftdsl.errors import FtdslError
from ftdsl.parser import parse_tree

BAD = Path(__file__).parent / "bad"
RULESETS = sorted(path for path in BAD.glob("*/ruleset.ftr"))


def _syntax_errors(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return []
    try:
        parse_tree(text, path.name)
    except FtdslError as error:
        return [d for d in error.diagnostics if d.code == "E100"]
    return []


@pytest.mark.parametrize("path", RULESETS, ids=lambda path: path.parent.name)
def test_every_syntax_error_has_a_hint(path):
    for diagnostic in _syntax_errors(path):
        assert diagnostic.hint, f"{path.parent.name}: {diagnostic.message} (line {diagnostic.span.line}) has no hint"


@pytest.mark.parametrize("line, expected", [
    # The kind of line is told from its words, and the example is of that kind.
    ("§6.12 representative may take up to 6 hours for duties", "per month for duties"),
    ("fact : count", "fact branch members: count"),
    ("§5.5 duties outside work hours are unpaid", "outside working hours are unpaid"),
    ("§6.13 duties are limited 10 hours per month", "write 'to' here"),
    ("says Recognised unions", 'says "'),
    ("§6.12", "after the clause reference comes the rule"),
    # An undeclared name holding 'and': declare it or quote it.
    ("§6.12 representative may take up to 6 hours per month for health and safety duties",
     'write it in quotes: "health and safety duties"'),
    # A sentence of the agreement pasted in.
    ("The Recognition Agreement provides for time off for trade union duties and activities",
     "this looks like the agreement's own text"),
    ("roles: representative, branch secretary (Unison)", 'a name with brackets is written in quotes'),
])
def test_a_hint_shows_the_kind_of_line_it_reads_like(line, expected):
    text = "roles: representative\ncategories: duties\nfact roles: list of roles\n"
    with pytest.raises(FtdslError) as raised:
        parse_tree(text + ("§1 duties are paid\n    " if line.startswith("says") else "") + line + "\n")
    hints = [d.hint or "" for d in raised.value.diagnostics]
    assert any(expected in hint for hint in hints), hints
