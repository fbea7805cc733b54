"""Memory per line of a ruleset is bounded: blank lines cost next to nothing.

A run of blank lines is one newline token. Its terminal once repeated a
group with optional parts, and Python's regular-expression engine kept
backtracking state for every repeat: about 600 bytes a blank line, so a
ruleset of a million blank lines and one rule took 600 MB to parse. The
repeats are possessive now, and no pass keeps a record per blank line.

The bound: the text is made before measuring, so what is traced is what
parsing, checking and compiling add. Each pass may copy a run of blank
lines a few times over (Lark's token holds it; finding comments matches it
once), which is a few bytes a line, and the one rule costs a fixed amount
well under a megabyte. 20 bytes a line (4 MB for 200,000 lines) leaves room
for both, and is thirty times less than what one blank line cost before.
"""

from __future__ import annotations

import gc
import tracemalloc

import pytest

from ftdsl.api import load_ruleset_text
from ftdsl.parser import extract_comments

LINES = 200_000
BYTES_PER_LINE = 20
RULESET = """categories: duties
fact roles: list of roles
roles: representative
§5 duties are paid
§6.12 representative may take up to 6 hours per month for duties
"""


def _peak(text: str) -> int:
    """The peak of memory traced while a ruleset text is loaded (parsed, checked, compiled)."""
    load_ruleset_text(RULESET)  # the parser's tables and the modules are loaded before measuring
    gc.collect()
    tracemalloc.start()
    try:
        loaded = load_ruleset_text(text, "blank.ftr")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert loaded.model.grants[0].quantity.hours == 6
    return peak


@pytest.mark.parametrize("blank", ["\n", "\r\n", "    \n", "\t\u00a0\r"], ids=["newline", "crlf", "spaces", "tab-cr"])
def test_blank_lines_cost_a_few_bytes_each(blank):
    text = blank * LINES + RULESET
    assert _peak(text) < BYTES_PER_LINE * LINES


def test_blank_lines_between_rules():
    text = RULESET.replace("§5", "\n" * LINES + "§5")
    assert _peak(text) < BYTES_PER_LINE * LINES


def test_the_rule_after_the_blank_lines_is_on_its_line():
    loaded = load_ruleset_text("\n" * LINES + RULESET, "blank.ftr")
    # the rule is the fifth line of RULESET, after LINES blank lines
    assert loaded.model.grants[0].span.line == LINES + 5


@pytest.mark.parametrize("breaks, line", [("\n" * 5, 6), ("\r\n" * 3, 4), ("\r" * 3, 4), ("\n\r", 3), ("\r\n\r", 3)])
def test_comments_after_runs_of_line_breaks_keep_their_line(breaks, line):
    (comment,) = extract_comments("categories: duties" + breaks + "# read as agreed\n")
    assert (comment.line, comment.column, comment.text, comment.own_line) == (line, 1, "# read as agreed", True)
