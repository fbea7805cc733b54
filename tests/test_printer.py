"""The printer's laws: parse(print(ast)) == ast, fmt is idempotent, the model
and the comments survive; and the canonical layout on real files."""

from __future__ import annotations

from hypothesis import given

from conftest import RULESETS, WESTMINSTER
from ftdsl import nodes as n
from ftdsl.builder import parse
from ftdsl.formatter import _checked, format_text
from ftdsl.printer import print_ruleset, to_text
import strategies


@given(strategies.rulesets())
def test_parse_of_print_is_the_same_ast(ast):
    assert parse(print_ruleset(ast)) == ast


@given(strategies.rulesets())
def test_print_is_already_formatted(ast):
    text = print_ruleset(ast)
    assert format_text(text) == text


@given(strategies.messy_texts())
def test_fmt_is_idempotent_and_keeps_comments(case):
    text, comments = case
    once = format_text(text)
    assert format_text(once) == once
    assert parse(once) == parse(text)
    assert sorted(c.text for c in parse(once).comments) == sorted(comments)


@given(strategies.messy_texts(strategies.checkable_rulesets()))
def test_fmt_keeps_the_checked_model(case):
    text, _ = case
    before = _checked(parse(text), text)
    after = format_text(text)
    assert _checked(parse(after), after) == before


@given(strategies.checkable_rulesets())
def test_generated_rulesets_check(ast):
    # The strategy is only useful for the law above if what it makes checks.
    assert not isinstance(_checked(ast, None), list)


def test_shipped_rulesets_are_fixed_points():
    for path in sorted(RULESETS.glob("*.ftr")):
        text = path.read_text(encoding="utf-8")
        assert format_text(text, str(path)) == text, path


def test_canonical_spellings():
    text = ("CLAUSE 6.1 rep OR convenor may take up to 6 hours a month for duties\n"
            "\twhen members >= 10 and (grade < 3 or not grade = 5)\n"
            "§2 t is by members:\n  1-10 staff: 1 hour\n  11 to 20: 2 hours\n  21+: 3 hours\n  - 5: 1 hour\n"
            "  over 40: 4 hours\n")
    assert format_text(text) == (
        "§6.1 rep or convenor may take up to 6 hours per month for duties\n"
        "    when members is at least 10 and (grade is less than 3 or not grade is 5)\n"
        "\n"
        "§2 t is by members:\n    1 – 10 staff: 1 hour\n    11 – 20: 2 hours\n    21 or more: 3 hours\n"
        "    up to 5: 1 hour\n    above 40: 4 hours\n")


def test_numbers_and_quotations_are_kept_exactly():
    text = ('§1 x may take up to 1.0 FTE per week for y\n    says “He said \"no\" #1”\n'
            '§2 facilities "0.50 of a desk # not a comment"\n')
    out = format_text(text)
    assert "1.0 FTE" in out and '“He said "no" #1”' in out and '"0.50 of a desk # not a comment"' in out


def test_a_name_operand_that_reads_as_a_keyword_keeps_its_equals_sign():
    ast = parse("§1 duties are paid when status = not known\n")
    assert "status = not known" in print_ruleset(ast)
    assert parse(print_ruleset(ast)) == ast


def test_comments_stay_with_the_line_they_precede():
    text = ("# header\nagreement \"A\"  # the title\n\n§1 duties are paid\n    says \"one\"\n"
            "    # about the condition\n    when flag\n# between\n§2 training is paid\n")
    out = format_text(text)
    assert out == ("# header\nagreement \"A\"  # the title\n\n§1 duties are paid\n    # about the condition\n"
                   "    when flag\n    says \"one\"\n\n# between\n§2 training is paid\n")


def test_blank_lines_kept_collapsed_and_required():
    text = "roles: a\n\n\n\ncategories: b\nfact f: count\n§1 b is paid\n§2 b is unpaid\n\n§3 x is paid\n"
    assert format_text(text) == ("roles: a\n\ncategories: b\n\nfact f: count\n\n§1 b is paid\n§2 b is unpaid\n\n"
                                 "§3 x is paid\n")


def test_wording_the_ast_does_not_record_is_kept_from_the_source():
    text = ("§1 officer or convenor may take reasonable time for duties\n"
            "§1 additional time for duties and training may be granted\n§2 duties are paid\n§3 press is paid\n")
    assert format_text(text) == text


def test_to_text_prints_single_nodes():
    rule = parse(WESTMINSTER.read_text(encoding="utf-8")).statements[-1]
    assert to_text(rule) == "§9.3 termination needs 6 months' notice"
    assert to_text(n.Not(n.Or((n.Flag(n.Name("a")), n.Flag(n.Name("b")))))) == "not (a or b)"
