"""Highlighting: a Pygments lexer for .ftr text (for the docs and `ftdsl show`).

In: .ftr text. Out: Pygments tokens. Comments, quotations, clause
references (§6.12, §"Payment", clause 6.12), keywords, numbers, dates and
names each get their own token. A name may use a keyword's word ("staff"
in "staff group", "by" in "employed by council"): the words of a ruleset
that parses are coloured as the parser read them, and those of one that
does not as its declarations say (ftdsl/names.py), so that only a word
that stands as a keyword is shown as one. KEYWORDS is every word literal of
grammar/ftr.lark (tests/test_lexer.py keeps the two in step, and
grammar/ftr.tmLanguage.json with them; a TextMate grammar cannot read
declarations, so it colours by KEYWORDS alone).

>>> from pygments import lex
>>> [(str(t), v) for t, v in lex("§5.3 duties are paid", FtrLexer()) if v.strip()][:2]
[('Token.Name.Label', '§5.3'), ('Token.Name', 'duties')]
"""

from __future__ import annotations

import bisect
import re

from pygments.lexer import RegexLexer, bygroups
from pygments.token import Comment, Keyword, Literal, Name, Number, Operator, Punctuation, String, Text

from .model import MONTHS

KEYWORDS = frozenset("""
a above activities additional against agreed agreement allowance allowances amends and any anyone are as assumed at
averaged be between beyond by case categories circumstances clause counts day deleted divided down each earnings
effective employer every exceptional facilities fact for from further give given granted groups hours in include
includes is least less lieu limit limited limits management may minus more most must nearest need needs no not notice of
off on one only or outside over paid pay per plus pools possible previous proportion reasonable removed request requests
roles rounded says shared should staff starts state subject take termination than the then time times to trade treated
under union unions unpaid until up variation variations vary week when where whole with without working year
""".split())

_WORD = r"[a-zA-Z\u00c0-\u024f][a-zA-Z0-9\u00c0-\u024f'\u2019/-]*"
_CLAUSE_ID = (r"[0-9IVXivx]+(?:\.[0-9]+)*(?:[A-Za-z]{1,2}(?![A-Za-z])(?:\.[0-9]+)*)?(?:\([A-Za-z0-9]{1,8}\))*"
              r"(?:[A-Za-z](?![A-Za-z]))?")
_MONTHS = r"(?i:" + "|".join(MONTHS) + r")(?![A-Za-z])"


def _word(lexer, match):
    """A word is part of a name where the ruleset reads it so, else a keyword if the grammar has it as one."""
    word = match.group(0)
    start = match.start()
    spans = getattr(lexer, "name_spans", ())
    at = bisect.bisect_right(spans, (start, float("inf"))) - 1
    in_name = at >= 0 and spans[at][0] <= start < spans[at][1]
    yield start, Name if in_name or word.lower() not in KEYWORDS else Keyword, word


def name_spans(text: str) -> list[tuple[int, int]]:
    """Where the text's names are, as (start, end) offsets in order: from the
    parse where the text parses, else from its declared names."""
    from .errors import FtdslError
    from .names import JOINER, mark_declared_names
    from .parser import parse_tree

    ended = text if text.endswith("\n") else text + "\n"
    try:
        tree = parse_tree(ended)
    except (FtdslError, RecursionError):
        marked = mark_declared_names(ended) if JOINER not in ended else ended
        return [(found.start(), found.end()) for found in re.finditer(f"[^\\s{JOINER}]+(?:{JOINER}+[^\\s{JOINER}]+)+",
                                                                      marked)]
    spans = []
    for name in tree.find_data("name"):
        spans.extend((token.start_pos, token.end_pos) for token in name.children if getattr(token, "type", "") == "WORD")
    return sorted(spans)


class FtrLexer(RegexLexer):
    """Facility-time agreements written as .ftr rules."""

    name = "ftdsl"
    aliases = ["ftr", "ftdsl"]
    filenames = ["*.ftr"]
    mimetypes = ["text/x-ftr"]
    url = "https://pypi.org/project/ftdsl/"

    def get_tokens_unprocessed(self, text, stack=("root",)):
        """Pygments' tokens, with the text's names found first (see name_spans)."""
        self.name_spans = name_spans(text)
        yield from super().get_tokens_unprocessed(text, stack)

    tokens = {
        "root": [
            (r"[ \t\u00a0\u2009\u202f]+", Text),
            (r"\r?\n|\r", Text),
            (r"#[^\r\n]*", Comment.Single),
            (r"(§)(\s*)(\"[^\"\n]*\"|\u201c[^\u201d\n]*\u201d)", Name.Label),
            (r"§\s*" + _CLAUSE_ID, Name.Label),
            (r"(?i)^(schedule|appendix|annex|part|section)(\s+)(" + _CLAUSE_ID + r")(?:(\s+)(paragraph|para)(\s+)("
             + _CLAUSE_ID + r"))?", bygroups(Name.Label, Text, Name.Label, Text, Name.Label, Text, Name.Label)),
            (r"(?i)(clause)(\s+)(" + _CLAUSE_ID + r"|\"[^\"\n]*\"|\u201c[^\u201d\n]*\u201d)",
             bygroups(Keyword, Text, Name.Label)),
            (r"\"[^\"\n]*\"", String.Double),
            (r"\u201c[^\u201d\n]*\u201d", String.Double),
            (r"\d{4}-\d{2}(?:-\d{2})?", Literal.Date),
            (r"£?\d+(?:,\d{3})*(?:\.\d+)?", Number),
            # A month is a date only beside a number ("1 April", "April 2006");
            # "may" on its own is the keyword of "may take".
            (r"(?<=\d )" + _MONTHS, Literal.Date),
            (_MONTHS + r"(?= \d)", Literal.Date),
            (_WORD, _word),
            (r"!=|<=|>=|[=<>≠≤≥+×÷*\u2013\u2014-]", Operator),
            (r"[:,()]", Punctuation),
            (r".", Text),
        ],
    }
