"""Parsing: .ftr text in, a Lark parse tree (with positions) and comments out.

The grammar is grammar/ftr.lark. Indented lines continue the rule above
them; the postlexer here turns indentation into _INDENT/_DEDENT tokens.
A syntax error stops at the first problem and is reported as an
FtdslError with the line, a caret and what to write instead.
"""

from __future__ import annotations

import functools
import importlib.resources

import attrs
import lark
from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from .errors import Diagnostic, FtdslError, Span


@attrs.frozen
class Comment:
    """A '#' comment: where it is and whether it has its line to itself."""

    line: int
    column: int
    text: str
    own_line: bool


class _BlockIndenter(lark.lark.PostLex):
    """Turns line indentation into _INDENT/_DEDENT tokens.

    Rules have one level of continuation lines, so any indentation deeper
    than zero opens the block and a return to column one closes it. Being
    lenient here is deliberate: text pasted from Word mixes tabs, spaces and
    non-breaking spaces, and none of that should be a syntax error.
    """

    always_accept = ("_NL",)

    def process(self, stream):
        in_block = False
        last = None
        for token in stream:
            last = token
            if token.type != "_NL":
                yield token
                continue
            yield token
            last_line = token.value.replace("\r\n", "\n").replace("\r", "\n").rsplit("\n", 1)[-1]
            indented = bool(last_line) and not last_line.lstrip(" \t\u00a0").startswith("#") and last_line[:1] in " \t\u00a0"
            if indented and not in_block:
                in_block = True
                # Point at the indented line itself, not at the newline before it.
                yield Token("_INDENT", last_line, start_pos=token.end_pos, line=token.end_line, column=1,
                            end_line=token.end_line, end_column=len(last_line) + 1, end_pos=token.end_pos)
            elif not indented and in_block:
                in_block = False
                yield Token.new_borrow_pos("_DEDENT", "", token)
        if in_block:
            yield Token("_DEDENT", "", line=getattr(last, "end_line", 1), column=1)


@functools.cache
def _grammar_text() -> str:
    return importlib.resources.files("ftdsl.grammar").joinpath("ftr.lark").read_text(encoding="utf-8")


@functools.cache
def _parser() -> lark.Lark:
    return lark.Lark(
        _grammar_text(),
        parser="lalr",  # linear time, and conflicts in the grammar are caught when it is built
        lexer="contextual",  # a name may use any word that is not a keyword where it stands
        postlex=_BlockIndenter(),
        propagate_positions=True,  # every AST node gets its span from here
        maybe_placeholders=False,
        cache=False,
    )


def parse_tree(text: str, file: str = "<ruleset>") -> lark.Tree:
    """Parse .ftr text into a Lark tree, or raise FtdslError at the first syntax error."""
    if not text.endswith("\n"):
        text += "\n"  # the last statement ends at a newline like every other
    try:
        return _parser().parse(text)
    except UnexpectedInput as error:
        raise FtdslError(_syntax_diagnostic(error, text, file), {file: text}) from None
    except RecursionError:
        raise FtdslError(Diagnostic("E199", "the rule is nested too deeply to read", Span(file, 1, 1),
                                    hint="split the condition into simpler rules"), {file: text}) from None


def extract_comments(text: str) -> list[Comment]:
    """Every '#' comment outside quoted text, with its position."""
    comments = []
    for number, line in enumerate(text.splitlines(), start=1):
        closing = None
        for column, char in enumerate(line):
            if closing is not None:
                if char == closing:
                    closing = None
            elif char == '"':
                closing = '"'
            elif char == "\u201c":
                closing = "\u201d"
            elif char == "#":
                comments.append(Comment(number, column + 1, line[column:].rstrip(), not line[:column].strip()))
                break
    return comments


# ---- friendly syntax errors ----------------------------------------------

# How terminals are named to a reader who has never seen the grammar.
_TERMINAL_WORDS = {
    "WORD": "a word",
    "NUMBER": "a number",
    "STRING": 'quoted text ("...")',
    "ISO_DATE": "a date like 2026-04-01",
    "MONTH": "a month name",
    "CLAUSE_ID": "a clause number like 6.12",
    "DASH": "a dash",
    "_NL": "the end of the line",
    "_INDENT": "an indented line",
    "_DEDENT": "an unindented line",
    "$END": "the end of the file",
    "COLON": "':'",
    "COMMA": "','",
    "LPAR": "'('",
    "RPAR": "')'",
    "PLUS": "'+'",
}

