"""Highlighting: a Pygments lexer for .ftr text (for the docs and `ftdsl show`).

In: .ftr text. Out: Pygments tokens. Comments, quotations, clause
references (§6.12, §"Payment", clause 6.12), keywords, numbers, dates and
names each get their own token. The grammar's contextual lexer lets a name
use a keyword's word where that keyword cannot stand; a highlighter cannot
know that, so such a word is shown as a keyword. KEYWORDS is every word
literal of grammar/ftr.lark (tests/test_lexer.py keeps the two in step, and
grammar/ftr.tmLanguage.json with them).

>>> from pygments import lex
>>> [(str(t), v) for t, v in lex("§5.3 duties are paid", FtrLexer()) if v.strip()][:2]
[('Token.Name.Label', '§5.3'), ('Token.Name', 'duties')]
"""

from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups
from pygments.token import Comment, Keyword, Literal, Name, Number, Operator, Punctuation, String, Text

from .model import MONTHS

KEYWORDS = frozenset("""
a above additional against agreed agreement allowances and any anyone are assumed at averaged be by case
categories circumstances clause counts day each earnings effective employer every exceptional facilities fact for
further give given granted groups hours in include includes is least less lieu limited management may more most
must need needs not notice of off on one only or outside over paid pay per possible previous reasonable request
requests roles says should staff starts state subject take termination than the then time to under unions unpaid up
variations vary week when where with without working year
""".split())

_WORD = r"[a-zA-Z\u00c0-\u024f][a-zA-Z0-9\u00c0-\u024f'\u2019/-]*"
_CLAUSE_ID = r"[0-9IVXivx]+(?:\.[0-9]+)*[a-z]?(?:\([a-z0-9]+\))?"
_MONTHS = r"(?i:" + "|".join(MONTHS) + r")(?![A-Za-z])"


def _word(lexer, match):
    """A word is a keyword if the grammar has it as one, else part of a name."""
    word = match.group(0)
    yield match.start(), Keyword if word.lower() in KEYWORDS else Name, word


class FtrLexer(RegexLexer):
    """Facility-time agreements written as .ftr rules."""

    name = "ftdsl"
    aliases = ["ftr", "ftdsl"]
    filenames = ["*.ftr"]
    mimetypes = ["text/x-ftr"]
    url = "https://pypi.org/project/ftdsl/"

    tokens = {
        "root": [
            (r"[ \t\u00a0\u2009\u202f]+", Text),
            (r"\r?\n|\r", Text),
            (r"#[^\r\n]*", Comment.Single),
            (r"(§)(\s*)(\"[^\"\n]*\"|\u201c[^\u201d\n]*\u201d)", Name.Label),
            (r"§\s*" + _CLAUSE_ID, Name.Label),
            (r"(?i)(clause)(\s+)(" + _CLAUSE_ID + r"|\"[^\"\n]*\"|\u201c[^\u201d\n]*\u201d)",
             bygroups(Keyword, Text, Name.Label)),
            (r"\"[^\"\n]*\"", String.Double),
            (r"\u201c[^\u201d\n]*\u201d", String.Double),
            (r"\d{4}-\d{2}(?:-\d{2})?", Literal.Date),
            (r"\d+(?:,\d{3})*(?:\.\d+)?", Number),
            # A month is a date only beside a number ("1 April", "April 2006");
            # "may" on its own is the keyword of "may take".
            (r"(?<=\d )" + _MONTHS, Literal.Date),
            (_MONTHS + r"(?= \d)", Literal.Date),
            (_WORD, _word),
            (r"!=|<=|>=|[=<>≠≤≥+\u2013\u2014-]", Operator),
            (r"[:,()]", Punctuation),
            (r".", Text),
        ],
    }
