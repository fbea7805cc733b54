"""Every syntax error in a file at once: after an error, reading goes on at the next statement.

- several broken statements give one error each, with its own line and column,
  in the order of the file, each exactly as it is reported when it is the
  only one;
- an error in an indented line goes on at the next statement, not at the
  failing statement's other indented lines; a quotation wrapped onto
  unindented lines is read as one quotation;
- `ftdsl check` counts them ("N errors"); only syntax errors are reported
  while there are any;
- a file of thousands of bad lines stops at parser.MAX_SYNTAX_ERRORS,
  quickly, and one with errors spread through it takes about as long as
  reading it;
- (hypothesis) for any valid statements with broken ones among them, the
  errors reported are exactly the broken statements', at their lines and
  columns, each as it is reported when it is the only one.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import declarations, rules  # tests/ is on the path under pytest

from ftdsl import nodes as n
from ftdsl.builder import parse
from ftdsl.errors import FtdslError
from ftdsl.parser import MAX_SYNTAX_ERRORS
from ftdsl.printer import print_ruleset


def _errors(text: str) -> list[tuple[str, int, int]]:
    with pytest.raises(FtdslError) as raised:
        parse(text, "bad.ftr")
    return [(d.code, d.span.line, d.span.column) for d in raised.value.diagnostics]


def _diagnostics(text: str):
    try:
        parse(text, "bad.ftr")
    except FtdslError as error:
        return error.diagnostics
    return []


SEVERAL = """roles: representative
categories: duties
fact members: count
§1 representative may take up to 6 hours month for duties
§2 representative may take 6 hours per month for duties
§3 duties are paid
    when members is at least (3
    says "a quotation"
§4 duties are paid \u2018
# a comment
roles: branch secretary
    when members > 1
§5 duties are paid
"""


def test_several_broken_statements_each_report_their_own_line_and_column():
    assert _errors(SEVERAL) == [("E100", 4, 48), ("E100", 5, 28), ("E100", 7, 30), ("E102", 9, 20),
                                ("E101", 12, 1)]


# The lines of each broken statement in SEVERAL, by the line of its error.
SEVERAL_BROKEN = {4: {4}, 5: {5}, 7: {6, 7, 8}, 9: {9}, 12: {11, 12}}


def test_each_error_is_reported_as_it_is_when_it_is_the_only_one():
    lines = SEVERAL.splitlines(keepends=True)
    together = _diagnostics(SEVERAL)
    assert len(together) == len(SEVERAL_BROKEN)
    for diagnostic in together:
        # Only this error's statement left broken: the other broken ones become blank lines.
        others = set().union(*SEVERAL_BROKEN.values()) - SEVERAL_BROKEN[diagnostic.span.line]
        alone = "".join("\n" if number in others else line for number, line in enumerate(lines, start=1))
        assert _diagnostics(alone) == [diagnostic]


def test_an_error_in_an_indented_line_goes_on_at_the_next_statement():
    text = ("§1 duties are paid\n"
            "    when a and\n"  # the error
            "    says \"x\" \u2018\n"  # the same statement: not reported
            "    0 \u2013 9: 1 hour\n"
            "§2 duties are paid \u2018\n")
    assert _errors(text) == [("E100", 2, 15), ("E102", 5, 20)]


def test_an_indented_block_under_a_declaration_is_one_error():
    text = "roles: a\n    b\n    c\n    d\ncategories: x\n    y\n"
    assert _errors(text) == [("E101", 2, 1), ("E101", 6, 1)]


def test_a_quotation_wrapped_onto_unindented_lines_is_one_error():
    text = ('§1 duties are paid\n'
            '    says "Representatives will be given\n'
            'reasonable paid time off\n'
            'for their duties."\n'
            '§2 duties ar paid\n')
    assert _errors(text) == [("E102", 2, 10), ("E100", 5, 18)]


def test_an_unclosed_quotation_does_not_hide_the_statements_after_it():
    # The next lines are statements (a rule; a line with a quotation of its own), not the quotation's words.
    rule = '§1 facilities "an office\n§2 duties ar paid\n'
    assert _errors(rule) == [("E102", 1, 15), ("E100", 2, 18)]
    header = '§1 facilities "an office\nagreement "Title"\nemployer x\n'
    assert _errors(header) == [("E102", 1, 15), ("E100", 3, 10)]


def test_table_rows_that_are_not_indented_are_each_an_error_and_nothing_else():
    # Not also "the table has no rows": while there are syntax errors, only they are reported.
    text = "categories: x\n§4.8 release is by members:\n0 \u2013 99: 0 FTE\n100 \u2013 199: 1 FTE\n"
    assert _errors(text) == [("E100", 3, 1), ("E100", 4, 1)]


def test_lines_after_a_line_separator_are_shown_as_the_file_has_them():
    text = "§1 duties are paid\u2028\n§2 duties are paid\x0c\n§3 duties ar paid\n"
    with pytest.raises(FtdslError) as raised:
        parse(text, "bad.ftr")
    rendered = raised.value.render()
    assert [(d.span.line, d.span.column) for d in raised.value.diagnostics] == [(1, 19), (2, 19), (3, 18)]
    assert "    2 | §2 duties are paid?\n" in rendered
    assert "    3 | §3 duties ar paid\n" in rendered


def test_check_counts_every_syntax_error(tmp_path):
    from click.testing import CliRunner

    from ftdsl.cli import cli

    path = tmp_path / "several.ftr"
    path.write_text(SEVERAL, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 1
    assert result.stdout.strip().splitlines()[-1] == f"{path}: 5 errors"
    for line, column in ((4, 48), (5, 28), (7, 30), (9, 20), (12, 1)):
        assert f"{path}:{line}:{column}: error E10" in result.stdout
    json_result = CliRunner().invoke(cli, ["check", "--format", "json", str(path)])
    assert '"errors": 5' in json_result.stdout


def test_thousands_of_bad_lines_stop_at_the_cap_quickly():
    text = "categories: duties\n" + "representative may take up to 6 hours per month for duties\n" * 20_000
    started = time.perf_counter()
    errors = _errors(text)
    assert time.perf_counter() - started < 2
    assert len(errors) == MAX_SYNTAX_ERRORS
    assert [line for _, line, _ in errors] == list(range(2, 2 + MAX_SYNTAX_ERRORS))


def _clauses(count: int, broken_every: int | None = None) -> str:
    lines = ["roles: representative\ncategories: duties\nfact members: count\n"]
    for i in range(count):
        if broken_every and i % broken_every == broken_every - 1:
            lines.append(f"§{i + 1} representative may take up to 6 hours month for duties\n")
        else:
            lines.append(f"§{i + 1} representative may take up to {i % 50 + 1} hours per month for duties\n"
                         f"    when members is at least {i}\n")
    return "".join(lines)


def test_errors_spread_through_a_file_cost_about_one_reading_of_it():
    from ftdsl.parser import parse_tree

    size = 2000
    parse_tree(_clauses(10))  # the parser is built once, outside the timing

    def timed(text):
        started = time.perf_counter()
        try:
            parse_tree(text)
        except FtdslError as error:
            assert len(error.diagnostics) == MAX_SYNTAX_ERRORS - 10
        return time.perf_counter() - started

    good = min(timed(_clauses(size)) for _ in range(2))
    broken = min(timed(_clauses(size, broken_every=size // (MAX_SYNTAX_ERRORS - 10))) for _ in range(2))
    # Read once, in parts: not once more from the start for each error (40 times as long).
    assert broken < 3 * good, (good, broken)


# ---- the law -----------------------------------------------------------------

# Broken statements, and where their one error is: (lines after the first, column).
BROKEN = [
    ("§6.12 representative may take up to 6 hours month for duties", 0, 51),
    ("representative may take up to 6 hours per month for duties", 0, 1),
    ("§1 duties are paid \u2018", 0, 20),
    ("§1 facilities \u201cunclosed", 0, 15),
    ("§1 duties are paid\n    when (c", 1, 12),
    ('§1 duties are paid\n    says "x"\n    when a ==', 2, 13),
    ("roles: a\n    when a", 1, 1),
    ("0 \u2013 99: 0 FTE", 0, 1),
    ("§1 duties are paid\n    when a and", 1, 15),
    ("§4.8 x is by y\n    0 \u2013 9: 1 hour", 0, 15),
    ("fact x", 0, 7),
    ("§2 duties are paid\n    0 - 9:", 1, 11),
]


def _statement_text(statement) -> str:
    return print_ruleset(n.Ruleset((statement,)))


pieces = st.lists(st.one_of(
    st.one_of(declarations, rules).map(lambda statement: ("valid", _statement_text(statement))),
    st.sampled_from(BROKEN).map(lambda broken: ("broken", broken)),
), max_size=12)
separators = st.sampled_from(["", "\n", "# a comment\n", "\n# a comment\n    # an indented comment\n"])


@given(pieces, st.lists(separators, min_size=13, max_size=13))
def test_the_errors_are_exactly_the_broken_statements(items, between):
    parts, expected = [], []  # the text in parts; (line, column) of each broken statement's error
    line = 1
    for (kind, item), separator in zip(items, between):
        parts.append(("", separator))
        line += separator.count("\n")
        if kind == "broken":
            statement, below, column = item
            expected.append((line + below, column))
            item = statement + "\n"
        parts.append((kind, item))
        line += item.count("\n")
    text = "".join(part for _, part in parts)
    diagnostics = _diagnostics(text)
    if not expected:
        assert not {d.code for d in diagnostics} & {"E100", "E101", "E102"}, text
        return
    assert [(d.span.line, d.span.column) for d in diagnostics] == expected, text
    # And each as it is reported when its statement is the only broken one.
    broken = [index for index, (kind, _) in enumerate(parts) if kind == "broken"]
    for diagnostic, keep in zip(diagnostics, broken):
        alone = "".join("\n" * part.count("\n") if kind == "broken" and index != keep else part
                        for index, (kind, part) in enumerate(parts))
        assert _diagnostics(alone) == [diagnostic], alone