_RULE_EXAMPLE = "§6.12 representative may take up to 6 hours per month for duties"


def _describe_expected(parser: lark.Lark, expected) -> list[str]:
    words = []
    for name in sorted(expected):
        if name in _TERMINAL_WORDS:
            words.append(_TERMINAL_WORDS[name])
            continue
        try:
            pattern = parser.get_terminal(name).pattern
        except KeyError:
            continue
        if isinstance(pattern, lark.lexer.PatternStr):
            words.append(f"'{pattern.value}'")
    return sorted(set(words))


def _syntax_diagnostic(error: UnexpectedInput, text: str, file: str) -> Diagnostic:
    parser = _parser()
    line = getattr(error, "line", None) or 1
    column = getattr(error, "column", None) or 1
    if isinstance(error, UnexpectedEOF) or (line == -1):
        line, column = max(text.count("\n"), 1), 1
    span = Span(file, line, column)
    source_line = text.splitlines()[line - 1] if 0 < line <= len(text.splitlines()) else ""

    if isinstance(error, UnexpectedCharacters):
        char = text[error.pos_in_stream] if error.pos_in_stream < len(text) else ""
        return _unexpected_character(char, span, source_line)
    token = getattr(error, "token", None)
    if token is not None and token.type == "COMMA" and column > 1 and source_line[column - 2:column - 1].isdigit() \
            and source_line[column:column + 1].isdigit():
        return Diagnostic("E103", "numbers are written with a decimal point and without separators", span,
                          hint="write 6.5 rather than 6,5")

    expected = set(getattr(error, "expected", set()) or set())
    found = _token_words(token)
    expected_words = _describe_expected(parser, expected)
    hint = _hint_for(token, expected, source_line)
    if token is not None and token.type == "_INDENT":
        return Diagnostic("E101", "this line is indented, but the line above does not start a rule it could continue",
                          span, hint="remove the indentation, or indent only 'when', 'says' and table rows under a rule")
    message = f"unexpected {found}"
    if expected_words:
        shown = expected_words if len(expected_words) <= 8 else expected_words[:8] + ["…"]
        message += "; expected " + _join_or(shown)
    return Diagnostic("E100", message, span, hint=hint)


def _unexpected_character(char: str, span: Span, source_line: str) -> Diagnostic:
    if char in "\u2018\u2019'":
        hint = "quote the agreement's words with double quotes: says \"...\""
    elif char == "\t":
        hint = "tabs are fine for indentation; check the word before it"
    elif char == ",":
        hint = "write numbers without separators (1000, not 1,000) and with a decimal point (0.5, not 0,5)"
    elif char.isdigit():
        hint = "a number must be followed by a space before the next word"
    elif char == '"':
        hint = "close the quotation on the same line"
    else:
        hint = None
    shown = repr(char) if char.strip() else f"U+{ord(char):04X}" if char else "end of file"
    return Diagnostic("E102", f"unexpected character {shown}", span, hint=hint)


def _token_words(token) -> str:
    if token is None:
        return "end of the file"
    if token.type == "_NL":
        return "end of the line"
    if token.type == "$END":
        return "end of the file"
    if token.type in ("_DEDENT",):
        return "end of the indented lines"
    return f"'{token.value}'"


def _hint_for(token, expected: set, source_line: str) -> str | None:
    stripped = source_line.strip()
    at_statement_start = "CLAUSE" in expected or "SECTION" in expected or any(
        name in expected for name in ("AGREEMENT", "ROLES", "FACT")
    )
    if at_statement_start and token is not None and token.type == "WORD":
        return f"a rule starts with its clause reference, for example: {_RULE_EXAMPLE}"
    if token is not None and token.type == "WORD" and "PER" in expected:
        return "say the period: 'per week', 'per month', 'per year' or 'in any 12 months'"
    if token is not None and token.type in ("_NL", "$END") and stripped.endswith(":"):
        return "put the table's rows on the following lines, indented"
    if "NUMBER" in expected and token is not None and token.type == "WORD":
        return "write amounts with digits, for example '6 hours' or '0.5 FTE'"
    if "COLON" in expected:
        return "vocabulary lists and table rows need a ':' (for example 'roles: representative, branch secretary')"
    return None


def _join_or(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]
