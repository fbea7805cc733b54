"""The grammar: valid snippets build the AST they should; invalid ones stop
at the right line and column with a message saying what to write."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ftdsl import nodes as n
from ftdsl.builder import parse
from ftdsl.errors import FtdslError


def only_rule(text: str) -> n.Rule:
    rules = [s for s in parse(text).statements if isinstance(s, n.Rule)]
    assert len(rules) == 1
    return rules[0]


def test_allowance_reads_like_the_agreement():
    rule = only_rule("§6.12 representative may take up to 6 hours per month for duties\n")
    assert rule.clause == n.ClauseRef("6.12")
    body = rule.body
    assert isinstance(body, n.Allowance)
    assert body.who.roles == (n.Name("representative"),)
    assert body.quantity.terms == (n.Term(Decimal(6), n.Name("hours")),)
    assert body.period == n.PerPeriod(n.Name("month"))
    assert body.category == n.Name("duties")


def test_continuation_lines_carry_condition_and_quotation():
    rule = only_rule('§6.12 representative may take up to 6 hours per month for duties\n'
                     '    when staff group is non-teaching\n'
                     '    says "Recognised representatives are entitled to up to 6 hours"\n')
    assert rule.condition == n.Compare(n.Name("staff group"), "=", n.NameOperand(n.Name("non-teaching")))
    assert rule.quotes == ("Recognised representatives are entitled to up to 6 hours",)


@pytest.mark.parametrize("row, kind, low, high", [
    ("0 – 99: 0 FTE", "between", 0, 99),
    ("0 — 99: 0 FTE", "between", 0, 99),
    ("0 - 99: 0 FTE", "between", 0, 99),
    ("0 to 99: 0 FTE", "between", 0, 99),
    ("1 – 10 members: 0.5 FTE", "between", 1, 10),
    ("30+ members: 2 FTE", "at least", 30, None),
    ("30 or more: 2 FTE", "at least", 30, None),
    ("above 3000: 3 FTE", "above", 3001, None),
    ("– 3000: 3 FTE", "up to", None, 3000),
    ("1,001 – 1,500: 1.5 FTE", "between", 1001, 1500),
    ("7: 1 FTE", "exactly", 7, 7),
])
def test_band_rows_in_every_form_the_agreements_use(row, kind, low, high):
    rule = only_rule(f"§4.8 release is by branch members:\n    {row}\n")
    (parsed,) = rule.body.rows
    assert (parsed.kind, parsed.low, parsed.high) == (kind, low, high)


def test_continuation_row():
    rule = only_rule("§4.8 release is by branch members:\n    0 – 99: 0 FTE\n"
                     "    then a further 0.5 FTE for every further 500 members\n")
    assert rule.body.continuation == n.Continuation(n.Amount((n.Term(Decimal("0.5"), n.Name("FTE")),)), 500)


def test_typography_from_word_and_pdf_is_accepted():
    text = ("roles: women\u2019s officer\n"
            "\u00a7\u00a06.12\u00a0women's officer may take up to 2 hours per month for duties\n"
            "\tsays \u201cWomen\u2019s Officer duties\u201d\n")
    rule = only_rule(text)
    assert rule.body.who.roles == (n.Name("women's officer"),)
    assert rule.quotes == ("Women\u2019s Officer duties",)


def test_keywords_are_case_insensitive_and_layout_does_not_matter():
    plain = parse("§5.3 duties are paid\n")
    shouty = parse("# a comment\n\n§5.3   Duties ARE Paid   # trailing comment\n")
    assert plain == shouty
    assert [c.text for c in shouty.comments] == ["# a comment", "# trailing comment"]


def test_amount_given_two_ways():
    rule = only_rule("§1 national executive duties are limited to 9 days or 18 half days in any 12 months\n")
    assert rule.body.amount.alternative == (n.Term(Decimal(18), n.Name("half days")),)
    assert rule.body.period == n.RollingPeriod(12, n.Name("months"))


def test_conditions_have_precedence_not_over_and_over_or():
    rule = only_rule("§1 duties are paid when a or b and not c\n")
    assert rule.condition == n.Or((n.Flag(n.Name("a")), n.And((n.Flag(n.Name("b")), n.Not(n.Flag(n.Name("c")))))))


def test_names_may_contain_words_that_are_keywords_elsewhere():
    # "by" is a keyword in tables, "in" in periods: inside a name they are words.
    rule = only_rule("§4.2 time off is given only when employed by council and in working hours\n")
    assert rule.condition == n.And((n.Flag(n.Name("employed by council")), n.Flag(n.Name("in working hours"))))


SYNTAX_ERRORS = [
    # (text, line, column, code, words the message or hint must contain)
    ("representative may take up to 6 hours per month for duties\n", 1, 1, "E100", "clause reference"),
    ("§6.12 representative may take up to 6 hours month for duties\n", 1, 51, "E100", "'per month'"),
    ("§6.12 representative may take up to 6,5 hours per month for duties\n", 1, 38, "E103", "6.5"),
    ("roles: a\n    when a\n", 2, 1, "E101", "indented"),
    ("§6.12 a may take up to 6 hours per month for b when (c\n", 1, 55, "E100", "')'"),
    ("§1 duties are paid \u2018\n", 1, 20, "E102", "double quotes"),
    ('§1 facilities "unclosed\n', 1, 15, "E102", "close the quotation"),
    ("§4.8 x is by y:\n", 1, 1, "E111", "no rows"),
    ("§1 duties are paid\n    0 – 9: 1 hour\n", 2, 5, "E112", "table"),
]


@pytest.mark.parametrize("text, line, column, code, words", SYNTAX_ERRORS)
def test_syntax_errors_point_at_the_problem(text, line, column, code, words):
    with pytest.raises(FtdslError) as raised:
        parse(text, "bad.ftr")
    (diagnostic,) = raised.value.diagnostics
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == (code, line, column)
    rendered = raised.value.render()
    assert words in rendered
    assert rendered.startswith(f"bad.ftr:{line}:{column}: error {code}:")
