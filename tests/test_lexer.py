"""Highlighting: the Pygments lexer and the TextMate grammar know every keyword of the grammar."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pygments import lex
from pygments.token import Comment, Keyword, Name, String

from conftest import ROOT, RULESETS, run_cli
from ftdsl.lexer import KEYWORDS, FtrLexer

GRAMMAR = ROOT / "grammar" / "ftr.lark"
TEXTMATE = ROOT / "grammar" / "ftr.tmLanguage.json"


def grammar_keywords() -> set[str]:
    """Every word literal of ftr.lark ("may"i, "take"i, ...), comments left out."""
    text = re.sub(r"//[^\n]*", "", GRAMMAR.read_text(encoding="utf-8"))
    return {word.lower() for word in re.findall(r'"([A-Za-z]+)"i?', text)}


def textmate_keyword_pattern() -> re.Pattern:
    grammar = json.loads(TEXTMATE.read_text(encoding="utf-8"))
    # Oniguruma and Python agree on everything this pattern uses.
    return re.compile(grammar["repository"]["keyword"]["match"])


def test_the_grammar_has_keywords():
    assert {"may", "take", "says", "when", "facilities", "averaged"} <= grammar_keywords()


def test_lexer_keywords_are_the_grammars():
    assert KEYWORDS == grammar_keywords()


@pytest.mark.parametrize("keyword", sorted(grammar_keywords()))
def test_every_keyword_is_highlighted_by_both(keyword):
    tokens = [(t, v) for t, v in lex(f"§1 name {keyword.upper()} name\n", FtrLexer()) if v.strip()]
    assert (Keyword, keyword.upper()) in tokens
    assert textmate_keyword_pattern().fullmatch(keyword)
    assert textmate_keyword_pattern().fullmatch(keyword.capitalize())


def test_textmate_keywords_are_whole_words():
    pattern = textmate_keyword_pattern()
    assert [m.group() for m in pattern.finditer("half-day women's paid")] == ["paid"]


def test_lexer_covers_every_character_of_the_shipped_rulesets():
    for path in RULESETS.glob("*.ftr"):
        text = path.read_text(encoding="utf-8")
        tokens = list(lex(text, FtrLexer()))
        assert "".join(v for _, v in tokens) == text
        assert not any("Error" in str(t) for t, _ in tokens)


def test_token_kinds():
    tokens = dict((v, t) for t, v in lex('§6.12 rep may take up to 6 hours per month for duties  # note\n'
                                          '    says "Six # hours"\n', FtrLexer()))
    assert tokens["§6.12"] is Name.Label and tokens["rep"] is Name and tokens["# note"] is Comment.Single
    assert tokens['"Six # hours"'] is String.Double


def test_show_colours_only_when_asked():
    path = str(RULESETS / "westminster.ftr")
    plain = run_cli("show", path)
    assert plain.returncode == 0 and plain.stdout == Path(path).read_text(encoding="utf-8")
    coloured = run_cli("show", "--color", "always", path)
    assert "\x1b[" in coloured.stdout
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured.stdout) == plain.stdout
    missing = run_cli("show", "missing.ftr")
    assert missing.returncode == 2 and "does not exist" in missing.stderr


def test_keywords_inside_names_are_coloured_as_names():
    from pygments import lex

    text = ("roles: representative, health and safety representative\ncategories: duties\nfact roles: list of roles\n"
            "fact employed by council: yes/no\nfact staff group: text\n"
            "§1 health and safety representative may take up to 1 hours per week for duties\n"
            "    when employed by council and staff group is office\n")
    kinds = {}
    for kind, value in lex(text, FtrLexer()):
        kinds.setdefault(value.lower(), set()).add(str(kind))
    # 'and' joins a condition's parts (a keyword) and is a word of a role's name (a name).
    assert kinds["and"] == {"Token.Keyword", "Token.Name"}
    assert kinds["by"] == {"Token.Name"} and kinds["staff"] == {"Token.Name"}
    assert "Token.Keyword" in kinds["may"] and "Token.Keyword" in kinds["when"]


def test_a_ruleset_that_does_not_parse_is_coloured_by_its_declarations():
    from pygments import lex

    text = "roles: health and safety representative\n§1 health and safety representative may take\n"
    words = [(str(kind), value) for kind, value in lex(text, FtrLexer()) if value == "and"]
    assert words == [("Token.Name", "and"), ("Token.Name", "and")]
